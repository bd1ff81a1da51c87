//! Every HTML page the site sends, as maud templates, and the open-data
//! exports. Templates take plain values (counts, a phase, lists of
//! [`PublicSignatory`], records for the console) and return bytes; they know
//! no HTTP and query nothing, so any [`crate::view::PublicView`] (the store,
//! a snapshot) can feed them, and they are tested without a store.
//!
//! Pages are self-contained: the stylesheet is inline (the HTTP layer allows
//! exactly it by its hash in the Content-Security-Policy), the favicon is a
//! `data:` URL, and there are no scripts, images or fonts, so a visitor's
//! browser makes one request per page. The letter page carries
//! [`TOKEN_MARK`] where the form token goes, so it can be cached once per
//! change and the token spliced in per request.

pub mod admin;
pub mod export;
pub mod mirror;

use crate::domain::{Counts, Field, Kind, Phase, PublicSignatory, Status};
use crate::letter::Letter;
use crate::messages::Catalogue;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sha2::{Digest, Sha256};

/// The one stylesheet, inlined in every page.
const CSS: &str = include_str!("style.css");
/// Stands in for the form token in the cached letter page.
pub const TOKEN_MARK: &str = "\u{1}form-token\u{1}";

/// The hash that the Content-Security-Policy allows the inline style by.
pub fn style_hash() -> String {
    format!("'sha256-{}'", STANDARD.encode(Sha256::digest(CSS.as_bytes())))
}

/// What the visitor typed, to show the form again after a refusal.
#[derive(Clone, Debug, Default)]
pub struct FormValues {
    /// The name typed.
    pub name: String,
    /// The kind chosen (a form value).
    pub kind: String,
    /// The affiliation typed.
    pub affiliation: String,
    /// The country typed.
    pub country: String,
    /// Whether "show my name" was ticked.
    pub listed: bool,
}

impl FormValues {
    /// An empty form: an individual, listed.
    pub fn blank() -> FormValues {
        FormValues { listed: true, kind: Kind::Individual.as_str().into(), ..Default::default() }
    }
}

/// Renders pages; holds the letter and the presentation settings.
pub struct Renderer {
    letter: Letter,
    words: Catalogue,
    group_limit: usize,
    page_size: usize,
    /// Set on a mirror: every page carries it, and no page has a form
    /// that writes.
    mirror: Option<mirror::Banner>,
}

/// What the letter page shows besides the letter: the counts, the phase,
/// and the first names of each group (at most the group limit).
#[derive(Clone, Debug, Default)]
pub struct LetterView {
    /// Published, listed and pending per kind.
    pub counts: Counts,
    /// Open, paused or closed.
    pub phase: Phase,
    /// Per kind with listed names, the first of them in page order.
    pub groups: Vec<(Kind, Vec<PublicSignatory>)>,
}

fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                // An empty data: icon: the browser asks for no /favicon.ico.
                link rel="icon" href="data:,";
                style { (PreEscaped(CSS)) }
            }
            body {
                a.skip href="#main" { "Skip to content" }
                (body)
            }
        }
    }
    .into_string()
}

/// A list of names; `with_kind` labels each (search results mix kinds).
fn names_list(words: &Catalogue, signatories: &[PublicSignatory], with_kind: bool) -> Markup {
    html! {
        ul.names {
            @for s in signatories {
                li {
                    span dir="auto" { (s.name) }
                    @if s.verified { " " abbr.verified title="verified by the organisers" { "✓" } }
                    @if let Some(a) = &s.affiliation { ", " span dir="auto" { (a) } }
                    @if let Some(c) = &s.country { " (" span dir="auto" { (c) } ")" }
                    @if with_kind { " " span.note { "· " (words.kind_singular(s.kind)) } }
                }
            }
        }
    }
}

impl Renderer {
    /// Pages for `letter`: `group_limit` names per group on the letter
    /// page, `page_size` per list page and search.
    pub fn new(letter: Letter, words: Catalogue, group_limit: usize, page_size: usize) -> Renderer {
        Renderer { letter, words, group_limit, page_size, mirror: None }
    }

