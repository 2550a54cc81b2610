//! `record.field = value` for typed records, converting the value the way Exalate accepts it.
//!
//! On the ticket:
//! * `status`/`priority` take a record (matched by its name, else its id, so a status that
//!   came from the other side maps by name), a name (`"Open"`, any case) or a code (`2`); an
//!   unknown one, or null, is an error that lists the platform's names (Exalate silently sets
//!   null there).
//! * `labels` takes `Label` records or strings; `tags` strings or labels.
//! * `reporter`/`assignee` take a `User`, null, an email or an id (looked up in the directory).
//! * `customFields` takes `CustomField` records or bare values; `custom_fields` bare values.
//! * `comments` takes `Comment` records, strings or `[body: …, internal: …]` maps.
//! * The two views of one REST attribute stay in step: assigning `labels` also sets `tags`,
//!   `reporter` sets `requester_id`, `assignee` `responder_id`, `customFields`
//!   `custom_fields`, and the other way round, so a script reads back what it wrote under
//!   either name.
//! * Other REST attributes are checked against their schema type (an integer for `group_id`,
//!   a date or ISO text for `due_by`, a code or a code's name for `source`/`urgency`).
//! * Read-only fields (`key`, `created`, `id`, …) refuse: "`entity.created` is read-only".
//!
//! On the replica the conversion is lighter (it is the other side's business): a status or
//! priority may be given by name or code, labels as strings, dates as ISO text, ids as
//! numbers. On the schema's small objects (`comment.body = …`) strings, booleans and dates
//! are converted; script classes store what they are given.

use std::cell::RefCell;
use std::rc::Rc;

use std::sync::{Arc, OnceLock};

use replica_compiler::shapes::{shapes, Shape, ShapeId, Slot};
use replica_compiler::types::Type;

use super::objects::{self, build, Enum};
use crate::host::Host;
use crate::stdlib::date;
use crate::value::{Key, MapRef, Record, RuntimeError, Value, ValueMap};

type Result<T> = std::result::Result<T, RuntimeError>;

pub fn assign(host: &mut Host, record: &Record, slot: u16, value: Value) -> Result<()> {
    let shape = &record.shape;
    let Some(info) = shape.slots.get(slot as usize) else {
        return Err(RuntimeError::type_error(format!("{} has no field number {slot}", shape.name)));
    };
    let target = Target { owner: owner(&shape.name), field: &info.name };
    if info.read_only {
        return Err(RuntimeError::type_error(format!("`{target}` is read-only")));
    }
    if shape.name.starts_with("Ticket(") {
        // Exalate leaves the field as it was when a look-up found nothing; Replica does the
        // same (the checker warns about such look-ups) and says so in the run's log.
        if value.is_null() && matches!(info.name.as_str(), "status" | "priority") {
            host.log.push(crate::host::LogLine {
                level: "warn".to_string(),
                message: format!("`{target} = null` ignored: the {} stays as it was", info.name),
            });
            return Ok(());
        }
        ticket(host, record, slot, info, value, &target)
    } else if shape.name == "Entry" {
        // A map entry's value writes through to its map, as Groovy's `Map.Entry.setValue`.
        let (key, map) = {
            let slots = record.slots.borrow();
            (slots[0].clone(), slots[2].clone())
        };
        if let Value::Map(map) = map {
            map.borrow_mut().insert(Key(key), value.clone());
        }
        store(record, slot, value);
        Ok(())
    } else if shape.name == "Replica" {
        let value = replica(host, info, value, &target)?;
        store(record, slot, value);
        Ok(())
    } else {
        let value =
            if objects::is_schema_object(&shape.name) { object(host, info, value, &target)? } else { value };
        store(record, slot, value);
        Ok(())
    }
}

/// Stores `value` in `slot` when [`assign`] would store it unchanged (a field copied over as
/// it is: a string into a String field, a status record into `replica.status`, …), without
/// looking anything up by name. Gives the value back when [`assign`] must convert or refuse it.
pub fn assign_plain(record: &Record, slot: u16, value: Value) -> Option<Value> {
    let id = usize::from(record.shape.id);
    let known = shapes().all.get(id).is_some_and(|shape| Arc::ptr_eq(shape, &record.shape));
    let takes = match plain_table().get(id).and_then(|slots| slots.get(usize::from(slot))) {
        Some(&takes) if known => takes,
        _ => return Some(value),
    };
    if takes.accepts(&value) {
        store(record, slot, value);
        None
    } else {
        Some(value)
    }
}

