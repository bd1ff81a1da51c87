//! A data dir belongs to one letter: an organiser who serves, exports or
//! snapshots it with another letter's configuration (or with none, which
//! names the embedded letter) is refused with a sentence naming both
//! letters and `undersign letter amend`, and nothing is served or signed;
//! with the same letter everything works. `undersign letter amend` records
//! the new text as the letter's next version, after which the data dir
//! opens with it, says it was amended, and shows the earlier version.

use crate::common::axe::{assert_accessible, require_axe};
use crate::common::vnu::{assert_valid, require_vnu};
use crate::common::{self, Server};
use crate::mirror::{FakeOrigin, Mirror, Signer};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use undersign::domain::Day;
use undersign::letter::{History, Letter, Version};

const KEEP_LIBRARIES: &str = "# Keep Libraries Open\n\nWe ask the council to keep every branch open.\n";
const KEEP_LIBRARIES_AMENDED: &str =
    "# Keep Libraries Open\n\nWe ask the council to keep every branch open, on Sundays too.\n";
const CLEAN_RIVERS: &str = "# Clean Rivers Now\n\nWe ask the region to stop the dumping.\n";

/// A config file in `dir` naming a letter file with `text`.
fn config_for(dir: &Path, name: &str, text: &str) -> PathBuf {
    std::fs::write(dir.join(format!("{name}.md")), text).unwrap();
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(&config, format!("min_fill_seconds = 0\npage_rebuild_ms = 0\nletter = \"{name}.md\"\n"))
        .unwrap();
    config
}

/// `undersign ARGS… --data DATA [--config CONFIG]`, nothing on stdin.
fn run(data: &Path, config: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(common::binary());
    c.args(args).arg("--data").arg(data);
    if let Some(config) = config {
        c.arg("--config").arg(config);
    }
    c.stdin(Stdio::null()).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A refusal: non-zero, both titles and the way out named, one sentence.
fn assert_refused(out: &Output, held: &str, given: &str, what: &str) {
    let err = stderr(out);
    assert!(!out.status.success(), "{what}: refused, non-zero: {err}");
    assert!(err.contains(&format!("holds the letter \"{held}\"")), "{what}: {err}");
    assert!(err.contains(&format!("\"{given}\". To record")), "{what}: {err}");
    assert!(err.contains("undersign letter amend"), "{what}: {err}");
    let refusal = err.lines().filter(|l| l.contains("holds the letter")).collect::<Vec<_>>();
    assert_eq!(refusal.len(), 1, "{what}: said once, on one line: {err}");
    assert!(refusal[0].contains("holds the letter") && refusal[0].contains("letter amend"), "{what}: {err}");
}

/// A stopped server that served "Keep Libraries Open" and took one
/// signature, its dir and config.
fn libraries_served() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(dir.path(), "libraries", KEEP_LIBRARIES);
    let data = dir.path().join("data");
    let mut server = Server::spawn(&data, &config);
    assert_eq!(server.sign("Ada Lovelace", "individual", &[]).status, 200);
    server.stop();
    (dir, data, config)
}

#[test]
fn a_data_dir_refuses_every_command_with_another_letter_and_names_both() {
    let (dir, data, libraries) = libraries_served();
    let rivers = config_for(dir.path(), "rivers", CLEAN_RIVERS);
    let out = dir.path().join("site");
    let snapshot = dir.path().join("snap.json");
    let (snap, site) = (snapshot.to_str().unwrap(), out.to_str().unwrap());
    for (args, config, given) in [
        (&["serve", "--listen", "127.0.0.1:0"][..], Some(&rivers), "Clean Rivers Now"),
        (&["snapshot", "--out", snap], Some(&rivers), "Clean Rivers Now"),
        (&["pending"], Some(&rivers), "Clean Rivers Now"),
        (&["approve", "1"], Some(&rivers), "Clean Rivers Now"),
        // The case: a closed letter exported without --config
        // must not sign the embedded letter's title beside its signers.
        (&["export-static", site], None, "Secure the Internet"),
        (&["serve", "--listen", "127.0.0.1:0"], None, "Secure the Internet"),
    ] {
        let o = run(&data, config.map(PathBuf::as_path), args);
        assert_refused(&o, "Keep Libraries Open", given, &format!("{args:?}"));
    }
    assert!(!out.join("index.html").exists(), "nothing exported");
    assert!(!snapshot.exists(), "nothing signed");

    // With its own letter, everything works, and the signer is still there.
    let o = run(&data, Some(&libraries), &["snapshot", "--out", snap]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&data, Some(&libraries), &["export-static", site]);
    assert!(o.status.success(), "{}", stderr(&o));
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("Keep Libraries Open") && !index.contains("Secure the Internet"));
    let server = Server::spawn(&data, &libraries);
    assert!(server.get("/").body.contains("Keep Libraries Open"));
    assert!(server.published_names().contains(&"Ada Lovelace".to_string()));
}

