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
                ("homepage", ""),
                ("homepage", "x"),
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

/// The status lines of every answer in `bytes`.
fn statuses(bytes: &[u8]) -> Vec<u16> {
    let text = String::from_utf8_lossy(bytes);
    text.match_indices("HTTP/1.1 ")
        .filter_map(|(i, _)| text[i + 9..].get(..3)?.parse().ok())
        .filter(|s| (100..600).contains(s))
        .collect()
}

#[test]
fn the_battery_gets_a_4xx_or_a_close_never_a_5xx_or_a_second_answer() {
    // Most cases leave the connection open after their answer: a short
    // idle timeout closes it, and `raw` returns.
    let server = Server::start_with("min_fill_seconds = 0\nheader_read_timeout_seconds = 1\n");
    let smuggled = "GET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let post = |extra: &str, body: &str| {
        format!("POST /sign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n{extra}\r\n{body}")
    };
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("garbage request line".into(), b"HELLO\r\n\r\n".to_vec()),
        ("no version".into(), b"GET /\r\nHost: localhost\r\n\r\n".to_vec()),
        ("HTTP/2 preface".into(), b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec()),
        ("HTTP/9".into(), b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n".to_vec()),
        ("space in target".into(), b"GET /a b HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()),
        ("NUL in path".into(), b"GET /\0 HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()),
        ("raw UTF-8 junk in path".into(), b"GET /\xff\xfe HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()),
        ("NUL in header".into(), b"GET / HTTP/1.1\r\nHost: localhost\r\nX: a\0b\r\n\r\n".to_vec()),
        ("header without colon".into(), b"GET / HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n".to_vec()),
        ("space before colon".into(), b"GET / HTTP/1.1\r\nHost : localhost\r\n\r\n".to_vec()),
        ("folded header".into(), b"GET / HTTP/1.1\r\nHost: localhost\r\nX: a\r\n b\r\n\r\n".to_vec()),
        (
            "header flood".into(),
            format!("GET / HTTP/1.1\r\nHost: localhost\r\n{}\r\n", "X-F: 1\r\n".repeat(200)).into_bytes(),
        ),
        (
            "overlong percent-encoding".into(),
            b"GET /%C0%AE%C0%AE/ HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
        ),
        ("traversal".into(), b"GET /../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()),
        (
            "encoded traversal".into(),
            b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
        ),
        (
            "invalid UTF-8 in query".into(),
            b"GET /signatories?q=%FF HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
        ),
        (
            "huge page number".into(),
            b"GET /signatories/individual?page=99999999999999999999 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .to_vec(),
        ),
        (
            "two Content-Lengths".into(),
            post("Content-Length: 3\r\nContent-Length: 4\r\n", "a=bc").into_bytes(),
        ),
        ("negative Content-Length".into(), post("Content-Length: -1\r\n", "a").into_bytes()),
        (
            "oversized Content-Length".into(),
            post("Content-Length: 99999999999999999999\r\n", "a").into_bytes(),
        ),
        ("Content-Length too big to read".into(), post("Content-Length: 1000000\r\n", "a").into_bytes()),
        (
            "CL then TE".into(),
            post("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", &format!("0\r\n\r\n{smuggled}"))
                .into_bytes(),
        ),
        (
            "TE then CL".into(),
            post("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", &format!("0\r\n\r\n{smuggled}"))
                .into_bytes(),
        ),
        (
            "obfuscated TE".into(),
            post("Transfer-Encoding: xchunked\r\n", &format!("0\r\n\r\n{smuggled}")).into_bytes(),
        ),
        (
            "TE with a space".into(),
            post("Transfer-Encoding : chunked\r\n", &format!("0\r\n\r\n{smuggled}")).into_bytes(),
        ),
        (
            "TE twice".into(),
            post("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", "0\r\n\r\n").into_bytes(),
        ),
        (
            "chunk size overflow".into(),
            post("Transfer-Encoding: chunked\r\n", "FFFFFFFFFFFFFFFFFF\r\na\r\n0\r\n\r\n").into_bytes(),
        ),
        (
            "bad chunk size".into(),
            post("Transfer-Encoding: chunked\r\n", "zz\r\na\r\n0\r\n\r\n").into_bytes(),
        ),
        ("duplicate form fields".into(), post("Content-Length: 13\r\n", "name=a&name=b").into_bytes()),
        ("empty values".into(), post("Content-Length: 25\r\n", "token=&name=&kind=&listed").into_bytes()),
        ("empty body".into(), post("Content-Length: 0\r\n", "").into_bytes()),
        ("huge value".into(), {
            let body = format!("name={}", "a".repeat(20_000));
            post(&format!("Content-Length: {}\r\n", body.len()), &body).into_bytes()
        }),
        ("no Host".into(), b"GET / HTTP/1.1\r\n\r\n".to_vec()),
        ("two Hosts".into(), b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n".to_vec()),
    ];
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO"] {
        cases.push((
            format!("{method} /"),
            format!("{method} / HTTP/1.1\r\nHost: localhost\r\n\r\n").into_bytes(),
        ));
        cases.push((
            format!("{method} /sign"),
            format!("{method} /sign HTTP/1.1\r\nHost: localhost\r\n\r\n").into_bytes(),
        ));
    }
    cases.push((
        "CONNECT authority".into(),
        b"CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n".to_vec(),
    ));
    cases.push(("OPTIONS *".into(), b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()));
    // Eight at a time, so the idle timeouts overlap.
    std::thread::scope(|scope| {
        for chunk in cases.chunks(cases.len().div_ceil(8)) {
            let server = &server;
            scope.spawn(move || {
                for (what, bytes) in chunk {
                    let out = raw(server, bytes);
                    let text = String::from_utf8_lossy(&out);
                    let got = statuses(&out);
                    assert!(got.len() <= 1, "{what}: more than one answer {got:?}: {text}");
                    if let Some(status) = got.first() {
                        assert!((400..500).contains(status), "{what}: {status}: {text}");
                    }
                    assert!(!text.contains("smuggled"), "{what}: {text}");
                }
            });
        }
    });
    assert_eq!(server.get("/").status, 200, "and the server serves on");
    assert!(!server.output().contains("panicked"), "{}", server.output());
}
