//! The writer thread: the only code that changes the store. Each request
//! becomes one [`Change`] (a sled batch plus counter deltas) applied
//! atomically; a group of requests is then flushed and fsynced once before
//! any of them is answered.

use super::*;
use crate::flags;
use std::collections::HashMap;

/// Requests applied before one durable flush, at most.
const MAX_GROUP: usize = 1024;

/// One atomic change: index entries in a batch, counters as deltas so that
/// removing and re-adding a record in one change counts right.
#[derive(Default)]
struct Change {
    batch: sled::Batch,
    counters: HashMap<[u8; 3], i64>,
    /// The change touches what the public sees (pages must be rebuilt).
    public: bool,
}

impl Change {
    fn count(&mut self, kind: Kind, what: u8, delta: i64) {
        *self.counters.entry(counter_key(kind, what)).or_default() += delta;
    }

    fn put(&mut self, k: Vec<u8>, v: &[u8]) {
        self.batch.insert(k, v);
    }

    fn del(&mut self, k: Vec<u8>) {
        self.batch.remove(k);
    }
}

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store types serialise")
}

impl Inner {
    fn apply(&self, mut change: Change) -> Result<bool, StoreError> {
        for (k, delta) in change.counters {
            let kind = Kind::from_tag(k[1]).expect("counter keys carry a kind");
            let value = self.counter(kind, k[2]).saturating_add_signed(delta);
            change.batch.insert(&k[..], &value.to_be_bytes()[..]);
        }
        self.db.apply_batch(change.batch)?;
        Ok(change.public)
    }

    fn next_seq(&self, change: &mut Change, name: &[u8]) -> Result<u64, StoreError> {
        // Only the writer takes numbers, one change at a time: no race.
        let next =
            self.db.get(name)?.and_then(|v| v.as_ref().try_into().ok()).map(u64::from_be_bytes).unwrap_or(1);
        change.put(name.to_vec(), &(next + 1).to_be_bytes());
        Ok(next)
    }

    fn folded_key(r: &Record) -> Vec<u8> {
        key(b'F', &[&[r.kind.tag()], r.name.folded().as_bytes(), &[0], &r.id.to_be_bytes()])
    }

    fn skeleton_key(r: &Record) -> Vec<u8> {
        key(b'K', &[flags::skeleton(&r.name).as_bytes(), &[0], &r.id.to_be_bytes()])
    }

    fn published_key(r: &Record) -> Vec<u8> {
        let sort = r.name.sort_key(r.kind);
        key(b'P', &[&[r.kind.tag()], sort.as_bytes(), &[0], &r.id.to_be_bytes()])
    }

    /// Writes a record with all its index entries and counts.
    fn add(&self, c: &mut Change, r: &Record) {
        let id = r.id.to_be_bytes();
        c.put(key(b'S', &[&id]), &json(r));
        c.put(Self::folded_key(r), &[]);
        c.put(Self::skeleton_key(r), &[]);
        match r.status {
            Status::Published => {
                c.count(r.kind, b'p', 1);
                if r.listed {
                    c.count(r.kind, b'l', 1);
                    c.put(Self::published_key(r), &[]);
                }
                c.public = true;
            }
            Status::Pending => {
                c.count(r.kind, b'q', 1);
                c.put(key(b'Q', &[&id]), &[]);
                c.put(key(b'R', &[&[r.kind.tag()], &id]), &[]);
                for f in &r.flags {
                    c.put(key(b'G', &[&[f.tag()], &id]), &[]);
                }
                // The page shows how many await review.
                c.public = true;
            }
        }
    }

    /// Removes a record and all its index entries and counts.
    fn remove(&self, c: &mut Change, r: &Record) {
        let id = r.id.to_be_bytes();
        c.del(key(b'S', &[&id]));
        c.del(Self::folded_key(r));
        c.del(Self::skeleton_key(r));
        match r.status {
            Status::Published => {
                c.count(r.kind, b'p', -1);
                if r.listed {
                    c.count(r.kind, b'l', -1);
                    c.del(Self::published_key(r));
                }
            }
            Status::Pending => {
                c.count(r.kind, b'q', -1);
                c.del(key(b'Q', &[&id]));
                c.del(key(b'R', &[&[r.kind.tag()], &id]));
                for f in &r.flags {
                    c.del(key(b'G', &[&[f.tag()], &id]));
                }
            }
        }
        c.public = true;
    }

