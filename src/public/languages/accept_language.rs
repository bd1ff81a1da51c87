//! `Accept-Language`, read only to choose where a first visit to `/` goes:
//! the shipped language the browser prefers most, by its q-values. Nothing
//! of it is kept, and it changes nothing stored.

use crate::messages::Catalogue;
use hyper::header::{HeaderMap, ACCEPT_LANGUAGE};

/// Ranges read at most: a real browser sends a handful; a longer header is
/// read up to here, never scanned whole.
const MAX_RANGES: usize = 16;

/// The shipped language other than English that the request prefers
/// most, if it prefers one over English; `None` serves English.
pub fn preferred(headers: &HeaderMap) -> Option<Catalogue> {
    let value = headers.get(ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut ranges: Vec<(u16, Catalogue)> = value
        .split(',')
        .take(MAX_RANGES)
        .filter_map(|range| {
            let mut parts = range.split(';');
            let tag = parts.next()?.trim();
            let q = parts.find_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")));
            let q = match q {
                None => 1000,
                Some(q) => quality(q)?,
            };
            (q > 0).then_some((q, shipped(tag)?))
        })
        .collect();
    // Stable: among equal q-values the first listed wins.
    ranges.sort_by_key(|r| std::cmp::Reverse(r.0));
    ranges.first().map(|(_, c)| *c).filter(|c| *c != Catalogue::ENGLISH)
}

/// A q-value in thousandths: `0`, `0.8`, `1.000`; `None` if malformed.
fn quality(q: &str) -> Option<u16> {
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The shipped language a language range names: its primary subtag, and
/// for Chinese its script (simplified: `zh`, `zh-Hans`, `zh-CN`, `zh-SG`;
/// not `zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO`, which it would not serve).
fn shipped(range: &str) -> Option<Catalogue> {
    let mut subtags = range.split(['-', '_']);
    let primary = subtags.next()?.to_ascii_lowercase();
    let rest: Vec<String> = subtags.map(str::to_ascii_lowercase).collect();
    if primary == "zh" {
        let traditional = rest.iter().any(|s| matches!(s.as_str(), "hant" | "tw" | "hk" | "mo"));
        return if traditional { None } else { Catalogue::all().find(|c| c.tag() == "zh-Hans") };
    }
    Catalogue::all().find(|c| c.tag().eq_ignore_ascii_case(&primary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn pick(value: &str) -> Option<&'static str> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_str(value).unwrap());
        preferred(&headers).map(|c| c.tag())
    }

    #[test]
    fn the_most_preferred_shipped_language_wins_by_q_value() {
        assert_eq!(pick("fa"), Some("fa"));
        assert_eq!(pick("fa-IR,fa;q=0.9,en-US;q=0.8,en;q=0.7"), Some("fa"));
        assert_eq!(pick("en-US,en;q=0.5"), None, "Tor Browser's default stays English");
        assert_eq!(pick("en;q=0.5, es;q=0.9"), Some("es"), "order is by q, not by place");
        assert_eq!(pick("de, ru;q=0.3, en;q=0.2"), Some("ru"), "an unshipped one is skipped");
        assert_eq!(pick("de-DE, fr"), None);
        assert_eq!(pick("es;q=0, en"), None, "q=0 means not wanted");
        assert_eq!(pick("zh-CN,zh;q=0.9"), Some("zh-Hans"));
        assert_eq!(pick("zh-Hans-SG"), Some("zh-Hans"));
        assert_eq!(pick("zh-TW, en;q=0.5"), None, "traditional Chinese is not served simplified");
        assert_eq!(pick("RU"), Some("ru"));
        assert_eq!(pick("es;q=1.5"), None, "a malformed q is ignored");
        assert_eq!(pick("*"), None);
    }

    #[test]
    fn a_long_header_is_read_only_up_to_its_bound() {
        let long = format!("{}fa", "de;q=0.9,".repeat(MAX_RANGES));
        assert_eq!(pick(&long), None, "past the bound, not looked at");
    }

    #[test]
    fn q_values_parse_as_the_rfc_writes_them() {
        assert_eq!(quality("0.8"), Some(800));
        assert_eq!(quality("1"), Some(1000));
        assert_eq!(quality("1.000"), Some(1000));
        assert_eq!(quality("0"), Some(0));
        assert_eq!(quality("0.1234"), None);
        assert_eq!(quality("1.1"), None);
        assert_eq!(quality("x"), None);
    }
}
