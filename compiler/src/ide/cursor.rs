//! What the text at an offset is: a comment, the inside of a string literal (and what the
//! string stands in: a call's first argument, a trigger query), or code. Read from the raw
//! tokens, which exist even where the tree does not (an unterminated string, a half-typed
//! line).

use replica_grammar::lexer::lex;
use replica_grammar::token::{Spanned, Tok};
use replica_grammar::Span;

use super::touches;

/// The raw tokens of one text, with its string literals.
pub(super) struct Tokens {
    tokens: Vec<Spanned>,
    strings: Vec<StringLiteral>,
}

/// A string literal: where its text is, and where code interrupts it (`${…}`).
struct StringLiteral {
    /// The index of its opening token.
    opening: usize,
    /// Between the delimiters (to the end of the line when it is not closed).
    content: Span,
    interpolations: Vec<Span>,
}

/// What an offset is in.
pub(super) enum Place {
    Comment,
    /// Inside a string literal's text.
    String(StringAt),
    Code,
}

pub(super) struct StringAt {
    pub content: Span,
    /// The index of the literal's opening token.
    opening: usize,
}

/// The name before `(` when a string is a call's first argument: `nodeHelper.getStatus("`.
pub(super) struct CallSite {
    pub method: String,
    pub method_span: Span,
    /// The name before the dot, when it is a plain name (`nodeHelper`).
    pub receiver: Option<String>,
}

impl Tokens {
    pub fn new(text: &str) -> Tokens {
        let (tokens, _) = lex(text);
        let strings = string_literals(&tokens);
        Tokens { tokens, strings }
    }

    pub fn place(&self, text: &str, offset: usize) -> Place {
        // The innermost literal whose text holds the offset outside its interpolations.
        let string = self
            .strings
            .iter()
            .filter(|s| touches(s.content, offset) && !s.interpolations.iter().any(|i| touches(*i, offset)))
            .min_by_key(|s| s.content.len());
        if let Some(string) = string {
            return Place::String(StringAt { content: string.content, opening: string.opening });
        }
        if self.in_comment(text, offset) {
            Place::Comment
        } else {
            Place::Code
        }
    }

    /// Comments are the only text between tokens besides blanks, so the offset is in one
    /// when the gap before it opens a comment that has not ended.
    fn in_comment(&self, text: &str, offset: usize) -> bool {
        let after = self.tokens.partition_point(|(_, _, end)| *end <= offset);
        if let Some((start, _, _)) = self.tokens.get(after) {
            if *start < offset {
                return false; // inside a token
            }
        }
        let gap_start = after.checked_sub(1).map_or(0, |i| self.tokens[i].2);
        let gap = text.get(gap_start..offset).unwrap_or_default();
        if gap.contains("//") {
            return true;
        }
        gap.rfind("/*").is_some_and(|open| !gap[open..].contains("*/"))
    }

    /// The tokens before `index`, nearest first, line breaks skipped.
    fn before(&self, index: usize) -> impl Iterator<Item = &Spanned> {
        self.tokens[..index.min(self.tokens.len())].iter().rev().filter(|(_, tok, _)| *tok != Tok::Newline)
    }

    /// The call the string at `at` is the first argument of.
    pub fn call_before(&self, at: &StringAt) -> Option<CallSite> {
        let mut before = self.before(at.opening);
        let (_, Tok::LParen, _) = before.next()? else { return None };
        let (start, Tok::Ident(method), end) = before.next()? else { return None };
        let receiver = match (before.next(), before.next()) {
            (Some((_, Tok::Dot | Tok::SafeDot, _)), Some((_, Tok::Ident(receiver), _))) => {
                Some(receiver.clone())
            }
            _ => None,
        };
        Some(CallSite { method: method.clone(), method_span: Span::new(*start, *end), receiver })
    }

    /// Whether the string at `at` is a trigger query: `trigger ticket "…"`.
    pub fn is_trigger_query(&self, at: &StringAt) -> bool {
        let mut before = self.before(at.opening);
        matches!(
            (before.next(), before.next()),
            (Some((_, Tok::Ident(_), _)), Some((_, Tok::Ident(keyword), _))) if keyword == "trigger"
        )
    }

