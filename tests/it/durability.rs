//! An acknowledged signature survives: a clean restart, a crash (SIGKILL)
//! in the middle of a signing load, and twenty of them in a row.

use crate::common::{self, Server};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
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
    assert!(server.get("/").body.contains("1 more awaits review"));
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

/// splitmix64: a seeded sequence of delays, so a failing crash loop can be
/// run again with the same kills (`CRASH_LOOP_SEED`).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low)
    }
}

/// A whole number from the environment, or `default`.
fn knob(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.parse().unwrap_or_else(|_| panic!("{name}={v} is not a whole number")),
        Err(_) => default,
    }
}

/// One keep-alive connection to the server, as a crash-loop client holds
/// it: every failure (refused, reset, cut short, timed out) is `None`.
struct Conn(TcpStream);

/// A response's head and body, read whole (the server always sends a
/// Content-Length) but never more than a page can be.
fn read_response(s: &mut TcpStream) -> Option<(u16, String)> {
    const MAX: usize = 1 << 20;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).ok().filter(|n| *n > 0)?;
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() > MAX {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")))?
        .1
        .trim()
        .parse()
        .ok()?;
    if length > MAX {
        return None;
    }
    while bytes.len() < head_end + length {
        let n = s.read(&mut chunk).ok().filter(|n| *n > 0)?;
        bytes.extend_from_slice(&chunk[..n]);
    }
    Some((status, String::from_utf8_lossy(&bytes[head_end..head_end + length]).into_owned()))
}

impl Conn {
    fn open(addr: SocketAddr) -> Option<Conn> {
        let s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        s.set_write_timeout(Some(Duration::from_secs(10))).ok()?;
        s.set_nodelay(true).ok()?;
        Some(Conn(s))
    }

    fn get(&mut self, path: &str) -> Option<(u16, String)> {
        write!(self.0, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").ok()?;
        read_response(&mut self.0)
    }

    fn post(&mut self, path: &str, body: &str) -> Option<(u16, String)> {
        write!(
            self.0,
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .ok()?;
        read_response(&mut self.0)
    }
}

/// The text between `marker` and the next `end` in `page`.
fn between<'a>(page: &'a str, marker: &str, end: char) -> Option<&'a str> {
    let start = page.find(marker)? + marker.len();
    Some(&page[start..start + page[start..].find(end)?])
}

/// What the crash-loop clients saw.
#[derive(Default)]
struct Seen {
    /// (name, withdrawal code) of every whole thank-you page.
    acknowledged: Vec<(String, String)>,
    /// Names whose first answer was lost with the server, and whose form,
    /// sent again, was refused as used: saved, but never acknowledged.
    saved_unacknowledged: Vec<String>,
}

/// One crash-loop client: signs on one keep-alive connection, `GET /` then
/// `POST /sign`, each signature with a name of its own, until told to stop.
/// When the server goes away mid-signature, it sends the same form (token
/// and name) again to the restarted server, as a person pressing reload
/// would; the used token must keep that to one signature.
fn crash_loop_client(
    client: usize,
    current: &RwLock<SocketAddr>,
    stop: &AtomicBool,
    deadline: Instant,
    seen: &Mutex<Seen>,
) {
    let mut conn: Option<Conn> = None;
    // A form whose answer was lost: (token, name, tries so far).
    let mut again: Option<(String, String, u32)> = None;
    let mut next_name = 0;
    for _ in 0..1_000_000 {
        if stop.load(Ordering::Relaxed) || Instant::now() > deadline {
            return;
        }
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match Conn::open(*current.read().unwrap()) {
                Some(c) => conn.insert(c),
                None => {
                    // The server is down; the loop brings it back.
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
            },
        };
        let (token, name, tries) = match again.take() {
            Some(form) => form,
            None => {
                let Some((200, page)) = c.get("/") else {
                    conn = None;
                    continue;
                };
                let Some(token) = between(&page, "name=\"token\" value=\"", '"') else {
                    conn = None;
                    continue;
                };
                next_name += 1;
                // Fixed width: no name is part of another, so a search for
                // one finds it alone.
                (token.to_string(), format!("Crash Loop C{client:03} N{next_name:06}"), 0)
            }
        };
        match c.post("/sign", &common::sign_body(&token, &name)) {
            Some((200, page)) if page.contains("Thank you for signing") => {
                assert!(page.contains("Your name is now published"), "{name} was not published at once");
                let code = between(&page, "<p class=\"code\"><code>", '<').expect("a withdrawal code");
                seen.lock().unwrap().acknowledged.push((name, code.to_string()));
            }
            Some((409, _)) if tries > 0 => seen.lock().unwrap().saved_unacknowledged.push(name),
            Some((status, page)) => {
                // Only a store that could not write may refuse a fresh form.
                assert_eq!(status, 503, "{name}: {page}");
                if tries < 3 {
                    again = Some((token, name, tries + 1));
                }
            }
            None => {
                conn = None;
                if tries < 3 {
                    again = Some((token, name, tries + 1));
                }
            }
        }
    }
}

