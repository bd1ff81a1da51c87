//! The public site: the letter, signing, withdrawal, the lists, search and
//! the open data, as a [`Router`] over its own state. Reads come from a
//! [`PublicView`]; signing and withdrawal go to the store. Every refusal is
//! a [`Refusal`] variant, answered in one place ([`Site::refuse`]).
//!
//! Every page is rendered in the language of its path: unprefixed paths in
//! English, `/TAG/…` in that shipped language (one [`Renderer`] each, and
//! a letter page cached per language), by the rules of [`languages`].

mod cache;
mod exports;
pub mod languages;
mod refusal;
#[cfg(test)]
mod tests;

pub use refusal::{Refusal, SignRefusal, WithdrawRefusal};

use crate::config::Config;
use crate::domain::{Affiliation, Country, FieldError, Kind, SignatoryName, Submission};
use crate::http::{self, Form, FormLimits, Reply, Router, HTML, NO_STORE};
use crate::limits::{CircuitGuard, Queue, SiteLimit};
use crate::render::{FormValues, LetterView, Renderer};
use crate::snapshot::{chunks, Snapshots};
use crate::store::{Day, NewSignature, SignError, Store};
use crate::tokens::{Secret, TokenError};
use crate::view::{PublicView, ScanError};
use bytes::Bytes;
use cache::PageCache;
use exports::{Exports, Format};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, StatusCode};
use languages::UNPREFIXED;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Longest search query, in bytes.
const MAX_QUERY: usize = 200;
/// Scans of every published name (search, building an export) at once.
const SCANS_AT_ONCE: usize = 2;
/// Scans that may wait for one of those, and for how long: a flood of
/// them is answered "busy" at once instead of holding connection slots.
const SCANS_WAITING: usize = 64;
const SCAN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The public site's state.
pub struct Site {
    config: Config,
    view: Arc<dyn PublicView>,
    store: Store,
    secret: Secret,
    /// One per language and prefix: the unprefixed English pages first
    /// ([`UNPREFIXED`]), then each shipped language under `/TAG/`.
    renderers: Vec<Renderer>,
    cache: PageCache,
    exports: Exports,
    site_limit: SiteLimit,
    scans: Queue,
    /// A failed scan is told to the operator once, not per request.
    scan_failure_told: AtomicBool,
    /// Pages that change only with the configuration, rendered at start-up,
    /// one per renderer.
    privacy: Vec<Bytes>,
    withdraw: Vec<Bytes>,
    /// The signed snapshots, kept signed by `snapshot::keep_signed`.
    snapshots: Arc<Snapshots>,
}

impl Router for Site {
    async fn route(self: Arc<Self>, req: Request<Incoming>, circuit: Option<Arc<CircuitGuard>>) -> Reply {
        let method = req.method().clone();
        let is_get = method == Method::GET || method == Method::HEAD;
        // `/es/privacy` is Spanish `/privacy`; an unprefixed path, English.
        let (at, path) = match languages::split(req.uri().path()) {
            Some(found) => found,
            None if is_get => return languages::add_slash(req.uri().path()),
            None => return self.refuse(UNPREFIXED, Refusal::NotFound, None),
        };
        match path {
            "/" if is_get && at == UNPREFIXED => {
                languages::first_visit(req.headers(), || self.letter_page(at))
            }
            "/" if is_get => self.letter_page(at),
            "/sign" if method == Method::POST => self.sign(at, circuit.as_deref(), req).await,
            "/withdraw" if is_get => {
                http::respond(StatusCode::OK, HTML, "max-age=300", self.withdraw[at].clone())
            }
            "/withdraw" if method == Method::POST => self.withdraw(at, req).await,
            "/privacy" if is_get => {
                http::respond(StatusCode::OK, HTML, "max-age=300", self.privacy[at].clone())
            }
            "/signatories" if is_get => {
                let query = req.uri().query().map(str::to_owned);
                self.search(at, query.as_deref()).await
            }
            // The open data and the snapshots are the same in every
            // language: they live at the unprefixed paths only.
            "/signatories.json" if is_get && at == UNPREFIXED => self.export(Format::Json).await,
            "/signatories.csv" if is_get && at == UNPREFIXED => self.export(Format::Csv).await,
            "/snapshot.json" if is_get && at == UNPREFIXED => self.snapshot(&req, false),
            "/snapshot.json.minisig" if is_get && at == UNPREFIXED => self.snapshot(&req, true),
            "/snapshot.chunks" if is_get && at == UNPREFIXED => self.snapshot_chunks(&req).await,
            "/snapshot.parts" if is_get && at == UNPREFIXED => self.snapshot_parts(req.uri().query()),
            p if languages::LANGUAGE_NEUTRAL.contains(&p) && at != UNPREFIXED => {
                self.refuse(at, Refusal::NotFound, None)
            }
            p if languages::LANGUAGE_NEUTRAL.contains(&p) => {
                self.refuse(at, Refusal::Method("GET, HEAD"), None)
            }
            "/" | "/privacy" | "/signatories" => self.refuse(at, Refusal::Method("GET, HEAD"), None),
            "/sign" => self.refuse(at, Refusal::Method("POST"), None),
            "/withdraw" => self.refuse(at, Refusal::Method("GET, HEAD, POST"), None),
            p if p.starts_with("/signatories/") => {
                if is_get {
                    self.kind_page(at, &p["/signatories/".len()..], req.uri().query())
                } else {
                    self.refuse(at, Refusal::Method("GET, HEAD"), None)
                }
            }
            _ => self.refuse(at, Refusal::NotFound, None),
        }
    }

