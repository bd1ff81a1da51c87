//! Mirror mode: the public pages, read only, from the newest snapshot that
//! verified against the origin's key, instead of from the store. A poller
//! ([`poll`]) fetches the origin's snapshot every interval (with jitter);
//! [`trust`] judges it against what was adopted before (rollback,
//! equivocation, another letter, expiry, size); an adopted snapshot is
//! streamed into an on-disk index ([`view::SnapshotView`], a
//! [`crate::view::PublicView`]) and its exports written beside it, all in
//! `DATA/mirror/snapshots/N/`, built under a temporary name and renamed in.
//! The router ([`Mirror`]) serves the letter, the lists, search, the
//! exports and the snapshot itself (so a mirror can pull from a mirror),
//! with a banner on every page, in every shipped language under the
//! site's prefixes ([`crate::site::languages`]); it has no sign form, no
//! `/sign`, no withdrawal and no console.
//!
//! The only output is operator-facing: the start-up line, each snapshot
//! adopted, and each refusal once (not once per poll).

pub mod export;
pub mod poll;
pub mod trust;
pub mod view;

use crate::config::Config;
use crate::domain::{Day, Kind, SignatoryName};
use crate::http::{self, Reply, Router};
use crate::letter::Letter;
use crate::limits::{CircuitGuard, Queue};
use crate::messages::{Catalogue, MessageId, Text};
use crate::render::export::{CsvWriter, JsonWriter, OpenData};
use crate::render::mirror::Banner;
use crate::render::{LetterView, Renderer};
use crate::site::languages::{self, UNPREFIXED};
use crate::site::Refusal as SiteRefusal;
use crate::snapshot::chunks::Chunks;
use crate::snapshot::{self, Comment};
use crate::view::{PublicView, ScanError};
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, StatusCode};
use poll::{Client, Fetched, Origin};
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use trust::{Judgement, Refusal, Trust};
use view::SnapshotView;

/// Longest search query, in bytes (as on the origin).
const MAX_QUERY: usize = 200;
/// The mirror's directory in the data dir.
pub const DIR: &str = "mirror";
const SNAPSHOTS: &str = "snapshots";
const EVIDENCE: &str = "evidence";
/// The files of one adopted snapshot, in its directory.
const SNAPSHOT_FILE: &str = "snapshot.json";
const INDEX_FILE: &str = "index.sqlite";
const CHUNKS_FILE: &str = "snapshot.chunks";
const JSON_EXPORT: &str = "signatories.json";
const CSV_EXPORT: &str = "signatories.csv";
/// Default bound on a snapshot's size.
pub const DEFAULT_MAX_BYTES: u64 = 256 << 20;

/// How to run a mirror, from the command line.
#[derive(Clone, Debug)]
pub struct Options {
    /// Whose snapshots.
    pub origin: Origin,
    /// The origin's public key (as `undersign key` prints it, or a file).
    pub key: String,
    /// Time between polls, before jitter.
    pub interval: Duration,
    /// A larger snapshot is refused.
    pub max_bytes: u64,
}

/// Why a mirror cannot start.
#[derive(Debug)]
pub enum MirrorError {
    /// The key given is not a minisign public key.
    Key(snapshot::VerifyError),
    /// The origin cannot be polled by this build.
    Origin(String),
    /// The trust state is of another key than the one given.
    OtherKey {
        /// The trusted key's id.
        trusted: String,
        /// The given key's id.
        given: String,
        /// The trust state's file.
        path: PathBuf,
    },
    /// The trust state could not be read.
    Trust(trust::TrustError),
    /// The mirror's directory could not be made.
    Dir(PathBuf, io::Error),
}

impl std::fmt::Display for MirrorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MirrorError::Key(e) => write!(f, "--key: {e}"),
            MirrorError::Origin(why) => f.write_str(why),
            MirrorError::OtherKey { trusted, given, path } => write!(
                f,
                "this mirror trusts key {trusted}, not the key given ({given}); if the origin really changed its key, remove {} to trust the new one from its next snapshot",
                path.display()
            ),
            MirrorError::Trust(e) => e.fmt(f),
            MirrorError::Dir(dir, e) => write!(f, "cannot create {}: {e}", dir.display()),
        }
    }
}

