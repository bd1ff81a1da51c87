//! The catalogue: every sentence a visitor or a moderator reads, keyed by a
//! typed id ([`MessageId`] for what code asks for: refusals, field errors;
//! [`Text`] for the pages' own words) and looked up in Fluent catalogues,
//! one file per language (`locales/TAG/undersign.ftl`, embedded; the list
//! of languages comes from the files, see `build.rs`). Code names what
//! happened; only the catalogues know the words.
//!
//! Each catalogue is parsed once, at first use, into an immutable bundle:
//! rendering looks messages up, it never parses. A message a catalogue
//! lacks falls back to English, never to an empty string or its id.
//! Placeables keep Fluent's Unicode isolation marks, so a Latin name in a
//! Persian sentence (and the reverse) reads in its own direction; templates
//! put no placeable into an attribute or a URL. Numbers are formatted for
//! the language (grouping, and Persian digits for Persian: see
//! [`number_style`]); plurals follow Fluent's plural rules.

use crate::domain::{AuditAction, Field, FieldError, Flag, Kind, RejectReason};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::borrow::Cow;
use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// Every sentence that code (not a template) asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs, reason = "each id is named after what it says; the words are in locales/en")]
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
    /// The status line of a mirror that refused the origin's newest
    /// snapshot, one sentence per reason, for visitors (the operator's
    /// details go to stderr only).
    MirrorRefusedUnreachable,
    MirrorRefusedTooLarge,
    MirrorRefusedBadSignature,
    MirrorRefusedWrongKey,
    MirrorRefusedMalformed,
    MirrorRefusedOtherLetter,
    /// `found`, `trusted`: snapshot numbers.
    MirrorRefusedRollback,
    /// `seq`: the number signed twice.
    MirrorRefusedEquivocation,
    /// `seq`: the snapshot offered.
    MirrorRefusedFork,
    /// `expires`: its expiry.
    MirrorRefusedExpired,
    /// With no verified copy: the origin could not be reached. `origin`.
    MirrorNoneUnreachable,
    /// With no verified copy: the origin's snapshot was refused. `origin`.
    MirrorNoneRefused,
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
    BadSyntax,
    WrongHost,
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
    /// A replica could not reach the origin.
    OriginUnreachableHeading,
    SignOriginUnreachable,
    WithdrawOriginUnreachable,
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
    ConsoleCheckBusy,
    /// What is wrong with a form field: a sentence that names it (and,
    /// for one too long, its limit).
    Field(FieldError),
}

/// A message and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// What it says.
    pub id: MessageId,
    /// Values for its `{ $placeables }`.
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

mod text;
pub use text::Text;

/// "Not found heading" -> "not-found-heading": a Fluent id from a name.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl MessageId {
    /// Its message's id in the catalogues.
    pub fn fluent_id(self) -> String {
        match self {
            MessageId::Field(e) => format!("field-{}", kebab(&format!("{:?}", e.problem))),
            other => kebab(&format!("{other:?}")),
        }
    }
}

impl Text {
    /// Its message's id in the catalogues.
    pub fn fluent_id(self) -> String {
        kebab(&format!("{self:?}"))
    }
}

/// How a language writes whole numbers: its digits, its grouping
/// separator, and the fewest digits before a first group is split off
/// (CLDR's minimumGroupingDigits: Spanish writes 1234 but 12.345).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberStyle {
    /// The digit zero; the others follow it in Unicode.
    pub zero: char,
    /// Between groups of three.
    pub separator: &'static str,
    /// Digits at least in front of the first separator, plus three.
    pub min_grouping: usize,
}

/// The number style of a language, from CLDR's data for it. Persian uses
/// Persian digits (۱۲۳), as CLDR's `fa` and Iranian print do: a count in
/// Latin digits inside Persian text reads as foreign. A language with no
/// entry writes Latin digits grouped by commas, as English does.
pub fn number_style(tag: &str) -> NumberStyle {
    let latin = |separator, min_grouping| NumberStyle { zero: '0', separator, min_grouping };
    match tag {
        "es" => latin(".", 2),
        // A no-break space, so a count never breaks across lines.
        "ru" => latin("\u{a0}", 1),
        "fa" => NumberStyle { zero: '۰', separator: "٬", min_grouping: 1 },
        _ => latin(",", 1),
    }
}

