//! Which methods an address takes, and the one way every router answers a
//! request for an address it does not have (404) or with a method that
//! address does not take (405, with `Allow` naming the ones it does).

use super::Answer;
use hyper::Method;

/// The methods one address takes; HEAD goes with GET.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Methods {
    /// GET and HEAD.
    Get,
    /// POST.
    Post,
    /// GET, HEAD and POST.
    GetAndPost,
}

/// A request's method, as one of those an address takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// GET or HEAD: hyper leaves out a HEAD's body.
    Get,
    /// POST.
    Post,
}

/// Why a request reached no handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Miss {
    /// No page at this address.
    NotFound,
    /// The address takes only these methods (the `Allow` header's value).
    Method(&'static str),
}

impl Methods {
    /// The `Allow` header's value.
    pub fn allow(self) -> &'static str {
        match self {
            Methods::Get => "GET, HEAD",
            Methods::Post => "POST",
            Methods::GetAndPost => "GET, HEAD, POST",
        }
    }

    /// `method`, if the address takes it.
    pub fn admit(self, method: &Method) -> Result<Verb, Miss> {
        let verb = match *method {
            Method::GET | Method::HEAD => Verb::Get,
            Method::POST => Verb::Post,
            _ => return Err(Miss::Method(self.allow())),
        };
        match (self, verb) {
            (Methods::Get, Verb::Post) | (Methods::Post, Verb::Get) => Err(Miss::Method(self.allow())),
            _ => Ok(verb),
        }
    }
}

impl Miss {
    /// 404, or 405 with `Allow`.
    pub fn answer(self) -> Answer {
        match self {
            Miss::NotFound => Answer::not_found(),
            Miss::Method(allow) => Answer::method_not_allowed(allow),
        }
    }
}

/// The route a router found for the request's path (with the methods its
/// address takes), checked against the request's method.
pub fn resolve<R>(method: &Method, found: Option<(R, Methods)>) -> Result<(R, Verb), Miss> {
    let (route, methods) = found.ok_or(Miss::NotFound)?;
    Ok((route, methods.admit(method)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_method_is_a_405_naming_the_right_ones_and_no_address_a_404() {
        assert_eq!(resolve(&Method::HEAD, Some(((), Methods::Get))), Ok(((), Verb::Get)));
        assert_eq!(resolve(&Method::POST, Some(((), Methods::Get))), Err(Miss::Method("GET, HEAD")));
        assert_eq!(resolve(&Method::GET, Some(((), Methods::Post))), Err(Miss::Method("POST")));
        assert_eq!(
            resolve(&Method::PUT, Some(((), Methods::GetAndPost))),
            Err(Miss::Method("GET, HEAD, POST"))
        );
        assert_eq!(resolve::<()>(&Method::GET, None), Err(Miss::NotFound));
        assert_eq!(Miss::Method("POST").answer().allow, Some("POST"));
        assert_eq!(Miss::NotFound.answer().status, hyper::StatusCode::NOT_FOUND);
    }
}
