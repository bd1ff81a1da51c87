//! "Faults and abuse": a store damaged on disk. A store is copied after a
//! crash, while its write-ahead log still holds the latest signatures;
//! then the log is cut short or has bytes flipped, or the database file
//! has, and undersign is started on the copy. Either it serves everything
//! acknowledged before the damaged write, or it refuses to start and says
//! which file is damaged and how to restore; it never serves a store that
//! lost older names, and never panics.

use crate::common::{self, Server};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str =
    "min_fill_seconds = 0\npage_rebuild_ms = 0\nsign_burst = 1000000\nsign_per_second = 1000000\n";
const DB: &str = "signatures.sqlite";
const WAL: &str = "signatures.sqlite-wal";

/// A frame of the write-ahead log, as SQLite lays it out: a 24-byte header
/// (page number, database size after a commit or 0, the log's two salts,
/// a checksum), then the page.
#[derive(Clone, Copy, Debug)]
struct Frame {
    offset: u64,
    page: u32,
    commit: bool,
}

struct Wal {
    page_size: u64,
    frames: Vec<Frame>,
}

impl Wal {
    /// The frames of the log's current generation (those with its salts).
    fn read(path: &Path) -> Wal {
        let bytes = std::fs::read(path).expect("a write-ahead log");
        let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
        assert!(bytes.len() >= 32, "the log has its header");
        let page_size = u64::from(be(8));
        let salts = (be(16), be(20));
        let mut frames = Vec::new();
        let mut at = 32;
        while at + 24 + page_size as usize <= bytes.len() && (be(at + 8), be(at + 12)) == salts {
            frames.push(Frame { offset: at as u64, page: be(at), commit: be(at + 4) != 0 });
            at += 24 + page_size as usize;
        }
        Wal { page_size, frames }
    }

    fn commits(&self) -> usize {
        self.frames.iter().filter(|f| f.commit).count()
    }

    /// The frames of transaction `t` (counted from 0 in this log).
    fn transaction(&self, t: usize) -> Vec<Frame> {
        let mut seen = 0;
        let mut out = Vec::new();
        for f in &self.frames {
            if seen == t {
                out.push(*f);
            }
            if f.commit {
                seen += 1;
            }
        }
        out
    }

    fn holds_page(&self, page: u32) -> bool {
        self.frames.iter().any(|f| f.page == page)
    }
}

/// The number (from 1) of the first frame of transaction `t`.
fn frame_number(wal: &Wal, t: usize) -> usize {
    let first = wal.transaction(t)[0];
    wal.frames.iter().position(|f| f.offset == first.offset).unwrap() + 1
}

/// A store stopped by SIGKILL: `old` signatures were made durable and then
/// copied into the database file by a clean stop; `new` ones, signed after
/// a restart, are only in the log, each with the number of the log's
/// transactions once it was acknowledged.
struct Crashed {
    dir: tempfile::TempDir,
    old: Vec<String>,
    new: Vec<(String, usize)>,
}

impl Crashed {
    fn make() -> Crashed {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("undersign.toml");
        std::fs::write(&config, CONFIG).unwrap();
        let data = dir.path().join("data");
        let mut server = Server::spawn(&data, &config);
        let old: Vec<String> = (0..40).map(|i| format!("Older Signer {}", letters(i))).collect();
        for name in &old {
            assert_eq!(server.sign(name, "individual", &[]).status, 200);
        }
        server.stop();
        assert!(!store(&data).join(WAL).exists(), "a clean stop leaves no log");
        let mut server = Server::spawn(&data, &config);
        let mut new = Vec::new();
        for i in 0..12 {
            let name = format!("Newer Signer {}", letters(i));
            let thanks = server.sign(&name, "individual", &[]);
            assert!(
                thanks.status == 200 && thanks.body.contains("Your name is now published"),
                "{name}: {}",
                thanks.body
            );
            new.push((name, Wal::read(&store(&data).join(WAL)).commits()));
        }
        server.kill();
        let wal = Wal::read(&store(&data).join(WAL));
        assert!(wal.commits() >= new.len(), "the log holds the newer signatures");
        Crashed { dir, old, new }
    }

    /// A copy of the data dir and config, to damage.
    fn copy(&self) -> Copy {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(self.dir.path(), dir.path(), 3);
        Copy { dir }
    }

