//! The platform simulator, over real HTTP: each test starts a `SimHandle` on a free port and
//! talks to it with reqwest, checking the answers against the documented behaviour of the
//! Freshdesk and Freshservice APIs (shared/reference/freshdesk-freshservice-api.md, part E).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use replica_runtime::sim::{format_time, FaultSpec, SeedState, SimConfig, SimHandle, SimPlatform};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const KEY: &str = "test-key";

struct Sim {
    handle: SimHandle,
    client: reqwest::Client,
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn errors(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors in {}", self.body))
            .iter()
            .map(|e| {
                (e["field"].as_str().unwrap_or("").to_string(), e["code"].as_str().unwrap_or("").to_string())
            })
            .collect()
    }

    fn has_error(&self, field: &str, code: &str) -> bool {
        self.errors().iter().any(|(f, c)| f == field && c == code)
    }
}

/// Fails unless `object` has every key.
fn assert_has_keys(object: &Value, keys: &[&str]) {
    for key in keys {
        assert!(object.get(key).is_some(), "`{key}` missing from {object}");
    }
}

fn local() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

async fn start_with(platform: SimPlatform, configure: impl FnOnce(&mut SimConfig)) -> Sim {
    let mut config = SimConfig::new(platform, KEY);
    configure(&mut config);
    let handle = SimHandle::start(config, local()).await.expect("the simulator starts");
    Sim { handle, client: replica_runtime::connector::http_client_builder().build().expect("HTTP client") }
}

async fn start(platform: SimPlatform) -> Sim {
    start_with(platform, |_| {}).await
}

