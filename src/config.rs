//! The typed configuration: built-in defaults, overridden by an optional TOML
//! file, overridden by the command line. One [`Config`] is made at start-up
//! and passed down; nothing reads settings from anywhere else.
//!
//! Every key is documented in the README's configuration reference; a key
//! this module does not know is an error, so a typo cannot silently fall back
//! to a default.

use crate::domain::Kind;
use crate::messages::Catalogue;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where to listen: a TCP address or a Unix socket path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListenAddr {
    /// A TCP address.
    Tcp(std::net::SocketAddr),
    /// A Unix socket's path.
    Unix(PathBuf),
}

impl std::str::FromStr for ListenAddr {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(path) = s.strip_prefix("unix:") {
            if path.is_empty() {
                return Err("unix: needs a socket path".into());
            }
            return Ok(ListenAddr::Unix(PathBuf::from(path)));
        }
        s.parse().map(ListenAddr::Tcp).map_err(|_| format!("`{s}` is neither HOST:PORT nor unix:/path"))
    }
}

impl ListenAddr {
    /// Whether only this machine can connect: loopback TCP or a Unix socket.
    pub fn is_local(&self) -> bool {
        match self {
            ListenAddr::Unix(_) => true,
            ListenAddr::Tcp(a) => match a.ip() {
                std::net::IpAddr::V4(ip) => ip.is_loopback(),
                std::net::IpAddr::V6(ip) => {
                    ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
                }
            },
        }
    }
}

impl std::fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListenAddr::Tcp(a) => write!(f, "http://{a}"),
            ListenAddr::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

/// The whole configuration of one server.
#[derive(Clone, Debug)]
pub struct Config {
    /// The data dir: the store, the secret, the moderators.
    pub data_dir: PathBuf,
    /// The public listener.
    pub listen: ListenAddr,
    /// Whether `listen` was given (file or command line): with `onion` the
    /// default listener is not opened unless asked for.
    pub listen_given: bool,
    /// Publish the letter as an onion service from inside the process
    /// (arti; the `onion` cargo feature).
    pub onion: bool,
    /// The console as an onion of its own, in restricted discovery mode
    /// (clients' keys in `DATA/onion/admin-clients`).
    pub admin_onion: bool,
    /// Proof-of-work defence on the in-process onions (arti's, experimental).
    pub onion_pow: bool,
    /// How long to wait for the onion to be reachable before saying it is
    /// not yet (it keeps trying).
    pub onion_reachable_within: Duration,
    /// An arti TOML file laid under undersign's own settings: for a private
    /// test network, not for production.
    pub onion_arti_config: Option<PathBuf>,
    /// A C tor `HiddenServiceDir` whose identity key the public onion keeps
    /// (read-only), so moving from the tor daemon keeps the address.
    pub onion_tor_key_dir: Option<PathBuf>,
    /// Expect a PROXY v1 line (tor's `HiddenServiceExportCircuitID haproxy`)
    /// at the start of every connection on the public listener.
    pub proxy_protocol: bool,
    /// Deployer's letter; `None` serves the embedded "Secure the Internet".
    pub letter: Option<PathBuf>,
    /// Existing signatories to import on first start, per kind.
    pub import: Vec<(Kind, PathBuf)>,
    /// Kinds whose signatures wait for a moderator before they are shown.
    pub review_kinds: Vec<Kind>,
    /// Names shown per group on the letter page before "see all".
    pub page_group_limit: usize,
    /// Names per page on `/signatories/{kind}` and in search results.
    pub list_page_size: usize,
    /// A cached page or export is rebuilt at most this often; in between a
    /// change shows on the next build.
    pub page_rebuild_interval: Duration,
    /// A form submitted sooner than this after it was served is refused.
    pub min_fill_time: Duration,
    /// A form older than this is refused (and its token forgotten).
    pub token_max_age: Duration,
    /// Signatures waiting for review, at most; past it signing answers 503.
    pub max_pending: u64,
    /// Signing throttle for the whole site: burst and sustained rate.
    pub sign_burst: u32,
    /// Signatures per second, sustained, site-wide.
    pub sign_per_second: u32,
    /// Signing throttle per Tor circuit (PROXY listeners only).
    pub circuit_sign_burst: u32,
    /// Signatures per minute, sustained, per circuit.
    pub circuit_sign_per_minute: u32,
    /// Open connections per Tor circuit, at most.
    pub circuit_max_connections: usize,
    /// Open connections in all, at most; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// Time to send a request's head; also how long an idle keep-alive
    /// connection stays open.
    pub header_read_timeout: Duration,
    /// Time to send a request's body.
    pub body_timeout: Duration,
    /// Time a request's head or body may take before [`Config::request_min_rate`] applies.
    pub request_grace: Duration,
    /// Bytes per second a head or body must average once the grace period
    /// has passed; a slower one is closed (head) or refused with 408 (body).
    pub request_min_rate: u32,
    /// A connection whose answer makes no progress this long is closed.
    pub write_stall: Duration,
    /// Adds `Onion-Location: http://<this>/path` to every response.
    pub onion_location: Option<String>,
    /// The moderation console's own listener; off when `None`.
    pub admin_listen: Option<ListenAddr>,
    /// Allow the console on an address other machines can reach; without
    /// it only loopback and Unix sockets are accepted.
    pub admin_listen_public: bool,
    /// A console session ends after this long without a request.
    pub admin_session_idle: Duration,
    /// A console session ends this long after sign-in, however busy.
    pub admin_session_max: Duration,
    /// The console's one language, a shipped catalogue.
    pub admin_language: Catalogue,
    /// Days after the letter closes before private fields are purged.
    pub retention_days: u32,
    /// The store writer's page cache, in MiB: memory against signing speed.
    pub store_cache_mb: u64,
    /// A changed list is signed as a new snapshot at most this often.
    pub snapshot_interval: Duration,
    /// Days a snapshot is valid; an unchanged one is signed again at half.
    pub snapshot_expiry_days: u32,
}

