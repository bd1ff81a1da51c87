//! A verified snapshot as a [`PublicView`]: its names streamed, one at a
//! time, into an on-disk SQLite index (page order per kind, the folded name
//! for search and the alphabetical index), built into a temporary file and
//! renamed into place, then read with a small page cache. Memory stays the
//! same whatever the list's length; the letter, phase and counts, which
//! are small, are held.

use crate::domain::record::kind_index;
use crate::domain::signatory::fold;
use crate::domain::{Counts, Kind, Phase, PublicSignatory};
use crate::letter::Letter;
use crate::render::export::{OpenCounts, PerKind};
use crate::view::{Numbers, PublicView, ScanError};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::BufReader;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// Pages of SQLite's cache per connection (in KiB, as its negative form).
const CACHE_KIB: i64 = 2048;

const SCHEMA: &str = "
CREATE TABLE head(one INTEGER PRIMARY KEY CHECK (one = 1), json TEXT NOT NULL);
CREATE TABLE names(
    k INTEGER NOT NULL, pos INTEGER NOT NULL, name TEXT NOT NULL, affiliation TEXT, country TEXT,
    verified INTEGER NOT NULL, folded TEXT NOT NULL, proof TEXT, PRIMARY KEY (k, pos)
) WITHOUT ROWID;
";

/// What the snapshot holds besides the names.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Head {
    /// The letter as the origin published it.
    pub letter: Letter,
    /// Its versions, once it was amended (the last is `letter`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub letter_versions: Vec<crate::snapshot::LetterVersion>,
    /// Its phase.
    pub phase: Phase,
    /// Its counts.
    pub counts: OpenCounts,
    /// Its figures by day and country, folded again here (none from a
    /// version that carried none).
    #[serde(default)]
    pub numbers: Option<Numbers>,
}

impl Head {
    /// What the letter page says of the letter's amendments: the day of
    /// the last, and the earlier versions, whose text a snapshot does not
    /// hold (their digests stand for them).
    pub fn amendments(&self) -> Option<crate::render::Amendments> {
        let (current, earlier) = self.letter_versions.split_last()?;
        (!earlier.is_empty()).then(|| crate::render::Amendments {
            version: current.version,
            amended_on: current.day,
            earlier: earlier
                .iter()
                .rev()
                .map(|v| crate::render::Earlier {
                    number: v.version,
                    day: v.day,
                    sha256: v.sha256.to_string(),
                    letter: None,
                })
                .collect(),
        })
    }
}

/// Builds the index of the snapshot `json` (verified) at `out`, through
/// `out.part`; returns the snapshot's head.
pub fn build(json: &Path, out: &Path) -> Result<Head, String> {
    let temp = out.with_extension("part");
    let _ = std::fs::remove_file(&temp);
    let built = (|| {
        let db = Connection::open(&temp).map_err(|e| e.to_string())?;
        // A file nobody reads until it is renamed in: no journal needed.
        db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            .and_then(|()| db.pragma_update(None, "cache_size", -CACHE_KIB))
            .and_then(|()| db.execute_batch(SCHEMA))
            .map_err(|e| e.to_string())?;
        let tx = db.unchecked_transaction().map_err(|e| e.to_string())?;
        let head = {
            let mut insert = tx
                .prepare("INSERT INTO names VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                .map_err(|e| e.to_string())?;
            let mut next = [0u64; 3];
            let mut add = |s: PublicSignatory| {
                let k = kind_index(s.kind);
                let pos = next[k];
                next[k] += 1;
                insert
                    .execute(params![
                        k as i64,
                        pos as i64,
                        s.name,
                        s.affiliation,
                        s.country,
                        s.verified,
                        fold(&s.name),
                        s.proof.as_ref().map(|p| serde_json::to_string(p).unwrap_or_default()),
                    ])
                    .map(drop)
                    .map_err(|e| e.to_string())
            };
            let file = std::fs::File::open(json).map_err(|e| e.to_string())?;
            let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(64 * 1024, file));
            let head = Doc { add: &mut add }.deserialize(&mut de).map_err(|e| e.to_string())?;
            de.end().map_err(|e| e.to_string())?;
            head
        };
        tx.execute(
            "INSERT INTO head VALUES (1, ?1)",
            [serde_json::to_string(&head).map_err(|e| e.to_string())?],
        )
        .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        db.execute_batch("CREATE INDEX alphabetical ON names(folded, k, pos);").map_err(|e| e.to_string())?;
        drop(db);
        std::fs::File::open(&temp).and_then(|f| f.sync_all()).map_err(|e| e.to_string())?;
        std::fs::rename(&temp, out).map_err(|e| e.to_string())?;
        Ok(head)
    })();
    if built.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    built
}

/// Whether the index at `path` has this version's columns (an earlier
/// version's lacks `proof`): one that does not is built again.
pub fn is_current(path: &Path) -> bool {
    let Ok(db) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else { return false };
    let current = db.prepare(&format!("SELECT {COLUMNS} FROM names LIMIT 0")).is_ok();
    current
}

