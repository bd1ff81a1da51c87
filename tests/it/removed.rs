//! A signer who withdraws is gone for good: once the withdrawal is applied
//! and the next exports and snapshot are built, no file under the data dir
//! holds a byte of what they gave, in any form the server wrote it in
//! (as typed, lower-cased, folded for search), however the server stopped
//! cleanly.

use crate::common::console::{signed_in, CONSOLE};
use crate::common::Server;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A name and an affiliation no seed list, letter or catalogue holds.
const NAME: &str = "Zanzibarqa Canaryfield-Whistle";
const AFFILIATION: &str = "Quillmoor Lanternworks";
/// The name a moderator's edit gives the canary: its words are canaries too.
const EDITED: &str = "Zanzibarqa Canaryfield Trust";

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

/// Every file under the data dir that still holds a form of a canary.
fn leftovers(data: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for file in files(data) {
        // Gone between the listing and the read: a file replaced by its
        // next generation holds nothing.
        let Ok(bytes) = std::fs::read(&file) else { continue };
        // ASCII case folded, so that a form in any case is found.
        let bytes = bytes.to_ascii_lowercase();
        for form in forms() {
            let form = form.to_ascii_lowercase();
            if bytes.windows(form.len()).any(|w| w == form.as_bytes()) {
                found.push(format!("{} holds {form:?}", file.display()));
            }
        }
    }
    found
}

/// While the server runs: within 30 s of the change, once the next
/// exports and snapshot are built, no file holds a canary.
fn until_no_leftovers(server: &Server) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = leftovers(&server.data);
        if found.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "30 s after the change, the removed signature is still on disk:\n{}",
            found.join("\n")
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// After a clean stop: the store is there, and no file holds a canary.
fn assert_no_leftovers_after_stop(server: &mut Server) {
    server.stop();
    let all = files(&server.data);
    assert!(all.iter().any(|f| f.ends_with("signatures.sqlite")), "the store is there: {all:?}");
    let found = leftovers(&server.data);
    assert!(found.is_empty(), "the removed signature is still on disk:\n{}", found.join("\n"));
}

/// Signs the canary as `kind` and waits until it is published everywhere
/// a reader finds names: the exports, a snapshot and the search index.
fn published_canary(server: &Server, kind: &str) -> String {
    let thanks = server.sign(NAME, kind, &[("affiliation", AFFILIATION)]);
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    let code = thanks.withdrawal_code();
    for path in ["/signatories.json", "/signatories.csv", "/snapshot.json"] {
        until(server, path, |body| body.contains(NAME) && body.contains(AFFILIATION));
    }
    // The search indexer applies its log every 250 ms at most: let the
    // name reach the index itself, not only the log.
    std::thread::sleep(Duration::from_secs(1));
    assert!(server.get("/signatories?q=canaryfield").body.contains(NAME), "found by search");
    code
}

/// The canary is gone from every page a reader finds names on.
fn gone_from_the_pages(server: &Server) {
    for path in ["/signatories.json", "/signatories.csv", "/snapshot.json"] {
        until(server, path, |body| !body.contains("Canaryfield") && !body.contains(AFFILIATION));
    }
    assert!(!server.get("/signatories?q=canaryfield").body.contains("Canaryfield"), "not found by search");
}

#[test]
fn a_withdrawn_signature_leaves_no_byte_in_the_data_dir() {
    let mut server = Server::start_with("min_fill_seconds = 0\nsnapshot_interval_seconds = 1\n");
    let code = published_canary(&server, "individual");
    let gone = server.post_form("/withdraw", &[("code", &code)]);
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert!(gone.body.contains("Your signature is withdrawn"));
    gone_from_the_pages(&server);
    until_no_leftovers(&server);
    assert_no_leftovers_after_stop(&mut server);
}

/// A moderator's earlier actions on a signature (approved, edited) named
/// it in the audit list: once it is withdrawn, they say the action and
/// its number, not the name.
#[test]
fn a_signature_a_moderator_approved_then_withdrawn_leaves_no_byte() {
    let config = format!("{CONSOLE}snapshot_interval_seconds = 1\n");
    let mut server = Server::start_with(&config);
    let console = signed_in(&server);
    let thanks = server.sign(NAME, "organization", &[("affiliation", AFFILIATION)]);
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    let code = thanks.withdrawal_code();
    let ids = console.queue_ids("");
    assert_eq!(ids.len(), 1, "the organisation waits for review");
    assert_eq!(console.act("approve", &ids, &[]).status, 303);
    assert!(console.get("/audit").body.contains(NAME), "the audit list names what was approved");
    // An edit keeps the name it replaced in the audit list.
    let edited = console.act("edit", &ids, &[("name", EDITED), ("affiliation", AFFILIATION)]);
    assert_eq!(edited.status, 303);
    let audit = console.get("/audit").body;
    assert!(audit.contains(NAME) && audit.contains(EDITED), "{audit}");

    for path in ["/signatories.json", "/snapshot.json"] {
        until(&server, path, |body| body.contains(EDITED));
    }
    assert_eq!(server.post_form("/withdraw", &[("code", &code)]).status, 200);
    gone_from_the_pages(&server);
    let audit = console.get("/audit").body;
    assert!(!audit.contains(NAME) && !audit.contains(EDITED), "the audit list keeps no name: {audit}");
    until_no_leftovers(&server);
    assert_no_leftovers_after_stop(&mut server);
}

#[test]
fn a_signature_a_moderator_deleted_leaves_no_byte() {
    let config = format!("{CONSOLE}snapshot_interval_seconds = 1\n");
    let mut server = Server::start_with(&config);
    let console = signed_in(&server);
    let thanks = server.sign(NAME, "organization", &[("affiliation", AFFILIATION)]);
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    let ids = console.queue_ids("");
    assert_eq!(console.act("approve", &ids, &[]).status, 303);
    for path in ["/signatories.json", "/snapshot.json"] {
        until(&server, path, |body| body.contains(NAME));
    }
    let id = ids[0];
    assert_eq!(console.act("delete", &[id], &[]).status, 303);
    gone_from_the_pages(&server);
    assert!(!console.get("/audit").body.contains(NAME), "the audit list keeps no name");
    until_no_leftovers(&server);
    assert_no_leftovers_after_stop(&mut server);
}

/// A rejected signature's name stays in the audit list until the closed
/// letter's retention is over; the purge then leaves no byte of it.
#[test]
fn a_rejected_signature_leaves_no_byte_once_purged() {
    let config = format!("{CONSOLE}snapshot_interval_seconds = 1\nretention_days = 0\n");
    let mut server = Server::start_with(&config);
    let console = signed_in(&server);
    let thanks = server.sign(NAME, "organization", &[("affiliation", AFFILIATION)]);
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    let ids = console.queue_ids("");
    assert_eq!(console.act("reject", &ids, &[("reason", "fake")]).status, 303);
    assert_eq!(console.act("close", &[], &[("confirm", "close")]).status, 303);
    // The purge runs once a day, and at start.
    server = server.restart();
    let mut console = crate::common::console::Console::new(&server);
    console.sign_in("alice", crate::common::console::PASSPHRASE);
    let audit = console.get("/audit").body;
    assert!(audit.contains("purged"), "the purge is in the audit list: {audit}");
    assert!(!console.get("/audit").body.contains(NAME), "the audit list keeps no name after the purge");
    until_no_leftovers(&server);
    assert_no_leftovers_after_stop(&mut server);
}
