//! What the store's handles and its two threads share ([`Inner`]): the data
//! dir, the readers' connection pool, the search indexer's state, the
//! public generation, the settings, whether the writer died, and the data
//! dir's lock. Dropping the last of it closes the store.

use super::error::StoreError;
use super::{schema, search};
use rusqlite::Connection;
use std::fs::File;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// Store settings that come from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Days after the letter closes before private fields are purged.
    pub retention_days: u32,
    /// The writer's page cache, in bytes (each reader has 2 MiB).
    pub cache_bytes: u64,
    /// Tells the operator about slow one-time work (an index rebuild), and
    /// that the writer stopped, should it ever.
    pub notice: fn(&str),
}

/// Readers' connections kept open, at most; more are opened when more read
/// at once, and closed after.
const KEPT_READERS: usize = 4;

pub(super) struct Inner {
    pub(super) dir: PathBuf,
    pub(super) readers: Mutex<Vec<Connection>>,
    pub(super) index: search::Indexer,
    pub(super) generation: AtomicU64,
    pub(super) options: Options,
    /// The writer thread died: nothing more is written.
    pub(super) writer_stopped: AtomicBool,
    /// The letter's versions, as at open: an amendment is made offline.
    pub(super) letters: crate::letter::History,
    /// Held while the store is open: one process per data dir.
    #[allow(dead_code, reason = "only held, for its lock")]
    pub(super) lock: File,
}

impl Drop for Inner {
    /// The last handle is gone and both threads are joined: copy the
    /// write-ahead log into the database and empty it, so that a stopped
    /// store is one file (SQLite does this itself only when the last
    /// connection to close can write, and readers close last).
    fn drop(&mut self) {
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let emptied = schema::open_checkpointer(&self.dir).and_then(|c| {
            // What the indexes have (a listed name's folded form) leaves the
            // log now, not at the next group of a later run.
            search::drop_applied(&c, self.index.applied.load(Ordering::Acquire))?;
            schema::checkpoint_truncate(&c)
        });
        if let Err(e) = emptied.and_then(|()| self.index.close_files()) {
            (self.options.notice)(&format!(
                "the store's write-ahead logs could not be emptied at stop ({e}): they are at the next start"
            ));
        }
    }
}

impl Inner {
    pub(super) fn writer_is_stopped(&self) -> bool {
        self.writer_stopped.load(Ordering::Acquire)
    }

    /// Marks the writer as dead and tells the operator, once: both the
    /// dying thread and the first caller to find it gone come here.
    pub(super) fn writer_died(&self) {
        if !self.writer_stopped.swap(true, Ordering::AcqRel) {
            (self.options.notice)(
                "the store's writer stopped: signing and moderation are unavailable until undersign restarts",
            );
        }
    }

    /// Runs `f` on a reader connection from the pool.
    pub(super) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let c = match pooled {
            Some(c) => c,
            None => schema::open_reader(&self.dir)?,
        };
        let result = f(&c);
        // A connection left inside a transaction by an error is not reused.
        if c.is_autocommit() {
            let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            if pool.len() < KEPT_READERS {
                pool.push(c);
            }
        }
        result
    }
}
