//! `java.text.SimpleDateFormat` and `java.util.TimeZone` as scripts use them:
//! `new SimpleDateFormat(pattern)` is a record (shape `SimpleDateFormat`: pattern, time
//! zone) with `format(date)`, `parse(text)`, `setTimeZone(zone)`; a time zone is its id.
//!
//! Time zones: UTC/GMT and fixed offsets (`GMT+2`, `UTC-05:30`). Named regional zones
//! (`Europe/Berlin`) need daylight-saving tables Replica does not carry: they are an error
//! rather than Java's silent fallback to GMT. Formatting in an offset zone prints local
//! times, but `Z`/`X` still print `+0000` (a divergence from Java).

use std::rc::Rc;

use chrono::{NaiveDateTime, TimeZone, Utc};
use replica_compiler::shapes::shapes;

use crate::stdlib::date;
use crate::value::{ErrorKind, Record, RuntimeError, Value};

/// `TimeZone.getTimeZone(id)`: the id, checked and normalised (`GMT+2` → `GMT+02:00`).
pub fn time_zone(id: &Value) -> Result<Value, RuntimeError> {
    let Value::Str(text) = id else {
        return Err(RuntimeError::type_error("`TimeZone.getTimeZone` needs a time zone id (a String)"));
    };
    let minutes = offset_minutes(text)?;
    if minutes == 0 && matches!(&**text, "UTC" | "GMT" | "Z") {
        return Ok(Value::str(text));
    }
    let sign = if minutes < 0 { '-' } else { '+' };
    Ok(Value::str(&format!("GMT{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)))
}

/// The offset of a zone id, in minutes east of UTC.
fn offset_minutes(id: &str) -> Result<i64, RuntimeError> {
    let unsupported = || {
        RuntimeError::type_error(format!(
            "the time zone {id:?} is not supported: use UTC, GMT or a fixed offset such as GMT+2 or UTC-05:30"
        ))
    };
    let rest = ["GMT", "UTC"].iter().find_map(|p| id.strip_prefix(p)).or_else(|| (id == "Z").then_some(""));
    let Some(rest) = rest else { return Err(unsupported()) };
    if rest.is_empty() {
        return Ok(0);
    }
    let (sign, digits) = match rest.as_bytes()[0] {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return Err(unsupported()),
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() > 2 => digits.split_at(digits.len() - 2),
        None => (digits, "0"),
    };
    let hours: i64 = hours.parse().map_err(|_| unsupported())?;
    let minutes: i64 = minutes.parse().map_err(|_| unsupported())?;
    if hours > 18 || minutes > 59 {
        return Err(unsupported());
    }
    Ok(sign * (hours * 60 + minutes))
}

/// `new SimpleDateFormat(pattern)`, in UTC until `setTimeZone`.
pub fn new_format(pattern: &Value) -> Result<Value, RuntimeError> {
    let Value::Str(text) = pattern else {
        return Err(RuntimeError::type_error("`new SimpleDateFormat` needs a pattern (a String)"));
    };
    // An invalid pattern fails here, as Java's constructor does.
    date::format(0, text)?;
    let shape = shapes()
        .object("SimpleDateFormat")
        .ok_or_else(|| RuntimeError::type_error("SimpleDateFormat is not available"))?;
    let record = Record::empty(shape);
    record.set("pattern", Value::Str(Rc::clone(text)));
    record.set("timeZone", Value::str("UTC"));
    Ok(Value::Record(record))
}

/// A method of a `SimpleDateFormat` record; `None` when it has no such method.
pub fn call(record: &Record, name: &str, args: &[Value]) -> Option<Result<Value, RuntimeError>> {
    let pattern = record.get("pattern").map(|p| p.to_string()).unwrap_or_default();
    let zone = record.get("timeZone").map(|z| z.to_string()).unwrap_or_else(|| "UTC".into());
    Some(match (name, args) {
        ("format", [Value::Date(millis) | Value::Int(millis)]) => offset_minutes(&zone)
            .and_then(|offset| date::format(millis.saturating_add(offset * 60_000), &pattern))
            .map(|text| Value::str(&text)),
        ("format", [other]) => Err(RuntimeError::type_error(format!(
            "`format` needs a Date, not {}",
            crate::ops::article(other)
        ))),
        ("parse", [Value::Str(text)]) => parse(text, &pattern, &zone),
        ("parse", [other]) => Err(RuntimeError::type_error(format!(
            "`parse` needs a String, not {}",
            crate::ops::article(other)
        ))),
        ("setTimeZone", [zone]) => time_zone(zone).map(|zone| {
            record.set("timeZone", zone);
            Value::Null
        }),
        ("getTimeZone", []) => Ok(Value::str(&zone)),
        ("toPattern", []) => Ok(Value::str(&pattern)),
        _ => return None,
    })
}

/// `parse(text)`: the letters `y M d H m s S` and quoted text (what sync rules parse:
/// `yyyy-MM-dd'T'HH:mm:ss`), read in the format's time zone.
fn parse(text: &str, pattern: &str, zone: &str) -> Result<Value, RuntimeError> {
    let format = strftime(pattern)?;
    let unparseable = || RuntimeError::new(ErrorKind::NumberFormat, format!("Unparseable date: \"{text}\""));
    let has_time = pattern.contains(['H', 'm', 's']);
    let local = if has_time {
        NaiveDateTime::parse_from_str(text, &format).map_err(|_| unparseable())?
    } else {
        chrono::NaiveDate::parse_from_str(text, &format)
            .map_err(|_| unparseable())?
            .and_hms_opt(0, 0, 0)
            .ok_or_else(unparseable)?
    };
    let millis = Utc.from_utc_datetime(&local).timestamp_millis();
    Ok(Value::Date(millis - offset_minutes(zone)? * 60_000))
}

/// A SimpleDateFormat pattern as a chrono format string, for the letters `parse` reads.
fn strftime(pattern: &str) -> Result<String, RuntimeError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        match c {
            '\'' => {
                let close = chars[i + 1..].iter().position(|&x| x == '\'').map(|p| i + 1 + p);
                let Some(close) = close else {
                    return Err(RuntimeError::type_error(format!("unterminated quote in the date pattern {pattern:?}")));
                };
                if close == i + 1 {
                    out.push('\'');
                }
                for literal in &chars[i + 1..close] {
                    if *literal == '%' {
                        out.push_str("%%");
                    } else {
                        out.push(*literal);
                    }
                }
                i = close + 1;
                continue;
            }
            'y' => out.push_str(if run == 2 { "%y" } else { "%Y" }),
            'M' => out.push_str(match run {
                1 | 2 => "%m",
                3 => "%b",
                _ => "%B",
            }),
            'd' => out.push_str("%d"),
            'H' => out.push_str("%H"),
            'm' => out.push_str("%M"),
            's' => out.push_str("%S"),
            'S' => out.push_str("%3f"),
            c if c.is_ascii_alphabetic() => {
                return Err(RuntimeError::type_error(format!(
                    "`parse` does not read the letter {c:?} of the date pattern {pattern:?} (it reads y M d H m s S)"
                )))
            }
            '%' => out.push_str("%%"),
            c => out.push(c),
        }
        i += if c.is_ascii_alphabetic() { run } else { 1 };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_zones() {
        let format = new_format(&Value::str("yyyy-MM-dd'T'HH:mm:ss")).unwrap();
        let Value::Record(record) = &format else { panic!() };
        let parsed = call(record, "parse", &[Value::str("2024-03-01T10:20:30")]).unwrap().unwrap();
        assert_eq!(
            call(record, "format", std::slice::from_ref(&parsed)).unwrap().unwrap().to_string(),
            "2024-03-01T10:20:30"
        );
        call(record, "setTimeZone", &[Value::str("GMT+2")]).unwrap().unwrap();
        assert_eq!(call(record, "format", &[parsed]).unwrap().unwrap().to_string(), "2024-03-01T12:20:30");
        assert_eq!(time_zone(&Value::str("UTC-0530")).unwrap().to_string(), "GMT-05:30");
        assert!(time_zone(&Value::str("Europe/Berlin")).is_err());
        assert_eq!(
            call(record, "parse", &[Value::str("yesterday")]).unwrap().unwrap_err().kind,
            ErrorKind::NumberFormat
        );
    }
}