#[test]
fn letter_amend_records_the_next_version_and_refuses_an_unchanged_text() {
    let (dir, data, libraries) = libraries_served();
    let unchanged = run(&data, Some(&libraries), &["letter", "amend"]);
    assert!(!unchanged.status.success());
    assert!(stderr(&unchanged).contains("nothing to amend"), "{}", stderr(&unchanged));

    let amended = config_for(dir.path(), "amended", KEEP_LIBRARIES_AMENDED);
    let refused = run(&data, Some(&amended), &["pending"]);
    assert_refused(&refused, "Keep Libraries Open", "Keep Libraries Open", "amended text before amend");
    assert!(stderr(&refused).contains("names another text of \"Keep Libraries Open\""));
    let o = run(&data, Some(&amended), &["letter", "amend"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("as version 2 of the letter"), "{}", stderr(&o));

    // Now the amended text opens it, and the old one is the other letter.
    let o = run(&data, Some(&libraries), &["pending"]);
    assert!(!o.status.success(), "the earlier text no longer opens it");
    let mut server = Server::spawn(&data, &amended);
    let page = server.get("/").body;
    assert!(page.contains("on Sundays too"), "the amended text is served");
    assert!(server.published_names().contains(&"Ada Lovelace".to_string()), "signatures kept");

    // The page says so, in every language, and shows the earlier text,
    // closed until opened, without a script.
    let today = amended_day(&page);
    let notices = [
        ("en", "This letter was amended on "),
        ("es", "Esta carta se modificó el "),
        ("fa", "این نامه در "),
        ("ru", "Это письмо было изменено "),
        ("zh-Hans", "本公开信于 "),
    ];
    for (tag, notice) in notices {
        let page = server.get(&format!("/{tag}/")).body;
        assert!(page.contains(&format!("{notice}{today}")), "/{tag}/ says it was amended on {today}");
        let earlier = page.find("<details>").unwrap_or_else(|| panic!("/{tag}/: an earlier version"));
        let rest = &page[earlier..];
        assert!(rest.contains("keep every branch open.</p>"), "/{tag}/: the earlier text");
        assert!(!page.contains("<script"), "/{tag}/");
    }
    assert!(page.contains(&format!("Version 1, in force from {today}")), "{page}");
    // The open data names the version in force.
    assert_eq!(server.json()["letter_version"], 2);
    // So does the delivery edition, from the signed snapshot.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let deliver = server.get("/deliver").body;
        if deliver.contains("<dt>Letter version</dt><dd>2</dd>") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "/deliver names version 2: {deliver}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // Valid, and accessible: the <details> and their summaries too.
    let pages = ["/", "/fa/"].map(|p| (format!("amended-letter{}", p.replace('/', "-")), 200, server.get(p)));
    if let Some(jar) = require_vnu() {
        assert_valid(&jar, "amended", &pages);
    }
    if let Some(axe) = require_axe() {
        assert_accessible(&axe, "amended", &pages);
    }

    // A static copy says so too, from the snapshot's list of versions.
    server.stop();
    let site = dir.path().join("site");
    let o = run(&data, Some(&amended), &["export-static", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Read as a reader would: without the marks that isolate each placeable.
    let index =
        std::fs::read_to_string(site.join("index.html")).unwrap().replace(['\u{2068}', '\u{2069}'], "");
    assert!(index.contains(&format!("This letter was amended on {today}.")), "{index}");
    assert!(index.contains("on Sundays too") && index.contains("Version 1, in force from"), "{index}");
}

/// The `YYYY-MM-DD` of "amended on" on the English page.
fn amended_day(page: &str) -> String {
    let marker = "This letter was amended on ";
    let start =
        page.find(marker).unwrap_or_else(|| panic!("the page says it was amended: {page}")) + marker.len();
    page[start..start + 10].to_string()
}

/// A version of `text` as the store records it.
fn version(number: u32, day: Day, text: &str) -> Version {
    let letter = Letter::parse(text).unwrap();
    Version { number, sha256: letter.sha256_hex(), title: letter.title.clone(), day, letter }
}

/// A mirror of "Keep Libraries Open" follows the origin's amendment, signed
/// by the origin's key: it shows the amended text, the day, and the
/// earlier version by its digest; a snapshot of an unrelated letter, signed
/// by the same key, is still refused with the words it always had.
#[test]
fn a_mirror_follows_an_amendment_and_still_refuses_an_unrelated_letter() {
    let today = Day::today();
    let origin = Signer::new(None);
    let first = origin.sign_letter(&["Alice First"], today, Letter::parse(KEEP_LIBRARIES).unwrap());
    let fake = FakeOrigin::start();
    fake.serve(&first);
    let mirror = Mirror::start(&fake.url(), &origin.key(), &[]);
    let page = mirror.page_when("the first letter", |p| p.contains(">Alice First<"));
    assert!(page.contains("keep every branch open.") && !page.contains("amended"), "{page}");

    let earlier = version(1, Day(today.0 - 3), KEEP_LIBRARIES);
    let amended = version(2, today, KEEP_LIBRARIES_AMENDED);
    let history = History(vec![earlier.clone(), amended.clone()]);
    let second = origin.sign_history(&["Alice First", "Bob Second"], today, amended.letter.clone(), &history);
    fake.serve(&second);
    let page = mirror.page_when("the amended letter", |p| p.contains(">Bob Second<"));
    assert!(page.contains("on Sundays too"), "the amended text: {page}");
    assert!(page.contains(&format!("This letter was amended on {today}.")), "{page}");
    assert!(page.contains(&format!("Version 1, in force from {}", earlier.day)), "{page}");
    assert!(page.contains(&earlier.sha256), "the earlier version by its digest");
    let persian = mirror.server.get("/fa/").body;
    assert!(persian.contains(&format!("این نامه در {today} اصلاح شد.")), "in the page's language");
    if let Some(jar) = require_vnu() {
        assert_valid(&jar, "mirror-amended", &[("mirror-amended-letter", 200, mirror.server.get("/"))]);
    }
    let data = mirror.server.get("/signatories.json").body;
    assert!(data.contains("\"letter_version\": 2"), "the mirror's open data: {data}");

    // The same key, a letter whose history does not hold the mirrored one.
    let rivers = origin.sign_letter(&["Mallory Third"], today, Letter::parse(CLEAN_RIVERS).unwrap());
    fake.serve(&rivers);
    let page = mirror.page_when("the refusal", |p| p.contains("is of another letter"));
    assert!(page.contains("on Sundays too") && !page.contains("Mallory"), "the amended letter is kept");
    mirror.said("the refusal", "the origin's newest snapshot is of another letter");

    // Nor does a made-up history that names the mirrored letter only as
    // a later version of another one: its last version is its letter.
    let claimed = History(vec![version(1, today, CLEAN_RIVERS), amended.clone()]);
    let rivers_letter = Letter::parse(CLEAN_RIVERS).unwrap();
    let forged = origin.sign_history(&["Mallory Third"], today, rivers_letter, &claimed);
    fake.serve(&forged);
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let page = mirror.server.get("/").body;
    assert!(page.contains("on Sundays too") && !page.contains("Mallory"), "refused: {page}");
}

/// A data dir made by an undersign that did not record its letter adopts
/// the letter it is first opened with, says so once, and holds to it.
#[test]
fn a_data_dir_of_an_earlier_undersign_adopts_its_letter_once() {
    let (dir, data, libraries) = libraries_served();
    // What an earlier undersign left: no versions, no letter in `meta`.
    let db = rusqlite::Connection::open(data.join("store/signatures.sqlite")).unwrap();
    db.execute_batch(
        "DROP TABLE letter_version; DELETE FROM meta WHERE key IN ('letter_sha256', 'letter_title');",
    )
    .unwrap();
    drop(db);
    let mut server = Server::spawn(&data, &libraries);
    assert!(server.published_names().contains(&"Ada Lovelace".to_string()));
    server.stop();
    let adopted =
        "did not record its letter (made by an earlier undersign): it now belongs to \"Keep Libraries Open\"";
    assert_eq!(server.output().matches(adopted).count(), 1, "{}", server.output());
    let again = Server::spawn(&data, &libraries);
    assert!(!again.output().contains("did not record its letter"), "said once: {}", again.output());
    drop(again);
    let rivers = config_for(dir.path(), "rivers", CLEAN_RIVERS);
    assert_refused(
        &run(&data, Some(&rivers), &["pending"]),
        "Keep Libraries Open",
        "Clean Rivers Now",
        "adopted",
    );
}
