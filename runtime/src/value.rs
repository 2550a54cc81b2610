//! Runtime values with Groovy's meaning.
//!
//! Groovy lists and maps are mutable and shared: `def b = a; b << 1` changes `a` too, so they
//! live behind `Rc<RefCell<…>>`. Strings are immutable and shared (`Rc<str>`); a GString is
//! turned into a string when it is built. Numbers are `Int` (Groovy's Integer/Long, `i64`)
//! and `Decimal` (Groovy's BigDecimal, with its scale: `2.25 + 0.75` is `3.00`). A script run
//! is single-threaded; values cross threads only as JSON at the edges.
//!
//! Printing (`Display`) follows Groovy's `println`: `[1, 2]`, `[a:1, b:2]`, `2.5`, `null`.
//! Operators live in `ops.rs`, the Groovy methods in `stdlib/`.

use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::Arc;

use indexmap::IndexMap;
use replica_compiler::shapes::Shape;
use rust_decimal::Decimal;

/// The hasher of script maps: foldhash, seeded per map (keys are short strings mostly, and
/// SipHash took a tenth of a mapping's time).
pub type KeyHasher = foldhash::fast::RandomState;
/// The entries of a Groovy map: insertion-ordered, keyed by value.
pub type ValueMap = IndexMap<Key, Value, KeyHasher>;
/// A Groovy map.
pub type MapRef = Rc<RefCell<ValueMap>>;

/// An empty map with room for `capacity` entries.
pub fn value_map(capacity: usize) -> ValueMap {
    ValueMap::with_capacity_and_hasher(capacity, KeyHasher::default())
}
/// A Groovy list.
pub type ListRef = Rc<RefCell<Vec<Value>>>;

#[derive(Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Str(Rc<str>),
    List(ListRef),
    Map(MapRef),
    /// `from..to` or `from..<to` over integers.
    Range {
        from: i64,
        to: i64,
        inclusive: bool,
    },
    /// A compiled pattern: `~/…/` or the right side of `=~`.
    Regex(Rc<regex::Regex>),
    /// A closure of the script (compiled code plus captured cells).
    Closure(Rc<Closure>),
    /// A function written in Rust (method pointers, test doubles, helpers' callbacks).
    Native(Rc<NativeFn>),
    /// A typed object with a known slot layout: the ticket, the replica, a status, a user, a
    /// comment, an exception, an instance of a script class.
    Record(Rc<Record>),
    /// Groovy's `java.util.Date`: milliseconds since 1970-01-01T00:00:00Z.
    Date(i64),
}

/// A typed object: its shape says which field is in which slot (see
/// `replica_compiler::shapes`). Records are mutable and shared, like Groovy objects.
pub struct Record {
    pub shape: Arc<Shape>,
    pub slots: RefCell<Vec<Value>>,
}

impl Record {
    /// A record of `shape` with every slot null.
    pub fn empty(shape: &Arc<Shape>) -> Rc<Record> {
        Rc::new(Record { shape: shape.clone(), slots: RefCell::new(vec![Value::Null; shape.len()]) })
    }

    /// The value of field `name`, or `None` when the shape has no such field.
    pub fn get(&self, name: &str) -> Option<Value> {
        let slot = self.shape.slot(name)?;
        Some(self.slots.borrow()[slot as usize].clone())
    }

    /// Sets field `name`; false when the shape has no such field.
    pub fn set(&self, name: &str, value: Value) -> bool {
        match self.shape.slot(name) {
            Some(slot) => {
                self.slots.borrow_mut()[slot as usize] = value;
                true
            }
            None => false,
        }
    }
}

/// A script closure: which compiled function, and the variables it captured. Captured
/// variables are shared cells, so a closure sees (and makes) later changes to them.
pub struct Closure {
    pub function: u32,
    pub captures: Vec<Rc<RefCell<Value>>>,
    /// Declared parameters; `None` for `{ … }` with the implicit `it`.
    pub params: Option<u8>,
}

