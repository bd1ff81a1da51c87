//! Page order as integers. Every published, listed signature has a label:
//! labels sort as the page does (kind in `Kind::ALL` order, then sort key,
//! then id), so the `listed` table, read by label, is the page order, and
//! the search indexes, keyed by label, answer in page order.
//!
//! A new name takes a label between its neighbours'. The first guess comes
//! from its sort key (its first six bytes as a number), so names spread over
//! the space as their keys do; when a gap is used up, the labels of a window
//! of neighbours are spread out again (an order-maintenance list), doubling
//! the window until it has room. A relabel touches only that window.
//!
//! Two levels of counts find the name at offset N of a kind without walking
//! N rows: `coarse_bins` counts the labels per 2^32-wide range, `bins` per
//! 2^16-wide range. A seek sums the coarse counts of the kind (at most
//! 2^16), then the fine counts inside one coarse range (at most 2^16), then
//! skips fewer than 2^16 rows: bounded however the labels crowd (after
//! relabels near the end of a kind, say).

use super::search;
use crate::domain::record::kind_index;
use crate::domain::Kind;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

/// Changes to the per-bin counts, written once per group.
pub(super) type BinDeltas = HashMap<i64, i64>;

/// Labels per kind: kind `k` owns `[k << 48, (k + 1) << 48)`.
const KIND_BITS: u32 = 48;
/// Labels per fine bin.
const BIN_BITS: u32 = 16;
/// Fine bins per coarse bin.
const COARSE_BITS: u32 = 16;
/// Labels moved in one relabel, at most, before the next doubling.
const FIRST_WINDOW: usize = 8;

/// The label range `[lo, hi)` of a kind.
pub(super) fn range(kind: Kind) -> (i64, i64) {
    let k = kind_index(kind) as i64;
    (k << KIND_BITS, (k + 1) << KIND_BITS)
}

/// The bin of a label.
pub(super) fn bin(label: i64) -> i64 {
    label >> BIN_BITS
}

/// The label range a bin covers starts here.
pub(super) fn bin_start(bin: i64) -> i64 {
    bin << BIN_BITS
}

/// Where a key would sit if the space were spread evenly over keys.
fn guess(kind: Kind, sort_key: &str) -> i64 {
    let mut prefix = [0u8; 8];
    for (d, s) in prefix[2..].iter_mut().zip(sort_key.as_bytes()) {
        *d = *s;
    }
    range(kind).0 + i64::from_be_bytes(prefix)
}

/// A listed entry as the order compares it.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub label: i64,
    pub id: u64,
    pub sort_key: String,
}

impl Entry {
    fn before(&self, sort_key: &str, id: u64) -> bool {
        (self.sort_key.as_str(), self.id) < (sort_key, id)
    }
}

fn entry(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    Ok(Entry { label: r.get(0)?, id: r.get::<_, i64>(1)? as u64, sort_key: r.get(2)? })
}

/// The last entry of the kind at or below `at`.
fn at_or_below(c: &Connection, kind: Kind, at: i64) -> rusqlite::Result<Option<Entry>> {
    let (lo, _) = range(kind);
    c.prepare_cached(
        "SELECT ord, id, skey FROM listed WHERE ord <= ?1 AND ord >= ?2 ORDER BY ord DESC LIMIT 1",
    )?
    .query_row((at, lo), entry)
    .optional()
}

/// The first entry of the kind above `after`.
fn above(c: &Connection, kind: Kind, after: i64) -> rusqlite::Result<Option<Entry>> {
    let (_, hi) = range(kind);
    c.prepare_cached("SELECT ord, id, skey FROM listed WHERE ord > ?1 AND ord < ?2 ORDER BY ord LIMIT 1")?
        .query_row((after, hi), entry)
        .optional()
}

