//! End to end over a private Tor network on 127.0.0.1 (built by
//! `tests/tor-network/network.sh` from Debian's tor): undersign behind an
//! onion configured as in `torrc.example` (Unix socket, PROXY lines with the
//! circuit id), reached with curl through a client tor's SOCKS port. Fetch
//! the letter, sign, see the name published, see two circuits throttled
//! independently, and reach the console's onion with client authorization.
//!
//! Needs tor, curl and openssl; skipped with a reason without them, required
//! under CI=true. Takes 30 s to 5 min (tor's bootstrap).

use crate::common;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

pub(crate) fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub(crate) fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tor-network/network.sh")
}

pub(crate) fn network(cmd: &str, dir: &Path) -> Output {
    Command::new("bash").arg(script()).arg(cmd).arg(dir).stdin(Stdio::null()).output().unwrap()
}

/// Stops the tors and undersign, by their PIDs, whatever happens.
pub(crate) struct Network {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) server: Option<std::process::Child>,
}

impl Drop for Network {
    fn drop(&mut self) {
        if let Some(mut s) = self.server.take() {
            let _ = s.kill();
            let _ = s.wait();
        }
        let _ = network("stop", self.dir.path());
    }
}

pub(crate) struct Client {
    pub(crate) socks: String,
    pub(crate) onion: String,
}

impl Client {
    /// curl through the client tor; `circuit` picks the SOCKS username, so
    /// tor isolates each on its own circuit. Bounded by --max-time. A try
    /// that reached nothing (a circuit on a fresh test network can fail to
    /// build) is made again, at most [`TRIES`] times in all.
    pub(crate) fn curl(&self, circuit: &str, args: &[&str]) -> String {
        for _ in 1..TRIES {
            let out = self.curl_once(circuit, args);
            if out.status.success() || !out.stdout.is_empty() {
                return String::from_utf8_lossy(&out.stdout).into_owned();
            }
            std::thread::sleep(std::time::Duration::from_secs(2));
        }
        String::from_utf8_lossy(&self.curl_once(circuit, args).stdout).into_owned()
    }

    fn curl_once(&self, circuit: &str, args: &[&str]) -> Output {
        Command::new("curl")
            .args(["-s", "--max-time", "60", "--socks5-hostname", &self.socks, "--proxy-user"])
            .arg(format!("{circuit}:x"))
            .args(args)
            .output()
            .unwrap()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.onion)
    }

    /// `n` fresh form tokens, fetched over one connection.
    fn tokens(&self, circuit: &str, n: usize) -> Vec<String> {
        let urls: Vec<String> = (0..n).map(|_| self.url("/")).collect();
        let pages = self.curl(circuit, &urls.iter().map(String::as_str).collect::<Vec<_>>());
        let marker = "name=\"token\" value=\"";
        pages.split(marker).skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect()
    }

    /// Signs with each name over ONE connection (curl reuses it across
    /// --next), so the circuit keeps its bucket; returns the HTTP statuses.
    /// The series is made again, with new tokens, only if no request in it
    /// reached the server (curl's 000 for each).
    pub(crate) fn sign_all(&self, circuit: &str, names: &[&str]) -> Vec<u16> {
        let mut statuses = Vec::new();
        for _ in 0..TRIES {
            statuses = self.sign_all_once(circuit, names);
            if statuses.iter().any(|s| *s != 0) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_secs(2));
        }
        statuses
    }

    fn sign_all_once(&self, circuit: &str, names: &[&str]) -> Vec<u16> {
        let tokens = self.tokens(circuit, names.len());
        assert_eq!(tokens.len(), names.len(), "one form per name");
        let proxy_user = format!("{circuit}:x");
        let url = self.url("/sign");
        let mut args: Vec<String> = Vec::new();
        for (i, (name, token)) in names.iter().zip(&tokens).enumerate() {
            if i > 0 {
                args.push("--next".into());
            }
            let body = common::sign_body(token, name);
            args.extend(
                [
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}\n",
                    "--max-time",
                    "60",
                    "--socks5-hostname",
                    &self.socks,
                    "--proxy-user",
                    &proxy_user,
                    "--data",
                    &body,
                    &url,
                ]
                .map(String::from),
            );
        }
        Self::statuses(&Command::new("curl").args(&args).output().unwrap())
    }

    fn statuses(out: &Output) -> Vec<u16> {
        String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect()
    }
}

