//! Domain types parsed at the edge: a form field becomes a [`SignatoryName`],
//! [`Kind`], [`Affiliation`] or [`Country`] here or is refused with a reason
//! the visitor can act on. Past this module no code holds unchecked text.
//! Also owns the two derived forms of a name: the folded form used to find
//! duplicates and the sort key that orders the public lists.

use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;

pub use super::field::{
    Field, FieldError, FieldProblem, AFFILIATION_MAX_GRAPHEMES, COUNTRY_MAX_GRAPHEMES, NAME_MAX_GRAPHEMES,
};
/// More combining marks than this on one base character is a "Zalgo" flood,
/// not a script: the deepest real stacks (Vietnamese, Tibetan) stay well below.
const MAX_MARKS_PER_CHAR: usize = 4;

/// Who signs. The order is the order of the groups on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An organisation (a group, an NGO).
    Organization,
    /// A company.
    Company,
    /// A person.
    Individual,
}

impl Kind {
    /// Every kind, in page order.
    pub const ALL: [Kind; 3] = [Kind::Organization, Kind::Company, Kind::Individual];

    /// The kind a form value names.
    pub fn parse(s: &str) -> Result<Kind, FieldError> {
        match s.trim() {
            "organization" | "organisation" => Ok(Kind::Organization),
            "company" => Ok(Kind::Company),
            "individual" => Ok(Kind::Individual),
            _ => Err(FieldError::new(Field::Kind, FieldProblem::UnknownKind)),
        }
    }

    /// The form value and URL segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::Company => "company",
            Kind::Individual => "individual",
        }
    }

    /// One byte for storage keys; stable on disk.
    pub fn tag(self) -> u8 {
        match self {
            Kind::Organization => b'o',
            Kind::Company => b'c',
            Kind::Individual => b'i',
        }
    }

    /// The kind of a storage tag.
    pub fn from_tag(tag: u8) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.tag() == tag)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Cleans free text typed into a form: NFC; every run of white space becomes
