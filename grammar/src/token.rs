//! Tokens shared by the lexer (`lexer.rs`), the layout pass (`layout.rs`) and the grammar.
//!
//! Lexing happens in two stages. The *raw* lexer turns text into tokens, including one
//! [`Tok::Newline`] per line break and structured string tokens. The *layout* pass then
//! applies Groovy's newline rules (which newlines end a statement), merges separators into
//! [`Tok::Sep`] and inserts the few marker tokens that let an LR(1) grammar parse Groovy
//! without backtracking (declarations, casts, generics, closures with parameters).

use std::fmt;

/// A token with its byte span `[start, end)` in the source, as lalrpop wants it.
pub type Spanned = (usize, Tok, usize);

/// Which kind of string literal a [`Tok::StrStart`] opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrKind {
    /// `'…'` — no interpolation, one line.
    Single,
    /// `"…"` — interpolated, one line.
    Double,
    /// `'''…'''` — no interpolation, several lines.
    TripleSingle,
    /// `"""…"""` — interpolated, several lines.
    TripleDouble,
    /// `/…/` — interpolated, several lines, only `\/` is an escape.
    Slashy,
    /// `$/…/$` — interpolated, several lines, `$/` and `$$` are escapes.
    DollarSlashy,
}

impl StrKind {
    /// Whether `$` starts an interpolation in this kind of string.
    pub fn interpolates(self) -> bool {
        !matches!(self, StrKind::Single | StrKind::TripleSingle)
    }
}

/// Every token the grammar sees.
///
/// Raw lexer output uses everything up to and including `Newline`; the tokens after the
/// `// ---- layout` line are produced only by the layout pass.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    // ---- names and literals
    /// An identifier: letters, digits, `_` and `$` (`Await$`, `_`, `it`).
    /// Contextual words (`platform`, `trigger`, …) arrive as identifiers from the raw lexer.
    Ident(String),
    /// An integer literal as written, underscores and suffix included (`1_000`, `0xFF`, `10L`).
    Int(String),
    /// A decimal literal as written (`1.5`, `2e3`, `1.5f`, `3d`).
    Decimal(String),

    // ---- strings: every literal is StrStart, then StrText / interpolations, then StrEnd
    /// Opening delimiter; the span covers the delimiter (`"`, `'''`, `/`, `$/`).
    StrStart(StrKind),
    /// Literal text with escapes already processed. Never empty.
    StrText(String),
    /// Start of an interpolation: `${` (span covers it) or the `$` of `$name.path`.
    InterpStart,
    /// End of an interpolation: the `}` of `${…}`, or zero-width after `$name.path`.
    InterpEnd,
    /// Closing delimiter (zero-width at the end of the line or file when unterminated).
    StrEnd,

    // ---- keywords
    KwAs,
    KwAssert,
    KwBreak,
    KwCase,
    KwCatch,
    KwClass,
    KwContinue,
    KwDef,
    KwDefault,
    KwDo,
    KwElse,
    KwEnum,
    KwExtends,
    KwFalse,
    KwFinally,
    KwFor,
    KwIf,
    KwImplements,
    KwImport,
    KwIn,
    KwInstanceof,
    KwInterface,
    KwNew,
    KwNull,
    KwPackage,
    KwReturn,
    KwSuper,
    KwSwitch,
    KwThis,
    KwThrow,
    KwThrows,
    KwTrait,
    KwTrue,
    KwTry,
    KwWhile,
    // modifiers
    KwAbstract,
    KwFinal,
    KwNative,
    KwPrivate,
    KwProtected,
    KwPublic,
    KwStatic,
    KwStrictfp,
    KwSynchronized,
    KwTransient,
    KwVolatile,

    // ---- punctuation
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Semi,
    Colon,
    /// `.`
    Dot,
    /// `?.`
    SafeDot,
    /// `*.`
    SpreadDot,
    /// `.&` (method pointer)
    MethodPointer,
    /// `.@` (direct field access)
    AttrDot,
    /// `?[`
    SafeIndex,
    /// `->`
    Arrow,
    /// `@`
    At,
    /// `?`
    Question,
    /// `?:`
    Elvis,
    /// `..`
    DotDot,
    /// `..<`
    DotDotLt,
    /// `...` (varargs)
    Ellipsis,
    /// `*:` (spread map entry)
    SpreadMap,

    // ---- operators
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    StarStar,
    Inc,
    Dec,
    Not,
    Tilde,
    EqEq,
    NotEq,
    /// `===`
    Identical,
    /// `!==`
    NotIdentical,
    Lt,
    /// `>`; the raw lexer never produces `>>`, the layout pass marks adjacent ones.
    Gt,
    Le,
    Ge,
    /// `<=>`
    Spaceship,
    /// `=~`
    Find,
    /// `==~`
    Match,
    AndAnd,
    OrOr,
    Amp,
    Pipe,
    Caret,
    /// `<<`
    Shl,
    Assign,
    PlusAssign,
    MinusAssign,
    StarAssign,
    SlashAssign,
    PercentAssign,
    StarStarAssign,
    AmpAssign,
    PipeAssign,
    CaretAssign,
    ShlAssign,
    /// `?=` (Groovy 3 Elvis assignment)
    ElvisAssign,

    /// One line break outside strings and comments (raw lexer only).
    Newline,

    // ---- layout: produced by the layout pass only
    /// End of a statement: a run of newlines and `;` at statement level.
    Sep,
    /// Zero-width: a declaration with an explicit type starts here (`String s = …`).
    DeclMark,
    /// Zero-width: a command call without parentheses starts here (`println "x"`).
    CommandMark,
    /// `(` that opens a C-style cast (`(String) x`).
    CastParen,
    /// `(` of a `for (x in xs)` header (as opposed to `for (;;)`).
    ForInParen,
    /// `<` that opens type arguments (`Map<String, Object>`).
    TypeLt,
    /// `>` immediately followed by another `>` (so `>>` is `GtJoined Gt`).
    GtJoined,
    /// `{` that opens a closure without a parameter list.
    ClosureOpen,
    /// `{` that opens a closure whose parameter list ends in `->`.
    ClosureParamsOpen,
    /// `>>=` (three adjacent raw tokens `>` `>=`).
    ShrAssign,
    /// `>>>=`
    UShrAssign,
    /// `[]`: an empty list, or array dimensions in a type (`String[]`).
    Brackets,
    /// `!in`
    NotIn,
    /// `!instanceof`
    NotInstanceof,
    // contextual keywords of `.sync` files
    KwPlatform,
    KwTrigger,
    KwOutgoing,
    KwIncoming,
    KwTest,
    KwGiven,
    KwExpect,
}

