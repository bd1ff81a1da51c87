//! Connection slots: every open connection of a listener and where it is
//! (waiting, sending a head, being answered), so that when all slots are
//! taken the one that most deserves it is closed to make room, and the
//! memory a flood freed is given back once it has gone.

use super::rate::MinRate;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Where a connection is, as far as making room goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    /// Between requests (or before the first): since when, and whether it
    /// has been answered before.
    Waiting { since: Instant, served: bool },
    /// A request's head is arriving: since its first byte, and how much.
    Head { since: Instant, bytes: usize, served: bool },
    /// A request is being answered: never closed to make room.
    Busy,
    /// Chosen to make room: it closes, and no request starts on it.
    Evicted,
}

/// A connection this young that has sent nothing whole yet is likelier a
/// visitor on its way than a slowloris head: it makes room last, after
/// the connections idle between requests (a slow reader that has taken
/// its answer is one), which otherwise outlive it.
const FRESH: Duration = Duration::from_secs(1);

/// One open connection's entry in the [`Table`].
pub(super) struct Slot {
    pub(super) accepted: Instant,
    phase: Mutex<Phase>,
    pub(super) evict: Notify,
}

impl Slot {
    pub(super) fn phase(&self) -> Phase {
        self.phase.lock().map(|p| *p).unwrap_or(Phase::Evicted)
    }

    pub(super) fn set(&self, to: Phase) {
        if let Ok(mut p) = self.phase.lock() {
            if *p != Phase::Evicted {
                *p = to;
            }
        }
    }

    /// A request's head is whole: it is being answered, unless the
    /// connection was chosen to make room first.
    pub(super) fn begin(&self) -> bool {
        let Ok(mut p) = self.phase.lock() else { return false };
        if *p == Phase::Evicted {
            return false;
        }
        *p = Phase::Busy;
        true
    }

    /// Bytes of a head arrived; the head's deadline, if one is arriving.
    pub(super) fn read(&self, n: usize) {
        if let Ok(mut p) = self.phase.lock() {
            *p = match *p {
                Phase::Waiting { served, .. } => Phase::Head { since: Instant::now(), bytes: n, served },
                Phase::Head { since, bytes, served } => Phase::Head { since, bytes: bytes + n, served },
                other => other,
            };
        }
    }

    /// The deadline of the head on its way, if one is: asked only when a
    /// read waits, so a head read at once costs no clock or timer.
    pub(super) fn deadline(&self, rate: &MinRate) -> Option<Instant> {
        match *self.phase.lock().ok()? {
            Phase::Head { since, bytes, .. } => Some(rate.deadline(since, bytes)),
            _ => None,
        }
    }
}

/// Every open connection of a listener, so that when all slots are taken
/// the oldest one not answering a request can be closed to make room (as
/// nginx reuses idle keep-alive connections), and slowloris at any number
/// of connections cannot keep a visitor out. Bounded by the slots.
#[derive(Default)]
pub(super) struct Table {
    slots: Mutex<HashMap<u64, Arc<Slot>>>,
    next: AtomicU64,
    /// Told when a connection stops answering: it may now make room.
    pub(super) idle: Notify,
    /// The most connections open at once since memory was last given back.
    peak: AtomicUsize,
}

/// Open connections after which, once most have gone, the memory they
/// freed is given back ([`crate::memory`]): a flood, not everyday traffic.
const FLOOD: usize = 64;

impl Table {
    pub(super) fn open(self: &Arc<Self>) -> (Arc<Slot>, Registered) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let slot = Arc::new(Slot {
            accepted: now,
            phase: Mutex::new(Phase::Waiting { since: now, served: false }),
            evict: Notify::new(),
        });
        if let Ok(mut slots) = self.slots.lock() {
            slots.insert(id, Arc::clone(&slot));
            self.peak.fetch_max(slots.len(), Ordering::Relaxed);
        }
        (slot, Registered { table: Arc::clone(self), id })
    }

    /// Closes the connection that most deserves it: first one that has
    /// never finished a request, oldest first; then one idle between
    /// requests, longest idle first; only then a [`FRESH`] one. False when
    /// every one is answering.
    pub(super) fn evict_one(&self) -> bool {
        let Ok(slots) = self.slots.lock() else { return false };
        let now = Instant::now();
        let candidate = slots
            .values()
            .filter_map(|s| match s.phase() {
                Phase::Waiting { served: false, .. } | Phase::Head { served: false, .. } => {
                    let fresh = now.saturating_duration_since(s.accepted) < FRESH;
                    Some(((if fresh { 2 } else { 0 }, s.accepted), s))
                }
                Phase::Waiting { since, served: true } | Phase::Head { since, served: true, .. } => {
                    Some(((1, since), s))
                }
                Phase::Busy | Phase::Evicted => None,
            })
            .min_by_key(|(key, _)| *key)
            .map(|(_, s)| Arc::clone(s));
        drop(slots);
        let Some(slot) = candidate else { return false };
        if let Ok(mut p) = slot.phase.lock() {
            if *p == Phase::Busy {
                return false; // it began a request meanwhile
            }
            *p = Phase::Evicted;
        }
        slot.evict.notify_one();
        true
    }
}

/// Removes a connection from its table when it ends.
pub(super) struct Registered {
    table: Arc<Table>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        let Ok(mut slots) = self.table.slots.lock() else { return };
        slots.remove(&self.id);
        let (open, peak) = (slots.len(), self.table.peak.load(Ordering::Relaxed));
        if peak >= FLOOD && open <= peak / 8 {
            self.table.peak.store(open, Ordering::Relaxed);
            drop(slots);
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                drop(runtime.spawn_blocking(crate::memory::release_freed));
            }
        }
    }
}
