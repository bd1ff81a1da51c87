//! What the mirror's router serves from: the pages in every language
//! ([`Pages`], rendered anew when a snapshot is adopted or the banner
//! changes), what one request is served from (those pages and the adopted
//! snapshot, as a [`Source`] for the shared read handlers), and the
//! mirror's refusals, each made a page in one place ([`refuse`]). Holds no
//! state: the router swaps whole [`Pages`] in.

use super::adopted::Current;
use crate::http::{self, Reply};
use crate::messages::MessageId;
use crate::public::languages::{Lang, PerLang};
use crate::public::{ChunkList, ExportSent, Format, ReadRefusal, SnapshotFiles, Source};
use crate::render::{Renderer, TOKEN_MARK};
use crate::tokens::Secret;
use crate::view::PublicView;
use bytes::Bytes;
use hyper::StatusCode;
use std::path::PathBuf;
use std::sync::Arc;

/// A refusal of the mirror's router.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum MirrorRefusal {
    /// One every read page has.
    Read(ReadRefusal),
    /// No snapshot verified yet.
    NotReady,
    /// No snapshot verified, and the origin's was refused: why, in words
    /// for visitors that promise no quick fix.
    NothingVerified(crate::messages::Message),
}

impl MirrorRefusal {
    fn answer(&self) -> http::Answer {
        match self {
            MirrorRefusal::Read(r) => r.answer(),
            MirrorRefusal::NotReady => http::Answer::new(
                StatusCode::SERVICE_UNAVAILABLE,
                MessageId::MirrorNotReadyHeading,
                MessageId::MirrorNotReady,
            )
            .retry_after(60),
            MirrorRefusal::NothingVerified(why) => http::Answer::new(
                StatusCode::SERVICE_UNAVAILABLE,
                MessageId::MirrorNotReadyHeading,
                why.clone(),
            ),
        }
    }
}

/// What the router serves now: rendered when a snapshot is adopted or the
/// banner changes, in every language (indexed as
/// [`languages::split`](crate::public::languages::split) indexes paths).
pub(super) struct Pages {
    pub(super) current: Option<Arc<Current>>,
    pub(super) renderers: PerLang<Renderer>,
    pub(super) letter_pages: PerLang<LetterBytes>,
    pub(super) privacy: PerLang<Bytes>,
    /// The origin's key, as `minisign -P` takes it.
    pub(super) public_key: String,
}

/// A letter page, split where a replica's form token goes (a mirror's has
/// no form: no `tail`).
pub(super) struct LetterBytes {
    head: Bytes,
    tail: Option<Bytes>,
}

impl From<String> for LetterBytes {
    fn from(page: String) -> LetterBytes {
        match page.split_once(TOKEN_MARK) {
            Some((head, tail)) => {
                LetterBytes { head: Bytes::from(head.to_owned()), tail: Some(Bytes::from(tail.to_owned())) }
            }
            None => LetterBytes { head: Bytes::from(page), tail: None },
        }
    }
}

/// The one place a mirror's refusal becomes a page, in the language `at`.
pub(super) fn refuse(pages: &Pages, at: Lang, refusal: MirrorRefusal) -> Reply {
    crate::public::refused(&pages.renderers[at], &refusal.answer())
}

/// What one request is served from: the pages and the snapshot adopted
/// when it came.
pub(super) struct Serving<'a> {
    pub(super) pages: &'a Pages,
    pub(super) current: Arc<Current>,
    /// A replica's: each letter page gets a fresh token.
    pub(super) secret: Option<&'a Secret>,
}

impl Source for Serving<'_> {
    fn view(&self) -> Arc<dyn PublicView> {
        Arc::clone(&self.current.view) as Arc<dyn PublicView>
    }

    fn renderer(&self, at: Lang) -> &Renderer {
        &self.pages.renderers[at]
    }

    fn letter(&self, at: Lang) -> Reply {
        let page = &self.pages.letter_pages[at];
        match (&page.tail, self.secret) {
            (Some(tail), Some(secret)) => http::respond_pieces(
                StatusCode::OK,
                http::HTML,
                http::NO_STORE,
                http::pieces(page.head.clone(), Bytes::from(secret.issue_token()), tail.clone()),
            ),
            _ => http::respond(StatusCode::OK, http::HTML, "max-age=60", page.head.clone()),
        }
    }

    fn privacy(&self, at: Lang) -> Bytes {
        self.pages.privacy[at].clone()
    }

    /// Written when the snapshot was adopted.
    async fn export(&self, format: Format) -> Result<Arc<ExportSent>, Reply> {
        Ok(Arc::clone(match format {
            Format::Json => &self.current.json,
            Format::Csv => &self.current.csv,
        }))
    }

    /// What the origin serves, so that another mirror can pull from this one.
    fn snapshot(&self) -> Option<SnapshotFiles> {
        let (file, len) = &self.current.snapshot;
        Some(SnapshotFiles {
            seq: self.current.comment.seq,
            file: Arc::clone(file),
            len: *len,
            signature: self.current.signature.clone(),
            chunks: ChunkList::Made(self.current.chunks.clone()),
            badge: Some(self.current.badge.clone()),
        })
    }

    fn public_key(&self) -> String {
        self.pages.public_key.clone()
    }

    /// The adopted snapshot's own directory.
    fn scratch(&self) -> PathBuf {
        self.current.dir.clone()
    }
}
