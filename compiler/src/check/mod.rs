//! The checker: resolves names, infers types and runs the checks of DESIGN §3 over a parsed
//! file, against the platform's schema (and the instance's schema lock, when there is one).
//!
//! It walks the tree once. Each expression yields a [`Value`]: its [`Type`] and a little
//! value flow — which string literals it may be (so that a status map's values can be
//! checked where they reach `getStatus`), which integer literal it is, and whether it may be
//! null because a helper said so. Declarations open scopes; leaving a scope reports unused
//! variables.
//!
//! `mod.rs` holds the entry point, file-level items and scopes; `expr.rs` types expressions
//! and calls; `stmt.rs` checks statements, assignments and reachability; `globals.rs` the
//! names every script sees; `facts.rs` what the checker records for the editor.

mod expr;
pub mod facts;
pub mod globals;
mod stmt;
pub use expr::parse_int;
pub use facts::Facts;

use std::collections::HashMap;

use replica_grammar::ast::*;
use replica_grammar::{Diagnostic, Span};

use crate::codes;
use crate::lock::SchemaLock;
use crate::query;
use crate::schema::{schema, Platform, Schema};
use crate::suggest;
use crate::types::Type;
use facts::{Local, MemberUse, Recorder, Reference, Target};
use globals::GLOBALS;

/// What kind of file is being checked.
#[derive(Clone, Debug)]
pub enum SourceKind {
    /// A `.sync` file: its `platform` line says where it runs.
    Rules,
    /// A bare script (an Exalate paste) for one direction on one platform.
    Script { direction: Direction, platform: String },
}

#[derive(Clone, Debug)]
pub struct CheckOptions<'a> {
    pub source: SourceKind,
    /// Instance facts: custom fields, custom statuses, ticket types.
    pub lock: Option<&'a SchemaLock>,
}

/// Checks a parsed file and returns its diagnostics (errors and warnings), sorted by
/// position. The file may contain error nodes from syntax errors; they are skipped.
pub fn check(file: &File, options: &CheckOptions) -> Vec<Diagnostic> {
    run(file, options, None).0
}

/// Checks a file as [`check`] does and also returns what the checker learnt about names and
/// members (for the editor). With a `probe` offset, [`Facts::scope_at_probe`] holds the names
/// in scope at a name written there.
pub fn check_with_facts(
    file: &File,
    options: &CheckOptions,
    probe: Option<usize>,
) -> (Vec<Diagnostic>, Facts) {
    let (diagnostics, recorder) = run(file, options, Some(Recorder::new(probe)));
    (diagnostics, recorder.map(|r| r.facts).unwrap_or_default())
}

fn run(
    file: &File,
    options: &CheckOptions,
    recorder: Option<Recorder>,
) -> (Vec<Diagnostic>, Option<Recorder>) {
    let mut checker = Checker::new(options.lock);
    checker.recorder = recorder;
    checker.file(file, &options.source);
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| d.primary_span().map(|s| (s.start, s.end)).unwrap_or_default());
    let mut recorder = checker.recorder;
    if let Some(recorder) = &mut recorder {
        recorder.facts.platform = checker.platform;
    }
    (diagnostics, recorder)
}

/// What the checker knows about a value besides its type.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flow {
    /// String literals this value may be, with where they are written.
    pub names: Vec<(String, Span)>,
    /// For a map: the string literals among its values (a status map's targets).
    pub map_values: Vec<(String, Span)>,
    /// For a map literal: the string literals of each entry with a literal key, so that
    /// `settings["defaultStatus"]` and `settings.defaultStatus` carry only that entry's.
    pub map_entries: Vec<(String, Vec<(String, Span)>)>,
    /// The integer literal this value is.
    pub int_literal: Option<(i64, Span)>,
    /// Why it may be null (`nodeHelper.getUserByEmail`), when a helper says so.
    pub null_source: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Value {
    pub ty: Type,
    pub flow: Flow,
}

impl Value {
    pub fn of(ty: Type) -> Value {
        Value { ty, flow: Flow::default() }
    }

