//! What one sentence is reduced to ([`Prepared`]) and the numbers that compare two of them
//! ([`features`]).
//!
//! Everything that depends on one sentence alone (tokens, stems, n-gram hashes, names, numbers)
//! is done once in [`Prepared::new`], so comparing a pair is sorted-vector merges and two small
//! dynamic programmes over the stems: a few microseconds.
//!
//! Every feature is symmetric (a directional measure appears as its min and max over the two
//! directions), so `features(a, b) == features(b, a)` and a verdict never depends on the order
//! the caller happened to pass the pair in.

use crate::Context;
use parallax_text::{for_each_word, is_stopword, mix, with_stem, word_hash};

/// Names of the feature vector's entries, in order; the weights file lists them too, so a
/// stale file is refused instead of silently scoring the wrong columns.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "word1_min",
    "word1_max",
    "word2_min",
    "word2_max",
    "word3_min",
    "word3_max",
    "word4_min",
    "word4_max",
    "stem1_min",
    "stem1_max",
    "stem2_min",
    "stem2_max",
    "stem3_min",
    "stem3_max",
    "stem4_min",
    "stem4_max",
    "bleu_min",
    "bleu_max",
    "content_min",
    "content_max",
    "idf_min",
    "idf_max",
    "idf_cosine",
    "unmatched_min",
    "unmatched_max",
    "unmatched_idf_min",
    "unmatched_idf_max",
    "char_min",
    "char_max",
    "lcs_min",
    "lcs_max",
    "lcsubstring",
    "edit_stems",
    "edit_words",
    "len_log_min",
    "len_log_max",
    "len_ratio",
    "len_diff",
    "numbers_none",
    "numbers_same",
    "numbers_only",
    "numbers_shared",
    "names_shared",
    "names_only",
    "names_min",
    "negation_mismatch",
    "fuzzy_unmatched_min",
    "fuzzy_unmatched_max",
    "content2_min",
    "content2_max",
    "numbers_only_min",
    "numbers_only_max",
];

/// Length of the feature vector.
pub const FEATURES: usize = 52;

/// Longest n-gram compared (BLEU's usual 4).
const MAX_N: usize = 4;

/// Words that negate or deny what the sentence around them asserts. A stem set, so "denied",
/// "denies" and "deny" are one cue; words ending in "n't" are cues too (see [`is_negation`]).
const NEGATION_STEMS: &[&str] =
    &["not", "no", "never", "nobodi", "none", "noth", "neither", "nor", "cannot", "deni", "refut", "fals", "untru", "dismiss", "reject", "rebuf", "unconfirm"];

/// One content term of a sentence: a stemmed non-stop word.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    pub key: u64,
    /// IDF weight over the context, divided by the largest possible one so it lies in (0, 1]
    /// whatever the size of the context.
    pub weight: f64,
    /// The word as it was written (lowercased), for reasons.
    pub display: Box<str>,
    /// Hash of its first [`PREFIX`] characters, or 0 when it is shorter: "Iraq" and "Iraqi",
    /// "elect" and "election" meet here where the stemmer keeps them apart.
    pub prefix: u64,
}

/// Characters of a word's prefix that count as the same root.
const PREFIX: usize = 4;

/// A sentence reduced to what comparing it needs. Build with [`crate::Judge::prepare`] (or
/// [`Prepared::new`]) once per sentence, then compare it with as many others as you like.
#[derive(Debug, Clone)]
pub struct Prepared {
    words: Vec<u64>,
    stems: Vec<u64>,
    /// Hashes of word n-grams, n = 1..=4, each sorted with repeats kept (for clipped counts).
    word_grams: [Vec<u64>; MAX_N],
    stem_grams: [Vec<u64>; MAX_N],
    /// Content terms, sorted by key, one each.
    pub(crate) terms: Vec<Term>,
    /// Pairs of consecutive content terms (stop words skipped), sorted with repeats.
    content_bigrams: Vec<u64>,
    /// Character 4-grams of the lowercased words, sorted, one each.
    chars: Vec<u64>,
    /// Tokens holding a digit, as (key, text), sorted by key, one each. Compared as tokens,
    /// never parsed: what a number means is `parallax-values`' job.
    pub(crate) numbers: Vec<(u64, Box<str>)>,
    /// Capitalised words, as (key, text as written), sorted by key, one each.
    pub(crate) names: Vec<(u64, Box<str>)>,
    /// The negation cues present, as written.
    pub(crate) negations: Vec<Box<str>>,
}

