//! The moderation console's pages: sign-in, dashboard (counts, switches,
//! retention), the review queue with bulk actions, one signature with every
//! action on it, the published list, and the audit list. Plain HTML forms,
//! no JavaScript; every state-changing form carries the session's CSRF token.

use super::page;
use crate::domain::{AuditEntry, Counts, Flag, Kind, Phase, Record, RejectReason, Retention, Status};
use crate::messages::Catalogue;
use maud::{html, Markup};

/// Who is signed in, on which letter: what every console page shows.
pub struct Moderator<'a> {
    /// The letter's title.
    pub letter: &'a str,
    /// The moderator's name.
    pub name: &'a str,
    /// The session's CSRF token, in every form.
    pub csrf: &'a str,
}

const WORDS: Catalogue = Catalogue::ENGLISH;

fn frame(m: &Moderator, title: &str, main: Markup) -> String {
    page(
        &WORDS,
        &format!("{title} · Moderation · {}", m.letter),
        html! {
            header.console {
                p.site {
                    a href="/" { "Moderation" } " · " (m.letter)
                }
                nav aria-label="Moderation" {
                    a href="/queue" { "Review queue" } " · "
                    a href="/published" { "Published" } " · "
                    a href="/audit" { "Audit" } " · "
                    "Signed in as " strong { (m.name) } " "
                    form.inline method="post" action="/logout" {
                        input type="hidden" name="csrf" value=(m.csrf);
                        button.link type="submit" { "Sign out" }
                    }
                }
            }
            main.wide #main { h1 { (title) } (main) }
        },
    )
}

/// A form posting one action to `/action`, coming back to `back`.
fn action_form(m: &Moderator, back: &str, ids: &[u64], action: &str, label: &str, extra: Markup) -> Markup {
    html! {
        form.inline method="post" action="/action" {
            input type="hidden" name="csrf" value=(m.csrf);
            input type="hidden" name="return" value=(back);
            @for id in ids { input type="hidden" name="id" value=(id); }
            (extra)
            button type="submit" name="action" value=(action) { (label) }
        }
    }
}

fn reason_select() -> Markup {
    html! {
        select name="reason" aria-label="Reason" required {
            // No reason chosen unless the moderator chooses one.
            option value="" { "reason…" }
            @for r in RejectReason::ALL { option value=(r.as_str()) { (r.as_str()) } }
        }
    }
}

fn flags_cell(flags: &[Flag]) -> Markup {
    html! {
        @for f in flags { span.flag title=(WORDS.flag_description(*f)) { (f.as_str()) } " " }
    }
}

