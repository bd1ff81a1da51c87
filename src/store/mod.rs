//! The durable store: every signature, which are published and which wait
//! for review, the letter's phase, the moderators' audit list, the used
//! form tokens, the withdrawal-code hashes and the counts, in one sled tree.
//! This module owns every invariant over them.
//!
//! All changes go through one writer thread (`writer`). It takes whatever
//! requests are waiting and applies them together as one atomic sled batch
//! (so a crash never leaves a signature without its index entries or count),
//! makes them durable with one `flush` and one `fsync` (group commit), and
//! only then answers each request. sled 0.34's own `flush` ends in
//! `sync_file_range`, which reaches neither the device cache nor the file's
//! metadata, hence the explicit `fsync` of the log file.
//!
//! Readers (pages, exports, the console) read sled directly; they see a
//! change once the writer has applied it. [`Store::generation`] tells them
//! when public data changed so cached pages can be rebuilt.
//!
//! Key layout (one prefix byte; big-endian ids, so key order is arrival
//! order). Every prefix and metadata key is named once, in `keys`:
//!
//! | key | value | for |
//! |---|---|---|
//! | `S id` | record (JSON) | every signature |
//! | `P kind sortkey 0 id` | public fields (JSON) | published and listed, in page order |
//! | `Q id`, `R kind id`, `G flag id` | – | pending review: all, by kind, by flag |
//! | `F kind bucket` | (folded-name digest, id)… | exact duplicates |
//! | `K bucket` | (skeleton digest, id)… | look-alikes (UTS #39) |
//! | `W bucket` | (hash, id)… | withdrawal codes (keyed hash only) |
//! | `T day bucket` | nonce… | used form tokens, until `day` when their forms expire |
//! | `A seq` | audit entry (JSON) | moderators' actions |
//! | `C kind what` | u64 | counters: `p` published, `l` listed, `q` pending |
//! | `M name` | … | metadata: next ids, phase, import done, layout version |
//!
//! `F`, `K`, `W` and `T` are only ever looked up, so their entries share
//! 16,384 keys per index (`buckets` says why): checking a name, a code or a
//! token is one lookup. `T` sorts by day, so expired tokens are one range.

mod buckets;
mod error;
mod keys;
mod view;
mod writer;

pub use error::{SignError, StoreError};

pub use crate::domain::record::{
    AuditAction, AuditEntry, Counts, Day, Phase, PublicSignatory, Record, RejectReason, Retention, Status,
};

use crate::domain::{Affiliation, Flag, Kind, SignatoryName, Submission};
use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Requests waiting for the writer, at most; senders wait beyond that.
const WRITER_QUEUE: usize = 4096;

/// The outcome of a signature the store accepted and made durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// The signature's id.
    pub id: u64,
    /// Published at once or waiting for review.
    pub status: Status,
    /// Whether the name will be shown.
    pub listed: bool,
}

/// A signing request as the writer sees it: checked input plus the anti-spam
/// facts it must record atomically with the signature.
pub struct NewSignature {
    /// What was signed.
    pub submission: Submission,
    /// Whether its kind waits for a moderator.
    pub needs_review: bool,
    /// The form token's nonce, recorded so the form cannot sign twice.
    pub token_nonce: [u8; 16],
    /// The day after which the token is expired anyway and can be forgotten.
    pub token_forget_after: Day,
    /// The keyed hash of the withdrawal code shown on the thank-you page.
    pub withdraw_hash: [u8; 32],
    /// Signatures waiting for review, at most.
    pub max_pending: u64,
}

/// What a moderator (or an offline command) does.
#[derive(Clone, Debug)]
pub enum Action {
    /// Publish pending signatures.
    Approve(Vec<u64>),
    /// Remove pending signatures, for a reason.
    Reject(Vec<u64>, RejectReason),
    /// Change what is shown of a signature.
    Edit {
        /// The signature.
        id: u64,
        /// Its new name.
        name: SignatoryName,
        /// Its new affiliation.
        affiliation: Option<Affiliation>,
    },
    /// Mark an organisation or company as checked, or not.
    Verify {
        /// The signature.
        id: u64,
        /// Marked, or the mark removed.
        verified: bool,
    },
    /// Back from the public list into the review queue.
    Unpublish(u64),
    /// Remove a signature for good.
    Delete(u64),
    /// Open, pause or close signing.
    SetPhase(Phase),
    /// Imports names as published signatures (offline `import --kind`).
    ImportNames(Kind, Vec<SignatoryName>),
    /// The letter's own lists, imported only if no first-start import has
    /// happened in this store's life.
    ImportFirstStart(Vec<(Kind, Vec<SignatoryName>)>),
}

