//! What can go wrong in the store: [`SignError`] for a visitor's signature
//! or withdrawal (each has its own page), [`StoreError`] for everything an
//! operator or a moderator must hear about.

use std::io;
use std::path::PathBuf;

/// Why a signature or a withdrawal was not recorded.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The form token was used before: the form was already submitted.
    #[error("the form was already submitted")]
    TokenUsed,
    /// An organisation or company of this name has already signed.
    #[error("an organisation or company of this name has already signed")]
    Duplicate,
    /// Too many signatures wait for review; try later.
    #[error("too many signatures wait for review")]
    ReviewQueueFull,
    /// Signing is paused by the organisers.
    #[error("signing is paused")]
    Paused,
    /// The letter is closed.
    #[error("the letter is closed")]
    Closed,
    /// The store could not write (disk full, I/O error); trying again
    /// later may work.
    #[error("the store could not write the signature")]
    Unavailable,
    /// The store's writer thread stopped: nothing is written until
    /// undersign restarts.
    #[error("the store's writer stopped")]
    Stopped,
}

/// Why the store could not open, read or change what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another process has the store open (its lock file is taken).
    #[error("the store is in use by another process")]
    InUse,
    /// Reading or writing the store's files failed.
    #[error("store: {0}")]
    Io(#[from] io::Error),
    /// A stored value does not decode; says which, and why.
    #[error("store: {what} does not decode; the store may be damaged")]
    Corrupt {
        /// What does not decode, with why in brackets.
        what: String,
        /// Why, from the decoder or SQLite (none for a value out of range).
        #[source]
        cause: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// SQLite failed in a way that is neither I/O nor corruption (a bug,
    /// or an unsupported use).
    #[error("store: {0}")]
    Sqlite(#[source] rusqlite::Error),
    /// The store's writer thread stopped: nothing is written until
    /// undersign restarts.
    #[error("the store's writer stopped: changes are unavailable until undersign restarts")]
    Stopped,
    /// The change did not reach the disk, so it did not happen.
    #[error("the change could not be written to disk")]
    NotWritten,
    /// A backup is restored only into a store without signatures.
    #[error("the store already holds signatures: restore only into a new data dir")]
    NotEmpty,
    /// The backup does not hold what a backup must; says what.
    #[error("backup: {0}")]
    BadBackup(String),
    /// The data dir holds another letter than the one configured.
    #[error("the store holds the letter \"{held}\", not \"{given}\"")]
    OtherLetter {
        /// The title of the letter in force in the store.
        held: String,
        /// The configured letter's title.
        given: String,
    },
    /// An amendment whose text is the letter in force.
    #[error("the configured letter is the one in force (\"{title}\"): there is nothing to amend")]
    LetterUnchanged {
        /// Its title.
        title: String,
    },
    /// The database file is damaged: the store is not served from it.
    #[error("{} is damaged ({damage})", file.display())]
    Damaged {
        /// The file.
        file: PathBuf,
        /// What is wrong with it.
        damage: Damage,
    },
}

/// What is wrong with a damaged database file (see `check`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Damage {
    /// Missing or empty, though the search index made after it is there.
    #[error("it is missing or empty, though the store held signatures")]
    Gone,
    /// SQLite's check of the pages found these problems (its own words,
    /// the first few).
    #[error("damaged pages: {}", .0.join("; "))]
    Pages(Vec<String>),
    /// Every page is whole, but this signature's record does not decode.
    #[error("the record of signature {0} does not decode")]
    Record(u64),
    /// Every page is whole, but rows are missing from a table or an index
    /// (a page is old: a write was lost).
    #[error("{rows} {what} where there must be {expected}: part of it was lost")]
    Counts {
        /// What was counted.
        what: &'static str,
        /// How many rows there are.
        rows: u64,
        /// How many there must be.
        expected: u64,
    },
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
                StoreError::corrupt("the database file", e)
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    /// A stored value, `what`, does not decode, for `cause`.
    pub(super) fn corrupt(what: &str, cause: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::Corrupt { what: format!("{what} ({cause})"), cause: Some(Box::new(cause)) }
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
