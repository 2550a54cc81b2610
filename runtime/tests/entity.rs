//! The ticket model: decoding the corpus fixtures, assignment conversions and errors, the
//! REST update planned from typical scripts' edits, JSON round trips.

use replica_compiler::bytecode::HelperId;
use replica_runtime::entity::{self, Changes};
use replica_runtime::helpers;
use replica_runtime::host::{DirectoryUser, Host};
use replica_runtime::json::{self, from_json, replica_from_json, replica_from_str, replica_to_json, to_json};
use replica_runtime::value::{NativeOnly, Record};
use replica_runtime::{ErrorKind, Value};
use serde_json::json;

fn fixture(name: &str) -> Option<serde_json::Value> {
    let corpus = replica_testkit::corpus(name)?;
    let text = replica_testkit::read(&corpus.join("fixtures").join(name));
    Some(serde_json::from_str(&text).expect("fixture is JSON"))
}

/// `a.b[1].c` through records, maps and lists.
fn at(value: &Value, path: &str) -> Value {
    let mut current = value.clone();
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        if !name.is_empty() {
            current = match &current {
                Value::Record(record) => {
                    record.get(name).unwrap_or_else(|| panic!("no field `{name}` in {path}"))
                }
                Value::Map(map) => {
                    map.borrow().get(&replica_runtime::Key::str(name)).cloned().unwrap_or(Value::Null)
                }
                other => panic!("`{name}` of {other:?} in {path}"),
            };
        }
        if let Some(i) = index {
            current = match &current {
                Value::List(items) => items.borrow()[i].clone(),
                other => panic!("[{i}] of {other:?}"),
            };
        }
    }
    current
}

/// Values compare by how Groovy's `inspect()` shows them (`'141'` is not `141`).
macro_rules! check {
    ($actual:expr, $expected:expr) => {
        assert_eq!(replica_runtime::display::inspect(&$actual), replica_runtime::display::inspect(&$expected))
    };
}

fn s(text: &str) -> Value {
    Value::str(text)
}

fn freshdesk() -> Host {
    Host::new("freshdesk").unwrap()
}

fn record(value: &Value) -> &Record {
    match value {
        Value::Record(record) => record,
        other => panic!("not a record: {other:?}"),
    }
}

/// `entity.<name> = value` through the same entry point the VM uses.
fn set(host: &Host, target: &Value, name: &str, value: Value) -> Result<(), replica_runtime::RuntimeError> {
    let record = record(target);
    let slot = record.shape.slot(name).unwrap_or_else(|| panic!("no slot `{name}`"));
    // Assignment may log (a null status is ignored with a warning); the tests look at values.
    entity::assign(&mut host.clone(), record, slot, value)
}

fn plan(host: &Host, ticket: &Value, script: impl FnOnce(&Value)) -> Changes {
    let before = entity::snapshot(ticket);
    script(ticket);
    entity::changes(host, &before, ticket)
}

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

#[test]
fn decodes_the_freshdesk_fixture() {
    let Some(json) = fixture("freshdesk-ticket.json") else { return };
    let host = freshdesk();
    let ticket = entity::decode(&host, &json).unwrap();
    check!(at(&ticket, "key"), s("141"));
    check!(at(&ticket, "id"), Value::Int(141));
    check!(at(&ticket, "summary"), s("Printer on floor 3 is on fire"));
    check!(at(&ticket, "subject"), s("Printer on floor 3 is on fire"));
    check!(at(&ticket, "status.name"), s("Open"));
    check!(at(&ticket, "status.id"), Value::Int(2));
    check!(at(&ticket, "priority.name"), s("Urgent"));
    check!(at(&ticket, "labels[1].label"), s("floor 3"));
    check!(at(&ticket, "tags[1]"), s("floor 3"));
    // The embedded requester names the reporter; the assignee is known only by id.
    check!(at(&ticket, "reporter.displayName"), s("Tom Outerspace"));
    check!(at(&ticket, "reporter.email"), s("tom@example.com"));
    check!(at(&ticket, "assignee.id"), Value::Int(67013469919));
    check!(at(&ticket, "comments[0].internal"), Value::Bool(false));
    check!(at(&ticket, "comments[1].internal"), Value::Bool(true));
    check!(at(&ticket, "comments[1].author.id"), Value::Int(67013469919));
    check!(at(&ticket, "attachments[0].filename"), s("smoke.png"));
    check!(at(&ticket, "attachments[0].filesize"), Value::Int(20480));
    check!(at(&ticket, "customFields.cf_customer_id.value"), s("C-1042"));
    check!(at(&ticket, "customFields.cf_customer_id.type"), s("text"));
    check!(at(&ticket, "custom_fields.cf_region"), s("EMEA"));
    check!(at(&ticket, "created"), Value::Date(1_795_510_768_000));
    assert!(matches!(at(&ticket, "due_by"), Value::Date(_)));
    check!(at(&ticket, "entityType"), s("ticket"));
    insta::assert_json_snapshot!("freshdesk_ticket", to_json(&ticket));
}