/// A backup of everything needed to restore the letter's signatures.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Backup {
    /// The backup format's version.
    pub format: u32,
    /// The letter's phase.
    pub phase: Phase,
    /// Every signature, pending included.
    pub signatures: Vec<Record>,
    /// (signature id, hex of the withdrawal-code hash), so codes keep working.
    pub withdrawal_hashes: Vec<(u64, String)>,
}

type Reply<T, E> = oneshot::Sender<Result<T, E>>;

enum Request {
    Sign(Box<(NewSignature, writer::NameEntries)>, Reply<Signed, SignError>),
    Withdraw([u8; 32], Reply<bool, SignError>),
    Moderate(String, Action, Reply<usize, StoreError>),
    Restore(Box<Backup>, Reply<usize, StoreError>),
    /// Makes the writer thread panic, as a bug in it would.
    #[cfg(test)]
    Crash,
}

/// Store settings that come from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Days after the letter closes before private fields are purged.
    pub retention_days: u32,
    /// sled's page cache, in bytes.
    pub cache_bytes: u64,
    /// Tells the operator about slow one-time work (a layout upgrade), and
    /// that the writer stopped, should it ever.
    pub notice: fn(&str),
}

/// Handle to the store; cheap to clone, shared by all connections. When
/// the last one is dropped, the writer finishes what it was given and the
/// store is closed, its file lock released, before the drop returns.
#[derive(Clone)]
pub struct Store {
    // Fields drop in order: the writer thread is joined first, so that
    // this `inner` is the last one and closes the store.
    writer: Arc<Writer>,
    inner: Arc<Inner>,
}

/// The writer thread and its queue, one for all handles.
struct Writer {
    /// Dropped first: a closed queue ends the writer's loop.
    requests: mpsc::Sender<Request>,
    /// Then joined, as the thread holds an `Inner` of its own.
    #[allow(dead_code, reason = "only its drop is used: it joins the thread")]
    thread: JoinOnDrop,
}

/// Lives on the writer thread's stack: if the thread unwinds (a panic),
/// the store is marked stopped and the operator told.
struct WriterWatch<'a>(&'a Inner);

impl Drop for WriterWatch<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.writer_died();
        }
    }
}

struct JoinOnDrop(Option<std::thread::JoinHandle<()>>);

impl Drop for JoinOnDrop {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            // An error is a panic, which the panic hook has printed.
            let _ = thread.join();
        }
    }
}

struct Inner {
    db: sled::Db,
    generation: AtomicU64,
    options: Options,
    /// The writer thread died: nothing more is written.
    writer_stopped: AtomicBool,
    /// Last, so that it is dropped after `db`.
    log: LogFile,
}

/// The sled log file, opened a second time: for the fsync after each
/// flush, and, when the store closes, to wait until sled has let go of it.
struct LogFile(File);

impl Drop for LogFile {
    fn drop(&mut self) {
        wait_until_released(&self.0);
    }
}

/// Returns once no other open file holds the lock on sled's log `file`
/// (its own lock on it goes when it is closed, after this returns).
///
/// sled 0.34 writes its log on a global pool of I/O threads, and each
/// write task holds the log's buffers, through them the config and the
/// open file sled locked, until it returns. `flush`, and so the drop of a
/// `Db`, returns once the write is marked stable, which the task does a
/// little before it returns (then it updates the segment accounting). So
/// when a `Db`'s drop returns its file may stay open, and locked, for a
/// moment longer: opening the store again then failed with "could not
/// acquire lock". Taking the lock ourselves waits exactly for that.
///
/// Should another process open the store in that moment, this waits for
/// it to close the store again.
fn wait_until_released(file: &File) {
    use fs2::FileExt;
    let _ = file.lock_exclusive();
}

