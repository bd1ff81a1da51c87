//! What the pages say, read as a visitor reads them: a sentence for none,
//! the field named in its own message, the limit of a field too long, one
//! sentence where the privacy page said the same thing twice, and one
//! spelling of "organization".

use crate::common::{Server, LANGUAGES};

#[test]
fn a_letter_nobody_has_signed_yet_says_so_in_every_language() {
    let server = Server::start_with_files(
        "min_fill_seconds = 0\n[import]\nindividuals = \"nobody.txt\"\n",
        &[("nobody.txt", "\n")],
    );
    let page = server.get("/en/").body;
    assert!(page.contains("No one has signed yet. Be the first: sign the letter ↓"), "{page}");
    assert!(page.contains("<strong>No signatures yet.</strong>"));
    assert!(!page.contains("0 have signed") && !page.contains("0 signatures"));
    for tag in LANGUAGES {
        let page = server.get(&format!("/{tag}/")).body;
        let jump = page.find("<p class=\"jump\">").expect("the jump to the form");
        let line = &page[jump..jump + page[jump..].find("</p>").unwrap()];
        assert!(!line.contains('0') && !line.contains('۰'), "/{tag}/ counts none with a zero: {line}");
    }
}

#[test]
fn a_refused_field_is_named_in_its_own_message_and_marked() {
    let server = Server::start();
    let r = server.sign(&"x".repeat(151), "individual", &[]);
    assert_eq!(r.status, 400);
    // The summary and the field's own message are the same whole sentence.
    assert!(r.body.contains("<a href=\"#name\">Name is too long: at most 150 characters.</a>"));
    assert!(r.body.contains(
        "<span class=\"error\" id=\"name-error\">Name is too long: at most 150 characters.</span>"
    ));
    // The field carries a mark besides the words: a thick border in the error colour.
    assert!(r.body.contains("aria-invalid=\"true\" aria-describedby=\"name-error\""));
    assert!(r.body.contains("[aria-invalid=true]{border:2px solid var(--err)"));
    let fa = server.get("/fa/").form_token();
    let long_country = "x".repeat(61);
    let r = server.post_form(
        "/fa/sign",
        &[("token", &fa), ("name", "Ada"), ("kind", "individual"), ("country", &long_country)],
    );
    assert!(r.body.contains("«کشور» بیش از حد طولانی است: حداکثر ۶۰ نویسه."), "{}", r.body);
}

#[test]
fn the_privacy_page_says_once_which_signatures_a_moderator_sees() {
    let server = Server::start();
    let page = server.get("/privacy").body;
    assert!(page.contains(
        "Signatures by organizations and companies are seen by a moderator before they are published."
    ));
    assert_eq!(page.matches("seen by a moderator").count(), 1, "one sentence, not one per kind");
    for tag in LANGUAGES {
        let page = server.get(&format!("/{tag}/")).body;
        assert!(!page.contains("organisation") && !page.contains("Organisation"), "/{tag}/: one spelling");
    }
}
