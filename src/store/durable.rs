//! Making committed groups durable off the writer's path: the syncer
//! thread, and the answers it holds until then.
//!
//! The writer commits each group with `synchronous = NORMAL`: SQLite writes
//! the group's pages to the write-ahead log and returns without waiting
//! for the disk. The group goes to the syncer, which calls `fdatasync` on
//! the log and only then answers it, and makes it public (the generation,
//! the search indexer). While one `fdatasync` runs (3–4 ms on this
//! project's machines), the writer applies and commits the next groups,
//! and one `fdatasync` covers every group committed before it began: the
//! log is written in order, so a sync that returns has made durable all
//! that was written before it was called. No answer is sent before that,
//! so an acknowledged signature is on disk as it was with `FULL`, where
//! each commit waited for its own sync and the writer sat idle meanwhile
//! (`bench/README.md`, "The writer no longer waits for the disk").
//!
//! A failed sync fails its groups' answers (503) and is said to the
//! operator once: their rows are committed, and the next sync that works
//! makes them durable; a signer who tries again is told they have signed.

use super::error::{SignError, StoreError};
use super::request::{Reply, Signed};
use super::schema;
use super::shared::Inner;
use super::tx::Tx;
use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Committed groups waiting for their sync, at most; the writer waits
/// beyond that (each holds at most `MAX_GROUP` answers).
const WAITING_GROUPS: usize = 256;

/// A committed group: its answers, and what it changed that others see.
pub(super) struct Committed {
    pub(super) answers: Vec<Answer>,
    /// Published data changed: pages and snapshots are rebuilt.
    pub(super) public: bool,
    /// A name left the list: the indexer empties the logs of it.
    pub(super) removed: bool,
}

