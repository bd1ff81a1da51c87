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
pub mod badge;
pub mod deliver;
pub mod export;
pub mod mirror;
mod numbers;
mod signing;
mod versions;

pub use versions::{Amendments, Earlier};

use crate::domain::{Counts, Field, Kind, Phase, PublicSignatory, Status};
use crate::letter::Letter;
use crate::messages::{Catalogue, Text};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use fluent_bundle::FluentValue;
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
    /// The website typed (organisations and companies).
    pub website: String,
    /// Whether "show my name" was ticked.
    pub listed: bool,
}

impl FormValues {
    /// An empty form: an individual, listed.
    pub fn blank() -> FormValues {
        FormValues { listed: true, kind: Kind::Individual.as_str().into(), ..Default::default() }
    }
}

/// Renders pages in one language under one path prefix; holds the letter
/// and the presentation settings.
#[derive(Clone)]
pub struct Renderer {
    letter: Letter,
    /// The letter's first sentence, for every page's description: made
    /// once with the letter, not at each page's build.
    description: std::sync::Arc<str>,
    words: Catalogue,
    /// The path prefix of this language's pages: "" (English at the
    /// unprefixed paths) or "/es".
    base: String,
    /// When the letter shown is a translation: the original's language
    /// and the path of its page.
    original: Option<(Catalogue, String)>,
    /// The language the letter shown is written in: the page's own, or
    /// the original's where there is no translation into it.
    letter_in: Catalogue,
    /// The letter's translations by language tag, for [`Renderer::in_language`].
    translations: std::sync::Arc<Vec<(String, Letter)>>,
    group_limit: usize,
    page_size: usize,
    /// Set on a mirror: every page carries it, and no page has a form
    /// that writes.
    mirror: Option<mirror::Banner>,
    /// Said when the letter was amended, with its earlier versions.
    amendments: Option<std::sync::Arc<Amendments>>,
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

/// The links to every language's letter, each named in itself. The
/// English one goes to `/en/`, not `/`, so that following it never meets
/// the `Accept-Language` redirect again.
fn languages_nav(words: &Catalogue) -> Markup {
    html! {
        nav.languages aria-label=(words.t(Text::NavLanguages)) {
            @for (i, l) in Catalogue::all().enumerate() {
                @if i > 0 { " · " }
                a href={ "/" (l.tag()) "/" } lang=(l.tag()) hreflang=(l.tag()) dir="auto"
                    aria-current=[(l == *words).then_some("true")] { (l.name()) }
            }
        }
    }
}

fn page(words: &Catalogue, title: &str, body: Markup) -> String {
    page_with_head(words, title, html! {}, body)
}

/// [`page`], with `extra_head` early in the head (a static copy's CSP
/// `<meta>`, which must come before the style it governs).
fn page_with_head(words: &Catalogue, title: &str, extra_head: Markup, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(words.tag()) dir=(words.dir()) {
            head {
                meta charset="utf-8";
                (extra_head)
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                // An empty data: icon: the browser asks for no /favicon.ico.
                link rel="icon" href="data:,";
                style { (PreEscaped(CSS)) }
            }
            body {
                a.skip href="#main" { (words.t(Text::SkipToContent)) }
                (body)
            }
        }
    }
    .into_string()
}

/// The first sentence of `html` as plain text: of the first paragraph
/// that has a sentence's end (a letter may open with a heading-like line),
/// at most 300 characters.
fn first_sentence(html: &str) -> String {
    const ENDS: [char; 7] = ['.', '!', '?', '。', '！', '？', '؟'];
    let mut paragraphs = html.split("</p>").map(|p| {
        let mut text = String::new();
        let mut in_tag = false;
        for c in p.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        let text = text.replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    });
    let first = paragraphs.clone().find(|p| !p.is_empty()).unwrap_or_default();
    let sentence = paragraphs
        .find_map(|p| {
            p.find(ENDS).map(|at| p[..at + p[at..].chars().next().map_or(0, char::len_utf8)].to_owned())
        })
        .unwrap_or(first);
    match sentence.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &sentence[..cut]),
        None => sentence,
    }
}

