//! Tokens of a trigger query.

use replica_grammar::{Diagnostic, Span};

use super::QUERY_SYNTAX;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    Colon,
    Gt,
    Lt,
    /// A run of characters that are not spaces, brackets, quotes or operator characters:
    /// field names, bare values, `AND`, `OR`.
    Word(String),
    /// A single-quoted string, unescaped (`\'` and `\\`).
    Str(String),
    /// A run of `=`, `!`, `&`, `|`, `~`: not query operators, reported by the parser.
    Op(String),
    /// `"`: strings in queries use single quotes.
    DoubleQuote,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
    /// Whether white space comes right before the token.
    pub space_before: bool,
}

fn is_op_char(c: char) -> bool {
    matches!(c, '=' | '!' | '&' | '|' | '~')
}

fn is_word_char(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, '(' | ')' | ':' | '>' | '<' | '\'' | '"') || is_op_char(c))
}

/// Splits the text into tokens, or reports an unterminated quote.
pub(crate) fn lex(text: &str) -> Result<Vec<Token>, Diagnostic> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut space_before = false;
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            space_before = true;
            continue;
        }
        let tok = match c {
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ':' => Tok::Colon,
            '>' => Tok::Gt,
            '<' => Tok::Lt,
            '"' => Tok::DoubleQuote,
            '\'' => {
                let mut value = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\'' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.peek() {
                            Some(&(_, next @ ('\'' | '\\'))) => {
                                value.push(next);
                                chars.next();
                            }
                            _ => value.push('\\'),
                        },
                        other => value.push(other),
                    }
                }
                if !closed {
                    return Err(Diagnostic::error(QUERY_SYNTAX, "unterminated quote in the query")
                        .with_primary(Span::new(start, start + 1), "this `'` is never closed")
                        .with_secondary(Span::point(text.len()), "the query ends here")
                        .with_help("close the value with `'`, e.g. `tag:'urgent'`"));
                }
                Tok::Str(value)
            }
            c if is_op_char(c) => {
                let mut op = c.to_string();
                while let Some(&(_, next)) = chars.peek() {
                    if !is_op_char(next) {
                        break;
                    }
                    op.push(next);
                    chars.next();
                }
                Tok::Op(op)
            }
            c => {
                let mut word = c.to_string();
                while let Some(&(_, next)) = chars.peek() {
                    if !is_word_char(next) {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                Tok::Word(word)
            }
        };
        let end = chars.peek().map_or(text.len(), |&(i, _)| i);
        tokens.push(Token { tok, span: Span::new(start, end), space_before });
        space_before = false;
    }
    Ok(tokens)
}
