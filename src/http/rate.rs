//! The minimum rate a request's head and a form's body must keep up after
//! a grace period, so that a slow client cannot hold a connection slot.

use std::time::Duration;
use tokio::time::Instant;

/// A minimum data rate after a grace period, as Apache's `mod_reqtimeout`:
/// what has arrived by a moment must be at least the rate times the time
/// past the grace period.
#[derive(Clone, Copy, Debug)]
pub struct MinRate {
    /// Time before the rate applies.
    pub grace: Duration,
    /// Bytes per second, averaged from the first byte.
    pub bytes_per_second: u32,
}

impl MinRate {
    /// `bytes_per_second` after `grace`.
    pub fn new(grace: Duration, bytes_per_second: u32) -> MinRate {
        MinRate { grace, bytes_per_second }
    }

    /// When `bytes` received since `start` stop being enough.
    pub fn deadline(&self, start: Instant, bytes: usize) -> Instant {
        let micros = (bytes as u64).saturating_mul(1_000_000) / u64::from(self.bytes_per_second.max(1));
        start + self.grace + Duration::from_micros(micros).min(Duration::from_secs(24 * 3600))
    }
}
