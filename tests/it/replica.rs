//! A replica as a signer and its operator meet it: the letter with the
//! sign form, signing and withdrawing through it in English and Spanish
//! with the origin's own pages coming back, the name reaching the origin
//! at once and the replica within its poll interval; with the origin
//! stopped, signing and withdrawal answer 503 with `Retry-After` within a
//! few seconds while the read pages go on; nothing of a signer printed; the
//! origin told nothing of the signer's request but the form; a secret file
//! others can read refused at start.

use crate::common::{self, Response, Server};
use crate::mirror::key_of;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

const ORIGIN_CONFIG: &str = "min_fill_seconds = 0\nsnapshot_interval_seconds = 1\n";

/// A replica of `origin` (its address and data dir), polling every second.
pub(crate) struct Replica {
    pub(crate) server: Server,
    _dir: tempfile::TempDir,
}

impl Replica {
    fn start(origin: &str, key: &str, secret: &Path) -> Replica {
        Replica::start_with(origin, key, secret, "", &[])
    }

    /// With more configuration and arguments.
    pub(crate) fn start_with(
        origin: &str,
        key: &str,
        secret: &Path,
        config: &str,
        extra: &[&str],
    ) -> Replica {
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join("undersign.toml");
        std::fs::write(&config_path, format!("min_fill_seconds = 0\n{config}")).unwrap();
        let secret = secret.to_str().unwrap();
        let mut args =
            vec!["replica", "--origin", origin, "--key", key, "--secret", secret, "--interval", "1"];
        args.extend(extra);
        let server = Server::spawn_command(&args, &dir.path().join("data"), &config_path);
        Replica { server, _dir: dir }
    }

