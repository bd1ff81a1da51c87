//! A signer who withdraws is gone for good: once the withdrawal is applied
//! and the next exports and snapshot are built, no file under the data dir
//! holds a byte of what they gave, in any form the server wrote it in
//! (as typed, lower-cased, folded for search), however the server stopped
//! cleanly.

use crate::common::Server;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A name and an affiliation no seed list, letter or catalogue holds.
const NAME: &str = "Zanzibarqa Canaryfield-Whistle";
const AFFILIATION: &str = "Quillmoor Lanternworks";

/// Each canary as typed, lower-cased, and folded as search folds names
/// (letters and digits, lower case); and the rarest word of each alone,
/// lower-cased, which any other form (a sort key, a trigram run) keeps.
fn forms() -> Vec<String> {
    let mut forms = Vec::new();
    for canary in [NAME, AFFILIATION] {
        forms.push(canary.to_string());
        forms.push(canary.to_lowercase());
        forms.push(canary.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect());
    }
    forms.extend(["zanzibarqa", "canaryfield", "quillmoor", "lanternworks"].map(String::from));
    forms
}

/// Fetches `path` until `holds` says so of its body, for at most 30 s:
/// the snapshot is signed a moment after the change.
fn until(server: &Server, path: &str, holds: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = server.get(path);
        if r.status == 200 && holds(&r.body) {
            return;
        }
        assert!(Instant::now() < deadline, "{path} never came as wanted in 30 s: {} {}", r.status, r.body);
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_withdrawn_signature_leaves_no_byte_in_the_data_dir() {
    let mut server = Server::start_with("min_fill_seconds = 0\nsnapshot_interval_seconds = 1\n");
    let thanks = server.sign(NAME, "individual", &[("affiliation", AFFILIATION)]);
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(thanks.body.contains("Your name is now published"), "{}", thanks.body);
    let code = thanks.withdrawal_code();
    // Published everywhere a reader finds names: the exports and a snapshot.
    for path in ["/signatories.json", "/signatories.csv", "/snapshot.json"] {
        until(&server, path, |body| body.contains(NAME) && body.contains(AFFILIATION));
    }
    // The search indexer applies its log every 250 ms at most: let the
    // name reach the index itself, not only the log.
    std::thread::sleep(Duration::from_secs(1));
    assert!(server.get("/signatories?q=canaryfield").body.contains(NAME), "found by search");

    let gone = server.post_form("/withdraw", &[("code", &code)]);
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert!(gone.body.contains("Your signature is withdrawn"));
    for path in ["/signatories.json", "/signatories.csv", "/snapshot.json"] {
        until(&server, path, |body| !body.contains(NAME) && !body.contains(AFFILIATION));
    }
    assert!(!server.get("/signatories?q=canaryfield").body.contains(NAME), "not found by search");
    std::thread::sleep(Duration::from_secs(1));
    server.stop();

    let all = files(&server.data);
    assert!(all.iter().any(|f| f.ends_with("signatures.sqlite")), "the store is there: {all:?}");
    let mut found = Vec::new();
    for file in &all {
        // ASCII case folded, so that a form in any case is found.
        let bytes = std::fs::read(file).unwrap().to_ascii_lowercase();
        for form in forms() {
            let form = form.to_ascii_lowercase();
            if bytes.windows(form.len()).any(|w| w == form.as_bytes()) {
                found.push(format!("{} holds {form:?}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "the withdrawn signature is still on disk:\n{}", found.join("\n"));
}
