//! The writer thread: the only code that changes the store. It takes the
//! requests waiting (up to [`MAX_GROUP`]), applies them inside one SQLite
//! transaction and commits once: with `synchronous = FULL` the commit
//! returns after the WAL is fsynced, and only then is any of the group
//! answered (group commit). Later requests of a group read what the earlier
//! ones wrote, as the transaction sees its own writes.
//!
//! A refusal (a used token, a duplicate) is decided before its request
//! writes anything; a store error after writes spoils the group, which is
//! rolled back and answered as not written. What every signature would
//! otherwise read or update one row at a time (the phase, the next ids, the
//! counts, the per-bin counts) is kept for the group and written once.

use super::order::{self, BinDeltas};
use super::schema::{self, meta};
use super::search;
use super::*;
use crate::domain::flags;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// Requests applied before one durable commit, at most. Every client in a
/// group waits for the whole group; 32 lets one part of the clients be
/// answered and come back while the next part is applied
/// (`bench/README.md`).
const MAX_GROUP: usize = 32;

/// 64 bits of SHA-256: the duplicate and look-alike indexes find candidates
/// by it, and the names themselves are compared before anything is decided.
fn digest(parts: &[&[u8]]) -> i64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    let full = h.finalize();
    let mut d = [0u8; 8];
    d.copy_from_slice(&full[..8]);
    i64::from_be_bytes(d)
}

/// What the store works out from a name alone, once per signature and on
/// the connection's thread rather than the writer's (the one thread every
/// signature queues for).
pub(super) struct NameEntries {
    folded: String,
    fold: i64,
    skeleton: String,
    skel: i64,
    sort_key: String,
    intrinsic: Vec<Flag>,
}

impl NameEntries {
    /// The skeleton's digest (the look-alike index's key).
    pub(super) fn skel(&self) -> i64 {
        self.skel
    }

    pub(super) fn of(kind: Kind, name: &SignatoryName) -> NameEntries {
        let folded = name.folded();
        let skeleton = flags::skeleton(name);
        NameEntries {
            fold: digest(&[&[kind.tag()], folded.as_bytes()]),
            skel: digest(&[skeleton.as_bytes()]),
            folded,
            skeleton,
            sort_key: name.sort_key(kind),
            intrinsic: flags::intrinsic_as(kind, name),
        }
    }
}

/// A value of the functions that the derived indexes depend on (folding,
/// skeletons, sort keys): when it changes, they are rebuilt at start.
pub(super) fn name_functions_fingerprint() -> i64 {
    let probe = ["Amnesty Internati0nal", "Ｊosé  de la Peña-Müller", "Иван l1 Петров", "王伟"];
    let mut parts = Vec::new();
    for p in probe {
        if let Ok(name) = SignatoryName::parse(p) {
            let e = NameEntries::of(Kind::Individual, &name);
            parts.extend([e.folded, e.skeleton, e.sort_key, name.sort_key(Kind::Organization)]);
        }
    }
    digest(&parts.iter().map(|p| p.as_bytes()).collect::<Vec<_>>())
}

#[allow(clippy::expect_used, reason = "the store's types are plain data with string keys")]
pub(super) fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store types serialise")
}

/// [`json`] as text, for metadata read back as text.
fn json_text<T: serde::Serialize>(v: &T) -> String {
    String::from_utf8_lossy(&json(v)).into_owned()
}

pub(super) fn decode_record(bytes: &[u8]) -> Result<Record, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(format!("a signature record ({e})")))
}

fn kind_code(kind: Kind) -> i64 {
    crate::domain::record::kind_index(kind) as i64
}

/// The writer's side of one transaction.
pub(super) struct Tx<'a> {
    pub(super) c: &'a Connection,
    /// The change touches what the public sees (pages must be rebuilt).
    pub(super) public: bool,
    phase: Option<Phase>,
    next_id: Option<u64>,
    audit_seq: Option<u64>,
    /// Waiting for review before the group, once read.
    pending_before: Option<u64>,
    /// Per kind: published, listed, pending, unlisted with details.
    counts: [[i64; 4]; 3],
    bins: BinDeltas,
    /// The first store error under a signature or withdrawal, which their
    /// answers carry only as "unavailable": what the operator is told.
    failure: Option<StoreError>,
}