    fn refuse_request(&self, error: http::RequestError) -> Reply {
        self.refuse(UNPREFIXED, Refusal::Request(error), None)
    }
}

impl Site {
    /// The site over `view`, signing into `store`.
    pub fn new(
        config: Config,
        view: Arc<dyn PublicView>,
        store: Store,
        secret: Secret,
        renderer: Renderer,
        snapshots: Arc<Snapshots>,
    ) -> Site {
        let renderers = languages::renderers(&renderer);
        let key = snapshots.key().public_key();
        let privacy = renderers.iter().map(|r| r.privacy(&config.review_kinds, &key).into()).collect();
        let withdraw = renderers.iter().map(|r| r.withdraw_form(None).into()).collect();
        let exports = Exports::new(&config.data_dir);
        if let Err(e) = exports.clear() {
            eprintln!("undersign: {e}; they are replaced when first asked for");
        }
        Site {
            exports,
            site_limit: SiteLimit::new(config.sign_burst, config.sign_per_second),
            cache: PageCache::new(config.page_rebuild_interval, renderers.len()),
            config,
            view,
            store,
            secret,
            renderers,
            scans: Queue::new(SCANS_AT_ONCE, SCANS_WAITING, SCAN_WAIT),
            scan_failure_told: AtomicBool::new(false),
            privacy,
            withdraw,
            snapshots,
        }
    }

    /// The letter's title, for the start-up line.
    pub fn title(&self) -> &str {
        self.renderers[UNPREFIXED].title()
    }

    fn form_limits(&self) -> FormLimits {
        FormLimits::of(&self.config)
    }

    /// The one place a refusal becomes a page. `values` is what the visitor
    /// typed, for refusals that show the sign form again.
    fn refuse(&self, at: usize, refusal: Refusal, values: Option<&FormValues>) -> Reply {
        let answer = refusal.answer();
        let renderer = &self.renderers[at];
        let words = renderer.words();
        // A closed letter invites nobody: whatever was wrong with a form
        // sent to it, the answer says it is closed, with no form again.
        let closed = matches!(refusal, Refusal::Sign(_))
            && matches!(self.view.phase(), crate::domain::Phase::Closed { .. });
        let (heading, reason) = if closed {
            use crate::messages::MessageId::{Closed, ClosedHeading};
            (words.get(ClosedHeading), words.get(Closed))
        } else {
            (words.get(answer.heading), words.text(&answer.reason))
        };
        let body = match (&refusal, values) {
            (Refusal::Sign(r), Some(values)) if r.shows_form() && !closed => {
                let token = self.secret.issue_token();
                renderer.sign_refused(&heading, &reason, r.field(), &token, values)
            }
            (Refusal::Withdraw(r), _) if r.shows_form() => renderer.withdraw_form(Some(&reason)),
            _ => renderer.error(&heading, &reason),
        };
        let mut resp = http::html(answer.status, body);
        answer.apply(&mut resp);
        resp
    }

