//! Hand-written Rust over `serde_json::Value`: the baseline.

use serde_json::{Map, Value};

use super::{freshdesk_priority, freshdesk_status};

/// The 20-field mapping of `mapping20.sync`, from the REST ticket to the replica.
pub fn mapping20(t: &Value) -> Value {
    let status = t["status"].as_i64().unwrap_or_default();
    let priority = t["priority"].as_i64().unwrap_or_default();
    let status_name = freshdesk_status(status);
    let mut r = Map::new();
    r.insert("key".into(), t["id"].as_i64().map_or(Value::Null, |id| Value::String(id.to_string())));
    r.insert("summary".into(), t["subject"].clone());
    r.insert("description".into(), Value::String(one_line(t["description_text"].as_str())));
    r.insert("type".into(), truthy_str(&t["type"]).unwrap_or("Question").into());
    r.insert("status".into(), code_object(status, status_name));
    r.insert("priority".into(), code_object(priority, freshdesk_priority(priority)));
    let labels = t["tags"].as_array().map(Vec::as_slice).unwrap_or_default();
    let labels = labels.iter().map(|tag| object([("label", tag.clone())])).collect();
    r.insert("labels".into(), Value::Array(labels));
    let reporter = reporter(t);
    r.insert("assignee".into(), user_with_id(&t["responder_id"]));
    r.insert("created".into(), t["created_at"].clone());
    r.insert("updated".into(), t["updated_at"].clone());
    let conversations = t["conversations"].as_array().map(Vec::as_slice).unwrap_or_default();
    let comments = conversations
        .iter()
        .filter(|c| !c["private"].as_bool().unwrap_or_default())
        .map(|c| comment(c, &reporter))
        .collect();
    r.insert("comments".into(), Value::Array(comments));
    r.insert("reporter".into(), reporter);
    // A new replica's collections start empty.
    r.insert("attachments".into(), Value::Array(Vec::new()));
    r.insert("customFields".into(), Value::Object(Map::new()));

    let mut keys = Map::new();
    let remote = match status_name {
        Some("Pending") => "In Progress",
        Some("Waiting on Customer" | "Waiting on Third Party") => "Waiting",
        Some("Resolved") => "Done",
        Some("Closed") => "Closed",
        _ => "To Do",
    };
    keys.insert("remoteStatus".into(), remote.into());
    let source = match t["source"].as_i64() {
        Some(1) => "Email",
        Some(2) => "Portal",
        Some(3) => "Phone",
        Some(7) => "Chat",
        Some(9) => "Feedback Widget",
        Some(10) => "Outbound Email",
        _ => "Other",
    };
    keys.insert("source".into(), source.into());
    let tags: Vec<&str> = labels_text(&t["tags"]);
    keys.insert("tags".into(), Value::String(tags.join(",")));
    keys.insert("group".into(), t["group_id"].clone());
    keys.insert("dueBy".into(), t["due_by"].clone());
    let custom = &t["custom_fields"];
    keys.insert("customerId".into(), custom["cf_customer_id"].clone());
    let region = truthy_str(&custom["cf_region"]).unwrap_or("EMEA");
    keys.insert("region".into(), Value::String(region.to_lowercase()));
    let escalated = t["is_escalated"].as_bool().unwrap_or_default() || (priority >= 3 && status == 2);
    keys.insert("escalation".into(), if escalated { "urgent" } else { "normal" }.into());
    r.insert("customKeys".into(), Value::Object(keys));
    Value::Object(r)
}

/// JSON text in → JSON text out.
pub fn mapping20_json(text: &str) -> String {
    let ticket: Value = serde_json::from_str(text).expect("the ticket is JSON");
    serde_json::to_string(&mapping20(&ticket)).expect("JSON out")
}

/// The incoming script of `status-priority-maps.sync` on `ticket`: the REST update (the
/// status and priority codes that change), or an error when the priority has no local twin.
pub fn status_priority_incoming(replica: &Value, ticket: &Value) -> Result<Value, String> {
    let desired = match replica["status"]["name"].as_str() {
        Some("To Do") => "Open",
        Some("In Progress") => "Pending",
        Some("Waiting") => "Waiting on Customer",
        Some("Done") => "Resolved",
        Some("Closed") => "Closed",
        _ => "Open",
    };
    let mut update = Map::new();
    if let Some(code) = (2..=7).find(|&c| freshdesk_status(c) == Some(desired)) {
        if ticket["status"].as_i64() != Some(code) {
            update.insert("status".into(), code.into());
        }
    }
    let desired = match replica["priority"]["name"].as_str() {
        Some("Highest") => Some("Urgent"),
        Some("High") => Some("High"),
        Some("Medium") => Some("Medium"),
        Some("Low") => Some("Low"),
        other => other,
    };
    let Some(code) = (1..=4).find(|&c| desired.is_some() && freshdesk_priority(c) == desired) else {
        return Err(format!("Could not find priority `{}`.", desired.unwrap_or("null")));
    };
    if ticket["priority"].as_i64() != Some(code) {
        update.insert("priority".into(), code.into());
    }
    Ok(Value::Object(update))
}

/// JSON text in → JSON text out.
pub fn status_priority_incoming_json(replica: &str, ticket: &str) -> Result<String, String> {
    let replica: Value = serde_json::from_str(replica).map_err(|e| e.to_string())?;
    let ticket: Value = serde_json::from_str(ticket).map_err(|e| e.to_string())?;
    let update = status_priority_incoming(&replica, &ticket)?;
    Ok(serde_json::to_string(&update).expect("JSON out"))
}

/// Groovy's `s?.replace("\n", " ")?.trim() ?: ""`.
fn one_line(text: Option<&str>) -> String {
    match text {
        Some(s) => s.replace('\n', " ").trim_matches(|c: char| c <= ' ').to_string(),
        None => String::new(),
    }
}

/// A string that Groovy finds true: not null, not empty.
fn truthy_str(value: &Value) -> Option<&str> {
    value.as_str().filter(|s| !s.is_empty())
}

fn labels_text(tags: &Value) -> Vec<&str> {
    tags.as_array().map(|tags| tags.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A status or priority object.
fn code_object(code: i64, name: Option<&str>) -> Value {
    object([("id", code.into()), ("name", name.map_or(Value::Null, Value::from))])
}

/// The requester: the embedded one (`include=requester`), else a user with only the id.
fn reporter(t: &Value) -> Value {
    let requester = &t["requester"];
    if requester.is_object() {
        object([
            ("id", requester["id"].clone()),
            ("email", requester["email"].clone()),
            ("displayName", requester["name"].clone()),
        ])
    } else {
        user_with_id(&t["requester_id"])
    }
}

/// A user known by id only (there is no user directory in the benchmark).
fn user_with_id(id: &Value) -> Value {
    if id.is_null() {
        Value::Null
    } else {
        object([("id", id.clone())])
    }
}

/// A conversation as a comment; its author is the requester or a user known by id only.
fn comment(c: &Value, reporter: &Value) -> Value {
    let author = if !c["user_id"].is_null() && reporter["id"] == c["user_id"] {
        reporter.clone()
    } else {
        user_with_id(&c["user_id"])
    };
    object([
        ("id", c["id"].clone()),
        ("body", c["body"].clone()),
        ("author", author),
        ("internal", c["private"].clone()),
        ("created", c["created_at"].clone()),
        ("updated", c["updated_at"].clone()),
    ])
}
