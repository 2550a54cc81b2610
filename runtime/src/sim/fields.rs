//! Ticket-field metadata: Freshdesk `GET /api/v2/ticket_fields` (a bare array, A12) and
//! Freshservice `GET /api/v2/ticket_form_fields` (`{"ticket_fields":[…]}`).
//!
//! These carry everything `replica schema pull` needs to write a schema lock: the custom
//! fields (API name, label, type, dropdown choices), the statuses with the instance's custom
//! ones, the ticket types, the groups and the agents. Freshdesk's `choices` take the shape of
//! the field type: `default_status` maps `"2": ["Open", "Being Processed"]` (agent label,
//! customer label), `default_priority` and `default_source` map label to id, `default_group`
//! and `default_agent` map name to id, `default_ticket_type` and `custom_dropdown` are
//! arrays. Freshservice's are arrays of `{"id", "value"}`.

use serde_json::{json, Map, Value};

use super::errors::{ApiResult, FieldError};
use super::http::{check, ok, Call};
use super::seed::SeedCustomField;
use super::state::Store;
use super::SimPlatform;

/// When the simulated account was set up.
const SETUP: &str = "2020-01-01T00:00:00Z";

/// The platform's type name of a custom field (`custom_dropdown` for `dropdown`).
pub fn custom_type(kind: &str) -> String {
    match kind {
        "multi_select" => "custom_multi_select_dropdown".to_string(),
        other => format!("custom_{other}"),
    }
}

struct Def {
    name: String,
    label: String,
    ty: String,
    default: bool,
    required: bool,
    closure: bool,
    choices: Option<Value>,
}

fn def(name: &str, label: &str, ty: &str, required: bool, choices: Option<Value>) -> Def {
    Def {
        name: name.into(),
        label: label.into(),
        ty: ty.into(),
        default: true,
        required,
        closure: false,
        choices,
    }
}

fn custom_def(field: &SeedCustomField, choices: impl Fn(&[String]) -> Value) -> Def {
    Def {
        name: field.name.clone(),
        label: if field.label.is_empty() { field.name.clone() } else { field.label.clone() },
        ty: custom_type(&field.kind),
        default: false,
        required: field.required_for_agents,
        closure: field.required_for_closure,
        choices: field.choices.as_deref().map(choices),
    }
}

fn freshdesk_defs(store: &Store) -> Vec<Def> {
    let facts = &store.facts;
    let label_to_id =
        |codes: &[(i64, String)]| Value::Object(codes.iter().map(|(id, n)| (n.clone(), json!(id))).collect());
    let statuses: Map<String, Value> = facts
        .platform
        .statuses
        .iter()
        .map(|(id, name)| (id.to_string(), json!([name, facts.customer_status_name(*id, name)])))
        .collect();
    let groups: Map<String, Value> = store.groups.values().map(|g| (g.name.clone(), json!(g.id))).collect();
    let agents: Map<String, Value> = store.agents.values().map(|a| (a.name.clone(), json!(a.id))).collect();
    let mut defs = vec![
        def("requester", "Search a requester", "default_requester", true, None),
        def("subject", "Subject", "default_subject", true, None),
        def("ticket_type", "Type", "default_ticket_type", false, Some(json!(facts.platform.ticket_types))),
        def("source", "Source", "default_source", true, Some(label_to_id(&facts.platform.sources))),
        def("status", "Status", "default_status", true, Some(Value::Object(statuses))),
        def("priority", "Priority", "default_priority", true, Some(label_to_id(&facts.platform.priorities))),
        def("group", "Group", "default_group", false, Some(Value::Object(groups))),
        def("agent", "Agent", "default_agent", false, Some(Value::Object(agents))),
        def("product", "Product", "default_product", false, Some(json!({}))),
        def("description", "Description", "default_description", true, None),
        def("company", "Company", "default_company", false, None),
    ];
    defs.extend(facts.custom_fields.iter().map(|f| custom_def(f, |choices| json!(choices))));
    defs
}

