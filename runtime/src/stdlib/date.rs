//! Groovy's `java.util.Date` (`Value::Date`, milliseconds since the epoch) and its methods,
//! plus the ISO 8601 text dates take on the wire.
//!
//! Replica runs in UTC, as the daemon does (and as `groovy -Duser.timezone=UTC`): `format`,
//! `clearTime` and day arithmetic use UTC calendar days. Results were checked against Groovy
//! 2.4 (see `runtime/tests/helpers.rs`):
//! * `format(pattern)` is `SimpleDateFormat`: letters `G y M d H h k K m s S E a D u Z X z`,
//!   `'quoted'` text, `''` for a quote; any other letter is an error, as in Java.
//! * `plus(n)` / `minus(n)` add or remove `n` days; `a.minus(b)` (and `a - b`) is the number
//!   of calendar days between them, ignoring the time of day (`Nov 26 23:59 - Nov 24 08:59`
//!   is 2).
//! * `compareTo` answers -1, 0 or 1; `before`/`after` compare strictly.
//!
//! Divergence: Groovy's `clearTime()` changes the date it is called on and returns it; dates
//! are immutable values here, so it returns the cleared date and leaves the receiver as it was
//! (`d = d.clearTime()` works in both).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};

use super::Call;
use crate::value::{ErrorKind, Invoke, RuntimeError, Value};

pub(super) const METHODS: &[&str] =
    &["format", "getTime", "before", "after", "compareTo", "plus", "minus", "clearTime"];

pub const MILLIS_PER_DAY: i64 = 86_400_000;

pub(super) fn call(_inv: &mut dyn Invoke, millis: i64, call: Call) -> Result<Value, RuntimeError> {
    Ok(match call.name() {
        "format" => Value::str(&format(millis, call.str(0)?)?),
        "getTime" => Value::Int(millis),
        "before" => Value::Bool(millis < date_arg(&call, 0)?),
        "after" => Value::Bool(millis > date_arg(&call, 0)?),
        "compareTo" => Value::Int(match millis.cmp(&date_arg(&call, 0)?) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        }),
        "plus" => plus_days(millis, call.int(0)?)?,
        "minus" => match call.arg(0) {
            Value::Date(other) => Value::Int(days_between(millis, *other)),
            Value::Int(days) => plus_days(millis, days.checked_neg().ok_or_else(|| call.bad_arg(0))?)?,
            _ => return Err(call.bad_arg(0)),
        },
        "clearTime" => Value::Date(millis.div_euclid(MILLIS_PER_DAY) * MILLIS_PER_DAY),
        other => unreachable!("Date.{other} is in the registry but not implemented"),
    })
}

fn date_arg(call: &Call, i: usize) -> Result<i64, RuntimeError> {
    match call.arg(i) {
        Value::Date(millis) => Ok(*millis),
        _ => Err(call.bad_arg(i)),
    }
}

/// `date + days`.
pub fn plus_days(millis: i64, days: i64) -> Result<Value, RuntimeError> {
    days.checked_mul(MILLIS_PER_DAY)
        .and_then(|delta| millis.checked_add(delta))
        .filter(|at| DateTime::<Utc>::from_timestamp_millis(*at).is_some())
        .map(Value::Date)
        .ok_or_else(|| {
            RuntimeError::new(ErrorKind::Overflow, format!("adding {days} days leaves the calendar"))
        })
}

/// `a - b` for two dates: calendar days from `b` to `a` (Groovy's `DateGroovyMethods.minus`).
pub fn days_between(a: i64, b: i64) -> i64 {
    a.div_euclid(MILLIS_PER_DAY) - b.div_euclid(MILLIS_PER_DAY)
}

// ---------------------------------------------------------------------------------------
// ISO 8601 on the wire
// ---------------------------------------------------------------------------------------

/// Parses the date forms the platforms send and accept: `2026-11-24T08:59:28Z`, with any
/// offset (`+05:30`, `+0530`, `+05`), fractions of a second, without a zone (UTC), without
/// seconds, or a bare `2026-11-24` (midnight UTC).
pub fn parse_iso(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.timestamp_millis());
    }
    for pattern in
        ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"]
    {
        if let Ok(at) = DateTime::parse_from_str(text, pattern) {
            return Some(at.timestamp_millis());
        }
    }
    let naive = text.strip_suffix('Z').unwrap_or(text);
    for pattern in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(naive, pattern) {
            return Some(at.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc().timestamp_millis())
}

/// The platforms' timestamp form: `2026-11-24T08:59:28Z` (milliseconds only when there are
/// some: `2026-11-24T08:59:28.005Z`).
pub fn format_iso(millis: i64) -> String {
    with_iso(millis, str::to_string)
}

