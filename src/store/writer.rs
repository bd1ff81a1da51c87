//! The writer thread: the only code that changes the store. A group of
//! waiting requests becomes one [`Change`] (a sled batch, an overlay through
//! which each request reads what the earlier ones wrote, and counter deltas),
//! applied as one atomic batch, then flushed and fsynced once before any of
//! them is answered. One batch per group matters: sled 0.34 writes out its
//! log buffer at the start of every batch.

use super::buckets::{self, Buckets, FOLDED, SKELETONS, TOKENS, WITHDRAWAL};
use super::keys::{self, Count};
use super::*;
use crate::domain::flags;
use std::collections::{BTreeMap, HashMap};

/// The key layout this version writes ([`keys::LAYOUT`]).
const LAYOUT_VERSION: u8 = 2;

/// Items per batch when upgrading the layout.
const UPGRADE_CHUNK: usize = 2_000;

/// Requests applied before one durable flush, at most. Every client in a
/// group waits for the whole group. Taking all that was queued (up to 1024)
/// made 64 busy clients move as one wave: the connection threads idled while
/// the writer applied some 60 signatures (about 8 ms), then the writer idled
/// while they answered. With 32, one part of the clients is answered and
/// comes back while the next part is applied: +22–26 % durable signatures/s
/// in `bench/signing.sh` (medians 3,559 and 3,777 against 2,905 and 2,993),
/// lower median latency; 16 to 48 did about as well, 64 as badly as 1024.
/// On a disk with slow fsyncs (10 ms) it still allows 3,200 signatures/s.
const MAX_GROUP: usize = 32;

/// One atomic change: the batch to apply, the same writes as an overlay
/// for reads before it is applied (`None` = removed), and counters as
/// deltas so that removing and re-adding a record counts right.
#[derive(Default)]
struct Change {
    /// Every write, in key order; the batch is made from it when applied.
    overlay: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// What the group has read from sled: only the writer changes sled, so
    /// a value read once stays true until the change is applied.
    reads: std::cell::RefCell<HashMap<Vec<u8>, Option<Vec<u8>>>>,
    counters: HashMap<[u8; 3], i64>,
    /// The change touches what the public sees (pages must be rebuilt).
    public: bool,
}

impl Change {
    fn count(&mut self, kind: Kind, what: Count, delta: i64) {
        *self.counters.entry(keys::counter(kind, what)).or_default() += delta;
    }

    fn put(&mut self, k: Vec<u8>, v: &[u8]) {
        self.overlay.insert(k, Some(v.to_vec()));
    }

    fn del(&mut self, k: Vec<u8>) {
        self.overlay.insert(k, None);
    }

    /// How many writes so far: a failed request that wrote spoils the group.
    fn writes(&self) -> usize {
        self.overlay.len()
    }
}

/// Where a name's entry goes in the duplicate index: per kind and folded
/// name (case, diacritics and white space do not count).
fn folded_entry(kind: Kind, name: &SignatoryName) -> (Vec<u8>, [u8; 16]) {
    let d = buckets::digest(&name.folded());
    (FOLDED.key(&[kind.tag()], &d), d)
}

/// Where a name's entry goes in the look-alike index.
pub(super) fn skeleton_entry(name: &SignatoryName) -> (Vec<u8>, [u8; 16]) {
    let d = buckets::digest(&flags::skeleton(name));
    (SKELETONS.key(&[], &d), d)
}

/// What the store works out from a name alone, once per signature and on
/// the connection's thread rather than the writer's (the writer is the one
/// thread every signature queues for): its bucket keys and digests in the
/// duplicate and look-alike indexes (folding, the UTS #39 skeleton, two
/// SHA-256s), its sort key in the published order, and its own flags.
pub(super) struct NameEntries {
    folded: (Vec<u8>, [u8; 16]),
    skeleton: (Vec<u8>, [u8; 16]),
    sort_key: String,
    intrinsic: Vec<Flag>,
}

