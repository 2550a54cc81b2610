//! String methods. Indices and lengths are Java's UTF-16 units (`"😀x".size()` is 3);
//! iterating a string (`each`, `collect`, `toList`) gives its characters as strings.

use std::rc::Rc;

use ::regex::Regex;

use super::{arity, call1, is_closure, java, out_of_bounds, regex, test, Call};
use crate::display::quote;
use crate::ops;
use crate::value::{ErrorKind, Invoke, RuntimeError, Value};

pub(super) const METHODS: &[&str] = &[
    "size",
    "length",
    "isEmpty",
    "isBlank",
    "contains",
    "trim",
    "strip",
    "toLowerCase",
    "toUpperCase",
    "startsWith",
    "endsWith",
    "replace",
    "replaceAll",
    "replaceFirst",
    "split",
    "tokenize",
    "substring",
    "indexOf",
    "lastIndexOf",
    "capitalize",
    "uncapitalize",
    "reverse",
    "toInteger",
    "toLong",
    "toBigDecimal",
    "toBoolean",
    "isNumber",
    "isBigDecimal",
    "isInteger",
    "isLong",
    "padLeft",
    "padRight",
    "center",
    "multiply",
    "repeat",
    "plus",
    "concat",
    "minus",
    "getAt",
    "take",
    "drop",
    "count",
    "equalsIgnoreCase",
    "compareTo",
    "compareToIgnoreCase",
    "matches",
    "find",
    "findAll",
    "toList",
    "collect",
    "each",
    "eachWithIndex",
    "any",
    "every",
    "readLines",
    "stripIndent",
    "format",
    "formatted",
];

/// Java's `String.trim()` whitespace: every character up to U+0020.
const TRIM: fn(char) -> bool = |c| c <= ' ';
/// `StringTokenizer`'s default delimiters.
const WHITESPACE: &str = " \t\n\r\u{c}";

fn string(text: impl Into<Rc<str>>) -> Value {
    Value::Str(text.into())
}

fn strings<'a>(parts: impl IntoIterator<Item = &'a str>) -> Value {
    Value::list(parts.into_iter().map(Value::str).collect())
}

