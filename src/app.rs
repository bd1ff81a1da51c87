//! The wiring: from one [`Config`] to a running server, and the offline
//! commands. It opens the store and the secret, builds the public site and
//! the console as two routers, binds each to its listener, and stops them
//! on SIGTERM or SIGINT. Every failure an operator must act on is an
//! [`Error`] variant with its sentence.

use crate::config::{Config, ListenAddr};
use crate::console::{self, Console};
use crate::domain::{FieldError, Kind, RejectReason, SignatoryName, Status};
use crate::http::server::{self, MinRate};
use crate::http::{FormLimits, Headers, Listener, ServerOptions};
use crate::letter::{Content, LetterError};
use crate::limits::CircuitLimits;
use crate::messages::Catalogue;
use crate::render::Renderer;
use crate::site::Site;
use crate::snapshot::{
    self, Comment, Digest, KeyError, SigningKey, SnapshotError, Snapshots, Verified, VerifyError,
};
use crate::store::{self, Action, Day, Store, StoreError};
use crate::tokens;
use std::path::PathBuf;
use std::sync::Arc;

/// A failure an operator must act on, printed once to stderr.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The letter or a list to import could not be loaded.
    Letter(LetterError),
    /// A name in a list to import does not parse.
    ImportName {
        /// Where: a line number, or the name itself.
        at: String,
        /// Why.
        problem: FieldError,
    },
    /// The data dir could not be made.
    DataDir(PathBuf, std::io::Error),
    /// The server's secret could not be read or made.
    Secret(std::io::Error),
    /// The store could not be opened.
    OpenStore(PathBuf, StoreError),
    /// The store could not do what was asked.
    Store(StoreError),
    /// A listener could not be bound.
    Listen {
        /// Where.
        addr: ListenAddr,
        /// The console's listener rather than the public one.
        console: bool,
        /// Why.
        source: std::io::Error,
    },
    /// The console would listen where other machines can reach it, and the
    /// operator did not say so (`admin_listen_public`).
    ConsolePublic(ListenAddr),
    /// The signal handlers or the runtime could not be set up.
    Start(std::io::Error),
    /// A file given on the command line could not be read.
    Read(PathBuf, std::io::Error),
    /// Standard input could not be read.
    Stdin(std::io::Error),
    /// The file is not a backup made by `undersign export`.
    NotABackup(serde_json::Error),
    /// The backup could not be written out.
    Export(serde_json::Error),
    /// A moderator's passphrase was not set.
    Passphrase(console::auth::PassphraseError),
    /// An onion service was asked of a build without the `onion` feature.
    OnionNotBuilt,
    /// The in-process onion services could not start.
    #[cfg(feature = "onion")]
    Onion(crate::onion::Error),
    /// The snapshots' signing key could not be read or made.
    SnapshotKey(KeyError),
    /// A snapshot could not be made, or its sequence number kept.
    Snapshot(SnapshotError),
    /// A snapshot did not verify.
    Verify(VerifyError),
    /// A mirror could not start.
    Mirror(crate::mirror::MirrorError),
    /// A static export could not be written.
    StaticExport(crate::mirror::export::ExportError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words = Catalogue::ENGLISH;
        match self {
            Error::Letter(e) => write!(f, "{e}"),
            Error::ImportName { at, problem } => write!(
                f,
                "{at}: {}: {}",
                words.field_label(problem.field),
                words.field_problem(problem.problem)
            ),
            Error::DataDir(dir, e) => write!(f, "cannot create {}: {e}", dir.display()),
            Error::Secret(e) => write!(f, "cannot read or create the server secret: {e}"),
            Error::OpenStore(dir, StoreError::InUse) => write!(
                f,
                "the store in {} is in use: undersign is running on it. While it runs, moderate in the console (--admin-listen); stop it to use this command",
                dir.display()
            ),
            Error::OpenStore(dir, e @ StoreError::Damaged { .. }) => write!(
                f,
                "cannot open the store in {dir}: {e}. undersign does not serve from a damaged store. Keep {dir} as it is and restore: put back a copy of {dir} made while undersign was stopped, or import the last backup into a new data dir (`undersign --data NEW import BACKUP.json`, then copy {dir}/secret to NEW/secret so that withdrawal codes keep working) and serve from NEW; see the README, \"What the store guarantees, and restoring it\"",
                dir = dir.display()
            ),
            Error::OpenStore(dir, e) => write!(f, "cannot open the store in {}: {e}", dir.display()),
            Error::Store(e) => write!(f, "{e}"),
            Error::Listen { addr, console: false, source } => write!(f, "cannot listen on {addr}: {source}"),
            Error::Listen { addr, console: true, source } => {
                write!(f, "cannot listen on {addr} for the console: {source}")
            }
            Error::ConsolePublic(addr) => write!(
                f,
                "refusing to serve the moderation console on {addr}: other machines could reach it. Give it a loopback address (127.0.0.1:PORT) or unix:/path and reach it through SSH or an onion service with client authorisation, or set `admin_listen_public = true` in the config if that is what you mean"
            ),
            Error::Start(e) => write!(f, "cannot start: {e}"),
            Error::Read(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            Error::Stdin(e) => write!(f, "cannot read the passphrase: {e}"),
            Error::NotABackup(e) => write!(f, "not an undersign backup: {e}"),
            Error::Export(e) => write!(f, "cannot write the backup: {e}"),
            Error::Passphrase(e) => write!(f, "{e}"),
            Error::OnionNotBuilt => write!(
                f,
                "this undersign was built without the `onion` cargo feature, so it cannot publish an onion service itself (--onion, --admin-onion, onion-address): build it with `cargo build --release --features onion`, or serve behind the tor daemon as torrc.example shows"
            ),
            #[cfg(feature = "onion")]
            Error::Onion(e) => write!(f, "{e}"),
            Error::SnapshotKey(e) => write!(f, "{e}"),
            Error::Snapshot(e) => write!(f, "{e}"),
            Error::Verify(e) => write!(f, "{e}"),
            Error::Mirror(e) => write!(f, "{e}"),
            Error::StaticExport(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        Error::Store(e)
    }
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Error {
        Error::SnapshotKey(e)
    }
}

impl From<SnapshotError> for Error {
    fn from(e: SnapshotError) -> Error {
        Error::Snapshot(e)
    }
}

/// The letter and lists the configuration points at, or the embedded default.
pub fn load_content(config: &Config) -> Result<Content, Error> {
    let lists: Vec<_> = config.import.iter().map(|(k, p)| (*k, p.as_path())).collect();
    // The original is English; its translations may be in any other
    // shipped language.
    let tags: Vec<&str> = Catalogue::all().map(|c| c.tag()).filter(|t| *t != "en").collect();
    Content::load(config.letter.as_deref(), &lists)
        .and_then(|c| c.with_translations(config.letter.as_deref(), &tags))
        .map_err(Error::Letter)
}

/// Files the process keeps open besides connections: the store's
/// databases, their logs and readers, exports, listeners, with room.
const FILES_BESIDES_CONNECTIONS: u64 = 128;

/// Raises the open-file limit to what `max_connections` on each listener
/// needs, as far as the hard limit allows (the usual soft limit, 1024,
/// is less than the default cap needs). Where it cannot, fewer connections
/// are served at once, and the operator is told: otherwise a flood would
/// end in failed accepts and a store that cannot open a file.
fn connections_within_file_limit(max_connections: usize, listeners: u64) -> usize {
    let listeners = listeners.max(1);
    let needed = (max_connections as u64).saturating_mul(listeners).saturating_add(FILES_BESIDES_CONNECTIONS);
    let Ok(limit) = rlimit::increase_nofile_limit(needed) else { return max_connections };
    if limit >= needed {
        return max_connections;
    }
    let fitting = (limit.saturating_sub(FILES_BESIDES_CONNECTIONS) / listeners).max(1) as usize;
    eprintln!(
        "undersign: the open-file limit is {limit}, too low for max_connections = {max_connections}: \
         serving at most {fitting} at once (raise the hard limit, e.g. LimitNOFILE in the service unit)"
    );
    fitting
}

fn open_store(config: &Config) -> Result<Store, Error> {
    let options = store::Options {
        retention_days: config.retention_days,
        cache_bytes: config.store_cache_mb << 20,
        notice: |m| eprintln!("undersign: {m}"),
    };
    Store::open(&config.data_dir.join("store"), options)
        .map_err(|e| Error::OpenStore(config.data_dir.clone(), e))
}

/// Serves the letter until SIGTERM or SIGINT, then finishes in-flight
/// requests and returns.
pub async fn serve(config: Config) -> Result<(), Error> {
    // Before anything is opened: a mistake here must not start at all.
    if let Some(addr) = config.admin_listen.as_ref().filter(|a| !a.is_local() && !config.admin_listen_public)
    {
        return Err(Error::ConsolePublic(addr.clone()));
    }
    let content = load_content(&config)?;
    let mut lists = Vec::new();
    for (kind, names) in &content.signatories {
        let parsed = names
            .iter()
            .map(|raw| {
                SignatoryName::parse(raw)
                    .map_err(|problem| Error::ImportName { at: format!("import: `{raw}`"), problem })
            })
            .collect::<Result<Vec<_>, _>>()?;
        lists.push((*kind, parsed));
    }
    std::fs::create_dir_all(&config.data_dir).map_err(|e| Error::DataDir(config.data_dir.clone(), e))?;
    restrict_permissions(&config.data_dir);
    let secret = tokens::Secret::load_or_create(&config.data_dir).map_err(Error::Secret)?;
    let store = open_store(&config)?;
    store.import_once(&lists).await?;
    // After the store: its lock keeps a second process off the snapshots too.
    let snapshots = Arc::new(Snapshots::open(
        &config.data_dir,
        SigningKey::load_or_create(&config.data_dir)?,
        content.letter.clone(),
        config.snapshot_expiry_days,
    )?);
    let listen = |addr: &ListenAddr, proxy: bool, console: bool| {
        let addr = addr.clone();
        async move { Listener::bind(&addr, proxy).await.map_err(|source| Error::Listen { addr, console, source }) }
    };
    // With the onion, the default listener opens only when asked for.
    let listener = match !config.onion || config.listen_given {
        true => Some(listen(&config.listen, config.proxy_protocol, false).await?),
        false => None,
    };
    let console_listener = match &config.admin_listen {
        None => None,
        Some(addr) => Some(listen(addr, false, true).await?),
    };
    let onions = launch_onions(&config)?;
    let stop = shutdown_signals().map_err(Error::Start)?;

    let style = crate::render::style_hash();
    let renderer = || {
        Renderer::new(
            content.letter.clone(),
            Catalogue::ENGLISH,
            config.page_group_limit,
            config.list_page_size,
        )
        .with_translations(content.translations.clone())
    };
    let circuit_limits = || {
        CircuitLimits::new(
            config.circuit_max_connections,
            config.circuit_sign_burst,
            config.circuit_sign_per_minute,
        )
    };
    // Onion streams are no file descriptors: only sockets count here.
    let sockets = u64::from(listener.is_some()) + u64::from(console_listener.is_some());
    let max_connections = connections_within_file_limit(config.max_connections, sockets);
    // The same bounds for every acceptor; only the public ones have
    // circuits and Onion-Location.
    let options = |circuits, onion_location| ServerOptions {
        max_connections,
        header_read_timeout: config.header_read_timeout,
        min_rate: MinRate::of(&config),
        write_stall: config.write_stall,
        circuits,
        headers: Headers::new(&style, onion_location),
        max_age: server::CONNECTION_MAX_AGE,
    };
    let wants_console = console_listener.is_some() || onions.has_console();
    let console = wants_console.then(|| {
        Arc::new(Console::new(
            store.clone(),
            renderer(),
            config.admin_language,
            &config.data_dir,
            (config.admin_session_idle, config.admin_session_max),
            FormLimits::of(&config),
            config.retention_days,
            crate::console::Hosts::new(
                console_listener.as_ref().and_then(|l| l.local_addr()).map(|a| a.ip()),
            ),
        ))
    });
    let view: Arc<dyn crate::view::PublicView> = Arc::new(store.clone());
    let site = Arc::new(Site::new(
        config.clone(),
        Arc::clone(&view),
        store,
        secret,
        renderer(),
        Arc::clone(&snapshots),
    ));
    let mut places = Vec::new();
    if let Some(l) = &listener {
        places.push(format!(
            "{}{}",
            l.describe(),
            if config.proxy_protocol { " (PROXY protocol)" } else { "" }
        ));
    }
    if config.onion {
        places.push("an onion service (publishing)".to_string());
    }
    println!(
        "undersign: serving “{}” on {}{}{}, data in {}",
        site.title(),
        places.join(" and "),
        console_listener.as_ref().map(|l| format!(", console on {}", l.describe())).unwrap_or_default(),
        if onions.has_console() { ", console on an onion of its own (publishing)" } else { "" },
        config.data_dir.display()
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        stop.await;
        let _ = stop_tx.send(true);
    });
    let signing =
        tokio::spawn(snapshot::keep_signed(snapshots, view, config.snapshot_interval, stop_rx.clone()));
    let mut serving = Vec::new();
    if let Some(l) = listener {
        let circuits = config.proxy_protocol.then(circuit_limits);
        let options = options(circuits, config.onion_location.clone());
        serving.push(tokio::spawn(server::serve(l, Arc::clone(&site), options, stop_rx.clone())));
    }
    if let (Some(l), Some(router)) = (console_listener, &console) {
        serving.push(tokio::spawn(server::serve(
            l,
            Arc::clone(router),
            options(None, None),
            stop_rx.clone(),
        )));
    }
    let _onions = onions.serve(
        &config,
        &site,
        console.as_ref(),
        |public| options(public.then(circuit_limits), None),
        &stop_rx,
        &mut serving,
    );
    for task in serving {
        let _ = task.await;
    }
    // A snapshot under way is finished while the store is still open.
    let _ = signing.await;
    Ok(())
}

/// The in-process onions, when configured and built.
#[cfg(feature = "onion")]
struct Onions(Option<crate::onion::Onions>);
#[cfg(not(feature = "onion"))]
struct Onions;

#[cfg(feature = "onion")]
fn launch_onions(config: &Config) -> Result<Onions, Error> {
    if !config.onion && !config.admin_onion {
        return Ok(Onions(None));
    }
    crate::onion::launch(config).map(|o| Onions(Some(o))).map_err(Error::Onion)
}

#[cfg(not(feature = "onion"))]
fn launch_onions(config: &Config) -> Result<Onions, Error> {
    if config.onion || config.admin_onion {
        return Err(Error::OnionNotBuilt);
    }
    Ok(Onions)
}

impl Onions {
    fn has_console(&self) -> bool {
        #[cfg(feature = "onion")]
        return self.0.as_ref().is_some_and(|o| o.console.is_some());
        #[cfg(not(feature = "onion"))]
        false
    }

    /// Serves the public site (with `onion`) and the console (with
    /// `admin_onion`) on their onions, and says once each is reachable, or
    /// that it is not yet. Returns what must live while they serve.
    #[cfg(feature = "onion")]
    fn serve(
        self,
        config: &Config,
        site: &Arc<Site>,
        console: Option<&Arc<Console>>,
        options: impl Fn(bool) -> ServerOptions,
        stop: &tokio::sync::watch::Receiver<bool>,
        serving: &mut Vec<tokio::task::JoinHandle<()>>,
    ) -> Option<crate::onion::Onions> {
        let mut onions = self.0?;
        let bound = config.onion_reachable_within;
        let announce = |service: &crate::onion::Service, what: &'static str| {
            let running = service.watch();
            let address = service.address.clone();
            // Not awaited: serving does not wait for it, and it ends with the process.
            drop(tokio::spawn(async move {
                if !running.reachable_within(bound).await {
                    eprintln!(
                        "undersign: {what} not reachable yet at http://{address} after {} s; still trying",
                        bound.as_secs()
                    );
                    if !running.reachable().await {
                        return;
                    }
                }
                println!("undersign: {what} reachable at http://{address}");
            }));
        };
        if let Some(service) = onions.public.as_mut() {
            announce(service, "the letter is");
            if let Some(acceptor) = service.take_acceptor() {
                serving.push(tokio::spawn(server::serve(
                    acceptor,
                    Arc::clone(site),
                    options(true),
                    stop.clone(),
                )));
            }
        }
        if let (Some(service), Some(router)) = (onions.console.as_mut(), console) {
            announce(service, "the console is");
            if let Some(acceptor) = service.take_acceptor() {
                serving.push(tokio::spawn(server::serve(
                    acceptor,
                    Arc::clone(router),
                    options(false),
                    stop.clone(),
                )));
            }
        }
        Some(onions)
    }

    /// Nothing to serve: a build without the feature has refused to start.
    #[cfg(not(feature = "onion"))]
    fn serve(
        self,
        _config: &Config,
        _site: &Arc<Site>,
        _console: Option<&Arc<Console>>,
        _options: impl Fn(bool) -> ServerOptions,
        _stop: &tokio::sync::watch::Receiver<bool>,
        _serving: &mut Vec<tokio::task::JoinHandle<()>>,
    ) -> Onions {
        self
    }
}

