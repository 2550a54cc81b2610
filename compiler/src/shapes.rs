//! Record shapes: the slot layout of every typed object a script sees.
//!
//! The ticket (`entity`), the replica and the schema's value objects (`Status`, `User`,
//! `Comment`, …) have fields known from the schema data, so the compiler turns
//! `entity.summary` into "slot 2 of the freshdesk ticket" and the VM reads a vector instead of
//! looking a name up (DESIGN §4). Both sides build the layout from the same data with this
//! module, and compiled bytecode records [`layout_hash`] so that bytecode built against other
//! schema data is rejected when it is loaded.
//!
//! A shape's slots are its fields in schema order. The ticket's shape is the Exalate view
//! first (`key`, `summary`, `status` as an object, …) and then every REST attribute whose
//! name the view does not already use (`subject`, `group_id`, `tags`, …): the view wins a
//! name clash (`status` is the object, not the code), exactly as the checker resolves it.
//! `summary` and `subject` are two names of one slot, since both are the same string.

use rustc_hash::FxHashMap;
use std::sync::{Arc, OnceLock};

use crate::schema::{schema, Schema};
use crate::types::Type;

/// Identifies a shape within [`Shapes`]; stable for one schema (see [`layout_hash`]).
pub type ShapeId = u16;

/// One slot of a shape.
#[derive(Clone, Debug)]
pub struct Slot {
    /// The slot's main name (the first name that refers to it).
    pub name: String,
    pub ty: Type,
    pub read_only: bool,
    /// On the ticket: the REST attribute this slot stands for (`summary` → `subject`), or its
    /// own name for a REST attribute. `None` for names with no REST counterpart.
    pub rest: Option<String>,
    /// True for slots of the Exalate view (`status` the object, `labels`, …); false for raw
    /// REST attributes.
    pub view: bool,
}

/// The layout of one kind of record.
#[derive(Debug)]
pub struct Shape {
    pub id: ShapeId,
    /// `Ticket(freshdesk)`, `Replica`, `Status`, a script class's name, …
    pub name: String,
    pub slots: Vec<Slot>,
    /// Every name that reaches a slot, aliases included.
    index: FxHashMap<String, u16>,
}

impl Shape {
    pub fn new(id: ShapeId, name: impl Into<String>, slots: Vec<Slot>) -> Shape {
        let index = slots.iter().enumerate().map(|(i, s)| (s.name.clone(), i as u16)).collect();
        Shape { id, name: name.into(), slots, index }
    }

    /// The slot that `name` reads and writes.
    pub fn slot(&self, name: &str) -> Option<u16> {
        self.index.get(name).copied()
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Every name with its slot, aliases included, sorted by slot then name.
    pub fn names(&self) -> Vec<(&str, u16)> {
        let mut names: Vec<(&str, u16)> = self.index.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        names.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
        names
    }

    fn alias(&mut self, name: &str, slot: u16) {
        self.index.insert(name.to_string(), slot);
    }
}

/// Every shape built from the schema.
#[derive(Debug)]
pub struct Shapes {
    pub all: Vec<Arc<Shape>>,
    by_name: FxHashMap<String, ShapeId>,
}

impl Shapes {
    pub fn get(&self, id: ShapeId) -> &Arc<Shape> {
        &self.all[id as usize]
    }

    pub fn by_name(&self, name: &str) -> Option<&Arc<Shape>> {
        self.by_name.get(name).map(|id| &self.all[*id as usize])
    }

    /// The ticket of `platform` (`freshdesk`, `freshservice`).
    pub fn ticket(&self, platform: &str) -> Option<&Arc<Shape>> {
        self.by_name(&ticket_shape_name(platform))
    }

    pub fn replica(&self) -> &Arc<Shape> {
        self.by_name("Replica").expect("the replica shape exists")
    }

    /// The shape of a schema object (`Status`, `User`, `Comment`, …).
    pub fn object(&self, name: &str) -> Option<&Arc<Shape>> {
        self.by_name(name)
    }

    /// The shape that values of static type `ty` have, when the type says so.
    pub fn of_type(&self, ty: &Type, platform: Option<&str>) -> Option<&Arc<Shape>> {
        match ty {
            Type::Nullable(inner) => self.of_type(inner, platform),
            Type::Ticket => self.ticket(platform?),
            Type::Replica => Some(self.replica()),
            Type::Object(name) => self.object(name),
            _ => None,
        }
    }
}

pub fn ticket_shape_name(platform: &str) -> String {
    format!("Ticket({})", platform.to_ascii_lowercase())
}

/// The shapes of the built-in schema.
pub fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| build(schema()))
}

