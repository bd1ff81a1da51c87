//! Tor's PROXY v1 line (`undersign::proxy_protocol`) on any bytes, as the
//! start of a stream: `parse` never panics, never claims more than it was
//! given or than a header may hold, answers "incomplete" only for a valid
//! start, and `read_header` agrees with it and reads nothing past the line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::future::Future;
use std::task::{Context, Poll, Waker};
use undersign::proxy_protocol::{parse, read_header, CircuitId, ProxyError, MAX_HEADER_LEN};

fuzz_target!(|buf: &[u8]| {
    let parsed = parse(buf);
    match &parsed {
        Ok((circuit, used)) => {
            let used = *used;
            assert!(used <= buf.len() && used <= MAX_HEADER_LEN, "consumed {used} of {}", buf.len());
            let line = &buf[..used];
            assert!(line.ends_with(b"\r\n"));
            assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1, "more than one line");
            assert!(starts_with_tor_prefix(line), "not tor's source address");
            // The line alone is the same header; what follows it is not read.
            assert_eq!(parse(line), Ok((*circuit, used)));
            let mut more = line.to_vec();
            more.extend_from_slice(b"GET / HTTP/1.1\r\n");
            assert_eq!(parse(&more), Ok((*circuit, used)));
            // Every strict prefix is a valid start: what lets read_header
            // take one byte at a time.
            for k in 0..used {
                assert_eq!(parse(&line[..k]), Err(ProxyError::Incomplete), "prefix of {k} bytes");
            }
            // Tor's own spelling of the same circuit gives the same id.
            let CircuitId(c) = *circuit;
            let canonical =
                format!("PROXY TCP6 fc00:dead:beef:4dad::{:x}:{:x} ::1 1 80\r\n", c >> 16, c & 0xffff);
            assert_eq!(parse(canonical.as_bytes()), Ok((*circuit, canonical.len())));
        }
        Err(ProxyError::Incomplete) => {
            assert!(buf.len() < MAX_HEADER_LEN, "incomplete at {} bytes", buf.len());
            assert!(!buf.contains(&b'\n'));
            // A valid start stays one when cut shorter.
            for k in 0..buf.len() {
                assert_eq!(parse(&buf[..k]), Err(ProxyError::Incomplete), "prefix of {k} bytes");
            }
        }
        Err(ProxyError::Invalid(_)) => {
            // Once refused, more bytes cannot make it a header.
            let mut more = buf.to_vec();
            more.extend_from_slice(b"\r\n");
            assert!(matches!(parse(&more), Err(ProxyError::Invalid(_))));
        }
    }

    // read_header over the same bytes as a stream.
    let mut rest = buf;
    let read = poll_once(read_header(&mut rest));
    let taken = buf.len() - rest.len();
    assert!(taken <= MAX_HEADER_LEN);
    match parsed {
        Ok((circuit, used)) => {
            assert_eq!(read, Ok(circuit));
            assert_eq!(taken, used, "read_header read past the line");
        }
        Err(ProxyError::Incomplete) => {
            assert_eq!(read, Err(ProxyError::Invalid("eof")));
            assert_eq!(taken, buf.len());
        }
        Err(ProxyError::Invalid(_)) => assert!(matches!(read, Err(ProxyError::Invalid(_)))),
    }
});

/// Every spelling of an address in tor's /64 starts with its four groups
/// (none has a zero to leave out), in either case.
fn starts_with_tor_prefix(line: &[u8]) -> bool {
    let (head, addr) = (b"PROXY TCP6 ", b"fc00:dead:beef:4dad:");
    line.starts_with(head)
        && line[head.len()..].get(..addr.len()).is_some_and(|a| a.eq_ignore_ascii_case(addr))
}

/// Runs a future that cannot wait: reading from a byte slice is always ready.
fn poll_once<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("reading from a slice waited"),
    }
}
