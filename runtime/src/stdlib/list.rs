//! List methods (ranges use the non-mutating ones through `range.rs`).
//!
//! Iterating methods work on a snapshot of the items, so a closure that changes the list
//! does not disturb the iteration (Groovy would throw a ConcurrentModificationException).

use std::cmp::Ordering;

use indexmap::IndexMap;
use replica_grammar::ast::BinaryOp;

use super::{
    add_entry, arity, call1, extreme, is_closure, java, natural_compare, ordering_of, out_of_bounds,
    sort_values, sum_values, test, Call, MAX_MATERIALIZED,
};
use crate::ops;
use crate::value::{ErrorKind, Invoke, Key, RuntimeError, Value, ValueMap};

pub(super) const METHODS: &[&str] = &[
    "size",
    "isEmpty",
    "contains",
    "containsAll",
    "get",
    "getAt",
    "first",
    "head",
    "last",
    "tail",
    "init",
    "collect",
    "collectEntries",
    "collectMany",
    "find",
    "findAll",
    "findIndexOf",
    "findLastIndexOf",
    "findResult",
    "each",
    "eachWithIndex",
    "reverseEach",
    "any",
    "every",
    "inject",
    "sum",
    "sort",
    "toSorted",
    "unique",
    "toUnique",
    "reverse",
    "join",
    "plus",
    "minus",
    "multiply",
    "flatten",
    "min",
    "max",
    "count",
    "countBy",
    "groupBy",
    "indexOf",
    "lastIndexOf",
    "add",
    "addAll",
    "leftShift",
    "push",
    "pop",
    "remove",
    "removeAll",
    "clear",
    "take",
    "drop",
    "takeWhile",
    "dropWhile",
    "subList",
    "toList",
    "toSet",
    "intersect",
    "disjoint",
    "withIndex",
];

/// The items of a list (a copy) or a range (bounded: a huge range is an error).
pub(super) fn snapshot(value: &Value) -> Result<Vec<Value>, RuntimeError> {
    match value {
        Value::List(items) => Ok(items.borrow().clone()),
        Value::Range { from, to, inclusive } => {
            let len = ops::range_len(*from, *to, *inclusive);
            if len > MAX_MATERIALIZED as u64 {
                return Err(RuntimeError::new(
                    ErrorKind::Limit,
                    format!(
                        "the range {} has {len} items, too many to make a list of",
                        crate::display::range_literal(*from, *to, *inclusive)
                    ),
                ));
            }
            Ok(ops::range_values(*from, *to, *inclusive).map(Value::Int).collect())
        }
        _ => Err(RuntimeError::type_error(format!("{} is not a list", ops::article(value)))),
    }
}

/// A list or range argument's items.
fn items_arg(call: &Call, i: usize) -> Result<Vec<Value>, RuntimeError> {
    match call.arg(i) {
        value @ (Value::List(_) | Value::Range { .. }) => snapshot(value),
        _ => Err(call.bad_arg(i)),
    }
}

fn empty_error(what: &str) -> RuntimeError {
    RuntimeError::new(ErrorKind::IndexOutOfBounds, format!("cannot access {what} of an empty list"))
}

fn index_error(index: i64, len: usize) -> RuntimeError {
    out_of_bounds(format!("index {index} is out of bounds for a List of size {len}"))
}

