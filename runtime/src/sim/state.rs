//! The in-memory account: tickets, conversations, users and groups, built from a seed and
//! written back to one.
//!
//! Tickets and conversations are kept as the REST objects the platform returns (a JSON map),
//! next to the few facts the simulator sorts and filters by (`created`, `updated` in Unix
//! seconds, `deleted`, `spam`). Keeping the REST shape means a seed may carry any attribute
//! a real payload has, and nothing is lost on the way back out.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::clock::{format_time, parse_time};
use super::facts::Facts;
use super::seed::{NextIds, SeedGroup, SeedState, SeedUser};
use super::SimPlatform;

pub struct Ticket {
    pub id: i64,
    pub created: i64,
    pub updated: i64,
    pub deleted: bool,
    pub spam: bool,
    /// `stats` (first responded, resolved, closed, …), shown with `include=stats`.
    pub stats: Map<String, Value>,
    /// Every other REST attribute, `created_at` and `updated_at` included.
    pub fields: Map<String, Value>,
}

impl Ticket {
    /// The ticket changed: `updated_at` moves (never backwards).
    pub fn touch(&mut self, now: i64) {
        self.updated = self.updated.max(now);
        self.fields.insert("updated_at".into(), Value::String(format_time(self.updated)));
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        self.fields.get(key).and_then(Value::as_i64)
    }
}

pub struct Conversation {
    pub id: i64,
    pub ticket_id: i64,
    pub fields: Map<String, Value>,
}

impl Conversation {
    pub fn is_note(&self) -> bool {
        self.fields.get("source").and_then(Value::as_i64) == Some(2)
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub company_id: Option<i64>,
    pub created: i64,
    pub updated: i64,
}

impl User {
    fn from_seed(seed: &SeedUser, now: i64) -> Result<User, String> {
        let created = optional_time(seed.created_at.as_deref(), now)
            .map_err(|e| format!("user {}: created_at: {e}", seed.id))?;
        let updated = optional_time(seed.updated_at.as_deref(), created)
            .map_err(|e| format!("user {}: updated_at: {e}", seed.id))?;
        let name =
            if seed.name.is_empty() { name_from_email(seed.email.as_deref()) } else { seed.name.clone() };
        Ok(User {
            id: seed.id,
            name,
            email: seed.email.clone(),
            phone: seed.phone.clone(),
            mobile: seed.mobile.clone(),
            company_id: seed.company_id,
            created,
            updated,
        })
    }

    fn to_seed(&self) -> SeedUser {
        SeedUser {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            mobile: self.mobile.clone(),
            company_id: self.company_id,
            created_at: Some(format_time(self.created)),
            updated_at: Some(format_time(self.updated)),
        }
    }

    pub fn has_email(&self, email: &str) -> bool {
        self.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email))
    }

    /// `{id, name, email, mobile, phone}`: the ticket's `requester` include.
    pub fn brief(&self) -> Value {
        json!({"id": self.id, "name": self.name, "email": self.email, "mobile": self.mobile, "phone": self.phone})
    }
}

/// The name a new requester gets when only an email is given: the part before the `@`.
pub fn name_from_email(email: Option<&str>) -> String {
    email.and_then(|e| e.split('@').next()).filter(|n| !n.is_empty()).unwrap_or("Unknown").to_string()
}

fn optional_time(text: Option<&str>, default: i64) -> Result<i64, String> {
    match text {
        None => Ok(default),
        Some(t) => parse_time(t).ok_or_else(|| format!("`{t}` is not a date or time")),
    }
}

pub struct Group {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub agent_ids: Vec<i64>,
}

/// The account.
pub struct Store {
    pub platform: SimPlatform,
    pub facts: Facts,
    pub tickets: BTreeMap<i64, Ticket>,
    pub conversations: BTreeMap<i64, Conversation>,
    /// Conversation ids of each ticket, ascending.
    pub by_ticket: HashMap<i64, Vec<i64>>,
    pub contacts: BTreeMap<i64, User>,
    pub agents: BTreeMap<i64, User>,
    pub groups: BTreeMap<i64, Group>,
    pub next: NextIds,
}

