//! The parser driver: runs the lexer, the layout pass and the generated LR parser, turns
//! parse errors into diagnostics, and enforces the depth limit and the file structure.

use std::convert::Infallible;

use lalrpop_util::{ErrorRecovery, ParseError};

use crate::ast::*;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::token::{StrKind, Tok};
use crate::{layout, lexer};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, unused_imports, dead_code)]
    grammar
);

/// How to read a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A `.sync` file: `platform`, `trigger`, `outgoing { }`, `incoming { }`, functions.
    Rules,
    /// A bare script (an Exalate paste): the whole file is one script body.
    Script,
}

/// The result of parsing: always a tree, plus every problem found.
#[derive(Debug)]
pub struct Parsed {
    pub file: File,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The text the spans refer to. The same as the input for valid UTF-8; otherwise the
    /// input with each invalid byte replaced by a space (offsets unchanged).
    pub source: String,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The deepest expression/statement nesting accepted (E0015 beyond), which keeps every
/// recursive walk over the tree well inside the stack.
pub const MAX_TREE_DEPTH: usize = 1_000;

/// Parses source text.
pub fn parse(source: &str, mode: Mode) -> Parsed {
    let (raw, mut diagnostics) = lexer::lex(source);
    let (tokens, layout_diagnostics) = layout::layout(source, raw, mode);
    diagnostics.extend(layout_diagnostics);

    let mut builder = Builder::new(source);
    let result = grammar::FileParser::new().parse(&mut builder, tokens.into_iter().map(Ok));
    let mut file = match result {
        Ok(file) => file,
        Err(error) => {
            builder.error(error);
            File { items: Vec::new(), span: Span::new(0, source.len()) }
        }
    };
    diagnostics.append(&mut builder.diagnostics);
    file.span = Span::new(0, source.len());

    limit_depth(&mut file, &mut diagnostics);
    if mode == Mode::Rules {
        check_structure(&file, &mut diagnostics);
    }
    Parsed { file, diagnostics: tidy(diagnostics), source: source.to_string() }
}

/// Parses a file's bytes: invalid UTF-8 is reported (E0001) and replaced by spaces, so the
/// rest of the file is still checked and every span still points at the right byte.
pub fn parse_bytes(bytes: &[u8], mode: Mode) -> Parsed {
    if let Ok(source) = std::str::from_utf8(bytes) {
        return parse(source, mode);
    }
    let mut sanitized = String::with_capacity(bytes.len());
    let mut invalid = Vec::new();
    for chunk in bytes.utf8_chunks() {
        sanitized.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            let start = sanitized.len();
            sanitized.extend(std::iter::repeat_n(' ', chunk.invalid().len()));
            invalid.push(Span::new(start, sanitized.len()));
        }
    }
    let mut parsed = parse(&sanitized, mode);
    const SHOWN: usize = 5;
    let mut utf8 = Vec::new();
    for (n, span) in invalid.iter().enumerate().take(SHOWN) {
        let mut diagnostic = Diagnostic::error(codes::INVALID_UTF8, "the file is not valid UTF-8")
            .with_primary(*span, "these bytes are not UTF-8 (shown as spaces)")
            .with_help("save the file as UTF-8");
        if n == SHOWN - 1 && invalid.len() > SHOWN {
            diagnostic =
                diagnostic.with_note(format!("{} more invalid sequences follow", invalid.len() - SHOWN));
        }
        utf8.push(diagnostic);
    }
    utf8.append(&mut parsed.diagnostics);
    parsed.diagnostics = tidy(utf8);
    parsed
}

/// Sorts by position and drops a diagnostic that repeats an earlier error at the same spot
/// (a parse error right where the lexer already complained).
fn tidy(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|d| d.primary_span().map(|s| (s.start, s.end)).unwrap_or((u32::MAX, u32::MAX)));
    let mut seen: Vec<Span> = Vec::new();
    diagnostics.retain(|d| {
        if d.code != codes::UNEXPECTED_TOKEN && d.code != codes::UNEXPECTED_EOF {
            if let Some(span) = d.primary_span() {
                seen.push(span);
            }
            return true;
        }
        let Some(span) = d.primary_span() else { return true };
        let duplicate = seen.iter().any(|s| s.start == span.start);
        seen.push(span);
        !duplicate
    });
    diagnostics
}

