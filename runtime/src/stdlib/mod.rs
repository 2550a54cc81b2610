//! The Groovy methods scripts call on strings, numbers, lists, maps and ranges, with Groovy
//! 2.4's results (checked against real Groovy; see `runtime/tests/stdlib.rs`).
//!
//! [`call_method`] is the one entry point: it finds the method in the registry
//! (`replica_compiler::methods`, the same data the checker, hover and completion read),
//! checks the argument count against it, and runs the implementation in `string.rs`,
//! `number.rs`, `list.rs`, `map.rs`, `range.rs`, `date.rs` or `object.rs`.
//!
//! Groovy behaviours worth knowing, all reproduced:
//! * `list.sort()` and `list.unique()` change the list in place and return it (`sort(false)`,
//!   `unique(false)`, `toSorted()`, `toUnique()` copy); `reverse()` copies; `map.sort()` copies.
//! * `split` is Java's: a regex (`"a.b".split(".")` is `[]`), trailing empty strings dropped;
//!   `tokenize` splits on any of the delimiter characters and never gives empty strings.
//! * `map.get(key, default)` adds the default to the map; `list.remove(int)` removes by index.
//! * `list.contains`, `indexOf` and `map.containsValue` use Java equality (`1` is not `1.0`);
//!   `minus`, `unique`, `count`, `intersect` and `==` compare numbers by value.
//! * Methods called on null: `toString()` is "null", `asBoolean()` false, `equals`/`is`
//!   compare, and the iteration methods (`each`, `collect`, `findAll`, `find`, `any`,
//!   `every`, `inject`, `findResult`, `eachWithIndex`) treat null as empty; anything else is a
//!   [`ErrorKind::NullReference`] ("Cannot invoke method trim() on null object", as Groovy says).
//!
//! **Map entries** are passed to closures (`map.each { it.key }`, `map.find { … }`, `min`,
//! `max`, `entrySet()`) as entry records (see [`entry_in`]) with `key` and `value`, printed
//! `a=1` as Groovy prints them; assigning `it.value` writes through to the map, as Groovy's
//! `Map.Entry.setValue` does.
//!
//! A closure's declared parameters decide how it is called where Groovy looks at them
//! (`map.each { k, v -> }` vs `{ e -> }`, `sort { a, b -> }` vs `sort { it.size() }`): a
//! script closure's [`Closure::params`](crate::value::Closure), a native function's
//! [`NativeFn::arity`](crate::value::NativeFn); `None` means the implicit `it` (one).
//! Calling a closure with one list argument spread over several parameters
//! (`[[1, 2]].collect { a, b -> }`) is the VM's business, as in Groovy's `Closure.call`.
//!
//! Also public, for the VM: [`regex::compile`] (Java regular expressions on the `regex`
//! crate: `\d` is ASCII, `.` stops at `\r`, `\Q…\E`, …; cached), [`regex::full_match`]
//! (Java's `matches()`), [`format::format`] (`String.format`/`sprintf`), and [`java`]
//! (Java's `hashCode`, `String.valueOf`, UTF-16 indices).

pub mod date;
pub mod format;
pub mod java;
mod list;
mod map;
mod number;
mod object;
mod range;
pub mod regex;
mod string;

use std::cmp::Ordering;

use replica_compiler::methods::{self, GroovyMethod, Receiver};

use crate::ops;
use crate::value::{ErrorKind, Invoke, Key, RuntimeError, Value};

/// Calls the Groovy method `name` on `receiver` (`"abc".reverse()`, `list.collect { … }`).
/// Closures in `args` are called back through `inv`.
pub fn call_method(
    inv: &mut dyn Invoke,
    receiver: &Value,
    name: &str,
    args: Vec<Value>,
) -> Result<Value, RuntimeError> {
    if receiver.is_null() {
        return object::call_on_null(inv, name, args);
    }
    let kind = receiver_kind(receiver);
    let Some(method) = methods::lookup(kind, name).or_else(|| copying_sort_of_range(kind, name, &args))
    else {
        return Err(missing_method(receiver, kind, name));
    };
    if !method.accepts(args.len()) {
        return Err(wrong_count(method, args.len()));
    }
    let call = Call { method, args };
    match method.receiver {
        Receiver::Object => object::call(inv, receiver, call),
        Receiver::String => match receiver {
            Value::Str(s) => string::call(inv, s, call),
            _ => unreachable!("String methods are looked up for strings only"),
        },
        Receiver::Number => number::call(inv, receiver, call),
        Receiver::List | Receiver::Range => match receiver {
            Value::Range { from, to, inclusive } => {
                range::call(inv, (*from, *to, *inclusive), receiver, call)
            }
            Value::List(_) => list::call(inv, receiver, call),
            _ => unreachable!("List methods are looked up for lists and ranges only"),
        },
        Receiver::Map => map::call(inv, receiver, call),
        Receiver::Date => match receiver {
            Value::Date(millis) => date::call(inv, *millis, call),
            _ => unreachable!("Date methods are looked up for dates only"),
        },
    }
}

