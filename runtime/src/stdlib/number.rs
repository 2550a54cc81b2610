//! Number methods (Groovy's Integer/Long as `Int`, BigDecimal as `Decimal`). The arithmetic
//! ones are the operators of `ops` (`10.plus(5)` is `10 + 5`).

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::{call1, Call};
use crate::ops;
use crate::value::{ErrorKind, Invoke, RuntimeError, Value};

pub(super) const METHODS: &[&str] = &[
    "toInteger",
    "intValue",
    "toLong",
    "longValue",
    "toBigDecimal",
    "intdiv",
    "abs",
    "power",
    "plus",
    "minus",
    "multiply",
    "div",
    "mod",
    "compareTo",
    "times",
    "upto",
    "downto",
    "step",
];

pub(super) fn call(inv: &mut dyn Invoke, receiver: &Value, call: Call) -> Result<Value, RuntimeError> {
    Ok(match call.name() {
        // Java's intValue()/longValue(): decimals truncated, then the low 32 / 64 bits.
        "toInteger" | "intValue" => Value::Int(i64::from(truncate(receiver) as i32)),
        "toLong" | "longValue" => Value::Int(truncate(receiver) as i64),
        "toBigDecimal" => match receiver {
            Value::Int(n) => Value::Decimal(Decimal::from(*n)),
            other => other.clone(),
        },
        "intdiv" => match receiver {
            Value::Decimal(_) => {
                return Err(RuntimeError::type_error(format!(
                    "cannot use intdiv() on a BigDecimal ({receiver}): it needs integers"
                )))
            }
            _ => ops::intdiv(receiver, call.arg(0))?,
        },
        "abs" => match receiver {
            Value::Int(n) => Value::Int(n.checked_abs().ok_or_else(|| {
                RuntimeError::new(ErrorKind::Overflow, format!("abs({n}) does not fit in 64 bits"))
            })?),
            Value::Decimal(d) => Value::Decimal(d.abs()),
            _ => unreachable!("Number methods are looked up for numbers only"),
        },
        "power" => ops::pow(receiver, call.arg(0))?,
        "plus" => ops::add(receiver, call.arg(0))?,
        "minus" => ops::sub(receiver, call.arg(0))?,
        "multiply" => ops::mul(receiver, call.arg(0))?,
        "div" => ops::div(receiver, call.arg(0))?,
        "mod" => ops::rem(receiver, call.arg(0))?,
        "compareTo" => match call.arg(0) {
            other @ (Value::Int(_) | Value::Decimal(_)) => Value::Int(match ops::compare(receiver, other)? {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
            _ => return Err(call.bad_arg(0)),
        },
        "times" => {
            let closure = call.closure(0)?.clone();
            for i in 0..truncate(receiver).clamp(0, i128::from(i64::MAX)) as i64 {
                call1(inv, &closure, Value::Int(i))?;
            }
            Value::Null
        }
        "upto" | "downto" => {
            let up = call.name() == "upto";
            let closure = call.closure(1)?.clone();
            let to = call.arg(0);
            if !matches!(to, Value::Int(_) | Value::Decimal(_)) {
                return Err(call.bad_arg(0));
            }
            match receiver {
                // An integer receiver counts in integers (`1.upto(2.5)` is 1, 2).
                Value::Int(from) => {
                    let to = truncate(to) as i64;
                    check_direction(up, *from < to, *from > to, receiver, &Value::Int(to))?;
                    if up {
                        for i in *from..=to {
                            call1(inv, &closure, Value::Int(i))?;
                        }
                    } else {
                        for i in (to..=*from).rev() {
                            call1(inv, &closure, Value::Int(i))?;
                        }
                    }
                }
                // A decimal receiver counts in steps of 1.0 (`1.5.upto(3)` is 1.5, 2.5).
                _ => {
                    let ordering = ops::compare(receiver, to)?;
                    check_direction(
                        up,
                        ordering == Ordering::Less,
                        ordering == Ordering::Greater,
                        receiver,
                        to,
                    )?;
                    let one = Value::Decimal(Decimal::new(10, 1));
                    let mut i = receiver.clone();
                    let keep_going = if up { Ordering::Greater } else { Ordering::Less };
                    while ops::compare(&i, to)? != keep_going {
                        call1(inv, &closure, i.clone())?;
                        i = if up { ops::add(&i, &one)? } else { ops::sub(&i, &one)? };
                    }
                }
            }
            Value::Null
        }
        "step" => {
            let (to, step) = (call.arg(0), call.arg(1));
            for i in 0..2 {
                if !matches!(call.arg(i), Value::Int(_) | Value::Decimal(_)) {
                    return Err(call.bad_arg(i));
                }
            }
            let closure = call.closure(2)?.clone();
            let zero = Value::Int(0);
            let (step_sign, direction) = (ops::compare(step, &zero)?, ops::compare(to, receiver)?);
            if step_sign == Ordering::Greater && direction == Ordering::Greater
                || step_sign == Ordering::Less && direction == Ordering::Less
            {
                let mut i = receiver.clone();
                while ops::compare(&i, to)? == step_sign.reverse() {
                    call1(inv, &closure, i.clone())?;
                    i = ops::add(&i, step)?;
                }
            } else if direction != Ordering::Equal {
                return Err(RuntimeError::type_error(format!(
                    "infinite loop in {receiver}.step({to}, {step})"
                )));
            }
            Value::Null
        }
        other => unreachable!("Number.{other} is in the registry but not implemented"),
    })
}

fn check_direction(
    up: bool,
    less: bool,
    greater: bool,
    from: &Value,
    to: &Value,
) -> Result<(), RuntimeError> {
    if up && greater {
        return Err(RuntimeError::type_error(format!(
            "the argument ({to}) to upto() cannot be less than the value ({from}) it's called on"
        )));
    }
    if !up && less {
        return Err(RuntimeError::type_error(format!(
            "the argument ({to}) to downto() cannot be greater than the value ({from}) it's called on"
        )));
    }
    Ok(())
}

/// The number truncated towards zero, as a wide integer (callers take the low bits, as
/// Java's `intValue()`/`longValue()` do).
fn truncate(value: &Value) -> i128 {
    match value {
        Value::Int(n) => i128::from(*n),
        Value::Decimal(d) => {
            let t = d.trunc();
            t.mantissa() / 10i128.pow(t.scale())
        }
        _ => 0,
    }
}
