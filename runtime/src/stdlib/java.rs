//! Java's own semantics where Groovy exposes them (Java `equals` is `ops::java_equals`):
//! `hashCode` (the order of a `HashSet`, `toSet()`), `toString` (what
//! `String.format("%s", …)` prints: maps as `{a=1}`), UTF-16 indexing of strings, and
//! `Character.isWhitespace`.

use std::rc::Rc;

use rust_decimal::Decimal;

use crate::display::format_decimal;
use crate::value::Value;

fn as_items(value: &Value) -> Vec<Value> {
    match value {
        Value::List(items) => items.borrow().clone(),
        Value::Range { from, to, inclusive } => crate::ops::range_values(*from, *to, *inclusive)
            .take(super::MAX_MATERIALIZED as usize)
            .map(Value::Int)
            .collect(),
        _ => Vec::new(),
    }
}

/// Java's `hashCode()`: `String`'s polynomial over UTF-16 units, `Integer`'s value (`Long`'s
/// folded high and low halves beyond 32 bits), `BigDecimal`'s `31 * unscaled + scale`,
/// lists' and maps' combinations. Closures and patterns hash by address.
pub fn hash(value: &Value) -> i32 {
    match value {
        Value::Null => 0,
        Value::Bool(true) => 1231,
        Value::Bool(false) => 1237,
        Value::Int(n) => match i32::try_from(*n) {
            Ok(small) => small,
            Err(_) => (*n ^ ((*n as u64) >> 32) as i64) as i32,
        },
        Value::Decimal(d) => decimal_hash(d),
        Value::Str(s) => string_hash(s),
        Value::List(items) => list_hash(items.borrow().iter()),
        Value::Range { .. } => list_hash(as_items(value).iter()),
        Value::Map(map) => {
            map.borrow().iter().fold(0i32, |sum, (k, v)| sum.wrapping_add(hash(&k.0) ^ hash(v)))
        }
        Value::Regex(re) => Rc::as_ptr(re) as *const () as usize as i32,
        Value::Closure(c) => Rc::as_ptr(c) as *const () as usize as i32,
        Value::Native(n) => Rc::as_ptr(n) as *const () as usize as i32,
        Value::Record(r) => Rc::as_ptr(r) as *const () as usize as i32,
        Value::Date(ms) => (*ms ^ ((*ms as u64) >> 32) as i64) as i32,
    }
}

fn list_hash<'a>(items: impl Iterator<Item = &'a Value>) -> i32 {
    items.fold(1i32, |h, item| h.wrapping_mul(31).wrapping_add(hash(item)))
}

pub fn string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// `BigDecimal.hashCode()`: `31 * unscaledValue().hashCode() + scale`, where a
/// `BigInteger` hashes its magnitude's 32-bit words (most significant first) times its sign.
fn decimal_hash(d: &Decimal) -> i32 {
    let mantissa = d.mantissa();
    let mut magnitude = mantissa.unsigned_abs();
    let mut words = Vec::with_capacity(4);
    while magnitude != 0 {
        words.push(magnitude as u32);
        magnitude >>= 32;
    }
    let mut h = 0i32;
    for word in words.iter().rev() {
        h = h.wrapping_mul(31).wrapping_add(*word as i32);
    }
    let big = h.wrapping_mul(mantissa.signum() as i32);
    big.wrapping_mul(31).wrapping_add(d.scale() as i32)
}

/// The order in which a Java `HashSet` built from these (distinct) values iterates them:
/// by bucket of the spread hash in the table the set grows to, insertion order within a
/// bucket. `initial` is the capacity the set was created with.
pub fn hash_set_order(values: Vec<Value>, initial: usize) -> Vec<Value> {
    let mut capacity = initial.max(1).next_power_of_two();
    let mut size = 0usize;
    for _ in &values {
        size += 1;
        if size > capacity * 3 / 4 {
            capacity *= 2;
        }
    }
    let mask = (capacity - 1) as u32;
    let mut keyed: Vec<(u32, Value)> = values
        .into_iter()
        .map(|v| {
            let h = hash(&v) as u32;
            ((h ^ (h >> 16)) & mask, v)
        })
        .collect();
    keyed.sort_by_key(|(bucket, _)| *bucket);
    keyed.into_iter().map(|(_, v)| v).collect()
}

