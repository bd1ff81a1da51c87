//! In-memory throttles: a [`Queue`] for expensive work (a few at once, a
//! bounded number waiting), and for signing one token bucket for the whole
//! site and, behind tor with `HiddenServiceExportCircuitID`, one small
//! bucket and a connection cap per Tor circuit. A circuit id lives here, in memory only,
//! while the circuit has an open connection and after its last one closes
//! until its bucket would be full again (90 s by default), so a client
//! cannot reset its limit by reconnecting; at most [`MAX_IDLE_CIRCUITS`]
//! such idle circuits are kept. It is never stored or printed.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Expensive work (a scan, a passphrase check): `at_once` run, at most
/// `waiting` more wait their turn, each for at most `patience`; anyone
/// beyond is turned away at once, so a flood holds no connections.
pub struct Queue {
    turns: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    patience: Duration,
}

/// Why [`Queue::enter`] gave no turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

impl Queue {
    /// `at_once` turns, `waiting` waiters, each waiting at most `patience`.
    pub fn new(at_once: usize, waiting: usize, patience: Duration) -> Queue {
        Queue {
            turns: Arc::new(Semaphore::new(at_once)),
            waiting: AtomicUsize::new(0),
            max_waiting: waiting,
            patience,
        }
    }

    /// A turn, held until the permit is dropped (it can go with the work
    /// to another thread, so work whose visitor left still counts until it
    /// ends); [`Full`] when too many wait already or the wait ran out.
    pub async fn enter(&self) -> Result<OwnedSemaphorePermit, Full> {
        if let Ok(turn) = Arc::clone(&self.turns).try_acquire_owned() {
            return Ok(turn);
        }
        // Counted out on drop too: the visitor may leave while waiting.
        let waiter = Waiter(&self.waiting);
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            return Err(Full);
        }
        let turn = tokio::time::timeout(self.patience, Arc::clone(&self.turns).acquire_owned()).await;
        drop(waiter);
        match turn {
            Ok(Ok(turn)) => Ok(turn),
            _ => Err(Full),
        }
    }
}

/// One waiter counted while this lives.
struct Waiter<'a>(&'a AtomicUsize);

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A classic token bucket: `burst` tokens, refilled at `per_second`.
#[derive(Debug)]
pub struct Bucket {
    tokens: f64,
    burst: f64,
    per_second: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket of `burst` tokens, refilled at `per_second`.
    pub fn new(burst: u32, per_second: f64) -> Bucket {
        Bucket { tokens: burst as f64, burst: burst as f64, per_second, last: Instant::now() }
    }

    /// Takes a token if there is one.
    pub fn take(&mut self) -> bool {
        self.take_at(Instant::now())
    }

