//! Checking a snapshot as a reader or a mirror would, trusting nothing but
//! a public key: the minisign signature over the file and its trusted
//! comment, then the file against the comment (digest, sequence number,
//! days, letter), the letter against its digest, the names against the
//! counts, and the expiry. Each way to fail is one [`VerifyError`] variant
//! whose sentence says which check failed.
//!
//! The file is read twice, in chunks (the signature, then the JSON with
//! its SHA-256), and only after the signature holds is the JSON parsed.

use super::comment::{Comment, Digest};
use super::document::{letter_digest, ReadBack};
use crate::domain::Day;
use sha2::Digest as _;
use std::ffi::OsString;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

/// A `.minisig` file is four short lines: far less than this.
const MAX_SIGNATURE_FILE: u64 = 16 * 1024;
/// A public key file likewise.
const MAX_KEY_FILE: u64 = 4096;

/// A snapshot that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Its signed comment.
    pub comment: Comment,
    /// Names in its list.
    pub names: u64,
    /// Published signatures it counts, listed or not.
    pub signatures: u64,
    /// The digests of every version of its letter, oldest first, the last
    /// its `letter` (only that one for a letter never amended).
    pub letter_history: Vec<Digest>,
}

/// Why a snapshot did not verify, one check each.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The key given is neither a minisign public key nor a file with one.
    #[error("wrong key: `{0}` is neither a minisign public key (56 characters, as `undersign key` prints it) nor a file that holds one")]
    NotAKey(String),
    /// The snapshot or its signature file could not be read.
    #[error("cannot read {path}: {why}", path = .0.display(), why = .1)]
    Unreadable(PathBuf, #[source] io::Error),
    /// The signature file is not a minisign signature.
    #[error("malformed: {} is not a minisign signature", .0.display())]
    MalformedSignature(PathBuf),
    /// Signed, but by another key.
    #[error("wrong key: the snapshot is signed by key {signed_by}, not by the key given ({given})")]
    WrongKey {
        /// The id of the key that signed.
        signed_by: String,
        /// The id of the key given.
        given: String,
    },
    /// The signature does not hold for these bytes.
    #[error("bad signature: {} was changed after it was signed, or the signature beside it is of another file", .0.display())]
    BadSignature(PathBuf),
    /// The signed comment is not an undersign snapshot's.
    #[error("malformed: the signature is valid but its signed comment is not an undersign snapshot's")]
    NotASnapshot,
    /// The file is not the snapshot its signed comment describes.
    #[error("malformed: the signature is valid but {0}")]
    Malformed(String),
    /// The letter's text does not match its digest.
    #[error("wrong letter: the letter's text has digest {actual}, not the {stated} the snapshot states")]
    LetterChanged {
        /// The digest the snapshot states.
        stated: Digest,
        /// The digest of its text.
        actual: Digest,
    },
    /// A snapshot of another letter than the one asked for.
    #[error("wrong letter: this is a snapshot of letter {found}, not of {expected}")]
    OtherLetter {
        /// Its letter.
        found: Digest,
        /// The one expected.
        expected: Digest,
    },
    /// Past its expiry day.
    #[error("expired: this snapshot of {day} expired on {expires}; whoever serves it has not had a newer one since")]
    Expired {
        /// The day it was signed.
        day: Day,
        /// The first day it is no longer valid.
        expires: Day,
    },
}

/// Reads a public key: the key itself, or a file holding it (a minisign
/// `.pub` file, or the bare line).
pub fn public_key(key: &str) -> Result<minisign::PublicKey, VerifyError> {
    if let Some(pk) = key_in(key) {
        return Ok(pk);
    }
    let mut text = String::new();
    std::fs::File::open(key)
        .and_then(|f| f.take(MAX_KEY_FILE).read_to_string(&mut text))
        .ok()
        .and_then(|_| key_in(&text))
        .ok_or_else(|| VerifyError::NotAKey(key.chars().take(100).collect()))
}

/// The first line of `text` that is an Ed25519 minisign public key.
fn key_in(text: &str) -> Option<minisign::PublicKey> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("untrusted comment:"))
        .filter_map(|l| minisign::PublicKey::from_base64(l).ok())
        .find(|pk| pk.to_bytes().starts_with(b"Ed"))
}