#[test]
fn decodes_the_wrapped_freshservice_fixture() {
    let Some(json) = fixture("freshservice-ticket.json") else { return };
    let host = Host::new("freshservice").unwrap();
    let ticket = entity::decode(&host, &json).unwrap();
    check!(at(&ticket, "key"), s("2042"));
    check!(at(&ticket, "status.name"), s("Pending"));
    check!(at(&ticket, "priority.name"), s("High"));
    check!(at(&ticket, "department_id"), Value::Int(5));
    check!(at(&ticket, "urgency"), Value::Int(2));
    check!(at(&ticket, "reporter.displayName"), s("Ada Lovelace"));
    check!(at(&ticket, "comments[0].body"), s("<div>Tried reinstalling the client, no change.</div>"));
    insta::assert_json_snapshot!("freshservice_ticket", to_json(&ticket));
}

#[test]
fn the_directory_and_the_twin_table_fill_in_users_and_remote_ids() {
    let Some(json) = fixture("freshdesk-ticket.json") else { return };
    let mut host = freshdesk();
    host.users.push(DirectoryUser {
        id: 67013469919,
        email: Some("agent@example.com".into()),
        name: "Agent Smith".into(),
        active: true,
    });
    host.comment_twins.insert("9001".into(), 4);
    let ticket = entity::decode(&host, &json).unwrap();
    check!(at(&ticket, "assignee.displayName"), s("Agent Smith"));
    check!(at(&ticket, "comments[1].author.email"), s("agent@example.com"));
    check!(at(&ticket, "comments[1].remoteId"), s("9001"));
    check!(at(&ticket, "comments[0].remoteId"), Value::Null);
}

#[test]
fn bad_tickets_get_errors_naming_the_field() {
    let host = freshdesk();
    let error = |json: serde_json::Value| entity::decode(&host, &json).unwrap_err().to_string();
    assert_eq!(error(json!([1])), "a ticket must be a JSON object, not a list");
    assert_eq!(error(json!({"status": "open"})), "`status`: expected an integer, found a string (\"open\")");
    assert_eq!(error(json!({"tags": ["a", 2]})), "`tags[1]`: expected a string, found a number (2)");
    assert_eq!(
        error(json!({"conversations": [{"id": 1}, {"id": 2, "created_at": "yesterday"}]})),
        "`conversations[1].created_at`: expected an ISO 8601 date such as 2026-11-24T08:59:28Z, found \"yesterday\""
    );
    assert_eq!(error(json!({"group_id": "12"})), "`group_id`: expected an integer, found a string (\"12\")");
    assert_eq!(error(json!({"custom_fields": []})), "`custom_fields`: expected an object, found a list");
    // Unknown statuses keep their code; unknown attributes are ignored.
    let ticket = entity::decode(&host, &json!({"status": 9, "brand_new": true})).unwrap();
    check!(at(&ticket, "status.id"), Value::Int(9));
    check!(at(&ticket, "status.name"), Value::Null);
}

#[test]
fn a_new_ticket_is_empty_but_ready_to_add_to() {
    let host = freshdesk();
    let ticket = entity::new_ticket(&host);
    check!(at(&ticket, "entityType"), s("ticket"));
    check!(at(&ticket, "summary"), Value::Null);
    assert_eq!(at(&ticket, "tags").to_string(), "[]");
    assert_eq!(at(&ticket, "comments").to_string(), "[]");
    assert_eq!(at(&ticket, "custom_fields").to_string(), "[:]");
    let replica = entity::new_replica();
    assert_eq!(at(&replica, "customKeys").to_string(), "[:]");
    assert_eq!(at(&replica, "labels").to_string(), "[]");
}

