//! The raw lexer (stage 1): source text → [`Spanned`] tokens.
//!
//! Code is tokenised by a `logos` DFA ([`RawTok`]), one token at a time, so that the driver
//! can switch to hand-written scanners for what regular expressions cannot do: string bodies
//! with escapes and `${…}` interpolation (which nests code inside strings inside code…),
//! block comments, and the slashy-string-or-division decision, which depends on the previous
//! token. Nesting is kept on an explicit mode stack rather than in recursion, so any depth
//! of `"${"${…}"}"` is fine.
//!
//! The lexer never fails: problems become [`Diagnostic`]s and lexing goes on with a token
//! stream the layout pass and parser can still use (an unterminated `"…` gets a zero-width
//! `StrEnd` at the end of its line, for instance).

use logos::Logos;

use crate::{
    codes,
    diagnostic::Diagnostic,
    span::Span,
    token::{Spanned, StrKind, Tok},
};

/// Lexes the whole source. Never panics, for any `&str`. Always returns a token vector
/// that the layout pass can consume; problems are reported as diagnostics and lexing goes on.
pub fn lex(source: &str) -> (Vec<Spanned>, Vec<Diagnostic>) {
    let mut lexer = Lexer::new(source);
    lexer.run();
    (lexer.out, lexer.diags)
}

/// Code-mode tokens. String bodies and comment bodies are scanned by hand; these variants
/// only recognise their opening delimiters.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(skip r"[ \t\x0C]+")]
enum RawTok {
    #[regex(r"\r\n|\n|\r")]
    Newline,
    #[regex(r"\\(\r\n|\n|\r)")]
    LineContinuation,
    #[token("//")]
    LineComment,
    #[token("/*")]
    BlockComment,

    #[token("'")]
    Quote,
    #[token("'''")]
    TripleQuote,
    #[token("\"")]
    DoubleQuote,
    #[token("\"\"\"")]
    TripleDoubleQuote,
    /// `$/`: a dollar-slashy string, or the identifier `$` followed by `/` after a value.
    #[token("$/")]
    DollarSlash,

    #[regex(r"[\p{Alphabetic}_$][\p{Alphabetic}\p{M}\p{Nd}_$]*")]
    Ident,

    // Numbers. The patterns also accept some malformed shapes (`0x`, `1e`, `1_`) so that the
    // whole literal becomes one token; `check_number` reports them.
    #[regex(r"[0-9][0-9_]*[lLiIgG]?")]
    #[regex(r"0[xX][0-9a-fA-F_]*[lLiIgG]?")]
    #[regex(r"0[bB][01_]*[lLiIgG]?")]
    Int,
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]*)?[dDfFgG]?")]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9_]*[dDfFgG]?")]
    #[regex(r"[0-9][0-9_]*[dDfF]")]
    Decimal,

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("?.")]
    SafeDot,
    #[token("*.")]
    SpreadDot,
    /// `.&`, only a method pointer when a name follows (checked by hand).
    #[token(".&")]
    MethodPointer,
    /// `.@`, only attribute access when a name follows (checked by hand).
    #[token(".@")]
    AttrDot,
    #[token("?[")]
    SafeIndex,
    #[token("->")]
    Arrow,
    #[token("@")]
    At,
    #[token("?")]
    Question,
    #[token("?:")]
    Elvis,
    #[token("..")]
    DotDot,
    #[token("..<")]
    DotDotLt,
    #[token("...")]
    Ellipsis,
    #[token("*:")]
    SpreadMap,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    /// `/`: division, or the start of a slashy string (decided by the previous token).
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("**")]
    StarStar,
    #[token("++")]
    Inc,
    #[token("--")]
    Dec,
    #[token("!")]
    Not,
    #[token("~")]
    Tilde,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("===")]
    Identical,
    #[token("!==")]
    NotIdentical,
    #[token("<")]
    Lt,
    // No `>>`/`>>>`: every `>` is its own token (the layout pass joins them).
    #[token(">")]
    Gt,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[token("<=>")]
    Spaceship,
    #[token("=~")]
    Find,
    #[token("==~")]
    Match,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("<<")]
    Shl,
    #[token("=")]
    Assign,
    #[token("+=")]
    PlusAssign,
    #[token("-=")]
    MinusAssign,
    #[token("*=")]
    StarAssign,
    /// `/=`: division-assignment, or a slashy string starting with `=`.
    #[token("/=")]
    SlashAssign,
    #[token("%=")]
    PercentAssign,
    #[token("**=")]
    StarStarAssign,
    #[token("&=")]
    AmpAssign,
    #[token("|=")]
    PipeAssign,
    #[token("^=")]
    CaretAssign,
    #[token("<<=")]
    ShlAssign,
    #[token("?=")]
    ElvisAssign,
}

impl RawTok {
    /// The token for punctuation and operators that need no further thought.
    fn simple(self) -> Option<Tok> {
        use RawTok as R;
        Some(match self {
            R::LParen => Tok::LParen,
            R::RParen => Tok::RParen,
            R::LBracket => Tok::LBracket,
            R::RBracket => Tok::RBracket,
            R::Comma => Tok::Comma,
            R::Semi => Tok::Semi,
            R::Colon => Tok::Colon,
            R::Dot => Tok::Dot,
            R::SafeDot => Tok::SafeDot,
            R::SpreadDot => Tok::SpreadDot,
            R::SafeIndex => Tok::SafeIndex,
            R::Arrow => Tok::Arrow,
            R::At => Tok::At,
            R::Question => Tok::Question,
            R::Elvis => Tok::Elvis,
            R::DotDot => Tok::DotDot,
            R::DotDotLt => Tok::DotDotLt,
            R::Ellipsis => Tok::Ellipsis,
            R::SpreadMap => Tok::SpreadMap,
            R::Plus => Tok::Plus,
            R::Minus => Tok::Minus,
            R::Star => Tok::Star,
            R::Percent => Tok::Percent,
            R::StarStar => Tok::StarStar,
            R::Inc => Tok::Inc,
            R::Dec => Tok::Dec,
            R::Not => Tok::Not,
            R::Tilde => Tok::Tilde,
            R::EqEq => Tok::EqEq,
            R::NotEq => Tok::NotEq,
            R::Identical => Tok::Identical,
            R::NotIdentical => Tok::NotIdentical,
            R::Lt => Tok::Lt,
            R::Gt => Tok::Gt,
            R::Le => Tok::Le,
            R::Ge => Tok::Ge,
            R::Spaceship => Tok::Spaceship,
            R::Find => Tok::Find,
            R::Match => Tok::Match,
            R::AndAnd => Tok::AndAnd,
            R::OrOr => Tok::OrOr,
            R::Amp => Tok::Amp,
            R::Pipe => Tok::Pipe,
            R::Caret => Tok::Caret,
            R::Shl => Tok::Shl,
            R::Assign => Tok::Assign,
            R::PlusAssign => Tok::PlusAssign,
            R::MinusAssign => Tok::MinusAssign,
            R::StarAssign => Tok::StarAssign,
            R::PercentAssign => Tok::PercentAssign,
            R::StarStarAssign => Tok::StarStarAssign,
            R::AmpAssign => Tok::AmpAssign,
            R::PipeAssign => Tok::PipeAssign,
            R::CaretAssign => Tok::CaretAssign,
            R::ShlAssign => Tok::ShlAssign,
            R::ElvisAssign => Tok::ElvisAssign,
            _ => return None,
        })
    }
}

