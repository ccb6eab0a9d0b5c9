//! The checkable details of a statement: quantities (a number and what it counts), calendar
//! dates and places. Two outlets stating the same thing with different values in the same slot
//! contradict each other.

use regex::Regex;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// `frame` is the stemmed word the number counts ("kilomet", "peopl"); `value` is numeric.
    Quantity { frame: String, value: f64, text: String },
    /// Month and day, as stated.
    Date { month: u32, day: u32, text: String },
    /// A place after "in", "at" or "near".
    Place { name: String },
}

impl Slot {
    pub fn text(&self) -> String {
        match self {
            Slot::Quantity { text, .. } | Slot::Date { text, .. } => text.clone(),
            Slot::Place { name } => name.clone(),
        }
    }

    /// Slots of the same kind and frame can conflict; others cannot.
    pub fn frame(&self) -> (&'static str, String) {
        match self {
            Slot::Quantity { frame, .. } => ("number", frame.clone()),
            Slot::Date { .. } => ("date", "date".into()),
            Slot::Place { .. } => ("place", "place".into()),
        }
    }

    pub fn same_value(&self, other: &Slot) -> bool {
        match (self, other) {
            (Slot::Quantity { value: a, .. }, Slot::Quantity { value: b, .. }) => (a - b).abs() <= a.abs().max(b.abs()) * 1e-9,
            (Slot::Date { month: m1, day: d1, .. }, Slot::Date { month: m2, day: d2, .. }) => m1 == m2 && d1 == d2,
            (Slot::Place { name: a }, Slot::Place { name: b }) => a.eq_ignore_ascii_case(b),
            _ => false,
        }
    }
}

const MONTHS: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const NUMBER_WORDS: &[(&str, f64)] = &[
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("hundred", 100.0),
    ("dozens", 24.0),
    ("hundreds", 200.0),
    ("thousands", 2000.0),
];
/// Words between a number and the noun it counts that say nothing about the noun.
const FILLER: &[&str] = &["more", "than", "of", "the", "about", "some", "nearly", "almost", "at", "least", "other", "new", "additional"];
/// Nouns after a number that are not a frame of their own.
const NOT_FRAMES: &[&str] = &["and", "or", "to", "in", "on", "a", "an", "that", "who", "which", "as", "for", "by", "with"];

struct Patterns {
    number: Regex,
    date: Regex,
    place: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        number: Regex::new(r"(?i)(?:\$|€|£)?\b(\d[\d,]*(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|dozens|hundreds|thousands)\b(\s*(?:%|percent|per cent|million|billion|thousand))?((?:[\s-]+[\p{L}]+){1,3})?").unwrap(),
        date: Regex::new(r"(?i)\b(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})\b|(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b)").unwrap(),
        place: Regex::new(r"\b(?:in|at|near|outside)\s+((?:the\s+)?\p{Lu}[\p{L}\-]+(?:\s+\p{Lu}[\p{L}\-]+){0,2})").unwrap(),
    })
}

