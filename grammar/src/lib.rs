//! replica-grammar: the front end of Replica's rule language.
//!
//! Source text → raw tokens ([`lexer`]) → statement-aware tokens ([`layout`]) → AST
//! ([`ast`], built by the lalrpop grammar). Every stage reports [`Diagnostic`]s instead of
//! failing, and the parser recovers so that one run reports every syntax error it can and
//! always returns a tree (the language server needs one for half-typed code).

pub mod ast;
pub mod codes;
pub mod diagnostic;
pub mod layout;
pub mod lexer;
pub mod render;
pub mod sexp;
pub mod span;
pub mod token;

mod parse;

pub use diagnostic::{Diagnostic, Label, Severity, Suggestion};
pub use parse::{parse, parse_bytes, Mode, Parsed};
pub use span::Span;
