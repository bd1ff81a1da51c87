//! A small signing load generator for undersign, over raw HTTP/1.1 keep-alive.
//!
//! Each connection loops: `GET /` (take the form token from the page), then
//! `POST /sign` with a unique individual name. Only the POST is timed, from
//! the first byte written to the last byte of the answer; a signature counts
//! as acknowledged when the answer is 200 with "Thank you for signing", which
//! undersign sends only after the group commit's flush + fsync.
//!
//! ```text
//! undersign-loadgen --addr 127.0.0.1:8080 [--connections 64] [--threads 1]
//!                   (--duration SECS | --count N) [--kind individual] [--quiet]
//!                   [--replay | --prefetch TOKENS] [--window N]
//! ```
//!
//! `--duration` runs for a fixed time; `--count` stops after exactly N
//! acknowledged signatures (used to generate a data dir). The last line of
//! output is `RESULT key=value ...` for scripts.
//!
//! `--prefetch TOKENS` measures the signing path alone: before the timed
//! phase, the connections fetch TOKENS form tokens between them (one `GET /`
//! each, not timed; the tokens are single-use and the bench config sets no
//! minimum fill time); then the timed phase only POSTs `/sign`, one token
//! each, and stops at the duration, the count, or when the tokens run out
//! (said in the output, with the rate over the time actually run).
//!
//! `--window N` prints `WINDOW done=D seconds=S rate=R` each time the
//! acknowledged count reaches a multiple of N: S is the time since the timed
//! phase began, R the signatures/s over that window of N. A script growing a
//! store reads from them the rate at the start and near the end.
//!
//! `--replay` (with `--duration`) measures everything but the store's
//! writes: each connection signs once, then keeps going through the same
//! `GET /` + `POST /sign` exchange with that used form token and a fresh
//! name. The server does all of a signature's work up to and including the
//! store's used-token lookup, then answers 409 without writing or syncing;
//! those 409s are counted as `answered`.
//!
//! ```text
//! undersign-loadgen startup [--page PATH] -- UNDERSIGN serve --listen 127.0.0.1:0 ...
//! ```
//!
//! starts the server itself, takes the time from just before the exec to the
//! end of the first successful `GET /` (the address comes from the server's
//! start-up line), reads VmRSS/VmHWM from /proc/PID/status (at the start-up
//! line, and after that first `GET /`), then fetches
//! PATH (default `/signatories/individual?page=50`), reads them again, and
//! stops the server with SIGTERM (its own child, by PID).
//!
//! ```text
//! undersign-loadgen search --addr 127.0.0.1:8080 [--connections 20] [--threads 1]
//!                   --duration SECS [--query Q]... [--quiet]
//! ```
//!
//! loops `GET /signatories?q=Q` on each connection over the queries (built
//! in, when none is given: a word of the generated names, a prefix of one,
//! one that matches nothing, a Cyrillic, a Chinese and an Arabic one), and
//! prints per query and overall the count of 200 answers and their p50, p99
//! and max latency; any other answer is listed as not counted, never timed.
//! One `SEARCH label=... ok=... p50_ms=...` line per query, then `RESULT`.
//!
//! Traffic goes only to the address given; the scripts pass 127.0.0.1.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Args {
    addr: SocketAddr,
    connections: usize,
    threads: usize,
    duration: Option<Duration>,
    count: Option<u64>,
    kind: String,
    quiet: bool,
    replay: bool,
    /// `--prefetch N`: fetch N form tokens before the timed phase, then
    /// only POST.
    prefetch: Option<u64>,
    /// `--window N`: a `WINDOW` line every N acknowledged signatures.
    window: Option<u64>,
}

