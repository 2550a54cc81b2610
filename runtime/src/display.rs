//! Printing values the way Groovy 2.4 does.
//!
//! * `Display` is Groovy's `toString()` as `println`, string concatenation and GString
//!   interpolation use it: `null`, `true`, `14`, `3.00`, strings raw, `[1, a, null]`,
//!   `[a:1, b:x]`, `[:]`, a range at the top as its elements (`[1, 2, 3]`) but inside a
//!   collection as `1..3` / `1..<3`, a pattern as its source text.
//! * [`inspect`] is Groovy's `.inspect()`: the same, except strings are single-quoted with
//!   `\\`, `\n`, `\r`, `\t`, `\f` and `'` escaped (`['a', 'it\'s']`) and a range is always
//!   `1..3`.
//! * [`format_decimal`] is Java's `BigDecimal.toString()`: plain notation keeping the scale
//!   (`3.00`, `0.125`), scientific when the adjusted exponent is below -6
//!   (`0.0000001` → `1E-7`, `0.00000010` → `1.0E-7`, a zero with scale 10 → `0E-10`).
//!
//! Divergences (documented, not reproducible or not representable):
//! * A closure prints as `Closure` (Groovy prints `Script1$_run_closure1@1b2c3d`, a class
//!   name and an identity hash).
//! * A list or map that contains itself prints `(this Collection)` / `(this Map)` as Groovy
//!   does; Groovy overflows its stack on longer cycles, Replica prints the same marker for
//!   any container already being printed. Nesting deeper than [`MAX_DEPTH`] prints `...`.
//! * A range of more than `ops::MAX_BUILT_LEN` integers prints as its literal (`0..9223372036854775807`)
//!   instead of its elements.
//! * A BigDecimal with a negative scale (`1e3` → `1E+3` in Groovy) cannot exist in
//!   `rust_decimal`; such values are held with scale 0 and print plainly (`1000`).

use std::fmt::{self, Write};

use rust_decimal::Decimal;

use crate::value::Value;

/// Containers nested deeper than this print as `...` (keeps the recursion bounded).
pub const MAX_DEPTH: usize = 200;

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut printer = Printer { out: f, verbose: false, stack: Vec::new() };
        printer.top(self)
    }
}

/// Groovy's `value.inspect()`: like `toString()` but strings quoted and escaped.
pub fn inspect(value: &Value) -> String {
    let mut out = String::new();
    let mut printer = Printer { out: &mut out, verbose: true, stack: Vec::new() };
    // Writing into a String cannot fail.
    let _ = printer.top(value);
    out
}

/// Java's `BigDecimal.toString()` for a `rust_decimal` value (whose scale is 0..=28).
pub fn format_decimal(value: &Decimal) -> String {
    let mantissa = value.mantissa();
    java_decimal_string(mantissa < 0, mantissa.unsigned_abs(), i64::from(value.scale()))
}

/// Java's `BigDecimal.toString()` for `±digits × 10^-scale`.
pub(crate) fn java_decimal_string(negative: bool, unscaled: u128, scale: i64) -> String {
    let coefficient = unscaled.to_string();
    let mut out = String::with_capacity(coefficient.len() + 8);
    // BigDecimal has no negative zero.
    if negative && unscaled != 0 {
        out.push('-');
    }
    let digits = coefficient.len() as i64;
    let adjusted = -scale + (digits - 1);
    if scale == 0 {
        out.push_str(&coefficient);
    } else if scale > 0 && adjusted >= -6 {
        let pad = scale - digits;
        if pad >= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', pad as usize));
            out.push_str(&coefficient);
        } else {
            let point = (digits - scale) as usize;
            out.push_str(&coefficient[..point]);
            out.push('.');
            out.push_str(&coefficient[point..]);
        }
    } else {
        out.push_str(&coefficient[..1]);
        if digits > 1 {
            out.push('.');
            out.push_str(&coefficient[1..]);
        }
        if adjusted != 0 {
            out.push('E');
            if adjusted > 0 {
                out.push('+');
            }
            out.push_str(&adjusted.to_string());
        }
    }
    out
}

/// Groovy's `inspect()` of a string: `'…'` with `\\ \n \r \t \f '` escaped.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '\'' => out.push_str("\\'"),
            other => out.push(other),
        }
    }
    out.push('\'');
    out
}

/// How a range prints inside a collection or with `inspect()`.
pub fn range_literal(from: i64, to: i64, inclusive: bool) -> String {
    format!("{from}..{}{to}", if inclusive { "" } else { "<" })
}