/// Tries of one curl through the test network before its answer is taken.
const TRIES: usize = 4;

#[test]
fn sign_through_an_onion_service_with_per_circuit_limits() {
    for tool in ["tor", "tor-gencert", "curl", "openssl"] {
        if !common::require_tool(have(tool), tool) {
            return;
        }
    }
    // A dozen processes and minutes of bounded waits: no Chromium or vnu
    // run beside it (dropped last, after the network has stopped).
    let _heavy = common::heavy::alone();
    let mut net = Network { dir: tempfile::tempdir().unwrap(), server: None };
    let dir = net.dir.path().to_path_buf();
    let started = network("start", &dir);
    assert!(started.status.success(), "network.sh start: {}", String::from_utf8_lossy(&started.stderr));

    // undersign as deployed: Unix sockets only, PROXY lines required.
    let config = dir.join("undersign.toml");
    std::fs::write(
        &config,
        "min_fill_seconds = 0\npage_rebuild_ms = 0\ncircuit_sign_burst = 2\ncircuit_sign_per_minute = 1\n",
    )
    .unwrap();
    let server = Command::new(common::binary())
        .arg("serve")
        .arg("--listen")
        .arg(format!("unix:{}", dir.join("http.sock").display()))
        .arg("--proxy-protocol")
        .arg("--admin-listen")
        .arg(format!("unix:{}", dir.join("admin.sock").display()))
        .arg("--data")
        .arg(dir.join("data"))
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    net.server = Some(server);

    let waited = Instant::now();
    let up = network("wait-onion", &dir);
    assert!(
        up.status.success(),
        "the onion never answered:\n{}\n{}",
        String::from_utf8_lossy(&up.stdout),
        String::from_utf8_lossy(&up.stderr)
    );
    eprintln!("onion reachable after {:.0} s of waiting", waited.elapsed().as_secs_f64());

    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap().trim().to_string();
    let client = Client { socks: format!("127.0.0.1:{}", read("socks_port")), onion: read("onion") };

    let page = client.curl("reader", &[&client.url("/")]);
    assert!(page.contains("<h1>Secure the Internet</h1>"), "the letter over the onion");

    assert_eq!(client.sign_all("alice", &["Onion Signer One"]), vec![200]);
    let json = client.curl("reader", &[&client.url("/signatories.json")]);
    assert!(json.contains("\"Onion Signer One\""), "published at once");

    // Circuit "bob": a burst of 2, then 429; circuit "carol" is not slowed.
    let bob = client.sign_all("bob", &["Bob Signer One", "Bob Signer Two", "Bob Signer Three"]);
    assert_eq!(bob, vec![200, 200, 429], "the third signature on one circuit waits");
    assert_eq!(client.sign_all("carol", &["Carol Signer One"]), vec![200], "another circuit signs");

    // The console's onion answers only to a client with its key (the
    // client tor holds one), and serves the sign-in page.
    let admin = Client { socks: client.socks.clone(), onion: read("admin_onion") };
    let login = admin.curl("moderator", &[&admin.url("/login")]);
    assert!(login.contains("Moderation: sign in"), "the console over its own onion");
}

