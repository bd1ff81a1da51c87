//! The sign form's fields as a refusal names them: which field, what is
//! wrong with it, and how long each may be. A leaf, so that each field's
//! parser (names, websites) can refuse in the same terms.

/// Longest name accepted, in user-perceived characters (graphemes).
pub const NAME_MAX_GRAPHEMES: usize = 150;
/// Longest affiliation accepted, in graphemes.
pub const AFFILIATION_MAX_GRAPHEMES: usize = 200;
/// Longest country accepted, in graphemes.
pub const COUNTRY_MAX_GRAPHEMES: usize = 60;
/// Longest text the field takes, before any parsing.
pub const WEBSITE_MAX_CHARS: usize = 300;

/// Which form field a refusal is about, so the page can name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `name`
    Name,
    /// `kind`
    Kind,
    /// `affiliation`
    Affiliation,
    /// `country`
    Country,
    /// `website` (organisations and companies)
    Website,
}

impl Field {
    /// The most characters (graphemes) the field takes; `None` for a choice.
    pub fn max_chars(self) -> Option<usize> {
        match self {
            Field::Name => Some(NAME_MAX_GRAPHEMES),
            Field::Affiliation => Some(AFFILIATION_MAX_GRAPHEMES),
            Field::Country => Some(COUNTRY_MAX_GRAPHEMES),
            Field::Website => Some(WEBSITE_MAX_CHARS),
            Field::Kind => None,
        }
    }

    /// The form field's name, which is also its element id on the page.
    pub fn id(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Kind => "kind",
            Field::Affiliation => "affiliation",
            Field::Country => "country",
            Field::Website => "website",
        }
    }
}

/// What is wrong with a field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldProblem {
    /// Empty where a value is needed.
    Required,
    /// No letter or digit at all.
    NoLetter,
    /// Longer than the field allows.
    TooLong,
    /// A flood of combining marks on one character.
    TooManyMarks,
    /// Not one of the kinds.
    UnknownKind,
    /// Not a public website's domain or `https://` address.
    NotAWebsite,
    /// A website given by an individual: only organisations and
    /// companies prove their signature.
    WebsiteNotForIndividuals,
}

/// A refused field and why; the words are the catalogue's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldError {
    /// The field.
    pub field: Field,
    /// What is wrong with it.
    pub problem: FieldProblem,
}

impl FieldError {
    /// A refusal of `field`.
    pub fn new(field: Field, problem: FieldProblem) -> Self {
        FieldError { field, problem }
    }
}
