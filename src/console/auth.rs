//! Who may moderate: named moderators with argon2id passphrase hashes in
//! the data dir (`moderators`, owner-only; the passphrase itself is never
//! stored or printed), sessions held in memory only, a CSRF token per
//! session, and a sign-in that slows down after wrong passphrases.

use crate::limits::Queue;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

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
/// Names that are no moderator's, each with a brake of its own, at most;
/// past them the least recently tried one not in use is forgotten, and
/// when all are in use a try for another such name is refused as busy.
const MAX_UNKNOWN_NAMES: usize = 16;
/// Longest moderators file read (a line is under 200 bytes).
const MAX_MODERATORS_FILE: u64 = 1 << 20;

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
    let mut text = String::new();
    if let Ok(f) = std::fs::File::open(moderators_file(data_dir)) {
        let _ = f.take(MAX_MODERATORS_FILE).read_to_string(&mut text);
    }
    text.lines().filter_map(|l| l.split_once('\t')).map(|(n, h)| (n.to_string(), h.to_string())).collect()
}

/// Why a passphrase was not set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PassphraseError {
    /// The moderator's name is not one this console accepts.
    #[error("a moderator name is 1 to 40 letters, digits, spaces, '-', '_' or '.'")]
    BadName,
    /// Shorter than [`MIN_PASSPHRASE_CHARS`] or longer than [`MAX_PASSPHRASE_BYTES`].
    #[error("the passphrase must be at least {MIN_PASSPHRASE_CHARS} characters")]
    BadLength,
    /// argon2 refused (it should not; its error is not a std error
    /// without the std feature, so it is kept in the words).
    #[error("cannot hash the passphrase: {0}")]
    Hash(argon2::password_hash::Error),
    /// The moderators file could not be written.
    #[error("{path}: {source}", path = .0.display(), source = .1)]
    Write(PathBuf, #[source] std::io::Error),
}

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
    started: Instant,
    /// Of the passphrase hash the moderator signed in with: another hash
    /// (a new passphrase) or none (removed) ends the session.
    hash: [u8; 32],
}

/// The moderators file as last read, and what it was when read: re-read
/// only when that changes, so each request costs one `stat`.
#[derive(Default)]
struct Moderators {
    stamp: Option<(u64, u64, u64, Option<std::time::SystemTime>)>,
    hashes: Arc<HashMap<String, String>>,
}

/// One name's wrong-passphrase brake: its wrong tries, and its turns
/// (one check at a time, [`MAX_WAITING`] more waiting).
struct Brake {
    failures: Mutex<(u32, Instant)>,
    turns: Queue,
}

impl Brake {
    fn new() -> Brake {
        Brake {
            failures: Mutex::new((0, Instant::now())),
            // Longer than the longest wait a turn can take ([`MAX_DELAY`]) for each waiting.
            turns: Queue::new(1, MAX_WAITING, MAX_DELAY * (MAX_WAITING as u32 + 1) + Duration::from_secs(60)),
        }
    }

    fn delay(&self) -> Duration {
        let (n, last) = *self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if n == 0 || last.elapsed() > FAILURE_MEMORY {
            return Duration::ZERO;
        }
        (Duration::from_millis(250) * 2u32.saturating_pow(n.min(10) - 1)).min(MAX_DELAY)
    }

    fn record(&self, ok: bool) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let n = match ok {
            true => 0,
            false if failures.1.elapsed() > FAILURE_MEMORY => 1,
            false => failures.0.saturating_add(1),
        };
        *failures = (n, Instant::now());
    }

    fn last_try(&self) -> Instant {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}

