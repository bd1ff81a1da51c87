//! The stored data model: a signature [`Record`], the letter's [`Phase`],
//! the moderators' [`AuditEntry`], and [`PublicSignatory`], the part of a
//! record the public (pages, exports, mirrors) may see. Nothing here can
//! hold anything about a requester, and the finest time is the [`Day`].

use super::flags::Flag;
use super::signatory::{Affiliation, Country, Kind, SignatoryName};
use serde::{Deserialize, Serialize};

pub use super::day::Day;

/// Whether a signature is public yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Counted, and shown if listed.
    Published,
    /// Waiting for a moderator.
    Pending,
}

/// One signature as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Its id, in arrival order.
    pub id: u64,
    /// The name as signed (or as a moderator edited it).
    pub name: SignatoryName,
    /// Who signed.
    pub kind: Kind,
    /// Title, employer or city, if given. What is not given is not written:
    /// most signatures give neither, and a million records are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<Affiliation>,
    /// Country, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// Whether the name may be shown; unlisted ones are only counted.
    pub listed: bool,
    /// Published or waiting for review.
    pub status: Status,
    /// Why a moderator should look at it.
    pub flags: Vec<Flag>,
    /// A moderator checked that this organisation or company is who it says.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
    /// The UTC day it arrived: the finest time kept.
    pub day: Day,
    /// Its organisation's website publishes its line (`proof`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<super::proof::ProofMark>,
    /// The version of the letter in force when it was given (1 before any
    /// amendment; not written when 1, so older records read the same).
    #[serde(default = "first_version", skip_serializing_if = "is_first_version")]
    pub letter_version: u32,
}

fn first_version() -> u32 {
    1
}

fn is_first_version(v: &u32) -> bool {
    *v == 1
}

impl Record {
    /// A name published and listed with nothing else known about it, as an
    /// imported list gives it.
    pub fn imported(id: u64, name: SignatoryName, kind: Kind, day: Day) -> Record {
        Record {
            id,
            name,
            kind,
            affiliation: None,
            country: None,
            listed: true,
            status: Status::Published,
            flags: Vec::new(),
            verified: false,
            day,
            letter_version: 1,
            proof: None,
        }
    }
}

/// What the public may see of a signature: the open-data model that pages,
/// exports and mirrors share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSignatory {
    /// The name.
    pub name: String,
    /// Who signed.
    pub kind: Kind,
    /// Title, employer or city, if given. Like `verified` and `proof`,
    /// left out when there is nothing to say: most names have neither, and
    /// a million of them are downloaded over Tor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Country, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Checked by a moderator (organisations and companies).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
    /// Proven by its own website: the domain and the day the line was
    /// last found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<super::proof::ProofMark>,
}

impl From<&Record> for PublicSignatory {
    fn from(r: &Record) -> Self {
        PublicSignatory {
            name: r.name.as_str().to_string(),
            kind: r.kind,
            affiliation: r.affiliation.as_ref().map(|a| a.as_str().to_string()),
            country: r.country.as_ref().map(|c| c.as_str().to_string()),
            verified: r.verified,
            proof: r.proof.clone(),
        }
    }
}

/// Published signatures per kind (listed or not), how many of them are
/// listed, and those waiting for review.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Published, per kind (see [`Counts::published`]).
    pub published: [u64; 3],
    /// Published and listed, per kind.
    pub listed: [u64; 3],
    /// Waiting for review, per kind.
    pub pending: [u64; 3],
}

pub(crate) fn kind_index(kind: Kind) -> usize {
    match kind {
        Kind::Organization => 0,
        Kind::Company => 1,
        Kind::Individual => 2,
    }
}

impl Counts {
    /// Published signatures of a kind, listed or not.
    pub fn published(&self, kind: Kind) -> u64 {
        self.published[kind_index(kind)]
    }
    /// Published signatures of a kind shown by name.
    pub fn listed(&self, kind: Kind) -> u64 {
        self.listed[kind_index(kind)]
    }
    /// Signatures of a kind waiting for review.
    pub fn pending(&self, kind: Kind) -> u64 {
        self.pending[kind_index(kind)]
    }
    /// All published signatures.
    pub fn total_published(&self) -> u64 {
        self.published.iter().sum()
    }
    /// All signatures waiting for review.
    pub fn total_pending(&self) -> u64 {
        self.pending.iter().sum()
    }
}