/// Withdraws a signature by its code on a keep-alive connection.
fn withdraw(c: &mut Conn, name: &str, code: &str) {
    let body = form_urlencoded::Serializer::new(String::new()).append_pair("code", code).finish();
    let (status, page) = c.post("/withdraw", &body).expect("withdraw");
    assert!(status == 200 && page.contains("Your signature is withdrawn"), "{name}'s code: {status} {page}");
}

/// Whether a search for `name` finds it (names are never part of another).
fn found(c: &mut Conn, name: &str) -> bool {
    let (status, page) = c.get(&format!("/signatories?q={}", name.replace(' ', "+"))).expect("search");
    assert_eq!(status, 200);
    // The count sits between isolation marks, which show nothing.
    page.replace(['\u{2068}', '\u{2069}'], "").contains("1 found.")
}

/// Every code withdraws its own name and no other: a few one at a time,
/// each name found before its code and not after; the rest in [`ROUNDS`]
/// rounds, the codes of a round sent on 16 connections at once (a search
/// per code, or a list per code, would cost minutes), after each of which
/// exactly that round's names have left the list.
fn withdraw_all(server: &Server, signed: &[(String, String)], random: &mut Random) {
    const ONE_BY_ONE: usize = 64;
    const ROUNDS: usize = 16;
    let mut order: Vec<&(String, String)> = signed.iter().collect();
    // Fisher-Yates, so that rounds mix clients and server lives.
    for i in (1..order.len()).rev() {
        order.swap(i, random.between(0, i as u64 + 1) as usize);
    }
    let mut list = server.published_names();
    let (first, rest) = order.split_at(order.len().min(ONE_BY_ONE));
    let mut c = Conn::open(server.addr).expect("the server is up");
    for (name, code) in first {
        assert!(found(&mut c, name), "{name} is found before its code");
        withdraw(&mut c, name, code);
        assert!(!found(&mut c, name), "{name} is gone after its own code");
        list.retain(|n| n != name);
    }
    for round in rest.chunks(rest.len().div_ceil(ROUNDS).max(1)) {
        std::thread::scope(|s| {
            for part in round.chunks(round.len().div_ceil(16)) {
                let addr = server.addr;
                s.spawn(move || {
                    let mut c = Conn::open(addr).expect("the server is up");
                    part.iter().for_each(|(name, code)| withdraw(&mut c, name, code));
                });
            }
        });
        let gone: std::collections::HashSet<&str> = round.iter().map(|(name, _)| name.as_str()).collect();
        list.retain(|name| !gone.contains(name.as_str()));
        assert_eq!(server.published_names(), list, "a round of codes took exactly its own names");
    }
}