/// one space (a lone no-break space stays one: people use it to keep words
/// together, and the seed does) and the ends are trimmed; control characters, bidirectional
/// overrides and isolates and other invisible format characters are removed,
/// except the zero-width (non-)joiner that Persian and Indic names need.
/// Refuses floods of combining marks and text longer than `max` graphemes.
fn clean_text(raw: &str, field: Field, max: usize) -> Result<String, FieldError> {
    let mut out = String::with_capacity(raw.len());
    // The white space run being collapsed: its first character and length.
    let mut pending_space: Option<(char, usize)> = None;
    let mut marks_in_row = 0;
    for c in raw.nfc() {
        if c.is_whitespace() {
            if !out.is_empty() {
                pending_space = Some(match pending_space {
                    None => (c, 1),
                    Some((first, n)) => (first, n + 1),
                });
            }
            marks_in_row = 0;
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if is_combining_mark(c) {
            marks_in_row += 1;
            if marks_in_row > MAX_MARKS_PER_CHAR {
                return Err(FieldError::new(field, FieldProblem::TooManyMarks));
            }
        } else {
            marks_in_row = 0;
        }
        if let Some((first, n)) = pending_space.take() {
            let keep = n == 1 && matches!(first, '\u{00A0}' | '\u{202F}');
            out.push(if keep { first } else { ' ' });
        }
        out.push(c);
    }
    // Removing characters can bring marks or Hangul jamo together: recompose.
    let out: String = out.nfc().collect();
    if out.graphemes(true).count() > max {
        return Err(FieldError::new(field, FieldProblem::TooLong));
    }
    Ok(out)
}

fn is_invisible(c: char) -> bool {
    if c == '\u{200C}' || c == '\u{200D}' {
        return false; // ZWNJ, ZWJ: part of how Persian and Indic names are spelled
    }
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::Unassigned
            | GeneralCategory::PrivateUse
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// A signatory's display name, cleaned and checked. The only way to make one
/// is [`SignatoryName::parse`] (or reading back a stored one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SignatoryName(String);

impl SignatoryName {
    /// Cleans and checks a typed name.
    pub fn parse(raw: &str) -> Result<SignatoryName, FieldError> {
        let text = clean_text(raw, Field::Name, NAME_MAX_GRAPHEMES)?;
        if text.is_empty() {
            return Err(FieldError::new(Field::Name, FieldProblem::Required));
        }
        if !text.chars().any(char::is_alphanumeric) {
            return Err(FieldError::new(Field::Name, FieldProblem::NoLetter));
        }
        Ok(SignatoryName(text))
    }

    /// The cleaned name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form two names share when they are "the same" to a reader:
    /// compatibility-decomposed, without diacritics, lower case, without
    /// white space or punctuation.
    pub fn folded(&self) -> String {
        fold(&self.0)
    }

    /// Key that orders a group on the page: organisations and companies by
    /// name without a leading article, individuals by family name (last word,
    /// with particles such as "La" or "van") then by whole name.
    pub fn sort_key(&self, kind: Kind) -> String {
        let words: Vec<&str> = self.0.split(char::is_whitespace).collect();
        match kind {
            Kind::Individual => {
                let mut start = words.len() - 1;
                while start > 1 && is_name_particle(words[start - 1]) {
                    start -= 1;
                }
                format!("{}\u{0}{}", fold(&words[start..].join(" ")), fold(&self.0))
            }
            Kind::Organization | Kind::Company => {
                let rest = match words.split_first() {
                    Some((first, rest)) if !rest.is_empty() && is_leading_article(first) => rest,
                    _ => &words[..],
                };
                let key = fold(&rest.join(" "));
                // A name of nothing but punctuation folds to "": keep it orderable.
                if key.is_empty() {
                    self.0.to_lowercase()
                } else {
                    key
                }
            }
        }
    }
}

impl fmt::Display for SignatoryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The folded form of any text (see [`SignatoryName::folded`]).
pub fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn is_leading_article(word: &str) -> bool {
    const ARTICLES: [&str; 16] = [
        "the", "a", "an", "la", "las", "le", "les", "el", "los", "il", "lo", "gli", "die", "der", "das",
        "het",
    ];
    ARTICLES.iter().any(|a| a.eq_ignore_ascii_case(word))
}

fn is_name_particle(word: &str) -> bool {
    const PARTICLES: [&str; 18] = [
        "la", "le", "de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "ten", "ter", "zu",
        "bin", "ibn", "st",
    ];
    PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(word))
}

macro_rules! optional_text {
    ($(#[$doc:meta])* $name:ident, $field:expr, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Empty input means "not given".
            pub fn parse(raw: &str) -> Result<Option<$name>, FieldError> {
                let text = clean_text(raw, $field, $max)?;
                Ok((!text.is_empty()).then_some($name(text)))
            }

            /// The cleaned text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

optional_text!(
    /// Title, employer or city shown after a name.
    Affiliation,
    Field::Affiliation,
    AFFILIATION_MAX_GRAPHEMES
);
optional_text!(
    /// Free-text country, as the signer writes it.
    Country,
    Field::Country,
    COUNTRY_MAX_GRAPHEMES
);

/// A complete, checked signature as the visitor submitted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    /// The name.
    pub name: SignatoryName,
    /// Who signs.
    pub kind: Kind,
    /// Title, employer or city, if given.
    pub affiliation: Option<Affiliation>,
    /// Country, if given.
    pub country: Option<Country>,
    /// Unlisted signatures are counted but the name is never shown or exported.
    pub listed: bool,
    /// The organisation's or company's website, where it may prove that it
    /// signed; never an individual's.
    pub website: Option<super::website::Website>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_name_parses_unchanged() {
        let content = crate::letter::Content::embedded();
        let mut n = 0;
        for (kind, names) in &content.signatories {
            for name in names {
                let parsed = SignatoryName::parse(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
                assert_eq!(parsed.as_str(), name, "{kind} name changed");
                n += 1;
            }
        }
        assert_eq!(n, 322);
    }

    proptest::proptest! {
        /// Whatever is typed: no panic; what is accepted is clean, and
        /// parsing it again changes nothing.
        #[test]
        fn parsing_is_total_clean_and_idempotent(raw in "\\PC{0,60}|[\\u{0}-\\u{3000}]{0,40}") {
            if let Ok(name) = SignatoryName::parse(&raw) {
                let text = name.as_str();
                proptest::prop_assert_eq!(text.trim(), text);
                proptest::prop_assert!(!text.contains("  "));
                let hidden = |c: char| {
                    c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
                };
                proptest::prop_assert!(!text.chars().any(hidden), "hidden characters left");
                proptest::prop_assert!(unicode_normalization::is_nfc(text));
                proptest::prop_assert!(text.graphemes(true).count() <= NAME_MAX_GRAPHEMES);
                let again = SignatoryName::parse(text).unwrap();
                proptest::prop_assert_eq!(again.as_str(), text);
                let _ = name.sort_key(Kind::Individual);
                let _ = name.sort_key(Kind::Organization);
            }
        }
    }

    #[test]
    fn white_space_is_trimmed_and_collapsed() {
        let n = SignatoryName::parse("  Ada \t\n Lovelace\u{00A0} ").unwrap();
        assert_eq!(n.as_str(), "Ada Lovelace");
        let nbsp = SignatoryName::parse("Amnesty\u{00A0}International \u{00A0}UK").unwrap();
        assert_eq!(nbsp.as_str(), "Amnesty\u{00A0}International UK");
    }

    #[test]
    fn bidi_controls_and_invisibles_are_removed() {
        let n = SignatoryName::parse("Ev\u{202E}il\u{2066} Co\u{200B}rp\u{0007}\u{FEFF}").unwrap();
        assert_eq!(n.as_str(), "Evil Corp");
    }

    #[test]
    fn joiners_needed_by_persian_and_indic_names_are_kept() {
        let persian = "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}";
        assert_eq!(SignatoryName::parse(persian).unwrap().as_str(), persian);
        let devanagari = "\u{0915}\u{094D}\u{200D}\u{0937}";
        assert_eq!(SignatoryName::parse(devanagari).unwrap().as_str(), devanagari);
    }

    #[test]
    fn names_are_nfc() {
        let decomposed = "Cre\u{0301}pin";
        assert_eq!(SignatoryName::parse(decomposed).unwrap().as_str(), "Cr\u{e9}pin");
    }

    #[test]
    fn zalgo_is_refused_but_real_stacks_pass() {
        let zalgo = format!("Z{}algo", "\u{0301}\u{0302}\u{0303}\u{0304}\u{0305}\u{0306}");
        let err = SignatoryName::parse(&zalgo).unwrap_err();
        assert_eq!(err.field, Field::Name);
        // Vietnamese with two marks on one letter, decomposed.
        assert!(SignatoryName::parse("Nguye\u{0302}\u{0303}n").is_ok());
    }

    #[test]
    fn empty_and_symbol_only_names_are_refused() {
        assert_eq!(SignatoryName::parse("   ").unwrap_err().problem, FieldProblem::Required);
        assert_eq!(SignatoryName::parse("\u{202E}\u{200B}").unwrap_err().problem, FieldProblem::Required);
        assert!(SignatoryName::parse("...").is_err());
    }

    #[test]
    fn length_is_bounded_in_graphemes_not_bytes() {
        let long_ok = "\u{0416}".repeat(NAME_MAX_GRAPHEMES);
        assert!(SignatoryName::parse(&long_ok).is_ok());
        let too_long = "a".repeat(NAME_MAX_GRAPHEMES + 1);
        assert_eq!(SignatoryName::parse(&too_long).unwrap_err().problem, FieldProblem::TooLong);
    }

    #[test]
    fn other_scripts_parse() {
        for name in [
            "\u{0645}\u{062D}\u{0645}\u{062F} \u{0639}\u{0644}\u{064A}",
            "\u{674E}\u{5C0F}\u{9F99}",
            "\u{0410}\u{043D}\u{043D}\u{0430} \u{041F}\u{0435}\u{0442}\u{0440}\u{043E}\u{0432}\u{0430}",
        ] {
            assert_eq!(SignatoryName::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn folding_ignores_case_diacritics_and_spacing() {
        let a = SignatoryName::parse("Críptica").unwrap();
        let b = SignatoryName::parse("CRIP TICA").unwrap();
        assert_eq!(a.folded(), b.folded());
        assert_ne!(a.folded(), SignatoryName::parse("Criptica Two").unwrap().folded());
    }

    #[test]
    fn kinds_parse_from_form_values() {
        assert_eq!(Kind::parse("individual").unwrap(), Kind::Individual);
        assert_eq!(Kind::parse("organisation").unwrap(), Kind::Organization);
        assert_eq!(Kind::parse("government").unwrap_err().field, Field::Kind);
    }

    #[test]
    fn optional_fields_are_none_when_blank() {
        assert_eq!(Affiliation::parse("  ").unwrap(), None);
        assert_eq!(Country::parse(" Chile ").unwrap().unwrap().as_str(), "Chile");
        assert!(Country::parse(&"x".repeat(COUNTRY_MAX_GRAPHEMES + 1)).is_err());
    }

    /// The sort rule reproduces the seed's own order except where the seed
    /// itself is inconsistent; those places are listed so a change to the
    /// rule that breaks more of the seed fails here.
    #[test]
    fn sort_rule_matches_the_seed_order() {
        let content = crate::letter::Content::embedded();
        let known_exceptions = [
            "Electronic Frontiers Australia",
            "eQuallit.ie",
            "IIS (The Internet Infrastructure Foundation)",
            "Internet Society (ISOC)",
            "R Street Institute",
            "Matt Blaze",
            "Jesús Robles Maloof",
        ];
        for (kind, names) in &content.signatories {
            let kept: Vec<&String> =
                names.iter().filter(|n| !known_exceptions.contains(&n.as_str())).collect();
            let keys: Vec<String> =
                kept.iter().map(|n| SignatoryName::parse(n).unwrap().sort_key(*kind)).collect();
            for (i, pair) in keys.windows(2).enumerate() {
                assert!(pair[0] <= pair[1], "{kind}: {} sorts after {}", kept[i], kept[i + 1]);
            }
        }
    }

    #[test]
    fn leading_articles_and_particles() {
        let the = SignatoryName::parse("The Tor Project").unwrap();
        assert!(the.sort_key(Kind::Organization).starts_with("torproject"));
        let la_rue = SignatoryName::parse("Frank La Rue").unwrap();
        assert!(la_rue.sort_key(Kind::Individual).starts_with("larue\u{0}"));
        let single = SignatoryName::parse("Maxigas").unwrap();
        assert!(single.sort_key(Kind::Individual).starts_with("maxigas"));
    }
}
