//! Search by substring of the folded name (what `fold` keeps: letters and
//! digits, lower case, no marks), answered from two FTS5 indexes keyed by
//! page label, so that matches come in page order and a query stops at its
//! limit however many names match:
//!
//! - `grams` (FTS5's trigram tokenizer over the folded name) answers any
//!   query of three characters or more, exactly: FTS5 matches the query's
//!   trigrams at consecutive positions, which is a substring.
//! - `short_grams` answers two-character queries, and one-character ones
//!   outside ASCII (a Chinese family name is one character): each name's
//!   distinct 2-grams, and its non-ASCII 1-grams, as tokens. A gram becomes
//!   `x` and the hex of its UTF-8 bytes, so FTS5's tokenizer keeps it whole
//!   in any script.
//!
//! A query of one ASCII letter or digit has no index: nearly every name
//! holds each one, so walking the page order finds a page of matches at
//! once.
//!
//! The indexes live in a database of their own (`search.sqlite`), kept by
//! an indexer thread, so that their cost is off the signing path and on the
//! other core. The writer appends each change of the listed names to
//! `search_log` in the main database, in the signature's own transaction;
//! the indexer applies the log in large batches, records how far it got in
//! the same transaction, and the writer then drops what was applied. A
//! search reads the indexes and the log entries not yet applied, so it
//! sees every committed signature. Should the indexes be lost or damaged,
//! they are rebuilt from the listed names at start.
//!
//! A name that leaves the list leaves the files too: FTS5's `secure-delete`
//! option removes its grams from the index's pages rather than marking
//! them deleted, and after a removal the indexer empties both databases'
//! write-ahead logs (`Indexer::removed`).

use super::error::StoreError;
use super::schema;
use rusqlite::{Connection, OpenFlags};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The indexes' database file.
pub(super) const FILE: &str = "search.sqlite";

/// Log entries applied per indexer transaction, at most.
const BATCH: i64 = 20_000;

/// Log entries not yet applied beyond which a search walks the page order
/// instead (the indexer is catching up, after an upgrade or a rebuild).
const MAX_TAIL: i64 = 20_000;

const TABLES: &str = "
CREATE VIRTUAL TABLE IF NOT EXISTS grams USING fts5(
    folded, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1
);
CREATE VIRTUAL TABLE IF NOT EXISTS short_grams USING fts5(
    grams, content = '', contentless_delete = 1, detail = none
);
CREATE TABLE IF NOT EXISTS applied(one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL);
INSERT OR IGNORE INTO applied(one, seq) VALUES (1, 0);
INSERT INTO grams(grams, rank) VALUES ('secure-delete', 1);
INSERT INTO short_grams(short_grams, rank) VALUES ('secure-delete', 1);
";

fn token(gram: &str) -> String {
    let mut t = String::with_capacity(1 + 2 * gram.len());
    t.push('x');
    for b in gram.bytes() {
        let _ = write!(t, "{b:02x}");
    }
    t
}

/// The `short_grams` text of a folded name.
fn short_tokens(folded: &str) -> String {
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    let mut grams = BTreeSet::new();
    for (i, &(at, ch)) in chars.iter().enumerate() {
        if !ch.is_ascii() {
            grams.insert(&folded[at..at + ch.len_utf8()]);
        }
        if let Some(&(next, nch)) = chars.get(i + 1) {
            grams.insert(&folded[at..next + nch.len_utf8()]);
        }
    }
    grams.into_iter().map(token).collect::<Vec<_>>().join(" ")
}

/// How a folded query is answered.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Query {
    /// `grams MATCH` this.
    Trigrams(String),
    /// `short_grams MATCH` this.
    Short(String),
    /// Walk the page order (one ASCII character).
    Walk,
    /// Nothing can match (the empty query).
    Nothing,
}