impl std::error::Error for MirrorError {}

/// A refusal of the mirror's router.
#[derive(Clone, Debug, PartialEq, Eq)]
enum MirrorRefusal {
    /// One the public site has too.
    Site(SiteRefusal),
    /// No snapshot verified yet.
    NotReady,
    /// No snapshot verified, and the origin's was refused: why, in words
    /// for visitors that promise no quick fix.
    NothingVerified(crate::messages::Message),
}

impl MirrorRefusal {
    fn answer(&self) -> http::Answer {
        match self {
            MirrorRefusal::Site(r) => r.answer(),
            MirrorRefusal::NotReady => http::Answer::new(
                StatusCode::SERVICE_UNAVAILABLE,
                MessageId::MirrorNotReadyHeading,
                MessageId::MirrorNotReady,
            )
            .retry_after(60),
            MirrorRefusal::NothingVerified(why) => http::Answer::new(
                StatusCode::SERVICE_UNAVAILABLE,
                MessageId::MirrorNotReadyHeading,
                why.clone(),
            ),
        }
    }
}

/// An adopted snapshot: its index and the files served from it, kept open.
struct Current {
    comment: Comment,
    view: Arc<SnapshotView>,
    snapshot: (Arc<File>, u64),
    signature: Bytes,
    json: (Arc<File>, u64),
    csv: (Arc<File>, u64),
    /// The snapshot's chunk list, as served and as the poller reads it.
    chunks: Bytes,
    chunk_list: Arc<Chunks>,
}

/// What the router serves now: rendered when a snapshot is adopted or the
/// banner changes, in every language (indexed as
/// [`languages::split`] indexes paths).
struct Pages {
    current: Option<Arc<Current>>,
    renderers: Vec<Renderer>,
    letter_pages: Vec<Bytes>,
    privacy: Vec<Bytes>,
}

/// The mirror's router and its state.
pub struct Mirror {
    dir: PathBuf,
    origin: Origin,
    key: minisign::PublicKey,
    key_id: String,
    group_limit: usize,
    page_size: usize,
    scans: Queue,
    pages: Mutex<Arc<Pages>>,
    /// The last refusal, told once; cleared when a poll succeeds.
    status: Mutex<Option<Refusal>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Router for Mirror {
    async fn route(self: Arc<Self>, req: Request<Incoming>, _: Option<Arc<CircuitGuard>>) -> Reply {
        let is_get = req.method() == Method::GET || req.method() == Method::HEAD;
        let pages = self.pages();
        let (at, path) = match languages::split(req.uri().path()) {
            Some(found) => found,
            None if is_get => return languages::add_slash(req.uri().path()),
            None => return self.refuse(&pages, UNPREFIXED, MirrorRefusal::Site(SiteRefusal::NotFound)),
        };
        let known = matches!(path, "/" | "/privacy" | "/signatories")
            || path.starts_with("/signatories/")
            || (languages::LANGUAGE_NEUTRAL.contains(&path) && at == UNPREFIXED);
        if !known {
            return self.refuse(&pages, at, MirrorRefusal::Site(SiteRefusal::NotFound));
        }
        if !is_get {
            return self.refuse(&pages, at, MirrorRefusal::Site(SiteRefusal::Method("GET, HEAD")));
        }
        let Some(current) = pages.current.clone() else {
            let refusal = match lock(&self.status).as_ref() {
                Some(r) => {
                    MirrorRefusal::NothingVerified(r.for_visitors_without_copy(&self.origin.to_string()))
                }
                None => MirrorRefusal::NotReady,
            };
            return self.refuse(&pages, at, refusal);
        };
        let letter_page =
            || http::respond(StatusCode::OK, http::HTML, "max-age=60", pages.letter_pages[at].clone());
        match path {
            "/" if at == UNPREFIXED => languages::first_visit(req.headers(), letter_page),
            "/" => letter_page(),
            "/privacy" => http::respond(StatusCode::OK, http::HTML, "max-age=300", pages.privacy[at].clone()),
            "/signatories" => {
                let query = req.uri().query().map(str::to_owned);
                self.search(&pages, at, current, query.as_deref()).await
            }
            "/signatories.json" => {
                let (file, len) = &current.json;
                http::respond_file(StatusCode::OK, "application/json", "max-age=60", Arc::clone(file), *len)
            }
            "/signatories.csv" => {
                let (file, len) = &current.csv;
                let mut r = http::respond_file(
                    StatusCode::OK,
                    "text/csv; charset=utf-8",
                    "max-age=60",
                    Arc::clone(file),
                    *len,
                );
                r.headers_mut().insert(
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"signatories.csv\""),
                );
                r
            }
            "/snapshot.json" => {
                let (file, len) = &current.snapshot;
                let etag = format!("\"{}\"", current.comment.seq);
                http::respond_versioned_file(
                    req.headers(),
                    "application/json",
                    "no-cache",
                    Arc::clone(file),
                    *len,
                    &etag,
                )
            }
            "/snapshot.json.minisig" => small_reply(&req, &current, current.signature.clone()),
            "/snapshot.chunks" => small_reply(&req, &current, current.chunks.clone()),
            "/snapshot.parts" => {
                let (file, len) = &current.snapshot;
                let parts = snapshot::chunks::MAX_PARTS;
                http::respond_file_parts(
                    req.uri().query(),
                    Arc::clone(file),
                    *len,
                    current.comment.seq,
                    parts,
                )
                .unwrap_or_else(|| self.refuse(&pages, at, MirrorRefusal::Site(SiteRefusal::NotFound)))
            }
            p => {
                let kind = &p["/signatories/".len()..];
                self.kind_page(&pages, at, &current, kind, req.uri().query())
            }
        }
    }