    pub fn any() -> Value {
        Value::of(Type::Any)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Var {
    pub name: String,
    pub value: Value,
    pub span: Span,
    pub used: bool,
    /// Parameters, loop variables and builtins are not reported when unused.
    pub warn_unused: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    /// A script body: new names assigned without `def` land here (Groovy's binding).
    Script,
    Function,
    Closure,
    Block,
}

pub(crate) struct Scope {
    pub kind: ScopeKind,
    pub vars: Vec<Var>,
}

pub(crate) struct FunctionInfo {
    pub required: usize,
    pub total: usize,
    pub varargs: bool,
    pub return_type: Type,
    pub span: Span,
}

pub(crate) struct Checker<'a> {
    pub schema: &'static Schema,
    pub platform: Option<Platform>,
    pub lock: Option<&'a SchemaLock>,
    pub diagnostics: Vec<Diagnostic>,
    pub scopes: Vec<Scope>,
    pub functions: HashMap<String, FunctionInfo>,
    pub classes: HashMap<String, Span>,
    /// Simple names brought in by `import` (`JsonOutput` → `groovy.json.JsonOutput`).
    pub imports: HashMap<String, String>,
    /// The direction of the script being checked; `None` in functions, classes and tests.
    pub direction: Option<Direction>,
    /// Whether the code being checked is a script body (where `entity` writes matter).
    pub in_script: bool,
    /// Script variables assigned without `def` (Groovy's binding): functions see them too.
    pub bindings: Vec<(String, Value)>,
    /// Type parameters in scope (`<K, V>` of a generic method or class).
    pub type_vars: Vec<String>,
    /// Where facts for the editor go, when they are wanted.
    pub recorder: Option<Recorder>,
}

impl<'a> Checker<'a> {
    fn new(lock: Option<&'a SchemaLock>) -> Self {
        Checker {
            schema: schema(),
            platform: None,
            lock,
            diagnostics: Vec::new(),
            scopes: Vec::new(),
            functions: HashMap::new(),
            classes: HashMap::new(),
            imports: HashMap::new(),
            direction: None,
            in_script: false,
            bindings: Vec::new(),
            type_vars: Vec::new(),
            recorder: None,
        }
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn platform_display(&self) -> &str {
        self.platform.as_ref().map_or("the platform", |p| p.display_name.as_str())
    }

    // ------------------------------------------------------------------ file level

    fn file(&mut self, file: &File, source: &SourceKind) {
        self.collect_declarations(file);
        match source {
            SourceKind::Rules => self.platform_from_file(file),
            SourceKind::Script { platform, .. } => self.set_platform(platform, None),
        }
        for item in &file.items {
            match &item.kind {
                ItemKind::Trigger { entity, query, query_span } => self.trigger(entity, query, *query_span),
                ItemKind::Import { annotations, name, .. } => {
                    self.annotations(annotations);
                    let path = name.dotted();
                    let forbidden = expr::FORBIDDEN_CLASSES.iter().find(|(class, _)| {
                        path.rsplit('.').next() == Some(class)
                            || path.starts_with("java.io")
                            || path.starts_with("java.net")
                    });
                    if let Some((_, why)) = forbidden {
                        self.not_supported(name.span, &format!("importing `{path}`"), why);
                    } else if path.starts_with("java.io")
                        || path.starts_with("java.net")
                        || path.starts_with("java.nio")
                    {
                        self.not_supported(
                            name.span,
                            &format!("importing `{path}`"),
                            "reads files or opens connections",
                        );
                    }
                }
                ItemKind::Package { annotations, .. } => self.annotations(annotations),
                _ => {}
            }
        }
        self.duplicate_scripts(file);

        // Script bodies.
        for item in &file.items {
            if let ItemKind::Script { direction, body } = &item.kind {
                self.script(*direction, |checker| {
                    checker.block_stmts(&body.stmts);
                });
            }
        }
        if let SourceKind::Script { direction, .. } = source {
            let stmts: Vec<&Stmt> = file
                .items
                .iter()
                .filter_map(|item| match &item.kind {
                    ItemKind::Stmt(stmt) => Some(stmt),
                    _ => None,
                })
                .collect();
            self.script(*direction, |checker| {
                checker.stmt_refs(&stmts);
            });
        }

        // Functions, classes and tests see the script names but belong to no direction.
        for item in &file.items {
            match &item.kind {
                ItemKind::Function(function) => self.function(function, None),
                ItemKind::Class(class) => self.class(class),
                ItemKind::Test { body, .. } => self.test(body),
                _ => {}
            }
        }
    }

    fn script(&mut self, direction: Direction, body: impl FnOnce(&mut Self)) {
        self.direction = Some(direction);
        self.in_script = true;
        self.push(ScopeKind::Script);
        body(self);
        self.pop();
        self.in_script = false;
        self.direction = None;
    }

    /// Hoisting: functions, classes and imports are visible everywhere in the file.
    fn collect_declarations(&mut self, file: &File) {
        for item in &file.items {
            match &item.kind {
                ItemKind::Function(function) => {
                    if let Some(previous) = self.functions.get(&function.name.name) {
                        let previous_span = previous.span;
                        self.duplicate(&function.name, previous_span, "function");
                        continue;
                    }
                    let required =
                        function.params.iter().filter(|p| p.default.is_none() && !p.varargs).count();
                    self.functions.insert(
                        function.name.name.clone(),
                        FunctionInfo {
                            required,
                            total: function.params.len(),
                            varargs: function.params.iter().any(|p| p.varargs),
                            return_type: function
                                .return_type
                                .as_ref()
                                .map_or(Type::Any, |t| Type::parse(&t.name.dotted())),
                            span: function.name.span,
                        },
                    );
                }
                ItemKind::Class(class) => {
                    if let Some(previous) = self.classes.get(&class.name.name) {
                        let previous_span = *previous;
                        self.duplicate(&class.name, previous_span, "class");
                        continue;
                    }
                    self.classes.insert(class.name.name.clone(), class.name.span);
                }
                ItemKind::Import { name, alias, star: false, .. } => {
                    let simple = alias
                        .as_ref()
                        .map(|a| a.name.clone())
                        .or_else(|| name.parts.last().map(|p| p.name.clone()));
                    if let Some(simple) = simple {
                        self.imports.insert(simple, name.dotted());
                    }
                }
                _ => {}
            }
        }
    }

    fn duplicate(&mut self, name: &Ident, previous: Span, what: &str) {
        self.report(
            Diagnostic::error(
                codes::DUPLICATE_DEFINITION,
                format!("the {what} `{}` is defined twice", name.name),
            )
            .with_primary(name.span, "defined again here")
            .with_secondary(previous, "first defined here")
            .with_help(format!("rename one of them or remove the extra {what}")),
        );
    }

    fn duplicate_scripts(&mut self, file: &File) {
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        for item in &file.items {
            if let ItemKind::Script { direction, .. } = &item.kind {
                let word = direction.keyword();
                let head = Span::new(item.span.start as usize, item.span.start as usize + word.len());
                match seen.get(word) {
                    Some(first) => {
                        let first = *first;
                        self.report(
                            Diagnostic::error(
                                codes::DUPLICATE_DEFINITION,
                                format!("a second `{word}` block"),
                            )
                            .with_primary(head, "defined again here")
                            .with_secondary(first, "the first one is here")
                            .with_help(format!("merge the two `{word}` blocks into one")),
                        );
                    }
                    None => {
                        seen.insert(word, head);
                    }
                }
            }
        }
    }

    fn platform_from_file(&mut self, file: &File) {
        let lines: Vec<&Ident> = file
            .items
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Platform { name } => Some(name),
                _ => None,
            })
            .collect();
        let has_scripts = file
            .items
            .iter()
            .any(|item| matches!(item.kind, ItemKind::Script { .. } | ItemKind::Trigger { .. }));
        match lines.as_slice() {
            [] if has_scripts => {
                let names = self.schema.platform_names().join("` or `platform ");
                self.report(
                    Diagnostic::error(codes::PLATFORM, "this file does not say which platform it runs on")
                        .with_primary(
                            file.items
                                .first()
                                .map_or(Span::point(0), |item| Span::point(item.span.start as usize)),
                            "a `platform` line is missing before this",
                        )
                        .with_help(format!("add `platform {names}` as the first line")),
                );
            }
            [] => {}
            [first, rest @ ..] => {
                let first_span = first.span;
                self.set_platform(&first.name, Some(first.span));
                for extra in rest {
                    self.report(
                        Diagnostic::error(codes::PLATFORM, "the platform is given twice")
                            .with_primary(extra.span, "a second `platform` line")
                            .with_secondary(first_span, "the platform is first given here")
                            .with_help(
                                "a `.sync` file describes one side of a connection: keep one `platform` line",
                            ),
                    );
                }
            }
        }
    }

