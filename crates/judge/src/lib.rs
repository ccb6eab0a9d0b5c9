//! Decides how two news statements relate: the same claim, a contradiction, related, or
//! unrelated, with the evidence for it in words a reader can check.
//!
//! No neural model: a pair is reduced to lexical features (BLEU-like n-gram precision each way
//! on words and stems, IDF-weighted term coverage, character 4-grams, longest common
//! subsequence, token edit distance, length, numbers, capitalised names, negation) and a
//! classifier fitted on the MRPC train split turns them into P(same). The fitted weights are
//! `weights/mrpc.json`, bundled with `include_str!`; `weights/README.md` says how they were made.
//!
//! IDF comes only from the batch being judged: build one [`Context`] from every text of the
//! batch (a story's sentences, every pair of an input file) and use it for all of them, so a
//! pair gets the same verdict however it is reached ([`Judge::judge`] or
//! [`Judge::prepare`] + [`Judge::judge_prepared`]).
//!
//! For many pairs, prepare each sentence once and compare the [`Prepared`] forms: a pair then
//! costs a few microseconds.
//!
//! ```
//! use parallax_judge::{Context, Judge, Relation};
//! let judge = Judge::bundled();
//! let (a, b) = ("The ferry sank off Corran on Tuesday.", "On Tuesday the ferry sank off Corran.");
//! let ctx = Context::from_texts([a, b]);
//! assert_eq!(judge.judge(a, b, &ctx).relation, Relation::Same);
//! ```

mod features;
mod model;

pub use features::{features, Prepared, FEATURES, FEATURE_NAMES};

use features::{for_each_content_part, for_each_shared, negation_mismatch};
use model::{Model, WeightsFile};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// How two statements relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// They state the same thing (a paraphrase).
    Same,
    /// They would be the same or close, but one denies or negates what the other asserts, or
    /// the caller supplied a conflict (numbers, dates) between them.
    Contradicts,
    /// About the same thing (shared names, or a middling score), not the same claim.
    Related,
    /// Nothing much in common.
    Unrelated,
}

/// Which of the two statements, in the order they were passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    First,
    Second,
}

/// One piece of evidence behind a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Capitalised names both statements mention (as the first one writes them).
    SharedNames { names: Vec<String> },
    /// Other content words both use, rarest in the context first.
    SharedWords { words: Vec<String> },
    /// Number tokens both contain.
    SharedNumbers { numbers: Vec<String> },
    /// Number tokens only one side contains.
    NumbersOnOneSide { side: Side, numbers: Vec<String> },
    /// Negation or denial words on one side while the other has none.
    NegationOnOneSide { side: Side, cues: Vec<String> },
    /// A conflict the caller found (see [`Conflict`]).
    Conflict { what: String },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |s: &Side| match s {
            Side::First => "first",
            Side::Second => "second",
        };
        match self {
            Reason::SharedNames { names } => write!(f, "both name {}", names.join(", ")),
            Reason::SharedWords { words } => write!(f, "both say {}", words.join(", ")),
            Reason::SharedNumbers { numbers } => write!(f, "both give {}", numbers.join(", ")),
            Reason::NumbersOnOneSide { side: s, numbers } => write!(f, "only the {} gives {}", side(s), numbers.join(", ")),
            Reason::NegationOnOneSide { side: s, cues } => write!(f, "only the {} negates ({})", side(s), cues.join(", ")),
            Reason::Conflict { what } => write!(f, "conflict: {what}"),
        }
    }
}

/// Evidence from outside this crate that two statements disagree, e.g. a number or date
/// conflict found by `parallax-values`. Handed to [`Judge::judge_with_conflicts`], it turns a
/// same-or-close pair into [`Relation::Contradicts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// What disagrees, for a reader ("death toll: 12 vs 15").
    pub what: String,
}

/// The judgement of one pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub relation: Relation,
    /// `score >= threshold`: the paraphrase decision the classifier was fitted for. It stays
    /// true for a pair that [`Relation::Contradicts`] because the wording says the same thing.
    pub same: bool,
    /// P(same) from the classifier.
    pub score: f32,
    pub reasons: Vec<Reason>,
}

