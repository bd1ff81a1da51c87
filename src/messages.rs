//! The catalogue: every sentence a visitor or a moderator reads in a
//! refusal, a field error, a flag or the audit list, keyed by a message id.
//! Code names what happened (a [`MessageId`], with its arguments); only this
//! module knows the words. English is the only language for now; the
//! translations issue fills this seam with Fluent catalogues.
//!
//! A message is a [`MessageId`] and, for a few, named arguments
//! ([`Message`]); [`Catalogue::text`] turns it into words, with `{name}`
//! placeholders filled in.

use crate::domain::{AuditAction, Field, FieldProblem, Flag, Kind};
use std::borrow::Cow;

/// Every sentence that code (not a template) asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each id is named after what it says; the words are in `english`")]
pub enum MessageId {
    NotFoundHeading,
    NotFound,
    MethodHeading,
    Method,
    BadPageNumberHeading,
    BadPageNumber,
    NoSuchPageHeading,
    NoSuchPage,
    SearchTooLongHeading,
    SearchTooLong,
    ScanFailedHeading,
    ScanFailed,
    BusyHeading,
    Busy,
    SnapshotNotReadyHeading,
    SnapshotNotReady,
    MirrorNotReadyHeading,
    MirrorNotReady,
    NotAFormHeading,
    NotAForm,
    FormTooLargeHeading,
    FormTooLarge,
    FormTooSlowHeading,
    FormTooSlow,
    FormIncompleteHeading,
    FormIncomplete,
    FormAmbiguousHeading,
    FormRepeated,
    FormNotText,
    BadRequestHeading,
    NoHost,
    BadHost,
    BadTarget,
    HeaderTooLargeHeading,
    HeaderTooLarge,
    BadFraming,
    HoneypotHeading,
    Honeypot,
    TokenForgedHeading,
    TokenForged,
    TokenExpiredHeading,
    TokenExpired,
    TooFastHeading,
    TooFast,
    CheckFormHeading,
    ThrottledHeading,
    Throttled,
    TokenUsedHeading,
    TokenUsed,
    DuplicateHeading,
    /// Arguments: `name`.
    DuplicateOrganization,
    /// Arguments: `name`.
    DuplicateCompany,
    /// Arguments: `name`.
    DuplicateIndividual,
    QueueFullHeading,
    QueueFull,
    PausedHeading,
    Paused,
    ClosedHeading,
    Closed,
    NotSavedHeading,
    NotSaved,
    SigningStoppedHeading,
    SigningStopped,
    WithdrawCodeMissing,
    WithdrawCodeUnknown,
    WithdrawFailedHeading,
    WithdrawFailed,
    WithdrawStoppedHeading,
    WithdrawStopped,
    SignedOutHeading,
    SignedOut,
    NoSuchSignatureHeading,
    NoSuchSignature,
    BadLogin,
    SignInBusy,
    ConsoleUnreadable,
    CsrfHeading,
    Csrf,
    NotDoneHeading,
    ChooseReason,
    ConfirmClose,
    SelectOne,
    UnknownAction,
    ConsoleNotSaved,
    /// Arguments: `field` (the label and what is wrong).
    FieldNamed,
    /// What is wrong with a form field (after its label).
    Field(FieldProblem),
}

/// A message and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// What it says.
    pub id: MessageId,
    /// Values for its `{placeholders}`.
    pub args: Vec<(&'static str, String)>,
}

impl From<MessageId> for Message {
    fn from(id: MessageId) -> Message {
        Message { id, args: Vec::new() }
    }
}

impl Message {
    /// A message with one argument.
    pub fn with(id: MessageId, key: &'static str, value: impl Into<String>) -> Message {
        Message { id, args: vec![(key, value.into())] }
    }
}

/// The words of one language. Only English exists yet.
#[derive(Clone, Copy, Debug, Default)]
pub struct Catalogue;

