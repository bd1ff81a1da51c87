//! Replica mode: a mirror ([`crate::mirror`]: the same verified snapshots,
//! the same read pages through [`crate::public::Reads`]) that also serves
//! the sign and withdrawal forms, with tokens of the origin's secret, and
//! hands each `POST` to the origin, which alone writes. Several replicas
//! behind one Onionbalance address spread the rendezvous work of one
//! popular letter over several tor daemons.
//!
//! A `POST` is checked here for what needs no store (body and form limits,
//! the honeypot, the token's signature and age, the fields, and the
//! per-circuit limit: the replica is the one that sees the circuit), then
//! sent on ([`forward`]); the origin's page (the thank-you page with the
//! withdrawal code, or its refusal, in the path's language) is relayed to
//! the signer. Nothing of a signature is kept, queued or printed here: with
//! the origin unreachable the answer is a 503 with `Retry-After`, while the
//! read pages go on from the last verified snapshot.

mod forward;

use crate::config::Config;
use crate::domain::Phase;
use crate::http::{self, FormLimits, Methods, Reply, Router, Verb, HTML, NO_STORE};
use crate::limits::CircuitGuard;
use crate::messages::Text;
use crate::mirror::poll::Client;
use crate::mirror::{Forms, Mirror, MirrorError};
use crate::public::languages::{self, Lang};
use crate::public::ReadRefusal;
use crate::render::FormValues;
use crate::site::{self, Refusal, SignRefusal, WithdrawRefusal};
use crate::tokens::Secret;
use forward::Relayed;
use hyper::body::Incoming;
use hyper::header::RETRY_AFTER;
use hyper::{Request, StatusCode};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How to run a replica, from the command line.
#[derive(Clone, Debug)]
pub struct Options {
    /// The mirror it is (its `forms` are set here).
    pub mirror: crate::mirror::Options,
    /// The origin's `DATA/secret`.
    pub secret: PathBuf,
}