/// The name after `$` in a string (`"$user.name"`): like an identifier, but without `$`
/// (Groovy reads `"$a$b"` as two interpolations).
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
enum NameTok {
    #[regex(r"[\p{Alphabetic}_][\p{Alphabetic}\p{M}\p{Nd}_]*")]
    Name,
}

/// Length in bytes of the `$`-free name at the start of `s` (0 if there is none).
fn name_len(s: &str) -> usize {
    let mut lex = NameTok::lexer(s);
    match lex.next() {
        Some(Ok(NameTok::Name)) if lex.span().start == 0 => lex.span().end,
        _ => 0,
    }
}

/// Whether `s` starts with a character that can start an identifier (`$` included).
fn starts_ident(s: &str) -> bool {
    s.starts_with('$') || name_len(s) > 0
}

/// Length of the line break at the start of `s` (`\r\n` is 2, `\n` or `\r` is 1, else 0).
fn line_break_len(s: &[u8]) -> usize {
    match s {
        [b'\r', b'\n', ..] => 2,
        [b'\n' | b'\r', ..] => 1,
        _ => 0,
    }
}

/// One level of the mode stack. Empty stack = top-level code.
#[derive(Clone, Copy, Debug)]
enum Frame {
    /// Inside the body of a string literal; `open` is the span of its opening delimiter.
    Str { kind: StrKind, open: (usize, usize) },
    /// Inside `${…}`: code mode, counting the braces opened since `${` (at `open`).
    Interp { depth: usize, open: usize },
}

struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    out: Vec<Spanned>,
    diags: Vec<Diagnostic>,
    stack: Vec<Frame>,
}

/// Cooked text of a string part being collected, with the raw range it came from.
struct Text {
    buf: String,
    start: Option<usize>,
}

impl Text {
    fn push_str(&mut self, at: usize, s: &str) {
        if !s.is_empty() {
            self.start.get_or_insert(at);
            self.buf.push_str(s);
        }
    }

    fn push(&mut self, at: usize, c: char) {
        self.start.get_or_insert(at);
        self.buf.push(c);
    }
}

impl<'s> Lexer<'s> {
    fn new(src: &'s str) -> Self {
        Lexer {
            src,
            pos: 0,
            out: Vec::with_capacity(src.len() / 5 + 8),
            diags: Vec::new(),
            stack: Vec::new(),
        }
    }

    fn push(&mut self, start: usize, tok: Tok, end: usize) {
        self.out.push((start, tok, end));
    }

    fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    fn run(&mut self) {
        self.pos = if self.src.starts_with('\u{FEFF}') { '\u{FEFF}'.len_utf8() } else { 0 };
        if self.rest().starts_with("#!") {
            self.skip_line_comment();
        }
        loop {
            match self.stack.last().copied() {
                Some(Frame::Str { kind, open }) => self.string_body(kind, open),
                _ if self.pos < self.src.len() => self.code_token(),
                None => break,
                Some(Frame::Interp { open, .. }) => self.unclosed_interp_at_eof(open),
            }
        }
    }

    /// Whether the previous significant token ends a value (so `/` is division).
    fn after_value(&self) -> bool {
        self.out.last().is_some_and(|(_, tok, _)| tok.ends_value())
    }

    // ---- code mode

    /// Lexes one code token (or skips one comment / continuation / run of bad characters).
    fn code_token(&mut self) {
        let base = self.pos;
        let mut lex = RawTok::lexer(self.rest());
        let Some(result) = lex.next() else {
            // Only whitespace was left.
            self.pos = self.src.len();
            return;
        };
        let (start, end) = (base + lex.span().start, base + lex.span().end);
        let Ok(raw) = result else {
            self.bad_characters();
            return;
        };
        self.pos = end;
        match raw {
            RawTok::Newline => self.push(start, Tok::Newline, end),
            RawTok::LineContinuation => {}
            RawTok::LineComment => self.skip_line_comment(),
            RawTok::BlockComment => self.block_comment(start),
            RawTok::Quote => self.open_string(StrKind::Single, start, end),
            RawTok::TripleQuote => self.open_string(StrKind::TripleSingle, start, end),
            RawTok::DoubleQuote => self.open_string(StrKind::Double, start, end),
            RawTok::TripleDoubleQuote => self.open_string(StrKind::TripleDouble, start, end),
            RawTok::Slash | RawTok::SlashAssign if !self.after_value() => {
                // `/=` here is a slashy string that starts with `=`.
                self.pos = start + 1;
                self.open_string(StrKind::Slashy, start, start + 1);
            }
            RawTok::Slash => self.push(start, Tok::Slash, end),
            RawTok::SlashAssign => self.push(start, Tok::SlashAssign, end),
            RawTok::DollarSlash if !self.after_value() => self.open_string(StrKind::DollarSlashy, start, end),
            RawTok::DollarSlash => {
                // After a value `$` is just a name (`/` is then lexed as division).
                self.pos = start + 1;
                self.push(start, Tok::Ident("$".to_string()), start + 1);
            }
            RawTok::Ident => {
                let text = &self.src[start..end];
                let tok = Tok::keyword(text).unwrap_or_else(|| Tok::Ident(text.to_string()));
                self.push(start, tok, end);
            }
            RawTok::Int | RawTok::Decimal => {
                let text = &self.src[start..end];
                self.check_number(text, start, end);
                let tok = if raw == RawTok::Int {
                    Tok::Int(text.to_string())
                } else {
                    Tok::Decimal(text.to_string())
                };
                self.push(start, tok, end);
            }
            RawTok::MethodPointer | RawTok::AttrDot => {
                if starts_ident(&self.src[end..]) {
                    let tok = if raw == RawTok::AttrDot { Tok::AttrDot } else { Tok::MethodPointer };
                    self.push(start, tok, end);
                } else {
                    // `.` alone; the `&`/`@` is lexed next.
                    self.pos = start + 1;
                    self.push(start, Tok::Dot, start + 1);
                }
            }
            RawTok::LBrace => {
                if let Some(Frame::Interp { depth, .. }) = self.stack.last_mut() {
                    *depth += 1;
                }
                self.push(start, Tok::LBrace, end);
            }
            RawTok::RBrace => match self.stack.last_mut() {
                Some(Frame::Interp { depth: 0, .. }) => {
                    // Closes `${`: back to the string body below.
                    self.stack.pop();
                    self.push(start, Tok::InterpEnd, end);
                }
                Some(Frame::Interp { depth, .. }) => {
                    *depth -= 1;
                    self.push(start, Tok::RBrace, end);
                }
                _ => self.push(start, Tok::RBrace, end),
            },
            // Every variant not handled above has a fixed token (see `every_operator`).
            other => {
                if let Some(tok) = other.simple() {
                    self.push(start, tok, end);
                }
            }
        }
    }

    /// Skips to the line break (which is lexed as a `Newline` afterwards) or the end.
    fn skip_line_comment(&mut self) {
        let rest = self.rest().as_bytes();
        let len = rest.iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(rest.len());
        self.pos += len;
    }

