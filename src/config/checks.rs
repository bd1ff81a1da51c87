//! The defaults and checks the declaration in [`super::Config`] names beside
//! each field: a setting's value is parsed here, once, into the type the
//! rest of the program uses (a [`Duration`], a [`Catalogue`], a
//! [`ListenAddr`]), or refused with a sentence; the key is added by the
//! loader. Nothing outside this module checks a setting again.

use crate::domain::Kind;
use crate::messages::Catalogue;
use serde::de::{Deserializer, Error};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// The longest a connection's timers may be set to: a day. Longer ones
/// serve no visitor, and added to an instant they overflow and panic.
pub const DAY: u64 = 86_400;
/// No upper bound.
pub const NO_MAX: u64 = u64::MAX;
/// The oldest a form may be: a year, so that its expiry day fits.
pub const MAX_TOKEN_AGE_HOURS: u64 = 24 * 366;
/// The longest a console session may stay unused: a week.
const MAX_IDLE_MINUTES: f64 = 7.0 * 24.0 * 60.0;

/// Where to listen: a TCP address or a Unix socket path.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum ListenAddr {
    /// A TCP address.
    Tcp(std::net::SocketAddr),
    /// A Unix socket's path.
    Unix(PathBuf),
}

/// A listener's address that is neither `HOST:PORT` nor `unix:/path`.
#[derive(Debug, thiserror::Error)]
pub enum ListenAddrError {
    /// `unix:` with nothing after it.
    #[error("unix: needs a socket path")]
    NoSocketPath,
    /// Neither form.
    #[error("`{0}` is neither HOST:PORT nor unix:/path")]
    Neither(String),
}

impl std::str::FromStr for ListenAddr {
    type Err = ListenAddrError;
    fn from_str(s: &str) -> Result<Self, ListenAddrError> {
        if let Some(path) = s.strip_prefix("unix:") {
            if path.is_empty() {
                return Err(ListenAddrError::NoSocketPath);
            }
            return Ok(ListenAddr::Unix(PathBuf::from(path)));
        }
        s.parse().map(ListenAddr::Tcp).map_err(|_| ListenAddrError::Neither(s.to_string()))
    }
}

impl TryFrom<String> for ListenAddr {
    type Error = ListenAddrError;
    fn try_from(s: String) -> Result<Self, ListenAddrError> {
        s.parse()
    }
}

impl ListenAddr {
    /// The default public listener: `127.0.0.1:8080`.
    pub fn loopback_8080() -> ListenAddr {
        ListenAddr::Tcp(([127, 0, 0, 1], 8080).into())
    }

    /// Whether only this machine can connect: loopback TCP or a Unix socket.
    pub fn is_local(&self) -> bool {
        match self {
            ListenAddr::Unix(_) => true,
            ListenAddr::Tcp(a) => match a.ip() {
                std::net::IpAddr::V4(ip) => ip.is_loopback(),
                std::net::IpAddr::V6(ip) => {
                    ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
                }
            },
        }
    }
}

impl std::fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListenAddr::Tcp(a) => write!(f, "http://{a}"),
            ListenAddr::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

// Defaults, as `#[serde(default = "…")]` names them.

/// `true`.
pub fn yes() -> bool {
    true
}
/// `N` (a count).
pub fn count<const N: usize>() -> usize {
    N
}
/// `N` (a rate or a day count).
pub fn int<const N: u32>() -> u32 {
    N
}
/// `N` (a large count).
pub fn big<const N: u64>() -> u64 {
    N
}
/// `N` seconds.
pub fn secs<const N: u64>() -> Duration {
    Duration::from_secs(N)
}
/// `N` milliseconds.
pub fn millis<const N: u64>() -> Duration {
    Duration::from_millis(N)
}
/// The kinds reviewed unless the file says otherwise.
pub fn organisations_and_companies() -> Vec<Kind> {
    vec![Kind::Organization, Kind::Company]
}

// Checks, as `#[serde(deserialize_with = "…")]` names them.

/// A number above 0.
pub fn positive<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + PartialOrd + Default,
{
    let v = T::deserialize(d)?;
    if v > T::default() {
        Ok(v)
    } else {
        Err(D::Error::custom("must be greater than 0"))
    }
}