    fn letter_view(&self, at: usize) -> Result<LetterView, ScanError> {
        let counts = self.view.counts();
        let groups = Kind::ALL
            .into_iter()
            .filter(|k| counts.listed(*k) > 0)
            .map(|k| Ok((k, self.view.published(k, 0, self.renderers[at].group_limit())?)))
            .collect::<Result<_, ScanError>>()?;
        Ok(LetterView { counts, phase: self.view.phase(), groups })
    }

    fn letter_page(&self, at: usize) -> Reply {
        let built = self.cache.letter(at, self.view.generation(), || {
            Ok::<_, ScanError>(self.renderers[at].letter_page(&self.letter_view(at)?))
        });
        let page = match built {
            Ok(page) => page,
            Err(e) => return self.scan_failed(at, &e),
        };
        let Some(tail) = &page.tail else {
            return http::respond(StatusCode::OK, HTML, NO_STORE, page.head.clone());
        };
        let token = Bytes::from(self.secret.issue_token());
        http::respond_pieces(
            StatusCode::OK,
            HTML,
            NO_STORE,
            http::pieces(page.head.clone(), token, tail.clone()),
        )
    }

    fn kind_page(&self, at: usize, kind: &str, query: Option<&str>) -> Reply {
        let Ok(kind) = Kind::parse(kind) else {
            return self.refuse(at, Refusal::NotFound, None);
        };
        let page_no = match http::query_param(query, "page").map(|p| p.parse::<usize>()) {
            None => 1,
            Some(Ok(n)) => n,
            Some(Err(_)) => return self.refuse(at, Refusal::BadPageNumber, None),
        };
        let listed = self.view.counts().listed(kind);
        let renderer = &self.renderers[at];
        if page_no == 0 || page_no > renderer.pages(listed) {
            return self.refuse(at, Refusal::NoSuchPage, None);
        }
        let size = renderer.page_size();
        let names = match self.view.published(kind, (page_no - 1) * size, size) {
            Ok(names) => names,
            Err(e) => return self.scan_failed(at, &e),
        };
        http::respond(StatusCode::OK, HTML, "max-age=60", renderer.kind_page(kind, listed, page_no, &names))
    }

