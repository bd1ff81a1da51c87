//! Signed snapshots as a reader or a mirror meets them: `/snapshot.json`
//! and its `.minisig` verify with `undersign verify` and with Debian's
//! `minisign` (required under CI=true), and neither accepts a file with one
//! byte changed; a new signature shows in the next snapshot, under a higher
//! number, and a withdrawal leaves it; pending and unlisted names never
//! appear; 304 for a copy that is current; the number and the key survive
//! a restart, the key file is the owner's only, and its secret is never
//! printed.

use crate::common::{self, Server};
use sha2::Digest as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A new snapshot at most every second, so the tests need not wait long.
const CONFIG: &str = "min_fill_seconds = 0\nsnapshot_interval_seconds = 1\n";

struct Fetched {
    json: String,
    sig: String,
    seq: u64,
    etag: String,
}

impl Fetched {
    fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.json).unwrap()
    }

    fn names(&self) -> Vec<String> {
        let v = self.value();
        v["signatories"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect()
    }

    /// Writes the pair into `dir` as a reader saves them.
    fn save(&self, dir: &Path) -> PathBuf {
        let file = dir.join("snapshot.json");
        std::fs::write(&file, &self.json).unwrap();
        std::fs::write(dir.join("snapshot.json.minisig"), &self.sig).unwrap();
        file
    }
}

