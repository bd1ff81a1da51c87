//! An organiser backs the site up while it serves, loses the machine, and
//! restores: the same list, the same snapshot key, withdrawal codes that
//! still work, and snapshot numbers that go on past every one served, so
//! that no mirror sees a rollback. A file cut short or damaged, a data dir
//! that is not empty, and a backup of another letter are refused with a
//! sentence, and nothing is restored.

use crate::common::{self, Server};
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CONFIG: &str = "page_rebuild_ms = 0\nmin_fill_seconds = 0\nsnapshot_interval_seconds = 1\n";

/// `undersign --data DATA --config CONFIG ARGS…`.
fn run(data: &Path, config: &Path, args: &[&str]) -> Output {
    Command::new(common::binary())
        .arg("--data")
        .arg(data)
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A temporary dir holding `undersign.toml` with `config` (and `files`).
fn site(config: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let config_path = dir.path().join("undersign.toml");
    std::fs::write(&config_path, config).unwrap();
    let data = dir.path().join("data");
    (dir, data, config_path)
}

/// The number of the snapshot the server serves, once it serves one.
fn served_seq(server: &Server) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = server.get("/snapshot.json.minisig");
        if let Some(tag) = r.header("ETag").filter(|_| r.status == 200) {
            return tag.trim_matches('"').parse().unwrap();
        }
        assert!(Instant::now() < deadline, "no snapshot served: {} {}", r.status, r.body);
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the server serves a snapshot numbered above `above`.
fn served_above(server: &Server, above: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seq = served_seq(server);
        if seq > above {
            return seq;
        }
        assert!(Instant::now() < deadline, "no snapshot after {above}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every file and dir under `dir` whose mode lets its group or others in.
fn readable_by_others(dir: &Path) -> Vec<String> {
    let mut open = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.permissions().mode() & 0o077 != 0 {
            open.push(format!("{:o} {}", meta.permissions().mode() & 0o777, path.display()));
        }
        if meta.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
    }
    open
}

#[test]
fn a_backup_made_while_serving_restores_the_same_list_key_codes_and_later_snapshot_numbers() {
    let (dir, data, config) = site(&format!("{CONFIG}admin_listen = \"127.0.0.1:0\"\n"), &[]);
    let mut server = Server::spawn(&data, &config);
    // A moderator and an entry in the audit list.
    let console = common::console::signed_in(&server);
    assert_eq!(server.sign("Reviewed Backup Collective", "organization", &[]).status, 200);
    let queue = console.queue_ids("");
    assert_eq!(queue.len(), 1);
    assert_eq!(console.act("approve", &queue, &[]).status, 303);
    let kept = server.sign("Grace Keptwell", "individual", &[]);
    assert_eq!(kept.status, 200, "{}", kept.body);
    let code = kept.withdrawal_code();
    assert_eq!(server.sign("Ada Backupson", "individual", &[]).status, 200);
    let canary = "Quillon Withdrawnsby";
    let withdrawn = server.sign(canary, "individual", &[]).withdrawal_code();
    assert_eq!(server.post_form("/withdraw", &[("code", &withdrawn)]).status, 200);
    let before = served_seq(&server);

    let file = dir.path().join("site.backup");
    let out = run(&data, &config, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "backup while serving: {}", text(&out));
    assert!(text(&out).contains("signatures of \"Secure the Internet\""), "{}", text(&out));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    let bytes = std::fs::read(&file).unwrap();
    assert!(!bytes.windows(canary.len()).any(|w| w == canary.as_bytes()), "a withdrawn name is not carried");
    assert!(bytes.windows(14).any(|w| w == b"Grace Keptwell"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        3,
        "nothing left beside the backup but the config, the data dir and the backup: {:?}",
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect::<Vec<_>>()
    );

    // The site goes on after the backup: a signature and snapshots the
    // backup does not hold.
    assert_eq!(server.sign("Zed Afterwards", "individual", &[]).status, 200);
    let last_served = served_above(&server, before);
    let key = run(&data, &config, &["key"]);
    assert!(key.status.success());
    server.stop();

    let restored = dir.path().join("restored");
    let out = run(&restored, &config, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "restore: {}", text(&out));
    assert!(text(&out).contains("restored 325 signatures"), "{}", text(&out));
    assert_eq!(readable_by_others(&restored), Vec::<String>::new());
    let key_after = run(&restored, &config, &["key"]);
    assert_eq!(
        String::from_utf8_lossy(&key_after.stdout),
        String::from_utf8_lossy(&key.stdout),
        "the same snapshot key"
    );

    let server = Server::spawn(&restored, &config);
    let names = server.published_names();
    assert!(names.iter().any(|n| n == "Grace Keptwell") && names.iter().any(|n| n == "Ada Backupson"));
    assert!(names.iter().any(|n| n == &common::seed("individual")[0]), "the letter's own list");
    assert!(!names.iter().any(|n| n == "Zed Afterwards"), "signed after the backup");
    assert!(!names.iter().any(|n| n == canary));
    assert!(server.get("/signatories?q=Keptwell").body.contains("Grace Keptwell"), "search works at once");
    let seq = served_seq(&server);
    assert!(seq > last_served, "snapshot {seq} after the restore, {last_served} served before it");
    assert!(names.iter().any(|n| n == "Reviewed Backup Collective"));
    let mut console = common::console::Console::new(&server);
    assert_eq!(console.sign_in("alice", common::console::PASSPHRASE).status, 303, "the same moderators");
    let audit = console.get("/audit").body;
    assert!(audit.contains("approved") && audit.contains("<td>alice</td>"), "the audit list: {audit}");
    let gone = server.post_form("/withdraw", &[("code", &code)]);
    assert_eq!(gone.status, 200, "a code from before the backup: {}", gone.body);
    assert!(gone.body.contains("Your signature is withdrawn"));
    assert!(!server.published_names().iter().any(|n| n == "Grace Keptwell"));
}

#[test]
fn a_restore_refuses_a_full_data_dir_a_cut_or_damaged_file_and_another_letter() {
    // Made offline, from a data dir no server has run on.
    let (dir, data, config) = site(CONFIG, &[("names.txt", "Ada Offline\nGrace Offline\n")]);
    let names = dir.path().join("names.txt");
    assert!(run(&data, &config, &["import", "--kind", "individual", names.to_str().unwrap()])
        .status
        .success());
    let file = dir.path().join("site.backup");
    let out = run(&data, &config, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "backup of a stopped site: {}", text(&out));
    let whole = std::fs::read(&file).unwrap();

    let refused = |target: &Path, backup: &Path, config: &Path, says: &[&str]| {
        let out = run(target, config, &["restore", backup.to_str().unwrap()]);
        assert!(!out.status.success(), "restored: {}", text(&out));
        for words in says {
            assert!(text(&out).contains(words), "{words:?} not in: {}", text(&out));
        }
        assert!(!target.join("store").exists() && !target.join("secret").exists(), "nothing restored");
    };

    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("notes.txt"), "mine").unwrap();
    refused(&full, &file, &config, &["is not empty", "notes.txt"]);
    assert_eq!(std::fs::read_dir(&full).unwrap().count(), 1);
    assert_eq!(std::fs::read_to_string(full.join("notes.txt")).unwrap(), "mine");

    let cut = dir.path().join("cut.backup");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    refused(&dir.path().join("from-cut"), &cut, &config, &["cut short"]);

    let mut flipped = whole.clone();
    flipped[whole.len() / 2] ^= 0x01;
    let damaged = dir.path().join("damaged.backup");
    std::fs::write(&damaged, &flipped).unwrap();
    refused(&dir.path().join("from-damaged"), &damaged, &config, &["is damaged"]);

    let letter = "# Keep Libraries Open\n\nWe ask the council to keep every branch open.\n\n## Principles\n\n- Open on Sundays\n\n## Sign up\n\nWelcome.\n\n## Disclaimer\n\nWe share nothing.\n";
    std::fs::write(dir.path().join("letter.md"), letter).unwrap();
    let other = dir.path().join("other.toml");
    std::fs::write(&other, format!("{CONFIG}letter = \"letter.md\"\n")).unwrap();
    refused(
        &dir.path().join("from-other"),
        &file,
        &other,
        &["\"Secure the Internet\"", "\"Keep Libraries Open\"", "letter"],
    );

    // The whole file, into an empty dir that exists, is restored.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = run(&empty, &config, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let server = Server::spawn(&empty, &config);
    assert!(server.published_names().iter().any(|n| n == "Grace Offline"));
}

/// Signs one new name after another over HTTP until `stop`; each name
/// whose thank-you page arrived goes into `acknowledged`, in order.
fn sign_until(
    addr: SocketAddr,
    prefix: String,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Vec<String>>>,
) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let name = format!("{prefix} Loadsigner {n}");
        let page = common::request(addr, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let body = common::sign_body(&page.form_token(), &name);
        let thanks = common::request(
            addr,
            format!(
                "POST /sign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
        if thanks.status == 200 && thanks.body.contains("<p class=\"code\"><code>") {
            acknowledged.lock().unwrap().push(name);
        }
    }
}

#[test]
fn a_backup_made_under_a_signing_load_restores_with_nothing_acknowledged_lost() {
    let config = format!("{CONFIG}sign_burst = 1000000\nsign_per_second = 1000000\n");
    let (dir, data, config) = site(&config, &[]);
    let mut server = Server::spawn(&data, &config);
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let signers: Vec<_> = ["Anna", "Boris", "Chen"]
        .into_iter()
        .map(|prefix| {
            let (stop, acknowledged, addr) = (Arc::clone(&stop), Arc::clone(&acknowledged), server.addr);
            std::thread::spawn(move || sign_until(addr, prefix.to_string(), stop, acknowledged))
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < 30 {
        assert!(Instant::now() < deadline, "the signers got too few thank-you pages");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Every name thanked before the backup starts must be in it.
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let file = dir.path().join("loaded.backup");
    let out = run(&data, &config, &["backup", file.to_str().unwrap()]);
    let at_end = acknowledged.lock().unwrap().len();
    eprintln!("{} signatures acknowledged while the backup ran", at_end - before.len());
    // The server signs on after it, as it did during it.
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().unwrap().len() <= at_end && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    for s in signers {
        s.join().unwrap();
    }
    assert!(out.status.success(), "backup under load: {}", text(&out));
    assert!(acknowledged.lock().unwrap().len() > at_end, "signing stopped with the backup");
    server.stop();

    let restored = dir.path().join("restored");
    let out = run(&restored, &config, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let server = Server::spawn(&restored, &config);
    let names: std::collections::HashSet<String> = server.published_names().into_iter().collect();
    let lost: Vec<&String> = before.iter().filter(|n| !names.contains(*n)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged names lost: {lost:?}", lost.len(), before.len());
}
