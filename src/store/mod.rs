//! The durable store: every signature, which are published and which wait
//! for review, the used form tokens, the withdrawal-code hashes and the
//! counts, in one sled tree. This module owns every invariant over them.
//!
//! All changes go through one writer thread. It takes whatever requests are
//! waiting, applies each as one atomic sled batch (so a crash never leaves a
//! signature without its index entries or count), then makes them durable
//! together with one `flush` and one `fsync` (group commit) and only then
//! answers each request. sled 0.34's own `flush` ends in `sync_file_range`,
//! which neither reaches the device cache nor the file's metadata, hence the
//! explicit `fsync` of the log file.
//!
//! Readers (the page renderer, exports) read sled directly; they see a
//! change once the writer has applied it. [`Store::generation`] tells them
//! when the published data changed so cached pages can be rebuilt.
//!
//! Key layout (one byte of prefix, big-endian ids so order is arrival order):
//! `S id` → record; `P kind sortkey 0 id` → published and listed;
//! `Q id` → pending review; `F kind folded 0 id` → duplicate index;
//! `W hash` → id of the signature a withdrawal code removes;
//! `T nonce` → day after which the used token may be forgotten;
//! `C kind what` → counter; `M name` → metadata.

use crate::signatory::{Affiliation, Country, Kind, SignatoryName, Submission};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Requests waiting for the writer, at most; senders wait beyond that.
const WRITER_QUEUE: usize = 4096;
/// Requests applied before one durable flush, at most.
const MAX_GROUP: usize = 1024;

/// A calendar day (UTC), the finest time the store keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Day(pub u32);

impl Day {
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Day((secs / 86_400) as u32)
    }

    /// (year, month, day) of the proleptic Gregorian calendar.
    pub fn ymd(self) -> (i64, u32, u32) {
        // Howard Hinnant's days-to-civil algorithm.
        let z = self.0 as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Published,
    Pending,
}

/// Why a signature waits for a moderator, beyond its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Another signature of the same kind has the same folded name.
    DuplicateName,
}

/// One signature as stored. Holds nothing about the requester and no time
/// finer than the day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub id: u64,
    pub name: SignatoryName,
    pub kind: Kind,
    pub affiliation: Option<Affiliation>,
    pub country: Option<Country>,
    pub listed: bool,
    pub status: Status,
    pub flags: Vec<Flag>,
    pub day: Day,
}

/// What the public may see of a signature: the open-data model that pages,
/// exports and (later) mirrors share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSignatory {
    pub name: String,
    pub kind: Kind,
    pub affiliation: Option<String>,
    pub country: Option<String>,
}

impl From<&Record> for PublicSignatory {
    fn from(r: &Record) -> Self {
        PublicSignatory {
            name: r.name.as_str().to_string(),
            kind: r.kind,
            affiliation: r.affiliation.as_ref().map(|a| a.as_str().to_string()),
            country: r.country.as_ref().map(|c| c.as_str().to_string()),
        }
    }
}

/// Published signatures per kind (listed or not) and how many of them are
/// listed, plus those waiting for review.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub published: [u64; 3],
    pub listed: [u64; 3],
    pub pending: [u64; 3],
}

impl Counts {
    pub fn published(&self, kind: Kind) -> u64 {
        self.published[kind_index(kind)]
    }
    pub fn listed(&self, kind: Kind) -> u64 {
        self.listed[kind_index(kind)]
    }
    pub fn total_published(&self) -> u64 {
        self.published.iter().sum()
    }
    pub fn total_pending(&self) -> u64 {
        self.pending.iter().sum()
    }
}

fn kind_index(kind: Kind) -> usize {
    match kind {
        Kind::Organization => 0,
        Kind::Company => 1,
        Kind::Individual => 2,
    }
}

/// The outcome of a signature the store accepted and made durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    pub id: u64,
    pub status: Status,
    pub listed: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SignError {
    /// The form token was used before: the form was already submitted.
    TokenUsed,
    /// An organisation or company of this name has already signed.
    Duplicate,
    /// Too many signatures wait for review; try later.
    ReviewQueueFull,
    /// The store could not write (disk full, I/O error, shutting down).
    Unavailable,
}

#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError(format!("store: {e}"))
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError(format!("store: {e}"))
    }
}

