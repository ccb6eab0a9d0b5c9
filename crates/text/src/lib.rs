//! Language primitives shared by every stage that reads prose: word tokens, content terms
//! (stop words out, stemmed), sentence boundaries with byte offsets, and language identification.
//!
//! Dedup, clustering and claim grouping must agree on what a "word" is, so they all come here.

pub mod calendar;
mod language;
mod sentences;
mod stopwords;

pub use language::{detect_language, detect_paragraphs_language};
pub use sentences::{split_sentences, SentenceSpan};
pub use stopwords::is_stopword;

use std::sync::OnceLock;

/// Lowercased word tokens: runs of letters/digits, with inner apostrophes and hyphens kept only
/// between letters ("don't", "nuclear-capable" stay one token; "2,000" becomes "2000").
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_string()));
    out
}

/// [`ASCII_CLASS`] bits.
const ALNUM: u8 = 1;
const UPPER: u8 = 2;

/// ASCII letters and digits, and which of them are capitals.
static ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = ALNUM | if c.is_ascii_uppercase() { UPPER } else { 0 };
        }
        b += 1;
    }
    table
};

/// Calls `f` with each word of [`words`], without allocating one string per word.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    // Every stage tokenises every article, some twice, so this is a hot loop: runs of ASCII
    // letters and digits are taken whole, and a lowercase run that is a whole word is handed
    // over without a copy. Everything else goes a character at a time.
    let bytes = text.as_bytes();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if ASCII_CLASS[b as usize] & ALNUM != 0 {
            let start = i;
            // one table lookup a byte: the class bits of the run are or-ed together
            let mut seen = 0u8;
            while let Some(&c) = bytes.get(i) {
                let class = ASCII_CLASS[c as usize];
                if class & ALNUM == 0 {
                    break;
                }
                seen |= class;
                i += 1;
            }
            let upper = seen & UPPER != 0;
            let last = bytes[i - 1];
            prev = Some(last as char);
            if cur.is_empty() && !upper && ends_word_at(bytes, i, last) {
                f(&text[start..i]);
                continue;
            }
            cur.push_str(&text[start..i]);
            if upper {
                // what was there is lowercase already
                cur.make_ascii_lowercase();
            }
            continue;
        }
        if b == b' ' {
            if !cur.is_empty() {
                f(&cur);
                cur.clear();
            }
            prev = Some(' ');
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("a char starts here");
        i += c.len_utf8();
        if is_word_char(c) {
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            match joining(c, prev, text[i..].chars().next()) {
                Some(kept) => cur.push_str(kept),
                None => {
                    f(&cur);
                    cur.clear();
                }
            }
        }
        prev = Some(c);
    }
    if !cur.is_empty() {
        f(&cur);
    }
}

/// A letter or digit. News is full of curly quotes and dashes, which Unicode's tables answer
/// slowly; none of General Punctuation (U+2000 to U+206F) is a letter or digit.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && !('\u{2000}'..='\u{206f}').contains(&c) && c.is_alphanumeric())
}

/// What punctuation `c` between `prev` and `next` adds to the word it is inside ("-", "'", or
/// nothing for a digit separator), or `None` when it ends the word.
fn joining(c: char, prev: Option<char>, next: Option<char>) -> Option<&'static str> {
    let (p, n) = (prev?, next.filter(|&n| is_word_char(n))?);
    match c {
        // 2,000 and 3.5 are one number; the separator is dropped so 2,000 == 2000
        ',' | '.' if p.is_ascii_digit() && n.is_ascii_digit() => Some(""),
        '-' | '\u{2010}' | '\u{2011}' if p.is_alphabetic() && n.is_alphabetic() => Some("-"),
        '\'' | '\u{2019}' if p.is_alphabetic() && n.is_alphabetic() => Some("'"),
        _ => None,
    }
}

