//! Signed snapshots of the public view, so that mirrors can copy the list
//! and anyone can later show what it held, trusting only a public key: the
//! letter, its phase, the counts (with how many await review) and the
//! published, listed names in page order, with a sequence number that only
//! grows, the UTC day and an expiry ([`document`]), signed with minisign
//! ([`key`]) under a trusted comment that repeats those fields and the
//! file's SHA-256 ([`comment`]). Nothing private goes in: no pending or
//! unlisted names, no withdrawal data, nothing about moderators. Anyone can
//! check one with Debian's `minisign`, or fully with [`verify`]. A
//! snapshot's [`chunks`] list lets a mirror fetch only the parts that
//! changed since the one it holds.
//!
//! The files:
//!
//! - `DATA/snapshot.key`: the signing key (owner only), made on first start.
//! - `DATA/snapshot.seq`: the last sequence number used, written (synced,
//!   renamed into place) before any snapshot that carries it is published.
//! - `DATA/snapshots/N.json` and `N.json.minisig`: the current snapshot
//!   and its signature, served from the file opened when it was signed.
//!
//! A snapshot is streamed from the view into a temporary file, signed by
//! reading that file back in chunks (prehashed), and renamed into place, so
//! memory does not grow with the letter. A crash at any step leaves either
//! the previous pair or the new one; the next start removes what is not a
//! whole pair, and takes the next number above every one it finds or
//! stored, so the sequence never goes back and no file is served unsigned.

pub mod chunks;
mod comment;
mod document;
mod key;
pub mod read;
#[cfg(test)]
mod tests;
mod verify;

pub use comment::{Comment, Digest, FORMAT};
pub use document::{letter_digest, LetterVersion};
pub use key::{key_id, KeyError, SigningKey, KEY_FILE};
pub use verify::{public_key, signature_path, verify, Verified, VerifyError};

use crate::domain::{Day, PublicSignatory};
use crate::letter::Letter;
use crate::render::export::JsonWriter;
use crate::view::{PublicView, ScanError};
use bytes::Bytes;
use document::{About, Head};
use sha2::Digest as _;
use std::cell::RefCell;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The sequence number's file in the data dir.
pub const SEQ_FILE: &str = "snapshot.seq";
/// The current snapshot's directory in the data dir.
const DIR: &str = "snapshots";
/// Bytes gathered before each write to the file.
const WRITE_BUFFER: usize = 64 * 1024;
/// A `.minisig` file is four short lines: far less than this.
const MAX_SIGNATURE_FILE: u64 = 16 * 1024;

/// A signed snapshot: its file, kept open, and its signature.
#[derive(Debug)]
pub struct Signed {
    /// Read at positions by every response that sends it.
    pub file: Arc<File>,
    /// Its length in bytes.
    pub len: u64,
    /// The `.minisig` file's text.
    pub signature: Bytes,
    /// What the signature vouches for.
    pub comment: Comment,
    /// `/badge.svg` as it carries it (none in a snapshot of a version
    /// that made none).
    pub badge: Option<Bytes>,
    /// Its chunk list as served, made when first asked for.
    chunks: std::sync::OnceLock<Bytes>,
}

impl Signed {
    fn new(file: File, len: u64, signature: String, comment: Comment, badge: Option<String>) -> Signed {
        Signed {
            file: Arc::new(file),
            len,
            signature: Bytes::from(signature),
            comment,
            badge: badge.map(Bytes::from),
            chunks: std::sync::OnceLock::new(),
        }
    }

    /// Its chunk list ([`chunks`]), if it was made already.
    pub fn chunks_made(&self) -> Option<Bytes> {
        self.chunks.get().cloned()
    }

    /// Its chunk list, made once (a read of the whole file: blocks, so
    /// call it on the blocking pool).
    pub fn chunks(&self) -> io::Result<Bytes> {
        if let Some(made) = self.chunks.get() {
            return Ok(made.clone());
        }
        let list = chunks::Chunks::of_file(&self.file, self.len, self.comment.seq)?;
        Ok(self.chunks.get_or_init(|| Bytes::from(list.to_text())).clone())
    }

    /// The `ETag` of the snapshot and of its signature: the sequence
    /// number, which names one snapshot's bytes for good.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.comment.seq)
    }
}

