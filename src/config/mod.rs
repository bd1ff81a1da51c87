//! The typed configuration: built-in defaults, overridden by an optional TOML
//! file, overridden by the command line. One [`Config`] is made at start-up
//! and passed down; nothing reads settings from anywhere else.
//!
//! Each setting is declared once, as a field of [`Config`]: its key in the
//! file (`rename`), its default and its check (`checks`) sit beside it.
//! The command line's settings are keys of the same file, laid over it
//! before the one deserializer runs. Every key is documented in the
//! README's configuration reference (a test holds the two together); a key
//! this module does not know is an error, so a typo cannot silently fall
//! back to a default.

mod checks;
mod proxy;
#[cfg(test)]
mod tests;

pub use crate::socks::Socks5h;
pub use checks::{ListenAddr, ListenAddrError};
pub use proxy::ProofProxy;

use crate::domain::Kind;
use crate::messages::Catalogue;
use checks::{DAY, NO_MAX};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The whole configuration of one server.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The data dir: the store, the secret, the moderators (`--data`).
    #[serde(skip)]
    pub data_dir: PathBuf,
    /// The public listener.
    #[serde(default = "ListenAddr::loopback_8080")]
    pub listen: ListenAddr,
    /// Whether `listen` was given (file or command line): with `onion` the
    /// default listener is not opened unless asked for.
    #[serde(skip)]
    pub listen_given: bool,
    /// Publish the letter as an onion service from inside the process
    /// (arti; the `onion` cargo feature).
    #[serde(default)]
    pub onion: bool,
    /// The console as an onion of its own, in restricted discovery mode
    /// (clients' keys in `DATA/onion/admin-clients`).
    #[serde(default)]
    pub admin_onion: bool,
    /// Proof-of-work defence on the in-process onions (arti's, experimental).
    #[serde(default = "checks::yes")]
    pub onion_pow: bool,
    /// How long to wait for the onion to be reachable before saying it is
    /// not yet (it keeps trying).
    #[serde(
        rename = "onion_reachable_seconds",
        default = "checks::secs::<180>",
        deserialize_with = "checks::seconds::<1, NO_MAX, _>"
    )]
    pub onion_reachable_within: Duration,
    /// An arti TOML file laid under undersign's own settings: for a private
    /// test network, not for production.
    #[serde(default)]
    pub onion_arti_config: Option<PathBuf>,
    /// A C tor `HiddenServiceDir` whose identity key the public onion keeps
    /// (read-only), so moving from the tor daemon keeps the address.
    #[serde(default)]
    pub onion_tor_key_dir: Option<PathBuf>,
    /// Expect a PROXY v1 line (tor's `HiddenServiceExportCircuitID haproxy`)
    /// at the start of every connection on the public listener.
    #[serde(default)]
    pub proxy_protocol: bool,
    /// Deployer's letter; `None` serves the embedded "Secure the Internet".
    #[serde(default)]
    pub letter: Option<PathBuf>,
    /// Existing signatories to import on first start, per kind (the
    /// `[import]` table).
    #[serde(default, deserialize_with = "checks::import")]
    pub import: Vec<(Kind, PathBuf)>,
    /// Kinds whose signatures wait for a moderator before they are shown.
    #[serde(
        rename = "review",
        default = "checks::organisations_and_companies",
        deserialize_with = "checks::kinds"
    )]
    pub review_kinds: Vec<Kind>,
    /// Names shown per group on the letter page before "see all".
    #[serde(default = "checks::count::<250>")]
    pub page_group_limit: usize,
    /// Names per page on `/signatories/{kind}` and in search results.
    #[serde(default = "checks::count::<200>", deserialize_with = "checks::positive")]
    pub list_page_size: usize,
    /// A cached page or export is rebuilt at most this often; in between a
    /// change shows on the next build.
    #[serde(
        rename = "page_rebuild_ms",
        default = "checks::millis::<200>",
        deserialize_with = "checks::milliseconds::<60_000, _>"
    )]
    pub page_rebuild_interval: Duration,
    /// A form submitted sooner than this after it was served is refused.
    #[serde(
        rename = "min_fill_seconds",
        default = "checks::secs::<3>",
        deserialize_with = "checks::seconds::<0, DAY, _>"
    )]
    pub min_fill_time: Duration,
    /// A form older than this is refused (and its token forgotten).
    #[serde(
        rename = "token_max_age_hours",
        default = "checks::secs::<86_400>",
        deserialize_with = "checks::hours"
    )]
    pub token_max_age: Duration,
    /// Signatures waiting for review, at most; past it signing answers 503.
    #[serde(default = "checks::big::<10_000>")]
    pub max_pending: u64,
    /// Signing throttle for the whole site: burst and sustained rate.
    #[serde(default = "checks::int::<20_000>", deserialize_with = "checks::positive")]
    pub sign_burst: u32,
    /// Signatures per second, sustained, site-wide.
    #[serde(default = "checks::int::<20_000>", deserialize_with = "checks::positive")]
    pub sign_per_second: u32,
    /// Signing throttle per Tor circuit (PROXY listeners only).
    #[serde(default = "checks::int::<3>", deserialize_with = "checks::positive")]
    pub circuit_sign_burst: u32,
    /// Signatures per minute, sustained, per circuit.
    #[serde(default = "checks::int::<2>", deserialize_with = "checks::positive")]
    pub circuit_sign_per_minute: u32,
    /// Open connections per Tor circuit, at most.
    #[serde(default = "checks::count::<16>", deserialize_with = "checks::positive")]
    pub circuit_max_connections: usize,
    /// Open connections in all, at most; more wait in the kernel's backlog.
    #[serde(default = "checks::count::<1024>", deserialize_with = "checks::positive")]
    pub max_connections: usize,
    /// Time to send a request's head; also how long an idle keep-alive
    /// connection stays open.
    #[serde(
        rename = "header_read_timeout_seconds",
        default = "checks::secs::<10>",
        deserialize_with = "checks::seconds::<1, DAY, _>"
    )]
    pub header_read_timeout: Duration,
    /// Time to send a request's body.
    #[serde(
        rename = "body_timeout_seconds",
        default = "checks::secs::<30>",
        deserialize_with = "checks::seconds::<1, DAY, _>"
    )]
    pub body_timeout: Duration,
    /// Time a request's head or body may take before [`Config::request_min_rate`] applies.
    #[serde(
        rename = "request_grace_seconds",
        default = "checks::secs::<5>",
        deserialize_with = "checks::seconds::<0, DAY, _>"
    )]
    pub request_grace: Duration,
    /// Bytes per second a head or body must average once the grace period
    /// has passed; a slower one is closed (head) or refused with 408 (body).
    #[serde(
        rename = "request_min_bytes_per_second",
        default = "checks::int::<100>",
        deserialize_with = "checks::positive"
    )]
    pub request_min_rate: u32,
    /// A connection whose answer makes no progress this long is closed.
    #[serde(
        rename = "write_stall_seconds",
        default = "checks::secs::<20>",
        deserialize_with = "checks::seconds::<1, DAY, _>"
    )]
    pub write_stall: Duration,
    /// Adds `Onion-Location: http://<this>/path` to every response.
    #[serde(default, deserialize_with = "checks::onion_host")]
    pub onion_location: Option<String>,
    /// The moderation console's own listener; off when `None`.
    #[serde(default)]
    pub admin_listen: Option<ListenAddr>,
    /// Allow the console on an address other machines can reach; without
    /// it only loopback and Unix sockets are accepted.
    #[serde(default)]
    pub admin_listen_public: bool,
    /// A console session ends after this long without a request.
    #[serde(
        rename = "admin_session_idle_minutes",
        default = "checks::secs::<7200>",
        deserialize_with = "checks::minutes"
    )]
    pub admin_session_idle: Duration,
    /// A console session ends this long after sign-in, however busy.
    #[serde(
        rename = "admin_session_max_minutes",
        default = "checks::secs::<43200>",
        deserialize_with = "checks::minutes"
    )]
    pub admin_session_max: Duration,
    /// The console's one language, a shipped catalogue.
    #[serde(default, deserialize_with = "checks::catalogue")]
    pub admin_language: Catalogue,
    /// Days after the letter closes before private fields are purged.
    #[serde(default = "checks::int::<90>")]
    pub retention_days: u32,
    /// The store writer's page cache, in MiB: memory against signing speed.
    #[serde(default = "checks::big::<8>", deserialize_with = "checks::within::<1, 65_536, _, _>")]
    pub store_cache_mb: u64,
    /// A changed list is signed as a new snapshot at most this often.
    #[serde(
        rename = "snapshot_interval_seconds",
        default = "checks::secs::<30>",
        deserialize_with = "checks::seconds::<1, DAY, _>"
    )]
    pub snapshot_interval: Duration,
    /// Days a snapshot is valid; an unchanged one is signed again at half
    /// (so at least 2: with one day that would be at expiry).
    #[serde(default = "checks::int::<7>", deserialize_with = "checks::within::<2, 366, _, _>")]
    pub snapshot_expiry_days: u32,
    /// How the proof checker reaches an organisation's website: tor's
    /// SocksPort unless said otherwise (`"direct"`, or another
    /// `socks5h://` proxy).
    #[serde(default = "ProofProxy::tor")]
    pub proof_proxy: ProofProxy,
    /// A mirror's or replica's way to its origin, onion or not: through
    /// this SOCKS5 proxy (the tor daemon's SocksPort), given the host name.
    /// Unset: plain TCP, or arti for an onion origin (feature `onion`).
    #[serde(default)]
    pub origin_proxy: Option<Socks5h>,
    /// A PEM file of certificate authorities trusted for proofs besides
    /// the system's roots.
    #[serde(default)]
    pub proof_ca_file: Option<PathBuf>,
    /// Pending proofs are checked, and held ones checked again, this often.
    #[serde(
        rename = "proof_check_seconds",
        default = "checks::secs::<86_400>",
        deserialize_with = "checks::seconds::<5, NO_MAX, _>"
    )]
    pub proof_check_interval: Duration,
    /// A proof publishes a pending organisation or company without review.
    #[serde(default)]
    pub publish_proven: bool,
}

