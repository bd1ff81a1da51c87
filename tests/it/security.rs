//! What an outside audit found, each closed: the console's sessions end
//! with their passphrase and at their age, it answers only to its own
//! names, and its forms cannot send a moderator off-site; requests whose
//! framing is ambiguous or whose head is too large are refused by the
//! server's own pages, with every security header; and a mirror neither
//! floods its disk for a lying chunk list nor shows the letter's markup
//! unsanitised.

use crate::common::console::{set_passphrase, signed_in, Console, CONSOLE, PASSPHRASE};
use crate::common::{self, Server};
use std::time::{Duration, Instant};

/// A signed-in moderator's session ends at her next request once her
/// passphrase is changed from the command line, while the server runs.
#[test]
fn a_session_ends_when_its_passphrase_changes() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    assert_eq!(console.get("/").status, 200);
    set_passphrase(&server, "alice", "a brand new passphrase");
    let after = console.get("/");
    assert_eq!((after.status, after.header("location")), (303, Some("/login")));
    let mut again = Console::new(&server);
    assert_eq!(again.sign_in("alice", PASSPHRASE).status, 401, "the old passphrase is gone");
    assert_eq!(again.sign_in("alice", "a brand new passphrase").status, 303);
}

/// A session in constant use still ends `admin_session_max_minutes` after
/// signing in.
#[test]
fn a_busy_session_ends_at_its_age() {
    let server = Server::start_with(&format!("{CONSOLE}admin_session_max_minutes = 0.05\n"));
    let console = signed_in(&server);
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        assert_eq!(console.get("/").status, 200, "used, so not idle");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(console.get("/").header("location"), Some("/login"), "past three seconds");
}

/// A page elsewhere that rebinds its name to 127.0.0.1 reaches the
/// console's port with its own name as `Host`: refused, whatever it asks.
#[test]
fn the_console_refuses_a_host_that_is_not_its_own() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    let admin = server.admin.unwrap();
    for host in ["evil.example", &format!("evil.example:{}", admin.port()), "127.0.0.1.evil.example"] {
        let r = common::request(
            admin,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\n{}Connection: close\r\n\r\n", console.cookie_header())
                .as_bytes(),
        );
        assert_eq!(r.status, 421, "{host}");
        assert!(r.body.contains("This console answers only to its own address."), "{}", r.body);
        assert!(!r.body.contains("Signed in as"), "{host}");
        assert!(r.header("content-security-policy").is_some());
    }
    for host in ["localhost", &format!("127.0.0.1:{}", admin.port()), "[::1]:9000"] {
        let r = common::request(
            admin,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\n{}Connection: close\r\n\r\n", console.cookie_header())
                .as_bytes(),
        );
        assert_eq!(r.status, 200, "{host}");
    }
}

/// A `return` field with a TAB (which browsers drop from a `Location`,
/// making `/\t/evil.example/` read as `//evil.example/`) goes back to the
/// console's start, not off-site.
#[test]
fn a_return_field_cannot_redirect_off_the_console() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    // The console adds what was done (`?done=…`) to the page it goes back to.
    let path =
        |r: &common::Response| r.header("location").map(|l| l.split('?').next().unwrap_or("").to_string());
    for to in ["/\t/evil.example/", "/\\evil.example", "//evil.example", "/\n/evil.example"] {
        let r = console.post("/action", &[("csrf", &console.csrf()), ("action", "pause"), ("return", to)]);
        assert_eq!((r.status, path(&r).as_deref()), (303, Some("/")), "{to:?}");
    }
    let r = console.post("/action", &[("csrf", &console.csrf()), ("action", "resume"), ("return", "/queue")]);
    assert_eq!((r.status, path(&r).as_deref()), (303, Some("/queue")));
}

/// An origin that answers each path with what `answer` gives (status
/// line's code, ETag, body), or 404; `seen` is told each path asked for.
struct ScriptedOrigin {
    addr: std::net::SocketAddr,
}

type Script = dyn Fn(&str, &str) -> Option<(u16, String, Vec<u8>)> + Send + Sync;

impl ScriptedOrigin {
    fn start(answer: std::sync::Arc<Script>) -> ScriptedOrigin {
        use std::io::Write;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let head = common::read_request_head(&mut stream);
                let path = head.split(' ').nth(1).unwrap_or("").to_string();
                let reply = match answer(&path, &head) {
                    Some((status, etag, body)) => {
                        let mut a = format!(
                            "HTTP/1.1 {status} X\r\nETag: {etag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            if status == 304 { 0 } else { body.len() }
                        )
                        .into_bytes();
                        if status != 304 {
                            a.extend_from_slice(&body);
                        }
                        a
                    }
                    None => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
                    }
                };
                let _ = stream.write_all(&reply);
            }
        });
        ScriptedOrigin { addr }
    }
}