/// Whether a word whose last byte is `last` ends before `bytes[at]`: at the end, a space, or
/// punctuation that cannot join it to what follows (see the joins in [`for_each_word`]).
fn ends_word_at(bytes: &[u8], at: usize, last: u8) -> bool {
    match bytes.get(at) {
        None | Some(b' ') => true,
        Some(b',' | b'.') => !(last.is_ascii_digit() && bytes.get(at + 1).is_some_and(u8::is_ascii_digit)),
        // an apostrophe or hyphen may join two words; anything beyond ASCII may be a letter
        Some(b'\'' | b'-') => false,
        Some(&b) => b.is_ascii(),
    }
}

/// A stable hash of one word (FNV-1a): the same on every run and platform, because dedup
/// sketches built from it are stored. Extraction hashes every word once with it and dedup
/// shingles those hashes, so an article is not tokenised twice.
pub fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in word.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Appends the [`word_hash`] of each word of `text` (see [`words`]), in order.
pub fn push_word_hashes(text: &str, out: &mut Vec<u64>) {
    for_each_word(text, |w| out.push(word_hash(w)));
}

/// The splitmix64 finaliser: spreads any 64-bit hash over all bits (stable across runs).
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^ (z >> 31)
}

/// The key a clustering term is known by: stable across runs and platforms, because term
/// counts and document frequencies are stored under it. A key is 8 bytes where a term string
/// is an allocation. With 64 bits, the odds that any two of ten million terms share a key are
/// about one in 400,000.
pub fn term_key(term: &str) -> u64 {
    mix(word_hash(term))
}

/// Content terms for similarity: words minus stop words, possessives dropped, hyphenated words
/// split into parts, then stemmed (English Snowball; other languages are left unstemmed until
/// their stemmers are wired in).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_string()));
    out
}

/// Calls `f` with each of [`terms`], without allocating one string per term.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    for_each_word(text, |w| {
        let w = w.strip_suffix("'s").unwrap_or(w);
        for part in w.split('-') {
            if part.len() < 2 && !part.bytes().all(|c| c.is_ascii_digit()) {
                continue;
            }
            if part.bytes().any(|c| c.is_ascii_digit()) {
                // numbers are never stop words and are not stemmed
                f(part);
                continue;
            }
            with_known_word(part, |stem, stop| {
                if !stop {
                    f(stem)
                }
            });
        }
    });
}

/// English Snowball stem of one lowercased word.
pub fn stem(word: &str) -> String {
    let mut out = String::new();
    with_stem(word, |s| out.push_str(s));
    out
}

/// Calls `f` with the stem of `word` (see [`stem`]).
pub fn with_stem<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    if word.bytes().any(|c| c.is_ascii_digit()) {
        return f(word);
    }
    with_known_word(word, |stem, _| f(stem))
}

/// Calls `f` with the stem of a lowercased word and whether it is a stop word.
///
/// News vocabulary repeats: a per-thread memo answers most words without running Snowball,
/// which was a tenth of ingest, and answers both questions in one lookup. Bounded, so a hostile
/// stream of unique words cannot grow it.
fn with_known_word<R>(word: &str, f: impl FnOnce(&str, bool) -> R) -> R {
    static STEMMER: OnceLock<rust_stemmers::Stemmer> = OnceLock::new();
    /// word -> (stem, stop word?)
    type Memo = rustc_hash::FxHashMap<Box<str>, (Box<str>, bool)>;
    thread_local! {
        static MEMO: std::cell::RefCell<Memo> = Default::default();
    }
    const MEMO_WORDS: usize = 200_000;
    // `f` may itself stem (a callback of `for_each_term` that looks up an alias): the memo is
    // only read while `f` runs, and a nested call that cannot write to it stems without it.
    MEMO.with(|cell| {
        if let Ok(memo) = cell.try_borrow() {
            if let Some((stem, stop)) = memo.get(word) {
                return f(stem, *stop);
            }
        }
        let stem: Box<str> = STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English)).stem(word).into();
        let stop = is_stopword(word);
        let r = f(&stem, stop);
        if let Ok(mut memo) = cell.try_borrow_mut() {
            if memo.len() >= MEMO_WORDS {
                memo.clear();
            }
            memo.insert(word.into(), (stem, stop));
        }
        r
    })
}

