//! undersign hosts one open letter and collects its signatures, built to be
//! run as a Tor onion service by people who must not learn anything about
//! their visitors.
//!
//! # Module map
//!
//! | module | owns |
//! |---|---|
//! | [`config`] | the typed configuration: defaults, TOML file, command line |
//! | [`letter`] | the letter's content (Markdown) and the signatory lists to import; the embedded default |
//! | [`signatory`] | domain types parsed at the edge: [`domain::SignatoryName`], [`domain::Kind`], …; folding and sort keys |
//! | [`flags`] | what makes a name worth a moderator's look: look-alikes (UTS #39 skeletons), mixed scripts, URLs, formula starts |
//! | [`tokens`] | the server secret: form tokens (HMAC) and withdrawal codes |
//! | [`limits`] | in-memory signing throttles: site-wide and per Tor circuit |
//! | [`proxy_protocol`] | the PROXY v1 line tor sends with each stream, carrying the circuit id |
//! | [`store`] | sled and every invariant over the data (signatures, review queue, phase, audit, retention); the group-commit writer; the lookup indexes kept in buckets (few sled keys, little memory); the public data model [`store::PublicSignatory`] |
//! | [`render`] | every HTML page (public, and the console's in [`render::admin`]), the inline stylesheet and its CSP hash, the page cache, the exports |
//! | [`web`] | listeners, connections, routing, limits, headers, error pages; which surface (public or console) a listener serves |
//! | [`admin`] | the moderation console's routes and actions; moderators, sessions and CSRF in [`admin::auth`] |
//!
//! # One request, start to end
//!
//! ```text
//! web::serve      accept (TCP or Unix socket), a connection slot, then
//! web::connection [PROXY line -> circuit id, in memory only] -> hyper HTTP/1.1
//! web::handle     route by method and path
//!   GET /         render::PageCache (bytes per data generation) + tokens::Secret::issue_token,
//!                 sent as cached head, token, cached tail (no copy)
//!   POST /sign    body (16 KiB, timed) -> honeypot -> tokens (HMAC, age)
//!                 -> signatory::*::parse -> limits (circuit, site)
//!                 -> store::Store::sign: writer thread applies an atomic batch,
//!                    then one flush + fsync for the whole group, then answers
//!                 -> render thank-you page with the withdrawal code
//! web::App::finish  the security headers, on every response
//! ```
//!
//! The console runs in the same process on its own listener: `web::handle`
//! sends every request that arrives there to `admin::handle` (sign-in,
//! session cookie, CSRF check) and every action to `store::Store::moderate`,
//! which goes through the same writer and lands in the audit list. The
//! public listener has no route into it.
//!
//! A listener yields byte streams (`web::connection` is generic over them),
//! so an onion service hosted in-process can hand its streams to the same
//! code; pages, exports and mirrors share one public data model.
//!
//! Nothing here logs a request; the only output is the start-up line and
//! operator-facing errors.

/// An error that is a sentence for a person: `Display` prints it as it is.
#[macro_export]
#[doc(hidden)]
macro_rules! message_error {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(pub String);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::error::Error for $name {}
    };
}

pub mod admin;
pub mod config;
pub mod domain;
pub mod letter;
pub mod limits;
pub mod messages;
pub mod proxy_protocol;
pub mod render;
pub mod store;
pub mod tokens;
pub mod web;

use config::Config;
use letter::Content;
use std::sync::Arc;
use store::Store;

message_error!(
    /// A failure an operator must act on, printed once to stderr.
    Error
);

fn err(e: impl std::fmt::Display) -> Error {
    Error(e.to_string())
}

/// The letter and lists the configuration points at, or the embedded default.
pub fn load_content(config: &Config) -> Result<Content, Error> {
    let lists: Vec<_> = config.import.iter().map(|(k, p)| (*k, p.as_path())).collect();
    Content::load(config.letter.as_deref(), &lists).map_err(err)
}

fn open_store(config: &Config) -> Result<Store, Error> {
    let options = store::Options {
        retention_days: config.retention_days,
        cache_bytes: config.store_cache_mb << 20,
        notice: |m| eprintln!("undersign: {m}"),
    };
    Store::open(&config.data_dir.join("store"), options).map_err(|e| match e {
        store::StoreError::InUse => Error(format!(
            "the store in {} is in use: undersign is running on it. While it runs, moderate in the console (--admin-listen); stop it to use this command",
            config.data_dir.display()
        )),
        e => Error(format!("cannot open the store in {}: {e}", config.data_dir.display())),
    })
}

