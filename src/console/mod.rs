//! The moderation console, a [`Router`] of its own served only on its own
//! listener (`--admin-listen`), so the public address has no admin route at
//! all. It holds what it needs and nothing of the public site: the store,
//! the moderators and their sessions ([`auth`]), and the page settings.
//! Pages are as free of JavaScript as the public ones; state-changing forms
//! carry the session's CSRF token and answer with a redirect (303) back to
//! the page they came from. Every action goes through the store, which
//! records it in the audit list under the moderator's name.

pub mod auth;

use crate::domain::{Affiliation, Day, Flag, Kind, Phase, RejectReason, SignatoryName};
use crate::http::{self, form, Answer, Form, FormLimits, Reply, Router};
use crate::limits::CircuitGuard;
use crate::messages::{Catalogue, Message, MessageId};
use crate::render::admin::{self as pages, Done, Moderator};
use crate::render::Renderer;
use crate::store::{Action, Store};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, StatusCode};
use std::sync::Arc;
use std::time::Duration;

/// The session cookie's name.
const COOKIE: &str = "undersign_session";
/// The sign-in form's CSRF cookie ([`auth::login_token`]).
const LOGIN_COOKIE: &str = "undersign_login";
/// Rows per page in the queue, published list and audit list.
const PAGE_ROWS: usize = 100;

/// Every way the console says no.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsoleRefusal {
    /// No page here, or not with this method.
    Miss(http::Miss),
    /// The request's head is ambiguous.
    Request(http::RequestError),
    /// The form body could not be read.
    Form(http::FormError),
    /// No live session for a form.
    SignedOut,
    /// The form's CSRF token is not the session's.
    Csrf,
    /// No signature has this id.
    NoSuchSignature,
    /// The action cannot be done as asked (what to do instead).
    NotDone(Message),
    /// The store did not write the change.
    NotSaved,
    /// The store could not be read (the operator has been told why).
    Unreadable,
    /// The request names another site than this console (`Host`): a page
    /// elsewhere reaching it by DNS rebinding, or a mistyped address.
    WrongHost,
}

impl ConsoleRefusal {
    /// The status and words of the refusal.
    pub fn answer(&self) -> Answer {
        use MessageId::*;
        match self {
            ConsoleRefusal::Miss(m) => m.answer(),
            ConsoleRefusal::Request(e) => Answer::from(*e),
            ConsoleRefusal::Form(e) => Answer::from(*e),
            ConsoleRefusal::SignedOut => Answer::new(StatusCode::FORBIDDEN, SignedOutHeading, SignedOut),
            ConsoleRefusal::Csrf => Answer::new(StatusCode::FORBIDDEN, CsrfHeading, Csrf),
            ConsoleRefusal::NoSuchSignature => {
                Answer::new(StatusCode::NOT_FOUND, NoSuchSignatureHeading, NoSuchSignature)
            }
            ConsoleRefusal::NotDone(why) => Answer::new(StatusCode::BAD_REQUEST, NotDoneHeading, why.clone()),
            ConsoleRefusal::NotSaved => {
                Answer::new(StatusCode::SERVICE_UNAVAILABLE, NotSavedHeading, ConsoleNotSaved)
            }
            ConsoleRefusal::Unreadable => {
                Answer::new(StatusCode::SERVICE_UNAVAILABLE, ScanFailedHeading, ConsoleUnreadable)
            }
            ConsoleRefusal::WrongHost => {
                Answer::new(StatusCode::MISDIRECTED_REQUEST, BadRequestHeading, WrongHost)
            }
        }
    }
}

/// The console's state.
pub struct Console {
    hosts: Hosts,
    store: Store,
    auth: auth::Auth,
    renderer: Renderer,
    words: Catalogue,
    form_limits: FormLimits,
    retention_days: u32,
    /// The proof checker's handle, for "Check now".
    checks: Option<crate::proof::Checks>,
}

/// A signed-in moderator for this request.
struct Session {
    name: String,
    csrf: String,
    cookie: String,
}

impl Session {
    fn frame<'a>(&'a self, letter: &'a str, words: Catalogue) -> Moderator<'a> {
        Moderator { letter, name: &self.name, csrf: &self.csrf, words, done: None }
    }
}

