//! The moderation console's pages, as a moderator's browser sees them: every
//! page and state passes the Nu HTML checker, and headless Chromium with
//! JavaScript disabled (Tor Browser "Safest") renders the sign-in page, the
//! dashboard and the review queue with one request each and no script.
//!
//! A fresh browser profile has no session cookie, so the counting proxy adds
//! the `Cookie` header to the requests it forwards.

use crate::common::browser::{assert_rendered, require_chromium, visit_with_headers};
use crate::common::console::{set_passphrase, signed_in, Console, CONSOLE, PASSPHRASE};
use crate::common::vnu::{assert_valid, require_vnu};
use crate::common::{self, Response, Server};

/// Console pages are mostly white space, but a rendered one is still well
/// above a blank page's screenshot (about 12 KB).
const MIN_PNG_BYTES: usize = 15_000;

/// Extra sign-form fields.
type Fields = &'static [(&'static str, &'static str)];

/// Signatures that wait for review, covering what a queue row can show:
/// look-alikes of a published name, mixed scripts, right-to-left text, a
/// web address, a spreadsheet formula, an unlisted individual with a
/// country (flagged, so it waits too), an affiliation.
const PENDING: &[(&str, &str, Fields)] = &[
    ("Amnesty lnternational", "organization", &[]),
    ("Amn\u{0435}sty International", "organization", &[("affiliation", "London & <Paris>")]),
    ("Digital Freedom Collective", "organization", &[("affiliation", "Berlin")]),
    ("منظمة الحقوق الرقمية", "organization", &[("affiliation", "القاهرة")]),
    ("M\u{0430}ria Gonz\u{e1}lez", "individual", &[("listed", "<absent>"), ("country", "Perú")]),
    ("Visit www.spam.example now", "individual", &[]),
    ("=cmd|' /C calc'!A0", "individual", &[("country", "\"Quoted\" <Land>")]),
];

/// A console with the [`PENDING`] signatures, signed in as alice; returns
/// the pending ids, newest first.
fn console_with_queue(server: &Server) -> (Console, Vec<u64>) {
    let console = signed_in(server);
    for (name, kind, extra) in PENDING {
        let r = server.sign(name, kind, extra);
        assert_eq!(r.status, 200, "signing as {name}: {}", r.body);
    }
    let ids = console.queue_ids("");
    assert_eq!(ids.len(), PENDING.len(), "every test signature waits for review");
    (console, ids)
}

/// The id of the pending signature with this name.
fn id_of(console: &Console, name: &str) -> u64 {
    let page = console.get("/queue").body;
    let row = page.find(&format!(">{name}</a>")).unwrap_or_else(|| panic!("{name} in the queue"));
    let marker = "href=\"/signature/";
    let start = page[..row].rfind(marker).unwrap() + marker.len();
    page[start..row].trim_end_matches('"').parse().unwrap()
}

/// [`CONSOLE`] with the console in Persian.
pub(crate) const CONSOLE_FA: &str =
    "min_fill_seconds = 0\nadmin_listen = \"127.0.0.1:0\"\nadmin_language = \"fa\"\n";

#[test]
fn every_console_page_is_valid_html() {
    let Some(jar) = require_vnu() else { return };
    let server = Server::start_with(CONSOLE);
    assert_valid(&jar, "console", &console_pages(&server));
}

#[test]
fn every_persian_console_page_is_valid_html() {
    let Some(jar) = require_vnu() else { return };
    let server = Server::start_with(CONSOLE_FA);
    assert_valid(&jar, "console-fa", &console_pages_in(&server, "fa"));
}

/// Every console page and state, each with the status it must have, from a
/// server started with [`CONSOLE`]: the pages the HTML checker and the
/// accessibility checker both read.
pub(crate) fn console_pages(server: &Server) -> Vec<(&'static str, u16, Response)> {
    console_pages_in(server, "en")
}

