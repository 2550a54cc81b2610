//! Validating ticket bodies as the platforms do: every problem of a body is collected into
//! one 400 answer. The facts come from the compiler's platform schema (types, nullability,
//! read-only and write-only flags, status/priority/source codes) with the instance's custom
//! fields, custom statuses and ticket types (see `facts.rs`).

use replica_compiler::schema::Field;
use replica_compiler::types::Type;
use serde_json::{Map, Value};

use super::clock::{format_time, is_plain_date, parse_time};
use super::errors::{FieldError, INVALID_VALUE};
use super::state::Store;
use super::SimPlatform;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Create,
    Update,
}

/// Who the requester is, from the write-only identity attributes.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
    /// `twitter_id`, `facebook_id` or `unique_external_id`: a new contact without an email.
    pub other: bool,
}

/// A body that passed: the attributes to write (normalized) and the requester identity.
#[derive(Debug, Default)]
pub struct Checked {
    pub set: Map<String, Value>,
    pub custom: Map<String, Value>,
    pub identity: Identity,
}

const IDENTITY: &[&str] = &["email", "phone", "name", "twitter_id", "facebook_id", "unique_external_id"];
/// Accepted and type-checked, but the simulator keeps nothing of them.
const IGNORED: &[&str] = &[
    "parent_id",
    "related_ticket_ids",
    "internal_agent_id",
    "internal_group_id",
    "lookup_parameter",
    "problem",
    "assets",
    "change_initiating_ticket",
    "change_initiated_by_ticket",
];
const EMAIL_LISTS: &[&str] = &["cc_emails", "to_emails", "fwd_emails", "reply_cc_emails"];

pub fn valid_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(|c| c.is_whitespace() || c == ',' || c == '<' || c == '>')
}

fn type_name(ty: &Type) -> &'static str {
    match ty.non_null() {
        Type::Int => "Integer",
        Type::Decimal => "Number",
        Type::Bool => "Boolean",
        Type::String | Type::DateTime | Type::Date => "String",
        Type::List(_) => "Array",
        Type::Map(_, _) => "key/value pair",
        _ => "valid value",
    }
}

/// Checks one value against a schema field; returns the value to store.
fn check_value(field: &Field, value: &Value, store: &Store, errors: &mut Vec<FieldError>) -> Option<Value> {
    let name = field.name.as_str();
    if value.is_null() {
        if field.nullable {
            return Some(Value::Null);
        }
        errors.push(FieldError::mismatch(name, type_name(&field.ty)));
        return None;
    }
    let facts = &store.facts;
    match field.ty.non_null() {
        Type::Int => {
            let Some(n) = value.as_i64() else {
                errors.push(FieldError::mismatch(name, "Integer"));
                return None;
            };
            if let Some(codes) = facts.codes(name) {
                if !codes.iter().any(|(code, _)| *code == n) {
                    let list: Vec<String> = codes.iter().map(|(c, _)| c.to_string()).collect();
                    errors.push(FieldError::not_one_of(name, &list));
                    return None;
                }
            }
            let exists = match name {
                "requester_id" | "requested_for_id" => store.user(n).is_some(),
                "responder_id" => store.agents.contains_key(&n),
                "group_id" => store.groups.contains_key(&n),
                _ => n > 0,
            };
            if !exists {
                let what = match name {
                    "responder_id" => "agent",
                    "group_id" => "group",
                    "requester_id" | "requested_for_id" => "contact",
                    _ => "record",
                };
                errors.push(FieldError::new(
                    name,
                    INVALID_VALUE,
                    format!("There is no {what} matching the given {name}"),
                ));
                return None;
            }
            Some(value.clone())
        }
        Type::Bool => {
            if value.is_boolean() {
                Some(value.clone())
            } else {
                errors.push(FieldError::mismatch(name, "Boolean"));
                None
            }
        }
        Type::String => {
            let Some(text) = value.as_str() else {
                errors.push(FieldError::mismatch(name, "String"));
                return None;
            };
            let choices = if name == "type" {
                Some(facts.platform.ticket_types.clone())
            } else {
                field.choices.clone()
            };
            if let Some(choices) = choices {
                if !choices.iter().any(|c| c == text) {
                    errors.push(FieldError::not_one_of(name, &choices));
                    return None;
                }
            }
            if name == "email" && !valid_email(text) {
                errors.push(FieldError::bad_email(name));
                return None;
            }
            Some(value.clone())
        }
        Type::DateTime | Type::Date => {
            let Some(text) = value.as_str() else {
                errors.push(FieldError::mismatch(name, "String"));
                return None;
            };
            match parse_time(text) {
                Some(secs) => Some(Value::String(format_time(secs))),
                None => {
                    errors.push(FieldError::bad_time(name));
                    None
                }
            }
        }
        Type::List(item) => {
            let Some(items) = value.as_array() else {
                errors.push(FieldError::mismatch(name, "Array"));
                return None;
            };
            let ok = match item.non_null() {
                Type::String => items.iter().all(Value::is_string),
                Type::Int => items.iter().all(|v| v.as_i64().is_some()),
                _ => true,
            };
            if !ok {
                let what = if matches!(item.non_null(), Type::Int) { "Integer" } else { "String" };
                errors.push(FieldError::mismatch(name, &format!("Array of {what}")));
                return None;
            }
            if EMAIL_LISTS.contains(&name) && !items.iter().filter_map(Value::as_str).all(valid_email) {
                errors.push(FieldError::bad_email_list(name));
                return None;
            }
            Some(value.clone())
        }
        Type::Map(_, _) => {
            if value.is_object() {
                Some(value.clone())
            } else {
                errors.push(FieldError::mismatch(name, "key/value pair"));
                None
            }
        }
        _ => Some(value.clone()),
    }
}

