//! The letter's content: title, text, principles, sign-up note and privacy
//! disclaimer, read once at start-up from a deployer's Markdown file or from
//! the "Secure the Internet" letter embedded in the binary, together with the
//! lists of existing signatories imported into an empty store on first start;
//! and the versions of it a data dir holds ([`History`]), which the store
//! records and `undersign letter amend` extends.
//!
//! The Markdown file has one `# Title`, then the letter's text, then these
//! optional `##` sections, in any order:
//! `## Principles` (a list; any text after the list closes the letter),
//! `## Sign up` (a note above the form) and `## Disclaimer` (shown on the
//! privacy page). Raw HTML in the file is shown as text, never passed on.

use crate::domain::Kind;
use pulldown_cmark::{html, Event, Options, Parser};
use std::path::Path;

const EMBEDDED_LETTER: &str = include_str!("../content/letter.md");
/// The embedded letter in each shipped language but English, by tag: the
/// English text is the original and the one that counts.
const EMBEDDED_TRANSLATIONS: &[(&str, &str)] = &[
    ("es", include_str!("../content/letter.es.md")),
    ("fa", include_str!("../content/letter.fa.md")),
    ("ru", include_str!("../content/letter.ru.md")),
    ("zh-Hans", include_str!("../content/letter.zh-Hans.md")),
];
const EMBEDDED_ORGANIZATIONS: &str = include_str!("../content/organizations.txt");
const EMBEDDED_COMPANIES: &str = include_str!("../content/companies.txt");
const EMBEDDED_INDIVIDUALS: &str = include_str!("../content/individuals.txt");

/// The letter, with every text part already rendered to safe HTML.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Letter {
    /// The title, from `# Title`.
    pub title: String,
    /// The letter's text, up to the first `##` section.
    pub text_html: String,
    /// Each principle as inline HTML (no surrounding paragraph).
    pub principles_html: Vec<String>,
    /// Text after the principles' list.
    pub closing_html: String,
    /// The note above the sign form.
    pub sign_up_html: String,
    /// The disclaimer on the privacy page.
    pub disclaimer_html: String,
}

impl Letter {
    /// The letter's digest as lower-case hex: SHA-256 of its JSON as the
    /// snapshot writes it, without spaces (`serde_json::to_vec`), so it is
    /// the snapshot's `letter_sha256` too. It changes when any text does;
    /// the store records it to know which letter its data dir holds.
    pub fn sha256_hex(&self) -> String {
        use sha2::Digest as _;
        // A struct of strings always serializes.
        let digest = sha2::Sha256::digest(serde_json::to_vec(self).unwrap_or_default());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// One version of the letter as the store records it: the first is the
/// text the data dir was made with, each later one an amendment
/// (`undersign letter amend`). Only the day is kept, never a finer time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// 1, 2, … in the order they came into force.
    pub number: u32,
    /// Its [`Letter::sha256_hex`].
    pub sha256: String,
    /// Its title, to name it.
    pub title: String,
    /// The UTC day it came into force.
    pub day: crate::domain::Day,
    /// Its whole text, so that earlier versions can be shown.
    pub letter: Letter,
}

/// Every version of the letter a data dir holds, oldest first; the last is
/// the one in force. Never empty once bound.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History(pub Vec<Version>);

impl History {
    /// The version in force.
    pub fn current(&self) -> Option<&Version> {
        self.0.last()
    }

    /// The day of the last amendment, if the letter was ever amended.
    pub fn amended_on(&self) -> Option<crate::domain::Day> {
        self.0.get(1..).and_then(<[Version]>::last).map(|v| v.day)
    }

    /// The versions before the one in force, newest first.
    pub fn earlier(&self) -> impl Iterator<Item = &Version> {
        self.0.iter().rev().skip(1)
    }

    /// The number of the version in force (1 before any is recorded).
    pub fn number(&self) -> u32 {
        self.current().map_or(1, |v| v.number)
    }
}

/// Everything the site shows that the deployer wrote.
#[derive(Clone, Debug)]
pub struct Content {
    /// The letter.
    pub letter: Letter,
    /// Names to import on first start, per kind, in the order given.
    pub signatories: Vec<(Kind, Vec<String>)>,
    /// Translations of the letter, by language tag: `letter.es.md` beside
    /// `letter.md`, the original (see [`Content::with_translations`]).
    pub translations: Vec<(String, Letter)>,
}

/// What is wrong with a letter's Markdown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterProblem {
    /// A second `# Title` line.
    #[error("more than one `# Title` line")]
    TwoTitles,
    /// No `# Title` line.
    #[error("no `# Title` line")]
    NoTitle,
    /// A `##` section this format does not have.
    #[error("unknown section `## {0}` (expected Principles, Sign up or Disclaimer)")]
    UnknownSection(String),
    /// Nothing under the title.
    #[error("the letter has no text under its title")]
    NoText,
}