impl Router for Console {
    async fn route(self: Arc<Self>, req: Request<Incoming>, _circuit: Option<Arc<CircuitGuard>>) -> Reply {
        self.handle(req).await
    }

    fn refuse_request(&self, error: http::RequestError) -> Reply {
        self.refuse(ConsoleRefusal::Request(error))
    }
}

/// The names a request may give as its `Host` to reach the console: the
/// loopback names, the address it listens on, and any onion (its own, made
/// by arti or by a tor daemon in front of its socket: an onion name is
/// never looked up in DNS, so it cannot be rebound to this machine). Any
/// port, since a moderator reaches a console through an SSH or tor forward
/// on a port of their own; a page that reaches it by DNS rebinding names
/// its own host.
#[derive(Clone, Debug)]
pub struct Hosts(Vec<String>);

impl Hosts {
    /// The loopback names and the address the console listens on.
    pub fn new(listen: Option<std::net::IpAddr>) -> Hosts {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"].map(String::from).into();
        if let Some(ip) = listen.filter(|ip| !ip.is_unspecified()) {
            names.push(match ip {
                std::net::IpAddr::V4(v4) => v4.to_string(),
                std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            });
        }
        Hosts(names)
    }

    /// Whether a `Host` header (`name[:port]`) names this console.
    fn allow(&self, host: Option<&HeaderValue>) -> bool {
        let Some(host) = host.and_then(|h| h.to_str().ok()) else { return false };
        let name = match host.rsplit_once(':') {
            Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        };
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        let onion = name.strip_suffix(".onion").is_some_and(|n| !n.is_empty() && !n.ends_with('.'));
        onion || self.0.contains(&name)
    }
}

