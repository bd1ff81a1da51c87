//! The public view: everything the public pages and the exports show, read
//! only. The letter's phase, its counts (with how many wait for review),
//! the published, listed names in page order, search over them, and a
//! generation number that changes whenever any of that does, for the page
//! cache. The store implements it; a verified snapshot will, for mirrors.
//! Pages render from it and from nothing else.

use crate::domain::{Counts, Kind, Phase, PublicSignatory};

/// A scan over every published name failed; the page cannot be answered
/// with a partial or empty list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// The data could not be read (the store's words, for the operator).
    #[error("a scan of the published names failed: {0}")]
    Unreadable(String),
    /// The scan's worker stopped before it finished.
    #[error("a scan of the published names stopped part way")]
    Interrupted,
}

/// The read-only public data of one letter.
pub trait PublicView: Send + Sync + 'static {
    /// Changes whenever anything below does.
    fn generation(&self) -> u64;
    /// Open, paused or closed.
    fn phase(&self) -> Phase;
    /// Published, listed and pending, per kind.
    fn counts(&self) -> Counts;
    /// Published, listed signatories of a kind in page order.
    fn published(&self, kind: Kind, skip: usize, limit: usize) -> Result<Vec<PublicSignatory>, ScanError>;
    /// Every published, listed signatory, grouped by kind in page order.
    fn each_published(&self, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError>;
    /// The phase and counts, given to `head`, then every name as
    /// [`PublicView::each_published`] gives them, all read at one moment,
    /// so that the counts agree with the names (a signed snapshot must).
    /// This default reads them one after the other; the store overrides it.
    fn each_published_with_counts(
        &self,
        head: &mut dyn FnMut(Phase, Counts),
        visit: &mut dyn FnMut(PublicSignatory),
    ) -> Result<(), ScanError> {
        head(self.phase(), self.counts());
        self.each_published(visit)
    }
    /// Published, listed signatories whose folded name contains the folded
    /// query, in page order, at most `limit`.
    fn search(&self, folded_query: &str, limit: usize) -> Result<Vec<PublicSignatory>, ScanError>;
}
