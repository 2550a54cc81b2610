//! The layout pass: from raw tokens to the tokens the grammar parses.
//!
//! Groovy is not LR(1) as written: whether a newline ends a statement, whether `String s`
//! declares a variable, whether `(Foo) x` is a cast and whether `<` opens type arguments
//! all depend on tokens further ahead. This pass decides those questions with bounded
//! look-ahead over the raw tokens, the way Groovy's own parser does (its
//! `declarationStart` and `typecast` predicates), and hands the grammar unambiguous tokens.
//!
//! It works in two steps:
//! 1. [`balance`] matches brackets, reports unclosed, stray and mismatched ones, inserts the
//!    missing closers (where the indentation says the block ended), drops stray closers and
//!    stops at a nesting limit, so that the grammar always sees balanced brackets.
//! 2. [`Layout::run`] applies the newline rules (DESIGN §2.1), turns runs of newlines and
//!    `;` at statement level into one [`Tok::Sep`], and inserts marker tokens.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::token::{Spanned, Tok};
use crate::Mode;

/// The deepest bracket nesting accepted; deeper input is cut off with E0015.
pub const MAX_BRACKET_DEPTH: usize = 256;

/// How far the type predicates look ahead, in tokens. Real type names are short.
const TYPE_LOOKAHEAD: usize = 64;

/// Runs both steps.
pub fn layout(source: &str, raw: Vec<Spanned>, mode: Mode) -> (Vec<Spanned>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let balanced = balance(source, raw, &mut diagnostics);
    let tokens = Layout::new(balanced, mode).run();
    (tokens, diagnostics)
}

// ------------------------------------------------------------------ step 1: brackets

/// Raw tokens with balanced brackets, and for each opener the index of its closer.
pub struct Balanced {
    pub tokens: Vec<Spanned>,
    /// `partner[i]` is the index of the matching bracket of an opener or closer.
    pub partner: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Bracket {
    Paren,
    Square,
    Brace,
    Interp,
}

impl Bracket {
    fn of_opener(tok: &Tok) -> Option<Bracket> {
        match tok {
            Tok::LParen => Some(Bracket::Paren),
            Tok::LBracket | Tok::SafeIndex => Some(Bracket::Square),
            Tok::LBrace => Some(Bracket::Brace),
            Tok::InterpStart => Some(Bracket::Interp),
            _ => None,
        }
    }

    fn of_closer(tok: &Tok) -> Option<Bracket> {
        match tok {
            Tok::RParen => Some(Bracket::Paren),
            Tok::RBracket => Some(Bracket::Square),
            Tok::RBrace => Some(Bracket::Brace),
            Tok::InterpEnd => Some(Bracket::Interp),
            _ => None,
        }
    }

    fn closer(self) -> Tok {
        match self {
            Bracket::Paren => Tok::RParen,
            Bracket::Square => Tok::RBracket,
            Bracket::Brace => Tok::RBrace,
            Bracket::Interp => Tok::InterpEnd,
        }
    }

    fn open_text(self) -> &'static str {
        match self {
            Bracket::Paren => "(",
            Bracket::Square => "[",
            Bracket::Brace => "{",
            Bracket::Interp => "${",
        }
    }

    fn close_text(self) -> &'static str {
        match self {
            Bracket::Paren => ")",
            Bracket::Square => "]",
            Bracket::Brace | Bracket::Interp => "}",
        }
    }
}

/// Where lines start and how they are indented, computed once so that bracket repair
/// stays linear on any input (a one-line file of a megabyte included).
struct Lines {
    /// Byte offset of the first character of each line.
    starts: Vec<usize>,
    /// Byte offset of the first non-blank character of each line.
    first_nonblank: Vec<usize>,
    /// Indentation in columns (a tab counts as 4).
    indent: Vec<usize>,
}

impl Lines {
    fn new(source: &str) -> Lines {
        let mut lines = Lines { starts: Vec::new(), first_nonblank: Vec::new(), indent: Vec::new() };
        let mut start = 0;
        for line in source.split('\n') {
            let mut indent = 0;
            let mut first = start + line.len();
            for (i, byte) in line.bytes().enumerate() {
                match byte {
                    b' ' => indent += 1,
                    b'\t' => indent += 4,
                    _ => {
                        first = start + i;
                        break;
                    }
                }
            }
            lines.starts.push(start);
            lines.first_nonblank.push(first);
            lines.indent.push(indent);
            start += line.len() + 1;
        }
        lines
    }

    /// Zero-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).saturating_sub(1)
    }

    /// Indentation of the line holding `offset`, and whether `offset` starts that line.
    fn indent(&self, offset: usize) -> (usize, bool) {
        let line = self.line(offset);
        (self.indent[line], self.first_nonblank[line] == offset)
    }

    /// One-based line number, as people count.
    fn number(&self, offset: usize) -> usize {
        self.line(offset) + 1
    }
}

/// Bracket repairs guided by indentation each cost a scan; past this many, missing closers
/// go where the problem is noticed, so hostile input stays linear.
const MAX_GUIDED_REPAIRS: usize = 64;

struct Open {
    bracket: Bracket,
    /// Index into the output token vector.
    index: usize,
    span: Span,
}