    fn has_prefix(&self, prefix: Vec<u8>) -> bool {
        self.db.scan_prefix(prefix).next().is_some()
    }

    /// Flags for a name arriving now, against the names already here.
    fn flags_for(&self, name: &SignatoryName, kind: Kind) -> (bool, Vec<Flag>) {
        let duplicate = self.has_prefix(key(b'F', &[&[kind.tag()], name.folded().as_bytes(), &[0]]));
        let mut flags = Vec::new();
        if duplicate {
            flags.push(Flag::DuplicateName);
        } else if self.has_prefix(key(b'K', &[flags::skeleton(name).as_bytes(), &[0]])) {
            flags.push(Flag::LookAlike);
        }
        flags.extend(flags::intrinsic(name));
        (duplicate, flags)
    }

    fn sign(&self, new: &NewSignature) -> Result<(Signed, Change), SignError> {
        match self.phase() {
            Phase::Open => {}
            Phase::Paused => return Err(SignError::Paused),
            Phase::Closed { .. } => return Err(SignError::Closed),
        }
        let token_key = key(b'T', &[&new.token_nonce]);
        if self.db.contains_key(&token_key).map_err(|_| SignError::Unavailable)? {
            return Err(SignError::TokenUsed);
        }
        let s = &new.submission;
        let (duplicate, flags) = self.flags_for(&s.name, s.kind);
        if duplicate && s.kind != Kind::Individual {
            return Err(SignError::Duplicate);
        }
        // People share names, and any flag deserves a look: hold for review.
        let status = if new.needs_review || !flags.is_empty() {
            if self.counts().total_pending() >= new.max_pending {
                return Err(SignError::ReviewQueueFull);
            }
            Status::Pending
        } else {
            Status::Published
        };
        let mut change = Change::default();
        let id = self.next_seq(&mut change, b"Mnext_id").map_err(|_| SignError::Unavailable)?;
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
        self.add(&mut change, &record);
        change.put(token_key, &new.token_forget_after.0.to_be_bytes());
        change.put(key(b'W', &[&new.withdraw_hash]), &id.to_be_bytes());
        Ok((Signed { id, status, listed: s.listed }, change))
    }

    fn withdraw(&self, hash: &[u8; 32]) -> Result<(bool, Change), SignError> {
        let w = key(b'W', &[hash]);
        let mut change = Change::default();
        let Some(id) = self.db.get(&w).map_err(|_| SignError::Unavailable)? else {
            return Ok((false, change));
        };
        change.del(w);
        if let Some(r) = self.record(id_at_end(&id)) {
            self.remove(&mut change, &r);
        }
        Ok((true, change))
    }

    fn audit(
        &self,
        c: &mut Change,
        moderator: &str,
        action: &str,
        r: Option<&Record>,
    ) -> Result<(), StoreError> {
        let seq = self.next_seq(c, b"Maudit_seq")?;
        let entry = AuditEntry {
            day: Day::today(),
            moderator: moderator.to_string(),
            action: action.to_string(),
            signature: r.map(|r| r.id),
            name: r.map(|r| r.name.as_str().to_string()),
        };
        c.put(key(b'A', &[&seq.to_be_bytes()]), &json(&entry));
        Ok(())
    }

    /// Replaces a record: old entries out, new ones in, in one change.
    fn replace(&self, c: &mut Change, old: &Record, new: &Record) {
        self.remove(c, old);
        self.add(c, new);
    }

