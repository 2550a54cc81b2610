//! Statements: declarations, control flow, reachability, and assignments — where the
//! direction rules, read-only fields and field types are checked.

use replica_grammar::ast::*;
use replica_grammar::{Diagnostic, Span};

use super::expr::type_text;
use super::{Checker, ScopeKind, Value};
use crate::codes;
use crate::schema::{CustomFieldFact, Field, NameCheck};
use crate::suggest;
use crate::types::Type;

impl Checker<'_> {
    /// Checks statements in order; reports the first one that can never run.
    pub fn block_stmts(&mut self, stmts: &[Stmt]) -> bool {
        let refs: Vec<&Stmt> = stmts.iter().collect();
        self.stmt_refs(&refs)
    }

    pub fn stmt_refs(&mut self, stmts: &[&Stmt]) -> bool {
        let mut terminated = false;
        let mut reported = false;
        for stmt in stmts {
            if terminated && !reported && stmt.kind != StmtKind::Error {
                reported = true;
                self.report(
                    Diagnostic::warning(codes::UNREACHABLE_CODE, "unreachable statement")
                        .with_primary(stmt.span, "this can never run")
                        .with_help("remove it, or move it before the `return`, `throw` or `debug.error`"),
                );
            }
            if self.stmt(stmt) {
                terminated = true;
            }
        }
        terminated
    }

    fn block(&mut self, block: &Block) -> bool {
        self.push(ScopeKind::Block);
        let terminated = self.block_stmts(&block.stmts);
        self.pop();
        terminated
    }

    /// A statement that is its own scope (the body of `if`, `while`, …).
    fn body(&mut self, stmt: &Stmt) -> bool {
        self.push(ScopeKind::Block);
        let terminated = self.stmt(stmt);
        self.pop();
        terminated
    }

    /// Checks a statement; returns whether it always ends the enclosing block.
    pub fn stmt(&mut self, stmt: &Stmt) -> bool {
        stacker::maybe_grow(super::expr::RED_ZONE, super::expr::STACK_SEGMENT, || self.stmt_inner(stmt))
    }

    fn stmt_inner(&mut self, stmt: &Stmt) -> bool {
        match &stmt.kind {
            StmtKind::Expr(expr) => matches!(self.expr(expr).ty, crate::types::Type::Never),
            StmtKind::VarDecl(decl) => {
                self.var_decl(decl);
                false
            }
            StmtKind::TupleDecl { names, value, .. } => {
                self.expr(value);
                for (ty, name) in names {
                    let ty = ty.as_ref().map_or(Type::Any, |t| Type::parse(&type_text(t)));
                    self.declare(name, Value::of(ty), true);
                }
                false
            }
            StmtKind::If { cond, then_branch, else_branch } => {
                self.expr(cond);
                let narrowed = non_null_names(cond);
                let saved = self.narrow(&narrowed);
                let then_ends = self.body(then_branch);
                self.restore(saved);
                let else_ends = match else_branch {
                    Some(else_branch) => {
                        // `if (x == null) { … } else { x.name }`
                        let saved = self.narrow(&null_tested_names(cond));
                        let ends = self.body(else_branch);
                        self.restore(saved);
                        ends
                    }
                    None => false,
                };
                // `if (!user) { return }`: afterwards `user` is not null.
                if then_ends && else_branch.is_none() {
                    let proven = null_tested_names(cond);
                    // For the rest of the block: the saved null sources are not restored.
                    self.narrow(&proven);
                }
                then_ends && else_ends
            }
            StmtKind::While { cond, body } => {
                self.expr(cond);
                self.body(body);
                false
            }
            StmtKind::DoWhile { body, cond } => {
                self.body(body);
                self.expr(cond);
                false
            }
            StmtKind::ForIn { ty, var, iterable, body } => {
                let items = self.expr(iterable);
                self.push(ScopeKind::Block);
                let element = match ty {
                    Some(ty) => Type::parse(&type_text(ty)),
                    None => items.ty.element(),
                };
                self.declare(var, Value::of(element), false);
                self.stmt(body);
                self.pop();
                false
            }
            StmtKind::ForClassic { init, cond, update, body } => {
                self.push(ScopeKind::Block);
                for stmt in init {
                    self.stmt(stmt);
                }
                if let Some(cond) = cond {
                    self.expr(cond);
                }
                for expr in update {
                    self.expr(expr);
                }
                self.stmt(body);
                self.pop();
                false
            }
            StmtKind::Switch { subject, cases } => {
                self.expr(subject);
                let mut all_end = cases.iter().any(|c| c.labels.iter().any(Option::is_none));
                for case in cases {
                    for label in case.labels.iter().flatten() {
                        match &label.kind {
                            ExprKind::Closure { params, body } => {
                                self.closure(params.as_deref(), body, Type::Any)
                            }
                            _ => {
                                self.expr(label);
                            }
                        }
                    }
                    self.push(ScopeKind::Block);
                    let ends = self.block_stmts(&case.body);
                    self.pop();
                    let breaks = case.body.iter().any(|s| matches!(s.kind, StmtKind::Break(_)));
                    all_end &= ends && !breaks;
                }
                all_end
            }
            StmtKind::Try { body, catches, finally } => {
                let body_ends = self.block(body);
                let mut all_end = body_ends;
                for catch in catches {
                    self.push(ScopeKind::Block);
                    self.declare(&catch.name, Value::any(), false);
                    let ends = self.block_stmts(&catch.body.stmts);
                    self.pop();
                    all_end &= ends;
                }
                let finally_ends = finally.as_ref().is_some_and(|f| self.block(f));
                all_end || finally_ends
            }
            StmtKind::Return(expr) => {
                if let Some(expr) = expr {
                    self.expr(expr);
                }
                true
            }
            StmtKind::Break(_) | StmtKind::Continue(_) => true,
            StmtKind::Throw(expr) => {
                self.expr(expr);
                true
            }
            StmtKind::Assert { cond, message } => {
                self.expr(cond);
                if let Some(message) = message {
                    self.expr(message);
                }
                false
            }
            StmtKind::Block(block) => self.block(block),
            StmtKind::Labeled { body, .. } => self.stmt(body),
            StmtKind::Synchronized { lock, body } => {
                self.expr(lock);
                self.not_supported(stmt.span, "`synchronized`", "coordinates threads");
                self.block(body)
            }
            StmtKind::Error => false,
        }
    }

    fn var_decl(&mut self, decl: &VarDecl) {
        let declared = decl.ty.as_ref().map(|t| Type::parse(&type_text(t)));
        for var in &decl.vars {
            let value = match &var.init {
                Some(init) => {
                    let value = self.expr(init);
                    match &declared {
                        Some(ty) if !ty.is_any() && !groovy_assignable(&value.ty, ty) => {
                            self.report(
                                Diagnostic::error(
                                    codes::TYPE_MISMATCH,
                                    format!(
                                        "`{}` is declared as {ty}, but the value is {}",
                                        var.name.name,
                                        value.ty.describe()
                                    ),
                                )
                                .with_primary(init.span, format!("this is {}", value.ty.describe()))
                                .with_help(format!(
                                    "declare it with `def {}`, or convert the value",
                                    var.name.name
                                )),
                            );
                            Value { ty: ty.clone(), flow: value.flow }
                        }
                        Some(ty) if !ty.is_any() => Value { ty: ty.clone(), flow: value.flow },
                        _ => value,
                    }
                }
                None => Value::of(declared.clone().unwrap_or(Type::Any)),
            };
            self.declare(&var.name, value, true);
        }
    }

    /// Within an `if`, variables the condition proves non-null lose their null source.
    pub(super) fn narrow(&mut self, names: &[String]) -> Vec<(String, Option<String>)> {
        let mut saved = Vec::new();
        for name in names {
            let outgoing = self.in_script && self.direction == Some(Direction::Outgoing);
            if name == "previous" && !outgoing && self.lookup(name).is_none() {
                // `previous` is a script name, not a variable: a variable standing for it
                // (in the current scope) carries what the condition proves. (Not in an
                // outgoing script, where each use of `previous` is reported.)
                let mut value = Value::of(Type::Replica.nullable());
                value.flow.null_source = Some("`previous` is null on the first sync".to_string());
                self.declare_builtin(name, value);
            }
            if let Some(var) = self.lookup(name) {
                saved.push((name.clone(), var.value.flow.null_source.take()));
            }
        }
        saved
    }

    pub(super) fn restore(&mut self, saved: Vec<(String, Option<String>)>) {
        for (name, source) in saved {
            if let Some(var) = self.lookup(&name) {
                var.value.flow.null_source = source;
            }
        }
    }

    // ------------------------------------------------------------------ assignment

    pub fn assign(&mut self, op: Option<AssignOp>, target: &Expr, value: &Expr, span: Span) -> Value {
        let assigned = self.expr(value);
        match &target.kind {
            ExprKind::Name(name) => {
                if op.is_some() {
                    self.expr(target);
                }
                match self.lookup(name) {
                    Some(var) => {
                        if op.is_none() {
                            let mut new_value = assigned.clone();
                            if !var.value.ty.is_any() && !groovy_assignable(&assigned.ty, &var.value.ty) {
                                new_value.ty = Type::Any;
                            } else {
                                new_value.ty = var.value.ty.join(&assigned.ty);
                            }
                            var.value = new_value;
                        }
                        self.record_variable_use(target.span, name);
                    }
                    None => {
                        if super::globals::is_global(name) {
                            self.report(
                                Diagnostic::error(
                                    codes::TYPE_MISMATCH,
                                    format!("`{name}` cannot be replaced"),
                                )
                                .with_primary(target.span, "a name every script sees")
                                .with_help(format!("assign its fields instead: `{name}.summary = …`")),
                            );
                        } else {
                            self.bind_script_variable(name, assigned.clone(), target.span);
                        }
                    }
                }
            }
            ExprKind::Property { target: object, name, .. } => {
                self.direction_check(object, span);
                let object_value = self.expr(object);
                let custom_fields = custom_fields_map(object).is_some();
                self.record_member(name, &object_value.ty, false, custom_fields);
                if let Some(field) = name.as_static() {
                    self.write_field(&object_value.ty, object, field, name.span(), &assigned, value.span, op);
                } else if let PropertyName::Quoted(expr) = name {
                    self.expr(expr);
                }
            }
            ExprKind::Index { target: object, index, .. } => {
                self.direction_check(object, span);
                self.expr(object);
                for i in index {
                    self.expr(i);
                }
            }
            ExprKind::Paren(inner) => {
                return self.assign(op, inner, value, span);
            }
            _ => {
                self.expr(target);
            }
        }
        assigned
    }

    /// Writing `entity` in an outgoing script or `replica` in an incoming one has no effect.
    fn direction_check(&mut self, object: &Expr, span: Span) {
        if !self.in_script {
            return;
        }
        let Some(root) = root_name(object) else { return };
        if self.lookup(root).is_some() {
            return;
        }
        match (root, self.direction) {
            ("entity" | "issue", Some(Direction::Outgoing)) => self.report(
                Diagnostic::error(
                    codes::ENTITY_IN_OUTGOING,
                    format!("assigning `{root}` in an outgoing script has no effect"),
                )
                .with_primary(span, "the local ticket is not saved after an outgoing script")
                .with_help(
                    "the outgoing script fills `replica`; change the ticket in `incoming { … }` instead",
                ),
            ),
            ("replica", Some(Direction::Incoming)) => self.report(
                Diagnostic::error(
                    codes::REPLICA_IN_INCOMING,
                    "assigning `replica` in an incoming script has no effect",
                )
                .with_primary(span, "the replica is not sent anywhere from an incoming script")
                .with_help("the incoming script applies `replica` to `entity`: assign `entity` fields here"),
            ),
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn write_field(
        &mut self,
        object: &Type,
        object_expr: &Expr,
        field: &str,
        field_span: Span,
        value: &Value,
        value_span: Span,
        op: Option<AssignOp>,
    ) {
        match object.non_null() {
            Type::Ticket => {
                let Some(schema_field) = self.ticket_field(field) else {
                    self.read_field(object, field, field_span);
                    return;
                };
                if schema_field.read_only {
                    self.read_only(&schema_field, field_span);
                    return;
                }
                if op.is_none() {
                    self.field_value_check(&schema_field, value, value_span);
                }
            }
            Type::Map(_, _) => {
                if let Some(map_field) = custom_fields_map(object_expr) {
                    self.custom_field_write(map_field, field, field_span, value);
                }
            }
            Type::Replica | Type::Object(_) => {
                self.read_field(object, field, field_span);
            }
            _ => {}
        }
    }

    fn read_only(&mut self, field: &Field, span: Span) {
        let platform = self.platform_display().to_string();
        let rest = field.rest.as_deref().filter(|r| *r != field.name);
        let mut diagnostic = Diagnostic::error(
            codes::READ_ONLY_FIELD,
            format!("`{}` is read-only on a {platform} ticket", field.name),
        )
        .with_primary(span, "the platform sets this field itself");
        if let Some(rest) = rest {
            diagnostic = diagnostic.with_note(format!("`{}` is the REST attribute `{rest}`", field.name));
        }
        diagnostic = diagnostic.with_help(
            "remove this assignment; to keep the remote value, store it in a custom field (`entity.custom_fields.cf_… = …`)",
        );
        self.report(diagnostic);
    }

    /// Whether a value fits a ticket field, including status/priority names and codes.
    fn field_value_check(&mut self, field: &Field, value: &Value, span: Span) {
        let ty = value.ty.non_null();
        if matches!(ty, Type::Any | Type::Never) || (matches!(ty, Type::Null) && value.ty == Type::Null) {
            return;
        }
        let target = field.ty.non_null().clone();
        let ok = match &target {
            Type::Object(kind) if kind == "Status" || kind == "Priority" => {
                let check = if kind == "Status" { NameCheck::Status } else { NameCheck::Priority };
                match ty {
                    Type::Object(k) if k == kind => true,
                    Type::String => {
                        self.check_names(check, &value.flow, span, &format!("entity.{}", field.name));
                        true
                    }
                    Type::Int => {
                        self.check_code(field, value);
                        true
                    }
                    _ => false,
                }
            }
            Type::Object(kind) => matches!(ty, Type::Object(k) if k == kind),
            Type::String => {
                if field.name == "type" {
                    self.check_ticket_type(value);
                }
                !matches!(
                    ty,
                    Type::List(_)
                        | Type::Map(_, _)
                        | Type::Object(_)
                        | Type::Closure
                        | Type::Ticket
                        | Type::Replica
                )
            }
            Type::Int => {
                if matches!(ty, Type::Int) {
                    self.check_code(field, value);
                }
                ty.is_numeric()
            }
            Type::Decimal => ty.is_numeric(),
            Type::Bool => matches!(ty, Type::Bool),
            Type::Date | Type::DateTime => matches!(ty, Type::Date | Type::DateTime | Type::String),
            Type::List(_) => matches!(ty, Type::List(_) | Type::Range),
            Type::Map(_, _) => matches!(ty, Type::Map(_, _)),
            _ => true,
        };
        if !ok {
            let expected = match &target {
                Type::Object(kind) if kind == "Status" => "a Status (or a status name)".to_string(),
                Type::Object(kind) if kind == "Priority" => "a Priority (or a priority name)".to_string(),
                other => other.describe(),
            };
            let help = match &target {
                Type::Object(kind) if kind == "Status" => {
                    "use `nodeHelper.getStatus(\"Open\")` or a status name".to_string()
                }
                Type::Object(kind) if kind == "Priority" => {
                    "use `nodeHelper.getPriority(\"High\")` or a priority name".to_string()
                }
                Type::Object(kind) if kind == "User" => {
                    "look the user up with `nodeHelper.getUserByEmail(email)`".to_string()
                }
                _ => format!("convert the value to {expected}"),
            };
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("`{}` expects {expected}, found {}", field.name, ty.describe()),
                )
                .with_primary(span, format!("this is {}", ty.describe()))
                .with_help(help),
            );
        }
    }

    /// An integer literal assigned to a field with codes (`status`, `priority`, `source`).
    fn check_code(&mut self, field: &Field, value: &Value) {
        let Some((code, span)) = value.flow.int_literal else { return };
        let codes_list = match field.name.as_str() {
            "status" => self.platform.as_ref().map(|p| p.statuses.clone()),
            "priority" => self.platform.as_ref().map(|p| p.priorities.clone()),
            _ => field.codes.clone(),
        };
        let Some(codes_list) = codes_list else { return };
        if codes_list.iter().any(|(c, _)| *c == code) {
            return;
        }
        let listed: Vec<String> = codes_list.iter().map(|(c, n)| format!("{c} ({n})")).collect();
        let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
        let platform = self.platform_display().to_string();
        self.report(
            Diagnostic::error(
                codes::UNKNOWN_CODE,
                format!("{code} is not a {platform} `{}` code", field.name),
            )
            .with_primary(span, "no such code")
            .with_note(format!("the codes are {}", suggest::list(&listed, 20)))
            .with_help("use one of the codes above"),
        );
    }

    fn check_ticket_type(&mut self, value: &Value) {
        let Some(platform) = &self.platform else { return };
        let types = platform.ticket_types.clone();
        let locked = platform.locked;
        let display = platform.display_name.clone();
        for (name, span) in &value.flow.names {
            if types.iter().any(|t| t == name) {
                continue;
            }
            let refs: Vec<&str> = types.iter().map(String::as_str).collect();
            let mut diagnostic = if locked {
                Diagnostic::error(
                    codes::UNKNOWN_TICKET_TYPE,
                    format!("\"{name}\" is not a ticket type of this instance"),
                )
            } else {
                Diagnostic::warning(
                    codes::UNLISTED_TICKET_TYPE,
                    format!("\"{name}\" is not a default {display} ticket type"),
                )
            }
            .with_primary(*span, "unknown ticket type")
            .with_note(format!("the ticket types are {}", suggest::list(&refs, 12)));
            diagnostic = match suggest::did_you_mean(name, refs.iter().copied()) {
                Some(close) => suggest::offer_literal(diagnostic, *span, close),
                None if locked => diagnostic.with_help("use one of the types above"),
                None => diagnostic
                    .with_help("if the account defines this type, run `replica schema pull` so it is known"),
            };
            self.report(diagnostic);
        }
    }

    /// `entity.custom_fields.cf_x = v` / `entity.customFields.cf_x…`: with a lock, the
    /// field must exist and a dropdown value must be one of its choices.
    /// With a lock, the instance's custom field of this name; reports an unknown one.
    pub(crate) fn custom_field(
        &mut self,
        map_field: &str,
        field: &str,
        span: Span,
    ) -> Option<CustomFieldFact> {
        let custom = self.platform.as_ref()?.custom_fields.as_ref()?;
        if let Some(fact) = custom.iter().find(|f| f.name == field) {
            return Some(fact.clone());
        }
        let names: Vec<&str> = custom.iter().map(|f| f.name.as_str()).collect();
        let mut diagnostic = Diagnostic::error(
            codes::UNKNOWN_CUSTOM_FIELD,
            format!("`{field}` is not a custom field of this instance"),
        )
        .with_primary(span, format!("unknown field in `entity.{map_field}`"));
        diagnostic = match suggest::did_you_mean(field, names.iter().copied()) {
            Some(close) => suggest::offer_name(diagnostic, span, close),
            None => diagnostic
                .with_note(format!("the custom fields are {}", suggest::list(&names, 12)))
                .with_help("if the field was added recently, run `replica schema pull` again"),
        };
        self.report(diagnostic);
        None
    }

    fn custom_field_write(&mut self, map_field: &str, field: &str, span: Span, value: &Value) {
        let Some(fact) = self.custom_field(map_field, field, span) else { return };
        let Some(choices) = fact.choices.clone() else { return };
        for (name, literal_span) in &value.flow.names {
            if choices.iter().any(|c| c == name) {
                continue;
            }
            let refs: Vec<&str> = choices.iter().map(String::as_str).collect();
            let mut diagnostic = Diagnostic::error(
                codes::INVALID_CHOICE,
                format!("\"{name}\" is not a choice of the dropdown `{field}`"),
            )
            .with_primary(*literal_span, "not one of the field's choices")
            .with_note(format!("the choices are {}", suggest::list(&refs, 12)));
            if let Some(close) = suggest::did_you_mean(name, refs.iter().copied()) {
                diagnostic = suggest::offer_literal(diagnostic, *literal_span, close);
            }
            self.report(diagnostic);
        }
    }
}

