//! The open data: every published, listed name with everything the public
//! pages show (the letter, its phase, the counts with how many wait for
//! review), as JSON, and the names as CSV. A page rendered from the JSON is
//! the page the origin shows.

use crate::domain::{Counts, Kind, Phase, PublicSignatory};
use crate::letter::Letter;
use serde::{Deserialize, Serialize};

/// A count per kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerKind {
    /// Organisations.
    pub organization: u64,
    /// Companies.
    pub company: u64,
    /// Individuals.
    pub individual: u64,
}

impl PerKind {
    fn of(values: [u64; 3]) -> PerKind {
        let mut p = PerKind::default();
        for kind in Kind::ALL {
            let v = values[crate::domain::record::kind_index(kind)];
            match kind {
                Kind::Organization => p.organization = v,
                Kind::Company => p.company = v,
                Kind::Individual => p.individual = v,
            }
        }
        p
    }
}

/// The counts as the JSON carries them: published per kind at the top
/// level (and their total), then the listed and pending ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCounts {
    /// Published per kind.
    #[serde(flatten)]
    pub published: PerKind,
    /// All published.
    pub total: u64,
    /// Published and shown by name, per kind.
    pub listed: PerKind,
    /// Waiting for review, per kind.
    pub pending: PerKind,
}

impl From<&Counts> for OpenCounts {
    fn from(c: &Counts) -> OpenCounts {
        OpenCounts {
            published: PerKind::of(c.published),
            total: c.total_published(),
            listed: PerKind::of(c.listed),
            pending: PerKind::of(c.pending),
        }
    }
}

/// The whole JSON document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OpenData {
    /// The letter as the page shows it.
    pub letter: Letter,
    /// Open, paused or closed.
    pub phase: Phase,
    /// The counts.
    pub counts: OpenCounts,
    /// Published, listed names, grouped by kind in page order.
    pub signatories: Vec<PublicSignatory>,
}

/// The JSON export.
pub fn json(data: &OpenData) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec_pretty(data)
}

/// A cell a spreadsheet would read as a formula gets a leading apostrophe.
fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '|' | '%') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// CSV of published, listed names.
pub fn csv(signatories: &[PublicSignatory]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["name", "kind", "affiliation", "country"])?;
    for s in signatories {
        w.write_record([
            csv_cell(&s.name).as_ref(),
            s.kind.as_str(),
            csv_cell(s.affiliation.as_deref().unwrap_or("")).as_ref(),
            csv_cell(s.country.as_deref().unwrap_or("")).as_ref(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_be_formulas() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Access Now"), "Access Now");
    }

    #[test]
    fn the_json_carries_what_the_page_shows_and_reads_back() {
        let counts = Counts { published: [2, 1, 5], listed: [2, 1, 4], pending: [3, 0, 1] };
        let data = OpenData {
            letter: crate::letter::Content::embedded().letter,
            phase: Phase::Paused,
            counts: OpenCounts::from(&counts),
            signatories: Vec::new(),
        };
        let value: serde_json::Value = serde_json::from_slice(&json(&data).unwrap()).unwrap();
        assert_eq!(value["counts"]["organization"], 2);
        assert_eq!(value["counts"]["total"], 8);
        assert_eq!(value["counts"]["listed"]["individual"], 4);
        assert_eq!(value["counts"]["pending"]["organization"], 3);
        assert_eq!(value["phase"]["phase"], "paused");
        assert_eq!(value["letter"]["title"], data.letter.title.as_str());
        let back: OpenData = serde_json::from_value(value).unwrap();
        assert_eq!(back.counts, data.counts);
    }
}