impl Store {
    /// Opens (or creates) the store under `dir` and starts its writer thread.
    pub fn open(dir: &Path, options: Options) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir)?;
        let opened = sled::Config::new()
            .path(dir)
            // Small boxes: sled's default page cache is 1 GiB.
            .cache_capacity(options.cache_bytes)
            // The writer flushes (and fsyncs) each group itself; sled's timer
            // would only add writes nobody waits for.
            .flush_every_ms(None)
            .open();
        let db = match opened {
            Ok(db) => db,
            Err(_) if lock_is_taken(&dir.join("db")) => return Err(StoreError::InUse),
            Err(e) => return Err(e.into()),
        };
        let log = File::open(dir.join("db"))?;
        // Make the files' existence durable too, once.
        File::open(dir)?.sync_all()?;
        let inner = Arc::new(Inner {
            db,
            generation: AtomicU64::new(1),
            options,
            writer_stopped: AtomicBool::new(false),
            // Made a LogFile only here, behind `db`: a LogFile dropped
            // while its Db lives would wait for itself.
            log: LogFile(log),
        });
        inner.upgrade_layout()?;
        let (tx, rx) = mpsc::channel(WRITER_QUEUE);
        let writer = Arc::clone(&inner);
        let thread = std::thread::Builder::new().name("store-writer".into()).spawn(move || {
            let _watch = WriterWatch(&writer);
            writer.run(rx)
        })?;
        Ok(Store { writer: Arc::new(Writer { requests: tx, thread: JoinOnDrop(Some(thread)) }), inner })
    }

    /// Hands a request to the writer and waits for its answer; `stopped`
    /// once the writer has died.
    async fn ask<T, E>(&self, make: impl FnOnce(Reply<T, E>) -> Request, stopped: E) -> Result<T, E> {
        if !self.inner.writer_is_stopped() {
            let (tx, rx) = oneshot::channel();
            if self.writer.requests.send(make(tx)).await.is_ok() {
                if let Ok(answer) = rx.await {
                    return answer;
                }
            }
            // Every handle keeps the queue open and the writer answers
            // every request, so a closed queue or a dropped reply means
            // the thread died.
            self.inner.writer_died();
        }
        Err(stopped)
    }

    /// [`Store::ask`] outside any runtime.
    fn ask_blocking<T, E>(&self, make: impl FnOnce(Reply<T, E>) -> Request, stopped: E) -> Result<T, E> {
        if !self.inner.writer_is_stopped() {
            let (tx, rx) = oneshot::channel();
            if self.writer.requests.blocking_send(make(tx)).is_ok() {
                if let Ok(answer) = rx.blocking_recv() {
                    return answer;
                }
            }
            self.inner.writer_died();
        }
        Err(stopped)
    }

    /// Makes the writer thread panic; what it was still given goes
    /// unanswered.
    #[cfg(test)]
    pub(crate) fn crash_writer(&self) {
        let _ = self.writer.requests.blocking_send(Request::Crash);
    }

    /// Records a signature and returns once it is on disk.
    pub async fn sign(&self, new: NewSignature) -> Result<Signed, SignError> {
        // Worked out here, on the connection's thread, not on the writer's.
        let entries = writer::NameEntries::of(new.submission.kind, &new.submission.name);
        self.ask(|tx| Request::Sign(Box::new((new, entries)), tx), SignError::Stopped).await
    }

    /// Removes the signature a withdrawal code belongs to, for good.
    /// `Ok(false)` when no signature has that code.
    pub async fn withdraw(&self, code_hash: [u8; 32]) -> Result<bool, SignError> {
        self.ask(|tx| Request::Withdraw(code_hash, tx), SignError::Stopped).await
    }

    /// Applies a moderator's action, durably, and records it in the audit
    /// list. Returns how many signatures it changed.
    pub async fn moderate(&self, moderator: &str, action: Action) -> Result<usize, StoreError> {
        self.ask(|tx| Request::Moderate(moderator.to_string(), action, tx), StoreError::Stopped).await
    }

    /// [`Store::moderate`] for the offline commands, outside any runtime.
    pub fn moderate_blocking(&self, moderator: &str, action: Action) -> Result<usize, StoreError> {
        self.ask_blocking(|tx| Request::Moderate(moderator.to_string(), action, tx), StoreError::Stopped)
    }

    /// Restores a backup into an empty store (offline `import`).
    pub fn restore_blocking(&self, backup: Backup) -> Result<usize, StoreError> {
        self.ask_blocking(|tx| Request::Restore(Box::new(backup), tx), StoreError::Stopped)
    }

    /// Imports the letter's existing signatories, once in the store's life,
    /// as one change through the writer.
    pub async fn import_once(&self, lists: &[(Kind, Vec<SignatoryName>)]) -> Result<usize, StoreError> {
        self.moderate("import", Action::ImportFirstStart(lists.to_vec())).await
    }

    /// Bumped each time public data (names, counts, phase) changes.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Published, listed and pending, per kind.
    pub fn counts(&self) -> Counts {
        self.inner.counts()
    }

    /// Open, paused or closed.
    pub fn phase(&self) -> Phase {
        self.inner.phase()
    }

    /// Published, listed signatories of a kind in page order.
    pub fn published(&self, kind: Kind, skip: usize, limit: usize) -> Vec<PublicSignatory> {
        self.inner.published(kind).skip(skip).take(limit).map(|(_, p)| p).collect()
    }

    /// Whole records of a page of published signatures (the console).
    pub fn published_records(&self, kind: Kind, skip: usize, limit: usize) -> Vec<Record> {
        self.inner
            .published(kind)
            .skip(skip)
            .take(limit)
            .filter_map(|(id, _)| self.inner.record(id))
            .collect()
    }

    /// Every published, listed signatory, grouped by kind in page order.
    pub fn all_published(&self) -> Vec<PublicSignatory> {
        Kind::ALL.into_iter().flat_map(|k| self.inner.published(k).map(|(_, p)| p)).collect()
    }

    /// Published, listed signatures whose folded name contains the folded
    /// query, in page order, at most `limit`.
    pub fn search(&self, folded_query: &str, limit: usize) -> Vec<PublicSignatory> {
        Kind::ALL
            .into_iter()
            .flat_map(|k| self.inner.published(k))
            .map(|(_, p)| p)
            .filter(|p| crate::domain::signatory::fold(&p.name).contains(folded_query))
            .take(limit)
            .collect()
    }

    /// One page of the review queue, newest first: at most `limit` pending
    /// signatures with ids below `before`, of one kind and/or with one flag.
    /// Walks an index, so a page costs the same with 100 or 100,000 pending.
    pub fn pending_page(
        &self,
        kind: Option<Kind>,
        flag: Option<Flag>,
        before: Option<u64>,
        limit: usize,
    ) -> Vec<Record> {
        let (prefix, check_kind) = keys::pending_index(kind, flag);
        let mut end = prefix.clone();
        end.extend_from_slice(&before.unwrap_or(u64::MAX).to_be_bytes());
        self.inner
            .db
            .range(prefix..end)
            .keys()
            .rev()
            .filter_map(|k| k.ok())
            .filter_map(|k| self.inner.record(keys::id_at_end(&k)))
            .filter(|r| !check_kind || kind.is_none_or(|k| r.kind == k))
            .take(limit)
            .collect()
    }

    /// Every pending signature, oldest first (offline `pending`).
    pub fn pending(&self) -> Vec<Record> {
        let mut all = self.pending_page(None, None, None, usize::MAX);
        all.reverse();
        all
    }

    /// One signature, whatever its state.
    pub fn record(&self, id: u64) -> Option<Record> {
        self.inner.record(id)
    }

    /// Other signatures whose names look like this one's (same confusable
    /// skeleton), for the moderator to compare.
    pub fn look_alikes(&self, r: &Record) -> Vec<Record> {
        let (k, d) = writer::skeleton_entry(&r.name);
        let bucket = self.inner.db.get(k).ok().flatten().unwrap_or_default();
        buckets::SKELETONS
            .find(&bucket, &d)
            .map(buckets::id_of)
            .filter(|id| *id != r.id)
            .take(20)
            .filter_map(|id| self.inner.record(id))
            .collect()
    }

    /// The audit list, newest first, `limit` entries before sequence `before`.
    pub fn audit(&self, before: Option<u64>, limit: usize) -> Vec<(u64, AuditEntry)> {
        let end = keys::audit(before.unwrap_or(u64::MAX));
        self.inner
            .db
            .range(vec![keys::AUDIT]..end)
            .rev()
            .filter_map(|e| e.ok())
            .filter_map(|(k, v)| Some((keys::id_at_end(&k), serde_json::from_slice(&v).ok()?)))
            .take(limit)
            .collect()
    }

    /// What the retention purge will remove, and on which day (`None` while
    /// the letter is open or already purged).
    pub fn retention(&self) -> Retention {
        self.inner.retention()
    }

    /// A full backup: every signature (pending included) and the
    /// withdrawal-code hashes.
    pub fn backup(&self) -> Backup {
        let signatures = self
            .inner
            .db
            .scan_prefix([keys::RECORD])
            .values()
            .filter_map(|v| v.ok())
            .filter_map(|v| serde_json::from_slice(&v).ok())
            .collect();
        let w = buckets::WITHDRAWAL;
        let withdrawal_hashes = (self.inner.db.scan_prefix([w.prefix()]).values().filter_map(|v| v.ok()))
            .flat_map(|bucket| {
                w.entries(&bucket)
                    .map(|(hash, id)| (buckets::id_of(id), hash.iter().map(|b| format!("{b:02x}")).collect()))
                    .collect::<Vec<_>>()
            })
            .collect();
        Backup { format: 1, phase: self.phase(), signatures, withdrawal_hashes }
    }
}

