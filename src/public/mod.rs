//! The public read pages, written once for every router that serves them
//! (the site, a mirror): the letter, the lists by kind with their pages,
//! search, the open-data exports, the privacy page, the signed snapshot's
//! files and `robots.txt`. A router says where they come from at the
//! moment of a request (a [`Source`]: its [`PublicView`], its renderers,
//! its letter page and its files) and adds only what is its own: the site
//! its signing and withdrawal, a mirror its banner and status. Searches and
//! export builds, which scan every published name, wait their turn in one
//! queue per router ([`Reads`]). Their refusals are [`ReadRefusal`]s, and
//! their languages are paths ([`languages`]).

pub mod editions;
pub mod languages;
mod refusal;

pub use refusal::ReadRefusal;

use crate::domain::{Kind, SignatoryName};
use crate::http::{self, Answer, Miss, Reply, HTML};
use crate::limits::Queue;
use crate::render::Renderer;
use crate::view::{PublicView, ScanError};
use bytes::Bytes;
use editions::{DeliverJob, Editions};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, StatusCode};
use languages::{Lang, UNPREFIXED};
use std::fs::File;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Longest search query, in bytes.
pub const MAX_QUERY: usize = 200;
/// Scans of every published name (search, building an export) at once.
pub const SCANS_AT_ONCE: usize = 2;
/// Scans that may wait for one of those, and for how long: a flood of
/// them is answered "busy" at once instead of holding connection slots.
const SCANS_WAITING: usize = 64;
const SCAN_WAIT: Duration = Duration::from_secs(5);

/// What crawlers are asked: the letter and its lists are public and meant
/// to be found; the data files are large, change with every signature and
/// say nothing the pages do not, so fetching them is left to people and
/// mirrors.
pub const ROBOTS_TXT: &str = "User-agent: *\nDisallow: /signatories.json\nDisallow: /signatories.csv\nDisallow: /snapshot.\nAllow: /\n";

/// One of the two exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The whole open data, as JSON.
    Json,
    /// The names, as CSV.
    Csv,
}

