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

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use replica_compiler::shapes::{shapes, Shape};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::display;
use crate::entity::objects::{self, build};
use crate::ops;
use crate::stdlib::date;
use crate::tape::{Doc, Items, Json, Kind, Number, Object};
use crate::value::{value_map, Key, Value, ValueMap};

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

/// Why JSON text could not become a ticket or a replica: it is not JSON, or it does not decode.
#[derive(Debug)]
pub enum ReadError {
    /// Not JSON (serde_json's error, with line and column).
    Syntax(serde_json::Error),
    Decode(DecodeError),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Syntax(error) => write!(f, "not JSON: {error}"),
            ReadError::Decode(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<DecodeError> for ReadError {
    fn from(error: DecodeError) -> ReadError {
        ReadError::Decode(error)
    }
}

/// Parses JSON text for a decoder.
pub(crate) fn parse(text: &str) -> Result<Doc<'_>, ReadError> {
    Doc::parse(text).map_err(ReadError::Syntax)
}

/// Where a value is in a document. Decoders pass it down and render it
/// (`conversations[1].created_at`) only for an error.
#[derive(Clone, Copy)]
pub(crate) enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    pub fn key(&'p self, key: &'p str) -> Path<'p> {
        Path::Key(self, key)
    }

    pub fn index(&'p self, index: usize) -> Path<'p> {
        Path::Index(self, index)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, index) => {
                parent.write(out);
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
}

/// `path`: expected X, found Y.
pub(crate) fn mismatch(path: &Path<'_>, expected: &str, found: Json<'_>) -> DecodeError {
    DecodeError::new(path.render(), format!("expected {expected}, found {}", found.describe()))
}

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

// ---------------------------------------------------------------------------------------
// Plain conversion
// ---------------------------------------------------------------------------------------

pub fn from_json(json: &serde_json::Value) -> Value {
    plain(Doc::from_value(json).root())
}

/// A JSON value as a plain value: objects become maps (sorted by key, as a `serde_json::Map`
/// holds them), lists lists, numbers `Int` or `Decimal`.
pub(crate) fn plain(json: Json<'_>) -> Value {
    match json.kind() {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(b),
        Kind::Number(n) => number(n),
        Kind::Str(s) => Value::str(s),
        Kind::Array(items) => Value::list(items.iter().map(plain).collect()),
        Kind::Object(entries) => {
            // In the text's order, then sorted when it is not (a repeated key keeps its
            // first place and its last value, and sorting puts it where a Map has it).
            let mut map = value_map(entries.len());
            let mut sorted = true;
            let mut previous: &str = "";
            for (i, (key, value)) in entries.entries().enumerate() {
                sorted &= i == 0 || text_cmp(previous, key).is_lt();
                previous = key;
                insert(&mut map, member_key(key), plain(value));
            }
            if !sorted {
                map.sort_by(|a, _, b, _| text_cmp(&key_text(a), &key_text(b)));
            }
            Value::map(map)
        }
    }
}

/// A map key for a member name: the names the schema knows (the platforms' ticket
/// attributes and REST objects, the replica's and the value objects' fields) are shared
/// strings, made once per thread, so the many maps of a decoded ticket (conversations, the
/// requester, …) do not each allocate their keys.
pub(crate) fn member_key(name: &str) -> Key {
    thread_local! {
        static KNOWN: FxHashMap<&'static str, Rc<str>> = known_names();
    }
    KNOWN.with(|known| match known.get(name) {
        Some(shared) => Key(Value::Str(shared.clone())),
        None => Key::str(name),
    })
}

fn known_names() -> FxHashMap<&'static str, Rc<str>> {
    let schema = replica_compiler::schema::schema();
    let platforms = schema.platforms.iter().flat_map(|platform| {
        let objects = platform.objects.values().flatten();
        platform.ticket.iter().chain(objects).map(|field| field.name.as_str())
    });
    let objects = schema.objects.values().flat_map(|object| object.fields.iter().map(|f| f.name.as_str()));
    let replica = schema.replica.iter().map(|field| field.name.as_str());
    platforms.chain(objects).chain(replica).map(|name| (name, Rc::from(name))).collect()
}