/// Why a snapshot could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The sequence number could not be read or kept.
    #[error("cannot keep the snapshots' sequence number in {path}: {why}", path = .0.display(), why = .1)]
    Seq(PathBuf, String),
    /// A file could not be written (a full disk, a read-only data dir).
    #[error("the snapshot {path} could not be written: {why}", path = .0.display(), why = .1)]
    Write(PathBuf, #[source] io::Error),
    /// The names could not be read.
    #[error("a snapshot could not be made: {0}")]
    Scan(#[source] ScanError),
    /// minisign refused to sign.
    #[error("a snapshot could not be signed: {0}")]
    Sign(String),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The snapshots of one data dir: the key, the sequence number, the
/// current signed snapshot.
pub struct Snapshots {
    data_dir: PathBuf,
    dir: PathBuf,
    key: SigningKey,
    letter: Letter,
    letter_digest: Digest,
    /// The letter's versions, listed once it was amended.
    letter_versions: Vec<LetterVersion>,
    expiry_days: u32,
    /// The last number used; held while a snapshot is made, so one is made
    /// at a time.
    seq: Mutex<u64>,
    current: Mutex<Option<Arc<Signed>>>,
}

impl Snapshots {
    /// The snapshots in `data_dir`, signed with `key`, of `letter`, valid
    /// for `expiry_days`. The last whole pair of files a previous run left
    /// is served until the first new one is signed; anything else in
    /// `DATA/snapshots` is removed. Call it with the store open, whose lock
    /// keeps a second process out.
    pub fn open(
        data_dir: &Path,
        key: SigningKey,
        letter: Letter,
        expiry_days: u32,
    ) -> Result<Snapshots, SnapshotError> {
        let dir = data_dir.join(DIR);
        owner_only_dir(&dir)?;
        let mut seq = read_seq(&data_dir.join(SEQ_FILE))?;
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| SnapshotError::Write(dir.clone(), e))? {
            let name = entry.map_err(|e| SnapshotError::Write(dir.clone(), e))?.file_name();
            let name = name.to_string_lossy().into_owned();
            // Even an unfinished file's number may have been stored: above it.
            seq = seq.max(seq_of(&name).unwrap_or(0));
            names.push(name);
        }
        let whole = |n: u64| {
            let json = format!("{n}.json");
            names.contains(&json) && names.contains(&format!("{json}.minisig"))
        };
        let newest = names
            .iter()
            .filter_map(|n| n.strip_suffix(".json")?.parse::<u64>().ok())
            .filter(|n| whole(*n))
            .max();
        let current = newest.and_then(|n| load_pair(&dir, n, &key));
        let keep = current.as_ref().map(|c| format!("{}.json", c.comment.seq));
        for name in &names {
            let kept = keep.as_ref().is_some_and(|k| *name == *k || *name == format!("{k}.minisig"));
            if !kept {
                // What is left only takes room; a failure leaves it to the next start.
                let _ = std::fs::remove_file(dir.join(name));
            }
        }
        Ok(Snapshots {
            data_dir: data_dir.to_path_buf(),
            dir,
            letter_digest: document::letter_digest(&letter),
            key,
            letter,
            letter_versions: Vec::new(),
            expiry_days,
            seq: Mutex::new(seq),
            current: Mutex::new(current.map(Arc::new)),
        })
    }

    /// The same, listing the letter's versions (from the store's
    /// history) in each snapshot once it was amended.
    pub fn with_letter_versions(self, history: &crate::letter::History) -> Snapshots {
        Snapshots { letter_versions: LetterVersion::list(history), ..self }
    }

    /// The signing key (its public half is what is shown).
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The snapshot to serve, if one was signed.
    pub fn current(&self) -> Option<Arc<Signed>> {
        lock(&self.current).clone()
    }

    /// Whether the current snapshot should be signed again although the
    /// list has not changed: none yet, another letter, or half its validity
    /// gone (so a mirror that copies it has days to spare).
    pub fn due(&self, today: Day) -> bool {
        match self.current() {
            None => true,
            Some(c) => {
                c.comment.letter != self.letter_digest
                    || today >= c.comment.day.plus((self.expiry_days / 2).max(1))
            }
        }
    }

    /// Signs a snapshot of `view` as of `today` and makes it the current
    /// one. Blocks for a scan of every name: call it on the blocking pool.
    pub fn sign(&self, view: &dyn PublicView, today: Day) -> Result<Arc<Signed>, SnapshotError> {
        let mut seq = lock(&self.seq);
        let n = *seq + 1;
        owner_only_dir(&self.dir)?;
        let json = self.dir.join(format!("{n}.json"));
        let signed = Arc::new(self.make(view, today, &mut seq, &json)?);
        let before = lock(&self.current).replace(Arc::clone(&signed));
        if let Some(before) = before {
            // Responses still sending it keep their open file.
            let old = self.dir.join(format!("{}.json", before.comment.seq));
            let _ = std::fs::remove_file(signature_path(&old));
            let _ = std::fs::remove_file(old);
        }
        Ok(signed)
    }

    /// Signs a snapshot of `view` as of `today`, as [`Snapshots::sign`]
    /// does, and copies it to `out` and `out.minisig` (readable by all: it
    /// is public data), for `undersign snapshot`. It is the current one
    /// too, so that the server's next snapshot follows it in the chain
    /// (`prev`), as every later number must.
    pub fn write_to(&self, view: &dyn PublicView, today: Day, out: &Path) -> Result<Comment, SnapshotError> {
        let signed = self.sign(view, today)?;
        let sig = signature_path(out);
        let at = |path: &Path| {
            let path = path.to_path_buf();
            move |e| SnapshotError::Write(path, e)
        };
        // Beside `out`, under names nobody can guess, made with O_EXCL:
        // nothing planted there is followed. Removed if not renamed.
        let beside = |path: &Path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .suffix(".part")
                .permissions(std::fs::Permissions::from_mode(0o644))
                .tempfile_in(dir)
                .map_err(at(path))
        };
        let mut from =
            File::open(self.dir.join(format!("{}.json", signed.comment.seq))).map_err(at(&self.dir))?;
        let mut json_temp = beside(out)?;
        io::copy(&mut from, json_temp.as_file_mut())
            .and_then(|_| json_temp.as_file().sync_all())
            .map_err(at(out))?;
        let mut sig_temp = beside(&sig)?;
        sig_temp
            .write_all(&signed.signature)
            .and_then(|()| sig_temp.as_file().sync_all())
            .map_err(at(&sig))?;
        json_temp.persist(out).map_err(|e| SnapshotError::Write(out.to_path_buf(), e.error))?;
        sig_temp.persist(&sig).map_err(|e| SnapshotError::Write(sig.clone(), e.error))?;
        sync_parent(out).map_err(at(out))?;
        Ok(signed.comment.clone())
    }

    /// Writes snapshot `seq + 1` to `json` and its signature beside it,
    /// each through a temporary file; on failure both temporary files go.
    fn make(
        &self,
        view: &dyn PublicView,
        today: Day,
        seq: &mut u64,
        json: &Path,
    ) -> Result<Signed, SnapshotError> {
        let n = *seq + 1;
        let sig = signature_path(json);
        let (json_temp, sig_temp) = (temporary(json), temporary(&sig));
        let made = (|| {
            let prev = self.current().map(|c| c.comment.sha256);
            let about = About::new(n, today, today.plus(self.expiry_days), self.letter_digest, prev);
            let (file, len, sha256, badge) =
                write_document(&json_temp, view, &about, (&self.letter, &self.letter_versions))?;
            let comment = Comment {
                seq: n,
                day: about.day,
                expires: about.expires,
                letter: self.letter_digest,
                sha256,
                prev,
            };
            let at = |path: &Path| {
                let path = path.to_path_buf();
                move |e| SnapshotError::Write(path, e)
            };
            (&file).rewind().map_err(at(&json_temp))?;
            let text = self.key.sign(&file, &comment.to_string()).map_err(SnapshotError::Sign)?;
            write_synced(&sig_temp, 0o600, text.as_bytes()).map_err(at(&sig_temp))?;
            // The number is spent before anything that carries it can be
            // seen: a crash from here on skips it, never uses it twice.
            write_seq(&self.data_dir, n)?;
            *seq = n;
            std::fs::rename(&json_temp, json).map_err(at(json))?;
            std::fs::rename(&sig_temp, &sig).map_err(at(&sig))?;
            sync_parent(json).map_err(at(json))?;
            Ok(Signed::new(file, len, text, comment, badge))
        })();
        if made.is_err() {
            let _ = std::fs::remove_file(&json_temp);
            let _ = std::fs::remove_file(&sig_temp);
        }
        made
    }
}

