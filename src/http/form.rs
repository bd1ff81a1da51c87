//! Form and query decoding within limits. A body is read only when it says
//! it is a urlencoded form, up to [`FormLimits::max_body`] bytes and within
//! [`FormLimits::timeout`]; what goes wrong is a [`FormError`], which each
//! router turns into its own page.

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header;
use hyper::Request;
use std::time::Duration;

/// Largest request body accepted (a signature is a few hundred bytes).
pub const MAX_BODY: usize = 16 * 1024;

/// How much and how slowly a form may arrive.
#[derive(Clone, Copy, Debug)]
pub struct FormLimits {
    /// Bytes, at most.
    pub max_body: usize,
    /// Time to receive the whole body.
    pub timeout: Duration,
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
}

/// A decoded urlencoded form, fields in the order sent.
#[derive(Clone, Debug, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    /// Decodes urlencoded bytes.
    pub fn decode(bytes: &[u8]) -> Form {
        Form(form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The first value of a field: a repeated field cannot override what
    /// was checked.
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
    let body = Limited::new(req.into_body(), limits.max_body);
    let bytes: Bytes = match tokio::time::timeout(limits.timeout, body.collect()).await {
        Err(_) => return Err(FormError::TooSlow),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return Err(FormError::TooLarge)
        }
        Ok(Err(_)) => return Err(FormError::Incomplete),
        Ok(Ok(c)) => c.to_bytes(),
    };
    Ok(Form::decode(&bytes))
}

/// The first value of `key` in a query string.
pub fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_value_counts_and_all_values_are_kept() {
        let f = Form::decode(b"id=1&id=2&name=A%20B&name=C&listed=");
        assert_eq!(f.get("name"), Some("A B"));
        assert_eq!(f.all("id").collect::<Vec<_>>(), ["1", "2"]);
        assert!(f.has("listed") && !f.has("website"));
        assert_eq!(query_param(Some("q=caf%C3%A9&page=2"), "q").as_deref(), Some("café"));
        assert_eq!(query_param(None, "q"), None);
    }
}