impl Config {
    /// Defaults for a data dir; what `cargo run --release` uses.
    pub fn new(data_dir: PathBuf) -> Config {
        Config {
            data_dir,
            listen: ListenAddr::Tcp(([127, 0, 0, 1], 8080).into()),
            listen_given: false,
            onion: false,
            admin_onion: false,
            onion_pow: true,
            onion_reachable_within: Duration::from_secs(180),
            onion_arti_config: None,
            onion_tor_key_dir: None,
            proxy_protocol: false,
            letter: None,
            import: Vec::new(),
            review_kinds: vec![Kind::Organization, Kind::Company],
            page_group_limit: 250,
            list_page_size: 200,
            page_rebuild_interval: Duration::from_millis(200),
            min_fill_time: Duration::from_secs(3),
            token_max_age: Duration::from_secs(24 * 3600),
            max_pending: 10_000,
            sign_burst: 20_000,
            sign_per_second: 20_000,
            circuit_sign_burst: 3,
            circuit_sign_per_minute: 2,
            circuit_max_connections: 16,
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            request_grace: Duration::from_secs(5),
            request_min_rate: 100,
            write_stall: Duration::from_secs(20),
            onion_location: None,
            admin_listen: None,
            admin_listen_public: false,
            admin_session_idle: Duration::from_secs(2 * 3600),
            admin_session_max: Duration::from_secs(12 * 3600),
            admin_language: Catalogue::ENGLISH,
            retention_days: 90,
            store_cache_mb: 8,
            snapshot_interval: Duration::from_secs(30),
            snapshot_expiry_days: 7,
        }
    }

