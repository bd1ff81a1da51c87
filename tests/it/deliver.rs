//! The delivery edition, the numbers and the badge as a reader meets them:
//! `/deliver` holds every listed name once, the signed snapshot's number
//! and digest, the key and how to verify, and the print rules; `/numbers`
//! draws an SVG with a title and gives the same figures as a table, a
//! country of three folded into "other"; `/badge.svg` is the snapshot's,
//! unchanged by a signature until the next snapshot; a mirror serves all
//! three.

use crate::common::{self, Server};
use sha2::Digest as _;
use std::time::{Duration, Instant};

/// A new snapshot at most every second.
const CONFIG: &str = "min_fill_seconds = 0\nsnapshot_interval_seconds = 1\n";

/// `path` once it answers 200 and `wanted` holds (a snapshot is signed
/// in the background, at most once per interval).
pub(crate) fn get_when(
    server: &Server,
    path: &str,
    wanted: impl Fn(&common::Response) -> bool,
) -> common::Response {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = server.get(path);
        if r.status == 200 && wanted(&r) {
            return r;
        }
        assert!(Instant::now() < deadline, "{path}: never as wanted; last {}: {}", r.status, r.body);
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Today (UTC) as the pages write a day.
fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    undersign::domain::Day((secs / 86_400) as u32).to_string()
}

/// A name as the page writes it in a list item.
fn item(name: &str) -> String {
    let escaped = name.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    format!("<li><bdi>{escaped}</bdi>")
}

/// `sha256=` of the trusted comment in a `.minisig` file.
fn signed_sha256(minisig: &str) -> String {
    let comment = minisig.lines().find(|l| l.starts_with("trusted comment: ")).unwrap();
    comment.split(' ').find_map(|w| w.strip_prefix("sha256=")).unwrap().to_string()
}

#[test]
fn the_delivery_edition_holds_every_listed_name_once_and_the_snapshots_digest() {
    let server = Server::start_with(CONFIG);
    assert_eq!(server.sign("Ada Deliverwell", "individual", &[]).status, 200);
    assert_eq!(server.sign("Quiet Unlisted", "individual", &[("listed", "<absent>")]).status, 200);
    let page = get_when(&server, "/deliver", |r| r.body.contains("Ada Deliverwell"));
    assert_eq!(page.header("Content-Type"), Some("text/html; charset=utf-8"));

    // The snapshot it names is the one served now, and its digest that file's.
    let json = server.get("/snapshot.json");
    let sig = server.get("/snapshot.json.minisig");
    assert_eq!(json.header("ETag"), sig.header("ETag"));
    let snapshot: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let sha256 = format!("{:x}", sha2::Sha256::digest(json.body.as_bytes()));
    assert_eq!(signed_sha256(&sig.body), sha256);
    let seq = snapshot["snapshot"]["seq"].as_u64().unwrap();
    let page = get_when(&server, "/deliver", |r| r.body.contains(&format!("snapshot number {seq},")));
    assert!(page.body.contains(&format!("<code>{sha256}</code>")), "the snapshot file's SHA-256");
    let letter_sha256 = snapshot["snapshot"]["letter_sha256"].as_str().unwrap();
    assert!(page.body.contains(&format!("<code>{letter_sha256}</code>")), "the letter's digest");
    let key = snapshot_key(&server);
    assert!(page.body.contains(&format!("minisign -Vm snapshot.json -P {key}")));

    // Every listed name of that snapshot, each once; the unlisted one never.
    let names = snapshot["signatories"].as_array().unwrap();
    assert_eq!(names.len(), 323, "the seed's 322 and Ada");
    for s in names {
        let name = s["name"].as_str().unwrap();
        assert_eq!(page.body.matches(&item(name)).count(), 1, "{name} once");
    }
    assert_eq!(page.body.matches("<li><bdi>").count(), 323, "nothing else listed");
    assert!(!page.body.contains("Quiet Unlisted"));
    assert!(page.body.contains("<h3>Individuals ("), "a heading per group");

    // Printed: margins and page numbers, the groups on their own pages.
    assert!(page.body.contains("@media print{"));
    assert!(page.body.contains("@page{margin:"));
    assert!(page.body.contains("@bottom-center{content:counter(page)"));
    assert!(page.body.contains(".group{break-before:page}"));
    assert!(page.body.contains("<p class=\"running\" aria-hidden=\"true\">Secure the Internet</p>"));

    // In Persian, right to left, in Persian words, the same names.
    let fa = server.get("/fa/deliver");
    assert_eq!(fa.status, 200);
    assert!(fa.body.contains("<html lang=\"fa\" dir=\"rtl\">"));
    assert!(fa.body.contains("نسخهٔ تحویل"));
    assert!(fa.body.contains(&item("Ada Deliverwell")));
    // Linked from the letter page and every footer.
    let letter = server.get("/");
    assert!(letter.body.contains("<a href=\"/deliver\">Delivery edition</a>"));
    assert!(server.get("/es/privacy").body.contains("<a href=\"/es/deliver\">"));
}