fn usage() -> ! {
    eprintln!(
        "usage: undersign-loadgen --addr HOST:PORT [--connections 64] [--threads 1] \
         (--duration SECS | --count N) [--kind individual|organization|company] [--quiet] \
         [--replay | --prefetch TOKENS] [--window N]\n\
         \x20      undersign-loadgen search --addr HOST:PORT [--connections 20] [--threads 1] \
         --duration SECS [--query Q]... [--quiet]\n\
         \x20      undersign-loadgen startup [--page PATH] -- UNDERSIGN serve ..."
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        addr: "127.0.0.1:8080".parse().unwrap(),
        connections: 64,
        threads: 1,
        duration: None,
        count: None,
        kind: "individual".into(),
        quiet: false,
        replay: false,
        prefetch: None,
        window: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--addr" => a.addr = value().parse().unwrap_or_else(|_| usage()),
            "--connections" | "-c" => a.connections = value().parse().unwrap_or_else(|_| usage()),
            "--threads" | "-t" => a.threads = value().parse().unwrap_or_else(|_| usage()),
            "--duration" | "-d" => {
                a.duration = Some(Duration::from_secs_f64(value().parse().unwrap_or_else(|_| usage())))
            }
            "--count" | "-n" => a.count = Some(value().parse().unwrap_or_else(|_| usage())),
            "--kind" => a.kind = value(),
            "--quiet" | "-q" => a.quiet = true,
            "--replay" => a.replay = true,
            "--prefetch" => a.prefetch = Some(value().parse().unwrap_or_else(|_| usage())),
            "--window" => a.window = Some(value().parse().unwrap_or_else(|_| usage())),
            _ => usage(),
        }
    }
    let bad_replay = a.replay && (a.count.is_some() || a.prefetch.is_some());
    let bad_prefetch = a.prefetch.is_some_and(|n| n < a.count.unwrap_or(1));
    if a.duration.is_none() == a.count.is_none()
        || a.connections == 0
        || a.threads == 0
        || bad_replay
        || bad_prefetch
        || a.window == Some(0)
    {
        usage()
    }
    a
}

/// One keep-alive connection; reconnects when the server closes it.
struct Conn {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
    /// Bytes at the start of `buf` that belong to the last answer.
    used: usize,
}

/// An answer; its body stays in the connection's buffer until the next
/// request, so reading a 28 KB page costs no copy here (the client shares
/// the two cores with the server it measures).
struct Answer {
    status: u16,
    body: std::ops::Range<usize>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

impl Conn {
    async fn request(&mut self, req: &[u8]) -> io::Result<Answer> {
        if self.stream.is_none() {
            let s = TcpStream::connect(self.addr).await?;
            s.set_nodelay(true)?;
            self.stream = Some(s);
            self.buf.clear();
            self.used = 0;
        }
        let result = self.exchange(req).await;
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    async fn exchange(&mut self, req: &[u8]) -> io::Result<Answer> {
        self.buf.drain(..self.used);
        self.used = 0;
        let stream = self.stream.as_mut().unwrap();
        stream.write_all(req).await?;
        let eof = || io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed");
        // Head.
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if self.buf.len() > 64 * 1024 {
                return Err(io::Error::other("response head too large"));
            }
            self.buf.reserve(64 * 1024);
            if stream.read_buf(&mut self.buf).await? == 0 {
                return Err(eof());
            }
        };
        let head =
            std::str::from_utf8(&self.buf[..head_end]).map_err(|_| io::Error::other("head not UTF-8"))?;
        let status: u16 = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other("no status"))?;
        let mut length = None;
        let mut close = false;
        for line in head.split("\r\n").skip(1) {
            if let Some((k, v)) = line.split_once(':') {
                let k = k.trim();
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse::<usize>().ok();
                } else if k.eq_ignore_ascii_case("connection") && v.trim().eq_ignore_ascii_case("close") {
                    close = true;
                } else if k.eq_ignore_ascii_case("transfer-encoding") {
                    return Err(io::Error::other("chunked answers are not supported"));
                }
            }
        }
        let length = length.ok_or_else(|| io::Error::other("no content-length"))?;
        // Body.
        while self.buf.len() < head_end + length {
            self.buf.reserve(head_end + length - self.buf.len());
            if stream.read_buf(&mut self.buf).await? == 0 {
                return Err(eof());
            }
        }
        self.used = head_end + length;
        if close {
            self.stream = None;
        }
        Ok(Answer { status, body: head_end..head_end + length })
    }
}

fn token_of(page: &[u8]) -> Option<String> {
    const MARK: &[u8] = b"name=\"token\" value=\"";
    let start = find(page, MARK)? + MARK.len();
    let len = page[start..].iter().position(|&b| b == b'"')?;
    String::from_utf8(page[start..start + len].to_vec()).ok()
}

fn urlencode(s: &str, out: &mut String) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

const FIRST: [&str; 16] = [
    "Ada", "Bashir", "Chiara", "Dmitri", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Lars",
    "Mei", "Nadia", "Omar", "Priya",
];

