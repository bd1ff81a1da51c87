//! The public site, as a [`Router`] over its own state: signing and
//! withdrawal, which go to the store, and the read pages (the letter, the
//! lists, search, the open data, the snapshot's files), answered by the
//! shared handlers of [`crate::public`] from the site as a
//! [`Source`]: its [`PublicView`], its letter page cached per language
//! with a fresh form token, its exports built into files. Every refusal is
//! a [`Refusal`] variant, answered in one place ([`Site::refuse`]).
//!
//! Every page is rendered in the language of its path: unprefixed paths in
//! English, `/TAG/…` in that shipped language (one [`Renderer`] each), by
//! the rules of [`languages`].

mod cache;
mod exports;
mod refusal;
#[cfg(test)]
mod tests;

pub use refusal::{page as refusal_page, Refusal, SignRefusal, WithdrawRefusal};

use crate::config::Config;
use crate::domain::{
    Affiliation, Country, Field, FieldError, FieldProblem, Kind, SignatoryName, Submission, Website,
};
use crate::http::{self, Form, FormLimits, Methods, Miss, Reply, Router, Verb, HTML, NO_STORE};
use crate::limits::{CircuitGuard, SiteLimit};
use crate::public::languages::{self, Lang, PerLang, UNPREFIXED};
use crate::public::{ChunkList, ExportSent, Format, Page, ReadRefusal, Reads, SnapshotFiles, Source};
use crate::render::{FormValues, LetterView, Renderer};
use crate::snapshot::Snapshots;
use crate::store::{Day, NewSignature, SignError, Store};
use crate::tokens::{self, Secret};
use crate::view::{PublicView, ScanError};
use bytes::Bytes;
use cache::PageCache;
use exports::Exports;
use hyper::body::Incoming;
use hyper::{Method, Request, StatusCode};
use std::sync::Arc;

/// The public site's state.
pub struct Site {
    config: Config,
    view: Arc<dyn PublicView>,
    store: Store,
    secret: Secret,
    /// One per language and prefix: the unprefixed English pages first
    /// ([`UNPREFIXED`]), then each shipped language under `/TAG/`.
    renderers: PerLang<Renderer>,
    cache: PageCache,
    exports: Exports,
    site_limit: SiteLimit,
    /// The read pages, and their queue for full-list scans.
    reads: Reads,
    /// Names this run in the exports' `ETag`s: the view's generation
    /// starts again at each start.
    run: u32,
    /// Pages that change only with the configuration, rendered at start-up,
    /// one per renderer.
    privacy: PerLang<Bytes>,
    withdraw: PerLang<Bytes>,
    /// The signed snapshots, kept signed by `snapshot::keep_signed`.
    snapshots: Arc<Snapshots>,
}

impl Router for Site {
    async fn route(self: Arc<Self>, req: Request<Incoming>, circuit: Option<Arc<CircuitGuard>>) -> Reply {
        let is_get = req.method() == Method::GET || req.method() == Method::HEAD;
        // `/es/privacy` is Spanish `/privacy`; an unprefixed path, English.
        let (at, path) = match languages::split(req.uri().path()) {
            Some(found) => found,
            None if is_get => return languages::add_slash(req.uri().path()),
            None => return self.refuse(UNPREFIXED, ReadRefusal::Miss(Miss::NotFound).into(), None),
        };
        match http::resolve(req.method(), Route::parse(at, path)) {
            Ok((Route::Read(page), _)) => self.reads.answer(&self, at, page, &req).await,
            Ok((Route::Sign, _)) => self.sign(at, circuit.as_deref(), req).await,
            Ok((Route::Withdraw, Verb::Get)) => {
                http::respond(StatusCode::OK, HTML, "max-age=300", self.withdraw[at].clone())
            }
            Ok((Route::Withdraw, Verb::Post)) => self.withdraw(at, req).await,
            Err(miss) => self.refuse(at, ReadRefusal::Miss(miss).into(), None),
        }
    }

    fn refuse_request(&self, error: http::RequestError) -> Reply {
        self.refuse(UNPREFIXED, ReadRefusal::Request(error).into(), None)
    }
}