/// Document frequencies over a batch of texts, for IDF weights. Build it from the whole batch
/// being judged; a text outside it weighs its words as if each were seen nowhere (the most).
#[derive(Debug, Clone, Default)]
pub struct Context {
    df: HashMap<u64, u32>,
    docs: u32,
}

impl Context {
    /// No batch: every content word weighs the same.
    pub fn empty() -> Context {
        Context::default()
    }

    /// Counts, for each content term, how many of `texts` contain it.
    pub fn from_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Context {
        let mut ctx = Context::default();
        let mut seen = Vec::new();
        for text in texts {
            seen.clear();
            parallax_text::for_each_word(text, |w| for_each_content_part(w, |_, key| seen.push(key)));
            seen.sort_unstable();
            seen.dedup();
            for &key in &seen {
                *ctx.df.entry(key).or_default() += 1;
            }
            ctx.docs += 1;
        }
        ctx
    }

    /// Number of texts counted.
    pub fn len(&self) -> usize {
        self.docs as usize
    }

    /// Whether no text was counted.
    pub fn is_empty(&self) -> bool {
        self.docs == 0
    }

    /// IDF of a term over the largest IDF possible in this context, so weights lie in (0, 1]
    /// whether the batch holds ten texts or ten thousand.
    pub(crate) fn weight(&self, key: u64) -> f64 {
        if self.docs == 0 {
            return 1.0;
        }
        let n = self.docs as f64 + 1.0;
        let df = self.df.get(&key).copied().unwrap_or(0) as f64;
        ((n / (df + 1.0)).ln() + 1.0) / (n.ln() + 1.0)
    }
}

/// A weights file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    #[error("weights file is not valid JSON for a judge: {0}")]
    Json(#[from] serde_json::Error),
    #[error("weights file was fitted on other features than this build computes; refit it")]
    Features,
    #[error("weights file is inconsistent: {0}")]
    Model(String),
}

/// Below this P(same) a pair with no shared name is [`Relation::Unrelated`]. MRPC's negatives
/// all come from one news cluster and share many words, and the fitted model gives most of them
/// 0.2 to 0.6; sentences on different subjects score under 0.1. 0.15 sits between, so
/// "related" means "about the same thing" rather than "somewhat worded alike".
const RELATED_SCORE: f64 = 0.15;

/// At or above this P(same), a pair with a negation on one side or a supplied conflict is
/// [`Relation::Contradicts`] rather than merely related. The negation itself lowers the score
/// (the model learnt that negated pairs are seldom paraphrases), so this is well below the
/// same threshold: "otherwise close" is judged on the words the two sides share.
const CLOSE_SCORE: f64 = 0.3;

/// Most words listed in one reason.
const MAX_LISTED: usize = 6;

/// The fitted pair classifier.
#[derive(Debug, Clone)]
pub struct Judge {
    model: Model,
    threshold: f64,
}

impl Judge {
    /// The judge fitted on MRPC train (`weights/mrpc.json`).
    pub fn bundled() -> Judge {
        static BUNDLED: OnceLock<Judge> = OnceLock::new();
        BUNDLED.get_or_init(|| Judge::from_json(include_str!("../weights/mrpc.json")).expect("the bundled weights file is valid (a test checks it)")).clone()
    }

    /// A judge from a weights file written by `examples/fit_mrpc.rs`.
    pub fn from_json(json: &str) -> Result<Judge, JudgeError> {
        let file: WeightsFile = serde_json::from_str(json)?;
        if !model::same_features(&file.features) {
            return Err(JudgeError::Features);
        }
        file.model.check().map_err(JudgeError::Model)?;
        Ok(Judge { model: file.model, threshold: file.threshold })
    }

    /// P(same) at or above which a pair is the same statement.
    pub fn threshold(&self) -> f32 {
        self.threshold as f32
    }

    /// Reduces one sentence for comparing it with many.
    pub fn prepare(&self, text: &str, ctx: &Context) -> Prepared {
        Prepared::new(text, ctx)
    }

    /// Judges one pair of texts (preparing both; for many pairs prepare each text once).
    pub fn judge(&self, a: &str, b: &str, ctx: &Context) -> Verdict {
        self.judge_prepared(&self.prepare(a, ctx), &self.prepare(b, ctx))
    }

    /// Judges one pair of prepared sentences.
    pub fn judge_prepared(&self, a: &Prepared, b: &Prepared) -> Verdict {
        self.judge_with_conflicts(a, b, &[])
    }

