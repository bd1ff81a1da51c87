//! The calendar day (UTC): the finest time undersign keeps or shows of
//! anything, with its `YYYY-MM-DD` form. A leaf: every other part of the
//! domain may name a day.

use serde::{Deserialize, Serialize};

/// A calendar day (UTC), the finest time the store keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Day(pub u32);

impl Day {
    /// The day it is now, in UTC.
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Day((secs / 86_400) as u32)
    }

    /// `days` later.
    pub fn plus(self, days: u32) -> Day {
        Day(self.0.saturating_add(days))
    }

    /// (year, month, day) of the proleptic Gregorian calendar.
    pub fn ymd(self) -> (i64, u32, u32) {
        // Howard Hinnant's days-to-civil algorithm.
        let z = self.0 as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A `YYYY-MM-DD` date as [`Day`] prints it; anything else (another
/// layout, a day the month lacks, a year before 1970) is refused.
impl std::str::FromStr for Day {
    type Err = ();
    fn from_str(s: &str) -> Result<Day, ()> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(());
        }
        let (y, m, d) = (digits(0..4).ok_or(())?, digits(5..7).ok_or(())?, digits(8..10).ok_or(())?);
        if y < 1970 || !(1..=12).contains(&m) || d == 0 {
            return Err(());
        }
        // Howard Hinnant's days-from-civil, the inverse of `ymd`; printing
        // the day back refuses the 30th of February and the like.
        let (y, m) = (i64::from(y) - i64::from(m <= 2), i64::from(m));
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let day = Day(u32::try_from(era * 146_097 + doe - 719_468).map_err(|_| ())?);
        (day.to_string() == s).then_some(day).ok_or(())
    }
}