/// Why a replica cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    /// The origin's secret cannot be used.
    #[error("--secret: {0}")]
    Secret(#[source] std::io::Error),
    /// The mirror it is cannot start.
    #[error(transparent)]
    Mirror(#[from] MirrorError),
}

/// The replica's router: its own forms, and the mirror's pages for the rest.
pub struct Replica {
    mirror: Arc<Mirror>,
    secret: Arc<Secret>,
    client: Arc<Client>,
    form_limits: FormLimits,
    min_fill_time: Duration,
    token_max_age: Duration,
    interval: Duration,
}

/// A replica ready to serve, and the mirror that keeps it current.
pub struct Prepared {
    /// The router.
    pub replica: Arc<Replica>,
    /// The mirror under it, for [`crate::mirror::keep_current`].
    pub mirror: crate::mirror::Prepared,
}

/// Sets a replica up in `config`'s data dir: the origin's secret, then the
/// mirror.
pub fn prepare(config: &Config, options: Options) -> Result<Prepared, ReplicaError> {
    let secret = Arc::new(Secret::load(&options.secret).map_err(ReplicaError::Secret)?);
    let mut mirror_options = options.mirror;
    mirror_options.forms =
        Some(Forms { secret: Arc::clone(&secret), review_kinds: config.review_kinds.clone() });
    let interval = mirror_options.interval;
    let mirror = crate::mirror::prepare(config, mirror_options)?;
    let replica = Arc::new(Replica {
        mirror: Arc::clone(&mirror.mirror),
        secret,
        client: mirror.client(),
        form_limits: site::form_limits(config),
        min_fill_time: config.min_fill_time,
        token_max_age: config.token_max_age,
        interval,
    });
    Ok(Prepared { replica, mirror })
}

/// The replica's own addresses; every other one is the mirror's.
enum Route {
    Sign,
    Withdraw,
}

impl Router for Replica {
    async fn route(self: Arc<Self>, req: Request<Incoming>, circuit: Option<Arc<CircuitGuard>>) -> Reply {
        let own = languages::split(req.uri().path()).and_then(|(at, path)| match path {
            "/sign" => Some((at, (Route::Sign, Methods::Post))),
            "/withdraw" => Some((at, (Route::Withdraw, Methods::GetAndPost))),
            _ => None,
        });
        let Some((at, found)) = own else {
            return Arc::clone(&self.mirror).route(req, circuit).await;
        };
        match http::resolve(req.method(), Some(found)) {
            Ok((Route::Sign, _)) => self.sign(at, circuit.as_deref(), req).await,
            Ok((Route::Withdraw, Verb::Get)) => {
                let page = self.mirror.with_renderer(at, |r, _| r.withdraw_form(None));
                http::respond(StatusCode::OK, HTML, "max-age=300", page)
            }
            Ok((Route::Withdraw, Verb::Post)) => self.withdraw(at, req).await,
            Err(miss) => self.refuse(at, ReadRefusal::Miss(miss).into(), None),
        }
    }

    fn refuse_request(&self, error: http::RequestError) -> Reply {
        self.mirror.refuse_request(error)
    }
}

impl Replica {
    /// A refusal's page, as the site makes it, in language `at`.
    fn refuse(&self, at: Lang, refusal: Refusal, values: Option<&FormValues>) -> Reply {
        self.mirror.with_renderer(at, |renderer, phase| {
            let closed = matches!(phase, Some(Phase::Closed { .. }));
            site::refusal_page(renderer, &self.secret, closed, &refusal, values)
        })
    }

    async fn sign(&self, at: Lang, circuit: Option<&CircuitGuard>, req: Request<Incoming>) -> Reply {
        let path = req.uri().path().to_owned();
        let fields = match http::form::read_form(req, self.form_limits).await {
            Ok(f) => f,
            Err(e) => return self.refuse(at, Refusal::Form(e), None),
        };
        let values = site::form_values(&fields);
        if let Err(refusal) = self.check(circuit, &fields) {
            return self.refuse(at, Refusal::Sign(refusal), Some(&values));
        }
        match forward::post(&self.client, &path, &fields).await {
            Ok(relayed) => self.relay(at, relayed, true),
            Err(_) => self.refuse(at, Refusal::Sign(SignRefusal::OriginUnreachable), Some(&values)),
        }
    }

    /// What the replica can check of a signature without the store, in the
    /// site's order; the origin checks it all again.
    fn check(&self, circuit: Option<&CircuitGuard>, fields: &http::Form) -> Result<(), SignRefusal> {
        if fields.get("website").is_some_and(|v| !v.is_empty()) {
            return Err(SignRefusal::Honeypot);
        }
        let token = fields.get("token").unwrap_or("");
        self.secret.verify_token(token, self.min_fill_time, self.token_max_age)?;
        site::parse_submission(fields).map_err(SignRefusal::Field)?;
        if circuit.is_some_and(|c| !c.allow_sign()) {
            return Err(SignRefusal::Throttled);
        }
        Ok(())
    }

    async fn withdraw(&self, at: Lang, req: Request<Incoming>) -> Reply {
        let path = req.uri().path().to_owned();
        let fields = match http::form::read_form(req, self.form_limits).await {
            Ok(f) => f,
            Err(e) => return self.refuse(at, Refusal::Form(e), None),
        };
        let code = fields.get("code").map(str::trim).unwrap_or("");
        if code.is_empty() || code.len() > 100 {
            return self.refuse(at, Refusal::Withdraw(WithdrawRefusal::CodeMissing), None);
        }
        match forward::post(&self.client, &path, &fields).await {
            Ok(relayed) => self.relay(at, relayed, false),
            Err(_) => self.refuse(at, Refusal::Withdraw(WithdrawRefusal::OriginUnreachable), None),
        }
    }

    /// The origin's page as the signer's answer; a thank-you page says
    /// when the name shows on this copy.
    fn relay(&self, at: Lang, relayed: Relayed, signed: bool) -> Reply {
        let Relayed { status, retry_after, body } = relayed;
        let body = match (signed && status == StatusCode::OK, std::str::from_utf8(&body)) {
            (true, Ok(page)) => {
                let seconds = self.interval.as_secs();
                let note = self.mirror.with_renderer(at, |r, _| {
                    r.words().tf(Text::ReplicaNameSoon, &[("seconds", seconds.into())]).into_owned()
                });
                with_note(page, &note).into()
            }
            _ => body,
        };
        let mut resp = http::respond(status, HTML, NO_STORE, body);
        if let Some(value) = retry_after.as_ref().and_then(|v| v.to_str().ok()) {
            http::set_header(&mut resp, RETRY_AFTER, value);
        }
        resp
    }
}

/// `page` with a paragraph saying `note` at the end of its main content.
fn with_note(page: &str, note: &str) -> String {
    let paragraph = maud::html! { p.note role="status" { (note) } }.into_string();
    match page.rfind("</main>") {
        Some(at) => format!("{}{paragraph}{}", &page[..at], &page[at..]),
        None => page.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_goes_at_the_end_of_the_main_content_escaped() {
        let page = "<main id=\"main\"><h1>Thank you</h1></main><footer></footer>";
        assert_eq!(
            with_note(page, "within 60 s <soon>"),
            "<main id=\"main\"><h1>Thank you</h1><p class=\"note\" role=\"status\">within 60 s &lt;soon&gt;</p></main><footer></footer>"
        );
        assert_eq!(with_note("no main here", "x"), "no main here");
    }
}