/// The same proofs with no tor daemon in front: `undersign serve --onion`
/// publishes the letter itself through arti (feature `onion`), joined to
/// the private network by the arti TOML that `network.sh arti-config`
/// writes. The console is an onion of its own in restricted discovery
/// mode, the address survives a restart, and nothing the server prints
/// is about a visitor or a circuit.
#[cfg(feature = "onion")]
#[test]
fn sign_through_an_in_process_arti_onion() {
    let Some((_heavy, mut net)) = arti_network() else { return };
    let dir = net.dir.path().to_path_buf();
    let config = dir.join("undersign.toml");
    std::fs::write(
        &config,
        "min_fill_seconds = 0\npage_rebuild_ms = 0\ncircuit_sign_burst = 2\ncircuit_sign_per_minute = 1\n\
         onion = true\nadmin_onion = true\nonion_arti_config = \"arti.toml\"\n",
    )
    .unwrap();
    let data = dir.join("data");
    let undersign = |args: &[&str]| {
        let mut c = Command::new(common::binary());
        c.args(args).arg("--data").arg(&data).arg("--config").arg(&config).stdin(Stdio::null());
        c
    };

    // Moving from the tor daemon: arti reads C tor's HiddenServiceDir key
    // and serves the same address (checked offline, in a data dir of its own).
    let moved = dir.join("moved.toml");
    std::fs::write(&moved, "onion = true\nonion_tor_key_dir = \"hs/undersign\"\n").unwrap();
    let from_tor = Command::new(common::binary())
        .args(["onion-address", "--data"])
        .arg(dir.join("moved-data"))
        .arg("--config")
        .arg(&moved)
        .output()
        .unwrap();
    let tor_onion = std::fs::read_to_string(dir.join("onion")).unwrap();
    assert_eq!(String::from_utf8_lossy(&from_tor.stdout).trim(), tor_onion.trim(), "{from_tor:?}");

    // The console's client key, as a moderator would add it (the client tor
    // holds the private half), and the client tor told the console's address.
    std::fs::create_dir_all(data.join("onion/admin-clients")).unwrap();
    let public_key = std::fs::read_to_string(dir.join("hs/admin-client.pub.key")).unwrap();
    std::fs::write(
        data.join("onion/admin-clients/test.auth"),
        format!("descriptor:x25519:{}\n", public_key.trim()),
    )
    .unwrap();
    let addresses = undersign(&["onion-address"]).output().unwrap();
    assert!(addresses.status.success(), "onion-address: {}", String::from_utf8_lossy(&addresses.stderr));
    let addresses = String::from_utf8(addresses.stdout).unwrap();
    let [onion, admin_onion] = addresses.lines().collect::<Vec<_>>()[..] else {
        panic!("two addresses: {addresses}")
    };
    let (onion, admin_onion) = (onion.to_string(), admin_onion.to_string());
    let private_key = std::fs::read_to_string(dir.join("hs/admin-client.prv.key")).unwrap();
    let auth = dir.join("client/onion_auth/arti-admin.auth_private");
    std::fs::write(
        &auth,
        format!("{}:descriptor:x25519:{}\n", admin_onion.trim_end_matches(".onion"), private_key.trim()),
    )
    .unwrap();
    std::fs::set_permissions(&auth, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let restarted = network("restart-client", &dir);
    assert!(restarted.status.success(), "restart-client: {}", String::from_utf8_lossy(&restarted.stderr));

    let serve = |run: usize| {
        let out = std::fs::File::create(dir.join(format!("serve{run}.out"))).unwrap();
        let err = std::fs::File::create(dir.join(format!("serve{run}.err"))).unwrap();
        undersign(&["serve"]).stdout(out).stderr(err).spawn().unwrap()
    };
    let wait = |what: &str| {
        let waited = Instant::now();
        let up = Command::new("bash")
            .arg(script())
            .args(["wait-onion".as_ref(), dir.as_os_str()])
            .env("ONION", &onion)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            up.status.success(),
            "the arti onion never answered ({what}):\n{}\n{}",
            String::from_utf8_lossy(&up.stdout),
            String::from_utf8_lossy(&up.stderr)
        );
        eprintln!("arti onion reachable {what} after {:.0} s", waited.elapsed().as_secs_f64());
    };
    net.server = Some(serve(1));
    wait("from start");

    let socks = format!("127.0.0.1:{}", std::fs::read_to_string(dir.join("socks_port")).unwrap().trim());
    let client = Client { socks: socks.clone(), onion: onion.clone() };
    let page = client.curl("reader", &[&client.url("/")]);
    assert!(page.contains("<h1>Secure the Internet</h1>"), "the letter over the arti onion");
    assert_eq!(client.sign_all("alice", &["Arti Signer One"]), vec![200]);
    let json = client.curl("reader", &[&client.url("/signatories.json")]);
    assert!(json.contains("\"Arti Signer One\""), "published at once");
    let bob = client.sign_all("bob", &["Arti Bob One", "Arti Bob Two", "Arti Bob Three"]);
    assert_eq!(bob, vec![200, 200, 429], "the third signature on one circuit waits");
    assert_eq!(client.sign_all("carol", &["Arti Carol One"]), vec![200], "another circuit signs");
    // Port 80 only: any other port is refused, and nothing answers.
    let other_port = client.curl("reader", &[&format!("http://{onion}:8080/")]);
    assert_eq!(other_port, "", "a stream to port 8080 is refused");

    // The console's descriptor goes up on its own schedule: a bounded retry.
    let admin = Client { socks: socks.clone(), onion: admin_onion.clone() };
    let waited = Instant::now();
    let console_up = (0..20).any(|_| {
        let login = admin.curl("moderator", &["--max-time", "20", &admin.url("/login")]);
        login.contains("Moderation: sign in") || {
            std::thread::sleep(std::time::Duration::from_secs(3));
            false
        }
    });
    assert!(console_up, "the console over its own arti onion");
    eprintln!("arti console onion reachable {:.0} s after the letter", waited.elapsed().as_secs_f64());

    // arti's replay logs, which would date each introduction, are in
    // memory: links under the data dir, arti's writes behind them, and no
    // log file left under the data dir; gone when the server stops.
    let replay = std::fs::read_link(data.join("onion/state/hss/undersign/iptreplay")).unwrap();
    assert!(!replay.starts_with(&dir), "{}", replay.display());
    let logged: u64 = std::fs::read_dir(&replay).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    assert!(logged > 0, "arti wrote its replay log in memory");
    assert_eq!(files_named(&data.join("onion"), ".bin"), Vec::<PathBuf>::new(), "no replay log on disk");

    // A restart keeps the keys, so the address.
    let first = net.server.take().unwrap();
    stop(first);
    assert!(!replay.exists(), "the replay logs go when the server stops");
    net.server = Some(serve(2));
    wait("after a restart");
    let again = client.curl("reader2", &[&client.url("/signatories.json")]);
    assert!(again.contains("\"Arti Signer One\""), "the same onion serves the same letter");
    stop(net.server.take().unwrap());

    // What the two runs printed: the start-up line, and each onion's
    // address once arti calls it reachable (its status flips on every 20 s
    // consensus here, so it may not have yet), or that it is not yet.
    let started = "undersign: serving “Secure the Internet” on an onion service (publishing), console on an onion of its own (publishing), data in ";
    for run in [1, 2] {
        let out = std::fs::read_to_string(dir.join(format!("serve{run}.out"))).unwrap();
        let err = std::fs::read_to_string(dir.join(format!("serve{run}.err"))).unwrap();
        assert!(out.starts_with(started), "run {run}: {out}");
        for (what, host) in [("the letter is", &onion), ("the console is", &admin_onion)] {
            let reachable = format!("undersign: {what} reachable at http://{host}");
            let not_yet =
                format!("undersign: {what} not reachable yet at http://{host} after 180 s; still trying");
            assert!(out.lines().skip(1).all(|l| l.starts_with("undersign: the ")), "run {run}: {out}");
            assert!(out.lines().filter(|l| *l == reachable).count() <= 1, "run {run}: {out}");
            assert!(
                err.lines().all(|l| l == not_yet || l.starts_with("undersign: the ")),
                "run {run}: {err}"
            );
        }
        for line in out.lines().skip(1).chain(err.lines()) {
            assert!(line.contains(&onion) || line.contains(&admin_onion), "run {run} printed {line:?}");
        }
    }
}

