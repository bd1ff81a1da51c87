//! The durable store: every signature, which are published and which wait
//! for review, the letter's phase, the moderators' audit list, the used
//! form tokens, the withdrawal-code hashes and the counts, in one SQLite
//! database (`schema` lists its tables). This module owns every invariant
//! over them.
//!
//! All changes go through one writer thread (`writer`). It takes whatever
//! requests are waiting and applies them in one transaction, committed
//! once (group commit); a syncer thread (`durable`) fsyncs the write-ahead
//! log after the commit, and only then is any request answered. A crash never leaves a
//! signature without its index entries or count: it is all one transaction.
//!
//! Readers (pages, exports, the console) use connections of their own from
//! a small pool and see each group once it is committed. Search and page
//! offsets are answered from indexes (`search`, `order`), so neither costs
//! more with a million names than with a thousand. [`Store::generation`]
//! tells the readers when public data changed so cached pages can be
//! rebuilt.
//!
//! Indexes computed by name functions that have changed since are rebuilt
//! at start (`upgrade`).
//!
//! The files, each importing only those below it: this handle; `writer`
//! (the thread and its groups); `durable` (the syncer, and the answers it
//! holds until their group is on disk); `changes` (what each request does) over
//! `tx` (one transaction's steps); `request` (what the handle asks);
//! `shared` (what handles and threads share); `read` (queries on any
//! connection); `upgrade`, `check`; `order` and `search` (the indexes);
//! `proof` (proofs of signature and their checks);
//! `codec` (values as stored), `names` (a name's index entries),
//! `schema`, `error`; `letter` (the letter the data dir belongs to, its
//! versions); `copy`, a consistent copy taken while a server runs.

mod changes;
mod check;
mod codec;
mod copy;
mod durable;
mod error;
mod letter;
mod names;
mod order;
mod proof;
mod read;
mod request;
mod schema;
mod search;
mod shared;
mod tx;
mod upgrade;
mod view;
mod writer;

pub use copy::{copy_online, Copied, DATABASE_FILE};
pub use error::{Damage, SignError, StoreError};
pub use letter::LetterOpen;
pub use proof::{ProofCheck, CHECKER};
pub use request::{Action, Backup, NewSignature, Signed};
pub use shared::Options;

pub use crate::domain::record::{
    AuditAction, AuditEntry, Counts, Day, Phase, PublicSignatory, Record, RejectReason, Retention, Status,
};

use crate::domain::{Flag, Kind, ProofRow, SignatoryName};
use codec::{decode_record, read_phase};
use names::NameEntries;
use read::{counts, find, page, record, walk};
use request::{Reply, Request};
use shared::Inner;
use std::fs::File;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Requests waiting for the writer, at most; senders wait beyond that.
const WRITER_QUEUE: usize = 4096;

/// Handle to the store; cheap to clone, shared by all connections. When
/// the last one is dropped, the writer finishes what it was given and the
/// store is closed, its lock released, before the drop returns.
#[derive(Clone)]
pub struct Store {
    // Fields drop in order: the writer thread is joined first, then the
    // indexer (once it has applied what the writer logged), so that this
    // `inner` is the last one and closes the store.
    writer: Arc<WriterThread>,
    #[allow(dead_code, reason = "only its drop is used: it stops the indexer")]
    indexer: Arc<IndexerThread>,
    inner: Arc<Inner>,
}

/// The search indexer's thread: asked to finish, then joined, on drop.
struct IndexerThread {
    inner: Arc<Inner>,
    #[allow(dead_code, reason = "only its drop is used: it joins the thread")]
    thread: JoinOnDrop,
}

impl Drop for IndexerThread {
    fn drop(&mut self) {
        self.inner.index.close();
    }
}

/// Lives on the indexer thread's stack: if it stops on an error or a
/// panic, searches walk the page order instead, and the operator is told.
struct IndexerWatch<'a>(&'a Inner);

impl IndexerWatch<'_> {
    fn stopped(&self, why: &str) {
        if !self.0.index.stopped.swap(true, Ordering::AcqRel) {
            (self.0.options.notice)(&format!(
                "the search index stopped ({why}): searches are slower until undersign restarts"
            ));
        }
    }
}

impl Drop for IndexerWatch<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.stopped("a bug");
        }
    }
}