/// Whether another process holds sled's lock on its log `file`. sled
/// reports a taken lock as an `ErrorKind::Other` error that keeps the
/// cause only as text, so the lock is tried once more here and its own
/// error kind decides.
fn lock_is_taken(file: &Path) -> bool {
    use fs2::FileExt;
    File::open(file).is_ok_and(|f| f.try_lock_exclusive().is_err_and(|e| e.kind() == ErrorKind::WouldBlock))
}

impl Inner {
    fn writer_is_stopped(&self) -> bool {
        self.writer_stopped.load(Ordering::Acquire)
    }

    /// Marks the writer as dead and tells the operator, once: both the
    /// dying thread and the first caller to find it gone come here.
    fn writer_died(&self) {
        if !self.writer_stopped.swap(true, Ordering::AcqRel) {
            (self.options.notice)(
                "the store's writer stopped: signing and moderation are unavailable until undersign restarts",
            );
        }
    }

    fn sync(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        self.log.0.sync_all()?;
        Ok(())
    }

    fn record(&self, id: u64) -> Option<Record> {
        let bytes = self.db.get(keys::record(id)).ok()??;
        serde_json::from_slice(&bytes).ok()
    }

    /// Published, listed signatures of a kind in page order, with their ids.
    fn published(&self, kind: Kind) -> impl Iterator<Item = (u64, PublicSignatory)> + '_ {
        self.db
            .scan_prefix(keys::published_of(kind))
            .filter_map(|e| e.ok())
            .filter_map(|(k, v)| Some((keys::id_at_end(&k), serde_json::from_slice(&v).ok()?)))
    }

    fn counter(&self, kind: Kind, what: keys::Count) -> u64 {
        self.counter_at(&keys::counter(kind, what))
    }

    fn counter_at(&self, key: &[u8]) -> u64 {
        self.db
            .get(key)
            .ok()
            .flatten()
            .and_then(|v| v.as_ref().try_into().ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0)
    }

    fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for kind in Kind::ALL {
            let i = crate::domain::record::kind_index(kind);
            c.published[i] = self.counter(kind, keys::Count::Published);
            c.listed[i] = self.counter(kind, keys::Count::Listed);
            c.pending[i] = self.counter(kind, keys::Count::Pending);
        }
        c
    }

    fn phase(&self) -> Phase {
        self.db
            .get(keys::PHASE)
            .ok()
            .flatten()
            .and_then(|v| serde_json::from_slice(&v).ok())
            .unwrap_or_default()
    }

    fn retention(&self) -> Retention {
        let (purge_on, purged) = match self.phase() {
            Phase::Closed { day, purged } => (Some(day.plus(self.options.retention_days)), purged),
            _ => (None, false),
        };
        let count = |b: buckets::Buckets| {
            let bytes: usize =
                self.db.scan_prefix([b.prefix()]).values().filter_map(|v| v.ok()).map(|v| v.len()).sum();
            bytes / b.entry_len()
        };
        let unlisted_details = self
            .db
            .scan_prefix([keys::RECORD])
            .values()
            .filter_map(|v| v.ok())
            .filter_map(|v| serde_json::from_slice::<Record>(&v).ok())
            .filter(|r| !r.listed && (r.affiliation.is_some() || r.country.is_some()))
            .count();
        Retention {
            purge_on,
            purged,
            withdrawal_codes: count(buckets::WITHDRAWAL),
            used_tokens: count(buckets::TOKENS),
            unlisted_details,
        }
    }
}

#[cfg(test)]
mod tests;
