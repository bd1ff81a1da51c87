//! Mirror mode: the public pages, read only, from the newest snapshot that
//! verified against the origin's key, instead of from the store. A poller
//! ([`poll`]) fetches the origin's snapshot every interval (with jitter);
//! [`trust`] judges it against what was adopted before (rollback,
//! equivocation, another letter, expiry, size); an adopted snapshot is
//! streamed into an on-disk index ([`view::SnapshotView`], a
//! [`crate::view::PublicView`]) and its exports written beside it, all in
//! `DATA/mirror/snapshots/N/`, built under a temporary name and renamed in.
//! The router ([`Mirror`]) serves the letter, the lists, search, the
//! exports and the snapshot itself (so a mirror can pull from a mirror)
//! through the shared read handlers ([`crate::public`]), from the pages it
//! renders whenever the snapshot or its status changes ([`pages`]), with a
//! banner on every page, in every shipped language under the site's
//! prefixes ([`crate::public::languages`]); it has no sign form, no
//! `/sign`, no withdrawal and no console.
//!
//! A replica ([`crate::replica`]) is a mirror with [`Forms`]: its pages
//! carry no banner, its letter page the sign form with a fresh token, its
//! privacy page the site's, since what it takes goes to the origin.
//!
//! The only output is operator-facing: the start-up line, each snapshot
//! adopted, and each refusal once (not once per poll).

mod adopted;
mod pages;
pub mod poll;
mod sanitize;
pub mod trust;
pub mod view;

use crate::config::Config;
use crate::domain::{Day, Kind, Phase};
use crate::http::{self, Methods, Miss, Reply, Router};
use crate::letter::Letter;
use crate::limits::CircuitGuard;
use crate::messages::{Catalogue, MessageId, Text};
use crate::public::languages::{self, Lang, PerLang, UNPREFIXED};
use crate::public::{Page, ReadRefusal, Reads};
use crate::render::mirror::Banner;
use crate::render::{LetterView, Renderer};
use crate::snapshot;
use crate::tokens::Secret;
use crate::view::{PublicView, ScanError};
pub(crate) use adopted::write_exports;
use adopted::{open_current, remove_others, trusted_comment, Current, EVIDENCE, SNAPSHOTS, SNAPSHOT_FILE};
use hyper::body::Incoming;
use hyper::{Method, Request};
use pages::{refuse, MirrorRefusal, Pages, Serving};
use poll::{Client, Fetched, Origin};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use trust::{Judgement, SnapshotRefusal};

/// The mirror's directory in the data dir.
pub const DIR: &str = "mirror";
/// Default bound on a snapshot's size.
pub const DEFAULT_MAX_BYTES: u64 = 256 << 20;

/// How to run a mirror, from the command line.
#[derive(Clone, Debug)]
pub struct Options {
    /// Whose snapshots.
    pub origin: Origin,
    /// The origin's public key (as `undersign key` prints it, or a file).
    pub key: String,
    /// Time between polls, before jitter.
    pub interval: Duration,
    /// A larger snapshot is refused.
    pub max_bytes: u64,
    /// A replica's forms; `None` for a mirror, which has none.
    pub forms: Option<Forms>,
}

/// What a replica's pages add to a mirror's: the sign form, with tokens
/// of the origin's secret, and the site's privacy page.
#[derive(Clone, Debug)]
pub struct Forms {
    /// The origin's secret, whose tokens the origin accepts.
    pub secret: Arc<Secret>,
    /// Kinds held for review, as the privacy page says.
    pub review_kinds: Vec<Kind>,
}

