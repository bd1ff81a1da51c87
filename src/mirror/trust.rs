//! What a mirror trusts, and why it refuses a snapshot. The trust state is
//! the sequence number, file digest and letter of the last snapshot it
//! adopted, and the key it checks them with, kept in `DATA/mirror/trust`
//! (written whole, synced and renamed into place), so that a restart
//! refuses a rollback as the running mirror would. [`judge`] is the one
//! place a verified (or failed) snapshot becomes "adopt", "unchanged" or a
//! [`SnapshotRefusal`].

use crate::domain::Day;
use crate::messages::{Message, MessageId};
use crate::snapshot::{Comment, Digest, Verified, VerifyError};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The trust state's file, under `DATA/mirror`.
pub const TRUST_FILE: &str = "trust";

/// The last snapshot a mirror adopted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trust {
    /// Its sequence number: a lower one is a rollback.
    pub seq: u64,
    /// Its file's SHA-256: another one under the same number is equivocation.
    pub sha256: Digest,
    /// Its letter: another letter is refused.
    pub letter: Digest,
    /// The id of the key it was checked with.
    pub key_id: String,
}

impl fmt::Display for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "seq={} sha256={} letter={} key={}", self.seq, self.sha256, self.letter, self.key_id)
    }
}

impl std::str::FromStr for Trust {
    type Err = ();
    fn from_str(s: &str) -> Result<Trust, ()> {
        let mut words = s.trim_end_matches('\n').split(' ');
        let mut field = |key: &str| words.next().and_then(|w| w.strip_prefix(key)).ok_or(());
        let seq = field("seq=")?.parse().map_err(|_| ())?;
        let sha256 = field("sha256=")?.parse()?;
        let letter = field("letter=")?.parse()?;
        let key_id = field("key=")?.to_owned();
        if key_id.is_empty() || words.next().is_some() {
            return Err(());
        }
        Ok(Trust { seq, sha256, letter, key_id })
    }
}

/// The trust state could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// Reading or writing the file failed.
    #[error("cannot keep the mirror's trust state in {}: {}", .0.display(), .1)]
    Io(PathBuf, #[source] io::Error),
    /// The file is not a trust state: the mirror does not start over
    /// silently, which would accept any older snapshot.
    #[error(
        "the mirror's trust state {} does not read; remove it only if you mean to trust the next snapshot whatever its number",
        .0.display()
    )]
    Damaged(PathBuf),
}

/// Reads the trust state in `dir`, if there is one.
pub fn load(dir: &Path) -> Result<Option<Trust>, TrustError> {
    let path = dir.join(TRUST_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => text.parse().map(Some).map_err(|()| TrustError::Damaged(path)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(TrustError::Io(path, e)),
    }
}

/// Stores `trust` in `dir`: synced, then renamed over the last one.
pub fn store(dir: &Path, trust: &Trust) -> Result<(), TrustError> {
    let path = dir.join(TRUST_FILE);
    let temp = dir.join(format!(".{TRUST_FILE}.part"));
    let at = |p: &Path| {
        let p = p.to_path_buf();
        move |e| TrustError::Io(p, e)
    };
    let mut file = std::fs::File::create(&temp).map_err(at(&temp))?;
    file.write_all(trust.to_string().as_bytes()).and_then(|()| file.sync_all()).map_err(at(&temp))?;
    std::fs::rename(&temp, &path).map_err(at(&path))?;
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(at(dir))
}

/// Why a fetched snapshot was not adopted; the mirror keeps serving the
/// last good one. One variant per refusal; [`SnapshotRefusal::kind`] names it.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotRefusal {
    /// The origin could not be reached, or answered with something other
    /// than a snapshot.
    #[error("the origin could not be reached: {0}")]
    Unreachable(String),
    /// Larger than the configured bound; not read past it.
    #[error("the origin's snapshot is larger than this mirror's bound of {max} bytes")]
    TooLarge {
        /// The bound, in bytes.
        max: u64,
    },
    /// The signature does not hold for these bytes.
    #[error("the origin's newest snapshot fails its signature: it was changed after it was signed")]
    BadSignature,
    /// Signed by another key than the mirror's.
    #[error("the origin's newest snapshot is signed by key {signed_by}, not by the mirrored key {trusted}")]
    WrongKey {
        /// The key that signed it.
        signed_by: String,
        /// The mirror's key.
        trusted: String,
    },
    /// The signature holds but the file is not the snapshot it describes.
    #[error("the origin's newest snapshot is malformed: {0}")]
    Malformed(String),
    /// A snapshot of another letter than the one mirrored.
    #[error(
        "the origin's newest snapshot is of another letter ({found}), not of the mirrored one ({trusted})"
    )]
    OtherLetter {
        /// Its letter.
        found: Digest,
        /// The mirrored one.
        trusted: Digest,
    },
    /// A lower number than the one trusted: an old snapshot replayed.
    #[error("the origin offered snapshot {found}, older than snapshot {trusted} already seen (a rollback)")]
    Rollback {
        /// Its number.
        found: u64,
        /// The trusted number.
        trusted: u64,
    },
    /// The trusted number, with other contents: two lists signed as one.
    /// Both files are kept in `evidence`.
    #[error("the origin signed two different snapshots as number {seq} (equivocation); both are kept as evidence in {}", evidence.display())]
    Equivocation {
        /// The number.
        seq: u64,
        /// Where both snapshots are kept.
        evidence: PathBuf,
    },
    /// The next number, but not signed as following the trusted snapshot:
    /// the origin signed another snapshot under the trusted one's number.
    #[error("the origin's snapshot {seq} does not follow snapshot {} that this mirror trusts: the origin signed another list under that number (a fork)", seq - 1)]
    Fork {
        /// Its number.
        seq: u64,
    },
    /// Past its expiry: the origin (or the mirror it pulls from) is frozen.
    #[error(
        "the origin's newest snapshot, of {day}, expired on {expires}: the origin has not signed a newer one"
    )]
    Expired {
        /// Its day.
        day: Day,
        /// Its expiry.
        expires: Day,
    },
}

