//! arti's replay logs, kept in memory: for each onion, the logs of
//! introduction requests and proof-of-work nonces live in a directory on
//! a tmpfs (`XDG_RUNTIME_DIR`, else `/dev/shm`), linked from where arti
//! looks for them under the data dir, so that nothing on disk tells how
//! many visitors came or when. Works on plain paths (the data dir, each
//! onion's state directory) and knows nothing of arti's configuration.

use std::io;
use std::path::{Path, PathBuf};

/// Why the replay logs could not be kept in memory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// A directory under the data dir could not be made or emptied.
    #[error("cannot create {path}: {source}", path = .0.display(), source = .1)]
    Dir(PathBuf, #[source] io::Error),
    /// No directory in memory for arti's replay logs.
    #[error("arti's replay logs would tell when visitors came, so undersign keeps them in memory, and found no directory in memory: neither XDG_RUNTIME_DIR nor /dev/shm is a directory; set XDG_RUNTIME_DIR to a tmpfs directory owned by this user, mode 0700")]
    NoMemoryDir,
    /// The directory in memory for arti's replay logs could not be made.
    #[error("cannot use {path} for arti's replay logs: {source}", path = .0.display(), source = .1)]
    MemoryDir(PathBuf, #[source] io::Error),
}

/// Makes `dir` (and its parents), owner only (arti refuses looser ones).
pub(super) fn private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// The replay logs arti 0.47 writes for each onion: a short hash of every
/// introduction request, and of every proof-of-work nonce. Kept on disk,
/// their sizes and modification times would say how many visitors came and
/// when, finer than a day; C tor keeps the same caches in memory only.
const REPLAY_LOGS: [&str; 2] = ["iptreplay", "pow_nonces"];
/// arti's record of an onion's introduction points (`ipts.json`). It is
/// removed at each start, so arti picks new introduction points, with new
/// keys, as C tor does: a request replayed to an old one cannot reach the
/// service once its replay log is gone with the memory that held it.
const INTRODUCTION_POINTS: &str = "ipts.json";

/// The replay logs of both onions in a directory in memory, each pointed
/// to by a symbolic link where arti looks for it. Removed when dropped, and
/// at the next start after a crash.
#[derive(Debug)]
pub struct ReplayLogs {
    dir: PathBuf,
}

impl ReplayLogs {
    /// Under `memory` (a tmpfs directory), for the onions of `data_dir`,
    /// each named by its nickname and with its own state directory.
    pub(super) fn in_memory(
        memory: &Path,
        data_dir: &Path,
        services: &[(&str, PathBuf)],
    ) -> Result<ReplayLogs, ReplayError> {
        use sha2::Digest;
        use std::os::unix::fs::{DirBuilderExt, MetadataExt};
        let owner =
            std::fs::metadata(data_dir).map_err(|e| ReplayError::Dir(data_dir.to_path_buf(), e))?.uid();
        // One name per data dir: a crashed run's logs are found and removed.
        let absolute = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        let which = sha2::Sha256::digest(absolute.as_os_str().as_encoded_bytes());
        let name = format!("undersign-{owner}-{}", hex16(&which));
        let dir = memory.join(name);
        let fail = |e| ReplayError::MemoryDir(dir.clone(), e);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() && !m.file_type().is_symlink() && m.uid() == owner => {
                std::fs::remove_dir_all(&dir).map_err(fail)?
            }
            Ok(_) => {
                return Err(fail(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "it exists and is not this user's directory",
                )))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(e)),
        }
        std::fs::DirBuilder::new().mode(0o700).create(&dir).map_err(fail)?;
        let logs = ReplayLogs { dir };
        for (nickname, state) in services {
            for dir in [state.parent().unwrap_or(state), state.as_path()] {
                private_dir(dir).map_err(|e| ReplayError::Dir(dir.to_path_buf(), e))?;
            }
            remove_any(&state.join(INTRODUCTION_POINTS)).map_err(|e| ReplayError::Dir(state.clone(), e))?;
            for log in REPLAY_LOGS {
                let target = logs.dir.join(nickname).join(log);
                std::fs::DirBuilder::new()
                    .mode(0o700)
                    .recursive(true)
                    .create(&target)
                    .map_err(|e| ReplayError::MemoryDir(target.clone(), e))?;
                let link = state.join(log);
                remove_any(&link).map_err(|e| ReplayError::Dir(link.clone(), e))?;
                std::os::unix::fs::symlink(&target, &link).map_err(|e| ReplayError::Dir(link.clone(), e))?;
            }
        }
        Ok(logs)
    }
}

