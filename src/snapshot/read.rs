//! Reading a snapshot file back one name at a time: its counts (and the
//! badge it carries) first, then each listed name in page order, so that
//! a page made from a snapshot of a million names never holds them all.

use crate::domain::PublicSignatory;
use crate::render::export::OpenCounts;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::os::unix::fs::FileExt;

/// What comes before the names.
#[derive(Debug, Default)]
pub struct Contents {
    /// The counts it states.
    pub counts: Option<OpenCounts>,
    /// The badge it carries, if made by a version that makes one.
    pub badge: Option<String>,
    /// The letter's version, once it was amended (its last listed one).
    pub letter_version: Option<u32>,
}

/// Said by the reader that stops at the names when it needs none of them.
const STOPPED: &str = "stopped before the names";

/// Reads `file` (from its start, at positions: a shared open file is not
/// moved) and hands `head` what comes before the names, then each name to
/// `visit`. Without `visit` it stops at the names: what comes before them
/// is a few KiB whatever the list's length. The error is in words for the
/// operator.
pub fn each_name<'a>(
    file: &File,
    head: &'a mut (dyn FnMut(&Contents) + 'a),
    visit: Option<&'a mut (dyn FnMut(PublicSignatory) + 'a)>,
) -> Result<(), String> {
    let reader = BufReader::with_capacity(64 * 1024, At { file, pos: 0 });
    let mut de = serde_json::Deserializer::from_reader(reader);
    let doc = Doc { head, visit, contents: Contents::default(), told: false };
    match serde::Deserializer::deserialize_map(&mut de, doc) {
        Ok(()) => Ok(()),
        Err(e) if e.to_string().starts_with(STOPPED) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// A file read from a position on, without moving its cursor.
struct At<'a> {
    file: &'a File,
    pos: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

struct Doc<'a> {
    head: &'a mut dyn FnMut(&Contents),
    visit: Option<&'a mut dyn FnMut(PublicSignatory)>,
    contents: Contents,
    told: bool,
}

impl<'de> Visitor<'de> for Doc<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an undersign snapshot")
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "counts" => self.contents.counts = Some(map.next_value()?),
                "badge" => self.contents.badge = map.next_value()?,
                "letter_versions" => {
                    let versions: Vec<super::document::LetterVersion> = map.next_value()?;
                    self.contents.letter_version = versions.last().map(|v| v.version);
                }
                "signatories" => {
                    (self.head)(&self.contents);
                    self.told = true;
                    match self.visit.as_deref_mut() {
                        Some(visit) => map.next_value_seed(Names { visit })?,
                        None => return Err(serde::de::Error::custom(STOPPED)),
                    }
                }
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        if !self.told {
            (self.head)(&self.contents);
        }
        Ok(())
    }
}

struct Names<'a> {
    visit: &'a mut dyn FnMut(PublicSignatory),
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
            (self.visit)(s);
        }
        Ok(())
    }
}