impl NumberStyle {
    /// `n` written in this style.
    pub fn format(&self, n: u64) -> String {
        let digits: Vec<char> = n
            .to_string()
            .chars()
            .map(|d| char::from_u32(self.zero as u32 + d.to_digit(10).unwrap_or(0)).unwrap_or(d))
            .collect();
        let group = digits.len() >= 3 + self.min_grouping;
        let mut out = String::with_capacity(digits.len() * 2);
        for (i, d) in digits.iter().enumerate() {
            let left = digits.len() - i;
            if group && i > 0 && left.is_multiple_of(3) {
                out.push_str(self.separator);
            }
            out.push(*d);
        }
        out
    }
}

/// A whole number as Fluent shows it, in the style `S`; other values as
/// Fluent formats them. One function per style, as the bundle takes a plain
/// function.
fn format_number<const S: u8, M>(value: &FluentValue, _: &M) -> Option<String> {
    let FluentValue::Number(n) = value else { return None };
    if n.value < 0.0 || n.value.fract() != 0.0 || n.value > 1e15 {
        return None;
    }
    let style = match S {
        1 => number_style("es"),
        2 => number_style("ru"),
        3 => number_style("fa"),
        _ => number_style("en"),
    };
    Some(style.format(n.value as u64))
}

/// One shipped language: its tag, its name in itself, its direction and
/// its bundle.
struct Language {
    tag: &'static str,
    name: String,
    rtl: bool,
    bundle: FluentBundle<FluentResource>,
}

impl Language {
    fn parse(tag: &'static str, source: &str) -> Language {
        // A file that does not parse whole keeps the messages that do; the
        // rest fall back to English (and the unit tests fail on it).
        let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
        let langid = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        bundle.set_formatter(Some(match tag {
            "es" => format_number::<1, _>,
            "ru" => format_number::<2, _>,
            "fa" => format_number::<3, _>,
            _ => format_number::<0, _>,
        }));
        let _ = bundle.add_resource(resource);
        let mut language = Language { tag, name: tag.to_owned(), rtl: false, bundle };
        if let Some(name) = language.plain("language-name") {
            language.name = name.into_owned();
        }
        language.rtl = language.plain("language-direction").is_some_and(|d| d == "rtl");
        language
    }

    /// A message without arguments, if this language has it.
    fn plain(&self, id: &str) -> Option<Cow<'_, str>> {
        self.format(id, None)
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> Option<Cow<'_, str>> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        Some(self.bundle.format_pattern(pattern, args, &mut errors))
    }
}

/// A message of `language`, else of `english`; only one English lacks
/// too comes back as its id.
fn lookup<'l>(
    language: &'l Language,
    english: &'l Language,
    id: &str,
    args: Option<&FluentArgs>,
) -> Cow<'l, str> {
    language
        .format(id, args)
        .or_else(|| english.format(id, args))
        .unwrap_or_else(|| Cow::Owned(id.to_owned()))
}

static LANGUAGES: LazyLock<Vec<Language>> =
    LazyLock::new(|| SHIPPED.iter().map(|(tag, source)| Language::parse(tag, source)).collect());

fn languages() -> &'static [Language] {
    &LANGUAGES
}

/// The words of one shipped language (English by default). Cheap to copy:
/// it names a language of the catalogues, which are built once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Catalogue {
    index: usize,
}

impl Catalogue {
    /// English: the fallback, and what unprefixed paths serve.
    pub const ENGLISH: Catalogue = Catalogue { index: 0 };

    /// Every shipped language, English first.
    pub fn all() -> impl Iterator<Item = Catalogue> {
        (0..languages().len()).map(|index| Catalogue { index })
    }

    /// The shipped language of this tag (exactly as its folder is named).
    pub fn find(tag: &str) -> Option<Catalogue> {
        Catalogue::all().find(|c| c.tag() == tag)
    }

