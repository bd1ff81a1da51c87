//! The static export: a verified snapshot as plain files that any static
//! host serves (nginx, a git pages site, IPFS), in any subdirectory, since
//! every link is relative: `index.html` (the letter, the counts, the first
//! names of each group), `KIND-N.html` (each kind's list, paginated),
//! `names-N.html` (every name from A to Z, paginated: what stands in for
//! search, which needs a server), `signatories.json`, `signatories.csv`,
//! `snapshot.json` with `snapshot.json.minisig`, so that a reader can
//! check the copy, `deliver.html` (the delivery edition), `numbers.html`
//! (by country; a snapshot keeps no days), `badge.svg` (the snapshot's
//! count) and `robots.txt`. The names are read from the snapshot's on-disk index
//! one page at a time.

use crate::domain::{Kind, PublicSignatory};
use crate::messages::Catalogue;
use crate::mirror::view::{self, SnapshotView};
use crate::public::editions::{deliver_edition, DeliverBuildError};
use crate::render::mirror::{index_file, kind_file, StaticPages};
use crate::render::LetterView;
use crate::render::Renderer;
use crate::snapshot::{self, Comment};
use crate::view::PublicView;
use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};

/// What was written.
#[derive(Debug)]
pub struct Exported {
    /// The snapshot's comment.
    pub comment: Comment,
    /// HTML pages written.
    pub pages: usize,
    /// Names listed.
    pub names: u64,
}

/// Why the export stopped.
#[derive(Debug, thiserror::Error)]
pub enum StaticExportError {
    /// A file could not be read or written.
    #[error("static export: {}: {}", .0.display(), .1)]
    Io(PathBuf, #[source] std::io::Error),
    /// The snapshot could not be indexed or read back.
    #[error("static export: the snapshot cannot be read: {0}")]
    Snapshot(String),
}

/// Writes the export of the verified snapshot `json` into `out`, using
/// `work` (an empty directory) for its index.
pub fn write(
    json: &Path,
    work: &Path,
    out: &Path,
    sign_url: Option<&str>,
    public_key: &str,
    group_limit: usize,
    page_size: usize,
) -> Result<Exported, StaticExportError> {
    let page_size = page_size.max(1);
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e| StaticExportError::Io(p, e)
    };
    let mut signature = String::new();
    std::fs::File::open(snapshot::signature_path(json))
        .and_then(|f| f.take(16 * 1024).read_to_string(&mut signature))
        .map_err(io(&snapshot::signature_path(json)))?;
    let comment: Comment = minisign::SignatureBox::from_string(&signature)
        .ok()
        .and_then(|s| s.trusted_comment().ok()?.parse().ok())
        .ok_or_else(|| StaticExportError::Snapshot("its signature does not read".into()))?;
    let index = work.join("index.sqlite");
    view::build(json, &index).map_err(StaticExportError::Snapshot)?;
    let view = SnapshotView::open(&index, comment.seq).map_err(StaticExportError::Snapshot)?;
    std::fs::create_dir_all(out).map_err(io(out))?;
    let words = Catalogue::ENGLISH;
    let amendments = view.head().amendments();
    let pages = StaticPages {
        letter: &view.head().letter,
        words: &words,
        sign_url,
        seq: comment.seq,
        day: comment.day,
        page_size,
        group_limit,
        amendments: amendments.as_ref(),
    };
    let put = |name: &str, text: String| std::fs::write(out.join(name), text).map_err(io(&out.join(name)));
    let scan = |e: crate::view::ScanError| StaticExportError::Snapshot(e.to_string());
    let counts = view.counts();
    let mut groups = Vec::new();
    for kind in Kind::ALL.into_iter().filter(|k| counts.listed(*k) > 0) {
        groups.push((kind, view.published(kind, 0, group_limit).map_err(scan)?));
    }
    put("index.html", pages.letter_page(&LetterView { counts, phase: view.phase(), groups }))?;
    let mut written = 1;

