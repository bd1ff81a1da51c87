//! The configuration file's parser (`undersign::config::Config::parse`) on
//! any text: it never panics, and a configuration it accepts holds only
//! values the README's reference allows. The input is the file's text.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::time::Duration;
use undersign::config::{Config, ListenAddr};

/// Every key of the file, as in the README's reference. One that is
/// missing here is still reached through the text, just less often.
const KEYS: [&str; 30] = [
    "listen",
    "proxy_protocol",
    "letter",
    "review",
    "page_group_limit",
    "list_page_size",
    "page_rebuild_ms",
    "min_fill_seconds",
    "token_max_age_hours",
    "max_pending",
    "sign_burst",
    "sign_per_second",
    "circuit_sign_burst",
    "circuit_sign_per_minute",
    "circuit_max_connections",
    "max_connections",
    "header_read_timeout_seconds",
    "body_timeout_seconds",
    "request_grace_seconds",
    "request_min_bytes_per_second",
    "write_stall_seconds",
    "onion_location",
    "admin_listen",
    "admin_listen_public",
    "admin_session_idle_minutes",
    "retention_days",
    "store_cache_mb",
    "import.organizations",
    "import.companies",
    "import.individuals",
];

fuzz_target!(|bytes: &[u8]| {
    // The bytes as the file's text: `Config::load` reads it as UTF-8 and
    // refuses anything else.
    if let Ok(text) = std::str::from_utf8(bytes) {
        parse(text);
    }
    // The same bytes as a choice of keys and values, written out as TOML:
    // mutating text rarely turns `24` into a number near the integers'
    // limits, which is where a parser's arithmetic breaks.
    parse(&document(bytes));
});

fn parse(text: &str) {
    let file = Path::new("/etc/undersign/undersign.toml");
    match Config::parse("/var/lib/undersign".into(), text, file) {
        Ok(config) => check(&config),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    // The listener's syntax, as `--listen` takes it.
    if let Ok(addr) = text.parse::<ListenAddr>() {
        if let ListenAddr::Unix(path) = &addr {
            assert!(!path.as_os_str().is_empty());
        }
        let _ = addr.is_local();
        let _ = addr.to_string();
    }
}

/// A TOML file of keys picked from [`KEYS`] with values of any type.
fn document(bytes: &[u8]) -> String {
    let mut u = Unstructured::new(bytes);
    let mut top = toml::Table::new();
    let mut import = toml::Table::new();
    // Unstructured answers zeros once the bytes run out: stop there.
    while !u.is_empty() {
        let (Ok(key), Ok(value)) = (u.choose(&KEYS), value(&mut u)) else { break };
        match key.strip_prefix("import.") {
            Some(key) => import.insert(key.into(), value),
            None => top.insert(key.to_string(), value),
        };
    }
    if !import.is_empty() {
        top.insert("import".into(), toml::Value::Table(import));
    }
    toml::to_string(&top).unwrap_or_default()
}

fn value(u: &mut Unstructured) -> arbitrary::Result<toml::Value> {
    const TEXT: [&str; 9] = [
        "organization",
        "company",
        "individual",
        "unix:",
        "unix:/run/undersign/http.sock",
        "[::1]:8080",
        "0.0.0.0:80",
        "http://example.onion/",
        "letter.md",
    ];
    Ok(match u.int_in_range(0..=5)? {
        0 => toml::Value::Integer(u.arbitrary()?),
        1 => toml::Value::Integer(u.int_in_range(-1..=70_000)?),
        2 => toml::Value::Float(u.arbitrary()?),
        3 => toml::Value::Boolean(u.arbitrary()?),
        4 => toml::Value::String(u.choose(&TEXT)?.to_string()),
        _ => toml::Value::Array(
            (0..u.int_in_range(0..=3)?)
                .map(|_| Ok(toml::Value::String(u.choose(&TEXT)?.to_string())))
                .collect::<arbitrary::Result<_>>()?,
        ),
    })
}

/// The limits `RawConfig::apply` enforces, checked on the result.
fn check(c: &Config) {
    assert_eq!(c.data_dir, Path::new("/var/lib/undersign"));
    // Relative paths are the file's folder's; an absolute one stays.
    for path in c.letter.iter().chain(c.import.iter().map(|(_, p)| p)) {
        assert!(path.is_absolute(), "{} is relative", path.display());
    }
    let kinds: Vec<_> = c.import.iter().map(|(k, _)| *k).collect();
    assert!(kinds.windows(2).all(|w| w[0] < w[1]), "import kinds {kinds:?}");
    assert!(c.list_page_size > 0);
    assert!(c.page_rebuild_interval <= Duration::from_secs(60));
    assert!(c.token_max_age > Duration::ZERO);
    assert!(c.sign_burst > 0 && c.sign_per_second > 0);
    assert!(c.circuit_sign_burst > 0 && c.circuit_sign_per_minute > 0);
    assert!(c.circuit_max_connections > 0 && c.max_connections > 0);
    assert!(c.header_read_timeout > Duration::ZERO && c.body_timeout > Duration::ZERO);
    assert!(c.request_min_rate > 0);
    assert!(c.write_stall > Duration::ZERO);
    let week = Duration::from_secs(7 * 24 * 3600);
    assert!(c.admin_session_idle > Duration::ZERO && c.admin_session_idle <= week);
    assert!((1..=65_536).contains(&c.store_cache_mb));
    if let Some(host) = &c.onion_location {
        assert!(host.ends_with(".onion") && !host.starts_with("http://"), "{host:?}");
        assert!(!host.contains(['/', ' ', '\r', '\n']), "{host:?}");
    }
}
