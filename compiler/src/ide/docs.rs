//! The Markdown pages the editor shows — on hover and beside completions — for fields,
//! methods, names and diagnostic codes. Every word comes from the schema data, the method
//! registry and the code registry; nothing is described here a second time.

use std::fmt::Write;

use crate::check::globals::Global;
use crate::codes::CodeDoc;
use crate::members::Member;
use crate::methods::GroovyMethod;
use crate::schema::{Field, Method};
use crate::types::Type;

/// A Groovy code block.
fn code(text: &str) -> String {
    format!("```groovy\n{text}\n```")
}

/// The one-line signature of a member, as a completion shows it beside the name.
pub(super) fn member_detail(member: &Member, owner: &str) -> String {
    match member {
        Member::Field(field) => field.ty.to_string(),
        Member::HelperMethod(method) => format!("{owner}.{}", method.signature()),
        Member::GroovyMethod(method) => method.signature(),
    }
}

/// The page of a member of a value whose type is `owner` (`Ticket`, `nodeHelper`, …).
pub(super) fn member_page(member: &Member, owner: &str) -> String {
    match member {
        Member::Field(field) => field_page(field, owner),
        Member::HelperMethod(method) => helper_method_page(method, owner),
        Member::GroovyMethod(method) => groovy_method_page(method),
    }
}

fn field_page(field: &Field, owner: &str) -> String {
    let mut page = code(&format!("{owner}.{}: {}", field.name, field.ty));
    if !field.doc.is_empty() {
        let _ = write!(page, "\n\n{}", field.doc);
    }
    let mut facts = Vec::new();
    if let Some(rest) = field.rest.as_deref().filter(|rest| *rest != field.name) {
        facts.push(format!("REST attribute `{rest}`"));
    }
    if field.read_only {
        facts.push("read-only".to_string());
    }
    if field.write_only {
        facts.push("write-only".to_string());
    }
    if let Some(codes) = &field.codes {
        let listed: Vec<String> = codes.iter().map(|(code, name)| format!("{code} {name}")).collect();
        facts.push(format!("codes: {}", listed.join(", ")));
    }
    if let Some(choices) = &field.choices {
        facts.push(format!("one of: {}", choices.join(", ")));
    }
    if !facts.is_empty() {
        let _ = write!(page, "\n\n{}", facts.join(" · "));
    }
    page
}

fn helper_method_page(method: &Method, helper: &str) -> String {
    format!(
        "{}\n\n{}\n\nExample:\n\n{}",
        code(&format!("{helper}.{}", method.signature())),
        method.doc,
        code(&method.example)
    )
}

fn groovy_method_page(method: &GroovyMethod) -> String {
    let examples: Vec<String> = method
        .examples
        .iter()
        .take(3)
        .map(|(snippet, printed)| format!("{snippet}   // {printed}"))
        .collect();
    let mut page = format!("{}\n\n{}", code(&method.signature()), method.doc);
    if !examples.is_empty() {
        let _ = write!(page, "\n\n{}", code(&examples.join("\n")));
    }
    page
}

/// A variable or parameter with its type.
pub(super) fn local_page(name: &str, ty: &Type) -> String {
    code(&format!("{name}: {ty}"))
}

pub(super) fn global_page(global: &Global) -> String {
    let mut page =
        format!("{}\n\n{}", code(&format!("{}: {}", global.name, global.ty())), global.documentation());
    if let Some(direction) = global.only_in {
        let _ = write!(page, "\n\nOnly in `{}` scripts.", direction.keyword());
    }
    page
}

/// A function or class as written (its head), with the `//` comments above it.
pub(super) fn declaration_page(head: &str, comments: &str) -> String {
    let mut page = code(head);
    if !comments.is_empty() {
        let _ = write!(page, "\n\n{comments}");
    }
    page
}

/// The page `replica explain CODE` prints, in short: title and explanation.
pub(super) fn code_page(doc: &CodeDoc) -> String {
    format!(
        "**{}**: {}\n\n{}\n\n`replica explain {}` shows an example and its fix.",
        doc.code, doc.title, doc.explanation, doc.code
    )
}