/// `FILE.minisig`, where minisign puts and looks for a file's signature.
pub fn signature_path(file: &Path) -> PathBuf {
    let mut name = OsString::from(file.as_os_str());
    name.push(".minisig");
    PathBuf::from(name)
}

/// Checks `file` against `FILE.minisig` and `key`, as of `today`; with
/// `letter`, also that it is a snapshot of that letter or of an amendment
/// of it (its list of versions holds it).
pub fn verify(
    file: &Path,
    key: &minisign::PublicKey,
    today: Day,
    letter: Option<Digest>,
) -> Result<Verified, VerifyError> {
    let sig_path = signature_path(file);
    let mut sig_text = String::new();
    std::fs::File::open(&sig_path)
        .and_then(|f| f.take(MAX_SIGNATURE_FILE).read_to_string(&mut sig_text))
        .map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => VerifyError::MalformedSignature(sig_path.clone()),
            _ => VerifyError::Unreadable(sig_path.clone(), e),
        })?;
    let signature = minisign::SignatureBox::from_string(&sig_text)
        .map_err(|_| VerifyError::MalformedSignature(sig_path.clone()))?;
    if signature.keynum() != key.keynum() {
        return Err(VerifyError::WrongKey {
            signed_by: super::key::key_id(signature.keynum()),
            given: super::key::key_id(key.keynum()),
        });
    }
    let open = || std::fs::File::open(file).map_err(|e| VerifyError::Unreadable(file.to_path_buf(), e));
    // Legacy (not prehashed) signatures are refused: undersign never makes them.
    minisign::verify(key, &signature, open()?, true, false, false)
        .map_err(|_| VerifyError::BadSignature(file.to_path_buf()))?;
    let comment: Comment =
        signature.trusted_comment().ok().and_then(|c| c.parse().ok()).ok_or(VerifyError::NotASnapshot)?;

    let mut hashed =
        BufReader::with_capacity(64 * 1024, Hashing { inner: open()?, sha: sha2::Sha256::new() });
    let mut json = serde_json::Deserializer::from_reader(&mut hashed);
    let read = serde::Deserialize::deserialize(&mut json).and_then(|r: ReadBack| json.end().map(|()| r));
    let back =
        read.map_err(|e| VerifyError::Malformed(format!("the file is not an undersign snapshot ({e})")))?;
    io::copy(&mut hashed, &mut io::sink()).map_err(|e| VerifyError::Unreadable(file.to_path_buf(), e))?;
    let sha256 = Digest(hashed.into_inner().sha.finalize().into());

    let about = &back.snapshot;
    let malformed = |why: String| Err(VerifyError::Malformed(why));
    if sha256 != comment.sha256 {
        return malformed(format!(
            "the file's SHA-256 is {sha256}, not the {} it was signed with",
            comment.sha256
        ));
    }
    if (about.seq, about.day, about.expires, about.letter_sha256, about.prev_sha256)
        != (comment.seq, comment.day, comment.expires, comment.letter, comment.prev)
    {
        return malformed(
            "the file's sequence number, days or digests are not those of its signed comment".into(),
        );
    }
    if about.format != super::comment::FORMAT {
        return malformed(format!("the file says it is `{}`", about.format));
    }
    if !back.signatories.grouped || back.signatories.per_kind != back.stated_listed() {
        return malformed("its list of names does not match its counts of listed names".into());
    }
    let actual = letter_digest(&back.letter);
    if actual != comment.letter {
        return Err(VerifyError::LetterChanged { stated: comment.letter, actual });
    }
    if !back.versions_hold(comment.letter) {
        return malformed("its list of the letter's versions is not a history of its letter".into());
    }
    let letter_history = back.history(comment.letter);
    // An amendment of the letter asked for is still that letter.
    if let Some(expected) = letter.filter(|l| !letter_history.contains(l)) {
        return Err(VerifyError::OtherLetter { found: comment.letter, expected });
    }
    if today >= comment.expires {
        return Err(VerifyError::Expired { day: comment.day, expires: comment.expires });
    }
    Ok(Verified {
        names: back.signatories.per_kind.iter().sum(),
        signatures: back.counts.total,
        comment,
        letter_history,
    })
}

/// Hashes what passes through.
struct Hashing<R> {
    inner: R,
    sha: sha2::Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }
}
