//! What the model sees of one (claim, body) pair: UCLMR-style term-frequency vectors of both
//! texts over a vocabulary fitted on training data, plus a few dense hand features that the
//! bag of words cannot express (how closely the claim matches the body's best sentence and its
//! lede, and refuting, hedging and negating words where the claim is discussed).

use parallax_text::{for_each_term, for_each_word, mix, split_sentences, term_key};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

/// Lexicon groups, in the order of the per-group features.
const REFUTE: u8 = 0;
const NEGATE: u8 = 1;
const HEDGE: u8 = 2;
const SUPPORT: u8 = 3;
const GROUPS: usize = 4;

/// Words that mark a body rejecting a claim. Each also gets its own feature: "hoax" and "not"
/// say different things, and the few disagreeing pairs hinge on such single words.
const REFUTING: &[&str] = &[
    "fake",
    "fakes",
    "faked",
    "fraud",
    "fraudulent",
    "hoax",
    "hoaxes",
    "false",
    "falsely",
    "deny",
    "denies",
    "denied",
    "denial",
    "debunk",
    "debunked",
    "debunks",
    "despite",
    "nope",
    "doubt",
    "doubts",
    "doubtful",
    "retract",
    "retracted",
    "retraction",
    "bogus",
    "myth",
    "untrue",
    "misleading",
    "satire",
    "satirical",
    "prank",
    "fabricated",
    "phony",
    "refute",
    "refuted",
    "refutes",
    "dismissed",
    "rejected",
    "baseless",
    "unfounded",
    "incorrect",
    "wrong",
    "lie",
    "lies",
    "parody",
    "joke",
    "scam",
    "contrary",
    "insists",
    "pranksters",
];
const NEGATING: &[&str] = &[
    "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "weren't",
    "won't", "can't", "cannot", "couldn't", "hasn't", "haven't",
];
/// Words of reporting at one remove: typical of bodies that discuss a claim without taking sides.
const HEDGING: &[&str] = &[
    "reportedly",
    "allegedly",
    "alleged",
    "alleges",
    "claims",
    "claimed",
    "claim",
    "claiming",
    "rumour",
    "rumours",
    "rumor",
    "rumors",
    "rumored",
    "rumoured",
    "purportedly",
    "purported",
    "apparently",
    "supposedly",
    "unconfirmed",
    "unverified",
    "may",
    "might",
    "could",
    "possibly",
    "perhaps",
    "suggest",
    "suggests",
    "suggested",
    "appears",
    "seems",
    "report",
    "reports",
    "according",
    "sources",
    "speculation",
    "speculated",
    "believed",
    "unclear",
    "whether",
    "if",
];
const SUPPORTING: &[&str] = &[
    "confirmed",
    "confirms",
    "confirm",
    "confirmation",
    "official",
    "officially",
    "announced",
    "announces",
    "revealed",
    "reveals",
    "verified",
    "true",
    "indeed",
    "actually",
    "proof",
    "proves",
    "proved",
    "shows",
    "showed",
];

/// Sentences that count as the lede: where the body's position on its subject is usually said.
const INTRO_SENTENCES: usize = 3;

/// Dense features after the two bag-of-words blocks (see [`Vocab::features`]).
pub const N_EXTRA: usize = 15 + 5 * GROUPS + 2 + 2 * REFUTING.len();

/// word -> (lexicon group bits, index in [`REFUTING`] if any)
fn lexicon() -> &'static HashMap<&'static str, (u8, Option<u16>)> {
    static LEXICON: OnceLock<HashMap<&'static str, (u8, Option<u16>)>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut map: HashMap<&'static str, (u8, Option<u16>)> = HashMap::new();
        for (group, words) in [(REFUTE, REFUTING), (NEGATE, NEGATING), (HEDGE, HEDGING), (SUPPORT, SUPPORTING)] {
            for (i, w) in words.iter().enumerate() {
                let entry = map.entry(w).or_default();
                entry.0 |= 1 << group;
                if group == REFUTE {
                    entry.1 = Some(i as u16);
                }
            }
        }
        map
    })
}

