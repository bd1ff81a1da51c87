//! The languages of the public pages, as paths: unprefixed paths are the
//! English pages, `/TAG/…` the same pages in that shipped language, one
//! [`Renderer`] each (index [`UNPREFIXED`] first, then [`Catalogue::all`]
//! order). `Accept-Language` only decides where a first `GET /` goes
//! ([`first_visit`]). The site and a mirror route by these same rules.

mod accept_language;

use crate::http::{self, Reply, NO_STORE};
use crate::messages::Catalogue;
use crate::render::Renderer;
use bytes::Bytes;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::StatusCode;

/// A language of the public pages as paths name it: the unprefixed
/// English pages ([`UNPREFIXED`]), or a shipped language under its prefix.
/// Only [`split`] makes others, so each indexes every [`PerLang`] made
/// from [`renderers`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lang(u8);

/// The unprefixed, English pages; the languages under their prefixes
/// follow, in [`Catalogue::all`] order.
pub const UNPREFIXED: Lang = Lang(0);

/// One value per language (a renderer, a rendered page), indexed by
/// [`Lang`], in the order of [`renderers`].
#[derive(Clone, Debug)]
pub struct PerLang<T>(Vec<T>);

impl<T> Default for PerLang<T> {
    fn default() -> Self {
        PerLang(Vec::new())
    }
}

impl<T> PerLang<T> {
    /// The values, [`UNPREFIXED`] first.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// How many languages.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none (a mirror before its first snapshot).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> FromIterator<T> for PerLang<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> PerLang<T> {
        PerLang(iter.into_iter().collect())
    }
}

impl<T> IntoIterator for PerLang<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T> std::ops::Index<Lang> for PerLang<T> {
    type Output = T;
    fn index(&self, at: Lang) -> &T {
        &self.0[usize::from(at.0)]
    }
}

/// The open data and the snapshot's files: the same in every language,
/// so they live at the unprefixed paths only.
pub const LANGUAGE_NEUTRAL: [&str; 6] = [
    "/signatories.json",
    "/signatories.csv",
    "/snapshot.json",
    "/snapshot.json.minisig",
    "/snapshot.chunks",
    "/snapshot.parts",
];

/// `renderer` (the unprefixed pages) and the same pages in each shipped
/// language under its prefix, indexed as [`split`] indexes paths.
pub fn renderers(renderer: &Renderer) -> PerLang<Renderer> {
    std::iter::once(renderer.clone())
        .chain(Catalogue::all().map(|words| renderer.in_language(words)))
        .collect()
}

/// Which renderer a path is for, and the path within its language:
/// `/es/privacy` is Spanish `/privacy`; a path with no language's prefix
/// is the unprefixed English one. `None` for a bare prefix (`/es`), which
/// is answered with its slash added ([`add_slash`]).
pub fn split(path: &str) -> Option<(Lang, &str)> {
    for (i, words) in Catalogue::all().enumerate() {
        let Some(rest) = path.strip_prefix('/').and_then(|p| p.strip_prefix(words.tag())) else {
            continue;
        };
        if rest.is_empty() {
            return None;
        }
        if rest.starts_with('/') {
            // Fewer than 255 languages ship (checked by a test).
            return Some((Lang(u8::try_from(i + 1).ok()?), rest));
        }
    }
    Some((UNPREFIXED, path))
}

/// `/es` to `/es/`.
pub fn add_slash(path: &str) -> Reply {
    let mut r = http::respond(
        StatusCode::PERMANENT_REDIRECT,
        "text/plain; charset=utf-8",
        "max-age=300",
        Bytes::new(),
    );
    http::set_header(&mut r, header::LOCATION, &format!("{path}/"));
    r
}

/// The answer to `GET /` (unprefixed): `letter_page` in English, or, for a
/// browser that prefers a shipped language other than English, a redirect
/// to that language's pages, once: their links lead there, and the English
/// link leads to `/en/`, so the choice is the visitor's from then on.
pub fn first_visit(headers: &HeaderMap, letter_page: impl FnOnce() -> Reply) -> Reply {
    let mut r = match accept_language::preferred(headers) {
        Some(words) => {
            let mut r =
                http::respond(StatusCode::SEE_OTHER, "text/plain; charset=utf-8", NO_STORE, Bytes::new());
            http::set_header(&mut r, header::LOCATION, &format!("/{}/", words.tag()));
            r
        }
        None => letter_page(),
    };
    r.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_names_the_language_and_anything_else_is_english() {
        let fa = Lang(1 + Catalogue::all().position(|c| c.tag() == "fa").unwrap() as u8);
        assert!(Catalogue::all().count() < 255);
        assert_eq!(split("/fa/privacy"), Some((fa, "/privacy")));
        assert_eq!(split("/fa/"), Some((fa, "/")));
        assert_eq!(split("/fa"), None);
        assert_eq!(split("/far/x"), Some((UNPREFIXED, "/far/x")));
        assert_eq!(split("/signatories"), Some((UNPREFIXED, "/signatories")));
    }
}
