//! Flags computed when a signature arrives, so a moderator sees at a glance
//! what to look at: a look-alike of another name (UTS #39 confusable
//! skeletons, case folded and digits read as the letters they imitate:
//! "Amnesty lnternational", a Cyrillic "а", "Amnesty Internati0nal"), a
//! name mixing scripts, a name that carries a web address (for an
//! individual, a bare domain too: "evil.example.com"), or one that a
//! spreadsheet would read as a formula. Exact duplicates are found by the
//! store through the folded name. These are pure functions over a checked
//! name.

use super::signatory::{Kind, SignatoryName};
use serde::{Deserialize, Serialize};
use unicode_security::confusable_detection::skeleton as uts39_skeleton;
use unicode_security::MixedScript;

/// Why a signature waits for a moderator, beyond its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Same folded name as another signature of the same kind.
    DuplicateName,
    /// Looks like another signature's name without being the same name.
    LookAlike,
    /// Letters from more than one script in one name.
    MixedScript,
    /// Contains what looks like a web address.
    Url,
    /// Starts with `=`, `+`, `-` or `@`.
    FormulaStart,
}

impl Flag {
    /// Every flag, in the order the console lists them.
    pub const ALL: [Flag; 5] =
        [Flag::DuplicateName, Flag::LookAlike, Flag::MixedScript, Flag::Url, Flag::FormulaStart];

    /// Stable one-byte tag for index keys.
    pub fn tag(self) -> u8 {
        match self {
            Flag::DuplicateName => b'd',
            Flag::LookAlike => b'l',
            Flag::MixedScript => b'm',
            Flag::Url => b'u',
            Flag::FormulaStart => b'f',
        }
    }

    /// The flag's name in URLs and the console.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::DuplicateName => "duplicate",
            Flag::LookAlike => "look-alike",
            Flag::MixedScript => "mixed-script",
            Flag::Url => "url",
            Flag::FormulaStart => "formula",
        }
    }

    /// The flag named `s`.
    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The confusable skeleton of a name: two names with the same skeleton look
/// alike to a reader. The UTS #39 skeleton of the name as written (a
/// capital I and a small l meet there), white space removed; then case
/// folded, each digit read as the letter it passes for (UTS #39 maps "0" to
/// "O" but leaves a small "o" alone, and maps no "3" to "e"), and the
/// skeleton taken again, since folding makes new look-alikes ("M" becomes
/// "m", which passes for "rn"). With case folded, a small i is a capital I
/// too, so it meets the small l.
pub fn skeleton(name: &SignatoryName) -> String {
    let folded: String = uts39_skeleton(name.as_str())
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .map(digit_as_letter)
        .collect();
    uts39_skeleton(&folded).map(|c| if c == 'i' { 'l' } else { c }).collect()
}

/// The letter a digit is written for in look-alike names. One to one, so
/// that names told apart only by their numbers ("Local 6", "Local 8") stay
/// apart; 8 passes only for a capital B, which case folding has made 6's b.
fn digit_as_letter(c: char) -> char {
    match c {
        '0' => 'o',
        '1' => 'l',
        '2' => 'z',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '6' => 'b',
        '7' => 't',
        '9' => 'g',
        c => c,
    }
}

/// The flags a name carries on its own, without looking at other names.
pub fn intrinsic(name: &SignatoryName) -> Vec<Flag> {
    let text = name.as_str();
    let mut flags = Vec::new();
    if !text.is_single_script() {
        flags.push(Flag::MixedScript);
    }
    if looks_like_url(text) {
        flags.push(Flag::Url);
    }
    if text.starts_with(['=', '+', '-', '@']) {
        flags.push(Flag::FormulaStart);
    }
    flags
}

/// [`intrinsic`], and for an individual a bare domain as a web address:
/// a person is not called "evil.example.com", while organisations and
/// companies often go by their domain ("Ixquick.com").
pub fn intrinsic_as(kind: Kind, name: &SignatoryName) -> Vec<Flag> {
    let mut flags = intrinsic(name);
    if kind == Kind::Individual && !flags.contains(&Flag::Url) && holds_domain(name.as_str()) {
        flags.push(Flag::Url);
    }
    flags
}

fn looks_like_url(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("://") || lower.contains("www.") || lower.contains("http:") || lower.contains("https:")
}

