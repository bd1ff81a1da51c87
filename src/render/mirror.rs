//! The words and pages that only copies have: the banner every mirror page
//! carries (whose copy, of which day, where to sign, and why it may be out
//! of date), the mirror's own privacy page, and the static export's pages,
//! which link to each other by relative addresses so that any static host,
//! in any subdirectory, serves them. Copies carry no sign form.

use super::{names_list, LetterView};
use crate::domain::{Counts, Day, Kind, Phase, PublicSignatory};
use crate::letter::Letter;
use crate::messages::{Catalogue, Message, Text};
use maud::{html, Markup, PreEscaped};

/// What a mirror page says about the copy it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banner {
    /// The origin's address, as the operator gave it.
    pub origin: String,
    /// The address of the origin's letter page, where the form is, in the
    /// page's language.
    pub sign_url: String,
    /// The address of the origin's withdrawal page, in the page's language.
    pub withdraw_url: String,
    /// The snapshot's day.
    pub day: Day,
    /// The snapshot's number.
    pub seq: u64,
    /// Its expiry.
    pub expires: Day,
    /// It has expired: the copy cannot be confirmed current.
    pub stale: bool,
    /// Why the newest snapshot was refused, if it was, in words for
    /// visitors.
    pub status: Option<Message>,
}

impl Banner {
    /// The banner, at the top of every page, in the language of `words`.
    pub fn markup(&self, words: &Catalogue) -> Markup {
        let as_of = words.tf(
            Text::MirrorAsOf,
            &[("day", self.day.to_string().into()), ("seq", self.seq.to_string().into())],
        );
        html! {
            div.notice.mirror role="note" {
                p {
                    (words.t(Text::MirrorOf)) " " a href=(self.origin) dir="auto" { (self.origin) } (as_of) " "
                    a href=(self.sign_url) { (words.t(Text::MirrorSignThere)) } "."
                }
                @if self.stale {
                    p.error role="status" {
                        (words.tf(Text::MirrorStale, &[("day", self.expires.to_string().into())]))
                    }
                }
                @if let Some(status) = &self.status {
                    p.error role="status" { (words.text(status)) }
                }
            }
        }
    }

    /// What stands where the origin has its sign form.
    pub fn sign_elsewhere(&self, words: &Catalogue) -> Markup {
        html! {
            p.notice {
                (words.t(Text::MirrorTakesNoSignatures)) " "
                a href=(self.sign_url) { (words.tf(Text::MirrorSignAt, &[("origin", self.origin.as_str().into())])) } "."
            }
        }
    }
}

/// The mirror's privacy page: what a mirror keeps (nothing about visitors)
/// and how to check its copy.
pub fn privacy_main(words: &Catalogue, banner: &Banner, key: &str) -> Markup {
    html! {
        h1 { (words.t(Text::Privacy)) }
        p { (words.t(Text::MirrorPrivacyIntro)) " " a href=(banner.origin) dir="auto" { (banner.origin) } (words.t(Text::MirrorPrivacyRest)) }
        h2 { (words.t(Text::MirrorCheckingHeading)) }
        p { (words.t(Text::MirrorSignedBy)) }
        p.code { code { (key) } }
        p {
            (words.t(Text::MirrorDownload)) " " a href="/snapshot.json" { "snapshot.json" } " " (words.t(Text::MirrorDownloadAnd)) " "
            a href="/snapshot.json.minisig" { "snapshot.json.minisig" } " " (words.t(Text::MirrorDownloadThenRun)) " "
            code dir="ltr" { "minisign -Vm snapshot.json -P " (key) } "."
        }
        p { strong { (words.t(Text::MirrorWithdrawalReaches)) } " " (words.t(Text::WithdrawCopiesRest)) }
    }
}

/// Pages of the static export: plain files with relative links.
pub struct StaticPages<'a> {
    /// The letter as the snapshot holds it.
    pub letter: &'a Letter,
    /// The words.
    pub words: &'a Catalogue,
    /// Where to sign, if known.
    pub sign_url: Option<&'a str>,
    /// The snapshot's number and day.
    pub seq: u64,
    /// Its day.
    pub day: Day,
    /// Names per page.
    pub page_size: usize,
    /// Names per group on the letter page.
    pub group_limit: usize,
    /// What the snapshot says of the letter's amendments.
    pub amendments: Option<&'a super::Amendments>,
}

/// The static file of page `n` of a kind's list.
pub fn kind_file(kind: Kind, n: usize) -> String {
    format!("{}-{n}.html", kind.as_str())
}

/// The static file of page `n` of the alphabetical index.
pub fn index_file(n: usize) -> String {
    format!("names-{n}.html")
}

