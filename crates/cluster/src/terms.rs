//! What an article contributes to similarity: the terms of its title and lede and the names in
//! them, counted under their [`parallax_text::term_key`].

use crate::{aliases, ClusterConfig};
use rustc_hash::FxHashMap as HashMap;

/// Raw term counts of one article, before IDF, by [`parallax_text::term_key`]: what the store
/// keeps so a later run can rebuild the index without re-reading the text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermCounts(pub Vec<(u64, f32)>);

impl TermCounts {
    /// [`TermCounts::from_article`] of a body given as paragraphs: only the lede is joined.
    pub fn from_paragraphs(title: &str, paragraphs: &[String], config: &ClusterConfig) -> TermCounts {
        let mut lede = String::new();
        let mut left = config.lead_words;
        for p in paragraphs {
            if left == 0 {
                break;
            }
            if !lede.is_empty() {
                lede.push_str("\n\n");
            }
            let (part, words) = leading_words(p, left);
            lede.push_str(part);
            left -= words;
        }
        TermCounts::count(title, &lede, config)
    }

    pub fn from_article(title: &str, body: &str, config: &ClusterConfig) -> TermCounts {
        TermCounts::count(title, leading_words(body, config.lead_words).0, config)
    }

    fn count(title: &str, lede: &str, config: &ClusterConfig) -> TermCounts {
        // a lede has a few hundred distinct terms at most: no regrowth on the way
        let mut counts: HashMap<u64, f32> = HashMap::with_capacity_and_hasher(256, Default::default());
        for (text, weight) in [(title, config.title_weight), (lede, 1.0)] {
            for_each_token(text, |token, first_in_sentence| {
                for &t in token.terms.iter() {
                    *counts.entry(t).or_insert(0.0) += weight;
                }
                if let Some(name) = token.entity.filter(|_| !first_in_sentence) {
                    *counts.entry(name).or_insert(0.0) += config.entity_weight;
                }
            });
        }
        // Fx hashing has no random seed, so the order is the same on every run
        TermCounts(counts.into_iter().collect())
    }
}

/// The text up to the end of its `n`th whitespace-separated word, and how many words that is.
fn leading_words(text: &str, n: usize) -> (&str, usize) {
    fn cut(text: &str, n: usize, spaces: impl Iterator<Item = (usize, bool)>) -> (&str, usize) {
        let mut words = 0;
        let mut in_word = false;
        for (i, space) in spaces {
            if !space {
                in_word = true;
            } else if in_word {
                words += 1;
                if words == n {
                    return (&text[..i], n);
                }
                in_word = false;
            }
        }
        (text, words + usize::from(in_word))
    }
    if n == 0 {
        ("", 0)
    } else if text.is_ascii() {
        // extracted paragraphs are ASCII-spaced: the usual path
        cut(text, n, text.bytes().enumerate().map(|(i, b)| (i, (b as char).is_whitespace())))
    } else {
        cut(text, n, text.char_indices().map(|(i, c)| (i, c.is_whitespace())))
    }
}

/// Capitalised words that are not the first word of a sentence, stemmed: "Belarus", "Putin",
/// "Oreshnik". Cheap, language-agnostic for Latin and Cyrillic scripts, and the strongest single
/// signal that two reports are about one event.
pub fn entities(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for sentence in parallax_text::split_sentences(text) {
        for raw in text[sentence.start..sentence.end].split_whitespace().skip(1) {
            with_entity(raw, |e| out.push(e.to_string()));
        }
    }
    out
}

/// Calls `f` with the stemmed name a whitespace-separated word is, if it is one (see
/// [`entities`]; the caller knows whether it starts a sentence).
fn with_entity(raw: &str, f: impl FnOnce(&str)) {
    let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
    let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w);
    let first_upper = w.chars().next().is_some_and(char::is_uppercase);
    if !first_upper || w.chars().all(|c| !c.is_lowercase()) || w.chars().nth(2).is_none() {
        return;
    }
    let lower = w.to_lowercase();
    if !parallax_text::is_stopword(&lower) {
        parallax_text::with_stem(&lower, f);
    }
}

/// What one whitespace-separated word of a text counts as.
#[derive(Debug, Default)]
struct Token {
    /// Its terms (usually one; none for a stop word; one per part of a hyphenated word).
    terms: Box<[u64]>,
    /// Its key as a name, when it is not the first word of a sentence.
    entity: Option<u64>,
}

impl Token {
    fn of(raw: &str) -> Token {
        let mut terms = Vec::new();
        parallax_text::for_each_term(raw, |t| terms.push(parallax_text::term_key(aliases::canonical(t))));
        let mut entity = None;
        with_entity(raw, |e| {
            let mut key = String::with_capacity(e.len() + 1);
            key.push('@');
            key.push_str(aliases::canonical(e));
            entity = Some(parallax_text::term_key(&key));
        });
        Token { terms: terms.into(), entity }
    }
}

