//! The site in its signers' languages: every page under `/TAG/` in that
//! language and direction, links between the languages, `Accept-Language`
//! deciding only where a first visit to `/` goes, refusals in the language
//! of the path, one list of signatures for all.

use crate::common::{self, Server, LANGUAGES};

fn get_with(server: &Server, path: &str, headers: &str) -> common::Response {
    server.request(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n").as_bytes(),
    )
}

#[test]
fn every_language_has_its_pages_direction_and_links_to_the_others() {
    let server = Server::start();
    let dirs = [("en", "ltr"), ("es", "ltr"), ("fa", "rtl"), ("ru", "ltr"), ("zh-Hans", "ltr")];
    let headings = [
        ("en", "Sign the letter"),
        ("es", "Firmar la carta"),
        ("fa", "امضای نامه"),
        ("ru", "Подписать письмо"),
        ("zh-Hans", "签署公开信"),
    ];
    for ((tag, dir), (_, heading)) in dirs.iter().zip(headings) {
        for path in ["/", "/privacy", "/withdraw", "/signatories?q=amnesty", "/signatories/company?page=1"] {
            let page = server.get(&format!("/{tag}{path}"));
            assert_eq!(page.status, 200, "/{tag}{path}");
            assert!(
                page.body.starts_with(&format!("<!DOCTYPE html><html lang=\"{tag}\" dir=\"{dir}\">")),
                "/{tag}{path}"
            );
            for other in LANGUAGES {
                assert!(
                    page.body.contains(&format!("href=\"/{other}/\" lang=\"{other}\" hreflang=\"{other}\"")),
                    "/{tag}{path} links to {other}"
                );
            }
            // The choice comes before the letter, not under it.
            let nav = page.body.find("<nav class=\"languages\"").expect("a languages nav");
            assert!(nav < page.body.find("<main").unwrap(), "/{tag}{path}: the languages come first");
            assert!(
                page.body.contains(&format!(
                    "href=\"/{tag}/\" lang=\"{tag}\" hreflang=\"{tag}\" dir=\"auto\" aria-current=\"true\""
                )),
                "/{tag}{path}: its own language is marked current"
            );
            assert!(
                page.body.contains(&format!("href=\"/{tag}/privacy\"")),
                "/{tag}{path}: links stay in {tag}"
            );
        }
        let letter = server.get(&format!("/{tag}/"));
        assert!(letter.body.contains(&format!("<h2>{heading}</h2>")), "/{tag}/ is in its language");
        assert!(letter.body.contains(&format!("action=\"/{tag}/sign\"")), "its form signs in {tag}");
        assert!(letter.body.contains(&format!("action=\"/{tag}/signatories\"")));
    }
    // The languages are named in themselves.
    let page = server.get("/");
    for name in [">English<", ">Español<", ">فارسی<", ">Русский<", ">简体中文<"] {
        assert!(page.body.contains(name), "{name}");
    }
    // Unprefixed paths are English as before; a bare prefix gains its slash.
    assert!(page.body.starts_with("<!DOCTYPE html><html lang=\"en\" dir=\"ltr\">"));
    assert!(page.body.contains("action=\"/sign\""));
    let bare = server.get("/fa");
    assert_eq!((bare.status, bare.header("location")), (308, Some("/fa/")));
    // The open data and the snapshot are language-neutral: unprefixed only.
    assert_eq!(server.get("/signatories.json").status, 200);
    assert_eq!(server.get("/es/signatories.json").status, 404);
    assert_eq!(server.get("/es/snapshot.json").status, 404);
}