impl Query {
    pub(super) fn of(folded: &str) -> Query {
        match folded.chars().count() {
            0 => Query::Nothing,
            1 if folded.is_ascii() => Query::Walk,
            1 | 2 => Query::Short(token(folded)),
            // Folded text holds no quote, but a phrase is quoted anyway.
            _ => Query::Trigrams(format!("\"{}\"", folded.replace('"', "\"\""))),
        }
    }
}

/// Logs a listed name under its label (the writer, in its transaction).
pub(super) fn remember(c: &Connection, label: i64, folded: &str) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO search_log(label, folded) VALUES (?1, ?2)")?.execute((label, folded))?;
    Ok(())
}

/// Logs that a label left the list.
pub(super) fn forget(c: &Connection, label: i64) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO search_log(label, folded) VALUES (?1, NULL)")?.execute([label])?;
    Ok(())
}

/// Drops the log entries the indexer has applied (the writer, once per
/// group).
pub(super) fn drop_applied(c: &Connection, applied: i64) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM search_log WHERE seq <= ?1")?.execute([applied])?;
    Ok(())
}

/// How long the indexer waits before it tries a failed write again.
const RETRY: Duration = Duration::from_secs(1);

/// Applies one batch of the log to the indexes, and records how far.
fn apply_batch(
    index: &mut Connection,
    entries: &[(i64, i64, Option<String>)],
    last: i64,
) -> Result<(), StoreError> {
    let tx = index.transaction()?;
    for (_, label, folded) in entries {
        apply(&tx, *label, folded.as_deref())?;
    }
    tx.prepare_cached("UPDATE applied SET seq = ?1")?.execute([last])?;
    tx.commit()?;
    Ok(())
}

/// The indexer: its thread's state, shared with the store. The same thread
/// checkpoints the main database's write-ahead log (`schema`), off the
/// writer's path.
pub(super) struct Indexer {
    dir: PathBuf,
    /// How far the indexes are, as last committed.
    pub(super) applied: AtomicI64,
    /// Set by the writer after a commit that logged something.
    wake: (Mutex<bool>, Condvar),
    /// The store is closing: finish and stop.
    closing: AtomicBool,
    /// The thread died; searches walk the page order.
    pub(super) stopped: AtomicBool,
    /// Something was removed since both write-ahead logs were last emptied.
    removed: AtomicBool,
    readers: Mutex<Vec<Connection>>,
}

