//! Groovy's operators on runtime values, with Groovy 2.4's results.
//!
//! Every rule here was checked against real Groovy 2.4.21 (see `tests/ops.rs`, whose expected
//! values were printed by it). The public functions are what the VM and the standard library
//! call; their signatures are stable:
//!
//! ```text
//! truthy(&Value) -> bool                              Groovy truth
//! equals(&Value, &Value) -> bool                      `==`
//! java_equals(&Value, &Value) -> bool                 Java `equals` (List.contains, Set, `in` a list)
//! identical(&Value, &Value) -> bool                   `===`
//! compare(&Value, &Value) -> Result<Ordering>         `<=>`, `<`, sort, min, max
//! binary(BinaryOp, &Value, &Value) -> Result<Value>   every binary operator but `&&`/`||` short-circuit
//! unary(UnaryOp, &Value) -> Result<Value>             `-x`, `+x`, `!x`, `~x`, `++`/`--` (next/previous)
//! index(&Value, &Value) -> Result<Value>              `a[i]`
//! set_index(&Value, &Value, Value) -> Result<()>      `a[i] = v`
//! is_case(case, switch) -> Result<bool>               `switch in case`, `case` labels
//! as_type(&Value, &str) -> Result<Value>              `as Integer`, `as List`, …
//! add, sub, mul, div, intdiv, rem, pow, negate        the arithmetic behind `+ - * / % **`
//! range_values(from, to, inclusive) -> RangeIter      the integers of a range, in order
//! range_len(from, to, inclusive) -> u64               how many integers a range holds
//! elements(&Value) -> Result<Option<Vec<Value>>>      items of a list or a range (None: neither)
//! article(&Value) -> String                           "an Integer", "a List": for messages
//! regex(&str) -> Result<Rc<Regex>>                    compile (cached) a pattern
//! regex_find / regex_matches                          `=~` and `==~`
//! double_to_value(f64) -> Result<Value>               a Java double result as a value
//! parse_decimal(&str) -> Option<Decimal>              Java's `new BigDecimal(text)`
//! ```
//!
//! Numbers. `Int` stands for Groovy's Integer *and* Long (i64); an i64 overflow is an
//! [`ErrorKind::Overflow`] error (Groovy silently wraps Integer and Long arithmetic, and
//! promotes only `**` to BigInteger). Shifts and `~` work on 64 bits (Groovy's Integer ones on
//! 32). `Int / Int` is a BigDecimal (`9 / 3` is `3`, `10 / 4` is `2.5`, `1 / 3` is
//! `0.3333333333`); see [`div`] for the exact scale rule. `%` and `intdiv` take integers only
//! (Groovy refuses BigDecimal too). Groovy `Double` results (`2 ** -1`, `2 ** 0.5`,
//! `x as Double`) become a `Decimal` holding the digits Java's `Double.toString` prints
//! (`0.5`, `1.4142135623730951`, `12.0`); arithmetic on them afterwards is decimal.
//!
//! Dates (`Value::Date`) compare and test equal by instant; `date + n` and `date - n` move by
//! `n` days, `date - date` is the number of calendar days between them (UTC), as Groovy's
//! `Date.plus`/`minus` (see `stdlib::date`).
//!
//! Sets: there is no Set value; `as Set` gives a list of the distinct elements (Java
//! equality), so a set compares with `==` in order. Strings index by Unicode scalar values
//! (Java by UTF-16 units; they differ only beyond U+FFFF). Operators refuse to build strings
//! or lists longer than [`MAX_BUILT_LEN`] ([`ErrorKind::Limit`]).
//!
//! `=~` yields `Bool(found)` until matchers exist as values (Groovy yields a Matcher whose
//! truth is "found", so `if (s =~ /x/)` and `(s =~ /x/) ? a : b` behave the same).

use std::cmp::Ordering;
use std::rc::Rc;

use regex::Regex;
use rust_decimal::Decimal;

pub use replica_grammar::ast::{BinaryOp, UnaryOp};

use crate::display::format_decimal;
use crate::value::{ErrorKind, Key, RuntimeError, Value};

/// The longest string or list an operator builds (`"ab" * n`, `list * n`, `list[n] = v`,
/// a range turned into a list): beyond it an [`ErrorKind::Limit`] error.
pub const MAX_BUILT_LEN: usize = 10_000_000;

/// Comparing or printing containers nested deeper than this stops (cycles, runaway nesting).
const MAX_DEPTH: usize = 200;

type Result<T> = std::result::Result<T, RuntimeError>;

// ---------------------------------------------------------------------------------------
// Truth, equality, comparison
// ---------------------------------------------------------------------------------------

/// Groovy truth: `null`, `false`, zero (`0`, `0.0`), `""`, empty lists, maps and ranges are
/// false; everything else (patterns, closures) is true.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(n) => *n != 0,
        Value::Decimal(d) => !d.is_zero(),
        Value::Str(s) => !s.is_empty(),
        Value::List(list) => !list.borrow().is_empty(),
        Value::Map(map) => !map.borrow().is_empty(),
        Value::Range { from, to, inclusive } => range_len(*from, *to, *inclusive) > 0,
        Value::Regex(_) | Value::Closure(_) | Value::Native(_) | Value::Record(_) | Value::Date(_) => true,
    }
}

/// Groovy `==`: numbers by value across kinds (`1 == 1.0`, `2.50 == 2.5`), strings by
/// content, lists and ranges element by element, maps by entries, `null == null`.
/// Groovy quirk kept: a one-character string equals the number of its character code
/// (`"1" == 49`, `"a" == 97`), because Groovy compares it as a `char`.
pub fn equals(a: &Value, b: &Value) -> bool {
    equals_at(a, b, 0)
}

fn equals_at(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Int(_) | Value::Decimal(_), Value::Int(_) | Value::Decimal(_)) => {
            numeric_cmp(a, b) == Ordering::Equal
        }
        (Value::Int(_) | Value::Decimal(_), Value::Str(s))
        | (Value::Str(s), Value::Int(_) | Value::Decimal(_)) => {
            let number = if let Value::Str(_) = a { b } else { a };
            match single_char_code(s) {
                Some(code) => numeric_cmp(number, &Value::Int(code)) == Ordering::Equal,
                None => false,
            }
        }
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) if Rc::ptr_eq(x, y) => true,
        (Value::Map(x), Value::Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter().all(|(key, value)| match y.get(key) {
                    Some(other) => equals_at(value, other, depth + 1),
                    None => false,
                })
        }
        (Value::List(_) | Value::Range { .. }, Value::List(_) | Value::Range { .. }) => {
            sequences_equal(a, b, |x, y| equals_at(x, y, depth + 1))
        }
        (Value::Regex(x), Value::Regex(y)) => Rc::ptr_eq(x, y),
        (Value::Closure(x), Value::Closure(y)) => Rc::ptr_eq(x, y),
        (Value::Native(x), Value::Native(y)) => Rc::ptr_eq(x, y),
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Record(x), Value::Record(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            // Value objects (statuses, users, labels …) are equal when their fields are:
            // `entity.status == nodeHelper.getStatus("Open")`. Tickets, replicas and script
            // objects are equal only to themselves.
            let value_object = !x.shape.name.starts_with("Ticket(")
                && !matches!(x.shape.name.as_str(), "Replica" | "Exception")
                && replica_compiler::shapes::shapes()
                    .by_name(&x.shape.name)
                    .is_some_and(|s| s.id == x.shape.id);
            value_object
                && x.shape.id == y.shape.id
                && x.slots
                    .borrow()
                    .iter()
                    .zip(y.slots.borrow().iter())
                    .all(|(p, q)| equals_at(p, q, depth + 1))
        }
        _ => false,
    }
}

/// Java's `equals`, which Groovy uses for `List.contains` (so for `x in list`), sets
/// (`as Set`, `unique`) and map keys: numbers must be the same kind and, for BigDecimal,
/// the same scale (`1 in [1.0]` and `2.5 in [2.50]` are false); containers compare
/// element-wise with the same rule.
pub fn java_equals(a: &Value, b: &Value) -> bool {
    java_equals_at(a, b, 0)
}

fn java_equals_at(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Value::Decimal(x), Value::Decimal(y)) => x == y && x.scale() == y.scale(),
        (Value::List(x), Value::List(y)) if Rc::ptr_eq(x, y) => true,
        (Value::List(_) | Value::Range { .. }, Value::List(_) | Value::Range { .. }) => {
            sequences_equal(a, b, |x, y| java_equals_at(x, y, depth + 1))
        }
        (Value::Map(x), Value::Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter().all(|(key, value)| match y.get(key) {
                    Some(other) => java_equals_at(value, other, depth + 1),
                    None => false,
                })
        }
        (Value::Int(_), Value::Int(_))
        | (Value::Null, Value::Null)
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Str(_), Value::Str(_))
        | (Value::Regex(_), Value::Regex(_))
        | (Value::Closure(_), Value::Closure(_))
        | (Value::Native(_), Value::Native(_))
        | (Value::Date(_), Value::Date(_)) => equals(a, b),
        _ => false,
    }
}

