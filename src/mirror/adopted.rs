//! An adopted snapshot on disk: `DATA/mirror/snapshots/N/` holds the
//! snapshot and its signature, its index ([`SnapshotView`]), its chunk list
//! and the exports written from it, built under a temporary name and
//! renamed in; [`Current`] is that directory opened, as the router serves it.

use super::trust::{self, SnapshotRefusal, Trust};
use super::view::{self, SnapshotView};
use crate::public::{ExportSent, Format};
use crate::render::export::{CsvWriter, JsonWriter, OpenData};
use crate::snapshot::chunks::Chunks;
use crate::snapshot::{self, Comment};
use crate::view::PublicView;
use bytes::Bytes;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;

pub(super) const SNAPSHOTS: &str = "snapshots";
pub(super) const EVIDENCE: &str = "evidence";

/// The files of one adopted snapshot, in its directory.
pub(super) const SNAPSHOT_FILE: &str = "snapshot.json";
pub(super) const INDEX_FILE: &str = "index.sqlite";
pub(super) const CHUNKS_FILE: &str = "snapshot.chunks";

/// An adopted snapshot: its index and the files served from it, kept open.
pub(super) struct Current {
    pub comment: Comment,
    pub view: Arc<SnapshotView>,
    pub snapshot: (Arc<File>, u64),
    pub signature: Bytes,
    pub json: Arc<ExportSent>,
    pub csv: Arc<ExportSent>,
    /// The snapshot's chunk list, as served and as the poller reads it.
    pub chunks: Bytes,
    pub chunk_list: Arc<Chunks>,
    /// `/badge.svg`, made from the snapshot's signed counts and day as the
    /// origin made it when it signed (the same bytes, and no markup taken
    /// from the origin).
    pub badge: Bytes,
    /// Its directory.
    pub dir: std::path::PathBuf,
}

/// Builds the index and exports of a verified snapshot in
/// `snapshots/.N.part`, renames it to `snapshots/N`, then trusts it.
pub(super) fn adopt(
    dir: &Path,
    key_id: &str,
    json: &Path,
    comment: Comment,
) -> Result<Arc<Current>, SnapshotRefusal> {
    let failed = |e: &dyn std::fmt::Display| SnapshotRefusal::Malformed(format!("it could not be kept: {e}"));
    let root = dir.join(SNAPSHOTS);
    let temp = root.join(format!(".{}.part", comment.seq));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).map_err(|e| failed(&e))?;
    let built = (|| {
        std::fs::rename(json, temp.join(SNAPSHOT_FILE)).map_err(|e| e.to_string())?;
        std::fs::rename(snapshot::signature_path(json), snapshot::signature_path(&temp.join(SNAPSHOT_FILE)))
            .map_err(|e| e.to_string())?;
        view::build(&temp.join(SNAPSHOT_FILE), &temp.join(INDEX_FILE))?;
        write_chunks(&temp, comment.seq).map_err(|e| e.to_string())?;
        let view = SnapshotView::open(&temp.join(INDEX_FILE), comment.seq)?;
        write_exports(&temp, &view).map_err(|e| e.to_string())
    })();
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&temp);
        return Err(failed(&e));
    }
    let kept = root.join(comment.seq.to_string());
    let _ = std::fs::remove_dir_all(&kept);
    std::fs::rename(&temp, &kept).map_err(|e| failed(&e))?;
    let t =
        Trust { seq: comment.seq, sha256: comment.sha256, letter: comment.letter, key_id: key_id.to_owned() };
    trust::store(dir, &t).map_err(|e| failed(&e))?;
    let current = open_current(&kept, comment.seq).map_err(|e| failed(&e))?;
    remove_others(&root, comment.seq);
    Ok(Arc::new(current))
}

/// Writes the JSON and CSV exports of `view` into `dir`.
pub(crate) fn write_exports(dir: &Path, view: &SnapshotView) -> io::Result<()> {
    let head = view.head();
    let open = |name: &str| File::create(dir.join(name)).map(|f| BufWriter::with_capacity(64 * 1024, f));
    let data = OpenData {
        letter: head.letter.clone(),
        letter_version: head.letter_versions.last().map(|v| v.version),
        phase: head.phase,
        counts: head.counts.clone(),
        signatories: Vec::new(),
    };
    let mut json = JsonWriter::start(open(Format::Json.file_name())?, &data)?;
    let mut csv = CsvWriter::start(open(Format::Csv.file_name())?)?;
    let mut failed = None;
    view.each_published(&mut |s| {
        if failed.is_none() {
            failed = json.signatory(&s).and_then(|()| csv.signatory(&s)).err();
        }
    })
    .map_err(io::Error::other)?;
    if let Some(e) = failed {
        return Err(e);
    }
    for mut out in [json.finish()?, csv.finish()?] {
        out.flush()?;
        out.get_ref().sync_all()?;
    }
    Ok(())
}

