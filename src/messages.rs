//! The catalogue: every sentence a visitor or a moderator reads in a
//! refusal, a field error, a flag or the audit list, keyed by a message id.
//! Code names what happened (a [`MessageId`], with its arguments); only this
//! module knows the words. English is the only language for now; the
//! translations issue fills this seam with Fluent catalogues.

/// The audit list's words for what happened, as the console shows them.
pub fn audit_action(action: &crate::domain::record::AuditAction) -> String {
    use crate::domain::record::AuditAction as A;
    match action {
        A::Approved => "approved".into(),
        A::Rejected(reason) => format!("rejected ({})", reason.as_str()),
        A::Edited { previous } => format!("edited (was “{previous}”)"),
        A::Verified => "verified".into(),
        A::Unverified => "unverified".into(),
        A::Unpublished => "unpublished".into(),
        A::Deleted => "deleted".into(),
        A::SigningOpened => "opened signing".into(),
        A::SigningPaused => "paused signing".into(),
        A::LetterClosed => "closed the letter".into(),
        A::Imported { count, kind } => format!("imported {count} {kind}"),
        A::Purged => "purged private fields".into(),
        // An earlier version's sentence, in its own words.
        A::Unrecognised(sentence) => sentence.clone(),
    }
}