/// Why a mirror cannot start.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    /// The key given is not a minisign public key.
    #[error("--key: {0}")]
    Key(#[source] snapshot::VerifyError),
    /// The origin cannot be polled by this build.
    #[error("{0}")]
    Origin(String),
    /// The trust state is of another key than the one given.
    #[error(
        "this mirror trusts key {trusted}, not the key given ({given}); if the origin really changed its key, remove {} to trust the new one from its next snapshot",
        path.display()
    )]
    OtherKey {
        /// The trusted key's id.
        trusted: String,
        /// The given key's id.
        given: String,
        /// The trust state's file.
        path: PathBuf,
    },
    /// The trust state could not be read.
    #[error(transparent)]
    Trust(#[from] trust::TrustError),
    /// The mirror's directory could not be made.
    #[error("cannot create {}: {}", .0.display(), .1)]
    Dir(PathBuf, #[source] io::Error),
}

/// The mirror's router and its state.
pub struct Mirror {
    dir: PathBuf,
    origin: Origin,
    key: minisign::PublicKey,
    key_id: String,
    group_limit: usize,
    page_size: usize,
    reads: Reads,
    pages: Mutex<Arc<Pages>>,
    /// The last refusal, told once; cleared when a poll succeeds.
    status: Mutex<Option<SnapshotRefusal>>,
    /// A replica's forms.
    forms: Option<Forms>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Router for Mirror {
    async fn route(self: Arc<Self>, req: Request<Incoming>, _: Option<Arc<CircuitGuard>>) -> Reply {
        let is_get = req.method() == Method::GET || req.method() == Method::HEAD;
        let pages = self.pages();
        let (at, path) = match languages::split(req.uri().path()) {
            Some(found) => found,
            None if is_get => return languages::add_slash(req.uri().path()),
            None => {
                return refuse(&pages, UNPREFIXED, MirrorRefusal::Read(ReadRefusal::Miss(Miss::NotFound)))
            }
        };
        let page = match http::resolve(req.method(), Page::parse(at, path).map(|p| (p, Methods::Get))) {
            Ok((page, _)) => page,
            Err(miss) => return refuse(&pages, at, MirrorRefusal::Read(ReadRefusal::Miss(miss))),
        };
        let Some(current) = pages.current.clone() else {
            let refusal = match lock(&self.status).as_ref() {
                Some(r) => {
                    MirrorRefusal::NothingVerified(r.for_visitors_without_copy(&self.origin.to_string()))
                }
                None => MirrorRefusal::NotReady,
            };
            return refuse(&pages, at, refusal);
        };
        let secret = self.forms.as_ref().map(|f| f.secret.as_ref());
        self.reads.answer(&Serving { pages: &pages, current, secret }, at, page, &req).await
    }

    fn refuse_request(&self, error: http::RequestError) -> Reply {
        refuse(&self.pages(), UNPREFIXED, MirrorRefusal::Read(ReadRefusal::Request(error)))
    }
}

impl Mirror {
    fn pages(&self) -> Arc<Pages> {
        Arc::clone(&lock(&self.pages))
    }

    /// For a replica's own pages: the renderer of language `at`, and the
    /// phase of the snapshot served (`None` before the first).
    pub(crate) fn with_renderer<R>(&self, at: Lang, f: impl FnOnce(&Renderer, Option<Phase>) -> R) -> R {
        let pages = self.pages();
        f(&pages.renderers[at], pages.current.as_ref().map(|c| c.view.phase()))
    }

    /// Renders the pages again for `current` and the status as they are now.
    fn refresh(&self, current: Option<Arc<Current>>) {
        let status = lock(&self.status).as_ref().map(SnapshotRefusal::for_visitors);
        let pages = match &current {
            None => {
                let letter = Letter {
                    title: Catalogue::ENGLISH
                        .tf(Text::MirrorTitle, &[("origin", self.origin.to_string().into())])
                        .into_owned(),
                    text_html: String::new(),
                    principles_html: Vec::new(),
                    closing_html: String::new(),
                    sign_up_html: String::new(),
                    disclaimer_html: String::new(),
                };
                let renderer = Renderer::new(letter, Catalogue::ENGLISH, self.group_limit, self.page_size);
                Pages {
                    current: None,
                    renderers: languages::renderers(&renderer),
                    letter_pages: PerLang::default(),
                    privacy: PerLang::default(),
                    public_key: self.key.to_base64(),
                }
            }
            Some(c) => {
                let letter = c.view.head().letter.clone();
                let copies: Vec<(Renderer, Banner)> = languages::renderers(
                    &Renderer::new(letter, Catalogue::ENGLISH, self.group_limit, self.page_size)
                        .with_amendments(c.view.head().amendments()),
                )
                .into_iter()
                .map(|r| {
                    // The origin's pages in the same language.
                    let banner = Banner {
                        origin: self.origin.to_string(),
                        sign_url: self.origin.url(&format!("{}/#sign", r.prefix())),
                        withdraw_url: self.origin.url(&format!("{}/withdraw", r.prefix())),
                        day: c.comment.day,
                        seq: c.comment.seq,
                        expires: c.comment.expires,
                        stale: Day::today() >= c.comment.expires,
                        status: status.clone(),
                    };
                    match &self.forms {
                        // A replica stands for the origin: no banner.
                        Some(_) => (r, banner),
                        None => (r.mirrored(banner.clone()), banner),
                    }
                })
                .collect();
                let key = self.key.to_base64();
                let privacy = copies
                    .iter()
                    .map(|(r, banner)| match &self.forms {
                        Some(forms) => r.privacy(&forms.review_kinds, &key).into(),
                        None => r.mirror_privacy(banner, &key).into(),
                    })
                    .collect();
                let renderers: PerLang<Renderer> = copies.into_iter().map(|(r, _)| r).collect();
                let view = c.view.as_ref();
                let groups = Kind::ALL
                    .into_iter()
                    .filter(|k| view.counts().listed(*k) > 0)
                    .map(|k| Ok((k, view.published(k, 0, self.group_limit)?)))
                    .collect::<Result<Vec<_>, ScanError>>();
                if let Err(e) = &groups {
                    eprintln!("undersign: mirror: {e}");
                }
                let letter_pages = renderers
                    .iter()
                    .map(|r| match &groups {
                        Ok(groups) => r
                            .letter_page(&LetterView {
                                counts: view.counts(),
                                phase: view.phase(),
                                groups: groups.clone(),
                            })
                            .into(),
                        Err(_) => {
                            let w = r.words();
                            r.error(&w.get(MessageId::ScanFailedHeading), &w.get(MessageId::ScanFailed))
                                .into()
                        }
                    })
                    .collect();
                Pages { current: current.clone(), renderers, letter_pages, privacy, public_key: key }
            }
        };
        *lock(&self.pages) = Arc::new(pages);
    }

    /// Says a refusal once (a repeat of the same is not said again), shows
    /// it on every page, or clears it.
    fn set_status(&self, refusal: Option<SnapshotRefusal>) {
        let mut status = lock(&self.status);
        // Proof of two lists under one number stays said, even when the
        // origin shows this mirror the trusted one again, until a newer
        // snapshot is adopted.
        if refusal.is_none() && matches!(*status, Some(SnapshotRefusal::Equivocation { .. })) {
            return;
        }
        let same = match (&*status, &refusal) {
            (Some(a), Some(b)) => a.to_string() == b.to_string(),
            (None, None) => true,
            _ => false,
        };
        if same {
            return;
        }
        match &refusal {
            Some(r) if self.pages().current.is_some() => {
                eprintln!("undersign: mirror: {r}; still serving the last verified snapshot (said once)")
            }
            Some(r) => eprintln!(
                "undersign: mirror: {r}; no snapshot has verified yet, so the pages say that this mirror has no copy (said once)"
            ),
            None if status.is_some() => eprintln!("undersign: mirror: the origin's snapshot verifies again"),
            None => {}
        }
        *status = refusal;
        drop(status);
        self.refresh(self.pages().current.clone());
    }

    /// One poll: fetch, judge, adopt or refuse.
    async fn poll(self: &Arc<Self>, client: &Client) {
        let current = self.pages().current.clone();
        let held = current.as_ref().map(|c| poll::Held {
            seq: c.comment.seq,
            file: Arc::clone(&c.snapshot.0),
            chunks: Arc::clone(&c.chunk_list),
        });
        let serving = current.is_some();
        let mut whole = false;
        let (done, bytes, from_chunks) = loop {
            let (json, bytes, from_chunks) = match client.fetch(held.as_ref(), whole, &self.dir).await {
                Ok(Fetched::NotModified) => return self.set_status(None),
                Ok(Fetched::New { json, bytes, from_chunks }) => (json, bytes, from_chunks),
                Err(refusal) => return self.set_status(Some(refusal)),
            };
            let mirror = Arc::clone(self);
            let done = tokio::task::spawn_blocking(move || {
                let done = mirror.consider(&json, serving);
                // Whatever was not adopted (renamed away) only takes room.
                let _ = std::fs::remove_file(snapshot::signature_path(&json));
                let _ = std::fs::remove_file(&json);
                done
            })
            .await
            .unwrap_or_else(|_| Err(SnapshotRefusal::Malformed("the check stopped part way".into())));
            // A file built from chunks that fails is fetched whole once, so
            // that a refusal is always of what the origin serves whole.
            if done.is_err() && from_chunks {
                whole = true;
                continue;
            }
            break (done, bytes, from_chunks);
        };
        match done {
            Ok(None) => self.set_status(None),
            Ok(Some(adopted)) => {
                let c = &adopted.comment;
                println!(
                    "undersign: mirror: adopted snapshot {} of {} ({} signatures, {} names listed; {bytes} bytes fetched{})",
                    c.seq,
                    c.day,
                    adopted.view.counts().total_published(),
                    Kind::ALL.iter().map(|k| adopted.view.counts().listed(*k)).sum::<u64>(),
                    if from_chunks { ", only the changed chunks" } else { "" }
                );
                *lock(&self.status) = None;
                self.refresh(Some(adopted));
            }
            Err(refusal) => self.set_status(Some(refusal)),
        }
    }

    /// Verifies and judges the fetched snapshot; adopts a newer one
    /// (`Some`), or finds it unchanged (`None`); the trusted one again is
    /// adopted when `serving` is false (its files were lost). Blocks: a
    /// scan of the file.
    fn consider(&self, json: &Path, serving: bool) -> Result<Option<Arc<Current>>, SnapshotRefusal> {
        let trusted = trust::load(&self.dir).map_err(|e| SnapshotRefusal::Malformed(e.to_string()))?;
        let verified = snapshot::verify(json, &self.key, Day::today(), trusted.as_ref().map(|t| t.letter));
        match trust::judge(verified, trusted.as_ref(), &self.key_id) {
            Ok(Judgement::Unchanged) if serving => Ok(None),
            Ok(Judgement::Unchanged) => {
                let comment = trusted_comment(json)
                    .ok_or_else(|| SnapshotRefusal::Malformed("its signature does not read".into()))?;
                adopted::adopt(&self.dir, &self.key_id, json, comment).map(Some)
            }
            Ok(Judgement::Adopt(comment)) => adopted::adopt(&self.dir, &self.key_id, json, comment).map(Some),
            Err(SnapshotRefusal::Equivocation { seq, .. }) => {
                Err(SnapshotRefusal::Equivocation { seq, evidence: self.keep_evidence(seq, json) })
            }
            Err(r) => Err(r),
        }
    }

    /// Keeps the trusted snapshot and the one that contradicts it, each
    /// with its signature: together they prove the origin signed both.
    fn keep_evidence(&self, seq: u64, offered: &Path) -> PathBuf {
        let dir = self.dir.join(EVIDENCE).join(format!("seq-{seq}"));
        let kept = (|| {
            std::fs::create_dir_all(&dir)?;
            let trusted = self.dir.join(SNAPSHOTS).join(seq.to_string()).join(SNAPSHOT_FILE);
            for (from, name) in [(trusted.as_path(), "trusted.json"), (offered, "offered.json")] {
                let to = dir.join(name);
                std::fs::copy(from, &to)?;
                std::fs::copy(snapshot::signature_path(from), snapshot::signature_path(&to))?;
            }
            io::Result::Ok(())
        })();
        if let Err(e) = kept {
            eprintln!(
                "undersign: mirror: the evidence of an equivocation could not be kept in {}: {e}",
                dir.display()
            );
        }
        dir
    }
}

fn owner_only_dir(dir: &Path) -> Result<(), MirrorError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| MirrorError::Dir(dir.to_path_buf(), e))
}