    /// `/* … */` starting at `start` (`pos` is after the `/*`).
    fn block_comment(&mut self, start: usize) {
        let end = match self.rest().find("*/") {
            Some(i) => self.pos + i + 2,
            None => {
                self.diags.push(
                    Diagnostic::error(codes::UNTERMINATED_COMMENT, "unterminated block comment")
                        .with_primary(Span::new(start, start + 2), "this comment is never closed")
                        .with_help("close the comment with `*/`"),
                );
                self.src.len()
            }
        };
        self.pos = end;
        // A comment over several lines still separates statements like the line break would.
        if self.src[start..end].contains(['\n', '\r']) {
            self.push(start, Tok::Newline, end);
        }
    }

    /// Reports the run of characters at `pos` (after skippable whitespace) that cannot start
    /// a token, as one diagnostic, and skips it.
    fn bad_characters(&mut self) {
        let rest = self.rest();
        let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\x0C']).len();
        let start = self.pos + skipped;
        let mut end = start;
        for (i, c) in self.src[start..].char_indices() {
            let at = start + i;
            if at > start && !is_bad_char_at(&self.src[at..]) {
                break;
            }
            end = at + c.len_utf8();
        }
        let run = &self.src[start..end];
        let first = run.chars().next().unwrap_or(' ');
        let shown: String = run.chars().take(16).map(show_char).collect();
        // Markdown-style quoting, so that a backtick can be shown too.
        let shown = if shown.contains('`') { format!("`` {shown} ``") } else { format!("`{shown}`") };
        let (message, label) = if run.chars().nth(1).is_none() {
            (format!("unexpected character {shown}"), "this character is not allowed here")
        } else {
            (format!("unexpected characters {shown}"), "these characters are not allowed here")
        };
        let mut diag = Diagnostic::error(codes::UNEXPECTED_CHARACTER, message)
            .with_primary(Span::new(start, end), label);
        if let Some(help) = bad_char_help(first) {
            diag = diag.with_help(help);
        }
        self.diags.push(diag);
        self.pos = end;
    }

    /// Checks the shape of a number literal the DFA accepted and reports malformed ones.
    fn check_number(&mut self, text: &str, start: usize, end: usize) {
        let Some(problem) = number_problem(text) else {
            return;
        };
        self.diags.push(
            Diagnostic::error(codes::MALFORMED_NUMBER, format!("malformed number `{text}`"))
                .with_primary(Span::new(start, end), problem.label)
                .with_help(problem.help),
        );
    }

    // ---- strings

    fn open_string(&mut self, kind: StrKind, start: usize, end: usize) {
        self.push(start, Tok::StrStart(kind), end);
        self.stack.push(Frame::Str { kind, open: (start, end) });
    }

    /// Scans a string body from `pos` until it closes, an `${` opens, or it is cut short.
    /// Pops its frame when the string ends; leaves it (under an `Interp` frame) for `${`.
    fn string_body(&mut self, kind: StrKind, open: (usize, usize)) {
        let src = self.src;
        let bytes = src.as_bytes();
        let single_line = matches!(kind, StrKind::Single | StrKind::Double);
        let mut text = Text { buf: String::new(), start: None };
        loop {
            // Plain text up to the next byte that may mean something (all such bytes are
            // ASCII, so this stops on char boundaries).
            let run = self.pos;
            while self.pos < bytes.len() && !is_special(kind, bytes[self.pos]) {
                self.pos += 1;
            }
            text.push_str(run, &src[run..self.pos]);

            let at = self.pos;
            let Some(&b) = bytes.get(at) else {
                self.flush_text(&mut text, at);
                self.unterminated_string(kind, open, None);
                self.close_string(at, at);
                return;
            };
            let next = bytes.get(at + 1).copied();
            match b {
                b'\n' | b'\r' if single_line => {
                    self.flush_text(&mut text, at);
                    self.unterminated_string(kind, open, None);
                    self.close_string(at, at);
                    return;
                }
                b'\n' | b'\r' => {
                    // Line breaks are kept as `\n` whatever the file uses.
                    text.push(at, '\n');
                    self.pos += line_break_len(&bytes[at..]);
                }
                b'\\' => self.escape(kind, &mut text),
                b'$' if kind == StrKind::DollarSlashy && matches!(next, Some(b'/' | b'$')) => {
                    text.push(at, if next == Some(b'/') { '/' } else { '$' });
                    self.pos += 2;
                }
                b'$' if next == Some(b'{') => {
                    self.flush_text(&mut text, at);
                    self.push(at, Tok::InterpStart, at + 2);
                    self.pos = at + 2;
                    self.stack.push(Frame::Interp { depth: 0, open: at });
                    return;
                }
                b'$' if name_len(&src[at + 1..]) > 0 => {
                    self.flush_text(&mut text, at);
                    self.name_interpolation();
                }
                b'$' => {
                    if matches!(kind, StrKind::Double | StrKind::TripleDouble) {
                        self.diags.push(
                            Diagnostic::error(
                                codes::INVALID_ESCAPE,
                                "`$` in a string must start an interpolation",
                            )
                            .with_primary(Span::new(at, at + 1), "no name or `{` after this `$`")
                            .with_help(
                                "write `\\$` for a literal dollar sign, or `${…}` around an \
                                 expression",
                            ),
                        );
                    }
                    text.push(at, '$');
                    self.pos += 1;
                }
                _ => {
                    // A quote or slash: the closing delimiter, or literal text.
                    let close = closing_delimiter(kind);
                    if src[at..].starts_with(close) {
                        self.flush_text(&mut text, at);
                        self.pos = at + close.len();
                        self.close_string(at, self.pos);
                        return;
                    }
                    text.push(at, char::from(b));
                    self.pos += 1;
                }
            }
        }
    }

    /// Emits the collected text (if any) as one `StrText` ending at `end`.
    fn flush_text(&mut self, text: &mut Text, end: usize) {
        if let Some(start) = text.start.take() {
            if !text.buf.is_empty() {
                self.push(start, Tok::StrText(std::mem::take(&mut text.buf)), end);
            }
        }
        text.buf.clear();
    }

    fn close_string(&mut self, start: usize, end: usize) {
        self.push(start, Tok::StrEnd, end);
        self.stack.pop();
    }

    /// `$name.path` inside a string (`pos` is at the `$`, which a name follows).
    fn name_interpolation(&mut self) {
        let src = self.src;
        let dollar = self.pos;
        self.push(dollar, Tok::InterpStart, dollar + 1);
        let mut at = dollar + 1;
        let len = name_len(&src[at..]);
        self.push(at, Tok::Ident(src[at..at + len].to_string()), at + len);
        at += len;
        // `.name` continues the path; a `.` not followed by a name is literal text.
        while src[at..].starts_with('.') {
            let len = name_len(&src[at + 1..]);
            if len == 0 {
                break;
            }
            self.push(at, Tok::Dot, at + 1);
            self.push(at + 1, Tok::Ident(src[at + 1..at + 1 + len].to_string()), at + 1 + len);
            at += 1 + len;
        }
        self.push(at, Tok::InterpEnd, at);
        self.pos = at;
    }

