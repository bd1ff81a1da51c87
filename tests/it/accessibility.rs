//! axe-core finds no WCAG 2.2 A or AA violation on any public page or any
//! console page, in the light and the dark scheme, at a desktop width and
//! at 320 CSS pixels (a small phone, or a desktop at 400 % zoom). The pages
//! are the ones the HTML checker reads.

use crate::common::axe::{assert_accessible, require_axe, run_script};
use crate::common::console::CONSOLE;
use crate::common::Server;

#[test]
fn every_public_page_passes_axe() {
    let Some(axe) = require_axe() else { return };
    let server = Server::start();
    assert_accessible(&axe, "public", &crate::html_valid::public_pages(&server));
}

#[test]
fn every_console_page_passes_axe() {
    let Some(axe) = require_axe() else { return };
    let server = Server::start_with(CONSOLE);
    assert_accessible(&axe, "console", &crate::console_pages::console_pages(&server));
}

#[test]
fn every_console_page_in_persian_passes_axe() {
    let Some(axe) = require_axe() else { return };
    let server = Server::start_with(crate::console_pages::CONSOLE_FA);
    assert_accessible(&axe, "console-fa", &crate::console_pages::console_pages_in(&server, "fa"));
}

#[test]
fn every_public_page_in_persian_passes_axe() {
    let Some(axe) = require_axe() else { return };
    let server = Server::start();
    assert_accessible(&axe, "public-fa", &crate::html_valid::pages_under(&server, "/fa", "fa"));
}

/// A Persian page is laid out right to left: the sign form's labels and
/// fields sit at its right edge, as Chromium lays them out (and an English
/// page's at its left, so the measure can tell). The screenshots are kept
/// under the test's temp dir.
#[test]
fn a_persian_page_is_laid_out_right_to_left() {
    let Some(axe) = require_axe() else { return };
    let server = Server::start();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("rtl");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (path, direction) in [("/fa/", "rtl"), ("/en/", "ltr")] {
        let page = server.get(path);
        assert_eq!(page.status, 200);
        let html = dir.join(format!("{direction}.html"));
        std::fs::write(&html, &page.marked).unwrap();
        let shot = dir.join(format!("{direction}.png"));
        let args = [html, direction.into(), shot.clone()];
        let (ok, report) = run_script(&axe, "rtl.cjs", &args, &dir);
        assert!(ok, "{path} is not laid out {direction}:\n{report}");
        let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", shot.display()));
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 5_000,
            "{} is not a real screenshot",
            shot.display()
        );
        eprintln!("{path}: {direction}, screenshot {}", shot.display());
    }
}

/// The closed letter, and a refused form in every language (open, and sent
/// to the closed letter), pass axe too.
#[test]
fn the_closed_letter_and_refused_forms_in_every_language_pass_axe() {
    let Some(axe) = require_axe() else { return };
    let server = Server::start_with(CONSOLE);
    let console = crate::common::console::signed_in(&server);
    let mut pages = Vec::new();
    // A form served while the letter was open, sent again after it closed.
    let token = server.get("/").form_token();
    let refused = |tag: &str| {
        let long = "W".repeat(301);
        let fields = [("token", token.as_str()), ("name", long.as_str()), ("kind", "individual")];
        server.post_form(&format!("/{tag}/sign"), &fields)
    };
    for tag in crate::common::LANGUAGES {
        pages.push((format!("{tag}-refused-too-long"), 400, refused(tag)));
    }
    assert_eq!(console.act("close", &[], &[("confirm", "close")]).status, 303);
    for tag in crate::common::LANGUAGES {
        pages.push((format!("{tag}-closed-letter"), 200, server.get(&format!("/{tag}/"))));
        pages.push((format!("{tag}-closed-refused"), 400, refused(tag)));
    }
    assert_accessible(&axe, "closed", &pages);
}
