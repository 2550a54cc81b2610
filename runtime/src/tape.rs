//! JSON read once into a flat tape, for the decoders of the ticket and the replica.
//!
//! [`Doc::parse`] reads JSON text with serde_json's parser straight into one vector of nodes
//! (a container is followed by its items; keys and strings without escapes are borrowed from
//! the text), so decoding a ticket allocates nothing for the document but that vector: no
//! `serde_json::Value`, no B-tree of owned keys. [`Doc::from_value`] lays a
//! `serde_json::Value` out the same way (borrowing its strings), so the decoders have one
//! implementation for both inputs.
//!
//! Objects keep their text's order and duplicate keys; readers see them the way a
//! `serde_json::Map` shows them: [`Object::get`] finds the last value of a key, and
//! [`Object::sorted`] lists the entries sorted by key, the last of duplicates winning.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// One node of the tape.
#[derive(Debug)]
enum Node<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    /// `len` items follow; `end` is the index just past the last node of the array.
    Array {
        len: u32,
        end: u32,
    },
    /// `len` entries follow, each a `Str` key and then its value.
    Object {
        len: u32,
        end: u32,
    },
}

/// A JSON number as serde_json reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    /// A negative integer.
    I64(i64),
    /// A non-negative integer.
    U64(u64),
    F64(f64),
}

impl Number {
    /// The number as an `i64`, when it is an integer that fits (serde_json's `as_i64`).
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::I64(n) => Some(n),
            Number::U64(n) => i64::try_from(n).ok(),
            Number::F64(_) => None,
        }
    }
}

impl fmt::Display for Number {
    /// As serde_json prints the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Number::I64(n) => write!(f, "{n}"),
            Number::U64(n) => write!(f, "{n}"),
            Number::F64(x) => match serde_json::Number::from_f64(x) {
                Some(n) => write!(f, "{n}"),
                None => write!(f, "{x}"),
            },
        }
    }
}

/// A parsed JSON document.
pub(crate) struct Doc<'a> {
    nodes: Vec<Node<'a>>,
}

impl<'a> Doc<'a> {
    /// Parses JSON text (the same syntax, limits and errors as `serde_json::from_str`).
    pub fn parse(text: &'a str) -> Result<Doc<'a>, serde_json::Error> {
        // About one node per 10 bytes of typical REST JSON.
        let mut nodes = Vec::with_capacity(text.len() / 10 + 4);
        let mut deserializer = serde_json::Deserializer::from_str(text);
        Builder { nodes: &mut nodes }.deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(Doc { nodes })
    }

    /// A `serde_json::Value` on a tape (its strings borrowed).
    pub fn from_value(value: &'a serde_json::Value) -> Doc<'a> {
        let mut nodes = Vec::new();
        lay_out(value, &mut nodes);
        Doc { nodes }
    }

    pub fn root(&self) -> Json<'_> {
        Json { nodes: &self.nodes, at: 0 }
    }
}

fn lay_out<'a>(value: &'a serde_json::Value, nodes: &mut Vec<Node<'a>>) {
    match value {
        serde_json::Value::Null => nodes.push(Node::Null),
        serde_json::Value::Bool(b) => nodes.push(Node::Bool(*b)),
        serde_json::Value::Number(n) => nodes.push(Node::Number(if let Some(u) = n.as_u64() {
            Number::U64(u)
        } else if let Some(i) = n.as_i64() {
            Number::I64(i)
        } else {
            Number::F64(n.as_f64().unwrap_or(f64::NAN))
        })),
        serde_json::Value::String(s) => nodes.push(Node::Str(Cow::Borrowed(s))),
        serde_json::Value::Array(items) => {
            let at = nodes.len();
            nodes.push(Node::Null);
            for item in items {
                lay_out(item, nodes);
            }
            nodes[at] = Node::Array { len: items.len() as u32, end: nodes.len() as u32 };
        }
        serde_json::Value::Object(entries) => {
            let at = nodes.len();
            nodes.push(Node::Null);
            for (key, item) in entries {
                nodes.push(Node::Str(Cow::Borrowed(key)));
                lay_out(item, nodes);
            }
            nodes[at] = Node::Object { len: entries.len() as u32, end: nodes.len() as u32 };
        }
    }
}

/// Builds the tape from any serde deserializer (keys are deserialized as values: strings).
struct Builder<'n, 'a> {
    nodes: &'n mut Vec<Node<'a>>,
}