    /// A backslash in a string body (`pos` is at the `\`).
    fn escape(&mut self, kind: StrKind, text: &mut Text) {
        let src = self.src;
        let at = self.pos;
        let after = &src[at + 1..];
        // Backslash + line break continues the line in every kind of string.
        let continuation = line_break_len(after.as_bytes());
        if continuation > 0 {
            self.pos = at + 1 + continuation;
            return;
        }
        let next = after.chars().next();
        match kind {
            StrKind::Slashy | StrKind::DollarSlashy => {
                // Only `\/` is an escape (in `/…/`); other backslashes are kept as written.
                if kind == StrKind::Slashy && next == Some('/') {
                    text.push(at, '/');
                    self.pos = at + 2;
                } else {
                    text.push(at, '\\');
                    self.pos = at + 1;
                }
            }
            _ => {
                if let Some(cooked) = next.and_then(simple_escape) {
                    text.push(at, cooked);
                    self.pos = at + 2;
                    return;
                }
                match next {
                    Some('u') => self.unicode_escape(text),
                    Some('0'..='7') => {
                        let (c, len) = octal_escape(after);
                        text.push(at, c);
                        self.pos = at + 1 + len;
                    }
                    None => {
                        // At the end of the file; the string is reported as unterminated.
                        text.push(at, '\\');
                        self.pos = at + 1;
                    }
                    Some(c) => {
                        let end = at + 1 + c.len_utf8();
                        self.diags.push(
                            Diagnostic::error(
                                codes::INVALID_ESCAPE,
                                format!("invalid escape sequence `\\{}`", show_char(c)),
                            )
                            .with_primary(Span::new(at, end), "unknown escape")
                            .with_help(
                                "valid escapes are \\n \\r \\t \\b \\f \\\\ \\' \\\" \\$ and \
                                 \\uXXXX; write `\\\\` for a backslash, or use a slashy string \
                                 /…/ for a regular expression",
                            ),
                        );
                        text.push_str(at, &src[at..end]);
                        self.pos = end;
                    }
                }
            }
        }
    }

    /// `\uXXXX` (Java also allows `\uuXXXX`); a surrogate pair of escapes is one character.
    fn unicode_escape(&mut self, text: &mut Text) {
        let at = self.pos;
        let Some((code, end)) = parse_unicode_escape(self.src, at) else {
            let bytes = self.src.as_bytes();
            let mut end = at + 1;
            while bytes.get(end) == Some(&b'u') {
                end += 1;
            }
            let digits_end = end + 4;
            while end < digits_end && bytes.get(end).is_some_and(u8::is_ascii_hexdigit) {
                end += 1;
            }
            self.diags.push(
                Diagnostic::error(codes::INVALID_ESCAPE, "invalid unicode escape")
                    .with_primary(Span::new(at, end), "`\\u` needs four hexadecimal digits")
                    .with_help("write the code point with four hex digits, as in `\\u00e9`"),
            );
            text.push_str(at, &self.src[at..end]);
            self.pos = end;
            return;
        };
        let mut end = end;
        let c = if (0xD800..0xDC00).contains(&code) {
            match parse_unicode_escape(self.src, end) {
                Some((low, low_end)) if (0xDC00..0xE000).contains(&low) => {
                    end = low_end;
                    char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                }
                _ => None,
            }
        } else {
            char::from_u32(code)
        };
        // A lone surrogate cannot be held by a Rust string.
        text.push(at, c.unwrap_or(char::REPLACEMENT_CHARACTER));
        self.pos = end;
    }

    fn unterminated_string(&mut self, kind: StrKind, open: (usize, usize), interp: Option<usize>) {
        let close = closing_delimiter(kind);
        let help = match kind {
            StrKind::Single | StrKind::Double => format!(
                "close the string with `{close}` before the end of the line, \
                 or use `{close}{close}{close}` for text over several lines"
            ),
            _ => format!("close the string with `{close}` before the end of the file"),
        };
        let mut diag = Diagnostic::error(codes::UNTERMINATED_STRING, "unterminated string")
            .with_primary(Span::new(open.0, open.1), "this string is never closed");
        if let Some(at) = interp {
            diag = diag.with_secondary(Span::new(at, at + 2), "this `${` is never closed by `}`");
        }
        self.diags.push(diag.with_help(help));
    }

    /// The file ended inside `${…}`: close the interpolation and its string, zero-width.
    fn unclosed_interp_at_eof(&mut self, interp_open: usize) {
        let end = self.src.len();
        self.stack.pop();
        self.push(end, Tok::InterpEnd, end);
        if let Some(&Frame::Str { kind, open }) = self.stack.last() {
            self.unterminated_string(kind, open, Some(interp_open));
            self.close_string(end, end);
        }
    }
}

/// Whether a byte may end a plain-text run in a string body of this kind.
fn is_special(kind: StrKind, b: u8) -> bool {
    match b {
        b'\n' | b'\r' | b'\\' => true,
        b'\'' => matches!(kind, StrKind::Single | StrKind::TripleSingle),
        b'"' => matches!(kind, StrKind::Double | StrKind::TripleDouble),
        b'/' => matches!(kind, StrKind::Slashy | StrKind::DollarSlashy),
        b'$' => kind.interpolates(),
        _ => false,
    }
}

fn closing_delimiter(kind: StrKind) -> &'static str {
    match kind {
        StrKind::Single => "'",
        StrKind::Double => "\"",
        StrKind::TripleSingle => "'''",
        StrKind::TripleDouble => "\"\"\"",
        StrKind::Slashy => "/",
        StrKind::DollarSlashy => "/$",
    }
}

/// The character for `\c` in a quoted string, for the one-character escapes.
fn simple_escape(c: char) -> Option<char> {
    Some(match c {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'b' => '\u{8}',
        'f' => '\u{C}',
        '\\' | '\'' | '"' | '$' => c,
        _ => return None,
    })
}

/// Parses `\u+XXXX` at `at`: the code unit and the end offset.
fn parse_unicode_escape(src: &str, at: usize) -> Option<(u32, usize)> {
    let bytes = src.as_bytes();
    if bytes.get(at) != Some(&b'\\') || bytes.get(at + 1) != Some(&b'u') {
        return None;
    }
    let mut p = at + 1;
    while bytes.get(p) == Some(&b'u') {
        p += 1;
    }
    let digits = bytes.get(p..p + 4)?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    // All four are ASCII hex digits, so this slice is on char boundaries.
    let code = u32::from_str_radix(&src[p..p + 4], 16).ok()?;
    Some((code, p + 4))
}

/// Octal escape after the backslash (`s` starts with an octal digit): `\0`..`\377`.
fn octal_escape(s: &str) -> (char, usize) {
    let bytes = s.as_bytes();
    let max_len = if bytes[0] <= b'3' { 3 } else { 2 };
    let mut value = 0u32;
    let mut len = 0;
    while len < max_len && bytes.get(len).is_some_and(|b| (b'0'..=b'7').contains(b)) {
        value = value * 8 + u32::from(bytes[len] - b'0');
        len += 1;
    }
    (char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER), len)
}

/// Whether the character at the start of `s` cannot start any token (so it joins a run of
/// bad characters). Whitespace and line breaks end a run.
fn is_bad_char_at(s: &str) -> bool {
    if s.starts_with([' ', '\t', '\x0C', '\n', '\r']) {
        return false;
    }
    matches!(RawTok::lexer(s).next(), Some(Err(_)))
}

