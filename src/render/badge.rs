//! `/badge.svg`: the count of a signed snapshot as a small image that
//! other sites can show. It is made when the snapshot is signed, from the
//! counts signed with it, and carried in it, so that a mirror serves it
//! and the origin never learns who looks, nor can a look be matched to a
//! signature as it arrives (a live count would be that timing oracle).

use crate::domain::Day;
use crate::messages::{Catalogue, Text};
use maud::html;

/// Roughly how wide a character of the badge's 11 px sans-serif text is:
/// the badge is sized without a font on hand, so it errs wide.
const CHAR_WIDTH: u32 = 7;
const PAD: u32 = 8;

/// The badge of a snapshot of `day` whose count is `count`, in the words
/// of `words` (the origin makes it in English).
pub fn svg(words: &Catalogue, count: u64, day: Day) -> String {
    let label = words.t(Text::BadgeLabel);
    let number = words.numbers().format(count);
    // Without the isolation marks Fluent puts around placeables: the
    // title is plain text to any reader of the image.
    let title = words
        .tf(Text::BadgeTitle, &[("count", count.into()), ("day", day.to_string().into())])
        .replace(['\u{2068}', '\u{2069}'], "");
    let width = |s: &str| s.chars().count() as u32 * CHAR_WIDTH + 2 * PAD;
    let (lw, nw) = (width(&label), width(&number));
    let total = lw + nw;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(total) height="20" viewBox={ "0 0 " (total) " 20" }
            role="img" aria-label=(title) {
            title { (title) }
            rect width=(lw) height="20" fill="#555" {}
            rect x=(lw) width=(nw) height="20" fill="#1d4f91" {}
            g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle" {
                text x=(lw / 2) y="14" { (label) }
                text x=(lw + nw / 2) y="14" { (number) }
            }
        }
    }
    .into_string()
        + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_is_an_svg_with_its_count_and_title() {
        let svg = svg(&Catalogue::ENGLISH, 12345, Day(20_000));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
        assert!(svg.contains(">12,345</text>"), "{svg}");
        assert!(svg.contains("<title>"), "{svg}");
        assert!(!svg.contains("<script"), "{svg}");
    }
}
