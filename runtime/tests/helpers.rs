//! The helpers (`nodeHelper`, `commentHelper`, `attachmentHelper`, `syncHelper`, `debug`,
//! `log`) and dates. Expected date values were printed by Groovy 2.4.21 run with
//! `-Duser.timezone=UTC`.

use replica_compiler::bytecode::HelperId;
use replica_runtime::display::inspect;
use replica_runtime::entity::{self, objects};
use replica_runtime::helpers;
use replica_runtime::host::{DirectoryUser, Host, LogLine};
use replica_runtime::json::replica_from_json;
use replica_runtime::stdlib::call_method;
use replica_runtime::value::NativeOnly;
use replica_runtime::{ops, ErrorKind, RuntimeError, Value};
use serde_json::json;

fn host() -> Host {
    let mut host = Host::new("freshdesk").unwrap();
    host.users.push(DirectoryUser {
        id: 7,
        email: Some("Ada@Example.com".into()),
        name: "Ada Lovelace".into(),
        active: true,
    });
    host
}

fn call(host: &mut Host, helper: HelperId, method: &str, args: Vec<Value>) -> Result<Value, RuntimeError> {
    helpers::call(host, &mut NativeOnly, helper, method, args)
}

fn node(host: &mut Host, method: &str, args: Vec<Value>) -> Value {
    call(host, HelperId::NodeHelper, method, args).unwrap_or_else(|e| panic!("{method}: {}", e.message))
}

fn s(text: &str) -> Value {
    Value::str(text)
}

fn field(value: &Value, name: &str) -> Value {
    objects::field(value, name).unwrap_or_else(|| panic!("no `{name}` in {value:?}"))
}

macro_rules! check {
    ($actual:expr, $expected:expr) => {
        assert_eq!(inspect(&$actual), inspect(&$expected))
    };
}

// ---------------------------------------------------------------------------------------
// nodeHelper
// ---------------------------------------------------------------------------------------

#[test]
fn get_status_and_priority_find_names_or_return_null() {
    let mut host = host();
    let status = node(&mut host, "getStatus", vec![s("Waiting on Customer")]);
    check!(field(&status, "id"), Value::Int(6));
    check!(field(&node(&mut host, "getStatus", vec![s("resolved")]), "name"), s("Resolved"));
    check!(node(&mut host, "getStatus", vec![s("Opne")]), Value::Null);
    check!(node(&mut host, "getStatus", vec![Value::Null]), Value::Null);
    let priority = node(&mut host, "getPriority", vec![s("Urgent"), Value::Null]);
    check!(field(&priority, "id"), Value::Int(4));
    check!(node(&mut host, "getPriority", vec![s("Highest")]), Value::Null);
    let error = call(&mut host, HelperId::NodeHelper, "getStatus", vec![Value::Int(2)]).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Type);
    assert_eq!(
        error.message,
        "`nodeHelper.getStatus` needs a String as argument 1 (`name`), not 2 (Integer): getStatus(name: String?): Status?"
    );
}

#[test]
fn users_come_from_the_directory() {
    let mut host = host();
    let user = node(&mut host, "getUserByEmail", vec![s("ada@example.com")]);
    check!(field(&user, "displayName"), s("Ada Lovelace"));
    check!(field(&user, "id"), Value::Int(7));
    check!(node(&mut host, "getUserByEmail", vec![s("nobody@example.com")]), Value::Null);
    check!(node(&mut host, "getUserByEmail", vec![Value::Null]), Value::Null);
    check!(field(&node(&mut host, "getUser", vec![Value::Int(7)]), "email"), s("Ada@Example.com"));
    check!(field(&node(&mut host, "getUser", vec![s("7")]), "id"), Value::Int(7));
    check!(node(&mut host, "getUser", vec![Value::Int(8)]), Value::Null);
    assert!(call(&mut host, HelperId::NodeHelper, "getUser", vec![Value::list(vec![])]).is_err());
}

