//! The bytecode verifier: everything the VM assumes about a [`Program`], checked once when it
//! is loaded, so that the VM can index without checking and never panics on a damaged or
//! hostile file.
//!
//! Two passes per function. The first checks every operand against what it refers to
//! (constants, locals, cells, captures, functions, classes, shapes, built-ins, jump targets).
//! The second is a stack-depth analysis by abstract interpretation over the control-flow
//! graph: every instruction is reached with one known depth, nothing pops an empty stack,
//! handlers are entered at `handler.stack + 1`, and no path runs off the end of the code.
//! Each instruction gets its depth once and is looked at once more per incoming edge, so
//! the analysis is linear in the code size.

use std::fmt;

use super::{Capture, Constant, Function, FunctionKind, Instr, Program, FORMAT_VERSION};
use crate::builtins;
use crate::shapes::shapes;
use replica_grammar::ast::{BinaryOp, UnaryOp};

/// The deepest operand stack the verifier accepts: far beyond what any script needs, small
/// enough that the VM may preallocate it.
pub const MAX_STACK: u32 = 65_535;

/// What the verifier learnt about a valid program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyInfo {
    /// The deepest operand stack of each function (same index as [`Program::functions`]),
    /// counting values only this function pushed.
    pub max_stack: Vec<u32>,
}

