//! A mirror and a replica whose origin is an onion, reached through the
//! tor daemon's SocksPort (`--origin-proxy socks5h://HOST:PORT`), as a
//! build without arti does it: here the SocksPort is the test's small
//! SOCKS5 proxy, which leads any v3 onion name to the origin's loopback
//! port. The mirror adopts the origin's snapshots and follows a new name;
//! a signature through the replica reaches the origin; the proxy was only
//! ever handed the onion's name (nothing resolved by undersign).

use crate::common::socks::{self, Asked};
use crate::common::Server;
use crate::mirror::{key_of, Mirror};
use crate::replica::Replica;
use std::sync::Arc;

const ORIGIN_CONFIG: &str = "min_fill_seconds = 0\nsnapshot_interval_seconds = 1\n";

/// The origin's onion name, as the mirror and the replica are given it.
const ONION: &str = "originxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion";

/// A proxy that leads the origin's onion name to `origin`; its
/// `socks5h://` address and what it was asked for.
fn tor_socks_port(origin: &Server) -> (String, Asked) {
    assert!(socks::is_onion_v3(ONION));
    let asked = Asked::default();
    let to = origin.addr;
    let proxy = socks::proxy(Arc::clone(&asked), move |name| socks::is_onion_v3(name).then_some(to));
    (format!("socks5h://{proxy}"), asked)
}

/// Every request to the proxy named the onion, port 80: nothing resolved.
fn only_the_name_was_asked_for(asked: &Asked) {
    let asked = asked.lock().unwrap();
    assert!(!asked.is_empty(), "the origin was reached through the proxy");
    let wanted = format!("{ONION}:80");
    assert!(asked.iter().all(|a| *a == wanted), "{asked:?}");
}

#[test]
fn a_mirror_adopts_an_onion_origins_snapshot_through_the_origin_proxy() {
    let origin = Server::start_with(ORIGIN_CONFIG);
    let (proxy, asked) = tor_socks_port(&origin);
    let onion = format!("http://{ONION}");
    let mirror = Mirror::start(&onion, &key_of(&origin.data), &["--origin-proxy", &proxy]);
    let page = mirror.page_when("the origin's letter", |p| p.contains("Secure the Internet"));
    assert!(page.contains(&format!("This is a mirror of <a href=\"{onion}\"")), "{page}");

    assert_eq!(origin.sign("Olga Throughproxy", "individual", &[]).status, 200);
    mirror.page_when("the new name", |p| p.contains(">Olga Throughproxy<"));
    only_the_name_was_asked_for(&asked);
}

#[test]
fn a_replica_signs_for_an_onion_origin_through_the_origin_proxy() {
    let origin = Server::start_with(ORIGIN_CONFIG);
    let (proxy, asked) = tor_socks_port(&origin);
    let replica = Replica::start_with(
        &format!("http://{ONION}"),
        &key_of(&origin.data),
        &origin.data.join("secret"),
        "",
        &["--origin-proxy", &proxy],
    );
    replica.page_when("/", "the letter with its form", |p| p.contains("name=\"token\""));
    let thanks = replica.sign("", "Piet Throughproxy");
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(thanks.body.contains("Thank you for signing"), "{}", thanks.body);
    assert!(origin.published_names().contains(&"Piet Throughproxy".to_string()), "on the origin");
    replica.page_when("/", "the new name", |p| p.contains(">Piet Throughproxy<"));
    only_the_name_was_asked_for(&asked);
}

/// Starts `undersign mirror` with `args`, an empty config and a fresh
/// data dir; what it said on stderr, once it has refused to start.
fn mirror_refused(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("undersign.toml");
    std::fs::write(&config, "").unwrap();
    let out = std::process::Command::new(crate::common::binary())
        .arg("mirror")
        .args(args)
        .arg("--data")
        .arg(dir.path().join("data"))
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_origin_proxy_is_socks5h_or_refused_at_start() {
    let onion = format!("http://{ONION}");
    let said =
        mirror_refused(&["--origin", &onion, "--key", "RWQ", "--origin-proxy", "socks5://127.0.0.1:9050"]);
    assert!(said.contains("origin_proxy") && said.contains("socks5h://HOST:PORT"), "{said}");
}

/// Without arti and without a proxy, an onion origin is refused at start,
/// and the refusal says how to reach it through the tor daemon.
#[cfg(not(feature = "onion"))]
#[test]
fn without_arti_an_onion_origin_asks_for_the_origin_proxy() {
    let origin = Server::start_with(ORIGIN_CONFIG);
    let said = mirror_refused(&["--origin", &format!("http://{ONION}"), "--key", &key_of(&origin.data)]);
    assert!(said.contains("--origin-proxy socks5h://127.0.0.1:9050"), "{said}");
}
