//! `undersign backup FILE` and `undersign restore FILE`: the whole of a
//! site in one owner-only file, made while the server runs, and put back
//! into an empty data dir with the same snapshot key, the same list and
//! working withdrawal codes.
//!
//! The file is a tar archive (ustar), so that an operator can list it with
//! `tar tvf` and any tool can read it, and so that it is written and read
//! as a stream (the store is never held in memory). Its members, in order:
//!
//! 1. `undersign-backup.json`, the [`Header`]: the format's name, the day,
//!    the letter (digest and title), how many signatures;
//! 2. the data dir's files by their paths in it: `store/signatures.sqlite`
//!    (a consistent copy, [`store::copy_online`], with the audit list),
//!    `secret`, `snapshot.key`, `snapshot.seq`, `moderators` (those that
//!    exist);
//! 3. `undersign-backup.sha256`: the SHA-256 of every byte of the archive
//!    before this member, so that a file cut short (no such member) or
//!    damaged anywhere (another digest) is refused before anything from it
//!    is used.
//!
//! Member headers carry no owner and no time (mtime 0): the day in the
//! header is the finest time the file tells.
//!
//! A restored site must not sign a snapshot under a number it has served
//! already (a mirror would take it as a rollback), and it may have served
//! snapshots after the backup was made. It signs at most one snapshot per
//! `snapshot_interval_seconds`, which is at least a second, so the restore
//! sets the sequence to the backup's number plus one for every second from
//! the start of the backup's day to the end of the restore's day, plus
//! [`SEQ_MARGIN`] for restarts and offline `snapshot` runs, which sign at
//! once.

use super::{files, folder_of, load_content, open_store, Error};
use crate::config::Config;
use crate::domain::Day;
use crate::snapshot::{Hashing, SigningKey, KEY_FILE, SEQ_FILE};
use crate::store;
use sha2::{Digest as _, Sha256};
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The header's format name.
pub const FORMAT: &str = "undersign-backup";
/// The header's version of that format.
const VERSION: u32 = 1;
/// The header's member.
const HEADER: &str = "undersign-backup.json";
/// The digest's member, last.
const DIGEST: &str = "undersign-backup.sha256";
/// The store dir in the data dir, and the copy's member.
const STORE_DIR: &str = "store";
/// The small files of the data dir that a backup carries besides the
/// store, by their names there (the moderators' file is `console::auth`'s).
const FILES: [&str; 4] = ["secret", KEY_FILE, SEQ_FILE, "moderators"];
/// Longest header, digest or small file read back.
const SMALL: u64 = 64 * 1024;
/// Snapshot numbers the site may have spent per day after the backup: one
/// a second, the shortest `snapshot_interval_seconds`.
const SEQ_PER_DAY: u64 = 86_400;
/// Snapshot numbers added besides, for the starts (each signs at once) and
/// the offline `snapshot` and `export-static` runs of those days.
pub const SEQ_MARGIN: u64 = 1_000_000;

/// What a backup says of itself, its first member.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Header {
    format: String,
    version: u32,
    /// The UTC day it was made, as `YYYY-MM-DD`.
    #[serde(with = "ymd")]
    day: Day,
    /// The digest of the letter the store holds (or, if it records none,
    /// of the configured letter when the backup was made).
    letter_sha256: String,
    letter_title: String,
    signatures: u64,
    /// The snapshot sequence number in the data dir then (0: none signed).
    snapshot_seq: u64,
}

/// A [`Day`] as `YYYY-MM-DD` in the header, for the operator who reads it.
mod ymd {
    use crate::domain::Day;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(day)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|()| serde::de::Error::custom(format!("not a YYYY-MM-DD day: {text}")))
    }
}