/// `undersign onion-address`: the public onion's host and, with
/// `admin_onion`, the console's, made on first use; no network needed.
pub fn onion_addresses(config: &Config) -> Result<(String, Option<String>), Error> {
    #[cfg(feature = "onion")]
    return crate::onion::addresses(config).map_err(Error::Onion);
    #[cfg(not(feature = "onion"))]
    {
        let _ = config;
        Err(Error::OnionNotBuilt)
    }
}

/// `undersign mirror`: serves the public pages, read only, from the newest
/// snapshot of `options.origin` that verifies with its key, polling it,
/// until SIGTERM or SIGINT.
pub async fn mirror(config: Config, options: crate::mirror::Options) -> Result<(), Error> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| Error::DataDir(config.data_dir.clone(), e))?;
    restrict_permissions(&config.data_dir);
    let prepared = crate::mirror::prepare(&config, options).map_err(Error::Mirror)?;
    let listener = Listener::bind(&config.listen, config.proxy_protocol)
        .await
        .map_err(|source| Error::Listen { addr: config.listen.clone(), console: false, source })?;
    let stop = shutdown_signals().map_err(Error::Start)?;
    let circuits = config.proxy_protocol.then(|| {
        CircuitLimits::new(
            config.circuit_max_connections,
            config.circuit_sign_burst,
            config.circuit_sign_per_minute,
        )
    });
    let options = ServerOptions {
        max_connections: connections_within_file_limit(config.max_connections, 1),
        header_read_timeout: config.header_read_timeout,
        min_rate: MinRate::of(&config),
        write_stall: config.write_stall,
        circuits,
        headers: Headers::new(&crate::render::style_hash(), config.onion_location.clone()),
        max_age: server::CONNECTION_MAX_AGE,
    };
    println!(
        "undersign: serving a mirror on {}{} of {}, {}, data in {}",
        listener.describe(),
        if config.proxy_protocol { " (PROXY protocol)" } else { "" },
        prepared.origin(),
        match prepared.serving() {
            Some(seq) => format!("snapshot {seq} kept from before"),
            None => "no snapshot yet".into(),
        },
        config.data_dir.display()
    );
    let router = Arc::clone(&prepared.mirror);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        stop.await;
        let _ = stop_tx.send(true);
    });
    let polling = tokio::spawn(crate::mirror::keep_current(prepared, stop_rx.clone()));
    server::serve(listener, router, options, stop_rx).await;
    let _ = polling.await;
    Ok(())
}

