//! The outline of a file: its platform, triggers, `outgoing` and `incoming` scripts,
//! functions, classes (with their members) and tests.

use replica_grammar::ast::{Class, Function, ItemKind, MemberKind, Param};
use replica_grammar::Span;

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// A short addition shown beside the name: a function's parameters, a trigger's query.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// All of it.
    pub span: Span,
    /// The part to select when it is picked (its name).
    pub selection: Span,
    pub children: Vec<Symbol>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Platform,
    Trigger,
    Script,
    Function,
    Class,
    Method,
    Constructor,
    Field,
    Test,
}

pub(super) fn symbols(file: &replica_grammar::ast::File, text: &str) -> Vec<Symbol> {
    let mut symbols = Vec::new();
    for item in &file.items {
        let leaf = |name: String, detail: Option<String>, kind, selection| Symbol {
            name,
            detail,
            kind,
            span: item.span,
            selection,
            children: Vec::new(),
        };
        let head = |word: &str| Span::new(item.span.start as usize, item.span.start as usize + word.len());
        let symbol = match &item.kind {
            ItemKind::Platform { name } => {
                leaf(format!("platform {}", name.name), None, SymbolKind::Platform, name.span)
            }
            ItemKind::Trigger { entity, query, .. } => leaf(
                format!("trigger {}", entity.name),
                Some(query.clone()),
                SymbolKind::Trigger,
                entity.span,
            ),
            ItemKind::Script { direction, .. } => {
                let word = direction.keyword();
                leaf(word.to_string(), None, SymbolKind::Script, head(word))
            }
            ItemKind::Test { name, .. } => {
                leaf(format!("test \"{name}\""), None, SymbolKind::Test, head("test"))
            }
            ItemKind::Function(function) => function_symbol(function, SymbolKind::Function),
            ItemKind::Class(class) => class_symbol(class),
            ItemKind::Package { .. } | ItemKind::Import { .. } | ItemKind::Stmt(_) | ItemKind::Error => {
                continue
            }
        };
        symbols.push(symbol);
    }
    // Spans must lie inside the text even after recovery from syntax errors.
    let end = text.len();
    for symbol in &mut symbols {
        clamp(symbol, end);
    }
    symbols
}

fn function_symbol(function: &Function, kind: SymbolKind) -> Symbol {
    Symbol {
        name: function.name.name.clone(),
        detail: Some(parameters(&function.params)),
        kind,
        span: function.span,
        selection: function.name.span,
        children: Vec::new(),
    }
}

/// `(String s, limit)`
fn parameters(params: &[Param]) -> String {
    let params: Vec<String> = params
        .iter()
        .map(|p| match &p.ty {
            Some(ty) => format!("{} {}", ty.name.dotted(), p.name.name),
            None => p.name.name.clone(),
        })
        .collect();
    format!("({})", params.join(", "))
}

fn class_symbol(class: &Class) -> Symbol {
    let mut children = Vec::new();
    for member in &class.members {
        match &member.kind {
            MemberKind::Field(decl) => children.extend(decl.vars.iter().map(|var| Symbol {
                name: var.name.name.clone(),
                detail: decl.ty.as_ref().map(|ty| ty.name.dotted()),
                kind: SymbolKind::Field,
                span: member.span,
                selection: var.name.span,
                children: Vec::new(),
            })),
            MemberKind::Method(method) => children.push(function_symbol(method, SymbolKind::Method)),
            MemberKind::Constructor { name, params, .. } => children.push(Symbol {
                name: name.name.clone(),
                detail: Some(parameters(params)),
                kind: SymbolKind::Constructor,
                span: member.span,
                selection: name.span,
                children: Vec::new(),
            }),
            MemberKind::Class(inner) => children.push(class_symbol(inner)),
            MemberKind::Initializer { .. } | MemberKind::EnumConstants(_) | MemberKind::Error => {}
        }
    }
    Symbol {
        name: class.name.name.clone(),
        detail: None,
        kind: SymbolKind::Class,
        span: class.span,
        selection: class.name.span,
        children,
    }
}

/// Keeps a symbol's spans inside the text and its name inside its whole, as the protocol
/// requires.
fn clamp(symbol: &mut Symbol, end: usize) {
    let end = u32::try_from(end).unwrap_or(u32::MAX);
    let span = &mut symbol.span;
    span.end = span.end.min(end);
    span.start = span.start.min(span.end);
    let selection = &mut symbol.selection;
    selection.end = selection.end.clamp(span.start, span.end);
    selection.start = selection.start.clamp(span.start, selection.end);
    for child in &mut symbol.children {
        clamp(child, end as usize);
    }
}