impl<'de> DeserializeSeed<'de> for Builder<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Builder<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.nodes.push(Node::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        // serde_json reads non-negative integers as u64; keep one form for each number.
        self.nodes.push(Node::Number(if v >= 0 { Number::U64(v as u64) } else { Number::I64(v) }));
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.nodes.push(Node::Number(Number::U64(v)));
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.nodes.push(Node::Number(Number::F64(v)));
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.nodes.push(Node::Str(Cow::Owned(v.to_string())));
        Ok(())
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.nodes.push(Node::Str(Cow::Borrowed(v)));
        Ok(())
    }

    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.nodes.push(Node::Str(Cow::Owned(v)));
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.nodes.push(Node::Null);
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.nodes.push(Node::Null);
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let at = self.nodes.len();
        self.nodes.push(Node::Null);
        let mut len = 0u32;
        while seq.next_element_seed(Builder { nodes: &mut *self.nodes })?.is_some() {
            len += 1;
        }
        self.nodes[at] = Node::Array { len, end: self.nodes.len() as u32 };
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let at = self.nodes.len();
        self.nodes.push(Node::Null);
        let mut len = 0u32;
        while map.next_key_seed(Builder { nodes: &mut *self.nodes })?.is_some() {
            map.next_value_seed(Builder { nodes: &mut *self.nodes })?;
            len += 1;
        }
        self.nodes[at] = Node::Object { len, end: self.nodes.len() as u32 };
        Ok(())
    }
}

static NULL: [Node<'static>; 1] = [Node::Null];

/// One value of a document.
#[derive(Clone, Copy)]
pub(crate) struct Json<'d> {
    nodes: &'d [Node<'d>],
    at: usize,
}

/// What a value is, to match on.
pub(crate) enum Kind<'d> {
    Null,
    Bool(bool),
    Number(Number),
    Str(&'d str),
    Array(Array<'d>),
    Object(Object<'d>),
}

impl<'d> Json<'d> {
    /// `null`, as a missing member reads.
    pub const NULL: Json<'static> = Json { nodes: &NULL, at: 0 };

    pub fn kind(self) -> Kind<'d> {
        match &self.nodes[self.at] {
            Node::Null => Kind::Null,
            Node::Bool(b) => Kind::Bool(*b),
            Node::Number(n) => Kind::Number(*n),
            Node::Str(s) => Kind::Str(s),
            Node::Array { len, .. } => Kind::Array(Array { json: self, len: *len as usize }),
            Node::Object { len, .. } => Kind::Object(Object { json: self, len: *len as usize }),
        }
    }

    pub fn is_null(self) -> bool {
        matches!(self.nodes[self.at], Node::Null)
    }

    pub fn as_str(self) -> Option<&'d str> {
        match &self.nodes[self.at] {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(self) -> Option<Object<'d>> {
        match self.kind() {
            Kind::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The index just past this value's last node.
    fn end(self) -> usize {
        match self.nodes[self.at] {
            Node::Array { end, .. } | Node::Object { end, .. } => end as usize,
            _ => self.at + 1,
        }
    }

    fn next(self) -> Json<'d> {
        Json { nodes: self.nodes, at: self.end() }
    }

    fn child(self) -> Json<'d> {
        Json { nodes: self.nodes, at: self.at + 1 }
    }

    /// "a string (\"x\")", "an object", … for messages (as `json::describe` says it).
    pub fn describe(self) -> String {
        match self.kind() {
            Kind::Null => "null".into(),
            Kind::Bool(b) => format!("a boolean ({b})"),
            Kind::Number(n) => format!("a number ({n})"),
            Kind::Str(s) if s.chars().count() <= 40 => format!("a string ({s:?})"),
            Kind::Str(_) => "a string".into(),
            Kind::Array(_) => "a list".into(),
            Kind::Object(_) => "an object".into(),
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Array<'d> {
    json: Json<'d>,
    len: usize,
}

impl<'d> Array<'d> {
    pub fn iter(self) -> Items<'d> {
        Items { next: self.json.child(), left: self.len }
    }
}

pub(crate) struct Items<'d> {
    next: Json<'d>,
    left: usize,
}

impl Items<'static> {
    /// No items (what a null list has).
    pub fn empty() -> Items<'static> {
        Items { next: Json::NULL, left: 0 }
    }
}

