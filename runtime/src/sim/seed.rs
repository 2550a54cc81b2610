//! The seed format: what `--seed FILE` preloads and what `GET /_sim/state`, `POST /_sim/save`
//! and `--save-on-exit` write. One format both ways, so a saved state is a seed.
//!
//! ```json
//! {
//!   "version": 1,
//!   "platform": "freshdesk",
//!   "next_ids": { "ticket": 1001, "conversation": 5001, "user": 2001, "group": 11 },
//!   "custom_fields": [
//!     { "name": "cf_region", "label": "Region", "type": "dropdown", "choices": ["EMEA", "US"] },
//!     { "name": "cf_order_number", "label": "Order number", "type": "text", "required_for_closure": true }
//!   ],
//!   "custom_statuses": [ { "id": 8, "name": "In Work", "customer_name": "Being Processed" } ],
//!   "ticket_types": ["Question", "Incident", "Problem"],
//!   "groups": [ { "id": 1, "name": "Billing", "agent_ids": [1] } ],
//!   "agents": [ { "id": 1, "name": "Ana Lima", "email": "ana@example.com" } ],
//!   "contacts": [ { "id": 100, "name": "Tom", "email": "tom@example.com" } ],
//!   "tickets": [ { "id": 1, "subject": "Old one", "requester_id": 100,
//!                  "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-02T00:00:00Z" } ],
//!   "conversations": [ { "id": 1, "ticket_id": 1, "body": "<div>Hi</div>", "private": true, "source": 2 } ]
//! }
//! ```
//!
//! Every key may be left out. Tickets and conversations are the platform's REST objects
//! (Freshdesk's bare shape; for Freshservice the inner object, without `{"ticket":…}`):
//! attributes left out get the defaults of a ticket created through the API, `created_at`
//! defaults to now and `updated_at` to `created_at`, and a ticket without `requester_id` is
//! the first agent's. A ticket may carry `"deleted": true` and a `stats` object. Custom field
//! types are the schema lock's (`text`, `paragraph`, `number`, `decimal`, `checkbox`,
//! `dropdown`, `date`, `date_time`, `multi_select`); Freshdesk names carry the `cf_` prefix.
//! `custom_statuses` adds to the platform's statuses (Freshdesk 2..7, Freshservice 2..5);
//! `ticket_types` replaces the built-in list. `contacts` (also spelled `requesters`) are the
//! people who raise tickets; `agents` answer them, and the first agent owns the API key (it
//! is the author of notes sent without `user_id`). With no agent at all, one is made up.
//! `next_ids` left out (or 0) means one more than the highest id in use.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The whole simulated account.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedState {
    #[serde(default = "version_one")]
    pub version: u32,
    /// `freshdesk` or `freshservice`; checked against the simulator's platform when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default)]
    pub next_ids: NextIds,
    #[serde(default)]
    pub custom_fields: Vec<SeedCustomField>,
    #[serde(default)]
    pub custom_statuses: Vec<SeedStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_types: Option<Vec<String>>,
    #[serde(default)]
    pub groups: Vec<SeedGroup>,
    #[serde(default)]
    pub agents: Vec<SeedUser>,
    #[serde(default, alias = "requesters")]
    pub contacts: Vec<SeedUser>,
    #[serde(default)]
    pub tickets: Vec<Map<String, Value>>,
    #[serde(default)]
    pub conversations: Vec<Map<String, Value>>,
}

fn version_one() -> u32 {
    1
}

/// The next id of each kind; 0 = one more than the highest in use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextIds {
    #[serde(default)]
    pub ticket: i64,
    #[serde(default)]
    pub conversation: i64,
    /// Contacts/requesters and agents share one id space, as users do on both platforms.
    #[serde(default)]
    pub user: i64,
    #[serde(default)]
    pub group: i64,
}

/// A custom ticket field, in the schema lock's terms plus the form's required flags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedCustomField {
    /// The API name: `cf_region` on Freshdesk, `region` on Freshservice.
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
    /// Enforced on create and update, as "dynamic form validation" does.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required_for_agents: bool,
    /// Enforced when a ticket is set to Resolved or Closed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required_for_closure: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A status beyond the built-in ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedStatus {
    pub id: i64,
    pub name: String,
    /// The label requesters see; defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedGroup {
    pub id: i64,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub agent_ids: Vec<i64>,
}

/// A contact (Freshdesk), requester (Freshservice) or agent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// Freshdesk's company (a Freshservice requester's department).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// Why a seed could not be used.
#[derive(Debug)]
pub struct SeedError(pub String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SeedError {}

impl SeedState {
    /// Parses a seed's text (the checks against a platform happen when a simulator loads it).
    pub fn from_json(text: &str) -> Result<SeedState, SeedError> {
        let seed: SeedState =
            serde_json::from_str(text).map_err(|e| SeedError(format!("not a valid simulator seed: {e}")))?;
        if seed.version != 1 {
            return Err(SeedError(format!(
                "seed version {} is not supported (this Replica reads version 1)",
                seed.version
            )));
        }
        Ok(seed)
    }

    pub fn read(path: &Path) -> Result<SeedState, SeedError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SeedError(format!("cannot read seed `{}`: {e}", path.display())))?;
        SeedState::from_json(&text).map_err(|e| SeedError(format!("seed `{}`: {}", path.display(), e.0)))
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// Writes the state (to a temporary file first, then renamed, so a crash mid-write leaves
    /// the previous file whole).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp-write");
        std::fs::write(&tmp, self.to_json_pretty())?;
        std::fs::rename(&tmp, path)
    }
}