fn sequences_equal(a: &Value, b: &Value, item_eq: impl Fn(&Value, &Value) -> bool) -> bool {
    match (a, b) {
        (
            Value::Range { from: f1, to: t1, inclusive: i1 },
            Value::Range { from: f2, to: t2, inclusive: i2 },
        ) => {
            // Consecutive integers: the same length, first element and direction.
            let (x, y) = (range_values(*f1, *t1, *i1), range_values(*f2, *t2, *i2));
            let len = x.remaining;
            len == y.remaining && (len == 0 || (f1 == f2 && (len == 1 || x.step == y.step)))
        }
        (Value::List(x), Value::Range { from, to, inclusive })
        | (Value::Range { from, to, inclusive }, Value::List(x)) => {
            let x = x.borrow();
            x.len() as u64 == range_len(*from, *to, *inclusive)
                && x.iter().zip(range_values(*from, *to, *inclusive)).all(|(v, n)| item_eq(v, &Value::Int(n)))
        }
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(v, w)| item_eq(v, w))
        }
        _ => false,
    }
}

/// `===` (Groovy 3's identity; Groovy 2.4 has only `is()`): the same list, map, pattern or
/// closure object; for immutable scalars (numbers of the same kind, strings, booleans,
/// null, ranges) equal values.
pub fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        (Value::Map(x), Value::Map(y)) => Rc::ptr_eq(x, y),
        (Value::Range { .. }, Value::Range { .. }) => Key(a.clone()) == Key(b.clone()),
        _ => java_equals(a, b),
    }
}

/// Groovy's `compareTo` (`<=>`, `<`, `<=`, `>`, `>=`, and sorting): numbers by value,
/// strings by UTF-16 code units as Java does (`"B" < "a"`, `"é" > "z"`), `false < true`,
/// `null` before everything. A one-character string compares with a number as its
/// character code (`1 < "a"`). Anything else (lists, maps, a number and a longer string)
/// cannot be compared: a type error, as in Groovy.
pub fn compare(a: &Value, b: &Value) -> Result<Ordering> {
    match (a, b) {
        (Value::Null, Value::Null) => Ok(Ordering::Equal),
        (Value::Null, _) => Ok(Ordering::Less),
        (_, Value::Null) => Ok(Ordering::Greater),
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Int(_) | Value::Decimal(_), Value::Int(_) | Value::Decimal(_)) => Ok(numeric_cmp(a, b)),
        (Value::Int(_) | Value::Decimal(_), Value::Str(s)) => match single_char_code(s) {
            Some(code) => Ok(numeric_cmp(a, &Value::Int(code))),
            None => Err(cannot_compare(a, b)),
        },
        (Value::Str(s), Value::Int(_) | Value::Decimal(_)) => match single_char_code(s) {
            Some(code) => Ok(numeric_cmp(&Value::Int(code), b)),
            None => Err(cannot_compare(a, b)),
        },
        (Value::Str(x), Value::Str(y)) => Ok(compare_utf16(x, y)),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Ok(x.cmp(y)),
        _ => Err(cannot_compare(a, b)),
    }
}

fn cannot_compare(a: &Value, b: &Value) -> RuntimeError {
    RuntimeError::type_error(format!("cannot compare {} with {}", article(a), article(b)))
}

/// Java's `String.compareTo`: by UTF-16 code units.
fn compare_utf16(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The code of a string's only UTF-16 unit (Groovy treats such strings as `char`s).
fn single_char_code(s: &str) -> Option<i64> {
    let mut units = s.encode_utf16();
    match (units.next(), units.next()) {
        (Some(unit), None) => Some(i64::from(unit)),
        _ => None,
    }
}

fn numeric_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        _ => match (to_decimal(a), to_decimal(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => Ordering::Equal,
        },
    }
}

fn to_decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Int(n) => Some(Decimal::from(*n)),
        Value::Decimal(d) => Some(*d),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------

/// A binary operator. `&&` and `||` are compiled to jumps; here they evaluate both sides
/// (Groovy truth) for completeness.
pub fn binary(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    match op {
        BinaryOp::Add => add(a, b),
        BinaryOp::Sub => sub(a, b),
        BinaryOp::Mul => mul(a, b),
        BinaryOp::Div => div(a, b),
        BinaryOp::Rem => rem(a, b),
        BinaryOp::Pow => pow(a, b),
        BinaryOp::Eq => Ok(Value::Bool(equals(a, b))),
        BinaryOp::NotEq => Ok(Value::Bool(!equals(a, b))),
        BinaryOp::Identical => Ok(Value::Bool(identical(a, b))),
        BinaryOp::NotIdentical => Ok(Value::Bool(!identical(a, b))),
        BinaryOp::Lt => Ok(Value::Bool(compare(a, b)? == Ordering::Less)),
        BinaryOp::Le => Ok(Value::Bool(compare(a, b)? != Ordering::Greater)),
        BinaryOp::Gt => Ok(Value::Bool(compare(a, b)? == Ordering::Greater)),
        BinaryOp::Ge => Ok(Value::Bool(compare(a, b)? != Ordering::Less)),
        BinaryOp::Compare => Ok(Value::Int(match compare(a, b)? {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        })),
        BinaryOp::Find => Ok(Value::Bool(regex_find(a, b)?)),
        BinaryOp::Match => Ok(Value::Bool(regex_matches(a, b)?)),
        BinaryOp::And => Ok(Value::Bool(truthy(a) && truthy(b))),
        BinaryOp::Or => Ok(Value::Bool(truthy(a) || truthy(b))),
        BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor => bitwise(op, a, b),
        BinaryOp::Shl => left_shift(a, b),
        BinaryOp::Shr | BinaryOp::UShr => shift(op, a, b),
        BinaryOp::In => Ok(Value::Bool(is_case(b, a)?)),
        BinaryOp::NotIn => Ok(Value::Bool(!is_case(b, a)?)),
    }
}

/// `a + b`: numbers; a string (or a number or `null`) plus a string concatenates with
/// `toString()` (`"n=" + 5`, `"a" + null`, `1 + "a"`, `null + "a"`); a string plus anything
/// concatenates; a list or range plus a list or range concatenates, plus anything else
/// appends it (`[1] + 2`, `[1] + [[2]]`, `[1] + null`); a map plus a map merges into a new
/// map, the right side winning.
pub fn add(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            x.checked_add(*y).map(Value::Int).ok_or_else(|| overflow(a, "+", b))
        }
        (Value::Int(_) | Value::Decimal(_), Value::Int(_) | Value::Decimal(_)) => decimal_add(a, b),
        (Value::Str(x), Value::Str(y)) => {
            let mut out = String::with_capacity(x.len() + y.len());
            out.push_str(x);
            out.push_str(y);
            Ok(Value::Str(Rc::from(out)))
        }
        (Value::Str(x), other) => Ok(Value::Str(Rc::from(format!("{x}{other}")))),
        (Value::Null | Value::Int(_) | Value::Decimal(_), Value::Str(y)) => {
            Ok(Value::Str(Rc::from(format!("{a}{y}"))))
        }
        (Value::List(_) | Value::Range { .. }, _) => {
            let mut items = elements(a)?.unwrap_or_default();
            match elements(b)? {
                Some(more) => items.extend(more),
                None => items.push(b.clone()),
            }
            Ok(Value::list(items))
        }
        // `date + days` (Groovy's `Date.plus(int)`).
        (Value::Date(at), Value::Int(days)) => crate::stdlib::date::plus_days(*at, *days),
        (Value::Map(x), Value::Map(y)) => {
            let mut merged = x.borrow().clone();
            for (key, value) in y.borrow().iter() {
                merged.insert(key.clone(), value.clone());
            }
            Ok(Value::map(merged))
        }
        (Value::Null, _) => Err(null_operand(format!("cannot add {} to null", article(b)))),
        _ => Err(RuntimeError::type_error(format!("cannot add {} to {}", article(b), article(a)))),
    }
}