/// `map.insert(key, value)`, dropping a replaced value where it is (`insert` hands it back
/// through memory, and reading it stalled every entry on store forwarding).
#[inline]
pub(crate) fn insert(map: &mut ValueMap, key: Key, value: Value) {
    match map.entry(key) {
        indexmap::map::Entry::Occupied(mut entry) => *entry.get_mut() = value,
        indexmap::map::Entry::Vacant(entry) => {
            entry.insert(value);
        }
    }
}

/// `a.cmp(b)` (byte order, as a `serde_json::Map` sorts keys), deciding most pairs of keys
/// by their first bytes without a call to `memcmp`.
#[inline]
pub(crate) fn text_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    for (p, q) in x.iter().zip(y).take(4) {
        if p != q {
            return p.cmp(q);
        }
    }
    x.cmp(y)
}

fn number(n: Number) -> Value {
    match n {
        Number::I64(i) => Value::Int(i),
        Number::U64(u) => match i64::try_from(u) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Decimal(Decimal::from(u)),
        },
        Number::F64(x) => match ops::double_to_value(x) {
            Ok(value) => value,
            Err(_) => Value::str(&n.to_string()),
        },
    }
}

pub fn to_json(value: &Value) -> serde_json::Value {
    serde_json::to_value(AsJson(value)).unwrap_or(serde_json::Value::Null)
}

/// A value as JSON for serde: `serde_json::to_string(&AsJson(&value))` writes the text of
/// [`to_json`]`(&value)` without building it (object keys sorted, as a `serde_json::Map`
/// keeps them; of two map keys with the same text, the later one).
pub struct AsJson<'v>(pub &'v Value);

impl Serialize for AsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        At { value: self.0, depth: 0 }.serialize(serializer)
    }
}

/// A value at a depth of the document.
struct At<'v> {
    value: &'v Value,
    depth: usize,
}

impl Serialize for At<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.depth > MAX_DEPTH {
            return serializer.serialize_unit();
        }
        let depth = self.depth + 1;
        match self.value {
            Value::Null | Value::Closure(_) | Value::Native(_) => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(n) => serializer.serialize_i64(*n),
            Value::Decimal(d) => match decimal(d) {
                Decimal_::I64(n) => serializer.serialize_i64(n),
                Decimal_::U64(n) => serializer.serialize_u64(n),
                Decimal_::F64(x) => serializer.serialize_f64(x),
                Decimal_::Text(text) => serializer.serialize_str(&text),
            },
            Value::Str(s) => serializer.serialize_str(s),
            Value::Date(millis) => date::with_iso(*millis, |text| serializer.serialize_str(text)),
            Value::Regex(re) => serializer.serialize_str(re.as_str()),
            Value::Range { from, to, inclusive } => {
                let len = ops::range_len(*from, *to, *inclusive);
                if len > 100_000 {
                    return serializer.serialize_str(&display::range_literal(*from, *to, *inclusive));
                }
                let mut seq = serializer.serialize_seq(Some(len as usize))?;
                for n in ops::range_values(*from, *to, *inclusive) {
                    seq.serialize_element(&n)?;
                }
                seq.end()
            }
            Value::List(items) => {
                let Ok(items) = items.try_borrow() else { return serializer.serialize_unit() };
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(&At { value: item, depth })?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let Ok(entries) = entries.try_borrow() else { return serializer.serialize_unit() };
                let sorted = sorted_entries(&entries);
                let mut map = serializer.serialize_map(Some(sorted.len()))?;
                for (key, item) in &sorted {
                    map.serialize_entry(key.as_ref(), &At { value: item, depth })?;
                }
                map.end()
            }
            // A map entry: its key and value (not the map it belongs to).
            Value::Record(record) if record.shape.name == "Entry" => {
                let Ok(slots) = record.slots.try_borrow() else { return serializer.serialize_unit() };
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("key", &At { value: &slots[0], depth })?;
                map.serialize_entry("value", &At { value: &slots[1], depth })?;
                map.end()
            }
            // The fields that are not null, by name.
            Value::Record(record) => {
                let Ok(slots) = record.slots.try_borrow() else { return serializer.serialize_unit() };
                let order = by_name(&record.shape);
                let count = slots.iter().filter(|item| !item.is_null()).count();
                let mut map = serializer.serialize_map(Some(count))?;
                for &at in order.iter() {
                    let item = &slots[usize::from(at)];
                    if !item.is_null() {
                        map.serialize_entry(
                            &record.shape.slots[usize::from(at)].name,
                            &At { value: item, depth },
                        )?;
                    }
                }
                map.end()
            }
        }
    }
}