    fn set_platform(&mut self, name: &str, span: Option<Span>) {
        match self.schema.platform(name) {
            Some(platform) => {
                let mut platform = platform.clone();
                if let Some(lock) = self.lock {
                    if lock.platform.eq_ignore_ascii_case(&platform.name) {
                        lock.apply(&mut platform);
                    } else if let Some(span) = span {
                        self.report(
                            Diagnostic::error(
                                codes::PLATFORM,
                                format!(
                                    "the schema lock is for {}, but this file is for {}",
                                    lock.platform, platform.display_name
                                ),
                            )
                            .with_primary(span, "the platform of this file")
                            .with_help("use the lock pulled from this platform's instance (`--schema FILE`)"),
                        );
                    }
                }
                self.platform = Some(platform);
            }
            None => {
                let names = self.schema.platform_names();
                let mut diagnostic = Diagnostic::error(codes::PLATFORM, format!("unknown platform `{name}`"))
                    .with_note(format!("Replica knows {}", suggest::list(&names, 5)));
                if let Some(span) = span {
                    diagnostic = diagnostic.with_primary(span, "not a platform Replica knows");
                }
                if let Some(close) = suggest::did_you_mean(name, names.iter().copied()) {
                    diagnostic = match span {
                        Some(span) => suggest::offer_name(diagnostic, span, close),
                        None => diagnostic.with_help(format!("did you mean `{close}`?")),
                    };
                }
                self.report(diagnostic);
            }
        }
    }

