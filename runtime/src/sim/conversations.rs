//! Conversations: the list of a ticket's replies and notes, adding a note or a reply, editing
//! a note, deleting either.
//!
//! Notes are private unless `"private": false` is sent; `incoming` defaults to false and
//! `user_id` to the agent who owns the API key. Only notes can be edited: `PUT` on a reply
//! is 405. Every change to a ticket's conversations moves the ticket's `updated_at` (the
//! reference leaves this unverified; the simulator takes the side that makes pollers see new
//! notes). Deleted and spam tickets take no new conversations (405).

use serde_json::{json, Map, Value};

use super::errors::{ApiError, ApiResult, FieldError};
use super::http::{check, created, no_content, ok, Call};
use super::paging;
use super::state::{describe, Conversation, Store};
use super::tickets::open_ticket;
use super::validate::valid_email;
use super::{Shared, SimPlatform};

/// The conversation as the API shows it.
pub fn render_conversation(platform: SimPlatform, conversation: &Conversation) -> Value {
    let mut fields = conversation.fields.clone();
    if platform == SimPlatform::Freshservice {
        fields.remove("last_edited_at");
        fields.remove("last_edited_user_id");
    }
    Value::Object(fields)
}

pub async fn list(call: Call) -> ApiResult {
    let id = call.id()?;
    let (params, mut errors) = call.params(&["page", "per_page"]);
    let page = paging::page(&params, None, &mut errors);
    check(errors)?;
    let store = call.shared.store();
    if !store.tickets.contains_key(&id) {
        return Err(ApiError::not_found());
    }
    let ids: Vec<i64> = store.by_ticket.get(&id).cloned().unwrap_or_default();
    let (ids, more) = page.slice(ids);
    let items: Vec<Value> = ids
        .iter()
        .filter_map(|c| store.conversations.get(c))
        .map(|c| render_conversation(store.platform, c))
        .collect();
    Ok(paging::respond(&call, &params, page, "conversations", items, more))
}

/// Checks a note or reply body: only `allowed` keys, `body` a non-empty string, flags
/// booleans, email lists of addresses, `user_id` a known user.
fn check_body(store: &Store, body: &Map<String, Value>, allowed: &[&str]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (key, value) in body {
        if !allowed.contains(&key.as_str()) {
            errors.push(FieldError::unexpected(key.as_str()));
            continue;
        }
        match key.as_str() {
            "body" => match value {
                Value::String(text) if !text.trim().is_empty() => {}
                Value::String(_) => errors.push(FieldError::missing("body")),
                _ => errors.push(FieldError::mismatch("body", "String")),
            },
            "private" | "incoming" => {
                if !value.is_boolean() {
                    errors.push(FieldError::mismatch(key.as_str(), "Boolean"));
                }
            }
            "user_id" => match value.as_i64() {
                Some(id) if store.user(id).is_some() => {}
                Some(_) => errors.push(FieldError::new(
                    "user_id",
                    super::errors::INVALID_VALUE,
                    "There is no user matching the given user_id",
                )),
                None => errors.push(FieldError::mismatch("user_id", "Integer")),
            },
            "from_email" => {
                if !value.as_str().is_some_and(valid_email) {
                    errors.push(FieldError::bad_email("from_email"));
                }
            }
            "attachments" => errors.push(FieldError::new(
                "attachments",
                super::errors::INVALID_VALUE,
                "Attachments are sent as multipart/form-data, which the simulator does not accept",
            )),
            _ => match value.as_array() {
                Some(items) if items.iter().all(|i| i.as_str().is_some_and(valid_email)) => {}
                Some(_) => errors.push(FieldError::bad_email_list(key.as_str())),
                None => errors.push(FieldError::mismatch(key.as_str(), "Array")),
            },
        }
    }
    if !body.contains_key("body") && !errors.iter().any(|e| e.field == "body") {
        errors.push(FieldError::missing("body"));
    }
    errors
}