/// Where the letter is in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "phase")]
pub enum Phase {
    /// Taking signatures.
    #[default]
    Open,
    /// Signing stopped for now; the form says so.
    Paused,
    /// No more signatures, for good. Private fields are purged
    /// `retention_days` after `day`.
    Closed {
        /// The day it closed.
        day: Day,
        /// Its private fields were purged.
        purged: bool,
    },
}

/// Why a moderator rejected a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RejectReason {
    /// Not who it claims to be.
    Fake,
    /// Signed already.
    Duplicate,
    /// Abusive.
    Offensive,
    /// Advertising or noise.
    Spam,
    /// Anything else.
    Other,
}

impl RejectReason {
    /// Every reason, in the console's order.
    pub const ALL: [RejectReason; 5] = [
        RejectReason::Fake,
        RejectReason::Duplicate,
        RejectReason::Offensive,
        RejectReason::Spam,
        RejectReason::Other,
    ];

    /// The reason's name in forms and the audit list.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::Fake => "fake",
            RejectReason::Duplicate => "duplicate",
            RejectReason::Offensive => "offensive",
            RejectReason::Spam => "spam",
            RejectReason::Other => "other",
        }
    }

    /// The reason named `s`.
    pub fn parse(s: &str) -> Option<RejectReason> {
        RejectReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One moderator action, for the console's audit list. Names the moderator
/// and the signature, never a visitor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The UTC day.
    pub day: Day,
    /// Who did it (a moderator, `command line`, `import`, `retention`).
    pub moderator: String,
    /// What was done.
    pub action: AuditAction,
    /// The signature it was done to, if one.
    pub signature: Option<u64>,
    /// That signature's name at the time.
    pub name: Option<String>,
}

impl AuditEntry {
    /// The entry with nothing left of who its signature was: no name, no
    /// earlier name of an edit, no website of a proof (emptied; the pages
    /// show an ellipsis). What was done, by whom and on which day stays.
    pub fn without_signer(self) -> AuditEntry {
        let action = match self.action {
            AuditAction::Edited { .. } => AuditAction::Edited { previous: String::new() },
            AuditAction::ProofTaken { .. } => AuditAction::ProofTaken { domain: String::new() },
            AuditAction::ProofLost { .. } => AuditAction::ProofLost { domain: String::new() },
            other => other,
        };
        AuditEntry { name: None, action, ..self }
    }

    /// Whether anything of who its signature was is still in it.
    pub fn names_signer(&self) -> bool {
        self.name.is_some()
            || match &self.action {
                AuditAction::Edited { previous } => !previous.is_empty(),
                AuditAction::ProofTaken { domain } | AuditAction::ProofLost { domain } => !domain.is_empty(),
                _ => false,
            }
    }
}

/// What an audit entry records: a moderator's action, an import, or the
/// retention purge. The words for it are `messages::audit_action`'s.
///
/// Stored tagged, as `{"what":"rejected","with":"spam"}`. Entries written
/// before actions were typed hold that version's English sentence instead
/// (`"rejected (spam)"`); those read back as the same action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// `remote = "Self"`: the derives become inherent functions, for the two
// impls below, so that reading can also accept the old sentences.
#[serde(remote = "Self", tag = "what", content = "with", rename_all = "snake_case")]
pub enum AuditAction {
    /// A pending signature was published.
    Approved,
    /// A pending signature was refused, and deleted.
    Rejected(RejectReason),
    /// The name (or affiliation) was corrected; `previous` is the name before.
    Edited {
        /// The name before the edit.
        previous: String,
    },
    /// An organisation or company was checked to be who it says.
    Verified,
    /// The check was taken back.
    Unverified,
    /// A published signature went back to the review queue.
    Unpublished,
    /// A signature was removed for good.
    Deleted,
    /// Signing was opened again after a pause.
    SigningOpened,
    /// Signing was paused.
    SigningPaused,
    /// The letter was closed for good.
    LetterClosed,
    /// Names were imported as published signatures.
    Imported {
        /// How many.
        count: usize,
        /// Of which kind.
        kind: Kind,
    },
    /// The retention purge forgot the private fields.
    Purged,
    /// The organisation's website was found to publish the signature's line.
    ProofTaken {
        /// The website.
        domain: String,
    },
    /// The line is gone from the website (or it could not be read): the
    /// signature no longer shows the proof.
    ProofLost {
        /// The website.
        domain: String,
    },
    /// An old entry's sentence that is none of the above, kept as written.
    Unrecognised(String),
}