#[test]
fn accept_language_chooses_only_where_the_first_visit_to_slash_goes() {
    let server = Server::start();
    let first = get_with(&server, "/", "Accept-Language: fa\r\n");
    assert_eq!(first.status, 303);
    assert_eq!(first.header("location"), Some("/fa/"));
    assert_eq!(first.header("vary"), Some("Accept-Language"));
    let persian = get_with(&server, "/fa/", "Accept-Language: fa\r\n");
    assert!(persian.body.contains("<html lang=\"fa\" dir=\"rtl\">"));
    // The visitor follows the "English" link: it leads to /en/, which is
    // English whatever the browser prefers, and so are its links.
    assert!(persian.body.contains("href=\"/en/\" lang=\"en\" hreflang=\"en\""));
    let english = get_with(&server, "/en/", "Accept-Language: fa\r\n");
    assert_eq!(english.status, 200);
    assert!(english.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(english.body.contains("<h2>Sign the letter</h2>"));
    assert!(english.body.contains("href=\"/en/privacy\"") && english.body.contains("action=\"/en/sign\""));
    for path in ["/en/privacy", "/en/signatories?q=amnesty"] {
        let page = get_with(&server, path, "Accept-Language: fa\r\n");
        assert_eq!(page.status, 200, "{path}: no redirect past the first");
        assert!(page.body.contains("<html lang=\"en\""), "{path}");
    }
    // Only `/` looks at the header: every other path is what it says.
    let privacy = get_with(&server, "/privacy", "Accept-Language: ru\r\n");
    assert_eq!(privacy.status, 200);
    assert!(privacy.body.contains("<html lang=\"en\""));
    // Tor Browser's default, and no header at all, stay English at `/`.
    for headers in ["Accept-Language: en-US,en;q=0.5\r\n", ""] {
        let page = get_with(&server, "/", headers);
        assert_eq!(page.status, 200, "{headers:?}");
        assert_eq!(page.header("vary"), Some("Accept-Language"));
        assert!(page.body.contains("<html lang=\"en\""));
    }
    let spanish = get_with(&server, "/", "Accept-Language: de-DE, es;q=0.8, en;q=0.5\r\n");
    assert_eq!(spanish.header("location"), Some("/es/"));
}

#[test]
fn a_refusal_is_in_the_language_of_its_path_and_signatures_are_shared() {
    let server = Server::start();
    let missing = server.get("/fa/no-such-page");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html lang=\"fa\" dir=\"rtl\">"));
    assert!(missing.body.contains("صفحه پیدا نشد"));

    let token = server.get("/ru/").form_token();
    let refused = server.post_form("/ru/sign", &[("token", &token), ("name", ""), ("kind", "individual")]);
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("<html lang=\"ru\""));
    assert!(refused.body.contains("<a href=\"#name\">Поле «Имя» обязательно.</a>"), "{}", refused.body);
    assert!(refused.body.contains("action=\"/ru/sign\""), "the form again, in Russian");

    // One letter, one list: signed in Spanish, listed in Chinese and in English.
    let token = server.get("/es/").form_token();
    let thanks = server.post_form(
        "/es/sign",
        &[("token", &token), ("name", "Ana Pérez Language Test"), ("kind", "individual"), ("listed", "yes")],
    );
    assert_eq!(thanks.status, 200);
    assert!(thanks.body.contains("Gracias por firmar"));
    assert!(thanks.body.contains("Su firma como Ana Pérez Language Test está registrada."));
    // The name sits between isolation marks as sent, so it reads in its own
    // direction inside a sentence of another.
    assert!(thanks.marked.contains("\u{2068}Ana Pérez Language Test\u{2069}"));
    for path in ["/zh-Hans/signatories?q=language+test", "/signatories?q=language+test"] {
        assert!(server.get(path).body.contains("Ana Pérez Language Test"), "{path}");
    }
    let code = thanks.withdrawal_code();
    let withdrawn = server.post_form("/zh-Hans/withdraw", &[("code", &code)]);
    assert_eq!(withdrawn.status, 200);
    assert!(withdrawn.body.contains("您的签名已撤回"));
    let again = server.post_form("/zh-Hans/withdraw", &[("code", &code)]);
    assert_eq!(again.status, 404);
    assert!(again.body.contains("没有签名使用此撤回码"));
}

#[test]
fn counts_are_written_as_each_language_writes_numbers() {
    let server = Server::start();
    // The embedded letter comes with 203 organisations and 87 individuals.
    assert!(server.get("/").body.contains("203 organizations"));
    assert!(server.get("/fa/").body.contains("۲۰۳ سازمان"), "Persian digits");
    assert!(server.get("/ru/").body.contains("203 организации"), "Russian plural for 3");
    assert!(server.get("/ru/").body.contains("87 частных лиц"), "and for 7");
    assert!(server.get("/zh-Hans/").body.contains("203 个组织"));
}

