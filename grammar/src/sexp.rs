//! A readable S-expression dump of the syntax tree, used by `replica parse` and by
//! snapshot tests.
//!
//! Every node is printed as `(kind@start..end attributes…`, its children on the following
//! lines indented by two more spaces, and the closing `)` right after its last child:
//!
//! ```text
//! (assign@0..25 =
//!   (property@0..15 .summary
//!     (name@0..7 replica))
//!   (str@18..25 "hello"))
//! ```
//!
//! Conventions, so that a snapshot can be read without knowing the Rust types:
//! - Strings are printed with Rust escaping (`"a\nb"`); a string that was not written with
//!   double quotes says how it was written after the value (`single`, `triple-single`,
//!   `triple-double`, `slashy`, `dollar-slashy`).
//! - Types, modifiers, navigation (`.`, `?.`, `*.`, `.@`) and operators are printed inline
//!   as Groovy text: `(cast@3..20 Map<String, Object>`, `(property@0..9 ?.name`,
//!   `(binary@0..5 +`.
//! - A method call prints its receiver (if any) as the first child, then `(args …)`.
//!   A name that is computed (`x."${n}"`) is printed as `.(dynamic)` and its expression
//!   follows the receiver.
//! - Nodes without a span of their own (`(args …)`, `(then …)`, `(else …)`, `(params …)`,
//!   `(spread …)`, `(default)`, …) only group the children that follow.
//! - A statement that only wraps an expression or a block prints that expression or block;
//!   when the spans differ, it is wrapped in `(expr-stmt@…` / `(block-stmt@…` /
//!   `(stmt@…` / `(step@…` so that no span is lost.

use std::fmt::{self, Write};

use crate::ast::*;
use crate::span::Span;
use crate::token::StrKind;

/// A readable, deterministic S-expression dump of a file's AST, one node per line with
/// two-space indentation, used by `replica parse` and by snapshot tests.
pub fn to_sexp(file: &File) -> String {
    let mut printer = Printer::default();
    printer.file(file);
    printer.finish()
}

/// The same dump for a single expression (for targeted tests).
pub fn expr_to_sexp(expr: &Expr) -> String {
    let mut printer = Printer::default();
    printer.expr(expr);
    printer.finish()
}

#[derive(Default)]
struct Printer {
    out: String,
    depth: usize,
}

impl Printer {
    fn finish(mut self) -> String {
        self.out.push('\n');
        self.out
    }

    // ------------------------------------------------------------ layout primitives

    /// Starts a node on a new line: `(kind@start..end`.
    fn open(&mut self, kind: &str, span: Span) {
        self.open_head(kind);
        self.span(span);
    }

    /// Starts a grouping node that has no span of its own: `(args`.
    fn open_group(&mut self, kind: &str) {
        self.open_head(kind);
    }

