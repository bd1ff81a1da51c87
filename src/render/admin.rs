//! The moderation console's pages: sign-in, dashboard (counts, switches,
//! retention), the review queue with bulk actions, one signature with every
//! action on it, the published list, the audit list, and its refusals.
//! Plain HTML forms, no JavaScript; every state-changing form carries the
//! session's CSRF token. Every word comes from the catalogue of the
//! console's one language (`admin_language`); the console has no language
//! links. Names and affiliations keep `dir="auto"`.

use super::page;
use crate::domain::{
    AuditEntry, Counts, Flag, Kind, Phase, ProofRow, ProofState, Record, RejectReason, Retention, Status,
};
use crate::messages::{Catalogue, Text};
use fluent_bundle::FluentValue;
use maud::{html, Markup};

/// Who is signed in, on which letter, in which language: what every
/// console page shows.
pub struct Moderator<'a> {
    /// The letter's title.
    pub letter: &'a str,
    /// The moderator's name.
    pub name: &'a str,
    /// The session's CSRF token, in every form.
    pub csrf: &'a str,
    /// The console's language.
    pub words: Catalogue,
    /// What the moderator's last action did, said on the page it came
    /// back to.
    pub done: Option<Done>,
}

/// The actions a console form can ask for, as the form names them.
const ACTIONS: [&str; 10] =
    ["approve", "reject", "pause", "resume", "close", "edit", "verify", "unverify", "unpublish", "delete"];

/// What an action did, carried in the address it comes back to
/// (`?done=approve&n=3`), so the page can say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Done {
    action: &'static str,
    count: u64,
}

impl Done {
    /// `action` (a form's action) done on `count` signatures; `None` for
    /// an action no form asks for.
    pub fn new(action: &str, count: u64) -> Option<Done> {
        let action = ACTIONS.into_iter().find(|a| *a == action)?;
        Some(Done { action, count })
    }

    /// From the `done` and `n` of an address's query.
    pub fn parse(action: Option<&str>, count: Option<&str>) -> Option<Done> {
        Done::new(action?, count.and_then(|n| n.parse().ok()).unwrap_or(0))
    }

    /// `path` with this appended to its query.
    pub fn back_to(&self, path: &str) -> String {
        let join = if path.contains('?') { '&' } else { '?' };
        format!("{path}{join}done={}&n={}", self.action, self.count)
    }

    fn words(&self, w: &Catalogue) -> std::borrow::Cow<'static, str> {
        w.tf(Text::ConsoleDone, &[("action", self.action.into()), ("count", self.count.into())])
    }
}

/// `n` as the language writes numbers.
fn num(words: &Catalogue, n: impl Into<u64>) -> String {
    words.numbers().format(n.into())
}

fn frame(m: &Moderator, title: &str, main: Markup) -> String {
    let w = &m.words;
    let moderation = w.t(Text::ConsoleModeration);
    page(
        w,
        &format!("{title} · {moderation} · {}", m.letter),
        html! {
            header.console {
                p.site {
                    a href="/" { (moderation) } " · " bdi { (m.letter) }
                }
                nav aria-label=(moderation) {
                    a href="/queue" { (w.t(Text::ConsoleQueue)) } " · "
                    a href="/published" { (w.t(Text::ConsolePublished)) } " · "
                    a href="/audit" { (w.t(Text::ConsoleAudit)) } " · "
                    (w.t(Text::ConsoleSignedInAs)) " " strong { (m.name) } " "
                    form.inline method="post" action="/logout" {
                        input type="hidden" name="csrf" value=(m.csrf);
                        button.link type="submit" { (w.t(Text::ConsoleSignOut)) }
                    }
                }
            }
            main.wide #main {
                h1 { (title) }
                @if let Some(done) = m.done { p.notice.done role="status" { (done.words(w)) } }
                (main)
            }
        },
    )
}

/// A form posting one action to `/action`, coming back to `back`.
fn action_form(m: &Moderator, back: &str, ids: &[u64], action: &str, label: Text, extra: Markup) -> Markup {
    action_form_styled(m, back, ids, action, label, extra, None)
}

/// An action that cannot be undone: its button looks like a danger, not
/// like "Pause" or "Approve".
fn destructive_form(
    m: &Moderator,
    back: &str,
    ids: &[u64],
    action: &str,
    label: Text,
    extra: Markup,
) -> Markup {
    action_form_styled(m, back, ids, action, label, extra, Some("danger"))
}

