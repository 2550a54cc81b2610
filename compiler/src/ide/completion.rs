//! Completion: what may be written at the cursor.
//!
//! - after a dot: the fields and methods of the value before it, typed by the checker
//!   (`entity.`, `replica.status.`, `nodeHelper.`, `it.` in a closure over comments, …);
//! - inside the string a name check applies to (`nodeHelper.getStatus("…")`): the status or
//!   priority names of the file's platform, the schema lock's included;
//! - inside a trigger query: the searchable fields, and after `field:` its codes;
//! - elsewhere in code: the variables in scope, functions, classes, script names and keywords;
//!   at the top level of a `.sync` file, its keywords; after `platform`, the platforms.
//!
//! To learn what the value before a dot is, or what is in scope, the text is checked once
//! more with a placeholder name at the cursor (as rust-analyzer does): the checker then
//! records the placeholder's receiver or scope like any other name's.

use replica_grammar::ast::ItemKind;
use replica_grammar::{parse, Span};

use super::cursor::{self, Place, StringAt, Tokens};
use super::{docs, hover, Analysis};
use crate::check::facts::ProbeScope;
use crate::check::globals::{self, GLOBALS};
use crate::members::{self, Member};
use crate::schema::{schema, NameCheck, Platform};
use crate::types::Type;

/// One thing that may be written at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// A short addition beside the label: a type, a signature.
    pub detail: Option<String>,
    /// Its page, in Markdown.
    pub documentation: Option<String>,
    /// The text it replaces: what has been typed of it so far.
    pub replace: Span,
    pub insert: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Field,
    Method,
    Variable,
    Function,
    Class,
    /// A script name such as `entity` or a helper such as `nodeHelper`.
    Global,
    Keyword,
    /// A value written in a string or a query: a status name, a code.
    Value,
}

/// A name no one writes, put at the cursor to ask the checker about it.
const PROBE: &str = "replicaCompletionProbe";

/// Words that start a top-level item of a `.sync` file.
const TOP_LEVEL_KEYWORDS: &[&str] =
    &["platform", "trigger", "outgoing", "incoming", "def", "class", "import", "test"];

/// Words that start statements and expressions in scripts and functions.
const CODE_KEYWORDS: &[&str] = &[
    "def",
    "if",
    "else",
    "for",
    "while",
    "switch",
    "case",
    "default",
    "break",
    "continue",
    "return",
    "throw",
    "try",
    "catch",
    "finally",
    "new",
    "true",
    "false",
    "null",
    "in",
    "as",
    "instanceof",
    "assert",
];

/// Names every closure has that nobody means to complete.
const CLOSURE_PLUMBING: &[&str] = &["delegate", "owner", "thisObject"];

pub(super) fn completions(analysis: &Analysis, offset: usize) -> Vec<Completion> {
    let text = analysis.text();
    let tokens = Tokens::new(text);
    match tokens.place(text, offset) {
        Place::Comment => Vec::new(),
        Place::String(at) if tokens.is_trigger_query(&at) => query_completions(analysis, &at, offset),
        Place::String(at) => name_check_completions(analysis, &tokens, &at),
        Place::Code => code_completions(analysis, &tokens, offset),
    }
}

// ------------------------------------------------------------------ code

fn code_completions(analysis: &Analysis, tokens: &Tokens, offset: usize) -> Vec<Completion> {
    let text = analysis.text();
    let start = cursor::word_start(text, offset);
    let replace = Span::new(start, offset);
    if tokens.previous_word(start) == Some("platform") {
        return schema()
            .platform_names()
            .into_iter()
            .map(|name| plain(name, CompletionKind::Value, replace))
            .collect();
    }
    let probed = format!("{}{PROBE}{}", &text[..offset], &text[offset..]);
    let parsed = parse(&probed, analysis.mode());
    let facts = analysis.check_for_facts(&parsed, Some(offset));
    let at_probe =
        facts.members.iter().find(|m| m.name.contains(PROBE) && super::touches(m.name_span, offset));
    if let Some(used) = at_probe {
        return member_completions(&used.receiver, used.custom_fields, facts.platform.as_ref(), replace);
    }
    if let Some(scope) = &facts.scope_at_probe {
        return scope_completions(analysis, scope, replace);
    }
    if inside_declaration(analysis, offset) {
        // Naming something new (`def na…`), or code the parser could not place.
        return Vec::new();
    }
    keywords(TOP_LEVEL_KEYWORDS, replace)
}

