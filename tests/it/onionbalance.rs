//! Beyond one machine, end to end over the private Tor network
//! (`tests/tor-network/network.sh start` and `balance`): an origin on
//! loopback; two replicas, each behind its own tor as an Onionbalance
//! instance (Unix socket, PROXY lines); Onionbalance publishing the
//! frontend address; a C tor client that fetches the letter and signs
//! through the frontend address. The name reaches the origin, then both
//! replicas; with one replica and its tor stopped, the frontend still
//! answers through the other. Prints the wall time and the time from the
//! signature to the name on each replica.
//!
//! Needs tor, curl, openssl and onionbalance (`ONIONBALANCE`, or on the
//! PATH; `.ci/run` installs it); skipped with a reason without them,
//! required under CI=true. Takes 1 to 10 minutes (tor's bootstrap, Onionbalance's publishing).

use crate::common::{self, Server};
use crate::mirror::key_of;
use crate::tor_network::{have, network, script, Client, Network};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The replicas poll this often: the name shows within it.
const INTERVAL_SECONDS: u64 = 2;

/// The `onionbalance` program, if there is one.
fn onionbalance() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ONIONBALANCE") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let out = Command::new("sh").args(["-c", "command -v onionbalance"]).output().ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
}

/// The Python that runs `program` (its `#!` line), which has onionbalance's modules.
fn python_of(program: &Path) -> PathBuf {
    let text = std::fs::read_to_string(program).unwrap();
    let first = text.lines().next().unwrap_or("");
    let interpreter = first.strip_prefix("#!").unwrap_or("python3").split_whitespace().next().unwrap();
    PathBuf::from(interpreter)
}

/// Processes this test started, each stopped by its PID: TERM, then KILL
/// after 10 s (Onionbalance has been seen to ignore one TERM).
#[derive(Default)]
struct Started(Vec<(String, Child)>);

impl Started {
    fn add(&mut self, name: &str, child: Child) {
        self.0.push((name.to_string(), child));
    }

    fn stop(&mut self, name: &str) {
        if let Some(at) = self.0.iter().position(|(n, _)| n == name) {
            let (_, mut child) = self.0.remove(at);
            stop(&mut child);
        }
    }
}

fn stop(child: &mut Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    common::wait_at_most(child, Duration::from_secs(10), |c| drop(c.kill()));
}

impl Drop for Started {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            stop(child);
        }
    }
}

