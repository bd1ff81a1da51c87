//! The templates, rendered without a store.

use super::*;
use crate::messages::unmarked;

#[test]
fn the_style_hash_is_of_the_inlined_css() {
    let html = page(&Catalogue::ENGLISH, "t", html! {});
    assert!(html.contains(&format!("<style>{CSS}</style>")));
    assert!(style_hash().starts_with("'sha256-") && style_hash().ends_with("='"));
}

#[test]
fn the_stylesheet_mirrors_for_right_to_left_with_logical_properties_only() {
    for physical in ["left", "right", "float"] {
        assert!(!CSS.contains(physical), "the stylesheet says {physical}: use a logical property");
    }
    let fa = Renderer::new(crate::letter::Content::embedded().letter, Catalogue::find("fa").unwrap(), 2, 3);
    assert!(fa.withdrawn().starts_with("<!DOCTYPE html><html lang=\"fa\" dir=\"rtl\">"));
}

#[test]
fn names_are_escaped_and_direction_isolated() {
    let s = PublicSignatory {
        name: "<b>x</b>".into(),
        kind: Kind::Individual,
        affiliation: None,
        country: None,
        verified: false,
        proof: None,
    };
    let out = names_list(&Catalogue::ENGLISH, &[s], false).into_string();
    assert!(out.contains("<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>"));
}

fn renderer() -> Renderer {
    Renderer::new(crate::letter::Content::embedded().letter, Catalogue::ENGLISH, 2, 3)
}

fn person(name: &str) -> PublicSignatory {
    PublicSignatory {
        name: name.into(),
        kind: Kind::Individual,
        affiliation: None,
        country: None,
        verified: false,
        proof: None,
    }
}

#[test]
fn the_letter_page_shows_what_the_view_holds_and_marks_the_token() {
    let counts = Counts { published: [0, 0, 3], listed: [0, 0, 3], pending: [1, 0, 0] };
    let view = LetterView {
        counts,
        phase: Phase::Open,
        groups: vec![(Kind::Individual, vec![person("Ada Lovelace"), person("Alan Turing")])],
    };
    let page = unmarked(&renderer().letter_page(&view));
    assert!(page.contains("3 have signed. Sign the letter ↓"));
    assert!(page.contains("1 more awaits review."));
    assert!(page.contains("Individuals (3)") && page.contains("Alan Turing"));
    assert!(page.contains("All 3 individuals"), "a longer group links to its list");
    assert_eq!(page.matches(TOKEN_MARK).count(), 1);

    let closed =
        LetterView { phase: Phase::Closed { day: crate::domain::Day(20_788), purged: false }, ..view };
    let page = unmarked(&renderer().letter_page(&closed));
    assert!(page.contains("It closed on 2026-12-01") && !page.contains(TOKEN_MARK));
    let (notice, letter) = (page.find("It closed on").unwrap(), page.find("<div class=\"text\"").unwrap());
    assert!(notice < letter, "a closed letter says so before its text");
    assert!(!page.contains("Sign the letter") && !page.contains("href=\"#sign\""), "it invites nobody");
}

#[test]
fn an_untranslated_letter_is_marked_as_written_in_the_original() {
    let view = LetterView::default();
    let fa = renderer().in_language(Catalogue::find("fa").unwrap());
    let page = unmarked(&fa.letter_page(&view));
    assert!(page.starts_with("<!DOCTYPE html><html lang=\"fa\" dir=\"rtl\">"));
    assert!(page.contains("<h1 lang=\"en\" dir=\"ltr\">Secure the Internet</h1>"), "{page}");
    assert!(page.contains("<div class=\"text\" lang=\"en\" dir=\"ltr\">"));
    assert!(
        page.contains("این نامه هنوز به این زبان ترجمه نشده است. متن اصلی، به انگلیسی، نمایش داده می‌شود.")
    );

    let mut translated = crate::letter::Content::embedded().letter;
    translated.title = "اینترنت را امن نگه دارید".into();
    let fa = renderer()
        .with_translations(vec![("fa".into(), translated)])
        .in_language(Catalogue::find("fa").unwrap());
    let page = unmarked(&fa.letter_page(&view));
    assert!(page.contains("<h1>اینترنت را امن نگه دارید</h1>"));
    assert!(!page.contains("lang=\"en\" dir=\"ltr\"") && !page.contains("ترجمه نشده"));
    // English, the original's own language, needs no marks.
    let page = renderer().letter_page(&view);
    assert!(page.contains("<h1>Secure the Internet</h1>") && !page.contains("has not been translated"));
}

#[test]
fn a_refused_field_is_summarised_first_and_tied_to_its_input() {
    let values = FormValues { name: "".into(), ..FormValues::blank() };
    let page =
        renderer().sign_refused("Check the form", "Name is required.", Some(Field::Name), "t", &values);
    let summary = page.find("There is a problem with the form").unwrap();
    let link = page.find("<a href=\"#name\">Name is required.</a>").unwrap();
    let input = page.find("<input id=\"name\"").unwrap();
    assert!(summary < link && link < input, "the summary, linking to the field, comes before the form");
    assert!(page.contains("<span class=\"error\" id=\"name-error\">Name is required.</span>"));
    let tag = &page[input..input + page[input..].find('>').unwrap()];
    assert!(
        tag.contains("aria-invalid=\"true\"") && tag.contains("aria-describedby=\"name-error\""),
        "{tag}"
    );
    // The other fields are not marked.
    assert_eq!(page.matches("aria-invalid=\"true\"").count(), 1);
    assert!(page.starts_with("<!DOCTYPE html><html lang=\"en\" dir=\"ltr\">"));
    assert!(page.contains("<a class=\"skip\" href=\"#main\">Skip to content</a>"));
    assert!(page.contains("<main id=\"main\">"));
    // A refusal of no field says why, without a link.
    let page = renderer().sign_refused("Too fast", "Wait a moment.", None, "t", &values);
    assert!(
        page.contains("<div class=\"summary\" role=\"alert\"><p class=\"error\">Wait a moment.</p></div>")
    );
    assert!(!page.contains("aria-invalid=\""));
}

#[test]
fn list_pages_link_both_ways_and_refusals_name_the_field() {
    let r = renderer();
    assert_eq!((r.pages(0), r.pages(3), r.pages(7)), (1, 1, 3));
    let page = unmarked(&r.kind_page(Kind::Individual, 7, 2, &[person("Grace Hopper")]));
    assert!(page.contains("rel=\"prev\" href=\"?page=1\"") && page.contains("href=\"?page=3\""));
    assert!(page.contains("Page 2 of 3") && page.contains("Grace Hopper"));
    let refused = r.sign_refused(
        "Please check the form",
        "Name is required.",
        Some(Field::Name),
        "tok",
        &FormValues::blank(),
    );
    assert!(refused.contains("<a href=\"#name\">Name is required.</a>"));
    assert!(refused.contains("value=\"tok\""));
}

#[test]
fn the_description_is_the_first_paragraphs_first_sentence() {
    let html =
        "<p><strong>FOR ALL</strong></p>\n<p>AN OPEN LETTER:</p>\n<p>We ask &amp; urge. Then more.</p>";
    assert_eq!(first_sentence(html), "We ask & urge.");
    assert_eq!(first_sentence("<p>无句号</p>"), "无句号");
    assert_eq!(first_sentence("<p>我们呼吁。然后</p>"), "我们呼吁。");
    assert_eq!(first_sentence(&format!("<p>{}</p>", "a".repeat(400))).chars().count(), 301);
}
