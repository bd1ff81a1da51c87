//! The configuration's declaration against the file, the command line and
//! the README's reference.

use super::*;
use std::time::Duration;

fn load(toml: &str) -> Result<Config, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("undersign.toml");
    std::fs::write(&path, toml).unwrap();
    Config::load("data".into(), Some(&path), toml::Table::new()).map_err(|e| e.to_string())
}

#[test]
fn defaults_serve_loopback_8080_and_review_organisations() {
    let c = Config::new("d".into());
    assert_eq!(c.listen, "127.0.0.1:8080".parse().unwrap());
    assert!(c.needs_review(Kind::Organization) && !c.needs_review(Kind::Individual));
    assert!(!c.admin_listen_public);
}

#[test]
fn only_loopback_and_unix_sockets_are_local() {
    for local in ["127.0.0.1:8081", "127.8.9.1:1", "[::1]:8081", "[::ffff:127.0.0.1]:1", "unix:/run/a.sock"] {
        assert!(local.parse::<ListenAddr>().unwrap().is_local(), "{local}");
    }
    for public in ["0.0.0.0:8081", "[::]:8081", "192.168.1.2:80", "[fe80::1]:80", "[::ffff:10.0.0.1]:1"] {
        assert!(!public.parse::<ListenAddr>().unwrap().is_local(), "{public}");
    }
    assert!(
        load("admin_listen = \"0.0.0.0:8081\"\nadmin_listen_public = true\n").unwrap().admin_listen_public
    );
}

#[test]
fn file_overrides_defaults() {
    let c = load("min_fill_seconds = 0\nreview = [\"individual\"]\nlisten = \"unix:/run/u.sock\"\n").unwrap();
    assert_eq!(c.min_fill_time, Duration::ZERO);
    assert_eq!(c.review_kinds, vec![Kind::Individual]);
    assert_eq!(c.listen, ListenAddr::Unix("/run/u.sock".into()));
    assert_eq!(load("store_cache_mb = 24\n").unwrap().store_cache_mb, 24);
    let c = load("snapshot_interval_seconds = 2\nsnapshot_expiry_days = 3\n").unwrap();
    assert_eq!((c.snapshot_interval, c.snapshot_expiry_days), (Duration::from_secs(2), 3));
}

#[test]
fn unknown_keys_and_bad_values_are_errors() {
    assert!(load("min_fil_seconds = 0\n").unwrap_err().contains("min_fil_seconds"));
    assert!(load("review = [\"government\"]\n").is_err());
    assert!(load("onion_location = \"example.com\"\n").is_err());
    assert!(load("max_connections = 0\n").is_err());
    assert!(load("write_stall_seconds = 0\n").unwrap_err().contains("write_stall_seconds"));
    assert!(load("request_min_bytes_per_second = 0\n").is_err());
    assert!(load("store_cache_mb = 0\n").unwrap_err().contains("store_cache_mb"));
    assert!(load("onion_reachable_seconds = 0\n").unwrap_err().contains("onion_reachable_seconds"));
    assert!(load("onion = \"yes\"\n").unwrap_err().contains("onion"));
    assert!(load("snapshot_interval_seconds = 0\n").unwrap_err().contains("snapshot_interval_seconds"));
    assert!(load("snapshot_expiry_days = 1\n").unwrap_err().contains("snapshot_expiry_days"));
}

/// Found by the `config` fuzz target: the hours, in seconds, overflowed
/// (a panic in a debug build; in a release build a wrapped, wrong age,
/// 0 for 2^60 hours).
#[test]
fn a_token_age_too_large_for_seconds_is_refused() {
    for huge in ["5124095576030432", "1152921504606846976", "9223372036854775807"] {
        let err = load(&format!("token_max_age_hours = {huge}\n")).unwrap_err();
        assert!(err.contains("token_max_age_hours"), "{huge}: {err}");
    }
    assert!(load("token_max_age_hours = 8785\n").is_err());
    let c = load("token_max_age_hours = 8784\n").unwrap();
    assert_eq!(c.token_max_age, Duration::from_secs(8784 * 3600));
}