    /// The word written right before the one being typed at `word_start`, when it is a
    /// plain name on the same line (`platform` in `platform fre`).
    pub fn previous_word(&self, word_start: usize) -> Option<&str> {
        let index = self.tokens.partition_point(|(_, _, end)| *end <= word_start);
        match self.tokens[..index].last() {
            Some((_, Tok::Ident(word), _)) => Some(word),
            _ => None,
        }
    }
}

fn string_literals(tokens: &[Spanned]) -> Vec<StringLiteral> {
    enum Open {
        String { opening: usize, content_start: usize, interpolations: Vec<Span> },
        Interpolation { start: usize },
    }
    let mut open: Vec<Open> = Vec::new();
    let mut strings = Vec::new();
    for (index, (start, tok, end)) in tokens.iter().enumerate() {
        match tok {
            Tok::StrStart(_) => {
                open.push(Open::String { opening: index, content_start: *end, interpolations: Vec::new() })
            }
            Tok::InterpStart => open.push(Open::Interpolation { start: *end }),
            Tok::InterpEnd => {
                if let Some(Open::Interpolation { start: code_start }) = open.pop() {
                    if let Some(Open::String { interpolations, .. }) = open.last_mut() {
                        interpolations.push(Span::new(code_start, (*start).max(code_start)));
                    }
                }
            }
            Tok::StrEnd => {
                if let Some(Open::String { opening, content_start, interpolations }) = open.pop() {
                    let content = Span::new(content_start, (*start).max(content_start));
                    strings.push(StringLiteral { opening, content, interpolations });
                }
            }
            _ => {}
        }
    }
    strings
}

/// Where the name being typed at `offset` starts.
pub(super) fn word_start(text: &str, offset: usize) -> usize {
    text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(offset, |(at, _)| at)
}

pub(super) fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_at(text: &str, marker: &str) -> Place {
        let offset = text.find(marker).expect("marker");
        let text = text.replacen(marker, "", 1);
        Tokens::new(&text).place(&text, offset)
    }

    #[test]
    fn tells_comments_strings_and_code_apart() {
        assert!(matches!(place_at("x = 1 // a §note\n", "§"), Place::Comment));
        assert!(matches!(place_at("x = 1 /* a §*/ y", "§"), Place::Comment));
        assert!(matches!(place_at("x = 1 /* a */ §y", "§"), Place::Code));
        assert!(matches!(place_at("x = \"a // §b\"", "§"), Place::String(_)));
        assert!(matches!(place_at("x = \"a ${ y§ } b\"", "§"), Place::Code));
        assert!(matches!(place_at("x = \"unclosed §", "§"), Place::String(_)));
        assert!(matches!(place_at("x = \"\"§", "§"), Place::Code));
        assert!(matches!(place_at("/* open §", "§"), Place::Comment));
    }

    #[test]
    fn finds_the_call_and_the_trigger_around_a_string() {
        let text = "entity.status = nodeHelper.getStatus(\"Op\")\ntrigger ticket \"sta\"";
        let tokens = Tokens::new(text);
        let Place::String(at) = tokens.place(text, text.find("Op").unwrap() + 1) else {
            panic!("not a string")
        };
        let call = tokens.call_before(&at).expect("a call");
        assert_eq!((call.method.as_str(), call.receiver.as_deref()), ("getStatus", Some("nodeHelper")));
        assert_eq!(&text[call.method_span.range()], "getStatus");
        assert!(!tokens.is_trigger_query(&at));
        let Place::String(query) = tokens.place(text, text.find("sta\"").unwrap()) else { panic!() };
        assert!(tokens.is_trigger_query(&query));
        assert_eq!(&text[query.content.range()], "sta");
    }

    #[test]
    fn finds_where_a_name_starts() {
        assert_eq!(word_start("entity.summ", 11), 7);
        assert_eq!(word_start("x = ", 4), 4);
        assert_eq!(word_start("café", 5), 0);
    }
}