/// Matches brackets; see the module documentation.
pub fn balance(source: &str, raw: Vec<Spanned>, diagnostics: &mut Vec<Diagnostic>) -> Balanced {
    // First a plain match, to learn how many braces stay open at the end. Only then is the
    // indentation allowed to decide which brace lacks its `}`: a balanced file with odd
    // indentation is valid Groovy and must not get an error.
    let lines = Lines::new(source);
    let unclosed_braces = count_unclosed_braces(&raw);
    let mut reattributions_left = unclosed_braces.min(MAX_GUIDED_REPAIRS);
    let mut repairs = Repairs { guided_left: MAX_GUIDED_REPAIRS };

    let mut out: Vec<Spanned> = Vec::with_capacity(raw.len() + 8);
    let mut partner: Vec<usize> = Vec::with_capacity(raw.len() + 8);
    let mut stack: Vec<Open> = Vec::new();
    for (start, tok, end) in raw {
        if let Some(bracket) = Bracket::of_opener(&tok) {
            if stack.len() >= MAX_BRACKET_DEPTH {
                diagnostics.push(
                    Diagnostic::error(
                        codes::NESTING_TOO_DEEP,
                        format!("brackets are nested more than {MAX_BRACKET_DEPTH} levels deep"),
                    )
                    .with_primary(Span::new(start, end), "this bracket is one level too deep")
                    .with_help("split the expression into smaller parts with local variables"),
                );
                // Nothing after this point is parsed: close what is open and stop.
                break;
            }
            stack.push(Open { bracket, index: out.len(), span: Span::new(start, end) });
            out.push((start, tok, end));
            partner.push(usize::MAX);
            continue;
        }
        let Some(bracket) = Bracket::of_closer(&tok) else {
            out.push((start, tok, end));
            partner.push(usize::MAX);
            continue;
        };

        // A `}` first on its line that lines up with an enclosing `{` other than the
        // innermost one: the inner blocks were probably left open.
        if bracket == Bracket::Brace && reattributions_left > 0 {
            let (indent, first_on_line) = lines.indent(start);
            let top_indent = stack.last().map(|open| lines.indent(open.span.start as usize).0);
            if first_on_line
                && stack.last().is_some_and(|o| o.bracket == Bracket::Brace)
                && top_indent != Some(indent)
            {
                let target = stack.iter().rposition(|open| {
                    open.bracket == Bracket::Brace && lines.indent(open.span.start as usize).0 == indent
                });
                if let Some(target) = target {
                    let inner = stack.len() - 1 - target;
                    if inner <= reattributions_left {
                        reattributions_left -= inner;
                        while stack.len() > target + 1 {
                            let open = stack.pop().expect("stack has more than target + 1 entries");
                            repairs.close(&lines, source, &open, &mut out, &mut partner, diagnostics);
                        }
                    }
                }
            }
        }

        match stack.last() {
            Some(top) if top.bracket == bracket => {
                let open = stack.pop().expect("stack is not empty");
                partner[open.index] = out.len();
                partner.push(open.index);
                out.push((start, tok, end));
            }
            _ => {
                let deeper = stack.iter().rposition(|open| open.bracket == bracket);
                let top = stack.last().map(|open| open.bracket);
                match (deeper, top) {
                    // `(` or `[` closed by the other kind: a typo for the right closer.
                    (None, Some(top @ (Bracket::Paren | Bracket::Square)))
                        if matches!(bracket, Bracket::Paren | Bracket::Square) =>
                    {
                        let open = stack.pop().expect("stack is not empty");
                        diagnostics.push(
                            Diagnostic::error(
                                codes::MISMATCHED_DELIMITER,
                                format!("`{}` is closed by `{}`", top.open_text(), bracket.close_text()),
                            )
                            .with_primary(
                                Span::new(start, end),
                                format!("expected `{}` here", top.close_text()),
                            )
                            .with_secondary(open.span, format!("this `{}` is opened here", top.open_text()))
                            .with_help(format!(
                                "replace `{}` with `{}`",
                                bracket.close_text(),
                                top.close_text()
                            )),
                        );
                        partner[open.index] = out.len();
                        partner.push(open.index);
                        out.push((start, top.closer(), end));
                    }
                    // Closes an outer bracket: everything opened since is unclosed.
                    (Some(target), _) => {
                        while stack.len() > target + 1 {
                            let open = stack.pop().expect("stack has more than target + 1 entries");
                            repairs.close(&lines, source, &open, &mut out, &mut partner, diagnostics);
                        }
                        let open = stack.pop().expect("target is on the stack");
                        partner[open.index] = out.len();
                        partner.push(open.index);
                        out.push((start, tok, end));
                    }
                    // Nothing to close: a stray closer, dropped so the parse goes on.
                    (None, _) => {
                        let mut diagnostic = Diagnostic::error(
                            codes::UNMATCHED_CLOSING,
                            format!(
                                "unexpected `{}` with no matching `{}`",
                                bracket.close_text(),
                                bracket.open_text()
                            ),
                        )
                        .with_primary(Span::new(start, end), "this closing bracket has no opening one")
                        .with_help(format!(
                            "remove this `{}`, or add the missing `{}` before it",
                            bracket.close_text(),
                            bracket.open_text()
                        ));
                        if let Some(open) = stack.last() {
                            diagnostic = diagnostic.with_secondary(
                                open.span,
                                format!("the innermost open bracket is this `{}`", open.bracket.open_text()),
                            );
                        }
                        diagnostics.push(diagnostic);
                    }
                }
            }
        }
    }

    while let Some(open) = stack.pop() {
        repairs.close(&lines, source, &open, &mut out, &mut partner, diagnostics);
    }
    Balanced { tokens: out, partner }
}