impl AuditAction {
    /// The action an entry of an earlier version names in its sentence.
    /// These sentences are a stored format now, frozen: they do not follow
    /// what `messages` says today.
    fn from_sentence(s: &str) -> AuditAction {
        let fixed = match s {
            "approved" => Some(AuditAction::Approved),
            "verified" => Some(AuditAction::Verified),
            "unverified" => Some(AuditAction::Unverified),
            "unpublished" => Some(AuditAction::Unpublished),
            "deleted" => Some(AuditAction::Deleted),
            "opened signing" => Some(AuditAction::SigningOpened),
            "paused signing" => Some(AuditAction::SigningPaused),
            "closed the letter" => Some(AuditAction::LetterClosed),
            "purged private fields" => Some(AuditAction::Purged),
            _ => None,
        };
        let rejected = || {
            let reason = s.strip_prefix("rejected (")?.strip_suffix(')')?;
            RejectReason::parse(reason).map(AuditAction::Rejected)
        };
        let edited = || {
            let previous = s.strip_prefix("edited (was “")?.strip_suffix("”)")?;
            Some(AuditAction::Edited { previous: previous.to_string() })
        };
        let imported = || {
            let (count, kind) = s.strip_prefix("imported ")?.split_once(' ')?;
            let kind = Kind::ALL.into_iter().find(|k| k.as_str() == kind)?;
            Some(AuditAction::Imported { count: count.parse().ok()?, kind })
        };
        fixed
            .or_else(rejected)
            .or_else(edited)
            .or_else(imported)
            .unwrap_or_else(|| AuditAction::Unrecognised(s.to_string()))
    }
}

impl Serialize for AuditAction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        AuditAction::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for AuditAction {
    /// Either form: the tagged value, or an earlier version's sentence.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either;

        impl<'de> serde::de::Visitor<'de> for Either {
            type Value = AuditAction;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an audit action, tagged or as an earlier version's sentence")
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<AuditAction, E> {
                Ok(AuditAction::from_sentence(s))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<AuditAction, A::Error> {
                AuditAction::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }

        deserializer.deserialize_any(Either)
    }
}

/// What the retention purge will remove, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retention {
    /// The day the purge runs; `None` while the letter is open (or purged).
    pub purge_on: Option<Day>,
    /// The purge has run.
    pub purged: bool,
    /// Withdrawal codes it will forget.
    pub withdrawal_codes: usize,
    /// Used form tokens it will forget.
    pub used_tokens: usize,
    /// Unlisted signers whose affiliation or country it will forget.
    pub unlisted_details: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_print_as_dates() {
        assert_eq!(Day(0).to_string(), "1970-01-01");
        assert_eq!(Day(20_783).to_string(), "2026-11-26");
        assert_eq!(Day(11_016).to_string(), "2000-02-29");
    }

    #[test]
    fn dates_read_back_as_the_days_they_print() {
        for day in [0, 59, 60, 11_016, 20_783, 20_788, 2_932_896] {
            assert_eq!(Day(day).to_string().parse::<Day>(), Ok(Day(day)));
        }
        for bad in ["2026-02-30", "2026-13-01", "2026-1-01", "1969-12-31", "2026-11-26 ", "+026-11-26", ""] {
            assert_eq!(bad.parse::<Day>(), Err(()), "{bad}");
        }
    }

    #[test]
    fn public_signatories_hide_unverified() {
        let p = PublicSignatory {
            name: "A".into(),
            kind: Kind::Company,
            affiliation: None,
            country: None,
            verified: false,
            proof: None,
        };
        assert!(!serde_json::to_string(&p).unwrap().contains("verified"));
    }

    /// A record keeps only what is known, and one written in full (as
    /// earlier versions wrote every record) reads as the same record.
    #[test]
    fn records_leave_out_what_was_not_given_and_read_in_either_form() {
        let r =
            Record::imported(7, SignatoryName::parse("Ada Lovelace").unwrap(), Kind::Individual, Day(20_793));
        let short = serde_json::to_string(&r).unwrap();
        for absent in ["affiliation", "country", "verified"] {
            assert!(!short.contains(absent), "{short}");
        }
        let full = r#"{"id":7,"name":"Ada Lovelace","kind":"individual","affiliation":null,"country":null,"listed":true,"status":"published","flags":[],"verified":false,"day":20793}"#;
        assert_eq!(serde_json::from_str::<Record>(full).unwrap(), r);
        assert_eq!(serde_json::from_str::<Record>(&short).unwrap(), r);
        let given = Record {
            affiliation: Affiliation::parse("Analytical Engines").unwrap(),
            country: Country::parse("United Kingdom").unwrap(),
            verified: true,
            ..r
        };
        let back = serde_json::from_str::<Record>(&serde_json::to_string(&given).unwrap()).unwrap();
        assert_eq!(back, given);
    }

