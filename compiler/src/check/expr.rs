//! Typing expressions: names, properties against the schema, helper calls, Groovy methods,
//! closures, and the value flow of string literals into status and priority look-ups.

use replica_grammar::ast::*;
use replica_grammar::{Diagnostic, Span};

use super::facts::Target;
use super::globals::{self, is_global};
use super::stmt::{non_null_names, null_tested_names};
use super::{Checker, Flow, ScopeKind, Value};
use crate::codes;
use crate::members;
use crate::methods;
use crate::schema::{Field, Method, NameCheck};
use crate::suggest;
use crate::types::Type;

/// Stack left before [`stacker`] allocates a new segment, and that segment's size.
pub(crate) const RED_ZONE: usize = 128 * 1024;
pub(crate) const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Java and Groovy classes a script may name (static calls, `new`, `instanceof`, casts).
const KNOWN_CLASSES: &[&str] = &[
    "String",
    "Integer",
    "Long",
    "Double",
    "Float",
    "BigDecimal",
    "BigInteger",
    "Boolean",
    "Math",
    "Character",
    "Object",
    "Number",
    "List",
    "ArrayList",
    "LinkedList",
    "Map",
    "HashMap",
    "LinkedHashMap",
    "TreeMap",
    "Set",
    "HashSet",
    "LinkedHashSet",
    "Collection",
    "Collections",
    "Arrays",
    "Objects",
    "StringBuilder",
    "Date",
    "JsonOutput",
    "JsonSlurper",
    "Exception",
    "RuntimeException",
    "IllegalStateException",
    "IllegalArgumentException",
    "NullPointerException",
    "IssueTrackerException",
    "Pattern",
    "Matcher",
    "TimeUnit",
    "UUID",
    "SimpleDateFormat",
    "TimeZone",
    "Timestamp",
    "Closure",
    "Iterable",
    "CharSequence",
    "GString",
    "Void",
    "int",
    "long",
    "double",
    "float",
    "boolean",
    "char",
    "short",
    "byte",
    "void",
    "var",
    "def",
];

/// Classes a script must not touch: processes, files, network, threads, reflection.
pub(crate) const FORBIDDEN_CLASSES: &[(&str, &str)] = &[
    ("System", "reads the environment or stops the process"),
    ("Runtime", "runs processes"),
    ("ProcessBuilder", "runs processes"),
    ("Thread", "starts threads"),
    ("File", "reads and writes files"),
    ("Files", "reads and writes files"),
    ("Paths", "reads and writes files"),
    ("URL", "opens network connections"),
    ("URI", "opens network connections"),
    ("HttpURLConnection", "opens network connections"),
    ("Socket", "opens network connections"),
    ("Class", "uses reflection"),
    ("ClassLoader", "uses reflection"),
    ("GroovyShell", "evaluates code at run time"),
    ("Eval", "evaluates code at run time"),
    ("ExpandoMetaClass", "changes classes at run time"),
];

/// Methods that reach past what a script may do, on any receiver.
const FORBIDDEN_METHODS: &[(&str, &str)] = &[
    ("metaClass", "metaprogramming"),
    ("getMetaClass", "metaprogramming"),
    ("setMetaClass", "metaprogramming"),
    ("invokeMethod", "metaprogramming"),
    ("methodMissing", "metaprogramming"),
    ("propertyMissing", "metaprogramming"),
    ("getClass", "reflection"),
    ("forName", "reflection"),
    ("newInstance", "reflection"),
    ("execute", "running processes"),
    ("evaluate", "evaluating code at run time"),
    ("sleep", "pausing the sync"),
    ("waitFor", "running processes"),
];

