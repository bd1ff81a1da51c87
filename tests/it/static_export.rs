//! `undersign export-static DIR`, as a static host serves it: the letter,
//! each kind's pages, the A-to-Z index, the exports and the signed snapshot
//! as plain files whose links are all relative and all resolve; no form;
//! the snapshot verifies with `undersign verify`; the pages pass the Nu
//! HTML checker and load in headless Chromium, JavaScript off, with one
//! request each, from a plain file server (which sends no CSP header: the
//! pages carry their own). The same export comes from a verified snapshot
//! file, and a tampered one is refused.

use crate::common::browser::{assert_rendered, require_chromium, visit};
use crate::common::vnu::{assert_valid, require_vnu};
use crate::common::{self, Response, Server};
use sha2::Digest as _;
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn undersign(args: &[&str]) -> Output {
    Command::new(common::binary()).args(args).stdin(std::process::Stdio::null()).output().unwrap()
}

/// An origin with a few signatures, stopped (the export reads its store),
/// and its data dir's path.
fn stopped_origin() -> (Server, PathBuf) {
    let mut origin = Server::start();
    for name in ["Ada Lovelace", "Émile Zola", "Zoë Static"] {
        assert_eq!(origin.sign(name, "individual", &[]).status, 200);
    }
    origin.stop();
    let data = origin.data.clone();
    (origin, data)
}

fn export(data: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["export-static", out.to_str().unwrap(), "--data", data.to_str().unwrap()];
    args.extend_from_slice(extra);
    undersign(&args)
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    files.sort();
    files
}

fn hrefs(page: &str) -> Vec<String> {
    page.split("href=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

#[test]
fn a_static_export_is_plain_linked_files_with_a_snapshot_that_verifies() {
    let (_origin, data) = stopped_origin();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let done = export(&data, &out, &["--origin", "http://example.onion"]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(String::from_utf8_lossy(&done.stderr).contains("pages"), "it says what it wrote");

    for file in [
        "index.html",
        "individual-1.html",
        "organization-1.html",
        "names-1.html",
        "signatories.json",
        "signatories.csv",
        "snapshot.json",
        "snapshot.json.minisig",
        "robots.txt",
        "deliver.html",
        "numbers.html",
        "badge.svg",
    ] {
        assert!(out.join(file).exists(), "{file} is exported");
    }
    // The delivery edition names the snapshot beside it, by its digest.
    let snapshot = std::fs::read(out.join("snapshot.json")).unwrap();
    let sha256: String = sha2::Sha256::digest(&snapshot).iter().map(|b| format!("{b:02x}")).collect();
    let deliver = std::fs::read_to_string(out.join("deliver.html")).unwrap();
    assert!(deliver.contains(&format!("<code>{sha256}</code>")), "the snapshot's digest");
    assert!(deliver.contains("minisign -Vm snapshot.json -P RW"), "and the key to check it with");
    assert!(deliver.contains("<a href=\"numbers.html\">Numbers</a>"), "relative links");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("<meta name=\"description\" content=\"We encourage you"), "{index}");
    let pages = html_files(&out);
    // 205 organisations at 200 a page (the default), the A-to-Z index of
    // all 325 listed names likewise.
    assert!(pages.iter().any(|p| p.ends_with("organization-2.html")), "{pages:?}");
    assert!(!pages.iter().any(|p| p.ends_with("organization-3.html")), "{pages:?}");
    assert!(pages.iter().any(|p| p.ends_with("names-2.html")), "{pages:?}");
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        let name = page.file_name().unwrap().to_string_lossy();
        assert!(!text.contains("<form"), "{name} has a form");
        assert!(!text.contains("<script"), "{name} has a script");
        assert!(text.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"), "{name} has no CSP");
        assert!(
            text.contains("<a href=\"http://example.onion\">sign the letter there</a>"),
            "{name} says where to sign"
        );
        for href in hrefs(&text) {
            if href.starts_with("http://") || href.starts_with("data:") || href.starts_with('#') {
                continue;
            }
            assert!(!href.starts_with('/'), "{name}: {href} is not relative");
            assert!(out.join(&href).exists(), "{name} links to {href}, which is not there");
        }
    }
    let index = std::fs::read_to_string(out.join("names-1.html")).unwrap();
    let (ada, emile, zoe) =
        (index.find("Ada Lovelace").unwrap(), index.find("Émile Zola").unwrap(), index.find("Zoë Static"));
    assert!(ada < emile, "alphabetical, accents aside");
    assert!(zoe.is_none_or(|z| emile < z));
    let letter = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(letter.contains("Secure the Internet</h1>"));

    let key = String::from_utf8(undersign(&["key", "--data", data.to_str().unwrap()]).stdout).unwrap();
    let key = key.lines().last().unwrap().to_string();
    let verified = undersign(&["verify", out.join("snapshot.json").to_str().unwrap(), "--key", &key]);
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("signatories.json")).unwrap()).unwrap();
    let names: Vec<_> =
        json["signatories"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Zoë Static"));

    // From the snapshot file alone: the same pages; a tampered copy is refused.
    let again = dir.path().join("again");
    let snapshot = out.join("snapshot.json");
    let from = export(
        &data,
        &again,
        &["--snapshot", snapshot.to_str().unwrap(), "--key", &key, "--origin", "http://example.onion"],
    );
    assert!(from.status.success(), "{}", String::from_utf8_lossy(&from.stderr));
    for page in ["index.html", "names-1.html", "organization-2.html"] {
        let same = std::fs::read(again.join(page)).unwrap() == std::fs::read(out.join(page)).unwrap();
        assert!(same, "{page} from the snapshot file is the same as from the data dir");
    }
    let mut bytes = std::fs::read(out.join("snapshot.json")).unwrap();
    let at = bytes.windows(4).position(|w| w == b"Zola").unwrap();
    bytes[at] = b'X';
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, bytes).unwrap();
    std::fs::copy(out.join("snapshot.json.minisig"), dir.path().join("bad.json.minisig")).unwrap();
    let refused =
        export(&data, &dir.path().join("bad"), &["--snapshot", bad.to_str().unwrap(), "--key", &key]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("bad signature"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!dir.path().join("bad").exists(), "nothing is written from a snapshot that does not verify");
}

/// A plain static file server, as nginx or a pages host: no CSP header.
fn serve_dir(dir: PathBuf) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let head = common::read_request_head(&mut stream);
            let path = head.split(' ').nth(1).unwrap_or("/").trim_start_matches('/').to_string();
            let path = if path.is_empty() { "index.html".to_string() } else { path };
            let answer = match std::fs::read(dir.join(&path)).ok().filter(|_| !path.contains("..")) {
                Some(body) => {
                    let mut a = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    a.extend_from_slice(&body);
                    a
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
            };
            let _ = stream.write_all(&answer);
        }
    });
    addr
}

