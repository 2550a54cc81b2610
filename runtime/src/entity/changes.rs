//! What an incoming run changed on the ticket, as the platform's REST calls need it.
//!
//! [`changes`] compares the snapshot taken before the run with the ticket after it, slot by
//! slot (structurally, so lists and maps changed in place count), and plans:
//! * `update`: the body of `PUT /api/v2/tickets/{id}` (or of the create on a first sync)
//!   with only the attributes that changed, in REST names and forms: `subject`,
//!   `description`, `type`, `status`/`priority` codes, `tags` (strings), `requester_id`
//!   (or `email` for a reporter known only by email), `responder_id`, `custom_fields` with
//!   only the changed keys (dates as `YYYY-MM-DD`), dates as ISO 8601 text, and any other
//!   writable attribute the script set (`group_id`, `source`, `due_by`, …). Read-only
//!   attributes are never sent.
//! * `notes`: comments without a local id (added by `mergeComments`, `addComment`, …), as
//!   `{"body", "private", "remote_id"}`; `remote_id` (the remote comment's id, for the twin
//!   table) is Replica's, not a REST field, and is left out when there is none.
//! * `note_updates`: existing notes whose body changed (`{"id", "body"}`).
//! * `attachments`: attachments that were not on the ticket before (`mergeAttachments` copies
//!   the remote one, so `remote_id` is its id on the other side, to fetch the file from).
//!
//! When both views of one attribute changed (`labels` and `tags`, `customFields` and
//! `custom_fields`, `reporter` and `requester_id`, `assignee` and `responder_id`) — possible
//! only through in-place changes, since assignment keeps them in step — the raw REST one wins,
//! except for tags, where both lists are kept (labels first). Removed comments, attachments
//! and custom-field keys are not deleted, and an assignee or reporter known only by an email
//! outside the directory cannot be set (the platform needs an id).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use replica_compiler::shapes::{shapes, Shape};
use serde::Serialize;
use serde_json::Map;

use super::objects::{self, Enum};
use crate::host::Host;
use crate::json::to_json;
use crate::stdlib::date;
use crate::value::{Key, Value};

/// The REST work an incoming run asks for. Serialized, it is what `replica run --incoming`
/// prints: `{"update": {…}, "notes": […], "note_updates": […], "attachments": […]}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Changes {
    pub update: Map<String, serde_json::Value>,
    pub notes: Vec<NewNote>,
    pub note_updates: Vec<NoteUpdate>,
    pub attachments: Vec<NewAttachment>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.update.is_empty()
            && self.notes.is_empty()
            && self.note_updates.is_empty()
            && self.attachments.is_empty()
    }
}

/// A note to add (`POST /api/v2/tickets/{id}/notes` with `body` and `private`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewNote {
    pub body: String,
    pub private: bool,
    /// The remote comment it copies; record the twin once the note exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
}

/// A note whose body changed (`PUT /api/v2/conversations/{id}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NoteUpdate {
    pub id: i64,
    pub body: String,
}

/// An attachment to upload.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewAttachment {
    /// Its id on the other side, to fetch the file from (null for one made up by the script).
    pub remote_id: Option<String>,
    pub filename: Option<String>,
    pub mimetype: Option<String>,
    pub filesize: Option<i64>,
}

/// Both views of one REST attribute: what the Exalate view and the raw attribute ask for.
#[derive(Default)]
struct Pair {
    view: Option<serde_json::Value>,
    raw: Option<serde_json::Value>,
}

/// By slot of `shape`: whether [`changes`] can report a change of the slot. It never reports
/// a read-only slot other than the views it plans by name (a script cannot assign one, and
/// what it does inside one, such as `entity.conversations[0].x = 1`, has no REST form), so
/// an incoming run needs no copy of such slots from before the run.
pub(crate) fn reported_slots(shape: &Arc<Shape>) -> Cow<'static, [bool]> {
    fn reported(shape: &Shape) -> Vec<bool> {
        shape.slots.iter().map(|slot| !slot.read_only || NAMED.contains(&slot.name.as_str())).collect()
    }
    static SCHEMA: OnceLock<Vec<Vec<bool>>> = OnceLock::new();
    let all = &shapes().all;
    match all.get(usize::from(shape.id)) {
        Some(known) if Arc::ptr_eq(known, shape) => Cow::Borrowed(
            &SCHEMA.get_or_init(|| all.iter().map(|s| reported(s)).collect())[usize::from(shape.id)],
        ),
        _ => Cow::Owned(reported(shape)),
    }
}