/// The snapshot document, read once: the head kept, each name handed to `add`.
struct Doc<'a> {
    add: &'a mut dyn FnMut(PublicSignatory) -> Result<(), String>,
}

impl<'de> DeserializeSeed<'de> for Doc<'_> {
    type Value = Head;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Head, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Doc<'_> {
    type Value = Head;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an undersign snapshot")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
        let (mut letter, mut phase, mut counts, mut numbers) = (None, None, None, None);
        let mut letter_versions = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "letter" => letter = Some(map.next_value()?),
                // Bounded by the verification that came before.
                "letter_versions" => letter_versions = map.next_value()?,
                "phase" => phase = Some(map.next_value()?),
                "counts" => counts = Some(map.next_value()?),
                "numbers" => numbers = map.next_value::<Option<Numbers>>()?.map(Numbers::refolded),
                "signatories" => map.next_value_seed(Names { add: &mut *self.add })?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        let missing = |what| serde::de::Error::missing_field(what);
        Ok(Head {
            // Shown on this mirror's pages: only what Markdown makes.
            letter: super::sanitize::letter(letter.ok_or_else(|| missing("letter"))?),
            letter_versions,
            phase: phase.ok_or_else(|| missing("phase"))?,
            counts: counts.ok_or_else(|| missing("counts"))?,
            numbers,
        })
    }
}

struct Names<'a> {
    add: &'a mut dyn FnMut(PublicSignatory) -> Result<(), String>,
}

impl<'de> DeserializeSeed<'de> for Names<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Names<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of signatories")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(s) = seq.next_element::<PublicSignatory>()? {
            (self.add)(s).map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }
}

fn per_kind(p: &PerKind) -> [u64; 3] {
    let mut out = [0; 3];
    out[kind_index(Kind::Organization)] = p.organization;
    out[kind_index(Kind::Company)] = p.company;
    out[kind_index(Kind::Individual)] = p.individual;
    out
}

/// The counts of a snapshot's head.
pub fn counts_of(c: &OpenCounts) -> Counts {
    Counts { published: per_kind(&c.published), listed: per_kind(&c.listed), pending: per_kind(&c.pending) }
}

/// A snapshot's index, read only.
pub struct SnapshotView {
    db: Mutex<Connection>,
    head: Head,
    counts: Counts,
    generation: u64,
}

