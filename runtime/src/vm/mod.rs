//! The bytecode VM: runs one function of a [`LoadedProgram`] against the entity and replica
//! (DESIGN §4).
//!
//! * `exec.rs`: the dispatch loop, one arm per instruction, and exception handlers.
//! * `call.rs`: frames, calls of functions, closures, methods and constructors, and the
//!   [`Invoke`](crate::value::Invoke) implementation through which the standard library and
//!   the helpers call closures back.
//! * `props.rs`: dynamic property access and the methods of records.
//! * `builtins.rs`, `json.rs` and `dates.rs`: the static functions and constructors of
//!   `replica_compiler::builtins`.
//! * `error.rs`: [`RunError`] and its rendering; exceptions as `catch` sees them.
//! * `limits.rs`: [`Limits`], the memory meter and the depth caps.
//!
//! Script calls do not recurse on the Rust stack: frames live on a vector. Only a closure
//! called back from Rust (`list.collect { … }`) starts a nested dispatch loop, and those
//! nest at most [`limits::MAX_REENTRY`] deep.

mod builtins;
mod call;
mod dates;
mod error;
mod exec;
mod json;
mod limits;
mod props;

use std::cell::RefCell;
use std::rc::Rc;

use indexmap::IndexMap;
use replica_grammar::Span;

use crate::host::Host;
use crate::program::LoadedProgram;
use crate::value::{Closure, Key, Record, RuntimeError, Value};

pub use builtins::implemented as builtin_implemented;
pub use error::{RunError, StackFrame};
pub use limits::{Limits, MAX_FRAMES, MAX_REENTRY};

/// The world a run sees (`LoadEnv`).
#[derive(Clone, Debug)]
pub struct Environment {
    pub entity: Value,
    pub replica: Value,
    pub previous: Value,
    pub first_sync: bool,
    pub connection: Value,
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            entity: Value::Null,
            replica: Value::Null,
            previous: Value::Null,
            first_sync: false,
            connection: Value::Null,
        }
    }
}

/// Runs `functions[function]` (an entry: no arguments) and returns its value.
pub fn run(
    program: &LoadedProgram,
    function: u32,
    env: &Environment,
    host: &mut Host,
    limits: &Limits,
) -> Result<Value, RunError> {
    let mut vm = Vm::new(program, env, host, limits);
    vm.run_entry(function)
}

/// One activation of a script function.
pub(crate) struct Frame {
    pub function: u32,
    /// The next instruction; the one executing (or the call in progress) is `pc - 1`.
    pub pc: usize,
    /// Where local 0 is on the value stack; the operand stack starts at `base + locals`.
    pub base: usize,
    pub locals: usize,
    /// Arguments the caller passed (for `JumpIfArgGiven`), `this` not counted.
    pub argc: u8,
    pub cells: Vec<Rc<RefCell<Value>>>,
    /// The closure being run, whose captured cells `LoadCapture` reads.
    pub closure: Option<Rc<Closure>>,
    pub on_return: OnReturn,
}

/// What becomes of a frame's return value.
#[derive(Clone)]
pub(crate) enum OnReturn {
    /// Pushed for the caller (or handed to the Rust caller of a nested run).
    Value,
    /// Dropped: a class's field initialisers, run before its constructor.
    Discard,
    /// Replaced by the new instance: a constructor.
    Instance(Value),
}

/// The outcome of a call made from the dispatch loop.
pub(crate) enum Call {
    /// The value is ready (a native method, a builtin).
    Done(Value),
    /// A script frame was pushed; its `Return` hands the value to the caller.
    Pushed,
}

/// Where an error that is on its way out of frames came from, so that the failure is
/// reported where it happened even after it passed through Rust (a closure called by
/// `each`) or a `finally` block.
#[derive(Clone)]
pub(crate) struct InFlight {
    pub error: RuntimeError,
    /// The exception object, when the error is a `throw`.
    pub exception: Option<Rc<Record>>,
    pub span: Span,
    pub stack: Vec<StackFrame>,
}

/// A caught error's origin, remembered with its exception object, so that rethrowing the
/// object (`throw e`, the end of a `finally`) fails with the first error and position.
pub(crate) struct Origin {
    pub exception: Rc<Record>,
    pub flight: InFlight,
}

pub(crate) struct Vm<'a> {
    pub program: &'a LoadedProgram,
    pub env: &'a Environment,
    /// The host, lent to a helper while it runs (then `None`).
    pub host: Option<&'a mut Host>,
    /// What a closure called back by a helper uses as host while the real one is lent: a
    /// copy whose log lines and flags are merged back afterwards.
    pub shadow: Option<Box<Host>>,
    pub limits: &'a Limits,
    pub stack: Vec<Value>,
    pub frames: Vec<Frame>,
    /// Names assigned without `def` (Groovy's script binding).
    pub globals: IndexMap<Key, Value>,
    /// Steps left of the budget (`Limits::steps`); each instruction takes one.
    pub fuel: u64,
    pub meter: limits::Meter,
    /// Nested dispatch loops (closures called back from Rust).
    pub reentry: usize,
    pub in_flight: Option<InFlight>,
    pub origins: Vec<Origin>,
}

impl<'a> Vm<'a> {
    pub fn new(
        program: &'a LoadedProgram,
        env: &'a Environment,
        host: &'a mut Host,
        limits: &'a Limits,
    ) -> Vm<'a> {
        Vm {
            program,
            env,
            host: Some(host),
            shadow: None,
            limits,
            // Below the size at which the allocator takes the slow path; grows when needed.
            stack: Vec::with_capacity(32),
            frames: Vec::with_capacity(8),
            globals: IndexMap::new(),
            fuel: limits.steps,
            meter: limits::Meter::new(limits.memory),
            reentry: 0,
            in_flight: None,
            origins: Vec::new(),
        }
    }

    fn run_entry(&mut self, function: u32) -> Result<Value, RunError> {
        let result =
            self.push_call(function, Vec::new(), None, None, OnReturn::Value).and_then(|()| self.execute(0));
        result.map_err(|error| self.run_error(error))
    }

    /// The located form of an error that ended the run.
    fn run_error(&mut self, error: RuntimeError) -> RunError {
        match self.in_flight.take() {
            Some(flight) if flight.error == error => {
                RunError { error, span: flight.span, stack: flight.stack }
            }
            _ => {
                let stack = self.stack_trace();
                let span = stack.first().map(|f| f.span).unwrap_or_default();
                RunError { error, span, stack }
            }
        }
    }

    /// The active calls, innermost first, each at its current instruction.
    pub fn stack_trace(&self) -> Vec<StackFrame> {
        self.frames
            .iter()
            .rev()
            .map(|frame| {
                let function = self.program.program.functions.get(frame.function as usize);
                StackFrame {
                    function: function.map_or_else(|| "?".to_string(), |f| display_name(&f.name)),
                    span: function
                        .and_then(|f| f.spans.get(frame.pc.saturating_sub(1)))
                        .copied()
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The host, or its stand-in while a helper has it.
    pub fn host(&mut self) -> Result<&mut Host, RuntimeError> {
        if let Some(host) = self.host.as_deref_mut() {
            return Ok(host);
        }
        self.shadow.as_deref_mut().ok_or_else(|| RuntimeError::type_error("the host is not available here"))
    }
}

fn display_name(name: &str) -> String {
    if name.is_empty() {
        "<script>".to_string()
    } else {
        name.to_string()
    }
}
