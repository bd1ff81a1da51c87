//! The field parsers of the sign form (`undersign::domain::signatory`) and
//! what is worked out from an accepted name (its folded form, sort keys,
//! look-alike skeleton and flags) on any text: nothing panics, and what is
//! accepted is as clean as the parsers say. The input is a field's value
//! as the form decoder hands it over (UTF-8; other bytes are read lossily).
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersign::domain::flags::{intrinsic, intrinsic_as, skeleton};
use undersign::domain::signatory::{
    fold, AFFILIATION_MAX_GRAPHEMES, COUNTRY_MAX_GRAPHEMES, NAME_MAX_GRAPHEMES,
};
use undersign::domain::{Affiliation, Country, Field, FieldProblem, Flag, Kind, SignatoryName};
use unicode_normalization::char::is_combining_mark;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;

fuzz_target!(|bytes: &[u8]| {
    let raw = String::from_utf8_lossy(bytes);
    let raw = raw.as_ref();

    let name = SignatoryName::parse(raw);
    let affiliation = Affiliation::parse(raw);
    let country = Country::parse(raw);
    match &name {
        Ok(name) => {
            check_clean(name.as_str(), NAME_MAX_GRAPHEMES);
            assert!(name.as_str().chars().any(char::is_alphanumeric));
            assert_eq!(SignatoryName::parse(name.as_str()).as_ref(), Ok(name), "not idempotent");
            assert_eq!(name.to_string(), name.as_str());
            check_derived(name);
        }
        Err(e) => assert_eq!(e.field, Field::Name),
    }
    match &affiliation {
        Ok(Some(a)) => {
            check_clean(a.as_str(), AFFILIATION_MAX_GRAPHEMES);
            assert_eq!(Affiliation::parse(a.as_str()).as_ref(), Ok(&Some(a.clone())));
        }
        Ok(None) => {}
        Err(e) => assert_eq!(e.field, Field::Affiliation),
    }
    match &country {
        Ok(Some(c)) => {
            check_clean(c.as_str(), COUNTRY_MAX_GRAPHEMES);
            assert_eq!(Country::parse(c.as_str()).as_ref(), Ok(&Some(c.clone())));
        }
        Ok(None) => {}
        Err(e) => assert_eq!(e.field, Field::Country),
    }

    // The three fields are cleaned alike and differ only in their limit
    // (country < name < affiliation) and in what a name needs besides.
    let problem = |r: Result<(), FieldProblem>| r.err();
    let name_problem = problem(name.as_ref().map(drop).map_err(|e| e.problem));
    let affiliation_problem = problem(affiliation.as_ref().map(drop).map_err(|e| e.problem));
    let country_problem = problem(country.as_ref().map(drop).map_err(|e| e.problem));
    if let Ok(name) = &name {
        let same = affiliation.as_ref().ok().and_then(Option::as_ref).map(Affiliation::as_str);
        assert_eq!(same, Some(name.as_str()));
    }
    if let Ok(Some(c)) = &country {
        let same = affiliation.as_ref().ok().and_then(Option::as_ref).map(Affiliation::as_str);
        assert_eq!(same, Some(c.as_str()));
    }
    let blank = matches!(affiliation, Ok(None));
    assert_eq!(blank, name_problem == Some(FieldProblem::Required));
    assert_eq!(blank, matches!(country, Ok(None)));
    let marks = Some(FieldProblem::TooManyMarks);
    assert_eq!(name_problem == marks, affiliation_problem == marks);
    assert_eq!(name_problem == marks, country_problem == marks);

    // The other form fields and the console's flag names.
    if let Ok(kind) = Kind::parse(raw) {
        assert_eq!(Kind::parse(kind.as_str()), Ok(kind));
        assert_eq!(Kind::from_tag(kind.tag()), Some(kind));
    }
    if let Some(flag) = Flag::parse(raw) {
        assert_eq!(flag.as_str(), raw);
    }
    if let Some(&tag) = bytes.first() {
        if let Some(kind) = Kind::from_tag(tag) {
            assert_eq!(kind.tag(), tag);
        }
    }
});