/// A mirror ready to serve, and the client that keeps it current.
pub struct Prepared {
    /// The router.
    pub mirror: Arc<Mirror>,
    client: Arc<Client>,
    interval: Duration,
}

impl Prepared {
    /// The origin, for the start-up line.
    pub fn origin(&self) -> String {
        self.mirror.origin.to_string()
    }

    /// The client of the origin, for a replica's forms.
    pub(crate) fn client(&self) -> Arc<Client> {
        Arc::clone(&self.client)
    }

    /// Whether a snapshot is being served already (kept from a previous run).
    pub fn serving(&self) -> Option<u64> {
        self.mirror.pages().current.as_ref().map(|c| c.comment.seq)
    }
}

/// Sets a mirror up in `config`'s data dir: the key, the trust state, the
/// snapshot adopted last, if any.
pub fn prepare(config: &Config, options: Options) -> Result<Prepared, MirrorError> {
    let key = snapshot::public_key(&options.key).map_err(MirrorError::Key)?;
    let key_id = snapshot::key_id(key.keynum());
    let client =
        Client::new(options.origin.clone(), options.max_bytes, config).map_err(MirrorError::Origin)?;
    let dir = config.data_dir.join(DIR);
    owner_only_dir(&dir)?;
    let trusted = trust::load(&dir).map_err(MirrorError::Trust)?;
    if let Some(t) = trusted.as_ref().filter(|t| t.key_id != key_id) {
        return Err(MirrorError::OtherKey {
            trusted: t.key_id.clone(),
            given: key_id,
            path: dir.join(trust::TRUST_FILE),
        });
    }
    let root = dir.join(SNAPSHOTS);
    owner_only_dir(&root)?;
    let current = trusted.as_ref().and_then(|t| {
        let opened = open_current(&root.join(t.seq.to_string()), t.seq);
        match opened {
            Ok(c) if c.comment.sha256 == t.sha256 => Some(Arc::new(c)),
            Ok(_) => None,
            Err(e) => {
                eprintln!(
                    "undersign: mirror: the snapshot adopted last cannot be served ({e}); fetching it again"
                );
                None
            }
        }
    });
    remove_others(&root, current.as_ref().map_or(0, |c| c.comment.seq));
    let mirror = Arc::new(Mirror {
        dir,
        origin: options.origin,
        key,
        key_id,
        group_limit: config.page_group_limit,
        page_size: config.list_page_size,
        reads: Reads::new("undersign: mirror"),
        pages: Mutex::new(Arc::new(Pages {
            current: None,
            renderers: languages::renderers(&Renderer::new(
                crate::letter::Content::embedded().letter,
                Catalogue::ENGLISH,
                1,
                1,
            )),
            letter_pages: PerLang::default(),
            privacy: PerLang::default(),
            public_key: String::new(),
        })),
        status: Mutex::new(None),
        forms: options.forms,
    });
    mirror.refresh(current);
    Ok(Prepared { mirror, client: Arc::new(client), interval: options.interval })
}