impl Indexer {
    /// Opens (or rebuilds) the indexes; the thread is started by [`Indexer::run`].
    pub(super) fn open(dir: &Path, main: &Connection, notice: fn(&str)) -> Result<Indexer, StoreError> {
        let c = match open_index(dir) {
            Ok(c) => c,
            Err(e) => {
                notice(&format!("the search index could not be opened ({e}): rebuilding it"));
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(dir.join(format!("{FILE}{suffix}")));
                }
                open_index(dir)?
            }
        };
        let applied: i64 = c.query_row("SELECT seq FROM applied", [], |r| r.get(0))?;
        // The log must go on where the indexes stopped, or they are rebuilt
        // from the list: after the index file was lost or replaced, or when
        // the indexes hold entries the store no longer logged (a power cut
        // that took the store's last commits, not yet synced, but not the
        // indexes' own).
        let logged_to = next_logged_ever(main)? - 1;
        if next_logged(main)? > applied + 1 || logged_to < applied {
            drop(c);
            rebuild(dir, main, notice)?;
        }
        let c = open_index(dir)?;
        let applied: i64 = c.query_row("SELECT seq FROM applied", [], |r| r.get(0))?;
        Ok(Indexer {
            dir: dir.to_path_buf(),
            applied: AtomicI64::new(applied),
            wake: (Mutex::new(false), Condvar::new()),
            closing: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            removed: AtomicBool::new(false),
            readers: Mutex::new(vec![c]),
        })
    }

    /// Tells the thread there is more to apply.
    pub(super) fn wake(&self) {
        let (lock, cv) = &self.wake;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_one();
    }

    /// Tells the thread that a committed change removed something (a
    /// withdrawal, a deletion, a purge): once it has applied the log, it
    /// empties both write-ahead logs, so that no earlier version of a page
    /// keeps the removed bytes. A burst of removals costs one checkpoint
    /// per turn of the thread, off the writer's path.
    pub(super) fn removed(&self) {
        self.removed.store(true, Ordering::Release);
        self.wake();
    }

    /// Empties the indexes' write-ahead log (at start, before the thread).
    pub(super) fn empty_log(&self) -> rusqlite::Result<()> {
        schema::checkpoint_truncate(&open_index(&self.dir)?)
    }

    /// At a clean stop, once the thread is joined: closes the readers and
    /// empties the indexes' write-ahead log.
    pub(super) fn close_files(&self) -> rusqlite::Result<()> {
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.empty_log()
    }

    /// Asks the thread to finish what is logged and stop.
    pub(super) fn close(&self) {
        self.closing.store(true, Ordering::Release);
        self.wake();
    }

    /// The thread: apply the log, batch by batch, until the store closes.
    /// A write that fails for want of space (or any I/O error) is tried
    /// again every [`RETRY`], as the writer's are; meanwhile searches read
    /// the log that is not yet applied. The operator hears of it once when
    /// it starts and once when it ends.
    pub(super) fn run(&self, main_dir: &Path, notice: fn(&str)) -> Result<(), StoreError> {
        let mut index = open_index(&self.dir)?;
        let main = schema::open_reader(main_dir)?;
        let checkpoints = schema::open_checkpointer(main_dir)?;
        // Emptying a log after a removal must not hold up the writer while
        // a long read (an export) keeps the log: without waiting, it
        // copies what it can, says busy, and is tried again next turn.
        let empty_main = schema::open_checkpointer(main_dir)?;
        empty_main.busy_timeout(Duration::ZERO)?;
        let empty_index = open_index(&self.dir)?;
        empty_index.busy_timeout(Duration::ZERO)?;
        let mut failing = false;
        loop {
            // A checkpoint that could not run (another was running) is
            // tried again on the next turn; the writer's own is the backstop.
            let _ = schema::checkpoint_if_due(main_dir, &checkpoints);
            let applied = self.applied.load(Ordering::Acquire);
            let entries: Vec<(i64, i64, Option<String>)> = main
                .prepare_cached(
                    "SELECT seq, label, folded FROM search_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                )?
                .query_map((applied, BATCH), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            if let Some(&(last, _, _)) = entries.last() {
                match apply_batch(&mut index, &entries, last) {
                    Ok(()) => {
                        if std::mem::take(&mut failing) {
                            notice("the search index writes again");
                        }
                        self.applied.store(last, Ordering::Release);
                        if entries.len() as i64 == BATCH {
                            continue;
                        }
                    }
                    Err(StoreError::Io(e)) if !self.closing.load(Ordering::Acquire) => {
                        if !std::mem::replace(&mut failing, true) {
                            notice(&format!(
                                "the search index cannot write ({e}): searches are slower until it can, \
                                 and it goes on by itself"
                            ));
                        }
                        std::thread::sleep(RETRY);
                        continue;
                    }
                    // Closing: what is not applied stays logged for the next start.
                    Err(StoreError::Io(_)) => return Ok(()),
                    Err(e) => return Err(e),
                }
            } else if self.closing.load(Ordering::Acquire) {
                return Ok(());
            }
            if self.removed.swap(false, Ordering::AcqRel) {
                // Tried again on the next turn while a reader holds a log.
                let emptied = schema::checkpoint_truncate(&empty_main)
                    .and_then(|()| schema::checkpoint_truncate(&empty_index));
                if emptied.is_err() {
                    self.removed.store(true, Ordering::Release);
                }
            }
            let (lock, cv) = &self.wake;
            let mut woken = lock.lock().unwrap_or_else(|p| p.into_inner());
            if !*woken && !self.closing.load(Ordering::Acquire) {
                // Applying often keeps the tail searches read short; a
                // batch per wake-up keeps FTS5's per-commit work rare.
                woken =
                    cv.wait_timeout(woken, Duration::from_millis(200)).unwrap_or_else(|p| p.into_inner()).0;
            }
            *woken = false;
            drop(woken);
            // Let a burst of groups gather into one batch.
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs `f` on a connection to the indexes.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let c = match pooled {
            Some(c) => c,
            None => open_index_reader(&self.dir)?,
        };
        let result = f(&c);
        if c.is_autocommit() {
            let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            if pool.len() < 4 {
                pool.push(c);
            }
        }
        result
    }

    /// The labels of the first `limit` matches, in page order, as of the
    /// main database's snapshot `main` (a read transaction is open on it);
    /// `None` when the query has no index or the indexes are too far behind.
    pub(super) fn labels(
        &self,
        main: &Connection,
        folded: &str,
        limit: usize,
    ) -> Result<Option<Vec<i64>>, StoreError> {
        let (sql, q) = match Query::of(folded) {
            Query::Nothing => return Ok(Some(Vec::new())),
            Query::Walk => return Ok(None),
            Query::Trigrams(q) => ("SELECT rowid FROM grams WHERE grams MATCH ?1 ORDER BY rowid LIMIT ?2", q),
            Query::Short(q) => {
                ("SELECT rowid FROM short_grams WHERE short_grams MATCH ?1 ORDER BY rowid LIMIT ?2", q)
            }
        };
        if self.stopped.load(Ordering::Acquire) {
            return Ok(None);
        }
        self.read(|c| {
            schema::snapshot(c, || {
                let applied: i64 = c.query_row("SELECT seq FROM applied", [], |r| r.get(0))?;
                // What the indexes do not have yet: the last state of each label.
                let backlog: i64 = main
                    .prepare_cached("SELECT count(*) FROM search_log WHERE seq > ?1")?
                    .query_row([applied], |r| r.get(0))?;
                if backlog > MAX_TAIL {
                    return Ok(None);
                }
                let mut tail: BTreeMap<i64, Option<String>> = BTreeMap::new();
                let mut stmt =
                    main.prepare_cached("SELECT label, folded FROM search_log WHERE seq > ?1 ORDER BY seq")?;
                let mut rows = stmt.query([applied])?;
                while let Some(row) = rows.next()? {
                    tail.insert(row.get(0)?, row.get(1)?);
                }
                let mut stmt = c.prepare_cached(sql)?;
                let indexed = stmt
                    .query_map((&q, (limit + tail.len()).min(i64::MAX as usize) as i64), |r| {
                        r.get::<_, i64>(0)
                    })?;
                let mut labels = BTreeSet::new();
                for label in indexed {
                    let label = label?;
                    if !tail.contains_key(&label) {
                        labels.insert(label);
                    }
                }
                for (label, name) in &tail {
                    if name.as_deref().is_some_and(|n| n.contains(folded)) {
                        labels.insert(*label);
                    }
                }
                Ok(Some(labels.into_iter().take(limit).collect()))
            })
        })
    }
}

fn apply(c: &Connection, label: i64, folded: Option<&str>) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM grams WHERE rowid = ?1")?.execute([label])?;
    c.prepare_cached("DELETE FROM short_grams WHERE rowid = ?1")?.execute([label])?;
    if let Some(folded) = folded {
        c.prepare_cached("INSERT INTO grams(rowid, folded) VALUES (?1, ?2)")?.execute((label, folded))?;
        let short = short_tokens(folded);
        if !short.is_empty() {
            c.prepare_cached("INSERT INTO short_grams(rowid, grams) VALUES (?1, ?2)")?
                .execute((label, short))?;
        }
    }
    Ok(())
}

fn open_index(dir: &Path) -> rusqlite::Result<Connection> {
    schema::owner_only(&dir.join(FILE)).map_err(schema::cannot_open)?;
    let c = Connection::open(dir.join(FILE))?;
    c.set_prepared_statement_cache_capacity(32);
    c.busy_timeout(Duration::from_secs(10))?;
    c.execute_batch(schema::SECURE_DELETE)?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    // The log is dropped once applied, so what is applied must be durable.
    c.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA cache_size = -4096; PRAGMA mmap_size = 0;
         PRAGMA journal_size_limit = 4194304;",
    )?;
    c.execute_batch(&format!("BEGIN IMMEDIATE; {TABLES} COMMIT;"))?;
    c.query_row("SELECT count(*) FROM applied", [], |r| r.get::<_, i64>(0))?;
    Ok(c)
}