/// The console's sign-in state: sessions and the wrong-passphrase brakes.
pub struct Auth {
    data_dir: PathBuf,
    idle: Duration,
    max_age: Duration,
    sessions: Mutex<HashMap<String, Session>>,
    moderators: Mutex<Moderators>,
    /// A brake per name tried: each moderator's, kept, and up to
    /// [`MAX_UNKNOWN_NAMES`] of names that are none, so that tries for
    /// other names never hold a moderator back.
    brakes: Mutex<HashMap<String, Arc<Brake>>>,
    /// One argon2 check at a time, whoever's (it is meant to be expensive).
    hashing: Arc<Semaphore>,
    /// A hash of a random passphrase, with the same parameters as the
    /// moderators': checked for a name that is none, so that an unknown
    /// name costs what a known one does and answers no sooner.
    dummy: Arc<str>,
    /// Passphrase checks run (argon2 verifications), known name or not.
    checks: Arc<AtomicU64>,
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

fn fingerprint(hash: &str) -> [u8; 32] {
    Sha256::digest(hash.as_bytes()).into()
}

impl Auth {
    /// Sign-in state for the moderators in `data_dir`; sessions end after
    /// `idle` unused, and `max_age` after sign-in.
    pub fn new(data_dir: &Path, idle: Duration, max_age: Duration) -> Auth {
        let salt = SaltString::encode_b64(&crate::tokens::random::<16>());
        let dummy = salt
            .ok()
            .and_then(|salt| {
                Argon2::default()
                    .hash_password(&crate::tokens::random::<32>(), &salt)
                    .ok()
                    .map(|h| h.to_string())
            })
            .unwrap_or_default();
        Auth {
            data_dir: data_dir.to_path_buf(),
            idle,
            max_age,
            sessions: Mutex::new(HashMap::new()),
            moderators: Mutex::new(Moderators::default()),
            brakes: Mutex::new(HashMap::new()),
            hashing: Arc::new(Semaphore::new(1)),
            dummy: dummy.into(),
            checks: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Whether any moderator can sign in at all.
    pub fn has_moderators(&self) -> bool {
        !self.moderators().is_empty()
    }

    /// The moderators and their hashes as the file says now: read again
    /// when it was replaced or changed (`admin passphrase` while serving).
    fn moderators(&self) -> Arc<HashMap<String, String>> {
        use std::os::unix::fs::MetadataExt;
        let stamp = std::fs::metadata(moderators_file(&self.data_dir))
            .ok()
            .map(|m| (m.dev(), m.ino(), m.len(), m.modified().ok()));
        let mut cached = self.moderators.lock().unwrap_or_else(|p| p.into_inner());
        if cached.stamp != stamp || stamp.is_none() {
            *cached = Moderators { stamp, hashes: Arc::new(read_moderators(&self.data_dir)) };
        }
        Arc::clone(&cached.hashes)
    }

    /// The brake of `name`; `None` when every unknown name's brake is in use.
    fn brake(&self, name: &str, known: bool) -> Option<Arc<Brake>> {
        let mut brakes = self.brakes.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = brakes.get(name) {
            return Some(Arc::clone(b));
        }
        if !known {
            let moderators = self.moderators();
            let unknown: Vec<(&String, &Arc<Brake>)> =
                brakes.iter().filter(|(n, _)| !moderators.contains_key(*n)).collect();
            if unknown.len() >= MAX_UNKNOWN_NAMES {
                // Forget the least recently tried name no try is using.
                let idle = unknown
                    .into_iter()
                    .filter(|(_, b)| Arc::strong_count(b) == 1)
                    .min_by_key(|(_, b)| b.last_try())
                    .map(|(n, _)| n.clone())?;
                brakes.remove(&idle);
            }
        }
        let brake = Arc::new(Brake::new());
        brakes.insert(name.to_string(), Arc::clone(&brake));
        Some(brake)
    }

    /// How long the next try for `name` waits.
    #[cfg(test)]
    fn delay(&self, name: &str) -> Duration {
        let brakes = self.brakes.lock().unwrap_or_else(|p| p.into_inner());
        brakes.get(name).map_or(Duration::ZERO, |b| b.delay())
    }

    /// Checks a passphrase; on success returns a new session's cookie value.
    /// Every wrong try for a name makes that name's next one wait longer,
    /// whoever tries, and tries for a name sent at once wait in turn: the
    /// wait is taken with the turn, so a hundred parallel tries are checked
    /// no faster than one after another. Tries for other names, existing
    /// or not, neither add to a name's wait nor take its turns.
    pub async fn sign_in(&self, moderator: &str, passphrase: &str) -> Result<String, SignInRefused> {
        let moderators = self.moderators();
        let hash = moderators.get(moderator).cloned();
        let brake = self.brake(moderator, hash.is_some()).ok_or(SignInRefused::Busy)?;
        let _turn = brake.turns.enter().await.map_err(|_| SignInRefused::Busy)?;
        tokio::time::sleep(brake.delay()).await;
        let ok = passphrase.len() <= MAX_PASSPHRASE_BYTES && self.check(hash.as_deref(), passphrase).await;
        brake.record(ok);
        let Some(hash) = hash.filter(|_| ok) else { return Err(SignInRefused::Wrong) };
        let cookie = random_token();
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, s| self.live(s, &moderators));
        if sessions.len() >= MAX_SESSIONS {
            if let Some(oldest) = sessions.iter().min_by_key(|(_, s)| s.last_seen).map(|(k, _)| k.clone()) {
                sessions.remove(&oldest);
            }
        }
        let now = Instant::now();
        sessions.insert(
            cookie.clone(),
            Session {
                moderator: moderator.to_string(),
                csrf: random_token(),
                last_seen: now,
                started: now,
                hash: fingerprint(&hash),
            },
        );
        Ok(cookie)
    }

    /// Runs argon2 on `hash`, or on the dummy hash for a name that is none
    /// (then false whatever it finds), off the threads that serve
    /// connections: it takes tens of milliseconds of CPU on purpose.
    async fn check(&self, hash: Option<&str>, passphrase: &str) -> bool {
        let Ok(_cpu) = Arc::clone(&self.hashing).acquire_owned().await else { return false };
        let known = hash.is_some();
        let phc: Arc<str> = hash.map_or_else(|| Arc::clone(&self.dummy), Arc::from);
        let (passphrase, checks) = (passphrase.to_owned(), Arc::clone(&self.checks));
        let verify = move || {
            checks.fetch_add(1, Ordering::Relaxed);
            let matches = PasswordHash::new(&phc).is_ok_and(|parsed| {
                Argon2::default().verify_password(passphrase.as_bytes(), &parsed).is_ok()
            });
            matches && known
        };
        tokio::task::spawn_blocking(verify).await.unwrap_or(false)
    }

    /// Whether a session still holds: used lately, not too old, and its
    /// moderator still there with the passphrase signed in with.
    fn live(&self, s: &Session, moderators: &HashMap<String, String>) -> bool {
        s.last_seen.elapsed() < self.idle
            && s.started.elapsed() < self.max_age
            && moderators.get(&s.moderator).is_some_and(|h| fingerprint(h) == s.hash)
    }

    /// The session a cookie belongs to, if it is live; touching it.
    pub fn session(&self, cookie: &str) -> Option<(String, String)> {
        let moderators = self.moderators();
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if !sessions.get(cookie).is_some_and(|s| self.live(s, &moderators)) {
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

    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[tokio::test]
    async fn passphrases_sessions_and_the_brake() {
        let dir = tempfile::tempdir().unwrap();
        assert!(set_passphrase(dir.path(), "alice", "short").is_err());
        assert!(set_passphrase(dir.path(), "bad\tname", "long enough passphrase").is_err());
        set_passphrase(dir.path(), "alice", "correct horse battery").unwrap();
        let file = std::fs::read_to_string(dir.path().join("moderators")).unwrap();
        assert!(file.starts_with("alice\t$argon2id$") && !file.contains("correct horse"));

        let auth = Auth::new(dir.path(), Duration::from_secs(60), DAY);
        assert!(auth.sign_in("alice", "wrong passphrase!").await == Err(SignInRefused::Wrong));
        assert!(auth.delay("alice") >= Duration::from_millis(250));
        assert!(auth.sign_in("alice", "wrong again, alas").await == Err(SignInRefused::Wrong));
        assert!(auth.delay("alice") >= Duration::from_millis(500));
        assert!(auth.sign_in("mallory", "correct horse battery").await == Err(SignInRefused::Wrong));
        assert!(auth.delay("mallory") >= Duration::from_millis(250));
        let cookie = auth.sign_in("alice", "correct horse battery").await.unwrap();
        assert_eq!(auth.delay("alice"), Duration::ZERO);
        let (who, csrf) = auth.session(&cookie).unwrap();
        assert_eq!(who, "alice");
        assert!(csrf.len() > 30);
        auth.sign_out(&cookie);
        assert!(auth.session(&cookie).is_none());
    }

    /// Tries sent at once are checked one after another, each after the
    /// wait the tries before it earned; past those waiting, refused at once.
    #[tokio::test(start_paused = true)]
    async fn a_hundred_tries_at_once_wait_their_turns_or_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        set_passphrase(dir.path(), "alice", "correct horse battery").unwrap();
        let auth = Arc::new(Auth::new(dir.path(), Duration::from_secs(60), DAY));
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
        assert!(auth.delay("mallory") == MAX_DELAY);
    }

    /// A name that is no moderator's is checked against a hash as a real
    /// one is, so that it answers no sooner.
    #[tokio::test]
    async fn an_unknown_name_costs_a_passphrase_check_as_a_known_one_does() {
        let dir = tempfile::tempdir().unwrap();
        set_passphrase(dir.path(), "alice", "correct horse battery").unwrap();
        let auth = Auth::new(dir.path(), Duration::from_secs(60), DAY);
        assert!(auth.dummy.starts_with("$argon2id$"), "{}", auth.dummy);
        assert_eq!(auth.sign_in("alice", "a wrong passphrase").await, Err(SignInRefused::Wrong));
        assert_eq!(auth.checks.load(Ordering::Relaxed), 1);
        assert_eq!(auth.sign_in("nobody", "a wrong passphrase").await, Err(SignInRefused::Wrong));
        assert_eq!(auth.checks.load(Ordering::Relaxed), 2, "the unknown name ran argon2 too");
        // The dummy hash matches nothing, not even what it was made from.
        assert_eq!(auth.sign_in("nobody", "").await, Err(SignInRefused::Wrong));
    }

    /// Wrong tries for names that are no moderator's, one after another or
    /// a hundred at once, neither slow a moderator down nor take her turn.
    #[tokio::test(start_paused = true)]
    async fn tries_for_other_names_do_not_hold_a_moderator_back() {
        let dir = tempfile::tempdir().unwrap();
        set_passphrase(dir.path(), "alice", "correct horse battery").unwrap();
        let auth = Arc::new(Auth::new(dir.path(), Duration::from_secs(60), DAY));
        for _ in 0..5 {
            assert_eq!(auth.sign_in("mallory", "a wrong passphrase").await, Err(SignInRefused::Wrong));
        }
        let start = tokio::time::Instant::now();
        auth.sign_in("alice", "correct horse battery").await.unwrap();
        assert!(start.elapsed() < Duration::from_millis(100), "{:?}", start.elapsed());

        let flood: Vec<_> = (0..100)
            .map(|i| {
                let auth = Arc::clone(&auth);
                let name = if i % 2 == 0 { "mallory".to_string() } else { format!("nobody {i}") };
                tokio::spawn(async move { auth.sign_in(&name, "a wrong passphrase").await })
            })
            .collect();
        tokio::task::yield_now().await;
        assert!(auth.sign_in("alice", "correct horse battery").await.is_ok(), "not busy for her");
        for t in flood {
            assert!(t.await.unwrap().is_err());
        }
        let brakes = auth.brakes.lock().unwrap();
        assert!(brakes.len() <= 1 + MAX_UNKNOWN_NAMES, "{}", brakes.len());
    }

    #[tokio::test]
    async fn idle_sessions_expire() {
        let dir = tempfile::tempdir().unwrap();
        set_passphrase(dir.path(), "bob", "another long passphrase").unwrap();
        let auth = Auth::new(dir.path(), Duration::from_millis(50), DAY);
        let cookie = auth.sign_in("bob", "another long passphrase").await.unwrap();
        assert!(auth.session(&cookie).is_some());
        std::thread::sleep(Duration::from_millis(80));
        assert!(auth.session(&cookie).is_none());
    }

    #[tokio::test]
    async fn busy_sessions_end_at_their_age() {
        let dir = tempfile::tempdir().unwrap();
        set_passphrase(dir.path(), "bob", "another long passphrase").unwrap();
        let auth = Auth::new(dir.path(), Duration::from_secs(60), Duration::from_millis(300));
        let cookie = auth.sign_in("bob", "another long passphrase").await.unwrap();
        for _ in 0..4 {
            assert!(auth.session(&cookie).is_some(), "used, so not idle");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(150));
        assert!(auth.session(&cookie).is_none(), "past its age, however busy");
    }

    #[tokio::test]
    async fn sessions_end_with_the_passphrase_or_the_moderator() {
        let dir = tempfile::tempdir().unwrap();
        set_passphrase(dir.path(), "bob", "another long passphrase").unwrap();
        set_passphrase(dir.path(), "carol", "a third long passphrase").unwrap();
        let auth = Auth::new(dir.path(), Duration::from_secs(60), DAY);
        let bob = auth.sign_in("bob", "another long passphrase").await.unwrap();
        let carol = auth.sign_in("carol", "a third long passphrase").await.unwrap();
        set_passphrase(dir.path(), "bob", "bob's brand new passphrase").unwrap();
        assert!(auth.session(&bob).is_none(), "the passphrase changed");
        assert!(auth.session(&carol).is_some(), "not hers");
        let file = dir.path().join("moderators");
        let kept: String = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("carol\t"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&file, kept).unwrap();
        assert!(auth.session(&carol).is_none(), "she was removed");
        assert!(auth.sign_in("bob", "bob's brand new passphrase").await.is_ok());
    }
}