/// A GET on a replica's socket, as its tor sends it (a PROXY line first);
/// the whole answer, or "" when it could not be had.
fn get_direct(socket: &Path, path: &str) -> String {
    let Ok(mut stream) = UnixStream::connect(socket) else { return String::new() };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!(
        "PROXY TCP6 fc00:dead:beef:4dad::0:3c ::1 60 80\r\nGET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    );
    let mut answer = String::new();
    if stream.write_all(request.as_bytes()).is_ok() {
        let _ = stream.read_to_string(&mut answer);
    }
    answer
}

/// Waits at most `limit` for `done`, every half second.
fn within(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    done()
}

#[test]
fn replicas_behind_one_onionbalance_address_take_signatures_for_the_origin() {
    for tool in ["tor", "tor-gencert", "curl", "openssl"] {
        if !common::require_tool(have(tool), tool) {
            return;
        }
    }
    let Some(balancer) = onionbalance() else {
        common::require_tool(false, "onionbalance");
        return;
    };
    let began = Instant::now();
    let _heavy = common::heavy::alone();
    let net = Network { dir: tempfile::tempdir().unwrap(), server: None };
    let dir = net.dir.path().to_path_buf();
    let mut started = Started::default();
    let out = network("start", &dir);
    assert!(out.status.success(), "network.sh start: {}", String::from_utf8_lossy(&out.stderr));

    // The origin, on loopback: a private link from the replicas.
    let origin = Server::start_with("min_fill_seconds = 0\nsnapshot_interval_seconds = 1\n");
    let key = key_of(&origin.data);
    let out = Command::new("bash")
        .arg(script())
        .args(["balance".as_ref(), dir.as_os_str()])
        .env("ONIONBALANCE_CONFIG", balancer.with_file_name("onionbalance-config"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "network.sh balance: {}", String::from_utf8_lossy(&out.stderr));

    // Each replica as deployed behind its tor: a Unix socket, PROXY lines.
    let config = dir.join("replica.toml");
    std::fs::write(&config, "min_fill_seconds = 0\n").unwrap();
    for i in [1, 2] {
        let child = Command::new(common::binary())
            .args(["replica", "--origin", &format!("http://{}", origin.addr), "--key", &key, "--secret"])
            .arg(origin.data.join("secret"))
            .args(["--interval", &INTERVAL_SECONDS.to_string(), "--proxy-protocol", "--listen"])
            .arg(format!("unix:{}", dir.join(format!("b{i}/http.sock")).display()))
            .arg("--data")
            .arg(dir.join(format!("replica{i}")))
            .arg("--config")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join(format!("replica{i}.out"))).unwrap())
            .stderr(std::fs::File::create(dir.join(format!("replica{i}.err"))).unwrap())
            .spawn()
            .unwrap();
        started.add(&format!("replica{i}"), child);
    }

    // Onionbalance once its tor has a consensus (its first query is not
    // guarded), with the 5 s first pause.
    let consensus = dir.join("ob-tor/cached-microdesc-consensus");
    assert!(within(Duration::from_secs(180), || consensus.exists()), "the management tor got no consensus");
    // And the relays' microdescriptors, which its first publish needs too.
    let microdescs = ["cached-microdescs", "cached-microdescs.new"].map(|f| dir.join("ob-tor").join(f));
    assert!(
        within(Duration::from_secs(120), || microdescs.iter().any(|f| f.exists())),
        "the management tor got no microdescriptors"
    );
    let control = std::fs::read_to_string(dir.join("ob/control_port")).unwrap();
    let log = std::fs::File::create(dir.join("onionbalance.log")).unwrap();
    let child = Command::new(python_of(&balancer))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tor-network/onionbalance-soon.py"))
        .args(["--is-testnet", "-v", "info", "-c"])
        .arg(dir.join("ob/config.yaml"))
        .args(["-i", "127.0.0.1", "-p", control.trim(), "-s"])
        .arg(dir.join("ob/no-such.sock"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    started.add("onionbalance", child);

    let front = std::fs::read_to_string(dir.join("front")).unwrap().trim().to_string();
    let up = Command::new("bash")
        .arg(script())
        .args(["wait-onion".as_ref(), dir.as_os_str()])
        .env("ONION", &front)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let balancer_log = || std::fs::read_to_string(dir.join("onionbalance.log")).unwrap_or_default();
    assert!(
        up.status.success(),
        "the frontend never answered:\n{}\nonionbalance:\n{}",
        String::from_utf8_lossy(&up.stderr),
        balancer_log()
    );
    let reachable = began.elapsed();
    // Onionbalance publishes with the instances it has: the first frontend
    // descriptor may hold one backend's introduction points only. Both, before
    // one is stopped.
    let both = within(Duration::from_secs(180), || balancer_log().contains("intros from 2 instances"));
    assert!(both, "onionbalance never published both backends:\n{}", balancer_log());

    // A signer through the frontend: the letter with its form, then signed.
    let socks = format!("127.0.0.1:{}", std::fs::read_to_string(dir.join("socks_port")).unwrap().trim());
    let client = Client { socks, onion: front.clone() };
    let page = client.curl("reader", &[&client.url("/")]);
    assert!(page.contains("<h1>Secure the Internet</h1>") && page.contains("name=\"token\""), "{page}");
    assert_eq!(client.sign_all("signer", &["Balanced Signer"]), vec![200], "signed through the frontend");
    let signed = Instant::now();
    assert!(origin.published_names().contains(&"Balanced Signer".to_string()), "on the origin");

    // Then on both replicas, within the poll interval (and a snapshot).
    let sockets = [1, 2].map(|i| dir.join(format!("b{i}/http.sock")));
    let mut reached: [Option<Duration>; 2] = [None, None];
    within(Duration::from_secs(30), || {
        for (socket, seen) in sockets.iter().zip(&mut reached) {
            if seen.is_none() && get_direct(socket, "/signatories.json").contains("\"Balanced Signer\"") {
                *seen = Some(signed.elapsed());
            }
        }
        reached.iter().all(Option::is_some)
    });
    let [Some(first), Some(second)] = reached else {
        panic!("not on both replicas within 30 s: {reached:?}")
    };

    // One replica stopped with its tor: the frontend answers through the other.
    started.stop("replica1");
    let out = Command::new("bash")
        .arg(script())
        .args(["stop-one".as_ref(), dir.as_os_str(), "b1".as_ref()])
        .output();
    assert!(out.unwrap().status.success(), "stopping b1's tor");
    // The client may first try the stopped one's introduction points (or
    // hold a descriptor from before both were published): a bounded retry
    // on fresh circuits for the first answer, then each fetch must answer.
    let stopped = Instant::now();
    let mut tries = 0;
    let through = within(Duration::from_secs(240), || {
        tries += 1;
        let page =
            client.curl(&format!("retry{tries}"), &["--max-time", "20", &client.url("/signatories.json")]);
        page.contains("\"Balanced Signer\"")
    });
    assert!(through, "the frontend never answered with replica 1 down:\n{}", balancer_log());
    println!("with replica 1 down, the frontend answered after {:.0} s", stopped.elapsed().as_secs_f64());
    for n in 1..=3 {
        let page = client.curl(&format!("after{n}"), &[&client.url("/signatories.json")]);
        assert!(page.contains("\"Balanced Signer\""), "fetch {n} with replica 1 down: {page}");
    }

    // Nothing of the signer printed by either replica.
    for i in [1, 2] {
        for stream in ["out", "err"] {
            let said = std::fs::read_to_string(dir.join(format!("replica{i}.{stream}"))).unwrap();
            assert!(!said.contains("Balanced Signer"), "replica {i} printed the name: {said}");
        }
    }
    println!(
        "onionbalance test: frontend reachable after {:.0} s; the name on replica 1 {:.1} s and on replica 2 {:.1} s after the thank-you page; wall time {:.0} s",
        reachable.as_secs_f64(),
        first.as_secs_f64(),
        second.as_secs_f64(),
        began.elapsed().as_secs_f64()
    );
    drop(started);
    drop(net);
}
