//! Converting a store of an earlier version, once, on first start.
//!
//! Layouts 1 and 2 kept everything in one sled tree (`legacy`). The upgrade
//! copies the records in id order, a few thousand per transaction, each
//! with all its indexes worked out afresh, and records after each batch the
//! next id to copy: killed part way, it goes on from there. The withdrawal
//! hashes, used tokens, audit list and metadata follow (written with
//! `INSERT OR REPLACE`, so doing them again is harmless), then the layout
//! is marked done, and only then are sled's files moved aside into
//! `sled-before-upgrade/`, for the operator to remove once satisfied.
//! Progress goes to the operator every few seconds.
//!
//! Also here: rebuilding the derived indexes when the name functions they
//! are computed with (folding, skeletons, sort keys) have changed.

use super::legacy;
use super::schema::{self, meta};
use super::search;
use super::writer::{self, in_transaction, Tx};
use super::{Options, StoreError};
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

/// Records per transaction.
const BATCH: usize = 5_000;
/// How often progress is told.
const TELL_EVERY: Duration = Duration::from_secs(3);

/// Where sled's files go once the upgrade is done.
pub(super) const MOVED_ASIDE: &str = "sled-before-upgrade";

/// Tells progress of `total` items every few seconds.
struct Progress {
    what: &'static str,
    total: u64,
    start: Instant,
    told: Instant,
    notice: fn(&str),
}

impl Progress {
    fn new(what: &'static str, total: u64, notice: fn(&str)) -> Progress {
        let now = Instant::now();
        Progress { what, total, start: now, told: now, notice }
    }

    fn at(&mut self, done: u64) {
        if self.told.elapsed() < TELL_EVERY {
            return;
        }
        self.told = Instant::now();
        let secs = self.start.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / secs;
        let left = if rate > 0.0 { self.total.saturating_sub(done) as f64 / rate } else { 0.0 };
        (self.notice)(&format!(
            "{}: {done} of {} signatures ({:.0}/s, about {:.0} s left)",
            self.what, self.total, rate, left
        ));
    }
}

/// Converts a sled store in `dir`, if there is one.
pub(super) fn from_sled_if_needed(dir: &Path, options: Options) -> Result<(), StoreError> {
    if !dir.join(legacy::LOG).exists() {
        return Ok(());
    }
    let c = schema::open_writer(dir, options.cache_bytes)?;
    if schema::meta_int(&c, meta::UPGRADE_DONE)? != Some(1) {
        let db = sled::Config::new().path(dir).cache_capacity(options.cache_bytes).open()?;
        copy(&c, &db, options)?;
        drop(db);
    }
    drop(c);
    move_aside(dir)?;
    (options.notice)(&format!(
        "the store was upgraded; the earlier version's files are in {}: remove them once the letter looks right",
        dir.join(MOVED_ASIDE).display()
    ));
    Ok(())
}

fn copy(c: &Connection, db: &sled::Db, options: Options) -> Result<(), StoreError> {
    let counter = |kind: u8, what: u8| {
        db.get([legacy::COUNTER, kind, what]).ok().flatten().and_then(|v| legacy::u64_at_end(&v)).unwrap_or(0)
    };
    let total: u64 = [b'o', b'c', b'i'].iter().map(|k| counter(*k, b'p') + counter(*k, b'q')).sum();
    let mut next = schema::meta_int(c, meta::UPGRADE_NEXT)?.unwrap_or(0).max(0) as u64;
    let already: i64 = c.query_row("SELECT count(*) FROM sig", [], |r| r.get(0))?;
    (options.notice)(&format!(
        "upgrading the store to layout {} (SQLite), once: {total} signatures{}",
        schema::LAYOUT,
        if already > 0 { format!(", {already} of them done before") } else { String::new() }
    ));
    let mut progress = Progress::new("upgrading the store", total, options.notice);
    let mut done = already.max(0) as u64;
    let end = legacy::record(u64::MAX);
    loop {
        let batch: Vec<(u64, Vec<u8>)> = db
            .range(legacy::record(next)..end.clone())
            .take(BATCH)
            .map(|e| e.map(|(k, v)| (legacy::u64_at_end(&k).unwrap_or(0), v.to_vec())))
            .collect::<Result<_, _>>()?;
        let Some(&(last, _)) = batch.last() else { break };
        in_transaction(c, |tx| {
            for (_, v) in &batch {
                tx.add(&writer::decode_record(v)?)?;
            }
            schema::set_meta(tx.c, meta::UPGRADE_NEXT, (last + 1) as i64)?;
            Ok(())
        })?;
        done += batch.len() as u64;
        next = last + 1;
        progress.at(done);
    }
    copy_lookups(c, db)?;
    in_transaction(c, |tx| {
        let copy_meta = |sled_key: &[u8], key: &str, text: bool| -> Result<(), StoreError> {
            if let Some(v) = db.get(sled_key)? {
                if text {
                    schema::set_meta(tx.c, key, String::from_utf8_lossy(&v).into_owned())?;
                } else if let Some(n) = legacy::u64_at_end(&v) {
                    schema::set_meta(tx.c, key, n as i64)?;
                } else {
                    schema::set_meta(tx.c, key, 1)?;
                }
            }
            Ok(())
        };
        copy_meta(legacy::PHASE, meta::PHASE, true)?;
        copy_meta(legacy::NEXT_ID, meta::NEXT_ID, false)?;
        copy_meta(legacy::AUDIT_SEQ, meta::AUDIT_SEQ, false)?;
        copy_meta(legacy::IMPORTED, meta::IMPORTED, false)?;
        schema::set_meta(tx.c, meta::NAMES, writer::name_functions_fingerprint())?;
        schema::set_meta(tx.c, meta::LAYOUT, schema::LAYOUT)?;
        schema::set_meta(tx.c, meta::UPGRADE_DONE, 1)?;
        Ok(())
    })?;
    Ok(())
}