// ------------------------------------------------------------------ builder

/// One part of a declaration prefix.
pub enum PrefixPart {
    Annotation(Annotation),
    Modifier(Modifier),
}

/// What the grammar's actions call to build nodes and report syntax errors.
pub struct Builder<'s> {
    source: &'s str,
    diagnostics: Vec<Diagnostic>,
}

impl<'s> Builder<'s> {
    fn new(source: &'s str) -> Self {
        Builder { source, diagnostics: Vec::new() }
    }

    pub fn add_prefix(&mut self, prefix: &mut (Vec<Annotation>, Vec<Modifier>), part: PrefixPart) {
        match part {
            PrefixPart::Annotation(annotation) => prefix.0.push(annotation),
            PrefixPart::Modifier(modifier) => prefix.1.push(modifier),
        }
    }

    pub fn binary(&mut self, op: BinaryOp, lhs: Expr, rhs: Expr, span: Span) -> Expr {
        Expr::new(ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span)
    }

    pub fn unary(&mut self, op: UnaryOp, operand: Expr, span: Span) -> Expr {
        Expr::new(ExprKind::Unary { op, operand: Box::new(operand) }, span)
    }

    pub fn assign(&mut self, op: Option<AssignOp>, target: Expr, value: Expr, span: Span) -> Expr {
        if !target.is_assignable() {
            let symbol = op.map_or_else(|| "=".to_string(), AssignOp::symbol);
            self.diagnostics.push(
                Diagnostic::error(codes::INVALID_ASSIGNMENT_TARGET, "this cannot be assigned to")
                    .with_primary(
                        target.span,
                        format!("the left side of `{symbol}` must be a variable, a property or a subscript"),
                    )
                    .with_help(
                        "assign to a variable or a field (`entity.summary = …`), or use `==` to compare",
                    ),
            );
        }
        Expr::new(ExprKind::Assign { op, target: Box::new(target), value: Box::new(value) }, span)
    }

    /// `callee(args)`: a method call when the callee is a name or a property, else a call
    /// of the callee's value.
    pub fn call(&mut self, callee: Expr, args: Vec<Arg>, span: Span) -> Expr {
        let callee_span = callee.span;
        let kind = match callee.into_kind() {
            ExprKind::Name(name) => ExprKind::MethodCall {
                receiver: None,
                name: PropertyName::Word(Ident { name, span: callee_span }),
                nav: Navigation::Normal,
                type_args: Vec::new(),
                args,
            },
            ExprKind::Property { target, name, nav } => {
                ExprKind::MethodCall { receiver: Some(target), name, nav, type_args: Vec::new(), args }
            }
            other => ExprKind::Call { callee: Box::new(Expr::new(other, callee_span)), args },
        };
        Expr::new(kind, span)
    }

    /// `callee { … }`: Groovy appends a closure written after a call to its arguments.
    pub fn trailing_closure(&mut self, callee: Expr, closure: Expr, span: Span) -> Expr {
        let mut callee = callee;
        match &mut callee.kind {
            ExprKind::MethodCall { args, .. } | ExprKind::Call { args, .. } | ExprKind::New { args, .. } => {
                args.push(Arg::Positional(closure));
                callee.span = span;
                callee
            }
            _ => self.call(callee, vec![Arg::Positional(closure)], span),
        }
    }

    /// A string literal: plain when it has no interpolation, else a template.
    pub fn string(&mut self, style: StrKind, parts: Vec<TemplatePart>, span: Span) -> Expr {
        if parts.iter().all(|part| matches!(part, TemplatePart::Text { .. })) {
            let mut value = String::new();
            for part in &parts {
                if let TemplatePart::Text { value: text, .. } = part {
                    value.push_str(text);
                }
            }
            return Expr::new(ExprKind::Str { value, style }, span);
        }
        Expr::new(ExprKind::Template { parts, style }, span)
    }

