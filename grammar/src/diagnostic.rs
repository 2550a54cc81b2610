//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every stage (lexer, layout, parser, and later the checker and VM) reports problems as
//! [`Diagnostic`] values with a stable [`Code`] from a registry (`codes.rs`). Rendering for
//! people lives in `render.rs`; the JSON form is the serde serialisation of this type.

use crate::codes::Code;
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A labelled span. The primary label says what is wrong at the spot; secondary labels
/// point at context (the opening brace that was never closed, the earlier definition).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    /// Extra facts ("the valid names are …").
    pub notes: Vec<String>,
    /// How to fix it, ideally a concrete rewrite.
    pub help: Option<String>,
    /// The rewrite the help describes, when a tool can apply it as it stands (the
    /// language server's quick fix for "did you mean `summary`?"). Boxed: most diagnostics
    /// have none, and diagnostics travel in `Result`s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Box<Suggestion>>,
}

/// A machine-applicable fix: replace the text at `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    pub span: Span,
    pub replacement: String,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestion: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Adds the primary label: the spot the diagnostic is about.
    pub fn with_primary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { span, message: message.into(), primary: true });
        self
    }

    /// Adds a secondary label pointing at context.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { span, message: message.into(), primary: false });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds the machine-applicable form of the help: replace `span` with `replacement`.
    pub fn with_suggestion(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.suggestion = Some(Box::new(Suggestion { span, replacement: replacement.into() }));
        self
    }

    /// The span of the primary label (or of the first label), used for sorting and for
    /// the `line`/`column` of machine-readable output.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.iter().find(|label| label.primary).or_else(|| self.labels.first()).map(|label| label.span)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