/// Files (not links, not what they point to) under `dir` whose names end
/// with `suffix`.
#[cfg(feature = "onion")]
fn files_named(dir: &std::path::Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file() && entry.file_name().to_string_lossy().ends_with(suffix) {
                found.push(entry.path());
            }
        }
    }
    found
}

/// The private network started, with the arti TOML that joins it in
/// `DIR/arti.toml`, held alone on the machine; `None` (the test skips)
/// without the tools.
#[cfg(feature = "onion")]
fn arti_network() -> Option<(std::sync::RwLockWriteGuard<'static, ()>, Network)> {
    for tool in ["tor", "tor-gencert", "curl", "openssl"] {
        if !common::require_tool(have(tool), tool) {
            return None;
        }
    }
    let heavy = common::heavy::alone();
    let net = Network { dir: tempfile::tempdir().unwrap(), server: None };
    let dir = net.dir.path();
    let started = network("start", dir);
    assert!(started.status.success(), "network.sh start: {}", String::from_utf8_lossy(&started.stderr));
    let arti = network("arti-config", dir);
    assert!(arti.status.success(), "network.sh arti-config: {}", String::from_utf8_lossy(&arti.stderr));
    std::fs::write(dir.join("arti.toml"), &arti.stdout).unwrap();
    Some((heavy, net))
}

