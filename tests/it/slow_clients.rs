//! Slow and idle clients cannot take the site down: slowloris at twice the
//! connection cap, bodies trickled a byte at a time and clients that stop
//! reading their answers are closed or pushed out, and a visitor who comes
//! meanwhile is answered. Everything goes to 127.0.0.1, in bounded numbers;
//! the only times asserted are generous bounds on an answer.

use crate::common::{self, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Open sockets of the server process: its listeners and connections.
/// Only sockets: the store opens its files as readers are first needed, so
/// a count of every descriptor would move with what was read, not with
/// how many connections are held.
fn sockets(server: &Server) -> usize {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{}/fd", server.pid())) else { return 0 };
    dir.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count()
}

/// One request on a new connection, answered within `within` or `None`.
fn answered(server: &Server, raw: &[u8], within: Duration) -> Option<common::Response> {
    let mut s = TcpStream::connect(server.addr).ok()?;
    s.set_read_timeout(Some(within)).unwrap();
    s.write_all(raw).ok()?;
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    bytes.windows(4).any(|w| w == b"\r\n\r\n").then(|| common::parse_response(&bytes))
}

/// A visitor: reads the letter, then signs it, each answered within 5 s.
fn visitor_signs(server: &Server, name: &str) {
    let five = Duration::from_secs(5);
    let page = answered(server, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", five)
        .expect("GET / answered within 5 s");
    assert_eq!(page.status, 200);
    let body = common::sign_body(&page.form_token(), name);
    let post = format!(
        "POST /sign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let signed = answered(server, post.as_bytes(), five).expect("POST /sign answered within 5 s");
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert!(signed.body.contains(name));
}

/// Whether the server closes this connection before `limit`: a read sees
/// the end or a reset, or `between` (run after each byte read) a failed write.
fn closed_within(
    s: &mut TcpStream,
    limit: Duration,
    mut between: impl FnMut(&mut TcpStream) -> bool,
) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let deadline = Instant::now() + limit;
    let mut byte = [0u8; 1];
    while Instant::now() < deadline {
        match s.read(&mut byte) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
        if !between(s) {
            return true;
        }
    }
    false
}

#[test]
fn slowloris_at_twice_the_cap_does_not_keep_visitors_out() {
    // Long timeouts: only making room can let the visitor in.
    let server = Server::start_with(
        "min_fill_seconds = 0\nmax_connections = 16\nheader_read_timeout_seconds = 120\nrequest_grace_seconds = 120\n",
    );
    let idle = sockets(&server);
    let mut attackers: Vec<TcpStream> = (0..32)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: a").unwrap();
            s
        })
        .collect();
    visitor_signs(&server, "Past Slowloris");
    visitor_signs(&server, "Past Slowloris Again");
    // The cap, and one more: a connection accepted to push an idle one out
    // is open for a moment beside the one it replaces.
    let during = sockets(&server);
    assert!(during <= idle + 16 + 1, "{during} sockets open, {idle} idle: beyond the connection cap");
    // The attack goes on: a byte more on each connection still open.
    for s in &mut attackers {
        let _ = s.write_all(b"a");
    }
    visitor_signs(&server, "Past Slowloris Thrice");
    drop(attackers);
}

#[test]
fn a_head_slower_than_the_minimum_rate_is_closed() {
    let server = Server::start_with(
        "min_fill_seconds = 0\nheader_read_timeout_seconds = 120\nrequest_grace_seconds = 1\nrequest_min_bytes_per_second = 100\n",
    );
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    // A byte every 100 ms: 10 bytes a second, far under 100.
    let closed = closed_within(&mut s, Duration::from_secs(20), |s| s.write_all(b"X").is_ok());
    assert!(closed, "a slowloris head was still open after 20 s");
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn slow_bodies_are_refused_and_visitors_get_in() {
    let server = Server::start_with(
        "min_fill_seconds = 0\nmax_connections = 8\nbody_timeout_seconds = 120\nrequest_grace_seconds = 1\nrequest_min_bytes_per_second = 100\n",
    );
    let mut trickling: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr).unwrap();
            s.write_all(b"POST /sign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nname=S").unwrap();
            s
        })
        .collect();
    visitor_signs(&server, "Past Slow Bodies");
    // What a slow sender sees: a page saying the form was too slow, or,
    // for one closed to make room before its form was read, a clean close.
    let mut told = 0;
    for s in &mut trickling {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        if bytes.is_empty() {
            continue;
        }
        let r = common::parse_response(&bytes);
        if r.status == 503 {
            continue; // closed to make room as its form was about to be read
        }
        assert_eq!(r.status, 408, "{:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(600)]));
        assert!(r.body.contains("Form too slow"), "{}", r.body);
        told += 1;
    }
    assert!(told > 0, "no slow sender was told why");
    assert!(!server.published_names().iter().any(|n| n == "S"));
}