impl Catalogue {
    /// The words of a message, its placeholders filled in.
    pub fn text(&self, message: &Message) -> Cow<'static, str> {
        let words = english(message.id);
        if message.args.is_empty() {
            return Cow::Borrowed(words);
        }
        let mut out = words.to_string();
        for (key, value) in &message.args {
            out = out.replace(&format!("{{{key}}}"), value);
        }
        Cow::Owned(out)
    }

    /// The words of a message without arguments.
    pub fn get(&self, id: MessageId) -> &'static str {
        english(id)
    }

    /// A form field's label, as the form shows it.
    pub fn field_label(&self, field: Field) -> &'static str {
        match field {
            Field::Name => "Name",
            Field::Kind => "Signing as",
            Field::Affiliation => "Title, employer or city",
            Field::Country => "Country",
        }
    }

    /// What is wrong with a field, after its label.
    pub fn field_problem(&self, problem: FieldProblem) -> &'static str {
        match problem {
            FieldProblem::Required => "is required",
            FieldProblem::NoLetter => "must contain at least one letter",
            FieldProblem::TooLong => "is too long",
            FieldProblem::TooManyMarks => "has too many accents stacked on one letter",
            FieldProblem::UnknownKind => "choose individual, organisation or company",
        }
    }

    /// What a flag means, for the moderator.
    pub fn flag_description(&self, flag: Flag) -> &'static str {
        match flag {
            Flag::DuplicateName => "the same name has signed before",
            Flag::LookAlike => "looks like another signatory's name",
            Flag::MixedScript => "mixes letters of different scripts",
            Flag::Url => "contains a web address",
            Flag::FormulaStart => "starts like a spreadsheet formula",
        }
    }

    /// "Organisations", as a group's heading.
    pub fn kind_plural(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Organization => "Organisations",
            Kind::Company => "Companies",
            Kind::Individual => "Individuals",
        }
    }

    /// "organisations", inside a sentence.
    pub fn kind_plural_lower(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Organization => "organisations",
            Kind::Company => "companies",
            Kind::Individual => "individuals",
        }
    }

    /// "an organisation", as the sign form offers it.
    pub fn kind_article(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Organization => "an organisation",
            Kind::Company => "a company",
            Kind::Individual => "an individual",
        }
    }

    /// The audit list's words for what a moderator did.
    pub fn audit_action(&self, action: &AuditAction) -> Cow<'static, str> {
        use AuditAction as A;
        match action {
            A::Approved => "approved".into(),
            A::Rejected(reason) => format!("rejected ({})", reason.as_str()).into(),
            A::Edited { previous } => format!("edited (was “{previous}”)").into(),
            A::Verified => "verified".into(),
            A::Unverified => "unverified".into(),
            A::Unpublished => "unpublished".into(),
            A::Deleted => "deleted".into(),
            A::SigningOpened => "opened signing".into(),
            A::SigningPaused => "paused signing".into(),
            A::LetterClosed => "closed the letter".into(),
            A::Imported { count, kind } => format!("imported {count} {kind}").into(),
            A::Purged => "purged private fields".into(),
            // An earlier version's sentence, in its own words.
            A::Unrecognised(sentence) => sentence.clone().into(),
        }
    }

    /// "organisation", as a label beside a name.
    pub fn kind_singular(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Organization => "organisation",
            Kind::Company => "company",
            Kind::Individual => "individual",
        }
    }
}

