//! Every HTML page the site sends, as maud templates, plus the page cache.
//!
//! Pages are self-contained: the stylesheet is inline (the HTTP layer allows
//! exactly it by its hash in the Content-Security-Policy), the favicon is a
//! `data:` URL, and there are no scripts, images or fonts, so a visitor's
//! browser makes one request per page. The letter page is rendered once per
//! change of the published data and kept as bytes split around the form
//! token, which is spliced in per request.
//!
//! The open-data exports (JSON, CSV) are cached the same way.

pub mod admin;

use crate::domain::signatory::{Field, Kind};
use crate::letter::Letter;
use crate::store::{Counts, Phase, PublicSignatory, Status, Store};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The one stylesheet, inlined in every page.
const CSS: &str = include_str!("style.css");
/// Stands in for the form token in the cached letter page.
const TOKEN_MARK: &str = "\u{1}form-token\u{1}";

/// The hash that the Content-Security-Policy allows the inline style by.
pub fn style_hash() -> String {
    format!("'sha256-{}'", STANDARD.encode(Sha256::digest(CSS.as_bytes())))
}

fn kind_plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Organization => "Organisations",
        Kind::Company => "Companies",
        Kind::Individual => "Individuals",
    }
}

pub(crate) fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Organization => "an organisation",
        Kind::Company => "a company",
        Kind::Individual => "an individual",
    }
}

/// What the visitor typed, to show the form again after a refusal.
#[derive(Clone, Debug, Default)]
pub struct FormValues {
    pub name: String,
    pub kind: String,
    pub affiliation: String,
    pub country: String,
    pub listed: bool,
}

impl FormValues {
    pub fn blank() -> FormValues {
        FormValues { listed: true, kind: Kind::Individual.as_str().into(), ..Default::default() }
    }
}

/// Renders pages; holds the letter and the presentation settings.
pub struct Renderer {
    letter: Letter,
    group_limit: usize,
    page_size: usize,
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
                (body)
            }
        }
    }
    .into_string()
}

/// A list of names; `with_kind` labels each (search results mix kinds).
fn names_list(signatories: &[PublicSignatory], with_kind: bool) -> Markup {
    html! {
        ul.names {
            @for s in signatories {
                li {
                    span dir="auto" { (s.name) }
                    @if s.verified { " " abbr.verified title="verified by the organisers" { "✓" } }
                    @if let Some(a) = &s.affiliation { ", " span dir="auto" { (a) } }
                    @if let Some(c) = &s.country { " (" span dir="auto" { (c) } ")" }
                    @if with_kind { " " span.note { "· " (kind_singular(s.kind)) } }
                }
            }
        }
    }
}

pub(crate) fn kind_singular(kind: Kind) -> &'static str {
    match kind {
        Kind::Organization => "organisation",
        Kind::Company => "company",
        Kind::Individual => "individual",
    }
}

impl Renderer {
    pub fn new(letter: Letter, group_limit: usize, page_size: usize) -> Renderer {
        Renderer { letter, group_limit, page_size }
    }

    pub fn title(&self) -> &str {
        &self.letter.title
    }

    pub fn page_size(&self) -> usize {
        self.page_size
    }

    fn header(&self) -> Markup {
        html! {
            header { p.site { a href="/" { (self.letter.title) } } }
        }
    }

    fn footer(&self) -> Markup {
        html! {
            footer {
                nav {
                    a href="/" { "The letter" } " · "
                    a href="/signatories" { "Search signatories" } " · "
                    a href="/withdraw" { "Withdraw a signature" } " · "
                    a href="/privacy" { "Privacy" } " · "
                    "Open data: " a href="/signatories.json" { "JSON" } ", " a href="/signatories.csv" { "CSV" }
                }
            }
        }
    }

    fn frame(&self, title: &str, main: Markup) -> String {
        page(
            &format!("{title} · {}", self.letter.title),
            html! { (self.header()) main { (main) } (self.footer()) },
        )
    }

