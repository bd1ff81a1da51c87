//! The public view: everything the public pages and the exports show, read
//! only. The letter's phase, its counts (with how many wait for review),
//! the published, listed names in page order, search over them, and a
//! generation number that changes whenever any of that does, for the page
//! cache. The store implements it; a verified snapshot will, for mirrors.
//! Pages render from it and from nothing else.

use crate::domain::{Counts, Day, Kind, Phase, PublicSignatory};

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
    /// Published, listed signatures by day and by country, folded. This
    /// default knows no days (a snapshot does not carry them): every
    /// signature is in "other days"; the store overrides it.
    fn numbers(&self) -> Result<Numbers, ScanError> {
        let mut tally = Tally::default();
        self.each_published(&mut |s| tally.add(None, s.country.as_deref()))?;
        Ok(tally.finish())
    }
}

/// Below this many signatures, a day or a country is not shown on its own
/// but folded into "other", so that no figure points at one signer.
pub const FOLD_BELOW: u64 = 10;
/// Countries shown on their own at most, largest first.
pub const TOP_COUNTRIES: usize = 20;
/// Distinct days or countries tallied at most in one scan: country is free
/// text, so a flood of made-up ones must not grow memory; past this, a new
/// one is counted in "other" at once.
const MAX_TALLIED: usize = 10_000;

/// Published, listed signatures by day and by country, as `/numbers` draws
/// them: every day or country under [`FOLD_BELOW`] folded into "other"
/// (and the countries past the largest [`TOP_COUNTRIES`] too).
///
/// A snapshot carries them as they are folded (days as `YYYY-MM-DD`), so
/// that a mirror, which has no days, draws the same.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Numbers {
    /// Days with at least [`FOLD_BELOW`] signatures, earliest first.
    #[serde(with = "iso_days")]
    pub by_day: Vec<(Day, u64)>,
    /// Signatures of the days not in `by_day`.
    pub other_days: u64,
    /// Countries with at least [`FOLD_BELOW`], largest first (then by name).
    pub by_country: Vec<(String, u64)>,
    /// Signatures of the countries not in `by_country`, and of those that
    /// gave none.
    pub other_countries: u64,
}

impl Numbers {
    /// The same figures folded again as this version folds them: what a
    /// snapshot carries is the origin's word, and a mirror shows no day or
    /// country under [`FOLD_BELOW`], nor more than [`TOP_COUNTRIES`],
    /// whatever it says.
    pub fn refolded(self) -> Numbers {
        let mut tally = Tally {
            other_days: self.other_days,
            other_countries: self.other_countries,
            ..Default::default()
        };
        for (day, n) in self.by_day {
            if tally.days.len() < MAX_TALLIED {
                *tally.days.entry(day).or_default() += n;
            } else {
                tally.other_days += n;
            }
        }
        for (country, n) in self.by_country {
            if tally.countries.len() < MAX_TALLIED {
                *tally.countries.entry(country).or_default() += n;
            } else {
                tally.other_countries += n;
            }
        }
        tally.finish()
    }
}

/// Days as `YYYY-MM-DD` with their counts.
mod iso_days {
    use crate::domain::Day;
    use serde::{Deserialize, Serialize};

    pub fn serialize<S: serde::Serializer>(days: &[(Day, u64)], s: S) -> Result<S::Ok, S::Error> {
        let written: Vec<(String, u64)> = days.iter().map(|(d, n)| (d.to_string(), *n)).collect();
        written.serialize(s)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<(Day, u64)>, D::Error> {
        let read = Vec::<(String, u64)>::deserialize(d)?;
        read.into_iter()
            .map(|(day, n)| {
                day.parse()
                    .map(|day| (day, n))
                    .map_err(|()| serde::de::Error::custom("not a YYYY-MM-DD date"))
            })
            .collect()
    }
}

/// Counts signatures one at a time into [`Numbers`], in bounded memory.
#[derive(Default)]
pub struct Tally {
    days: std::collections::BTreeMap<Day, u64>,
    countries: std::collections::HashMap<String, u64>,
    other_days: u64,
    other_countries: u64,
}

impl Tally {
    /// One published, listed signature, of `day` if it is known, from
    /// `country` if it gave one.
    pub fn add(&mut self, day: Option<Day>, country: Option<&str>) {
        match day {
            Some(d) if self.days.len() < MAX_TALLIED || self.days.contains_key(&d) => {
                *self.days.entry(d).or_default() += 1
            }
            _ => self.other_days += 1,
        }
        match country.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) if self.countries.len() < MAX_TALLIED || self.countries.contains_key(c) => {
                *self.countries.entry(c.to_owned()).or_default() += 1
            }
            _ => self.other_countries += 1,
        }
    }

    /// The figures, folded.
    pub fn finish(self) -> Numbers {
        let mut n = Numbers {
            other_days: self.other_days,
            other_countries: self.other_countries,
            ..Default::default()
        };
        for (day, count) in self.days {
            if count >= FOLD_BELOW {
                n.by_day.push((day, count));
            } else {
                n.other_days += count;
            }
        }
        let mut countries: Vec<(String, u64)> = self.countries.into_iter().collect();
        countries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (i, (country, count)) in countries.into_iter().enumerate() {
            if count >= FOLD_BELOW && i < TOP_COUNTRIES {
                n.by_country.push((country, count));
            } else {
                n.other_countries += count;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_days_and_countries_are_folded_into_other() {
        let mut t = Tally::default();
        for _ in 0..12 {
            t.add(Some(Day(100)), Some("Iran"));
        }
        for _ in 0..3 {
            t.add(Some(Day(101)), Some("Chile"));
        }
        t.add(None, None);
        let n = t.finish();
        assert_eq!(n.by_day, vec![(Day(100), 12)]);
        assert_eq!(n.other_days, 4);
        assert_eq!(n.by_country, vec![("Iran".to_owned(), 12)]);
        assert_eq!(n.other_countries, 4, "Chile's 3 and the one that gave none");
    }

    #[test]
    fn only_the_largest_twenty_countries_are_shown() {
        let mut t = Tally::default();
        for c in 0..25u64 {
            for _ in 0..(10 + c) {
                t.add(Some(Day(1)), Some(&format!("C{c:02}")));
            }
        }
        let n = t.finish();
        assert_eq!(n.by_country.len(), TOP_COUNTRIES);
        assert_eq!(n.by_country[0], ("C24".to_owned(), 34));
        assert_eq!(n.other_countries, 10 + 11 + 12 + 13 + 14);
    }

    #[test]
    fn carried_figures_are_folded_again_whatever_they_say() {
        let said = Numbers {
            by_day: vec![(Day(5), 3), (Day(6), 40)],
            other_days: 1,
            by_country: vec![("Tiny".into(), 2), ("Big".into(), 50)],
            other_countries: 0,
        };
        let json = serde_json::to_string(&said).unwrap();
        assert!(json.contains("[\"1970-01-06\",3]"), "{json}");
        let n = serde_json::from_str::<Numbers>(&json).unwrap().refolded();
        assert_eq!(n.by_day, vec![(Day(6), 40)]);
        assert_eq!(n.other_days, 4);
        assert_eq!(n.by_country, vec![("Big".to_owned(), 50)]);
        assert_eq!(n.other_countries, 2);
    }
}