/// What a slot of a built-in shape stores as given (see [`assign_plain`]); anything else goes
/// through [`assign`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Takes {
    /// Always through `assign` (read-only, or converted whatever the value).
    Slow,
    Any,
    /// The kinds below take null too.
    Str,
    Int,
    Number,
    Bool,
    Date,
    List,
    Map,
    Record(ShapeId),
    /// A list, not null (null becomes an empty list).
    ListOnly,
    /// A map, not null.
    MapOnly,
}

impl Takes {
    fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (Takes::Slow, _) => false,
            (Takes::Any, _) => true,
            (Takes::ListOnly, Value::List(_)) | (Takes::MapOnly, Value::Map(_)) => true,
            (Takes::ListOnly | Takes::MapOnly, _) => false,
            (_, Value::Null) => true,
            (Takes::Str, Value::Str(_))
            | (Takes::Int, Value::Int(_))
            | (Takes::Number, Value::Int(_) | Value::Decimal(_))
            | (Takes::Bool, Value::Bool(_))
            | (Takes::Date, Value::Date(_))
            | (Takes::List, Value::List(_))
            | (Takes::Map, Value::Map(_)) => true,
            (Takes::Record(id), Value::Record(record)) => record.shape.id == id,
            _ => false,
        }
    }

    /// What `convert` keeps as it is for a slot of type `ty`.
    fn of_type(ty: &Type) -> Takes {
        match ty.non_null() {
            Type::Int => Takes::Int,
            Type::Decimal => Takes::Number,
            Type::String => Takes::Str,
            Type::Bool => Takes::Bool,
            Type::Date | Type::DateTime => Takes::Date,
            Type::List(_) => Takes::List,
            Type::Map(_, _) => Takes::Map,
            _ => Takes::Any,
        }
    }
}

/// [`Takes`] of every slot of every built-in shape, by shape id; mirrors [`assign`].
fn plain_table() -> &'static [Vec<Takes>] {
    static TABLE: OnceLock<Vec<Vec<Takes>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        shapes().all.iter().map(|shape| shape.slots.iter().map(|slot| takes(shape, slot)).collect()).collect()
    })
}

fn takes(shape: &Shape, slot: &Slot) -> Takes {
    let record_of = |name: &str| shapes().object(name).map_or(Takes::Slow, |s| Takes::Record(s.id));
    if slot.read_only {
        return Takes::Slow;
    }
    if shape.name.starts_with("Ticket(") {
        match slot.name.as_str() {
            "status" | "priority" | "labels" | "tags" | "reporter" | "assignee" | "requester_id"
            | "responder_id" | "customFields" | "custom_fields" | "comments" | "attachments" => Takes::Slow,
            _ => Takes::of_type(&slot.ty),
        }
    } else if shape.name == "Entry" {
        Takes::Slow
    } else if shape.name == "Replica" {
        match slot.name.as_str() {
            "status" => record_of("Status"),
            "priority" => record_of("Priority"),
            "labels" => Takes::Slow,
            "reporter" | "assignee" => record_of("User"),
            "comments" | "attachments" => Takes::ListOnly,
            "customFields" | "customKeys" => Takes::MapOnly,
            _ => Takes::of_type(&slot.ty),
        }
    } else if objects::is_schema_object(&shape.name) {
        match slot.ty.non_null() {
            Type::String => Takes::Str,
            Type::Bool => Takes::Bool,
            Type::Date | Type::DateTime => Takes::Date,
            Type::Object(name) if name == "User" => record_of("User"),
            _ => Takes::Any,
        }
    } else {
        Takes::Any
    }
}

/// `entity.status`, for messages.
struct Target<'a> {
    owner: &'a str,
    field: &'a str,
}

impl std::fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.owner, self.field)
    }
}

fn owner(shape: &str) -> &str {
    match shape {
        "Replica" => "replica",
        name if name.starts_with("Ticket(") => "entity",
        name => name,
    }
}

fn store(record: &Record, slot: u16, value: Value) {
    if let Some(place) = record.slots.borrow_mut().get_mut(slot as usize) {
        *place = value;
    }
}

fn store_named(record: &Record, name: &str, value: Value) {
    record.set(name, value);
}

fn needs(target: &Target, what: &str, value: &Value) -> RuntimeError {
    let shown = match value {
        Value::Str(s) => crate::display::quote(s),
        Value::List(_) | Value::Map(_) | Value::Record(_) => format!("a {}", value.type_name()),
        other => format!("{other} ({})", other.type_name()),
    };
    RuntimeError::type_error(format!("`{target}` needs {what}, not {shown}"))
}

