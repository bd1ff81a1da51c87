//! What the store and the pages know of an organisation's proof that it
//! signed: the [`ProofMark`] a proven signature shows (its domain and the
//! day it was last found), the state of a proof being checked
//! ([`ProofState`]) and what went wrong with it last ([`ProofProblem`]).
//! Days only, never finer times; nothing about who asked.

use super::day::Day;
use super::website::Website;
use serde::{Deserialize, Serialize};

/// What a proven signature shows: "proven by example.org", with the day
/// its line was last found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofMark {
    /// The website that published the signature's line.
    pub domain: Website,
    /// The UTC day the line was last found, written `YYYY-MM-DD`.
    #[serde(with = "as_date")]
    pub day: Day,
}

/// A [`Day`] as the date it prints, in the open data (`"2026-12-06"`).
mod as_date {
    use super::Day;
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(day)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        text.parse().map_err(|()| D::Error::custom(format!("`{text}` is not a YYYY-MM-DD date")))
    }
}

/// Where a proof stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProofState {
    /// Not (or no longer) found: checked again each round.
    Pending,
    /// Found: the signature shows it, and it is checked again each round.
    Held,
}

impl ProofState {
    /// The state's name in the store and the console.
    pub fn as_str(self) -> &'static str {
        match self {
            ProofState::Pending => "pending",
            ProofState::Held => "held",
        }
    }

    /// The state named `s`.
    pub fn parse(s: &str) -> Option<ProofState> {
        [ProofState::Pending, ProofState::Held].into_iter().find(|p| p.as_str() == s)
    }
}

/// Why a check did not find the line, as the moderator is told it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "what", content = "status")]
pub enum ProofProblem {
    /// The website could not be reached (no answer, the proxy refused, or
    /// it took too long).
    Unreachable,
    /// Its certificate is not valid for the name, or not from a trusted
    /// authority.
    Certificate,
    /// It redirected to another host, or too many times.
    Redirect,
    /// It answered without the file (an HTTP status other than 200).
    NoFile(u16),
    /// The file is larger than a proof file may be.
    TooLarge,
    /// The file is there, without the signature's line.
    LineMissing,
}

impl ProofProblem {
    /// Every problem, for the catalogues' completeness check.
    pub const ALL: [ProofProblem; 6] = [
        ProofProblem::Unreachable,
        ProofProblem::Certificate,
        ProofProblem::Redirect,
        ProofProblem::NoFile(404),
        ProofProblem::TooLarge,
        ProofProblem::LineMissing,
    ];

    /// Its message id's tail (`proof-problem-…`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProofProblem::Unreachable => "unreachable",
            ProofProblem::Certificate => "certificate",
            ProofProblem::Redirect => "redirect",
            ProofProblem::NoFile(_) => "no-file",
            ProofProblem::TooLarge => "too-large",
            ProofProblem::LineMissing => "line-missing",
        }
    }
}

/// One proof as the store keeps it and the console shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofRow {
    /// The signature it proves.
    pub signature: u64,
    /// The website that should publish the line.
    pub domain: Website,
    /// The token of the line (`undersign-proof TOKEN`).
    pub token: String,
    /// Found or not.
    pub state: ProofState,
    /// The UTC day it was last checked, if it has been.
    pub checked: Option<Day>,
    /// What went wrong at the last check, if anything did.
    pub problem: Option<ProofProblem>,
}

impl ProofRow {
    /// The line the website publishes.
    pub fn line(&self) -> String {
        line(&self.token)
    }
}

/// The line that proves the signature with `token`.
pub fn line(token: &str) -> String {
    format!("undersign-proof {token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_is_written_with_its_domain_and_date() {
        let mark = ProofMark { domain: "example.org".parse().unwrap(), day: "2026-12-06".parse().unwrap() };
        let json = serde_json::to_string(&mark).unwrap();
        assert_eq!(json, r#"{"domain":"example.org","day":"2026-12-06"}"#);
        assert_eq!(serde_json::from_str::<ProofMark>(&json).unwrap(), mark);
        assert!(serde_json::from_str::<ProofMark>(r#"{"domain":"localhost","day":"2026-12-06"}"#).is_err());
    }
}