    fn refuse_request(&self, error: http::RequestError) -> Reply {
        self.refuse(&self.pages(), UNPREFIXED, MirrorRefusal::Site(SiteRefusal::Request(error)))
    }
}

/// The adopted snapshot's signature or chunk list, with its number as
/// `ETag`, and 304 to a client that has it: what the origin answers, so
/// that another mirror can pull from this one.
fn small_reply(req: &Request<Incoming>, current: &Current, body: Bytes) -> Reply {
    let etag = format!("\"{}\"", current.comment.seq);
    let content_type = "text/plain; charset=utf-8";
    if http::none_match(req.headers(), &etag) {
        return http::not_modified(content_type, "no-cache", &etag);
    }
    let mut r = http::respond(StatusCode::OK, content_type, "no-cache", body);
    http::set_header(&mut r, header::ETAG, &etag);
    r
}

impl Mirror {
    fn pages(&self) -> Arc<Pages> {
        Arc::clone(&lock(&self.pages))
    }

    /// The one place a refusal becomes a page, in the language `at`.
    fn refuse(&self, pages: &Pages, at: usize, refusal: MirrorRefusal) -> Reply {
        let answer = refusal.answer();
        let renderer = &pages.renderers[at];
        let words = renderer.words();
        let body = renderer.error(&words.get(answer.heading), &words.text(&answer.reason));
        let mut resp = http::html(answer.status, body);
        answer.apply(&mut resp);
        resp
    }

    fn kind_page(
        &self,
        pages: &Pages,
        at: usize,
        current: &Current,
        kind: &str,
        query: Option<&str>,
    ) -> Reply {
        let site = |r| self.refuse(pages, at, MirrorRefusal::Site(r));
        let renderer = &pages.renderers[at];
        let Ok(kind) = Kind::parse(kind) else { return site(SiteRefusal::NotFound) };
        let page_no = match http::query_param(query, "page").map(|p| p.parse::<usize>()) {
            None => 1,
            Some(Ok(n)) => n,
            Some(Err(_)) => return site(SiteRefusal::BadPageNumber),
        };
        let listed = current.view.counts().listed(kind);
        if page_no == 0 || page_no > renderer.pages(listed) {
            return site(SiteRefusal::NoSuchPage);
        }
        let size = renderer.page_size();
        match current.view.published(kind, (page_no - 1) * size, size) {
            Ok(names) => http::respond(
                StatusCode::OK,
                http::HTML,
                "max-age=60",
                renderer.kind_page(kind, listed, page_no, &names),
            ),
            Err(e) => self.scan_failed(pages, at, &e),
        }
    }

