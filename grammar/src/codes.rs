//! The registry of syntax diagnostic codes (`E0001`–`E0099`).
//!
//! A code, once released, never changes meaning and is never reused. Each entry carries the
//! page `replica explain CODE` prints: what it means, a short wrong example, and the fix.
//! Later stages keep their own tables in the same shape; `replica explain` reads them all.

use std::fmt;

/// A stable diagnostic code such as `E0003` (errors) or `W0001` (warnings).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(pub &'static str);

impl Code {
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

/// The documentation of one code.
#[derive(Debug)]
pub struct CodeDoc {
    pub code: Code,
    /// One line: what the diagnostic is about.
    pub title: &'static str,
    /// What it means and why it matters.
    pub explanation: &'static str,
    /// A short piece of rule text that triggers it.
    pub wrong: &'static str,
    /// The same piece, fixed.
    pub fixed: &'static str,
}

pub const INVALID_UTF8: Code = Code("E0001");
pub const UNEXPECTED_CHARACTER: Code = Code("E0002");
pub const UNTERMINATED_STRING: Code = Code("E0003");
pub const UNTERMINATED_COMMENT: Code = Code("E0004");
pub const INVALID_ESCAPE: Code = Code("E0005");
pub const MALFORMED_NUMBER: Code = Code("E0006");
pub const UNEXPECTED_TOKEN: Code = Code("E0010");
pub const UNEXPECTED_EOF: Code = Code("E0011");
pub const UNCLOSED_DELIMITER: Code = Code("E0012");
pub const UNMATCHED_CLOSING: Code = Code("E0013");
pub const MISMATCHED_DELIMITER: Code = Code("E0014");
pub const NESTING_TOO_DEEP: Code = Code("E0015");
pub const INVALID_ASSIGNMENT_TARGET: Code = Code("E0016");
pub const STATEMENT_OUTSIDE_SCRIPT: Code = Code("E0017");
pub const INTERPOLATED_QUERY: Code = Code("E0018");
pub const LEADING_OPERATOR: Code = Code("E0019");

/// Every syntax code with its page. Keep sorted by code.
pub static SYNTAX_CODES: &[CodeDoc] = &[
    CodeDoc {
        code: INVALID_UTF8,
        title: "the file is not valid UTF-8",
        explanation: "Rule files are read as UTF-8 text. The file contains bytes that are not \
valid UTF-8, usually because it was saved in another encoding (Latin-1, Windows-1252) or \
is not a text file. The invalid bytes are shown as spaces and parsing goes on.",
        wrong: "entity.summary = \"Caf\\xE9\"   // saved as Latin-1",
        fixed: "entity.summary = \"Café\"       // saved as UTF-8",
    },
    CodeDoc {
        code: UNEXPECTED_CHARACTER,
        title: "a character that cannot start any token",
        explanation: "The character is not part of the rule language outside strings and \
comments (for example `#`, a backtick, or a control character pasted from a document).",
        wrong: "def total = price # tax",
        fixed: "def total = price + tax",
    },
    CodeDoc {
        code: UNTERMINATED_STRING,
        title: "a string literal is not closed",
        explanation: "A string opened with `'` or `\"` must be closed on the same line. Strings \
over several lines use triple quotes (`'''…'''`, `\"\"\"…\"\"\"`); slashy strings `/…/` and \
triple-quoted strings must be closed before the end of the file.",
        wrong: "entity.summary = \"unterminated\nentity.description = replica.description",
        fixed: "entity.summary = \"terminated\"\nentity.description = replica.description",
    },
    CodeDoc {
        code: UNTERMINATED_COMMENT,
        title: "a block comment is not closed",
        explanation: "A comment opened with `/*` runs to the matching `*/`. Without it, the rest \
of the file would be a comment.",
        wrong: "/* copy the basics\nreplica.summary = entity.summary",
        fixed: "/* copy the basics */\nreplica.summary = entity.summary",
    },
    CodeDoc {
        code: INVALID_ESCAPE,
        title: "an unknown escape sequence in a string",
        explanation: "Inside `'…'` and `\"…\"` strings a backslash starts an escape: `\\n`, `\\r`, \
`\\t`, `\\b`, `\\f`, `\\\\`, `\\'`, `\\\"`, `\\$` and `\\uXXXX`. Any other character after a \
backslash is an error, as in Groovy. For regular expressions, use a slashy string `/…/`, \
where backslashes are kept as written.",
        wrong: "def digits = \"\\d+\"",
        fixed: "def digits = /\\d+/",
    },
    CodeDoc {
        code: MALFORMED_NUMBER,
        title: "a number literal is malformed",
        explanation: "A number has digits after its prefix (`0x`, `0b`), its exponent (`1e5`), \
and no underscore at its end.",
        wrong: "def mask = 0x",
        fixed: "def mask = 0xFF",
    },
    CodeDoc {
        code: UNEXPECTED_TOKEN,
        title: "a token that does not fit here",
        explanation: "The parser expected something else at this point: the message lists what \
would fit. Common causes are a missing operator or comma, a missing closing bracket, or two \
statements on one line without a `;` between them.",
        wrong: "def m = [a: 1 b: 2]",
        fixed: "def m = [a: 1, b: 2]",
    },
    CodeDoc {
        code: UNEXPECTED_EOF,
        title: "the file ends in the middle of a construct",
        explanation: "The file ends while an expression or statement is still incomplete, for \
example after a binary operator or inside an argument list.",
        wrong: "replica.summary = entity.summary +",
        fixed: "replica.summary = entity.summary + \" (synced)\"",
    },
    CodeDoc {
        code: UNCLOSED_DELIMITER,
        title: "an opening bracket is never closed",
        explanation: "A `(`, `[` or `{` has no matching closing bracket. When the indentation of \
the file shows where the block should have ended, the help says where to add it.",
        wrong: "incoming {\n    if (firstSync) {\n        entity.type = \"Incident\"\n    entity.summary = replica.summary\n}",
        fixed: "incoming {\n    if (firstSync) {\n        entity.type = \"Incident\"\n    }\n    entity.summary = replica.summary\n}",
    },
    CodeDoc {
        code: UNMATCHED_CLOSING,
        title: "a closing bracket without an opening one",
        explanation: "A `)`, `]` or `}` appears with no matching opening bracket before it. \
It is ignored so that the rest of the file can be checked.",
        wrong: "entity.description = replica.description)",
        fixed: "entity.description = replica.description",
    },
    CodeDoc {
        code: MISMATCHED_DELIMITER,
        title: "a bracket is closed by the wrong kind of bracket",
        explanation: "A `(` must be closed by `)`, a `[` by `]` and a `{` by `}`.",
        wrong: "def xs = [1, 2)",
        fixed: "def xs = [1, 2]",
    },
    CodeDoc {
        code: NESTING_TOO_DEEP,
        title: "brackets or expressions are nested too deeply",
        explanation: "Replica limits nesting (256 open brackets, and expressions 1,000 levels \
deep) so that no input can exhaust the stack. Real rules stay far below; split a deeply \
nested expression into local variables.",
        wrong: "def x = ((((((((((… 300 levels …))))))))))",
        fixed: "def inner = …\ndef x = inner",
    },
    CodeDoc {
        code: INVALID_ASSIGNMENT_TARGET,
        title: "the left side of an assignment cannot be assigned",
        explanation: "Only a variable, a property (`entity.summary`) or a subscript (`m[\"k\"]`) \
can be assigned. A call, a literal or an operator expression cannot.",
        wrong: "entity.summary.trim() = replica.summary",
        fixed: "entity.summary = replica.summary.trim()",
    },
    CodeDoc {
        code: STATEMENT_OUTSIDE_SCRIPT,
        title: "a statement at the top level of a `.sync` file",
        explanation: "A `.sync` file holds declarations: `platform`, `trigger`, `outgoing { … }`, \
`incoming { … }`, `test`, functions, classes and imports. Statements go inside the \
`outgoing` or `incoming` block. A whole file that is one script (as pasted from Exalate) is \
a bare script: name it `.groovy` or check it with `--script`.",
        wrong: "platform freshdesk\nreplica.summary = entity.summary",
        fixed: "platform freshdesk\noutgoing {\n    replica.summary = entity.summary\n}",
    },
    CodeDoc {
        code: INTERPOLATED_QUERY,
        title: "a trigger query with `${…}` interpolation",
        explanation: "A trigger's query is fixed when the rules are loaded, so it must be a plain \
string without interpolation.",
        wrong: "trigger ticket \"status:${open}\"",
        fixed: "trigger ticket \"status:2\"",
    },
    CodeDoc {
        code: LEADING_OPERATOR,
        title: "a line starts with a binary operator",
        explanation: "As in Groovy, a newline ends a statement unless the line ends with an \
operator. A line that starts with `&&`, `||`, `*`, `==` and the like is a new statement that \
cannot start that way. (A line starting with `.`, `?.`, `?:`, `?` or `:` continues the \
previous one; a line starting with `+` or `-` is a new statement with a sign.)",
        wrong: "def ok = entity.status\n    && entity.priority",
        fixed: "def ok = entity.status &&\n    entity.priority",
    },
];

/// The page for a code, if it is a syntax code.
pub fn lookup(code: &str) -> Option<&'static CodeDoc> {
    SYNTAX_CODES.iter().find(|doc| doc.code.as_str().eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        let mut seen = HashSet::new();
        let mut previous = "";
        for doc in SYNTAX_CODES {
            let code = doc.code.as_str();
            assert!(seen.insert(code), "{code} is registered twice");
            assert!(code > previous, "{code} is out of order");
            previous = code;
            assert!(code.len() == 5 && code.starts_with('E'), "{code} is not E0xxx");
            assert!(!doc.title.is_empty() && !doc.explanation.is_empty(), "{code} has no page");
            assert_ne!(doc.wrong, doc.fixed, "{code}: the example and its fix are the same");
        }
    }
}