/// Keeps the current snapshot signed while the server runs: a new one when
/// the view has changed, at most once per `interval`, and the same data
/// again when [`Snapshots::due`]; the first at once. A failure is told to
/// the operator once, and once when signing works again; meanwhile the
/// last snapshot is served, and its expiry tells mirrors. Returns when
/// `stop` turns true, after the snapshot under way, if any, is done.
pub async fn keep_signed(
    snapshots: Arc<Snapshots>,
    view: Arc<dyn PublicView>,
    interval: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    // A change is looked for often; a snapshot is made at most per interval.
    let poll = interval.min(Duration::from_secs(1));
    let mut signed_generation = None;
    let mut last_try: Option<Instant> = None;
    let mut failing = false;
    while !*stop.borrow() {
        let generation = view.generation();
        let today = Day::today();
        let rested = last_try.is_none_or(|t| t.elapsed() >= interval);
        if rested && (signed_generation != Some(generation) || snapshots.due(today)) {
            last_try = Some(Instant::now());
            let (s, v) = (Arc::clone(&snapshots), Arc::clone(&view));
            let signed = tokio::task::spawn_blocking(move || s.sign(v.as_ref(), today).map(drop))
                .await
                .unwrap_or(Err(SnapshotError::Scan(ScanError::Interrupted)));
            match signed {
                Ok(()) => {
                    signed_generation = Some(generation);
                    if std::mem::take(&mut failing) {
                        eprintln!("undersign: snapshots are signed again");
                    }
                }
                Err(e) if !failing => {
                    failing = true;
                    eprintln!(
                        "undersign: {e}; /snapshot.json stays the last one signed, and signing is tried again every {} s (said once)",
                        interval.as_secs()
                    );
                }
                Err(_) => {}
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            changed = stop.changed() => if changed.is_err() { break },
        }
    }
}

/// The number in a snapshot's file name (`N.json`, `N.json.minisig`, or
/// their temporary `.N.json.part`, `.N.json.minisig.part`).
fn seq_of(name: &str) -> Option<u64> {
    let name = name.strip_prefix('.').and_then(|n| n.strip_suffix(".part")).unwrap_or(name);
    let name = name.strip_suffix(".minisig").unwrap_or(name);
    name.strip_suffix(".json")?.parse().ok()
}

/// The pair `n.json`, `n.json.minisig` a previous run left, if its
/// signature is one of `key`'s and names `n` (a file is only renamed into
/// place once written whole and synced, so its bytes are not re-read).
fn load_pair(dir: &Path, n: u64, key: &SigningKey) -> Option<Signed> {
    let json = dir.join(format!("{n}.json"));
    let mut text = String::new();
    File::open(signature_path(&json)).ok()?.take(MAX_SIGNATURE_FILE).read_to_string(&mut text).ok()?;
    let sig = minisign::SignatureBox::from_string(&text).ok()?;
    if key::key_id(sig.keynum()) != key.key_id() {
        return None;
    }
    let comment: Comment = sig.trusted_comment().ok()?.parse().ok()?;
    let file = File::open(&json).ok()?;
    let len = file.metadata().ok()?.len();
    if comment.seq != n {
        return None;
    }
    // Its badge, from the head: the read stops where the names begin.
    let mut badge = None;
    read::each_name(&file, &mut |head| badge = head.badge.clone(), None).ok()?;
    Some(Signed::new(file, len, text, comment, badge))
}

/// Streams the snapshot into a new file at `path`: the head, with the
/// phase and counts read together with the names, then each name. The
/// file (synced), its length, SHA-256 and badge (made from the counts).
fn write_document(
    path: &Path,
    view: &dyn PublicView,
    about: &About,
    letter: (&Letter, &[LetterVersion]),
) -> Result<(File, u64, Digest, Option<String>), SnapshotError> {
    let mut badge = None;
    // Read just before the names: the figures may lag them by the
    // signatures of that moment, never lead them.
    let numbers = view.numbers().map_err(SnapshotError::Scan)?;
    let failed = |e| SnapshotError::Write(path.to_path_buf(), e);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(failed)?;
    let out = BufWriter::with_capacity(WRITE_BUFFER, Hashing { inner: file, sha: sha2::Sha256::new() });
    type Out = BufWriter<Hashing<File>>;
    /// Before the head, writing names, or failed (the scan goes on to
    /// its end, and the error is returned then).
    enum State {
        Head(Out),
        Names(JsonWriter<Out>),
        Failed(io::Error),
    }
    let state = RefCell::new(Some(State::Head(out)));
    let step = |f: &mut dyn FnMut(State) -> State| {
        let mut s = state.borrow_mut();
        if let Some(now) = s.take() {
            *s = Some(f(now));
        }
    };
    view.each_published_with_counts(
        &mut |phase, counts| {
            step(&mut |s| match s {
                State::Head(out) => {
                    let made = crate::render::badge::svg(
                        &crate::messages::Catalogue::ENGLISH,
                        counts.total_published(),
                        about.day,
                    );
                    badge = Some(made.clone());
                    match JsonWriter::start_document(
                        out,
                        &Head::new(about, letter, phase, &counts, Some(made), Some(&numbers)),
                    ) {
                        Ok(w) => State::Names(w),
                        Err(e) => State::Failed(e),
                    }
                }
                other => other,
            })
        },
        &mut |name: PublicSignatory| {
            step(&mut |s| match s {
                State::Names(mut w) => match w.signatory(&name) {
                    Ok(()) => State::Names(w),
                    Err(e) => State::Failed(e),
                },
                other => other,
            })
        },
    )
    .map_err(SnapshotError::Scan)?;
    let out = match state.into_inner() {
        Some(State::Names(w)) => w.finish().map_err(failed)?,
        Some(State::Failed(e)) => return Err(failed(e)),
        _ => return Err(SnapshotError::Scan(ScanError::Interrupted)),
    };
    let hashing = out.into_inner().map_err(|e| failed(e.into_error()))?;
    let Hashing { inner: file, sha } = hashing;
    file.sync_all().map_err(failed)?;
    let len = file.metadata().map_err(failed)?.len();
    Ok((file, len, Digest(sha.finalize().into()), badge))
}

/// Hashes what is written through it (the snapshot file here, a backup's
/// archive in `app::backup`).
pub(crate) struct Hashing<W> {
    /// Where the bytes go.
    pub(crate) inner: W,
    /// The SHA-256 of every byte written so far.
    pub(crate) sha: sha2::Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `.NAME.part` beside `path`.
fn temporary(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.part"))
}

fn owner_only_dir(dir: &Path) -> Result<(), SnapshotError> {
    let failed = |e| SnapshotError::Write(dir.to_path_buf(), e);
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(failed)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(failed)
}

fn write_synced(path: &Path, mode: u32, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create(true).truncate(true).mode(mode).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn sync_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => File::open(dir)?.sync_all(),
        _ => File::open(".")?.sync_all(),
    }
}

/// The last number used, 0 before the first.
fn read_seq(path: &Path) -> Result<u64, SnapshotError> {
    let mut text = String::new();
    match File::open(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(SnapshotError::Seq(path.to_path_buf(), e.to_string())),
        Ok(f) => f
            .take(64)
            .read_to_string(&mut text)
            .map_err(|e| SnapshotError::Seq(path.to_path_buf(), e.to_string()))?,
    };
    text.trim_end().parse().map_err(|_| {
        SnapshotError::Seq(
            path.to_path_buf(),
            "it does not hold a number; put back the last number served (or a higher one)".into(),
        )
    })
}

/// Stores `n` as the last number used: whole, synced, renamed into place.
fn write_seq(data_dir: &Path, n: u64) -> Result<(), SnapshotError> {
    let path = data_dir.join(SEQ_FILE);
    let temp = temporary(&path);
    let written = write_synced(&temp, 0o600, format!("{n}\n").as_bytes())
        .and_then(|()| std::fs::rename(&temp, &path))
        .and_then(|()| sync_parent(&path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        SnapshotError::Seq(path, e.to_string())
    })
}
