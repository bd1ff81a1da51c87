//! An acknowledged signature survives: a clean restart, and a crash
//! (SIGKILL) in the middle of a signing load.

use crate::common::{self, Server};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn a_restart_keeps_signatures_withdrawal_codes_and_used_tokens() {
    let server = Server::start();
    let token = server.get("/").form_token();
    let fields =
        [("token", token.as_str()), ("name", "Restart Survivor"), ("kind", "individual"), ("listed", "yes")];
    let thanks = server.post_form("/sign", &fields);
    assert_eq!(thanks.status, 200);
    let code = thanks.withdrawal_code();
    assert_eq!(server.sign("Pending Survivor Org", "organization", &[]).status, 200);

    let server = server.restart();
    assert!(server.get("/").body.contains(">Restart Survivor<"));
    assert!(server.get("/").body.contains("1 more await review"));
    assert_eq!(server.post_form("/sign", &fields).status, 409, "a used token stays used");
    assert_eq!(server.json()["counts"]["individual"], 88);
    assert_eq!(server.json()["counts"]["total"], 323, "the seed is imported once, not again");
    assert_eq!(server.post_form("/withdraw", &[("code", &code)]).status, 200);
}

/// Signs on a fresh connection; `None` when the server is gone mid-way.
fn try_sign(addr: SocketAddr, name: &str) -> Option<bool> {
    let exchange = |raw: &[u8]| -> Option<String> {
        let mut s = TcpStream::connect(addr).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        s.write_all(raw).ok()?;
        let mut out = Vec::new();
        s.read_to_end(&mut out).ok()?;
        Some(String::from_utf8_lossy(&out).into_owned())
    };
    let page = exchange(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
    let marker = "name=\"token\" value=\"";
    let start = page.find(marker)? + marker.len();
    let token = &page[start..start + page[start..].find('"')?];
    let body = common::sign_body(token, name);
    let reply = exchange(
        format!(
            "POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )?;
    // Acknowledged means the whole thank-you page arrived.
    Some(
        reply.starts_with("HTTP/1.1 200")
            && reply.contains("</html>")
            && reply.contains("Thank you for signing"),
    )
}

#[test]
fn a_crash_loses_no_acknowledged_signature() {
    // Its load must reach 200 acknowledgements within 20 s, and it keeps
    // both cores busy: no Chromium or vnu run beside it.
    let _heavy = common::heavy::alone();
    let mut server =
        Server::start_with("min_fill_seconds = 0\nsign_burst = 1000000\nsign_per_second = 1000000\n");
    let addr = server.addr;
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let acknowledged = Arc::clone(&acknowledged);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                // Bounded in count and time whatever happens to the server.
                let deadline = Instant::now() + Duration::from_secs(30);
                for i in 0..5_000 {
                    if stop.load(Ordering::Relaxed) || Instant::now() > deadline {
                        break;
                    }
                    let name = format!("Crash Signer W{w}N{i}");
                    match try_sign(addr, &name) {
                        Some(true) => acknowledged.lock().unwrap().push(name),
                        Some(false) => {}
                        None => break, // the server is gone
                    }
                }
            })
        })
        .collect();
    // Let the load build up, then kill the server in the middle of it.
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 200 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 200, "the load ran ({} acknowledged)", acknowledged.len());

    let server = server.restart();
    let published: std::collections::HashSet<String> = server.published_names().into_iter().collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|n| !published.contains(*n)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged signatures lost, e.g. {:?}",
        lost.len(),
        acknowledged.len(),
        &lost[..lost.len().min(5)]
    );
}

#[test]
fn sigterm_finishes_a_signature_in_flight() {
    let mut server = Server::start();
    let token = server.get("/").form_token();
    let body = common::sign_body(&token, "Last Minute Signer");
    let (first, rest) = body.split_at(body.len() / 2);
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    write!(
        s,
        "POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    std::process::Command::new("kill").args(["-TERM", &server.pid().to_string()]).status().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    s.write_all(rest.as_bytes()).unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("Thank you for signing"));
    server.stop(); // waits for the clean exit
    let server = server.restart();
    assert!(server.published_names().contains(&"Last Minute Signer".to_string()));
}
