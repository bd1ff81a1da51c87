//! What the app layer writes on disk: the data dir, owner only from the
//! first byte (it holds the secret, pending signatures and unlisted names),
//! and files written beside their destination under a name nobody can
//! guess or plant a link at, then renamed into place.

use super::Error;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

/// Makes the data dir 0700 if it is not there, saying where with `say`
/// (a command run without `--data` makes `./undersign-data` wherever it
/// was run; a server says where in its start-up line instead); an
/// existing one is made owner only.
pub(super) fn data_dir(dir: &Path, say: bool) -> Result<(), Error> {
    let failed = |source| Error::DataDir { path: dir.to_path_buf(), source };
    if dir.is_dir() {
        return std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(failed);
    }
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(failed)?;
    if say {
        let shown = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        eprintln!("undersign: created the data dir {} (owner only)", shown.display());
    }
    Ok(())
}

/// A working dir beside `out` (on the same disk, so its files can be
/// renamed into place), 0700 under a random name made with `O_EXCL`
/// semantics: nothing planted there is followed. Removed when dropped.
pub(super) fn work_dir(out: &Path) -> Result<tempfile::TempDir, Error> {
    let parent = super::folder_of(out);
    tempfile::Builder::new()
        .prefix(".undersign-export-")
        .tempdir_in(parent)
        .map_err(|source| Error::DataDir { path: parent.to_path_buf(), source })
}