/// `range.sort(false)` and `range.unique(false)` copy, so a range allows them.
fn copying_sort_of_range(kind: Receiver, name: &str, args: &[Value]) -> Option<&'static GroovyMethod> {
    let copying = matches!(args.first(), Some(Value::Bool(false)));
    (kind == Receiver::Range && matches!(name, "sort" | "unique") && copying)
        .then(|| methods::lookup(Receiver::List, name))
        .flatten()
}

/// Whether the standard library implements `name` for `receiver` ("String", "Number",
/// "List", "Map", "Range", "Date" or "Object"). Ranges have their own methods and the non-mutating
/// list methods.
pub fn implemented(receiver: &str, name: &str) -> bool {
    match receiver {
        "String" => string::METHODS.contains(&name),
        "Number" => number::METHODS.contains(&name),
        "List" => list::METHODS.contains(&name),
        "Map" => map::METHODS.contains(&name),
        "Range" => {
            range::METHODS.contains(&name)
                || (list::METHODS.contains(&name) && !range::MUTATING.contains(&name))
        }
        "Object" => object::METHODS.contains(&name),
        "Date" => date::METHODS.contains(&name),
        _ => false,
    }
}

/// The names the standard library implements for `receiver` (as for [`implemented`]).
pub fn implemented_methods(receiver: &str) -> Vec<&'static str> {
    match receiver {
        "String" => string::METHODS.to_vec(),
        "Number" => number::METHODS.to_vec(),
        "List" => list::METHODS.to_vec(),
        "Map" => map::METHODS.to_vec(),
        "Range" => range::METHODS
            .iter()
            .chain(list::METHODS.iter().filter(|name| !range::MUTATING.contains(name)))
            .copied()
            .collect(),
        "Object" => object::METHODS.to_vec(),
        "Date" => date::METHODS.to_vec(),
        _ => Vec::new(),
    }
}

/// The registry receiver kind of a value (null has none: it is handled first).
pub fn receiver_kind(value: &Value) -> Receiver {
    match value {
        Value::Str(_) => Receiver::String,
        Value::Int(_) | Value::Decimal(_) => Receiver::Number,
        Value::List(_) => Receiver::List,
        Value::Map(_) => Receiver::Map,
        Value::Range { .. } => Receiver::Range,
        Value::Date(_) => Receiver::Date,
        _ => Receiver::Object,
    }
}

fn missing_method(receiver: &Value, kind: Receiver, name: &str) -> RuntimeError {
    if kind == Receiver::Range && range::MUTATING.contains(&name) {
        return RuntimeError::type_error(format!(
            "cannot call `{name}()` on a range: a range cannot be changed (use `range.toList().{name}(…)` on a copy)"
        ));
    }
    let names = methods::registry().names(kind);
    let mut message = format!("no method `{name}()` on {}", receiver.type_name());
    if let Some(close) = replica_compiler::suggest::did_you_mean(name, names.iter().copied()) {
        message.push_str(&format!("; did you mean `{close}()`?"));
    }
    RuntimeError::new(ErrorKind::MissingMethod, message)
}

fn wrong_count(method: &GroovyMethod, given: usize) -> RuntimeError {
    let expected = match (method.min_args(), method.max_args()) {
        (min, Some(max)) if min == max => format!("{min}"),
        (min, Some(max)) if max == min + 1 => format!("{min} or {max}"),
        (min, Some(max)) => format!("{min} to {max}"),
        (min, None) => format!("at least {min}"),
    };
    let plural = if method.max_args() == Some(1) && method.min_args() == 1 { "" } else { "s" };
    RuntimeError::type_error(format!(
        "`{}` takes {expected} argument{plural}, but {given} {} given: {}",
        method.name,
        if given == 1 { "was" } else { "were" },
        method.signature()
    ))
}

