//! Range methods. A range has its own few (`getFrom`, `getTo`, `isReverse`, `step`,
//! `contains`) and every non-mutating list method, run on its items; methods that would
//! change it are errors (Groovy's ranges are immutable).

use super::{call1, list, Call};
use crate::ops;
use crate::value::{Invoke, RuntimeError, Value};

pub(super) const METHODS: &[&str] = &["contains", "getFrom", "getTo", "isReverse", "step"];

/// List methods a range refuses (they would change it).
pub(super) const MUTATING: &[&str] =
    &["sort", "unique", "add", "addAll", "leftShift", "push", "pop", "remove", "removeAll", "clear"];

pub(super) fn call(
    inv: &mut dyn Invoke,
    (from, to, inclusive): (i64, i64, bool),
    receiver: &Value,
    call: Call,
) -> Result<Value, RuntimeError> {
    // The ends as Groovy reports them: `from` ≤ `to`, the excluded end taken off.
    let (low, high) = match (inclusive, from.cmp(&to)) {
        (true, _) => (from.min(to), from.max(to)),
        (false, std::cmp::Ordering::Less) => (from, to - 1),
        (false, std::cmp::Ordering::Greater) => (to + 1, from),
        (false, std::cmp::Ordering::Equal) => (from, to),
    };
    Ok(match call.name() {
        "contains" => Value::Bool(ops::is_case(receiver, call.arg(0))?),
        "getFrom" => Value::Int(low),
        "getTo" => Value::Int(high),
        "isReverse" => Value::Bool(from > to),
        "step" => {
            let step = call.int(0)?;
            if step == 0 {
                return Err(RuntimeError::type_error("infinite loop: `step` needs a step other than 0"));
            }
            let closure = match call.args.get(1) {
                Some(_) => Some(call.closure(1)?),
                None => None,
            };
            let items = list::snapshot(receiver)?;
            let ordered: Box<dyn Iterator<Item = Value>> =
                if step > 0 { Box::new(items.into_iter()) } else { Box::new(items.into_iter().rev()) };
            let picked: Vec<Value> =
                ordered.step_by(step.unsigned_abs().min(usize::MAX as u64) as usize).collect();
            match closure {
                Some(closure) => {
                    for item in picked {
                        call1(inv, closure, item)?;
                    }
                    Value::Null
                }
                None => Value::list(picked),
            }
        }
        // Cheap without making the list.
        "size" => Value::Int(ops::range_len(from, to, inclusive) as i64),
        "isEmpty" => Value::Bool(ops::range_len(from, to, inclusive) == 0),
        "getAt" => ops::index(receiver, call.arg(0))?,
        // Everything else: the list method on the items (`each` & co. return the range).
        _ => list::call(inv, receiver, call)?,
    })
}
