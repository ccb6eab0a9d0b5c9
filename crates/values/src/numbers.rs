//! Numbers in news prose: digits and words, scales, bounds and approximations as intervals, the
//! counted noun, what happened to it, and tallies.

use crate::lexicon::{Bound, FILLER, NOUN_CLASSES, PART_OF, QUALIFIERS, ROLES, SCALES, TENS, UNITS, VAGUE_COUNTS};
use parallax_model::{Quantity, Span, Value, ValueKind};
use regex::Regex;
use std::sync::OnceLock;

/// A word of the sentence with its byte range.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

fn tokens(sentence: &str) -> Vec<Token<'_>> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"[$€£]?[\p{L}\p{N}]+(?:[.,'’\-][\p{L}\p{N}]+)*%?").unwrap());
    re.find_iter(sentence).map(|m| Token { text: m.as_str(), start: m.start(), end: m.end() }).collect()
}

fn word_value(w: &str) -> Option<f64> {
    let w = w.to_lowercase();
    if let Some((_, v)) = UNITS.iter().chain(TENS).find(|(k, _)| *k == w) {
        return Some(*v);
    }
    // "twenty-five"
    let (t, u) = w.split_once('-')?;
    let t = TENS.iter().find(|(k, _)| *k == t)?.1;
    let u = UNITS.iter().find(|(k, _)| *k == u).filter(|(_, v)| *v < 10.0)?.1;
    Some(t + u)
}

/// How far from an approximate figure a report can be and still agree: round figures
/// ("about 40") are looser than precise ones ("some 16").
fn tolerance(v: f64) -> f64 {
    let round = v >= 20.0 && (v % 10.0 == 0.0 || v % 25.0 == 0.0);
    v.abs() * if round { 0.1 } else { 0.05 }
}

fn interval(stated: f64, bound: Option<Bound>) -> Quantity {
    let (low, high) = match bound {
        None => (stated, stated),
        // exclusive bounds: the next representable value past the figure
        Some(Bound::Above) => (stated + stated.abs().max(1.0) * 1e-9, f64::INFINITY),
        Some(Bound::AtLeast) => (stated, f64::INFINITY),
        Some(Bound::Below) => (f64::NEG_INFINITY.max(0.0_f64.min(stated)), stated - stated.abs().max(1.0) * 1e-9),
        Some(Bound::AtMost) => (0.0_f64.min(stated), stated),
        Some(Bound::Nearly) => (stated - tolerance(stated).max(1.0), stated),
        Some(Bound::About) => (stated - tolerance(stated), stated + tolerance(stated)),
    };
    Quantity { low, high, stated, approximate: bound.is_some() }
}

/// The qualifier that ends right before token `i`, with the index of its first token.
fn qualifier_before(toks: &[Token], i: usize, sentence: &str) -> Option<(usize, Bound)> {
    for (q, b) in QUALIFIERS {
        let n = q.split(' ').count();
        if i < n {
            continue;
        }
        let first = i - n;
        let phrase = sentence[toks[first].start..toks[i - 1].end].to_lowercase();
        if phrase.split_whitespace().collect::<Vec<_>>().join(" ") == *q {
            return Some((first, *b));
        }
    }
    None
}

fn is_year(text: &str, v: f64) -> bool {
    text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) && (1800.0..=2100.0).contains(&v)
}

fn fold_noun(word: &str) -> String {
    let w = word.to_lowercase();
    for (canon, members) in NOUN_CLASSES {
        if members.contains(&w.as_str()) {
            return canon.to_string();
        }
    }
    parallax_text::stem(&w)
}

fn role_of(word: &str) -> Option<&'static str> {
    let w = word.to_lowercase();
    ROLES.iter().find(|(_, members)| members.contains(&w.as_str())).map(|(r, _)| *r)
}

/// A word that can head the counted noun phrase: a plain word, not a function word, a verb
/// form, or an adverb.
fn nounish(w: &str) -> bool {
    let l = w.to_lowercase();
    l.chars().all(|c| c.is_alphabetic() || c == '-')
        && !parallax_text::is_stopword(&l)
        && !FILLER.contains(&l.as_str())
        && !l.ends_with("ly")
        // "-ed" marks a verb form ("killed"), unless hyphenated ("armed-forces"-style compounds)
        && (!l.ends_with("ed") || l.contains('-'))
        && !l.ends_with("ing")
        && role_of(&l).is_none()
}

