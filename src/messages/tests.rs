use super::*;
use crate::domain::{Field, FieldProblem};
use fluent_syntax::ast::Entry;
use std::collections::BTreeSet;

/// Every message id the code can ask for.
fn every_id() -> Vec<String> {
    use MessageId::*;
    let mut ids: Vec<String> = [
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
        MirrorNoneUnreachable,
        MirrorNoneRefused,
        MirrorRefusedUnreachable,
        MirrorRefusedTooLarge,
        MirrorRefusedBadSignature,
        MirrorRefusedWrongKey,
        MirrorRefusedMalformed,
        MirrorRefusedOtherLetter,
        MirrorRefusedRollback,
        MirrorRefusedEquivocation,
        MirrorRefusedFork,
        MirrorRefusedExpired,
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
        DuplicateOrganization,
        DuplicateCompany,
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
        Field(FieldError::new(crate::domain::Field::Name, FieldProblem::Required)),
        Field(FieldError::new(crate::domain::Field::Name, FieldProblem::NoLetter)),
        Field(FieldError::new(crate::domain::Field::Name, FieldProblem::TooLong)),
        Field(FieldError::new(crate::domain::Field::Name, FieldProblem::TooManyMarks)),
        Field(FieldError::new(crate::domain::Field::Kind, FieldProblem::UnknownKind)),
        Field(FieldError::new(crate::domain::Field::Website, FieldProblem::NotAWebsite)),
        Field(FieldError::new(crate::domain::Field::Website, FieldProblem::WebsiteNotForIndividuals)),
    ]
    .into_iter()
    .map(MessageId::fluent_id)
    .collect();
    ids.extend(Text::ALL.iter().map(|t| t.fluent_id()));
    ids.extend(crate::domain::ProofProblem::ALL.iter().map(|p| format!("proof-problem-{}", p.as_str())));
    for f in ["name", "kind", "affiliation", "country", "website"] {
        ids.push(format!("label-{f}"));
    }
    for k in Kind::ALL {
        for what in ["plural", "lower", "article", "singular", "count", "all"] {
            ids.push(format!("kind-{what}-{}", k.as_str()));
        }
    }
    for f in Flag::ALL {
        ids.push(format!("flag-{}", f.as_str()));
        ids.push(format!("flag-about-{}", f.as_str()));
    }
    ids.extend(RejectReason::ALL.iter().map(|r| format!("reason-{}", r.as_str())));
    ids.extend(AUDIT_IDS.iter().map(|a| format!("audit-{a}")));
    ids.extend(["language-name".into(), "language-direction".into(), "kinds-reviewed".into()]);
    ids.extend(Catalogue::all().map(|l| format!("language-name-of-{}", l.tag())));
    ids
}

/// The ids of the messages a catalogue's source defines.
fn defined(source: &str) -> BTreeSet<String> {
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(_, e)| panic!("{e:?}"));
    resource
        .entries()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

#[test]
fn english_has_every_message_the_code_asks_for_and_no_other() {
    let english = defined(SHIPPED[0].1);
    let asked: BTreeSet<String> = every_id().into_iter().collect();
    let missing: Vec<_> = asked.difference(&english).collect();
    let unused: Vec<_> = english.difference(&asked).collect();
    assert!(missing.is_empty(), "English lacks {missing:?}");
    assert!(unused.is_empty(), "English has messages no code asks for: {unused:?}");
}

#[test]
fn every_shipped_catalogue_parses_and_has_exactly_the_english_messages() {
    let english = defined(SHIPPED[0].1);
    assert!(SHIPPED.len() >= 5, "en, es, fa, ru and zh-Hans ship");
    for (tag, source) in SHIPPED {
        let has = defined(source);
        let lacks: Vec<_> = english.difference(&has).collect();
        let extra: Vec<_> = has.difference(&english).collect();
        assert!(lacks.is_empty(), "{tag} lacks {lacks:?}");
        assert!(extra.is_empty(), "{tag} has messages English does not: {extra:?}");
    }
}

