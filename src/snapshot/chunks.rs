//! A snapshot's chunk list, so that a mirror fetches only what changed: the
//! file is cut after lines chosen by their content (a line is chosen when
//! the hash of it and the lines before it falls in one of [`AVERAGE_LINES`]
//! buckets), so a name added,
//! edited or withdrawn changes the one chunk it is in and leaves every other
//! chunk, and its digest, as it was. The list (`/snapshot.chunks`) names
//! each chunk by its length and SHA-256:
//!
//! ```text
//! undersign-chunks-1 seq=42 size=13043210
//! 16384 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//! …
//! ```
//!
//! A mirror builds the new file from the chunks it already holds and asks
//! for the others with `Range`; the signature, checked on the whole file
//! afterwards as always, is what is trusted, never the list.

use super::comment::Digest;
use sha2::Digest as _;
use std::fmt::Write as _;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// The list's first word.
pub const FORMAT: &str = "undersign-chunks-1";
/// Lines per chunk, on average: a name is a line in a snapshot, so about
/// 256 names, 12 KiB.
const AVERAGE_LINES: u64 = 256;
/// A chunk ends here even without a chosen line (a very long line).
const MAX_CHUNK: usize = 1 << 20;
/// Bytes read at a time.
const READ: usize = 256 * 1024;
/// Runs of changed chunks asked for in one `/snapshot.parts` request, at
/// most: the client fetches the whole file past this, and hosts refuse more.
pub const MAX_PARTS: usize = 256;

/// One chunk: where it is in its file, how long, and its digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// Its first byte's offset.
    pub offset: u64,
    /// Its length in bytes.
    pub len: u64,
    /// SHA-256 of its bytes.
    pub sha256: Digest,
}

/// A chunk list: the snapshot it is of, and its chunks in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunks {
    /// The snapshot's number.
    pub seq: u64,
    /// The chunks, in file order, covering it whole.
    pub chunks: Vec<Chunk>,
}

impl Chunks {
    /// The chunks of the first `len` bytes of `file`, snapshot `seq`,
    /// read at positions in bounded pieces.
    pub fn of_file(file: &File, len: u64, seq: u64) -> io::Result<Chunks> {
        let mut cutter = Cutter::default();
        let mut buf = vec![0; READ];
        let mut at = 0;
        while at < len {
            let n = usize::try_from(len - at).map_or(READ, |left| left.min(READ));
            file.read_exact_at(&mut buf[..n], at)?;
            cutter.feed(&buf[..n]);
            at += n as u64;
        }
        Ok(Chunks { seq, chunks: cutter.finish() })
    }

    /// The file's total length.
    pub fn size(&self) -> u64 {
        self.chunks.iter().map(|c| c.len).sum()
    }

    /// The list as served.
    pub fn to_text(&self) -> String {
        let mut out = format!("{FORMAT} seq={} size={}\n", self.seq, self.size());
        for c in &self.chunks {
            let _ = writeln!(out, "{} {}", c.len, c.sha256);
        }
        out
    }

    /// A list as served; at most `max_size` bytes of file may it describe.
    pub fn parse(text: &str, max_size: u64) -> Result<Chunks, String> {
        let mut lines = text.lines();
        let head = lines.next().unwrap_or_default();
        let mut words = head.split(' ');
        if words.next() != Some(FORMAT) {
            return Err(format!("not an {FORMAT} list"));
        }
        let field = |w: Option<&str>, name: &str| {
            w.and_then(|w| w.strip_prefix(name)?.strip_prefix('=')?.parse::<u64>().ok())
                .ok_or_else(|| format!("its first line lacks {name}"))
        };
        let seq = field(words.next(), "seq")?;
        let size = field(words.next(), "size")?;
        if size > max_size {
            return Err(format!("it describes {size} bytes, over the bound of {max_size}"));
        }
        let mut chunks = Vec::new();
        let mut offset = 0u64;
        for line in lines {
            let bad = || format!("malformed line `{}`", line.chars().take(80).collect::<String>());
            let (len, sha) = line.split_once(' ').ok_or_else(bad)?;
            let len: u64 = len.parse().map_err(|_| bad())?;
            let sha256: Digest = sha.parse().map_err(|()| bad())?;
            if len == 0 || len > MAX_CHUNK as u64 || offset + len > size {
                return Err(bad());
            }
            chunks.push(Chunk { offset, len, sha256 });
            offset += len;
        }
        if offset != size {
            return Err(format!("its chunks add up to {offset} bytes, not {size}"));
        }
        Ok(Chunks { seq, chunks })
    }
}