fn count_unclosed_braces(raw: &[Spanned]) -> usize {
    let mut stack: Vec<Bracket> = Vec::new();
    for (_, tok, _) in raw {
        if let Some(bracket) = Bracket::of_opener(tok) {
            if stack.len() >= MAX_BRACKET_DEPTH {
                // The real pass stops here too.
                break;
            }
            stack.push(bracket);
        } else if let Some(bracket) = Bracket::of_closer(tok) {
            if let Some(pos) = stack.iter().rposition(|open| *open == bracket) {
                stack.truncate(pos);
            }
        }
    }
    stack.iter().filter(|open| **open == Bracket::Brace).count()
}

struct Repairs {
    guided_left: usize,
}

impl Repairs {
    /// Closes an unclosed bracket where the indentation says its block ended: before the
    /// first later line indented no deeper than the line that opened it, else at the end.
    fn close(
        &mut self,
        lines: &Lines,
        source: &str,
        open: &Open,
        out: &mut Vec<Spanned>,
        partner: &mut Vec<usize>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let mut insert_at = out.len();
        if self.guided_left > 0 {
            self.guided_left -= 1;
            let (open_indent, _) = lines.indent(open.span.start as usize);
            let open_line = lines.line(open.span.start as usize);
            for (i, (start, tok, _)) in out.iter().enumerate().skip(open.index + 1) {
                if matches!(tok, Tok::Newline) {
                    continue;
                }
                let (indent, first) = lines.indent(*start);
                if first && indent <= open_indent && lines.line(*start) > open_line {
                    insert_at = i;
                    break;
                }
            }
            // Back up over the newlines before that line so the closer ends the previous line.
            while insert_at > open.index + 1 && matches!(out[insert_at - 1].1, Tok::Newline) {
                insert_at -= 1;
            }
            // Never split a bracket pair inside this one (its closer may itself be inserted).
            let mut k = open.index + 1;
            while k < insert_at {
                let p = partner[k];
                if p != usize::MAX && p > k && p >= insert_at {
                    insert_at = p + 1;
                }
                k += 1;
            }
        }
        let at = if insert_at > open.index + 1 {
            out[insert_at - 1].2
        } else {
            out.get(insert_at).map_or(source.len(), |t| t.0)
        };
        let suggestion = (insert_at < out.len()).then(|| Span::point(at));
        out.insert(insert_at, (at, open.bracket.closer(), at));
        partner.insert(insert_at, open.index);
        if insert_at + 1 < partner.len() {
            // Indices after the insertion point moved by one.
            for p in partner.iter_mut() {
                if *p != usize::MAX && *p >= insert_at && *p != open.index {
                    *p += 1;
                }
            }
        }
        partner[open.index] = insert_at;
        report_unclosed(lines, source, open, suggestion, diagnostics);
    }
}

fn report_unclosed(
    lines: &Lines,
    source: &str,
    open: &Open,
    close_here: Option<Span>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let open_text = open.bracket.open_text();
    let close_text = open.bracket.close_text();
    let line = lines.number(open.span.start as usize);
    let mut diagnostic =
        Diagnostic::error(codes::UNCLOSED_DELIMITER, format!("this `{open_text}` is never closed"))
            .with_primary(open.span, format!("unclosed `{open_text}`"));
    match close_here {
        Some(span) if (span.start as usize) < source.len() => {
            let close_line = lines.number(span.start as usize);
            diagnostic = diagnostic
                .with_secondary(span, format!("`{close_text}` probably belongs here"))
                .with_help(format!(
                    "add `{close_text}` at the end of line {close_line} to close the `{open_text}` opened on line {line}"
                ));
        }
        _ => {
            diagnostic = diagnostic
                .with_help(format!("add `{close_text}` where the block opened on line {line} should end"));
        }
    }
    diagnostics.push(diagnostic);
}

// ------------------------------------------------------------------ step 2: layout

/// What a `{ … }` holds, which decides how newlines and markers behave inside.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    Paren,
    Square,
    Interp,
    /// Statements: blocks, closure bodies, script bodies.
    Block,
    /// Members of a class.
    ClassBody,
    /// `case` labels and statements.
    SwitchBody,
    /// Steps of a `test "…" { }` block.
    TestBody,
}

impl Ctx {
    /// Inside these, newlines never end anything.
    fn joins_lines(self) -> bool {
        matches!(self, Ctx::Paren | Ctx::Square | Ctx::Interp)
    }
}

/// What the next `{` will open, decided by the tokens before it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    Nothing,
    /// After `if (…)`, `else`, `try`, a method header…: a block (or a body statement).
    Body,
    /// In a method's `throws A, B` clause, before its body.
    Throws,
    ClassBody,
    TestBody,
}

struct Layout {
    raw: Vec<Spanned>,
    partner: Vec<usize>,
    mode: Mode,
    out: Vec<Spanned>,
    /// For each emitted token, the raw index it came from.
    out_raw: Vec<usize>,
    ctx: Vec<Ctx>,
    /// The next token starts a statement (or a member, or a case body).
    stmt_start: bool,
    /// A newline or `;` was seen since the last token: the span of the first one.
    pending_sep: Option<(usize, usize)>,
    expect: Expect,
    /// Raw `)` that end an `if`/`while`/`for`/`switch`/`catch` header or a method header.
    header_close: Vec<bool>,
    /// Raw `)` that end a `switch (…)` header.
    switch_close: Vec<bool>,
    /// Raw `)` that end a method's or constructor's parameter list.
    method_close: Vec<bool>,
    /// Raw `>` that close type arguments.
    type_close: Vec<bool>,
    /// Between `def`, a modifier or a declaration marker at a statement start and the
    /// declared name: a name followed by `(` there declares a method.
    in_declaration: bool,
    /// Inside `import …` (so a trailing `*` does not continue the line).
    in_import: bool,
    /// In a switch body after `case`/`default`, before its `:`; counts open `?`.
    case_label: Option<usize>,
    /// The `@Annotation(…)` that started at a statement start ends at this raw index.
    annotation_end: Option<usize>,
    /// The raw index being handled (recorded in `out_raw`).
    current: usize,
}

