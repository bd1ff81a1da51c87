//! Moderators on the console's own listener: signing in, CSRF, the review
//! queue and every action on it as the public then sees it, look-alike
//! flags, pausing and closing, retention, and the offline tools.

use crate::common::console::{set_passphrase, signed_in, Console, CONSOLE, PASSPHRASE};
use crate::common::{self, Server};
use std::process::Command;

#[test]
fn the_public_listener_has_no_admin_route() {
    let server = Server::start_with(CONSOLE);
    set_passphrase(&server, "alice", PASSPHRASE);
    for path in ["/login", "/queue", "/audit", "/published", "/signature/1", "/action", "/logout"] {
        assert_eq!(server.get(path).status, 404, "GET {path} on the public listener");
    }
    let r = server.post_form("/login", &[("moderator", "alice"), ("passphrase", PASSPHRASE)]);
    assert_eq!(r.status, 404);
    assert!(r.header("set-cookie").is_none());
    // Without --admin-listen there is no console at all.
    assert!(Server::start().admin.is_none());
}

#[test]
fn sign_in_wrong_passphrase_sign_out() {
    let server = Server::start_with(CONSOLE);
    set_passphrase(&server, "alice", PASSPHRASE);
    let mut console = Console::new(&server);
    let r = console.get("/queue");
    assert_eq!((r.status, r.header("location")), (303, Some("/login")));

    let wrong = console.sign_in("alice", "not the passphrase at all");
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("do not match"));
    assert!(console.cookie.is_none());

    let ok = console.sign_in("alice", PASSPHRASE);
    assert_eq!(ok.status, 303);
    let cookie = ok.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"));
    let home = console.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Signed in as <strong>alice</strong>"));
    assert!(home.body.contains("<td>Organizations</td><td>203</td>"));
    assert!(home.header("content-security-policy").unwrap().starts_with("default-src 'none'"));
    assert!(!home.body.contains("<script"));

    let csrf = console.csrf();
    assert_eq!(console.post("/logout", &[("csrf", &csrf)]).status, 303);
    assert_eq!(console.get("/").status, 303, "the old cookie is dead");
}

#[test]
fn an_idle_session_expires() {
    let server = Server::start_with(&format!("{CONSOLE}admin_session_idle_minutes = 0.02\n"));
    let console = signed_in(&server);
    assert_eq!(console.get("/queue").status, 200);
    std::thread::sleep(std::time::Duration::from_millis(1600));
    let r = console.get("/queue");
    assert_eq!((r.status, r.header("location")), (303, Some("/login")), "1.2 s idle ends the session");
    let csrf_less = console.post("/action", &[("action", "pause")]);
    assert_eq!(csrf_less.status, 403);
    assert!(csrf_less.body.contains("Your session has ended"));
}

#[test]
fn forms_without_the_sessions_csrf_token_are_refused() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    server.sign("Csrf Target Org", "organization", &[]);
    let id = console.queue_ids("")[0];
    let id = id.to_string();
    let none = console.post("/action", &[("action", "approve"), ("id", &id)]);
    assert_eq!(none.status, 403);
    let forged = console.post("/action", &[("csrf", "forged"), ("action", "approve"), ("id", &id)]);
    assert_eq!(forged.status, 403);
    assert!(!server.get("/").body.contains("Csrf Target Org"));
    let signed_out = Console::new(&server).post("/action", &[("action", "approve"), ("id", &id)]);
    assert_eq!(signed_out.status, 403);
}

#[test]
fn approve_reject_edit_verify_and_bulk_show_on_the_public_side() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    for name in ["Review Org One", "Review Org Two", "Review Org Three", "Review Org Four"] {
        assert_eq!(server.sign(name, "organization", &[]).status, 200);
    }
    let ids = console.queue_ids("");
    assert_eq!(ids.len(), 4);
    let (four, three, two, one) = (ids[0], ids[1], ids[2], ids[3]);

    assert_eq!(console.act("approve", &[one, two], &[]).status, 303, "bulk approve");
    assert_eq!(console.act("reject", &[three], &[("reason", "fake")]).status, 303);
    assert_eq!(console.act("reject", &[four], &[]).status, 400, "a reason is required");
    let page = server.get("/").body;
    assert!(page.contains(">Review Org One<") && page.contains(">Review Org Two<"));
    assert!(!page.contains("Review Org Three"));
    assert_eq!(server.json()["counts"]["organization"], 205);

    let edit = console.act("edit", &[one], &[("name", "Review Organisation One"), ("affiliation", "Berlin")]);
    assert_eq!(edit.status, 303);
    assert_eq!(console.act("verify", &[one], &[]).status, 303);
    let page = server.get("/").body;
    assert!(page.contains(">Review Organisation One</bdi> <abbr class=\"verified\""));
    assert!(page.contains("Berlin"));
    let json = server.json();
    let entry = json["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Review Organisation One")
        .unwrap();
    assert_eq!(entry["verified"], true);

    assert_eq!(console.act("unpublish", &[two], &[]).status, 303);
    assert!(!server.get("/").body.contains("Review Org Two"));
    assert_eq!(console.queue_ids(""), vec![four, two]);
    assert_eq!(console.act("delete", &[two], &[]).status, 303);
    assert!(console.get(&format!("/signature/{two}")).status == 404);

    let audit = console.get("/audit").body;
    for action in
        ["approved", "rejected (fake)", "edited (was “Review Org One”)", "verified", "unpublished", "deleted"]
    {
        assert!(audit.contains(action), "{action} in the audit list");
    }
    assert!(audit.contains("<td>alice</td>"));
}

