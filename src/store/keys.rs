//! Every key of the store's one sled tree, named once: the prefix bytes,
//! the metadata keys, and the functions that build keys from their parts.
//! The layout they make is the table in the store's module doc. It is on
//! disk, so none of these bytes may change.

use crate::domain::record::Day;
use crate::domain::{Flag, Kind};

/// `S id`: a signature's record.
pub(super) const RECORD: u8 = b'S';
/// `P kind sortkey 0 id`: a published, listed signature's public fields.
pub(super) const PUBLISHED: u8 = b'P';
/// `Q id`: a signature waiting for review.
pub(super) const PENDING: u8 = b'Q';
/// `R kind id`: waiting for review, by kind.
pub(super) const PENDING_BY_KIND: u8 = b'R';
/// `G flag id`: waiting for review, by flag.
pub(super) const PENDING_BY_FLAG: u8 = b'G';
/// `F kind bucket`: exact duplicates (see `buckets`).
pub(super) const FOLDED: u8 = b'F';
/// `K bucket`: look-alikes (see `buckets`).
pub(super) const SKELETONS: u8 = b'K';
/// `W bucket`: withdrawal-code hashes (see `buckets`).
pub(super) const WITHDRAWAL: u8 = b'W';
/// `T day bucket`: used form tokens (see `buckets`).
pub(super) const TOKENS: u8 = b'T';
/// `A seq`: an audit entry.
pub(super) const AUDIT: u8 = b'A';
/// `C kind what`: a counter.
pub(super) const COUNTER: u8 = b'C';

/// The letter's phase.
pub(super) const PHASE: &[u8] = b"Mphase";
/// The next signature id.
pub(super) const NEXT_ID: &[u8] = b"Mnext_id";
/// The next audit sequence number.
pub(super) const AUDIT_SEQ: &[u8] = b"Maudit_seq";
/// Present once the first-start import has happened.
pub(super) const IMPORTED: &[u8] = b"Mimported";
/// The key layout version the store is in.
pub(super) const LAYOUT: &[u8] = b"Mlayout";

/// What a counter (`C kind what`) counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Count {
    /// Published signatures, listed or not.
    Published,
    /// Published and listed.
    Listed,
    /// Waiting for review.
    Pending,
}

impl Count {
    fn tag(self) -> u8 {
        match self {
            Count::Published => b'p',
            Count::Listed => b'l',
            Count::Pending => b'q',
        }
    }
}

/// A prefix byte followed by `parts`.
pub(super) fn join(prefix: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + parts.iter().map(|p| p.len()).sum::<usize>());
    k.push(prefix);
    for p in parts {
        k.extend_from_slice(p);
    }
    k
}

/// The id that ends a key (`S`, `P`, `Q`, `R`, `G` keys), big-endian;
/// 0 for a key too short to hold one.
pub(super) fn id_at_end(key: &[u8]) -> u64 {
    key.get(key.len().saturating_sub(8)..)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map_or(0, u64::from_be_bytes)
}

pub(super) fn record(id: u64) -> Vec<u8> {
    join(RECORD, &[&id.to_be_bytes()])
}

/// Where a published, listed signature sits in its kind's page order.
pub(super) fn published(kind: Kind, sort_key: &str, id: u64) -> Vec<u8> {
    join(PUBLISHED, &[&[kind.tag()], sort_key.as_bytes(), &[0], &id.to_be_bytes()])
}

/// Every published, listed signature of a kind, in page order.
pub(super) fn published_of(kind: Kind) -> [u8; 2] {
    [PUBLISHED, kind.tag()]
}

pub(super) fn pending(id: u64) -> Vec<u8> {
    join(PENDING, &[&id.to_be_bytes()])
}

pub(super) fn pending_by_kind(kind: Kind, id: u64) -> Vec<u8> {
    join(PENDING_BY_KIND, &[&[kind.tag()], &id.to_be_bytes()])
}

pub(super) fn pending_by_flag(flag: Flag, id: u64) -> Vec<u8> {
    join(PENDING_BY_FLAG, &[&[flag.tag()], &id.to_be_bytes()])
}

/// The prefix of the review-queue index that answers a filter: by flag
/// (the kind, if also asked, is then checked on the records), by kind, or
/// all. The `bool` says whether the kind still needs checking.
pub(super) fn pending_index(kind: Option<Kind>, flag: Option<Flag>) -> (Vec<u8>, bool) {
    match (flag, kind) {
        (Some(f), k) => (vec![PENDING_BY_FLAG, f.tag()], k.is_some()),
        (None, Some(k)) => (vec![PENDING_BY_KIND, k.tag()], false),
        (None, None) => (vec![PENDING], false),
    }
}

pub(super) fn audit(seq: u64) -> Vec<u8> {
    join(AUDIT, &[&seq.to_be_bytes()])
}

pub(super) fn counter(kind: Kind, what: Count) -> [u8; 3] {
    [COUNTER, kind.tag(), what.tag()]
}

/// The end (exclusive) of the used tokens whose forms expire before `day`:
/// they sort first, from `[TOKENS]`.
pub(super) fn tokens_before(day: Day) -> Vec<u8> {
    join(TOKENS, &[&day.0.to_be_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes on disk, spelled out: a store written before must still read.
    #[test]
    fn keys_keep_their_layout() {
        assert_eq!(record(1), b"S\0\0\0\0\0\0\0\x01");
        assert_eq!(published(Kind::Company, "acme", 2), b"Pcacme\0\0\0\0\0\0\0\0\x02");
        assert_eq!(pending_by_kind(Kind::Individual, 3), b"Ri\0\0\0\0\0\0\0\x03");
        assert_eq!(pending_by_flag(Flag::LookAlike, 3)[..2], [b'G', Flag::LookAlike.tag()]);
        assert_eq!(counter(Kind::Organization, Count::Listed), *b"Col");
        assert_eq!(audit(7), b"A\0\0\0\0\0\0\0\x07");
        assert_eq!(tokens_before(Day(1)), b"T\0\0\0\x01");
        assert_eq!(id_at_end(&published(Kind::Company, "x", 42)), 42);
        assert_eq!(id_at_end(b"S"), 0);
    }
}
