//! Fits the judge's classifier on the MRPC train split and writes `weights/mrpc.json`.
//!
//! `cargo run --release -p parallax-judge --example fit_mrpc -- /work/shared/bench/analysis/mrpc [--out FILE] [--cv-only] [--drop NAME,PREFIX*,...]`
//!
//! Only `msr_paraphrase_train.txt` is read. Each candidate model (logistic regression at a few
//! L2 strengths, gradient-boosted trees at a few sizes, and their blend) is scored by 10-fold
//! cross-validation on train; the best by out-of-fold accuracy is refitted on all of train, with
//! the threshold that maximised out-of-fold accuracy. `--drop` zeroes feature columns, to
//! measure what a feature group is worth (with it nothing is written).

mod common;

use parallax_judge::{features, Context, Judge, FEATURES, FEATURE_NAMES};
use serde_json::{json, Value};
use std::path::PathBuf;

type Row = [f64; FEATURES];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir = None;
    let mut out = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/weights/mrpc.json"));
    let mut cv_only = false;
    let mut quick = false;
    let mut drop: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = PathBuf::from(it.next().expect("--out FILE")),
            "--cv-only" => cv_only = true,
            "--quick" => {
                quick = true;
                cv_only = true;
            }
            "--drop" => drop = it.next().expect("--drop LIST").split(',').map(str::to_string).collect(),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir.expect("usage: fit_mrpc MRPC_DIR [--out FILE] [--cv-only] [--drop LIST]");
    let pairs = common::read_split(&dir.join("msr_paraphrase_train.txt")).unwrap_or_else(|e| panic!("{e}"));
    let ctx = Context::from_texts(pairs.iter().flat_map(|(_, a, b)| [a.as_str(), b.as_str()]));
    let judge_for_prep = parallax_judge::Prepared::new;
    let mut x: Vec<Row> = pairs.iter().map(|(_, a, b)| features(&judge_for_prep(a, &ctx), &judge_for_prep(b, &ctx))).collect();
    let y: Vec<f64> = pairs.iter().map(|p| f64::from(u8::from(p.0))).collect();
    let dropped: Vec<usize> =
        (0..FEATURES).filter(|&i| drop.iter().any(|d| d.strip_suffix('*').map_or(FEATURE_NAMES[i] == d, |p| FEATURE_NAMES[i].starts_with(p)))).collect();
    for row in &mut x {
        for &i in &dropped {
            row[i] = 0.0;
        }
    }
    if !dropped.is_empty() {
        eprintln!("dropped: {:?}", dropped.iter().map(|&i| FEATURE_NAMES[i]).collect::<Vec<_>>());
        cv_only = true;
    }
    eprintln!("{} train pairs, {:.1} % positive", x.len(), 100.0 * y.iter().sum::<f64>() / y.len() as f64);

    let folds = fold_ids(x.len(), 10, 0x5eed_1234);
    let mut candidates: Vec<Spec> = Vec::new();
    for l2 in [0.3, 1.0, 3.0, 10.0] {
        candidates.push(Spec::Logistic { l2 });
    }
    for (depth, trees, rate) in [(2, 300, 0.05), (3, 200, 0.05), (3, 400, 0.03), (4, 200, 0.03), (4, 400, 0.02)] {
        candidates.push(Spec::Trees { depth, trees, rate });
    }
    candidates.push(Spec::Blend(Box::new(Spec::Logistic { l2: 1.0 }), Box::new(Spec::Trees { depth: 3, trees: 400, rate: 0.03 })));
    candidates.push(Spec::Blend(Box::new(Spec::Logistic { l2: 1.0 }), Box::new(Spec::Trees { depth: 4, trees: 400, rate: 0.02 })));

    if quick {
        candidates = vec![Spec::Logistic { l2: 0.3 }, Spec::Logistic { l2: 3.0 }, Spec::Trees { depth: 3, trees: 200, rate: 0.05 }];
    }
    // (CV accuracy, its F1, threshold, spec) of the best logistic and the best of all
    let mut best_logistic: Option<(f64, f64, f64, Spec)> = None;
    let mut best: Option<(f64, f64, f64, Spec)> = None;
    for spec in candidates {
        let oof = out_of_fold(&spec, &x, &y, &folds);
        let (t, acc, f1) = best_threshold(&oof, &y);
        eprintln!("{:<60} CV acc {acc:.4} F1 {f1:.4} at threshold {t:.3}", spec.describe());
        if matches!(spec, Spec::Logistic { .. }) && best_logistic.as_ref().is_none_or(|b| acc > b.0) {
            best_logistic = Some((acc, f1, t, spec.clone()));
        }
        if best.as_ref().is_none_or(|b| acc > b.0) {
            best = Some((acc, f1, t, spec));
        }
    }
    // A logistic model is a few kilobytes and readable; trees are hundreds. One standard error
    // of accuracy on 4,076 pairs is about 0.65 points, so a bigger model has to beat the best
    // logistic one by more than that to be worth shipping.
    let (acc, f1, threshold, spec) = match (best_logistic, best) {
        (Some(l), Some(b)) if b.0 - l.0 <= 0.0065 => l,
        (_, b) => b.expect("candidates"),
    };
    eprintln!("chosen: {} (CV acc {acc:.4} F1 {f1:.4})", spec.describe());
    if cv_only {
        return;
    }
    let model = spec.fit(&x, &y);
    let file = json!({
        "made": "cargo run --release -p parallax-judge --example fit_mrpc -- /work/shared/bench/analysis/mrpc (MRPC train split only; IDF context = every train sentence)",
        "chosen": spec.describe(),
        "cv_accuracy": round(acc),
        "cv_f1": round(f1),
        "features": FEATURE_NAMES.to_vec(),
        "threshold": round(threshold),
        "model": model.to_json(),
    });
    std::fs::write(&out, serde_json::to_string(&file).expect("json") + "\n").unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    // the written file, read back through the library, must give what was fitted
    let judge = Judge::from_json(&std::fs::read_to_string(&out).expect("read back")).expect("valid weights");
    let gold: Vec<bool> = pairs.iter().map(|p| p.0).collect();
    let predicted: Vec<bool> = pairs.iter().map(|(_, a, b)| judge.judge(a, b, &ctx).same).collect();
    let (tacc, tf1) = common::accuracy_f1(&gold, &predicted);
    eprintln!("wrote {}; on train itself (optimistic): acc {tacc:.4} F1 {tf1:.4}", out.display());
}

fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A model family with its settings.
#[derive(Clone)]
enum Spec {
    Logistic { l2: f64 },
    Trees { depth: usize, trees: usize, rate: f64 },
    Blend(Box<Spec>, Box<Spec>),
}

impl Spec {
    fn describe(&self) -> String {
        match self {
            Spec::Logistic { l2 } => format!("logistic l2={l2}"),
            Spec::Trees { depth, trees, rate } => format!("trees depth={depth} n={trees} rate={rate}"),
            Spec::Blend(a, b) => format!("blend({}, {})", a.describe(), b.describe()),
        }
    }

    fn fit(&self, x: &[Row], y: &[f64]) -> Fitted {
        match self {
            Spec::Logistic { l2 } => fit_logistic(x, y, *l2),
            Spec::Trees { depth, trees, rate } => fit_trees(x, y, *depth, *trees, *rate),
            Spec::Blend(a, b) => Fitted::Blend(vec![a.fit(x, y), b.fit(x, y)]),
        }
    }
}

/// A fitted model, as the library will read it.
enum Fitted {
    Logistic { mean: Vec<f64>, scale: Vec<f64>, weights: Vec<f64>, bias: f64 },
    Trees { base: f64, trees: Vec<Vec<Node>> },
    Blend(Vec<Fitted>),
}

#[derive(Clone)]
struct Node {
    feature: usize,
    at: f64,
    left: usize,
    right: usize,
    value: f64,
}