impl NameEntries {
    pub(super) fn of(kind: Kind, name: &SignatoryName) -> NameEntries {
        NameEntries {
            folded: folded_entry(kind, name),
            skeleton: skeleton_entry(name),
            sort_key: name.sort_key(kind),
            intrinsic: flags::intrinsic(name),
        }
    }
}

/// A used form token, scoped by the day after which it can be forgotten
/// (so expired ones are one range).
fn token_entry(forget_after: Day, nonce: &[u8; 16]) -> Vec<u8> {
    TOKENS.key(&forget_after.0.to_be_bytes(), nonce)
}

#[allow(clippy::expect_used, reason = "the store's types are plain data with string keys")]
fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store types serialise")
}

impl Inner {
    fn apply(&self, change: Change) -> Result<bool, StoreError> {
        let mut batch = sled::Batch::default();
        for (k, v) in change.overlay {
            match v {
                Some(v) => batch.insert(k, v),
                None => batch.remove(k),
            }
        }
        for (k, delta) in change.counters {
            let value = self.counter_at(&k).saturating_add_signed(delta);
            batch.insert(&k[..], &value.to_be_bytes()[..]);
        }
        self.db.apply_batch(batch)?;
        Ok(change.public)
    }

    /// Reads a key as the change would leave it.
    fn get_in(&self, c: &Change, k: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(v) = c.overlay.get(k) {
            return Ok(v.clone());
        }
        if let Some(v) = c.reads.borrow().get(k) {
            return Ok(v.clone());
        }
        let v = self.db.get(k)?.map(|v| v.to_vec());
        c.reads.borrow_mut().insert(k.to_vec(), v.clone());
        Ok(v)
    }

