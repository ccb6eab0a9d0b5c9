//! The fitted classifier: read from the weights file, turned into P(same) for a feature vector.

use crate::features::{FEATURES, FEATURE_NAMES};
use serde::Deserialize;

/// The weights file as written by `examples/fit_mrpc.rs`.
#[derive(Debug, Deserialize)]
pub(crate) struct WeightsFile {
    /// Names of the features the model was fitted on, in order; must equal [`FEATURE_NAMES`].
    pub features: Vec<String>,
    /// P(same) at or above which a pair is the same statement.
    pub threshold: f64,
    pub model: Model,
}

/// A probability model over the feature vector.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Model {
    /// Logistic regression on standardised features.
    Logistic { mean: Vec<f64>, scale: Vec<f64>, weights: Vec<f64>, bias: f64 },
    /// Gradient-boosted regression trees on the raw features; their sum is a log-odds.
    Trees { base: f64, trees: Vec<Vec<Node>> },
    /// The mean of its parts' probabilities.
    Blend { parts: Vec<Model> },
}

/// One node of a tree, stored flat: a split when `left > 0` (the root is node 0, never a
/// child), else a leaf worth `value`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Node {
    #[serde(default)]
    pub feature: usize,
    #[serde(default)]
    pub at: f64,
    #[serde(default)]
    pub left: usize,
    #[serde(default)]
    pub right: usize,
    #[serde(default)]
    pub value: f64,
}

impl Model {
    /// Whether every index and vector length fits the feature vector, so scoring cannot panic.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Model::Logistic { mean, scale, weights, .. } => {
                if mean.len() != FEATURES || scale.len() != FEATURES || weights.len() != FEATURES {
                    return Err(format!("logistic model needs {FEATURES} means, scales and weights"));
                }
                Ok(())
            }
            Model::Trees { trees, .. } => {
                for tree in trees {
                    if tree.is_empty() {
                        return Err("empty tree".into());
                    }
                    for (i, n) in tree.iter().enumerate() {
                        // children come after their parent, so walking a tree always ends
                        if n.left > 0 && (n.feature >= FEATURES || n.left <= i || n.right <= i || n.left >= tree.len() || n.right >= tree.len()) {
                            return Err(format!("bad tree node {i}"));
                        }
                    }
                }
                Ok(())
            }
            Model::Blend { parts } if parts.is_empty() => Err("empty blend".into()),
            Model::Blend { parts } => parts.iter().try_for_each(Model::check),
        }
    }

    /// P(same) for one feature vector.
    pub fn probability(&self, f: &[f64; FEATURES]) -> f64 {
        match self {
            Model::Logistic { mean, scale, weights, bias } => {
                let z = bias + (0..FEATURES).map(|i| weights[i] * (f[i] - mean[i]) / scale[i]).sum::<f64>();
                sigmoid(z)
            }
            Model::Trees { base, trees } => sigmoid(base + trees.iter().map(|t| walk(t, f)).sum::<f64>()),
            Model::Blend { parts } => parts.iter().map(|p| p.probability(f)).sum::<f64>() / parts.len() as f64,
        }
    }
}

/// The leaf value one tree gives a feature vector.
fn walk(tree: &[Node], f: &[f64; FEATURES]) -> f64 {
    let mut i = 0;
    loop {
        let n = &tree[i];
        if n.left == 0 {
            return n.value;
        }
        i = if f[n.feature] <= n.at { n.left } else { n.right };
    }
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Whether a weights file's feature list is the one this build computes.
pub(crate) fn same_features(names: &[String]) -> bool {
    names.len() == FEATURES && names.iter().zip(FEATURE_NAMES).all(|(a, b)| a == b)
}
