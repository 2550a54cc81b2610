//! JSON at the edges of a run: plain conversion both ways, and the replica's wire form.
//!
//! * [`from_json`]: objects become maps (key order kept), integers `Int`, other numbers
//!   `Decimal` with the shortest digits that read back as the same double (`0.1`, `2.5`; a
//!   written `1.50` arrives as `1.5`, since serde_json keeps numbers as doubles; a number no
//!   decimal can hold, such as `1e300`, is kept as its text).
//! * [`to_json`]: records become objects keyed by their fields' names, **leaving null fields
//!   out** (a replica carries what the script set, and printed records stay readable); dates
//!   become ISO 8601 text (`2026-11-24T08:59:28Z`), decimals numbers, ranges lists, patterns
//!   their source text; closures, which have no JSON form, become null; containers nested
//!   deeper than [`MAX_DEPTH`] (or containing themselves) are cut off as null.
//! * [`replica_from_json`] builds the typed replica record: `status`/`priority` become
//!   `Status`/`Priority` records (from an object, a name or a code), `labels` `Label` records
//!   (from objects or strings), users `User` records, `comments`/`attachments` their records,
//!   `customFields` `CustomField` records (an object with `value`, or a bare value), dates
//!   `Date`s. Missing lists and maps are empty, so scripts can iterate them. **A key the
//!   replica does not have is kept in `customKeys`** (an explicit `customKeys` entry wins), so
//!   a newer peer's extra fields reach scripts instead of being dropped.
//! * [`replica_to_json`] is [`to_json`] of the replica.

use std::fmt;

use indexmap::IndexMap;
use replica_compiler::shapes::shapes;
use rust_decimal::Decimal;
use serde_json::{Map, Number};

use crate::display;
use crate::entity::objects::{self, build};
use crate::ops;
use crate::stdlib::date;
use crate::value::{Key, Value};

/// Containers nested deeper than this are cut off when converting to JSON.
pub const MAX_DEPTH: usize = 200;

/// Why JSON could not become a ticket or a replica: which field (`conversations[1].created_at`)
/// and what was wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Where in the document, dotted (`status`, `comments[0].author.email`); empty for the
    /// document itself.
    pub path: String,
    pub message: String,
}