    fn take_at(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A site-wide signing throttle, shared by all connections.
pub struct SiteLimit(Mutex<Bucket>);

impl SiteLimit {
    /// A throttle of `burst` signatures, refilled at `per_second`.
    pub fn new(burst: u32, per_second: u32) -> SiteLimit {
        SiteLimit(Mutex::new(Bucket::new(burst, per_second as f64)))
    }

    /// Takes a signature's token if there is one.
    pub fn allow_sign(&self) -> bool {
        self.0.lock().map(|mut b| b.take()).unwrap_or(false)
    }
}

struct CircuitEntry {
    connections: usize,
    signing: Bucket,
    /// When its last connection closed; `None` while one is open.
    idle_since: Option<Instant>,
}

/// The circuits, and those without an open connection oldest first, so the
/// ones to forget are found without a scan.
#[derive(Default)]
struct Circuits {
    map: HashMap<u32, CircuitEntry>,
    idle: BTreeSet<(Instant, u32)>,
}

/// Circuits remembered after their last connection, at most: a few hundred
/// KiB. Past it the longest idle is forgotten first.
const MAX_IDLE_CIRCUITS: usize = 10_000;

/// Per-circuit connection counts and signing buckets.
pub struct CircuitLimits {
    circuits: Mutex<Circuits>,
    max_connections: usize,
    sign_burst: u32,
    sign_per_minute: u32,
    /// How long a bucket takes to fill up again: past it, a circuit without
    /// connections is no different from a new one and is forgotten.
    refill: Duration,
}

/// Held by a connection for its lifetime; releases the circuit's slot.
pub struct CircuitGuard {
    limits: Arc<CircuitLimits>,
    circuit: u32,
}

impl CircuitLimits {
    /// Caps of `max_connections` per circuit and a signing bucket of `sign_burst`, refilled at `sign_per_minute`.
    pub fn new(max_connections: usize, sign_burst: u32, sign_per_minute: u32) -> Arc<Self> {
        let refill = Duration::from_secs_f64(60.0 * sign_burst as f64 / sign_per_minute.max(1) as f64);
        Arc::new(CircuitLimits {
            circuits: Mutex::new(Circuits::default()),
            max_connections,
            sign_burst,
            sign_per_minute,
            refill,
        })
    }

    /// Registers a connection on `circuit`; `None` when that circuit already
    /// has its maximum of open connections.
    pub fn connect(self: &Arc<Self>, circuit: u32) -> Option<CircuitGuard> {
        let now = Instant::now();
        let mut c = self.circuits.lock().ok()?;
        self.forget_idle(&mut c, now);
        let Circuits { map, idle } = &mut *c;
        let entry = map.entry(circuit).or_insert_with(|| CircuitEntry {
            connections: 0,
            signing: Bucket::new(self.sign_burst, self.sign_per_minute as f64 / 60.0),
            idle_since: None,
        });
        if entry.connections >= self.max_connections {
            return None;
        }
        if let Some(since) = entry.idle_since.take() {
            idle.remove(&(since, circuit));
        }
        entry.connections += 1;
        Some(CircuitGuard { limits: Arc::clone(self), circuit })
    }

    /// Forgets circuits idle long enough for their bucket to be full again.
    fn forget_idle(&self, c: &mut Circuits, now: Instant) {
        while let Some(&(since, circuit)) = c.idle.first() {
            if now.saturating_duration_since(since) < self.refill {
                break;
            }
            c.idle.pop_first();
            c.map.remove(&circuit);
        }
    }

    fn release(&self, circuit: u32, now: Instant) {
        let Ok(mut c) = self.circuits.lock() else { return };
        let Some(e) = c.map.get_mut(&circuit) else { return };
        e.connections = e.connections.saturating_sub(1);
        if e.connections > 0 {
            return;
        }
        // Kept, so that reconnecting does not refill the bucket.
        e.idle_since = Some(now);
        c.idle.insert((now, circuit));
        if c.idle.len() > MAX_IDLE_CIRCUITS {
            if let Some((_, oldest)) = c.idle.pop_first() {
                c.map.remove(&oldest);
            }
        }
        self.forget_idle(&mut c, now);
    }

    /// Circuits currently tracked, with or without connections.
    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.circuits.lock().map(|c| c.map.len()).unwrap_or(0)
    }
}

impl CircuitGuard {
    /// Takes a signature's token from this circuit's bucket if there is one.
    pub fn allow_sign(&self) -> bool {
        let mut c = match self.limits.circuits.lock() {
            Ok(c) => c,
            Err(_) => return false,
        };
        c.map.get_mut(&self.circuit).is_some_and(|e| e.signing.take())
    }
}

impl Drop for CircuitGuard {
    fn drop(&mut self) {
        self.limits.release(self.circuit, Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_queue_runs_some_lets_some_wait_and_turns_the_rest_away() {
        let queue = Arc::new(Queue::new(1, 1, Duration::from_secs(5)));
        let first = queue.enter().await.unwrap();
        let waiting = tokio::spawn({
            let queue = Arc::clone(&queue);
            async move { queue.enter().await.map(drop) }
        });
        tokio::task::yield_now().await;
        assert_eq!(queue.enter().await.unwrap_err(), Full, "one waits already");
        drop(first);
        assert_eq!(waiting.await.unwrap(), Ok(()), "the waiting one had its turn");
        // A turn held longer than a waiter's patience: it is turned away.
        let held = queue.enter().await.unwrap();
        let started = tokio::time::Instant::now();
        assert_eq!(queue.enter().await.unwrap_err(), Full);
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        drop(held);
        // A waiter that leaves is no longer counted.
        let held = queue.enter().await.unwrap();
        let gone = tokio::spawn({
            let queue = Arc::clone(&queue);
            async move { queue.enter().await.map(drop) }
        });
        tokio::task::yield_now().await;
        gone.abort();
        let _ = gone.await;
        let next = tokio::spawn({
            let queue = Arc::clone(&queue);
            async move { queue.enter().await.map(drop) }
        });
        tokio::task::yield_now().await;
        drop(held);
        assert_eq!(next.await.unwrap(), Ok(()));
    }

    #[test]
    fn bucket_allows_a_burst_then_refills() {
        let start = Instant::now();
        let mut b = Bucket::new(2, 1.0);
        b.last = start;
        assert!(b.take_at(start) && b.take_at(start));
        assert!(!b.take_at(start));
        assert!(b.take_at(start + Duration::from_millis(1001)));
    }

    #[test]
    fn circuits_are_throttled_independently_and_remembered_until_refilled() {
        let limits = CircuitLimits::new(2, 1, 1);
        let a = limits.connect(7).unwrap();
        let b = limits.connect(8).unwrap();
        assert!(a.allow_sign());
        assert!(!a.allow_sign());
        assert!(b.allow_sign());
        let a2 = limits.connect(7).unwrap();
        assert!(limits.connect(7).is_none(), "third connection on one circuit");
        assert_eq!(limits.tracked(), 2);
        drop((a, a2, b));
        assert_eq!(limits.tracked(), 2, "kept after the last connection");
        let again = limits.connect(7).unwrap();
        assert!(!again.allow_sign(), "reconnecting does not refill the bucket");
        drop(again);
        let later = Instant::now() + limits.refill;
        let mut c = limits.circuits.lock().unwrap();
        limits.forget_idle(&mut c, later);
        assert_eq!(c.map.len() + c.idle.len(), 0, "forgotten once the buckets are full again");
    }

    #[test]
    fn idle_circuits_are_bounded() {
        let limits = CircuitLimits::new(1, 1, 1);
        for circuit in 0..(MAX_IDLE_CIRCUITS as u32 + 10) {
            drop(limits.connect(circuit).unwrap());
        }
        assert_eq!(limits.tracked(), MAX_IDLE_CIRCUITS);
        let held = limits.connect(1_000_000).unwrap();
        assert_eq!(limits.tracked(), MAX_IDLE_CIRCUITS + 1, "circuits with connections are not evicted");
        drop(held);
        assert_eq!(limits.tracked(), MAX_IDLE_CIRCUITS);
        assert!(limits.connect(0).unwrap().allow_sign(), "the oldest idle were forgotten first");
    }
}
