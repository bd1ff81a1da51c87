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

/// Every kind of public page, each with the status it must have: the
/// pages the HTML checker and the accessibility checker both read.
pub(crate) fn public_pages(server: &Server) -> Vec<(&'static str, u16, common::Response)> {
    let mut pages: Vec<(&str, u16, common::Response)> = Vec::new();
    for (name, path, status) in [
        ("letter", "/", 200),
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
        pages.push((name, status, server.get(path)));
    }
    let thanks = server.sign("Ada Lovelace", "individual", &[("country", "UK")]);
    let code = thanks.withdrawal_code();
    pages.push(("thank-you", 200, thanks));
    pages.push(("thank-you-pending", 200, server.sign("Digital Freedom Collective", "organization", &[])));
    pages.push(("sign-refused-empty-name", 400, server.sign("", "individual", &[])));
    pages.push((
        "sign-refused-bad-token",
        400,
        server.sign("Grace Hopper", "individual", &[("token", "forged")]),
    ));
    pages.push(("withdrawn", 200, server.post_form("/withdraw", &[("code", &code)])));
    pages.push(("withdraw-unknown-code", 404, server.post_form("/withdraw", &[("code", &code)])));
    pages.push((
        "method-not-allowed",
        405,
        server.request(b"DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    ));
    pages
}
