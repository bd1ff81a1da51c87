//! The snapshot file: the open data (letter, phase, counts, published and
//! listed names in page order, as `/signatories.json` has them) after a
//! `snapshot` object that says which snapshot it is:
//!
//! ```json
//! {
//!   "snapshot": {
//!     "format": "undersign-snapshot-1",
//!     "seq": 42,
//!     "day": "2026-12-01",
//!     "expires": "2026-12-08",
//!     "letter_sha256": "…",
//!     "prev_sha256": "…"
//!   },
//!   "letter": { … },
//!   "letter_versions": [ { "version": 1, "day": "2026-11-02", "sha256": "…" }, … ],
//!   "phase": { … }, "counts": { … },
//!   "signatories": [ … ]
//! }
//! ```
//!
//! `letter_versions` is there once the letter was amended (`undersign
//! letter amend`): every version, oldest first, the last the `letter` in
//! force. A snapshot of a letter never amended is as before, so that the
//! format stays `undersign-snapshot-1`; a reader older than the list
//! refuses an amended letter's snapshot as malformed, as it would have
//! refused its new letter anyway.
//!
//! It is written one name at a time and read back the same way (to verify),
//! so neither side holds the list in memory.

use super::comment::{Digest, FORMAT};
use crate::domain::{record::kind_index, Counts, Day, Phase, PublicSignatory};
use crate::letter::Letter;
use crate::render::export::OpenCounts;
use crate::view::Numbers;
use serde::{Deserialize, Serialize};

/// The `snapshot` object: the file's own copy of the trusted comment's
/// fields (all but the file's digest, which it cannot hold).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    /// [`FORMAT`].
    pub format: String,
    /// As in the comment.
    pub seq: u64,
    /// As in the comment.
    #[serde(with = "iso_day")]
    pub day: Day,
    /// As in the comment.
    #[serde(with = "iso_day")]
    pub expires: Day,
    /// As in the comment's `letter`.
    pub letter_sha256: Digest,
    /// As in the comment's `prev`.
    pub prev_sha256: Option<Digest>,
}

impl About {
    /// The `snapshot` object of snapshot `seq`.
    pub fn new(seq: u64, day: Day, expires: Day, letter: Digest, prev: Option<Digest>) -> About {
        About { format: FORMAT.into(), seq, day, expires, letter_sha256: letter, prev_sha256: prev }
    }
}

/// One version of the letter as a snapshot lists it: its number, the day
/// it came into force and its digest (the text of the one in force is the
/// snapshot's `letter`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterVersion {
    /// 1, 2, …
    pub version: u32,
    /// The UTC day it came into force.
    #[serde(with = "iso_day")]
    pub day: Day,
    /// Its digest ([`letter_digest`]).
    pub sha256: Digest,
}

/// Versions a snapshot may list, at most: a letter amended every day for
/// years has fewer.
pub const MAX_LETTER_VERSIONS: usize = 4096;

impl LetterVersion {
    /// The versions of `history` as a snapshot lists them: none for a
    /// letter never amended.
    pub fn list(history: &crate::letter::History) -> Vec<LetterVersion> {
        if history.amended_on().is_none() {
            return Vec::new();
        }
        history
            .0
            .iter()
            .filter_map(|v| {
                Some(LetterVersion { version: v.number, day: v.day, sha256: v.sha256.parse().ok()? })
            })
            .collect()
    }
}

/// Everything before the names, for [`crate::render::export::JsonWriter::start_document`].
#[derive(Serialize)]
pub struct Head<'a> {
    /// Which snapshot.
    pub snapshot: &'a About,
    /// The letter.
    pub letter: &'a Letter,
    /// Its versions, when it was amended.
    #[serde(skip_serializing_if = "<[LetterVersion]>::is_empty")]
    pub letter_versions: &'a [LetterVersion],
    /// Its phase.
    pub phase: Phase,
    /// The counts, read with the names.
    pub counts: OpenCounts,
    /// `/badge.svg` as of this snapshot: made from these counts when it
    /// is signed, so that what others embed is signed too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
    /// `/numbers`' figures as of this snapshot, folded: a mirror has no
    /// days of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numbers: Option<&'a Numbers>,
    /// Empty: the names are streamed after the head.
    pub signatories: &'a [PublicSignatory],
}