/// Polls the origin at once, then every interval (±10 %), until `stop`;
/// and renders the pages again when the day passes the snapshot's expiry.
pub async fn keep_current(prepared: Prepared, mut stop: tokio::sync::watch::Receiver<bool>) {
    let Prepared { mirror, client, interval } = prepared;
    while !*stop.borrow() {
        mirror.poll(&client).await;
        let stale =
            |m: &Mirror| m.pages().current.as_ref().is_some_and(|c| Day::today() >= c.comment.expires);
        let was_stale = stale(&mirror);
        tokio::select! {
            _ = tokio::time::sleep(jittered(interval)) => {}
            changed = stop.changed() => if changed.is_err() { break },
        }
        if stale(&mirror) != was_stale {
            mirror.refresh(mirror.pages().current.clone());
        }
    }
}

/// `interval` give or take a tenth, so that many mirrors do not poll at
/// the same moment.
fn jittered(interval: Duration) -> Duration {
    let mut b = [0u8; 2];
    let r = getrandom::fill(&mut b).map(|()| u16::from_le_bytes(b)).unwrap_or(u16::MAX / 2);
    let tenth = interval / 10;
    (interval - tenth) + tenth.mul_f64(2.0 * f64::from(r) / f64::from(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jitter_stays_within_a_tenth() {
        for _ in 0..100 {
            let d = jittered(Duration::from_secs(300));
            assert!(d >= Duration::from_secs(270) && d <= Duration::from_secs(330), "{d:?}");
        }
    }
}
