//! The ticket endpoints: list, create, view, update, delete, restore.
//!
//! List (`GET /api/v2/tickets`): by default the tickets created in the last 30 days of the
//! simulated clock, neither deleted nor spam; `updated_since` lifts the window (tickets
//! updated at or after it). Freshdesk sorts by `order_by` (`created_at`, `due_by`,
//! `updated_at`, `status`) in `order_type` (default `created_at desc`); Freshservice only by
//! creation, in `order_type`. Freshdesk list items carry `description` and
//! `description_text` only with `include=description`. Freshdesk serves 300 pages at most.

use serde_json::{json, Value};

use super::clock::{format_time, parse_time};
use super::conversations::render_conversation;
use super::errors::{ApiError, ApiResult, FieldError, INVALID_VALUE};
use super::http::{check, created, no_content, ok, Call, Params};
use super::paging;
use super::state::{describe, Store, Ticket};
use super::validate::{self, Checked, Mode};
use super::SimPlatform;

/// Freshdesk's ticket list stops here.
pub const MAX_LIST_PAGES: usize = 300;
const WINDOW_SECS: i64 = 30 * 86_400;
/// Freshservice's primary workspace, where tickets go by default.
const PRIMARY_WORKSPACE: i64 = 2;

/// The ticket as the API shows it, with the asked-for embeds.
pub fn render(store: &Store, ticket: &Ticket, includes: &[String], with_description: bool) -> Value {
    let mut fields = ticket.fields.clone();
    match store.platform {
        SimPlatform::Freshdesk if ticket.deleted => {
            fields.insert("deleted".into(), Value::Bool(true));
        }
        SimPlatform::Freshdesk => {}
        SimPlatform::Freshservice => {
            fields.insert("deleted".into(), Value::Bool(ticket.deleted));
        }
    }
    if !with_description {
        fields.remove("description");
        fields.remove("description_text");
    }
    for include in includes {
        let value = match include.as_str() {
            "requester" => user_brief(store, ticket.int("requester_id")),
            "requested_for" => user_brief(store, ticket.int("requested_for_id")),
            "stats" => Value::Object(ticket.stats.clone()),
            "company" => match ticket.int("company_id") {
                Some(id) => json!({"id": id, "name": format!("Company {id}")}),
                None => Value::Null,
            },
            "conversations" => Value::Array(
                store
                    .by_ticket
                    .get(&ticket.id)
                    .into_iter()
                    .flatten()
                    .take(10)
                    .filter_map(|id| store.conversations.get(id))
                    .map(|c| render_conversation(store.platform, c))
                    .collect(),
            ),
            "assets" => json!([]),
            "tags" | "description" => continue,
            _ => Value::Null,
        };
        fields.insert(include.clone(), value);
    }
    Value::Object(fields)
}

fn user_brief(store: &Store, id: Option<i64>) -> Value {
    id.and_then(|id| store.user(id)).map_or(Value::Null, |u| u.brief())
}

fn single_includes(platform: SimPlatform) -> &'static [&'static str] {
    match platform {
        SimPlatform::Freshdesk => &["conversations", "requester", "company", "stats"],
        SimPlatform::Freshservice => &[
            "conversations",
            "requester",
            "requested_for",
            "stats",
            "problem",
            "assets",
            "changes",
            "related_tickets",
            "onboarding_context",
            "offboarding_context",
            "tags",
        ],
    }
}

fn list_includes(platform: SimPlatform) -> &'static [&'static str] {
    match platform {
        SimPlatform::Freshdesk => &["description", "requester", "stats"],
        SimPlatform::Freshservice => {
            &["stats", "requester", "requested_for", "onboarding_context", "offboarding_context"]
        }
    }
}