/// Java's `String.valueOf(value)`: like Groovy's printing except that maps print as
/// `{a=1, b=[1, 2]}` and a range as `1..3` (what `String.format("%s", …)` gives).
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_java(&mut out, value, 0);
    out
}

fn write_java(out: &mut String, value: &Value, depth: usize) {
    if depth > crate::display::MAX_DEPTH {
        out.push_str("...");
        return;
    }
    match value {
        Value::Decimal(d) => out.push_str(&format_decimal(d)),
        Value::Range { from, to, inclusive } => {
            out.push_str(&crate::display::range_literal(*from, *to, *inclusive))
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.borrow().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(out, item, depth + 1);
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (k, v)) in map.borrow().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(out, &k.0, depth + 1);
                out.push('=');
                write_java(out, v, depth + 1);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

// ------------------------------------------------------------------ UTF-16 indices

/// Java's `String.length()`: UTF-16 units.
pub fn len16(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.encode_utf16().count()
    }
}

/// The byte offset of a UTF-16 index (an index inside a surrogate pair rounds up; past
/// the end gives `None`).
pub fn byte_offset(text: &str, index: usize) -> Option<usize> {
    if text.is_ascii() {
        return (index <= text.len()).then_some(index);
    }
    let mut units = 0;
    for (offset, c) in text.char_indices() {
        if units >= index {
            return Some(offset);
        }
        units += c.len_utf16();
    }
    (units >= index).then_some(text.len())
}

/// The UTF-16 index of a byte offset.
pub fn unit_index(text: &str, offset: usize) -> usize {
    if text.is_ascii() {
        offset
    } else {
        text[..offset].encode_utf16().count()
    }
}

/// Java's `substring(begin, end)` on UTF-16 indices (already checked to be in range).
pub fn substring16(text: &str, begin: usize, end: usize) -> String {
    if text.is_ascii() {
        return text[begin..end].to_string();
    }
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16_lossy(&units[begin..end])
}

/// The UTF-16 units of a string as one-unit strings (Groovy iterates a string by `char`;
/// a surrogate pair gives two halves, shown as U+FFFD).
pub fn chars16(text: &str) -> Vec<String> {
    if text.is_ascii() {
        return text.chars().map(String::from).collect();
    }
    let mut out = Vec::new();
    for c in text.chars() {
        if c.len_utf16() == 1 {
            out.push(c.to_string());
        } else {
            out.push('\u{FFFD}'.to_string());
            out.push('\u{FFFD}'.to_string());
        }
    }
    out
}

/// Java's `Character.isWhitespace`.
pub fn is_java_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | '\u{1c}'..='\u{1f}')
        || (c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}') && c != '\u{85}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_java() {
        assert_eq!(hash(&Value::str("abc")), 96354);
        assert_eq!(hash(&Value::Int(5)), 5);
        assert_eq!(hash(&Value::Int(3_000_000_000)), -1_294_967_296);
        // new BigDecimal("1.50").hashCode() == 31 * 150 + 2
        assert_eq!(hash(&Value::Decimal(Decimal::new(150, 2))), 4652);
        assert_eq!(hash(&Value::Decimal(Decimal::new(-150, 2))), -4648);
        // [1, 2].hashCode() == 31 * (31 * 1 + 1) + 2
        assert_eq!(hash(&Value::list(vec![Value::Int(1), Value::Int(2)])), 994);
    }

    #[test]
    fn indexes_by_utf16_units() {
        assert_eq!(len16("😀x"), 3);
        assert_eq!(byte_offset("😀x", 2), Some(4));
        assert_eq!(byte_offset("😀x", 4), None);
        assert_eq!(unit_index("😀x", 4), 2);
        assert_eq!(substring16("😀x", 2, 3), "x");
    }
}
