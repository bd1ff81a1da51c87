//! The in-process onion services (cargo feature `onion`): arti's
//! `TorClient` publishes the letter, and optionally the console, as v3
//! onion services, and each becomes one more
//! [`Acceptor`](crate::http::server::Acceptor) of the server.
//! arti's state, cache and keystore live under `DATA/onion`, owner only;
//! the identity keys are made on first start and kept, so the address is
//! stable across restarts. Each rendezvous request is accepted in
//! [`accept`], so each rendezvous circuit gets a local id
//! ([`Identity::Circuit`](crate::http::server::Identity::Circuit)) and the
//! per-circuit connection cap and signing bucket apply as behind tor's
//! PROXY line. The id is a counter in memory: nothing about the circuit or
//! the visitor is looked at, kept or printed, and no `tracing` subscriber
//! is installed, so arti's own logs go nowhere; arti's replay logs are
//! kept in memory ([`replay`]). A mirror whose origin is an onion reaches
//! it through a [`Dialer`], a client of the same arti.

mod accept;
mod replay;

use crate::config::Config;
pub use accept::OnionAcceptor;
use arti_client::config::onion_service::{OnionServiceConfig, OnionServiceConfigBuilder};
use arti_client::config::{CfgPath, TorClientConfig, TorClientConfigBuilder};
use arti_client::{DataStream, TorClient};
use futures::StreamExt;
use replay::{memory_dir, private_dir, ReplayError, ReplayLogs};
use safelog::DisplayRedacted;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tor_hsservice::config::restricted_discovery::DirectoryKeyProviderBuilder;
use tor_hsservice::config::TokenBucketConfig;
use tor_hsservice::{HsNickname, RunningOnionService};
use tor_keymgr::config::CTorServiceKeystoreConfigBuilder;
use tor_keymgr::{KeystoreId, KeystoreSelector};

/// The public onion's nickname in arti's keystore and state.
const PUBLIC: &str = "undersign";
/// The console onion's nickname.
const CONSOLE: &str = "undersign-admin";
/// Streams open at once on one circuit before arti closes the circuit, as
/// `HiddenServiceMaxStreams 20` with `…CloseCircuit 1` in torrc.example.
const MAX_STREAMS_PER_CIRCUIT: u32 = 20;

/// Why the onion services could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OnionError {
    /// A directory under the data dir could not be made owner-only.
    #[error("cannot create {path}: {source}", path = .0.display(), source = .1)]
    Dir(PathBuf, #[source] io::Error),
    /// The arti TOML file given for testing could not be read.
    #[error("cannot read the arti config {path}: {source}", path = .0.display(), source = .1)]
    ReadArtiConfig(PathBuf, #[source] io::Error),
    /// The arti TOML file given for testing does not parse.
    #[error("arti config {path}: {why}", path = .0.display(), why = .1)]
    ParseArtiConfig(PathBuf, String),
    /// arti refused the configuration.
    #[error("onion service configuration: {0}")]
    Config(String),
    /// arti could not set up the client, the keystore or a service (its
    /// causes are in the words: arti's error types are not kept).
    #[error("onion service: {0}")]
    Arti(String),
    /// arti's replay logs could not be kept in memory.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// The console onion has no client keys, so nobody could reach it.
    #[error("the console onion (admin_onion) needs at least one client key: put a file NAME.auth holding `descriptor:x25519:<base32 public key>` in {} (see deploy/README.md)", .0.display())]
    NoClients(PathBuf),
}

fn arti(e: impl std::fmt::Display) -> OnionError {
    OnionError::Arti(e.to_string())
}

/// An arti error with its causes, which name the file or setting at fault.
fn arti_chain(e: impl std::error::Error) -> OnionError {
    let mut words = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        words.push_str(": ");
        words.push_str(&c.to_string());
        cause = c.source();
    }
    OnionError::Arti(words)
}

/// Where arti keeps its files, all under `DATA/onion`.
struct Dirs {
    root: PathBuf,
}

impl Dirs {
    fn of(config: &Config) -> Dirs {
        Dirs { root: config.data_dir.join("onion") }
    }
    fn state(&self) -> PathBuf {
        self.root.join("state")
    }
    fn cache(&self) -> PathBuf {
        self.root.join("cache")
    }
    /// One onion's own state, as arti 0.47 lays it out.
    fn service_state(&self, nickname: &str) -> PathBuf {
        self.state().join("hss").join(nickname)
    }
    /// The console's authorised clients, one `NAME.auth` file each.
    fn admin_clients(&self) -> PathBuf {
        self.root.join("admin-clients")
    }

