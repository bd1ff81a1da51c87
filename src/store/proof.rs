//! Proofs of signature in the store: the `proof` table (one row per
//! organisation or company that gave a website: its domain, its token,
//! whether the line was found, the day of the last check and what went
//! wrong), written with the signature, updated by the checker's results
//! through the writer, gone with the signature. A proof found puts a
//! [`ProofMark`] on the signature's record, so that every list, export
//! and snapshot shows it; one gone takes it off, and the audit list says
//! both.

use super::codec::json_text;
use super::error::StoreError;
use super::tx::Tx;
use crate::domain::record::{AuditAction, Day, Status};
use crate::domain::{ProofMark, ProofProblem, ProofRow, ProofState, Website};
use rusqlite::{Connection, OptionalExtension};

/// Who the audit list names for what the checker found.
pub const CHECKER: &str = "proof check";

/// What a check found, for [`Tx::proof_checked`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofCheck {
    /// The signature.
    pub signature: u64,
    /// The token that was looked for: a result for another (an earlier
    /// signature with the same id cannot be, but a restore might) is
    /// dropped.
    pub token: String,
    /// The line was found, or why not.
    pub outcome: Result<(), ProofProblem>,
    /// A proof publishes a pending signature (`publish_proven`).
    pub publish: bool,
}

const COLUMNS: &str = "id, domain, token, state, checked, problem";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<ProofRow>> {
    let domain: String = r.get(1)?;
    let state: String = r.get(3)?;
    let problem: Option<String> = r.get(5)?;
    // A row this version cannot read is skipped, not shown wrong.
    let (Ok(domain), Some(state)) = (Website::try_from(domain), ProofState::parse(&state)) else {
        return Ok(None);
    };
    Ok(Some(ProofRow {
        signature: r.get::<_, i64>(0)? as u64,
        domain,
        token: r.get(2)?,
        state,
        checked: r.get::<_, Option<i64>>(4)?.map(|d| Day(d as u32)),
        problem: problem.and_then(|p| serde_json::from_str(&p).ok()),
    }))
}

/// The proof of signature `id`, if it gave a website.
pub(super) fn proof(c: &Connection, id: u64) -> Result<Option<ProofRow>, StoreError> {
    let mut stmt = c.prepare_cached(&format!("SELECT {COLUMNS} FROM proof WHERE id = ?1"))?;
    Ok(stmt.query_row([id as i64], row).optional()?.flatten())
}

/// At most `limit` proofs of signatures after `after`, in id order.
pub(super) fn proofs_after(c: &Connection, after: u64, limit: usize) -> Result<Vec<ProofRow>, StoreError> {
    let mut stmt =
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM proof WHERE id > ?1 ORDER BY id LIMIT ?2"))?;
    let rows =
        stmt.query_map((after.min(i64::MAX as u64) as i64, limit.min(i64::MAX as usize) as i64), row)?;
    let mut out = Vec::new();
    for r in rows {
        out.extend(r?);
    }
    Ok(out)
}

impl Tx<'_> {
    /// Records the proof a new signature asks for.
    pub(super) fn add_proof(&mut self, id: u64, domain: &Website, token: &str) -> Result<(), StoreError> {
        (self.c.prepare_cached(
            "INSERT OR REPLACE INTO proof(id, domain, token, state, checked, problem) VALUES (?1, ?2, ?3, ?4, NULL, NULL)",
        )?)
        .execute((id as i64, domain.as_str(), token, ProofState::Pending.as_str()))?;
        Ok(())
    }

    /// Forgets the proof of a signature removed for good.
    pub(super) fn forget_proof(&mut self, id: u64) -> Result<(), StoreError> {
        self.c.prepare_cached("DELETE FROM proof WHERE id = ?1")?.execute([id as i64])?;
        Ok(())
    }

    /// Applies what a check found; how many signatures it changed.
    ///
    /// A line found marks the signature (and, with `publish`, publishes it
    /// if it waits for review with nothing flagged). The line gone (the
    /// file without it, or no file) takes the mark off; a website that
    /// cannot be reached, or whose certificate is refused, leaves a held
    /// proof as it was found last (its day says when), with the problem
    /// for the moderator.
    pub(super) fn proof_checked(&mut self, check: ProofCheck) -> Result<usize, StoreError> {
        let Some(p) = proof(self.c, check.signature)?.filter(|p| p.token == check.token) else {
            return Ok(0);
        };
        let Some(r) = self.record(p.signature)? else {
            self.forget_proof(p.signature)?;
            return Ok(0);
        };
        let today = Day::today();
        let gone = matches!(check.outcome, Err(ProofProblem::LineMissing | ProofProblem::NoFile(_)));
        let state = match (&check.outcome, p.state) {
            (Ok(()), _) => ProofState::Held,
            (Err(_), ProofState::Held) if !gone => ProofState::Held,
            (Err(_), _) => ProofState::Pending,
        };
        let problem = check.outcome.err().map(|p| json_text(&p));
        (self.c.prepare_cached("UPDATE proof SET state = ?2, checked = ?3, problem = ?4 WHERE id = ?1")?)
            .execute((r.id as i64, state.as_str(), i64::from(today.0), problem))?;
        let mut new = r.clone();
        let domain = p.domain.as_str().to_string();
        match check.outcome {
            Ok(()) => {
                new.proof = Some(ProofMark { domain: p.domain.clone(), day: today });
                if check.publish && r.status == Status::Pending && r.flags.is_empty() {
                    new.status = Status::Published;
                }
            }
            Err(_) if gone => new.proof = None,
            Err(_) => {}
        }
        if new == r {
            return Ok(0);
        }
        self.replace(&r, &new)?;
        match (&r.proof, &new.proof) {
            (None, Some(_)) => self.audit(CHECKER, AuditAction::ProofTaken { domain }, Some(&r))?,
            (Some(_), None) => self.audit(CHECKER, AuditAction::ProofLost { domain }, Some(&r))?,
            _ => {}
        }
        if r.status != new.status {
            self.audit(CHECKER, AuditAction::Approved, Some(&r))?;
        }
        Ok(1)
    }
}
