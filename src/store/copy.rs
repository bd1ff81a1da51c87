//! A consistent copy of the store taken while a server may be writing it
//! (`undersign backup`): no lock is taken, so `serve` goes on signing. The
//! copy is SQLite's `VACUUM INTO` on a read-only connection: one read
//! transaction, so it is the store as of one commit (every signature
//! acknowledged before it began is in it), written as a new database with
//! no free pages, so nothing a withdrawal or deletion freed is carried in
//! it. The search index is not copied: it is derived from the list and
//! rebuilt when the copy is first opened.

use super::error::StoreError;
use super::schema;
use rusqlite::{Connection, OpenFlags};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The database file in a store dir, for what copies it whole.
pub const DATABASE_FILE: &str = schema::FILE;

/// What a copy holds, read from the copy itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// Every signature, in any state.
    pub signatures: u64,
    /// The digest of the letter the store holds (`letter_sha256`), if it
    /// records one.
    pub letter_sha256: Option<String>,
    /// That letter's title, if recorded.
    pub letter_title: Option<String>,
}

/// Copies the store in `store_dir` into `into`, a file that must not
/// exist yet: it is made owner-only (0600) before SQLite writes a byte of
/// it. Works whether a server holds the store or not.
pub fn copy_online(store_dir: &Path, into: &Path) -> Result<Copied, StoreError> {
    let database = store_dir.join(schema::FILE);
    if std::fs::metadata(&database).map_or(true, |m| m.len() == 0) {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("there is no store at {}", database.display()),
        )));
    }
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(into)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let c = Connection::open_with_flags(&database, flags)?;
    // The writer's checkpoints wait for readers at most this long too.
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    c.execute_batch("PRAGMA cache_size = -8192; PRAGMA mmap_size = 0;")?;
    let target = into.to_str().ok_or_else(|| {
        StoreError::Io(std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path is not UTF-8"))
    })?;
    c.execute("VACUUM INTO ?1", [target])?;
    drop(c);
    described(into)
}

/// What the database file at `path` holds, read without writing to it.
fn described(path: &Path) -> Result<Copied, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let c = Connection::open_with_flags(path, flags)?;
    let signatures: i64 = c.query_row("SELECT count(*) FROM sig", [], |r| r.get(0))?;
    Ok(Copied {
        signatures: signatures.max(0) as u64,
        letter_sha256: schema::meta_text(&c, schema::meta::LETTER_SHA256)?,
        letter_title: schema::meta_text(&c, schema::meta::LETTER_TITLE)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Options, Store};
    use std::os::unix::fs::PermissionsExt;

    fn options() -> Options {
        Options { retention_days: 90, cache_bytes: 1 << 20, notice: |_| {} }
    }

    #[test]
    fn a_copy_is_taken_while_the_store_is_open_and_has_no_free_pages() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("store");
        let store = Store::open(&store_dir, options()).unwrap();
        let canary = "Withdrawn Canary Zebediah";
        let names = [canary, "Kept Person"];
        let parsed = names.iter().map(|n| crate::domain::SignatoryName::parse(n).unwrap()).collect();
        let kind = crate::domain::Kind::Individual;
        store.moderate_blocking("test", crate::store::Action::ImportNames(kind, parsed)).unwrap();
        let id = (1..100).find(|id| store.record(*id).is_some_and(|r| r.name.as_str() == canary)).unwrap();
        store.moderate_blocking("test", crate::store::Action::Delete(id)).unwrap();
        // The store is open (its lock held) while the copy is made.
        let into = dir.path().join("copy.sqlite");
        let copied = copy_online(&store_dir, &into).unwrap();
        assert_eq!(copied.signatures, 1);
        assert_eq!(std::fs::metadata(&into).unwrap().permissions().mode() & 0o777, 0o600);
        // A moderator's deletion keeps the name in the audit list, so the
        // bytes are not looked for here (the integration test withdraws):
        // only that the copy has no free page to carry them in.
        let c = Connection::open_with_flags(&into, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let free: i64 = c.query_row("PRAGMA freelist_count", [], |r| r.get(0)).unwrap();
        assert_eq!(free, 0);
        let kept: i64 = c.query_row("SELECT count(*) FROM sig", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, 1);
        drop(store);
        let again = copy_online(&store_dir, &into).unwrap_err();
        assert!(matches!(again, StoreError::Io(_)), "an existing file is not written over: {again}");
    }

    #[test]
    fn no_store_no_copy() {
        let dir = tempfile::tempdir().unwrap();
        let refused = copy_online(dir.path(), &dir.path().join("copy.sqlite")).unwrap_err();
        assert!(refused.to_string().contains("there is no store"), "{refused}");
        assert!(!dir.path().join("copy.sqlite").exists());
    }
}
