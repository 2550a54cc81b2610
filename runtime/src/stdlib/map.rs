//! Map methods. Maps keep insertion order (Groovy's LinkedHashMap). Closures get an entry
//! (`[key: k, value: v]`, see [`super::entry`]) or, when they declare two parameters, the
//! key and the value.

use std::cmp::Ordering;

use indexmap::IndexMap;

use super::{add_entry, call_entry, entry, entry_in, entry_parts, extreme, sort_values, Call};
use crate::ops;
use crate::value::{Invoke, Key, MapRef, RuntimeError, Value, ValueMap};

pub(super) const METHODS: &[&str] = &[
    "size",
    "isEmpty",
    "get",
    "getOrDefault",
    "getAt",
    "put",
    "putAll",
    "containsKey",
    "containsValue",
    "keySet",
    "values",
    "entrySet",
    "each",
    "eachWithIndex",
    "collect",
    "collectEntries",
    "collectMany",
    "find",
    "findAll",
    "findResult",
    "any",
    "every",
    "count",
    "inject",
    "remove",
    "clear",
    "plus",
    "minus",
    "subMap",
    "sort",
    "min",
    "max",
    "groupBy",
];

fn pairs(map: &MapRef) -> Vec<(Value, Value)> {
    map.borrow().iter().map(|(k, v)| (k.0.clone(), v.clone())).collect()
}

fn entries(map: &MapRef) -> Vec<Value> {
    map.borrow().iter().map(|(k, v)| entry_in(k.0.clone(), v.clone(), Value::Map(map.clone()))).collect()
}

/// The key and value of an entry made by [`entries`].
fn parts(value: &Value) -> (Value, Value) {
    entry_parts(value).unwrap_or((Value::Null, Value::Null))
}