    fn language(&self) -> &'static Language {
        &languages()[self.index]
    }

    /// The language's tag, as in `lang` and the path prefix: `zh-Hans`.
    pub fn tag(&self) -> &'static str {
        self.language().tag
    }

    /// The language's name in itself: `Español`.
    pub fn name(&self) -> &'static str {
        &self.language().name
    }

    /// The name of the language `other` in this language, as a sentence
    /// of this language names it ("inglés" on a Spanish page); its own
    /// name where this catalogue lacks one.
    pub fn name_of(&self, other: Catalogue) -> Cow<'static, str> {
        match self.language().plain(&format!("language-name-of-{}", other.tag())) {
            Some(name) => name,
            None => Cow::Borrowed(other.name()),
        }
    }

    /// `rtl` or `ltr`, for `dir`.
    pub fn dir(&self) -> &'static str {
        if self.language().rtl {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// How this language writes numbers.
    pub fn numbers(&self) -> NumberStyle {
        number_style(self.tag())
    }

    /// A message by its Fluent id, with arguments; English if this
    /// language lacks it. Only a message English lacks too (which the
    /// completeness test rules out) comes back as its id.
    fn lookup(&self, id: &str, args: Option<&FluentArgs>) -> Cow<'static, str> {
        lookup(self.language(), &languages()[0], id, args)
    }

    /// A page's words.
    pub fn t(&self, text: Text) -> Cow<'static, str> {
        self.lookup(&text.fluent_id(), None)
    }

    /// A page's words with arguments: numbers as `u64`, the rest as text.
    pub fn tf(&self, text: Text, args: &[(&'static str, FluentValue<'_>)]) -> Cow<'static, str> {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        self.lookup(&text.fluent_id(), Some(&fa))
    }

    /// The words of a message, its placeables filled in.
    pub fn text(&self, message: &Message) -> Cow<'static, str> {
        if message.args.is_empty() {
            return self.get(message.id);
        }
        let mut args = FluentArgs::new();
        for (k, v) in &message.args {
            args.set(*k, v.as_str());
        }
        self.lookup(&message.id.fluent_id(), Some(&args))
    }

    /// The words of a message without arguments.
    pub fn get(&self, id: MessageId) -> Cow<'static, str> {
        match id {
            MessageId::Field(e) => self.field_error(e),
            id => self.lookup(&id.fluent_id(), None),
        }
    }

    /// A form field's label, as the form shows it.
    pub fn field_label(&self, field: Field) -> Cow<'static, str> {
        self.lookup(&format!("label-{}", field.id()), None)
    }

    /// What is wrong with a field, in a sentence that names the field as
    /// the form labels it, and says the limit of one too long.
    pub fn field_error(&self, e: FieldError) -> Cow<'static, str> {
        let mut args = FluentArgs::new();
        args.set("field", self.field_label(e.field));
        if let Some(max) = e.field.max_chars() {
            args.set("max", max);
        }
        self.lookup(&MessageId::Field(e).fluent_id(), Some(&args))
    }

    /// "Organisations", as a group's heading.
    pub fn kind_plural(&self, kind: Kind) -> Cow<'static, str> {
        self.lookup(&format!("kind-plural-{}", kind.as_str()), None)
    }

    /// "organisations", inside a sentence.
    pub fn kind_plural_lower(&self, kind: Kind) -> Cow<'static, str> {
        self.lookup(&format!("kind-lower-{}", kind.as_str()), None)
    }

    /// "an organisation", as the sign form offers it.
    pub fn kind_article(&self, kind: Kind) -> Cow<'static, str> {
        self.lookup(&format!("kind-article-{}", kind.as_str()), None)
    }

    /// "organisation", as a label beside a name.
    pub fn kind_singular(&self, kind: Kind) -> Cow<'static, str> {
        self.lookup(&format!("kind-singular-{}", kind.as_str()), None)
    }

    /// "12 organisations", with the plural the number takes.
    pub fn kind_count(&self, kind: Kind, count: u64) -> Cow<'static, str> {
        let mut args = FluentArgs::new();
        args.set("count", count);
        self.lookup(&format!("kind-count-{}", kind.as_str()), Some(&args))
    }

    /// "All 12 organisations", the link to a group's list.
    pub fn kind_all(&self, kind: Kind, count: u64) -> Cow<'static, str> {
        let mut args = FluentArgs::new();
        args.set("count", count);
        self.lookup(&format!("kind-all-{}", kind.as_str()), Some(&args))
    }

    /// "Signatures by organizations and companies are seen by a
    /// moderator …", one sentence for the kinds in `reviewed`; `None`
    /// when no kind is.
    pub fn kinds_reviewed(&self, reviewed: &[Kind]) -> Option<Cow<'static, str>> {
        let kinds: Vec<&str> =
            Kind::ALL.into_iter().filter(|k| reviewed.contains(k)).map(Kind::as_str).collect();
        if kinds.is_empty() {
            return None;
        }
        let mut args = FluentArgs::new();
        args.set("kinds", kinds.join("-"));
        Some(self.lookup("kinds-reviewed", Some(&args)))
    }

    /// A flag's short name, as the queue shows it.
    pub fn flag_name(&self, flag: Flag) -> Cow<'static, str> {
        self.lookup(&format!("flag-{}", flag.as_str()), None)
    }

    /// What a flag means, for the moderator.
    pub fn flag_description(&self, flag: Flag) -> Cow<'static, str> {
        self.lookup(&format!("flag-about-{}", flag.as_str()), None)
    }

    /// A reason to reject, as the moderator chooses it.
    pub fn reject_reason(&self, reason: RejectReason) -> Cow<'static, str> {
        self.lookup(&format!("reason-{}", reason.as_str()), None)
    }

    /// What went wrong with a proof, in the moderator's words.
    pub fn proof_problem(&self, problem: crate::domain::ProofProblem) -> Cow<'static, str> {
        let mut args = FluentArgs::new();
        if let crate::domain::ProofProblem::NoFile(status) = problem {
            args.set("status", status.to_string());
        }
        self.lookup(&format!("proof-problem-{}", problem.as_str()), Some(&args))
    }

    /// The audit list's words for what a moderator did.
    pub fn audit_action(&self, action: &AuditAction) -> Cow<'static, str> {
        use AuditAction as A;
        let mut args = FluentArgs::new();
        let id = match action {
            A::Approved => "approved",
            A::Rejected(reason) => {
                args.set("reason", self.reject_reason(*reason));
                "rejected"
            }
            A::Edited { previous } => {
                args.set("previous", or_ellipsis(previous));
                "edited"
            }
            A::Verified => "verified",
            A::Unverified => "unverified",
            A::Unpublished => "unpublished",
            A::Deleted => "deleted",
            A::SigningOpened => "signing-opened",
            A::SigningPaused => "signing-paused",
            A::LetterClosed => "letter-closed",
            A::Imported { count, kind } => {
                args.set("what", self.kind_count(*kind, *count as u64));
                "imported"
            }
            A::Purged => "purged",
            A::ProofTaken { domain } => {
                args.set("domain", or_ellipsis(domain));
                "proof-taken"
            }
            A::ProofLost { domain } => {
                args.set("domain", or_ellipsis(domain));
                "proof-lost"
            }
            // An earlier version's sentence, in its own words.
            A::Unrecognised(sentence) => return sentence.clone().into(),
        };
        self.lookup(&format!("audit-{id}"), Some(&args))
    }
}

/// A name or website the audit list no longer holds (the signature was
/// removed for good): an ellipsis, the same in every language.
fn or_ellipsis(s: &str) -> &str {
    if s.is_empty() {
        "…"
    } else {
        s
    }
}

/// The audit actions' message ids, for the completeness check.
pub const AUDIT_IDS: &[&str] = &[
    "approved",
    "rejected",
    "edited",
    "verified",
    "unverified",
    "unpublished",
    "deleted",
    "signing-opened",
    "signing-paused",
    "letter-closed",
    "imported",
    "purged",
    "proof-taken",
    "proof-lost",
];

/// Removes Fluent's isolation marks, for tests that compare words.
#[cfg(test)]
pub fn unmarked(s: &str) -> String {
    s.replace(['\u{2068}', '\u{2069}'], "")
}

#[cfg(test)]
mod tests;