/// Why a program is not valid bytecode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// The function at fault; `None` for problems of the program as a whole (entries,
    /// classes, constants).
    pub function: Option<u32>,
    /// Its name, as the program records it.
    pub function_name: String,
    /// The instruction at fault, an index into the function's code.
    pub instruction: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(function) = self.function {
            write!(f, "function #{function} `{}`", self.function_name)?;
            if let Some(at) = self.instruction {
                write!(f, ", instruction {at}")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for VerifyError {}

/// Checks `program`; on success, returns what the VM may use to preallocate.
pub fn verify(program: &Program) -> Result<VerifyInfo, VerifyError> {
    check_program(program)?;
    let mut info = VerifyInfo { max_stack: Vec::with_capacity(program.functions.len()) };
    for (index, function) in program.functions.iter().enumerate() {
        let cx = Cx { program, function, index: index as u32 };
        cx.check_header()?;
        for (at, instr) in function.code.iter().enumerate() {
            cx.check_instr(at, instr)?;
        }
        info.max_stack.push(cx.stack_depths()?);
    }
    Ok(info)
}

fn program_error(message: impl Into<String>) -> VerifyError {
    VerifyError { function: None, function_name: String::new(), instruction: None, message: message.into() }
}

/// Constants, entries, classes: what is not inside one function.
fn check_program(program: &Program) -> Result<(), VerifyError> {
    if program.version != FORMAT_VERSION {
        return Err(program_error(format!(
            "the program says it is format {}, but this verifier checks format {FORMAT_VERSION}",
            program.version
        )));
    }
    if program.functions.len() > u32::MAX as usize || program.constants.len() > u32::MAX as usize {
        return Err(program_error("more than 2^32 functions or constants"));
    }
    for (index, constant) in program.constants.iter().enumerate() {
        if let Constant::Decimal(text) = constant {
            if !is_decimal(text) {
                return Err(program_error(format!(
                    "constant {index} is the decimal {text:?}, which is not a number"
                )));
            }
        }
        if let Constant::Map(entries) = constant {
            // Entries refer to earlier constants that are not maps: loading builds maps in
            // one pass and they never nest.
            for &part in entries.iter().flat_map(|(k, v)| [k, v]) {
                let earlier = (part as usize) < index;
                if !earlier || matches!(program.constants.get(part as usize), Some(Constant::Map(_))) {
                    return Err(program_error(format!(
                        "constant {index} is a map whose entry refers to constant {part}, which is not an earlier scalar constant"
                    )));
                }
            }
        }
    }
    let function_kind = |index: u32, what: &str, want: &[FunctionKind]| -> Result<(), VerifyError> {
        let Some(function) = program.functions.get(index as usize) else {
            return Err(program_error(format!(
                "{what} is function #{index}, but the program has {} functions",
                program.functions.len()
            )));
        };
        if !want.contains(&function.kind) {
            return Err(program_error(format!(
                "{what} is function #{index} `{}`, a {}; it must be a {}",
                function.name,
                function.kind.describe(),
                want[0].describe()
            )));
        }
        Ok(())
    };
    let entries = &program.entries;
    for (what, entry) in [
        ("the outgoing entry", entries.outgoing),
        ("the incoming entry", entries.incoming),
        ("the main entry", entries.main),
    ] {
        if let Some(index) = entry {
            function_kind(index, what, &[FunctionKind::Script])?;
        }
    }
    for class in &program.classes {
        let name = &class.name;
        if let Some(init) = class.init {
            function_kind(
                init,
                &format!("the field initialiser of class `{name}`"),
                &[FunctionKind::Method],
            )?;
        }
        for &constructor in &class.constructors {
            function_kind(
                constructor,
                &format!("a constructor of class `{name}`"),
                &[FunctionKind::Constructor],
            )?;
        }
        for (method, index) in &class.methods {
            function_kind(*index, &format!("method `{name}.{method}`"), &[FunctionKind::Method])?;
        }
        for (method, index) in &class.static_methods {
            function_kind(
                *index,
                &format!("static method `{name}.{method}`"),
                &[FunctionKind::StaticMethod],
            )?;
        }
    }
    Ok(())
}

/// A BigDecimal literal as the lowering stores it: digits, an optional fraction and an
/// optional exponent (`2.50`, `1e5`, `1.5E-3`), no suffix, no `_`.
fn is_decimal(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let text = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(digits)
}

/// One function being checked.
struct Cx<'a> {
    program: &'a Program,
    function: &'a Function,
    index: u32,
}

impl Cx<'_> {
    fn error(&self, instruction: Option<usize>, message: impl Into<String>) -> VerifyError {
        VerifyError {
            function: Some(self.index),
            function_name: self.function.name.clone(),
            instruction: instruction.map(|at| at as u32),
            message: message.into(),
        }
    }

    /// The sizes and tables of the function itself.
    fn check_header(&self) -> Result<(), VerifyError> {
        let f = self.function;
        let code_len = f.code.len();
        if code_len == 0 {
            return Err(self.error(None, "the function has no code; it must end in Return or Throw"));
        }
        if code_len > u32::MAX as usize {
            return Err(self.error(None, "the function has more than 2^32 instructions"));
        }
        if f.spans.len() != code_len {
            return Err(self.error(
                None,
                format!("{} instructions but {} source spans; they must match", code_len, f.spans.len()),
            ));
        }
        let source_len = self.program.source.len();
        if let Some(at) = f.spans.iter().position(|s| s.start > s.end || s.end as usize > source_len) {
            let span = f.spans[at];
            return Err(self.error(
                Some(at),
                format!(
                    "the source span {}..{} is not within the source ({source_len} bytes)",
                    span.start, span.end
                ),
            ));
        }
        if f.local_names.len() != usize::from(f.locals) {
            return Err(self.error(
                None,
                format!("{} locals but {} local names; they must match", f.locals, f.local_names.len()),
            ));
        }
        if f.required > f.params {
            return Err(self.error(
                None,
                format!("{} required parameters but only {} parameters", f.required, f.params),
            ));
        }
        let receiver = u32::from(f.kind.has_this());
        if u32::from(f.params) + receiver > u32::from(f.locals) {
            let this = if receiver == 1 { " and `this`" } else { "" };
            return Err(self.error(
                None,
                format!("{} parameters{this} do not fit in {} local slots", f.params, f.locals),
            ));
        }
        let closure = matches!(f.kind, FunctionKind::Closure { .. });
        if !closure && !f.captures.is_empty() {
            return Err(
                self.error(None, format!("a {} cannot capture cells; only closures do", f.kind.describe()))
            );
        }
        for (i, handler) in f.handlers.iter().enumerate() {
            let (start, end, target) =
                (handler.start as usize, handler.end as usize, handler.target as usize);
            if start > end || end > code_len {
                return Err(self.error(
                    None,
                    format!("handler {i} covers {start}..{end}, which is not a range within the {code_len} instructions"),
                ));
            }
            if target >= code_len {
                return Err(self.error(
                    None,
                    format!(
                        "handler {i} continues at {target}, past the last instruction ({})",
                        code_len - 1
                    ),
                ));
            }
        }
        Ok(())
    }

    fn constant(&self, at: usize, index: u32, what: &str) -> Result<&Constant, VerifyError> {
        self.program.constants.get(index as usize).ok_or_else(|| {
            self.error(
                Some(at),
                format!(
                    "{what} is constant {index}, but the pool has {} constants",
                    self.program.constants.len()
                ),
            )
        })
    }

    /// A name or type operand: a string constant.
    fn name(&self, at: usize, index: u32, what: &str) -> Result<&str, VerifyError> {
        match self.constant(at, index, what)? {
            Constant::Str(s) => Ok(s),
            other => {
                Err(self
                    .error(Some(at), format!("{what} is constant {index}, {other:?}; it must be a string")))
            }
        }
    }

    fn local(&self, at: usize, slot: u16) -> Result<(), VerifyError> {
        if slot >= self.function.locals {
            return Err(self.error(
                Some(at),
                format!("local slot {slot} does not exist; the function has {} locals", self.function.locals),
            ));
        }
        Ok(())
    }

    fn cell(&self, at: usize, cell: u16) -> Result<(), VerifyError> {
        if cell >= self.function.cells {
            return Err(self.error(
                Some(at),
                format!("cell {cell} does not exist; the function has {} cells", self.function.cells),
            ));
        }
        Ok(())
    }

    fn capture(&self, at: usize, capture: u16) -> Result<(), VerifyError> {
        if !matches!(self.function.kind, FunctionKind::Closure { .. }) {
            return Err(self.error(
                Some(at),
                format!("a {} has no captured cells; only closures do", self.function.kind.describe()),
            ));
        }
        if usize::from(capture) >= self.function.captures.len() {
            return Err(self.error(
                Some(at),
                format!(
                    "captured cell {capture} does not exist; the closure captures {}",
                    self.function.captures.len()
                ),
            ));
        }
        Ok(())
    }

    fn target(&self, at: usize, target: u32) -> Result<(), VerifyError> {
        let len = self.function.code.len();
        if target as usize >= len {
            return Err(self.error(
                Some(at),
                format!("jump target {target} is past the last instruction ({})", len - 1),
            ));
        }
        Ok(())
    }

    fn callee(&self, at: usize, index: u32) -> Result<&Function, VerifyError> {
        self.program.functions.get(index as usize).ok_or_else(|| {
            self.error(
                Some(at),
                format!("function #{index} does not exist; the program has {}", self.program.functions.len()),
            )
        })
    }

    /// The operands of one instruction.
    fn check_instr(&self, at: usize, instr: &Instr) -> Result<(), VerifyError> {
        use Instr::*;
        match *instr {
            Const(index) => {
                self.constant(at, index, "the constant")?;
            }
            Load(slot) | Store(slot) => self.local(at, slot)?,
            NewCell(cell) | LoadCell(cell) | StoreCell(cell) => self.cell(at, cell)?,
            LoadCapture(capture) | StoreCapture(capture) => self.capture(at, capture)?,
            LoadGlobal(name) | StoreGlobal(name) => {
                self.name(at, name, "the global's name")?;
            }
            LoadThis => {
                if !self.function.kind.has_this() {
                    return Err(self.error(
                        Some(at),
                        format!("LoadThis in a {}, which has no `this`", self.function.kind.describe()),
                    ));
                }
            }
            GetSlot { shape, slot, name } | SetSlot { shape, slot, name } => {
                let name = self.name(at, name, "the field name")?;
                let Some(layout) = shapes().all.get(usize::from(shape)) else {
                    return Err(self.error(
                        Some(at),
                        format!("shape {shape} does not exist; the schema has {} shapes", shapes().all.len()),
                    ));
                };
                if usize::from(slot) >= layout.len() {
                    return Err(self.error(
                        Some(at),
                        format!(
                            "slot {slot} of `{}` does not exist; it has {} slots",
                            layout.name,
                            layout.len()
                        ),
                    ));
                }
                // The name is the fallback for values of other shapes: it must mean the same field.
                if layout.slot(name) != Some(slot) {
                    return Err(self.error(
                        Some(at),
                        format!(
                            "slot {slot} of `{}` is `{}`, not `{name}`",
                            layout.name,
                            layout.slots[usize::from(slot)].name
                        ),
                    ));
                }
            }
            GetProp(name) | SetProp(name) | SpreadProp(name) => {
                self.name(at, name, "the property name")?;
            }
            CallMethod { name, .. } | SpreadCall { name, .. } => {
                self.name(at, name, "the method name")?;
            }
            CallFunction { function, argc } => {
                let callee = self.callee(at, function)?;
                if !matches!(callee.kind, FunctionKind::Function | FunctionKind::StaticMethod) {
                    return Err(self.error(
                        Some(at),
                        format!(
                            "CallFunction calls function #{function} `{}`, a {}; only functions and static methods are called directly",
                            callee.name,
                            callee.kind.describe()
                        ),
                    ));
                }
                if argc < callee.required || argc > callee.params {
                    return Err(self.error(
                        Some(at),
                        format!(
                            "calls `{}` with {argc} arguments; it takes {}",
                            callee.name,
                            arity(callee.required, callee.params)
                        ),
                    ));
                }
            }
            CallHelper { method, .. } => {
                self.name(at, method, "the helper method's name")?;
            }
            CallBuiltin { name, argc } => {
                let name = self.name(at, name, "the built-in's name")?;
                // `new X(…)` of an exception class builds an exception object: Java's
                // constructors take nothing, a message, a cause, or both.
                let (min_args, max_args) = match builtins::lookup(name) {
                    Some(builtin) => (builtin.min_args, builtin.max_args),
                    None if name.strip_prefix("new ").is_some_and(builtins::is_exception) => (0, 2),
                    None => {
                        return Err(
                            self.error(Some(at), format!("`{name}` is not a built-in this Replica has"))
                        );
                    }
                };
                if argc < min_args || argc > max_args {
                    return Err(self.error(
                        Some(at),
                        format!(
                            "calls `{name}` with {argc} arguments; it takes {}",
                            arity(min_args, max_args)
                        ),
                    ));
                }
            }
            New { class, .. } => {
                if class as usize >= self.program.classes.len() {
                    return Err(self.error(
                        Some(at),
                        format!(
                            "class {class} does not exist; the program has {} classes",
                            self.program.classes.len()
                        ),
                    ));
                }
            }
            MakeClosure(index) => self.check_closure_site(at, index)?,
            Binary(BinaryOp::And | BinaryOp::Or) => {
                return Err(self.error(Some(at), "`&&` and `||` must be compiled to jumps, not Binary"));
            }
            Unary(op @ (UnaryOp::Not | UnaryOp::PostInc | UnaryOp::PostDec)) => {
                return Err(self.error(
                    Some(at),
                    format!("Unary({op:?}) is not an instruction; use Not or PreInc/PreDec"),
                ));
            }
            InstanceOf(ty) | As(ty) => {
                self.name(at, ty, "the type name")?;
            }
            Jump(target) | JumpIfFalse(target) | JumpIfTrue(target) | JumpIfNull(target) => {
                self.target(at, target)?
            }
            JumpIfArgGiven { param, target } => {
                if param >= self.function.params {
                    return Err(self.error(
                        Some(at),
                        format!(
                            "parameter {param} does not exist; the function has {}",
                            self.function.params
                        ),
                    ));
                }
                self.target(at, target)?;
            }
            ForNext { seq, index, target } => {
                self.local(at, seq)?;
                self.local(at, index)?;
                self.target(at, target)?;
            }
            Int(_)
            | Null
            | True
            | False
            | Pop
            | Dup
            | Dup2
            | Swap
            | Rot3
            | LoadEnv(_)
            | GetIndex
            | SetIndex
            | CallValue { .. }
            | Binary(_)
            | Unary(_)
            | Not
            | ToBool
            | IsCase
            | MakeList(_)
            | MakeMap(_)
            | MakeRange { .. }
            | Interpolate(_)
            | IterPrepare
            | Return
            | Throw => {}
        }
        Ok(())
    }

    /// `MakeClosure(index)` here: the target is a closure whose captures name cells of this
    /// function, or cells this function (itself a closure) captured.
    fn check_closure_site(&self, at: usize, index: u32) -> Result<(), VerifyError> {
        let closure = self.callee(at, index)?;
        if !matches!(closure.kind, FunctionKind::Closure { .. }) {
            return Err(self.error(
                Some(at),
                format!(
                    "MakeClosure of function #{index} `{}`, a {}; it must be a closure",
                    closure.name,
                    closure.kind.describe()
                ),
            ));
        }
        for (i, capture) in closure.captures.iter().enumerate() {
            match *capture {
                Capture::Cell(cell) if cell >= self.function.cells => {
                    return Err(self.error(
                        Some(at),
                        format!(
                            "closure #{index}'s capture {i} is cell {cell}, but this function has {} cells",
                            self.function.cells
                        ),
                    ));
                }
                Capture::Outer(outer) => {
                    if !matches!(self.function.kind, FunctionKind::Closure { .. }) {
                        return Err(self.error(
                            Some(at),
                            format!(
                                "closure #{index}'s capture {i} is captured cell {outer} of its creator, but a {} captures nothing",
                                self.function.kind.describe()
                            ),
                        ));
                    }
                    if usize::from(outer) >= self.function.captures.len() {
                        return Err(self.error(
                            Some(at),
                            format!(
                                "closure #{index}'s capture {i} is captured cell {outer}, but this closure captures {}",
                                self.function.captures.len()
                            ),
                        ));
                    }
                }
                Capture::Cell(_) => {}
            }
        }
        Ok(())
    }

    /// The stack-depth analysis; returns the deepest stack.
    fn stack_depths(&self) -> Result<u32, VerifyError> {
        const UNSEEN: u32 = u32::MAX;
        let code = &self.function.code;
        let mut depth = vec![UNSEEN; code.len()];
        let mut work: Vec<usize> = Vec::new();
        let mut max = 0u32;

        // Records that `to` is entered with `d` values; `from` is the instruction (if any)
        // whose edge this is, for the message.
        let enter = |to: usize, d: u32, from: Option<usize>, depth: &mut Vec<u32>, work: &mut Vec<usize>| {
            if d > MAX_STACK {
                return Err(self.error(from, format!("the stack grows past {MAX_STACK} values")));
            }
            match depth[to] {
                UNSEEN => {
                    depth[to] = d;
                    work.push(to);
                    Ok(())
                }
                seen if seen == d => Ok(()),
                seen => {
                    let how = match from {
                        Some(from) if from + 1 == to => format!("from instruction {from} (falling through)"),
                        Some(from) => format!("from instruction {from}"),
                        None => "as a handler target".to_string(),
                    };
                    Err(self.error(
                        Some(to),
                        format!(
                            "reached with {seen} values on the stack on one path and {d} {how}; every path must agree"
                        ),
                    ))
                }
            }
        };

        enter(0, 0, None, &mut depth, &mut work)?;
        // The VM enters a handler with the stack cut to `stack` and the exception pushed.
        for handler in &self.function.handlers {
            enter(handler.target as usize, u32::from(handler.stack) + 1, None, &mut depth, &mut work)?;
        }
        while let Some(at) = work.pop() {
            let instr = &code[at];
            let d = depth[at];
            let (pops, pushes) = instr.stack_effect();
            if d < pops {
                return Err(self.error(
                    Some(at),
                    format!("{} needs {pops} values but the stack holds {d}", instr.mnemonic()),
                ));
            }
            let after = d - pops + pushes;
            max = max.max(d).max(after);
            if let Some(target) = instr.jump_target() {
                // ForNext pushes the item only when it does not jump.
                let jumped = if matches!(instr, Instr::ForNext { .. }) { d } else { after };
                enter(target as usize, jumped, Some(at), &mut depth, &mut work)?;
            }
            if instr.falls_through() {
                if at + 1 >= code.len() {
                    return Err(self.error(
                        Some(at),
                        "execution runs past the last instruction; every path must end in Return or Throw",
                    ));
                }
                enter(at + 1, after, Some(at), &mut depth, &mut work)?;
            }
        }
        if max > MAX_STACK {
            return Err(self.error(None, format!("the stack grows past {MAX_STACK} values")));
        }
        // Cutting the stack to `handler.stack` must not invent values: every covered
        // instruction that runs has at least that many.
        for (i, handler) in self.function.handlers.iter().enumerate() {
            let start = handler.start as usize;
            let covered = &depth[start..handler.end as usize];
            if let Some(offset) = covered.iter().position(|&d| d != UNSEEN && d < u32::from(handler.stack)) {
                return Err(self.error(
                    Some(start + offset),
                    format!(
                        "handler {i} keeps {} stack values, but this instruction runs with only {}",
                        handler.stack, covered[offset]
                    ),
                ));
            }
        }
        Ok(max)
    }
}

fn arity(min: u8, max: u8) -> String {
    if min == max {
        format!("{min}")
    } else {
        format!("{min} to {max}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for ok in ["1", "2.50", "1e5", "1.5E-3", "0.0", "-3.25", "7e+2"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in ["", ".", "1.", ".5", "1e", "1_000.0", "1.5g", "abc", "1.2.3", "--1", "e5"] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }
}
