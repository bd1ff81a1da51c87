//! What a visitor sees without signing: the letter, its signatories in the
//! seed's order, paginated lists, search, the privacy page, open data, and
//! the headers that keep a Tor Browser visit to one self-contained request.

use crate::common::{self, Server};

#[test]
fn the_letter_with_its_counts_form_and_signatories() {
    let server = Server::start();
    let r = server.get("/");
    assert_eq!(r.status, 200);
    let b = &r.body;
    assert!(b.contains("<h1>Secure the Internet</h1>"));
    assert!(b.contains("To the leaders of the world’s governments"));
    assert_eq!(b.matches("<li>Governments should not").count(), 5, "five principles as a list");
    assert!(b.contains("322 signatures"));
    assert!(b.contains("203 organizations, 32 companies, 87 individuals"));
    assert!(b.contains("<form class=\"sign\" method=\"post\" action=\"/sign\">"));
    assert!(b.contains("type=\"checkbox\" name=\"listed\" value=\"yes\" checked"));
    for group in ["Organizations (203)", "Companies (32)", "Individuals (87)"] {
        assert!(b.contains(group), "{group}");
    }
    // The seed's order within each group, on the page.
    let mut last = 0;
    for name in [
        "18MillionRising.org",
        "Access Now",
        "Zimbabwe Human Rights Forum",
        "Afekt Media",
        "Zygii Tecnologia",
        "Samuel A. Akinsola",
        "Dan York",
    ] {
        let at = b.find(&format!(">{name}<")).unwrap_or_else(|| panic!("{name} on the page"));
        assert!(at > last, "{name} out of order");
        last = at;
    }
    assert!(b.contains("Frank La Rue"));
}

#[test]
fn every_response_carries_the_privacy_headers_and_nothing_else() {
    let server = Server::start();
    for path in ["/", "/privacy", "/nope", "/signatories.json", "/signatories?q=a"] {
        let r = server.get(path);
        let csp = r.header("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"), "{csp}");
        assert!(csp.ends_with("img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"));
        assert_eq!(r.header("cross-origin-resource-policy"), Some("same-origin"));
        assert!(r.header("permissions-policy").unwrap().contains("camera=()"));
        for absent in ["date", "server", "set-cookie", "last-modified", "onion-location"] {
            assert!(r.header(absent).is_none(), "{path} sends {absent}");
        }
        // An ETag only on the exports, and the same for every visitor (it
        // names a build, never a visitor).
        if path.ends_with(".json") {
            assert_eq!(r.header("etag"), server.get(path).header("etag"), "{path}");
        } else {
            assert!(r.header("etag").is_none(), "{path} sends etag");
        }
    }
}

#[test]
fn a_page_needs_no_second_request() {
    let server = Server::start();
    let b = server.get("/").body;
    assert!(!b.contains("<script"));
    assert!(!b.contains("<img"));
    assert!(!b.contains("src="), "no element loads anything");
    assert!(b.contains("<link rel=\"icon\" href=\"data:,\">"));
    assert!(!b.contains("stylesheet"), "CSS is inline");
    assert!(!b.contains("http://") && !b.contains("https://"), "no third-party address");
    // The CSP hash is that of the inline stylesheet the page carries.
    let r = server.get("/");
    let style = &r.body[r.body.find("<style>").unwrap() + 7..r.body.find("</style>").unwrap()];
    let csp = r.header("content-security-policy").unwrap();
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style.as_bytes()));
    assert!(csp.contains(&format!("'sha256-{hash}'")));
}

#[test]
fn each_page_load_has_its_own_token() {
    let server = Server::start();
    assert_ne!(server.get("/").form_token(), server.get("/").form_token());
    assert_eq!(server.get("/").header("cache-control"), Some("no-store"));
}