    /// The same pages as a mirror's, under `banner`.
    pub fn mirrored(self, banner: mirror::Banner) -> Renderer {
        Renderer { mirror: Some(banner), ..self }
    }

    /// The letter's content.
    pub fn letter(&self) -> &Letter {
        &self.letter
    }

    /// Names per group on the letter page.
    pub fn group_limit(&self) -> usize {
        self.group_limit
    }

    /// How many list pages a group of `listed` names has (at least one).
    pub fn pages(&self, listed: u64) -> usize {
        (listed as usize).div_ceil(self.page_size).max(1)
    }

    /// The letter's title.
    pub fn title(&self) -> &str {
        &self.letter.title
    }

    /// Names per list page and at most in search results.
    pub fn page_size(&self) -> usize {
        self.page_size
    }

    fn header(&self) -> Markup {
        html! {
            header {
                p.site { a href="/" { (self.letter.title) } }
                @if let Some(banner) = &self.mirror { (banner.markup()) }
            }
        }
    }

    fn footer(&self) -> Markup {
        html! {
            footer {
                nav aria-label="Site" {
                    a href="/" { "The letter" } " · "
                    a href="/signatories" { "Search signatories" } " · "
                    @match &self.mirror {
                        None => { a href="/withdraw" { "Withdraw a signature" } " · " }
                        Some(m) => { a href=(format!("{}/withdraw", m.origin)) { "Withdraw a signature (at the origin)" } " · " }
                    }
                    a href="/privacy" { "Privacy" } " · "
                    "Open data: " a href="/signatories.json" { "JSON" } ", " a href="/signatories.csv" { "CSV" }
                }
            }
        }
    }