/// The neighbours a new (sort key, id) goes between.
fn neighbours(
    c: &Connection,
    kind: Kind,
    sort_key: &str,
    id: u64,
) -> rusqlite::Result<(Option<Entry>, Option<Entry>)> {
    let (lo, hi) = range(kind);
    let mut before = at_or_below(c, kind, guess(kind, sort_key))?;
    let mut steps = 0;
    // The guess is usually right; walk a little, then search.
    while let Some(e) = before.as_ref().filter(|e| !e.before(sort_key, id)) {
        steps += 1;
        if steps > 32 {
            before = search_before(c, kind, sort_key, id, lo, e.label)?;
            break;
        }
        before = at_or_below(c, kind, e.label - 1)?;
    }
    let mut after = above(c, kind, before.as_ref().map_or(lo - 1, |e| e.label))?;
    let mut steps = 0;
    while let Some(e) = after.take() {
        if !e.before(sort_key, id) {
            after = Some(e);
            break;
        }
        steps += 1;
        if steps > 32 {
            before = search_before(c, kind, sort_key, id, e.label, hi)?;
            after = above(c, kind, before.as_ref().map_or(lo - 1, |e| e.label))?;
            break;
        }
        after = above(c, kind, e.label)?;
        before = Some(e);
    }
    Ok((before, after))
}

/// The last entry before the key, by bisecting labels in `[lo, hi)`: the
/// labels are in key order, so "the last label at or below x is before the
/// key" is true up to some x and false after it.
fn search_before(
    c: &Connection,
    kind: Kind,
    sort_key: &str,
    id: u64,
    mut lo: i64,
    mut hi: i64,
) -> rusqlite::Result<Option<Entry>> {
    let mut best = None;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match at_or_below(c, kind, mid)? {
            Some(e) if e.before(sort_key, id) => {
                lo = mid + 1;
                best = Some(e);
            }
            Some(_) => hi = mid,
            None => lo = mid + 1,
        }
    }
    // `best` is the last one found before the key; a later one may sit
    // between its label and `lo`.
    match best {
        Some(b) => {
            let mut b = b;
            while let Some(n) = above(c, kind, b.label)?.filter(|n| n.before(sort_key, id)) {
                b = n;
            }
            Ok(Some(b))
        }
        None => Ok(None),
    }
}

/// A free label for a new listed (kind, sort key, id), relabelling a window
/// of neighbours when there is no gap.
pub(super) fn place(
    c: &Connection,
    bins: &mut BinDeltas,
    kind: Kind,
    sort_key: &str,
    id: u64,
) -> rusqlite::Result<i64> {
    let (lo, hi) = range(kind);
    let (before, after) = neighbours(c, kind, sort_key, id)?;
    let left = before.as_ref().map_or(lo - 1, |e| e.label);
    let right = after.as_ref().map_or(hi, |e| e.label);
    if right - left >= 2 {
        let g = guess(kind, sort_key);
        return Ok(if left < g && g < right { g } else { left + (right - left) / 2 });
    }
    relabel(c, bins, kind, left, right)
}

/// Spreads the labels around the full gap `(left, right)` out and returns
/// the label left free where the gap was.
fn relabel(c: &Connection, bins: &mut BinDeltas, kind: Kind, left: i64, right: i64) -> rusqlite::Result<i64> {
    let (lo, hi) = range(kind);
    let mut window = FIRST_WINDOW;
    loop {
        let below: Vec<Entry> = c
            .prepare_cached(
                "SELECT ord, id, skey FROM listed WHERE ord <= ?1 AND ord >= ?2 ORDER BY ord DESC LIMIT ?3",
            )?
            .query_map((left, lo, window as i64), entry)?
            .collect::<Result<_, _>>()?;
        let above: Vec<Entry> = c
            .prepare_cached(
                "SELECT ord, id, skey FROM listed WHERE ord >= ?1 AND ord < ?2 ORDER BY ord LIMIT ?3",
            )?
            .query_map((right, hi, window as i64), entry)?
            .collect::<Result<_, _>>()?;
        // The window's label range: to the kind's edge when it reached it.
        let start = if below.len() < window { lo } else { below.last().map_or(lo, |e| e.label) };
        let end = if above.len() < window { hi - 1 } else { above.last().map_or(hi - 1, |e| e.label) };
        let slots = below.len() + above.len() + 1;
        // Room for four times the names, so the next inserts find gaps.
        if end - start >= 4 * slots as i64 || (below.len() < window && above.len() < window) {
            let step = (end - start) / slots as i64;
            let mut entries: Vec<Entry> = below.into_iter().rev().collect();
            let gap_at = entries.len();
            entries.extend(above);
            for e in &entries {
                forget(c, bins, e.label)?;
            }
            let label_of = |i: usize| start + step / 2 + step * i as i64;
            for (i, e) in entries.iter().enumerate() {
                let slot = if i < gap_at { i } else { i + 1 };
                remember(c, bins, label_of(slot), e)?;
            }
            return Ok(label_of(gap_at));
        }
        window *= 2;
    }
}