    /// The sign form. `token` is the form token (or the cache's marker).
    pub fn sign_form(&self, token: &str, values: &FormValues) -> Markup {
        html! {
            form.sign method="post" action="/sign" {
                input type="hidden" name="token" value=(token);
                p {
                    label for="name" { "Name " span.req { "(required)" } }
                    input #name type="text" name="name" required maxlength="300" autocomplete="off" dir="auto" value=(values.name);
                }
                fieldset {
                    legend { "Signing as" }
                    @for kind in [Kind::Individual, Kind::Organization, Kind::Company] {
                        label.choice {
                            input type="radio" name="kind" value=(kind.as_str()) checked[values.kind == kind.as_str()];
                            " " (kind_label(kind))
                        }
                    }
                }
                p {
                    label for="affiliation" { "Title, employer or city " span.opt { "(optional)" } }
                    input #affiliation type="text" name="affiliation" maxlength="400" autocomplete="off" dir="auto" value=(values.affiliation);
                }
                p {
                    label for="country" { "Country " span.opt { "(optional)" } }
                    input #country type="text" name="country" maxlength="120" autocomplete="off" dir="auto" value=(values.country);
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

    fn counts_line(counts: &Counts) -> Markup {
        html! {
            p.counts {
                strong { (counts.total_published()) " signatures" } ": "
                @for (i, kind) in Kind::ALL.into_iter().enumerate() {
                    @if i > 0 { ", " }
                    (counts.published(kind)) " " (kind_plural(kind).to_lowercase())
                }
                "."
                @if counts.total_pending() > 0 {
                    " " (counts.total_pending()) " more await review."
                }
            }
        }
    }

    /// The letter page with [`TOKEN_MARK`] where the token goes.
    fn letter_page(&self, store: &Store) -> String {
        let counts = store.counts();
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
                @match store.phase() {
                    Phase::Open => {
                        h2 { "Sign the letter" }
                        (Self::counts_line(&counts))
                        (PreEscaped(&l.sign_up_html))
                        p.note { "Individuals are listed at once. Organisations and companies are shown once a moderator has checked them." }
                        (self.sign_form(TOKEN_MARK, &FormValues::blank()))
                        p.note { "We keep no address, browser details or time of day. " a href="/privacy" { "What we store" } }
                    }
                    Phase::Paused => {
                        h2 { "Signing is paused" }
                        (Self::counts_line(&counts))
                        p.notice role="status" { "The organisers have paused signing for now. Please come back later." }
                    }
                    Phase::Closed { day, .. } => {
                        h2 { "This letter is closed" }
                        p.notice role="status" { "It closed on " (day) " with its final count of " strong { (counts.total_published()) " signatures" } "." }
                        (Self::counts_line(&counts))
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
                @for kind in Kind::ALL {
                    @let listed = counts.listed(kind);
                    @if listed > 0 {
                        h3 { (kind_plural(kind)) " (" (listed) ")" }
                        (names_list(&store.published(kind, 0, self.group_limit), false))
                        @if listed as usize > self.group_limit {
                            p { a href={ "/signatories/" (kind.as_str()) "?page=1" } { "All " (listed) " " (kind_plural(kind).to_lowercase()) } }
                        }
                    }
                }
            }
        };
        page(&l.title, html! { (self.header()) main { (main) } (self.footer()) })
    }

    /// One page of a group's list. `None` when the page does not exist.
    pub fn kind_page(&self, store: &Store, kind: Kind, page_no: usize) -> Option<String> {
        let listed = store.counts().listed(kind) as usize;
        let pages = listed.div_ceil(self.page_size).max(1);
        if page_no == 0 || page_no > pages {
            return None;
        }
        let names = store.published(kind, (page_no - 1) * self.page_size, self.page_size);
        let title = format!("{} ({listed})", kind_plural(kind));
        Some(self.frame(
            &title,
            html! {
                h1 { (title) }
                (names_list(&names, false))
                nav.pages {
                    @if page_no > 1 { a rel="prev" href={ "?page=" (page_no - 1) } { "← Previous" } " " }
                    "Page " (page_no) " of " (pages)
                    @if page_no < pages { " " a rel="next" href={ "?page=" (page_no + 1) } { "Next →" } }
                }
            },
        ))
    }

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
                        (names_list(found, true))
                    }
                }
                p { "Browse: "
                    @for (i, kind) in Kind::ALL.into_iter().enumerate() {
                        @if i > 0 { ", " }
                        a href={ "/signatories/" (kind.as_str()) "?page=1" } { (kind_plural(kind).to_lowercase()) }
                    }
                }
            },
        )
    }

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

    pub fn privacy(&self, review_kinds: &[Kind]) -> String {
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
                            (kind_plural(*k).to_lowercase())
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
                p.error role="alert" {
                    @if let Some(f) = field { strong { (f.label()) } " " }
                    (reason)
                }
                p { "Your entries are kept below; correct them if needed and send the form again." }
                (self.sign_form(token, values))
            },
        )
    }
}

/// Bytes of a page rendered for one generation of the published data.
struct Cached<T> {
    generation: u64,
    value: Arc<T>,
    built: Instant,
}

/// The letter page split around the form token; no `tail` when there is
/// no form (signing paused or closed).
pub struct LetterPage {
    pub head: Bytes,
    pub tail: Option<Bytes>,
}

/// One cached page or export: the latest build, and whether a rebuild is
/// under way.
struct Slot<T> {
    latest: Option<Cached<T>>,
    rebuilding: bool,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot { latest: None, rebuilding: false }
    }
}

