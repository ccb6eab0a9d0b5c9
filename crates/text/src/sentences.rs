//! Sentence boundaries for news prose.
//!
//! News text is hard on naive splitters: "Aug. 1", "U.S.", "Gen. Smith", initials, quotes that
//! close after the period, and page dumps where two sentences lost the space between them
//! ("briefing.He also noted"). The rules below are ordered by how often they matter.

/// Abbreviations that end with a period but rarely end a sentence (lowercase, without the dot).
/// Month and weekday abbreviations come from [`crate::calendar::abbreviations`].
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "cpl", "pvt", "gov", "sen", "rep",
    "rev", "hon", "pres", "supt", "insp", "amb", "no", "nos", "vol", "vs", "v", "etc", "e.g", "i.e", "approx", "est", "dept", "univ", "inc", "ltd", "co",
    "corp", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "d.c", "n.y", "l.a", "ave", "blvd", "fig", "al",
];

const CLOSERS: &[char] = &['"', '\'', '\u{201d}', '\u{2019}', ')', ']', '\u{bb}'];

/// A sentence as a byte range of the text it was split from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    pub start: usize,
    pub end: usize,
}

/// Splits one paragraph into sentences. Spans are trimmed of surrounding whitespace and never
/// empty; their text is `&text[start..end]`.
pub fn split_sentences(text: &str) -> Vec<SentenceSpan> {
    // Byte offsets throughout: terminators are rare, so the text is searched for them and only
    // their surroundings are decoded.
    let mut spans = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    while let Some((at, term)) = text[i..].char_indices().find(|&(_, c)| is_terminator(c)).map(|(k, c)| (i + k, c)) {
        // swallow runs like "?!" or "..." and closing quotes/brackets
        let mut j = at + term.len_utf8();
        for c in text[j..].chars() {
            if !is_terminator(c) {
                break;
            }
            j += c.len_utf8();
        }
        for c in text[j..].chars() {
            if !CLOSERS.contains(&c) {
                break;
            }
            j += c.len_utf8();
        }
        if is_boundary(text, at, term, j) {
            push_trimmed(text, start, j, &mut spans);
            start = j;
        }
        i = j;
    }
    push_trimmed(text, start, text.len(), &mut spans);
    spans
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{2026}' | '\u{3002}' | '\u{ff01}' | '\u{ff1f}')
}

fn push_trimmed(text: &str, start: usize, end: usize, spans: &mut Vec<SentenceSpan>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail < piece.len() {
        spans.push(SentenceSpan { start: start + lead, end: end - trail });
    }
}

/// Decides whether the terminator `term` at byte `at`, whose trailing punctuation ends at byte
/// `after`, ends a sentence.
fn is_boundary(text: &str, at: usize, term: char, after: usize) -> bool {
    let mut rest = text[after..].chars();
    let Some(next) = rest.next() else { return true };
    // CJK full stops end a sentence whatever follows: those scripts put no space after them.
    if matches!(term, '\u{3002}' | '\u{ff01}' | '\u{ff1f}') {
        return true;
    }
    // nothing was swallowed after a single period
    let lone_period = term == '.' && after == at + 1;
    if !next.is_whitespace() {
        // Glued sentences from page dumps: "briefing.He". Only a lowercase word of two or more
        // letters before and a capitalised word after count, so "U.S.", "e.g." and domain names
        // stay whole.
        if !lone_period {
            return false;
        }
        let prev_word = word_before(text, at);
        let lower_tail = prev_word.chars().count() >= 2 && prev_word.chars().all(|c| c.is_lowercase());
        let cap_next = next.is_uppercase() && rest.next().is_some_and(|c| c.is_lowercase());
        return lower_tail && cap_next;
    }
    let Some(first) = text[after..].chars().find(|c| !c.is_whitespace()) else { return true };
    if first.is_lowercase() {
        return false;
    }
    !(lone_period && abbreviation_or_initial(word_before(text, at)))
}

/// Whether the word before a period makes it no sentence end: an abbreviation ("No. 5" and
/// "Aug. 1" go on; a month abbreviation before a capital usually ends nothing either, "Jan.
/// Smith" being rarer than "on Jan. The") or a single capital, an initial ("John F. Kennedy").
fn abbreviation_or_initial(word: &str) -> bool {
    let lower = word.to_lowercase();
    let w = lower.trim_end_matches('.');
    ABBREVIATIONS.contains(&w) || crate::calendar::abbreviations().any(|a| a == w) || (word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase()))
}

