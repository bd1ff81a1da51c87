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
//! | [`signatory`] | domain types parsed at the edge: [`signatory::SignatoryName`], [`signatory::Kind`], …; folding and sort keys |
//! | [`tokens`] | the server secret: form tokens (HMAC) and withdrawal codes |
//! | [`limits`] | in-memory signing throttles: site-wide and per Tor circuit |
//! | [`proxy_protocol`] | the PROXY v1 line tor sends with each stream, carrying the circuit id |
//! | [`store`] | sled and every invariant over the data; the group-commit writer |
//! | [`render`] | every HTML page, the inline stylesheet and its CSP hash, the page cache, the exports |
//! | [`web`] | listeners, connections, routing, limits, headers, error pages |
//!
//! # One request, start to end
//!
//! ```text
//! web::serve      accept (TCP or Unix socket), a connection slot, then
//! web::connection [PROXY line -> circuit id, in memory only] -> hyper HTTP/1.1
//! web::handle     route by method and path
//!   GET /         render::PageCache (bytes per data generation) + tokens::Secret::issue_token
//!   POST /sign    body (16 KiB, timed) -> honeypot -> tokens (HMAC, age)
//!                 -> signatory::*::parse -> limits (circuit, site)
//!                 -> store::Store::sign: writer thread applies an atomic batch,
//!                    then one flush + fsync for the whole group, then answers
//!                 -> render thank-you page with the withdrawal code
//! web::App::finish  the security headers, on every response
//! ```
//!
//! Nothing here logs a request; the only output is the start-up line and
//! operator-facing errors.

pub mod config;
pub mod letter;
pub mod limits;
#[path = "proxy_stub.rs"]
pub mod proxy_protocol;
pub mod render;
pub mod signatory;
pub mod store;
pub mod tokens;
pub mod web;

use config::Config;
use letter::Content;
use std::sync::Arc;
use store::Store;

/// A failure an operator must act on, printed once to stderr.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn err(e: impl std::fmt::Display) -> Error {
    Error(e.to_string())
}

/// The letter and lists the configuration points at, or the embedded default.
pub fn load_content(config: &Config) -> Result<Content, Error> {
    let lists: Vec<_> = config
        .import
        .iter()
        .map(|(k, p)| (*k, p.as_path()))
        .collect();
    Content::load(config.letter.as_deref(), &lists).map_err(err)
}

fn open_store(config: &Config) -> Result<Store, Error> {
    Store::open(&config.data_dir.join("store")).map_err(|e| {
        Error(format!(
            "cannot open the store in {}: {e} (is another undersign running on this data dir?)",
            config.data_dir.display()
        ))
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
    store.import_once(&content.signatories).map_err(err)?;
    let listener = web::Listener::bind(&config.listen)
        .await
        .map_err(|e| Error(format!("cannot listen on {}: {e}", config.listen)))?;
    let renderer = render::Renderer::new(
        content.letter,
        config.page_group_limit,
        config.list_page_size,
    );
    println!(
        "undersign: serving “{}” on {}{}, data in {}",
        renderer.title(),
        listener.describe(),
        if config.proxy_protocol {
            " (PROXY protocol)"
        } else {
            ""
        },
        config.data_dir.display()
    );
    let app = Arc::new(web::App::new(config, store, secret, renderer));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        let _ = stop_tx.send(true);
    });
    web::serve(app, listener, stop_rx).await;
    Ok(())
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        }
        // Without signal handlers the default action (exit) still applies.
        _ => std::future::pending().await,
    }
}

/// The data dir holds the secret and the signatures: owner only.
fn restrict_permissions(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}

/// `undersign pending`: lists signatures waiting for review.
pub fn list_pending(config: &Config) -> Result<Vec<store::Record>, Error> {
    Ok(open_store(config)?.pending())
}

/// `undersign approve ID…`: publishes pending signatures. Returns the ids
/// that were not pending.
pub fn approve(config: &Config, ids: &[u64]) -> Result<Vec<u64>, Error> {
    let store = open_store(config)?;
    let mut missing = Vec::new();
    for &id in ids {
        if !store.approve(id).map_err(err)? {
            missing.push(id);
        }
    }
    Ok(missing)
}
