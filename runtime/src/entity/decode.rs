//! A platform's ticket JSON straight into the typed ticket record (DESIGN §4: decoded once,
//! never looked up by name at run time).
//!
//! The Exalate view slots get typed values: `key` is the id as text, `status`/`priority` are
//! records with the platform's name for the code, `labels` come from `tags`, `reporter` from
//! the directory (by `requester_id`) or the embedded `requester`, `assignee` from
//! `responder_id`, `comments` from `conversations` (`internal` = `private`; `remoteId` is the
//! twin's id when the note was synced before), `attachments` and `customFields` in Exalate's
//! shapes, `created`/`updated` dates. Every other slot is the REST attribute converted plainly,
//! checked against its schema type (an integer where the schema says integer, dates parsed).
//! A missing list or map attribute that scripts may write (`tags`, `custom_fields`,
//! `cc_emails`) is empty, so `entity.tags += […]` works on any ticket.

use std::collections::HashMap;

use indexmap::IndexMap;
use replica_compiler::shapes::{shapes, Slot};
use replica_compiler::types::Type;
use serde_json::Map;

use super::objects::{self, build, Enum};
use crate::host::Host;
use crate::json::{self, get, DecodeError};
use crate::value::{Key, Value};

type Object = Map<String, serde_json::Value>;

pub fn decode(host: &Host, json: &serde_json::Value) -> Result<Value, DecodeError> {
    let ticket = unwrap(json)?;
    let shape = shapes().ticket(&host.platform.name).ok_or_else(|| {
        DecodeError::new("", format!("there is no ticket schema for platform `{}`", host.platform.name))
    })?;
    let twins: HashMap<i64, &str> =
        host.comment_twins.iter().map(|(remote, local)| (*local, remote.as_str())).collect();
    let mut slots = Vec::with_capacity(shape.len());
    for slot in &shape.slots {
        slots.push(if slot.view { view(host, ticket, slot, &twins)? } else { rest(host, ticket, slot)? });
    }
    Ok(Value::record(shape, slots))
}

/// The ticket object: Freshdesk sends it bare, Freshservice wrapped in `{"ticket": …}`.
fn unwrap(json: &serde_json::Value) -> Result<&Object, DecodeError> {
    let Some(object) = json.as_object() else {
        return Err(DecodeError::new(
            "",
            format!("a ticket must be a JSON object, not {}", json::describe(json)),
        ));
    };
    match object.get("ticket") {
        Some(serde_json::Value::Object(inner)) if !object.contains_key("id") => Ok(inner),
        _ => Ok(object),
    }
}

fn view(host: &Host, ticket: &Object, slot: &Slot, twins: &HashMap<i64, &str>) -> Result<Value, DecodeError> {
    Ok(match slot.name.as_str() {
        "key" => match get(ticket, "id") {
            serde_json::Value::Null => Value::Null,
            id @ (serde_json::Value::Number(_) | serde_json::Value::String(_)) => json::text(id, "id")?,
            other => return Err(DecodeError::mismatch("id", "an integer", other)),
        },
        "status" => enum_value(host, ticket, Enum::Status)?,
        "priority" => enum_value(host, ticket, Enum::Priority)?,
        "labels" => json::list_of(get(ticket, "tags"), "tags", |tag, path| match tag {
            serde_json::Value::String(text) => Ok(objects::label(text)),
            other => Err(DecodeError::mismatch(path, "a string", other)),
        })?,
        "reporter" => reporter(host, ticket)?,
        "assignee" => match json::integer(get(ticket, "responder_id"), "responder_id")? {
            Value::Int(id) => objects::user_with_id(host, id),
            _ => Value::Null,
        },
        "comments" => {
            // Notes by the requester get the embedded requester's name and email when the
            // directory does not know the user.
            let requester = reporter(host, ticket)?;
            json::list_of(get(ticket, "conversations"), "conversations", |note, path| {
                comment(host, note, path, twins, &requester)
            })?
        }
        "attachments" => json::list_of(get(ticket, "attachments"), "attachments", attachment)?,
        "customFields" => custom_fields(host, ticket)?,
        "entityType" => Value::str("ticket"),
        // `summary`, `description`, `type`, `created`, `updated`, and any view field added to
        // the schema later: the REST attribute it stands for, typed.
        _ => match &slot.rest {
            Some(rest) => typed(get(ticket, rest), &slot.ty, rest)?,
            None => Value::Null,
        },
    })
}

fn enum_value(host: &Host, ticket: &Object, which: Enum) -> Result<Value, DecodeError> {
    Ok(match json::integer(get(ticket, which.noun()), which.noun())? {
        Value::Int(code) => objects::enum_record(which, &host.platform, code),
        _ => Value::Null,
    })
}

