//! Lowering expressions. Each leaves exactly one value on the stack, except
//! [`Lowerer::expr_stmt`], which lowers an expression used as a statement and leaves none.

use std::sync::Arc;

use replica_grammar::ast::*;

use super::function::Loc;
use super::{pick, ConstKey, Lowerer};
use crate::builtins;
use crate::bytecode::{Env, FunctionKind, HelperId, Instr};
use crate::check::parse_int;
use crate::shapes::{shapes, Shape};

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, expr: &Expr) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(expr));
    }

    fn expr_inner(&mut self, expr: &Expr) {
        let saved = self.b().span;
        self.b().span = expr.span;
        match &expr.kind {
            ExprKind::Null | ExprKind::Error => {
                self.b().emit(Instr::Null);
            }
            ExprKind::Bool(true) => {
                self.b().emit(Instr::True);
            }
            ExprKind::Bool(false) => {
                self.b().emit(Instr::False);
            }
            ExprKind::Int(text) => match parse_int(text) {
                Some(n) => self.int(n),
                None => self.unsupported(expr.span, format!("the integer `{text}` does not fit in 64 bits")),
            },
            ExprKind::Decimal(text) => {
                let constant = self.decimal_constant(text);
                self.b().emit(Instr::Const(constant));
            }
            ExprKind::Str { value, .. } => self.string(value),
            ExprKind::Template { parts, .. } => {
                for part in parts {
                    match part {
                        TemplatePart::Text { value, .. } => self.string(value),
                        TemplatePart::Interp { expr: Some(inner), .. } => self.expr(inner),
                        TemplatePart::Interp { expr: None, .. } => {
                            self.b().emit(Instr::Null);
                        }
                    }
                }
                self.b().emit(Instr::Interpolate(parts.len().min(u16::MAX as usize) as u16));
            }
            ExprKind::List(items) => {
                for item in items {
                    self.expr(item);
                }
                self.b().emit(Instr::MakeList(items.len().min(u16::MAX as usize) as u16));
            }
            ExprKind::Map(entries) => {
                for entry in entries {
                    match &entry.key {
                        MapKey::Word(word) => self.string(&word.name),
                        MapKey::Expr(key) => self.expr(key),
                        MapKey::Spread => {
                            self.unsupported(entry.span, "`*:` in a map literal");
                            self.b().emit(Instr::Null);
                        }
                    }
                    self.expr(&entry.value);
                }
                self.b().emit(Instr::MakeMap(entries.len().min(u16::MAX as usize) as u16));
            }
            ExprKind::Range { from, to, inclusive } => {
                self.expr(from);
                self.expr(to);
                self.b().emit(Instr::MakeRange { inclusive: *inclusive });
            }
            ExprKind::Name(name) => self.name(name, expr),
            ExprKind::This => {
                if self.this_available() {
                    self.load_this();
                } else {
                    self.unsupported(expr.span, "`this` outside a class method");
                }
            }
            ExprKind::Super => self.unsupported(expr.span, "`super`"),
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Property { target, name, nav } => self.property(target, name, *nav, expr),
            ExprKind::MethodPointer { .. } => self.unsupported(expr.span, "method pointers (`.&`)"),
            ExprKind::MethodCall { receiver, name, nav, args, .. } => {
                self.method_call(receiver.as_deref(), name, *nav, args, expr)
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee);
                let argc = self.args(args);
                self.b().span = expr.span;
                self.b().emit(Instr::CallValue { argc });
            }
            ExprKind::Index { target, index, safe } => {
                self.expr(target);
                let skip = safe.then(|| self.b().jump(Instr::JumpIfNull));
                self.index_value(index);
                self.b().span = expr.span;
                self.b().emit(Instr::GetIndex);
                if let Some(skip) = skip {
                    self.b().patch_here(skip);
                }
            }
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Not => {
                    self.expr(operand);
                    self.b().emit(Instr::Not);
                }
                UnaryOp::Neg | UnaryOp::Plus | UnaryOp::BitNot => {
                    // `-5` is a constant, not a negation at run time.
                    if let (UnaryOp::Neg, ExprKind::Int(text)) = (op, &operand.kind) {
                        if let Some(n) = parse_int(text) {
                            self.int(-n);
                            self.b().span = saved;
                            return;
                        }
                    }
                    self.expr(operand);
                    self.b().span = expr.span;
                    self.b().emit(Instr::Unary(*op));
                }
                UnaryOp::PreInc | UnaryOp::PreDec | UnaryOp::PostInc | UnaryOp::PostDec => {
                    self.increment(operand, *op, true)
                }
            },
            ExprKind::Binary { op: BinaryOp::And, lhs, rhs } => {
                self.expr(lhs);
                let short = self.b().jump(Instr::JumpIfFalse);
                self.expr(rhs);
                self.b().emit(Instr::ToBool);
                let end = self.b().jump(Instr::Jump);
                self.b().patch_here(short);
                self.b().emit(Instr::False);
                self.b().patch_here(end);
            }
            ExprKind::Binary { op: BinaryOp::Or, lhs, rhs } => {
                self.expr(lhs);
                let short = self.b().jump(Instr::JumpIfTrue);
                self.expr(rhs);
                self.b().emit(Instr::ToBool);
                let end = self.b().jump(Instr::Jump);
                self.b().patch_here(short);
                self.b().emit(Instr::True);
                self.b().patch_here(end);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.expr(lhs);
                self.expr(rhs);
                self.b().span = expr.span;
                self.b().emit(Instr::Binary(*op));
            }
            ExprKind::Ternary { cond, then_expr, else_expr } => {
                self.condition(cond);
                let otherwise = self.b().jump(Instr::JumpIfFalse);
                self.expr(then_expr);
                let end = self.b().jump(Instr::Jump);
                self.b().patch_here(otherwise);
                self.expr(else_expr);
                self.b().patch_here(end);
            }
            ExprKind::Elvis { lhs, rhs } => {
                self.expr(lhs);
                self.b().emit(Instr::Dup);
                let keep = self.b().jump(Instr::JumpIfTrue);
                self.b().emit(Instr::Pop);
                self.expr(rhs);
                self.b().patch_here(keep);
            }
            ExprKind::Assign { op, target, value } => self.assign(target, *op, value, true),
            ExprKind::As { expr: inner, ty } | ExprKind::Cast { ty, expr: inner } => {
                self.expr(inner);
                let name = type_name(ty);
                let constant = self.name_constant(&name);
                self.b().span = expr.span;
                self.b().emit(Instr::As(constant));
            }
            ExprKind::InstanceOf { expr: inner, ty, negated } => {
                self.expr(inner);
                let constant = self.name_constant(&type_name(ty));
                self.b().emit(Instr::InstanceOf(constant));
                if *negated {
                    self.b().emit(Instr::Not);
                }
            }
            ExprKind::Closure { params, body } => self.closure(params.as_deref(), body),
            ExprKind::New { ty, args } => self.new_object(ty, args, expr),
            ExprKind::NewArray { init: Some(items), .. } => {
                for item in items {
                    self.expr(item);
                }
                self.b().emit(Instr::MakeList(items.len().min(u16::MAX as usize) as u16));
            }
            ExprKind::NewArray { .. } => {
                self.unsupported(expr.span, "arrays of a fixed size (use a list: `[]`)");
                self.b().emit(Instr::Null);
            }
        }
        self.b().span = saved;
    }

    /// An expression whose value is not used.
    pub(super) fn expr_stmt(&mut self, expr: &Expr) {
        self.b().span = expr.span;
        if let Some(result) = self.b().value_slot {
            self.expr(expr);
            self.b().emit(Instr::Store(result));
            return;
        }
        match &expr.kind {
            ExprKind::Assign { op, target, value } => self.assign(target, *op, value, false),
            ExprKind::Unary {
                op: op @ (UnaryOp::PreInc | UnaryOp::PreDec | UnaryOp::PostInc | UnaryOp::PostDec),
                operand,
            } => self.increment(operand, *op, false),
            ExprKind::Paren(inner) => self.expr_stmt(inner),
            _ => {
                self.expr(expr);
                self.b().emit(Instr::Pop);
            }
        }
    }

    fn int(&mut self, n: i64) {
        match i32::try_from(n) {
            Ok(small) => {
                self.b().emit(Instr::Int(small));
            }
            Err(_) => {
                let constant = self.constant(ConstKey::Int(n));
                self.b().emit(Instr::Const(constant));
            }
        }
    }

    /// A decimal literal's constant: the digits as written, without `_` and suffix.
    pub(super) fn decimal_constant(&mut self, text: &str) -> u32 {
        let digits: String = text.chars().filter(|c| *c != '_').collect();
        let digits = digits.trim_end_matches(['g', 'G', 'd', 'D', 'f', 'F']).to_string();
        self.constant(ConstKey::Decimal(digits))
    }

    fn string(&mut self, text: &str) {
        let constant = self.name_constant(text);
        self.b().emit(Instr::Const(constant));
    }

    /// Whether `this` is an instance: inside a method or constructor, or a closure in one.
    fn this_available(&self) -> bool {
        let owner = self.builders.iter().rev().find(|b| !matches!(b.kind, FunctionKind::Closure { .. }));
        owner.is_some_and(|b| matches!(b.kind, FunctionKind::Method | FunctionKind::Constructor))
    }

    /// `this`: slot 0 of the method, or captured from it inside a closure.
    pub(super) fn load_this(&mut self) {
        match self.resolve("this") {
            Some(loc) => self.b().load(loc),
            None => {
                self.b().emit(Instr::LoadThis);
            }
        }
    }

    // ------------------------------------------------------------------ names

    fn name(&mut self, name: &str, expr: &Expr) {
        if let Some(loc) = self.resolve(name) {
            self.b().load(loc);
            return;
        }
        if let Some(env) = env_of(name) {
            self.b().emit(Instr::LoadEnv(env));
            return;
        }
        if self.class_field(name) {
            self.load_this();
            let constant = self.name_constant(name);
            self.b().emit(Instr::GetProp(constant));
            return;
        }
        if HelperId::from_name(name).is_some() {
            self.unsupported(expr.span, format!("`{name}` used as a value (call one of its methods)"));
            self.b().emit(Instr::Null);
            return;
        }
        let constant = self.name_constant(name);
        self.b().emit(Instr::LoadGlobal(constant));
    }

    /// Whether `name` is a field of the class whose method is being lowered.
    fn class_field(&self, name: &str) -> bool {
        if !self.this_available() {
            return false;
        }
        let class = self.builders.iter().rev().find_map(|b| b.class);
        class.is_some_and(|index| {
            self.classes.get(index as usize).is_some_and(|c| c.fields.iter().any(|f| f == name))
        })
    }

    // ------------------------------------------------------------------ static shapes

    /// The record shape an expression's value is known to have.
    fn static_shape(&mut self, expr: &Expr) -> Option<Arc<Shape>> {
        let shapes = shapes();
        match &expr.kind {
            ExprKind::Paren(inner) => self.static_shape(inner),
            ExprKind::Name(name) if self.resolve_quiet(name) => None,
            ExprKind::Name(name) => match env_of(name)? {
                Env::Entity => shapes.ticket(self.platform.as_deref()?).cloned(),
                Env::Replica | Env::Previous => Some(shapes.replica().clone()),
                _ => None,
            },
            ExprKind::Property { target, name, nav: Navigation::Normal | Navigation::Safe } => {
                let shape = self.static_shape(target)?;
                let slot = shape.slot(name.as_static()?)?;
                let ty = &shape.slots[slot as usize].ty;
                shapes.of_type(ty, self.platform.as_deref()).cloned()
            }
            _ => None,
        }
    }

    /// Whether `name` is a variable, without capturing it.
    fn resolve_quiet(&self, name: &str) -> bool {
        for builder in self.builders.iter().rev() {
            if builder.lookup_own(name).is_some() {
                return true;
            }
            if !builder.sees_enclosing {
                break;
            }
        }
        false
    }

    // ------------------------------------------------------------------ properties

    fn property(&mut self, target: &Expr, name: &PropertyName, nav: Navigation, expr: &Expr) {
        let shape = self.static_shape(target);
        self.expr(target);
        let skip = (nav == Navigation::Safe).then(|| self.b().jump(Instr::JumpIfNull));
        self.b().span = expr.span;
        match name.as_static() {
            Some(field) => {
                let constant = self.name_constant(field);
                let slot = shape.as_ref().and_then(|s| s.slot(field).map(|slot| (s.id, slot)));
                match (nav, slot) {
                    (Navigation::Spread, _) => self.b().emit(Instr::SpreadProp(constant)),
                    (_, Some((shape, slot))) => self.b().emit(Instr::GetSlot { shape, slot, name: constant }),
                    _ => self.b().emit(Instr::GetProp(constant)),
                };
            }
            None => {
                // `x."${name}"`: the same as `x[name]` for maps and records.
                if let PropertyName::Quoted(key) = name {
                    self.expr(key);
                }
                self.b().emit(Instr::GetIndex);
            }
        }
        if let Some(skip) = skip {
            self.b().patch_here(skip);
        }
    }

    fn index_value(&mut self, index: &[Expr]) {
        match index {
            [single] => self.expr(single),
            several => {
                for item in several {
                    self.expr(item);
                }
                self.b().emit(Instr::MakeList(several.len().min(u16::MAX as usize) as u16));
            }
        }
    }

    // ------------------------------------------------------------------ assignment

    /// `target = value` or `target op= value`; leaves the assigned value when `want`.
    fn assign(&mut self, target: &Expr, op: Option<AssignOp>, value: &Expr, want: bool) {
        let span = self.b().span;
        match &target.kind {
            ExprKind::Paren(inner) => self.assign(inner, op, value, want),
            ExprKind::Name(name) => {
                let place = self.name_place(name);
                match op {
                    None => self.expr(value),
                    Some(AssignOp::Op(op)) => {
                        self.load_place(&place);
                        self.expr(value);
                        self.b().span = span;
                        self.b().emit(Instr::Binary(op));
                    }
                    Some(AssignOp::Elvis) => {
                        self.load_place(&place);
                        self.b().emit(Instr::Dup);
                        let keep = self.b().jump(Instr::JumpIfTrue);
                        self.b().emit(Instr::Pop);
                        self.expr(value);
                        self.b().patch_here(keep);
                    }
                }
                if want {
                    self.b().emit(Instr::Dup);
                }
                self.store_place(&place);
            }
            ExprKind::Property { target: object, name, nav } => {
                let Some(field) = name.as_static().map(str::to_string) else {
                    // `x."${name}" = v` is `x[name] = v`.
                    let PropertyName::Quoted(key) = name else { return };
                    let index = Expr::new(
                        ExprKind::Index { target: object.clone(), index: vec![(**key).clone()], safe: false },
                        target.span,
                    );
                    self.assign(&index, op, value, want);
                    return;
                };
                let shape = self.static_shape(object);
                let slot = shape.as_ref().and_then(|s| s.slot(&field).map(|slot| (s.id, slot)));
                let constant = self.name_constant(&field);
                self.expr(object);
                let skip = (*nav == Navigation::Safe).then(|| self.b().jump(Instr::JumpIfNull));
                if op.is_some() {
                    self.b().emit(Instr::Dup);
                    self.b().emit(match slot {
                        Some((shape, slot)) => Instr::GetSlot { shape, slot, name: constant },
                        None => Instr::GetProp(constant),
                    });
                }
                self.assigned_value(op, value, span);
                let temp = want.then(|| self.keep_value());
                self.b().span = span;
                self.b().emit(match slot {
                    Some((shape, slot)) => Instr::SetSlot { shape, slot, name: constant },
                    None => Instr::SetProp(constant),
                });
                self.finish_assignment(temp, skip, want);
            }
            ExprKind::Index { target: object, index, .. } => {
                self.expr(object);
                self.index_value(index);
                if op.is_some() {
                    self.b().emit(Instr::Dup2);
                    self.b().emit(Instr::GetIndex);
                }
                self.assigned_value(op, value, span);
                let temp = want.then(|| self.keep_value());
                self.b().span = span;
                self.b().emit(Instr::SetIndex);
                self.finish_assignment(temp, None, want);
            }
            _ => {
                self.unsupported(target.span, "assigning to this expression");
                if want {
                    self.b().emit(Instr::Null);
                }
            }
        }
    }

    /// Pushes the value to assign: `value`, or `current op value` (current is on the stack).
    fn assigned_value(&mut self, op: Option<AssignOp>, value: &Expr, span: replica_grammar::Span) {
        match op {
            None => self.expr(value),
            Some(AssignOp::Op(op)) => {
                self.expr(value);
                self.b().span = span;
                self.b().emit(Instr::Binary(op));
            }
            Some(AssignOp::Elvis) => {
                self.b().emit(Instr::Dup);
                let keep = self.b().jump(Instr::JumpIfTrue);
                self.b().emit(Instr::Pop);
                self.expr(value);
                self.b().patch_here(keep);
            }
        }
    }

    /// Copies the value on top of the stack into a hidden local (the assignment's result).
    fn keep_value(&mut self) -> u16 {
        let temp = self.b().hidden_local();
        self.b().emit(Instr::Dup);
        self.b().emit(Instr::Store(temp));
        temp
    }

    fn finish_assignment(&mut self, temp: Option<u16>, skip: Option<super::function::Patch>, want: bool) {
        match skip {
            // `a?.b = v` with `a` null: nothing assigned; the null stays as the result.
            Some(skip) => {
                if let Some(temp) = temp {
                    self.b().emit(Instr::Load(temp));
                }
                let end = self.b().jump(Instr::Jump);
                self.b().patch_here(skip);
                if !want {
                    self.b().emit(Instr::Pop);
                }
                self.b().patch_here(end);
            }
            None => {
                if let Some(temp) = temp {
                    self.b().emit(Instr::Load(temp));
                }
            }
        }
    }

    /// `x++`, `--x` …: numbers step by one, other values call `next()`/`previous()`.
    fn increment(&mut self, operand: &Expr, op: UnaryOp, want: bool) {
        let step = match op {
            UnaryOp::PreInc | UnaryOp::PostInc => UnaryOp::PreInc,
            _ => UnaryOp::PreDec,
        };
        let post = matches!(op, UnaryOp::PostInc | UnaryOp::PostDec);
        match &operand.kind {
            ExprKind::Name(name) => {
                let place = self.name_place(name);
                self.load_place(&place);
                if want && post {
                    self.b().emit(Instr::Dup);
                }
                self.b().emit(Instr::Unary(step));
                if want && !post {
                    self.b().emit(Instr::Dup);
                }
                self.store_place(&place);
            }
            ExprKind::Property { .. } | ExprKind::Index { .. } => {
                // Through a temporary: `obj.count++` reads, steps and writes back.
                let old = self.b().hidden_local();
                self.expr(operand);
                self.b().emit(Instr::Store(old));
                self.b().emit(Instr::Load(old));
                self.b().emit(Instr::Unary(step));
                let stepped = self.b().hidden_local();
                self.b().emit(Instr::Store(stepped));
                self.assign_from_local(operand, stepped);
                if want {
                    self.b().emit(Instr::Load(if post { old } else { stepped }));
                }
            }
            _ => {
                self.unsupported(operand.span, "`++`/`--` on this expression");
                if want {
                    self.b().emit(Instr::Null);
                }
            }
        }
    }

    /// `target = locals[slot]` for a property or index target, leaving nothing.
    fn assign_from_local(&mut self, target: &Expr, slot: u16) {
        match &target.kind {
            ExprKind::Property { target: object, name, .. } => {
                let field = name.as_static().unwrap_or_default().to_string();
                let constant = self.name_constant(&field);
                self.expr(object);
                self.b().emit(Instr::Load(slot));
                self.b().emit(Instr::SetProp(constant));
            }
            ExprKind::Index { target: object, index, .. } => {
                self.expr(object);
                self.index_value(index);
                self.b().emit(Instr::Load(slot));
                self.b().emit(Instr::SetIndex);
            }
            _ => {}
        }
    }

    // ------------------------------------------------------------------ places

    fn name_place(&mut self, name: &str) -> Place {
        if let Some(loc) = self.resolve(name) {
            return Place::Var(loc);
        }
        if self.class_field(name) {
            return Place::Field(self.name_constant(name));
        }
        Place::Global(self.name_constant(name))
    }

    fn load_place(&mut self, place: &Place) {
        match place {
            Place::Var(loc) => self.b().load(*loc),
            Place::Field(name) => {
                self.load_this();
                self.b().emit(Instr::GetProp(*name));
            }
            Place::Global(name) => {
                self.b().emit(Instr::LoadGlobal(*name));
            }
        }
    }

    /// Stores the value on top of the stack.
    fn store_place(&mut self, place: &Place) {
        match place {
            Place::Var(loc) => self.b().store(*loc),
            Place::Field(name) => {
                self.load_this();
                self.b().emit(Instr::Swap);
                self.b().emit(Instr::SetProp(*name));
            }
            Place::Global(name) => {
                self.b().emit(Instr::StoreGlobal(*name));
            }
        }
    }

    // ------------------------------------------------------------------ calls

    /// Pushes the arguments; named arguments are gathered into one map, first (Groovy).
    fn args(&mut self, args: &[Arg]) -> u8 {
        let named: Vec<&Arg> = args.iter().filter(|a| matches!(a, Arg::Named { .. })).collect();
        let mut count = 0usize;
        if !named.is_empty() {
            for arg in &named {
                if let Arg::Named { key, value, span } = arg {
                    match key {
                        MapKey::Word(word) => self.string(&word.name),
                        MapKey::Expr(key) => self.expr(key),
                        MapKey::Spread => self.unsupported(*span, "`*:` in arguments"),
                    }
                    self.expr(value);
                }
            }
            self.b().emit(Instr::MakeMap(named.len().min(u16::MAX as usize) as u16));
            count += 1;
        }
        for arg in args {
            match arg {
                Arg::Positional(value) => {
                    self.expr(value);
                    count += 1;
                }
                Arg::Spread(value) => {
                    self.unsupported(value.span, "spreading a list into arguments (`*list`)");
                }
                Arg::Named { .. } => {}
            }
        }
        if count > 255 {
            let span = self.b().span;
            self.unsupported(span, "more than 255 arguments");
        }
        count.min(255) as u8
    }

    fn method_call(
        &mut self,
        receiver: Option<&Expr>,
        name: &PropertyName,
        nav: Navigation,
        args: &[Arg],
        expr: &Expr,
    ) {
        let Some(method) = name.as_static().map(str::to_string) else {
            self.unsupported(name.span(), "calling a method by a computed name");
            self.b().emit(Instr::Null);
            return;
        };
        let Some(receiver) = receiver else {
            self.call_by_name(&method, args, expr);
            return;
        };
        // `nodeHelper.getStatus(…)`, `debug.error(…)`
        if let ExprKind::Name(object) = &receiver.kind {
            if let (Some(helper), false) = (HelperId::from_name(object), self.resolve_quiet(object)) {
                let argc = self.args(args);
                let name = self.name_constant(&method);
                self.b().span = expr.span;
                self.b().emit(Instr::CallHelper { helper, method: name, argc });
                return;
            }
        }
        // `new JsonSlurper().parseText(text)`
        if let ExprKind::New { ty, args: new_args } = &receiver.kind {
            if ty.name.parts.last().is_some_and(|p| p.name == "JsonSlurper") && new_args.is_empty() {
                let argc = self.args(args);
                self.builtin(&format!("JsonSlurper.{method}"), argc, expr);
                return;
            }
        }
        // `Math.max(a, b)`, `groovy.json.JsonOutput.toJson(x)`, `Helper.util(x)`
        if let Some(path) = self.static_path(receiver) {
            if let Some(info) = self.class_info.get(&path).cloned() {
                let argc = self.args(args);
                match info.static_methods.get(&method).and_then(|sigs| pick(sigs, argc.into())) {
                    Some(sig) => {
                        self.b().span = expr.span;
                        self.b().emit(Instr::CallFunction { function: sig.index, argc });
                    }
                    None => self.unsupported(
                        expr.span,
                        format!("`{path}` has no static method `{method}` taking {argc} arguments"),
                    ),
                }
                return;
            }
            let argc = self.args(args);
            let qualified = builtins::normalise(&format!("{path}.{method}"));
            self.builtin(&qualified, argc, expr);
            return;
        }
        self.expr(receiver);
        let skip = (nav == Navigation::Safe).then(|| self.b().jump(Instr::JumpIfNull));
        let argc = self.args(args);
        let name = self.name_constant(&method);
        self.b().span = expr.span;
        match (nav, method.as_str()) {
            (Navigation::Spread, _) => self.b().emit(Instr::SpreadCall { name, argc }),
            (_, "call") if self.is_closure_expr(receiver) => self.b().emit(Instr::CallValue { argc }),
            _ => self.b().emit(Instr::CallMethod { name, argc }),
        };
        if let Some(skip) = skip {
            self.b().patch_here(skip);
        }
    }

    fn is_closure_expr(&self, expr: &Expr) -> bool {
        matches!(expr.kind, ExprKind::Closure { .. })
    }

    /// `f(x)` without a receiver: a variable holding a closure, a script function, a method
    /// of the current class, or `println`.
    fn call_by_name(&mut self, name: &str, args: &[Arg], expr: &Expr) {
        if let Some(loc) = self.resolve(name) {
            self.b().load(loc);
            let argc = self.args(args);
            self.b().span = expr.span;
            self.b().emit(Instr::CallValue { argc });
            return;
        }
        let argc_guess = args.iter().filter(|a| !matches!(a, Arg::Named { .. })).count()
            + usize::from(args.iter().any(|a| matches!(a, Arg::Named { .. })));
        // A method of the class being lowered.
        if let Some(class) = self.builders.iter().rev().find_map(|b| b.class) {
            let info = self.class_info.values().find(|i| i.index == class).cloned();
            if let Some(info) = info {
                if info.methods.get(name).and_then(|s| pick(s, argc_guess)).is_some() && self.this_available()
                {
                    self.load_this();
                    let argc = self.args(args);
                    let constant = self.name_constant(name);
                    self.b().span = expr.span;
                    self.b().emit(Instr::CallMethod { name: constant, argc });
                    return;
                }
                if let Some(sig) = info.static_methods.get(name).and_then(|s| pick(s, argc_guess)).cloned() {
                    let argc = self.args(args);
                    self.b().span = expr.span;
                    self.b().emit(Instr::CallFunction { function: sig.index, argc });
                    return;
                }
            }
        }
        if let Some(sigs) = self.script_functions.get(name).cloned() {
            let argc = self.args(args);
            match pick(&sigs, argc.into()) {
                Some(sig) => {
                    self.b().span = expr.span;
                    self.b().emit(Instr::CallFunction { function: sig.index, argc });
                }
                None => {
                    self.unsupported(expr.span, format!("no function `{name}` takes {argc} arguments"));
                    self.b().emit(Instr::Null);
                }
            }
            return;
        }
        match name {
            // Output of a run goes to its log, which the host shows.
            "println" | "print" => {
                let argc = self.args(args);
                if argc == 0 {
                    self.string("");
                }
                let method = self.name_constant("info");
                self.b().span = expr.span;
                self.b().emit(Instr::CallHelper { helper: HelperId::Log, method, argc: argc.max(1) });
            }
            "sprintf" => {
                let argc = self.args(args);
                self.builtin("String.format", argc, expr);
            }
            _ => {
                // A closure stored in the binding (`f = { … }` without `def`).
                let constant = self.name_constant(name);
                self.b().emit(Instr::LoadGlobal(constant));
                let argc = self.args(args);
                self.b().span = expr.span;
                self.b().emit(Instr::CallValue { argc });
            }
        }
    }

    fn builtin(&mut self, name: &str, argc: u8, expr: &Expr) {
        match builtins::lookup(name) {
            Some(builtin) if (builtin.min_args..=builtin.max_args).contains(&argc) => {
                let constant = self.name_constant(name);
                self.b().span = expr.span;
                self.b().emit(Instr::CallBuiltin { name: constant, argc });
            }
            Some(builtin) => {
                self.unsupported(
                    expr.span,
                    format!(
                        "`{name}` takes {} to {} arguments, not {argc}",
                        builtin.min_args, builtin.max_args
                    ),
                );
                self.b().emit(Instr::Null);
            }
            None => {
                self.unsupported(expr.span, format!("`{name}` is not available in Replica scripts"));
                self.b().emit(Instr::Null);
            }
        }
    }

    /// `Math`, `java.lang.Math`, `groovy.json.JsonOutput`: a class reached by name (not a
    /// variable), as a dotted path.
    fn static_path(&self, expr: &Expr) -> Option<String> {
        match &expr.kind {
            ExprKind::Name(name) => {
                let looks_static = name.starts_with(|c: char| c.is_ascii_uppercase())
                    || matches!(name.as_str(), "java" | "groovy" | "com" | "org");
                (looks_static && !self.resolve_quiet(name) && env_of(name).is_none()).then(|| name.clone())
            }
            ExprKind::Property { target, name, nav: Navigation::Normal } => {
                let base = self.static_path(target)?;
                Some(format!("{base}.{}", name.as_static()?))
            }
            _ => None,
        }
    }

    fn new_object(&mut self, ty: &replica_grammar::ast::Type, args: &[Arg], expr: &Expr) {
        let name = ty.name.dotted();
        let simple = ty.name.parts.last().map(|p| p.name.clone()).unwrap_or_default();
        if let Some(info) = self.class_info.get(&simple).cloned() {
            if args.iter().any(|a| matches!(a, Arg::Named { .. })) {
                self.unsupported(expr.span, "named-argument constructors (`new C(a: 1)`)");
            }
            let argc = self.args(args);
            if !info.constructors.is_empty() && pick(&info.constructors, argc.into()).is_none() {
                self.unsupported(expr.span, format!("`{simple}` has no constructor taking {argc} arguments"));
            }
            self.b().span = expr.span;
            self.b().emit(Instr::New { class: info.index, argc });
            return;
        }
        let argc = self.args(args);
        if builtins::is_exception(&name) {
            let constant = self.name_constant(&format!("new {simple}"));
            self.b().span = expr.span;
            self.b().emit(Instr::CallBuiltin { name: constant, argc });
            return;
        }
        let normalised = builtins::normalise(&format!("new {name}"));
        self.builtin(&normalised, argc, expr);
    }

    // ------------------------------------------------------------------ closures

    fn closure(&mut self, params: Option<&[Param]>, body: &[Stmt]) {
        let implicit_it = params.is_none();
        let it = [Param {
            annotations: Vec::new(),
            modifiers: Vec::new(),
            ty: None,
            varargs: false,
            name: Ident { name: "it".to_string(), span: self.b().span },
            default: Some(Expr::new(ExprKind::Null, self.b().span)),
            span: self.b().span,
        }];
        let params = params.unwrap_or(&it);
        let index = self.reserve_function();
        let function = self.lower_body(
            "<closure>".to_string(),
            FunctionKind::Closure { implicit_it },
            false,
            None,
            params,
            body,
        );
        self.functions[index as usize] = Some(function);
        self.b().emit(Instr::MakeClosure(index));
    }
}

/// Where a name assignment goes.
enum Place {
    Var(Loc),
    /// A field of `this` (constant: the field name).
    Field(u32),
    /// The script binding.
    Global(u32),
}

/// The world's names a script reads.
fn env_of(name: &str) -> Option<Env> {
    Some(match name {
        "entity" | "issue" => Env::Entity,
        "replica" => Env::Replica,
        "previous" => Env::Previous,
        "firstSync" => Env::FirstSync,
        "connection" => Env::Connection,
        _ => return None,
    })
}

/// A type as `As` and `InstanceOf` name it: the dotted name, `[]` per dimension.
fn type_name(ty: &replica_grammar::ast::Type) -> String {
    let mut name = ty.name.dotted();
    for _ in 0..ty.dims {
        name.push_str("[]");
    }
    name
}
