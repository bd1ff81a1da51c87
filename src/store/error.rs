//! What can go wrong in the store: [`SignError`] for a visitor's signature
//! or withdrawal (each has its own page), [`StoreError`] for everything an
//! operator or a moderator must hear about.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a signature or a withdrawal was not recorded.
#[derive(Debug, PartialEq, Eq)]
pub enum SignError {
    /// The form token was used before: the form was already submitted.
    TokenUsed,
    /// An organisation or company of this name has already signed.
    Duplicate,
    /// Too many signatures wait for review; try later.
    ReviewQueueFull,
    /// Signing is paused by the organisers.
    Paused,
    /// The letter is closed.
    Closed,
    /// The store could not write (disk full, I/O error); trying again
    /// later may work.
    Unavailable,
    /// The store's writer thread stopped: nothing is written until
    /// undersign restarts.
    Stopped,
}

/// Why the store could not open, read or change what was asked.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// Another process has the store open (its lock file is taken).
    InUse,
    /// Reading or writing the store's files failed.
    Io(io::Error),
    /// A stored value does not decode; says which.
    Corrupt(String),
    /// SQLite failed in a way that is neither I/O nor corruption (a bug,
    /// or an unsupported use).
    Sqlite(rusqlite::Error),
    /// The store's writer thread stopped: nothing is written until
    /// undersign restarts.
    Stopped,
    /// The change did not reach the disk, so it did not happen.
    NotWritten,
    /// A backup is restored only into a store without signatures.
    NotEmpty,
    /// The backup does not hold what a backup must; says what.
    BadBackup(String),
    /// The database file is damaged: the store is not served from it.
    Damaged {
        /// The file.
        file: PathBuf,
        /// What is wrong with it.
        damage: Damage,
    },
}

/// What is wrong with a damaged database file (see `check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Missing or empty, though the search index made after it is there.
    Gone,
    /// SQLite's check of the pages found these problems (its own words,
    /// the first few).
    Pages(Vec<String>),
    /// Every page is whole, but this signature's record does not decode.
    Record(u64),
    /// Every page is whole, but rows are missing from a table or an index
    /// (a page is old: a write was lost).
    Counts {
        /// What was counted.
        what: &'static str,
        /// How many rows there are.
        rows: u64,
        /// How many there must be.
        expected: u64,
    },
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::Gone => f.write_str("it is missing or empty, though the store held signatures"),
            Damage::Pages(problems) => write!(f, "damaged pages: {}", problems.join("; ")),
            Damage::Record(id) => write!(f, "the record of signature {id} does not decode"),
            Damage::Counts { what, rows, expected } => {
                write!(f, "{rows} {what} where there must be {expected}: part of it was lost")
            }
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::InUse => f.write_str("the store is in use by another process"),
            StoreError::Io(e) => write!(f, "store: {e}"),
            StoreError::Corrupt(what) => write!(f, "store: {what} does not decode; the store may be damaged"),
            StoreError::Sqlite(e) => write!(f, "store: {e}"),
            StoreError::Stopped => {
                f.write_str("the store's writer stopped: changes are unavailable until undersign restarts")
            }
            StoreError::NotWritten => f.write_str("the change could not be written to disk"),
            StoreError::NotEmpty => {
                f.write_str("the store already holds signatures: restore only into a new data dir")
            }
            StoreError::BadBackup(what) => write!(f, "backup: {what}"),
            StoreError::Damaged { file, damage } => write!(f, "{} is damaged ({damage})", file.display()),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Io(e) => Some(e),
            StoreError::Sqlite(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::Io(io::Error::new(io::ErrorKind::StorageFull, e)),
            Some(ErrorCode::SystemIoFailure | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                StoreError::Io(io::Error::other(e))
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                StoreError::Corrupt(format!("the database file ({e})"))
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<io::Error> for StoreError {
    fn from(e: io::Error) -> Self {
        StoreError::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    #[test]
    fn errors_keep_their_kind_and_source() {
        let io = StoreError::from(io::Error::new(io::ErrorKind::StorageFull, "full"));
        assert!(matches!(&io, StoreError::Io(e) if e.kind() == io::ErrorKind::StorageFull));
        assert!(io.source().is_some());
        assert_eq!(
            StoreError::BadBackup("bad withdrawal hash for 3".into()).to_string(),
            "backup: bad withdrawal hash for 3"
        );
    }
}
