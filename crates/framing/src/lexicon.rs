//! The phrase lists behind framing, read from `data/*.txt` (ours, written by hand; see the files'
//! comments), and a matcher that finds their entries in text.
//!
//! Format: `[section]` starts a section; every other non-blank, non-`#` line is one lowercase
//! word or phrase, optionally followed by `| tag` (a weight or a label, as the section's user
//! reads it). A trailing `*` on the last word matches any word that starts with it.

use rustc_hash::FxHashMap;

/// Why a lexicon file could not be read. The files are compiled in, so this is a bug in them,
/// caught by the crate's tests.
#[derive(Debug, thiserror::Error)]
#[error("{file} line {line}: {reason}")]
pub struct LexiconError {
    pub file: &'static str,
    pub line: usize,
    pub reason: String,
}

/// One entry as written: its section, its words, and its optional tag.
#[derive(Debug, Clone)]
pub struct RawEntry<'a> {
    pub section: &'a str,
    pub phrase: &'a str,
    pub tag: Option<&'a str>,
    pub line: usize,
}

/// Reads the sections and entries of a lexicon file.
pub fn parse(file: &'static str, text: &'static str) -> Result<Vec<RawEntry<'static>>, LexiconError> {
    let mut section: Option<&str> = None;
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split_once(" #").map_or(raw, |(l, _)| l).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |reason: String| LexiconError { file, line: i + 1, reason };
        if let Some(name) = line.strip_prefix('[') {
            let name = name.strip_suffix(']').ok_or_else(|| err("a section header must end with ]".into()))?.trim();
            if name.is_empty() {
                return Err(err("empty section name".into()));
            }
            section = Some(name);
            continue;
        }
        let section = section.ok_or_else(|| err("an entry before any [section]".into()))?;
        let (phrase, tag) = match line.split_once('|') {
            Some((p, t)) => (p.trim(), Some(t.trim())),
            None => (line, None),
        };
        if phrase.is_empty() {
            return Err(err("an empty phrase".into()));
        }
        if phrase.chars().any(|c| c.is_uppercase()) {
            return Err(err(format!("{phrase:?} is not lowercase")));
        }
        if let Some(stem) = phrase.rsplit(' ').next().and_then(|w| w.strip_suffix('*')) {
            if stem.chars().count() < 4 {
                return Err(err(format!("{phrase:?}: a word ending in * needs at least 4 letters before it")));
            }
        }
        if phrase.split(' ').any(|w| w.is_empty() || w[..w.len().saturating_sub(1)].contains('*')) {
            return Err(err(format!("{phrase:?}: words are separated by single spaces and only the last may end in *")));
        }
        out.push(RawEntry { section, phrase, tag, line: i + 1 });
    }
    Ok(out)
}

#[derive(Debug, Clone)]
enum WordPattern {
    Exact(String),
    Prefix(String),
}

impl WordPattern {
    fn matches(&self, word: &str) -> bool {
        match self {
            WordPattern::Exact(w) => w == word,
            WordPattern::Prefix(p) => word.len() > p.len() && word.starts_with(p.as_str()) || word == p,
        }
    }
}

/// A word of the text: lowercase, with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub word: String,
    pub start: usize,
    pub end: usize,
}

/// Words of `text` with byte offsets: letters and digits, with inner hyphens and apostrophes kept
/// ("so-called", "don't"); curly apostrophes read as straight ones.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = i + c.len_utf8();
        let mut word: String = c.to_lowercase().collect();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_alphanumeric() {
                word.extend(d.to_lowercase());
                end = j + d.len_utf8();
                chars.next();
            } else if matches!(d, '-' | '\'' | '\u{2019}') {
                // inner only: the next char must be a letter or digit
                let next = text[j + d.len_utf8()..].chars().next();
                if next.is_some_and(|n| n.is_alphanumeric()) {
                    word.push(if d == '-' { '-' } else { '\'' });
                    chars.next();
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        out.push(Token { word, start: i, end });
    }
    out
}

/// Entries of a lexicon, indexed by their first word, with a payload each.
#[derive(Debug)]
pub struct Matcher<T> {
    entries: Vec<(Vec<WordPattern>, T)>,
    exact: FxHashMap<String, Vec<usize>>,
    prefix: FxHashMap<String, Vec<usize>>,
    shortest_prefix: usize,
}