    fn moderate(&self, moderator: &str, action: Action) -> Result<(usize, Change), StoreError> {
        let mut c = Change::default();
        let mut changed = 0;
        let pending = |id: u64| self.record(id).filter(|r| r.status == Status::Pending);
        match action {
            Action::Approve(ids) => {
                for r in ids.into_iter().filter_map(pending) {
                    let new = Record { status: Status::Published, flags: Vec::new(), ..r.clone() };
                    self.replace(&mut c, &r, &new);
                    self.audit(&mut c, moderator, "approved", Some(&r))?;
                    changed += 1;
                }
            }
            Action::Reject(ids, reason) => {
                for r in ids.into_iter().filter_map(pending) {
                    self.remove(&mut c, &r);
                    self.audit(&mut c, moderator, &format!("rejected ({})", reason.as_str()), Some(&r))?;
                    changed += 1;
                }
            }
            Action::Edit { id, name, affiliation } => {
                if let Some(r) = self.record(id) {
                    let new = Record { name, affiliation, ..r.clone() };
                    self.replace(&mut c, &r, &new);
                    self.audit(&mut c, moderator, &format!("edited (was “{}”)", r.name), Some(&new))?;
                    changed += 1;
                }
            }
            Action::Verify { id, verified } => {
                if let Some(r) =
                    self.record(id).filter(|r| r.kind != Kind::Individual && r.verified != verified)
                {
                    let new = Record { verified, ..r.clone() };
                    self.replace(&mut c, &r, &new);
                    self.audit(
                        &mut c,
                        moderator,
                        if verified { "verified" } else { "unverified" },
                        Some(&r),
                    )?;
                    changed += 1;
                }
            }
            Action::Unpublish(id) => {
                if let Some(r) = self.record(id).filter(|r| r.status == Status::Published) {
                    let new = Record { status: Status::Pending, ..r.clone() };
                    self.replace(&mut c, &r, &new);
                    self.audit(&mut c, moderator, "unpublished", Some(&r))?;
                    changed += 1;
                }
            }
            Action::Delete(id) => {
                if let Some(r) = self.record(id) {
                    self.remove(&mut c, &r);
                    self.audit(&mut c, moderator, "deleted", Some(&r))?;
                    changed += 1;
                }
            }
            Action::SetPhase(phase) => {
                let phase = match phase {
                    // Closing keeps the first closing day.
                    Phase::Closed { .. } => match self.phase() {
                        closed @ Phase::Closed { .. } => closed,
                        _ => Phase::Closed { day: Day::today(), purged: false },
                    },
                    other => other,
                };
                if phase != self.phase() {
                    c.put(b"Mphase".to_vec(), &json(&phase));
                    let what = match phase {
                        Phase::Open => "opened signing",
                        Phase::Paused => "paused signing",
                        Phase::Closed { .. } => "closed the letter",
                    };
                    self.audit(&mut c, moderator, what, None)?;
                    c.public = true;
                    changed = 1;
                }
            }
            Action::ImportNames(kind, names) => {
                for name in names {
                    if self.has_prefix(key(b'F', &[&[kind.tag()], name.folded().as_bytes(), &[0]])) {
                        continue; // already here: one signatory, not two
                    }
                    let id = self.next_seq(&mut c, b"Mnext_id")?;
                    let record = Record {
                        id,
                        name,
                        kind,
                        affiliation: None,
                        country: None,
                        listed: true,
                        status: Status::Published,
                        flags: Vec::new(),
                        verified: false,
                        day: Day::today(),
                    };
                    self.add(&mut c, &record);
                    // Apply as we go: next ids and duplicates read the tree.
                    self.apply(std::mem::take(&mut c))?;
                    changed += 1;
                }
                c.public = true;
                if changed > 0 {
                    self.audit(&mut c, moderator, &format!("imported {changed} {}", kind), None)?;
                }
            }
        }
        Ok((changed, c))
    }

