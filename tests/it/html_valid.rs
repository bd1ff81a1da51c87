//! The Nu HTML checker (npm `vnu-jar`, run with the machine's `java`)
//! reports no errors on any public page: each is saved under Cargo's target
//! tmp dir and vnu checks them all in one JVM start.

use crate::common::vnu::{assert_valid, require_vnu};
use crate::common::{self, Server};

#[test]
fn every_public_page_is_valid_html() {
    let Some(jar) = require_vnu() else { return };
    let server = Server::start();
    assert_valid(&jar, "public", &public_pages(&server));
}

/// Every public page in every shipped language, under its prefix.
#[test]
fn every_public_page_in_every_language_is_valid_html() {
    let Some(jar) = require_vnu() else { return };
    let server = Server::start();
    let mut pages = Vec::new();
    for tag in common::LANGUAGES {
        pages.extend(pages_under(&server, &format!("/{tag}"), tag));
    }
    // A translated letter's page, with its note on the original.
    let fixture = |name: &str| {
        std::fs::read_to_string(format!("{}/tests/fixtures/letter/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    };
    let translated = Server::start_with_files(
        "min_fill_seconds = 0\nletter = \"letter.md\"\n",
        &[("letter.md", &fixture("letter.md")), ("letter.fa.md", &fixture("letter.fa.md"))],
    );
    pages.push(("fa-letter-translated".to_string(), 200, translated.get("/fa/")));
    assert_valid(&jar, "languages", &pages);
}

/// Every kind of public page at the unprefixed (English) paths, each with
/// the status it must have: the pages the HTML checker and the
/// accessibility checker both read.
pub(crate) fn public_pages(server: &Server) -> Vec<(String, u16, common::Response)> {
    pages_under(server, "", "")
}

/// Every kind of public page under `prefix` (`/fa`, or "" for the
/// unprefixed English pages); signatures carry `tag` in their names, so
/// the pages of each language sign anew.
pub(crate) fn pages_under(server: &Server, prefix: &str, tag: &str) -> Vec<(String, u16, common::Response)> {
    let named = |name: &str| if tag.is_empty() { name.to_string() } else { format!("{tag}-{name}") };
    let at = |path: &str| format!("{prefix}{path}");
    let mut pages = Vec::new();
    // The delivery edition is of the signed snapshot: signed just after start.
    crate::deliver::get_when(server, &at("/deliver"), |_| true);
    for (name, path, status) in [
        ("letter", "/", 200),
        ("deliver", "/deliver", 200),
        ("numbers", "/numbers", 200),
        ("privacy", "/privacy", 200),
        ("withdraw-form", "/withdraw", 200),
        ("search-found", "/signatories?q=amnesty", 200),
        ("search-empty-query", "/signatories?q=", 200),
        ("search-nothing-found", "/signatories?q=zzzqqq", 200),
        ("list-individuals", "/signatories/individual?page=1", 200),
        ("list-organisations-2", "/signatories/organization?page=2", 200),
        ("list-companies", "/signatories/company?page=1", 200),
        ("not-found", "/no-such-page", 404),
    ] {
        pages.push((named(name), status, server.get(&at(path))));
    }
    let sign = |name: &str, kind: &str, extra: &[(&str, &str)]| {
        let page = server.get(&at("/"));
        let token = page.form_token();
        let mut fields = vec![("token", token.as_str()), ("name", name), ("kind", kind), ("listed", "yes")];
        fields.extend_from_slice(extra);
        server.post_form(&at("/sign"), &fields)
    };
    let suffixed = |name: &str| if tag.is_empty() { name.to_string() } else { format!("{name} {tag}") };
    let ada = suffixed("Ada Lovelace");
    let thanks = sign(&ada, "individual", &[("country", "UK")]);
    let code = thanks.withdrawal_code();
    pages.push((named("thank-you"), 200, thanks));
    let collective = suffixed("Digital Freedom Collective");
    pages.push((named("thank-you-pending"), 200, sign(&collective, "organization", &[])));
    pages.push((named("sign-refused-empty-name"), 400, sign("", "individual", &[])));
    let proving = suffixed("Proving Collective");
    pages.push((
        named("thank-you-proof"),
        200,
        sign(&proving, "organization", &[("website", "example.org")]),
    ));
    pages.push((
        named("sign-refused-website"),
        400,
        sign(&proving, "organization", &[("website", "localhost")]),
    ));
    pages.push((
        named("sign-refused-bad-token"),
        400,
        server.post_form(
            &at("/sign"),
            &[("token", "forged"), ("name", "Grace Hopper"), ("kind", "individual")],
        ),
    ));
    pages.push((named("withdrawn"), 200, server.post_form(&at("/withdraw"), &[("code", &code)])));
    pages.push((named("withdraw-unknown-code"), 404, server.post_form(&at("/withdraw"), &[("code", &code)])));
    let delete = format!("DELETE {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", at("/"));
    pages.push((named("method-not-allowed"), 405, server.request(delete.as_bytes())));
    pages
}
