//! When to poll a feed next: as often as it publishes, within bounds, never sooner than the
//! feed or its server asks, and backing off after failures without ever giving up on it.

/// Bounds of the poll interval, in seconds.
pub const MIN_INTERVAL: i64 = 5 * 60;
pub const MAX_INTERVAL: i64 = 24 * 60 * 60;
/// The first wait after a failure; it doubles with each failure in a row, up to a day.
pub const BACKOFF_BASE: i64 = 15 * 60;

/// Seconds until the next poll after a successful one. The feed's pace is its items of the last
/// seven days (a week divided by their number, as Miniflux does); `ttl` (minutes, RSS),
/// Cache-Control max-age and Retry-After only ever lengthen it.
pub fn after_success(item_dates: &[String], now: i64, ttl_minutes: Option<u32>, max_age: Option<u64>, retry_after: Option<u64>) -> i64 {
    let week = 7 * 24 * 60 * 60;
    let recent = item_dates.iter().filter_map(|d| unix_of(d)).filter(|&t| t <= now && now - t <= week).count() as i64;
    let pace = if recent == 0 { MAX_INTERVAL } else { week / recent };
    let asked = [ttl_minutes.map(|m| m as i64 * 60), max_age.map(|s| s as i64), retry_after.map(|s| s as i64)].into_iter().flatten().max().unwrap_or(0);
    pace.clamp(MIN_INTERVAL, MAX_INTERVAL).max(asked.min(7 * MAX_INTERVAL))
}

/// Seconds until the next try after `errors` failures in a row (Retry-After, when sent, wins
/// if longer).
pub fn after_failure(errors: i64, retry_after: Option<u64>) -> i64 {
    let backoff = BACKOFF_BASE.saturating_mul(1i64 << errors.clamp(1, 10).saturating_sub(1)).min(MAX_INTERVAL);
    backoff.max(retry_after.map_or(0, |s| (s as i64).min(7 * MAX_INTERVAL)))
}

/// Unix seconds of an ISO 8601 date or timestamp (to the day is enough for pacing).
fn unix_of(iso: &str) -> Option<i64> {
    let (y, m, d) = parallax_text::calendar::parse_iso_date(iso)?;
    let days = parallax_text::calendar::days_from_civil(y, m, d);
    let time = iso.get(11..19).and_then(|t| {
        let p: Vec<i64> = t.split(':').filter_map(|x| x.parse().ok()).collect();
        (p.len() == 3).then(|| p[0] * 3600 + p[1] * 60 + p[2])
    });
    Some(days * 86_400 + time.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_feeds_are_polled_often_quiet_ones_daily_and_servers_are_heard() {
        let now = unix_of("2026-03-08T00:00:00Z").unwrap();
        let daily: Vec<String> = (1..=7).map(|d| format!("2026-03-0{d}T08:00:00Z")).collect();
        assert_eq!(after_success(&daily, now, None, None, None), 24 * 3600);
        let busy: Vec<String> = (0..7000).map(|i| format!("2026-03-0{}T{:02}:00:00Z", 1 + i % 7, i % 24)).collect();
        assert_eq!(after_success(&busy, now, None, None, None), MIN_INTERVAL, "never more often than every 5 minutes");
        assert_eq!(after_success(&[], now, None, None, None), MAX_INTERVAL);
        let hourly: Vec<String> = (0..168).map(|i| format!("2026-03-0{}T{:02}:00:00Z", 1 + i / 24, i % 24)).collect();
        assert_eq!(after_success(&hourly, now, None, None, None), 3600);
        assert_eq!(after_success(&hourly, now, Some(120), None, None), 7200, "the feed's ttl");
        assert_eq!(after_success(&hourly, now, None, Some(5400), None), 5400, "Cache-Control max-age");
        assert_eq!(after_failure(1, None), 15 * 60);
        assert_eq!(after_failure(3, None), 60 * 60);
        assert_eq!(after_failure(40, None), MAX_INTERVAL, "backs off to a day, never gives up");
        assert_eq!(after_failure(1, Some(7200)), 7200, "Retry-After");
    }
}
