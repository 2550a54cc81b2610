//! The dispatch loop: one arm per instruction (stack effects as documented on
//! `replica_compiler::bytecode::Instr`), and what happens when an instruction fails —
//! the nearest handler that accepts the error takes it, unwinding frames on the way.

use std::cell::RefCell;
use std::rc::Rc;

use replica_compiler::bytecode::{Env, Instr};
use replica_compiler::shapes::shapes;

use super::error::{self, exception_class};
use super::limits::{shallow_size, steps_exceeded};
use super::{Call, InFlight, OnReturn, Origin, Vm};
use crate::ops::{self, BinaryOp, UnaryOp};
use crate::stdlib;
use crate::value::{ErrorKind, Key, Record, RuntimeError, StrKey, Value};

/// Remembered exception origins (for rethrow); older ones are forgotten first.
const MAX_ORIGINS: usize = 64;

#[cold]
#[inline(never)]
pub(super) fn malformed(what: &str) -> RuntimeError {
    RuntimeError::type_error(format!("malformed bytecode: {what}"))
}

impl<'a> Vm<'a> {
    /// Runs until the frame at depth `stop` returns, and gives its value. Errors that no
    /// handler of these frames accepts leave the frames above `stop` unwound.
    pub(super) fn execute(&mut self, stop: usize) -> Result<Value, RuntimeError> {
        loop {
            match self.dispatch(stop) {
                Ok(value) => return Ok(value),
                Err(error) => self.handle(error, stop)?,
            }
        }
    }

