//! The HTTP layer: listeners, connections, routing, limits and headers.
//!
//! It owns every bound the public side has: connections at once, per-circuit
//! connections (PROXY listeners), the header-read and body timeouts, the
//! 16 KiB body limit, and the signing throttles. It adds the security
//! headers to every response in one place (`App::finish`) and turns every
//! refusal into a short page with a 4xx status (503 when the store cannot
//! write). It never logs a request.

use crate::config::{Config, ListenAddr};
use crate::domain::signatory::{Affiliation, Country, Field, FieldError, Kind, SignatoryName, Submission};
use crate::limits::{CircuitGuard, CircuitLimits, SiteLimit};
use crate::proxy_protocol;
use crate::render::{FormValues, PageCache, Renderer};
use crate::store::{Day, NewSignature, SignError, Store};
use crate::tokens::{Secret, TokenError};
use bytes::buf::{Buf, Chain};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::{watch, Semaphore};

/// Largest request body accepted (a signature is a few hundred bytes).
pub const MAX_BODY: usize = 16 * 1024;
/// Longest search query, in bytes.
const MAX_QUERY: usize = 200;
/// A connection is closed after this long whatever it does, so a client
/// that stops reading cannot hold a slot for ever.
const CONNECTION_MAX: Duration = Duration::from_secs(300);

/// Everything a request handler needs; shared by all connections.
pub struct App {
    pub config: Config,
    pub store: Store,
    pub secret: Secret,
    pub renderer: Renderer,
    pub cache: PageCache,
    /// Console sign-in state (used only by the admin listener).
    pub auth: crate::admin::auth::Auth,
    site_limit: SiteLimit,
    circuits: Arc<CircuitLimits>,
    /// Scans of all names at once, at most (see [`heavy`]).
    heavy_slots: Semaphore,
    /// Headers every response carries, built once.
    common_headers: Vec<(HeaderName, HeaderValue)>,
    /// Pages that change only with the configuration, rendered at start-up.
    static_pages: StaticPages,
}

struct StaticPages {
    privacy: Bytes,
    withdraw: Bytes,
}

pub type Body = Full<Pieces>;

/// A response body in up to three pieces, written out with one vectored
/// write and never copied together: the cached letter page around its
/// per-request form token (the page is 28 KB and served more than anything).
pub type Pieces = Chain<Chain<Bytes, Bytes>, Bytes>;

fn pieces(head: Bytes, middle: Bytes, tail: Bytes) -> Pieces {
    head.chain(middle).chain(tail)
}

impl App {
    pub fn new(config: Config, store: Store, secret: Secret, renderer: Renderer) -> App {
        let csp = format!(
            "default-src 'none'; style-src {}; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            crate::render::style_hash()
        );
        let common_headers = vec![
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&csp).expect("ASCII")),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
            (HeaderName::from_static("cross-origin-resource-policy"), HeaderValue::from_static("same-origin")),
            (
                HeaderName::from_static("permissions-policy"),
                HeaderValue::from_static(
                    "accelerometer=(), ambient-light-sensor=(), autoplay=(), battery=(), bluetooth=(), browsing-topics=(), camera=(), clipboard-read=(), clipboard-write=(), display-capture=(), document-domain=(), encrypted-media=(), fullscreen=(), gamepad=(), geolocation=(), gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), interest-cohort=(), local-fonts=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-create=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), storage-access=(), sync-xhr=(), usb=(), web-share=(), window-management=(), xr-spatial-tracking=()",
                ),
            ),
        ];
        let site_limit = SiteLimit::new(config.sign_burst, config.sign_per_second);
        let circuits = CircuitLimits::new(
            config.circuit_max_connections,
            config.circuit_sign_burst,
            config.circuit_sign_per_minute,
        );
        let auth = crate::admin::auth::Auth::new(&config.data_dir, config.admin_session_idle);
        let cache = PageCache::new(config.page_rebuild_interval);
        let static_pages = StaticPages {
            privacy: renderer.privacy(&config.review_kinds).into(),
            withdraw: renderer.withdraw_form(None).into(),
        };
        App {
            auth,
            config,
            store,
            secret,
            renderer,
            cache,
            site_limit,
            circuits,
            heavy_slots: Semaphore::new(2),
            static_pages,
            common_headers,
        }
    }

    /// Adds the headers every response carries.
    /// `onion_path` is the path for `Onion-Location` (public pages only).
    fn finish(&self, mut resp: Response<Body>, onion_path: Option<&str>) -> Response<Body> {
        let h = resp.headers_mut();
        for (name, value) in &self.common_headers {
            h.insert(name.clone(), value.clone());
        }
        if let (Some(onion), Some(path)) = (&self.config.onion_location, onion_path) {
            // Same path on the onion; the host was checked when the config loaded.
            if let Ok(v) = HeaderValue::from_str(&format!("http://{onion}{path}")) {
                h.insert(HeaderName::from_static("onion-location"), v);
            }
        }
        resp
    }
}

