//! The read pages made from a whole list, kept until what they are made
//! from changes: `/deliver` from the signed snapshot (a file per language
//! and snapshot, written one name at a time), `/numbers` from the view's
//! figures (per language and generation of the view). Each is built on the
//! blocking pool in the scan queue, one build of each at a time; the
//! requests meanwhile wait for it and then share it.

use super::languages::Lang;
use super::ExportSent;
use crate::render::deliver::{DeliverAbout, Frame};
use crate::render::Renderer;
use crate::snapshot::read::each_name;
use crate::snapshot::Comment;
use crate::view::{Numbers, PublicView, ScanError};
use bytes::Bytes;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The figures are made again at most this often, however often the list
/// changes: under a signing load every signature is a new generation, and
/// each making is a scan of every name.
const FIGURES_MIN_REBUILD: Duration = Duration::from_secs(10);

/// What one language's page was last built from (a snapshot's number or
/// the view's generation), and the page.
type Kept<T> = Mutex<HashMap<Lang, (u64, T)>>;

/// The kept builds, shared with the blocking tasks that make them.
#[derive(Default)]
pub(super) struct Editions {
    deliver: Kept<Arc<ExportSent>>,
    numbers: Kept<Bytes>,
    /// The folded figures, the generation they are of and when they were
    /// made: one scan for every language.
    figures: Mutex<Option<(u64, Instant, Arc<Numbers>)>>,
    /// Held while one builds, so that a second request waits, then shares.
    building_deliver: Mutex<()>,
    building_numbers: Mutex<()>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why the delivery edition could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DeliverBuildError {
    /// The snapshot could not be read back.
    #[error("the delivery edition could not read the snapshot: {0}")]
    Read(String),
    /// Its signature carries no snapshot comment (it was checked when
    /// signed or adopted, so this is a damaged file).
    #[error("the delivery edition found no snapshot comment in the signature")]
    NoComment,
    /// The file could not be written.
    #[error("the delivery edition could not be written in {}: {}", .0.display(), .1)]
    Write(PathBuf, #[source] io::Error),
    /// The names could not be read (never from a snapshot file; for the scan queue).
    #[error(transparent)]
    Scan(#[from] ScanError),
}

/// What a build of `/deliver` needs, owned, for the blocking pool.
pub(super) struct DeliverJob {
    pub renderer: Renderer,
    pub at: Lang,
    pub seq: u64,
    pub file: Arc<File>,
    pub signature: Bytes,
    pub public_key: String,
    pub scratch: PathBuf,
}

impl Editions {
    /// The delivery edition of the snapshot in `job`, if it is kept.
    pub fn deliver_kept(&self, at: Lang, seq: u64) -> Option<Arc<ExportSent>> {
        lock(&self.deliver).get(&at).filter(|(s, _)| *s == seq).map(|(_, sent)| Arc::clone(sent))
    }

    /// Builds the delivery edition of `job` (or takes the one another
    /// request built meanwhile). Blocks: on the blocking pool.
    pub fn deliver(&self, job: DeliverJob) -> Result<Arc<ExportSent>, DeliverBuildError> {
        let _one = lock(&self.building_deliver);
        if let Some(sent) = self.deliver_kept(job.at, job.seq) {
            return Ok(sent);
        }
        let (file, len) = write_deliver(&job)?;
        let sent = Arc::new(ExportSent {
            file: Arc::new(file),
            len,
            etag: format!("\"{}-{}\"", job.seq, job.renderer.words().tag()),
        });
        let mut kept = lock(&self.deliver);
        // The other languages' builds of an older snapshot go now, not when
        // next asked for: each is a file as long as the list.
        kept.retain(|_, (seq, _)| *seq == job.seq);
        kept.insert(job.at, (job.seq, Arc::clone(&sent)));
        Ok(sent)
    }

    /// The numbers page in language `at`, if kept for `generation` or made
    /// within [`FIGURES_MIN_REBUILD`].
    pub fn numbers_kept(&self, at: Lang, generation: u64) -> Option<Bytes> {
        let fresh = lock(&self.figures)
            .as_ref()
            .map(|(g, made, _)| *g == generation || made.elapsed() < FIGURES_MIN_REBUILD);
        let kept = lock(&self.numbers).get(&at).cloned();
        match (fresh, kept) {
            (Some(true), Some((g, page))) if g == self.figures_generation() => Some(page),
            _ => None,
        }
    }

    fn figures_generation(&self) -> u64 {
        lock(&self.figures).as_ref().map_or(0, |(g, _, _)| *g)
    }

    /// Renders the numbers page of `view` (its figures made once for every
    /// language, at most every [`FIGURES_MIN_REBUILD`]). Blocks: on the
    /// blocking pool.
    pub fn numbers(&self, renderer: &Renderer, at: Lang, view: &dyn PublicView) -> Result<Bytes, ScanError> {
        let _one = lock(&self.building_numbers);
        let generation = view.generation();
        if let Some(page) = self.numbers_kept(at, generation) {
            return Ok(page);
        }
        let kept = lock(&self.figures)
            .as_ref()
            .filter(|(g, made, _)| *g == generation || made.elapsed() < FIGURES_MIN_REBUILD)
            .map(|(g, _, n)| (*g, Arc::clone(n)));
        let (generation, figures) = match kept {
            Some(kept) => kept,
            None => {
                let n = Arc::new(view.numbers()?);
                *lock(&self.figures) = Some((generation, Instant::now(), Arc::clone(&n)));
                (generation, n)
            }
        };
        let page = Bytes::from(renderer.numbers_page(&figures));
        lock(&self.numbers).insert(at, (generation, page.clone()));
        Ok(page)
    }
}

/// The snapshot's comment, from its signature's text.
fn comment_of(signature: &[u8]) -> Option<Comment> {
    let text = std::str::from_utf8(signature).ok()?;
    minisign::SignatureBox::from_string(text).ok()?.trusted_comment().ok()?.parse().ok()
}

/// Writes the delivery edition into an unnamed file in `job.scratch`
/// (gone with its last reader: a removed name is in no file once the page
/// built before its removal is no longer sent).
fn write_deliver(job: &DeliverJob) -> Result<(File, u64), DeliverBuildError> {
    let failed = |e| DeliverBuildError::Write(job.scratch.clone(), e);
    let comment = comment_of(&job.signature).ok_or(DeliverBuildError::NoComment)?;
    std::fs::create_dir_all(&job.scratch).map_err(failed)?;
    let file = tempfile::tempfile_in(&job.scratch).map_err(failed)?;
    let out = BufWriter::with_capacity(64 * 1024, file);
    let out = deliver_edition(out, &job.renderer, &job.file, &comment, &job.public_key, None).map_err(
        |e| match e {
            DeliverBuildError::Write(_, e) => failed(e),
            other => other,
        },
    )?;
    let mut file = out.into_inner().map_err(|e| failed(e.into_error()))?;
    let len = file.stream_position().map_err(failed)?;
    Ok((file, len))
}

/// Writes the delivery edition of the snapshot `snapshot` (whose signed
/// comment is `comment`) to `out`, reading its names one at a time, in
/// `renderer`'s frame or in `frame`. A write error names no path (the
/// caller knows it).
pub fn deliver_edition<'r, W: Write>(
    out: W,
    renderer: &'r Renderer,
    snapshot: &File,
    comment: &Comment,
    public_key: &str,
    frame: Option<Frame<'_>>,
) -> Result<W, DeliverBuildError> {
    use crate::render::deliver::DeliverWriter;
    let failed = |e| DeliverBuildError::Write(PathBuf::new(), e);
    /// Before the names, writing them, or failed (the read goes on to its
    /// end; the error is returned then).
    enum State<'r, W: Write> {
        Head(W),
        Names(DeliverWriter<'r, W>),
        Failed(io::Error),
    }
    let state = std::cell::RefCell::new(Some(State::Head(out)));
    let step = |f: &mut dyn FnMut(State<'r, W>) -> State<'r, W>| {
        let mut s = state.borrow_mut();
        if let Some(now) = s.take() {
            *s = Some(f(now));
        }
    };
    each_name(
        snapshot,
        &mut |contents| {
            step(&mut |s| match s {
                State::Head(out) => {
                    let about = DeliverAbout {
                        seq: comment.seq,
                        day: comment.day,
                        sha256: comment.sha256.to_string(),
                        letter_sha256: comment.letter.to_string(),
                        letter_version: contents.letter_version.map(u64::from),
                        counts: contents.counts.as_ref().map(|c| c.counts()).unwrap_or_default(),
                        public_key: public_key.to_owned(),
                    };
                    match renderer.deliver(out, &about, frame) {
                        Ok(w) => State::Names(w),
                        Err(e) => State::Failed(e),
                    }
                }
                other => other,
            })
        },
        Some(&mut |name| {
            step(&mut |s| match s {
                State::Names(mut w) => match w.signatory(&name) {
                    Ok(()) => State::Names(w),
                    Err(e) => State::Failed(e),
                },
                other => other,
            })
        }),
    )
    .map_err(DeliverBuildError::Read)?;
    match state.into_inner() {
        Some(State::Names(w)) => w.finish().map_err(failed),
        Some(State::Failed(e)) => Err(failed(e)),
        _ => Err(DeliverBuildError::Read("it has no list of signatories".into())),
    }
}
