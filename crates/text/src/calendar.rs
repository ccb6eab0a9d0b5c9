//! Calendar words and day arithmetic: the one list of month and weekday names every stage uses
//! (date metadata, sentence abbreviations, claim dates), and conversions between civil dates and
//! day numbers.

/// Month names, January first, in full.
pub const MONTHS: [&str; 12] = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/// Weekday names, Monday first (ISO 8601 order).
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The month (1-12) a word names: full names, three-letter forms and the news abbreviations
/// ("Sept.", "Aug"). Case and a trailing period are ignored. "May" is a month here: callers that
/// read running text decide whether a capitalised "may" is one.
pub fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS.iter().position(|m| *m == w || (m.starts_with(&w) && (w.len() == 3 || w == "sept"))).map(|i| i as u32 + 1)
}

/// The weekday (0 = Monday .. 6 = Sunday) a word names, in full or as a three-letter form.
pub fn weekday_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    WEEKDAYS.iter().position(|d| *d == w || (d.starts_with(&w) && matches!(w.len(), 3 | 4) && w != "mond")).map(|i| i as u32)
}

/// Abbreviations of months and weekdays that end with a period in news prose ("Aug.", "Tues."),
/// lowercase, without the period.
pub fn abbreviations() -> impl Iterator<Item = &'static str> {
    const MONTH_ABBR: [&str; 12] = ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"];
    const DAY_ABBR: [&str; 10] = ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"];
    MONTH_ABBR.into_iter().chain(DAY_ABBR)
}

/// Days in a month of a year (proleptic Gregorian).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let (y, m, d) = (year as i64, month as i64, day as i64);
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// Weekday (0 = Monday) of a day number.
pub fn weekday_of(days: i64) -> u32 {
    // 1970-01-01 was a Thursday (3)
    (days + 3).rem_euclid(7) as u32
}

/// The civil date at the start of an ISO 8601 date or timestamp (`YYYY-MM-DD...`).
pub fn parse_iso_date(iso: &str) -> Option<(i32, u32, u32)> {
    let b = iso.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let s = std::str::from_utf8(&b[..10]).ok()?;
    let y: i32 = s[..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_and_weekday_words() {
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("aug"), Some(8));
        assert_eq!(month_number("November"), Some(11));
        assert_eq!(month_number("Ma"), None);
        assert_eq!(month_number("marching"), None);
        assert_eq!(weekday_number("Tues."), Some(1));
        assert_eq!(weekday_number("Sunday"), Some(6));
        assert_eq!(weekday_number("wedding"), None);
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 3, 5), 19787);
        for d in [-1000i64, 0, 59, 60, 19787, 30000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        // 2024-08-01 was a Thursday
        assert_eq!(weekday_of(days_from_civil(2024, 8, 1)), 3);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(parse_iso_date("2024-02-29T10:00:00Z"), Some((2024, 2, 29)));
        assert_eq!(parse_iso_date("2023-02-29"), None);
        assert_eq!(parse_iso_date("March 5"), None);
    }
}