#[test]
fn numbers_draw_an_svg_with_a_title_and_give_the_same_figures_as_a_table() {
    let server = Server::start_with(CONFIG);
    for i in 0..12 {
        assert_eq!(
            server.sign(&format!("Numbered Signer {i}"), "individual", &[("country", "Testland")]).status,
            200
        );
    }
    for i in 0..3 {
        assert_eq!(
            server.sign(&format!("Rare Signer {i}"), "individual", &[("country", "Smalland")]).status,
            200
        );
    }
    // Unlisted: counted nowhere on this page.
    server.sign("Hidden Signer", "individual", &[("country", "Testland"), ("listed", "<absent>")]);
    let page = get_when(&server, "/numbers", |r| r.body.contains("Testland"));
    let body = &page.body;
    let today = today();
    // By day: all 337 today (the seed's 322 arrived today too), drawn and tabled.
    assert!(body.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "an inline SVG");
    assert!(body.contains("<title id=\"day-title\">"), "with a title");
    assert!(body.contains("<figcaption>"), "and a caption");
    assert!(body.contains(&format!("<title>{today}: 337</title>")), "the bar's figure");
    assert!(
        body.contains(&format!("<th scope=\"row\" dir=\"auto\">{today}</th><td>337</td>")),
        "the table's"
    );
    // By country: Testland's 12 in the chart and the table; Smalland's 3
    // are only in "other", with the seed's, which gave no country.
    assert!(body.contains(">Testland</text>"));
    assert!(body.contains("<th scope=\"row\" dir=\"auto\">Testland</th><td>12</td>"));
    assert!(!body.contains("Smalland"), "a country of three is not shown");
    assert!(body.contains("<th scope=\"row\">Other or not given</th><td>325</td>"));
    assert!(server.get("/zh-Hans/numbers").body.contains("签名数据"));
}

/// The site's public key, as `undersign key` prints it.
fn snapshot_key(server: &Server) -> String {
    let out = std::process::Command::new(common::binary())
        .args(["key", "--data", server.data.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().last().unwrap().to_string()
}

#[test]
fn the_badge_is_the_snapshots_and_a_signature_changes_it_only_with_the_next_snapshot() {
    // One snapshot at start, then none for an hour.
    let server = Server::start_with("min_fill_seconds = 0\nsnapshot_interval_seconds = 3600\n");
    let badge = get_when(&server, "/badge.svg", |_| true);
    assert_eq!(badge.header("Content-Type"), Some("image/svg+xml"));
    assert_eq!(
        badge.header("Content-Security-Policy"),
        Some("default-src 'none'; style-src 'unsafe-inline'")
    );
    assert_eq!(badge.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(badge.header("Cross-Origin-Resource-Policy"), Some("cross-origin"));
    assert!(badge.header("Set-Cookie").is_none());
    assert!(badge.body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(badge.body.contains(">322</text>"), "{}", badge.body);
    assert!(badge.body.contains("<title>322 signatures, as signed on "));
    let snapshot: serde_json::Value = serde_json::from_str(&server.get("/snapshot.json").body).unwrap();
    assert_eq!(snapshot["badge"].as_str(), Some(badge.marked.as_str()), "carried in the signed snapshot");

    assert_eq!(server.sign("Badge Watcher", "individual", &[]).status, 200);
    assert!(server.published_names().contains(&"Badge Watcher".to_string()), "the signature is in");
    assert_eq!(server.get("/badge.svg").marked, badge.marked, "no live count: the same badge");

    // The next snapshot (signed at the next start) counts it.
    let server = server.restart();
    let after = get_when(&server, "/badge.svg", |r| r.body.contains(">323</text>"));
    let snapshot: serde_json::Value = serde_json::from_str(&server.get("/snapshot.json").body).unwrap();
    assert_eq!(snapshot["badge"].as_str(), Some(after.marked.as_str()));
}

#[test]
fn a_mirror_serves_the_delivery_edition_the_numbers_and_the_badge() {
    let origin = Server::start_with(CONFIG);
    origin.sign("Mirrored Deliverer", "individual", &[("country", "Testland")]);
    let origin_badge = get_when(&origin, "/deliver", |r| r.body.contains("Mirrored Deliverer"));
    drop(origin_badge);
    let mirror =
        crate::mirror::Mirror::start(&format!("http://{}", origin.addr), &snapshot_key(&origin), &[]);
    mirror.page_when("the new signer", |p| p.contains(">Mirrored Deliverer<"));
    let deliver = get_when(&mirror.server, "/deliver", |r| r.body.contains(&item("Mirrored Deliverer")));
    let seq = deliver.body.split("snapshot number ").nth(1).unwrap().split(',').next().unwrap().to_string();
    let sig = mirror.server.get("/snapshot.json.minisig");
    assert!(
        deliver.body.contains(&format!("<code>{}</code>", signed_sha256(&sig.body))),
        "snapshot {seq}'s digest"
    );
    assert!(deliver.body.contains("This is a mirror of"), "under the mirror's banner");
    // By day too, as the snapshot carries it: a mirror has no days itself.
    let numbers = mirror.server.get("/numbers");
    assert_eq!(numbers.status, 200);
    assert!(numbers.body.contains(&format!("<th scope=\"row\" dir=\"auto\">{}</th><td>323</td>", today())));
    let badge = mirror.server.get("/badge.svg");
    assert_eq!(badge.status, 200);
    assert_eq!(
        badge.header("Content-Security-Policy"),
        Some("default-src 'none'; style-src 'unsafe-inline'")
    );
    // The origin's badge of the same snapshot, byte for byte.
    let json: serde_json::Value = serde_json::from_str(&mirror.server.get("/snapshot.json").body).unwrap();
    assert_eq!(json["badge"].as_str(), Some(badge.marked.as_str()));
}