/// A map's entries as JSON shows them: keys as text, sorted, the later of two keys with the
/// same text (as a `serde_json::Map` keeps them).
fn sorted_entries(entries: &ValueMap) -> Vec<(Cow<'_, str>, &Value)> {
    let mut sorted: Vec<(Cow<'_, str>, &Value)> =
        entries.iter().map(|(key, item)| (key_text(key), item)).collect();
    if !sorted.windows(2).all(|pair| text_cmp(&pair[0].0, &pair[1].0).is_lt()) {
        // Stable, so that the last of equal keys is the one kept.
        sorted.sort_by(|a, b| text_cmp(&a.0, &b.0));
        sorted.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
    }
    sorted
}

/// Writes the text of [`to_json`]`(value)` (what `serde_json::to_string` makes of it) to
/// `out`: the same walk as [`AsJson`], with strings escaped eight bytes at a time.
pub(crate) fn write_text(out: &mut Vec<u8>, value: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        out.extend_from_slice(b"null");
        return;
    }
    let depth = depth + 1;
    match value {
        Value::Null | Value::Closure(_) | Value::Native(_) => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(n) => write_i64(out, *n),
        Value::Decimal(d) => match decimal(d) {
            Decimal_::I64(n) => write_i64(out, n),
            Decimal_::U64(n) => write_u64(out, n),
            // serde_json's shortest digits.
            Decimal_::F64(x) => {
                out.extend_from_slice(serde_json::to_string(&x).unwrap_or_default().as_bytes())
            }
            Decimal_::Text(text) => write_str(out, &text),
        },
        Value::Str(s) => write_str(out, s),
        Value::Date(millis) => date::with_iso(*millis, |text| write_str(out, text)),
        Value::Regex(re) => write_str(out, re.as_str()),
        Value::Range { from, to, inclusive } => {
            if ops::range_len(*from, *to, *inclusive) > 100_000 {
                return write_str(out, &display::range_literal(*from, *to, *inclusive));
            }
            out.push(b'[');
            for (i, n) in ops::range_values(*from, *to, *inclusive).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_i64(out, n);
            }
            out.push(b']');
        }
        Value::List(items) => {
            let Ok(items) = items.try_borrow() else { return out.extend_from_slice(b"null") };
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_text(out, item, depth);
            }
            out.push(b']');
        }
        Value::Map(entries) => {
            let Ok(entries) = entries.try_borrow() else { return out.extend_from_slice(b"null") };
            out.push(b'{');
            for (i, (key, item)) in sorted_entries(&entries).iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(out, key);
                out.push(b':');
                write_text(out, item, depth);
            }
            out.push(b'}');
        }
        Value::Record(record) if record.shape.name == "Entry" => {
            let Ok(slots) = record.slots.try_borrow() else { return out.extend_from_slice(b"null") };
            out.extend_from_slice(b"{\"key\":");
            write_text(out, &slots[0], depth);
            out.extend_from_slice(b",\"value\":");
            write_text(out, &slots[1], depth);
            out.push(b'}');
        }
        Value::Record(record) => {
            let Ok(slots) = record.slots.try_borrow() else { return out.extend_from_slice(b"null") };
            out.push(b'{');
            let mut first = true;
            for &at in by_name(&record.shape).iter() {
                let item = &slots[usize::from(at)];
                if item.is_null() {
                    continue;
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                write_str(out, &record.shape.slots[usize::from(at)].name);
                out.push(b':');
                write_text(out, item, depth);
            }
            out.push(b'}');
        }
    }
}

fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

