//! The registry of the Groovy methods scripts call on strings, numbers, lists, maps,
//! ranges and dates, loaded from `compiler/schemas/groovy-methods.json`.
//!
//! One description serves everyone (DESIGN §4): the checker types calls with it, `replica
//! explain`, hover and completion show its documentation, the runtime's standard library
//! (`replica_runtime::stdlib`) takes its argument counts and signatures from it, and the
//! examples — Groovy snippets with what Groovy 2.4's `println` prints, each checked against
//! real Groovy — become tests once the VM runs them.
//!
//! Types are written in the checker's type language ([`Type::parse`]) plus four variables
//! resolved against the receiver's type (see [`resolve`]): `E` an element (a list's item
//! type, `Int` for a range, a one-character `String` for a string, an entry `[key: k,
//! value: v]` for a map), `K` and `V` a map's key and value types, and `Self` the receiver's
//! own type.

use std::fmt;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::types::{split_top_level_comma, Type};

/// What a method is called on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
pub enum Receiver {
    String,
    /// Integers and decimals.
    Number,
    List,
    Map,
    /// A range also has every pure (non-mutating) `List` method.
    Range,
    /// Every value (`toString`, `equals`, …).
    Object,
    /// `java.util.Date` (`format`, `before`, `plus`, …).
    Date,
}

impl Receiver {
    pub fn name(self) -> &'static str {
        match self {
            Receiver::String => "String",
            Receiver::Number => "Number",
            Receiver::List => "List",
            Receiver::Map => "Map",
            Receiver::Range => "Range",
            Receiver::Object => "Object",
            Receiver::Date => "Date",
        }
    }

    pub fn parse(name: &str) -> Option<Receiver> {
        Some(match name {
            "String" => Receiver::String,
            "Number" => Receiver::Number,
            "List" => Receiver::List,
            "Map" => Receiver::Map,
            "Range" => Receiver::Range,
            "Object" => Receiver::Object,
            "Date" => Receiver::Date,
            _ => return None,
        })
    }

    /// The receiver kind of a checker type, if it has Groovy methods beyond `Object`'s.
    pub fn of_type(ty: &Type) -> Option<Receiver> {
        Some(match ty.non_null() {
            Type::String => Receiver::String,
            Type::Int | Type::Decimal => Receiver::Number,
            Type::List(_) => Receiver::List,
            Type::Map(_, _) => Receiver::Map,
            Type::Range => Receiver::Range,
            Type::Date | Type::DateTime => Receiver::Date,
            _ => return None,
        })
    }
}

impl fmt::Display for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    /// In the type language, possibly with the variables `E`, `K`, `V`, `Self`.
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub optional: bool,
    /// Takes any number of arguments (`String.format(format, args…)`).
    #[serde(default)]
    pub variadic: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroovyMethod {
    pub receiver: Receiver,
    pub name: String,
    pub params: Vec<Param>,
    /// In the type language, possibly with the variables `E`, `K`, `V`, `Self`.
    pub returns: String,
    /// False when the method changes its receiver (`sort`, `add`, `put`, …).
    pub pure: bool,
    /// Works on a null receiver (Groovy's NullObject): `null.toString()`, `null.each { }`.
    #[serde(default)]
    pub null_safe: bool,
    pub doc: String,
    /// Groovy snippets and what Groovy 2.4's `println` prints for them.
    pub examples: Vec<(String, String)>,
}

impl GroovyMethod {
    /// How many arguments the method needs at least.
    pub fn min_args(&self) -> usize {
        self.params.iter().filter(|p| !p.optional && !p.variadic).count()
    }

    /// How many arguments it takes at most (`None`: any number).
    pub fn max_args(&self) -> Option<usize> {
        if self.params.iter().any(|p| p.variadic) {
            None
        } else {
            Some(self.params.len())
        }
    }

    pub fn accepts(&self, count: usize) -> bool {
        count >= self.min_args() && self.max_args().is_none_or(|max| count <= max)
    }