pub(super) fn call(inv: &mut dyn Invoke, receiver: &Value, call: Call) -> Result<Value, RuntimeError> {
    // Methods that change the list (only reachable for real lists, not ranges).
    if let Value::List(list) = receiver {
        match call.name() {
            "add" => {
                let mut items = list.borrow_mut();
                return Ok(if call.len() == 1 {
                    items.push(call.arg(0).clone());
                    Value::Bool(true)
                } else {
                    let at = call.int(0)?;
                    if at < 0 || at as usize > items.len() {
                        return Err(index_error(at, items.len()));
                    }
                    items.insert(at as usize, call.arg(1).clone());
                    Value::Null
                });
            }
            "push" => {
                list.borrow_mut().push(call.arg(0).clone());
                return Ok(Value::Bool(true));
            }
            "addAll" => {
                let more = items_arg(&call, 0)?;
                let changed = !more.is_empty();
                list.borrow_mut().extend(more);
                return Ok(Value::Bool(changed));
            }
            "leftShift" => return ops::binary(BinaryOp::Shl, receiver, call.arg(0)),
            "pop" => {
                return list.borrow_mut().pop().ok_or_else(|| {
                    RuntimeError::new(ErrorKind::IndexOutOfBounds, "cannot pop() an empty list")
                })
            }
            "remove" => {
                let mut items = list.borrow_mut();
                return Ok(match call.arg(0) {
                    Value::Int(at) => {
                        if *at < 0 || *at as usize >= items.len() {
                            return Err(index_error(*at, items.len()));
                        }
                        items.remove(*at as usize)
                    }
                    item => match items.iter().position(|x| ops::java_equals(x, item)) {
                        Some(at) => {
                            items.remove(at);
                            Value::Bool(true)
                        }
                        None => Value::Bool(false),
                    },
                });
            }
            "removeAll" => {
                let before = list.borrow().len();
                if is_closure(call.arg(0)) {
                    let closure = call.arg(0);
                    let mut kept = Vec::with_capacity(before);
                    for item in snapshot(receiver)? {
                        if !test(inv, closure, item.clone())? {
                            kept.push(item);
                        }
                    }
                    *list.borrow_mut() = kept;
                } else {
                    let removed = items_arg(&call, 0)?;
                    list.borrow_mut().retain(|x| !removed.iter().any(|r| ops::java_equals(x, r)));
                }
                return Ok(Value::Bool(list.borrow().len() != before));
            }
            "clear" => {
                list.borrow_mut().clear();
                return Ok(Value::Null);
            }
            "sort" | "unique" => {
                let mutate = !matches!(call.args.first(), Some(Value::Bool(false)));
                let closure = closure_after_flag(&call)?;
                let mut items = snapshot(receiver)?;
                if call.name() == "sort" {
                    sort_values(inv, &mut items, closure, "sort")?;
                } else {
                    items = unique(inv, items, closure)?;
                }
                return Ok(if mutate {
                    *list.borrow_mut() = items;
                    receiver.clone()
                } else {
                    Value::list(items)
                });
            }
            _ => {}
        }
    }
    let items = snapshot(receiver)?;
    let len = items.len();
    Ok(match call.name() {
        "size" => Value::Int(len as i64),
        "isEmpty" => Value::Bool(items.is_empty()),
        "contains" => Value::Bool(items.iter().any(|x| ops::java_equals(x, call.arg(0)))),
        "containsAll" => {
            let wanted = items_arg(&call, 0)?;
            Value::Bool(wanted.iter().all(|w| items.iter().any(|x| ops::java_equals(x, w))))
        }
        "get" => {
            let at = call.int(0)?;
            if at < 0 || at as usize >= len {
                return Err(index_error(at, len));
            }
            items[at as usize].clone()
        }
        "getAt" => ops::index(receiver, call.arg(0))?,
        "first" | "head" => items.first().cloned().ok_or_else(|| empty_error("first()"))?,
        "last" => items.last().cloned().ok_or_else(|| empty_error("last()"))?,
        "tail" => {
            if items.is_empty() {
                return Err(empty_error("tail()"));
            }
            Value::list(items[1..].to_vec())
        }
        "init" => {
            if items.is_empty() {
                return Err(empty_error("init()"));
            }
            Value::list(items[..len - 1].to_vec())
        }
        "collect" => match call.args.first() {
            None => Value::list(items),
            Some(_) => {
                let closure = call.closure(0)?;
                let mut out = Vec::with_capacity(len);
                for item in items {
                    out.push(call1(inv, closure, item)?);
                }
                Value::list(out)
            }
        },
        "collectEntries" => {
            let closure = match call.args.first() {
                Some(_) => Some(call.closure(0)?),
                None => None,
            };
            let mut map = ValueMap::default();
            for item in items {
                let produced = match closure {
                    Some(closure) => call1(inv, closure, item)?,
                    None => item,
                };
                add_entry(&mut map, produced)?;
            }
            Value::map(map)
        }
        "collectMany" => {
            let closure = call.closure(0)?;
            let mut out = Vec::new();
            for item in items {
                extend_collect_many(&mut out, call1(inv, closure, item)?)?;
            }
            Value::list(out)
        }
        "find" => {
            for item in items {
                if passes(inv, &call, &item)? {
                    return Ok(item);
                }
            }
            Value::Null
        }
        "findAll" => {
            let mut kept = Vec::new();
            for item in items {
                if passes(inv, &call, &item)? {
                    kept.push(item);
                }
            }
            Value::list(kept)
        }
        "findIndexOf" | "findLastIndexOf" => {
            let closure = call.closure(0)?;
            let mut found = -1i64;
            for (i, item) in items.into_iter().enumerate() {
                if test(inv, closure, item)? {
                    found = i as i64;
                    if call.name() == "findIndexOf" {
                        break;
                    }
                }
            }
            Value::Int(found)
        }
        "findResult" => {
            let closure = call.closure(0)?;
            for item in items {
                let result = call1(inv, closure, item)?;
                if !result.is_null() {
                    return Ok(result);
                }
            }
            Value::Null
        }
        "each" | "reverseEach" => {
            let closure = call.closure(0)?;
            let ordered: Box<dyn Iterator<Item = Value>> = if call.name() == "each" {
                Box::new(items.into_iter())
            } else {
                Box::new(items.into_iter().rev())
            };
            for item in ordered {
                call1(inv, closure, item)?;
            }
            receiver.clone()
        }
        "eachWithIndex" => {
            let closure = call.closure(0)?;
            for (i, item) in items.into_iter().enumerate() {
                inv.invoke(closure, vec![item, Value::Int(i as i64)])?;
            }
            receiver.clone()
        }
        "any" | "every" => {
            let want = call.name() == "any";
            for item in items {
                if passes(inv, &call, &item)? == want {
                    return Ok(Value::Bool(want));
                }
            }
            Value::Bool(!want)
        }
        "inject" => {
            let (mut acc, rest) = if call.len() == 2 {
                (call.arg(0).clone(), items)
            } else {
                let mut rest = items.into_iter();
                let first = rest.next().ok_or_else(|| {
                    RuntimeError::new(
                        ErrorKind::IndexOutOfBounds,
                        "cannot call inject() on an empty list without an initial value",
                    )
                })?;
                (first, rest.collect())
            };
            let closure = call.closure(call.len() - 1)?;
            for item in rest {
                acc = inv.invoke(closure, vec![acc, item])?;
            }
            acc
        }
        "sum" => {
            let (initial, closure) = match call.args.as_slice() {
                [] => (None, None),
                [only] if is_closure(only) => (None, Some(only)),
                [initial] => (Some(initial.clone()), None),
                [initial, _] => (Some(initial.clone()), Some(call.closure(1)?)),
                _ => return Err(call.bad_arg(2)),
            };
            match closure {
                Some(closure) => {
                    let mut mapped = Vec::with_capacity(len);
                    for item in items {
                        mapped.push(call1(inv, closure, item)?);
                    }
                    sum_values(initial, mapped)?
                }
                None => sum_values(initial, items)?,
            }
        }
        "toSorted" => {
            let mut items = items;
            let closure = match call.args.first() {
                Some(_) => Some(call.closure(0)?),
                None => None,
            };
            sort_values(inv, &mut items, closure, "toSorted")?;
            Value::list(items)
        }
        "toUnique" => {
            let closure = match call.args.first() {
                Some(_) => Some(call.closure(0)?),
                None => None,
            };
            Value::list(unique(inv, items, closure)?)
        }
        // On a range (the dispatcher lets only the copying `sort(false)`/`unique(false)` through).
        "sort" | "unique" => {
            let closure = closure_after_flag(&call)?;
            let mut items = items;
            if call.name() == "sort" {
                sort_values(inv, &mut items, closure, "sort")?;
            } else {
                items = unique(inv, items, closure)?;
            }
            Value::list(items)
        }
        "reverse" => Value::list(items.into_iter().rev().collect()),
        "join" => {
            let separator = match call.args.first() {
                None | Some(Value::Null) => "",
                Some(_) => call.str(0)?,
            };
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(separator);
                }
                match item {
                    Value::Str(text) => out.push_str(text),
                    other => out.push_str(&other.to_string()),
                }
                if out.len() > ops::MAX_BUILT_LEN {
                    return Err(RuntimeError::new(ErrorKind::Limit, "the joined string is too long"));
                }
            }
            Value::str(&out)
        }
        "plus" => ops::add(receiver, call.arg(0))?,
        "minus" => ops::sub(receiver, call.arg(0))?,
        "multiply" => ops::mul(receiver, call.arg(0))?,
        "flatten" => {
            let mut out = Vec::new();
            flatten_into(&items, &mut out, 0)?;
            Value::list(out)
        }
        "min" | "max" => {
            let closure = match call.args.first() {
                Some(_) => Some(call.closure(0)?),
                None => None,
            };
            let want = if call.name() == "min" { Ordering::Less } else { Ordering::Greater };
            extreme(inv, &items, closure, want, call.name())?
        }
        "count" => {
            let mut n = 0i64;
            if is_closure(call.arg(0)) {
                for item in items {
                    if test(inv, call.arg(0), item)? {
                        n += 1;
                    }
                }
            } else {
                n = items.iter().filter(|x| ops::equals(x, call.arg(0))).count() as i64;
            }
            Value::Int(n)
        }
        "countBy" | "groupBy" => {
            let closure = call.closure(0)?;
            let mut groups: IndexMap<Key, Vec<Value>> = IndexMap::new();
            for item in items {
                let key = call1(inv, closure, item.clone())?;
                groups.entry(Key(key)).or_default().push(item);
            }
            let counting = call.name() == "countBy";
            Value::map(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, if counting { Value::Int(v.len() as i64) } else { Value::list(v) }))
                    .collect::<ValueMap>(),
            )
        }
        "indexOf" => {
            Value::Int(items.iter().position(|x| ops::java_equals(x, call.arg(0))).map_or(-1, |i| i as i64))
        }
        "lastIndexOf" => {
            Value::Int(items.iter().rposition(|x| ops::java_equals(x, call.arg(0))).map_or(-1, |i| i as i64))
        }
        "take" => {
            let n = call.int(0)?;
            Value::list(if n <= 0 { Vec::new() } else { items.into_iter().take(n as usize).collect() })
        }
        "drop" => {
            let n = call.int(0)?;
            Value::list(if n <= 0 { items } else { items.into_iter().skip(n as usize).collect() })
        }
        "takeWhile" | "dropWhile" => {
            let closure = call.closure(0)?;
            let mut cut = len;
            for (i, item) in items.iter().enumerate() {
                if !test(inv, closure, item.clone())? {
                    cut = i;
                    break;
                }
            }
            Value::list(if call.name() == "takeWhile" {
                items[..cut].to_vec()
            } else {
                items[cut..].to_vec()
            })
        }
        "subList" => {
            let (from, to) = (call.int(0)?, call.int(1)?);
            if from < 0 || to as u128 > len as u128 || from > to {
                return Err(out_of_bounds(format!("subList({from}, {to}) of a List of size {len}")));
            }
            Value::list(items[from as usize..to as usize].to_vec())
        }
        "toList" => Value::list(items),
        "toSet" => {
            let mut distinct: Vec<Value> = Vec::with_capacity(len);
            for item in items {
                if !distinct.iter().any(|seen| ops::java_equals(seen, &item)) {
                    distinct.push(item);
                }
            }
            Value::list(java::hash_set_order(distinct, len))
        }
        "intersect" => {
            // Groovy 2.4: look the items of the smaller list up in the larger one (numbers
            // by value); the result keeps the smaller list's order (the argument's on a tie).
            let (mut left, mut right) = (items, items_arg(&call, 0)?);
            if left.is_empty() || right.is_empty() {
                return Ok(Value::list(Vec::new()));
            }
            if left.len() < right.len() {
                std::mem::swap(&mut left, &mut right);
            }
            let kept = right
                .into_iter()
                .filter(|t| left.iter().any(|x| natural_compare(x, t) == Ordering::Equal))
                .collect();
            Value::list(kept)
        }
        "disjoint" => {
            let other = items_arg(&call, 0)?;
            Value::Bool(!items.iter().any(|x| other.iter().any(|y| natural_compare(y, x) == Ordering::Equal)))
        }
        "withIndex" => Value::list(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| Value::list(vec![item, Value::Int(i as i64)]))
                .collect(),
        ),
        other => unreachable!("List.{other} is in the registry but not implemented"),
    })
}