impl Tok {
    /// The keyword for an identifier-shaped word, if it is one.
    pub fn keyword(word: &str) -> Option<Tok> {
        Some(match word {
            "as" => Tok::KwAs,
            "assert" => Tok::KwAssert,
            "break" => Tok::KwBreak,
            "case" => Tok::KwCase,
            "catch" => Tok::KwCatch,
            "class" => Tok::KwClass,
            "continue" => Tok::KwContinue,
            "def" => Tok::KwDef,
            "default" => Tok::KwDefault,
            "do" => Tok::KwDo,
            "else" => Tok::KwElse,
            "enum" => Tok::KwEnum,
            "extends" => Tok::KwExtends,
            "false" => Tok::KwFalse,
            "finally" => Tok::KwFinally,
            "for" => Tok::KwFor,
            "if" => Tok::KwIf,
            "implements" => Tok::KwImplements,
            "import" => Tok::KwImport,
            "in" => Tok::KwIn,
            "instanceof" => Tok::KwInstanceof,
            "interface" => Tok::KwInterface,
            "new" => Tok::KwNew,
            "null" => Tok::KwNull,
            "package" => Tok::KwPackage,
            "return" => Tok::KwReturn,
            "super" => Tok::KwSuper,
            "switch" => Tok::KwSwitch,
            "this" => Tok::KwThis,
            "throw" => Tok::KwThrow,
            "throws" => Tok::KwThrows,
            "trait" => Tok::KwTrait,
            "true" => Tok::KwTrue,
            "try" => Tok::KwTry,
            "while" => Tok::KwWhile,
            "abstract" => Tok::KwAbstract,
            "final" => Tok::KwFinal,
            "native" => Tok::KwNative,
            "private" => Tok::KwPrivate,
            "protected" => Tok::KwProtected,
            "public" => Tok::KwPublic,
            "static" => Tok::KwStatic,
            "strictfp" => Tok::KwStrictfp,
            "synchronized" => Tok::KwSynchronized,
            "transient" => Tok::KwTransient,
            "volatile" => Tok::KwVolatile,
            _ => return None,
        })
    }