#[test]
fn a_message_a_language_lacks_is_english_never_empty_or_its_id() {
    // A catalogue that has only its name: every other message falls back.
    let sparse = Language::parse("xx", "language-name = Xx\nlanguage-direction = rtl\n");
    assert_eq!((sparse.name.as_str(), sparse.rtl), ("Xx", true));
    assert!(sparse.plain("not-found").is_none());
    let fa = Catalogue::find("fa").unwrap();
    for c in Catalogue::all() {
        for id in every_id() {
            let words = c.lookup(&id, None);
            assert!(!words.trim().is_empty() && words != id.as_str(), "{}: {id} is {words:?}", c.tag());
        }
    }
    // The fallback itself: a language that lacks a message says it in English.
    let lacking = Language::parse("xx", "language-name = Xx\nnot-found = Xx not found\n");
    let english = &languages()[0];
    assert_eq!(lookup(&lacking, english, "not-found", None), "Xx not found");
    assert_eq!(lookup(&lacking, english, "no-such-page", None), "This list has fewer pages.");
    let mut args = FluentArgs::new();
    args.set("count", 2);
    assert_eq!(unmarked(&lookup(&lacking, english, "found", Some(&args))), "2 found.");
    assert_ne!(fa.get(MessageId::NotFound), Catalogue::ENGLISH.get(MessageId::NotFound), "fa has its own");
}

#[test]
fn languages_come_from_the_files_with_their_names_and_directions() {
    let tags: Vec<_> = Catalogue::all().map(|c| c.tag()).collect();
    assert_eq!(tags, ["en", "es", "fa", "ru", "zh-Hans"]);
    let fa = Catalogue::find("fa").unwrap();
    assert_eq!((fa.name(), fa.dir()), ("فارسی", "rtl"));
    assert_eq!(Catalogue::find("es").unwrap().name(), "Español");
    assert_eq!(Catalogue::ENGLISH.dir(), "ltr");
    assert!(Catalogue::find("de").is_none());
    // Each names the others in its own words, as a sentence of it does.
    let en = Catalogue::ENGLISH;
    assert_eq!(Catalogue::find("es").unwrap().name_of(en), "inglés");
    assert_eq!(fa.name_of(en), "انگلیسی");
    assert_eq!(en.name_of(fa), "Persian");
}

#[test]
fn placeables_are_filled_and_isolated() {
    let c = Catalogue::ENGLISH;
    let dup = Message::with(MessageId::DuplicateOrganization, "name", "Access Now");
    assert_eq!(
        c.text(&dup),
        "An organization named “\u{2068}Access Now\u{2069}” has already signed the letter."
    );
    assert_eq!(c.get(MessageId::NotFound), "There is no page at this address.");
    // A field's message names the field, and the limit of one too long.
    let required = FieldError::new(Field::Name, FieldProblem::Required);
    assert_eq!(unmarked(&c.field_error(required)), "Name is required.");
    let long = FieldError::new(Field::Country, FieldProblem::TooLong);
    assert_eq!(unmarked(&c.get(MessageId::Field(long))), "Country is too long: at most 60 characters.");
    let ru = Catalogue::find("ru").unwrap();
    assert_eq!(unmarked(&ru.field_error(long)), "Поле «Страна» слишком длинное: не больше 60 символов.");
    assert_eq!(c.field_label(Field::Affiliation), "Title, employer or city");
}