/// A character as shown in a message: control characters escaped.
fn show_char(c: char) -> String {
    if c.is_control() || (c.is_whitespace() && c != ' ') || c == '\u{FEFF}' {
        c.escape_default().to_string()
    } else {
        c.to_string()
    }
}

fn bad_char_help(c: char) -> Option<&'static str> {
    Some(match c {
        '#' => "comments start with `//`",
        '`' => "strings are written in `\"…\"` or `'…'`",
        '\\' => "a backslash outside a string is only allowed at the end of a line, to continue it",
        '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}' => {
            "typographic quotes are not string delimiters: use `\"` or `'`"
        }
        c if c.is_whitespace() => "an unusual space character: use a plain space or tab",
        _ => return None,
    })
}

struct NumberProblem {
    label: &'static str,
    help: &'static str,
}

/// What is wrong with a number literal accepted by the [`RawTok`] patterns, if anything.
fn number_problem(text: &str) -> Option<NumberProblem> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return None; // the common case
    }
    let bad_digits = |digits: &str| digits.is_empty() || digits.starts_with('_') || digits.ends_with('_');
    let prefix = text.get(..2).map(str::to_ascii_lowercase);
    if let Some("0x" | "0b") = prefix.as_deref() {
        let digits = text[2..].trim_end_matches(['l', 'L', 'i', 'I', 'g', 'G']);
        if digits.is_empty() {
            return Some(NumberProblem {
                label: "digits expected after the prefix",
                help: "write digits after `0x` (hexadecimal) or `0b` (binary), as in `0xFF`",
            });
        }
        return bad_digits(digits).then(underscore_problem);
    }
    // Decimal forms: strip a type suffix, then check the mantissa and exponent groups.
    let body = text.trim_end_matches(['l', 'L', 'i', 'I', 'g', 'G', 'd', 'D', 'f', 'F']);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.trim_start_matches(['+', '-']))),
        None => (body, None),
    };
    if exponent.is_some_and(|exp| !exp.starts_with(|c: char| c.is_ascii_digit())) {
        return Some(NumberProblem {
            label: "exponent digits expected",
            help: "write the exponent's digits after `e`, as in `1e5`",
        });
    }
    mantissa.split('.').chain(exponent).any(bad_digits).then(underscore_problem)
}