    fn scan_failed(&self, pages: &Pages, at: usize, e: &ScanError) -> Reply {
        eprintln!("undersign: mirror: {e}");
        self.refuse(pages, at, MirrorRefusal::Site(SiteRefusal::ScanFailed))
    }

    async fn search(&self, pages: &Pages, at: usize, current: Arc<Current>, query: Option<&str>) -> Reply {
        let renderer = &pages.renderers[at];
        let q = http::query_param(query, "q").unwrap_or_default();
        if q.len() > MAX_QUERY {
            return self.refuse(pages, at, MirrorRefusal::Site(SiteRefusal::SearchTooLong));
        }
        let body = match SignatoryName::parse(&q).ok() {
            None => renderer.search_page(q.trim(), None),
            Some(name) => {
                let Ok(turn) = self.scans.enter().await else {
                    return self.refuse(pages, at, MirrorRefusal::Site(SiteRefusal::Busy));
                };
                let (folded, limit) = (name.folded(), renderer.page_size());
                let found = tokio::task::spawn_blocking(move || {
                    let _turn = turn;
                    current.view.search(&folded, limit)
                })
                .await
                .unwrap_or(Err(ScanError::Interrupted));
                match found {
                    Ok(found) => renderer.search_page(name.as_str(), Some(&found)),
                    Err(e) => return self.scan_failed(pages, at, &e),
                }
            }
        };
        http::respond(StatusCode::OK, http::HTML, "max-age=60", body)
    }

    /// Renders the pages again for `current` and the status as they are now.
    fn refresh(&self, current: Option<Arc<Current>>) {
        let status = lock(&self.status).as_ref().map(Refusal::for_visitors);
        let pages = match &current {
            None => {
                let letter = Letter {
                    title: Catalogue::ENGLISH
                        .tf(Text::MirrorTitle, &[("origin", self.origin.to_string().into())])
                        .into_owned(),
                    text_html: String::new(),
                    principles_html: Vec::new(),
                    closing_html: String::new(),
                    sign_up_html: String::new(),
                    disclaimer_html: String::new(),
                };
                let renderer = Renderer::new(letter, Catalogue::ENGLISH, self.group_limit, self.page_size);
                Pages {
                    current: None,
                    renderers: languages::renderers(&renderer),
                    letter_pages: Vec::new(),
                    privacy: Vec::new(),
                }
            }
            Some(c) => {
                let letter = c.view.head().letter.clone();
                let copies: Vec<(Renderer, Banner)> = languages::renderers(&Renderer::new(
                    letter,
                    Catalogue::ENGLISH,
                    self.group_limit,
                    self.page_size,
                ))
                .into_iter()
                .map(|r| {
                    // The origin's pages in the same language.
                    let banner = Banner {
                        origin: self.origin.to_string(),
                        sign_url: self.origin.url(&format!("{}/#sign", r.prefix())),
                        withdraw_url: self.origin.url(&format!("{}/withdraw", r.prefix())),
                        day: c.comment.day,
                        seq: c.comment.seq,
                        expires: c.comment.expires,
                        stale: Day::today() >= c.comment.expires,
                        status: status.clone(),
                    };
                    (r.mirrored(banner.clone()), banner)
                })
                .collect();
                let key = self.key.to_base64();
                let privacy =
                    copies.iter().map(|(r, banner)| r.mirror_privacy(banner, &key).into()).collect();
                let renderers: Vec<Renderer> = copies.into_iter().map(|(r, _)| r).collect();
                let view = c.view.as_ref();
                let groups = Kind::ALL
                    .into_iter()
                    .filter(|k| view.counts().listed(*k) > 0)
                    .map(|k| Ok((k, view.published(k, 0, self.group_limit)?)))
                    .collect::<Result<Vec<_>, ScanError>>();
                if let Err(e) = &groups {
                    eprintln!("undersign: mirror: {e}");
                }
                let letter_pages = renderers
                    .iter()
                    .map(|r| match &groups {
                        Ok(groups) => r
                            .letter_page(&LetterView {
                                counts: view.counts(),
                                phase: view.phase(),
                                groups: groups.clone(),
                            })
                            .into(),
                        Err(_) => {
                            let w = r.words();
                            r.error(&w.get(MessageId::ScanFailedHeading), &w.get(MessageId::ScanFailed))
                                .into()
                        }
                    })
                    .collect();
                Pages { current: current.clone(), renderers, letter_pages, privacy }
            }
        };
        *lock(&self.pages) = Arc::new(pages);
    }