#[test]
fn a_snapshot_does_not_follow_later_changes() {
    let host = freshdesk();
    let ticket =
        entity::decode(&host, &json!({"id": 1, "tags": ["a"], "custom_fields": {"cf_x": 1}})).unwrap();
    let copy = entity::snapshot(&ticket);
    if let Value::List(tags) = at(&ticket, "tags") {
        tags.borrow_mut().push(s("b"));
    }
    if let Value::Record(cf) = at(&ticket, "customFields.cf_x") {
        cf.set("value", Value::Int(2));
    }
    assert_eq!(at(&copy, "tags").to_string(), "[a]");
    check!(at(&copy, "customFields.cf_x.value"), Value::Int(1));
}

// ---------------------------------------------------------------------------------------
// Assignment
// ---------------------------------------------------------------------------------------

#[test]
fn status_and_priority_take_records_names_and_codes() {
    let host = freshdesk();
    let ticket = entity::new_ticket(&host);
    set(&host, &ticket, "status", s("Resolved")).unwrap();
    check!(at(&ticket, "status.id"), Value::Int(4));
    set(&host, &ticket, "status", s("waiting on customer")).unwrap();
    check!(at(&ticket, "status.name"), s("Waiting on Customer"));
    set(&host, &ticket, "status", Value::Int(5)).unwrap();
    check!(at(&ticket, "status.name"), s("Closed"));
    // A record from the other side maps by its name, not its id.
    let remote = entity::objects::build("Status", &[("id", Value::Int(3)), ("name", s("Open"))]);
    set(&host, &ticket, "status", remote).unwrap();
    check!(at(&ticket, "status.id"), Value::Int(2));
    set(&host, &ticket, "priority", s("High")).unwrap();
    check!(at(&ticket, "priority.id"), Value::Int(3));

    let error = set(&host, &ticket, "status", s("Opne")).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Type);
    assert_eq!(
        error.message,
        "`entity.status` cannot be 'Opne': Freshdesk has no such status; use one of Open (2), Pending (3), \
         Resolved (4), Closed (5), Waiting on Customer (6), Waiting on Third Party (7)"
    );
    let error = set(&host, &ticket, "priority", Value::Int(9)).unwrap_err();
    assert!(
        error.message.starts_with("`entity.priority` cannot be 9: Freshdesk has no such priority"),
        "{}",
        error.message
    );
    // A look-up that found nothing (null) leaves the status as it was, with a warning.
    let mut logging = host.clone();
    let slot = record(&ticket).shape.slot("status").unwrap();
    entity::assign(&mut logging, record(&ticket), slot, Value::Null).unwrap();
    assert!(logging.log[0].message.contains("`entity.status = null` ignored"), "{:?}", logging.log);
    let error = set(&host, &ticket, "status", Value::list(vec![])).unwrap_err();
    assert!(error.message.starts_with("`entity.status` needs a status"), "{}", error.message);
    // The status did not change on failure.
    check!(at(&ticket, "status.id"), Value::Int(2));
}

#[test]
fn the_two_views_of_an_attribute_stay_in_step() {
    let mut host = freshdesk();
    host.users.push(DirectoryUser {
        id: 7,
        email: Some("ada@example.com".into()),
        name: "Ada".into(),
        active: true,
    });
    let ticket = entity::new_ticket(&host);
    set(&host, &ticket, "labels", Value::list(vec![s("vip"), entity::objects::label("eu")])).unwrap();
    assert_eq!(at(&ticket, "tags").to_string(), "[vip, eu]");
    check!(at(&ticket, "labels[1].label"), s("eu"));
    set(&host, &ticket, "tags", Value::list(vec![s("x")])).unwrap();
    check!(at(&ticket, "labels[0].label"), s("x"));

    set(&host, &ticket, "assignee", s("ADA@example.com")).unwrap();
    check!(at(&ticket, "responder_id"), Value::Int(7));
    set(&host, &ticket, "responder_id", Value::Null).unwrap();
    check!(at(&ticket, "assignee"), Value::Null);
    set(&host, &ticket, "requester_id", Value::Int(7)).unwrap();
    check!(at(&ticket, "reporter.displayName"), s("Ada"));

    let fields = from_json(&json!({"cf_region": "US"}));
    set(&host, &ticket, "custom_fields", fields).unwrap();
    check!(at(&ticket, "customFields.cf_region.value"), s("US"));
    let fields = from_json(&json!({"cf_count": 3}));
    set(&host, &ticket, "customFields", fields).unwrap();
    check!(at(&ticket, "custom_fields.cf_count"), Value::Int(3));
    check!(at(&ticket, "customFields.cf_count.type"), s("number"));
}

