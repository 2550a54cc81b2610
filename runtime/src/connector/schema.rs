//! The instance's own facts, read from its ticket-field metadata, as a schema lock
//! (`replica schema pull`): custom fields with their types and choices, the statuses
//! (custom ones included), the ticket types, the groups and the agents.
//!
//! Freshdesk's `/ticket_fields` items carry `type` (`default_status`, `custom_dropdown`, …)
//! and `choices` shaped by type: statuses as `{"2": ["Open", "Being Processed"]}`, ticket
//! types and dropdowns as lists of strings. Freshservice's `/ticket_form_fields` items carry
//! `field_type` and `choices` as `[{"id", "value"}]`. Both shapes are read either way.

use replica_compiler::lock::{LockedAgent, LockedChoice, LockedCustomField, SchemaLock};
use serde_json::Value;

use super::{ApiError, Client};

impl Client {
    /// The instance's facts as a schema lock (`pulled_from` is the base URL).
    pub async fn instance_schema(&self) -> Result<SchemaLock, ApiError> {
        let fields = self.ticket_fields().await?;
        let mut lock = lock_from_fields(self.platform().name(), &fields);
        lock.groups =
            self.groups().await?.into_iter().map(|g| LockedChoice { id: g.id, name: g.name }).collect();
        lock.agents = self
            .agents()
            .await?
            .into_iter()
            .map(|a| LockedAgent { id: a.id, name: a.name, email: a.email.unwrap_or_default() })
            .collect();
        lock.pulled_from = Some(self.config().base_url.trim_end_matches('/').to_string());
        lock.pulled_at = Some(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string());
        Ok(lock)
    }
}

/// A schema lock from ticket-field metadata (without groups and agents).
pub fn lock_from_fields(platform: &str, fields: &[Value]) -> SchemaLock {
    let mut lock = SchemaLock { version: 1, platform: platform.to_string(), ..SchemaLock::default() };
    for field in fields {
        let text = |key: &str| field.get(key).and_then(Value::as_str).unwrap_or("");
        let kind = match text("field_type") {
            "" => text("type"),
            kind => kind,
        };
        let choices = field.get("choices").unwrap_or(&Value::Null);
        match kind {
            "default_status" => lock.statuses = status_choices(choices),
            "default_ticket_type" => lock.ticket_types = Some(choice_names(choices)),
            kind if kind.starts_with("custom_") || kind == "nested_field" => {
                let Some(lock_kind) = custom_kind(kind) else { continue };
                let name = text("name");
                if name.is_empty() {
                    continue;
                }
                let choices = matches!(lock_kind, "dropdown" | "multi_select").then(|| choice_names(choices));
                lock.custom_fields.push(LockedCustomField {
                    name: name.to_string(),
                    label: text("label").to_string(),
                    kind: lock_kind.to_string(),
                    choices,
                });
            }
            _ => {}
        }
    }
    lock
}

/// The lock's name for a platform's custom field type.
fn custom_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "custom_text" => "text",
        "custom_paragraph" => "paragraph",
        "custom_number" => "number",
        "custom_decimal" => "decimal",
        "custom_checkbox" => "checkbox",
        "custom_dropdown" | "nested_field" => "dropdown",
        "custom_date" => "date",
        "custom_date_time" => "date_time",
        "custom_multi_select_dropdown" | "custom_multi_select" => "multi_select",
        _ => return None,
    })
}

/// Status choices: Freshdesk's `{"2": ["Open", "Being Processed"]}` (agent label first) or
/// Freshservice's `[{"id": 2, "value": "Open"}]`.
fn status_choices(choices: &Value) -> Vec<LockedChoice> {
    let mut statuses: Vec<LockedChoice> = match choices {
        Value::Object(map) => map
            .iter()
            .filter_map(|(id, labels)| {
                let name = match labels {
                    Value::Array(labels) => labels.first()?.as_str()?,
                    Value::String(name) => name,
                    _ => return None,
                };
                Some(LockedChoice { id: id.trim().parse().ok()?, name: name.to_string() })
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                Some(LockedChoice {
                    id: item.get("id")?.as_i64()?,
                    name: item.get("value")?.as_str()?.to_string(),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    statuses.sort_by_key(|s| s.id);
    statuses
}

/// Choice names: a list of strings, a list of `{"value"}` objects, or the keys of a nested
/// field's tree.
fn choice_names(choices: &Value) -> Vec<String> {
    match choices {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(name) => Some(name.clone()),
                other => other.get("value").and_then(Value::as_str).map(str::to_string),
            })
            .collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn freshdesk_ticket_fields_become_a_lock() {
        let fields = json!([
            {"name": "status", "label": "Status", "type": "default_status",
             "choices": {"2": ["Open", "Being Processed"], "3": ["Pending", "Awaiting your Reply"], "8": ["In Work", "In Work"]}},
            {"name": "ticket_type", "type": "default_ticket_type", "choices": ["Question", "Incident"]},
            {"name": "priority", "type": "default_priority", "choices": {"Low": 1}},
            {"name": "cf_region", "label": "Region", "type": "custom_dropdown", "choices": ["EMEA", "US"]},
            {"name": "cf_order_number", "label": "Order number", "type": "custom_number"},
            {"name": "cf_odd", "type": "custom_unheard_of"}
        ]);
        let lock = lock_from_fields("freshdesk", fields.as_array().unwrap());
        let statuses: Vec<_> = lock.statuses.iter().map(|s| (s.id, s.name.as_str())).collect();
        assert_eq!(statuses, [(2, "Open"), (3, "Pending"), (8, "In Work")]);
        assert_eq!(lock.ticket_types.as_deref(), Some(&["Question".to_string(), "Incident".to_string()][..]));
        let custom: Vec<_> = lock.custom_fields.iter().map(|f| (f.name.as_str(), f.kind.as_str())).collect();
        assert_eq!(custom, [("cf_region", "dropdown"), ("cf_order_number", "number")]);
        assert_eq!(lock.custom_fields[0].choices.as_ref().unwrap(), &["EMEA", "US"]);
        // What schema pull writes, the checker reads.
        let text = serde_json::to_string(&lock).unwrap();
        assert_eq!(SchemaLock::from_json(&text).unwrap(), lock);
    }

    #[test]
    fn freshservice_form_fields_become_a_lock() {
        let fields = json!([
            {"name": "status", "label": "Status", "field_type": "default_status",
             "choices": [{"id": 2, "value": "Open"}, {"id": 6, "value": "Awaiting Vendor"}]},
            {"name": "environment", "label": "Environment", "field_type": "custom_dropdown",
             "choices": [{"id": 16000100001_i64, "value": "Production"}, {"id": 16000100002_i64, "value": "UAT"}]},
            {"name": "go_live", "label": "Go-live", "field_type": "custom_date"}
        ]);
        let lock = lock_from_fields("freshservice", fields.as_array().unwrap());
        assert_eq!(lock.statuses.last().map(|s| (s.id, s.name.as_str())), Some((6, "Awaiting Vendor")));
        assert_eq!(lock.custom_fields[0].choices.as_ref().unwrap(), &["Production", "UAT"]);
        assert_eq!(lock.custom_fields[1].kind, "date");
        assert_eq!(lock.ticket_types, None);
    }
}