fn unreadable(e: rusqlite::Error) -> ScanError {
    ScanError::Unreadable(e.to_string())
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PublicSignatory> {
    let k: i64 = r.get(0)?;
    let kind = Kind::ALL.into_iter().find(|x| kind_index(*x) as i64 == k).unwrap_or(Kind::Individual);
    Ok(PublicSignatory {
        kind,
        name: r.get(1)?,
        affiliation: r.get(2)?,
        country: r.get(3)?,
        verified: r.get(4)?,
        // Written by `build` from a mark the snapshot held; one that does
        // not read back is not shown.
        proof: r.get::<_, Option<String>>(5)?.and_then(|p| serde_json::from_str(&p).ok()),
    })
}

const COLUMNS: &str = "k, name, affiliation, country, verified, proof";

impl SnapshotView {
    /// The index at `path`, as view generation `generation` (the
    /// snapshot's number: pages cached for one are not shown for another).
    pub fn open(path: &Path, generation: u64) -> Result<SnapshotView, String> {
        let db = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| e.to_string())?;
        db.pragma_update(None, "cache_size", -CACHE_KIB).map_err(|e| e.to_string())?;
        let json: Option<String> =
            db.query_row("SELECT json FROM head", [], |r| r.get(0)).optional().map_err(|e| e.to_string())?;
        let head: Head =
            serde_json::from_str(&json.ok_or("the index has no head")?).map_err(|e| e.to_string())?;
        Ok(SnapshotView { counts: counts_of(&head.counts), head, db: Mutex::new(db), generation })
    }

    /// The snapshot's head: the letter, phase and counts.
    pub fn head(&self) -> &Head {
        &self.head
    }

    fn query(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<PublicSignatory>, ScanError> {
        let db = self.db.lock().unwrap_or_else(PoisonError::into_inner);
        let mut stmt = db.prepare_cached(sql).map_err(unreadable)?;
        let rows = stmt.query_map(args, row).map_err(unreadable)?;
        rows.collect::<Result<_, _>>().map_err(unreadable)
    }

    /// Every name in alphabetical order of its folded form, for the static
    /// export's index, in one pass.
    pub fn each_alphabetical(&self, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        self.each(&format!("SELECT {COLUMNS} FROM names ORDER BY folded, k, pos"), visit)
    }

    fn each(&self, sql: &str, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        let db = self.db.lock().unwrap_or_else(PoisonError::into_inner);
        let mut stmt = db.prepare_cached(sql).map_err(unreadable)?;
        let rows = stmt.query_map([], row).map_err(unreadable)?;
        for r in rows {
            visit(r.map_err(unreadable)?);
        }
        Ok(())
    }
}

impl PublicView for SnapshotView {
    fn generation(&self) -> u64 {
        self.generation
    }
    fn phase(&self) -> Phase {
        self.head.phase
    }
    fn counts(&self) -> Counts {
        self.counts
    }
    fn published(&self, kind: Kind, skip: usize, limit: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        self.query(
            &format!("SELECT {COLUMNS} FROM names WHERE k = ?1 AND pos >= ?2 ORDER BY pos LIMIT ?3"),
            params![kind_index(kind) as i64, skip as i64, limit as i64],
        )
    }
    fn each_published(&self, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        self.each(&format!("SELECT {COLUMNS} FROM names ORDER BY k, pos"), visit)
    }
    fn search(&self, folded_query: &str, limit: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        // A walk in page order that stops at the limit: the index is the
        // snapshot's, read by a few visitors at once (see the router's queue).
        self.query(
            &format!("SELECT {COLUMNS} FROM names WHERE instr(folded, ?1) > 0 ORDER BY k, pos LIMIT ?2"),
            params![folded_query, limit as i64],
        )
    }

    /// As the snapshot carries them; from the names (no days) when it
    /// carries none.
    fn numbers(&self) -> Result<Numbers, ScanError> {
        match &self.head.numbers {
            Some(n) => Ok(n.clone()),
            None => {
                let mut tally = crate::view::Tally::default();
                self.each_published(&mut |s| tally.add(None, s.country.as_deref()))?;
                Ok(tally.finish())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, kind: Kind) -> PublicSignatory {
        PublicSignatory {
            name: name.into(),
            kind,
            affiliation: None,
            country: Some("Chile".into()),
            verified: false,
            proof: None,
        }
    }

    #[test]
    fn a_snapshot_reads_back_in_page_order_and_is_searched_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let proven = PublicSignatory {
            proof: Some(crate::domain::ProofMark {
                domain: "accessnow.org".parse().unwrap(),
                day: "2026-12-06".parse().unwrap(),
            }),
            ..person("Access Now", Kind::Organization)
        };
        let names = [
            proven,
            person("Zoë Zed", Kind::Individual),
            person("Ada Lovelace", Kind::Individual),
            person("Émile Zola", Kind::Individual),
        ];
        let counts = Counts { published: [1, 0, 4], listed: [1, 0, 3], pending: [2, 0, 0] };
        let doc = serde_json::json!({
            "snapshot": { "format": "undersign-snapshot-1", "seq": 3 },
            "letter": crate::letter::Content::embedded().letter,
            "phase": Phase::Open,
            "counts": OpenCounts::from(&counts),
            "signatories": names,
        });
        let json = dir.path().join("s.json");
        std::fs::write(&json, serde_json::to_vec(&doc).unwrap()).unwrap();
        let index = dir.path().join("index.sqlite");
        let head = build(&json, &index).unwrap();
        assert!(!dir.path().join("index.part").exists(), "built under a temporary name");
        assert!(is_current(&index));
        let earlier = dir.path().join("earlier.sqlite");
        Connection::open(&earlier).unwrap().execute_batch("CREATE TABLE names(k, pos, name);").unwrap();
        assert!(!is_current(&earlier), "an index without the proof column is built again");
        assert_eq!(head.letter.title, "Secure the Internet");
        let view = SnapshotView::open(&index, 3).unwrap();
        assert_eq!((view.generation(), view.phase(), view.counts()), (3, Phase::Open, counts));
        let names_of = |v: Vec<PublicSignatory>| v.into_iter().map(|s| s.name).collect::<Vec<_>>();
        assert_eq!(names_of(view.published(Kind::Individual, 1, 5).unwrap()), ["Ada Lovelace", "Émile Zola"]);
        assert_eq!(names_of(view.published(Kind::Organization, 0, 5).unwrap()), ["Access Now"]);
        let mut all = Vec::new();
        view.each_published(&mut |s| all.push(s)).unwrap();
        assert_eq!(all, names, "page order, grouped by kind, every field");
        assert_eq!(
            names_of(view.search("zo", 10).unwrap()),
            ["Zoë Zed", "Émile Zola"],
            "folded, in page order"
        );
        assert_eq!(names_of(view.search("z", 1).unwrap()), ["Zoë Zed"], "at most the limit");
        let mut sorted = Vec::new();
        view.each_alphabetical(&mut |s| sorted.push(s.name)).unwrap();
        assert_eq!(sorted, ["Access Now", "Ada Lovelace", "Émile Zola", "Zoë Zed"], "accents aside");

        std::fs::write(&json, b"{\"letter\": 1}").unwrap();
        assert!(build(&json, &dir.path().join("bad.sqlite")).is_err());
        assert!(!dir.path().join("bad.sqlite").exists() && !dir.path().join("bad.part").exists());
    }
}
