//! The schema lock: facts about one instance that the built-in schema cannot know.
//!
//! Each helpdesk account defines its own custom fields, custom statuses, ticket types,
//! groups and agents. `replica schema pull` reads them from the instance and writes
//! `replica.schema.json` next to the rules; `check`, the daemon and the language server read
//! it when present (or from `--schema FILE`). With a lock, unknown custom fields, dropdown
//! values and custom status names are errors; without one, custom fields are `Any`.
//!
//! The format (every key but `platform` may be left out):
//!
//! ```json
//! {
//!   "version": 1,
//!   "platform": "freshdesk",
//!   "pulled_from": "https://acme.freshdesk.com",
//!   "pulled_at": "2026-11-25T10:00:00Z",
//!   "custom_fields": [
//!     { "name": "cf_region", "label": "Region", "type": "dropdown", "choices": ["EMEA", "US"] },
//!     { "name": "cf_order_number", "label": "Order number", "type": "text" }
//!   ],
//!   "statuses": [ { "id": 8, "name": "In Work" } ],
//!   "ticket_types": ["Question", "Incident", "Problem"],
//!   "groups": [ { "id": 1070000240345, "name": "Billing" } ],
//!   "agents": [ { "id": 1070033043760, "name": "Ana Lima", "email": "ana@example.com" } ]
//! }
//! ```
//!
//! `type` is one of `text` (single line), `paragraph`, `number`, `decimal`, `checkbox`,
//! `dropdown`, `date`, `date_time`, `multi_select`. `statuses` lists the instance's statuses
//! beyond the built-in ones (or all of them; built-in codes keep their names).
//! `ticket_types` replaces the built-in list.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::query::FieldKind;
use crate::schema::{CustomFieldFact, Platform};
use crate::types::Type;

/// The file name looked for next to the rules.
pub const LOCK_FILE_NAME: &str = "replica.schema.json";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaLock {
    #[serde(default = "current_version")]
    pub version: u32,
    pub platform: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pulled_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pulled_at: Option<String>,
    #[serde(default)]
    pub custom_fields: Vec<LockedCustomField>,
    #[serde(default)]
    pub statuses: Vec<LockedChoice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_types: Option<Vec<String>>,
    #[serde(default)]
    pub groups: Vec<LockedChoice>,
    #[serde(default)]
    pub agents: Vec<LockedAgent>,
}