#[test]
fn long_groups_link_to_paginated_lists() {
    let server = Server::start_with("min_fill_seconds = 0\npage_group_limit = 50\nlist_page_size = 40\n");
    let page = server.get("/");
    assert!(page.body.contains("href=\"/signatories/organization?page=1\">All 203 organizations"));
    assert!(!page.body.contains("href=\"/signatories/company?page=1\">All"), "32 companies fit");
    assert!(page.body.contains(">Access Now<"));
    assert!(!page.body.contains(">Zimbabwe Human Rights Forum<"), "past the first 50");

    let p1 = server.get("/signatories/organization?page=1");
    assert_eq!(p1.status, 200);
    assert!(p1.body.contains(">18MillionRising.org<"));
    assert!(p1.body.contains("Page 1 of 6"));
    let p6 = server.get("/signatories/organization?page=6");
    assert!(p6.body.contains(">Zimbabwe Human Rights Forum<"));
    assert!(!p6.body.contains("rel=\"next\""));
    assert_eq!(server.get("/signatories/organization?page=7").status, 404);
    assert_eq!(server.get("/signatories/organization?page=x").status, 400);
    assert_eq!(server.get("/signatories/government?page=1").status, 404);
}

#[test]
fn search_finds_published_names_ignoring_case_and_accents() {
    let server = Server::start();
    let r = server.get("/signatories?q=QUEBEC");
    assert_eq!(r.status, 200);
    assert!(r.body.contains(">Crypto.Québec</bdi> <span class=\"note\">· organization</span>"));
    let r = server.get("/signatories?q=amnesty+international");
    assert!(r.body.contains(">Amnesty International<") && r.body.contains("UK<"));
    let none = server.get("/signatories?q=zzzzqqq");
    assert!(none.body.contains("No published signatory matches"));
    let prompt = server.get("/signatories");
    assert!(prompt.body.contains("Type part of a name"));
    let long = server.get(&format!("/signatories?q={}", "a".repeat(300)));
    assert_eq!(long.status, 400);
    let hostile = server.get("/signatories?q=%3Cscript%3E");
    assert!(!hostile.body.contains("<script>"));
}

#[test]
fn privacy_page_says_what_is_and_is_not_stored() {
    let server = Server::start();
    let r = server.get("/privacy");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("What we store"));
    assert!(r.body.contains("What we never store"));
    assert!(r.body.contains("IP address"));
    assert!(r.body.contains("vigorously challenged"), "the letter's disclaimer");
}

