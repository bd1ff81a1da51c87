//! How stores before layout 3 kept their data in one sled tree, as far as
//! the upgrade reads it: the prefix bytes, the metadata keys and the
//! bucketed entries of layout 2. Nothing here writes.
//!
//! | key | value |
//! |---|---|
//! | `S id` | record (JSON) |
//! | `W bucket` (layout 2) / `W hash` (layout 1) | (hash, id)… / id |
//! | `T day bucket` (layout 2) / `T nonce` (layout 1) | nonce… / day |
//! | `A seq` | audit entry (JSON) |
//! | `C kind what` | counters (`p` published, `q` pending, …) |
//! | `M…` | phase (JSON), next ids, import done, layout |
//!
//! Ids and counters are big-endian `u64`, days big-endian `u32`. The other
//! prefixes (`P`, `Q`, `R`, `G`, `F`, `K`) are indexes derived from the
//! records, and are rebuilt rather than read.

/// The sled log file: its presence means a store of an earlier version.
pub(super) const LOG: &str = "db";
/// sled's other files and directories in the data dir.
pub(super) const OTHER_FILES: [&str; 2] = ["conf", "blobs"];

pub(super) const RECORD: u8 = b'S';
pub(super) const WITHDRAWAL: u8 = b'W';
pub(super) const TOKENS: u8 = b'T';
pub(super) const AUDIT: u8 = b'A';
pub(super) const COUNTER: u8 = b'C';

pub(super) const PHASE: &[u8] = b"Mphase";
pub(super) const NEXT_ID: &[u8] = b"Mnext_id";
pub(super) const AUDIT_SEQ: &[u8] = b"Maudit_seq";
pub(super) const IMPORTED: &[u8] = b"Mimported";

/// A record's key.
pub(super) fn record(id: u64) -> Vec<u8> {
    let mut k = vec![RECORD];
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The big-endian number a key or value ends with, if it is long enough.
pub(super) fn u64_at_end(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(bytes.len().checked_sub(8)?..)?.try_into().ok()?))
}

/// The withdrawal entries under one `W` key: (hash, id).
pub(super) fn withdrawals(key: &[u8], value: &[u8]) -> Vec<([u8; 32], u64)> {
    if key.len() == 33 {
        // Layout 1: one key per hash, the id as its value.
        return match (<[u8; 32]>::try_from(&key[1..]), u64_at_end(value)) {
            (Ok(hash), Some(id)) => vec![(hash, id)],
            _ => Vec::new(),
        };
    }
    value
        .chunks_exact(40)
        .filter_map(|e| Some((<[u8; 32]>::try_from(&e[..32]).ok()?, u64_at_end(&e[32..])?)))
        .collect()
}

/// The used-token entries under one `T` key: (expiry day, nonce).
pub(super) fn tokens(key: &[u8], value: &[u8]) -> Vec<(u32, [u8; 16])> {
    if key.len() == 17 {
        // Layout 1: one key per nonce, the day as its value.
        return match (<[u8; 16]>::try_from(&key[1..]), <[u8; 4]>::try_from(value)) {
            (Ok(nonce), Ok(day)) => vec![(u32::from_be_bytes(day), nonce)],
            _ => Vec::new(),
        };
    }
    let Some(day) = key.get(1..5).and_then(|d| <[u8; 4]>::try_from(d).ok()) else { return Vec::new() };
    value.chunks_exact(16).filter_map(|n| Some((u32::from_be_bytes(day), n.try_into().ok()?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_of_the_lookup_entries_read() {
        let mut bucket = [7u8; 32].to_vec();
        bucket.extend_from_slice(&5u64.to_be_bytes());
        assert_eq!(withdrawals(&[WITHDRAWAL, 0, 1], &bucket), vec![([7; 32], 5)]);
        let mut old_key = vec![WITHDRAWAL];
        old_key.extend_from_slice(&[9; 32]);
        assert_eq!(withdrawals(&old_key, &3u64.to_be_bytes()), vec![([9; 32], 3)]);
        assert_eq!(tokens(&[TOKENS, 0, 0, 0, 4, 0, 1], &[1; 32]), vec![(4, [1; 16]), (4, [1; 16])]);
        let mut old_key = vec![TOKENS];
        old_key.extend_from_slice(&[2; 16]);
        assert_eq!(tokens(&old_key, &9u32.to_be_bytes()), vec![(9, [2; 16])]);
        assert_eq!(record(1), b"S\0\0\0\0\0\0\0\x01");
    }
}