#[test]
fn look_alikes_are_flagged_in_the_queue() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    for (name, kind) in [
        ("Amnesty lnternational", "organization"),
        ("Amn\u{0435}sty International", "organization"),
        ("Acc\u{0435}ss Now", "company"),
        ("Electronic Frontier Foundati0n", "organization"),
        ("Amnesty Internati0nal", "individual"),
        ("Acc3ss N0w", "individual"),
        ("Visit www.spam.example now", "individual"),
        ("evil.example.com", "individual"),
        ("=cmd|' /C calc'!A0", "individual"),
        ("Jo Plain", "individual"),
    ] {
        let r = server.sign(name, kind, &[]);
        assert_eq!(r.status, 200, "{name}");
    }
    let look_alikes = console.get("/queue?flag=look-alike").body;
    for name in [
        "Amnesty lnternational",
        "Amn\u{0435}sty International",
        "Acc\u{0435}ss Now",
        "Electronic Frontier Foundati0n",
        "Amnesty Internati0nal",
        "Acc3ss N0w",
    ] {
        assert!(look_alikes.contains(name), "{name} flagged as a look-alike");
    }
    // Digits for letters and a bare domain hold even an individual.
    assert!(console.get("/queue?kind=individual").body.contains("evil.example.com"));
    let published = server.published_names();
    for held in ["Amnesty Internati0nal", "Acc3ss N0w", "evil.example.com"] {
        assert!(!published.contains(&held.to_string()), "{held} waits for review");
    }
    assert!(!look_alikes.contains("Jo Plain"));
    assert!(console.get("/queue?flag=mixed-script").body.contains("Amn\u{0435}sty International"));
    assert!(console.get("/queue?flag=url").body.contains("www.spam.example"));
    assert!(console.get("/queue?flag=formula").body.contains("calc"));
    assert!(
        server.published_names().contains(&"Jo Plain".to_string()),
        "an unflagged individual is published"
    );
    let only_companies = console.get("/queue?kind=company&flag=look-alike").body;
    assert!(only_companies.contains("Acc\u{0435}ss Now") && !only_companies.contains("Amnesty"));
}

#[test]
fn pausing_and_closing_the_letter() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    let token = server.get("/").form_token();
    assert_eq!(console.act("pause", &[], &[]).status, 303);
    let page = server.get("/").body;
    assert!(page.contains("Signing is paused"));
    assert!(!page.contains("action=\"/sign\""));
    let paused =
        server.post_form("/sign", &[("token", &token), ("name", "Paused Signer"), ("kind", "individual")]);
    assert_eq!(paused.status, 503);
    assert!(paused.body.contains("paused") && paused.body.contains("value=\"Paused Signer\""));

    assert_eq!(console.act("resume", &[], &[]).status, 303);
    let ok =
        server.post_form("/sign", &[("token", &token), ("name", "Paused Signer"), ("kind", "individual")]);
    assert_eq!(ok.status, 200, "the same form works once signing resumes");

    let ok_token = server.get("/").form_token();
    assert_eq!(console.act("close", &[], &[]).status, 400, "closing needs the confirmation box");
    assert_eq!(console.act("close", &[], &[("confirm", "close")]).status, 303);
    let page = server.get("/").body;
    assert!(page.contains("This letter is closed"));
    assert!(page.contains("final count of 323 signatures"));
    let token = server.get("/signatories?q=x").body; // any page: the letter page has no form now
    assert!(!token.contains("name=\"token\""));
    let late = server.post_form("/sign", &[("token", "x"), ("name", "Too Late"), ("kind", "individual")]);
    assert_eq!(late.status, 400, "no valid form exists any more");
    let old_form =
        server.post_form("/sign", &[("token", &ok_token), ("name", "Too Late"), ("kind", "individual")]);
    assert_eq!(old_form.status, 410);
    assert!(old_form.body.contains("no longer takes signatures"));
}