fn write_i64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    write_u64(out, n.unsigned_abs());
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, control characters as `\n`,
/// `\t`, … or `\u00xx`, everything else as it is.
fn write_str(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut at = 0;
    while at < bytes.len() {
        let run = crate::tape::plain_run(&bytes[at..]);
        out.extend_from_slice(&bytes[at..at + run]);
        at += run;
        let Some(&byte) = bytes.get(at) else { break };
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
            }
        }
        at += 1;
    }
    out.push(b'"');
}

/// A shape's slots in the order of their names.
fn by_name(shape: &Arc<Shape>) -> Cow<'static, [u16]> {
    fn sorted(shape: &Shape) -> Vec<u16> {
        let mut order: Vec<u16> = (0..shape.len() as u16).collect();
        order.sort_by(|a, b| shape.slots[usize::from(*a)].name.cmp(&shape.slots[usize::from(*b)].name));
        order
    }
    static SCHEMA: OnceLock<Vec<Vec<u16>>> = OnceLock::new();
    let all = &shapes().all;
    match all.get(usize::from(shape.id)) {
        Some(known) if Arc::ptr_eq(known, shape) => {
            let orders = SCHEMA.get_or_init(|| all.iter().map(|s| sorted(s)).collect());
            Cow::Borrowed(&orders[usize::from(shape.id)])
        }
        // A script class's instance.
        _ => Cow::Owned(sorted(shape)),
    }
}

fn key_text(key: &Key) -> Cow<'_, str> {
    match &key.0 {
        Value::Str(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

/// How a decimal is written: an integer when it is one that fits, else the double nearest
/// to it, else (beyond a double's range) its text.
#[allow(non_camel_case_types)]
enum Decimal_ {
    I64(i64),
    U64(u64),
    F64(f64),
    Text(String),
}

fn decimal(d: &Decimal) -> Decimal_ {
    if d.scale() == 0 {
        if let Ok(n) = i64::try_from(d.mantissa()) {
            return Decimal_::I64(n);
        }
        if let Ok(n) = u64::try_from(d.mantissa()) {
            return Decimal_::U64(n);
        }
    }
    let text = display::format_decimal(d);
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Decimal_::F64(x),
        _ => Decimal_::Text(text),
    }
}

// ---------------------------------------------------------------------------------------
// Typed reading, shared with the ticket decoder
// ---------------------------------------------------------------------------------------

/// A string (or null); numbers are accepted as their text, since ids travel both ways.
#[inline]
pub(crate) fn text(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    match json.kind() {
        Kind::Null => Ok(Value::Null),
        Kind::Str(s) => Ok(Value::str(s)),
        Kind::Number(n) => Ok(Value::str(&n.to_string())),
        _ => Err(mismatch(path, "a string", json)),
    }
}

#[inline]
pub(crate) fn string(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    match json.kind() {
        Kind::Null => Ok(Value::Null),
        Kind::Str(s) => Ok(Value::str(s)),
        _ => Err(mismatch(path, "a string", json)),
    }
}

#[inline]
pub(crate) fn integer(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    match json.kind() {
        Kind::Null => Ok(Value::Null),
        Kind::Number(n) => match n.as_i64() {
            Some(n) => Ok(Value::Int(n)),
            None => Err(mismatch(path, "an integer", json)),
        },
        _ => Err(mismatch(path, "an integer", json)),
    }
}

/// An id: an integer, or a string as written (other systems' ids are text: `"10481"`).
#[inline]
pub(crate) fn id(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    match json.kind() {
        Kind::Str(s) => Ok(Value::str(s)),
        _ => integer(json, path),
    }
}

#[inline]
pub(crate) fn boolean(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    match json.kind() {
        Kind::Null => Ok(Value::Null),
        Kind::Bool(b) => Ok(Value::Bool(b)),
        _ => Err(mismatch(path, "true or false", json)),
    }
}

/// A timestamp: ISO 8601 text (or milliseconds since the epoch) → `Value::Date`.
#[inline]
pub(crate) fn timestamp(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    match json.kind() {
        Kind::Null => Ok(Value::Null),
        Kind::Str(s) => date::parse_iso(s).map(Value::Date).ok_or_else(|| {
            DecodeError::new(
                path.render(),
                format!("expected an ISO 8601 date such as 2026-11-24T08:59:28Z, found {s:?}"),
            )
        }),
        Kind::Number(n) => match n.as_i64() {
            Some(millis) => Ok(Value::Date(millis)),
            None => Err(mismatch(path, "a date", json)),
        },
        _ => Err(mismatch(path, "a date", json)),
    }
}

/// The items of a list; null has none.
pub(crate) fn array<'d>(json: Json<'d>, path: &Path<'_>) -> Result<Items<'d>, DecodeError> {
    match json.kind() {
        Kind::Null => Ok(Items::empty()),
        Kind::Array(items) => Ok(items.iter()),
        _ => Err(mismatch(path, "a list", json)),
    }
}

pub(crate) fn object<'d>(json: Json<'d>, path: &Path<'_>) -> Result<Option<Object<'d>>, DecodeError> {
    match json.kind() {
        Kind::Null => Ok(None),
        Kind::Object(object) => Ok(Some(object)),
        _ => Err(mismatch(path, "an object", json)),
    }
}

/// A list whose items are decoded by `item` (with their index in the path).
pub(crate) fn list_of(
    json: Json<'_>,
    path: &Path<'_>,
    mut item: impl FnMut(Json<'_>, &Path<'_>) -> Result<Value, DecodeError>,
) -> Result<Value, DecodeError> {
    let items = array(json, path)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, json) in items.enumerate() {
        out.push(item(json, &path.index(i))?);
    }
    Ok(Value::list(out))
}