pub(crate) fn respond(
    status: StatusCode,
    content_type: &'static str,
    cache: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    respond_pieces(status, content_type, cache, pieces(body.into(), Bytes::new(), Bytes::new()))
}

fn respond_pieces(
    status: StatusCode,
    content_type: &'static str,
    cache: &'static str,
    body: Pieces,
) -> Response<Body> {
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

pub(crate) const HTML: &str = "text/html; charset=utf-8";
/// Pages with a form token must not be reused from a cache: a used token
/// would be refused.
pub(crate) const NO_STORE: &str = "no-store";

pub(crate) fn html(status: StatusCode, body: String) -> Response<Body> {
    respond(status, HTML, NO_STORE, body)
}

/// A short error page.
pub(crate) fn error(app: &App, status: StatusCode, heading: &str, reason: &str) -> Response<Body> {
    html(status, app.renderer.error(heading, reason))
}

pub(crate) fn not_found(app: &App) -> Response<Body> {
    error(app, StatusCode::NOT_FOUND, "Page not found", "There is no page at this address.")
}

pub(crate) fn method_not_allowed(app: &App, allow: &'static str) -> Response<Body> {
    let mut r = error(
        app,
        StatusCode::METHOD_NOT_ALLOWED,
        "Not possible here",
        "This address does not take that kind of request.",
    );
    r.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

pub(crate) fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

/// Routes one request. Every path through here ends in a response; input
/// can make a 4xx, never a panic or a 500.
async fn handle(
    app: Arc<App>,
    surface: Surface,
    circuit: Option<Arc<CircuitGuard>>,
    req: Request<Incoming>,
) -> Response<Body> {
    let path = req.uri().path().to_owned();
    if surface == Surface::Admin {
        let resp = crate::admin::handle(&app, req).await;
        return app.finish(resp, None);
    }
    let method = req.method().clone();
    let is_get = method == Method::GET || method == Method::HEAD;
    let resp = match path.as_str() {
        "/" if is_get => letter_page(&app),
        "/" => method_not_allowed(&app, "GET, HEAD"),
        "/sign" if method == Method::POST => sign(&app, circuit.as_deref(), req).await,
        "/sign" => method_not_allowed(&app, "POST"),
        "/withdraw" if is_get => {
            respond(StatusCode::OK, HTML, "max-age=300", app.static_pages.withdraw.clone())
        }
        "/withdraw" if method == Method::POST => withdraw(&app, req).await,
        "/withdraw" => method_not_allowed(&app, "GET, HEAD, POST"),
        "/privacy" if is_get => {
            respond(StatusCode::OK, HTML, "max-age=300", app.static_pages.privacy.clone())
        }
        "/signatories" if is_get => search(&app, req.uri().query()).await,
        "/signatories.json" if is_get => {
            let body = heavy(&app, |app| Bytes::clone(&app.cache.json(&app.store))).await;
            respond(StatusCode::OK, "application/json", "max-age=60", body)
        }
        "/signatories.csv" if is_get => {
            let body = heavy(&app, |app| Bytes::clone(&app.cache.csv(&app.store))).await;
            let mut r = respond(StatusCode::OK, "text/csv; charset=utf-8", "max-age=60", body);
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"signatories.csv\""),
            );
            r
        }
        "/privacy" | "/signatories" | "/signatories.json" | "/signatories.csv" => {
            method_not_allowed(&app, "GET, HEAD")
        }
        p if p.starts_with("/signatories/") => {
            if !is_get {
                method_not_allowed(&app, "GET, HEAD")
            } else {
                kind_page(&app, &p["/signatories/".len()..], req.uri().query())
            }
        }
        _ => not_found(&app),
    };
    app.finish(resp, Some(&path))
}