#[test]
fn retention_purges_private_fields_after_closing() {
    let server = Server::start_with(&format!("{CONSOLE}retention_days = 0\n"));
    let console = signed_in(&server);
    let thanks =
        server.sign("Unlisted Signer", "individual", &[("listed", "<absent>"), ("country", "Chile")]);
    let code = thanks.withdrawal_code();
    let before = console.get("/").body;
    assert!(
        before.contains(
            "1 withdrawal code, 1 used form token, and the affiliation and country of 1 unlisted signer."
        ),
        "the console says what will be purged"
    );
    console.act("close", &[], &[("confirm", "close")]);
    assert!(console.get("/").body.contains("are purged for good"));
    // The purge runs with the store's daily housekeeping, at the latest on a restart.
    let server = server.restart();
    let console = signed_in(&server);
    assert!(console.get("/").body.contains("Private fields were purged"));
    assert_eq!(server.post_form("/withdraw", &[("code", &code)]).status, 404, "codes are gone");
    assert_eq!(server.json()["counts"]["individual"], 88, "the signature still counts");
}

#[test]
fn offline_tools_work_on_a_stopped_server_and_point_to_the_console_otherwise() {
    let mut server = Server::start_with(CONSOLE);
    server.sign("Offline Org", "organization", &[]);
    let run = |args: &[&str], data: &std::path::Path| {
        Command::new(common::binary()).args(args).arg("--data").arg(data).output().unwrap()
    };
    let busy = run(&["pending"], &server.data);
    assert!(!busy.status.success());
    assert!(String::from_utf8_lossy(&busy.stderr).contains("the console"));

    server.stop();
    let pending = String::from_utf8(run(&["pending"], &server.data).stdout).unwrap();
    let id =
        pending.lines().find(|l| l.contains("Offline Org")).unwrap().split('\t').next().unwrap().to_string();
    assert!(run(&["reject", &id, "--reason", "spam"], &server.data).status.success());
    let backup = run(&["export"], &server.data);
    assert!(backup.status.success());
    let json: serde_json::Value = serde_json::from_slice(&backup.stdout).unwrap();
    assert_eq!(json["signatures"].as_array().unwrap().len(), 322);

    let other = tempfile::tempdir().unwrap();
    let file = other.path().join("backup.json");
    std::fs::write(&file, &backup.stdout).unwrap();
    let data = other.path().join("data");
    let restored =
        Command::new(common::binary()).args(["import"]).arg(&file).arg("--data").arg(&data).output().unwrap();
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    let names = other.path().join("names.txt");
    std::fs::write(&names, "Migrated Person One\nMigrated Person Two\n\n").unwrap();
    let imported = Command::new(common::binary())
        .args(["import", "--kind", "individual"])
        .arg(&names)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(imported.status.success());
    let config = other.path().join("c.toml");
    std::fs::write(&config, "min_fill_seconds = 0\npage_rebuild_ms = 0\n").unwrap();
    let moved = Server::spawn(&data, &config);
    assert_eq!(moved.json()["counts"]["total"], 324);
    assert!(moved.get("/").body.contains(">Migrated Person Two<"));
}

#[test]
fn signing_out_needs_the_sessions_csrf_token() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    for fields in [vec![], vec![("csrf", "forged")]] {
        let r = console.post("/logout", &fields);
        assert_eq!(r.status, 403, "{fields:?}");
        assert!(r.body.contains("did not come from your current session"));
        assert!(r.header("set-cookie").is_none());
        assert_eq!(console.get("/").status, 200, "a forged sign-out leaves the session alone");
    }
    let csrf = console.csrf();
    assert_eq!(console.post("/logout", &[("csrf", &csrf)]).status, 303);
}

#[test]
fn the_console_refuses_a_public_address_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public.toml");
    std::fs::write(&public, "admin_listen = \"0.0.0.0:0\"\n").unwrap();
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, "").unwrap();
    for (config, extra) in [(&public, None), (&plain, Some("[::]:0"))] {
        let mut cmd = Command::new(common::binary());
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data"]).arg(dir.path().join("data"));
        cmd.arg("--config").arg(config);
        if let Some(addr) = extra {
            cmd.args(["--admin-listen", addr]);
        }
        let mut child = cmd
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let status = common::wait_at_most(&mut child, std::time::Duration::from_secs(20), |c| drop(c.kill()))
            .expect("undersign refuses at once instead of serving");
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(!status.success(), "{stderr}");
        assert!(stderr.contains("refusing to serve the moderation console on"), "{stderr}");
        assert!(stderr.contains("admin_listen_public = true"), "{stderr}");
    }
}