#[test]
fn a_translated_letter_says_the_original_is_authoritative_and_links_to_it() {
    let fixture = |name: &str| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/letter/");
        std::fs::read_to_string(format!("{path}{name}")).unwrap()
    };
    let (original, es, fa) = (fixture("letter.md"), fixture("letter.es.md"), fixture("letter.fa.md"));
    let server = Server::start_with_files(
        "min_fill_seconds = 0\nletter = \"letter.md\"\n",
        &[("letter.md", &original), ("letter.es.md", &es), ("letter.fa.md", &fa)],
    );
    for path in ["/", "/en/"] {
        let page = server.get(path).body;
        assert!(page.contains("<h1>Keep Libraries Open</h1>"), "{path}: the original");
        assert!(!page.contains("authoritative"), "{path}: the original says nothing of translations");
    }
    let spanish = server.get("/es/").body;
    assert!(spanish.contains("<h1>Que las bibliotecas sigan abiertas</h1>"));
    assert!(spanish.contains("<li>Abiertas los domingos</li>"));
    assert!(spanish.contains("El original, en inglés, es el texto que hace fe."));
    assert!(spanish.contains("<a href=\"/en/\" hreflang=\"en\">Leer el original</a>"));
    let persian = server.get("/fa/").body;
    assert!(persian.contains("<h1>کتابخانه‌ها را باز نگه دارید</h1>"));
    assert!(persian.contains("متن اصلی، به انگلیسی، متن معتبر است."));
    // A language without a translation shows the original in the page's
    // frame, marked as English (so a screen reader reads it as English, left
    // to right), under a note in the page's language.
    let russian = server.get("/ru/").body;
    assert!(russian.contains("<html lang=\"ru\""));
    assert!(russian.contains("<h1 lang=\"en\" dir=\"ltr\">Keep Libraries Open</h1>"));
    assert!(russian.contains("<div class=\"text\" lang=\"en\" dir=\"ltr\">"));
    assert!(russian.contains("Это письмо ещё не переведено на этот язык."));
    assert!(!russian.contains("Это перевод"));
    assert!(!persian.contains("lang=\"en\" dir=\"ltr\""), "a translation is in the page's language");
    // One letter, one list: the open data carries the original.
    assert_eq!(server.json()["letter"]["title"], "Keep Libraries Open");
}

/// The embedded letter comes translated: each language's letter page shows
/// its own text (the letter, its sign-up note above the form, its
/// disclaimer on the privacy page), says it is a translation of the English
/// original, named in the page's words, and holds no English paragraph of
/// the letter.
#[test]
fn every_language_shows_the_embedded_letter_in_its_own_words() {
    let server = Server::start();
    let english = include_str!("../../content/letter.md");
    let paragraphs: Vec<String> = english
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.trim_start_matches("- ").replace("**", "").chars().take(40).collect())
        .collect();
    assert!(paragraphs.len() > 15, "the English letter was read");
    let expected = [
        (
            "es",
            "Asegurar Internet",
            "Puede firmar la carta como persona",
            "no tendríamos forma de avisarle",
            "inglés",
        ),
        ("fa", "اینترنت را امن کنید", "می‌توانید این نامه را", "هیچ راهی برای خبر دادن به شما", "انگلیسی"),
        (
            "ru",
            "Защитим интернет",
            "Вы можете подписать письмо",
            "не будет возможности сообщить",
            "английский",
        ),
        ("zh-Hans", "守护互联网安全", "您可以以个人、公司或组织的身份", "我们将无从通知您", "英语"),
    ];
    for (tag, title, sign_up, disclaimer, original) in expected {
        let letter = server.get(&format!("/{tag}/")).body;
        let privacy = server.get(&format!("/{tag}/privacy")).body;
        assert!(letter.contains(&format!("<h1>{title}</h1>")), "/{tag}/ shows its title");
        assert!(letter.contains(sign_up), "/{tag}/ shows its sign-up note");
        assert!(privacy.contains(disclaimer), "/{tag}/privacy shows its disclaimer");
        assert!(letter.contains(original), "/{tag}/ names the original's language in its words");
        assert!(letter.contains("<a href=\"/en/\" hreflang=\"en\">"), "/{tag}/ links to the original");
        for english in &paragraphs {
            assert!(!letter.contains(english.as_str()), "/{tag}/ shows English: {english}");
            assert!(!privacy.contains(english.as_str()), "/{tag}/privacy shows English: {english}");
        }
    }
    // The English page is the original, and says nothing of translations.
    let page = server.get("/en/").body;
    assert!(page.contains("<h1>Secure the Internet</h1>") && !page.contains("authoritative"));
}