#[test]
fn assignment_checks_types_and_read_only_fields() {
    let host = freshdesk();
    let ticket = entity::new_ticket(&host);
    let message = |name: &str, value: Value| set(&host, &ticket, name, value).unwrap_err().message;
    assert_eq!(message("created", Value::Date(0)), "`entity.created` is read-only");
    assert_eq!(message("key", s("X-1")), "`entity.key` is read-only");
    assert_eq!(message("id", Value::Int(3)), "`entity.id` is read-only");
    assert_eq!(message("group_id", s("abc")), "`entity.group_id` needs an integer, not 'abc'");
    assert_eq!(message("summary", Value::list(vec![])), "`entity.summary` needs a String, not a List");
    assert_eq!(
        message("due_by", s("tomorrow")),
        "`entity.due_by` needs a date, and 'tomorrow' is not one (write it as 2026-11-24T08:59:28Z)"
    );
    assert!(message("source", s("Pigeon"))
        .starts_with("`entity.source` cannot be 'Pigeon': use one of Email (1)"));
    // Conversions that Exalate makes.
    set(&host, &ticket, "source", s("Phone")).unwrap();
    check!(at(&ticket, "source"), Value::Int(3));
    set(&host, &ticket, "due_by", s("2026-12-01")).unwrap();
    assert_eq!(at(&ticket, "due_by").to_string(), "Tue Dec 01 00:00:00 UTC 2026");
    set(&host, &ticket, "summary", Value::Int(42)).unwrap();
    check!(at(&ticket, "summary"), s("42"));
    set(&host, &ticket, "comments", Value::list(vec![s("plain note")])).unwrap();
    check!(at(&ticket, "comments[0].body"), s("plain note"));
    // A slot number the shape does not have is an error, not a panic.
    let error = entity::assign(&mut host.clone(), record(&ticket), 999, Value::Null).unwrap_err();
    assert_eq!(error.message, "Ticket(freshdesk) has no field number 999");
}

#[test]
fn the_replica_and_small_objects_convert_lightly() {
    let host = freshdesk();
    let replica = entity::new_replica();
    set(&host, &replica, "status", s("Pending")).unwrap();
    check!(at(&replica, "status.id"), Value::Int(3));
    set(&host, &replica, "status", s("In Review")).unwrap();
    check!(at(&replica, "status.name"), s("In Review"));
    check!(at(&replica, "status.id"), Value::Null);
    set(&host, &replica, "id", Value::Int(141)).unwrap();
    check!(at(&replica, "id"), s("141"));
    set(&host, &replica, "labels", Value::list(vec![s("a")])).unwrap();
    check!(at(&replica, "labels[0].label"), s("a"));
    set(&host, &replica, "created", s("2026-11-24T08:59:28Z")).unwrap();
    check!(at(&replica, "created"), Value::Date(1_795_510_768_000));
    let comment = entity::objects::build("Comment", &[("body", s("x"))]);
    set(&host, &comment, "internal", s("yes")).unwrap();
    check!(at(&comment, "internal"), Value::Bool(true));
    set(&host, &comment, "body", Value::Int(5)).unwrap();
    check!(at(&comment, "body"), s("5"));
}

// ---------------------------------------------------------------------------------------
// Planning the REST update
// ---------------------------------------------------------------------------------------

fn fd_ticket(host: &Host) -> Option<Value> {
    Some(entity::decode(host, &fixture("freshdesk-ticket.json")?).unwrap())
}

