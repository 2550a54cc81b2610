//! The static functions and constructors of `replica_compiler::builtins::BUILTINS`
//! (`Integer.parseInt`, `Math.max`, `JsonOutput.toJson`, `new Date`, …) and `new X(msg)` for
//! the exception classes of `builtins::EXCEPTIONS`, with Java's results.

use std::rc::Rc;

use replica_compiler::builtins::{self, EXCEPTIONS};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::props::new_exception;
use super::Vm;
use super::{dates, json};
use crate::ops;
use crate::stdlib;
use crate::value::{ErrorKind, RuntimeError, Value};

/// Whether the VM implements the built-in `name` (`Math.max`, `new Exception`).
pub fn implemented(name: &str) -> bool {
    if let Some(class) = name.strip_prefix("new ") {
        if EXCEPTIONS.contains(&class) {
            return true;
        }
    }
    builtins::lookup(name).is_some()
        && !matches!(call(name, &sample_args(name)), Err(e) if e.message.ends_with(NOT_IMPLEMENTED))
}

const NOT_IMPLEMENTED: &str = "is listed as a built-in but not implemented";

/// Arguments good enough to reach each built-in's implementation (for [`implemented`]).
fn sample_args(name: &str) -> Vec<Value> {
    let min = builtins::lookup(name).map_or(0, |b| b.min_args);
    (0..min).map(|_| Value::str("1")).collect()
}

impl Vm<'_> {
    pub(super) fn call_builtin(&mut self, name: &str, args: Vec<Value>) -> Result<Value, RuntimeError> {
        call(name, &args)
    }
}

