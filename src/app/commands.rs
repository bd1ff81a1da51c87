//! The offline commands: each does one thing to the data dir (or to a
//! file), says briefly on stderr what it did, and returns an [`Error`] with
//! its sentence when it did not do what was asked, so that the process
//! exits non-zero. Operator messages are English.

use super::{files, load_content, open_bound_store, open_store, terminal, Error};
use crate::config::Config;
use crate::domain::{Kind, RejectReason, SignatoryName, Status};
use crate::messages::Catalogue;
use crate::snapshot::{self, Comment, Digest, SigningKey, Snapshots, Verified};
use crate::store::{self, Action, Day, LetterOpen};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// `undersign pending`: signatures waiting for review, oldest first, one
/// a line (id, day, kind, name, affiliation, flags in the console's words).
pub fn pending(config: &Config) -> Result<(), Error> {
    let records = open_bound_store(config)?.pending();
    let words = Catalogue::ENGLISH;
    for r in &records {
        let flags: Vec<_> = r.flags.iter().map(|f| words.flag_name(*f)).collect();
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            r.id,
            r.day,
            r.kind,
            r.name,
            r.affiliation.as_ref().map(|a| a.as_str()).unwrap_or(""),
            flags.join(", ")
        );
    }
    eprintln!("{} pending", records.len());
    Ok(())
}

/// `undersign approve|reject ID…`: all of them, or, if one is not pending,
/// none (a typed id that is wrong must not leave the others half done).
pub fn review(config: &Config, ids: &[u64], reject: Option<RejectReason>) -> Result<(), Error> {
    let store = open_bound_store(config)?;
    let missing: Vec<u64> = ids
        .iter()
        .copied()
        .filter(|id| store.record(*id).is_none_or(|r| r.status != Status::Pending))
        .collect();
    if !missing.is_empty() {
        return Err(Error::NotPending(missing));
    }
    let (done, why, action) = match reject {
        None => ("approved", String::new(), Action::Approve(ids.to_vec())),
        Some(reason) => {
            ("rejected", format!(" as {}", reason.as_str()), Action::Reject(ids.to_vec(), reason))
        }
    };
    store.moderate_blocking("command line", action)?;
    let list: Vec<String> = ids.iter().map(u64::to_string).collect();
    let plural = if ids.len() == 1 { "" } else { "s" };
    eprintln!("{done} {} signature{plural}{why}: {}", ids.len(), list.join(", "));
    Ok(())
}

/// `undersign export`: the full backup, pending signatures included, as
/// JSON on stdout.
pub fn export(config: &Config) -> Result<(), Error> {
    let backup = open_bound_store(config)?.backup()?;
    let json = serde_json::to_string_pretty(&backup).map_err(Error::Export)?;
    println!("{json}");
    eprintln!("wrote a backup of {} signatures to standard output", backup.signatures.len());
    Ok(())
}

/// `undersign import [--kind KIND] FILE`: a backup restored into an empty
/// data dir, or a plain list of names (one a line) published, as
/// organisers migrating an existing letter need. Names already here are
/// skipped; a name that does not parse stops the import before anything
/// is written.
pub fn import(config: &Config, file: &Path, kind: Option<Kind>) -> Result<(), Error> {
    let text =
        std::fs::read_to_string(file).map_err(|source| Error::Read { path: file.to_path_buf(), source })?;
    let n = match kind {
        None => {
            let backup: store::Backup = serde_json::from_str(&text).map_err(Error::NotABackup)?;
            open_bound_store(config)?.restore_blocking(backup)?
        }
        Some(kind) => {
            let names = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    SignatoryName::parse(l)
                        .map_err(|problem| Error::ImportName { at: format!("line {}", i + 1), problem })
                })
                .collect::<Result<Vec<_>, _>>()?;
            open_bound_store(config)?.moderate_blocking("command line", Action::ImportNames(kind, names))?
        }
    };
    eprintln!("imported {n} signature{}", if n == 1 { "" } else { "s" });
    Ok(())
}

/// `undersign letter amend`: records the configured letter as the next
/// version of the one the data dir holds, in force from today. Signatures
/// given before keep the version they were given under.
pub fn amend_letter(config: &Config) -> Result<(), Error> {
    let content = load_content(config)?;
    let store = open_store(config, LetterOpen::Amend(&content.letter))?;
    if let Some(v) = store.letter_history().current() {
        eprintln!(
            "recorded \"{}\" as version {} of the letter, in force from {}; signatures given before keep the version they were given under",
            v.title, v.number, v.day
        );
    }
    Ok(())
}

/// `undersign key`: the snapshots' public key on stdout, and how a reader
/// checks a snapshot with it. Reads only the key file, so it works while
/// the server runs; it makes no key (the server's first start does).
pub fn key(config: &Config) -> Result<(), Error> {
    let key = SigningKey::load(&config.data_dir)?;
    print!("{}", key.public_key_file());
    eprint!("{}", key_guide(&key));
    Ok(())
}