#[test]
fn get_label_makes_a_label() {
    let mut host = host();
    check!(field(&node(&mut host, "getLabel", vec![s("synced")]), "label"), s("synced"));
    let error = call(&mut host, HelperId::NodeHelper, "getLabel", vec![Value::Null]).unwrap_err();
    assert!(error
        .message
        .starts_with("`nodeHelper.getLabel` needs a String as argument 1 (`text`), not null"));
}

#[test]
fn html_becomes_text_or_markdown() {
    let mut host = host();
    let html =
        s("<div>It started smoking after the <b>firmware update</b>.</div><p>Call&nbsp;&amp; wait</p>");
    check!(
        node(&mut host, "stripHtml", vec![html.clone()]),
        s("It started smoking after the firmware update.\nCall & wait")
    );
    check!(
        node(&mut host, "toMarkDownFromHtml", vec![html]),
        s("It started smoking after the **firmware update**.\n\nCall & wait")
    );
    check!(node(&mut host, "stripHtml", vec![Value::Null]), s(""));

    let original = objects::build("Comment", &[("id", Value::Int(3)), ("body", s("<p>Hi <i>there</i></p>"))]);
    let stripped = node(&mut host, "stripHtmlFromComments", vec![Value::list(vec![original.clone()])]);
    let Value::List(items) = &stripped else { panic!("a list") };
    check!(field(&items.borrow()[0], "body"), s("Hi there"));
    check!(field(&items.borrow()[0], "id"), Value::Int(3));
    // The comments themselves are left as they were.
    check!(field(&original, "body"), s("<p>Hi <i>there</i></p>"));
    assert!(call(&mut host, HelperId::NodeHelper, "stripHtmlFromComments", vec![s("x")]).is_err());
}

// ---------------------------------------------------------------------------------------
// commentHelper
// ---------------------------------------------------------------------------------------

fn ticket_with_comments(host: &Host) -> Value {
    entity::decode(
        host,
        &json!({"id": 1, "conversations": [
            {"id": 4, "body": "local note", "private": true, "user_id": 7},
            {"id": 5, "body": "Bob commented: hello", "private": false}
        ]}),
    )
    .unwrap()
}

fn replica() -> Value {
    replica_from_json(&json!({"comments": [
        {"id": 900, "body": "hello", "author": {"displayName": "Bob"}},
        {"id": 901, "body": "secret", "internal": true, "author": {"email": "eve@example.com"}},
        {"id": 902, "body": "mine, echoed", "remoteId": "4"},
        {"body": "no id"}
    ]}))
    .unwrap()
}

fn bodies(comments: &Value) -> Vec<String> {
    let Value::List(items) = comments else { panic!("a list: {comments:?}") };
    items.borrow().iter().map(|c| field(c, "body").to_string()).collect()
}

#[test]
fn merge_comments_adds_new_remote_comments_with_the_author() {
    let mut host = host();
    // Note 5 is the copy of remote comment 900, made on an earlier sync.
    host.comment_twins.insert("900".into(), 5);
    host.imported_comments.insert(5);
    let ticket = ticket_with_comments(&host);
    let merged =
        call(&mut host, HelperId::CommentHelper, "mergeComments", vec![ticket.clone(), replica()]).unwrap();
    assert_eq!(bodies(&merged), ["local note", "Bob commented: hello", "eve@example.com commented: secret"]);
    let Value::List(items) = &merged else { unreachable!() };
    let new = items.borrow()[2].clone();
    check!(field(&new, "id"), Value::Null);
    check!(field(&new, "remoteId"), s("901"));
    check!(field(&new, "internal"), Value::Bool(true));
    // The ticket's own list is not changed until the script assigns the result.
    assert_eq!(bodies(&field(&ticket, "comments")).len(), 2);
}

