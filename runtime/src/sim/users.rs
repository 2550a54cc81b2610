//! The people around tickets, enough for user look-ups by the connectors and helpers
//! (`nodeHelper.getUserByEmail`): Freshdesk contacts, Freshservice requesters, agents and
//! groups of both, each in its platform's shape. Contacts and requesters can be created
//! (`POST`), with the uniqueness of emails enforced (409).

use serde_json::{json, Map, Value};

use super::clock::format_time;
use super::errors::{ApiError, ApiResult, FieldError, DUPLICATE_VALUE};
use super::http::{check, created, ok, Call};
use super::paging;
use super::state::{Group, Store, User};
use super::validate::valid_email;
use super::SimPlatform;

const SETUP: &str = "2020-01-01T00:00:00Z";
const TIME_ZONE: &str = "Eastern Time (US & Canada)";

fn split_name(name: &str) -> (String, Value) {
    match name.trim().split_once(' ') {
        Some((first, last)) => (first.to_string(), json!(last.trim())),
        None => (name.trim().to_string(), Value::Null),
    }
}

fn contact_json(platform: SimPlatform, user: &User) -> Value {
    let (created_at, updated_at) = (format_time(user.created), format_time(user.updated));
    match platform {
        SimPlatform::Freshdesk => json!({
            "active": true, "address": null, "company_id": user.company_id, "description": null,
            "email": user.email, "id": user.id, "job_title": null, "language": "en",
            "mobile": user.mobile, "name": user.name, "phone": user.phone, "time_zone": TIME_ZONE,
            "twitter_id": null, "other_emails": [], "custom_fields": {}, "tags": [],
            "unique_external_id": null, "view_all_tickets": false,
            "created_at": created_at, "updated_at": updated_at
        }),
        SimPlatform::Freshservice => {
            let (first, last) = split_name(&user.name);
            json!({
                "id": user.id, "first_name": first, "last_name": last, "job_title": null,
                "primary_email": user.email, "secondary_emails": [],
                "work_phone_number": user.phone, "mobile_phone_number": user.mobile,
                "department_ids": user.company_id.into_iter().collect::<Vec<_>>(),
                "can_see_all_tickets_from_associated_departments": false,
                "reporting_manager_id": null, "address": null, "time_zone": TIME_ZONE,
                "time_format": "12h", "language": "en", "location_id": null,
                "background_information": null, "custom_fields": {}, "active": true,
                "has_logged_in": false, "is_agent": false, "external_id": null,
                "created_at": created_at, "updated_at": updated_at
            })
        }
    }
}

fn agent_json(store: &Store, user: &User) -> Value {
    let groups: Vec<i64> =
        store.groups.values().filter(|g| g.agent_ids.contains(&user.id)).map(|g| g.id).collect();
    let (created_at, updated_at) = (format_time(user.created), format_time(user.updated));
    match store.platform {
        SimPlatform::Freshdesk => json!({
            "available": true, "occasional": false, "id": user.id, "signature": null, "ticket_scope": 1,
            "type": "support_agent", "group_ids": groups, "role_ids": [], "skill_ids": [],
            "available_since": null, "focus_mode": true, "created_at": created_at, "updated_at": updated_at,
            "contact": {
                "active": true, "email": user.email, "job_title": null, "language": "en",
                "last_login_at": null, "mobile": user.mobile, "name": user.name, "phone": user.phone,
                "time_zone": TIME_ZONE, "created_at": created_at, "updated_at": updated_at
            }
        }),
        SimPlatform::Freshservice => {
            let (first, last) = split_name(&user.name);
            json!({
                "id": user.id, "first_name": first, "last_name": last, "occasional": false, "active": true,
                "job_title": null, "email": user.email, "work_phone_number": user.phone,
                "mobile_phone_number": user.mobile, "department_ids": [], "reporting_manager_id": null,
                "address": null, "time_zone": TIME_ZONE, "time_format": "12h", "language": "en",
                "location_id": null, "background_information": null, "scoreboard_level_id": 1,
                "member_of": groups, "observer_of": [], "roles": [], "last_login_at": null,
                "last_active_at": null, "custom_fields": {}, "has_logged_in": false,
                "created_at": created_at, "updated_at": updated_at
            })
        }
    }
}