/// The shapes for `schema`: objects (sorted by name), the replica, then one ticket per platform.
pub fn build(schema: &Schema) -> Shapes {
    let mut all: Vec<Shape> = Vec::new();
    for (name, object) in &schema.objects {
        let slots = object.fields.iter().map(|f| slot(&f.name, &f.ty, f.read_only, None, true)).collect();
        all.push(Shape::new(all.len() as ShapeId, name.clone(), slots));
    }
    // The exception object a `catch` block receives.
    all.push(Shape::new(
        all.len() as ShapeId,
        "Exception",
        vec![
            slot("message", &Type::String.nullable(), true, None, true),
            slot("class", &Type::String, true, None, true),
        ],
    ));
    // A map entry handed to closures (`map.each { it.value = 0 }`): its key, its value, and
    // the map it belongs to, so that assigning `value` writes through as in Groovy.
    all.push(Shape::new(
        all.len() as ShapeId,
        "Entry",
        vec![
            slot("key", &Type::Any, true, None, true),
            slot("value", &Type::Any, false, None, true),
            slot("map", &Type::Any, true, None, false),
        ],
    ));
    // `new SimpleDateFormat(pattern)`: its pattern and time zone.
    all.push(Shape::new(
        all.len() as ShapeId,
        "SimpleDateFormat",
        vec![
            slot("pattern", &Type::String, false, None, true),
            slot("timeZone", &Type::String, false, None, true),
        ],
    ));
    let replica = schema.replica.iter().map(|f| slot(&f.name, &f.ty, false, None, true)).collect();
    all.push(Shape::new(all.len() as ShapeId, "Replica", replica));
    for platform in &schema.platforms {
        let mut slots: Vec<Slot> = schema
            .entity_view
            .iter()
            .map(|f| slot(&f.name, &f.ty, f.read_only, f.rest.clone(), true))
            .collect();
        let mut aliases = Vec::new();
        for field in &platform.ticket {
            if slots.iter().any(|s| s.name == field.name) {
                continue;
            }
            // A view field that is the same value under another name shares the slot.
            let same = slots
                .iter()
                .position(|s| s.rest.as_deref() == Some(&field.name) && strip(&s.ty) == strip(&field.ty));
            match same {
                Some(existing) => aliases.push((field.name.clone(), existing as u16)),
                None => {
                    slots.push(slot(&field.name, &field.ty, field.read_only, Some(field.name.clone()), false))
                }
            }
        }
        let mut shape = Shape::new(all.len() as ShapeId, ticket_shape_name(&platform.name), slots);
        for (name, at) in aliases {
            shape.alias(&name, at);
        }
        all.push(shape);
    }
    let by_name = all.iter().map(|s| (s.name.clone(), s.id)).collect();
    Shapes { all: all.into_iter().map(Arc::new).collect(), by_name }
}

fn slot(name: &str, ty: &Type, read_only: bool, rest: Option<String>, view: bool) -> Slot {
    Slot { name: name.to_string(), ty: ty.clone(), read_only, rest, view }
}

fn strip(ty: &Type) -> &Type {
    match ty {
        Type::Nullable(inner) => inner,
        other => other,
    }
}

/// A fingerprint of every shape's slot layout. Bytecode stores it; loading bytecode compiled
/// against a different layout fails instead of reading the wrong slots.
pub fn layout_hash(shapes: &Shapes) -> u64 {
    // FNV-1a: stable across Rust versions, unlike `DefaultHasher`.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |text: &str| {
        for byte in text.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for shape in &shapes.all {
        feed(&shape.name);
        for (name, slot) in shape.names() {
            feed(name);
            feed(&slot.to_string());
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ticket_view_wins_name_clashes_and_aliases_share_slots() {
        let shapes = shapes();
        let ticket = shapes.ticket("freshdesk").unwrap();
        let status = ticket.slot("status").unwrap();
        assert_eq!(ticket.slots[status as usize].ty, Type::Object("Status".into()));
        assert_eq!(ticket.slot("summary"), ticket.slot("subject"));
        assert_ne!(ticket.slot("labels"), ticket.slot("tags"));
        assert!(ticket.slot("group_id").is_some());
        assert!(shapes.ticket("freshservice").unwrap().slot("department_id").is_some());
        assert_eq!(shapes.replica().slot("customKeys").map(|s| s as usize), Some(13));
    }

    #[test]
    fn the_layout_hash_is_stable_for_the_same_schema() {
        assert_eq!(layout_hash(shapes()), layout_hash(&build(schema())));
    }
}