// ---------------------------------------------------------------------------------------
// The ticket
// ---------------------------------------------------------------------------------------

fn ticket(host: &Host, record: &Record, at: u16, slot: &Slot, value: Value, target: &Target) -> Result<()> {
    match slot.name.as_str() {
        "status" => store(record, at, to_enum(host, Enum::Status, value, target)?),
        "priority" => store(record, at, to_enum(host, Enum::Priority, value, target)?),
        "labels" => {
            let labels = to_labels(value, target)?;
            let tags = label_texts(&labels);
            store(record, at, Value::list(labels));
            store_named(record, "tags", Value::list(tags));
        }
        "tags" => {
            let labels = to_labels(value, target)?;
            store(record, at, Value::list(label_texts(&labels)));
            store_named(record, "labels", Value::list(labels));
        }
        "reporter" | "assignee" => {
            let user = to_user(host, value, target)?;
            let rest = if slot.name == "reporter" { "requester_id" } else { "responder_id" };
            match objects::field(&user, "id") {
                Some(id @ Value::Int(_)) => store_named(record, rest, id),
                _ if user.is_null() => store_named(record, rest, Value::Null),
                // A user known only by email: the update sends the email (see `changes`).
                _ => {}
            }
            store(record, at, user);
        }
        "requester_id" | "responder_id" => {
            let id = convert(host, &slot.ty, None, value, target)?;
            let user = match id {
                Value::Int(id) => objects::user_with_id(host, id),
                _ => Value::Null,
            };
            store_named(record, if slot.name == "requester_id" { "reporter" } else { "assignee" }, user);
            store(record, at, id);
        }
        "customFields" => {
            let fields = to_custom_fields(host, value, target)?;
            let plain: ValueMap = fields.iter().map(|(k, v)| (k.clone(), objects::custom_value(v))).collect();
            store(record, at, Value::map(fields));
            store_named(record, "custom_fields", Value::map(plain));
        }
        "custom_fields" => {
            let given = nullable_map(value, target)?;
            let plain: ValueMap =
                given.borrow().iter().map(|(k, v)| (k.clone(), objects::custom_value(v))).collect();
            let fields = plain
                .iter()
                .map(|(k, v)| {
                    let name = k.0.to_string();
                    let kind = objects::custom_kind(&host.platform, &name, v);
                    (k.clone(), objects::custom_field(&name, kind, v.clone()))
                })
                .collect::<ValueMap>();
            store(record, at, Value::map(plain));
            store_named(record, "customFields", Value::map(fields));
        }
        "comments" => store(record, at, Value::list(to_comments(value, target)?)),
        "attachments" => store(record, at, Value::list(records_of("Attachment", value, target)?)),
        _ => {
            let rest = slot.rest.as_deref().unwrap_or(&slot.name);
            store(record, at, convert(host, &slot.ty, Some(rest), value, target)?)
        }
    }
    Ok(())
}

/// A status or priority of the local platform, from a record, a name or a code.
fn to_enum(host: &Host, which: Enum, value: Value, target: &Target) -> Result<Value> {
    let codes = which.codes(&host.platform);
    let unknown = |given: String| {
        RuntimeError::type_error(format!(
            "`{target}` cannot be {given}: {} has no such {}; use one of {}",
            host.platform.display_name,
            which.noun(),
            objects::names(codes)
        ))
    };
    match &value {
        Value::Null => Err(RuntimeError::type_error(format!(
            "`{target}` cannot be null (did a `nodeHelper.get{}` look-up find nothing?); use one of {}",
            if which == Enum::Status { "Status" } else { "Priority" },
            objects::names(codes)
        ))),
        Value::Str(name) => objects::enum_by_name(which, &host.platform, name)
            .ok_or_else(|| unknown(crate::display::quote(name))),
        Value::Int(code) => match objects::find_code(codes, *code) {
            Some(_) => Ok(objects::enum_record(which, &host.platform, *code)),
            None => Err(unknown(code.to_string())),
        },
        Value::Record(record) if record.shape.name == which.object() => {
            match (record.get("name"), record.get("id")) {
                (Some(Value::Str(name)), _) => objects::enum_by_name(which, &host.platform, &name)
                    .ok_or_else(|| unknown(crate::display::quote(&name))),
                (_, Some(Value::Int(code))) if objects::find_code(codes, code).is_some() => {
                    Ok(objects::enum_record(which, &host.platform, code))
                }
                (_, Some(id)) if !id.is_null() => Err(unknown(format!("a {} with id {id}", which.noun()))),
                _ => Err(unknown(format!("a {} without a name or id", which.noun()))),
            }
        }
        other => Err(needs(
            target,
            &format!("a {} (a name, a code or `nodeHelper.get{}(…)`)", which.noun(), which.object()),
            other,
        )),
    }
}