/// Why a backup was not made or not restored; each says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The store could not be copied.
    #[error("cannot copy the store in {}: {source}", .dir.display())]
    Copy {
        /// The data dir.
        dir: PathBuf,
        /// Why.
        #[source]
        source: store::StoreError,
    },
    /// The backup file could not be written.
    #[error("cannot write the backup {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The backup file could not be read.
    #[error("cannot read the backup {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The data dir to restore into holds something.
    #[error(
        "not restoring into {}: it is not empty (it holds {first}). Restore into a new or empty data dir (--data), and keep this one as it is",
        .dir.display()
    )]
    NotEmpty {
        /// The data dir.
        dir: PathBuf,
        /// One thing in it, by name.
        first: String,
    },
    /// The file ends before its digest: cut short, or not a backup.
    #[error(
        "not restoring {}: the file is cut short or is not an undersign backup (it ends before its closing digest{why}). Nothing was restored; use a whole copy of the backup",
        .path.display()
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// What was found wrong, with a leading "; ", or nothing.
        why: String,
    },
    /// The digest does not match what precedes it.
    #[error(
        "not restoring {}: the file is damaged (its SHA-256 is not the one written at its end{why}). Nothing was restored; use another copy of the backup",
        .path.display()
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What was found wrong, with a leading "; ", or nothing.
        why: String,
    },
    /// A whole file, but not one this version reads.
    #[error("not restoring {}: {why}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What it is instead.
        why: String,
    },
    /// The backup is of another letter than the configured one.
    #[error(
        "not restoring {}: it is a backup of the letter \"{backup_title}\" (SHA-256 {backup_sha256}), and the configuration names the letter \"{config_title}\" (SHA-256 {config_sha256}). Give the --config that names the backup's letter; to change the letter afterwards, use `undersign letter amend`",
        .path.display()
    )]
    OtherLetter {
        /// The file.
        path: PathBuf,
        /// The backup's letter.
        backup_title: String,
        /// Its digest.
        backup_sha256: String,
        /// The configured letter.
        config_title: String,
        /// Its digest.
        config_sha256: String,
    },
}

/// `undersign backup FILE`.
pub fn backup(config: &Config, out: &Path) -> Result<(), Error> {
    let dir = &config.data_dir;
    let work = files::work_dir(out)?;
    let copy = work.path().join(store::DATABASE_FILE);
    let copied = store::copy_online(&dir.join(STORE_DIR), &copy)
        .map_err(|source| BackupError::Copy { dir: dir.clone(), source })?;
    let (letter_sha256, letter_title) = match (&copied.letter_sha256, &copied.letter_title) {
        (Some(sha), Some(title)) => (sha.clone(), title.clone()),
        _ => {
            let letter = load_content(config)?.letter;
            (letter.sha256_hex(), letter.title)
        }
    };
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        day: Day::today(),
        letter_sha256,
        letter_title,
        signatures: copied.signatures,
        snapshot_seq: read_seq(&dir.join(SEQ_FILE)).unwrap_or(0),
    };
    let failed = |source| BackupError::Write { path: out.to_path_buf(), source };
    // Owner only from its first byte (tempfile makes it 0600), beside
    // FILE, renamed into place only once whole and synced.
    let temp =
        tempfile::Builder::new().prefix(".undersign-backup-").tempfile_in(folder_of(out)).map_err(failed)?;
    let carried = write_archive(temp.as_file(), &header, &copy, dir).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(out).map_err(|e| failed(e.error))?;
    File::open(folder_of(out)).and_then(|d| d.sync_all()).map_err(failed)?;
    let size = std::fs::metadata(out).map_or(0, |m| m.len());
    eprintln!(
        "wrote the backup {}: {size} bytes, {} signatures of \"{}\", with {}; snapshot number {}",
        out.display(),
        copied.signatures,
        header.letter_title,
        carried.join(", "),
        header.snapshot_seq
    );
    Ok(())
}