fn current_version() -> u32 {
    1
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedCustomField {
    /// The API name (`cf_region` on Freshdesk).
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedAgent {
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
}

/// Why a lock file could not be used.
#[derive(Debug)]
pub struct LockError {
    pub path: Option<PathBuf>,
    pub message: String,
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.path {
            Some(path) => write!(f, "schema lock `{}`: {}", path.display(), self.message),
            None => write!(f, "schema lock: {}", self.message),
        }
    }
}

impl std::error::Error for LockError {}

/// The custom field types a lock may name, with what a script sees and what a query takes.
fn custom_field_type(kind: &str) -> Option<(Type, FieldKind)> {
    Some(match kind {
        "text" | "paragraph" | "dropdown" | "custom_text" | "custom_paragraph" | "custom_dropdown" => {
            (Type::String, FieldKind::String)
        }
        "number" | "custom_number" => (Type::Int, FieldKind::Integer),
        "decimal" | "custom_decimal" => (Type::Decimal, FieldKind::Number),
        "checkbox" | "custom_checkbox" => (Type::Bool, FieldKind::Boolean),
        "date" | "custom_date" => (Type::Date, FieldKind::Date),
        "date_time" | "custom_date_time" => (Type::DateTime, FieldKind::DateTime),
        "multi_select" | "custom_multi_select_dropdown" => {
            (Type::List(Box::new(Type::String)), FieldKind::String)
        }
        _ => return None,
    })
}

impl SchemaLock {
    /// Parses and validates a lock file's text.
    pub fn from_json(text: &str) -> Result<SchemaLock, LockError> {
        let lock: SchemaLock = serde_json::from_str(text)
            .map_err(|e| LockError { path: None, message: format!("not a valid schema lock: {e}") })?;
        lock.validate()?;
        Ok(lock)
    }

    /// Checks what serde cannot: the version, the platform and the custom field types.
    pub fn validate(&self) -> Result<(), LockError> {
        let lock = self;
        if lock.version != 1 {
            return Err(LockError {
                path: None,
                message: format!("version {} is not supported (this Replica reads version 1)", lock.version),
            });
        }
        if crate::schema::schema().platform(&lock.platform).is_none() {
            return Err(LockError {
                path: None,
                message: format!(
                    "unknown platform `{}` (expected one of: {})",
                    lock.platform,
                    crate::schema::schema().platform_names().join(", ")
                ),
            });
        }
        for field in &lock.custom_fields {
            if custom_field_type(&field.kind).is_none() {
                return Err(LockError {
                    path: None,
                    message: format!(
                        "custom field `{}` has unknown type `{}` (expected text, paragraph, number, decimal, checkbox, dropdown, date, date_time or multi_select)",
                        field.name, field.kind
                    ),
                });
            }
        }
        Ok(())
    }

    /// Reads a lock file.
    pub fn read(path: &Path) -> Result<SchemaLock, LockError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| LockError { path: Some(path.to_path_buf()), message: e.to_string() })?;
        SchemaLock::from_json(&text).map_err(|e| LockError { path: Some(path.to_path_buf()), ..e })
    }

    /// The lock next to a rule file, if there is one.
    pub fn find_next_to(rules: &Path) -> Option<PathBuf> {
        let dir = rules.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let candidate = dir.join(LOCK_FILE_NAME);
        candidate.is_file().then_some(candidate)
    }

    /// Writes the lock's facts into a platform's schema.
    pub fn apply(&self, platform: &mut Platform) {
        platform.locked = true;
        for status in &self.statuses {
            match platform.statuses.iter_mut().find(|(id, _)| *id == status.id) {
                Some(existing) => existing.1 = status.name.clone(),
                None => platform.statuses.push((status.id, status.name.clone())),
            }
        }
        platform.statuses.sort_by_key(|(id, _)| *id);
        // Trigger queries take the same codes (`status:8` for a custom status).
        for field in platform.search.iter_mut().filter(|f| f.name == "status") {
            field.codes = Some(platform.statuses.clone());
        }
        if let Some(types) = &self.ticket_types {
            platform.ticket_types = types.clone();
        }
        platform.custom_fields = Some(
            self.custom_fields
                .iter()
                .filter_map(|field| {
                    let (ty, kind) = custom_field_type(&field.kind)?;
                    Some(CustomFieldFact {
                        name: field.name.clone(),
                        label: field.label.clone(),
                        ty,
                        kind,
                        choices: field.choices.clone(),
                    })
                })
                .collect(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
        "platform": "freshdesk",
        "custom_fields": [
            { "name": "cf_region", "label": "Region", "type": "dropdown", "choices": ["EMEA", "US"] }
        ],
        "statuses": [ { "id": 8, "name": "In Work" } ],
        "ticket_types": ["Question", "Incident"]
    }"#;

    #[test]
    fn a_lock_adds_statuses_types_and_custom_fields() {
        let lock = SchemaLock::from_json(SAMPLE).unwrap();
        let platform = crate::schema::schema().platform("freshdesk").unwrap().with_lock(&lock);
        assert!(platform.locked);
        assert!(platform.status_names().contains(&"In Work"));
        assert!(platform.status_names().contains(&"Open"));
        let status_search = platform.search.iter().find(|f| f.name == "status").unwrap();
        assert!(status_search
            .codes
            .as_ref()
            .unwrap()
            .iter()
            .any(|(code, name)| *code == 8 && name == "In Work"));
        assert_eq!(platform.ticket_types, ["Question", "Incident"]);
        let region = &platform.custom_fields.as_ref().unwrap()[0];
        assert_eq!(region.name, "cf_region");
        assert_eq!(region.choices.as_deref(), Some(&["EMEA".to_string(), "US".to_string()][..]));
    }

    #[test]
    fn bad_locks_say_what_is_wrong() {
        let unknown_platform = SchemaLock::from_json(r#"{"platform": "jira"}"#).unwrap_err();
        assert!(unknown_platform.message.contains("unknown platform `jira`"), "{unknown_platform}");
        let bad_type = SchemaLock::from_json(
            r#"{"platform": "freshdesk", "custom_fields": [{"name": "cf_x", "type": "blob"}]}"#,
        )
        .unwrap_err();
        assert!(bad_type.message.contains("unknown type `blob`"), "{bad_type}");
        let typo = SchemaLock::from_json(r#"{"platform": "freshdesk", "custom_feilds": []}"#).unwrap_err();
        assert!(typo.message.contains("custom_feilds"), "{typo}");
        let not_json = SchemaLock::from_json("{").unwrap_err();
        assert!(not_json.message.starts_with("not a valid schema lock"), "{not_json}");
    }
}
