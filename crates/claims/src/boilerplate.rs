//! Page furniture that survives extraction as sentences and must never become a claim: bylines,
//! author bios, syndication notes, newsletter and follow prompts, corrections, credits. Kept as
//! data, one pattern a line; generic news furniture only.

use regex::Regex;
use std::sync::OnceLock;

const PATTERNS: &[&str] = &[
    // author bios: "Brooke Singman is a reporter for Fox News", "Jane Doe is a senior editor at X"
    r"^(?:[\p{Lu}][\p{L}'’.\-]+\s+){2,4}(?:is|was|has been)\s+(?:a|an|the)\s+(?:[\p{L}\-]+\s+){0,4}(?i:reporter|correspondent|writer|editor|journalist|columnist|producer|contributor|staff writer|anchor|host|fellow|intern)\b",
    // syndication and origin notes
    r"(?i)\b(?:first|originally)\s+(?:published|appeared|ran)\s+(?:by|on|in|at)\b",
    r"(?i)^this (?:story|article|report|piece) (?:was|has been|is) (?:first |originally )?(?:published|produced|reported|updated|republished)",
    r"(?i)\b(?:contributed|contributing) (?:to )?(?:this|the) (?:report|story|article)\b",
    r"(?i)^(?:reporting|additional reporting|writing|editing) by\b",
    // corrections and updates
    r"(?i)^(?:correction|clarification|update|editor'?s note)\s*[:\-—]",
    r"(?i)^an? (?:earlier|previous) version of this (?:story|article|report)",
    r"(?i)\bthis (?:story|article|report) has been (?:updated|corrected)\b",
    // prompts
    r"(?i)^(?:sign up|subscribe|follow (?:us|him|her|them)|click here|read more|download (?:the|our)|get (?:the|our) (?:latest|newsletter))\b",
    r"(?i)\b(?:sign up for|subscribe to) (?:our|the) (?:\w+ )?(?:newsletter|podcast|alerts?)\b",
    r"(?i)^follow [\p{L} .]+ on (?:twitter|x|facebook|instagram)\b",
    r"(?i)^(?:copyright|©|\(c\))\s",
    r"(?i)\ball rights reserved\b",
    r"(?i)^(?:photo|image|video|graphic)s?\s*(?:credit)?\s*[:\-—|]",
    r"(?i)^the associated press contributed\b",
];

fn compiled() -> &'static Vec<Regex> {
    static P: OnceLock<Vec<Regex>> = OnceLock::new();
    P.get_or_init(|| PATTERNS.iter().map(|p| Regex::new(p).expect("boilerplate pattern")).collect())
}

/// Whether a sentence is page furniture rather than reporting.
pub fn is_boilerplate(sentence: &str) -> bool {
    let s = sentence.trim().trim_start_matches(['"', '\u{201c}', '(', '[', '*', '-', '\u{2014}', ' ']);
    compiled().iter().any(|re| re.is_match(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_is_recognised() {
        for s in [
            "Brooke Singman is a Reporter for Fox News.",
            "Ada Quill is a senior political correspondent at The Daily Lamp.",
            "This story was first published by Meridian Wire.",
            "The article originally appeared on Harbor Notes.",
            "Tom Reyes contributed to this report.",
            "Reporting by Ana Ruiz; editing by Lee Park.",
            "Correction: An earlier version misstated the date.",
            "An earlier version of this story gave the wrong name.",
            "Sign up for our Morning Brief newsletter.",
            "Follow Ada Quill on Twitter.",
        ] {
            assert!(is_boilerplate(s), "{s}");
        }
    }

    #[test]
    fn reporting_is_not() {
        for s in [
            "The governor is a former reporter who covered the port for years.",
            "Twelve people died when the ferry capsized, officials said.",
            "The council first published its plan in March.",
            "She was a correspondent for the paper before entering politics, aides said.",
        ] {
            assert!(!is_boilerplate(s), "{s}");
        }
    }
}