/// Whether Groovy would let a value of type `value` be stored in a variable of type `target`.
fn groovy_assignable(value: &Type, target: &Type) -> bool {
    let (value, target) = (value.non_null(), target.non_null());
    if matches!(value, Type::Any | Type::Null | Type::Never) || matches!(target, Type::Any) {
        return true;
    }
    match target {
        // Groovy converts anything to a String or a boolean for a typed variable.
        Type::String | Type::Bool => true,
        Type::Int | Type::Decimal => value.is_numeric() || matches!(value, Type::String),
        Type::List(_) => matches!(value, Type::List(_) | Type::Range),
        Type::Map(_, _) => matches!(value, Type::Map(_, _)),
        _ => true,
    }
}

/// The variable a property chain starts from: `entity` in `entity.custom_fields.cf_x`.
fn root_name(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Name(name) => Some(name),
        ExprKind::Property { target, .. } | ExprKind::Index { target, .. } => root_name(target),
        ExprKind::Paren(inner) => root_name(inner),
        _ => None,
    }
}

/// `entity.custom_fields` or `entity.customFields`: the map whose keys are custom fields.
pub(crate) fn custom_fields_map(expr: &Expr) -> Option<&'static str> {
    let ExprKind::Property { target, name, .. } = &expr.kind else { return None };
    let ExprKind::Name(root) = &target.kind else { return None };
    if root != "entity" && root != "issue" {
        return None;
    }
    match name.as_static() {
        Some("custom_fields") => Some("custom_fields"),
        Some("customFields") => Some("customFields"),
        _ => None,
    }
}