/// The slots [`changes`] plans by name (read-only or not).
const NAMED: [&str; 12] = [
    "status",
    "priority",
    "labels",
    "tags",
    "reporter",
    "requester_id",
    "assignee",
    "responder_id",
    "customFields",
    "custom_fields",
    "comments",
    "attachments",
];

pub fn changes(host: &Host, before: &Value, after: &Value) -> Changes {
    let mut out = Changes::default();
    let (Value::Record(old), Value::Record(new)) = (before, after) else { return out };
    if old.shape.name != new.shape.name {
        return out;
    }
    let (old_slots, new_slots) = (old.slots.borrow(), new.slots.borrow());
    let (mut tags, mut requester, mut responder) = (Pair::default(), Pair::default(), Pair::default());
    let (mut view_fields, mut raw_fields) = (Map::new(), Map::new());
    for ((slot, was), now) in new.shape.slots.iter().zip(old_slots.iter()).zip(new_slots.iter()) {
        if same(was, now, 0) {
            continue;
        }
        match slot.name.as_str() {
            "status" => enum_update(host, Enum::Status, now, &mut out.update),
            "priority" => enum_update(host, Enum::Priority, now, &mut out.update),
            "labels" | "tags" => {
                let texts = tag_texts(now);
                if slot.name == "labels" {
                    tags.view = Some(texts)
                } else {
                    tags.raw = Some(texts)
                }
            }
            "reporter" => requester.view = reporter(now, &mut out.update),
            "requester_id" => requester.raw = Some(to_json(now)),
            "assignee" => responder.view = assignee(now),
            "responder_id" => responder.raw = Some(to_json(now)),
            "customFields" => custom_fields(was, now, &mut view_fields),
            "custom_fields" => custom_fields(was, now, &mut raw_fields),
            "comments" => comments(was, now, &mut out),
            "attachments" => attachments(was, now, &mut out),
            _ if slot.read_only => {}
            _ => {
                if let Some(rest) = &slot.rest {
                    out.update.insert(rest.clone(), to_json(now));
                }
            }
        }
    }
    if let Some(tags) = merge_tags(tags) {
        out.update.insert("tags".into(), tags);
    }
    for (name, pair) in [("requester_id", requester), ("responder_id", responder)] {
        if let Some(value) = pair.raw.or(pair.view) {
            out.update.insert(name.into(), value);
        }
    }
    view_fields.extend(raw_fields);
    if !view_fields.is_empty() {
        out.update.insert("custom_fields".into(), serde_json::Value::Object(view_fields));
    }
    out
}

fn enum_update(host: &Host, which: Enum, value: &Value, update: &mut Map<String, serde_json::Value>) {
    let code = match (objects::field(value, "id"), objects::str_field(value, "name")) {
        (Some(Value::Int(code)), _) => Some(code),
        (_, Some(name)) => objects::find_name(which.codes(&host.platform), &name).map(|(code, _)| code),
        _ => None,
    };
    if let Some(code) = code {
        update.insert(which.noun().into(), code.into());
    }
}

fn tag_texts(value: &Value) -> serde_json::Value {
    let Value::List(items) = value else { return serde_json::Value::Array(Vec::new()) };
    items
        .borrow()
        .iter()
        .filter_map(|item| objects::label_text(item).map(|text| serde_json::Value::String(text.to_string())))
        .collect()
}

fn merge_tags(tags: Pair) -> Option<serde_json::Value> {
    match (tags.view, tags.raw) {
        (Some(serde_json::Value::Array(mut view)), Some(serde_json::Value::Array(raw))) => {
            for tag in raw {
                if !view.contains(&tag) {
                    view.push(tag);
                }
            }
            Some(serde_json::Value::Array(view))
        }
        (view, raw) => raw.or(view),
    }
}

/// `requester_id` for a user with an id; `email` (Freshdesk and Freshservice accept it to
/// find or create the requester) for one known only by email.
fn reporter(user: &Value, update: &mut Map<String, serde_json::Value>) -> Option<serde_json::Value> {
    match (objects::field(user, "id"), objects::str_field(user, "email")) {
        (Some(id @ Value::Int(_)), _) => Some(to_json(&id)),
        (_, Some(email)) => {
            update.insert("email".into(), email.to_string().into());
            None
        }
        _ => None,
    }
}

fn assignee(user: &Value) -> Option<serde_json::Value> {
    match objects::field(user, "id") {
        _ if user.is_null() => Some(serde_json::Value::Null),
        Some(id @ Value::Int(_)) => Some(to_json(&id)),
        _ => None,
    }
}