/// The terms the bag-of-words vectors count, and the inverse document frequencies the TF-IDF
/// similarities weigh terms by; both fitted on training texts only.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocab {
    /// Most frequent first; the first `n_bow` are the bag-of-words dimensions.
    pub terms: Vec<String>,
    pub idf: Vec<f32>,
    pub n_bow: usize,
    /// The IDF of a term the training texts did not have (or had once): as rare as can be.
    pub unknown_idf: f32,
    index: HashMap<u64, u32>,
}

impl Vocab {
    pub fn new(terms: Vec<String>, idf: Vec<f32>, n_bow: usize, unknown_idf: f32) -> Vocab {
        assert_eq!(terms.len(), idf.len());
        assert!(n_bow <= terms.len());
        let index = terms.iter().enumerate().map(|(i, t)| (term_key(t), i as u32)).collect();
        Vocab { terms, idf, n_bow, unknown_idf, index }
    }

    /// Fits on distinct training texts (each headline and body once): the `n_bow` most frequent
    /// terms (by total count, ties by spelling so the fit is deterministic), and an IDF for every
    /// term found in at least `min_df` texts. Smoothed IDF, as scikit-learn's: ln((1+N)/(1+df))+1.
    pub fn fit(texts: &[&str], n_bow: usize, min_df: usize) -> Vocab {
        let mut stats: HashMap<String, (usize, usize)> = HashMap::new();
        for text in texts {
            let mut seen = HashSet::new();
            for_each_term(text, |t| {
                let e = stats.entry(t.to_string()).or_default();
                e.0 += 1;
                if seen.insert(term_key(t)) {
                    e.1 += 1;
                }
            });
        }
        let mut kept: Vec<(String, usize, usize)> = stats.into_iter().filter(|(_, (_, df))| *df >= min_df).map(|(t, (n, df))| (t, n, df)).collect();
        kept.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let n = texts.len() as f32;
        let idf_of = |df: usize| ((1.0 + n) / (1.0 + df as f32)).ln() + 1.0;
        let idf = kept.iter().map(|k| idf_of(k.2)).collect();
        let terms = kept.into_iter().map(|k| k.0).collect::<Vec<_>>();
        let n_bow = n_bow.min(terms.len());
        Vocab::new(terms, idf, n_bow, idf_of(1))
    }

    /// Width of the model's input: claim and body bag-of-words, then [`N_EXTRA`].
    pub fn input_len(&self) -> usize {
        2 * self.n_bow + N_EXTRA
    }

    fn idf_of(&self, key: u64) -> f32 {
        self.index.get(&key).map_or(self.unknown_idf, |&i| self.idf[i as usize])
    }

    /// Everything about one text the pair features need; a body shared by many claims is
    /// analysed once.
    pub fn analyse(&self, text: &str) -> Analysis {
        let lex = lexicon();
        let mut a = Analysis { word_counts: vec![0.0; REFUTING.len()], ..Analysis::default() };
        let mut keys: Vec<u64> = Vec::new();
        for line in text.split('\n') {
            for span in split_sentences(line) {
                let s = &line[span.start..span.end];
                let mut groups = [0u8; GROUPS];
                let intro = a.sentences.len() < INTRO_SENTENCES;
                for_each_word(s, |w| {
                    a.n_words += 1;
                    if let Some(&(bits, watched)) = lex.get(w) {
                        for (g, slot) in groups.iter_mut().enumerate() {
                            if bits & (1 << g) != 0 {
                                *slot = slot.saturating_add(1);
                            }
                        }
                        if let Some(i) = watched {
                            a.word_counts[i as usize] += 1.0;
                        }
                    }
                    if w == "?" {
                        a.question = true;
                    }
                });
                if s.contains('?') {
                    a.question = true;
                }
                keys.clear();
                for_each_term(s, |t| keys.push(term_key(t)));
                let mut counts: HashMap<u64, f32> = HashMap::new();
                for &k in &keys {
                    *counts.entry(k).or_default() += 1.0;
                    *a.counts.entry(k).or_default() += 1.0;
                    if intro {
                        *a.intro_counts.entry(k).or_default() += 1.0;
                    }
                }
                for pair in keys.windows(2) {
                    let b = bigram(pair[0], pair[1]);
                    a.bigrams.insert(b);
                    if intro {
                        a.intro_bigrams.insert(b);
                    }
                }
                for (g, &n) in groups.iter().enumerate() {
                    a.groups[g] += n as f32;
                    if intro {
                        a.intro_groups[g] += n as f32;
                    }
                }
                let mut counts: Vec<(u64, f32)> = counts.into_iter().collect();
                counts.sort_unstable_by_key(|c| c.0);
                let norm = self.norm(&counts);
                a.sentences.push(Sentence { counts, norm, groups });
            }
        }
        a.n_terms = a.counts.values().sum::<f32>() as usize;
        let mut bow: Vec<(u32, f32)> =
            a.counts.iter().filter_map(|(k, &c)| self.index.get(k).filter(|&&i| (i as usize) < self.n_bow).map(|&i| (i, c))).collect();
        bow.sort_unstable_by_key(|b| b.0);
        let len = bow.iter().map(|b| b.1 * b.1).sum::<f32>().sqrt();
        if len > 0.0 {
            bow.iter_mut().for_each(|b| b.1 /= len);
        }
        a.bow = bow;
        a.norm = self.norm_map(&a.counts);
        a.intro_norm = self.norm_map(&a.intro_counts);
        a
    }