/// Takes a listed entry out of the page order and the search indexes.
pub(super) fn forget(c: &Connection, bins: &mut BinDeltas, label: i64) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM listed WHERE ord = ?1")?.execute([label])?;
    search::forget(c, label)?;
    *bins.entry(bin(label)).or_default() -= 1;
    Ok(())
}

/// Puts a relabelled entry back under its new label.
fn remember(c: &Connection, bins: &mut BinDeltas, label: i64, e: &Entry) -> rusqlite::Result<()> {
    let id = e.id as i64;
    c.prepare_cached("INSERT INTO listed(ord, id, skey) VALUES (?1, ?2, ?3)")?.execute((
        label,
        id,
        &e.sort_key,
    ))?;
    c.prepare_cached("UPDATE sig SET ord = ?1 WHERE id = ?2")?.execute((label, id))?;
    let rec: Vec<u8> =
        c.prepare_cached("SELECT rec FROM sig WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
    let name =
        serde_json::from_slice::<crate::domain::Record>(&rec).map(|r| r.name.folded()).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(e))
        })?;
    search::remember(c, label, &name)?;
    *bins.entry(bin(label)).or_default() += 1;
    Ok(())
}

/// Adds a new listed entry under a label from [`place`] (its `sig` row
/// already carries the label).
pub(super) fn insert(
    c: &Connection,
    bins: &mut BinDeltas,
    label: i64,
    id: u64,
    sort_key: &str,
    folded: &str,
) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO listed(ord, id, skey) VALUES (?1, ?2, ?3)")?
        .execute((label, id as i64, sort_key))?;
    search::remember(c, label, folded)?;
    *bins.entry(bin(label)).or_default() += 1;
    Ok(())
}

/// Writes a group's changes to the per-bin counts, both levels.
pub(super) fn count_bins(c: &Connection, bins: &BinDeltas) -> rusqlite::Result<()> {
    let mut coarse = BinDeltas::new();
    for (&b, &delta) in bins {
        *coarse.entry(b >> COARSE_BITS).or_default() += delta;
    }
    add_counts(c, "bins", bins)?;
    add_counts(c, "coarse_bins", &coarse)
}

/// Adds `deltas` to the counts of `table`, dropping the bins left empty.
fn add_counts(c: &Connection, table: &str, deltas: &BinDeltas) -> rusqlite::Result<()> {
    let add =
        format!("INSERT INTO {table}(bin, n) VALUES (?1, ?2) ON CONFLICT(bin) DO UPDATE SET n = n + ?2");
    let drop_empty = format!("DELETE FROM {table} WHERE bin = ?1 AND n <= 0");
    for (&b, &delta) in deltas.iter().filter(|(_, d)| **d != 0) {
        c.prepare_cached(&add)?.execute((b, delta))?;
        if delta < 0 {
            c.prepare_cached(&drop_empty)?.execute([b])?;
        }
    }
    Ok(())
}

