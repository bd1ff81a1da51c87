//! A real browser at Tor Browser's "Safest" level: headless Chromium with
//! JavaScript disabled loads public pages, which must render (DOM and a
//! screenshot) with exactly one request each — CSS inline, no images, a
//! `data:` favicon, so the browser asks for nothing else.
//!
//! Requests are counted by a small TCP proxy inside the test that sits
//! between Chromium and the server, so the server needs no logging.

mod common;
use common::Server;

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one Chromium run may take before it is killed.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(90);
const WINDOW: (u32, u32) = (1280, 2000);

/// Flags that work headless as root here; the profile disables JavaScript
/// (`--blink-settings=scriptEnabled=false` breaks `--screenshot`).
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// `chromium` on the PATH, if any.
fn chromium() -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// A TCP proxy that forwards to `upstream` and records every HTTP request
/// line the client sends.
struct CountingProxy {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

impl CountingProxy {
    fn start(upstream: SocketAddr) -> CountingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        // Lives until the test binary exits; it only ever sees this test's
        // browser.
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let server = match TcpStream::connect(upstream) {
                    Ok(s) => s,
                    Err(e) => {
                        seen.lock().unwrap().push(format!("(upstream failed: {e})"));
                        continue;
                    }
                };
                let (mut from_server, mut to_client) =
                    (server.try_clone().unwrap(), client.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from_server, &mut to_client);
                    let _ = to_client.shutdown(Shutdown::Write);
                });
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || forward_counting(client, server, &seen));
            }
        });
        CountingProxy { addr, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Copies client → server, recording request lines before forwarding them
/// (so a request is recorded before its response can exist).
fn forward_counting(mut client: TcpStream, mut server: TcpStream, seen: &Mutex<Vec<String>>) {
    let mut line = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = match client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                if let Some(request) = request_line(&line) {
                    seen.lock().unwrap().push(request);
                }
                line.clear();
            } else if line.len() < 16 * 1024 {
                line.push(b);
            }
        }
        if server.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = server.shutdown(Shutdown::Write);
}

/// `GET /path HTTP/1.1` and the like.
fn request_line(line: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(line).ok()?.trim_end_matches('\r');
    let mut parts = text.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let is_request = parts.next().is_none()
        && !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_uppercase())
        && !target.is_empty()
        && version.starts_with("HTTP/");
    is_request.then(|| text.to_string())
}

/// What one Chromium run produced.
struct Visit {
    dom: String,
    screenshot: PathBuf,
    requests: Vec<String>,
}

/// Loads `path` of the server at `upstream` through a fresh counting proxy
/// in a fresh JavaScript-less profile, dumping the DOM and taking a
/// screenshot in the same run. The screenshot is kept as
/// `browser-{name}.png` under Cargo's target tmp dir.
fn visit(chromium: &Path, upstream: SocketAddr, path: &str, name: &str) -> Visit {
    let proxy = CountingProxy::start(upstream);
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    std::fs::create_dir_all(profile.join("Default")).unwrap();
    std::fs::write(
        profile.join("Default").join("Preferences"),
        r#"{"profile":{"default_content_setting_values":{"javascript":2}}}"#,
    )
    .unwrap();
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("browser-{name}.png"));
    let _ = std::fs::remove_file(&screenshot);
    let dom_file = dir.path().join("dom.html");
    let log_file = dir.path().join("chromium.log");
    let url = format!("http://{}{path}", proxy.addr);
    let dom = run_chromium(
        chromium,
        &[
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={},{}", WINDOW.0, WINDOW.1),
            "--dump-dom".into(),
            format!("--screenshot={}", screenshot.display()),
            url,
        ],
        &dom_file,
        &log_file,
    );
    Visit { dom, screenshot, requests: proxy.requests() }
}

/// Runs Chromium in its own process group with stdout to `out`, waits at
/// most [`CHROMIUM_TIMEOUT`] (then kills the group), and returns stdout.
fn run_chromium(chromium: &Path, args: &[String], out: &Path, log: &Path) -> String {
    let mut child = Command::new(chromium)
        .args(FLAGS)
        .args(args)
        .stdin(Stdio::null())
        .stdout(File::create(out).unwrap())
        .stderr(File::create(log).unwrap())
        .process_group(0)
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + CHROMIUM_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            // The group id is the child's PID (process_group(0)).
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {CHROMIUM_TIMEOUT:?}; its stderr:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "chromium exited with {status}; its stderr:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
    std::fs::read_to_string(out).unwrap()
}