pub(super) fn call(inv: &mut dyn Invoke, receiver: &Value, call: Call) -> Result<Value, RuntimeError> {
    let Value::Map(map) = receiver else { unreachable!("Map methods are looked up for maps only") };
    let key = |i: usize| Key(call.arg(i).clone());
    Ok(match call.name() {
        "size" => Value::Int(map.borrow().len() as i64),
        "isEmpty" => Value::Bool(map.borrow().is_empty()),
        "get" => {
            let mut m = map.borrow_mut();
            match m.get(&key(0)) {
                Some(value) => value.clone(),
                // With a default, Groovy adds the missing key.
                None if call.len() == 2 => {
                    m.insert(key(0), call.arg(1).clone());
                    call.arg(1).clone()
                }
                None => Value::Null,
            }
        }
        "getOrDefault" => map.borrow().get(&key(0)).cloned().unwrap_or_else(|| call.arg(1).clone()),
        "getAt" => ops::index(receiver, call.arg(0))?,
        "put" => map.borrow_mut().insert(key(0), call.arg(1).clone()).unwrap_or(Value::Null),
        "putAll" => match call.arg(0) {
            Value::Map(other) => {
                let added = pairs(other);
                let mut m = map.borrow_mut();
                for (k, v) in added {
                    m.insert(Key(k), v);
                }
                Value::Null
            }
            _ => return Err(call.bad_arg(0)),
        },
        "containsKey" => Value::Bool(map.borrow().contains_key(&key(0))),
        "containsValue" => Value::Bool(map.borrow().values().any(|v| ops::java_equals(v, call.arg(0)))),
        "keySet" => Value::list(map.borrow().keys().map(|k| k.0.clone()).collect()),
        "values" => Value::list(map.borrow().values().cloned().collect()),
        "entrySet" => Value::list(entries(map)),
        "each" => {
            let closure = call.closure(0)?;
            for (k, v) in pairs(map) {
                call_entry(inv, closure, map, &k, &v, None)?;
            }
            receiver.clone()
        }
        "eachWithIndex" => {
            let closure = call.closure(0)?;
            for (i, (k, v)) in pairs(map).into_iter().enumerate() {
                call_entry(inv, closure, map, &k, &v, Some(Value::Int(i as i64)))?;
            }
            receiver.clone()
        }
        "collect" => match call.args.first() {
            None => Value::list(entries(map)),
            Some(_) => {
                let closure = call.closure(0)?;
                let mut out = Vec::new();
                for (k, v) in pairs(map) {
                    out.push(call_entry(inv, closure, map, &k, &v, None)?);
                }
                Value::list(out)
            }
        },
        "collectEntries" => {
            let closure = call.closure(0)?;
            let mut out = ValueMap::default();
            for (k, v) in pairs(map) {
                add_entry(&mut out, call_entry(inv, closure, map, &k, &v, None)?)?;
            }
            Value::map(out)
        }
        "collectMany" => {
            let closure = call.closure(0)?;
            let mut out = Vec::new();
            for (k, v) in pairs(map) {
                super::list::extend_collect_many(&mut out, call_entry(inv, closure, map, &k, &v, None)?)?;
            }
            Value::list(out)
        }
        "find" => {
            let closure = call.closure(0)?;
            for (k, v) in pairs(map) {
                if ops::truthy(&call_entry(inv, closure, map, &k, &v, None)?) {
                    return Ok(entry(k, v));
                }
            }
            Value::Null
        }
        "findAll" => {
            let closure = call.closure(0)?;
            let mut kept = ValueMap::default();
            for (k, v) in pairs(map) {
                if ops::truthy(&call_entry(inv, closure, map, &k, &v, None)?) {
                    kept.insert(Key(k), v);
                }
            }
            Value::map(kept)
        }
        "findResult" => {
            let closure = call.closure(0)?;
            for (k, v) in pairs(map) {
                let result = call_entry(inv, closure, map, &k, &v, None)?;
                if !result.is_null() {
                    return Ok(result);
                }
            }
            Value::Null
        }
        "any" | "every" => {
            let closure = call.closure(0)?;
            let want = call.name() == "any";
            for (k, v) in pairs(map) {
                if ops::truthy(&call_entry(inv, closure, map, &k, &v, None)?) == want {
                    return Ok(Value::Bool(want));
                }
            }
            Value::Bool(!want)
        }
        "count" => {
            let closure = call.closure(0)?;
            let mut n = 0i64;
            for (k, v) in pairs(map) {
                if ops::truthy(&call_entry(inv, closure, map, &k, &v, None)?) {
                    n += 1;
                }
            }
            Value::Int(n)
        }
        "inject" => {
            let closure = call.closure(call.len() - 1)?;
            let mut rest = pairs(map).into_iter();
            let mut acc = if call.len() == 2 {
                call.arg(0).clone()
            } else {
                match rest.next() {
                    Some((k, v)) => entry(k, v),
                    None => {
                        return Err(RuntimeError::new(
                            crate::value::ErrorKind::IndexOutOfBounds,
                            "cannot call inject() on an empty map without an initial value",
                        ))
                    }
                }
            };
            let spread = super::arity(closure) == 3;
            for (k, v) in rest {
                let args = if spread { vec![acc, k, v] } else { vec![acc, entry(k, v)] };
                acc = inv.invoke(closure, args)?;
            }
            acc
        }
        "remove" => map.borrow_mut().shift_remove(&key(0)).unwrap_or(Value::Null),
        "clear" => {
            map.borrow_mut().clear();
            Value::Null
        }
        "plus" => match call.arg(0) {
            Value::Map(_) => ops::add(receiver, call.arg(0))?,
            _ => return Err(call.bad_arg(0)),
        },
        "minus" => match call.arg(0) {
            Value::Map(_) => ops::sub(receiver, call.arg(0))?,
            _ => return Err(call.bad_arg(0)),
        },
        "subMap" => {
            let keys = match call.arg(0) {
                value @ (Value::List(_) | Value::Range { .. }) => super::list::snapshot(value)?,
                _ => return Err(call.bad_arg(0)),
            };
            let m = map.borrow();
            let mut out = ValueMap::default();
            for k in keys {
                let k = Key(k);
                if let Some(v) = m.get(&k) {
                    out.insert(k, v.clone());
                }
            }
            Value::map(out)
        }
        "sort" => {
            let closure = match call.args.first() {
                Some(_) => Some(call.closure(0)?),
                None => None,
            };
            let mut sorted = entries(map);
            match closure {
                Some(closure) => sort_values(inv, &mut sorted, Some(closure), "sort")?,
                // Without a closure: by key (Groovy returns a TreeMap).
                None => super::sort_by(&mut sorted, &mut |a, b| {
                    let ((ka, _), (kb, _)) = (parts(a), parts(b));
                    Ok(super::natural_compare(&ka, &kb))
                })?,
            }
            Value::map(
                sorted
                    .iter()
                    .map(|e| {
                        let (k, v) = parts(e);
                        (Key(k), v)
                    })
                    .collect::<ValueMap>(),
            )
        }
        "min" | "max" => {
            let closure = call.closure(0)?;
            let want = if call.name() == "min" { Ordering::Less } else { Ordering::Greater };
            extreme(inv, &entries(map), Some(closure), want, call.name())?
        }
        "groupBy" => {
            let closure = call.closure(0)?;
            let mut groups: IndexMap<Key, ValueMap> = IndexMap::new();
            for (k, v) in pairs(map) {
                let group = call_entry(inv, closure, map, &k, &v, None)?;
                groups.entry(Key(group)).or_default().insert(Key(k), v);
            }
            Value::map(groups.into_iter().map(|(k, v)| (k, Value::map(v))).collect::<ValueMap>())
        }
        other => unreachable!("Map.{other} is in the registry but not implemented"),
    })
}