fn letter_page(app: &App) -> Response<Body> {
    let page = app.cache.letter(&app.renderer, &app.store);
    let Some(tail) = &page.tail else {
        return respond(StatusCode::OK, HTML, NO_STORE, page.head.clone());
    };
    let token = Bytes::from(app.secret.issue_token());
    respond_pieces(StatusCode::OK, HTML, NO_STORE, pieces(page.head.clone(), token, tail.clone()))
}

fn kind_page(app: &App, kind: &str, query: Option<&str>) -> Response<Body> {
    let Ok(kind) = Kind::parse(kind) else {
        return not_found(app);
    };
    let page_no = match query_param(query, "page") {
        None => 1,
        Some(p) => match p.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                return error(
                    app,
                    StatusCode::BAD_REQUEST,
                    "Bad page number",
                    "The page number must be a whole number, 1 or more.",
                )
            }
        },
    };
    match app.renderer.kind_page(&app.store, kind, page_no) {
        Some(body) => respond(StatusCode::OK, HTML, "max-age=60", body),
        None => error(app, StatusCode::NOT_FOUND, "No such page", "This list has fewer pages."),
    }
}

/// Runs work that scans every published name (search, building an export)
/// off the connection threads, a few at a time, so a flood of such
/// requests queues here instead of starving page serving.
async fn heavy<T: Default + Send + 'static>(
    app: &Arc<App>,
    work: impl FnOnce(&App) -> T + Send + 'static,
) -> T {
    let Ok(_slot) = app.heavy_slots.acquire().await else { return T::default() };
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || work(&app)).await.unwrap_or_default()
}

async fn search(app: &Arc<App>, query: Option<&str>) -> Response<Body> {
    let q = query_param(query, "q").unwrap_or_default();
    if q.len() > MAX_QUERY {
        return error(
            app,
            StatusCode::BAD_REQUEST,
            "Search too long",
            "Please search for at most 100 characters.",
        );
    }
    let shown = SignatoryName::parse(&q).ok();
    let body = match shown {
        None => app.renderer.search_page(q.trim(), None),
        Some(name) => {
            let folded = name.folded();
            let limit = app.renderer.page_size();
            let found = heavy(app, move |app| app.store.search(&folded, limit)).await;
            app.renderer.search_page(name.as_str(), Some(&found))
        }
    };
    respond(StatusCode::OK, HTML, "max-age=60", body)
}

/// A decoded urlencoded form, fields in the order sent.
pub struct Form(Vec<(String, String)>);