/// Found by reading what the fuzzer found: a timer of 2^63 seconds,
/// added to an instant, panicked every connection's task.
#[test]
fn a_timer_longer_than_a_day_is_refused() {
    for key in [
        "header_read_timeout_seconds",
        "body_timeout_seconds",
        "request_grace_seconds",
        "write_stall_seconds",
        "min_fill_seconds",
    ] {
        let err = load(&format!("{key} = 9223372036854775807\n")).unwrap_err();
        assert!(err.contains(key) && err.contains("a day"), "{key}: {err}");
        assert!(load(&format!("{key} = 86400\n")).is_ok(), "{key}");
    }
    assert!(load("header_read_timeout_seconds = 0\n").is_err());
    assert!(load("request_grace_seconds = 0\n").is_ok());
}

/// Found by the `config` fuzz target: 1e-300 minutes is above 0 but
/// no time at all, and was taken as a session that ends at once.
#[test]
fn a_session_idle_time_too_small_to_last_is_refused() {
    for tiny in ["1e-300", "5e-324", "0.0", "-1.0", "nan", "inf"] {
        let err = load(&format!("admin_session_idle_minutes = {tiny}\n")).unwrap_err();
        assert!(err.contains("admin_session_idle_minutes"), "{tiny}: {err}");
    }
    let c = load("admin_session_idle_minutes = 0.5\n").unwrap();
    assert_eq!(c.admin_session_idle, Duration::from_secs(30));
}

#[test]
fn the_console_speaks_one_shipped_language() {
    assert_eq!(load("").unwrap().admin_language, Catalogue::ENGLISH);
    assert_eq!(load("admin_language = \"fa\"\n").unwrap().admin_language.tag(), "fa");
    for unknown in ["de", "FA", "", "zh"] {
        let err = load(&format!("admin_language = \"{unknown}\"\n")).unwrap_err();
        assert!(
            err.contains("`admin_language`") && err.contains("en, es, fa, ru, zh-Hans"),
            "{unknown}: {err}"
        );
    }
}

#[test]
fn onion_keys_are_read_and_a_given_listen_is_remembered() {
    let c = Config::new("d".into());
    assert!(!c.onion && !c.admin_onion && c.onion_pow && !c.listen_given);
    let c = load("onion = true\nadmin_onion = true\nonion_pow = false\nonion_arti_config = \"net.toml\"\n")
        .unwrap();
    assert!(c.onion && c.admin_onion && !c.onion_pow && !c.listen_given);
    assert!(c.onion_arti_config.unwrap().ends_with("net.toml"));
    assert!(load("listen = \"127.0.0.1:9000\"\n").unwrap().listen_given);
}

#[test]
fn the_command_line_wins_over_the_file_and_is_checked_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("undersign.toml");
    std::fs::write(&path, "listen = \"127.0.0.1:9000\"\nonion = false\n").unwrap();
    let mut set = toml::Table::new();
    set.insert("listen".into(), "unix:/run/u.sock".into());
    set.insert("onion".into(), true.into());
    let c = Config::load("d".into(), Some(&path), set).unwrap();
    assert_eq!(c.listen, ListenAddr::Unix("/run/u.sock".into()));
    assert!(c.onion && c.listen_given);
    let mut bad = toml::Table::new();
    bad.insert("admin_listen".into(), "nowhere".into());
    let err = Config::load("d".into(), Some(&path), bad.clone()).unwrap_err().to_string();
    assert!(err.contains("(command line)") && err.contains("`admin_listen`"), "{err}");
    assert!(err.contains("neither HOST:PORT nor unix:/path"), "{err}");
    let err = Config::load("d".into(), None, bad).unwrap_err().to_string();
    assert!(err.contains("(command line)") && err.contains("`admin_listen`"), "{err}");
    std::fs::write(&path, "admin_listen = \"nowhere\"\n").unwrap();
    let err = Config::load("d".into(), Some(&path), toml::Table::new()).unwrap_err().to_string();
    assert!(err.contains("undersign.toml") && !err.contains("command line"), "{err}");
}