/// `a - b`: numbers; a string minus anything removes the first occurrence of its text
/// (`"abcabc" - "b"` is `acabc`, a pattern removes its first match); a list or range minus a
/// list removes every element `==` to one of the right side's, minus anything else removes
/// every element `==` to it (`[1, 2, 1.0] - 1` is `[2]`); a map minus a map removes the
/// entries present on the right with an equal value.
pub fn sub(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            x.checked_sub(*y).map(Value::Int).ok_or_else(|| overflow(a, "-", b))
        }
        (Value::Int(_) | Value::Decimal(_), Value::Int(_) | Value::Decimal(_)) => decimal_sub(a, b),
        (Value::Str(x), Value::Regex(re)) => {
            Ok(Value::Str(Rc::from(re.replacen(x, 1, regex::NoExpand("")).as_ref())))
        }
        (Value::Str(x), other) => {
            let target = match other {
                Value::Str(s) => s.to_string(),
                other => other.to_string(),
            };
            Ok(match x.find(&target) {
                Some(at) => {
                    let mut out = String::with_capacity(x.len() - target.len());
                    out.push_str(&x[..at]);
                    out.push_str(&x[at + target.len()..]);
                    Value::Str(Rc::from(out))
                }
                None => a.clone(),
            })
        }
        (Value::List(_) | Value::Range { .. }, _) => {
            let items = elements(a)?.unwrap_or_default();
            let removed = match b {
                Value::List(_) | Value::Range { .. } => elements(b)?.unwrap_or_default(),
                other => vec![other.clone()],
            };
            Ok(Value::list(
                items.into_iter().filter(|item| !removed.iter().any(|r| equals(item, r))).collect(),
            ))
        }
        (Value::Map(x), Value::Map(y)) => {
            let y = y.borrow();
            let kept = x
                .borrow()
                .iter()
                .filter(|(key, value)| !matches!(y.get(*key), Some(other) if equals(value, other)))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect::<crate::value::ValueMap>();
            Ok(Value::map(kept))
        }
        // `date - days` and `date - date` (calendar days between them).
        (Value::Date(at), Value::Int(days)) => match days.checked_neg() {
            Some(back) => crate::stdlib::date::plus_days(*at, back),
            None => Err(overflow(a, "-", b)),
        },
        (Value::Date(x), Value::Date(y)) => Ok(Value::Int(crate::stdlib::date::days_between(*x, *y))),
        (Value::Null, _) => Err(null_operand(format!("cannot subtract {} from null", article(b)))),
        _ => Err(RuntimeError::type_error(format!("cannot subtract {} from {}", article(b), article(a)))),
    }
}

/// `a * b`: numbers; a string or a list (range) times a number repeats it (`"ab" * 2`,
/// `[1, 2] * 2`; a BigDecimal count is truncated as Groovy's `intValue()` does; a negative
/// count is an error for strings and gives `[]` for lists).
pub fn mul(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            x.checked_mul(*y).map(Value::Int).ok_or_else(|| overflow(a, "*", b))
        }
        (Value::Int(_) | Value::Decimal(_), Value::Int(_) | Value::Decimal(_)) => decimal_mul(a, b),
        (Value::Str(s), Value::Int(_) | Value::Decimal(_)) => {
            let count = int_value(b);
            if count < 0 {
                return Err(RuntimeError::type_error(format!(
                    "cannot repeat a String a negative number of times ({count})"
                )));
            }
            check_built_len(s.len() as u128 * count as u128)?;
            Ok(Value::Str(Rc::from(s.repeat(count as usize))))
        }
        (Value::List(_) | Value::Range { .. }, Value::Int(_) | Value::Decimal(_)) => {
            let items = elements(a)?.unwrap_or_default();
            let count = if items.is_empty() { 0 } else { int_value(b).max(0) };
            check_built_len(items.len() as u128 * count as u128)?;
            let mut out = Vec::with_capacity(items.len() * count as usize);
            for _ in 0..count {
                out.extend(items.iter().cloned());
            }
            Ok(Value::list(out))
        }
        (Value::Null, _) => Err(null_operand(format!("cannot multiply null by {}", article(b)))),
        _ => Err(RuntimeError::type_error(format!("cannot multiply {} by {}", article(a), article(b)))),
    }
}

/// `a / b` on numbers, always a BigDecimal (Groovy's `BigDecimalMath.divide`):
///
/// 1. If the quotient is exact (a terminating decimal), it is that quotient with the
///    smallest scale not below `scale(a) - scale(b)`: `9 / 3` = `3`, `1 / 8` = `0.125`,
///    `6.0 / 3` = `2.0`, `1.50 / 0.5` = `3.0`, `7 / 7.0` = `1`.
/// 2. Otherwise it is rounded (HALF_UP) to `max(precision(a), precision(b)) + 10`
///    significant digits, and then, if its scale exceeds `max(scale(a), scale(b), 10)`,
///    rounded (HALF_UP) to that scale: `1 / 3` = `0.3333333333`, `100 / 7` =
///    `14.2857142857`, `1 / 0.0000003` = `3333333.3333`, `1.000000000000 / 3` =
///    `0.333333333333`, `1 / 30000000000` = `0E-10`.
///
/// (Java would give a negative scale where `scale(a) < scale(b)` and the quotient is a
/// multiple of ten — `10 / 0.1` prints `1.0E+2` — Replica keeps scale 0 and prints `100`.)
pub fn div(a: &Value, b: &Value) -> Result<Value> {
    match (to_decimal(a), to_decimal(b)) {
        (Some(x), Some(y)) => groovy_divide(x, y).map(Value::Decimal),
        _ => match a {
            Value::Null => Err(null_operand(format!("cannot divide null by {}", article(b)))),
            _ => Err(RuntimeError::type_error(format!("cannot divide {} by {}", article(a), article(b)))),
        },
    }
}

/// `a.intdiv(b)`: integer division truncating toward zero; integers only.
pub fn intdiv(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(_), Value::Int(0)) => Err(division_by_zero()),
        (Value::Int(x), Value::Int(y)) => {
            x.checked_div(*y).map(Value::Int).ok_or_else(|| overflow(a, "intdiv", b))
        }
        _ => Err(integers_only("intdiv", a, b)),
    }
}

/// `a % b`: Java's remainder (sign of the dividend: `-10 % 3` is `-1`); integers only, as in
/// Groovy (`10.5 % 3` is an error).
pub fn rem(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(_), Value::Int(0)) => Err(division_by_zero()),
        (Value::Int(x), Value::Int(y)) => Ok(Value::Int(x.wrapping_rem(*y))),
        _ => Err(integers_only("%", a, b)),
    }
}

/// `a ** b`:
/// * integer ** non-negative integer: exact integer (`3 ** 3` = 27; beyond 64 bits an
///   overflow error where Groovy gives a BigInteger);
/// * BigDecimal ** non-negative integer: exact, scale × exponent (`1.5 ** 3` = `3.375`,
///   `2.0 ** 0` = `1`);
/// * anything else (negative or decimal exponents) goes through Java's `Math.pow` on
///   doubles: an integral result is an integer (`4 ** 0.5` = 2, `1 ** -1` = 1), otherwise a
///   double (`2 ** -1` = `0.5`, `2 ** 0.5` = `1.4142135623730951`); infinities and NaN are
///   errors here.
pub fn pow(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(base), Value::Int(exp)) if *exp >= 0 => {
            int_pow(*base, *exp).ok_or_else(|| overflow(a, "**", b))
        }
        (Value::Decimal(base), Value::Int(exp)) if *exp >= 0 => {
            decimal_pow(*base, *exp).ok_or_else(|| overflow(a, "**", b))
        }
        (Value::Int(_) | Value::Decimal(_), Value::Int(_) | Value::Decimal(_)) => {
            let answer = to_f64(a).powf(to_f64(b));
            if answer.is_finite() && answer.fract() == 0.0 && answer.abs() < i64::MAX as f64 {
                return Ok(Value::Int(answer as i64));
            }
            double_to_value(answer)
        }
        (Value::Null, _) => Err(null_operand(format!("cannot raise null to {}", article(b)))),
        _ => Err(RuntimeError::type_error(format!("cannot raise {} to {}", article(a), article(b)))),
    }
}

/// `-x`: numbers, and a list negates each element (`-[1, 2]` is `[-1, -2]`).
pub fn negate(value: &Value) -> Result<Value> {
    negate_at(value, 0)
}

fn negate_at(value: &Value, depth: usize) -> Result<Value> {
    match value {
        Value::Int(n) => n
            .checked_neg()
            .map(Value::Int)
            .ok_or_else(|| RuntimeError::new(ErrorKind::Overflow, format!("-({n}) does not fit in 64 bits"))),
        Value::Decimal(d) => Ok(Value::Decimal(-*d)),
        Value::List(_) if depth > MAX_DEPTH => {
            Err(RuntimeError::new(ErrorKind::Limit, "cannot negate a list nested this deep"))
        }
        Value::List(list) => {
            let items =
                list.borrow().iter().map(|item| negate_at(item, depth + 1)).collect::<Result<Vec<_>>>()?;
            Ok(Value::list(items))
        }
        Value::Null => Err(RuntimeError::new(ErrorKind::NullReference, "cannot negate null")),
        other => Err(RuntimeError::type_error(format!("cannot negate {}", article(other)))),
    }
}

