//! The plumbing: what every surface shares and nothing about letters.
//! Response bodies (a page in up to three pieces, written with one vectored
//! write, or a file streamed in bounded chunks: [`Body`]), the headers every response carries ([`Headers`]), form and query
//! decoding within limits ([`form`]), and the server: one accept loop over
//! any [`server::Acceptor`] of byte streams, owning the connection slots,
//! the per-circuit connection cap, the timeouts and graceful shutdown
//! ([`server`]). A listener is bound to a [`server::Router`]; this layer
//! renders no page and never logs a request.

mod body;
pub mod form;
mod framing;
mod rate;
pub mod request;
pub mod route;
pub mod server;
mod slots;

use bytes::buf::{Buf, Chain};
use bytes::Bytes;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};

use crate::messages::{Message, MessageId};
pub use body::{Body, FILE_CHUNK};
pub use form::{query_param, Form, FormError, FormLimits};
pub use rate::MinRate;
pub use request::RequestError;
pub use route::{resolve, Methods, Miss, Verb};
pub use server::{Acceptor, Identity, Listener, Router, ServerOptions};

/// A response body in up to three pieces, written out with one vectored
/// write and never copied together: the cached letter page around its
/// per-request form token (the page is 28 KB and served more than anything).
pub type Pieces = Chain<Chain<Bytes, Bytes>, Bytes>;

/// A response.
pub type Reply = Response<Body>;

/// The three pieces of a body, in order.
pub fn pieces(head: Bytes, middle: Bytes, tail: Bytes) -> Pieces {
    head.chain(middle).chain(tail)
}

/// HTML pages.
pub const HTML: &str = "text/html; charset=utf-8";
/// Pages with a form token must not be reused from a cache: a used token
/// would be refused.
pub const NO_STORE: &str = "no-store";

/// A response with one body.
pub fn respond(
    status: StatusCode,
    content_type: &'static str,
    cache: &'static str,
    body: impl Into<Bytes>,
) -> Reply {
    respond_pieces(status, content_type, cache, pieces(body.into(), Bytes::new(), Bytes::new()))
}

/// A response whose body is written in pieces.
pub fn respond_pieces(
    status: StatusCode,
    content_type: &'static str,
    cache: &'static str,
    body: Pieces,
) -> Reply {
    with_type(Response::new(Body::pieces(body)), status, content_type, cache)
}

/// A response streaming the first `len` bytes of `file` (see
/// [`Body::file`]), with its `Content-Length`.
pub fn respond_file(
    status: StatusCode,
    content_type: &'static str,
    cache: &'static str,
    file: std::sync::Arc<std::fs::File>,
    len: u64,
) -> Reply {
    let mut resp = with_type(Response::new(Body::file(file, len)), status, content_type, cache);
    resp.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    resp
}