/// One call: the registry entry and the arguments (their count already checked).
pub(crate) struct Call {
    pub method: &'static GroovyMethod,
    pub args: Vec<Value>,
}

impl Call {
    pub fn name(&self) -> &'static str {
        self.method.name.as_str()
    }

    pub fn len(&self) -> usize {
        self.args.len()
    }

    pub fn arg(&self, i: usize) -> &Value {
        &self.args[i]
    }

    /// An argument of the wrong type.
    pub fn bad_arg(&self, i: usize) -> RuntimeError {
        let value = &self.args[i];
        let shown = match value {
            Value::Str(s) => crate::display::quote(s),
            Value::Closure(_) | Value::Native(_) => "a closure".to_string(),
            other => {
                let text = other.to_string();
                if text.chars().count() > 40 {
                    format!("a {}", other.type_name())
                } else {
                    text
                }
            }
        };
        RuntimeError::type_error(format!(
            "`{}` cannot take {shown} ({}) as argument {}: {}",
            self.name(),
            value.type_name(),
            i + 1,
            self.method.signature()
        ))
    }

    pub fn int(&self, i: usize) -> Result<i64, RuntimeError> {
        match self.arg(i) {
            Value::Int(n) => Ok(*n),
            _ => Err(self.bad_arg(i)),
        }
    }

    /// An integer argument Java takes as an `int` (indices, counts).
    pub fn int32(&self, i: usize) -> Result<i64, RuntimeError> {
        let n = self.int(i)?;
        if i32::try_from(n).is_err() {
            return Err(self.bad_arg(i));
        }
        Ok(n)
    }

    pub fn str(&self, i: usize) -> Result<&str, RuntimeError> {
        match self.arg(i) {
            Value::Str(s) => Ok(s),
            Value::Null => Err(null_argument(self, i)),
            _ => Err(self.bad_arg(i)),
        }
    }

    pub fn closure(&self, i: usize) -> Result<&Value, RuntimeError> {
        match self.arg(i) {
            value @ (Value::Closure(_) | Value::Native(_)) => Ok(value),
            _ => Err(self.bad_arg(i)),
        }
    }
}

fn null_argument(call: &Call, i: usize) -> RuntimeError {
    RuntimeError::new(
        ErrorKind::NullReference,
        format!("`{}` cannot take null as argument {}: {}", call.name(), i + 1, call.method.signature()),
    )
}

pub(crate) fn is_closure(value: &Value) -> bool {
    matches!(value, Value::Closure(_) | Value::Native(_))
}

/// How many parameters a closure declares (the implicit `it` counts as one).
pub(crate) fn arity(closure: &Value) -> usize {
    match closure {
        Value::Closure(c) => c.params.map_or(1, usize::from),
        Value::Native(n) => n.arity.map_or(1, usize::from),
        _ => 1,
    }
}

pub(crate) fn call1(inv: &mut dyn Invoke, closure: &Value, arg: Value) -> Result<Value, RuntimeError> {
    inv.invoke(closure, vec![arg])
}

/// Groovy truth of what a closure returned.
pub(crate) fn test(inv: &mut dyn Invoke, closure: &Value, arg: Value) -> Result<bool, RuntimeError> {
    Ok(ops::truthy(&call1(inv, closure, arg)?))
}

/// A map entry as the standard library hands it to scripts: a record with `key` and
/// `value` (printed `key=value`, as Groovy does), detached from any map.
pub fn entry(key: Value, value: Value) -> Value {
    entry_in(key, value, Value::Null)
}

/// An entry of `map`: assigning its `value` changes the map (`map.each { it.value = 0 }`).
pub fn entry_in(key: Value, value: Value, map: Value) -> Value {
    let shape = replica_compiler::shapes::shapes().object("Entry").expect("the entry shape exists");
    Value::record(shape, vec![key, value, map])
}