    fn open_head(&mut self, kind: &str) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('(');
        self.out.push_str(kind);
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth -= 1;
        self.out.push(')');
    }

    /// A node with no children: `(kind@start..end)`.
    fn leaf(&mut self, kind: &str, span: Span) {
        self.open(kind, span);
        self.close();
    }

    fn span(&mut self, span: Span) {
        let _ = write!(self.out, "@{}..{}", span.start, span.end);
    }

    /// An inline attribute, preceded by one space.
    fn attr(&mut self, value: impl fmt::Display) {
        let _ = write!(self.out, " {value}");
    }

    /// A string value with Rust escaping.
    fn attr_str(&mut self, value: &str) {
        let _ = write!(self.out, " {value:?}");
    }

    fn attr_style(&mut self, style: StrKind) {
        if let Some(name) = style_name(style) {
            self.attr(name);
        }
    }

    fn attr_type(&mut self, ty: &Type) {
        self.out.push(' ');
        write_type(&mut self.out, ty);
    }

    fn attr_types(&mut self, types: &[Type], separator: &str) {
        for (i, ty) in types.iter().enumerate() {
            if i > 0 {
                self.out.push_str(separator);
            } else {
                self.out.push(' ');
            }
            write_type(&mut self.out, ty);
        }
    }

    fn attr_modifiers(&mut self, modifiers: &[Modifier]) {
        for modifier in modifiers {
            self.attr(modifier_name(modifier.kind));
        }
    }

    fn attr_type_params(&mut self, params: &[TypeParam]) {
        if !params.is_empty() {
            self.out.push(' ');
            write_type_params(&mut self.out, params);
        }
    }

    /// Prints `inner` directly when it covers the same text as its wrapper, otherwise
    /// inside a `(kind@outer` node so that the wrapper's span stays visible.
    fn wrapped(&mut self, kind: &str, outer: Span, inner: Span, f: impl FnOnce(&mut Self)) {
        if outer == inner {
            f(self);
        } else {
            self.open(kind, outer);
            f(self);
            self.close();
        }
    }

    // ------------------------------------------------------------ file level

    fn file(&mut self, file: &File) {
        self.open("file", file.span);
        for item in &file.items {
            self.item(item);
        }
        self.close();
    }

    fn item(&mut self, item: &Item) {
        let span = item.span;
        match &item.kind {
            ItemKind::Platform { name } => {
                self.open("platform", span);
                self.attr(&name.name);
                self.close();
            }
            ItemKind::Trigger { entity, query, query_span: _ } => {
                self.open("trigger", span);
                self.attr(&entity.name);
                self.attr_str(query);
                self.close();
            }
            ItemKind::Script { direction, body } => {
                self.open(direction.keyword(), span);
                self.block(body);
                self.close();
            }
            ItemKind::Test { name, body } => {
                self.open("test", span);
                self.attr_str(name);
                for step in body {
                    self.test_step(step);
                }
                self.close();
            }
            ItemKind::Package { annotations, name } => {
                self.open("package", span);
                self.attr(name.dotted());
                self.annotations(annotations);
                self.close();
            }
            ItemKind::Import { annotations, is_static, name, star, alias } => {
                self.open("import", span);
                if *is_static {
                    self.attr("static");
                }
                self.attr(name.dotted());
                if *star {
                    self.out.push_str(".*");
                }
                if let Some(alias) = alias {
                    self.attr("as");
                    self.attr(&alias.name);
                }
                self.annotations(annotations);
                self.close();
            }
            ItemKind::Function(function) => {
                self.wrapped("item", span, function.span, |p| p.function("function", function));
            }
            ItemKind::Class(class) => {
                self.wrapped("item", span, class.span, |p| p.class(class));
            }
            ItemKind::Stmt(stmt) => {
                self.wrapped("stmt", span, stmt.span, |p| p.stmt(stmt));
            }
            ItemKind::Error => self.leaf("error", span),
        }
    }

    fn test_step(&mut self, step: &TestStep) {
        let span = step.span;
        match &step.kind {
            TestStepKind::Given { target, value } => {
                self.open("given", span);
                self.attr(&target.name);
                self.expr(value);
                self.close();
            }
            TestStepKind::Run { direction } => {
                self.open("run", span);
                self.attr(direction.keyword());
                self.close();
            }
            TestStepKind::Expect { condition } => {
                self.open("expect", span);
                self.expr(condition);
                self.close();
            }
            TestStepKind::Stmt(stmt) => {
                self.wrapped("step", span, stmt.span, |p| p.stmt(stmt));
            }
        }
    }

    fn annotations(&mut self, annotations: &[Annotation]) {
        for annotation in annotations {
            self.open("annotation", annotation.span);
            self.attr(annotation.name.dotted());
            for arg in &annotation.args {
                self.expr(arg);
            }
            self.close();
        }
    }

    /// `(function@… [modifiers] [<T>] [ReturnType] name` with annotations, `(params …)`,
    /// `(throws …)` and the body as children. `kind` is `function` or `method`.
    fn function(&mut self, kind: &str, function: &Function) {
        self.open(kind, function.span);
        self.attr_modifiers(&function.modifiers);
        self.attr_type_params(&function.type_params);
        if let Some(ty) = &function.return_type {
            self.attr_type(ty);
        }
        self.attr(&function.name.name);
        self.annotations(&function.annotations);
        self.params(&function.params);
        if !function.throws.is_empty() {
            self.open_group("throws");
            self.attr_types(&function.throws, ", ");
            self.close();
        }
        if let Some(body) = &function.body {
            self.block(body);
        }
        self.close();
    }

    fn params(&mut self, params: &[Param]) {
        self.open_group("params");
        for param in params {
            self.param(param);
        }
        self.close();
    }

    /// `(param@… [modifiers] [Type][...] name` with annotations and the default value as
    /// children.
    fn param(&mut self, param: &Param) {
        self.open("param", param.span);
        self.attr_modifiers(&param.modifiers);
        match &param.ty {
            Some(ty) => {
                self.attr_type(ty);
                if param.varargs {
                    self.out.push_str("...");
                }
            }
            None if param.varargs => self.attr("..."),
            None => {}
        }
        self.attr(&param.name.name);
        self.annotations(&param.annotations);
        if let Some(default) = &param.default {
            self.expr(default);
        }
        self.close();
    }

    /// `(class@… [modifiers] Name<T> extends A implements B, C` with annotations and
    /// members as children; `class` is replaced by `interface`, `enum` or `trait`.
    fn class(&mut self, class: &Class) {
        self.open(class_kind_name(class.kind), class.span);
        self.attr_modifiers(&class.modifiers);
        self.attr(&class.name.name);
        write_type_params(&mut self.out, &class.type_params);
        if !class.extends.is_empty() {
            self.attr("extends");
            self.attr_types(&class.extends, ", ");
        }
        if !class.implements.is_empty() {
            self.attr("implements");
            self.attr_types(&class.implements, ", ");
        }
        self.annotations(&class.annotations);
        for member in &class.members {
            self.member(member);
        }
        self.close();
    }

    fn member(&mut self, member: &Member) {
        let span = member.span;
        match &member.kind {
            MemberKind::Field(decl) => self.var_decl("field", span, decl),
            MemberKind::Method(function) => {
                self.wrapped("member", span, function.span, |p| p.function("method", function));
            }
            MemberKind::Constructor { annotations, modifiers, name, params, body } => {
                self.open("constructor", span);
                self.attr_modifiers(modifiers);
                self.attr(&name.name);
                self.annotations(annotations);
                self.params(params);
                self.block(body);
                self.close();
            }
            MemberKind::Initializer { is_static, body } => {
                self.open("initializer", span);
                if *is_static {
                    self.attr("static");
                }
                self.block(body);
                self.close();
            }
            MemberKind::EnumConstants(constants) => {
                self.open("enum-constants", span);
                for constant in constants {
                    self.open("constant", constant.span);
                    self.attr(&constant.name.name);
                    if !constant.args.is_empty() {
                        self.args(&constant.args);
                    }
                    self.close();
                }
                self.close();
            }
            MemberKind::Class(class) => {
                self.wrapped("member", span, class.span, |p| p.class(class));
            }
            MemberKind::Error => self.leaf("error", span),
        }
    }

    // ------------------------------------------------------------ statements and expressions
    //
    // Statements and expressions nest as deep as the source does, so the functions on the
    // recursive path (`stmt`, `stmt_children`, `expr`, `expr_children`, `block`, `args`)
    // keep small stack frames: the head of a node (its name, span and inline attributes,
    // which need formatting temporaries) is written by a separate, non-inlined function
    // that returns before the children are visited.

    fn block(&mut self, block: &Block) {
        self.open("block", block.span);
        for stmt in &block.stmts {
            self.stmt(stmt);
        }
        self.close();
    }

    /// `(var-decl@… [modifiers] [Type]` (or `field`) with annotations and one `(var@… name`
    /// per declared name, its initializer as a child.
    fn var_decl(&mut self, kind: &str, span: Span, decl: &VarDecl) {
        self.var_decl_head(kind, span, decl);
        for var in &decl.vars {
            self.open("var", var.span);
            self.attr(&var.name.name);
            if let Some(init) = &var.init {
                self.expr(init);
            }
            self.close();
        }
        self.close();
    }

    #[inline(never)]
    fn var_decl_head(&mut self, kind: &str, span: Span, decl: &VarDecl) {
        self.open(kind, span);
        self.attr_modifiers(&decl.modifiers);
        if let Some(ty) = &decl.ty {
            self.attr_type(ty);
        }
        self.annotations(&decl.annotations);
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            // A statement that is only an expression or a block prints as that node.
            StmtKind::Expr(expr) if expr.span == stmt.span => self.expr(expr),
            StmtKind::Block(block) if block.span == stmt.span => self.block(block),
            StmtKind::VarDecl(decl) => self.var_decl("var-decl", stmt.span, decl),
            _ => {
                self.stmt_head(stmt);
                self.stmt_children(stmt);
                self.close();
            }
        }
    }

    #[inline(never)]
    fn stmt_head(&mut self, stmt: &Stmt) {
        let span = stmt.span;
        match &stmt.kind {
            StmtKind::Expr(_) => self.open("expr-stmt", span),
            StmtKind::Block(_) => self.open("block-stmt", span),
            StmtKind::VarDecl(_) => unreachable!("printed by var_decl"),
            StmtKind::TupleDecl { modifiers, .. } => {
                self.open("tuple-decl", span);
                self.attr_modifiers(modifiers);
            }
            StmtKind::If { .. } => self.open("if", span),
            StmtKind::While { .. } => self.open("while", span),
            StmtKind::DoWhile { .. } => self.open("do-while", span),
            StmtKind::ForIn { ty, var, .. } => {
                self.open("for-in", span);
                if let Some(ty) = ty {
                    self.attr_type(ty);
                }
                self.attr(&var.name);
            }
            StmtKind::ForClassic { .. } => self.open("for", span),
            StmtKind::Switch { .. } => self.open("switch", span),
            StmtKind::Try { .. } => self.open("try", span),
            StmtKind::Return(_) => self.open("return", span),
            StmtKind::Break(label) | StmtKind::Continue(label) => {
                let kind = match stmt.kind {
                    StmtKind::Break(_) => "break",
                    _ => "continue",
                };
                self.open(kind, span);
                if let Some(label) = label {
                    self.attr(&label.name);
                }
            }
            StmtKind::Throw(_) => self.open("throw", span),
            StmtKind::Assert { .. } => self.open("assert", span),
            StmtKind::Labeled { label, .. } => {
                self.open("labeled", span);
                self.attr(&label.name);
            }
            StmtKind::Synchronized { .. } => self.open("synchronized", span),
            StmtKind::Error => self.open("error", span),
        }
    }

    fn stmt_children(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Expr(expr) | StmtKind::Throw(expr) => self.expr(expr),
            StmtKind::Block(block) => self.block(block),
            StmtKind::VarDecl(_) | StmtKind::Break(_) | StmtKind::Continue(_) | StmtKind::Error => {}
            StmtKind::TupleDecl { names, value, .. } => {
                self.tuple_vars(names);
                self.expr(value);
            }
            StmtKind::If { cond, then_branch, else_branch } => {
                self.expr(cond);
                self.open_group("then");
                self.stmt(then_branch);
                self.close();
                if let Some(else_branch) = else_branch {
                    self.open_group("else");
                    self.stmt(else_branch);
                    self.close();
                }
            }
            StmtKind::While { cond, body } => {
                self.expr(cond);
                self.stmt(body);
            }
            StmtKind::DoWhile { body, cond } => {
                self.stmt(body);
                self.expr(cond);
            }
            StmtKind::ForIn { iterable, body, .. } => {
                self.expr(iterable);
                self.stmt(body);
            }
            StmtKind::ForClassic { init, cond, update, body } => {
                self.for_children(init, cond.as_ref(), update, body)
            }
            StmtKind::Switch { subject, cases } => {
                self.expr(subject);
                self.switch_cases(cases);
            }
            StmtKind::Try { body, catches, finally } => self.try_children(body, catches, finally.as_ref()),
            StmtKind::Return(value) => {
                if let Some(value) = value {
                    self.expr(value);
                }
            }
            StmtKind::Assert { cond, message } => {
                self.expr(cond);
                if let Some(message) = message {
                    self.expr(message);
                }
            }
            StmtKind::Labeled { body, .. } => self.stmt(body),
            StmtKind::Synchronized { lock, body } => {
                self.expr(lock);
                self.block(body);
            }
        }
    }

    // The helpers below keep loops (and their iterator temporaries) out of the frame of
    // `stmt_children`.

    fn stmts(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    fn tuple_vars(&mut self, names: &[(Option<Type>, Ident)]) {
        for (ty, name) in names {
            self.tuple_var(ty.as_ref(), name);
        }
    }

    fn for_children(&mut self, init: &[Stmt], cond: Option<&Expr>, update: &[Expr], body: &Stmt) {
        self.open_group("init");
        self.stmts(init);
        self.close();
        self.open_group("cond");
        if let Some(cond) = cond {
            self.expr(cond);
        }
        self.close();
        self.open_group("update");
        self.exprs(update);
        self.close();
        self.stmt(body);
    }

    fn switch_cases(&mut self, cases: &[SwitchCase]) {
        for case in cases {
            self.switch_case(case);
        }
    }

    fn try_children(&mut self, body: &Block, catches: &[Catch], finally: Option<&Block>) {
        self.block(body);
        for catch in catches {
            self.catch_head(catch);
            self.block(&catch.body);
            self.close();
        }
        if let Some(finally) = finally {
            self.open_group("finally");
            self.block(finally);
            self.close();
        }
    }

    #[inline(never)]
    fn tuple_var(&mut self, ty: Option<&Type>, name: &Ident) {
        self.open("var", name.span);
        if let Some(ty) = ty {
            self.attr_type(ty);
        }
        self.attr(&name.name);
        self.close();
    }

    /// `(case@…` with one child per label (`(default)` for `default:`), then `(body …)`.
    fn switch_case(&mut self, case: &SwitchCase) {
        self.open("case", case.span);
        for label in &case.labels {
            match label {
                Some(label) => self.expr(label),
                None => {
                    self.open_group("default");
                    self.close();
                }
            }
        }
        self.open_group("body");
        for stmt in &case.body {
            self.stmt(stmt);
        }
        self.close();
        self.close();
    }

    /// `(catch@… IOException | TimeoutException e`
    #[inline(never)]
    fn catch_head(&mut self, catch: &Catch) {
        self.open("catch", catch.span);
        self.attr_types(&catch.types, " | ");
        self.attr(&catch.name.name);
    }

    fn expr(&mut self, expr: &Expr) {
        self.expr_head(expr);
        self.expr_children(expr);
        self.close();
    }

    /// Opens the node and writes its inline attributes.
    #[inline(never)]
    fn expr_head(&mut self, expr: &Expr) {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Null => self.open("null", span),
            ExprKind::Bool(value) => {
                self.open("bool", span);
                self.attr(value);
            }
            ExprKind::Int(text) => {
                self.open("int", span);
                self.attr(text);
            }
            ExprKind::Decimal(text) => {
                self.open("decimal", span);
                self.attr(text);
            }
            ExprKind::Str { value, style } => {
                self.open("str", span);
                self.attr_str(value);
                self.attr_style(*style);
            }
            ExprKind::Template { style, .. } => {
                self.open("gstring", span);
                self.attr_style(*style);
            }
            ExprKind::List(_) => self.open("list", span),
            ExprKind::Map(_) => self.open("map", span),
            ExprKind::Range { inclusive, .. } => {
                self.open("range", span);
                self.attr(if *inclusive { ".. inclusive" } else { "..< exclusive" });
            }
            ExprKind::Name(name) => {
                self.open("name", span);
                self.attr(name);
            }
            ExprKind::This => self.open("this", span),
            ExprKind::Super => self.open("super", span),
            ExprKind::Paren(_) => self.open("paren", span),
            ExprKind::Property { name, nav, .. } => {
                self.open("property", span);
                self.out.push(' ');
                self.out.push_str(nav_symbol(*nav));
                self.property_name(name);
            }
            ExprKind::MethodPointer { name, .. } => {
                self.open("method-pointer", span);
                self.out.push_str(" .&");
                self.property_name(name);
            }
            ExprKind::MethodCall { receiver, name, nav, type_args, .. } => {
                self.open("call", span);
                self.out.push(' ');
                if receiver.is_some() {
                    self.out.push_str(nav_symbol(*nav));
                }
                if !type_args.is_empty() {
                    write_type_args(&mut self.out, type_args);
                }
                self.property_name(name);
            }
            ExprKind::Call { .. } => self.open("call-expr", span),
            ExprKind::Index { safe, .. } => {
                self.open(if *safe { "safe-index" } else { "index" }, span);
            }
            ExprKind::Unary { op, .. } => {
                let kind = match op {
                    UnaryOp::PostInc | UnaryOp::PostDec => "postfix",
                    _ => "unary",
                };
                self.open(kind, span);
                self.attr(op.symbol());
            }
            ExprKind::Binary { op, .. } => {
                self.open("binary", span);
                self.attr(op.symbol());
            }
            ExprKind::Ternary { .. } => self.open("ternary", span),
            ExprKind::Elvis { .. } => self.open("elvis", span),
            ExprKind::Assign { op, .. } => {
                self.open("assign", span);
                match op {
                    Some(op) => self.attr(op.symbol()),
                    None => self.attr("="),
                }
            }
            ExprKind::As { ty, .. } => {
                self.open("as", span);
                self.attr_type(ty);
            }
            ExprKind::Cast { ty, .. } => {
                self.open("cast", span);
                self.attr_type(ty);
            }
            ExprKind::InstanceOf { ty, negated, .. } => {
                self.open(if *negated { "!instanceof" } else { "instanceof" }, span);
                self.attr_type(ty);
            }
            ExprKind::Closure { params, .. } => {
                self.open("closure", span);
                match params {
                    None => self.attr("params: (it)"),
                    Some(params) if params.is_empty() => self.attr("params: ()"),
                    Some(_) => {}
                }
            }
            ExprKind::New { ty, .. } => {
                self.open("new", span);
                self.attr_type(ty);
            }
            ExprKind::NewArray { ty, .. } => {
                self.open("new-array", span);
                self.attr_type(ty);
            }
            ExprKind::Error => self.open("error", span),
        }
    }

    /// Prints the children of a node opened by `expr_head`.
    fn expr_children(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Decimal(_)
            | ExprKind::Str { .. }
            | ExprKind::Name(_)
            | ExprKind::This
            | ExprKind::Super
            | ExprKind::Error => {}
            ExprKind::Template { parts, .. } => self.template_parts(parts),
            ExprKind::List(items) => self.exprs(items),
            ExprKind::Map(entries) => self.map_entries(entries),
            ExprKind::Range { from, to, .. } => {
                self.expr(from);
                self.expr(to);
            }
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Property { target, name, .. } | ExprKind::MethodPointer { target, name } => {
                self.expr(target);
                if let Some(dynamic) = dynamic_name(name) {
                    self.expr(dynamic);
                }
            }
            ExprKind::MethodCall { receiver, name, args, .. } => {
                self.call_children(receiver.as_deref(), name, args)
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee);
                self.args(args);
            }
            ExprKind::Index { target, index, .. } => {
                self.expr(target);
                self.exprs(index);
            }
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Elvis { lhs, rhs } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Ternary { cond, then_expr, else_expr } => {
                self.expr(cond);
                self.expr(then_expr);
                self.expr(else_expr);
            }
            ExprKind::Assign { target, value, .. } => {
                self.expr(target);
                self.expr(value);
            }
            ExprKind::As { expr, .. } | ExprKind::Cast { expr, .. } | ExprKind::InstanceOf { expr, .. } => {
                self.expr(expr)
            }
            ExprKind::Closure { params, body } => self.closure_children(params.as_deref(), body),
            ExprKind::New { args, .. } => self.args(args),
            ExprKind::NewArray { sizes, init, .. } => self.new_array_children(sizes, init.as_deref()),
        }
    }

    // The helpers below keep loops (and their iterator temporaries) out of the frame of
    // `expr_children`.

    fn exprs(&mut self, exprs: &[Expr]) {
        for expr in exprs {
            self.expr(expr);
        }
    }

    fn template_parts(&mut self, parts: &[TemplatePart]) {
        for part in parts {
            match part {
                TemplatePart::Text { value, span } => self.template_text(value, *span),
                TemplatePart::Interp { expr, span } => {
                    self.open("interp", *span);
                    if let Some(expr) = expr {
                        self.expr(expr);
                    }
                    self.close();
                }
            }
        }
    }

    fn map_entries(&mut self, entries: &[MapEntry]) {
        for entry in entries {
            self.open("entry", entry.span);
            self.map_key(&entry.key);
            self.expr(&entry.value);
            self.close();
        }
    }

    fn call_children(&mut self, receiver: Option<&Expr>, name: &PropertyName, args: &[Arg]) {
        if let Some(receiver) = receiver {
            self.expr(receiver);
        }
        if let Some(dynamic) = dynamic_name(name) {
            self.expr(dynamic);
        }
        self.args(args);
    }

    fn closure_children(&mut self, params: Option<&[Param]>, body: &[Stmt]) {
        if let Some(params) = params {
            if !params.is_empty() {
                self.params(params);
            }
        }
        self.stmts(body);
    }

    fn new_array_children(&mut self, sizes: &[Expr], init: Option<&[Expr]>) {
        if !sizes.is_empty() {
            self.open_group("sizes");
            self.exprs(sizes);
            self.close();
        }
        if let Some(init) = init {
            self.open_group("init");
            self.exprs(init);
            self.close();
        }
    }

    #[inline(never)]
    fn template_text(&mut self, value: &str, span: Span) {
        self.open("text", span);
        self.attr_str(value);
        self.close();
    }

    /// Writes the name after a dot (no leading space): `summary`, `"Customer ID"`, or
    /// `(dynamic)` for a computed name, whose expression `expr_children` prints.
    #[inline(never)]
    fn property_name(&mut self, name: &PropertyName) {
        match name {
            PropertyName::Word(ident) => self.out.push_str(&ident.name),
            PropertyName::Quoted(expr) => match &expr.kind {
                ExprKind::Str { value, .. } => {
                    let _ = write!(self.out, "{value:?}");
                }
                _ => self.out.push_str("(dynamic)"),
            },
        }
    }

    /// A bare-word key is printed inline (`(entry@… summary`), a spread key as `*`, any
    /// other key as the first child (before the value).
    fn map_key(&mut self, key: &MapKey) {
        match key {
            MapKey::Word(ident) => self.attr(&ident.name),
            MapKey::Expr(expr) => self.expr(expr),
            MapKey::Spread => self.attr("*"),
        }
    }

    fn args(&mut self, args: &[Arg]) {
        self.open_group("args");
        for arg in args {
            match arg {
                Arg::Positional(expr) => self.expr(expr),
                Arg::Named { key, value, span } => {
                    self.open("named", *span);
                    self.map_key(key);
                    self.expr(value);
                    self.close();
                }
                Arg::Spread(expr) => {
                    self.open_group("spread");
                    self.expr(expr);
                    self.close();
                }
            }
        }
        self.close();
    }
}