#[test]
fn merge_comments_with_a_closure_transforms_new_comments() {
    let mut host = host();
    let ticket = ticket_with_comments(&host);
    // `{ it.internal = true }`: returns true, so the changed comment is used.
    let make_internal = Value::native("make_internal", |args| {
        if let Value::Record(comment) = &args[0] {
            comment.set("internal", Value::Bool(true));
        }
        Ok(Value::Bool(true))
    });
    let merged = call(
        &mut host,
        HelperId::CommentHelper,
        "mergeComments",
        vec![ticket.clone(), replica(), make_internal],
    )
    .unwrap();
    let Value::List(items) = &merged else { unreachable!() };
    let first_new = items.borrow()[2].clone();
    check!(field(&first_new, "body"), s("hello"));
    check!(field(&first_new, "internal"), Value::Bool(true));
    // `{ c -> c.body = "[" + c.author.displayName + "] " + c.body; c }`
    let prefix = Value::native("prefix", |args| {
        let author = objects::field(&args[0], "author").and_then(|a| objects::str_field(&a, "displayName"));
        let body = format!(
            "[{}] {}",
            author.as_deref().unwrap_or("?"),
            objects::field(&args[0], "body").unwrap_or(Value::Null)
        );
        let copy = objects::build("Comment", &[("body", Value::str(&body))]);
        Ok(copy)
    });
    let merged =
        call(&mut host, HelperId::CommentHelper, "mergeComments", vec![ticket, replica(), prefix]).unwrap();
    assert_eq!(bodies(&merged)[2], "[Bob] hello");
    // A failing closure fails the call.
    let failing = Value::native("failing", |_| Err(RuntimeError::new(ErrorKind::Thrown, "boom")));
    let ticket = ticket_with_comments(&host);
    let error = call(&mut host, HelperId::CommentHelper, "mergeComments", vec![ticket, replica(), failing]);
    assert_eq!(error.unwrap_err().message, "boom");
}

#[test]
fn merge_comments_rejects_what_is_not_a_ticket() {
    let mut host = host();
    let error =
        call(&mut host, HelperId::CommentHelper, "mergeComments", vec![s("x"), replica()]).unwrap_err();
    assert!(
        error.message.starts_with(
            "`commentHelper.mergeComments` needs the ticket (`entity`) as argument 1 (`entity`), not 'x'"
        ),
        "{}",
        error.message
    );
    let error = call(&mut host, HelperId::CommentHelper, "mergeComments", vec![replica()]).unwrap_err();
    assert!(
        error.message.starts_with("`commentHelper.mergeComments` takes 2 to 3 arguments, but 1 was given"),
        "{}",
        error.message
    );
    let error = call(&mut host, HelperId::CommentHelper, "mergeComment", vec![]).unwrap_err();
    assert_eq!(error.kind, ErrorKind::MissingMethod);
    assert_eq!(error.message, "`commentHelper` has no method `mergeComment`; did you mean `mergeComments`?");
}

#[test]
fn add_comment_and_filter_local() {
    let mut host = host();
    host.comment_twins.insert("900".into(), 5);
    host.imported_comments.insert(5);
    let ticket = ticket_with_comments(&host);
    let comments = field(&ticket, "comments");
    let added =
        call(&mut host, HelperId::CommentHelper, "addComment", vec![s("Synced"), comments.clone()]).unwrap();
    assert_eq!(bodies(&added), ["local note", "Bob commented: hello", "Synced"]);
    // Note 5 came from the other side; a new merged comment too.
    let merged = call(&mut host, HelperId::CommentHelper, "mergeComments", vec![ticket, replica()]).unwrap();
    let local = call(&mut host, HelperId::CommentHelper, "filterLocal", vec![merged]).unwrap();
    assert_eq!(bodies(&local), ["local note"]);
    assert!(call(&mut host, HelperId::CommentHelper, "addComment", vec![Value::Null, comments]).is_err());
}

// ---------------------------------------------------------------------------------------
// attachmentHelper, syncHelper, debug, log
// ---------------------------------------------------------------------------------------

