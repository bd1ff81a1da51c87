//! The public site's page cache: the letter page, kept as bytes, and the
//! exports, kept as files ([`ExportSent`]), each built once per generation
//! of the public view. While one request rebuilds, or within `min_rebuild`
//! of the last build, the others get the previous build instead of
//! queueing or rebuilding again.

use crate::public::languages::{Lang, PerLang};
use crate::public::{ExportSent, Format};
use bytes::Bytes;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A page or export built for one generation of the public view.
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

/// A slot, and the signal that its rebuild ended.
struct Shelf<T> {
    slot: Mutex<Slot<T>>,
    rebuilt: Condvar,
}

impl<T> Default for Shelf<T> {
    fn default() -> Self {
        Shelf { slot: Mutex::default(), rebuilt: Condvar::new() }
    }
}

impl<T> Shelf<T> {
    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether a request that finds nothing built yet while another builds
/// waits for that build (exports: one build at a time, on the blocking
/// pool) or builds too (the letter page: cheap, and built on the
/// connection threads, which must not block).
#[derive(Clone, Copy, PartialEq, Eq)]
enum First {
    Wait,
    BuildToo,
}

/// Cached pages and exports, rebuilt on the first request after a change.
pub struct PageCache {
    /// One letter page per language and prefix (the site's renderers).
    letter: PerLang<Shelf<LetterPage>>,
    json: Shelf<ExportSent>,
    csv: Shelf<ExportSent>,
    /// Builds of one page this close together, at most one: under a signing
    /// load every group changes the page, and rebuilding for each took a
    /// third of the connection threads' time.
    min_rebuild: Duration,
}

/// Ends a rebuild however the build ends, a panic included: otherwise the
/// slot would stay "rebuilding" and never be rebuilt again.
struct Rebuilding<'a, T>(&'a Shelf<T>);

impl<T> Drop for Rebuilding<'_, T> {
    fn drop(&mut self) {
        self.0.lock().rebuilding = false;
        self.0.rebuilt.notify_all();
    }
}

/// The value for `generation`, building it if needed. While one request
/// rebuilds, or within `min_rebuild` of the last build, the others get the
/// previous build instead of queueing or rebuilding again: under a signing
/// load the page lags by at most `min_rebuild` plus one build. A build that
/// fails is not kept: its error is answered and the next request tries again.
fn cached<T, E>(
    shelf: &Shelf<T>,
    generation: u64,
    min_rebuild: Duration,
    first: First,
    build: impl FnOnce() -> Result<T, E>,
) -> Result<Arc<T>, E> {
    {
        let mut s = shelf.lock();
        loop {
            match &s.latest {
                Some(c) if c.generation >= generation => return Ok(Arc::clone(&c.value)),
                Some(c) if s.rebuilding || c.built.elapsed() < min_rebuild => {
                    return Ok(Arc::clone(&c.value))
                }
                None if s.rebuilding && first == First::Wait => {
                    s = shelf.rebuilt.wait(s).unwrap_or_else(PoisonError::into_inner);
                }
                _ => break,
            }
        }
        s.rebuilding = true;
    }
    let rebuilding = Rebuilding(shelf);
    let built = build();
    let mut s = shelf.lock();
    let value = built.map(Arc::new);
    if let Ok(value) = &value {
        if s.latest.as_ref().is_none_or(|c| c.generation < generation) {
            s.latest = Some(Cached { generation, value: Arc::clone(value), built: Instant::now() });
        }
    }
    drop(s);
    drop(rebuilding);
    value
}

impl PageCache {
    /// A cache of `languages` letter pages that rebuilds a page at most
    /// every `min_rebuild`.
    pub fn new(min_rebuild: Duration, languages: usize) -> PageCache {
        PageCache {
            letter: (0..languages).map(|_| Shelf::default()).collect(),
            json: Shelf::default(),
            csv: Shelf::default(),
            min_rebuild,
        }
    }

