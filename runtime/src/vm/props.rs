//! Dynamic property access and method dispatch, with Groovy's rules: a map's property is
//! its key, a record's is its field, a list spreads the property over its elements, other
//! values answer their getters (`"abc".empty` is `isEmpty()`); methods go to script-class
//! methods, records' accessors, a closure held in a map, and then the Groovy library.

use std::rc::Rc;

use replica_compiler::methods::{self, Receiver};

use super::call::no_signature;
use super::limits::shallow_size;
use super::{Call, OnReturn, Vm};
use crate::entity;
use crate::program::LoadedProgram;
use crate::stdlib;
use crate::value::{ErrorKind, Key, Record, RuntimeError, StrKey, Value};

impl<'a> Vm<'a> {
    /// `object.name`.
    pub(super) fn get_prop(&mut self, object: &Value, name: &str) -> Result<Value, RuntimeError> {
        match object {
            Value::Null => Err(RuntimeError::new(
                ErrorKind::NullReference,
                format!("Cannot get property '{name}' on null object"),
            )),
            Value::Map(map) => Ok(map.borrow().get(&StrKey(name)).cloned().unwrap_or(Value::Null)),
            Value::Record(record) => self.record_prop(record, name),
            Value::List(_) | Value::Range { .. } => {
                if let Some(value) = self.getter(object, name)? {
                    return Ok(value);
                }
                // Groovy spreads the property over the elements, skipping nulls.
                let items = crate::ops::elements(object)?.unwrap_or_default();
                let mut values = Vec::with_capacity(items.len());
                for item in items.iter().filter(|item| !item.is_null()) {
                    values.push(self.get_prop(item, name)?);
                }
                let list = Value::list(values);
                self.charge(shallow_size(&list))?;
                Ok(list)
            }
            other => match self.getter(other, name)? {
                Some(value) => Ok(value),
                None => Err(no_such_property(name, other)),
            },
        }
    }

    fn record_prop(&mut self, record: &Rc<Record>, name: &str) -> Result<Value, RuntimeError> {
        if let Some(value) = record.get(name) {
            return Ok(value);
        }
        let program = self.program;
        if let Some(class) = program.class_of(&record.shape) {
            // A getter the class declares (`def getTotal() { … }` read as `obj.total`).
            for getter in [accessor("get", name), accessor("is", name)] {
                if let Some(index) = find_method(program, class, &getter, 0) {
                    let this = Value::Record(record.clone());
                    return self
                        .nested(|vm| vm.push_call(index, Vec::new(), Some(this), None, OnReturn::Value));
                }
            }
        } else if record.shape.name == "Exception" {
            match name {
                "localizedMessage" => return Ok(record.get("message").unwrap_or(Value::Null)),
                "cause" => return Ok(Value::Null),
                "stackTrace" => return Ok(Value::list(Vec::new())),
                _ => {}
            }
        }
        Err(no_such_property(name, &Value::Record(record.clone())))
    }

