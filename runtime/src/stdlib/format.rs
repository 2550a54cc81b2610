//! Java's `String.format` (what Groovy's `String.format`, `sprintf` and `"…".formatted(…)`
//! do): `%[index$][flags][width][.precision]conversion`.
//!
//! Conversions: `s S` text (Java's `toString`: a map prints `{a=1}`), `d` integers, `o x X`
//! (negative integers in two's complement, 32 bits when they fit an `int`), `f e E g G`
//! decimals (rounded half up, as Java rounds a `BigDecimal`), `b B` booleans, `c C` a
//! character from its code, `h H` hash codes, `%` and `n`. Flags `-` `0` `+` space `,` `(`
//! `#`, explicit argument indices `%2$s` and `%<s`. As in Java, `%d` with a decimal or `%f`
//! with an integer is an error, and a null argument prints `null` (`false` for `%b`).
//! Date conversions (`%t…`) are not supported.

use rust_decimal::{Decimal, RoundingStrategy};

use super::java;
use crate::value::{RuntimeError, Value};

/// `String.format(pattern, args…)`.
pub fn format(pattern: &str, args: &[Value]) -> Result<String, RuntimeError> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut next_arg = 0usize;
    let mut last_arg: Option<usize> = None;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let spec = parse_spec(&chars, &mut i).ok_or_else(|| {
            let rest: String = chars[start..].iter().take(6).collect();
            RuntimeError::type_error(format!("bad format specifier `{rest}` in \"{pattern}\""))
        })?;
        let text: String = chars[start..i].iter().collect();
        match spec.conversion {
            '%' => {
                out.push_str(&pad(&spec, "%".to_string()));
                continue;
            }
            'n' => {
                out.push('\n');
                continue;
            }
            _ => {}
        }
        let index = match spec.index {
            Index::Next => {
                next_arg += 1;
                next_arg - 1
            }
            Index::Explicit(n) => n - 1,
            Index::Previous => last_arg.ok_or_else(|| missing(&text))?,
        };
        last_arg = Some(index);
        let arg = args.get(index).ok_or_else(|| missing(&text))?;
        out.push_str(&convert(&spec, arg, &text)?);
    }
    Ok(out)
}

fn missing(spec: &str) -> RuntimeError {
    RuntimeError::type_error(format!(
        "format specifier '{spec}' has no argument (MissingFormatArgumentException)"
    ))
}

enum Index {
    Next,
    Explicit(usize),
    Previous,
}

struct Spec {
    index: Index,
    left: bool,
    alternate: bool,
    plus: bool,
    space: bool,
    zero: bool,
    group: bool,
    paren: bool,
    width: Option<usize>,
    precision: Option<usize>,
    conversion: char,
    upper: bool,
}

fn parse_spec(chars: &[char], i: &mut usize) -> Option<Spec> {
    let mut spec = Spec {
        index: Index::Next,
        left: false,
        alternate: false,
        plus: false,
        space: false,
        zero: false,
        group: false,
        paren: false,
        width: None,
        precision: None,
        conversion: ' ',
        upper: false,
    };
    // An argument index is digits followed by `$`.
    let digits_end = chars[*i..].iter().position(|c| !c.is_ascii_digit()).map_or(chars.len(), |p| *i + p);
    if digits_end > *i && chars.get(digits_end) == Some(&'$') {
        let n: usize = chars[*i..digits_end].iter().collect::<String>().parse().ok()?;
        if n == 0 {
            return None;
        }
        spec.index = Index::Explicit(n);
        *i = digits_end + 1;
    }
    while let Some(&c) = chars.get(*i) {
        match c {
            '-' => spec.left = true,
            '#' => spec.alternate = true,
            '+' => spec.plus = true,
            ' ' => spec.space = true,
            '0' => spec.zero = true,
            ',' => spec.group = true,
            '(' => spec.paren = true,
            '<' => spec.index = Index::Previous,
            _ => break,
        }
        *i += 1;
    }
    let number = |i: &mut usize| -> Option<usize> {
        let start = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        (*i > start).then(|| chars[start..*i].iter().collect::<String>().parse().ok()).flatten()
    };
    spec.width = number(i);
    if chars.get(*i) == Some(&'.') {
        *i += 1;
        spec.precision = Some(number(i)?);
    }
    let conversion = *chars.get(*i)?;
    *i += 1;
    spec.upper = conversion.is_ascii_uppercase();
    spec.conversion = conversion.to_ascii_lowercase();
    if !matches!(spec.conversion, 's' | 'd' | 'o' | 'x' | 'f' | 'e' | 'g' | 'b' | 'c' | 'h' | '%' | 'n') {
        return None;
    }
    if spec.conversion == 'n' && conversion == 'N' || spec.conversion == '%' && conversion != '%' {
        return None;
    }
    if matches!(conversion, 'D' | 'O' | 'F') {
        return None;
    }
    if (spec.left || spec.zero) && spec.width.is_none() {
        return None;
    }
    Some(spec)
}