/// The label from which to read to find the entry at `offset` of a kind,
/// and how many entries to skip from there.
pub(super) fn seek(c: &Connection, kind: Kind, offset: u64) -> rusqlite::Result<Option<(i64, u64)>> {
    let (lo, hi) = range(kind);
    let coarse = (bin(lo) >> COARSE_BITS, bin(hi) >> COARSE_BITS);
    let Some((at, offset)) = within(
        c,
        "SELECT bin, n FROM coarse_bins WHERE bin >= ?1 AND bin < ?2 ORDER BY bin",
        coarse,
        offset,
    )?
    else {
        return Ok(None);
    };
    let fine = (at << COARSE_BITS, (at + 1) << COARSE_BITS);
    let found = within(c, "SELECT bin, n FROM bins WHERE bin >= ?1 AND bin < ?2 ORDER BY bin", fine, offset)?;
    Ok(found.map(|(b, skip)| (bin_start(b), skip)))
}

/// The bin in `[from, to)` where `offset` falls, by the counts `sql` reads,
/// and the offset within it.
fn within(
    c: &Connection,
    sql: &str,
    (from, to): (i64, i64),
    offset: u64,
) -> rusqlite::Result<Option<(i64, u64)>> {
    let mut passed = 0u64;
    let mut stmt = c.prepare_cached(sql)?;
    let mut rows = stmt.query((from, to))?;
    while let Some(row) = rows.next()? {
        let (b, n): (i64, i64) = (row.get(0)?, row.get(1)?);
        let n = n.max(0) as u64;
        if passed + n > offset {
            return Ok(Some((b, offset - passed)));
        }
        passed += n;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let dir = tempfile::tempdir().unwrap();
        let c = super::super::schema::open_writer(dir.path(), 1 << 20).unwrap();
        std::mem::forget(dir);
        c
    }

    fn add(c: &Connection, kind: Kind, key: &str, id: u64) {
        let name = crate::domain::SignatoryName::parse(&format!("Name {id}")).unwrap();
        let rec = serde_json::to_vec(&crate::domain::Record::imported(id, name, kind, crate::domain::Day(1)))
            .unwrap();
        c.execute("INSERT INTO sig(id, fold, skel, rec) VALUES (?1, 0, 0, ?2)", (id as i64, rec)).unwrap();
        let mut bins = BinDeltas::new();
        let label = place(c, &mut bins, kind, key, id).unwrap();
        c.execute("UPDATE sig SET ord = ?1 WHERE id = ?2", (label, id as i64)).unwrap();
        insert(c, &mut bins, label, id, key, key).unwrap();
        count_bins(c, &bins).unwrap();
    }

    fn order(c: &Connection) -> Vec<(String, u64)> {
        c.prepare("SELECT skey, id FROM listed ORDER BY ord")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn labels_keep_key_order_through_relabels() {
        let c = db();
        let mut want = Vec::new();
        // The same key again and again uses up every gap there, forcing
        // relabels; other keys around it keep their places.
        for id in 1..=300u64 {
            let key = match id % 3 {
                0 => "smith\0john".to_string(),
                1 => format!("smith\0{:03}", 999 - id),
                _ => format!("{:x}", id * 7919 % 4096),
            };
            add(&c, Kind::Individual, &key, id);
            want.push((key, id));
        }
        add(&c, Kind::Organization, "zzz", 1000);
        want.sort();
        want.insert(0, ("zzz".to_string(), 1000));
        assert_eq!(order(&c), want);
        let n: i64 = c.query_row("SELECT sum(n) FROM bins", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 301);
        // Offsets land on the right entries.
        for offset in [0u64, 1, 150, 299] {
            let (from, skip) = seek(&c, Kind::Individual, offset).unwrap().unwrap();
            let id: i64 = c
                .query_row(
                    "SELECT id FROM listed WHERE ord >= ?1 ORDER BY ord LIMIT 1 OFFSET ?2",
                    (from, skip as i64),
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(id as u64, want[offset as usize + 1].1);
        }
        assert_eq!(seek(&c, Kind::Individual, 300).unwrap(), None);
    }
}