    /// Waits until `path` answers 200 with a body satisfying `wanted`.
    pub(crate) fn page_when(
        &self,
        path: &str,
        what: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let page = self.server.get(path);
            if page.status == 200 && wanted(&page.body) {
                return (page.body, start.elapsed());
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the replica never showed {what} at {path} ({}); output: {}",
                page.status,
                self.server.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Signs with a form of the replica's page at `prefix` ("" or "/es").
    pub(crate) fn sign(&self, prefix: &str, name: &str) -> Response {
        let token = self.server.get(&format!("{prefix}/")).form_token();
        self.server.post_form(
            &format!("{prefix}/sign"),
            &[("token", &token), ("name", name), ("kind", "individual"), ("listed", "yes")],
        )
    }
}

#[test]
fn signing_and_withdrawing_through_a_replica_reach_the_origin_and_come_back() {
    let mut origin = Server::start_with(ORIGIN_CONFIG);
    let replica = Replica::start(
        &format!("http://{}", origin.addr),
        &key_of(&origin.data),
        &origin.data.join("secret"),
    );
    let (letter, _) = replica.page_when("/", "the letter with its form", |p| p.contains("name=\"token\""));
    assert!(letter.contains("action=\"/sign\"") && !letter.contains("This is a mirror of"), "no banner");

    // Signed through the replica: the origin's thank-you page, with its
    // withdrawal code, and the replica's sentence on when the name shows.
    let thanks = replica.sign("", "Ada Replicant");
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(thanks.body.contains("Thank you for signing"), "{}", thanks.body);
    assert!(
        thanks.body.contains("This copy of the letter shows new names within one second:"),
        "{}",
        thanks.body
    );
    let code = thanks.withdrawal_code();
    assert!(origin.published_names().contains(&"Ada Replicant".to_string()), "on the origin at once");
    let (_, took) = replica.page_when("/", "the new name", |p| p.contains(">Ada Replicant<"));
    println!("the name reached the replica {} ms after the thank-you page", took.as_millis());
    assert!(took < Duration::from_secs(5), "within the poll interval and a snapshot: {took:?}");

    // In Spanish, the origin's Spanish page; its refusals relayed as they are.
    let gracias = replica.sign("/es", "Bea Réplica");
    assert_eq!(gracias.status, 200, "{}", gracias.body);
    assert!(
        gracias.body.contains("Gracias por firmar") && gracias.body.contains("en menos de un segundo:"),
        "{}",
        gracias.body
    );
    let token = replica.server.get("/").form_token();
    let fields = [("token", token.as_str()), ("name", "Cy Twice"), ("kind", "individual")];
    assert_eq!(replica.server.post_form("/sign", &fields).status, 200);
    let again = replica.server.post_form("/sign", &fields);
    assert_eq!(again.status, 409, "the origin's store decides single use: {}", again.body);
    // What the replica can check itself never travels.
    let forged = replica
        .server
        .post_form("/sign", &[("token", "AAAA"), ("name", "Dee Forged"), ("kind", "individual")]);
    assert_eq!(forged.status, 400);
    assert!(forged.body.contains("value=\"Dee Forged\""), "the form again, nothing lost");

    // Withdrawn through the replica: gone from the origin, then from it.
    let withdrawn = replica.server.post_form("/withdraw", &[("code", &code)]);
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.body);
    assert!(!origin.published_names().contains(&"Ada Replicant".to_string()));
    replica.page_when("/", "the withdrawal", |p| !p.contains("Ada Replicant") && p.contains("Bea Réplica"));
    let unknown = replica.server.post_form("/es/withdraw", &[("code", "no-such-code")]);
    assert_eq!(unknown.status, 404, "the origin's refusal: {}", unknown.body);

    // The origin stopped: a clear 503 soon, the read pages as they were.
    origin.stop();
    let start = Instant::now();
    let down = replica.sign("", "Eve Waiting");
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
    assert_eq!(down.status, 503, "{}", down.body);
    assert!(down.header("retry-after").is_some_and(|s| s.parse::<u32>().is_ok_and(|s| s <= 60)));
    assert!(down.body.contains("cannot be reached") && down.body.contains("value=\"Eve Waiting\""));
    let down = replica.server.post_form("/fa/withdraw", &[("code", "some-code")]);
    assert_eq!(down.status, 503, "{}", down.body);
    assert!(down.header("retry-after").is_some());
    assert!(replica.server.get("/").body.contains(">Bea Réplica<"));
    let json = replica.server.get("/signatories.json");
    assert_eq!(json.status, 200);
    assert!(json.body.contains("Bea Réplica"));

    // Nothing of a signer is printed.
    let out = replica.server.output();
    for name in ["Ada Replicant", "Bea Réplica", "Cy Twice", "Dee Forged", "Eve Waiting", &code] {
        assert!(!out.contains(name), "{name} printed: {out}");
    }
}

#[test]
fn the_origin_sees_the_form_and_nothing_of_the_signers_request() {
    // A fake origin that keeps what it is sent and thanks for it.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = listener.local_addr().unwrap();
    let seen = std::thread::spawn(move || loop {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let head = common::read_request_head(&mut stream);
        let length = head.lines().find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
        });
        // The poller's GETs: no snapshot here.
        let Some(length) = length.filter(|_| head.starts_with("POST")) else {
            let _ =
                stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            continue;
        };
        let mut body = vec![0; length];
        stream.read_exact(&mut body).unwrap();
        let page = "<main id=\"main\"><h1>Thanks</h1></main>";
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
            page.len()
        );
        stream.write_all(answer.as_bytes()).unwrap();
        break (head, String::from_utf8(body).unwrap());
    });
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    let key = undersign::tokens::Secret::load_or_create(dir.path()).unwrap();
    let replica = Replica::start(&format!("http://{origin}"), &key_of_new_origin(dir.path()), &secret);

    let body = common::sign_body(&key.issue_token(), "Fay Private");
    let sent = replica.server.request(
        format!(
            "POST /sign HTTP/1.1\r\nHost: replica.onion\r\nUser-Agent: Signer/1.0\r\nReferer: http://elsewhere/\r\nX-Forwarded-For: 192.0.2.7\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("<h1>Thanks</h1><p class=\"note\" role=\"status\">"), "{}", sent.body);
    let (head, form) = seen.join().unwrap();
    assert!(head.starts_with("POST /sign HTTP/1.1\r\n"), "{head}");
    let lower = head.to_ascii_lowercase();
    for leak in ["signer/1.0", "elsewhere", "192.0.2.7", "forwarded", "via:", "replica.onion", "user-agent"] {
        assert!(!lower.contains(leak), "{leak} reached the origin: {head}");
    }
    assert!(form.contains("name=Fay+Private") && form.contains("kind=individual"), "{form}");
}

