//! Speaker attribution scored against PolNeAR (Newell, Margolin and Ruths, LREC 2018): the
//! Source and Cue spans `attribution::attribute` finds, against the annotated ones.
//!
//! ```sh
//! cargo run --release -p parallax-claims --example polnear -- /work/shared/bench/analysis/polnear/data dev
//! ```
//!
//! Each text is split into paragraphs at blank lines and into sentences with
//! `parallax_text::split_sentences`, as `units.rs` builds an article. The first `.ann` of each
//! text (by name) is the gold. Precision, recall and F1 are given for exact spans and for overlap
//! (any shared character), matched one to one.
//!
//! Granularity differs: PolNeAR marks every attribution relation, several per sentence, nested
//! ones inside quotations ("I think"), relative pronouns ("who said") and nominal cues ("his
//! claim"); `attribute` gives one speaker per sentence, so recall is bounded well below 1. A
//! Source in PolNeAR is the whole noun phrase ("Paloma Wu, legal director for the ACLU,"), while
//! our span is the name with its titles ("Paloma Wu"): such pairs match by overlap only.
//!
//! `POLNEAR_SHOW=source` (or `cue`) prints each miss and false alarm with its sentence.

use parallax_claims::attribution::attribute;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Source,
    Cue,
}

/// A gold span: its fragments as byte ranges.
type Gold = Vec<(usize, usize)>;

fn parse_ann(ann: &str, text: &str) -> (Vec<Gold>, Vec<Gold>) {
    // character offsets to byte offsets
    let mut byte_at: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    byte_at.push(text.len());
    let (mut sources, mut cues) = (Vec::new(), Vec::new());
    for line in ann.lines() {
        let mut cols = line.split('\t');
        let (Some(id), Some(body)) = (cols.next(), cols.next()) else { continue };
        if !id.starts_with('T') {
            continue;
        }
        let Some((kind, ranges)) = body.split_once(' ') else { continue };
        let field = match kind {
            "Source" => Field::Source,
            "Cue" => Field::Cue,
            _ => continue,
        };
        let frags: Gold = ranges
            .split(';')
            .filter_map(|r| {
                let (a, b) = r.trim().split_once(' ')?;
                let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
                Some((*byte_at.get(a)?, *byte_at.get(b)?))
            })
            .collect();
        if frags.is_empty() {
            continue;
        }
        match field {
            Field::Source => sources.push(frags),
            Field::Cue => cues.push(frags),
        }
    }
    (sources, cues)
}

/// Sentences as `units.rs` builds them: paragraphs at line breaks, split by the crate's splitter.
fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if !body.trim().is_empty() {
            for s in parallax_text::split_sentences(body) {
                out.push((offset + s.start, offset + s.end));
            }
        }
        offset += line.len();
    }
    out
}

#[derive(Default)]
struct Score {
    predicted: usize,
    gold: usize,
    exact: usize,
    overlap: usize,
}

impl Score {
    fn add(&mut self, pred: &[(usize, usize)], gold: &[Gold]) -> (Vec<bool>, Vec<bool>) {
        self.predicted += pred.len();
        self.gold += gold.len();
        let hull = |g: &Gold| (g[0].0, g[g.len() - 1].1);
        let mut used = vec![false; gold.len()];
        for p in pred {
            if let Some(i) = (0..gold.len()).find(|&i| !used[i] && hull(&gold[i]) == *p) {
                used[i] = true;
                self.exact += 1;
            }
        }
        let mut used = vec![false; gold.len()];
        let mut hit = vec![false; pred.len()];
        // exact pairs first, then any overlap, so one loose match does not steal an exact one
        for (k, p) in pred.iter().enumerate() {
            if let Some(i) = (0..gold.len()).find(|&i| !used[i] && hull(&gold[i]) == *p) {
                used[i] = true;
                hit[k] = true;
            }
        }
        for (k, p) in pred.iter().enumerate() {
            if hit[k] {
                continue;
            }
            if let Some(i) = (0..gold.len()).find(|&i| !used[i] && gold[i].iter().any(|&(a, b)| a < p.1 && p.0 < b)) {
                used[i] = true;
                hit[k] = true;
            }
        }
        self.overlap += hit.iter().filter(|&&h| h).count();
        (hit, used)
    }

    fn line(&self, name: &str, matched: usize) -> String {
        let p = matched as f64 / self.predicted.max(1) as f64;
        let r = matched as f64 / self.gold.max(1) as f64;
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        format!("{name:<16} P {p:.3}  R {r:.3}  F1 {f:.3}  ({matched} matched, {} predicted, {} gold)", self.predicted, self.gold)
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().expect("usage: polnear DATA_DIR SPLIT");
    let split = args.next().unwrap_or_else(|| "dev".to_string());
    let show = std::env::var("POLNEAR_SHOW").ok();
    let dir = Path::new(&root).join(&split);
    let mut texts: Vec<_> = std::fs::read_dir(dir.join("text")).expect("text dir").flatten().map(|e| e.path()).collect();
    texts.sort();
    let mut anns: Vec<String> =
        std::fs::read_dir(dir.join("attributions")).expect("attributions dir").flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    anns.sort();
    let (mut source, mut cue) = (Score::default(), Score::default());
    let mut articles = 0;
    for path in &texts {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let prefix = format!("{stem}_");
        let Some(ann) = anns.iter().find(|a| a.strip_prefix(&prefix).and_then(|r| r.strip_suffix(".ann")).is_some_and(|r| !r.contains('_'))) else { continue };
        let text = std::fs::read_to_string(path).expect("read text");
        let ann = std::fs::read_to_string(dir.join("attributions").join(ann)).expect("read ann");
        let (gold_sources, gold_cues) = parse_ann(&ann, &text);
        let sents = sentences(&text);
        let got = attribute(&text, &sents);
        let mut pred_sources = Vec::new();
        let mut pred_cues = Vec::new();
        for a in got.iter().flatten() {
            if let Some(s) = a.speaker_span {
                pred_sources.push((s.start, s.end));
            }
            if let Some(c) = a.cue_span {
                pred_cues.push((c.start, c.end));
            }
        }
        articles += 1;
        let (hs, us) = source.add(&pred_sources, &gold_sources);
        let (hc, uc) = cue.add(&pred_cues, &gold_cues);
        let (pred, hit, gold, used) = match show.as_deref() {
            Some("source") => (&pred_sources, hs, &gold_sources, us),
            Some("cue") => (&pred_cues, hc, &gold_cues, uc),
            _ => continue,
        };
        let sentence_of = |pos: usize| sents.iter().find(|s| s.0 <= pos && pos < s.1).map_or("", |&(a, b)| &text[a..b]);
        for (p, h) in pred.iter().zip(&hit) {
            if !h {
                println!("FP [{}]  {}", &text[p.0..p.1], sentence_of(p.0));
            }
        }
        for (g, u) in gold.iter().zip(&used) {
            if !u {
                println!("FN [{}]  {}", &text[g[0].0..g[g.len() - 1].1], sentence_of(g[0].0));
            }
        }
    }
    println!("PolNeAR {split}: {articles} articles");
    println!("{}", source.line("source exact", source.exact));
    println!("{}", source.line("source overlap", source.overlap));
    println!("{}", cue.line("cue exact", cue.exact));
    println!("{}", cue.line("cue overlap", cue.overlap));
}