/// An entry found in a text: the tokens it covers and its payload.
#[derive(Debug, Clone, Copy)]
pub struct Found<'m, T> {
    /// Index of the first token and one past the last.
    pub first: usize,
    pub last: usize,
    pub payload: &'m T,
}

impl<T> Matcher<T> {
    pub fn new(items: impl IntoIterator<Item = (&'static str, T)>) -> Matcher<T> {
        let mut m = Matcher { entries: Vec::new(), exact: FxHashMap::default(), prefix: FxHashMap::default(), shortest_prefix: usize::MAX };
        for (phrase, payload) in items {
            let words: Vec<WordPattern> = tokens_of_phrase(phrase);
            if words.is_empty() {
                continue;
            }
            let idx = m.entries.len();
            match &words[0] {
                WordPattern::Exact(w) => m.exact.entry(w.clone()).or_default().push(idx),
                WordPattern::Prefix(p) => {
                    m.shortest_prefix = m.shortest_prefix.min(p.len());
                    m.prefix.entry(p.clone()).or_default().push(idx)
                }
            }
            m.entries.push((words, payload));
        }
        m
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries found left to right without overlap; at one place the longest entry wins, and
    /// between entries of one length the first listed.
    pub fn find<'m>(&'m self, tokens: &[Token]) -> Vec<Found<'m, T>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let mut best: Option<(usize, usize)> = None; // (length, entry)
            let word = tokens[i].word.as_str();
            let mut consider = |idx: usize| {
                let words = &self.entries[idx].0;
                if i + words.len() <= tokens.len() && words.iter().zip(&tokens[i..]).all(|(p, t)| p.matches(&t.word)) {
                    let better = match best {
                        None => true,
                        Some((len, e)) => words.len() > len || (words.len() == len && idx < e),
                    };
                    if better {
                        best = Some((words.len(), idx));
                    }
                }
            };
            if let Some(list) = self.exact.get(word) {
                list.iter().for_each(|&idx| consider(idx));
            }
            if !self.prefix.is_empty() {
                for (k, _) in word.char_indices().skip(self.shortest_prefix.min(word.len())) {
                    if let Some(list) = self.prefix.get(&word[..k]) {
                        list.iter().for_each(|&idx| consider(idx));
                    }
                }
                if let Some(list) = self.prefix.get(word) {
                    list.iter().for_each(|&idx| consider(idx));
                }
            }
            match best {
                Some((len, idx)) => {
                    out.push(Found { first: i, last: i + len, payload: &self.entries[idx].1 });
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }
}

fn tokens_of_phrase(phrase: &str) -> Vec<WordPattern> {
    let n = phrase.split(' ').count();
    phrase
        .split(' ')
        .enumerate()
        .map(|(k, w)| match w.strip_suffix('*') {
            Some(p) if k + 1 == n => WordPattern::Prefix(p.replace('\u{2019}', "'")),
            _ => WordPattern::Exact(w.replace('\u{2019}', "'")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_inner_hyphens_and_apostrophes() {
        let t: Vec<String> = tokens("The so-called \u{201c}peace\u{201d} plan, Trump\u{2019}s - not theirs'.").into_iter().map(|t| t.word).collect();
        assert_eq!(t, vec!["the", "so-called", "peace", "plan", "trump's", "not", "theirs"]);
    }

    #[test]
    fn longest_entry_wins_and_prefixes_match_endings() {
        let m = Matcher::new([("witch", 1), ("witch hunt", 2), ("slam*", 3)]);
        let toks = tokens("A witch hunt, she said, and slammed the witch.");
        let found: Vec<(usize, i32)> = m.find(&toks).iter().map(|f| (f.first, *f.payload)).collect();
        assert_eq!(found, vec![(1, 2), (6, 3), (8, 1)]);
        // a prefix never matches a different shorter word
        assert!(m.find(&tokens("slab")).is_empty());
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse("t.txt", "[a]\nGood\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(parse("t.txt", "word\n").is_err(), "an entry needs a section");
        assert!(parse("t.txt", "[a]\nwar*\n").is_err(), "too short a prefix");
        let ok = parse("t.txt", "# c\n[a]\nslam* | 0.5\nwitch hunt\n").unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].tag, Some("0.5"));
    }
}