impl Store {
    /// Builds the account from a seed; `now` fills timestamps the seed leaves out.
    pub fn from_seed(platform: SimPlatform, seed: &SeedState, now: i64) -> Result<Store, String> {
        if let Some(name) = &seed.platform {
            if !name.eq_ignore_ascii_case(platform.name()) {
                return Err(format!("the seed is for `{name}`, but this simulator is {}", platform.name()));
            }
        }
        let facts = Facts::new(platform, seed)?;
        let mut store = Store {
            platform,
            facts,
            tickets: BTreeMap::new(),
            conversations: BTreeMap::new(),
            by_ticket: HashMap::new(),
            contacts: BTreeMap::new(),
            agents: BTreeMap::new(),
            groups: BTreeMap::new(),
            next: NextIds::default(),
        };
        for agent in &seed.agents {
            let user = User::from_seed(agent, now)?;
            if store.agents.insert(user.id, user).is_some() {
                return Err(format!("agent id {} is used twice", agent.id));
            }
        }
        if store.agents.is_empty() {
            let agent = SeedUser {
                id: 1,
                name: "Sim Agent".into(),
                email: Some("agent@example.com".into()),
                ..SeedUser::default()
            };
            store.agents.insert(1, User::from_seed(&agent, now)?);
        }
        for contact in &seed.contacts {
            let user = User::from_seed(contact, now)?;
            if store.contacts.contains_key(&user.id) || store.agents.contains_key(&user.id) {
                return Err(format!("user id {} is used twice", contact.id));
            }
            store.contacts.insert(user.id, user);
        }
        for group in &seed.groups {
            let value = Group {
                id: group.id,
                name: group.name.clone(),
                description: group.description.clone(),
                agent_ids: group.agent_ids.clone(),
            };
            if store.groups.insert(group.id, value).is_some() {
                return Err(format!("group id {} is used twice", group.id));
            }
        }
        let owner = store.api_agent_id();
        let mut next_ticket = 1;
        for (index, raw) in seed.tickets.iter().enumerate() {
            let id = match raw.get("id") {
                None => next_ticket,
                Some(v) => v.as_i64().filter(|id| *id > 0).ok_or_else(|| {
                    format!("ticket #{} in the seed: `id` must be a positive integer, not {v}", index + 1)
                })?,
            };
            let ticket =
                store.ticket_from_seed(id, raw, now, owner).map_err(|e| format!("ticket {id}: {e}"))?;
            if store.tickets.insert(id, ticket).is_some() {
                return Err(format!("ticket id {id} is used twice"));
            }
            next_ticket = next_ticket.max(id.saturating_add(1));
        }
        let mut next_conversation = 1;
        for (index, raw) in seed.conversations.iter().enumerate() {
            let id = match raw.get("id") {
                None => next_conversation,
                Some(v) => v.as_i64().filter(|id| *id > 0).ok_or_else(|| {
                    format!(
                        "conversation #{} in the seed: `id` must be a positive integer, not {v}",
                        index + 1
                    )
                })?,
            };
            let ticket_id = raw
                .get("ticket_id")
                .and_then(Value::as_i64)
                .filter(|t| store.tickets.contains_key(t))
                .ok_or_else(|| format!("conversation {id}: `ticket_id` must name a ticket of the seed"))?;
            let conversation = store.conversation_from_seed(id, ticket_id, raw, now)?;
            store
                .insert_conversation(conversation)
                .map_err(|_| format!("conversation id {id} is used twice"))?;
            next_conversation = next_conversation.max(id.saturating_add(1));
        }
        let highest_user = store.contacts.keys().chain(store.agents.keys()).max().copied().unwrap_or(0);
        let highest_group = store.groups.keys().max().copied().unwrap_or(0);
        let pick = |given: i64, floor: i64| if given > 0 { given.max(floor) } else { floor };
        store.next = NextIds {
            ticket: pick(seed.next_ids.ticket, next_ticket),
            conversation: pick(seed.next_ids.conversation, next_conversation),
            user: pick(seed.next_ids.user, highest_user.saturating_add(1)),
            group: pick(seed.next_ids.group, highest_group.saturating_add(1)),
        };
        Ok(store)
    }

    /// The agent who owns the API key: the first agent.
    pub fn api_agent_id(&self) -> i64 {
        self.agents.keys().next().copied().unwrap_or(1)
    }

