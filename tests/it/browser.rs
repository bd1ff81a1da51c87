//! A real browser at Tor Browser's "Safest" level: headless Chromium with
//! JavaScript disabled loads public pages, which must render (DOM and a
//! screenshot) with exactly one request each — CSS inline, no images, a
//! `data:` favicon, so the browser asks for nothing else.
//!
//! Requests are counted by a small TCP proxy inside the test that sits
//! between Chromium and the server, so the server needs no logging.

use crate::common::Server;

use crate::common::browser::{assert_rendered, js_off_profile, require_chromium, run_chromium, visit};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;

/// Public pages carry the letter; a screenshot of one is far bigger than a
/// blank page's (about 12 KB): the letter is hundreds of KB.
const MIN_PNG_BYTES: usize = 40_000;

/// Checks common to every page: one request, rendered, no script, the
/// `data:` favicon.
fn check_page(chromium: &Path, server: &Server, path: &str, name: &str, expect: &[&str]) {
    let raw = server.get(path);
    assert_eq!(raw.status, 200, "GET {path}");
    assert!(!raw.body.contains("<script"), "{path} has a <script>");
    let visit = visit(chromium, server.addr, path, name);
    assert_rendered(&visit, path, expect, MIN_PNG_BYTES);
}

#[test]
fn letter_page_renders_with_one_request() {
    let Some(chromium) = require_chromium() else { return };
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
    let Some(chromium) = require_chromium() else { return };
    let server = Server::start();
    check_page(&chromium, &server, "/privacy", "privacy", &["</h1>"]);
}

#[test]
fn search_page_renders_with_one_request() {
    let Some(chromium) = require_chromium() else { return };
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
    let Some(chromium) = require_chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let profile = js_off_profile(dir.path());
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
    let Some(chromium) = require_chromium() else { return };
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

/// Every public page of every language (those that carry names; the
/// others are the same frame) renders with exactly one request. A short
/// page's screenshot is smaller than the letter's, and smaller still where
/// the machine lacks a CJK font and draws boxes, but well above a blank
/// page's (about 12 KB).
#[test]
fn every_language_renders_with_one_request() {
    let Some(chromium) = require_chromium() else { return };
    let server = Server::start();
    for tag in crate::common::LANGUAGES {
        for (page, path, expect) in [
            ("letter", "/", format!("action=\"/{tag}/sign\"")),
            ("privacy", "/privacy", "minisign -Vm snapshot.json".to_string()),
            ("search", "/signatories?q=amnesty", "Amnesty International".to_string()),
            ("list", "/signatories/organization?page=1", format!("lang=\"{tag}\"")),
        ] {
            let path = format!("/{tag}{path}");
            let raw = server.get(&path);
            assert_eq!(raw.status, 200, "GET {path}");
            assert!(!raw.body.contains("<script"), "{path} has a <script>");
            let visit = visit(&chromium, server.addr, &path, &format!("{tag}-{page}"));
            // A translated letter drawn as boxes (no CJK font) is smaller
            // than the English one, and still well above a blank page.
            let min_png = if page == "letter" { 30_000 } else { 20_000 };
            assert_rendered(&visit, &path, &[&expect, "</h1>"], min_png);
        }
    }
}

/// One long name without spaces (80 letters, as a name can be) must not
/// make a page wider than a 320 px phone, in any language: the letter page,
/// the search results, the list, the thank-you page and the refused form,
/// each as Chromium lays it out at 320 CSS pixels. The screenshots are kept
/// under the test's temp dir.
#[test]
fn a_long_name_wraps_at_320_pixels_in_every_language() {
    let Some(axe) = crate::common::axe::require_axe() else { return };
    let server = Server::start();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wrap");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    let mut save = |name: String, page: crate::common::Response, status: u16| {
        assert_eq!(page.status, status, "{name}: {}", page.body);
        let file = dir.join(format!("{name}.html"));
        std::fs::write(&file, &page.marked).unwrap();
        files.push(file);
    };
    for (i, tag) in crate::common::LANGUAGES.into_iter().enumerate() {
        let long = format!("{}{}", "W".repeat(79), char::from(b'a' + i as u8));
        let token = server.get(&format!("/{tag}/")).form_token();
        let fields =
            [("token", token.as_str()), ("name", long.as_str()), ("kind", "individual"), ("listed", "yes")];
        save(format!("{tag}-thank-you"), server.post_form(&format!("/{tag}/sign"), &fields), 200);
        let long_affiliation = "W".repeat(80);
        let token = server.get(&format!("/{tag}/")).form_token();
        let refused = [
            ("token", token.as_str()),
            ("name", ""),
            ("kind", "individual"),
            ("affiliation", long_affiliation.as_str()),
        ];
        save(format!("{tag}-refused"), server.post_form(&format!("/{tag}/sign"), &refused), 400);
    }
    for tag in crate::common::LANGUAGES {
        let letter = server.get(&format!("/{tag}/"));
        assert!(letter.body.contains(&"W".repeat(79)), "/{tag}/ shows the long names");
        save(format!("{tag}-letter"), letter, 200);
        save(format!("{tag}-search"), server.get(&format!("/{tag}/signatories?q=wwwwwwww")), 200);
        save(format!("{tag}-list"), server.get(&format!("/{tag}/signatories/individual?page=1")), 200);
    }
    let mut args = vec![std::path::PathBuf::from("320"), dir.clone()];
    args.extend(files);
    let (ok, report) = crate::common::axe::run_script(&axe, "wrap.cjs", &args, &dir);
    assert!(ok, "a page is wider than 320 px ({}):\n{report}", dir.display());
    eprintln!("{report}");
}