impl Checker<'_> {
    pub fn expr(&mut self, expr: &Expr) -> Value {
        // Trees may be 1,000 levels deep (the parser's limit); grow the stack rather than
        // overflow it, as rustc does.
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.expr_inner(expr))
    }

    fn expr_inner(&mut self, expr: &Expr) -> Value {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Null => Value::of(Type::Null),
            ExprKind::Bool(_) => Value::of(Type::Bool),
            ExprKind::Int(text) => {
                let mut value = Value::of(Type::Int);
                if let Some(n) = parse_int(text) {
                    value.flow.int_literal = Some((n, span));
                }
                value
            }
            ExprKind::Decimal(_) => Value::of(Type::Decimal),
            ExprKind::Str { value: text, .. } => {
                let mut value = Value::of(Type::String);
                value.flow.names.push((text.clone(), span));
                value
            }
            ExprKind::Template { parts, .. } => {
                for part in parts {
                    if let TemplatePart::Interp { expr: Some(inner), .. } = part {
                        self.expr(inner);
                    }
                }
                Value::of(Type::String)
            }
            ExprKind::List(items) => {
                let mut item_type = Type::Never;
                for item in items {
                    let value = self.expr(item);
                    item_type = item_type.join(&value.ty);
                }
                if item_type == Type::Never {
                    item_type = Type::Any;
                }
                Value::of(Type::List(Box::new(item_type)))
            }
            ExprKind::Map(entries) => self.map_literal(entries),
            ExprKind::Range { from, to, .. } => {
                self.expr(from);
                self.expr(to);
                Value::of(Type::Range)
            }
            ExprKind::Name(name) => self.name(name, span),
            ExprKind::This | ExprKind::Super => Value::any(),
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Property { target, name, nav } => self.property(target, name, *nav),
            ExprKind::MethodPointer { target, .. } => {
                self.expr(target);
                Value::of(Type::Closure)
            }
            ExprKind::MethodCall { receiver, name, nav, args, .. } => {
                self.method_call(receiver.as_deref(), name, *nav, args, span)
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee);
                self.args(args, None);
                Value::any()
            }
            ExprKind::Index { target, index, .. } => {
                let target_value = self.expr(target);
                for i in index {
                    self.expr(i);
                }
                let mut result = Value::of(match target_value.ty.non_null() {
                    Type::List(item) => (**item).clone(),
                    Type::Map(_, value) => (**value).clone(),
                    Type::String => Type::String,
                    _ => Type::Any,
                });
                // `statusMap[remote]`: the map's literal values flow on (only the entry's for a
                // literal key the map literal has).
                let key = match index.as_slice() {
                    [Expr { kind: ExprKind::Str { value, .. }, .. }] => Some(value.as_str()),
                    _ => None,
                };
                result.flow.names =
                    entry_names(&target_value.flow, key).unwrap_or(target_value.flow.map_values);
                result
            }
            ExprKind::Unary { op, operand } => {
                let value = self.expr(operand);
                match op {
                    UnaryOp::Not => Value::of(Type::Bool),
                    UnaryOp::Neg => {
                        let mut result = Value::of(value.ty);
                        result.flow.int_literal = value.flow.int_literal.map(|(n, _)| (-n, span));
                        result
                    }
                    UnaryOp::BitNot if matches!(value.ty.non_null(), Type::String) => Value::of(Type::Regex),
                    _ => Value::of(value.ty),
                }
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs),
            ExprKind::Ternary { cond, then_expr, else_expr } => {
                self.expr(cond);
                let saved = self.narrow(&non_null_names(cond));
                let a = self.expr(then_expr);
                self.restore(saved);
                let saved = self.narrow(&null_tested_names(cond));
                let b = self.expr(else_expr);
                self.restore(saved);
                merge(a, b)
            }
            ExprKind::Elvis { lhs, rhs } => {
                let a = self.expr(lhs);
                let b = self.expr(rhs);
                let mut result = merge(Value::of(a.ty.non_null().clone()).with_flow(a.flow), b);
                result.flow.null_source = None;
                result
            }
            ExprKind::Assign { op, target, value } => self.assign(*op, target, value, span),
            ExprKind::As { expr, ty } => {
                let value = self.expr(expr);
                self.type_name(ty);
                let mut result = Value::of(Type::parse(&type_text(ty)));
                result.flow.map_values = value.flow.map_values;
                result.flow.map_entries = value.flow.map_entries;
                result.flow.names = value.flow.names;
                result
            }
            ExprKind::Cast { ty, expr } => {
                let value = self.expr(expr);
                self.type_name(ty);
                let mut result = Value::of(Type::parse(&type_text(ty)));
                result.flow = value.flow;
                result
            }
            ExprKind::InstanceOf { expr, ty, .. } => {
                self.expr(expr);
                self.type_name(ty);
                Value::of(Type::Bool)
            }
            ExprKind::Closure { params, body } => {
                self.closure(params.as_deref(), body, Type::Any);
                Value::of(Type::Closure)
            }
            ExprKind::New { ty, args } => {
                self.type_name(ty);
                self.args(args, None);
                let name = type_text(ty);
                let simple = name.rsplit('.').next().unwrap_or(&name).to_string();
                if self.classes.contains_key(&simple) {
                    Value::of(Type::Class(simple))
                } else {
                    Value::of(Type::parse(&simple))
                }
            }
            ExprKind::NewArray { ty, sizes, .. } => {
                self.type_name(ty);
                for size in sizes {
                    self.expr(size);
                }
                Value::of(Type::List(Box::new(Type::Any)))
            }
            ExprKind::Error => Value::any(),
        }
    }

    fn map_literal(&mut self, entries: &[MapEntry]) -> Value {
        let mut seen: Vec<(String, Span)> = Vec::new();
        let mut map_values = Vec::new();
        let mut map_entries = Vec::new();
        let mut value_type = Type::Never;
        for entry in entries {
            let key = match &entry.key {
                MapKey::Word(word) => Some((word.name.clone(), word.span)),
                MapKey::Expr(expr) => {
                    // Checked for its own errors; only literal keys can be compared for duplicates.
                    self.expr(expr);
                    match &expr.kind {
                        ExprKind::Str { value, .. } => Some((value.clone(), expr.span)),
                        ExprKind::Int(text) => Some((text.clone(), expr.span)),
                        _ => None,
                    }
                }
                MapKey::Spread => None,
            };
            if let Some((key, _)) = &key {
                if is_literal_key(&entry.key) {
                    map_entries.push((key.clone(), Vec::new()));
                }
            }
            if let Some((key, key_span)) = key {
                if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                    let first = *first;
                    self.report(
                        Diagnostic::warning(
                            codes::DUPLICATE_KEY,
                            format!("duplicate key \"{key}\" in map literal"),
                        )
                        .with_primary(key_span, "this entry replaces the earlier one")
                        .with_secondary(first, "the key is first used here")
                        .with_help("remove one of the two entries, or fix the key's spelling"),
                    );
                } else {
                    seen.push((key, key_span));
                }
            }
            let value = self.expr(&entry.value);
            value_type = value_type.join(&value.ty);
            if let (Some((_, names)), true) = (map_entries.last_mut(), is_literal_key(&entry.key)) {
                names.extend(value.flow.names.iter().cloned());
            }
            map_values.extend(value.flow.names);
        }
        if value_type == Type::Never {
            value_type = Type::Any;
        }
        let mut result = Value::of(Type::Map(Box::new(Type::String), Box::new(value_type)));
        result.flow.map_values = map_values;
        result.flow.map_entries = map_entries;
        result
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Value {
        let a = self.expr(lhs);
        // The right side of `x && x.name` runs only when `x` is not null, that of
        // `x == null || x.name` only when it is not null either.
        let proven = match op {
            BinaryOp::And => non_null_names(lhs),
            BinaryOp::Or => null_tested_names(lhs),
            _ => Vec::new(),
        };
        let saved = self.narrow(&proven);
        let b = self.expr(rhs);
        self.restore(saved);
        let (x, y) = (a.ty.non_null(), b.ty.non_null());
        let ty = match op {
            BinaryOp::Add if matches!(x, Type::String) => Type::String,
            BinaryOp::Add | BinaryOp::Sub if matches!(x, Type::List(_)) => x.clone(),
            BinaryOp::Add | BinaryOp::Sub if matches!(x, Type::Map(_, _)) => x.clone(),
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Rem | BinaryOp::Pow => match (x, y) {
                (Type::Int, Type::Int) => Type::Int,
                (Type::Int | Type::Decimal, Type::Int | Type::Decimal) => Type::Decimal,
                (Type::String, _) if op == BinaryOp::Mul => Type::String,
                _ => Type::Any,
            },
            // Groovy's `/` on integers gives a BigDecimal.
            BinaryOp::Div if a.ty.is_numeric() && b.ty.is_numeric() => Type::Decimal,
            BinaryOp::Div => Type::Any,
            BinaryOp::Shl if matches!(x, Type::List(_)) => x.clone(),
            BinaryOp::Shl
            | BinaryOp::Shr
            | BinaryOp::UShr
            | BinaryOp::BitAnd
            | BinaryOp::BitOr
            | BinaryOp::BitXor => {
                if matches!((x, y), (Type::Int, Type::Int)) {
                    Type::Int
                } else {
                    Type::Any
                }
            }
            BinaryOp::Compare => Type::Int,
            BinaryOp::Find => Type::Matcher,
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Identical
            | BinaryOp::NotIdentical
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::Match
            | BinaryOp::And
            | BinaryOp::Or
            | BinaryOp::In
            | BinaryOp::NotIn => Type::Bool,
        };
        Value::of(ty)
    }

    // ------------------------------------------------------------------ names

    pub fn name(&mut self, name: &str, span: Span) -> Value {
        self.record_scope_if_probe(span);
        if let Some(var) = self.lookup(name) {
            var.used = true;
            let value = var.value.clone();
            self.record_variable_use(span, name);
            return value;
        }
        if let Some(value) = self.global(name, span) {
            self.record_reference(span, name, Target::Builtin, &value.ty);
            return value;
        }
        if let Some(function) = self.functions.get(name) {
            let defined = function.span;
            self.record_reference(span, name, Target::Function(defined), &Type::Closure);
            return Value::of(Type::Closure);
        }
        if let Some(defined) = self.classes.get(name) {
            let (defined, ty) = (*defined, Type::Class(name.to_string()));
            self.record_reference(span, name, Target::Class(defined), &ty);
            return Value::of(ty);
        }
        if self.is_class_name(name) {
            return Value::any();
        }
        if let Some((_, why)) = FORBIDDEN_CLASSES.iter().find(|(class, _)| *class == name) {
            self.not_supported(span, &format!("the class `{name}`"), why);
            return Value::any();
        }
        let candidates = self.visible_names();
        let close = suggest::did_you_mean(name, candidates.iter().map(String::as_str)).map(str::to_string);
        if close.is_none() && name.starts_with(char::is_uppercase) {
            // An unknown capitalised name is a Java class the script expects to exist.
            self.report(
                Diagnostic::error(codes::NOT_SUPPORTED, format!("the class `{name}` is not supported"))
                    .with_primary(span, "not a class Replica scripts can use")
                    .with_help("scripts reach the outside world only through the helpers; a helper class defined in the script works too"),
            );
            return Value::any();
        }
        let mut diagnostic = Diagnostic::error(codes::UNKNOWN_NAME, format!("cannot find `{name}` here"))
            .with_primary(span, "not a variable, function or script name");
        diagnostic = match close {
            Some(close) => suggest::offer_name(diagnostic, span, &close),
            None => diagnostic.with_help(format!("declare it first: `def {name} = …`")),
        };
        self.report(diagnostic);
        Value::any()
    }

    /// The names a script sees. `firstSync` and `previous` exist only in incoming scripts.
    fn global(&mut self, name: &str, span: Span) -> Option<Value> {
        let global = globals::global(name)?;
        let outgoing = self.in_script && self.direction == Some(Direction::Outgoing);
        if global.only_in == Some(Direction::Incoming) && outgoing {
            self.report(
                Diagnostic::error(
                    codes::INCOMING_ONLY,
                    format!("`{name}` is only defined in incoming scripts"),
                )
                .with_primary(span, "this is an outgoing script")
                .with_help(format!(
                    "`{name}` describes a change arriving from the other side: use it in `incoming {{ … }}`"
                )),
            );
        }
        let mut value = Value::of(global.ty());
        if name == "previous" {
            value.flow.null_source = Some("`previous` is null on the first sync".to_string());
        }
        Some(value)
    }

    fn is_class_name(&self, name: &str) -> bool {
        KNOWN_CLASSES.contains(&name) || self.imports.contains_key(name)
    }

    /// Checks a type written in the script (`as`, casts, `new`, `instanceof`).
    fn type_name(&mut self, ty: &Type_) {
        for arg in &ty.args {
            if let TypeArg::Type(inner) = arg {
                self.type_name(inner);
            }
        }
        let name = ty.name.dotted();
        let simple = name.rsplit('.').next().unwrap_or(&name).to_string();
        if let Some((_, why)) = FORBIDDEN_CLASSES.iter().find(|(class, _)| *class == simple) {
            self.not_supported(ty.span, &format!("the class `{name}`"), why);
            return;
        }
        if let (Some(defined), Some(written)) = (self.classes.get(&simple), ty.name.parts.last()) {
            let (defined, span) = (*defined, written.span);
            self.record_reference(span, &simple, Target::Class(defined), &Type::Class(simple.clone()));
            return;
        }
        if self.is_class_name(&simple) || self.type_vars.contains(&simple) {
            return;
        }
        if name.starts_with("com.exalate.")
            || name.starts_with("java.util.")
            || name.starts_with("java.lang.")
            || matches!(
                name.as_str(),
                "java.text.SimpleDateFormat" | "java.util.TimeZone" | "java.sql.Timestamp"
            )
        {
            return;
        }
        self.report(
            Diagnostic::error(codes::NOT_SUPPORTED, format!("the class `{name}` is not supported"))
                .with_primary(ty.span, "Replica scripts cannot use this Java class")
                .with_help("use the helpers, the Groovy methods on strings, lists and maps, or a helper class defined in the script"),
        );
    }

    pub fn not_supported(&mut self, span: Span, what: &str, why: &str) {
        let help = if why.contains("metaprogramming")
            || why.contains("reflection")
            || why.contains("classes at run time")
        {
            "Replica compiles scripts ahead of time and does not change or inspect classes while they run; write the logic directly, or in a helper class defined in the script"
        } else {
            "scripts reach the outside world only through the helpers; send data in `replica.customKeys` instead"
        };
        self.report(
            Diagnostic::error(codes::NOT_SUPPORTED, format!("{what} is not supported in Replica scripts"))
                .with_primary(span, format!("this {why}"))
                .with_help(help),
        );
    }

    // ------------------------------------------------------------------ properties

    fn property(&mut self, target: &Expr, name: &PropertyName, nav: Navigation) -> Value {
        // `String.metaClass`: refused on a class name as on any other receiver.
        if let Some((_, kind)) =
            name.as_static().and_then(|field| FORBIDDEN_METHODS.iter().find(|(m, _)| *m == field))
        {
            self.expr(target);
            self.not_supported(
                name.span(),
                &format!("`.{}`", name.as_static().unwrap_or_default()),
                &format!("is {kind}"),
            );
            return Value::any();
        }
        if self.class_path(target).is_some() {
            // `groovy.json.JsonOutput`, `Math.PI`: a static member of a class.
            return Value::any();
        }
        let target_value = self.expr(target);
        let custom_fields = super::stmt::custom_fields_map(target).is_some();
        self.record_member(name, &target_value.ty, false, custom_fields);
        self.null_check(&target_value, nav, target.span, name);
        let Some(field) = name.as_static() else {
            if let PropertyName::Quoted(expr) = name {
                self.expr(expr);
            }
            return Value::any();
        };
        if let Some(map_field) = super::stmt::custom_fields_map(target) {
            // `entity.custom_fields.cf_x`: with a lock, the field must exist.
            if let Some(fact) = self.custom_field(map_field, field, name.span()) {
                return Value::of(if map_field == "customFields" {
                    Type::Object("CustomField".into())
                } else {
                    fact.ty
                });
            }
        }
        let mut value = self.read_field(&target_value.ty, field, name.span());
        if nav == Navigation::Spread {
            return Value::of(Type::List(Box::new(value.ty)));
        }
        if matches!(target_value.ty.non_null(), Type::Map(_, _)) {
            // `settings.defaultStatus`: the entry's literals, as for `settings["defaultStatus"]`.
            value.flow.names = entry_names(&target_value.flow, Some(field)).unwrap_or_default();
        }
        value
    }

    /// Reports `.name` on a value a helper may have returned as null.
    fn null_check(&mut self, target: &Value, nav: Navigation, target_span: Span, name: &PropertyName) {
        let (Navigation::Normal | Navigation::Attribute, Some(source)) = (nav, &target.flow.null_source)
        else {
            return;
        };
        let member = name.as_static().unwrap_or("…").to_string();
        self.report(
            Diagnostic::warning(codes::POSSIBLY_NULL, format!("{source}; `.{member}` may fail"))
                .with_primary(target_span, "this may be null")
                .with_help(format!(
                    "use `?.{member}`, give a default with `?:`, or check it with `if (…)` first"
                )),
        );
    }

    /// If `expr` is a dotted path naming a class (not a variable), that path.
    fn class_path(&mut self, expr: &Expr) -> Option<String> {
        let mut parts = Vec::new();
        let mut current = expr;
        loop {
            match &current.kind {
                ExprKind::Name(name) => {
                    parts.push(name.clone());
                    break;
                }
                ExprKind::Property { target, name: PropertyName::Word(word), nav: Navigation::Normal } => {
                    parts.push(word.name.clone());
                    current = target;
                }
                _ => return None,
            }
        }
        parts.reverse();
        let root = &parts[0];
        if self.lookup(root).is_some() || is_global(root) || self.functions.contains_key(root) {
            return None;
        }
        let last = parts.last().expect("at least one part");
        let looks_like_class = last.starts_with(char::is_uppercase)
            && (parts.len() > 1 || self.is_class_name(last) || self.classes.contains_key(last));
        if !looks_like_class {
            return None;
        }
        let path = parts.join(".");
        if let Some((_, why)) = FORBIDDEN_CLASSES.iter().find(|(class, _)| class == last) {
            self.not_supported(expr.span, &format!("the class `{path}`"), why);
        }
        Some(path)
    }

    /// The value of `target.field`, reporting unknown fields.
    pub fn read_field(&mut self, target: &Type, field: &str, field_span: Span) -> Value {
        match target.non_null() {
            Type::Ticket | Type::Replica | Type::Object(_) => {
                match members::field(target, self.platform.as_ref(), field) {
                    Some(f) => Value::of(f.ty.non_null().clone()),
                    // An object the schema does not describe has whatever it has.
                    None if matches!(target.non_null(), Type::Object(o) if !self.schema.objects.contains_key(o)) => {
                        Value::any()
                    }
                    None => {
                        self.unknown_field(field, field_span, target);
                        Value::any()
                    }
                }
            }
            Type::Helper(helper) => {
                let helper = helper.clone();
                self.unknown_method(&helper, field, field_span);
                Value::any()
            }
            Type::Map(_, value) => Value::of((**value).clone()),
            // `list.name` collects `name` from every element (Groovy's implicit spread).
            Type::List(item) => {
                let inner = self.read_field(item, field, field_span);
                Value::of(Type::List(Box::new(inner.ty)))
            }
            _ => Value::any(),
        }
    }

    /// A ticket field: the Exalate name first, then the REST attribute.
    pub fn ticket_field(&self, name: &str) -> Option<Field> {
        members::field(&Type::Ticket, self.platform.as_ref(), name).cloned()
    }

    fn unknown_field(&mut self, field: &str, span: Span, target: &Type) {
        let candidates: Vec<String> =
            members::fields(target, self.platform.as_ref()).iter().map(|f| f.name.clone()).collect();
        let (owner, extra_help): (String, Option<&str>) = match target.non_null() {
            Type::Ticket => (format!("the {} ticket", self.platform_display()), None),
            Type::Replica => (
                "the replica".to_string(),
                Some("for anything else, use the free-form map: `replica.customKeys.name`"),
            ),
            Type::Object(object) => (format!("a {object}"), None),
            other => (other.describe(), None),
        };
        let mut diagnostic =
            Diagnostic::error(codes::UNKNOWN_FIELD, format!("unknown field `{field}` on {owner}"))
                .with_primary(span, format!("{owner} has no field `{field}`"));
        match suggest::did_you_mean(field, candidates.iter().map(String::as_str)) {
            Some(close) => diagnostic = suggest::offer_name(diagnostic, span, close),
            None => {
                let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
                if !names.is_empty() {
                    diagnostic =
                        diagnostic.with_note(format!("the fields are {}", suggest::list(&names, 12)));
                }
                if let Some(help) = extra_help {
                    diagnostic = diagnostic.with_help(help);
                }
            }
        }
        self.report(diagnostic);
    }

    fn unknown_method(&mut self, helper: &str, method: &str, span: Span) {
        let methods: Vec<&str> = self
            .schema
            .helper(helper)
            .map(|h| h.methods.iter().map(|m| m.name.as_str()).collect())
            .unwrap_or_default();
        let mut diagnostic =
            Diagnostic::error(codes::UNKNOWN_METHOD, format!("`{helper}` has no method `{method}`"))
                .with_primary(span, "unknown method");
        diagnostic = match suggest::did_you_mean(method, methods.iter().copied()) {
            Some(close) => suggest::offer_name(diagnostic, span, close),
            None => diagnostic.with_note(format!("`{helper}` has {}", suggest::list(&methods, 10))),
        };
        self.report(diagnostic);
    }

    // ------------------------------------------------------------------ calls

    fn args(&mut self, args: &[Arg], closure_param: Option<&Type>) -> Vec<(Value, Span)> {
        let mut values = Vec::new();
        for arg in args {
            match arg {
                Arg::Positional(expr) | Arg::Spread(expr) => {
                    let value = match (&expr.kind, closure_param) {
                        (ExprKind::Closure { params, body }, Some(param)) => {
                            self.closure(params.as_deref(), body, param.clone());
                            Value::of(Type::Closure)
                        }
                        _ => self.expr(expr),
                    };
                    values.push((value, expr.span));
                }
                Arg::Named { key, value, .. } => {
                    if let MapKey::Expr(key) = key {
                        self.expr(key);
                    }
                    let value = self.expr(value);
                    values.push((value, arg.span()));
                }
            }
        }
        values
    }

    pub fn closure(&mut self, params: Option<&[Param]>, body: &[Stmt], it: Type) {
        self.push(ScopeKind::Closure);
        // Every Groovy closure also sees who defined it and who it delegates to.
        for name in ["delegate", "owner", "thisObject"] {
            self.declare_builtin(name, Value::any());
        }
        match params {
            None => self.declare_builtin("it", Value::of(it)),
            Some(params) => {
                for (i, param) in params.iter().enumerate() {
                    let ty = match &param.ty {
                        Some(ty) => Type::parse(&type_text(ty)),
                        None if i == 0 && params.len() == 1 => it.clone(),
                        None => Type::Any,
                    };
                    if let Some(default) = &param.default {
                        self.expr(default);
                    }
                    self.declare(&param.name, Value::of(ty), false);
                }
            }
        }
        let direction = self.direction;
        self.block_stmts(body);
        self.direction = direction;
        self.pop();
    }

    fn method_call(
        &mut self,
        receiver: Option<&Expr>,
        name: &PropertyName,
        nav: Navigation,
        args: &[Arg],
        span: Span,
    ) -> Value {
        let Some(method) = name.as_static().map(str::to_string) else {
            if let Some(receiver) = receiver {
                self.expr(receiver);
            }
            self.args(args, None);
            return Value::any();
        };
        if let Some((_, kind)) = FORBIDDEN_METHODS.iter().find(|(m, _)| *m == method) {
            if let Some(receiver) = receiver {
                self.expr(receiver);
            }
            self.args(args, None);
            self.not_supported(name.span(), &format!("`{method}(…)`"), &format!("is {kind}"));
            return Value::any();
        }
        let Some(receiver) = receiver else {
            return self.function_call(&method, name.span(), args, span);
        };
        if let Some(path) = self.class_path(receiver) {
            self.args(args, None);
            return static_call(&path, &method);
        }
        let target = self.expr(receiver);
        let custom_fields = super::stmt::custom_fields_map(receiver).is_some();
        self.record_member(name, &target.ty, true, custom_fields);
        self.null_check(&target, nav, receiver.span, name);
        let receiver_type = target.ty.non_null().clone();
        let result = match &receiver_type {
            Type::Helper(helper) => self.helper_call(helper, &method, name.span(), args, span),
            Type::List(_) | Type::Map(_, _) | Type::String | Type::Int | Type::Decimal | Type::Range => {
                // Closures passed to `each`, `collect`, … get the receiver's element type.
                let element = match &receiver_type {
                    Type::Map(_, _) => Type::Any,
                    other => other.element(),
                };
                let values = self.args(args, Some(&element));
                let mut result = self.groovy_method(&receiver_type, &method, name.span(), values.len(), span);
                if let Type::Map(_, _) = receiver_type {
                    if matches!(method.as_str(), "get" | "getAt" | "getOrDefault") {
                        // `settings.get("defaultStatus")`: that entry's literal flows on.
                        let literal_key = match args.first() {
                            Some(Arg::Positional(Expr { kind: ExprKind::Str { value, .. }, .. })) => {
                                Some(value.as_str())
                            }
                            _ => None,
                        };
                        result.flow.names = entry_names(&target.flow, literal_key)
                            .unwrap_or_else(|| target.flow.map_values.clone());
                    }
                }
                result
            }
            _ => {
                self.args(args, Some(&Type::Any));
                Value::any()
            }
        };
        if nav == Navigation::Spread {
            return Value::of(Type::List(Box::new(result.ty)));
        }
        result
    }

    /// A Groovy method on a string, number, list, map or range, typed from the shared
    /// registry (`compiler/schemas/groovy-methods.json`). Groovy's library is larger than the
    /// registry, so a method it does not describe is `Any`, not an error; a described one
    /// called with the wrong number of arguments is.
    fn groovy_method(
        &mut self,
        receiver: &Type,
        method: &str,
        name_span: Span,
        given: usize,
        span: Span,
    ) -> Value {
        let Some(kind) = methods::Receiver::of_type(receiver) else { return Value::any() };
        let Some(entry) = methods::lookup(kind, method) else { return Value::any() };
        if !entry.accepts(given) {
            self.report(
                Diagnostic::error(
                    codes::ARGUMENT_COUNT,
                    format!(
                        "`{method}` on {} does not take {given} argument{}",
                        receiver.describe(),
                        plural(given)
                    ),
                )
                .with_primary(span, format!("{given} argument{} here", plural(given)))
                .with_secondary(name_span, "this method")
                .with_note(format!("signature: {}", entry.signature())),
            );
        }
        Value::of(entry.return_type(receiver))
    }

    fn function_call(&mut self, name: &str, name_span: Span, args: &[Arg], span: Span) -> Value {
        self.record_scope_if_probe(name_span);
        if let Some(var) = self.lookup(name) {
            // Calling a variable that holds a closure.
            var.used = true;
            self.record_variable_use(name_span, name);
            self.args(args, None);
            return Value::any();
        }
        let values = self.args(args, None);
        if let Some(info) = self.functions.get(name) {
            let (required, total, varargs, returns, defined) =
                (info.required, info.total, info.varargs, info.return_type.clone(), info.span);
            self.record_reference(name_span, name, Target::Function(defined), &returns);
            let given = values.len();
            if given < required || (given > total && !varargs) {
                let expected =
                    if required == total { format!("{total}") } else { format!("{required} to {total}") };
                self.report(
                    Diagnostic::error(
                        codes::ARGUMENT_COUNT,
                        format!(
                            "`{name}` takes {expected} argument{}, but {given} {} given",
                            plural(total),
                            were(given)
                        ),
                    )
                    .with_primary(span, format!("{given} argument{} here", plural(given)))
                    .with_secondary(defined, "the function is defined here"),
                );
            }
            return Value::of(returns);
        }
        match name {
            "println" | "print" | "printf" | "sprintf" | "assert" => {
                return Value::of(if name == "sprintf" { Type::String } else { Type::Void });
            }
            "fixture" => return Value::any(),
            _ => {}
        }
        let candidates = self.visible_names();
        let mut diagnostic = Diagnostic::error(codes::UNKNOWN_NAME, format!("cannot find function `{name}`"))
            .with_primary(name_span, "not a function of this file");
        diagnostic = match suggest::did_you_mean(name, candidates.iter().map(String::as_str)) {
            Some(close) => suggest::offer_name(diagnostic, name_span, close),
            None => diagnostic.with_help(format!("define it at the top level: `def {name}(…) {{ … }}`")),
        };
        self.report(diagnostic);
        Value::any()
    }

    fn helper_call(
        &mut self,
        helper: &str,
        method_name: &str,
        name_span: Span,
        args: &[Arg],
        span: Span,
    ) -> Value {
        let Some(method) =
            self.schema.helper(helper).and_then(|h| h.methods.iter().find(|m| m.name == method_name))
        else {
            self.args(args, None);
            self.unknown_method(helper, method_name, name_span);
            return Value::any();
        };
        let method: &'static Method = method;
        let closure_param = match method.name.as_str() {
            "mergeComments" => Some(Type::Object("Comment".into())),
            _ => None,
        };
        let values = self.args(args, closure_param.as_ref());
        let given = values.len();
        if given < method.required_params() || given > method.params.len() {
            let expected = if method.required_params() == method.params.len() {
                format!("{}", method.params.len())
            } else {
                format!("{} or {}", method.required_params(), method.params.len())
            };
            self.report(
                Diagnostic::error(
                    codes::ARGUMENT_COUNT,
                    format!(
                        "`{helper}.{}` takes {expected} argument{}, but {given} {} given",
                        method.name,
                        plural(method.params.len()),
                        were(given)
                    ),
                )
                .with_primary(span, format!("{given} argument{} here", plural(given)))
                .with_note(format!("signature: {helper}.{}", method.signature()))
                .with_help(format!("for example: {}", method.example)),
            );
        }
        for ((value, arg_span), param) in values.iter().zip(&method.params) {
            if !argument_fits(&value.ty, &param.ty) {
                self.report(
                    Diagnostic::error(
                        codes::ARGUMENT_TYPE,
                        format!(
                            "`{}` expects {} for `{}`, found {}",
                            method.name,
                            param.ty.describe(),
                            param.name,
                            value.ty.describe()
                        ),
                    )
                    .with_primary(*arg_span, format!("this is {}", value.ty.describe()))
                    .with_note(format!("signature: {helper}.{}", method.signature()))
                    .with_help(format!("for example: {}", method.example)),
                );
            }
        }
        if let (Some(check), Some((value, arg_span))) = (method.check, values.first()) {
            let call = format!("{helper}.{}", method.name);
            self.check_names(check, &value.flow, *arg_span, &call);
        }
        let mut result = Value::of(method.returns.clone());
        if method.returns.is_nullable() {
            result.flow.null_source = Some(format!("`{}` may return null", method.name));
        }
        result
    }

    /// Checks every name that can reach a status or priority look-up.
    pub fn check_names(&mut self, check: NameCheck, flow: &Flow, reached_at: Span, call: &str) {
        let Some(platform) = &self.platform else { return };
        let (kind, valid, code) = match check {
            NameCheck::Status => ("status", platform.status_names(), codes::UNKNOWN_STATUS),
            NameCheck::Priority => ("priority", platform.priority_names(), codes::UNKNOWN_PRIORITY),
        };
        let valid: Vec<String> = valid.into_iter().map(str::to_string).collect();
        let display = platform.display_name.clone();
        let locked = platform.locked;
        for (name, span) in &flow.names {
            if valid.iter().any(|v| v == name) {
                continue;
            }
            let direct = reached_at.start <= span.start && span.end <= reached_at.end;
            let message = if direct {
                format!("\"{name}\" is not a {display} {kind}")
            } else {
                format!("the value \"{name}\" reaches `{call}` but is not a {display} {kind}")
            };
            let valid_refs: Vec<&str> = valid.iter().map(String::as_str).collect();
            let mut diagnostic = Diagnostic::error(code, message)
                .with_primary(*span, format!("not a {kind} on {display}"))
                .with_note(format!("the {display} {kind} names are {}", suggest::list(&valid_refs, 12)));
            if !direct {
                diagnostic = diagnostic.with_secondary(reached_at, format!("it reaches `{call}` here"));
            }
            diagnostic = match suggest::did_you_mean(name, valid_refs.iter().copied()) {
                Some(close) => suggest::offer_literal(diagnostic, *span, close),
                None if locked => diagnostic.with_help(format!("use one of the {kind} names above")),
                None => diagnostic.with_help(format!(
                    "use one of the {kind} names above; for a custom {kind}, run `replica schema pull` so the instance's names are known"
                )),
            };
            self.report(diagnostic);
        }
    }
}

