//! A full disk: signing answers a clear 503 while reading goes on, the
//! operator is told once, and once space returns signing resumes by itself
//! with nothing acknowledged lost; SIGTERM still stops the process.
//!
//! The data dir is a small tmpfs that the test mounts, which needs root:
//! elsewhere the test says why it skips (under `CI=true` it fails).

use crate::common::Server;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if !out.status.success() {
            return Err(format!("mount -t tmpfs: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(Tmpfs { dir })
    }

    /// A tmpfs, or `None` after saying why not (under `CI=true`, it fails).
    fn mount_or_skip(size: &str) -> Option<Tmpfs> {
        match Tmpfs::mount(size) {
            Ok(t) => Some(t),
            Err(why) => {
                assert!(
                    !crate::common::in_ci(),
                    "this test needs to mount a tmpfs (root) under CI=true: {why}"
                );
                eprintln!("skipped: this test mounts a tmpfs, which failed here ({why}); run as root");
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills the filesystem at `dir` with one file, until a write fails.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.sync_all();
    path
}

fn times(output: &str, line: &str) -> usize {
    output.lines().filter(|l| l.contains(line)).count()
}

/// How many lines of the server's output hold `line`, once one does (the
/// server writes it before it answers, but the test reads its stderr on a
/// thread of its own), or after 5 s.
fn told(server: &Server, line: &str) -> usize {
    let deadline = Instant::now() + Duration::from_secs(5);
    while times(&server.output(), line) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    times(&server.output(), line)
}

#[test]
fn a_full_disk_refuses_signing_clearly_and_signing_resumes_when_space_returns() {
    let Some(tmpfs) = Tmpfs::mount_or_skip("8m") else { return };
    let config = tmpfs.path().join("undersign.toml");
    std::fs::write(
        &config,
        "page_rebuild_ms = 0\nmin_fill_seconds = 0\nsign_burst = 1000000\nsign_per_second = 1000000\n",
    )
    .unwrap();
    let mut server = Server::spawn(&tmpfs.path().join("data"), &config);
    let mut acknowledged = Vec::new();
    assert_eq!(server.sign("Before The Disk Filled", "individual", &[]).status, 200);
    acknowledged.push("Before The Disk Filled".to_string());

    let filler = fill(tmpfs.path());
    // What SQLite has already allocated is reused: sign until it runs out.
    let mut refused = None;
    for i in 0..5_000 {
        let name = format!("Filling Signer {i}");
        let r = server.sign(&name, "individual", &[]);
        match r.status {
            200 => acknowledged.push(name),
            _ => {
                refused = Some(r);
                break;
            }
        }
    }
    let refused = refused.expect("signing was still acknowledged on a full disk after 5,000 signatures");
    eprintln!("disk full: {} acknowledged, then a {}", acknowledged.len(), refused.status);
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(refused.body.contains("could not be saved just now"), "{}", refused.body);
    assert!(refused.body.contains("not recorded"), "{}", refused.body);
    assert!(refused.header("Retry-After").is_some());

    // More attempts while full: each a clear 503, or, where a failed
    // commit left room in the log for a smaller one, acknowledged. The
    // operator is told once, however they alternate.
    let mut refused_while_full = Vec::new();
    for i in 0..5 {
        let name = format!("While Full {i}");
        let r = server.sign(&name, "individual", &[]);
        match r.status {
            200 => acknowledged.push(name),
            503 => {
                assert!(r.body.contains("could not be saved just now"), "{}", r.body);
                refused_while_full.push(name);
            }
            other => panic!("{other}: {}", r.body),
        }
    }
    let cannot = "the store cannot write";
    assert_eq!(told(&server, cannot), 1, "{}", server.output());
    // Reading goes on.
    let letter = server.get("/");
    assert_eq!(letter.status, 200);
    assert!(letter.body.contains("Before The Disk Filled"));
    let list = server.get("/signatories/individual");
    assert_eq!(list.status, 200);
    let found = server.get("/signatories?q=Before+The+Disk");
    assert_eq!(found.status, 200);
    assert!(found.body.contains("Before The Disk Filled"), "{}", found.body);
    // An export is written to the disk: sent, or refused with a clear page.
    let export = server.get("/signatories.csv");
    assert!(export.status == 200 || export.status == 503, "{}", export.status);

    // Space returns: signing resumes, without a restart.
    std::fs::remove_file(&filler).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let resumed = loop {
        let r = server.sign("After Space Returned", "individual", &[]);
        if r.status == 200 || Instant::now() > deadline {
            break r;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    acknowledged.push("After Space Returned".to_string());
    assert_eq!(told(&server, "the store writes again"), 1, "{}", server.output());
    assert_eq!(told(&server, cannot), 1);

    // Nothing acknowledged was lost, nothing refused was kept.
    let published = server.published_names();
    for name in &acknowledged {
        assert_eq!(published.iter().filter(|n| *n == name).count(), 1, "{name} not there exactly once");
    }
    for name in &refused_while_full {
        assert!(!published.contains(name), "{name} was refused, yet published");
    }
    let started = Instant::now();
    server.stop();
    assert!(started.elapsed() < Duration::from_secs(15));
    // And the store reopens whole.
    let server = Server::spawn(&tmpfs.path().join("data"), &config);
    let published = server.published_names();
    for name in &acknowledged {
        assert!(published.contains(name), "{name} lost across a restart");
    }
    drop(server);
}

#[test]
fn sigterm_stops_the_server_on_a_full_disk_with_requests_in_flight() {
    let Some(tmpfs) = Tmpfs::mount_or_skip("4m") else { return };
    let config = tmpfs.path().join("undersign.toml");
    std::fs::write(&config, "page_rebuild_ms = 0\nmin_fill_seconds = 0\n").unwrap();
    let mut server = Server::spawn(&tmpfs.path().join("data"), &config);
    assert_eq!(server.sign("Someone Early", "individual", &[]).status, 200);
    fill(tmpfs.path());
    // Exports, searches and signatures at once, against a full disk.
    let addr = server.addr;
    let clients: Vec<_> = ["/signatories.json", "/signatories.csv", "/signatories?q=Someone", "/"]
        .into_iter()
        .map(|path| {
            std::thread::spawn(move || {
                for _ in 0..20 {
                    let raw = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                    let r = crate::common::request(addr, raw.as_bytes());
                    assert!(r.status == 200 || r.status == 503, "{path}: {}", r.status);
                }
            })
        })
        .collect();
    for i in 0..20 {
        let status = server.sign(&format!("Into A Full Disk {i}"), "individual", &[]).status;
        assert!(status == 200 || status == 503, "{status}");
    }
    for c in clients {
        c.join().unwrap();
    }
    // `stop` sends SIGTERM and fails the test if the process outlives 15 s.
    server.stop();
}