impl Layout {
    fn new(balanced: Balanced, mode: Mode) -> Layout {
        let n = balanced.tokens.len();
        Layout {
            raw: balanced.tokens,
            partner: balanced.partner,
            mode,
            out: Vec::with_capacity(n + n / 4),
            out_raw: Vec::with_capacity(n + n / 4),
            ctx: Vec::new(),
            stmt_start: true,
            pending_sep: None,
            expect: Expect::Nothing,
            header_close: vec![false; n],
            switch_close: vec![false; n],
            method_close: vec![false; n],
            type_close: vec![false; n],
            in_declaration: false,
            in_import: false,
            case_label: None,
            annotation_end: None,
            current: 0,
        }
    }

    fn tok(&self, i: usize) -> Option<&Tok> {
        self.raw.get(i).map(|(_, tok, _)| tok)
    }

    fn last(&self) -> Option<&Tok> {
        self.out.last().map(|(_, tok, _)| tok)
    }

    fn last_raw(&self) -> Option<usize> {
        self.out_raw.last().copied()
    }

    fn top(&self) -> Option<Ctx> {
        self.ctx.last().copied()
    }

    fn run(mut self) -> Vec<Spanned> {
        let mut i = 0;
        while i < self.raw.len() {
            i = self.step(i);
        }
        self.out
    }

    /// Moves raw token `i` out (only tokens with text are worth moving; no look-ahead
    /// reads a token after it has been handled).
    fn take(&mut self, i: usize) -> Tok {
        match self.raw[i].1 {
            Tok::Ident(_) | Tok::Int(_) | Tok::Decimal(_) | Tok::StrText(_) => {
                std::mem::replace(&mut self.raw[i].1, Tok::Newline)
            }
            ref other => other.clone(),
        }
    }