fn english(id: MessageId) -> &'static str {
    use MessageId::*;
    match id {
        NotFoundHeading => "Page not found",
        NotFound => "There is no page at this address.",
        MethodHeading => "Not possible here",
        Method => "This address does not take that kind of request.",
        BadPageNumberHeading => "Bad page number",
        BadPageNumber => "The page number must be a whole number, 1 or more.",
        NoSuchPageHeading => "No such page",
        NoSuchPage => "This list has fewer pages.",
        SearchTooLongHeading => "Search too long",
        SearchTooLong => "Please search for at most 100 characters.",
        ScanFailedHeading => "Not available just now",
        ScanFailed => "This list could not be read just now. Please try again in a few minutes.",
        BusyHeading => "Busy just now",
        Busy => "Many people are searching the list or downloading it at this moment. Please try again in a few seconds. Signing is not affected.",
        SnapshotNotReadyHeading => "Not signed yet",
        SnapshotNotReady => "The first signed snapshot of the list is still being made. Please try again in a minute.",
        MirrorNotReadyHeading => "Not copied yet",
        MirrorNotReady => "This mirror has not yet fetched and verified a snapshot of the letter from its origin. Please try again in a few minutes.",
        NotAFormHeading => "Form not understood",
        NotAForm => "Please send the form from this site's page.",
        FormTooLargeHeading => "Form too large",
        FormTooLarge => "The form sent was larger than 16 KiB. Please shorten what you typed.",
        FormTooSlowHeading => "Form too slow",
        FormTooSlow => "The form took too long to arrive. Please send it again.",
        FormIncompleteHeading => "Form incomplete",
        FormIncomplete => "The form did not arrive whole. Please send it again.",
        FormAmbiguousHeading => "Form not understood",
        FormRepeated => "The form named a field more than once, so it is not clear what was meant. Please send the form from this site's page.",
        FormNotText => "The form held bytes that are not text. Please type your entries again and send the form from this site's page.",
        BadRequestHeading => "Request not understood",
        NoHost => "The request did not say, exactly once, which site it is for. Please open the site's address in a browser.",
        BadHost => "The request named its site in a form that is not an address. Please open the site's address in a browser.",
        BadTarget => "The address asked for holds bytes that are not text. Please check the address.",
        HeaderTooLargeHeading => "Request too large",
        HeaderTooLarge => "A line of the request was longer than 8 KiB. Please open the site's address in a browser.",
        BadFraming => "The request gave its length in two ways at once, so it is not clear where it ends.",
        HoneypotHeading => "Form not accepted",
        Honeypot => "A field meant to stay empty was filled in. If you use a form-filling tool, clear that field and send the form again.",
        TokenForgedHeading => "Form not recognised",
        TokenForged => "This form was not served by this site, or it was changed on the way. Please use the form below.",
        TokenExpiredHeading => "Form expired",
        TokenExpired => "This form is more than a day old. Please send it again with the fresh form below.",
        TooFastHeading => "Too fast",
        TooFast => "The form came back faster than a person can fill it in. Please wait a few seconds and send it again.",
        CheckFormHeading => "Please check the form",
        ThrottledHeading => "Please wait",
        Throttled => "Too many signatures are arriving from your connection or in all. Please wait a minute, then send the form again.",
        TokenUsedHeading => "Already signed with this form",
        TokenUsed => "This form was sent before and its signature is recorded. To sign for someone else, open the letter again for a fresh form.",
        DuplicateHeading => "Already signed",
        DuplicateOrganization => "An organisation named “{name}” has already signed the letter.",
        DuplicateCompany => "A company named “{name}” has already signed the letter.",
        DuplicateIndividual => "An individual named “{name}” has already signed the letter.",
        QueueFullHeading => "Please come back later",
        QueueFull => "Many signatures are waiting for review just now. Please send the form again later.",
        PausedHeading => "Signing is paused",
        Paused => "The organisers have paused signing for now. Please come back later; your entries are kept below.",
        ClosedHeading => "The letter is closed",
        Closed => "This letter no longer takes signatures.",
        NotSavedHeading => "Not saved",
        NotSaved => "Your signature could not be saved just now, so it was not recorded. Please send the form again in a few minutes.",
        SigningStoppedHeading => "Signing is unavailable",
        SigningStopped => "Signatures cannot be recorded just now, so yours was not. The organisers have been told; please come back later.",
        WithdrawCodeMissing => "Please enter your withdrawal code.",
        WithdrawCodeUnknown => "No signature has this withdrawal code. Check it for typing mistakes; a signature already withdrawn is gone.",
        WithdrawFailedHeading => "Not done",
        WithdrawFailed => "The signature could not be removed just now. Please try again in a few minutes.",
        WithdrawStoppedHeading => "Withdrawal is unavailable",
        WithdrawStopped => "Signatures cannot be removed just now, so yours is still there. The organisers have been told; please come back later.",
        SignedOutHeading => "Signed out",
        SignedOut => "Your session has ended. Please sign in again.",
        NoSuchSignatureHeading => "No such signature",
        NoSuchSignature => "It may have been rejected, deleted or withdrawn.",
        BadLogin => "That name and passphrase do not match. Each wrong try makes the next one wait longer.",
        ConsoleUnreadable => "The store could not be read just now; the server's log says why. Try again, and if it persists, see the README on restoring the store.",
        SignInBusy => "Too many sign-in attempts are waiting, so this one was not checked. Wait a minute, then try again.",
        CsrfHeading => "Form not accepted",
        Csrf => "This form did not come from your current session. Go back, reload the page and try again.",
        NotDoneHeading => "Not done",
        ChooseReason => "Choose a reason to reject.",
        ConfirmClose => "To close the letter for good, tick the box that confirms it.",
        SelectOne => "Select at least one signature.",
        UnknownAction => "Unknown action.",
        ConsoleNotSaved => "The change could not be written to disk. Nothing was changed; please try again.",
        FieldNamed => "{field}",
        Field(problem) => Catalogue.field_problem(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_plain_messages_borrowed() {
        let c = Catalogue;
        let dup = Message::with(MessageId::DuplicateOrganization, "name", "Access Now");
        assert_eq!(c.text(&dup), "An organisation named “Access Now” has already signed the letter.");
        assert!(matches!(
            c.text(&MessageId::NotFound.into()),
            Cow::Borrowed("There is no page at this address.")
        ));
        assert_eq!(c.field_problem(FieldProblem::Required), "is required");
        assert_eq!(c.field_label(Field::Affiliation), "Title, employer or city");
    }
}