impl Drop for ReplayLogs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The directory in memory for the replay logs: `XDG_RUNTIME_DIR` (the
/// user's own tmpfs under systemd), else `/dev/shm`.
pub(super) fn memory_dir() -> Result<PathBuf, ReplayError> {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from).filter(|d| d.is_absolute());
    runtime
        .into_iter()
        .chain([PathBuf::from("/dev/shm")])
        .find(|d| d.is_dir())
        .ok_or(ReplayError::NoMemoryDir)
}

fn hex16(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Removes a file, a link or a directory tree, if there is one.
fn remove_any(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both onions' nicknames and state directories, as arti lays them out.
    fn onions(data_dir: &Path) -> Vec<(&'static str, PathBuf)> {
        let hss = data_dir.join("onion/state/hss");
        ["undersign", "undersign-admin"].into_iter().map(|n| (n, hss.join(n))).collect()
    }

    /// A data dir, as `Dirs::create` leaves it.
    fn data_dir(dir: &Path) -> PathBuf {
        let data_dir = dir.join("data");
        private_dir(&data_dir).unwrap();
        data_dir
    }

    #[test]
    fn replay_logs_live_in_memory_and_introduction_points_are_new_each_start() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let memory = tempfile::tempdir().unwrap();
        let data_dir = data_dir(dir.path());
        let onions = onions(&data_dir);
        // As an earlier run, or arti left alone, leaves them: on disk.
        let state = onions[0].1.clone();
        std::fs::create_dir_all(state.join("iptreplay")).unwrap();
        std::fs::write(state.join("iptreplay/aa.bin"), b"a visit").unwrap();
        std::fs::write(state.join(INTRODUCTION_POINTS), b"{}").unwrap();

        let logs = ReplayLogs::in_memory(memory.path(), &data_dir, &onions).unwrap();
        assert!(!state.join(INTRODUCTION_POINTS).exists());
        for (nickname, state) in &onions {
            for log in REPLAY_LOGS {
                let link = state.join(log);
                let target = std::fs::read_link(&link).unwrap();
                assert!(target.starts_with(memory.path()), "{}", target.display());
                assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o700);
                assert_eq!(std::fs::read_dir(&link).unwrap().count(), 0, "{nickname}/{log} starts empty");
            }
        }
        // What arti writes there is in memory, not under the data dir.
        std::fs::write(state.join("iptreplay/bb.bin"), b"a visit").unwrap();
        let in_memory = logs.dir.clone();
        assert!(in_memory.join(onions[0].0).join("iptreplay/bb.bin").is_file());
        drop(logs);
        assert!(!in_memory.exists(), "removed when the onions stop");

        // After a crash (nothing dropped), the next start finds and empties it.
        let logs = ReplayLogs::in_memory(memory.path(), &data_dir, &onions).unwrap();
        std::fs::write(state.join("iptreplay/cc.bin"), b"a visit").unwrap();
        std::mem::forget(logs);
        let logs = ReplayLogs::in_memory(memory.path(), &data_dir, &onions).unwrap();
        assert_eq!(logs.dir, in_memory, "one name per data dir");
        assert_eq!(std::fs::read_dir(state.join("iptreplay")).unwrap().count(), 0);
    }

    #[test]
    fn a_memory_dir_that_is_not_ours_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let memory = tempfile::tempdir().unwrap();
        let data_dir = data_dir(dir.path());
        let onions = onions(&data_dir);
        let logs = ReplayLogs::in_memory(memory.path(), &data_dir, &onions).unwrap();
        let path = logs.dir.clone();
        drop(logs);
        // Someone else put a link where the logs would go.
        std::os::unix::fs::symlink(dir.path(), &path).unwrap();
        let err = ReplayLogs::in_memory(memory.path(), &data_dir, &onions).unwrap_err();
        assert!(matches!(err, ReplayError::MemoryDir(..)), "{err}");
        assert!(err.to_string().contains("not this user's directory"), "{err}");
    }
}