    fn trigger(&mut self, entity: &Ident, text: &str, span: Span) {
        if entity.name != "ticket" {
            let mut diagnostic =
                Diagnostic::error(codes::TRIGGER_ENTITY, format!("cannot trigger on `{}`", entity.name))
                    .with_primary(entity.span, "Replica syncs tickets")
                    .with_help("write `trigger ticket \"…\"`");
            if let Some(close) = suggest::did_you_mean(&entity.name, ["ticket"]) {
                diagnostic = suggest::offer_name(diagnostic, entity.span, close);
            }
            self.report(diagnostic);
            return;
        }
        let Some(platform) = &self.platform else { return };
        let facts = platform.search_facts();
        let fields = facts.fields();
        let (_, diagnostics) = query::compile(text, span.start, &fields);
        self.diagnostics.extend(diagnostics);
    }

    fn annotations(&mut self, annotations: &[Annotation]) {
        for annotation in annotations {
            let name = annotation.name.dotted();
            let simple = name.rsplit('.').next().unwrap_or(&name);
            if matches!(simple, "Grab" | "Grapes" | "GrabConfig" | "GrabResolver") {
                self.report(
                    Diagnostic::error(codes::NOT_SUPPORTED, format!("`@{simple}` is not supported"))
                        .with_primary(annotation.span, "scripts cannot download libraries")
                        .with_help(
                            "remove it: rules use the helpers and the Groovy methods Replica provides",
                        ),
                );
            }
        }
    }

    fn function(&mut self, function: &Function, this_class: Option<&str>) {
        self.annotations(&function.annotations);
        let type_vars = self.type_vars.len();
        self.type_vars.extend(function.type_params.iter().map(|p| p.name.name.clone()));
        self.push(ScopeKind::Function);
        if this_class.is_some() {
            self.declare_builtin("this", Value::any());
        } else {
            // A script's functions see its binding (`defaultUser = …` without `def`).
            for (name, value) in self.bindings.clone() {
                self.declare_builtin(&name, value);
            }
        }
        self.params(&function.params);
        if let Some(body) = &function.body {
            self.block_stmts(&body.stmts);
        }
        self.pop();
        self.type_vars.truncate(type_vars);
    }