/// `undersign export-static DIR`: the letter, its lists, an alphabetical
/// index, the exports and a signed snapshot as plain files in `out`, from
/// the store (signing a new snapshot, server stopped) or from a snapshot
/// file verified with `key`.
pub fn export_static(
    config: &Config,
    out: &std::path::Path,
    from: Option<(PathBuf, String)>,
    sign_url: Option<String>,
) -> Result<crate::mirror::export::Exported, Error> {
    if let Some((file, key)) = &from {
        let key = snapshot::public_key(key).map_err(Error::Verify)?;
        snapshot::verify(file, &key, Day::today(), None).map_err(Error::Verify)?;
    }
    let work = tempfile_dir(out)?;
    let snapshot_file = match from {
        Some((file, _)) => file,
        None => {
            let file = work.join("snapshot.json");
            if let Err(e) = write_snapshot(config, &file) {
                let _ = std::fs::remove_dir_all(&work);
                return Err(e);
            }
            file
        }
    };
    let exported = crate::mirror::export::write(
        &snapshot_file,
        &work,
        out,
        sign_url.as_deref(),
        config.page_group_limit,
        config.list_page_size,
    )
    .map_err(Error::StaticExport);
    let _ = std::fs::remove_dir_all(&work);
    exported
}

/// A fresh working directory beside `out` (on the same disk).
fn tempfile_dir(out: &std::path::Path) -> Result<PathBuf, Error> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name = format!(".undersign-export-{}", std::process::id());
    let dir = parent.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::DataDir(dir.clone(), e))?;
    Ok(dir)
}