fn action_form_styled(
    m: &Moderator,
    back: &str,
    ids: &[u64],
    action: &str,
    label: Text,
    extra: Markup,
    class: Option<&str>,
) -> Markup {
    html! {
        form.inline method="post" action="/action" {
            input type="hidden" name="csrf" value=(m.csrf);
            input type="hidden" name="return" value=(back);
            @for id in ids { input type="hidden" name="id" value=(id); }
            (extra)
            button type="submit" name="action" value=(action) class=[class] { (m.words.t(label)) }
        }
    }
}

fn reason_select(w: &Catalogue) -> Markup {
    html! {
        select name="reason" aria-label=(w.t(Text::ConsoleReason)) required {
            // No reason chosen unless the moderator chooses one.
            option value="" { (w.t(Text::ConsoleChooseReason)) }
            @for r in RejectReason::ALL { option value=(r.as_str()) { (w.reject_reason(r)) } }
        }
    }
}

fn flags_cell(w: &Catalogue, flags: &[Flag]) -> Markup {
    html! {
        @for f in flags { span.flag title=(w.flag_description(*f)) { (w.flag_name(*f)) } " " }
    }
}

fn status(w: &Catalogue, s: Status) -> std::borrow::Cow<'static, str> {
    w.t(match s {
        Status::Published => Text::ConsoleStatePublished,
        Status::Pending => Text::ConsoleStatePending,
    })
}

/// The sign-in page, in the console's language; `moderator` is the name
/// typed before (kept after a wrong passphrase).
pub fn login(
    words: &Catalogue,
    message: Option<&str>,
    has_moderators: bool,
    csrf: &str,
    moderator: &str,
) -> String {
    let w = words;
    page(
        w,
        &format!("{} · {}", w.t(Text::ConsoleSignInTitle), w.t(Text::ConsoleModeration)),
        html! {
            main #main {
                h1 { (w.t(Text::ConsoleSignInHeading)) }
                @if let Some(m) = message { p.error role="alert" { (m) } }
                @if !has_moderators {
                    p.note { (w.t(Text::ConsoleNoModerators)) " "
                        code dir="ltr" { "undersign admin passphrase --moderator NAME" } }
                }
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    p { label for="moderator" { (w.t(Text::ConsoleModerator)) }
                        input #moderator type="text" name="moderator" required maxlength="40" autocomplete="username" dir="auto" value=(moderator); }
                    p { label for="passphrase" { (w.t(Text::ConsolePassphrase)) }
                        input #passphrase type="password" name="passphrase" required maxlength="1024" autocomplete="current-password"; }
                    p { button type="submit" { (w.t(Text::ConsoleSignIn)) } }
                }
            }
        },
    )
}

/// A refusal: what went wrong and what to do, with a way back to `back`,
/// the page the moderator came from (the overview when not known).
pub fn error(words: &Catalogue, letter: &str, heading: &str, reason: &str, back: &str) -> String {
    let w = words;
    page(
        w,
        &format!("{heading} · {} · {letter}", w.t(Text::ConsoleModeration)),
        html! {
            main #main {
                h1 { (heading) }
                p.error role="alert" { (reason) }
                p { a href=(back) { (w.t(Text::ConsoleBack)) } }
            }
        },
    )
}