/// [`console_pages`] from a console whose `admin_language` is `lang`; the
/// checks of particular words are English's, the others hold in any.
pub(crate) fn console_pages_in(server: &Server, lang: &str) -> Vec<(&'static str, u16, Response)> {
    let mut signed_out = Console::new(server);
    let mut pages: Vec<(&str, u16, Response)> = vec![("login-no-moderators", 200, signed_out.get("/login"))];
    set_passphrase(server, "bob", PASSPHRASE);
    pages.push(("login", 200, signed_out.get("/login")));
    pages.push(("login-wrong-passphrase", 401, signed_out.sign_in("bob", "not the passphrase at all")));
    pages.push(("signed-out-action", 403, signed_out.post("/action", &[("action", "pause")])));

    let (console, _) = console_with_queue(server);
    let org = id_of(&console, "Digital Freedom Collective");
    let pending = id_of(&console, "M\u{0430}ria Gonz\u{e1}lez");
    let approved = console.act("approve", &[org], &[]);
    assert_eq!(approved.status, 303);
    let after = approved.header("location").expect("back to the queue").to_string();
    pages.push(("queue-after-approving", 200, console.get(&after)));
    pages.push(("action-close-unticked", 400, console.act("close", &[], &[])));
    for (name, path) in [
        ("dashboard", "/".to_string()),
        ("queue", "/queue".into()),
        ("queue-look-alike", "/queue?flag=look-alike".into()),
        ("queue-individual-mixed-script", "/queue?kind=individual&flag=mixed-script".into()),
        ("queue-empty", "/queue?kind=company".into()),
        ("signature-pending", format!("/signature/{pending}")),
        ("signature-published-org", format!("/signature/{org}")),
        ("published-organisations", "/published?kind=organization".into()),
        ("published-individuals-2", "/published?kind=individual&page=2".into()),
    ] {
        pages.push((name, 200, console.get(&path)));
    }
    let body = |name: &str| &pages.iter().find(|(n, _, _)| *n == name).unwrap().2.body;
    if lang == "en" {
        assert!(body("queue-empty").contains("Nothing waits for review here."));
        assert!(body("published-individuals-2").contains("← Previous"));
    }
    assert!(body("signature-published-org").contains("value=\"verify\""), "the verify form shows");
    assert!(body("published-individuals-2").contains("rel=\"prev\""));

    assert_eq!(console.act("verify", &[org], &[]).status, 303);
    pages.push(("signature-verified-org", 200, console.get(&format!("/signature/{org}"))));
    let amnesty = id_of(&console, "Amnesty lnternational");
    assert_eq!(console.act("reject", &[amnesty], &[("reason", "fake")]).status, 303);
    assert_eq!(
        console.act("edit", &[pending], &[("name", "María González"), ("affiliation", "")]).status,
        303
    );
    pages.push(("action-no-reason", 400, console.act("reject", &[pending], &[])));
    pages.push((
        "action-forged-csrf",
        403,
        console.post("/action", &[("csrf", "forged"), ("action", "pause")]),
    ));
    pages.push(("signature-not-found", 404, console.get(&format!("/signature/{amnesty}"))));
    pages.push(("not-found", 404, console.get("/no-such-page")));
    pages.push(("audit", 200, console.get("/audit")));

    assert_eq!(console.act("pause", &[], &[]).status, 303);
    pages.push(("dashboard-paused", 200, console.get("/")));
    assert_eq!(console.act("close", &[], &[("confirm", "close")]).status, 303);
    let closed = console.get("/");
    assert!(!closed.body.contains("value=\"pause\"") && !closed.body.contains("value=\"close\""));
    assert!(lang != "en" || closed.body.contains("closed"));
    pages.push(("dashboard-closed", 200, closed));
    pages.push(("queue-closed", 200, console.get("/queue")));

    let html = format!("<html lang=\"{lang}\"");
    for (name, _, response) in &pages {
        assert!(!response.body.contains("<script"), "{name} has a <script>");
        assert!(response.body.contains(&html), "{name} is not in {lang}");
        assert!(!response.body.contains("hreflang"), "{name} links to other languages");
    }
    pages
}