impl<'d> Iterator for Items<'d> {
    type Item = Json<'d>;

    fn next(&mut self) -> Option<Json<'d>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let item = self.next;
        self.next = item.next();
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Items<'_> {}

#[derive(Clone, Copy)]
pub(crate) struct Object<'d> {
    json: Json<'d>,
    len: usize,
}

impl<'d> Object<'d> {
    /// The entries in the document's order, duplicates included.
    pub fn entries(self) -> Entries<'d> {
        Entries { next: self.json.child(), left: self.len }
    }

    /// The value of `key` (the last one when the key is repeated).
    pub fn get(self, key: &str) -> Option<Json<'d>> {
        let mut found = None;
        for (k, value) in self.entries() {
            if k == key {
                found = Some(value);
            }
        }
        found
    }

    pub fn contains_key(self, key: &str) -> bool {
        self.entries().any(|(k, _)| k == key)
    }

    /// `self[key]`, null when missing.
    pub fn at(self, key: &str) -> Json<'d> {
        self.get(key).unwrap_or(Json::NULL)
    }

    /// The entries as a `serde_json::Map` holds them: sorted by key, the last of duplicates.
    pub fn sorted(self) -> Vec<(&'d str, Json<'d>)> {
        let mut entries: Vec<(&'d str, Json<'d>)> = self.entries().collect();
        if entries.windows(2).all(|pair| pair[0].0 < pair[1].0) {
            return entries;
        }
        // Stable: duplicates stay in document order, and the last of each run is kept.
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut kept: Vec<(&'d str, Json<'d>)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => kept.push(entry),
            }
        }
        kept
    }
}

pub(crate) struct Entries<'d> {
    next: Json<'d>,
    left: usize,
}

impl<'d> Iterator for Entries<'d> {
    type Item = (&'d str, Json<'d>);

    fn next(&mut self) -> Option<(&'d str, Json<'d>)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let key = self.next.as_str().unwrap_or_default();
        let value = self.next.child();
        self.next = value.next();
        Some((key, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(json: Json<'_>) -> serde_json::Value {
        match json.kind() {
            Kind::Null => serde_json::Value::Null,
            Kind::Bool(b) => b.into(),
            Kind::Number(Number::I64(n)) => n.into(),
            Kind::Number(Number::U64(n)) => n.into(),
            Kind::Number(Number::F64(x)) => x.into(),
            Kind::Str(s) => s.into(),
            Kind::Array(items) => items.iter().map(walk).collect(),
            Kind::Object(object) => serde_json::Value::Object(
                object.sorted().into_iter().map(|(k, v)| (k.to_string(), walk(v))).collect(),
            ),
        }
    }

    #[test]
    fn text_and_value_give_the_same_document() {
        let text = r#"{"b": [1, -2, 2.5, 18446744073709551615, "x\"y", null, true, {}], "a": {"z": 1, "y": [[]]},
                       "b": "last", "c": "é"}"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let doc = Doc::parse(text).unwrap();
        assert_eq!(walk(doc.root()), value);
        assert_eq!(walk(Doc::from_value(&value).root()), value);
        let object = doc.root().as_object().unwrap();
        assert_eq!(object.get("b").and_then(Json::as_str), Some("last"));
        assert_eq!(object.entries().count(), 4);
        assert_eq!(object.sorted().iter().map(|(k, _)| *k).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert!(object.at("missing").is_null());
    }

    #[test]
    fn errors_and_descriptions_are_serde_jsons() {
        for bad in ["{", "[1,]", "1 2", "", "{\"a\" 1}"] {
            let ours = Doc::parse(bad).err().map(|e| e.to_string());
            let theirs = serde_json::from_str::<serde_json::Value>(bad).err().map(|e| e.to_string());
            assert_eq!(ours, theirs, "{bad}");
        }
        let doc = Doc::parse(r#"[1.5, 1e300, -3, "x", {}, [], null, false]"#).unwrap();
        let Kind::Array(items) = doc.root().kind() else { panic!() };
        let described: Vec<String> = items.iter().map(Json::describe).collect();
        let value: serde_json::Value =
            serde_json::from_str(r#"[1.5, 1e300, -3, "x", {}, [], null, false]"#).unwrap();
        let expected: Vec<String> = value.as_array().unwrap().iter().map(crate::json::describe).collect();
        assert_eq!(described, expected);
    }
}