/// Cached pages and exports, rebuilt on the first request after a change.
pub struct PageCache {
    letter: Mutex<Slot<LetterPage>>,
    json: Mutex<Slot<Bytes>>,
    csv: Mutex<Slot<Bytes>>,
    /// Builds of one page this close together, at most one: under a signing
    /// load every group changes the page, and rebuilding for each took a
    /// third of the connection threads' time.
    min_rebuild: Duration,
}

/// The value for `generation`, building it if needed. While one request
/// rebuilds, or within `min_rebuild` of the last build, the others get the
/// previous build instead of queueing or rebuilding again: under a signing
/// load the page lags by at most `min_rebuild` plus one build.
fn cached<T>(
    slot: &Mutex<Slot<T>>,
    generation: u64,
    min_rebuild: Duration,
    build: impl FnOnce() -> T,
) -> Arc<T> {
    let lock = || slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    {
        let mut s = lock();
        match &s.latest {
            Some(c) if c.generation >= generation => return Arc::clone(&c.value),
            Some(c) if s.rebuilding || c.built.elapsed() < min_rebuild => return Arc::clone(&c.value),
            _ => s.rebuilding = true,
        }
    }
    let value = Arc::new(build());
    let mut s = lock();
    s.rebuilding = false;
    if s.latest.as_ref().is_none_or(|c| c.generation < generation) {
        s.latest = Some(Cached { generation, value: Arc::clone(&value), built: Instant::now() });
    }
    value
}

impl PageCache {
    pub fn new(min_rebuild: Duration) -> PageCache {
        PageCache { letter: Mutex::default(), json: Mutex::default(), csv: Mutex::default(), min_rebuild }
    }

    pub fn letter(&self, renderer: &Renderer, store: &Store) -> Arc<LetterPage> {
        cached(&self.letter, store.generation(), self.min_rebuild, || {
            let html = renderer.letter_page(store);
            match html.split_once(TOKEN_MARK) {
                Some((head, tail)) => LetterPage {
                    head: Bytes::copy_from_slice(head.as_bytes()),
                    tail: Some(Bytes::copy_from_slice(tail.as_bytes())),
                },
                None => LetterPage { head: Bytes::from(html), tail: None },
            }
        })
    }

    pub fn json(&self, store: &Store) -> Arc<Bytes> {
        cached(&self.json, store.generation(), self.min_rebuild, || Bytes::from(export_json(store)))
    }

    pub fn csv(&self, store: &Store) -> Arc<Bytes> {
        cached(&self.csv, store.generation(), self.min_rebuild, || Bytes::from(export_csv(store)))
    }
}

/// `{"counts": {...}, "signatories": [...]}` of published, listed names.
pub fn export_json(store: &Store) -> Vec<u8> {
    let counts = store.counts();
    let mut count_map = serde_json::Map::new();
    for kind in Kind::ALL {
        count_map.insert(kind.as_str().into(), counts.published(kind).into());
    }
    count_map.insert("total".into(), counts.total_published().into());
    let doc = serde_json::json!({
        "counts": count_map,
        "signatories": store.all_published(),
    });
    serde_json::to_vec_pretty(&doc).unwrap_or_default()
}

/// A cell a spreadsheet would read as a formula gets a leading apostrophe.
fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '|' | '%') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// CSV of published, listed names, then the counts per kind.
pub fn export_csv(store: &Store) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["name", "kind", "affiliation", "country"]);
    for s in store.all_published() {
        let _ = w.write_record([
            csv_cell(&s.name).as_ref(),
            s.kind.as_str(),
            csv_cell(s.affiliation.as_deref().unwrap_or("")).as_ref(),
            csv_cell(s.country.as_deref().unwrap_or("")).as_ref(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_rebuilds_on_change_but_not_more_often_than_allowed() {
        let slot = Mutex::new(Slot::default());
        let now = |min: u64, generation: u64, value: u32| {
            *cached(&slot, generation, Duration::from_millis(min), || value)
        };
        assert_eq!(now(0, 1, 10), 10);
        assert_eq!(now(0, 1, 11), 10, "same generation: no rebuild");
        assert_eq!(now(0, 2, 12), 12, "a change rebuilds at once without an interval");
        assert_eq!(now(60_000, 3, 13), 12, "within the interval: the last build");
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(now(20, 3, 14), 14, "past the interval: rebuilt");
    }

    #[test]
    fn csv_cells_cannot_be_formulas() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Access Now"), "Access Now");
    }

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
        let out = names_list(&[s], false).into_string();
        assert!(out.contains("<span dir=\"auto\">&lt;b&gt;x&lt;/b&gt;</span>"));
    }
}