/// The sign-in page.
pub fn login(message: Option<&str>, has_moderators: bool, csrf: &str) -> String {
    page(
        &WORDS,
        "Sign in · Moderation",
        html! {
            main #main {
                h1 { "Moderation: sign in" }
                @if let Some(m) = message { p.error role="alert" { (m) } }
                @if !has_moderators {
                    p.note { "No moderator has a passphrase yet. On the server, run "
                        code { "undersign admin passphrase --moderator NAME" } "." }
                }
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    p { label for="moderator" { "Moderator" }
                        input #moderator type="text" name="moderator" required maxlength="40" autocomplete="username"; }
                    p { label for="passphrase" { "Passphrase" }
                        input #passphrase type="password" name="passphrase" required maxlength="1024" autocomplete="current-password"; }
                    p { button type="submit" { "Sign in" } }
                }
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
    frame(
        m,
        "Overview",
        html! {
            table {
                thead { tr { th { "Kind" } th { "Published" } th { "Of which listed" } th { "Awaiting review" } } }
                tbody {
                    @for k in Kind::ALL {
                        tr {
                            td { (WORDS.kind_plural(k)) }
                            td { (counts.published(k)) }
                            td { (counts.listed(k)) }
                            td { a href={ "/queue?kind=" (k.as_str()) } { (counts.pending(k)) } }
                        }
                    }
                }
            }
            h2 { "Signing" }
            @match phase {
                Phase::Open => {
                    p { "Signing is " strong { "open" } "." }
                    div.actions { (action_form(m, "/", &[], "pause", "Pause signing", html! {})) }
                }
                Phase::Paused => {
                    p { "Signing is " strong { "paused" } ": the public form says so." }
                    div.actions { (action_form(m, "/", &[], "resume", "Resume signing", html! {})) }
                }
                Phase::Closed { day, .. } => {
                    p { "The letter was " strong { "closed" } " on " (day) " with " (counts.total_published()) " signatures." }
                }
            }
            @if !matches!(phase, Phase::Closed { .. }) {
                h2 { "Closing the letter" }
                p { "Closing is final: the page shows the final count and takes no more signatures." }
                div.actions { (action_form(m, "/", &[], "close", "Close the letter for good", html! {
                    label.choice { input type="checkbox" name="confirm" value="close"; " Yes, close it: no more signatures, ever" }
                })) }
            }
            h2 { "Retention" }
            @match (retention.purge_on, retention.purged) {
                (_, true) => p { "Private fields were purged." },
                (Some(day), false) => p { "On " strong { (day) } " (" (retention_days) " days after closing) these are purged for good: "
                    (retention.withdrawal_codes) " withdrawal codes, " (retention.used_tokens) " used form tokens, and the affiliation and country of "
                    (retention.unlisted_details) " unlisted " (if retention.unlisted_details == 1 { "signer" } else { "signers" }) "." },
                (None, false) => p { (retention_days) " days after the letter closes, these are purged for good: "
                    (retention.withdrawal_codes) " withdrawal codes, " (retention.used_tokens) " used form tokens, and the affiliation and country of "
                    (retention.unlisted_details) " unlisted " (if retention.unlisted_details == 1 { "signer" } else { "signers" }) "." },
            }
            @if !retention.purged {
                p { "The names of rejected and deleted signatures leave the audit list then too; what was done, why and on which day stay." }
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
    let back = queue_link(kind, flag, None);
    frame(
        m,
        "Review queue",
        html! {
            form.filters method="get" action="/queue" {
                label.inline for="kind" { "Kind " }
                select #kind name="kind" {
                    option value="" { "all" }
                    @for k in Kind::ALL { option value=(k.as_str()) selected[kind == Some(k)] { (WORDS.kind_plural(k)) } }
                }
                " "
                label.inline for="flag" { "Flag " }
                select #flag name="flag" {
                    option value="" { "any" }
                    @for f in Flag::ALL { option value=(f.as_str()) selected[flag == Some(f)] { (f.as_str()) } }
                }
                " " button type="submit" { "Filter" }
            }
            @if rows.is_empty() {
                p { "Nothing waits for review here." }
            } @else {
                form method="post" action="/action" {
                    input type="hidden" name="csrf" value=(m.csrf);
                    input type="hidden" name="return" value=(back);
                    table.queue {
                        thead { tr { th { "Select" } th { "Name" } th { "Kind" } th { "Affiliation" } th { "Country" } th { "Flags" } th { "Day" } } }
                        tbody {
                            @for r in rows {
                                tr {
                                    td { input type="checkbox" name="id" value=(r.id) aria-label={ "Select " (r.name) }; }
                                    td { a dir="auto" href={ "/signature/" (r.id) } { (r.name) } @if !r.listed { " " span.note { "(unlisted)" } } }
                                    td { (WORDS.kind_singular(r.kind)) }
                                    td dir="auto" { (r.affiliation.as_ref().map(|a| a.as_str()).unwrap_or("")) }
                                    td dir="auto" { (r.country.as_ref().map(|c| c.as_str()).unwrap_or("")) }
                                    td { (flags_cell(&r.flags)) }
                                    td.day { (r.day) }
                                }
                            }
                        }
                    }
                    p {
                        button type="submit" name="action" value="approve" { "Approve selected" }
                        " or "
                        (reason_select())
                        " "
                        button type="submit" name="action" value="reject" { "Reject selected" }
                    }
                }
                @if rows.len() == page_rows {
                    p { a rel="next" href=(queue_link(kind, flag, rows.last().map(|r| r.id))) { "Older →" } }
                }
            }
        },
    )
}

/// One signature with every action on it.
pub fn signature(m: &Moderator, r: &Record, look_alikes: &[Record]) -> String {
    let back = format!("/signature/{}", r.id);
    let ids = [r.id];
    frame(
        m,
        &format!("Signature #{}", r.id),
        html! {
            dl {
                dt { "Name" } dd dir="auto" { (r.name) }
                dt { "Kind" } dd { (r.kind.as_str()) @if r.verified { " ✓ verified" } }
                dt { "Affiliation" } dd dir="auto" { (r.affiliation.as_ref().map(|a| a.as_str()).unwrap_or("—")) }
                dt { "Country" } dd dir="auto" { (r.country.as_ref().map(|c| c.as_str()).unwrap_or("—")) }
                dt { "Shown publicly" } dd { @if r.listed { "yes" } @else { "no (counted only)" } }
                dt { "State" } dd { @match r.status { Status::Published => "published", Status::Pending => "awaiting review" } }
                dt { "Flags" } dd { @if r.flags.is_empty() { "none" } @else { @for f in &r.flags { (WORDS.flag_description(*f)) "; " } } }
                dt { "Arrived" } dd { (r.day) }
            }
            @if !look_alikes.is_empty() {
                h2 { "Looks like" }
                ul { @for o in look_alikes {
                    li { a dir="auto" href={ "/signature/" (o.id) } { (o.name) } " (" (WORDS.kind_singular(o.kind)) ", "
                        @match o.status { Status::Published => "published", Status::Pending => "awaiting review" } ")" }
                } }
            }
            // Forms may not sit inside a paragraph: a div holds each row of actions.
            @if r.status == Status::Pending {
                div.actions {
                    (action_form(m, "/queue", &ids, "approve", "Approve", html! {}))
                    " "
                    (action_form(m, "/queue", &ids, "reject", "Reject", reason_select()))
                }
            } @else {
                div.actions { (action_form(m, &back, &ids, "unpublish", "Unpublish (back to the queue)", html! {})) }
            }
            @if r.kind != Kind::Individual {
                div.actions { @if r.verified {
                    (action_form(m, &back, &ids, "unverify", "Remove the verified mark", html! {}))
                } @else {
                    (action_form(m, &back, &ids, "verify", "Mark as verified", html! {}))
                } }
            }
            h2 { "Edit what is shown" }
            form method="post" action="/action" {
                input type="hidden" name="csrf" value=(m.csrf);
                input type="hidden" name="return" value=(back);
                input type="hidden" name="id" value=(r.id);
                p { label for="name" { "Name" } input #name type="text" name="name" required dir="auto" value=(r.name); }
                p { label for="affiliation" { "Affiliation" } input #affiliation type="text" name="affiliation" dir="auto" value=(r.affiliation.as_ref().map(|a| a.as_str()).unwrap_or("")); }
                p { button type="submit" name="action" value="edit" { "Save" } }
            }
            h2 { "Delete" }
            p { "Removes the signature for good, as when its signer asks for it to be taken down." }
            (action_form(m, "/", &ids, "delete", "Delete for good", html! {}))
        },
    )
}

/// A page of a group's published signatures.
pub fn published(m: &Moderator, kind: Kind, page_no: usize, rows: &[Record], page_rows: usize) -> String {
    frame(
        m,
        &format!("Published {}", WORDS.kind_plural_lower(kind)),
        html! {
            p { @for k in Kind::ALL { a href={ "/published?kind=" (k.as_str()) } { (WORDS.kind_plural(k)) } " " } }
            @if rows.is_empty() { p { "None on this page." } }
            ul {
                @for r in rows {
                    li { a dir="auto" href={ "/signature/" (r.id) } { (r.name) } @if r.verified { " ✓" } }
                }
            }
            nav.pages {
                @if page_no > 1 { a rel="prev" href={ "/published?kind=" (kind.as_str()) "&page=" (page_no - 1) } { "← Previous" } " " }
                @if rows.len() == page_rows { a rel="next" href={ "/published?kind=" (kind.as_str()) "&page=" (page_no + 1) } { "Next →" } }
            }
        },
    )
}

/// A page of the audit list, newest first.
pub fn audit(m: &Moderator, entries: &[(u64, AuditEntry)], page_rows: usize) -> String {
    frame(
        m,
        "Audit",
        html! {
            p.note { "What moderators did, newest first. It names moderators and signatures, never visitors." }
            table {
                thead { tr { th { "Day" } th { "Moderator" } th { "Action" } th { "Signature" } } }
                tbody {
                    @for (_, e) in entries {
                        tr {
                            td { (e.day) }
                            td { (e.moderator) }
                            td { (WORDS.audit_action(&e.action)) }
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
                    p { a rel="next" href={ "/audit?before=" (seq) } { "Older →" } }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AuditAction, Day, SignatoryName};

    const M: Moderator = Moderator { letter: "Secure the Internet", name: "alice", csrf: "c5rf" };

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
}
