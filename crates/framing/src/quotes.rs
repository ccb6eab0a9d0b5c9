//! Quotation marks: which parts of a text are someone's quoted words, and which quoted words
//! are scare quotes (a word or two set off by the writer, attributed to no one).

use crate::lexicon::Token;
use std::ops::Range;

/// Words before a short quote that say someone used it: the quote reports a word, it does not
/// cast doubt on it ("called the plan \"premature\"").
const REPORTING_WORDS: &[&str] = &[
    "call",
    "calls",
    "called",
    "calling",
    "describe",
    "describes",
    "described",
    "describing",
    "dub",
    "dubs",
    "dubbed",
    "term",
    "terms",
    "termed",
    "label",
    "labels",
    "labeled",
    "labelled",
    "brand",
    "brands",
    "branded",
    "word",
    "words",
    "phrase",
    "said",
    "says",
    "say",
    "as",
    "name",
    "named",
    "names",
    "slogan",
    "chant",
    "chanted",
    "chanting",
    "wrote",
    "writes",
    "tweeted",
    "posted",
    "headline",
    "headlined",
    "titled",
    "entitled",
    "nicknamed",
];

/// Byte ranges inside quotation marks (the marks excluded). Curly and guillemet quotes pair by
/// direction; straight double quotes pair in order. A quote left open runs to the end of the
/// text, and a closing mark with no opening one closes a quote that began before the text (a
/// paragraph that continues a quote).
pub fn quoted_regions(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None; // byte after the opening mark
    let mut first_close_without_open: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        let next = chars.get(k + 1).map(|n| n.1);
        let kind = match c {
            '\u{201c}' | '\u{ab}' | '\u{201e}' => Mark::Open,
            '\u{201d}' | '\u{bb}' => Mark::Close,
            '"' => {
                if open.is_some() {
                    Mark::Close
                } else if prev.is_none_or(|p| p.is_whitespace() || "([{-\u{2014}\u{2013}".contains(p)) || next.is_some_and(|n| n.is_alphanumeric()) {
                    Mark::Open
                } else {
                    Mark::Close
                }
            }
            // a single quote opens only after a space and closes only before a non-letter:
            // elsewhere it is an apostrophe ("don't", "the Smiths' house")
            '\u{2018}' if prev.is_none_or(char::is_whitespace) => Mark::Open,
            '\u{2019}' | '\'' if open.is_some() && next.is_none_or(|n| !n.is_alphanumeric()) && opened_single(text, open) => Mark::Close,
            '\'' if prev.is_none_or(char::is_whitespace) && next.is_some_and(char::is_alphanumeric) => Mark::Open,
            _ => continue,
        };
        match (kind, open) {
            (Mark::Open, None) => open = Some(i + c.len_utf8()),
            (Mark::Open, Some(_)) => {} // nested quotes stay inside the outer one
            (Mark::Close, Some(s)) => {
                if closes(text, s, c) {
                    out.push(s..i);
                    open = None;
                }
            }
            (Mark::Close, None) => {
                if out.is_empty() && first_close_without_open.is_none() && matches!(c, '\u{201d}' | '"' | '\u{bb}') {
                    first_close_without_open = Some(i);
                }
            }
        }
    }
    if let Some(s) = open {
        out.push(s..text.len());
    }
    if let Some(e) = first_close_without_open {
        out.insert(0, 0..e);
    }
    out
}

enum Mark {
    Open,
    Close,
}

/// Whether the quote opened just before `open` was a single one.
fn opened_single(text: &str, open: Option<usize>) -> bool {
    open.and_then(|s| text[..s].chars().next_back()).is_some_and(|c| matches!(c, '\u{2018}' | '\''))
}

/// Whether `close` ends the quote whose text starts at `start`: a double mark closes a double
/// quote, a single one a single quote.
fn closes(text: &str, start: usize, close: char) -> bool {
    let opener = text[..start].chars().next_back().unwrap_or('"');
    let single = matches!(opener, '\u{2018}' | '\'');
    single == matches!(close, '\u{2019}' | '\'')
}

/// Scare quotes: quoted stretches of one to three words that start in lowercase, carry no
/// punctuation of their own, and follow no reporting word within three words.
pub fn scare_quotes(text: &str, quoted: &[Range<usize>], tokens: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for q in quoted {
        let inner = text[q.clone()].trim();
        let words: Vec<&Token> = tokens.iter().filter(|t| t.start >= q.start && t.end <= q.end).collect();
        if words.is_empty() || words.len() > 3 || q.end == text.len() || q.start == 0 {
            continue;
        }
        if !inner.chars().next().is_some_and(char::is_lowercase) || inner.chars().any(|c| ",.;:!?".contains(c)) {
            continue;
        }
        // "called the plan \"premature\"": the reporting word may stand a few words back
        let mut before = tokens.iter().rev().filter(|t| t.end <= q.start).take(3);
        if before.any(|t| REPORTING_WORDS.contains(&t.word.as_str())) {
            continue;
        }
        out.push(words[0].start..words[words.len() - 1].end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(text: &str) -> Vec<&str> {
        quoted_regions(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn curly_straight_and_single_quotes_pair() {
        assert_eq!(regions("\u{201c}We will rebuild,\u{201d} she said."), vec!["We will rebuild,"]);
        assert_eq!(regions("He said \"no deal\" and left, saying \"enough.\""), vec!["no deal", "enough."]);
        assert_eq!(regions("The minister\u{2019}s aide said \u{2018}not now\u{2019} twice."), vec!["not now"]);
        assert!(regions("The Smiths' house and don't.").is_empty());
    }

    #[test]
    fn quotes_that_run_past_the_text_are_cut_at_its_edges() {
        assert_eq!(regions("\u{201c}We will rebuild. We always do."), vec!["We will rebuild. We always do."]);
        assert_eq!(regions("Nothing else matters,\u{201d} he said."), vec!["Nothing else matters,"]);
    }
}