fn mismatch(spec: &str, value: &Value) -> RuntimeError {
    RuntimeError::type_error(format!(
        "format specifier '{spec}' cannot format {value} ({}) (IllegalFormatConversionException)",
        value.type_name()
    ))
}

fn convert(spec: &Spec, arg: &Value, text: &str) -> Result<String, RuntimeError> {
    let general = |s: String| -> String {
        let s = match spec.precision {
            Some(p) => s.chars().take(p).collect(),
            None => s,
        };
        let s = if spec.upper { s.to_uppercase() } else { s };
        pad(spec, s)
    };
    if arg.is_null() && spec.conversion != 'b' {
        return Ok(general("null".into()));
    }
    Ok(match spec.conversion {
        's' => general(java::to_string(arg)),
        'b' => general(match arg {
            Value::Null => "false".into(),
            Value::Bool(b) => b.to_string(),
            _ => "true".into(),
        }),
        'h' => general(format!("{:x}", java::hash(arg) as u32)),
        'c' => match arg {
            Value::Int(code) => {
                let c = u32::try_from(*code).ok().and_then(char::from_u32).ok_or_else(|| {
                    RuntimeError::type_error(format!(
                        "format specifier '{text}': {code} is not a character code"
                    ))
                })?;
                let s = c.to_string();
                pad(spec, if spec.upper { s.to_uppercase() } else { s })
            }
            other => return Err(mismatch(text, other)),
        },
        'd' => match arg {
            Value::Int(n) => number(spec, *n < 0, n.unsigned_abs().to_string(), true),
            other => return Err(mismatch(text, other)),
        },
        'o' | 'x' => match arg {
            Value::Int(n) => {
                let bits = if i32::try_from(*n).is_ok() { u64::from(*n as i32 as u32) } else { *n as u64 };
                let digits = if spec.conversion == 'o' { format!("{bits:o}") } else { format!("{bits:x}") };
                let prefix = match (spec.alternate, spec.conversion) {
                    (false, _) => "",
                    (true, 'o') => "0",
                    (true, _) => "0x",
                };
                let body = format!("{prefix}{digits}");
                let body = if spec.zero { zero_pad(spec, "", body) } else { pad(spec, body) };
                if spec.upper {
                    body.to_uppercase()
                } else {
                    body
                }
            }
            other => return Err(mismatch(text, other)),
        },
        'f' | 'e' | 'g' => match arg {
            Value::Decimal(d) => {
                let negative = d.is_sign_negative() && !d.is_zero();
                let magnitude = d.abs();
                let precision = spec.precision.unwrap_or(6);
                let digits = match spec.conversion {
                    'f' => fixed(magnitude, precision),
                    'e' => scientific(magnitude, precision),
                    _ => general_decimal(magnitude, precision),
                };
                let body = number(spec, negative, digits, spec.conversion != 'e');
                if spec.upper {
                    body.to_uppercase()
                } else {
                    body
                }
            }
            other => return Err(mismatch(text, other)),
        },
        other => unreachable!("conversion {other} is rejected when parsed"),
    })
}

/// `digits` (no sign) with the sign flags, grouping, zero padding and width applied.
fn number(spec: &Spec, negative: bool, digits: String, groupable: bool) -> String {
    let digits = if spec.group && groupable { group(&digits) } else { digits };
    let (prefix, suffix) = match (negative, spec.paren, spec.plus, spec.space) {
        (true, true, _, _) => ("(", ")"),
        (true, false, _, _) => ("-", ""),
        (false, _, true, _) => ("+", ""),
        (false, _, false, true) => (" ", ""),
        _ => ("", ""),
    };
    if spec.zero {
        let body = zero_pad(spec, prefix, format!("{digits}{suffix}"));
        // The closing parenthesis stays last.
        return body;
    }
    pad(spec, format!("{prefix}{digits}{suffix}"))
}