/// The overview: counts, the phase and its switches, and retention.
pub fn dashboard(
    m: &Moderator,
    counts: &Counts,
    phase: Phase,
    retention: &Retention,
    retention_days: u32,
) -> String {
    let w = &m.words;
    let purge_args = |day: Option<String>| {
        let mut args = vec![
            ("days", FluentValue::from(retention_days)),
            ("codes", FluentValue::from(retention.withdrawal_codes)),
            ("tokens", FluentValue::from(retention.used_tokens)),
            ("unlisted", FluentValue::from(retention.unlisted_details)),
        ];
        if let Some(d) = day {
            args.push(("day", FluentValue::from(d)));
        }
        args
    };
    frame(
        m,
        &w.t(Text::ConsoleOverview),
        html! {
            table {
                thead { tr {
                    th { (w.t(Text::ConsoleKind)) } th { (w.t(Text::ConsolePublished)) }
                    th { (w.t(Text::ConsoleListed)) } th { (w.t(Text::ConsoleAwaiting)) }
                } }
                tbody {
                    @for k in Kind::ALL {
                        tr {
                            td { (w.kind_plural(k)) }
                            td { (num(w, counts.published(k))) }
                            td { (num(w, counts.listed(k))) }
                            td { a href={ "/queue?kind=" (k.as_str()) } { (num(w, counts.pending(k))) } }
                        }
                    }
                }
            }
            h2 { (w.t(Text::ConsoleSigning)) }
            @match phase {
                Phase::Open => {
                    p { (w.t(Text::ConsoleSigningOpen)) }
                    div.actions { (action_form(m, "/", &[], "pause", Text::ConsolePause, html! {})) }
                }
                Phase::Paused => {
                    p { (w.t(Text::ConsoleSigningPaused)) }
                    div.actions { (action_form(m, "/", &[], "resume", Text::ConsoleResume, html! {})) }
                }
                Phase::Closed { day, .. } => {
                    p { (w.tf(Text::ConsoleClosedOn, &[
                        ("day", FluentValue::from(day.to_string())),
                        ("count", FluentValue::from(counts.total_published())),
                    ])) }
                }
            }
            @if !matches!(phase, Phase::Closed { .. }) {
                section.danger-zone aria-labelledby="closing" {
                    h2 #closing { (w.t(Text::ConsoleClosingHeading)) }
                    p { (w.t(Text::ConsoleClosingNote)) }
                    div.actions { (destructive_form(m, "/", &[], "close", Text::ConsoleClose, html! {
                        label.choice { input type="checkbox" name="confirm" value="close"; " " (w.t(Text::ConsoleConfirmClose)) }
                    })) }
                }
            }
            h2 { (w.t(Text::ConsoleRetention)) }
            @match (retention.purge_on, retention.purged) {
                (_, true) => p { (w.t(Text::ConsolePurged)) },
                (Some(day), false) => p { (w.tf(Text::ConsolePurgeOn, &purge_args(Some(day.to_string())))) },
                (None, false) => p { (w.tf(Text::ConsolePurgeAfter, &purge_args(None))) },
            }
            @if !retention.purged {
                p { (w.t(Text::ConsoleNamesLeave)) }
            }
        },
    )
}

fn queue_link(kind: Option<Kind>, flag: Option<Flag>, before: Option<u64>) -> String {
    let mut parts = Vec::new();
    if let Some(k) = kind {
        parts.push(format!("kind={}", k.as_str()));
    }
    if let Some(f) = flag {
        parts.push(format!("flag={}", f.as_str()));
    }
    if let Some(b) = before {
        parts.push(format!("before={b}"));
    }
    if parts.is_empty() {
        "/queue".into()
    } else {
        format!("/queue?{}", parts.join("&"))
    }
}

/// A page of the review queue, with bulk actions.
pub fn queue(
    m: &Moderator,
    kind: Option<Kind>,
    flag: Option<Flag>,
    rows: &[Record],
    page_rows: usize,
) -> String {
    let w = &m.words;
    let back = queue_link(kind, flag, None);
    frame(
        m,
        &w.t(Text::ConsoleQueue),
        html! {
            form.filters method="get" action="/queue" {
                label.inline for="kind" { (w.t(Text::ConsoleKind)) " " }
                select #kind name="kind" {
                    option value="" { (w.t(Text::ConsoleAll)) }
                    @for k in Kind::ALL { option value=(k.as_str()) selected[kind == Some(k)] { (w.kind_plural(k)) } }
                }
                " "
                label.inline for="flag" { (w.t(Text::ConsoleFlag)) " " }
                select #flag name="flag" {
                    option value="" { (w.t(Text::ConsoleAny)) }
                    @for f in Flag::ALL { option value=(f.as_str()) selected[flag == Some(f)] { (w.flag_name(f)) } }
                }
                " " button type="submit" { (w.t(Text::ConsoleFilter)) }
            }
            @if rows.is_empty() {
                p { (w.t(Text::ConsoleNothingWaits)) }
            } @else {
                form method="post" action="/action" {
                    input type="hidden" name="csrf" value=(m.csrf);
                    input type="hidden" name="return" value=(back);
                    table.queue {
                        thead { tr {
                            th { (w.t(Text::ConsoleSelect)) } th { (w.t(Text::ConsoleName)) }
                            th { (w.t(Text::ConsoleKind)) } th { (w.t(Text::ConsoleAffiliation)) }
                            th { (w.t(Text::ConsoleCountry)) } th { (w.t(Text::ConsoleFlags)) }
                            th { (w.t(Text::ConsoleDay)) }
                        } }
                        tbody {
                            @for r in rows {
                                tr {
                                    // The label names the row: "Select" and the name, which
                                    // is no placeable (none goes into an attribute).
                                    td { input type="checkbox" name="id" value=(r.id) aria-label={ (w.t(Text::ConsoleSelect)) " " (r.name) }; }
                                    td { a dir="auto" href={ "/signature/" (r.id) } { (r.name) } @if !r.listed { " " span.note { (w.t(Text::ConsoleUnlisted)) } } }
                                    td { (w.kind_singular(r.kind)) }
                                    td dir="auto" { (r.affiliation.as_ref().map(|a| a.as_str()).unwrap_or("")) }
                                    td dir="auto" { (r.country.as_ref().map(|c| c.as_str()).unwrap_or("")) }
                                    td { (flags_cell(w, &r.flags)) }
                                    td.day { (r.day) }
                                }
                            }
                        }
                    }
                    p {
                        button type="submit" name="action" value="approve" { (w.t(Text::ConsoleApproveSelected)) }
                        " " (w.t(Text::ConsoleOr)) " "
                        (reason_select(w))
                        " "
                        button type="submit" name="action" value="reject" { (w.t(Text::ConsoleRejectSelected)) }
                    }
                }
                @if rows.len() == page_rows {
                    p { a rel="next" href=(queue_link(kind, flag, rows.last().map(|r| r.id))) { (w.t(Text::ConsoleOlder)) } }
                }
            }
        },
    )
}