#[test]
fn an_untouched_ticket_needs_no_update() {
    let host = freshdesk();
    let Some(ticket) = fd_ticket(&host) else { return };
    let changes = plan(&host, &ticket, |_| {});
    assert!(changes.is_empty(), "{changes:?}");
    // Writing the same values back is no change either.
    let changes = plan(&host, &ticket, |t| {
        set(&host, t, "status", s("Open")).unwrap();
        set(&host, t, "summary", at(t, "summary")).unwrap();
        set(&host, t, "labels", at(t, "labels")).unwrap();
    });
    assert!(changes.is_empty(), "{changes:?}");
}

#[test]
fn typical_edits_become_a_minimal_update() {
    let host = freshdesk();
    let Some(ticket) = fd_ticket(&host) else { return };
    let changes = plan(&host, &ticket, |t| {
        set(&host, t, "status", s("Resolved")).unwrap();
        set(&host, t, "priority", s("Low")).unwrap();
        set(&host, t, "summary", s("Printer fixed")).unwrap();
        // `entity.tags += ["escalated"]`
        let tags = replica_runtime::ops::add(&at(t, "tags"), &Value::list(vec![s("escalated")])).unwrap();
        set(&host, t, "tags", tags).unwrap();
        // `entity.custom_fields.cf_order_number = "A-7"` changes the map in place.
        if let Value::Map(fields) = at(t, "custom_fields") {
            fields.borrow_mut().insert(replica_runtime::Key::str("cf_order_number"), s("A-7"));
        }
        set(&host, t, "group_id", Value::Int(1070000240345)).unwrap();
        set(&host, t, "due_by", Value::Date(1_796_000_000_000)).unwrap();
    });
    assert_eq!(
        serde_json::to_value(&changes).unwrap(),
        json!({
            "update": {
                "subject": "Printer fixed",
                "status": 4,
                "priority": 1,
                "group_id": 1070000240345i64,
                "due_by": "2026-11-30T00:53:20Z",
                "tags": ["hardware", "floor 3", "escalated"],
                "custom_fields": {"cf_order_number": "A-7"}
            },
            "notes": [],
            "note_updates": [],
            "attachments": []
        })
    );
}

#[test]
fn users_and_custom_field_objects_map_to_rest_attributes() {
    let mut host = freshdesk();
    host.users.push(DirectoryUser {
        id: 8,
        email: Some("bob@example.com".into()),
        name: "Bob".into(),
        active: true,
    });
    let Some(ticket) = fd_ticket(&host) else { return };
    let changes = plan(&host, &ticket, |t| {
        set(&host, t, "assignee", s("bob@example.com")).unwrap();
        set(&host, t, "reporter", s("new.person@example.com")).unwrap();
        // `entity.customFields.cf_region.value = "US"` on the custom-field object.
        if let Value::Record(field) = at(t, "customFields.cf_region") {
            field.set("value", s("US"));
        }
    });
    assert_eq!(
        serde_json::to_value(&changes.update).unwrap(),
        json!({"responder_id": 8, "email": "new.person@example.com", "custom_fields": {"cf_region": "US"}})
    );
}

fn replica_with_comments(comments: serde_json::Value) -> Value {
    replica_from_json(&json!({"key": "OPS-1", "comments": comments})).unwrap()
}

fn merge(host: &mut Host, ticket: &Value, replica: &Value) -> Value {
    helpers::call(
        host,
        &mut NativeOnly,
        HelperId::CommentHelper,
        "mergeComments",
        vec![ticket.clone(), replica.clone()],
    )
    .unwrap()
}