impl Prepared {
    /// Reduces one sentence, weighting its terms by `ctx`'s IDF.
    pub fn new(text: &str, ctx: &Context) -> Prepared {
        let mut words = Vec::new();
        let mut stems = Vec::new();
        let mut terms: Vec<Term> = Vec::new();
        let mut content_seq = Vec::new();
        let mut numbers = Vec::new();
        let mut negations: Vec<Box<str>> = Vec::new();
        let mut joined = String::from(" ");
        for_each_word(text, |w| {
            words.push(word_hash(w));
            joined.push_str(w);
            joined.push(' ');
            let stem = with_stem(w, |s| {
                if is_negation(w, s) {
                    negations.push(w.into());
                }
                word_hash(s)
            });
            stems.push(stem);
            if w.bytes().any(|c| c.is_ascii_digit()) {
                numbers.push((word_hash(w), w.into()));
            }
            for_each_content_part(w, |part, key| {
                content_seq.push(key);
                terms.push(Term { key, weight: ctx.weight(key), display: part.into(), prefix: prefix_key(part) });
            });
        });
        terms.sort_by_key(|t| t.key);
        terms.dedup_by_key(|t| t.key);
        numbers.sort();
        numbers.dedup_by_key(|n| n.0);
        let mut content_bigrams: Vec<u64> = content_seq.windows(2).map(|w| mix(w[0].rotate_left(17) ^ w[1])).collect();
        content_bigrams.sort_unstable();
        let word_grams = grams(&words);
        let stem_grams = grams(&stems);
        let mut chars: Vec<u64> = joined.as_bytes().windows(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]) as u64).collect();
        chars.sort_unstable();
        chars.dedup();
        Prepared { words, stems, word_grams, stem_grams, terms, content_bigrams, chars, numbers, names: names(text), negations }
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the sentence has no words at all.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Calls `f` with each content part of a lowercased word and its term key: possessive dropped,
/// hyphenated words split, stop words and one-letter parts skipped, stemmed. The same terms
/// [`Context`] counts.
pub(crate) fn for_each_content_part(w: &str, mut f: impl FnMut(&str, u64)) {
    let w = w.strip_suffix("'s").unwrap_or(w);
    for part in w.split('-') {
        let numeric = part.bytes().any(|c| c.is_ascii_digit());
        if part.is_empty() || (part.len() < 2 && !numeric) || (!numeric && is_stopword(part)) {
            continue;
        }
        let key = with_stem(part, word_hash);
        f(part, key);
    }
}

/// See [`Term::prefix`].
fn prefix_key(word: &str) -> u64 {
    if word.bytes().any(|c| c.is_ascii_digit()) {
        return 0;
    }
    match word.char_indices().nth(PREFIX) {
        Some((end, _)) => word_hash(&word[..end]),
        None if word.chars().count() == PREFIX => word_hash(word),
        None => 0,
    }
}

/// Whether a word (with its stem) is a negation or denial cue.
fn is_negation(word: &str, stem: &str) -> bool {
    word.ends_with("n't") || NEGATION_STEMS.contains(&stem)
}

/// Sorted n-gram hashes of a token sequence for n = 1..=4.
fn grams(tokens: &[u64]) -> [Vec<u64>; MAX_N] {
    std::array::from_fn(|k| {
        let n = k + 1;
        let mut out: Vec<u64> = tokens.windows(n).map(|w| w.iter().fold(n as u64, |acc, &t| mix(acc.wrapping_mul(0x9e3779b97f4a7c15) ^ t))).collect();
        out.sort_unstable();
        out
    })
}