    /// Says a refusal once (a repeat of the same is not said again), shows
    /// it on every page, or clears it.
    fn set_status(&self, refusal: Option<Refusal>) {
        let mut status = lock(&self.status);
        // Proof of two lists under one number stays said, even when the
        // origin shows this mirror the trusted one again, until a newer
        // snapshot is adopted.
        if refusal.is_none() && matches!(*status, Some(Refusal::Equivocation { .. })) {
            return;
        }
        let same = match (&*status, &refusal) {
            (Some(a), Some(b)) => a.to_string() == b.to_string(),
            (None, None) => true,
            _ => false,
        };
        if same {
            return;
        }
        match &refusal {
            Some(r) if self.pages().current.is_some() => {
                eprintln!("undersign: mirror: {r}; still serving the last verified snapshot (said once)")
            }
            Some(r) => eprintln!(
                "undersign: mirror: {r}; no snapshot has verified yet, so the pages say that this mirror has no copy (said once)"
            ),
            None if status.is_some() => eprintln!("undersign: mirror: the origin's snapshot verifies again"),
            None => {}
        }
        *status = refusal;
        drop(status);
        self.refresh(self.pages().current.clone());
    }

    /// One poll: fetch, judge, adopt or refuse.
    async fn poll(self: &Arc<Self>, client: &Client) {
        let current = self.pages().current.clone();
        let held = current.as_ref().map(|c| poll::Held {
            seq: c.comment.seq,
            file: Arc::clone(&c.snapshot.0),
            chunks: Arc::clone(&c.chunk_list),
        });
        let serving = current.is_some();
        let mut whole = false;
        let (done, bytes, from_chunks) = loop {
            let (json, bytes, from_chunks) = match client.fetch(held.as_ref(), whole, &self.dir).await {
                Ok(Fetched::NotModified) => return self.set_status(None),
                Ok(Fetched::New { json, bytes, from_chunks }) => (json, bytes, from_chunks),
                Err(refusal) => return self.set_status(Some(refusal)),
            };
            let mirror = Arc::clone(self);
            let done = tokio::task::spawn_blocking(move || {
                let done = mirror.consider(&json, serving);
                // Whatever was not adopted (renamed away) only takes room.
                let _ = std::fs::remove_file(snapshot::signature_path(&json));
                let _ = std::fs::remove_file(&json);
                done
            })
            .await
            .unwrap_or_else(|_| Err(Refusal::Malformed("the check stopped part way".into())));
            // A file built from chunks that fails is fetched whole once, so
            // that a refusal is always of what the origin serves whole.
            if done.is_err() && from_chunks {
                whole = true;
                continue;
            }
            break (done, bytes, from_chunks);
        };
        match done {
            Ok(None) => self.set_status(None),
            Ok(Some(adopted)) => {
                let c = &adopted.comment;
                println!(
                    "undersign: mirror: adopted snapshot {} of {} ({} signatures, {} names listed; {bytes} bytes fetched{})",
                    c.seq,
                    c.day,
                    adopted.view.counts().total_published(),
                    Kind::ALL.iter().map(|k| adopted.view.counts().listed(*k)).sum::<u64>(),
                    if from_chunks { ", only the changed chunks" } else { "" }
                );
                *lock(&self.status) = None;
                self.refresh(Some(adopted));
            }
            Err(refusal) => self.set_status(Some(refusal)),
        }
    }