/// A signature's proof: where it should be found, whether it was, when it
/// was last checked and what went wrong, and a button to check it now
/// (`asked`: a check was just asked for).
fn proof(m: &Moderator, p: &ProofRow, asked: bool) -> Markup {
    let w = &m.words;
    let back = format!("/signature/{}", p.signature);
    let domain = || FluentValue::from(p.domain.as_str().to_string());
    html! {
        section aria-labelledby="proof" {
            h2 #proof { (w.t(Text::ConsoleProof)) }
            @if asked { p.notice.done role="status" { (w.t(Text::ConsoleCheckAsked)) } }
            ul.proof {
                li { @match p.state {
                    ProofState::Held => (w.tf(Text::ConsoleProofHeld, &[("domain", domain())])),
                    ProofState::Pending => (w.tf(Text::ConsoleProofPending, &[("domain", domain())])),
                } }
                li { @match p.checked {
                    Some(day) => (w.tf(Text::ConsoleProofChecked, &[("day", day.to_string().into())])),
                    None => (w.t(Text::ConsoleProofNeverChecked)),
                } }
                @if let Some(problem) = p.problem { li.error { (w.proof_problem(problem)) } }
                li { code dir="ltr" { (p.line()) } " · " code dir="ltr" { (p.domain.proof_url()) } }
            }
            div.actions { (action_form(m, &back, &[p.signature], "check", Text::ConsoleCheckNow, html! {})) }
        }
    }
}