    /// The text of a plain string (a trigger query, a test name) and the span of its
    /// content. Interpolation is reported (E0018) and left out.
    pub fn plain(&mut self, (parts, span): (Vec<TemplatePart>, Span)) -> (String, Span) {
        let mut text = String::new();
        for part in &parts {
            match part {
                TemplatePart::Text { value, .. } => text.push_str(value),
                TemplatePart::Interp { span, .. } => self.diagnostics.push(
                    Diagnostic::error(codes::INTERPOLATED_QUERY, "this string must not contain `${…}`")
                        .with_primary(*span, "interpolation is not allowed here")
                        .with_help("write the value itself into the string"),
                ),
            }
        }
        let content = match (parts.first(), parts.last()) {
            (Some(first), Some(last)) => part_span(first).to(part_span(last)),
            _ => {
                // `""`: an empty span between the quotes.
                let middle = (span.start as usize + span.end as usize) / 2;
                Span::point(middle)
            }
        };
        (text, content)
    }

    /// A trigger query: see [`Builder::plain`].
    pub fn query(&mut self, string: (Vec<TemplatePart>, Span)) -> (String, Span) {
        self.plain(string)
    }

    pub fn function(
        &mut self,
        (annotations, modifiers): (Vec<Annotation>, Vec<Modifier>),
        type_params: Vec<TypeParam>,
        return_type: Option<Type>,
        (name, params, throws, body): (Ident, Vec<Param>, Vec<Type>, Option<Block>),
        span: Span,
    ) -> Function {
        Function { annotations, modifiers, type_params, return_type, name, params, throws, body, span }
    }

    /// A method named like its class, without a return type or `def`, is a constructor
    /// (`public Greeter(String name) { … }`).
    pub fn class(&mut self, mut class: Class) -> Class {
        for member in &mut class.members {
            let MemberKind::Method(method) = &mut member.kind else { continue };
            let is_constructor = method.name.name == class.name.name
                && method.return_type.is_none()
                && !method.modifiers.iter().any(|m| m.kind == ModifierKind::Def);
            if is_constructor {
                let body = method.body.take().unwrap_or(Block { stmts: Vec::new(), span: method.span });
                member.kind = MemberKind::Constructor {
                    annotations: std::mem::take(&mut method.annotations),
                    modifiers: std::mem::take(&mut method.modifiers),
                    name: method.name.clone(),
                    params: std::mem::take(&mut method.params),
                    body,
                };
            }
        }
        class
    }

    /// Records a syntax error the parser recovered from.
    pub fn recover(&mut self, recovery: ErrorRecovery<usize, Tok, Infallible>) {
        self.error(recovery.error);
    }

    fn error(&mut self, error: ParseError<usize, Tok, Infallible>) {
        let diagnostic = match error {
            ParseError::UnrecognizedToken { token: (start, tok, end), expected } => {
                self.unexpected(Span::new(start, end), &tok, &expected)
            }
            ParseError::ExtraToken { token: (start, tok, end) } => {
                self.unexpected(Span::new(start, end), &tok, &[])
            }
            ParseError::UnrecognizedEof { location, expected } => {
                let expected = describe_expected(&expected);
                let at = location.min(self.source.len());
                let mut diagnostic = Diagnostic::error(codes::UNEXPECTED_EOF, "the file ends too early")
                    .with_primary(Span::point(at), "the file ends here");
                if let Some(expected) = expected {
                    diagnostic = diagnostic.with_help(format!("expected {expected}"));
                }
                diagnostic
            }
            ParseError::InvalidToken { location } => {
                Diagnostic::error(codes::UNEXPECTED_TOKEN, "invalid token")
                    .with_primary(Span::point(location), "here")
            }
            ParseError::User { error } => match error {},
        };
        self.diagnostics.push(diagnostic);
    }