/// The English words of the console and of its refusals, from the English
/// catalogue: every message of its console, flag, reason and audit
/// sections without placeables, and the refusals a moderator can meet.
fn english_console_words() -> Vec<String> {
    let source = include_str!("../../locales/en/undersign.ftl");
    let refusals = [
        "signed-out-heading",
        "signed-out",
        "no-such-signature-heading",
        "no-such-signature",
        "bad-login",
        "csrf-heading",
        "csrf",
        "not-done-heading",
        "choose-reason",
        "not-found-heading",
        "not-found",
    ];
    source
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .filter(|(id, _)| {
            ["console-", "flag-", "reason-", "audit-"].iter().any(|p| id.starts_with(p))
                || refusals.contains(id)
        })
        .map(|(_, words)| words.to_string())
        // Short words ("or", "Day") are parts of other words and names.
        .filter(|w| !w.contains('{') && w.chars().count() >= 6)
        .collect()
}

/// A page's text and the attributes that are read out (`title`,
/// `aria-label`), one per line: not its addresses, form values, the
/// signers' names, or the stylesheet's class names.
fn what_a_reader_is_told(html: &str) -> String {
    let html = match (html.find("<style>"), html.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &html[..a], &html[b..]),
        _ => html.to_string(),
    };
    let mut said = String::new();
    for (i, part) in html.split('<').enumerate() {
        let (tag, text) = if i == 0 { ("", part) } else { part.split_once('>').unwrap_or((part, "")) };
        for attr in ["title=\"", "aria-label=\""] {
            if let Some(at) = tag.find(attr) {
                let value = &tag[at + attr.len()..];
                said.push_str(value.split('"').next().unwrap_or(""));
                said.push('\n');
            }
        }
        // Names, affiliations and countries are the signers' words.
        if !tag.contains("dir=\"auto\"") && !tag.starts_with("bdi") {
            said.push_str(text);
            said.push('\n');
        }
    }
    said
}

#[test]
fn a_console_in_persian_leaves_no_english_word() {
    let server = Server::start_with(CONSOLE_FA);
    let english = english_console_words();
    assert!(english.len() > 80, "the English words were read: {}", english.len());
    assert!(english.iter().any(|w| w == "Moderation: sign in"));

    let login = Console::new(&server).get("/login");
    assert!(login.body.contains("<html lang=\"fa\" dir=\"rtl\">"), "{}", login.body);
    assert!(login.body.contains("<h1>نظارت: ورود</h1>") && login.body.contains(">گذرواژه</label>"));

    let pages = console_pages_in(&server, "fa");
    for (name, _, page) in &pages {
        assert!(page.body.contains("<html lang=\"fa\" dir=\"rtl\">"), "{name}");
        let said = what_a_reader_is_told(&page.body);
        for words in &english {
            assert!(!said.contains(words.as_str()), "{name} says {words:?} in English:\n{said}");
        }
    }
    let body = |name: &str| &pages.iter().find(|(n, _, _)| *n == name).unwrap().2.body;
    assert!(body("login-wrong-passphrase").contains("این نام و گذرواژه با هم جور نیستند"));
    let queue = body("queue");
    assert!(queue.contains("<h1>صف بررسی</h1>") && queue.contains("واردشده با نام <strong>alice</strong>"));
    assert!(queue.contains("تأیید موارد انتخاب‌شده") && queue.contains(">هرزنامه</option>"));
    assert!(queue.contains("title=\"شبیه نام امضاکنندهٔ دیگری است\">همانند</span>"), "a look-alike's flag");
    assert!(queue.contains("<a dir=\"auto\" href=\"/signature/"), "names keep their own direction");
    assert!(body("queue-empty").contains("اینجا چیزی در انتظار بررسی نیست."));
    // Counts in Persian digits: the three flagged individuals still wait.
    assert!(body("dashboard-paused").contains("\">۳</a>"), "{}", body("dashboard-paused"));
    assert!(body("action-no-reason").contains("دلیلی برای رد کردن انتخاب کنید."));
    let audit = body("audit");
    assert!(audit.contains("رد کرد (جعلی)") && audit.contains("تأیید کرد"), "{audit}");
}

