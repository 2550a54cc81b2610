//! Calls: frames for script functions, closures, methods and constructors; calls into Rust
//! (the standard library, helpers) and back ([`Invoke`]); and the memory meter's hooks,
//! since calls are where most values are built.

use std::cell::RefCell;
use std::rc::Rc;

use replica_compiler::bytecode::{Capture, FunctionKind, HelperId};

use super::exec::{malformed, same};
use super::limits::{reachable_size, shallow_size, too_deep, too_deep_reentry, MAX_FRAMES, MAX_REENTRY};
use super::{Call, Frame, OnReturn, Vm};
use crate::helpers;
use crate::host::Host;
use crate::value::{Closure, ErrorKind, Invoke, Record, RuntimeError, Value};

/// Room a nested dispatch loop wants left on the stack, and the size of a new segment.
const STACK_RED_ZONE: usize = 256 * 1024;
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

impl<'a> Vm<'a> {
    /// Pushes a frame for `functions[index]` with `args` (and `this` for a method). The
    /// dispatch loop runs it next.
    pub(super) fn push_call(
        &mut self,
        index: u32,
        args: Vec<Value>,
        this: Option<Value>,
        closure: Option<Rc<Closure>>,
        on_return: OnReturn,
    ) -> Result<(), RuntimeError> {
        let program = self.program;
        let function =
            program.program.functions.get(index as usize).ok_or_else(|| malformed("no such function"))?;
        if self.frames.len() >= MAX_FRAMES {
            return Err(too_deep());
        }
        let argc = args.len();
        if argc < usize::from(function.required) || argc > usize::from(function.params) {
            return Err(no_signature(&function.name, &args));
        }
        let base = self.stack.len();
        let receiver = usize::from(this.is_some());
        self.stack.extend(this);
        self.stack.extend(args);
        let locals = usize::from(function.locals).max(usize::from(function.params) + receiver);
        self.stack.resize(base + locals, Value::Null);
        let cells = (0..function.cells).map(|_| Rc::new(RefCell::new(Value::Null))).collect();
        self.frames.push(Frame {
            function: index,
            pc: 0,
            base,
            locals,
            argc: argc as u8,
            cells,
            closure,
            on_return,
        });
        Ok(())
    }

    /// Calls a closure or native function value from the dispatch loop.
    pub(super) fn call_value(&mut self, callee: Value, args: Vec<Value>) -> Result<Call, RuntimeError> {
        match callee {
            Value::Closure(closure) => {
                self.push_closure(closure, args, OnReturn::Value)?;
                Ok(Call::Pushed)
            }
            Value::Native(native) => {
                let value = self.native(|_| (native.call)(&args))?;
                self.charge(shallow_size(&value))?;
                Ok(Call::Done(value))
            }
            Value::Null => {
                Err(RuntimeError::new(ErrorKind::NullReference, "Cannot invoke method call() on null object"))
            }
            other => Err(RuntimeError::new(
                ErrorKind::MissingMethod,
                format!(
                    "No signature of method: {}.call() is applicable for argument types: ({}) values: {}",
                    other.type_name(),
                    arg_types(&args),
                    crate::display::inspect(&Value::list(args.clone()))
                ),
            )),
        }
    }

    fn push_closure(
        &mut self,
        closure: Rc<Closure>,
        args: Vec<Value>,
        on_return: OnReturn,
    ) -> Result<(), RuntimeError> {
        let program = self.program;
        let function = program
            .program
            .functions
            .get(closure.function as usize)
            .ok_or_else(|| malformed("no such function"))?;
        let args = closure_args(usize::from(function.params), usize::from(function.required), args);
        let index = closure.function;
        self.push_call(index, args, None, Some(closure), on_return)
    }

    /// Calls a closure and waits for its value: a nested dispatch loop (used when Rust
    /// code calls back into the script, and by `case { … }`).
    pub(super) fn call_sync(&mut self, callee: &Value, args: Vec<Value>) -> Result<Value, RuntimeError> {
        match callee {
            Value::Closure(closure) => {
                let closure = closure.clone();
                self.nested(|vm| vm.push_closure(closure, args, OnReturn::Value))
            }
            Value::Native(native) => (native.call)(&args),
            other => match self.call_value(other.clone(), args)? {
                Call::Done(value) => Ok(value),
                Call::Pushed => Err(malformed("a call that should not push a frame")),
            },
        }
    }