fn exported_site() -> (tempfile::TempDir, PathBuf) {
    let (_origin, data) = stopped_origin();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let done = export(&data, &out, &["--origin", "http://example.onion"]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    (dir, out)
}

#[test]
fn the_static_pages_are_valid_html() {
    let Some(jar) = require_vnu() else { return };
    let (_dir, out) = exported_site();
    let pages: Vec<(&str, u16, Response)> =
        ["index", "individual-1", "organization-2", "company-1", "names-1", "names-2", "deliver", "numbers"]
            .into_iter()
            .map(|name| {
                let body = std::fs::read_to_string(out.join(format!("{name}.html"))).unwrap();
                let headers = vec![("Content-Type".to_string(), "text/html; charset=utf-8".to_string())];
                (name, 200, Response { status: 200, headers, marked: body.clone(), body })
            })
            .collect();
    assert_valid(&jar, "static-export", &pages);
}

#[test]
fn the_static_pages_load_with_one_request_each_without_javascript() {
    let Some(chromium) = require_chromium() else { return };
    let (_dir, out) = exported_site();
    let addr = serve_dir(out);
    for (path, expect) in [
        ("/index.html", "Secure the Internet</h1>"),
        ("/names-1.html", "All names, A to Z</h1>"),
        ("/individual-1.html", "Individuals ("),
    ] {
        let name = format!("static{}", path.replace(['/', '.'], "-"));
        let visit = visit(&chromium, addr, path, &name);
        assert_rendered(&visit, path, &[expect, "sign the letter there"], 20_000);
    }
}
