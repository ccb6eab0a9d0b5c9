//! Dates in news prose, resolved against the article's publication date: "on Wednesday" is the
//! Wednesday of the week the article reports on, "Nov. 21" takes the year nearest the article,
//! "last month" and "last year" count back from it. Two outlets that name one day in different
//! words agree. Without a publication date a relative date is unresolved, never guessed.

use crate::lexicon::FUTURE_MARKERS;
use parallax_model::{CalendarDate, Span, Value, ValueKind};
use parallax_text::calendar::{civil_from_days, days_from_civil, days_in_month, month_number, weekday_number, weekday_of};
use regex::Regex;
use std::sync::OnceLock;

type Ymd = (i32, u32, u32);

struct Patterns {
    month_day: Regex,
    day_month: Regex,
    month_year: Regex,
    year: Regex,
    weekday: Regex,
    relative_day: Regex,
    relative_period: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        // Capitalised month names only: "may" and "march" are verbs in lowercase.
        let month = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)";
        Patterns {
            month_day: Regex::new(&format!(r"\b{month}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?")).unwrap(),
            day_month: Regex::new(&format!(r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{month}(?:,?\s+(\d{{4}})\b)?")).unwrap(),
            month_year: Regex::new(&format!(r"\b(?:(?i:in|since|during|by|until|from|early|late|mid-?|last|next|this)\s+){month}(?:,?\s+(\d{{4}}))?\b")).unwrap(),
            year: Regex::new(r"\b(?i:in|since|during|by|until|of|from)\s+((?:18|19|20)\d\d)\b").unwrap(),
            weekday: Regex::new(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b").unwrap(),
            relative_day: Regex::new(r"(?i)\b(yesterday|today|tonight|last night|this morning|this afternoon|this evening)\b").unwrap(),
            relative_period: Regex::new(r"(?i)\b(last|this|next)\s+(month|year)\b").unwrap(),
        }
    })
}

fn day_value(sentence: &str, start: usize, end: usize, date: CalendarDate) -> Value {
    Value {
        kind: ValueKind::Date,
        text: sentence[start..end].to_string(),
        span: Span { start, end },
        frame: "date".into(),
        quantity: None,
        date: Some(date),
        tally: None,
        role: None,
    }
}

/// The year that puts month/day nearest the publication date.
fn nearest_year((py, pm, pd): Ymd, month: u32, day: u32) -> i32 {
    let p = days_from_civil(py, pm, pd);
    [py - 1, py, py + 1].into_iter().filter(|&y| day <= days_in_month(y, month)).min_by_key(|&y| (days_from_civil(y, month, day) - p).abs()).unwrap_or(py)
}

fn nearest_month_year((py, pm, _): Ymd, month: u32) -> i32 {
    let p = py * 12 + pm as i32;
    [py - 1, py, py + 1].into_iter().min_by_key(|&y| (y * 12 + month as i32 - p).abs()).unwrap_or(py)
}

fn day_of(days: i64) -> CalendarDate {
    let (year, month, day) = civil_from_days(days);
    CalendarDate::Day { year, month, day }
}

/// Whether the words before `at` put what follows ahead of the publication date ("will vote on
/// Wednesday").
fn future_before(sentence: &str, at: usize) -> bool {
    let before = sentence[..at].to_lowercase();
    let words: Vec<&str> = before.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let tail = &words[words.len().saturating_sub(6)..];
    FUTURE_MARKERS.iter().any(|m| {
        let parts: Vec<&str> = m.split(' ').collect();
        tail.windows(parts.len()).any(|w| w == parts.as_slice())
    })
}