    /// Handles raw token `i`; returns the index of the next raw token to handle.
    fn step(&mut self, i: usize) -> usize {
        self.current = i;
        let (start, end) = (self.raw[i].0, self.raw[i].2);
        let joins_lines = self.top().is_some_and(Ctx::joins_lines);
        match self.raw[i].1 {
            Tok::Newline if joins_lines => return i + 1,
            Tok::Newline => {
                self.pending_sep.get_or_insert((start, end));
                return i + 1;
            }
            Tok::Semi if !joins_lines => {
                self.pending_sep.get_or_insert((start, end));
                return i + 1;
            }
            _ => {}
        }
        self.flush_sep(i);
        let at_stmt_start = std::mem::replace(&mut self.stmt_start, false);

        if matches!(self.raw[i].1, Tok::Ident(_)) {
            return self.ident(i, at_stmt_start);
        }
        let tok = self.take(i);
        if tok.keyword_text().is_some()
            && matches!(
                self.last(),
                Some(Tok::Dot | Tok::SafeDot | Tok::SpreadDot | Tok::AttrDot | Tok::MethodPointer)
            )
        {
            // A keyword after a dot is a property name (`x.class`), nothing more.
            self.emit(start, tok, end);
            return i + 1;
        }
        if tok.keyword_text().is_some()
            && self.tok(i + 1) == Some(&Tok::Colon)
            && matches!(self.top(), Some(Ctx::Square | Ctx::Paren))
        {
            // A keyword as a map key or argument name (`[in: 1, class: 2]`).
            self.emit(start, tok, end);
            return i + 1;
        }
        match tok {
            tok if tok.is_modifier() || tok == Tok::KwDef => {
                let static_initializer = tok == Tok::KwStatic
                    && self.top() == Some(Ctx::ClassBody)
                    && self.tok(i + 1) == Some(&Tok::LBrace);
                let declaring = at_stmt_start || self.in_declaration;
                self.emit(start, tok, end);
                self.in_declaration = declaring;
                if static_initializer {
                    self.expect = Expect::Body;
                }
                if at_stmt_start {
                    // `static`, `final` … may be followed by `{`, a type or annotations.
                    self.stmt_start = false;
                }
            }
            Tok::KwClass | Tok::KwInterface | Tok::KwEnum | Tok::KwTrait => {
                let declares = at_stmt_start || self.in_declaration;
                self.emit(start, tok, end);
                if declares {
                    self.expect = Expect::ClassBody;
                }
            }
            Tok::KwThrows => {
                self.emit(start, tok, end);
                self.expect = Expect::Throws;
            }
            Tok::KwImport => {
                self.emit(start, tok, end);
                self.in_import = at_stmt_start;
            }
            Tok::KwElse | Tok::KwTry | Tok::KwFinally | Tok::KwDo => {
                self.emit(start, tok.clone(), end);
                self.expect = Expect::Body;
                // `else` is followed by a statement (often `if`).
                self.stmt_start = tok == Tok::KwElse;
            }
            Tok::KwCase | Tok::KwDefault if at_stmt_start && self.top() == Some(Ctx::SwitchBody) => {
                self.emit(start, tok, end);
                self.case_label = Some(0);
            }
            Tok::Question => {
                if let Some(depth) = self.case_label.as_mut() {
                    *depth += 1;
                }
                self.emit(start, tok, end);
            }
            Tok::Colon => {
                self.emit(start, tok, end);
                match self.case_label {
                    Some(0) if self.top() == Some(Ctx::SwitchBody) => {
                        self.case_label = None;
                        self.stmt_start = true;
                    }
                    Some(ref mut depth) if *depth > 0 => *depth -= 1,
                    _ => {}
                }
            }
            Tok::LParen => self.open_paren(i),
            Tok::LBracket if self.tok(i + 1) == Some(&Tok::RBracket) => {
                let close_end = self.raw[i + 1].2;
                self.emit(start, Tok::Brackets, close_end);
                return i + 2;
            }
            Tok::LBracket | Tok::SafeIndex => {
                self.emit(start, tok, end);
                self.ctx.push(Ctx::Square);
            }
            Tok::InterpStart => {
                self.emit(start, tok, end);
                self.ctx.push(Ctx::Interp);
            }
            Tok::LBrace => self.open_brace(i, at_stmt_start),
            Tok::RParen => {
                self.ctx.pop();
                self.emit(start, tok, end);
                if self.header_close[i] {
                    self.expect = Expect::Body;
                    // The body of `if (…)`, `while (…)`, `for (…)` is a statement.
                    self.stmt_start = true;
                }
            }
            Tok::RBracket | Tok::RBrace | Tok::InterpEnd => {
                self.ctx.pop();
                self.emit(start, tok, end);
            }
            Tok::Lt => {
                let generic = match self.last() {
                    Some(Tok::Ident(name)) => starts_uppercase(name),
                    Some(Tok::Dot) => true,
                    Some(prev) => prev.is_modifier() || *prev == Tok::KwDef,
                    None => false,
                };
                if generic && self.scan_type_args(i).is_some() {
                    self.mark_type_close(i);
                    self.emit(start, Tok::TypeLt, end);
                } else {
                    self.emit(start, tok, end);
                }
            }
            Tok::Gt => {
                // `>>=` and `>>>=` become one token; other adjacent `>` are marked joined.
                let adjacent = |k: usize, tok: &Tok| {
                    self.raw.get(k).is_some_and(|(s, t, _)| t == tok && *s == self.raw[k - 1].2)
                };
                if adjacent(i + 1, &Tok::Ge) {
                    let close = self.raw[i + 1].2;
                    self.emit(start, Tok::ShrAssign, close);
                    return i + 2;
                }
                if adjacent(i + 1, &Tok::Gt) && adjacent(i + 2, &Tok::Ge) {
                    let close = self.raw[i + 2].2;
                    self.emit(start, Tok::UShrAssign, close);
                    return i + 3;
                }
                let joined = adjacent(i + 1, &Tok::Gt) && !self.type_close[i];
                self.emit(start, if joined { Tok::GtJoined } else { Tok::Gt }, end);
            }
            // `x.& name` with a space: the raw lexer only joins `.&` before a name.
            Tok::Dot if matches!(self.raw.get(i + 1), Some((next, Tok::Amp, _)) if *next == end) => {
                let close = self.raw[i + 1].2;
                self.emit(start, Tok::MethodPointer, close);
                return i + 2;
            }
            Tok::Not => match self.raw.get(i + 1) {
                Some(&(next, Tok::KwIn, next_end)) if next == end => {
                    self.emit(start, Tok::NotIn, next_end);
                    return i + 2;
                }
                Some(&(next, Tok::KwInstanceof, next_end)) if next == end => {
                    self.emit(start, Tok::NotInstanceof, next_end);
                    return i + 2;
                }
                _ => self.emit(start, tok, end),
            },
            Tok::Arrow => {
                self.emit(start, tok, end);
                self.stmt_start = true;
            }
            Tok::At if at_stmt_start => {
                // An annotation at a statement start: after it the statement start goes on
                // (so `@Field String x` is a declaration), across a newline too.
                self.emit(start, tok, end);
                let mut k = i + 1;
                while matches!(self.tok(k), Some(Tok::Ident(_))) && self.tok(k + 1) == Some(&Tok::Dot) {
                    k += 2;
                }
                if self.tok(k + 1) == Some(&Tok::LParen) {
                    k = self.partner.get(k + 1).copied().filter(|&p| p != usize::MAX).unwrap_or(k);
                }
                self.annotation_end = Some(k);
                return i + 1;
            }
            _ => self.emit(start, tok, end),
        }
        self.after(i)
    }

    /// Ends an annotation that started at a statement start, if token `i` was its last.
    fn after(&mut self, i: usize) -> usize {
        if self.annotation_end != Some(i) {
            return i + 1;
        }
        self.annotation_end = None;
        self.stmt_start = true;
        let mut k = i + 1;
        while self.tok(k) == Some(&Tok::Newline) {
            k += 1;
        }
        k
    }