    fn ticket_from_seed(
        &self,
        id: i64,
        raw: &Map<String, Value>,
        now: i64,
        owner: i64,
    ) -> Result<Ticket, String> {
        let time = |key: &str, default: i64| -> Result<i64, String> {
            match raw.get(key) {
                None | Some(Value::Null) => Ok(default),
                Some(Value::String(s)) => {
                    parse_time(s).ok_or_else(|| format!("`{key}`: `{s}` is not a date or time"))
                }
                Some(other) => Err(format!("`{key}` must be a string, not {other}")),
            }
        };
        let created = time("created_at", now)?;
        let updated = time("updated_at", created)?;
        let flag = |key: &str| raw.get(key).and_then(Value::as_bool).unwrap_or(false);
        let mut ticket = self.blank_ticket(id, created, owner);
        ticket.updated = updated;
        ticket.deleted = flag("deleted");
        ticket.spam = flag("spam");
        for (key, value) in raw {
            match key.as_str() {
                "deleted" | "created_at" | "updated_at" | "id" => {}
                "stats" => match value {
                    Value::Object(stats) => ticket.stats.extend(stats.clone()),
                    _ => return Err("`stats` must be an object".into()),
                },
                "custom_fields" => match value {
                    Value::Object(values) => {
                        if let Some(Value::Object(fields)) = ticket.fields.get_mut("custom_fields") {
                            fields.extend(values.clone());
                        }
                    }
                    _ => return Err("`custom_fields` must be an object".into()),
                },
                _ => {
                    ticket.fields.insert(key.clone(), value.clone());
                }
            }
        }
        if !raw.contains_key("description_text") {
            let text = describe(ticket.fields.get("description"));
            ticket.fields.insert("description_text".into(), text);
        }
        ticket.fields.insert("spam".into(), Value::Bool(ticket.spam));
        ticket.fields.insert("updated_at".into(), Value::String(format_time(updated)));
        Ok(ticket)
    }

    fn conversation_from_seed(
        &self,
        id: i64,
        ticket_id: i64,
        raw: &Map<String, Value>,
        now: i64,
    ) -> Result<Conversation, String> {
        let note = raw.get("source").and_then(Value::as_i64).unwrap_or(2) == 2;
        let user = raw.get("user_id").and_then(Value::as_i64).unwrap_or_else(|| self.api_agent_id());
        let mut conversation = self.blank_conversation(id, ticket_id, user, note, now);
        for (key, value) in raw {
            conversation.fields.insert(key.clone(), value.clone());
        }
        for key in ["created_at", "updated_at"] {
            if let Some(value) = raw.get(key) {
                let secs = value
                    .as_str()
                    .and_then(parse_time)
                    .ok_or_else(|| format!("conversation {id}: `{key}` is not a date or time: {value}"))?;
                conversation.fields.insert(key.into(), Value::String(format_time(secs)));
            }
        }
        if raw.contains_key("created_at") && !raw.contains_key("updated_at") {
            let created = conversation.fields.get("created_at").cloned().unwrap_or(Value::Null);
            conversation.fields.insert("updated_at".into(), created);
        }
        if !raw.contains_key("body_text") {
            let text = describe(conversation.fields.get("body"));
            conversation.fields.insert("body_text".into(), text);
        }
        Ok(conversation)
    }

    pub fn insert_conversation(&mut self, conversation: Conversation) -> Result<(), ()> {
        if self.conversations.contains_key(&conversation.id) {
            return Err(());
        }
        let ids = self.by_ticket.entry(conversation.ticket_id).or_default();
        let at = ids.partition_point(|c| *c < conversation.id);
        ids.insert(at, conversation.id);
        self.conversations.insert(conversation.id, conversation);
        Ok(())
    }

    pub fn remove_conversation(&mut self, id: i64) -> Option<Conversation> {
        let conversation = self.conversations.remove(&id)?;
        if let Some(ids) = self.by_ticket.get_mut(&conversation.ticket_id) {
            ids.retain(|c| *c != id);
        }
        Some(conversation)
    }

    /// A ticket with every default attribute, as the create endpoint answers it.
    pub fn blank_ticket(&self, id: i64, now: i64, requester_id: i64) -> Ticket {
        let at = Value::String(format_time(now));
        let custom: Map<String, Value> = self
            .facts
            .custom_fields
            .iter()
            .map(|f| (f.name.clone(), if f.kind == "checkbox" { Value::Bool(false) } else { Value::Null }))
            .collect();
        let mut fields = json!({
            "cc_emails": [], "fwd_emails": [], "reply_cc_emails": [],
            "fr_escalated": false, "spam": false, "email_config_id": null, "group_id": null,
            "priority": 1, "requester_id": requester_id, "responder_id": null, "source": 2, "status": 2,
            "subject": null, "id": id, "type": null, "to_emails": null,
            "due_by": format_time(now + 5 * 86_400), "fr_due_by": format_time(now + 86_400),
            "is_escalated": false, "description": null, "description_text": null,
            "custom_fields": custom, "created_at": at.clone(), "updated_at": at,
            "tags": [], "attachments": []
        });
        let extra = match self.platform {
            SimPlatform::Freshdesk => json!({
                "company_id": null, "product_id": null, "urgent": false,
                "ticket_cc_emails": [], "ticket_bcc_emails": [], "support_email": null,
                "association_type": null, "associated_tickets_count": null,
                "structured_description": null, "nr_due_by": null, "nr_escalated": false
            }),
            SimPlatform::Freshservice => json!({
                "workspace_id": 2, "requested_for_id": requester_id, "department_id": null,
                "type": "Incident", "urgency": 1, "impact": 1,
                "category": null, "sub_category": null, "item_category": null,
                "sla_policy_id": null, "resolution_notes": null, "resolution_notes_html": null,
                "created_within_business_hours": false,
                "approval_status": 4, "approval_status_name": "Not Requested"
            }),
        };
        if let (Value::Object(fields), Value::Object(extra)) = (&mut fields, extra) {
            fields.extend(extra);
        }
        let stats = json!({
            "agent_responded_at": null, "requester_responded_at": null, "first_responded_at": null,
            "status_updated_at": format_time(now), "reopened_at": null, "resolved_at": null,
            "closed_at": null, "pending_since": null
        });
        Ticket {
            id,
            created: now,
            updated: now,
            deleted: false,
            spam: false,
            stats: into_map(stats),
            fields: into_map(fields),
        }
    }