/// "Faults and abuse": a signing load on 64 connections, the server killed
/// with SIGKILL at random moments 20 times and started again on the same
/// data. Every acknowledged signature is there exactly once afterwards, no
/// name twice, and every acknowledged withdrawal code withdraws its own.
///
/// `CRASH_LOOP_KILLS`, `CRASH_LOOP_CONNECTIONS` and `CRASH_LOOP_SEED` change
/// the run (`bench/crash-loop.sh` is the long soak).
#[test]
fn a_crash_loop_loses_and_duplicates_no_acknowledged_signature() {
    let _heavy = common::heavy::alone();
    let kills = knob("CRASH_LOOP_KILLS", 20);
    let connections = knob("CRASH_LOOP_CONNECTIONS", 64) as usize;
    let seed = knob(
        "CRASH_LOOP_SEED",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64,
    );
    // Printed first, so that a failure shows how to replay it.
    println!("crash loop: seed {seed} (CRASH_LOOP_SEED={seed} replays its kills)");
    let mut random = Random(seed);
    let began = Instant::now();
    let mut server =
        Server::start_with("min_fill_seconds = 0\nsign_burst = 1000000\nsign_per_second = 1000000\n");
    let before: Vec<String> = server.published_names();
    let current = Arc::new(RwLock::new(server.addr));
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Seen::default()));
    // Bounded whatever happens: the kills take at most 1.5 s each, plus a
    // start-up.
    let deadline = Instant::now() + Duration::from_secs(60 + 5 * kills);
    let clients: Vec<_> = (0..connections)
        .map(|client| {
            let (current, stop, seen) = (Arc::clone(&current), Arc::clone(&stop), Arc::clone(&seen));
            std::thread::spawn(move || crash_loop_client(client, &current, &stop, deadline, &seen))
        })
        .collect();
    let mut up = Vec::new();
    for _ in 0..kills {
        std::thread::sleep(Duration::from_millis(random.between(200, 1500)));
        server.kill();
        let started = Instant::now();
        server = server.restart();
        up.push(started.elapsed());
        // A crash tears at most the transaction in flight: nothing to tell.
        assert!(!server.output().contains("damaged"), "after a kill (seed {seed}): {}", server.output());
        *current.write().unwrap() = server.addr;
    }
    // A last stretch of load on the last server, then the clients stop.
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("a client failed (see its panic above)");
    }
    let loaded = began.elapsed();
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    assert!(
        seen.acknowledged.len() as u64 >= 10 * kills,
        "the load ran: {} acknowledged (seed {seed})",
        seen.acknowledged.len()
    );

    let published = server.published_names();
    let mut times = std::collections::HashMap::new();
    for name in &published {
        *times.entry(name.as_str()).or_insert(0usize) += 1;
    }
    let duplicated: Vec<_> = times.iter().filter(|(_, n)| **n > 1).map(|(name, _)| *name).collect();
    let lost: Vec<_> = seen
        .acknowledged
        .iter()
        .map(|(name, _)| name)
        .chain(&seen.saved_unacknowledged)
        .filter(|name| !times.contains_key(name.as_str()))
        .collect();
    assert!(
        lost.is_empty() && duplicated.is_empty(),
        "{} acknowledged: {} lost (e.g. {:?}), {} duplicated (e.g. {:?}) over {kills} kills (seed {seed})",
        seen.acknowledged.len(),
        lost.len(),
        &lost[..lost.len().min(5)],
        duplicated.len(),
        &duplicated[..duplicated.len().min(5)]
    );
    assert!(before.iter().all(|n| times.contains_key(n.as_str())), "the names from before are all there");
    let counts = server.json()["counts"].clone();
    assert_eq!(counts["total"], published.len(), "the counts agree with the list after the crashes");

    withdraw_all(&server, &seen.acknowledged, &mut random);
    let slowest = up.iter().max().copied().unwrap_or_default();
    println!(
        "crash loop: {} acknowledged, {} lost, {} duplicated over {kills} kills (seed {seed}); \
         {} more saved but unacknowledged; {connections} connections; load {:.1} s, all {:.1} s, \
         slowest restart {} ms",
        seen.acknowledged.len(),
        lost.len(),
        duplicated.len(),
        seen.saved_unacknowledged.len(),
        loaded.as_secs_f64(),
        began.elapsed().as_secs_f64(),
        slowest.as_millis()
    );
}
