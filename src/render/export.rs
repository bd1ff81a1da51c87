//! The open data: every published, listed name with everything the public
//! pages show (the letter, its phase, the counts with how many wait for
//! review), as JSON, and the names as CSV. A page rendered from the JSON is
//! the page the origin shows.
//!
//! Both are written incrementally into any [`Write`], one signatory at a
//! time ([`JsonWriter`], [`CsvWriter`]): at a million names the whole
//! document would not fit the memory the server is allowed.

use crate::domain::{record::kind_index, Counts, Kind, Phase, PublicSignatory};
use crate::letter::Letter;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

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

impl OpenCounts {
    /// The counts it states, as the pages take them.
    pub fn counts(&self) -> Counts {
        let per_kind = |p: &PerKind| {
            let mut out = [0; 3];
            out[kind_index(Kind::Organization)] = p.organization;
            out[kind_index(Kind::Company)] = p.company;
            out[kind_index(Kind::Individual)] = p.individual;
            out
        };
        Counts {
            published: per_kind(&self.published),
            listed: per_kind(&self.listed),
            pending: per_kind(&self.pending),
        }
    }
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
    /// Its version, once it was amended (`undersign letter amend`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_version: Option<u32>,
    /// Open, paused or closed.
    pub phase: Phase,
    /// The counts.
    pub counts: OpenCounts,
    /// Published, listed names, grouped by kind in page order.
    pub signatories: Vec<PublicSignatory>,
}

/// Writes the JSON export one signatory at a time: the head as
/// `serde_json::to_vec_pretty` lays it out, then each name on a line of its
/// own, without spaces. One line a name keeps a file of a million names
/// about 40 % smaller than a pretty-printed list (a large share of what a
/// data dir keeps a signature, and of a download over Tor), and still reads
/// line by line (`grep`, `diff`, and a snapshot's chunks, cut after lines).
pub struct JsonWriter<W: Write> {
    out: W,
    /// No signatory written yet: the list closes as `[]`.
    empty: bool,
}

/// Where the names go in the pretty document: two levels in.
const ITEM_INDENT: &[u8] = b"    ";

impl<W: Write> JsonWriter<W> {
    /// Writes everything up to the list of names: `head`'s letter, phase
    /// and counts (its own `signatories` must be empty).
    pub fn start(out: W, head: &OpenData) -> io::Result<JsonWriter<W>> {
        JsonWriter::start_document(out, head)
    }

    /// The same for any document whose last field is an empty list, where
    /// the names go (a signed snapshot's).
    pub fn start_document(mut out: W, head: &impl Serialize) -> io::Result<JsonWriter<W>> {
        // The head is small: render it whole, and cut it where the list's
        // closing bracket would be, so its layout is serde's, not ours.
        // Only an empty list as the last field ends in `[]` then `}`.
        let whole = serde_json::to_vec_pretty(head)?;
        let open = whole
            .strip_suffix(b"]\n}")
            .filter(|h| h.ends_with(b"["))
            .ok_or_else(|| io::Error::other("the export's head does not end in an empty list"))?;
        out.write_all(open)?;
        Ok(JsonWriter { out, empty: true })
    }

    /// The next signatory of the list, on a line of its own. JSON text
    /// holds no raw newline inside a string, so a name is one line whatever
    /// it holds.
    pub fn signatory(&mut self, s: &PublicSignatory) -> io::Result<()> {
        if !self.empty {
            self.out.write_all(b",")?;
        }
        self.empty = false;
        self.out.write_all(b"\n")?;
        self.out.write_all(ITEM_INDENT)?;
        serde_json::to_writer(&mut self.out, s)?;
        Ok(())
    }

    /// Closes the list and the document; the writer, unflushed.
    pub fn finish(mut self) -> io::Result<W> {
        let tail: &[u8] = if self.empty { b"]\n}" } else { b"\n  ]\n}" };
        self.out.write_all(tail)?;
        Ok(self.out)
    }
}

/// A cell a spreadsheet would read as a formula gets a leading apostrophe.
fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '|' | '%') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Writes the CSV of published, listed names one row at a time.
pub struct CsvWriter<W: Write>(csv::Writer<W>);