/// Installs the SIGTERM and SIGINT handlers now (before the start-up line,
/// so a supervisor's early SIGTERM is never lost) and resolves on either.
fn shutdown_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    })
}

/// The data dir holds the secret and the signatures: owner only.
fn restrict_permissions(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}

/// `undersign pending`: signatures waiting for review, oldest first.
pub fn list_pending(config: &Config) -> Result<Vec<store::Record>, Error> {
    Ok(open_store(config)?.pending())
}

/// `undersign approve|reject ID…`: returns the ids that were not pending.
pub fn review(config: &Config, ids: &[u64], reject: Option<RejectReason>) -> Result<Vec<u64>, Error> {
    let store = open_store(config)?;
    let missing: Vec<u64> = ids
        .iter()
        .copied()
        .filter(|id| store.record(*id).is_none_or(|r| r.status != Status::Pending))
        .collect();
    let action = match reject {
        None => Action::Approve(ids.to_vec()),
        Some(reason) => Action::Reject(ids.to_vec(), reason),
    };
    store.moderate_blocking("command line", action)?;
    Ok(missing)
}

/// `undersign export`: the full backup, pending signatures included, as JSON.
pub fn export(config: &Config) -> Result<String, Error> {
    let backup = open_store(config)?.backup()?;
    serde_json::to_string_pretty(&backup).map_err(Error::Export)
}

