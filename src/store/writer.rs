//! The writer thread: the only code that changes the store. It takes the
//! requests waiting (up to [`MAX_GROUP`]), applies them inside one SQLite
//! transaction and commits once, then hands the group to the syncer
//! (`durable`), which answers it once the write-ahead log is fsynced
//! (group commit), while the writer goes on with the next group. Later
//! requests of a group read what the earlier ones wrote, as the
//! transaction sees its own writes.
//!
//! A refusal (a used token, a duplicate) is decided before its request
//! writes anything; a store error after writes spoils the group, which is
//! rolled back and answered as not written. What every signature would
//! otherwise read or update one row at a time (the phase, the next ids, the
//! counts, the per-bin counts) is kept for the group and written once.
//!
//! What one request does is in `changes`, built from the steps of a
//! transaction in `tx`.

use super::durable::{Answer, Committed, Health, Syncer};
use super::error::{SignError, StoreError};
use super::request::Request;
use super::search;
use super::shared::Inner;
use super::tx::{in_transaction, Tx};
use crate::domain::record::Day;
use rusqlite::Connection;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Requests applied before one commit, at most. Every client in a
/// group waits for the whole group; 32 lets one part of the clients be
/// answered and come back while the next part is applied
/// (`bench/README.md`).
const MAX_GROUP: usize = 32;

/// How long the writer waits at a time for more requests while the
/// syncer is busy.
const GATHER: Duration = Duration::from_millis(1);

/// The writer thread's state.
pub(super) struct Writer {
    pub(super) c: Connection,
    pub(super) inner: Arc<Inner>,
    /// Answers each committed group once it is durable; dropped (finished
    /// and joined) with the writer.
    pub(super) syncer: Syncer,
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
            self.syncer.hand(Committed { answers: Vec::new(), public: true, removed: true });
        }
    }

    /// The writer loop: take a group, apply it, commit it, answer it.
    pub(super) fn run(&self, mut rx: mpsc::Receiver<Request>) {
        let mut last_daily = Day(0);
        let mut dropped = 0;
        let mut health = Health::default();
        loop {
            let today = Day::today();
            if today != last_daily {
                self.daily(today);
                last_daily = today;
            }
            let Some(first) = rx.blocking_recv() else { break }; // every handle is gone
            let mut answers: Vec<Answer> = Vec::with_capacity(MAX_GROUP);
            let begun = self.c.execute_batch("BEGIN IMMEDIATE");
            let mut tx = Tx::new(&self.c);
            tx.letter_version = self.inner.letters.number();
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
                    // While the syncer is busy with the groups before, this
                    // one could not be answered sooner: it takes in what
                    // arrives meanwhile, a millisecond at a time.
                    while next.is_none() && self.syncer.busy_after(GATHER) {
                        next = rx.try_recv().ok();
                    }
                }
            }
            // What the search indexer has applied leaves the log with this group.
            let applied = self.inner.index.applied.load(Ordering::Acquire);
            if failure.is_none() && applied > dropped {
                failure = search::drop_applied(&self.c, applied).err().map(|e| e.to_string());
            }
            let (public, removed) = (tx.public, tx.removed);
            if failure.is_none() {
                failure = tx.finish().err().map(|e| e.to_string());
            }
            if failure.is_none() {
                failure = self.c.execute_batch("COMMIT").err().map(|e| e.to_string());
            }
            let committed = failure.is_none();
            if begun.is_ok() && !committed {
                let _ = self.c.execute_batch("ROLLBACK");
            }
            health.after_group(failure.as_deref(), self.inner.options.notice);
            if committed {
                dropped = dropped.max(applied);
                self.syncer.hand(Committed { answers, public, removed });
            } else {
                answers.into_iter().for_each(Answer::fail);
            }
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