    /// Makes the directories, owner only (arti refuses looser ones).
    fn create(&self, data_dir: &Path, console: bool) -> Result<(), OnionError> {
        let mut dirs = vec![data_dir.to_path_buf(), self.root.clone(), self.state(), self.cache()];
        if console {
            dirs.push(self.admin_clients());
        }
        for dir in dirs {
            private_dir(&dir).map_err(|e| OnionError::Dir(dir.clone(), e))?;
        }
        Ok(())
    }
}

/// arti's client configuration: the testing file if one is given, with
/// the storage always under the data dir (nothing in the user's home).
fn client_config(config: &Config) -> Result<TorClientConfig, OnionError> {
    let dirs = Dirs::of(config);
    dirs.create(&config.data_dir, config.admin_onion)?;
    let mut builder = match &config.onion_arti_config {
        None => TorClientConfigBuilder::default(),
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| OnionError::ReadArtiConfig(path.clone(), e))?;
            parse_arti_config(&text).map_err(|e| OnionError::ParseArtiConfig(path.clone(), e))?
        }
    };
    builder
        .storage()
        .cache_dir(CfgPath::new_literal(dirs.cache()))
        .state_dir(CfgPath::new_literal(dirs.state()));
    if let Some(dir) = &config.onion_tor_key_dir {
        // arti reads C tor's key files where they are, and never writes them.
        let mut store = CTorServiceKeystoreConfigBuilder::default();
        store
            .id(KeystoreId::from_str("tor-daemon").map_err(arti)?)
            .path(dir.clone())
            .nickname(HsNickname::new(PUBLIC.to_string()).map_err(arti)?);
        builder.storage().keystore().ctor_service(store);
    }
    builder.build().map_err(|e| OnionError::Config(e.to_string()))
}

/// An arti TOML document (arti's own `arti.toml` sections: `tor_network`,
/// `path_rules`, `override_net_params`, …).
fn parse_arti_config(text: &str) -> Result<TorClientConfigBuilder, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}

/// One onion's arti configuration: the defences torrc.example gives the
/// C tor deployment, as far as arti has them.
fn service_config(config: &Config, console: bool) -> Result<OnionServiceConfig, OnionError> {
    let nickname = HsNickname::new(if console { CONSOLE } else { PUBLIC }.to_string()).map_err(arti)?;
    let mut b = OnionServiceConfigBuilder::default();
    b.nickname(nickname)
        .enable_pow(config.onion_pow)
        .max_concurrent_streams_per_circuit(
            MAX_STREAMS_PER_CIRCUIT.max(config.circuit_max_connections as u32),
        )
        // HiddenServiceEnableIntroDoSDefense: 25 a second, bursts of 200.
        .rate_limit_at_intro(Some(TokenBucketConfig::new(25, 200)));
    if console {
        let dir = Dirs::of(config).admin_clients();
        let has_client = std::fs::read_dir(&dir)
            .map(|entries| entries.flatten().any(|e| e.path().extension().is_some_and(|x| x == "auth")))
            .unwrap_or(false);
        if !has_client {
            return Err(OnionError::NoClients(dir));
        }
        let mut keys = DirectoryKeyProviderBuilder::default();
        keys.path(CfgPath::new_literal(dir));
        b.restricted_discovery().enabled(true).key_dirs().access().push(keys);
    }
    b.build().map_err(|e| OnionError::Config(e.to_string()))
}

/// The `.onion` host of a service.
fn host(id: tor_hsservice::HsId) -> String {
    id.display_unredacted().to_string()
}

/// The addresses of the public onion and, with `admin_onion`, the
/// console's, making the identity keys if this is the first start; needs
/// no network (`undersign onion-address`).
pub fn addresses(config: &Config) -> Result<(String, Option<String>), OnionError> {
    let client = client_config(config)?;
    let address = |console: bool| -> Result<String, OnionError> {
        let service = TorClient::<tor_rtcompat::PreferredRuntime>::create_onion_service(
            &client,
            service_config(config, console)?,
        )
        .map_err(arti)?;
        service.generate_identity_key(KeystoreSelector::Primary).map(host).map_err(arti)
    };
    let public = address(false)?;
    let console = if config.admin_onion { Some(address(true)?) } else { None };
    Ok((public, console))
}

/// The running onion services; dropping this stops publishing them.
pub struct Onions {
    /// The public onion, with `onion` (the console's alone is allowed).
    pub public: Option<Service>,
    /// The console's onion, with `admin_onion`.
    pub console: Option<Service>,
    _client: Arc<TorClient<tor_rtcompat::PreferredRuntime>>,
    bootstrap: tokio::task::JoinHandle<()>,
    // Last: the logs go once arti, which writes them, has been dropped.
    _replay_logs: ReplayLogs,
}

impl Drop for Onions {
    fn drop(&mut self) {
        self.bootstrap.abort();
    }
}