    fn class(&mut self, class: &Class) {
        self.annotations(&class.annotations);
        let type_vars = self.type_vars.len();
        self.type_vars.extend(class.type_params.iter().map(|p| p.name.name.clone()));
        // Fields and methods are visible in every method (as in Groovy).
        self.push(ScopeKind::Block);
        for member in &class.members {
            if let MemberKind::Method(method) = &member.kind {
                self.declare_builtin(&method.name.name, Value::of(Type::Closure));
            }
        }
        for member in &class.members {
            if let MemberKind::Field(decl) = &member.kind {
                for var in &decl.vars {
                    let value = match &var.init {
                        Some(init) => self.expr(init),
                        None => {
                            Value::of(decl.ty.as_ref().map_or(Type::Any, |t| Type::parse(&t.name.dotted())))
                        }
                    };
                    self.declare(&var.name, value, false);
                }
            }
        }
        for member in &class.members {
            match &member.kind {
                MemberKind::Method(method) => self.function(method, Some(&class.name.name)),
                MemberKind::Constructor { params, body, .. } => {
                    self.push(ScopeKind::Function);
                    self.declare_builtin("this", Value::any());
                    self.params(params);
                    self.block_stmts(&body.stmts);
                    self.pop();
                }
                MemberKind::Initializer { body, .. } => {
                    self.push(ScopeKind::Function);
                    self.block_stmts(&body.stmts);
                    self.pop();
                }
                MemberKind::Class(inner) => self.class(inner),
                MemberKind::Field(_) | MemberKind::EnumConstants(_) | MemberKind::Error => {}
            }
        }
        self.pop();
        self.type_vars.truncate(type_vars);
    }

    fn test(&mut self, steps: &[TestStep]) {
        self.push(ScopeKind::Script);
        for step in steps {
            match &step.kind {
                TestStepKind::Given { value, .. } | TestStepKind::Expect { condition: value } => {
                    self.expr(value);
                }
                TestStepKind::Stmt(stmt) => {
                    self.stmt(stmt);
                }
                TestStepKind::Run { .. } => {}
            }
        }
        self.pop();
    }

    pub fn params(&mut self, params: &[Param]) {
        for param in params {
            let mut value = Value::of(param.ty.as_ref().map_or(Type::Any, |t| Type::parse(&t.name.dotted())));
            if let Some(default) = &param.default {
                let default_value = self.expr(default);
                if param.ty.is_none() {
                    value = Value::of(default_value.ty);
                }
            }
            if param.varargs {
                value = Value::of(Type::List(Box::new(value.ty)));
            }
            self.declare(&param.name, value, false);
        }
    }

    // ------------------------------------------------------------------ scopes

    pub fn push(&mut self, kind: ScopeKind) {
        self.scopes.push(Scope { kind, vars: Vec::new() });
    }

    /// Leaves a scope, reporting the variables nobody read.
    pub fn pop(&mut self) {
        let Some(scope) = self.scopes.pop() else { return };
        for var in scope.vars {
            if var.warn_unused && !var.used && !var.name.starts_with('_') {
                self.report(
                    Diagnostic::warning(codes::UNUSED_VARIABLE, format!("unused variable `{}`", var.name))
                        .with_primary(var.span, "assigned but never read")
                        .with_help(format!(
                            "remove it, or rename it to `_{}` if that is on purpose",
                            var.name
                        )),
                );
            }
        }
    }