fn freshservice_defs(store: &Store) -> Vec<Def> {
    let facts = &store.facts;
    let codes = |codes: &[(i64, String)]| {
        json!(codes.iter().map(|(id, v)| json!({"id": id, "value": v})).collect::<Vec<_>>())
    };
    let enum_choices = |field: &str| codes(&facts.codes(field).unwrap_or_default());
    let statuses: Vec<Value> = facts
        .platform
        .statuses
        .iter()
        .map(|(id, name)| json!({"id": id, "value": name, "customer_display_name": facts.customer_status_name(*id, name)}))
        .collect();
    let numbered = |values: &[String]| {
        json!(values.iter().enumerate().map(|(i, v)| json!({"id": i + 1, "value": v})).collect::<Vec<_>>())
    };
    let groups: Vec<Value> = store.groups.values().map(|g| json!({"id": g.id, "value": g.name})).collect();
    let agents: Vec<Value> = store.agents.values().map(|a| json!({"id": a.id, "value": a.name})).collect();
    let mut defs = vec![
        def("requester", "Requester", "default_requester", true, None),
        def("subject", "Subject", "default_subject", true, None),
        def("ticket_type", "Type", "default_ticket_type", true, Some(numbered(&facts.platform.ticket_types))),
        def("source", "Source", "default_source", false, Some(enum_choices("source"))),
        def("status", "Status", "default_status", true, Some(json!(statuses))),
        def("priority", "Priority", "default_priority", true, Some(enum_choices("priority"))),
        def("urgency", "Urgency", "default_urgency", false, Some(enum_choices("urgency"))),
        def("impact", "Impact", "default_impact", false, Some(enum_choices("impact"))),
        def("group", "Group", "default_group", false, Some(json!(groups))),
        def("responder", "Agent", "default_agent", false, Some(json!(agents))),
        def("department", "Department", "default_department", false, Some(json!([]))),
        def("category", "Category", "default_category", false, Some(json!([]))),
        def("description", "Description", "default_description", true, None),
    ];
    defs.extend(facts.custom_fields.iter().map(|f| custom_def(f, |choices| numbered(choices))));
    defs
}

pub async fn list(call: Call) -> ApiResult {
    let platform = call.platform();
    let allowed: &[&str] = match platform {
        SimPlatform::Freshdesk => &["type"],
        SimPlatform::Freshservice => &["workspace_id"],
    };
    let (params, mut errors) = call.params(allowed);
    if let Some(w) = params.get("workspace_id") {
        if w.trim().parse::<u64>().is_err() {
            errors.push(FieldError::not_positive("workspace_id"));
        }
    }
    check(errors)?;
    let store = call.shared.store();
    let body = match platform {
        SimPlatform::Freshdesk => {
            let wanted = params.get("type");
            let fields: Vec<Value> = freshdesk_defs(&store)
                .into_iter()
                .enumerate()
                .filter(|(_, d)| wanted.is_none_or(|w| w == d.ty))
                .map(|(i, d)| {
                    let mut field = json!({
                        "id": 1_000_000 + i as i64 + 1, "name": d.name, "label": d.label,
                        "description": format!("Ticket {}", d.label.to_lowercase()), "position": i + 1,
                        "type": d.ty, "default": d.default, "required_for_closure": d.closure,
                        "required_for_agents": d.required, "required_for_customers": d.required && d.default,
                        "label_for_customers": d.label, "customers_can_edit": true,
                        "displayed_to_customers": true, "portal_cc": false, "portal_cc_to": "company",
                        "created_at": SETUP, "updated_at": SETUP
                    });
                    if let Some(choices) = d.choices {
                        field["choices"] = choices;
                    }
                    field
                })
                .collect();
            Value::Array(fields)
        }
        SimPlatform::Freshservice => {
            let fields: Vec<Value> = freshservice_defs(&store)
                .into_iter()
                .enumerate()
                .map(|(i, d)| {
                    json!({
                        "id": 1_000_000 + i as i64 + 1, "workspace_id": null, "created_at": SETUP,
                        "updated_at": SETUP, "name": d.name, "label": d.label,
                        "description": format!("Ticket {}", d.label.to_lowercase()), "field_type": d.ty,
                        "required": d.required, "required_for_agents": d.required,
                        "required_for_closure": d.closure, "default_field": d.default,
                        "choices": d.choices.unwrap_or_else(|| json!([])), "nested_fields": [],
                        "required_for_customers": false, "displayed_to_customers": true,
                        "customers_can_edit": true, "label_for_customers": d.label,
                        "belongs_to_section": false, "position": i + 1, "sections": []
                    })
                })
                .collect();
            json!({ "ticket_fields": fields })
        }
    };
    Ok(ok(&body))
}