/// The syncer thread and its queue. Dropping it finishes what was handed
/// over (synced and answered) and joins the thread.
pub(super) struct Syncer {
    groups: Option<SyncSender<Committed>>,
    waiting: Arc<Waiting>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Groups handed over and not yet synced, and a signal when that falls to
/// none.
#[derive(Default)]
struct Waiting {
    groups: Mutex<usize>,
    none: Condvar,
}

impl Waiting {
    fn lock(&self) -> MutexGuard<'_, usize> {
        self.groups.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Syncer {
    pub(super) fn start(inner: Arc<Inner>) -> io::Result<Syncer> {
        let (tx, rx) = sync_channel(WAITING_GROUPS);
        let waiting = Arc::new(Waiting::default());
        let synced = Arc::clone(&waiting);
        let thread =
            std::thread::Builder::new().name("store-sync".into()).spawn(move || run(&inner, &rx, &synced))?;
        Ok(Syncer { groups: Some(tx), waiting, thread: Some(thread) })
    }

    /// Waits up to `at_most` while the syncer has groups to sync; whether
    /// it still has. A group committed now would wait for those syncs
    /// anyway, so the writer takes in more requests meanwhile, and one
    /// sync then serves them all.
    pub(super) fn busy_after(&self, at_most: Duration) -> bool {
        let waiting = self.waiting.lock();
        let (waiting, _) = self
            .waiting
            .none
            .wait_timeout_while(waiting, at_most, |groups| *groups > 0)
            .unwrap_or_else(|p| p.into_inner());
        *waiting > 0
    }

    /// Hands a committed group over; its answers go out once it is durable.
    pub(super) fn hand(&self, group: Committed) {
        if let Some(groups) = &self.groups {
            *self.waiting.lock() += 1;
            if let Err(gone) = groups.send(group) {
                *self.waiting.lock() -= 1;
                // The syncer died (a panic, said by the hook): nothing it
                // would have synced can be called durable.
                gone.0.answers.into_iter().for_each(Answer::fail);
            }
        }
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        drop(self.groups.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(inner: &Inner, rx: &Receiver<Committed>, waiting: &Waiting) {
    let mut log = Log::new(inner.dir.join(format!("{}-wal", schema::FILE)), inner.dir.join(schema::FILE));
    let mut health = Health::default();
    let mut groups = Vec::new();
    while let Ok(first) = rx.recv() {
        groups.push(first);
        groups.extend(rx.try_iter());
        let synced = log.sync();
        let failure = synced.as_ref().err().map(|e| format!("the write-ahead log could not be synced: {e}"));
        health.after_group(failure.as_deref(), inner.options.notice);
        // Public first, then answered: a signer who reloads the list at
        // once finds their name there.
        let public = groups.iter().any(|g| g.public);
        if synced.is_ok() && public {
            inner.generation.fetch_add(1, Ordering::AcqRel);
            inner.index.wake();
        }
        if groups.iter().any(|g| g.removed) {
            inner.index.removed();
        }
        let count = groups.len();
        for answer in groups.drain(..).flat_map(|g| g.answers) {
            if synced.is_ok() {
                answer.send()
            } else {
                answer.fail()
            }
        }
        let mut left = waiting.lock();
        *left = left.saturating_sub(count);
        if *left == 0 {
            waiting.none.notify_all();
        }
    }
}

/// The write-ahead log, opened once and synced by its own descriptor
/// (`fdatasync` makes the file's data durable whichever descriptor wrote
/// it). Opened again if SQLite made a new one, and the database file is
/// synced instead when there is none (all of it then is in the file).
struct Log {
    path: PathBuf,
    database: PathBuf,
    open: Option<(File, u64)>,
}

impl Log {
    fn new(path: PathBuf, database: PathBuf) -> Log {
        Log { path, database, open: None }
    }

    fn sync(&mut self) -> io::Result<()> {
        let inode = match std::fs::metadata(&self.path) {
            Ok(m) => m.ino(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return File::open(&self.database)?.sync_data(),
            Err(e) => return Err(e),
        };
        if self.open.as_ref().is_none_or(|(_, held)| *held != inode) {
            let file = File::open(&self.path)?;
            // The log's name in its directory must be durable too.
            if let Some(dir) = self.path.parent() {
                File::open(dir)?.sync_all()?;
            }
            self.open = Some((file, inode));
        }
        match &self.open {
            Some((file, _)) => file.sync_data(),
            None => Ok(()),
        }
    }
}

/// Whether writes are failing, so that the operator hears once when they
/// start failing and once when they work again, not once per signature;
/// on a disk all but full, where commits fail and succeed by turns, at
/// most once a [`Health::QUIET`].
#[derive(Default)]
pub(super) struct Health {
    /// When the operator was last told that writes fail.
    told: Option<std::time::Instant>,
    /// Groups that failed since then, while the all-clear is still owed.
    owed: Option<u64>,
}

impl Health {
    const QUIET: std::time::Duration = std::time::Duration::from_secs(60);

    pub(super) fn after_group(&mut self, failure: Option<&str>, notice: fn(&str)) {
        match (failure, &mut self.owed) {
            (Some(_), Some(failed)) => *failed += 1,
            (Some(why), None) => {
                if self.told.is_none_or(|t| t.elapsed() >= Health::QUIET) {
                    notice(&format!(
                        "the store cannot write ({why}): signing answers 503 until it can, \
                         and resumes by itself"
                    ));
                    self.told = Some(std::time::Instant::now());
                    self.owed = Some(1);
                }
            }
            (None, Some(failed)) => {
                notice(&format!("the store writes again, after {failed} failed attempts: signing resumed"));
                self.owed = None;
            }
            (None, None) => {}
        }
    }
}

/// A request's answer, held until its group is durable.
pub(super) enum Answer {
    Sign(Result<Signed, SignError>, Reply<Signed, SignError>),
    Withdraw(Result<bool, SignError>, Reply<bool, SignError>),
    Count(Result<usize, StoreError>, Reply<usize, StoreError>),
}

impl Answer {
    /// An error after which the group's writes cannot be trusted; refusals
    /// (decided before any write) are not.
    pub(super) fn is_store_error(&self) -> bool {
        matches!(
            self,
            Answer::Count(Err(e), _) if !matches!(e, StoreError::NotEmpty)
        ) || matches!(
            self,
            Answer::Sign(Err(SignError::Unavailable), _) | Answer::Withdraw(Err(SignError::Unavailable), _)
        )
    }

    /// What the operator is told of a store error (see [`Answer::is_store_error`]).
    pub(super) fn why(&self, tx: &mut Tx) -> String {
        match (self, tx.failure.take()) {
            (Answer::Count(Err(e), _), _) => e.to_string(),
            (_, Some(e)) => e.to_string(),
            (_, None) => "a write failed".to_string(),
        }
    }

    pub(super) fn send(self) {
        match self {
            Answer::Sign(r, tx) => drop(tx.send(r)),
            Answer::Withdraw(r, tx) => drop(tx.send(r)),
            Answer::Count(r, tx) => drop(tx.send(r)),
        }
    }

    /// A write that did not reach the disk is no success; a refusal stays
    /// what it was, since it wrote nothing.
    pub(super) fn fail(self) {
        match self {
            Answer::Sign(Err(e), tx) if e != SignError::Unavailable => drop(tx.send(Err(e))),
            Answer::Sign(_, tx) => drop(tx.send(Err(SignError::Unavailable))),
            Answer::Withdraw(_, tx) => drop(tx.send(Err(SignError::Unavailable))),
            Answer::Count(Err(StoreError::NotEmpty), tx) => drop(tx.send(Err(StoreError::NotEmpty))),
            Answer::Count(_, tx) => drop(tx.send(Err(StoreError::NotWritten))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Health, Log};
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn the_log_is_synced_by_its_own_descriptor_and_opened_again_when_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (wal, db) = (dir.path().join("s.sqlite-wal"), dir.path().join("s.sqlite"));
        std::fs::write(&db, b"db").unwrap();
        let mut log = Log::new(wal.clone(), db);
        // No log: the database file is synced, and nothing is held open.
        log.sync().unwrap();
        assert!(log.open.is_none());
        std::fs::write(&wal, b"one").unwrap();
        log.sync().unwrap();
        let first = log.open.as_ref().map(|(_, inode)| *inode);
        assert_eq!(first, Some(std::fs::metadata(&wal).unwrap().ino()));
        log.sync().unwrap();
        assert_eq!(log.open.as_ref().map(|(_, inode)| *inode), first, "kept, not opened per sync");
        // A new file under the name (a log removed and made again).
        let other = dir.path().join("new");
        std::fs::write(&other, b"two").unwrap();
        std::fs::rename(&other, &wal).unwrap();
        log.sync().unwrap();
        let now = log.open.as_ref().map(|(_, inode)| *inode);
        assert_eq!(now, Some(std::fs::metadata(&wal).unwrap().ino()));
        assert_ne!(now, first);
    }
    use std::cell::RefCell;

    thread_local! {
        static TOLD: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    fn note(m: &str) {
        TOLD.with(|t| t.borrow_mut().push(m.to_string()));
    }

    #[test]
    fn failing_writes_are_told_once_and_their_end_once_even_when_they_alternate() {
        let mut health = Health::default();
        health.after_group(None, note);
        for _ in 0..3 {
            health.after_group(Some("database or disk is full"), note);
        }
        health.after_group(None, note);
        // A disk all but full: failures and successes by turns.
        for _ in 0..10 {
            health.after_group(Some("database or disk is full"), note);
            health.after_group(None, note);
        }
        let told = TOLD.with(|t| t.borrow().clone());
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told[0].starts_with("the store cannot write (database or disk is full)"), "{}", told[0]);
        assert_eq!(told[1], "the store writes again, after 3 failed attempts: signing resumed");
    }
}