// ---------------------------------------------------------------------------------------
// The replica
// ---------------------------------------------------------------------------------------

pub fn replica_from_json(json: &serde_json::Value) -> Result<Value, DecodeError> {
    replica_from(Doc::from_value(json).root())
}

/// [`replica_from_json`] of JSON text, without building a `serde_json::Value`.
pub fn replica_from_str(text: &str) -> Result<Value, ReadError> {
    Ok(replica_from(parse(text)?.root())?)
}

fn replica_from(json: Json<'_>) -> Result<Value, DecodeError> {
    let Some(entries) = json.as_object() else {
        return Err(DecodeError::new(
            "",
            format!("a replica must be a JSON object, not {}", json.describe()),
        ));
    };
    let shape = shapes().replica();
    let mut slots = vec![Value::Null; shape.len()];
    let mut extra = ValueMap::default();
    let mut custom_keys = ValueMap::default();
    let root = Path::Root;
    for (key, json) in entries.sorted() {
        let path = &root.key(key);
        let value = match key {
            "key" | "id" | "summary" | "description" | "entityType" | "url" => text(json, path)?,
            "type" => match json.kind() {
                // Other systems send the type as an object (`{"name": "Bug"}`).
                Kind::Object(type_object) => text(type_object.at("name"), &path.key("name"))?,
                _ => text(json, path)?,
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
                    custom_keys.extend(object.sorted().into_iter().map(|(k, v)| (Key::str(k), plain(v))));
                }
                continue;
            }
            "created" | "updated" => timestamp(json, path)?,
            _ => {
                extra.insert(Key::str(key), plain(json));
                continue;
            }
        };
        if let Some(slot) = shape.slot(key) {
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
            replica.set(name, Value::map(ValueMap::default()));
        }
    }
}

pub fn replica_to_json(replica: &Value) -> serde_json::Value {
    to_json(replica)
}

/// The replica as JSON text: the text of [`replica_to_json`], written straight from the record.
pub fn replica_to_string(replica: &Value) -> String {
    // Room for a typical replica, so that the text is not copied as it grows.
    let mut out = Vec::with_capacity(2048);
    write_text(&mut out, replica, 0);
    String::from_utf8(out).unwrap_or_default()
}

/// A status or priority: an object (`{"id": 2, "name": "Open"}`), a name, or a code.
fn enum_object(object_name: &str, json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    Ok(match json.kind() {
        Kind::Null => Value::Null,
        Kind::Str(name) => build(object_name, &[("name", Value::str(name))]),
        Kind::Number(_) => build(object_name, &[("id", integer(json, path)?)]),
        Kind::Object(fields) => build(
            object_name,
            &[
                ("id", id(fields.at("id"), &path.key("id"))?),
                ("name", text(fields.at("name"), &path.key("name"))?),
                ("description", text(fields.at("description"), &path.key("description"))?),
            ],
        ),
        _ => return Err(mismatch(path, "a status object, name or code", json)),
    })
}