/// A unary operator. `++`/`--` (pre or post) return the next/previous value — the VM stores
/// it and chooses which of old/new the expression yields: numbers ±1, a string's last
/// character moves by one (`"a"` → `"b"`, Groovy's `String.next()`).
pub fn unary(op: UnaryOp, value: &Value) -> Result<Value> {
    match op {
        UnaryOp::Neg => negate(value),
        UnaryOp::Plus => match value {
            Value::Int(_) | Value::Decimal(_) | Value::List(_) => Ok(value.clone()),
            Value::Null => Err(RuntimeError::new(ErrorKind::NullReference, "cannot apply unary + to null")),
            other => Err(RuntimeError::type_error(format!("cannot apply unary + to {}", article(other)))),
        },
        UnaryOp::Not => Ok(Value::Bool(!truthy(value))),
        UnaryOp::BitNot => match value {
            Value::Int(n) => Ok(Value::Int(!n)),
            // A new pattern object each time, as in Groovy (`~/a/ == ~/a/` is false).
            Value::Str(s) => Ok(Value::Regex(Rc::new((*regex(s)?).clone()))),
            Value::Regex(_) => Ok(value.clone()),
            Value::Null => Err(RuntimeError::new(ErrorKind::NullReference, "cannot apply ~ to null")),
            Value::Decimal(_) => Err(integers_only("~", value, &Value::Null)),
            other => Err(RuntimeError::type_error(format!("cannot apply ~ to {}", article(other)))),
        },
        UnaryOp::PreInc | UnaryOp::PostInc => step(value, true),
        UnaryOp::PreDec | UnaryOp::PostDec => step(value, false),
    }
}

/// Groovy's `next()` / `previous()`.
fn step(value: &Value, up: bool) -> Result<Value> {
    let what = if up { "increment" } else { "decrement" };
    match value {
        Value::Int(n) => {
            let next = if up { n.checked_add(1) } else { n.checked_sub(1) };
            next.map(Value::Int).ok_or_else(|| {
                RuntimeError::new(
                    ErrorKind::Overflow,
                    format!("cannot {what} {n}: it does not fit in 64 bits"),
                )
            })
        }
        Value::Decimal(_) => {
            if up {
                add(value, &Value::Int(1))
            } else {
                sub(value, &Value::Int(1))
            }
        }
        Value::Str(s) => {
            let mut chars: Vec<char> = s.chars().collect();
            match chars.pop() {
                None if up => chars.push('\0'),
                None => return Err(RuntimeError::type_error("cannot decrement an empty string")),
                Some(last) => {
                    let code = last as u32;
                    if up && code == 0xFFFF {
                        chars.push(last);
                        chars.push('\0');
                    } else if !up && code == 0 {
                        // `previous()` of a string ending in U+0000 drops that character.
                    } else {
                        let mut next = if up { code + 1 } else { code - 1 };
                        // Skip the surrogate range, which has no `char`.
                        if (0xD800..=0xDFFF).contains(&next) {
                            next = if up { 0xE000 } else { 0xD7FF };
                        }
                        chars.push(char::from_u32(next).unwrap_or(last));
                    }
                }
            }
            Ok(Value::Str(Rc::from(chars.into_iter().collect::<String>())))
        }
        Value::Null => Err(RuntimeError::new(ErrorKind::NullReference, format!("cannot {what} null"))),
        other => Err(RuntimeError::type_error(format!("cannot {what} {}", article(other)))),
    }
}

fn bitwise(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(Value::Int(match op {
            BinaryOp::BitAnd => x & y,
            BinaryOp::BitOr => x | y,
            _ => x ^ y,
        })),
        (Value::Bool(x), Value::Bool(y)) => Ok(Value::Bool(match op {
            BinaryOp::BitAnd => x & y,
            BinaryOp::BitOr => x | y,
            _ => x ^ y,
        })),
        (Value::Null, _) => {
            Err(RuntimeError::new(ErrorKind::NullReference, format!("cannot apply {} to null", op.symbol())))
        }
        _ => Err(RuntimeError::type_error(format!(
            "cannot apply {} to {} and {}",
            op.symbol(),
            article(a),
            article(b)
        ))),
    }
}

/// `<<`: shifts integers; appends to a list in place and returns the same list
/// (`[1] << [2, 3]` appends one element, the list); puts a map's entries into a map in place;
/// a string `<<` anything is the concatenation (Groovy makes a StringBuffer; Replica has
/// no mutable strings, so it is a new string).
fn left_shift(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(_), _) => shift(BinaryOp::Shl, a, b),
        (Value::List(list), _) => {
            let mut items = list.borrow_mut();
            check_built_len(items.len() as u128 + 1)?;
            items.push(b.clone());
            drop(items);
            Ok(a.clone())
        }
        (Value::Map(map), Value::Map(other)) => {
            if !Rc::ptr_eq(map, other) {
                let entries: Vec<(Key, Value)> =
                    other.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                map.borrow_mut().extend(entries);
            }
            Ok(a.clone())
        }
        (Value::Str(x), _) => Ok(Value::Str(Rc::from(format!("{x}{b}")))),
        (Value::Null, _) => Err(RuntimeError::new(ErrorKind::NullReference, "cannot apply << to null")),
        _ => Err(RuntimeError::type_error(format!("cannot apply << to {} and {}", article(a), article(b)))),
    }
}

/// `<<`, `>>`, `>>>` on integers, as Java's `long` shifts (the distance taken modulo 64).
fn shift(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            let distance = (*y & 63) as u32;
            Ok(Value::Int(match op {
                BinaryOp::Shl => x.wrapping_shl(distance),
                BinaryOp::Shr => x.wrapping_shr(distance),
                _ => ((*x as u64) >> distance) as i64,
            }))
        }
        (Value::Null, _) => {
            Err(RuntimeError::new(ErrorKind::NullReference, format!("cannot apply {} to null", op.symbol())))
        }
        (Value::Int(_), _) => Err(RuntimeError::type_error(format!(
            "the shift distance must be an integer, not {}",
            article(b)
        ))),
        _ => Err(RuntimeError::type_error(format!(
            "cannot apply {} to {} and {}",
            op.symbol(),
            article(a),
            article(b)
        ))),
    }
}

/// Groovy's `caseValue.isCase(switchValue)`: what `switchValue in caseValue` and a `case`
/// label test.
/// * a list: contains it by Java equality (`1 in [1]`, but `1.0 in [1]` is false);
/// * a range: an integer within it (`3.0 in (1..5)` is false);
/// * a map: the value under that key is Groovy-true (`"a" in [a: 0]` is false!);
/// * a string: `switchValue.toString()` equals it (`5 in "5"`, `"a" in "abc"` is false);
/// * a pattern: the whole of `switchValue.toString()` matches;
/// * a number: a number equal by value; `null`: only `null`;
/// * anything else: Java equality.
///
/// A closure case (`case { it > 3 }`) needs the VM to call it: a type error here.
pub fn is_case(case: &Value, switch: &Value) -> Result<bool> {
    Ok(match case {
        Value::Null => switch.is_null(),
        Value::List(list) => list.borrow().iter().any(|item| java_equals(item, switch)),
        Value::Range { from, to, inclusive } => match switch {
            Value::Int(n) => range_contains(*from, *to, *inclusive, *n),
            _ => false,
        },
        Value::Map(map) => map.borrow().get(&Key(switch.clone())).is_some_and(truthy),
        Value::Str(s) => match switch {
            Value::Null => false,
            Value::Str(other) => s == other,
            other => **s == *other.to_string(),
        },
        Value::Regex(re) => match switch {
            Value::Null => false,
            Value::Str(s) => full_match(re, s),
            other => full_match(re, &other.to_string()),
        },
        Value::Int(_) | Value::Decimal(_) => match switch {
            Value::Int(_) | Value::Decimal(_) => numeric_cmp(case, switch) == Ordering::Equal,
            _ => false,
        },
        Value::Closure(_) | Value::Native(_) => {
            return Err(RuntimeError::type_error("a closure used as a case must be called by the VM"));
        }
        Value::Bool(_) | Value::Record(_) | Value::Date(_) => java_equals(case, switch),
    })
}

// ---------------------------------------------------------------------------------------
// Subscripts
// ---------------------------------------------------------------------------------------

