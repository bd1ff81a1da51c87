//! The open-data exports as files: `DATA/exports/signatories.json` and
//! `.csv`, written by streaming every published name through a buffer into
//! a temporary file that is then renamed over the last one. Nothing is
//! ever whole in memory, and a response keeps reading the file it opened:
//! the bytes of one build, whatever is renamed over it meanwhile. Only
//! published names go there, as the public pages show them.

use crate::domain::PublicSignatory;
use crate::letter::Letter;
use crate::public::Format;
use crate::render::export::{CsvWriter, JsonWriter, OpenCounts, OpenData};
use crate::view::{PublicView, ScanError};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bytes gathered before each write to the file.
const WRITE_BUFFER: usize = 64 * 1024;

/// A finished export: the file it was written to, kept open, and its size.
#[derive(Debug)]
pub struct ExportFile {
    /// Read at positions, shared by every response that sends it.
    pub file: Arc<File>,
    /// Its length in bytes.
    pub len: u64,
}

/// Why an export could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ExportBuildError {
    /// The names could not be read.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// The file could not be written (a full disk, a read-only data dir).
    #[error("the export {} could not be written: {}", .0.display(), .1)]
    Write(PathBuf, #[source] io::Error),
}

/// The directory of the exports.
pub struct Exports {
    dir: PathBuf,
}

impl Exports {
    /// The exports under `data_dir`.
    pub fn new(data_dir: &Path) -> Exports {
        Exports { dir: data_dir.join("exports") }
    }

    /// Removes the files a previous run left: they are of data that may
    /// have changed since (only builds of this run are served), and the
    /// directory is made again, owner only, by the first build.
    pub fn clear(&self) -> Result<(), ExportBuildError> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(ExportBuildError::Write(self.dir.clone(), e))
            }
            _ => Ok(()),
        }
    }

    /// Builds `format` from `view`, with `letter` (and its version, once
    /// amended) at the head of the JSON.
    pub fn build(
        &self,
        format: Format,
        view: &dyn PublicView,
        (letter, letter_version): (&Letter, Option<u32>),
    ) -> Result<ExportFile, ExportBuildError> {
        self.write(format.file_name(), |out| match format {
            Format::Json => {
                let head = OpenData {
                    letter: letter.clone(),
                    letter_version,
                    phase: view.phase(),
                    counts: OpenCounts::from(&view.counts()),
                    signatories: Vec::new(),
                };
                let mut w = JsonWriter::start(out, &head)?;
                each(view, |s| w.signatory(s))?;
                Ok(w.finish()?)
            }
            Format::Csv => {
                let mut w = CsvWriter::start(out)?;
                each(view, |s| w.signatory(s))?;
                Ok(w.finish()?)
            }
        })
    }

    /// Writes `name` through `fill` into a temporary file, then renames it
    /// into place; on failure the temporary file goes and the last export
    /// stays as it was.
    fn write(
        &self,
        name: &str,
        fill: impl FnOnce(BufWriter<File>) -> Result<BufWriter<File>, Fill>,
    ) -> Result<ExportFile, ExportBuildError> {
        let path = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.part"));
        let at = |path: &Path| {
            let path = path.to_path_buf();
            move |e| ExportBuildError::Write(path, e)
        };
        let written = (|| {
            // Owner only, like the data dir: belt and braces.
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&self.dir)
                .map_err(at(&self.dir))?;
            std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))
                .map_err(at(&self.dir))?;
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&temp)
                .map_err(at(&temp))?;
            let out = fill(BufWriter::with_capacity(WRITE_BUFFER, file)).map_err(|e| match e {
                Fill::Scan(e) => ExportBuildError::Scan(e),
                Fill::Io(e) => at(&temp)(e),
            })?;
            let file = out.into_inner().map_err(|e| at(&temp)(e.into_error()))?;
            let len = file.metadata().map_err(at(&temp))?.len();
            std::fs::rename(&temp, &path).map_err(at(&path))?;
            Ok(ExportFile { file: Arc::new(file), len })
        })();
        if written.is_err() {
            // The next build truncates it anyway; this only frees the disk.
            let _ = std::fs::remove_file(&temp);
        }
        written
    }
}

/// What stops filling an export part way.
enum Fill {
    Scan(ScanError),
    Io(io::Error),
}

impl From<io::Error> for Fill {
    fn from(e: io::Error) -> Fill {
        Fill::Io(e)
    }
}

impl From<ScanError> for Fill {
    fn from(e: ScanError) -> Fill {
        Fill::Scan(e)
    }
}

/// Every published name through `write`. The visitor cannot stop the scan,
/// so after a failed write the rest are skipped and the error is returned
/// once the scan ends.
fn each(
    view: &dyn PublicView,
    mut write: impl FnMut(&PublicSignatory) -> io::Result<()>,
) -> Result<(), Fill> {
    let mut failed = None;
    view.each_published(&mut |s| {
        if failed.is_none() {
            failed = write(&s).err();
        }
    })?;
    match failed {
        Some(e) => Err(Fill::Io(e)),
        None => Ok(()),
    }
}