    /// Runs work that scans every published name off the connection
    /// threads, a few at a time, so a flood of such requests queues here
    /// instead of starving page serving; past [`SCANS_WAITING`] waiting,
    /// or after [`SCAN_WAIT`], the answer is a "busy" page. A scan that fails is said once to
    /// the operator, and answered with a 503, never with an empty list.
    async fn scan<T, E>(
        self: &Arc<Self>,
        at: usize,
        work: impl FnOnce(&Site) -> Result<T, E> + Send + 'static,
    ) -> Result<T, Reply>
    where
        T: Send + 'static,
        E: std::fmt::Display + From<ScanError> + Send + 'static,
    {
        let Ok(turn) = self.scans.enter().await else { return Err(self.refuse(at, Refusal::Busy, None)) };
        let site = Arc::clone(self);
        let result = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            work(&site)
        })
        .await
        .unwrap_or_else(|_| Err(ScanError::Interrupted.into()));
        result.map_err(|e| self.scan_failed(at, &e))
    }

    /// The answer to a scan, or an export, that failed.
    fn scan_failed(&self, at: usize, e: &dyn std::fmt::Display) -> Reply {
        if !self.scan_failure_told.swap(true, Ordering::Relaxed) {
            eprintln!("undersign: {e}; such requests are answered with 503 (said once)");
        }
        self.refuse(at, Refusal::ScanFailed, None)
    }

    async fn search(self: &Arc<Self>, at: usize, query: Option<&str>) -> Reply {
        let q = http::query_param(query, "q").unwrap_or_default();
        if q.len() > MAX_QUERY {
            return self.refuse(at, Refusal::SearchTooLong, None);
        }
        let renderer = &self.renderers[at];
        let body = match SignatoryName::parse(&q).ok() {
            None => renderer.search_page(q.trim(), None),
            Some(name) => {
                let folded = name.folded();
                let limit = renderer.page_size();
                match self.scan(at, move |site| site.view.search(&folded, limit)).await {
                    Ok(found) => renderer.search_page(name.as_str(), Some(&found)),
                    Err(refused) => return refused,
                }
            }
        };
        http::respond(StatusCode::OK, HTML, "max-age=60", body)
    }

    /// An export, streamed from the file of its latest build.
    async fn export(self: &Arc<Self>, format: Format) -> Reply {
        let built = self
            .scan(UNPREFIXED, move |site| {
                site.cache.export(format, site.view.generation(), || {
                    site.exports.build(format, site.view.as_ref(), site.renderers[UNPREFIXED].letter())
                })
            })
            .await;
        let file = match built {
            Ok(file) => file,
            Err(refused) => return refused,
        };
        let content_type = match format {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
        };
        let mut r =
            http::respond_file(StatusCode::OK, content_type, "max-age=60", Arc::clone(&file.file), file.len);
        if format == Format::Csv {
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"signatories.csv\""),
            );
        }
        r
    }

    /// The current signed snapshot, streamed from its file, or its
    /// signature; 304 when the client has that one. Both carry the same
    /// `ETag` (the sequence number), so a mirror can tell that the two it
    /// fetched belong together.
    fn snapshot(&self, req: &Request<Incoming>, signature: bool) -> Reply {
        let Some(signed) = self.snapshots.current() else {
            return self.refuse(UNPREFIXED, Refusal::SnapshotNotReady, None);
        };
        let etag = signed.etag();
        // Checked each time, not cached: a new one can come at any moment.
        if !signature {
            let file = Arc::clone(&signed.file);
            return http::respond_versioned_file(
                req.headers(),
                "application/json",
                "no-cache",
                file,
                signed.len,
                &etag,
            );
        }
        let content_type = "text/plain; charset=utf-8";
        if http::none_match(req.headers(), &etag) {
            return http::not_modified(content_type, "no-cache", &etag);
        }
        let mut r = http::respond(StatusCode::OK, content_type, "no-cache", signed.signature.clone());
        http::set_header(&mut r, header::ETAG, &etag);
        r
    }

    /// Parts of the current snapshot, for a mirror that holds the others
    /// ([`http::respond_file_parts`]); a query for another snapshot, or a
    /// malformed one, is not found.
    fn snapshot_parts(&self, query: Option<&str>) -> Reply {
        let Some(signed) = self.snapshots.current() else {
            return self.refuse(UNPREFIXED, Refusal::SnapshotNotReady, None);
        };
        let file = Arc::clone(&signed.file);
        http::respond_file_parts(query, file, signed.len, signed.comment.seq, chunks::MAX_PARTS)
            .unwrap_or_else(|| self.refuse(UNPREFIXED, Refusal::NotFound, None))
    }

    /// The current snapshot's chunk list (see [`crate::snapshot::chunks`]),
    /// with the snapshot's `ETag`: made on the blocking pool the first time
    /// it is asked for, in turn with the other scans.
    async fn snapshot_chunks(self: &Arc<Self>, req: &Request<Incoming>) -> Reply {
        let Some(signed) = self.snapshots.current() else {
            return self.refuse(UNPREFIXED, Refusal::SnapshotNotReady, None);
        };
        let (content_type, etag) = ("text/plain; charset=utf-8", signed.etag());
        if http::none_match(req.headers(), &etag) {
            return http::not_modified(content_type, "no-cache", &etag);
        }
        let list = match signed.chunks_made() {
            Some(list) => list,
            None => {
                let made = self.scan(UNPREFIXED, move |_| {
                    signed.chunks().map_err(|e| {
                        ScanError::Unreadable(format!("the snapshot's chunk list could not be made: {e}"))
                    })
                });
                match made.await {
                    Ok(list) => list,
                    Err(refused) => return refused,
                }
            }
        };
        let mut r = http::respond(StatusCode::OK, content_type, "no-cache", list);
        http::set_header(&mut r, header::ETAG, &etag);
        r
    }

    async fn sign(&self, at: usize, circuit: Option<&CircuitGuard>, req: Request<Incoming>) -> Reply {
        let fields = match http::form::read_form(req, self.form_limits()).await {
            Ok(f) => f,
            Err(e) => return self.refuse(at, Refusal::Form(e), None),
        };
        let values = form_values(&fields);
        match self.try_sign(at, circuit, &fields).await {
            Ok(page) => http::html(StatusCode::OK, page),
            Err(refusal) => self.refuse(at, Refusal::Sign(refusal), Some(&values)),
        }
    }

    /// Every check of a signature, in order; the thank-you page once it is
    /// on disk.
    async fn try_sign(
        &self,
        at: usize,
        circuit: Option<&CircuitGuard>,
        fields: &Form,
    ) -> Result<String, SignRefusal> {
        if fields.get("website").is_some_and(|v| !v.is_empty()) {
            return Err(SignRefusal::Honeypot);
        }
        let token = fields.get("token").unwrap_or("");
        let token = self
            .secret
            .verify_token(token, self.config.min_fill_time, self.config.token_max_age)
            .map_err(|e| match e {
                TokenError::Missing | TokenError::Forged => SignRefusal::Forged,
                TokenError::Expired => SignRefusal::Expired,
                TokenError::TooFast => SignRefusal::TooFast,
            })?;
        let submission = parse_submission(fields).map_err(SignRefusal::Field)?;
        if circuit.is_some_and(|c| !c.allow_sign()) || !self.site_limit.allow_sign() {
            return Err(SignRefusal::Throttled);
        }
        let code = self.secret.new_withdrawal_code();
        let name = submission.name.as_str().to_owned();
        let kind = submission.kind;
        let new = NewSignature {
            // The store holds a flagged name for review by itself.
            needs_review: self.config.needs_review(kind),
            token_nonce: token.nonce,
            token_forget_after: Day(((token.issued_secs + self.config.token_max_age.as_secs()) / 86_400)
                as u32
                + 1),
            withdraw_hash: self.secret.withdrawal_hash(&code),
            max_pending: self.config.max_pending,
            submission,
        };
        match self.store.sign(new).await {
            Ok(signed) => Ok(self.renderers[at].thank_you(&name, signed.status, signed.listed, &code)),
            Err(e) => Err(match e {
                SignError::TokenUsed => SignRefusal::Used,
                SignError::Duplicate => SignRefusal::Duplicate { kind, name },
                SignError::ReviewQueueFull => SignRefusal::QueueFull,
                SignError::Paused => SignRefusal::Paused,
                SignError::Closed => SignRefusal::Closed,
                SignError::Unavailable => SignRefusal::NotSaved,
                SignError::Stopped => SignRefusal::Stopped,
            }),
        }
    }

    async fn withdraw(&self, at: usize, req: Request<Incoming>) -> Reply {
        let fields = match http::form::read_form(req, self.form_limits()).await {
            Ok(f) => f,
            Err(e) => return self.refuse(at, Refusal::Form(e), None),
        };
        let code = fields.get("code").map(str::trim).unwrap_or("");
        if code.is_empty() || code.len() > 100 {
            return self.refuse(at, Refusal::Withdraw(WithdrawRefusal::CodeMissing), None);
        }
        match self.store.withdraw(self.secret.withdrawal_hash(code)).await {
            Ok(true) => http::html(StatusCode::OK, self.renderers[at].withdrawn()),
            Ok(false) => self.refuse(at, Refusal::Withdraw(WithdrawRefusal::CodeUnknown), None),
            Err(SignError::Stopped) => self.refuse(at, Refusal::Withdraw(WithdrawRefusal::Stopped), None),
            Err(_) => self.refuse(at, Refusal::Withdraw(WithdrawRefusal::Failed), None),
        }
    }
}

fn form_values(form: &Form) -> FormValues {
    let get = |k: &str| form.get(k).unwrap_or_default().to_string();
    FormValues {
        name: get("name"),
        kind: get("kind"),
        affiliation: get("affiliation"),
        country: get("country"),
        listed: form.has("listed"),
    }
}

fn parse_submission(form: &Form) -> Result<Submission, FieldError> {
    let get = |k: &str| form.get(k).unwrap_or("");
    Ok(Submission {
        name: SignatoryName::parse(get("name"))?,
        kind: Kind::parse(get("kind"))?,
        affiliation: Affiliation::parse(get("affiliation"))?,
        country: Country::parse(get("country"))?,
        listed: form.has("listed"),
    })
}