/// `undersign import FILE`: restores a backup into an empty data dir.
pub fn import_backup(config: &Config, json: &str) -> Result<usize, Error> {
    let backup: store::Backup = serde_json::from_str(json).map_err(Error::NotABackup)?;
    Ok(open_store(config)?.restore_blocking(backup)?)
}

/// `undersign import --kind KIND FILE`: publishes a plain list of names,
/// one per line, as organisers migrating an existing letter need. Names
/// already here are skipped; a name that does not parse stops the import
/// before anything is written.
pub fn import_names(config: &Config, kind: Kind, text: &str) -> Result<usize, Error> {
    let names = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            SignatoryName::parse(l)
                .map_err(|problem| Error::ImportName { at: format!("line {}", i + 1), problem })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let store = open_store(config)?;
    Ok(store.moderate_blocking("command line", Action::ImportNames(kind, names))?)
}

/// `undersign key`: the snapshots' signing key, to print its public half.
/// Reads only the key file, so it works while the server runs; it makes
/// no key (the server's first start does).
pub fn snapshot_key(config: &Config) -> Result<SigningKey, Error> {
    Ok(SigningKey::load(&config.data_dir)?)
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
pub fn write_snapshot(config: &Config, out: &std::path::Path) -> Result<Comment, Error> {
    let content = load_content(config)?;
    let store = open_store(config)?;
    let key = SigningKey::load_or_create(&config.data_dir)?;
    let snapshots = Snapshots::open(&config.data_dir, key, content.letter, config.snapshot_expiry_days)?;
    Ok(snapshots.write_to(&store, Day::today(), out)?)
}

/// `undersign verify FILE --key KEY [--letter DIGEST]`: checks a snapshot
/// against FILE.minisig and a public key (or a file holding one), as of
/// today.
pub fn verify_snapshot(file: &std::path::Path, key: &str, letter: Option<Digest>) -> Result<Verified, Error> {
    let key = snapshot::public_key(key).map_err(Error::Verify)?;
    snapshot::verify(file, &key, Day::today(), letter).map_err(Error::Verify)
}

/// `undersign admin passphrase`: sets a moderator's passphrase.
pub fn set_passphrase(config: &Config, moderator: &str, passphrase: &str) -> Result<(), Error> {
    console::auth::set_passphrase(&config.data_dir, moderator, passphrase).map_err(Error::Passphrase)
}