pub fn dates(sentence: &str, published: Option<Ymd>) -> Vec<Value> {
    let p = patterns();
    let mut out: Vec<Value> = Vec::new();
    let free = |out: &Vec<Value>, s: usize, e: usize| !out.iter().any(|v| v.span.start < e && s < v.span.end);
    for c in p.month_day.captures_iter(sentence) {
        let m = c.get(0).expect("whole");
        let (Some(month), Ok(day)) = (month_number(&c[1]), c[2].parse::<u32>()) else { continue };
        let year = c.get(3).and_then(|y| y.as_str().parse::<i32>().ok());
        push_day(sentence, &mut out, m.start(), m.end(), year, month, day, published);
    }
    for c in p.day_month.captures_iter(sentence) {
        let m = c.get(0).expect("whole");
        let (Ok(day), Some(month)) = (c[1].parse::<u32>(), month_number(&c[2])) else { continue };
        if !free(&out, m.start(), m.end()) {
            continue;
        }
        let year = c.get(3).and_then(|y| y.as_str().parse::<i32>().ok());
        push_day(sentence, &mut out, m.start(), m.end(), year, month, day, published);
    }
    for c in p.month_year.captures_iter(sentence) {
        let g = c.get(1).expect("month");
        let end = c.get(2).map_or(g.end(), |y| y.end());
        if !free(&out, g.start(), end) {
            continue;
        }
        let Some(month) = month_number(g.as_str()) else { continue };
        let year = c.get(2).and_then(|y| y.as_str().parse::<i32>().ok()).or_else(|| published.map(|pd| nearest_month_year(pd, month)));
        let date = year.map_or(CalendarDate::Unresolved, |year| CalendarDate::Month { year, month });
        out.push(day_value(sentence, g.start(), end, date));
    }
    for c in p.year.captures_iter(sentence) {
        let g = c.get(1).expect("year");
        if !free(&out, g.start(), g.end()) {
            continue;
        }
        let year: i32 = g.as_str().parse().expect("four digits");
        out.push(day_value(sentence, g.start(), g.end(), CalendarDate::Year { year }));
    }
    for c in p.weekday.captures_iter(sentence) {
        let g = c.get(1).expect("weekday");
        if !free(&out, g.start(), g.end()) {
            continue;
        }
        let w = weekday_number(g.as_str()).expect("a weekday name");
        let date = match published {
            Some((y, m, d)) => {
                let pd = days_from_civil(y, m, d);
                let back = (weekday_of(pd) as i64 - w as i64).rem_euclid(7);
                if future_before(sentence, g.start()) && back != 0 {
                    day_of(pd + 7 - back)
                } else {
                    day_of(pd - back)
                }
            }
            None => CalendarDate::Unresolved,
        };
        out.push(day_value(sentence, g.start(), g.end(), date));
    }
    for c in p.relative_day.captures_iter(sentence) {
        let g = c.get(1).expect("word");
        let offset = if g.as_str().eq_ignore_ascii_case("yesterday") || g.as_str().eq_ignore_ascii_case("last night") { -1 } else { 0 };
        let date = published.map_or(CalendarDate::Unresolved, |(y, m, d)| day_of(days_from_civil(y, m, d) + offset));
        out.push(day_value(sentence, g.start(), g.end(), date));
    }
    for c in p.relative_period.captures_iter(sentence) {
        let g = c.get(0).expect("whole");
        let step = match c[1].to_lowercase().as_str() {
            "last" => -1,
            "next" => 1,
            _ => 0,
        };
        let date = match published {
            Some((y, _, _)) if c[2].eq_ignore_ascii_case("year") => CalendarDate::Year { year: y + step },
            Some((y, m, _)) => {
                let months = y * 12 + m as i32 - 1 + step;
                CalendarDate::Month { year: months.div_euclid(12), month: months.rem_euclid(12) as u32 + 1 }
            }
            None => CalendarDate::Unresolved,
        };
        out.push(day_value(sentence, g.start(), g.end(), date));
    }
    out.sort_by_key(|v| v.span.start);
    out
}

#[allow(clippy::too_many_arguments)]
fn push_day(sentence: &str, out: &mut Vec<Value>, start: usize, end: usize, year: Option<i32>, month: u32, day: u32, published: Option<Ymd>) {
    if day == 0 || day > 31 {
        return;
    }
    let year = year.or_else(|| published.map(|pd| nearest_year(pd, month, day)));
    let date = match year {
        Some(y) if day <= days_in_month(y, month) => CalendarDate::Day { year: y, month, day },
        Some(_) => return,
        None => CalendarDate::MonthDay { month, day },
    };
    out.push(day_value(sentence, start, end, date));
}

/// Resolves every date of a sentence: the dates of [`crate::values`] alone.
#[cfg(test)]
fn resolve_dates(sentence: &str, published: Option<&str>) -> Vec<Value> {
    dates(sentence, published.and_then(parallax_text::calendar::parse_iso_date))
}

