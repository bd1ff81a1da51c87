//! The store as the public sees it: [`PublicView`] over the listed names
//! and their search index.

use super::Store;
use crate::domain::{Counts, Kind, Phase, PublicSignatory};
use crate::view::{Numbers, PublicView, ScanError, Tally};

impl PublicView for Store {
    fn generation(&self) -> u64 {
        Store::generation(self)
    }

    fn phase(&self) -> Phase {
        Store::phase(self)
    }

    fn counts(&self) -> Counts {
        Store::counts(self)
    }

    fn published(&self, kind: Kind, skip: usize, limit: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Store::published(self, kind, skip, limit).map_err(|e| ScanError::Unreadable(e.to_string()))
    }

    fn each_published(&self, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        Store::each_published(self, visit).map_err(|e| ScanError::Unreadable(e.to_string()))
    }

    fn each_published_with_counts(
        &self,
        head: &mut dyn FnMut(Phase, Counts),
        visit: &mut dyn FnMut(PublicSignatory),
    ) -> Result<(), ScanError> {
        Store::each_published_with_counts(self, head, visit).map_err(|e| ScanError::Unreadable(e.to_string()))
    }

    fn search(&self, folded_query: &str, limit: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Store::search(self, folded_query, limit).map_err(|e| ScanError::Unreadable(e.to_string()))
    }

    /// Walks the listed names with their records, which keep the day.
    fn numbers(&self) -> Result<Numbers, ScanError> {
        let mut tally = Tally::default();
        self.inner
            .read(|c| {
                super::schema::snapshot(c, || {
                    super::read::walk(c, i64::MIN, &mut |r| {
                        if r.status == crate::domain::Status::Published {
                            tally.add(Some(r.day), r.country.as_ref().map(|c| c.as_str()));
                        }
                        true
                    })
                })
            })
            .map_err(|e| ScanError::Unreadable(e.to_string()))?;
        Ok(tally.finish())
    }
}
