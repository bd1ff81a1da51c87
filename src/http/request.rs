//! What every request's head must be before a router sees it. hyper has
//! parsed the syntax; this refuses what parses but is ambiguous: no `Host`
//! (HTTP/1.1), two of them or one that is not a host, a target whose
//! percent-decoded bytes are not text, a single header line past
//! [`MAX_LINE`], and a length given both as `Content-Length` and
//! `Transfer-Encoding`. RFC 9112 asks for a 400 for each; resolving them
//! silently is how requests get smuggled past one reader to another.
//! A [`RequestError`] is answered by the router's own refusal page, with
//! `Connection: close`, since what follows it on the stream is not trusted.

use super::form::check_query;
use super::Answer;
use crate::messages::MessageId::*;
use hyper::header::{CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use hyper::{Request, StatusCode, Version};

/// Longest header line (name, colon, value) and request target, in bytes.
/// A browser's longest lines are cookies and user agents, well under 1 KiB.
pub const MAX_LINE: usize = 8 * 1024;

/// Why a request's head is refused before routing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// An HTTP/1.1 request without `Host`.
    NoHost,
    /// More than one `Host` line.
    ManyHosts,
    /// A `Host` that is not `host[:port]`.
    BadHost,
    /// The path or query does not decode to text (or holds a NUL).
    BadTarget,
    /// The request target is longer than [`MAX_LINE`].
    TargetTooLong,
    /// A header line is longer than [`MAX_LINE`].
    HeaderTooLarge,
    /// Both `Content-Length` and `Transfer-Encoding`, or a length or
    /// encoding that does not read.
    BadFraming,
    /// A head that does not parse as HTTP/1.x.
    BadSyntax,
}

impl From<RequestError> for Answer {
    fn from(e: RequestError) -> Answer {
        let (status, heading, reason) = match e {
            RequestError::NoHost | RequestError::ManyHosts => {
                (StatusCode::BAD_REQUEST, BadRequestHeading, NoHost)
            }
            RequestError::BadHost => (StatusCode::BAD_REQUEST, BadRequestHeading, BadHost),
            RequestError::BadTarget => (StatusCode::BAD_REQUEST, BadRequestHeading, BadTarget),
            RequestError::TargetTooLong => (StatusCode::URI_TOO_LONG, HeaderTooLargeHeading, HeaderTooLarge),
            RequestError::HeaderTooLarge => {
                (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, HeaderTooLargeHeading, HeaderTooLarge)
            }
            RequestError::BadFraming => (StatusCode::BAD_REQUEST, BadRequestHeading, BadFraming),
            RequestError::BadSyntax => (StatusCode::BAD_REQUEST, BadRequestHeading, BadSyntax),
        };
        Answer::new(status, heading, reason)
    }
}

/// Checks a request's head; the first problem found.
pub fn check<B>(req: &Request<B>) -> Result<(), RequestError> {
    let headers = req.headers();
    // `name: value`: the name, the colon and a space.
    if headers.iter().any(|(n, v)| n.as_str().len() + 2 + v.len() > MAX_LINE) {
        return Err(RequestError::HeaderTooLarge);
    }
    let uri = req.uri();
    if uri.path_and_query().map_or(0, |p| p.as_str().len()) > MAX_LINE {
        return Err(RequestError::TargetTooLong);
    }
    let mut hosts = headers.get_all(HOST).iter();
    match (hosts.next(), hosts.next()) {
        (None, _) if req.version() == Version::HTTP_11 => return Err(RequestError::NoHost),
        (None, _) => {}
        (Some(host), None) if !valid_host(host.as_bytes()) => return Err(RequestError::BadHost),
        (Some(_), None) => {}
        (Some(_), Some(_)) => return Err(RequestError::ManyHosts),
    }
    if headers.contains_key(CONTENT_LENGTH) && headers.contains_key(TRANSFER_ENCODING) {
        return Err(RequestError::BadFraming);
    }
    let path_is_text =
        percent_encoding::percent_decode_str(uri.path()).decode_utf8().is_ok_and(|p| !p.contains('\0'));
    if !path_is_text || uri.query().is_some_and(|q| check_query(q).is_err()) {
        return Err(RequestError::BadTarget);
    }
    Ok(())
}

/// `host[:port]`: a name of letters, digits, `-._~`, or a bracketed IPv6
/// literal; a port of one to five digits.
fn valid_host(v: &[u8]) -> bool {
    let (name_ok, port) = if let Some(rest) = v.strip_prefix(b"[") {
        let Some(end) = rest.iter().position(|b| *b == b']') else { return false };
        let ip = &rest[..end];
        let ok = !ip.is_empty() && ip.iter().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'));
        match &rest[end + 1..] {
            [] => (ok, None),
            [b':', port @ ..] => (ok, Some(port)),
            _ => return false,
        }
    } else {
        let (name, port) = match v.iter().position(|b| *b == b':') {
            Some(i) => (&v[..i], Some(&v[i + 1..])),
            None => (v, None),
        };
        let ok = !name.is_empty()
            && name.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        (ok, port)
    };
    name_ok && port.is_none_or(|p| (1..=5).contains(&p.len()) && p.iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(target: &str, headers: &[(&str, &str)]) -> Request<()> {
        let mut b = Request::builder().uri(target);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap()
    }

    #[test]
    fn hosts_must_be_one_and_well_formed() {
        for good in ["x", "localhost", "127.0.0.1:8080", "[::1]:80", "[::1]", "abcdefghij.onion"] {
            assert_eq!(check(&req("/", &[("host", good)])), Ok(()), "{good}");
        }
        for bad in ["", "a b", "a@b", "x:", "x:123456", "x:8o", "[::1", "[zz]", "[::1]x", "a/b", "a:1:2"] {
            assert_eq!(check(&req("/", &[("host", bad)])), Err(RequestError::BadHost), "{bad:?}");
        }
        assert_eq!(check(&req("/", &[])), Err(RequestError::NoHost));
        let http10 = Request::builder().uri("/").version(Version::HTTP_10).body(()).unwrap();
        assert_eq!(check(&http10), Ok(()), "HTTP/1.0 need not name its host");
        assert_eq!(check(&req("/", &[("host", "x"), ("host", "x")])), Err(RequestError::ManyHosts));
    }

    #[test]
    fn targets_must_decode_to_text_and_lines_be_bounded() {
        let host = [("host", "x")];
        assert_eq!(check(&req("/signatories?q=caf%C3%A9", &host)), Ok(()));
        for bad in ["/%FF", "/a%00b", "/%C0%AE%C0%AE/", "/s?q=%E9", "/s?q=a%00"] {
            assert_eq!(check(&req(bad, &host)), Err(RequestError::BadTarget), "{bad}");
        }
        let long = "a".repeat(MAX_LINE);
        assert_eq!(check(&req("/", &[("host", "x"), ("cookie", &long)])), Err(RequestError::HeaderTooLarge));
        assert_eq!(check(&req(&format!("/{long}"), &host)), Err(RequestError::TargetTooLong));
        let both = [("host", "x"), ("content-length", "3"), ("transfer-encoding", "chunked")];
        assert_eq!(check(&req("/", &both)), Err(RequestError::BadFraming));
    }
}
