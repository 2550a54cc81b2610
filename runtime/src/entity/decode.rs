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
//!
//! [`decode_str`] reads JSON text straight onto a tape (`crate::tape`), [`decode`] lays a
//! `serde_json::Value` out on one; the mapping below is the same for both. The ticket's
//! attributes are found in one pass over its members, through a table of the names the
//! mapping reads, made once per platform.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use replica_compiler::shapes::{shapes, Shape, Slot};
use replica_compiler::types::Type;
use rustc_hash::FxHashMap;

use super::objects::{self, Enum};
use crate::host::Host;
use crate::json::{self, mismatch, DecodeError, Path, ReadError};
use crate::tape::{Doc, Json, Kind, Object};
use crate::value::{Key, Value, ValueMap};

pub fn decode(host: &Host, json: &serde_json::Value) -> Result<Value, DecodeError> {
    decode_json(host, Doc::from_value(json).root())
}

/// [`decode`] of JSON text, without building a `serde_json::Value` first.
pub fn decode_str(host: &Host, text: &str) -> Result<Value, ReadError> {
    Ok(decode_json(host, json::parse(text)?.root())?)
}

/// The REST attributes the view slots read, besides the ones named by slots.
const VIEW_SOURCES: [&str; 10] = [
    "id",
    "status",
    "priority",
    "tags",
    "requester_id",
    "requester",
    "responder_id",
    "conversations",
    "attachments",
    "custom_fields",
];

/// What decoding a platform's tickets reads: every attribute name the mapping looks up,
/// numbered ([`VIEW_SOURCES`] first, so `VIEW_SOURCES[i]` is attribute `i`), and the
/// attribute each slot stands for.
struct Plan {
    names: FxHashMap<&'static str, usize>,
    /// By slot: the attribute of its REST name (its own name for a REST slot).
    slots: Vec<Option<usize>>,
}

impl Plan {
    fn new(shape: &'static Shape) -> Plan {
        let mut names = FxHashMap::default();
        let sources = shape.slots.iter().filter_map(|slot| slot.rest.as_deref());
        let own = shape.slots.iter().filter(|slot| !slot.view).map(|slot| slot.name.as_str());
        for name in VIEW_SOURCES.into_iter().chain(sources).chain(own) {
            let next = names.len();
            names.entry(name).or_insert(next);
        }
        let slots = shape
            .slots
            .iter()
            .map(|slot| {
                let name = if slot.view { slot.rest.as_deref()? } else { rest_name(slot) };
                names.get(name).copied()
            })
            .collect();
        Plan { names, slots }
    }

    /// The plan for a ticket shape of the schema (made once).
    fn of(shape: &Arc<Shape>) -> &'static Plan {
        static PLANS: OnceLock<Vec<OnceLock<Plan>>> = OnceLock::new();
        let all = &shapes().all;
        let plans = PLANS.get_or_init(|| all.iter().map(|_| OnceLock::new()).collect());
        let id = usize::from(shape.id);
        plans[id].get_or_init(|| Plan::new(&all[id]))
    }
}

/// The ticket's members that the mapping reads (the last of a repeated key, as a
/// `serde_json::Map` keeps it).
struct Attributes<'d> {
    plan: &'static Plan,
    values: Vec<Option<Json<'d>>>,
}

impl<'d> Attributes<'d> {
    fn read(plan: &'static Plan, ticket: Object<'d>) -> Attributes<'d> {
        let mut values = vec![None; plan.names.len()];
        for (key, value) in ticket.entries() {
            if let Some(&at) = plan.names.get(key) {
                values[at] = Some(value);
            }
        }
        Attributes { plan, values }
    }

    /// The member that slot `slot` stands for, or `None` when the ticket does not have it.
    fn of_slot(&self, slot: usize) -> Option<Json<'d>> {
        self.values[self.plan.slots[slot]?]
    }

    /// The member `name` of [`VIEW_SOURCES`], null when missing.
    fn at(&self, name: &str) -> Json<'d> {
        let at = VIEW_SOURCES.iter().position(|source| *source == name);
        at.and_then(|at| self.values[at]).unwrap_or(Json::NULL)
    }
}

/// The REST attribute of a raw REST slot.
fn rest_name(slot: &Slot) -> &str {
    slot.rest.as_deref().unwrap_or(&slot.name)
}

/// One ticket being decoded.
struct Decoder<'d, 'h> {
    host: &'h Host,
    ticket: Attributes<'d>,
    /// The reporter, once decoded (the `reporter` slot and comment authors need it).
    reporter: Option<Value>,
}

