//! Lowering: from a checked syntax tree to bytecode (`crate::bytecode`).
//!
//! Run after the checker has accepted the file: the lowering assumes names and types are
//! sound and only reports what the VM cannot run (code [`codes::NOT_SUPPORTED`]).
//!
//! * Typed fields become slot accesses: `entity.summary` is `GetSlot` on the platform's
//!   ticket shape, `replica.status.name` two `GetSlot`s, because the static shape of
//!   `entity`, `replica` and of their object fields is known (`crate::shapes`).
//! * Variables get slots; those a closure uses get cells (`captures.rs`).
//! * `&&`, `||`, `?:`, `?.` and loops become jumps; `finally` blocks are copied onto every
//!   way out of their `try`.
//! * Calls are resolved statically where they can be: script functions (`CallFunction`),
//!   helpers (`CallHelper`), built-in statics (`CallBuiltin`), script classes (`New`).

mod captures;
mod expr;
mod function;
mod stmt;

use std::collections::HashMap;

use replica_grammar::ast::{self, Direction, File, ItemKind, MemberKind, Stmt, StmtKind};
use replica_grammar::{Diagnostic, Span};

use crate::bytecode::{
    Class, Constant, Entries, Function, FunctionKind, Instr, Program, Trigger, FORMAT_VERSION,
};
use crate::codes;
use crate::shapes::{layout_hash, shapes};
use function::{split_last, FnBuilder, Loc, Var};

/// What kind of source is lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LowerKind {
    /// A `.sync` file.
    Rules,
    /// A bare script of one direction on one platform.
    Script { direction: Direction, platform: String },
    /// Statements whose last value is the result (`replica eval`).
    Snippet,
}

#[derive(Clone, Debug)]
pub struct LowerOptions<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub kind: LowerKind,
}

/// Lowers a parsed (and checked) file. Errors are "not supported at run time" diagnostics.
pub fn lower(file: &File, options: &LowerOptions) -> Result<Program, Vec<Diagnostic>> {
    let mut lowerer = Lowerer::new(options);
    lowerer.program(file);
    if lowerer.diagnostics.is_empty() {
        Ok(lowerer.finish())
    } else {
        Err(lowerer.diagnostics)
    }
}

/// A script function's signature, for resolving calls.
#[derive(Clone, Debug)]
struct FnSig {
    index: u32,
    required: u8,
    params: u8,
}

/// What the lowering knows of a script class.
#[derive(Clone, Debug, Default)]
struct ClassInfo {
    index: u32,
    fields: Vec<String>,
    methods: HashMap<String, Vec<FnSig>>,
    static_methods: HashMap<String, Vec<FnSig>>,
    constructors: Vec<FnSig>,
}

pub(crate) struct Lowerer<'a> {
    options: &'a LowerOptions<'a>,
    platform: Option<String>,
    constants: Vec<Constant>,
    constant_index: HashMap<ConstKey, u32>,
    /// Functions by index; `None` while being lowered.
    functions: Vec<Option<Function>>,
    classes: Vec<Class>,
    class_info: HashMap<String, ClassInfo>,
    script_functions: HashMap<String, Vec<FnSig>>,
    /// The functions being lowered, innermost last.
    builders: Vec<FnBuilder>,
    next_var: u32,
    entries: Entries,
    triggers: Vec<Trigger>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum ConstKey {
    Int(i64),
    Decimal(String),
    Str(String),
}