    /// Runs what `push` puts on the frame stack to completion, in a nested dispatch loop.
    /// (When `push` pushes nothing, `Call::Done` semantics do not apply: use it only with
    /// pushes.)
    pub(super) fn nested(
        &mut self,
        push: impl FnOnce(&mut Self) -> Result<(), RuntimeError>,
    ) -> Result<Value, RuntimeError> {
        if self.reentry >= MAX_REENTRY {
            return Err(too_deep_reentry());
        }
        let stop = self.frames.len();
        push(self)?;
        self.reentry += 1;
        let result = self.execute_nested(stop);
        self.reentry -= 1;
        result
    }

    /// A nested dispatch loop on a stack with room for it: each level takes tens of KiB
    /// (more in debug builds), so a fresh segment is allocated when the current one runs low.
    fn execute_nested(&mut self, stop: usize) -> Result<Value, RuntimeError> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.execute(stop))
    }

    /// A method call whose value is needed now (spread calls, getters): runs a pushed
    /// frame in a nested loop.
    pub(super) fn call_method_sync(
        &mut self,
        receiver: Value,
        name: &str,
        args: Vec<Value>,
    ) -> Result<Value, RuntimeError> {
        if self.reentry >= MAX_REENTRY {
            return Err(too_deep_reentry());
        }
        let stop = self.frames.len();
        match self.call_method(receiver, name, args)? {
            Call::Done(value) => Ok(value),
            Call::Pushed => {
                self.reentry += 1;
                let result = self.execute_nested(stop);
                self.reentry -= 1;
                result
            }
        }
    }

    /// Runs Rust code that may call closures back while it holds values of its own: the
    /// memory meter counts what is charged meanwhile as alive.
    pub(super) fn native<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, RuntimeError>,
    ) -> Result<T, RuntimeError> {
        let outermost = self.meter.pinned.is_none();
        if outermost {
            self.meter.pinned = Some(self.meter.charged);
        }
        let result = f(self);
        if outermost {
            self.meter.pinned = None;
        }
        result
    }

    pub(super) fn make_closure(&mut self, index: u32) -> Result<Value, RuntimeError> {
        let program = self.program;
        let target =
            program.program.functions.get(index as usize).ok_or_else(|| malformed("no such function"))?;
        let frame = self.frames.last().ok_or_else(|| malformed("no frame"))?;
        let captures = target
            .captures
            .iter()
            .map(|capture| match *capture {
                Capture::Cell(n) => frame.cells.get(usize::from(n)).cloned(),
                Capture::Outer(n) => {
                    frame.closure.as_ref().and_then(|c| c.captures.get(usize::from(n))).cloned()
                }
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| malformed("a closure captures a cell that does not exist"))?;
        let params = match target.kind {
            FunctionKind::Closure { implicit_it: true } => None,
            _ => Some(target.params),
        };
        let closure = Value::Closure(Rc::new(Closure { function: index, captures, params }));
        self.charge(shallow_size(&closure))?;
        Ok(closure)
    }

    /// `new C(args)`: the record, then the field initialisers, then the constructor.
    pub(super) fn new_instance(&mut self, class: u32, args: Vec<Value>) -> Result<(), RuntimeError> {
        let program = self.program;
        let (Some(definition), Some(shape)) =
            (program.program.classes.get(class as usize), program.class_shapes.get(class as usize))
        else {
            return Err(malformed("no such class"));
        };
        let instance = Value::Record(Record::empty(shape));
        self.charge(shallow_size(&instance))?;
        let functions = &program.program.functions;
        let constructor = definition.constructors.iter().copied().find(|&index| {
            functions
                .get(index as usize)
                .is_some_and(|f| (usize::from(f.required)..=usize::from(f.params)).contains(&args.len()))
        });
        match constructor {
            Some(index) => {
                self.push_call(
                    index,
                    args,
                    Some(instance.clone()),
                    None,
                    OnReturn::Instance(instance.clone()),
                )?;
            }
            // Groovy's default constructor exists only when the class declares none.
            None if args.is_empty() && definition.constructors.is_empty() => {}
            None => {
                return Err(RuntimeError::new(
                    ErrorKind::MissingMethod,
                    format!(
                        "Could not find matching constructor for: {}({})",
                        definition.name,
                        arg_types(&args)
                    ),
                ))
            }
        }
        match definition.init {
            Some(init) => {
                let on_return = if constructor.is_some() {
                    OnReturn::Discard
                } else {
                    OnReturn::Instance(instance.clone())
                };
                self.push_call(init, Vec::new(), Some(instance), None, on_return)?;
            }
            None if constructor.is_none() => self.stack.push(instance),
            None => {}
        }
        Ok(())
    }

    /// `helper.method(args)`. The host is lent to the helper; closures it calls back get a
    /// copy (see [`Vm::shadow`](super::Vm)) whose log lines and flags are merged back.
    pub(super) fn call_helper(
        &mut self,
        helper: HelperId,
        method: &str,
        args: Vec<Value>,
    ) -> Result<Value, RuntimeError> {
        let callbacks = args.iter().any(|a| matches!(a, Value::Closure(_) | Value::Native(_)));
        let result = if let Some(host) = self.host.take() {
            let mark = host.log.len();
            let outer_shadow = if callbacks { self.shadow.replace(Box::new(host.clone())) } else { None };
            let result = self.native(|vm| helpers::call(host, vm, helper, method, args));
            if callbacks {
                if let Some(shadow) = std::mem::replace(&mut self.shadow, outer_shadow) {
                    merge(host, &shadow, mark);
                }
            }
            self.host = Some(host);
            result
        } else if let Some(mut lent) = self.shadow.take() {
            let mark = lent.log.len();
            if callbacks {
                self.shadow = Some(lent.clone());
            }
            let result = self.native(|vm| helpers::call(&mut lent, vm, helper, method, args));
            if callbacks {
                if let Some(shadow) = self.shadow.take() {
                    merge(&mut lent, &shadow, mark);
                }
            }
            self.shadow = Some(lent);
            result
        } else {
            Err(RuntimeError::type_error("the helpers are not available here"))
        }?;
        self.charge(shallow_size(&result))?;
        Ok(result)
    }

    /// Charges `bytes` of new values; past the bound, measures what is reachable.
    pub(super) fn charge(&mut self, bytes: usize) -> Result<(), RuntimeError> {
        if bytes == 0 || !self.meter.charge(bytes) {
            return Ok(());
        }
        let reachable = self.reachable();
        self.meter.settle(reachable)
    }

    /// Charges what a call built: its result, and how much its receiver grew.
    pub(super) fn charge_call(
        &mut self,
        receiver: &Value,
        before: usize,
        result: &Value,
    ) -> Result<(), RuntimeError> {
        let mut bytes = shallow_size(receiver).saturating_sub(before);
        if !same(result, receiver) {
            bytes = bytes.saturating_add(shallow_size(result));
        }
        self.charge(bytes)
    }

    fn reachable(&self) -> usize {
        let mut roots: Vec<Value> = self.stack.clone();
        for frame in &self.frames {
            roots.extend(frame.cells.iter().map(|cell| cell.borrow().clone()));
            roots.extend(frame.closure.clone().map(Value::Closure));
        }
        roots.extend(self.globals.values().cloned());
        roots.extend(self.origins.iter().map(|o| Value::Record(o.exception.clone())));
        let env = self.env;
        roots.extend([env.entity.clone(), env.replica.clone(), env.previous.clone(), env.connection.clone()]);
        reachable_size(roots.iter())
    }
}