impl DecodeError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> DecodeError {
        DecodeError { path: path.into(), message: message.into() }
    }

    /// `field`: expected X, found Y.
    pub fn mismatch(path: &str, expected: &str, found: &serde_json::Value) -> DecodeError {
        DecodeError::new(path, format!("expected {expected}, found {}", describe(found)))
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

/// "a string (\"x\")", "an object", … for messages.
pub fn describe(json: &serde_json::Value) -> String {
    match json {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => format!("a boolean ({b})"),
        serde_json::Value::Number(n) => format!("a number ({n})"),
        serde_json::Value::String(s) if s.chars().count() <= 40 => format!("a string ({s:?})"),
        serde_json::Value::String(_) => "a string".into(),
        serde_json::Value::Array(_) => "a list".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

/// `path.key`
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

// ---------------------------------------------------------------------------------------
// Plain conversion
// ---------------------------------------------------------------------------------------

pub fn from_json(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => number(n),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(items) => Value::list(items.iter().map(from_json).collect()),
        serde_json::Value::Object(entries) => {
            Value::map(entries.iter().map(|(k, v)| (Key::str(k), from_json(v))).collect())
        }
    }
}

fn number(n: &Number) -> Value {
    if let Some(i) = n.as_i64() {
        return Value::Int(i);
    }
    if let Some(u) = n.as_u64() {
        return Value::Decimal(Decimal::from(u));
    }
    match n.as_f64().map(ops::double_to_value) {
        Some(Ok(value)) => value,
        _ => Value::str(&n.to_string()),
    }
}

pub fn to_json(value: &Value) -> serde_json::Value {
    to_json_at(value, 0)
}

fn to_json_at(value: &Value, depth: usize) -> serde_json::Value {
    if depth > MAX_DEPTH {
        return serde_json::Value::Null;
    }
    match value {
        Value::Null | Value::Closure(_) | Value::Native(_) => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(n) => serde_json::Value::Number((*n).into()),
        Value::Decimal(d) => decimal(d),
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::Date(millis) => serde_json::Value::String(date::format_iso(*millis)),
        Value::Regex(re) => serde_json::Value::String(re.as_str().to_string()),
        Value::Range { from, to, inclusive } => {
            if ops::range_len(*from, *to, *inclusive) > 100_000 {
                serde_json::Value::String(display::range_literal(*from, *to, *inclusive))
            } else {
                ops::range_values(*from, *to, *inclusive)
                    .map(|n| serde_json::Value::Number(n.into()))
                    .collect()
            }
        }
        Value::List(items) => match items.try_borrow() {
            Ok(items) => items.iter().map(|item| to_json_at(item, depth + 1)).collect(),
            Err(_) => serde_json::Value::Null,
        },
        Value::Map(entries) => match entries.try_borrow() {
            Ok(entries) => serde_json::Value::Object(
                entries.iter().map(|(key, item)| (key_text(key), to_json_at(item, depth + 1))).collect(),
            ),
            Err(_) => serde_json::Value::Null,
        },
        // A map entry: its key and value (not the map it belongs to).
        Value::Record(record) if record.shape.name == "Entry" => {
            let Ok(slots) = record.slots.try_borrow() else { return serde_json::Value::Null };
            let mut object = Map::new();
            object.insert("key".to_string(), to_json_at(&slots[0], depth + 1));
            object.insert("value".to_string(), to_json_at(&slots[1], depth + 1));
            serde_json::Value::Object(object)
        }
        Value::Record(record) => {
            let Ok(slots) = record.slots.try_borrow() else { return serde_json::Value::Null };
            let mut object = Map::new();
            for (slot, item) in record.shape.slots.iter().zip(slots.iter()) {
                if !item.is_null() {
                    object.insert(slot.name.clone(), to_json_at(item, depth + 1));
                }
            }
            serde_json::Value::Object(object)
        }
    }
}

fn key_text(key: &Key) -> String {
    match &key.0 {
        Value::Str(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn decimal(d: &Decimal) -> serde_json::Value {
    if d.scale() == 0 {
        if let Ok(n) = i64::try_from(d.mantissa()) {
            return serde_json::Value::Number(n.into());
        }
        if let Ok(n) = u64::try_from(d.mantissa()) {
            return serde_json::Value::Number(n.into());
        }
    }
    display::format_decimal(d)
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or_else(|| serde_json::Value::String(display::format_decimal(d)), serde_json::Value::Number)
}

// ---------------------------------------------------------------------------------------
// Typed reading, shared with the ticket decoder
// ---------------------------------------------------------------------------------------

/// A string (or null); numbers are accepted as their text, since ids travel both ways.
pub(crate) fn text(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    match json {
        serde_json::Value::Null => Ok(Value::Null),
        serde_json::Value::String(s) => Ok(Value::str(s)),
        serde_json::Value::Number(n) => Ok(Value::str(&n.to_string())),
        other => Err(DecodeError::mismatch(path, "a string", other)),
    }
}

pub(crate) fn string(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    match json {
        serde_json::Value::Null => Ok(Value::Null),
        serde_json::Value::String(s) => Ok(Value::str(s)),
        other => Err(DecodeError::mismatch(path, "a string", other)),
    }
}

pub(crate) fn integer(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    match json {
        serde_json::Value::Null => Ok(Value::Null),
        serde_json::Value::Number(n) if n.is_i64() => Ok(Value::Int(n.as_i64().unwrap_or_default())),
        other => Err(DecodeError::mismatch(path, "an integer", other)),
    }
}

/// An id: an integer, or a string as written (other systems' ids are text: `"10481"`).
pub(crate) fn id(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    match json {
        serde_json::Value::String(s) => Ok(Value::str(s)),
        other => integer(other, path),
    }
}

pub(crate) fn boolean(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    match json {
        serde_json::Value::Null => Ok(Value::Null),
        serde_json::Value::Bool(b) => Ok(Value::Bool(*b)),
        other => Err(DecodeError::mismatch(path, "true or false", other)),
    }
}

/// A timestamp: ISO 8601 text (or milliseconds since the epoch) → `Value::Date`.
pub(crate) fn timestamp(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    match json {
        serde_json::Value::Null => Ok(Value::Null),
        serde_json::Value::String(s) => date::parse_iso(s).map(Value::Date).ok_or_else(|| {
            DecodeError::new(
                path,
                format!("expected an ISO 8601 date such as 2026-11-24T08:59:28Z, found {s:?}"),
            )
        }),
        serde_json::Value::Number(n) if n.is_i64() => Ok(Value::Date(n.as_i64().unwrap_or_default())),
        other => Err(DecodeError::mismatch(path, "a date", other)),
    }
}

pub(crate) fn array<'a>(
    json: &'a serde_json::Value,
    path: &str,
) -> Result<&'a [serde_json::Value], DecodeError> {
    match json {
        serde_json::Value::Null => Ok(&[]),
        serde_json::Value::Array(items) => Ok(items),
        other => Err(DecodeError::mismatch(path, "a list", other)),
    }
}

pub(crate) fn object<'a>(
    json: &'a serde_json::Value,
    path: &str,
) -> Result<Option<&'a Map<String, serde_json::Value>>, DecodeError> {
    match json {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Object(entries) => Ok(Some(entries)),
        other => Err(DecodeError::mismatch(path, "an object", other)),
    }
}

const NULL: serde_json::Value = serde_json::Value::Null;

/// `object[key]`, null when missing.
pub(crate) fn get<'a>(object: &'a Map<String, serde_json::Value>, key: &str) -> &'a serde_json::Value {
    object.get(key).unwrap_or(&NULL)
}

