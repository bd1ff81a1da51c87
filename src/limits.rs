//! In-memory throttles for signing: one token bucket for the whole site and,
//! behind tor with `HiddenServiceExportCircuitID`, one small bucket and a
//! connection cap per Tor circuit. A circuit id lives here only while the
//! circuit has an open connection; it is never stored or printed, and its
//! entry is dropped with the circuit's last connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

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
}

/// Per-circuit connection counts and signing buckets.
pub struct CircuitLimits {
    circuits: Mutex<HashMap<u32, CircuitEntry>>,
    max_connections: usize,
    sign_burst: u32,
    sign_per_minute: u32,
}

/// Held by a connection for its lifetime; releases the circuit's slot.
pub struct CircuitGuard {
    limits: Arc<CircuitLimits>,
    circuit: u32,
}

impl CircuitLimits {
    /// Caps of `max_connections` per circuit and a signing bucket of `sign_burst`, refilled at `sign_per_minute`.
    pub fn new(max_connections: usize, sign_burst: u32, sign_per_minute: u32) -> Arc<Self> {
        Arc::new(CircuitLimits {
            circuits: Mutex::new(HashMap::new()),
            max_connections,
            sign_burst,
            sign_per_minute,
        })
    }

    /// Registers a connection on `circuit`; `None` when that circuit already
    /// has its maximum of open connections.
    pub fn connect(self: &Arc<Self>, circuit: u32) -> Option<CircuitGuard> {
        let mut map = self.circuits.lock().ok()?;
        let entry = map.entry(circuit).or_insert_with(|| CircuitEntry {
            connections: 0,
            signing: Bucket::new(self.sign_burst, self.sign_per_minute as f64 / 60.0),
        });
        if entry.connections >= self.max_connections {
            return None;
        }
        entry.connections += 1;
        Some(CircuitGuard { limits: Arc::clone(self), circuit })
    }

    /// Circuits currently tracked: they must not outlive their connections.
    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.circuits.lock().map(|m| m.len()).unwrap_or(0)
    }
}

impl CircuitGuard {
    /// Takes a signature's token from this circuit's bucket if there is one.
    pub fn allow_sign(&self) -> bool {
        let mut map = match self.limits.circuits.lock() {
            Ok(m) => m,
            Err(_) => return false,
        };
        map.get_mut(&self.circuit).is_some_and(|e| e.signing.take())
    }
}

impl Drop for CircuitGuard {
    fn drop(&mut self) {
        if let Ok(mut map) = self.limits.circuits.lock() {
            if let Some(e) = map.get_mut(&self.circuit) {
                e.connections -= 1;
                if e.connections == 0 {
                    map.remove(&self.circuit);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
    fn circuits_are_throttled_independently_and_forgotten() {
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
        assert_eq!(limits.tracked(), 0);
    }
}
