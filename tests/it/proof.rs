//! Organisations prove their signature from their own website. A local
//! HTTPS site (certificates of a test CA) serves each test domain's
//! `/.well-known/undersign.txt` from a table the test changes; the server
//! reaches it only through a small SOCKS5 proxy written here, which takes
//! every host name as a name (nothing is resolved by the server) and leads
//! it to the local site. One domain is served with a certificate of another
//! CA; one redirects off its domain.

use crate::common::console::{self, Console};
use crate::common::{socks, Response, Server};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_rustls::rustls;

/// The proof files by host name, as the test sets them.
type Files = Arc<Mutex<HashMap<String, String>>>;

/// A CA of the test's, and a certificate for `names` that it signed.
struct TestCa {
    pem: String,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl TestCa {
    fn new(name: &str) -> TestCa {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
        let pem = params.self_signed(&key).unwrap().pem();
        TestCa { pem, issuer: rcgen::Issuer::new(params, key) }
    }

    /// A TLS server configuration with a certificate for `names`.
    fn server_config(&self, names: &[&str]) -> Arc<rustls::ServerConfig> {
        let key = rcgen::KeyPair::generate().unwrap();
        let params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let key = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Arc::new(
            rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![cert.der().clone()], key)
                .unwrap(),
        )
    }
}

/// An HTTPS site on a loopback port: each request answered from `files`
/// by its `Host`, or with a redirect off the domain for `redirect.example`.
fn https_site(config: Arc<rustls::ServerConfig>, files: Files) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let (config, files) = (Arc::clone(&config), Arc::clone(&files));
            std::thread::spawn(move || {
                let Ok(tls) = rustls::ServerConnection::new(config) else { return };
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
                let mut stream = rustls::StreamOwned::new(tls, tcp);
                let mut reader = BufReader::new(&mut stream);
                let mut head = Vec::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push(line);
                }
                let host = head
                    .iter()
                    .find_map(|l| l.strip_prefix("host: ").or_else(|| l.strip_prefix("Host: ")))
                    .map(|h| h.trim().to_string())
                    .unwrap_or_default();
                let path_ok = head.first().is_some_and(|l| l.starts_with("GET /.well-known/undersign.txt "));
                let answer = match (host.as_str(), path_ok) {
                    ("redirect.example", _) => "HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/.well-known/undersign.txt\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
                    (_, true) => match files.lock().unwrap().get(&host) {
                        Some(file) => format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{file}",
                            file.len()
                        ),
                        None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
                    },
                    _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
                };
                let _ = stream.write_all(answer.as_bytes());
                let _ = stream.flush();
                stream.conn.send_close_notify();
                let _ = stream.flush();
            });
        }
    });
    addr
}

/// The line a thank-you page asks to publish.
fn proof_line(thanks: &Response) -> String {
    let start = thanks.body.find("undersign-proof ").expect("the thank-you page shows a line to publish");
    let end = start + thanks.body[start..].find('<').unwrap();
    thanks.body[start..end].to_string()
}

/// Waits (at most 40 s: checks every 5 s, each fetch under 10 s) for `done`.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(40), "{what}: not within 40 s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The console page of the signature named `name` (one of the test's: they
/// come after the seed's 322 names).
fn signature_page(console: &Console, name: &str) -> (u64, String) {
    for id in (300..400).rev() {
        let page = console.get(&format!("/signature/{id}"));
        if page.status == 200 && page.body.contains(&format!("<dd dir=\"auto\">{name}</dd>")) {
            return (id, page.body);
        }
    }
    panic!("no signature named {name}");
}

fn proof_of(server: &Server, name: &str) -> serde_json::Value {
    let json = server.json();
    let found = json["signatories"].as_array().unwrap().iter().find(|s| s["name"] == name).cloned();
    found.map_or(serde_json::Value::Null, |s| s["proof"].clone())
}

/// The test's world: the server behind the proxy, a signed-in moderator,
/// the files the websites serve, and the names the proxy was asked for.
struct World {
    server: Server,
    console: Console,
    files: Files,
    asked: Arc<Mutex<Vec<String>>>,
    today: String,
}