/// A list whose items are decoded by `item` (with their index in the path).
pub(crate) fn list_of(
    json: &serde_json::Value,
    path: &str,
    mut item: impl FnMut(&serde_json::Value, &str) -> Result<Value, DecodeError>,
) -> Result<Value, DecodeError> {
    let items = array(json, path)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, json) in items.iter().enumerate() {
        out.push(item(json, &format!("{path}[{i}]"))?);
    }
    Ok(Value::list(out))
}

// ---------------------------------------------------------------------------------------
// The replica
// ---------------------------------------------------------------------------------------

pub fn replica_from_json(json: &serde_json::Value) -> Result<Value, DecodeError> {
    let Some(entries) = json.as_object() else {
        return Err(DecodeError::new("", format!("a replica must be a JSON object, not {}", describe(json))));
    };
    let shape = shapes().replica();
    let mut slots = vec![Value::Null; shape.len()];
    let mut extra = IndexMap::new();
    let mut custom_keys = IndexMap::new();
    for (key, json) in entries {
        let path = key.as_str();
        let value = match path {
            "key" | "id" | "summary" | "description" | "entityType" | "url" => text(json, path)?,
            "type" => match json {
                // Other systems send the type as an object (`{"name": "Bug"}`).
                serde_json::Value::Object(type_object) => text(get(type_object, "name"), "type.name")?,
                other => text(other, path)?,
            },
            "status" => enum_object("Status", json, path)?,
            "priority" => enum_object("Priority", json, path)?,
            "labels" => list_of(json, path, label)?,
            "reporter" | "assignee" => user(json, path)?,
            "comments" => list_of(json, path, comment)?,
            "attachments" => list_of(json, path, attachment)?,
            "customFields" => custom_fields(json, path)?,
            "customKeys" => {
                if let Some(object) = object(json, path)? {
                    custom_keys.extend(object.iter().map(|(k, v)| (Key::str(k), from_json(v))));
                }
                continue;
            }
            "created" | "updated" => timestamp(json, path)?,
            _ => {
                extra.insert(Key::str(key), from_json(json));
                continue;
            }
        };
        if let Some(slot) = shape.slot(path) {
            slots[slot as usize] = value;
        }
    }
    extra.extend(custom_keys);
    let record = Value::record(shape, slots);
    if let Value::Record(replica) = &record {
        replica.set("customKeys", Value::map(extra));
        fill_empty_collections(replica);
    }
    Ok(record)
}

/// Null lists and maps of a replica become empty ones, so scripts can iterate and add to them.
pub(crate) fn fill_empty_collections(replica: &crate::value::Record) {
    for name in ["labels", "comments", "attachments"] {
        if replica.get(name).is_some_and(|v| v.is_null()) {
            replica.set(name, Value::list(Vec::new()));
        }
    }
    for name in ["customFields", "customKeys"] {
        if replica.get(name).is_some_and(|v| v.is_null()) {
            replica.set(name, Value::map(IndexMap::new()));
        }
    }
}

pub fn replica_to_json(replica: &Value) -> serde_json::Value {
    to_json(replica)
}

/// A status or priority: an object (`{"id": 2, "name": "Open"}`), a name, or a code.
fn enum_object(object_name: &str, json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    Ok(match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::String(name) => build(object_name, &[("name", Value::str(name))]),
        serde_json::Value::Number(_) => build(object_name, &[("id", integer(json, path)?)]),
        serde_json::Value::Object(fields) => build(
            object_name,
            &[
                ("id", id(get(fields, "id"), &join(path, "id"))?),
                ("name", text(get(fields, "name"), &join(path, "name"))?),
                ("description", text(get(fields, "description"), &join(path, "description"))?),
            ],
        ),
        other => return Err(DecodeError::mismatch(path, "a status object, name or code", other)),
    })
}