#[test]
fn merged_comments_become_notes_once() {
    let mut host = freshdesk();
    let Some(json) = fixture("freshdesk-ticket.json") else { return };
    let ticket = entity::decode(&host, &json).unwrap();
    let replica = replica_with_comments(json!([
        {"id": "9001", "body": "Reproduced on staging.", "internal": false,
         "author": {"email": "ada@example.com", "displayName": "Ada Lovelace"}}
    ]));
    let before = entity::snapshot(&ticket);
    let merged = merge(&mut host, &ticket, &replica);
    set(&host, &ticket, "comments", merged).unwrap();
    let changes = entity::changes(&host, &before, &ticket);
    assert_eq!(
        serde_json::to_value(&changes.notes).unwrap(),
        json!([{"body": "Ada Lovelace commented: Reproduced on staging.", "private": false, "remote_id": "9001"}])
    );
    assert!(changes.update.is_empty(), "{:?}", changes.update);

    // Merging again in the same run adds nothing more.
    let again = merge(&mut host, &ticket, &replica);
    assert_eq!(again.to_string().matches("Reproduced").count(), 1);

    // The daemon posted note 5 and recorded the twin; the next sync sees it on the ticket.
    host.comment_twins.insert("9001".into(), 5);
    host.imported_comments.insert(5);
    let mut json = json;
    json["conversations"].as_array_mut().unwrap().push(json!({
        "id": 5, "body": "Ada Lovelace commented: Reproduced on staging.", "private": false,
        "user_id": 67013469919i64, "created_at": "2026-11-24T10:00:00Z", "updated_at": "2026-11-24T10:00:00Z"
    }));
    let ticket = entity::decode(&host, &json).unwrap();
    let changes = plan(&host, &ticket, |t| {
        let merged = merge(&mut host.clone(), t, &replica);
        set(&host, t, "comments", merged).unwrap();
    });
    assert!(changes.is_empty(), "{changes:?}");

    // An edit on the remote side updates the local copy's body.
    let edited = replica_with_comments(json!([
        {"id": "9001", "body": "Reproduced on staging and prod.", "author": {"displayName": "Ada Lovelace"}}
    ]));
    let changes = plan(&host, &ticket, |t| {
        let merged = merge(&mut host.clone(), t, &edited);
        set(&host, t, "comments", merged).unwrap();
    });
    assert_eq!(
        serde_json::to_value(&changes.note_updates).unwrap(),
        json!([{"id": 5, "body": "Ada Lovelace commented: Reproduced on staging and prod."}])
    );
    assert!(changes.notes.is_empty());
}