pub(super) fn call(inv: &mut dyn Invoke, receiver: &Rc<str>, call: Call) -> Result<Value, RuntimeError> {
    let text: &str = receiver;
    let this = || Value::Str(receiver.clone());
    Ok(match call.name() {
        "size" | "length" => Value::Int(java::len16(text) as i64),
        "isEmpty" => Value::Bool(text.is_empty()),
        "isBlank" => Value::Bool(text.chars().all(java::is_java_whitespace)),
        "contains" => Value::Bool(text.contains(call.str(0)?)),
        // The receiver itself when nothing changes, as Java's `trim`, `replace`, `toLowerCase`
        // do (strings are immutable: only identity could tell, and scripts cannot ask).
        "trim" => match text.trim_matches(TRIM) {
            trimmed if trimmed.len() == text.len() => this(),
            trimmed => string(trimmed),
        },
        "strip" => string(text.trim_matches(java::is_java_whitespace)),
        "toLowerCase" if !text.chars().any(char::is_uppercase) && text.is_ascii() => this(),
        "toLowerCase" => string(text.to_lowercase()),
        "toUpperCase" if !text.chars().any(char::is_lowercase) && text.is_ascii() => this(),
        "toUpperCase" => string(text.to_uppercase()),
        "startsWith" => Value::Bool(text.starts_with(call.str(0)?)),
        "endsWith" => Value::Bool(text.ends_with(call.str(0)?)),
        "replace" => match call.str(0)? {
            pattern if !pattern.is_empty() && !text.contains(pattern) => {
                call.str(1)?;
                this()
            }
            pattern => string(text.replace(pattern, call.str(1)?)),
        },
        "replaceAll" => replace(inv, &call, text, usize::MAX)?,
        "replaceFirst" => replace(inv, &call, text, 1)?,
        "split" => match call.len() {
            0 => strings(tokens(text, WHITESPACE)),
            _ => {
                let re = regex::compile(call.str(0)?)?;
                let limit = if call.len() == 2 { call.int32(1)? } else { 0 };
                strings(split(&re, text, limit))
            }
        },
        "tokenize" => {
            let delimiters = if call.len() == 1 { call.str(0)? } else { WHITESPACE };
            strings(tokens(text, delimiters))
        }
        "substring" => {
            let len = java::len16(text) as i64;
            let begin = call.int(0)?;
            let end = if call.len() == 2 { call.int(1)? } else { len };
            if begin < 0 || end > len || begin > end {
                return Err(out_of_bounds(format!("substring({begin}, {end}) of a String of length {len}")));
            }
            string(java::substring16(text, begin as usize, end as usize))
        }
        "indexOf" | "lastIndexOf" => {
            let needle = needle(&call)?;
            let hay: Vec<u16> = text.encode_utf16().collect();
            let needle: Vec<u16> = needle.encode_utf16().collect();
            let from = if call.len() == 2 { Some(call.int(1)?) } else { None };
            Value::Int(if call.name() == "indexOf" {
                index_of(&hay, &needle, from.unwrap_or(0))
            } else {
                last_index_of(&hay, &needle, from.unwrap_or(hay.len() as i64))
            })
        }
        "capitalize" => string(change_first(text, true)),
        "uncapitalize" => string(change_first(text, false)),
        "reverse" => string(text.chars().rev().collect::<String>()),
        "toInteger" => Value::Int(parse_integer(text, i64::from(i32::MIN), i64::from(i32::MAX), "Integer")?),
        "toLong" => Value::Int(parse_integer(text, i64::MIN, i64::MAX, "Long")?),
        "toBigDecimal" => {
            let trimmed = text.trim_matches(TRIM);
            match ops::parse_decimal(trimmed) {
                Some(d) => Value::Decimal(d),
                None if is_java_decimal(trimmed) => {
                    return Err(RuntimeError::new(
                        ErrorKind::Overflow,
                        format!("{} is beyond the 28 decimal digits Replica's decimals hold", quote(text)),
                    ))
                }
                None => return Err(not_a_number(text, "BigDecimal")),
            }
        }
        "toBoolean" => {
            let trimmed = text.trim_matches(TRIM).to_lowercase();
            Value::Bool(matches!(trimmed.as_str(), "true" | "y" | "1"))
        }
        "isNumber" | "isBigDecimal" => Value::Bool(is_java_decimal(text.trim_matches(TRIM))),
        "isInteger" => {
            Value::Bool(parse_integer(text, i64::from(i32::MIN), i64::from(i32::MAX), "Integer").is_ok())
        }
        "isLong" => Value::Bool(parse_integer(text, i64::MIN, i64::MAX, "Long").is_ok()),
        "padLeft" | "padRight" | "center" => pad(&call, text)?,
        "multiply" => ops::mul(&this(), call.arg(0))?,
        "repeat" => {
            let times = call.int(0)?;
            if times < 0 {
                return Err(RuntimeError::type_error(format!(
                    "`repeat` needs a count of 0 or more, not {times}"
                )));
            }
            ops::mul(&this(), call.arg(0))?
        }
        "plus" => ops::add(&this(), call.arg(0))?,
        "concat" => string(format!("{text}{}", call.str(0)?)),
        "minus" => match call.arg(0) {
            Value::Null => this(),
            Value::Regex(re) => string(re.replacen(text, 1, ::regex::NoExpand("")).as_ref()),
            other => ops::sub(&this(), other)?,
        },
        "getAt" => ops::index(&this(), call.arg(0))?,
        "take" | "drop" => {
            let n = call.int(0)?;
            let len = java::len16(text) as i64;
            let take = call.name() == "take";
            match (take, n) {
                (true, n) if n <= 0 => string(""),
                (true, n) if n >= len => this(),
                (true, n) => string(java::substring16(text, 0, n as usize)),
                (false, n) if n <= 0 => this(),
                (false, n) if n >= len => string(""),
                (false, n) => string(java::substring16(text, n as usize, len as usize)),
            }
        }
        "count" => {
            let hay: Vec<u16> = text.encode_utf16().collect();
            let needle: Vec<u16> = call.str(0)?.encode_utf16().collect();
            // Groovy's loop, overlapping occurrences included ("aaaa".count("aa") is 3).
            let mut answer = 0i64;
            let mut idx = 0i64;
            loop {
                idx = index_of(&hay, &needle, idx);
                if idx < answer {
                    break;
                }
                answer += 1;
                idx += 1;
            }
            Value::Int(answer)
        }
        "equalsIgnoreCase" => match call.arg(0) {
            Value::Str(other) => Value::Bool(equals_ignore_case(text, other)),
            _ => Value::Bool(false),
        },
        "compareTo" => Value::Int(compare_units(text.encode_utf16(), call.str(0)?.encode_utf16())),
        "compareToIgnoreCase" => Value::Int(compare_units(
            text.encode_utf16().map(fold_unit),
            call.str(0)?.encode_utf16().map(fold_unit),
        )),
        "matches" => Value::Bool(regex::full_match(&*pattern_arg(&call, 0)?, text)),
        "find" => {
            if call.len() == 1 && is_closure(call.arg(0)) {
                let closure = call.arg(0).clone();
                for c in java::chars16(text) {
                    let c = Value::str(&c);
                    if test(inv, &closure, c.clone())? {
                        return Ok(c);
                    }
                }
                return Ok(Value::Null);
            }
            let re = pattern_arg(&call, 0)?;
            let Some(caps) = re.captures(text) else { return Ok(Value::Null) };
            match call.args.get(1) {
                None => string(caps.get(0).map_or("", |m| m.as_str())),
                Some(_) => {
                    let closure = call.closure(1)?.clone();
                    let result = call_with_match(inv, &closure, &caps)?;
                    string(result.to_string())
                }
            }
        }
        "findAll" => {
            if call.len() == 1 && is_closure(call.arg(0)) {
                let closure = call.arg(0).clone();
                let mut kept = Vec::new();
                for c in java::chars16(text) {
                    let c = Value::str(&c);
                    if test(inv, &closure, c.clone())? {
                        kept.push(c);
                    }
                }
                return Ok(Value::list(kept));
            }
            let re = pattern_arg(&call, 0)?;
            let closure = match call.args.get(1) {
                Some(_) => Some(call.closure(1)?.clone()),
                None => None,
            };
            let mut found = Vec::new();
            for caps in regex::find_all(&re, text) {
                found.push(match &closure {
                    Some(closure) => call_with_match(inv, closure, &caps)?,
                    None => Value::str(caps.get(0).map_or("", |m| m.as_str())),
                });
            }
            Value::list(found)
        }
        "toList" => Value::list(characters(text)),
        "collect" => match call.args.first() {
            None => Value::list(characters(text)),
            Some(_) => {
                let closure = call.closure(0)?.clone();
                let mut out = Vec::new();
                for c in characters(text) {
                    out.push(call1(inv, &closure, c)?);
                }
                Value::list(out)
            }
        },
        "each" | "eachWithIndex" => {
            let closure = call.closure(0)?.clone();
            for (i, c) in characters(text).into_iter().enumerate() {
                let mut args = vec![c];
                if call.name() == "eachWithIndex" {
                    args.push(Value::Int(i as i64));
                }
                inv.invoke(&closure, args)?;
            }
            this()
        }
        "any" | "every" => {
            let closure = call.closure(0)?.clone();
            let want = call.name() == "any";
            for c in characters(text) {
                if test(inv, &closure, c)? == want {
                    return Ok(Value::Bool(want));
                }
            }
            Value::Bool(!want)
        }
        "readLines" => strings(read_lines(text)),
        "stripIndent" => string(strip_indent(text)),
        // Groovy calls the static `String.format(format, args…)`: the receiver is ignored.
        "format" => string(super::format::format(call.str(0)?, &call.args[1..])?),
        "formatted" => string(super::format::format(text, &call.args)?),
        other => unreachable!("String.{other} is in the registry but not implemented"),
    })
}