    /// The code of the innermost frame's function.
    fn current_code(&self) -> Result<&'a [Instr], RuntimeError> {
        let program: &'a crate::program::LoadedProgram = self.program;
        let frame = self.frames.last().ok_or_else(|| malformed("no frame"))?;
        program
            .program
            .functions
            .get(frame.function as usize)
            .map(|function| function.code.as_slice())
            .ok_or_else(|| malformed("no such function"))
    }

    fn dispatch(&mut self, stop: usize) -> Result<Value, RuntimeError> {
        let program = self.program;
        // The innermost frame's code, reloaded whenever the innermost frame changes (calls
        // that push a frame, returns); errors leave this loop, and `execute` re-enters it.
        let mut code = self.current_code()?;
        loop {
            let Some(frame) = self.frames.last_mut() else { return Err(malformed("no frame")) };
            let Some(&instr) = code.get(frame.pc) else {
                return Err(malformed("ran past the end of a function"));
            };
            frame.pc += 1;
            if self.fuel == 0 {
                return Err(steps_exceeded(self.limits.steps));
            }
            self.fuel -= 1;
            match instr {
                Instr::Const(i) => {
                    let value =
                        program.constants.get(i as usize).ok_or_else(|| malformed("no such constant"))?;
                    push_clone(&mut self.stack, value);
                }
                Instr::Int(n) => self.stack.push(Value::Int(i64::from(n))),
                Instr::Null => self.stack.push(Value::Null),
                Instr::True => self.stack.push(Value::Bool(true)),
                Instr::False => self.stack.push(Value::Bool(false)),
                Instr::Pop => {
                    self.pop()?;
                }
                Instr::Dup => {
                    let len = self.stack.len();
                    if len == 0 {
                        return Err(malformed("stack underflow"));
                    }
                    self.stack.extend_from_within(len - 1..);
                }
                Instr::Load(n) => {
                    let at = self.local(n)?;
                    self.stack.extend_from_within(at..at + 1);
                }
                Instr::Store(n) => {
                    let value = self.pop()?;
                    let at = self.local(n)?;
                    self.stack[at] = value;
                }
                Instr::LoadCell(n) => {
                    let value = self.cell(n)?.borrow().clone();
                    self.stack.push(value);
                }
                Instr::LoadCapture(n) => {
                    let value = self.capture(n)?.borrow().clone();
                    self.stack.push(value);
                }
                Instr::LoadEnv(which) => {
                    let env = self.env;
                    let value = match which {
                        Env::Entity => &env.entity,
                        Env::Replica => &env.replica,
                        Env::Previous => &env.previous,
                        Env::FirstSync => {
                            self.stack.push(Value::Bool(env.first_sync));
                            continue;
                        }
                        Env::Connection => &env.connection,
                    };
                    // `entity.field`, `replica.field`: when a `GetSlot` of the record follows,
                    // both in one go (two steps, as apart), without pushing the record.
                    if let (Value::Record(record), Some(frame)) = (value, self.frames.last_mut()) {
                        if let Some(&Instr::GetSlot { shape, slot, .. }) = code.get(frame.pc) {
                            if record.shape.id == shape && self.fuel > 0 {
                                if let Some(item) = record.slots.borrow().get(usize::from(slot)) {
                                    frame.pc += 1;
                                    self.fuel -= 1;
                                    push_clone(&mut self.stack, item);
                                    continue;
                                }
                            }
                        }
                    }
                    self.stack.push(value.clone());
                }

                Instr::GetSlot { shape, slot, name } => {
                    // The record on top is replaced by the slot's value in place.
                    let Some(top) = self.stack.last_mut() else { return Err(malformed("stack underflow")) };
                    let fast = match &*top {
                        Value::Record(record) if record.shape.id == shape => {
                            record.slots.borrow().get(slot as usize).cloned()
                        }
                        _ => None,
                    };
                    match fast {
                        Some(value) => *top = value,
                        None => {
                            let object = self.pop()?;
                            let value = self.get_prop(&object, program.name(name))?;
                            self.stack.push(value);
                        }
                    }
                }
                Instr::SetSlot { shape, slot, name } => {
                    let value = self.pop()?;
                    let object = self.pop()?;
                    match &object {
                        Value::Record(record)
                            if record.shape.id == shape && (slot as usize) < record.shape.len() =>
                        {
                            self.assign_slot(record, slot, value)?;
                        }
                        _ => self.set_prop(&object, program.name(name), value)?,
                    }
                }
                Instr::GetProp(name) => {
                    let object = self.pop()?;
                    let value = self.get_prop(&object, program.name(name))?;
                    self.stack.push(value);
                }
                Instr::SetProp(name) => {
                    let value = self.pop()?;
                    let object = self.pop()?;
                    match (&object, program.constants.get(name as usize)) {
                        // A map's key: the name constant itself, shared (no new string).
                        (Value::Map(map), Some(key @ Value::Str(_))) => {
                            let before = shallow_size(&object);
                            // Through `entry`: the old value, if any, is dropped where it is
                            // (`insert` hands it back through memory, a stall on every call).
                            match map.borrow_mut().entry(Key(key.clone())) {
                                indexmap::map::Entry::Occupied(mut entry) => *entry.get_mut() = value,
                                indexmap::map::Entry::Vacant(entry) => {
                                    entry.insert(value);
                                }
                            }
                            self.charge(shallow_size(&object).saturating_sub(before))?;
                        }
                        _ => self.set_prop(&object, program.name(name), value)?,
                    }
                }
                Instr::GetIndex => {
                    let index = self.pop()?;
                    let target = self.pop()?;
                    let value = ops::index(&target, &index)?;
                    self.charge(shallow_if_built(&value, &target))?;
                    self.stack.push(value);
                }
                Instr::CallMethod { name, argc } => {
                    let args = self.pop_n(argc as usize)?;
                    let receiver = self.pop()?;
                    match self.call_method(receiver, program.name(name), args)? {
                        Call::Done(value) => self.stack.push(value),
                        Call::Pushed => code = self.current_code()?,
                    }
                }
                Instr::CallFunction { function, argc } => {
                    let args = self.pop_n(argc as usize)?;
                    self.push_call(function, args, None, None, OnReturn::Value)?;
                    code = self.current_code()?;
                }
                Instr::CallValue { argc } => {
                    let args = self.pop_n(argc as usize)?;
                    let callee = self.pop()?;
                    match self.call_value(callee, args)? {
                        Call::Done(value) => self.stack.push(value),
                        Call::Pushed => code = self.current_code()?,
                    }
                }
                Instr::New { class, argc } => {
                    let args = self.pop_n(argc as usize)?;
                    self.new_instance(class, args)?;
                    code = self.current_code()?;
                }
                Instr::Binary(op) => {
                    let b = self.pop()?;
                    let a = self.pop()?;
                    let value = self.binary(op, &a, &b)?;
                    self.stack.push(value);
                }
                Instr::Not => {
                    let Some(top) = self.stack.last_mut() else { return Err(malformed("stack underflow")) };
                    *top = Value::Bool(!ops::truthy(top));
                }
                Instr::ToBool => {
                    let Some(top) = self.stack.last_mut() else { return Err(malformed("stack underflow")) };
                    *top = Value::Bool(ops::truthy(top));
                }
                Instr::Jump(target) => self.jump(target, code.len())?,
                Instr::JumpIfFalse(target) => {
                    if !ops::truthy(&self.pop()?) {
                        self.jump(target, code.len())?;
                    }
                }
                Instr::JumpIfTrue(target) => {
                    if ops::truthy(&self.pop()?) {
                        self.jump(target, code.len())?;
                    }
                }
                Instr::JumpIfNull(target) => {
                    if self.stack.last().ok_or_else(|| malformed("stack underflow"))?.is_null() {
                        self.jump(target, code.len())?;
                    }
                }
                Instr::Return => {
                    let value = self.pop()?;
                    let frame = self.frames.pop().ok_or_else(|| malformed("no frame"))?;
                    self.stack.truncate(frame.base);
                    let value = match frame.on_return {
                        OnReturn::Value => value,
                        OnReturn::Discard => {
                            if self.frames.len() <= stop {
                                return Ok(Value::Null);
                            }
                            code = self.current_code()?;
                            continue;
                        }
                        OnReturn::Instance(instance) => instance,
                    };
                    if self.frames.len() <= stop {
                        return Ok(value);
                    }
                    self.stack.push(value);
                    code = self.current_code()?;
                }
                other => self.rare(other, code.len())?,
            }
        }
    }

    /// The instructions that are rare in mappings, out of the dispatch loop, so that the
    /// loop's code, registers and stack frame stay small. None of them changes the frame.
    #[inline(never)]
    fn rare(&mut self, instr: Instr, code_len: usize) -> Result<(), RuntimeError> {
        let program = self.program;
        match instr {
            Instr::Dup2 => {
                let len = self.stack.len();
                if len < 2 {
                    return Err(malformed("stack underflow"));
                }
                let (a, b) = (self.stack[len - 2].clone(), self.stack[len - 1].clone());
                self.stack.push(a);
                self.stack.push(b);
            }
            Instr::Swap => {
                let len = self.stack.len();
                if len < 2 {
                    return Err(malformed("stack underflow"));
                }
                self.stack.swap(len - 1, len - 2);
            }
            Instr::Rot3 => {
                let len = self.stack.len();
                if len < 3 {
                    return Err(malformed("stack underflow"));
                }
                self.stack[len - 3..].rotate_right(1);
            }

            Instr::LoadThis => {
                let at = self.local(0)?;
                let value = self.stack[at].clone();
                self.stack.push(value);
            }
            Instr::NewCell(n) => {
                let cell =
                    self.frame_mut()?.cells.get_mut(n as usize).ok_or_else(|| malformed("no such cell"))?;
                *cell = Rc::new(RefCell::new(Value::Null));
            }
            Instr::StoreCell(n) => {
                let value = self.pop()?;
                *self.cell(n)?.borrow_mut() = value;
            }
            Instr::StoreCapture(n) => {
                let value = self.pop()?;
                *self.capture(n)?.borrow_mut() = value;
            }
            Instr::LoadGlobal(name) => {
                let name = program.name(name);
                let value = self.globals.get(&StrKey(name)).cloned().ok_or_else(|| {
                    RuntimeError::new(ErrorKind::MissingProperty, format!("No such property: {name}"))
                })?;
                self.stack.push(value);
            }
            Instr::StoreGlobal(name) => {
                let value = self.pop()?;
                self.globals.insert(Key::str(program.name(name)), value);
            }
            Instr::SpreadProp(name) => {
                let object = self.pop()?;
                let value = self.spread_prop(&object, program.name(name))?;
                self.stack.push(value);
            }
            Instr::SetIndex => {
                let value = self.pop()?;
                let index = self.pop()?;
                let target = self.pop()?;
                let before = shallow_size(&target);
                ops::set_index(&target, &index, value)?;
                self.charge(shallow_size(&target).saturating_sub(before))?;
            }

            Instr::SpreadCall { name, argc } => {
                let args = self.pop_n(argc as usize)?;
                let receiver = self.pop()?;
                let value = self.spread_call(receiver, program.name(name), args)?;
                self.stack.push(value);
            }
            Instr::CallHelper { helper, method, argc } => {
                let args = self.pop_n(argc as usize)?;
                let value = self.call_helper(helper, program.name(method), args)?;
                self.stack.push(value);
            }
            Instr::CallBuiltin { name, argc } => {
                let args = self.pop_n(argc as usize)?;
                let value = self.call_builtin(program.name(name), args)?;
                self.charge(shallow_size(&value))?;
                self.stack.push(value);
            }
            Instr::MakeClosure(function) => {
                let closure = self.make_closure(function)?;
                self.stack.push(closure);
            }

            Instr::Unary(op) => {
                let value = self.pop()?;
                let result = self.unary(op, value)?;
                self.stack.push(result);
            }
            Instr::IsCase => {
                let case = self.pop()?;
                let switch = self.pop()?;
                let matched = self.is_case(&case, switch)?;
                self.stack.push(Value::Bool(matched));
            }
            Instr::InstanceOf(ty) => {
                let value = self.pop()?;
                let result = super::props::instance_of(program, &value, program.name(ty));
                self.stack.push(Value::Bool(result));
            }
            Instr::As(ty) => {
                let value = self.pop()?;
                let ty = program.name(ty);
                let result =
                    if super::props::instance_of(program, &value, ty) && matches!(value, Value::Record(_)) {
                        value
                    } else {
                        ops::as_type(&value, ty)?
                    };
                self.charge(shallow_if_built(&result, &Value::Null))?;
                self.stack.push(result);
            }

            Instr::MakeList(n) => {
                let items = self.pop_n(n as usize)?;
                let list = Value::list(items);
                self.charge(shallow_size(&list))?;
                self.stack.push(list);
            }
            Instr::MakeMap(n) => {
                let flat = self.pop_n(2 * n as usize)?;
                let mut map = crate::value::value_map(n as usize);
                let mut flat = flat.into_iter();
                while let (Some(key), Some(value)) = (flat.next(), flat.next()) {
                    map.insert(Key(key), value);
                }
                let map = Value::map(map);
                self.charge(shallow_size(&map))?;
                self.stack.push(map);
            }
            Instr::MakeRange { inclusive } => {
                let to = self.pop()?;
                let from = self.pop()?;
                self.stack.push(make_range(&from, &to, inclusive)?);
            }
            Instr::Interpolate(n) => {
                let parts = self.pop_n(n as usize)?;
                let mut text = String::new();
                for part in &parts {
                    match part {
                        Value::Str(s) => text.push_str(s),
                        other => text.push_str(&other.to_string()),
                    }
                    if text.len() > ops::MAX_BUILT_LEN {
                        return Err(RuntimeError::new(
                            ErrorKind::Limit,
                            format!(
                                "the string would be longer than the limit of {} bytes",
                                ops::MAX_BUILT_LEN
                            ),
                        ));
                    }
                }
                let value = Value::Str(Rc::from(text));
                self.charge(shallow_size(&value))?;
                self.stack.push(value);
            }

            Instr::JumpIfArgGiven { param, target } => {
                if self.frame_mut()?.argc > param {
                    self.jump(target, code_len)?;
                }
            }
            Instr::IterPrepare => {
                let value = self.pop()?;
                let seq = self.iter_prepare(value)?;
                self.stack.push(seq);
            }
            Instr::ForNext { seq, index, target } => {
                let seq_at = self.local(seq)?;
                let index_at = self.local(index)?;
                let Value::Int(i) = self.stack[index_at] else {
                    return Err(malformed("loop index is not an integer"));
                };
                match nth(&self.stack[seq_at], i)? {
                    Some(item) => {
                        self.stack[index_at] = Value::Int(i + 1);
                        self.stack.push(item);
                    }
                    None => self.jump(target, code_len)?,
                }
            }
            Instr::Throw => {
                let value = self.pop()?;
                return Err(self.throw(value));
            }
            _ => return Err(malformed("an instruction the dispatch loop runs itself")),
        }
        Ok(())
    }

    // ------------------------------------------------------------------ stack and frames

    #[inline(always)]
    pub(super) fn pop(&mut self) -> Result<Value, RuntimeError> {
        match self.stack.pop() {
            Some(value) => Ok(value),
            None => Err(malformed("stack underflow")),
        }
    }

    /// The top `n` values, in push order.
    pub(super) fn pop_n(&mut self, n: usize) -> Result<Vec<Value>, RuntimeError> {
        let at = self.stack.len().checked_sub(n).ok_or_else(|| malformed("stack underflow"))?;
        Ok(self.stack.split_off(at))
    }

    fn frame_mut(&mut self) -> Result<&mut super::Frame, RuntimeError> {
        self.frames.last_mut().ok_or_else(|| malformed("no frame"))
    }

    /// The stack index of local `n` of the current frame.
    fn local(&self, n: u16) -> Result<usize, RuntimeError> {
        let frame = self.frames.last().ok_or_else(|| malformed("no frame"))?;
        if usize::from(n) >= frame.locals {
            return Err(malformed("no such local"));
        }
        let at = frame.base + usize::from(n);
        if at >= self.stack.len() {
            return Err(malformed("stack underflow"));
        }
        Ok(at)
    }

    fn cell(&self, n: u16) -> Result<&Rc<RefCell<Value>>, RuntimeError> {
        let frame = self.frames.last().ok_or_else(|| malformed("no frame"))?;
        frame.cells.get(n as usize).ok_or_else(|| malformed("no such cell"))
    }

    fn capture(&self, n: u16) -> Result<&Rc<RefCell<Value>>, RuntimeError> {
        let frame = self.frames.last().ok_or_else(|| malformed("no frame"))?;
        frame
            .closure
            .as_ref()
            .and_then(|closure| closure.captures.get(n as usize))
            .ok_or_else(|| malformed("no such capture"))
    }

    /// Jumps within the current function, whose code is `len` instructions long.
    fn jump(&mut self, target: u32, len: usize) -> Result<(), RuntimeError> {
        let frame = self.frame_mut()?;
        if target as usize >= len {
            return Err(malformed("jump out of the function"));
        }
        frame.pc = target as usize;
        Ok(())
    }

    // ------------------------------------------------------------------ operators

    fn binary(&mut self, op: BinaryOp, a: &Value, b: &Value) -> Result<Value, RuntimeError> {
        // A closure on the right of `in` is called, as Groovy's `Closure.isCase` does.
        if matches!(op, BinaryOp::In | BinaryOp::NotIn) && matches!(b, Value::Closure(_) | Value::Native(_)) {
            let found = self.is_case(b, a.clone())?;
            return Ok(Value::Bool(found == (op == BinaryOp::In)));
        }
        let before = shallow_size(a);
        let value = ops::binary(op, a, b)?;
        let mut bytes = shallow_size(a).saturating_sub(before);
        if !same(&value, a) {
            bytes = bytes.saturating_add(shallow_if_built(&value, b));
        }
        self.charge(bytes)?;
        Ok(value)
    }

    fn unary(&mut self, op: UnaryOp, value: Value) -> Result<Value, RuntimeError> {
        match (op, &value) {
            // `++` on anything but a number: Groovy's `next()` / `previous()`.
            (
                UnaryOp::PreInc | UnaryOp::PostInc | UnaryOp::PreDec | UnaryOp::PostDec,
                Value::Record(_) | Value::Date(_),
            ) => {
                let name = if matches!(op, UnaryOp::PreInc | UnaryOp::PostInc) { "next" } else { "previous" };
                match self.call_method(value, name, Vec::new())? {
                    Call::Done(result) => Ok(result),
                    Call::Pushed => Err(malformed("`next()` of a script class cannot be used with ++")),
                }
            }
            _ => {
                let result = ops::unary(op, &value)?;
                self.charge(shallow_if_built(&result, &value))?;
                Ok(result)
            }
        }
    }

    pub(super) fn is_case(&mut self, case: &Value, switch: Value) -> Result<bool, RuntimeError> {
        match case {
            Value::Closure(_) | Value::Native(_) => {
                let result = self.call_sync(case, vec![switch])?;
                Ok(ops::truthy(&result))
            }
            _ => ops::is_case(case, &switch),
        }
    }

    /// What `for (x in value)` walks.
    fn iter_prepare(&mut self, value: Value) -> Result<Value, RuntimeError> {
        let seq = match &value {
            Value::Null => Value::list(Vec::new()),
            Value::List(_) | Value::Range { .. } => value,
            Value::Map(map) => {
                let entries = map
                    .borrow()
                    .iter()
                    .map(|(k, v)| stdlib::entry_in(k.0.clone(), v.clone(), Value::Map(map.clone())))
                    .collect();
                Value::list(entries)
            }
            Value::Str(s) => Value::list(s.chars().map(|c| Value::Str(Rc::from(c.to_string()))).collect()),
            // Groovy iterates any other object as a sequence of itself.
            _ => Value::list(vec![value]),
        };
        self.charge(shallow_size(&seq))?;
        Ok(seq)
    }

    // ------------------------------------------------------------------ errors

    /// The error for `throw value`; remembers the exception object on its way out.
    fn throw(&mut self, value: Value) -> RuntimeError {
        let Value::Record(record) = &value else {
            return RuntimeError::type_error(format!(
                "cannot throw {} ({}): only exceptions can be thrown, e.g. `throw new Exception(\"…\")`",
                ops::article(&value),
                crate::display::inspect(&value)
            ));
        };
        if record.shape.name != "Exception" {
            return RuntimeError::type_error(format!(
                "cannot throw {}: only exceptions can be thrown, e.g. `throw new Exception(\"…\")`",
                ops::article(&value)
            ));
        }
        // Rethrowing a caught exception fails as the first error did, where it did.
        if let Some(origin) = self.origins.iter().rev().find(|o| Rc::ptr_eq(&o.exception, record)) {
            let flight = origin.flight.clone();
            let error = flight.error.clone();
            self.in_flight = Some(flight);
            return error;
        }
        let class =
            record.get("class").map(|c| c.to_string()).unwrap_or_else(|| "java.lang.Exception".into());
        let message = record.get("message").filter(|m| !m.is_null()).map(|m| m.to_string());
        let error = error::uncaught(&class, message.as_deref());
        let stack = self.stack_trace();
        let span = stack.first().map(|f| f.span).unwrap_or_default();
        self.in_flight =
            Some(InFlight { error: error.clone(), exception: Some(record.clone()), span, stack });
        error
    }

    /// Finds a handler for `error` in the frames from `stop` up; `Ok` when one took it.
    fn handle(&mut self, error: RuntimeError, stop: usize) -> Result<(), RuntimeError> {
        let mut flight = match self.in_flight.take() {
            Some(flight) if flight.error == error => flight,
            _ => {
                let stack = self.stack_trace();
                let span = stack.first().map(|f| f.span).unwrap_or_default();
                InFlight { error: error.clone(), exception: None, span, stack }
            }
        };
        let class = match (&flight.exception, exception_class(&error.kind)) {
            (Some(record), _) => record.get("class").map(|c| c.to_string()).unwrap_or_default(),
            (None, Some(class)) => class.to_string(),
            // Limits are never caught.
            (None, None) => return Err(self.unwind(error, flight, stop)),
        };
        let program = self.program;
        for depth in (stop..self.frames.len()).rev() {
            let frame = &self.frames[depth];
            let Some(function) = program.program.functions.get(frame.function as usize) else { continue };
            let at = frame.pc.saturating_sub(1) as u32;
            let handler = function
                .handlers
                .iter()
                .find(|h| h.start <= at && at < h.end && error::catches(&h.catches, &class));
            let Some(handler) = handler else { continue };
            let exception = match &flight.exception {
                Some(record) => record.clone(),
                None => exception_record(&class, &error.message),
            };
            flight.exception = Some(exception.clone());
            self.remember(Origin { exception: exception.clone(), flight });
            self.frames.truncate(depth + 1);
            let frame = &mut self.frames[depth];
            frame.pc = handler.target as usize;
            let keep = frame.base + frame.locals + usize::from(handler.stack);
            self.stack.truncate(keep);
            self.stack.push(Value::Record(exception));
            return Ok(());
        }
        Err(self.unwind(error, flight, stop))
    }

    /// Drops the frames from `stop` up and keeps where the error came from.
    fn unwind(&mut self, error: RuntimeError, flight: InFlight, stop: usize) -> RuntimeError {
        if let Some(base) = self.frames.get(stop).map(|f| f.base) {
            self.stack.truncate(base);
        }
        self.frames.truncate(stop);
        self.in_flight = Some(flight);
        error
    }

    fn remember(&mut self, origin: Origin) {
        if self.origins.len() >= MAX_ORIGINS {
            self.origins.remove(0);
        }
        self.origins.push(origin);
    }
}

