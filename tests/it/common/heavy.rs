//! The machine, shared by tests that run as parallel threads of the one
//! test binary (when each story was its own binary, only tests of the same
//! story ran at the same time).
//!
//! Two kinds of test are heavy: those whose bounded waits assume they have
//! the machine to themselves — the private Tor network, which used to run
//! alone in its binary, and the crash under a signing load — hold it
//! [`alone`]; the outside tools the page checks run, Chromium and the Nu
//! checker, hold it [`shared`] for each run, so they still overlap each
//! other as before, but never an `alone` test. Light tests (one server, a
//! few requests) take nothing.

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

static MACHINE: RwLock<()> = RwLock::new(());

/// Held for a whole test that no other heavy work may overlap.
/// A test that failed while holding it does not block the others.
pub fn alone() -> RwLockWriteGuard<'static, ()> {
    MACHINE.write().unwrap_or_else(PoisonError::into_inner)
}

/// Held for one run of a heavy tool, beside other such runs.
pub fn shared() -> RwLockReadGuard<'static, ()> {
    MACHINE.read().unwrap_or_else(PoisonError::into_inner)
}
