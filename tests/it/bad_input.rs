//! Hostile and ambiguous input over raw sockets: whatever arrives gets a
//! 4xx page or a clean close, never a 5xx, a hang or a second answer for a
//! request smuggled inside another. Ambiguity (a field sent twice, bytes
//! that are not text, no `Host` or two) is refused, not resolved.

use crate::common::{self, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Everything the server sends on one connection for these bytes, until
/// it closes (or 10 s pass: a hang shows as a missing answer).
fn raw(server: &Server, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => {
                panic!("no answer and no close within 10 s ({e}): {:?}", String::from_utf8_lossy(bytes))
            }
        }
    }
    out
}

/// A form post with this exact body.
fn post(server: &Server, body: &[u8]) -> common::Response {
    let mut req = format!(
        "POST /sign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    common::parse_response(&raw(server, &req))
}

fn assert_refused(r: &common::Response, status: u16, heading: &str, words: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r.body.contains(&format!("<h1>{heading}</h1>")), "{}", r.body);
    assert!(r.body.contains(words), "{}", r.body);
    assert!(r.header("content-security-policy").is_some(), "the page carries the usual headers");
}

#[test]
fn a_field_sent_twice_is_refused_not_resolved() {
    let server = Server::start();
    let token = server.get("/").form_token();
    let t = token.as_str();
    for (_what, fields) in [
        (
            "two names",
            vec![("token", t), ("name", "First Twin"), ("name", "Second Twin"), ("kind", "individual")],
        ),
        ("two tokens", vec![("token", t), ("token", t), ("name", "Token Twin"), ("kind", "individual")]),
        ("two kinds", vec![("token", t), ("name", "Kind Twin"), ("kind", "individual"), ("kind", "company")]),
        (
            "the honeypot empty, then filled",
            vec![
                ("token", t),
                ("name", "Honey Twin"),
                ("kind", "individual"),
                ("website", ""),
                ("website", "x"),
            ],
        ),
    ] {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
        let r = post(&server, body.as_bytes());
        assert_refused(&r, 400, "Form not understood", "named a field more than once");
    }
    let names = server.published_names();
    assert!(!names.iter().any(|n| n.contains("Twin")), "{names:?}");
    // The token was never used: the same form still signs once.
    let ok = post(&server, common::sign_body(t, "Single Twin").as_bytes());
    assert_eq!(ok.status, 200, "{}", ok.body);
}

#[test]
fn bytes_that_are_not_text_are_refused_never_replaced() {
    let server = Server::start();
    for name in [&b"Bad%FFName"[..], b"Overlong%C0%AEName", b"Raw\xffName", b"Nul%00Name"] {
        let token = server.get("/").form_token();
        let mut body = format!("token={token}&kind=individual&listed=yes&name=").into_bytes();
        body.extend_from_slice(name);
        let r = post(&server, &body);
        assert_refused(&r, 400, "Form not understood", "bytes that are not text");
    }
    let json = server.get("/signatories.json").body;
    assert!(!json.contains('\u{FFFD}') && !json.contains("Name\""), "nothing published: {json}");
    let search = server.get("/signatories?q=caf%E9");
    assert_refused(&search, 400, "Request not understood", "not text");
    assert_refused(&server.get("/privacy%FF"), 400, "Request not understood", "not text");
}

#[test]
fn a_request_must_name_its_host_exactly_once() {
    let server = Server::start();
    for (what, head) in [
        ("no Host", "GET / HTTP/1.1\r\n"),
        ("two Hosts", "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n"),
        ("two equal Hosts", "GET / HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n"),
    ] {
        let r = common::parse_response(&raw(&server, format!("{head}Connection: close\r\n\r\n").as_bytes()));
        assert_refused(&r, 400, "Request not understood", "exactly once");
        assert_eq!(r.header("connection"), Some("close"), "{what}");
    }
    for host in ["a b", "user@localhost", "localhost:80x", "[::1", "local/host"] {
        let r = common::parse_response(&raw(
            &server,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        ));
        assert_refused(&r, 400, "Request not understood", "not an address");
    }
    let old = common::parse_response(&raw(&server, b"GET /privacy HTTP/1.0\r\n\r\n"));
    assert_eq!(old.status, 200, "HTTP/1.0 need not name a host");
    // A request refused for its head is the last one on its connection: a
    // request behind it is not answered.
    let two = raw(&server, b"GET / HTTP/1.1\r\n\r\nGET /privacy HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let text = String::from_utf8_lossy(&two);
    assert_eq!(text.matches("HTTP/1.1 ").count(), 1, "{text}");
}

#[test]
fn an_oversized_header_line_is_a_431() {
    let server = Server::start();
    for size in [9 * 1024, 100 * 1024] {
        let line = "a".repeat(size);
        let r = common::parse_response(&raw(
            &server,
            format!("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {line}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        ));
        assert_eq!(r.status, 431, "{size} bytes: {}", r.body);
    }
    let r = common::parse_response(&raw(
        &server,
        format!("GET /{} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", "a".repeat(9 * 1024))
            .as_bytes(),
    ));
    assert_eq!(r.status, 414);
    assert_eq!(server.get("/").status, 200, "and the server serves on");
}