/// SIGTERM, then a bounded wait for the graceful exit.
#[cfg(feature = "onion")]
fn stop(mut server: std::process::Child) {
    let _ = Command::new("kill").args(["-TERM", &server.id().to_string()]).status();
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    while Instant::now() < deadline {
        if server.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
    panic!("undersign did not stop within 20 s of SIGTERM");
}

/// A build without the feature says which feature `--onion` needs, and
/// starts nothing.
#[cfg(not(feature = "onion"))]
#[test]
fn a_build_without_the_onion_feature_names_it() {
    let data = tempfile::tempdir().unwrap();
    for args in [&["serve", "--onion"][..], &["serve", "--admin-onion"], &["onion-address"]] {
        let out = Command::new(common::binary())
            .args(args)
            .arg("--data")
            .arg(data.path().join("data"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains("`onion` cargo feature") && err.contains("--features onion"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing served");
    }
}

/// `--onion` with `--listen`: both serve. arti is pointed at a closed port
/// on 127.0.0.1, so the onion never comes up and nothing leaves the
/// machine; the TCP listener answers, and the start-up line names both.
#[cfg(feature = "onion")]
#[test]
fn onion_and_listen_serve_side_by_side() {
    use std::io::{BufRead, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let arti = dir.path().join("arti.toml");
    std::fs::write(
        &arti,
        "[tor_network.authorities]\nv3idents = [\"7A98ABC757C22AE516F754A2354B9C71FFBA7EEB\"]\n\
         [[tor_network.fallback_caches]]\nrsa_identity = \"2083CBDC9ED63CFDCA9048C1022C7DB396AFDC48\"\n\
         ed_identity = \"/P1atPMiRUHrYkKCGE7QU4AcRkMp8RIUw0P8OGlNZrI\"\norports = [\"127.0.0.1:9\"]\n",
    )
    .unwrap();
    let config = dir.path().join("undersign.toml");
    std::fs::write(&config, "onion_arti_config = \"arti.toml\"\n").unwrap();
    let mut server = Command::new(common::binary())
        .args(["serve", "--onion", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path().join("data"))
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let result = std::panic::catch_unwind(|| {
        assert!(line.contains(" and an onion service (publishing)"), "{line}");
        let addr = line.split("http://").nth(1).unwrap().split(' ').next().unwrap();
        let mut tcp = std::net::TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut page = String::new();
        tcp.read_to_string(&mut page).unwrap();
        assert!(page.starts_with("HTTP/1.1 200") && page.contains("<h1>Secure the Internet</h1>"));
    });
    stop(server);
    result.unwrap();
}

/// A mirror of an onion origin (feature `onion`): `undersign mirror
/// --origin http://X.onion` polls the origin, here behind the network's
/// tor daemon, over arti, and serves its letter and list on loopback.
#[cfg(feature = "onion")]
#[test]
fn a_mirror_copies_an_onion_origin_over_arti() {
    let Some((_heavy, mut net)) = arti_network() else { return };
    let dir = net.dir.path().to_path_buf();

    let origin_config = dir.join("origin.toml");
    std::fs::write(&origin_config, "min_fill_seconds = 0\nsnapshot_interval_seconds = 1\n").unwrap();
    let origin_data = dir.join("data");
    net.server = Some(
        Command::new(common::binary())
            .arg("serve")
            .arg("--listen")
            .arg(format!("unix:{}", dir.join("http.sock").display()))
            .arg("--proxy-protocol")
            .arg("--data")
            .arg(&origin_data)
            .arg("--config")
            .arg(&origin_config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let key_file = origin_data.join("snapshot.key");
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    while !key_file.exists() && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let key = Command::new(common::binary()).arg("key").arg("--data").arg(&origin_data).output().unwrap();
    assert!(key.status.success(), "undersign key: {}", String::from_utf8_lossy(&key.stderr));
    let key = String::from_utf8(key.stdout).unwrap().lines().last().unwrap().to_string();

    // The origin's descriptor is up (the network's client tor reaches it)
    // before the mirror looks for it.
    let up = network("wait-onion", &dir);
    assert!(
        up.status.success(),
        "the origin's onion never answered: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let onion = std::fs::read_to_string(dir.join("onion")).unwrap().trim().to_string();
    let origin = format!("http://{onion}");
    let mirror_config = dir.join("mirror.toml");
    std::fs::write(&mirror_config, "onion_arti_config = \"arti.toml\"\n").unwrap();
    // arti bootstraps from cold, then the rendezvous: a bounded wait. On a
    // fresh test network arti has been seen to keep asking for a descriptor
    // it could not find (its view of the network behind the daemon's); a
    // second mirror, with arti's state made anew, is tried once.
    let waited = Instant::now();
    let mut tries = 0;
    let (mut mirror, page) = 'tries: loop {
        tries += 1;
        let mirror = common::Server::spawn_command(
            &["mirror", "--origin", &origin, "--key", &key, "--interval", "5"],
            &dir.join(format!("mirror-data-{tries}")),
            &mirror_config,
        );
        let started = Instant::now();
        loop {
            let page = mirror.get("/");
            if page.status == 200 && page.body.contains("This is a mirror of") {
                break 'tries (mirror, page);
            }
            if started.elapsed() > std::time::Duration::from_secs(180) {
                assert!(
                    tries < 2,
                    "the mirror never copied the onion origin ({}); output: {}",
                    page.status,
                    mirror.output()
                );
                eprintln!("try {tries}: no copy after 180 s; output: {}", mirror.output());
                break;
            }
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    };
    eprintln!(
        "the mirror adopted the onion origin's snapshot {:.0} s after it started",
        waited.elapsed().as_secs_f64()
    );
    assert!(page.body.contains("<h1>Secure the Internet</h1>"), "the origin's letter");
    assert!(page.body.contains(&format!("<a href=\"{origin}/#sign\">sign the letter there</a>")));
    let json = mirror.get("/signatories.json");
    let compact = json.body.replace([' ', '\n'], "");
    assert!(json.status == 200 && compact.contains("\"total\":322"), "the origin's 322 names");
    mirror.stop();
    let out = mirror.output();
    assert!(out.contains("adopted snapshot"), "{out}");
    for line in out.lines() {
        assert!(line.starts_with("undersign: "), "the mirror printed {line:?}");
    }
}