impl Invoke for Vm<'_> {
    fn invoke(&mut self, callee: &Value, args: Vec<Value>) -> Result<Value, RuntimeError> {
        self.call_sync(callee, args)
    }
}

/// Groovy's closure call: one list argument is spread over several parameters when its
/// size fits; a one-parameter closure called without argument gets null.
fn closure_args(params: usize, required: usize, args: Vec<Value>) -> Vec<Value> {
    if args.len() == 1 && params > 1 {
        if let Value::List(list) = &args[0] {
            let items = list.borrow();
            if (required.max(1)..=params).contains(&items.len()) {
                return items.clone();
            }
        }
    }
    if args.is_empty() && params == 1 {
        return vec![Value::Null];
    }
    args
}

/// Groovy's MissingMethodException text for a call with arguments that do not fit.
pub(super) fn no_signature(function: &str, args: &[Value]) -> RuntimeError {
    let callee = if function == "<closure>" { "closure.call".to_string() } else { function.to_string() };
    RuntimeError::new(
        ErrorKind::MissingMethod,
        format!(
            "No signature of method: {callee}() is applicable for argument types: ({}) values: {}",
            arg_types(args),
            crate::display::inspect(&Value::list(args.to_vec()))
        ),
    )
}

fn arg_types(args: &[Value]) -> String {
    args.iter().map(|a| a.type_name()).collect::<Vec<_>>().join(", ")
}

/// Merges what callbacks recorded on a host copy (made when the log had `mark` lines) into
/// the host.
fn merge(into: &mut Host, shadow: &Host, mark: usize) {
    into.log.extend(shadow.log.iter().skip(mark).cloned());
    into.flags.unexalate_after_processing |= shadow.flags.unexalate_after_processing;
    into.flags.sync_back_after_processing |= shadow.flags.sync_back_after_processing;
    for (remote, local) in &shadow.comment_twins {
        into.comment_twins.entry(remote.clone()).or_insert(*local);
    }
    for (remote, local) in &shadow.ticket_twins {
        into.ticket_twins.entry(remote.clone()).or_insert_with(|| local.clone());
    }
}
