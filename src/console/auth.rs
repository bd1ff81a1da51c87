//! Who may moderate: named moderators with argon2id passphrase hashes in
//! the data dir (`moderators`, owner-only; the passphrase itself is never
//! stored or printed), sessions held in memory only, a CSRF token per
//! session, and a sign-in that slows down after wrong passphrases.

use crate::limits::Queue;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// Sessions at once, at most; signing in past it ends the least recently used.
const MAX_SESSIONS: usize = 32;
/// Shortest passphrase accepted, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// Longest accepted passphrase, so hashing cost stays bounded.
pub const MAX_PASSPHRASE_BYTES: usize = 1024;
const MAX_DELAY: Duration = Duration::from_secs(8);
/// Sign-ins that may wait for their turn; past that many, a try is refused
/// at once rather than holding a connection.
const MAX_WAITING: usize = 8;
/// Wrong passphrases further apart than this do not add up.
const FAILURE_MEMORY: Duration = Duration::from_secs(15 * 60);

fn moderators_file(data_dir: &Path) -> PathBuf {
    data_dir.join("moderators")
}

fn valid_moderator_name(name: &str) -> bool {
    (1..=40).contains(&name.chars().count())
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
        && name.trim() == name
}

/// Reads `name<TAB>phc` lines.
fn read_moderators(data_dir: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(moderators_file(data_dir))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, h)| (n.to_string(), h.to_string()))
        .collect()
}

/// Why a passphrase was not set.
#[derive(Debug)]
#[non_exhaustive]
pub enum PassphraseError {
    /// The moderator's name is not one this console accepts.
    BadName,
    /// Shorter than [`MIN_PASSPHRASE_CHARS`] or longer than [`MAX_PASSPHRASE_BYTES`].
    BadLength,
    /// argon2 refused (it should not).
    Hash(argon2::password_hash::Error),
    /// The moderators file could not be written.
    Write(PathBuf, std::io::Error),
}

impl std::fmt::Display for PassphraseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PassphraseError::BadName => {
                f.write_str("a moderator name is 1 to 40 letters, digits, spaces, '-', '_' or '.'")
            }
            PassphraseError::BadLength => {
                write!(f, "the passphrase must be at least {MIN_PASSPHRASE_CHARS} characters")
            }
            PassphraseError::Hash(e) => write!(f, "cannot hash the passphrase: {e}"),
            PassphraseError::Write(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

impl std::error::Error for PassphraseError {}

/// Sets (or replaces) a moderator's passphrase. Works while the server runs:
/// the file is read at each sign-in.
pub fn set_passphrase(data_dir: &Path, moderator: &str, passphrase: &str) -> Result<(), PassphraseError> {
    if !valid_moderator_name(moderator) {
        return Err(PassphraseError::BadName);
    }
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS || passphrase.len() > MAX_PASSPHRASE_BYTES {
        return Err(PassphraseError::BadLength);
    }
    let salt = SaltString::encode_b64(&crate::tokens::random::<16>()).map_err(PassphraseError::Hash)?;
    let hash =
        Argon2::default().hash_password(passphrase.as_bytes(), &salt).map_err(PassphraseError::Hash)?;
    let mut all = read_moderators(data_dir);
    all.insert(moderator.to_string(), hash.to_string());
    let mut lines: Vec<String> = all.into_iter().map(|(n, h)| format!("{n}\t{h}\n")).collect();
    lines.sort();
    let path = moderators_file(data_dir);
    std::fs::create_dir_all(data_dir).map_err(|e| PassphraseError::Write(data_dir.to_path_buf(), e))?;
    let tmp = path.with_extension("new");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(&tmp).map_err(|e| PassphraseError::Write(tmp.clone(), e))?;
    f.write_all(lines.concat().as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| PassphraseError::Write(tmp.clone(), e))?;
    std::fs::rename(&tmp, &path).map_err(|e| PassphraseError::Write(path.clone(), e))
}

/// A signed-in moderator's session, in memory only.
pub struct Session {
    /// Who signed in.
    pub moderator: String,
    /// The token every form of this session carries.
    pub csrf: String,
    last_seen: Instant,
}

/// The console's sign-in state: sessions and the wrong-passphrase brake.
pub struct Auth {
    data_dir: PathBuf,
    idle: Duration,
    sessions: Mutex<HashMap<String, Session>>,
    failures: Mutex<(u32, Instant)>,
    /// One passphrase check at a time (argon2 is meant to be expensive),
    /// [`MAX_WAITING`] more waiting their turn.
    hashing: Queue,
}

/// Why a sign-in did not give a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInRefused {
    /// The name and passphrase do not match.
    Wrong,
    /// Too many tries wait already; none was checked.
    Busy,
}

fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(crate::tokens::random::<32>())
}

/// A sign-in form's CSRF token, sent both in the form and in a cookie of
/// its own: another site can make a browser post the form, but cannot read
/// or set the cookie, so it cannot sign a moderator into its own account.
pub fn login_token() -> String {
    random_token()
}

/// Compares two secrets in constant time.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

impl Auth {
    /// Sign-in state for the moderators in `data_dir`; sessions end after `idle` unused.
    pub fn new(data_dir: &Path, idle: Duration) -> Auth {
        Auth {
            data_dir: data_dir.to_path_buf(),
            idle,
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new((0, Instant::now())),
            // Longer than the longest wait a turn can take ([`MAX_DELAY`]) for each waiting.
            hashing: Queue::new(
                1,
                MAX_WAITING,
                MAX_DELAY * (MAX_WAITING as u32 + 1) + Duration::from_secs(60),
            ),
        }
    }

    /// Whether any moderator can sign in at all.
    pub fn has_moderators(&self) -> bool {
        !read_moderators(&self.data_dir).is_empty()
    }

    fn delay(&self) -> Duration {
        let (n, last) = *self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if n == 0 || last.elapsed() > FAILURE_MEMORY {
            return Duration::ZERO;
        }
        (Duration::from_millis(250) * 2u32.saturating_pow(n.min(10) - 1)).min(MAX_DELAY)
    }

    /// Checks a passphrase; on success returns a new session's cookie value.
    /// Every wrong try makes the next one wait longer, whoever tries, and
    /// tries sent at once wait in turn: the wait is taken with the turn, so
    /// a hundred parallel tries are checked no faster than one after another.
    pub async fn sign_in(&self, moderator: &str, passphrase: &str) -> Result<String, SignInRefused> {
        let _turn = self.hashing.enter().await.map_err(|_| SignInRefused::Busy)?;
        tokio::time::sleep(self.delay()).await;
        let hash = read_moderators(&self.data_dir).get(moderator).cloned();
        let ok = passphrase.len() <= MAX_PASSPHRASE_BYTES && {
            // argon2 takes tens of milliseconds of CPU on purpose: not on a
            // thread that serves connections.
            let passphrase = passphrase.to_owned();
            let check = move || {
                hash.as_deref().and_then(|h| PasswordHash::new(h).ok()).is_some_and(|parsed| {
                    Argon2::default().verify_password(passphrase.as_bytes(), &parsed).is_ok()
                })
            };
            tokio::task::spawn_blocking(check).await.unwrap_or(false)
        };
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if !ok {
            let n = if failures.1.elapsed() > FAILURE_MEMORY { 0 } else { failures.0 };
            *failures = (n.saturating_add(1), Instant::now());
            return Err(SignInRefused::Wrong);
        }
        *failures = (0, Instant::now());
        drop(failures);
        let cookie = random_token();
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, s| s.last_seen.elapsed() < self.idle);
        if sessions.len() >= MAX_SESSIONS {
            if let Some(oldest) = sessions.iter().min_by_key(|(_, s)| s.last_seen).map(|(k, _)| k.clone()) {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(
            cookie.clone(),
            Session { moderator: moderator.to_string(), csrf: random_token(), last_seen: Instant::now() },
        );
        Ok(cookie)
    }

    /// The session a cookie belongs to, if it is live; touching it.
    pub fn session(&self, cookie: &str) -> Option<(String, String)> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let live = sessions.get(cookie).is_some_and(|s| s.last_seen.elapsed() < self.idle);
        if !live {
            sessions.remove(cookie);
            return None;
        }
        let s = sessions.get_mut(cookie)?;
        s.last_seen = Instant::now();
        Some((s.moderator.clone(), s.csrf.clone()))
    }