/// `target[index]`:
/// * list or range `[i]`: negative counts from the end (`[-1]`); past the end is `null`;
///   before the start an index error;
/// * list or range `[range]`: the sub-list (`[0..1]`, `[1..-1]`, `[2..0]` reversed); out of
///   bounds an index error; `[[0, 2]]` picks several;
/// * list of maps `["key"]`: each map's value (Groovy's property spreading);
/// * string `[i]` / `[range]`: a character / a substring, out of bounds an index error;
/// * map `[key]`: the value or `null` (keys by Java equality: `[1: "x"][1.0]` is `null`).
pub fn index(target: &Value, index: &Value) -> Result<Value> {
    match target {
        Value::Map(map) => Ok(map.borrow().get(&Key(index.clone())).cloned().unwrap_or(Value::Null)),
        Value::List(list) => {
            let items = list.borrow();
            index_sequence(&items, index, &|| format!("a List of size {}", items.len()))
        }
        Value::Range { from, to, inclusive } => index_range(*from, *to, *inclusive, index),
        Value::Str(s) => index_string(s, index),
        // `object["name"]` reads a property, as Groovy's `getAt(String)` does.
        Value::Record(record) => match index {
            Value::Str(name) => record.get(name).ok_or_else(|| {
                RuntimeError::new(
                    ErrorKind::MissingProperty,
                    format!("No such property: {name} for class: {}", target.type_name()),
                )
            }),
            other => Err(RuntimeError::type_error(format!("cannot index an object with {}", article(other)))),
        },
        Value::Null => Err(RuntimeError::new(ErrorKind::NullReference, "cannot index null with []")),
        other => Err(RuntimeError::type_error(format!("cannot index {} with []", article(other)))),
    }
}

fn index_sequence(items: &[Value], index: &Value, describe: &dyn Fn() -> String) -> Result<Value> {
    match index {
        Value::Int(i) => {
            let len = items.len() as i64;
            if *i < 0 {
                let at = i + len;
                if at < 0 {
                    return Err(out_of_bounds(*i, &describe()));
                }
                Ok(items[at as usize].clone())
            } else {
                Ok(items.get(*i as usize).cloned().unwrap_or(Value::Null))
            }
        }
        Value::Range { from, to, inclusive } => {
            let (start, end, reverse) = sub_list_borders(items.len(), *from, *to, *inclusive, describe)?;
            let mut out = items[start..end].to_vec();
            if reverse {
                out.reverse();
            }
            Ok(Value::list(out))
        }
        Value::List(indices) => {
            let mut out = Vec::new();
            for i in indices.borrow().iter() {
                if !matches!(i, Value::Int(_) | Value::Range { .. }) {
                    return Err(RuntimeError::type_error(format!(
                        "cannot index {} with {}",
                        describe(),
                        article(i)
                    )));
                }
                match index_sequence(items, i, describe)? {
                    Value::List(part) if matches!(i, Value::Range { .. }) => {
                        out.extend(part.borrow().iter().cloned())
                    }
                    one => out.push(one),
                }
            }
            Ok(Value::list(out))
        }
        Value::Str(key) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::Map(map) => {
                        out.push(map.borrow().get(&Key(index.clone())).cloned().unwrap_or(Value::Null))
                    }
                    other => {
                        return Err(RuntimeError::new(
                            ErrorKind::MissingProperty,
                            format!("no property {key} on {}", article(other)),
                        ));
                    }
                }
            }
            Ok(Value::list(out))
        }
        other => {
            Err(RuntimeError::type_error(format!("cannot index {} with {}", describe(), article(other))))
        }
    }
}

/// Indexes a range without materializing it for a single index.
fn index_range(from: i64, to: i64, inclusive: bool, index: &Value) -> Result<Value> {
    let len = range_len(from, to, inclusive);
    match index {
        Value::Int(i) => {
            let at = if *i < 0 { i128::from(*i) + i128::from(len) } else { i128::from(*i) };
            if at < 0 {
                return Err(out_of_bounds(*i, &format!("a Range of size {len}")));
            }
            if at >= i128::from(len) {
                return Ok(Value::Null);
            }
            let step: i128 = if from <= to { 1 } else { -1 };
            Ok(Value::Int((i128::from(from) + step * at) as i64))
        }
        Value::Range { from: f, to: t, inclusive: i } => {
            let size = usize::try_from(len).ok().filter(|n| *n <= i64::MAX as usize).ok_or_else(|| {
                RuntimeError::new(ErrorKind::Limit, "the range is too long to take a part of")
            })?;
            let (start, end, reverse) =
                sub_list_borders(size, *f, *t, *i, &|| format!("a Range of size {len}"))?;
            check_built_len((end - start) as u128)?;
            let step: i128 = if from <= to { 1 } else { -1 };
            let at = |k: usize| Value::Int((i128::from(from) + step * k as i128) as i64);
            let mut out: Vec<Value> = (start..end).map(at).collect();
            if reverse {
                out.reverse();
            }
            Ok(Value::list(out))
        }
        other => {
            check_built_len(u128::from(len))?;
            let items: Vec<Value> = range_values(from, to, inclusive).map(Value::Int).collect();
            index_sequence(&items, other, &|| format!("a Range of size {len}"))
        }
    }
}

fn index_string(s: &str, index: &Value) -> Result<Value> {
    let chars: Vec<char> = s.chars().collect();
    let describe = || format!("a String of length {}", chars.len());
    match index {
        Value::Int(i) => {
            let at = if *i < 0 { i + chars.len() as i64 } else { *i };
            if at < 0 || at >= chars.len() as i64 {
                return Err(out_of_bounds(*i, &describe()));
            }
            Ok(Value::Str(Rc::from(chars[at as usize].to_string())))
        }
        Value::Range { from, to, inclusive } => {
            let (start, end, reverse) = sub_list_borders(chars.len(), *from, *to, *inclusive, &describe)?;
            let part = &chars[start..end];
            let text: String = if reverse { part.iter().rev().collect() } else { part.iter().collect() };
            Ok(Value::Str(Rc::from(text)))
        }
        Value::List(indices) => {
            let mut out = String::new();
            for i in indices.borrow().iter() {
                if !matches!(i, Value::Int(_) | Value::Range { .. }) {
                    return Err(RuntimeError::type_error(format!(
                        "cannot index a String with {}",
                        article(i)
                    )));
                }
                if let Value::Str(part) = index_string(s, i)? {
                    out.push_str(&part);
                }
            }
            Ok(Value::Str(Rc::from(out)))
        }
        other => Err(RuntimeError::type_error(format!("cannot index a String with {}", article(other)))),
    }
}

/// Groovy's `IntRange.subListBorders`: negative bounds count from the end; a reversed range
/// selects the same elements in reverse. Returns `(start, end_exclusive, reverse)`.
fn sub_list_borders(
    size: usize,
    from: i64,
    to: i64,
    inclusive: bool,
    describe: &dyn Fn() -> String,
) -> Result<(usize, usize, bool)> {
    let (start, end, reverse) = borders(size, from, to, inclusive);
    if start < 0 || end > size as i128 || start > end {
        return Err(RuntimeError::new(
            ErrorKind::IndexOutOfBounds,
            format!(
                "range {} is out of bounds for {}",
                crate::display::range_literal(from, to, inclusive),
                describe()
            ),
        ));
    }
    Ok((start as usize, end as usize, reverse))
}

/// The unchecked `(start, end_exclusive, reverse)` of `subListBorders`.
fn borders(size: usize, from: i64, to: i64, inclusive: bool) -> (i128, i128, bool) {
    let size = size as i128;
    let from = if from < 0 { i128::from(from) + size } else { i128::from(from) };
    let to = if to < 0 { i128::from(to) + size } else { i128::from(to) };
    if from > to {
        (if inclusive { to } else { to + 1 }, from + 1, true)
    } else {
        (from, if inclusive { to + 1 } else { to }, false)
    }
}

/// `target[index] = value`: a list grows with `null`s when the index is past its end
/// (`l[5] = 9`), a negative index counts from the end; `l[range] = list` replaces that
/// part with the list's elements (`l[range] = x` with the single `x`); a map puts.
/// Strings and ranges are immutable: a type error.
pub fn set_index(target: &Value, index: &Value, value: Value) -> Result<()> {
    match target {
        Value::Map(map) => {
            map.borrow_mut().insert(Key(index.clone()), value);
            Ok(())
        }
        Value::List(list) => {
            let mut items = list.borrow_mut();
            let len = items.len() as i64;
            match index {
                Value::Int(i) => {
                    let at = if *i < 0 { i + len } else { *i };
                    if at < 0 {
                        return Err(out_of_bounds(*i, &format!("a List of size {len}")));
                    }
                    let at = at as usize;
                    if at >= items.len() {
                        check_built_len(at as u128 + 1)?;
                        items.resize(at + 1, Value::Null);
                    }
                    items[at] = value;
                    Ok(())
                }
                Value::Range { from, to, inclusive } => {
                    let (start, end, _) = borders(items.len(), *from, *to, *inclusive);
                    if start < 0 || start > end {
                        let literal = crate::display::range_literal(*from, *to, *inclusive);
                        return Err(RuntimeError::new(
                            ErrorKind::IndexOutOfBounds,
                            format!("range {literal} is out of bounds for a List of size {len}"),
                        ));
                    }
                    check_built_len(end as u128)?;
                    let (start, end) = (start as usize, end as usize);
                    if end > items.len() {
                        items.resize(end, Value::Null);
                    }
                    let replacement = match &value {
                        Value::List(new) if Rc::ptr_eq(new, list) => items.clone(),
                        Value::List(new) => new.borrow().clone(),
                        other => vec![other.clone()],
                    };
                    items.splice(start..end, replacement);
                    Ok(())
                }
                other => {
                    Err(RuntimeError::type_error(format!("cannot index a List with {}", article(other))))
                }
            }
        }
        Value::Null => Err(RuntimeError::new(ErrorKind::NullReference, "cannot set an element of null")),
        Value::Str(_) => {
            Err(RuntimeError::type_error("cannot change a character of a String: strings are immutable"))
        }
        other => Err(RuntimeError::type_error(format!("cannot set an element of {}", article(other)))),
    }
}