/// Why the letter or a list could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The letter file does not follow the format.
    #[error("{}: {problem}", path.display())]
    Format {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        problem: LetterProblem,
    },
}

impl Content {
    /// The default: "Secure the Internet", its translations and its 322
    /// signatories.
    pub fn embedded() -> Content {
        Content {
            // The embedded letter is checked by this module's tests.
            #[allow(clippy::expect_used, reason = "the embedded letter is a constant that the tests parse")]
            letter: Letter::parse(EMBEDDED_LETTER).expect("the embedded letter parses"),
            signatories: vec![
                (Kind::Organization, lines(EMBEDDED_ORGANIZATIONS)),
                (Kind::Company, lines(EMBEDDED_COMPANIES)),
                (Kind::Individual, lines(EMBEDDED_INDIVIDUALS)),
            ],
            translations: embedded_translations(),
        }
    }

    /// A deployer's letter (or, with `None`, the embedded one) and optional
    /// signatory lists, one name per line. With neither, the embedded default.
    pub fn load(letter: Option<&Path>, signatories: &[(Kind, &Path)]) -> Result<Content, LetterError> {
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|source| LetterError::Read { path: p.to_path_buf(), source })
        };
        if letter.is_none() && signatories.is_empty() {
            return Ok(Content::embedded());
        }
        let (letter, translations) = match letter {
            None => (Content::embedded().letter, embedded_translations()),
            Some(path) => (
                Letter::parse(&read(path)?)
                    .map_err(|problem| LetterError::Format { path: path.to_path_buf(), problem })?,
                Vec::new(),
            ),
        };
        let mut lists = Vec::new();
        for (kind, path) in signatories {
            lists.push((*kind, lines(&read(path)?)));
        }
        Ok(Content { letter, signatories: lists, translations })
    }

    /// The same, with the translations of the deployer's letter that sit
    /// beside it: for `letter.md` and each of `tags`, `letter.TAG.md`.
    /// The file without a tag is the original, and the one that counts;
    /// a translation that is there but does not parse is an error, as the
    /// original would be.
    pub fn with_translations(mut self, letter: Option<&Path>, tags: &[&str]) -> Result<Content, LetterError> {
        let Some(letter) = letter else { return Ok(self) };
        let stem = letter.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        for tag in tags {
            let path = letter.with_file_name(format!("{stem}.{tag}.md"));
            let markdown = match std::fs::read_to_string(&path) {
                Ok(markdown) => markdown,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => return Err(LetterError::Read { path, source }),
            };
            let translated =
                Letter::parse(&markdown).map_err(|problem| LetterError::Format { path, problem })?;
            self.translations.push((tag.to_string(), translated));
        }
        Ok(self)
    }
}