    fn has_prefix(&self, c: &Change, prefix: Vec<u8>) -> bool {
        let written = c.overlay.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix));
        let mut removed = Vec::new();
        for (k, v) in written {
            match v {
                Some(_) => return true,
                None => removed.push(k),
            }
        }
        self.db.scan_prefix(&prefix).keys().filter_map(|k| k.ok()).any(|k| !removed.contains(&&k.to_vec()))
    }

    /// The payloads of the entries matching `matched` in a bucket.
    fn bucket_find(&self, c: &Change, b: Buckets, k: &[u8], matched: &[u8]) -> Result<Vec<u64>, StoreError> {
        let bucket = self.get_in(c, k)?.unwrap_or_default();
        Ok(b.find(&bucket, matched).map(buckets::id_of).collect())
    }

    fn bucket_add(
        &self,
        c: &mut Change,
        b: Buckets,
        k: Vec<u8>,
        matched: &[u8],
        payload: &[u8],
    ) -> Result<(), StoreError> {
        let bucket = self.get_in(c, &k)?;
        c.overlay.insert(k, Some(b.with(bucket, matched, payload)));
        Ok(())
    }

    fn bucket_remove(
        &self,
        c: &mut Change,
        b: Buckets,
        k: Vec<u8>,
        matched: &[u8],
        payload: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        let Some(bucket) = self.get_in(c, &k)? else { return Ok(()) };
        match b.without(&bucket, matched, payload) {
            rest if rest.is_empty() => c.del(k),
            rest => drop(c.overlay.insert(k, Some(rest))),
        }
        Ok(())
    }

    /// Adds or removes a record's entries in the name indexes (only the two
    /// digests: removals and the layout upgrade need no sort key or flags).
    fn index_name(&self, c: &mut Change, r: &Record, add: bool) -> Result<(), StoreError> {
        self.index_digests(c, r.id, [&folded_entry(r.kind, &r.name), &skeleton_entry(&r.name)], add)
    }

    fn index_digests(
        &self,
        c: &mut Change,
        id: u64,
        [folded, skeleton]: [&(Vec<u8>, [u8; 16]); 2],
        add: bool,
    ) -> Result<(), StoreError> {
        let id = id.to_be_bytes();
        for (b, (k, d)) in [(FOLDED, folded), (SKELETONS, skeleton)] {
            if add {
                self.bucket_add(c, b, k.clone(), d, &id)?;
            } else {
                self.bucket_remove(c, b, k.clone(), d, Some(&id))?;
            }
        }
        Ok(())
    }

    fn record_in(&self, c: &Change, id: u64) -> Option<Record> {
        let bytes = self.get_in(c, &keys::record(id)).ok()??;
        serde_json::from_slice(&bytes).ok()
    }

    fn phase_in(&self, c: &Change) -> Phase {
        self.get_in(c, keys::PHASE)
            .ok()
            .flatten()
            .and_then(|v| serde_json::from_slice(&v).ok())
            .unwrap_or_default()
    }

    fn pending_in(&self, c: &Change) -> u64 {
        Kind::ALL
            .into_iter()
            .map(|k| {
                let delta = c.counters.get(&keys::counter(k, Count::Pending)).copied().unwrap_or(0);
                self.counter(k, Count::Pending).saturating_add_signed(delta)
            })
            .sum()
    }

    fn next_seq(&self, change: &mut Change, name: &[u8]) -> Result<u64, StoreError> {
        // Only the writer takes numbers, one change at a time: no race.
        let next = self
            .get_in(change, name)?
            .and_then(|v| v.as_slice().try_into().ok())
            .map(u64::from_be_bytes)
            .unwrap_or(1);
        change.put(name.to_vec(), &(next + 1).to_be_bytes());
        Ok(next)
    }

    /// Writes a record with all its index entries and counts.
    fn add(&self, c: &mut Change, r: &Record) -> Result<(), StoreError> {
        self.add_with(c, r, NameEntries::of(r.kind, &r.name))
    }

    /// [`Inner::add`] with the name's entries already worked out.
    fn add_with(&self, c: &mut Change, r: &Record, entries: NameEntries) -> Result<(), StoreError> {
        c.put(keys::record(r.id), &json(r));
        self.index_digests(c, r.id, [&entries.folded, &entries.skeleton], true)?;
        match r.status {
            Status::Published => {
                c.count(r.kind, Count::Published, 1);
                if r.listed {
                    c.count(r.kind, Count::Listed, 1);
                    // The public fields ride in the index, so pages and
                    // exports read one entry per name.
                    c.put(keys::published(r.kind, &entries.sort_key, r.id), &json(&PublicSignatory::from(r)));
                }
                c.public = true;
            }
            Status::Pending => {
                c.count(r.kind, Count::Pending, 1);
                c.put(keys::pending(r.id), &[]);
                c.put(keys::pending_by_kind(r.kind, r.id), &[]);
                for f in &r.flags {
                    c.put(keys::pending_by_flag(*f, r.id), &[]);
                }
                // The page shows how many await review.
                c.public = true;
            }
        }
        Ok(())
    }

    /// Removes a record and all its index entries and counts.
    fn remove(&self, c: &mut Change, r: &Record) -> Result<(), StoreError> {
        c.del(keys::record(r.id));
        self.index_name(c, r, false)?;
        match r.status {
            Status::Published => {
                c.count(r.kind, Count::Published, -1);
                if r.listed {
                    c.count(r.kind, Count::Listed, -1);
                    c.del(keys::published(r.kind, &r.name.sort_key(r.kind), r.id));
                }
            }
            Status::Pending => {
                c.count(r.kind, Count::Pending, -1);
                c.del(keys::pending(r.id));
                c.del(keys::pending_by_kind(r.kind, r.id));
                for f in &r.flags {
                    c.del(keys::pending_by_flag(*f, r.id));
                }
            }
        }
        c.public = true;
        Ok(())
    }

    /// Flags for a name arriving now, against the names already here.
    fn flags_for(&self, c: &Change, e: &NameEntries) -> Result<(bool, Vec<Flag>), StoreError> {
        let duplicate = !self.bucket_find(c, FOLDED, &e.folded.0, &e.folded.1)?.is_empty();
        let mut flags = Vec::new();
        if duplicate {
            flags.push(Flag::DuplicateName);
        } else if !self.bucket_find(c, SKELETONS, &e.skeleton.0, &e.skeleton.1)?.is_empty() {
            flags.push(Flag::LookAlike);
        }
        flags.extend_from_slice(&e.intrinsic);
        Ok((duplicate, flags))
    }

    /// Checks and records a signature into the group's change; every check
    /// comes before the first write.
    fn sign(
        &self,
        change: &mut Change,
        new: &NewSignature,
        entries: NameEntries,
    ) -> Result<Signed, SignError> {
        match self.phase_in(change) {
            Phase::Open => {}
            Phase::Paused => return Err(SignError::Paused),
            Phase::Closed { .. } => return Err(SignError::Closed),
        }
        let token_key = token_entry(new.token_forget_after, &new.token_nonce);
        let used = self.bucket_find(change, TOKENS, &token_key, &new.token_nonce);
        if !used.map_err(|_| SignError::Unavailable)?.is_empty() {
            return Err(SignError::TokenUsed);
        }
        let s = &new.submission;
        let (duplicate, flags) = self.flags_for(change, &entries).map_err(|_| SignError::Unavailable)?;
        if duplicate && s.kind != Kind::Individual {
            return Err(SignError::Duplicate);
        }
        // People share names, and any flag deserves a look: hold for review.
        let status = if new.needs_review || !flags.is_empty() {
            if self.pending_in(change) >= new.max_pending {
                return Err(SignError::ReviewQueueFull);
            }
            Status::Pending
        } else {
            Status::Published
        };
        let id = self.next_seq(change, keys::NEXT_ID).map_err(|_| SignError::Unavailable)?;
        let record = Record {
            id,
            name: s.name.clone(),
            kind: s.kind,
            affiliation: s.affiliation.clone(),
            country: s.country.clone(),
            listed: s.listed,
            status,
            flags,
            verified: false,
            day: Day::today(),
        };
        self.add_with(change, &record, entries).map_err(|_| SignError::Unavailable)?;
        let hash = &new.withdraw_hash;
        (self.bucket_add(change, TOKENS, token_key, &new.token_nonce, &[]))
            .and_then(|()| {
                self.bucket_add(change, WITHDRAWAL, WITHDRAWAL.key(&[], hash), hash, &id.to_be_bytes())
            })
            .map_err(|_| SignError::Unavailable)?;
        Ok(Signed { id, status, listed: s.listed })
    }

    fn withdraw(&self, change: &mut Change, hash: &[u8; 32]) -> Result<bool, SignError> {
        let k = WITHDRAWAL.key(&[], hash);
        let ids = self.bucket_find(change, WITHDRAWAL, &k, hash).map_err(|_| SignError::Unavailable)?;
        let Some(&id) = ids.first() else { return Ok(false) };
        let record = self.record_in(change, id);
        let removed = self.bucket_remove(change, WITHDRAWAL, k, hash, None);
        let removed = removed.and_then(|()| record.map_or(Ok(()), |r| self.remove(change, &r)));
        removed.map_err(|_| SignError::Unavailable)?;
        Ok(true)
    }

    fn audit(
        &self,
        c: &mut Change,
        moderator: &str,
        action: AuditAction,
        r: Option<&Record>,
    ) -> Result<(), StoreError> {
        let seq = self.next_seq(c, keys::AUDIT_SEQ)?;
        let entry = AuditEntry {
            day: Day::today(),
            moderator: moderator.to_string(),
            action,
            signature: r.map(|r| r.id),
            name: r.map(|r| r.name.as_str().to_string()),
        };
        c.put(keys::audit(seq), &json(&entry));
        Ok(())
    }

    /// Replaces a record: old entries out, new ones in, in one change.
    fn replace(&self, c: &mut Change, old: &Record, new: &Record) -> Result<(), StoreError> {
        self.remove(c, old)?;
        self.add(c, new)
    }

    /// The records of `ids` that wait for review; other ids are skipped.
    fn pending_records(&self, c: &Change, ids: Vec<u64>) -> Vec<Record> {
        ids.into_iter()
            .filter_map(|id| self.record_in(c, id))
            .filter(|r| r.status == Status::Pending)
            .collect()
    }

    fn moderate(&self, c: &mut Change, moderator: &str, action: Action) -> Result<usize, StoreError> {
        let mut changed = 0;
        match action {
            Action::Approve(ids) => {
                for r in self.pending_records(c, ids) {
                    let new = Record { status: Status::Published, flags: Vec::new(), ..r.clone() };
                    self.replace(c, &r, &new)?;
                    self.audit(c, moderator, AuditAction::Approved, Some(&r))?;
                    changed += 1;
                }
            }
            Action::Reject(ids, reason) => {
                for r in self.pending_records(c, ids) {
                    self.remove(c, &r)?;
                    self.audit(c, moderator, AuditAction::Rejected(reason), Some(&r))?;
                    changed += 1;
                }
            }
            Action::Edit { id, name, affiliation } => {
                if let Some(r) = self.record_in(c, id) {
                    let new = Record { name, affiliation, ..r.clone() };
                    self.replace(c, &r, &new)?;
                    let previous = r.name.as_str().to_string();
                    self.audit(c, moderator, AuditAction::Edited { previous }, Some(&new))?;
                    changed += 1;
                }
            }
            Action::Verify { id, verified } => {
                if let Some(r) =
                    self.record_in(c, id).filter(|r| r.kind != Kind::Individual && r.verified != verified)
                {
                    let new = Record { verified, ..r.clone() };
                    self.replace(c, &r, &new)?;
                    let action = if verified { AuditAction::Verified } else { AuditAction::Unverified };
                    self.audit(c, moderator, action, Some(&r))?;
                    changed += 1;
                }
            }
            Action::Unpublish(id) => {
                if let Some(r) = self.record_in(c, id).filter(|r| r.status == Status::Published) {
                    let new = Record { status: Status::Pending, ..r.clone() };
                    self.replace(c, &r, &new)?;
                    self.audit(c, moderator, AuditAction::Unpublished, Some(&r))?;
                    changed += 1;
                }
            }
            Action::Delete(id) => {
                if let Some(r) = self.record_in(c, id) {
                    self.remove(c, &r)?;
                    self.audit(c, moderator, AuditAction::Deleted, Some(&r))?;
                    changed += 1;
                }
            }
            Action::SetPhase(phase) => {
                let phase = match phase {
                    // Closing keeps the first closing day.
                    Phase::Closed { .. } => match self.phase_in(c) {
                        closed @ Phase::Closed { .. } => closed,
                        _ => Phase::Closed { day: Day::today(), purged: false },
                    },
                    other => other,
                };
                if phase != self.phase_in(c) {
                    c.put(keys::PHASE.to_vec(), &json(&phase));
                    let what = match phase {
                        Phase::Open => AuditAction::SigningOpened,
                        Phase::Paused => AuditAction::SigningPaused,
                        Phase::Closed { .. } => AuditAction::LetterClosed,
                    };
                    self.audit(c, moderator, what, None)?;
                    c.public = true;
                    changed = 1;
                }
            }
            Action::ImportNames(kind, names) => changed = self.import_names(c, moderator, kind, names)?,
            Action::ImportFirstStart(lists) => {
                if self.get_in(c, keys::IMPORTED)?.is_none() {
                    for (kind, names) in lists {
                        changed += self.import_names(c, moderator, kind, names)?;
                    }
                    c.put(keys::IMPORTED.to_vec(), &[1]);
                }
            }
        }
        Ok(changed)
    }

    /// Publishes names, skipping those already signed under the same kind.
    fn import_names(
        &self,
        c: &mut Change,
        moderator: &str,
        kind: Kind,
        names: Vec<SignatoryName>,
    ) -> Result<usize, StoreError> {
        let mut imported = 0;
        for name in names {
            let (k, d) = folded_entry(kind, &name);
            if !self.bucket_find(c, FOLDED, &k, &d)?.is_empty() {
                continue; // already here: one signatory, not two
            }
            let id = self.next_seq(c, keys::NEXT_ID)?;
            let record = Record::imported(id, name, kind, Day::today());
            self.add(c, &record)?;
            imported += 1;
        }
        if imported > 0 {
            self.audit(c, moderator, AuditAction::Imported { count: imported, kind }, None)?;
        }
        Ok(imported)
    }

    fn restore(&self, c: &mut Change, backup: Backup) -> Result<usize, StoreError> {
        if self.has_prefix(c, vec![keys::RECORD]) {
            return Err(StoreError::NotEmpty);
        }
        let mut max_id = 0;
        for r in &backup.signatures {
            self.add(c, r)?;
            max_id = max_id.max(r.id);
        }
        for (id, hex) in &backup.withdrawal_hashes {
            let bytes: Option<Vec<u8>> =
                (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
            match bytes {
                Some(b) if b.len() == 32 => {
                    self.bucket_add(c, WITHDRAWAL, WITHDRAWAL.key(&[], &b), &b, &id.to_be_bytes())?
                }
                _ => return Err(StoreError::BadBackup(format!("bad withdrawal hash for {id}"))),
            }
        }
        c.put(keys::NEXT_ID.to_vec(), &(max_id + 1).to_be_bytes());
        c.put(keys::PHASE.to_vec(), &json(&backup.phase));
        c.put(keys::IMPORTED.to_vec(), &[1]);
        Ok(backup.signatures.len())
    }

    /// After the retention period of a closed letter: forget what is no
    /// longer needed — unlisted signers' details, withdrawal codes, tokens.
    pub(super) fn purge_if_due(&self, today: Day) -> Result<bool, StoreError> {
        let Phase::Closed { day, purged: false } = self.phase() else { return Ok(false) };
        if today < day.plus(self.options.retention_days) {
            return Ok(false);
        }
        let mut c = Change::default();
        for prefix in [WITHDRAWAL.prefix(), TOKENS.prefix()] {
            for k in self.db.scan_prefix([prefix]).keys().filter_map(|k| k.ok()) {
                c.del(k.to_vec());
            }
        }
        for v in self.db.scan_prefix([keys::RECORD]).values().filter_map(|v| v.ok()) {
            let Ok(r) = serde_json::from_slice::<Record>(&v) else { continue };
            if !r.listed && (r.affiliation.is_some() || r.country.is_some()) {
                let new = Record { affiliation: None, country: None, ..r };
                c.put(keys::record(new.id), &json(&new));
            }
        }
        c.put(keys::PHASE.to_vec(), &json(&Phase::Closed { day, purged: true }));
        self.audit(&mut c, "retention", AuditAction::Purged, None)?;
        self.apply(c)?;
        Ok(true)
    }

    /// Forgets used tokens whose forms have expired anyway: they sort by
    /// that day, so they are the first `T` keys.
    fn forget_expired_tokens(&self, today: Day) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for k in
            self.db.range(vec![TOKENS.prefix()]..keys::tokens_before(today)).keys().filter_map(|k| k.ok())
        {
            batch.remove(k);
        }
        self.db.apply_batch(batch)?;
        Ok(())
    }

    /// Brings a store written by an earlier version to the current key
    /// layout, once, before the writer starts. Layout 1 kept one key per
    /// entry in the `F`, `K`, `W` and `T` indexes (see `buckets`).
    ///
    /// It works in batches of [`UPGRADE_CHUNK`] (one batch for a whole store
    /// of 100,000 signatures took 18 s and 2.4 GB), and a crash part way
    /// loses nothing: `F` and `K` are derived from the records, so they are
    /// dropped and rebuilt from scratch on every attempt; each old `W` and
    /// `T` key leaves in the same batch that adds its bucket entry; and
    /// `Mlayout` is written last.
    pub(super) fn upgrade_layout(&self) -> Result<(), StoreError> {
        if self.db.get(keys::LAYOUT)?.as_deref() == Some(&[LAYOUT_VERSION][..]) {
            return Ok(());
        }
        if self.db.scan_prefix([keys::RECORD]).next().is_some() {
            (self.options.notice)(
                "upgrading the store to this version's layout, once (about 13 s per 100,000 signatures)",
            );
        }
        for prefix in [FOLDED.prefix(), SKELETONS.prefix()] {
            self.upgrade_in_chunks(self.db.scan_prefix([prefix]).keys(), |c, k| {
                c.del(k.to_vec());
                Ok(())
            })?;
        }
        // Bucket keys are shorter than the old keys: only old ones match.
        let entries = |prefix: u8| {
            self.db.scan_prefix([prefix]).filter(|e| e.as_ref().map_or(true, |(k, _)| k.len() > 8))
        };
        self.upgrade_in_chunks(entries(TOKENS.prefix()), |c, (k, day)| {
            let (Ok(nonce), Ok(day)) = (<[u8; 16]>::try_from(&k[1..]), <[u8; 4]>::try_from(&day[..])) else {
                return Ok(());
            };
            c.del(k.to_vec());
            self.bucket_add(c, TOKENS, token_entry(Day(u32::from_be_bytes(day)), &nonce), &nonce, &[])
        })?;
        self.upgrade_in_chunks(entries(WITHDRAWAL.prefix()), |c, (k, id)| {
            let Ok(hash) = <[u8; 32]>::try_from(&k[1..]) else { return Ok(()) };
            c.del(k.to_vec());
            self.bucket_add(c, WITHDRAWAL, WITHDRAWAL.key(&[], &hash), &hash, &id)
        })?;
        self.upgrade_in_chunks(self.db.scan_prefix([keys::RECORD]).values(), |c, v| {
            let r: Record = serde_json::from_slice(&v)
                .map_err(|e| StoreError::Corrupt(format!("a signature record ({e})")))?;
            self.index_name(c, &r, true)
        })?;
        self.db.insert(keys::LAYOUT, &[LAYOUT_VERSION])?;
        self.sync()
    }

    /// Applies `step` to every item, one batch per [`UPGRADE_CHUNK`] items.
    fn upgrade_in_chunks<T>(
        &self,
        items: impl Iterator<Item = sled::Result<T>>,
        mut step: impl FnMut(&mut Change, T) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut c = Change::default();
        for (i, item) in items.enumerate() {
            step(&mut c, item?)?;
            if (i + 1) % UPGRADE_CHUNK == 0 {
                self.apply(std::mem::take(&mut c))?;
            }
        }
        self.apply(c)?;
        Ok(())
    }

    /// Daily housekeeping, made durable by the next group's sync.
    fn daily(&self, today: Day) {
        let _ = self.forget_expired_tokens(today);
        if let Ok(true) = self.purge_if_due(today) {
            let _ = self.sync();
        }
    }

    /// The writer loop: take a group, apply it, make it durable, answer it.
    pub(super) fn run(&self, mut rx: mpsc::Receiver<Request>) {
        let mut last_daily = Day(0);
        let mut answers: Vec<Answer> = Vec::with_capacity(MAX_GROUP);
        loop {
            let today = Day::today();
            if today != last_daily {
                self.daily(today);
                last_daily = today;
            }
            let first = match rx.blocking_recv() {
                Some(r) => r,
                None => break, // every handle is gone
            };
            let mut group = Change::default();
            let mut spoiled = false;
            let mut next = Some(first);
            while let Some(request) = next.take() {
                let before = group.writes();
                let answer = self.answer(&mut group, request);
                // An I/O error after some writes leaves the overlay half done.
                spoiled |= answer.is_store_error() && group.writes() != before;
                answers.push(answer);
                if answers.len() < MAX_GROUP {
                    next = rx.try_recv().ok();
                }
            }
            let wrote = group.writes() > 0;
            let durable = !spoiled
                && (!wrote
                    || self.apply(group).is_ok_and(|public| {
                        let synced = self.sync().is_ok();
                        if public && synced {
                            self.generation.fetch_add(1, Ordering::AcqRel);
                        }
                        synced
                    }));
            for answer in answers.drain(..) {
                if durable {
                    answer.send()
                } else {
                    answer.fail()
                }
            }
        }
        let _ = self.sync();
    }

    /// Works out a request's answer, writing what it changes into the group.
    fn answer(&self, group: &mut Change, request: Request) -> Answer {
        match request {
            Request::Sign(new, tx) => {
                let (new, entries) = *new;
                Answer::Sign(self.sign(group, &new, entries), tx)
            }
            Request::Withdraw(hash, tx) => Answer::Withdraw(self.withdraw(group, &hash), tx),
            Request::Moderate(who, action, tx) => Answer::Count(self.moderate(group, &who, action), tx),
            Request::Restore(backup, tx) => Answer::Count(self.restore(group, *backup), tx),
            #[cfg(test)]
            Request::Crash => panic!("a test crashes the writer"),
        }
    }
}

