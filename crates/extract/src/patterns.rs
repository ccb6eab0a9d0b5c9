//! The regular expressions of [`crate::rules`], compiled once.

use crate::rules;
use regex::{Regex, RegexSet};
use std::sync::OnceLock;

pub struct Patterns {
    pub chrome_line: RegexSet,
    pub chrome_fragment: RegexSet,
    pub end_marker: RegexSet,
    pub source_time: Regex,
    pub byline_prefix: Regex,
    pub role_line: Regex,
    pub error_title: RegexSet,
}

fn whole_line(p: &&str) -> String {
    format!(r"(?i)^\s*(?:{})\s*$", ascii_boundaries(p))
}

/// Unicode word boundaries force the slow regex engine; the chrome patterns are English words,
/// for which ASCII boundaries decide the same.
fn ascii_boundaries(p: &str) -> String {
    p.replace(r"\b", r"(?-u:\b)")
}

pub fn get() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        chrome_line: RegexSet::new(rules::CHROME_LINES.iter().map(whole_line)).expect("CHROME_LINES compile"),
        chrome_fragment: RegexSet::new(rules::CHROME_FRAGMENTS.iter().map(|p| format!("(?i){}", ascii_boundaries(p)))).expect("CHROME_FRAGMENTS compile"),
        end_marker: RegexSet::new(rules::END_OF_ARTICLE_MARKERS.iter().map(whole_line)).expect("END_OF_ARTICLE_MARKERS compile"),
        source_time: Regex::new(&format!("(?i){}", rules::SOURCE_TIME_LINE)).expect("SOURCE_TIME_LINE compiles"),
        byline_prefix: Regex::new(rules::BYLINE_PREFIX).expect("BYLINE_PREFIX compiles"),
        role_line: Regex::new(rules::ROLE_LINE).expect("ROLE_LINE compiles"),
        error_title: RegexSet::new(rules::ERROR_PAGE_TITLES.iter().map(whole_line)).expect("ERROR_PAGE_TITLES compile"),
    })
}

impl Patterns {
    /// A title (its first segment) that names an error page.
    pub fn is_error_title(&self, title: &str) -> bool {
        self.error_title.is_match(title)
    }

    /// A line or block that is chrome wherever it stands.
    pub fn is_chrome(&self, line: &str) -> bool {
        // Chrome is short: long paragraphs are prose, and skipping them keeps the regex cost off
        // the bulk of the text.
        line.len() <= rules::MAX_CHROME_CHARS && (self.chrome_line.is_match(line) || self.chrome_fragment.is_match(line))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_compiles_and_matches_its_kind() {
        let p = super::get();
        assert!(p.is_chrome("2 min read"));
        assert!(p.is_chrome("Leaders met in Volgograd. (Photo by JANE DOE/POOL/AFP via Getty Images)"));
        assert!(p.end_marker.is_match("Related Articles"));
        assert!(p.end_marker.is_match("News Feed"));
        assert!(!p.is_chrome("The president said the first batch has been produced."));
        let c = p.source_time.captures("Russia Today2 days ago").unwrap();
        assert_eq!(&c[1], "Russia Today");
        assert!(p.is_error_title("Error") && p.is_error_title("404 Not Found") && p.is_error_title("Just a moment..."));
        assert!(!p.is_error_title("Error rates in ferry inspections doubled, audit finds"));
    }
}