fn open_file(path: &Path) -> io::Result<(Arc<File>, u64)> {
    let f = File::open(path)?;
    let len = f.metadata()?.len();
    Ok((Arc::new(f), len))
}

/// An export written at adoption; its `ETag` is the snapshot's number,
/// since it is made from that snapshot alone.
fn open_export(dir: &Path, format: Format, seq: u64) -> io::Result<Arc<ExportSent>> {
    let (file, len) = open_file(&dir.join(format.file_name()))?;
    Ok(Arc::new(ExportSent { file, len, etag: format!("\"{seq}\"") }))
}

/// The signed comment of the snapshot `json`, already verified.
pub(super) fn trusted_comment(json: &Path) -> Option<Comment> {
    let mut text = String::new();
    File::open(snapshot::signature_path(json)).ok()?.take(16 * 1024).read_to_string(&mut text).ok()?;
    minisign::SignatureBox::from_string(&text).ok()?.trusted_comment().ok()?.parse().ok()
}

/// Opens the adopted snapshot in `dir`.
pub(super) fn open_current(dir: &Path, seq: u64) -> Result<Current, String> {
    let json = dir.join(SNAPSHOT_FILE);
    let mut signature = String::new();
    File::open(snapshot::signature_path(&json))
        .and_then(|f| f.take(16 * 1024).read_to_string(&mut signature))
        .map_err(|e| e.to_string())?;
    let comment: Comment = minisign::SignatureBox::from_string(&signature)
        .ok()
        .and_then(|s| s.trusted_comment().ok()?.parse().ok())
        .ok_or("its signature does not read")?;
    if comment.seq != seq {
        return Err(format!("its signature is of snapshot {}, not {seq}", comment.seq));
    }
    let io = |e: io::Error| e.to_string();
    // Written at adoption; made again if lost.
    let chunks = match std::fs::read_to_string(dir.join(CHUNKS_FILE)).ok().and_then(|text| {
        let list = Chunks::parse(&text, u64::MAX).ok()?;
        (list.seq == seq).then_some((text, list))
    }) {
        Some(found) => found,
        None => write_chunks(dir, seq).map_err(io)?,
    };
    // An index of an earlier version is made again from the snapshot.
    if !view::is_current(&dir.join(INDEX_FILE)) {
        view::build(&json, &dir.join(INDEX_FILE))?;
    }
    let view = Arc::new(SnapshotView::open(&dir.join(INDEX_FILE), seq)?);
    let badge = crate::render::badge::svg(
        &crate::messages::Catalogue::ENGLISH,
        view.counts().total_published(),
        comment.day,
    );
    Ok(Current {
        view,
        badge: Bytes::from(badge),
        dir: dir.to_path_buf(),
        chunks: Bytes::from(chunks.0),
        chunk_list: Arc::new(chunks.1),
        snapshot: open_file(&json).map_err(io)?,
        signature: Bytes::from(signature),
        json: open_export(dir, Format::Json, seq).map_err(io)?,
        csv: open_export(dir, Format::Csv, seq).map_err(io)?,
        comment,
    })
}

/// Writes the chunk list of the snapshot in `dir` beside it.
fn write_chunks(dir: &Path, seq: u64) -> io::Result<(String, Chunks)> {
    let (file, len) = open_file(&dir.join(SNAPSHOT_FILE))?;
    let list = Chunks::of_file(&file, len, seq)?;
    let text = list.to_text();
    let mut out = File::create(dir.join(CHUNKS_FILE))?;
    out.write_all(text.as_bytes())?;
    out.sync_all()?;
    Ok((text, list))
}

/// Removes every snapshot directory but `keep`'s (responses still sending
/// one keep their open files).
pub(super) fn remove_others(root: &Path, keep: u64) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy() != keep.to_string() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