#[test]
fn unknown_pages_and_wrong_methods() {
    let server = Server::start();
    let r = server.get("/wp-admin");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"));
    assert!(r.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert_eq!(server.get("/favicon.ico").status, 404);
    let r = server.get("/sign");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    let r = server.request(b"DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(r.status, 405);
    let r = server.request(b"HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
}

#[test]
fn open_data_lists_published_names_and_counts() {
    let server = Server::start();
    let json = server.json();
    assert_eq!(json["counts"]["organization"], 203);
    assert_eq!(json["counts"]["company"], 32);
    assert_eq!(json["counts"]["individual"], 87);
    let list = json["signatories"].as_array().unwrap();
    assert_eq!(list.len(), 322);
    assert_eq!(list[0]["name"], "18MillionRising.org");
    assert_eq!(list[0]["kind"], "organization");
    // What was not given is left out, one name to a line.
    assert!(list[0].get("affiliation").is_none() && list[0].get("country").is_none());
    let raw = server.get("/signatories.json").body;
    assert!(raw.contains("\n    {\"name\":\"18MillionRising.org\",\"kind\":\"organization\"}"), "{raw}");

    // A name that arrives through the form starting with `=` is held for
    // review; one imported by the deployer is published as it is.
    let held = server.sign("=HYPERLINK(\"http://evil\")", "individual", &[]);
    assert!(held.body.contains("awaits review"));
    let server = Server::start_with_files(
        "min_fill_seconds = 0\n[import]\nindividuals = \"people.txt\"\n",
        &[("people.txt", "=HYPERLINK(\"http://evil\")\n")],
    );
    let signed = server.sign("Plain Name", "individual", &[("affiliation", "+1 Org"), ("country", "@home")]);
    assert_eq!(signed.status, 200);
    let csv = server.get("/signatories.csv");
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let mut lines = csv.body.lines();
    assert_eq!(lines.next(), Some("name,kind,affiliation,country,proven_by"));
    assert_eq!(lines.next(), Some("\"'=HYPERLINK(\"\"http://evil\"\")\",individual,,,"));
    assert!(csv.body.contains("Plain Name,individual,'+1 Org,'@home,"), "{}", csv.body);
}

#[test]
fn every_public_page_describes_itself_with_the_letters_first_sentence() {
    let server = Server::start();
    let wanted = "<meta name=\"description\" content=\"We encourage you to support the safety and security of users, companies, and governments by strengthening the integrity of communications and systems.\">";
    for path in ["/", "/privacy", "/withdraw", "/signatories?q=ada", "/signatories/individual", "/nope"] {
        let r = server.get(path);
        assert!(r.body.contains(wanted), "{path}: {}", &r.body[..r.body.len().min(600)]);
    }
}

#[test]
fn robots_txt_welcomes_crawlers_to_the_letter_and_not_to_the_data_files() {
    let server = Server::start();
    let r = server.get("/robots.txt");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert!(r.body.starts_with("User-agent: *\n"), "{}", r.body);
    for line in ["Allow: /", "Disallow: /snapshot.", "Disallow: /signatories.json"] {
        assert!(r.body.lines().any(|l| l == line), "{line}: {}", r.body);
    }
    assert!(!r.body.lines().any(|l| l == "Disallow: /"), "the letter is meant to be found");
    assert_eq!(server.get("/es/robots.txt").status, 404, "one robots.txt, at the root");
}

#[test]
fn the_exports_carry_an_etag_and_a_current_copy_is_answered_304() {
    let server = Server::start_with("min_fill_seconds = 0\npage_rebuild_ms = 0\n");
    let if_none_match = |path: &str, etag: &str| {
        server.request(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    };
    let mut before = Vec::new();
    for path in ["/signatories.json", "/signatories.csv"] {
        let r = server.get(path);
        let etag = r.header("etag").unwrap_or_else(|| panic!("{path} has no ETag")).to_string();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        assert_eq!(server.get(path).header("etag"), Some(etag.as_str()), "the same while nothing changes");
        let again = if_none_match(path, &etag);
        assert_eq!((again.status, again.body.as_str()), (304, ""), "{path}");
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        before.push((path, etag));
    }
    assert_eq!(server.sign("Etag Tester", "individual", &[]).status, 200);
    for (path, etag) in before {
        let r = if_none_match(path, &etag);
        assert_eq!(r.status, 200, "{path}: a new name is a new version");
        assert!(r.body.contains("Etag Tester"), "{path}");
        assert_ne!(r.header("etag"), Some(etag.as_str()), "{path}");
    }
}

/// A different name per number up to 8,000, of letters only: `Signer Bcd`.
fn many_names(n: usize) -> String {
    const LETTERS: &[u8] = b"bcdfghjklmnpqrstvwxz";
    let word = |mut i: usize| {
        let mut w = String::new();
        for _ in 0..3 {
            w.push(char::from(LETTERS[i % LETTERS.len()]));
            i /= LETTERS.len();
        }
        let mut w: Vec<char> = w.chars().collect();
        w[0] = w[0].to_ascii_uppercase();
        w.into_iter().collect::<String>()
    };
    (0..n).map(|i| format!("Signer {}\n", word(i))).collect()
}

#[test]
fn a_large_export_streams_whole_and_parses() {
    let n = 4000;
    let server = Server::start_with_files(
        "min_fill_seconds = 0\n[import]\nindividuals = \"people.txt\"\n",
        &[("people.txt", &many_names(n))],
    );
    let r = server.get("/signatories.json");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some(r.body.len().to_string().as_str()));
    assert!(r.body.len() > 2 * 64 * 1024, "more than a few chunks: {}", r.body.len());
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(json["counts"]["individual"], n);
    let list = json["signatories"].as_array().unwrap();
    assert_eq!(list.len(), n);
    assert_eq!(list[0]["name"], "Signer Bbb");
    assert_eq!(list[n - 1]["name"], many_names(n).lines().last().unwrap());
    assert!(r.body.ends_with("\n  ]\n}"));

    let csv = server.get("/signatories.csv");
    assert_eq!(csv.header("content-length"), Some(csv.body.len().to_string().as_str()));
    assert_eq!(csv.body.lines().count(), n + 1);

    let head = server.request(b"HEAD /signatories.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), r.header("content-length"));

    // The exports are files of the data dir's own, owner only.
    use std::os::unix::fs::PermissionsExt;
    let dir = server.data.join("exports");
    assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
    let mut files: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    assert_eq!(files, ["signatories.csv", "signatories.json"]);
    assert_eq!(std::fs::read_to_string(dir.join("signatories.json")).unwrap(), r.body);
}

#[test]
fn exports_of_a_previous_run_are_not_kept() {
    let server = Server::start();
    assert_eq!(server.get("/signatories.json").status, 200);
    let stale = server.data.join("exports").join("signatories.json");
    std::fs::write(&stale, "stale").unwrap();
    let server = server.restart();
    assert!(!stale.exists(), "removed at start");
    assert_eq!(server.json()["counts"]["total"], 322);
}

#[test]
fn a_deployers_own_letter_and_lists() {
    let letter = "# Keep Libraries Open\n\nWe ask the council to keep every branch open.\n\n## Principles\n\n- Open on Sundays\n- Free to all\n\nThank you.\n\n## Sign up\n\nLibrary users welcome.\n\n## Disclaimer\n\nWe share nothing.\n";
    let server = Server::start_with_files(
        "min_fill_seconds = 0\nletter = \"letter.md\"\n[import]\norganizations = \"orgs.txt\"\nindividuals = \"people.txt\"\n",
        &[("letter.md", letter), ("orgs.txt", "Friends of the Library\n\nThe Readers' Union\n"), ("people.txt", "Jo Bloggs\n")],
    );
    let page = server.get("/").body;
    assert!(page.contains("<h1>Keep Libraries Open</h1>"));
    assert!(page.contains("<li>Open on Sundays</li>"));
    assert!(page.contains("3 signatures"));
    assert!(!page.contains("Secure the Internet"));
    assert!(page.find(">Friends of the Library<").unwrap() < page.find(">The Readers' Union<").unwrap());
    assert!(server.get("/privacy").body.contains("We share nothing."));
}

#[test]
fn a_bad_config_or_letter_stops_start_up_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(&config, "min_fil_seconds = 0\n").unwrap();
    let out = std::process::Command::new(common::binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path().join("d"))
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("min_fil_seconds"));
}

#[test]
fn onion_location_is_sent_when_configured() {
    let onion = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";
    let server = Server::start_with(&format!("min_fill_seconds = 0\nonion_location = \"{onion}\"\n"));
    let r = server.get("/privacy");
    assert_eq!(r.header("onion-location"), Some(format!("http://{onion}/privacy").as_str()));
}

#[test]
fn serves_on_a_unix_socket() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("http.sock");
    let mut child = std::process::Command::new(common::binary())
        .arg("serve")
        .arg("--listen")
        .arg(format!("unix:{}", socket.display()))
        .arg("--data")
        .arg(dir.path().join("data"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains(&format!("unix:{}", socket.display())), "{line}");
    let mut s = std::os::unix::net::UnixStream::connect(&socket).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let r = common::parse_response(&out);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Secure the Internet"));
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    assert!(!socket.exists(), "the socket is removed on exit");
}