    /// Verifies and judges the fetched snapshot; adopts a newer one
    /// (`Some`), or finds it unchanged (`None`); the trusted one again is
    /// adopted when `serving` is false (its files were lost). Blocks: a
    /// scan of the file.
    fn consider(&self, json: &Path, serving: bool) -> Result<Option<Arc<Current>>, Refusal> {
        let trusted = trust::load(&self.dir).map_err(|e| Refusal::Malformed(e.to_string()))?;
        let verified = snapshot::verify(json, &self.key, Day::today(), trusted.as_ref().map(|t| t.letter));
        match trust::judge(verified, trusted.as_ref(), &self.key_id) {
            Ok(Judgement::Unchanged) if serving => Ok(None),
            Ok(Judgement::Unchanged) => {
                let comment = trusted_comment(json)
                    .ok_or_else(|| Refusal::Malformed("its signature does not read".into()))?;
                self.adopt(json, comment).map(Some)
            }
            Ok(Judgement::Adopt(comment)) => self.adopt(json, comment).map(Some),
            Err(Refusal::Equivocation { seq, .. }) => {
                Err(Refusal::Equivocation { seq, evidence: self.keep_evidence(seq, json) })
            }
            Err(r) => Err(r),
        }
    }

    /// Keeps the trusted snapshot and the one that contradicts it, each
    /// with its signature: together they prove the origin signed both.
    fn keep_evidence(&self, seq: u64, offered: &Path) -> PathBuf {
        let dir = self.dir.join(EVIDENCE).join(format!("seq-{seq}"));
        let kept = (|| {
            std::fs::create_dir_all(&dir)?;
            let trusted = self.dir.join(SNAPSHOTS).join(seq.to_string()).join(SNAPSHOT_FILE);
            for (from, name) in [(trusted.as_path(), "trusted.json"), (offered, "offered.json")] {
                let to = dir.join(name);
                std::fs::copy(from, &to)?;
                std::fs::copy(snapshot::signature_path(from), snapshot::signature_path(&to))?;
            }
            io::Result::Ok(())
        })();
        if let Err(e) = kept {
            eprintln!(
                "undersign: mirror: the evidence of an equivocation could not be kept in {}: {e}",
                dir.display()
            );
        }
        dir
    }