fn decode_json(host: &Host, json: Json<'_>) -> Result<Value, DecodeError> {
    let ticket = unwrap(json)?;
    let shape = shapes().ticket(&host.platform.name).ok_or_else(|| {
        DecodeError::new("", format!("there is no ticket schema for platform `{}`", host.platform.name))
    })?;
    let ticket = Attributes::read(Plan::of(shape), ticket);
    let mut decoder = Decoder { host, ticket, reporter: None };
    // Each slot's value is written where it goes (pushed from a returned `Result`, every
    // slot stalled on store forwarding).
    let mut slots = vec![Value::Null; shape.len()];
    for ((at, slot), place) in shape.slots.iter().enumerate().zip(slots.iter_mut()) {
        if slot.view {
            decoder.view(at, slot, place)?;
        } else {
            decoder.rest(at, slot, place)?;
        }
    }
    Ok(Value::record(shape, slots))
}

/// The ticket object: Freshdesk sends it bare, Freshservice wrapped in `{"ticket": …}`.
fn unwrap(json: Json<'_>) -> Result<Object<'_>, DecodeError> {
    let Some(object) = json.as_object() else {
        return Err(DecodeError::new("", format!("a ticket must be a JSON object, not {}", json.describe())));
    };
    match object.get("ticket").and_then(Json::as_object) {
        Some(inner) if !object.contains_key("id") => Ok(inner),
        _ => Ok(object),
    }
}

/// The path of a top-level attribute.
fn top(name: &str) -> Path<'_> {
    Path::Key(&Path::Root, name)
}