impl<W: Write> CsvWriter<W> {
    /// Writes the header row.
    pub fn start(out: W) -> io::Result<CsvWriter<W>> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["name", "kind", "affiliation", "country", "proven_by"])?;
        Ok(CsvWriter(w))
    }

    /// The next signatory's row.
    pub fn signatory(&mut self, s: &PublicSignatory) -> io::Result<()> {
        self.0.write_record([
            csv_cell(&s.name).as_ref(),
            s.kind.as_str(),
            csv_cell(s.affiliation.as_deref().unwrap_or("")).as_ref(),
            csv_cell(s.country.as_deref().unwrap_or("")).as_ref(),
            s.proof.as_ref().map_or("", |p| p.domain.as_str()),
        ])?;
        Ok(())
    }

    /// Writes out what the CSV writer holds; the writer, unflushed.
    pub fn finish(self) -> io::Result<W> {
        self.0.into_inner().map_err(|e| e.into_error())
    }
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
            letter_version: None,
            phase: Phase::Paused,
            counts: OpenCounts::from(&counts),
            signatories: Vec::new(),
        };
        let value: serde_json::Value = serde_json::from_slice(&streamed(&data).0).unwrap();
        assert_eq!(value["counts"]["organization"], 2);
        assert_eq!(value["counts"]["total"], 8);
        assert_eq!(value["counts"]["listed"]["individual"], 4);
        assert_eq!(value["counts"]["pending"]["organization"], 3);
        assert_eq!(value["phase"]["phase"], "paused");
        assert_eq!(value["letter"]["title"], data.letter.title.as_str());
        let back: OpenData = serde_json::from_value(value).unwrap();
        assert_eq!(back.counts, data.counts);
    }

    /// The exports as they were built before they streamed: the whole
    /// document at once, then each name put back on one line.
    fn whole(data: &OpenData) -> (Vec<u8>, Vec<u8>) {
        let mut json =
            serde_json::to_vec_pretty(&OpenData { signatories: Vec::new(), ..data.clone() }).unwrap();
        if !data.signatories.is_empty() {
            json.truncate(json.len() - b"]\n}".len());
            let lines: Vec<String> = data
                .signatories
                .iter()
                .map(|s| format!("\n    {}", serde_json::to_string(s).unwrap()))
                .collect();
            json.extend_from_slice(format!("{}\n  ]\n}}", lines.join(",")).as_bytes());
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["name", "kind", "affiliation", "country", "proven_by"]).unwrap();
        for s in &data.signatories {
            w.write_record([
                csv_cell(&s.name).as_ref(),
                s.kind.as_str(),
                csv_cell(s.affiliation.as_deref().unwrap_or("")).as_ref(),
                csv_cell(s.country.as_deref().unwrap_or("")).as_ref(),
                s.proof.as_ref().map_or("", |p| p.domain.as_str()),
            ])
            .unwrap();
        }
        (json, w.into_inner().unwrap())
    }

    fn streamed(data: &OpenData) -> (Vec<u8>, Vec<u8>) {
        let head = OpenData { signatories: Vec::new(), ..data.clone() };
        let mut json = JsonWriter::start(Vec::new(), &head).unwrap();
        let mut csv = CsvWriter::start(Vec::new()).unwrap();
        for s in &data.signatories {
            json.signatory(s).unwrap();
            csv.signatory(s).unwrap();
        }
        (json.finish().unwrap(), csv.finish().unwrap())
    }

    #[test]
    fn streamed_exports_are_the_bytes_of_the_whole_documents() {
        let person =
            |name: &str, kind, affiliation: Option<&str>, country: Option<&str>, verified| PublicSignatory {
                name: name.into(),
                kind,
                affiliation: affiliation.map(Into::into),
                country: country.map(Into::into),
                verified,
                proof: None,
            };
        let proven = PublicSignatory {
            proof: Some(crate::domain::ProofMark {
                domain: "example.org".parse().unwrap(),
                day: "2026-12-06".parse().unwrap(),
            }),
            ..person("Example Org", Kind::Organization, None, None, false)
        };
        let all = vec![
            person("Access Now", Kind::Organization, None, Some("Worldwide"), true),
            proven,
            person("=HYPERLINK(\"x\")", Kind::Company, Some("+1 \"Org\"\nline"), None, false),
            person("Zoë Ünïcode 名前", Kind::Individual, Some("Café, Paris"), Some("France"), false),
            person("Ada Lovelace", Kind::Individual, None, None, false),
        ];
        let counts = Counts { published: [1, 1, 2], listed: [1, 1, 2], pending: [0, 3, 1] };
        for (phase, signatories) in
            [(Phase::Open, all.clone()), (Phase::Paused, all[..1].to_vec()), (Phase::Open, vec![])]
        {
            let data = OpenData {
                letter: crate::letter::Content::embedded().letter,
                letter_version: None,
                phase,
                counts: OpenCounts::from(&counts),
                signatories,
            };
            let (json, csv) = streamed(&data);
            // The same document as serde's own, a name to a line.
            let value = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap();
            assert_eq!(value(&json), value(&serde_json::to_vec_pretty(&data).unwrap()));
            let text = String::from_utf8(json.clone()).unwrap();
            for s in &data.signatories {
                let line = format!("    {}", serde_json::to_string(s).unwrap());
                assert!(text.lines().any(|l| l.trim_end_matches(',') == line), "{line} in {text}");
            }
            let (old_json, old_csv) = whole(&data);
            assert_eq!(String::from_utf8(json).unwrap(), String::from_utf8(old_json).unwrap());
            assert_eq!(String::from_utf8(csv).unwrap(), String::from_utf8(old_csv).unwrap());
        }
    }

    #[test]
    fn a_head_that_already_has_names_is_refused() {
        let data = OpenData {
            letter: crate::letter::Content::embedded().letter,
            letter_version: None,
            phase: Phase::Open,
            counts: OpenCounts::from(&Counts::default()),
            signatories: vec![PublicSignatory {
                name: "Ada".into(),
                kind: Kind::Individual,
                affiliation: None,
                country: None,
                verified: false,
                proof: None,
            }],
        };
        assert!(JsonWriter::start(Vec::new(), &data).is_err());
    }
}
