//! Methods every value has (`toString`, `equals`, …), and what happens when a method is
//! called on null: Groovy's NullObject answers `toString`, `equals`, `is`, `asBoolean`,
//! `inspect`, and its iteration methods treat null as an empty collection; anything else
//! is a null reference.

use replica_compiler::methods::{self, Receiver};

use super::{java, wrong_count, Call};
use crate::display;
use crate::ops;
use crate::value::{ErrorKind, Invoke, RuntimeError, Value};

pub(super) const METHODS: &[&str] = &["toString", "inspect", "equals", "is", "asBoolean", "hashCode"];

pub(super) fn call(_inv: &mut dyn Invoke, receiver: &Value, call: Call) -> Result<Value, RuntimeError> {
    Ok(match call.name() {
        "toString" => match receiver {
            Value::Str(_) => receiver.clone(),
            // `IntRange.toString()`; printing a range (`println`) shows its items.
            Value::Range { from, to, inclusive } => {
                Value::str(&display::range_literal(*from, *to, *inclusive))
            }
            other => Value::str(&other.to_string()),
        },
        "inspect" => Value::str(&display::inspect(receiver)),
        // Lists and maps compare as `==` does (Groovy's DGM equals); the rest as Java does
        // (`5.equals(5.0)` is false).
        "equals" => Value::Bool(match receiver {
            Value::List(_) | Value::Map(_) => ops::equals(receiver, call.arg(0)),
            _ => ops::java_equals(receiver, call.arg(0)),
        }),
        "is" => Value::Bool(ops::identical(receiver, call.arg(0))),
        "asBoolean" => Value::Bool(ops::truthy(receiver)),
        "hashCode" => Value::Int(i64::from(java::hash(receiver))),
        other => unreachable!("Object.{other} is in the registry but not implemented"),
    })
}

/// A method called on null.
pub(super) fn call_on_null(
    inv: &mut dyn Invoke,
    name: &str,
    args: Vec<Value>,
) -> Result<Value, RuntimeError> {
    let method = methods::lookup(Receiver::Object, name)
        .or_else(|| methods::lookup(Receiver::List, name))
        .filter(|m| m.null_safe);
    let Some(method) = method else {
        return Err(RuntimeError::new(
            ErrorKind::NullReference,
            format!("Cannot invoke method {name}() on null object"),
        ));
    };
    if !method.accepts(args.len()) {
        return Err(wrong_count(method, args.len()));
    }
    let call = Call { method, args };
    Ok(match name {
        "toString" | "inspect" => Value::str("null"),
        "asBoolean" => Value::Bool(false),
        "equals" | "is" => Value::Bool(call.arg(0).is_null()),
        // The iteration methods see null as empty (a closure must still be a closure).
        _ if call.len() > 0 && !super::is_closure(call.arg(call.len() - 1)) => {
            return Err(call.bad_arg(call.len() - 1))
        }
        "each" | "eachWithIndex" | "find" | "findResult" => Value::Null,
        "collect" | "findAll" => Value::list(Vec::new()),
        "any" => Value::Bool(false),
        "every" => Value::Bool(true),
        "inject" if call.len() == 2 => call.arg(0).clone(),
        "inject" => Value::Null,
        other => {
            let _ = inv;
            unreachable!("`{other}` is marked null-safe in the registry but has no null behaviour")
        }
    })
}
