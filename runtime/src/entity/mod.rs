//! The ticket as a script sees it: decoding a platform's REST JSON straight into a ticket
//! record ([`decode`]), assigning its typed fields the way Exalate accepts values
//! ([`assign`]), and turning a run's changes back into a minimal REST update ([`changes`]).
//!
//! The ticket record's shape (`replica_compiler::shapes`) is the Exalate view (`key`,
//! `summary`, `status` as a record, …) followed by the platform's own REST attributes
//! (`tags`, `group_id`, `custom_fields`, …). An incoming run goes:
//! `decode` (or [`new_ticket`] on a first sync) → [`snapshot_for_changes`] → the script →
//! [`changes`].

mod assign;
mod changes;
mod decode;
pub mod objects;

use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use replica_compiler::shapes::{shapes, Shape, ShapeId};

pub use self::assign::{assign, assign_plain};
pub use self::changes::{changes, Changes, NewAttachment, NewNote, NoteUpdate};
pub use self::decode::{decode, decode_str};
pub use crate::json::{DecodeError, ReadError};

use crate::host::Host;
use crate::value::{Record, Value};

/// An empty ticket of the host's platform, for a first sync: lists and maps a script may add
/// to are empty, `entityType` is "ticket", everything else null.
pub fn new_ticket(host: &Host) -> Value {
    // A ticket decoded from `{}` is exactly that; `{}` cannot fail to decode.
    match decode(host, &serde_json::Value::Object(serde_json::Map::new())) {
        Ok(ticket) => ticket,
        Err(_) => Value::Null,
    }
}

/// An empty replica for an outgoing run: its lists and maps are empty (so
/// `replica.customKeys.x = …` and `replica.comments += …` work), the rest null.
pub fn new_replica() -> Value {
    /// The replica's shape and the slots that start as an empty list or map.
    struct Template {
        shape: &'static Arc<Shape>,
        lists: Vec<usize>,
        /// Slot and the capacity to start with (`customKeys` is usually filled by the script).
        maps: Vec<(usize, usize)>,
    }
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let shape = shapes().replica();
        let slots = |names: &[&str]| names.iter().filter_map(|n| shape.slot(n)).map(usize::from).collect();
        Template {
            shape,
            lists: slots(&["labels", "comments", "attachments"]),
            maps: [("customFields", 0), ("customKeys", 16)]
                .iter()
                .filter_map(|&(n, capacity)| Some((usize::from(shape.slot(n)?), capacity)))
                .collect(),
        }
    });
    // Fresh lists and maps for every run.
    let mut slots = vec![Value::Null; template.shape.len()];
    for &at in &template.lists {
        slots[at] = Value::list(Vec::new());
    }
    for &(at, capacity) in &template.maps {
        slots[at] = Value::map(crate::value::value_map(capacity));
    }
    Value::record(template.shape, slots)
}

/// A deep copy of a value: lists, maps and records are copied all the way down, so the copy
/// keeps what the value was while a script changes it in place. (Nesting deeper than
/// `json::MAX_DEPTH`, or a container holding itself, is shared below that depth.)
pub fn snapshot(value: &Value) -> Value {
    copy(value, 0)
}

/// The ticket as [`changes`] needs it from before an incoming run: like [`snapshot`], except
/// that the slots `changes` never reports (read-only REST attributes such as
/// `conversations`, `requester`, `stats`) are shared, not copied.
pub fn snapshot_for_changes(ticket: &Value) -> Value {
    let Value::Record(record) = ticket else { return snapshot(ticket) };
    let Ok(slots) = record.slots.try_borrow() else { return snapshot(ticket) };
    let reported = changes::reported_slots(&record.shape);
    let copied = slots
        .iter()
        .zip(reported.iter())
        .map(|(value, &reported)| if reported { copy(value, 1) } else { value.clone() })
        .collect();
    Value::Record(Rc::new(Record { shape: record.shape.clone(), slots: std::cell::RefCell::new(copied) }))
}

/// [`snapshot_for_changes`] for a script that reads only the ticket slots `reads`
/// (`LoadedProgram::ticket_reads`): the other slots cannot change in place, so they are
/// shared too.
pub fn snapshot_of_reads(ticket: &Value, reads: &[(ShapeId, u16)]) -> Value {
    let Value::Record(record) = ticket else { return snapshot(ticket) };
    // Reads compiled against another shape read the ticket by name: any slot.
    if reads.iter().any(|(shape, _)| *shape != record.shape.id) {
        return snapshot_for_changes(ticket);
    }
    let Ok(slots) = record.slots.try_borrow() else { return snapshot(ticket) };
    let reported = changes::reported_slots(&record.shape);
    let copied = slots
        .iter()
        .enumerate()
        .map(|(at, value)| {
            let read = reads.binary_search(&(record.shape.id, at as u16)).is_ok();
            if read && reported.get(at).copied().unwrap_or(true) {
                copy(value, 1)
            } else {
                value.clone()
            }
        })
        .collect();
    Value::Record(Rc::new(Record { shape: record.shape.clone(), slots: std::cell::RefCell::new(copied) }))
}

fn copy(value: &Value, depth: usize) -> Value {
    if depth > crate::json::MAX_DEPTH {
        return value.clone();
    }
    match value {
        Value::List(items) => match items.try_borrow() {
            Ok(items) => Value::list(items.iter().map(|item| copy(item, depth + 1)).collect()),
            Err(_) => value.clone(),
        },
        Value::Map(entries) => match entries.try_borrow() {
            Ok(entries) => {
                // Cloning the map keeps its hashes (no key is hashed again).
                let mut copied = entries.clone();
                for value in copied.values_mut() {
                    if matches!(value, Value::List(_) | Value::Map(_) | Value::Record(_)) {
                        *value = copy(value, depth + 1);
                    }
                }
                Value::map(copied)
            }
            Err(_) => value.clone(),
        },
        Value::Record(record) => match record.slots.try_borrow() {
            Ok(slots) => Value::Record(Rc::new(Record {
                shape: record.shape.clone(),
                slots: std::cell::RefCell::new(slots.iter().map(|v| copy(v, depth + 1)).collect()),
            })),
            Err(_) => value.clone(),
        },
        other => other.clone(),
    }
}
