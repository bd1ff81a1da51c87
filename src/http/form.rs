//! Form and query decoding within limits. A body is read only when it says
//! it is a urlencoded form, up to [`FormLimits::max_body`] bytes and within
//! [`FormLimits::timeout`]; what goes wrong is a [`FormError`], which each
//! router turns into its own page.
//!
//! Decoding is strict: a form is refused, never silently resolved, when it
//! names a field twice (unless the router says that field is a list) or
//! when its bytes, once percent-decoded, are not UTF-8. Lossy decoding
//! would publish a name with U+FFFD in it; "the first value wins" would let
//! a repeated field mean one thing to a check and another to a reader.

use super::rate::MinRate;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header;
use hyper::Request;
use std::time::Duration;
use tokio::time::Instant;

/// Largest request body accepted (a signature is a few hundred bytes).
pub const MAX_BODY: usize = 16 * 1024;

/// How much and how slowly a form may arrive, and which fields may repeat.
#[derive(Clone, Copy, Debug)]
pub struct FormLimits {
    /// Bytes, at most.
    pub max_body: usize,
    /// Time to receive the whole body.
    pub timeout: Duration,
    /// The rate the body must keep up after its grace period.
    pub min_rate: MinRate,
    /// Fields that are lists (checkboxes); any other field sent twice is refused.
    pub repeatable: &'static [&'static str],
}

impl FormLimits {
    /// The same, with these fields allowed to repeat.
    pub fn repeatable(self, fields: &'static [&'static str]) -> FormLimits {
        FormLimits { repeatable: fields, ..self }
    }
}

/// Why a form body was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormError {
    /// Not `application/x-www-form-urlencoded`.
    NotAForm,
    /// Larger than the limit (declared or sent).
    TooLarge,
    /// Slower than the limit.
    TooSlow,
    /// The connection broke before the body was whole.
    Incomplete,
    /// A field that is not a list was sent more than once.
    Repeated,
    /// Percent-decoded, a name or value is not UTF-8 (or holds a NUL).
    NotUtf8,
}

/// A decoded urlencoded form, fields in the order sent.
#[derive(Clone, Debug, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    /// Decodes urlencoded bytes strictly: only the fields in `repeatable`
    /// may be sent more than once.
    pub fn decode(bytes: &[u8], repeatable: &[&str]) -> Result<Form, FormError> {
        let mut fields: Vec<(String, String)> = Vec::new();
        for (k, v) in pairs(bytes) {
            let (k, v) = (k?, v?);
            if fields.iter().any(|(seen, _)| *seen == k) && !repeatable.contains(&k.as_str()) {
                return Err(FormError::Repeated);
            }
            fields.push((k, v));
        }
        Ok(Form(fields))
    }

    /// The value of a field (the first, for a list).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Every value of a field (checkbox lists).
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Whether the field was sent at all (a ticked checkbox).
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Every field, names and values, in the order sent. The routers ask
    /// for fields by name; this is for the fuzz target (`fuzz/`), which
    /// checks what the decoder promises about all of them.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Reads a urlencoded form body within the limits, or says why not.
pub async fn read_form(req: Request<Incoming>, limits: FormLimits) -> Result<Form, FormError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
        .unwrap_or(false);
    if !is_form {
        return Err(FormError::NotAForm);
    }
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        return Err(FormError::TooLarge);
    }
    let mut body = Limited::new(req.into_body(), limits.max_body);
    let start = Instant::now();
    let mut bytes = Vec::new();
    // Each frame must come before the whole-body deadline and before the
    // rate's: a body trickling a byte a second is refused after the grace
    // period, not after the whole timeout.
    loop {
        let deadline = (start + limits.timeout).min(limits.min_rate.deadline(start, bytes.len()));
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(FormError::TooSlow),
            Ok(None) => break,
            Ok(Some(Err(e))) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
                return Err(FormError::TooLarge)
            }
            Ok(Some(Err(_))) => return Err(FormError::Incomplete),
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    bytes.extend_from_slice(data);
                }
            }
        }
    }
    Form::decode(&bytes, limits.repeatable)
}

/// The first value of `key` in a query string. The server has refused any
/// request whose query does not decode ([`check_query`]), so nothing here
/// is lossy in practice; a value that does not decode counts as absent.
pub fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    pairs(query?.as_bytes()).find(|(k, _)| k.as_deref() == Ok(key)).and_then(|(_, v)| v.ok())
}

/// Whether every name and value of a query string decodes to UTF-8 text
/// without NUL.
pub fn check_query(query: &str) -> Result<(), FormError> {
    pairs(query.as_bytes()).try_for_each(|(k, v)| k.and(v).map(drop))
}

/// The `name=value` pairs of urlencoded bytes, each side decoded strictly.
fn pairs(bytes: &[u8]) -> impl Iterator<Item = (Result<String, FormError>, Result<String, FormError>)> + '_ {
    bytes.split(|b| *b == b'&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        (decode_component(k), decode_component(v))
    })
}

/// `+` is a space, `%XX` a byte (a `%` not followed by two hex digits is
/// itself); the bytes must then be UTF-8 without NUL.
fn decode_component(raw: &[u8]) -> Result<String, FormError> {
    let spaced: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
    match String::from_utf8(bytes) {
        Ok(s) if !s.contains('\0') => Ok(s),
        _ => Err(FormError::NotUtf8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_keep_every_value_and_other_fields_decode() {
        let f = Form::decode(b"id=1&id=2&name=A%20B+C&listed=&&flag", &["id"]).unwrap();
        assert_eq!(f.get("name"), Some("A B C"));
        assert_eq!(f.all("id").collect::<Vec<_>>(), ["1", "2"]);
        assert!(f.has("listed") && f.has("flag") && !f.has("website"));
        assert_eq!(Form::decode(b"q=100%+sure%zz", &[]).unwrap().get("q"), Some("100% sure%zz"));
        assert_eq!(query_param(Some("q=caf%C3%A9&page=2"), "q").as_deref(), Some("café"));
        assert_eq!(query_param(None, "q"), None);
    }

    #[test]
    fn repeated_fields_and_bytes_that_are_not_utf8_are_refused() {
        for body in [&b"name=A&name=B"[..], b"website=&website=x", b"token=a&kind=x&token=a", b"id=1&id=2"] {
            assert_eq!(Form::decode(body, &[]).unwrap_err(), FormError::Repeated, "{body:?}");
        }
        for body in [&b"name=A%FF"[..], b"name=%C0%AE%C0%AE", b"na%80me=A", b"name=A\xff", b"name=A%00"] {
            assert_eq!(Form::decode(body, &[]).unwrap_err(), FormError::NotUtf8, "{body:?}");
        }
        assert_eq!(check_query("q=%E9"), Err(FormError::NotUtf8));
        assert_eq!(check_query("q=%C3%A9&page=2&&x"), Ok(()));
        assert_eq!(query_param(Some("q=%E9"), "q"), None);
    }
}