fn with_type(mut resp: Reply, status: StatusCode, content_type: &'static str, cache: &'static str) -> Reply {
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

/// An HTML page that no cache may keep.
pub fn html(status: StatusCode, body: String) -> Reply {
    respond(status, HTML, NO_STORE, body)
}

/// A 303 to a path of the same site.
pub fn see_other(to: &str) -> Reply {
    let mut r = respond(StatusCode::SEE_OTHER, HTML, NO_STORE, "");
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Whether the request's `If-None-Match` names `etag` (weak comparison,
/// as RFC 9110 asks) or is `*`: the client has it, and the answer is 304.
pub fn none_match(headers: &hyper::HeaderMap, etag: &str) -> bool {
    let weak = |t: &str| t.strip_prefix("W/").unwrap_or(t).to_owned();
    let etag = weak(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || weak(t) == etag)
}

/// A 304 for a client whose copy carries `etag`, with the headers the
/// full answer would have had.
pub fn not_modified(content_type: &'static str, cache: &'static str, etag: &str) -> Reply {
    let mut r = respond(StatusCode::NOT_MODIFIED, content_type, cache, Bytes::new());
    set_header(&mut r, header::ETAG, etag);
    r
}

/// A file that names one version for good (`etag`), which clients may
/// fetch in parts: a 304 to a client that has it; a 206 of one byte range
/// to `Range: bytes=A-B` (or `A-`) when `If-Range`, if sent, names this
/// version; else the whole file. Any other range (several, a suffix, one
/// past the end, of another version) is ignored and the whole file sent,
/// as RFC 9110 allows: the client sees a 200 and knows.
pub fn respond_versioned_file(
    headers: &hyper::HeaderMap,
    content_type: &'static str,
    cache: &'static str,
    file: std::sync::Arc<std::fs::File>,
    len: u64,
    etag: &str,
) -> Reply {
    if none_match(headers, etag) {
        return not_modified(content_type, cache, etag);
    }
    let same_version = headers.get(header::IF_RANGE).is_none_or(|v| v.as_bytes() == etag.as_bytes());
    let range = headers.get(header::RANGE).and_then(|v| byte_range(v.to_str().ok()?, len));
    let mut r = match range.filter(|_| same_version) {
        Some((start, end)) => {
            let mut r = with_type(
                Response::new(Body::file_range(file, start, end)),
                StatusCode::PARTIAL_CONTENT,
                content_type,
                cache,
            );
            r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
            set_header(&mut r, header::CONTENT_RANGE, &format!("bytes {start}-{}/{len}", end - 1));
            r
        }
        None => respond_file(StatusCode::OK, content_type, cache, file, len),
    };
    set_header(&mut r, header::ETAG, etag);
    r.headers_mut().insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    r
}

/// Parts of a file that names one version for good, in one answer:
/// `?seq=N&ranges=A-B,C-D,…` (inclusive, increasing, apart, at most
/// `max_parts`) gets those bytes one after the other, with `ETag` `"N"`;
/// `None` when the query is malformed or asks for another version than
/// `seq` (a client then fetches the whole file).
pub fn respond_file_parts(
    query: Option<&str>,
    file: std::sync::Arc<std::fs::File>,
    len: u64,
    seq: u64,
    max_parts: usize,
) -> Option<Reply> {
    if query_param(query, "seq")?.parse::<u64>().ok()? != seq {
        return None;
    }
    let mut ranges = Vec::new();
    let mut next = 0;
    for range in query_param(query, "ranges")?.split(',') {
        let (first, last) = range.split_once('-')?;
        let (first, last): (u64, u64) = (first.parse().ok()?, last.parse().ok()?);
        if first < next || last < first || last >= len || ranges.len() == max_parts {
            return None;
        }
        ranges.push((first, last + 1));
        next = last + 1;
    }
    let total: u64 = ranges.iter().map(|(s, e)| e - s).sum();
    let mut r = with_type(
        Response::new(Body::file_ranges(file, ranges)),
        StatusCode::OK,
        "application/octet-stream",
        "no-cache",
    );
    r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    set_header(&mut r, header::ETAG, &format!("\"{seq}\""));
    Some(r)
}

/// One satisfiable range of a `len`-byte file, `bytes=A-B` or `bytes=A-`,
/// as `start..end`.
fn byte_range(value: &str, len: u64) -> Option<(u64, u64)> {
    let (first, last) = value.trim().strip_prefix("bytes=")?.split_once('-')?;
    let start: u64 = first.trim().parse().ok()?;
    let last = match last.trim() {
        "" => len.checked_sub(1)?,
        l => l.parse::<u64>().ok()?.min(len.checked_sub(1)?),
    };
    (start <= last).then_some((start, last + 1))
}

/// Sets a header whose value is known to be valid text (`Allow`,
/// `Retry-After`, …); a value that is not is left out rather than sent broken.
pub fn set_header(resp: &mut Reply, name: HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

/// The headers every response of a listener carries, built once: a strict
/// Content-Security-Policy that allows exactly one inline stylesheet by its
/// hash, no referrer, no framing, no sniffing, every browser feature off,
/// and `Onion-Location` where configured. hyper sends no `Date` or `Server`.
#[derive(Clone, Debug)]
pub struct Headers {
    common: Vec<(HeaderName, HeaderValue)>,
    onion_location: Option<String>,
}

const PERMISSIONS_POLICY: &str = "accelerometer=(), ambient-light-sensor=(), autoplay=(), battery=(), bluetooth=(), browsing-topics=(), camera=(), clipboard-read=(), clipboard-write=(), display-capture=(), document-domain=(), encrypted-media=(), fullscreen=(), gamepad=(), geolocation=(), gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), interest-cohort=(), local-fonts=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-create=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), storage-access=(), sync-xhr=(), usb=(), web-share=(), window-management=(), xr-spatial-tracking=()";

impl Headers {
    /// `style_hash` is the CSP source of the one inline stylesheet
    /// (`'sha256-…'`); `onion_location` an `.onion` host checked by the
    /// configuration, sent as `Onion-Location: http://HOST/path`.
    pub fn new(style_hash: &str, onion_location: Option<String>) -> Headers {
        let csp = format!(
            "default-src 'none'; style-src {style_hash}; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        );
        let mut common = Vec::new();
        if let Ok(v) = HeaderValue::from_str(&csp) {
            common.push((header::CONTENT_SECURITY_POLICY, v));
        }
        common.extend([
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
            (
                HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("same-origin"),
            ),
            (HeaderName::from_static("permissions-policy"), HeaderValue::from_static(PERMISSIONS_POLICY)),
        ]);
        Headers { common, onion_location }
    }

    /// Whether [`Headers::finish`] uses the request's path.
    pub fn needs_path(&self) -> bool {
        self.onion_location.is_some()
    }

    /// Adds the headers to a response for `path`.
    pub fn finish(&self, resp: &mut Reply, path: &str) {
        let h = resp.headers_mut();
        // A response that set one of these itself keeps its own (the
        // badge: an image other sites embed, under its own policy).
        for (name, value) in &self.common {
            h.entry(name.clone()).or_insert_with(|| value.clone());
        }
        if let Some(onion) = &self.onion_location {
            if let Ok(v) = HeaderValue::from_str(&format!("http://{onion}{path}")) {
                h.insert(HeaderName::from_static("onion-location"), v);
            }
        }
    }
}

/// A refusal as a router answers it: the status, the page's heading and
/// reason as message ids, and the headers that go with it. Each router maps
/// its own refusal enum to one of these in one place and renders the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The status (4xx, or 503 when the server cannot do it now).
    pub status: StatusCode,
    /// The page's heading.
    pub heading: MessageId,
    /// What went wrong and what to do.
    pub reason: Message,
    /// Seconds for `Retry-After`.
    pub retry_after: Option<u32>,
    /// Methods for `Allow` (405 only).
    pub allow: Option<&'static str>,
}

impl Answer {
    /// A refusal with a status, heading and reason.
    pub fn new(status: StatusCode, heading: MessageId, reason: impl Into<Message>) -> Answer {
        Answer { status, heading, reason: reason.into(), retry_after: None, allow: None }
    }

    /// The same, asking the client to come back after `seconds`.
    pub fn retry_after(self, seconds: u32) -> Answer {
        Answer { retry_after: Some(seconds), ..self }
    }

    /// 404.
    pub fn not_found() -> Answer {
        Answer::new(StatusCode::NOT_FOUND, MessageId::NotFoundHeading, MessageId::NotFound)
    }

    /// 405, with the methods the address does take.
    pub fn method_not_allowed(allow: &'static str) -> Answer {
        Answer {
            allow: Some(allow),
            ..Answer::new(StatusCode::METHOD_NOT_ALLOWED, MessageId::MethodHeading, MessageId::Method)
        }
    }

    /// Sets the status and the headers that go with the refusal.
    pub fn apply(&self, resp: &mut Reply) {
        *resp.status_mut() = self.status;
        if let Some(s) = self.retry_after {
            set_header(resp, header::RETRY_AFTER, &s.to_string());
        }
        if let Some(allow) = self.allow {
            resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
        }
    }
}

impl From<FormError> for Answer {
    fn from(e: FormError) -> Answer {
        use MessageId::*;
        let (status, heading, reason) = match e {
            FormError::NotAForm => (StatusCode::UNSUPPORTED_MEDIA_TYPE, NotAFormHeading, NotAForm),
            FormError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, FormTooLargeHeading, FormTooLarge),
            FormError::TooSlow => (StatusCode::REQUEST_TIMEOUT, FormTooSlowHeading, FormTooSlow),
            FormError::Incomplete => (StatusCode::BAD_REQUEST, FormIncompleteHeading, FormIncomplete),
            FormError::Repeated => (StatusCode::BAD_REQUEST, FormAmbiguousHeading, FormRepeated),
            FormError::NotUtf8 => (StatusCode::BAD_REQUEST, FormAmbiguousHeading, FormNotText),
        };
        Answer::new(status, heading, reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_response_gets_the_policy_and_onion_location_keeps_the_path() {
        let headers = Headers::new("'sha256-abc='", Some("abc.onion".into()));
        let mut r = html(StatusCode::OK, "x".into());
        headers.finish(&mut r, "/privacy");
        let csp = r.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none'; style-src 'sha256-abc=';"), "{csp}");
        assert_eq!(r.headers()["onion-location"], "http://abc.onion/privacy");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
        assert!(r.headers().get(header::DATE).is_none() && r.headers().get(header::SERVER).is_none());
    }

    #[test]
    fn one_satisfiable_byte_range_is_served_and_anything_else_is_whole() {
        assert_eq!(byte_range("bytes=0-9", 100), Some((0, 10)));
        assert_eq!(byte_range("bytes=90-", 100), Some((90, 100)));
        assert_eq!(byte_range("bytes=90-200", 100), Some((90, 100)));
        for ignored in ["bytes=100-", "bytes=-5", "bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=x-1"] {
            assert_eq!(byte_range(ignored, 100), None, "{ignored}");
        }
        assert_eq!(byte_range("bytes=0-", 0), None);

        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, b"0123456789").unwrap();
        let file = std::sync::Arc::new(file);
        let ask = |pairs: &[(header::HeaderName, &str)]| {
            let mut h = hyper::HeaderMap::new();
            for (k, v) in pairs {
                h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
            }
            respond_versioned_file(
                &h,
                "application/json",
                "no-cache",
                std::sync::Arc::clone(&file),
                10,
                "\"7\"",
            )
        };
        let part = ask(&[(header::RANGE, "bytes=2-4"), (header::IF_RANGE, "\"7\"")]);
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.headers()[header::CONTENT_RANGE], "bytes 2-4/10");
        assert_eq!(part.headers()[header::CONTENT_LENGTH], "3");
        assert_eq!(part.headers()[header::ETAG], "\"7\"");
        // Of another version: the whole file, which the client can tell.
        let whole = ask(&[(header::RANGE, "bytes=2-4"), (header::IF_RANGE, "\"6\"")]);
        assert_eq!(
            (whole.status(), &whole.headers()[header::CONTENT_LENGTH]),
            (StatusCode::OK, &"10".parse::<HeaderValue>().unwrap())
        );
        assert_eq!(whole.headers()[header::ACCEPT_RANGES], "bytes");
        assert_eq!(ask(&[(header::IF_NONE_MATCH, "\"7\"")]).status(), StatusCode::NOT_MODIFIED);
    }

    #[test]
    fn parts_of_one_version_are_served_in_order_and_anything_else_is_refused() {
        let file = std::sync::Arc::new(tempfile::tempfile().unwrap());
        let parts = |q: &str| respond_file_parts(Some(q), std::sync::Arc::clone(&file), 100, 7, 3);
        let r = parts("seq=7&ranges=0-9,20-20,90-99").unwrap();
        assert_eq!(
            (r.status(), &r.headers()[header::CONTENT_LENGTH]),
            (StatusCode::OK, &HeaderValue::from(21))
        );
        assert_eq!(r.headers()[header::ETAG], "\"7\"");
        for refused in [
            "seq=6&ranges=0-9",
            "ranges=0-9",
            "seq=7",
            "seq=7&ranges=0-9,5-20",
            "seq=7&ranges=9-0",
            "seq=7&ranges=90-100",
            "seq=7&ranges=0-1,2-3,4-5,6-7",
            "seq=7&ranges=0-x",
        ] {
            assert!(parts(refused).is_none(), "{refused}");
        }
    }

    #[test]
    fn if_none_match_is_compared_weakly_and_in_lists() {
        let with = |values: &[&str]| {
            let mut h = hyper::HeaderMap::new();
            for v in values {
                h.append(header::IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
            }
            h
        };
        assert!(none_match(&with(&["\"7\""]), "\"7\""));
        assert!(none_match(&with(&["W/\"7\""]), "\"7\""));
        assert!(none_match(&with(&["\"5\", \"7\""]), "\"7\""));
        assert!(none_match(&with(&["\"5\"", "\"7\""]), "\"7\""));
        assert!(none_match(&with(&["*"]), "\"7\""));
        assert!(!none_match(&with(&["\"77\""]), "\"7\""));
        assert!(!none_match(&with(&[]), "\"7\""));
        let r = not_modified("application/json", "no-cache", "\"7\"");
        assert_eq!(
            (r.status(), r.headers()[header::ETAG].to_str().unwrap()),
            (StatusCode::NOT_MODIFIED, "\"7\"")
        );
    }

    #[test]
    fn a_file_response_has_its_length_and_every_header() {
        let headers = Headers::new("'sha256-abc='", None);
        let file = std::sync::Arc::new(tempfile::tempfile().unwrap());
        let mut r = respond_file(StatusCode::OK, "application/json", "max-age=60", file, 1234);
        headers.finish(&mut r, "/signatories.json");
        assert_eq!(r.headers()[header::CONTENT_LENGTH], "1234");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "max-age=60");
        assert!(r.headers().contains_key(header::CONTENT_SECURITY_POLICY));
        assert_eq!(r.headers()[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(hyper::body::Body::size_hint(r.body()).exact(), Some(1234));
    }
}