/// What the parsers promise of cleaned text: NFC, trimmed, white space
/// collapsed to one space (or a lone no-break space), nothing invisible but
/// the joiners, no flood of marks, at most `max` graphemes.
fn check_clean(text: &str, max: usize) {
    assert!(!text.is_empty());
    assert_eq!(text.trim(), text, "not trimmed");
    assert!(unicode_normalization::is_nfc(text), "not NFC");
    assert!(text.graphemes(true).count() <= max, "too long");
    let chars: Vec<char> = text.chars().collect();
    for pair in chars.windows(2) {
        assert!(!(pair[0].is_whitespace() && pair[1].is_whitespace()), "white space not collapsed");
    }
    let mut marks = 0;
    for &c in &chars {
        if c.is_whitespace() {
            assert!(matches!(c, ' ' | '\u{00A0}' | '\u{202F}'), "white space {c:?} kept");
        }
        let invisible = matches!(
            c.general_category(),
            GeneralCategory::Control
                | GeneralCategory::Format
                | GeneralCategory::Surrogate
                | GeneralCategory::Unassigned
                | GeneralCategory::PrivateUse
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        );
        assert!(!invisible || c == '\u{200C}' || c == '\u{200D}', "invisible {c:?} kept");
        marks = if is_combining_mark(c) { marks + 1 } else { 0 };
        assert!(marks <= 4, "more than 4 marks in a row");
    }
}

/// The forms derived from an accepted name.
fn check_derived(name: &SignatoryName) {
    let folded = name.folded();
    assert_eq!(folded, fold(name.as_str()));
    assert!(folded.chars().all(char::is_alphanumeric), "folded {folded:?} keeps other characters");
    assert_eq!(fold(&folded), folded, "folding twice changes {folded:?}");

    // Individuals: family name, a NUL, the whole folded name.
    let individual = name.sort_key(Kind::Individual);
    let (family, whole) = individual.split_once('\0').expect("no NUL in an individual's sort key");
    assert_eq!(whole, folded);
    assert!(!family.contains('\0'));
    let organization = name.sort_key(Kind::Organization);
    assert_eq!(organization, name.sort_key(Kind::Company));
    assert!(!organization.is_empty(), "empty sort key");

    let skel = skeleton(name);
    // Case and white space do not tell look-alikes apart. Outside ASCII
    // the skeleton may change the text's length and scripts' case rules
    // differ, so only ASCII names are compared.
    if name.as_str().is_ascii() {
        for other in [name.as_str().to_ascii_lowercase(), name.as_str().to_ascii_uppercase()] {
            let other = SignatoryName::parse(&other).expect("a case change refused");
            assert_eq!(skeleton(&other), skel, "{name} and {other} differ in skeleton");
        }
        let squeezed: String = name.as_str().split(' ').collect();
        if let Ok(other) = SignatoryName::parse(&squeezed) {
            assert_eq!(skeleton(&other), skel, "{name} and {other} differ in skeleton");
        }
    }

    let flags = intrinsic(name);
    assert_eq!(flags.contains(&Flag::FormulaStart), name.as_str().starts_with(['=', '+', '-', '@']));
    for (i, f) in flags.iter().enumerate() {
        assert!(!flags[..i].contains(f), "{f:?} twice");
    }
    assert_eq!(intrinsic_as(Kind::Organization, name), flags);
    assert_eq!(intrinsic_as(Kind::Company, name), flags);
    let as_individual = intrinsic_as(Kind::Individual, name);
    assert!(flags.iter().all(|f| as_individual.contains(f)));
    for (i, f) in as_individual.iter().enumerate() {
        assert!(!as_individual[..i].contains(f), "{f:?} twice");
    }
}
