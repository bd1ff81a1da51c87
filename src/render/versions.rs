//! The letter page's part about an amended letter: one line that says on
//! which day it was amended, and each earlier version in a `<details>`
//! (its day, and its text where this copy holds it: a mirror holds only
//! the earlier versions' digests). No script opens them: the browser does.

use super::Renderer;
use crate::domain::Day;
use crate::letter::{History, Letter};
use crate::messages::{Catalogue, Text};
use maud::{html, Markup, PreEscaped};

/// What the page says about the letter's amendments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amendments {
    /// The number of the version in force.
    pub version: u32,
    /// The day the version in force came into force.
    pub amended_on: Day,
    /// The versions before it, newest first.
    pub earlier: Vec<Earlier>,
}

/// One earlier version of the letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Earlier {
    /// Its number, from 1.
    pub number: u32,
    /// The day it came into force.
    pub day: Day,
    /// Its digest ([`Letter::sha256_hex`]).
    pub sha256: String,
    /// Its text, where this copy holds it.
    pub letter: Option<Letter>,
}

impl Amendments {
    /// From the store's versions: `None` for a letter never amended.
    pub fn of(history: &History) -> Option<Amendments> {
        let amended_on = history.amended_on()?;
        let earlier = history
            .earlier()
            .map(|v| Earlier {
                number: v.number,
                day: v.day,
                sha256: v.sha256.clone(),
                letter: Some(v.letter.clone()),
            })
            .collect();
        Some(Amendments { version: history.number(), amended_on, earlier })
    }
}

impl Renderer {
    /// The same pages, saying that the letter was amended (if it was) and
    /// showing its earlier versions.
    pub fn with_amendments(self, amendments: Option<Amendments>) -> Renderer {
        Renderer { amendments: amendments.map(std::sync::Arc::new), ..self }
    }

    /// The number of the letter's version in force, once it was amended.
    pub fn letter_version(&self) -> Option<u32> {
        self.amendments.as_ref().map(|a| a.version)
    }

    /// "This letter was amended on DAY.", or nothing.
    pub(super) fn amended_notice(&self) -> Markup {
        let Some(a) = &self.amendments else { return html! {} };
        html! { p.notice { (self.tf(Text::LetterAmendedOn, &[("day", a.amended_on.to_string().into())])) } }
    }

    /// Each earlier version, closed until opened; its text in the
    /// original's language (English), marked as such on other pages.
    pub(super) fn earlier_versions(&self) -> Markup {
        let Some(a) = &self.amendments else { return html! {} };
        let original = Catalogue::ENGLISH;
        let foreign = (self.words != original).then_some(original);
        let (lang, dir) = (foreign.map(|l| l.tag()), foreign.map(|l| l.dir()));
        html! {
            section.versions aria-labelledby="versions" {
                h2 #versions { (self.t(Text::LetterEarlierVersions)) }
                @for v in &a.earlier {
                    @let from = [("number", v.number.to_string().into()), ("day", v.day.to_string().into())];
                    details {
                        summary { (self.tf(Text::LetterVersionFrom, &from)) }
                        @match &v.letter {
                            Some(l) => div.text lang=[lang] dir=[dir] {
                                h3 { (l.title) }
                                (PreEscaped(&l.text_html))
                                @if !l.principles_html.is_empty() {
                                    ul.principles { @for p in &l.principles_html { li { (PreEscaped(p)) } } }
                                }
                                (PreEscaped(&l.closing_html))
                            },
                            None => p { (self.tf(Text::LetterVersionNotHere, &[("digest", v.sha256.clone().into())])) },
                        }
                    }
                }
            }
        }
    }
}