fn underscore_problem() -> NumberProblem {
    NumberProblem {
        label: "`_` may only stand between digits",
        help: "remove the `_` at the start or end of the digits, as in `1_000`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens rendered compactly, space-separated: punctuation and keywords as written,
    /// `Ident(x)`, `Int(1)`, `Dec(1.5)`, `Str(Double)`, `Text("…")`, `End`, `IS`/`IE`
    /// (interpolation start/end), `NL`.
    fn render(tok: &Tok) -> String {
        match tok {
            Tok::Ident(s) => format!("Ident({s})"),
            Tok::Int(s) => format!("Int({s})"),
            Tok::Decimal(s) => format!("Dec({s})"),
            Tok::StrStart(kind) => format!("Str({kind:?})"),
            Tok::StrText(s) => format!("Text({s:?})"),
            Tok::StrEnd => "End".to_string(),
            Tok::InterpStart => "IS".to_string(),
            Tok::InterpEnd => "IE".to_string(),
            Tok::Newline => "NL".to_string(),
            other => other.text().to_string(),
        }
    }

    /// Lexes, checks the span invariants, and renders the tokens.
    fn lex_checked(src: &str) -> (String, Vec<Diagnostic>) {
        let (toks, diags) = lex(src);
        check_invariants(src, &toks, &diags);
        let rendered: Vec<String> = toks.iter().map(|(_, t, _)| render(t)).collect();
        (rendered.join(" "), diags)
    }

    /// The rendered tokens of a source that must lex without diagnostics.
    fn kinds(src: &str) -> String {
        let (rendered, diags) = lex_checked(src);
        assert!(diags.is_empty(), "unexpected diagnostics for {src:?}: {diags:#?}");
        rendered
    }

    /// The codes of the diagnostics of a source.
    fn codes_of(src: &str) -> Vec<&'static str> {
        lex_checked(src).1.iter().map(|d| d.code.as_str()).collect()
    }

    fn check_invariants(src: &str, toks: &[Spanned], diags: &[Diagnostic]) {
        let mut last_end = 0;
        let mut open = Vec::new();
        for (start, tok, end) in toks {
            assert!(start <= end, "reversed span {start}..{end} for {tok:?} in {src:?}");
            assert!(*end <= src.len(), "span past the end for {tok:?} in {src:?}");
            assert!(*start >= last_end, "overlapping or unordered {tok:?} at {start} in {src:?}");
            assert!(src.is_char_boundary(*start) && src.is_char_boundary(*end), "{src:?}");
            match tok {
                Tok::StrText(text) => assert!(!text.is_empty(), "empty StrText in {src:?}"),
                Tok::StrStart(_) | Tok::InterpStart => open.push(tok),
                Tok::StrEnd => assert!(matches!(open.pop(), Some(Tok::StrStart(_))), "{src:?}"),
                Tok::InterpEnd => assert_eq!(open.pop(), Some(&Tok::InterpStart), "{src:?}"),
                _ => {}
            }
            last_end = *end;
        }
        assert!(open.is_empty(), "unbalanced strings or interpolations in {src:?}");
        for diag in diags {
            for label in &diag.labels {
                let (s, e) = (label.span.start as usize, label.span.end as usize);
                assert!(s <= e && e <= src.len(), "diagnostic span out of bounds in {src:?}");
                assert!(src.is_char_boundary(s) && src.is_char_boundary(e), "{src:?}");
            }
        }
    }

    #[test]
    fn empty_and_whitespace() {
        assert_eq!(kinds(""), "");
        assert_eq!(kinds("  \t\x0C "), "");
        assert_eq!(kinds("\u{FEFF}a"), "Ident(a)");
    }

    #[test]
    fn every_operator() {
        let ops = "( ) [ ] { } , ; : . ?. *. ?[ -> @ ? ?: .. ..< ... *: + - * / % ** ++ -- ! ~ \
                   == != === !== < > <= >= <=> =~ ==~ && || & | ^ << = += -= *= /= %= **= &= \
                   |= ^= <<= ?=";
        // `a` before the slashes makes them division.
        let src = ops.replace(" / ", " a / ").replace(" /= ", " a /= ");
        let expected = ops.replace(" / ", " Ident(a) / ").replace(" /= ", " Ident(a) /= ");
        assert_eq!(kinds(&src), expected);
        assert_eq!(kinds("a.&b"), "Ident(a) .& Ident(b)");
        assert_eq!(kinds("a.@b"), "Ident(a) .@ Ident(b)");
        assert_eq!(kinds("a.&$b"), "Ident(a) .& Ident($b)");
    }

    #[test]
    fn longest_match_without_spaces() {
        assert_eq!(kinds("a<=>b"), "Ident(a) <=> Ident(b)");
        assert_eq!(kinds("a<<=b"), "Ident(a) <<= Ident(b)");
        assert_eq!(kinds("a**=b"), "Ident(a) **= Ident(b)");
        assert_eq!(kinds("a==~b"), "Ident(a) ==~ Ident(b)");
        assert_eq!(kinds("a!==b"), "Ident(a) !== Ident(b)");
        assert_eq!(kinds("a?.b?[0]?:c"), "Ident(a) ?. Ident(b) ?[ Int(0) ] ?: Ident(c)");
        assert_eq!(kinds("x*.y"), "Ident(x) *. Ident(y)");
        assert_eq!(kinds("[*:m]"), "[ *: Ident(m) ]");
        assert_eq!(kinds("a++-->b"), "Ident(a) ++ -- > Ident(b)");
        assert_eq!(kinds("{ a -> a }"), "{ Ident(a) -> Ident(a) }");
    }

    #[test]
    fn method_pointer_and_attr_need_a_name() {
        assert_eq!(kinds("a.&&b"), "Ident(a) . && Ident(b)");
        assert_eq!(kinds("a.& b"), "Ident(a) . & Ident(b)");
        assert_eq!(kinds("a.@ b"), "Ident(a) . @ Ident(b)");
    }

    #[test]
    fn greater_than_is_never_joined() {
        assert_eq!(kinds("a >> b"), "Ident(a) > > Ident(b)");
        assert_eq!(kinds("a >>> b"), "Ident(a) > > > Ident(b)");
        assert_eq!(kinds("a >>= b"), "Ident(a) > >= Ident(b)");
        assert_eq!(kinds("List<List<String>> x"), "Ident(List) < Ident(List) < Ident(String) > > Ident(x)");
    }

    #[test]
    fn not_in_and_not_instanceof_are_two_tokens() {
        assert_eq!(kinds("a !in b"), "Ident(a) ! in Ident(b)");
        assert_eq!(kinds("a !instanceof B"), "Ident(a) ! instanceof Ident(B)");
        assert_eq!(kinds("!index"), "! Ident(index)");
    }

    #[test]
    fn keywords_and_identifiers() {
        assert_eq!(kinds("if else true false null"), "if else true false null");
        assert_eq!(
            kinds("it platform int var Await$ MODULE$ _ $x $ é _a1 x2$"),
            "Ident(it) Ident(platform) Ident(int) Ident(var) Ident(Await$) Ident(MODULE$) \
             Ident(_) Ident($x) Ident($) Ident(é) Ident(_a1) Ident(x2$)"
        );
        assert_eq!(kinds("classes ifx"), "Ident(classes) Ident(ifx)");
        assert_eq!(kinds("def x = new Foo()"), "def Ident(x) = new Ident(Foo) ( )");
        assert_eq!(kinds("straße 名前"), "Ident(straße) Ident(名前)");
    }

    #[test]
    fn numbers() {
        assert_eq!(kinds("42.toString()"), "Int(42) . Ident(toString) ( )");
        assert_eq!(kinds("1..3"), "Int(1) .. Int(3)");
        assert_eq!(kinds("1..<3"), "Int(1) ..< Int(3)");
        assert_eq!(kinds("1.5e3"), "Dec(1.5e3)");
        assert_eq!(
            kinds("0xFF 0b1010 10L 1_000 7i 9G"),
            "Int(0xFF) Int(0b1010) Int(10L) Int(1_000) Int(7i) Int(9G)"
        );
        assert_eq!(
            kinds("1.5 2e3 2E-3 1.5f 3d 2.5G 1e+10d 0.1"),
            "Dec(1.5) Dec(2e3) Dec(2E-3) Dec(1.5f) Dec(3d) Dec(2.5G) Dec(1e+10d) Dec(0.1)"
        );
        assert_eq!(kinds("1.e5"), "Int(1) . Ident(e5)");
        assert_eq!(kinds("x[1]"), "Ident(x) [ Int(1) ]");
        assert_eq!(kinds("-5"), "- Int(5)");
        assert_eq!(kinds("1.5.abs()"), "Dec(1.5) . Ident(abs) ( )");
    }

    #[test]
    fn malformed_numbers() {
        for src in ["0x", "1e", "1_", "0x_1", "1.5e+", "0b", "1_.5", "1.5_"] {
            let (toks, diags) = lex(src);
            assert_eq!(diags.len(), 1, "{src}: {diags:?}");
            assert_eq!(diags[0].code, codes::MALFORMED_NUMBER, "{src}");
            assert!(matches!(&toks[0].1, Tok::Int(t) | Tok::Decimal(t) if t == src), "{src}: {toks:?}");
        }
    }

    #[test]
    fn single_and_triple_single_strings() {
        assert_eq!(kinds("'a$b'"), r#"Str(Single) Text("a$b") End"#);
        assert_eq!(kinds("''"), "Str(Single) End");
        assert_eq!(kinds("'''a\nb'''"), r#"Str(TripleSingle) Text("a\nb") End"#);
        assert_eq!(kinds("'''a\r\nb'''"), r#"Str(TripleSingle) Text("a\nb") End"#);
        assert_eq!(kinds("'''it's'''"), r#"Str(TripleSingle) Text("it's") End"#);
        assert_eq!(kinds("'''a\\\nb'''"), r#"Str(TripleSingle) Text("ab") End"#);
        assert_eq!(kinds("'a\\'b'"), r#"Str(Single) Text("a'b") End"#);
        assert_eq!(kinds("'\\$'"), r#"Str(Single) Text("$") End"#);
    }

    #[test]
    fn double_strings_and_escapes() {
        assert_eq!(kinds(r#""""#), "Str(Double) End");
        assert_eq!(kinds(r#""\n\r\t\b\f\\\'\"\$""#), r#"Str(Double) Text("\n\r\t\u{8}\u{c}\\'\"$") End"#);
        assert_eq!(kinds(r#""\u0041\uu00e9\uD83D\uDE00""#), r#"Str(Double) Text("Aé😀") End"#);
        assert_eq!(kinds(r#""\101\7x\400\08""#), "Str(Double) Text(\"A\\u{7}x 0\\08\") End");
        assert_eq!(
            kinds("\"\"\"a \"quoted\" b\n\"\"\""),
            r#"Str(TripleDouble) Text("a \"quoted\" b\n") End"#
        );
        assert_eq!(kinds("\"a\\\nb\""), r#"Str(Double) Text("ab") End"#);
    }

    #[test]
    fn string_text_spans_cover_the_raw_text() {
        let src = r#"x = "a\tb${c}d""#;
        let (toks, _) = lex(src);
        let texts: Vec<&str> = toks
            .iter()
            .filter(|(_, t, _)| matches!(t, Tok::StrText(_)))
            .map(|(s, _, e)| &src[*s..*e])
            .collect();
        assert_eq!(texts, [r"a\tb", "d"]);
        let delims: Vec<&str> = toks
            .iter()
            .filter(|(_, t, _)| {
                matches!(t, Tok::StrStart(_) | Tok::StrEnd | Tok::InterpStart | Tok::InterpEnd)
            })
            .map(|(s, _, e)| &src[*s..*e])
            .collect();
        assert_eq!(delims, ["\"", "${", "}", "\""]);
    }

    #[test]
    fn invalid_escapes() {
        let (rendered, diags) = lex_checked(r#""\d+" x"#);
        assert_eq!(rendered, r#"Str(Double) Text("\\d+") End Ident(x)"#);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, codes::INVALID_ESCAPE);
        assert_eq!(diags[0].primary_span(), Some(Span::new(1, 3)));
        assert_eq!(codes_of(r#""\u12" "\uXYZW" "\é""#), ["E0005", "E0005", "E0005"]);
        assert_eq!(codes_of(r#""a $ b" "a$" "$1""#), ["E0005", "E0005", "E0005"]);
        let (rendered, _) = lex_checked(r#""a $ b""#);
        assert_eq!(rendered, r#"Str(Double) Text("a $ b") End"#);
    }

    #[test]
    fn interpolation() {
        assert_eq!(kinds(r#""Sum: ${2 + 3}""#), r#"Str(Double) Text("Sum: ") IS Int(2) + Int(3) IE End"#);
        assert_eq!(kinds(r#""${}""#), "Str(Double) IS IE End");
        assert_eq!(kinds(r#""$a.b.c""#), "Str(Double) IS Ident(a) . Ident(b) . Ident(c) IE End");
        assert_eq!(kinds(r#""$a.""#), r#"Str(Double) IS Ident(a) IE Text(".") End"#);
        assert_eq!(kinds(r#""$a.b()""#), r#"Str(Double) IS Ident(a) . Ident(b) IE Text("()") End"#);
        assert_eq!(kinds(r#""$a$b""#), "Str(Double) IS Ident(a) IE IS Ident(b) IE End");
        assert_eq!(kinds(r#""$a.1""#), r#"Str(Double) IS Ident(a) IE Text(".1") End"#);
        assert_eq!(kinds(r#""x $_y z""#), r#"Str(Double) Text("x ") IS Ident(_y) IE Text(" z") End"#);
        assert_eq!(
            kinds("\"\"\"a\n${x}\n\"\"\""),
            r#"Str(TripleDouble) Text("a\n") IS Ident(x) IE Text("\n") End"#
        );
    }

    #[test]
    fn nested_interpolation_with_closures_and_strings() {
        assert_eq!(
            kinds(r#""a ${m.collect { "<${it}>" }.join(",")} b""#),
            r#"Str(Double) Text("a ") IS Ident(m) . Ident(collect) { Str(Double) Text("<") IS Ident(it) IE Text(">") End } . Ident(join) ( Str(Double) Text(",") End ) IE Text(" b") End"#
        );
        assert_eq!(
            kinds("\"${ [a: 1].collect { k, v -> '''x''' + /y/ } /* c */ }\""),
            r#"Str(Double) IS [ Ident(a) : Int(1) ] . Ident(collect) { Ident(k) , Ident(v) -> Str(TripleSingle) Text("x") End + Str(Slashy) Text("y") End } IE End"#
        );
        // A line break inside `${…}` of a one-line string is allowed.
        assert_eq!(kinds("\"${a +\nb}\""), "Str(Double) IS Ident(a) + NL Ident(b) IE End");
        assert_eq!(kinds("\"${a // c\n}\""), "Str(Double) IS Ident(a) NL IE End");
    }

    #[test]
    fn slashy_strings() {
        assert_eq!(kinds(r"x = /ab+c/"), r#"Ident(x) = Str(Slashy) Text("ab+c") End"#);
        assert_eq!(kinds(r"s ==~ /\d+/"), r#"Ident(s) ==~ Str(Slashy) Text("\\d+") End"#);
        assert_eq!(
            kinds(r#"replaceAll(/\s+/, " ")"#),
            r#"Ident(replaceAll) ( Str(Slashy) Text("\\s+") End , Str(Double) Text(" ") End )"#
        );
        assert_eq!(kinds("case ~/foo/:"), r#"case ~ Str(Slashy) Text("foo") End :"#);
        assert_eq!(kinds("[/a/, /b/]"), r#"[ Str(Slashy) Text("a") End , Str(Slashy) Text("b") End ]"#);
        assert_eq!(kinds("x\n/y/"), r#"Ident(x) NL Str(Slashy) Text("y") End"#);
        assert_eq!(kinds(r"/a\/b/"), r#"Str(Slashy) Text("a/b") End"#);
        assert_eq!(kinds("/a\nb/"), r#"Str(Slashy) Text("a\nb") End"#);
        assert_eq!(kinds("/a\\\nb/"), r#"Str(Slashy) Text("ab") End"#);
        assert_eq!(kinds(r"/a$/"), r#"Str(Slashy) Text("a$") End"#);
        assert_eq!(kinds(r"/a$ 1/"), r#"Str(Slashy) Text("a$ 1") End"#);
        assert_eq!(kinds(r"/a\$b/"), r#"Str(Slashy) Text("a\\") IS Ident(b) IE End"#);
        assert_eq!(kinds(r"/${x}y/"), r#"Str(Slashy) IS Ident(x) IE Text("y") End"#);
        assert_eq!(kinds("x =~ /=a/"), r#"Ident(x) =~ Str(Slashy) Text("=a") End"#);
    }

    #[test]
    fn division() {
        for src in ["a / b", "a/b", "(a)/2", "x[0] / 2", "\"s\" / 2", "a++ / 2", "1/2/3", "this/2"] {
            let (rendered, diags) = lex_checked(src);
            assert!(diags.is_empty(), "{src}");
            assert!(rendered.contains(" / ") && !rendered.contains("Slashy"), "{src}: {rendered}");
        }
        assert_eq!(kinds("a /= 2"), "Ident(a) /= Int(2)");
        assert_eq!(kinds("a /* c */ / b"), "Ident(a) / Ident(b)");
        assert_eq!(kinds("a // c"), "Ident(a)");
    }

    #[test]
    fn dollar_slashy_strings() {
        assert_eq!(kinds(r"x = $/a/b\d$$ $/ /$"), r#"Ident(x) = Str(DollarSlashy) Text("a/b\\d$ / ") End"#);
        assert_eq!(kinds("$/${x}$y/$"), "Str(DollarSlashy) IS Ident(x) IE IS Ident(y) IE End");
        assert_eq!(kinds("$/a\nb/$"), r#"Str(DollarSlashy) Text("a\nb") End"#);
        // After a value, `$` is a name and `/` division.
        assert_eq!(kinds("a $/ 2"), "Ident(a) Ident($) / Int(2)");
    }

    #[test]
    fn comments_and_newlines() {
        assert_eq!(kinds("a\nb"), "Ident(a) NL Ident(b)");
        assert_eq!(kinds("a\r\nb\rc"), "Ident(a) NL Ident(b) NL Ident(c)");
        assert_eq!(kinds("a // x\nb"), "Ident(a) NL Ident(b)");
        assert_eq!(kinds("a /* x */ b"), "Ident(a) Ident(b)");
        assert_eq!(kinds("a /* x\n y */ b"), "Ident(a) NL Ident(b)");
        assert_eq!(kinds("a \\\n+ b"), "Ident(a) + Ident(b)");
        assert_eq!(kinds("a \\\r\n+ b"), "Ident(a) + Ident(b)");
        assert_eq!(kinds("#!/usr/bin/env groovy\nx"), "NL Ident(x)");
        let (toks, _) = lex("a /* x\n y */ b");
        assert_eq!((toks[1].0, toks[1].2), (2, 12));
        let (toks, _) = lex("a\r\nb");
        assert_eq!((toks[1].0, toks[1].2), (1, 3));
    }

    #[test]
    fn unterminated_comment() {
        let (rendered, diags) = lex_checked("a /* b\nc");
        assert_eq!(rendered, "Ident(a) NL");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, codes::UNTERMINATED_COMMENT);
        assert_eq!(diags[0].primary_span(), Some(Span::new(2, 4)));
    }

    #[test]
    fn unterminated_one_line_string_recovers_on_next_line() {
        let src = "platform freshdesk\nincoming {\n    if (firstSync) {\n        entity.summary = \"unterminated\n    entity.description = replica.description)\n}\n";
        let (rendered, diags) = lex_checked(src);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].code, codes::UNTERMINATED_STRING);
        let quote = src.find('"').unwrap();
        assert_eq!(diags[0].primary_span(), Some(Span::new(quote, quote + 1)));
        assert!(diags[0].help.as_deref().unwrap().contains("\"\"\""));
        assert!(rendered.contains(
            r#"Str(Double) Text("unterminated") End NL Ident(entity) . Ident(description) = Ident(replica) . Ident(description) ) NL } NL"#
        ), "{rendered}");
        // The StrEnd is zero-width at the line break.
        let (toks, _) = lex(src);
        let end = toks.iter().find(|(_, t, _)| *t == Tok::StrEnd).unwrap();
        assert_eq!(
            (end.0, end.2),
            (src.find("unterminated\n").unwrap() + 12, src.find("unterminated\n").unwrap() + 12)
        );
    }

    #[test]
    fn unterminated_strings_at_eof() {
        assert_eq!(lex_checked("\"").0, "Str(Double) End");
        assert_eq!(codes_of("'abc"), ["E0003"]);
        assert_eq!(codes_of("'''abc\n"), ["E0003"]);
        assert_eq!(codes_of("x = /abc"), ["E0003"]);
        assert_eq!(codes_of("$/abc/"), ["E0003"]);
        assert_eq!(codes_of("\"abc\\"), ["E0003"]);
        let (rendered, diags) = lex_checked("\"${");
        assert_eq!(rendered, "Str(Double) IS IE End");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].primary_span(), Some(Span::new(0, 1)));
        assert_eq!(lex_checked("\"${\"${\"${").1.len(), 3);
        assert_eq!(lex_checked("\"${ {").0, "Str(Double) IS { IE End");
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let src = "\"${".repeat(100_000);
        let (toks, diags) = lex(&src);
        assert_eq!(toks.len(), 400_000);
        assert_eq!(diags.len(), 100_000);
        let closed = format!("{}x{}", "\"${".repeat(50_000), "}\"".repeat(50_000));
        let (toks, diags) = lex(&closed);
        assert!(diags.is_empty());
        assert_eq!(toks.len(), 200_001);
    }

    #[test]
    fn unexpected_characters() {
        let (rendered, diags) = lex_checked("a # b ` c ## d \\ e \u{0}\u{1b}");
        assert_eq!(rendered, "Ident(a) Ident(b) Ident(c) Ident(d) Ident(e)");
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unexpected character `#`",
                "unexpected character `` ` ``",
                "unexpected characters `##`",
                "unexpected character `\\`",
                "unexpected characters `\\u{0}\\u{1b}`",
            ]
        );
        assert!(diags.iter().all(|d| d.code == codes::UNEXPECTED_CHARACTER));
        assert_eq!(diags[0].primary_span(), Some(Span::new(2, 3)));
        assert_eq!(codes_of("x = \u{201C}hi\u{201D}"), ["E0002", "E0002"]);
        let (rendered, diags) = lex_checked("a\u{A0}= 1");
        assert_eq!(rendered, "Ident(a) = Int(1)");
        assert_eq!(diags[0].message, "unexpected character `\\u{a0}`");
    }

    #[test]
    fn corpus_files_lex_cleanly() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus =
            ["../shared/corpus", "../../shared/corpus"].iter().map(|p| root.join(p)).find(|p| p.is_dir());
        let Some(corpus) = corpus else { return };
        let mut count = 0;
        for dir in ["rules", "scripts"] {
            let Ok(entries) = std::fs::read_dir(corpus.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let src = std::fs::read_to_string(entry.path()).unwrap();
                let (_, diags) = lex_checked(&src);
                assert!(diags.is_empty(), "{}: {diags:#?}", entry.path().display());
                count += 1;
            }
        }
        if let Ok(tsv) = std::fs::read_to_string(corpus.join("groovy/expected.tsv")) {
            for line in tsv.lines() {
                let snippet = line.split('\t').next().unwrap_or("");
                let (_, diags) = lex_checked(snippet);
                assert!(diags.is_empty(), "{snippet}: {diags:#?}");
            }
        }
        assert!(count > 0);
    }

    const SAMPLE: &str = "platform freshdesk\n\
        outgoing {\n\
        \x20   replica.summary = entity.summary?.trim() ?: \"(none)\"\n\
        \x20   def tags = entity.tags.findAll { it ==~ /\\w+/ }.collect { \"#${it}\" }\n\
        \x20   replica.x = $/a$$b/$ + '''t\n\
        x''' + \"\"\"${a.b { \"${c}\" }}\\u00e9\"\"\" /* c\n*/ // d\n\
        \x20   if (x !in [1, 2.5e3, 0xFF] && y >>= 3) { z = a / 2 }\n\
        \x20   List<Map<String, Integer>> m = [:] ; é = \"$a.b.c\" \\\n\
        }\n";

    #[test]
    fn sample_lexes_cleanly() {
        assert!(lex(SAMPLE).1.is_empty(), "{:#?}", lex(SAMPLE).1);
    }

    #[test]
    fn no_panic_on_prefixes_and_mutations() {
        for (i, _) in SAMPLE.char_indices() {
            let (toks, diags) = lex(&SAMPLE[..i]);
            check_invariants(&SAMPLE[..i], &toks, &diags);
            let (toks, diags) = lex(&SAMPLE[i..]);
            check_invariants(&SAMPLE[i..], &toks, &diags);
        }
        // Byte-level mutations (deterministic pseudo-random), made valid UTF-8 lossily.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let interesting = b"\"'/\\${}\n\r*#`\x00\xff\xe9.?!<>=u0";
        for _ in 0..3000 {
            let mut bytes = SAMPLE.as_bytes().to_vec();
            for _ in 0..(next() % 4 + 1) {
                let at = (next() as usize) % bytes.len();
                let b = interesting[(next() as usize) % interesting.len()];
                match next() % 3 {
                    0 => bytes[at] = b,
                    1 => bytes.insert(at, b),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            let src = String::from_utf8_lossy(&bytes);
            let (toks, diags) = lex(&src);
            check_invariants(&src, &toks, &diags);
        }
        for src in [
            "/", "$", "$/", "'''", "\"\"\"", "\r", "\\", "\"\\u", "\"\\", "\"$", "/$", "0x", ".&", "${", "}",
            "\"${\"}", "\u{FEFF}", "#!",
        ] {
            let (toks, diags) = lex(src);
            check_invariants(src, &toks, &diags);
        }
    }
}