    fn ident(&mut self, i: usize, at_stmt_start: bool) -> usize {
        let (start, end) = (self.raw[i].0, self.raw[i].2);
        if at_stmt_start {
            let Some(Tok::Ident(word)) = self.tok(i) else { unreachable!("called for identifiers") };
            if let Some(keyword) = self.contextual_keyword(word, i) {
                let is_test = keyword == Tok::KwTest;
                self.emit(start, keyword, end);
                if is_test {
                    self.expect = Expect::TestBody;
                }
                return i + 1;
            }
            if self.tok(i + 1) == Some(&Tok::Colon) && self.top() != Some(Ctx::ClassBody) {
                // `label:` — what follows the colon starts a statement (often a block).
                let tok = self.take(i);
                self.emit(start, tok, end);
                let (colon_start, colon_end) = (self.raw[i + 1].0, self.raw[i + 1].2);
                self.current = i + 1;
                self.emit(colon_start, Tok::Colon, colon_end);
                self.stmt_start = true;
                return i + 2;
            }
            let declares =
                self.scan_type(i).is_some_and(|after| matches!(self.tok(after), Some(Tok::Ident(_))));
            if declares {
                self.emit(start, Tok::DeclMark, start);
                self.in_declaration = true;
            } else if self.top() == Some(Ctx::ClassBody) && self.tok(i + 1) == Some(&Tok::LParen) {
                // A constructor: `Name(params) { … }`.
                self.mark_method_header(i + 1);
            } else if self.top() != Some(Ctx::ClassBody) && self.is_command_start(i) {
                self.emit(start, Tok::CommandMark, start);
            }
        }
        if self.in_declaration && self.tok(i + 1) == Some(&Tok::LParen) {
            self.mark_method_header(i + 1);
            self.in_declaration = false;
        }
        let tok = self.take(i);
        self.emit(start, tok, end);
        self.after(i)
    }

    fn emit(&mut self, start: usize, tok: Tok, end: usize) {
        if self.expect != Expect::Nothing && !keeps_expectation(&tok, self.expect) {
            self.expect = Expect::Nothing;
        }
        match tok {
            Tok::Sep => {
                self.in_import = false;
                self.in_declaration = false;
                self.case_label = None;
            }
            Tok::Assign
            | Tok::LParen
            | Tok::CastParen
            | Tok::ForInParen
            | Tok::LBrace
            | Tok::ClosureOpen
            | Tok::ClosureParamsOpen
            | Tok::Colon
            | Tok::Arrow => self.in_declaration = false,
            _ => {}
        }
        self.out.push((start, tok, end));
        self.out_raw.push(self.current);
    }

    /// Emits a pending separator before raw token `i`, unless Groovy's rules join the lines.
    fn flush_sep(&mut self, i: usize) {
        let Some((start, end)) = self.pending_sep.take() else { return };
        let joined = match self.last() {
            None | Some(Tok::Sep) => true,
            Some(prev) => {
                (continues_after(prev, self.in_import) && !self.last_is_type_close())
                    || (self.last_is_header_close()
                        && (!self.last_raw().is_some_and(|k| self.method_close[k])
                            || matches!(self.raw[i].1, Tok::LBrace | Tok::KwThrows)))
                    || matches!(prev, Tok::KwElse | Tok::KwTry | Tok::KwFinally | Tok::KwDo)
                    || matches!(self.expect, Expect::ClassBody | Expect::TestBody | Expect::Throws)
            }
        } || continues_before(&self.raw[i].1);
        if joined {
            return;
        }
        self.emit(start, Tok::Sep, end);
        self.stmt_start = true;
    }

    fn last_is_type_close(&self) -> bool {
        matches!(self.last(), Some(Tok::Gt | Tok::GtJoined))
            && self.last_raw().is_some_and(|i| self.type_close[i])
    }

    fn last_is_header_close(&self) -> bool {
        matches!(self.last(), Some(Tok::RParen)) && self.last_raw().is_some_and(|i| self.header_close[i])
    }

    /// `platform`, `trigger`, `outgoing`, `incoming`, `test` at the top level of a `.sync`
    /// file, and `given`, `expect`, `outgoing`, `incoming` in a test block.
    fn contextual_keyword(&self, word: &str, i: usize) -> Option<Tok> {
        let next = self.tok(i + 1);
        let ends_statement = matches!(next, None | Some(Tok::Newline | Tok::Semi | Tok::RBrace));
        match self.top() {
            None if self.mode == Mode::Rules => match (word, next) {
                ("platform", Some(Tok::Ident(_))) => Some(Tok::KwPlatform),
                ("trigger", Some(Tok::Ident(_))) => Some(Tok::KwTrigger),
                ("outgoing", Some(Tok::LBrace)) => Some(Tok::KwOutgoing),
                ("incoming", Some(Tok::LBrace)) => Some(Tok::KwIncoming),
                ("test", Some(Tok::StrStart(_))) => Some(Tok::KwTest),
                _ => None,
            },
            Some(Ctx::TestBody) => match word {
                "given" if matches!(next, Some(Tok::Ident(_))) => Some(Tok::KwGiven),
                "expect"
                    if !ends_statement && !matches!(next, Some(Tok::Assign | Tok::Dot | Tok::LParen)) =>
                {
                    Some(Tok::KwExpect)
                }
                "outgoing" if ends_statement => Some(Tok::KwOutgoing),
                "incoming" if ends_statement => Some(Tok::KwIncoming),
                _ => None,
            },
            _ => None,
        }
    }

    /// `println "x"`, `log.info msg`: a name or dotted path followed by an argument.
    fn is_command_start(&self, i: usize) -> bool {
        let mut k = i + 1;
        while matches!(self.tok(k), Some(Tok::Dot | Tok::SafeDot))
            && matches!(self.tok(k + 1), Some(Tok::Ident(_)))
        {
            k += 2;
        }
        matches!(
            self.tok(k),
            Some(
                Tok::Ident(_)
                    | Tok::Int(_)
                    | Tok::Decimal(_)
                    | Tok::StrStart(_)
                    | Tok::KwNew
                    | Tok::KwNull
                    | Tok::KwTrue
                    | Tok::KwFalse
                    | Tok::KwThis
            )
        )
    }

    fn mark_header(&mut self, open_paren: usize) {
        if let Some(&close) = self.partner.get(open_paren) {
            if let Some(flag) = self.header_close.get_mut(close) {
                *flag = true;
            }
        }
    }