/// Cuts a stream into chunks as [`Chunks`] says. Whether a line ends a
/// chunk depends on it and the lines before it ([`WINDOW`] in all), never
/// on where the chunk began: a snapshot's lines repeat (`"kind":
/// "individual",` in every name), so a line alone would cut after every
/// name or never; a window as long as a name's lines always holds a name.
#[derive(Default)]
struct Cutter {
    chunks: Vec<Chunk>,
    offset: u64,
    len: usize,
    chunk: sha2::Sha256,
    /// FNV-1a of the line so far (0 before the first byte).
    line: u64,
    /// The last lines' hashes, a ring; `lines` counts every line seen.
    window: [u64; WINDOW],
    lines: usize,
}

/// Lines the cut looks back over: more than one name takes in the file.
const WINDOW: usize = 16;
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl Cutter {
    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            // Up to the next cut: a chosen line's end, or the size cap.
            let room = MAX_CHUNK - self.len;
            let mut cut = None;
            for (i, &b) in bytes.iter().take(room).enumerate() {
                if self.line == 0 {
                    self.line = FNV_OFFSET;
                }
                self.line = (self.line ^ u64::from(b)).wrapping_mul(FNV_PRIME);
                if b == b'\n' && self.line_ends() {
                    cut = Some(i + 1);
                    break;
                }
            }
            let take = cut.unwrap_or(room.min(bytes.len()));
            self.chunk.update(&bytes[..take]);
            self.len += take;
            bytes = &bytes[take..];
            if cut.is_some() || self.len == MAX_CHUNK {
                self.cut();
            }
        }
    }

    /// A line ended: whether the window now chooses to cut.
    fn line_ends(&mut self) -> bool {
        self.window[self.lines % WINDOW] = self.line;
        self.lines += 1;
        self.line = 0;
        let window = (0..WINDOW).map(|k| self.window[(self.lines + k) % WINDOW]);
        let hash = window.fold(FNV_OFFSET, |acc, h| (acc ^ h).wrapping_mul(FNV_PRIME));
        self.lines >= WINDOW && hash % AVERAGE_LINES == 0
    }

    fn cut(&mut self) {
        let sha = std::mem::take(&mut self.chunk).finalize();
        self.chunks.push(Chunk { offset: self.offset, len: self.len as u64, sha256: Digest(sha.into()) });
        self.offset += self.len as u64;
        self.len = 0;
    }

    fn finish(mut self) -> Vec<Chunk> {
        if self.len > 0 {
            self.cut();
        }
        self.chunks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A name as a snapshot writes it: one line.
    fn record(name: &str) -> String {
        format!("    {{\"name\":\"{name}\",\"kind\":\"individual\"}},\n")
    }

    fn names(range: std::ops::Range<u32>) -> Vec<String> {
        range.map(|i| record(&format!("Signatory Number {i}"))).collect()
    }

    fn chunks_of(lines: &[String]) -> Chunks {
        let mut file = tempfile::tempfile().unwrap();
        let text = lines.concat();
        file.write_all(text.as_bytes()).unwrap();
        Chunks::of_file(&file, text.len() as u64, 1).unwrap()
    }

    #[test]
    fn a_name_added_changes_only_the_chunk_it_lands_in() {
        let before = names(0..5000);
        let mut after = before.clone();
        after.insert(2500, record("Someone New"));
        let (a, b) = (chunks_of(&before), chunks_of(&after));
        // About 256 lines each, not one name each nor one for all.
        assert!((8..60).contains(&a.chunks.len()), "{} chunks", a.chunks.len());
        let old: std::collections::HashSet<_> = a.chunks.iter().map(|c| c.sha256).collect();
        let new = b.chunks.iter().filter(|c| !old.contains(&c.sha256)).count();
        assert!(new <= 2, "{new} of {} chunks changed", b.chunks.len());
        assert_eq!(b.size(), a.size() + after[2500].len() as u64);
        // They cover the file whole, in order.
        let mut at = 0;
        for c in &b.chunks {
            assert_eq!(c.offset, at);
            at += c.len;
        }
        assert_eq!(at, b.size());
    }

    #[test]
    fn a_list_reads_back_and_a_wrong_one_is_refused() {
        let list = chunks_of(&names(0..3000));
        let text = list.to_text();
        assert_eq!(Chunks::parse(&text, u64::MAX).unwrap(), list);
        assert!(Chunks::parse(&text, list.size() - 1).unwrap_err().contains("over the bound"));
        let short = text.rsplit_once('\n').unwrap().0.rsplit_once('\n').unwrap().0;
        assert!(Chunks::parse(short, u64::MAX).unwrap_err().contains("add up to"));
        for bad in
            ["", "undersign-chunks-1 seq=1", "other seq=1 size=0", "undersign-chunks-1 seq=1 size=3\n3 zz"]
        {
            assert!(Chunks::parse(bad, u64::MAX).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_long_line_is_cut_at_the_cap() {
        let long = vec!["x".repeat(MAX_CHUNK * 2 + 5)];
        let list = chunks_of(&long);
        assert_eq!(
            list.chunks.iter().map(|c| c.len).collect::<Vec<_>>(),
            [MAX_CHUNK as u64, MAX_CHUNK as u64, 5]
        );
    }
}
