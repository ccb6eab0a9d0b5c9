//! Prints accuracy and F1 of the bundled judge on one MRPC split file.
//!
//! `cargo run --release -p parallax-judge --example eval_mrpc -- /work/shared/bench/analysis/mrpc/msr_paraphrase_test.txt`
//!
//! The IDF context is every sentence of the file, as the `pairs` command builds it from every
//! pair of its input, so both report the same figure.

mod common;

use parallax_judge::{Context, Judge};
use std::path::PathBuf;

fn main() {
    let Some(path) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: eval_mrpc SPLIT_FILE");
        std::process::exit(2);
    };
    let pairs = match common::read_split(&path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let judge = Judge::bundled();
    let ctx = Context::from_texts(pairs.iter().flat_map(|(_, a, b)| [a.as_str(), b.as_str()]));
    let gold: Vec<bool> = pairs.iter().map(|p| p.0).collect();
    let predicted: Vec<bool> = pairs.iter().map(|(_, a, b)| judge.judge(a, b, &ctx).same).collect();
    let (acc, f1) = common::accuracy_f1(&gold, &predicted);
    println!("{}: {} pairs, accuracy {acc:.4}, F1 {f1:.4}", path.display(), pairs.len());
}