impl Fitted {
    fn probability(&self, f: &Row) -> f64 {
        match self {
            Fitted::Logistic { mean, scale, weights, bias } => sigmoid(bias + (0..FEATURES).map(|i| weights[i] * (f[i] - mean[i]) / scale[i]).sum::<f64>()),
            Fitted::Trees { base, trees } => sigmoid(base + trees.iter().map(|t| walk(t, f)).sum::<f64>()),
            Fitted::Blend(parts) => parts.iter().map(|p| p.probability(f)).sum::<f64>() / parts.len() as f64,
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Fitted::Logistic { mean, scale, weights, bias } => json!({
                "kind": "logistic",
                "mean": mean.iter().map(|&v| round(v)).collect::<Vec<_>>(),
                "scale": scale.iter().map(|&v| round(v)).collect::<Vec<_>>(),
                "weights": weights.iter().map(|&v| round(v)).collect::<Vec<_>>(),
                "bias": round(*bias),
            }),
            Fitted::Trees { base, trees } => json!({
                "kind": "trees",
                "base": round(*base),
                "trees": trees.iter().map(|t| t.iter().map(|n| if n.left == 0 {
                    json!({ "value": round(n.value) })
                } else {
                    json!({ "feature": n.feature, "at": n.at, "left": n.left, "right": n.right })
                }).collect::<Vec<_>>()).collect::<Vec<_>>(),
            }),
            Fitted::Blend(parts) => json!({ "kind": "blend", "parts": parts.iter().map(Fitted::to_json).collect::<Vec<_>>() }),
        }
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn walk(tree: &[Node], f: &Row) -> f64 {
    let mut i = 0;
    loop {
        let n = &tree[i];
        if n.left == 0 {
            return n.value;
        }
        i = if f[n.feature] <= n.at { n.left } else { n.right };
    }
}

/// Fold number of each row: a seeded shuffle dealt round-robin.
fn fold_ids(n: usize, k: usize, mut seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        order.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    let mut fold = vec![0; n];
    for (pos, &row) in order.iter().enumerate() {
        fold[row] = pos % k;
    }
    fold
}

/// Out-of-fold P(same) of every row.
fn out_of_fold(spec: &Spec, x: &[Row], y: &[f64], folds: &[usize]) -> Vec<f64> {
    let k = folds.iter().max().map_or(0, |m| m + 1);
    let mut oof = vec![0.0; x.len()];
    for fold in 0..k {
        let (tx, ty): (Vec<Row>, Vec<f64>) = (0..x.len()).filter(|&i| folds[i] != fold).map(|i| (x[i], y[i])).unzip();
        let model = spec.fit(&tx, &ty);
        for i in (0..x.len()).filter(|&i| folds[i] == fold) {
            oof[i] = model.probability(&x[i]);
        }
    }
    oof
}

/// The threshold with the best accuracy over `p`, with that accuracy and its F1. Ties go to the
/// middle of the tied run, which is the safer place for unseen data.
fn best_threshold(p: &[f64], y: &[f64]) -> (f64, f64, f64) {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let pos = y.iter().sum::<f64>();
    // threshold below everything: all predicted positive
    let (mut tp, mut fp) = (pos, p.len() as f64 - pos);
    let score = |tp: f64, fp: f64| (tp + (p.len() as f64 - pos - fp)) / p.len() as f64;
    let mut best = (score(tp, fp), 0.0, tp, fp);
    for (rank, &i) in order.iter().enumerate() {
        if y[i] > 0.5 {
            tp -= 1.0;
        } else {
            fp -= 1.0;
        }
        let next = order.get(rank + 1).map_or(1.0, |&j| p[j]);
        if next > p[i] {
            let acc = score(tp, fp);
            if acc > best.0 + 1e-12 {
                best = (acc, (p[i] + next) / 2.0, tp, fp);
            }
        }
    }
    let (acc, t, tp, fp) = best;
    let fneg = pos - tp;
    (t, acc, 2.0 * tp / (2.0 * tp + fp + fneg))
}

/// L2-regularised logistic regression on standardised features, by Newton's method (47
/// unknowns: the Hessian is tiny).
fn fit_logistic(x: &[Row], y: &[f64], l2: f64) -> Fitted {
    let n = x.len() as f64;
    let mean: Vec<f64> = (0..FEATURES).map(|j| x.iter().map(|r| r[j]).sum::<f64>() / n).collect();
    let scale: Vec<f64> = (0..FEATURES)
        .map(|j| {
            let v = x.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n;
            if v > 1e-12 {
                v.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    let z: Vec<Vec<f64>> = x.iter().map(|r| (0..FEATURES).map(|j| (r[j] - mean[j]) / scale[j]).chain([1.0]).collect()).collect();
    let d = FEATURES + 1;
    let mut w = vec![0.0; d];
    for _ in 0..50 {
        let mut grad = vec![0.0; d];
        let mut hess = vec![vec![0.0; d]; d];
        for (zi, &yi) in z.iter().zip(y) {
            let p = sigmoid(zi.iter().zip(&w).map(|(a, b)| a * b).sum());
            let h = (p * (1.0 - p)).max(1e-9);
            for a in 0..d {
                grad[a] += (p - yi) * zi[a];
                for (cell, &zb) in hess[a].iter_mut().zip(zi) {
                    *cell += h * zi[a] * zb;
                }
            }
        }
        for a in 0..d {
            // the bias is not shrunk
            if a < FEATURES {
                grad[a] += l2 * w[a];
                hess[a][a] += l2;
            }
            hess[a][a] += 1e-9;
        }
        let step = solve(hess, grad);
        let mut biggest: f64 = 0.0;
        for a in 0..d {
            w[a] -= step[a];
            biggest = biggest.max(step[a].abs());
        }
        if biggest < 1e-8 {
            break;
        }
    }
    let bias = w[FEATURES];
    w.truncate(FEATURES);
    Fitted::Logistic { mean, scale, weights: w, bias }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs())).expect("rows");
        a.swap(c, p);
        b.swap(c, p);
        let (top, bottom) = a.split_at_mut(c + 1);
        let pivot = &top[c];
        let (b_top, b_bottom) = b.split_at_mut(c + 1);
        for (row, br) in bottom.iter_mut().zip(b_bottom) {
            let f = row[c] / pivot[c];
            if f != 0.0 {
                for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                    *x -= f * p;
                }
                *br -= f * b_top[c];
            }
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        x[r] = (b[r] - (r + 1..n).map(|k| a[r][k] * x[k]).sum::<f64>()) / a[r][r];
    }
    x
}

/// Gradient-boosted regression trees for the logistic loss: each tree is grown level by level
/// on the gradients and Hessians with exact greedy splits, leaves set by one Newton step,
/// shrunk by `rate`.
fn fit_trees(x: &[Row], y: &[f64], depth: usize, count: usize, rate: f64) -> Fitted {
    const LAMBDA: f64 = 1.0;
    const MIN_HESS: f64 = 2.0;
    let n = x.len();
    let prior = y.iter().sum::<f64>() / n as f64;
    let base = (prior / (1.0 - prior)).ln();
    let sorted: Vec<Vec<usize>> = (0..FEATURES)
        .map(|j| {
            let mut o: Vec<usize> = (0..n).collect();
            o.sort_by(|&a, &b| x[a][j].total_cmp(&x[b][j]));
            o
        })
        .collect();
    let mut margin = vec![base; n];
    let mut trees = Vec::with_capacity(count);
    for _ in 0..count {
        let (g, h): (Vec<f64>, Vec<f64>) = (0..n)
            .map(|i| {
                let p = sigmoid(margin[i]);
                (p - y[i], (p * (1.0 - p)).max(1e-6))
            })
            .unzip();
        let mut tree = vec![Node { feature: 0, at: 0.0, left: 0, right: 0, value: 0.0 }];
        let mut node_of = vec![0usize; n];
        let mut frontier = vec![0usize];
        for _level in 0..depth {
            // per frontier node: best (gain, feature, threshold)
            let mut totals: Vec<(f64, f64)> = vec![(0.0, 0.0); tree.len()];
            for i in 0..n {
                totals[node_of[i]].0 += g[i];
                totals[node_of[i]].1 += h[i];
            }
            let mut best: Vec<(f64, usize, f64)> = vec![(0.0, 0, 0.0); tree.len()];
            for (j, order) in sorted.iter().enumerate() {
                let mut acc: Vec<(f64, f64, f64)> = vec![(0.0, 0.0, f64::NAN); tree.len()];
                for &i in order {
                    let nd = node_of[i];
                    if !frontier.contains(&nd) {
                        continue;
                    }
                    let (gl, hl, last) = acc[nd];
                    let v = x[i][j];
                    if !last.is_nan() && v > last && hl >= MIN_HESS && totals[nd].1 - hl >= MIN_HESS {
                        let (gt, ht) = totals[nd];
                        let gain = gl * gl / (hl + LAMBDA) + (gt - gl).powi(2) / (ht - hl + LAMBDA) - gt * gt / (ht + LAMBDA);
                        if gain > best[nd].0 {
                            best[nd] = (gain, j, (last + v) / 2.0);
                        }
                    }
                    acc[nd] = (gl + g[i], hl + h[i], v);
                }
            }
            let mut next = Vec::new();
            for &nd in &frontier {
                let (gain, feature, at) = best[nd];
                if gain <= 1e-9 {
                    continue;
                }
                let left = tree.len();
                tree.push(Node { feature: 0, at: 0.0, left: 0, right: 0, value: 0.0 });
                tree.push(Node { feature: 0, at: 0.0, left: 0, right: 0, value: 0.0 });
                tree[nd] = Node { feature, at, left, right: left + 1, value: 0.0 };
                next.extend([left, left + 1]);
            }
            for i in 0..n {
                let nd = &tree[node_of[i]];
                if nd.left > 0 {
                    node_of[i] = if x[i][nd.feature] <= nd.at { nd.left } else { nd.right };
                }
            }
            frontier = next;
            if frontier.is_empty() {
                break;
            }
        }
        let mut sums = vec![(0.0, 0.0); tree.len()];
        for i in 0..n {
            sums[node_of[i]].0 += g[i];
            sums[node_of[i]].1 += h[i];
        }
        for (k, nd) in tree.iter_mut().enumerate() {
            if nd.left == 0 {
                nd.value = -rate * sums[k].0 / (sums[k].1 + LAMBDA);
            }
        }
        for i in 0..n {
            margin[i] += tree[node_of[i]].value;
        }
        trees.push(tree);
    }
    Fitted::Trees { base, trees }
}