/// What `undersign key` says besides the key: how a reader checks a
/// snapshot with it.
pub fn key_guide(key: &SigningKey) -> String {
    let pk = key.public_key();
    format!(
        "Above is the public key (id {id}) that signs this site's snapshots, as a minisign public key file.\n\
         With snapshot.json and snapshot.json.minisig in one folder (from /snapshot.json and /snapshot.json.minisig),\n\
         check one with Debian's minisign, or with undersign:\n\
         \n  minisign -Vm snapshot.json -P {pk}\n  undersign verify snapshot.json --key {pk}\n",
        id = key.key_id()
    )
}

/// `undersign snapshot --out FILE`: signs a snapshot of the store into
/// FILE and FILE.minisig (server stopped), with the next sequence number.
pub fn snapshot(config: &Config, out: &Path) -> Result<(), Error> {
    let c = write_snapshot(config, out)?;
    eprintln!("signed snapshot {} of {} into {} and its .minisig: {c}", c.seq, c.day, out.display());
    Ok(())
}

fn write_snapshot(config: &Config, out: &Path) -> Result<Comment, Error> {
    let content = load_content(config)?;
    let store = open_bound_store(config)?;
    let key = SigningKey::load_or_create(&config.data_dir)?;
    let snapshots = Snapshots::open(&config.data_dir, key, content.letter, config.snapshot_expiry_days)?
        .with_letter_versions(store.letter_history());
    Ok(snapshots.write_to(&store, Day::today(), out)?)
}

/// `undersign verify FILE --key KEY [--letter DIGEST]`: checks a snapshot
/// against FILE.minisig and a public key (or a file holding one), as of
/// today.
pub fn verify(file: &Path, key: &str, letter: Option<Digest>) -> Result<(), Error> {
    let v: Verified = snapshot::verify(file, &snapshot::public_key(key)?, Day::today(), letter)?;
    println!(
        "{}: a valid snapshot, number {} of {}, expires {} ({} names, {} signatures; letter {})",
        file.display(),
        v.comment.seq,
        v.comment.day,
        v.comment.expires,
        v.names,
        v.signatures,
        v.comment.letter
    );
    Ok(())
}

/// `undersign export-static DIR`: the letter, its lists, an alphabetical
/// index, the exports and a signed snapshot as plain files in `out`, from
/// the store (signing a new snapshot, server stopped) or from a snapshot
/// file verified with `key`.
pub fn export_static(
    config: &Config,
    out: &Path,
    from: Option<(PathBuf, String)>,
    origin: Option<String>,
) -> Result<(), Error> {
    let mut public_key = None;
    if let Some((file, key)) = &from {
        let key = snapshot::public_key(key)?;
        snapshot::verify(file, &key, Day::today(), None)?;
        public_key = Some(key.to_base64());
    }
    if origin.is_none() {
        eprintln!(
            "undersign: no --origin: the pages will say that signing happens only at the letter's own site, \
             with no link to it. Give --origin URL (the letter's own address, e.g. its .onion) to link every page there"
        );
    }
    // Beside `out` (on the same disk), under a name nobody can guess.
    let work = files::work_dir(out)?;
    let snapshot_file = match from {
        Some((file, _)) => file,
        None => {
            let file = work.path().join("snapshot.json");
            write_snapshot(config, &file).map_err(|e| match e {
                Error::StoreInUse(dir) => Error::ExportWhileServing(dir),
                e => e,
            })?;
            public_key = Some(SigningKey::load_or_create(&config.data_dir)?.public_key());
            file
        }
    };
    let e = crate::static_export::write(
        &snapshot_file,
        work.path(),
        out,
        origin.as_deref(),
        public_key.as_deref().unwrap_or_default(),
        config.page_group_limit,
        config.list_page_size,
    )?;
    eprintln!(
        "wrote snapshot {} of {} into {}: {} pages, {} names",
        e.comment.seq,
        e.comment.day,
        out.display(),
        e.pages,
        e.names
    );
    Ok(())
}

/// `undersign admin passphrase`: sets a moderator's passphrase. Typed at a
/// terminal it is not shown and asked twice; from a pipe it is one line.
pub fn set_passphrase(config: &Config, moderator: &str) -> Result<(), Error> {
    let passphrase = if std::io::stdin().is_terminal() {
        let first = terminal::read_hidden(&format!(
            "Passphrase for {moderator} (at least 12 characters; not shown as you type): "
        ))
        .map_err(Error::Stdin)?;
        let second = terminal::read_hidden("The same again: ").map_err(Error::Stdin)?;
        if first != second {
            return Err(Error::PassphrasesDiffer);
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(Error::Stdin)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    files::data_dir(&config.data_dir, true)?;
    crate::console::auth::set_passphrase(&config.data_dir, moderator, &passphrase)?;
    eprintln!("passphrase set for {moderator}");
    Ok(())
}