/// A key for a replica whose origin is fake: any minisign public key does.
fn key_of_new_origin(_: &Path) -> String {
    crate::mirror::Signer::new(None).key()
}

#[test]
fn a_secret_others_can_read_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, [7u8; 32]).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = std::process::Command::new(common::binary())
        .args(["replica", "--origin", "http://127.0.0.1:9", "--key", &key_of_new_origin(dir.path())])
        .args(["--secret", secret.to_str().unwrap(), "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--secret") && said.contains("readable by others (mode 644)"), "{said}");
}

#[test]
fn a_replicas_pages_and_the_relayed_ones_pass_the_nu_html_checker() {
    let Some(jar) = common::vnu::require_vnu() else { return };
    let mut origin = Server::start_with(ORIGIN_CONFIG);
    let replica = Replica::start(
        &format!("http://{}", origin.addr),
        &key_of(&origin.data),
        &origin.data.join("secret"),
    );
    replica.page_when("/", "the letter with its form", |p| p.contains("name=\"token\""));
    let mut pages = Vec::new();
    for path in ["/", "/fa/", "/privacy", "/withdraw", "/zh-Hans/withdraw"] {
        pages.push((format!("replica{}", path.replace('/', "_")), 200, replica.server.get(path)));
    }
    pages.push(("replica_thank_you_fa".into(), 200, replica.sign("/fa", "Gia Valid")));
    pages.push(("replica_refused".into(), 400, replica.server.post_form("/sign", &[("name", "Hal")])));
    origin.stop();
    pages.push(("replica_origin_down".into(), 503, replica.sign("/ru", "Ivo Waiting")));
    common::vnu::assert_valid(&jar, "replica", &pages);
}

/// A request as tor sends it with `HiddenServiceExportCircuitID haproxy`:
/// the PROXY line naming circuit `circuit` first.
fn on_circuit(circuit: u16, request: &str) -> Vec<u8> {
    format!("PROXY TCP6 fc00:dead:beef:4dad::{circuit:x} ::1 {circuit} 80\r\n{request}").into_bytes()
}

#[test]
fn the_replica_applies_the_per_circuit_limit_before_anything_is_sent_on() {
    let origin = Server::start_with(ORIGIN_CONFIG);
    let replica = Replica::start_with(
        &format!("http://{}", origin.addr),
        &key_of(&origin.data),
        &origin.data.join("secret"),
        "circuit_sign_burst = 2\ncircuit_sign_per_minute = 1\n",
        &["--proxy-protocol"],
    );
    let get = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let deadline = Instant::now() + Duration::from_secs(30);
    while !replica.server.request(&on_circuit(1, get)).body.contains("name=\"token\"") {
        assert!(Instant::now() < deadline, "no letter: {}", replica.server.output());
        std::thread::sleep(Duration::from_millis(50));
    }
    let sign = |circuit: u16, name: &str| {
        let token = replica.server.request(&on_circuit(circuit, get)).form_token();
        let body = common::sign_body(&token, name);
        let post = format!(
            "POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        replica.server.request(&on_circuit(circuit, &post)).status
    };
    assert_eq!([sign(7, "Jo One"), sign(7, "Jo Two"), sign(7, "Jo Three")], [200, 200, 429]);
    assert_eq!(sign(8, "Kim Other"), 200, "another circuit is not slowed");
    let names = origin.published_names();
    assert!(names.contains(&"Jo Two".to_string()) && names.contains(&"Kim Other".to_string()));
    assert!(!names.contains(&"Jo Three".to_string()), "the refused one never reached the origin");
}