/// A Rust function usable where Groovy expects a closure.
pub struct NativeFn {
    pub name: &'static str,
    /// Declared parameters, like [`Closure::params`]: `None` behaves as one parameter (`it`).
    /// The standard library looks at it where Groovy does (`map.each { k, v -> }` gets key
    /// and value, `map.each { e -> }` the entry).
    pub arity: Option<u8>,
    pub call: NativeCall,
}

/// The Rust side of a [`NativeFn`].
pub type NativeCall = Box<dyn Fn(&[Value]) -> Result<Value, RuntimeError>>;

/// Why a run failed. The VM adds where (span and call stack) when it reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct RuntimeError {
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An operator or method applied to a value of the wrong type.
    Type,
    /// A method the receiver does not have (Groovy's MissingMethodException).
    MissingMethod,
    /// A property the receiver does not have (MissingPropertyException).
    MissingProperty,
    /// A method or property called on `null` (NullPointerException).
    NullReference,
    IndexOutOfBounds,
    DivisionByZero,
    /// A string that is not a number (`"x".toInteger()`).
    NumberFormat,
    /// An integer result outside 64 bits.
    Overflow,
    /// `throw` in the script.
    Thrown,
    /// `debug.error(message)`.
    DebugError,
    /// The step budget or the memory bound was exceeded.
    Limit,
}

impl RuntimeError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        RuntimeError { kind, message: message.into() }
    }

    pub fn type_error(message: impl Into<String>) -> Self {
        RuntimeError::new(ErrorKind::Type, message)
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuntimeError {}

/// Calls closures. The VM implements it; the standard library receives it so that
/// `collect`, `findAll`, `each` … can call back into the script.
pub trait Invoke {
    fn invoke(&mut self, callee: &Value, args: Vec<Value>) -> Result<Value, RuntimeError>;
}

/// Calls only native functions: enough for the standard library's own tests.
pub struct NativeOnly;

impl Invoke for NativeOnly {
    fn invoke(&mut self, callee: &Value, args: Vec<Value>) -> Result<Value, RuntimeError> {
        match callee {
            Value::Native(native) => (native.call)(&args),
            other => Err(RuntimeError::type_error(format!("cannot call {}", other.type_name()))),
        }
    }
}

impl Value {
    pub fn str(text: &str) -> Value {
        Value::Str(Rc::from(text))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    /// A map value of `entries` (any hasher: entries with another one are moved over).
    pub fn map<S: std::hash::BuildHasher + 'static>(entries: IndexMap<Key, Value, S>) -> Value {
        let mut entries = Some(entries);
        let any: &mut dyn std::any::Any = &mut entries;
        let map = match any.downcast_mut::<Option<ValueMap>>() {
            Some(own) => own.take().unwrap_or_default(),
            None => entries.take().map(|entries| entries.into_iter().collect()).unwrap_or_default(),
        };
        Value::Map(Rc::new(RefCell::new(map)))
    }

    pub fn native(
        name: &'static str,
        call: impl Fn(&[Value]) -> Result<Value, RuntimeError> + 'static,
    ) -> Value {
        Value::Native(Rc::new(NativeFn { name, arity: None, call: Box::new(call) }))
    }

    /// A native function that declares `arity` parameters (see [`NativeFn::arity`]).
    pub fn native_with_arity(
        name: &'static str,
        arity: u8,
        call: impl Fn(&[Value]) -> Result<Value, RuntimeError> + 'static,
    ) -> Value {
        Value::Native(Rc::new(NativeFn { name, arity: Some(arity), call: Box::new(call) }))
    }

    /// Groovy's class name of the value, for messages (`java.lang.String` → `String`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::Decimal(_) => "BigDecimal",
            Value::Str(_) => "String",
            Value::List(_) => "List",
            Value::Map(_) => "Map",
            Value::Range { .. } => "Range",
            Value::Regex(_) => "Pattern",
            Value::Closure(_) | Value::Native(_) => "Closure",
            Value::Record(record) => record_type_name(&record.shape.name),
            Value::Date(_) => "Date",
        }
    }

    pub fn record(shape: &Arc<Shape>, slots: Vec<Value>) -> Value {
        debug_assert_eq!(slots.len(), shape.len());
        Value::Record(Rc::new(Record { shape: shape.clone(), slots: RefCell::new(slots) }))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// The class name a record's shape stands for, for messages and `instanceof`.
fn record_type_name(shape: &str) -> &'static str {
    match shape {
        "Replica" => "Replica",
        "Exception" => "Exception",
        name if name.starts_with("Ticket(") => "Issue",
        "Status" => "Status",
        "Priority" => "Priority",
        "User" => "User",
        "Comment" => "Comment",
        "Attachment" => "Attachment",
        "Label" => "Label",
        "CustomField" => "CustomField",
        "Connection" => "Connection",
        _ => "Object",
    }
}