impl Format {
    /// Its file's name, as served and as kept.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "signatories.json",
            Format::Csv => "signatories.csv",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// A read page, named by its path in one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page<'a> {
    /// `/`.
    Letter,
    /// `/privacy`.
    Privacy,
    /// `/signatories?q=`.
    Search,
    /// `/signatories/KIND?page=N`, the kind as written in the path.
    Kind(&'a str),
    /// `/signatories.json`, `/signatories.csv`.
    Export(Format),
    /// `/snapshot.json`.
    Snapshot,
    /// `/snapshot.json.minisig`.
    Signature,
    /// `/snapshot.chunks`.
    Chunks,
    /// `/snapshot.parts?seq=N&ranges=…`.
    Parts,
    /// `/robots.txt`.
    Robots,
    /// `/deliver`: the delivery edition of the signed snapshot.
    Deliver,
    /// `/numbers`: signatures by day and by country.
    Numbers,
    /// `/badge.svg`: the signed snapshot's count as an image.
    Badge,
}

impl<'a> Page<'a> {
    /// The read page at `path` in language `at`, or `None`. The open data,
    /// the snapshot's files and `robots.txt` are the same in every
    /// language: they live at the unprefixed paths only.
    pub fn parse(at: Lang, path: &'a str) -> Option<Page<'a>> {
        let neutral = match path {
            "/" => return Some(Page::Letter),
            "/privacy" => return Some(Page::Privacy),
            "/signatories" => return Some(Page::Search),
            "/deliver" => return Some(Page::Deliver),
            "/numbers" => return Some(Page::Numbers),
            "/badge.svg" => Page::Badge,
            "/signatories.json" => Page::Export(Format::Json),
            "/signatories.csv" => Page::Export(Format::Csv),
            "/snapshot.json" => Page::Snapshot,
            "/snapshot.json.minisig" => Page::Signature,
            "/snapshot.chunks" => Page::Chunks,
            "/snapshot.parts" => Page::Parts,
            "/robots.txt" => Page::Robots,
            p => return p.strip_prefix("/signatories/").map(Page::Kind),
        };
        (at == UNPREFIXED).then_some(neutral)
    }
}

/// An export as it is sent: its file, kept open, its length, and the
/// `ETag` of that build.
#[derive(Debug)]
pub struct ExportSent {
    /// Read at positions by every response that sends it.
    pub file: Arc<File>,
    /// Its length in bytes.
    pub len: u64,
    /// Quoted; names this build's bytes for as long as the server runs.
    pub etag: String,
}

/// The signed snapshot a router serves, with its signature and chunk list.
pub struct SnapshotFiles {
    /// Its sequence number, its `ETag`.
    pub seq: u64,
    /// The snapshot, read at positions.
    pub file: Arc<File>,
    /// Its length in bytes.
    pub len: u64,
    /// The `.minisig` file's text.
    pub signature: Bytes,
    /// Its chunk list.
    pub chunks: ChunkList,
    /// `/badge.svg` as made when it was signed (none from a version that
    /// made none).
    pub badge: Option<Bytes>,
}

/// A snapshot's chunk list: made already, or made when first asked for (a
/// read of the whole file, on the blocking pool, in turn with the scans).
pub enum ChunkList {
    /// As served.
    Made(Bytes),
    /// Makes it.
    ToMake(Box<dyn FnOnce() -> Result<Bytes, ScanError> + Send>),
}

/// Where a router's read pages come from at the moment of one request.
pub trait Source: Send + Sync {
    /// The names, counts and phase.
    fn view(&self) -> Arc<dyn PublicView>;
    /// The renderer of language `at` (as [`languages::split`] indexes it).
    fn renderer(&self, at: Lang) -> &Renderer;
    /// The letter page in language `at`.
    fn letter(&self, at: Lang) -> Reply;
    /// The privacy page in language `at`, rendered once.
    fn privacy(&self, at: Lang) -> Bytes;
    /// An export's file, or the refusal that answers instead.
    fn export(&self, format: Format) -> impl Future<Output = Result<Arc<ExportSent>, Reply>> + Send;
    /// The signed snapshot served now, if there is one yet.
    fn snapshot(&self) -> Option<SnapshotFiles>;
    /// The public key the snapshots are signed with, as `minisign -P`
    /// takes it.
    fn public_key(&self) -> String;
    /// A directory for the pages built into unnamed files (`/deliver`).
    fn scratch(&self) -> PathBuf;
}

/// A refusal's page, in `renderer`'s language, with its status and headers.
pub fn refused(renderer: &Renderer, answer: &Answer) -> Reply {
    let words = renderer.words();
    let body = renderer.error(&words.get(answer.heading), &words.text(&answer.reason));
    let mut resp = http::html(answer.status, body);
    answer.apply(&mut resp);
    resp
}

/// A router's read handlers and their queue for full-list scans.
pub struct Reads {
    scans: Queue,
    /// A failed scan is told to the operator once, not per request.
    scan_failure_told: AtomicBool,
    /// How the operator's line starts (`undersign`, `undersign: mirror`).
    who: &'static str,
    /// `/deliver` and `/numbers`, kept until what they show changes.
    editions: Arc<Editions>,
}

impl Reads {
    /// Read handlers whose lines to the operator start with `who`.
    pub fn new(who: &'static str) -> Reads {
        Reads {
            scans: Queue::new(SCANS_AT_ONCE, SCANS_WAITING, SCAN_WAIT),
            scan_failure_told: AtomicBool::new(false),
            who,
            editions: Arc::default(),
        }
    }

    /// The answer to a GET (or HEAD) of `page` in language `at`.
    pub async fn answer<S: Source>(
        &self,
        src: &S,
        at: Lang,
        page: Page<'_>,
        req: &Request<Incoming>,
    ) -> Reply {
        let renderer = src.renderer(at);
        let query = req.uri().query();
        match page {
            Page::Letter if at == UNPREFIXED => languages::first_visit(req.headers(), || src.letter(at)),
            Page::Letter => src.letter(at),
            Page::Privacy => http::respond(StatusCode::OK, HTML, "max-age=300", src.privacy(at)),
            Page::Search => self.search(src, at, query).await,
            Page::Kind(kind) => self.kind_page(src, at, kind, query),
            Page::Export(format) => match src.export(format).await {
                Ok(sent) => export(req, format, &sent),
                Err(refused) => refused,
            },
            Page::Robots => http::respond(
                StatusCode::OK,
                "text/plain; charset=utf-8",
                "max-age=3600",
                Bytes::from_static(ROBOTS_TXT.as_bytes()),
            ),
            Page::Deliver => self.deliver(src, at, req).await,
            Page::Numbers => self.numbers(src, at).await,
            Page::Badge => badge(src, renderer, req),
            Page::Snapshot | Page::Signature | Page::Chunks | Page::Parts => {
                let Some(files) = src.snapshot() else {
                    return refused(renderer, &ReadRefusal::SnapshotNotReady.answer());
                };
                self.snapshot(renderer, page, files, req).await
            }
        }
    }