impl SnapshotRefusal {
    /// A short, stable name, to tell whether the reason changed.
    pub fn kind(&self) -> &'static str {
        match self {
            SnapshotRefusal::Unreachable(_) => "unreachable",
            SnapshotRefusal::TooLarge { .. } => "too-large",
            SnapshotRefusal::BadSignature => "bad-signature",
            SnapshotRefusal::WrongKey { .. } => "wrong-key",
            SnapshotRefusal::Malformed(_) => "malformed",
            SnapshotRefusal::OtherLetter { .. } => "other-letter",
            SnapshotRefusal::Rollback { .. } => "rollback",
            SnapshotRefusal::Equivocation { .. } => "equivocation",
            SnapshotRefusal::Fork { .. } => "fork",
            SnapshotRefusal::Expired { .. } => "expired",
        }
    }

    /// What a visitor reads on the status line: the reason in a sentence
    /// of the catalogues, without the operator's details (no paths, no key
    /// ids, no error text from the network), which go to stderr.
    pub fn for_visitors(&self) -> Message {
        let two = |id, a: (&'static str, u64), b: (&'static str, u64)| Message {
            id,
            args: vec![(a.0, a.1.to_string()), (b.0, b.1.to_string())],
        };
        match self {
            SnapshotRefusal::Unreachable(_) => MessageId::MirrorRefusedUnreachable.into(),
            SnapshotRefusal::TooLarge { .. } => MessageId::MirrorRefusedTooLarge.into(),
            SnapshotRefusal::BadSignature => MessageId::MirrorRefusedBadSignature.into(),
            SnapshotRefusal::WrongKey { .. } => MessageId::MirrorRefusedWrongKey.into(),
            SnapshotRefusal::Malformed(_) => MessageId::MirrorRefusedMalformed.into(),
            SnapshotRefusal::OtherLetter { .. } => MessageId::MirrorRefusedOtherLetter.into(),
            SnapshotRefusal::Rollback { found, trusted } => {
                two(MessageId::MirrorRefusedRollback, ("found", *found), ("trusted", *trusted))
            }
            SnapshotRefusal::Equivocation { seq, .. } => {
                Message::with(MessageId::MirrorRefusedEquivocation, "seq", seq.to_string())
            }
            SnapshotRefusal::Fork { seq } => {
                Message::with(MessageId::MirrorRefusedFork, "seq", seq.to_string())
            }
            SnapshotRefusal::Expired { expires, .. } => {
                Message::with(MessageId::MirrorRefusedExpired, "expires", expires.to_string())
            }
        }
    }
}

impl SnapshotRefusal {
    /// What a visitor reads when this refusal leaves the mirror with no
    /// verified copy at all: that it has none, whether waiting may help,
    /// and where the letter is (`origin`).
    pub fn for_visitors_without_copy(&self, origin: &str) -> Message {
        let id = match self {
            SnapshotRefusal::Unreachable(_) => MessageId::MirrorNoneUnreachable,
            _ => MessageId::MirrorNoneRefused,
        };
        Message::with(id, "origin", origin)
    }
}

/// What to do with a fetched snapshot.
#[derive(Debug, PartialEq, Eq)]
pub enum Judgement {
    /// A newer snapshot: adopt it.
    Adopt(Comment),
    /// The trusted one again, byte for byte.
    Unchanged,
}