/// The site's addresses: the read pages, and its own.
enum Route<'a> {
    Read(Page<'a>),
    Sign,
    Withdraw,
}

impl<'a> Route<'a> {
    /// The route at `path` in language `at`, with the methods it takes.
    fn parse(at: Lang, path: &'a str) -> Option<(Route<'a>, Methods)> {
        if let Some(page) = Page::parse(at, path) {
            return Some((Route::Read(page), Methods::Get));
        }
        match path {
            "/sign" => Some((Route::Sign, Methods::Post)),
            "/withdraw" => Some((Route::Withdraw, Methods::GetAndPost)),
            _ => None,
        }
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
            reads: Reads::new("undersign"),
            run: run_id(),
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
        form_limits(&self.config)
    }

    /// The one place a refusal of the site becomes a page ([`refusal::page`]).
    fn refuse(&self, at: Lang, refusal: Refusal, values: Option<&FormValues>) -> Reply {
        let closed = matches!(self.view.phase(), crate::domain::Phase::Closed { .. });
        refusal::page(&self.renderers[at], &self.secret, closed, &refusal, values)
    }

    fn letter_view(&self, at: Lang) -> Result<LetterView, ScanError> {
        let counts = self.view.counts();
        let groups = Kind::ALL
            .into_iter()
            .filter(|k| counts.listed(*k) > 0)
            .map(|k| Ok((k, self.view.published(k, 0, self.renderers[at].group_limit())?)))
            .collect::<Result<_, ScanError>>()?;
        Ok(LetterView { counts, phase: self.view.phase(), groups })
    }