fn group_json(platform: SimPlatform, group: &Group) -> Value {
    match platform {
        SimPlatform::Freshdesk => json!({
            "id": group.id, "name": group.name, "description": group.description, "escalate_to": null,
            "unassigned_for": "30m", "business_hour_id": null, "group_type": "support_agent_group",
            "agent_ids": group.agent_ids, "auto_ticket_assign": 0, "created_at": SETUP, "updated_at": SETUP
        }),
        SimPlatform::Freshservice => json!({
            "id": group.id, "name": group.name, "description": group.description, "escalate_to": null,
            "unassigned_for": "30m", "business_hours_id": null, "workspace_id": 2,
            "members": group.agent_ids, "observers": [], "leaders": [], "members_pending_approval": [],
            "observers_pending_approval": [], "leaders_pending_approval": [], "restricted": false,
            "approval_required": false, "auto_ticket_assign": false, "created_at": SETUP, "updated_at": SETUP
        }),
    }
}

/// The query parameter names of the email and phone filters on this platform.
fn filter_names(platform: SimPlatform, agents: bool) -> (&'static str, &'static str, &'static str) {
    match (platform, agents) {
        (SimPlatform::Freshdesk, _) => ("email", "phone", "mobile"),
        (SimPlatform::Freshservice, _) => ("email", "work_phone_number", "mobile_phone_number"),
    }
}

fn matches_filters(user: &User, email: Option<&str>, phone: Option<&str>, mobile: Option<&str>) -> bool {
    email.is_none_or(|e| user.has_email(e))
        && phone.is_none_or(|p| user.phone.as_deref() == Some(p))
        && mobile.is_none_or(|m| user.mobile.as_deref() == Some(m))
}

/// `GET /contacts`, `/requesters` (`agents == false`) or `/agents`.
async fn list_users(call: Call, agents: bool) -> ApiResult {
    let platform = call.platform();
    let (email_key, phone_key, mobile_key) = filter_names(platform, agents);
    let mut allowed = vec![email_key, phone_key, mobile_key, "page", "per_page"];
    allowed.extend(match (platform, agents) {
        (SimPlatform::Freshdesk, false) => &["company_id", "state", "updated_since", "_updated_since"][..],
        (SimPlatform::Freshdesk, true) => &["state"][..],
        (SimPlatform::Freshservice, false) => &["include_agents", "query"][..],
        (SimPlatform::Freshservice, true) => &["active", "state", "query"][..],
    });
    let (params, mut errors) = call.params(&allowed);
    let page = paging::page(&params, None, &mut errors);
    check(errors)?;
    let store = call.shared.store();
    let (email, phone, mobile) = (params.get(email_key), params.get(phone_key), params.get(mobile_key));
    let include_agents = params.get("include_agents") == Some("true");
    let people: Vec<&User> = if agents {
        store.agents.values().collect()
    } else if include_agents {
        store.contacts.values().chain(store.agents.values()).collect()
    } else {
        store.contacts.values().collect()
    };
    let selected: Vec<&User> =
        people.into_iter().filter(|u| matches_filters(u, email, phone, mobile)).collect();
    let (items, more) = page.slice(selected);
    let items: Vec<Value> = items
        .into_iter()
        .map(|u| if agents { agent_json(&store, u) } else { contact_json(platform, u) })
        .collect();
    let key = match (platform, agents) {
        (_, true) => "agents",
        (SimPlatform::Freshdesk, false) => "contacts",
        (SimPlatform::Freshservice, false) => "requesters",
    };
    Ok(paging::respond(&call, &params, page, key, items, more))
}

pub async fn list_contacts(call: Call) -> ApiResult {
    list_users(call, false).await
}

pub async fn list_agents(call: Call) -> ApiResult {
    list_users(call, true).await
}

pub async fn view_contact(call: Call) -> ApiResult {
    let id = call.id()?;
    let store = call.shared.store();
    let user = store.contacts.get(&id).ok_or_else(ApiError::not_found)?;
    let key = if call.platform() == SimPlatform::Freshdesk { "contact" } else { "requester" };
    Ok(ok(&call.wrap(key, contact_json(store.platform, user))))
}

pub async fn view_agent(call: Call) -> ApiResult {
    let store = call.shared.store();
    let id = if call.path.ends_with("/me") { store.api_agent_id() } else { call.id()? };
    let user = store.agents.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(ok(&call.wrap("agent", agent_json(&store, user))))
}