/// The first snapshot numbered above `after` for which `wanted` holds,
/// with the signature of the same number (the same ETag).
fn snapshot_after(server: &Server, after: u64, wanted: impl Fn(&Fetched) -> bool) -> Fetched {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let json = server.get("/snapshot.json");
        if json.status == 200 {
            let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
            let seq = value["snapshot"]["seq"].as_u64().unwrap();
            let etag = json.header("ETag").unwrap().to_string();
            assert_eq!(etag, format!("\"{seq}\""));
            let sig = server.get("/snapshot.json.minisig");
            assert_eq!(sig.status, 200);
            // A newer one may have come between the two: then fetch again.
            let paired = sig.header("ETag") == Some(etag.as_str());
            let fetched = Fetched { json: json.body, sig: sig.body, seq, etag };
            if paired && seq > after && wanted(&fetched) {
                return fetched;
            }
        } else {
            assert_eq!(json.status, 503, "before the first snapshot: {}", json.body);
        }
        assert!(Instant::now() < deadline, "no snapshot above {after} as wanted in 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn undersign(args: &[&str]) -> Output {
    Command::new(common::binary()).args(args).stdin(std::process::Stdio::null()).output().unwrap()
}

/// `undersign key`: the public key, the last line of a minisign `.pub` file.
fn public_key(data: &Path) -> (String, Output) {
    let out = undersign(&["key", "--data", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("untrusted comment: minisign public key "), "{stdout}");
    (lines[1].to_string(), out)
}

fn verify(file: &Path, key: &str) -> Output {
    undersign(&["verify", file.to_str().unwrap(), "--key", key])
}

/// The one line `undersign verify` said on failure.
fn refusal(out: &Output) -> String {
    assert!(!out.status.success(), "verified: {}", String::from_utf8_lossy(&out.stdout));
    let said = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(said.lines().count(), 1, "{said}");
    said
}

fn minisign_verify(file: &Path, key: &str) -> Option<Output> {
    let present = Command::new("minisign").arg("-v").output().is_ok_and(|o| o.status.success());
    if !common::require_tool(present, "minisign (Debian's package) for checking a snapshot independently") {
        return None;
    }
    Some(Command::new("minisign").args(["-Vm"]).arg(file).args(["-P", key]).output().unwrap())
}

#[test]
fn a_served_snapshot_verifies_with_undersign_and_minisign_and_not_after_one_byte_changed() {
    let server = Server::start_with(CONFIG);
    let fetched = snapshot_after(&server, 0, |_| true);
    let json = server.get("/snapshot.json");
    assert_eq!(json.header("Content-Type"), Some("application/json"));
    assert_eq!(json.header("Cache-Control"), Some("no-cache"));
    assert!(json.header("Content-Security-Policy").is_some_and(|v| v.starts_with("default-src 'none'")));
    assert_eq!(json.header("Referrer-Policy"), Some("no-referrer"));
    assert!(json.header("Set-Cookie").is_none());
    let value = fetched.value();
    assert_eq!(value["snapshot"]["format"], "undersign-snapshot-1");
    assert_eq!(value["letter"]["title"], "Secure the Internet");
    assert_eq!(fetched.names().len(), 322, "the letter's own signatories");

    let dir = tempfile::tempdir().unwrap();
    let file = fetched.save(dir.path());
    let (key, _) = public_key(&server.data);
    let privacy = server.get("/privacy").body;
    assert!(privacy.contains(&format!("minisign -Vm snapshot.json -P {key}")), "the key is on /privacy");
    assert!(privacy.contains("Mirrors and copies made before a withdrawal may still show the name"));
    assert!(privacy.contains("A signed snapshot proves what the list held on its day"));
    let checked = verify(&file, &key);
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    let said = String::from_utf8(checked.stdout).unwrap();
    assert!(said.contains(&format!("a valid snapshot, number {}", fetched.seq)), "{said}");
    let minisign = minisign_verify(&file, &key);
    if let Some(out) = &minisign {
        assert!(out.status.success(), "minisign: {}", String::from_utf8_lossy(&out.stderr));
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            said.contains(&format!("Trusted comment: undersign-snapshot-1 seq={} ", fetched.seq)),
            "{said}"
        );
    }

    // One byte of one name changed.
    let mut bytes = fetched.json.clone().into_bytes();
    let at = fetched.json.find("Access Now").expect("a signatory") + 1;
    bytes[at] ^= 0x01;
    std::fs::write(&file, &bytes).unwrap();
    assert!(refusal(&verify(&file, &key)).starts_with("undersign: bad signature: "));
    if minisign.is_some() {
        let out = minisign_verify(&file, &key).unwrap();
        assert!(!out.status.success(), "minisign accepted a changed file");
    }
}

#[test]
fn a_new_signature_shows_in_the_next_snapshot_a_withdrawal_leaves_it_private_names_never_appear() {
    let server = Server::start_with(CONFIG);
    let first = snapshot_after(&server, 0, |_| true);
    let individuals = first.value()["counts"]["individual"].as_u64().unwrap();
    let signed = server.sign("Snapshot Signer Alpha", "individual", &[]);
    assert_eq!(signed.status, 200);
    let code = signed.withdrawal_code();
    assert_eq!(server.sign("Unlisted Snapshot Person", "individual", &[("listed", "<absent>")]).status, 200);
    assert_eq!(server.sign("Pending Snapshot Org", "organization", &[]).status, 200);

    let with = snapshot_after(&server, first.seq, |f| {
        f.value()["counts"]["pending"]["organization"] == 1
            && f.value()["counts"]["individual"] == individuals + 2
    });
    let names = with.names();
    assert!(names.contains(&"Snapshot Signer Alpha".to_string()));
    assert_eq!(
        with.value()["counts"]["listed"]["individual"],
        individuals + 1,
        "the unlisted one is only counted"
    );
    for private in ["Unlisted Snapshot Person", "Pending Snapshot Org", code.as_str()] {
        assert!(!with.json.contains(private), "{private} is in the snapshot");
    }
    assert!(!with.sig.contains("Snapshot"), "the signature names no one");
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = public_key(&server.data);
    assert!(verify(&with.save(dir.path()), &key).status.success());

    assert_eq!(server.post_form("/withdraw", &[("code", &code)]).status, 200);
    let without = snapshot_after(&server, with.seq, |f| !f.names().contains(&"Snapshot Signer Alpha".into()));
    assert_eq!(without.value()["counts"]["individual"], individuals + 1);
    let previous = format!("{:x}", sha2::Sha256::digest(with.json.as_bytes()));
    if without.seq == with.seq + 1 {
        assert_eq!(
            without.value()["snapshot"]["prev_sha256"],
            previous.as_str(),
            "chained to the one before"
        );
    }
    assert!(verify(&without.save(dir.path()), &key).status.success());
}

#[test]
fn a_current_copy_is_answered_304() {
    let server = Server::start_with(CONFIG);
    let fetched = snapshot_after(&server, 0, |_| true);
    for path in ["/snapshot.json", "/snapshot.json.minisig"] {
        let r = server.request(
            format!(
                "GET {path} HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"0\", {}\r\nConnection: close\r\n\r\n",
                fetched.etag
            )
            .as_bytes(),
        );
        assert_eq!(r.status, 304, "{path}");
        assert_eq!(r.header("ETag"), Some(fetched.etag.as_str()));
        assert!(r.body.is_empty());
        assert!(r.header("Content-Security-Policy").is_some() && r.header("X-Frame-Options") == Some("DENY"));
        let stale = server.request(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"0\"\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!(stale.status, 200, "{path}");
    }
}

/// What a mirror asks for to fetch only what changed: the chunk list,
/// under the snapshot's `ETag`, and byte ranges of that version.
#[test]
fn the_snapshot_is_served_in_chunks_and_ranges_of_one_version() {
    let server = Server::start_with(CONFIG);
    let fetched = snapshot_after(&server, 0, |_| true);
    let ask =
        |head: &str| server.request(format!("GET {head}\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
    let list = ask("/snapshot.chunks HTTP/1.1");
    assert_eq!(list.status, 200);
    assert_eq!(list.header("ETag"), Some(fetched.etag.as_str()));
    let size = fetched.json.len();
    let first = list.body.lines().next().unwrap();
    assert_eq!(first, format!("undersign-chunks-1 seq={} size={size}", fetched.seq));
    // The chunks add up to the file, and each is that part's SHA-256.
    let mut at = 0;
    for line in list.body.lines().skip(1) {
        let (len, sha) = line.split_once(' ').unwrap();
        let len: usize = len.parse().unwrap();
        let part = ask(&format!(
            "/snapshot.json HTTP/1.1\r\nRange: bytes={at}-{}\r\nIf-Range: {}",
            at + len - 1,
            fetched.etag
        ));
        assert_eq!(part.status, 206);
        assert_eq!(
            part.header("Content-Range"),
            Some(format!("bytes {at}-{}/{size}", at + len - 1).as_str())
        );
        assert_eq!(part.body.as_bytes(), &fetched.json.as_bytes()[at..at + len]);
        use sha2::Digest as _;
        let digest: String =
            sha2::Sha256::digest(part.body.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest, sha);
        at += len;
    }
    assert_eq!(at, size);
    let unchanged = ask(&format!("/snapshot.chunks HTTP/1.1\r\nIf-None-Match: {}", fetched.etag));
    assert_eq!((unchanged.status, unchanged.body.as_str()), (304, ""));
    // A range of another version is not served: the whole file is.
    let other = ask("/snapshot.json HTTP/1.1\r\nRange: bytes=0-9\r\nIf-Range: \"999\"");
    assert_eq!((other.status, other.body.len()), (200, size));
    assert_eq!(other.header("Accept-Ranges"), Some("bytes"));
    assert_eq!(ask("/es/snapshot.chunks HTTP/1.1").status, 404);
    // Several parts of that version in one answer, as a mirror asks.
    let parts = ask(&format!(
        "/snapshot.parts?seq={}&ranges=0-9,20-29,{}-{} HTTP/1.1",
        fetched.seq,
        size - 5,
        size - 1
    ));
    let json = fetched.json.as_bytes();
    assert_eq!(parts.status, 200);
    assert_eq!(parts.body.as_bytes(), [&json[0..10], &json[20..30], &json[size - 5..]].concat().as_slice());
    assert_eq!(parts.header("ETag"), Some(fetched.etag.as_str()));
    for refused in
        [format!("seq={}&ranges=20-29,0-9", fetched.seq), format!("seq={}&ranges=0-9", fetched.seq + 1)]
    {
        let r = ask(&format!("/snapshot.parts?{refused} HTTP/1.1"));
        assert_eq!(r.status, 404, "{refused}");
        assert!(r.body.contains("<html lang=\"en\""), "a page that says so");
    }
}

#[test]
fn the_number_and_the_key_survive_a_restart_and_the_secret_is_never_printed() {
    let server = Server::start_with(CONFIG);
    let before = snapshot_after(&server, 0, |_| true);
    let (key, key_out) = public_key(&server.data);
    let key_file = server.data.join("snapshot.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    let secret = std::fs::read_to_string(&key_file).unwrap().lines().nth(1).unwrap().to_string();
    assert!(secret.len() > 100, "the key file's second line is the secret key");

    // While it runs, the offline command says the store is in use.
    let dir = tempfile::tempdir().unwrap();
    let offline = dir.path().join("offline.json");
    let data = server.data.to_str().unwrap().to_string();
    let busy = undersign(&["snapshot", "--out", offline.to_str().unwrap(), "--data", &data]);
    assert!(!busy.status.success() && String::from_utf8_lossy(&busy.stderr).contains("in use"));

    let mut server = server.restart();
    let after = snapshot_after(&server, before.seq, |_| true);
    assert_eq!(public_key(&server.data).0, key, "the same key after a restart");
    let previous = format!("{:x}", sha2::Sha256::digest(before.json.as_bytes()));
    assert_eq!(after.value()["snapshot"]["prev_sha256"], previous.as_str());
    server.stop();

    let made = undersign(&["snapshot", "--out", offline.to_str().unwrap(), "--data", &data]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let checked = verify(&offline, &key);
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    let offline_seq: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&offline).unwrap()).unwrap();
    let offline_seq = offline_seq["snapshot"]["seq"].as_u64().unwrap();
    assert!(offline_seq > after.seq);
    let config = dir.path().join("undersign.toml");
    std::fs::write(&config, format!("page_rebuild_ms = 0\n{CONFIG}")).unwrap();
    let server = Server::spawn(&server.data, &config);
    let next = snapshot_after(&server, offline_seq, |_| true);
    let offline_sha = format!("{:x}", sha2::Sha256::digest(std::fs::read(&offline).unwrap()));
    assert_eq!(next.value()["snapshot"]["prev_sha256"], offline_sha.as_str(), "the chain goes on from it");

    let printed = [
        server.output(),
        String::from_utf8_lossy(&key_out.stdout).into_owned(),
        String::from_utf8_lossy(&key_out.stderr).into_owned(),
        String::from_utf8_lossy(&made.stdout).into_owned(),
        String::from_utf8_lossy(&made.stderr).into_owned(),
    ];
    for out in printed {
        assert!(!out.contains(&secret) && !out.contains(&secret[..40]), "the secret key was printed: {out}");
    }
    assert_eq!(server.output().lines().count(), 1, "only the start-up line: {}", server.output());
}

#[test]
fn verify_names_a_wrong_key_and_a_wrong_letter() {
    let server = Server::start_with(CONFIG);
    let fetched = snapshot_after(&server, 0, |_| true);
    let dir = tempfile::tempdir().unwrap();
    let file = fetched.save(dir.path());
    let (key, _) = public_key(&server.data);

    // A well-formed key of nobody's: "Ed", a key id, 32 bytes.
    use base64::Engine;
    let mut other = b"Ed".to_vec();
    other.extend([7u8; 40]);
    let other = base64::engine::general_purpose::STANDARD.encode(other);
    assert!(
        refusal(&verify(&file, &other)).starts_with("undersign: wrong key: the snapshot is signed by key ")
    );
    assert!(refusal(&verify(&file, "not-a-key")).starts_with("undersign: wrong key: `not-a-key` is neither"));
    let key_file = dir.path().join("undersign.pub");
    std::fs::write(&key_file, undersign(&["key", "--data", server.data.to_str().unwrap()]).stdout).unwrap();
    assert!(verify(&file, key_file.to_str().unwrap()).status.success(), "the key as a file");

    let letter = fetched.value()["snapshot"]["letter_sha256"].as_str().unwrap().to_string();
    let args = |l: &str| {
        vec![
            "verify".into(),
            file.to_str().unwrap().into(),
            "--key".into(),
            key.clone(),
            "--letter".into(),
            l.to_string(),
        ]
    };
    let same = Command::new(common::binary()).args(args(&letter)).output().unwrap();
    assert!(same.status.success());
    let other_letter = Command::new(common::binary()).args(args(&"0".repeat(64))).output().unwrap();
    assert!(refusal(&other_letter).starts_with("undersign: wrong letter: this is a snapshot of letter "));
}