    fn letter_page(&self, at: Lang) -> Reply {
        let built = self.cache.letter(at, self.view.generation(), || {
            Ok::<_, ScanError>(self.renderers[at].letter_page(&self.letter_view(at)?))
        });
        let page = match built {
            Ok(page) => page,
            Err(e) => return self.reads.scan_failed(&self.renderers[at], &e),
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

    async fn sign(&self, at: Lang, circuit: Option<&CircuitGuard>, req: Request<Incoming>) -> Reply {
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
        at: Lang,
        circuit: Option<&CircuitGuard>,
        fields: &Form,
    ) -> Result<String, SignRefusal> {
        if fields.get(HONEYPOT).is_some_and(|v| !v.is_empty()) {
            return Err(SignRefusal::Honeypot);
        }
        let token = fields.get("token").unwrap_or("");
        let token = self.secret.verify_token(token, self.config.min_fill_time, self.config.token_max_age)?;
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
            // 128 bits from the OS's random source, kept with the proof.
            proof_token: submission.website.as_ref().map(|_| crate::proof::new_token()),
            submission,
        };
        let proof = new.submission.website.clone().zip(new.proof_token.clone());
        match self.store.sign(new).await {
            Ok(signed) => {
                let proof = proof.map(|(domain, token)| (domain, crate::domain::proof::line(&token)));
                let code = tokens::withdrawal_code(signed.id, &code);
                Ok(self.renderers[at].thank_you(&name, signed.status, signed.listed, &code, proof))
            }
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

    async fn withdraw(&self, at: Lang, req: Request<Incoming>) -> Reply {
        let fields = match http::form::read_form(req, self.form_limits()).await {
            Ok(f) => f,
            Err(e) => return self.refuse(at, Refusal::Form(e), None),
        };
        let code = fields.get("code").map(str::trim).unwrap_or("");
        if code.is_empty() || code.len() > 100 {
            return self.refuse(at, Refusal::Withdraw(WithdrawRefusal::CodeMissing), None);
        }
        match self.store.withdraw(self.secret.withdrawal_lookup(code)).await {
            Ok(true) => http::html(StatusCode::OK, self.renderers[at].withdrawn()),
            Ok(false) => self.refuse(at, Refusal::Withdraw(WithdrawRefusal::CodeUnknown), None),
            Err(SignError::Stopped) => self.refuse(at, Refusal::Withdraw(WithdrawRefusal::Stopped), None),
            Err(_) => self.refuse(at, Refusal::Withdraw(WithdrawRefusal::Failed), None),
        }
    }
}

impl Source for Arc<Site> {
    fn view(&self) -> Arc<dyn PublicView> {
        Arc::clone(&self.view)
    }

    fn renderer(&self, at: Lang) -> &Renderer {
        &self.renderers[at]
    }

    fn letter(&self, at: Lang) -> Reply {
        self.letter_page(at)
    }

    fn privacy(&self, at: Lang) -> Bytes {
        self.privacy[at].clone()
    }

    /// The export of the latest build, built on the blocking pool in turn
    /// with the other scans when the view changed.
    async fn export(&self, format: Format) -> Result<Arc<ExportSent>, Reply> {
        let site = Arc::clone(self);
        let build = move || {
            let generation = site.view.generation();
            site.cache.export(format, generation, || {
                let r = &site.renderers[UNPREFIXED];
                let built =
                    site.exports.build(format, site.view.as_ref(), (r.letter(), r.letter_version()))?;
                let etag = format!("\"{:x}-{generation}\"", site.run);
                Ok::<_, exports::ExportBuildError>(ExportSent { file: built.file, len: built.len, etag })
            })
        };
        self.reads.scan(&self.renderers[UNPREFIXED], build).await
    }

    /// The snapshot signed last (by `snapshot::keep_signed`); checked each
    /// time, not kept: a new one can come at any moment.
    fn snapshot(&self) -> Option<SnapshotFiles> {
        let signed = self.snapshots.current()?;
        let chunks = match signed.chunks_made() {
            Some(list) => ChunkList::Made(list),
            None => {
                let signed = Arc::clone(&signed);
                ChunkList::ToMake(Box::new(move || {
                    signed.chunks().map_err(|e| {
                        ScanError::Unreadable(format!("the snapshot's chunk list could not be made: {e}"))
                    })
                }))
            }
        };
        Some(SnapshotFiles {
            seq: signed.comment.seq,
            file: Arc::clone(&signed.file),
            len: signed.len,
            signature: signed.signature.clone(),
            chunks,
            badge: signed.badge.clone(),
        })
    }

    fn public_key(&self) -> String {
        self.snapshots.key().public_key()
    }

    /// Beside the exports, in the data dir (owner only).
    fn scratch(&self) -> std::path::PathBuf {
        self.config.data_dir.join("exports")
    }
}

/// A number for this run, random so that no two runs share one.
fn run_id() -> u32 {
    let mut b = [0u8; 4];
    // Without randomness, the time: still another number for each run.
    getrandom::fill(&mut b).map(|()| u32::from_le_bytes(b)).unwrap_or_else(|_| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map_or(0, |d| d.subsec_nanos())
    })
}

/// The sign and withdrawal forms' bounds, from the configured body time
/// and rate, no field repeatable.
pub(crate) fn form_limits(c: &Config) -> FormLimits {
    FormLimits {
        max_body: http::form::MAX_BODY,
        timeout: c.body_timeout,
        min_rate: http::MinRate::new(c.request_grace, c.request_min_rate),
        repeatable: &[],
    }
}

/// What the visitor typed, to show the form again.
pub(crate) fn form_values(form: &Form) -> FormValues {
    let get = |k: &str| form.get(k).unwrap_or_default().to_string();
    FormValues {
        name: get("name"),
        kind: get("kind"),
        affiliation: get("affiliation"),
        country: get("country"),
        website: get("website"),
        listed: form.has("listed"),
    }
}

/// The field people do not see and bots fill.
const HONEYPOT: &str = "homepage";

/// The fields of a sign form, parsed.
pub(crate) fn parse_submission(form: &Form) -> Result<Submission, FieldError> {
    let get = |k: &str| form.get(k).unwrap_or("");
    let submission = Submission {
        name: SignatoryName::parse(get("name"))?,
        kind: Kind::parse(get("kind"))?,
        affiliation: Affiliation::parse(get("affiliation"))?,
        country: Country::parse(get("country"))?,
        listed: form.has("listed"),
        website: Website::parse(get("website"))?,
    };
    if submission.website.is_some() && submission.kind == Kind::Individual {
        return Err(FieldError::new(Field::Website, FieldProblem::WebsiteNotForIndividuals));
    }
    Ok(submission)
}