    /// Ends a session.
    pub fn sign_out(&self, cookie: &str) {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).remove(cookie);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn passphrases_sessions_and_the_brake() {
        let dir = tempfile::tempdir().unwrap();
        assert!(set_passphrase(dir.path(), "alice", "short").is_err());
        assert!(set_passphrase(dir.path(), "bad\tname", "long enough passphrase").is_err());
        set_passphrase(dir.path(), "alice", "correct horse battery").unwrap();
        let file = std::fs::read_to_string(dir.path().join("moderators")).unwrap();
        assert!(file.starts_with("alice\t$argon2id$") && !file.contains("correct horse"));

        let auth = Auth::new(dir.path(), Duration::from_secs(60));
        assert!(auth.sign_in("alice", "wrong passphrase!").await == Err(SignInRefused::Wrong));
        assert!(auth.delay() >= Duration::from_millis(250));
        assert!(auth.sign_in("mallory", "correct horse battery").await == Err(SignInRefused::Wrong));
        assert!(auth.delay() >= Duration::from_millis(500));
        let cookie = auth.sign_in("alice", "correct horse battery").await.unwrap();
        assert_eq!(auth.delay(), Duration::ZERO);
        let (who, csrf) = auth.session(&cookie).unwrap();
        assert_eq!(who, "alice");
        assert!(csrf.len() > 30);
        auth.sign_out(&cookie);
        assert!(auth.session(&cookie).is_none());
    }

    /// Tries sent at once are checked one after another, each after the
    /// wait the tries before it earned; past those waiting, refused at once.
    /// An unknown moderator costs no hashing, so the clock can be paused.
    #[tokio::test(start_paused = true)]
    async fn a_hundred_tries_at_once_wait_their_turns_or_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        set_passphrase(dir.path(), "alice", "correct horse battery").unwrap();
        let auth = Arc::new(Auth::new(dir.path(), Duration::from_secs(60)));
        let start = tokio::time::Instant::now();
        let tries: Vec<_> = (0..100)
            .map(|_| {
                let auth = Arc::clone(&auth);
                tokio::spawn(async move {
                    let refused = auth.sign_in("mallory", "a wrong passphrase").await.unwrap_err();
                    (refused, start.elapsed())
                })
            })
            .collect();
        let mut checked = Vec::new();
        let mut busy = 0;
        for t in tries {
            match t.await.unwrap() {
                (SignInRefused::Wrong, at) => checked.push(at),
                (SignInRefused::Busy, at) => {
                    assert!(at < Duration::from_millis(1), "a refusal for being busy comes at once");
                    busy += 1;
                }
            }
        }
        assert_eq!((checked.len(), busy), (1 + MAX_WAITING, 100 - 1 - MAX_WAITING));
        checked.sort();
        // 0, then 0.25, 0.5, 1, 2, 4, 8, 8, 8 s after each other.
        assert!(checked[8] >= Duration::from_millis(31_750), "{checked:?}");
        assert!(auth.delay() == MAX_DELAY);
    }

    #[tokio::test]
    async fn idle_sessions_expire() {
        let dir = tempfile::tempdir().unwrap();
        set_passphrase(dir.path(), "bob", "another long passphrase").unwrap();
        let auth = Auth::new(dir.path(), Duration::from_millis(50));
        let cookie = auth.sign_in("bob", "another long passphrase").await.unwrap();
        assert!(auth.session(&cookie).is_some());
        std::thread::sleep(Duration::from_millis(80));
        assert!(auth.session(&cookie).is_none());
    }
}
