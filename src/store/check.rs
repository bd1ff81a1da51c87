//! What the store checks before it serves: that its database file is
//! there, and, after an unclean stop, that it is whole.
//!
//! A commit returns once the write-ahead log is fsynced, and SQLite's
//! recovery keeps every transaction whose frames check out and drops a torn
//! tail, so a crash alone loses nothing acknowledged. What no recovery
//! sees is a page of the database file itself that is damaged (a flipped
//! byte, a cut-off file) or old (a write the disk said it made and did
//! not): SQLite keeps no page checksums and finds such a page only when a
//! query reads it, and a damaged page may hide rows from a query instead of
//! failing it. So after an unclean stop, before anything is written, every
//! page is checked (`PRAGMA quick_check`), the kept counts are compared
//! with the rows they count, and every record is read as JSON text; a
//! damaged store is refused, never served. The log is read too: damage in
//! it before its last transaction (a frame already fsynced going bad)
//! makes SQLite drop acknowledged transactions, which the operator is told.
//!
//! Only after an unclean stop, because the check reads the whole file: at
//! 1,000,000 signatures (353 MB) a start after a crash takes 2-5 s, about
//! 2 s of it CPU, instead of 0.03 s (`bench/README.md`); `quick_check` is
//! 1.1 s of it, and 13 s when its page-by-page reads hit the disk, so the
//! file is read through once first. A clean
//! stop empties the log into the database and removes it, so a log with
//! frames in it marks an unclean stop and needs no marker of its own.

use super::error::Damage;
use super::error::StoreError;
use super::{schema, search};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::io::Read;
use std::path::Path;

/// The write-ahead log's header; a log no longer than this holds nothing.
const WAL_HEADER: u64 = 32;

/// The log's magic numbers: checksums over little- or big-endian words.
const WAL_MAGIC: [u32; 2] = [0x377f_0682, 0x377f_0683];

/// Problems of `quick_check` told to the operator, at most.
const PROBLEMS: usize = 5;

/// Before SQLite opens the store: a database file that is missing or
/// empty while the search index beside it is there was lost, not never
/// made (the index is made after it), and SQLite would quietly make a new,
/// empty one in its place.
pub(super) fn present(dir: &Path) -> Result<(), StoreError> {
    let len = std::fs::metadata(dir.join(schema::FILE)).map_or(0, |m| m.len());
    if len == 0 && dir.join(search::FILE).exists() {
        return Err(damaged(dir, Damage::Gone));
    }
    Ok(())
}

/// Whether the last process to have the store stopped uncleanly: its
/// write-ahead log still holds frames.
pub(super) fn stopped_uncleanly(dir: &Path) -> bool {
    std::fs::metadata(dir.join(format!("{}-wal", schema::FILE))).is_ok_and(|m| m.len() > WAL_HEADER)
}

/// Checks every page and the counts, on a read-only connection: nothing
/// is written, not even the checkpoint SQLite makes when the last
/// connection closes, so a refused store stays as it was found, log
/// included, for the next start to refuse too.
pub(super) fn whole(dir: &Path) -> Result<(), StoreError> {
    let file = dir.join(schema::FILE);
    read_through(&file)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let c = Connection::open_with_flags(&file, flags)?;
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    let pages = |e| damaged_if_corrupt(dir, e);
    let problems = quick_check(&c).map_err(pages)?;
    if !problems.is_empty() {
        return Err(damaged(dir, Damage::Pages(problems)));
    }
    if let Some(damage) = counts_disagree(&c).map_err(pages)? {
        return Err(damaged(dir, damage));
    }
    match undecodable(&c).map_err(pages)? {
        Some(id) => Err(damaged(dir, Damage::Record(id))),
        None => Ok(()),
    }
}

fn damaged(dir: &Path, damage: Damage) -> StoreError {
    StoreError::Damaged { file: dir.join(schema::FILE), damage }
}

/// SQLite's own finding that the file is damaged, on opening it or
/// checking it, as [`StoreError::Damaged`]; other errors as they are.
pub(super) fn damaged_if_corrupt(dir: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
            damaged(dir, Damage::Pages(vec![e.to_string()]))
        }
        _ => StoreError::from(e),
    }
}

/// Reads the file once, in order, so that the check's reads, page by page
/// in tree order, find it in memory.
fn read_through(file: &Path) -> std::io::Result<()> {
    let mut f = std::fs::File::open(file)?;
    let mut buf = vec![0u8; 1 << 20];
    while f.read(&mut buf)? > 0 {}
    Ok(())
}

/// SQLite's problems with the pages, at most [`PROBLEMS`]; none is "ok".
fn quick_check(c: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = c.prepare(&format!("PRAGMA quick_check({PROBLEMS})"))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    // A row may hold several lines, one a heading of which database.
    let lines = rows.iter().flat_map(|r| r.lines()).filter(|l| *l != "ok" && !l.starts_with("***"));
    Ok(lines.take(PROBLEMS).map(str::to_string).collect())
}

