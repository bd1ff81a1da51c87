//! Work done once at start when the store was written by another version.
//!
//! Today that is one thing: rebuilding the derived indexes when the name
//! functions they are computed with (folding, skeletons, sort keys) have
//! changed. A future change of layout (`schema`) has its upgrade here too.
//! Progress goes to the operator every few seconds.

use super::codec::decode_record;
use super::error::StoreError;
use super::names::name_functions_fingerprint;
use super::schema::{self, meta};
use super::search;
use super::shared::Options;
use super::tx::in_transaction;
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

/// Records per transaction.
const BATCH: usize = 5_000;
/// How often progress is told.
const TELL_EVERY: Duration = Duration::from_secs(3);

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

/// Rebuilds every derived index (name digests, page order, search) when
/// the functions that compute them have changed since they were written.
pub(super) fn rebuild_if_name_functions_changed(
    dir: &Path,
    c: &Connection,
    options: Options,
) -> Result<(), StoreError> {
    let now = name_functions_fingerprint();
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
                    tx.reindex(&decode_record(rec)?)?;
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