/// The Content-Security-Policy a static page carries itself, since a
/// static host sends no header for it.
pub fn static_csp() -> String {
    format!(
        "default-src 'none'; style-src {}; img-src data:; form-action 'none'; base-uri 'none'",
        super::style_hash()
    )
}

impl StaticPages<'_> {
    /// A static page around `main`: its own CSP, the copy's notice, the
    /// footer's relative links.
    pub fn page(&self, title: &str, main: Markup) -> String {
        let title = if title == self.letter.title {
            title.to_owned()
        } else {
            format!("{title} · {}", self.letter.title)
        };
        let head = html! {
            meta http-equiv="Content-Security-Policy" content=(static_csp());
            meta name="description" content=(super::first_sentence(&self.letter.text_html));
        };
        let body = html! {
                    header {
                        p.site { a href="index.html" { (self.letter.title) } }
                        div.notice.mirror role="note" {
                            p {
                                "A copy of the letter and its signatories as of " (self.day) " (snapshot " (self.seq) "). "
                                @match self.sign_url {
                                    Some(url) => { "Signing happens only at the origin: " a href=(url) { "sign the letter there" } "." }
                                    // No origin was given: say so, rather than point
                                    // to a site this copy cannot name.
                                    None => "This copy takes no signatures, and whoever made it did not say where the letter's own site is.",
                                }
                            }
                        }
                    }
                    main #main { (main) }
                    footer {
                        nav aria-label="Site" {
                            a href="index.html" { "The letter" } " · "
                            a href=(index_file(1)) { "All names, A to Z" } " · "
                            a href="numbers.html" { "Numbers" } " · "
                            a href="deliver.html" { "Delivery edition" } " · "
                            "Open data: " a href="signatories.json" { "JSON" } ", " a href="signatories.csv" { "CSV" } " · "
                            "Signed snapshot: " a href="snapshot.json" { "snapshot.json" } ", " a href="snapshot.json.minisig" { "signature" }
                        }
                    }
        };
        super::page_with_head(self.words, &title, head, body)
    }

    fn counts_line(&self, counts: &Counts) -> Markup {
        html! {
            p.counts {
                strong { (counts.total_published()) " signatures" } ": "
                @for (i, kind) in Kind::ALL.into_iter().enumerate() {
                    @if i > 0 { ", " }
                    (counts.published(kind)) " " (self.words.kind_plural_lower(kind))
                }
                "."
            }
        }
    }

    /// `index.html`: the letter, the counts, the first names of each group.
    pub fn letter_page(&self, view: &LetterView) -> String {
        let l = self.letter;
        let counts = &view.counts;
        self.page(
            &l.title,
            html! {
                article.letter {
                    h1 { (l.title) }
                    @if let Some(a) = self.amendments {
                        p.notice { (self.words.tf(Text::LetterAmendedOn, &[("day", a.amended_on.to_string().into())])) }
                    }
                    (PreEscaped(&l.text_html))
                    @if !l.principles_html.is_empty() {
                        ul.principles { @for p in &l.principles_html { li { (PreEscaped(p)) } } }
                    }
                    (PreEscaped(&l.closing_html))
                    @if let Some(a) = self.amendments {
                        h2 { (self.words.t(Text::LetterEarlierVersions)) }
                        ul { @for v in &a.earlier {
                            @let from = [("number", v.number.to_string().into()), ("day", v.day.to_string().into())];
                            li { (self.words.tf(Text::LetterVersionFrom, &from)) ": "
                                (self.words.tf(Text::LetterVersionNotHere, &[("digest", v.sha256.clone().into())])) }
                        } }
                    }
                }
                section #sign {
                    h2 { "Signatures" }
                    (self.counts_line(counts))
                    @match view.phase {
                        Phase::Open => {
                            @if let Some(url) = self.sign_url {
                                p { a href=(url) { "Sign the letter at its own site" } }
                            }
                        }
                        Phase::Paused => p.notice { "Signing was paused on this day." },
                        Phase::Closed { day, .. } => p.notice { "The letter closed on " (day) "." },
                    }
                }
                section #signatories {
                    h2 { "Signatories" }
                    p { a href=(index_file(1)) { "All names, from A to Z" } }
                    @for (kind, names) in &view.groups {
                        @let listed = counts.listed(*kind);
                        h3 { (self.words.kind_plural(*kind)) " (" (listed) ")" }
                        (names_list(self.words, names, false))
                        @if listed as usize > self.group_limit {
                            p { a href=(kind_file(*kind, 1)) { "All " (listed) " " (self.words.kind_plural_lower(*kind)) } }
                        }
                    }
                }
            },
        )
    }

    fn pager(&self, page_no: usize, pages: usize, file: impl Fn(usize) -> String) -> Markup {
        html! {
            nav.pages aria-label="Pages" {
                @if page_no > 1 { a rel="prev" href=(file(page_no - 1)) { "← Previous" } " " }
                "Page " (page_no) " of " (pages)
                @if page_no < pages { " " a rel="next" href=(file(page_no + 1)) { "Next →" } }
            }
        }
    }

    /// Page `page_no` of `pages` of a kind's list.
    pub fn kind_page(
        &self,
        kind: Kind,
        listed: u64,
        page_no: usize,
        pages: usize,
        names: &[PublicSignatory],
    ) -> String {
        let title = format!("{} ({listed})", self.words.kind_plural(kind));
        self.page(
            &title,
            html! {
                h1 { (title) }
                (names_list(self.words, names, false))
                (self.pager(page_no, pages, |n| kind_file(kind, n)))
            },
        )
    }

    /// Page `page_no` of `pages` of the alphabetical index, which stands in
    /// for search: names from `first` to `last`.
    pub fn index_page(&self, page_no: usize, pages: usize, names: &[PublicSignatory]) -> String {
        let range = match (names.first(), names.last()) {
            (Some(a), Some(b)) => format!(": {} to {}", a.name, b.name),
            _ => String::new(),
        };
        self.page(
            "All names, A to Z",
            html! {
                h1 { "All names, A to Z" }
                p { "Every listed signatory in alphabetical order (case and accents aside), page " (page_no) " of " (pages) (range) "." }
                (names_list(self.words, names, true))
                (self.pager(page_no, pages, index_file))
            },
        )
    }
}

