//! Evaluating a checked query against a ticket's REST JSON.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value as Json;

use super::check::{parse_date, parse_datetime};
use super::{Condition, Expr, FieldKind, Op, Target, Value};

pub(crate) fn eval(expr: &Expr, ticket: &Json) -> bool {
    match expr {
        Expr::Cond(cond) => condition(cond, ticket),
        Expr::And(items) => items.iter().all(|item| eval(item, ticket)),
        Expr::Or(items) => items.iter().any(|item| eval(item, ticket)),
    }
}

fn lookup<'j>(ticket: &'j Json, path: &[String]) -> Option<&'j Json> {
    path.iter().try_fold(ticket, |value, key| value.as_object()?.get(key))
}

/// No value: missing, `null`, `""`, `[]` or `{}`.
fn is_empty(value: Option<&Json>) -> bool {
    match value {
        None | Some(Json::Null) => true,
        Some(Json::String(s)) => s.is_empty(),
        Some(Json::Array(items)) => items.iter().all(|item| is_empty(Some(item))),
        Some(Json::Object(map)) => map.is_empty(),
        Some(_) => false,
    }
}

fn condition(cond: &Condition, ticket: &Json) -> bool {
    let (value, kind) = match &cond.target {
        Target::CustomString => return custom_string(cond, ticket),
        Target::Field { path, kind } => (lookup(ticket, path), Some(kind)),
        Target::Custom { name, kind } => (
            ticket.get("custom_fields").and_then(|fields| fields.as_object()).and_then(|f| f.get(name)),
            kind.as_ref(),
        ),
    };
    if cond.value == Value::Null {
        return is_empty(value);
    }
    match value {
        None | Some(Json::Null) => false,
        Some(Json::Array(items)) => items.iter().any(|item| scalar(item, cond.op, &cond.value, kind)),
        Some(item) => scalar(item, cond.op, &cond.value, kind),
    }
}

fn custom_string(cond: &Condition, ticket: &Json) -> bool {
    let Value::Str(keyword) = &cond.value else { return false };
    let keyword = keyword.to_lowercase();
    let Some(fields) = ticket.get("custom_fields").and_then(Json::as_object) else { return false };
    fields.values().any(|value| match value {
        Json::String(s) => s.to_lowercase().contains(&keyword),
        _ => false,
    })
}

fn ordered(ordering: Option<Ordering>, op: Op) -> bool {
    match (ordering, op) {
        (None, _) => false,
        (Some(o), Op::Eq) => o == Ordering::Equal,
        (Some(o), Op::Ge) => o != Ordering::Less,
        (Some(o), Op::Le) => o != Ordering::Greater,
    }
}

/// A JSON number (or a numeric string, as custom fields sometimes carry) against a number.
fn compare_number(json: &Json, query: f64, exact: Option<i64>) -> Option<Ordering> {
    if let (Some(exact), Some(n)) = (exact, json.as_i64()) {
        return Some(n.cmp(&exact));
    }
    let n = match json {
        Json::Number(n) => n.as_f64()?,
        Json::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    n.partial_cmp(&query)
}

/// A ticket timestamp or date: `2026-11-24T08:59:28Z` (any RFC 3339 offset) or `2026-11-24`.
fn json_time(json: &Json) -> Option<DateTime<Utc>> {
    let s = json.as_str()?.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    parse_date(s)
        .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .map(|d| d.and_time(Default::default()).and_utc())
}

fn scalar(json: &Json, op: Op, query: &Value, kind: Option<&FieldKind>) -> bool {
    match query {
        Value::Null => is_empty(Some(json)),
        Value::Bool(b) => match json {
            Json::Bool(v) => op == Op::Eq && v == b,
            Json::String(s) => op == Op::Eq && s.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
            _ => false,
        },
        Value::Int(n) => ordered(compare_number(json, *n as f64, Some(*n)), op),
        Value::Number(n) => ordered(compare_number(json, *n, None), op),
        Value::Date(day) => ordered(json_time(json).map(|t| t.date_naive().cmp(day)), op),
        Value::DateTime(time) => ordered(json_time(json).map(|t| t.cmp(time)), op),
        Value::Str(s) => {
            // On a custom field of unknown type, a date-shaped value compares as a date when
            // the ticket holds one.
            if kind.is_none() {
                if let (Some(day), Some(t)) = (parse_date(s), json_time(json)) {
                    return ordered(Some(t.date_naive().cmp(&day)), op);
                }
                if let (Some(time), Some(t)) = (parse_datetime(s), json_time(json)) {
                    return ordered(Some(t.cmp(&time)), op);
                }
            }
            let text = match json {
                Json::String(v) => v.clone(),
                Json::Number(n) => n.to_string(),
                Json::Bool(b) => b.to_string(),
                _ => return false,
            };
            ordered(Some(text.to_lowercase().cmp(&s.to_lowercase())), op)
        }
    }
}