/// The key and value of an entry record from [`entry`].
pub fn entry_parts(value: &Value) -> Option<(Value, Value)> {
    match value {
        Value::Record(record) if record.shape.name == "Entry" => {
            let slots = record.slots.borrow();
            Some((slots[0].clone(), slots[1].clone()))
        }
        _ => None,
    }
}

/// Calls a closure with a map entry the way Groovy does: key and value when it declares two
/// parameters (three with `extra`, e.g. the index of `eachWithIndex`), else the entry.
pub(crate) fn call_entry(
    inv: &mut dyn Invoke,
    closure: &Value,
    map: &crate::value::MapRef,
    key: &Value,
    value: &Value,
    extra: Option<Value>,
) -> Result<Value, RuntimeError> {
    let spread = arity(closure) == if extra.is_some() { 3 } else { 2 };
    let mut args = if spread {
        vec![key.clone(), value.clone()]
    } else {
        vec![entry_in(key.clone(), value.clone(), Value::Map(map.clone()))]
    };
    args.extend(extra);
    inv.invoke(closure, args)
}

/// A comparator result from a closure: a number compared with zero.
pub(crate) fn ordering_of(result: &Value, name: &str) -> Result<Ordering, RuntimeError> {
    match result {
        Value::Int(n) => Ok(n.cmp(&0)),
        Value::Decimal(d) => Ok(d.cmp(&rust_decimal::Decimal::ZERO)),
        other => Err(RuntimeError::type_error(format!(
            "the comparator closure of `{name}` must return a number (negative, zero or positive), not {} ({})",
            other,
            other.type_name()
        ))),
    }
}

/// Groovy's `NumberAwareComparator` (natural order for `sort()`, `unique()`, `intersect`):
/// nulls first, numbers by value, otherwise `compareTo`; values that cannot be compared are
/// ordered by Java hash code.
pub(crate) fn natural_compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => return Ordering::Equal,
        (Value::Null, _) => return Ordering::Less,
        (_, Value::Null) => return Ordering::Greater,
        _ => {}
    }
    if let Ok(ordering) = ops::compare(a, b) {
        return ordering;
    }
    let (x, y) = (java::hash(a), java::hash(b));
    if x == y && ops::java_equals(a, b) {
        Ordering::Equal
    } else if x > y {
        Ordering::Greater
    } else {
        Ordering::Less
    }
}