/// The run of letters and inner dots just before byte `at`.
fn word_before(text: &str, at: usize) -> &str {
    let mut k = at;
    let mut back = text[..at].chars().rev().peekable();
    while let Some(c) = back.next() {
        let takes = c.is_alphabetic() || (c == '.' && back.peek().is_some_and(|p| p.is_alphabetic()));
        if !takes {
            break;
        }
        k -= c.len_utf8();
    }
    &text[k..at]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character-array splitter this one replaced, as its oracle.
    fn reference_split(text: &str) -> Vec<SentenceSpan> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut spans = Vec::new();
        let mut start = 0usize;
        let mut i = 0usize;
        while i < chars.len() {
            let (_, c) = chars[i];
            if is_terminator(c) {
                // swallow runs like "?!" or "..." and closing quotes/brackets
                let mut j = i + 1;
                while j < chars.len() && is_terminator(chars[j].1) {
                    j += 1;
                }
                while j < chars.len() && CLOSERS.contains(&chars[j].1) {
                    j += 1;
                }
                if ref_is_boundary(&chars, i, j) {
                    let end = if j < chars.len() { chars[j].0 } else { text.len() };
                    push_trimmed(text, start, end, &mut spans);
                    start = end;
                }
                i = j;
            } else {
                i += 1;
            }
        }
        push_trimmed(text, start, text.len(), &mut spans);
        spans
    }

    /// Decides whether the terminator at `chars[at]`, whose trailing punctuation ends before
    /// `chars[after]`, ends a sentence.
    fn ref_is_boundary(chars: &[(usize, char)], at: usize, after: usize) -> bool {
        if after >= chars.len() {
            return true;
        }
        let term = chars[at].1;
        let next = chars[after].1;
        // CJK full stops end a sentence whatever follows: those scripts put no space after them.
        if matches!(term, '\u{3002}' | '\u{ff01}' | '\u{ff1f}') {
            return true;
        }
        if !next.is_whitespace() {
            // Glued sentences from page dumps: "briefing.He". Only a lowercase word of two or more
            // letters before and a capitalised word after count, so "U.S.", "e.g." and domain names
            // stay whole.
            if term != '.' || after != at + 1 {
                return false;
            }
            let prev_word = ref_word_before(chars, at);
            let lower_tail = prev_word.chars().count() >= 2 && prev_word.chars().all(|c| c.is_lowercase());
            let cap_next = next.is_uppercase() && chars.get(after + 1).is_some_and(|c| c.1.is_lowercase());
            return lower_tail && cap_next;
        }
        let mut k = after;
        while k < chars.len() && chars[k].1.is_whitespace() {
            k += 1;
        }
        let Some(&(_, first)) = chars.get(k) else { return true };
        if first.is_lowercase() {
            return false;
        }
        !(term == '.' && after == at + 1 && abbreviation_or_initial(&ref_word_before(chars, at)))
    }

    /// The run of letters and inner dots just before position `at`.
    fn ref_word_before(chars: &[(usize, char)], at: usize) -> String {
        let mut k = at;
        while k > 0 && (chars[k - 1].1.is_alphabetic() || (chars[k - 1].1 == '.' && k >= 2 && chars[k - 2].1.is_alphabetic())) {
            k -= 1;
        }
        chars[k..at].iter().map(|c| c.1).collect()
    }

    #[test]
    fn byte_splitter_matches_the_character_array_one() {
        let pieces = [
            "Mr", "Aug", "U.S", "he", "He", "it", "F", "é", "É", "д", "日", " ", "  ", "\n", ".", ". ", "!", "?", "...", "\u{2026}", "\u{3002}", "\"",
            "\u{201d}", ")", "'", "5", "approx", "No", "a",
        ];
        for text in crate::tests::random_texts(&pieces, 14, 20_000, 0x9e3779b97f4a7c15) {
            assert_eq!(split_sentences(&text), reference_split(&text), "{text:?}");
        }
    }

    fn split(text: &str) -> Vec<&str> {
        split_sentences(text).into_iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn abbreviations_dates_and_initials_do_not_split() {
        let t = "Putin said Aug. 1 that Mr. Smith and John F. Kennedy met in the U.S. capital. Then they left.";
        assert_eq!(split(t), vec!["Putin said Aug. 1 that Mr. Smith and John F. Kennedy met in the U.S. capital.", "Then they left."]);
    }

    #[test]
    fn quotes_close_after_the_period() {
        let t = "\"We are done.\" He left. She asked: \"Why?\" Nobody knew.";
        assert_eq!(split(t), vec!["\"We are done.\"", "He left.", "She asked: \"Why?\"", "Nobody knew."]);
    }

    #[test]
    fn glued_sentences_from_dumps_split() {
        let t = "during Friday's briefing.He also noted the U.S.Army plan on Daily8.com today.";
        assert_eq!(split(t), vec!["during Friday's briefing.", "He also noted the U.S.Army plan on Daily8.com today."]);
    }

    #[test]
    fn numbers_with_decimals_stay_whole() {
        assert_eq!(split("It grew 3.5 percent. Prices fell."), vec!["It grew 3.5 percent.", "Prices fell."]);
    }

    #[test]
    fn lowercase_after_period_is_not_a_boundary() {
        assert_eq!(split("He saw approx. ten people. OK"), vec!["He saw approx. ten people.", "OK"]);
    }

    #[test]
    fn empty_and_blank_give_nothing() {
        assert!(split("").is_empty());
        assert!(split("   ").is_empty());
    }
}