/// A pronounceable family name, unique for each number: base-100 syllables.
fn family_name(mut n: u64) -> String {
    const C: &[u8] = b"bdfghklmnprstvzcjwyx";
    const V: &[u8] = b"aeiou";
    let mut s = String::new();
    loop {
        let d = (n % 100) as usize;
        s.push(C[d / 5] as char);
        s.push(V[d % 5] as char);
        n /= 100;
        if n == 0 {
            break;
        }
    }
    let mut c = s.chars();
    let first = c.next().unwrap().to_ascii_uppercase();
    std::iter::once(first).chain(c).collect()
}

#[derive(Default)]
struct Tally {
    acked: u64,
    /// `--replay`: a used token's 409, the answer that mode asks for.
    replayed: u64,
    gets: u64,
    posts: u64,
    latencies_us: Vec<u32>,
    refused: BTreeMap<String, u64>,
}

struct Shared {
    addr: SocketAddr,
    kind: String,
    replay: bool,
    /// Start of the timed phase (after the prefetch phase, if any).
    started: Instant,
    deadline: Option<Instant>,
    /// In --count mode: signatures still to hand out.
    remaining: Option<AtomicU64>,
    /// Numbers for unique names.
    next_name: AtomicU64,
    name_base: u64,
    stop: AtomicBool,
    /// Acknowledged so far, for the progress and window lines.
    acked: AtomicU64,
    /// `--prefetch`: the tokens fetched before the timed phase, each used once.
    tokens: Option<std::sync::Mutex<Vec<String>>>,
    /// `--prefetch`: set when the pool ran dry before the end.
    ran_out: AtomicBool,
    /// `--window N`: N, and the count and time of the last window's end.
    window: Option<(u64, std::sync::Mutex<(u64, Instant)>)>,
}

impl Shared {
    fn keep_going(&self) -> bool {
        !self.stop.load(Ordering::Relaxed) && self.deadline.is_none_or(|d| Instant::now() < d)
    }