/// The embedded letter's translations, parsed (this module's tests parse
/// each).
fn embedded_translations() -> Vec<(String, Letter)> {
    EMBEDDED_TRANSLATIONS
        .iter()
        .filter_map(|(tag, markdown)| Some((tag.to_string(), Letter::parse(markdown).ok()?)))
        .collect()
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

impl Letter {
    /// Reads the letter's Markdown (format in the module doc).
    pub fn parse(markdown: &str) -> Result<Letter, LetterProblem> {
        let mut title = None;
        let mut sections: Vec<(String, String)> = vec![(String::new(), String::new())];
        for line in markdown.lines() {
            if let Some(t) = line.strip_prefix("# ") {
                if title.is_some() {
                    return Err(LetterProblem::TwoTitles);
                }
                title = Some(t.trim().to_string());
            } else if let Some(h) = line.strip_prefix("## ") {
                sections.push((h.trim().to_lowercase(), String::new()));
            } else if let Some((_, body)) = sections.last_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
        let title = title.ok_or(LetterProblem::NoTitle)?;
        let mut letter = Letter {
            title,
            text_html: String::new(),
            principles_html: Vec::new(),
            closing_html: String::new(),
            sign_up_html: String::new(),
            disclaimer_html: String::new(),
        };
        for (heading, body) in sections {
            match heading.as_str() {
                "" => letter.text_html = to_html(&body),
                "principles" => {
                    let (items, rest) = split_list(&body);
                    letter.principles_html = items.iter().map(|i| inline_html(i)).collect();
                    letter.closing_html = to_html(&rest);
                }
                "sign up" | "sign-up" => letter.sign_up_html = to_html(&body),
                "disclaimer" | "privacy disclaimer" => letter.disclaimer_html = to_html(&body),
                other => return Err(LetterProblem::UnknownSection(other.to_string())),
            }
        }
        if letter.text_html.trim().is_empty() {
            return Err(LetterProblem::NoText);
        }
        Ok(letter)
    }
}

/// Splits a leading Markdown bullet list (`- ` or `* ` items, indented
/// continuation lines) from the text after it.
fn split_list(body: &str) -> (Vec<String>, String) {
    let mut items: Vec<String> = Vec::new();
    let mut rest = String::new();
    let mut in_list = true;
    for line in body.lines() {
        if in_list {
            if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
                items.push(item.trim().to_string());
                continue;
            }
            if let (Some(last), true) = (items.last_mut(), line.starts_with("  ")) {
                last.push(' ');
                last.push_str(line.trim());
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            in_list = false;
        }
        rest.push_str(line);
        rest.push('\n');
    }
    (items, rest)
}

/// Markdown to HTML with raw HTML turned into visible text: the letter's
/// author cannot (even by mistake) add a script or a remote image.
fn to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        // Images would be a second request: show their alt text instead.
        Event::Start(pulldown_cmark::Tag::Image { .. }) | Event::End(pulldown_cmark::TagEnd::Image) => {
            Event::Text("".into())
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

fn inline_html(markdown: &str) -> String {
    let html = to_html(markdown);
    let trimmed = html.trim();
    trimmed.strip_prefix("<p>").and_then(|h| h.strip_suffix("</p>")).unwrap_or(trimmed).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_letter_has_its_parts() {
        let c = Content::embedded();
        assert_eq!(c.letter.title, "Secure the Internet");
        assert_eq!(c.letter.principles_html.len(), 5);
        assert!(c.letter.closing_html.contains("more secure future"));
        assert!(c.letter.sign_up_html.contains("individual, company, or organization"));
        assert!(c.letter.disclaimer_html.contains("vigorously challenged"));
        let counts: Vec<usize> = c.signatories.iter().map(|(_, n)| n.len()).collect();
        assert_eq!(counts, [203, 32, 87]);
        assert_eq!(c.signatories[0].1[0], "18MillionRising.org");
        assert_eq!(c.signatories[2].1.last().unwrap(), "Dan York");
    }

    #[test]
    fn the_embedded_letter_is_translated_into_every_shipped_language_whole() {
        let c = Content::embedded();
        let tags: Vec<&str> = c.translations.iter().map(|(t, _)| t.as_str()).collect();
        let shipped: Vec<&str> = crate::messages::Catalogue::all().skip(1).map(|l| l.tag()).collect();
        assert_eq!(tags, shipped, "one translation per shipped language but English");
        for (tag, markdown) in EMBEDDED_TRANSLATIONS {
            let l = Letter::parse(markdown).unwrap_or_else(|e| panic!("letter.{tag}.md: {e}"));
            assert_eq!(l.principles_html.len(), 5, "{tag}");
            assert!(!l.sign_up_html.is_empty() && !l.disclaimer_html.is_empty(), "{tag}");
            assert!(!l.closing_html.is_empty(), "{tag}");
        }
        // The disclaimer promises no notice: there is no way to give one.
        assert!(c.letter.disclaimer_html.contains("no way to tell you"));
        assert!(!c.letter.disclaimer_html.contains("provide you with notice"));
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let l = Letter::parse("# T\n\nHello <script>alert(1)</script> ![x](http://e/x.png)\n").unwrap();
        assert!(!l.text_html.contains("<script>"));
        assert!(l.text_html.contains("&lt;script&gt;"));
        assert!(!l.text_html.contains("<img"));
    }

    #[test]
    fn refuses_a_letter_without_title_or_with_unknown_sections() {
        assert!(Letter::parse("text only\n").is_err());
        assert!(Letter::parse("# T\n\ntext\n\n## Appendix\n\nx\n").is_err());
    }
}