/// The keys of a custom-field map whose value changed, as REST values.
fn custom_fields(was: &Value, now: &Value, out: &mut Map<String, serde_json::Value>) {
    let Value::Map(now) = now else { return };
    let empty = crate::value::ValueMap::default();
    let was = match was {
        Value::Map(map) => map.borrow().clone(),
        _ => empty,
    };
    for (key, value) in now.borrow().iter() {
        let value = objects::custom_value(value);
        let changed = match was.get(key) {
            Some(old) => !same(&objects::custom_value(old), &value, 0),
            None => true,
        };
        if changed {
            let json = match &value {
                // Date custom fields take `YYYY-MM-DD`.
                Value::Date(millis) => serde_json::Value::String(date::format_day(*millis)),
                other => to_json(other),
            };
            out.insert(key_text(key), json);
        }
    }
}

fn key_text(key: &Key) -> String {
    match &key.0 {
        Value::Str(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn comments(was: &Value, now: &Value, out: &mut Changes) {
    let Value::List(now) = now else { return };
    let mut existing: HashMap<i64, Value> = HashMap::new();
    if let Value::List(was) = was {
        for comment in was.borrow().iter() {
            if let Some(Value::Int(id)) = objects::field(comment, "id") {
                existing.insert(id, objects::field(comment, "body").unwrap_or(Value::Null));
            }
        }
    }
    for comment in now.borrow().iter() {
        let body = objects::field(comment, "body").unwrap_or(Value::Null);
        let id = objects::field(comment, "id").unwrap_or(Value::Null);
        if let Value::Int(id) = id {
            if let Some(old_body) = existing.get(&id) {
                if !same(old_body, &body, 0) {
                    out.note_updates.push(NoteUpdate { id, body: text(&body) });
                }
                continue;
            }
        }
        // A comment the ticket did not have: its remote id says where it came from (a foreign
        // id on a comment assigned straight from the replica counts as one).
        let remote_id = objects::field(comment, "remoteId")
            .and_then(|r| objects::id_text(&r))
            .or_else(|| objects::id_text(&id));
        let private = matches!(objects::field(comment, "internal"), Some(Value::Bool(true)));
        out.notes.push(NewNote { body: text(&body), private, remote_id });
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Str(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn attachments(was: &Value, now: &Value, out: &mut Changes) {
    let Value::List(now) = now else { return };
    let was: Vec<Value> = match was {
        Value::List(was) => was.borrow().clone(),
        _ => Vec::new(),
    };
    for attachment in now.borrow().iter() {
        if was.iter().any(|old| same(old, attachment, 0)) {
            continue;
        }
        let field = |name: &str| objects::field(attachment, name).unwrap_or(Value::Null);
        out.attachments.push(NewAttachment {
            remote_id: objects::id_text(&field("id")),
            filename: objects::str_field(attachment, "filename").map(|s| s.to_string()),
            mimetype: objects::str_field(attachment, "mimetype").map(|s| s.to_string()),
            filesize: match field("filesize") {
                Value::Int(n) => Some(n),
                _ => None,
            },
        });
    }
}

/// Structural equality for change detection: like `==` but strict about kinds (`"1"` is not
/// `49`), with records compared field by field and dates by instant.
pub(crate) fn same(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > crate::json::MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Int(_) | Value::Decimal(_), Value::Int(_) | Value::Decimal(_)) => crate::ops::equals(a, b),
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Range { .. }, Value::Range { .. }) => Key(a.clone()) == Key(b.clone()),
        (Value::Regex(x), Value::Regex(y)) => x.as_str() == y.as_str(),
        (Value::List(x), Value::List(y)) => {
            if std::rc::Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(v, w)| same(v, w, depth + 1))
        }
        (Value::Map(x), Value::Map(y)) => {
            if std::rc::Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w, depth + 1)))
        }
        (Value::Record(x), Value::Record(y)) => {
            if std::rc::Rc::ptr_eq(x, y) {
                return true;
            }
            let (xs, ys) = (x.slots.borrow(), y.slots.borrow());
            x.shape.name == y.shape.name
                && xs.len() == ys.len()
                && xs.iter().zip(ys.iter()).all(|(v, w)| same(v, w, depth + 1))
        }
        (Value::Closure(x), Value::Closure(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Native(x), Value::Native(y)) => std::rc::Rc::ptr_eq(x, y),
        _ => false,
    }
}
