//! The schema's value objects as records (`Status`, `Priority`, `User`, `Comment`,
//! `Attachment`, `Label`, `CustomField`): building them, reading their fields, and looking
//! status and priority names up on the local platform. Decoding, assignment and the helpers
//! all build objects here, so one object always has one shape.

use std::rc::Rc;
use std::sync::{Arc, OnceLock};

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

/// Some fields of object `name`, their slots found once: decoders build many objects of a
/// few kinds, and this spares them the look-ups by name.
pub(crate) struct Layout<const N: usize> {
    shape: &'static Arc<Shape>,
    slots: [Option<u16>; N],
}

impl<const N: usize> Layout<N> {
    pub fn new(name: &str, fields: [&str; N]) -> Layout<N> {
        let shape = shape(name);
        Layout { shape, slots: fields.map(|field| shape.slot(field)) }
    }

    /// A record with these fields set (in the order of [`Layout::new`]) and the rest null.
    pub fn build(&self, values: [Value; N]) -> Value {
        let mut slots = vec![Value::Null; self.shape.len()];
        for (slot, value) in self.slots.iter().zip(values) {
            if let Some(slot) = slot {
                slots[usize::from(*slot)] = value;
            }
        }
        Value::record(self.shape, slots)
    }
}

/// A `User` of `[id, email, displayName, username, active]`.
pub(crate) fn user(values: [Value; 5]) -> Value {
    static LAYOUT: OnceLock<Layout<5>> = OnceLock::new();
    LAYOUT
        .get_or_init(|| Layout::new("User", ["id", "email", "displayName", "username", "active"]))
        .build(values)
}

/// A `Comment` of `[id, body, author, internal, created, updated, remoteId]`.
pub(crate) fn comment(values: [Value; 7]) -> Value {
    static LAYOUT: OnceLock<Layout<7>> = OnceLock::new();
    LAYOUT
        .get_or_init(|| {
            Layout::new("Comment", ["id", "body", "author", "internal", "created", "updated", "remoteId"])
        })
        .build(values)
}

/// An `Attachment` of `[id, filename, mimetype, filesize, created]`.
pub(crate) fn attachment(values: [Value; 5]) -> Value {
    static LAYOUT: OnceLock<Layout<5>> = OnceLock::new();
    LAYOUT
        .get_or_init(|| Layout::new("Attachment", ["id", "filename", "mimetype", "filesize", "created"]))
        .build(values)
}

/// A string value for a constant text, one shared `Rc` per thread for each (`"ticket"`,
/// custom-field kinds).
pub(crate) fn shared_str(text: &'static str) -> Value {
    thread_local! {
        static SHARED: std::cell::RefCell<Vec<(&'static str, Rc<str>)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SHARED.with(|shared| {
        let mut shared = shared.borrow_mut();
        // Few texts, compared by address first.
        if let Some((_, s)) = shared.iter().find(|(t, _)| std::ptr::eq(*t, text) || *t == text) {
            return Value::Str(s.clone());
        }
        let s: Rc<str> = Rc::from(text);
        if shared.len() < 64 {
            shared.push((text, s.clone()));
        }
        Value::Str(s)
    })
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
        Value::Map(map) => map.borrow().get(&crate::value::StrKey(name)).cloned(),
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
    enum_layout(which).build([Value::Int(code), name])
}

/// The record for a name of the platform, or `None`.
pub fn enum_by_name(which: Enum, platform: &Platform, name: &str) -> Option<Value> {
    let (code, name) = find_name(which.codes(platform), name)?;
    Some(enum_layout(which).build([Value::Int(code), Value::str(name)]))
}

/// `[id, name]` of a status or priority.
fn enum_layout(which: Enum) -> &'static Layout<2> {
    static LAYOUTS: OnceLock<[Layout<2>; 2]> = OnceLock::new();
    let layouts = LAYOUTS.get_or_init(|| {
        [
            Layout::new(Enum::Status.object(), ["id", "name"]),
            Layout::new(Enum::Priority.object(), ["id", "name"]),
        ]
    });
    &layouts[which as usize]
}

// ---------------------------------------------------------------------------------------
// Users, labels, custom fields
// ---------------------------------------------------------------------------------------

pub fn user_from_directory(directory: &DirectoryUser) -> Value {
    user([
        Value::Int(directory.id),
        directory.email.as_deref().map_or(Value::Null, Value::str),
        Value::str(&directory.name),
        Value::Null,
        Value::Bool(directory.active),
    ])
}

/// The user with this id: from the directory when it knows them, else a user with only the id.
pub fn user_with_id(host: &Host, id: i64) -> Value {
    match host.user_by_id(id) {
        Some(user) => user_from_directory(user),
        None => user([Value::Int(id), Value::Null, Value::Null, Value::Null, Value::Null]),
    }
}

pub fn label(text: &str) -> Value {
    static LAYOUT: OnceLock<Layout<1>> = OnceLock::new();
    LAYOUT.get_or_init(|| Layout::new("Label", ["label"])).build([Value::str(text)])
}

/// The text of a label record or a string (what `labels` and `tags` hold).
pub fn label_text(value: &Value) -> Option<Rc<str>> {
    match value {
        Value::Str(s) => Some(s.clone()),
        Value::Record(_) => str_field(value, "label"),
        _ => None,
    }
}

pub fn custom_field(name: &str, kind: &'static str, value: Value) -> Value {
    custom_field_named(Value::str(name), kind, value)
}

/// [`custom_field`] with the name already a value (shared with the map key).
pub(crate) fn custom_field_named(name: Value, kind: &'static str, value: Value) -> Value {
    static LAYOUT: OnceLock<Layout<3>> = OnceLock::new();
    LAYOUT.get_or_init(|| Layout::new("CustomField", ["name", "type", "value"])).build([
        name,
        shared_str(kind),
        value,
    ])
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
