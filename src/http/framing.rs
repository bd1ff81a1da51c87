//! Every request head read whole and checked before hyper sees a byte of
//! it, so that what hyper would refuse on its own (a head past the bound,
//! bytes that are not HTTP, a length given both as `Content-Length` and
//! `Transfer-Encoding`, which hyper would resolve silently by dropping the
//! length) is refused by the router's own page, with every security
//! header, and what follows it on the stream is never read as a request.
//!
//! [`Framing`] follows the stream: a head (held back until whole, at most
//! [`MAX_HEAD`] bytes), then its body by its `Content-Length`, then the
//! next head. A chunked body is handed over unscanned, and its connection
//! closes after its answer (browsers send forms with a length). A refused
//! head is replaced by a stand-in that hyper parses, and that the server
//! answers with the refusal and `Connection: close`; nothing after it is read.

use super::request::RequestError;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A request head's longest length, request line and headers, in bytes.
pub const MAX_HEAD: usize = 64 * 1024;
/// Header lines in a head, at most.
pub const MAX_HEADERS: usize = 64;
/// What hyper is handed in place of a refused head.
const STAND_IN: &[u8] = b"GET / HTTP/1.1\r\nHost: refused.invalid\r\n\r\n";
/// Bytes read from the stream at a time.
const READ: usize = 8 * 1024;

/// Where the stream is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// In a head (held back until whole).
    Head,
    /// In a body of this many bytes more.
    Body(u64),
    /// After a chunked head: handed over as it comes.
    Through,
    /// After a refused head: nothing more is read.
    Refused,
}

/// The refusal of the `n`th request of a connection (from 1), told by the
/// stream to the service that answers it.
pub type Refusal = Arc<Mutex<Option<(u64, RequestError)>>>;

/// The state of one connection's stream of requests.
#[derive(Debug)]
struct Framing {
    state: State,
    head: Vec<u8>,
    /// Heads handed over so far, stand-ins included.
    heads: u64,
}

impl Framing {
    fn new() -> Framing {
        Framing { state: State::Head, head: Vec::new(), heads: 0 }
    }

    /// Takes bytes from the client; appends to `out` those hyper may read
    /// now. A refused head gives its request's number and why, once.
    fn take(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Option<(u64, RequestError)> {
        loop {
            match self.state {
                State::Refused => return None,
                State::Through => {
                    out.extend_from_slice(input);
                    return None;
                }
                State::Body(_) if input.is_empty() => return None,
                State::Body(left) => {
                    let n = usize::try_from(left).map_or(input.len(), |l| l.min(input.len()));
                    out.extend_from_slice(&input[..n]);
                    input = &input[n..];
                    let left = left - n as u64;
                    self.state = if left == 0 { State::Head } else { State::Body(left) };
                }
                State::Head => {
                    if self.head.is_empty() {
                        // Blank lines before a request line are ignored (RFC 9112, 2.2).
                        let blank = input.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
                        input = &input[blank..];
                        if input.is_empty() {
                            return None;
                        }
                        // A head that arrived whole, as nearly every one does, is
                        // checked where it lies and copied once.
                        if let Some(end) = head_end(input, 0).filter(|&end| end <= MAX_HEAD) {
                            match check(&input[..end]) {
                                Ok(next) => {
                                    out.extend_from_slice(&input[..end]);
                                    self.heads += 1;
                                    self.state = next;
                                    input = &input[end..];
                                    continue;
                                }
                                Err(e) => return Some(self.refuse(out, e)),
                            }
                        }
                    }
                    if input.is_empty() {
                        return None;
                    }
                    let from = self.head.len().saturating_sub(2);
                    let take = input.len().min(MAX_HEAD + 1 - self.head.len());
                    self.head.extend_from_slice(&input[..take]);
                    let Some(end) = head_end(&self.head, from) else {
                        if self.head.len() > MAX_HEAD {
                            return Some(self.refuse(out, RequestError::HeaderTooLarge));
                        }
                        input = &input[take..];
                        continue;
                    };
                    // What came after the head's end is the body's, or the next head's.
                    input = &input[take - (self.head.len() - end)..];
                    self.head.truncate(end);
                    match check(&self.head) {
                        Ok(next) => {
                            out.append(&mut self.head);
                            self.heads += 1;
                            self.state = next;
                        }
                        Err(e) => return Some(self.refuse(out, e)),
                    }
                }
            }
        }
    }

    fn refuse(&mut self, out: &mut Vec<u8>, e: RequestError) -> (u64, RequestError) {
        self.head = Vec::new();
        self.state = State::Refused;
        out.extend_from_slice(STAND_IN);
        self.heads += 1;
        (self.heads, e)
    }
}

/// Where the head in `buf` ends (after its blank line), looking from `from`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    memchr::memchr_iter(b'\n', &buf[from..]).map(|nl| from + nl).find_map(|at| match buf.get(at + 1..) {
        Some([b'\n', ..]) => Some(at + 2),
        Some([b'\r', b'\n', ..]) => Some(at + 3),
        _ => None,
    })
}

