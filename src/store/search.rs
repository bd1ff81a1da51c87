//! Search by substring of the folded name (what `fold` keeps: letters and
//! digits, lower case, no marks), answered from two FTS5 indexes keyed by
//! page label, so that matches come in page order and the query stops at
//! its limit:
//!
//! - `grams` (FTS5's trigram tokenizer over the folded name) answers any
//!   query of three characters or more, exactly: FTS5 matches the query's
//!   trigrams at consecutive positions, which is a substring.
//! - `short_grams` answers two-character queries, and one-character ones
//!   outside ASCII (a Chinese family name is one character): each name's
//!   distinct 2-grams, and its non-ASCII 1-grams, as tokens. A gram becomes
//!   `x` and the hex of its UTF-8 bytes, so FTS5's tokenizer keeps it whole
//!   in any script.
//!
//! A query of one ASCII letter or digit has no index: nearly every name
//! holds each one, so walking the page order finds a page of matches at
//! once (`Query::Walk`).

use rusqlite::Connection;
use std::collections::BTreeSet;
use std::fmt::Write;

fn token(gram: &str) -> String {
    let mut t = String::with_capacity(1 + 2 * gram.len());
    t.push('x');
    for b in gram.bytes() {
        let _ = write!(t, "{b:02x}");
    }
    t
}

/// The `short_grams` text of a folded name.
fn short_tokens(folded: &str) -> String {
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    let mut grams = BTreeSet::new();
    for (i, &(at, ch)) in chars.iter().enumerate() {
        if !ch.is_ascii() {
            grams.insert(&folded[at..at + ch.len_utf8()]);
        }
        if let Some(&(next, nch)) = chars.get(i + 1) {
            grams.insert(&folded[at..next + nch.len_utf8()]);
        }
    }
    grams.into_iter().map(token).collect::<Vec<_>>().join(" ")
}

/// How a folded query is answered.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Query {
    /// `grams MATCH` this.
    Trigrams(String),
    /// `short_grams MATCH` this.
    Short(String),
    /// Walk the page order (one ASCII character).
    Walk,
    /// Nothing can match (the empty query).
    Nothing,
}

impl Query {
    pub(super) fn of(folded: &str) -> Query {
        match folded.chars().count() {
            0 => Query::Nothing,
            1 if folded.is_ascii() => Query::Walk,
            1 | 2 => Query::Short(token(folded)),
            // Folded text holds no quote, but a phrase is quoted anyway.
            _ => Query::Trigrams(format!("\"{}\"", folded.replace('"', "\"\""))),
        }
    }
}

/// Indexes a listed name under its label.
pub(super) fn remember(c: &Connection, label: i64, folded: &str) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO grams(rowid, folded) VALUES (?1, ?2)")?.execute((label, folded))?;
    let short = short_tokens(folded);
    if !short.is_empty() {
        c.prepare_cached("INSERT INTO short_grams(rowid, grams) VALUES (?1, ?2)")?.execute((label, short))?;
    }
    Ok(())
}

/// Takes a label out of both indexes.
pub(super) fn forget(c: &Connection, label: i64) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM grams WHERE rowid = ?1")?.execute([label])?;
    c.prepare_cached("DELETE FROM short_grams WHERE rowid = ?1")?.execute([label])?;
    Ok(())
}

/// The labels of the first `limit` matches, in page order; `None` when the
/// query has no index ([`Query::Walk`]).
pub(super) fn labels(c: &Connection, folded: &str, limit: usize) -> rusqlite::Result<Option<Vec<i64>>> {
    let sql = match Query::of(folded) {
        Query::Nothing => return Ok(Some(Vec::new())),
        Query::Walk => return Ok(None),
        Query::Trigrams(q) => ("SELECT rowid FROM grams WHERE grams MATCH ?1 ORDER BY rowid LIMIT ?2", q),
        Query::Short(q) => {
            ("SELECT rowid FROM short_grams WHERE short_grams MATCH ?1 ORDER BY rowid LIMIT ?2", q)
        }
    };
    let mut stmt = c.prepare_cached(sql.0)?;
    let rows = stmt.query_map((sql.1, limit as i64), |r| r.get(0))?;
    rows.collect::<Result<Vec<i64>, _>>().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_tokens_in_any_script() {
        assert_eq!(short_tokens("abc"), "x6162 x6263");
        assert_eq!(short_tokens("a"), "");
        // 王伟: both characters alone, and the pair.
        assert_eq!(short_tokens("王伟"), "xe4bc9f xe78e8b xe78e8be4bc9f");
        assert_eq!(Query::of(""), Query::Nothing);
        assert_eq!(Query::of("a"), Query::Walk);
        assert_eq!(Query::of("王"), Query::Short("xe78e8b".into()));
        assert_eq!(Query::of("ab"), Query::Short("x6162".into()));
        assert_eq!(Query::of("abc"), Query::Trigrams("\"abc\"".into()));
    }
}