fn call(name: &str, args: &[Value]) -> Result<Value, RuntimeError> {
    if let Some(class) = name.strip_prefix("new ") {
        if EXCEPTIONS.contains(&class) {
            if args.len() > 2 {
                return Err(count(name, args.len()));
            }
            return Ok(new_exception(class, args.first()));
        }
    }
    let Some(builtin) = builtins::lookup(name) else {
        return Err(RuntimeError::new(
            ErrorKind::MissingMethod,
            format!("`{name}` is not available in Replica scripts"),
        ));
    };
    if args.len() < usize::from(builtin.min_args) || args.len() > usize::from(builtin.max_args) {
        return Err(count(name, args.len()));
    }
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    Ok(match name {
        "Integer.parseInt" => {
            let radix = match args.get(1) {
                None => 10,
                Some(Value::Int(r)) if (2..=36).contains(r) => *r as u32,
                Some(other) => {
                    return Err(RuntimeError::type_error(format!(
                        "`Integer.parseInt` cannot take {} as radix",
                        ops::article(other)
                    )))
                }
            };
            parse_integer(arg(0), radix, i64::from(i32::MIN), i64::from(i32::MAX))?
        }
        "Integer.valueOf" => match arg(0) {
            Value::Str(_) | Value::Null => {
                parse_integer(arg(0), 10, i64::from(i32::MIN), i64::from(i32::MAX))?
            }
            other => ops::as_type(other, "Integer")?,
        },
        "Long.parseLong" => parse_integer(arg(0), 10, i64::MIN, i64::MAX)?,
        "Long.valueOf" => match arg(0) {
            Value::Str(_) | Value::Null => parse_integer(arg(0), 10, i64::MIN, i64::MAX)?,
            other => ops::as_type(other, "Long")?,
        },
        "Double.parseDouble" => match arg(0) {
            Value::Str(s) => {
                let number: f64 = s.trim().parse().map_err(|_| number_format(s))?;
                ops::double_to_value(number)?
            }
            Value::Null => {
                return Err(RuntimeError::new(
                    ErrorKind::NullReference,
                    "`Double.parseDouble` cannot take null",
                ))
            }
            other => return Err(not_a_string("Double.parseDouble", other)),
        },
        "Math.max" | "Math.min" => {
            let (a, b) = (number_arg(name, arg(0))?, number_arg(name, arg(1))?);
            let ordering = ops::compare(a, b)?;
            let take_a = if name == "Math.max" { ordering.is_ge() } else { ordering.is_le() };
            if take_a {
                a.clone()
            } else {
                b.clone()
            }
        }
        "Math.abs" => match number_arg(name, arg(0))? {
            Value::Int(n) => Value::Int(n.checked_abs().ok_or_else(|| {
                RuntimeError::new(ErrorKind::Overflow, format!("Math.abs({n}) does not fit in 64 bits"))
            })?),
            Value::Decimal(d) => Value::Decimal(d.abs()),
            other => other.clone(),
        },
        "Math.round" => match number_arg(name, arg(0))? {
            Value::Int(n) => Value::Int(*n),
            // Java's Math.round: floor(x + 0.5).
            Value::Decimal(d) => Value::Int((d + Decimal::new(5, 1)).floor().to_i64().ok_or_else(|| {
                RuntimeError::new(ErrorKind::Overflow, format!("Math.round({d}) does not fit in 64 bits"))
            })?),
            other => other.clone(),
        },
        "Math.floor" | "Math.ceil" => {
            let value = match number_arg(name, arg(0))? {
                Value::Int(n) => Decimal::from(*n),
                Value::Decimal(d) => *d,
                _ => Decimal::ZERO,
            };
            let rounded = if name == "Math.floor" { value.floor() } else { value.ceil() };
            // A Java double: `2.0`.
            ops::double_to_value(rounded.to_f64().unwrap_or(0.0))?
        }
        "String.valueOf" => Value::str(&arg(0).to_string()),
        "String.format" => match arg(0) {
            Value::Str(pattern) => Value::str(&stdlib::format::format(pattern, &args[1..])?),
            Value::Null => {
                return Err(RuntimeError::new(
                    ErrorKind::NullReference,
                    "`String.format` cannot take a null format",
                ))
            }
            other => return Err(not_a_string("String.format", other)),
        },
        "String.join" => {
            let separator = arg(0).to_string();
            let parts: Vec<Value> = match &args[1..] {
                [Value::List(list)] => list.borrow().clone(),
                [range @ Value::Range { .. }] => ops::elements(range)?.unwrap_or_default(),
                rest => rest.to_vec(),
            };
            let text = parts.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(&separator);
            Value::str(&text)
        }
        "Objects.equals" => Value::Bool(ops::java_equals(arg(0), arg(1))),
        "Objects.isNull" => Value::Bool(arg(0).is_null()),
        "Objects.nonNull" => Value::Bool(!arg(0).is_null()),
        "JsonOutput.toJson" => Value::str(&json::to_json(arg(0))?),
        "JsonOutput.prettyPrint" => match arg(0) {
            Value::Str(text) => Value::str(&json::pretty_print(text)?),
            other => return Err(not_a_string(name, other)),
        },
        "JsonSlurper.parseText" => match arg(0) {
            Value::Str(text) => json::parse_text(text)?,
            Value::Null => {
                return Err(RuntimeError::type_error(
                    "`parseText` cannot take null: the text must not be null or empty",
                ))
            }
            other => return Err(not_a_string("parseText", other)),
        },
        "System.currentTimeMillis" => Value::Int(now_millis()),
        "new Date" => match args.first() {
            None => Value::Date(now_millis()),
            Some(Value::Int(millis)) => Value::Date(*millis),
            Some(other) => {
                return Err(RuntimeError::type_error(format!(
                    "`new Date` takes milliseconds, not {}",
                    ops::article(other)
                )))
            }
        },
        "new ArrayList" | "new LinkedList" => match args.first() {
            None => Value::list(Vec::new()),
            Some(Value::Int(_)) => Value::list(Vec::new()), // an initial capacity
            Some(collection) => match ops::elements(collection)? {
                Some(items) => Value::list(items),
                None => {
                    return Err(RuntimeError::type_error(format!(
                        "`{name}` cannot copy {}",
                        ops::article(collection)
                    )))
                }
            },
        },
        "new HashMap" | "new LinkedHashMap" => match args.first() {
            None | Some(Value::Int(_)) => Value::map(crate::value::ValueMap::default()),
            Some(Value::Map(map)) => Value::map(map.borrow().clone()),
            Some(other) => {
                return Err(RuntimeError::type_error(format!("`{name}` cannot copy {}", ops::article(other))))
            }
        },
        "new BigDecimal" => match arg(0) {
            Value::Str(s) => Value::Decimal(ops::parse_decimal(s).ok_or_else(|| number_format(s))?),
            Value::Null => {
                return Err(RuntimeError::new(ErrorKind::NullReference, "`new BigDecimal` cannot take null"))
            }
            other => ops::as_type(other, "BigDecimal")?,
        },
        "new String" => match args.first() {
            None => Value::str(""),
            Some(Value::Str(s)) => Value::Str(Rc::from(&**s)),
            Some(other) => Value::str(&other.to_string()),
        },
        "Pattern.quote" => match arg(0) {
            Value::Str(text) => Value::str(&quote_pattern(text)),
            other => return Err(not_a_string(name, other)),
        },
        "TimeZone.getTimeZone" => dates::time_zone(arg(0))?,
        "new SimpleDateFormat" => dates::new_format(arg(0))?,
        _ => return Err(RuntimeError::new(ErrorKind::MissingMethod, format!("`{name}` {NOT_IMPLEMENTED}"))),
    })
}

/// Java's `Pattern.quote`: `\Q…\E`, with any `\E` inside the text escaped.
fn quote_pattern(text: &str) -> String {
    let mut out = String::from("\\Q");
    let mut parts = text.split("\\E");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str("\\E\\\\E\\Q");
        out.push_str(part);
    }
    out.push_str("\\E");
    out
}

fn count(name: &str, given: usize) -> RuntimeError {
    RuntimeError::new(ErrorKind::MissingMethod, format!("`{name}` cannot take {given} arguments"))
}