    /// The return type for a receiver of type `receiver`.
    pub fn return_type(&self, receiver: &Type) -> Type {
        resolve(&self.returns, receiver)
    }

    /// `String.padLeft(Integer width, [String padding]) → String`, for messages and hover.
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| {
                let shown = format!("{} {}", show_type(&p.ty), p.name);
                match (p.optional, p.variadic) {
                    (_, true) => format!("{shown}…"),
                    (true, false) => format!("[{shown}]"),
                    (false, false) => shown,
                }
            })
            .collect();
        format!("{}.{}({}) → {}", self.receiver, self.name, params.join(", "), show_type(&self.returns))
    }
}

/// Type variables are shown as written; the rest as the checker prints them.
fn show_type(text: &str) -> String {
    if mentions_variable(text) {
        text.to_string()
    } else {
        Type::parse(text).to_string()
    }
}

fn mentions_variable(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|word| matches!(word, "E" | "K" | "V" | "Self"))
}

/// A registry type with its variables replaced for a receiver of type `receiver`.
pub fn resolve(text: &str, receiver: &Type) -> Type {
    let text = text.trim();
    if let Some(inner) = text.strip_suffix('?') {
        return resolve(inner, receiver).nullable();
    }
    if let Some(args) = text.strip_prefix("List<").and_then(|t| t.strip_suffix('>')) {
        return Type::List(Box::new(resolve(args, receiver)));
    }
    if let Some(args) = text.strip_prefix("Map<").and_then(|t| t.strip_suffix('>')) {
        let (key, value) = split_top_level_comma(args);
        return Type::Map(Box::new(resolve(key, receiver)), Box::new(resolve(value, receiver)));
    }
    let receiver = receiver.non_null();
    match text {
        "Self" => receiver.clone(),
        "E" => match receiver {
            Type::Map(_, _) => entry_type(),
            other => other.element(),
        },
        "K" => match receiver {
            Type::Map(key, _) => (**key).clone(),
            _ => Type::Any,
        },
        "V" => match receiver {
            Type::Map(_, value) => (**value).clone(),
            _ => Type::Any,
        },
        other => Type::parse(other),
    }
}

/// A map entry as the standard library passes it: a map with `key` and `value`.
pub fn entry_type() -> Type {
    Type::Map(Box::new(Type::String), Box::new(Type::Any))
}

/// Receiver kinds, as indexes of [`Registry`]'s tables.
const RECEIVERS: [Receiver; 7] = [
    Receiver::String,
    Receiver::Number,
    Receiver::List,
    Receiver::Map,
    Receiver::Range,
    Receiver::Object,
    Receiver::Date,
];

pub struct Registry {
    methods: Vec<GroovyMethod>,
    /// By receiver kind (`Receiver as usize`): name → position in `methods`, as declared.
    declared: [FxHashMap<String, usize>; 7],
    /// By receiver kind: name → position of the method [`Registry::lookup`] finds (fallbacks
    /// to `List` and `Object` resolved in advance), so that a call looks up one table.
    resolved: [FxHashMap<String, usize>; 7],
}

impl Registry {
    /// Every method, in the order of the data file.
    pub fn all(&self) -> &[GroovyMethod] {
        &self.methods
    }

    /// The method as declared for exactly this receiver kind.
    pub fn declared(&self, receiver: Receiver, name: &str) -> Option<&GroovyMethod> {
        self.declared[receiver as usize].get(name).map(|&i| &self.methods[i])
    }

    /// The method a value of this kind has: its own, then (for a range) a pure list method,
    /// then an `Object` method.
    pub fn lookup(&self, receiver: Receiver, name: &str) -> Option<&GroovyMethod> {
        self.resolved[receiver as usize].get(name).map(|&i| &self.methods[i])
    }