/// Checks a custom field value by the field's lock type.
fn check_custom(name: &str, value: &Value, store: &Store, errors: &mut Vec<FieldError>) -> Option<Value> {
    let Some((_, seed)) = store.facts.custom(name) else {
        errors.push(FieldError::unexpected(name));
        return None;
    };
    if value.is_null() {
        return Some(Value::Null);
    }
    let mismatch = |errors: &mut Vec<FieldError>, what: &str| {
        errors.push(FieldError::mismatch(name, what));
        None
    };
    match seed.kind.as_str() {
        "text" | "paragraph" => match value {
            Value::String(_) => Some(value.clone()),
            _ => mismatch(errors, "String"),
        },
        "number" => match value.as_i64() {
            Some(_) => Some(value.clone()),
            None => mismatch(errors, "Integer"),
        },
        "decimal" => match value {
            Value::Number(_) => Some(value.clone()),
            _ => mismatch(errors, "Number"),
        },
        "checkbox" => match value {
            Value::Bool(_) => Some(value.clone()),
            _ => mismatch(errors, "Boolean"),
        },
        "date" => match value.as_str() {
            Some(text) if is_plain_date(text) => Some(value.clone()),
            Some(_) => {
                errors.push(FieldError::new(name, INVALID_VALUE, "It should be in the 'YYYY-MM-DD' format"));
                None
            }
            None => mismatch(errors, "String"),
        },
        "date_time" => match value.as_str().map(parse_time) {
            Some(Some(secs)) => Some(Value::String(format_time(secs))),
            Some(None) => {
                errors.push(FieldError::bad_time(name));
                None
            }
            None => mismatch(errors, "String"),
        },
        "dropdown" => {
            let Some(text) = value.as_str() else { return mismatch(errors, "String") };
            let choices = seed.choices.clone().unwrap_or_default();
            if choices.iter().any(|c| c == text) {
                Some(value.clone())
            } else {
                errors.push(FieldError::not_one_of(name, &choices));
                None
            }
        }
        "multi_select" => {
            let Some(items) = value.as_array().filter(|items| items.iter().all(Value::is_string)) else {
                return mismatch(errors, "Array of String");
            };
            let choices = seed.choices.clone().unwrap_or_default();
            if items.iter().filter_map(Value::as_str).all(|i| choices.iter().any(|c| c == i)) {
                Some(value.clone())
            } else {
                errors.push(FieldError::not_one_of(name, &choices));
                None
            }
        }
        _ => Some(value.clone()),
    }
}