/// A client that pipelines many requests and then reads the answers a byte
/// at a time; true when the server closed it within `limit`. It sends a
/// request more after each byte: once the server has closed, that fails,
/// which the reader sees at once rather than after the megabytes already
/// in its buffer.
fn slow_reader(server: &Server, limit: Duration) -> std::thread::JoinHandle<bool> {
    const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.write_all(&REQUEST.repeat(1000)).unwrap();
    std::thread::spawn(move || {
        closed_within(&mut s, limit, |s| {
            std::thread::sleep(Duration::from_millis(50));
            s.write_all(REQUEST).is_ok()
        })
    })
}

#[test]
fn a_client_that_stops_reading_is_closed() {
    let server = Server::start_with(
        "min_fill_seconds = 0\nwrite_stall_seconds = 1\nheader_read_timeout_seconds = 120\n",
    );
    assert!(slow_reader(&server, Duration::from_secs(60)).join().unwrap(), "still open after 60 s");
}

#[test]
fn slow_readers_at_twice_the_cap_do_not_keep_visitors_out() {
    let server = Server::start_with(
        "min_fill_seconds = 0\nmax_connections = 4\nwrite_stall_seconds = 2\nheader_read_timeout_seconds = 120\n",
    );
    let readers: Vec<_> = (0..8).map(|_| slow_reader(&server, Duration::from_secs(60))).collect();
    visitor_signs(&server, "Past Slow Readers");
    for r in readers {
        assert!(r.join().unwrap(), "a slow reader was still open after 60 s");
    }
    visitor_signs(&server, "After Slow Readers");
}

/// Resident memory of the server process, in KiB.
fn rss_kib(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn memory_a_flood_of_slow_bodies_took_is_given_back() {
    let _heavy = common::heavy::shared();
    let server = Server::start_with("min_fill_seconds = 0\nbody_timeout_seconds = 120\n");
    for _ in 0..10 {
        assert_eq!(server.get("/").status, 200);
        assert_eq!(server.get("/signatories/individual").status, 200);
    }
    let idle = rss_kib(&server);
    let mut flood: Vec<TcpStream> = (0..600)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr).unwrap();
            s.write_all(b"POST /sign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 16000\r\n\r\nname=").unwrap();
            s
        })
        .collect();
    let mut peak = idle;
    for _ in 0..10 {
        for s in &mut flood {
            let _ = s.write_all(&[b'a'; 400]);
        }
        peak = peak.max(rss_kib(&server));
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(flood);
    // The server sees them go as it next reads; then it gives memory back.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut after = rss_kib(&server);
    while after > idle + (peak - idle) / 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        after = rss_kib(&server);
    }
    eprintln!("slow bodies: {idle} KiB idle, {peak} KiB at the peak, {after} KiB after");
    assert!(peak > idle + 4096, "the flood did not take memory ({idle} → {peak} KiB): it tests nothing");
    assert!(after <= idle + (peak - idle) / 3, "{idle} KiB idle, {peak} KiB at the peak, {after} KiB after");
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_low_open_file_limit_lowers_the_connection_cap_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // A hard limit of 300 (only lowering needs no privilege), then undersign.
    let serve = format!(
        "ulimit -n 300 && exec '{}' serve --listen 127.0.0.1:0 --data '{}'",
        common::binary(),
        dir.path().join("data").display()
    );
    let mut child = std::process::Command::new("sh")
        .args(["-c", &serve])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.contains(
            "the open-file limit is 300, too low for max_connections = 1024: serving at most 172 at once"
        ),
        "{first}"
    );
}