/// The counts the writer keeps against the rows they count, and each index
/// of `sig` against the table: a page that is whole but old (a lost write)
/// leaves rows out of one and not the other.
fn counts_disagree(c: &Connection) -> rusqlite::Result<Option<Damage>> {
    let count = |sql: &str| c.query_row(sql, [], |r| r.get::<_, Option<i64>>(0)).map(|n| n.unwrap_or(0));
    let signatures = count("SELECT count(*) FROM sig NOT INDEXED")?;
    // A range, or SQLite counts the smallest index instead of this one.
    let by_fold = count("SELECT count(*) FROM sig INDEXED BY sig_fold WHERE fold >= -9223372036854775808")?;
    let by_skel = count("SELECT count(*) FROM sig INDEXED BY sig_skel WHERE skel >= -9223372036854775808")?;
    let pending = count("SELECT sum(pending) FROM counts")?;
    let pairs = [
        ("signatures", signatures, count("SELECT sum(published) FROM counts")? + pending),
        (
            "listed signatures",
            count("SELECT count(*) FROM listed")?,
            count("SELECT sum(listed) FROM counts")?,
        ),
        ("pending signatures", count("SELECT count(*) FROM pending")?, pending),
        ("entries of the duplicate index", by_fold, signatures),
        ("entries of the look-alike index", by_skel, signatures),
    ];
    Ok(pairs.into_iter().find(|(_, rows, expected)| rows != expected).map(|(what, rows, expected)| {
        Damage::Counts { what, rows: rows.max(0) as u64, expected: expected.max(0) as u64 }
    }))
}

/// The first signature whose record is not JSON text: a flipped byte
/// inside a record leaves its page whole, and every list, export and
/// backup that reads the record would fail. Text and JSON only, not the
/// record's fields: bytes flipped in a page are what this is for.
fn undecodable(c: &Connection) -> rusqlite::Result<Option<u64>> {
    let mut stmt = c.prepare("SELECT id, rec FROM sig")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let json = row.get_ref(1)?.as_blob().ok().and_then(|b| std::str::from_utf8(b).ok());
        if json.is_none_or(|j| serde_json::from_str::<serde::de::IgnoredAny>(j).is_err()) {
            return Ok(Some(row.get::<_, i64>(0)?.max(0) as u64));
        }
    }
    Ok(None)
}

/// Where the write-ahead log is damaged, and what SQLite's recovery,
/// which stops there, will drop.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct LogDamage {
    /// The first frame whose checksum fails (from 1).
    pub(super) frame: usize,
    /// Whole transactions from that frame on, the one in flight at the
    /// crash included.
    pub(super) transactions: usize,
}

/// Reads the log as SQLite's recovery will, which keeps every frame up to
/// the first whose checksum fails and drops the rest. A torn write of the
/// transaction in flight at a crash is damage in the last transaction;
/// damage before a later transaction's commit can only be a frame that
/// was already fsynced going bad, so that what it drops was acknowledged.
/// `None` for a whole log, or one torn only in its last transaction.
pub(super) fn log_damage(dir: &Path) -> std::io::Result<Option<LogDamage>> {
    let file = std::fs::File::open(dir.join(format!("{}-wal", schema::FILE)))?;
    let mut log = std::io::BufReader::new(file);
    let word = |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let mut header = [0u8; WAL_HEADER as usize];
    if !read_whole(&mut log, &mut header)? || !WAL_MAGIC.contains(&word(&header, 0)) {
        return Ok(None);
    }
    let big_endian = word(&header, 0) == WAL_MAGIC[1];
    let page = word(&header, 8) as usize;
    if !(512..=65536).contains(&page) {
        return Ok(None);
    }
    let header_whole = checksum(big_endian, (0, 0), &header[..24]) == (word(&header, 24), word(&header, 28));
    // One frame at a time: the log may be large.
    let mut frame = vec![0u8; 24 + page];
    let mut salts = (word(&header, 16), word(&header, 20));
    let mut first_bad = (!header_whole).then_some(0);
    let mut previous = (word(&header, 24), word(&header, 28));
    let (mut number, mut after_bad) = (0, 0);
    while read_whole(&mut log, &mut frame)? {
        // A damaged header's salts are not the frames': the first frame's
        // tell which frames are of this log.
        if number == 0 && !header_whole {
            salts = (word(&frame, 8), word(&frame, 12));
        }
        if (word(&frame, 8), word(&frame, 12)) != salts {
            break; // an earlier log's frames, written over in part
        }
        let summed = checksum(big_endian, checksum(big_endian, previous, &frame[..8]), &frame[24..]);
        let stored = (word(&frame, 16), word(&frame, 20));
        if summed != stored && first_bad.is_none() {
            first_bad = Some(number);
        }
        if word(&frame, 4) != 0 && first_bad.is_some() {
            after_bad += 1;
        }
        // Chained on the stored sums, so that the frames after a damaged
        // one are still known to be whole and of this log.
        previous = stored;
        number += 1;
    }
    Ok(first_bad.filter(|_| after_bad > 1).map(|f| LogDamage { frame: f + 1, transactions: after_bad }))
}

/// Fills `buf`, or says the file ended first.
fn read_whole(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<bool> {
    match r.read_exact(buf) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// SQLite's log checksum: over 32-bit words in the log's byte order, two
/// running sums each fed by the other.
fn checksum(big_endian: bool, (mut s1, mut s2): (u32, u32), bytes: &[u8]) -> (u32, u32) {
    for pair in bytes.chunks_exact(8) {
        let w = |b: &[u8]| {
            let b = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        s1 = s1.wrapping_add(w(&pair[..4])).wrapping_add(s2);
        s2 = s2.wrapping_add(w(&pair[4..])).wrapping_add(s1);
    }
    (s1, s2)
}