fn to_labels(value: Value, target: &Target) -> Result<Vec<Value>> {
    let items = list_items(value, target, "a list of labels or strings")?;
    items
        .into_iter()
        .map(|item| match &item {
            Value::Record(record) if record.shape.name == "Label" => Ok(item),
            Value::Str(text) => Ok(objects::label(text)),
            Value::Int(_) | Value::Decimal(_) => Ok(objects::label(&item.to_string())),
            other => Err(needs(target, "labels or strings", other)),
        })
        .collect()
}

fn label_texts(labels: &[Value]) -> Vec<Value> {
    labels.iter().map(|label| objects::label_text(label).map_or(Value::Null, Value::Str)).collect()
}

/// A user from a `User` record, null, an email or an id.
fn to_user(host: &Host, value: Value, target: &Target) -> Result<Value> {
    match &value {
        Value::Null => Ok(Value::Null),
        Value::Record(record) if record.shape.name == "User" => Ok(value),
        Value::Str(email) => Ok(match host.user_by_email(email) {
            Some(user) => objects::user_from_directory(user),
            None => build("User", &[("email", value.clone())]),
        }),
        Value::Int(id) => Ok(objects::user_with_id(host, *id)),
        other => Err(needs(target, "a user (`nodeHelper.getUserByEmail(…)`, an email or an id)", other)),
    }
}

fn to_custom_fields(host: &Host, value: Value, target: &Target) -> Result<ValueMap> {
    let given = nullable_map(value, target)?;
    let fields = given
        .borrow()
        .iter()
        .map(|(key, value)| {
            let field = match value {
                Value::Record(record) if record.shape.name == "CustomField" => value.clone(),
                plain => {
                    let name = match &key.0 {
                        Value::Str(s) => s.to_string(),
                        other => other.to_string(),
                    };
                    let kind = objects::custom_kind(&host.platform, &name, plain);
                    objects::custom_field(&name, kind, plain.clone())
                }
            };
            (key.clone(), field)
        })
        .collect();
    Ok(fields)
}

fn to_comments(value: Value, target: &Target) -> Result<Vec<Value>> {
    let items = list_items(value, target, "a list of comments")?;
    items
        .into_iter()
        .map(|item| match &item {
            Value::Record(record) if record.shape.name == "Comment" => Ok(item),
            Value::Str(_) => {
                Ok(build("Comment", &[("body", item.clone()), ("internal", Value::Bool(false))]))
            }
            Value::Map(map) => {
                let map = map.borrow();
                let get = |k: &str| map.get(&crate::value::StrKey(k)).cloned().unwrap_or(Value::Null);
                let internal = crate::ops::truthy(&get("internal"));
                Ok(build("Comment", &[("body", get("body")), ("internal", Value::Bool(internal))]))
            }
            other => Err(needs(target, "comments", other)),
        })
        .collect()
}

fn records_of(shape: &str, value: Value, target: &Target) -> Result<Vec<Value>> {
    let items = list_items(value, target, &format!("a list of {}s", shape.to_lowercase()))?;
    for item in &items {
        if !matches!(item, Value::Record(record) if record.shape.name == shape) {
            return Err(needs(target, &format!("{}s", shape.to_lowercase()), item));
        }
    }
    Ok(items)
}

/// The items of a list (a range's numbers; null is empty).
fn list_items(value: Value, target: &Target, what: &str) -> Result<Vec<Value>> {
    match &value {
        Value::Null => Ok(Vec::new()),
        Value::List(items) => Ok(items.borrow().clone()),
        Value::Range { .. } => Ok(crate::ops::elements(&value)?.unwrap_or_default()),
        other => Err(needs(target, what, other)),
    }
}

/// A map (null is an empty one).
fn nullable_map(value: Value, target: &Target) -> Result<MapRef> {
    match value {
        Value::Null => Ok(Rc::new(RefCell::new(ValueMap::default()))),
        Value::Map(map) => Ok(map),
        other => Err(needs(target, "a map", &other)),
    }
}