    /// Builds the index and exports of a verified snapshot in
    /// `snapshots/.N.part`, renames it to `snapshots/N`, then trusts it.
    fn adopt(&self, json: &Path, comment: Comment) -> Result<Arc<Current>, Refusal> {
        let failed = |e: &dyn std::fmt::Display| Refusal::Malformed(format!("it could not be kept: {e}"));
        let root = self.dir.join(SNAPSHOTS);
        let temp = root.join(format!(".{}.part", comment.seq));
        let _ = std::fs::remove_dir_all(&temp);
        std::fs::create_dir_all(&temp).map_err(|e| failed(&e))?;
        let built = (|| {
            std::fs::rename(json, temp.join(SNAPSHOT_FILE)).map_err(|e| e.to_string())?;
            std::fs::rename(
                snapshot::signature_path(json),
                snapshot::signature_path(&temp.join(SNAPSHOT_FILE)),
            )
            .map_err(|e| e.to_string())?;
            view::build(&temp.join(SNAPSHOT_FILE), &temp.join(INDEX_FILE))?;
            write_chunks(&temp, comment.seq).map_err(|e| e.to_string())?;
            let view = SnapshotView::open(&temp.join(INDEX_FILE), comment.seq)?;
            write_exports(&temp, &view).map_err(|e| e.to_string())
        })();
        if let Err(e) = built {
            let _ = std::fs::remove_dir_all(&temp);
            return Err(failed(&e));
        }
        let dir = root.join(comment.seq.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::rename(&temp, &dir).map_err(|e| failed(&e))?;
        let t = Trust {
            seq: comment.seq,
            sha256: comment.sha256,
            letter: comment.letter,
            key_id: self.key_id.clone(),
        };
        trust::store(&self.dir, &t).map_err(|e| failed(&e))?;
        let current = open_current(&dir, comment.seq).map_err(|e| failed(&e))?;
        remove_others(&root, comment.seq);
        Ok(Arc::new(current))
    }
}

/// Writes the JSON and CSV exports of `view` into `dir`.
pub(crate) fn write_exports(dir: &Path, view: &SnapshotView) -> io::Result<()> {
    let head = view.head();
    let open = |name: &str| File::create(dir.join(name)).map(|f| BufWriter::with_capacity(64 * 1024, f));
    let data = OpenData {
        letter: head.letter.clone(),
        phase: head.phase,
        counts: head.counts.clone(),
        signatories: Vec::new(),
    };
    let mut json = JsonWriter::start(open(JSON_EXPORT)?, &data)?;
    let mut csv = CsvWriter::start(open(CSV_EXPORT)?)?;
    let mut failed = None;
    view.each_published(&mut |s| {
        if failed.is_none() {
            failed = json.signatory(&s).and_then(|()| csv.signatory(&s)).err();
        }
    })
    .map_err(io::Error::other)?;
    if let Some(e) = failed {
        return Err(e);
    }
    for mut out in [json.finish()?, csv.finish()?] {
        out.flush()?;
        out.get_ref().sync_all()?;
    }
    Ok(())
}

fn open_file(path: &Path) -> io::Result<(Arc<File>, u64)> {
    let f = File::open(path)?;
    let len = f.metadata()?.len();
    Ok((Arc::new(f), len))
}

/// The signed comment of the snapshot `json`, already verified.
fn trusted_comment(json: &Path) -> Option<Comment> {
    let mut text = String::new();
    File::open(snapshot::signature_path(json)).ok()?.take(16 * 1024).read_to_string(&mut text).ok()?;
    minisign::SignatureBox::from_string(&text).ok()?.trusted_comment().ok()?.parse().ok()
}

/// Opens the adopted snapshot in `dir`.
fn open_current(dir: &Path, seq: u64) -> Result<Current, String> {
    let json = dir.join(SNAPSHOT_FILE);
    let mut signature = String::new();
    File::open(snapshot::signature_path(&json))
        .and_then(|f| f.take(16 * 1024).read_to_string(&mut signature))
        .map_err(|e| e.to_string())?;
    let comment: Comment = minisign::SignatureBox::from_string(&signature)
        .ok()
        .and_then(|s| s.trusted_comment().ok()?.parse().ok())
        .ok_or("its signature does not read")?;
    if comment.seq != seq {
        return Err(format!("its signature is of snapshot {}, not {seq}", comment.seq));
    }
    let io = |e: io::Error| e.to_string();
    // Written at adoption; made again if lost.
    let chunks = match std::fs::read_to_string(dir.join(CHUNKS_FILE)).ok().and_then(|text| {
        let list = Chunks::parse(&text, u64::MAX).ok()?;
        (list.seq == seq).then_some((text, list))
    }) {
        Some(found) => found,
        None => write_chunks(dir, seq).map_err(io)?,
    };
    Ok(Current {
        view: Arc::new(SnapshotView::open(&dir.join(INDEX_FILE), seq)?),
        chunks: Bytes::from(chunks.0),
        chunk_list: Arc::new(chunks.1),
        snapshot: open_file(&json).map_err(io)?,
        signature: Bytes::from(signature),
        json: open_file(&dir.join(JSON_EXPORT)).map_err(io)?,
        csv: open_file(&dir.join(CSV_EXPORT)).map_err(io)?,
        comment,
    })
}

/// Writes the chunk list of the snapshot in `dir` beside it.
fn write_chunks(dir: &Path, seq: u64) -> io::Result<(String, Chunks)> {
    let (file, len) = open_file(&dir.join(SNAPSHOT_FILE))?;
    let list = Chunks::of_file(&file, len, seq)?;
    let text = list.to_text();
    let mut out = File::create(dir.join(CHUNKS_FILE))?;
    out.write_all(text.as_bytes())?;
    out.sync_all()?;
    Ok((text, list))
}

/// Removes every snapshot directory but `keep`'s (responses still sending
/// one keep their open files).
fn remove_others(root: &Path, keep: u64) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy() != keep.to_string() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn owner_only_dir(dir: &Path) -> Result<(), MirrorError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| MirrorError::Dir(dir.to_path_buf(), e))
}

/// A mirror ready to serve, and the client that keeps it current.
pub struct Prepared {
    /// The router.
    pub mirror: Arc<Mirror>,
    client: Client,
    interval: Duration,
}

