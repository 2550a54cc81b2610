//! Building one function's code: emitting instructions with their spans, labels and jump
//! patching, variable scopes (slots, cells, captures), loops and `finally` blocks.

use std::collections::{HashMap, HashSet};

use replica_grammar::ast::{Block, Stmt};
use replica_grammar::Span;

use crate::bytecode::{Capture, Function, FunctionKind, Handler, Instr};

/// Where a variable lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    Local(u16),
    Cell(u16),
    Capture(u16),
    /// A read-only map of constants, pooled (see `captures::read_only_constant_maps`).
    Const(u32),
}

/// A declared variable: a unique id (for captures through several closures) and its place.
#[derive(Clone, Copy, Debug)]
pub struct Var {
    pub id: u32,
    pub loc: Loc,
}

/// An instruction index waiting for a jump target.
#[derive(Clone, Copy, Debug)]
pub struct Patch(usize);

/// A loop being lowered: where `continue` goes and which jumps `break` must patch.
pub struct Loop {
    pub label: Option<String>,
    pub continue_target: Option<usize>,
    pub continue_patches: Vec<Patch>,
    pub break_patches: Vec<Patch>,
    /// How many `finally` blocks were open when the loop began.
    pub finally_depth: usize,
}

/// A `switch` being lowered: its `break` jumps, and what was open when it began.
pub struct Switch {
    pub breaks: Vec<Patch>,
    pub loop_depth: usize,
    pub finally_depth: usize,
}

pub struct FnBuilder {
    pub name: String,
    pub kind: FunctionKind,
    pub params: u8,
    pub required: u8,
    pub code: Vec<Instr>,
    pub spans: Vec<Span>,
    pub handlers: Vec<Handler>,
    pub local_names: Vec<String>,
    pub cells: u16,
    pub captures: Vec<Capture>,
    /// Variable id → capture index, for variables of enclosing functions.
    pub captured: HashMap<u32, u16>,
    scopes: Vec<HashMap<String, Var>>,
    /// Names that closures inside this function use: such variables become cells.
    pub closure_names: HashSet<String>,
    /// Variables holding a map literal of constants that is only read: pooled constants.
    pub constant_maps: HashSet<String>,
    pub loops: Vec<Loop>,
    pub switches: Vec<Switch>,
    /// A label (`outer:`) waiting for the loop it names.
    pub pending_label: Option<String>,
    /// While lowering the last statement of a body when it is a `switch`, `try` or loop:
    /// the hidden local that receives the value of every expression statement, so that
    /// the body's value is the last one evaluated, as in Groovy.
    pub value_slot: Option<u16>,
    /// `finally` blocks of the `try` statements being lowered, innermost last: `return`,
    /// `break` and `continue` run them on the way out.
    pub finally_blocks: Vec<Block>,
    /// The span given to instructions emitted now.
    pub span: Span,
    /// Whether this function can see the variables of the function lowered before it on the
    /// builder stack (true for closures).
    pub sees_enclosing: bool,
    /// For a class method or constructor: the class's index.
    pub class: Option<u32>,
}

impl FnBuilder {
    pub fn new(name: impl Into<String>, kind: FunctionKind, closure_names: HashSet<String>) -> FnBuilder {
        FnBuilder {
            name: name.into(),
            kind,
            params: 0,
            required: 0,
            code: Vec::new(),
            spans: Vec::new(),
            handlers: Vec::new(),
            local_names: Vec::new(),
            cells: 0,
            captures: Vec::new(),
            captured: HashMap::new(),
            scopes: vec![HashMap::new()],
            closure_names,
            constant_maps: HashSet::new(),
            loops: Vec::new(),
            switches: Vec::new(),
            pending_label: None,
            value_slot: None,
            finally_blocks: Vec::new(),
            span: Span::default(),
            sees_enclosing: matches!(kind, FunctionKind::Closure { .. }),
            class: None,
        }
    }

