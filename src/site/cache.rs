//! The public site's page cache: the letter page and the exports, built
//! once per generation of the public view and kept as bytes. While one
//! request rebuilds, or within `min_rebuild` of the last build, the others
//! get the previous build instead of queueing or rebuilding again.

use bytes::Bytes;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Bytes of a page rendered for one generation of the public view.
struct Cached<T> {
    generation: u64,
    value: Arc<T>,
    built: Instant,
}

/// The letter page split around the form token; no `tail` when there is
/// no form (signing paused or closed).
pub struct LetterPage {
    /// Up to the token (the whole page when there is no form).
    pub head: Bytes,
    /// After the token.
    pub tail: Option<Bytes>,
}

/// One cached page or export: the latest build, and whether a rebuild is
/// under way.
struct Slot<T> {
    latest: Option<Cached<T>>,
    rebuilding: bool,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot { latest: None, rebuilding: false }
    }
}

/// Cached pages and exports, rebuilt on the first request after a change.
pub struct PageCache {
    letter: Mutex<Slot<LetterPage>>,
    json: Mutex<Slot<Bytes>>,
    csv: Mutex<Slot<Bytes>>,
    /// Builds of one page this close together, at most one: under a signing
    /// load every group changes the page, and rebuilding for each took a
    /// third of the connection threads' time.
    min_rebuild: Duration,
}

/// The value for `generation`, building it if needed. While one request
/// rebuilds, or within `min_rebuild` of the last build, the others get the
/// previous build instead of queueing or rebuilding again: under a signing
/// load the page lags by at most `min_rebuild` plus one build. A build that
/// fails is not kept: its error is answered and the next request tries again.
fn cached<T, E>(
    slot: &Mutex<Slot<T>>,
    generation: u64,
    min_rebuild: Duration,
    build: impl FnOnce() -> Result<T, E>,
) -> Result<Arc<T>, E> {
    let lock = || slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    {
        let mut s = lock();
        match &s.latest {
            Some(c) if c.generation >= generation => return Ok(Arc::clone(&c.value)),
            Some(c) if s.rebuilding || c.built.elapsed() < min_rebuild => return Ok(Arc::clone(&c.value)),
            _ => s.rebuilding = true,
        }
    }
    let built = build();
    let mut s = lock();
    s.rebuilding = false;
    let value = Arc::new(built?);
    if s.latest.as_ref().is_none_or(|c| c.generation < generation) {
        s.latest = Some(Cached { generation, value: Arc::clone(&value), built: Instant::now() });
    }
    Ok(value)
}

impl PageCache {
    /// A cache that rebuilds a page at most every `min_rebuild`.
    pub fn new(min_rebuild: Duration) -> PageCache {
        PageCache { letter: Mutex::default(), json: Mutex::default(), csv: Mutex::default(), min_rebuild }
    }

    /// The letter page for `generation`; `build` renders it with the
    /// token mark, where the page is split.
    pub fn letter(&self, generation: u64, build: impl FnOnce() -> String) -> Arc<LetterPage> {
        let page = cached(&self.letter, generation, self.min_rebuild, || {
            let html = build();
            Ok::<_, std::convert::Infallible>(match html.split_once(crate::render::TOKEN_MARK) {
                Some((head, tail)) => LetterPage {
                    head: Bytes::copy_from_slice(head.as_bytes()),
                    tail: Some(Bytes::copy_from_slice(tail.as_bytes())),
                },
                None => LetterPage { head: Bytes::from(html), tail: None },
            })
        });
        match page {
            Ok(page) => page,
            Err(never) => match never {},
        }
    }

    /// The JSON export for `generation`.
    pub fn json<E>(
        &self,
        generation: u64,
        build: impl FnOnce() -> Result<Bytes, E>,
    ) -> Result<Arc<Bytes>, E> {
        cached(&self.json, generation, self.min_rebuild, build)
    }

    /// The CSV export for `generation`.
    pub fn csv<E>(&self, generation: u64, build: impl FnOnce() -> Result<Bytes, E>) -> Result<Arc<Bytes>, E> {
        cached(&self.csv, generation, self.min_rebuild, build)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_rebuilds_on_change_but_not_more_often_than_allowed() {
        let slot = Mutex::new(Slot::default());
        let now = |min: u64, generation: u64, value: u32| {
            *cached(&slot, generation, Duration::from_millis(min), || Ok::<_, ()>(value)).unwrap()
        };
        assert_eq!(now(0, 1, 10), 10);
        assert_eq!(now(0, 1, 11), 10, "same generation: no rebuild");
        assert_eq!(now(0, 2, 12), 12, "a change rebuilds at once without an interval");
        assert_eq!(now(60_000, 3, 13), 12, "within the interval: the last build");
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(now(20, 3, 14), 14, "past the interval: rebuilt");
    }

    #[test]
    fn a_failed_build_is_answered_and_not_kept() {
        let slot: Mutex<Slot<u32>> = Mutex::new(Slot::default());
        assert_eq!(cached(&slot, 1, Duration::ZERO, || Err("scan failed")).unwrap_err(), "scan failed");
        assert_eq!(
            *cached(&slot, 1, Duration::ZERO, || Ok::<_, ()>(7)).unwrap(),
            7,
            "the next request builds"
        );
    }
}