/// The withdrawal hashes, used tokens and audit list, in batches.
fn copy_lookups(c: &Connection, db: &sled::Db) -> Result<(), StoreError> {
    type Step = fn(&Tx, &[u8], &[u8]) -> Result<(), StoreError>;
    let steps: [(u8, Step); 3] = [
        (legacy::WITHDRAWAL, |tx, k, v| {
            for (hash, id) in legacy::withdrawals(k, v) {
                (tx.c.prepare_cached("INSERT OR REPLACE INTO withdrawal(hash, id) VALUES (?1, ?2)")?)
                    .execute((&hash[..], id as i64))?;
            }
            Ok(())
        }),
        (legacy::TOKENS, |tx, k, v| {
            for (day, nonce) in legacy::tokens(k, v) {
                (tx.c.prepare_cached("INSERT OR REPLACE INTO token(day, nonce) VALUES (?1, ?2)")?)
                    .execute((i64::from(day), &nonce[..]))?;
            }
            Ok(())
        }),
        (legacy::AUDIT, |tx, k, v| {
            let seq = legacy::u64_at_end(k).unwrap_or(0) as i64;
            (tx.c.prepare_cached("INSERT OR REPLACE INTO audit(seq, entry) VALUES (?1, ?2)")?)
                .execute((seq, v))?;
            Ok(())
        }),
    ];
    for (prefix, step) in steps {
        let mut items = db.scan_prefix([prefix]);
        loop {
            let batch: Vec<(sled::IVec, sled::IVec)> =
                items.by_ref().take(BATCH).collect::<Result<_, _>>()?;
            if batch.is_empty() {
                break;
            }
            in_transaction(c, |tx| batch.iter().try_for_each(|(k, v)| step(tx, k, v)))?;
        }
    }
    Ok(())
}

/// Moves sled's files out of the data dir, into [`MOVED_ASIDE`].
fn move_aside(dir: &Path) -> Result<(), StoreError> {
    let aside = dir.join(MOVED_ASIDE);
    std::fs::create_dir_all(&aside)?;
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        let n = name.to_string_lossy();
        if n == legacy::LOG || legacy::OTHER_FILES.contains(&n.as_ref()) || n.starts_with("snap.") {
            std::fs::rename(dir.join(&name), aside.join(&name))?;
        }
    }
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Rebuilds every derived index (name digests, page order, search) when
/// the functions that compute them have changed since they were written.
pub(super) fn rebuild_if_name_functions_changed(
    dir: &Path,
    c: &Connection,
    options: Options,
) -> Result<(), StoreError> {
    let now = writer::name_functions_fingerprint();
    let stored = schema::meta_int(c, meta::NAMES)?;
    if stored == Some(now) {
        return Ok(());
    }
    let total: i64 = c.query_row("SELECT count(*) FROM sig", [], |r| r.get(0))?;
    if total > 0 {
        (options.notice)(&format!(
            "this version folds or orders names differently: rebuilding the indexes of {total} signatures, once"
        ));
        in_transaction(c, |tx| {
            tx.c.execute_batch(
                "DELETE FROM listed; DELETE FROM bins; DELETE FROM coarse_bins; DELETE FROM search_log;
                 UPDATE sig SET ord = NULL;",
            )?;
            Ok(())
        })?;
        // The search index is made anew from the list once it is rebuilt.
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("{}{suffix}", search::FILE)));
        }
        let mut progress = Progress::new("rebuilding the indexes", total as u64, options.notice);
        let mut after = 0i64;
        let mut done = 0u64;
        loop {
            let batch: Vec<(i64, Vec<u8>)> = c
                .prepare_cached("SELECT id, rec FROM sig WHERE id > ?1 ORDER BY id LIMIT ?2")?
                .query_map((after, BATCH as i64), |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let Some(&(last, _)) = batch.last() else { break };
            in_transaction(c, |tx| {
                for (_, rec) in &batch {
                    tx.reindex(&writer::decode_record(rec)?)?;
                }
                Ok(())
            })?;
            after = last;
            done += batch.len() as u64;
            progress.at(done);
        }
    }
    schema::set_meta(c, meta::NAMES, now)?;
    Ok(())
}