fn number_format(text: &str) -> RuntimeError {
    RuntimeError::new(ErrorKind::NumberFormat, format!("For input string: \"{text}\""))
}

fn not_a_string(name: &str, value: &Value) -> RuntimeError {
    RuntimeError::type_error(format!("`{name}` needs a String, not {}", ops::article(value)))
}

fn number_arg<'v>(name: &str, value: &'v Value) -> Result<&'v Value, RuntimeError> {
    match value {
        Value::Int(_) | Value::Decimal(_) => Ok(value),
        Value::Null => Err(RuntimeError::new(ErrorKind::NullReference, format!("`{name}` cannot take null"))),
        other => {
            Err(RuntimeError::type_error(format!("`{name}` needs numbers, not {}", ops::article(other))))
        }
    }
}

/// Java's `Integer.parseInt` / `Long.parseLong`: an optional sign and digits of the radix,
/// nothing else (no spaces).
fn parse_integer(value: &Value, radix: u32, min: i64, max: i64) -> Result<Value, RuntimeError> {
    let text = match value {
        Value::Str(s) => s,
        Value::Null => {
            return Err(RuntimeError::new(ErrorKind::NumberFormat, "Cannot parse null string: null"))
        }
        other => return Err(not_a_string("parseInt", other)),
    };
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(number_format(text));
    }
    let n = i64::from_str_radix(text.strip_prefix('+').unwrap_or(text), radix)
        .map_err(|_| number_format(text))?;
    if n < min || n > max {
        return Err(number_format(text));
    }
    Ok(Value::Int(n))
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_is_implemented() {
        for builtin in builtins::BUILTINS {
            assert!(implemented(builtin.name), "{}", builtin.name);
            let args: Vec<Value> = (0..builtin.min_args).map(|_| Value::Int(1)).collect();
            if let Err(error) = call(builtin.name, &args) {
                assert!(
                    !error.message.contains("not implemented") && !error.message.contains("not available"),
                    "{}: {}",
                    builtin.name,
                    error.message
                );
            }
        }
        for exception in EXCEPTIONS {
            let value = call(&format!("new {exception}"), &[Value::str("boom")]).unwrap();
            assert!(value.to_string().ends_with(&format!("{exception}: boom")), "{value}");
        }
    }

    #[test]
    fn java_results() {
        let run = |name: &str, args: Vec<Value>| call(name, &args).map(|v| v.to_string());
        assert_eq!(run("Integer.parseInt", vec![Value::str("ff"), Value::Int(16)]).unwrap(), "255");
        assert_eq!(
            run("Integer.parseInt", vec![Value::str(" 1")]).unwrap_err().kind,
            ErrorKind::NumberFormat
        );
        assert_eq!(
            run("Integer.parseInt", vec![Value::str("3000000000")]).unwrap_err().kind,
            ErrorKind::NumberFormat
        );
        assert_eq!(run("Long.parseLong", vec![Value::str("3000000000")]).unwrap(), "3000000000");
        assert_eq!(run("Math.round", vec![Value::Decimal(Decimal::new(25, 1))]).unwrap(), "3");
        assert_eq!(run("Math.round", vec![Value::Decimal(Decimal::new(-25, 1))]).unwrap(), "-2");
        assert_eq!(run("Math.floor", vec![Value::Decimal(Decimal::new(25, 1))]).unwrap(), "2.0");
        assert_eq!(run("Math.ceil", vec![Value::Int(2)]).unwrap(), "2.0");
        assert_eq!(run("Math.max", vec![Value::Int(3), Value::Int(2)]).unwrap(), "3");
        assert_eq!(run("Double.parseDouble", vec![Value::str("1.5")]).unwrap(), "1.5");
        assert_eq!(run("String.valueOf", vec![Value::Null]).unwrap(), "null");
        assert_eq!(
            run("String.join", vec![Value::str(","), Value::list(vec![Value::str("a"), Value::str("b")])])
                .unwrap(),
            "a,b"
        );
        assert_eq!(
            run("String.join", vec![Value::str("-"), Value::str("a"), Value::str("b")]).unwrap(),
            "a-b"
        );
        assert_eq!(run("new BigDecimal", vec![Value::str("1.50")]).unwrap(), "1.50");
        assert_eq!(run("new Date", vec![Value::Int(0)]).unwrap(), "Thu Jan 01 00:00:00 UTC 1970");
        assert_eq!(
            run("new IssueTrackerException", vec![Value::str("x")]).unwrap(),
            "com.exalate.api.exception.IssueTrackerException: x"
        );
        assert_eq!(run("new Exception", vec![]).unwrap(), "java.lang.Exception");
        assert_eq!(run("Pattern.quote", vec![Value::str("a.b")]).unwrap(), "\\Qa.b\\E");
        assert_eq!(run("Pattern.quote", vec![Value::str("a\\Eb")]).unwrap(), "\\Qa\\E\\\\E\\Qb\\E");
    }
}