/// A signing request as the writer sees it: checked input plus the anti-spam
/// facts it must record atomically with the signature.
pub struct NewSignature {
    pub submission: Submission,
    pub needs_review: bool,
    /// The form token's nonce, recorded so the form cannot sign twice.
    pub token_nonce: [u8; 16],
    /// The day after which the token is expired anyway and can be forgotten.
    pub token_forget_after: Day,
    pub withdraw_hash: [u8; 32],
    pub max_pending: u64,
}

enum Request {
    Sign(
        Box<NewSignature>,
        oneshot::Sender<Result<Signed, SignError>>,
    ),
    Withdraw([u8; 32], oneshot::Sender<Result<bool, SignError>>),
}

/// Handle to the store; cheap to clone, shared by all connections.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
    requests: mpsc::Sender<Request>,
}

struct Inner {
    db: sled::Db,
    /// The sled log file, kept open for the fsync after each flush.
    log: File,
    generation: AtomicU64,
}

impl Store {
    /// Opens (or creates) the store under `dir` and starts its writer thread.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let inner = Arc::new(Inner::open(dir)?);
        let (tx, rx) = mpsc::channel(WRITER_QUEUE);
        let writer = Arc::clone(&inner);
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || writer.run(rx))?;
        Ok(Store {
            inner,
            requests: tx,
        })
    }

    /// Records a signature and returns once it is on disk.
    pub async fn sign(&self, new: NewSignature) -> Result<Signed, SignError> {
        let (tx, rx) = oneshot::channel();
        self.requests
            .send(Request::Sign(Box::new(new), tx))
            .await
            .map_err(|_| SignError::Unavailable)?;
        rx.await.unwrap_or(Err(SignError::Unavailable))
    }

    /// Removes the signature a withdrawal code belongs to, for good.
    /// `Ok(false)` when no signature has that code.
    pub async fn withdraw(&self, code_hash: [u8; 32]) -> Result<bool, SignError> {
        let (tx, rx) = oneshot::channel();
        self.requests
            .send(Request::Withdraw(code_hash, tx))
            .await
            .map_err(|_| SignError::Unavailable)?;
        rx.await.unwrap_or(Err(SignError::Unavailable))
    }

    /// Bumped each time published data (names or counts) changes.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    pub fn counts(&self) -> Counts {
        self.inner.counts()
    }

    /// Published, listed signatories of a kind in page order.
    pub fn published(&self, kind: Kind, skip: usize, limit: usize) -> Vec<PublicSignatory> {
        self.inner
            .published(kind)
            .skip(skip)
            .take(limit)
            .map(|r| PublicSignatory::from(&r))
            .collect()
    }

    /// Every published, listed signatory, grouped by kind in page order.
    pub fn all_published(&self) -> Vec<PublicSignatory> {
        Kind::ALL
            .into_iter()
            .flat_map(|k| {
                self.inner
                    .published(k)
                    .map(|r| PublicSignatory::from(&r))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Published, listed signatories whose folded name contains the folded
    /// query, in page order, at most `limit`.
    pub fn search(&self, folded_query: &str, limit: usize) -> Vec<PublicSignatory> {
        Kind::ALL
            .into_iter()
            .flat_map(|k| self.inner.published(k))
            .filter(|r| r.name.folded().contains(folded_query))
            .take(limit)
            .map(|r| PublicSignatory::from(&r))
            .collect()
    }

    /// Signatures waiting for review, oldest first (offline tools).
    pub fn pending(&self) -> Vec<Record> {
        self.inner
            .db
            .scan_prefix([b'Q'])
            .keys()
            .filter_map(|k| k.ok())
            .filter_map(|k| self.inner.record(id_at_end(&k)))
            .collect()
    }

    pub fn record(&self, id: u64) -> Option<Record> {
        self.inner.record(id)
    }

    /// Publishes a pending signature (offline `undersign approve`).
    /// `Ok(false)` when there is no pending signature with that id.
    pub fn approve(&self, id: u64) -> Result<bool, StoreError> {
        let ok = self.inner.approve(id)?;
        self.inner.sync()?;
        Ok(ok)
    }

    /// Imports names as published signatures, once: on an empty store that
    /// has never imported. Returns how many were imported.
    pub fn import_once(&self, lists: &[(Kind, Vec<String>)]) -> Result<usize, StoreError> {
        if self.inner.db.get(b"Mimported")?.is_some() {
            return Ok(0);
        }
        let day = Day::today();
        let mut n = 0;
        for (kind, names) in lists {
            for raw in names {
                let name = SignatoryName::parse(raw)
                    .map_err(|e| StoreError(format!("import: `{raw}`: {e}")))?;
                let folded = name.folded();
                if self.inner.exists_folded(*kind, &folded) {
                    continue; // the same name twice in a list is one signatory
                }
                let mut batch = sled::Batch::default();
                let id = self.inner.next_id(&mut batch)?;
                let record = Record {
                    id,
                    name,
                    kind: *kind,
                    affiliation: None,
                    country: None,
                    listed: true,
                    status: Status::Published,
                    flags: Vec::new(),
                    day,
                };
                self.inner.insert(&mut batch, &record, &folded)?;
                self.inner.db.apply_batch(batch)?;
                n += 1;
            }
        }
        self.inner.db.insert(b"Mimported", &[1u8][..])?;
        self.inner.sync()?;
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
        Ok(n)
    }
}

fn id_at_end(key: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&key[key.len() - 8..]);
    u64::from_be_bytes(b)
}

fn key(prefix: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + parts.iter().map(|p| p.len()).sum::<usize>());
    k.push(prefix);
    for p in parts {
        k.extend_from_slice(p);
    }
    k
}