/// A request's answer, held until its group is durable.
enum Answer {
    Sign(Result<Signed, SignError>, Reply<Signed, SignError>),
    Withdraw(Result<bool, SignError>, Reply<bool, SignError>),
    Count(Result<usize, StoreError>, Reply<usize, StoreError>),
}

impl Answer {
    fn is_store_error(&self) -> bool {
        matches!(
            self,
            Answer::Count(Err(_), _)
                | Answer::Sign(Err(SignError::Unavailable), _)
                | Answer::Withdraw(Err(SignError::Unavailable), _)
        )
    }

    fn send(self) {
        match self {
            Answer::Sign(r, tx) => drop(tx.send(r)),
            Answer::Withdraw(r, tx) => drop(tx.send(r)),
            Answer::Count(r, tx) => drop(tx.send(r)),
        }
    }

    /// A write that did not reach the disk is no success.
    fn fail(self) {
        match self {
            Answer::Sign(_, tx) => drop(tx.send(Err(SignError::Unavailable))),
            Answer::Withdraw(_, tx) => drop(tx.send(Err(SignError::Unavailable))),
            Answer::Count(_, tx) => drop(tx.send(Err(StoreError::NotWritten))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::signatory::Submission;

    fn new_sig(name: &str, kind: Kind, nonce: u8) -> NewSignature {
        NewSignature {
            submission: Submission {
                name: SignatoryName::parse(name).unwrap(),
                kind,
                affiliation: None,
                country: None,
                listed: true,
            },
            needs_review: kind != Kind::Individual,
            token_nonce: [nonce; 16],
            token_forget_after: Day(u32::MAX),
            withdraw_hash: [nonce; 32],
            max_pending: 2,
        }
    }

    fn sign(inner: &Inner, group: &mut Change, new: NewSignature) -> Result<Signed, SignError> {
        let entries = NameEntries::of(new.submission.kind, &new.submission.name);
        inner.sign(group, &new, entries)
    }

    #[test]
    fn one_group_sees_its_own_writes_before_they_are_applied() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::open(dir.path(), Options { retention_days: 1, cache_bytes: 8 << 20, notice: |_| {} })
                .unwrap();
        let inner = &store.inner;
        let mut group = Change::default();
        let first = sign(inner, &mut group, new_sig("First Person", Kind::Individual, 1)).unwrap();
        assert_eq!(
            sign(inner, &mut group, new_sig("Other Person", Kind::Individual, 1)),
            Err(SignError::TokenUsed)
        );
        sign(inner, &mut group, new_sig("Twin Org", Kind::Organization, 2)).unwrap();
        assert_eq!(
            sign(inner, &mut group, new_sig("TWIN  org", Kind::Organization, 3)),
            Err(SignError::Duplicate)
        );
        let look_alike = sign(inner, &mut group, new_sig("Twin 0rg", Kind::Company, 4)).unwrap();
        assert_eq!(
            sign(inner, &mut group, new_sig("Third Org", Kind::Organization, 5)),
            Err(SignError::ReviewQueueFull)
        );
        let second = sign(inner, &mut group, new_sig("Second Person", Kind::Individual, 6)).unwrap();
        assert_eq!(second.id, first.id + 3, "ids continue within the group");
        assert!(inner.withdraw(&mut group, &[6; 32]).unwrap(), "a signature withdrawn in its own group");
        assert!(inner.record_in(&group, look_alike.id).unwrap().flags.contains(&Flag::LookAlike));
        assert_eq!(inner.counts(), Counts::default(), "nothing applied yet");
        inner.apply(group).unwrap();
        let c = inner.counts();
        assert_eq!(
            (c.published(Kind::Individual), c.pending(Kind::Organization), c.pending(Kind::Company)),
            (1, 1, 1)
        );
        assert!(inner.record(second.id).is_none());
    }
}