fn label(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    match json.kind() {
        Kind::Str(text) => Ok(objects::label(text)),
        Kind::Object(fields) => {
            Ok(build("Label", &[("label", text(fields.at("label"), &path.key("label"))?)]))
        }
        _ => Err(mismatch(path, "a label (`{\"label\": \"…\"}` or a string)", json)),
    }
}

/// A user object: `id`, `email`, `displayName` (or `name`), `username`, `active`.
pub(crate) fn user(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    let Some(fields) = object(json, path)? else { return Ok(Value::Null) };
    let [given_id, email, display_name, name, username, active] =
        fields.pick(["id", "email", "displayName", "name", "username", "active"]);
    let display_name = if display_name.is_null() { name } else { display_name };
    Ok(objects::user([
        id(given_id, &path.key("id"))?,
        text(email, &path.key("email"))?,
        text(display_name, &path.key("displayName"))?,
        text(username, &path.key("username"))?,
        boolean(active, &path.key("active"))?,
    ]))
}

fn comment(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    let Some(fields) = object(json, path)? else {
        return Err(mismatch(path, "a comment object", json));
    };
    let internal = boolean(fields.at("internal"), &path.key("internal"))?;
    Ok(objects::comment([
        id(fields.at("id"), &path.key("id"))?,
        text(fields.at("body"), &path.key("body"))?,
        user(fields.at("author"), &path.key("author"))?,
        if internal.is_null() { Value::Bool(false) } else { internal },
        timestamp(fields.at("created"), &path.key("created"))?,
        timestamp(fields.at("updated"), &path.key("updated"))?,
        text(fields.at("remoteId"), &path.key("remoteId"))?,
    ]))
}

/// An attachment in the replica's names, or the platforms' (`name`, `content_type`, `size`).
fn attachment(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    let Some(fields) = object(json, path)? else {
        return Err(mismatch(path, "an attachment object", json));
    };
    let either = |a: &'static str, b: &'static str| match fields.at(a) {
        given if given.is_null() => (fields.at(b), b),
        given => (given, a),
    };
    let (filename, filename_key) = either("filename", "name");
    let (mimetype, mimetype_key) = either("mimetype", "content_type");
    let (filesize, filesize_key) = either("filesize", "size");
    let (created, created_key) = either("created", "created_at");
    Ok(objects::attachment([
        id(fields.at("id"), &path.key("id"))?,
        text(filename, &path.key(filename_key))?,
        text(mimetype, &path.key(mimetype_key))?,
        integer(filesize, &path.key(filesize_key))?,
        timestamp(created, &path.key(created_key))?,
    ]))
}

/// `customFields`: name → `{"name", "type", "value"}` (any of them), or name → a bare value.
fn custom_fields(json: Json<'_>, path: &Path<'_>) -> Result<Value, DecodeError> {
    let mut out = ValueMap::default();
    if let Some(fields) = object(json, path)? {
        for (name, json) in fields.sorted() {
            let at = path.key(name);
            let field = match json.as_object() {
                Some(parts) if parts.entries().all(|(k, _)| matches!(k, "name" | "type" | "value")) => {
                    let value = plain(parts.at("value"));
                    let name_value = match text(parts.at("name"), &at.key("name"))? {
                        Value::Null => Value::str(name),
                        given => given,
                    };
                    let kind = match text(parts.at("type"), &at.key("type"))? {
                        Value::Null => Value::str(objects::guess_kind(&value)),
                        given => given,
                    };
                    build("CustomField", &[("name", name_value), ("type", kind), ("value", value)])
                }
                _ => {
                    let value = plain(json);
                    objects::custom_field(name, objects::guess_kind(&value), value)
                }
            };
            out.insert(Key::str(name), field);
        }
    }
    Ok(Value::map(out))
}