/// Capitalised words that are not at the start of the sentence (where every word is
/// capitalised) unless they are not a common word there either; keyed by their lowercased words.
fn names(text: &str) -> Vec<(u64, Box<str>)> {
    let mut out = Vec::new();
    for (i, chunk) in text.split_whitespace().enumerate() {
        let chunk = chunk.trim_matches(|c: char| !c.is_alphanumeric());
        let chunk = chunk.strip_suffix("'s").or_else(|| chunk.strip_suffix("\u{2019}s")).unwrap_or(chunk);
        if !chunk.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        let mut key = String::new();
        for_each_word(chunk, |w| key.push_str(w));
        if key.is_empty() || is_stopword(&key) || (i == 0 && with_stem(&key, |s| NEGATION_STEMS.contains(&s))) {
            continue;
        }
        out.push((word_hash(&key), chunk.into()));
    }
    out.sort();
    out.dedup_by_key(|n| n.0);
    out
}

/// How many items two sorted lists share, each item counted at most as often as the rarer side
/// has it (BLEU's clipped count).
fn clipped_matches(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Calls `f` with the index pairs of keys two sorted lists share.
pub(crate) fn for_each_shared<T, U>(a: &[T], ka: impl Fn(&T) -> u64, b: &[U], kb: impl Fn(&U) -> u64, mut f: impl FnMut(usize, usize)) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match ka(&a[i]).cmp(&kb(&b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                f(i, j);
                i += 1;
                j += 1;
            }
        }
    }
}

/// `part / whole`, or 0 for an empty whole.
fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole
    } else {
        0.0
    }
}

/// Longest common subsequence and longest common contiguous run of two token sequences.
fn lcs(a: &[u64], b: &[u64]) -> (usize, usize) {
    let mut prev = vec![0u32; b.len() + 1];
    let mut cur = vec![0u32; b.len() + 1];
    let mut run_prev = vec![0u32; b.len() + 1];
    let mut run_cur = vec![0u32; b.len() + 1];
    let mut longest_run = 0;
    for &x in a {
        for (j, &y) in b.iter().enumerate() {
            if x == y {
                cur[j + 1] = prev[j] + 1;
                run_cur[j + 1] = run_prev[j] + 1;
                longest_run = longest_run.max(run_cur[j + 1]);
            } else {
                cur[j + 1] = cur[j].max(prev[j + 1]);
                run_cur[j + 1] = 0;
            }
        }
        std::mem::swap(&mut prev, &mut cur);
        std::mem::swap(&mut run_prev, &mut run_cur);
    }
    (prev[b.len()] as usize, longest_run as usize)
}

