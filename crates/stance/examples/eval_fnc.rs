//! Scores the stance model on an FNC-1 stances + bodies pair of files.
//!
//! ```sh
//! cargo run --release -p parallax-stance --example eval_fnc -- STANCES.csv BODIES.csv [WEIGHTS.bin]
//! ```
//!
//! Without WEIGHTS the bundled model is scored. Prints the relative score, macro-F1, per-class
//! F1, the confusion matrix and how long prediction took.

use parallax_stance::fnc::{Dataset, Scores};
use parallax_stance::StanceModel;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 || args.len() > 3 {
        eprintln!("usage: eval_fnc STANCES.csv BODIES.csv [WEIGHTS.bin]");
        std::process::exit(2);
    }
    let data = Dataset::load(Path::new(&args[0]), Path::new(&args[1])).unwrap_or_else(|e| panic!("{e}"));
    let owned;
    let model = match args.get(2) {
        Some(path) => {
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            owned = StanceModel::from_bytes(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            &owned
        }
        None => StanceModel::bundled(),
    };
    let pairs: Vec<(&str, &str)> = data.pairs.iter().map(|p| (p.headline.as_str(), data.bodies[&p.body_id].as_str())).collect();
    let t = Instant::now();
    let predictions = model.predict_batch(&pairs);
    let secs = t.elapsed().as_secs_f64();
    let gold: Vec<_> = data.pairs.iter().map(|p| p.stance).collect();
    let predicted: Vec<_> = predictions.iter().map(|p| p.label).collect();
    print!("{}", Scores::new(&gold, &predicted).report());
    println!("{} pairs in {secs:.2}s", pairs.len());
}