/// Collapses runs of whitespace (including non-breaking spaces) to one space and trims.
pub fn squash_whitespace(text: &str) -> String {
    if is_squashed(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for part in text.split(is_space).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// [`squash_whitespace`] of an owned text, which is handed back as it is when it needs no change
/// (most extracted paragraphs are clean prose).
pub fn squashed(text: String) -> String {
    if is_squashed(&text) {
        text
    } else {
        squash_whitespace(&text)
    }
}

/// Whether [`squash_whitespace`] would leave `text` as it is: one branch-free pass over the
/// bytes (so it runs on vector lanes), and a look at the characters only when the text is not
/// ASCII.
fn is_squashed(text: &str) -> bool {
    let b = text.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else { return false };
    if first == b' ' || last == b' ' || (9..=13).contains(&last) {
        return false;
    }
    let (dirty, wide) = b
        .iter()
        .zip(&b[1..])
        .fold((false, false), |(dirty, wide), (&c, &next)| (dirty | (c.wrapping_sub(9) < 5) | ((c == b' ') & (next == b' ')), wide | (c >= 0x80)));
    if dirty {
        return false;
    }
    let ascii = !wide && last < 0x80;
    ascii || !text.chars().any(|c| !c.is_ascii() && is_space(c))
}

/// Whitespace for [`squash_whitespace`]: Unicode's, plus the zero-width space pages use as one.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{200b}'
}

/// Whether a line ends the way sentences end, in Latin or CJK punctuation, quotes allowed.
pub fn ends_like_sentence(line: &str) -> bool {
    line.trim_end().ends_with(['.', '!', '?', '\u{2026}', '"', '\u{201d}', '\'', '\u{2019}', ')', '\u{3002}', '\u{ff01}', '\u{ff1f}', '\u{300d}', '\u{300f}'])
}

/// Words in a text, where scripts written without spaces (Chinese, Japanese) count one word per
/// two characters, so length rules treat all languages alike.
pub fn word_count(text: &str) -> usize {
    let is_cjk = |c: char| matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af);
    let spaced = text.split_whitespace().filter(|w| w.chars().any(|c| c.is_alphanumeric() && !is_cjk(c))).count();
    spaced + text.chars().filter(|&c| is_cjk(c)).count() / 2
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn truncate_at_char(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A key for "is this the same paragraph": lowercased words only, so spacing and punctuation
/// differences between a duplicate and its original do not matter.
pub fn fingerprint(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for_each_word(text, |w| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_numbers_and_inner_punctuation() {
        assert_eq!(words("Up to 2,000 km, a nuclear-capable system; don't."), vec!["up", "to", "2000", "km", "a", "nuclear-capable", "system", "don't"]);
    }

    /// `count` texts of up to `max_pieces` pieces each, drawn by a fixed xorshift sequence: inputs
    /// for the oracle tests of the fast scanners.
    pub(crate) fn random_texts(pieces: &[&str], max_pieces: u64, count: usize, mut seed: u64) -> impl Iterator<Item = String> {
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
        (0..count).map(move |_| {
            let len = next() % max_pieces;
            (0..len).map(|_| pieces[(next() % pieces.len() as u64) as usize].as_str()).collect()
        })
    }

    #[test]
    fn squashing_skips_only_texts_that_need_nothing() {
        let pieces = ["a", "B", " ", "  ", "\n", "\t", ".", "\u{a0}", "\u{2009}", "\u{200b}", "\u{3000}", "\u{e9}", "\u{41f}", "\u{2014}", "\u{85}"];
        for text in random_texts(&pieces, 12, 20_000, 0x5eed) {
            let slow: Vec<&str> = text.split(is_space).filter(|p| !p.is_empty()).collect();
            assert_eq!(squash_whitespace(&text), slow.join(" "), "{text:?}");
            assert_eq!(squashed(text.clone()), slow.join(" "), "{text:?}");
        }
    }

    #[test]
    fn the_word_char_shortcut_agrees_with_unicode_everywhere() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    /// The plain character-at-a-time tokeniser, as the oracle for the fast one.
    fn reference_words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut prev: Option<char> = None;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_alphanumeric() {
                cur.extend(c.to_lowercase());
            } else if !cur.is_empty() {
                match joining(c, prev, chars.peek().copied()) {
                    Some(kept) => cur.push_str(kept),
                    None => out.push(std::mem::take(&mut cur)),
                }
            }
            prev = Some(c);
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    #[test]
    fn fast_tokeniser_matches_the_plain_one() {
        let pieces = [
            "a", "Z", "7", "0", " ", "  ", ",", ".", "'", "-", "\u{2019}", "\u{2010}", "é", "É", "ß", "İ", "д", "Ж", "日", "\n", "\t", ";", "\"", "\u{a0}",
            "(", "2,000", "U.S.", "don't", "Kyiv's", "x-ray", "3.5",
        ];
        for text in random_texts(&pieces, 12, 20_000, 0x2545f4914f6cdd1d) {
            assert_eq!(words(&text), reference_words(&text), "{text:?}");
        }
    }

    #[test]
    fn words_split_on_trailing_punctuation() {
        assert_eq!(words("end. Next-"), vec!["end", "next"]);
    }

    #[test]
    fn terms_drop_stopwords_and_stem() {
        let t = terms("The missiles were deployed to Belarus's border");
        assert_eq!(t, vec!["missil", "deploy", "belarus", "border"]);
    }

    #[test]
    fn detects_english_and_russian() {
        assert_eq!(
            detect_language("The president said on Friday that the first batch had been produced and delivered to the armed forces.").as_deref(),
            Some("en")
        );
        assert_eq!(detect_language("Президент России заявил в пятницу, что первая серийная партия уже произведена и передана в войска. Он также сообщил, что вопрос о поставках будет решён до конца года, и что специалисты обеих стран сейчас готовят позиции.").as_deref(), Some("ru"));
    }

    #[test]
    fn sentence_ends_and_word_counts_across_scripts() {
        assert!(ends_like_sentence("He left."));
        assert!(ends_like_sentence("\u{5f7c}\u{306f}\u{53bb}\u{3063}\u{305f}\u{3002}"));
        assert!(!ends_like_sentence("Related Articles"));
        assert_eq!(word_count("two words"), 2);
        assert_eq!(word_count("\u{5f7c}\u{306f}\u{53bb}\u{3063}"), 2);
    }

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate_at_char("a\u{4e2d}b", 2), "a");
        assert_eq!(truncate_at_char("abc", 10), "abc");
    }

    #[test]
    fn stemming_inside_a_term_callback_is_fine() {
        let mut out = Vec::new();
        for_each_term("deployed missiles", |t| out.push(format!("{t}/{}", stem("launches"))));
        assert_eq!(out, vec!["deploy/launch", "missil/launch"]);
    }

    #[test]
    fn squash_handles_nbsp() {
        assert_eq!(squash_whitespace("  a\u{a0}\u{a0}b \n c "), "a b c");
        assert_eq!(squash_whitespace("a  b"), "a b");
        assert_eq!(squash_whitespace("a\tb\x0cc"), "a b c");
        assert_eq!(squash_whitespace("Clean line, kept."), "Clean line, kept.");
        assert_eq!(squashed("Clean line, kept.".into()), "Clean line, kept.");
        assert_eq!(squashed(" a\u{2009}\u{200b}b\u{3000}".into()), "a b");
        assert_eq!(squashed("\u{41f}\u{443}\u{442}\u{438}\u{43d} \u{e9}t\u{e9}".into()), "\u{41f}\u{443}\u{442}\u{438}\u{43d} \u{e9}t\u{e9}");
        assert_eq!(squashed(String::new()), "");
    }
}