// ---------------------------------------------------------------------------------------
// Ranges and sequences
// ---------------------------------------------------------------------------------------

/// The integers of `from..to` (`inclusive`) or `from..<to`, in order. A reversed range counts
/// down (`5..1` is 5, 4, 3, 2, 1; `3..<1` is 3, 2); `5..<5` is empty.
pub fn range_values(from: i64, to: i64, inclusive: bool) -> RangeIter {
    let step = if from <= to { 1 } else { -1 };
    let span = (i128::from(to) - i128::from(from)).unsigned_abs() as u64;
    let remaining = if inclusive { span.saturating_add(1) } else { span };
    RangeIter { next: from, step, remaining }
}

/// How many integers a range holds.
pub fn range_len(from: i64, to: i64, inclusive: bool) -> u64 {
    range_values(from, to, inclusive).remaining
}

fn range_contains(from: i64, to: i64, inclusive: bool, n: i64) -> bool {
    let (low, high) = if from <= to { (from, to) } else { (to, from) };
    if !(low..=high).contains(&n) {
        return false;
    }
    inclusive || n != to
}

/// Iterator over a range's integers.
#[derive(Clone, Debug)]
pub struct RangeIter {
    next: i64,
    step: i64,
    remaining: u64,
}

impl Iterator for RangeIter {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        if self.remaining == 0 {
            return None;
        }
        let current = self.next;
        self.remaining -= 1;
        self.next = current.wrapping_add(self.step);
        Some(current)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from(self.remaining).unwrap_or(usize::MAX);
        (n, usize::try_from(self.remaining).ok())
    }
}

impl DoubleEndedIterator for RangeIter {
    fn next_back(&mut self) -> Option<i64> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        Some(self.next.wrapping_add(self.step.wrapping_mul(self.remaining as i64)))
    }
}

/// The items of a list (a copy) or of a range; `None` for anything else. A range of more
/// than [`MAX_BUILT_LEN`] integers is a [`ErrorKind::Limit`] error.
pub fn elements(value: &Value) -> Result<Option<Vec<Value>>> {
    match value {
        Value::List(list) => Ok(Some(list.borrow().clone())),
        Value::Range { from, to, inclusive } => {
            check_built_len(u128::from(range_len(*from, *to, *inclusive)))?;
            Ok(Some(range_values(*from, *to, *inclusive).map(Value::Int).collect()))
        }
        _ => Ok(None),
    }
}

// ---------------------------------------------------------------------------------------
// Regular expressions
// ---------------------------------------------------------------------------------------

/// Compiles a pattern (cached per thread). Java-only syntax the `regex` crate lacks
/// (look-around, back-references) is a type error naming the pattern.
pub fn regex(pattern: &str) -> Result<Rc<Regex>> {
    // One compiler for every regex in a script (`=~`, `==~`, `~/…/`, `split`, `replaceAll`):
    // it translates Java's syntax, so they all agree.
    crate::stdlib::regex::compile(pattern)
}

fn pattern_of(value: &Value) -> Result<Rc<Regex>> {
    match value {
        Value::Regex(re) => Ok(re.clone()),
        Value::Str(s) => regex(s),
        other => regex(&other.to_string()),
    }
}

/// `text =~ pattern`: whether the pattern occurs anywhere in `text.toString()` (a `null`
/// text is the string `"null"`, as in Groovy).
pub fn regex_find(text: &Value, pattern: &Value) -> Result<bool> {
    let re = pattern_of(pattern)?;
    Ok(match text {
        Value::Str(s) => re.is_match(s),
        other => re.is_match(&other.to_string()),
    })
}

/// `text ==~ pattern`: whether the whole of `text.toString()` matches; `false` when either
/// side is `null`.
pub fn regex_matches(text: &Value, pattern: &Value) -> Result<bool> {
    if text.is_null() || pattern.is_null() {
        return Ok(false);
    }
    let re = pattern_of(pattern)?;
    Ok(match text {
        Value::Str(s) => full_match(&re, s),
        other => full_match(&re, &other.to_string()),
    })
}

/// Java's `Matcher.matches()`: the whole text, with the leftmost alternative free to be
/// longer (`"ab" ==~ /a|ab/` is true), hence a separately anchored pattern.
fn full_match(re: &Regex, text: &str) -> bool {
    // Fast path: the leftmost match already spans the text.
    if let Some(m) = re.find(text) {
        if m.start() == 0 && m.end() == text.len() {
            return true;
        }
    } else {
        return false;
    }
    match regex(&format!(r"\A(?:{})\z", re.as_str())) {
        Ok(anchored) => anchored.is_match(text),
        Err(_) => false,
    }
}

// ---------------------------------------------------------------------------------------
// `as`
// ---------------------------------------------------------------------------------------

/// `value as Type`. Type names may be qualified (`java.lang.Integer`) or generic
/// (`List<String>`). `null as T` is `null` (but `null as boolean` is `false`; `null as int`
/// an error). Supported:
/// * `String`: `toString()`;
/// * `Integer`/`int`/`Long`/`long`/`Short`/`short`/`Byte`/`byte`/`BigInteger`: from a string
///   (trimmed, Java's `parseInt`/`parseLong`: `"12"`, `"+5"`, not `"1.5"`), from a number
///   (truncated: `1.9 as Long` is 1); out of the type's range an error;
/// * `BigDecimal`, `Number`; `Double`/`double`/`Float`/`float` (Java double digits, held as
///   a decimal: `12 as Double` is `12.0`);
/// * `Boolean`/`boolean`: Groovy truth (`"false" as Boolean` is true);
/// * `List`/`ArrayList`/`Collection`/`Iterable`: a list (a range stays a range), a string's
///   characters; `Set`/`HashSet`/`LinkedHashSet`: the distinct elements (Java equality) in
///   order; `Map`/`LinkedHashMap`/`HashMap`: a map stays, `[]` becomes `[:]`;
/// * `char`/`Character`: the first character; from an integer the character with that code;
/// * `Pattern`: a compiled pattern; `Object`/`def`: unchanged.
///
/// Anything else is a type error naming the type.
pub fn as_type(value: &Value, type_name: &str) -> Result<Value> {
    let name = simple_type_name(type_name);
    if value.is_null() {
        return match name {
            "boolean" => Ok(Value::Bool(false)),
            "int" | "long" | "short" | "byte" | "double" | "float" | "char" => {
                Err(RuntimeError::type_error(format!("cannot convert null to the primitive type {name}")))
            }
            _ if known_type(name) => Ok(Value::Null),
            _ => Err(unknown_type(type_name)),
        };
    }
    match name {
        "Object" | "def" => Ok(value.clone()),
        "String" | "CharSequence" | "GString" => match value {
            Value::Str(_) => Ok(value.clone()),
            other => Ok(Value::Str(Rc::from(other.to_string()))),
        },
        "Integer" | "int" => to_integer(value, name, i64::from(i32::MIN), i64::from(i32::MAX)),
        "Long" | "long" | "BigInteger" => to_integer(value, name, i64::MIN, i64::MAX),
        "Short" | "short" => to_integer(value, name, i64::from(i16::MIN), i64::from(i16::MAX)),
        "Byte" | "byte" => to_integer(value, name, i64::from(i8::MIN), i64::from(i8::MAX)),
        "BigDecimal" => match value {
            Value::Decimal(_) => Ok(value.clone()),
            Value::Int(n) => Ok(Value::Decimal(Decimal::from(*n))),
            Value::Str(s) => {
                parse_decimal(s.trim()).map(Value::Decimal).ok_or_else(|| not_a_number(s, "BigDecimal"))
            }
            other => Err(cannot_convert(other, type_name)),
        },
        "Number" => match value {
            Value::Int(_) | Value::Decimal(_) => Ok(value.clone()),
            other => Err(cannot_convert(other, type_name)),
        },
        "Double" | "double" | "Float" | "float" => {
            let number = match value {
                Value::Int(_) | Value::Decimal(_) => to_f64(value),
                Value::Str(s) => s.trim().parse::<f64>().map_err(|_| not_a_number(s, name))?,
                other => return Err(cannot_convert(other, type_name)),
            };
            let number = if name.eq_ignore_ascii_case("float") {
                // Float's own shortest digits (`"1.1" as Float` is 1.1).
                format!("{:e}", number as f32).parse().unwrap_or(number)
            } else {
                number
            };
            double_to_value(number)
        }
        "Boolean" | "boolean" => Ok(Value::Bool(truthy(value))),
        "List" | "ArrayList" | "LinkedList" | "Collection" | "Iterable" => match value {
            Value::List(_) | Value::Range { .. } => Ok(value.clone()),
            Value::Str(s) => {
                Ok(Value::list(s.chars().map(|c| Value::Str(Rc::from(c.to_string()))).collect()))
            }
            other => Err(cannot_convert(other, type_name)),
        },
        "Set" | "HashSet" | "LinkedHashSet" => match value {
            Value::List(_) | Value::Range { .. } => {
                let mut distinct: Vec<Value> = Vec::new();
                for item in elements(value)?.unwrap_or_default() {
                    if !distinct.iter().any(|seen| java_equals(seen, &item)) {
                        distinct.push(item);
                    }
                }
                Ok(Value::list(distinct))
            }
            other => Err(cannot_convert(other, type_name)),
        },
        "Map" | "LinkedHashMap" | "HashMap" => match value {
            Value::Map(_) => Ok(value.clone()),
            Value::List(list) if list.borrow().is_empty() => {
                Ok(Value::map(crate::value::ValueMap::default()))
            }
            other => Err(cannot_convert(other, type_name)),
        },
        "char" | "Character" => match value {
            Value::Str(s) => match s.chars().next() {
                Some(c) => Ok(Value::Str(Rc::from(c.to_string()))),
                None => Err(RuntimeError::new(
                    ErrorKind::IndexOutOfBounds,
                    "cannot convert an empty String to a char",
                )),
            },
            Value::Int(n) => u32::try_from(*n)
                .ok()
                .filter(|code| *code <= 0xFFFF)
                .and_then(char::from_u32)
                .map(|c| Value::Str(Rc::from(c.to_string())))
                .ok_or_else(|| cannot_convert(value, type_name)),
            other => Err(cannot_convert(other, type_name)),
        },
        "Pattern" => match value {
            Value::Regex(_) => Ok(value.clone()),
            Value::Str(s) => Ok(Value::Regex(regex(s)?)),
            other => Err(cannot_convert(other, type_name)),
        },
        _ => Err(unknown_type(type_name)),
    }
}