impl<'a> Head<'a> {
    /// The head of a snapshot of `letter` (with its `versions`) in `phase`
    /// with `counts`, its badge and its figures.
    pub fn new(
        snapshot: &'a About,
        (letter, letter_versions): (&'a Letter, &'a [LetterVersion]),
        phase: Phase,
        counts: &Counts,
        badge: Option<String>,
        numbers: Option<&'a Numbers>,
    ) -> Head<'a> {
        Head {
            snapshot,
            letter,
            letter_versions,
            phase,
            counts: OpenCounts::from(counts),
            badge,
            numbers,
            signatories: &[],
        }
    }
}

/// The letter's digest: SHA-256 of its JSON as the snapshot writes it,
/// without spaces (`serde_json::to_vec`). It changes when any text of the
/// letter does.
pub fn letter_digest(letter: &Letter) -> Digest {
    // A struct of strings always serializes.
    Digest::of(&serde_json::to_vec(letter).unwrap_or_default())
}

/// A snapshot file as read back: everything but the names, which are
/// counted per kind as they go by.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadBack {
    /// Which snapshot it says it is.
    pub snapshot: About,
    /// The letter.
    pub letter: Letter,
    /// Its versions, if it was amended.
    #[serde(default, deserialize_with = "bounded_versions")]
    pub letter_versions: Vec<LetterVersion>,
    /// Its phase (read to check that it is one).
    #[allow(dead_code, reason = "parsed to check the file, not used after")]
    pub phase: Phase,
    /// The counts it states.
    pub counts: OpenCounts,
    /// Its badge, if the version that signed it makes one.
    #[serde(default)]
    #[allow(dead_code, reason = "parsed to check the file, not used after")]
    pub badge: Option<String>,
    /// Its figures by day and country, if the version that signed it
    /// carries them.
    #[serde(default)]
    #[allow(dead_code, reason = "parsed to check the file, not used after")]
    pub numbers: Option<Numbers>,
    /// What its list holds.
    #[serde(deserialize_with = "count_names")]
    pub signatories: Listed,
}

/// The names of a snapshot, counted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Listed {
    /// Names per kind, in [`kind_index`] order.
    pub per_kind: [u64; 3],
    /// Grouped by kind in page order (organisations, companies, individuals).
    pub grouped: bool,
}

impl ReadBack {
    /// Whether its versions are a history of its letter: numbered 1, 2, …
    /// in order, days not going back, the last one its letter. No list is
    /// a letter never amended.
    pub fn versions_hold(&self, letter: Digest) -> bool {
        let v = &self.letter_versions;
        v.is_empty()
            || (v.iter().enumerate().all(|(i, v)| v.version as usize == i + 1)
                && v.windows(2).all(|w| w[0].day <= w[1].day)
                && v.last().is_some_and(|last| last.sha256 == letter))
    }

    /// The digests of every version of its letter, oldest first.
    pub fn history(&self, letter: Digest) -> Vec<Digest> {
        match self.letter_versions.is_empty() {
            true => vec![letter],
            false => self.letter_versions.iter().map(|v| v.sha256).collect(),
        }
    }

    /// The listed counts the file states, in [`kind_index`] order.
    pub fn stated_listed(&self) -> [u64; 3] {
        let l = &self.counts.listed;
        [l.organization, l.company, l.individual]
    }
}

/// The list of versions, refused past [`MAX_LETTER_VERSIONS`] before it
/// is held.
fn bounded_versions<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<LetterVersion>, D::Error> {
    struct Bounded;
    impl<'de> serde::de::Visitor<'de> for Bounded {
        type Value = Vec<LetterVersion>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a list of at most {MAX_LETTER_VERSIONS} letter versions")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element()? {
                if out.len() == MAX_LETTER_VERSIONS {
                    return Err(serde::de::Error::invalid_length(out.len() + 1, &self));
                }
                out.push(v);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Bounded)
}

/// Counts the list one name at a time: a million of them are never held.
fn count_names<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Listed, D::Error> {
    struct Counter;
    impl<'de> serde::de::Visitor<'de> for Counter {
        type Value = Listed;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of signatories")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Listed, A::Error> {
            let mut listed = Listed { grouped: true, ..Listed::default() };
            let mut last = 0;
            while let Some(s) = seq.next_element::<PublicSignatory>()? {
                let i = kind_index(s.kind);
                listed.grouped &= i >= last;
                last = i;
                listed.per_kind[i] += 1;
            }
            Ok(listed)
        }
    }
    d.deserialize_seq(Counter)
}

/// Days as `YYYY-MM-DD` in the file, as in the comment.
mod iso_day {
    use crate::domain::Day;

    pub fn serialize<S: serde::Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(day)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(|()| serde::de::Error::custom("not a YYYY-MM-DD date"))
    }

    use serde::Deserialize;
}