impl Form {
    /// The first value of a field: a repeated field cannot override what
    /// was checked.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Every value of a field (checkbox lists).
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// Reads a urlencoded form body within the limits, or says why not.
pub(crate) async fn read_form(app: &App, req: Request<Incoming>) -> Result<Form, Response<Body>> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
        .unwrap_or(false);
    if !is_form {
        return Err(error(
            app,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Form not understood",
            "Please send the form from this site's page.",
        ));
    }
    let too_large = || {
        error(
            app,
            StatusCode::PAYLOAD_TOO_LARGE,
            "Form too large",
            "The form sent was larger than 16 KiB. Please shorten what you typed.",
        )
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let body = Limited::new(req.into_body(), MAX_BODY);
    let bytes = match tokio::time::timeout(app.config.body_timeout, body.collect()).await {
        Err(_) => {
            return Err(error(
                app,
                StatusCode::REQUEST_TIMEOUT,
                "Form too slow",
                "The form took too long to arrive. Please send it again.",
            ))
        }
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return Err(too_large())
        }
        Ok(Err(_)) => {
            return Err(error(
                app,
                StatusCode::BAD_REQUEST,
                "Form incomplete",
                "The form did not arrive whole. Please send it again.",
            ))
        }
        Ok(Ok(c)) => c.to_bytes(),
    };
    Ok(Form(form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()))
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

async fn sign(app: &App, circuit: Option<&CircuitGuard>, req: Request<Incoming>) -> Response<Body> {
    let fields = match read_form(app, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let values = form_values(&fields);
    let refuse = |status: StatusCode, heading: &str, reason: &str, field: Option<Field>| {
        let page = app.renderer.sign_refused(heading, reason, field, &app.secret.issue_token(), &values);
        html(status, page)
    };
    if fields.get("website").is_some_and(|v| !v.is_empty()) {
        return refuse(StatusCode::BAD_REQUEST, "Form not accepted", "A field meant to stay empty was filled in. If you use a form-filling tool, clear that field and send the form again.", None);
    }
    let token = fields.get("token").unwrap_or("");
    let token = match app.secret.verify_token(token, app.config.min_fill_time, app.config.token_max_age) {
        Ok(t) => t,
        Err(TokenError::Missing | TokenError::Forged) => {
            return refuse(StatusCode::BAD_REQUEST, "Form not recognised", "This form was not served by this site, or it was changed on the way. Please use the form below.", None)
        }
        Err(TokenError::Expired) => {
            return refuse(StatusCode::BAD_REQUEST, "Form expired", "This form is more than a day old. Please send it again with the fresh form below.", None)
        }
        Err(TokenError::TooFast) => {
            return refuse(StatusCode::BAD_REQUEST, "Too fast", "The form came back faster than a person can fill it in. Please wait a few seconds and send it again.", None)
        }
    };
    let submission = match parse_submission(&fields) {
        Ok(s) => s,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, "Please check the form", e.reason, Some(e.field)),
    };
    if circuit.is_some_and(|c| !c.allow_sign()) || !app.site_limit.allow_sign() {
        let mut r = refuse(StatusCode::TOO_MANY_REQUESTS, "Please wait", "Too many signatures are arriving from your connection or in all. Please wait a minute, then send the form again.", None);
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return r;
    }
    let code = app.secret.new_withdrawal_code();
    let name = submission.name.as_str().to_owned();
    let kind = submission.kind;
    let new = NewSignature {
        needs_review: app.config.needs_review(kind),
        token_nonce: token.nonce,
        token_forget_after: Day(
            ((token.issued_secs + app.config.token_max_age.as_secs()) / 86_400) as u32 + 1
        ),
        withdraw_hash: app.secret.withdrawal_hash(&code),
        max_pending: app.config.max_pending,
        submission,
    };
    match app.store.sign(new).await {
        Ok(signed) => html(StatusCode::OK, app.renderer.thank_you(&name, signed.status, signed.listed, &code)),
        Err(SignError::TokenUsed) => error(
            app,
            StatusCode::CONFLICT,
            "Already signed with this form",
            "This form was sent before and its signature is recorded. To sign for someone else, open the letter again for a fresh form.",
        ),
        Err(SignError::Duplicate) => refuse(
            StatusCode::CONFLICT,
            "Already signed",
            &format!("{} named “{name}” has already signed the letter.", capitalise(crate::render::kind_label(kind))),
            Some(Field::Name),
        ),
        Err(SignError::ReviewQueueFull) => {
            let mut r = refuse(StatusCode::SERVICE_UNAVAILABLE, "Please come back later", "Many signatures are waiting for review just now. Please send the form again later.", None);
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
            r
        }
        Err(SignError::Paused) => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "Signing is paused",
            "The organisers have paused signing for now. Please come back later; your entries are kept below.",
            None,
        ),
        Err(SignError::Closed) => error(
            app,
            StatusCode::GONE,
            "The letter is closed",
            "This letter no longer takes signatures.",
        ),
        Err(SignError::Unavailable | SignError::Stopped) => {
            let mut r = refuse(StatusCode::SERVICE_UNAVAILABLE, "Not saved", "Your signature could not be saved just now, so it was not recorded. Please send the form again in a few minutes.", None);
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
            r
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

async fn withdraw(app: &App, req: Request<Incoming>) -> Response<Body> {
    let fields = match read_form(app, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let code = fields.get("code").map(str::trim).unwrap_or("");
    if code.is_empty() || code.len() > 100 {
        return html(
            StatusCode::BAD_REQUEST,
            app.renderer.withdraw_form(Some("Please enter your withdrawal code.")),
        );
    }
    match app.store.withdraw(app.secret.withdrawal_hash(code)).await {
        Ok(true) => html(StatusCode::OK, app.renderer.withdrawn()),
        Ok(false) => html(
            StatusCode::NOT_FOUND,
            app.renderer.withdraw_form(Some("No signature has this withdrawal code. Check it for typing mistakes; a signature already withdrawn is gone.")),
        ),
        Err(_) => error(app, StatusCode::SERVICE_UNAVAILABLE, "Not done", "The signature could not be removed just now. Please try again in a few minutes."),
    }
}

/// A bound listening socket of either family.
pub enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, std::path::PathBuf),
}

impl Listener {
    pub async fn bind(addr: &ListenAddr) -> std::io::Result<Listener> {
        match addr {
            ListenAddr::Tcp(a) => Ok(Listener::Tcp(TcpListener::bind(a).await?)),
            ListenAddr::Unix(path) => {
                // A socket left by a previous run would make bind fail.
                if std::fs::symlink_metadata(path)
                    .is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()))
                {
                    std::fs::remove_file(path)?;
                }
                let listener = UnixListener::bind(path)?;
                // Owner and group: tor (in the socket's group) must connect,
                // nobody else. Under UMask=0077 the socket would be 0700.
                std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o660))?;
                Ok(Listener::Unix(listener, path.clone()))
            }
        }
    }

    /// Where it listens, for the start-up line.
    pub fn describe(&self) -> String {
        match self {
            Listener::Tcp(l) => l.local_addr().map(|a| format!("http://{a}")).unwrap_or_default(),
            Listener::Unix(_, p) => format!("unix:{}", p.display()),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::Unix(_, path) = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Which site a listener serves. The console has its own listener, so no
/// admin route exists on the public one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    Public,
    Admin,
}

/// Serves until `shutdown` turns true, then lets connections finish their
/// requests (in-flight signatures included) for up to 10 s.
pub async fn serve(app: Arc<App>, listener: Listener, surface: Surface, mut shutdown: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(app.config.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        // Wait for a free slot before accepting: excess clients wait in the
        // kernel's backlog instead of costing memory here.
        let permit = tokio::select! {
            p = Arc::clone(&slots).acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = shutdown.changed() => break,
        };
        let accepted = tokio::select! {
            a = accept(&listener) => a,
            _ = shutdown.changed() => break,
        };
        let Ok(stream) = accepted else {
            // Out of file descriptors and the like: back off, do not spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let app = Arc::clone(&app);
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _permit = permit;
            match stream {
                Stream::Tcp(s) => {
                    let _ = s.set_nodelay(true);
                    connection(app, surface, s, watcher).await
                }
                Stream::Unix(s) => connection(app, surface, s, watcher).await,
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}

enum Stream {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

async fn accept(listener: &Listener) -> std::io::Result<Stream> {
    match listener {
        Listener::Tcp(l) => l.accept().await.map(|(s, _peer)| Stream::Tcp(s)),
        Listener::Unix(l, _) => l.accept().await.map(|(s, _peer)| Stream::Unix(s)),
    }
}

/// One connection: optional PROXY header, then HTTP/1.1 with keep-alive.
async fn connection<S>(
    app: Arc<App>,
    surface: Surface,
    mut stream: S,
    watcher: hyper_util::server::graceful::Watcher,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let circuit = if app.config.proxy_protocol && surface == Surface::Public {
        let header =
            tokio::time::timeout(app.config.header_read_timeout, proxy_protocol::read_header(&mut stream))
                .await;
        let Ok(Ok(id)) = header else { return };
        match app.circuits.connect(id.0) {
            Some(guard) => Some(Arc::new(guard)),
            None => return, // this circuit has too many connections open
        }
    } else {
        None
    };
    let service_app = Arc::clone(&app);
    let service = hyper::service::service_fn(move |req| {
        let app = Arc::clone(&service_app);
        let circuit = circuit.clone();
        async move { Ok::<_, Infallible>(handle(app, surface, circuit, req).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(app.config.header_read_timeout)
        .auto_date_header(false)
        .max_buf_size(64 * 1024)
        .max_headers(64);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(CONNECTION_MAX, watcher.watch(conn)).await;
}
