//! The moderation console. It is served only on its own listener
//! (`--admin-listen`), so the public address has no admin route at all.
//! Pages are as free of JavaScript as the public ones; state-changing forms
//! carry the session's CSRF token and answer with a redirect (303) back to
//! the page they came from. Every action goes through the store, which
//! records it in the audit list under the moderator's name.

pub mod auth;

use crate::domain::flags::Flag;
use crate::domain::signatory::{Affiliation, Kind, SignatoryName};
use crate::render::admin as pages;
use crate::store::{Action, Phase, RejectReason};
use crate::web::{self, App, Body, Form};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

/// The session cookie's name.
const COOKIE: &str = "undersign_session";
/// Rows per page in the queue, published list and audit list.
const PAGE_ROWS: usize = 100;

/// `undersign admin passphrase`: sets a moderator's passphrase.
pub fn set_passphrase(
    config: &crate::config::Config,
    moderator: &str,
    passphrase: &str,
) -> Result<(), crate::Error> {
    auth::set_passphrase(&config.data_dir, moderator, passphrase).map_err(crate::Error)
}

fn cookie_value(req: &Request<Incoming>) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

fn redirect(to: &str) -> Response<Body> {
    let mut r = web::respond(StatusCode::SEE_OTHER, web::HTML, web::NO_STORE, "");
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Only paths on this console: a form cannot send a moderator elsewhere.
fn safe_return(to: Option<&str>) -> &str {
    match to {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains(['\\', '\r', '\n']) => p,
        _ => "/",
    }
}

/// A signed-in moderator for this request.
pub struct Moderator {
    pub name: String,
    pub csrf: String,
    cookie: String,
}

/// Routes one console request.
pub async fn handle(app: &App, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let is_get = req.method() == Method::GET || req.method() == Method::HEAD;
    if path == "/login" {
        return match *req.method() {
            Method::GET | Method::HEAD => {
                web::html(StatusCode::OK, pages::login(None, app.auth.has_moderators()))
            }
            Method::POST => login(app, req).await,
            _ => web::method_not_allowed(app, "GET, HEAD, POST"),
        };
    }
    let session = cookie_value(&req)
        .and_then(|c| app.auth.session(&c).map(|(name, csrf)| Moderator { name, csrf, cookie: c }));
    let Some(m) = session else {
        return if is_get {
            redirect("/login")
        } else {
            web::error(
                app,
                StatusCode::FORBIDDEN,
                "Signed out",
                "Your session has ended. Please sign in again.",
            )
        };
    };
    let q = |k: &str| web::query_param(query.as_deref(), k);
    match (path.as_str(), is_get) {
        ("/", true) => web::html(StatusCode::OK, pages::dashboard(app, &m)),
        ("/queue", true) => {
            let kind = q("kind").and_then(|k| Kind::parse(&k).ok());
            let flag = q("flag").and_then(|f| Flag::parse(&f));
            let before = q("before").and_then(|b| b.parse().ok());
            let rows = app.store.pending_page(kind, flag, before, PAGE_ROWS);
            web::html(StatusCode::OK, pages::queue(app, &m, kind, flag, &rows, PAGE_ROWS))
        }
        ("/published", true) => {
            let kind = q("kind").and_then(|k| Kind::parse(&k).ok()).unwrap_or(Kind::Organization);
            let page: usize = q("page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
            let rows = app.store.published_records(kind, (page - 1) * PAGE_ROWS, PAGE_ROWS);
            web::html(StatusCode::OK, pages::published(app, &m, kind, page, &rows, PAGE_ROWS))
        }
        ("/audit", true) => {
            let before = q("before").and_then(|b| b.parse().ok());
            web::html(StatusCode::OK, pages::audit(app, &m, &app.store.audit(before, PAGE_ROWS), PAGE_ROWS))
        }
        (p, true) if p.starts_with("/signature/") => {
            match p["/signature/".len()..].parse().ok().and_then(|id| app.store.record(id)) {
                Some(r) => {
                    web::html(StatusCode::OK, pages::signature(app, &m, &r, &app.store.look_alikes(&r)))
                }
                None => web::error(
                    app,
                    StatusCode::NOT_FOUND,
                    "No such signature",
                    "It may have been rejected, deleted or withdrawn.",
                ),
            }
        }
        ("/action", false) if is_post(&req) => act(app, &m, req).await,
        ("/logout", false) if is_post(&req) => logout(app, &m, req).await,
        ("/action" | "/logout", _) => web::method_not_allowed(app, "POST"),
        _ => web::not_found(app),
    }
}

fn is_post(req: &Request<Incoming>) -> bool {
    req.method() == Method::POST
}

async fn login(app: &App, req: Request<Incoming>) -> Response<Body> {
    let form = match web::read_form(app, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let name = form.get("moderator").unwrap_or("").trim();
    let passphrase = form.get("passphrase").unwrap_or("");
    match app.auth.sign_in(name, passphrase).await {
        Some(cookie) => {
            let mut r = redirect("/");
            let value = format!("{COOKIE}={cookie}; HttpOnly; SameSite=Strict; Path=/");
            if let Ok(v) = HeaderValue::from_str(&value) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        None => web::html(
            StatusCode::UNAUTHORIZED,
            pages::login(
                Some("That name and passphrase do not match. Each wrong try makes the next one wait longer."),
                app.auth.has_moderators(),
            ),
        ),
    }
}

/// Reads a console form and checks its CSRF token.
async fn checked_form(app: &App, m: &Moderator, req: Request<Incoming>) -> Result<Form, Response<Body>> {
    let form = web::read_form(app, req).await?;
    if !form.get("csrf").is_some_and(|t| auth::same(t, &m.csrf)) {
        return Err(web::error(
            app,
            StatusCode::FORBIDDEN,
            "Form not accepted",
            "This form did not come from your current session. Go back, reload the page and try again.",
        ));
    }
    Ok(form)
}

async fn logout(app: &App, m: &Moderator, req: Request<Incoming>) -> Response<Body> {
    if let Err(r) = checked_form(app, m, req).await {
        return r;
    }
    app.auth.sign_out(&m.cookie);
    let mut r = redirect("/login");
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("undersign_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    r
}

async fn act(app: &App, m: &Moderator, req: Request<Incoming>) -> Response<Body> {
    let form = match checked_form(app, m, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let ids: Vec<u64> = form.all("id").filter_map(|v| v.parse().ok()).collect();
    let first = ids.first().copied();
    let bad = |reason: &str| web::error(app, StatusCode::BAD_REQUEST, "Not done", reason);
    let action = match (form.get("action").unwrap_or(""), first) {
        ("approve", Some(_)) => Action::Approve(ids),
        ("reject", Some(_)) => match form.get("reason").and_then(RejectReason::parse) {
            Some(reason) => Action::Reject(ids, reason),
            None => return bad("Choose a reason to reject."),
        },
        ("edit", Some(id)) => {
            let name = match SignatoryName::parse(form.get("name").unwrap_or("")) {
                Ok(n) => n,
                Err(e) => return bad(&e.to_string()),
            };
            match Affiliation::parse(form.get("affiliation").unwrap_or("")) {
                Ok(affiliation) => Action::Edit { id, name, affiliation },
                Err(e) => return bad(&e.to_string()),
            }
        }
        ("verify", Some(id)) => Action::Verify { id, verified: true },
        ("unverify", Some(id)) => Action::Verify { id, verified: false },
        ("unpublish", Some(id)) => Action::Unpublish(id),
        ("delete", Some(id)) => Action::Delete(id),
        ("pause", _) => Action::SetPhase(Phase::Paused),
        ("resume", _) => Action::SetPhase(Phase::Open),
        ("close", _) if form.get("confirm") == Some("close") => {
            Action::SetPhase(Phase::Closed { day: crate::store::Day(0), purged: false })
        }
        ("close", _) => return bad("To close the letter for good, tick the box that confirms it."),
        (_, None) => return bad("Select at least one signature."),
        _ => return bad("Unknown action."),
    };
    match app.store.moderate(&m.name, action).await {
        Ok(_) => redirect(safe_return(form.get("return"))),
        Err(_) => web::error(
            app,
            StatusCode::SERVICE_UNAVAILABLE,
            "Not saved",
            "The change could not be written to disk. Nothing was changed; please try again.",
        ),
    }
}