#[test]
fn counts_take_the_language_plural_and_digits() {
    let en = Catalogue::ENGLISH;
    let count = |n: u64| [("count", FluentValue::from(n))];
    assert_eq!(
        unmarked(&en.tf(Text::HaveSigned, &count(0))),
        "No one has signed yet. Be the first: sign the letter ↓"
    );
    assert_eq!(unmarked(&en.tf(Text::MoreAwaitReview, &count(1))), "1 more awaits review.");
    // Every language has a sentence for none, and one plural per number.
    for c in Catalogue::all() {
        let (none, one) = (c.tf(Text::HaveSigned, &count(0)), c.tf(Text::HaveSigned, &count(1)));
        assert!(!none.contains('0') && !none.contains('۰'), "{}: {none}", c.tag());
        assert_ne!(none, one, "{}", c.tag());
        let closed = c.tf(Text::ClosedOn, &[("day", "2026-12-01".into()), ("count", 0.into())]);
        assert!(!closed.contains(" 0 ") && !closed.contains('۰'), "{}: {closed}", c.tag());
    }
    assert_eq!(unmarked(&en.kind_count(Kind::Company, 1)), "1 company");
    assert_eq!(unmarked(&en.kind_count(Kind::Company, 12_345)), "12,345 companies");
    let ru = Catalogue::find("ru").unwrap();
    assert_eq!(unmarked(&ru.kind_count(Kind::Company, 1)), "1 компания");
    assert_eq!(unmarked(&ru.kind_count(Kind::Company, 3)), "3 компании");
    assert_eq!(unmarked(&ru.kind_count(Kind::Company, 5)), "5 компаний");
    assert_eq!(unmarked(&ru.kind_count(Kind::Company, 21)), "21 компания");
    let fa = Catalogue::find("fa").unwrap();
    assert_eq!(unmarked(&fa.tf(Text::Found, &[("count", 1234u64.into())])), "۱٬۲۳۴ نتیجه پیدا شد.");
}

#[test]
fn numbers_are_grouped_as_each_language_writes_them() {
    let f = |tag, n| number_style(tag).format(n);
    assert_eq!(
        (f("en", 0), f("en", 999), f("en", 1000), f("en", 1_234_567)),
        ("0".into(), "999".into(), "1,000".into(), "1,234,567".into())
    );
    assert_eq!((f("es", 1234), f("es", 12_345)), ("1234".into(), "12.345".into()));
    assert_eq!(f("ru", 12_345), "12\u{a0}345");
    assert_eq!(f("fa", 1_234_567), "۱٬۲۳۴٬۵۶۷");
    assert_eq!(f("zh-Hans", 12_345), "12,345");
}

#[test]
fn ids_are_the_names_in_kebab_case() {
    assert_eq!(MessageId::NotFoundHeading.fluent_id(), "not-found-heading");
    assert_eq!(
        MessageId::Field(FieldError::new(crate::domain::Field::Name, FieldProblem::TooManyMarks)).fluent_id(),
        "field-too-many-marks"
    );
    assert_eq!(Text::SkipToContent.fluent_id(), "skip-to-content");
}

#[test]
fn every_audit_action_and_flag_has_its_words_in_every_language() {
    use crate::domain::AuditAction as A;
    let actions = [
        A::Approved,
        A::Rejected(RejectReason::Spam),
        A::Edited { previous: "Acces Now".into() },
        A::Verified,
        A::Unverified,
        A::Unpublished,
        A::Deleted,
        A::SigningOpened,
        A::SigningPaused,
        A::LetterClosed,
        A::Imported { count: 3, kind: Kind::Company },
        A::Purged,
        A::ProofTaken { domain: "example.org".into() },
        A::ProofLost { domain: "example.org".into() },
    ];
    assert_eq!(actions.len(), AUDIT_IDS.len(), "each id has its action here");
    for c in Catalogue::all() {
        let mut seen = BTreeSet::new();
        for a in &actions {
            let words = c.audit_action(a);
            assert!(
                !words.starts_with("audit-") && !words.trim().is_empty(),
                "{}: {a:?} is {words:?}",
                c.tag()
            );
            assert!(seen.insert(words.into_owned()), "{}: {a:?} reads like another action", c.tag());
        }
        for f in Flag::ALL {
            assert!(!c.flag_name(f).starts_with("flag-") && !c.flag_description(f).starts_with("flag-"));
        }
    }
    let en = Catalogue::ENGLISH;
    assert_eq!(unmarked(&en.audit_action(&A::Rejected(RejectReason::Fake))), "rejected (fake)");
    assert_eq!(
        unmarked(&en.audit_action(&A::Imported { count: 1, kind: Kind::Company })),
        "imported 1 company"
    );
    let fa = Catalogue::find("fa").unwrap();
    assert_eq!(unmarked(&fa.audit_action(&A::Rejected(RejectReason::Spam))), "رد کرد (هرزنامه)");
    assert_eq!(unmarked(&fa.audit_action(&A::Unrecognised("renamed".into()))), "renamed", "old words stay");
}