#[test]
fn signing_in_needs_the_forms_csrf_token() {
    let server = Server::start_with(CONSOLE);
    set_passphrase(&server, "alice", PASSPHRASE);
    let console = Console::new(&server);
    let form = console.get("/login");
    let cookie = form.header("set-cookie").unwrap();
    assert!(cookie.starts_with("undersign_login=") && cookie.contains("SameSite=Strict"), "{cookie}");
    // As another site would post it: the right passphrase, but no token,
    // or a token without the form's cookie.
    for fields in [
        vec![("moderator", "alice"), ("passphrase", PASSPHRASE)],
        vec![("csrf", "guessed"), ("moderator", "alice"), ("passphrase", PASSPHRASE)],
    ] {
        let r = console.post("/login", &fields);
        assert_eq!(r.status, 403, "{fields:?}");
        assert!(r.body.contains("did not come from your current session"));
        assert!(r.header("set-cookie").is_none(), "no session");
    }
    assert_eq!(Console::new(&server).sign_in("alice", PASSPHRASE).status, 303, "from the form itself");
}

#[test]
fn a_session_cookie_from_another_server_is_refused() {
    let a = Server::start_with(CONSOLE);
    let b = Server::start_with(CONSOLE);
    set_passphrase(&b, "alice", PASSPHRASE);
    let at_a = signed_in(&a);
    let csrf = at_a.csrf();
    let mut at_b = Console::new(&b);
    at_b.cookie = at_a.cookie.clone();
    let r = at_b.get("/queue");
    assert_eq!((r.status, r.header("location")), (303, Some("/login")), "A's session means nothing to B");
    let r = at_b.post("/action", &[("csrf", &csrf), ("action", "pause"), ("return", "/queue")]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Your session has ended"), "{}", r.body);
    // Nor to A itself once it restarts: sessions live in memory only.
    let csrf = at_a.csrf();
    let a = a.restart();
    let mut again = Console::new(&a);
    again.cookie = at_a.cookie.clone();
    assert_eq!(again.get("/queue").status, 303);
    assert_eq!(again.post("/action", &[("csrf", &csrf), ("action", "pause")]).status, 403);
    assert!(!a.get("/").body.contains("Signing is paused"), "the old session paused nothing");
}

#[test]
fn a_hundred_wrong_passphrases_at_once_do_not_slow_the_public_site() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let server = Server::start_with(CONSOLE);
    set_passphrase(&server, "alice", PASSPHRASE);
    let admin = server.admin.unwrap();
    // One sign-in form, sent a hundred times at once.
    let form = common::request(admin, b"GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let cookie = form.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    let marker = "name=\"csrf\" value=\"";
    let start = form.body.find(marker).unwrap() + marker.len();
    let csrf = form.body[start..start + form.body[start..].find('"').unwrap()].to_string();
    let body = format!("csrf={csrf}&moderator=alice&passphrase=not+the+passphrase+at+all");
    let raw = format!(
        "POST /login HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let attempts: Vec<_> = (0..100)
        .map(|_| {
            let raw = raw.clone();
            std::thread::spawn(move || {
                let mut s = std::net::TcpStream::connect(admin).unwrap();
                // Those that wait their turn may wait half a minute: not for this test.
                s.set_read_timeout(Some(Duration::from_secs(4))).unwrap();
                s.write_all(raw.as_bytes()).unwrap();
                let mut out = Vec::new();
                let _ = s.read_to_end(&mut out);
                (!out.is_empty()).then(|| common::parse_response(&out))
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for _ in 0..40 {
        let asked = Instant::now();
        assert_eq!(server.get("/").status, 200);
        slowest = slowest.max(asked.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    let (mut busy, mut wrong, mut waiting) = (0, 0, 0);
    for a in attempts {
        match a.join().unwrap() {
            Some(r) if r.status == 429 => {
                assert!(r.body.contains("Too many sign-in attempts"), "{}", r.body);
                assert!(r.header("retry-after").is_some());
                busy += 1;
            }
            Some(r) => {
                assert_eq!(r.status, 401, "{}", r.body);
                wrong += 1;
            }
            None => waiting += 1,
        }
    }
    eprintln!("100 sign-ins at once: {busy} refused at once, {wrong} checked, {waiting} still waiting; slowest GET / {slowest:?}");
    // One checked at once and eight waiting their turns; the rest refused.
    assert!(busy >= 80, "{busy} refused at once, {wrong} checked, {waiting} waiting");
    assert!(wrong <= 9, "the brake held: {wrong} checked within 4 s");
    assert!(slowest < Duration::from_secs(2), "GET / took {slowest:?} during the attempts");
}
