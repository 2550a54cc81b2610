//! Go to definition: where the variable, parameter, function or class at the cursor is
//! declared, as the checker resolved it.

use replica_grammar::Span;

use super::{touches, Analysis};
use crate::check::facts::Target;

pub(super) fn definition(analysis: &Analysis, offset: usize) -> Option<Span> {
    let facts = analysis.facts();
    let reference = facts.references.iter().filter(|r| touches(r.span, offset)).min_by_key(|r| r.span.len());
    if let Some(reference) = reference {
        return match reference.target {
            Target::Local(declared) | Target::Function(declared) | Target::Class(declared) => Some(declared),
            Target::Builtin => None,
        };
    }
    // On a declaration itself: it is its own definition.
    facts.declarations.iter().filter_map(|local| local.span).find(|span| touches(*span, offset))
}