/// A configuration that cannot be used: the file is unreadable or not
/// TOML, or a setting is refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not TOML.
    #[error("config {}: {source}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where and why.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A key is unknown, or its value is refused.
    #[error("config{from}: {}", refusal(key, source))]
    Setting {
        /// Where the value came from: ` FILE`, or ` (command line)`.
        from: String,
        /// The key, empty for an unknown one (the error names it).
        key: String,
        /// Why.
        #[source]
        source: Box<toml::de::Error>,
    },
}

/// "`key`: why", without toml's own note of the key.
fn refusal(key: &str, source: &toml::de::Error) -> String {
    let why = source.message().trim_end();
    if key.is_empty() || why.contains(&format!("`{key}`")) {
        why.to_string()
    } else {
        format!("`{key}`: {why}")
    }
}

impl Config {
    /// Defaults for a data dir; what `cargo run --release` uses.
    pub fn new(data_dir: PathBuf) -> Config {
        match Config::from_table(data_dir, toml::Table::new(), Path::new("."), None) {
            Ok(config) => config,
            // No key, so nothing to refuse: each default passes (tested).
            Err(e) => unreachable!("the defaults are refused: {e}"),
        }
    }

    /// Defaults, then the TOML file if given, then `command_line`: keys of
    /// the same file, set by the command line's options. Relative paths in
    /// the file are relative to the file's folder.
    pub fn load(
        data_dir: PathBuf,
        file: Option<&Path>,
        command_line: toml::Table,
    ) -> Result<Config, ConfigError> {
        let Some(path) = file else {
            return Config::from_table(data_dir, command_line, Path::new("."), None);
        };
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Config::parse_with(data_dir, &text, path, command_line)
    }