/// One signature with every action on it, and its proof if it gave a
/// website.
pub fn signature(
    m: &Moderator,
    r: &Record,
    look_alikes: &[Record],
    proof_row: Option<&ProofRow>,
    asked: bool,
) -> String {
    let w = &m.words;
    let back = format!("/signature/{}", r.id);
    let ids = [r.id];
    // The id as a string: it is the one in the address, not a count to group.
    let title = w.tf(Text::ConsoleSignatureTitle, &[("id", FluentValue::from(r.id.to_string()))]);
    frame(
        m,
        &title,
        html! {
            dl {
                dt { (w.t(Text::ConsoleName)) } dd dir="auto" { (r.name) }
                dt { (w.t(Text::ConsoleKind)) } dd { (w.kind_singular(r.kind)) @if r.verified { " " (w.t(Text::ConsoleVerified)) } }
                dt { (w.t(Text::ConsoleAffiliation)) } dd dir="auto" { (r.affiliation.as_ref().map(|a| a.as_str()).unwrap_or("—")) }
                dt { (w.t(Text::ConsoleCountry)) } dd dir="auto" { (r.country.as_ref().map(|c| c.as_str()).unwrap_or("—")) }
                dt { (w.t(Text::ConsoleShownPublicly)) } dd { @if r.listed { (w.t(Text::ConsoleYes)) } @else { (w.t(Text::ConsoleCountedOnly)) } }
                dt { (w.t(Text::ConsoleState)) } dd { (status(w, r.status)) }
                dt { (w.t(Text::ConsoleFlags)) } dd { @if r.flags.is_empty() { (w.t(Text::ConsoleNone)) } @else {
                    ul { @for f in &r.flags { li { (w.flag_description(*f)) } } }
                } }
                dt { (w.t(Text::ConsoleArrived)) } dd { (r.day) }
                dt { (w.t(Text::ConsoleLetterVersion)) } dd { (r.letter_version) }
            }
            @if let Some(p) = proof_row { (proof(m, p, asked)) }
            @if !look_alikes.is_empty() {
                h2 { (w.t(Text::ConsoleLooksLike)) }
                ul { @for o in look_alikes {
                    li { a dir="auto" href={ "/signature/" (o.id) } { (o.name) } " (" (w.kind_singular(o.kind)) ", "
                        (status(w, o.status)) ")" }
                } }
            }
            // Forms may not sit inside a paragraph: a div holds each row of actions.
            @if r.status == Status::Pending {
                div.actions {
                    (action_form(m, "/queue", &ids, "approve", Text::ConsoleApprove, html! {}))
                    " "
                    (action_form(m, "/queue", &ids, "reject", Text::ConsoleReject, reason_select(w)))
                }
            } @else {
                div.actions { (action_form(m, &back, &ids, "unpublish", Text::ConsoleUnpublish, html! {})) }
            }
            @if r.kind != Kind::Individual {
                div.actions { @if r.verified {
                    (action_form(m, &back, &ids, "unverify", Text::ConsoleUnverify, html! {}))
                } @else {
                    (action_form(m, &back, &ids, "verify", Text::ConsoleVerify, html! {}))
                } }
            }
            h2 { (w.t(Text::ConsoleEditHeading)) }
            form method="post" action="/action" {
                input type="hidden" name="csrf" value=(m.csrf);
                input type="hidden" name="return" value=(back);
                input type="hidden" name="id" value=(r.id);
                p { label for="name" { (w.t(Text::ConsoleName)) } input #name type="text" name="name" required dir="auto" value=(r.name); }
                p { label for="affiliation" { (w.t(Text::ConsoleAffiliation)) } input #affiliation type="text" name="affiliation" dir="auto" value=(r.affiliation.as_ref().map(|a| a.as_str()).unwrap_or("")); }
                p { button type="submit" name="action" value="edit" { (w.t(Text::ConsoleSave)) } }
            }
            section.danger-zone aria-labelledby="delete" {
                h2 #delete { (w.t(Text::ConsoleDeleteHeading)) }
                p { (w.t(Text::ConsoleDeleteNote)) }
                div.actions { (destructive_form(m, "/", &ids, "delete", Text::ConsoleDeleteForGood, html! {})) }
            }
        },
    )
}

/// A page of a group's published signatures.
pub fn published(m: &Moderator, kind: Kind, page_no: usize, rows: &[Record], page_rows: usize) -> String {
    let w = &m.words;
    frame(
        m,
        &w.tf(Text::ConsolePublishedTitle, &[("kind", FluentValue::from(w.kind_plural_lower(kind)))]),
        html! {
            p { @for k in Kind::ALL { a href={ "/published?kind=" (k.as_str()) } { (w.kind_plural(k)) } " " } }
            @if rows.is_empty() { p { (w.t(Text::ConsoleNoneOnPage)) } }
            ul {
                @for r in rows {
                    li { a dir="auto" href={ "/signature/" (r.id) } { (r.name) } @if r.verified { " ✓" } }
                }
            }
            nav.pages {
                @if page_no > 1 { a rel="prev" href={ "/published?kind=" (kind.as_str()) "&page=" (page_no - 1) } { (w.t(Text::Previous)) } " " }
                @if rows.len() == page_rows { a rel="next" href={ "/published?kind=" (kind.as_str()) "&page=" (page_no + 1) } { (w.t(Text::Next)) } }
            }
        },
    )
}

/// A page of the audit list, newest first.
pub fn audit(m: &Moderator, entries: &[(u64, AuditEntry)], page_rows: usize) -> String {
    let w = &m.words;
    frame(
        m,
        &w.t(Text::ConsoleAudit),
        html! {
            p.note { (w.t(Text::ConsoleAuditNote)) }
            table {
                thead { tr {
                    th { (w.t(Text::ConsoleDay)) } th { (w.t(Text::ConsoleModerator)) }
                    th { (w.t(Text::ConsoleAction)) } th { (w.t(Text::ConsoleSignature)) }
                } }
                tbody {
                    @for (_, e) in entries {
                        tr {
                            td { (e.day) }
                            td { (e.moderator) }
                            td { (w.audit_action(&e.action)) }
                            td dir="auto" {
                                @if let Some(id) = e.signature { "#" (id) " " }
                                (e.name.as_deref().unwrap_or(""))
                            }
                        }
                    }
                }
            }
            @if entries.len() == page_rows {
                @if let Some((seq, _)) = entries.last() {
                    p { a rel="next" href={ "/audit?before=" (seq) } { (w.t(Text::ConsoleOlder)) } }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AuditAction, Day, ProofProblem, SignatoryName};

    const M: Moderator = Moderator {
        letter: "Secure the Internet",
        name: "alice",
        csrf: "c5rf",
        words: Catalogue::ENGLISH,
        done: None,
    };

    #[test]
    fn the_audit_list_says_each_action_in_words() {
        let entry = |action| AuditEntry {
            day: Day(20_788),
            moderator: "alice".into(),
            action,
            signature: Some(7),
            name: Some("Access Now".into()),
        };
        let page = audit(
            &M,
            &[
                (2, entry(AuditAction::Rejected(RejectReason::Spam))),
                (1, entry(AuditAction::Edited { previous: "Acces Now".into() })),
            ],
            100,
        );
        let page = crate::messages::unmarked(&page);
        assert!(page.contains("<td>rejected (spam)</td>") && page.contains("edited (was “Acces Now”)"));
        assert!(page.contains("2026-12-01") && page.contains("#7 Access Now"));
        assert!(page.contains("value=\"c5rf\""), "the sign-out form carries the session's token");
    }

    #[test]
    fn a_queue_row_shows_its_flags_and_every_form_its_token() {
        let mut r = Record::imported(
            9,
            SignatoryName::parse("Amnesty lnternational").unwrap(),
            Kind::Organization,
            Day(1),
        );
        r.status = Status::Pending;
        r.flags = vec![Flag::LookAlike];
        let page = queue(&M, None, None, &[r], 100);
        assert!(page.contains("title=\"looks like another signatory's name\""));
        assert!(page.contains("href=\"/signature/9\""));
        assert_eq!(page.matches("name=\"csrf\" value=\"c5rf\"").count(), 2, "bulk actions and sign-out");
    }

    #[test]
    fn a_signatures_details_say_under_which_version_of_the_letter_it_was_given() {
        let mut r =
            Record::imported(4, SignatoryName::parse("Ada Lovelace").unwrap(), Kind::Individual, Day(1));
        r.letter_version = 2;
        let page = crate::messages::unmarked(&signature(&M, &r, &[], None, false));
        assert!(page.contains("<dt>Letter version</dt><dd>2</dd>"), "{page}");
    }

    #[test]
    fn a_signature_shows_its_proofs_state_day_and_problem_and_a_check_now() {
        let r =
            Record::imported(12, SignatoryName::parse("Example Org").unwrap(), Kind::Organization, Day(1));
        let mut p = ProofRow {
            signature: 12,
            domain: "example.org".parse().unwrap(),
            token: "00ff".into(),
            state: ProofState::Pending,
            checked: None,
            problem: None,
        };
        let page = |p: &ProofRow, asked| crate::messages::unmarked(&signature(&M, &r, &[], Some(p), asked));
        let fresh = page(&p, false);
        assert!(fresh.contains("not found on example.org") && fresh.contains("not checked yet"), "{fresh}");
        assert!(
            fresh.contains("undersign-proof 00ff")
                && fresh.contains("https://example.org/.well-known/undersign.txt")
        );
        assert!(fresh.contains("name=\"action\" value=\"check\""), "a Check now button: {fresh}");
        assert!(!fresh.contains("Reload this page"));
        p.checked = Some(Day(20_788));
        p.problem = Some(ProofProblem::Certificate);
        let refused = page(&p, true);
        assert!(refused.contains("last checked 2026-12-01"), "{refused}");
        assert!(refused.contains("the website's certificate was refused"), "{refused}");
        assert!(refused.contains("Reload this page"), "a check asked for is said");
        p.state = ProofState::Held;
        p.problem = Some(ProofProblem::NoFile(410));
        let gone = page(&p, false);
        assert!(gone.contains("found on example.org") && gone.contains("HTTP status 410"), "{gone}");
        let none = crate::messages::unmarked(&signature(&M, &r, &[], None, false));
        assert!(!none.contains("Check now"), "no website, no proof section");
    }
}