    /// A method's parameter list: a block may follow on the next line, but a method without
    /// a body (`double area()` in an interface) ends at the newline.
    fn mark_method_header(&mut self, open_paren: usize) {
        self.mark_header(open_paren);
        if let Some(flag) = self.partner.get(open_paren).and_then(|&close| self.method_close.get_mut(close)) {
            *flag = true;
        }
    }

    fn open_paren(&mut self, i: usize) {
        let (start, end) = (self.raw[i].0, self.raw[i].2);
        let prev = self.last().cloned();
        let mut classic_for = false;
        let tok = match prev {
            Some(Tok::KwWhile) if self.while_ends_do_loop() => Tok::LParen,
            Some(Tok::KwIf | Tok::KwWhile | Tok::KwSwitch | Tok::KwCatch | Tok::KwSynchronized) => {
                self.mark_header(i);
                if prev == Some(Tok::KwSwitch) {
                    if let Some(flag) =
                        self.partner.get(i).and_then(|&close| self.switch_close.get_mut(close))
                    {
                        *flag = true;
                    }
                }
                Tok::LParen
            }
            Some(Tok::KwFor) => {
                self.mark_header(i);
                let close = self.partner.get(i).copied().unwrap_or(i).min(self.raw.len());
                let mut depth = 0usize;
                for k in i + 1..close {
                    match self.raw[k].1 {
                        Tok::LParen | Tok::LBracket | Tok::SafeIndex | Tok::LBrace | Tok::InterpStart => {
                            depth += 1
                        }
                        Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::InterpEnd => {
                            depth = depth.saturating_sub(1)
                        }
                        Tok::Semi if depth == 0 => {
                            classic_for = true;
                            break;
                        }
                        _ => {}
                    }
                }
                if classic_for {
                    Tok::LParen
                } else {
                    Tok::ForInParen
                }
            }
            _ if self.is_cast(i, prev.as_ref()) => Tok::CastParen,
            _ => Tok::LParen,
        };
        self.emit(start, tok, end);
        self.ctx.push(Ctx::Paren);
        // The first clause of `for (int i = 0; …)` is a statement.
        self.stmt_start = classic_for;
    }

    /// Whether the `while` just emitted closes `do { … } while (…)`.
    fn while_ends_do_loop(&self) -> bool {
        let n = self.out.len();
        if n < 2 || self.out[n - 2].1 != Tok::RBrace {
            return false;
        }
        let close = self.out_raw[n - 2];
        let open = self.partner.get(close).copied().unwrap_or(usize::MAX);
        open != usize::MAX && open > 0 && open < close && self.raw[open - 1].1 == Tok::KwDo
    }

    /// `(Type) operand`: Groovy's typecast predicate.
    fn is_cast(&self, i: usize, prev: Option<&Tok>) -> bool {
        if prev.is_some_and(Tok::ends_value) {
            return false;
        }
        let Some(after) = self.scan_type(i + 1) else { return false };
        self.tok(after) == Some(&Tok::RParen)
            && matches!(
                self.tok(after + 1),
                Some(
                    Tok::Ident(_)
                        | Tok::Int(_)
                        | Tok::Decimal(_)
                        | Tok::StrStart(_)
                        | Tok::LParen
                        | Tok::LBracket
                        | Tok::LBrace
                        | Tok::Not
                        | Tok::Tilde
                        | Tok::KwNew
                        | Tok::KwThis
                        | Tok::KwSuper
                        | Tok::KwNull
                        | Tok::KwTrue
                        | Tok::KwFalse
                )
            )
    }

    fn open_brace(&mut self, i: usize, at_stmt_start: bool) {
        let (start, end) = (self.raw[i].0, self.raw[i].2);
        let expect = self.expect;
        let after_switch =
            self.last_is_header_close() && self.last_raw().is_some_and(|k| self.switch_close[k]);
        let after_script_keyword = matches!(self.last(), Some(Tok::KwOutgoing | Tok::KwIncoming));
        let (ctx, tok) = match expect {
            Expect::ClassBody => (Ctx::ClassBody, Tok::LBrace),
            Expect::TestBody => (Ctx::TestBody, Tok::LBrace),
            Expect::Body if after_switch => (Ctx::SwitchBody, Tok::LBrace),
            Expect::Body | Expect::Throws => (Ctx::Block, Tok::LBrace),
            Expect::Nothing if after_script_keyword || at_stmt_start => (Ctx::Block, Tok::LBrace),
            Expect::Nothing if self.closure_has_params(i) => (Ctx::Block, Tok::ClosureParamsOpen),
            Expect::Nothing => (Ctx::Block, Tok::ClosureOpen),
        };
        let params = tok == Tok::ClosureParamsOpen;
        self.emit(start, tok, end);
        self.expect = Expect::Nothing;
        self.ctx.push(ctx);
        self.stmt_start = !params;
    }

    /// Whether the closure opened at `i` declares parameters: a `->` at its top level
    /// before the end of its first line (a newline after a `,` does not count).
    fn closure_has_params(&self, i: usize) -> bool {
        let close = self.partner.get(i).copied().unwrap_or(self.raw.len()).min(self.raw.len());
        let mut depth = 0usize;
        for k in i + 1..close {
            match &self.raw[k].1 {
                Tok::Arrow if depth == 0 => return true,
                Tok::LParen | Tok::LBracket | Tok::SafeIndex | Tok::LBrace | Tok::InterpStart => depth += 1,
                Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::InterpEnd => depth = depth.saturating_sub(1),
                Tok::Semi if depth == 0 => return false,
                // Newlines before the first parameter, or after a `,`, do not end the list.
                Tok::Newline
                    if depth == 0
                        && !matches!(self.raw[k - 1].1, Tok::Comma | Tok::Newline | Tok::LBrace) =>
                {
                    return false;
                }
                _ => {}
            }
        }
        false
    }