/// Whether `offset` is inside a script, function, class or test of the file (not before
/// its first word).
fn inside_declaration(analysis: &Analysis, offset: usize) -> bool {
    analysis.parsed.file.items.iter().any(|item| {
        matches!(
            item.kind,
            ItemKind::Script { .. } | ItemKind::Function(_) | ItemKind::Class(_) | ItemKind::Test { .. }
        ) && (item.span.start as usize) < offset
            && offset < item.span.end as usize
    })
}

fn member_completions(
    receiver: &Type,
    custom_fields: bool,
    platform: Option<&Platform>,
    replace: Span,
) -> Vec<Completion> {
    let owner = receiver.non_null().to_string();
    let mut items = Vec::new();
    if custom_fields {
        for fact in platform.and_then(|p| p.custom_fields.as_deref()).unwrap_or_default() {
            let mut item = plain(&fact.name, CompletionKind::Field, replace);
            item.detail = Some(fact.ty.to_string());
            item.documentation = (!fact.label.is_empty()).then(|| format!("Custom field “{}”", fact.label));
            items.push(item);
        }
    }
    let fields = members::fields(receiver, platform).into_iter().map(Member::Field);
    for member in fields.chain(members::methods(receiver)) {
        let (name, kind) = match &member {
            Member::Field(field) => (field.name.as_str(), CompletionKind::Field),
            Member::HelperMethod(method) => (method.name.as_str(), CompletionKind::Method),
            Member::GroovyMethod(method) => (method.name.as_str(), CompletionKind::Method),
        };
        // A ticket's Exalate name hides the REST attribute of the same name.
        if items.iter().any(|item: &Completion| item.label == name) {
            continue;
        }
        let mut item = plain(name, kind, replace);
        item.detail = Some(docs::member_detail(&member, &owner));
        item.documentation = Some(docs::member_page(&member, &owner));
        items.push(item);
    }
    items
}

fn scope_completions(analysis: &Analysis, scope: &ProbeScope, replace: Span) -> Vec<Completion> {
    let mut items: Vec<Completion> = Vec::new();
    // Innermost first; an inner name hides an outer one.
    for local in scope.locals.iter().rev() {
        let hidden = items.iter().any(|item| item.label == local.name);
        if hidden || local.name.contains(PROBE) || CLOSURE_PLUMBING.contains(&local.name.as_str()) {
            continue;
        }
        let mut item = plain(&local.name, CompletionKind::Variable, replace);
        item.detail = Some(local.ty.to_string());
        items.push(item);
    }
    for item in &analysis.parsed.file.items {
        let (name, kind) = match &item.kind {
            ItemKind::Function(function) => (&function.name, CompletionKind::Function),
            ItemKind::Class(class) => (&class.name, CompletionKind::Class),
            _ => continue,
        };
        let mut completion = plain(&name.name, kind, replace);
        completion.documentation = hover::declaration_page(analysis, name.span);
        items.push(completion);
    }
    for global in GLOBALS {
        let elsewhere = global.only_in.is_some_and(|only| scope.direction.is_some_and(|here| here != only));
        if elsewhere || items.iter().any(|item| item.label == global.name) {
            continue;
        }
        let mut item = plain(global.name, CompletionKind::Global, replace);
        item.detail = Some(global.ty().to_string());
        item.documentation = Some(docs::global_page(global));
        items.push(item);
    }
    items.extend(keywords(CODE_KEYWORDS, replace));
    items
}

fn keywords(words: &[&str], replace: Span) -> Vec<Completion> {
    words.iter().map(|word| plain(word, CompletionKind::Keyword, replace)).collect()
}