/// The expression of a computed name after a dot (`x."${n}"`); `None` for a plain or
/// quoted static name.
fn dynamic_name(name: &PropertyName) -> Option<&Expr> {
    match name {
        PropertyName::Quoted(expr) if !matches!(expr.kind, ExprKind::Str { .. }) => Some(expr),
        _ => None,
    }
}

// ---------------------------------------------------------------- inline text

/// A type as Groovy text: `java.util.Map<String, List<Object>>`, `int[][]`.
fn write_type(out: &mut String, ty: &Type) {
    out.push_str(&ty.name.dotted());
    if !ty.args.is_empty() {
        write_type_args(out, &ty.args);
    }
    for _ in 0..ty.dims {
        out.push_str("[]");
    }
}

/// `<String, ? extends T>`
fn write_type_args(out: &mut String, args: &[TypeArg]) {
    out.push('<');
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match arg {
            TypeArg::Type(ty) => write_type(out, ty),
            TypeArg::Wildcard { bound, span: _ } => {
                out.push('?');
                if let Some((bound, ty)) = bound {
                    out.push_str(match bound {
                        WildcardBound::Extends => " extends ",
                        WildcardBound::Super => " super ",
                    });
                    write_type(out, ty);
                }
            }
        }
    }
    out.push('>');
}

