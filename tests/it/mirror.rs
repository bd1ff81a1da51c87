//! A mirror as its readers and its operator meet it: it serves what the
//! origin published (after an approval, after a withdrawal, at its next
//! poll), with the banner and without any form that writes; and, against a
//! fake origin serving chosen bytes, it refuses a tampered snapshot, one of
//! another key, a replayed older one, an equivocating one, an expired one
//! and one over its size bound, each time keeping the last good list and
//! saying why on the page and once on stderr; its trust survives a restart,
//! and a mirror that lost its files serves the trusted snapshot again. A
//! mirror whose own snapshot expired says on every page that it cannot
//! confirm the list; mirror pages pass the Nu HTML checker.

use crate::common::console::signed_in;
use crate::common::{self, Response, Server};
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use undersign::domain::{Counts, Day, Kind, Phase, PublicSignatory};
use undersign::snapshot::{SigningKey, Snapshots};
use undersign::view::{PublicView, ScanError};

/// A running mirror and what it needs to start again.
pub(crate) struct Mirror {
    pub(crate) server: Server,
    pub(crate) data: PathBuf,
    config: PathBuf,
    args: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Mirror {
    pub(crate) fn start(origin: &str, key: &str, extra: &[&str]) -> Mirror {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("undersign.toml");
        std::fs::write(&config, "").unwrap();
        let data = dir.path().join("data");
        let mut args: Vec<String> =
            ["mirror", "--origin", origin, "--key", key, "--interval", "1"].map(String::from).into();
        args.extend(extra.iter().map(|s| s.to_string()));
        let server = spawn(&args, &data, &config);
        Mirror { server, data, config, args, _dir: dir }
    }

    fn restart(mut self) -> Mirror {
        self.server.stop();
        self.server = spawn(&self.args, &self.data, &self.config);
        self
    }

    /// Waits until the mirror has said `words` on its output.
    pub(crate) fn said(&self, what: &str, words: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.server.output().contains(words) {
            assert!(Instant::now() < deadline, "{what}: never said {words:?}: {}", self.server.output());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the letter page satisfies `wanted`, and returns it.
    pub(crate) fn page_when(&self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        self.path_when("/", what, wanted)
    }

    /// Waits until the page at `path` satisfies `wanted`, and returns it.
    pub(crate) fn path_when(&self, path: &str, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let page = self.server.get(path);
            if page.status == 200 && wanted(&page.body) {
                return page.body;
            }
            assert!(
                Instant::now() < deadline,
                "the mirror never showed {what}; last page ({}): {}\noutput: {}",
                page.status,
                banner(&page.body),
                self.server.output()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn spawn(args: &[String], data: &Path, config: &Path) -> Server {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Server::spawn_command(&args, data, config)
}

/// The banner of a mirror page, for messages.
fn banner(page: &str) -> &str {
    let start = page.find("<div class=\"notice mirror\"").unwrap_or(0);
    let end = page[start..].find("</div>").map_or(page.len(), |e| start + e);
    &page[start..end]
}

/// The origin's public key, as `undersign key` prints it.
pub(crate) fn key_of(data: &Path) -> String {
    let out = std::process::Command::new(common::binary())
        .args(["key", "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().last().unwrap().to_string()
}

/// Pages of a mirror carry no form that writes, the banner, and the
/// origin's security headers.
fn assert_mirror_page(r: &Response, origin: &str) {
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("method=\"post\""), "no form that writes");
    assert!(!r.body.contains("action=\"/sign\"") && !r.body.contains("name=\"token\""), "no sign form");
    assert!(r
        .body
        .contains(&format!("This is a mirror of <a href=\"{origin}\" dir=\"auto\">{origin}</a>, as of ")));
    assert!(r.body.contains(&format!("<a href=\"{origin}/#sign\">sign the letter there</a>")));
    let csp = r.header("content-security-policy").expect("CSP");
    assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"), "{csp}");
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(r.header("date").is_none() && r.header("server").is_none() && r.header("set-cookie").is_none());
}

const ORIGIN_CONFIG: &str =
    "min_fill_seconds = 0\nsnapshot_interval_seconds = 1\nadmin_listen = \"127.0.0.1:0\"\n";

#[test]
fn a_mirror_serves_what_the_origin_publishes_and_nothing_that_writes() {
    let mut origin = Server::start_with(ORIGIN_CONFIG);
    // A list of some length (about 40 chunks): a change then touches a few
    // of its chunks, and the mirror fetches only those. With the seed list
    // alone (5 chunks), the snapshot's head and one name are half the file.
    origin.stop();
    let names = origin.data.with_file_name("names.txt");
    std::fs::write(&names, (1..=3000).map(|i| format!("Imported Signer {i:04}\n")).collect::<String>())
        .unwrap();
    let imported = std::process::Command::new(common::binary())
        .args(["import", "--kind", "individual"])
        .arg(&names)
        .arg("--data")
        .arg(&origin.data)
        .arg("--config")
        .arg(&origin.config)
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let origin = origin.restart();
    let origin_url = format!("http://{}", origin.addr);
    let mirror = Mirror::start(&origin_url, &key_of(&origin.data), &[]);
    let first = mirror.page_when("the origin's letter", |p| p.contains("Secure the Internet"));
    assert!(first.contains("(snapshot 1)") || first.contains("(snapshot 2)"), "{}", banner(&first));

    // An organisation waits for review, then a moderator approves it.
    let console = signed_in(&origin);
    assert_eq!(origin.sign("Mirror Test Collective", "organization", &[]).status, 200);
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!mirror.server.get("/").body.contains("Mirror Test Collective"), "pending names are not copied");
    let id = console.queue_ids("")[0];
    assert_eq!(console.act("approve", &[id], &[]).status, 303);
    mirror.page_when("the approved name", |p| p.contains(">Mirror Test Collective<"));
    let found = mirror.server.get("/signatories?q=mirror%20test");
    assert_mirror_page(&found, &origin_url);
    assert!(found.body.contains(">Mirror Test Collective<"), "search finds it");

    // A signer who withdraws leaves the mirror at its next poll.
    let thanks = origin.sign("Ada Mirrorlace", "individual", &[]);
    let code = thanks.withdrawal_code();
    // Found by search: among 3,000 names it need not be on the first page.
    let search = "/signatories?q=mirrorlace";
    mirror.path_when(search, "the new signer", |p| p.contains(">Ada Mirrorlace<"));
    assert_eq!(origin.post_form("/withdraw", &[("code", &code)]).status, 200);
    mirror.path_when(search, "the withdrawal", |p| p.contains("Search") && !p.contains("Ada Mirrorlace"));
    let page = mirror.page_when("the withdrawal", |p| p.contains("(snapshot"));
    assert!(page.contains(">Mirror Test Collective<"));

    // Every page: the banner, no form that writes, the same headers.
    for path in [
        "/",
        "/privacy",
        "/signatories",
        "/signatories?q=ada",
        "/signatories/organization?page=1",
        "/signatories/individual?page=1",
    ] {
        let r = mirror.server.get(path);
        assert_mirror_page(&r, &origin_url);
    }
    let r = mirror.server.get("/signatories/organization?page=999");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("This is a mirror of"));
    // No signing, no withdrawal, no console on a mirror.
    for (method, path) in
        [("POST", "/sign"), ("GET", "/sign"), ("POST", "/withdraw"), ("GET", "/withdraw"), ("GET", "/admin")]
    {
        let r = mirror.server.request(
            format!("{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert!(r.status == 404 || r.status == 405, "{method} {path}: {}", r.status);
    }

    // The exports and the snapshot itself, as the origin has them, with
    // its ETag and a 304 for a copy that is current.
    assert_eq!(mirror.server.json()["signatories"], origin.json()["signatories"]);
    let csv = mirror.server.get("/signatories.csv");
    assert_eq!((csv.status, csv.body.contains("Mirror Test Collective")), (200, true));
    for path in ["/signatories.json", "/signatories.csv"] {
        let etag =
            mirror.server.get(path).header("etag").unwrap_or_else(|| panic!("{path}: no ETag")).to_string();
        let again = mirror.server.request(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!((again.status, again.body.as_str()), (304, ""), "{path}");
    }
    let robots = mirror.server.get("/robots.txt");
    assert_eq!((robots.status, robots.body.as_str()), (200, origin.get("/robots.txt").body.as_str()));
    let snap = mirror.server.get("/snapshot.json");
    let etag = snap.header("etag").unwrap().to_string();
    let sig = mirror.server.get("/snapshot.json.minisig");
    assert_eq!(sig.header("etag"), Some(etag.as_str()));
    let again = mirror.server.request(
        format!(
            "GET /snapshot.json HTTP/1.1\r\nHost: x\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!((again.status, again.body.as_str()), (304, ""));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.json"), &snap.body).unwrap();
    std::fs::write(dir.path().join("s.json.minisig"), &sig.body).unwrap();
    let verified = std::process::Command::new(common::binary())
        .args(["verify", dir.path().join("s.json").to_str().unwrap(), "--key", &key_of(&origin.data)])
        .output()
        .unwrap();
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));

    // A mirror of the mirror: the signature, not the transport, is trusted.
    let second = Mirror::start(&format!("http://{}", mirror.server.addr), &key_of(&origin.data), &[]);
    second.page_when("the first mirror's copy", |p| p.contains(">Mirror Test Collective<"));

    // Nothing about a visitor is printed; each snapshot adopted is said,
    // the later ones built from the chunks held and the changed ones.
    let out = mirror.server.output();
    assert!(out.contains("adopted snapshot"), "{out}");
    assert!(out.contains("bytes fetched, only the changed chunks)"), "{out}");
    assert!(out.lines().all(|l| !l.contains("GET") && !l.contains("signatories?")), "{out}");
}

/// The snapshot, its signature, its number, and whether a matching
/// If-None-Match gets a 304.
type Serving = (Vec<u8>, Vec<u8>, u64, bool);

/// A fake origin: serves the snapshot and signature it is given, with the
/// snapshot's number as ETag and a 304 to a matching If-None-Match.
pub(crate) struct FakeOrigin {
    addr: SocketAddr,
    serving: Arc<Mutex<Serving>>,
}

impl FakeOrigin {
    pub(crate) fn start() -> FakeOrigin {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let serving = Arc::new(Mutex::new((Vec::new(), Vec::new(), 0, true)));
        let state = Arc::clone(&serving);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let head = common::read_request_head(&mut stream);
                let path = head.split(' ').nth(1).unwrap_or("").to_string();
                let (json, sig, seq, honour_304) = state.lock().unwrap().clone();
                let etag = format!("\"{seq}\"");
                let matches = head
                    .lines()
                    .any(|l| l.to_ascii_lowercase().starts_with("if-none-match:") && l.contains(&etag));
                let body = match path.as_str() {
                    "/snapshot.json" => Some(json),
                    "/snapshot.json.minisig" => Some(sig),
                    _ => None,
                };
                let answer = match body {
                    None => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
                    }
                    Some(_) if honour_304 && matches && path == "/snapshot.json" => {
                        format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n")
                            .into_bytes()
                    }
                    Some(body) => {
                        let mut a = format!(
                            "HTTP/1.1 200 OK\r\nETag: {etag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        a.extend_from_slice(&body);
                        a
                    }
                };
                let _ = stream.write_all(&answer);
            }
        });
        FakeOrigin { addr, serving }
    }

    pub(crate) fn serve(&self, s: &Signed) {
        *self.serving.lock().unwrap() = (s.json.clone(), s.sig.clone(), s.seq, true);
    }

    /// Serves `s` whole even to a mirror that says it has that number: what
    /// an origin that shows this mirror another list than its readers does.
    fn serve_whole(&self, s: &Signed) {
        *self.serving.lock().unwrap() = (s.json.clone(), s.sig.clone(), s.seq, false);
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Names to snapshot.
struct Names(Vec<PublicSignatory>);

impl PublicView for Names {
    fn generation(&self) -> u64 {
        1
    }
    fn phase(&self) -> Phase {
        Phase::Open
    }
    fn counts(&self) -> Counts {
        let n = self.0.len() as u64;
        Counts { published: [0, 0, n], listed: [0, 0, n], pending: [0, 0, 0] }
    }
    fn published(&self, _: Kind, skip: usize, limit: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Ok(self.0.iter().skip(skip).take(limit).cloned().collect())
    }
    fn each_published(&self, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        self.0.iter().cloned().for_each(visit);
        Ok(())
    }
    fn search(&self, _: &str, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Ok(Vec::new())
    }
}

/// A snapshot's bytes and signature.
#[derive(Clone)]
pub(crate) struct Signed {
    pub(crate) json: Vec<u8>,
    pub(crate) sig: Vec<u8>,
    pub(crate) seq: u64,
}

/// A signing origin's data dir, made with the snapshot module.
pub(crate) struct Signer {
    dir: tempfile::TempDir,
}

impl Signer {
    /// A new key, or the key of `same_key_as`.
    pub(crate) fn new(same_key_as: Option<&Signer>) -> Signer {
        let dir = tempfile::tempdir().unwrap();
        if let Some(other) = same_key_as {
            std::fs::copy(other.dir.path().join("snapshot.key"), dir.path().join("snapshot.key")).unwrap();
        }
        SigningKey::load_or_create(dir.path()).unwrap();
        Signer { dir }
    }

    pub(crate) fn key(&self) -> String {
        SigningKey::load(self.dir.path()).unwrap().public_key()
    }

    /// The next snapshot of `names`, signed as of `day`.
    pub(crate) fn sign(&self, names: &[&str], day: Day) -> Signed {
        self.sign_letter(names, day, undersign::letter::Content::embedded().letter)
    }

    /// The next snapshot of `names` and `letter`, signed as of `day`.
    pub(crate) fn sign_letter(&self, names: &[&str], day: Day, letter: undersign::letter::Letter) -> Signed {
        self.sign_history(names, day, letter, &undersign::letter::History::default())
    }

    /// The same, for a letter with these versions (the last is `letter`).
    pub(crate) fn sign_history(
        &self,
        names: &[&str],
        day: Day,
        letter: undersign::letter::Letter,
        history: &undersign::letter::History,
    ) -> Signed {
        let key = SigningKey::load(self.dir.path()).unwrap();
        let snapshots =
            Snapshots::open(self.dir.path(), key, letter, 7).unwrap().with_letter_versions(history);
        let view = Names(
            names
                .iter()
                .map(|n| PublicSignatory {
                    name: n.to_string(),
                    kind: Kind::Individual,
                    affiliation: None,
                    country: None,
                    verified: false,
                    proof: None,
                })
                .collect(),
        );
        let out = self.dir.path().join("out.json");
        let comment = snapshots.write_to(&view, day, &out).unwrap();
        Signed {
            json: std::fs::read(&out).unwrap(),
            sig: std::fs::read(self.dir.path().join("out.json.minisig")).unwrap(),
            seq: comment.seq,
        }
    }
}

#[test]
fn a_mirror_refuses_each_bad_snapshot_and_keeps_the_last_good_one() {
    let today = Day::today();
    let origin = Signer::new(None);
    let one = origin.sign(&["Alice First"], today);
    let two = origin.sign(&["Alice First", "Bob Second"], today);
    let fake = FakeOrigin::start();
    fake.serve(&one);
    let mirror = Mirror::start(&fake.url(), &origin.key(), &[]);
    mirror.page_when("snapshot 1", |p| p.contains("(snapshot 1)") && p.contains(">Alice First<"));
    fake.serve(&two);
    mirror.page_when("snapshot 2", |p| p.contains("(snapshot 2)") && p.contains(">Bob Second<"));

    // Each refusal: the last good list stays, and the page says why.
    let kept = |p: &str| p.contains("(snapshot 2)") && p.contains(">Bob Second<") && !p.contains("Mallory");
    // Visitors read a sentence of the catalogues; the operator's details
    // (key ids, paths, network errors) go to stderr only.
    let refused = |what: &str, signed: &Signed, page_says: &str, log_says: &str| {
        fake.serve(signed);
        let page = mirror.page_when(what, |p| p.contains(page_says));
        assert!(kept(&page), "{what}: {}", banner(&page));
        assert!(page.contains("keeps showing its last verified snapshot."), "{what}: {}", banner(&page));
        mirror.said(what, log_says);
        assert!(!page.contains(log_says), "{what}: the operator's words stay off the page");
    };
    refused(
        "a rollback",
        &one,
        "The origin offered snapshot 1, older than snapshot 2 that this mirror already holds (a rollback)",
        "older than snapshot 2 already seen (a rollback)",
    );

    let mut tampered = origin.sign(&["Alice First", "Bob Second", "Mallory Third"], today);
    let at = tampered.json.windows(7).position(|w| w == b"Mallory").unwrap();
    tampered.json[at] = b'W';
    refused(
        "a tampered snapshot",
        &tampered,
        "failed its signature check: it was changed after it was signed",
        "fails its signature",
    );

    let stranger = Signer::new(None);
    let other_key = stranger.sign(&["Mallory Third"], today);
    refused(
        "another key",
        &other_key,
        "is signed by another key than the one this mirror trusts",
        "not by the mirrored key",
    );

    let expired = origin.sign(&["Alice First", "Bob Second", "Mallory Third"], today.minus_days(10));
    refused(
        "an expired snapshot",
        &expired,
        "The origin's newest snapshot expired on",
        "the origin has not signed a newer one",
    );

    // The same number as the trusted one, other contents, the same key.
    let twin = Signer::new(Some(&origin));
    let _ = twin.sign(&["Alice First"], today);
    let equivocating = twin.sign(&["Alice First", "Mallory Third"], today);
    assert_eq!(equivocating.seq, 2);
    fake.serve_whole(&equivocating);
    let page = mirror.page_when("an equivocation", |p| {
        p.contains("The origin signed two different lists as snapshot 2. This mirror keeps both as evidence")
    });
    assert!(kept(&page), "{}", banner(&page));
    mirror.said("an equivocation", "two different snapshots as number 2 (equivocation)");
    assert!(!page.contains("evidence/seq-2"), "the mirror's paths stay off the page");
    let evidence = mirror.data.join("mirror/evidence/seq-2");
    for file in ["trusted.json", "trusted.json.minisig", "offered.json", "offered.json.minisig"] {
        assert!(evidence.join(file).exists(), "{file} kept as evidence");
    }
    assert_eq!(std::fs::read(evidence.join("offered.json")).unwrap(), equivocating.json);
    // Shown the trusted one again (a 304), the mirror still says it.
    fake.serve(&two);
    std::thread::sleep(Duration::from_millis(2500));
    assert!(
        mirror.server.get("/").body.contains("two different lists as snapshot 2"),
        "the proof stays said"
    );

    // Said once each on stderr, not once per poll.
    std::thread::sleep(Duration::from_millis(2500));
    let out = mirror.server.output();
    assert_eq!(out.matches("(equivocation)").count(), 1, "{out}");
    assert_eq!(out.matches("(a rollback)").count(), 1, "{out}");

    // The twin's next follows its own number 2, not the trusted one: a fork.
    let forked = twin.sign(&["Alice First", "Mallory Third", "Mallory Fourth"], today);
    assert_eq!(forked.seq, 3);
    refused(
        "a fork",
        &forked,
        "The origin's snapshot 3 does not follow the snapshot this mirror holds",
        "does not follow snapshot 2 that this mirror trusts",
    );

    // The trust state survives a restart: the replay is still refused.
    fake.serve(&one);
    let mirror = mirror.restart();
    let page = mirror.page_when("a rollback after a restart", |p| p.contains("(a rollback)"));
    // In the path's language too.
    let persian = mirror.server.get("/fa/").body;
    assert!(persian.contains("مبدأ تصویر 1 را عرضه کرد"), "{}", banner(&persian));
    assert!(kept(&page), "{}", banner(&page));

    // A good newer snapshot is adopted again, and the status line goes.
    let three = origin.sign(&["Alice First", "Bob Second", "Carol Third"], today);
    fake.serve(&three);
    let page = mirror.page_when("the next snapshot", |p| p.contains(&format!("(snapshot {})", three.seq)));
    assert!(!page.contains("keeps showing its last verified snapshot"), "{}", banner(&page));

    // Its files lost, the trusted snapshot is fetched and served again.
    let mut mirror = mirror;
    mirror.server.stop();
    std::fs::remove_dir_all(mirror.data.join("mirror/snapshots")).unwrap();
    mirror.server = spawn(&mirror.args, &mirror.data, &mirror.config);
    assert!(mirror.server.output().contains("no snapshot yet"), "{}", mirror.server.output());
    let page =
        mirror.page_when("the trusted snapshot again", |p| p.contains(&format!("(snapshot {})", three.seq)));
    assert!(page.contains(">Carol Third<"));
}

#[test]
fn a_snapshot_over_the_bound_is_refused_unread() {
    let origin = Signer::new(None);
    let old = origin.sign(&["Alice First"], Day::today());
    let fake = FakeOrigin::start();
    fake.serve(&old);
    let mirror = Mirror::start(&fake.url(), &origin.key(), &["--max-snapshot-bytes", "20000"]);
    mirror.page_when("the first snapshot", |p| p.contains(">Alice First<"));
    let names: Vec<String> = (0..400).map(|i| format!("Signer Number {i}")).collect();
    let big = origin.sign(&names.iter().map(String::as_str).collect::<Vec<_>>(), Day::today());
    assert!(big.json.len() > 20_000);
    fake.serve(&big);
    let page = mirror.page_when("the size refusal", |p| p.contains("is larger than this mirror accepts"));
    assert!(page.contains(">Alice First<") && !page.contains("Signer Number"));
    mirror.said("the size refusal", "larger than this mirror's bound of 20000 bytes");
}

trait MinusDays {
    fn minus_days(self, n: u32) -> Day;
}

impl MinusDays for Day {
    fn minus_days(self, n: u32) -> Day {
        Day(self.0 - n)
    }
}

#[test]
fn mirror_pages_are_valid_html() {
    let Some(jar) = crate::common::vnu::require_vnu() else { return };
    let origin = Signer::new(None);
    let fake = FakeOrigin::start();
    fake.serve(&origin.sign(&["Alice First", "Bob Second"], Day::today()));
    let mirror = Mirror::start(&fake.url(), &origin.key(), &[]);
    mirror.page_when("the snapshot", |p| p.contains(">Bob Second<"));
    // A refusal on the status line too.
    fake.serve_whole(&Signer::new(None).sign(&["Mallory"], Day::today()));
    mirror.page_when("the refusal", |p| p.contains("signed by another key than the one this mirror trusts"));
    let mut pages = Vec::new();
    for (name, path, status) in [
        ("mirror-letter", "/", 200),
        ("mirror-privacy", "/privacy", 200),
        ("mirror-search", "/signatories?q=alice", 200),
        ("mirror-search-empty", "/signatories", 200),
        ("mirror-list", "/signatories/individual?page=1", 200),
        ("mirror-not-found", "/sign", 404),
        ("mirror-letter-fa", "/fa/", 200),
        ("mirror-privacy-fa", "/fa/privacy", 200),
        ("mirror-list-zh", "/zh-Hans/signatories/individual?page=1", 200),
        ("mirror-not-ready-fa", "/fa/no-such-page", 404),
    ] {
        pages.push((name, status, mirror.server.get(path)));
    }
    crate::common::vnu::assert_valid(&jar, "mirror", &pages);
}

#[test]
fn a_mirror_speaks_the_languages_of_the_origin_under_the_same_paths() {
    let origin = Signer::new(None);
    let fake = FakeOrigin::start();
    fake.serve(&origin.sign(&["Alice First", "Bob Second"], Day::today()));
    let mirror = Mirror::start(&fake.url(), &origin.key(), &[]);
    mirror.page_when("the snapshot", |p| p.contains(">Bob Second<"));
    let url = fake.url();
    let get = |path: &str| mirror.server.get(path);

    for tag in crate::common::LANGUAGES {
        let dir = if tag == "fa" { "rtl" } else { "ltr" };
        for path in ["/", "/privacy", "/signatories?q=alice", "/signatories/individual?page=1"] {
            let page = get(&format!("/{tag}{path}"));
            assert_eq!(page.status, 200, "/{tag}{path}");
            assert!(page.body.contains(&format!("<html lang=\"{tag}\" dir=\"{dir}\">")), "/{tag}{path}");
            assert!(!page.body.contains("method=\"post\""), "/{tag}{path}: no form that writes");
            // Signing and withdrawal lead to the origin's pages in the same language.
            assert!(page.body.contains(&format!("href=\"{url}/{tag}/#sign\"")), "/{tag}{path}");
            assert!(page.body.contains(&format!("href=\"{url}/{tag}/withdraw\"")), "/{tag}{path}");
            assert!(page.body.contains("href=\"/es/\" lang=\"es\" hreflang=\"es\""), "language links");
        }
    }
    let persian = get("/fa/").body;
    assert!(persian.contains("این یک آینه از"), "the banner in Persian: {}", banner(&persian));
    assert!(persian.contains("این آینه امضا نمی‌پذیرد."), "no sign form, said in Persian");
    assert!(persian.contains("<h1 lang=\"en\" dir=\"ltr\">"), "the letter, untranslated, is marked English");
    assert!(persian.contains("این نامه هنوز به این زبان ترجمه نشده است."));
    assert!(get("/fa/signatories?q=alice").body.contains(">Alice First<"), "search in any language");

    // The data files are the same in every language, at the unprefixed paths.
    let refused = get("/fa/signatories.json");
    assert_eq!(refused.status, 404);
    assert!(refused.body.contains("<html lang=\"fa\" dir=\"rtl\">"), "refused in the path's language");
    assert_eq!(get("/signatories.json").status, 200);
    let bare = get("/fa");
    assert_eq!((bare.status, bare.header("location")), (308, Some("/fa/")));

    // A first visit follows the browser's language, as on the origin.
    let first = mirror.server.request(
        b"GET / HTTP/1.1\r\nHost: localhost\r\nAccept-Language: fa, en;q=0.5\r\nConnection: close\r\n\r\n",
    );
    assert_eq!((first.status, first.header("location")), (303, Some("/fa/")));
    assert_eq!(first.header("vary"), Some("Accept-Language"));
    let english = get("/");
    assert_eq!(english.header("vary"), Some("Accept-Language"));
    assert!(english.body.contains("<h1>") && !english.body.contains("has not been translated"));
}

pub(crate) fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The bytes a mirror said it fetched for snapshot `seq`, and whether only
/// the changed chunks.
fn fetched_for(out: &str, seq: u64) -> Option<(u64, bool)> {
    let line = out.lines().find(|l| l.contains(&format!("adopted snapshot {seq} of ")))?;
    let bytes = line.split("; ").nth(1)?.split(' ').next()?.parse().ok()?;
    Some((bytes, line.contains("only the changed chunks")))
}

#[test]
fn a_changed_snapshot_costs_its_changed_chunks_not_the_whole_list() {
    let origin = Signer::new(None);
    // Enough names for a few dozen chunks (a name is a line, 256 lines a
    // chunk on average).
    let names: Vec<String> = (0..10_000).map(|i| format!("Signatory Number {i:05}")).collect();
    let mut more = names.clone();
    more.insert(5000, "Someone New".into());
    let one = origin.sign(&refs(&names), Day::today());
    let two = origin.sign(&refs(&more), Day::today());
    // The fake origin serves whole snapshots only (no chunk list): the
    // first mirror fetches each whole; the second pulls from the first,
    // which serves its chunk list and ranges as the origin does.
    let fake = FakeOrigin::start();
    fake.serve(&one);
    let first = Mirror::start(&fake.url(), &origin.key(), &[]);
    first.page_when("snapshot 1", |p| p.contains("(snapshot 1)"));
    let second = Mirror::start(&format!("http://{}", first.server.addr), &origin.key(), &[]);
    second.page_when("snapshot 1", |p| p.contains("(snapshot 1)"));
    fake.serve(&two);
    first.page_when("snapshot 2", |p| p.contains("(snapshot 2)"));
    second.page_when("snapshot 2", |p| p.contains("(snapshot 2)"));
    second.said("snapshot 2", "adopted snapshot 2 of ");
    let size = two.json.len() as u64;
    let whole = fetched_for(&first.server.output(), 2).unwrap();
    assert!(!whole.1 && whole.0 >= size, "{whole:?} of {size}");
    let changed = fetched_for(&second.server.output(), 2).unwrap();
    assert!(changed.1 && changed.0 < size / 8, "{changed:?} of {size}: {}", second.server.output());
    // What it built is the origin's file, byte for byte, and is served.
    let copy = second.server.get("/snapshot.json");
    assert_eq!(copy.body.as_bytes(), two.json.as_slice());
    assert!(second.server.get("/signatories?q=someone%20new").body.contains(">Someone New<"));
    // And a range of it, as the origin serves one.
    let part = second.server.request(
        b"GET /snapshot.json HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\nIf-Range: \"2\"\r\nConnection: close\r\n\r\n",
    );
    assert_eq!((part.status, part.body.as_bytes()), (206, &two.json[..10]));
    assert_eq!(part.header("content-range"), Some(format!("bytes 0-9/{size}").as_str()));
}

#[test]
fn a_mirror_whose_own_snapshot_expired_says_it_cannot_confirm_the_list() {
    use sha2::Digest as _;
    // The origin's snapshot 1 as the mirror adopted it, and the same
    // number, same names, signed long ago: what the mirror holds once its
    // copy has grown old and the origin stopped signing (the days are
    // made to have passed by putting the old one in its place).
    let origin = Signer::new(None);
    let fresh = origin.sign(&["Alice First"], Day::today());
    let twin = Signer::new(Some(&origin));
    let old = twin.sign(&["Alice First"], Day::today().minus_days(10));
    assert_eq!((fresh.seq, old.seq), (1, 1));
    let fake = FakeOrigin::start();
    fake.serve(&fresh);
    let mut mirror = Mirror::start(&fake.url(), &origin.key(), &[]);
    let page = mirror.page_when("the snapshot", |p| p.contains(">Alice First<"));
    assert!(!page.contains("cannot confirm"), "{}", banner(&page));
    mirror.server.stop();
    let dir = mirror.data.join("mirror/snapshots/1");
    std::fs::write(dir.join("snapshot.json"), &old.json).unwrap();
    std::fs::write(dir.join("snapshot.json.minisig"), &old.sig).unwrap();
    let trust = std::fs::read_to_string(mirror.data.join("mirror/trust")).unwrap();
    let sha = |b: &[u8]| sha2::Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect::<String>();
    let trust = trust.replace(&sha(&fresh.json), &sha(&old.json));
    std::fs::write(mirror.data.join("mirror/trust"), trust).unwrap();

    // The origin, frozen, still serves its old snapshot.
    fake.serve_whole(&old);
    mirror.server = spawn(&mirror.args, &mirror.data, &mirror.config);
    let page = mirror.page_when("the expiry", |p| p.contains("cannot confirm that the list is current"));
    assert!(page.contains(">Alice First<"), "it still shows the list");
    for path in ["/privacy", "/signatories/individual?page=1", "/signatories?q=alice"] {
        let r = mirror.server.get(path);
        assert!(r.body.contains("cannot confirm that the list is current"), "{path}: {}", banner(&r.body));
    }
    mirror.page_when("the refusal of the expired one", |p| p.contains("expired on"));
}

/// A mirror given the wrong key has no verified copy: it does not claim to
/// serve a last verified snapshot (to its operator or to visitors), and
/// does not tell visitors that a few minutes will help.
#[test]
fn a_mirror_with_the_wrong_key_says_it_has_no_copy_and_promises_nothing() {
    let today = Day::today();
    let origin = Signer::new(None);
    let stranger = Signer::new(None);
    let fake = FakeOrigin::start();
    fake.serve(&origin.sign(&["Alice First"], today));
    let mirror = Mirror::start(&fake.url(), &stranger.key(), &[]);
    mirror.said("the refusal", "no snapshot has verified yet");
    assert!(!mirror.server.output().contains("still serving"), "{}", mirror.server.output());
    for path in ["/", "/fa/"] {
        let page = mirror.server.get(path);
        assert_eq!(page.status, 503, "{path}");
        assert!(page.header("retry-after").is_none(), "{path}: waiting will not help");
        assert!(!page.body.contains("few minutes") && !page.body.contains("keeps showing"), "{path}");
        assert!(page.body.contains(&fake.url()), "{path}: where the letter is");
    }
    let page = mirror.server.get("/").body;
    assert!(page.contains("This mirror has no copy of the letter to show"), "{page}");
    assert!(mirror.server.get("/fa/").body.contains("این آینه نسخه‌ای از نامه برای نمایش ندارد"));
}
