//! What a value offers after a dot: the schema fields of the ticket, the replica and the
//! value objects, the methods of the helpers, and the Groovy methods of strings, numbers,
//! lists, maps and dates. The checker looks members up here; the language server lists them
//! for completion and shows their pages on hover, so both see the same members.

use crate::methods::{self, GroovyMethod, Receiver};
use crate::schema::{schema, Field, Method, Platform};
use crate::types::Type;

/// One member of a type.
#[derive(Clone, Copy, Debug)]
pub enum Member<'a> {
    Field(&'a Field),
    HelperMethod(&'static Method),
    GroovyMethod(&'static GroovyMethod),
}

/// The fields of a ticket: the Exalate names first, then the platform's REST attributes
/// (the order in which a name is looked up).
pub fn ticket_fields(platform: Option<&Platform>) -> impl Iterator<Item = &Field> {
    schema().entity_view.iter().chain(platform.into_iter().flat_map(|p| &p.ticket))
}

/// The schema fields of a value of type `ty`: a ticket's, the replica's or a schema
/// object's. Other types have none.
pub fn fields<'a>(ty: &Type, platform: Option<&'a Platform>) -> Vec<&'a Field> {
    match ty.non_null() {
        Type::Ticket => ticket_fields(platform).collect(),
        Type::Replica => schema().replica.iter().collect(),
        Type::Object(object) => {
            schema().objects.get(object).map(|o| o.fields.iter().collect()).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The field `name` of a value of type `ty`.
pub fn field<'a>(ty: &Type, platform: Option<&'a Platform>, name: &str) -> Option<&'a Field> {
    match ty.non_null() {
        Type::Ticket => ticket_fields(platform).find(|f| f.name == name),
        Type::Replica => schema().replica_field(name),
        Type::Object(object) => schema().object_field(object, name),
        _ => None,
    }
}

/// The methods of a value of type `ty`: a helper's, or the Groovy methods of its kind.
pub fn methods(ty: &Type) -> Vec<Member<'static>> {
    match ty.non_null() {
        Type::Helper(helper) => schema()
            .helper(helper)
            .map(|h| h.methods.iter().map(Member::HelperMethod).collect())
            .unwrap_or_default(),
        other => match Receiver::of_type(other) {
            Some(receiver) => methods::registry()
                .names(receiver)
                .into_iter()
                .filter_map(|name| methods::lookup(receiver, name))
                .map(Member::GroovyMethod)
                .collect(),
            None => Vec::new(),
        },
    }
}

/// The member `name` of a value of type `ty`: a method when it is called, else a field (or,
/// for a Groovy getter written as a property, the method).
pub fn member<'a>(
    ty: &Type,
    platform: Option<&'a Platform>,
    name: &str,
    is_call: bool,
) -> Option<Member<'a>> {
    let method = || match ty.non_null() {
        Type::Helper(helper) => {
            schema().helper(helper)?.methods.iter().find(|m| m.name == name).map(Member::HelperMethod)
        }
        other => methods::lookup(Receiver::of_type(other)?, name).map(Member::GroovyMethod),
    };
    if is_call {
        method()
    } else {
        field(ty, platform, name).map(Member::Field).or_else(method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_members_up_by_type() {
        let freshdesk = schema().platform("freshdesk");
        // The Exalate name wins over a REST attribute of the same name.
        let description = field(&Type::Ticket, freshdesk, "description").unwrap();
        assert_eq!(description.rest.as_deref(), Some("description"));
        assert!(field(&Type::Ticket, freshdesk, "group_id").is_some());
        assert!(field(&Type::Ticket, None, "group_id").is_none());
        assert!(field(&Type::Object("Status".into()).nullable(), None, "name").is_some());
        assert!(matches!(
            member(&Type::Helper("nodeHelper".into()), None, "getStatus", true),
            Some(Member::HelperMethod(m)) if m.name == "getStatus"
        ));
        assert!(matches!(member(&Type::String, None, "trim", true), Some(Member::GroovyMethod(_))));
        assert!(methods(&Type::List(Box::new(Type::Any))).len() > 20);
        assert!(methods(&Type::Any).is_empty());
    }
}