    fn unexpected(&self, span: Span, tok: &Tok, expected: &[String]) -> Diagnostic {
        let expected_text = describe_expected(expected);
        if is_binary_operator(tok) && self.first_on_line(span.start as usize) {
            let op = tok.text();
            return Diagnostic::error(codes::LEADING_OPERATOR, format!("a line cannot start with `{op}`"))
                .with_primary(span, "the previous line already ended the statement")
                .with_help(format!(
                    "move `{op}` to the end of the previous line to continue the expression there"
                ));
        }
        let found = match tok {
            Tok::Sep if self.source[span.range()].starts_with(';') => "`;`".to_string(),
            Tok::Sep => "the end of the line".to_string(),
            other => other.describe(),
        };
        let message = match &expected_text {
            Some(expected) => format!("expected {expected}, found {found}"),
            None => format!("unexpected {found}"),
        };
        let label = match tok {
            Tok::Sep => "the statement is incomplete here".to_string(),
            _ => format!("{found} is not expected here"),
        };
        let mut diagnostic = Diagnostic::error(codes::UNEXPECTED_TOKEN, message).with_primary(span, label);
        if matches!(tok, Tok::Ident(_) | Tok::Int(_) | Tok::Decimal(_) | Tok::StrStart(_))
            && expected.iter().any(|e| e == "\",\"" || e == "\")\"" || e == "\"]\"")
        {
            diagnostic = diagnostic.with_help("a `,` or an operator may be missing before this");
        } else if matches!(tok, Tok::Ident(_) | Tok::Int(_) | Tok::StrStart(_))
            && expected.iter().any(|e| e == "\"end of statement\"")
        {
            diagnostic = diagnostic.with_help(
                "an operator may be missing, or the two statements need a `;` or a line break between them",
            );
        }
        diagnostic
    }

    fn first_on_line(&self, offset: usize) -> bool {
        let offset = offset.min(self.source.len());
        let line_start = self.source[..offset].rfind('\n').map_or(0, |i| i + 1);
        self.source[line_start..offset].chars().all(|c| c == ' ' || c == '\t' || c == '\r')
    }
}

fn part_span(part: &TemplatePart) -> Span {
    match part {
        TemplatePart::Text { span, .. } | TemplatePart::Interp { span, .. } => *span,
    }
}

fn is_binary_operator(tok: &Tok) -> bool {
    tok.is_binary_operator() || matches!(tok, Tok::Assign)
}

