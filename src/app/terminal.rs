//! A line read from the terminal without showing it: echo is turned off
//! before the prompt is written (so nothing typed after the prompt can be
//! shown), and turned back on however the read ends. The terminal is set
//! through rustix's termios, which needs no unsafe code here.

use rustix::termios::{self, LocalModes, OptionalActions, Termios};
use std::io;

/// The terminal's settings, put back when dropped.
struct Shown(Termios);

impl Drop for Shown {
    fn drop(&mut self) {
        // Nothing to do if it fails: the read is over either way, and the
        // shell resets a terminal left without echo.
        let _ = termios::tcsetattr(io::stdin(), OptionalActions::Now, &self.0);
    }
}

/// Writes `prompt` to stderr with echo off on stdin (a terminal), reads one
/// line, and ends it with a newline of its own.
pub(super) fn read_hidden(prompt: &str) -> io::Result<String> {
    let stdin = io::stdin();
    let mut term = termios::tcgetattr(&stdin)?;
    let shown = Shown(term.clone());
    term.local_modes.remove(LocalModes::ECHO | LocalModes::ECHOE | LocalModes::ECHOK);
    term.local_modes.insert(LocalModes::ECHONL);
    termios::tcsetattr(&stdin, OptionalActions::Now, &term)?;
    eprint!("{prompt}");
    let mut line = String::new();
    let read = stdin.read_line(&mut line);
    drop(shown);
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