/// A hostile origin's chunk list names the mirror's largest chunk
/// thousands of times, each "1 byte": the mirror builds nothing past its
/// bound, refuses the list, and says so once.
#[test]
fn a_lying_chunk_list_cannot_flood_a_mirrors_disk() {
    use crate::mirror::{refs, Mirror, Signer};
    use std::sync::{Arc, Mutex};
    use undersign::domain::Day;
    let signer = Signer::new(None);
    let names: Vec<String> = (0..2000).map(|i| format!("Signatory Number {i:04}")).collect();
    let one = signer.sign(&refs(&names), Day::today());
    const LIMIT: u64 = 1_000_000;
    assert!((one.json.len() as u64) < LIMIT);
    let list: Arc<Mutex<Option<String>>> = Arc::default();
    let data: Arc<Mutex<Option<std::path::PathBuf>>> = Arc::default();
    let built: Arc<Mutex<Vec<u64>>> = Arc::default();
    let (l, d, b, snapshot) = (Arc::clone(&list), Arc::clone(&data), Arc::clone(&built), one.clone());
    let origin = ScriptedOrigin::start(Arc::new(move |path: &str, head: &str| {
        let etag = format!("\"{}\"", snapshot.seq);
        match path {
            "/snapshot.json" if head.contains(&format!("If-None-Match: {etag}")) => Some((304, etag, vec![])),
            "/snapshot.json" => Some((200, etag, snapshot.json.clone())),
            "/snapshot.json.minisig" => {
                // What the mirror built from the list, when it asks for its signature.
                let incoming = d.lock().unwrap().as_ref().map(|d| d.join("mirror/incoming.json"));
                if let Some(size) = incoming.and_then(|p| std::fs::metadata(p).ok()).map(|m| m.len()) {
                    b.lock().unwrap().push(size);
                }
                // Said to be of the listed snapshot, once there is a list.
                let tag = if l.lock().unwrap().is_some() { "\"2\"".into() } else { etag };
                Some((200, tag, snapshot.sig.clone()))
            }
            "/snapshot.chunks" => l.lock().unwrap().clone().map(|t| (200, "\"2\"".into(), t.into_bytes())),
            _ => None,
        }
    }));
    let mirror = Mirror::start(
        &format!("http://{}", origin.addr),
        &signer.key(),
        &["--max-snapshot-bytes", &LIMIT.to_string()],
    );
    *data.lock().unwrap() = Some(mirror.data.clone());
    mirror.page_when("snapshot 1", |p| p.contains("(snapshot 1)"));
    // The largest chunk the mirror holds, named 3000 times as 1 byte each.
    let held = std::fs::read_to_string(mirror.data.join("mirror/snapshots/1/snapshot.chunks")).unwrap();
    let (len, sha) = held
        .lines()
        .skip(1)
        .map(|l| l.split_once(' ').unwrap())
        .max_by_key(|(len, _)| len.parse::<u64>().unwrap())
        .unwrap();
    assert!(len.parse::<u64>().unwrap() * 3000 > 10 * LIMIT, "a chunk of {len} bytes");
    let mut lie = "undersign-chunks-1 seq=2 size=3000\n".to_string();
    lie.push_str(&format!("1 {sha}\n").repeat(3000));
    *list.lock().unwrap() = Some(lie);
    mirror.said("the lying list", "its chunk list names a chunk of 1 bytes that is");
    std::thread::sleep(Duration::from_secs(3)); // three more polls
    let sizes = built.lock().unwrap().clone();
    assert!(sizes.iter().all(|s| *s <= LIMIT), "built {sizes:?} bytes from the list");
    let out = mirror.server.output();
    assert_eq!(out.matches("its chunk list names a chunk").count(), 1, "said once: {out}");
    let page = mirror.page_when("snapshot 1 still", |p| p.contains("(snapshot 1)"));
    assert!(page.contains(">Signatory Number 0001<"));
}