/// A list of names; `with_kind` labels each (search results mix kinds).
/// Each name, affiliation and country keeps `dir="auto"`: a Persian name
/// on an English page, and a Latin one on a Persian page, read right.
fn names_list(words: &Catalogue, signatories: &[PublicSignatory], with_kind: bool) -> Markup {
    let verified = words.t(Text::VerifiedTitle);
    // The letter page's largest part, a few hundred names: each name in a
    // `<bdi>` (isolated, its direction its own, as `<span dir="auto">`
    // was, in 13 bytes less), and no `</li>` (implied by the next `<li>`
    // or the `</ul>`: the same document, 5 bytes less a name).
    html! {
        ul.names {
            @for s in signatories {
                (PreEscaped("<li>"))
                bdi { (s.name) }
                @if s.verified { " " abbr.verified title=(verified) { "✓" } }
                @if let Some(a) = &s.affiliation { ", " bdi { (a) } }
                @if let Some(c) = &s.country { " (" bdi { (c) } ")" }
                @if let Some(p) = &s.proof {
                    " " span.note { (words.tf(Text::ProvenBy, &[("domain", p.domain.as_str().into())])) }
                }
                @if with_kind { " " span.note { "· " (words.kind_singular(s.kind)) } }
            }
        }
    }
}

impl Renderer {
    /// Pages for `letter` in the language of `words`, at the unprefixed
    /// paths: `group_limit` names per group on the letter page,
    /// `page_size` per list page and search.
    pub fn new(letter: Letter, words: Catalogue, group_limit: usize, page_size: usize) -> Renderer {
        Renderer {
            description: first_sentence(&letter.text_html).into(),
            letter,
            words,
            base: String::new(),
            original: None,
            letter_in: Catalogue::ENGLISH,
            translations: Default::default(),
            group_limit,
            page_size,
            mirror: None,
            amendments: None,
        }
    }

    /// The same pages as a mirror's, under `banner`.
    pub fn mirrored(self, banner: mirror::Banner) -> Renderer {
        Renderer { mirror: Some(banner), ..self }
    }

    /// The same pages, knowing the letter's `translations` (by language
    /// tag) for [`Renderer::in_language`]; the letter given to
    /// [`Renderer::new`] is the original, in English.
    pub fn with_translations(self, translations: Vec<(String, Letter)>) -> Renderer {
        Renderer { translations: std::sync::Arc::new(translations), ..self }
    }

    /// The same pages in the language of `words`, under `/TAG/`, with the
    /// letter's translation into it if there is one: its page then says
    /// that the original is authoritative and links to it. Without one,
    /// the original is shown, marked as written in its own language (so a
    /// screen reader speaks it in that language, in its direction), under
    /// a note in the page's language that says so.
    pub fn in_language(&self, words: Catalogue) -> Renderer {
        let mut r = Renderer { words, base: format!("/{}", words.tag()), ..self.clone() };
        if let Some((_, letter)) = self.translations.iter().find(|(tag, _)| tag == words.tag()) {
            let original = Catalogue::ENGLISH;
            r.letter = letter.clone();
            r.description = first_sentence(&letter.text_html).into();
            r.letter_in = words;
            r.original = Some((original, format!("/{}/", original.tag())));
        }
        r
    }

    /// The letter's language, where it is not the page's: for `lang` and
    /// `dir` on what the letter's own text fills.
    fn foreign_letter(&self) -> Option<Catalogue> {
        (self.letter_in != self.words).then_some(self.letter_in)
    }

    /// The language of these pages.
    pub fn words(&self) -> Catalogue {
        self.words
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

    /// The path prefix of this language's pages: "" or "/es".
    pub fn prefix(&self) -> &str {
        &self.base
    }

    /// A path of this language's pages: `/privacy` is `/es/privacy`.
    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn t(&self, text: Text) -> std::borrow::Cow<'static, str> {
        self.words.t(text)
    }