/// The writer thread and its queue, one for all handles.
struct WriterThread {
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

/// The name of the lock file in the data dir.
const LOCK_FILE: &str = "lock";

/// Takes the data dir's lock, or says it is in use. The lock (`flock` on
/// Linux) belongs to this open file: it goes when the file is closed, or
/// when the process ends however it ends, so a crash leaves no stale lock.
fn lock(dir: &Path) -> Result<File, StoreError> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(dir.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

impl Store {
    /// Opens (or creates) the store under `dir` and starts its writer
    /// thread. A store that
    /// was not stopped cleanly is checked first, and refused if damaged
    /// (`check`).
    pub fn open(dir: &Path, options: Options) -> Result<Store, StoreError> {
        Store::open_with_letter(dir, options, None)
    }

    /// [`Store::open`], bound to a letter: the configured letter must be
    /// the one in force ([`LetterOpen::Check`]; a new store records it as
    /// version 1), or becomes the next version ([`LetterOpen::Amend`]).
    pub fn open_with_letter(
        dir: &Path,
        options: Options,
        letter: Option<LetterOpen>,
    ) -> Result<Store, StoreError> {
        // Owner only, every dir made here, as the files in it.
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        let lock = lock(dir)?;
        check::present(dir)?;
        if check::stopped_uncleanly(dir) {
            (options.notice)("the store was not stopped cleanly: checking it before serving");
            if let Some(d) = check::log_damage(dir)? {
                (options.notice)(&format!(
                    "the store's write-ahead log ({}-wal) is damaged at frame {}: the {} transactions written from there on are dropped, and the signatures acknowledged in them are lost; the rest is kept",
                    dir.join(schema::FILE).display(),
                    d.frame,
                    d.transactions
                ));
            }
            check::whole(dir)?;
        }
        let c =
            schema::open_writer(dir, options.cache_bytes).map_err(|e| check::damaged_if_corrupt(dir, e))?;
        match schema::meta_int(&c, schema::meta::LAYOUT)? {
            None => schema::set_meta(&c, schema::meta::LAYOUT, schema::LAYOUT)?,
            Some(schema::LAYOUT) => {}
            Some(other) => {
                return Err(StoreError::Corrupt {
                    what: format!("the layout marker ({other}, from a newer version?)"),
                    cause: None,
                })
            }
        }
        upgrade::rebuild_if_name_functions_changed(dir, &c, options)?;
        let letters = match letter {
            Some(open) => letter::bind(&c, open, options.notice)?,
            None => letter::read(&c)?,
        };
        let index = search::Indexer::open(dir, &c, options.notice)?;
        // After a crash the logs may still hold a removal's earlier pages.
        if let Err(e) = schema::checkpoint_truncate(&c).and_then(|()| index.empty_log()) {
            (options.notice)(&format!(
                "the store's write-ahead logs could not be emptied at start ({e}): \
                 they are at the next withdrawal or clean stop"
            ));
        }
        // Make the files' existence durable too, once.
        File::open(dir)?.sync_all()?;
        let inner = Arc::new(Inner {
            dir: dir.to_path_buf(),
            readers: Mutex::new(Vec::new()),
            index,
            generation: AtomicU64::new(1),
            options,
            writer_stopped: AtomicBool::new(false),
            letters,
            lock,
        });
        let indexing = Arc::clone(&inner);
        let thread = std::thread::Builder::new().name("search-index".into()).spawn(move || {
            let inner = indexing;
            let watch = IndexerWatch(&inner);
            if let Err(e) = inner.index.run(&inner.dir, inner.options.notice) {
                watch.stopped(&e.to_string());
            }
        })?;
        let indexer = Arc::new(IndexerThread { inner: Arc::clone(&inner), thread: JoinOnDrop(Some(thread)) });
        let (tx, rx) = mpsc::channel(WRITER_QUEUE);
        let syncer = durable::Syncer::start(Arc::clone(&inner))?;
        let writer = writer::Writer { c, inner: Arc::clone(&inner), syncer };
        let thread = std::thread::Builder::new().name("store-writer".into()).spawn(move || {
            let _watch = WriterWatch(&writer.inner);
            writer.run(rx)
        })?;
        Ok(Store {
            writer: Arc::new(WriterThread { requests: tx, thread: JoinOnDrop(Some(thread)) }),
            indexer,
            inner,
        })
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
        let entries = NameEntries::of(new.submission.kind, &new.submission.name);
        self.ask(|tx| Request::Sign(Box::new((new, entries)), tx), SignError::Stopped).await
    }

    /// Removes the signature a withdrawal code belongs to, for good.
    /// `code_hash` is the key the code is kept under
    /// ([`crate::tokens::Secret::withdrawal_lookup`]: the signature's id
    /// and its hash, or, for a code of the earlier form, its hash alone).
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

    /// Every version of the letter this data dir holds, oldest first (empty
    /// when opened without one, before any was recorded).
    pub fn letter_history(&self) -> &crate::letter::History {
        &self.inner.letters
    }

    /// Bumped each time public data (names, counts, phase) changes.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Published, listed and pending, per kind.
    pub fn counts(&self) -> Counts {
        self.inner.read(counts).unwrap_or_default()
    }

    /// Open, paused or closed.
    pub fn phase(&self) -> Phase {
        self.inner.read(read_phase).unwrap_or_default()
    }

    /// Published, listed signatories of a kind in page order.
    pub fn published(
        &self,
        kind: Kind,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<PublicSignatory>, StoreError> {
        Ok(self.published_records(kind, skip, limit)?.iter().map(PublicSignatory::from).collect())
    }

    /// Whole records of a page of published signatures (the console).
    pub fn published_records(
        &self,
        kind: Kind,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<Record>, StoreError> {
        self.inner.read(|c| page(c, kind, skip as u64, limit))
    }

    /// Published, listed signatures whose folded name contains the folded
    /// query, in page order, at most `limit`.
    pub fn search(&self, folded_query: &str, limit: usize) -> Result<Vec<PublicSignatory>, StoreError> {
        self.inner.read(|c| schema::snapshot(c, || find(c, &self.inner.index, folded_query, limit)))
    }

    /// Calls `visit` with every published, listed signatory, grouped by
    /// kind in page order, from one consistent snapshot.
    pub fn each_published(&self, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), StoreError> {
        self.inner.read(|c| {
            schema::snapshot(c, || {
                walk(c, i64::MIN, &mut |r| {
                    visit(PublicSignatory::from(&r));
                    true
                })
            })
        })
    }

    /// The phase and counts, then every published, listed signatory as
    /// [`Store::each_published`] gives them, all from one read transaction.
    pub fn each_published_with_counts(
        &self,
        head: &mut dyn FnMut(Phase, Counts),
        visit: &mut dyn FnMut(PublicSignatory),
    ) -> Result<(), StoreError> {
        self.inner.read(|c| {
            schema::snapshot(c, || {
                head(read_phase(c)?, counts(c)?);
                walk(c, i64::MIN, &mut |r| {
                    visit(PublicSignatory::from(&r));
                    true
                })
            })
        })
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
        let before = before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
        let limit = limit.min(i64::MAX as usize) as i64;
        self.inner
            .read(|c| {
                let mut out = Vec::new();
                let mut push = |row: &rusqlite::Row| -> Result<bool, StoreError> {
                    if let Some(r) = record(c, row.get::<_, i64>(0)? as u64)? {
                        if kind.is_none_or(|k| r.kind == k) {
                            out.push(r);
                        }
                    }
                    Ok((out.len() as i64) < limit)
                };
                let (sql, key) = match (flag, kind) {
                    (Some(f), _) => (
                        "SELECT id FROM pending_flag WHERE flag = ?1 AND id < ?2 ORDER BY id DESC",
                        i64::from(f.tag()),
                    ),
                    (None, Some(k)) => (
                        "SELECT id FROM pending WHERE kind = ?1 AND id < ?2 ORDER BY kind DESC, id DESC",
                        crate::domain::record::kind_index(k) as i64,
                    ),
                    (None, None) => ("SELECT id FROM pending WHERE ?1 = ?1 AND id < ?2 ORDER BY id DESC", 0),
                };
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query((key, before))?;
                while let Some(row) = rows.next()? {
                    if !push(row)? {
                        break;
                    }
                }
                Ok(out)
            })
            .unwrap_or_default()
    }

    /// Every pending signature, oldest first (offline `pending`).
    pub fn pending(&self) -> Vec<Record> {
        let mut all = self.pending_page(None, None, None, usize::MAX);
        all.reverse();
        all
    }

    /// One signature, whatever its state.
    pub fn record(&self, id: u64) -> Option<Record> {
        self.inner.read(|c| record(c, id)).ok().flatten()
    }

    /// Other signatures whose names look like this one's (same confusable
    /// skeleton), for the moderator to compare.
    pub fn look_alikes(&self, r: &Record) -> Vec<Record> {
        let e = NameEntries::of(r.kind, &r.name);
        let skeleton = crate::domain::flags::skeleton(&r.name);
        self.inner
            .read(|c| {
                let mut stmt =
                    c.prepare_cached("SELECT rec FROM sig WHERE skel = ?1 AND id != ?2 LIMIT 100")?;
                let mut rows = stmt.query((e.skel(), r.id as i64))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let other = decode_record(&row.get::<_, Vec<u8>>(0)?)?;
                    if crate::domain::flags::skeleton(&other.name) == skeleton && out.len() < 20 {
                        out.push(other);
                    }
                }
                Ok(out)
            })
            .unwrap_or_default()
    }

    /// The proof of signature `id`, if it gave a website.
    pub fn proof(&self, id: u64) -> Option<ProofRow> {
        self.inner.read(|c| proof::proof(c, id)).ok().flatten()
    }

    /// At most `limit` proofs of signatures with ids above `after`, in id
    /// order: the checker's rounds, a page at a time.
    pub fn proofs_after(&self, after: u64, limit: usize) -> Result<Vec<ProofRow>, StoreError> {
        self.inner.read(|c| proof::proofs_after(c, after, limit))
    }

    /// The audit list, newest first, `limit` entries before sequence `before`.
    pub fn audit(&self, before: Option<u64>, limit: usize) -> Vec<(u64, AuditEntry)> {
        let before = before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
        self.inner
            .read(|c| {
                let mut stmt = c.prepare_cached(
                    "SELECT seq, entry FROM audit WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
                )?;
                let rows = stmt.query_map((before, limit.min(i64::MAX as usize) as i64), |r| {
                    Ok((r.get::<_, i64>(0)? as u64, r.get::<_, Vec<u8>>(1)?))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (seq, entry) = row?;
                    if let Ok(entry) = serde_json::from_slice(&entry) {
                        out.push((seq, entry));
                    }
                }
                Ok(out)
            })
            .unwrap_or_default()
    }

    /// What the retention purge will remove, and on which day (`None` while
    /// the letter is open or already purged).
    pub fn retention(&self) -> Retention {
        let (purge_on, purged) = match self.phase() {
            Phase::Closed { day, purged } => (Some(day.plus(self.inner.options.retention_days)), purged),
            _ => (None, false),
        };
        let count =
            |sql: &str| self.inner.read(|c| Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))?)).unwrap_or(0);
        Retention {
            purge_on,
            purged,
            withdrawal_codes: count("SELECT count(*) FROM withdrawal") as usize,
            used_tokens: count("SELECT count(*) FROM token") as usize,
            unlisted_details: count("SELECT sum(details) FROM counts") as usize,
        }
    }

    /// A full backup: every signature (pending included) and the
    /// withdrawal-code hashes.
    pub fn backup(&self) -> Result<Backup, StoreError> {
        self.inner.read(|c| {
            schema::snapshot(c, || {
                let mut signatures = Vec::new();
                let mut stmt = c.prepare("SELECT rec FROM sig ORDER BY id")?;
                let mut rows = stmt.query([])?;
                while let Some(row) = rows.next()? {
                    signatures.push(decode_record(&row.get::<_, Vec<u8>>(0)?)?);
                }
                let mut stmt = c.prepare("SELECT id, hash FROM withdrawal ORDER BY id")?;
                let hashes = stmt.query_map([], |r| {
                    let hash: Vec<u8> = r.get(1)?;
                    Ok((r.get::<_, i64>(0)? as u64, hash.iter().map(|b| format!("{b:02x}")).collect()))
                })?;
                let withdrawal_hashes = hashes.collect::<Result<_, _>>()?;
                let phase = read_phase(c)?;
                Ok(Backup { format: 1, phase, signatures, withdrawal_hashes })
            })
        })
    }
}

#[cfg(test)]
mod proof_tests;
#[cfg(test)]
mod tests;