    /// Defaults, then `text` as the TOML file at `path`, which is not read:
    /// it only names the file in errors and anchors relative paths. Apart
    /// from [`Config::load`], for the fuzz target (`fuzz/`), which feeds
    /// the parser text without a file.
    pub fn parse(data_dir: PathBuf, text: &str, path: &Path) -> Result<Config, ConfigError> {
        Config::parse_with(data_dir, text, path, toml::Table::new())
    }

    fn parse_with(
        data_dir: PathBuf,
        text: &str,
        path: &Path,
        command_line: toml::Table,
    ) -> Result<Config, ConfigError> {
        let mut table: toml::Table = toml::from_str(text)
            .map_err(|source| ConfigError::Syntax { path: path.to_path_buf(), source: Box::new(source) })?;
        let given: Vec<String> = command_line.keys().cloned().collect();
        table.extend(command_line);
        let base = path.parent().unwrap_or(Path::new("."));
        Config::from_table(data_dir, table, base, Some((path, &given)))
    }

    /// The one deserializer: `table`'s keys over the defaults, each checked
    /// as its field says; relative paths then made relative to `base`.
    /// `file` names the file and the keys the command line set, for errors.
    fn from_table(
        data_dir: PathBuf,
        table: toml::Table,
        base: &Path,
        file: Option<(&Path, &[String])>,
    ) -> Result<Config, ConfigError> {
        let listen_given = table.contains_key("listen");
        let mut config: Config =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let key = e.path().to_string();
                let key = if key == "." { String::new() } else { key };
                let top = key.split('.').next().unwrap_or_default();
                let from = match file {
                    Some((path, given)) if !given.iter().any(|g| g == top) => format!(" {}", path.display()),
                    _ => " (command line)".to_string(),
                };
                ConfigError::Setting { from, key, source: Box::new(e.into_inner()) }
            })?;
        config.data_dir = data_dir;
        config.listen_given = listen_given;
        for path in config
            .letter
            .iter_mut()
            .chain(config.onion_arti_config.iter_mut())
            .chain(config.onion_tor_key_dir.iter_mut())
            .chain(config.proof_ca_file.iter_mut())
            .chain(config.import.iter_mut().map(|(_, p)| p))
        {
            *path = base.join(&*path);
        }
        Ok(config)
    }

    /// Whether signatures of `kind` wait for a moderator.
    pub fn needs_review(&self, kind: Kind) -> bool {
        self.review_kinds.contains(&kind)
    }
}