    /// The source spelling of a keyword token (used for property names such as `x.class`
    /// and map keys such as `[in: 1]`, where Groovy lets keywords stand as names).
    pub fn keyword_text(&self) -> Option<&'static str> {
        Some(match self {
            Tok::KwAs => "as",
            Tok::KwAssert => "assert",
            Tok::KwBreak => "break",
            Tok::KwCase => "case",
            Tok::KwCatch => "catch",
            Tok::KwClass => "class",
            Tok::KwContinue => "continue",
            Tok::KwDef => "def",
            Tok::KwDefault => "default",
            Tok::KwDo => "do",
            Tok::KwElse => "else",
            Tok::KwEnum => "enum",
            Tok::KwExtends => "extends",
            Tok::KwFalse => "false",
            Tok::KwFinally => "finally",
            Tok::KwFor => "for",
            Tok::KwIf => "if",
            Tok::KwImplements => "implements",
            Tok::KwImport => "import",
            Tok::KwIn => "in",
            Tok::KwInstanceof => "instanceof",
            Tok::KwInterface => "interface",
            Tok::KwNew => "new",
            Tok::KwNull => "null",
            Tok::KwPackage => "package",
            Tok::KwReturn => "return",
            Tok::KwSuper => "super",
            Tok::KwSwitch => "switch",
            Tok::KwThis => "this",
            Tok::KwThrow => "throw",
            Tok::KwThrows => "throws",
            Tok::KwTrait => "trait",
            Tok::KwTrue => "true",
            Tok::KwTry => "try",
            Tok::KwWhile => "while",
            Tok::KwAbstract => "abstract",
            Tok::KwFinal => "final",
            Tok::KwNative => "native",
            Tok::KwPrivate => "private",
            Tok::KwProtected => "protected",
            Tok::KwPublic => "public",
            Tok::KwStatic => "static",
            Tok::KwStrictfp => "strictfp",
            Tok::KwSynchronized => "synchronized",
            Tok::KwTransient => "transient",
            Tok::KwVolatile => "volatile",
            Tok::KwPlatform => "platform",
            Tok::KwTrigger => "trigger",
            Tok::KwOutgoing => "outgoing",
            Tok::KwIncoming => "incoming",
            Tok::KwTest => "test",
            Tok::KwGiven => "given",
            Tok::KwExpect => "expect",
            _ => return None,
        })
    }

    /// Whether a token can end an expression (a value was just written). The raw lexer uses
    /// this to tell a slashy string from division; the layout pass to tell calls from casts.
    pub fn ends_value(&self) -> bool {
        matches!(
            self,
            Tok::Ident(_)
                | Tok::Int(_)
                | Tok::Decimal(_)
                | Tok::StrEnd
                | Tok::RParen
                | Tok::RBracket
                | Tok::RBrace
                | Tok::KwThis
                | Tok::KwSuper
                | Tok::KwNull
                | Tok::KwTrue
                | Tok::KwFalse
                | Tok::Inc
                | Tok::Dec
        )
    }

    /// Operators that stand between two operands (and so cannot start a line).
    pub fn is_binary_operator(&self) -> bool {
        matches!(
            self,
            Tok::Star
                | Tok::Slash
                | Tok::Percent
                | Tok::StarStar
                | Tok::EqEq
                | Tok::NotEq
                | Tok::Identical
                | Tok::NotIdentical
                | Tok::Lt
                | Tok::Gt
                | Tok::GtJoined
                | Tok::Le
                | Tok::Ge
                | Tok::Spaceship
                | Tok::Find
                | Tok::Match
                | Tok::AndAnd
                | Tok::OrOr
                | Tok::Amp
                | Tok::Pipe
                | Tok::Caret
                | Tok::Shl
                | Tok::KwIn
                | Tok::NotIn
                | Tok::KwInstanceof
                | Tok::NotInstanceof
                | Tok::KwAs
        )
    }

    /// Declaration modifiers (`def` is not one: it also stands alone as a type).
    pub fn is_modifier(&self) -> bool {
        matches!(
            self,
            Tok::KwAbstract
                | Tok::KwFinal
                | Tok::KwNative
                | Tok::KwPrivate
                | Tok::KwProtected
                | Tok::KwPublic
                | Tok::KwStatic
                | Tok::KwStrictfp
                | Tok::KwSynchronized
                | Tok::KwTransient
                | Tok::KwVolatile
        )
    }

    /// A short human description used in "expected …, found …" messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(name) => format!("identifier `{name}`"),
            Tok::Int(text) | Tok::Decimal(text) => format!("number `{text}`"),
            Tok::StrStart(_) | Tok::StrText(_) | Tok::StrEnd => "a string".to_string(),
            Tok::InterpStart => "`${`".to_string(),
            Tok::InterpEnd => "the end of an interpolation".to_string(),
            Tok::Newline | Tok::Sep => "the end of the statement".to_string(),
            Tok::DeclMark | Tok::CommandMark => "a statement".to_string(),
            other => match other.keyword_text() {
                Some(word) => format!("keyword `{word}`"),
                None => format!("`{}`", other.text()),
            },
        }
    }

    /// The source spelling of punctuation and operator tokens.
    pub fn text(&self) -> &'static str {
        match self {
            Tok::LParen | Tok::CastParen | Tok::ForInParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace | Tok::ClosureOpen | Tok::ClosureParamsOpen => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Semi => ";",
            Tok::Colon => ":",
            Tok::Dot => ".",
            Tok::SafeDot => "?.",
            Tok::SpreadDot => "*.",
            Tok::MethodPointer => ".&",
            Tok::AttrDot => ".@",
            Tok::SafeIndex => "?[",
            Tok::Arrow => "->",
            Tok::At => "@",
            Tok::Question => "?",
            Tok::Elvis => "?:",
            Tok::DotDot => "..",
            Tok::DotDotLt => "..<",
            Tok::Ellipsis => "...",
            Tok::SpreadMap => "*:",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::StarStar => "**",
            Tok::Inc => "++",
            Tok::Dec => "--",
            Tok::Not => "!",
            Tok::Tilde => "~",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Identical => "===",
            Tok::NotIdentical => "!==",
            Tok::Lt | Tok::TypeLt => "<",
            Tok::Gt | Tok::GtJoined => ">",
            Tok::Le => "<=",
            Tok::Ge => ">=",
            Tok::Spaceship => "<=>",
            Tok::Find => "=~",
            Tok::Match => "==~",
            Tok::AndAnd => "&&",
            Tok::OrOr => "||",
            Tok::Amp => "&",
            Tok::Pipe => "|",
            Tok::Caret => "^",
            Tok::Shl => "<<",
            Tok::Assign => "=",
            Tok::PlusAssign => "+=",
            Tok::MinusAssign => "-=",
            Tok::StarAssign => "*=",
            Tok::SlashAssign => "/=",
            Tok::PercentAssign => "%=",
            Tok::StarStarAssign => "**=",
            Tok::AmpAssign => "&=",
            Tok::PipeAssign => "|=",
            Tok::CaretAssign => "^=",
            Tok::ShlAssign => "<<=",
            Tok::ElvisAssign => "?=",
            Tok::Brackets => "[]",
            Tok::ShrAssign => ">>=",
            Tok::UShrAssign => ">>>=",
            Tok::NotIn => "!in",
            Tok::NotInstanceof => "!instanceof",
            Tok::Newline | Tok::Sep => "\\n",
            other => other.keyword_text().unwrap_or(""),
        }
    }
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}
