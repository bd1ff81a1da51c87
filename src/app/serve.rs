//! Serving: the site, the console and the onions (`serve`), or a mirror
//! (`mirror`) or a replica (`replica`), on their listeners until SIGTERM or
//! SIGINT.

use super::{files, load_content, open_store, Error};
use crate::config::{Config, ListenAddr};
use crate::console::{Console, Hosts};
use crate::domain::{Kind, SignatoryName};
use crate::http::server::{self, MinRate};
use crate::http::{FormLimits, Headers, Listener, ServerOptions};
use crate::letter::Content;
use crate::limits::CircuitLimits;
use crate::messages::Catalogue;
use crate::render::Renderer;
use crate::site::Site;
use crate::snapshot::{self, SigningKey, Snapshots};
use crate::tokens;
use std::sync::Arc;

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

/// Builds a runtime and serves the letter on it ([`serve`]) until SIGTERM
/// or SIGINT.
pub fn serve_blocking(config: Config) -> Result<(), Error> {
    let runtime = runtime()?;
    let served = runtime.block_on(serve(config));
    // Requests are finished by now. arti (with --onion) leaves
    // blocking threads that never end: dropping the runtime would
    // wait for them for ever, and shutting it down makes them panic
    // on stderr. The process ends here anyway.
    std::mem::forget(runtime);
    served
}

/// Builds a runtime and serves a mirror on it ([`mirror`]).
pub fn mirror_blocking(config: Config, options: crate::mirror::Options) -> Result<(), Error> {
    runtime()?.block_on(mirror(config, options))
}

/// Builds a runtime and serves a replica on it ([`replica`]).
pub fn replica_blocking(config: Config, options: crate::replica::Options) -> Result<(), Error> {
    runtime()?.block_on(replica(config, options))
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    // Before any thread: glibc would give each of them an arena of its own.
    crate::memory::limit_arenas();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(Error::Start)
}

/// The lists to import on first start, parsed: a name that does not parse
/// stops the start.
fn import_lists(content: &Content) -> Result<Vec<(Kind, Vec<SignatoryName>)>, Error> {
    content
        .signatories
        .iter()
        .map(|(kind, names)| {
            let parsed = names
                .iter()
                .map(|raw| {
                    SignatoryName::parse(raw)
                        .map_err(|problem| Error::ImportName { at: format!("import: `{raw}`"), problem })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok((*kind, parsed))
        })
        .collect()
}

/// The bounds every acceptor's server keeps, from the configuration.
struct Bounds<'a> {
    config: &'a Config,
    max_connections: usize,
    style: String,
}

impl Bounds<'_> {
    /// The same bounds for every acceptor; only the public ones have
    /// circuits and Onion-Location.
    fn options(&self, circuits: bool, onion_location: Option<String>) -> ServerOptions {
        let c = self.config;
        ServerOptions {
            max_connections: self.max_connections,
            header_read_timeout: c.header_read_timeout,
            min_rate: min_rate(c),
            write_stall: c.write_stall,
            circuits: circuits.then(|| {
                CircuitLimits::new(c.circuit_max_connections, c.circuit_sign_burst, c.circuit_sign_per_minute)
            }),
            headers: Headers::new(&self.style, onion_location),
            max_age: server::CONNECTION_MAX_AGE,
        }
    }
}

fn min_rate(config: &Config) -> MinRate {
    MinRate { grace: config.request_grace, bytes_per_second: config.request_min_rate }
}

/// The start-up line: what is served where, and where the data is.
fn announce(
    title: &str,
    config: &Config,
    public: Option<&Listener>,
    console: Option<&Listener>,
    onion_console: bool,
) {
    let mut places = Vec::new();
    if let Some(l) = public {
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
        "undersign: serving “{title}” on {}{}{}, data in {}",
        places.join(" and "),
        console.map(|l| format!(", console on {}", l.describe())).unwrap_or_default(),
        if onion_console { ", console on an onion of its own (publishing)" } else { "" },
        config.data_dir.display()
    );
}

/// A stop signal for every task, sent once SIGTERM or SIGINT arrives.
fn stop_on_signals() -> Result<tokio::sync::watch::Receiver<bool>, Error> {
    let stop = shutdown_signals().map_err(Error::Start)?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        stop.await;
        let _ = stop_tx.send(true);
    });
    Ok(stop_rx)
}

async fn bind(addr: &ListenAddr, proxy: bool, console: bool) -> Result<Listener, Error> {
    Listener::bind(addr, proxy).await.map_err(|source| Error::Listen { addr: addr.clone(), console, source })
}