fn simple_type_name(type_name: &str) -> &str {
    let base = type_name.split('<').next().unwrap_or(type_name).trim();
    for prefix in ["java.lang.", "java.util.regex.", "java.util.", "java.math."] {
        if let Some(rest) = base.strip_prefix(prefix) {
            return rest;
        }
    }
    base
}

fn known_type(name: &str) -> bool {
    matches!(
        name,
        "Object"
            | "def"
            | "String"
            | "CharSequence"
            | "GString"
            | "Integer"
            | "Long"
            | "BigInteger"
            | "Short"
            | "Byte"
            | "BigDecimal"
            | "Number"
            | "Double"
            | "Float"
            | "Boolean"
            | "List"
            | "ArrayList"
            | "LinkedList"
            | "Collection"
            | "Iterable"
            | "Set"
            | "HashSet"
            | "LinkedHashSet"
            | "Map"
            | "LinkedHashMap"
            | "HashMap"
            | "Character"
            | "Pattern"
    )
}

fn unknown_type(type_name: &str) -> RuntimeError {
    RuntimeError::type_error(format!("unknown type {type_name} in `as`"))
}

fn cannot_convert(value: &Value, type_name: &str) -> RuntimeError {
    RuntimeError::type_error(format!(
        "cannot convert {} ({}) to {type_name}",
        article(value),
        crate::display::inspect(value)
    ))
}

fn not_a_number(text: &str, type_name: &str) -> RuntimeError {
    RuntimeError::new(
        ErrorKind::NumberFormat,
        format!("{} is not a valid {type_name}", crate::display::quote(text)),
    )
}

fn to_integer(value: &Value, name: &str, min: i64, max: i64) -> Result<Value> {
    let n = match value {
        Value::Int(n) => *n,
        Value::Decimal(d) => {
            let truncated = d.trunc();
            let mantissa = truncated.mantissa() / 10i128.pow(truncated.scale());
            i64::try_from(mantissa).map_err(|_| {
                RuntimeError::new(
                    ErrorKind::Overflow,
                    format!("{} does not fit in {name}", format_decimal(d)),
                )
            })?
        }
        Value::Str(s) => parse_java_integer(s.trim()).ok_or_else(|| not_a_number(s, name))?,
        other => return Err(cannot_convert(other, name)),
    };
    if n < min || n > max {
        return Err(match value {
            Value::Str(s) => not_a_number(s, name),
            _ => RuntimeError::new(ErrorKind::Overflow, format!("{n} does not fit in {name}")),
        });
    }
    Ok(Value::Int(n))
}

/// Java's `Long.parseLong`: an optional sign and ASCII digits.
fn parse_java_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.strip_prefix('+').unwrap_or(text).parse().ok()
}

