//! A real browser at Tor Browser's "Safest" level: headless Chromium with
//! JavaScript disabled, in a fresh profile, loading a page through a small
//! TCP proxy inside the test that counts the requests it forwards (so the
//! server needs no logging).

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long one Chromium run may take before it is killed.
pub const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(90);
pub const WINDOW: (u32, u32) = (1280, 2000);

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
pub fn chromium() -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// [`chromium`], or `None` after [`super::require_tool`] (which fails the
/// test under CI).
pub fn require_chromium() -> Option<PathBuf> {
    let found = chromium();
    super::require_tool(found.is_some(), "chromium");
    found
}

/// A fresh Chromium profile under `dir` with JavaScript turned off; returns
/// its path for `--user-data-dir`.
pub fn js_off_profile(dir: &Path) -> PathBuf {
    let profile = dir.join("profile");
    std::fs::create_dir_all(profile.join("Default")).unwrap();
    std::fs::write(
        profile.join("Default").join("Preferences"),
        r#"{"profile":{"default_content_setting_values":{"javascript":2}}}"#,
    )
    .unwrap();
    profile
}

/// A TCP proxy that forwards to `upstream` and records every HTTP request
/// line the client sends.
pub struct CountingProxy {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

impl CountingProxy {
    /// Starts the proxy; it also adds `headers` (complete `Name: value\r\n`
    /// lines, or none) right after each request line it forwards: how a test
    /// gives a fresh browser profile a session cookie.
    pub fn start_injecting(upstream: SocketAddr, headers: &str) -> CountingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let headers: Arc<[u8]> = headers.as_bytes().into();
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
                let headers = Arc::clone(&headers);
                std::thread::spawn(move || forward_counting(client, server, &seen, &headers));
            }
        });
        CountingProxy { addr, requests }
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Copies client → server, recording request lines before forwarding them
/// (so a request is recorded before its response can exist) and adding
/// `headers` after each.
fn forward_counting(mut client: TcpStream, mut server: TcpStream, seen: &Mutex<Vec<String>>, headers: &[u8]) {
    let mut line = Vec::new();
    let mut buf = [0u8; 8192];
    let mut out = Vec::with_capacity(buf.len() + headers.len());
    loop {
        let n = match client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        out.clear();
        for &b in &buf[..n] {
            out.push(b);
            if b == b'\n' {
                if let Some(request) = request_line(&line) {
                    seen.lock().unwrap().push(request);
                    out.extend_from_slice(headers);
                }
                line.clear();
            } else if line.len() < 16 * 1024 {
                line.push(b);
            }
        }
        if server.write_all(&out).is_err() {
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
pub struct Visit {
    pub dom: String,
    pub screenshot: PathBuf,
    pub requests: Vec<String>,
}

/// Loads `path` of the server at `upstream` through a fresh counting proxy
/// in a fresh JavaScript-less profile, dumping the DOM and taking a
/// screenshot in the same run. The screenshot is kept as
/// `browser-{name}.png` under Cargo's target tmp dir.
pub fn visit(chromium: &Path, upstream: SocketAddr, path: &str, name: &str) -> Visit {
    visit_with_headers(chromium, upstream, path, name, "")
}

/// [`visit`], with the proxy adding `headers` to every request (see
/// [`CountingProxy::start_injecting`]).
pub fn visit_with_headers(
    chromium: &Path,
    upstream: SocketAddr,
    path: &str,
    name: &str,
    headers: &str,
) -> Visit {
    let proxy = CountingProxy::start_injecting(upstream, headers);
    let dir = tempfile::tempdir().unwrap();
    let profile = js_off_profile(dir.path());
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
/// Holds the machine [shared](super::heavy::shared) while it runs.
pub fn run_chromium(chromium: &Path, args: &[String], out: &Path, log: &Path) -> String {
    let _heavy = super::heavy::shared();
    let mut child = Command::new(chromium)
        .args(FLAGS)
        .args(args)
        .stdin(Stdio::null())
        .stdout(File::create(out).unwrap())
        .stderr(File::create(log).unwrap())
        .process_group(0)
        .spawn()
        .expect("start chromium");
    let finished = super::wait_at_most(&mut child, CHROMIUM_TIMEOUT, |c| {
        // The group id is the child's PID (process_group(0)).
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", c.id())]).status();
    });
    let Some(status) = finished else {
        panic!(
            "chromium did not finish within {CHROMIUM_TIMEOUT:?}; its stderr:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    };
    assert!(
        status.success(),
        "chromium exited with {status}; its stderr:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
    std::fs::read_to_string(out).unwrap()
}

/// A PNG of the window's size, bigger than `min_bytes` so that it is not a
/// blank page (a blank 1280×2000 screenshot is about 12 KB).
pub fn assert_real_screenshot(path: &Path, min_bytes: usize) {
    let png = std::fs::read(path).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", path.display()));
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR",
        "{} is not a PNG",
        path.display()
    );
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), WINDOW, "screenshot size");
    assert!(
        png.len() > min_bytes,
        "screenshot {} is only {} bytes: a blank page?",
        path.display(),
        png.len()
    );
}

/// Checks common to every page Chromium loaded from the server: one
/// request, for `path`; rendered with every `expect`ed text; no script; the
/// `data:` favicon; a screenshot of more than `min_png_bytes`.
pub fn assert_rendered(visit: &Visit, path: &str, expect: &[&str], min_png_bytes: usize) {
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
    assert_real_screenshot(&visit.screenshot, min_png_bytes);
    eprintln!("screenshot of {path}: {}", visit.screenshot.display());
}