/// Writes the archive into `file`; returns the members carried.
fn write_archive(file: &File, header: &Header, copy: &Path, dir: &Path) -> io::Result<Vec<String>> {
    let mut tar =
        tar::Builder::new(Hashing { inner: BufWriter::with_capacity(1 << 20, file), sha: Sha256::new() });
    let json = serde_json::to_vec_pretty(header).map_err(io::Error::other)?;
    append(&mut tar, HEADER, json.len() as u64, json.as_slice())?;
    let database = format!("{STORE_DIR}/{}", store::DATABASE_FILE);
    let store_file = File::open(copy)?;
    append(&mut tar, &database, store_file.metadata()?.len(), store_file)?;
    let mut carried = vec![database];
    for name in FILES {
        match File::open(dir.join(name)) {
            Ok(f) => {
                let mut bytes = Vec::new();
                f.take(SMALL + 1).read_to_end(&mut bytes)?;
                if bytes.len() as u64 > SMALL {
                    return Err(io::Error::other(format!(
                        "{} is larger than a {name} file can be",
                        dir.join(name).display()
                    )));
                }
                append(&mut tar, name, bytes.len() as u64, bytes.as_slice())?;
                carried.push(name.to_string());
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    let digest = format!("{}\n", hex(&tar.get_ref().sha.clone().finalize()));
    append(&mut tar, DIGEST, digest.len() as u64, digest.as_bytes())?;
    tar.into_inner()?.inner.flush()?;
    Ok(carried)
}

fn append(tar: &mut tar::Builder<impl Write>, name: &str, len: u64, data: impl Read) -> io::Result<()> {
    let mut h = tar::Header::new_ustar();
    h.set_size(len);
    h.set_mode(0o600);
    h.set_mtime(0);
    h.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut h, name, data)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The last snapshot number in a `snapshot.seq` file.
fn read_seq(path: &Path) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// `undersign restore FILE`.
pub fn restore(config: &Config, file: &Path) -> Result<(), Error> {
    let dir = &config.data_dir;
    must_be_empty(dir)?;
    files::data_dir(dir, true)?;
    // Staged inside the data dir (one disk, so renamed into place), 0700;
    // removed, with all it holds, on any failure.
    let staging = tempfile::Builder::new()
        .prefix(".restore-")
        .tempdir_in(dir)
        .map_err(|source| Error::DataDir { path: dir.clone(), source })?;
    let (header, digest_at, digest) = unpack(file, staging.path())?;
    let read = |source| BackupError::Read { path: file.to_path_buf(), source };
    let mut hasher = Sha256::new();
    let mut prefix = File::open(file).map_err(read)?.take(digest_at);
    let hashed = io::copy(&mut prefix, &mut HashInto(&mut hasher)).map_err(read)?;
    if hashed != digest_at || hex(&hasher.finalize()) != digest {
        return Err(BackupError::Damaged { path: file.to_path_buf(), why: String::new() }.into());
    }
    let header = read_header(file, header)?;
    let letter = load_content(config)?.letter;
    let config_sha256 = letter.sha256_hex();
    if config_sha256 != header.letter_sha256 {
        return Err(BackupError::OtherLetter {
            path: file.to_path_buf(),
            backup_title: header.letter_title,
            backup_sha256: header.letter_sha256,
            config_title: letter.title,
            config_sha256,
        }
        .into());
    }
    let seq = next_seq(&header, Day::today());
    write_synced(&staging.path().join(SEQ_FILE), format!("{seq}\n").as_bytes())
        .map_err(|source| Error::Write { path: dir.join(SEQ_FILE), source })?;
    // The store opens (its search index built) in the staging dir, so that
    // nothing lands in the data dir unless it does.
    let staged_config = Config { data_dir: staging.path().to_path_buf(), ..config.clone() };
    let store = open_store(&staged_config, store::LetterOpen::Check(&letter))?;
    let counts = store.counts();
    drop(store);
    let key = SigningKey::load(staging.path()).ok().map(|k| k.key_id());
    move_into_place(staging.path(), dir)?;
    eprintln!(
        "restored {} signatures ({} published) of \"{}\" from the backup of {} into {}; snapshot key {}; the next snapshot is number {} or above (the backup's {} + {})",
        header.signatures,
        counts.total_published(),
        header.letter_title,
        header.day,
        dir.display(),
        key.as_deref().unwrap_or("none in the backup: a new one is made at the first start"),
        seq + 1,
        header.snapshot_seq,
        seq - header.snapshot_seq
    );
    Ok(())
}

/// The header's bytes, vouched for by the digest, as a [`Header`] of this
/// version.
fn read_header(file: &Path, bytes: Option<Vec<u8>>) -> Result<Header, BackupError> {
    let unreadable = |why: String| BackupError::Unreadable { path: file.to_path_buf(), why };
    let bytes = bytes.ok_or_else(|| unreadable(format!("it has no {HEADER}")))?;
    /// What any version's header says first.
    #[derive(serde::Deserialize)]
    struct Format {
        format: String,
        version: u32,
    }
    let f: Format = serde_json::from_slice(&bytes)
        .map_err(|e| unreadable(format!("it is not an undersign backup ({HEADER}: {e})")))?;
    if f.format != FORMAT || f.version != VERSION {
        return Err(unreadable(format!(
            "it is \"{}\" version {}, and this undersign reads \"{FORMAT}\" version {VERSION}",
            f.format, f.version
        )));
    }
    serde_json::from_slice(&bytes).map_err(|e| unreadable(format!("its {HEADER} does not read: {e}")))
}

/// The sequence number a restore stores as the last one used.
fn next_seq(header: &Header, today: Day) -> u64 {
    let days = u64::from(today.0.saturating_sub(header.day.0)) + 1;
    header.snapshot_seq.saturating_add(days * SEQ_PER_DAY).saturating_add(SEQ_MARGIN)
}

fn must_be_empty(dir: &Path) -> Result<(), Error> {
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Error::Read { path: dir.to_path_buf(), source }),
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(entry) => {
                let first = entry
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .unwrap_or_else(|e| e.to_string());
                Err(BackupError::NotEmpty { dir: dir.to_path_buf(), first }.into())
            }
        },
    }
}