/// A stable merge sort with a fallible comparator (closures may fail; an inconsistent
/// comparator gives some order instead of a panic).
pub(crate) fn sort_by<T: Clone>(
    items: &mut [T],
    compare: &mut dyn FnMut(&T, &T) -> Result<Ordering, RuntimeError>,
) -> Result<(), RuntimeError> {
    let len = items.len();
    if len < 2 {
        return Ok(());
    }
    // Insertion sort for short runs, then bottom-up merges.
    const RUN: usize = 8;
    for start in (0..len).step_by(RUN) {
        let end = (start + RUN).min(len);
        for i in start + 1..end {
            let mut j = i;
            while j > start && compare(&items[j - 1], &items[j])? == Ordering::Greater {
                items.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    let mut width = RUN;
    let mut buffer: Vec<T> = Vec::with_capacity(len);
    while width < len {
        let mut start = 0;
        while start < len {
            let mid = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            if mid < end {
                buffer.clear();
                let (mut i, mut j) = (start, mid);
                while i < mid && j < end {
                    if compare(&items[j], &items[i])? == Ordering::Less {
                        buffer.push(items[j].clone());
                        j += 1;
                    } else {
                        buffer.push(items[i].clone());
                        i += 1;
                    }
                }
                buffer.extend_from_slice(&items[i..mid]);
                buffer.extend_from_slice(&items[j..end]);
                items[start..end].clone_from_slice(&buffer);
            }
            start = end;
        }
        width *= 2;
    }
    Ok(())
}

/// Sorts values the way Groovy's `sort` does: naturally, by the key a one-parameter closure
/// returns, or with a two-parameter comparator closure.
pub(crate) fn sort_values(
    inv: &mut dyn Invoke,
    items: &mut [Value],
    closure: Option<&Value>,
    name: &str,
) -> Result<(), RuntimeError> {
    match closure {
        None => sort_by(items, &mut |a, b| Ok(natural_compare(a, b))),
        Some(c) if arity(c) == 2 => {
            sort_by(items, &mut |a, b| ordering_of(&inv.invoke(c, vec![a.clone(), b.clone()])?, name))
        }
        Some(c) => {
            let mut keyed = Vec::with_capacity(items.len());
            for item in items.iter() {
                keyed.push((call1(inv, c, item.clone())?, item.clone()));
            }
            sort_by(&mut keyed, &mut |a, b| Ok(natural_compare(&a.0, &b.0)))?;
            for (slot, (_, item)) in items.iter_mut().zip(keyed) {
                *slot = item;
            }
            Ok(())
        }
    }
}

/// `min`/`max` of values, by the key a one-parameter closure returns or a two-parameter
/// comparator. Without a closure nulls are skipped (Groovy's `min()`/`max()`); of equal
/// values the first wins.
pub(crate) fn extreme(
    inv: &mut dyn Invoke,
    items: &[Value],
    closure: Option<&Value>,
    want: Ordering,
    name: &str,
) -> Result<Value, RuntimeError> {
    match closure {
        None => {
            let mut best: Option<&Value> = None;
            for item in items.iter().filter(|v| !v.is_null()) {
                best = match best {
                    Some(current) if ops::compare(item, current)? != want => Some(current),
                    _ => Some(item),
                };
            }
            Ok(best.cloned().unwrap_or(Value::Null))
        }
        Some(c) if arity(c) == 2 => {
            let mut best: Option<&Value> = None;
            for item in items {
                best = match best {
                    Some(current)
                        if ordering_of(&inv.invoke(c, vec![item.clone(), current.clone()])?, name)?
                            != want =>
                    {
                        Some(current)
                    }
                    _ => Some(item),
                };
            }
            Ok(best.cloned().unwrap_or(Value::Null))
        }
        Some(c) => {
            let mut best: Option<(Value, &Value)> = None;
            for item in items {
                let key = call1(inv, c, item.clone())?;
                let replace = match &best {
                    None => true,
                    // Groovy keeps looking while the answer so far is null.
                    Some((_, current)) if current.is_null() => true,
                    Some((best_key, _)) => ops::compare(&key, best_key)? == want,
                };
                if replace {
                    best = Some((key, item));
                }
            }
            Ok(best.map_or(Value::Null, |(_, item)| item.clone()))
        }
    }
}

/// Groovy's `sum`: `+` over the values, starting from `initial` when given; null when there
/// is nothing to add.
pub(crate) fn sum_values(
    initial: Option<Value>,
    values: impl IntoIterator<Item = Value>,
) -> Result<Value, RuntimeError> {
    let mut total = initial;
    for value in values {
        total = Some(match total {
            None => value,
            Some(sum) => ops::binary(replica_grammar::ast::BinaryOp::Add, &sum, &value)?,
        });
    }
    Ok(total.unwrap_or(Value::Null))
}

/// Adds what a `collectEntries` closure returned to the map being built: a map, or a
/// `[key, value]` list.
pub(crate) fn add_entry(map: &mut crate::value::ValueMap, produced: Value) -> Result<(), RuntimeError> {
    if let Some((key, value)) = entry_parts(&produced) {
        map.insert(Key(key), value);
        return Ok(());
    }
    match produced {
        Value::Map(entries) => {
            for (k, v) in entries.borrow().iter() {
                map.insert(k.clone(), v.clone());
            }
            Ok(())
        }
        Value::List(pair) => {
            let pair = pair.borrow();
            let key = pair.first().cloned().unwrap_or(Value::Null);
            let value = pair.get(1).cloned().unwrap_or(Value::Null);
            map.insert(Key(key), value);
            Ok(())
        }
        other => Err(RuntimeError::type_error(format!(
            "`collectEntries` needs a map or a [key, value] list for each entry, not {other} ({})",
            other.type_name()
        ))),
    }
}

/// An index error in Java's words, for `get`, `subList`, `substring`, ….
pub(crate) fn out_of_bounds(message: impl Into<String>) -> RuntimeError {
    RuntimeError::new(ErrorKind::IndexOutOfBounds, message)
}

/// Most items a range may be turned into at once (a list method on `1..1000000000`).
pub(crate) const MAX_MATERIALIZED: i64 = 10_000_000;