    /// Judges a pair given conflicts found elsewhere (numbers, dates): with any, a pair that is
    /// same or close becomes [`Relation::Contradicts`] and each conflict is a reason.
    pub fn judge_with_conflicts(&self, a: &Prepared, b: &Prepared, conflicts: &[Conflict]) -> Verdict {
        let score = self.score_f64(a, b);
        let same = score >= self.threshold;
        let reasons = reasons(a, b, conflicts);
        let shares_name = reasons.iter().any(|r| matches!(r, Reason::SharedNames { .. }));
        let denial = negation_mismatch(a, b) || !conflicts.is_empty();
        let relation = if denial && score >= CLOSE_SCORE {
            Relation::Contradicts
        } else if same {
            Relation::Same
        } else if score >= RELATED_SCORE || shares_name {
            Relation::Related
        } else {
            Relation::Unrelated
        };
        Verdict { relation, same, score: score as f32, reasons }
    }

    /// P(same) alone, without reasons: the cheapest question to ask of a pair.
    pub fn score_prepared(&self, a: &Prepared, b: &Prepared) -> f32 {
        self.score_f64(a, b) as f32
    }

    /// The feature vector the classifier sees for a pair (see [`FEATURE_NAMES`]).
    pub fn features(&self, a: &Prepared, b: &Prepared) -> [f64; FEATURES] {
        features(a, b)
    }

    fn score_f64(&self, a: &Prepared, b: &Prepared) -> f64 {
        self.model.probability(&features(a, b))
    }
}

