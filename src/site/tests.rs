//! The site's routes in-process: the real server on 127.0.0.1:0 over a
//! temporary store, and a public view that can be made to fail.

use super::*;
use crate::config::ListenAddr;
use crate::domain::{Counts, Phase, PublicSignatory};
use crate::http::{server, Headers, Listener, ServerOptions};
use crate::messages::Catalogue;
use crate::public::SCANS_AT_ONCE;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A view over nothing whose scans fail, as a broken store's would.
struct FailingScans;

impl PublicView for FailingScans {
    fn generation(&self) -> u64 {
        1
    }
    fn phase(&self) -> Phase {
        Phase::Open
    }
    fn counts(&self) -> Counts {
        Counts::default()
    }
    fn published(&self, _: Kind, _: usize, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Ok(Vec::new())
    }
    fn each_published(&self, _: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        Err(ScanError::Unreadable("test".into()))
    }
    fn search(&self, _: &str, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Err(ScanError::Interrupted)
    }
}

/// A view of two names whose scans can be made to fail after the first,
/// as a store that breaks part way would.
struct Flaky {
    fail: AtomicBool,
    generation: AtomicU64,
}

impl Flaky {
    fn set(&self, fail: bool) {
        self.fail.store(fail, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

impl PublicView for Flaky {
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
    fn phase(&self) -> Phase {
        Phase::Open
    }
    fn counts(&self) -> Counts {
        Counts { published: [0, 0, 2], listed: [0, 0, 2], pending: [0, 0, 0] }
    }
    fn published(&self, _: Kind, _: usize, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Ok(Vec::new())
    }
    fn each_published(&self, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        let person = |name: &str| PublicSignatory {
            name: name.into(),
            kind: Kind::Individual,
            affiliation: None,
            country: None,
            verified: false,
            proof: None,
        };
        visit(person("Ada Lovelace"));
        if self.fail.load(Ordering::SeqCst) {
            return Err(ScanError::Unreadable("test".into()));
        }
        visit(person("Grace Hopper"));
        Ok(())
    }
    fn search(&self, _: &str, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Ok(Vec::new())
    }
}

/// A view whose pages of names cannot be read, as a store with a damaged
/// record's: its counts say there are names.
struct UnreadablePages;

impl PublicView for UnreadablePages {
    fn generation(&self) -> u64 {
        1
    }
    fn phase(&self) -> Phase {
        Phase::Open
    }
    fn counts(&self) -> Counts {
        Counts { published: [0, 0, 2], listed: [0, 0, 2], pending: [0, 0, 0] }
    }
    fn published(&self, _: Kind, _: usize, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Err(ScanError::Unreadable("test".into()))
    }
    fn each_published(&self, _: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        Err(ScanError::Unreadable("test".into()))
    }
    fn search(&self, _: &str, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Err(ScanError::Unreadable("test".into()))
    }
}

/// A view whose searches take a while, as at a busy moment.
struct SlowSearch;

impl PublicView for SlowSearch {
    fn generation(&self) -> u64 {
        1
    }
    fn phase(&self) -> Phase {
        Phase::Open
    }
    fn counts(&self) -> Counts {
        Counts::default()
    }
    fn published(&self, _: Kind, _: usize, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Ok(Vec::new())
    }
    fn each_published(&self, _: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        Ok(())
    }
    fn search(&self, _: &str, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        std::thread::sleep(std::time::Duration::from_millis(100));
        Ok(Vec::new())
    }
}

/// A running site; dropping it stops the server.
pub(super) struct Running {
    addr: std::net::SocketAddr,
    _stop: tokio::sync::watch::Sender<bool>,
    pub(super) store: Store,
    snapshots: Arc<Snapshots>,
    _dir: tempfile::TempDir,
}

pub(super) async fn start(view: Option<Arc<dyn PublicView>>) -> Running {
    start_with_slots(view, 8).await
}

pub(super) async fn start_with_slots(view: Option<Arc<dyn PublicView>>, max_connections: usize) -> Running {
    start_with_options(view, max_connections, server::CONNECTION_MAX_AGE).await
}

pub(super) async fn start_with_options(
    view: Option<Arc<dyn PublicView>>,
    max_connections: usize,
    max_age: std::time::Duration,
) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let options = crate::store::Options { retention_days: 1, cache_bytes: 1 << 20, notice: |_| {} };
    let store = Store::open(&dir.path().join("store"), options).unwrap();
    let mut config = Config::new(dir.path().to_path_buf());
    config.min_fill_time = std::time::Duration::ZERO;
    // Tests read their own writes at once: no rebuild interval.
    config.page_rebuild_interval = std::time::Duration::ZERO;
    let renderer = Renderer::new(crate::letter::Content::embedded().letter, Catalogue::ENGLISH, 10, 10);
    let view = view.unwrap_or_else(|| Arc::new(store.clone()));
    let key = crate::snapshot::SigningKey::load_or_create(dir.path()).unwrap();
    let snapshots = Arc::new(Snapshots::open(dir.path(), key, renderer.letter().clone(), 7).unwrap());
    let site =
        Site::new(config.clone(), view, store.clone(), Secret::fixed(3), renderer, Arc::clone(&snapshots));
    let listener = Listener::bind(&ListenAddr::Tcp(([127, 0, 0, 1], 0).into()), false).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let options = ServerOptions {
        max_connections,
        header_read_timeout: std::time::Duration::from_secs(5),
        min_rate: server::MinRate::new(config.request_grace, config.request_min_rate),
        write_stall: std::time::Duration::from_secs(5),
        circuits: None,
        headers: Headers::new(&crate::render::style_hash(), None),
        max_age,
    };
    let (stop, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(server::serve(listener, Arc::new(site), options, rx));
    Running { addr, _stop: stop, store, snapshots, _dir: dir }
}

impl Running {
    /// One request on its own connection; the status and the body.
    pub(super) async fn request(&self, method: &str, path: &str, form: Option<&str>) -> (u16, String) {
        let mut s = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let body = form.unwrap_or("");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        s.write_all(format!("{head}{body}").as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        let status = out[9..12].parse().unwrap();
        (status, out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
    }

    /// A fresh form token from the letter page.
    pub(super) async fn token(&self) -> String {
        let (_, page) = self.request("GET", "/", None).await;
        let start = page.find("name=\"token\" value=\"").unwrap() + 20;
        page[start..start + page[start..].find('"').unwrap()].to_string()
    }
}

#[tokio::test]
async fn a_failed_scan_is_a_503_never_an_empty_list() {
    let site = start(Some(Arc::new(FailingScans))).await;
    for path in ["/signatories?q=Ada", "/signatories.json", "/signatories.csv"] {
        let (status, body) = site.request("GET", path, None).await;
        assert_eq!(status, 503, "{path}");
        assert!(body.contains("Not available just now"), "{path}: {body}");
    }
    let (status, _) = site.request("GET", "/", None).await;
    assert_eq!(status, 200, "pages that need no scan still serve");
}

#[tokio::test]
async fn a_failed_export_build_is_a_503_and_leaves_the_last_file_as_it_was() {
    let view = Arc::new(Flaky { fail: AtomicBool::new(true), generation: AtomicU64::new(1) });
    let site = start(Some(Arc::clone(&view) as Arc<dyn PublicView>)).await;
    let dir = site._dir.path().join("exports");
    let files = || {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| d.map(|e| e.unwrap().file_name().into_string().unwrap()).collect())
            .unwrap_or_default();
        names.sort();
        names
    };
    for path in ["/signatories.json", "/signatories.csv"] {
        let (status, body) = site.request("GET", path, None).await;
        assert_eq!(status, 503, "{path}: {body}");
        assert!(body.contains("Not available just now"), "{path}: {body}");
    }
    assert!(files().is_empty(), "nothing of a failed build is left: {:?}", files());

    view.set(false);
    let (status, csv) = site.request("GET", "/signatories.csv", None).await;
    assert_eq!(
        (status, csv.as_str()),
        (200, "name,kind,affiliation,country,proven_by\nAda Lovelace,individual,,,\nGrace Hopper,individual,,,\n")
    );
    let (status, json) = site.request("GET", "/signatories.json", None).await;
    assert_eq!(status, 200);
    assert!(json.contains("Grace Hopper"));

    view.set(true);
    let (status, _) = site.request("GET", "/signatories.json", None).await;
    assert_eq!(status, 503, "a failed rebuild is not kept");
    assert_eq!(files(), ["signatories.csv", "signatories.json"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("signatories.json")).unwrap(),
        json,
        "the last file stays whole"
    );
}

#[tokio::test]
async fn an_export_that_cannot_be_written_is_a_503() {
    let site = start(None).await;
    // Where the directory would go, a file: no export can be written.
    std::fs::write(site._dir.path().join("exports"), "in the way").unwrap();
    let (status, body) = site.request("GET", "/signatories.json", None).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("Not available just now"), "{body}");
    let (status, _) = site.request("GET", "/", None).await;
    assert_eq!(status, 200, "pages go on");
}

#[tokio::test]
async fn a_signature_goes_through_the_routes_to_the_store() {
    let site = start(None).await;
    let token = site.token().await;
    let form = format!("token={token}&name=Ada+Lovelace&kind=individual&listed=yes");
    let (status, body) = site.request("POST", "/sign", Some(&form)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Your withdrawal code"));
    assert_eq!(site.store.counts().published(Kind::Individual), 1);
    let (status, body) = site.request("POST", "/sign", Some(&form)).await;
    assert_eq!((status, body.contains("Already signed with this form")), (409, true));
}

#[tokio::test]
async fn when_the_writer_dies_signing_answers_503_and_keeps_the_entries() {
    let site = start(None).await;
    let token = site.token().await;
    let store = site.store.clone();
    tokio::task::spawn_blocking(move || store.crash_writer()).await.unwrap();
    let form = format!("token={token}&name=Grace+Hopper&kind=individual&listed=yes");
    let (status, body) = site.request("POST", "/sign", Some(&form)).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("Signing is unavailable"), "{body}");
    assert!(body.contains("value=\"Grace Hopper\""), "the form comes back with what was typed");
    let (status, body) = site.request("POST", "/withdraw", Some("code=ABCD-EFGH")).await;
    assert_eq!((status, body.contains("Withdrawal is unavailable")), (503, true), "{body}");
    let (status, _) = site.request("GET", "/", None).await;
    assert_eq!(status, 200, "reading goes on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_searches_is_told_the_site_is_busy_and_the_rest_are_answered() {
    let site = Arc::new(start_with_slots(Some(Arc::new(SlowSearch)), 128).await);
    let flood: Vec<_> = (0..100)
        .map(|_| {
            let site = Arc::clone(&site);
            tokio::spawn(async move { site.request("GET", "/signatories?q=Ada", None).await })
        })
        .collect();
    let (mut answered, mut busy) = (0, 0);
    for one in flood {
        match one.await.unwrap() {
            (200, _) => answered += 1,
            (503, body) => {
                assert!(body.contains("Busy just now"), "{body}");
                assert!(body.contains("Signing is not affected"), "{body}");
                busy += 1;
            }
            (status, body) => panic!("{status}: {body}"),
        }
    }
    // At most two running and sixty-four waiting: the rest are told at once.
    assert!(busy >= 1 && answered >= SCANS_AT_ONCE, "{answered} answered, {busy} busy");
    assert_eq!(answered + busy, 100);
    // None is left counted as waiting.
    assert_eq!(site.request("GET", "/signatories?q=Ada", None).await.0, 200);
    // Pages that need no scan were never in the queue.
    assert_eq!(site.request("GET", "/", None).await.0, 200);
}

#[tokio::test]
async fn the_snapshot_is_a_503_until_the_first_is_signed_then_it_and_its_signature() {
    let site = start(None).await;
    for path in ["/snapshot.json", "/snapshot.json.minisig"] {
        let (status, body) = site.request("GET", path, None).await;
        assert_eq!(status, 503, "{path}");
        assert!(body.contains("still being made"), "{body}");
    }
    let (snapshots, store) = (Arc::clone(&site.snapshots), site.store.clone());
    let signed = tokio::task::spawn_blocking(move || snapshots.sign(&store, crate::store::Day::today()))
        .await
        .unwrap()
        .unwrap();
    let (status, json) = site.request("GET", "/snapshot.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(json.len() as u64, signed.len);
    assert!(json.contains("\"format\": \"undersign-snapshot-1\""));
    let (status, sig) = site.request("GET", "/snapshot.json.minisig", None).await;
    assert_eq!((status, sig.as_bytes()), (200, &signed.signature[..]));
    assert_eq!(site.request("POST", "/snapshot.json", Some("")).await.0, 405);
}

#[tokio::test]
async fn an_old_connection_is_closed_after_an_answer_never_in_the_middle_of_one() {
    let site = start_with_options(None, 8, std::time::Duration::from_millis(300)).await;
    let mut s = tokio::net::TcpStream::connect(site.addr).await.unwrap();
    let started = std::time::Instant::now();
    let mut answers = 0;
    let closed = loop {
        let asked = s.write_all(b"GET /privacy HTTP/1.1\r\nHost: test\r\n\r\n").await;
        // Read one whole answer: its head, then its Content-Length of body.
        let mut got = Vec::new();
        let mut buf = [0u8; 8192];
        let complete = loop {
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]).to_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .map(|v| v.trim().parse().unwrap())
                    .unwrap();
                if got.len() >= end + 4 + len {
                    break Some(head);
                }
            }
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break None,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        };
        let Some(head) = complete else {
            assert!(
                asked.is_err() || got.is_empty(),
                "an answer was cut off: {:?}",
                String::from_utf8_lossy(&got)
            );
            break false;
        };
        assert!(head.starts_with("http/1.1 200"), "{head}");
        answers += 1;
        if head.contains("connection: close") {
            // And then the connection ends.
            let mut rest = Vec::new();
            s.read_to_end(&mut rest).await.unwrap();
            assert!(rest.is_empty());
            break true;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "never told to close");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(closed, "the connection ended without saying so");
    assert!(answers > 1, "kept alive before its age");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

#[tokio::test]
async fn names_that_cannot_be_read_are_a_503_never_an_empty_page() {
    let site = start(Some(Arc::new(UnreadablePages))).await;
    for path in ["/", "/signatories/individual?page=1"] {
        let (status, body) = site.request("GET", path, None).await;
        assert_eq!(status, 503, "{path}: {body}");
        assert!(body.contains("Not available just now"), "{path}: {body}");
    }
    let (status, _) = site.request("GET", "/privacy", None).await;
    assert_eq!(status, 200, "pages without names still serve");
}
