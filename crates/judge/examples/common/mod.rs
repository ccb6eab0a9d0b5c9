//! Reading MRPC split files, shared by the fitting and evaluation examples.

use std::path::Path;

/// One labelled pair: (is a paraphrase, first sentence, second sentence).
pub type Pair = (bool, String, String);

/// Reads an MRPC split (`msr_paraphrase_train.txt` / `_test.txt`): UTF-8 with a BOM, one header
/// line, tab-separated, column 0 the label and columns 3 and 4 the sentences.
pub fn read_split(path: &Path) -> Result<Vec<Pair>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 5 {
            return Err(format!("{}:{}: expected 5 tab-separated columns", path.display(), i + 1));
        }
        let label = match cols[0].trim() {
            "1" => true,
            "0" => false,
            other => return Err(format!("{}:{}: label {other:?}", path.display(), i + 1)),
        };
        pairs.push((label, cols[3].to_string(), cols[4].to_string()));
    }
    Ok(pairs)
}

/// Accuracy and F1 of the positive class.
pub fn accuracy_f1(gold: &[bool], predicted: &[bool]) -> (f64, f64) {
    let (mut tp, mut fp, mut fneg, mut right) = (0.0, 0.0, 0.0, 0.0);
    for (&g, &p) in gold.iter().zip(predicted) {
        right += f64::from(u8::from(g == p));
        match (g, p) {
            (true, true) => tp += 1.0,
            (false, true) => fp += 1.0,
            (true, false) => fneg += 1.0,
            _ => {}
        }
    }
    let f1 = if tp > 0.0 { 2.0 * tp / (2.0 * tp + fp + fneg) } else { 0.0 };
    (right / gold.len().max(1) as f64, f1)
}
