//! The simulated clock and the platforms' timestamp format.
//!
//! Both APIs write times in UTC with second resolution (`2016-02-13T23:27:49Z`). The clock is
//! the real one plus an offset that tests move forward through the control API
//! (`POST /_sim/clock/advance`) or [`SimHandle::advance_clock`](super::SimHandle::advance_clock),
//! so that the 30-day window of the ticket list and the rate-limit minute can be crossed
//! without waiting.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// How far the simulated clock may move from the real one: a thousand years.
pub const MAX_OFFSET_SECS: i64 = 1000 * 366 * 86_400;

/// Real time plus an offset, in whole seconds.
#[derive(Debug, Default)]
pub struct SimClock {
    offset_secs: AtomicI64,
}

impl SimClock {
    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        real.saturating_add(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Moves the clock by `secs`; the offset stays within a thousand years, so that time
    /// arithmetic never overflows.
    pub fn advance(&self, secs: i64) {
        let _ = self.offset_secs.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
            Some(offset.saturating_add(secs).clamp(-MAX_OFFSET_SECS, MAX_OFFSET_SECS))
        });
    }

    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }
}

/// `2016-02-13T23:27:49Z`.
pub fn format_time(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Reads a date or time in the forms the APIs accept as input: `YYYY-MM-DD`,
/// `YYYY-MM-DDTHH:MM`, `…Z`, `YYYY-MM-DDTHH:MM:SS`, `…Z`, `…±hh:mm`, `…±hhmm`, `…±hh`.
/// Input without a zone is UTC. Returns Unix seconds.
pub fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%#z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M%#z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.timestamp());
        }
    }
    let naive = text.strip_suffix('Z').unwrap_or(text);
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, format) {
            return Some(t.and_utc().timestamp());
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day.and_time(Default::default()).and_utc().timestamp());
    }
    None
}

/// A custom field of type date: exactly `YYYY-MM-DD`.
pub fn is_plain_date(text: &str) -> bool {
    text.len() == 10 && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_input_form_parses() {
        let base = parse_time("2015-01-19T02:00:00Z").unwrap();
        assert_eq!(format_time(base), "2015-01-19T02:00:00Z");
        assert_eq!(parse_time("2015-01-19T02:00:00"), Some(base));
        assert_eq!(parse_time("2015-01-19T02:00Z"), Some(base));
        assert_eq!(parse_time("2015-01-19T02:00"), Some(base));
        assert_eq!(parse_time("2015-01-19T07:30:00+05:30"), Some(base));
        assert_eq!(parse_time("2015-01-19T07:30:00+0530"), Some(base));
        assert_eq!(parse_time("2015-01-19T04:00:00+02"), Some(base));
        assert_eq!(parse_time("2015-01-19"), Some(base - 2 * 3600));
        assert_eq!(parse_time("19/01/2015"), None);
        assert!(is_plain_date("2015-01-19") && !is_plain_date("2015-1-19"));
    }

    #[test]
    fn the_clock_moves_forward_on_request() {
        let clock = SimClock::default();
        let before = clock.now();
        clock.advance(31 * 86_400);
        assert!(clock.now() >= before + 31 * 86_400);
        clock.advance(i64::MAX);
        assert_eq!(clock.offset(), MAX_OFFSET_SECS);
        assert!(format_time(clock.now()).starts_with('3'), "{}", format_time(clock.now()));
    }
}
