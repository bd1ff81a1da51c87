//! The store alone, without HTTP: `cargo bench --bench store`.
//!
//! Part 1 signs through the real [`Store`] from 64 tasks, as 64 connections
//! would (group commit, flush and fsync included), on a fresh temporary
//! store, and reports acknowledged signatures/s and the writer thread's CPU
//! per signature.
//!
//! Settings: `SECONDS=10` for part 1, or `SIGNATURES=N` to sign N and stop
//! (then it also reports the writer's CPU over the last tenth, what a
//! signature costs at that size). `NONCES=ordered` (the default) gives
//! form-token nonces in the order they were issued, as the server does
//! since issue 25; `NONCES=random` gives random ones, as it did before,
//! to measure what the order alone changes. `TMPDIR` chooses the disk.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use undersign::domain::{Kind, SignatoryName, Submission};
use undersign::store::{Day, NewSignature, Options, Store};
use undersign::tokens::random;

const CONNECTIONS: usize = 64;
const CACHE_BYTES: u64 = 8 << 20;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A unique, plausible name: letters only, so no name is flagged for review.
fn name(n: u64) -> String {
    let mut family = String::new();
    let mut rest = n;
    loop {
        family.push((b'a' + (rest % 26) as u8) as char);
        rest /= 26;
        if rest == 0 {
            break;
        }
    }
    format!("Ada X{family}")
}

/// CPU time (user + system) of this process's thread called `comm`.
fn thread_cpu(comm: &str) -> Option<Duration> {
    let tick = 100.0; // USER_HZ on Linux
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let path = task.path();
        if std::fs::read_to_string(path.join("comm")).ok()?.trim() != comm {
            continue;
        }
        let stat = std::fs::read_to_string(path.join("stat")).ok()?;
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
        return Some(Duration::from_secs_f64(ticks / tick));
    }
    None
}

/// Form-token nonces as the server issues them (`tokens::NonceSequence`:
/// a counter from a random start, then random bytes), or all random.
/// Written out here so that this bench also builds against a store from
/// before issue 25, to compare the two.
struct Nonces {
    ordered: bool,
    next: AtomicU64,
}

impl Nonces {
    fn next(&self) -> [u8; 16] {
        let mut nonce: [u8; 16] = random();
        if self.ordered {
            nonce[..8].copy_from_slice(&self.next.fetch_add(1, Ordering::Relaxed).to_be_bytes());
        }
        nonce
    }
}

fn part1(seconds: u64, signatures: u64) -> (f64, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = Options { retention_days: 30, cache_bytes: CACHE_BYTES, notice: |_| {} };
    let store = Arc::new(Store::open(&dir.path().join("store"), options).expect("store opens"));
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicU64::new(0));
    let acked = Arc::new(AtomicU64::new(0));
    let ordered = std::env::var("NONCES").map_or(true, |v| v != "random");
    let nonces = Arc::new(Nonces { ordered, next: AtomicU64::new(u64::from_be_bytes(random()) >> 2) });
    // The writer's CPU when the last tenth of `signatures` began.
    let last_tenth = Arc::new(std::sync::Mutex::new(None::<Duration>));
    let cpu_before = thread_cpu("store-writer").unwrap_or_default();
    let started = Instant::now();
    rt.block_on(async {
        let tasks: Vec<_> = (0..CONNECTIONS)
            .map(|_| {
                let (store, stop, next, acked) =
                    (Arc::clone(&store), Arc::clone(&stop), Arc::clone(&next), Arc::clone(&acked));
                let (nonces, last_tenth) = (Arc::clone(&nonces), Arc::clone(&last_tenth));
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if signatures > 0 && n >= signatures {
                            break;
                        }
                        if signatures > 0 && n == signatures - signatures / 10 {
                            *last_tenth.lock().expect("not poisoned") = thread_cpu("store-writer");
                        }
                        let submission = Submission {
                            name: SignatoryName::parse(&name(n)).expect("generated names parse"),
                            kind: Kind::Individual,
                            affiliation: None,
                            country: None,
                            listed: true,
                            website: None,
                        };
                        let new = NewSignature {
                            submission,
                            needs_review: false,
                            token_nonce: nonces.next(),
                            token_forget_after: Day(Day::today().0 + 2),
                            withdraw_hash: random(),
                            max_pending: 1_000_000,
                            proof_token: None,
                        };
                        if store.sign(new).await.is_ok() {
                            acked.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        if signatures == 0 {
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            stop.store(true, Ordering::Relaxed);
        }
        for t in tasks {
            let _ = t.await;
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = thread_cpu("store-writer").unwrap_or_default().saturating_sub(cpu_before);
    let n = acked.load(Ordering::Relaxed);
    let writer_us = cpu.as_secs_f64() * 1e6 / n.max(1) as f64;
    println!(
        "store: {n} signatures acknowledged in {elapsed:.1} s = {:.0}/s; writer CPU {writer_us:.1} µs per signature \
         (nonces {})",
        n as f64 / elapsed,
        if ordered { "ordered" } else { "random" }
    );
    let started_last = *last_tenth.lock().expect("not poisoned");
    if let Some(at) = started_last {
        let cpu = thread_cpu("store-writer").unwrap_or_default().saturating_sub(at);
        let tenth = (signatures / 10).max(1) as f64;
        println!("store: the last tenth: writer CPU {:.1} µs per signature", cpu.as_secs_f64() * 1e6 / tenth);
    }
    (n as f64 / elapsed, n)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let (rate, _) = part1(setting("SECONDS", 10), setting("SIGNATURES", 0));
    println!("RESULT store_sig_per_s={rate:.1}");
}