/// Checks a whole head as hyper will read it (hyper parses it with the
/// same httparse, so what passes here passes there); what follows it.
fn check(head: &[u8]) -> Result<State, RequestError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(head) {
        Ok(httparse::Status::Complete(n)) if n == head.len() => {}
        Err(httparse::Error::TooManyHeaders) => return Err(RequestError::HeaderTooLarge),
        _ => return Err(RequestError::BadSyntax),
    }
    let method_ok = req.method.is_some_and(|m| hyper::Method::from_bytes(m.as_bytes()).is_ok());
    let target_ok = req.path.is_some_and(|p| p.parse::<hyper::Uri>().is_ok());
    if !method_ok || !target_ok {
        return Err(RequestError::BadSyntax);
    }
    // One pass: the first length (and whether another differs), the last coding.
    let (mut length, mut lengths_differ, mut coding) = (None::<&[u8]>, false, None::<&[u8]>);
    for h in req.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-length") {
            lengths_differ |= length.is_some_and(|first| first != h.value);
            length = length.or(Some(h.value));
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            coding = Some(h.value);
        }
    }
    match (length, coding) {
        (None, None) => Ok(State::Head),
        (None, Some(last)) => {
            let chunked = std::str::from_utf8(last)
                .ok()
                .and_then(|v| v.rsplit(',').next())
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("chunked"));
            match chunked && req.version == Some(1) {
                true => Ok(State::Through),
                false => Err(RequestError::BadFraming),
            }
        }
        (Some(first), None) => {
            let length = std::str::from_utf8(first)
                .ok()
                .map(str::trim)
                .filter(|v| (1..=18).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<u64>().ok());
            match length {
                Some(n) if !lengths_differ => Ok(if n == 0 { State::Head } else { State::Body(n) }),
                _ => Err(RequestError::BadFraming),
            }
        }
        (Some(_), Some(_)) => Err(RequestError::BadFraming),
    }
}

/// A stream whose request heads are checked before hyper reads them.
pub struct Framed<Io> {
    io: Io,
    framing: Framing,
    /// Checked bytes hyper has yet to read, from `at`.
    pending: Vec<u8>,
    at: usize,
    /// Where bytes are read into, left uninitialised: zeroing 8 KiB at
    /// each read cost more instructions than the whole request.
    scratch: Vec<u8>,
    refusal: Refusal,
}

impl<Io> Framed<Io> {
    /// `io`, telling a refused head to `refusal`.
    pub fn new(io: Io, refusal: Refusal) -> Framed<Io> {
        Framed { io, framing: Framing::new(), pending: Vec::new(), at: 0, scratch: Vec::new(), refusal }
    }
}

impl<Io: AsyncRead + Unpin> AsyncRead for Framed<Io> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.at < this.pending.len() {
                let n = buf.remaining().min(this.pending.len() - this.at);
                buf.put_slice(&this.pending[this.at..this.at + n]);
                this.at += n;
                if this.at == this.pending.len() {
                    this.pending.clear();
                    this.at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.framing.state == State::Refused {
                // The stand-in is answered with `Connection: close`; hyper
                // needs nothing more from the stream, and gets nothing.
                return Poll::Pending;
            }
            this.scratch.reserve_exact(READ);
            let mut read = ReadBuf::uninit(&mut this.scratch.spare_capacity_mut()[..READ]);
            match Pin::new(&mut this.io).poll_read(cx, &mut read) {
                Poll::Ready(Ok(())) if read.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => {
                    if let Some(refused) = this.framing.take(read.filled(), &mut this.pending) {
                        *this.refusal.lock().unwrap_or_else(|p| p.into_inner()) = Some(refused);
                    }
                }
                other => return other,
            }
        }
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for Framed<Io> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in pieces of `step` bytes: what hyper gets, and the refusal.
    fn feed(input: &[u8], step: usize) -> (Vec<u8>, Option<(u64, RequestError)>) {
        let mut framing = Framing::new();
        let mut out = Vec::new();
        let mut refused = None;
        for piece in input.chunks(step) {
            refused = refused.or(framing.take(piece, &mut out));
        }
        (out, refused)
    }

    #[test]
    fn heads_and_bodies_pass_whole_in_any_pieces() {
        let two =
            b"POST /sign HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab\r\ncGET / HTTP/1.1\nHost: x\n\n";
        for step in [1, 2, 3, 7, 64, 1000] {
            assert_eq!(feed(two, step), (two.to_vec(), None), "{step}");
        }
        let blank = b"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_eq!(feed(blank, 1).0, &blank[4..]);
    }

    #[test]
    fn an_ambiguous_length_is_refused_and_nothing_after_it_passes() {
        let smuggled =
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /secret HTTP/1.1\r\nHost: x\r\n\r\n";
        for step in [1, 5, 1000] {
            let (out, refused) = feed(smuggled, step);
            assert_eq!(refused, Some((2, RequestError::BadFraming)), "{step}");
            assert_eq!(out, [&b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..], STAND_IN].concat());
        }
        for bad in [
            &b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"[..],
            b"POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        ] {
            assert_eq!(feed(bad, 1000).1, Some((1, RequestError::BadFraming)));
        }
        let chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        assert_eq!(feed(chunked, 3), (chunked.to_vec(), None));
    }

    #[test]
    fn a_head_past_the_bound_or_not_http_is_refused() {
        let mut big = b"GET / HTTP/1.1\r\n".to_vec();
        while big.len() <= MAX_HEAD {
            big.extend_from_slice(b"X-Filler: 0123456789012345678901234567890123456789\r\n");
        }
        assert_eq!(feed(&big, 4096).1, Some((1, RequestError::HeaderTooLarge)));
        let many: String = (0..65).map(|i| format!("X-{i}: y\r\n")).collect();
        assert_eq!(
            feed(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes(), 100).1,
            Some((1, RequestError::HeaderTooLarge))
        );
        for bad in [
            &b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"[..],
            b"\x16\x03\x01 / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/2.0\r\n\r\n",
        ] {
            assert_eq!(feed(bad, 1000).1, Some((1, RequestError::BadSyntax)), "{bad:?}");
        }
    }
}