    /// A conversation with every default attribute: a private note, or a reply.
    pub fn blank_conversation(
        &self,
        id: i64,
        ticket_id: i64,
        user_id: i64,
        note: bool,
        now: i64,
    ) -> Conversation {
        let at = format_time(now);
        let fields = json!({
            "id": id, "body": "", "body_text": "", "incoming": false, "private": note,
            "user_id": user_id, "support_email": null, "source": if note { 2 } else { 0 },
            "ticket_id": ticket_id, "to_emails": [], "from_email": null, "cc_emails": [],
            "bcc_emails": [], "attachments": [], "last_edited_at": null,
            "last_edited_user_id": null, "created_at": at, "updated_at": at
        });
        Conversation { id, ticket_id, fields: into_map(fields) }
    }

    pub fn next_ticket_id(&mut self) -> i64 {
        take(&mut self.next.ticket)
    }

    pub fn next_conversation_id(&mut self) -> i64 {
        take(&mut self.next.conversation)
    }

    pub fn next_user_id(&mut self) -> i64 {
        take(&mut self.next.user)
    }

    pub fn user(&self, id: i64) -> Option<&User> {
        self.contacts.get(&id).or_else(|| self.agents.get(&id))
    }

    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.contacts.values().chain(self.agents.values()).find(|u| u.has_email(email))
    }

    /// The requester with this email, made when new (`name` or the email's local part).
    pub fn requester_for(&mut self, email: &str, name: Option<&str>, phone: Option<&str>, now: i64) -> i64 {
        if let Some(user) = self.user_by_email(email) {
            return user.id;
        }
        self.add_contact(Some(email), name, phone, now)
    }

    pub fn add_contact(
        &mut self,
        email: Option<&str>,
        name: Option<&str>,
        phone: Option<&str>,
        now: i64,
    ) -> i64 {
        let id = self.next_user_id();
        let name = name.map(str::to_string).unwrap_or_else(|| name_from_email(email));
        let user = User {
            id,
            name,
            email: email.map(str::to_string),
            phone: phone.map(str::to_string),
            mobile: None,
            company_id: None,
            created: now,
            updated: now,
        };
        self.contacts.insert(id, user);
        id
    }

    /// The whole account in the seed format.
    pub fn snapshot(&self) -> SeedState {
        let tickets = self
            .tickets
            .values()
            .map(|t| {
                let mut map = t.fields.clone();
                map.insert("deleted".into(), Value::Bool(t.deleted));
                map.insert("stats".into(), Value::Object(t.stats.clone()));
                map
            })
            .collect();
        SeedState {
            version: 1,
            platform: Some(self.platform.name().to_string()),
            next_ids: self.next,
            custom_fields: self.facts.custom_fields.clone(),
            custom_statuses: self.facts.custom_statuses.clone(),
            ticket_types: Some(self.facts.platform.ticket_types.clone()),
            groups: self
                .groups
                .values()
                .map(|g| SeedGroup {
                    id: g.id,
                    name: g.name.clone(),
                    description: g.description.clone(),
                    agent_ids: g.agent_ids.clone(),
                })
                .collect(),
            agents: self.agents.values().map(User::to_seed).collect(),
            contacts: self.contacts.values().map(User::to_seed).collect(),
            tickets,
            conversations: self.conversations.values().map(|c| c.fields.clone()).collect(),
        }
    }
}

fn take(counter: &mut i64) -> i64 {
    let id = (*counter).max(1);
    *counter = id.saturating_add(1);
    id
}

pub fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `description_text` / `body_text`: the HTML's text.
pub fn describe(html: Option<&Value>) -> Value {
    match html {
        Some(Value::String(html)) => Value::String(crate::helpers::html::strip_html(html)),
        _ => Value::Null,
    }
}