/// A whole number from `LO` to `HI`.
pub fn within<'de, const LO: u64, const HI: u64, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Into<u64> + Copy,
{
    let v = T::deserialize(d)?;
    if (LO..=HI).contains(&v.into()) {
        Ok(v)
    } else {
        Err(D::Error::custom(format!("must be from {LO} to {HI}")))
    }
}

/// Whole seconds from `MIN` to `MAX` ([`DAY`]: at most a day; [`NO_MAX`]:
/// no bound above).
pub fn seconds<'de, const MIN: u64, const MAX: u64, D: Deserializer<'de>>(
    d: D,
) -> Result<Duration, D::Error> {
    let v = u64::deserialize(d)?;
    if (MIN..=MAX).contains(&v) {
        return Ok(Duration::from_secs(v));
    }
    Err(D::Error::custom(match MAX {
        NO_MAX => format!("must be at least {MIN}"),
        DAY => format!("must be from {MIN} to {DAY} (a day)"),
        _ => format!("must be from {MIN} to {MAX}"),
    }))
}

/// Whole milliseconds, at most `MAX`.
pub fn milliseconds<'de, const MAX: u64, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let v = u64::deserialize(d)?;
    if v <= MAX {
        Ok(Duration::from_millis(v))
    } else {
        Err(D::Error::custom(format!("must be at most {MAX}")))
    }
}

/// Whole hours from 1 to [`MAX_TOKEN_AGE_HOURS`]; in seconds they never
/// overflow.
pub fn hours<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let v = u64::deserialize(d)?;
    if (1..=MAX_TOKEN_AGE_HOURS).contains(&v) {
        Ok(Duration::from_secs(v * 3600))
    } else {
        Err(D::Error::custom(format!("must be from 1 to {MAX_TOKEN_AGE_HOURS} (a year)")))
    }
}

/// Minutes, fractions allowed (tests use seconds), above 0 and at most a
/// week, and not so small that they are no time at all (1e-300 minutes is
/// 0 ns).
pub fn minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let v = f64::deserialize(d)?;
    let in_range = v > 0.0 && v <= MAX_IDLE_MINUTES;
    let time = if in_range { Duration::from_secs_f64(v * 60.0) } else { Duration::ZERO };
    if time.is_zero() {
        return Err(D::Error::custom("must be above 0 and at most a week"));
    }
    Ok(time)
}

/// A list of kinds by their names.
pub fn kinds<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Kind>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|k| Kind::parse(k).map_err(|_| D::Error::custom(format!("unknown kind `{k}`"))))
        .collect()
}

/// A shipped catalogue's tag.
pub fn catalogue<'de, D: Deserializer<'de>>(d: D) -> Result<Catalogue, D::Error> {
    let tag = String::deserialize(d)?;
    Catalogue::find(&tag).ok_or_else(|| {
        let shipped: Vec<_> = Catalogue::all().map(|l| l.tag()).collect();
        D::Error::custom(format!("must be a shipped language: {}", shipped.join(", ")))
    })
}

/// An `.onion` host, with or without `http://` and a final `/`.
pub fn onion_host<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = String::deserialize(d)?;
    let host = v.trim_start_matches("http://").trim_end_matches('/');
    if !host.ends_with(".onion") || host.contains(['/', ' ', '\r', '\n']) {
        return Err(D::Error::custom(format!("must be an .onion host, not `{v}`")));
    }
    Ok(Some(host.to_string()))
}

/// The `[import]` table: a file of names per kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Import {
    organizations: Option<PathBuf>,
    companies: Option<PathBuf>,
    individuals: Option<PathBuf>,
}

/// The `[import]` table as (kind, file) pairs, in the kinds' order.
pub fn import<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(Kind, PathBuf)>, D::Error> {
    let i = Import::deserialize(d)?;
    Ok([
        (Kind::Organization, i.organizations),
        (Kind::Company, i.companies),
        (Kind::Individual, i.individuals),
    ]
    .into_iter()
    .filter_map(|(kind, path)| Some((kind, path?)))
    .collect())
}
