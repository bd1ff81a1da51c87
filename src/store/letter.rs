//! The letter a data dir belongs to: the versions of it the store holds
//! (table `letter_version`, the one in force also named in `meta`), the
//! check at open that the configured letter is the one in force, and an
//! amendment recording a new text as the next version.
//!
//! A data dir made by an undersign without this record adopts the letter
//! it is first opened with: it cannot know an earlier one.

use super::codec::json_text;
use super::error::StoreError;
use super::schema::{self, meta};
use crate::domain::Day;
use crate::letter::{History, Letter, Version};
use rusqlite::Connection;

/// What opening the store does with the configured letter.
#[derive(Clone, Copy, Debug)]
pub enum LetterOpen<'a> {
    /// It must be the letter in force (or the first one, on a new store).
    Check(&'a Letter),
    /// It becomes the next version (`undersign letter amend`).
    Amend(&'a Letter),
}

/// Checks, records or amends the letter, and returns every version held.
pub(super) fn bind(c: &Connection, open: LetterOpen, notice: fn(&str)) -> Result<History, StoreError> {
    let history = read(c)?;
    let today = Day::today();
    match (open, history.current()) {
        (LetterOpen::Check(letter) | LetterOpen::Amend(letter), None) => {
            let had_data = schema::meta_int(c, meta::NEXT_ID)?.is_some()
                || schema::meta_int(c, meta::IMPORTED)?.is_some();
            if had_data {
                notice(&format!(
                    "this data dir did not record its letter (made by an earlier undersign): it now belongs to \"{}\"",
                    letter.title
                ));
            }
            record(c, 1, letter, today)?;
        }
        (LetterOpen::Check(letter), Some(held)) if held.sha256 != letter.sha256_hex() => {
            return Err(StoreError::OtherLetter { held: held.title.clone(), given: letter.title.clone() });
        }
        (LetterOpen::Check(_), Some(_)) => return Ok(history),
        (LetterOpen::Amend(letter), Some(held)) if held.sha256 == letter.sha256_hex() => {
            return Err(StoreError::LetterUnchanged { title: held.title.clone() });
        }
        (LetterOpen::Amend(letter), Some(held)) => record(c, held.number + 1, letter, today)?,
    }
    read(c)
}

/// Records `letter` as version `number`, in force from `day`, in one
/// transaction with the meta keys that name the letter in force.
fn record(c: &Connection, number: u32, letter: &Letter, day: Day) -> Result<(), StoreError> {
    let sha256 = letter.sha256_hex();
    c.execute_batch("BEGIN IMMEDIATE")?;
    let written = (|| -> rusqlite::Result<()> {
        c.execute(
            "INSERT INTO letter_version(version, sha256, title, day, letter) VALUES (?1, ?2, ?3, ?4, ?5)",
            (number, &sha256, &letter.title, day.0, json_text(letter)),
        )?;
        schema::set_meta(c, meta::LETTER_SHA256, &sha256)?;
        schema::set_meta(c, meta::LETTER_TITLE, &letter.title)?;
        c.execute_batch("COMMIT")
    })();
    if written.is_err() {
        let _ = c.execute_batch("ROLLBACK");
    }
    Ok(written?)
}

/// Every version held, oldest first.
pub(super) fn read(c: &Connection) -> Result<History, StoreError> {
    let mut stmt =
        c.prepare("SELECT version, sha256, title, day, letter FROM letter_version ORDER BY version")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, u32>(0)?, r.get(1)?, r.get(2)?, r.get::<_, u32>(3)?, r.get::<_, String>(4)?))
    })?;
    let mut versions = Vec::new();
    for row in rows {
        let (number, sha256, title, day, text) = row?;
        let letter = serde_json::from_str(&text)
            .map_err(|e| StoreError::corrupt(&format!("version {number} of the letter"), e))?;
        versions.push(Version { number, sha256, title, day: Day(day), letter });
    }
    Ok(History(versions))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(title: &str) -> Letter {
        Letter::parse(&format!("# {title}\n\nText of {title}.\n")).unwrap()
    }

    fn store() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let c = schema::open_writer(dir.path(), 1 << 20).unwrap();
        (dir, c)
    }

    #[test]
    fn a_new_store_records_its_letter_as_version_one() {
        let (_d, c) = store();
        let a = letter("A");
        let h = bind(&c, LetterOpen::Check(&a), |_| {}).unwrap();
        assert_eq!(h.0.len(), 1);
        assert_eq!((h.number(), h.0[0].title.as_str(), &h.0[0].letter), (1, "A", &a));
        assert_eq!(schema::meta_text(&c, meta::LETTER_SHA256).unwrap(), Some(a.sha256_hex()));
        assert_eq!(schema::meta_text(&c, meta::LETTER_TITLE).unwrap().as_deref(), Some("A"));
        assert_eq!(h.amended_on(), None);
        // Opened again with the same letter: nothing new.
        assert_eq!(bind(&c, LetterOpen::Check(&a), |_| {}).unwrap(), h);
    }

    #[test]
    fn another_letter_is_refused_naming_both() {
        let (_d, c) = store();
        bind(&c, LetterOpen::Check(&letter("A")), |_| {}).unwrap();
        let e = bind(&c, LetterOpen::Check(&letter("B")), |_| {}).unwrap_err();
        assert!(matches!(&e, StoreError::OtherLetter { held, given } if held == "A" && given == "B"), "{e}");
    }

    #[test]
    fn an_amendment_is_the_next_version_and_an_unchanged_text_is_refused() {
        let (_d, c) = store();
        bind(&c, LetterOpen::Check(&letter("A")), |_| {}).unwrap();
        let e = bind(&c, LetterOpen::Amend(&letter("A")), |_| {}).unwrap_err();
        assert!(matches!(e, StoreError::LetterUnchanged { .. }), "{e}");
        let h = bind(&c, LetterOpen::Amend(&letter("A2")), |_| {}).unwrap();
        assert_eq!(h.number(), 2);
        assert_eq!(h.amended_on(), Some(Day::today()));
        assert_eq!(h.earlier().map(|v| v.title.as_str()).collect::<Vec<_>>(), ["A"]);
        // The amended text is now the one that opens it.
        bind(&c, LetterOpen::Check(&letter("A2")), |_| {}).unwrap();
        assert!(bind(&c, LetterOpen::Check(&letter("A")), |_| {}).is_err());
    }

    #[test]
    fn a_store_with_signatures_but_no_letter_adopts_the_first_one_and_says_so() {
        let (_d, c) = store();
        schema::set_meta(&c, meta::NEXT_ID, 5).unwrap();
        static TOLD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        let h = bind(&c, LetterOpen::Check(&letter("Old")), |m| {
            assert!(m.contains("\"Old\""), "{m}");
            TOLD.store(true, std::sync::atomic::Ordering::SeqCst);
        })
        .unwrap();
        assert!(TOLD.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(h.number(), 1);
    }

    #[test]
    fn a_signature_keeps_the_version_in_force_when_it_was_given() {
        use crate::domain::{Kind, SignatoryName, Submission};
        use crate::store::{NewSignature, Options, Store};
        let dir = tempfile::tempdir().unwrap();
        let options = Options { retention_days: 30, cache_bytes: 8 << 20, notice: |_| {} };
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let sign = |store: &Store, name: &str, nonce: u8| {
            let submission = Submission {
                name: SignatoryName::parse(name).unwrap(),
                kind: Kind::Individual,
                affiliation: None,
                country: None,
                listed: true,
                website: None,
            };
            let new = NewSignature {
                submission,
                needs_review: false,
                token_nonce: [nonce; 16],
                token_forget_after: Day(u32::MAX),
                withdraw_hash: [nonce; 32],
                max_pending: 10,
                proof_token: None,
            };
            rt.block_on(store.sign(new)).unwrap().id
        };
        let store =
            Store::open_with_letter(dir.path(), options, Some(LetterOpen::Check(&letter("A")))).unwrap();
        let before = sign(&store, "Ada Lovelace", 1);
        drop(store);
        let amend = Some(LetterOpen::Amend(&letter("A2")));
        let store = Store::open_with_letter(dir.path(), options, amend).unwrap();
        assert_eq!(store.letter_history().number(), 2);
        let after = sign(&store, "Grace Hopper", 2);
        assert_eq!(store.record(before).unwrap().letter_version, 1);
        assert_eq!(store.record(after).unwrap().letter_version, 2);
    }
}