/// The moderation console's router.
fn console(
    config: &Config,
    store: crate::store::Store,
    renderer: Renderer,
    hosts: Hosts,
    checks: crate::proof::Checks,
) -> Arc<Console> {
    let limits = FormLimits {
        max_body: crate::http::form::MAX_BODY,
        timeout: config.body_timeout,
        min_rate: min_rate(config),
        repeatable: &[],
    };
    let sessions = (config.admin_session_idle, config.admin_session_max);
    let (language, retention) = (config.admin_language, config.retention_days);
    Arc::new(
        Console::new(store, renderer, language, &config.data_dir, sessions, limits, retention, hosts)
            .with_proof_checks(checks),
    )
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
    let lists = import_lists(&content)?;
    // Made quietly: the start-up line says where the data is.
    files::data_dir(&config.data_dir, false)?;
    let store = open_store(&config, crate::store::LetterOpen::Check(&content.letter))?;
    let secret = tokens::Secret::load_or_create(&config.data_dir).map_err(Error::Secret)?;
    store.import_once(&lists).await?;
    // After the store: its lock keeps a second process off the snapshots too.
    let snapshots = Arc::new(
        Snapshots::open(
            &config.data_dir,
            SigningKey::load_or_create(&config.data_dir)?,
            content.letter.clone(),
            config.snapshot_expiry_days,
        )?
        .with_letter_versions(store.letter_history()),
    );
    // With the onion, the default listener opens only when asked for.
    let listener = match !config.onion || config.listen_given {
        true => Some(bind(&config.listen, config.proxy_protocol, false).await?),
        false => None,
    };
    let console_listener = match &config.admin_listen {
        None => None,
        Some(addr) => Some(bind(addr, false, true).await?),
    };
    let onions = launch_onions(&config)?;
    let stop_rx = stop_on_signals()?;

    let amendments = crate::render::Amendments::of(store.letter_history());
    let renderer = || {
        Renderer::new(
            content.letter.clone(),
            Catalogue::ENGLISH,
            config.page_group_limit,
            config.list_page_size,
        )
        .with_translations(content.translations.clone())
        .with_amendments(amendments.clone())
    };
    // Onion streams are no file descriptors: only sockets count here.
    let sockets = u64::from(listener.is_some()) + u64::from(console_listener.is_some());
    let bounds = Bounds {
        config: &config,
        max_connections: connections_within_file_limit(config.max_connections, sockets),
        style: crate::render::style_hash(),
    };
    let (checker, checks) = crate::proof::Checker::new(&config, store.clone())?;
    let checker = onions.proof_route(checker);
    let wants_console = console_listener.is_some() || onions.has_console();
    let console = wants_console.then(|| {
        let hosts = Hosts::new(console_listener.as_ref().and_then(|l| l.local_addr()).map(|a| a.ip()));
        console(&config, store.clone(), renderer(), hosts, checks)
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
    announce(site.title(), &config, listener.as_ref(), console_listener.as_ref(), onions.has_console());
    let signing =
        tokio::spawn(snapshot::keep_signed(snapshots, view, config.snapshot_interval, stop_rx.clone()));
    let checking = tokio::spawn(crate::proof::keep_checked(checker, stop_rx.clone()));
    // A checker that died of a bug is said once, as the store's writer is.
    let checking = tokio::spawn(async move {
        if checking.await.is_err() {
            eprintln!("undersign: proofs of signature are no longer checked: the checker stopped on a bug (said once)");
        }
    });
    let mut serving = Vec::new();
    if let Some(l) = listener {
        let options = bounds.options(config.proxy_protocol, config.onion_location.clone());
        serving.push(tokio::spawn(server::serve(l, Arc::clone(&site), options, stop_rx.clone())));
    }
    if let (Some(l), Some(router)) = (console_listener, &console) {
        serving.push(tokio::spawn(server::serve(
            l,
            Arc::clone(router),
            bounds.options(false, None),
            stop_rx.clone(),
        )));
    }
    let _onions = onions.serve(
        &config,
        &site,
        console.as_ref(),
        |public| bounds.options(public, None),
        &stop_rx,
        &mut serving,
    );
    for task in serving {
        let _ = task.await;
    }
    // A snapshot under way is finished while the store is still open.
    let _ = signing.await;
    let _ = checking.await;
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
    Ok(Onions(Some(crate::onion::launch(config)?)))
}

#[cfg(not(feature = "onion"))]
fn launch_onions(config: &Config) -> Result<Onions, Error> {
    if config.onion || config.admin_onion {
        return Err(Error::OnionNotBuilt);
    }
    Ok(Onions)
}

impl Onions {
    /// The proof checker over the onions' arti while the public onion
    /// runs (`--onion`), else as configured (`proof_proxy`).
    fn proof_route(&self, checker: crate::proof::Checker) -> crate::proof::Checker {
        #[cfg(feature = "onion")]
        if let Some(onions) = self.0.as_ref().filter(|o| o.public.is_some()) {
            return checker.through_arti(onions.dialer());
        }
        checker
    }

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
    return Ok(crate::onion::addresses(config)?);
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
    files::data_dir(&config.data_dir, false)?;
    let prepared = crate::mirror::prepare(&config, options)?;
    let router = Arc::clone(&prepared.mirror);
    serve_copy(config, prepared, router, "a mirror").await
}

/// `undersign replica`: a mirror that also takes signatures and
/// withdrawals for the origin, until SIGTERM or SIGINT.
pub async fn replica(config: Config, options: crate::replica::Options) -> Result<(), Error> {
    files::data_dir(&config.data_dir, false)?;
    let prepared = crate::replica::prepare(&config, options)?;
    serve_copy(config, prepared.mirror, prepared.replica, "a replica").await
}

/// Serves `router` over what `prepared` adopts, polling its origin.
async fn serve_copy<R: server::Router>(
    config: Config,
    prepared: crate::mirror::Prepared,
    router: Arc<R>,
    what: &str,
) -> Result<(), Error> {
    let listener = bind(&config.listen, config.proxy_protocol, false).await?;
    let stop_rx = stop_on_signals()?;
    let bounds = Bounds {
        config: &config,
        max_connections: connections_within_file_limit(config.max_connections, 1),
        style: crate::render::style_hash(),
    };
    let options = bounds.options(config.proxy_protocol, config.onion_location.clone());
    println!(
        "undersign: serving {what} on {}{} of {}, {}, data in {}",
        listener.describe(),
        if config.proxy_protocol { " (PROXY protocol)" } else { "" },
        prepared.origin(),
        match prepared.serving() {
            Some(seq) => format!("snapshot {seq} kept from before"),
            None => "no snapshot yet".into(),
        },
        config.data_dir.display()
    );
    let polling = tokio::spawn(crate::mirror::keep_current(prepared, stop_rx.clone()));
    server::serve(listener, router, options, stop_rx).await;
    let _ = polling.await;
    Ok(())
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