    /// In --count mode, takes one signature to make; false when all are taken.
    fn take_one(&self) -> bool {
        match &self.remaining {
            None => true,
            Some(r) => r.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1)).is_ok(),
        }
    }

    fn give_back(&self) {
        if let Some(r) = &self.remaining {
            r.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// One acknowledged signature; prints a `WINDOW` line when it ends one.
    fn acknowledged(&self) {
        let done = self.acked.fetch_add(1, Ordering::Relaxed) + 1;
        let Some((every, mark)) = &self.window else { return };
        if !done.is_multiple_of(*every) {
            return;
        }
        let now = Instant::now();
        let mut last = mark.lock().unwrap();
        let secs = now.duration_since(last.1).as_secs_f64();
        let rate = if secs > 0.0 { done.saturating_sub(last.0) as f64 / secs } else { f64::NAN };
        println!(
            "WINDOW done={done} seconds={:.3} rate={rate:.1}",
            now.duration_since(self.started).as_secs_f64()
        );
        *last = (done, now);
    }

    /// `--prefetch`: the next unused token, if any is left.
    fn prefetched_token(&self) -> Option<String> {
        let token = self.tokens.as_ref()?.lock().unwrap().pop();
        if token.is_none() {
            self.ran_out.store(true, Ordering::Relaxed);
        }
        token
    }
}

fn new_conn(addr: SocketAddr) -> Conn {
    Conn { addr, stream: None, buf: Vec::with_capacity(128 * 1024), used: 0 }
}

fn get_request(addr: SocketAddr, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: undersign-loadgen\r\n\r\n")
}

/// `--prefetch`: one connection's share of the prefetch phase: `n` form
/// tokens, each from its own `GET /`. The connection stays open for the
/// timed phase.
async fn prefetch(mut conn: Conn, n: u64) -> io::Result<(Conn, Vec<String>)> {
    let get = get_request(conn.addr, "/");
    let mut tokens = Vec::with_capacity(n as usize);
    let mut errors = 0;
    while (tokens.len() as u64) < n {
        match conn.request(get.as_bytes()).await {
            Ok(a) if a.status == 200 => match token_of(&conn.buf[a.body]) {
                Some(t) => tokens.push(t),
                None => return Err(io::Error::other("GET / 200 without a token")),
            },
            Ok(a) => return Err(io::Error::other(format!("GET / answered {}", a.status))),
            Err(e) => {
                errors += 1;
                if errors > 50 {
                    return Err(e);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    Ok((conn, tokens))
}

async fn worker(shared: Arc<Shared>, mut conn: Conn) -> Tally {
    let mut t = Tally::default();
    let host = shared.addr.to_string();
    let get = get_request(shared.addr, "/");
    let mut body = String::with_capacity(256);
    let mut consecutive_errors = 0u32;
    // `--replay`: the token of this connection's one acknowledged signature.
    let mut used_token: Option<String> = None;
    while shared.keep_going() && shared.take_one() {
        let refuse = |t: &mut Tally, what: String| {
            *t.refused.entry(what).or_default() += 1;
            shared.give_back();
        };
        if consecutive_errors > 50 {
            shared.stop.store(true, Ordering::Relaxed);
            eprintln!("loadgen: giving up on a connection after 50 errors in a row");
            break;
        }
        let token = if shared.tokens.is_some() {
            match shared.prefetched_token() {
                Some(token) => token,
                None => {
                    shared.give_back();
                    break;
                }
            }
        } else {
            let page = match conn.request(get.as_bytes()).await {
                Ok(a) => a,
                Err(e) => {
                    refuse(&mut t, format!("GET error: {e}"));
                    consecutive_errors += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            };
            t.gets += 1;
            let Some(token) = (page.status == 200).then(|| token_of(&conn.buf[page.body])).flatten() else {
                refuse(&mut t, format!("GET / {} without a token", page.status));
                consecutive_errors += 1;
                continue;
            };
            used_token.clone().unwrap_or(token)
        };
        let n = shared.name_base + shared.next_name.fetch_add(1, Ordering::Relaxed);
        let name = format!("{} {}", FIRST[(n % 16) as usize], family_name(n));
        body.clear();
        body.push_str("token=");
        urlencode(&token, &mut body);
        body.push_str("&name=");
        urlencode(&name, &mut body);
        body.push_str("&kind=");
        urlencode(&shared.kind, &mut body);
        body.push_str("&listed=yes");
        let post = format!(
            "POST /sign HTTP/1.1\r\nHost: {host}\r\nUser-Agent: undersign-loadgen\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let started = Instant::now();
        let answer = conn.request(post.as_bytes()).await;
        let took = started.elapsed();
        match answer {
            Ok(a) => {
                t.posts += 1;
                if a.status == 200 && find(&conn.buf[a.body], b"Thank you for signing").is_some() {
                    if shared.replay {
                        used_token = Some(token);
                    }
                    t.acked += 1;
                    shared.acknowledged();
                    t.latencies_us.push(took.as_micros().min(u32::MAX as u128) as u32);
                    consecutive_errors = 0;
                } else if shared.replay && used_token.is_some() && a.status == 409 {
                    t.replayed += 1;
                    t.latencies_us.push(took.as_micros().min(u32::MAX as u128) as u32);
                    consecutive_errors = 0;
                } else {
                    refuse(&mut t, format!("POST /sign {}", a.status));
                    consecutive_errors += 1;
                }
            }
            Err(e) => {
                refuse(&mut t, format!("POST error: {e}"));
                consecutive_errors += 1;
            }
        }
    }
    t
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("startup") => return startup(),
        Some("search") => return search(),
        _ => {}
    }
    let args = parse_args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let name_base = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64 % 1_000_000_000_000)
        .unwrap_or(0)
        * 1000;
    // `--prefetch`: every connection fetches its share of the tokens, then
    // the timed phase starts on all of them at once.
    let (conns, tokens) = match args.prefetch {
        None => ((0..args.connections).map(|_| new_conn(args.addr)).collect::<Vec<_>>(), None),
        Some(n) => {
            let t0 = Instant::now();
            let c = args.connections as u64;
            let fetched = rt.block_on(async {
                let handles: Vec<_> = (0..c)
                    .map(|i| tokio::spawn(prefetch(new_conn(args.addr), n / c + u64::from(i < n % c))))
                    .collect();
                let mut out = Vec::new();
                for h in handles {
                    out.push(h.await.expect("prefetch panicked"));
                }
                out
            });
            let mut conns = Vec::new();
            let mut pool = Vec::with_capacity(n as usize);
            for f in fetched {
                match f {
                    Ok((conn, t)) => {
                        conns.push(conn);
                        pool.extend(t);
                    }
                    Err(e) => {
                        eprintln!("loadgen: prefetch failed: {e}");
                        std::process::exit(1)
                    }
                }
            }
            println!(
                "prefetch: {} form tokens fetched with GET / on {} connections in {:.1} s (not timed)",
                pool.len(),
                args.connections,
                t0.elapsed().as_secs_f64()
            );
            (conns, Some(std::sync::Mutex::new(pool)))
        }
    };
    let started = Instant::now();
    let shared = Arc::new(Shared {
        addr: args.addr,
        kind: args.kind.clone(),
        replay: args.replay,
        started,
        deadline: args.duration.map(|d| started + d),
        remaining: args.count.map(AtomicU64::new),
        next_name: AtomicU64::new(0),
        name_base,
        stop: AtomicBool::new(false),
        acked: AtomicU64::new(0),
        tokens,
        ran_out: AtomicBool::new(false),
        window: args.window.map(|w| (w, std::sync::Mutex::new((0, started)))),
    });
    let tallies: Vec<Tally> = rt.block_on(async {
        let progress = {
            let shared = Arc::clone(&shared);
            let quiet = args.quiet;
            tokio::spawn(async move {
                let mut last = 0;
                loop {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    let now = shared.acked.load(Ordering::Relaxed);
                    if !quiet {
                        eprintln!(
                            "loadgen: {:>6.1} s  {now} signatures ({:.0}/s over the last 5 s)",
                            started.elapsed().as_secs_f64(),
                            (now - last) as f64 / 5.0
                        );
                    }
                    last = now;
                }
            })
        };
        let handles: Vec<_> =
            conns.into_iter().map(|c| tokio::spawn(worker(Arc::clone(&shared), c))).collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.expect("worker panicked"));
        }
        progress.abort();
        out
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut total = Tally::default();
    for t in tallies {
        total.acked += t.acked;
        total.replayed += t.replayed;
        total.gets += t.gets;
        total.posts += t.posts;
        total.latencies_us.extend(t.latencies_us);
        for (k, v) in t.refused {
            *total.refused.entry(k).or_default() += v;
        }
    }
    total.latencies_us.sort_unstable();
    let l = &total.latencies_us;
    let (p50, p90, p99) = (percentile(l, 0.50), percentile(l, 0.90), percentile(l, 0.99));
    let max = l.last().map_or(f64::NAN, |&m| m as f64 / 1000.0);
    let sig_s = total.acked as f64 / elapsed;
    let req_s = (total.gets + total.posts) as f64 / elapsed;
    let errors: u64 = total.refused.values().sum();
    println!(
        "{} connections, {:.1} s: {} signatures acknowledged (durable) = {:.0}/s; \
         {} GET / + {} POST /sign = {:.0} requests/s",
        args.connections, elapsed, total.acked, sig_s, total.gets, total.posts, req_s
    );
    let answered_s = (total.acked + total.replayed) as f64 / elapsed;
    if args.replay {
        println!(
            "replay: {} POST /sign answered 409 (used token, nothing written) = {answered_s:.0} answered/s",
            total.replayed
        );
    }
    let what = if args.replay { "200 or 409" } else { "200" };
    println!(
        "POST /sign -> {what} latency: p50 {p50:.2} ms, p90 {p90:.2} ms, p99 {p99:.2} ms, max {max:.2} ms"
    );
    for (what, n) in &total.refused {
        println!("not acknowledged: {n} x {what}");
    }
    let ran_out = shared.ran_out.load(Ordering::Relaxed);
    if ran_out && args.duration.is_some() {
        println!(
            "prefetch: the {} tokens ran out after {elapsed:.1} s, before the {:.0} s asked for \
             (the rate is over the {elapsed:.1} s; give more tokens)",
            args.prefetch.unwrap_or(0),
            args.duration.unwrap_or_default().as_secs_f64()
        );
    }
    println!(
        "RESULT sig_per_s={sig_s:.1} req_per_s={req_s:.1} p50_ms={p50:.3} p99_ms={p99:.3} \
         acked={} answered_per_s={answered_s:.1} errors={errors} seconds={elapsed:.2} \
         prefetched={} ran_out={}",
        total.acked,
        args.prefetch.unwrap_or(0),
        u8::from(ran_out)
    );
    if args.count.is_some_and(|c| total.acked < c) {
        std::process::exit(1);
    }
}

/// The built-in queries of the `search` mode, with their labels: a word of
/// the generated names, a prefix of one, a query that matches nothing (a
/// full scan where there is no index), and three non-Latin queries (which
/// match nothing in generated data either).
const SEARCHES: [(&str, &str); 6] = [
    ("word", "Grace"),
    ("prefix", "Pri"),
    ("nothing", "Zyxwvq"),
    ("cyrillic", "Дмитрий"),
    ("chinese", "王秀英"),
    ("arabic", "عمر"),
];

/// `search`: `--connections` (20) connections loop `GET /signatories?q=Q`
/// over the queries (each connection starting at a different one) for
/// `--duration`; only 200 answers count, and are timed from the first byte
/// written to the last byte read.
fn search() {
    let mut addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let (mut connections, mut threads, mut duration, mut quiet) = (20usize, 1usize, None, false);
    let mut queries: Vec<(String, String)> = Vec::new();
    let mut it = std::env::args().skip(2);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--addr" => addr = value().parse().unwrap_or_else(|_| usage()),
            "--connections" | "-c" => connections = value().parse().unwrap_or_else(|_| usage()),
            "--threads" | "-t" => threads = value().parse().unwrap_or_else(|_| usage()),
            "--duration" | "-d" => {
                duration = Some(Duration::from_secs_f64(value().parse().unwrap_or_else(|_| usage())))
            }
            "--query" => queries.push((format!("q{}", queries.len() + 1), value())),
            "--quiet" | "-q" => quiet = true,
            _ => usage(),
        }
    }
    let Some(duration) = duration else { usage() };
    if connections == 0 || threads == 0 {
        usage()
    }
    if queries.is_empty() {
        queries = SEARCHES.iter().map(|(l, q)| (l.to_string(), q.to_string())).collect();
    }
    let requests: Arc<Vec<String>> = Arc::new(
        queries
            .iter()
            .map(|(_, q)| {
                let mut path = String::from("/signatories?q=");
                urlencode(q, &mut path);
                get_request(addr, &path)
            })
            .collect(),
    );
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build().unwrap();
    let started = Instant::now();
    let deadline = started + duration;
    // Per connection: latencies (µs) per query, and refusals by what.
    type Found = (Vec<Vec<u32>>, BTreeMap<String, u64>);
    let found: Vec<Found> = rt.block_on(async {
        let handles: Vec<_> = (0..connections)
            .map(|c| {
                let requests = Arc::clone(&requests);
                tokio::spawn(async move {
                    let mut conn = new_conn(addr);
                    let mut lat = vec![Vec::new(); requests.len()];
                    let mut refused = BTreeMap::new();
                    let mut i = c % requests.len();
                    let mut consecutive_errors = 0;
                    while Instant::now() < deadline && consecutive_errors <= 50 {
                        let t0 = Instant::now();
                        match conn.request(requests[i].as_bytes()).await {
                            Ok(a) if a.status == 200 => {
                                lat[i].push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                                consecutive_errors = 0;
                            }
                            Ok(a) => {
                                *refused.entry(format!("{} answered {}", i, a.status)).or_default() += 1;
                                consecutive_errors += 1;
                            }
                            Err(e) => {
                                *refused.entry(format!("{i} error: {e}")).or_default() += 1;
                                consecutive_errors += 1;
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                        }
                        i = (i + 1) % requests.len();
                    }
                    (lat, refused)
                })
            })
            .collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.expect("searcher panicked"));
        }
        out
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut per_query = vec![Vec::new(); queries.len()];
    let mut refused: BTreeMap<String, u64> = BTreeMap::new();
    for (lat, r) in found {
        for (q, l) in lat.into_iter().enumerate() {
            per_query[q].extend(l);
        }
        for (k, v) in r {
            *refused.entry(k).or_default() += v;
        }
    }
    let errors_of = |q: usize| -> u64 {
        refused.iter().filter(|(k, _)| k.split(' ').next() == Some(&q.to_string())).map(|(_, v)| v).sum()
    };
    let stats = |l: &mut Vec<u32>| {
        l.sort_unstable();
        let max = l.last().map_or(f64::NAN, |&m| m as f64 / 1000.0);
        (l.len(), percentile(l, 0.50), percentile(l, 0.99), max)
    };
    let mut all = Vec::new();
    for (q, l) in per_query.iter_mut().enumerate() {
        all.extend_from_slice(l);
        let (n, p50, p99, max) = stats(l);
        if !quiet {
            println!(
                "{:<9} {:<12} {n:>7} x 200  p50 {p50:8.2} ms  p99 {p99:8.2} ms  max {max:8.2} ms  {} not 200",
                queries[q].0,
                format!("q={}", queries[q].1.chars().take(24).collect::<String>()),
                errors_of(q)
            );
        }
        let mut enc = String::new();
        urlencode(&queries[q].1, &mut enc);
        println!(
            "SEARCH label={} q={enc} ok={n} p50_ms={p50:.3} p99_ms={p99:.3} max_ms={max:.3} errors={}",
            queries[q].0,
            errors_of(q)
        );
    }
    for (what, n) in &refused {
        let (q, rest) = what.split_once(' ').unwrap_or(("", what));
        let label = q.parse::<usize>().ok().and_then(|q| queries.get(q)).map_or("?", |q| q.0.as_str());
        println!("not counted: {n} x {label} {rest}");
    }
    let (n, p50, p99, max) = stats(&mut all);
    let errors: u64 = refused.values().sum();
    println!(
        "{connections} connections, {elapsed:.1} s: {n} searches answered 200 = {:.0}/s; p50 {p50:.2} ms, \
         p99 {p99:.2} ms, max {max:.2} ms; {errors} not 200",
        n as f64 / elapsed
    );
    println!(
        "RESULT searches={n} per_s={:.1} p50_ms={p50:.3} p99_ms={p99:.3} max_ms={max:.3} errors={errors} \
         seconds={elapsed:.2}",
        n as f64 / elapsed
    );
}

/// VmRSS and VmHWM of a process, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The `startup` mode: see the module documentation.
fn startup() {
    let mut args = std::env::args().skip(2);
    let mut page = "/signatories/individual?page=50".to_string();
    let mut command = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--page" => page = args.next().unwrap_or_else(|| usage()),
            "--" => {
                command = args.by_ref().collect();
                break;
            }
            _ => usage(),
        }
    }
    if command.is_empty() {
        usage()
    }
    use std::io::BufRead;
    let started = Instant::now();
    let mut child = std::process::Command::new(&command[0])
        .args(&command[1..])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            eprintln!("startup: cannot run {}: {e}", command[0]);
            std::process::exit(1)
        });
    let pid = child.id();
    let stop = |child: &mut std::process::Child| {
        let _ = std::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
        let _ = child.wait();
    };
    let mut line = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let _ = out.read_line(&mut line);
    let addr: Option<SocketAddr> = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| c == ',' || c.is_whitespace()).next())
        .and_then(|a| a.parse().ok());
    let Some(addr) = addr else {
        eprintln!("startup: no address in the start-up line {line:?}");
        stop(&mut child);
        std::process::exit(1)
    };
    let line_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (rss_line, hwm_line) = memory_kib(pid);
    // Keep draining stdout so the server never blocks on it.
    std::thread::spawn(move || for _ in out.lines() {});
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let host = addr.to_string();
    let get = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let result = rt.block_on(async {
        let mut conn = Conn { addr, stream: None, buf: Vec::new(), used: 0 };
        let deadline = Instant::now() + Duration::from_secs(30);
        let first = loop {
            match conn.request(get("/").as_bytes()).await {
                Ok(a) if a.status == 200 => break Ok(started.elapsed()),
                _ if Instant::now() > deadline => break Err("no 200 for GET / within 30 s".to_string()),
                _ => tokio::time::sleep(Duration::from_millis(1)).await,
            }
        }?;
        let after_first = memory_kib(pid);
        let a = conn.request(get(&page).as_bytes()).await.map_err(|e| e.to_string())?;
        if a.status != 200 {
            return Err(format!("GET {page} answered {}", a.status));
        }
        Ok((first, after_first, memory_kib(pid)))
    });
    stop(&mut child);
    match result {
        Ok((first, (rss1, hwm1), (rss2, hwm2))) => {
            println!(
                "RESULT startup_ms={:.1} startup_line_ms={line_ms:.1} rss_line_kib={rss_line} \
                 hwm_line_kib={hwm_line} rss_first_kib={rss1} hwm_first_kib={hwm1} \
                 rss_page_kib={rss2} hwm_page_kib={hwm2}",
                first.as_secs_f64() * 1000.0
            );
        }
        Err(e) => {
            eprintln!("startup: {e}");
            std::process::exit(1)
        }
    }
}
