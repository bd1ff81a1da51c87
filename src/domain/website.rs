//! An organisation's website, parsed at the edge: what a signer types in
//! the form's `website` field (a domain, or an `https://` address) becomes
//! a [`Website`], the lower-case ASCII host name the proof is fetched
//! from, or is refused. Whatever could lead the proof checker somewhere
//! other than a public website is refused here: an IP literal, a port
//! other than 443, a user name, `localhost`, a single-label name, an
//! `.onion` address, a name longer than DNS allows.

use super::field::{Field, FieldError, FieldProblem, WEBSITE_MAX_CHARS};
use serde::{Deserialize, Serialize};

/// Longest host name DNS carries, in ASCII (RFC 1035: 255 octets on the
/// wire, 253 as text).
const MAX_HOST: usize = 253;
/// Longest label (RFC 1035).
const MAX_LABEL: usize = 63;

/// A public website's host name: lower case, ASCII (an internationalised
/// name in its `xn--` form), at least two labels, none of them a port, an
/// address or a reserved name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Website(String);

impl From<Website> for String {
    fn from(w: Website) -> String {
        w.0
    }
}

/// A stored or signed host name is checked again as it is read: a
/// snapshot is the origin's word, not a mirror's.
impl TryFrom<String> for Website {
    type Error = String;
    fn try_from(host: String) -> Result<Website, String> {
        Website::from_ascii(host.clone())
            .filter(|w| w.0 == host)
            .ok_or_else(|| format!("`{host}` is not a website"))
    }
}

impl Website {
    /// A domain (`example.org`, `Example.ORG.`, `bücher.example`) or an
    /// `https://` address (`https://example.org/about`): the host name;
    /// empty input means none was given.
    pub fn parse(raw: &str) -> Result<Option<Website>, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let refused = || FieldError::new(Field::Website, FieldProblem::NotAWebsite);
        if raw.chars().count() > WEBSITE_MAX_CHARS {
            return Err(FieldError::new(Field::Website, FieldProblem::TooLong));
        }
        let rest = match raw.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => rest,
            Some(_) => return Err(refused()),
            None => raw,
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') || authority.starts_with('[') {
            return Err(refused());
        }
        let host = match authority.rsplit_once(':') {
            Some((host, "443")) => host,
            Some(_) => return Err(refused()),
            None => authority,
        };
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '%' || c == '\\') {
            return Err(refused());
        }
        let ascii = idna::domain_to_ascii(host).map_err(|_| refused())?;
        Website::from_ascii(ascii).map(Some).ok_or_else(refused)
    }

    /// Checks an ASCII host name (as [`Website::parse`] makes, or as a
    /// store or snapshot holds one).
    fn from_ascii(host: String) -> Option<Website> {
        let host = host.to_ascii_lowercase();
        let labels: Vec<&str> = host.split('.').collect();
        let label_ok = |l: &&str| {
            (1..=MAX_LABEL).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        let last = labels.last()?;
        let reserved = matches!(*last, "localhost" | "onion" | "local" | "internal" | "invalid" | "test")
            || host.ends_with(".home.arpa");
        // A last label of digits only is an IPv4 address in some form
        // (`127.0.0.1`, `2130706433`), never a top-level domain.
        let numeric = last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x");
        let fits = host.len() <= MAX_HOST && labels.len() >= 2 && labels.iter().all(label_ok);
        (fits && !reserved && !numeric).then_some(Website(host))
    }

    /// The host name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where the proof is published.
    pub fn proof_url(&self) -> String {
        format!("https://{}/.well-known/undersign.txt", self.0)
    }
}

impl std::fmt::Display for Website {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Website {
    type Err = FieldError;
    /// A host name given whole (from a store or a snapshot).
    fn from_str(s: &str) -> Result<Website, FieldError> {
        Website::parse(s)?.ok_or(FieldError::new(Field::Website, FieldProblem::NotAWebsite))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(raw: &str) -> Result<Option<String>, FieldProblem> {
        Website::parse(raw).map(|w| w.map(|w| w.as_str().to_string())).map_err(|e| e.problem)
    }

    #[test]
    fn a_domain_or_an_https_address_gives_its_lower_case_host() {
        let ok = |raw: &str, want: &str| assert_eq!(host(raw), Ok(Some(want.to_string())), "{raw}");
        ok("example.org", "example.org");
        ok("  Example.ORG.  ", "example.org");
        ok("https://www.example.org/about?x#y", "www.example.org");
        ok("HTTPS://example.org:443/", "example.org");
        ok("bücher.example", "xn--bcher-kva.example");
        ok("xn--bcher-kva.example", "xn--bcher-kva.example");
        ok("eff.org", "eff.org");
    }

    #[test]
    fn the_field_is_optional() {
        assert_eq!(host(""), Ok(None));
        assert_eq!(host("   "), Ok(None));
    }

    #[test]
    fn what_could_lead_elsewhere_than_a_public_website_is_refused() {
        for raw in [
            "127.0.0.1",
            "https://127.0.0.1/",
            "10.1.2.3",
            "2130706433",
            "0x7f.0x1",
            "[::1]",
            "https://[::1]:443/",
            "localhost",
            "https://localhost/",
            "printer.localhost",
            "intranet",
            "https://intranet/",
            "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
            "https://user:pass@example.org/",
            "user@example.org",
            "example.org:8443",
            "https://example.org:80/",
            "http://example.org",
            "ftp://example.org",
            "exa mple.org",
            "-bad.example.org",
            "example..org",
            "a_b.example",
            "%65xample.org",
            ".",
        ] {
            assert_eq!(host(raw), Err(FieldProblem::NotAWebsite), "{raw}");
        }
        let label = "a".repeat(64);
        assert_eq!(host(&format!("{label}.org")), Err(FieldProblem::NotAWebsite));
        let long = ["abcdefghi"; 26].join(".");
        assert!(long.len() > MAX_HOST && long.len() < WEBSITE_MAX_CHARS);
        assert_eq!(host(&long), Err(FieldProblem::NotAWebsite));
        assert_eq!(host(&"a".repeat(WEBSITE_MAX_CHARS + 1)), Err(FieldProblem::TooLong));
    }

    #[test]
    fn seed_organisation_names_are_not_websites_and_nothing_requires_one() {
        // The seed lists are names: none is taken for a website by
        // accident, and none needs one to be signed.
        let content = crate::letter::Content::embedded();
        for (kind, names) in &content.signatories {
            for name in names.iter().filter(|n| n.contains(' ')) {
                assert!(Website::parse(name).is_err(), "{kind}: {name}");
            }
        }
    }

    proptest::proptest! {
        /// Whatever is typed: no panic, and what is accepted reads back the same.
        #[test]
        fn parsing_is_total_and_idempotent(raw in "\\PC{0,80}") {
            if let Ok(Some(w)) = Website::parse(&raw) {
                proptest::prop_assert_eq!(Website::parse(w.as_str()).unwrap(), Some(w.clone()));
                proptest::prop_assert!(w.as_str().len() <= MAX_HOST);
            }
        }
    }
}