    pub fn declare(&mut self, name: &Ident, value: Value, warn_unused: bool) {
        let Some(scope) = self.scopes.last_mut() else { return };
        if let Some(existing) = scope.vars.iter().find(|v| v.name == name.name && v.warn_unused) {
            let first = existing.span;
            if warn_unused {
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE_DEFINITION,
                        format!("`{}` is declared twice in this scope", name.name),
                    )
                    .with_primary(name.span, "declared again here")
                    .with_secondary(first, "first declared here")
                    .with_help(format!("assign without `def` (`{} = …`), or use another name", name.name)),
                );
                return;
            }
        }
        if let Some(recorder) = &mut self.recorder {
            recorder.facts.declarations.push(Local {
                name: name.name.clone(),
                span: Some(name.span),
                ty: value.ty.clone(),
            });
        }
        let scope = self.scopes.last_mut().expect("checked above");
        scope.vars.push(Var { name: name.name.clone(), value, span: name.span, used: false, warn_unused });
    }

    pub fn declare_builtin(&mut self, name: &str, value: Value) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.vars.push(Var {
                name: name.to_string(),
                value,
                span: Span::default(),
                used: true,
                warn_unused: false,
            });
        }
    }

    /// The innermost variable with this name.
    pub fn lookup(&mut self, name: &str) -> Option<&mut Var> {
        self.scopes
            .iter_mut()
            .rev()
            .flat_map(|scope| scope.vars.iter_mut().rev())
            .find(|var| var.name == name)
    }

    /// Names visible here, for "did you mean".
    pub fn visible_names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            self.scopes.iter().flat_map(|scope| scope.vars.iter().map(|v| v.name.clone())).collect();
        names.extend(self.functions.keys().cloned());
        names.extend(GLOBALS.iter().map(|g| g.name.to_string()));
        names
    }

    // ------------------------------------------------------------------ facts for the editor

    /// Records that the name at `span` resolved to `target`, of type `ty`.
    pub fn record_reference(&mut self, span: Span, name: &str, target: Target, ty: &Type) {
        if let Some(recorder) = &mut self.recorder {
            recorder.facts.references.push(Reference {
                span,
                name: name.to_string(),
                target,
                ty: ty.clone(),
            });
        }
    }

    /// Records a use, at `span`, of the variable `name` in scope (looked up again only when
    /// facts are wanted, so that `check` pays nothing).
    pub fn record_variable_use(&mut self, span: Span, name: &str) {
        if self.recorder.is_none() {
            return;
        }
        let Some(var) = self.lookup(name) else { return };
        let (declared, ty) = (var.span, var.value.ty.clone());
        let target = match facts::declared_at(declared) {
            Some(declared) => Target::Local(declared),
            None => Target::Builtin,
        };
        self.record_reference(span, name, target, &ty);
    }

    /// Records `target.name` where `target` is of type `receiver`.
    pub fn record_member(
        &mut self,
        name: &PropertyName,
        receiver: &Type,
        is_call: bool,
        custom_fields: bool,
    ) {
        let (Some(recorder), Some(static_name)) = (&mut self.recorder, name.as_static()) else { return };
        recorder.facts.members.push(MemberUse {
            name: static_name.to_string(),
            name_span: name.span(),
            receiver: receiver.clone(),
            is_call,
            custom_fields,
        });
    }

    /// At a name written where completion was asked, records the names in scope there.
    pub fn record_scope_if_probe(&mut self, span: Span) {
        let Some(recorder) = &self.recorder else { return };
        if !recorder.is_probe(span) || recorder.facts.scope_at_probe.is_some() {
            return;
        }
        let locals: Vec<Local> = self
            .scopes
            .iter()
            .flat_map(|scope| &scope.vars)
            .map(|var| Local {
                name: var.name.clone(),
                span: facts::declared_at(var.span),
                ty: var.value.ty.clone(),
            })
            .collect();
        let (direction, in_script) = (self.direction, self.in_script);
        if let Some(recorder) = &mut self.recorder {
            recorder.facts.scope_at_probe = Some(facts::ProbeScope { locals, direction, in_script });
        }
    }

    /// Assigning an undeclared name in a script creates a script variable (Groovy's
    /// binding), visible from then on.
    pub fn bind_script_variable(&mut self, name: &str, value: Value, span: Span) {
        self.bindings.push((name.to_string(), value.clone()));
        if let Some(recorder) = &mut self.recorder {
            recorder.facts.declarations.push(Local {
                name: name.to_string(),
                span: Some(span),
                ty: value.ty.clone(),
            });
        }
        let index = self.scopes.iter().rposition(|s| s.kind == ScopeKind::Script).unwrap_or(0);
        if let Some(scope) = self.scopes.get_mut(index) {
            scope.vars.push(Var { name: name.to_string(), value, span, used: true, warn_unused: false });
        }
    }
}