#[test]
fn console_pages_render_without_javascript() {
    let Some(chromium) = require_chromium() else { return };

    let server = Server::start_with(CONSOLE);
    set_passphrase(&server, "alice", PASSPHRASE);
    let admin = server.admin.unwrap();
    let login = common::browser::visit(&chromium, admin, "/login", "console-login");
    assert_rendered(
        &login,
        "/login",
        &["Moderation: sign in</h1>", "type=\"password\"", "action=\"/login\""],
        MIN_PNG_BYTES,
    );

    let (console, ids) = console_with_queue(&server);
    let cookie = console.cookie_header();
    for (path, name, expect) in [
        ("/", "console-dashboard", &["Overview</h1>", "Pause signing", "name=\"confirm\""][..]),
        ("/queue", "console-queue", &["Review queue</h1>", "Approve selected", "Reject selected"][..]),
    ] {
        let raw = console.get(path);
        assert_eq!(raw.status, 200, "GET {path}");
        assert!(!raw.body.contains("<script"), "{path} has a <script>");
        let visit = visit_with_headers(&chromium, admin, path, name, &cookie);
        assert_rendered(&visit, path, expect, MIN_PNG_BYTES);
        assert!(visit.dom.contains("Signed in as <strong>alice</strong>"), "{path} was not signed in");
        if path == "/queue" {
            let boxes = visit.dom.matches("type=\"checkbox\" name=\"id\"").count();
            assert_eq!(boxes, ids.len(), "a checkbox per queue row:\n{}", visit.dom);
            for id in &ids {
                assert!(visit.dom.contains(&format!("href=\"/signature/{id}\"")), "row {id} in the queue");
            }
        }
    }
}

/// After approving or rejecting, the queue comes back with a word of what
/// was done; a refused action leads back to where the moderator was; a
/// wrong passphrase keeps the moderator's name in its field; the actions
/// that cannot be undone look like it, apart from the others.
#[test]
fn the_console_says_what_was_done_and_leads_back_from_a_refusal() {
    let server = Server::start_with(CONSOLE);
    let (console, ids) = console_with_queue(&server);
    let approved = console.act("approve", &ids[..3], &[]);
    assert_eq!(approved.status, 303);
    let queue = console.get(approved.header("location").unwrap());
    assert!(
        queue.body.contains(
            "<p class=\"notice done\" role=\"status\">Approved 3 signatures: they are published.</p>"
        ),
        "{}",
        queue.body
    );
    assert_eq!(console.queue_ids("").len(), PENDING.len() - 3);
    let rejected = console.act("reject", &ids[3..4], &[("reason", "spam")]);
    let queue = console.get(rejected.header("location").unwrap());
    assert!(queue.body.contains("Rejected 1 signature."), "one, in the singular");
    // A page reached without an action says nothing of one.
    assert!(!console.get("/queue").body.contains("role=\"status\""));
    assert!(!console.get("/queue?done=drop-tables&n=3").body.contains("role=\"status\""));

    // Close without the tick: refused, with a link back to the page it came from.
    let csrf = console.csrf();
    let refused = console.post("/action", &[("csrf", &csrf), ("action", "close"), ("return", "/")]);
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("tick the box that confirms it"));
    assert!(refused.body.contains("<a href=\"/\">Back to the console</a>"));
    let refused = console.act("reject", &ids[4..5], &[]);
    assert!(refused.body.contains("<a href=\"/queue\">Back to the console</a>"), "{}", refused.body);

    // The destructive actions stand apart and look dangerous.
    let home = console.get("/").body;
    assert!(home.contains("<section class=\"danger-zone\" aria-labelledby=\"closing\">"));
    assert!(home.contains("class=\"danger\">Close the letter for good</button>"));
    assert!(!home.contains("class=\"danger\">Pause signing"));
    let one = console.get(&format!("/signature/{}", ids[5])).body;
    assert!(one.contains("class=\"danger\">Delete for good</button>"));
    assert!(!one.contains("class=\"danger\">Approve"));

    // A wrong passphrase keeps the name typed.
    let mut other = Console::new(&server);
    let wrong = other.sign_in("alice", "not the passphrase");
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("value=\"alice\""), "{}", wrong.body);
}
