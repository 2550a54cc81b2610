//! The filter-query search: Freshdesk `GET /api/v2/search/tickets?query="…"` answering
//! `{"total":N,"results":[…]}`, Freshservice `GET /api/v2/tickets/filter?query="…"` answering
//! `{"tickets":[…],"total":N}`.
//!
//! The query is parsed, checked and evaluated by the compiler's query module — the same code
//! that checks trigger queries in rules — against this instance's search fields (custom
//! fields and statuses included), so the simulator and `replica check` agree on what a query
//! means. It must be wrapped in double quotes and be at most 512 characters; a query the
//! module rejects is a 400 whose message is the module's diagnostic. 30 results per page,
//! newest first; Freshdesk serves pages 1..10 (page 11 is a 400) and ignores `per_page`.
//! Deleted and spam tickets are never found.

use std::collections::HashMap;

use replica_compiler::query::{self, QueryFields};
use replica_grammar::Diagnostic;
use serde_json::{json, Value};

use super::errors::{ApiError, ApiResult, FieldError, INVALID_VALUE};
use super::http::{check, ok, Call};
use super::paging::{self, Page};
use super::tickets::render;
use super::SimPlatform;

pub const RESULTS_PER_PAGE: usize = 30;
/// Freshdesk's search serves this many pages.
pub const MAX_SEARCH_PAGES: usize = 10;

pub async fn search(call: Call) -> ApiResult {
    let platform = call.platform();
    let allowed: &[&str] = match platform {
        SimPlatform::Freshdesk => &["query", "page", "per_page"],
        SimPlatform::Freshservice => &["query", "page", "per_page", "workspace_id"],
    };
    let (params, mut errors) = call.params(allowed);
    let max_page = (platform == SimPlatform::Freshdesk).then_some(MAX_SEARCH_PAGES);
    let mut page_errors = Vec::new();
    let requested = paging::page(&params, max_page, &mut page_errors);
    errors.extend(page_errors.into_iter().filter(|e| e.field == "page"));
    let page = Page { page: requested.page, per_page: RESULTS_PER_PAGE };
    let workspace = params.get("workspace_id").map(|w| w.trim().parse::<i64>());
    if matches!(workspace, Some(Err(_))) {
        errors.push(FieldError::not_positive("workspace_id"));
    }
    let text = match params.get("query") {
        None => {
            errors.push(FieldError::missing("query"));
            None
        }
        Some(raw) => match raw.trim().strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
            Some(inner) => Some(inner.to_string()),
            None => {
                errors.push(FieldError::new(
                    "query",
                    INVALID_VALUE,
                    "The query must be wrapped in double quotes, e.g. query=\"priority:3\"",
                ));
                None
            }
        },
    };
    check(errors)?;
    let text = text.unwrap_or_default();
    let mut store = call.shared.store();
    let compiled = {
        let facts = store.facts.platform.search_facts();
        let (compiled, diagnostics) = query::compile(&text, 0, &facts.fields());
        match compiled {
            Some(compiled) => compiled,
            None => return Err(ApiError::validation(query_errors(&diagnostics, &facts.fields()))),
        }
    };
    // Freshservice's `email` reads the requester's address (`requester.email`).
    let wants_email = compiled.conditions().iter().any(|c| c.field == "email");
    let emails: HashMap<i64, Option<String>> = if wants_email {
        store.contacts.values().chain(store.agents.values()).map(|u| (u.id, u.email.clone())).collect()
    } else {
        HashMap::new()
    };
    let workspace = match workspace {
        Some(Ok(0)) => None,
        Some(Ok(w)) => Some(w),
        _ => Some(2),
    };
    let mut found: Vec<(i64, i64)> = Vec::new();
    for ticket in store.tickets.values_mut() {
        let other_workspace = platform == SimPlatform::Freshservice
            && workspace.is_some_and(|w| ticket.int("workspace_id") != Some(w));
        if ticket.deleted || ticket.spam || other_workspace {
            continue;
        }
        // The evaluator reads JSON: lend it the ticket's map rather than copy it.
        let mut value = Value::Object(std::mem::take(&mut ticket.fields));
        if wants_email {
            let email = ticket_requester(&value).and_then(|r| emails.get(&r).cloned().flatten());
            value["requester"] = json!({ "email": email });
        }
        let hit = query::matches(&compiled, &value);
        if let Value::Object(mut fields) = value {
            if wants_email {
                fields.remove("requester");
            }
            ticket.fields = fields;
        }
        if hit {
            found.push((ticket.created, ticket.id));
        }
    }
    found.sort_by(|a, b| b.cmp(a));
    let total = found.len();
    let (ids, _) = page.slice(found);
    let items: Vec<Value> = ids
        .into_iter()
        .filter_map(|(_, id)| store.tickets.get(&id))
        .map(|t| render(&store, t, &[], true))
        .collect();
    let body = match platform {
        SimPlatform::Freshdesk => json!({"total": total, "results": items}),
        SimPlatform::Freshservice => json!({"tickets": items, "total": total}),
    };
    Ok(ok(&body))
}

fn ticket_requester(ticket: &Value) -> Option<i64> {
    ticket.get("requester_id").and_then(Value::as_i64)
}

/// The query module's errors as validation entries on `query`.
fn query_errors(diagnostics: &[Diagnostic], fields: &QueryFields) -> Vec<FieldError> {
    let errors: Vec<FieldError> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| FieldError::new("query", INVALID_VALUE, format!("{} [{}]", d.message, d.code.as_str())))
        .collect();
    if errors.is_empty() {
        vec![FieldError::new("query", INVALID_VALUE, format!("not a valid {} query", fields.platform_name))]
    } else {
        errors
    }
}