    /// The letter page in language `at` (an index below `languages`) for
    /// `generation`; `build` renders it with the token mark, where the
    /// page is split. Each language is built and kept on its own.
    pub fn letter<E>(
        &self,
        at: Lang,
        generation: u64,
        build: impl FnOnce() -> Result<String, E>,
    ) -> Result<Arc<LetterPage>, E> {
        cached(&self.letter[at], generation, self.min_rebuild, First::BuildToo, || {
            let html = build()?;
            Ok(match html.split_once(crate::render::TOKEN_MARK) {
                Some((head, tail)) => LetterPage {
                    head: Bytes::copy_from_slice(head.as_bytes()),
                    tail: Some(Bytes::copy_from_slice(tail.as_bytes())),
                },
                None => LetterPage { head: Bytes::from(html), tail: None },
            })
        })
    }

    /// The export for `generation`. Blocks while another request builds
    /// it for the first time: call it on the blocking pool.
    pub fn export<E>(
        &self,
        format: Format,
        generation: u64,
        build: impl FnOnce() -> Result<ExportSent, E>,
    ) -> Result<Arc<ExportSent>, E> {
        let shelf = match format {
            Format::Json => &self.json,
            Format::Csv => &self.csv,
        };
        cached(shelf, generation, self.min_rebuild, First::Wait, build)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_cache_rebuilds_on_change_but_not_more_often_than_allowed() {
        let shelf = Shelf::default();
        let now = |min: u64, generation: u64, value: u32| {
            *cached(&shelf, generation, Duration::from_millis(min), First::BuildToo, || Ok::<_, ()>(value))
                .unwrap()
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
        let shelf: Shelf<u32> = Shelf::default();
        let failed = cached(&shelf, 1, Duration::ZERO, First::Wait, || Err("scan failed"));
        assert_eq!(failed.unwrap_err(), "scan failed");
        let next = cached(&shelf, 1, Duration::ZERO, First::Wait, || Ok::<_, ()>(7));
        assert_eq!(*next.unwrap(), 7, "the next request builds");
    }

    #[test]
    fn a_build_that_panics_leaves_the_slot_to_the_next_request() {
        let shelf: Shelf<u32> = Shelf::default();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            cached(&shelf, 1, Duration::ZERO, First::Wait, || -> Result<u32, ()> { panic!("build") })
        }));
        assert!(panicked.is_err());
        let next = cached(&shelf, 1, Duration::ZERO, First::Wait, || Ok::<_, ()>(8));
        assert_eq!(*next.unwrap(), 8, "not stuck rebuilding, no one left waiting");
    }

    #[test]
    fn while_one_rebuilds_the_others_get_the_previous_build_or_wait_for_the_first() {
        let shelf: &Shelf<u32> = &Shelf::default();
        let (building_tx, building) = mpsc::channel();
        let (release, release_rx) = mpsc::channel::<()>();
        std::thread::scope(|scope| {
            // The first build is held until released; a second request
            // waits for it rather than building too.
            let first = scope.spawn(move || {
                cached(shelf, 1, Duration::ZERO, First::Wait, || {
                    building_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok::<_, ()>(1)
                })
            });
            building.recv().unwrap();
            let waiter = scope.spawn(move || {
                cached(shelf, 1, Duration::ZERO, First::Wait, || -> Result<u32, ()> {
                    panic!("a second build of the same export")
                })
            });
            release.send(()).unwrap();
            assert_eq!(*first.join().unwrap().unwrap(), 1);
            assert_eq!(*waiter.join().unwrap().unwrap(), 1, "the first build's value");
        });
        std::thread::scope(|scope| {
            let (building_tx, building) = mpsc::channel();
            let (release, release_rx) = mpsc::channel::<()>();
            let rebuild = scope.spawn(move || {
                cached(shelf, 2, Duration::ZERO, First::Wait, || {
                    building_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok::<_, ()>(2)
                })
            });
            building.recv().unwrap();
            let other = cached(shelf, 2, Duration::ZERO, First::Wait, || -> Result<u32, ()> {
                panic!("a second build while one runs")
            });
            assert_eq!(*other.unwrap(), 1, "the previous build, at once");
            release.send(()).unwrap();
            assert_eq!(*rebuild.join().unwrap().unwrap(), 2);
        });
    }
}
