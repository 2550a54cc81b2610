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
    parse_common(text).or_else(|| parse_with_chrono(text))
}

/// [`parse_iso`] of any form chrono reads (the common ones read by hand first).
fn parse_with_chrono(text: &str) -> Option<i64> {
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
    // Years 0 to 9999 (all of them four digits) written by hand: replicas carry several dates.
    if (MIN_FAST..MAX_FAST).contains(&millis) {
        let days = millis.div_euclid(MILLIS_PER_DAY);
        let seconds = (millis.rem_euclid(MILLIS_PER_DAY) / 1000) as u32;
        let (year, month, day) = civil_from_days(days);
        let mut out = Digits::default();
        let year = year as u32;
        push_two(&mut out, year / 100);
        push_two(&mut out, year % 100);
        for (separator, n) in
            [('-', month), ('-', day), ('T', seconds / 3600), (':', seconds / 60 % 60), (':', seconds % 60)]
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
        return f(out.as_str());
    }
    // Other years (five digits, negative) as chrono writes them.
    match DateTime::<Utc>::from_timestamp_millis(millis) {
        Some(at) if fraction == 0 => f(&at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        Some(at) => f(&at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
        None => f(&millis.to_string()),
    }
}

/// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the instants [`with_iso`] writes itself.
const MIN_FAST: i64 = -62_167_219_200_000;
const MAX_FAST: i64 = 253_402_300_800_000;

/// Year, month and day of a day count from 1970-01-01 (proleptic Gregorian; Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day count from 1970-01-01 of a date (the inverse of [`civil_from_days`]).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from(if month > 2 { month - 3 } else { month + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-11-24T08:59:28Z` and `2026-11-24T08:59:28.005Z` (the platforms' forms), read by
/// hand; `None` for anything else, which [`parse_iso`] leaves to chrono.
fn parse_common(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if !matches!(b.len(), 20 | 24)
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let digits = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let (year, month, day) = (digits(0, 4)?, digits(5, 7)?, digits(8, 10)?);
    let (hour, minute, second) = (digits(11, 13)?, digits(14, 16)?, digits(17, 19)?);
    let millis = match b.len() {
        20 if b[19] == b'Z' => 0,
        24 if b[19] == b'.' && b[23] == b'Z' => digits(20, 23)?,
        _ => return None,
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    // A leap second (`:60`) is chrono's business.
    if day == 0 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let seconds = i64::from(hour * 3600 + minute * 60 + second);
    Some(days * MILLIS_PER_DAY + seconds * 1000 + i64::from(millis))
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
            let text = format_iso(millis);
            if parse_common(&text).is_some() {
                assert_eq!(parse_common(&text), Some(millis), "{text}");
            }
        }
    }

    #[test]
    fn the_common_forms_read_as_chrono_reads_them() {
        let chrono = |text: &str| DateTime::parse_from_rfc3339(text).ok().map(|at| at.timestamp_millis());
        let mut texts: Vec<String> = [
            "2026-11-24T08:59:28Z",
            "2026-11-24T08:59:28.005Z",
            "2024-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "1900-02-29T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-04-00T00:00:00Z",
            "2026-11-24T24:00:00Z",
            "2026-11-24T23:60:00Z",
            "2026-11-24T23:59:60Z",
            "2026-11-24T08:59:28z",
            "2026-11-24t08:59:28Z",
            "2026-11-24T08:59:28.5Z",
            "2026-11-24T08:59:28.0050Z",
            "+026-11-24T08:59:28Z",
            "2026-11-24T08:59:2aZ",
            "2026-11-24 08:59:28Z",
        ]
        .map(String::from)
        .to_vec();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = |m: u64, shift: u32| (x >> shift) % m;
            texts.push(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
                n(10_000, 0),
                n(14, 14),
                n(33, 20),
                n(25, 26),
                n(61, 32),
                n(62, 38),
                if n(2, 44) == 0 { "Z".to_string() } else { format!(".{:03}Z", n(1000, 45)) }
            ));
        }
        for text in &texts {
            if let Some(ours) = parse_common(text) {
                assert_eq!(Some(ours), chrono(text), "{text}");
            }
            assert_eq!(parse_iso(text), parse_with_chrono(text), "{text}");
        }
    }
}