    /// If a type starts at raw index `i` (`Map<String, X>[]`, `java.util.List`, `int`),
    /// the index after it. Like Groovy, a type must end in a capitalised name or be a
    /// primitive type, which is what tells `String s` (declaration) from `foo bar` (call).
    fn scan_type(&self, i: usize) -> Option<usize> {
        let Some(Tok::Ident(first)) = self.tok(i) else { return None };
        let mut last = first;
        let mut k = i + 1;
        let mut segments = 1;
        while self.tok(k) == Some(&Tok::Dot) {
            match self.tok(k + 1) {
                Some(Tok::Ident(name)) => {
                    last = name;
                    k += 2;
                    segments += 1;
                }
                _ => return None,
            }
        }
        let primitive = segments == 1 && is_primitive(first);
        if !primitive && !starts_uppercase(last) {
            return None;
        }
        if self.tok(k) == Some(&Tok::Lt) {
            k = self.scan_type_args(k)?;
        }
        while self.tok(k) == Some(&Tok::LBracket) && self.tok(k + 1) == Some(&Tok::RBracket) {
            k += 2;
        }
        Some(k)
    }

    /// If raw `<` at `i` opens well-formed type arguments, the index after the closing `>`.
    fn scan_type_args(&self, i: usize) -> Option<usize> {
        let mut depth = 0usize;
        let limit = (i + TYPE_LOOKAHEAD).min(self.raw.len());
        for k in i..limit {
            match self.tok(k)? {
                Tok::Lt => depth += 1,
                Tok::Gt => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(k + 1);
                    }
                }
                Tok::Ident(_)
                | Tok::Dot
                | Tok::Comma
                | Tok::Question
                | Tok::KwExtends
                | Tok::KwSuper
                | Tok::Amp
                | Tok::LBracket
                | Tok::RBracket => {}
                _ => return None,
            }
        }
        None
    }

    /// Marks the `>` tokens closing the type arguments opened at raw `<` `open`, so that
    /// a newline after them ends the statement (`x as List<String>` at a line end).
    fn mark_type_close(&mut self, open: usize) {
        let Some(end) = self.scan_type_args(open) else { return };
        for k in open..end {
            if self.raw[k].1 == Tok::Gt {
                self.type_close[k] = true;
            }
        }
    }
}

/// Tokens after which the expectation of a body survives: the rest of a class header,
/// a `throws` clause, the test name.
fn keeps_expectation(tok: &Tok, expect: Expect) -> bool {
    match expect {
        Expect::ClassBody => !matches!(tok, Tok::Sep | Tok::LBrace),
        Expect::TestBody => matches!(tok, Tok::KwTest | Tok::StrStart(_) | Tok::StrText(_) | Tok::StrEnd),
        Expect::Throws => matches!(
            tok,
            Tok::KwThrows | Tok::Ident(_) | Tok::Dot | Tok::Comma | Tok::TypeLt | Tok::Gt | Tok::GtJoined
        ),
        Expect::Body | Expect::Nothing => false,
    }
}

/// A line ending in one of these continues on the next line.
fn continues_after(tok: &Tok, in_import: bool) -> bool {
    match tok {
        Tok::Star => !in_import,
        tok if tok.is_binary_operator() => true,
        Tok::Plus
        | Tok::Minus
        | Tok::Assign
        | Tok::PlusAssign
        | Tok::MinusAssign
        | Tok::StarAssign
        | Tok::SlashAssign
        | Tok::PercentAssign
        | Tok::StarStarAssign
        | Tok::AmpAssign
        | Tok::PipeAssign
        | Tok::CaretAssign
        | Tok::ShlAssign
        | Tok::ShrAssign
        | Tok::UShrAssign
        | Tok::ElvisAssign
        | Tok::Comma
        | Tok::Dot
        | Tok::SafeDot
        | Tok::SpreadDot
        | Tok::MethodPointer
        | Tok::AttrDot
        | Tok::Arrow
        | Tok::Question
        | Tok::Colon
        | Tok::Elvis
        | Tok::DotDot
        | Tok::DotDotLt
        | Tok::Not
        | Tok::Tilde
        | Tok::At
        | Tok::SpreadMap
        | Tok::LParen
        | Tok::CastParen
        | Tok::ForInParen
        | Tok::LBracket
        | Tok::SafeIndex
        | Tok::LBrace
        | Tok::ClosureOpen
        | Tok::ClosureParamsOpen
        | Tok::TypeLt
        | Tok::KwNew
        | Tok::DeclMark
        | Tok::CommandMark => true,
        _ => false,
    }
}

/// A line starting with one of these continues the previous line.
fn continues_before(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Dot
            | Tok::SafeDot
            | Tok::SpreadDot
            | Tok::MethodPointer
            | Tok::AttrDot
            | Tok::Elvis
            | Tok::Question
            | Tok::Colon
            | Tok::KwElse
            | Tok::KwCatch
            | Tok::KwFinally
            | Tok::RBrace
    )
}

fn starts_uppercase(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

fn is_primitive(name: &str) -> bool {
    matches!(
        name,
        "int" | "long" | "short" | "byte" | "char" | "boolean" | "float" | "double" | "void" | "var"
    )
}