/// Turns lalrpop's list of terminal names into words: "an expression", "`)` or `,`".
fn describe_expected(expected: &[String]) -> Option<String> {
    const EXPRESSION_STARTS: &[&str] = &[
        "identifier",
        "integer",
        "decimal",
        "string start",
        "true",
        "false",
        "null",
        "this",
        "super",
        "new",
        "(",
        "[",
        "[]",
        "!",
        "~",
        "-",
        "+",
        "++",
        "--",
        "closure {",
        "closure with parameters {",
        "cast (",
    ];
    let names: Vec<&str> = expected.iter().map(|e| e.trim_matches('"')).collect();
    let expression_like = names.iter().filter(|n| EXPRESSION_STARTS.contains(n)).count() >= 4;
    let mut words: Vec<String> = Vec::new();
    if expression_like {
        words.push("an expression".to_string());
    }
    for name in &names {
        if expression_like && EXPRESSION_STARTS.contains(name) {
            continue;
        }
        let word = match *name {
            "identifier" => "a name".to_string(),
            "integer" | "decimal" => "a number".to_string(),
            "string start" => "a string".to_string(),
            "end of statement" => "a line break or `;`".to_string(),
            "declaration"
            | "command"
            | "joined >"
            | "string text"
            | "${"
            | "end of interpolation"
            | "string end" => continue,
            "cast (" | "for-in (" => "`(`".to_string(),
            "type <" => "`<`".to_string(),
            "closure {" | "closure with parameters {" => "`{`".to_string(),
            other if other.chars().all(|c| c.is_ascii_alphabetic()) => format!("`{other}`"),
            other => format!("`{other}`"),
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    // Keywords that start statements are noise in a long list.
    if words.len() > 8 {
        words.retain(|w| !w.starts_with('`') || !w[1..].starts_with(|c: char| c.is_ascii_lowercase()));
    }
    words.truncate(8);
    match words.len() {
        0 => None,
        1 => Some(words.remove(0)),
        _ => {
            let last = words.pop().expect("at least two words");
            Some(format!("{} or {last}", words.join(", ")))
        }
    }
}

// ------------------------------------------------------------------ after parsing

/// Cuts off anything nested deeper than [`MAX_TREE_DEPTH`], so that later recursive passes
/// cannot overflow the stack.
fn limit_depth(file: &mut File, diagnostics: &mut Vec<Diagnostic>) {
    let mut limiter = DepthLimiter { reported: false, diagnostics };
    for item in &mut file.items {
        match &mut item.kind {
            ItemKind::Script { body, .. } => limiter.block(body, 0),
            ItemKind::Function(function) => limiter.function(function, 0),
            ItemKind::Class(class) => limiter.class(class, 0),
            ItemKind::Stmt(stmt) => limiter.stmt(stmt, 0),
            ItemKind::Test { body, .. } => {
                for step in body {
                    match &mut step.kind {
                        TestStepKind::Given { value, .. } => limiter.expr(value, 0),
                        TestStepKind::Expect { condition } => limiter.expr(condition, 0),
                        TestStepKind::Stmt(stmt) => limiter.stmt(stmt, 0),
                        TestStepKind::Run { .. } => {}
                    }
                }
            }
            ItemKind::Platform { .. }
            | ItemKind::Trigger { .. }
            | ItemKind::Package { .. }
            | ItemKind::Import { .. }
            | ItemKind::Error => {}
        }
    }
}

struct DepthLimiter<'d> {
    reported: bool,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl DepthLimiter<'_> {
    fn too_deep(&mut self, depth: usize, span: Span) -> bool {
        if depth < MAX_TREE_DEPTH {
            return false;
        }
        if !self.reported {
            self.reported = true;
            self.diagnostics.push(
                Diagnostic::error(
                    codes::NESTING_TOO_DEEP,
                    format!("this is nested more than {MAX_TREE_DEPTH} levels deep"),
                )
                .with_primary(span, "nested too deeply")
                .with_help("split it into smaller parts with local variables"),
            );
        }
        true
    }

    fn class(&mut self, class: &mut Class, depth: usize) {
        for member in &mut class.members {
            match &mut member.kind {
                MemberKind::Field(decl) => self.var_decl(decl, depth + 1),
                MemberKind::Method(function) => self.function(function, depth + 1),
                MemberKind::Constructor { params, body, .. } => {
                    self.params(params, depth + 1);
                    self.block(body, depth + 1);
                }
                MemberKind::Initializer { body, .. } => self.block(body, depth + 1),
                MemberKind::Class(inner) => self.class(inner, depth + 1),
                MemberKind::EnumConstants(_) | MemberKind::Error => {}
            }
        }
    }

    fn function(&mut self, function: &mut Function, depth: usize) {
        self.params(&mut function.params, depth + 1);
        if let Some(body) = &mut function.body {
            self.block(body, depth + 1);
        }
    }

    fn params(&mut self, params: &mut [Param], depth: usize) {
        for param in params {
            if let Some(default) = &mut param.default {
                self.expr(default, depth + 1);
            }
        }
    }

    fn block(&mut self, block: &mut Block, depth: usize) {
        self.stmts(&mut block.stmts, depth + 1);
    }

    fn stmts(&mut self, stmts: &mut [Stmt], depth: usize) {
        for stmt in stmts {
            self.stmt(stmt, depth);
        }
    }

    fn var_decl(&mut self, decl: &mut VarDecl, depth: usize) {
        for var in &mut decl.vars {
            if let Some(init) = &mut var.init {
                self.expr(init, depth + 1);
            }
        }
    }

    fn stmt(&mut self, stmt: &mut Stmt, depth: usize) {
        if self.too_deep(depth, stmt.span) {
            stmt.kind = StmtKind::Error;
            return;
        }
        let d = depth + 1;
        match &mut stmt.kind {
            StmtKind::Expr(expr) | StmtKind::Throw(expr) => self.expr(expr, d),
            StmtKind::Return(expr) => {
                if let Some(expr) = expr {
                    self.expr(expr, d);
                }
            }
            StmtKind::VarDecl(decl) => self.var_decl(decl, d),
            StmtKind::TupleDecl { value, .. } => self.expr(value, d),
            StmtKind::If { cond, then_branch, else_branch } => {
                self.expr(cond, d);
                self.stmt(then_branch, d);
                if let Some(else_branch) = else_branch {
                    self.stmt(else_branch, d);
                }
            }
            StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => {
                self.expr(cond, d);
                self.stmt(body, d);
            }
            StmtKind::ForIn { iterable, body, .. } => {
                self.expr(iterable, d);
                self.stmt(body, d);
            }
            StmtKind::ForClassic { init, cond, update, body } => {
                self.stmts(init, d);
                if let Some(cond) = cond {
                    self.expr(cond, d);
                }
                for expr in update {
                    self.expr(expr, d);
                }
                self.stmt(body, d);
            }
            StmtKind::Switch { subject, cases } => {
                self.expr(subject, d);
                for case in cases {
                    for label in case.labels.iter_mut().flatten() {
                        self.expr(label, d);
                    }
                    self.stmts(&mut case.body, d);
                }
            }
            StmtKind::Try { body, catches, finally } => {
                self.block(body, d);
                for catch in catches {
                    self.block(&mut catch.body, d);
                }
                if let Some(finally) = finally {
                    self.block(finally, d);
                }
            }
            StmtKind::Assert { cond, message } => {
                self.expr(cond, d);
                if let Some(message) = message {
                    self.expr(message, d);
                }
            }
            StmtKind::Block(block) => self.block(block, d),
            StmtKind::Labeled { body, .. } => self.stmt(body, d),
            StmtKind::Synchronized { lock, body } => {
                self.expr(lock, d);
                self.block(body, d);
            }
            StmtKind::Break(_) | StmtKind::Continue(_) | StmtKind::Error => {}
        }
    }

    fn expr(&mut self, expr: &mut Expr, depth: usize) {
        if self.too_deep(depth, expr.span) {
            // Dropping the cut-off subtree is iterative (see `Drop for Expr`).
            *expr = Expr::error(expr.span);
            return;
        }
        if let ExprKind::Closure { params, body } = &mut expr.kind {
            if let Some(params) = params {
                self.params(params, depth + 1);
            }
            self.stmts(body, depth + 1);
            return;
        }
        expr.for_each_child_mut(|child| self.expr(child, depth + 1));
    }
}

/// A `.sync` file holds declarations; its statements belong in `outgoing`/`incoming`.
fn check_structure(file: &File, diagnostics: &mut Vec<Diagnostic>) {
    let stray: Vec<&Item> = file
        .items
        .iter()
        .filter(|item| matches!(&item.kind, ItemKind::Stmt(stmt) if stmt.kind != StmtKind::Error))
        .collect();
    let Some(first) = stray.first() else { return };
    let mut diagnostic = Diagnostic::error(codes::STATEMENT_OUTSIDE_SCRIPT, "statement outside `outgoing` and `incoming`")
        .with_primary(first.span, "this statement is at the top level of a `.sync` file")
        .with_help("move it into `outgoing { … }` or `incoming { … }`; a whole-file script (an Exalate paste) is checked with `--script`, or named `.groovy`");
    if stray.len() > 1 {
        let more = stray.len() - 1;
        let noun = if more == 1 { "statement is" } else { "statements are" };
        diagnostic = diagnostic.with_note(format!("{more} more {noun} at the top level"));
    }
    diagnostics.push(diagnostic);
}