impl World {
    fn start() -> World {
        let ca = TestCa::new("undersign test CA");
        let stranger = TestCa::new("a CA nobody trusts");
        let names = [
            "proving.example",
            "wrongline.example",
            "redirect.example",
            "elsewhere.example",
            "wrongca.example",
        ];
        let files: Files = Arc::default();
        let site = https_site(ca.server_config(&names), Arc::clone(&files));
        let other = https_site(stranger.server_config(&names), Arc::clone(&files));
        let asked = Arc::new(Mutex::new(Vec::new()));
        let proxy = socks::proxy(Arc::clone(&asked), move |name| {
            Some(if name == "wrongca.example" { other } else { site })
        });
        let config = format!(
            "{}proof_proxy = \"socks5h://{proxy}\"\nproof_ca_file = \"ca.pem\"\nproof_check_seconds = 5\npublish_proven = true\nsnapshot_interval_seconds = 1\n",
            console::CONSOLE
        );
        let server = Server::start_with_files(&config, &[("ca.pem", &ca.pem)]);
        let console = console::signed_in(&server);
        let today = undersign::domain::Day::today().to_string();
        World { server, console, files, asked, today }
    }

    /// Signs as `name` with `website`; the line and the host it is for.
    fn sign_with_website(&self, name: &str, website: &str) -> (String, String) {
        let thanks = self.server.sign(name, "organization", &[("website", website)]);
        assert_eq!(thanks.status, 200, "{}", thanks.body);
        let line = proof_line(&thanks);
        assert_eq!(line.len(), "undersign-proof ".len() + 32, "128 bits in hex: {line}");
        let host = website.trim_start_matches("https://").split('/').next().unwrap().to_lowercase();
        let url = format!("https://{host}/.well-known/undersign.txt");
        assert!(thanks.body.contains(&url), "{}", thanks.body);
        let start = thanks.body.find("Prove that your organization signed").unwrap();
        let section = &thanks.body[start..start + thanks.body[start..].find("</section>").unwrap()];
        for word in ["Tor", "tor ", "onion", "proxy", "SOCKS", "socks"] {
            assert!(!section.contains(word), "nothing about how the site is reached: {word} in {section}");
        }
        (line, host)
    }

    fn publish(&self, host: &str, file: String) {
        self.files.lock().unwrap().insert(host.into(), file);
    }
}

#[test]
fn the_website_field_is_optional_and_only_for_organisations_and_companies_with_public_websites() {
    let server = Server::start();
    let person = server.sign("Some Person", "individual", &[("website", "person.example")]);
    assert_eq!(person.status, 400, "{}", person.body);
    assert!(person.body.contains("only organizations and companies give a website"), "{}", person.body);
    let local = server.sign("Local Org", "organization", &[("website", "https://127.0.0.1/")]);
    assert_eq!(local.status, 400);
    assert!(local.body.contains("give a domain such as example.org"), "{}", local.body);
    assert!(local.body.contains("value=\"https://127.0.0.1/\""), "what was typed is kept");
    let plain = server.sign("No Website Org", "organization", &[]);
    assert_eq!(plain.status, 200, "the field is optional");
    assert!(!plain.body.contains("undersign-proof"));
}

#[test]
fn organisations_prove_their_signature_from_their_own_website() {
    let w = World::start();
    let (line, host) = w.sign_with_website("Proving Org", "https://Proving.example/about");
    let (wrong_ca_line, _) = w.sign_with_website("Wrong CA Org", "wrongca.example");
    let (redirect_line, _) = w.sign_with_website("Redirect Org", "redirect.example");
    let (wrong_line_line, _) = w.sign_with_website("Wrong Line Org", "wrongline.example");
    let all = [&line, &wrong_ca_line, &redirect_line, &wrong_line_line];
    assert_eq!(all.iter().collect::<std::collections::HashSet<_>>().len(), 4, "a token per signature");
    w.publish(&host, format!("# another letter\nundersign-proof 0123\n  {line}  \r\n"));
    w.publish("wrongline.example", format!("{line}\n"));
    w.publish("wrongca.example", format!("{wrong_ca_line}\n"));
    w.publish("elsewhere.example", format!("{redirect_line}\n"));

    a_proof_is_taken_and_shown_everywhere(&w);
    wrong_lines_certificates_and_redirects_are_refused(&w);
    a_proof_goes_with_its_line(&w);

    // Every connection went to the proxy by name, to port 443.
    let asked = w.asked.lock().unwrap();
    assert!(asked.iter().all(|a| a.ends_with(".example:443")), "{asked:?}");
    assert!(asked.iter().any(|a| a == "wrongca.example:443"), "{asked:?}");
    assert!(!asked.iter().any(|a| a.starts_with("elsewhere")), "no redirect off the domain is followed");
    assert!(!w.server.output().contains("proving.example"), "nothing of a check is printed");
}

