//! A visitor signs, is thanked, sees their name, and withdraws; and every
//! way a submission can be refused, each with its page.

use crate::common::{self, Server};

#[test]
fn sign_thank_publish_withdraw() {
    let server = Server::start();
    let thanks = server.sign("Ada Lovelace", "individual", &[("affiliation", "Analyst"), ("country", "UK")]);
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert_eq!(thanks.header("cache-control"), Some("no-store"));
    assert!(thanks.body.contains("Thank you for signing"));
    assert!(thanks.body.contains("Your name is now published"));
    let code = thanks.withdrawal_code();
    assert!(code.len() >= 20 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));

    let page = server.get("/");
    assert!(page.body.contains("<bdi>Ada Lovelace</bdi>, <bdi>Analyst</bdi> (<bdi>UK</bdi>)"));
    assert!(page.body.contains("88 individuals"), "count went up");
    let json = server.json();
    assert_eq!(json["counts"]["individual"], 88);
    assert!(json["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "Ada Lovelace" && s["affiliation"] == "Analyst"));

    let wrong = server.post_form("/withdraw", &[("code", "not-a-real-code")]);
    assert_eq!(wrong.status, 404);
    assert!(wrong.body.contains("No signature has this withdrawal code"));

    let gone = server.post_form("/withdraw", &[("code", &code.to_uppercase())]);
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert!(gone.body.contains("Your signature is withdrawn"));
    assert!(!server.get("/").body.contains("Ada Lovelace"));
    assert!(!server.get("/signatories.csv").body.contains("Ada Lovelace"));
    assert_eq!(server.json()["counts"]["individual"], 87);
    let again = server.post_form("/withdraw", &[("code", &code)]);
    assert_eq!(again.status, 404, "a code works once");
}

#[test]
fn organisations_wait_for_review_then_appear_once_approved() {
    let mut server = Server::start();
    let thanks = server.sign("Digital Freedom Collective", "organization", &[]);
    assert_eq!(thanks.status, 200);
    assert!(thanks.body.contains("awaits review by a moderator"));
    let page = server.get("/");
    assert!(!page.body.contains("Digital Freedom Collective"));
    assert!(page.body.contains("1 more awaits review"));
    assert!(!server.get("/signatories.json").body.contains("Digital Freedom Collective"));

    // The offline tool approves while the server is stopped.
    server.stop();
    let pending = std::process::Command::new(common::binary())
        .args(["pending", "--data"])
        .arg(&server.data)
        .output()
        .unwrap();
    let listing = String::from_utf8(pending.stdout).unwrap();
    let line = listing.lines().find(|l| l.contains("Digital Freedom Collective")).expect("listed as pending");
    let id = line.split('\t').next().unwrap();
    let approved = std::process::Command::new(common::binary())
        .args(["approve", id, "--data"])
        .arg(&server.data)
        .status()
        .unwrap();
    assert!(approved.success());
    let server = server.restart();
    assert!(server.get("/").body.contains("Digital Freedom Collective"));
    assert_eq!(server.json()["counts"]["organization"], 204);
}

#[test]
fn review_kinds_are_configurable() {
    let server = Server::start_with("min_fill_seconds = 0\nreview = [\"individual\"]\n");
    let org = server.sign("Open Signal Group", "organization", &[]);
    assert!(org.body.contains("Your name is now published"));
    let person = server.sign("Grace Hopper", "individual", &[]);
    assert!(person.body.contains("awaits review"));
    let names = server.published_names();
    assert!(names.contains(&"Open Signal Group".to_string()));
    assert!(!names.contains(&"Grace Hopper".to_string()));
}

#[test]
fn unlisted_signatures_are_counted_but_never_shown() {
    let server = Server::start();
    let thanks = server.sign("Quiet Person", "individual", &[("listed", "<absent>")]);
    assert_eq!(thanks.status, 200);
    assert!(thanks.body.contains("will not be shown"));
    assert!(!server.get("/").body.contains("Quiet Person"));
    assert!(!server.get("/signatories.csv").body.contains("Quiet Person"));
    assert!(!server.get("/signatories?q=quiet").body.contains("Quiet Person"));
    let json = server.json();
    assert_eq!(json["counts"]["individual"], 88);
    assert!(!json.to_string().contains("Quiet Person"));
}

#[test]
fn a_bad_field_is_named_and_what_was_typed_is_kept() {
    let server = Server::start();
    let r = server.sign("   ", "individual", &[("affiliation", "Kept Affiliation"), ("country", "Kenya")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("<a href=\"#name\">Name is required.</a>"), "{}", r.body);
    assert!(r.body.contains("value=\"Kept Affiliation\""));
    assert!(r.body.contains("value=\"Kenya\""));
    assert!(r.body.contains("name=\"token\""), "a fresh form to send again");

    let r = server.sign("Someone", "government", &[]);
    assert_eq!(r.status, 400);
    assert!(r
        .body
        .contains("<a href=\"#kind\">Signing as: choose an individual, an organization or a company.</a>"));
    assert!(r.body.contains("value=\"Someone\""));

    let r = server.sign(&"x".repeat(200), "individual", &[]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Name is too long: at most 150 characters."));

    let zalgo = format!("Z{}", "\u{0301}".repeat(12));
    assert_eq!(server.sign(&zalgo, "individual", &[]).status, 400);
}

#[test]
fn tokens_are_required_genuine_and_single_use() {
    let server = Server::start();
    let missing = server.post_form("/sign", &[("name", "No Token"), ("kind", "individual")]);
    assert_eq!(missing.status, 400);
    assert!(missing.body.contains("Form not recognized"));

    let forged = server.sign(
        "Forged Token",
        "individual",
        &[("token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")],
    );
    assert_eq!(forged.status, 400);

    let token = server.get("/").form_token();
    let fields =
        [("token", token.as_str()), ("name", "Once Only"), ("kind", "individual"), ("listed", "yes")];
    assert_eq!(server.post_form("/sign", &fields).status, 200);
    let reload = server.post_form("/sign", &fields);
    assert_eq!(reload.status, 409, "reloading the thank-you page signs nothing");
    assert!(reload.body.contains("Already signed with this form"));
    let names = server.published_names();
    assert_eq!(names.iter().filter(|n| *n == "Once Only").count(), 1);
}

#[test]
fn a_form_sent_back_too_fast_is_refused() {
    let server = Server::start_with("min_fill_seconds = 30\n");
    let r = server.sign("Speedy Bot", "individual", &[]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("faster than a person"));
    assert!(r.body.contains("value=\"Speedy Bot\""));
}

#[test]
fn the_honeypot_refuses_bots() {
    let server = Server::start();
    let r = server.sign("Bot Filler", "individual", &[("homepage", "http://spam.example")]);
    assert_eq!(r.status, 400);
    assert!(!server.published_names().contains(&"Bot Filler".to_string()));
}

#[test]
fn duplicate_organisations_are_refused_and_repeated_people_held() {
    let server = Server::start();
    let dup = server.sign("ACCESS  now", "organization", &[]);
    assert_eq!(dup.status, 409);
    assert!(dup.body.contains("has already signed"));
    let twin = server.sign("Matt Blaze", "individual", &[]);
    assert_eq!(twin.status, 200);
    assert!(twin.body.contains("awaits review"), "a second Matt Blaze waits for a moderator");
    let names = server.published_names();
    assert_eq!(names.iter().filter(|n| *n == "Matt Blaze").count(), 1);
}

#[test]
fn oversized_and_malformed_bodies_get_clear_pages() {
    let server = Server::start();
    let big = "name=".to_string() + &"a".repeat(20_000);
    let r = server.request(
        format!("POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{big}", big.len()).as_bytes(),
    );
    assert_eq!(r.status, 413);
    assert!(r.body.contains("larger than 16 KiB"));

    // Chunked, so no Content-Length to refuse early: the limit still holds.
    let chunk = "a".repeat(17_000);
    let r = server.request(
        format!("POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n", chunk.len()).as_bytes(),
    );
    assert_eq!(r.status, 413);

    let r = server.request(b"POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assert_eq!(r.status, 415);

    let r = server.request(b"POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\nConnection: close\r\n\r\n%ff%fe=%c3");
    assert_eq!(r.status, 400, "invalid UTF-8 is a bad form, not a crash");

    let r = server.request(b"GARBAGE\r\n\r\n");
    assert_eq!(r.status, 400);
    assert_eq!(server.get("/").status, 200, "still serving");
}

#[test]
fn throttled_signing_says_to_wait() {
    let server = Server::start_with("min_fill_seconds = 0\nsign_burst = 2\nsign_per_second = 1\n");
    let tokens: Vec<String> = (0..4).map(|_| server.get("/").form_token()).collect();
    let statuses: Vec<u16> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = format!("Rapid Signer {}", ["A", "B", "C", "D"][i]);
            server
                .post_form(
                    "/sign",
                    &[("token", t), ("name", &name), ("kind", "individual"), ("listed", "yes")],
                )
                .status
        })
        .collect();
    assert_eq!(&statuses[..2], &[200, 200]);
    assert!(statuses[2..].contains(&429), "{statuses:?}");
    let r = server
        .post_form("/sign", &[("token", &tokens[3]), ("name", "Rapid Signer D"), ("kind", "individual")]);
    if r.status == 429 {
        assert!(r.body.contains("Please wait"));
        assert_eq!(r.header("retry-after"), Some("60"));
    }
}

#[test]
fn the_review_queue_is_capped() {
    let server = Server::start_with("min_fill_seconds = 0\nmax_pending = 2\n");
    assert_eq!(server.sign("Pending Org One", "organization", &[]).status, 200);
    assert_eq!(server.sign("Pending Org Two", "organization", &[]).status, 200);
    let full = server.sign("Pending Org Three", "organization", &[]);
    assert_eq!(full.status, 503);
    assert!(full.body.contains("waiting for review"));
    assert!(full.body.contains("value=\"Pending Org Three\""), "nothing typed is lost");
    assert_eq!(server.sign("Still An Individual", "individual", &[]).status, 200);
}

#[test]
fn every_seed_name_round_trips() {
    // A letter with no imported signatories; every kind published at once.
    let server = Server::start_with_files(
        "min_fill_seconds = 0\nreview = []\n[import]\nindividuals = \"empty.txt\"\n",
        &[("empty.txt", "")],
    );
    assert_eq!(server.json()["counts"]["total"], 0);
    let mut expected = Vec::new();
    for kind in ["organization", "company", "individual"] {
        for name in common::seed(kind) {
            let r = server.sign(&name, kind, &[]);
            assert_eq!(r.status, 200, "{name}: {}", r.body);
            expected.push(name);
        }
    }
    let mut published = server.published_names();
    assert_eq!(published.len(), 322);
    published.sort();
    expected.sort();
    assert_eq!(published, expected, "every name stored and exported exactly as typed");
}

/// A withdrawal code begins with its signature's id (so the store keeps it
/// where the next one goes); the same random part behind another id is
/// nobody's code, and takes nothing away.
#[test]
fn a_withdrawal_code_names_its_signature_and_only_it() {
    let server = Server::start();
    let first = server.sign("Grace Hopper", "individual", &[]).withdrawal_code();
    let second = server.sign("Katherine Johnson", "individual", &[]).withdrawal_code();
    let groups = |code: &str| code.split('-').map(str::to_string).collect::<Vec<_>>();
    let (a, b) = (groups(&first), groups(&second));
    assert_eq!((a.len(), b.len()), (5, 5), "{first} {second}: the id, then four groups of five");
    assert!(a[1..].iter().chain(&b[1..]).all(|g| g.len() == 5));
    assert_ne!(a[0], b[0], "each code names its own signature");
    let swapped = format!("{}-{}", b[0], a[1..].join("-"));
    assert_eq!(server.post_form("/withdraw", &[("code", &swapped)]).status, 404);
    assert!(
        server.get("/").body.contains("Grace Hopper") && server.get("/").body.contains("Katherine Johnson")
    );
    assert_eq!(server.post_form("/withdraw", &[("code", &first)]).status, 200);
    assert_eq!(server.post_form("/withdraw", &[("code", &second)]).status, 200);
    assert!(!server.get("/").body.contains("Katherine Johnson"));
}