impl Sim {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let response = self.raw(method, path, body).await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Answer { status, headers, body }
    }

    /// The request as the client saw it: an error when the connection gave no answer.
    async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Result<reqwest::Response> {
        let mut request = self.client.request(method, self.url(path)).basic_auth(KEY, Some("X"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }

    /// Creates a ticket and returns it (unwrapped).
    async fn ticket(&self, body: Value) -> Value {
        let answer = self.post("/api/v2/tickets", body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        unwrap(self.handle.platform(), "ticket", answer.body)
    }

    async fn control(&self, method: Method, path: &str, body: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .request(method, self.url(path))
            .body(body.to_string())
            .send()
            .await
            .expect("control API");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

fn unwrap(platform: SimPlatform, key: &str, body: Value) -> Value {
    match platform {
        SimPlatform::Freshdesk => body,
        SimPlatform::Freshservice => {
            body.get(key).cloned().unwrap_or_else(|| panic!("no `{key}` wrapper in {body}"))
        }
    }
}

fn fd_ticket(email: &str) -> Value {
    json!({"subject": "Printer on fire", "description": "<div>It <b>smokes</b>.</div>", "email": email,
           "priority": 1, "status": 2})
}

fn fs_ticket(email: &str) -> Value {
    json!({"subject": "VPN drops", "description": "<p>Since Monday</p>", "email": email, "priority": 2, "status": 2})
}

fn seed(text: Value) -> SeedState {
    SeedState::from_json(&text.to_string()).expect("a valid seed")
}

fn custom_seed(platform: &str) -> SeedState {
    let (region, order) =
        if platform == "freshdesk" { ("cf_region", "cf_order_number") } else { ("region", "order_number") };
    seed(json!({
        "platform": platform,
        "custom_fields": [
            {"name": region, "label": "Region", "type": "dropdown", "choices": ["EMEA", "US"]},
            {"name": order, "label": "Order number", "type": "number", "required_for_closure": true}
        ],
        "custom_statuses": [{"id": 8, "name": "In Work", "customer_name": "Being worked on"}],
        "ticket_types": ["Question", "Incident", "Problem"],
        "groups": [{"id": 11, "name": "Billing", "agent_ids": [5]}],
        "agents": [{"id": 5, "name": "Ana Lima", "email": "ana@example.com"}, {"id": 6, "name": "Bo Chen", "email": "bo@example.com"}],
        "contacts": [{"id": 100, "name": "Tom Outerspace", "email": "tom@example.com"}]
    }))
}

// ------------------------------------------------------------------ transport and auth

#[tokio::test]
async fn auth_content_type_and_json_errors() {
    let sim = start(SimPlatform::Freshdesk).await;
    let none = sim.client.get(sim.url("/api/v2/tickets")).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none.headers().contains_key("x-ratelimit-total"), "rate-limit headers on a 401 too");
    let body: Value = none.json().await.unwrap();
    assert_eq!(body["code"], "invalid_credentials");
    assert_eq!(body["message"], "You have to be logged in to perform this action.");
    let wrong =
        sim.client.get(sim.url("/api/v2/tickets")).basic_auth("other", Some("X")).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let bearer = sim.client.get(sim.url("/api/v2/tickets")).bearer_auth(KEY).send().await.unwrap();
    assert_eq!(bearer.status(), StatusCode::UNAUTHORIZED);
    let any_password =
        sim.client.get(sim.url("/api/v2/tickets")).basic_auth(KEY, Some("whatever")).send().await.unwrap();
    assert_eq!(any_password.status(), StatusCode::OK);
    assert_eq!(any_password.headers()["x-freshdesk-api-version"], "latest=v2; requested=v2");

    let xml = sim
        .client
        .post(sim.url("/api/v2/tickets"))
        .basic_auth(KEY, Some("X"))
        .header("Content-Type", "application/xml")
        .body("<ticket/>")
        .send()
        .await
        .unwrap();
    assert_eq!(xml.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for bad in ["{\"subject\": ", "[1, 2]", "\"text\""] {
        let answer = sim
            .client
            .post(sim.url("/api/v2/tickets"))
            .basic_auth(KEY, Some("X"))
            .header("Content-Type", "application/json")
            .body(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{bad}");
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], "invalid_json", "{bad}: {body}");
    }
    let xml_accept = sim
        .client
        .get(sim.url("/api/v2/tickets"))
        .basic_auth(KEY, Some("X"))
        .header("Accept", "application/xml")
        .send();
    assert_eq!(xml_accept.await.unwrap().status(), StatusCode::NOT_ACCEPTABLE);

    let wrong_verb = sim.send(Method::PATCH, "/api/v2/tickets", None).await;
    assert_eq!(wrong_verb.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong_verb.header("allow").is_some_and(|a| a.contains("POST")));
    let unknown = sim.get("/api/v2/nothing_here").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.header("x-ratelimit-remaining").is_some(), "a 404 carries the rate-limit headers too");
    assert_eq!(sim.get("/api/v2/tickets/99999999999999999999999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(sim.get("/api/v2/tickets/-1").await.status, StatusCode::NOT_FOUND);

    let fs = start(SimPlatform::Freshservice).await;
    assert_eq!(
        fs.get("/api/v2/tickets").await.header("x-freshservice-api-version"),
        Some("latest=v2; requested=v2")
    );
}

// ------------------------------------------------------------------ tickets

#[tokio::test]
async fn freshdesk_create_returns_the_full_ticket_with_location() {
    let sim = start(SimPlatform::Freshdesk).await;
    let answer = sim
        .post(
            "/api/v2/tickets",
            json!({
                "subject": "Support needed", "description": "<div>Some details on the <b>issue</b></div>",
                "email": "tom@outerspace.com", "priority": 1, "status": 2, "cc_emails": ["ram@freshdesk.com"],
                "tags": ["a", "b"]
            }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let ticket = &answer.body;
    let id = ticket["id"].as_i64().unwrap();
    assert_eq!(answer.header("location"), Some(sim.url(&format!("/api/v2/tickets/{id}")).as_str()));
    assert_has_keys(
        ticket,
        &[
            "cc_emails",
            "fwd_emails",
            "reply_cc_emails",
            "fr_escalated",
            "spam",
            "email_config_id",
            "group_id",
            "priority",
            "requester_id",
            "responder_id",
            "source",
            "status",
            "subject",
            "company_id",
            "id",
            "type",
            "to_emails",
            "product_id",
            "due_by",
            "fr_due_by",
            "is_escalated",
            "description",
            "description_text",
            "custom_fields",
            "created_at",
            "updated_at",
            "tags",
            "attachments",
            "urgent",
        ],
    );
    assert_eq!(ticket["description_text"], "Some details on the issue");
    assert_eq!(ticket["source"], 2, "the default source is Portal");
    assert_eq!(ticket["reply_cc_emails"], json!(["ram@freshdesk.com"]));
    let created = ticket["created_at"].as_str().unwrap();
    assert!(created.len() == 20 && created.ends_with('Z') && !created.contains('.'), "{created}");

    // The requester was made from the email, and is reused by the next ticket.
    let requester = ticket["requester_id"].as_i64().unwrap();
    let again = sim.ticket(fd_ticket("tom@outerspace.com")).await;
    assert_eq!(again["requester_id"], requester);
    let contacts = sim.get("/api/v2/contacts?email=tom%40outerspace.com").await;
    assert_eq!(contacts.body.as_array().unwrap().len(), 1);
    assert_eq!(contacts.body[0]["id"], requester);
    assert_eq!(contacts.body[0]["name"], "tom");

    let view = sim.get(&format!("/api/v2/tickets/{id}")).await;
    assert_eq!(view.status, StatusCode::OK);
    assert_eq!(view.body, answer.body);
}

#[tokio::test]
async fn freshservice_create_is_wrapped_and_needs_status_priority_description() {
    let sim = start(SimPlatform::Freshservice).await;
    let answer = sim.post("/api/v2/tickets", fs_ticket("ada@example.com")).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let ticket = &answer.body["ticket"];
    assert_has_keys(
        ticket,
        &[
            "workspace_id",
            "urgency",
            "impact",
            "category",
            "department_id",
            "requested_for_id",
            "deleted",
            "approval_status_name",
            "resolution_notes",
            "description_text",
        ],
    );
    assert_eq!(ticket["type"], "Incident");
    assert_eq!(ticket["workspace_id"], 2);
    let missing = sim.post("/api/v2/tickets", json!({"subject": "x", "email": "ada@example.com"})).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    for field in ["status", "priority", "description"] {
        assert!(missing.has_error(field, "missing_field"), "{field}: {}", missing.body);
    }
    // Real Freshservice takes the ticket's attributes bare: a wrapped body is an unknown key.
    let wrapped = sim.post("/api/v2/tickets", json!({"ticket": fs_ticket("ada@example.com")})).await;
    assert!(wrapped.has_error("ticket", "invalid_field"), "{}", wrapped.body);
    let requesters = sim.get("/api/v2/requesters?email=ada%40example.com").await;
    assert_eq!(requesters.body["requesters"][0]["primary_email"], "ada@example.com");
    let id = ticket["id"].as_i64().unwrap();
    let view = sim.get(&format!("/api/v2/tickets/{id}?include=requester,stats,conversations")).await;
    assert_eq!(view.body["ticket"]["requester"]["email"], "ada@example.com");
    assert!(view.body["ticket"]["stats"].is_object());
    assert_eq!(view.header("x-ratelimit-used-currentrequest"), Some("4"));
}

#[tokio::test]
async fn validation_collects_every_error_in_one_body() {
    let sim = start_with(SimPlatform::Freshdesk, |c| c.seed = Some(custom_seed("freshdesk"))).await;
    let answer = sim.post("/api/v2/tickets", json!({
        "priorty": 1, "status": 9, "priority": "high", "type": "Lead", "id": 3, "created_at": "2020-01-01",
        "cc_emails": "x@example.com", "responder_id": 999, "due_by": "tomorrow",
        "custom_fields": {"cf_region": "Mars", "cf_unknown": 1, "cf_order_number": "12"}
    })).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body["description"], "Validation failed");
    let expected = [
        ("priorty", "invalid_field"),
        ("id", "invalid_field"),
        ("created_at", "invalid_field"),
        ("status", "invalid_value"),
        ("priority", "datatype_mismatch"),
        ("type", "invalid_value"),
        ("cc_emails", "datatype_mismatch"),
        ("responder_id", "invalid_value"),
        ("due_by", "invalid_value"),
        ("cf_region", "invalid_value"),
        ("cf_unknown", "invalid_field"),
        ("cf_order_number", "datatype_mismatch"),
        ("requester_id", "missing_field"),
        ("subject", "missing_field"),
        ("description", "missing_field"),
    ];
    for (field, code) in expected {
        assert!(answer.has_error(field, code), "{field}/{code} not in {}", answer.body);
    }
    assert_eq!(answer.errors().len(), expected.len(), "{}", answer.body);
    let message = |field: &str| {
        answer.body["errors"].as_array().unwrap().iter().find(|e| e["field"] == field).unwrap()["message"]
            .clone()
    };
    assert_eq!(message("status"), "It should be one of these values: '2,3,4,5,6,7,8'");
    assert_eq!(message("priorty"), "Unexpected/invalid field in request");
    assert_eq!(message("requester_id"), "Mandatory attribute missing");
    assert_eq!(message("priority"), "It should be a/an Integer");
    assert_eq!(message("cf_region"), "It should be one of these values: 'EMEA,US'");
    assert_eq!(message("type"), "It should be one of these values: 'Question,Incident,Problem'");

    // The custom status and the instance's types and choices are accepted.
    let ok = sim
        .ticket(json!({"subject": "s", "description": "d", "requester_id": 100, "status": 8,
                               "type": "Problem", "custom_fields": {"cf_region": "US"}}))
        .await;
    assert_eq!(ok["custom_fields"], json!({"cf_region": "US", "cf_order_number": null}));
    // A phone alone needs a name.
    let phone =
        sim.post("/api/v2/tickets", json!({"subject": "s", "description": "d", "phone": "555"})).await;
    assert!(phone.has_error("name", "missing_field"), "{}", phone.body);
    // Closing needs the required-for-closure custom field.
    let id = ok["id"].as_i64().unwrap();
    let close = sim.put(&format!("/api/v2/tickets/{id}"), json!({"status": 5})).await;
    assert!(close.has_error("cf_order_number", "missing_field"), "{}", close.body);
    let closed = sim
        .put(&format!("/api/v2/tickets/{id}"), json!({"status": 5, "custom_fields": {"cf_order_number": 42}}))
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);

    let fs = start_with(SimPlatform::Freshservice, |c| c.seed = Some(custom_seed("freshservice"))).await;
    let answer = fs
        .post(
            "/api/v2/tickets",
            json!({"status": 6, "priority": 9, "urgency": 4, "email": "not-an-email",
                                                    "description": "d", "custom_fields": {"region": 1}}),
        )
        .await;
    for (field, code) in [
        ("status", "invalid_value"),
        ("priority", "invalid_value"),
        ("urgency", "invalid_value"),
        ("email", "invalid_value"),
        ("region", "datatype_mismatch"),
    ] {
        assert!(answer.has_error(field, code), "{field}/{code} not in {}", answer.body);
    }
}

#[tokio::test]
async fn update_delete_restore_and_updated_at() {
    let sim = start_with(SimPlatform::Freshdesk, |c| c.seed = Some(custom_seed("freshdesk"))).await;
    let ticket = sim.ticket(fd_ticket("tom@example.com")).await;
    let id = ticket["id"].as_i64().unwrap();
    let path = format!("/api/v2/tickets/{id}");
    sim.handle.advance_clock(Duration::from_secs(120));
    let updated =
        sim.put(&path, json!({"priority": 3, "tags": ["x"], "responder_id": 6, "group_id": 11})).await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(updated.body["priority"], 3);
    assert_eq!(updated.body["subject"], ticket["subject"], "a partial update keeps the rest");
    assert_ne!(updated.body["updated_at"], ticket["updated_at"]);
    let replaced = sim.put(&path, json!({"tags": ["y", "z"]})).await;
    assert_eq!(replaced.body["tags"], json!(["y", "z"]), "tags are replaced, not merged");
    sim.handle.advance_clock(Duration::from_secs(120));
    let same = sim.put(&path, json!({"priority": 3})).await;
    assert_eq!(same.body["updated_at"], replaced.body["updated_at"], "no change, no new updated_at");
    let by_email = sim.put(&path, json!({"email": "someone.else@example.com"})).await;
    assert_ne!(by_email.body["requester_id"], ticket["requester_id"]);

    assert_eq!(sim.delete(&path).await.status, StatusCode::NO_CONTENT);
    let gone = sim.get(&path).await;
    assert_eq!(gone.body["deleted"], true);
    assert_eq!(sim.put(&path, json!({"priority": 2})).await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(sim.delete(&path).await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        sim.post(&format!("{path}/notes"), json!({"body": "x"})).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert!(sim.get("/api/v2/tickets").await.body.as_array().unwrap().is_empty());
    assert_eq!(sim.get("/api/v2/tickets?filter=deleted").await.body[0]["id"], id);
    assert_eq!(sim.put(&format!("{path}/restore"), json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(sim.get("/api/v2/tickets").await.body[0]["id"], id);
    assert_eq!(sim.get("/api/v2/tickets/424242").await.status, StatusCode::NOT_FOUND);
    assert_eq!(sim.put("/api/v2/tickets/424242", json!({"priority": 1})).await.status, StatusCode::NOT_FOUND);
}

// ------------------------------------------------------------------ lists and paging

#[tokio::test]
async fn list_window_order_paging_and_link() {
    let sim = start(SimPlatform::Freshdesk).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let ticket = sim.ticket(fd_ticket(&format!("user{i}@example.com"))).await;
        ids.push(ticket["id"].as_i64().unwrap());
        sim.handle.advance_clock(Duration::from_secs(10));
    }
    let list = sim.get("/api/v2/tickets?per_page=2").await;
    let got: Vec<i64> = list.body.as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(got, [ids[4], ids[3]], "newest first by default");
    assert!(list.body[0].get("description").is_none(), "no description without include=description");
    let link = list.header("link").expect("a Link to page 2");
    assert_eq!(link, format!("<{}>; rel=\"next\"", sim.url("/api/v2/tickets?per_page=2&page=2")));
    let last = sim.get("/api/v2/tickets?per_page=2&page=3").await;
    assert_eq!(last.body.as_array().unwrap().len(), 1);
    assert!(last.header("link").is_none(), "no Link on the last page");
    let asc = sim.get("/api/v2/tickets?order_type=asc&include=description").await;
    assert_eq!(asc.body[0]["id"], ids[0]);
    assert!(asc.body[0]["description_text"].is_string());
    assert_eq!(asc.header("x-ratelimit-used-currentrequest"), Some("3"), "an include costs 2 on a list");

    sim.put(&format!("/api/v2/tickets/{}", ids[1]), json!({"priority": 4})).await;
    let by_update = sim.get("/api/v2/tickets?order_by=updated_at&order_type=desc").await;
    assert_eq!(by_update.body[0]["id"], ids[1]);

    for bad in [
        "per_page=101",
        "per_page=0",
        "per_page=abc",
        "page=0",
        "page=-3",
        "order_by=subject",
        "order_type=up",
        "updated_since=yesterday",
        "include=conversations",
        "filter=open",
    ] {
        let answer = sim.get(&format!("/api/v2/tickets?{bad}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(answer.errors().iter().all(|(_, code)| code == "invalid_value"), "{bad}: {}", answer.body);
    }
    let unknown = sim.get("/api/v2/tickets?created_since=2020-01-01").await;
    assert!(unknown.has_error("created_since", "invalid_field"), "{}", unknown.body);

    // The 30-day window, and updated_since to see past it.
    sim.handle.advance_clock(Duration::from_secs(31 * 86_400));
    assert!(sim.get("/api/v2/tickets").await.body.as_array().unwrap().is_empty());
    let since = sim.get("/api/v2/tickets?updated_since=2000-01-01").await;
    assert_eq!(since.body.as_array().unwrap().len(), 5);
    let fresh = sim.ticket(fd_ticket("late@example.com")).await;
    let window = sim.get("/api/v2/tickets").await;
    assert_eq!(window.body.as_array().unwrap().len(), 1);
    assert_eq!(window.body[0]["id"], fresh["id"]);

    // Freshservice has no order_by, only creation order.
    let fs = start(SimPlatform::Freshservice).await;
    fs.ticket(fs_ticket("a@example.com")).await;
    let order_by = fs.get("/api/v2/tickets?order_by=updated_at").await;
    assert!(order_by.has_error("order_by", "invalid_field"), "{}", order_by.body);
    let listed = fs.get("/api/v2/tickets?order_type=asc&include=requester").await;
    assert_eq!(listed.body["tickets"][0]["requester"]["email"], "a@example.com");
    assert_eq!(fs.get("/api/v2/tickets?workspace_id=3").await.body["tickets"], json!([]));
    assert_eq!(fs.get("/api/v2/tickets?workspace_id=0").await.body["tickets"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn freshdesk_list_stops_after_page_300() {
    let base = replica_runtime::sim::parse_time("2026-01-01T00:00:00Z").unwrap();
    let tickets: Vec<Value> = (1..=30_001i64)
        .map(|id| {
            json!({"id": id, "subject": format!("t{id}"), "created_at": format_time(base),
                         "updated_at": format_time(base + id)})
        })
        .collect();
    let seed = seed(json!({"platform": "freshdesk", "tickets": tickets}));
    let sim = start_with(SimPlatform::Freshdesk, |c| c.seed = Some(seed)).await;
    let query =
        "/api/v2/tickets?updated_since=2025-12-31T00:00:00Z&order_by=updated_at&order_type=asc&per_page=100";
    let p299 = sim.get(&format!("{query}&page=299")).await;
    assert!(p299.header("link").is_some_and(|l| l.contains("page=300")));
    let p300 = sim.get(&format!("{query}&page=300")).await;
    assert_eq!(p300.status, StatusCode::OK);
    assert_eq!(p300.body.as_array().unwrap().len(), 100);
    assert!(p300.header("link").is_none(), "page 300 is the last one served, although one ticket is left");
    let p301 = sim.get(&format!("{query}&page=301")).await;
    assert_eq!(p301.status, StatusCode::BAD_REQUEST);
    assert!(p301.has_error("page", "invalid_value"));
    // The documented way on: restart from the last updated_at seen.
    let last = p300.body[99]["updated_at"].as_str().unwrap().to_string();
    let rest = sim
        .get(&format!("/api/v2/tickets?updated_since={last}&order_by=updated_at&order_type=asc&per_page=100"))
        .await;
    let ids: Vec<&Value> = rest.body.as_array().unwrap().iter().map(|t| &t["id"]).collect();
    assert_eq!(ids, [30_000, 30_001], "the restart overlaps by the last ticket seen");
}

// ------------------------------------------------------------------ search

#[tokio::test]
async fn freshdesk_search_uses_the_query_language() {
    let sim = start_with(SimPlatform::Freshdesk, |c| c.seed = Some(custom_seed("freshdesk"))).await;
    for i in 0..40 {
        let priority = if i % 2 == 0 { 4 } else { 1 };
        let region = if i < 5 { "EMEA" } else { "US" };
        sim.ticket(
            json!({"subject": format!("t{i}"), "description": "d", "requester_id": 100, "priority": priority,
                          "tags": if i == 0 { json!(["vip"]) } else { json!([]) },
                          "custom_fields": {"cf_region": region}}),
        )
        .await;
    }
    let search = |q: &str, page: u32| {
        let q = q.to_string();
        let sim = &sim;
        async move {
            let url = format!("/api/v2/search/tickets?query={}&page={page}", urlencode(&q));
            sim.get(&url).await
        }
    };
    let urgent = search("\"priority:4 AND status:2\"", 1).await;
    assert_eq!(urgent.status, StatusCode::OK, "{}", urgent.body);
    assert_eq!(urgent.body["total"], 20);
    assert_eq!(urgent.body["results"].as_array().unwrap().len(), 20);
    let all = search("\"priority:>1 OR priority:1\"", 1).await;
    assert_eq!(all.body["total"], 40);
    assert_eq!(all.body["results"].as_array().unwrap().len(), 30, "30 per page");
    assert_eq!(
        search("\"priority:>1 OR priority:1\"", 2).await.body["results"].as_array().unwrap().len(),
        10
    );
    assert_eq!(search("\"cf_region:'emea' AND tag:'vip'\"", 1).await.body["total"], 1);
    assert_eq!(search("\"status:8\"", 1).await.body["total"], 0, "custom statuses are searchable");
    assert_eq!(search("\"agent_id:null\"", 1).await.body["total"], 40);

    let page11 = search("\"priority:4\"", 11).await;
    assert_eq!(page11.status, StatusCode::BAD_REQUEST);
    assert!(page11.has_error("page", "invalid_value"));
    for bad in [
        "\"priorty:4\"",
        "\"priority:4 and status:2\"",
        "\"priority:'4'\"",
        "\"status:9\"",
        "priority:4",
        "'priority:4'",
        "\"subject:'x'\"",
    ] {
        let answer = search(bad, 1).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}: {}", answer.body);
        assert!(answer.has_error("query", "invalid_value"), "{bad}: {}", answer.body);
    }
    let long = format!("\"{}\"", vec!["priority:4"; 60].join(" OR "));
    assert_eq!(search(&long, 1).await.status, StatusCode::BAD_REQUEST, "over 512 characters");
    assert!(sim.get("/api/v2/search/tickets").await.has_error("query", "missing_field"));
}

#[tokio::test]
async fn freshservice_filter_is_wrapped_and_knows_email() {
    let sim = start_with(SimPlatform::Freshservice, |c| c.seed = Some(custom_seed("freshservice"))).await;
    sim.ticket(json!({"description": "d", "email": "ada@example.com", "status": 2, "priority": 3,
                      "custom_fields": {"region": "EMEA"}}))
        .await;
    sim.ticket(fs_ticket("bob@example.com")).await;
    let url = format!(
        "/api/v2/tickets/filter?query={}",
        urlencode("\"email:'ada@example.com' AND region:'EMEA'\"")
    );
    let answer = sim.get(&url).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["total"], 1);
    assert_eq!(answer.body["tickets"].as_array().unwrap().len(), 1);
    let created = format!("/api/v2/tickets/filter?query={}", urlencode("\"created_at:>'2000-01-01'\""));
    assert_eq!(sim.get(&created).await.body["total"], 2);
    let bad = format!("/api/v2/tickets/filter?query={}", urlencode("\"impact:7\""));
    assert!(sim.get(&bad).await.has_error("query", "invalid_value"));
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ------------------------------------------------------------------ conversations

#[tokio::test]
async fn conversations_notes_replies_and_updated_at() {
    let sim = start_with(SimPlatform::Freshdesk, |c| c.seed = Some(custom_seed("freshdesk"))).await;
    let ticket = sim.ticket(json!({"subject": "s", "description": "d", "requester_id": 100})).await;
    let id = ticket["id"].as_i64().unwrap();
    let mut last_updated = ticket["updated_at"].clone();
    let mut moved = |answer_updated: Value| {
        assert_ne!(answer_updated, last_updated, "updated_at moves on every conversation change");
        last_updated = answer_updated;
    };
    sim.handle.advance_clock(Duration::from_secs(5));
    let note = sim
        .post(&format!("/api/v2/tickets/{id}/notes"), json!({"body": "<p>Internal <i>only</i></p>"}))
        .await;
    assert_eq!(note.status, StatusCode::CREATED);
    assert!(note.header("location").is_some());
    assert_eq!(note.body["private"], true, "notes are private by default");
    assert_eq!(note.body["source"], 2);
    assert_eq!(note.body["body_text"], "Internal only");
    assert_eq!(note.body["user_id"], 5, "the API key's agent");
    moved(sim.get(&format!("/api/v2/tickets/{id}")).await.body["updated_at"].clone());

    sim.handle.advance_clock(Duration::from_secs(5));
    let reply = sim
        .post(
            &format!("/api/v2/tickets/{id}/reply"),
            json!({"body": "We are on it", "cc_emails": ["c@example.com"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["source"], 0);
    assert_eq!(reply.body["replied_to"], json!(["tom@example.com", "c@example.com"]));
    moved(sim.get(&format!("/api/v2/tickets/{id}")).await.body["updated_at"].clone());
    let stats = sim.get(&format!("/api/v2/tickets/{id}?include=stats")).await;
    assert!(stats.body["stats"]["first_responded_at"].is_string());

    let bad = sim
        .post(
            &format!("/api/v2/tickets/{id}/notes"),
            json!({"private": "yes", "user_id": 424242, "color": 1}),
        )
        .await;
    for (field, code) in [
        ("body", "missing_field"),
        ("private", "datatype_mismatch"),
        ("user_id", "invalid_value"),
        ("color", "invalid_field"),
    ] {
        assert!(bad.has_error(field, code), "{field}/{code}: {}", bad.body);
    }
    for i in 0..11 {
        sim.post(
            &format!("/api/v2/tickets/{id}/notes"),
            json!({"body": format!("n{i}"), "private": false, "incoming": true}),
        )
        .await;
    }
    let page = sim.get(&format!("/api/v2/tickets/{id}/conversations?per_page=5")).await;
    assert_eq!(page.body.as_array().unwrap().len(), 5);
    assert_eq!(page.body[0]["id"], note.body["id"], "oldest first");
    assert!(page.header("link").is_some());
    let embedded = sim.get(&format!("/api/v2/tickets/{id}?include=conversations")).await;
    assert_eq!(embedded.body["conversations"].as_array().unwrap().len(), 10, "at most 10 embedded");

    sim.handle.advance_clock(Duration::from_secs(5));
    let note_id = note.body["id"].as_i64().unwrap();
    let edited = sim.put(&format!("/api/v2/conversations/{note_id}"), json!({"body": "<p>Edited</p>"})).await;
    assert_eq!(edited.status, StatusCode::OK);
    assert_eq!(edited.body["body_text"], "Edited");
    assert!(edited.body["last_edited_at"].is_string());
    moved(sim.get(&format!("/api/v2/tickets/{id}")).await.body["updated_at"].clone());
    let reply_id = reply.body["id"].as_i64().unwrap();
    let edit_reply = sim.put(&format!("/api/v2/conversations/{reply_id}"), json!({"body": "x"})).await;
    assert_eq!(edit_reply.status, StatusCode::METHOD_NOT_ALLOWED);
    sim.handle.advance_clock(Duration::from_secs(5));
    assert_eq!(sim.delete(&format!("/api/v2/conversations/{note_id}")).await.status, StatusCode::NO_CONTENT);
    moved(sim.get(&format!("/api/v2/tickets/{id}")).await.body["updated_at"].clone());
    assert_eq!(sim.delete(&format!("/api/v2/conversations/{note_id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(sim.get("/api/v2/tickets/424242/conversations").await.status, StatusCode::NOT_FOUND);

    let fs = start(SimPlatform::Freshservice).await;
    let t = fs.ticket(fs_ticket("a@example.com")).await;
    let fid = t["id"].as_i64().unwrap();
    let note = fs.post(&format!("/api/v2/tickets/{fid}/notes"), json!({"body": "n"})).await;
    assert_eq!(note.body["conversation"]["private"], true);
    let list = fs.get(&format!("/api/v2/tickets/{fid}/conversations")).await;
    assert_eq!(list.body["conversations"].as_array().unwrap().len(), 1);
}

// ------------------------------------------------------------------ fields and users

#[tokio::test]
async fn ticket_fields_carry_what_a_schema_lock_needs() {
    let sim = start_with(SimPlatform::Freshdesk, |c| c.seed = Some(custom_seed("freshdesk"))).await;
    let fields = sim.get("/api/v2/ticket_fields").await.body;
    let by_type = |ty: &str| fields.as_array().unwrap().iter().find(|f| f["type"] == ty).unwrap().clone();
    let status = by_type("default_status");
    assert_eq!(status["choices"]["2"], json!(["Open", "Being Processed"]));
    assert_eq!(status["choices"]["8"], json!(["In Work", "Being worked on"]));
    assert_eq!(by_type("default_priority")["choices"]["Urgent"], 4);
    assert_eq!(by_type("default_source")["choices"]["Email"], 1);
    assert_eq!(by_type("default_ticket_type")["choices"], json!(["Question", "Incident", "Problem"]));
    assert_eq!(by_type("default_group")["choices"], json!({"Billing": 11}));
    assert_eq!(by_type("default_agent")["choices"], json!({"Ana Lima": 5, "Bo Chen": 6}));
    let region = by_type("custom_dropdown");
    assert_eq!((region["name"].clone(), region["label"].clone()), (json!("cf_region"), json!("Region")));
    assert_eq!(region["choices"], json!(["EMEA", "US"]));
    let number = by_type("custom_number");
    assert_eq!(number["required_for_closure"], true);
    for field in fields.as_array().unwrap() {
        assert_has_keys(
            field,
            &[
                "id",
                "name",
                "label",
                "position",
                "type",
                "default",
                "required_for_closure",
                "required_for_agents",
                "created_at",
                "updated_at",
            ],
        );
    }
    let only = sim.get("/api/v2/ticket_fields?type=default_status").await.body;
    assert_eq!(only.as_array().unwrap().len(), 1);

    let fs = start_with(SimPlatform::Freshservice, |c| c.seed = Some(custom_seed("freshservice"))).await;
    let body = fs.get("/api/v2/ticket_form_fields").await.body;
    let fields = body["ticket_fields"].as_array().unwrap();
    let find = |ty: &str| fields.iter().find(|f| f["field_type"] == ty).unwrap().clone();
    assert!(find("default_status")["choices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == 8 && c["value"] == "In Work"));
    assert_eq!(
        find("custom_dropdown")["choices"],
        json!([{"id": 1, "value": "EMEA"}, {"id": 2, "value": "US"}])
    );
    assert_eq!(find("default_group")["choices"], json!([{"id": 11, "value": "Billing"}]));
    assert!(find("default_ticket_type")["choices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["value"] == "Problem"));
    assert_eq!(find("custom_number")["default_field"], false);
}

#[tokio::test]
async fn contacts_requesters_agents_and_groups() {
    let sim = start_with(SimPlatform::Freshdesk, |c| c.seed = Some(custom_seed("freshdesk"))).await;
    assert_eq!(sim.get("/api/v2/contacts/100").await.body["email"], "tom@example.com");
    assert_eq!(sim.get("/api/v2/contacts/424242").await.status, StatusCode::NOT_FOUND);
    let made = sim.post("/api/v2/contacts", json!({"name": "New Person", "email": "new@example.com"})).await;
    assert_eq!(made.status, StatusCode::CREATED);
    assert!(made.header("location").is_some());
    let dup = sim.post("/api/v2/contacts", json!({"name": "Again", "email": "new@example.com"})).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert!(dup.has_error("email", "duplicate_value"));
    let invalid = sim.post("/api/v2/contacts", json!({"nickname": "x"})).await;
    for (field, code) in
        [("name", "missing_field"), ("email", "missing_field"), ("nickname", "invalid_field")]
    {
        assert!(invalid.has_error(field, code), "{}", invalid.body);
    }
    let agents = sim.get("/api/v2/agents?email=bo%40example.com").await;
    assert_eq!(agents.body.as_array().unwrap().len(), 1);
    assert_eq!(agents.body[0]["contact"]["name"], "Bo Chen");
    assert_eq!(sim.get("/api/v2/agents/5").await.body["group_ids"], json!([11]));
    assert_eq!(sim.get("/api/v2/agents/me").await.body["id"], 5);
    assert_eq!(sim.get("/api/v2/groups").await.body[0]["name"], "Billing");
    assert_eq!(sim.get("/api/v2/groups/11").await.body["agent_ids"], json!([5]));

    let fs = start_with(SimPlatform::Freshservice, |c| c.seed = Some(custom_seed("freshservice"))).await;
    assert_eq!(fs.get("/api/v2/requesters/100").await.body["requester"]["first_name"], "Tom");
    let made =
        fs.post("/api/v2/requesters", json!({"first_name": "Ada", "primary_email": "ada@example.com"})).await;
    assert_eq!(made.status, StatusCode::CREATED);
    assert_eq!(made.body["requester"]["primary_email"], "ada@example.com");
    assert_eq!(fs.get("/api/v2/agents").await.body["agents"].as_array().unwrap().len(), 2);
    assert_eq!(fs.get("/api/v2/agents/6").await.body["agent"]["last_name"], "Chen");
    assert_eq!(fs.get("/api/v2/groups").await.body["groups"][0]["members"], json!([5]));
    assert_eq!(fs.get("/api/v2/contacts").await.status, StatusCode::NOT_FOUND, "Freshservice has requesters");
}

// ------------------------------------------------------------------ rate limit

#[tokio::test]
async fn rate_limit_headers_429_and_retry_after() {
    let sim = start_with(SimPlatform::Freshdesk, |c| c.rate_limit_per_min = Some(5)).await;
    // Start at a fresh minute far from its end, so the five calls share one window.
    let now = sim.handle.now();
    let second: u64 = now[17..19].parse().unwrap();
    sim.handle.advance_clock(Duration::from_secs(60 - second));
    let first = sim.get("/api/v2/tickets").await;
    assert_eq!(first.header("x-ratelimit-total"), Some("5"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("4"));
    assert_eq!(first.header("x-ratelimit-used-currentrequest"), Some("1"));
    let with_include = sim.get("/api/v2/tickets?include=requester").await;
    assert_eq!(with_include.header("x-ratelimit-used-currentrequest"), Some("3"));
    assert_eq!(with_include.header("x-ratelimit-remaining"), Some("1"));
    let unauthorized = sim.client.get(sim.url("/api/v2/tickets")).send().await.unwrap();
    assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED, "a 401 is charged too");
    let limited = sim.get("/api/v2/tickets").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = limited.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    assert!(limited.body["message"].is_string());
    let (status, _) = sim.control(Method::GET, "/_sim/stats", "").await;
    assert_eq!(status, StatusCode::OK, "the control API is never limited");
    sim.handle.advance_clock(Duration::from_secs(60));
    assert_eq!(sim.get("/api/v2/tickets").await.status, StatusCode::OK, "a new minute, a new budget");
    let stats = sim.handle.stats();
    assert_eq!(stats.rate_limited, 1);
    assert_eq!(stats.status("429"), 1);
    assert_eq!(stats.route("GET /api/v2/tickets"), 5);
    assert_eq!(stats.credits, 1 + 3 + 1 + 1);

    let unlimited = start(SimPlatform::Freshservice).await;
    let answer = unlimited.get("/api/v2/tickets").await;
    assert_eq!(answer.header("x-ratelimit-total"), Some("1000000"));
}

// ------------------------------------------------------------------ faults

#[tokio::test]
async fn latency_is_added() {
    let sim = start_with(SimPlatform::Freshdesk, |c| c.faults = "latency=150ms".parse().unwrap()).await;
    let started = Instant::now();
    assert_eq!(sim.get("/api/v2/tickets").await.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(150), "{:?}", started.elapsed());
    let started = Instant::now();
    sim.control(Method::GET, "/_sim/state", "").await;
    assert_eq!(sim.handle.stats().faults.delayed, 1, "no latency on the control API");
    let _ = started;
}

#[tokio::test]
async fn resets_errors_and_drops_after_commit() {
    let sim = start_with(SimPlatform::Freshdesk, |c| c.faults = "reset_rate=1".parse().unwrap()).await;
    let reset = sim.raw(Method::POST, "/api/v2/tickets", Some(fd_ticket("a@example.com"))).await;
    let error = reset.expect_err("a reset connection gives the client no answer");
    assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
    assert!(sim.handle.state().tickets.is_empty(), "a reset request is not processed");
    assert_eq!(sim.handle.stats().faults.resets, 1);

    sim.handle.set_faults("error_rate=1,seed=3".parse().unwrap());
    for _ in 0..6 {
        let answer = sim.raw(Method::GET, "/api/v2/tickets", None).await.unwrap();
        assert!([500, 502, 503].contains(&answer.status().as_u16()), "{}", answer.status());
    }

    sim.handle.set_faults("drop_after_commit=1".parse().unwrap());
    let listed = sim.get("/api/v2/tickets").await;
    assert_eq!(listed.status, StatusCode::OK, "only writes are dropped");
    let dropped = sim.raw(Method::POST, "/api/v2/tickets", Some(fd_ticket("a@example.com"))).await;
    assert!(dropped.is_err(), "no answer");
    let state = sim.handle.state();
    assert_eq!(state.tickets.len(), 1, "but the ticket was stored");
    let id = state.tickets[0]["id"].as_i64().unwrap();
    let note =
        sim.raw(Method::POST, &format!("/api/v2/tickets/{id}/notes"), Some(json!({"body": "n"}))).await;
    assert!(note.is_err());
    assert_eq!(sim.handle.state().conversations.len(), 1, "the note was stored");
    assert_eq!(sim.handle.stats().faults.dropped_after_commit, 2);
    let invalid = sim.post("/api/v2/tickets", json!({})).await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST, "a failed write is answered: nothing was committed");

    // The control API sets faults too, and refuses bad specs with the reason.
    let (status, body) = sim.control(Method::PUT, "/_sim/faults", "latency=5ms,error_rate=0.5,seed=9").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["faults"], "latency=5000us,error_rate=0.5,reset_rate=0,drop_after_commit=0,seed=9");
    let (status, body) = sim.control(Method::PUT, "/_sim/faults", "error_rate=lots").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("`error_rate` must be a number from 0 to 1"),
        "{body}"
    );
    let (status, _) = sim.control(Method::GET, "/_sim/state", "").await;
    assert_eq!(status, StatusCode::OK, "no faults on the control API");
}

#[tokio::test]
async fn faults_are_the_same_under_the_same_seed() {
    let spec: FaultSpec = "error_rate=0.4,seed=42".parse().unwrap();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let sim = start_with(SimPlatform::Freshservice, |c| c.faults = spec.clone()).await;
        let mut statuses = Vec::new();
        for _ in 0..30 {
            let answer = sim.raw(Method::GET, "/api/v2/tickets", None).await.unwrap();
            statuses.push(answer.status().as_u16());
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&200) && runs[0].iter().any(|s| *s >= 500), "{:?}", runs[0]);
}

// ------------------------------------------------------------------ seed, state, control API

#[tokio::test]
async fn seed_load_state_save_round_trip() {
    let mut initial = custom_seed("freshdesk");
    initial.tickets = seed(json!({"tickets": [
        {"id": 7, "subject": "Old", "description": "<p>from 2020</p>", "requester_id": 100, "status": 8,
         "created_at": "2020-03-01T10:00:00Z", "updated_at": "2020-03-02T10:00:00Z", "tags": ["legacy"]},
        {"id": 9, "subject": "Gone", "requester_id": 100, "deleted": true}
    ]}))
    .tickets;
    initial.conversations =
        seed(json!({"conversations": [{"id": 3, "ticket_id": 7, "body": "<p>old note</p>"}]})).conversations;
    let path = std::env::temp_dir().join(format!("replica-sim-state-{}.json", std::process::id()));
    let config_seed = initial.clone();
    let save = path.clone();
    let sim = start_with(SimPlatform::Freshdesk, move |c| {
        c.seed = Some(config_seed);
        c.save_path = Some(save);
    })
    .await;
    let old = sim.get("/api/v2/tickets/7?include=conversations").await;
    assert_eq!(old.body["created_at"], "2020-03-01T10:00:00Z");
    assert_eq!(old.body["description_text"], "from 2020");
    assert_eq!(old.body["conversations"][0]["body_text"], "old note");
    assert_eq!(sim.get("/api/v2/tickets/9").await.body["deleted"], true);
    let next = sim.ticket(fd_ticket("x@example.com")).await;
    assert_eq!(next["id"], 10, "ids continue after the seed's");

    let state = sim.handle.state();
    let (status, over_http) = sim.control(Method::GET, "/_sim/state", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(over_http, serde_json::to_value(&state).unwrap());
    let (status, saved) = sim.control(Method::POST, "/_sim/save", "").await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let from_file = SeedState::read(&path).unwrap();
    assert_eq!(from_file, state);
    let _ = std::fs::remove_file(&path);

    // A saved state is a seed: a second simulator started from it has the same state.
    let again = start_with(SimPlatform::Freshdesk, |c| c.seed = Some(from_file)).await;
    assert_eq!(again.handle.state(), state);
    assert_eq!(again.get("/api/v2/tickets/10").await.body, sim.get("/api/v2/tickets/10").await.body);

    // PUT /_sim/state replaces it; a seed for the other platform is refused.
    let (status, _) = again.control(Method::PUT, "/_sim/state", "{\"platform\": \"freshdesk\"}").await;
    assert_eq!(status, StatusCode::OK);
    assert!(again.handle.state().tickets.is_empty());
    let (status, body) = again.control(Method::PUT, "/_sim/state", "{\"platform\": \"freshservice\"}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let bad = seed(json!({"custom_fields": [{"name": "region", "type": "dropdown"}]}));
    let error = SimHandle::start(
        SimConfig { seed: Some(bad), ..SimConfig::new(SimPlatform::Freshdesk, KEY) },
        local(),
    )
    .await
    .err()
    .expect("a Freshdesk custom field without cf_ is refused");
    assert!(error.to_string().contains("start with `cf_`"), "{error}");
    assert!(SeedState::from_json("{\"tickets\": 3}").is_err());
}

#[tokio::test]
async fn the_clock_and_stats_over_the_control_api() {
    let sim = start(SimPlatform::Freshdesk).await;
    let (_, before) = sim.control(Method::GET, "/_sim/clock", "").await;
    let (status, after) = sim.control(Method::POST, "/_sim/clock/advance", "{\"seconds\": 86400}").await;
    assert_eq!(status, StatusCode::OK);
    assert!(after["offset_seconds"].as_i64().unwrap() >= before["offset_seconds"].as_i64().unwrap() + 86_400);
    let (status, _) = sim.control(Method::POST, "/_sim/clock/advance", "{\"seconds\": -5}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    sim.get("/api/v2/tickets").await;
    sim.get("/api/v2/tickets/1").await;
    let (_, stats) = sim.control(Method::GET, "/_sim/stats", "").await;
    assert_eq!(stats["requests"], 2);
    assert_eq!(stats["by_route"]["GET /api/v2/tickets/{id}"]["by_status"]["404"], 1);
    let (_, index) = sim.control(Method::GET, "/_sim", "").await;
    assert_eq!(index["platform"], "freshdesk");
    sim.control(Method::DELETE, "/_sim/stats", "").await;
    assert_eq!(sim.handle.stats().requests, 0);
    let (status, _) = sim.control(Method::POST, "/_sim/save", "").await;
    assert_eq!(status, StatusCode::CONFLICT, "no save path configured");
    let far = format!("{{\"seconds\": {}}}", i64::MAX);
    let (status, _) = sim.control(Method::POST, "/_sim/clock/advance", &far).await;
    assert_eq!(status, StatusCode::OK, "the clock stops at a thousand years");
    assert_eq!(sim.get("/api/v2/tickets?order_by=due_by").await.status, StatusCode::OK);
    sim.handle.advance_clock(Duration::from_secs(u64::MAX));
    assert_eq!(sim.post("/api/v2/tickets", fd_ticket("far@example.com")).await.status, StatusCode::CREATED);
    let url = sim.url("/api/v2/tickets");
    sim.handle.shutdown().await;
    let client = replica_runtime::connector::http_client_builder().build().expect("HTTP client");
    let after = client.get(&url).basic_auth(KEY, Some("X")).send().await;
    assert!(after.is_err(), "nothing listens after shutdown");
}

/// Concurrent clients get distinct ids and lose nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_and_notes() {
    let sim = std::sync::Arc::new(start(SimPlatform::Freshservice).await);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40 {
        let sim = sim.clone();
        tasks.spawn(async move {
            let ticket = sim.ticket(fs_ticket(&format!("u{}@example.com", i % 7))).await;
            let id = ticket["id"].as_i64().unwrap();
            let note = sim.post(&format!("/api/v2/tickets/{id}/notes"), json!({"body": "n"})).await;
            assert_eq!(note.status, StatusCode::CREATED);
            id
        });
    }
    let mut ids = Vec::new();
    while let Some(id) = tasks.join_next().await {
        ids.push(id.expect("the task ran"));
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    let state = sim.handle.state();
    assert_eq!((state.tickets.len(), state.conversations.len()), (40, 40));
    assert_eq!(state.contacts.len(), 7, "one requester per distinct email");
}

// ------------------------------------------------------------------ robustness

/// Random and malformed requests never get a 5xx (no faults are configured) and never bring
/// the server down.
#[tokio::test]
async fn malformed_input_never_gets_a_server_error() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for platform in [SimPlatform::Freshdesk, SimPlatform::Freshservice] {
        let sim = start_with(platform, |c| {
            c.seed = Some(custom_seed(platform.name()));
            c.max_body_bytes = 64 * 1024;
        })
        .await;
        sim.ticket(if platform == SimPlatform::Freshdesk {
            fd_ticket("a@example.com")
        } else {
            fs_ticket("a@example.com")
        })
        .await;
        let paths = [
            "/api/v2/tickets",
            "/api/v2/tickets/1",
            "/api/v2/tickets/1/notes",
            "/api/v2/tickets/1/reply",
            "/api/v2/tickets/1/conversations",
            "/api/v2/tickets/1/restore",
            "/api/v2/conversations/1",
            "/api/v2/search/tickets",
            "/api/v2/tickets/filter",
            "/api/v2/contacts",
            "/api/v2/requesters",
            "/api/v2/agents/5",
            "/api/v2/groups",
            "/api/v2/ticket_fields",
            "/api/v2/ticket_form_fields",
            "/api/v2/tickets/18446744073709551616",
            "/api/v2/tickets/%FF%FE",
            "/api/v2/tickets/1/%00",
        ];
        let queries = [
            "",
            "?page=99999999999999999999999",
            "?per_page=-1",
            "?include=%FF",
            "?query=%22",
            "?query=\"(((\"",
            "?updated_since=9999-99-99",
            "?query=\"priority:>>4\"",
            "?requester_id=abc&email=%40",
            "?filter=&page=",
            "?a=1&a=2&a=3",
            "?query=\"cf_region:'x' OR\"",
            "?query=\"custom_string:x\"",
            "?workspace_id=-1",
        ];
        let bodies: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"{".to_vec(),
            b"null".to_vec(),
            b"{\"status\": null}".to_vec(),
            vec![0xff, 0xfe, 0x00],
            b"{\"custom_fields\": [1]}".to_vec(),
            b"{\"tags\": [1, {}], \"cc_emails\": [null]}".to_vec(),
            b"{\"requester_id\": 1e300, \"priority\": 1.5, \"status\": -9223372036854775808}".to_vec(),
            b"{\"body\": {\"nested\": [[[[[]]]]]}}".to_vec(),
            format!("{{\"subject\": \"{}\"}}", "x".repeat(70_000)).into_bytes(),
            "{\"description\": \"<script>alert(1)</script>\u{1F600}\", \"email\": \"a@b.c\"}"
                .as_bytes()
                .to_vec(),
        ];
        let methods = [Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH];
        for _ in 0..400 {
            let path = paths[rng.random_range(0..paths.len())];
            let query = queries[rng.random_range(0..queries.len())];
            let method = methods[rng.random_range(0..methods.len())].clone();
            let mut body = bodies[rng.random_range(0..bodies.len())].clone();
            if rng.random_bool(0.3) {
                let cut = rng.random_range(0..=body.len());
                body.truncate(cut);
            }
            let content_type =
                ["application/json", "text/plain", "application/json; charset=utf-8", "\u{7f}"]
                    [rng.random_range(0..4)];
            let mut request =
                sim.client.request(method.clone(), sim.url(&format!("{path}{query}"))).body(body);
            if rng.random_bool(0.9) {
                request = request.basic_auth(KEY, Some("X"));
            }
            if let Ok(value) = reqwest::header::HeaderValue::from_str(content_type) {
                request = request.header("Content-Type", value);
            }
            let response = request.send().await.expect("the server answers");
            assert!(response.status().as_u16() < 500, "{method} {path}{query}: {}", response.status());
        }
        assert_eq!(sim.get("/api/v2/tickets/1").await.status, StatusCode::OK, "still serving");
        assert_eq!(sim.handle.stats().by_status.keys().filter(|s| s.starts_with('5')).count(), 0);
    }
}

#[tokio::test]
async fn ids_above_32_bits() {
    let big = seed(
        json!({"next_ids": {"ticket": 67_042_965_499i64, "user": 35_010_088_657i64, "conversation": 5_000_000_000i64}}),
    );
    let sim = start_with(SimPlatform::Freshdesk, |c| c.seed = Some(big)).await;
    let ticket = sim.ticket(fd_ticket("big@example.com")).await;
    assert_eq!(ticket["id"], 67_042_965_499i64);
    assert_eq!(ticket["requester_id"], 35_010_088_657i64);
    let note = sim.post("/api/v2/tickets/67042965499/notes", json!({"body": "n"})).await;
    assert_eq!(note.body["id"], 5_000_000_000i64);
    assert_eq!(sim.get("/api/v2/tickets/67042965499").await.status, StatusCode::OK);
    assert_eq!(sim.get("/api/v2/contacts/35010088657").await.body["email"], "big@example.com");
    sim.handle.reset_stats();
    assert_eq!(sim.handle.stats(), Default::default());
}

/// The example states in `examples/sim/` load, and their tickets pass the simulator's own
/// validation when sent back as an update.
#[tokio::test]
async fn the_example_seeds_load() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sim");
    for (file, platform, ticket) in [
        ("acme-freshdesk.json", SimPlatform::Freshdesk, 1000),
        ("globex-freshservice.json", SimPlatform::Freshservice, 2000),
    ] {
        let seed = SeedState::read(&dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let sim = start_with(platform, |c| c.seed = Some(seed)).await;
        let view = sim.get(&format!("/api/v2/tickets/{ticket}")).await;
        assert_eq!(view.status, StatusCode::OK, "{file}");
        let body = unwrap(platform, "ticket", view.body);
        let update = json!({"priority": body["priority"], "custom_fields": body["custom_fields"], "tags": body["tags"]});
        let answer = sim.put(&format!("/api/v2/tickets/{ticket}"), update).await;
        assert_eq!(answer.status, StatusCode::OK, "{file}: {}", answer.body);
    }
}