    fn restore(&self, backup: Backup) -> Result<(usize, Change), StoreError> {
        if self.has_prefix(vec![b'S']) {
            return Err(StoreError(
                "the store already holds signatures: restore only into a new data dir".into(),
            ));
        }
        let mut c = Change::default();
        let mut max_id = 0;
        for r in &backup.signatures {
            self.add(&mut c, r);
            max_id = max_id.max(r.id);
        }
        for (id, hex) in &backup.withdrawal_hashes {
            let bytes: Option<Vec<u8>> =
                (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
            match bytes {
                Some(b) if b.len() == 32 => c.put(key(b'W', &[&b]), &id.to_be_bytes()),
                _ => return Err(StoreError(format!("backup: bad withdrawal hash for {id}"))),
            }
        }
        c.put(b"Mnext_id".to_vec(), &(max_id + 1).to_be_bytes());
        c.put(b"Mphase".to_vec(), &json(&backup.phase));
        c.put(b"Mimported".to_vec(), &[1]);
        Ok((backup.signatures.len(), c))
    }

    /// After the retention period of a closed letter: forget what is no
    /// longer needed — unlisted signers' details, withdrawal codes, tokens.
    pub(super) fn purge_if_due(&self, today: Day) -> Result<bool, StoreError> {
        let Phase::Closed { day, purged: false } = self.phase() else { return Ok(false) };
        if today < day.plus(self.options.retention_days) {
            return Ok(false);
        }
        let mut c = Change::default();
        for prefix in [b'W', b'T'] {
            for k in self.db.scan_prefix([prefix]).keys().filter_map(|k| k.ok()) {
                c.batch.remove(k);
            }
        }
        for v in self.db.scan_prefix([b'S']).values().filter_map(|v| v.ok()) {
            let Ok(r) = serde_json::from_slice::<Record>(&v) else { continue };
            if !r.listed && (r.affiliation.is_some() || r.country.is_some()) {
                let new = Record { affiliation: None, country: None, ..r };
                c.put(key(b'S', &[&new.id.to_be_bytes()]), &json(&new));
            }
        }
        c.put(b"Mphase".to_vec(), &json(&Phase::Closed { day, purged: true }));
        self.audit(&mut c, "retention", "purged private fields", None)?;
        self.apply(c)?;
        Ok(true)
    }

    /// Forgets used tokens whose forms have expired anyway.
    fn forget_expired_tokens(&self, today: Day) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for (k, v) in self.db.scan_prefix([b'T']).filter_map(|e| e.ok()) {
            let day = v.as_ref().try_into().map(u32::from_be_bytes).unwrap_or(0);
            if Day(day) < today {
                batch.remove(k);
            }
        }
        self.db.apply_batch(batch)?;
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
            let mut wrote = false;
            let mut public = false;
            let mut next = Some(first);
            while let Some(request) = next.take() {
                let (answer, change) = self.answer(request);
                if let Some(change) = change {
                    match self.apply(change) {
                        Ok(p) => {
                            wrote = true;
                            public |= p;
                            answers.push(answer);
                        }
                        Err(_) => answer.fail(),
                    }
                } else {
                    answers.push(answer);
                }
                if answers.len() < MAX_GROUP {
                    next = rx.try_recv().ok();
                }
            }
            let durable = !wrote || self.sync().is_ok();
            if public && durable {
                self.generation.fetch_add(1, Ordering::AcqRel);
            }
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

    /// Works out a request's answer and the change to apply for it.
    fn answer(&self, request: Request) -> (Answer, Option<Change>) {
        match request {
            Request::Sign(new, tx) => match self.sign(&new) {
                Ok((signed, change)) => (Answer::Sign(Ok(signed), tx), Some(change)),
                Err(e) => (Answer::Sign(Err(e), tx), None),
            },
            Request::Withdraw(hash, tx) => match self.withdraw(&hash) {
                Ok((found, change)) => (Answer::Withdraw(Ok(found), tx), Some(change)),
                Err(e) => (Answer::Withdraw(Err(e), tx), None),
            },
            Request::Moderate(who, action, tx) => match self.moderate(&who, action) {
                Ok((n, change)) => (Answer::Count(Ok(n), tx), Some(change)),
                Err(e) => (Answer::Count(Err(e), tx), None),
            },
            Request::Restore(backup, tx) => match self.restore(*backup) {
                Ok((n, change)) => (Answer::Count(Ok(n), tx), Some(change)),
                Err(e) => (Answer::Count(Err(e), tx), None),
            },
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
            Answer::Count(_, tx) => {
                drop(tx.send(Err(StoreError("the change could not be written to disk".into()))))
            }
        }
    }
}
