//! "Did you mean …?": the closest known name to a misspelt one, and the help that offers it
//! with the rewrite a tool can apply (the language server's quick fix).

use replica_grammar::{Diagnostic, Span};

/// The candidate closest to `name`, if it is close enough to be a likely typo: within a
/// third of the name's length in edit distance (at least one edit), ignoring case.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(&lower, &candidate.to_lowercase()), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, candidate)| (*distance, candidate.len()))
        .map(|(_, candidate)| candidate)
}

/// Helps with "did you mean `close`?" and the rewrite of the name at `span`.
pub fn offer_name(diagnostic: Diagnostic, span: Span, close: &str) -> Diagnostic {
    diagnostic.with_help(format!("did you mean `{close}`?")).with_suggestion(span, close)
}

/// Helps with "did you mean "close"?" for the string literal at `span` (quotes included),
/// rewritten as a double-quoted literal.
pub fn offer_literal(diagnostic: Diagnostic, span: Span, close: &str) -> Diagnostic {
    diagnostic.with_help(format!("did you mean \"{close}\"?")).with_suggestion(span, string_literal(close))
}

/// `text` as a double-quoted Groovy string that means exactly `text`.
fn string_literal(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for ch in text.chars() {
        match ch {
            '"' | '\\' | '$' => {
                literal.push('\\');
                literal.push(ch);
            }
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            other => literal.push(other),
        }
    }
    literal.push('"');
    literal
}

/// "`a`, `b` and `c`" (at most `max` names, then "and N more").
pub fn list(names: &[&str], max: usize) -> String {
    let quoted: Vec<String> = names.iter().take(max).map(|n| format!("`{n}`")).collect();
    let more = names.len().saturating_sub(max);
    match (quoted.len(), more) {
        (0, _) => String::new(),
        (1, 0) => quoted[0].clone(),
        (_, 0) => {
            let (last, rest) = quoted.split_last().expect("at least two");
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!("{} and {more} more", quoted.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_names_only() {
        let fields = ["summary", "status", "priority", "description"];
        assert_eq!(did_you_mean("sumary", fields), Some("summary"));
        assert_eq!(did_you_mean("Opne", ["Open", "Pending", "Closed"]), Some("Open"));
        assert_eq!(did_you_mean("priorty", fields), Some("priority"));
        assert_eq!(did_you_mean("xyz", fields), None);
    }

    #[test]
    fn offers_literals_that_mean_the_name() {
        assert_eq!(string_literal("Open"), "\"Open\"");
        assert_eq!(string_literal("a \"b\" $c \\ d"), r#""a \"b\" \$c \\ d""#);
        let diagnostic =
            offer_literal(Diagnostic::error(crate::codes::UNKNOWN_STATUS, "x"), Span::new(3, 9), "Open");
        assert_eq!(diagnostic.help.as_deref(), Some("did you mean \"Open\"?"));
        let suggestion = diagnostic.suggestion.unwrap();
        assert_eq!((suggestion.span, suggestion.replacement.as_str()), (Span::new(3, 9), "\"Open\""));
    }

    #[test]
    fn lists_names_readably() {
        assert_eq!(list(&["a"], 5), "`a`");
        assert_eq!(list(&["a", "b", "c"], 5), "`a`, `b` and `c`");
        assert_eq!(list(&["a", "b", "c"], 2), "`a`, `b` and 1 more");
    }
}