#[test]
fn merge_attachments_adds_only_missing_files() {
    let mut host = host();
    let ticket = entity::decode(
        &host,
        &json!({"id": 1, "attachments": [{"id": 1, "name": "a.pdf", "size": 10, "content_type": "application/pdf"}]}),
    )
    .unwrap();
    let replica = replica_from_json(&json!({"attachments": [
        {"id": "r1", "filename": "a.pdf", "filesize": 10},
        {"id": "r2", "filename": "b.png", "filesize": 20, "mimetype": "image/png"},
        {"id": "r3", "filename": "c.txt", "filesize": 1},
        {"filename": "no-id.txt"}
    ]}))
    .unwrap();
    host.attachment_twins.insert("r3".into(), 99);
    let merged =
        call(&mut host, HelperId::AttachmentHelper, "mergeAttachments", vec![ticket, replica]).unwrap();
    let Value::List(items) = &merged else { panic!("a list") };
    let names: Vec<String> = items.borrow().iter().map(|a| field(a, "filename").to_string()).collect();
    assert_eq!(names, ["a.pdf", "b.png"]);
    check!(field(&items.borrow()[1], "id"), s("r2"));
}

#[test]
fn sync_helper_sets_flags_and_finds_twins() {
    let mut host = host();
    host.ticket_twins.insert("10481".into(), "141".into());
    check!(call(&mut host, HelperId::SyncHelper, "unExalateAfterProcessing", vec![]).unwrap(), Value::Null);
    call(&mut host, HelperId::SyncHelper, "syncBackAfterProcessing", vec![]).unwrap();
    assert!(host.flags.unexalate_after_processing && host.flags.sync_back_after_processing);
    let key = |host: &mut Host, id: Value| {
        call(host, HelperId::SyncHelper, "getLocalIssueKeyFromRemoteId", vec![id]).unwrap()
    };
    check!(key(&mut host, Value::Int(10481)), s("141"));
    check!(key(&mut host, s("10481")), s("141"));
    check!(key(&mut host, s("1")), Value::Null);
    check!(key(&mut host, Value::Null), Value::Null);
    assert!(call(&mut host, HelperId::SyncHelper, "unExalateAfterProcessing", vec![Value::Int(1)]).is_err());
}

#[test]
fn debug_error_fails_and_log_records() {
    let mut host = host();
    let error = call(&mut host, HelperId::Debug, "error", vec![s("No priority for OPS-1")]).unwrap_err();
    assert_eq!((error.kind, error.message.as_str()), (ErrorKind::DebugError, "No priority for OPS-1"));
    call(&mut host, HelperId::Log, "info", vec![s("synced 141")]).unwrap();
    call(&mut host, HelperId::Log, "warn", vec![Value::list(vec![Value::Int(1)])]).unwrap();
    assert_eq!(
        host.log,
        [
            LogLine { level: "info".into(), message: "synced 141".into() },
            LogLine { level: "warn".into(), message: "[1]".into() }
        ]
    );
}

