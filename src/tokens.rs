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
//!
//! A nonce begins with the form's place in the order this process issued
//! forms in (a counter from a random start, no clock in it), so that the
//! store's used-token index is added to at its end, not at a random page.
//! A withdrawal code begins with its signature's id, so that its hash is
//! kept under a key that also grows with every signature
//! ([`withdrawal_key`]); codes of the earlier form (four groups, no id)
//! are looked up by their hash alone, as they were stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
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
    nonces: NonceSequence,
}

/// Form-token nonces in the order they are issued: 8 bytes of a counter
/// that starts at a random number (so that no two runs of the server
/// overlap and the count says nothing about when it started), then 8
/// random bytes. The counter carries no time and nothing about a visitor;
/// it only puts the used-token index's new entries at its end.
#[derive(Debug)]
pub struct NonceSequence(AtomicU64);

impl NonceSequence {
    /// A sequence from a random start, with room for 2^62 forms before it
    /// wraps.
    pub fn new() -> NonceSequence {
        NonceSequence(AtomicU64::new(u64::from_be_bytes(random()) >> 2))
    }

    /// The next nonce in the order issued.
    pub fn issue(&self) -> [u8; NONCE_LEN] {
        let mut nonce = [0u8; NONCE_LEN];
        nonce[..8].copy_from_slice(&self.0.fetch_add(1, Ordering::Relaxed).to_be_bytes());
        nonce[8..].copy_from_slice(&random::<8>());
        nonce
    }
}