/// Judges a snapshot as [`crate::snapshot::verify`] found it, against
/// what is trusted. `trusted_key` is the mirror's key id.
pub fn judge(
    verified: Result<Verified, VerifyError>,
    trusted: Option<&Trust>,
    trusted_key: &str,
) -> Result<Judgement, SnapshotRefusal> {
    let verified = verified.map_err(|e| match e {
        VerifyError::WrongKey { signed_by, .. } => {
            SnapshotRefusal::WrongKey { signed_by, trusted: trusted_key.to_owned() }
        }
        VerifyError::BadSignature(_) => SnapshotRefusal::BadSignature,
        VerifyError::Expired { day, expires } => SnapshotRefusal::Expired { day, expires },
        VerifyError::OtherLetter { found, expected } => {
            SnapshotRefusal::OtherLetter { found, trusted: expected }
        }
        e @ (VerifyError::NotAKey(_)
        | VerifyError::Unreadable(..)
        | VerifyError::MalformedSignature(_)
        | VerifyError::NotASnapshot
        | VerifyError::Malformed(_)
        | VerifyError::LetterChanged { .. }) => SnapshotRefusal::Malformed(e.to_string()),
    })?;
    let c = verified.comment;
    let Some(t) = trusted else { return Ok(Judgement::Adopt(c)) };
    // An amendment signed by the origin's key lists the letter trusted
    // among its earlier versions; an unrelated letter does not.
    if !verified.letter_history.contains(&t.letter) {
        return Err(SnapshotRefusal::OtherLetter { found: c.letter, trusted: t.letter });
    }
    if c.seq < t.seq {
        return Err(SnapshotRefusal::Rollback { found: c.seq, trusted: t.seq });
    }
    if c.seq == t.seq {
        if c.sha256 == t.sha256 {
            return Ok(Judgement::Unchanged);
        }
        // The caller keeps the evidence and fills in where.
        return Err(SnapshotRefusal::Equivocation { seq: c.seq, evidence: PathBuf::new() });
    }
    // Numbers may be skipped between polls; the very next one names its
    // predecessor, which must be the one trusted.
    if c.seq == t.seq + 1 && c.prev != Some(t.sha256) {
        return Err(SnapshotRefusal::Fork { seq: c.seq });
    }
    Ok(Judgement::Adopt(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust() -> Trust {
        Trust { seq: 5, sha256: Digest([1; 32]), letter: Digest([2; 32]), key_id: "ABCD".into() }
    }

    fn verified(seq: u64, sha: u8, letter: u8) -> Result<Verified, VerifyError> {
        // The trusted one's successor names it.
        let prev = (seq == 6).then_some(Digest([1; 32]));
        verified_after(seq, sha, letter, prev)
    }

    fn verified_after(seq: u64, sha: u8, letter: u8, prev: Option<Digest>) -> Result<Verified, VerifyError> {
        Ok(Verified {
            comment: Comment {
                seq,
                day: Day(20_788),
                expires: Day(20_795),
                letter: Digest([letter; 32]),
                sha256: Digest([sha; 32]),
                prev,
            },
            names: 0,
            signatures: 0,
            letter_history: vec![Digest([letter; 32])],
        })
    }

    #[test]
    fn the_trust_state_reads_back_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), None);
        store(dir.path(), &trust()).unwrap();
        assert_eq!(load(dir.path()).unwrap(), Some(trust()));
        std::fs::write(dir.path().join(TRUST_FILE), "seq=five\n").unwrap();
        assert!(matches!(load(dir.path()), Err(TrustError::Damaged(_))));
    }

    #[test]
    fn each_snapshot_is_judged_against_the_trusted_one() {
        let t = trust();
        let judged = |v| judge(v, Some(&t), "ABCD");
        assert!(matches!(judged(verified(6, 9, 2)), Ok(Judgement::Adopt(c)) if c.seq == 6));
        assert_eq!(judged(verified(5, 1, 2)).unwrap(), Judgement::Unchanged);
        assert!(matches!(judged(verified(4, 9, 2)), Err(SnapshotRefusal::Rollback { found: 4, trusted: 5 })));
        assert!(matches!(judged(verified(5, 9, 2)), Err(SnapshotRefusal::Equivocation { seq: 5, .. })));
        assert!(matches!(judged(verified(6, 9, 3)), Err(SnapshotRefusal::OtherLetter { .. })));
        // The next number must follow the trusted snapshot; a later one
        // (numbers signed between two polls) cannot be checked so.
        let fork = verified_after(6, 9, 2, Some(Digest([7; 32])));
        assert!(matches!(judged(fork), Err(SnapshotRefusal::Fork { seq: 6 })));
        assert_eq!(judged(verified_after(6, 9, 2, None)).unwrap_err().kind(), "fork");
        assert!(matches!(judged(verified_after(8, 9, 2, Some(Digest([7; 32])))), Ok(Judgement::Adopt(_))));
        let expired = Err(VerifyError::Expired { day: Day(1), expires: Day(2) });
        assert_eq!(judged(expired).unwrap_err().kind(), "expired");
        let forged = Err(VerifyError::BadSignature(PathBuf::from("x")));
        assert_eq!(judged(forged).unwrap_err().kind(), "bad-signature");
        let other = Err(VerifyError::WrongKey { signed_by: "EF".into(), given: "ABCD".into() });
        assert!(
            matches!(judged(other), Err(SnapshotRefusal::WrongKey { signed_by, trusted }) if signed_by == "EF" && trusted == "ABCD")
        );
        assert!(
            matches!(judge(verified(1, 1, 1), None, "ABCD"), Ok(Judgement::Adopt(_))),
            "the first is trusted"
        );
    }
}