/// Groovy truth of the item, or of what the (optional) closure returns for it.
fn passes(inv: &mut dyn Invoke, call: &Call, item: &Value) -> Result<bool, RuntimeError> {
    match call.args.first() {
        None => Ok(ops::truthy(item)),
        Some(_) => test(inv, call.closure(0)?, item.clone()),
    }
}

/// The closure of `sort([mutate,] [closure])` / `unique([mutate,] [closure])`.
fn closure_after_flag(call: &Call) -> Result<Option<&Value>, RuntimeError> {
    match call.args.as_slice() {
        [] => Ok(None),
        [Value::Bool(_)] => Ok(None),
        [_] => call.closure(0).map(Some),
        [Value::Bool(_), _] => call.closure(1).map(Some),
        _ => Err(call.bad_arg(0)),
    }
}

/// Groovy's `unique`: the first of each group of equal items. Equal means `==` without a
/// closure, equal keys for a one-parameter closure, a zero result for a comparator.
fn unique(
    inv: &mut dyn Invoke,
    items: Vec<Value>,
    closure: Option<&Value>,
) -> Result<Vec<Value>, RuntimeError> {
    let mut kept: Vec<Value> = Vec::new();
    match closure {
        None => {
            for item in items {
                if !kept.iter().any(|k| ops::equals(&item, k)) {
                    kept.push(item);
                }
            }
        }
        Some(c) if arity(c) == 2 => {
            for item in items {
                let mut duplicate = false;
                for k in &kept {
                    if ordering_of(&inv.invoke(c, vec![item.clone(), k.clone()])?, "unique")?
                        == Ordering::Equal
                    {
                        duplicate = true;
                        break;
                    }
                }
                if !duplicate {
                    kept.push(item);
                }
            }
        }
        Some(c) => {
            let mut keys: Vec<Value> = Vec::new();
            for item in items {
                let key = call1(inv, c, item.clone())?;
                if !keys.iter().any(|k| ops::equals(&key, k) || natural_compare(&key, k) == Ordering::Equal) {
                    keys.push(key);
                    kept.push(item);
                }
            }
        }
    }
    Ok(kept)
}

fn flatten_into(items: &[Value], out: &mut Vec<Value>, depth: usize) -> Result<(), RuntimeError> {
    if depth > 200 {
        return Err(RuntimeError::new(
            ErrorKind::Limit,
            "cannot flatten a list nested more than 200 deep (does it contain itself?)",
        ));
    }
    for item in items {
        match item {
            Value::List(_) | Value::Range { .. } => flatten_into(&snapshot(item)?, out, depth + 1)?,
            other => out.push(other.clone()),
        }
        if out.len() > ops::MAX_BUILT_LEN {
            return Err(RuntimeError::new(ErrorKind::Limit, "the flattened list is too long"));
        }
    }
    Ok(())
}

/// Adds what a `collectMany` closure returned (a list or range) to the result.
pub(super) fn extend_collect_many(out: &mut Vec<Value>, produced: Value) -> Result<(), RuntimeError> {
    match produced {
        Value::List(_) | Value::Range { .. } => {
            out.extend(snapshot(&produced)?);
            Ok(())
        }
        other => Err(RuntimeError::type_error(format!(
            "the closure of `collectMany` must return a list, not {}",
            ops::article(&other)
        ))),
    }
}
