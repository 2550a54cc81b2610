//! The schema's value objects as records (`Status`, `Priority`, `User`, `Comment`,
//! `Attachment`, `Label`, `CustomField`): building them, reading their fields, and looking
//! status and priority names up on the local platform. Decoding, assignment and the helpers
//! all build objects here, so one object always has one shape.

use std::rc::Rc;
use std::sync::Arc;

use replica_compiler::schema::Platform;
use replica_compiler::shapes::{shapes, Shape};

use crate::host::{DirectoryUser, Host};
use crate::value::{Record, Value};

/// The shape of schema object `name`. The names used in this crate are the built-in schema's
/// (tested), so a missing one is a broken build, not bad input.
pub fn shape(name: &str) -> &'static Arc<Shape> {
    shapes().object(name).unwrap_or_else(|| panic!("the schema has no `{name}` object"))
}

/// Whether `name` is one of the schema's objects (not the ticket, the replica or a script class).
pub fn is_schema_object(name: &str) -> bool {
    replica_compiler::schema::schema().objects.contains_key(name)
}

/// A record of object `name` with the given fields set and the rest null.
pub fn build(name: &str, fields: &[(&str, Value)]) -> Value {
    let shape = shape(name);
    let mut slots = vec![Value::Null; shape.len()];
    for (field, value) in fields {
        if let Some(slot) = shape.slot(field) {
            slots[slot as usize] = value.clone();
        }
    }
    Value::record(shape, slots)
}

/// The record when `value` is an object of shape `name`.
pub fn as_object<'a>(value: &'a Value, name: &str) -> Option<&'a Rc<Record>> {
    match value {
        Value::Record(record) if record.shape.name == name => Some(record),
        _ => None,
    }
}

/// Field `name` of a record (any shape) or a map; `None` for other values or a missing field.
pub fn field(value: &Value, name: &str) -> Option<Value> {
    match value {
        Value::Record(record) => record.get(name),
        Value::Map(map) => map.borrow().get(&crate::value::Key::str(name)).cloned(),
        _ => None,
    }
}

/// Field `name` as a string, when it is one.
pub fn str_field(value: &Value, name: &str) -> Option<Rc<str>> {
    match field(value, name)? {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// A copy of a record with its own slots (the values in them are shared).
pub fn copy(record: &Record) -> Rc<Record> {
    Rc::new(Record { shape: record.shape.clone(), slots: record.slots.clone() })
}

/// An id as the text twin tables key it by: `9001` and `"9001"` are the same comment.
pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::Int(n) => Some(n.to_string()),
        Value::Str(s) if !s.is_empty() => Some(s.to_string()),
        Value::Decimal(d) if d.fract().is_zero() => Some(d.trunc().to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Status and priority
// ---------------------------------------------------------------------------------------

/// Which enumeration of the platform: statuses or priorities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enum {
    Status,
    Priority,
}

impl Enum {
    pub fn object(self) -> &'static str {
        match self {
            Enum::Status => "Status",
            Enum::Priority => "Priority",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Enum::Status => "status",
            Enum::Priority => "priority",
        }
    }

    pub fn codes(self, platform: &Platform) -> &[(i64, String)] {
        match self {
            Enum::Status => &platform.statuses,
            Enum::Priority => &platform.priorities,
        }
    }
}

/// The code and the platform's spelling of a name: exact first, then ignoring case
/// (`"open"` finds `Open`).
pub fn find_name<'a>(codes: &'a [(i64, String)], name: &str) -> Option<(i64, &'a str)> {
    let name = name.trim();
    codes
        .iter()
        .find(|(_, n)| n == name)
        .or_else(|| codes.iter().find(|(_, n)| n.eq_ignore_ascii_case(name)))
        .map(|(code, n)| (*code, n.as_str()))
}

pub fn find_code(codes: &[(i64, String)], code: i64) -> Option<&str> {
    codes.iter().find(|(c, _)| *c == code).map(|(_, n)| n.as_str())
}

/// `Open, Pending, Resolved, …` for messages.
pub fn names(codes: &[(i64, String)]) -> String {
    codes.iter().map(|(code, name)| format!("{name} ({code})")).collect::<Vec<_>>().join(", ")
}

/// A status or priority record for a code; a code the schema does not know keeps its id and
/// has a null name (instances can define their own statuses).
pub fn enum_record(which: Enum, platform: &Platform, code: i64) -> Value {
    let name = find_code(which.codes(platform), code).map_or(Value::Null, Value::str);
    build(which.object(), &[("id", Value::Int(code)), ("name", name)])
}

/// The record for a name of the platform, or `None`.
pub fn enum_by_name(which: Enum, platform: &Platform, name: &str) -> Option<Value> {
    let (code, name) = find_name(which.codes(platform), name)?;
    Some(build(which.object(), &[("id", Value::Int(code)), ("name", Value::str(name))]))
}

// ---------------------------------------------------------------------------------------
// Users, labels, custom fields
// ---------------------------------------------------------------------------------------

pub fn user_from_directory(user: &DirectoryUser) -> Value {
    build(
        "User",
        &[
            ("id", Value::Int(user.id)),
            ("email", user.email.as_deref().map_or(Value::Null, Value::str)),
            ("displayName", Value::str(&user.name)),
            ("active", Value::Bool(user.active)),
        ],
    )
}

/// The user with this id: from the directory when it knows them, else a user with only the id.
pub fn user_with_id(host: &Host, id: i64) -> Value {
    match host.user_by_id(id) {
        Some(user) => user_from_directory(user),
        None => build("User", &[("id", Value::Int(id))]),
    }
}

pub fn label(text: &str) -> Value {
    build("Label", &[("label", Value::str(text))])
}

/// The text of a label record or a string (what `labels` and `tags` hold).
pub fn label_text(value: &Value) -> Option<Rc<str>> {
    match value {
        Value::Str(s) => Some(s.clone()),
        Value::Record(_) => str_field(value, "label"),
        _ => None,
    }
}

pub fn custom_field(name: &str, kind: &str, value: Value) -> Value {
    build("CustomField", &[("name", Value::str(name)), ("type", Value::str(kind)), ("value", value)])
}

/// The plain value of a custom field: a `CustomField` record's `value`, anything else as is.
pub fn custom_value(value: &Value) -> Value {
    match as_object(value, "CustomField") {
        Some(record) => record.get("value").unwrap_or(Value::Null),
        None => value.clone(),
    }
}

/// Exalate's type name for a custom field: from the schema lock when it describes the field,
/// else guessed from the value.
pub fn custom_kind(platform: &Platform, name: &str, value: &Value) -> &'static str {
    use replica_compiler::query::FieldKind;
    let known = platform.custom_fields.as_ref().and_then(|fields| fields.iter().find(|f| f.name == name));
    if let Some(fact) = known {
        return match fact.kind {
            FieldKind::Integer => "number",
            FieldKind::Number => "decimal",
            FieldKind::Boolean => "checkbox",
            FieldKind::Date | FieldKind::DateTime => "date",
            FieldKind::String if fact.choices.is_some() => "dropdown",
            FieldKind::String => "text",
        };
    }
    guess_kind(value)
}

/// A custom field's type name guessed from its value (`text` when nothing says otherwise).
pub fn guess_kind(value: &Value) -> &'static str {
    match value {
        Value::Int(_) => "number",
        Value::Decimal(_) => "decimal",
        Value::Bool(_) => "checkbox",
        Value::Date(_) => "date",
        Value::List(_) => "multi_select",
        _ => "text",
    }
}