struct Printer<'a, W: Write> {
    out: &'a mut W,
    verbose: bool,
    /// Containers being printed (their addresses), to mark cycles.
    stack: Vec<usize>,
}

impl<W: Write> Printer<'_, W> {
    fn top(&mut self, value: &Value) -> fmt::Result {
        match value {
            Value::Range { from, to, inclusive }
                if !self.verbose
                    && crate::ops::range_len(*from, *to, *inclusive) <= crate::ops::MAX_BUILT_LEN as u64 =>
            {
                self.out.write_char('[')?;
                for (i, n) in crate::ops::range_values(*from, *to, *inclusive).enumerate() {
                    if i > 0 {
                        self.out.write_str(", ")?;
                    }
                    write!(self.out, "{n}")?;
                }
                self.out.write_char(']')
            }
            other => self.value(other),
        }
    }

    fn value(&mut self, value: &Value) -> fmt::Result {
        match value {
            Value::Null => self.out.write_str("null"),
            Value::Bool(b) => write!(self.out, "{b}"),
            Value::Int(n) => write!(self.out, "{n}"),
            Value::Decimal(d) => self.out.write_str(&format_decimal(d)),
            Value::Str(s) if self.verbose => self.out.write_str(&quote(s)),
            Value::Str(s) => self.out.write_str(s),
            Value::Range { from, to, inclusive } => {
                self.out.write_str(&range_literal(*from, *to, *inclusive))
            }
            Value::Regex(re) => self.out.write_str(re.as_str()),
            Value::Closure(_) | Value::Native(_) => self.out.write_str("Closure"),
            Value::Date(millis) => self.out.write_str(&format_date(*millis)),
            // Groovy prints a map entry as `key=value`.
            Value::Record(record) if record.shape.name == "Entry" => {
                let slots = record.slots.borrow();
                self.value(&slots[0])?;
                self.out.write_char('=')?;
                self.value(&slots[1])
            }
            Value::Record(record) if record.shape.name == "Exception" => {
                let slots = record.slots.borrow();
                write!(self.out, "{}", slots[1])?;
                if !slots[0].is_null() {
                    write!(self.out, ": {}", slots[0])?;
                }
                Ok(())
            }
            // Records print like maps of their fields, so `println replica.status` is readable.
            Value::Record(record) => {
                let address = std::rc::Rc::as_ptr(record) as *const () as usize;
                if self.stack.contains(&address) {
                    return self.out.write_str("(this Object)");
                }
                if self.stack.len() >= MAX_DEPTH {
                    return self.out.write_str("...");
                }
                self.stack.push(address);
                self.out.write_char('[')?;
                for (i, (slot, item)) in
                    record.shape.slots.iter().zip(record.slots.borrow().iter()).enumerate()
                {
                    if i > 0 {
                        self.out.write_str(", ")?;
                    }
                    write!(self.out, "{}:", slot.name)?;
                    self.value(item)?;
                }
                self.stack.pop();
                self.out.write_char(']')
            }
            Value::List(list) => {
                let address = std::rc::Rc::as_ptr(list) as *const () as usize;
                if self.stack.contains(&address) {
                    return self.out.write_str("(this Collection)");
                }
                if self.stack.len() >= MAX_DEPTH {
                    return self.out.write_str("...");
                }
                self.stack.push(address);
                self.out.write_char('[')?;
                for (i, item) in list.borrow().iter().enumerate() {
                    if i > 0 {
                        self.out.write_str(", ")?;
                    }
                    self.value(item)?;
                }
                self.stack.pop();
                self.out.write_char(']')
            }
            Value::Map(map) => {
                let address = std::rc::Rc::as_ptr(map) as *const () as usize;
                if self.stack.contains(&address) {
                    return self.out.write_str("(this Map)");
                }
                if self.stack.len() >= MAX_DEPTH {
                    return self.out.write_str("...");
                }
                let map = map.borrow();
                if map.is_empty() {
                    return self.out.write_str("[:]");
                }
                self.stack.push(address);
                self.out.write_char('[')?;
                for (i, (key, item)) in map.iter().enumerate() {
                    if i > 0 {
                        self.out.write_str(", ")?;
                    }
                    self.value(&key.0)?;
                    self.out.write_char(':')?;
                    self.value(item)?;
                }
                self.stack.pop();
                self.out.write_char(']')
            }
        }
    }
}

/// Java's `Date.toString()` in UTC: `Tue Nov 24 08:59:28 UTC 2026`.
pub fn format_date(millis: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(millis) {
        Some(at) => at.format("%a %b %d %H:%M:%S UTC %Y").to_string(),
        None => format!("Date({millis})"),
    }
}
