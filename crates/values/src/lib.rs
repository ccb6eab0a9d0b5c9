//! The checkable values of a news sentence: numbers with what they count and what happened to it
//! ("a dozen passengers drowned": 12, people, killed), tallies ("396-9"), bounds and
//! approximations read as intervals ("more than 10", "some 16"), calendar dates resolved against
//! the article's publication date ("on Wednesday", "Nov. 21", "last month"), and places.
//!
//! Two outlets that state the same fact with values that cannot both be true contradict each
//! other; [`incompatible`] decides that. A number is compared, never interpreted.

mod dates;
mod lexicon;
mod numbers;

use parallax_model::{CalendarDate, Span, Value, ValueKind};
use regex::Regex;
use std::sync::OnceLock;

/// Every value a sentence states, in order of position. `published` is the article's
/// publication date (ISO 8601), which relative dates resolve against; without it they are
/// marked unresolved.
pub fn values(sentence: &str, published: Option<&str>) -> Vec<Value> {
    let pub_date = published.and_then(parallax_text::calendar::parse_iso_date);
    let mut out = dates::dates(sentence, pub_date);
    let taken: Vec<Span> = out.iter().map(|v| v.span).collect();
    out.extend(numbers::numbers(sentence, &taken));
    out.extend(places(sentence, &out.iter().map(|v| v.span).collect::<Vec<_>>()));
    out.sort_by_key(|v| v.span.start);
    out
}

/// Whether two values are about the same thing, so that they can agree or conflict: the same
/// kind, and for numbers the same counted noun and the same thing happening to it.
pub fn comparable(a: &Value, b: &Value) -> bool {
    if a.kind != b.kind {
        return false;
    }
    match a.kind {
        ValueKind::Number => {
            if a.tally.is_some() || b.tally.is_some() {
                return a.tally.is_some() && b.tally.is_some();
            }
            let roles_match = a.role == b.role;
            // "killed 12" names no noun but counts the same dead as "12 people died"
            let frames_match = a.frame == b.frame || ((a.frame.is_empty() || b.frame.is_empty()) && a.role.is_some());
            roles_match && frames_match && !(a.frame.is_empty() && b.frame.is_empty() && a.role.is_none())
        }
        ValueKind::Date | ValueKind::Place => true,
    }
}

/// Whether two values are of one kind and, for numbers, one frame (counted noun and event):
/// [`comparable`] without requiring an event to be named.
pub fn same_subject_kind(a: &Value, b: &Value) -> bool {
    a.kind == b.kind && (a.kind != ValueKind::Number || (a.frame == b.frame && a.role == b.role && a.tally.is_some() == b.tally.is_some()))
}

/// Whether two comparable values cannot both be true: disjoint intervals, different tallies,
/// different days (a day and the month it falls in agree), different places.
pub fn incompatible(a: &Value, b: &Value) -> bool {
    if !comparable(a, b) {
        return false;
    }
    match a.kind {
        ValueKind::Number => {
            if let (Some(x), Some(y)) = (a.tally, b.tally) {
                return x != y;
            }
            match (a.quantity, b.quantity) {
                (Some(x), Some(y)) => x.high < y.low || y.high < x.low,
                _ => false,
            }
        }
        ValueKind::Date => match (a.date, b.date) {
            (Some(x), Some(y)) => dates::dates_conflict(x, y),
            _ => false,
        },
        ValueKind::Place => {
            let (x, y) = (a.text.to_lowercase(), b.text.to_lowercase());
            !x.contains(&y) && !y.contains(&x)
        }
    }
}

/// Whether two comparable values state the same thing (equal, or one within the other's
/// interval, or the same resolved day).
pub fn agree(a: &Value, b: &Value) -> bool {
    comparable(a, b) && !incompatible(a, b) && (a.kind != ValueKind::Date || a.date.is_some_and(|d| d != CalendarDate::Unresolved))
}

struct Patterns {
    place: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns { place: Regex::new(r"\b(?:in|at|near|outside)\s+((?:the\s+)?\p{Lu}[\p{L}\-]+(?:\s+\p{Lu}[\p{L}\-]+){0,2})").unwrap() })
}