    /// The newer names whose transactions all came before transaction `t`.
    fn new_before(&self, t: usize) -> Vec<&str> {
        self.new.iter().filter(|(_, upto)| *upto <= t).map(|(n, _)| n.as_str()).collect()
    }
}

/// Distinct names of letters no other letter looks like (a look-alike
/// would wait for review instead of being published).
fn letters(mut i: usize) -> String {
    const PLAIN: &[u8] = b"bdfhkptvz";
    let mut s = String::from("Q");
    loop {
        s.push(PLAIN[i % PLAIN.len()] as char);
        i /= PLAIN.len();
        if i == 0 {
            return s;
        }
    }
}

fn store(data: &Path) -> PathBuf {
    data.join("store")
}

fn copy_dir(from: &Path, to: &Path, depth: u32) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            assert!(depth > 0, "the data dir is shallow");
            copy_dir(&entry.path(), &target, depth - 1);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A damaged copy of a crashed store.
struct Copy {
    dir: tempfile::TempDir,
}

impl Copy {
    fn file(&self, name: &str) -> PathBuf {
        store(&self.dir.path().join("data")).join(name)
    }

    fn cut(&self, name: &str, len: u64) {
        std::fs::OpenOptions::new().write(true).open(self.file(name)).unwrap().set_len(len).unwrap();
    }

    /// Inverts `n` bytes at `at`, as a bad sector or a torn write would
    /// leave them.
    fn flip(&self, name: &str, at: u64, n: usize) {
        let mut f = std::fs::OpenOptions::new().read(true).write(true).open(self.file(name)).unwrap();
        let mut bytes = vec![0u8; n];
        f.seek(SeekFrom::Start(at)).unwrap();
        f.read_exact(&mut bytes).unwrap();
        bytes.iter_mut().for_each(|b| *b = !*b);
        f.seek(SeekFrom::Start(at)).unwrap();
        f.write_all(&bytes).unwrap();
    }

    /// The database file's pages that hold an older signature's record
    /// and that the log holds no newer copy of (so that damage there is
    /// not mended by the log), last first, with the offset of the name.
    fn record_pages_not_in_log(&self) -> Vec<(u32, u64)> {
        let wal = Wal::read(&self.file(WAL));
        let bytes = std::fs::read(self.file(DB)).unwrap();
        let needle = b"\"name\":\"Older Signer";
        let mut out = Vec::new();
        for (i, page) in bytes.chunks(wal.page_size as usize).enumerate().rev() {
            let number = i as u32 + 1;
            if let Some(at) = page.windows(needle.len()).position(|w| w == needle) {
                if !wal.holds_page(number) {
                    out.push((number, at as u64 + 8));
                }
            }
        }
        out
    }

    /// Starts undersign on the copy.
    fn start(&self) -> Outcome {
        let data = self.dir.path().join("data");
        let mut child = Command::new(common::binary())
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(&data)
            .arg("--config")
            .arg(self.dir.path().join("undersign.toml"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start undersign");
        let (tx, rx) = std::sync::mpsc::channel();
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        drop(tx);
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut said = String::new();
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) => {
                    if let Some(rest) = line.split("http://").nth(1) {
                        let addr = rest.split([',', ' ']).next().unwrap().parse().unwrap();
                        return Outcome::Served(Running { child, addr }, said);
                    }
                    said.push_str(&line);
                    said.push('\n');
                }
                // Both pipes closed: it stopped without serving.
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    let status =
                        common::wait_at_most(&mut child, Duration::from_secs(10), |c| drop(c.kill()));
                    return Outcome::Refused { exit: status.and_then(|s| s.code()), said };
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("neither served nor stopped in 20 s: {said}");
                }
            }
        }
    }
}

/// A way of damaging a copy.
type Damaging<'a> = Box<dyn Fn(&Copy) + 'a>;

enum Outcome {
    /// With what it said before it served.
    Served(Running, String),
    Refused {
        exit: Option<i32>,
        said: String,
    },
}