impl super::Renderer {
    /// The mirror's privacy page (see [`privacy_main`]).
    pub fn mirror_privacy(&self, banner: &Banner, key: &str) -> String {
        self.frame(&self.words.t(Text::Privacy), privacy_main(&self.words, banner, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn banner() -> Banner {
        Banner {
            origin: "http://origin.example".into(),
            sign_url: "http://origin.example/#sign".into(),
            withdraw_url: "http://origin.example/withdraw".into(),
            day: Day(20_788),
            seq: 7,
            expires: Day(20_795),
            stale: false,
            status: None,
        }
    }

    #[test]
    fn the_banner_says_whose_copy_of_which_day_and_why_it_may_be_old() {
        let words = Catalogue::ENGLISH;
        let fresh = crate::messages::unmarked(&banner().markup(&words).into_string());
        assert!(fresh.contains("This is a mirror of <a href=\"http://origin.example\" dir=\"auto\">http://origin.example</a>, as of 2026-12-01 (snapshot 7)."));
        assert!(fresh.contains("<a href=\"http://origin.example/#sign\">sign the letter there</a>"));
        assert!(!fresh.contains("cannot confirm") && !fresh.contains("keeps showing"));
        let stale = Banner {
            stale: true,
            status: Some(crate::messages::MessageId::MirrorRefusedUnreachable.into()),
            ..banner()
        };
        let stale = crate::messages::unmarked(&stale.markup(&words).into_string());
        assert!(stale.contains("This copy's snapshot expired on 2026-12-08: this mirror cannot confirm that the list is current."));
        assert!(stale.contains("This mirror could not reach its origin at its last update, so it keeps showing its last verified snapshot."));
    }

    #[test]
    fn a_mirrors_letter_page_has_the_banner_and_no_form() {
        let r =
            super::super::Renderer::new(crate::letter::Content::embedded().letter, Catalogue::ENGLISH, 2, 3)
                .mirrored(Banner { stale: true, ..banner() });
        let page = r.letter_page(&LetterView::default());
        assert!(page.contains("cannot confirm that the list is current"));
        assert!(!page.contains(super::super::TOKEN_MARK) && !page.contains("method=\"post\""));
        assert!(page.contains("This mirror takes no signatures."));
        assert!(page.contains("href=\"http://origin.example/withdraw\""), "withdrawal happens at the origin");
        for other in [r.kind_page(Kind::Individual, 0, 1, &[]), r.search_page("", None), r.error("No", "no")]
        {
            assert!(other.contains("This is a mirror of"));
        }
    }

    #[test]
    fn a_static_copy_without_an_origin_says_so_and_links_nowhere() {
        let letter = crate::letter::Content::embedded().letter;
        let pages = |sign_url| StaticPages {
            letter: &letter,
            words: &Catalogue::ENGLISH,
            sign_url,
            seq: 3,
            day: Day(20_788),
            page_size: 10,
            group_limit: 10,
            amendments: None,
        };
        let view = LetterView { phase: Phase::Open, ..Default::default() };
        let page = pages(None).letter_page(&view);
        assert!(page.contains("whoever made it did not say where the letter's own site is"));
        assert!(!page.contains("Sign the letter") && !page.contains("sign the letter there"));
        let page = pages(Some("http://example.onion/#sign")).letter_page(&view);
        assert!(page.contains("<a href=\"http://example.onion/#sign\">sign the letter there</a>"));
    }
}