fn characters(text: &str) -> Vec<Value> {
    java::chars16(text).iter().map(|c| Value::str(c)).collect()
}

/// The argument of `indexOf`/`lastIndexOf`: a string, or a character code.
fn needle(call: &Call) -> Result<String, RuntimeError> {
    match call.arg(0) {
        Value::Int(code) => u32::try_from(*code)
            .ok()
            .and_then(char::from_u32)
            .map(String::from)
            .ok_or_else(|| call.bad_arg(0)),
        _ => call.str(0).map(str::to_string),
    }
}

/// A regex argument: a pattern (`~/…/`) or a string holding one.
fn pattern_arg(call: &Call, i: usize) -> Result<Rc<Regex>, RuntimeError> {
    match call.arg(i) {
        Value::Regex(re) => Ok(re.clone()),
        _ => regex::compile(call.str(i)?),
    }
}

/// Calls a closure with a regex match as Groovy does: the match, or `[match, group1, …]`
/// (spread over the parameters when the closure declares more than one).
fn call_with_match(
    inv: &mut dyn Invoke,
    closure: &Value,
    caps: &::regex::Captures<'_>,
) -> Result<Value, RuntimeError> {
    let value = regex::match_value(caps);
    match value {
        Value::List(groups) if arity(closure) > 1 => {
            let args = groups.borrow().clone();
            inv.invoke(closure, args)
        }
        other => call1(inv, closure, other),
    }
}

