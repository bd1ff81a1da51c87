//! The PROXY protocol v1 header that tor writes at the start of every stream
//! of an onion service configured with `HiddenServiceExportCircuitID haproxy`,
//! for example `PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\n`. Tor puts
//! its global circuit id in the last 32 bits of the source address, inside
//! `fc00:dead:beef:4dad::/64`; that id is all undersign takes from the line,
//! to throttle and cap connections per circuit, in memory only. The parser is
//! strict (single spaces, canonical decimal ports, both addresses IPv6, CRLF)
//! and bounded: it never looks at more than [`MAX_HEADER_LEN`] bytes, and
//! [`read_header`] never reads past the line's CRLF, so the HTTP request that
//! follows is left untouched in the stream. Anything that is not tor's header
//! (TCP4, UNKNOWN, another TCP6 source, a bare HTTP request) is refused.

use std::net::Ipv6Addr;

use tokio::io::{AsyncRead, AsyncReadExt};

/// The longest v1 header the spec allows, CRLF included.
pub const MAX_HEADER_LEN: usize = 107;

/// Tor's global identifier of the rendezvous circuit a stream arrived on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CircuitId(pub u32);

/// Why a header was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum ProxyError {
    /// The bytes so far are a valid start of a header, but its CRLF is missing.
    Incomplete,
    /// Not a header this parser accepts; the reason is for logs and tests.
    Invalid(&'static str),
}

use ProxyError::{Incomplete, Invalid};

/// The network part of tor's source addresses: `fc00:dead:beef:4dad::/64`.
const TOR_PREFIX: [u16; 4] = [0xfc00, 0xdead, 0xbeef, 0x4dad];
/// How every textual form of an address in that /64 begins (up to case).
const TOR_PREFIX_TEXT: &[u8] = b"fc00:dead:beef:4dad:";
/// The longest textual IPv6 address (with an embedded IPv4 tail).
const MAX_ADDR_LEN: usize = 45;

/// Parses a header at the start of `buf`. Ok((circuit, consumed_bytes)) when a full valid line is present;
/// Err(Incomplete) when `buf` is a valid prefix shorter than a full line (and shorter than MAX_HEADER_LEN);
/// Err(Invalid(reason)) otherwise. The circuit id is the last 32 bits of the source address when the source
/// is inside fc00:dead:beef:4dad::/64 (tor's prefix); any other PROXY source (TCP4, UNKNOWN, other TCP6) yields Invalid — we only accept tor's.
///
/// "Valid prefix" means: every field completed so far is valid, and the field
/// still being written is a possible start of a valid one (its characters,
/// its length, and for the source address, tor's prefix).
pub fn parse(buf: &[u8]) -> Result<(CircuitId, usize), ProxyError> {
    let window = &buf[..buf.len().min(MAX_HEADER_LEN)];
    if let Some(lf) = window.iter().position(|&b| b == b'\n') {
        let line = match lf.checked_sub(1) {
            Some(cr) if window[cr] == b'\r' => &window[..cr],
            _ => return Err(Invalid("line feed without carriage return")),
        };
        if line.contains(&b'\r') {
            return Err(Invalid("carriage return inside the line"));
        }
        let circuit = check_fields(line, true)?;
        return circuit.map(|c| (c, lf + 1)).ok_or(Invalid("internal: no circuit"));
    }
    if buf.len() >= MAX_HEADER_LEN {
        return Err(Invalid("header longer than 107 bytes"));
    }
    // No line feed yet. A final CR means the line is over: all fields must be done.
    let (body, ended) = match window.split_last() {
        Some((b'\r', body)) => (body, true),
        _ => (window, false),
    };
    if body.contains(&b'\r') {
        return Err(Invalid("carriage return inside the line"));
    }
    check_fields(body, ended)?;
    Err(Incomplete)
}

/// Reads exactly the header from an async stream byte-by-byte-safe (never reads past the CRLF, so no request bytes are lost),
/// bounded by MAX_HEADER_LEN, returning the circuit id.
///
/// It reads one byte at a time and gives up at the first byte that cannot
/// belong to tor's header (a client speaking plain HTTP fails on its first
/// byte). It has no timeout of its own: wrap it in `tokio::time::timeout`.
pub async fn read_header<R: AsyncRead + Unpin>(r: &mut R) -> Result<CircuitId, ProxyError> {
    let mut buf = [0u8; MAX_HEADER_LEN];
    let mut len = 0;
    while len < MAX_HEADER_LEN {
        let n = r.read(&mut buf[len..len + 1]).await.map_err(|_| Invalid("read error"))?;
        if n == 0 {
            return Err(Invalid("eof"));
        }
        len += 1;
        match parse(&buf[..len]) {
            // The byte just read was the line feed: nothing after it was read.
            Ok((circuit, used)) if used == len => return Ok(circuit),
            Ok(_) => return Err(Invalid("internal: line ended early")),
            Err(Incomplete) => {}
            Err(e) => return Err(e),
        }
    }
    Err(Invalid("header longer than 107 bytes"))
}

