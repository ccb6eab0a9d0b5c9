//! Stance detection: whether an article body agrees with a claim (a headline), disagrees with
//! it, discusses it without taking a side, or is about something else.
//!
//! The model follows UCLMR's FNC-1 system (Riedel et al. 2017): term-frequency vectors of claim
//! and body, their TF-IDF similarity and a few hand features, one hidden layer of ReLU units and
//! a softmax over the four stances. It was fitted on the FNC-1 training split only and ships in
//! the crate (`weights/`, see its README), so nothing is downloaded.

pub mod csv;
pub mod features;
pub mod fnc;

use features::{Analysis, Vocab};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A body's stance towards a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Agree,
    Disagree,
    Discuss,
    Unrelated,
}

impl Stance {
    /// In the order of [`Prediction::probs`].
    pub const ALL: [Stance; 4] = [Stance::Agree, Stance::Disagree, Stance::Discuss, Stance::Unrelated];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Stance::Agree => "agree",
            Stance::Disagree => "disagree",
            Stance::Discuss => "discuss",
            Stance::Unrelated => "unrelated",
        }
    }

    pub fn parse(name: &str) -> Option<Stance> {
        Stance::ALL.into_iter().find(|s| s.name() == name.trim())
    }
}

/// The model's answer for one pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prediction {
    pub label: Stance,
    /// Probability of `label`.
    pub score: f32,
    /// Probability of each stance, in the order of [`Stance::ALL`].
    pub probs: [f32; 4],
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("stance weights: {0}")]
    Weights(String),
}

/// One hidden layer of ReLU units over a sparse input, then four logits.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    pub inputs: usize,
    pub hidden: usize,
    /// `inputs` rows of `hidden` weights: an input's row is added once per non-zero value,
    /// so a pair costs its non-zero features, not the vocabulary.
    pub w1: Vec<f32>,
    pub b1: Vec<f32>,
    /// 4 rows of `hidden`.
    pub w2: Vec<f32>,
    pub b2: [f32; 4],
}

impl Mlp {
    /// Hidden activations (after ReLU) of a sparse input.
    pub fn hidden(&self, x: &[(u32, f32)]) -> Vec<f32> {
        let mut h = self.b1.clone();
        for &(i, v) in x {
            let row = &self.w1[i as usize * self.hidden..][..self.hidden];
            h.iter_mut().zip(row).for_each(|(h, w)| *h += v * w);
        }
        h.iter_mut().for_each(|h| *h = h.max(0.0));
        h
    }

    pub fn logits(&self, x: &[(u32, f32)]) -> [f32; 4] {
        let h = self.hidden(x);
        let mut out = self.b2;
        for (o, row) in out.iter_mut().zip(self.w2.chunks(self.hidden)) {
            *o += row.iter().zip(&h).map(|(w, h)| w * h).sum::<f32>();
        }
        out
    }
}

/// Softmax of four logits.
pub fn softmax(logits: [f32; 4]) -> [f32; 4] {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = logits.map(|l| (l - max).exp());
    let sum: f32 = e.iter().sum();
    e.map(|v| v / sum)
}

/// Vocabulary, network and decision offsets: everything a prediction needs.
#[derive(Debug, Clone, PartialEq)]
pub struct StanceModel {
    pub vocab: Vocab,
    pub mlp: Mlp,
    /// Added to the logits before the softmax. Tuned on held-out training bodies: the loss
    /// favours the common stances, and these trade a little accuracy on them for recall on
    /// the rare ones (disagree above all).
    pub offsets: [f32; 4],
}

const MAGIC: &[u8; 8] = b"PXSTNC01";
/// Bumped whenever [`features`] changes meaning, so old weights are refused, not misread.
const FEATURE_VERSION: u32 = 1;

static BUNDLED: &[u8] = include_bytes!("../weights/stance.bin");

