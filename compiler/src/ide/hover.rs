//! Hover: what the thing under the cursor is — a field's type and schema documentation, a
//! helper or Groovy method's signature, documentation and example, a variable's type, a
//! function or class as declared — and the explanation of any diagnostic there.

use replica_grammar::ast::ItemKind;
use replica_grammar::Span;

use super::{docs, touches, Analysis};
use crate::check::facts::{Facts, Target};
use crate::check::globals;
use crate::codes;
use crate::members;

/// What to show for a position: Markdown, and the span it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

pub(super) fn hover(analysis: &Analysis, offset: usize) -> Option<Hover> {
    let facts = analysis.facts();
    let mut found = symbol_page(analysis, facts, offset);
    // The diagnostics here, explained (a typo is both a name and an error).
    let mut explained = Vec::new();
    for diagnostic in analysis.diagnostics() {
        let Some(span) = diagnostic.primary_span() else { continue };
        if !touches(span, offset) || explained.contains(&diagnostic.code) {
            continue;
        }
        let Some(doc) = codes::lookup(diagnostic.code.as_str()) else { continue };
        explained.push(diagnostic.code);
        let page = docs::code_page(doc);
        found = Some(match found {
            Some((at, text)) => (at, format!("{text}\n\n---\n\n{page}")),
            None => (span, page),
        });
    }
    found.map(|(span, markdown)| Hover { span, markdown })
}

/// The page of the name at `offset`: a member, a name in use, or a declaration.
fn symbol_page(analysis: &Analysis, facts: &Facts, offset: usize) -> Option<(Span, String)> {
    let platform = facts.platform.as_ref();
    let member =
        facts.members.iter().filter(|m| touches(m.name_span, offset)).min_by_key(|m| m.name_span.len());
    if let Some(used) = member {
        let owner = used.receiver.non_null().to_string();
        if let Some(member) = members::member(&used.receiver, platform, &used.name, used.is_call) {
            return Some((used.name_span, docs::member_page(&member, &owner)));
        }
        if used.custom_fields {
            let fact = platform?.custom_fields.as_ref()?.iter().find(|f| f.name == used.name)?;
            let mut page = docs::local_page(&fact.name, &fact.ty);
            if !fact.label.is_empty() {
                page.push_str(&format!("\n\nCustom field “{}” of this instance (schema lock).", fact.label));
            }
            if let Some(choices) = &fact.choices {
                page.push_str(&format!("\n\nChoices: {}", choices.join(", ")));
            }
            return Some((used.name_span, page));
        }
        return None;
    }
    let reference = facts.references.iter().filter(|r| touches(r.span, offset)).min_by_key(|r| r.span.len());
    if let Some(reference) = reference {
        let page = match &reference.target {
            Target::Builtin => match globals::global(&reference.name) {
                Some(global) => docs::global_page(global),
                None => docs::local_page(&reference.name, &reference.ty),
            },
            Target::Local(_) => docs::local_page(&reference.name, &reference.ty),
            Target::Function(declared) | Target::Class(declared) => declaration_page(analysis, *declared)?,
        };
        return Some((reference.span, page));
    }
    if let Some(local) = facts.declarations.iter().find(|d| d.span.is_some_and(|s| touches(s, offset))) {
        return Some((local.span?, docs::local_page(&local.name, &local.ty)));
    }
    declaration_at(analysis, offset)
}

/// A function or class whose name is at `offset`.
fn declaration_at(analysis: &Analysis, offset: usize) -> Option<(Span, String)> {
    analysis.parsed.file.items.iter().find_map(|item| {
        let name = match &item.kind {
            ItemKind::Function(function) => function.name.span,
            ItemKind::Class(class) => class.name.span,
            _ => return None,
        };
        if !touches(name, offset) {
            return None;
        }
        declaration_page(analysis, name).map(|page| (name, page))
    })
}

/// The page of the top-level function or class whose name is at `name`: its head as
/// written and the comments above it.
pub(super) fn declaration_page(analysis: &Analysis, name: Span) -> Option<String> {
    let text = analysis.text();
    for item in &analysis.parsed.file.items {
        let (start, head_end) = match &item.kind {
            ItemKind::Function(function) if function.name.span == name => {
                (function.span.start, function.body.as_ref().map_or(function.span.end, |b| b.span.start))
            }
            ItemKind::Class(class) if class.name.span == name => {
                let brace = text.get(name.end as usize..class.span.end as usize)?.find('{');
                (class.span.start, brace.map_or(class.span.end, |at| name.end + at as u32))
            }
            _ => continue,
        };
        let head = text.get(start as usize..head_end as usize)?.trim_end();
        return Some(docs::declaration_page(head, &comments_above(text, start as usize)));
    }
    None
}

/// The `//` comment lines right above the line at `start`, without their slashes.
fn comments_above(text: &str, start: usize) -> String {
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let mut lines: Vec<&str> = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|line| line.starts_with("//"))
        .map(|line| line.trim_start_matches('/').trim())
        .collect();
    lines.reverse();
    lines.join("\n")
}