/// `<T extends Comparable<T>, U>`; nothing when there are none.
fn write_type_params(out: &mut String, params: &[TypeParam]) {
    if params.is_empty() {
        return;
    }
    out.push('<');
    for (i, param) in params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&param.name.name);
        for (j, bound) in param.bounds.iter().enumerate() {
            out.push_str(if j == 0 { " extends " } else { " & " });
            write_type(out, bound);
        }
    }
    out.push('>');
}

fn nav_symbol(nav: Navigation) -> &'static str {
    match nav {
        Navigation::Normal => ".",
        Navigation::Safe => "?.",
        Navigation::Spread => "*.",
        Navigation::Attribute => ".@",
    }
}

/// How a string was written; `None` for the usual double quotes.
fn style_name(style: StrKind) -> Option<&'static str> {
    match style {
        StrKind::Double => None,
        StrKind::Single => Some("single"),
        StrKind::TripleSingle => Some("triple-single"),
        StrKind::TripleDouble => Some("triple-double"),
        StrKind::Slashy => Some("slashy"),
        StrKind::DollarSlashy => Some("dollar-slashy"),
    }
}

fn class_kind_name(kind: ClassKind) -> &'static str {
    match kind {
        ClassKind::Class => "class",
        ClassKind::Interface => "interface",
        ClassKind::Enum => "enum",
        ClassKind::Trait => "trait",
    }
}