fn counter_key(kind: Kind, what: u8) -> [u8; 3] {
    [b'C', kind.tag(), what]
}

impl Inner {
    fn open(dir: &Path) -> Result<Inner, StoreError> {
        std::fs::create_dir_all(dir)?;
        let db = sled::Config::new()
            .path(dir)
            // Small boxes: sled's default page cache is 1 GiB.
            .cache_capacity(8 * 1024 * 1024)
            // The writer flushes (and fsyncs) each group itself; sled's timer
            // would only add writes nobody waits for.
            .flush_every_ms(None)
            .open()?;
        let log = File::open(dir.join("db"))?;
        // Make the files' existence durable too, once.
        File::open(dir)?.sync_all()?;
        Ok(Inner {
            db,
            log,
            generation: AtomicU64::new(1),
        })
    }

    fn sync(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        self.log.sync_all()?;
        Ok(())
    }

    fn record(&self, id: u64) -> Option<Record> {
        let bytes = self.db.get(key(b'S', &[&id.to_be_bytes()])).ok()??;
        serde_json::from_slice(&bytes).ok()
    }

    fn published(&self, kind: Kind) -> impl Iterator<Item = Record> + '_ {
        self.db
            .scan_prefix([b'P', kind.tag()])
            .keys()
            .filter_map(|k| k.ok())
            .filter_map(move |k| self.record(id_at_end(&k)))
    }

    fn counter(&self, kind: Kind, what: u8) -> u64 {
        self.db
            .get(counter_key(kind, what))
            .ok()
            .flatten()
            .and_then(|v| v.as_ref().try_into().ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0)
    }

    fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for kind in Kind::ALL {
            let i = kind_index(kind);
            c.published[i] = self.counter(kind, b'p');
            c.listed[i] = self.counter(kind, b'l');
            c.pending[i] = self.counter(kind, b'q');
        }
        c
    }

    /// Adds `delta` to a counter inside `batch`. Only the writer (or an
    /// offline command, with no writer running) calls this, so the read is
    /// not raced.
    fn add(&self, batch: &mut sled::Batch, kind: Kind, what: u8, delta: i64) {
        let v = self.counter(kind, what).saturating_add_signed(delta);
        batch.insert(&counter_key(kind, what)[..], &v.to_be_bytes()[..]);
    }

    fn next_id(&self, batch: &mut sled::Batch) -> Result<u64, StoreError> {
        let next = self
            .db
            .get(b"Mnext_id")?
            .and_then(|v| v.as_ref().try_into().ok())
            .map(u64::from_be_bytes)
            .unwrap_or(1);
        batch.insert(&b"Mnext_id"[..], &(next + 1).to_be_bytes()[..]);
        Ok(next)
    }

    fn exists_folded(&self, kind: Kind, folded: &str) -> bool {
        let prefix = key(b'F', &[&[kind.tag()], folded.as_bytes(), &[0]]);
        self.db.scan_prefix(prefix).next().is_some()
    }

    fn published_key(record: &Record) -> Vec<u8> {
        let sort = record.name.sort_key(record.kind);
        key(
            b'P',
            &[
                &[record.kind.tag()],
                sort.as_bytes(),
                &[0],
                &record.id.to_be_bytes(),
            ],
        )
    }

    /// Writes a new record and its index entries and counts into `batch`.
    fn insert(&self, batch: &mut sled::Batch, r: &Record, folded: &str) -> Result<(), StoreError> {
        let id = r.id.to_be_bytes();
        let json = serde_json::to_vec(r).map_err(|e| StoreError(e.to_string()))?;
        batch.insert(key(b'S', &[&id]), json);
        batch.insert(
            key(b'F', &[&[r.kind.tag()], folded.as_bytes(), &[0], &id]),
            &[][..],
        );
        self.index(batch, r, 1);
        Ok(())
    }

    /// Adds (`delta` 1) or removes (-1) a record's status-dependent entries.
    fn index(&self, batch: &mut sled::Batch, r: &Record, delta: i64) {
        let id = r.id.to_be_bytes();
        match r.status {
            Status::Published => {
                self.add(batch, r.kind, b'p', delta);
                if r.listed {
                    self.add(batch, r.kind, b'l', delta);
                    if delta > 0 {
                        batch.insert(Self::published_key(r), &[][..]);
                    } else {
                        batch.remove(Self::published_key(r));
                    }
                }
            }
            Status::Pending => {
                self.add(batch, r.kind, b'q', delta);
                if delta > 0 {
                    batch.insert(key(b'Q', &[&id]), &[][..]);
                } else {
                    batch.remove(key(b'Q', &[&id]));
                }
            }
        }
    }

    fn sign(&self, new: &NewSignature) -> Result<Signed, SignError> {
        let token_key = key(b'T', &[&new.token_nonce]);
        if self
            .db
            .contains_key(&token_key)
            .map_err(|_| SignError::Unavailable)?
        {
            return Err(SignError::TokenUsed);
        }
        let s = &new.submission;
        let folded = s.name.folded();
        let mut flags = Vec::new();
        if self.exists_folded(s.kind, &folded) {
            if s.kind != Kind::Individual {
                return Err(SignError::Duplicate);
            }
            // People share names: accept, but let a moderator look.
            flags.push(Flag::DuplicateName);
        }
        let status = if new.needs_review || !flags.is_empty() {
            if self.counts().total_pending() >= new.max_pending {
                return Err(SignError::ReviewQueueFull);
            }
            Status::Pending
        } else {
            Status::Published
        };
        let mut batch = sled::Batch::default();
        let id = self
            .next_id(&mut batch)
            .map_err(|_| SignError::Unavailable)?;
        let record = Record {
            id,
            name: s.name.clone(),
            kind: s.kind,
            affiliation: s.affiliation.clone(),
            country: s.country.clone(),
            listed: s.listed,
            status,
            flags,
            day: Day::today(),
        };
        self.insert(&mut batch, &record, &folded)
            .map_err(|_| SignError::Unavailable)?;
        batch.insert(token_key, &new.token_forget_after.0.to_be_bytes()[..]);
        batch.insert(key(b'W', &[&new.withdraw_hash]), &id.to_be_bytes()[..]);
        self.db
            .apply_batch(batch)
            .map_err(|_| SignError::Unavailable)?;
        Ok(Signed {
            id,
            status,
            listed: s.listed,
        })
    }

    fn withdraw(&self, hash: &[u8; 32]) -> Result<bool, SignError> {
        let w = key(b'W', &[hash]);
        let Some(id) = self.db.get(&w).map_err(|_| SignError::Unavailable)? else {
            return Ok(false);
        };
        let id = id_at_end(&id);
        let mut batch = sled::Batch::default();
        batch.remove(w);
        if let Some(r) = self.record(id) {
            let idb = id.to_be_bytes();
            batch.remove(key(b'S', &[&idb]));
            batch.remove(key(
                b'F',
                &[&[r.kind.tag()], r.name.folded().as_bytes(), &[0], &idb],
            ));
            self.index(&mut batch, &r, -1);
        }
        self.db
            .apply_batch(batch)
            .map_err(|_| SignError::Unavailable)?;
        Ok(true)
    }

    fn approve(&self, id: u64) -> Result<bool, StoreError> {
        let Some(mut r) = self.record(id).filter(|r| r.status == Status::Pending) else {
            return Ok(false);
        };
        let mut batch = sled::Batch::default();
        self.index(&mut batch, &r, -1);
        r.status = Status::Published;
        r.flags.clear();
        let json = serde_json::to_vec(&r).map_err(|e| StoreError(e.to_string()))?;
        batch.insert(key(b'S', &[&id.to_be_bytes()]), json);
        // Counters read the tree, not the batch: apply the removal first.
        self.db.apply_batch(batch)?;
        let mut batch = sled::Batch::default();
        self.index(&mut batch, &r, 1);
        self.db.apply_batch(batch)?;
        self.generation.fetch_add(1, Ordering::AcqRel);
        Ok(true)
    }

    /// Forgets used tokens whose forms have expired anyway.
    fn forget_expired_tokens(&self, today: Day) {
        let mut batch = sled::Batch::default();
        for (k, v) in self.db.scan_prefix([b'T']).filter_map(|e| e.ok()) {
            let day = v.as_ref().try_into().map(u32::from_be_bytes).unwrap_or(0);
            if Day(day) < today {
                batch.remove(k);
            }
        }
        let _ = self.db.apply_batch(batch);
    }

    /// The writer loop: take a group, apply it, make it durable, answer it.
    fn run(&self, mut rx: mpsc::Receiver<Request>) {
        let mut tokens_checked = Day(0);
        let mut answers: Vec<Answer> = Vec::with_capacity(MAX_GROUP);
        while let Some(first) = rx.blocking_recv() {
            let mut changed = false;
            let mut next = Some(first);
            while let Some(request) = next.take() {
                let answer = match request {
                    Request::Sign(new, reply) => {
                        let result = self.sign(&new);
                        changed |= result.is_ok();
                        Answer::Sign(result, reply)
                    }
                    Request::Withdraw(hash, reply) => {
                        let result = self.withdraw(&hash);
                        changed |= matches!(result, Ok(true));
                        Answer::Withdraw(result, reply)
                    }
                };
                answers.push(answer);
                if answers.len() < MAX_GROUP {
                    next = rx.try_recv().ok();
                }
            }
            let durable = !changed || self.sync().is_ok();
            if changed && durable {
                self.generation.fetch_add(1, Ordering::AcqRel);
            }
            for answer in answers.drain(..) {
                answer.send(durable);
            }
            let today = Day::today();
            if today != tokens_checked {
                self.forget_expired_tokens(today);
                tokens_checked = today;
            }
        }
        // All senders are gone: the server is shutting down.
        let _ = self.sync();
    }
}