/// An exception object (`catch (e)` receives it; `new Exception(msg)` builds one).
pub(super) fn exception_record(class: &str, message: &str) -> Rc<Record> {
    exception_with(class, Value::str(message))
}

pub(super) fn exception_with(class: &str, message: Value) -> Rc<Record> {
    let shape = shapes().object("Exception").expect("the exception shape exists");
    let record = Record::empty(shape);
    record.set("message", message);
    record.set("class", Value::str(class));
    record
}

/// Pushes a copy of `value`, built where it goes (a clone moved through a temporary was a
/// stall on every push of a slot).
#[inline(always)]
fn push_clone(stack: &mut Vec<Value>, value: &Value) {
    stack.extend_from_slice(std::slice::from_ref(value));
}

/// Whether two values are the same object (a method or operator that returns its receiver).
pub(super) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        (Value::Map(x), Value::Map(y)) => Rc::ptr_eq(x, y),
        (Value::Str(x), Value::Str(y)) => Rc::ptr_eq(x, y),
        (Value::Record(x), Value::Record(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// The size of `value` when it is newly built, not one of the inputs handed back.
pub(super) fn shallow_if_built(value: &Value, input: &Value) -> usize {
    if same(value, input) {
        0
    } else {
        shallow_size(value)
    }
}

fn make_range(from: &Value, to: &Value, inclusive: bool) -> Result<Value, RuntimeError> {
    match (from, to) {
        (Value::Int(from), Value::Int(to)) => Ok(Value::Range { from: *from, to: *to, inclusive }),
        (Value::Null, _) | (_, Value::Null) => {
            Err(RuntimeError::new(ErrorKind::NullReference, "a range cannot start or end with null"))
        }
        _ => Err(RuntimeError::type_error(format!(
            "a range needs integers, not {} and {}",
            ops::article(from),
            ops::article(to)
        ))),
    }
}

/// Item `i` of a sequence from `IterPrepare` (`None` past the end).
fn nth(seq: &Value, i: i64) -> Result<Option<Value>, RuntimeError> {
    let Ok(i) = usize::try_from(i) else { return Ok(None) };
    match seq {
        Value::List(list) => Ok(list.borrow().get(i).cloned()),
        Value::Range { from, to, inclusive } => {
            if (i as u64) >= ops::range_len(*from, *to, *inclusive) {
                return Ok(None);
            }
            let i = i as i64;
            Ok(Some(Value::Int(if from <= to { from + i } else { from - i })))
        }
        _ => Err(malformed("a loop over something IterPrepare did not prepare")),
    }
}
