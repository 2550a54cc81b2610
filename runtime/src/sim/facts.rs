//! What the simulated instance knows about its tickets: the platform's schema from the
//! compiler (`compiler/schemas/*.json`: fields, read-only and write-only flags, codes, ticket
//! types, searchable fields) with the seed's instance facts applied as a schema lock would
//! apply them (custom fields, custom statuses, ticket types). Validation, the ticket-fields
//! endpoints and search all read this one description, the same one `replica check` uses.

use replica_compiler::lock::{LockedAgent, LockedChoice, LockedCustomField, SchemaLock};
use replica_compiler::schema::{schema, CustomFieldFact, Field, Platform};

use super::seed::{SeedCustomField, SeedState, SeedStatus};
use super::SimPlatform;

pub struct Facts {
    pub platform: Platform,
    /// The seed's custom fields, in form order, with their required flags.
    pub custom_fields: Vec<SeedCustomField>,
    pub custom_statuses: Vec<SeedStatus>,
}

impl Facts {
    pub fn new(which: SimPlatform, seed: &SeedState) -> Result<Facts, String> {
        let base = schema()
            .platform(which.name())
            .ok_or_else(|| format!("the built-in schema has no platform `{}`", which.name()))?;
        if which == SimPlatform::Freshdesk {
            if let Some(field) = seed.custom_fields.iter().find(|f| !f.name.starts_with("cf_")) {
                return Err(format!(
                    "custom field `{}`: Freshdesk custom field names start with `cf_` (e.g. `cf_{}`)",
                    field.name, field.name
                ));
            }
        }
        let mut names = std::collections::HashSet::new();
        for field in &seed.custom_fields {
            if !names.insert(field.name.as_str()) {
                return Err(format!("custom field `{}` is defined twice", field.name));
            }
            if base.ticket_field(&field.name).is_some() {
                return Err(format!("custom field `{}` has the name of a built-in ticket field", field.name));
            }
        }
        let lock = SchemaLock {
            version: 1,
            platform: which.name().to_string(),
            pulled_from: None,
            pulled_at: None,
            custom_fields: seed
                .custom_fields
                .iter()
                .map(|f| LockedCustomField {
                    name: f.name.clone(),
                    label: f.label.clone(),
                    kind: f.kind.clone(),
                    choices: f.choices.clone(),
                })
                .collect(),
            statuses: seed
                .custom_statuses
                .iter()
                .map(|s| LockedChoice { id: s.id, name: s.name.clone() })
                .collect(),
            ticket_types: seed.ticket_types.clone(),
            groups: seed.groups.iter().map(|g| LockedChoice { id: g.id, name: g.name.clone() }).collect(),
            agents: seed
                .agents
                .iter()
                .map(|a| LockedAgent {
                    id: a.id,
                    name: a.name.clone(),
                    email: a.email.clone().unwrap_or_default(),
                })
                .collect(),
        };
        lock.validate().map_err(|e| e.message)?;
        if let Some(status) = seed.custom_statuses.iter().find(|s| s.id < 2 || s.name.trim().is_empty()) {
            return Err(format!(
                "custom status {} `{}`: ids start at 2 and names are not empty",
                status.id, status.name
            ));
        }
        Ok(Facts {
            platform: base.with_lock(&lock),
            custom_fields: seed.custom_fields.clone(),
            custom_statuses: seed.custom_statuses.clone(),
        })
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.platform.ticket_field(name)
    }

    pub fn custom(&self, name: &str) -> Option<(&CustomFieldFact, &SeedCustomField)> {
        let fact = self.platform.custom_fields.as_ref()?.iter().find(|f| f.name == name)?;
        let seed = self.custom_fields.iter().find(|f| f.name == name)?;
        Some((fact, seed))
    }

    /// What a requester sees for a status (Freshdesk's `default_status` choices).
    pub fn customer_status_name(&self, id: i64, name: &str) -> String {
        if let Some(custom) = self.custom_statuses.iter().find(|s| s.id == id) {
            return custom.customer_name.clone().unwrap_or_else(|| custom.name.clone());
        }
        match id {
            2 | 7 => "Being Processed",
            3 | 6 => "Awaiting your Reply",
            4 => "This ticket has been Resolved",
            5 => "This ticket has been Closed",
            _ => name,
        }
        .to_string()
    }

    /// The codes of an integer enum field (`status`, `priority`, `source`, `urgency`, …).
    pub fn codes(&self, field: &str) -> Option<Vec<(i64, String)>> {
        match field {
            "status" => Some(self.platform.statuses.clone()),
            _ => self.field(field)?.codes.clone(),
        }
    }
}