/// Token-level Levenshtein distance (TER without its block shifts).
fn edit_distance(a: &[u64], b: &[u64]) -> usize {
    let mut prev: Vec<u32> = (0..=b.len() as u32).collect();
    let mut cur = vec![0u32; b.len() + 1];
    for (i, &x) in a.iter().enumerate() {
        cur[0] = i as u32 + 1;
        for (j, &y) in b.iter().enumerate() {
            let sub = prev[j] + u32::from(x != y);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] as usize
}

/// The feature vector of a pair (see [`FEATURE_NAMES`]); symmetric in `a` and `b`.
pub fn features(a: &Prepared, b: &Prepared) -> [f64; FEATURES] {
    let mut f = [0.0; FEATURES];
    let mut k = 0;
    let mut push = |v: f64| {
        f[k] = v;
        k += 1;
    };
    let both = |pa: f64, pb: f64| (pa.min(pb), pa.max(pb));

    // BLEU-like clipped n-gram precision each way, on words then stems
    let mut stem_prec = [(0.0, 0.0); MAX_N];
    for (grams_a, grams_b, is_stem) in [(&a.word_grams, &b.word_grams, false), (&a.stem_grams, &b.stem_grams, true)] {
        for n in 0..MAX_N {
            let m = clipped_matches(&grams_a[n], &grams_b[n]) as f64;
            let (pa, pb) = (ratio(m, grams_a[n].len() as f64), ratio(m, grams_b[n].len() as f64));
            let (lo, hi) = both(pa, pb);
            push(lo);
            push(hi);
            if is_stem {
                // +1 smoothing so one missing 4-gram does not zero the geometric mean
                stem_prec[n] = ((m + 1.0) / (grams_a[n].len() as f64 + 1.0), (m + 1.0) / (grams_b[n].len() as f64 + 1.0));
            }
        }
    }
    let geo = |side: fn(&(f64, f64)) -> f64| (stem_prec.iter().map(|p| side(p).ln()).sum::<f64>() / MAX_N as f64).exp();
    let (lo, hi) = both(geo(|p| p.0), geo(|p| p.1));
    push(lo);
    push(hi);

    // content terms: plain and IDF-weighted coverage, cosine, and what is left unmatched
    let mut shared = 0.0;
    let mut shared_w2 = 0.0;
    let (mut shared_wa, mut shared_wb) = (0.0, 0.0);
    for_each_shared(
        &a.terms,
        |t| t.key,
        &b.terms,
        |t| t.key,
        |i, j| {
            shared += 1.0;
            shared_wa += a.terms[i].weight;
            shared_wb += b.terms[j].weight;
            shared_w2 += a.terms[i].weight * b.terms[j].weight;
        },
    );
    let mass = |p: &Prepared| p.terms.iter().map(|t| t.weight).sum::<f64>();
    let norm = |p: &Prepared| p.terms.iter().map(|t| t.weight * t.weight).sum::<f64>().sqrt();
    let (ma, mb) = (mass(a), mass(b));
    let (lo, hi) = both(ratio(shared, a.terms.len() as f64), ratio(shared, b.terms.len() as f64));
    push(lo);
    push(hi);
    let (lo, hi) = both(ratio(shared_wa, ma), ratio(shared_wb, mb));
    push(lo);
    push(hi);
    push(ratio(shared_w2, norm(a) * norm(b)));
    let (lo, hi) = both(a.terms.len() as f64 - shared, b.terms.len() as f64 - shared);
    push(lo);
    push(hi);
    let (lo, hi) = both(ma - shared_wa, mb - shared_wb);
    push(lo);
    push(hi);

    // character 4-grams catch shared word roots the stemmer misses ("Iraq"/"Iraqi")
    let c = clipped_matches(&a.chars, &b.chars) as f64;
    let (lo, hi) = both(ratio(c, a.chars.len() as f64), ratio(c, b.chars.len() as f64));
    push(lo);
    push(hi);

    // word order: longest common subsequence and contiguous run, edit distance
    let (la, lb) = (a.stems.len() as f64, b.stems.len() as f64);
    let (sub, run) = lcs(&a.stems, &b.stems);
    let (lo, hi) = both(ratio(sub as f64, la), ratio(sub as f64, lb));
    push(lo);
    push(hi);
    push(ratio(run as f64, la.min(lb)));
    push(ratio(edit_distance(&a.stems, &b.stems) as f64, la.max(lb)));
    push(ratio(edit_distance(&a.words, &b.words) as f64, la.max(lb)));

    // length
    push((la.min(lb) + 1.0).ln());
    push((la.max(lb) + 1.0).ln());
    push(ratio(la.min(lb), la.max(lb)));
    push((la - lb).abs());

    // numbers: the same tokens, or some only on one side (a strong sign of a different claim)
    let mut num_shared = 0.0;
    for_each_shared(&a.numbers, |n| n.0, &b.numbers, |n| n.0, |_, _| num_shared += 1.0);
    let num_only = (a.numbers.len() + b.numbers.len()) as f64 - 2.0 * num_shared;
    push(f64::from(u8::from(a.numbers.is_empty() && b.numbers.is_empty())));
    push(f64::from(u8::from(!a.numbers.is_empty() && num_only == 0.0)));
    push(num_only);
    push(num_shared);

    // names
    let mut names_shared = 0.0;
    for_each_shared(&a.names, |n| n.0, &b.names, |n| n.0, |_, _| names_shared += 1.0);
    push(names_shared);
    push((a.names.len() + b.names.len()) as f64 - 2.0 * names_shared);
    push(ratio(names_shared, a.names.len().min(b.names.len()) as f64));

    push(f64::from(u8::from(negation_mismatch(a, b))));

    // unmatched content left after also matching shared word roots, IDF-weighted
    let (lo, hi) = both(fuzzy_unmatched(a, b), fuzzy_unmatched(b, a));
    push(lo);
    push(hi);
    let m = clipped_matches(&a.content_bigrams, &b.content_bigrams) as f64;
    let (lo, hi) = both(ratio(m, a.content_bigrams.len() as f64), ratio(m, b.content_bigrams.len() as f64));
    push(lo);
    push(hi);
    let (lo, hi) = both(a.numbers.len() as f64 - num_shared, b.numbers.len() as f64 - num_shared);
    push(lo);
    push(hi);
    debug_assert_eq!(k, FEATURES);
    f
}

/// IDF mass of `a`'s content terms that `b` has neither as a term nor as a word root.
fn fuzzy_unmatched(a: &Prepared, b: &Prepared) -> f64 {
    a.terms
        .iter()
        .filter(|t| b.terms.binary_search_by_key(&t.key, |u| u.key).is_err() && (t.prefix == 0 || !b.terms.iter().any(|u| u.prefix == t.prefix)))
        .map(|t| t.weight)
        .sum()
}

/// Whether exactly one side carries a negation or denial cue. Both sides denying is agreement,
/// whichever words they deny with.
pub(crate) fn negation_mismatch(a: &Prepared, b: &Prepared) -> bool {
    a.negations.is_empty() != b.negations.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(s: &str) -> Prepared {
        Prepared::new(s, &Context::empty())
    }

    #[test]
    fn features_are_symmetric() {
        let a = prep("The mayor of Springfield said on Monday the bridge would reopen in 2026.");
        let b = prep("Springfield's bridge will not reopen until 2027, a council spokesman said.");
        assert_eq!(features(&a, &b), features(&b, &a));
        assert_eq!(FEATURE_NAMES.len(), FEATURES);
    }

    #[test]
    fn identical_sentences_overlap_fully() {
        let a = prep("Rescuers pulled twelve people from the river at dawn.");
        let f = features(&a, &a);
        let get = |name: &str| f[FEATURE_NAMES.iter().position(|n| *n == name).unwrap()];
        assert_eq!(get("word4_min"), 1.0);
        assert_eq!(get("edit_stems"), 0.0);
        assert_eq!(get("unmatched_max"), 0.0);
        assert!((get("idf_cosine") - 1.0).abs() < 1e-9);
    }

    #[test]
    fn names_skip_the_capital_that_starts_every_sentence() {
        let p = prep("The minister met Angela Ortiz in Lisbon's old town.");
        let names: Vec<&str> = p.names.iter().map(|n| &*n.1).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.contains(&"Lisbon") && names.contains(&"Ortiz") && names.contains(&"Angela"));
    }

    #[test]
    fn negation_cues_include_contractions_and_denials() {
        assert!(!prep("The firm didn't pay.").negations.is_empty());
        assert!(!prep("The firm denied paying.").negations.is_empty());
        assert!(prep("The firm paid.").negations.is_empty());
    }

    #[test]
    fn dynamic_programmes() {
        assert_eq!(lcs(&[1, 2, 3, 4], &[1, 3, 4, 5]), (3, 2));
        assert_eq!(edit_distance(&[1, 2, 3], &[1, 3]), 1);
        assert_eq!(edit_distance(&[], &[1, 2]), 2);
    }
}