    /// The position of what [`Registry::lookup`] finds, from the declared tables (how
    /// `resolved` is built): the receiver's own method, then (for a range) a pure list
    /// method, then an `Object` method.
    fn resolve_index(&self, receiver: Receiver, name: &str) -> Option<usize> {
        let declared = |receiver: Receiver| self.declared[receiver as usize].get(name).copied();
        declared(receiver)
            .or_else(|| match receiver {
                Receiver::Range => declared(Receiver::List).filter(|&i| self.methods[i].pure),
                _ => None,
            })
            .or_else(|| declared(Receiver::Object))
    }

    /// Every method name a value of this kind has, sorted (for completion and "did you mean").
    pub fn names(&self, receiver: Receiver) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .methods
            .iter()
            .filter(|m| {
                m.receiver == receiver
                    || m.receiver == Receiver::Object
                    || (receiver == Receiver::Range && m.receiver == Receiver::List && m.pure)
            })
            .map(|m| m.name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// The registry built into Replica.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        load(include_str!("../schemas/groovy-methods.json")).expect("the method registry is valid (tested)")
    })
}

/// Shorthand for `registry().lookup(receiver, name)`.
pub fn lookup(receiver: Receiver, name: &str) -> Option<&'static GroovyMethod> {
    registry().lookup(receiver, name)
}

#[derive(Deserialize)]
struct RawRegistry {
    methods: Vec<GroovyMethod>,
}

