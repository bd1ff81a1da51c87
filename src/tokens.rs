//! Everything made from the server's secret: the sign form's token and the
//! withdrawal codes. The secret is 32 random bytes in the data dir (mode
//! 0600), made on first start.
//!
//! A form token binds the second it was issued and a random nonce with an
//! HMAC-SHA256, so the server can tell, without storing anything per visitor
//! and without cookies, that a submission comes from a form it served, how
//! long ago, and (with the store's list of used nonces) that it is the first
//! submission of that form. The issue time lives only in the visitor's page;
//! the store keeps only the nonce and a day after which to forget it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type HmacSha256 = Hmac<Sha256>;

const SECRET_LEN: usize = 32;
const NONCE_LEN: usize = 16;
const TAG_LEN: usize = 16;
const TOKEN_BYTES: usize = 8 + NONCE_LEN + TAG_LEN;
/// Base64 of `TOKEN_BYTES` without padding.
pub const TOKEN_LEN: usize = (TOKEN_BYTES * 4).div_ceil(3);

/// The server's secret key, kept as the two HMAC states keyed with it (one
/// per use), so that a token costs two SHA-256 blocks, not four; never
/// printed.
pub struct Secret {
    form_token: HmacSha256,
    withdrawal_code: HmacSha256,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Why a form token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    /// No token was sent.
    Missing,
    /// Not made by this server's secret, or changed.
    Forged,
    /// Older than the maximum age (or from the future).
    Expired,
    /// Sent back sooner than a person fills the form in.
    TooFast,
}

/// A token that verified: what the store must record about it.
#[derive(Debug, PartialEq, Eq)]
pub struct ValidToken {
    /// The token's random part, recorded so the form signs once.
    pub nonce: [u8; NONCE_LEN],
    /// When it was issued, in seconds since the epoch.
    pub issued_secs: u64,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// `N` bytes from the operating system's random source.
pub fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // The OS random source failing is not something to serve through.
    // Without randomness no token or code can be safe: stopping is right.
    #[allow(clippy::expect_used, reason = "a machine without a random source cannot run this server safely")]
    getrandom::fill(&mut b).expect("the operating system's random source works");
    b
}

