//! axe-core finds no WCAG 2.2 A or AA violation on any public page or any
//! console page, in the light and the dark scheme, at a desktop width and
//! at 320 CSS pixels (a small phone, or a desktop at 400 % zoom). The pages
//! are the ones the HTML checker reads.

use crate::common::axe::{assert_accessible, require_axe};
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
