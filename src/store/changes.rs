//! What each request does to the store, as steps of one [`Tx`]: signing
//! and withdrawing (a refusal decided before the first write), the
//! moderators' actions with their audit entries, imports, a restore, and
//! the retention purge of a closed letter.

use super::codec::{decode_record, json};
use super::error::{SignError, StoreError};
use super::names::NameEntries;
use super::request::{Action, Backup, NewSignature, Signed};
use super::schema::{self, meta};
use super::tx::{Tx, DETAILS};
use crate::domain::record::{AuditAction, AuditEntry, Day, Phase, Record, Status};
use crate::domain::{Flag, Kind, SignatoryName};
use rusqlite::OptionalExtension;

impl Tx<'_> {
    /// Checks and records a signature; every check comes before the first
    /// write.
    pub(super) fn sign(&mut self, new: &NewSignature, e: &NameEntries) -> Result<Signed, SignError> {
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
            letter_version: self.letter_version,
            proof: None,
        };
        self.add_with(&record, e).map_err(|e| self.failed(e))?;
        (|| -> Result<(), StoreError> {
            (self.c.prepare_cached("INSERT INTO token(day, nonce) VALUES (?1, ?2)")?)
                .execute((day, &new.token_nonce[..]))?;
            // Keyed by the id first: each signature's key goes at the
            // index's end (`tokens::withdrawal_key`).
            let key = crate::tokens::withdrawal_key(id, &new.withdraw_hash);
            (self.c.prepare_cached("INSERT INTO withdrawal(hash, id) VALUES (?1, ?2)")?)
                .execute((&key[..], id as i64))?;
            if let (Some(website), Some(token), false) =
                (&s.website, &new.proof_token, s.kind == Kind::Individual)
            {
                self.add_proof(id, website, token)?;
            }
            Ok(())
        })()
        .map_err(|e| self.failed(e))?;
        Ok(Signed { id, status, listed: s.listed })
    }

    pub(super) fn withdraw(&mut self, hash: &[u8; 32]) -> Result<bool, SignError> {
        (|| -> Result<bool, StoreError> {
            let id: Option<i64> = (self.c.prepare_cached("SELECT id FROM withdrawal WHERE hash = ?1")?)
                .query_row([&hash[..]], |r| r.get(0))
                .optional()?;
            let Some(id) = id else { return Ok(false) };
            self.c.prepare_cached("DELETE FROM withdrawal WHERE hash = ?1")?.execute([&hash[..]])?;
            if let Some(r) = self.record(id as u64)? {
                self.forget(&r)?;
            }
            Ok(true)
        })()
        .map_err(|e| self.failed(e))
    }

    pub(super) fn moderate(&mut self, moderator: &str, action: Action) -> Result<usize, StoreError> {
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
                    self.forget_proof(r.id)?;
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
                    // Audited first, so that forgetting takes the name
                    // out of this entry too.
                    self.audit(moderator, AuditAction::Deleted, Some(&r))?;
                    self.forget(&r)?;
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
            Action::ProofChecked(check) => changed = self.proof_checked(check)?,
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

    pub(super) fn restore(&mut self, backup: Backup) -> Result<usize, StoreError> {
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
    pub(super) fn purge_if_due(&mut self, today: Day, retention_days: u32) -> Result<bool, StoreError> {
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
        let (mut refused, mut signatures) = (Vec::new(), Vec::new());
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
                    signatures.extend(entry.signature);
                    refused.push((
                        row.get::<_, i64>(0)?,
                        AuditEntry { signature: None, ..entry.without_signer() },
                    ));
                }
            }
        }
        for (seq, entry) in refused {
            self.c
                .prepare_cached("UPDATE audit SET entry = ?1 WHERE seq = ?2")?
                .execute((json(&entry), seq))?;
        }
        // What was done to them before (edited, a proof found) named them too.
        for id in signatures {
            self.forget_signer_in_audit(id)?;
        }
        self.removed = true;
        self.set_phase(Phase::Closed { day, purged: true })?;
        self.audit("retention", AuditAction::Purged, None)?;
        Ok(true)
    }
}