/// Variables a condition proves non-null when true: `x`, `x != null`, `a && b`.
pub(super) fn non_null_names(cond: &Expr) -> Vec<String> {
    match &cond.kind {
        ExprKind::Name(name) => vec![name.clone()],
        ExprKind::Paren(inner) => non_null_names(inner),
        ExprKind::Binary { op: BinaryOp::NotEq, lhs, rhs } => match (&lhs.kind, &rhs.kind) {
            (ExprKind::Name(name), ExprKind::Null) | (ExprKind::Null, ExprKind::Name(name)) => {
                vec![name.clone()]
            }
            _ => Vec::new(),
        },
        ExprKind::Binary { op: BinaryOp::And, lhs, rhs } => {
            let mut names = non_null_names(lhs);
            names.extend(non_null_names(rhs));
            names
        }
        ExprKind::InstanceOf { expr, negated: false, .. } => non_null_names(expr),
        _ => Vec::new(),
    }
}

/// Variables a condition tests for null: `!x`, `x == null` (after `if (…) return`, they are
/// not null).
pub(super) fn null_tested_names(cond: &Expr) -> Vec<String> {
    match &cond.kind {
        ExprKind::Unary { op: UnaryOp::Not, operand } => non_null_names(operand),
        ExprKind::Paren(inner) => null_tested_names(inner),
        ExprKind::Binary { op: BinaryOp::Eq, lhs, rhs } => match (&lhs.kind, &rhs.kind) {
            (ExprKind::Name(name), ExprKind::Null) | (ExprKind::Null, ExprKind::Name(name)) => {
                vec![name.clone()]
            }
            _ => Vec::new(),
        },
        ExprKind::Binary { op: BinaryOp::Or, lhs, rhs } => {
            let mut names = null_tested_names(lhs);
            names.extend(null_tested_names(rhs));
            names
        }
        _ => Vec::new(),
    }
}
