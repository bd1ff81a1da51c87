//! A closed letter, as a visitor meets it: it says that it is closed, on
//! which day and with how many signatures, before its text, in every
//! language; it invites nobody (no "Sign the letter ↓", no form), and a
//! form sent to it anyway, however it is wrong, is answered with that, not
//! with the form again.

use crate::common::console::{signed_in, CONSOLE};
use crate::common::{Server, LANGUAGES};

/// The `YYYY-MM-DD` after `marker` in `page`, if there is one.
fn day_after<'p>(page: &'p str, marker: &str) -> Option<&'p str> {
    let start = page.find(marker)? + marker.len();
    let day = page.get(start..start + 10)?;
    let digits =
        day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    digits.then_some(day)
}

#[test]
fn a_closed_letter_says_when_and_with_how_many_and_invites_nobody() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    let open = server.get("/").body;
    assert!(open.contains("href=\"#sign\"") && open.contains("<form class=\"sign\""), "open, it invites");
    let old_token = server.get("/").form_token();
    assert_eq!(console.act("close", &[], &[("confirm", "close")]).status, 303);

    let page = server.get("/").body;
    let day = day_after(&page, "It closed on ").expect("the day it closed");
    let notice = page.find("It closed on").unwrap();
    assert!(notice < page.find("<div class=\"text\"").unwrap(), "said before the letter's text");
    assert!(page.contains("final count of 322 signatures"), "with how many");
    for tag in LANGUAGES {
        let page = server.get(&format!("/{tag}/")).body;
        assert!(page.contains(day), "/{tag}/ names the day");
        assert!(!page.contains("href=\"#sign\""), "/{tag}/: no jump to a form");
        assert!(
            !page.contains("<form class=\"sign\"") && !page.contains("name=\"token\""),
            "/{tag}/: no form"
        );
        assert!(!page.contains(&format!("action=\"/{tag}/sign\"")), "/{tag}/: nothing signs");
    }
    assert!(!page.contains("Sign the letter"), "no invitation in English");

    // Forms sent anyway: wrong in different ways, none offers the form again.
    let empty_name = [("token", old_token.as_str()), ("name", ""), ("kind", "individual")];
    let forged = [("token", "forged"), ("name", "Too Late"), ("kind", "individual")];
    let honeypot = [("token", old_token.as_str()), ("name", "Too Late"), ("homepage", "x")];
    let valid = [("token", old_token.as_str()), ("name", "Too Late"), ("kind", "individual")];
    for (what, fields) in
        [("empty name", &empty_name[..]), ("forged", &forged), ("honeypot", &honeypot), ("valid", &valid)]
    {
        for tag in ["en", "fa"] {
            let r = server.post_form(&format!("/{tag}/sign"), fields);
            assert!((400..500).contains(&r.status), "{what} /{tag}: {}", r.status);
            assert!(
                !r.body.contains("<form class=\"sign\"") && !r.body.contains("name=\"token\""),
                "{what} /{tag}: no form again"
            );
            let closed = if tag == "en" {
                "This letter no longer takes signatures."
            } else {
                "این نامه دیگر امضا نمی‌پذیرد."
            };
            assert!(r.body.contains(closed), "{what} /{tag} says the letter is closed:\n{}", r.body);
            assert!(r.body.contains(&format!("href=\"/{tag}/\"")), "{what} /{tag}: a way back to the letter");
        }
    }
}
