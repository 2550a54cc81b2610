//! What the checker learns about names and members while it walks a file, kept for the
//! editor (hover, go to definition, completion) when asked; `replica check` does not pay
//! for it.
//!
//! The checker is the one place that resolves names and types expressions, so the language
//! server asks it instead of resolving anything again: each resolved name, each `x.name`
//! with the type of `x`, each declaration, and — at one *probe* offset, where completion was
//! asked — the names in scope.

use replica_grammar::ast::Direction;
use replica_grammar::Span;

use crate::schema::Platform;
use crate::types::Type;

/// Everything recorded during one check.
#[derive(Debug, Default)]
pub struct Facts {
    /// Names used in the file and what they resolved to, in the order they were checked.
    pub references: Vec<Reference>,
    /// `x.name`, `x?.name(…)`: the member's name and what `x` is.
    pub members: Vec<MemberUse>,
    /// Variables and parameters where they are declared.
    pub declarations: Vec<Local>,
    /// What is in scope at the probe offset, when a name was checked there.
    pub scope_at_probe: Option<ProbeScope>,
    /// The platform the file runs on, with the schema lock's facts applied.
    pub platform: Option<Platform>,
}

/// A use of a name.
#[derive(Clone, Debug)]
pub struct Reference {
    pub span: Span,
    pub name: String,
    pub target: Target,
    pub ty: Type,
}

/// What a name stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A variable or parameter declared at this span.
    Local(Span),
    /// A top-level function whose name is at this span.
    Function(Span),
    /// A helper class whose name is at this span.
    Class(Span),
    /// A name every script sees (`entity`, `nodeHelper`, …) or one a closure brings (`it`).
    Builtin,
}

/// `target.name` or `target.name(…)`.
#[derive(Clone, Debug)]
pub struct MemberUse {
    pub name: String,
    pub name_span: Span,
    /// The type of the target (the receiver of a call).
    pub receiver: Type,
    pub is_call: bool,
    /// Set when the target is the ticket's custom-field map (`entity.custom_fields`,
    /// `entity.customFields`): its keys are the instance's custom fields.
    pub custom_fields: bool,
}

/// The scope at the probe offset.
#[derive(Clone, Debug)]
pub struct ProbeScope {
    /// Variables and parameters, outermost first (a later one hides an earlier namesake).
    pub locals: Vec<Local>,
    /// The direction of the script around it; `None` in functions, classes and tests.
    pub direction: Option<Direction>,
    /// Whether it is in a script body.
    pub in_script: bool,
}

/// A variable, parameter or script name in scope.
#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    /// Where it is declared; `None` for names the language provides.
    pub span: Option<Span>,
    pub ty: Type,
}

/// The recorder the checker writes to when facts are wanted.
#[derive(Debug)]
pub(crate) struct Recorder {
    pub facts: Facts,
    /// The offset completion was asked at.
    pub probe: Option<usize>,
}

impl Recorder {
    pub fn new(probe: Option<usize>) -> Recorder {
        Recorder { facts: Facts::default(), probe }
    }

    /// Whether a name written at `span` is where completion was asked (the cursor may sit
    /// at its end).
    pub fn is_probe(&self, span: Span) -> bool {
        self.probe.is_some_and(|at| span.start as usize <= at && at <= span.end as usize)
    }
}

/// A local's declaration span, or `None` for names without one in the file.
pub(crate) fn declared_at(span: Span) -> Option<Span> {
    (span != Span::default()).then_some(span)
}