impl Secret {
    /// Reads `secret` from the data dir, or makes it (readable by the owner only).
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<Secret> {
        let path = data_dir.join("secret");
        match std::fs::read(&path) {
            Ok(bytes) => bytes
                .try_into()
                .map(|key: [u8; SECRET_LEN]| Secret::keyed(&key))
                .map_err(|_| std::io::Error::other(format!("{} is not {SECRET_LEN} bytes", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let secret = random::<SECRET_LEN>();
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                let mut f = opts.open(&path)?;
                f.write_all(&secret)?;
                f.sync_all()?;
                Ok(Secret::keyed(&secret))
            }
            Err(e) => Err(e),
        }
    }

    /// Reads another server's secret from `path` (a replica's copy of its
    /// origin's `DATA/secret`), read only; refused when the file is
    /// readable by anyone but its owner, since whoever reads it can make
    /// forms and withdrawal hashes of that server.
    pub fn load(path: &Path) -> std::io::Result<Secret> {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(std::io::Error::other(format!(
                "{} is readable by others (mode {:o}): make it the owner's only (chmod 600)",
                path.display(),
                mode & 0o777
            )));
        }
        std::fs::read(path)?
            .try_into()
            .map(|key: [u8; SECRET_LEN]| Secret::keyed(&key))
            .map_err(|_| std::io::Error::other(format!("{} is not {SECRET_LEN} bytes", path.display())))
    }

    fn keyed(key: &[u8; SECRET_LEN]) -> Secret {
        let mac = |domain: &[u8]| {
            #[allow(clippy::expect_used, reason = "HMAC takes a key of any length")]
            let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
            mac.update(domain);
            mac
        };
        Secret { form_token: mac(b"form-token"), withdrawal_code: mac(b"withdrawal-code") }
    }

    /// A secret from one repeated byte, for tests.
    #[cfg(test)]
    pub fn fixed(byte: u8) -> Secret {
        Secret::keyed(&[byte; SECRET_LEN])
    }

    /// A new form token for a form served now.
    pub fn issue_token(&self) -> String {
        self.token_at(now_secs(), random())
    }

    fn token_at(&self, issued: u64, nonce: [u8; NONCE_LEN]) -> String {
        let mut bytes = [0u8; TOKEN_BYTES];
        bytes[..8].copy_from_slice(&issued.to_be_bytes());
        bytes[8..8 + NONCE_LEN].copy_from_slice(&nonce);
        let mut mac = self.form_token.clone();
        mac.update(&bytes[..8 + NONCE_LEN]);
        bytes[8 + NONCE_LEN..].copy_from_slice(&mac.finalize().into_bytes()[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Checks a submitted token's integrity and age (not whether it was used:
    /// that is the store's to know).
    pub fn verify_token(
        &self,
        token: &str,
        min_age: Duration,
        max_age: Duration,
    ) -> Result<ValidToken, TokenError> {
        self.verify_token_at(token, min_age, max_age, now_secs())
    }

    fn verify_token_at(
        &self,
        token: &str,
        min_age: Duration,
        max_age: Duration,
        now: u64,
    ) -> Result<ValidToken, TokenError> {
        if token.is_empty() {
            return Err(TokenError::Missing);
        }
        if token.len() != TOKEN_LEN {
            return Err(TokenError::Forged);
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| TokenError::Forged)?;
        let mut mac = self.form_token.clone();
        mac.update(&bytes[..8 + NONCE_LEN]);
        mac.verify_truncated_left(&bytes[8 + NONCE_LEN..]).map_err(|_| TokenError::Forged)?;
        let issued = u64::from_be_bytes(bytes[..8].try_into().map_err(|_| TokenError::Forged)?);
        let age = now.saturating_sub(issued);
        if issued > now + 60 || age > max_age.as_secs() {
            return Err(TokenError::Expired);
        }
        if age < min_age.as_secs() {
            return Err(TokenError::TooFast);
        }
        Ok(ValidToken {
            nonce: bytes[8..8 + NONCE_LEN].try_into().map_err(|_| TokenError::Forged)?,
            issued_secs: issued,
        })
    }

    /// A new withdrawal code: 100 random bits as four groups of five
    /// lower-case letters and digits (no 0/o, 1/l/i), easy to read and copy.
    pub fn new_withdrawal_code(&self) -> String {
        const ALPHABET: &[u8; 32] = b"23456789abcdefghjkmnpqrstuvwxyz-";
        let bytes = random::<20>();
        let mut code = String::with_capacity(23);
        for (i, b) in bytes.iter().enumerate() {
            if i > 0 && i % 5 == 0 {
                code.push('-');
            }
            // 31 symbols, not 32: '-' separates groups. Modulo bias over a
            // byte is under 1% per symbol, irrelevant at 98 bits.
            code.push(ALPHABET[(*b as usize) % 31] as char);
        }
        code
    }

    /// The hash the store keeps for a withdrawal code; typing variations
    /// (case, spaces around) give the same hash.
    pub fn withdrawal_hash(&self, code: &str) -> [u8; 32] {
        let normal: String =
            code.trim().chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
        let mut mac = self.withdrawal_code.clone();
        mac.update(normal.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);
    const MIN: Duration = Duration::from_secs(3);

    #[test]
    fn a_fresh_token_verifies_after_the_minimum_fill_time() {
        let s = Secret::fixed(1);
        let t = s.token_at(1000, [9; 16]);
        assert_eq!(t.len(), TOKEN_LEN);
        let v = s.verify_token_at(&t, MIN, DAY, 1003).unwrap();
        assert_eq!(v.nonce, [9; 16]);
        assert_eq!(s.verify_token_at(&t, MIN, DAY, 1001), Err(TokenError::TooFast));
    }

    #[test]
    fn old_future_forged_and_missing_tokens_are_refused() {
        let s = Secret::fixed(1);
        let t = s.token_at(1000, [9; 16]);
        assert_eq!(s.verify_token_at(&t, MIN, DAY, 1000 + 86_401), Err(TokenError::Expired));
        assert_eq!(s.verify_token_at(&t, MIN, DAY, 500), Err(TokenError::Expired));
        assert_eq!(Secret::fixed(2).verify_token_at(&t, MIN, DAY, 1003), Err(TokenError::Forged));
        let mut tampered = t.clone().into_bytes();
        tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(s.verify_token_at(&tampered, MIN, DAY, 1003), Err(TokenError::Forged));
        assert_eq!(s.verify_token_at("", MIN, DAY, 1003), Err(TokenError::Missing));
        assert_eq!(s.verify_token_at("é", MIN, DAY, 1003), Err(TokenError::Forged));
    }

    #[test]
    fn withdrawal_codes_are_one_word_and_hash_stably() {
        let s = Secret::fixed(1);
        let code = s.new_withdrawal_code();
        assert_eq!(code.len(), 23);
        assert!(code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        assert_ne!(code, s.new_withdrawal_code());
        let h = s.withdrawal_hash(&code);
        assert_eq!(h, s.withdrawal_hash(&format!("  {} ", code.to_uppercase())));
        assert_ne!(h, Secret::fixed(2).withdrawal_hash(&code));
    }

    #[test]
    fn the_secret_is_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let a = Secret::load_or_create(dir.path()).unwrap();
        let b = Secret::load_or_create(dir.path()).unwrap();
        // The same key: a form served before a restart still signs after it.
        let token = a.token_at(1000, [7; 16]);
        assert!(b.verify_token_at(&token, MIN, DAY, 1003).is_ok());
        assert_eq!(a.withdrawal_hash("abc"), b.withdrawal_hash("abc"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn another_servers_secret_is_read_only_when_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let origin = Secret::load_or_create(dir.path()).unwrap();
        let path = dir.path().join("secret");
        let copy = Secret::load(&path).unwrap();
        let token = origin.token_at(1000, [7; 16]);
        assert!(copy.verify_token_at(&token, MIN, DAY, 1003).is_ok(), "the origin accepts its tokens");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let refused = Secret::load(&path).unwrap_err().to_string();
        assert!(refused.contains("readable by others (mode 640)"), "{refused}");
    }
}
