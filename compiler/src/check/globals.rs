//! The names every script sees (DESIGN §2.2): what they are, their types, and where they
//! exist. The checker resolves them from here; the language server shows the same facts.

use replica_grammar::ast::Direction;

use crate::schema::schema;
use crate::types::Type;

/// One name every script sees.
#[derive(Debug)]
pub struct Global {
    pub name: &'static str,
    /// What it is. `None` for the helpers, whose page is in the schema data.
    pub doc: Option<&'static str>,
    /// Set when the name exists only in scripts of this direction.
    pub only_in: Option<Direction>,
}

pub const GLOBALS: &[Global] = &[
    Global {
        name: "entity",
        doc: Some("The local ticket: read it in `outgoing`, change it in `incoming`."),
        only_in: None,
    },
    Global {
        name: "issue",
        doc: Some("Exalate's other name for `entity`, the local ticket."),
        only_in: None,
    },
    Global {
        name: "replica",
        doc: Some(
            "The message between the two sides: filled by `outgoing`, applied to the ticket by `incoming`.",
        ),
        only_in: None,
    },
    Global {
        name: "previous",
        doc: Some("The replica received last time for this twin; null on the first sync."),
        only_in: Some(Direction::Incoming),
    },
    Global {
        name: "firstSync",
        doc: Some("True when the local ticket does not exist yet and this sync creates it."),
        only_in: Some(Direction::Incoming),
    },
    Global { name: "nodeHelper", doc: None, only_in: None },
    Global { name: "commentHelper", doc: None, only_in: None },
    Global { name: "attachmentHelper", doc: None, only_in: None },
    Global { name: "syncHelper", doc: None, only_in: None },
    Global { name: "debug", doc: None, only_in: None },
    Global { name: "log", doc: None, only_in: None },
    Global { name: "connection", doc: Some("This connection: its name and the remote side."), only_in: None },
];

/// The global of this name, if there is one.
pub fn global(name: &str) -> Option<&'static Global> {
    GLOBALS.iter().find(|g| g.name == name)
}

pub fn is_global(name: &str) -> bool {
    global(name).is_some()
}

impl Global {
    /// Its type.
    pub fn ty(&self) -> Type {
        match self.name {
            "entity" | "issue" => Type::Ticket,
            "replica" => Type::Replica,
            "previous" => Type::Replica.nullable(),
            "firstSync" => Type::Bool,
            "connection" => Type::Object("Connection".into()),
            helper if schema().helper(helper).is_some() => Type::Helper(helper.to_string()),
            _ => Type::Any,
        }
    }

    /// Its documentation: its own, or its helper's page.
    pub fn documentation(&self) -> &'static str {
        self.doc.or_else(|| schema().helper(self.name).map(|h| h.doc.as_str())).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_global_has_a_type_and_a_page() {
        for global in GLOBALS {
            assert_ne!(global.ty(), Type::Any, "{}", global.name);
            assert!(!global.documentation().is_empty(), "{}", global.name);
        }
    }
}
