//! Quick fixes: the machine-applicable rewrites the diagnostics carry ("did you mean
//! `summary`?" replaces the typo with `summary`).

use replica_grammar::{Diagnostic, Span};

/// One fix: a title, the diagnostic it fixes, and the rewrite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// The index of the diagnostic in [`super::Analysis::diagnostics`].
    pub diagnostic: usize,
    pub span: Span,
    pub replacement: String,
}

/// The fixes of the diagnostics whose primary span meets `span`.
pub(super) fn fixes(diagnostics: &[Diagnostic], span: Span) -> Vec<Fix> {
    diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.primary_span().is_some_and(|at| at.start <= span.end && span.start <= at.end))
        .filter_map(|(index, d)| {
            let suggestion = d.suggestion.as_ref()?;
            Some(Fix {
                title: format!("Replace with `{}`", suggestion.replacement),
                diagnostic: index,
                span: suggestion.span,
                replacement: suggestion.replacement.clone(),
            })
        })
        .collect()
}