/// `replaceAll` / `replaceFirst` with a replacement string (Java's `$1` syntax) or closure.
fn replace(inv: &mut dyn Invoke, call: &Call, text: &str, limit: usize) -> Result<Value, RuntimeError> {
    let re = pattern_arg(call, 0)?;
    let closure = is_closure(call.arg(1)).then(|| call.arg(1).clone());
    let replacement = match &closure {
        Some(_) => "",
        None => call.str(1)?,
    };
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in regex::find_all(&re, text).into_iter().take(limit) {
        let Some(m) = caps.get(0) else { continue };
        out.push_str(&text[last..m.start()]);
        match &closure {
            Some(closure) => out.push_str(&call_with_match(inv, closure, &caps)?.to_string()),
            None => regex::expand(&re, &caps, replacement, &mut out)?,
        }
        last = m.end();
        if out.len() > ops::MAX_BUILT_LEN {
            return Err(RuntimeError::new(ErrorKind::Limit, "the replaced string is too long"));
        }
    }
    out.push_str(&text[last..]);
    Ok(string(out))
}

/// Java's `String.split(regex, limit)`.
fn split<'t>(re: &Regex, text: &'t str, limit: i64) -> Vec<&'t str> {
    let limited = limit > 0;
    let mut parts: Vec<&str> = Vec::new();
    let mut index = 0;
    for caps in regex::find_all(re, text) {
        let Some(m) = caps.get(0) else { continue };
        if !limited || (parts.len() as i64) < limit - 1 {
            if index == 0 && m.start() == 0 && m.end() == 0 {
                // No empty leading part for an empty match at the start.
                continue;
            }
            parts.push(&text[index..m.start()]);
            index = m.end();
        } else if parts.len() as i64 == limit - 1 {
            parts.push(&text[index..]);
            index = m.end();
        }
    }
    if index == 0 {
        return vec![text];
    }
    if !limited || (parts.len() as i64) < limit {
        parts.push(&text[index..]);
    }
    if limit == 0 {
        while parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
    }
    parts
}

/// `StringTokenizer`: the non-empty runs between delimiter characters.
fn tokens<'t>(text: &'t str, delimiters: &str) -> Vec<&'t str> {
    text.split(|c| delimiters.contains(c)).filter(|t| !t.is_empty()).collect()
}

fn index_of(hay: &[u16], needle: &[u16], from: i64) -> i64 {
    let len = hay.len() as i64;
    if from >= len {
        return if needle.is_empty() { len } else { -1 };
    }
    let from = from.max(0) as usize;
    if needle.is_empty() {
        return from as i64;
    }
    hay[from..].windows(needle.len()).position(|w| w == needle).map_or(-1, |p| (from + p) as i64)
}

fn last_index_of(hay: &[u16], needle: &[u16], from: i64) -> i64 {
    let right = hay.len() as i64 - needle.len() as i64;
    let from = from.min(right);
    if from < 0 {
        return -1;
    }
    (0..=from as usize).rev().find(|&i| hay[i..i + needle.len()] == *needle).map_or(-1, |i| i as i64)
}

/// Java's `Character.toUpperCase`/`toLowerCase` of one character: a mapping to several
/// characters (`ß` → `SS`) leaves it unchanged.
fn map_char(c: char, upper: bool) -> char {
    let mut mapped: Vec<char> = if upper { c.to_uppercase().collect() } else { c.to_lowercase().collect() };
    if mapped.len() == 1 {
        mapped.pop().unwrap_or(c)
    } else {
        c
    }
}

fn change_first(text: &str, upper: bool) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let mut out = String::with_capacity(text.len());
            out.push(map_char(first, upper));
            out.push_str(chars.as_str());
            out
        }
        None => String::new(),
    }
}

fn equals_ignore_case(a: &str, b: &str) -> bool {
    let (x, y): (Vec<u16>, Vec<u16>) = (a.encode_utf16().collect(), b.encode_utf16().collect());
    x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| p == q || fold_unit(*p) == fold_unit(*q))
}

/// `Character.toLowerCase(Character.toUpperCase(c))` of a UTF-16 unit.
fn fold_unit(unit: u16) -> u16 {
    match char::from_u32(u32::from(unit)) {
        Some(c) => {
            let folded = map_char(map_char(c, true), false);
            u16::try_from(u32::from(folded)).unwrap_or(unit)
        }
        None => unit,
    }
}

/// Java's `compareTo`: the difference of the first differing units, else of the lengths.
fn compare_units(a: impl Iterator<Item = u16>, b: impl Iterator<Item = u16>) -> i64 {
    let (a, b): (Vec<u16>, Vec<u16>) = (a.collect(), b.collect());
    for (x, y) in a.iter().zip(&b) {
        if x != y {
            return i64::from(*x) - i64::from(*y);
        }
    }
    a.len() as i64 - b.len() as i64
}