#[test]
fn merged_attachments_are_uploaded_once() {
    let mut host = freshdesk();
    let Some(ticket) = fd_ticket(&host) else { return };
    let replica = replica_from_json(&json!({
        "attachments": [
            {"id": 77, "filename": "log.txt", "mimetype": "text/plain", "filesize": 12},
            {"id": 78, "filename": "smoke.png", "mimetype": "image/png", "filesize": 20480}
        ]
    }))
    .unwrap();
    let call = |host: &mut Host, t: &Value| {
        helpers::call(
            host,
            &mut NativeOnly,
            HelperId::AttachmentHelper,
            "mergeAttachments",
            vec![t.clone(), replica.clone()],
        )
        .unwrap()
    };
    let changes = plan(&host, &ticket, |t| {
        let merged = call(&mut host.clone(), t);
        set(&host, t, "attachments", merged).unwrap();
    });
    // smoke.png of the same size is already here.
    assert_eq!(
        serde_json::to_value(&changes.attachments).unwrap(),
        json!([{"remote_id": "77", "filename": "log.txt", "mimetype": "text/plain", "filesize": 12}])
    );
    // Once the daemon recorded the upload's twin, a fresh copy of the ticket gets nothing new.
    host.attachment_twins.insert("77".into(), 6001);
    let fresh = fd_ticket(&host).unwrap();
    let merged = call(&mut host, &fresh);
    assert_eq!(merged.to_string().matches("log.txt").count(), 0);
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

#[test]
fn plain_json_round_trips() {
    let document =
        json!({"a": [1, 2.5, "x", null, true], "b": {"c": -7, "d": 0.1}, "big": 18446744073709551615u64});
    let value = from_json(&document);
    assert_eq!(value.to_string(), "[a:[1, 2.5, x, null, true], b:[c:-7, d:0.1], big:18446744073709551615]");
    assert_eq!(to_json(&value), document);
    assert_eq!(to_json(&Value::Date(1_795_510_768_005)), json!("2026-11-24T08:59:28.005Z"));
    assert_eq!(to_json(&Value::Range { from: 1, to: 3, inclusive: false }), json!([1, 2]));
    // A list holding itself is cut off instead of recursing forever.
    let list = Value::list(vec![Value::Int(1)]);
    if let Value::List(items) = &list {
        items.borrow_mut().push(list.clone());
    }
    let _ = to_json(&list);
}

#[test]
fn the_replica_fixture_round_trips() {
    let Some(document) = fixture("replica-from-jira-like.json") else { return };
    let replica = replica_from_json(&document).unwrap();
    check!(at(&replica, "status.name"), s("In Progress"));
    check!(at(&replica, "type"), s("Bug"));
    check!(at(&replica, "labels[1].label"), s("customer impact"));
    check!(at(&replica, "reporter.displayName"), s("Tom Outerspace"));
    check!(at(&replica, "comments[0].author.email"), s("ada@example.com"));
    check!(at(&replica, "comments[0].created"), Value::Date(1_795_507_200_000));
    check!(at(&replica, "customFields.Customer ID.value"), s("C-1042"));
    check!(at(&replica, "customFields.Customer ID.name"), s("Customer ID"));
    check!(at(&replica, "customKeys.region"), s("US"));
    let written = replica_to_json(&replica);
    let again = replica_from_json(&written).unwrap();
    assert_eq!(replica_to_json(&again), written);
    insta::assert_json_snapshot!("replica_round_trip", written);
}

#[test]
fn unknown_replica_keys_are_kept_in_custom_keys() {
    let replica =
        replica_from_json(&json!({"summary": "x", "severity": 2, "customKeys": {"severity": 3}})).unwrap();
    check!(at(&replica, "customKeys.severity"), Value::Int(3));
    let replica = replica_from_json(&json!({"parentId": "7"})).unwrap();
    check!(at(&replica, "customKeys.parentId"), s("7"));
    assert_eq!(at(&replica, "comments").to_string(), "[]");
}

#[test]
fn bad_replicas_get_errors_naming_the_field() {
    let error = |document: serde_json::Value| replica_from_json(&document).unwrap_err().to_string();
    assert_eq!(error(json!("x")), "a replica must be a JSON object, not a string (\"x\")");
    assert_eq!(error(json!({"labels": {}})), "`labels`: expected a list, found an object");
    assert_eq!(
        error(json!({"labels": [3]})),
        "`labels[0]`: expected a label (`{\"label\": \"…\"}` or a string), found a number (3)"
    );
    assert_eq!(
        error(json!({"comments": [{"internal": "no"}]})),
        "`comments[0].internal`: expected true or false, found a string (\"no\")"
    );
    assert_eq!(
        error(json!({"status": [1]})),
        "`status`: expected a status object, name or code, found a list"
    );
    assert_eq!(error(json!({"created": "soon"})).split(':').next(), Some("`created`"));
    assert!(json::DecodeError::new("", "x").path.is_empty());
}

// ---------------------------------------------------------------------------------------
// JSON text straight in and out
// ---------------------------------------------------------------------------------------

/// Tickets and replicas as text, decoded from the text and from a `serde_json::Value` of it.
fn text_cases() -> Vec<String> {
    let mut cases: Vec<String> =
        ["freshdesk-ticket.json", "freshservice-ticket.json", "replica-from-jira-like.json"]
            .iter()
            .filter_map(|name| {
                let corpus = replica_testkit::corpus(name)?;
                Some(replica_testkit::read(&corpus.join("fixtures").join(name)))
            })
            .collect();
    cases.extend(
        [
            // Keys out of order, repeated keys (the last wins, as in a serde_json::Map),
            // escapes, numbers of every kind, unknown members.
            r#"{"tags": ["b", "a"], "id": 7, "custom_fields": {"cf_z": 1, "cf_a": [1, {"y": 2, "x": -0}], "cf_m": 2.50, "cf_z": "last"},
                "subject": "one\ntwo \"q\" \u00e9\ud83d\ude00", "status": 3, "status": 4, "priority": 1,
                "requester": {"name": "R", "id": 5, "email": "r@x"}, "requester_id": 5, "source": 18446744073709551615,
                "conversations": [{"user_id": 5, "id": 1, "body": "b", "private": null, "created_at": 1700000000000}],
                "attachments": [{"id": 1, "file_size": 3, "name": "n", "created_at": "2026-01-02T03:04:05.678Z"}],
                "due_by": "2026-11-27T15:59:28Z", "brand_new": {"a": [1e300, -1.5e-7, 12345678901234567890123]}}"#,
            r#"{"ticket": {"id": 9, "subject": "wrapped", "department_id": 3}}"#,
            r#"{"ticket": {"id": 9}, "id": 10}"#,
            r#"{"ticket": 1}"#,
            r#"{}"#,
            // Errors, which must be the same from text and from a Value.
            r#"[1]"#,
            r#"{"status": "open"}"#,
            r#"{"tags": ["a", 2]}"#,
            r#"{"conversations": [{"id": 1}, {"id": 2, "created_at": "yesterday"}]}"#,
            r#"{"group_id": 1.5, "custom_fields": []}"#,
            r#"{"custom_fields": [], "group_id": 1.5}"#,
            r#"{"id": {}, "status": "x"}"#,
            r#"{"requester": {"id": "x", "email": 3}}"#,
            r#"{"attachments": [{"size": "big"}]}"#,
            // Replicas.
            r#"{"summary": "x", "severity": 2, "customKeys": {"severity": 3, "b": 1, "a": 2}, "zeta": 1, "alpha": [2]}"#,
            r#"{"type": {"name": "Bug"}, "status": "Open", "priority": 2, "labels": ["a", {"label": "b"}],
                "customFields": {"X": {"value": 1}, "Y": {"value": 2, "other": 3}, "A": 4}, "key": 12}"#,
            r#"{"comments": [{"internal": "no"}]}"#,
            r#"{"labels": [3], "status": [1]}"#,
        ]
        .map(String::from),
    );
    cases
}