fn load(text: &str) -> Result<Registry, String> {
    let raw: RawRegistry = serde_json::from_str(text).map_err(|e| format!("groovy-methods.json: {e}"))?;
    let mut declared: [FxHashMap<String, usize>; 7] = Default::default();
    for (i, method) in raw.methods.iter().enumerate() {
        if declared[method.receiver as usize].insert(method.name.clone(), i).is_some() {
            return Err(format!(
                "groovy-methods.json: `{}.{}` is described twice",
                method.receiver, method.name
            ));
        }
    }
    let mut registry = Registry { methods: raw.methods, declared, resolved: Default::default() };
    let mut resolved: [FxHashMap<String, usize>; 7] = Default::default();
    for receiver in RECEIVERS {
        for method in &registry.methods {
            if let Some(at) = registry.resolve_index(receiver, &method.name) {
                resolved[receiver as usize].insert(method.name.clone(), at);
            }
        }
    }
    registry.resolved = resolved;
    Ok(registry)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registry type is a known type of the checker's language, or a variable.
    fn check_type(text: &str) -> Result<(), String> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix('?') {
            return check_type(inner);
        }
        if let Some(args) = text.strip_prefix("List<").and_then(|t| t.strip_suffix('>')) {
            return check_type(args);
        }
        if let Some(args) = text.strip_prefix("Map<").and_then(|t| t.strip_suffix('>')) {
            let (key, value) = split_top_level_comma(args);
            check_type(key)?;
            return check_type(value);
        }
        if matches!(text, "E" | "K" | "V" | "Self") {
            return Ok(());
        }
        match Type::parse(text) {
            Type::Object(name) => Err(format!("unknown type `{name}`")),
            _ => Ok(()),
        }
    }

    #[test]
    fn every_entry_is_well_formed() {
        let registry = registry();
        assert!(registry.all().len() > 150, "{} methods", registry.all().len());
        for method in registry.all() {
            let at = format!("{}.{}", method.receiver, method.name);
            check_type(&method.returns).unwrap_or_else(|e| panic!("{at} returns: {e}"));
            for param in &method.params {
                check_type(&param.ty).unwrap_or_else(|e| panic!("{at}({}): {e}", param.name));
            }
            assert!(!method.examples.is_empty(), "{at} has no example");
            assert!(!method.doc.is_empty(), "{at} has no documentation");
            for (snippet, _) in &method.examples {
                assert!(
                    snippet.contains(&method.name) || is_operator_example(&method.name, snippet),
                    "{at}: example `{snippet}` does not call it"
                );
            }
            assert!(
                method.params.iter().filter(|p| p.variadic).count() <= 1,
                "{at}: two variadic parameters"
            );
        }
    }

    fn is_operator_example(name: &str, snippet: &str) -> bool {
        let operator = match name {
            "plus" => "+",
            "minus" => "-",
            "multiply" => "*",
            "div" => "/",
            "power" => "**",
            "getAt" => "[",
            "leftShift" => "<<",
            _ => return false,
        };
        snippet.contains(operator)
    }

    #[test]
    fn names_are_unique_per_receiver() {
        // `load` rejects duplicates; this states it for the data file as shipped.
        let registry = registry();
        let mut seen = std::collections::HashSet::new();
        for method in registry.all() {
            assert!(
                seen.insert((method.receiver, method.name.as_str())),
                "{}.{} twice",
                method.receiver,
                method.name
            );
        }
        assert!(load(r#"{"methods": [
            {"receiver": "String", "name": "x", "params": [], "returns": "Int", "pure": true, "doc": "d", "examples": [["1", "1"]]},
            {"receiver": "String", "name": "x", "params": [], "returns": "Int", "pure": true, "doc": "d", "examples": [["1", "1"]]}
        ]}"#)
        .is_err());
    }

    #[test]
    fn looks_methods_up_with_fallbacks() {
        let registry = registry();
        assert_eq!(lookup(Receiver::String, "trim").map(|m| m.receiver), Some(Receiver::String));
        // Ranges have the pure list methods, not the mutating ones.
        assert_eq!(lookup(Receiver::Range, "collect").map(|m| m.receiver), Some(Receiver::List));
        assert!(lookup(Receiver::Range, "add").is_none());
        assert!(lookup(Receiver::Range, "sort").is_none());
        assert_eq!(lookup(Receiver::Number, "toString").map(|m| m.receiver), Some(Receiver::Object));
        assert!(lookup(Receiver::Map, "nope").is_none());
        assert!(registry.names(Receiver::String).contains(&"toString"));
        assert!(registry.names(Receiver::Range).contains(&"getFrom"));
    }

    #[test]
    fn resolves_type_variables_against_the_receiver() {
        let list = Type::List(Box::new(Type::String));
        let map = Type::Map(Box::new(Type::String), Box::new(Type::Int));
        assert_eq!(lookup(Receiver::List, "first").unwrap().return_type(&list), Type::String);
        assert_eq!(lookup(Receiver::List, "find").unwrap().return_type(&list), Type::String.nullable());
        assert_eq!(
            lookup(Receiver::Map, "keySet").unwrap().return_type(&map),
            Type::List(Box::new(Type::String))
        );
        assert_eq!(lookup(Receiver::Map, "get").unwrap().return_type(&map), Type::Int.nullable());
        assert_eq!(lookup(Receiver::Map, "min").unwrap().return_type(&map), entry_type().nullable());
        assert_eq!(lookup(Receiver::Range, "first").unwrap().return_type(&Type::Range), Type::Int);
        assert_eq!(lookup(Receiver::Number, "abs").unwrap().return_type(&Type::Decimal), Type::Decimal);
        assert_eq!(
            lookup(Receiver::String, "split").unwrap().return_type(&Type::String),
            Type::List(Box::new(Type::String))
        );
    }

    #[test]
    fn counts_arguments_and_shows_signatures() {
        let pad = lookup(Receiver::String, "padLeft").unwrap();
        assert_eq!((pad.min_args(), pad.max_args()), (1, Some(2)));
        assert!(pad.accepts(1) && pad.accepts(2) && !pad.accepts(0) && !pad.accepts(3));
        assert_eq!(pad.signature(), "String.padLeft(Integer width, [String padding]) → String");
        let inject = lookup(Receiver::List, "inject").unwrap();
        assert_eq!((inject.min_args(), inject.max_args()), (1, Some(2)));
        let format = lookup(Receiver::String, "format").unwrap();
        assert_eq!((format.min_args(), format.max_args()), (1, None));
        assert_eq!(format.signature(), "String.format(String format, Any args…) → String");
        assert_eq!(lookup(Receiver::List, "first").unwrap().signature(), "List.first() → E");
    }
}