/// Whether two resolved dates cannot both be right: different days, or a day outside the other's
/// month or year. Unresolved dates conflict with nothing.
pub fn dates_conflict(a: CalendarDate, b: CalendarDate) -> bool {
    use CalendarDate::*;
    match (a, b) {
        (Day { year: y1, month: m1, day: d1 }, Day { year: y2, month: m2, day: d2 }) => (y1, m1, d1) != (y2, m2, d2),
        (Day { year: y1, month: m1, .. }, Month { year: y2, month: m2 }) | (Month { year: y2, month: m2 }, Day { year: y1, month: m1, .. }) => {
            (y1, m1) != (y2, m2)
        }
        (Month { year: y1, month: m1 }, Month { year: y2, month: m2 }) => (y1, m1) != (y2, m2),
        (Day { year: y1, .. } | Month { year: y1, .. } | Year { year: y1 }, Year { year: y2 })
        | (Year { year: y1 }, Day { year: y2, .. } | Month { year: y2, .. }) => y1 != y2,
        (MonthDay { month: m1, day: d1 }, MonthDay { month: m2, day: d2 }) => (m1, d1) != (m2, d2),
        (MonthDay { month: m1, day: d1 }, Day { month: m2, day: d2, .. }) | (Day { month: m2, day: d2, .. }, MonthDay { month: m1, day: d1 }) => {
            (m1, d1) != (m2, d2)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(s: &str, published: Option<&str>) -> Vec<CalendarDate> {
        resolve_dates(s, published).into_iter().filter_map(|v| v.date).collect()
    }

    const WED: &str = "2024-08-21"; // a Wednesday

    #[test]
    fn weekdays_resolve_to_the_reported_week() {
        assert_eq!(resolved("The House voted on Tuesday.", Some(WED)), vec![CalendarDate::Day { year: 2024, month: 8, day: 20 }]);
        assert_eq!(resolved("The House voted Wednesday.", Some(WED)), vec![CalendarDate::Day { year: 2024, month: 8, day: 21 }]);
        assert_eq!(resolved("The Senate will vote on Friday.", Some(WED)), vec![CalendarDate::Day { year: 2024, month: 8, day: 23 }]);
        assert_eq!(resolved("The House voted on Tuesday.", None), vec![CalendarDate::Unresolved]);
    }

    #[test]
    fn one_day_in_different_words_agrees() {
        let a = resolved("The vote took place on Tuesday.", Some(WED))[0];
        let b = resolved("Lawmakers voted Aug. 20 to approve it.", Some(WED))[0];
        let c = resolved("It was approved yesterday.", Some("2024-08-21"))[0];
        assert!(!dates_conflict(a, b) && !dates_conflict(b, c), "{a:?} {b:?} {c:?}");
        let d = resolved("Lawmakers voted on Wednesday.", Some(WED))[0];
        assert!(dates_conflict(a, d));
    }

    #[test]
    fn month_days_take_the_nearest_year() {
        assert_eq!(resolved("Talks began Dec. 30.", Some("2025-01-03")), vec![CalendarDate::Day { year: 2024, month: 12, day: 30 }]);
        assert_eq!(resolved("It opens on 21 November 2019.", None), vec![CalendarDate::Day { year: 2019, month: 11, day: 21 }]);
        assert_eq!(resolved("It opens Nov. 21.", None), vec![CalendarDate::MonthDay { month: 11, day: 21 }]);
    }

    #[test]
    fn periods_count_back_from_publication() {
        assert_eq!(resolved("Prices rose last month.", Some("2024-01-15")), vec![CalendarDate::Month { year: 2023, month: 12 }]);
        assert_eq!(resolved("The law passed last year.", Some("2024-01-15")), vec![CalendarDate::Year { year: 2023 }]);
        assert_eq!(resolved("The law passed in 2019.", None), vec![CalendarDate::Year { year: 2019 }]);
        assert_eq!(resolved("Production starts in March.", Some("2024-11-02")), vec![CalendarDate::Month { year: 2025, month: 3 }]);
        // a day falls within its month
        let day = resolved("It began on March 3.", Some("2025-03-10"))[0];
        assert!(!dates_conflict(day, CalendarDate::Month { year: 2025, month: 3 }));
    }

    #[test]
    fn lowercase_may_is_not_a_month() {
        assert!(resolved("Officials may 3 times delay it.", Some(WED)).is_empty());
    }
}
