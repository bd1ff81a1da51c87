//! A line read from the terminal without showing it: echo is turned off
//! before the prompt is written (so nothing typed after the prompt can be
//! shown), and turned back on however the read ends.

use std::io;

/// The terminal's settings, put back when dropped.
struct Shown(libc::termios);

impl Drop for Shown {
    #[allow(unsafe_code, reason = "termios has no safe interface in std")]
    fn drop(&mut self) {
        // SAFETY: a valid termios got from tcgetattr on the same descriptor.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &self.0);
        }
    }
}

/// Writes `prompt` to stderr with echo off on stdin (a terminal), reads one
/// line, and ends it with a newline of its own.
#[allow(unsafe_code, reason = "termios has no safe interface in std")]
pub(super) fn read_hidden(prompt: &str) -> io::Result<String> {
    let fd = libc::STDIN_FILENO;
    // SAFETY: termios is plain data; tcgetattr fills it or fails.
    let mut term: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: a pointer to a termios that lives through the call.
    if unsafe { libc::tcgetattr(fd, &mut term) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let shown = Shown(term);
    term.c_lflag &= !(libc::ECHO | libc::ECHOE | libc::ECHOK);
    term.c_lflag |= libc::ECHONL;
    // SAFETY: as above.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &term) } != 0 {
        return Err(io::Error::last_os_error());
    }
    eprint!("{prompt}");
    let mut line = String::new();
    let read = io::stdin().read_line(&mut line);
    drop(shown);
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