/// Validates a ticket create or update body against `store`'s facts.
pub fn ticket_body(store: &Store, body: &Map<String, Value>, mode: Mode) -> Result<Checked, Vec<FieldError>> {
    let platform = store.platform;
    let mut errors = Vec::new();
    let mut checked = Checked::default();
    for (key, value) in body {
        if key == "custom_fields" {
            match value {
                Value::Object(custom) => {
                    for (name, value) in custom {
                        if let Some(v) = check_custom(name, value, store, &mut errors) {
                            checked.custom.insert(name.clone(), v);
                        }
                    }
                }
                _ => errors.push(FieldError::mismatch(key.as_str(), "key/value pair")),
            }
            continue;
        }
        let Some(field) = store.facts.field(key) else {
            errors.push(FieldError::unexpected(key.as_str()));
            continue;
        };
        let fixed_workspace =
            platform == SimPlatform::Freshservice && key == "workspace_id" && mode == Mode::Update;
        if field.read_only || fixed_workspace {
            errors.push(FieldError::unexpected(key.as_str()));
            continue;
        }
        if key == "attachments" {
            errors.push(FieldError::new(
                key.as_str(),
                INVALID_VALUE,
                "Attachments are sent as multipart/form-data, which the simulator does not accept",
            ));
            continue;
        }
        let Some(value) = check_value(field, value, store, &mut errors) else { continue };
        if IDENTITY.contains(&key.as_str()) && field.write_only {
            let text = value.as_str().map(str::to_string);
            match key.as_str() {
                "email" => checked.identity.email = text,
                "phone" => checked.identity.phone = text,
                "name" => checked.identity.name = text,
                _ => checked.identity.other |= text.is_some(),
            }
        } else if !IGNORED.contains(&key.as_str()) {
            checked.set.insert(key.clone(), value);
        }
    }
    if mode == Mode::Create {
        required_on_create(store, body, &checked, &mut errors);
    }
    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(errors)
    }
}

fn required_on_create(
    store: &Store,
    body: &Map<String, Value>,
    checked: &Checked,
    errors: &mut Vec<FieldError>,
) {
    let has = |key: &str| body.get(key).is_some_and(|v| !v.is_null());
    let identities: &[&str] = match store.platform {
        SimPlatform::Freshdesk => {
            &["requester_id", "email", "phone", "facebook_id", "twitter_id", "unique_external_id"]
        }
        SimPlatform::Freshservice => &["requester_id", "email", "phone"],
    };
    if !identities.iter().any(|k| has(k)) {
        errors.push(FieldError::missing("requester_id"));
    } else if has("phone") && !has("email") && !has("requester_id") && !has("name") {
        errors.push(FieldError::missing("name"));
    }
    let required: &[&str] = match store.platform {
        // The default form's `required_for_agents` (see the ticket fields).
        SimPlatform::Freshdesk => &["subject", "description"],
        SimPlatform::Freshservice => &["status", "priority", "description"],
    };
    for key in required {
        if !has(key) && !errors.iter().any(|e| e.field == *key) {
            errors.push(FieldError::missing(*key));
        }
    }
    for field in store.facts.custom_fields.iter().filter(|f| f.required_for_agents) {
        if checked.custom.get(&field.name).is_none_or(Value::is_null)
            && !errors.iter().any(|e| e.field == field.name)
        {
            errors.push(FieldError::missing(field.name.clone()));
        }
    }
}

/// Resolving or closing needs the `required_for_closure` custom fields filled.
pub fn closure(store: &Store, status: i64, custom: Option<&Value>) -> Vec<FieldError> {
    if status != 4 && status != 5 {
        return Vec::new();
    }
    store
        .facts
        .custom_fields
        .iter()
        .filter(|f| f.required_for_closure)
        .filter(|f| custom.and_then(|c| c.get(&f.name)).is_none_or(|v| v.is_null() || v.as_str() == Some("")))
        .map(|f| FieldError::missing(f.name.clone()))
        .collect()
}