pub async fn list_groups(call: Call) -> ApiResult {
    let (params, mut errors) = call.params(&["page", "per_page", "workspace_id"]);
    let page = paging::page(&params, None, &mut errors);
    check(errors)?;
    let store = call.shared.store();
    let (items, more) = page.slice(store.groups.values().collect());
    let items = items.into_iter().map(|g| group_json(store.platform, g)).collect();
    Ok(paging::respond(&call, &params, page, "groups", items, more))
}

pub async fn view_group(call: Call) -> ApiResult {
    let id = call.id()?;
    let store = call.shared.store();
    let group = store.groups.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(ok(&call.wrap("group", group_json(store.platform, group))))
}

fn text(body: &Map<String, Value>, key: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(FieldError::mismatch(key, "String"));
            None
        }
    }
}

/// `POST /contacts` (Freshdesk: `name` and one of email/phone/mobile/…) or `POST /requesters`
/// (Freshservice: `first_name` and one of primary_email/work_phone_number/mobile_phone_number).
pub async fn create_contact(call: Call) -> ApiResult {
    let body = call.object()?;
    let platform = call.platform();
    let (name_keys, email_key, phone_key, mobile_key, others): (&[&str], _, _, _, &[&str]) = match platform {
        SimPlatform::Freshdesk => (
            &["name"],
            "email",
            "phone",
            "mobile",
            &[
                "twitter_id",
                "unique_external_id",
                "company_id",
                "job_title",
                "language",
                "time_zone",
                "description",
                "address",
                "tags",
                "other_emails",
                "custom_fields",
                "view_all_tickets",
            ],
        ),
        SimPlatform::Freshservice => (
            &["first_name", "last_name"],
            "primary_email",
            "work_phone_number",
            "mobile_phone_number",
            &[
                "job_title",
                "secondary_emails",
                "department_ids",
                "address",
                "time_zone",
                "time_format",
                "language",
                "location_id",
                "background_information",
                "custom_fields",
                "reporting_manager_id",
                "can_see_all_tickets_from_associated_departments",
                "external_id",
            ],
        ),
    };
    let mut errors = Vec::new();
    for key in body.keys() {
        let known = name_keys.contains(&key.as_str())
            || [email_key, phone_key, mobile_key].contains(&key.as_str())
            || others.contains(&key.as_str());
        if !known {
            errors.push(FieldError::unexpected(key.as_str()));
        }
    }
    let names: Vec<String> = name_keys.iter().filter_map(|k| text(&body, k, &mut errors)).collect();
    let email = text(&body, email_key, &mut errors);
    let phone = text(&body, phone_key, &mut errors);
    let mobile = text(&body, mobile_key, &mut errors);
    if names.first().is_none_or(|n| n.trim().is_empty()) && !errors.iter().any(|e| e.field == name_keys[0]) {
        errors.push(FieldError::missing(name_keys[0]));
    }
    let other_identity = platform == SimPlatform::Freshdesk
        && ["twitter_id", "unique_external_id"].iter().any(|k| body.get(*k).is_some_and(|v| !v.is_null()));
    if email.is_none() && phone.is_none() && mobile.is_none() && !other_identity {
        errors.push(FieldError::missing(email_key));
    }
    if email.as_deref().is_some_and(|e| !valid_email(e)) {
        errors.push(FieldError::bad_email(email_key));
    }
    let company =
        match body.get(if platform == SimPlatform::Freshdesk { "company_id" } else { "department_ids" }) {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::Array(ids)) => ids.first().and_then(Value::as_i64),
            _ => None,
        };
    check(errors)?;
    let now = call.shared.now();
    let mut store = call.shared.store();
    if let Some(existing) = email.as_deref().and_then(|e| store.user_by_email(e)) {
        return Err(ApiError::conflict(vec![FieldError::new(
            email_key,
            DUPLICATE_VALUE,
            format!("It should be a unique value (user {} has it)", existing.id),
        )]));
    }
    let id = store.add_contact(email.as_deref(), Some(&names.join(" ")), phone.as_deref(), now);
    if let Some(user) = store.contacts.get_mut(&id) {
        user.mobile = mobile;
        user.company_id = company;
    }
    let user = store.contacts.get(&id).ok_or_else(ApiError::not_found)?;
    let (key, path) = match platform {
        SimPlatform::Freshdesk => ("contact", "contacts"),
        SimPlatform::Freshservice => ("requester", "requesters"),
    };
    let body = call.wrap(key, contact_json(platform, user));
    Ok(created(&body, &format!("{}/api/v2/{path}/{id}", call.origin())))
}
