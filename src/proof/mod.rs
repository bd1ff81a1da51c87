//! Organisations and companies prove their signature from their own
//! website. A signature that gave a website gets a token (128 random bits
//! from the OS, kept in the store's `proof` row: random rather than an
//! HMAC of the id, so that a token says nothing about the signature and a
//! new `secret` leaves every published line valid); its thank-you page
//! shows the line `undersign-proof TOKEN` to publish in
//! `https://DOMAIN/.well-known/undersign.txt`.
//!
//! The checker ([`keep_checked`]) runs on its own task, never on a
//! request: every `proof_check_seconds` it fetches each proof's file
//! ([`fetch`]: HTTPS through `proof_proxy`, or through the process's own
//! arti while `serve --onion` runs; bounded in size and time, one
//! request at a time, so one per domain) and hands what it found to the
//! store (`Action::ProofChecked`), which marks the signature, takes the
//! mark off, and writes the audit list. A moderator's "Check now" asks it
//! for one signature through a [`Checks`] handle. What a check knows is
//! the domain and the token: nothing about any visitor.

pub mod fetch;

use crate::config::Config;
use crate::domain::{proof::line, ProofProblem, ProofRow};
use crate::store::{Action, ProofCheck, Store, CHECKER};
use fetch::Fetcher;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_rustls::rustls;

/// Checks asked for from the console and not yet made, at most.
const ASKED: usize = 16;
/// Proofs read from the store at a time in a round.
const PAGE: usize = 100;
/// The first round comes this soon after start (or after the interval, if
/// shorter), so that a server restarted often still checks.
const FIRST_ROUND: Duration = Duration::from_secs(60);

/// A new proof token: 128 bits from the OS's random source, in hex.
pub fn new_token() -> String {
    crate::tokens::random::<16>().iter().map(|b| format!("{b:02x}")).collect()
}

/// Why the proof checker cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// `proof_ca_file` cannot be read, or holds no certificate.
    #[error("proof_ca_file {}: {why}", path.display())]
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// rustls refused the TLS configuration.
    #[error("the TLS client for proofs: {0}")]
    Tls(#[source] rustls::Error),
}

/// The system's roots, and those of `proof_ca_file` if set.
fn roots(ca_file: Option<&PathBuf>) -> Result<rustls::RootCertStore, ProofError> {
    let mut roots = rustls::RootCertStore::empty();
    // The system's store may be partly unreadable; what reads is used.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = ca_file {
        use rustls::pki_types::{pem::PemObject, CertificateDer};
        let refused = |why: String| ProofError::CaFile { path: path.clone(), why };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| refused(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| refused(e.to_string()))?;
        if certs.is_empty() {
            return Err(refused("no certificate in it".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| refused(e.to_string()))?;
        }
    }
    Ok(roots)
}

/// The console's way to ask for a check now.
#[derive(Clone)]
pub struct Checks(mpsc::Sender<u64>);

impl Checks {
    /// Asks for the proof of signature `id` to be checked now; `false`
    /// when too many checks wait already.
    pub fn ask(&self, id: u64) -> bool {
        self.0.try_send(id).is_ok()
    }
}

/// The checker, ready to run: its fetcher and what it is asked.
pub struct Checker {
    store: Store,
    fetcher: Fetcher,
    interval: Duration,
    publish: bool,
    asked: mpsc::Receiver<u64>,
    /// The proxy refused connections at the last check that could not
    /// reach its website (said once on stderr, and once when it answers).
    proxy_down: AtomicBool,
}

impl Checker {
    /// The checker for `config`, and the handle to ask it for checks.
    pub fn new(config: &Config, store: Store) -> Result<(Checker, Checks), ProofError> {
        let roots = roots(config.proof_ca_file.as_ref())?;
        let fetcher = Fetcher::new(config.proof_proxy.clone(), roots).map_err(ProofError::Tls)?;
        let (tx, asked) = mpsc::channel(ASKED);
        let checker = Checker {
            store,
            fetcher,
            interval: config.proof_check_interval,
            publish: config.publish_proven,
            asked,
            proxy_down: AtomicBool::new(false),
        };
        Ok((checker, Checks(tx)))
    }

    /// The same checker over the process's own arti (`serve --onion`)
    /// instead of `proof_proxy`.
    #[cfg(feature = "onion")]
    pub fn through_arti(self, dialer: crate::onion::Dialer) -> Checker {
        Checker { fetcher: self.fetcher.through_arti(dialer), ..self }
    }

    /// Checks one proof and gives the store what was found; `false` once
    /// the store has stopped.
    async fn check(&self, p: &ProofRow) -> bool {
        let outcome = match self.fetcher.fetch(&p.domain).await {
            Ok(file) if fetch::holds(&file, &line(&p.token)) => Ok(()),
            Ok(_) => Err(ProofProblem::LineMissing),
            Err(problem) => Err(problem),
        };
        self.watch_proxy(&outcome).await;
        let check =
            ProofCheck { signature: p.signature, token: p.token.clone(), outcome, publish: self.publish };
        self.store.moderate(CHECKER, Action::ProofChecked(check)).await.is_ok()
    }

    /// Tells the operator once when websites are unreachable because the
    /// proxy itself refuses connections (tor not running), and once when
    /// a website is reached again.
    async fn watch_proxy(&self, outcome: &Result<(), ProofProblem>) {
        let down = match outcome {
            Err(ProofProblem::Unreachable) => self.fetcher.proxy_answers().await == Some(false),
            _ => false,
        };
        let was = self.proxy_down.swap(down, Ordering::AcqRel);
        if down && !was {
            eprintln!(
                "undersign: proofs cannot be checked: the proof proxy {} refuses connections (is tor running?); tried again at each check (said once)",
                self.fetcher.proxy()
            );
        } else if was && !down {
            eprintln!("undersign: the proof proxy {} takes connections again", self.fetcher.proxy());
        }
    }

    /// Every proof, a page at a time; `false` once the store has stopped.
    async fn round(&self) -> bool {
        let mut after = 0;
        loop {
            let Ok(page) = self.store.proofs_after(after, PAGE) else { return false };
            for p in &page {
                if !self.check(p).await {
                    return false;
                }
                after = p.signature;
            }
            if page.len() < PAGE {
                return true;
            }
        }
    }
}

impl Checker {
    /// Rounds, and checks asked for, until the store stops (`false`).
    async fn run(mut self) -> bool {
        let mut next = tokio::time::Instant::now() + self.interval.min(FIRST_ROUND);
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(next) => {
                    if !self.round().await {
                        return false;
                    }
                    next = tokio::time::Instant::now() + self.interval;
                }
                Some(id) = self.asked.recv() => {
                    if let Some(p) = self.store.proof(id) {
                        if !self.check(&p).await {
                            return false;
                        }
                    }
                }
            }
        }
    }
}

/// Checks every proof each `proof_check_seconds`, and one asked for by the
/// console at once, until `stop` turns true (a fetch under way is dropped
/// then: the next start checks again). A checker that cannot go on (the
/// store stopped) says so once on stderr and ends.
pub async fn keep_checked(checker: Checker, mut stop: watch::Receiver<bool>) {
    let working = tokio::select! {
        working = checker.run() => working,
        _ = async { while !*stop.borrow_and_update() { if stop.changed().await.is_err() { break } } } => true,
    };
    if !working {
        eprintln!("undersign: proofs of signature are no longer checked: the store has stopped (said once)");
    }
}