impl<'d> Decoder<'d, '_> {
    fn view(&mut self, at: usize, slot: &Slot, place: &mut Value) -> Result<(), DecodeError> {
        let host = self.host;
        *place = match slot.name.as_str() {
            "key" => {
                let id = self.ticket.at("id");
                match id.kind() {
                    Kind::Null => Value::Null,
                    Kind::Number(_) | Kind::Str(_) => json::text(id, &top("id"))?,
                    _ => return Err(mismatch(&top("id"), "an integer", id)),
                }
            }
            "status" => self.enum_value(Enum::Status)?,
            "priority" => self.enum_value(Enum::Priority)?,
            "labels" => {
                json::list_of(self.ticket.at("tags"), &top("tags"), |tag, path| match tag.as_str() {
                    Some(text) => Ok(objects::label(text)),
                    None => Err(mismatch(path, "a string", tag)),
                })?
            }
            "reporter" => self.reporter()?,
            "assignee" => match json::integer(self.ticket.at("responder_id"), &top("responder_id"))? {
                Value::Int(id) => objects::user_with_id(host, id),
                _ => Value::Null,
            },
            "comments" => self.comments()?,
            "attachments" => json::list_of(self.ticket.at("attachments"), &top("attachments"), attachment)?,
            "customFields" => self.custom_fields()?,
            "entityType" => objects::shared_str("ticket"),
            // `summary`, `description`, `type`, `created`, `updated`, and any view field added
            // to the schema later: the REST attribute it stands for, typed.
            _ => match &slot.rest {
                Some(rest) => typed(self.ticket.of_slot(at).unwrap_or(Json::NULL), &slot.ty, &top(rest))?,
                None => Value::Null,
            },
        };
        Ok(())
    }

    fn enum_value(&self, which: Enum) -> Result<Value, DecodeError> {
        Ok(match json::integer(self.ticket.at(which.noun()), &top(which.noun()))? {
            Value::Int(code) => objects::enum_record(which, &self.host.platform, code),
            _ => Value::Null,
        })
    }

    /// The requester: the directory's entry, else the embedded `requester` object
    /// (`include=requester`), else a user with only the id.
    fn reporter(&mut self) -> Result<Value, DecodeError> {
        if let Some(reporter) = &self.reporter {
            return Ok(reporter.clone());
        }
        let reporter = self.decode_reporter()?;
        self.reporter = Some(reporter.clone());
        Ok(reporter)
    }

    fn decode_reporter(&self) -> Result<Value, DecodeError> {
        let host = self.host;
        let id = json::integer(self.ticket.at("requester_id"), &top("requester_id"))?;
        if let Value::Int(id) = id {
            if let Some(user) = host.user_by_id(id) {
                return Ok(objects::user_from_directory(user));
            }
        }
        let embedded = json::user(self.ticket.at("requester"), &top("requester"))?;
        if !embedded.is_null() {
            return Ok(embedded);
        }
        Ok(match id {
            Value::Int(id) => objects::user_with_id(host, id),
            _ => Value::Null,
        })
    }

    fn comments(&mut self) -> Result<Value, DecodeError> {
        let host = self.host;
        // Notes by the requester get the embedded requester's name and email when the
        // directory does not know the user; they share one record, not the reporter's.
        let requester = match self.reporter()? {
            Value::Record(record) => Value::Record(objects::copy(&record)),
            other => other,
        };
        let requester_id = match objects::field(&requester, "id") {
            Some(Value::Int(id)) => Some(id),
            _ => None,
        };
        let twins: HashMap<i64, &str> =
            host.comment_twins.iter().map(|(remote, local)| (*local, remote.as_str())).collect();
        json::list_of(self.ticket.at("conversations"), &top("conversations"), |note, path| {
            comment(host, note, path, &twins, &requester, requester_id)
        })
    }

    fn custom_fields(&self) -> Result<Value, DecodeError> {
        let host = self.host;
        let mut out = ValueMap::default();
        if let Some(fields) = json::object(self.ticket.at("custom_fields"), &top("custom_fields"))? {
            let fields = fields.sorted();
            out.reserve(fields.len());
            for (name, json) in fields {
                let value = json::plain(json);
                let kind = objects::custom_kind(&host.platform, name, &value);
                let name = Value::str(name);
                out.insert(Key(name.clone()), objects::custom_field_named(name, kind, value));
            }
        }
        Ok(Value::map(out))
    }

    /// A raw REST attribute, checked against its schema type.
    /// Writes the slot's value into `place` (null already, and left so for a null
    /// attribute).
    fn rest(&self, at: usize, slot: &Slot, place: &mut Value) -> Result<(), DecodeError> {
        let name = rest_name(slot);
        match self.ticket.of_slot(at) {
            Some(json) if json.is_null() => {}
            Some(json) => *place = typed(json, &slot.ty, &top(name))?,
            None => {
                let writable = || {
                    !slot.read_only
                        && !self.host.platform.ticket_field(name).is_some_and(|field| field.write_only)
                };
                match slot.ty.non_null() {
                    Type::List(_) if writable() => *place = Value::list(Vec::new()),
                    Type::Map(_, _) if writable() => *place = Value::map(ValueMap::default()),
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

fn comment(
    host: &Host,
    note: Json<'_>,
    path: &Path<'_>,
    twins: &HashMap<i64, &str>,
    requester: &Value,
    requester_id: Option<i64>,
) -> Result<Value, DecodeError> {
    let Some(fields) = json::object(note, path)? else {
        return Err(mismatch(path, "a conversation object", note));
    };
    let [id, user_id, private, body, created_at, updated_at] =
        fields.pick(["id", "user_id", "private", "body", "created_at", "updated_at"]);
    let id = json::integer(id, &path.key("id"))?;
    let author = match json::integer(user_id, &path.key("user_id"))? {
        Value::Int(user) if host.user_by_id(user).is_none() && requester_id == Some(user) => {
            requester.clone()
        }
        Value::Int(user) => objects::user_with_id(host, user),
        _ => Value::Null,
    };
    let remote_id = match id {
        Value::Int(id) => twins.get(&id).map_or(Value::Null, |remote| Value::str(remote)),
        _ => Value::Null,
    };
    let private = json::boolean(private, &path.key("private"))?;
    Ok(objects::comment([
        id,
        json::string(body, &path.key("body"))?,
        author,
        if private.is_null() { Value::Bool(false) } else { private },
        json::timestamp(created_at, &path.key("created_at"))?,
        json::timestamp(updated_at, &path.key("updated_at"))?,
        remote_id,
    ]))
}

fn attachment(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    let Some(fields) = json::object(json, path)? else {
        return Err(mismatch(path, "an attachment object", json));
    };
    let [id, name, content_type, size, file_size, created_at] =
        fields.pick(["id", "name", "content_type", "size", "file_size", "created_at"]);
    // The documentation's samples use both `size` and `file_size`.
    let (size, size_key) = if size.is_null() { (file_size, "file_size") } else { (size, "size") };
    Ok(objects::attachment([
        json::integer(id, &path.key("id"))?,
        json::string(name, &path.key("name"))?,
        json::string(content_type, &path.key("content_type"))?,
        json::integer(size, &path.key(size_key))?,
        json::timestamp(created_at, &path.key("created_at"))?,
    ]))
}

/// A JSON value as a value of schema type `ty` (null is allowed for every type: the platforms
/// send blank fields as null).
fn typed(json: Json<'_>, ty: &Type, path: &Path<'_>) -> Result<Value, DecodeError> {
    match ty.non_null() {
        Type::Int => json::integer(json, path),
        Type::String => json::string(json, path),
        Type::Bool => json::boolean(json, path),
        Type::Date | Type::DateTime => json::timestamp(json, path),
        Type::Decimal => match json.kind() {
            Kind::Null | Kind::Number(_) => Ok(json::plain(json)),
            _ => Err(mismatch(path, "a number", json)),
        },
        Type::List(_) => {
            json::array(json, path)?;
            Ok(json::plain(json))
        }
        Type::Map(_, _) => {
            json::object(json, path)?;
            Ok(json::plain(json))
        }
        _ => Ok(json::plain(json)),
    }
}