fn modifier_name(kind: ModifierKind) -> &'static str {
    match kind {
        ModifierKind::Def => "def",
        ModifierKind::Var => "var",
        ModifierKind::Abstract => "abstract",
        ModifierKind::Final => "final",
        ModifierKind::Native => "native",
        ModifierKind::Private => "private",
        ModifierKind::Protected => "protected",
        ModifierKind::Public => "public",
        ModifierKind::Static => "static",
        ModifierKind::Strictfp => "strictfp",
        ModifierKind::Synchronized => "synchronized",
        ModifierKind::Transient => "transient",
        ModifierKind::Volatile => "volatile",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize) -> Span {
        Span::new(start, end)
    }

    fn ident(name: &str, start: usize, end: usize) -> Ident {
        Ident { name: name.to_string(), span: sp(start, end) }
    }

    fn ex(kind: ExprKind, start: usize, end: usize) -> Expr {
        Expr::new(kind, sp(start, end))
    }

    fn bx(kind: ExprKind, start: usize, end: usize) -> Box<Expr> {
        Box::new(ex(kind, start, end))
    }

    fn name(text: &str, start: usize) -> Box<Expr> {
        bx(ExprKind::Name(text.to_string()), start, start + text.len())
    }

    fn str_lit(value: &str, style: StrKind) -> ExprKind {
        ExprKind::Str { value: value.to_string(), style }
    }

    /// `target.field` where `field` starts at `at` and the whole expression at `start`.
    fn prop(target: Box<Expr>, field: &str, at: usize, nav: Navigation) -> Box<Expr> {
        let start = target.span.start as usize;
        let end = at + field.len();
        bx(ExprKind::Property { target, name: PropertyName::Word(ident(field, at, end)), nav }, start, end)
    }

    fn expr_stmt(expr: Expr) -> Stmt {
        Stmt { span: expr.span, kind: StmtKind::Expr(expr) }
    }

    fn qname(dotted: &str, start: usize) -> QualifiedName {
        let mut parts = Vec::new();
        let mut at = start;
        for part in dotted.split('.') {
            parts.push(ident(part, at, at + part.len()));
            at += part.len() + 1;
        }
        QualifiedName { parts, span: sp(start, start + dotted.len()) }
    }

    fn simple_type(dotted: &str, start: usize) -> Type {
        Type { name: qname(dotted, start), args: vec![], dims: 0, span: sp(start, start + dotted.len()) }
    }

    #[test]
    fn assignment_with_property_chain_and_closure_call() {
        // replica.labels = entity.tags?.collect { it.name.trim() }
        // 0         1         2         3         4         5
        // 012345678901234567890123456789012345678901234567890123456
        let lhs = prop(name("replica", 0), "labels", 8, Navigation::Normal);
        let it_name = prop(name("it", 40), "name", 43, Navigation::Normal);
        let trim = ex(
            ExprKind::MethodCall {
                receiver: Some(it_name),
                name: PropertyName::Word(ident("trim", 48, 52)),
                nav: Navigation::Normal,
                type_args: vec![],
                args: vec![],
            },
            40,
            54,
        );
        let closure = ex(ExprKind::Closure { params: None, body: vec![expr_stmt(trim)] }, 38, 56);
        let tags = prop(name("entity", 17), "tags", 24, Navigation::Normal);
        let collect = bx(
            ExprKind::MethodCall {
                receiver: Some(tags),
                name: PropertyName::Word(ident("collect", 30, 37)),
                nav: Navigation::Safe,
                type_args: vec![],
                args: vec![Arg::Positional(closure)],
            },
            17,
            56,
        );
        let assign = ex(ExprKind::Assign { op: None, target: lhs, value: collect }, 0, 56);
        insta::assert_snapshot!(expr_to_sexp(&assign), @r"
        (assign@0..56 =
          (property@0..14 .labels
            (name@0..7 replica))
          (call@17..56 ?.collect
            (property@17..28 .tags
              (name@17..23 entity))
            (args
              (closure@38..56 params: (it)
                (call@40..54 .trim
                  (property@40..47 .name
                    (name@40..42 it))
                  (args))))))
        ");
    }
    #[test]
    fn file_with_platform_trigger_and_outgoing_script() {
        // platform freshdesk
        // trigger ticket "status:2"
        // outgoing {
        //   replica.key = entity.id
        // }
        let assign = ex(
            ExprKind::Assign {
                op: None,
                target: prop(name("replica", 58), "key", 66, Navigation::Normal),
                value: prop(name("entity", 72), "id", 79, Navigation::Normal),
            },
            58,
            81,
        );
        let file = File {
            items: vec![
                Item { kind: ItemKind::Platform { name: ident("freshdesk", 9, 18) }, span: sp(0, 18) },
                Item {
                    kind: ItemKind::Trigger {
                        entity: ident("ticket", 27, 33),
                        query: "status:2".to_string(),
                        query_span: sp(35, 43),
                    },
                    span: sp(19, 44),
                },
                Item {
                    kind: ItemKind::Script {
                        direction: Direction::Outgoing,
                        body: Block { stmts: vec![expr_stmt(assign)], span: sp(54, 83) },
                    },
                    span: sp(45, 83),
                },
            ],
            span: sp(0, 84),
        };
        insta::assert_snapshot!(to_sexp(&file), @r#"
        (file@0..84
          (platform@0..18 freshdesk)
          (trigger@19..44 ticket "status:2")
          (outgoing@45..83
            (block@54..83
              (assign@58..81 =
                (property@58..69 .key
                  (name@58..65 replica))
                (property@72..81 .id
                  (name@72..78 entity))))))
        "#);
    }

    #[test]
    fn gstring_template() {
        // "Hello ${user.name},\nyou have $count tickets"
        let template = ex(
            ExprKind::Template {
                parts: vec![
                    TemplatePart::Text { value: "Hello ".to_string(), span: sp(1, 7) },
                    TemplatePart::Interp {
                        expr: Some(*prop(name("user", 9), "name", 14, Navigation::Normal)),
                        span: sp(7, 19),
                    },
                    TemplatePart::Text { value: ",\nyou have ".to_string(), span: sp(19, 31) },
                    TemplatePart::Interp { expr: Some(*name("count", 32)), span: sp(31, 37) },
                    TemplatePart::Text { value: " tickets".to_string(), span: sp(37, 45) },
                ],
                style: StrKind::Double,
            },
            0,
            46,
        );
        insta::assert_snapshot!(expr_to_sexp(&template), @r#"
        (gstring@0..46
          (text@1..7 "Hello ")
          (interp@7..19
            (property@9..18 .name
              (name@9..13 user)))
          (text@19..31 ",\nyou have ")
          (interp@31..37
            (name@32..37 count))
          (text@37..45 " tickets"))
        "#);
    }

    #[test]
    fn function_with_types_if_else_and_cast() {
        // static String clean(Map<String, ?> m, String... rest) {
        //   if (m == null) return ""
        //   else return (String) m.name
        // }
        let map_type = Type {
            name: qname("Map", 20),
            args: vec![
                TypeArg::Type(simple_type("String", 24)),
                TypeArg::Wildcard { bound: None, span: sp(32, 33) },
            ],
            dims: 0,
            span: sp(20, 33),
        };
        let param = |ty: Type, varargs: bool, name: Ident, span: Span| Param {
            annotations: vec![],
            modifiers: vec![],
            ty: Some(ty),
            varargs,
            name,
            default: None,
            span,
        };
        let cond = ex(
            ExprKind::Binary { op: BinaryOp::Eq, lhs: name("m", 62), rhs: bx(ExprKind::Null, 67, 71) },
            62,
            71,
        );
        let then_branch =
            Stmt { kind: StmtKind::Return(Some(ex(str_lit("", StrKind::Double), 80, 82))), span: sp(73, 82) };
        let cast = ex(
            ExprKind::Cast {
                ty: simple_type("String", 98),
                expr: prop(name("m", 106), "name", 108, Navigation::Normal),
            },
            97,
            112,
        );
        let else_branch = Stmt { kind: StmtKind::Return(Some(cast)), span: sp(90, 112) };
        let if_stmt = Stmt {
            kind: StmtKind::If {
                cond,
                then_branch: Box::new(then_branch),
                else_branch: Some(Box::new(else_branch)),
            },
            span: sp(58, 112),
        };
        let function = Function {
            annotations: vec![],
            modifiers: vec![Modifier { kind: ModifierKind::Static, span: sp(0, 6) }],
            type_params: vec![],
            return_type: Some(simple_type("String", 7)),
            name: ident("clean", 14, 19),
            params: vec![
                param(map_type, false, ident("m", 35, 36), sp(20, 36)),
                param(simple_type("String", 38), true, ident("rest", 48, 52), sp(38, 52)),
            ],
            throws: vec![],
            body: Some(Block { stmts: vec![if_stmt], span: sp(54, 114) }),
            span: sp(0, 114),
        };
        let file = File {
            items: vec![Item { kind: ItemKind::Function(function), span: sp(0, 114) }],
            span: sp(0, 114),
        };
        insta::assert_snapshot!(to_sexp(&file), @r#"
        (file@0..114
          (function@0..114 static String clean
            (params
              (param@20..36 Map<String, ?> m)
              (param@38..52 String... rest))
            (block@54..114
              (if@58..112
                (binary@62..71 ==
                  (name@62..63 m)
                  (null@67..71))
                (then
                  (return@73..82
                    (str@80..82 "")))
                (else
                  (return@90..112
                    (cast@97..112 String
                      (property@106..112 .name
                        (name@106..107 m)))))))))
        "#);
    }

    /// The parser allows about 1,200 levels of nesting; printing them must fit in the
    /// default 2 MiB stack of a test thread even in a debug build.
    #[test]
    fn deep_nesting_fits_on_the_stack() {
        let mut expr = *name("x", 0);
        for level in 0..1_200 {
            let kind = match level % 3 {
                0 => ExprKind::Paren(Box::new(expr)),
                1 => ExprKind::Closure { params: None, body: vec![expr_stmt(expr)] },
                _ => ExprKind::Binary { op: BinaryOp::Add, lhs: Box::new(expr), rhs: name("y", 0) },
            };
            expr = ex(kind, 0, 1);
        }
        let out = expr_to_sexp(&expr);
        assert_eq!(out.lines().count(), 1_200 + 400 + 1);
        assert!(out.ends_with(")\n"));
        assert!(!out.lines().any(|line| line.ends_with(' ')));
    }
}
