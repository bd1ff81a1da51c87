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
//!   "letter": { … }, "phase": { … }, "counts": { … },
//!   "signatories": [ … ]
//! }
//! ```
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

/// Everything before the names, for [`crate::render::export::JsonWriter::start_document`].
#[derive(Serialize)]
pub struct Head<'a> {
    /// Which snapshot.
    pub snapshot: &'a About,
    /// The letter.
    pub letter: &'a Letter,
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
    /// The head of a snapshot of `letter` in `phase` with `counts`.
    pub fn new(
        snapshot: &'a About,
        letter: &'a Letter,
        phase: Phase,
        counts: &Counts,
        badge: Option<String>,
        numbers: Option<&'a Numbers>,
    ) -> Head<'a> {
        Head { snapshot, letter, phase, counts: OpenCounts::from(counts), badge, numbers, signatories: &[] }
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
    /// The listed counts the file states, in [`kind_index`] order.
    pub fn stated_listed(&self) -> [u64; 3] {
        let l = &self.counts.listed;
        [l.organization, l.company, l.individual]
    }
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