/// `f` of [`format_iso`]'s text, without allocating it for the common years.
pub fn with_iso<T>(millis: i64, f: impl FnOnce(&str) -> T) -> T {
    let fraction = millis.rem_euclid(1000);
    match DateTime::<Utc>::from_timestamp_millis(millis) {
        // Four-digit years written by hand: replicas carry several dates.
        Some(at) if (0..=9999).contains(&at.year()) => {
            let mut out = Digits::default();
            let year = at.year() as u32;
            push_two(&mut out, year / 100);
            push_two(&mut out, year % 100);
            for (separator, n) in
                [('-', at.month()), ('-', at.day()), ('T', at.hour()), (':', at.minute()), (':', at.second())]
            {
                out.push(separator);
                push_two(&mut out, n);
            }
            if fraction != 0 {
                out.push('.');
                push_two(&mut out, (fraction / 10) as u32);
                out.push(char::from(b'0' + (fraction % 10) as u8));
            }
            out.push('Z');
            f(out.as_str())
        }
        Some(at) if fraction == 0 => f(&at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        Some(at) => f(&at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
        None => f(&millis.to_string()),
    }
}

/// The ASCII text of a date, on the stack.
#[derive(Default)]
struct Digits {
    bytes: [u8; 24],
    len: usize,
}

impl Digits {
    fn push(&mut self, c: char) {
        self.bytes[self.len] = c as u8;
        self.len += 1;
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// `n` (below 100) as two digits.
fn push_two(out: &mut Digits, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// A date custom field's form: `2026-11-24`.
pub fn format_day(millis: i64) -> String {
    match DateTime::<Utc>::from_timestamp_millis(millis) {
        Some(at) => at.format("%Y-%m-%d").to_string(),
        None => millis.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// SimpleDateFormat
// ---------------------------------------------------------------------------------------

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// `new SimpleDateFormat(pattern).format(date)` in UTC.
pub fn format(millis: i64, pattern: &str) -> Result<String, RuntimeError> {
    let at = DateTime::<Utc>::from_timestamp_millis(millis).ok_or_else(|| {
        RuntimeError::new(ErrorKind::Overflow, format!("{millis} ms is outside the calendar"))
    })?;
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // `''` is a quote; `'text'` is literal text (where `''` is a quote too).
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        out.push('\'');
                        i += 2;
                        continue;
                    }
                    break;
                }
                out.push(chars[i]);
                i += 1;
            }
            i += 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut count = 1;
        while chars.get(i + count) == Some(&c) {
            count += 1;
        }
        i += count;
        field(&mut out, &at, c, count)?;
    }
    Ok(out)
}

fn field(out: &mut String, at: &DateTime<Utc>, letter: char, count: usize) -> Result<(), RuntimeError> {
    let number = |out: &mut String, n: i64| out.push_str(&format!("{n:0count$}"));
    let text = |out: &mut String, full: &str| {
        if count >= 4 {
            out.push_str(full)
        } else {
            out.extend(full.chars().take(3))
        }
    };
    match letter {
        'G' => out.push_str(if at.year() > 0 { "AD" } else { "BC" }),
        'y' => {
            let year = i64::from(at.year());
            if count == 2 {
                out.push_str(&format!("{:02}", year.rem_euclid(100)))
            } else {
                number(out, year)
            }
        }
        'M' if count >= 3 => text(out, MONTHS[at.month0() as usize]),
        'M' => number(out, i64::from(at.month())),
        'd' => number(out, i64::from(at.day())),
        'D' => number(out, i64::from(at.ordinal())),
        'E' => text(out, DAYS[at.weekday().num_days_from_monday() as usize]),
        'u' => number(out, i64::from(at.weekday().number_from_monday())),
        'a' => out.push_str(if at.hour() < 12 { "AM" } else { "PM" }),
        'H' => number(out, i64::from(at.hour())),
        'k' => number(out, i64::from(if at.hour() == 0 { 24 } else { at.hour() })),
        'K' => number(out, i64::from(at.hour() % 12)),
        'h' => number(out, i64::from(if at.hour() % 12 == 0 { 12 } else { at.hour() % 12 })),
        'm' => number(out, i64::from(at.minute())),
        's' => number(out, i64::from(at.second())),
        'S' => number(out, i64::from(at.timestamp_subsec_millis())),
        'Z' => out.push_str("+0000"),
        'X' => out.push('Z'),
        'z' => out.push_str(if count >= 4 { "Coordinated Universal Time" } else { "UTC" }),
        other => {
            return Err(RuntimeError::type_error(format!(
                "illegal pattern character '{other}' in a date format (quote literal text: 'T')"
            )))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_chronos_text() {
        let chrono = |millis: i64| match DateTime::<Utc>::from_timestamp_millis(millis) {
            Some(at) if millis.rem_euclid(1000) == 0 => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Some(at) => at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            None => millis.to_string(),
        };
        let mut samples = vec![0, 1, -1, 999, 1_000, 1_795_510_768_000, 1_795_510_768_005, 1_795_510_768_120];
        samples.extend([-62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000]);
        samples.extend([i64::MIN, i64::MAX, 8_210_298_412_799_999, -8_334_632_851_200_000]);
        let mut x: i64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            samples.push(x % 400_000_000_000_000);
        }
        for millis in samples {
            assert_eq!(format_iso(millis), chrono(millis), "{millis}");
        }
    }
}