impl Value {
    fn with_flow(mut self, flow: Flow) -> Value {
        self.flow = flow;
        self
    }
}

/// A map literal key that is a name or a string (`[a: 1]`, `["a b": 1]`).
fn is_literal_key(key: &MapKey) -> bool {
    matches!(key, MapKey::Word(_) | MapKey::Expr(Expr { kind: ExprKind::Str { .. }, .. }))
}

/// The string literals `map[key]` may be when `key` is a literal the map literal has as a
/// key: only that entry's (`None` when the key is not a literal or not among the entries).
fn entry_names(flow: &Flow, key: Option<&str>) -> Option<Vec<(String, Span)>> {
    let key = key?;
    let mut entries = flow.map_entries.iter().filter(|(k, _)| k == key).peekable();
    entries.peek()?;
    Some(entries.flat_map(|(_, names)| names.iter().cloned()).collect())
}

/// Both branches of `?:` or `a ?: b`: their types join and their literals add up.
fn merge(a: Value, b: Value) -> Value {
    let mut result = Value::of(a.ty.join(&b.ty));
    result.flow.names = a.flow.names;
    result.flow.names.extend(b.flow.names);
    result.flow.map_values = a.flow.map_values;
    result.flow.map_values.extend(b.flow.map_values);
    result.flow.map_entries = a.flow.map_entries;
    result.flow.map_entries.extend(b.flow.map_entries);
    result.flow.null_source = a.flow.null_source.or(b.flow.null_source);
    result
}

