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
//!
//! What one request does is in `changes`, built from the steps of a
//! transaction in `tx`.

use super::error::{SignError, StoreError};
use super::request::{Reply, Request, Signed};
use super::search;
use super::shared::Inner;
use super::tx::{in_transaction, Tx};
use crate::domain::record::Day;
use rusqlite::Connection;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Requests applied before one durable commit, at most. Every client in a
/// group waits for the whole group; 32 lets one part of the clients be
/// answered and come back while the next part is applied
/// (`bench/README.md`).
const MAX_GROUP: usize = 32;

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
            self.inner.index.removed();
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
                if removed {
                    self.inner.index.removed();
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