    fn tf(&self, text: Text, args: &[(&'static str, FluentValue<'_>)]) -> std::borrow::Cow<'static, str> {
        self.words.tf(text, args)
    }

    fn header(&self) -> Markup {
        html! {
            header {
                // Before the letter, not under it: on a phone the letter
                // is many screens tall, and most visitors land in English.
                (languages_nav(&self.words))
                @let other = self.foreign_letter();
                p.site { a href=(self.at("/")) lang=[other.map(|l| l.tag())] dir=[other.map(|l| l.dir())] { (self.letter.title) } }
                @if let Some(banner) = &self.mirror { (banner.markup(&self.words)) }
            }
        }
    }

    fn footer(&self) -> Markup {
        html! {
            footer {
                nav aria-label=(self.t(Text::NavSite)) {
                    a href=(self.at("/")) { (self.t(Text::TheLetter)) } " · "
                    a href=(self.at("/signatories")) { (self.t(Text::SearchSignatories)) } " · "
                    @match &self.mirror {
                        None => { a href=(self.at("/withdraw")) { (self.t(Text::WithdrawASignature)) } " · " }
                        Some(m) => { a href=(m.withdraw_url) { (self.t(Text::WithdrawAtTheOrigin)) } " · " }
                    }
                    a href=(self.at("/privacy")) { (self.t(Text::Privacy)) } " · "
                    a href=(self.at("/numbers")) { (self.t(Text::NumbersLink)) } " · "
                    a href=(self.at("/deliver")) { (self.t(Text::DeliverLink)) } " · "
                    (self.t(Text::OpenData)) " " a href="/signatories.json" { "JSON" } ", " a href="/signatories.csv" { "CSV" }
                }
            }
        }
    }

    fn frame(&self, title: &str, main: Markup) -> String {
        page_with_head(
            &self.words,
            &format!("{title} · {}", self.letter.title),
            self.description(),
            html! { (self.header()) main #main { (main) } (self.footer()) },
        )
    }

    /// What a search engine shows under the page's title: the letter's
    /// first sentence.
    fn description(&self) -> Markup {
        html! { meta name="description" content=(&*self.description); }
    }

    fn back_to_letter(&self) -> Markup {
        html! { p { a href=(self.at("/")) { (self.t(Text::BackToLetter)) } } }
    }

    fn counts_line(&self, counts: &Counts) -> Markup {
        let w = &self.words;
        let per_kind = |k: Kind| FluentValue::from(w.kind_count(k, counts.published(k)).into_owned());
        html! {
            p.counts {
                strong { (self.tf(Text::CountsTotal, &[("count", counts.total_published().into())])) }
                @if counts.total_published() > 0 { (self.tf(Text::CountsJoin, &[
                    ("individual", per_kind(Kind::Individual)),
                    ("organization", per_kind(Kind::Organization)),
                    ("company", per_kind(Kind::Company)),
                ])) }
                @if counts.total_pending() > 0 {
                    " " (self.tf(Text::MoreAwaitReview, &[("count", counts.total_pending().into())]))
                }
            }
        }
    }

    /// The letter page with [`TOKEN_MARK`] where the token goes.
    pub fn letter_page(&self, view: &LetterView) -> String {
        let counts = &view.counts;
        let l = &self.letter;
        let w = &self.words;
        let other = self.foreign_letter();
        let (lang, dir) = (other.map(|l| l.tag()), other.map(|l| l.dir()));
        let main = html! {
            article.letter {
                h1 lang=[lang] dir=[dir] { (l.title) }
                (self.amended_notice())
                @if let Some((original, path)) = &self.original {
                    p.notice {
                        (self.tf(Text::TranslationNote, &[("language", w.name_of(*original).into_owned().into())])) " "
                        a href=(path) hreflang=(original.tag()) { (self.t(Text::ReadTheOriginal)) }
                    }
                }
                @if let Some(original) = other {
                    p.notice { (self.tf(Text::UntranslatedNote, &[("language", w.name_of(original).into_owned().into())])) }
                }
                @match view.phase {
                    // The form is below a long letter: say where it is, at once.
                    Phase::Open => p.jump { a href="#sign" { (self.tf(Text::HaveSigned, &[("count", counts.total_published().into())])) } },
                    // Otherwise say at once that it takes no signature now.
                    Phase::Paused => p.notice role="status" { (self.t(Text::PausedNotice)) },
                    Phase::Closed { day, .. } => p.notice role="status" {
                        (self.tf(Text::ClosedOn, &[("day", day.to_string().into()), ("count", counts.total_published().into())]))
                    },
                }
                div.text lang=[lang] dir=[dir] {
                    (PreEscaped(&l.text_html))
                    @if !l.principles_html.is_empty() {
                        ul.principles {
                            @for p in &l.principles_html { li { (PreEscaped(p)) } }
                        }
                    }
                    (PreEscaped(&l.closing_html))
                }
                (self.earlier_versions())
            }
            section #sign {
                @match view.phase {
                    Phase::Open if self.mirror.is_some() => {
                        h2 { (self.t(Text::SignTheLetter)) }
                        (self.counts_line(counts))
                        @if let Some(m) = &self.mirror { (m.sign_elsewhere(&self.words)) }
                    }
                    Phase::Open => {
                        h2 { (self.t(Text::SignTheLetter)) }
                        (self.counts_line(counts))
                        div lang=[lang] dir=[dir] { (PreEscaped(&l.sign_up_html)) }
                        p.note { (self.t(Text::ReviewNote)) }
                        (self.sign_form(TOKEN_MARK, &FormValues::blank(), None))
                        p.note { (self.t(Text::PrivacyNote)) " " a href=(self.at("/privacy")) { (self.t(Text::WhatWeStore)) } }
                    }
                    Phase::Paused => {
                        h2 { (self.t(Text::SigningPaused)) }
                        (self.counts_line(counts))
                    }
                    Phase::Closed { .. } => {
                        h2 { (self.t(Text::LetterClosed)) }
                        (self.counts_line(counts))
                    }
                }
            }
            section #signatories {
                h2 { (self.t(Text::Signatories)) }
                form.search method="get" action=(self.at("/signatories")) {
                    label for="q" { (self.t(Text::FindAName)) " " }
                    input #q type="search" name="q" maxlength="100" dir="auto";
                    " "
                    button type="submit" { (self.t(Text::Search)) }
                }
                @for (kind, names) in &view.groups {
                    @let listed = counts.listed(*kind);
                    @if listed > 0 {
                        h3 { (self.tf(Text::KindTitle, &[("kind", w.kind_plural(*kind).into_owned().into()), ("count", listed.into())])) }
                        (names_list(w, names, false))
                        @if listed as usize > self.group_limit {
                            p { a href={ (self.base) "/signatories/" (kind.as_str()) "?page=1" } { (w.kind_all(*kind, listed)) } }
                        }
                    }
                }
            }
            p.more {
                a href=(self.at("/numbers")) { (self.t(Text::NumbersLink)) } " · "
                a href=(self.at("/deliver")) { (self.t(Text::DeliverLink)) }
            }
        };
        page_with_head(
            w,
            &l.title,
            self.description(),
            html! { (self.header()) main #main { (main) } (self.footer()) },
        )
    }

    /// Page `page_no` (from 1, at most [`Renderer::pages`]) of a group of
    /// `listed` names, showing `names`.
    pub fn kind_page(&self, kind: Kind, listed: u64, page_no: usize, names: &[PublicSignatory]) -> String {
        let pages = self.pages(listed);
        let w = &self.words;
        let title = self.tf(
            Text::KindTitle,
            &[("kind", w.kind_plural(kind).into_owned().into()), ("count", listed.into())],
        );
        self.frame(
            &title,
            html! {
                h1 { (title) }
                (names_list(w, names, false))
                nav.pages aria-label=(self.t(Text::NavPages)) {
                    @if page_no > 1 { a rel="prev" href={ "?page=" (page_no - 1) } { (self.t(Text::Previous)) } " " }
                    (self.tf(Text::PageOf, &[("page", page_no.into()), ("pages", pages.into())]))
                    @if page_no < pages { " " a rel="next" href={ "?page=" (page_no + 1) } { (self.t(Text::Next)) } }
                }
            },
        )
    }

    /// The search page; `results` is `None` before a search.
    pub fn search_page(&self, query: &str, results: Option<&[PublicSignatory]>) -> String {
        let w = &self.words;
        let heading = self.t(Text::SearchSignatories);
        self.frame(
            &heading,
            html! {
                h1 { (heading) }
                form.search method="get" action=(self.at("/signatories")) {
                    label for="q" { (self.t(Text::FindAName)) " " }
                    input #q type="search" name="q" maxlength="100" dir="auto" value=(query);
                    " "
                    button type="submit" { (self.t(Text::Search)) }
                }
                @match results {
                    None => p { (self.t(Text::TypePartOfName)) }
                    Some([]) => p { (self.tf(Text::NoMatch, &[("query", query.into())])) }
                    Some(found) => {
                        @let more = if found.len() == self.page_size { Text::FoundMore } else { Text::Found };
                        p { (self.tf(more, &[("count", found.len().into())])) }
                        (names_list(w, found, true))
                    }
                }
                p { (self.t(Text::Browse)) " "
                    @for (i, kind) in Kind::ALL.into_iter().enumerate() {
                        @if i > 0 { ", " }
                        a href={ (self.base) "/signatories/" (kind.as_str()) "?page=1" } { (w.kind_plural_lower(kind)) }
                    }
                }
            },
        )
    }

    /// What is stored and what never is; the key that signs the snapshots
    /// (`snapshot_key`, as `minisign -P` takes it) and what copies mean for
    /// a withdrawal; the letter's disclaimer.
    pub fn privacy(&self, review_kinds: &[Kind], snapshot_key: &str) -> String {
        let heading = self.t(Text::Privacy);
        self.frame(
            &heading,
            html! {
                h1 { (heading) }
                h2 { (self.t(Text::WhatWeStore)) }
                ul {
                    li { (self.t(Text::StoreName)) }
                    li { (self.t(Text::StoreListed)) }
                    li { (self.t(Text::StoreWebsite)) }
                    li { (self.t(Text::StoreDay)) }
                    li { (self.t(Text::StoreCodeHash)) }
                    li { (self.t(Text::StoreNonce)) }
                }
                p { (self.t(Text::KeptUntil))
                    @if let Some(reviewed) = self.words.kinds_reviewed(review_kinds) { " " (reviewed) }
                }
                h2 { (self.t(Text::WhatWeNeverStore)) }
                ul {
                    li { (self.t(Text::NeverAddress)) }
                    li { (self.t(Text::NeverBrowser)) }
                    li { (self.t(Text::NeverTime)) }
                    li { (self.t(Text::NeverCookies)) }
                }
                p { (self.t(Text::NoAccessLog)) }
                h2 #snapshots { (self.t(Text::SnapshotsHeading)) }
                p { (self.t(Text::SnapshotsIntro)) }
                p.code dir="ltr" { code { (snapshot_key) } }
                p { (self.t(Text::SnapshotsDownload)) " " a href="/snapshot.json" { "snapshot.json" } ", " a href="/snapshot.json.minisig" { "snapshot.json.minisig" } }
                p { (self.t(Text::SnapshotsRun)) }
                p.code dir="ltr" { code { "minisign -Vm snapshot.json -P " (snapshot_key) } }
                p { (self.t(Text::SnapshotsProve)) }
                p { (self.t(Text::SnapshotsHoldNothing)) }
                p { strong { (self.t(Text::WithdrawCopiesStrong)) } " " (self.t(Text::WithdrawCopiesRest)) }
                @if !self.letter.disclaimer_html.is_empty() {
                    @let other = self.foreign_letter();
                    h2 { (self.t(Text::Disclaimer)) }
                    div lang=[other.map(|l| l.tag())] dir=[other.map(|l| l.dir())] { (PreEscaped(&self.letter.disclaimer_html)) }
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
                (self.back_to_letter())
            },
        )
    }
}

#[cfg(test)]
mod tests;