fn open_index_reader(dir: &Path) -> rusqlite::Result<Connection> {
    let c = Connection::open_with_flags(
        dir.join(FILE),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    c.set_prepared_statement_cache_capacity(32);
    c.busy_timeout(Duration::from_secs(10))?;
    c.execute_batch("PRAGMA cache_size = -2048; PRAGMA mmap_size = 0;")?;
    Ok(c)
}

/// Makes the indexes anew from the listed names, in batches, and leaves
/// them applied up to the end of the log as it is now.
fn rebuild(dir: &Path, main: &Connection, notice: fn(&str)) -> Result<(), StoreError> {
    let listed: i64 = main.query_row("SELECT count(*) FROM listed", [], |r| r.get(0))?;
    notice(&format!("building the search index of {listed} names, once"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("{FILE}{suffix}")));
    }
    let mut index = open_index(dir)?;
    let last_logged = next_logged(main)? - 1;
    let mut after = i64::MIN;
    loop {
        let batch: Vec<(i64, Vec<u8>)> = main
            .prepare_cached(
                "SELECT l.ord, s.rec FROM listed l JOIN sig s ON s.id = l.id WHERE l.ord > ?1 ORDER BY l.ord LIMIT 5000",
            )?
            .query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let Some(&(last, _)) = batch.last() else { break };
        let tx = index.transaction()?;
        for (label, rec) in &batch {
            let name = super::codec::decode_record(rec)?.name.folded();
            apply(&tx, *label, Some(&name))?;
        }
        tx.commit()?;
        after = last;
    }
    index.execute("UPDATE applied SET seq = ?1", [last_logged])?;
    Ok(())
}

