//! Behind tor with `HiddenServiceExportCircuitID haproxy`: every stream
//! starts with a PROXY line carrying the circuit id. Signing is throttled
//! and connections capped per circuit, and the id is never kept or printed.

use crate::common::{self, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const BEHIND_TOR: &str = "min_fill_seconds = 0\nproxy_protocol = true\ncircuit_sign_burst = 2\ncircuit_sign_per_minute = 1\ncircuit_max_connections = 3\n";

/// tor's line for a circuit: the id in the last 32 bits of the source.
fn proxy_line(circuit: u32) -> String {
    format!(
        "PROXY TCP6 fc00:dead:beef:4dad::{:x}:{:x} ::1 {} 80\r\n",
        circuit >> 16,
        circuit & 0xffff,
        circuit & 0xffff
    )
}

fn get_on(server: &Server, circuit: u32, path: &str) -> common::Response {
    server.request(
        format!("{}GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", proxy_line(circuit))
            .as_bytes(),
    )
}

fn sign_on(server: &Server, circuit: u32, name: &str) -> common::Response {
    let token = get_on(server, circuit, "/").form_token();
    let body = common::sign_body(&token, name);
    server.request(
        format!(
            "{}POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            proxy_line(circuit),
            body.len()
        )
        .as_bytes(),
    )
}

/// Bytes a connection gets before the server closes it (or 2 s pass).
fn raw_reply(server: &Server, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

#[test]
fn the_line_is_required_where_configured_and_refused_elsewhere() {
    let server = Server::start_with(BEHIND_TOR);
    assert_eq!(get_on(&server, 7, "/").status, 200);
    let without = raw_reply(&server, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(without.is_empty(), "no PROXY line: closed without an answer");
    let not_tors = raw_reply(&server, b"PROXY TCP4 192.0.2.1 127.0.0.1 1 80\r\nGET / HTTP/1.1\r\n\r\n");
    assert!(not_tors.is_empty(), "only tor's own source prefix is taken");

    let plain = Server::start();
    let r = plain.request(
        format!("{}GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", proxy_line(7)).as_bytes(),
    );
    assert_eq!(r.status, 400, "a PROXY line where none is configured is a bad request");
}

/// An idle keep-alive connection on a circuit, as Tor Browser holds one:
/// the circuit's bucket lives while the circuit has a connection open.
fn hold(server: &Server, circuit: u32) -> TcpStream {
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.write_all(proxy_line(circuit).as_bytes()).unwrap();
    s.write_all(b"GET /privacy HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = [0u8; 12];
    let n = s.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    s
}

#[test]
fn circuits_are_throttled_independently() {
    let server = Server::start_with(BEHIND_TOR);
    let _held = hold(&server, 0x2a);
    assert_eq!(sign_on(&server, 0x2a, "Circuit A One").status, 200);
    assert_eq!(sign_on(&server, 0x2a, "Circuit A Two").status, 200);
    let third = sign_on(&server, 0x2a, "Circuit A Three");
    assert_eq!(third.status, 429);
    assert!(third.body.contains("Please wait"));
    assert!(third.body.contains("value=\"Circuit A Three\""), "what was typed is kept");
    assert_eq!(sign_on(&server, 0x2b, "Circuit B One").status, 200, "another circuit is not slowed");
    let names = get_on(&server, 0x2c, "/signatories.json").body;
    assert!(names.contains("\"Circuit B One\"") && !names.contains("Circuit A Three"));
    // Closing the circuit's last connection does not refill its bucket.
    drop(_held);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(sign_on(&server, 0x2a, "Circuit A Four").status, 429);
}

#[test]
fn reconnecting_for_every_request_does_not_reset_the_limit() {
    let server = Server::start_with(BEHIND_TOR);
    // Each request on its own connection: the circuit has none open between.
    assert_eq!(sign_on(&server, 0x77, "Reconnecting One").status, 200);
    assert_eq!(sign_on(&server, 0x77, "Reconnecting Two").status, 200);
    for attempt in ["Reconnecting Three", "Reconnecting Four"] {
        assert_eq!(sign_on(&server, 0x77, attempt).status, 429, "{attempt}");
    }
    let names = get_on(&server, 0x78, "/signatories.json").body;
    assert!(names.contains("\"Reconnecting Two\"") && !names.contains("Reconnecting Three"), "{names}");
}

#[test]
fn connections_are_capped_per_circuit() {
    let server = Server::start_with(BEHIND_TOR);
    let held = [hold(&server, 9), hold(&server, 9), hold(&server, 9)];
    let fourth = raw_reply(&server, format!("{}GET / HTTP/1.1\r\nHost: x\r\n\r\n", proxy_line(9)).as_bytes());
    assert!(fourth.is_empty(), "a fourth open connection on one circuit is closed");
    let _other = hold(&server, 10);
    drop(held);
    std::thread::sleep(Duration::from_millis(200));
    let _again = hold(&server, 9);
}

#[test]
fn circuit_ids_are_never_kept_or_printed() {
    let mut server = Server::start_with(BEHIND_TOR);
    let circuit = 0x5eed_c0de_u32;
    assert_eq!(sign_on(&server, circuit, "Circuit Private").status, 200);
    server.stop();
    let needles = [
        format!("{circuit}"),
        format!("{circuit:x}"),
        "5eed".to_string(),
        "c0de".to_string(),
        "fc00".to_string(),
    ];
    for needle in &needles {
        assert!(!server.output().contains(needle.as_str()), "{needle} printed");
    }
    let mut stack = vec![server.data.clone()];
    let mut found_name = false;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            found_name |= bytes.windows(15).any(|w| w == b"Circuit Private");
            for needle in &needles {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{needle} in {}",
                    path.display()
                );
            }
        }
    }
    assert!(found_name, "the search would have found the stored signature");
}