impl StanceModel {
    /// The model fitted on FNC-1's training split, shipped in the crate (parsed once).
    pub fn bundled() -> &'static StanceModel {
        static MODEL: OnceLock<StanceModel> = OnceLock::new();
        MODEL.get_or_init(|| StanceModel::from_bytes(BUNDLED).expect("the bundled stance weights parse"))
    }

    pub fn predict(&self, claim: &str, body: &str) -> Prediction {
        self.predict_analysed(&self.vocab.analyse(claim), &self.vocab.analyse(body))
    }

    pub fn predict_analysed(&self, claim: &Analysis, body: &Analysis) -> Prediction {
        let mut logits = self.mlp.logits(&self.vocab.features(claim, body));
        logits.iter_mut().zip(self.offsets).for_each(|(l, o)| *l += o);
        let probs = softmax(logits);
        let best = (0..4).fold(0, |b, i| if probs[i] > probs[b] { i } else { b });
        Prediction { label: Stance::ALL[best], score: probs[best], probs }
    }

    /// Predictions for many pairs, in order, on all cores. A claim or body that occurs in many
    /// pairs (one body against many headlines is the usual shape) is analysed once per thread.
    pub fn predict_batch(&self, pairs: &[(&str, &str)]) -> Vec<Prediction> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(pairs.len().div_ceil(64)).max(1);
        let chunk = pairs.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = pairs
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut seen: HashMap<&str, Analysis> = HashMap::new();
                        part.iter()
                            .map(|&(claim, body)| {
                                for text in [claim, body] {
                                    if !seen.contains_key(text) {
                                        seen.insert(text, self.vocab.analyse(text));
                                    }
                                }
                                self.predict_analysed(&seen[claim], &seen[body])
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("a stance thread panicked")).collect()
        })
    }

    /// The weights file: little-endian; the first layer as i8 with one f32 scale per input row
    /// (rows differ in scale by orders of magnitude, a shared scale would flatten the small ones).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        let v = &self.vocab;
        for n in [FEATURE_VERSION, v.terms.len() as u32, v.n_bow as u32, features::N_EXTRA as u32, self.mlp.hidden as u32] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        out.extend_from_slice(&v.unknown_idf.to_le_bytes());
        for (t, idf) in v.terms.iter().zip(&v.idf) {
            let t = parallax_text::truncate_at_char(t, 255);
            out.push(t.len() as u8);
            out.extend_from_slice(t.as_bytes());
            out.extend_from_slice(&idf.to_le_bytes());
        }
        for row in self.mlp.w1.chunks(self.mlp.hidden) {
            let max = row.iter().fold(0f32, |m, w| m.max(w.abs()));
            let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
            out.extend_from_slice(&scale.to_le_bytes());
            out.extend(row.iter().map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8 as u8));
        }
        for x in self.mlp.b1.iter().chain(&self.mlp.w2).chain(&self.mlp.b2).chain(&self.offsets) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<StanceModel, Error> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(8)? != MAGIC {
            return Err(Error::Weights("not a parallax stance weights file".into()));
        }
        let [version, n_terms, n_bow, n_extra, hidden] = [r.u32()?, r.u32()?, r.u32()?, r.u32()?, r.u32()?].map(|n| n as usize);
        if version != FEATURE_VERSION as usize || n_extra != features::N_EXTRA {
            return Err(Error::Weights(format!(
                "made for features v{version} with {n_extra} extras; this build has v{FEATURE_VERSION} with {}",
                features::N_EXTRA
            )));
        }
        if n_bow > n_terms || hidden == 0 {
            return Err(Error::Weights("inconsistent sizes".into()));
        }
        let unknown_idf = r.f32()?;
        let (mut terms, mut idf) = (Vec::with_capacity(n_terms), Vec::with_capacity(n_terms));
        for _ in 0..n_terms {
            let len = r.take(1)?[0] as usize;
            let t = std::str::from_utf8(r.take(len)?).map_err(|_| Error::Weights("a term is not UTF-8".into()))?;
            terms.push(t.to_string());
            idf.push(r.f32()?);
        }
        let vocab = Vocab::new(terms, idf, n_bow, unknown_idf);
        let inputs = vocab.input_len();
        let mut w1 = Vec::with_capacity(inputs * hidden);
        for _ in 0..inputs {
            let scale = r.f32()?;
            w1.extend(r.take(hidden)?.iter().map(|&q| q as i8 as f32 * scale));
        }
        let b1 = r.f32s(hidden)?;
        let w2 = r.f32s(4 * hidden)?;
        let b2 = r.f32s(4)?.try_into().expect("four");
        let offsets = r.f32s(4)?.try_into().expect("four");
        if r.at != bytes.len() {
            return Err(Error::Weights("trailing bytes".into()));
        }
        Ok(StanceModel { vocab, mlp: Mlp { inputs, hidden, w1, b1, w2, b2 }, offsets })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| Error::Weights("truncated".into()))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    fn f32(&mut self) -> Result<f32, Error> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    fn f32s(&mut self, n: usize) -> Result<Vec<f32>, Error> {
        (0..n).map(|_| self.f32()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small hand-made model: enough to check the file format without the bundled weights.
    fn toy() -> StanceModel {
        let vocab = Vocab::fit(&["Harbour seals return to the bay", "The bakery wins a prize for its rye bread"], 8, 1);
        let (inputs, hidden) = (vocab.input_len(), 3);
        let w1 = (0..inputs * hidden).map(|i| ((i * 37 % 11) as f32 - 5.0) / 7.0).collect();
        let mlp = Mlp { inputs, hidden, w1, b1: vec![0.1, -0.2, 0.3], w2: (0..4 * hidden).map(|i| i as f32 / 10.0 - 0.5).collect(), b2: [0.0, 0.1, -0.1, 0.2] };
        StanceModel { vocab, mlp, offsets: [0.5, 1.0, 0.0, 0.0] }
    }

    #[test]
    fn weights_round_trip() {
        let model = toy();
        let bytes = model.to_bytes();
        let back = StanceModel::from_bytes(&bytes).unwrap();
        assert_eq!(back.vocab, model.vocab);
        assert_eq!(back.offsets, model.offsets);
        // the first layer is quantised: close, and exact on a second trip
        assert!(back.mlp.w1.iter().zip(&model.mlp.w1).all(|(a, b)| (a - b).abs() <= 1.0 / 7.0 * 5.0 / 127.0 + 1e-6));
        assert_eq!(back.to_bytes(), bytes);
        let p = model.predict("Seals return", "Harbour seals return to the bay each spring.");
        let q = back.predict("Seals return", "Harbour seals return to the bay each spring.");
        assert!(p.probs.iter().zip(q.probs).all(|(a, b)| (a - b).abs() < 0.02));
        assert!(StanceModel::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(StanceModel::from_bytes(b"nonsense").is_err());
    }

    #[test]
    fn batch_matches_single() {
        let model = toy();
        let pairs = [
            ("Seals return", "Harbour seals return to the bay."),
            ("Rye bread prize", "The bakery wins a prize."),
            ("Seals return", "The bakery wins a prize."),
        ];
        let batch = model.predict_batch(&pairs);
        for (p, &(c, b)) in batch.iter().zip(&pairs) {
            assert_eq!(*p, model.predict(c, b));
        }
        assert!(model.predict_batch(&[]).is_empty());
    }

    #[test]
    fn stance_serde_is_lowercase() {
        assert_eq!(serde_json::to_string(&Stance::Disagree).unwrap(), "\"disagree\"");
        assert_eq!(serde_json::from_str::<Stance>("\"unrelated\"").unwrap(), Stance::Unrelated);
        assert_eq!(Stance::parse("discuss"), Some(Stance::Discuss));
    }

    // The bundled model on pairs written for these tests.
    #[test]
    fn bundled_unrelated_pair_is_unrelated() {
        let model = StanceModel::bundled();
        let p = model.predict(
            "City council approves new bicycle lanes on Main Street",
            "A rare orchid bloomed this week at the botanical garden for the first time in twelve years. \
             Gardeners said the flower, native to the cloud forests of Ecuador, opens for only two days. \
             Visitors queued around the glasshouse to see it.",
        );
        assert_eq!(p.label, Stance::Unrelated, "{p:?}");
    }

    #[test]
    fn bundled_body_repeating_the_claim_is_related() {
        let model = StanceModel::bundled();
        let p = model.predict(
            "Bakery owner wins national lottery jackpot",
            "A bakery owner has won the national lottery jackpot, the lottery operator said on Tuesday. \
             The bakery owner, who bought the ticket at a corner shop, said she would keep baking bread. \
             The jackpot is the largest won in the region this year.",
        );
        assert_ne!(p.label, Stance::Unrelated, "{p:?}");
        assert!((p.probs.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
}