    fn norm(&self, counts: &[(u64, f32)]) -> f32 {
        counts.iter().map(|&(k, c)| (c * self.idf_of(k)).powi(2)).sum::<f32>().sqrt()
    }

    fn norm_map(&self, counts: &BTreeMap<u64, f32>) -> f32 {
        counts.iter().map(|(&k, &c)| (c * self.idf_of(k)).powi(2)).sum::<f32>().sqrt()
    }

    /// TF-IDF cosine of the claim with a set of term counts.
    fn cosine(&self, claim: &Analysis, counts: impl Fn(u64) -> f32, norm: f32) -> f32 {
        if claim.norm == 0.0 || norm == 0.0 {
            return 0.0;
        }
        let dot: f32 = claim
            .counts
            .iter()
            .map(|(&k, &c)| {
                let idf = self.idf_of(k);
                c * idf * counts(k) * idf
            })
            .sum();
        dot / (claim.norm * norm)
    }

    /// The model input for a pair, sparse: (index, value) by increasing index.
    pub fn features(&self, claim: &Analysis, body: &Analysis) -> Vec<(u32, f32)> {
        let n = self.n_bow as u32;
        let mut x: Vec<(u32, f32)> = Vec::with_capacity(claim.bow.len() + body.bow.len() + N_EXTRA);
        x.extend(claim.bow.iter().copied());
        x.extend(body.bow.iter().map(|&(i, v)| (i + n, v)));
        let mut extra = Vec::with_capacity(N_EXTRA);

        // similarity: the whole body, its best sentences, its lede
        extra.push(self.cosine(claim, |k| body.counts.get(&k).copied().unwrap_or(0.0), body.norm));
        let mut sims: Vec<(f32, usize)> = body
            .sentences
            .iter()
            .enumerate()
            .map(|(i, s)| (self.cosine(claim, |k| s.counts.binary_search_by_key(&k, |c| c.0).map_or(0.0, |j| s.counts[j].1), s.norm), i))
            .collect();
        sims.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let sim = |r: usize| sims.get(r).map_or(0.0, |s| s.0);
        extra.push(sim(0));
        extra.push(sim(1));
        extra.push((sim(0) + sim(1) + sim(2)) / 3.0);
        extra.push(sims.first().map_or(0.0, |s| s.1 as f32 / body.sentences.len() as f32));
        extra.push(self.cosine(claim, |k| body.intro_counts.get(&k).copied().unwrap_or(0.0), body.intro_norm));

        // overlap of the claim's terms and bigrams with the body and its lede
        let unique = claim.counts.len().max(1) as f32;
        let idf_total: f32 = claim.counts.keys().map(|&k| self.idf_of(k)).sum::<f32>().max(1e-6);
        extra.push(claim.counts.keys().filter(|k| body.counts.contains_key(k)).count() as f32 / unique);
        extra.push(claim.counts.keys().filter(|k| body.counts.contains_key(k)).map(|&k| self.idf_of(k)).sum::<f32>() / idf_total);
        extra.push(claim.counts.keys().filter(|k| body.intro_counts.contains_key(k)).count() as f32 / unique);
        let bigrams = claim.bigrams.len().max(1) as f32;
        extra.push(claim.bigrams.iter().filter(|b| body.bigrams.contains(b)).count() as f32 / bigrams);
        extra.push(claim.bigrams.iter().filter(|b| body.intro_bigrams.contains(b)).count() as f32 / bigrams);

        // sizes, and the claim's form
        extra.push((1.0 + claim.n_terms as f32).ln() / 3.0);
        extra.push((1.0 + body.n_words as f32).ln() / 8.0);
        extra.push(claim.question as u8 as f32);
        extra.push(body.question as u8 as f32);

        // lexicon groups: in the claim, in the body (rate), in the lede, and in the two
        // sentences that match the claim best, which is where a body answers it
        for g in 0..GROUPS {
            extra.push(claim.groups[g].min(3.0) / 3.0);
        }
        let per_100 = 100.0 / body.n_words.max(1) as f32;
        for g in 0..GROUPS {
            extra.push((body.groups[g] * per_100).min(5.0) / 5.0);
        }
        for g in 0..GROUPS {
            extra.push((1.0 + body.groups[g]).ln() / 3.0);
        }
        for g in 0..GROUPS {
            extra.push((body.intro_groups[g] > 0.0) as u8 as f32);
        }
        for g in 0..GROUPS {
            let near = sims.iter().take(2).any(|&(s, i)| s > 0.0 && body.sentences[i].groups[g] > 0);
            extra.push(near as u8 as f32);
        }
        // polarity as in the organisers' baseline: odd or even number of refuting words
        extra.push(((claim.groups[REFUTE as usize] + claim.groups[NEGATE as usize]) as usize % 2) as f32);
        extra.push(((body.groups[REFUTE as usize] + body.groups[NEGATE as usize]) as usize % 2) as f32);

        for &c in &claim.word_counts {
            extra.push((c > 0.0) as u8 as f32);
        }
        for &c in &body.word_counts {
            extra.push((1.0 + c).ln() / 2.0);
        }
        debug_assert_eq!(extra.len(), N_EXTRA);
        let base = 2 * n;
        x.extend(extra.into_iter().enumerate().filter(|e| e.1 != 0.0).map(|(i, v)| (base + i as u32, v)));
        x
    }
}