/// The evidence a reader can check: what the two share and what only one side has.
fn reasons(a: &Prepared, b: &Prepared, conflicts: &[Conflict]) -> Vec<Reason> {
    let mut out = Vec::new();
    let mut names = Vec::new();
    for_each_shared(&a.names, |n| n.0, &b.names, |n| n.0, |i, _| names.push(a.names[i].1.to_string()));
    let mut words: Vec<(f64, &str)> = Vec::new();
    for_each_shared(
        &a.terms,
        |t| t.key,
        &b.terms,
        |t| t.key,
        |i, _| {
            let t = &a.terms[i];
            let is_name = a.names.iter().any(|n| n.1.eq_ignore_ascii_case(&t.display));
            let is_number = t.display.bytes().any(|c| c.is_ascii_digit());
            if !is_name && !is_number {
                words.push((t.weight, &t.display));
            }
        },
    );
    words.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(y.1)));
    let mut numbers = Vec::new();
    for_each_shared(&a.numbers, |n| n.0, &b.numbers, |n| n.0, |i, _| numbers.push(a.numbers[i].1.to_string()));
    if !names.is_empty() {
        names.truncate(MAX_LISTED);
        out.push(Reason::SharedNames { names });
    }
    if !words.is_empty() {
        out.push(Reason::SharedWords { words: words.iter().take(MAX_LISTED).map(|w| w.1.to_string()).collect() });
    }
    if !numbers.is_empty() {
        out.push(Reason::SharedNumbers { numbers });
    }
    for (side, this, other) in [(Side::First, a, b), (Side::Second, b, a)] {
        let only: Vec<String> = this.numbers.iter().filter(|n| other.numbers.binary_search_by_key(&n.0, |m| m.0).is_err()).map(|n| n.1.to_string()).collect();
        if !only.is_empty() {
            out.push(Reason::NumbersOnOneSide { side, numbers: only });
        }
    }
    if negation_mismatch(a, b) {
        let (side, p) = if a.negations.is_empty() { (Side::Second, b) } else { (Side::First, a) };
        out.push(Reason::NegationOnOneSide { side, cues: p.negations.iter().map(|c| c.to_string()).collect() });
    }
    out.extend(conflicts.iter().map(|c| Reason::Conflict { what: c.what.clone() }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(a: &str, b: &str) -> Verdict {
        Judge::bundled().judge(a, b, &Context::from_texts([a, b]))
    }

    #[test]
    fn bundled_weights_load() {
        let j = Judge::bundled();
        assert!(j.threshold() > 0.0 && j.threshold() < 1.0);
    }

    #[test]
    fn a_paraphrase_is_the_same_claim() {
        let v = judge(
            "Harbour officials said the ferry Marisol capsized near Dunmore on Tuesday evening.",
            "The ferry Marisol capsized near Dunmore on Tuesday evening, according to harbour officials.",
        );
        assert_eq!(v.relation, Relation::Same, "{v:?}");
        assert!(v.same);
    }

    #[test]
    fn a_negated_pair_contradicts() {
        let v = judge(
            "The mayor of Dunmore confirmed that the harbour will reopen on Friday.",
            "The mayor of Dunmore did not confirm that the harbour will reopen on Friday.",
        );
        assert_eq!(v.relation, Relation::Contradicts, "{v:?}");
        assert!(v.reasons.iter().any(|r| matches!(r, Reason::NegationOnOneSide { side: Side::Second, .. })), "{v:?}");
    }

    #[test]
    fn denial_on_both_sides_is_agreement() {
        let v = judge("The shipping company denied that the ferry was overloaded.", "The ferry was not overloaded, the shipping company said.");
        assert_ne!(v.relation, Relation::Contradicts, "{v:?}");
        assert!(!v.reasons.iter().any(|r| matches!(r, Reason::NegationOnOneSide { .. })));
    }

    #[test]
    fn unrelated_sentences_are_unrelated() {
        let v = judge(
            "Wheat prices rose sharply in Chicago trading after the drought forecast.",
            "The orchestra will tour four cities next spring with a new conductor.",
        );
        assert_eq!(v.relation, Relation::Unrelated, "{v:?}");
        assert!(!v.same);
    }

    #[test]
    fn reasons_mention_the_shared_name_and_numbers() {
        let v = judge("Councillor Ines Barrow said 40 homes were flooded in Kelby.", "In Kelby, Barrow counted 40 flooded homes and two closed schools.");
        let names = v.reasons.iter().find_map(|r| if let Reason::SharedNames { names } = r { Some(names.clone()) } else { None }).unwrap();
        assert!(names.contains(&"Kelby".to_string()) && names.contains(&"Barrow".to_string()), "{names:?}");
        assert!(v.reasons.contains(&Reason::SharedNumbers { numbers: vec!["40".into()] }));
        assert_ne!(v.relation, Relation::Unrelated);
        assert_eq!(v.reasons[0].to_string(), "both name Barrow, Kelby");
    }

    #[test]
    fn a_supplied_conflict_turns_a_close_pair_into_a_contradiction() {
        let j = Judge::bundled();
        let (a, b) = ("Twelve passengers died when the ferry capsized.", "Fifteen passengers died when the ferry capsized.");
        let ctx = Context::from_texts([a, b]);
        let (pa, pb) = (j.prepare(a, &ctx), j.prepare(b, &ctx));
        let v = j.judge_with_conflicts(&pa, &pb, &[Conflict { what: "deaths: twelve vs fifteen".into() }]);
        assert_eq!(v.relation, Relation::Contradicts, "{v:?}");
        assert!(v.reasons.contains(&Reason::Conflict { what: "deaths: twelve vs fifteen".into() }));
    }

    #[test]
    fn order_and_call_path_do_not_change_the_verdict() {
        let j = Judge::bundled();
        let (a, b) = ("Police arrested two men in Harlow on Sunday.", "Two men were detained by police in Harlow.");
        let ctx = Context::from_texts([a, b, "An unrelated third sentence about weather."]);
        let direct = j.judge(a, b, &ctx);
        let prepared = j.judge_prepared(&j.prepare(a, &ctx), &j.prepare(b, &ctx));
        assert_eq!(direct, prepared);
        assert_eq!(direct.score, j.judge(b, a, &ctx).score);
    }

    #[test]
    fn serde_names_are_snake_case() {
        assert_eq!(serde_json::to_string(&Relation::Contradicts).unwrap(), "\"contradicts\"");
        let r = Reason::NegationOnOneSide { side: Side::First, cues: vec!["never".into()] };
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"kind":"negation_on_one_side","side":"first","cues":["never"]}"#);
    }

    #[test]
    fn bad_weights_are_refused() {
        assert!(matches!(Judge::from_json("{"), Err(JudgeError::Json(_))));
        let stale = r#"{"features":["x"],"threshold":0.5,"model":{"kind":"trees","base":0,"trees":[]}}"#;
        assert!(matches!(Judge::from_json(stale), Err(JudgeError::Features)));
    }
}
