//! Reading the store on any connection: a record by id, the counts, the
//! list in page order (whole, or a page of one kind from an offset), and
//! search from the indexes or by walking the list.

use super::codec::decode_record;
use super::error::StoreError;
use super::{order, schema, search};
use crate::domain::record::{Counts, PublicSignatory, Record};
use crate::domain::Kind;
use rusqlite::{Connection, OptionalExtension};

/// A record by id.
pub(super) fn record(c: &Connection, id: u64) -> Result<Option<Record>, StoreError> {
    let bytes: Option<Vec<u8>> = c
        .prepare_cached("SELECT rec FROM sig WHERE id = ?1")?
        .query_row([id as i64], |r| r.get(0))
        .optional()?;
    bytes.map(|b| decode_record(&b)).transpose()
}

pub(super) fn counts(c: &Connection) -> Result<Counts, StoreError> {
    let mut out = Counts::default();
    let mut stmt = c.prepare_cached("SELECT kind, published, listed, pending FROM counts")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let i = row.get::<_, i64>(0)? as usize;
        if i < 3 {
            out.published[i] = row.get::<_, i64>(1)?.max(0) as u64;
            out.listed[i] = row.get::<_, i64>(2)?.max(0) as u64;
            out.pending[i] = row.get::<_, i64>(3)?.max(0) as u64;
        }
    }
    Ok(out)
}

/// The records of listed labels from `from` on, in page order, while
/// `visit` says go on.
pub(super) fn walk(
    c: &Connection,
    from: i64,
    visit: &mut dyn FnMut(Record) -> bool,
) -> Result<(), StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT s.rec FROM listed l JOIN sig s ON s.id = l.id WHERE l.ord >= ?1 ORDER BY l.ord",
    )?;
    let mut rows = stmt.query([from])?;
    while let Some(row) = rows.next()? {
        if !visit(decode_record(&row.get::<_, Vec<u8>>(0)?)?) {
            break;
        }
    }
    Ok(())
}

/// A page of a kind's list: `limit` records from offset `skip`.
pub(super) fn page(c: &Connection, kind: Kind, skip: u64, limit: usize) -> Result<Vec<Record>, StoreError> {
    schema::snapshot(c, || {
        let Some((from, skip)) = order::seek(c, kind, skip)? else { return Ok(Vec::new()) };
        let (_, end) = order::range(kind);
        let mut stmt = c.prepare_cached(
            "SELECT s.rec FROM listed l JOIN sig s ON s.id = l.id
             WHERE l.ord >= ?1 AND l.ord < ?2 ORDER BY l.ord LIMIT ?3 OFFSET ?4",
        )?;
        let limit = limit.min(i64::MAX as usize) as i64;
        let mut rows = stmt.query((from, end, limit, skip.min(i64::MAX as u64) as i64))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(decode_record(&row.get::<_, Vec<u8>>(0)?)?);
        }
        Ok(out)
    })
}

/// Search (see `search`): from the indexes, or by walking the page order.
pub(super) fn find(
    c: &Connection,
    index: &search::Indexer,
    folded: &str,
    limit: usize,
) -> Result<Vec<PublicSignatory>, StoreError> {
    let mut out = Vec::new();
    match index.labels(c, folded, limit)? {
        Some(labels) => {
            let mut stmt =
                c.prepare_cached("SELECT s.rec FROM listed l JOIN sig s ON s.id = l.id WHERE l.ord = ?1")?;
            for label in labels {
                if let Some(rec) = stmt.query_row([label], |r| r.get::<_, Vec<u8>>(0)).optional()? {
                    out.push(PublicSignatory::from(&decode_record(&rec)?));
                }
            }
        }
        None => walk(c, i64::MIN, &mut |r| {
            if out.len() >= limit {
                return false;
            }
            if r.name.folded().contains(folded) {
                out.push(PublicSignatory::from(&r));
            }
            out.len() < limit
        })?,
    }
    Ok(out)
}