fn bigram(a: u64, b: u64) -> u64 {
    mix(a.rotate_left(21) ^ b)
}

/// One text as [`Vocab::features`] needs it.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    // ordered maps: similarities sum over them, and a fixed order keeps fits bit-reproducible
    counts: BTreeMap<u64, f32>,
    norm: f32,
    bow: Vec<(u32, f32)>,
    sentences: Vec<Sentence>,
    n_words: usize,
    n_terms: usize,
    groups: [f32; GROUPS],
    word_counts: Vec<f32>,
    question: bool,
    bigrams: HashSet<u64>,
    intro_counts: BTreeMap<u64, f32>,
    intro_norm: f32,
    intro_bigrams: HashSet<u64>,
    intro_groups: [f32; GROUPS],
}

#[derive(Debug, Clone, Default)]
struct Sentence {
    /// (term key, count), by key
    counts: Vec<(u64, f32)>,
    norm: f32,
    groups: [u8; GROUPS],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_sorted_finite_and_in_range() {
        let v = Vocab::fit(&["The mayor denies the bridge will close", "A bridge closes downtown, the mayor said"], 10, 1);
        let claim = v.analyse("Mayor denies bridge closure?");
        let body = v.analyse("The mayor denied on Monday that the bridge would close.\nTraffic was normal.");
        let x = v.features(&claim, &body);
        assert!(x.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(x.iter().all(|&(i, val)| (i as usize) < v.input_len() && val.is_finite()));
    }

    #[test]
    fn claim_repeated_in_body_is_most_similar() {
        let v = Vocab::fit(&["Lighthouse keeper spots rare white whale", "Council votes to repaint the old town hall"], 10, 1);
        let claim = v.analyse("Lighthouse keeper spots rare white whale");
        let same = v.analyse("A lighthouse keeper spots a rare white whale off the cape. Photos followed.");
        let other = v.analyse("The council votes to repaint the old town hall in green.");
        let cos = |b: &Analysis| v.features(&claim, b).iter().find(|e| e.0 == 2 * v.n_bow as u32).map_or(0.0, |e| e.1);
        assert!(cos(&same) > 0.5, "{}", cos(&same));
        assert_eq!(cos(&other), 0.0);
    }
}