/// Published (publish_proven), shown in the lists, search, JSON, CSV, the
/// snapshot, and a mirror's pages.
fn a_proof_is_taken_and_shown_everywhere(w: &World) {
    let server = &w.server;
    eventually("the proof is taken", || proof_of(server, "Proving Org").is_object());
    assert_eq!(
        proof_of(server, "Proving Org"),
        serde_json::json!({"domain": "proving.example", "day": w.today})
    );
    let list = server.get("/signatories/organization");
    assert!(list.body.contains("proven by proving.example"), "{}", list.body);
    assert!(server.get("/signatories?q=proving").body.contains("proven by proving.example"));
    assert!(server.get("/es/signatories/organization").body.contains("acreditada por proving.example"));
    assert!(server.get("/signatories.csv").body.contains("Proving Org,organization,,,proving.example"));
    eventually("the snapshot carries the proof", || {
        let snapshot = server.get("/snapshot.json");
        snapshot.body.contains("\"domain\":\"proving.example\"") && snapshot.body.contains(&w.today)
    });
    let mirror = crate::mirror::Mirror::start(
        &format!("http://{}", server.addr),
        &crate::mirror::key_of(&server.data),
        &[],
    );
    eventually("the mirror shows the proof", || {
        mirror.server.get("/signatories?q=proving").body.contains("proven by proving.example")
    });
}

/// A wrong line, a wrong certificate, a redirect off the domain: refused,
/// and the console says why in the moderator's words.
fn wrong_lines_certificates_and_redirects_are_refused(w: &World) {
    let problems = [
        ("Wrong Line Org", "the file does not have the line"),
        ("Wrong CA Org", "certificate was refused"),
        ("Redirect Org", "sent the request to another address"),
    ];
    for (name, why) in problems {
        eventually(&format!("{name} is checked"), || signature_page(&w.console, name).1.contains(why));
        let (_, page) = signature_page(&w.console, name);
        assert!(page.contains(&format!("last checked {}", w.today)), "{page}");
        assert!(page.contains("not found on"), "{page}");
        assert!(proof_of(&w.server, name).is_null(), "{name} is not shown as proven");
    }
    let json = w.server.json().to_string();
    assert!(!json.contains("wrongca.example") && !json.contains("elsewhere.example"));
}

/// The line gone (checked now from the console): the proof goes, and the
/// audit list says so.
fn a_proof_goes_with_its_line(w: &World) {
    w.publish("proving.example", "undersign-proof 0123\n".into());
    let (id, page) = signature_page(&w.console, "Proving Org");
    assert!(page.contains("found on proving.example"), "{page}");
    let checked = w.console.act("check", &[id], &[]);
    assert_eq!(checked.status, 303, "{}", checked.body);
    assert_eq!(checked.header("location"), Some(format!("/signature/{id}?asked=1#proof").as_str()));
    eventually("the proof goes", || proof_of(&w.server, "Proving Org").is_null());
    assert!(!w.server.get("/signatories/organization").body.contains("proven by"));
    let audit = w.console.get("/audit").body;
    assert!(audit.contains("proof gone from proving.example"), "{audit}");
    assert!(audit.contains("proof found on proving.example"), "{audit}");
    let page = w.console.get(&format!("/signature/{id}")).body;
    assert!(page.contains("the file does not have the line"), "{page}");
}

#[test]
fn a_proxy_that_refuses_connections_is_said_once_to_the_operator() {
    // Port 1 (tcpmux): never an ephemeral port another test could be
    // given, and nothing listens on it.
    let config =
        format!("{}proof_proxy = \"socks5h://127.0.0.1:1\"\nproof_check_seconds = 5\n", console::CONSOLE);
    let server = Server::start_with(&config);
    let console = console::signed_in(&server);
    for (name, website) in
        [("First Unreachable Org", "first.example"), ("Second Unreachable Org", "second.example")]
    {
        assert_eq!(server.sign(name, "organization", &[("website", website)]).status, 200);
    }
    let said = "refuses connections (is tor running?)";
    eventually("the operator is told", || server.output().contains(said));
    eventually("both are checked", || {
        signature_page(&console, "Second Unreachable Org").1.contains("the website could not be reached")
            && signature_page(&console, "First Unreachable Org")
                .1
                .contains("the website could not be reached")
    });
    assert_eq!(server.output().matches(said).count(), 1, "said once: {}", server.output());
    assert!(!server.output().contains(".example"), "no website is named on stderr");
}