fn not_a_number(text: &str, type_name: &str) -> RuntimeError {
    RuntimeError::new(ErrorKind::NumberFormat, format!("{} is not a valid {type_name}", quote(text)))
}

/// Java's `Integer.parseInt`/`Long.parseLong` of the trimmed text: an optional sign and
/// digits, within `min..=max`.
fn parse_integer(text: &str, min: i64, max: i64, type_name: &str) -> Result<i64, RuntimeError> {
    let trimmed = text.trim_matches(TRIM);
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_number(text, type_name));
    }
    let value: i128 =
        trimmed.strip_prefix('+').unwrap_or(trimmed).parse().map_err(|_| not_a_number(text, type_name))?;
    if value < i128::from(min) || value > i128::from(max) {
        return Err(not_a_number(text, type_name));
    }
    Ok(value as i64)
}

/// Whether `new BigDecimal(text)` accepts the text: a sign, digits with at most one point
/// (at least one digit), an optional exponent.
fn is_java_decimal(text: &str) -> bool {
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (number, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (int_part, frac_part) = match number.split_once('.') {
        Some((i, f)) => (i, f),
        None => (number, ""),
    };
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() && frac_part.is_empty() || !digits_ok(int_part) || !digits_ok(frac_part) {
        return false;
    }
    match exponent {
        None => true,
        Some(exp) => {
            let exp_digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            !exp_digits.is_empty() && digits_ok(exp_digits) && exp.parse::<i32>().is_ok()
        }
    }
}

/// `padLeft`, `padRight`, `center` (Groovy's rules: never shortened; the padding repeats;
/// an odd extra character of `center` goes to the right).
fn pad(call: &Call, text: &str) -> Result<Value, RuntimeError> {
    let width = match call.arg(0) {
        Value::Int(n) => *n,
        Value::Decimal(d) => {
            i64::try_from(d.trunc().mantissa() / 10i128.pow(d.trunc().scale())).unwrap_or(i64::MAX)
        }
        _ => return Err(call.bad_arg(0)),
    };
    let padding = if call.len() == 2 { call.str(1)? } else { " " };
    let len = java::len16(text) as i64;
    if width <= len {
        return Ok(Value::str(text));
    }
    if width as u128 > ops::MAX_BUILT_LEN as u128 {
        return Err(RuntimeError::new(
            ErrorKind::Limit,
            format!("cannot pad a string to {width} characters"),
        ));
    }
    let fill = |n: i64| -> Result<String, RuntimeError> {
        let unit: Vec<u16> = padding.encode_utf16().collect();
        if unit.is_empty() {
            return Err(RuntimeError::new(
                ErrorKind::DivisionByZero,
                format!("`{}` cannot pad with an empty string", call.name()),
            ));
        }
        let units: Vec<u16> = unit.iter().copied().cycle().take(n as usize).collect();
        Ok(String::from_utf16_lossy(&units))
    };
    let add = width - len;
    Ok(string(match call.name() {
        "padLeft" => format!("{}{text}", fill(add)?),
        "padRight" => format!("{text}{}", fill(add)?),
        _ => {
            let right = fill(add / 2 + add % 2)?;
            let left = fill(add / 2)?;
            format!("{left}{text}{right}")
        }
    }))
}

/// `readLines`: lines ended by `\n`, `\r\n` or `\r`; a final terminator adds no empty line.
fn read_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Java's `String.stripIndent()` (what Groovy 2.4 calls on Java 17): the common leading
/// whitespace of the non-blank lines (and of a blank last line) removed, trailing whitespace
/// removed, lines joined with `\n`; when the text ends with a line break nothing is
/// outdented and the break is kept.
fn strip_indent(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let ends_with_break = text.ends_with(['\n', '\r']);
    let lines = read_lines(text);
    let leading = |line: &str| line.chars().take_while(|c| java::is_java_whitespace(*c)).count();
    let outdent = if ends_with_break {
        0
    } else {
        let mut outdent = usize::MAX;
        for line in &lines {
            let indent = leading(line);
            if indent != line.chars().count() {
                outdent = outdent.min(indent);
            }
        }
        if let Some(last) = lines.last() {
            if last.chars().all(java::is_java_whitespace) {
                outdent = outdent.min(last.chars().count());
            }
        }
        outdent
    };
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for line in &lines {
        let first = leading(line);
        let trimmed_end = line.trim_end_matches(java::is_java_whitespace);
        if trimmed_end.chars().count() <= first {
            out.push(String::new());
            continue;
        }
        let skip = first.min(outdent);
        out.push(trimmed_end.chars().skip(skip).collect());
    }
    let mut joined = out.join("\n");
    if ends_with_break {
        joined.push('\n');
    }
    joined
}