impl Default for NonceSequence {
    fn default() -> NonceSequence {
        NonceSequence::new()
    }
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
        Secret {
            form_token: mac(b"form-token"),
            withdrawal_code: mac(b"withdrawal-code"),
            nonces: NonceSequence::new(),
        }
    }

    /// A secret from one repeated byte, for tests.
    #[cfg(test)]
    pub fn fixed(byte: u8) -> Secret {
        Secret::keyed(&[byte; SECRET_LEN])
    }

    /// A new form token for a form served now.
    pub fn issue_token(&self) -> String {
        self.token_at(now_secs(), self.nonces.issue())
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

    /// A new withdrawal code's random part: 98 random bits as four groups
    /// of five lower-case letters and digits (no 0/o, 1/l/i), easy to read
    /// and copy. The code shown is [`withdrawal_code`] of it and the
    /// signature's id; the store keeps [`Secret::withdrawal_hash`] of this
    /// part under [`withdrawal_key`].
    pub fn new_withdrawal_code(&self) -> String {
        let bytes = random::<20>();
        let mut code = String::with_capacity(23);
        for (i, b) in bytes.iter().enumerate() {
            if i > 0 && i % 5 == 0 {
                code.push('-');
            }
            // 31 symbols, not 32: '-' separates groups. Modulo bias over a
            // byte is under 1% per symbol, irrelevant at 98 bits.
            code.push(CODE_ALPHABET[(*b as usize) % 31] as char);
        }
        code
    }

    /// The hash the store keeps for a withdrawal code; typing variations
    /// (case, spaces around) give the same hash.
    pub fn withdrawal_hash(&self, code: &str) -> [u8; 32] {
        let mut mac = self.withdrawal_code.clone();
        mac.update(normal_code(code).as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The key the store finds a typed withdrawal code under: for a code
    /// with its signature's id in front, [`withdrawal_key`] of that id and
    /// the hash of the rest; for a code of the earlier form, its hash, as
    /// it was stored.
    pub fn withdrawal_lookup(&self, code: &str) -> [u8; 32] {
        let normal = normal_code(code);
        match split_code(&normal) {
            Some((id, rest)) => withdrawal_key(id, &self.withdrawal_hash(rest)),
            None => self.withdrawal_hash(&normal),
        }
    }
}

/// The letters and digits of withdrawal codes (the last, '-', is never a
/// symbol: it separates groups).
const CODE_ALPHABET: &[u8; 32] = b"23456789abcdefghjkmnpqrstuvwxyz-";

/// A code as typed, without spaces and in lower case.
fn normal_code(code: &str) -> String {
    code.trim().chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// The withdrawal code shown for signature `id`: the id in the code's
/// alphabet, then the random part.
pub fn withdrawal_code(id: u64, random_part: &str) -> String {
    let mut digits = Vec::new();
    let mut rest = id;
    loop {
        digits.push(CODE_ALPHABET[(rest % 31) as usize]);
        rest /= 31;
        if rest == 0 {
            break;
        }
    }
    digits.reverse();
    format!("{}-{random_part}", String::from_utf8_lossy(&digits))
}

/// The id and random part of a code with an id in front (five groups), or
/// None for one of the earlier form (four groups) or no code at all.
fn split_code(normal: &str) -> Option<(u64, &str)> {
    let (first, rest) = normal.split_once('-')?;
    // 13 symbols of 31 hold any 64-bit id.
    if rest.split('-').count() != 4 || first.is_empty() || first.len() > 13 {
        return None;
    }
    first
        .bytes()
        .try_fold(0u64, |id, b| {
            let digit = CODE_ALPHABET[..31].iter().position(|a| *a == b)?;
            id.checked_mul(31)?.checked_add(digit as u64)
        })
        .map(|id| (id, rest))
}

/// Where the store keeps a withdrawal code's hash: the signature's id
/// (big-endian, so keys sort by id and each new one goes at the end of the
/// index) and 192 bits of the hash of the code's random part. A key of
/// the earlier form is a whole 32-byte hash; both have the same length,
/// so backups carry either as they are.
pub fn withdrawal_key(id: u64, hash: &[u8; 32]) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&id.to_be_bytes());
    key[8..].copy_from_slice(&hash[..24]);
    key
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
    fn nonces_follow_the_order_they_were_issued_in() {
        let s = Secret::fixed(1);
        let nonces: Vec<[u8; 16]> = (0..100).map(|_| s.nonces.issue()).collect();
        assert!(nonces.windows(2).all(|w| w[0][..8] < w[1][..8]), "the counter grows");
        assert_ne!(nonces[0][8..], nonces[1][8..], "the rest is random");
        let other = Secret::fixed(1);
        assert_ne!(other.nonces.issue()[..8], nonces[0][..8], "each run starts somewhere else");
    }

    #[test]
    fn a_code_carries_its_id_and_finds_its_key() {
        let s = Secret::fixed(1);
        let part = s.new_withdrawal_code();
        let hash = s.withdrawal_hash(&part);
        for id in [1, 30, 31, 961, 1_000_000, u64::MAX] {
            let code = withdrawal_code(id, &part);
            assert_eq!(code.split('-').count(), 5, "{code}");
            assert_eq!(s.withdrawal_lookup(&code), withdrawal_key(id, &hash), "{code}");
            let typed = format!(" {} ", code.to_uppercase());
            assert_eq!(s.withdrawal_lookup(&typed), withdrawal_key(id, &hash));
        }
        // Another id in front finds another key: the id is part of the key.
        let code = withdrawal_code(7, &part);
        assert_ne!(s.withdrawal_lookup(&code.replacen('9', "8", 1)), withdrawal_key(7, &hash));
        assert_eq!(withdrawal_key(2, &hash)[..8], 2u64.to_be_bytes());
        assert!(withdrawal_key(2, &hash) < withdrawal_key(3, &hash), "keys sort by id");
    }

    #[test]
    fn a_code_of_the_earlier_form_is_looked_up_by_its_hash() {
        let s = Secret::fixed(1);
        let old = s.new_withdrawal_code();
        assert_eq!(s.withdrawal_lookup(&old), s.withdrawal_hash(&old));
        assert_eq!(s.withdrawal_lookup(&format!("  {}", old.to_uppercase())), s.withdrawal_hash(&old));
        // Not codes at all are looked up (and found nowhere), not refused here.
        assert_eq!(s.withdrawal_lookup("x"), s.withdrawal_hash("x"));
        assert_eq!(s.withdrawal_lookup("zzzzzzzzzzzzz-a-b-c-d"), s.withdrawal_hash("zzzzzzzzzzzzz-a-b-c-d"));
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