/// A PNG of the window's size, big enough not to be a blank page (a blank
/// 1280×2000 screenshot is about 12 KB; the letter is hundreds of KB).
fn assert_real_screenshot(path: &Path) {
    let png = std::fs::read(path).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", path.display()));
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR",
        "{} is not a PNG",
        path.display()
    );
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), WINDOW, "screenshot size");
    assert!(png.len() > 40_000, "screenshot {} is only {} bytes: a blank page?", path.display(), png.len());
}

/// Checks common to every page: one request, rendered, no script, the
/// `data:` favicon.
fn check_page(chromium: &Path, server: &Server, path: &str, name: &str, expect: &[&str]) {
    let raw = server.get(path);
    assert_eq!(raw.status, 200, "GET {path}");
    assert!(!raw.body.contains("<script"), "{path} has a <script>");
    let visit = visit(chromium, server.addr, path, name);
    assert_eq!(
        visit.requests.len(),
        1,
        "loading {path} made {} requests: {:?}",
        visit.requests.len(),
        visit.requests
    );
    assert!(visit.requests[0].starts_with(&format!("GET {path} HTTP/1.")), "{:?}", visit.requests);
    for text in expect {
        assert!(visit.dom.contains(text), "the DOM of {path} lacks {text:?}:\n{}", visit.dom);
    }
    assert!(!visit.dom.contains("<script"), "{path} has a <script>");
    assert!(visit.dom.contains("<link rel=\"icon\" href=\"data:"), "{path} has no data: favicon");
    assert_real_screenshot(&visit.screenshot);
    eprintln!("screenshot of {path}: {}", visit.screenshot.display());
}

#[test]
fn letter_page_renders_with_one_request() {
    let Some(chromium) = chromium() else {
        common::require_tool(false, "chromium");
        return;
    };
    let server = Server::start();
    check_page(
        &chromium,
        &server,
        "/",
        "letter",
        &[
            "Secure the Internet</h1>",
            "<form class=\"sign\" method=\"post\" action=\"/sign\">",
            "name=\"token\"",
            "Zimbabwe Human Rights Forum",
        ],
    );
}

#[test]
fn privacy_page_renders_with_one_request() {
    let Some(chromium) = chromium() else {
        common::require_tool(false, "chromium");
        return;
    };
    let server = Server::start();
    check_page(&chromium, &server, "/privacy", "privacy", &["</h1>"]);
}

#[test]
fn search_page_renders_with_one_request() {
    let Some(chromium) = chromium() else {
        common::require_tool(false, "chromium");
        return;
    };
    let server = Server::start();
    check_page(
        &chromium,
        &server,
        "/signatories?q=amnesty",
        "search",
        &["Amnesty International", "action=\"/signatories\""],
    );
}

/// The profile really turns JavaScript off (so the tests above are at the
/// "Safest" level): a `data:` page that would write with a script does not.
#[test]
fn the_profile_disables_javascript() {
    let Some(chromium) = chromium() else {
        common::require_tool(false, "chromium");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    std::fs::create_dir_all(profile.join("Default")).unwrap();
    std::fs::write(
        profile.join("Default").join("Preferences"),
        r#"{"profile":{"default_content_setting_values":{"javascript":2}}}"#,
    )
    .unwrap();
    let dom = run_chromium(
        &chromium,
        &[
            format!("--user-data-dir={}", profile.display()),
            "--dump-dom".into(),
            "data:text/html,<p>static</p><script>document.write('SCRIPT'+'RAN')</script>".into(),
        ],
        &dir.path().join("dom.html"),
        &dir.path().join("chromium.log"),
    );
    assert!(dom.contains("<p>static</p>"), "page did not load: {dom}");
    assert!(!dom.contains("SCRIPTRAN"), "JavaScript ran: {dom}");
}

/// The counting proxy sees every request: a page with a stylesheet link,
/// served by a stub inside the test, counts as two.
#[test]
fn the_proxy_counts_every_request() {
    let Some(chromium) = chromium() else {
        common::require_tool(false, "chromium");
        return;
    };
    let stub = TcpListener::bind("127.0.0.1:0").unwrap();
    let stub_addr = stub.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in stub.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let (kind, body) = if head.starts_with(b"GET /s.css ") {
                    ("text/css", "p { color: green }")
                } else {
                    (
                        "text/html",
                        "<!DOCTYPE html><html lang=en><title>stub</title>\
                         <link rel=icon href=\"data:,\"><link rel=stylesheet href=/s.css><p>stub",
                    )
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    let mut requests = visit(&chromium, stub_addr, "/", "proxy-self-test").requests;
    requests.sort();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests[0].starts_with("GET / HTTP/1."), "{requests:?}");
    assert!(requests[1].starts_with("GET /s.css HTTP/1."), "{requests:?}");
}