impl<'a> Lowerer<'a> {
    fn new(options: &'a LowerOptions<'a>) -> Lowerer<'a> {
        let platform = match &options.kind {
            LowerKind::Script { platform, .. } => Some(platform.to_ascii_lowercase()),
            _ => None,
        };
        Lowerer {
            options,
            platform,
            constants: Vec::new(),
            constant_index: HashMap::new(),
            functions: Vec::new(),
            classes: Vec::new(),
            class_info: HashMap::new(),
            script_functions: HashMap::new(),
            builders: Vec::new(),
            next_var: 0,
            entries: Entries::default(),
            triggers: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    fn finish(self) -> Program {
        Program {
            version: FORMAT_VERSION,
            layout_hash: layout_hash(shapes()),
            platform: self.platform,
            source_path: self.options.path.to_string(),
            source: self.options.source.to_string(),
            constants: self.constants,
            functions: self.functions.into_iter().map(|f| f.expect("every function was lowered")).collect(),
            classes: self.classes,
            entries: self.entries,
            triggers: self.triggers,
        }
    }

    // ------------------------------------------------------------------ program level

    fn program(&mut self, file: &File) {
        let mut entries = Entries::default();
        let mut triggers = Vec::new();
        // Platform first: slot resolution needs it.
        for item in &file.items {
            if let ItemKind::Platform { name } = &item.kind {
                self.platform = Some(name.name.to_ascii_lowercase());
            }
        }
        // Declare every function and class before lowering bodies: calls may come first.
        for item in &file.items {
            match &item.kind {
                ItemKind::Function(function) => self.declare_function(function),
                ItemKind::Class(class) => self.declare_class(class),
                _ => {}
            }
        }
        for item in &file.items {
            match &item.kind {
                ItemKind::Function(function) => self.lower_function(function, None),
                ItemKind::Class(class) => self.lower_class(class),
                ItemKind::Trigger { entity, query, .. } => {
                    triggers.push(Trigger { entity: entity.name.clone(), query: query.clone() })
                }
                ItemKind::Script { direction, body } => {
                    let index = self.lower_script(direction.keyword(), &body.stmts, false);
                    match direction {
                        Direction::Outgoing => entries.outgoing = Some(index),
                        Direction::Incoming => entries.incoming = Some(index),
                    }
                }
                _ => {}
            }
        }
        let top = top_level_statements(file);
        match self.options.kind.clone() {
            LowerKind::Script { direction, .. } => {
                let index = self.lower_script(direction.keyword(), &top, false);
                match direction {
                    Direction::Outgoing => entries.outgoing = Some(index),
                    Direction::Incoming => entries.incoming = Some(index),
                }
            }
            LowerKind::Snippet => entries.main = Some(self.lower_script("main", &top, true)),
            LowerKind::Rules => {}
        }
        self.entries = entries;
        self.triggers = triggers;
    }

    /// Reserves a function index.
    fn reserve_function(&mut self) -> u32 {
        self.functions.push(None);
        (self.functions.len() - 1) as u32
    }

    fn declare_function(&mut self, function: &ast::Function) {
        let index = self.reserve_function();
        let sig = signature(index, &function.params);
        self.script_functions.entry(function.name.name.clone()).or_default().push(sig);
    }

    /// Lowers a top-level function or a class method into its reserved index.
    fn lower_function(&mut self, function: &ast::Function, class: Option<(&str, u32)>) {
        let Some(body) = &function.body else { return };
        let is_static = function.modifiers.iter().any(|m| m.kind == ast::ModifierKind::Static);
        let (index, kind, name) = match class {
            None => {
                let sigs = &self.script_functions[&function.name.name];
                let index = sigs
                    .iter()
                    .find(|s| self.functions[s.index as usize].is_none())
                    .map(|s| s.index)
                    .expect("declared");
                (index, FunctionKind::Function, function.name.name.clone())
            }
            Some((class_name, _)) => {
                let info = &self.class_info[class_name];
                let table = if is_static { &info.static_methods } else { &info.methods };
                let index = table[&function.name.name]
                    .iter()
                    .find(|s| self.functions[s.index as usize].is_none())
                    .map(|s| s.index)
                    .expect("declared");
                let kind = if is_static { FunctionKind::StaticMethod } else { FunctionKind::Method };
                (index, kind, format!("{class_name}.{}", function.name.name))
            }
        };
        let has_this = kind == FunctionKind::Method;
        let finished =
            self.lower_body(name, kind, has_this, class.map(|c| c.1), &function.params, &body.stmts);
        self.functions[index as usize] = Some(finished);
    }

    /// Lowers an `outgoing`/`incoming` block, a bare script or a snippet's statements.
    fn lower_script(&mut self, name: &str, stmts: &[Stmt], value_of_last: bool) -> u32 {
        let index = self.reserve_function();
        let closure_names = captures::names_used_in_closures(stmts);
        let constant_maps = captures::read_only_constant_maps(stmts, &closure_names);
        let mut builder = FnBuilder::new(name, FunctionKind::Script, closure_names);
        builder.constant_maps = constant_maps;
        self.builders.push(builder);
        if value_of_last {
            self.body_with_value(stmts);
        } else {
            self.stmts(stmts);
            self.b().emit(Instr::Null);
            self.b().emit(Instr::Return);
        }
        let builder = self.builders.pop().expect("pushed");
        self.functions[index as usize] = Some(builder.finish());
        index
    }

    /// Lowers a function-like body: parameters (with defaults), then the statements, whose
    /// last value is returned. `this` takes slot 0 when `has_this`.
    fn lower_body(
        &mut self,
        name: String,
        kind: FunctionKind,
        has_this: bool,
        class: Option<u32>,
        params: &[ast::Param],
        stmts: &[Stmt],
    ) -> Function {
        let mut closure_names = captures::names_used_in_closure_body(params, stmts);
        if has_this && !closure_names.is_empty() {
            // Closures in a method may use its `this` (fields, methods): keep it in a cell.
            closure_names.insert("this".to_string());
        }
        let constant_maps = captures::read_only_constant_maps(stmts, &closure_names);
        let mut builder = FnBuilder::new(name, kind, closure_names);
        builder.constant_maps = constant_maps;
        builder.class = class;
        if has_this {
            builder.local_names.push("this".to_string());
        }
        builder.params = params.len().min(255) as u8;
        builder.required = params.iter().filter(|p| p.default.is_none()).count().min(255) as u8;
        let first = builder.local_names.len() as u16;
        for param in params {
            builder.local_names.push(param.name.name.clone());
        }
        self.builders.push(builder);
        if has_this {
            let mut id = self.next_var;
            self.b().declare_param("this", 0, &mut id);
            self.next_var = id;
        }
        for (i, param) in params.iter().enumerate() {
            let slot = first + i as u16;
            let mut id = self.next_var;
            self.b().declare_param(&param.name.name, slot, &mut id);
            self.next_var = id;
        }
        for (i, param) in params.iter().enumerate() {
            // Missing arguments arrive as null: a null default needs no code.
            if let Some(default) = param.default.as_ref().filter(|d| !matches!(d.kind, ast::ExprKind::Null)) {
                self.b().span = default.span;
                let skip = self.b().jump(|t| Instr::JumpIfArgGiven { param: i as u8, target: t });
                self.expr(default);
                self.b().emit(Instr::Store(first + i as u16));
                self.b().patch_here(skip);
            }
        }
        self.b().cell_params();
        self.body_with_value(stmts);
        self.builders.pop().expect("pushed").finish()
    }

    fn declare_class(&mut self, class: &ast::Class) {
        let index = self.classes.len() as u32;
        let mut info = ClassInfo { index, ..ClassInfo::default() };
        if class.kind != ast::ClassKind::Class || !class.extends.is_empty() || !class.implements.is_empty() {
            self.unsupported(
                class.name.span,
                "only simple classes (no interfaces, enums, traits or inheritance) run in Replica",
            );
        }
        for member in &class.members {
            match &member.kind {
                MemberKind::Field(decl) => info.fields.extend(decl.vars.iter().map(|v| v.name.name.clone())),
                MemberKind::Method(method) => {
                    let index = self.reserve_function();
                    let is_static = method.modifiers.iter().any(|m| m.kind == ast::ModifierKind::Static);
                    let table = if is_static { &mut info.static_methods } else { &mut info.methods };
                    table.entry(method.name.name.clone()).or_default().push(signature(index, &method.params));
                }
                MemberKind::Constructor { params, .. } => {
                    let index = self.reserve_function();
                    info.constructors.push(signature(index, params));
                }
                MemberKind::Initializer { .. } | MemberKind::EnumConstants(_) | MemberKind::Class(_) => self
                    .unsupported(
                        member.span,
                        "nested classes, initializer blocks and enums do not run in Replica",
                    ),
                MemberKind::Error => {}
            }
        }
        self.classes.push(Class {
            name: class.name.name.clone(),
            fields: info.fields.clone(),
            init: None,
            constructors: info.constructors.iter().map(|s| s.index).collect(),
            methods: flatten(&info.methods),
            static_methods: flatten(&info.static_methods),
        });
        self.class_info.insert(class.name.name.clone(), info);
    }

    fn lower_class(&mut self, class: &ast::Class) {
        let name = class.name.name.clone();
        let Some(index) = self.class_info.get(&name).map(|i| i.index) else { return };
        // Field initialisers run as one function with `this` in slot 0.
        let inits: Vec<&ast::Declarator> = class
            .members
            .iter()
            .filter_map(|m| match &m.kind {
                MemberKind::Field(decl) => Some(decl.vars.iter()),
                _ => None,
            })
            .flatten()
            .filter(|v| v.init.is_some())
            .collect();
        if !inits.is_empty() {
            let init_index = self.reserve_function();
            let mut builder =
                FnBuilder::new(format!("{name}.<init>"), FunctionKind::Method, Default::default());
            builder.class = Some(index);
            builder.local_names.push("this".to_string());
            self.builders.push(builder);
            for var in inits {
                let init = var.init.as_ref().expect("filtered");
                self.b().span = var.span;
                self.load_this();
                self.expr(init);
                let field = self.name_constant(&var.name.name);
                self.b().emit(Instr::SetProp(field));
            }
            self.b().emit(Instr::Null);
            self.b().emit(Instr::Return);
            let finished = self.builders.pop().expect("pushed").finish();
            self.functions[init_index as usize] = Some(finished);
            self.classes[index as usize].init = Some(init_index);
        }
        let mut constructors = self.class_info[&name].constructors.clone().into_iter();
        for member in &class.members {
            match &member.kind {
                MemberKind::Method(method) => self.lower_function(method, Some((&name, index))),
                MemberKind::Constructor { params, body, .. } => {
                    let Some(sig) = constructors.next() else { continue };
                    let finished = self.lower_body(
                        format!("{name}.<constructor>"),
                        FunctionKind::Constructor,
                        true,
                        Some(index),
                        params,
                        &body.stmts,
                    );
                    self.functions[sig.index as usize] = Some(finished);
                }
                _ => {}
            }
        }
    }

    // ------------------------------------------------------------------ shared helpers

    /// The function being lowered.
    fn b(&mut self) -> &mut FnBuilder {
        self.builders.last_mut().expect("inside a function")
    }

    fn constant(&mut self, key: ConstKey) -> u32 {
        if let Some(index) = self.constant_index.get(&key) {
            return *index;
        }
        let index = self.constants.len() as u32;
        self.constants.push(match &key {
            ConstKey::Int(n) => Constant::Int(*n),
            ConstKey::Decimal(d) => Constant::Decimal(d.clone()),
            ConstKey::Str(s) => Constant::Str(s.clone()),
        });
        self.constant_index.insert(key, index);
        index
    }

    fn name_constant(&mut self, name: &str) -> u32 {
        self.constant(ConstKey::Str(name.to_string()))
    }

    fn unsupported(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics.push(
            Diagnostic::error(codes::NOT_SUPPORTED, message)
                .with_primary(span, "Replica cannot run this")
                .with_help("rewrite it with the supported subset (see `replica explain E0114`)"),
        );
    }

    fn declare(&mut self, name: &str) -> Var {
        let mut id = self.next_var;
        let var = self.b().declare(name, &mut id);
        self.next_var = id;
        var
    }

    /// Resolves `name` as a variable visible here: this function's own, or (inside a
    /// closure) an enclosing function's, captured on the way.
    fn resolve(&mut self, name: &str) -> Option<Loc> {
        let depth = self.builders.len() - 1;
        self.resolve_at(depth, name).map(|var| var.loc)
    }

    fn resolve_at(&mut self, depth: usize, name: &str) -> Option<Var> {
        if let Some(var) = self.builders[depth].lookup_own(name) {
            return Some(var);
        }
        if depth == 0 || !self.builders[depth].sees_enclosing {
            return None;
        }
        let outer = self.resolve_at(depth - 1, name)?;
        let capture = match outer.loc {
            // A pooled constant is the same everywhere: nothing to capture.
            Loc::Const(_) => return Some(outer),
            Loc::Cell(cell) => crate::bytecode::Capture::Cell(cell),
            Loc::Capture(index) => crate::bytecode::Capture::Outer(index),
            // The capture analysis makes every captured variable a cell; a slot here means
            // the name is shadowed in a way it did not foresee: read the current value.
            Loc::Local(_) => return None,
        };
        let builder = &mut self.builders[depth];
        let index = match builder.captured.get(&outer.id) {
            Some(index) => *index,
            None => {
                builder.captures.push(capture);
                let index = (builder.captures.len() - 1) as u16;
                builder.captured.insert(outer.id, index);
                index
            }
        };
        Some(Var { id: outer.id, loc: Loc::Capture(index) })
    }

    /// Lowers statements whose last one's value is returned (functions, closures, snippets).
    fn body_with_value(&mut self, stmts: &[Stmt]) {
        let (rest, last) = split_last(stmts);
        self.stmts(rest);
        match last {
            Some(last) => self.tail(last),
            None => {
                self.b().emit(Instr::Null);
                self.b().emit(Instr::Return);
            }
        }
    }

    /// Lowers a statement in tail position: its value is returned.
    fn tail(&mut self, stmt: &Stmt) {
        self.b().span = stmt.span;
        match &stmt.kind {
            StmtKind::Expr(expr) => {
                self.expr(expr);
                self.b().emit(Instr::Return);
            }
            StmtKind::If { cond, then_branch, else_branch } => {
                self.condition(cond);
                let otherwise = self.b().jump(Instr::JumpIfFalse);
                self.tail(then_branch);
                self.b().patch_here(otherwise);
                match else_branch {
                    Some(other) => self.tail(other),
                    None => {
                        self.b().emit(Instr::Null);
                        self.b().emit(Instr::Return);
                    }
                }
            }
            StmtKind::Block(block) => {
                self.b().push_scope();
                self.body_with_value(&block.stmts);
                self.b().pop_scope();
            }
            // Loops have no value in Groovy; these statements do.
            StmtKind::Switch { .. } | StmtKind::Try { .. } => {
                let result = self.b().hidden_local();
                self.b().emit(Instr::Null);
                self.b().emit(Instr::Store(result));
                let outer = self.b().value_slot.replace(result);
                self.stmt(stmt);
                self.b().value_slot = outer;
                self.b().emit(Instr::Load(result));
                self.b().emit(Instr::Return);
            }
            _ => {
                self.stmt(stmt);
                self.b().emit(Instr::Null);
                self.b().emit(Instr::Return);
            }
        }
    }
}

/// The statements at the top of a file (a bare script's or a snippet's body).
pub(crate) fn top_level_statements(file: &File) -> Vec<Stmt> {
    file.items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Stmt(stmt) => Some(stmt.clone()),
            _ => None,
        })
        .collect()
}

fn signature(index: u32, params: &[ast::Param]) -> FnSig {
    FnSig {
        index,
        required: params.iter().filter(|p| p.default.is_none()).count().min(255) as u8,
        params: params.len().min(255) as u8,
    }
}

fn flatten(table: &HashMap<String, Vec<FnSig>>) -> Vec<(String, u32)> {
    let mut all: Vec<(String, u32)> =
        table.iter().flat_map(|(name, sigs)| sigs.iter().map(move |s| (name.clone(), s.index))).collect();
    all.sort_by_key(|(_, index)| *index);
    all
}

/// Picks the overload of a script function or method that takes `argc` arguments.
fn pick(sigs: &[FnSig], argc: usize) -> Option<&FnSig> {
    sigs.iter().find(|s| usize::from(s.required) <= argc && argc <= usize::from(s.params))
}