/// Bootstraps the client, trying again with a growing pause: launching a
/// service does not download the directory by itself, and a first try
/// before the network has a consensus fails.
async fn bootstrap(client: std::sync::Weak<TorClient<tor_rtcompat::PreferredRuntime>>) {
    let mut pause = Duration::from_secs(1);
    loop {
        let Some(strong) = client.upgrade() else { return };
        if strong.bootstrap().await.is_ok() {
            return;
        }
        drop(strong);
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(60));
    }
}

/// One running onion service.
pub struct Service {
    /// Its `.onion` host.
    pub address: String,
    running: Arc<RunningOnionService>,
    acceptor: Option<OnionAcceptor>,
}

impl Service {
    /// Its streams, to serve (once).
    pub fn take_acceptor(&mut self) -> Option<OnionAcceptor> {
        self.acceptor.take()
    }

    /// A handle that tells when it is reachable.
    pub fn watch(&self) -> Reachability {
        Reachability(Arc::clone(&self.running))
    }
}

/// Tells when a service is reachable.
pub struct Reachability(Arc<RunningOnionService>);

impl Reachability {
    /// Whether it became reachable within `bound`.
    pub async fn reachable_within(&self, bound: Duration) -> bool {
        tokio::time::timeout(bound, self.reachable()).await.unwrap_or(false)
    }

    /// Once it is reachable (false if its status stream ends first).
    /// Degraded but reachable counts: arti flips between states on every
    /// consensus, and waiting for `Running` alone has been seen to hang.
    pub async fn reachable(&self) -> bool {
        let mut events = self.0.status_events();
        if self.0.status().state().is_fully_reachable() {
            return true;
        }
        while let Some(status) = events.next().await {
            if status.state().is_fully_reachable() {
                return true;
            }
        }
        false
    }
}

/// Starts arti (bootstrapping in the background) and launches the onions.
/// Must run inside the tokio runtime.
pub fn launch(config: &Config) -> Result<Onions, OnionError> {
    let client_config = client_config(config)?;
    let dirs = Dirs::of(config);
    let services = [PUBLIC, CONSOLE].map(|nickname| (nickname, dirs.service_state(nickname)));
    let replay_logs = ReplayLogs::in_memory(&memory_dir()?, &config.data_dir, &services)?;
    let client = TorClient::builder().config(client_config).create_unbootstrapped().map_err(arti)?;
    let bootstrap = tokio::spawn(bootstrap(Arc::downgrade(&client)));
    let start = |console: bool| -> Result<Service, OnionError> {
        let (running, requests) = client
            .launch_onion_service(service_config(config, console)?)
            .map_err(arti_chain)?
            .ok_or_else(|| OnionError::Config("the service is disabled".into()))?;
        let address = running.onion_address().map(host).ok_or_else(|| arti("no identity key"))?;
        Ok(Service { address, running, acceptor: Some(OnionAcceptor::new(requests)) })
    };
    let public = if config.onion { Some(start(false)?) } else { None };
    let console = if config.admin_onion { Some(start(true)?) } else { None };
    Ok(Onions { public, console, _client: client, bootstrap, _replay_logs: replay_logs })
}