    /// Runs work that scans every published name off the connection
    /// threads, a few at a time, so a flood of such requests queues here
    /// instead of starving page serving; past `SCANS_WAITING` waiting,
    /// or after `SCAN_WAIT`, the answer is a "busy" page. A scan that
    /// fails is said once to the operator, and answered with a 503, never
    /// with an empty list.
    pub async fn scan<T, E>(
        &self,
        renderer: &Renderer,
        work: impl FnOnce() -> Result<T, E> + Send + 'static,
    ) -> Result<T, Reply>
    where
        T: Send + 'static,
        E: std::fmt::Display + From<ScanError> + Send + 'static,
    {
        let Ok(turn) = self.scans.enter().await else {
            return Err(refused(renderer, &ReadRefusal::Busy.answer()));
        };
        let result = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            work()
        })
        .await
        .unwrap_or_else(|_| Err(ScanError::Interrupted.into()));
        result.map_err(|e| self.scan_failed(renderer, &e))
    }

    /// The answer to a scan, or an export, that failed.
    pub fn scan_failed(&self, renderer: &Renderer, e: &dyn std::fmt::Display) -> Reply {
        if !self.scan_failure_told.swap(true, Ordering::Relaxed) {
            eprintln!("{}: {e}; such requests are answered with 503 (said once)", self.who);
        }
        refused(renderer, &ReadRefusal::ScanFailed.answer())
    }

    fn kind_page<S: Source>(&self, src: &S, at: Lang, kind: &str, query: Option<&str>) -> Reply {
        let renderer = src.renderer(at);
        let no = |r: ReadRefusal| refused(renderer, &r.answer());
        let Ok(kind) = Kind::parse(kind) else { return no(ReadRefusal::Miss(Miss::NotFound)) };
        let page_no = match http::query_param(query, "page").map(|p| p.parse::<usize>()) {
            None => 1,
            Some(Ok(n)) => n,
            Some(Err(_)) => return no(ReadRefusal::BadPageNumber),
        };
        let view = src.view();
        let listed = view.counts().listed(kind);
        if page_no == 0 || page_no > renderer.pages(listed) {
            return no(ReadRefusal::NoSuchPage);
        }
        let size = renderer.page_size();
        match view.published(kind, (page_no - 1) * size, size) {
            Ok(names) => http::respond(
                StatusCode::OK,
                HTML,
                "max-age=60",
                renderer.kind_page(kind, listed, page_no, &names),
            ),
            Err(e) => self.scan_failed(renderer, &e),
        }
    }

    async fn search<S: Source>(&self, src: &S, at: Lang, query: Option<&str>) -> Reply {
        let renderer = src.renderer(at);
        let q = http::query_param(query, "q").unwrap_or_default();
        if q.len() > MAX_QUERY {
            return refused(renderer, &ReadRefusal::SearchTooLong.answer());
        }
        let body = match SignatoryName::parse(&q).ok() {
            None => renderer.search_page(q.trim(), None),
            Some(name) => {
                let (folded, limit, view) = (name.folded(), renderer.page_size(), src.view());
                match self.scan(renderer, move || view.search(&folded, limit)).await {
                    Ok(found) => renderer.search_page(name.as_str(), Some(&found)),
                    Err(refused) => return refused,
                }
            }
        };
        http::respond(StatusCode::OK, HTML, "max-age=60", body)
    }

    /// The delivery edition of the signed snapshot in language `at`, built
    /// into a file once per snapshot and language, sent from it in chunks.
    async fn deliver<S: Source>(&self, src: &S, at: Lang, req: &Request<Incoming>) -> Reply {
        let renderer = src.renderer(at);
        let Some(files) = src.snapshot() else {
            return refused(renderer, &ReadRefusal::SnapshotNotReady.answer());
        };
        let sent = match self.editions.deliver_kept(at, files.seq) {
            Some(sent) => sent,
            None => {
                let job = DeliverJob {
                    renderer: renderer.clone(),
                    at,
                    seq: files.seq,
                    file: files.file,
                    signature: files.signature,
                    public_key: src.public_key(),
                    scratch: src.scratch(),
                };
                let editions = Arc::clone(&self.editions);
                match self.scan(renderer, move || editions.deliver(job)).await {
                    Ok(sent) => sent,
                    Err(refused) => return refused,
                }
            }
        };
        if http::none_match(req.headers(), &sent.etag) {
            return http::not_modified(HTML, "max-age=60", &sent.etag);
        }
        let mut r = http::respond_file(StatusCode::OK, HTML, "max-age=60", Arc::clone(&sent.file), sent.len);
        http::set_header(&mut r, header::ETAG, &sent.etag);
        r
    }