fn choice<'p>(
    params: &'p Params,
    key: &str,
    allowed: &[&str],
    errors: &mut Vec<FieldError>,
) -> Option<&'p str> {
    let value = params.get(key)?;
    if allowed.contains(&value) {
        Some(value)
    } else {
        errors.push(FieldError::not_one_of(key, &allowed.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
        None
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OrderBy {
    Created,
    Updated,
    DueBy,
    Status,
}

pub async fn list(call: Call) -> ApiResult {
    let platform = call.platform();
    let allowed: &[&str] = match platform {
        SimPlatform::Freshdesk => &[
            "filter",
            "requester_id",
            "email",
            "unique_external_id",
            "company_id",
            "updated_since",
            "order_by",
            "order_type",
            "include",
            "page",
            "per_page",
        ],
        SimPlatform::Freshservice => &[
            "filter",
            "requester_id",
            "email",
            "updated_since",
            "type",
            "workspace_id",
            "order_type",
            "include",
            "page",
            "per_page",
        ],
    };
    let (params, mut errors) = call.params(allowed);
    let filter = choice(
        &params,
        "filter",
        &["new_and_my_open", "watching", "spam", "deleted", "all_tickets"],
        &mut errors,
    );
    let order_by =
        match choice(&params, "order_by", &["created_at", "due_by", "updated_at", "status"], &mut errors) {
            Some("updated_at") => OrderBy::Updated,
            Some("due_by") => OrderBy::DueBy,
            Some("status") => OrderBy::Status,
            _ => OrderBy::Created,
        };
    let ascending = choice(&params, "order_type", &["asc", "desc"], &mut errors) == Some("asc");
    let includes = params.includes(list_includes(platform), &mut errors);
    let requester = params.id("requester_id", &mut errors);
    let company = params.id("company_id", &mut errors);
    let updated_since = params.get("updated_since").and_then(|text| {
        let parsed = parse_time(text);
        if parsed.is_none() {
            errors.push(FieldError::bad_time("updated_since"));
        }
        parsed
    });
    let workspace = match params.get("workspace_id") {
        None => Some(PRIMARY_WORKSPACE),
        Some(text) => match text.trim().parse::<i64>() {
            Ok(0) => None,
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(FieldError::not_positive("workspace_id"));
                None
            }
        },
    };
    let ticket_type = params.get("type");
    let max_page = (platform == SimPlatform::Freshdesk).then_some(MAX_LIST_PAGES);
    let page = paging::page(&params, None, &mut errors);
    if let Some(max) = max_page.filter(|max| page.page > *max) {
        errors.push(FieldError::new(
            "page",
            INVALID_VALUE,
            format!("The ticket list has at most {max} pages; continue with updated_since and order_by=updated_at"),
        ));
    }
    check(errors)?;

    let store = call.shared.store();
    let now = call.shared.now();
    let email_user = params.get("email").map(|e| store.user_by_email(e).map(|u| u.id));
    let external = params.get("unique_external_id");
    let agent = store.api_agent_id();
    let mut selected: Vec<&Ticket> = store
        .tickets
        .values()
        .filter(|t| match filter {
            Some("deleted") => t.deleted,
            Some("spam") => t.spam && !t.deleted,
            Some("watching") => false,
            Some("new_and_my_open") => {
                !t.deleted
                    && !t.spam
                    && t.int("status") == Some(2)
                    && t.int("responder_id").is_none_or(|r| r == agent)
            }
            _ => !t.deleted && !t.spam,
        })
        .filter(|t| match updated_since {
            Some(since) => t.updated >= since,
            None => t.created >= now - WINDOW_SECS,
        })
        .filter(|t| requester.is_none_or(|r| t.int("requester_id") == Some(r)))
        .filter(|t| email_user.is_none_or(|u| u.is_some() && t.int("requester_id") == u))
        .filter(|t| company.is_none_or(|c| t.int("company_id") == Some(c)))
        .filter(|_| external.is_none())
        .filter(|t| {
            platform != SimPlatform::Freshservice
                || workspace.is_none_or(|w| t.int("workspace_id") == Some(w))
        })
        .filter(|t| ticket_type.is_none_or(|ty| t.fields.get("type").and_then(Value::as_str) == Some(ty)))
        .collect();
    selected.sort_by(|a, b| {
        let key = match order_by {
            OrderBy::Created => a.created.cmp(&b.created),
            OrderBy::Updated => a.updated.cmp(&b.updated),
            OrderBy::Status => a.int("status").cmp(&b.int("status")),
            OrderBy::DueBy => {
                let due = |t: &Ticket| t.fields.get("due_by").and_then(Value::as_str).and_then(parse_time);
                due(a).cmp(&due(b))
            }
        }
        .then(a.id.cmp(&b.id));
        if ascending {
            key
        } else {
            key.reverse()
        }
    });
    let (items, more) = page.slice(selected);
    let with_description =
        platform == SimPlatform::Freshservice || includes.iter().any(|i| i == "description");
    let items: Vec<Value> =
        items.into_iter().map(|t| render(&store, t, &includes, with_description)).collect();
    let more = more && max_page.is_none_or(|max| page.page < max);
    Ok(paging::respond(&call, &params, page, "tickets", items, more))
}

/// The requester named by the write-only identity attributes: found by email (or phone), or
/// made.
fn resolve_requester(store: &mut Store, checked: &Checked, now: i64) -> Option<i64> {
    let identity = &checked.identity;
    if let Some(email) = &identity.email {
        return Some(store.requester_for(email, identity.name.as_deref(), identity.phone.as_deref(), now));
    }
    if let Some(phone) = &identity.phone {
        let known =
            store.contacts.values().find(|u| u.phone.as_deref() == Some(phone.as_str())).map(|u| u.id);
        return Some(
            known.unwrap_or_else(|| store.add_contact(None, identity.name.as_deref(), Some(phone), now)),
        );
    }
    if identity.other {
        return Some(store.add_contact(None, identity.name.as_deref().or(Some("Unknown")), None, now));
    }
    None
}

/// Writes checked attributes into a ticket; `true` when something changed.
fn apply(ticket: &mut Ticket, checked: &Checked, now: i64) -> bool {
    let mut changed = false;
    if let Some(status) = checked.set.get("status").and_then(Value::as_i64) {
        if ticket.int("status") != Some(status) {
            let at = Value::String(format_time(now));
            ticket.stats.insert("status_updated_at".into(), at.clone());
            match status {
                3 => ticket.stats.insert("pending_since".into(), at),
                4 => ticket.stats.insert("resolved_at".into(), at),
                5 => ticket.stats.insert("closed_at".into(), at),
                _ => None,
            };
        }
    }
    for (key, value) in &checked.set {
        if ticket.fields.get(key) != Some(value) {
            ticket.fields.insert(key.clone(), value.clone());
            changed = true;
            if key == "description" {
                ticket.fields.insert("description_text".into(), describe(Some(value)));
            }
        }
    }
    if let Some(Value::Object(custom)) = ticket.fields.get_mut("custom_fields") {
        for (key, value) in &checked.custom {
            if custom.get(key) != Some(value) {
                custom.insert(key.clone(), value.clone());
                changed = true;
            }
        }
    }
    if changed {
        ticket.touch(now);
    }
    changed
}

fn ticket_location(call: &Call, id: i64) -> String {
    format!("{}/api/v2/tickets/{id}", call.origin())
}

pub async fn create(call: Call) -> ApiResult {
    let body = call.object()?;
    let shared = call.shared.clone();
    let mut store = shared.store();
    let mut checked = validate::ticket_body(&store, &body, Mode::Create).map_err(ApiError::validation)?;
    let status = checked.set.get("status").and_then(Value::as_i64).unwrap_or(2);
    check(validate::closure(&store, status, Some(&Value::Object(checked.custom.clone()))))?;
    let now = shared.now();
    let requester = match checked.set.get("requester_id").and_then(Value::as_i64) {
        Some(id) => id,
        None => resolve_requester(&mut store, &checked, now).unwrap_or_else(|| store.api_agent_id()),
    };
    checked.set.insert("requester_id".into(), json!(requester));
    if let Some(cc) = checked.set.get("cc_emails").cloned() {
        checked.set.insert("reply_cc_emails".into(), cc);
    }
    match store.platform {
        SimPlatform::Freshdesk if !checked.set.contains_key("company_id") => {
            let company = store.user(requester).and_then(|u| u.company_id);
            checked.set.insert("company_id".into(), json!(company));
        }
        SimPlatform::Freshservice if !checked.set.contains_key("requested_for_id") => {
            checked.set.insert("requested_for_id".into(), json!(requester));
        }
        _ => {}
    }
    let id = store.next_ticket_id();
    let mut ticket = store.blank_ticket(id, now, requester);
    apply(&mut ticket, &checked, now);
    let body = render(&store, &ticket, &[], true);
    store.tickets.insert(id, ticket);
    drop(store);
    Ok(created(&call.wrap("ticket", body), &ticket_location(&call, id)))
}

pub async fn view(call: Call) -> ApiResult {
    let id = call.id()?;
    let (params, mut errors) = call.params(&["include"]);
    let includes = params.includes(single_includes(call.platform()), &mut errors);
    check(errors)?;
    let store = call.shared.store();
    let ticket = store.tickets.get(&id).ok_or_else(ApiError::not_found)?;
    let body = render(&store, ticket, &includes, true);
    Ok(ok(&call.wrap("ticket", body)))
}

fn refuse_if_gone(ticket: &Ticket, action: &str) -> Result<(), ApiError> {
    if ticket.deleted || ticket.spam {
        let state = if ticket.deleted { "deleted" } else { "spam" };
        return Err(ApiError::method_not_allowed(format!("A {state} ticket cannot be {action}")));
    }
    Ok(())
}

pub async fn update(call: Call) -> ApiResult {
    let id = call.id()?;
    let (_, errors) = call.params(&["bypass_mandatory"]);
    check(errors)?;
    let body = call.object()?;
    let shared = call.shared.clone();
    let mut store = shared.store();
    let ticket = store.tickets.get(&id).ok_or_else(ApiError::not_found)?;
    refuse_if_gone(ticket, "updated")?;
    let mut checked = validate::ticket_body(&store, &body, Mode::Update).map_err(ApiError::validation)?;
    let status = checked.set.get("status").and_then(Value::as_i64).or(ticket.int("status")).unwrap_or(2);
    let mut custom = ticket.fields.get("custom_fields").cloned().unwrap_or_else(|| json!({}));
    if let Value::Object(map) = &mut custom {
        map.extend(checked.custom.clone());
    }
    check(validate::closure(&store, status, Some(&custom)))?;
    let now = shared.now();
    if !checked.set.contains_key("requester_id") {
        if let Some(requester) = resolve_requester(&mut store, &checked, now) {
            checked.set.insert("requester_id".into(), json!(requester));
        }
    }
    let Some(ticket) = store.tickets.get_mut(&id) else { return Err(ApiError::not_found()) };
    apply(ticket, &checked, now);
    let body = store.tickets.get(&id).map(|t| render(&store, t, &[], true)).unwrap_or_default();
    Ok(ok(&call.wrap("ticket", body)))
}

pub async fn delete(call: Call) -> ApiResult {
    let id = call.id()?;
    let now = call.shared.now();
    let mut store = call.shared.store();
    let ticket = store.tickets.get_mut(&id).ok_or_else(ApiError::not_found)?;
    refuse_if_gone(ticket, "deleted")?;
    ticket.deleted = true;
    ticket.touch(now);
    Ok(no_content())
}

pub async fn restore(call: Call) -> ApiResult {
    let id = call.id()?;
    let now = call.shared.now();
    let mut store = call.shared.store();
    let ticket = store.tickets.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if ticket.deleted {
        ticket.deleted = false;
        ticket.touch(now);
    }
    Ok(no_content())
}

/// A mutable ticket that may take conversations (404 when missing, 405 when deleted or spam).
pub fn open_ticket(store: &mut Store, id: i64) -> Result<&mut Ticket, ApiError> {
    let ticket = store.tickets.get_mut(&id).ok_or_else(ApiError::not_found)?;
    refuse_if_gone(ticket, "changed")?;
    Ok(ticket)
}