type Type_ = replica_grammar::ast::Type;

/// A written type as text: `Map<String, Object>` → `Map`, the checker's granularity.
pub(crate) fn type_text(ty: &Type_) -> String {
    let base = ty.name.dotted();
    if ty.dims > 0 {
        return "List".to_string();
    }
    match (base.as_str(), ty.args.as_slice()) {
        ("List" | "ArrayList" | "Collection" | "Set", [TypeArg::Type(item)]) => {
            format!("List<{}>", type_text(item))
        }
        ("Map" | "HashMap" | "LinkedHashMap", [TypeArg::Type(key), TypeArg::Type(value)]) => {
            format!("Map<{},{}>", type_text(key), type_text(value))
        }
        _ => base,
    }
}

/// The value of an integer literal as written (`1_000`, `0xFF`, `10L`).
pub fn parse_int(text: &str) -> Option<i64> {
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    let digits = digits.trim_end_matches(['l', 'L', 'i', 'I', 'g', 'G']);
    if let Some(hex) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(bin) = digits.strip_prefix("0b").or_else(|| digits.strip_prefix("0B")) {
        return i64::from_str_radix(bin, 2).ok();
    }
    digits.parse().ok()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn were(n: usize) -> &'static str {
    if n == 1 {
        "was"
    } else {
        "were"
    }
}