    /// The numbers page in language `at`: its figures made once per
    /// generation of the view, in the scan queue.
    async fn numbers<S: Source>(&self, src: &S, at: Lang) -> Reply {
        let renderer = src.renderer(at);
        let view = src.view();
        let page = match self.editions.numbers_kept(at, view.generation()) {
            Some(page) => page,
            None => {
                let (editions, r) = (Arc::clone(&self.editions), renderer.clone());
                match self.scan(renderer, move || editions.numbers(&r, at, view.as_ref())).await {
                    Ok(page) => page,
                    Err(refused) => return refused,
                }
            }
        };
        http::respond(StatusCode::OK, HTML, "max-age=60", page)
    }

    /// The snapshot, its signature, its chunk list or parts of it. The
    /// snapshot and its signature and chunk list carry the same `ETag` (the
    /// sequence number), so a mirror can tell that the files it fetched
    /// belong together; 304 to a client that has that one.
    async fn snapshot(
        &self,
        renderer: &Renderer,
        page: Page<'_>,
        files: SnapshotFiles,
        req: &Request<Incoming>,
    ) -> Reply {
        let etag = format!("\"{}\"", files.seq);
        let small = |body: Bytes| {
            let content_type = "text/plain; charset=utf-8";
            if http::none_match(req.headers(), &etag) {
                return http::not_modified(content_type, "no-cache", &etag);
            }
            let mut r = http::respond(StatusCode::OK, content_type, "no-cache", body);
            http::set_header(&mut r, header::ETAG, &etag);
            r
        };
        match page {
            Page::Snapshot => http::respond_versioned_file(
                req.headers(),
                "application/json",
                "no-cache",
                files.file,
                files.len,
                &etag,
            ),
            Page::Signature => small(files.signature),
            Page::Chunks if http::none_match(req.headers(), &etag) => small(Bytes::new()),
            Page::Chunks => match files.chunks {
                ChunkList::Made(list) => small(list),
                ChunkList::ToMake(make) => match self.scan(renderer, make).await {
                    Ok(list) => small(list),
                    Err(refused) => refused,
                },
            },
            _ => {
                let parts = crate::snapshot::chunks::MAX_PARTS;
                http::respond_file_parts(req.uri().query(), files.file, files.len, files.seq, parts)
                    .unwrap_or_else(|| refused(renderer, &ReadRefusal::Miss(Miss::NotFound).answer()))
            }
        }
    }
}

/// The badge of the signed snapshot, as it was made when signed: what a
/// page elsewhere embeds (so `Cross-Origin-Resource-Policy` lets it), with
/// a policy of its own that lets nothing in it run or load.
fn badge<S: Source>(src: &S, renderer: &Renderer, req: &Request<Incoming>) -> Reply {
    const SVG: &str = "image/svg+xml";
    let Some((seq, badge)) = src.snapshot().and_then(|f| Some((f.seq, f.badge?))) else {
        return refused(renderer, &ReadRefusal::SnapshotNotReady.answer());
    };
    let etag = format!("\"{seq}\"");
    let mut r = if http::none_match(req.headers(), &etag) {
        http::not_modified(SVG, "max-age=300", &etag)
    } else {
        let mut r = http::respond(StatusCode::OK, SVG, "max-age=300", badge);
        http::set_header(&mut r, header::ETAG, &etag);
        r
    };
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    r
}

/// An export, streamed from its file, with its build's `ETag`; 304 to a
/// client that has that build.
fn export(req: &Request<Incoming>, format: Format, sent: &ExportSent) -> Reply {
    let content_type = format.content_type();
    if http::none_match(req.headers(), &sent.etag) {
        return http::not_modified(content_type, "max-age=60", &sent.etag);
    }
    let mut r =
        http::respond_file(StatusCode::OK, content_type, "max-age=60", Arc::clone(&sent.file), sent.len);
    http::set_header(&mut r, header::ETAG, &sent.etag);
    if format == Format::Csv {
        r.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"signatories.csv\""),
        );
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_files_live_only_at_the_unprefixed_paths() {
        let (es, _) = languages::split("/es/").unwrap();
        assert_eq!(Page::parse(UNPREFIXED, "/signatories.csv"), Some(Page::Export(Format::Csv)));
        assert_eq!(Page::parse(es, "/signatories.csv"), None);
        assert_eq!(Page::parse(es, "/robots.txt"), None);
        assert_eq!(Page::parse(es, "/signatories/company"), Some(Page::Kind("company")));
        assert_eq!(Page::parse(UNPREFIXED, "/sign"), None);
    }
}