#[test]
fn tickets_decode_the_same_from_text_and_from_a_value() {
    let mut host = freshdesk();
    host.comment_twins.insert("R-1".into(), 1);
    for text in text_cases() {
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        for platform in ["freshdesk", "freshservice"] {
            host.platform = Host::new(platform).unwrap().platform;
            let from_value = entity::decode(&host, &value).map(|t| to_json(&t));
            let from_text = entity::decode_str(&host, &text).map(|t| to_json(&t)).map_err(|e| match e {
                json::ReadError::Decode(e) => e,
                other => panic!("{other}"),
            });
            assert_eq!(from_text, from_value, "{platform}: {text}");
        }
        let from_value = replica_from_json(&value).map(|r| to_json(&r));
        let from_text = replica_from_str(&text).map(|r| to_json(&r)).map_err(|e| match e {
            json::ReadError::Decode(e) => e,
            other => panic!("{other}"),
        });
        assert_eq!(from_text, from_value, "{text}");
    }
    let not_json = entity::decode_str(&host, "{\"id\": 1,}").unwrap_err();
    let expected = serde_json::from_str::<serde_json::Value>("{\"id\": 1,}").unwrap_err();
    assert_eq!(not_json.to_string(), format!("not JSON: {expected}"));
}

#[test]
fn values_are_written_as_their_json() {
    let host = freshdesk();
    let mut values = Vec::new();
    for text in text_cases() {
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        values.extend(entity::decode(&host, &value).ok());
        values.extend(replica_from_json(&value).ok());
        values.push(from_json(&value));
    }
    // Map keys that write as the same text (the later one wins), dates, decimals, ranges.
    let mut map = indexmap::IndexMap::new();
    map.insert(replica_runtime::Key(Value::Int(1)), s("int"));
    map.insert(replica_runtime::Key(s("b")), Value::Date(-1));
    map.insert(replica_runtime::Key(s("1")), s("string"));
    map.insert(replica_runtime::Key(Value::Null), Value::Range { from: 3, to: 1, inclusive: true });
    map.insert(replica_runtime::Key(s("a")), Value::Decimal(rust_decimal::Decimal::new(15, 28)));
    values.push(Value::map(map));
    values.push(Value::Decimal(rust_decimal::Decimal::MAX));
    values.push(stdlib_entry());
    for value in values {
        let text = serde_json::to_string(&json::AsJson(&value)).unwrap();
        assert_eq!(text, serde_json::to_string(&to_json(&value)).unwrap());
        assert_eq!(json::replica_to_string(&value), text);
    }
}

fn stdlib_entry() -> Value {
    replica_runtime::stdlib::entry(s("k"), Value::Int(2))
}
