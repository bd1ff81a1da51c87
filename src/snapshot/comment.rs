//! The line a snapshot's signature vouches for besides the file: minisign's
//! trusted comment, which `minisign -V` prints once the signature checks.
//! It carries everything a mirror compares between snapshots without
//! opening them:
//!
//! ```text
//! undersign-snapshot-1 seq=42 day=2026-12-01 expires=2026-12-08 letter=<sha256> sha256=<sha256> prev=<sha256|none>
//! ```
//!
//! - `seq` only grows: a lower one than a mirror last saw is a rollback, and
//!   one seq with two `sha256`s is two different lists signed as one
//!   (equivocation), provable with the two signature files alone.
//! - `day` and `expires` (UTC days): a snapshot is valid before `expires`;
//!   the origin signs a fresh one well before then, so a mirror that stops
//!   updating shows an expired one.
//! - `letter` identifies the letter's text: a snapshot of another letter is
//!   refused by a mirror that knows which letter it mirrors.
//! - `sha256` is of the snapshot file, so `sha256sum` ties the two together.
//! - `prev` is the `sha256` of the snapshot published before this one
//!   (`none` for the first, or after the origin lost its files), so that
//!   snapshots form one chain and a fork in it is visible.
//!
//! One spelling per value (lower-case hex, no leading zeros, fields in this
//! order), so the same snapshot always has the same comment.

use crate::domain::Day;
use std::fmt;
use std::str::FromStr;

/// The format's name and version, first in the comment and in the file.
pub const FORMAT: &str = "undersign-snapshot-1";

/// A SHA-256 digest, written as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        use sha2::Digest as _;
        Digest(sha2::Sha256::digest(bytes).into())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = ();
    fn from_str(s: &str) -> Result<Digest, ()> {
        let hex = |c: u8| match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            _ => Err(()),
        };
        let b = s.as_bytes();
        if b.len() != 64 {
            return Err(());
        }
        let mut out = [0u8; 32];
        for (i, pair) in b.chunks_exact(2).enumerate() {
            out[i] = hex(pair[0])? << 4 | hex(pair[1])?;
        }
        Ok(Digest(out))
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(|()| serde::de::Error::custom("not 64 lower-case hex digits"))
    }
}

/// What a snapshot's signature vouches for, besides its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Grows with every snapshot the origin signs.
    pub seq: u64,
    /// The UTC day it was signed.
    pub day: Day,
    /// The first day it is no longer valid.
    pub expires: Day,
    /// The letter's digest (see `document::letter_digest`).
    pub letter: Digest,
    /// The snapshot file's SHA-256.
    pub sha256: Digest,
    /// The file digest of the snapshot published before it.
    pub prev: Option<Digest>,
}

impl fmt::Display for Comment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{FORMAT} seq={} day={} expires={} letter={} sha256={} prev=",
            self.seq, self.day, self.expires, self.letter, self.sha256
        )?;
        match &self.prev {
            Some(prev) => write!(f, "{prev}"),
            None => f.write_str("none"),
        }
    }
}

/// A trusted comment that is not an undersign snapshot's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotOurs;

impl FromStr for Comment {
    type Err = NotOurs;
    fn from_str(s: &str) -> Result<Comment, NotOurs> {
        let mut words = s.split(' ');
        if words.next() != Some(FORMAT) {
            return Err(NotOurs);
        }
        let mut field = |key: &str| {
            words.next().and_then(|w| w.strip_prefix(key)).and_then(|w| w.strip_prefix('=')).ok_or(NotOurs)
        };
        let seq = field("seq")?;
        let seq = match seq.as_bytes() {
            [b'1'..=b'9', rest @ ..] if rest.iter().all(u8::is_ascii_digit) => {
                seq.parse().map_err(|_| NotOurs)?
            }
            _ => return Err(NotOurs),
        };
        let day = field("day")?.parse().map_err(|()| NotOurs)?;
        let expires = field("expires")?.parse().map_err(|()| NotOurs)?;
        let letter = field("letter")?.parse().map_err(|()| NotOurs)?;
        let sha256 = field("sha256")?.parse().map_err(|()| NotOurs)?;
        let prev = match field("prev")? {
            "none" => None,
            hex => Some(hex.parse().map_err(|()| NotOurs)?),
        };
        if words.next().is_some() {
            return Err(NotOurs);
        }
        Ok(Comment { seq, day, expires, letter, sha256, prev })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment() -> Comment {
        Comment {
            seq: 42,
            day: Day(20_788),
            expires: Day(20_795),
            letter: Digest([0xab; 32]),
            sha256: Digest::of(b"snapshot"),
            prev: None,
        }
    }

    #[test]
    fn a_comment_reads_back_as_written() {
        let c = comment();
        let text = c.to_string();
        assert_eq!(
            text,
            format!(
                "undersign-snapshot-1 seq=42 day=2026-12-01 expires=2026-12-08 letter={} sha256={} prev=none",
                "ab".repeat(32),
                Digest::of(b"snapshot")
            )
        );
        assert_eq!(text.parse(), Ok(c.clone()));
        let chained = Comment { prev: Some(Digest::of(b"before")), ..c };
        assert_eq!(chained.to_string().parse(), Ok(chained));
    }

    #[test]
    fn anything_else_is_not_ours() {
        let good = comment().to_string();
        let bad = [
            String::new(),
            "timestamp:1700000000\tfile:snapshot.json".into(),
            good.replace("seq=42", "seq=042"),
            good.replace("seq=42", "seq=0"),
            good.replace("seq=42", "seq=+42"),
            good.replace("seq=42", "seq=99999999999999999999999"),
            good.replace("day=2026-12-01", "day=2026-02-30"),
            good.replace(&"ab".repeat(32), &"AB".repeat(32)),
            good.replace("prev=none", "prev="),
            good.replace("undersign-snapshot-1", "undersign-snapshot-2"),
            good.replace(' ', "  "),
            format!("{good} extra=1"),
            good.replacen("seq=42 day=2026-12-01", "day=2026-12-01 seq=42", 1),
        ];
        for text in bad {
            assert_eq!(text.parse::<Comment>(), Err(NotOurs), "{text}");
        }
    }

    #[test]
    fn digests_are_lower_case_hex() {
        let d = Digest::of(b"");
        assert_eq!(d.to_string(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(d.to_string().parse(), Ok(d));
        assert!("e3b0".parse::<Digest>().is_err());
        assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{d}\""));
    }
}