    /// A getter of the Groovy library read as a property (`list.empty`, `"x".bytes`).
    fn getter(&mut self, object: &Value, name: &str) -> Result<Option<Value>, RuntimeError> {
        let kind = stdlib::receiver_kind(object);
        for candidate in [accessor("get", name), accessor("is", name)] {
            if methods::lookup(kind, &candidate).is_some_and(|m| m.accepts(0))
                && stdlib::implemented(receiver_name(kind, object), &candidate)
            {
                let value = self.library(object.clone(), &candidate, Vec::new())?;
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    /// `object.name = value`.
    pub(super) fn set_prop(&mut self, object: &Value, name: &str, value: Value) -> Result<(), RuntimeError> {
        match object {
            Value::Null => Err(RuntimeError::new(
                ErrorKind::NullReference,
                format!("Cannot set property '{name}' on null object"),
            )),
            Value::Map(map) => {
                let before = shallow_size(object);
                map.borrow_mut().insert(Key::str(name), value);
                self.charge(shallow_size(object).saturating_sub(before))
            }
            Value::Record(record) => match record.shape.slot(name) {
                Some(slot) => self.assign_slot(record, slot, value),
                None => {
                    let program = self.program;
                    if let Some(class) = program.class_of(&record.shape) {
                        if let Some(index) = find_method(program, class, &accessor("set", name), 1) {
                            let this = Value::Record(record.clone());
                            self.nested(|vm| {
                                vm.push_call(index, vec![value], Some(this), None, OnReturn::Value)
                            })?;
                            return Ok(());
                        }
                    }
                    Err(no_such_property(name, object))
                }
            },
            // Groovy sets the property on every element.
            Value::List(list) => {
                let items = list.borrow().clone();
                for item in items.iter().filter(|item| !item.is_null()) {
                    self.set_prop(item, name, value.clone())?;
                }
                Ok(())
            }
            other => Err(no_such_property(name, other)),
        }
    }

    /// A field of a record: straight into the slot for script-class instances; through the
    /// entity model (conversions, read-only fields) for the ticket, replica and objects.
    pub(super) fn assign_slot(
        &mut self,
        record: &Rc<Record>,
        slot: u16,
        value: Value,
    ) -> Result<(), RuntimeError> {
        if self.program.class_of(&record.shape).is_some() {
            if let Some(place) = record.slots.borrow_mut().get_mut(usize::from(slot)) {
                *place = value;
            }
            return Ok(());
        }
        if usize::from(slot) >= record.shape.len() {
            return Err(super::exec::malformed("no such slot"));
        }
        let Some(value) = entity::assign_plain(record, slot, value) else { return Ok(()) };
        let host = self.host()?;
        entity::assign(host, record, slot, value)
    }

    /// `object*.name`: the property of every element, null for null elements.
    pub(super) fn spread_prop(&mut self, object: &Value, name: &str) -> Result<Value, RuntimeError> {
        let Some(items) = spread_items(object)? else { return Ok(Value::Null) };
        let mut values = Vec::with_capacity(items.len());
        for item in &items {
            values.push(if item.is_null() { Value::Null } else { self.get_prop(item, name)? });
        }
        let list = Value::list(values);
        self.charge(shallow_size(&list))?;
        Ok(list)
    }

    /// `object*.name(args)`.
    pub(super) fn spread_call(
        &mut self,
        object: Value,
        name: &str,
        args: Vec<Value>,
    ) -> Result<Value, RuntimeError> {
        let Some(items) = spread_items(&object)? else { return Ok(Value::Null) };
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            values.push(if item.is_null() {
                Value::Null
            } else {
                self.call_method_sync(item, name, args.clone())?
            });
        }
        let list = Value::list(values);
        self.charge(shallow_size(&list))?;
        Ok(list)
    }

    /// `receiver.name(args)`.
    pub(super) fn call_method(
        &mut self,
        receiver: Value,
        name: &str,
        args: Vec<Value>,
    ) -> Result<Call, RuntimeError> {
        match &receiver {
            Value::Record(record) => {
                if let Some(call) = self.record_method(record, name, &args)? {
                    return Ok(call);
                }
            }
            // `m.f(x)` where `m.f` holds a closure, when maps have no method `f`.
            Value::Map(map) if methods::lookup(Receiver::Map, name).is_none() => {
                let held = map.borrow().get(&StrKey(name)).cloned();
                if let Some(callee @ (Value::Closure(_) | Value::Native(_))) = held {
                    return self.call_value(callee, args);
                }
            }
            Value::Closure(_) | Value::Native(_) if name == "call" => return self.call_value(receiver, args),
            _ => {}
        }
        self.library(receiver, name, args).map(Call::Done)
    }

    /// The Groovy library's method, charging what it built.
    fn library(&mut self, receiver: Value, name: &str, args: Vec<Value>) -> Result<Value, RuntimeError> {
        let before = shallow_size(&receiver);
        let result = self.native(|vm| stdlib::call_method(vm, &receiver, name, args))?;
        self.charge_call(&receiver, before, &result)?;
        Ok(result)
    }

    /// Methods records answer before the Groovy library: script-class methods, the
    /// accessors Groovy generates for fields, an exception's methods.
    fn record_method(
        &mut self,
        record: &Rc<Record>,
        name: &str,
        args: &[Value],
    ) -> Result<Option<Call>, RuntimeError> {
        let program = self.program;
        let this = Value::Record(record.clone());
        if let Some(class) = program.class_of(&record.shape) {
            if let Some(index) = find_method(program, class, name, args.len()) {
                self.push_call(index, args.to_vec(), Some(this), None, OnReturn::Value)?;
                return Ok(Some(Call::Pushed));
            }
            let declared =
                program.program.classes.get(class).is_some_and(|c| c.methods.iter().any(|(n, _)| n == name));
            if declared {
                return Err(no_signature(&format!("{}.{name}", record.shape.name), args));
            }
            // A closure held in a field: `obj.handler(x)`.
            if let Some(callee @ (Value::Closure(_) | Value::Native(_))) = record.get(name) {
                return self.call_value(callee, args.to_vec()).map(Some);
            }
        }
        if record.shape.name == "SimpleDateFormat" {
            if let Some(result) = super::dates::call(record, name, args) {
                return result.map(|value| Some(Call::Done(value)));
            }
        }
        if record.shape.name == "Exception" {
            let value = match (name, args.len()) {
                ("getMessage" | "getLocalizedMessage", 0) => record.get("message").unwrap_or(Value::Null),
                ("getCause", 0) => Value::Null,
                ("getStackTrace", 0) => Value::list(Vec::new()),
                ("printStackTrace", 0) => Value::Null,
                ("toString", 0) => Value::str(&this.to_string()),
                _ => return Ok(None),
            };
            return Ok(Some(Call::Done(value)));
        }
        // Groovy's generated accessors: `getSummary()`, `isInternal()`, `setSummary(x)`.
        for (prefix, arity) in [("get", 0), ("is", 0), ("set", 1)] {
            let Some(field) = field_of_accessor(name, prefix) else { continue };
            if args.len() != arity {
                continue;
            }
            let Some(slot) = record.shape.slot(&field) else { continue };
            if prefix == "set" {
                self.assign_slot(record, slot, args[0].clone())?;
                return Ok(Some(Call::Done(Value::Null)));
            }
            return Ok(Some(Call::Done(record.get(&field).unwrap_or(Value::Null))));
        }
        Ok(None)
    }
}

/// The script-class method `name` that takes `argc` arguments.
fn find_method(program: &LoadedProgram, class: usize, name: &str, argc: usize) -> Option<u32> {
    let class = program.program.classes.get(class)?;
    class.methods.iter().filter(|(n, _)| n == name).map(|(_, index)| *index).find(|&index| {
        program
            .program
            .functions
            .get(index as usize)
            .is_some_and(|f| (usize::from(f.required)..=usize::from(f.params)).contains(&argc))
    })
}

/// `get` + `name` → `getName`.
fn accessor(prefix: &str, name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{prefix}{}{}", first.to_uppercase(), chars.as_str()),
        None => prefix.to_string(),
    }
}

/// `getName` → `name` (Java bean rules: `getURL` → `URL`).
fn field_of_accessor(method: &str, prefix: &str) -> Option<String> {
    let rest = method.strip_prefix(prefix)?;
    let mut chars = rest.chars();
    let first = chars.next()?;
    if !first.is_uppercase() {
        return None;
    }
    let second_upper = chars.next().is_some_and(char::is_uppercase);
    if second_upper {
        return Some(rest.to_string());
    }
    Some(format!("{}{}", first.to_lowercase(), &rest[first.len_utf8()..]))
}

fn receiver_name(kind: Receiver, value: &Value) -> &'static str {
    match (kind, value) {
        (Receiver::Object, _) => "Object",
        (kind, _) => kind.name(),
    }
}

