//! Bucketed indexes: the store's lookup-only indexes (duplicate names,
//! look-alikes, withdrawal codes, used tokens) keep their entries in 16,384
//! sled keys per index, not one key per entry. sled 0.34 splits a leaf past
//! 16 keys and keeps per-page state in memory, so resident memory grows with
//! the number of keys: with one key per entry, a store of 100,000 signatures
//! (600,000 keys) peaked at 37 MB after start-up and a list page; with these
//! buckets at 24 MB. A bucket is a value of fixed-size entries, each a match
//! part (a digest, hash or nonce, uniformly spread) then a payload (an id,
//! or nothing). At 100,000 signatures a bucket holds about 6 entries, so a
//! lookup reads and a change rewrites a few hundred bytes; buckets grow
//! with the store (about 60 entries, 1.5–2.4 KB, at a million). Fewer, larger
//! buckets (4,096) saved 3.6 MB more but grew the log to 338 MB instead
//! of 185 MB, since every change rewrites its whole bucket.

use super::keys;
use sha2::{Digest, Sha256};

/// Which bucket an entry falls in: 14 bits of its match part.
const BUCKET_MASK: u16 = 0x3fff;

#[derive(Clone, Copy, Debug)]
pub(super) struct Buckets {
    prefix: u8,
    matched: usize,
    payload: usize,
}

/// Organisations, companies and people by folded name (per kind): ids.
pub(super) const FOLDED: Buckets = Buckets { prefix: keys::FOLDED, matched: 16, payload: 8 };
/// Every signature by confusable skeleton (UTS #39): ids.
pub(super) const SKELETONS: Buckets = Buckets { prefix: keys::SKELETONS, matched: 16, payload: 8 };
/// Withdrawal-code hashes: the signature's id.
pub(super) const WITHDRAWAL: Buckets = Buckets { prefix: keys::WITHDRAWAL, matched: 32, payload: 8 };
/// Used form-token nonces, scoped by the day their forms expire.
pub(super) const TOKENS: Buckets = Buckets { prefix: keys::TOKENS, matched: 16, payload: 0 };

/// A name's match part: 128 bits of SHA-256, so two different names never
/// share one in practice, even chosen by someone trying.
pub(super) fn digest(name: &str) -> [u8; 16] {
    let full = Sha256::digest(name.as_bytes());
    let mut d = [0u8; 16];
    d.copy_from_slice(&full[..16]);
    d
}

impl Buckets {
    pub(super) fn prefix(&self) -> u8 {
        self.prefix
    }

    pub(super) fn entry_len(&self) -> usize {
        self.matched + self.payload
    }

    /// The key of the bucket `matched` falls in, under `scope`.
    pub(super) fn key(&self, scope: &[u8], matched: &[u8]) -> Vec<u8> {
        debug_assert_eq!(matched.len(), self.matched);
        let bucket = u16::from_be_bytes([matched[0], matched[1]]) & BUCKET_MASK;
        let mut k = Vec::with_capacity(1 + scope.len() + 2);
        k.push(self.prefix);
        k.extend_from_slice(scope);
        k.extend_from_slice(&bucket.to_be_bytes());
        k
    }

    /// Every entry of a bucket as (match part, payload).
    pub(super) fn entries<'a>(&self, bucket: &'a [u8]) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        let matched = self.matched;
        bucket.chunks_exact(self.entry_len()).map(move |e| e.split_at(matched))
    }

    /// The payloads of the entries matching `matched`.
    pub(super) fn find<'a>(
        &self,
        bucket: &'a [u8],
        matched: &'a [u8],
    ) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.entries(bucket).filter(move |(m, _)| *m == matched).map(|(_, p)| p)
    }

    /// The bucket with one more entry.
    pub(super) fn with(&self, bucket: Option<Vec<u8>>, matched: &[u8], payload: &[u8]) -> Vec<u8> {
        debug_assert_eq!(payload.len(), self.payload);
        let mut b = bucket.unwrap_or_default();
        b.extend_from_slice(matched);
        b.extend_from_slice(payload);
        b
    }

    /// The bucket without the entries matching `matched` (and `payload`,
    /// when given).
    pub(super) fn without(&self, bucket: &[u8], matched: &[u8], payload: Option<&[u8]>) -> Vec<u8> {
        self.entries(bucket)
            .filter(|(m, p)| !(*m == matched && payload.is_none_or(|want| want == *p)))
            .flat_map(|(m, p)| m.iter().chain(p.iter()).copied())
            .collect()
    }
}

/// An id payload.
pub(super) fn id_of(payload: &[u8]) -> u64 {
    u64::from_be_bytes(payload.try_into().unwrap_or([0; 8]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_added_found_and_removed_one_by_one() {
        let a = digest("amnesty international");
        let b = digest("access now");
        assert_ne!(a, b);
        let bucket = FOLDED.with(None, &a, &1u64.to_be_bytes());
        let bucket = FOLDED.with(Some(bucket), &b, &2u64.to_be_bytes());
        let bucket = FOLDED.with(Some(bucket), &a, &3u64.to_be_bytes());
        let ids = |bucket: &[u8], m: &[u8; 16]| FOLDED.find(bucket, m).map(id_of).collect::<Vec<_>>();
        assert_eq!(ids(&bucket, &a), [1, 3]);
        let bucket = FOLDED.without(&bucket, &a, Some(&1u64.to_be_bytes()));
        assert_eq!((ids(&bucket, &a), ids(&bucket, &b)), (vec![3], vec![2]));
        let bucket = FOLDED.without(&bucket, &b, None);
        assert_eq!(bucket.len(), FOLDED.entry_len());
    }

    #[test]
    fn keys_spread_over_16384_buckets_per_scope() {
        let keys: std::collections::HashSet<Vec<u8>> =
            (0..300_000).map(|i| SKELETONS.key(&[], &digest(&format!("name {i}")))).collect();
        assert_eq!(keys.len(), 16_384);
        assert!(keys.iter().all(|k| k.len() == 3 && k[0] == keys::SKELETONS));
        assert_eq!(TOKENS.key(&7u32.to_be_bytes(), &[0xff; 16]), [keys::TOKENS, 0, 0, 0, 7, 0x3f, 0xff]);
    }
}