/// Reads the archive, writing each known member into `staging` under its
/// fixed place (names are never followed as paths); returns the header's
/// bytes, where the digest member begins, and the digest it holds.
fn unpack(file: &Path, staging: &Path) -> Result<(Option<Vec<u8>>, u64, String), Error> {
    let truncated = |why: String| BackupError::Truncated { path: file.to_path_buf(), why };
    // Where the archive's own structure breaks: cut short, or damaged.
    let broken = |e: io::Error| match e.kind() {
        io::ErrorKind::UnexpectedEof => truncated(format!("; {e}")),
        _ => BackupError::Damaged { path: file.to_path_buf(), why: format!("; {e}") },
    };
    let f = File::open(file).map_err(|source| BackupError::Read { path: file.to_path_buf(), source })?;
    let mut archive = tar::Archive::new(io::BufReader::with_capacity(1 << 20, f));
    let mut header = None;
    let entries = archive.entries().map_err(broken)?;
    for entry in entries {
        let mut entry = entry.map_err(broken)?;
        let name = entry.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        let at = entry.raw_header_position();
        if name == DIGEST {
            let digest = small(&mut entry).map_err(broken)?;
            let digest = String::from_utf8_lossy(&digest).trim().to_string();
            return Ok((header, at, digest));
        }
        let cut = |e: io::Error| truncated(format!("; {name}: {e}"));
        if name == HEADER {
            // Read as JSON only once the digest has vouched for it.
            header = Some(small(&mut entry).map_err(cut)?);
            continue;
        }
        let place = if name == format!("{STORE_DIR}/{}", store::DATABASE_FILE) {
            let store_dir = staging.join(STORE_DIR);
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(&store_dir)
                .map_err(|source| Error::DataDir { path: store_dir.clone(), source })?;
            store_dir.join(store::DATABASE_FILE)
        } else if FILES.contains(&name.as_str()) {
            staging.join(&name)
        } else {
            // A damaged name is told as damage, once the digest is checked;
            // until then it is skipped.
            continue;
        };
        let mut out =
            owner_only_file(&place).map_err(|source| Error::Write { path: place.clone(), source })?;
        let expected = entry.size();
        let copied = io::copy(&mut entry, &mut out).map_err(cut)?;
        if copied != expected {
            return Err(truncated(format!("; {name} is {copied} bytes of {expected}")).into());
        }
        out.sync_all().map_err(|source| Error::Write { path: place, source })?;
    }
    Err(truncated(String::new()).into())
}

fn small(entry: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    entry.take(SMALL).read_to_end(&mut bytes)?;
    Ok(bytes)
}

struct HashInto<'a>(&'a mut Sha256);

impl Write for HashInto<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn owner_only_file(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let _ = std::fs::remove_file(path);
    let mut f = owner_only_file(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Renames what the staging dir holds into the data dir, then syncs it.
fn move_into_place(staging: &Path, dir: &Path) -> Result<(), Error> {
    let entries =
        std::fs::read_dir(staging).map_err(|source| Error::Read { path: staging.to_path_buf(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read { path: staging.to_path_buf(), source })?;
        let to = dir.join(entry.file_name());
        std::fs::rename(entry.path(), &to).map_err(|source| Error::Write { path: to, source })?;
    }
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| Error::Write { path: dir.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_jumps_one_a_second_since_the_backups_day_and_a_margin() {
        let header = Header {
            format: FORMAT.into(),
            version: VERSION,
            day: Day(20_000),
            letter_sha256: String::new(),
            letter_title: String::new(),
            signatures: 0,
            snapshot_seq: 41,
        };
        assert_eq!(next_seq(&header, Day(20_000)), 41 + 86_400 + SEQ_MARGIN);
        assert_eq!(next_seq(&header, Day(20_002)), 41 + 3 * 86_400 + SEQ_MARGIN);
        // A clock behind the backup's still jumps a day's worth.
        assert_eq!(next_seq(&header, Day(19_000)), 41 + 86_400 + SEQ_MARGIN);
    }

    #[test]
    fn a_header_of_another_format_or_version_is_named() {
        let file = Path::new("x.backup");
        let said = |json: &str| read_header(file, Some(json.as_bytes().to_vec())).unwrap_err().to_string();
        assert!(said("{\"format\": \"undersign-backup\", \"version\": 2}")
            .contains("version 2, and this undersign reads \"undersign-backup\" version 1"));
        assert!(said("{\"format\": \"other\", \"version\": 1}").contains("it is \"other\" version 1"));
        assert!(said("[]").contains("not an undersign backup"));
        assert!(read_header(file, None).unwrap_err().to_string().contains("it has no undersign-backup.json"));
        let whole = serde_json::json!({
            "format": FORMAT, "version": VERSION, "day": "2024-10-04", "letter_sha256": "ab",
            "letter_title": "T", "signatures": 3, "snapshot_seq": 7,
        });
        let header = read_header(file, Some(whole.to_string().into_bytes())).unwrap();
        assert_eq!((header.signatures, header.snapshot_seq, header.day), (3, 7, Day(20_000)));
    }
}