/// The elements `*.` walks: a list's or range's items, a map's entries; `None` for null.
fn spread_items(object: &Value) -> Result<Option<Vec<Value>>, RuntimeError> {
    Ok(match object {
        Value::Null => None,
        Value::Map(map) => {
            Some(map.borrow().iter().map(|(k, v)| stdlib::entry(k.0.clone(), v.clone())).collect())
        }
        other => Some(crate::ops::elements(other)?.unwrap_or_else(|| vec![other.clone()])),
    })
}

fn no_such_property(name: &str, object: &Value) -> RuntimeError {
    RuntimeError::new(
        ErrorKind::MissingProperty,
        format!("No such property: {name} for class: {}", class_name(object)),
    )
}

/// The class name of a value for messages: a record's shape (`Status`, a script class),
/// otherwise the value's type.
pub(super) fn class_name(value: &Value) -> String {
    match value {
        Value::Record(record) if record.shape.name.starts_with("Ticket(") => "Issue".to_string(),
        Value::Record(record) => record.shape.name.clone(),
        other => other.type_name().to_string(),
    }
}

/// `value instanceof ty`, with Groovy's class names (simple or qualified, generics ignored).
pub(super) fn instance_of(program: &LoadedProgram, value: &Value, ty: &str) -> bool {
    let base = ty.split('<').next().unwrap_or(ty).trim();
    let simple = base.rsplit('.').next().unwrap_or(base);
    match value {
        Value::Null => false,
        _ if simple == "Object" => true,
        Value::Bool(_) => simple == "Boolean",
        Value::Int(n) => match simple {
            "Integer" => i32::try_from(*n).is_ok(),
            "Long" => i32::try_from(*n).is_err(),
            "Number" | "Comparable" => true,
            _ => false,
        },
        Value::Decimal(_) => matches!(simple, "BigDecimal" | "Number" | "Comparable"),
        Value::Str(_) => matches!(simple, "String" | "CharSequence" | "Comparable"),
        Value::List(_) => matches!(simple, "List" | "ArrayList" | "Collection" | "Iterable"),
        Value::Range { .. } => matches!(simple, "Range" | "IntRange" | "List" | "Collection" | "Iterable"),
        Value::Map(_) => matches!(simple, "Map" | "LinkedHashMap"),
        Value::Regex(_) => simple == "Pattern",
        Value::Closure(_) | Value::Native(_) => simple == "Closure",
        Value::Date(_) => matches!(simple, "Date" | "Comparable"),
        Value::Record(record) => {
            if record.shape.name == "Exception" {
                let class = record.get("class").map(|c| c.to_string()).unwrap_or_default();
                return super::error::catches(&[simple.to_string()], &class);
            }
            if program.class_of(&record.shape).is_some() {
                return record.shape.name == simple || record.shape.name == base;
            }
            let own = class_name(value);
            own == simple || (own == "Issue" && matches!(simple, "Ticket" | "BasicHubIssue" | "Hubissue"))
        }
    }
}

/// An exception object for a failure reported by Rust code (for builtins' `new X(msg)`).
pub(super) fn new_exception(simple_name: &str, message: Option<&Value>) -> Value {
    let class = super::error::qualified_class(simple_name);
    let message = match message {
        None | Some(Value::Null) => Value::Null,
        Some(Value::Str(s)) => Value::Str(s.clone()),
        // `new Exception(cause)`: Java uses the cause's `toString()` as the message.
        Some(other) => Value::str(&other.to_string()),
    };
    Value::Record(super::exec::exception_with(&class, message))
}