/// The sequence number of the first log entry not yet dropped, or of the
/// next one when all were (the log's numbers are never reused).
/// The number the next log entry will get, whether or not the log holds
/// entries now.
fn next_logged_ever(main: &Connection) -> rusqlite::Result<i64> {
    main.query_row(
        "SELECT coalesce((SELECT seq + 1 FROM sqlite_sequence WHERE name = 'search_log'), 1)",
        [],
        |r| r.get(0),
    )
}

fn next_logged(main: &Connection) -> rusqlite::Result<i64> {
    main.query_row(
        "SELECT coalesce((SELECT min(seq) FROM search_log),
                         (SELECT seq + 1 FROM sqlite_sequence WHERE name = 'search_log'), 1)",
        [],
        |r| r.get(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_tokens_in_any_script() {
        assert_eq!(short_tokens("abc"), "x6162 x6263");
        assert_eq!(short_tokens("a"), "");
        // 王伟: both characters alone, and the pair.
        assert_eq!(short_tokens("王伟"), "xe4bc9f xe78e8b xe78e8be4bc9f");
        assert_eq!(Query::of(""), Query::Nothing);
        assert_eq!(Query::of("a"), Query::Walk);
        assert_eq!(Query::of("王"), Query::Short("xe78e8b".into()));
        assert_eq!(Query::of("ab"), Query::Short("x6162".into()));
        assert_eq!(Query::of("abc"), Query::Trigrams("\"abc\"".into()));
    }
}