/// Checks the space-separated fields of `line` (without CR or LF). With
/// `complete`, all six must be present and valid, and the circuit is returned;
/// otherwise the last field may be unfinished and `Ok(None)` means "so far so good".
fn check_fields(line: &[u8], complete: bool) -> Result<Option<CircuitId>, ProxyError> {
    let n_fields = line.split(|&b| b == b' ').count();
    if n_fields > 6 {
        return Err(Invalid("too many fields"));
    }
    if complete && n_fields < 6 {
        return Err(Invalid("missing fields"));
    }
    let mut circuit = None;
    for (i, field) in line.split(|&b| b == b' ').enumerate() {
        let partial = !complete && i + 1 == n_fields;
        if partial {
            check_partial(i, field)?;
            continue;
        }
        if field.is_empty() {
            return Err(Invalid("empty field (spaces must be single)"));
        }
        match i {
            0 if field == b"PROXY" => {}
            0 => return Err(Invalid("not a PROXY header")),
            1 if field == b"TCP6" => {}
            1 if field == b"TCP4" => return Err(Invalid("TCP4 source: not tor")),
            1 if field == b"UNKNOWN" => return Err(Invalid("UNKNOWN source: not tor")),
            1 => return Err(Invalid("unknown protocol")),
            2 => {
                let src = ipv6(field).ok_or(Invalid("source is not an IPv6 address"))?;
                let s = src.segments();
                if s[..4] != TOR_PREFIX {
                    return Err(Invalid("source is not in tor's fc00:dead:beef:4dad::/64"));
                }
                let o = src.octets();
                circuit = Some(CircuitId(u32::from_be_bytes([o[12], o[13], o[14], o[15]])));
            }
            3 => {
                ipv6(field).ok_or(Invalid("destination is not an IPv6 address"))?;
            }
            _ => {
                port(field).ok_or(Invalid("port is not a decimal 0-65535 without leading zeros"))?;
            }
        }
    }
    Ok(circuit)
}

/// Whether `field`, not yet followed by a space or CRLF, can still grow into
/// a valid field number `i`.
fn check_partial(i: usize, field: &[u8]) -> Result<(), ProxyError> {
    let ok = match i {
        0 => b"PROXY".starts_with(field),
        1 => b"TCP6".starts_with(field),
        2 => {
            let k = field.len().min(TOR_PREFIX_TEXT.len());
            field.len() <= MAX_ADDR_LEN
                && field[..k].eq_ignore_ascii_case(&TOR_PREFIX_TEXT[..k])
                && field.iter().all(|&b| is_addr_char(b))
        }
        3 => field.len() <= MAX_ADDR_LEN && field.iter().all(|&b| is_addr_char(b)),
        _ => {
            field.len() <= 5
                && field.iter().all(u8::is_ascii_digit)
                && !(field.len() > 1 && field[0] == b'0')
                && digits_value(field) <= 65535
        }
    };
    if ok {
        Ok(())
    } else {
        Err(Invalid(match i {
            0 => "not a PROXY header",
            1 => "not a TCP6 header",
            2 => "source is not in tor's fc00:dead:beef:4dad::/64",
            3 => "destination is not an IPv6 address",
            _ => "port is not a decimal 0-65535 without leading zeros",
        }))
    }
}

