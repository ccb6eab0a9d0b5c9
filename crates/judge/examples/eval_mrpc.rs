//! Prints accuracy and F1 of the bundled judge on one MRPC split file.
//!
//! `cargo run --release -p parallax-judge --example eval_mrpc -- /work/shared/bench/analysis/mrpc/msr_paraphrase_test.txt`
//!
//! With `--mismatched` each first sentence is paired with the next pair's second sentence
//! instead (pairs that are, mostly, about different events), to see how often those come out
//! unrelated.
//!
//! The IDF context is every sentence of the file, as the `pairs` command builds it from every
//! pair of its input, so both report the same figure.

mod common;

use parallax_judge::{Context, Judge, Verdict};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mismatched = args.iter().any(|a| a == "--mismatched");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")).map(PathBuf::from) else {
        eprintln!("usage: eval_mrpc [--mismatched] SPLIT_FILE");
        std::process::exit(2);
    };
    let mut pairs = match common::read_split(&path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    if mismatched {
        let seconds: Vec<String> = pairs.iter().map(|p| p.2.clone()).collect();
        for (i, p) in pairs.iter_mut().enumerate() {
            p.0 = false;
            p.2 = seconds[(i + 1) % seconds.len()].clone();
        }
    }
    let judge = Judge::bundled();
    let ctx = Context::from_texts(pairs.iter().flat_map(|(_, a, b)| [a.as_str(), b.as_str()]));
    let gold: Vec<bool> = pairs.iter().map(|p| p.0).collect();
    let verdicts: Vec<Verdict> = pairs.iter().map(|(_, a, b)| judge.judge(a, b, &ctx)).collect();
    let predicted: Vec<bool> = verdicts.iter().map(|v| v.same).collect();
    let (acc, f1) = common::accuracy_f1(&gold, &predicted);
    println!("{}{}: {} pairs, accuracy {acc:.4}, F1 {f1:.4}", path.display(), if mismatched { " (mismatched)" } else { "" }, pairs.len());
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in &verdicts {
        *counts.entry(serde_json::to_string(&v.relation).expect("relation").trim_matches('"').to_string()).or_default() += 1;
    }
    println!("relations: {counts:?}");
    // what the claims stage pays: sentences prepared once, then every pair of them compared
    let sentences: Vec<_> = pairs.iter().take(300).map(|p| judge.prepare(&p.1, &ctx)).collect();
    let start = std::time::Instant::now();
    let mut compared = 0usize;
    let mut same = 0usize;
    for (i, a) in sentences.iter().enumerate() {
        for b in &sentences[i + 1..] {
            same += usize::from(judge.judge_prepared(a, b).same);
            compared += 1;
        }
    }
    let per_pair = start.elapsed().as_secs_f64() * 1e6 / compared.max(1) as f64;
    println!("judge_prepared: {per_pair:.2} us a pair over {compared} pairs ({same} same)");
}
