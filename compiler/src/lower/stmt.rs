//! Lowering statements.
//!
//! Statements start and end with an empty operand stack (loop state and `switch` subjects
//! live in hidden locals), which is why every `try` handler restores the stack to zero.

use replica_grammar::ast::*;

use super::function::{Loop, Patch, Switch};
use super::Lowerer;
use crate::bytecode::{Handler, Instr};

impl Lowerer<'_> {
    pub(super) fn stmts(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    /// A block with its own scope.
    fn block(&mut self, stmts: &[Stmt]) {
        self.b().push_scope();
        self.stmts(stmts);
        self.b().pop_scope();
    }

    /// A statement used as a body (`if (c) x = 1`): its own scope too.
    fn body(&mut self, stmt: &Stmt) {
        self.b().push_scope();
        self.stmt(stmt);
        self.b().pop_scope();
    }

    pub(super) fn condition(&mut self, cond: &Expr) {
        self.expr(cond);
    }

    pub(super) fn stmt(&mut self, stmt: &Stmt) {
        self.b().span = stmt.span;
        match &stmt.kind {
            StmtKind::Expr(expr) => self.expr_stmt(expr),
            StmtKind::VarDecl(decl) => self.var_decl(decl),
            StmtKind::TupleDecl { names, value, .. } => {
                self.expr(value);
                let temp = self.b().hidden_local();
                self.b().emit(Instr::Store(temp));
                for (i, (ty, name)) in names.iter().enumerate() {
                    self.b().emit(Instr::Load(temp));
                    self.b().emit(Instr::Int(i as i32));
                    self.b().emit(Instr::GetIndex);
                    if let Some(ty) = ty {
                        self.coerce_to(ty);
                    }
                    let var = self.declare(&name.name);
                    self.b().store(var.loc);
                }
            }
            StmtKind::If { cond, then_branch, else_branch } => {
                self.condition(cond);
                let otherwise = self.b().jump(Instr::JumpIfFalse);
                self.body(then_branch);
                match else_branch {
                    Some(other) => {
                        let end = self.b().jump(Instr::Jump);
                        self.b().patch_here(otherwise);
                        self.body(other);
                        self.b().patch_here(end);
                    }
                    None => self.b().patch_here(otherwise),
                }
            }
            StmtKind::While { cond, body } => {
                let start = self.b().here();
                self.condition(cond);
                let exit = self.b().jump(Instr::JumpIfFalse);
                self.loop_body(None, Some(start), body);
                self.b().emit(Instr::Jump(start as u32));
                self.b().patch_here(exit);
                self.end_loop();
            }
            StmtKind::DoWhile { body, cond } => {
                let start = self.b().here();
                self.loop_body(None, None, body);
                self.patch_continues();
                self.b().span = cond.span;
                self.condition(cond);
                self.b().emit(Instr::JumpIfTrue(start as u32));
                self.end_loop();
            }
            StmtKind::ForIn { ty, var, iterable, body } => {
                self.b().push_scope();
                self.expr(iterable);
                self.b().emit(Instr::IterPrepare);
                let seq = self.b().hidden_local();
                let index = self.b().hidden_local();
                self.b().emit(Instr::Store(seq));
                self.b().emit(Instr::Int(0));
                self.b().emit(Instr::Store(index));
                // One variable for the whole loop, as in Groovy: closures made in the body
                // all see its latest value.
                let loop_var = self.declare(&var.name);
                let start = self.b().here();
                let exit = self.b().jump(|t| Instr::ForNext { seq, index, target: t });
                if let Some(ty) = ty {
                    self.coerce_to(ty);
                }
                self.b().store(loop_var.loc);
                self.loop_body(None, Some(start), body);
                self.b().emit(Instr::Jump(start as u32));
                self.b().patch_here(exit);
                self.end_loop();
                self.b().pop_scope();
            }
            StmtKind::ForClassic { init, cond, update, body } => {
                self.b().push_scope();
                self.stmts(init);
                let start = self.b().here();
                let exit = cond.as_ref().map(|cond| {
                    self.condition(cond);
                    self.b().jump(Instr::JumpIfFalse)
                });
                self.loop_body(None, None, body);
                self.patch_continues();
                for expr in update {
                    self.b().span = expr.span;
                    self.expr_stmt(expr);
                }
                self.b().emit(Instr::Jump(start as u32));
                if let Some(exit) = exit {
                    self.b().patch_here(exit);
                }
                self.end_loop();
                self.b().pop_scope();
            }
            StmtKind::Switch { subject, cases } => self.switch(subject, cases),
            StmtKind::Try { body, catches, finally } => self.try_stmt(body, catches, finally.as_ref()),
            StmtKind::Return(value) => {
                match value {
                    Some(value) => self.expr(value),
                    None => {
                        self.b().emit(Instr::Null);
                    }
                }
                if !self.b().finally_blocks.is_empty() {
                    let temp = self.b().hidden_local();
                    self.b().emit(Instr::Store(temp));
                    self.run_finally_blocks(0);
                    self.b().emit(Instr::Load(temp));
                }
                self.b().emit(Instr::Return);
            }
            StmtKind::Break(label) => self.jump_out(label.as_ref(), true, stmt.span),
            StmtKind::Continue(label) => self.jump_out(label.as_ref(), false, stmt.span),
            StmtKind::Throw(value) => {
                self.expr(value);
                self.b().span = stmt.span;
                self.b().emit(Instr::Throw);
            }
            StmtKind::Assert { cond, message } => {
                self.condition(cond);
                let ok = self.b().jump(Instr::JumpIfTrue);
                match message {
                    Some(message) => self.expr(message),
                    None => {
                        let text = self.source_text(cond.span);
                        let constant = self.name_constant(&format!("assert {text}"));
                        self.b().emit(Instr::Const(constant));
                    }
                }
                let name = self.name_constant("new AssertionError");
                self.b().span = stmt.span;
                self.b().emit(Instr::CallBuiltin { name, argc: 1 });
                self.b().emit(Instr::Throw);
                self.b().patch_here(ok);
            }
            StmtKind::Block(block) => self.block(&block.stmts),
            StmtKind::Synchronized { body, .. } => self.block(&body.stmts),
            StmtKind::Labeled { label, body } => match &body.kind {
                StmtKind::While { .. }
                | StmtKind::DoWhile { .. }
                | StmtKind::ForIn { .. }
                | StmtKind::ForClassic { .. } => {
                    self.b().pending_label = Some(label.name.clone());
                    self.stmt(body);
                }
                _ => self.stmt(body),
            },
            StmtKind::Error => {}
        }
    }

    fn var_decl(&mut self, decl: &VarDecl) {
        for var in &decl.vars {
            self.b().span = var.span;
            if let (true, Some(ExprKind::Map(entries))) =
                (self.b().constant_maps.contains(&var.name.name), var.init.as_ref().map(|e| &e.kind))
            {
                let index = self.constant_map(entries);
                let mut id = self.next_var;
                self.b().declare_constant(&var.name.name, index, &mut id);
                self.next_var = id;
                continue;
            }
            match &var.init {
                Some(init) => {
                    self.expr(init);
                    if let Some(ty) = &decl.ty {
                        self.coerce_to(ty);
                    }
                }
                None => {
                    let default = decl.ty.as_ref().map(primitive_default).unwrap_or(Instr::Null);
                    self.b().emit(default);
                }
            }
            let local = self.declare(&var.name.name);
            self.b().store(local.loc);
        }
    }

    /// Pools a map literal of constants (checked by `read_only_constant_maps`).
    fn constant_map(&mut self, entries: &[MapEntry]) -> u32 {
        let mut pairs = Vec::with_capacity(entries.len());
        for entry in entries {
            let key = match &entry.key {
                MapKey::Word(word) => Some(self.name_constant(&word.name)),
                MapKey::Expr(key) => self.scalar_constant(key),
                MapKey::Spread => None,
            };
            if let (Some(key), Some(value)) = (key, self.scalar_constant(&entry.value)) {
                pairs.push((key, value));
            }
        }
        self.constants.push(crate::bytecode::Constant::Map(pairs));
        (self.constants.len() - 1) as u32
    }

    fn scalar_constant(&mut self, expr: &Expr) -> Option<u32> {
        match &expr.kind {
            ExprKind::Str { value, .. } => Some(self.name_constant(value)),
            ExprKind::Int(text) => {
                crate::check::parse_int(text).map(|n| self.constant(super::ConstKey::Int(n)))
            }
            ExprKind::Decimal(text) => Some(self.decimal_constant(text)),
            _ => None,
        }
    }

    /// `String s = 5` converts as Groovy does on assignment.
    pub(super) fn coerce_to(&mut self, ty: &Type) {
        let name = ty.name.dotted();
        if matches!(name.as_str(), "def" | "var" | "Object" | "java.lang.Object") || ty.dims > 0 {
            return;
        }
        if is_coercible(&name) {
            let constant = self.name_constant(&name);
            self.b().emit(Instr::As(constant));
        }
    }

    // ------------------------------------------------------------------ loops

    fn loop_body(&mut self, label: Option<String>, continue_target: Option<usize>, body: &Stmt) {
        let label = label.or_else(|| self.b().pending_label.take());
        let finally_depth = self.b().finally_blocks.len();
        self.b().loops.push(Loop {
            label,
            continue_target,
            continue_patches: Vec::new(),
            break_patches: Vec::new(),
            finally_depth,
        });
        self.body(body);
    }

    /// Points pending `continue` jumps here (loops whose continue target follows the body).
    fn patch_continues(&mut self) {
        let patches: Vec<Patch> =
            self.b().loops.last_mut().map(|l| std::mem::take(&mut l.continue_patches)).unwrap_or_default();
        for patch in patches {
            self.b().patch_here(patch);
        }
    }

    fn end_loop(&mut self) {
        if let Some(finished) = self.b().loops.pop() {
            for patch in finished.break_patches {
                self.b().patch_here(patch);
            }
            let here = self.b().here() as u32;
            for patch in finished.continue_patches {
                // Only loops whose continue target is after the body leave these; patched there.
                self.b().patch_to(patch, here);
            }
        }
    }

    fn jump_out(&mut self, label: Option<&Ident>, is_break: bool, span: replica_grammar::Span) {
        let target = match label {
            Some(label) => self.b().loops.iter().rposition(|l| l.label.as_deref() == Some(&label.name)),
            None => self.b().loops.len().checked_sub(1),
        };
        // A `break` directly inside a `switch` (no loop in between) leaves the switch.
        let innermost_switch = self.b().switches.last().map(|s| (s.loop_depth, s.finally_depth));
        if let (true, None, Some((loop_depth, finally_depth))) = (is_break, label, innermost_switch) {
            if loop_depth == self.b().loops.len() {
                self.run_finally_blocks(finally_depth);
                let patch = self.b().jump(Instr::Jump);
                self.b().switches.last_mut().expect("checked").breaks.push(patch);
                return;
            }
        }
        let Some(target) = target else {
            self.unsupported(span, "`break`/`continue` outside a loop");
            return;
        };
        let depth = self.b().loops[target].finally_depth;
        self.run_finally_blocks(depth);
        if is_break {
            let patch = self.b().jump(Instr::Jump);
            self.b().loops[target].break_patches.push(patch);
        } else {
            match self.b().loops[target].continue_target {
                Some(start) => {
                    self.b().emit(Instr::Jump(start as u32));
                }
                None => {
                    let patch = self.b().jump(Instr::Jump);
                    self.b().loops[target].continue_patches.push(patch);
                }
            }
        }
    }

    /// A `finally` block: its statements never give the statement's value.
    fn finally_block(&mut self, block: &Block) {
        let outer = self.b().value_slot.take();
        self.block(&block.stmts);
        self.b().value_slot = outer;
    }

    /// Copies the open `finally` blocks above `depth` (innermost first) before a jump out.
    fn run_finally_blocks(&mut self, depth: usize) {
        let blocks: Vec<Block> = self.b().finally_blocks[depth..].iter().rev().cloned().collect();
        let saved = std::mem::take(&mut self.b().finally_blocks);
        // While a finally block runs, only the blocks outside it are still open.
        for (i, block) in blocks.iter().enumerate() {
            self.b().finally_blocks = saved[..saved.len() - 1 - i].to_vec();
            self.finally_block(block);
        }
        self.b().finally_blocks = saved;
    }

    // ------------------------------------------------------------------ switch

    fn switch(&mut self, subject: &Expr, cases: &[SwitchCase]) {
        self.expr(subject);
        let value = self.b().hidden_local();
        self.b().emit(Instr::Store(value));
        // Tests first, each jumping to its body; bodies follow in order (fall-through).
        let mut body_jumps: Vec<Vec<Patch>> = Vec::new();
        let mut default_case = None;
        for (i, case) in cases.iter().enumerate() {
            let mut jumps = Vec::new();
            for label in &case.labels {
                match label {
                    None => default_case = Some(i),
                    Some(label) => {
                        self.b().span = label.span;
                        self.b().emit(Instr::Load(value));
                        match self.class_label(label) {
                            Some(type_name) => {
                                let constant = self.name_constant(&type_name);
                                self.b().emit(Instr::InstanceOf(constant));
                            }
                            None => {
                                self.expr(label);
                                self.b().emit(Instr::IsCase);
                            }
                        }
                        jumps.push(self.b().jump(Instr::JumpIfTrue));
                    }
                }
            }
            body_jumps.push(jumps);
        }
        let no_match = self.b().jump(Instr::Jump);
        let (loop_depth, finally_depth) = (self.b().loops.len(), self.b().finally_blocks.len());
        self.b().switches.push(Switch { breaks: Vec::new(), loop_depth, finally_depth });
        self.b().push_scope();
        for (i, case) in cases.iter().enumerate() {
            for patch in std::mem::take(&mut body_jumps[i]) {
                self.b().patch_here(patch);
            }
            if default_case == Some(i) {
                self.b().patch_here(no_match);
            }
            self.stmts(&case.body);
        }
        self.b().pop_scope();
        if default_case.is_none() {
            self.b().patch_here(no_match);
        }
        for patch in self.b().switches.pop().map(|s| s.breaks).unwrap_or_default() {
            self.b().patch_here(patch);
        }
    }

    /// `case String:` — a class name as a case label tests the type.
    fn class_label(&mut self, label: &Expr) -> Option<String> {
        match &label.kind {
            ExprKind::Name(name)
                if name.starts_with(|c: char| c.is_ascii_uppercase()) && self.resolve(name).is_none() =>
            {
                Some(name.clone())
            }
            _ => None,
        }
    }

    // ------------------------------------------------------------------ try

    fn try_stmt(&mut self, body: &Block, catches: &[Catch], finally: Option<&Block>) {
        if let Some(finally) = finally {
            self.b().finally_blocks.push(finally.clone());
        }
        let start = self.b().here() as u32;
        self.block(&body.stmts);
        let end = self.b().here() as u32;
        // Leaving the protected code, the finally block no longer protects what follows.
        if finally.is_some() {
            self.b().finally_blocks.pop();
        }
        if let Some(finally) = finally {
            self.finally_block(finally);
        }
        let mut exits = vec![self.b().jump(Instr::Jump)];
        let mut protected = vec![(start, end)];
        let mut handlers = Vec::new();
        for catch in catches {
            let target = self.b().here() as u32;
            handlers.push(Handler {
                start,
                end,
                target,
                stack: 0,
                // `catch (e)` is Groovy's `catch (Exception e)`.
                catches: if catch.types.is_empty() {
                    vec!["Exception".to_string()]
                } else {
                    catch.types.iter().map(|t| t.name.dotted()).collect()
                },
            });
            self.b().span = catch.span;
            if let Some(finally) = finally {
                self.b().finally_blocks.push(finally.clone());
            }
            self.b().push_scope();
            let var = self.declare(&catch.name.name);
            self.b().store(var.loc);
            let body_start = self.b().here() as u32;
            self.stmts(&catch.body.stmts);
            protected.push((body_start, self.b().here() as u32));
            self.b().pop_scope();
            if let Some(finally) = finally {
                self.b().finally_blocks.pop();
                self.finally_block(finally);
            }
            exits.push(self.b().jump(Instr::Jump));
        }
        // Inner handlers come first in the table: they were added while lowering the body.
        self.b().handlers.extend(handlers);
        if let Some(finally) = finally {
            // Any other failure runs the finally block and fails again.
            let target = self.b().here() as u32;
            for (start, end) in protected {
                self.b().handlers.push(Handler { start, end, target, stack: 0, catches: Vec::new() });
            }
            let error = self.b().hidden_local();
            self.b().emit(Instr::Store(error));
            self.finally_block(finally);
            self.b().emit(Instr::Load(error));
            self.b().emit(Instr::Throw);
        }
        for exit in exits {
            self.b().patch_here(exit);
        }
    }

    pub(super) fn source_text(&self, span: replica_grammar::Span) -> String {
        self.options.source.get(span.start as usize..span.end as usize).unwrap_or("").to_string()
    }
}

/// What `int x` (no initial value) holds: Groovy gives primitives their zero.
fn primitive_default(ty: &Type) -> Instr {
    match ty.name.dotted().as_str() {
        "int" | "long" | "short" | "byte" => Instr::Int(0),
        "boolean" => Instr::False,
        _ => Instr::Null,
    }
}

/// Types that a typed declaration converts to (others are accepted as they are).
fn is_coercible(name: &str) -> bool {
    matches!(
        name,
        "String"
            | "int"
            | "Integer"
            | "long"
            | "Long"
            | "short"
            | "byte"
            | "BigDecimal"
            | "double"
            | "Double"
            | "float"
            | "Float"
            | "boolean"
            | "Boolean"
            | "List"
            | "ArrayList"
            | "Set"
            | "HashSet"
    )
}