#[test]
fn odd_arguments_never_panic() {
    let odd = [
        Value::Null,
        Value::Int(-1),
        s(""),
        Value::Bool(true),
        Value::list(vec![Value::Int(1), Value::Null]),
        replica_runtime::json::from_json(&json!({"comments": 3, "attachments": [1]})),
        entity::new_replica(),
        Value::Date(0),
        Value::native("f", |_| Ok(Value::Null)),
    ];
    for helper in HelperId::ALL {
        let described = replica_compiler::schema::schema().helper(helper.name()).unwrap();
        for method in &described.methods {
            for a in &odd {
                for b in &odd {
                    for args in [
                        vec![],
                        vec![a.clone()],
                        vec![a.clone(), b.clone()],
                        vec![a.clone(), b.clone(), b.clone()],
                    ] {
                        let mut host = host();
                        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            helpers::call(&mut host, &mut NativeOnly, helper, &method.name, args.clone())
                        }));
                        assert!(outcome.is_ok(), "{}.{}({args:?}) panicked", helper.name(), method.name);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------

/// 2026-11-24T08:59:28.005Z
const AT: i64 = 1_795_510_768_005;

fn date_method(receiver: i64, name: &str, args: Vec<Value>) -> Result<Value, RuntimeError> {
    call_method(&mut NativeOnly, &Value::Date(receiver), name, args)
}

fn format(pattern: &str) -> String {
    date_method(AT, "format", vec![s(pattern)]).unwrap().to_string()
}

#[test]
fn dates_format_like_simple_date_format() {
    assert_eq!(Value::Date(AT).to_string(), "Tue Nov 24 08:59:28 UTC 2026");
    assert_eq!(format("yyyy-MM-dd'T'HH:mm:ss.SSSZ"), "2026-11-24T08:59:28.005+0000");
    assert_eq!(format("EEE, d MMM yy h:mm a X XX XXX z"), "Tue, 24 Nov 26 8:59 AM Z Z Z UTC");
    assert_eq!(format("EEEE MMMM S SS D u k K '' 'it''s'"), "Tuesday November 5 05 328 2 8 8 ' it's");
    assert_eq!(format("y yyy yyyyy M"), "2026 2026 02026 11");
    assert_eq!(
        date_method(-1, "format", vec![s("yyyy-MM-dd HH:mm:ss.SSS")]).unwrap().to_string(),
        "1969-12-31 23:59:59.999"
    );
    let error = date_method(AT, "format", vec![s("yyyy q")]).unwrap_err();
    assert_eq!(error.message, "illegal pattern character 'q' in a date format (quote literal text: 'T')");
    assert!(date_method(AT, "format", vec![Value::Int(1)]).is_err());
}

#[test]
fn date_arithmetic_and_comparison_match_groovy() {
    let later = AT + 86_400_000 * 3 - 9 * 3_600_000; // Nov 26 23:59
    check!(date_method(later, "minus", vec![Value::Date(AT)]).unwrap(), Value::Int(2));
    check!(date_method(AT, "minus", vec![Value::Date(later)]).unwrap(), Value::Int(-2));
    check!(ops::sub(&Value::Date(later), &Value::Date(AT)).unwrap(), Value::Int(2));
    let plus = date_method(AT, "plus", vec![Value::Int(2)]).unwrap();
    assert_eq!(date_method_of(&plus, "yyyy-MM-dd HH:mm"), "2026-11-26 08:59");
    let minus = ops::sub(&Value::Date(AT), &Value::Int(2)).unwrap();
    assert_eq!(date_method_of(&minus, "yyyy-MM-dd HH:mm"), "2026-11-22 08:59");
    check!(ops::add(&Value::Date(AT), &Value::Int(2)).unwrap(), plus);
    check!(date_method(AT, "before", vec![Value::Date(later)]).unwrap(), Value::Bool(true));
    check!(date_method(AT, "after", vec![Value::Date(later)]).unwrap(), Value::Bool(false));
    check!(date_method(AT, "compareTo", vec![Value::Date(later)]).unwrap(), Value::Int(-1));
    check!(date_method(later, "compareTo", vec![Value::Date(AT)]).unwrap(), Value::Int(1));
    check!(date_method(AT, "compareTo", vec![Value::Date(AT)]).unwrap(), Value::Int(0));
    check!(date_method(AT, "getTime", vec![]).unwrap(), Value::Int(AT));
    assert_eq!(date_method(AT, "clearTime", vec![]).unwrap().to_string(), "Tue Nov 24 00:00:00 UTC 2026");
    assert!(ops::equals(&Value::Date(AT), &Value::Date(AT)));
    assert!(!ops::equals(&Value::Date(AT), &Value::Int(AT)));
    assert_eq!(ops::compare(&Value::Date(AT), &Value::Date(later)).unwrap(), std::cmp::Ordering::Less);
    assert!(date_method(AT, "plus", vec![s("1")]).is_err());
    assert_eq!(ops::add(&Value::Date(AT), &Value::Int(i64::MAX)).unwrap_err().kind, ErrorKind::Overflow);
    assert!(date_method(AT, "minus", vec![Value::Int(i64::MIN)]).is_err());
}

fn date_method_of(date: &Value, pattern: &str) -> String {
    call_method(&mut NativeOnly, date, "format", vec![s(pattern)]).unwrap().to_string()
}