enum Answer {
    Sign(
        Result<Signed, SignError>,
        oneshot::Sender<Result<Signed, SignError>>,
    ),
    Withdraw(
        Result<bool, SignError>,
        oneshot::Sender<Result<bool, SignError>>,
    ),
}

impl Answer {
    /// Answers the request; a write that is not durable is no success.
    fn send(self, durable: bool) {
        match self {
            Answer::Sign(r, tx) => {
                let _ = tx.send(if durable {
                    r
                } else {
                    Err(SignError::Unavailable)
                });
            }
            Answer::Withdraw(r, tx) => {
                let _ = tx.send(if durable {
                    r
                } else {
                    Err(SignError::Unavailable)
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(name: &str, kind: Kind, listed: bool) -> Submission {
        Submission {
            name: SignatoryName::parse(name).unwrap(),
            kind,
            affiliation: None,
            country: None,
            listed,
        }
    }

    fn new_sig(name: &str, kind: Kind, nonce: u8, review: bool) -> NewSignature {
        NewSignature {
            submission: submission(name, kind, true),
            needs_review: review,
            token_nonce: [nonce; 16],
            token_forget_after: Day(u32::MAX),
            withdraw_hash: [nonce; 32],
            max_pending: 10,
        }
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn days_print_as_dates() {
        assert_eq!(Day(0).to_string(), "1970-01-01");
        assert_eq!(Day(20_783).to_string(), "2026-11-26");
        assert_eq!(Day(11_016).to_string(), "2000-02-29");
    }

    #[test]
    fn sign_publish_count_and_withdraw() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        rt().block_on(async {
            let s = store
                .sign(new_sig("Ada Lovelace", Kind::Individual, 1, false))
                .await
                .unwrap();
            assert_eq!(s.status, Status::Published);
            assert_eq!(store.counts().published(Kind::Individual), 1);
            assert_eq!(
                store.published(Kind::Individual, 0, 10)[0].name,
                "Ada Lovelace"
            );
            assert!(store.withdraw([1; 32]).await.unwrap());
            assert!(!store.withdraw([1; 32]).await.unwrap());
            assert_eq!(store.counts(), Counts::default());
            assert!(store.published(Kind::Individual, 0, 10).is_empty());
        });
    }

    #[test]
    fn a_token_signs_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        rt().block_on(async {
            store
                .sign(new_sig("A B", Kind::Individual, 7, false))
                .await
                .unwrap();
            let again = store.sign(new_sig("C D", Kind::Individual, 7, false)).await;
            assert_eq!(again, Err(SignError::TokenUsed));
        });
    }

    #[test]
    fn duplicates_organisations_refused_individuals_held() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        rt().block_on(async {
            store
                .sign(new_sig("Access Now", Kind::Organization, 1, true))
                .await
                .unwrap();
            let dup = store
                .sign(new_sig("ACCESS  now", Kind::Organization, 2, true))
                .await;
            assert_eq!(dup, Err(SignError::Duplicate));
            store
                .sign(new_sig("Jo Doe", Kind::Individual, 3, false))
                .await
                .unwrap();
            let twin = store
                .sign(new_sig("Jo Doe", Kind::Individual, 4, false))
                .await
                .unwrap();
            assert_eq!(twin.status, Status::Pending);
            assert_eq!(
                store.record(twin.id).unwrap().flags,
                vec![Flag::DuplicateName]
            );
        });
    }

    #[test]
    fn pending_cap_refuses_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        rt().block_on(async {
            for i in 0..10u8 {
                let name = format!("Org {}", (b'a' + i) as char);
                store
                    .sign(new_sig(&name, Kind::Organization, i, true))
                    .await
                    .unwrap();
            }
            let full = store
                .sign(new_sig("Org z", Kind::Organization, 99, true))
                .await;
            assert_eq!(full, Err(SignError::ReviewQueueFull));
            // Individuals published at once are not held back by the queue.
            store
                .sign(new_sig("Al Bo", Kind::Individual, 100, false))
                .await
                .unwrap();
        });
    }

    #[test]
    fn approve_moves_pending_to_published_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let store = Store::open(dir.path()).unwrap();
            let s = rt()
                .block_on(store.sign(new_sig("Hivos", Kind::Organization, 1, true)))
                .unwrap();
            assert_eq!(store.counts().pending(Kind::Organization), 1);
            assert!(store.published(Kind::Organization, 0, 5).is_empty());
            assert!(store.approve(s.id).unwrap());
            assert!(!store.approve(s.id).unwrap());
            s.id
        };
        // The writer thread still holds the db until its channel closes.
        std::thread::sleep(std::time::Duration::from_millis(100));
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.record(id).unwrap().status, Status::Published);
        assert_eq!(store.counts().published(Kind::Organization), 1);
        assert_eq!(store.counts().pending(Kind::Organization), 0);
    }

    #[test]
    fn import_happens_once_and_keeps_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let lists = crate::letter::Content::embedded().signatories;
        assert_eq!(store.import_once(&lists).unwrap(), 322);
        assert_eq!(store.import_once(&lists).unwrap(), 0);
        let c = store.counts();
        assert_eq!(
            (c.published(Kind::Organization), c.published(Kind::Company)),
            (203, 32)
        );
        let first = store.published(Kind::Organization, 0, 2);
        assert_eq!(first[0].name, "18MillionRising.org");
        assert_eq!(store.search("amnesty", 10).len(), 2);
    }

    impl Counts {
        fn pending(&self, kind: Kind) -> u64 {
            self.pending[kind_index(kind)]
        }
    }
}