fn plain(label: &str, kind: CompletionKind, replace: Span) -> Completion {
    Completion {
        label: label.to_string(),
        kind,
        detail: None,
        documentation: None,
        replace,
        insert: label.to_string(),
    }
}

// ------------------------------------------------------------------ strings

/// Inside the first argument of a call whose parameter names a status or priority: the
/// platform's names.
fn name_check_completions(analysis: &Analysis, tokens: &Tokens, at: &StringAt) -> Vec<Completion> {
    let Some(call) = tokens.call_before(at) else { return Vec::new() };
    let facts = analysis.facts();
    let receiver = facts
        .members
        .iter()
        .find(|m| m.name_span == call.method_span && m.is_call)
        .map(|m| m.receiver.clone())
        // The tree may have lost the call to a syntax error; a helper is known by its name.
        .or_else(|| call.receiver.as_deref().and_then(globals::global).map(|g| g.ty()));
    let Some(receiver) = receiver else { return Vec::new() };
    let platform = facts.platform.as_ref();
    let Some(Member::HelperMethod(method)) = members::member(&receiver, platform, &call.method, true) else {
        return Vec::new();
    };
    let (Some(check), Some(platform)) = (method.check, platform) else { return Vec::new() };
    let (kind, names) = match check {
        NameCheck::Status => ("status", &platform.statuses),
        NameCheck::Priority => ("priority", &platform.priorities),
    };
    names
        .iter()
        .map(|(code, name)| Completion {
            label: name.clone(),
            kind: CompletionKind::Value,
            detail: Some(format!("{} {kind} {code}", platform.display_name)),
            documentation: None,
            replace: at.content,
            insert: escape_for_string(name),
        })
        .collect()
}

/// `text` as it must be written between quotes of any kind.
fn escape_for_string(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '\\' | '"' | '\'' | '$') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped
}

/// Inside `trigger ticket "…"`: field names, `AND`/`OR` after a condition, and after
/// `field:` the field's codes.
fn query_completions(analysis: &Analysis, at: &StringAt, offset: usize) -> Vec<Completion> {
    let Some(platform) = analysis.facts().platform.as_ref() else { return Vec::new() };
    let text = analysis.text();
    let content_start = at.content.start as usize;
    let typed = &text[content_start..offset];
    let condition_start =
        typed.rfind([' ', '\t', '(', ')']).map_or(content_start, |at| content_start + at + 1);
    let condition = &text[condition_start..offset];
    if let Some(colon) = condition.find(':') {
        let field = &condition[..colon];
        let value = condition[colon + 1..].trim_start_matches(['>', '<']);
        let replace = Span::new(offset - value.len(), offset);
        let Some(search) = platform.search.iter().find(|f| f.name == field) else { return Vec::new() };
        return match &search.codes {
            Some(codes) => codes
                .iter()
                .map(|(code, name)| {
                    let mut item = plain(&code.to_string(), CompletionKind::Value, replace);
                    item.detail = Some(name.clone());
                    item
                })
                .collect(),
            None if search.kind == crate::query::FieldKind::Boolean => keywords(&["true", "false"], replace),
            None => Vec::new(),
        };
    }
    let replace = Span::new(condition_start, offset);
    let mut items = Vec::new();
    let before = text[content_start..condition_start].trim_end();
    let last_word = before.rsplit([' ', '\t', '(']).next().unwrap_or_default();
    if before.ends_with(')') || last_word.contains(':') {
        items.extend(keywords(&["AND", "OR"], replace));
    }
    for field in &platform.search {
        let mut item = plain(&field.name, CompletionKind::Field, replace);
        item.detail = Some(field.kind.describe().to_string());
        if field.ticket_attribute != field.name {
            item.documentation = Some(format!("Searches the ticket attribute `{}`.", field.ticket_attribute));
        }
        items.push(item);
    }
    for fact in platform.custom_fields.as_deref().unwrap_or_default() {
        let mut item = plain(&fact.name, CompletionKind::Field, replace);
        item.detail = Some(format!("custom field: {}", fact.kind.describe()));
        items.push(item);
    }
    items
}