#[test]
fn relative_paths_are_the_files_folders() {
    let c = load(
        "letter = \"letter.md\"\n[import]\nindividuals = \"people.txt\"\norganizations = \"/abs/orgs.txt\"\n",
    )
    .unwrap();
    assert!(c.letter.unwrap().is_absolute());
    assert_eq!(c.import[0], (Kind::Organization, PathBuf::from("/abs/orgs.txt")));
    assert_eq!(c.import[1].0, Kind::Individual);
    assert!(c.import[1].1.is_absolute() && c.import[1].1.ends_with("people.txt"));
    assert!(load("[import]\npeople = \"p.txt\"\n").unwrap_err().contains("people"));
}

/// The keys [`Config`]'s declaration reads, as serde hands them to a
/// deserializer: the declaration itself, not a copy of it.
fn declared_keys() -> Vec<&'static str> {
    struct Keys(Vec<&'static str>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<T: std::fmt::Display>(_: T) -> Stop {
            Stop
        }
    }
    impl<'de> serde::Deserializer<'de> for &mut Keys {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0.extend(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut keys = Keys(Vec::new());
    let _ = Config::deserialize(&mut keys);
    keys.0
}

/// The rows of the README's configuration reference: each row's keys and
/// its default cell.
fn documented() -> Vec<(Vec<String>, String)> {
    let readme = include_str!("../../README.md");
    let section = readme.split("## Configuration reference").nth(1).expect("the README has the section");
    let section = section.split("\n#").next().unwrap();
    let ticked =
        |cell: &str| -> Vec<String> { cell.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let keys =
                if cells[0].contains("[import]") { vec!["import".to_string()] } else { ticked(cells[0]) };
            (keys, cells[1].to_string())
        })
        .collect()
}

#[test]
fn the_readme_documents_every_key_and_its_default() {
    let declared = declared_keys();
    assert!(declared.len() > 30 && declared.contains(&"min_fill_seconds"), "{declared:?}");
    let rows = documented();
    let documented: Vec<&str> = rows.iter().flat_map(|(keys, _)| keys.iter().map(String::as_str)).collect();
    for key in &declared {
        assert!(documented.contains(key), "`{key}` is not in the README's configuration reference");
    }
    for key in &documented {
        assert!(declared.contains(key), "the README documents `{key}`, which Config does not read");
    }
    let defaults = Config::new("d".into());
    let mut checked = 0;
    for (keys, cell) in &rows {
        let values: Vec<String> = cell.split('`').skip(1).step_by(2).map(str::to_string).collect();
        if values.is_empty() {
            // "none", "embedded letter": no value to set.
            continue;
        }
        assert_eq!(values.len(), keys.len(), "one default per key: {keys:?} {cell}");
        for (key, value) in keys.iter().zip(values) {
            let set = Config::parse("d".into(), &format!("{key} = {value}\n"), Path::new("u.toml"))
                .unwrap_or_else(|e| panic!("the README's default of `{key}`, {value}, is refused: {e}"));
            assert_eq!(Config { listen_given: false, ..set }, defaults, "the README's default of `{key}`");
            checked += 1;
        }
    }
    assert!(checked > 25, "{checked} defaults checked");
}

#[test]
fn proofs_go_through_tor_daily_unless_said_otherwise() {
    let c = load("").unwrap();
    assert_eq!(c.proof_proxy, ProofProxy::tor());
    assert_eq!(
        (c.proof_check_interval, c.publish_proven, c.proof_ca_file),
        (Duration::from_secs(86_400), false, None)
    );
    let c = load("proof_proxy = \"direct\"\nproof_check_seconds = 5\npublish_proven = true\nproof_ca_file = \"ca.pem\"\n")
        .unwrap();
    assert_eq!(
        (c.proof_proxy, c.proof_check_interval, c.publish_proven),
        (ProofProxy::Direct, Duration::from_secs(5), true)
    );
    assert!(c.proof_ca_file.unwrap().ends_with("ca.pem"));
    assert!(load("proof_check_seconds = 4\n").unwrap_err().contains("proof_check_seconds"));
    let refused = load("proof_proxy = \"socks5://127.0.0.1:9050\"\n").unwrap_err();
    assert!(refused.contains("proof_proxy") && refused.contains("socks5h://"), "{refused}");
}