/// Whether an argument can be passed for a parameter (gradually: `Any` fits everything).
fn argument_fits(value: &Type, param: &Type) -> bool {
    let (value, param) = (value.non_null(), param.non_null());
    if matches!(value, Type::Any | Type::Null | Type::Never) || matches!(param, Type::Any) {
        return true;
    }
    match param {
        Type::String => {
            !matches!(value, Type::List(_) | Type::Map(_, _) | Type::Closure | Type::Ticket | Type::Replica)
        }
        Type::List(_) => matches!(value, Type::List(_) | Type::Range),
        Type::Closure => matches!(value, Type::Closure),
        Type::Ticket => matches!(value, Type::Ticket),
        Type::Replica => matches!(value, Type::Replica),
        Type::Int | Type::Decimal => value.is_numeric() || matches!(value, Type::String),
        _ => true,
    }
}

/// Static members of the classes a script may use.
fn static_call(path: &str, method: &str) -> Value {
    let class = path.rsplit('.').next().unwrap_or(path);
    Value::of(match (class, method) {
        ("JsonOutput", "toJson" | "prettyPrint") => Type::String,
        ("Integer" | "Long", "parseInt" | "parseLong" | "valueOf") => Type::Int,
        ("String", "valueOf" | "format" | "join") => Type::String,
        ("Math", "max" | "min" | "abs" | "round" | "floor" | "ceil") => Type::Any,
        _ => Type::Any,
    })
}