/// A value for a slot of schema type `ty`. `rest` names the REST attribute, whose codes (if
/// any) let a name stand for its code.
fn convert(host: &Host, ty: &Type, rest: Option<&str>, value: Value, target: &Target) -> Result<Value> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    match ty.non_null() {
        Type::Int => match &value {
            Value::Int(_) => Ok(value),
            Value::Decimal(d) if d.fract().is_zero() => {
                i64::try_from(d.trunc()).map(Value::Int).map_err(|_| needs(target, "an integer", &value))
            }
            Value::Str(name) => {
                let codes = rest.and_then(|r| host.platform.ticket_field(r)).and_then(|f| f.codes.as_ref());
                match codes {
                    Some(codes) => {
                        objects::find_name(codes, name).map(|(code, _)| Value::Int(code)).ok_or_else(|| {
                            RuntimeError::type_error(format!(
                                "`{target}` cannot be {}: use one of {}",
                                crate::display::quote(name),
                                objects::names(codes)
                            ))
                        })
                    }
                    None => Err(needs(target, "an integer", &value)),
                }
            }
            other => Err(needs(target, "an integer", other)),
        },
        Type::Decimal => match &value {
            Value::Int(_) | Value::Decimal(_) => Ok(value),
            other => Err(needs(target, "a number", other)),
        },
        Type::String => to_text(value, target),
        Type::Bool => match &value {
            Value::Bool(_) => Ok(value),
            other => Err(needs(target, "true or false", other)),
        },
        Type::Date | Type::DateTime => to_date(value, target),
        Type::List(_) => match &value {
            Value::List(_) => Ok(value),
            Value::Range { .. } => Ok(Value::list(crate::ops::elements(&value)?.unwrap_or_default())),
            other => Err(needs(target, "a list", other)),
        },
        Type::Map(_, _) => match &value {
            Value::Map(_) => Ok(value),
            other => Err(needs(target, "a map", other)),
        },
        _ => Ok(value),
    }
}

/// Groovy assigns scalars to a String field as their text; containers are a mistake here.
fn to_text(value: Value, target: &Target) -> Result<Value> {
    match &value {
        Value::Null | Value::Str(_) => Ok(value),
        Value::Int(_) | Value::Decimal(_) | Value::Bool(_) | Value::Date(_) => {
            Ok(Value::str(&value.to_string()))
        }
        other => Err(needs(target, "a String", other)),
    }
}

fn to_date(value: Value, target: &Target) -> Result<Value> {
    match &value {
        Value::Null | Value::Date(_) => Ok(value),
        Value::Str(text) => date::parse_iso(text).map(Value::Date).ok_or_else(|| {
            RuntimeError::type_error(format!(
                "`{target}` needs a date, and {} is not one (write it as 2026-11-24T08:59:28Z)",
                crate::display::quote(text)
            ))
        }),
        other => Err(needs(target, "a date", other)),
    }
}

// ---------------------------------------------------------------------------------------
// The replica and the small objects
// ---------------------------------------------------------------------------------------

fn replica(host: &Host, slot: &Slot, value: Value, target: &Target) -> Result<Value> {
    match slot.name.as_str() {
        "status" | "priority" => {
            let which = if slot.name == "status" { Enum::Status } else { Enum::Priority };
            match &value {
                Value::Null => Ok(value),
                Value::Record(record) if record.shape.name == which.object() => Ok(value),
                Value::Str(name) => Ok(objects::enum_by_name(which, &host.platform, name)
                    .unwrap_or_else(|| build(which.object(), &[("name", value.clone())]))),
                Value::Int(code) => Ok(objects::enum_record(which, &host.platform, *code)),
                other => {
                    Err(needs(target, &format!("a {} (a record, a name or a code)", which.noun()), other))
                }
            }
        }
        "labels" => Ok(Value::list(to_labels(value, target)?)),
        "reporter" | "assignee" => to_user(host, value, target),
        "comments" | "attachments" => match value {
            Value::Null => Ok(Value::list(Vec::new())),
            list @ Value::List(_) => Ok(list),
            other => Err(needs(target, "a list", &other)),
        },
        "customFields" | "customKeys" => Ok(Value::Map(nullable_map(value, target)?)),
        _ => convert(host, &slot.ty, None, value, target),
    }
}

fn object(host: &Host, slot: &Slot, value: Value, target: &Target) -> Result<Value> {
    match slot.ty.non_null() {
        Type::String => to_text(value, target),
        // `comment.internal = "yes"`: Groovy casts to boolean by Groovy truth.
        Type::Bool => Ok(match value {
            Value::Null => Value::Null,
            other => Value::Bool(crate::ops::truthy(&other)),
        }),
        Type::Date | Type::DateTime => to_date(value, target),
        Type::Object(name) if name == "User" => to_user(host, value, target),
        // Ids stay as given: other systems' ids are text.
        _ => Ok(value),
    }
}