fn is_addr_char(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

fn ipv6(field: &[u8]) -> Option<Ipv6Addr> {
    if field.len() > MAX_ADDR_LEN || !field.iter().all(|&b| is_addr_char(b)) {
        return None;
    }
    std::str::from_utf8(field).ok()?.parse().ok()
}

/// At most 5 digits, so the value fits easily in a u32.
fn digits_value(field: &[u8]) -> u32 {
    field.iter().fold(0, |v, &d| v * 10 + u32::from(d - b'0'))
}

fn port(field: &[u8]) -> Option<u16> {
    let canonical = !field.is_empty()
        && field.len() <= 5
        && field.iter().all(u8::is_ascii_digit)
        && !(field.len() > 1 && field[0] == b'0');
    if !canonical {
        return None;
    }
    u16::try_from(digits_value(field)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The line as tor 0.4.9 writes it (see `tor(1)`, HiddenServiceExportCircuitID).
    fn tor_line(c: u32, vport: u16) -> String {
        format!(
            "PROXY TCP6 fc00:dead:beef:4dad::{:x}:{:x} ::1 {} {}\r\n",
            c >> 16,
            c & 0xffff,
            c & 0xffff,
            vport
        )
    }

    fn invalid(buf: &[u8]) -> bool {
        matches!(parse(buf), Err(Invalid(_)))
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    #[test]
    fn real_tor_lines() {
        // Received from tor 0.4.9.11 on a private test network.
        for (line, id) in [
            ("PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\n", 60),
            ("PROXY TCP6 fc00:dead:beef:4dad::0:40 ::1 64 80\r\n", 64),
            ("PROXY TCP6 fc00:dead:beef:4dad::0:29a ::1 666 80\r\n", 666),
            ("PROXY TCP6 fc00:dead:beef:4dad::ffff:ffff ::1 65535 42\r\n", u32::MAX),
            ("PROXY TCP6 fc00:dead:beef:4dad::1:0 ::1 0 80\r\n", 0x1_0000),
        ] {
            assert_eq!(parse(line.as_bytes()), Ok((CircuitId(id), line.len())), "{line:?}");
        }
    }

    #[test]
    fn consumes_only_the_header() {
        let line = "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\n";
        let buf = format!("{line}GET / HTTP/1.1\r\nHost: x.onion\r\n\r\n");
        assert_eq!(parse(buf.as_bytes()), Ok((CircuitId(60), line.len())));
    }

    #[test]
    fn every_strict_prefix_is_incomplete() {
        let line = b"PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\n";
        for n in 0..line.len() {
            assert_eq!(parse(&line[..n]), Err(Incomplete), "{:?}", &line[..n]);
        }
    }

    #[test]
    fn other_sources_are_refused() {
        for line in [
            "PROXY TCP4 192.0.2.1 192.0.2.2 1234 80\r\n",
            "PROXY UNKNOWN\r\n",
            "PROXY UNKNOWN fc00:dead:beef:4dad::0:3c ::1 60 80\r\n",
            "PROXY TCP6 2001:db8::1 ::1 60 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dae::0:3c ::1 60 80\r\n",
            "PROXY TCP6 ::1 fc00:dead:beef:4dad::0:3c 60 80\r\n",
        ] {
            assert!(invalid(line.as_bytes()), "{line:?}");
        }
        // Refused as soon as the protocol field says so.
        assert!(invalid(b"PROXY TCP4"));
        assert!(invalid(b"PROXY U"));
        assert!(invalid(b"PROXY TCP6 20"));
    }

    #[test]
    fn strictness() {
        for line in [
            "proxy TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\n",
            "PROXY  TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\n",
            " PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80 \r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80 1\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60\r\n",
            "PROXY\tTCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 060 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 00\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 65536 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 +60 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 0x50\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::g 60 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c 127.0.0.1 60 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c%1 ::1 60 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad:::3c ::1 60 80\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\r\n",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\rX",
            "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 6\r0 80\r\n",
            "PROXY TCP6\r",
            "\r\n",
            "\n",
            "GET / HTTP/1.1\r\n",
            "G",
        ] {
            assert!(invalid(line.as_bytes()), "{line:?}");
        }
    }

    #[test]
    fn length_bound() {
        let src = "fc00:dead:beef:4dad:0000:0000:ffff:ffff"; // 39 bytes
        let head = format!("PROXY TCP6 {src} ffff:ffff:ffff:ffff:ffff:ffff:255.255.25.2 65535 65535\r\n");
        assert_eq!(head.len(), MAX_HEADER_LEN);
        assert_eq!(parse(head.as_bytes()), Ok((CircuitId(u32::MAX), MAX_HEADER_LEN)));
        let long = format!("PROXY TCP6 {src} ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2 65535 65535\r\n");
        assert_eq!(long.len(), MAX_HEADER_LEN + 1);
        assert_eq!(parse(long.as_bytes()), Err(Invalid("header longer than 107 bytes")));
        assert_eq!(parse(&long.as_bytes()[..MAX_HEADER_LEN - 1]), Err(Incomplete));
    }

    #[test]
    fn read_header_leaves_the_request() {
        let mut input: &[u8] = b"PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\nGET / HTTP/1.1\r\n\r\n";
        assert_eq!(block_on(read_header(&mut input)), Ok(CircuitId(60)));
        assert_eq!(input, b"GET / HTTP/1.1\r\n\r\n");
    }

    #[test]
    fn read_header_failures() {
        let mut eof: &[u8] = b"PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60";
        assert_eq!(block_on(read_header(&mut eof)), Err(Invalid("eof")));
        let mut empty: &[u8] = b"";
        assert_eq!(block_on(read_header(&mut empty)), Err(Invalid("eof")));
        // Plain HTTP is refused on its first byte; nothing more is consumed.
        let mut http: &[u8] = b"GET / HTTP/1.1\r\n\r\n";
        assert!(matches!(block_on(read_header(&mut http)), Err(Invalid(_))));
        assert_eq!(http, b"ET / HTTP/1.1\r\n\r\n");
        let mut endless: &[u8] = &[b'0'; 1000];
        assert!(matches!(block_on(read_header(&mut endless)), Err(Invalid(_))));
    }

    #[test]
    fn read_header_trickled() {
        let trickle = async {
            let (mut client, mut server) = tokio::io::duplex(1);
            let writer = tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                for b in b"PROXY TCP6 fc00:dead:beef:4dad::0:29a ::1 666 80\r\nGET" {
                    client.write_all(&[*b]).await.unwrap();
                }
                client
            });
            assert_eq!(read_header(&mut server).await, Ok(CircuitId(666)));
            let mut rest = [0u8; 3];
            server.read_exact(&mut rest).await.unwrap();
            assert_eq!(&rest, b"GET");
            drop(writer.await.unwrap());
        };
        let limit = std::time::Duration::from_secs(10);
        block_on(async { tokio::time::timeout(limit, trickle).await.expect("stalled") });
    }

    /// Invariants that hold for any input.
    fn check_invariants(buf: &[u8]) -> Result<(), TestCaseError> {
        match parse(buf) {
            Ok((c, n)) => {
                prop_assert!(n <= MAX_HEADER_LEN && n <= buf.len());
                prop_assert!(buf[..n].ends_with(b"\r\n"));
                prop_assert_eq!(parse(&buf[..n]), Ok((c, n)));
                for k in 0..n {
                    prop_assert_eq!(parse(&buf[..k]), Err(Incomplete));
                }
                // The canonical form of the same circuit parses to the same id.
                let canon = tor_line(c.0, 80);
                prop_assert_eq!(parse(canon.as_bytes()), Ok((c, canon.len())));
            }
            Err(Incomplete) => {
                prop_assert!(buf.len() < MAX_HEADER_LEN);
                prop_assert!(!buf.contains(&b'\n'));
            }
            Err(Invalid(_)) => {}
        }
        // read_header agrees with parse and consumes exactly the line.
        let mut rest = buf;
        let read = block_on(read_header(&mut rest));
        match parse(buf) {
            Ok((c, n)) => {
                prop_assert_eq!(read, Ok(c));
                prop_assert_eq!(rest.len(), buf.len() - n);
            }
            Err(Incomplete) => prop_assert_eq!(read, Err(Invalid("eof"))),
            Err(Invalid(_)) => prop_assert!(matches!(read, Err(Invalid(_)))),
        }
        prop_assert!(buf.len() - rest.len() <= MAX_HEADER_LEN);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn arbitrary_bytes(buf in proptest::collection::vec(any::<u8>(), 0..300)) {
            check_invariants(&buf)?;
        }

        #[test]
        fn arbitrary_tails(tail in proptest::collection::vec(
            prop_oneof![Just(b' '), Just(b':'), Just(b'\r'), Just(b'\n'), Just(b'0'), Just(b'.'),
                        proptest::char::range('0', 'f').prop_map(|c| c as u8), any::<u8>()],
            0..120)) {
            let mut buf = b"PROXY TCP6 fc00:dead:beef:4dad:".to_vec();
            buf.extend_from_slice(&tail);
            check_invariants(&buf)?;
        }

        #[test]
        fn one_byte_changed(c in any::<u32>(), at in 0usize..64, b in any::<u8>()) {
            let mut buf = tor_line(c, 80).into_bytes();
            let at = at % buf.len();
            buf[at] = b;
            check_invariants(&buf)?;
        }

        #[test]
        fn round_trip(c in any::<u32>(), vport in any::<u16>(), tail in proptest::collection::vec(any::<u8>(), 0..40)) {
            let line = tor_line(c, vport);
            let mut buf = line.clone().into_bytes();
            buf.extend_from_slice(&tail);
            prop_assert_eq!(parse(&buf), Ok((CircuitId(c), line.len())));
            // Other spellings of the same source address carry the same id.
            let o = c.to_be_bytes();
            for src in [
                format!("fc00:dead:beef:4dad:0:0:{:x}:{:x}", c >> 16, c & 0xffff),
                format!("FC00:DEAD:BEEF:4DAD:0000:0000:{:04X}:{:04X}", c >> 16, c & 0xffff),
                format!("fc00:dead:beef:4dad::{}.{}.{}.{}", o[0], o[1], o[2], o[3]),
            ] {
                let line = format!("PROXY TCP6 {src} ::1 1 {vport}\r\n");
                prop_assert_eq!(parse(line.as_bytes()), Ok((CircuitId(c), line.len())));
            }
        }
    }
}