/// `prefix` then zeros then `body`, to the width.
fn zero_pad(spec: &Spec, prefix: &str, body: String) -> String {
    let width = spec.width.unwrap_or(0);
    let len = prefix.chars().count() + body.chars().count();
    let zeros = width.saturating_sub(len);
    format!("{prefix}{}{body}", "0".repeat(zeros))
}

fn pad(spec: &Spec, s: String) -> String {
    let width = spec.width.unwrap_or(0);
    let len = s.chars().count();
    if len >= width {
        return s;
    }
    let fill = " ".repeat(width - len);
    if spec.left {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    }
}

/// `1234567.89` → `1,234,567.89`.
fn group(digits: &str) -> String {
    let (int, rest) = match digits.find(|c: char| !c.is_ascii_digit()) {
        Some(p) => digits.split_at(p),
        None => (digits, ""),
    };
    let mut out = String::with_capacity(digits.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(rest);
    out
}

fn round_half_up(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// A non-negative decimal with exactly `precision` decimals.
fn fixed(value: Decimal, precision: usize) -> String {
    let places = precision.min(28) as u32;
    let mut rounded = round_half_up(value, places);
    rounded.rescale(places);
    let mut text = rounded.abs().to_string();
    if precision > 28 {
        if !text.contains('.') {
            text.push('.');
        }
        text.push_str(&"0".repeat(precision - 28));
    }
    text
}

/// The decimal digits of a non-negative value and its exponent: `value = 0.d1d2… × 10^(exp+1)`
/// with `d1 != 0`, i.e. `d1.d2… × 10^exp`.
fn digits_and_exponent(value: Decimal) -> (Vec<u8>, i64) {
    let mantissa = value.mantissa().unsigned_abs();
    let digits: Vec<u8> = mantissa.to_string().bytes().map(|b| b - b'0').collect();
    let exponent = digits.len() as i64 - 1 - i64::from(value.scale());
    (digits, exponent)
}

/// Rounds decimal digits half up to `keep` digits; returns the digits and whether rounding
/// carried into a new leading digit.
fn round_digits(digits: &[u8], keep: usize) -> (Vec<u8>, bool) {
    if digits.len() <= keep {
        let mut out = digits.to_vec();
        out.resize(keep, 0);
        return (out, false);
    }
    let mut out = digits[..keep].to_vec();
    if digits[keep] >= 5 {
        let mut i = keep;
        loop {
            if i == 0 {
                out.insert(0, 1);
                out.truncate(keep.max(1));
                return (out, true);
            }
            i -= 1;
            if out[i] == 9 {
                out[i] = 0;
            } else {
                out[i] += 1;
                break;
            }
        }
    }
    (out, false)
}

/// `d.dddddde+xx` for a non-negative value.
fn scientific(value: Decimal, precision: usize) -> String {
    if value.is_zero() {
        // Java writes a zero BigDecimal's exponent from its scale (`0.0` is `0.000000e-01`).
        let fraction = if precision > 0 { format!(".{}", "0".repeat(precision)) } else { String::new() };
        let exponent = -i64::from(value.scale());
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("0{fraction}e{sign}{:02}", exponent.abs());
    }
    let (digits, mut exponent) = digits_and_exponent(value);
    let (rounded, carried) = round_digits(&digits, precision + 1);
    if carried {
        exponent += 1;
    }
    let text: String = rounded.iter().map(|d| char::from(b'0' + d)).collect();
    let (first, rest) = text.split_at(1);
    let mantissa = if precision > 0 { format!("{first}.{rest}") } else { first.to_string() };
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

/// Java's `%g`: `precision` significant digits, fixed notation when the rounded value is
/// at least 10^-4 and below 10^precision, else scientific.
fn general_decimal(value: Decimal, precision: usize) -> String {
    let precision = precision.max(1);
    if value.is_zero() {
        return fixed(value, precision - 1);
    }
    let (digits, mut exponent) = digits_and_exponent(value);
    let (_, carried) = round_digits(&digits, precision);
    if carried {
        exponent += 1;
    }
    if exponent >= -4 && exponent < precision as i64 {
        let places = (precision as i64 - 1 - exponent).max(0) as usize;
        fixed(value, places)
    } else {
        scientific(value, precision - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Value {
        Value::Decimal(text.parse().unwrap())
    }

    fn s(text: &str) -> Value {
        Value::str(text)
    }

    // Expectations from Groovy 2.4 (`String.format(…)`).
    #[test]
    fn formats_like_java() {
        let f = |p: &str, args: &[Value]| format(p, args).unwrap();
        assert_eq!(f("%s-%d-%.2f", &[s("x"), Value::Int(5), dec("2.345")]), "x-5-2.35");
        assert_eq!(
            f("%.2f|%.1f|%.0f|%f", &[dec("2.355"), dec("0.05"), dec("2.5"), dec("2.5")]),
            "2.36|0.1|3|2.500000"
        );
        assert_eq!(
            f("%5.1f|%-6.2f|%08.3f", &[dec("3.14159"), dec("2.5"), dec("-1.5")]),
            "  3.1|2.50  |-001.500"
        );
        assert_eq!(
            f(
                "%05d|%-5d|%5d|%+d|%,d|% d|%(d",
                &[
                    Value::Int(42),
                    Value::Int(42),
                    Value::Int(42),
                    Value::Int(42),
                    Value::Int(1234567),
                    Value::Int(42),
                    Value::Int(-42)
                ]
            ),
            "00042|42   |   42|+42|1,234,567| 42|(42)"
        );
        assert_eq!(
            f("%x|%X|%o|%08x", &[Value::Int(255), Value::Int(255), Value::Int(8), Value::Int(255)]),
            "ff|FF|10|000000ff"
        );
        assert_eq!(f("%x", &[Value::Int(-1)]), "ffffffff");
        assert_eq!(
            f("%e|%.2e|%E", &[dec("12345.678"), dec("12345.678"), dec("0.00012")]),
            "1.234568e+04|1.23e+04|1.200000E-04"
        );
        assert_eq!(
            f("%b|%b|%b|%B", &[Value::Null, s("x"), Value::Bool(false), Value::Bool(true)]),
            "false|true|false|TRUE"
        );
        assert_eq!(f("%%|%n|", &[]), "%|\n|");
        assert_eq!(f("%2$s %1$s", &[s("a"), s("b")]), "b a");
        assert_eq!(f("%s %<s", &[s("a")]), "a a");
        assert_eq!(f("%.3s|%5s|%-5s|", &[s("abcdef"), s("ab"), s("ab")]), "abc|   ab|ab   |");
        assert_eq!(f("%S|%10.4s|", &[s("abc"), s("abcdef")]), "ABC|      abcd|");
        assert_eq!(
            f("%,.2f|%.3f|%.2f", &[dec("1234567.891"), dec("1.0005"), dec("-0.001")]),
            "1,234,567.89|1.001|-0.00"
        );
        assert_eq!(f("%h", &[s("abc")]), "17862");
        assert_eq!(f("%10s|%.2f|%d", &[Value::Null, Value::Null, Value::Null]), "      null|nu|null");
        assert_eq!(f("%.1f|%.1f|%g", &[dec("0.25"), dec("0.35"), dec("0.00012345")]), "0.3|0.4|0.000123450");
        assert_eq!(f("%d%%|%,d|%+.1f", &[Value::Int(50), Value::Int(-1234), dec("2.0")]), "50%|-1,234|+2.0");
        assert_eq!(f("%c", &[Value::Int(65)]), "A");
        assert_eq!(f("%s", &[s("x"), s("y")]), "x");
    }

    #[test]
    fn rejects_what_java_rejects() {
        assert!(format("%s %s", &[s("x")]).unwrap_err().message.contains("no argument"));
        assert!(format("%d", &[dec("2.5")]).is_err());
        assert!(format("%.2f", &[Value::Int(3)]).is_err());
        assert!(format("%c", &[s("a")]).is_err());
        assert!(format("%q", &[Value::Int(1)]).is_err());
        assert!(format("%e", &[Value::Int(0)]).is_err());
    }
}