    fn frame(&self, title: &str, main: Markup) -> String {
        page(
            &format!("{title} · {}", self.letter.title),
            html! { (self.header()) main #main { (main) } (self.footer()) },
        )
    }

    /// The sign form. `token` is the form token (or the cache's marker);
    /// `error`, a field and what is wrong with it, is shown by that field
    /// and tied to it, so a screen reader says it when the field is reached.
    pub fn sign_form(&self, token: &str, values: &FormValues, error: Option<(Field, &str)>) -> Markup {
        let wrong = |f: Field| error.filter(|(e, _)| *e == f).map(|(_, why)| why);
        let described = |f: Field| wrong(f).map(|_| format!("{}-error", f.id()));
        let message = |f: Field| {
            html! { @if let Some(why) = wrong(f) { span.error id={ (f.id()) "-error" } { (why) } } }
        };
        html! {
            form.sign method="post" action="/sign" {
                input type="hidden" name="token" value=(token);
                p {
                    label for="name" { "Name " span.req { "(required)" } }
                    (message(Field::Name))
                    input #name type="text" name="name" required maxlength="300" autocomplete="off" dir="auto" value=(values.name)
                        aria-invalid=[wrong(Field::Name).map(|_| "true")] aria-describedby=[described(Field::Name)];
                }
                fieldset #kind aria-describedby=[described(Field::Kind)] {
                    legend { "Signing as" }
                    (message(Field::Kind))
                    @for kind in [Kind::Individual, Kind::Organization, Kind::Company] {
                        label.choice {
                            input type="radio" name="kind" value=(kind.as_str()) checked[values.kind == kind.as_str()];
                            " " (self.words.kind_article(kind))
                        }
                    }
                }
                p {
                    label for="affiliation" { "Title, employer or city " span.opt { "(optional)" } }
                    (message(Field::Affiliation))
                    input #affiliation type="text" name="affiliation" maxlength="400" autocomplete="off" dir="auto" value=(values.affiliation)
                        aria-invalid=[wrong(Field::Affiliation).map(|_| "true")] aria-describedby=[described(Field::Affiliation)];
                }
                p {
                    label for="country" { "Country " span.opt { "(optional)" } }
                    (message(Field::Country))
                    input #country type="text" name="country" maxlength="120" autocomplete="off" dir="auto" value=(values.country)
                        aria-invalid=[wrong(Field::Country).map(|_| "true")] aria-describedby=[described(Field::Country)];
                }
                p {
                    label.choice {
                        input type="checkbox" name="listed" value="yes" checked[values.listed];
                        " Show my name in the public list. Unticked, your signature is counted but your name is never shown or exported."
                    }
                }
                // A field people do not see; bots that fill every field do.
                p.hp aria-hidden="true" {
                    label for="website" { "Leave this field empty" }
                    input #website type="text" name="website" tabindex="-1" autocomplete="off" value="";
                }
                p { button type="submit" { "Sign the letter" } }
            }
        }
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
                @if counts.total_pending() > 0 {
                    " " (counts.total_pending()) " more await review."
                }
            }
        }
    }

    /// The letter page with [`TOKEN_MARK`] where the token goes.
    pub fn letter_page(&self, view: &LetterView) -> String {
        let counts = &view.counts;
        let l = &self.letter;
        let main = html! {
            article.letter {
                h1 { (l.title) }
                // The form is below a long letter: say where it is, at once.
                p.jump { a href="#sign" { (counts.total_published()) " have signed. Sign the letter ↓" } }
                (PreEscaped(&l.text_html))
                @if !l.principles_html.is_empty() {
                    ul.principles {
                        @for p in &l.principles_html { li { (PreEscaped(p)) } }
                    }
                }
                (PreEscaped(&l.closing_html))
            }
            section #sign {
                @match view.phase {
                    Phase::Open if self.mirror.is_some() => {
                        h2 { "Sign the letter" }
                        (self.counts_line(counts))
                        @if let Some(m) = &self.mirror { (m.sign_elsewhere()) }
                    }
                    Phase::Open => {
                        h2 { "Sign the letter" }
                        (self.counts_line(counts))
                        (PreEscaped(&l.sign_up_html))
                        p.note { "Individuals are listed at once. Organisations and companies are shown once a moderator has checked them." }
                        (self.sign_form(TOKEN_MARK, &FormValues::blank(), None))
                        p.note { "We keep no address, browser details or time of day. " a href="/privacy" { "What we store" } }
                    }
                    Phase::Paused => {
                        h2 { "Signing is paused" }
                        (self.counts_line(counts))
                        p.notice role="status" { "The organisers have paused signing for now. Please come back later." }
                    }
                    Phase::Closed { day, .. } => {
                        h2 { "This letter is closed" }
                        p.notice role="status" { "It closed on " (day) " with its final count of " strong { (counts.total_published()) " signatures" } "." }
                        (self.counts_line(counts))
                    }
                }
            }
            section #signatories {
                h2 { "Signatories" }
                form.search method="get" action="/signatories" {
                    label for="q" { "Find a name " }
                    input #q type="search" name="q" maxlength="100";
                    " "
                    button type="submit" { "Search" }
                }
                @for (kind, names) in &view.groups {
                    @let listed = counts.listed(*kind);
                    @if listed > 0 {
                        h3 { (self.words.kind_plural(*kind)) " (" (listed) ")" }
                        (names_list(&self.words, names, false))
                        @if listed as usize > self.group_limit {
                            p { a href={ "/signatories/" (kind.as_str()) "?page=1" } { "All " (listed) " " (self.words.kind_plural_lower(*kind)) } }
                        }
                    }
                }
            }
        };
        page(&l.title, html! { (self.header()) main #main { (main) } (self.footer()) })
    }

    /// Page `page_no` (from 1, at most [`Renderer::pages`]) of a group of
    /// `listed` names, showing `names`.
    pub fn kind_page(&self, kind: Kind, listed: u64, page_no: usize, names: &[PublicSignatory]) -> String {
        let pages = self.pages(listed);
        let title = format!("{} ({listed})", self.words.kind_plural(kind));
        self.frame(
            &title,
            html! {
                h1 { (title) }
                (names_list(&self.words, names, false))
                nav.pages aria-label="Pages" {
                    @if page_no > 1 { a rel="prev" href={ "?page=" (page_no - 1) } { "← Previous" } " " }
                    "Page " (page_no) " of " (pages)
                    @if page_no < pages { " " a rel="next" href={ "?page=" (page_no + 1) } { "Next →" } }
                }
            },
        )
    }

    /// The search page; `results` is `None` before a search.
    pub fn search_page(&self, query: &str, results: Option<&[PublicSignatory]>) -> String {
        self.frame(
            "Search signatories",
            html! {
                h1 { "Search signatories" }
                form.search method="get" action="/signatories" {
                    label for="q" { "Find a name " }
                    input #q type="search" name="q" maxlength="100" dir="auto" value=(query);
                    " "
                    button type="submit" { "Search" }
                }
                @match results {
                    None => p { "Type part of a name. Case and accents do not matter." }
                    Some([]) => p { "No published signatory matches " q dir="auto" { (query) } "." }
                    Some(found) => {
                        p { (found.len()) @if found.len() == self.page_size { "+" } " found." }
                        (names_list(&self.words, found, true))
                    }
                }
                p { "Browse: "
                    @for (i, kind) in Kind::ALL.into_iter().enumerate() {
                        @if i > 0 { ", " }
                        a href={ "/signatories/" (kind.as_str()) "?page=1" } { (self.words.kind_plural_lower(kind)) }
                    }
                }
            },
        )
    }

    /// The thank-you page, with the withdrawal code shown once.
    pub fn thank_you(&self, name: &str, status: Status, listed: bool, code: &str) -> String {
        self.frame(
            "Thank you",
            html! {
                h1 { "Thank you for signing" }
                p { "Your signature as " strong dir="auto" { (name) } " is recorded." }
                @match (status, listed) {
                    (Status::Published, true) => p { "Your name is now published on the letter." },
                    (Status::Published, false) => p { "It is counted, and your name will not be shown or exported." },
                    (Status::Pending, _) => p { "It awaits review by a moderator before it is " @if listed { "published" } @else { "counted" } "." },
                }
                section.code {
                    h2 { "Your withdrawal code" }
                    p { "Keep this code if you may want to remove your signature later. It is shown only this once; we keep only a scrambled form of it, so we cannot show it to you again." }
                    p.code { code { (code) } }
                    p { a href="/withdraw" { "Withdraw a signature" } }
                }
                p { a href="/" { "Back to the letter" } }
            },
        )
    }

    /// The withdrawal form, with a message after a refused try.
    pub fn withdraw_form(&self, message: Option<&str>) -> String {
        self.frame(
            "Withdraw a signature",
            html! {
                h1 { "Withdraw a signature" }
                @if let Some(m) = message { p.error role="alert" { (m) } }
                p { "Enter the withdrawal code you were shown after signing. The signature is removed for good." }
                form method="post" action="/withdraw" {
                    p {
                        label for="code" { "Withdrawal code" }
                        input #code type="text" name="code" required maxlength="100" autocomplete="off" spellcheck="false";
                    }
                    p { button type="submit" { "Withdraw my signature" } }
                }
            },
        )
    }

    /// A withdrawal done.
    pub fn withdrawn(&self) -> String {
        self.frame(
            "Signature withdrawn",
            html! {
                h1 { "Your signature is withdrawn" }
                p { "It is removed from the letter, the counts and the open data, and from our store." }
                p { a href="/" { "Back to the letter" } }
            },
        )
    }

    /// What is stored and what never is; the key that signs the snapshots
    /// (`snapshot_key`, as `minisign -P` takes it) and what copies mean for
    /// a withdrawal; the letter's disclaimer.
    pub fn privacy(&self, review_kinds: &[Kind], snapshot_key: &str) -> String {
        self.frame(
            "Privacy",
            html! {
                h1 { "Privacy" }
                h2 { "What we store" }
                ul {
                    li { "What you type in the form: your name, whether you sign as an individual, organisation or company, and, if you give them, your title, employer or city and your country." }
                    li { "Whether your name may be shown. If not, your signature is counted but your name is never shown or exported." }
                    li { "The day (not the time) you signed." }
                    li { "A scrambled form of your withdrawal code, so you can remove your signature; not the code itself." }
                    li { "A random number from the form you used, so one form cannot sign twice; forgotten after a day or two." }
                }
                p { "Your signature is kept until you withdraw it or the organisers remove it. Published names appear on this site and in its open data (JSON and CSV), which anyone may copy."
                    @if !review_kinds.is_empty() {
                        " Signatures by "
                        @for (i, k) in review_kinds.iter().enumerate() {
                            @if i > 0 { " and " }
                            (self.words.kind_plural_lower(*k))
                        }
                        " are seen by a moderator before they are published."
                    }
                }
                h2 { "What we never store" }
                ul {
                    li { "Your IP address or Tor circuit." }
                    li { "Your browser, its settings or its user agent, or the page you came from." }
                    li { "The time of day you visited or signed." }
                    li { "Cookies: this site sets none. It runs no JavaScript and loads nothing from anywhere else." }
                }
                p { "The server keeps no access log." }
                h2 #snapshots { "Signed snapshots and copies" }
                p { "This site signs a snapshot of its public list: the letter, the published names that may be shown, and the counts, with the day (not the time) it was signed. Anyone may copy one, for example to run a mirror of this site; anyone can check that a copy is the site's own, unchanged, with the program minisign and this site's public key:" }
                p.code { code { (snapshot_key) } }
                p { "Download " a href="/snapshot.json" { "snapshot.json" } " and " a href="/snapshot.json.minisig" { "snapshot.json.minisig" } " into one folder, then run " code { "minisign -Vm snapshot.json -P " (snapshot_key) } ". A signed snapshot proves what the list held on its day, and a snapshot is signed again at least every few days." }
                p { "Snapshots hold nothing that this site does not show: no names that wait for review, no names that may not be shown, nothing about withdrawals or the moderators." }
                p { strong { "Withdrawing a signature removes it here and from every snapshot signed afterwards, but not from copies made before." } " Mirrors and copies made before a withdrawal may still show the name, and a snapshot signed before it still proves that the name was on the list that day." }
                @if !self.letter.disclaimer_html.is_empty() {
                    h2 { "Disclaimer" }
                    (PreEscaped(&self.letter.disclaimer_html))
                }
            },
        )
    }

    /// A short error page: what went wrong and what to do.
    pub fn error(&self, heading: &str, reason: &str) -> String {
        self.frame(
            heading,
            html! {
                h1 { (heading) }
                p.error role="alert" { (reason) }
                p { a href="/" { "Back to the letter" } }
            },
        )
    }

    /// A refused signature: the reason, and the form again with what the
    /// visitor typed, so nothing is lost.
    pub fn sign_refused(
        &self,
        heading: &str,
        reason: &str,
        field: Option<Field>,
        token: &str,
        values: &FormValues,
    ) -> String {
        self.frame(
            heading,
            html! {
                h1 { (heading) }
                // The summary comes first and links to the field, as the
                // GOV.UK error summary does; the field repeats the reason.
                div.summary role="alert" {
                    @match field {
                        Some(f) => {
                            p { "There is a problem with the form:" }
                            ul { li { a href={ "#" (f.id()) } { strong { (self.words.field_label(f)) } " " (reason) } } }
                        }
                        None => p.error { (reason) },
                    }
                }
                p { "Your entries are kept below; correct them if needed and send the form again." }
                (self.sign_form(token, values, field.map(|f| (f, reason))))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_style_hash_is_of_the_inlined_css() {
        let html = page("t", html! {});
        assert!(html.contains(&format!("<style>{CSS}</style>")));
        assert!(style_hash().starts_with("'sha256-") && style_hash().ends_with("='"));
    }

    #[test]
    fn names_are_escaped_and_direction_isolated() {
        let s = PublicSignatory {
            name: "<b>x</b>".into(),
            kind: Kind::Individual,
            affiliation: None,
            country: None,
            verified: false,
        };
        let out = names_list(&Catalogue, &[s], false).into_string();
        assert!(out.contains("<span dir=\"auto\">&lt;b&gt;x&lt;/b&gt;</span>"));
    }

    fn renderer() -> Renderer {
        Renderer::new(crate::letter::Content::embedded().letter, Catalogue, 2, 3)
    }

    fn person(name: &str) -> PublicSignatory {
        PublicSignatory {
            name: name.into(),
            kind: Kind::Individual,
            affiliation: None,
            country: None,
            verified: false,
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
        let page = renderer().letter_page(&view);
        assert!(page.contains("3 have signed. Sign the letter ↓"));
        assert!(page.contains("1 more await review."));
        assert!(page.contains("Individuals (3)") && page.contains("Alan Turing"));
        assert!(page.contains("All 3 individuals"), "a longer group links to its list");
        assert_eq!(page.matches(TOKEN_MARK).count(), 1);

        let closed =
            LetterView { phase: Phase::Closed { day: crate::domain::Day(20_788), purged: false }, ..view };
        let page = renderer().letter_page(&closed);
        assert!(page.contains("It closed on 2026-12-01") && !page.contains(TOKEN_MARK));
    }

    #[test]
    fn a_refused_field_is_summarised_first_and_tied_to_its_input() {
        let values = FormValues { name: "".into(), ..FormValues::blank() };
        let page = renderer().sign_refused("Check the form", "is required.", Some(Field::Name), "t", &values);
        let summary = page.find("There is a problem with the form").unwrap();
        let link = page.find("<a href=\"#name\"><strong>Name</strong> is required.</a>").unwrap();
        let input = page.find("<input id=\"name\"").unwrap();
        assert!(summary < link && link < input, "the summary, linking to the field, comes before the form");
        assert!(page.contains("<span class=\"error\" id=\"name-error\">is required.</span>"));
        let tag = &page[input..input + page[input..].find('>').unwrap()];
        assert!(
            tag.contains("aria-invalid=\"true\"") && tag.contains("aria-describedby=\"name-error\""),
            "{tag}"
        );
        // The other fields are not marked.
        assert_eq!(page.matches("aria-invalid").count(), 1);
        assert!(page.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(page.contains("<a class=\"skip\" href=\"#main\">Skip to content</a>"));
        assert!(page.contains("<main id=\"main\">"));
        // A refusal of no field says why, without a link.
        let page = renderer().sign_refused("Too fast", "Wait a moment.", None, "t", &values);
        assert!(page
            .contains("<div class=\"summary\" role=\"alert\"><p class=\"error\">Wait a moment.</p></div>"));
        assert!(!page.contains("aria-invalid"));
    }

    #[test]
    fn list_pages_link_both_ways_and_refusals_name_the_field() {
        let r = renderer();
        assert_eq!((r.pages(0), r.pages(3), r.pages(7)), (1, 1, 3));
        let page = r.kind_page(Kind::Individual, 7, 2, &[person("Grace Hopper")]);
        assert!(page.contains("rel=\"prev\" href=\"?page=1\"") && page.contains("href=\"?page=3\""));
        assert!(page.contains("Page 2 of 3") && page.contains("Grace Hopper"));
        let refused = r.sign_refused(
            "Please check the form",
            "is required",
            Some(Field::Name),
            "tok",
            &FormValues::blank(),
        );
        assert!(refused.contains("<strong>Name</strong> is required"));
        assert!(refused.contains("value=\"tok\""));
    }
}