impl Prepared {
    /// The origin, for the start-up line.
    pub fn origin(&self) -> String {
        self.mirror.origin.to_string()
    }

    /// Whether a snapshot is being served already (kept from a previous run).
    pub fn serving(&self) -> Option<u64> {
        self.mirror.pages().current.as_ref().map(|c| c.comment.seq)
    }
}

/// Sets a mirror up in `config`'s data dir: the key, the trust state, the
/// snapshot adopted last, if any.
pub fn prepare(config: &Config, options: Options) -> Result<Prepared, MirrorError> {
    let key = snapshot::public_key(&options.key).map_err(MirrorError::Key)?;
    let key_id = snapshot::key_id(key.keynum());
    let client =
        Client::new(options.origin.clone(), options.max_bytes, config).map_err(MirrorError::Origin)?;
    let dir = config.data_dir.join(DIR);
    owner_only_dir(&dir)?;
    let trusted = trust::load(&dir).map_err(MirrorError::Trust)?;
    if let Some(t) = trusted.as_ref().filter(|t| t.key_id != key_id) {
        return Err(MirrorError::OtherKey {
            trusted: t.key_id.clone(),
            given: key_id,
            path: dir.join(trust::TRUST_FILE),
        });
    }
    let root = dir.join(SNAPSHOTS);
    owner_only_dir(&root)?;
    let current = trusted.as_ref().and_then(|t| {
        let opened = open_current(&root.join(t.seq.to_string()), t.seq);
        match opened {
            Ok(c) if c.comment.sha256 == t.sha256 => Some(Arc::new(c)),
            Ok(_) => None,
            Err(e) => {
                eprintln!(
                    "undersign: mirror: the snapshot adopted last cannot be served ({e}); fetching it again"
                );
                None
            }
        }
    });
    remove_others(&root, current.as_ref().map_or(0, |c| c.comment.seq));
    let mirror = Arc::new(Mirror {
        dir,
        origin: options.origin,
        key,
        key_id,
        group_limit: config.page_group_limit,
        page_size: config.list_page_size,
        scans: Queue::new(2, 64, Duration::from_secs(5)),
        pages: Mutex::new(Arc::new(Pages {
            current: None,
            renderers: languages::renderers(&Renderer::new(
                crate::letter::Content::embedded().letter,
                Catalogue::ENGLISH,
                1,
                1,
            )),
            letter_pages: Vec::new(),
            privacy: Vec::new(),
        })),
        status: Mutex::new(None),
    });
    mirror.refresh(current);
    Ok(Prepared { mirror, client, interval: options.interval })
}

/// Polls the origin at once, then every interval (±10 %), until `stop`;
/// and renders the pages again when the day passes the snapshot's expiry.
pub async fn keep_current(prepared: Prepared, mut stop: tokio::sync::watch::Receiver<bool>) {
    let Prepared { mirror, client, interval } = prepared;
    while !*stop.borrow() {
        mirror.poll(&client).await;
        let stale =
            |m: &Mirror| m.pages().current.as_ref().is_some_and(|c| Day::today() >= c.comment.expires);
        let was_stale = stale(&mirror);
        tokio::select! {
            _ = tokio::time::sleep(jittered(interval)) => {}
            changed = stop.changed() => if changed.is_err() { break },
        }
        if stale(&mirror) != was_stale {
            mirror.refresh(mirror.pages().current.clone());
        }
    }
}

/// `interval` give or take a tenth, so that many mirrors do not poll at
/// the same moment.
fn jittered(interval: Duration) -> Duration {
    let mut b = [0u8; 2];
    let r = getrandom::fill(&mut b).map(|()| u16::from_le_bytes(b)).unwrap_or(u16::MAX / 2);
    let tenth = interval / 10;
    (interval - tenth) + tenth.mul_f64(2.0 * f64::from(r) / f64::from(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jitter_stays_within_a_tenth() {
        for _ in 0..100 {
            let d = jittered(Duration::from_secs(300));
            assert!(d >= Duration::from_secs(270) && d <= Duration::from_secs(330), "{d:?}");
        }
    }
}