fn label(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    match json {
        serde_json::Value::String(text) => Ok(objects::label(text)),
        serde_json::Value::Object(fields) => {
            Ok(build("Label", &[("label", text(get(fields, "label"), &join(path, "label"))?)]))
        }
        other => Err(DecodeError::mismatch(path, "a label (`{\"label\": \"…\"}` or a string)", other)),
    }
}

/// A user object: `id`, `email`, `displayName` (or `name`), `username`, `active`.
pub(crate) fn user(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    let Some(fields) = object(json, path)? else { return Ok(Value::Null) };
    let display_name = match get(fields, "displayName") {
        serde_json::Value::Null => get(fields, "name"),
        given => given,
    };
    Ok(build(
        "User",
        &[
            ("id", id(get(fields, "id"), &join(path, "id"))?),
            ("email", text(get(fields, "email"), &join(path, "email"))?),
            ("displayName", text(display_name, &join(path, "displayName"))?),
            ("username", text(get(fields, "username"), &join(path, "username"))?),
            ("active", boolean(get(fields, "active"), &join(path, "active"))?),
        ],
    ))
}

fn comment(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    let Some(fields) = object(json, path)? else {
        return Err(DecodeError::mismatch(path, "a comment object", json));
    };
    let internal = boolean(get(fields, "internal"), &join(path, "internal"))?;
    Ok(build(
        "Comment",
        &[
            ("id", id(get(fields, "id"), &join(path, "id"))?),
            ("body", text(get(fields, "body"), &join(path, "body"))?),
            ("author", user(get(fields, "author"), &join(path, "author"))?),
            ("internal", if internal.is_null() { Value::Bool(false) } else { internal }),
            ("created", timestamp(get(fields, "created"), &join(path, "created"))?),
            ("updated", timestamp(get(fields, "updated"), &join(path, "updated"))?),
            ("remoteId", text(get(fields, "remoteId"), &join(path, "remoteId"))?),
        ],
    ))
}

/// An attachment in the replica's names, or the platforms' (`name`, `content_type`, `size`).
fn attachment(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    let Some(fields) = object(json, path)? else {
        return Err(DecodeError::mismatch(path, "an attachment object", json));
    };
    let either = |a: &str, b: &str| match get(fields, a) {
        serde_json::Value::Null => (get(fields, b), b.to_string()),
        given => (given, a.to_string()),
    };
    let (filename, filename_key) = either("filename", "name");
    let (mimetype, mimetype_key) = either("mimetype", "content_type");
    let (filesize, filesize_key) = either("filesize", "size");
    let (created, created_key) = either("created", "created_at");
    Ok(build(
        "Attachment",
        &[
            ("id", id(get(fields, "id"), &join(path, "id"))?),
            ("filename", text(filename, &join(path, &filename_key))?),
            ("mimetype", text(mimetype, &join(path, &mimetype_key))?),
            ("filesize", integer(filesize, &join(path, &filesize_key))?),
            ("created", timestamp(created, &join(path, &created_key))?),
        ],
    ))
}

/// `customFields`: name → `{"name", "type", "value"}` (any of them), or name → a bare value.
fn custom_fields(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    let mut out = IndexMap::new();
    if let Some(fields) = object(json, path)? {
        for (name, json) in fields {
            let at = join(path, name);
            let field = match json {
                serde_json::Value::Object(parts)
                    if parts.keys().all(|k| matches!(k.as_str(), "name" | "type" | "value")) =>
                {
                    let value = from_json(get(parts, "value"));
                    let name_value = match text(get(parts, "name"), &join(&at, "name"))? {
                        Value::Null => Value::str(name),
                        given => given,
                    };
                    let kind = match text(get(parts, "type"), &join(&at, "type"))? {
                        Value::Null => Value::str(objects::guess_kind(&value)),
                        given => given,
                    };
                    build("CustomField", &[("name", name_value), ("type", kind), ("value", value)])
                }
                bare => {
                    let value = from_json(bare);
                    objects::custom_field(name, objects::guess_kind(&value), value)
                }
            };
            out.insert(Key::str(name), field);
        }
    }
    Ok(Value::map(out))
}