/// undersign serving a copy; stopped by its PID when dropped.
struct Running {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn published(&self) -> Vec<String> {
        let r = common::request(
            self.addr,
            b"GET /signatories.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(r.status, 200, "the list is served whole: {}", r.body);
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        json["signatories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    }

    fn signs(&self, name: &str) -> bool {
        let page = common::request(self.addr, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let body = common::sign_body(&page.form_token(), name);
        let raw = format!(
            "POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        common::request(self.addr, raw.as_bytes()).status == 200
    }
}

/// Served, with every older name and exactly the newer ones in `kept`, each
/// once, and a notice that the log was damaged exactly when `told`; and it
/// goes on signing.
fn assert_served(outcome: Outcome, crashed: &Crashed, kept: &[&str], told: Option<&str>, case: &str) {
    let running = match outcome {
        Outcome::Served(r, said) => {
            assert!(!said.contains("panicked"), "{case}: {said}");
            match told {
                Some(notice) => assert!(said.contains(notice), "{case}: says {notice:?}: {said}"),
                None => assert!(!said.contains("damaged"), "{case}: says nothing of damage: {said}"),
            }
            r
        }
        Outcome::Refused { exit, said } => panic!("{case}: refused ({exit:?}): {said}"),
    };
    let names = running.published();
    for name in &crashed.old {
        assert_eq!(names.iter().filter(|n| *n == name).count(), 1, "{case}: {name} is there once");
    }
    let newer: Vec<&str> =
        names.iter().map(String::as_str).filter(|n| n.starts_with("Newer Signer")).collect();
    let mut kept = kept.to_vec();
    kept.sort();
    let mut newer_sorted = newer.clone();
    newer_sorted.sort();
    assert_eq!(newer_sorted, kept, "{case}: the newer names before the damage, and only those");
    assert!(running.signs("After Damage Signer"), "{case}: signing goes on");
}

/// Refused: a failure exit, a sentence naming the file and the damage and
/// saying how to restore, and no panic.
fn assert_refused(outcome: Outcome, copy: &Copy, damage: &str, case: &str) {
    let (exit, said) = match outcome {
        Outcome::Refused { exit, said } => (exit, said),
        Outcome::Served(r, _) => panic!("{case}: served a damaged store: {:?}", r.published().len()),
    };
    assert_eq!(exit, Some(1), "{case}: {said}");
    assert!(!said.contains("panicked"), "{case}: {said}");
    let file = copy.file(DB).display().to_string();
    assert!(said.contains(&format!("{file} is damaged")), "{case}: names the file: {said}");
    assert!(said.contains(damage), "{case}: says what is damaged ({damage}): {said}");
    assert!(
        said.contains("import BACKUP.json") && said.contains("secret"),
        "{case}: says how to restore: {said}"
    );
}

#[test]
fn a_torn_or_flipped_log_keeps_everything_before_the_damaged_write() {
    let crashed = Crashed::make();
    let probe = crashed.copy();
    let wal = Wal::read(&probe.file(WAL));
    let last = wal.commits() - 1;
    let page = wal.page_size;
    // The last transaction with more than one frame, to cut inside it.
    let multi =
        (0..=last).rev().find(|t| wal.transaction(*t).len() > 1).expect("a transaction of many pages");
    let earlier = last - 3;
    // Damage before the last transaction's commit can only be a frame that
    // was fsynced going bad: said, with how many transactions it drops.
    let told_earlier = format!("damaged at frame {}: the 4 transactions", frame_number(&wal, earlier));
    let told_header = format!("damaged at frame 1: the {} transactions", wal.commits());
    let cases: Vec<(&str, usize, Option<&str>, Damaging)> = vec![
        ("the log cut inside its last frame", last, None, {
            let f = *wal.frames.last().unwrap();
            Box::new(move |c: &Copy| c.cut(WAL, f.offset + 24 + page / 2))
        }),
        ("the log cut after the first frame of a transaction", multi, None, {
            let f = wal.transaction(multi)[0];
            Box::new(move |c: &Copy| c.cut(WAL, f.offset + 24 + page))
        }),
        ("the log cut three transactions before its end", earlier, None, {
            let f = wal.transaction(earlier)[0];
            Box::new(move |c: &Copy| c.cut(WAL, f.offset + 100))
        }),
        ("bytes flipped in the last frame's page", last, None, {
            let f = *wal.frames.last().unwrap();
            Box::new(move |c: &Copy| c.flip(WAL, f.offset + 24 + 200, 8))
        }),
        ("bytes flipped in a frame three transactions before the end", earlier, Some(&told_earlier), {
            let f = wal.transaction(earlier)[0];
            Box::new(move |c: &Copy| c.flip(WAL, f.offset + 24 + page - 50, 8))
        }),
        // Written when the log was begun, before every frame in it.
        ("bytes flipped in the log's header", 0, Some(&told_header), Box::new(|c: &Copy| c.flip(WAL, 16, 4))),
    ];
    for (case, damaged, told, damage) in cases {
        let copy = crashed.copy();
        damage(&copy);
        assert_served(copy.start(), &crashed, &crashed.new_before(damaged), told, case);
    }
}

#[test]
fn a_damaged_database_file_is_refused_with_how_to_restore() {
    let crashed = Crashed::make();
    let probe = crashed.copy();
    let wal = Wal::read(&probe.file(WAL));
    let page = wal.page_size;
    let at = move |p: u32| u64::from(p - 1) * page;
    let db_len = std::fs::metadata(probe.file(DB)).unwrap().len();
    let (last, name_at) = probe.record_pages_not_in_log()[0];

    // A page the log holds a newer copy of: the log's copy is read, and
    // the next checkpoint writes it over the damaged one.
    let in_log = wal.frames.iter().map(|f| f.page).filter(|p| *p > 1 && at(*p) < db_len).max();
    let copy = crashed.copy();
    copy.flip(DB, at(in_log.expect("the log holds a page of the file")), 16);
    assert_served(copy.start(), &crashed, &crashed.new_before(usize::MAX), None, "a page the log holds");

    let refused: Vec<(&str, &str, Damaging)> = vec![
        (
            "a page's header and cell pointers flipped",
            "damaged pages",
            Box::new(move |c: &Copy| c.flip(DB, at(last), 24)),
        ),
        (
            "bytes flipped inside a signature's record",
            "does not decode",
            Box::new(move |c: &Copy| c.flip(DB, at(last) + name_at + 4, 4)),
        ),
        (
            "the file cut short at a page the log does not hold",
            "damaged pages",
            Box::new(move |c: &Copy| c.cut(DB, at(last))),
        ),
        (
            "the file cut in the middle of a page",
            "damaged pages",
            Box::new(move |c: &Copy| c.cut(DB, at(last) + page / 2)),
        ),
        ("the file emptied", "missing or empty", Box::new(|c: &Copy| c.cut(DB, 0))),
        (
            "the file removed",
            "missing or empty",
            Box::new(|c: &Copy| std::fs::remove_file(c.file(DB)).unwrap()),
        ),
    ];
    for (case, damage, make) in refused {
        let copy = crashed.copy();
        make(&copy);
        assert_refused(copy.start(), &copy, damage, case);
        // Refusing wrote nothing, the log included: it refuses again.
        assert_refused(copy.start(), &copy, damage, case);
    }
}

#[test]
fn after_a_clean_stop_a_cut_or_emptied_file_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("undersign.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let data = dir.path().join("data");
    let mut server = Server::spawn(&data, &config);
    for i in 0..40 {
        assert_eq!(server.sign(&format!("Older Signer {}", letters(i)), "individual", &[]).status, 200);
    }
    server.stop();
    assert!(!store(&data).join(WAL).exists(), "a clean stop leaves no log");
    let clean = Copy { dir };
    let bytes = std::fs::read(clean.file(DB)).unwrap();
    let (len, page) = (bytes.len() as u64, u64::from(u16::from_be_bytes([bytes[16], bytes[17]])));
    // No log, so no check at start: SQLite itself refuses a file shorter
    // than its header says, and an empty one would be a new store.
    let cases: Vec<(&str, &str, u64)> = vec![
        ("the file cut short by two pages", "damaged pages", len - 2 * page),
        ("the file emptied", "missing or empty", 0),
    ];
    for (case, damage, cut_to) in cases {
        let copy = Copy { dir: tempfile::tempdir().unwrap() };
        copy_dir(clean.dir.path(), copy.dir.path(), 3);
        copy.cut(DB, cut_to);
        assert_refused(copy.start(), &copy, damage, case);
    }
}