    /// Every sentence earlier versions stored reads as its action, and the
    /// console still shows it in the same words.
    #[test]
    fn audit_entries_of_earlier_versions_read_as_actions() {
        let cases = [
            ("approved", AuditAction::Approved),
            ("rejected (spam)", AuditAction::Rejected(RejectReason::Spam)),
            ("rejected (fake)", AuditAction::Rejected(RejectReason::Fake)),
            ("rejected (duplicate)", AuditAction::Rejected(RejectReason::Duplicate)),
            ("rejected (offensive)", AuditAction::Rejected(RejectReason::Offensive)),
            ("rejected (other)", AuditAction::Rejected(RejectReason::Other)),
            ("edited (was “Hivos”)", AuditAction::Edited { previous: "Hivos".into() }),
            ("edited (was “A (“B”)”)", AuditAction::Edited { previous: "A (“B”)".into() }),
            ("verified", AuditAction::Verified),
            ("unverified", AuditAction::Unverified),
            ("unpublished", AuditAction::Unpublished),
            ("deleted", AuditAction::Deleted),
            ("opened signing", AuditAction::SigningOpened),
            ("paused signing", AuditAction::SigningPaused),
            ("closed the letter", AuditAction::LetterClosed),
            ("imported 322 organization", AuditAction::Imported { count: 322, kind: Kind::Organization }),
            ("imported 1 company", AuditAction::Imported { count: 1, kind: Kind::Company }),
            ("imported 7 individual", AuditAction::Imported { count: 7, kind: Kind::Individual }),
            ("purged private fields", AuditAction::Purged),
            ("rejected (bored)", AuditAction::Unrecognised("rejected (bored)".into())),
            ("imported many company", AuditAction::Unrecognised("imported many company".into())),
            ("renamed the letter", AuditAction::Unrecognised("renamed the letter".into())),
        ];
        for (sentence, action) in cases {
            let old = format!(
                r#"{{"day":20000,"moderator":"alice","action":{},"signature":3,"name":"Hivos"}}"#,
                serde_json::to_string(sentence).unwrap()
            );
            let entry: AuditEntry = serde_json::from_str(&old).unwrap();
            assert_eq!(entry.action, action, "{sentence}");
            // Read back, an old entry says what it said; an import now says
            // its kind with the plural its count takes ("322 organisations").
            let en = crate::messages::Catalogue::ENGLISH;
            let expected = match &action {
                AuditAction::Imported { count, kind } => {
                    format!("imported {}", en.kind_count(*kind, *count as u64))
                }
                _ => sentence.to_string(),
            };
            let unmarked = crate::messages::unmarked;
            assert_eq!(unmarked(&en.audit_action(&entry.action)), unmarked(&expected));
        }
    }

    #[test]
    fn audit_actions_are_stored_tagged_and_read_back() {
        let actions = [
            AuditAction::Approved,
            AuditAction::Rejected(RejectReason::Offensive),
            AuditAction::Edited { previous: "approved".into() },
            AuditAction::Verified,
            AuditAction::Unverified,
            AuditAction::Unpublished,
            AuditAction::Deleted,
            AuditAction::SigningOpened,
            AuditAction::SigningPaused,
            AuditAction::LetterClosed,
            AuditAction::Imported { count: 322, kind: Kind::Organization },
            AuditAction::Purged,
            AuditAction::Unrecognised("renamed the letter".into()),
        ];
        for action in actions {
            let json = serde_json::to_string(&action).unwrap();
            assert!(json.starts_with(r#"{"what":"#), "{json}");
            assert_eq!(serde_json::from_str::<AuditAction>(&json).unwrap(), action, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&AuditAction::Rejected(RejectReason::Spam)).unwrap(),
            r#"{"what":"rejected","with":"spam"}"#
        );
        assert_eq!(
            serde_json::to_string(&AuditAction::Imported { count: 3, kind: Kind::Company }).unwrap(),
            r#"{"what":"imported","with":{"count":3,"kind":"company"}}"#
        );
        assert!(serde_json::from_str::<AuditAction>(r#"{"what":"renamed"}"#).is_err());
    }
}