/// Whether a word of the text is shaped like a domain: labels of letters,
/// digits and inner hyphens joined by dots, ending in a top-level label of
/// two or more letters (or an IDN's `xn--`). Initials ("J.M. Porup", "L.
/// Jean") end in a one-letter label or a dot, and are not.
fn holds_domain(text: &str) -> bool {
    text.split_whitespace().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        let labels: Vec<&str> = word.split('.').collect();
        let Some(top) = labels.last() else { return false };
        labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && (top.starts_with("xn--") || (top.chars().count() >= 2 && top.chars().all(char::is_alphabetic)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> SignatoryName {
        SignatoryName::parse(s).unwrap()
    }

    #[test]
    fn look_alikes_share_a_skeleton() {
        let real = skeleton(&name("Amnesty International"));
        for fake in [
            "Amnesty lnternational",        // small L for capital i
            "Amn\u{0435}sty International", // Cyrillic е
            "\u{0410}mnesty International", // Cyrillic А
            "Amnesty  International",
        ] {
            assert_eq!(skeleton(&name(fake)), real, "{fake}");
        }
        assert_ne!(skeleton(&name("Amnesty Internationals")), real);
    }

    #[test]
    fn digits_written_for_letters_are_look_alikes() {
        let real = skeleton(&name("Amnesty International"));
        for fake in [
            "Amnesty Internati0nal",
            "Amn3sty International",
            "Amne5ty International",
            "Amnesty Internationa1",
            "AMNESTY INTERNATI0NAL",
            "4mnesty International",
        ] {
            assert_eq!(skeleton(&name(fake)), real, "{fake}");
        }
        assert_eq!(skeleton(&name("Twin 0rg")), skeleton(&name("Twin Org")));
        assert_ne!(skeleton(&name("Amnesty Intern")), real);
        let numbered: std::collections::HashSet<String> =
            (0..1000).map(|i| skeleton(&name(&format!("Signer {i}")))).collect();
        assert_eq!(numbered.len(), 1000, "names told apart by their numbers stay apart");
    }

    #[test]
    fn no_two_seed_names_look_alike() {
        let content = crate::letter::Content::embedded();
        let mut seen = std::collections::HashMap::new();
        for (_, names) in &content.signatories {
            for n in names {
                if let Some(other) = seen.insert(skeleton(&name(n)), n.clone()) {
                    panic!("{n} looks like {other}");
                }
            }
        }
    }

    #[test]
    fn a_bare_domain_is_a_web_address_for_an_individual() {
        for spam in
            ["evil.example.com", "Visit evil.example.com today", "(shop.example)", "xn--80ak6aa92e.xn--p1ai"]
        {
            assert_eq!(intrinsic_as(Kind::Individual, &name(spam)), vec![Flag::Url], "{spam}");
        }
        for person in
            ["J.M. Porup", "L. Jean Camp", "Dr. Suelette Dreyfus", "Samuel A. Akinsola", "Jean-Luc Picard"]
        {
            assert!(intrinsic_as(Kind::Individual, &name(person)).is_empty(), "{person}");
        }
        assert!(intrinsic_as(Kind::Company, &name("StartMail.com")).is_empty(), "companies go by domains");
        assert_eq!(intrinsic_as(Kind::Company, &name("www.startmail.com")), vec![Flag::Url]);
    }

    #[test]
    fn mixed_scripts_urls_and_formulas_are_flagged() {
        assert_eq!(intrinsic(&name("Amn\u{0435}sty International")), vec![Flag::MixedScript]);
        assert_eq!(intrinsic(&name("Buy now http://spam.example")), vec![Flag::Url]);
        assert_eq!(intrinsic(&name("=HYPERLINK(1)")), vec![Flag::FormulaStart]);
        assert!(
            intrinsic(&name(
                "\u{0410}\u{043D}\u{043D}\u{0430} \u{041F}\u{0435}\u{0442}\u{0440}\u{043E}\u{0432}\u{0430}"
            ))
            .is_empty(),
            "all Cyrillic is one script"
        );
    }

    #[test]
    fn the_seed_carries_no_flags() {
        let content = crate::letter::Content::embedded();
        for (kind, names) in &content.signatories {
            for n in names {
                assert!(intrinsic_as(*kind, &name(n)).is_empty(), "{n}");
            }
        }
    }

    #[test]
    fn flags_round_trip_their_names() {
        for f in Flag::ALL {
            assert_eq!(Flag::parse(f.as_str()), Some(f));
        }
    }
}