/// A snapshot's letter is HTML made from Markdown; one signed with a
/// script, an event handler and an image from elsewhere is shown by a
/// mirror with none of them.
#[test]
fn a_mirror_shows_the_letter_without_markup_the_markdown_cannot_make() {
    use crate::mirror::{Mirror, Signer};
    use std::sync::Arc;
    use undersign::domain::Day;
    let signer = Signer::new(None);
    let mut letter = undersign::letter::Content::embedded().letter;
    letter.text_html = concat!(
        "<p>Kept <em>words</em> and <a href=\"https://example.org/x\">a link</a>.</p>\n",
        "<script>alert(1)</script><img src=\"http://tracker.example/p.png\" onerror=\"alert(2)\">",
        "<p onclick=\"alert(3)\" style=\"color:red\">Clicked</p>",
        "<a href=\"javascript:alert(4)\">bad link</a><iframe src=\"http://x.example/\"></iframe>",
        "<svg><a xlink:href=\"javascript:alert(5)\">svg</a></svg><!-- <script>alert(6)</script> -->"
    )
    .into();
    letter.principles_html = vec!["One <strong onmouseover=\"alert(7)\">bold</strong> principle".into()];
    let signed = signer.sign_letter(&["Alice First"], Day::today(), letter);
    let origin = ScriptedOrigin::start(Arc::new(move |path: &str, _: &str| {
        let etag = format!("\"{}\"", signed.seq);
        match path {
            "/snapshot.json" => Some((200, etag, signed.json.clone())),
            "/snapshot.json.minisig" => Some((200, etag, signed.sig.clone())),
            _ => None,
        }
    }));
    let mirror = Mirror::start(&format!("http://{}", origin.addr), &signer.key(), &[]);
    let page = mirror.page_when("the letter", |p| p.contains(">Alice First<"));
    for bad in [
        "<script",
        "alert(",
        "onerror",
        "onclick",
        "onmouseover",
        "<img",
        "tracker.example",
        "style=",
        "<iframe",
        "javascript:",
        "<svg",
        "xlink",
    ] {
        assert!(!page.contains(bad), "{bad} in the mirror's page:\n{page}");
    }
    assert!(
        page.contains("<p>Kept <em>words</em> and <a href=\"https://example.org/x\">a link</a>.</p>"),
        "{page}"
    );
    assert!(page.contains("<p>Clicked</p>") && page.contains("<strong>bold</strong>"), "{page}");
}

/// Every answer in `bytes`, by its status line.
fn answers(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.match_indices("HTTP/1.1 ").map(|(i, _)| text[i..].lines().next().unwrap().to_string()).collect()
}

/// Writes `raw` on a new connection and reads until the server closes it.
fn exchange(server: &Server, raw: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(raw).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    bytes
}

/// The security headers every answer carries, and none that tells the time
/// or the software.
fn assert_security_headers(r: &common::Response) {
    let csp = r.header("content-security-policy").expect("a CSP");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(r.header("date").is_none() && r.header("server").is_none());
}

/// A length given both ways is refused with 400 before the body is read,
/// as the README says, and the request behind it on the stream is not
/// answered: one answer, and the connection closes.
#[test]
fn a_length_given_two_ways_is_refused_and_nothing_behind_it_is_read() {
    let server = Server::start();
    let smuggled = "GET /privacy HTTP/1.1\r\nHost: localhost\r\n\r\n";
    for framing in [
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
    ] {
        let bytes = exchange(
            &server,
            format!("POST /sign HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n{framing}\r\n0\r\n\r\n{smuggled}").as_bytes(),
        );
        assert_eq!(answers(&bytes), ["HTTP/1.1 400 Bad Request"], "{framing:?}");
        let r = common::parse_response(&bytes);
        assert!(r.body.contains("The request gave its length in two ways at once"), "{}", r.body);
        assert_eq!(r.header("connection"), Some("close"));
        assert_security_headers(&r);
    }
    // Pipelined behind a good request, the good one is answered first.
    let bytes = exchange(
        &server,
        format!("GET / HTTP/1.1\r\nHost: localhost\r\n\r\nPOST /sign HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{smuggled}").as_bytes(),
    );
    assert_eq!(answers(&bytes), ["HTTP/1.1 200 OK", "HTTP/1.1 400 Bad Request"]);
}

/// A head past the server's bound, or one that is not HTTP, gets the
/// server's own refusal page with every security header, not hyper's
/// bare one.
#[test]
fn an_oversized_or_broken_head_is_refused_with_the_security_headers() {
    let server = Server::start();
    let mut big = "GET / HTTP/1.1\r\nHost: localhost\r\n".to_string();
    while big.len() <= 65 * 1024 {
        big.push_str(&format!("X-Filler-{}: {}\r\n", big.len(), "a".repeat(1000)));
    }
    big.push_str("\r\n");
    let r = common::parse_response(&exchange(&server, big.as_bytes()));
    assert_eq!(r.status, 431, "{}", r.body);
    assert!(r.body.contains("Request too large"), "{}", r.body);
    assert_security_headers(&r);
    for broken in [&b"GET / HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n"[..], b"HELLO\r\n\r\n"] {
        let r = common::parse_response(&exchange(&server, broken));
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.contains("not well-formed HTTP"), "{}", r.body);
        assert_security_headers(&r);
    }
}
