//! FNC-1 data files and its scores: the competition's relative score, and class-wise F1
//! (which the relative score hides: it pays mostly for the unrelated/related split).

use crate::{csv, Stance};
use std::collections::HashMap;
use std::path::Path;

/// One labelled pair of an FNC-1 stances file.
#[derive(Debug, Clone)]
pub struct Pair {
    pub headline: String,
    pub body_id: u32,
    pub stance: Stance,
}

/// FNC-1 pairs and the bodies they point at.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub pairs: Vec<Pair>,
    pub bodies: HashMap<u32, String>,
}

impl Dataset {
    /// Reads a stances file (`Headline,Body ID,Stance`) and a bodies file (`Body ID,articleBody`).
    pub fn load(stances: &Path, bodies: &Path) -> Result<Dataset, String> {
        let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
        let mut map = HashMap::new();
        for (n, row) in csv::parse(&read(bodies)?).into_iter().enumerate().skip(1) {
            let [id, body] = <[String; 2]>::try_from(row).map_err(|_| format!("{}: record {n} is not 2 fields", bodies.display()))?;
            map.insert(id.trim().parse().map_err(|_| format!("{}: bad body id {id:?}", bodies.display()))?, body);
        }
        let mut pairs = Vec::new();
        for (n, row) in csv::parse(&read(stances)?).into_iter().enumerate().skip(1) {
            let [headline, id, stance] = <[String; 3]>::try_from(row).map_err(|_| format!("{}: record {n} is not 3 fields", stances.display()))?;
            let body_id = id.trim().parse().map_err(|_| format!("{}: bad body id {id:?}", stances.display()))?;
            if !map.contains_key(&body_id) {
                return Err(format!("{}: body {body_id} is not in {}", stances.display(), bodies.display()));
            }
            let stance = Stance::parse(&stance).ok_or_else(|| format!("{}: bad stance {stance:?}", stances.display()))?;
            pairs.push(Pair { headline, body_id, stance });
        }
        Ok(Dataset { pairs, bodies: map })
    }

    /// The FNC-1 split in `dir`: "train" or "competition_test".
    pub fn split(dir: &Path, name: &str) -> Result<Dataset, String> {
        Dataset::load(&dir.join(format!("{name}_stances.csv")), &dir.join(format!("{name}_bodies.csv")))
    }
}

/// How a set of predictions scores against gold labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// FNC-1 score as a percentage of the best achievable.
    pub relative: f64,
    pub score: f64,
    pub max_score: f64,
    pub macro_f1: f64,
    /// F1 per stance, in the order of [`Stance::ALL`].
    pub f1: [f64; 4],
    /// confusion[gold][predicted]
    pub confusion: [[usize; 4]; 4],
}

impl Scores {
    pub fn new(gold: &[Stance], predicted: &[Stance]) -> Scores {
        assert_eq!(gold.len(), predicted.len());
        let mut confusion = [[0usize; 4]; 4];
        let (mut score, mut max_score) = (0.0, 0.0);
        for (&g, &p) in gold.iter().zip(predicted) {
            confusion[g.index()][p.index()] += 1;
            let related = |s: Stance| s != Stance::Unrelated;
            // 0.25 for the related/unrelated decision, 0.75 more for the exact related stance
            max_score += if related(g) { 1.0 } else { 0.25 };
            if related(g) == related(p) {
                score += 0.25;
            }
            if related(g) && g == p {
                score += 0.75;
            }
        }
        let f1 = std::array::from_fn(|c| {
            let tp = confusion[c][c] as f64;
            let gold_c: usize = confusion[c].iter().sum();
            let pred_c: usize = confusion.iter().map(|row| row[c]).sum();
            if gold_c + pred_c == 0 {
                0.0
            } else {
                2.0 * tp / (gold_c + pred_c) as f64
            }
        });
        let macro_f1 = f1.iter().sum::<f64>() / 4.0;
        let relative = if max_score > 0.0 { 100.0 * score / max_score } else { 0.0 };
        Scores { relative, score, max_score, macro_f1, f1, confusion }
    }

    /// Several lines: the two headline figures, per-class F1 and the confusion matrix.
    pub fn report(&self) -> String {
        let mut s = format!(
            "relative score {:.2} ({:.2} / {:.2})  macro-F1 {:.4}\nF1 agree {:.3}  disagree {:.3}  discuss {:.3}  unrelated {:.3}\n",
            self.relative, self.score, self.max_score, self.macro_f1, self.f1[0], self.f1[1], self.f1[2], self.f1[3]
        );
        s.push_str("gold \\ predicted  agree disagree discuss unrelated\n");
        for (g, row) in Stance::ALL.iter().zip(&self.confusion) {
            s.push_str(&format!("{:>16} {:>6} {:>8} {:>7} {:>9}\n", g.name(), row[0], row[1], row[2], row[3]));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stance::*;

    #[test]
    fn relative_score_and_f1() {
        let gold = [Agree, Disagree, Discuss, Unrelated, Unrelated];
        // agree right (1.0), disagree called discuss (0.25), discuss called unrelated (0),
        // unrelated right (0.25), unrelated called agree (0): 1.5 of 3.5
        let pred = [Agree, Discuss, Unrelated, Unrelated, Agree];
        let s = Scores::new(&gold, &pred);
        assert!((s.score - 1.5).abs() < 1e-9 && (s.max_score - 3.5).abs() < 1e-9);
        assert!((s.relative - 100.0 * 1.5 / 3.5).abs() < 1e-9);
        // agree: tp 1, gold 1, predicted 2 -> 2/3; disagree 0; discuss 0; unrelated: tp 1,
        // gold 2, predicted 2 -> 1/2
        assert!((s.f1[0] - 2.0 / 3.0).abs() < 1e-9 && s.f1[1] == 0.0 && s.f1[2] == 0.0);
        assert!((s.f1[3] - 0.5).abs() < 1e-9);
        assert!((s.macro_f1 - (2.0 / 3.0 + 0.5) / 4.0).abs() < 1e-9);
    }
}