    pub fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.spans.push(self.span);
        self.code.len() - 1
    }

    pub fn here(&self) -> usize {
        self.code.len()
    }

    /// Emits a jump whose target is set later with [`FnBuilder::patch_here`].
    pub fn jump(&mut self, make: impl FnOnce(u32) -> Instr) -> Patch {
        Patch(self.emit(make(u32::MAX)))
    }

    pub fn patch_here(&mut self, patch: Patch) {
        let target = self.here() as u32;
        self.patch_to(patch, target);
    }

    pub fn patch_to(&mut self, patch: Patch, target: u32) {
        self.code[patch.0] = match self.code[patch.0] {
            Instr::Jump(_) => Instr::Jump(target),
            Instr::JumpIfFalse(_) => Instr::JumpIfFalse(target),
            Instr::JumpIfTrue(_) => Instr::JumpIfTrue(target),
            Instr::JumpIfNull(_) => Instr::JumpIfNull(target),
            Instr::JumpIfArgGiven { param, .. } => Instr::JumpIfArgGiven { param, target },
            Instr::ForNext { seq, index, .. } => Instr::ForNext { seq, index, target },
            other => other,
        };
    }

    /// A hidden local slot (loop state, temporaries).
    pub fn hidden_local(&mut self) -> u16 {
        self.local_names.push(String::new());
        (self.local_names.len() - 1) as u16
    }

    pub fn push_scope(&mut self) {
        self.scopes.push(HashMap::new());
    }

    pub fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    /// Declares `name` in the innermost scope: a cell when a closure may capture it (and a
    /// fresh cell each time the declaration runs), else a slot. Emits nothing else: the
    /// caller stores the initial value with [`FnBuilder::store`].
    pub fn declare(&mut self, name: &str, next_id: &mut u32) -> Var {
        *next_id += 1;
        let loc = if self.closure_names.contains(name) {
            let cell = self.cells;
            self.cells += 1;
            self.emit(Instr::NewCell(cell));
            Loc::Cell(cell)
        } else {
            self.local_names.push(name.to_string());
            Loc::Local((self.local_names.len() - 1) as u16)
        };
        let var = Var { id: *next_id, loc };
        self.scopes.last_mut().expect("a scope").insert(name.to_string(), var);
        var
    }

    /// Declares `name` as the pooled constant `index` (a read-only map).
    pub fn declare_constant(&mut self, name: &str, index: u32, next_id: &mut u32) {
        *next_id += 1;
        let var = Var { id: *next_id, loc: Loc::Const(index) };
        self.scopes.last_mut().expect("a scope").insert(name.to_string(), var);
    }

    /// Declares parameter `name`, which arrives in slot `slot`; a captured parameter is
    /// copied into a cell by the prologue.
    pub fn declare_param(&mut self, name: &str, slot: u16, next_id: &mut u32) -> Var {
        *next_id += 1;
        let var = Var { id: *next_id, loc: Loc::Local(slot) };
        self.scopes.last_mut().expect("a scope").insert(name.to_string(), var);
        var
    }

    /// Moves captured parameters into cells (after defaults were filled).
    pub fn cell_params(&mut self) {
        let mut params: Vec<(String, Var)> = self.scopes[0]
            .iter()
            .filter(|(name, _)| self.closure_names.contains(*name))
            .map(|(name, var)| (name.clone(), *var))
            .collect();
        params.sort_by_key(|(_, var)| var.id);
        for (name, var) in params {
            let Loc::Local(slot) = var.loc else { continue };
            let cell = self.cells;
            self.cells += 1;
            self.emit(Instr::NewCell(cell));
            self.emit(Instr::Load(slot));
            self.emit(Instr::StoreCell(cell));
            self.scopes[0].insert(name, Var { id: var.id, loc: Loc::Cell(cell) });
        }
    }

    /// The variable `name` declared in this function, innermost scope first.
    pub fn lookup_own(&self, name: &str) -> Option<Var> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name).copied())
    }

    pub fn load(&mut self, loc: Loc) {
        self.emit(match loc {
            Loc::Local(slot) => Instr::Load(slot),
            Loc::Cell(cell) => Instr::LoadCell(cell),
            Loc::Capture(index) => Instr::LoadCapture(index),
            Loc::Const(index) => Instr::Const(index),
        });
    }

    pub fn store(&mut self, loc: Loc) {
        self.emit(match loc {
            Loc::Local(slot) => Instr::Store(slot),
            Loc::Cell(cell) => Instr::StoreCell(cell),
            Loc::Capture(index) => Instr::StoreCapture(index),
            // Never assigned (that is what made it a constant); drop the value.
            Loc::Const(_) => Instr::Pop,
        });
    }

    pub fn finish(self) -> Function {
        Function {
            name: self.name,
            kind: self.kind,
            params: self.params,
            required: self.required,
            locals: self.local_names.len() as u16,
            cells: self.cells,
            captures: self.captures,
            code: self.code,
            spans: self.spans,
            handlers: self.handlers,
            local_names: self.local_names,
        }
    }
}

/// The statements of a body that yield a value (Groovy returns a function's or closure's
/// last expression): everything but the last, and the last.
pub fn split_last(stmts: &[Stmt]) -> (&[Stmt], Option<&Stmt>) {
    match stmts.split_last() {
        Some((last, rest)) => (rest, Some(last)),
        None => (stmts, None),
    }
}