/// Java's `new BigDecimal(text)`: `12`, `-1.50`, `.5`, `5.`, `1e3`, `1.5E-7`. A negative
/// resulting scale is held as scale 0; more than 28 decimal places or 96 bits is `None`.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (number, exponent) = match rest.find(['e', 'E']) {
        Some(at) => {
            (&rest[..at], rest[at + 1..].strip_prefix('+').unwrap_or(&rest[at + 1..]).parse::<i64>().ok()?)
        }
        None => (rest, 0),
    };
    let (int_part, frac_part) = match number.find('.') {
        Some(at) => (&number[..at], &number[at + 1..]),
        None => (number, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().chain(frac_part.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut unscaled: u128 = 0;
    for b in int_part.bytes().chain(frac_part.bytes()) {
        unscaled = unscaled.checked_mul(10)?.checked_add(u128::from(b - b'0'))?;
    }
    build_decimal(negative, unscaled, frac_part.len() as i64 - exponent)
}

/// A Java `double` result as a value: Java's `Double.toString` digits held as a decimal
/// (`0.5`, `12.0`, `0.3333333333333333`). Infinity and NaN are errors.
pub fn double_to_value(number: f64) -> Result<Value> {
    if number.is_nan() {
        return Err(RuntimeError::type_error("the result is not a number (NaN)"));
    }
    if number.is_infinite() {
        return Err(RuntimeError::new(ErrorKind::Overflow, "the result is infinite"));
    }
    // Shortest round-trip digits, as Java's Double.toString (JDK 19+) prints them, with at
    // least one fraction digit as Java prints (`16.0`, `1.0E-7`).
    let formatted = format!("{:e}", number.abs());
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let unscaled: u128 = digits.parse().unwrap_or(0);
    let natural = digits.len() as i64 - 1 - exponent;
    let mut scale = natural.max(1);
    if digits.len() == 1 && exponent < -6 {
        scale += 1;
    }
    pow10(scale - natural)
        .and_then(|factor| unscaled.checked_mul(factor))
        .and_then(|unscaled| build_decimal(number.is_sign_negative(), unscaled, scale))
        .map(Value::Decimal)
        .ok_or_else(|| {
            RuntimeError::new(ErrorKind::Overflow, format!("{number} cannot be held as a decimal"))
        })
}

fn to_f64(value: &Value) -> f64 {
    match value {
        Value::Int(n) => *n as f64,
        Value::Decimal(d) => format_decimal(d).parse().unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

/// Groovy's `intValue()` of a count.
fn int_value(value: &Value) -> i64 {
    match value {
        Value::Int(n) => *n,
        Value::Decimal(d) => {
            let t = d.trunc();
            i64::try_from(t.mantissa() / 10i128.pow(t.scale())).unwrap_or(if d.is_sign_negative() {
                i64::MIN
            } else {
                i64::MAX
            })
        }
        _ => 0,
    }
}

// ---------------------------------------------------------------------------------------
// Decimal arithmetic (exact, as Java's BigDecimal; an unrepresentable result is an error)
// ---------------------------------------------------------------------------------------

const POW10: [u128; 39] = {
    let mut table = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

fn pow10(n: i64) -> Option<u128> {
    usize::try_from(n).ok().and_then(|n| POW10.get(n).copied())
}

/// `±unscaled × 10^-scale` as a `Decimal`; a negative scale is multiplied out.
fn build_decimal(negative: bool, unscaled: u128, scale: i64) -> Option<Decimal> {
    let (unscaled, scale) =
        if scale < 0 { (unscaled.checked_mul(pow10(-scale)?)?, 0) } else { (unscaled, scale) };
    let scale = u32::try_from(scale).ok()?;
    let signed = i128::try_from(unscaled).ok()?;
    Decimal::try_from_i128_with_scale(if negative { -signed } else { signed }, scale).ok()
}

fn parts(value: &Value) -> (i128, i64) {
    match value {
        Value::Int(n) => (i128::from(*n), 0),
        Value::Decimal(d) => (d.mantissa(), i64::from(d.scale())),
        _ => (0, 0),
    }
}

fn from_parts(mantissa: i128, scale: i64) -> Option<Decimal> {
    build_decimal(mantissa < 0, mantissa.unsigned_abs(), scale)
}

fn decimal_add(a: &Value, b: &Value) -> Result<Value> {
    let ((ma, sa), (mb, sb)) = (parts(a), parts(b));
    let scale = sa.max(sb);
    aligned(ma, sa, scale)
        .zip(aligned(mb, sb, scale))
        .and_then(|(x, y)| x.checked_add(y))
        .and_then(|sum| from_parts(sum, scale))
        .map(Value::Decimal)
        .ok_or_else(|| decimal_overflow(a, "+", b))
}

fn decimal_sub(a: &Value, b: &Value) -> Result<Value> {
    let ((ma, sa), (mb, sb)) = (parts(a), parts(b));
    let scale = sa.max(sb);
    aligned(ma, sa, scale)
        .zip(aligned(mb, sb, scale))
        .and_then(|(x, y)| x.checked_sub(y))
        .and_then(|difference| from_parts(difference, scale))
        .map(Value::Decimal)
        .ok_or_else(|| decimal_overflow(a, "-", b))
}

fn decimal_mul(a: &Value, b: &Value) -> Result<Value> {
    let ((ma, sa), (mb, sb)) = (parts(a), parts(b));
    ma.checked_mul(mb)
        .and_then(|product| from_parts(product, sa + sb))
        .map(Value::Decimal)
        .ok_or_else(|| decimal_overflow(a, "*", b))
}

fn aligned(mantissa: i128, scale: i64, target: i64) -> Option<i128> {
    mantissa.checked_mul(i128::try_from(pow10(target - scale)?).ok()?)
}

fn int_pow(base: i64, exp: i64) -> Option<Value> {
    match base {
        0 => Some(Value::Int(if exp == 0 { 1 } else { 0 })),
        1 => Some(Value::Int(1)),
        -1 => Some(Value::Int(if exp % 2 == 0 { 1 } else { -1 })),
        _ => base.checked_pow(u32::try_from(exp).ok()?).map(Value::Int),
    }
}

fn decimal_pow(base: Decimal, exp: i64) -> Option<Value> {
    // Java's BigDecimal.pow(n): exact, scale × n (pow(0) is 1 with scale 0).
    let mut result = Value::Decimal(Decimal::ONE);
    let mut square = Value::Decimal(base);
    let mut exp = exp;
    while exp > 0 {
        if exp & 1 == 1 {
            result = decimal_mul(&result, &square).ok()?;
        }
        exp >>= 1;
        if exp > 0 {
            square = decimal_mul(&square, &square).ok()?;
        }
    }
    Some(result)
}

/// Groovy's BigDecimal division (see [`div`]).
fn groovy_divide(a: Decimal, b: Decimal) -> Result<Decimal> {
    if b.is_zero() {
        return Err(division_by_zero());
    }
    let (ma, sa) = (a.mantissa(), i64::from(a.scale()));
    let (mb, sb) = (b.mantissa(), i64::from(b.scale()));
    let negative = (ma < 0) != (mb < 0);
    let (ua, ub) = (ma.unsigned_abs(), mb.unsigned_abs());
    let too_big = || {
        RuntimeError::new(
            ErrorKind::Overflow,
            format!("{} / {} needs more than 28 decimal digits", format_decimal(&a), format_decimal(&b)),
        )
    };
    if ua == 0 {
        return build_decimal(false, 0, sa - sb).ok_or_else(too_big);
    }
    // Exact quotient? ua/ub terminates iff the reduced denominator is 2^i·5^j.
    let g = gcd(ua, ub);
    let mut d = ub / g;
    let (mut twos, mut fives) = (0i64, 0i64);
    while d % 2 == 0 {
        d /= 2;
        twos += 1;
    }
    while d % 5 == 0 {
        d /= 5;
        fives += 1;
    }
    if d == 1 {
        let k = twos.max(fives);
        // 10^k / (2^twos · 5^fives)
        let factor = 2u128
            .checked_pow((k - twos) as u32)
            .zip(5u128.checked_pow((k - fives) as u32))
            .map(|(x, y)| x * y);
        return factor
            .and_then(|factor| (ua / g).checked_mul(factor))
            .and_then(|n| build_decimal(negative, n, sa - sb + k))
            .ok_or_else(too_big);
    }
    // Not exact: round to `precision` significant digits (HALF_UP)…
    let precision = digit_count(ua).max(digit_count(ub)) + 10;
    // Long division, keeping precision + 1 significant digits. The integer part has at most
    // digit_count(ua) ≤ precision - 10 digits, so the loop always runs.
    let mut digits: Vec<u8> = Vec::with_capacity(precision + 1);
    let integer = ua / ub;
    let mut remainder = ua % ub;
    if integer > 0 {
        digits.extend(integer.to_string().bytes().map(|c| c - b'0'));
    }
    let mut fraction_len: i64 = 0;
    while digits.len() < precision + 1 {
        remainder *= 10;
        let digit = (remainder / ub) as u8;
        remainder %= ub;
        fraction_len += 1;
        if digit != 0 || !digits.is_empty() {
            digits.push(digit);
        }
    }
    let mut kept = round_half_up(&digits, 1);
    let mut scale = fraction_len + sa - sb - 1;
    if kept.len() > precision {
        // 99…9 rounded up to 100…0: Java keeps `precision` digits.
        kept.pop();
        scale -= 1;
    }
    // …then to at most max(scale(a), scale(b), 10) decimal places (HALF_UP).
    let limit = sa.max(sb).max(10);
    if scale > limit {
        kept = round_half_up(&kept, (scale - limit) as usize);
        scale = limit;
    }
    let mut unscaled: u128 = 0;
    for digit in kept {
        unscaled =
            unscaled.checked_mul(10).and_then(|n| n.checked_add(u128::from(digit))).ok_or_else(too_big)?;
    }
    build_decimal(negative, unscaled, scale).ok_or_else(too_big)
}

/// Drops the last `drop` digits, rounding HALF_UP (the result may be one digit longer after
/// a carry: 99|5 → 100).
fn round_half_up(digits: &[u8], drop: usize) -> Vec<u8> {
    if drop == 0 {
        return digits.to_vec();
    }
    if drop > digits.len() {
        // The value is below half a unit of the kept place.
        return vec![0];
    }
    let keep = digits.len() - drop;
    let mut kept = digits[..keep].to_vec();
    if digits[keep] >= 5 {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    if kept.is_empty() {
        kept.push(0);
    }
    kept
}

fn digit_count(n: u128) -> usize {
    if n == 0 {
        1
    } else {
        n.ilog10() as usize + 1
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

// ---------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------

/// "an Integer", "a List", "null": a value's type with its article, for messages.
pub fn article(value: &Value) -> String {
    let name = value.type_name();
    match name {
        "null" => "null".to_string(),
        _ if name.starts_with(['A', 'E', 'I', 'O', 'U']) => format!("an {name}"),
        _ => format!("a {name}"),
    }
}

fn null_operand(message: String) -> RuntimeError {
    RuntimeError::new(ErrorKind::NullReference, message)
}

fn overflow(a: &Value, op: &str, b: &Value) -> RuntimeError {
    RuntimeError::new(ErrorKind::Overflow, format!("{a} {op} {b} does not fit in 64 bits"))
}

fn decimal_overflow(a: &Value, op: &str, b: &Value) -> RuntimeError {
    RuntimeError::new(ErrorKind::Overflow, format!("{a} {op} {b} needs more than 28 decimal digits"))
}

fn division_by_zero() -> RuntimeError {
    RuntimeError::new(ErrorKind::DivisionByZero, "division by zero")
}

fn integers_only(op: &str, a: &Value, b: &Value) -> RuntimeError {
    if a.is_null() {
        return RuntimeError::new(ErrorKind::NullReference, format!("cannot apply {op} to null"));
    }
    let culprit = if matches!(a, Value::Int(_)) { b } else { a };
    RuntimeError::type_error(format!("{op} needs integers, not {} ({culprit})", article(culprit)))
}

fn out_of_bounds(index: i64, what: &str) -> RuntimeError {
    RuntimeError::new(ErrorKind::IndexOutOfBounds, format!("index {index} is out of bounds for {what}"))
}

fn check_built_len(len: u128) -> Result<()> {
    if len > MAX_BUILT_LEN as u128 {
        return Err(RuntimeError::new(
            ErrorKind::Limit,
            format!("the result would hold {len} elements or bytes, more than the limit of {MAX_BUILT_LEN}"),
        ));
    }
    Ok(())
}
