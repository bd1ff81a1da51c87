//! One transaction of the writer ([`Tx`]): the phase, next ids and counts
//! it keeps for its whole group and writes once ([`Tx::finish`]), and the
//! steps every change is made of: adding and removing a record with all
//! its index entries and counts, and the audit entry. The changes a
//! request asks for are built from these in `changes`.

use super::codec::{decode_record, json, json_text, read_phase};
use super::error::{SignError, StoreError};
use super::names::NameEntries;
use super::order::{self, BinDeltas};
use super::read;
use super::schema::{self, meta};
use crate::domain::flags;
use crate::domain::record::{AuditAction, AuditEntry, Day, Phase, Record, Status};
use crate::domain::Kind;
use rusqlite::{Connection, OptionalExtension};

pub(super) fn kind_code(kind: Kind) -> i64 {
    crate::domain::record::kind_index(kind) as i64
}

/// The writer's side of one transaction.
pub(super) struct Tx<'a> {
    pub(super) c: &'a Connection,
    /// The change touches what the public sees (pages must be rebuilt).
    pub(super) public: bool,
    /// The change removed or overwrote a signature's fields: the
    /// write-ahead logs are to be emptied of their earlier bytes.
    pub(super) removed: bool,
    phase: Option<Phase>,
    next_id: Option<u64>,
    audit_seq: Option<u64>,
    /// Waiting for review before the group, once read.
    pending_before: Option<u64>,
    /// Per kind: published, listed, pending, unlisted with details.
    pub(super) counts: [[i64; 4]; 3],
    bins: BinDeltas,
    /// The first store error under a signature or withdrawal, which their
    /// answers carry only as "unavailable": what the operator is told.
    pub(super) failure: Option<StoreError>,
    /// The version of the letter in force, which a signature records
    /// (known to the writer: no query per signature).
    pub(super) letter_version: u32,
}

pub(super) const PUBLISHED: usize = 0;
pub(super) const LISTED: usize = 1;
pub(super) const PENDING: usize = 2;
pub(super) const DETAILS: usize = 3;

impl<'a> Tx<'a> {
    pub(super) fn new(c: &'a Connection) -> Tx<'a> {
        Tx {
            c,
            public: false,
            removed: false,
            phase: None,
            next_id: None,
            audit_seq: None,
            pending_before: None,
            counts: [[0; 4]; 3],
            bins: BinDeltas::new(),
            failure: None,
            letter_version: 1,
        }
    }

    /// A store error met while signing or withdrawing: kept, and answered
    /// as unavailable.
    pub(super) fn failed(&mut self, e: StoreError) -> SignError {
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

    pub(super) fn phase(&mut self) -> Result<Phase, StoreError> {
        if let Some(p) = self.phase {
            return Ok(p);
        }
        let p = read_phase(self.c)?;
        self.phase = Some(p);
        Ok(p)
    }

    pub(super) fn set_phase(&mut self, phase: Phase) -> Result<(), StoreError> {
        schema::set_meta(self.c, meta::PHASE, json_text(&phase))?;
        self.phase = Some(phase);
        Ok(())
    }

    pub(super) fn record(&self, id: u64) -> Result<Option<Record>, StoreError> {
        read::record(self.c, id)
    }

    pub(super) fn next_id(&mut self) -> Result<u64, StoreError> {
        take_next(self.c, &mut self.next_id, meta::NEXT_ID)
    }

    pub(super) fn next_audit_seq(&mut self) -> Result<u64, StoreError> {
        take_next(self.c, &mut self.audit_seq, meta::AUDIT_SEQ)
    }

    /// Sets the next id outright (a restore).
    pub(super) fn set_next_id(&mut self, next: u64) {
        self.next_id = Some(next);
    }

    pub(super) fn count(&mut self, kind: Kind, column: usize, delta: i64) {
        self.counts[kind_code(kind) as usize][column] += delta;
    }

    pub(super) fn pending_total(&mut self) -> Result<u64, StoreError> {
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
    pub(super) fn has_name(&self, kind: Kind, e: &NameEntries) -> Result<bool, StoreError> {
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
    pub(super) fn has_skeleton(&self, e: &NameEntries) -> Result<bool, StoreError> {
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

    pub(super) fn add_with(&mut self, r: &Record, e: &NameEntries) -> Result<(), StoreError> {
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
    pub(super) fn remove(&mut self, r: &Record) -> Result<(), StoreError> {
        let id = r.id as i64;
        let label: Option<i64> = (self.c.prepare_cached("SELECT ord FROM sig WHERE id = ?1")?)
            .query_row([id], |row| row.get(0))
            .optional()?
            .flatten();
        self.c.prepare_cached("DELETE FROM sig WHERE id = ?1")?.execute([id])?;
        self.removed = true;
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

    pub(super) fn audit(
        &mut self,
        moderator: &str,
        action: AuditAction,
        r: Option<&Record>,
    ) -> Result<(), StoreError> {
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

    /// Removes a signature for good (withdrawn or deleted): the record, and
    /// its name from every audit entry about it, so that the audit list
    /// says what was done to signature #id and keeps no byte of who it was.
    /// `audit_signature` (an index of the entries' `signature`) finds them
    /// without a scan of the whole list.
    pub(super) fn forget(&mut self, r: &Record) -> Result<(), StoreError> {
        self.remove(r)?;
        self.forget_proof(r.id)?;
        self.forget_signer_in_audit(r.id)
    }

    /// Every audit entry about signature `id`, without who it was
    /// ([`AuditEntry::without_signer`]).
    pub(super) fn forget_signer_in_audit(&mut self, id: u64) -> Result<(), StoreError> {
        let named: Vec<(i64, Vec<u8>)> = {
            let mut stmt = self.c.prepare_cached(
                "SELECT seq, entry FROM audit WHERE json_extract(CAST(entry AS TEXT), '$.signature') = ?1",
            )?;
            let rows = stmt.query_map([id as i64], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (seq, entry) in named {
            let Ok(entry) = serde_json::from_slice::<AuditEntry>(&entry) else { continue };
            if entry.names_signer() {
                (self.c.prepare_cached("UPDATE audit SET entry = ?1 WHERE seq = ?2")?)
                    .execute((json(&entry.without_signer()), seq))?;
            }
        }
        Ok(())
    }

    /// Replaces a record: old entries out, new ones in, in one change.
    pub(super) fn replace(&mut self, old: &Record, new: &Record) -> Result<(), StoreError> {
        self.remove(old)?;
        self.add(new)
    }

    /// The records of `ids` that wait for review; other ids are skipped.
    pub(super) fn pending_records(&self, ids: Vec<u64>) -> Result<Vec<Record>, StoreError> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(r) = self.record(id)?.filter(|r| r.status == Status::Pending) {
                out.push(r);
            }
        }
        Ok(out)
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
