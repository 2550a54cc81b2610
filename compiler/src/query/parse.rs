//! The query parser: tokens to an unchecked expression, with precise syntax errors.
//!
//! `AND` binds tighter than `OR`. Errors the parser can step over (a lower-case `and`, a
//! space after `:`, `>=` for `:>`) are reported and parsing goes on so that one run shows
//! them all; the others stop it.

use replica_grammar::{Diagnostic, Span};

use super::lex::{lex, Tok, Token};
use super::{Op, MIXED_AND_OR, QUERY_SYNTAX};

/// Parentheses deeper than this are refused (no input may exhaust the stack).
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawValue {
    /// Unquoted text: a number, `true`, `false`, `null`, or a mistake.
    Bare(String),
    /// Single-quoted text, unescaped.
    Quoted(String),
}

#[derive(Clone, Debug)]
pub(crate) struct RawCond {
    pub field: String,
    pub field_span: Span,
    pub op: Op,
    pub op_span: Span,
    pub value: RawValue,
    pub value_span: Span,
}

#[derive(Clone, Debug)]
pub(crate) enum RawExpr {
    Cond(RawCond),
    And(Vec<RawExpr>),
    Or(Vec<RawExpr>),
}

/// A fatal syntax error; its diagnostic has been pushed.
struct Stop;

type PResult<T> = Result<T, Stop>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Conn {
    And,
    Or,
}

impl Conn {
    fn keyword(self) -> &'static str {
        match self {
            Conn::And => "AND",
            Conn::Or => "OR",
        }
    }
}

struct Parser<'t, 'd> {
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    diags: &'d mut Vec<Diagnostic>,
    /// Whether a non-fatal error was reported (the result must not be used then).
    failed: bool,
}

/// Parses `text`; pushes diagnostics (spans relative to `text`). `None` after any error.
pub(crate) fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Option<RawExpr> {
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(QUERY_SYNTAX, "the trigger query is empty")
                .with_primary(Span::new(0, text.len()), "expected a condition such as `status:2`")
                .with_help("write at least one condition, e.g. `trigger ticket \"status:2\"`"),
        );
        return None;
    }
    let tokens = match lex(text) {
        Ok(tokens) => tokens,
        Err(diag) => {
            diags.push(diag);
            return None;
        }
    };
    let first = diags.len();
    let mut parser = Parser { text, tokens, pos: 0, depth: 0, diags, failed: false };
    let expr = parser.parse_query().ok().filter(|_| !parser.failed);
    if expr.is_none() {
        // The grouping warning reads a query that has syntax errors: drop it.
        let mut index = 0;
        diags.retain(|d| {
            index += 1;
            index <= first || d.code != MIXED_AND_OR
        });
    }
    expr
}

/// Connective meaning of a token, and whether it is written correctly (`AND`, `OR`).
fn connective(tok: &Tok) -> Option<(Conn, bool)> {
    match tok {
        Tok::Word(w) if w == "AND" => Some((Conn::And, true)),
        Tok::Word(w) if w == "OR" => Some((Conn::Or, true)),
        Tok::Word(w) if w.eq_ignore_ascii_case("and") => Some((Conn::And, false)),
        Tok::Word(w) if w.eq_ignore_ascii_case("or") => Some((Conn::Or, false)),
        Tok::Op(op) if op == "&&" || op == "&" => Some((Conn::And, false)),
        Tok::Op(op) if op == "||" || op == "|" => Some((Conn::Or, false)),
        _ => None,
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::Colon => "`:`".into(),
        Tok::Gt => "`>`".into(),
        Tok::Lt => "`<`".into(),
        Tok::Word(w) => format!("`{w}`"),
        Tok::Str(s) => format!("`'{s}'`"),
        Tok::Op(op) => format!("`{op}`"),
        Tok::DoubleQuote => "`\"`".into(),
    }
}