/// Places after "in", "at", "near", "outside": a run of capitalised words that is not a date.
fn places(sentence: &str, taken: &[Span]) -> Vec<Value> {
    let mut out = Vec::new();
    for c in patterns().place.captures_iter(sentence) {
        let whole = c.get(0).expect("whole match");
        let m = c.get(1).expect("place");
        // "in Moscow's plans" names no place where something happened
        if sentence[whole.end()..].starts_with(['\'', '\u{2019}']) {
            continue;
        }
        if taken.iter().any(|s| s.start < m.end() && m.start() < s.end) {
            continue;
        }
        let name = m.as_str().trim_start_matches("the ");
        let first = name.split_whitespace().next().unwrap_or("");
        if parallax_text::calendar::month_number(first).is_some() || parallax_text::calendar::weekday_number(first).is_some() {
            continue;
        }
        let start = m.start() + (m.as_str().len() - name.len());
        out.push(Value {
            kind: ValueKind::Place,
            text: name.to_string(),
            span: Span { start, end: m.end() },
            frame: "place".into(),
            quantity: None,
            date: None,
            tally: None,
            role: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(s: &str) -> Vec<Value> {
        values(s, None).into_iter().filter(|v| v.kind == ValueKind::Number).collect()
    }

    fn one(s: &str) -> Value {
        let mut v = nums(s);
        assert_eq!(v.len(), 1, "{s}: {v:?}");
        v.remove(0)
    }

    #[test]
    fn spans_point_inside_the_sentence() {
        let s = "Officials said a dozen passengers drowned near Port Aster on Tuesday.";
        for v in values(s, Some("2026-03-04")) {
            assert_eq!(&s[v.span.start..v.span.end], v.text, "{v:?}");
        }
    }

    #[test]
    fn words_and_digits_are_the_same_count() {
        let a = one("A dozen passengers drowned when the boat overturned.");
        let b = one("Twelve people died in the accident, the coast guard said.");
        let c = one("The coast guard said 12 people were killed.");
        assert!(agree(&a, &b) && agree(&b, &c), "{a:?} {b:?} {c:?}");
        let d = one("Fifteen people were killed, the wire reported.");
        assert!(incompatible(&a, &d));
    }

    #[test]
    fn what_happened_keeps_counts_apart() {
        let dead = one("Twelve people died when the ferry sank.");
        let rescued = one("Rescuers brought 87 people to safety.");
        assert!(!comparable(&dead, &rescued));
        let injured_a = one("Six people were injured in the blast.");
        let injured_b = one("Four people were hurt, police said.");
        assert!(incompatible(&injured_a, &injured_b));
        // a part of a total is not the total
        let total = one("The plan moves $3.6 billion from military construction to the wall.");
        let part = one("Of that, $3 billion could be moved with the declaration.");
        assert!(!incompatible(&total, &part), "{total:?} {part:?}");
        // the rescuers name what happened to the people they pulled out
        let pulled = one("Lifeboat crews pulled 40 people from the river, rescuers said.");
        let saved = one("Forty people were rescued from the river.");
        assert!(agree(&pulled, &saved), "{pulled:?} {saved:?}");
    }

    #[test]
    fn bounds_and_approximations_are_intervals() {
        let war = one("It ended a bruising 11-day war in the region.");
        let fighting = one("The truce came after more than 10 days of fighting.");
        assert!(!incompatible(&war, &fighting), "{war:?} {fighting:?}");
        let some = one("The House has passed some 16 measures this year.");
        let fifteen = one("The House has passed 15 bills this year.");
        assert!(incompatible(&some, &fifteen), "{some:?} {fifteen:?}");
        let about = one("About 40 homes were damaged.");
        assert!(!incompatible(&about, &one("Officials counted 41 homes damaged.")));
        assert!(incompatible(&one("Fewer than 10 homes were damaged."), &one("Officials counted 41 homes damaged.")));
    }

    #[test]
    fn tallies() {
        let a = one("The bill passed 396-9 on Tuesday.");
        assert_eq!(a.tally, Some([396, 9]));
        let b = one("Lawmakers approved it by a vote of 390-15.");
        assert!(incompatible(&a, &b));
        assert!(!incompatible(&a, &one("The measure passed 396-9.")));
    }

    #[test]
    fn scales_currency_and_percent() {
        let a = one("The repairs cost 2 million euros.");
        assert_eq!(a.quantity.unwrap().stated, 2e6);
        assert_eq!(a.frame, "euros");
        let b = one("Turnout rose to 61.5% this time.");
        assert_eq!((b.frame.as_str(), b.quantity.unwrap().stated), ("percent", 61.5));
        let c = one("The city will spend $3.2 billion on it.");
        assert_eq!((c.frame.as_str(), c.quantity.unwrap().stated), ("dollars", 3.2e9));
    }

    #[test]
    fn years_are_not_counts() {
        assert!(nums("The law was passed in 2019 and amended later.").is_empty());
    }

    #[test]
    fn places_skip_dates_and_possessives() {
        let v = values("Talks in Istanbul on Monday went well, unlike those in Moscow's view.", None);
        let places: Vec<&str> = v.iter().filter(|v| v.kind == ValueKind::Place).map(|v| v.text.as_str()).collect();
        assert_eq!(places, vec!["Istanbul"]);
    }
}