    /// Defaults, then the TOML file if given. Relative paths in the file are
    /// relative to the file's folder.
    pub fn load(data_dir: PathBuf, file: Option<&Path>) -> Result<Config, String> {
        match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
                Config::parse(data_dir, &text, path)
            }
            None => Ok(Config::new(data_dir)),
        }
    }

    /// Defaults, then `text` as the TOML file at `path`, which is not read:
    /// it only names the file in errors and anchors relative paths. Apart
    /// from [`Config::load`], for the fuzz target (`fuzz/`), which feeds
    /// the parser text without a file.
    pub fn parse(data_dir: PathBuf, text: &str, path: &Path) -> Result<Config, String> {
        let mut config = Config::new(data_dir);
        let raw: RawConfig = toml::from_str(text).map_err(|e| format!("config {}: {e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        raw.apply(&mut config, base)?;
        Ok(config)
    }

    /// Whether signatures of `kind` wait for a moderator.
    pub fn needs_review(&self, kind: Kind) -> bool {
        self.review_kinds.contains(&kind)
    }
}

/// The file's shape; every field optional, unknown keys refused.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Option<String>,
    onion: Option<bool>,
    admin_onion: Option<bool>,
    onion_pow: Option<bool>,
    onion_reachable_seconds: Option<u64>,
    onion_arti_config: Option<PathBuf>,
    onion_tor_key_dir: Option<PathBuf>,
    proxy_protocol: Option<bool>,
    letter: Option<PathBuf>,
    import: Option<RawImport>,
    review: Option<Vec<String>>,
    page_group_limit: Option<usize>,
    list_page_size: Option<usize>,
    page_rebuild_ms: Option<u64>,
    min_fill_seconds: Option<u64>,
    token_max_age_hours: Option<u64>,
    max_pending: Option<u64>,
    sign_burst: Option<u32>,
    sign_per_second: Option<u32>,
    circuit_sign_burst: Option<u32>,
    circuit_sign_per_minute: Option<u32>,
    circuit_max_connections: Option<usize>,
    max_connections: Option<usize>,
    header_read_timeout_seconds: Option<u64>,
    body_timeout_seconds: Option<u64>,
    request_grace_seconds: Option<u64>,
    request_min_bytes_per_second: Option<u32>,
    write_stall_seconds: Option<u64>,
    onion_location: Option<String>,
    admin_listen: Option<String>,
    admin_listen_public: Option<bool>,
    admin_session_idle_minutes: Option<f64>,
    admin_session_max_minutes: Option<f64>,
    admin_language: Option<String>,
    retention_days: Option<u32>,
    store_cache_mb: Option<u64>,
    snapshot_interval_seconds: Option<u64>,
    snapshot_expiry_days: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawImport {
    organizations: Option<PathBuf>,
    companies: Option<PathBuf>,
    individuals: Option<PathBuf>,
}

fn positive<T: PartialOrd + Default + Copy>(key: &str, v: T) -> Result<T, String> {
    if v > T::default() {
        Ok(v)
    } else {
        Err(format!("config: `{key}` must be greater than 0"))
    }
}

/// The longest a connection's timers may be set to: a day. Longer ones
/// serve no visitor, and added to an instant they overflow and panic.
const MAX_TIMER_SECONDS: u64 = 86_400;
/// The oldest a form may be: a year, so that its expiry day fits.
const MAX_TOKEN_AGE_HOURS: u64 = 24 * 366;

/// `v` seconds, from `min` to [`MAX_TIMER_SECONDS`].
fn timer(key: &str, v: u64, min: u64) -> Result<Duration, String> {
    if (min..=MAX_TIMER_SECONDS).contains(&v) {
        Ok(Duration::from_secs(v))
    } else {
        Err(format!("config: `{key}` must be from {min} to {MAX_TIMER_SECONDS} (a day)"))
    }
}

impl RawConfig {
    fn apply(self, c: &mut Config, base: &Path) -> Result<(), String> {
        if let Some(l) = self.listen {
            c.listen = l.parse()?;
            c.listen_given = true;
        }
        if let Some(v) = self.onion {
            c.onion = v;
        }
        if let Some(v) = self.admin_onion {
            c.admin_onion = v;
        }
        if let Some(v) = self.onion_pow {
            c.onion_pow = v;
        }
        if let Some(v) = self.onion_reachable_seconds {
            c.onion_reachable_within = Duration::from_secs(positive("onion_reachable_seconds", v)?);
        }
        if let Some(p) = self.onion_arti_config {
            c.onion_arti_config = Some(base.join(p));
        }
        if let Some(p) = self.onion_tor_key_dir {
            c.onion_tor_key_dir = Some(base.join(p));
        }
        if let Some(p) = self.proxy_protocol {
            c.proxy_protocol = p;
        }
        if let Some(p) = self.letter {
            c.letter = Some(base.join(p));
        }
        if let Some(i) = self.import {
            for (kind, path) in [
                (Kind::Organization, i.organizations),
                (Kind::Company, i.companies),
                (Kind::Individual, i.individuals),
            ] {
                if let Some(p) = path {
                    c.import.push((kind, base.join(p)));
                }
            }
        }
        if let Some(kinds) = self.review {
            c.review_kinds = kinds
                .iter()
                .map(|k| Kind::parse(k).map_err(|_| format!("config: `review`: unknown kind `{k}`")))
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = self.page_group_limit {
            c.page_group_limit = v;
        }
        if let Some(v) = self.list_page_size {
            c.list_page_size = positive("list_page_size", v)?;
        }
        if let Some(v) = self.page_rebuild_ms {
            if v > 60_000 {
                return Err("config: `page_rebuild_ms` must be at most 60000".into());
            }
            c.page_rebuild_interval = Duration::from_millis(v);
        }
        if let Some(v) = self.min_fill_seconds {
            c.min_fill_time = timer("min_fill_seconds", v, 0)?;
        }
        if let Some(v) = self.token_max_age_hours {
            if !(1..=MAX_TOKEN_AGE_HOURS).contains(&v) {
                return Err(format!(
                    "config: `token_max_age_hours` must be from 1 to {MAX_TOKEN_AGE_HOURS} (a year)"
                ));
            }
            c.token_max_age = Duration::from_secs(v * 3600);
        }
        if let Some(v) = self.max_pending {
            c.max_pending = v;
        }
        if let Some(v) = self.sign_burst {
            c.sign_burst = positive("sign_burst", v)?;
        }
        if let Some(v) = self.sign_per_second {
            c.sign_per_second = positive("sign_per_second", v)?;
        }
        if let Some(v) = self.circuit_sign_burst {
            c.circuit_sign_burst = positive("circuit_sign_burst", v)?;
        }
        if let Some(v) = self.circuit_sign_per_minute {
            c.circuit_sign_per_minute = positive("circuit_sign_per_minute", v)?;
        }
        if let Some(v) = self.circuit_max_connections {
            c.circuit_max_connections = positive("circuit_max_connections", v)?;
        }
        if let Some(v) = self.max_connections {
            c.max_connections = positive("max_connections", v)?;
        }
        if let Some(v) = self.header_read_timeout_seconds {
            c.header_read_timeout = timer("header_read_timeout_seconds", v, 1)?;
        }
        if let Some(v) = self.body_timeout_seconds {
            c.body_timeout = timer("body_timeout_seconds", v, 1)?;
        }
        if let Some(v) = self.request_grace_seconds {
            c.request_grace = timer("request_grace_seconds", v, 0)?;
        }
        if let Some(v) = self.request_min_bytes_per_second {
            c.request_min_rate = positive("request_min_bytes_per_second", v)?;
        }
        if let Some(v) = self.write_stall_seconds {
            c.write_stall = timer("write_stall_seconds", v, 1)?;
        }
        if let Some(l) = self.admin_listen {
            c.admin_listen = Some(l.parse()?);
        }
        if let Some(p) = self.admin_listen_public {
            c.admin_listen_public = p;
        }
        if let Some(v) = self.admin_session_idle_minutes {
            // A fraction of a minute is allowed (tests use seconds), but not
            // one so small that it is no time at all (1e-300 minutes is 0 ns).
            let in_range = v > 0.0 && v <= 7.0 * 24.0 * 60.0;
            let idle = if in_range { Duration::from_secs_f64(v * 60.0) } else { Duration::ZERO };
            if idle.is_zero() {
                return Err("config: `admin_session_idle_minutes` must be above 0 and at most a week".into());
            }
            c.admin_session_idle = idle;
        }
        if let Some(v) = self.admin_session_max_minutes {
            let in_range = v > 0.0 && v <= 7.0 * 24.0 * 60.0;
            let max = if in_range { Duration::from_secs_f64(v * 60.0) } else { Duration::ZERO };
            if max.is_zero() {
                return Err("config: `admin_session_max_minutes` must be above 0 and at most a week".into());
            }
            c.admin_session_max = max;
        }
        if let Some(tag) = self.admin_language {
            c.admin_language = Catalogue::find(&tag).ok_or_else(|| {
                let shipped: Vec<_> = Catalogue::all().map(|l| l.tag()).collect();
                format!("config: `admin_language` must be a shipped language: {}", shipped.join(", "))
            })?;
        }
        if let Some(v) = self.retention_days {
            c.retention_days = v;
        }
        if let Some(v) = self.store_cache_mb {
            if !(1..=65_536).contains(&v) {
                return Err("config: `store_cache_mb` must be from 1 to 65536".into());
            }
            c.store_cache_mb = v;
        }
        if let Some(v) = self.snapshot_interval_seconds {
            if !(1..=86_400).contains(&v) {
                return Err("config: `snapshot_interval_seconds` must be from 1 to 86400".into());
            }
            c.snapshot_interval = Duration::from_secs(v);
        }
        if let Some(v) = self.snapshot_expiry_days {
            // Signed again at half: with one day that would be at expiry.
            if !(2..=366).contains(&v) {
                return Err("config: `snapshot_expiry_days` must be from 2 to 366".into());
            }
            c.snapshot_expiry_days = v;
        }
        if let Some(v) = self.onion_location {
            let host = v.trim_start_matches("http://").trim_end_matches('/');
            if !host.ends_with(".onion") || host.contains(['/', ' ', '\r', '\n']) {
                return Err(format!("config: `onion_location` must be an .onion host, not `{v}`"));
            }
            c.onion_location = Some(host.to_string());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("undersign.toml");
        std::fs::write(&path, toml).unwrap();
        Config::load("data".into(), Some(&path))
    }

    #[test]
    fn defaults_serve_loopback_8080_and_review_organisations() {
        let c = Config::new("d".into());
        assert_eq!(c.listen, "127.0.0.1:8080".parse().unwrap());
        assert!(c.needs_review(Kind::Organization) && !c.needs_review(Kind::Individual));
        assert!(!c.admin_listen_public);
    }

    #[test]
    fn only_loopback_and_unix_sockets_are_local() {
        for local in
            ["127.0.0.1:8081", "127.8.9.1:1", "[::1]:8081", "[::ffff:127.0.0.1]:1", "unix:/run/a.sock"]
        {
            assert!(local.parse::<ListenAddr>().unwrap().is_local(), "{local}");
        }
        for public in ["0.0.0.0:8081", "[::]:8081", "192.168.1.2:80", "[fe80::1]:80", "[::ffff:10.0.0.1]:1"] {
            assert!(!public.parse::<ListenAddr>().unwrap().is_local(), "{public}");
        }
        assert!(
            load("admin_listen = \"0.0.0.0:8081\"\nadmin_listen_public = true\n")
                .unwrap()
                .admin_listen_public
        );
    }

    #[test]
    fn file_overrides_defaults() {
        let c =
            load("min_fill_seconds = 0\nreview = [\"individual\"]\nlisten = \"unix:/run/u.sock\"\n").unwrap();
        assert_eq!(c.min_fill_time, Duration::ZERO);
        assert_eq!(c.review_kinds, vec![Kind::Individual]);
        assert_eq!(c.listen, ListenAddr::Unix("/run/u.sock".into()));
        assert_eq!(load("store_cache_mb = 24\n").unwrap().store_cache_mb, 24);
        let c = load("snapshot_interval_seconds = 2\nsnapshot_expiry_days = 3\n").unwrap();
        assert_eq!((c.snapshot_interval, c.snapshot_expiry_days), (Duration::from_secs(2), 3));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        assert!(load("min_fil_seconds = 0\n").unwrap_err().contains("min_fil_seconds"));
        assert!(load("review = [\"government\"]\n").is_err());
        assert!(load("onion_location = \"example.com\"\n").is_err());
        assert!(load("max_connections = 0\n").is_err());
        assert!(load("write_stall_seconds = 0\n").unwrap_err().contains("write_stall_seconds"));
        assert!(load("request_min_bytes_per_second = 0\n").is_err());
        assert!(load("store_cache_mb = 0\n").unwrap_err().contains("store_cache_mb"));
        assert!(load("onion_reachable_seconds = 0\n").unwrap_err().contains("onion_reachable_seconds"));
        assert!(load("onion = \"yes\"\n").unwrap_err().contains("onion"));
        assert!(load("snapshot_interval_seconds = 0\n").unwrap_err().contains("snapshot_interval_seconds"));
        assert!(load("snapshot_expiry_days = 1\n").unwrap_err().contains("snapshot_expiry_days"));
    }

    /// Found by the `config` fuzz target: the hours, in seconds, overflowed
    /// (a panic in a debug build; in a release build a wrapped, wrong age,
    /// 0 for 2^60 hours).
    #[test]
    fn a_token_age_too_large_for_seconds_is_refused() {
        for huge in ["5124095576030432", "1152921504606846976", "9223372036854775807"] {
            let err = load(&format!("token_max_age_hours = {huge}\n")).unwrap_err();
            assert!(err.contains("token_max_age_hours"), "{huge}: {err}");
        }
        assert!(load("token_max_age_hours = 8785\n").is_err());
        let c = load("token_max_age_hours = 8784\n").unwrap();
        assert_eq!(c.token_max_age, Duration::from_secs(8784 * 3600));
    }

    /// Found by reading what the fuzzer found: a timer of 2^63 seconds,
    /// added to an instant, panicked every connection's task.
    #[test]
    fn a_timer_longer_than_a_day_is_refused() {
        for key in [
            "header_read_timeout_seconds",
            "body_timeout_seconds",
            "request_grace_seconds",
            "write_stall_seconds",
            "min_fill_seconds",
        ] {
            let err = load(&format!("{key} = 9223372036854775807\n")).unwrap_err();
            assert!(err.contains(key) && err.contains("a day"), "{key}: {err}");
            assert!(load(&format!("{key} = 86400\n")).is_ok(), "{key}");
        }
        assert!(load("header_read_timeout_seconds = 0\n").is_err());
        assert!(load("request_grace_seconds = 0\n").is_ok());
    }

    /// Found by the `config` fuzz target: 1e-300 minutes is above 0 but
    /// no time at all, and was taken as a session that ends at once.
    #[test]
    fn a_session_idle_time_too_small_to_last_is_refused() {
        for tiny in ["1e-300", "5e-324", "0.0", "-1.0", "nan", "inf"] {
            let err = load(&format!("admin_session_idle_minutes = {tiny}\n")).unwrap_err();
            assert!(err.contains("admin_session_idle_minutes"), "{tiny}: {err}");
        }
        let c = load("admin_session_idle_minutes = 0.5\n").unwrap();
        assert_eq!(c.admin_session_idle, Duration::from_secs(30));
    }

    #[test]
    fn the_console_speaks_one_shipped_language() {
        assert_eq!(load("").unwrap().admin_language, Catalogue::ENGLISH);
        assert_eq!(load("admin_language = \"fa\"\n").unwrap().admin_language.tag(), "fa");
        for unknown in ["de", "FA", "", "zh"] {
            let err = load(&format!("admin_language = \"{unknown}\"\n")).unwrap_err();
            assert!(
                err.contains("`admin_language`") && err.contains("en, es, fa, ru, zh-Hans"),
                "{unknown}: {err}"
            );
        }
    }

    #[test]
    fn onion_keys_are_read_and_a_given_listen_is_remembered() {
        let c = Config::new("d".into());
        assert!(!c.onion && !c.admin_onion && c.onion_pow && !c.listen_given);
        let c =
            load("onion = true\nadmin_onion = true\nonion_pow = false\nonion_arti_config = \"net.toml\"\n")
                .unwrap();
        assert!(c.onion && c.admin_onion && !c.onion_pow && !c.listen_given);
        assert!(c.onion_arti_config.unwrap().ends_with("net.toml"));
        assert!(load("listen = \"127.0.0.1:9000\"\n").unwrap().listen_given);
    }
}