fn no_not() -> &'static str {
    "list the values you want instead, e.g. `status:2 OR status:3` rather than \"not status 4\""
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    fn prev(&self) -> Option<&Token> {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i))
    }

    fn bump(&mut self) -> Token {
        let token = self.tokens[self.pos].clone();
        self.pos += 1;
        token
    }

    fn end(&self) -> Span {
        Span::point(self.text.len())
    }

    fn fatal<T>(&mut self, diag: Diagnostic) -> PResult<T> {
        self.diags.push(diag);
        Err(Stop)
    }

    fn report(&mut self, diag: Diagnostic) {
        self.failed = true;
        self.diags.push(diag);
    }

    fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn parse_query(&mut self) -> PResult<RawExpr> {
        let (expr, _, _) = self.parse_or()?;
        if let Some(token) = self.peek().cloned() {
            // `parse_or` stops only at the end or at `)`.
            return self.fatal(
                Diagnostic::error(QUERY_SYNTAX, "unbalanced parenthesis in the query: `)` without `(`")
                    .with_primary(token.span, "this `)` closes nothing")
                    .with_help("remove it, or add the `(` that starts the group"),
            );
        }
        Ok(expr)
    }

    /// `and { OR and }`; returns the expression, its span, and whether it is a bare `AND`
    /// chain (for the mixed-precedence warning).
    fn parse_or(&mut self) -> PResult<(RawExpr, Span, bool)> {
        let first = self.parse_and()?;
        let mut operands = vec![first];
        while let Some((Conn::Or, exact)) = self.peek_tok().and_then(connective) {
            let token = self.bump();
            self.check_connective(&token, Conn::Or, exact);
            operands.push(self.parse_and()?);
        }
        if operands.len() == 1 {
            return Ok(operands.pop().expect("one operand"));
        }
        let span = operands[0].1.to(operands[operands.len() - 1].1);
        if operands.iter().any(|(_, _, bare_and)| *bare_and) {
            let reading: Vec<String> = operands
                .iter()
                .map(|(_, span, bare_and)| {
                    let text = self.slice(*span);
                    if *bare_and {
                        format!("({text})")
                    } else {
                        text.to_string()
                    }
                })
                .collect();
            self.diags.push(
                Diagnostic::warning(MIXED_AND_OR, "`AND` and `OR` are mixed without parentheses")
                    .with_primary(span, "`AND` binds tighter than `OR` here")
                    .with_note("the platforms do not document how `AND` and `OR` group; their search may read this differently")
                    .with_help(format!(
                        "Replica reads this as `{}`; add parentheses to make the grouping explicit",
                        reading.join(" OR ")
                    )),
            );
        }
        let expr = RawExpr::Or(operands.into_iter().map(|(e, _, _)| e).collect());
        Ok((expr, span, false))
    }

    /// `primary { AND primary }`.
    fn parse_and(&mut self) -> PResult<(RawExpr, Span, bool)> {
        let first = self.parse_primary()?;
        let mut span = first.1;
        let mut operands = vec![first.0];
        while let Some(token) = self.peek().cloned() {
            match connective(&token.tok) {
                Some((Conn::And, exact)) => {
                    self.bump();
                    self.check_connective(&token, Conn::And, exact);
                    let (expr, next_span) = self.parse_primary()?;
                    span = span.to(next_span);
                    operands.push(expr);
                }
                Some((Conn::Or, _)) => break,
                None if token.tok == Tok::RParen => break,
                None => return self.missing_connective(&token),
            }
        }
        if operands.len() == 1 {
            Ok((operands.pop().expect("one operand"), span, false))
        } else {
            Ok((RawExpr::And(operands), span, true))
        }
    }

    fn check_connective(&mut self, token: &Token, conn: Conn, exact: bool) {
        if exact {
            return;
        }
        let written = self.slice(token.span).to_string();
        let message = if written.eq_ignore_ascii_case(conn.keyword()) {
            format!("`{written}` must be written in capitals: `{}`", conn.keyword())
        } else {
            format!("`{written}` is not a query operator; the query language writes `{}`", conn.keyword())
        };
        self.report(
            Diagnostic::error(QUERY_SYNTAX, message)
                .with_primary(token.span, format!("write `{}` here", conn.keyword()))
                .with_help(format!("replace `{written}` with `{}`", conn.keyword())),
        );
    }

    fn missing_connective<T>(&mut self, token: &Token) -> PResult<T> {
        let after = self.prev().map(|t| t.span).unwrap_or_default();
        let diag = match &token.tok {
            Tok::Word(w) if w.eq_ignore_ascii_case("not") => self.not_diag(token.span),
            Tok::Op(op) if op.starts_with('!') => self.not_diag(token.span),
            Tok::Word(_) | Tok::LParen | Tok::Str(_) if token.space_before => {
                Diagnostic::error(QUERY_SYNTAX, "expected `AND` or `OR` between conditions")
                    .with_primary(token.span, "expected `AND` or `OR` before this")
                    .with_secondary(after, "the previous condition ends here")
                    .with_help("join conditions with `AND` (both must hold) or `OR` (either may hold)")
            }
            other => Diagnostic::error(QUERY_SYNTAX, format!("unexpected {} in the query", describe(other)))
                .with_primary(token.span, "expected `AND`, `OR`, `)` or the end of the query")
                .with_help(if matches!(other, Tok::Str(_)) {
                    "a condition holds one value; to accept several, join conditions with `OR`"
                } else {
                    "join conditions with `AND` or `OR`, e.g. `status:2 AND priority:4`"
                }),
        };
        self.fatal(diag)
    }

    fn not_diag(&self, span: Span) -> Diagnostic {
        Diagnostic::error(QUERY_SYNTAX, "the query language has no `NOT`")
            .with_primary(span, "negation is not supported")
            .with_help(no_not())
    }

    /// `( or )` or a condition.
    fn parse_primary(&mut self) -> PResult<(RawExpr, Span)> {
        let Some(token) = self.peek().cloned() else {
            return self.fatal(self.missing_condition(None));
        };
        match &token.tok {
            Tok::LParen => {
                if self.depth >= MAX_DEPTH {
                    return self.fatal(
                        Diagnostic::error(
                            QUERY_SYNTAX,
                            format!("parentheses nested more than {MAX_DEPTH} deep"),
                        )
                        .with_primary(token.span, "too deep")
                        .with_help("remove redundant parentheses"),
                    );
                }
                self.bump();
                if let Some(close) = self.peek().filter(|t| t.tok == Tok::RParen).cloned() {
                    return self.fatal(
                        Diagnostic::error(QUERY_SYNTAX, "empty parentheses in the query")
                            .with_primary(token.span.to(close.span), "no condition inside")
                            .with_help(
                                "put a condition inside, e.g. `(status:2 OR status:3)`, or remove them",
                            ),
                    );
                }
                self.depth += 1;
                let (inner, _, _) = self.parse_or()?;
                self.depth -= 1;
                match self.peek().cloned() {
                    Some(close) if close.tok == Tok::RParen => {
                        self.bump();
                        Ok((inner, token.span.to(close.span)))
                    }
                    _ => {
                        let group = self.text.get(token.span.start as usize..).unwrap_or("").trim_end();
                        self.fatal(
                            Diagnostic::error(
                                QUERY_SYNTAX,
                                "unbalanced parenthesis in the query: `(` is never closed",
                            )
                            .with_primary(token.span, "this `(` is never closed")
                            .with_secondary(self.end(), "expected `)` here")
                            .with_help(format!("close it with `)` where the group ends, e.g. `{group})`")),
                        )
                    }
                }
            }
            Tok::Word(w) if w == "AND" || w == "OR" => {
                let diag = match self.prev().and_then(|t| connective(&t.tok)) {
                    Some(_) => {
                        let prev = self.prev().expect("checked").span;
                        Diagnostic::error(QUERY_SYNTAX, format!("`{w}` right after `{}`", self.slice(prev)))
                            .with_primary(token.span, "expected a condition here")
                            .with_secondary(prev, "after this")
                            .with_help("write a condition between them, or remove one")
                    }
                    None => {
                        Diagnostic::error(QUERY_SYNTAX, format!("dangling `{w}`: nothing before it to join"))
                            .with_primary(token.span, "expected a condition before this")
                            .with_help(format!("remove `{w}`, or put a condition before it"))
                    }
                };
                self.fatal(diag)
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("not") && !self.next_is_adjacent_colon() => {
                self.fatal(self.not_diag(token.span))
            }
            Tok::Op(op) if op.starts_with('!') => self.fatal(self.not_diag(token.span)),
            Tok::Word(_) => {
                self.bump();
                let (cond, span) = self.parse_condition(token)?;
                Ok((RawExpr::Cond(cond), span))
            }
            Tok::RParen if self.depth == 0 && self.prev().is_none_or(|t| connective(&t.tok).is_none()) => {
                self.fatal(
                    Diagnostic::error(QUERY_SYNTAX, "unbalanced parenthesis in the query: `)` without `(`")
                        .with_primary(token.span, "this `)` closes nothing")
                        .with_help("remove it, or add the `(` that starts the group"),
                )
            }
            Tok::RParen => self.fatal(self.missing_condition(Some(token.span))),
            Tok::Str(s) => self.fatal(
                Diagnostic::error(QUERY_SYNTAX, "a value without a field name")
                    .with_primary(token.span, "which field should this be compared with?")
                    .with_help(format!("write `field:value`, e.g. `tag:'{s}'` or `type:'{s}'`")),
            ),
            Tok::Colon => self.fatal(
                Diagnostic::error(QUERY_SYNTAX, "a condition without a field name before `:`")
                    .with_primary(token.span, "expected a field name before this")
                    .with_help("write `field:value`, e.g. `status:2`"),
            ),
            Tok::DoubleQuote => self.fatal(double_quote(token.span)),
            other => {
                let other = describe(other);
                self.fatal(
                    Diagnostic::error(QUERY_SYNTAX, format!("expected a condition, found {other}"))
                        .with_primary(token.span, "expected a condition such as `status:2` here")
                        .with_help("conditions are written `field:value`, e.g. `status:2` or `priority:>3`"),
                )
            }
        }
    }

    /// The value written after the operator (the next word or quoted string, when adjacent
    /// to what came before), for concrete rewrites in messages; `value` when there is none.
    fn upcoming_value(&self) -> String {
        match self.peek() {
            Some(t) if matches!(t.tok, Tok::Word(_) | Tok::Str(_)) && connective(&t.tok).is_none() => {
                self.slice(t.span).to_string()
            }
            _ => "value".to_string(),
        }
    }

    fn next_is_adjacent_colon(&self) -> bool {
        self.tokens.get(self.pos + 1).is_some_and(|t| t.tok == Tok::Colon && !t.space_before)
    }

    /// A condition was expected at `at` (a `)` or the end) but there is none.
    fn missing_condition(&self, at: Option<Span>) -> Diagnostic {
        let at = at.unwrap_or_else(|| self.end());
        match self.prev() {
            Some(prev) if connective(&prev.tok).is_some() => {
                let written = self.slice(prev.span).to_string();
                Diagnostic::error(QUERY_SYNTAX, format!("dangling `{written}`: no condition after it"))
                    .with_primary(prev.span, format!("`{written}` needs a condition on each side"))
                    .with_secondary(at, "expected a condition here")
                    .with_help(format!("add a condition after `{written}`, or remove it"))
            }
            Some(prev) if prev.tok == Tok::LParen => {
                Diagnostic::error(QUERY_SYNTAX, "expected a condition after `(`")
                    .with_primary(prev.span, "this group has no condition")
                    .with_secondary(at, "expected a condition here")
                    .with_help("put a condition inside, e.g. `(status:2 OR status:3)`")
            }
            _ => Diagnostic::error(QUERY_SYNTAX, "expected a condition")
                .with_primary(at, "expected a condition such as `status:2` here")
                .with_help("conditions are written `field:value`, e.g. `status:2`"),
        }
    }

    /// After the field name: `:` [`>`|`<`] value.
    fn parse_condition(&mut self, field: Token) -> PResult<(RawCond, Span)> {
        let Tok::Word(name) = &field.tok else { unreachable!("called with a word") };
        let name = name.clone();
        let (op, op_span) = self.parse_operator(&name, &field)?;
        let (value, value_span) = self.parse_value(&name, op, op_span)?;
        let span = field.span.to(value_span);
        Ok((RawCond { field: name, field_span: field.span, op, op_span, value, value_span }, span))
    }

    fn parse_operator(&mut self, name: &str, field: &Token) -> PResult<(Op, Span)> {
        let Some(token) = self.peek().cloned() else {
            return self.fatal(expected_colon(name, field.span, self.end(), None));
        };
        match &token.tok {
            Tok::Colon => {
                self.bump();
                if token.space_before {
                    self.report(
                        Diagnostic::error(QUERY_SYNTAX, format!("a space between `{name}` and `:`"))
                            .with_primary(
                                Span::new(field.span.end as usize, token.span.start as usize),
                                "remove this space",
                            )
                            .with_help(format!("write `{name}:` with no space")),
                    );
                }
                let mut op = Op::Eq;
                let mut span = token.span;
                if let Some(next) = self.peek().cloned() {
                    let range = match next.tok {
                        Tok::Gt => Some(Op::Ge),
                        Tok::Lt => Some(Op::Le),
                        _ => None,
                    };
                    if let Some(range) = range {
                        self.bump();
                        if next.space_before {
                            self.report(
                                Diagnostic::error(
                                    QUERY_SYNTAX,
                                    format!("a space inside the operator `{}`", range.as_str()),
                                )
                                .with_primary(
                                    Span::new(token.span.end as usize, next.span.start as usize),
                                    "remove this space",
                                )
                                .with_help(format!("write `{name}{}` with no space", range.as_str())),
                            );
                        }
                        op = range;
                        span = span.to(next.span);
                    }
                }
                self.reject_operator_tail(name, op, span)?;
                Ok((op, span))
            }
            Tok::Gt | Tok::Lt => {
                self.bump();
                let op = if token.tok == Tok::Gt { Op::Ge } else { Op::Le };
                let mut span = token.span;
                let mut written = self.slice(token.span).to_string();
                if let Some(next) = self.peek().cloned().filter(|t| !t.space_before) {
                    match &next.tok {
                        Tok::Op(eq) if eq == "=" => {
                            self.bump();
                            span = span.to(next.span);
                            written.push('=');
                        }
                        Tok::Gt | Tok::Lt => {
                            return self.fatal(
                                Diagnostic::error(
                                    QUERY_SYNTAX,
                                    format!("unknown operator `{written}{}`", self.slice(next.span)),
                                )
                                .with_primary(token.span.to(next.span), "not a query operator")
                                .with_note("there is no \"not equal\" in the query language")
                                .with_help(no_not()),
                            );
                        }
                        _ => {}
                    }
                }
                let strict = if written.len() == 1 {
                    " (note that it is inclusive: greater than or equal)"
                } else {
                    ""
                };
                let meaning = if op == Op::Ge { "greater than or equal" } else { "less than or equal" };
                self.report(
                    Diagnostic::error(QUERY_SYNTAX, format!("unknown operator `{written}`"))
                        .with_primary(span, "not a query operator")
                        .with_note(format!("`{}` means {meaning}", op.as_str()))
                        .with_help(format!("write `{name}{}{}`{strict}", op.as_str(), self.upcoming_value())),
                );
                Ok((op, span))
            }
            Tok::Op(written) => {
                let written = written.clone();
                if written.starts_with('!') {
                    return self.fatal(self.not_diag(token.span));
                }
                self.bump();
                if written == "=" || written == "==" {
                    self.report(
                        Diagnostic::error(QUERY_SYNTAX, format!("unknown operator `{written}`"))
                            .with_primary(token.span, "not a query operator")
                            .with_help(format!(
                                "conditions use `:`: write `{name}:{}`",
                                self.upcoming_value()
                            )),
                    );
                    // `field=:x` or `field==x`: carry on with the value.
                    if self.peek().is_some_and(|t| t.tok == Tok::Colon && !t.space_before) {
                        self.bump();
                    }
                    return Ok((Op::Eq, token.span));
                }
                self.fatal(
                    Diagnostic::error(QUERY_SYNTAX, format!("unknown operator `{written}`"))
                        .with_primary(token.span, "not a query operator")
                        .with_help(format!(
                            "conditions are written `{name}:value`, `{name}:>value` or `{name}:<value`"
                        )),
                )
            }
            _ => self.fatal(expected_colon(name, field.span, token.span, Some(&token))),
        }
    }

    /// After `:`, `:>` or `:<`: refuse `:>=`, `:=`, `:!`, `::`, `:<>`.
    fn reject_operator_tail(&mut self, name: &str, op: Op, op_span: Span) -> PResult<()> {
        let Some(next) = self.peek().cloned().filter(|t| !t.space_before) else { return Ok(()) };
        match &next.tok {
            Tok::Op(eq) if eq == "=" && op != Op::Eq => {
                self.bump();
                let meaning = if op == Op::Ge { "greater than or equal" } else { "less than or equal" };
                self.report(
                    Diagnostic::error(QUERY_SYNTAX, format!("unknown operator `{}=`", op.as_str()))
                        .with_primary(op_span.to(next.span), "not a query operator")
                        .with_note(format!("`{}` already means {meaning}", op.as_str()))
                        .with_help(format!("write `{name}{}{}`", op.as_str(), self.upcoming_value())),
                );
                Ok(())
            }
            Tok::Op(eq) if (eq == "=" || eq == "==") && op == Op::Eq => {
                self.bump();
                self.report(
                    Diagnostic::error(QUERY_SYNTAX, format!("unknown operator `:{eq}`"))
                        .with_primary(op_span.to(next.span), "not a query operator")
                        .with_help(format!("`:` alone compares: write `{name}:{}`", self.upcoming_value())),
                );
                Ok(())
            }
            Tok::Op(bang) if bang.starts_with('!') => self.fatal(self.not_diag(op_span.to(next.span))),
            Tok::Op(_) | Tok::Colon | Tok::Gt | Tok::Lt => {
                let written = format!("{}{}", self.slice(op_span), self.slice(next.span));
                self.fatal(
                    Diagnostic::error(QUERY_SYNTAX, format!("unknown operator `{written}`"))
                        .with_primary(op_span.to(next.span), "not a query operator")
                        .with_help(format!(
                            "the operators are `:` (equals), `:>` (greater than or equal) and `:<` (less than or equal): `{name}:>3`"
                        )),
                )
            }
            _ => Ok(()),
        }
    }

    fn parse_value(&mut self, name: &str, op: Op, op_span: Span) -> PResult<(RawValue, Span)> {
        let written_op = format!("{name}{}", op.as_str());
        let missing = |at: Span| {
            Diagnostic::error(QUERY_SYNTAX, format!("missing value after `{written_op}`"))
                .with_primary(op_span, "expected a value after this")
                .with_secondary(at, "the condition ends here")
                .with_help(format!(
                    "put the value right after `{}`: a number (`{name}{}2`), a quoted text or date, `true`, `false` or `null`",
                    op.as_str(),
                    op.as_str()
                ))
        };
        let Some(token) = self.peek().cloned() else {
            return self.fatal(missing(self.end()));
        };
        let is_value = matches!(token.tok, Tok::Word(_) | Tok::Str(_)) && connective(&token.tok).is_none();
        if !is_value {
            if token.tok == Tok::DoubleQuote {
                return self.fatal(double_quote(token.span));
            }
            let at = if token.space_before { Span::point(op_span.end as usize) } else { token.span };
            return self.fatal(missing(at));
        }
        if token.space_before {
            self.report(
                Diagnostic::error(QUERY_SYNTAX, format!("a space after `{written_op}`"))
                    .with_primary(
                        Span::new(op_span.end as usize, token.span.start as usize),
                        "remove this space",
                    )
                    .with_help(format!(
                        "write the value right after the operator: `{written_op}{}`",
                        self.slice(token.span)
                    )),
            );
        }
        self.bump();
        match token.tok {
            Tok::Str(s) => Ok((RawValue::Quoted(s), token.span)),
            _ => {
                // A bare value runs on through any adjacent word or operator characters
                // (`2017-01-01T10:00:00Z`), so the checker can report it whole.
                let mut span = token.span;
                while let Some(next) = self.peek() {
                    if next.space_before
                        || !matches!(next.tok, Tok::Word(_) | Tok::Colon | Tok::Gt | Tok::Lt | Tok::Op(_))
                    {
                        break;
                    }
                    span = span.to(next.span);
                    self.pos += 1;
                }
                Ok((RawValue::Bare(self.slice(span).to_string()), span))
            }
        }
    }
}

fn double_quote(span: Span) -> Diagnostic {
    Diagnostic::error(QUERY_SYNTAX, "double quotes inside the query")
        .with_primary(span, "values are quoted with `'`")
        .with_help("write text and dates in single quotes, e.g. `type:'Question'`")
}

fn expected_colon(name: &str, field: Span, at: Span, next: Option<&Token>) -> Diagnostic {
    let example = match next.map(|t| &t.tok) {
        Some(Tok::Word(w)) => format!("`{name}:{w}`"),
        Some(Tok::Str(s)) => format!("`{name}:'{s}'`"),
        _ => format!("`{name}:value`"),
    };
    Diagnostic::error(QUERY_SYNTAX, format!("expected `:` after the field name `{name}`"))
        .with_primary(
            if at.is_empty() { Span::point(field.end as usize) } else { at },
            "expected `:` before this",
        )
        .with_secondary(field, "field name")
        .with_help(format!("conditions are written `field:value`: {example}"))
}
