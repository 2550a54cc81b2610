//! The analysis's answers in the protocol's terms: byte spans become UTF-16 ranges of one
//! document version, and Replica's diagnostics, completions, symbols and fixes become their
//! LSP counterparts.

use std::collections::HashMap;

use replica_compiler::ide::{self, CompletionKind, SymbolKind};
use replica_grammar::{Diagnostic, Severity};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::document::Document;

/// The name diagnostics are published under.
pub const SOURCE: &str = "replica";

/// A diagnostic as `replica check` reports it: same code, same message (with its notes and
/// help on the lines below), the secondary labels as related places.
pub fn diagnostic(uri: &Uri, document: &Document, diagnostic: &Diagnostic) -> lsp::Diagnostic {
    let span = diagnostic.primary_span().unwrap_or_default();
    let mut message = diagnostic.message.clone();
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .filter(|label| !label.primary)
        .map(|label| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), range(document, label.span)),
            message: label.message.clone(),
        })
        .collect();
    let unnecessary = matches!(diagnostic.code.as_str(), "W0003" | "W0004");
    lsp::Diagnostic {
        range: range(document, span),
        severity: Some(match diagnostic.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(diagnostic.code.as_str().to_string())),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary.then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        ..lsp::Diagnostic::default()
    }
}

/// A remark about the whole file that is not one of `check`'s diagnostics (why it could not
/// be checked, a schema lock that could not be read), shown at its start.
pub fn notice(message: String, severity: lsp::DiagnosticSeverity) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(severity),
        source: Some(SOURCE.to_string()),
        message,
        ..lsp::Diagnostic::default()
    }
}

pub fn range(document: &Document, span: replica_grammar::Span) -> lsp::Range {
    document.index.range(&document.text, span)
}

pub fn markdown(text: String) -> lsp::MarkupContent {
    lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: text }
}

pub fn hover(document: &Document, hover: ide::Hover) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(markdown(hover.markdown)),
        range: Some(range(document, hover.span)),
    }
}

pub fn completions(document: &Document, completions: Vec<ide::Completion>) -> Vec<lsp::CompletionItem> {
    completions
        .into_iter()
        .enumerate()
        .map(|(rank, completion)| lsp::CompletionItem {
            kind: Some(completion_kind(completion.kind)),
            detail: completion.detail,
            documentation: completion
                .documentation
                .map(|text| lsp::Documentation::MarkupContent(markdown(text))),
            // The analysis lists the likeliest first; the editor sorts by this text.
            sort_text: Some(format!("{rank:05}")),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                range(document, completion.replace),
                completion.insert,
            ))),
            label: completion.label,
            ..lsp::CompletionItem::default()
        })
        .collect()
}

fn completion_kind(kind: CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        CompletionKind::Field => lsp::CompletionItemKind::FIELD,
        CompletionKind::Method => lsp::CompletionItemKind::METHOD,
        CompletionKind::Variable => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
        CompletionKind::Class => lsp::CompletionItemKind::CLASS,
        CompletionKind::Global => lsp::CompletionItemKind::MODULE,
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
    }
}

pub fn symbols(document: &Document, outline: Vec<ide::Symbol>) -> Vec<lsp::DocumentSymbol> {
    outline
        .into_iter()
        .map(|symbol| {
            #[allow(deprecated)] // `deprecated` is a required field of the struct
            lsp::DocumentSymbol {
                name: symbol.name,
                detail: symbol.detail,
                kind: symbol_kind(symbol.kind),
                tags: None,
                deprecated: None,
                range: range(document, symbol.span),
                selection_range: range(document, symbol.selection),
                children: (!symbol.children.is_empty()).then(|| symbols(document, symbol.children)),
            }
        })
        .collect()
}

fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Platform => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Trigger => lsp::SymbolKind::EVENT,
        SymbolKind::Script => lsp::SymbolKind::MODULE,
        SymbolKind::Function => lsp::SymbolKind::FUNCTION,
        SymbolKind::Class => lsp::SymbolKind::CLASS,
        SymbolKind::Method => lsp::SymbolKind::METHOD,
        SymbolKind::Constructor => lsp::SymbolKind::CONSTRUCTOR,
        SymbolKind::Field => lsp::SymbolKind::FIELD,
        SymbolKind::Test => lsp::SymbolKind::METHOD,
    }
}

/// A quick fix: the rewrite, and the diagnostic it fixes.
pub fn fix(uri: &Uri, document: &Document, fix: ide::Fix, fixed: &Diagnostic) -> lsp::CodeActionOrCommand {
    let edit = lsp::TextEdit::new(range(document, fix.span), fix.replacement);
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: fix.title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic(uri, document, fixed)]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..Default::default()
        }),
        is_preferred: Some(true),
        ..lsp::CodeAction::default()
    })
}