/// Serves the letter until SIGTERM or SIGINT, then finishes in-flight
/// requests and returns.
pub async fn serve(config: Config) -> Result<(), Error> {
    let content = load_content(&config)?;
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| Error(format!("cannot create {}: {e}", config.data_dir.display())))?;
    restrict_permissions(&config.data_dir);
    let secret = tokens::Secret::load_or_create(&config.data_dir).map_err(err)?;
    let store = open_store(&config)?;
    let mut lists = Vec::new();
    for (kind, names) in &content.signatories {
        let names = names
            .iter()
            .map(|raw| domain::SignatoryName::parse(raw).map_err(|e| Error(format!("import: `{raw}`: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        lists.push((*kind, names));
    }
    store.import_once(&lists).await.map_err(err)?;
    let listener = web::Listener::bind(&config.listen)
        .await
        .map_err(|e| Error(format!("cannot listen on {}: {e}", config.listen)))?;
    let admin_listener = match &config.admin_listen {
        None => None,
        Some(addr) => Some(
            web::Listener::bind(addr)
                .await
                .map_err(|e| Error(format!("cannot listen on {addr} for the console: {e}")))?,
        ),
    };
    let renderer = render::Renderer::new(content.letter, config.page_group_limit, config.list_page_size);
    let app = Arc::new(web::App::new(config, store, secret, renderer));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stop = shutdown_signals().map_err(|e| Error(format!("cannot handle signals: {e}")))?;
    println!(
        "undersign: serving “{}” on {}{}{}, data in {}",
        app.renderer.title(),
        listener.describe(),
        if app.config.proxy_protocol { " (PROXY protocol)" } else { "" },
        admin_listener.as_ref().map(|l| format!(", console on {}", l.describe())).unwrap_or_default(),
        app.config.data_dir.display()
    );
    tokio::spawn(async move {
        stop.await;
        let _ = stop_tx.send(true);
    });
    let console = admin_listener
        .map(|l| tokio::spawn(web::serve(Arc::clone(&app), l, web::Surface::Admin, stop_rx.clone())));
    web::serve(app, listener, web::Surface::Public, stop_rx).await;
    if let Some(console) = console {
        let _ = console.await;
    }
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
pub fn review(config: &Config, ids: &[u64], reject: Option<store::RejectReason>) -> Result<Vec<u64>, Error> {
    let store = open_store(config)?;
    let missing: Vec<u64> = ids
        .iter()
        .copied()
        .filter(|id| store.record(*id).is_none_or(|r| r.status != store::Status::Pending))
        .collect();
    let action = match reject {
        None => store::Action::Approve(ids.to_vec()),
        Some(reason) => store::Action::Reject(ids.to_vec(), reason),
    };
    store.moderate_blocking("command line", action).map_err(err)?;
    Ok(missing)
}

/// `undersign export`: the full backup, pending signatures included, as JSON.
pub fn export(config: &Config) -> Result<String, Error> {
    let backup = open_store(config)?.backup();
    serde_json::to_string_pretty(&backup).map_err(err)
}

/// `undersign import FILE`: restores a backup into an empty data dir.
pub fn import_backup(config: &Config, json: &str) -> Result<usize, Error> {
    let backup: store::Backup =
        serde_json::from_str(json).map_err(|e| Error(format!("not an undersign backup: {e}")))?;
    open_store(config)?.restore_blocking(backup).map_err(err)
}

/// `undersign import --kind KIND FILE`: publishes a plain list of names,
/// one per line, as organisers migrating an existing letter need. Names
/// already here are skipped; a name that does not parse stops the import
/// before anything is written.
pub fn import_names(config: &Config, kind: domain::Kind, text: &str) -> Result<usize, Error> {
    let names = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| domain::SignatoryName::parse(l).map_err(|e| Error(format!("line {}: {e}", i + 1))))
        .collect::<Result<Vec<_>, _>>()?;
    let store = open_store(config)?;
    store.moderate_blocking("command line", store::Action::ImportNames(kind, names)).map_err(err)
}
