//! The wiring: from one [`Config`] to a running server ([`serve`]), and the
//! offline commands ([`commands`]). Serving opens the store and the secret,
//! builds the public site and the console as two routers, binds each to
//! its listener, and stops them on SIGTERM or SIGINT. Every failure an
//! operator must act on is an [`Error`] variant with its sentence (another
//! letter than the data dir holds is one: [`Error::OtherLetter`]); the
//! data dir and what the app writes in it are owner-only from the first
//! byte (`files`). [`backup`] copies a whole site into one file while it
//! runs, and restores it.

pub mod backup;
pub mod commands;
mod files;
mod serve;
mod terminal;

pub use serve::{mirror, mirror_blocking, onion_addresses, replica, replica_blocking, serve, serve_blocking};

use crate::config::{Config, ConfigError, ListenAddr};
use crate::console;
use crate::domain::FieldError;
use crate::letter::{Content, LetterError};
use crate::messages::Catalogue;
use crate::snapshot::{KeyError, SnapshotError, VerifyError};
use crate::store::{self, LetterOpen, Store, StoreError};
use std::path::{Path, PathBuf};

/// A failure an operator must act on, printed once to stderr.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration file or the command line's settings.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The letter or a list to import could not be loaded.
    #[error("{0}")]
    Letter(#[from] LetterError),
    /// A name in a list to import does not parse.
    #[error("{at}: {}", Catalogue::ENGLISH.field_error(*.problem))]
    ImportName {
        /// Where: a line number, or the name itself.
        at: String,
        /// Why.
        problem: FieldError,
    },
    /// The data dir (or a working dir) could not be made.
    #[error("cannot create {}: {source}", .path.display())]
    DataDir {
        /// The dir.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file the command writes could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server's secret could not be read or made.
    #[error("cannot read or create the server secret: {0}")]
    Secret(#[source] std::io::Error),
    /// Another process holds the store.
    #[error(
        "the store in {} is in use: undersign is running on it. While it runs, moderate in the console (--admin-listen); stop it to use this command",
        .0.display()
    )]
    StoreInUse(PathBuf),
    /// The store is damaged: nothing is served from it.
    #[error(
        "cannot open the store in {dir}: {source}. undersign does not serve from a damaged store. Keep {dir} as it is and restore: put back a copy of {dir} made while undersign was stopped, or restore the last backup into a new data dir (`undersign --data NEW --config CONFIG restore BACKUP`, a file made by `undersign backup`; a JSON backup of `undersign export`: `undersign --data NEW --config CONFIG import BACKUP.json`, then copy {dir}/secret to NEW/secret so that withdrawal codes keep working) and serve from NEW; see the README, \"What the store guarantees, and restoring it\"",
        dir = .dir.display()
    )]
    StoreDamaged {
        /// The data dir.
        dir: PathBuf,
        /// What is wrong.
        #[source]
        source: StoreError,
    },
    /// The data dir belongs to another letter than the configured one.
    #[error(
        "this data dir holds the letter \"{held}\"; the configuration names {}. To record the new text as the letter's next version, run: undersign letter amend --data {} --config FILE (the configuration that names the new text); to serve \"{held}\" as it is, give its configuration",
        other_text(.held, .given),
        .dir.display()
    )]
    OtherLetter {
        /// The data dir.
        dir: PathBuf,
        /// The title of the letter it holds.
        held: String,
        /// The configured letter's title.
        given: String,
    },
    /// `letter amend` with the letter already in force.
    #[error(
        "the configured letter is the one this data dir holds (\"{0}\"): nothing to amend. Give the configuration whose `letter` is the new text (--config FILE)"
    )]
    LetterUnchanged(String),
    /// The store could not be opened.
    #[error("cannot open the store in {}: {source}", .dir.display())]
    OpenStore {
        /// The data dir.
        dir: PathBuf,
        /// Why.
        #[source]
        source: StoreError,
    },
    /// The store could not do what was asked.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A listener could not be bound.
    #[error("cannot listen on {addr}{}: {source}", if *.console { " for the console" } else { "" })]
    Listen {
        /// Where.
        addr: ListenAddr,
        /// The console's listener rather than the public one.
        console: bool,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The console would listen where other machines can reach it, and the
    /// operator did not say so (`admin_listen_public`).
    #[error(
        "refusing to serve the moderation console on {0}: other machines could reach it. Give it a loopback address (127.0.0.1:PORT) or unix:/path and reach it through SSH or an onion service with client authorisation, or set `admin_listen_public = true` in the config if that is what you mean"
    )]
    ConsolePublic(ListenAddr),
    /// The signal handlers or the runtime could not be set up.
    #[error("cannot start: {0}")]
    Start(#[source] std::io::Error),
    /// A file given on the command line could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Standard input (or the terminal) could not be read.
    #[error("cannot read the passphrase: {0}")]
    Stdin(#[source] std::io::Error),
    /// The passphrase typed the second time was not the first.
    #[error("the two passphrases differ; nothing was changed")]
    PassphrasesDiffer,
    /// The file is not a backup made by `undersign export`.
    #[error("not an undersign backup: {0}")]
    NotABackup(#[source] serde_json::Error),
    /// The backup could not be written out.
    #[error("cannot write the backup: {0}")]
    Export(#[source] serde_json::Error),
    /// A moderator's passphrase was not set.
    #[error("{0}")]
    Passphrase(#[from] console::auth::PassphraseError),
    /// An onion service was asked of a build without the `onion` feature.
    #[error(
        "this undersign was built without the `onion` cargo feature, so it cannot publish an onion service itself (--onion, --admin-onion, onion-address): build it with `cargo build --release --features onion`, or serve behind the tor daemon as torrc.example shows"
    )]
    OnionNotBuilt,
    /// The in-process onion services could not start.
    #[cfg(feature = "onion")]
    #[error("{0}")]
    Onion(#[from] crate::onion::OnionError),
    /// The snapshots' signing key could not be read or made.
    #[error("{0}")]
    SnapshotKey(#[from] KeyError),
    /// A snapshot could not be made, or its sequence number kept.
    #[error("{0}")]
    Snapshot(#[from] SnapshotError),
    /// The proof checker cannot start (`proof_ca_file`).
    #[error("{0}")]
    Proof(#[from] crate::proof::ProofError),
    /// A snapshot did not verify.
    #[error("{0}")]
    Verify(#[from] VerifyError),
    /// A mirror could not start.
    #[error("{0}")]
    Mirror(#[from] crate::mirror::MirrorError),
    /// A replica could not start.
    #[error(transparent)]
    Replica(#[from] crate::replica::ReplicaError),
    /// A static export could not be written.
    #[error("{0}")]
    StaticExport(#[from] crate::static_export::StaticExportError),
    /// Some of the signatures named were not pending: those were left alone.
    #[error("no pending signature with id {}", join(.0))]
    NotPending(Vec<u64>),
    /// `export-static` from the data dir while the server runs on it.
    #[error(
        "the store in {} is in use: undersign is running on it. While it runs, export from its newest snapshot: `undersign export-static DIR --snapshot SNAPSHOT.json --key KEY` (fetch /snapshot.json and /snapshot.json.minisig from the site, and its key from `undersign key`), or stop it to export from the data dir",
        .0.display()
    )]
    ExportWhileServing(PathBuf),
    /// `backup` or `restore` did not do what was asked.
    #[error("{0}")]
    Backup(#[from] backup::BackupError),
}

/// The configured letter as a refusal names it: by its title, or, with
/// the same title as the letter held, as another text of it.
fn other_text(held: &str, given: &str) -> String {
    match held == given {
        true => format!("another text of \"{given}\""),
        false => format!("\"{given}\""),
    }
}

fn join(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

/// The letter and lists the configuration points at, or the embedded default.
pub fn load_content(config: &Config) -> Result<Content, Error> {
    let lists: Vec<_> = config.import.iter().map(|(k, p)| (*k, p.as_path())).collect();
    // The original is English; its translations may be in any other
    // shipped language.
    let tags: Vec<&str> = Catalogue::all().map(|c| c.tag()).filter(|t| *t != "en").collect();
    Ok(Content::load(config.letter.as_deref(), &lists)
        .and_then(|c| c.with_translations(config.letter.as_deref(), &tags))?)
}

/// Opens the store in the data dir with the configured letter, which must
/// be the one the data dir holds.
fn open_bound_store(config: &Config) -> Result<Store, Error> {
    open_store(config, LetterOpen::Check(&load_content(config)?.letter))
}

/// Opens the store in the data dir, making the dir (owner only) first, and
/// checks or amends its letter.
fn open_store(config: &Config, letter: LetterOpen) -> Result<Store, Error> {
    files::data_dir(&config.data_dir, true)?;
    let options = store::Options {
        retention_days: config.retention_days,
        cache_bytes: config.store_cache_mb << 20,
        notice: |m| eprintln!("undersign: {m}"),
    };
    let dir = config.data_dir.clone();
    Store::open_with_letter(&config.data_dir.join("store"), options, Some(letter)).map_err(|source| {
        match source {
            StoreError::InUse => Error::StoreInUse(dir),
            StoreError::OtherLetter { held, given } => Error::OtherLetter { dir, held, given },
            StoreError::LetterUnchanged { title } => Error::LetterUnchanged(title),
            source @ StoreError::Damaged { .. } => Error::StoreDamaged { dir, source },
            source => Error::OpenStore { dir, source },
        }
    })
}

/// The folder `path` is in, `.` for a bare name.
fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}
