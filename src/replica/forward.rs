//! A replica's one write to its origin: the form a signer sent, re-encoded
//! from what the replica decoded and checked, `POST`ed to the same path of
//! the origin over a new connection of the mirror's client (TCP, the
//! `origin_proxy`, or arti for an onion origin), and the origin's page
//! brought back, bounded in time and size. Nothing of the signer's connection goes with it: no
//! forwarding header, no circuit, no address; the origin sees the replica.

use crate::http::Form;
use crate::mirror::poll::Client;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{self, HeaderValue};
use hyper::{Request, StatusCode};
use std::time::Duration;

/// The whole exchange with a plain-HTTP origin: a signer waits for it.
const PLAIN_TIMEOUT: Duration = Duration::from_secs(8);
/// Over Tor (an onion origin, or a proxy) a new stream may need a circuit
/// or a rendezvous first.
const ONION_TIMEOUT: Duration = Duration::from_secs(45);
/// The origin's answer is one page; a thank-you page is a few KiB.
const MAX_ANSWER: usize = 512 * 1024;

/// The origin's answer, to be relayed to the signer.
#[derive(Debug)]
pub(super) struct Relayed {
    /// Its status.
    pub status: StatusCode,
    /// Its `Retry-After`, if any.
    pub retry_after: Option<HeaderValue>,
    /// The page.
    pub body: Bytes,
}

/// Why the origin's answer could not be had.
#[derive(Debug, thiserror::Error)]
pub(super) enum ForwardError {
    /// No connection, or it broke.
    #[error("the origin cannot be reached: {0}")]
    Unreachable(String),
    /// No whole answer in time.
    #[error("the origin did not answer within {0} s")]
    Timeout(u64),
    /// Something else than an HTML page came back.
    #[error("the origin answered {0} with no page")]
    NotAPage(StatusCode),
    /// A page over the bound.
    #[error("the origin's answer is over {MAX_ANSWER} bytes")]
    TooLarge,
}

/// `POST`s `form` to the origin's `path` and reads its answer.
pub(super) async fn post(client: &Client, path: &str, form: &Form) -> Result<Relayed, ForwardError> {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form.fields()).finish();
    let bound = if client.over_tor() { ONION_TIMEOUT } else { PLAIN_TIMEOUT };
    tokio::time::timeout(bound, exchange(client, path, Bytes::from(body)))
        .await
        .map_err(|_| ForwardError::Timeout(bound.as_secs()))?
}

async fn exchange(client: &Client, path: &str, body: Bytes) -> Result<Relayed, ForwardError> {
    let unreachable = |e: &dyn std::fmt::Display| ForwardError::Unreachable(e.to_string());
    let stream = client.connect().await.map_err(|e| unreachable(&e))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .map_err(|e| unreachable(&e))?;
    let driving = tokio::spawn(conn);
    let (target, host) = client.target(path);
    let result = async {
        let req = Request::post(target)
            .header(header::HOST, host)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Full::new(body))
            .map_err(|e| unreachable(&e))?;
        let resp = sender.send_request(req).await.map_err(|e| unreachable(&e))?;
        let status = resp.status();
        let is_page = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if !is_page {
            return Err(ForwardError::NotAPage(status));
        }
        let retry_after = resp.headers().get(header::RETRY_AFTER).cloned();
        let body = Limited::new(resp.into_body(), MAX_ANSWER).collect().await.map_err(|e| {
            if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                ForwardError::TooLarge
            } else {
                unreachable(&e)
            }
        })?;
        Ok(Relayed { status, retry_after, body: body.to_bytes() })
    }
    .await;
    driving.abort();
    result
}
