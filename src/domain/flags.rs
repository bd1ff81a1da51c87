//! Flags computed when a signature arrives, so a moderator sees at a glance
//! what to look at: a look-alike of another name (UTS #39 confusable
//! skeletons: "Amnesty lnternational", a Cyrillic "а"), a name mixing
//! scripts, a name that carries a web address, or one that a spreadsheet
//! would read as a formula. Exact duplicates are found by the store through
//! the folded name. These are pure functions over a checked name.

use super::signatory::SignatoryName;
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
/// alike to a reader. Computed on the name as written (case matters: a
/// capital I and a small l share a skeleton), white space removed.
pub fn skeleton(name: &SignatoryName) -> String {
    uts39_skeleton(name.as_str()).filter(|c| !c.is_whitespace()).collect()
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

fn looks_like_url(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("://") || lower.contains("www.") || lower.contains("http:") || lower.contains("https:")
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
        for (_, names) in &content.signatories {
            for n in names {
                assert!(intrinsic(&name(n)).is_empty(), "{n}");
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