/// A map key: a value compared the way Groovy's `HashMap` compares keys (strings by content,
/// numbers by value within the same kind, `1` and `1.0` are different keys).
#[derive(Clone)]
pub struct Key(pub Value);

impl Key {
    pub fn str(text: &str) -> Key {
        Key(Value::str(text))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        match (&self.0, &other.0) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Decimal(a), Value::Decimal(b)) => a == b && a.scale() == b.scale(),
            (Value::Str(a), Value::Str(b)) => a == b,
            (
                Value::Range { from: a, to: b, inclusive: c },
                Value::Range { from: x, to: y, inclusive: z },
            ) => (a, b, c) == (x, y, z),
            // Lists, maps and closures as keys compare by identity.
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
            (Value::Map(a), Value::Map(b)) => Rc::ptr_eq(a, b),
            (Value::Record(a), Value::Record(b)) => Rc::ptr_eq(a, b),
            (Value::Date(a), Value::Date(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Key {}

/// The first thing a key's hash says: which kind of value it is.
fn kind_tag(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Int(_) => 2,
        Value::Decimal(_) => 3,
        Value::Str(_) => STR_TAG,
        Value::List(_) => 5,
        Value::Map(_) => 6,
        Value::Range { .. } => 7,
        Value::Regex(_) => 8,
        Value::Closure(_) => 9,
        Value::Native(_) => 10,
        Value::Record(_) => 11,
        Value::Date(_) => 12,
    }
}

const STR_TAG: u8 = 4;

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u8(kind_tag(&self.0));
        match &self.0 {
            Value::Bool(b) => b.hash(state),
            Value::Int(n) => n.hash(state),
            Value::Decimal(d) => {
                d.mantissa().hash(state);
                d.scale().hash(state);
            }
            Value::Str(s) => s.hash(state),
            Value::Range { from, to, inclusive } => (from, to, inclusive).hash(state),
            Value::List(l) => (Rc::as_ptr(l) as usize).hash(state),
            Value::Map(m) => (Rc::as_ptr(m) as usize).hash(state),
            Value::Record(r) => (Rc::as_ptr(r) as usize).hash(state),
            Value::Date(ms) => ms.hash(state),
            _ => {}
        }
    }
}

/// A string key to look a map up with, without building a [`Key`] (`map.get(&StrKey("x"))`).
#[derive(Clone, Copy, Debug)]
pub struct StrKey<'a>(pub &'a str);

impl Hash for StrKey<'_> {
    /// As the [`Key`] of a string hashes.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u8(STR_TAG);
        self.0.hash(state);
    }
}

impl indexmap::Equivalent<Key> for StrKey<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        matches!(&key.0, Value::Str(s) if **s == *self.0)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => write!(f, "{s:?}"),
            other => write!(f, "{other}"),
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}