    // Each kind's pages, in one pass over the page order.
    let pages_of = |listed: u64| (listed as usize).div_ceil(page_size).max(1);
    let mut failed = None;
    let mut batch: Vec<PublicSignatory> = Vec::with_capacity(page_size);
    let mut last: Option<(Kind, usize)> = None;
    let mut emit = |batch: &mut Vec<PublicSignatory>| {
        let Some(kind) = batch.first().map(|s| s.kind) else { return };
        let page_no = match last {
            Some((k, n)) if k == kind => n + 1,
            _ => 1,
        };
        last = Some((kind, page_no));
        let listed = counts.listed(kind);
        if let Err(e) =
            put(&kind_file(kind, page_no), pages.kind_page(kind, listed, page_no, pages_of(listed), batch))
        {
            failed.get_or_insert(e);
        }
        written += 1;
        batch.clear();
    };
    view.each_published(&mut |s| {
        if batch.len() == page_size || batch.first().is_some_and(|b| b.kind != s.kind) {
            emit(&mut batch);
        }
        batch.push(s);
    })
    .map_err(scan)?;
    emit(&mut batch);
    if let Some(e) = failed {
        return Err(e);
    }

    let names: u64 = Kind::ALL.iter().map(|k| counts.listed(*k)).sum();
    let index_written = write_index(&view, &pages, names, &put)?;
    crate::mirror::write_exports(out, &view).map_err(io(out))?;
    put("robots.txt", crate::public::ROBOTS_TXT.to_owned())?;
    written += write_editions(json, &comment, &view, &pages, public_key, out)?;
    let target = out.join("snapshot.json");
    if json != target {
        std::fs::copy(json, &target).map_err(io(&target))?;
        std::fs::write(snapshot::signature_path(&target), signature).map_err(io(&target))?;
    }
    Ok(Exported { comment, pages: written + index_written, names })
}

/// The alphabetical index of `names` names, `index-N.html`, in one pass;
/// how many pages were written.
fn write_index(
    view: &SnapshotView,
    pages: &StaticPages<'_>,
    names: u64,
    put: &dyn Fn(&str, String) -> Result<(), StaticExportError>,
) -> Result<usize, StaticExportError> {
    let index_pages = (names as usize).div_ceil(pages.page_size).max(1);
    let page_size = pages.page_size;
    let mut failed = None;
    let mut batch = Vec::with_capacity(page_size);
    let mut n = 0;
    let mut index_written = 0;
    view.each_alphabetical(&mut |s| {
        batch.push(s);
        if batch.len() == page_size {
            n += 1;
            if let Err(e) = put(&index_file(n), pages.index_page(n, index_pages, &batch)) {
                failed.get_or_insert(e);
            }
            index_written += 1;
            batch.clear();
        }
    })
    .map_err(|e| StaticExportError::Snapshot(e.to_string()))?;
    if !batch.is_empty() || n == 0 {
        n += 1;
        put(&index_file(n), pages.index_page(n, index_pages, &batch))?;
        index_written += 1;
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(index_written),
    }
}

/// `deliver.html`, `numbers.html` and `badge.svg`, as the site serves them
/// but in the static frame; how many pages were written.
fn write_editions(
    json: &Path,
    comment: &Comment,
    view: &SnapshotView,
    pages: &StaticPages<'_>,
    public_key: &str,
    out: &Path,
) -> Result<usize, StaticExportError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e| StaticExportError::Io(p, e)
    };
    let renderer = Renderer::new(pages.letter.clone(), *pages.words, pages.group_limit, pages.page_size);
    let frame = |title: &str, main: maud::Markup| pages.page(title, main);
    let path = out.join("deliver.html");
    let snapshot = std::fs::File::open(json).map_err(io(json))?;
    let file = std::fs::File::create(&path).map_err(io(&path))?;
    let written =
        deliver_edition(BufWriter::new(file), &renderer, &snapshot, comment, public_key, Some(&frame))
            .map_err(|e| match e {
                DeliverBuildError::Write(_, e) => io(&path)(e),
                e => StaticExportError::Snapshot(e.to_string()),
            })?;
    written.into_inner().map_err(|e| io(&path)(e.into_error()))?.sync_all().map_err(io(&path))?;
    let numbers = view.numbers().map_err(|e| StaticExportError::Snapshot(e.to_string()))?;
    let (title, main) = renderer.numbers_main(&numbers);
    let path = out.join("numbers.html");
    std::fs::write(&path, pages.page(&title, main)).map_err(io(&path))?;
    let badge = crate::render::badge::svg(pages.words, view.counts().total_published(), comment.day);
    let path = out.join("badge.svg");
    std::fs::write(&path, badge).map_err(io(&path))?;
    Ok(2)
}