pub fn slots(sentence: &str) -> Vec<Slot> {
    let p = patterns();
    let mut out = Vec::new();
    let mut date_spans = Vec::new();
    for c in p.date.captures_iter(sentence) {
        let (mon, day) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(m), Some(d), _, _) => (m.as_str(), d.as_str()),
            (_, _, Some(d), Some(m)) => (m.as_str(), d.as_str()),
            _ => continue,
        };
        let month = MONTHS.iter().position(|m| mon.to_lowercase().starts_with(m)).map(|i| i as u32 + 1);
        let Some(month) = month else { continue };
        let Ok(day) = day.parse::<u32>() else { continue };
        if !(1..=31).contains(&day) {
            continue;
        }
        let m = c.get(0).expect("whole match");
        date_spans.push(m.range());
        out.push(Slot::Date { month, day, text: m.as_str().to_string() });
    }
    for c in p.number.captures_iter(sentence) {
        let whole = c.get(0).expect("whole match");
        if date_spans.iter().any(|r| r.contains(&whole.start()) || r.contains(&c.get(1).expect("number").start())) {
            continue;
        }
        let num = c[1].to_lowercase();
        let mut value = match NUMBER_WORDS.iter().find(|(w, _)| *w == num) {
            Some((_, v)) => *v,
            None => match num.replace(',', "").parse::<f64>() {
                Ok(v) => v,
                Err(_) => continue,
            },
        };
        let scale = c.get(2).map(|m| m.as_str().trim().to_lowercase()).unwrap_or_default();
        let is_year = scale.is_empty() && num.len() == 4 && (1800.0..=2100.0).contains(&value) && !num.contains(',');
        if is_year {
            continue;
        }
        value *= match scale.as_str() {
            "million" => 1e6,
            "billion" => 1e9,
            "thousand" => 1e3,
            _ => 1.0,
        };
        let percent = matches!(scale.as_str(), "%" | "percent" | "per cent");
        let frame = if percent {
            Some("percent".to_string())
        } else {
            c.get(3).and_then(|m| {
                m.as_str()
                    .split(|ch: char| ch.is_whitespace() || ch == '-')
                    .map(str::to_lowercase)
                    .filter(|w| !w.is_empty() && !FILLER.contains(&w.as_str()))
                    .find(|w| !NOT_FRAMES.contains(&w.as_str()))
                    .filter(|w| w.chars().all(char::is_alphabetic) && !parallax_text::is_stopword(w))
                    .map(|w| parallax_text::stem(&w))
            })
        };
        let Some(frame) = frame else { continue };
        let text_end = c.get(2).map_or(c.get(1).expect("number").end(), |m| m.end());
        let noun = c.get(3).map(|m| m.as_str().split_whitespace().next().unwrap_or("")).unwrap_or("");
        let text = format!("{} {}", &sentence[whole.start()..text_end], noun).trim().to_string();
        out.push(Slot::Quantity { frame, value, text });
    }
    for c in p.place.captures_iter(sentence) {
        let whole = c.get(0).expect("whole match");
        // "in Moscow's plans" names no place where something happened
        if sentence[whole.end()..].starts_with(['\'', '\u{2019}']) {
            continue;
        }
        let name = c[1].trim_start_matches("the ").to_string();
        let first = name.split_whitespace().next().unwrap_or("");
        let months_or_days = MONTHS.iter().any(|m| first.to_lowercase().starts_with(m))
            || ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].contains(&first);
        if !months_or_days {
            out.push(Slot::Place { name });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_with_their_frames() {
        let s = slots("It can reach targets up to 2,000 kilometers away and killed 12 people, while 5% of GDP goes to defense in 2025.");
        let q: Vec<(String, f64)> = s
            .iter()
            .filter_map(|s| match s {
                Slot::Quantity { frame, value, .. } => Some((frame.clone(), *value)),
                _ => None,
            })
            .collect();
        assert_eq!(q, vec![("kilomet".to_string(), 2000.0), ("peopl".to_string(), 12.0), ("percent".to_string(), 5.0)]);
    }

    #[test]
    fn dates_are_not_quantities() {
        let s = slots("Putin said Aug. 1 that talks on 3 September in Istanbul went well.");
        assert!(s.contains(&Slot::Date { month: 8, day: 1, text: "Aug. 1".into() }));
        assert!(s.iter().any(|x| matches!(x, Slot::Date { month: 9, day: 3, .. })));
        assert!(s.contains(&Slot::Place { name: "Istanbul".into() }));
        assert!(!s.iter().any(|x| matches!(x, Slot::Quantity { .. })));
    }

    #[test]
    fn possessives_are_not_places() {
        assert!(slots("Escalation in Moscow's military plans.").is_empty());
    }

    #[test]
    fn number_words_count() {
        let s = slots("Three people were injured.");
        assert!(matches!(&s[0], Slot::Quantity { value, frame, .. } if *value == 3.0 && frame == "peopl"));
    }
}