pub fn numbers(sentence: &str, taken: &[Span]) -> Vec<Value> {
    let toks = tokens(sentence);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if taken.iter().any(|s| s.start < t.end && t.start < s.end) {
            i += 1;
            continue;
        }
        let lower = t.text.to_lowercase();
        let mut first = i;
        let mut last = i;
        let mut noun: Option<String> = None;
        let mut stated: Option<f64> = None;
        let mut vague: Option<(f64, f64)> = None;
        let mut tally = None;
        let mut body = lower.as_str();
        if let Some(rest) = body.strip_prefix(['$']) {
            noun = Some("dollars".into());
            body = rest;
        } else if let Some(rest) = body.strip_prefix('€') {
            noun = Some("euros".into());
            body = rest;
        } else if let Some(rest) = body.strip_prefix('£') {
            noun = Some("pounds".into());
            body = rest;
        }
        let percent = body.ends_with('%');
        let body = body.trim_end_matches('%');
        if percent {
            noun = Some("percent".into());
        }
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.') && s.as_bytes()[0].is_ascii_digit();
        if let Some((l, r)) = body.split_once('-').filter(|(l, r)| digits(l) && digits(r)) {
            // "396-9": a tally, unless it is a span of years
            if let (Ok(a), Ok(b)) = (l.replace(',', "").parse::<u32>(), r.replace(',', "").parse::<u32>()) {
                let year_span = a >= 1800 && (b >= 1800 || r.len() == 2);
                if !year_span {
                    tally = Some([a, b]);
                }
            }
        } else if let Some((l, r)) = body.split_once('-').filter(|(l, _)| digits(l)) {
            // "11-day": the number and its noun in one word
            if let Ok(v) = l.replace(',', "").parse::<f64>() {
                stated = Some(v);
                if r.chars().all(char::is_alphabetic) {
                    noun = Some(fold_noun(r));
                }
            }
        } else if digits(body) {
            if let Ok(v) = body.replace(',', "").parse::<f64>() {
                if !(is_year(body, v) && noun.is_none() && !percent) {
                    stated = Some(v);
                }
            }
        } else if body == "dozen" && i > 0 && matches!(toks[i - 1].text.to_lowercase().as_str(), "a" | "one") {
            let half = i >= 2 && toks[i - 2].text.eq_ignore_ascii_case("half");
            stated = Some(if half { 6.0 } else { 12.0 });
            first = if half { i - 2 } else { i - 1 };
        } else if let Some(v) = word_value(body) {
            // "one" is mostly a pronoun or "one of": only a count before its noun
            let next_nounish = toks.get(i + 1).is_some_and(|n| nounish(n.text));
            if v != 1.0 || next_nounish {
                stated = Some(v);
            }
        } else if let Some((_, lo, hi)) = VAGUE_COUNTS.iter().find(|(w, _, _)| *w == body) {
            vague = Some((*lo, *hi));
        }
        if stated.is_none() && vague.is_none() && tally.is_none() {
            i += 1;
            continue;
        }
        // scale words: "2 million", "two hundred"
        if let Some(v) = stated.as_mut() {
            while let Some(s) = toks.get(last + 1).and_then(|n| SCALES.iter().find(|(w, _)| n.text.eq_ignore_ascii_case(w))) {
                *v *= s.1;
                last += 1;
            }
            if let Some(n) = toks.get(last + 1).filter(|n| matches!(n.text.to_lowercase().as_str(), "percent" | "%")) {
                let _ = n;
                noun = Some("percent".into());
                last += 1;
            } else if toks.get(last + 1).is_some_and(|n| n.text.eq_ignore_ascii_case("per"))
                && toks.get(last + 2).is_some_and(|n| n.text.eq_ignore_ascii_case("cent"))
            {
                noun = Some("percent".into());
                last += 2;
            }
        }
        let mut bound = None;
        if let Some((q, b)) = qualifier_before(&toks, first, sentence) {
            bound = Some(b);
            first = q;
        }
        // "10 or more"
        if toks.get(last + 1).is_some_and(|n| n.text.eq_ignore_ascii_case("or"))
            && toks.get(last + 2).is_some_and(|n| matches!(n.text.to_lowercase().as_str(), "more" | "so"))
        {
            bound = Some(if toks[last + 2].text.eq_ignore_ascii_case("more") { Bound::AtLeast } else { Bound::About });
            last += 2;
        }
        // the counted noun: the head of the noun phrase after the number ("16 House-passed
        // measures"), skipping "of the"; stops at a verb form or a word of what happened
        let mut head_end = last;
        if noun.is_none() {
            let mut j = last + 1;
            while j < toks.len() && FILLER.contains(&toks[j].text.to_lowercase().as_str()) && j <= last + 2 {
                j += 1;
            }
            let mut head: Option<usize> = None;
            while j < toks.len() && j <= last + 4 && nounish(toks[j].text) && sentence[toks[j - 1].end..toks[j].start].trim().is_empty() {
                head = Some(j);
                j += 1;
            }
            if let Some(h) = head {
                noun = Some(fold_noun(toks[h].text));
                head_end = h;
            }
        }
        // what happened to it: the next words ("12 people died"), else the words before the
        // number ("killed 12", "the death toll rose to 15")
        let after = (head_end + 1..toks.len().min(head_end + 6)).find_map(|j| role_of(toks[j].text));
        let before = (first.saturating_sub(5)..first).rev().find_map(|j| role_of(toks[j].text));
        // "Of that, $3 billion ...", "including 40 children": a part of a count stated
        // elsewhere, never the same quantity as the whole
        let lead: Vec<String> = (first.saturating_sub(3)..first).map(|j| toks[j].text.to_lowercase()).filter(|t| t.chars().all(char::is_alphabetic)).collect();
        let lead = lead.join(" ");
        let part = PART_OF.iter().any(|p| lead == *p || lead.ends_with(&format!(" {p}")));
        let role = if part { Some("part".to_string()) } else { after.or(before).map(str::to_string) };
        let (quantity, frame) = match (tally, stated, vague) {
            (Some(_), _, _) => (None, "tally".to_string()),
            (_, Some(v), _) => (Some(interval(v, bound)), noun.unwrap_or_default()),
            (_, _, Some((lo, hi))) => (Some(Quantity { low: lo, high: hi, stated: lo, approximate: true }), noun.unwrap_or_default()),
            _ => unreachable!("checked above"),
        };
        let end = toks[head_end.max(last)].end;
        out.push(Value {
            kind: ValueKind::Number,
            text: sentence[toks[first].start..end].to_string(),
            span: Span { start: toks[first].start, end },
            frame,
            quantity,
            date: None,
            tally,
            role: if tally.is_some() { Some("voted".into()) } else { role },
        });
        i = head_end.max(last) + 1;
    }
    out
}