/// The requester: the directory's entry, else the embedded `requester` object
/// (`include=requester`), else a user with only the id.
fn reporter(host: &Host, ticket: &Object) -> Result<Value, DecodeError> {
    let id = json::integer(get(ticket, "requester_id"), "requester_id")?;
    if let Value::Int(id) = id {
        if let Some(user) = host.user_by_id(id) {
            return Ok(objects::user_from_directory(user));
        }
    }
    let embedded = json::user(get(ticket, "requester"), "requester")?;
    if !embedded.is_null() {
        return Ok(embedded);
    }
    Ok(match id {
        Value::Int(id) => objects::user_with_id(host, id),
        _ => Value::Null,
    })
}

fn comment(
    host: &Host,
    note: &serde_json::Value,
    path: &str,
    twins: &HashMap<i64, &str>,
    requester: &Value,
) -> Result<Value, DecodeError> {
    let Some(fields) = json::object(note, path)? else {
        return Err(DecodeError::mismatch(path, "a conversation object", note));
    };
    let at = |key: &str| json::join(path, key);
    let id = json::integer(get(fields, "id"), &at("id"))?;
    let author = match json::integer(get(fields, "user_id"), &at("user_id"))? {
        Value::Int(user)
            if host.user_by_id(user).is_none()
                && matches!(objects::field(requester, "id"), Some(Value::Int(id)) if id == user) =>
        {
            requester.clone()
        }
        Value::Int(user) => objects::user_with_id(host, user),
        _ => Value::Null,
    };
    let remote_id = match id {
        Value::Int(id) => twins.get(&id).map_or(Value::Null, |remote| Value::str(remote)),
        _ => Value::Null,
    };
    let private = json::boolean(get(fields, "private"), &at("private"))?;
    Ok(build(
        "Comment",
        &[
            ("id", id),
            ("body", json::string(get(fields, "body"), &at("body"))?),
            ("author", author),
            ("internal", if private.is_null() { Value::Bool(false) } else { private }),
            ("created", json::timestamp(get(fields, "created_at"), &at("created_at"))?),
            ("updated", json::timestamp(get(fields, "updated_at"), &at("updated_at"))?),
            ("remoteId", remote_id),
        ],
    ))
}

fn attachment(json: &serde_json::Value, path: &str) -> Result<Value, DecodeError> {
    let Some(fields) = json::object(json, path)? else {
        return Err(DecodeError::mismatch(path, "an attachment object", json));
    };
    let at = |key: &str| json::join(path, key);
    // The documentation's samples use both `size` and `file_size`.
    let (size, size_key) = match get(fields, "size") {
        serde_json::Value::Null => (get(fields, "file_size"), "file_size"),
        given => (given, "size"),
    };
    Ok(build(
        "Attachment",
        &[
            ("id", json::integer(get(fields, "id"), &at("id"))?),
            ("filename", json::string(get(fields, "name"), &at("name"))?),
            ("mimetype", json::string(get(fields, "content_type"), &at("content_type"))?),
            ("filesize", json::integer(size, &at(size_key))?),
            ("created", json::timestamp(get(fields, "created_at"), &at("created_at"))?),
        ],
    ))
}

fn custom_fields(host: &Host, ticket: &Object) -> Result<Value, DecodeError> {
    let mut out = IndexMap::new();
    if let Some(fields) = json::object(get(ticket, "custom_fields"), "custom_fields")? {
        for (name, json) in fields {
            let value = json::from_json(json);
            let kind = objects::custom_kind(&host.platform, name, &value);
            out.insert(Key::str(name), objects::custom_field(name, kind, value));
        }
    }
    Ok(Value::map(out))
}

/// A raw REST attribute, checked against its schema type.
fn rest(host: &Host, ticket: &Object, slot: &Slot) -> Result<Value, DecodeError> {
    let name = slot.rest.as_deref().unwrap_or(&slot.name);
    match ticket.get(name) {
        Some(json) => typed(json, &slot.ty, name),
        None => {
            let writable =
                !slot.read_only && !host.platform.ticket_field(name).is_some_and(|field| field.write_only);
            Ok(match slot.ty.non_null() {
                Type::List(_) if writable => Value::list(Vec::new()),
                Type::Map(_, _) if writable => Value::map(IndexMap::new()),
                _ => Value::Null,
            })
        }
    }
}

/// A JSON value as a value of schema type `ty` (null is allowed for every type: the platforms
/// send blank fields as null).
pub(crate) fn typed(json: &serde_json::Value, ty: &Type, path: &str) -> Result<Value, DecodeError> {
    match ty.non_null() {
        Type::Int => json::integer(json, path),
        Type::String => json::string(json, path),
        Type::Bool => json::boolean(json, path),
        Type::Date | Type::DateTime => json::timestamp(json, path),
        Type::Decimal => match json {
            serde_json::Value::Null | serde_json::Value::Number(_) => Ok(json::from_json(json)),
            other => Err(DecodeError::mismatch(path, "a number", other)),
        },
        Type::List(_) => {
            json::array(json, path)?;
            Ok(json::from_json(json))
        }
        Type::Map(_, _) => {
            json::object(json, path)?;
            Ok(json::from_json(json))
        }
        _ => Ok(json::from_json(json)),
    }
}