impl Console {
    /// The console over `store`, with moderators from `data_dir`, in the
    /// language of `words`, answering requests that name one of `hosts`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        renderer: Renderer,
        words: Catalogue,
        data_dir: &std::path::Path,
        (session_idle, session_max): (Duration, Duration),
        form_limits: FormLimits,
        retention_days: u32,
        hosts: Hosts,
    ) -> Console {
        Console {
            hosts,
            store,
            auth: auth::Auth::new(data_dir, session_idle, session_max),
            renderer,
            words,
            // Checkbox lists of signatures are the console's only lists.
            form_limits: form_limits.repeatable(&["id"]),
            retention_days,
            checks: None,
        }
    }

    /// The same console, able to ask the proof checker for a check now.
    pub fn with_proof_checks(self, checks: crate::proof::Checks) -> Console {
        Console { checks: Some(checks), ..self }
    }

    fn refuse(&self, refusal: ConsoleRefusal) -> Reply {
        self.refuse_back(refusal, "/")
    }

    /// A refusal whose page leads back to `back`, where the moderator was.
    fn refuse_back(&self, refusal: ConsoleRefusal, back: &str) -> Reply {
        let answer = refusal.answer();
        let page = pages::error(
            &self.words,
            self.renderer.title(),
            &self.words.get(answer.heading),
            &self.words.text(&answer.reason),
            back,
        );
        let mut resp = http::html(answer.status, page);
        answer.apply(&mut resp);
        resp
    }

    fn page(&self, body: String) -> Reply {
        http::html(StatusCode::OK, body)
    }

    async fn handle(&self, req: Request<Incoming>) -> Reply {
        if !self.hosts.allow(req.headers().get(header::HOST)) {
            return self.refuse(ConsoleRefusal::WrongHost);
        }
        let path = req.uri().path().to_owned();
        let query = req.uri().query().map(str::to_owned);
        let is_get = req.method() == Method::GET || req.method() == Method::HEAD;
        if path == "/login" {
            return match http::Methods::GetAndPost.admit(req.method()) {
                Ok(http::Verb::Get) => self.login_page(),
                Ok(http::Verb::Post) => self.login(req).await,
                Err(miss) => self.refuse(ConsoleRefusal::Miss(miss)),
            };
        }
        let session = cookie_value(&req, COOKIE)
            .and_then(|c| self.auth.session(&c).map(|(name, csrf)| Session { name, csrf, cookie: c }));
        let Some(s) = session else {
            return if is_get { http::see_other("/login") } else { self.refuse(ConsoleRefusal::SignedOut) };
        };
        let q = |k: &str| http::query_param(query.as_deref(), k);
        let m = Moderator {
            done: Done::parse(q("done").as_deref(), q("n").as_deref()),
            ..s.frame(self.renderer.title(), self.words)
        };
        match (path.as_str(), is_get) {
            ("/", true) => self.page(pages::dashboard(
                &m,
                &self.store.counts(),
                self.store.phase(),
                &self.store.retention(),
                self.retention_days,
            )),
            ("/queue", true) => {
                let kind = q("kind").and_then(|k| Kind::parse(&k).ok());
                let flag = q("flag").and_then(|f| Flag::parse(&f));
                let before = q("before").and_then(|b| b.parse().ok());
                let rows = self.store.pending_page(kind, flag, before, PAGE_ROWS);
                self.page(pages::queue(&m, kind, flag, &rows, PAGE_ROWS))
            }
            ("/published", true) => {
                let kind = q("kind").and_then(|k| Kind::parse(&k).ok()).unwrap_or(Kind::Organization);
                let page: usize = q("page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
                match self.store.published_records(kind, (page - 1) * PAGE_ROWS, PAGE_ROWS) {
                    Ok(rows) => self.page(pages::published(&m, kind, page, &rows, PAGE_ROWS)),
                    Err(e) => {
                        eprintln!("undersign: the console could not read the published list: {e}");
                        self.refuse(ConsoleRefusal::Unreadable)
                    }
                }
            }
            ("/audit", true) => {
                let before = q("before").and_then(|b| b.parse().ok());
                self.page(pages::audit(&m, &self.store.audit(before, PAGE_ROWS), PAGE_ROWS))
            }
            (p, true) if p.starts_with("/signature/") => {
                match p["/signature/".len()..].parse().ok().and_then(|id| self.store.record(id)) {
                    Some(r) => {
                        let proof = self.store.proof(r.id);
                        let asked = q("asked").is_some();
                        self.page(pages::signature(
                            &m,
                            &r,
                            &self.store.look_alikes(&r),
                            proof.as_ref(),
                            asked,
                        ))
                    }
                    None => self.refuse(ConsoleRefusal::NoSuchSignature),
                }
            }
            ("/action", false) if req.method() == Method::POST => match self.act(&s, req).await {
                Ok(to) => http::see_other(&to),
                Err((refusal, back)) => self.refuse_back(refusal, &back),
            },
            ("/logout", false) if req.method() == Method::POST => self.logout(&s, req).await,
            ("/action" | "/logout", _) => {
                self.refuse(ConsoleRefusal::Miss(http::Miss::Method(http::Methods::Post.allow())))
            }
            _ => self.refuse(ConsoleRefusal::Miss(http::Miss::NotFound)),
        }
    }

    /// The sign-in form, with a fresh CSRF token in the form and its cookie.
    fn login_page(&self) -> Reply {
        let token = auth::login_token();
        let mut r = self.page(pages::login(&self.words, None, self.auth.has_moderators(), &token, ""));
        let value = format!("{LOGIN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/login");
        if let Ok(v) = HeaderValue::from_str(&value) {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
        r
    }

    async fn login(&self, req: Request<Incoming>) -> Reply {
        let cookie = cookie_value(&req, LOGIN_COOKIE);
        let form = match form::read_form(req, self.form_limits).await {
            Ok(f) => f,
            Err(e) => return self.refuse(ConsoleRefusal::Form(e)),
        };
        let token = form.get("csrf").unwrap_or("");
        if token.is_empty() || !cookie.is_some_and(|c| auth::same(&c, token)) {
            return self.refuse(ConsoleRefusal::Csrf);
        }
        let name = form.get("moderator").unwrap_or("").trim();
        let passphrase = form.get("passphrase").unwrap_or("");
        match self.auth.sign_in(name, passphrase).await {
            Ok(cookie) => {
                let mut r = http::see_other("/");
                let value = format!("{COOKIE}={cookie}; HttpOnly; SameSite=Strict; Path=/");
                if let Ok(v) = HeaderValue::from_str(&value) {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                r
            }
            Err(refused) => {
                let (status, why) = match refused {
                    auth::SignInRefused::Wrong => (StatusCode::UNAUTHORIZED, MessageId::BadLogin),
                    auth::SignInRefused::Busy => (StatusCode::TOO_MANY_REQUESTS, MessageId::SignInBusy),
                };
                let mut r = http::html(
                    status,
                    pages::login(
                        &self.words,
                        Some(&self.words.get(why)),
                        self.auth.has_moderators(),
                        token,
                        name,
                    ),
                );
                if refused == auth::SignInRefused::Busy {
                    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
                }
                r
            }
        }
    }

    /// Reads a console form and checks its CSRF token.
    async fn checked_form(&self, s: &Session, req: Request<Incoming>) -> Result<Form, ConsoleRefusal> {
        let form = form::read_form(req, self.form_limits).await.map_err(ConsoleRefusal::Form)?;
        if !form.get("csrf").is_some_and(|t| auth::same(t, &s.csrf)) {
            return Err(ConsoleRefusal::Csrf);
        }
        Ok(form)
    }

    async fn logout(&self, s: &Session, req: Request<Incoming>) -> Reply {
        if let Err(refusal) = self.checked_form(s, req).await {
            return self.refuse(refusal);
        }
        self.auth.sign_out(&s.cookie);
        let mut r = http::see_other("/login");
        r.headers_mut().insert(
            header::SET_COOKIE,
            HeaderValue::from_static("undersign_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
        );
        r
    }

    /// Does a moderator's action; where to go back to.
    /// Where to go next, saying what was done; or the refusal and the
    /// page to go back to.
    async fn act(&self, s: &Session, req: Request<Incoming>) -> Result<String, (ConsoleRefusal, String)> {
        let form = self.checked_form(s, req).await.map_err(|r| (r, "/".to_string()))?;
        let back = safe_return(form.get("return"));
        if form.get("action") == Some("check") {
            return self.check_now(&form, back);
        }
        let action = parse_action(&form).map_err(|r| (r, back.to_string()))?;
        match self.store.moderate(&s.name, action).await {
            Ok(_) => {
                let done = Done::new(form.get("action").unwrap_or(""), form.all("id").count() as u64);
                Ok(done.map_or_else(|| back.to_string(), |d| d.back_to(back)))
            }
            Err(_) => Err((ConsoleRefusal::NotSaved, back.to_string())),
        }
    }
}

impl Console {
    /// Asks the proof checker to check a signature's proof now; back to
    /// the signature's page, which says so.
    fn check_now(&self, form: &Form, back: &str) -> Result<String, (ConsoleRefusal, String)> {
        let refused = |id: MessageId| (ConsoleRefusal::NotDone(id.into()), back.to_string());
        let Some(id) = form.get("id").and_then(|i| i.parse::<u64>().ok()) else {
            return Err(refused(MessageId::SelectOne));
        };
        if self.store.proof(id).is_none() {
            return Err((ConsoleRefusal::NoSuchSignature, back.to_string()));
        }
        match &self.checks {
            Some(checks) if checks.ask(id) => Ok(format!("/signature/{id}?asked=1#proof")),
            _ => Err(refused(MessageId::ConsoleCheckBusy)),
        }
    }
}

/// The action a console form asks for.
fn parse_action(form: &Form) -> Result<Action, ConsoleRefusal> {
    let not_done = |id: MessageId| ConsoleRefusal::NotDone(id.into());
    let ids: Vec<u64> = form.all("id").filter_map(|v| v.parse().ok()).collect();
    let first = ids.first().copied();
    Ok(match (form.get("action").unwrap_or(""), first) {
        ("approve", Some(_)) => Action::Approve(ids),
        ("reject", Some(_)) => match form.get("reason").and_then(RejectReason::parse) {
            Some(reason) => Action::Reject(ids, reason),
            None => return Err(not_done(MessageId::ChooseReason)),
        },
        ("edit", Some(id)) => {
            let name = SignatoryName::parse(form.get("name").unwrap_or("")).map_err(field_refusal)?;
            let affiliation =
                Affiliation::parse(form.get("affiliation").unwrap_or("")).map_err(field_refusal)?;
            Action::Edit { id, name, affiliation }
        }
        ("verify", Some(id)) => Action::Verify { id, verified: true },
        ("unverify", Some(id)) => Action::Verify { id, verified: false },
        ("unpublish", Some(id)) => Action::Unpublish(id),
        ("delete", Some(id)) => Action::Delete(id),
        ("pause", _) => Action::SetPhase(Phase::Paused),
        ("resume", _) => Action::SetPhase(Phase::Open),
        ("close", _) if form.get("confirm") == Some("close") => {
            Action::SetPhase(Phase::Closed { day: Day(0), purged: false })
        }
        ("close", _) => return Err(not_done(MessageId::ConfirmClose)),
        (_, None) => return Err(not_done(MessageId::SelectOne)),
        _ => return Err(not_done(MessageId::UnknownAction)),
    })
}

/// "Name is too long: at most 150 characters.", as the console says a
/// field error.
fn field_refusal(e: crate::domain::FieldError) -> ConsoleRefusal {
    ConsoleRefusal::NotDone(MessageId::Field(e).into())
}

fn cookie_value(req: &Request<Incoming>, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Only paths on this console: a form cannot send a moderator elsewhere.
/// One `/`, then a character that cannot start another host (browsers
/// drop TABs and newlines from a `Location`, and read `\\` as `/`), and no
/// control character or space anywhere.
fn safe_return(to: Option<&str>) -> &str {
    let safe_start = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '?' | '#');
    match to {
        Some(p)
            if p.strip_prefix('/').is_some_and(|rest| rest.chars().next().is_none_or(safe_start))
                && !p.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            p
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_parse_and_refusals_say_what_to_do() {
        let words = Catalogue::ENGLISH;
        let reason = |f: &str| match parse_action(&Form::decode(f.as_bytes(), &["id"]).unwrap()) {
            Err(r) => words.text(&r.answer().reason).into_owned(),
            Ok(a) => format!("{a:?}"),
        };
        assert_eq!(reason("action=reject&id=3"), "Choose a reason to reject.");
        assert_eq!(reason("action=approve"), "Select at least one signature.");
        assert_eq!(reason("action=close"), "To close the letter for good, tick the box that confirms it.");
        assert_eq!(reason("action=edit&id=1&name=%20"), "\u{2068}Name\u{2069} is required.");
        assert!(matches!(
            parse_action(&Form::decode(b"action=reject&id=3&reason=spam", &[]).unwrap()),
            Ok(Action::Reject(_, RejectReason::Spam))
        ));
        assert_eq!(safe_return(Some("//evil.example")), "/");
    }

    #[test]
    fn a_return_path_cannot_lead_off_the_console() {
        for bad in [
            "/\t/evil.example/",
            "/\\evil.example",
            "/\\/evil.example",
            "//x",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/queue\u{85}x",
            "https://evil.example/",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_return(Some(bad)), "/", "{bad:?}");
        }
        // `/%09/x` as the form decoder hands it over.
        let decoded = Form::decode(b"return=/%09/evil.example/", &[]).unwrap();
        assert_eq!(safe_return(decoded.get("return")), "/");
        for good in ["/", "/queue", "/queue?kind=individual&flag=url", "/signature/12", "/published?page=2"] {
            assert_eq!(safe_return(Some(good)), good);
        }
        assert_eq!(safe_return(None), "/");
    }

    #[test]
    fn the_console_answers_only_to_its_own_names() {
        let hosts = Hosts::new(Some("192.0.2.7".parse().unwrap()));
        let allow = |h: &str| hosts.allow(Some(&HeaderValue::from_str(h).unwrap()));
        for good in
            ["localhost", "localhost:8081", "127.0.0.1:9000", "[::1]:8081", "LOCALHOST.", "192.0.2.7:81"]
        {
            assert!(allow(good), "{good}");
        }
        // An onion name is never resolved by DNS, so it cannot be rebound here.
        assert!(allow("abcdef.onion") && allow("abcdef.onion:80") && allow("ABCDEF.ONION."));
        for bad in [
            "evil.example",
            "evil.example:8081",
            "127.0.0.2",
            "localhost.evil.example",
            ".onion",
            "onion.evil.example",
            "x",
        ] {
            assert!(!allow(bad), "{bad}");
        }
        assert!(!hosts.allow(None));
        assert!(
            !Hosts::new(Some("0.0.0.0".parse().unwrap())).allow(Some(&HeaderValue::from_static("0.0.0.0")))
        );
    }
}