/// A Tor client that opens streams to onion services (a mirror's origin),
/// its state and directory under `DATA/onion` as the services' are.
/// Bootstraps in the background; a stream asked for before that waits.
pub struct Dialer {
    client: Arc<TorClient<tor_rtcompat::PreferredRuntime>>,
    /// Its own bootstrap; none for a dialer sharing the onions' client.
    bootstrap: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Dialer {
    fn drop(&mut self) {
        if let Some(bootstrap) = &self.bootstrap {
            bootstrap.abort();
        }
    }
}

impl Onions {
    /// A dialer over the onions' own arti client (the proof checker's,
    /// while `serve --onion` runs): one Tor client, one state dir.
    pub fn dialer(&self) -> Dialer {
        Dialer { client: Arc::clone(&self._client), bootstrap: None }
    }
}

/// A client for [`Dialer::connect`]. Must run inside the tokio runtime.
pub fn dialer(config: &Config) -> Result<Dialer, OnionError> {
    let client = TorClient::builder().config(client_config(config)?).create_unbootstrapped().map_err(arti)?;
    let bootstrap = tokio::spawn(bootstrap(Arc::downgrade(&client)));
    Ok(Dialer { client, bootstrap: Some(bootstrap) })
}

impl Dialer {
    /// A stream to `host:port` over Tor (for an onion host, through its
    /// rendezvous). Each call may share a circuit with the one before.
    pub async fn connect(&self, host: &str, port: u16) -> io::Result<DataStream> {
        let mut prefs = arti_client::StreamPrefs::new();
        prefs.connect_to_onion_services(arti_client::config::BoolOrAuto::Explicit(true));
        self.client
            .connect_with_prefs((host, port), &prefs)
            .await
            .map_err(|e| io::Error::other(arti_chain(e).to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &Path) -> Config {
        Config::new(dir.join("data"))
    }

    #[test]
    fn the_identity_key_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let (first, console) = addresses(&config).unwrap();
        assert!(first.ends_with(".onion") && first.len() == 62, "{first}");
        assert_eq!(console, None);
        // A second start (a new client over the same keystore) finds it.
        assert_eq!(addresses(&config).unwrap().0, first);
        // Another data dir is another onion.
        let other = tempfile::tempdir().unwrap();
        assert_ne!(addresses(&super::tests::config(other.path())).unwrap().0, first);
    }

    #[test]
    fn arti_keeps_everything_under_the_data_dir_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        addresses(&config).unwrap();
        for sub in ["data", "data/onion", "data/onion/state", "data/onion/cache"] {
            let mode = std::fs::metadata(dir.path().join(sub)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{sub}");
        }
        assert!(dir.path().join("data/onion/state/keystore").is_dir());
    }

    #[test]
    fn the_console_onion_needs_a_client_key_and_has_its_own_address() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config(dir.path());
        config.admin_onion = true;
        let err = addresses(&config).unwrap_err();
        assert!(matches!(err, OnionError::NoClients(_)), "{err}");
        assert!(err.to_string().contains("admin-clients"));
        // A key as tor's `authorized_clients` files hold it.
        std::fs::write(
            dir.path().join("data/onion/admin-clients/moderator.auth"),
            "descriptor:x25519:QDLJTDLAFDOH7LU2TZUFS5QTJ6I2YDXJ37E2XRWVLZYE4DOLSFQA\n",
        )
        .unwrap();
        let (public, console) = addresses(&config).unwrap();
        let console = console.unwrap();
        assert!(console.ends_with(".onion"));
        assert_ne!(public, console);
        assert_eq!(addresses(&config).unwrap(), (public, Some(console)));
    }

    #[test]
    fn a_bad_arti_config_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config(dir.path());
        config.onion_arti_config = Some(dir.path().join("missing.toml"));
        assert!(matches!(addresses(&config), Err(OnionError::ReadArtiConfig(..))));
        let path = dir.path().join("arti.toml");
        std::fs::write(&path, "[path_rules]\nipv4_subnet_family_prefix = \"many\"\n").unwrap();
        config.onion_arti_config = Some(path);
        let err = addresses(&config).unwrap_err();
        assert!(matches!(err, OnionError::ParseArtiConfig(..)), "{err}");
        assert!(err.to_string().contains("arti.toml"));
    }

    /// An arti config whose only authority and fallback are a closed port
    /// on 127.0.0.1: arti starts, and nothing leaves the machine.
    const NOWHERE: &str =
        "[tor_network.authorities]\nv3idents = [\"7A98ABC757C22AE516F754A2354B9C71FFBA7EEB\"]\n\
        [[tor_network.fallback_caches]]\nrsa_identity = \"2083CBDC9ED63CFDCA9048C1022C7DB396AFDC48\"\n\
        ed_identity = \"/P1atPMiRUHrYkKCGE7QU4AcRkMp8RIUw0P8OGlNZrI\"\norports = [\"127.0.0.1:9\"]\n";

    #[test]
    fn a_launched_service_has_the_address_the_offline_command_printed() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config(dir.path());
        let arti = dir.path().join("arti.toml");
        std::fs::write(&arti, NOWHERE).unwrap();
        config.onion_arti_config = Some(arti);
        config.onion = true;
        let (printed, _) = addresses(&config).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut onions = launch(&config).unwrap();
            assert!(onions.console.is_none());
            let public = onions.public.as_mut().unwrap();
            assert_eq!(public.address, printed);
            assert!(public.take_acceptor().is_some() && public.take_acceptor().is_none());
            // No network: not reachable, and the bound is kept.
            assert!(!public.watch().reachable_within(Duration::from_millis(300)).await);
            let replay = config.data_dir.join("onion/state/hss/undersign/iptreplay");
            assert!(std::fs::read_link(&replay).unwrap().starts_with(memory_dir().unwrap()));
        });
        // arti leaves blocking threads that never end (see `main`).
        std::mem::forget(runtime);
        // The key stays (a restart across processes: tests/it/tor_network.rs).
        assert_eq!(addresses(&config).unwrap().0, printed);
    }

    #[test]
    fn a_test_network_config_parses() {
        let b = parse_arti_config(
            "[path_rules]\nipv4_subnet_family_prefix = 33\nipv6_subnet_family_prefix = 129\n\
             [override_net_params]\nhsdir_interval = 8\n",
        )
        .unwrap();
        assert!(b.build().is_ok());
    }
}
