//! The snapshots' signing key: an Ed25519 key pair in minisign's format,
//! made on first start as `DATA/snapshot.key` (owner only, no password: the
//! server signs unattended). The secret half never leaves that file but
//! into an owner-only `undersign backup`: it is not printed, not sent, not
//! in an `export`. The public half is what mirrors and readers check
//! snapshots with.

use std::fmt;
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The key's file in the data dir.
pub const KEY_FILE: &str = "snapshot.key";
/// A key file is a comment line and one line of base64: far less than this.
const MAX_KEY_FILE: u64 = 4096;

/// The signing key, loaded.
pub struct SigningKey {
    secret: minisign::SecretKey,
    public: minisign::PublicKey,
}

/// Never the secret: minisign's own `Debug` of a secret key prints it.
impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({})", self.key_id())
    }
}

/// Why the key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// No key yet in the data dir (for commands that do not make one).
    #[error("there is no snapshot key {} yet: it is made when the server first starts with this data dir", .0.display())]
    Missing(PathBuf),
    /// The key file could not be read.
    #[error("cannot read the snapshot key {path}: {why}", path = .0.display(), why = .1)]
    Read(PathBuf, #[source] io::Error),
    /// The file is not an unencrypted minisign secret key.
    #[error("{} is not a snapshot key (a minisign secret key without a password). It is left as it is: restore it from a copy, or move it away to make a new key, whose public key mirrors must then be given", .0.display())]
    Corrupt(PathBuf),
    /// A new key could not be made or written.
    #[error("cannot create the snapshot key {path}: {why}", path = .0.display(), why = .1)]
    Create(PathBuf, String),
}

impl SigningKey {
    /// The key in `data_dir`; made there first if there is none. An
    /// existing file is never replaced, even one that does not read.
    pub fn load_or_create(data_dir: &Path) -> Result<SigningKey, KeyError> {
        match SigningKey::load(data_dir) {
            Err(KeyError::Missing(path)) => match SigningKey::create(&path) {
                // Another process made one first: that one is the key.
                Err(KeyError::Create(..)) if path.exists() => SigningKey::load(data_dir),
                made => made,
            },
            loaded => loaded,
        }
    }

    /// The key in `data_dir`, which must be there.
    pub fn load(data_dir: &Path) -> Result<SigningKey, KeyError> {
        let path = data_dir.join(KEY_FILE);
        let mut text = String::new();
        match std::fs::File::open(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(KeyError::Missing(path)),
            Err(e) => return Err(KeyError::Read(path, e)),
            Ok(f) => {
                if f.take(MAX_KEY_FILE).read_to_string(&mut text).is_err() {
                    return Err(KeyError::Corrupt(path));
                }
            }
        }
        let secret = minisign::SecretKeyBox::from_string(&text)
            .and_then(|b| b.into_unencrypted_secret_key())
            .map_err(|_| KeyError::Corrupt(path.clone()))?;
        let public = minisign::PublicKey::from_secret_key(&secret).map_err(|_| KeyError::Corrupt(path))?;
        Ok(SigningKey { secret, public })
    }

    /// Makes a key and writes it to `path` whole or not at all: into a
    /// temporary file, synced, then linked to `path`, which fails rather
    /// than replace a key that is there.
    fn create(path: &Path) -> Result<SigningKey, KeyError> {
        let failed = |why: String| KeyError::Create(path.to_path_buf(), why);
        let pair = minisign::KeyPair::generate_unencrypted_keypair().map_err(|e| failed(e.to_string()))?;
        let text = pair
            .sk
            .to_box(Some("undersign snapshot signing key: keep it in the data dir, never share it"))
            .map_err(|e| failed(e.to_string()))?
            .into_string();
        let temp = path.with_file_name(format!(".{KEY_FILE}.part"));
        let written = (|| {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&temp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::hard_link(&temp, path)?;
            if let Some(dir) = path.parent() {
                std::fs::File::open(dir)?.sync_all()?;
            }
            Ok::<_, io::Error>(())
        })();
        let _ = std::fs::remove_file(&temp);
        written.map_err(|e| failed(e.to_string()))?;
        Ok(SigningKey { secret: pair.sk, public: pair.pk })
    }

    /// The public key as `minisign -P` takes it: 56 characters of base64.
    pub fn public_key(&self) -> String {
        self.public.to_base64()
    }

    /// The key id minisign prints, 16 hex digits.
    pub fn key_id(&self) -> String {
        key_id(self.public.keynum())
    }

    /// The public key as a minisign `.pub` file, for `minisign -p FILE`.
    pub fn public_key_file(&self) -> String {
        format!("untrusted comment: minisign public key {}\n{}\n", self.key_id(), self.public_key())
    }

    /// Signs what `data` reads (prehashed: it is read once, in chunks),
    /// vouching for `trusted_comment` too; the text of the `.minisig` file.
    pub(super) fn sign(&self, data: impl Read, trusted_comment: &str) -> Result<String, String> {
        let untrusted = format!("signature from undersign snapshot key {}", self.key_id());
        minisign::sign(Some(&self.public), &self.secret, data, Some(trusted_comment), Some(&untrusted))
            .map(|b| b.into_string())
            .map_err(|e| e.to_string())
    }

    /// The public half, to verify with.
    #[cfg(test)]
    pub(super) fn public(&self) -> &minisign::PublicKey {
        &self.public
    }
}

/// A key id (8 bytes, little-endian) as minisign prints it.
pub fn key_id(keynum: &[u8]) -> String {
    let mut bytes = [0u8; 8];
    for (b, k) in bytes.iter_mut().zip(keynum) {
        *b = *k;
    }
    format!("{:016X}", u64::from_le_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_key_is_made_once_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(SigningKey::load(dir.path()), Err(KeyError::Missing(_))));
        let made = SigningKey::load_or_create(dir.path()).unwrap();
        let path = dir.path().join(KEY_FILE);
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let again = SigningKey::load_or_create(dir.path()).unwrap();
        assert_eq!(made.public_key(), again.public_key(), "the same key, not a new one");
        assert_eq!(made.public_key().len(), 56);
        assert_eq!(made.key_id().len(), 16);
        assert!(made.public_key_file().ends_with(&format!("{}\n", made.public_key())));
        let secret = std::fs::read_to_string(&path).unwrap().lines().nth(1).unwrap().to_string();
        assert_eq!(format!("{made:?}"), format!("SigningKey({})", made.key_id()), "never the secret");
        assert!(!made.public_key_file().contains(&secret[..20]));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }

    #[test]
    fn a_key_file_that_does_not_read_is_kept_and_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        std::fs::write(&path, "untrusted comment: x\nnot base64\n").unwrap();
        let refused = SigningKey::load_or_create(dir.path()).unwrap_err();
        assert!(matches!(refused, KeyError::Corrupt(_)), "{refused}");
        assert!(refused.to_string().contains("is not a snapshot key"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "untrusted comment: x\nnot base64\n");
    }

    #[test]
    fn key_ids_print_as_minisign_prints_them() {
        assert_eq!(key_id(&[0x01, 0x02, 0, 0, 0, 0, 0, 0xff]), "FF00000000000201");
    }
}