/// Calls `f` with what each whitespace-separated word of `text` counts as, and whether it is the
/// first word of its sentence.
///
/// Words never join across whitespace, so a word's terms and whether it can be a name depend on
/// it alone: a per-thread memo answers each distinct word once, and a lede costs one lookup per
/// word instead of tokenising, stemming and testing it for a name in separate passes. Bounded,
/// so a hostile stream of unique words cannot grow it.
fn for_each_token(text: &str, mut f: impl FnMut(&Token, bool)) {
    type Memo = HashMap<Box<str>, Token>;
    thread_local! {
        static MEMO: std::cell::RefCell<Memo> = Default::default();
    }
    const MEMO_WORDS: usize = 100_000;
    MEMO.with(|cell| {
        let mut memo = cell.borrow_mut();
        for sentence in parallax_text::split_sentences(text) {
            let mut first = true;
            for raw in text[sentence.start..sentence.end].split_whitespace() {
                match memo.get(raw) {
                    Some(token) => f(token, first),
                    None => {
                        let token = Token::of(raw);
                        f(&token, first);
                        if memo.len() >= MEMO_WORDS {
                            memo.clear();
                        }
                        memo.insert(raw.into(), token);
                    }
                }
                first = false;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counts the way they were first written: terms, then names, each in its own pass.
    fn counted_in_passes(title: &str, lede: &str, config: &ClusterConfig) -> Vec<(u64, f32)> {
        let mut counts: HashMap<u64, f32> = HashMap::default();
        let mut add = |t: &str, w: f32| *counts.entry(parallax_text::term_key(aliases::canonical(t))).or_insert(0.0) += w;
        parallax_text::for_each_term(title, |t| add(t, config.title_weight));
        parallax_text::for_each_term(lede, |t| add(t, 1.0));
        for text in [title, lede] {
            for e in entities(text) {
                add(&format!("@{}", aliases::canonical(&e)), config.entity_weight);
            }
        }
        let mut v: Vec<(u64, f32)> = counts.into_iter().collect();
        v.sort_by_key(|&(t, _)| t);
        v
    }

    fn sorted(c: TermCounts) -> Vec<(u64, f32)> {
        let mut v = c.0;
        v.sort_by_key(|&(t, _)| t);
        v
    }

    #[test]
    fn one_pass_counts_what_separate_passes_count() {
        let config = ClusterConfig::default();
        let cases = [
            ("Kiev's mayor: 2,000 flee Zaporozhye", "Mr. Klitschko said Monday that 2,000 residents of Kiev's left bank had left.\n\nThe U.S. embassy, in a state-of-the-art building, stayed open. NATO's chief spoke."),
            ("Harbor bridge reopens", "Mayor Ilse Brandt reopened the harbor bridge. \"It's back,\" said Brandt.  Traffic\u{a0}resumed (slowly) on the Port Vell span;   tolls stay."),
            ("\u{041f}\u{0443}\u{0442}\u{0438}\u{043d} in Minsk", "\u{0412}\u{0447}\u{0435}\u{0440}\u{0430} \u{041f}\u{0443}\u{0442}\u{0438}\u{043d} met Lukashenko in Minsk. Officials in BELARUS said x-ray scans don't lie."),
            ("", ""),
        ];
        for (title, lede) in cases {
            // twice: the second time every word comes from the memo
            for _ in 0..2 {
                assert_eq!(sorted(TermCounts::from_article(title, lede, &config)), counted_in_passes(title, lede, &config), "{title}");
            }
        }
    }

    #[test]
    fn paragraphs_count_as_their_joined_body() {
        let config = ClusterConfig { lead_words: 6, ..ClusterConfig::default() };
        let paragraphs = ["Mayor Ilse Brandt spoke.".to_string(), "The Port Vell bridge reopened today.".into(), "Tolls stay.".into()];
        let joined = TermCounts::from_article("Bridge", &paragraphs.join("\n\n"), &config);
        let a = sorted(TermCounts::from_paragraphs("Bridge", &paragraphs, &config));
        assert_eq!(a, sorted(joined));
        assert!(!a.iter().any(|&(t, _)| t == parallax_text::term_key("reopen")), "past the lede");
        assert!(a.iter().any(|&(t, _)| t == parallax_text::term_key("bridg")));
    }

    #[test]
    fn the_lead_is_the_first_words() {
        assert_eq!(leading_words("One two\n\nthree  four five", 3), ("One two\n\nthree", 3));
        assert_eq!(leading_words("  One two ", 5), ("  One two ", 2));
        assert_eq!(leading_words("One\u{a0}two three", 2), ("One\u{a0}two", 2));
        assert_eq!(leading_words("", 3), ("", 0));
    }

    #[test]
    fn entities_skip_sentence_starts_and_acronyms() {
        assert_eq!(entities("The mayor met Ilse Brandt in Port Vell. NATO said Monday."), vec!["ils", "brandt", "port", "vell", "monday"]);
    }

    #[test]
    fn spellings_of_one_place_are_one_term() {
        let config = ClusterConfig::default();
        let a = TermCounts::from_article("Strike on Kyiv", "Officials in Kyiv said the strike hit Zaporizhzhia too.", &config);
        let b = TermCounts::from_article("Strike on Kiev", "Officials in Kiev said the strike hit Zaporozhye too.", &config);
        assert_eq!(sorted(a), sorted(b));
    }
}