const PUBLISHED: usize = 0;
const LISTED: usize = 1;
const PENDING: usize = 2;
const DETAILS: usize = 3;

impl<'a> Tx<'a> {
    pub(super) fn new(c: &'a Connection) -> Tx<'a> {
        Tx {
            c,
            public: false,
            phase: None,
            next_id: None,
            audit_seq: None,
            pending_before: None,
            counts: [[0; 4]; 3],
            bins: BinDeltas::new(),
            failure: None,
        }
    }

    /// A store error met while signing or withdrawing: kept, and answered
    /// as unavailable.
    fn failed(&mut self, e: StoreError) -> SignError {
        self.failure.get_or_insert(e);
        SignError::Unavailable
    }

    /// Writes what the group kept to write once; before the commit.
    pub(super) fn finish(&mut self) -> Result<(), StoreError> {
        if let Some(next) = self.next_id {
            schema::set_meta(self.c, meta::NEXT_ID, next as i64)?;
        }
        if let Some(next) = self.audit_seq {
            schema::set_meta(self.c, meta::AUDIT_SEQ, next as i64)?;
        }
        for (kind, d) in self.counts.iter().enumerate() {
            if d.iter().any(|n| *n != 0) {
                (self.c.prepare_cached(
                    "UPDATE counts SET published = published + ?2, listed = listed + ?3,
                     pending = pending + ?4, details = details + ?5 WHERE kind = ?1",
                )?)
                .execute((kind as i64, d[PUBLISHED], d[LISTED], d[PENDING], d[DETAILS]))?;
            }
        }
        order::count_bins(self.c, &self.bins)?;
        Ok(())
    }

    fn phase(&mut self) -> Result<Phase, StoreError> {
        if let Some(p) = self.phase {
            return Ok(p);
        }
        let p = read_phase(self.c)?;
        self.phase = Some(p);
        Ok(p)
    }

    fn set_phase(&mut self, phase: Phase) -> Result<(), StoreError> {
        schema::set_meta(self.c, meta::PHASE, json_text(&phase))?;
        self.phase = Some(phase);
        Ok(())
    }

    fn record(&self, id: u64) -> Result<Option<Record>, StoreError> {
        super::record(self.c, id)
    }

    fn next_id(&mut self) -> Result<u64, StoreError> {
        take_next(self.c, &mut self.next_id, meta::NEXT_ID)
    }

    fn next_audit_seq(&mut self) -> Result<u64, StoreError> {
        take_next(self.c, &mut self.audit_seq, meta::AUDIT_SEQ)
    }

    /// Sets the next id outright (a restore).
    fn set_next_id(&mut self, next: u64) {
        self.next_id = Some(next);
    }

    fn count(&mut self, kind: Kind, column: usize, delta: i64) {
        self.counts[kind_code(kind) as usize][column] += delta;
    }

    fn pending_total(&mut self) -> Result<u64, StoreError> {
        let before = match self.pending_before {
            Some(n) => n,
            None => {
                let n: i64 =
                    self.c.prepare_cached("SELECT sum(pending) FROM counts")?.query_row([], |r| r.get(0))?;
                let n = n.max(0) as u64;
                self.pending_before = Some(n);
                n
            }
        };
        let delta: i64 = self.counts.iter().map(|k| k[PENDING]).sum();
        Ok(before.saturating_add_signed(delta))
    }

    /// Whether a signature of this kind with this folded name is here.
    fn has_name(&self, kind: Kind, e: &NameEntries) -> Result<bool, StoreError> {
        let mut stmt = self.c.prepare_cached("SELECT rec FROM sig WHERE fold = ?1")?;
        let mut rows = stmt.query([e.fold])?;
        while let Some(row) = rows.next()? {
            let r = decode_record(&row.get::<_, Vec<u8>>(0)?)?;
            if r.kind == kind && r.name.folded() == e.folded {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether any signature's name has this confusable skeleton.
    fn has_skeleton(&self, e: &NameEntries) -> Result<bool, StoreError> {
        let mut stmt = self.c.prepare_cached("SELECT rec FROM sig WHERE skel = ?1")?;
        let mut rows = stmt.query([e.skel])?;
        while let Some(row) = rows.next()? {
            if flags::skeleton(&decode_record(&row.get::<_, Vec<u8>>(0)?)?.name) == e.skeleton {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Writes a record with all its index entries and counts.
    pub(super) fn add(&mut self, r: &Record) -> Result<(), StoreError> {
        self.add_with(r, &NameEntries::of(r.kind, &r.name))
    }

    /// Works out a record's derived entries again (name digests, page
    /// order, search), for a rebuild that has emptied them.
    pub(super) fn reindex(&mut self, r: &Record) -> Result<(), StoreError> {
        let e = NameEntries::of(r.kind, &r.name);
        (self.c.prepare_cached("UPDATE sig SET fold = ?1, skel = ?2 WHERE id = ?3")?).execute((
            e.fold,
            e.skel,
            r.id as i64,
        ))?;
        if r.status == Status::Published && r.listed {
            let label = order::place(self.c, &mut self.bins, r.kind, &e.sort_key, r.id)?;
            (self.c.prepare_cached("UPDATE sig SET ord = ?1 WHERE id = ?2")?)
                .execute((label, r.id as i64))?;
            order::insert(self.c, &mut self.bins, label, r.id, &e.sort_key, &e.folded)?;
        }
        Ok(())
    }

    fn add_with(&mut self, r: &Record, e: &NameEntries) -> Result<(), StoreError> {
        let id = r.id as i64;
        let listed = r.status == Status::Published && r.listed;
        let label = match listed {
            true => Some(order::place(self.c, &mut self.bins, r.kind, &e.sort_key, r.id)?),
            false => None,
        };
        (self.c.prepare_cached("INSERT INTO sig(id, fold, skel, ord, rec) VALUES (?1, ?2, ?3, ?4, ?5)")?)
            .execute((id, e.fold, e.skel, label, json(r)))?;
        if let Some(label) = label {
            order::insert(self.c, &mut self.bins, label, r.id, &e.sort_key, &e.folded)?;
        }
        if !r.listed && (r.affiliation.is_some() || r.country.is_some()) {
            self.count(r.kind, DETAILS, 1);
        }
        match r.status {
            Status::Published => {
                self.count(r.kind, PUBLISHED, 1);
                if r.listed {
                    self.count(r.kind, LISTED, 1);
                }
            }
            Status::Pending => {
                self.count(r.kind, PENDING, 1);
                (self.c.prepare_cached("INSERT INTO pending(id, kind) VALUES (?1, ?2)")?)
                    .execute((id, kind_code(r.kind)))?;
                for f in &r.flags {
                    (self
                        .c
                        .prepare_cached("INSERT OR IGNORE INTO pending_flag(flag, id) VALUES (?1, ?2)")?)
                    .execute((i64::from(f.tag()), id))?;
                }
            }
        }
        // The page shows how many await review, so pending counts too.
        self.public = true;
        Ok(())
    }

    /// Removes a record and all its index entries and counts.
    fn remove(&mut self, r: &Record) -> Result<(), StoreError> {
        let id = r.id as i64;
        let label: Option<i64> = (self.c.prepare_cached("SELECT ord FROM sig WHERE id = ?1")?)
            .query_row([id], |row| row.get(0))
            .optional()?
            .flatten();
        self.c.prepare_cached("DELETE FROM sig WHERE id = ?1")?.execute([id])?;
        if !r.listed && (r.affiliation.is_some() || r.country.is_some()) {
            self.count(r.kind, DETAILS, -1);
        }
        match r.status {
            Status::Published => {
                self.count(r.kind, PUBLISHED, -1);
                if r.listed {
                    self.count(r.kind, LISTED, -1);
                }
                if let Some(label) = label {
                    order::forget(self.c, &mut self.bins, label)?;
                }
            }
            Status::Pending => {
                self.count(r.kind, PENDING, -1);
                self.c.prepare_cached("DELETE FROM pending WHERE id = ?1")?.execute([id])?;
                for f in &r.flags {
                    (self.c.prepare_cached("DELETE FROM pending_flag WHERE flag = ?1 AND id = ?2")?)
                        .execute((i64::from(f.tag()), id))?;
                }
            }
        }
        self.public = true;
        Ok(())
    }

    /// Checks and records a signature; every check comes before the first
    /// write.
    fn sign(&mut self, new: &NewSignature, e: &NameEntries) -> Result<Signed, SignError> {
        match self.phase().map_err(|e| self.failed(e))? {
            Phase::Open => {}
            Phase::Paused => return Err(SignError::Paused),
            Phase::Closed { .. } => return Err(SignError::Closed),
        }
        let day = i64::from(new.token_forget_after.0);
        let used = (|| -> Result<bool, StoreError> {
            let mut stmt = self.c.prepare_cached("SELECT 1 FROM token WHERE day = ?1 AND nonce = ?2")?;
            Ok(stmt.exists((day, &new.token_nonce[..]))?)
        })();
        if used.map_err(|e| self.failed(e))? {
            return Err(SignError::TokenUsed);
        }
        let s = &new.submission;
        let duplicate = self.has_name(s.kind, e).map_err(|e| self.failed(e))?;
        if duplicate && s.kind != Kind::Individual {
            return Err(SignError::Duplicate);
        }
        let mut flags = Vec::new();
        if duplicate {
            flags.push(Flag::DuplicateName);
        } else if self.has_skeleton(e).map_err(|e| self.failed(e))? {
            flags.push(Flag::LookAlike);
        }
        flags.extend_from_slice(&e.intrinsic);
        // People share names, and any flag deserves a look: hold for review.
        let status = if new.needs_review || !flags.is_empty() {
            if self.pending_total().map_err(|e| self.failed(e))? >= new.max_pending {
                return Err(SignError::ReviewQueueFull);
            }
            Status::Pending
        } else {
            Status::Published
        };
        let id = self.next_id().map_err(|e| self.failed(e))?;
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
        self.add_with(&record, e).map_err(|e| self.failed(e))?;
        (|| -> Result<(), StoreError> {
            (self.c.prepare_cached("INSERT INTO token(day, nonce) VALUES (?1, ?2)")?)
                .execute((day, &new.token_nonce[..]))?;
            (self.c.prepare_cached("INSERT INTO withdrawal(hash, id) VALUES (?1, ?2)")?)
                .execute((&new.withdraw_hash[..], id as i64))?;
            Ok(())
        })()
        .map_err(|e| self.failed(e))?;
        Ok(Signed { id, status, listed: s.listed })
    }

    fn withdraw(&mut self, hash: &[u8; 32]) -> Result<bool, SignError> {
        (|| -> Result<bool, StoreError> {
            let id: Option<i64> = (self.c.prepare_cached("SELECT id FROM withdrawal WHERE hash = ?1")?)
                .query_row([&hash[..]], |r| r.get(0))
                .optional()?;
            let Some(id) = id else { return Ok(false) };
            self.c.prepare_cached("DELETE FROM withdrawal WHERE hash = ?1")?.execute([&hash[..]])?;
            if let Some(r) = self.record(id as u64)? {
                self.remove(&r)?;
            }
            Ok(true)
        })()
        .map_err(|e| self.failed(e))
    }

    fn audit(&mut self, moderator: &str, action: AuditAction, r: Option<&Record>) -> Result<(), StoreError> {
        let seq = self.next_audit_seq()?;
        let entry = AuditEntry {
            day: Day::today(),
            moderator: moderator.to_string(),
            action,
            signature: r.map(|r| r.id),
            name: r.map(|r| r.name.as_str().to_string()),
        };
        (self.c.prepare_cached("INSERT INTO audit(seq, entry) VALUES (?1, ?2)")?)
            .execute((seq as i64, json(&entry)))?;
        Ok(())
    }

    /// Replaces a record: old entries out, new ones in, in one change.
    fn replace(&mut self, old: &Record, new: &Record) -> Result<(), StoreError> {
        self.remove(old)?;
        self.add(new)
    }

    /// The records of `ids` that wait for review; other ids are skipped.
    fn pending_records(&self, ids: Vec<u64>) -> Result<Vec<Record>, StoreError> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(r) = self.record(id)?.filter(|r| r.status == Status::Pending) {
                out.push(r);
            }
        }
        Ok(out)
    }

    fn moderate(&mut self, moderator: &str, action: Action) -> Result<usize, StoreError> {
        let mut changed = 0;
        match action {
            Action::Approve(ids) => {
                for r in self.pending_records(ids)? {
                    let new = Record { status: Status::Published, flags: Vec::new(), ..r.clone() };
                    self.replace(&r, &new)?;
                    self.audit(moderator, AuditAction::Approved, Some(&r))?;
                    changed += 1;
                }
            }
            Action::Reject(ids, reason) => {
                for r in self.pending_records(ids)? {
                    self.remove(&r)?;
                    self.audit(moderator, AuditAction::Rejected(reason), Some(&r))?;
                    changed += 1;
                }
            }
            Action::Edit { id, name, affiliation } => {
                if let Some(r) = self.record(id)? {
                    let new = Record { name, affiliation, ..r.clone() };
                    self.replace(&r, &new)?;
                    let previous = r.name.as_str().to_string();
                    self.audit(moderator, AuditAction::Edited { previous }, Some(&new))?;
                    changed += 1;
                }
            }
            Action::Verify { id, verified } => {
                if let Some(r) =
                    self.record(id)?.filter(|r| r.kind != Kind::Individual && r.verified != verified)
                {
                    let new = Record { verified, ..r.clone() };
                    self.replace(&r, &new)?;
                    let action = if verified { AuditAction::Verified } else { AuditAction::Unverified };
                    self.audit(moderator, action, Some(&r))?;
                    changed += 1;
                }
            }
            Action::Unpublish(id) => {
                if let Some(r) = self.record(id)?.filter(|r| r.status == Status::Published) {
                    let new = Record { status: Status::Pending, ..r.clone() };
                    self.replace(&r, &new)?;
                    self.audit(moderator, AuditAction::Unpublished, Some(&r))?;
                    changed += 1;
                }
            }
            Action::Delete(id) => {
                if let Some(r) = self.record(id)? {
                    self.remove(&r)?;
                    self.audit(moderator, AuditAction::Deleted, Some(&r))?;
                    changed += 1;
                }
            }
            Action::SetPhase(phase) => {
                let current = self.phase()?;
                let phase = match phase {
                    // Closing keeps the first closing day.
                    Phase::Closed { .. } => match current {
                        closed @ Phase::Closed { .. } => closed,
                        _ => Phase::Closed { day: Day::today(), purged: false },
                    },
                    other => other,
                };
                if phase != current {
                    self.set_phase(phase)?;
                    let what = match phase {
                        Phase::Open => AuditAction::SigningOpened,
                        Phase::Paused => AuditAction::SigningPaused,
                        Phase::Closed { .. } => AuditAction::LetterClosed,
                    };
                    self.audit(moderator, what, None)?;
                    self.public = true;
                    changed = 1;
                }
            }
            Action::ImportNames(kind, names) => changed = self.import_names(moderator, kind, names)?,
            Action::ImportFirstStart(lists) => {
                if schema::meta_int(self.c, meta::IMPORTED)?.is_none() {
                    for (kind, names) in lists {
                        changed += self.import_names(moderator, kind, names)?;
                    }
                    schema::set_meta(self.c, meta::IMPORTED, 1)?;
                }
            }
        }
        Ok(changed)
    }

    /// Publishes names, skipping those already signed under the same kind.
    fn import_names(
        &mut self,
        moderator: &str,
        kind: Kind,
        names: Vec<SignatoryName>,
    ) -> Result<usize, StoreError> {
        let mut imported = 0;
        for name in names {
            if self.has_name(kind, &NameEntries::of(kind, &name))? {
                continue; // already here: one signatory, not two
            }
            let id = self.next_id()?;
            self.add(&Record::imported(id, name, kind, Day::today()))?;
            imported += 1;
        }
        if imported > 0 {
            self.audit(moderator, AuditAction::Imported { count: imported, kind }, None)?;
        }
        Ok(imported)
    }

    fn restore(&mut self, backup: Backup) -> Result<usize, StoreError> {
        if self.c.prepare_cached("SELECT 1 FROM sig LIMIT 1")?.exists([])? {
            return Err(StoreError::NotEmpty);
        }
        let mut max_id = 0;
        for r in &backup.signatures {
            self.add(r)?;
            max_id = max_id.max(r.id);
        }
        for (id, hex) in &backup.withdrawal_hashes {
            let bytes: Option<Vec<u8>> =
                (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
            match bytes {
                Some(b) if b.len() == 32 => {
                    (self.c.prepare_cached("INSERT OR REPLACE INTO withdrawal(hash, id) VALUES (?1, ?2)")?)
                        .execute((b, *id as i64))?;
                }
                _ => return Err(StoreError::BadBackup(format!("bad withdrawal hash for {id}"))),
            }
        }
        self.set_next_id(max_id + 1);
        self.set_phase(backup.phase)?;
        schema::set_meta(self.c, meta::IMPORTED, 1)?;
        self.public = true;
        Ok(backup.signatures.len())
    }

    /// After the retention period of a closed letter: forget what is no
    /// longer needed: unlisted signers' details, withdrawal codes, tokens.
    fn purge_if_due(&mut self, today: Day, retention_days: u32) -> Result<bool, StoreError> {
        let Phase::Closed { day, purged: false } = self.phase()? else { return Ok(false) };
        if today < day.plus(retention_days) {
            return Ok(false);
        }
        self.c.execute_batch("DELETE FROM withdrawal; DELETE FROM token;")?;
        let mut details = Vec::new();
        {
            let mut stmt = self.c.prepare("SELECT rec FROM sig")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let r = decode_record(&row.get::<_, Vec<u8>>(0)?)?;
                if !r.listed && (r.affiliation.is_some() || r.country.is_some()) {
                    details.push(Record { affiliation: None, country: None, ..r });
                }
            }
        }
        for r in details {
            self.c
                .prepare_cached("UPDATE sig SET rec = ?1 WHERE id = ?2")?
                .execute((json(&r), r.id as i64))?;
        }
        self.c.execute("UPDATE counts SET details = 0", [])?;
        self.counts.iter_mut().for_each(|k| k[DETAILS] = 0);
        // Signatures refused or removed are not the letter's: their names
        // go too; the action, its reason and the day stay.
        let mut refused = Vec::new();
        {
            let mut stmt = self.c.prepare("SELECT seq, entry FROM audit")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let Ok(entry) = serde_json::from_slice::<AuditEntry>(&row.get::<_, Vec<u8>>(1)?) else {
                    continue;
                };
                if matches!(entry.action, AuditAction::Rejected(_) | AuditAction::Deleted)
                    && (entry.name.is_some() || entry.signature.is_some())
                {
                    refused
                        .push((row.get::<_, i64>(0)?, AuditEntry { name: None, signature: None, ..entry }));
                }
            }
        }
        for (seq, entry) in refused {
            self.c
                .prepare_cached("UPDATE audit SET entry = ?1 WHERE seq = ?2")?
                .execute((json(&entry), seq))?;
        }
        self.set_phase(Phase::Closed { day, purged: true })?;
        self.audit("retention", AuditAction::Purged, None)?;
        Ok(true)
    }
}

/// The next number of a sequence kept for the group in `kept` (read from
/// the metadata `key` the first time), and the one after it kept.
fn take_next(c: &Connection, kept: &mut Option<u64>, key: &str) -> Result<u64, StoreError> {
    let next = match *kept {
        Some(n) => n,
        None => schema::meta_int(c, key)?.unwrap_or(1).max(1) as u64,
    };
    *kept = Some(next + 1);
    Ok(next)
}

/// The letter's phase as stored.
pub(super) fn read_phase(c: &Connection) -> Result<Phase, StoreError> {
    match schema::meta_text(c, meta::PHASE)? {
        Some(text) => {
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("the letter's phase ({e})")))
        }
        None => Ok(Phase::default()),
    }
}

/// Runs `f` as one transaction, committed (and so fsynced) when it
/// succeeds, rolled back when it fails.
pub(super) fn in_transaction<T>(
    c: &Connection,
    f: impl FnOnce(&mut Tx) -> Result<T, StoreError>,
) -> Result<(T, bool), StoreError> {
    c.execute_batch("BEGIN IMMEDIATE")?;
    let mut tx = Tx::new(c);
    match f(&mut tx).and_then(|v| tx.finish().map(|()| v)) {
        Ok(v) => match c.execute_batch("COMMIT") {
            Ok(()) => Ok((v, tx.public)),
            Err(e) => {
                let _ = c.execute_batch("ROLLBACK");
                Err(e.into())
            }
        },
        Err(e) => {
            let _ = c.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// The writer thread's state.
pub(super) struct Writer {
    pub(super) c: Connection,
    pub(super) inner: Arc<Inner>,
}

impl Writer {
    /// Forgets used tokens whose forms have expired anyway, and purges a
    /// closed letter's private fields once their retention is over.
    fn daily(&self, today: Day) {
        let purged = in_transaction(&self.c, |tx| {
            tx.c.prepare_cached("DELETE FROM token WHERE day < ?1")?.execute([i64::from(today.0)])?;
            tx.purge_if_due(today, self.inner.options.retention_days)
        });
        if let Ok((true, _)) = purged {
            self.inner.generation.fetch_add(1, Ordering::AcqRel);
            self.inner.index.wake();
        }
    }

    /// The writer loop: take a group, apply it, commit it, answer it.
    pub(super) fn run(&self, mut rx: mpsc::Receiver<Request>) {
        let mut last_daily = Day(0);
        let mut dropped = 0;
        let mut answers: Vec<Answer> = Vec::with_capacity(MAX_GROUP);
        let mut health = Health::default();
        loop {
            let today = Day::today();
            if today != last_daily {
                self.daily(today);
                last_daily = today;
            }
            let Some(first) = rx.blocking_recv() else { break }; // every handle is gone
            let begun = self.c.execute_batch("BEGIN IMMEDIATE");
            let mut tx = Tx::new(&self.c);
            // What went wrong in this group, for the operator.
            let mut failure = begun.as_ref().err().map(|e| e.to_string());
            let mut next = Some(first);
            while let Some(request) = next.take() {
                let answer = if failure.is_some() { unanswered(request) } else { answer(&mut tx, request) };
                if failure.is_none() && answer.is_store_error() {
                    failure = Some(answer.why(&mut tx));
                }
                answers.push(answer);
                if answers.len() < MAX_GROUP {
                    next = rx.try_recv().ok();
                }
            }
            // What the search indexer has applied leaves the log with this group.
            let applied = self.inner.index.applied.load(Ordering::Acquire);
            if failure.is_none() && applied > dropped {
                failure = search::drop_applied(&self.c, applied).err().map(|e| e.to_string());
            }
            let public = tx.public;
            if failure.is_none() {
                failure = tx.finish().err().map(|e| e.to_string());
            }
            if failure.is_none() {
                failure = self.c.execute_batch("COMMIT").err().map(|e| e.to_string());
            }
            let durable = failure.is_none();
            if begun.is_ok() && !durable {
                let _ = self.c.execute_batch("ROLLBACK");
            }
            health.after_group(failure.as_deref(), self.inner.options.notice);
            if durable {
                dropped = dropped.max(applied);
                if public {
                    self.inner.generation.fetch_add(1, Ordering::AcqRel);
                    self.inner.index.wake();
                }
            }
            for answer in answers.drain(..) {
                if durable {
                    answer.send()
                } else {
                    answer.fail()
                }
            }
        }
    }
}

/// Whether writes are failing, so that the operator hears once when they
/// start failing and once when they work again, not once per signature;
/// on a disk all but full, where commits fail and succeed by turns, at
/// most once a [`Health::QUIET`].
#[derive(Default)]
struct Health {
    /// When the operator was last told that writes fail.
    told: Option<std::time::Instant>,
    /// Groups that failed since then, while the all-clear is still owed.
    owed: Option<u64>,
}

impl Health {
    const QUIET: std::time::Duration = std::time::Duration::from_secs(60);

    fn after_group(&mut self, failure: Option<&str>, notice: fn(&str)) {
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

/// Works out a request's answer, writing what it changes into the group.
fn answer(tx: &mut Tx, request: Request) -> Answer {
    match request {
        Request::Sign(new, reply) => {
            let (new, entries) = *new;
            Answer::Sign(tx.sign(&new, &entries), reply)
        }
        Request::Withdraw(hash, reply) => Answer::Withdraw(tx.withdraw(&hash), reply),
        Request::Moderate(who, action, reply) => Answer::Count(tx.moderate(&who, action), reply),
        Request::Restore(backup, reply) => Answer::Count(tx.restore(*backup), reply),
        #[cfg(test)]
        Request::Crash => panic!("a test crashes the writer"),
    }
}

/// A request that comes after a store error in its group: it fails.
fn unanswered(request: Request) -> Answer {
    match request {
        Request::Sign(_, reply) => Answer::Sign(Err(SignError::Unavailable), reply),
        Request::Withdraw(_, reply) => Answer::Withdraw(Err(SignError::Unavailable), reply),
        Request::Moderate(_, _, reply) | Request::Restore(_, reply) => {
            Answer::Count(Err(StoreError::NotWritten), reply)
        }
        #[cfg(test)]
        Request::Crash => panic!("a test crashes the writer"),
    }
}

/// A request's answer, held until its group is durable.
enum Answer {
    Sign(Result<Signed, SignError>, Reply<Signed, SignError>),
    Withdraw(Result<bool, SignError>, Reply<bool, SignError>),
    Count(Result<usize, StoreError>, Reply<usize, StoreError>),
}

impl Answer {
    /// An error after which the group's writes cannot be trusted; refusals
    /// (decided before any write) are not.
    fn is_store_error(&self) -> bool {
        matches!(
            self,
            Answer::Count(Err(e), _) if !matches!(e, StoreError::NotEmpty)
        ) || matches!(
            self,
            Answer::Sign(Err(SignError::Unavailable), _) | Answer::Withdraw(Err(SignError::Unavailable), _)
        )
    }

    /// What the operator is told of a store error (see [`Answer::is_store_error`]).
    fn why(&self, tx: &mut Tx) -> String {
        match (self, tx.failure.take()) {
            (Answer::Count(Err(e), _), _) => e.to_string(),
            (_, Some(e)) => e.to_string(),
            (_, None) => "a write failed".to_string(),
        }
    }

    fn send(self) {
        match self {
            Answer::Sign(r, tx) => drop(tx.send(r)),
            Answer::Withdraw(r, tx) => drop(tx.send(r)),
            Answer::Count(r, tx) => drop(tx.send(r)),
        }
    }

    /// A write that did not reach the disk is no success; a refusal stays
    /// what it was, since it wrote nothing.
    fn fail(self) {
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
    use super::Health;
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
