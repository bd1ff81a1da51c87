//! The store's tables in SQLite, and how each connection is opened. The
//! schema is the layout on disk: a change to it is a new layout version
//! with an upgrade in `upgrade`.
//!
//! | table | holds | for |
//! |---|---|---|
//! | `sig` | every signature: id, record (JSON), name digests, page label | the records; duplicates (`fold`), look-alikes (`skel`) |
//! | `listed` | page label → id, sort key | published and listed, in page order |
//! | `bins`, `coarse_bins` | label range → how many, at two widths | the page a list offset falls on, without counting rows |
//! | `search_log` | changes of the listed names not yet in the search index | search (`search`; the index is `search.sqlite`) |
//! | `pending`, `pending_flag` | ids waiting for review, by kind and flag | the review queue |
//! | `withdrawal` | keyed hash of a withdrawal code → id | withdrawing |
//! | `token` | (expiry day, nonce) of used form tokens | signing once per form |
//! | `audit` | moderators' actions | the audit list |
//! | `counts` | per kind: published, listed, pending, unlisted with details | the page's counts, the review cap |
//! | `letter_version` | each version of the letter: number, digest, title, day in force, its JSON | the letter a data dir belongs to, its amendments (`letter`) |
//! | `meta` | phase, next ids, import done, layout version, the letter in force | the rest |
//! | `proof` | per signature with a website: domain, token, state, day checked, last problem | proofs of signature (`proof`) |
//!
//! Search and page order both read labels (`order`): integers that sort as
//! the page does, so the search index answers in page order and stops at
//! the limit, however many names match.

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The layout this version writes (layouts 1 and 2 were of versions before
/// SQLite, which no release wrote).
pub(super) const LAYOUT: i64 = 3;

/// The database file in the data dir.
pub(super) const FILE: &str = "signatures.sqlite";

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value ANY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sig(
    id INTEGER PRIMARY KEY,
    fold INTEGER NOT NULL,
    skel INTEGER NOT NULL,
    ord INTEGER,
    rec BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sig_fold ON sig(fold);
CREATE INDEX IF NOT EXISTS sig_skel ON sig(skel);
CREATE TABLE IF NOT EXISTS listed(ord INTEGER PRIMARY KEY, id INTEGER NOT NULL, skey TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bins(bin INTEGER PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS coarse_bins(bin INTEGER PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS search_log(seq INTEGER PRIMARY KEY AUTOINCREMENT, label INTEGER NOT NULL, folded TEXT);
CREATE TABLE IF NOT EXISTS pending(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS pending_kind ON pending(kind, id);
CREATE TABLE IF NOT EXISTS pending_flag(flag INTEGER, id INTEGER, PRIMARY KEY(flag, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS withdrawal(hash BLOB PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS token(day INTEGER, nonce BLOB, PRIMARY KEY(day, nonce)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit(seq INTEGER PRIMARY KEY, entry BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS audit_signature ON audit(json_extract(CAST(entry AS TEXT), '$.signature'));
CREATE TABLE IF NOT EXISTS counts(
    kind INTEGER PRIMARY KEY,
    published INTEGER NOT NULL DEFAULT 0,
    listed INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0,
    details INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO counts(kind) VALUES (0), (1), (2);
CREATE TABLE IF NOT EXISTS letter_version(
    version INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    day INTEGER NOT NULL,
    letter TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS proof(
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL,
    token TEXT NOT NULL,
    state TEXT NOT NULL,
    checked INTEGER,
    problem TEXT
);
";

/// Metadata keys.
pub(super) mod meta {
    pub const LAYOUT: &str = "layout";
    pub const PHASE: &str = "phase";
    pub const NEXT_ID: &str = "next_id";
    pub const AUDIT_SEQ: &str = "audit_seq";
    pub const IMPORTED: &str = "imported";
    /// The fingerprint of the name functions the derived indexes were
    /// computed with.
    pub const NAMES: &str = "names";
    /// The digest of the letter in force ([`crate::letter::Letter::sha256_hex`]):
    /// a data dir belongs to one letter.
    pub const LETTER_SHA256: &str = "letter_sha256";
    /// That letter's title, to name it in a refusal.
    pub const LETTER_TITLE: &str = "letter_title";
}

fn configure(c: &Connection, cache_kib: u64) -> rusqlite::Result<()> {
    // Every statement the store runs stays prepared (rusqlite keeps 16).
    c.set_prepared_statement_cache_capacity(128);
    // The default busy handler fails at once; the writer's checkpoints and
    // readers' snapshots only ever overlap for a moment.
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    c.execute_batch(&format!(
        "PRAGMA cache_size = -{cache_kib};
         PRAGMA temp_store = MEMORY;
         PRAGMA mmap_size = 0;"
    ))
}

/// What every connection that writes sets: a deleted row's bytes are
/// overwritten with zeros in its page (and so in the pages the WAL and the
/// database file get), not left in free space, so that a withdrawn name
/// is gone from the files once the change is checkpointed.
pub(super) const SECURE_DELETE: &str = "PRAGMA secure_delete = ON;";

/// The writer's connection: creates the tables, WAL mode, and a commit
/// that writes the WAL without waiting for the disk (`synchronous =
/// NORMAL`): the syncer (`durable`) fsyncs it before any answer, and a
/// checkpoint syncs the WAL before it copies pages into the database.
pub(super) fn open_writer(dir: &Path, cache_bytes: u64) -> rusqlite::Result<Connection> {
    owner_only(&dir.join(FILE)).map_err(cannot_open)?;
    let c = Connection::open(dir.join(FILE))?;
    configure(&c, (cache_bytes / 1024).max(1024))?;
    c.execute_batch(SECURE_DELETE)?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = OFF;
         PRAGMA wal_autocheckpoint = 16384;
         PRAGMA journal_size_limit = 4194304;",
    )?;
    c.execute_batch(&format!("BEGIN IMMEDIATE; {TABLES} COMMIT;"))?;
    Ok(c)
}

/// Makes `database` owner-only from its first byte: created empty with
/// mode 0600 before SQLite opens it (SQLite gives its `-wal` and `-shm`
/// the database's mode), or, made by an earlier version, its mode and its
/// logs' set to 0600. Pending signatures, unlisted names and withdrawal
/// hashes are nobody else's to read.
pub(super) fn owner_only(database: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o600).open(database)?;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = database.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::metadata(&file) {
            Ok(m) if m.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?
            }
            _ => {}
        }
    }
    Ok(())
}

/// An I/O error before SQLite opened the file, as SQLite's own would be.
pub(super) fn cannot_open(e: std::io::Error) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
        Some(format!("cannot create the database file owner-only: {e}")),
    )
}

/// The write-ahead log's size at which the checkpointer (the search
/// indexer's thread) copies it into the database. The writer checkpoints
/// only as a backstop, at 64 MiB (`wal_autocheckpoint`): a checkpoint in
/// the writer's commit held up every signature of its group.
pub(super) const CHECKPOINT_AT: u64 = 4 << 20;

/// Copies the write-ahead log into the database, as far as readers allow,
/// without waiting for anyone, when it has grown past [`CHECKPOINT_AT`].
pub(super) fn checkpoint_if_due(dir: &Path, c: &Connection) -> rusqlite::Result<()> {
    let wal = std::fs::metadata(dir.join(format!("{FILE}-wal"))).map_or(0, |m| m.len());
    if wal > CHECKPOINT_AT {
        c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    }
    Ok(())
}

/// A connection for checkpoints only (and, at a clean stop, dropping the
/// search log already applied).
pub(super) fn open_checkpointer(dir: &Path) -> rusqlite::Result<Connection> {
    let c = Connection::open(dir.join(FILE))?;
    c.busy_timeout(std::time::Duration::from_secs(1))?;
    c.execute_batch("PRAGMA cache_size = -256; PRAGMA mmap_size = 0;")?;
    c.execute_batch(SECURE_DELETE)?;
    Ok(c)
}

/// Copies the whole write-ahead log into the database and empties the log
/// file, so that no earlier version of a page (a removed row's bytes) is
/// left in it. Waits for readers at most the connection's busy timeout.
pub(super) fn checkpoint_truncate(c: &Connection) -> rusqlite::Result<()> {
    let busy: i64 = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("the write-ahead log could not be emptied: a reader held it".into()),
        ));
    }
    Ok(())
}

/// A reader's connection: read-only, with a small page cache of its own.
pub(super) fn open_reader(dir: &Path) -> rusqlite::Result<Connection> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let c = Connection::open_with_flags(dir.join(FILE), flags)?;
    configure(&c, 2048)?;
    Ok(c)
}

/// Runs `f` inside one read transaction, so everything it reads comes
/// from one snapshot; the transaction ends whether `f` succeeds or not.
pub(super) fn snapshot<T, E: From<rusqlite::Error>>(
    c: &Connection,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    c.execute_batch("BEGIN")?;
    let result = f();
    // Ending a read-only transaction cannot lose anything; a connection
    // left inside one is not put back in its pool.
    let _ = c.execute_batch("COMMIT");
    result
}

/// A metadata value as an integer.
pub(super) fn meta_int(c: &Connection, key: &str) -> rusqlite::Result<Option<i64>> {
    c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()
}

/// A metadata value as text.
pub(super) fn meta_text(c: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()
}

pub(super) fn set_meta(c: &Connection, key: &str, value: impl rusqlite::ToSql) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)")?.execute((key, value))?;
    Ok(())
}