/// Adds a note (`note`) or a reply to ticket `{id}`.
async fn add(call: Call, note: bool) -> ApiResult {
    let ticket_id = call.id()?;
    let body = call.object()?;
    let shared: &Shared = &call.shared;
    let mut store = shared.store();
    open_ticket(&mut store, ticket_id)?;
    let allowed: &[&str] = if note {
        &["body", "private", "incoming", "user_id", "notify_emails", "attachments"]
    } else {
        &["body", "user_id", "from_email", "cc_emails", "bcc_emails", "attachments"]
    };
    check(check_body(&store, &body, allowed))?;
    let now = shared.now();
    let user_id = body.get("user_id").and_then(Value::as_i64).unwrap_or_else(|| store.api_agent_id());
    let id = store.next_conversation_id();
    let mut conversation = store.blank_conversation(id, ticket_id, user_id, note, now);
    for key in ["body", "private", "incoming", "cc_emails", "bcc_emails", "from_email"] {
        if let Some(value) = body.get(key) {
            conversation.fields.insert(key.into(), value.clone());
        }
    }
    if let Some(Value::Array(to)) = body.get("notify_emails") {
        conversation.fields.insert("to_emails".into(), Value::Array(to.clone()));
    }
    let text = describe(body.get("body"));
    conversation.fields.insert("body_text".into(), text);
    let requester_email = store
        .tickets
        .get(&ticket_id)
        .and_then(|t| t.int("requester_id"))
        .and_then(|r| store.user(r))
        .and_then(|u| u.email.clone());
    let by_agent = store.agents.contains_key(&user_id);
    let mut answer = render_conversation(store.platform, &conversation);
    if note {
        let notified = body.get("notify_emails").cloned().unwrap_or_else(|| json!([]));
        answer["notified_to"] = notified;
    } else {
        if conversation.fields.get("from_email").is_none_or(Value::is_null) {
            conversation.fields.insert("from_email".into(), json!("support@example.com"));
            answer["from_email"] = json!("support@example.com");
        }
        let mut replied: Vec<Value> = requester_email.iter().map(|e| json!(e)).collect();
        if let Some(Value::Array(cc)) = body.get("cc_emails") {
            replied.extend(cc.iter().cloned());
        }
        let to = json!(requester_email.iter().collect::<Vec<_>>());
        conversation.fields.insert("to_emails".into(), to.clone());
        answer["to_emails"] = to;
        answer["replied_to"] = Value::Array(replied);
    }
    let _ = store.insert_conversation(conversation);
    if let Ok(ticket) = open_ticket(&mut store, ticket_id) {
        let at = Value::String(super::clock::format_time(now));
        if !note && by_agent {
            if ticket.stats.get("first_responded_at").is_none_or(Value::is_null) {
                ticket.stats.insert("first_responded_at".into(), at.clone());
            }
            ticket.stats.insert("agent_responded_at".into(), at);
        } else if !by_agent {
            ticket.stats.insert("requester_responded_at".into(), at);
        }
        ticket.touch(now);
    }
    drop(store);
    let location = format!("{}/api/v2/conversations/{id}", call.origin());
    Ok(created(&call.wrap("conversation", answer), &location))
}

pub async fn note(call: Call) -> ApiResult {
    add(call, true).await
}

pub async fn reply(call: Call) -> ApiResult {
    add(call, false).await
}

pub async fn update(call: Call) -> ApiResult {
    let id = call.id()?;
    let body = call.object()?;
    let shared: &Shared = &call.shared;
    let mut store = shared.store();
    let conversation = store.conversations.get(&id).ok_or_else(ApiError::not_found)?;
    if !conversation.is_note() {
        return Err(ApiError::method_not_allowed("Only notes can be edited; this conversation is a reply"));
    }
    let ticket_id = conversation.ticket_id;
    check(check_body(&store, &body, &["body", "attachments"]))?;
    open_ticket(&mut store, ticket_id)?;
    let now = shared.now();
    let editor = store.api_agent_id();
    let at = Value::String(super::clock::format_time(now));
    let platform = store.platform;
    let Some(conversation) = store.conversations.get_mut(&id) else { return Err(ApiError::not_found()) };
    if let Some(text) = body.get("body") {
        conversation.fields.insert("body".into(), text.clone());
        conversation.fields.insert("body_text".into(), describe(Some(text)));
    }
    conversation.fields.insert("updated_at".into(), at.clone());
    conversation.fields.insert("last_edited_at".into(), at);
    conversation.fields.insert("last_edited_user_id".into(), json!(editor));
    let answer = render_conversation(platform, conversation);
    if let Ok(ticket) = open_ticket(&mut store, ticket_id) {
        ticket.touch(now);
    }
    Ok(ok(&call.wrap("conversation", answer)))
}

pub async fn delete(call: Call) -> ApiResult {
    let id = call.id()?;
    let shared: &Shared = &call.shared;
    let mut store = shared.store();
    let ticket_id = store.conversations.get(&id).ok_or_else(ApiError::not_found)?.ticket_id;
    open_ticket(&mut store, ticket_id)?;
    store.remove_conversation(id);
    let now = shared.now();
    if let Ok(ticket) = open_ticket(&mut store, ticket_id) {
        ticket.touch(now);
    }
    Ok(no_content())
}
