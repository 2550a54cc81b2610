//! The connectors against the simulator, over real HTTP: every operation the daemon uses, on
//! both platforms, with the platform's errors typed, paging and the 300-page restart, the
//! rate budget and 429s, and each fault the simulator injects.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use replica_runtime::connector::{
    ApiError, ApiKey, Client, ClientConfig, Cursor, NewNote, PlatformKind, RetryPolicy, Ticket,
};
use replica_runtime::sim::{
    format_time, parse_time, FaultSpec, SeedState, SimConfig, SimHandle, SimPlatform,
};
use serde_json::{json, Map, Value};

const KEY: &str = "connector-test-key";

fn local() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

async fn sim(platform: SimPlatform, configure: impl FnOnce(&mut SimConfig)) -> SimHandle {
    let mut config = SimConfig::new(platform, KEY);
    configure(&mut config);
    SimHandle::start(config, local()).await.expect("the simulator starts")
}

/// A client of the simulator with short backoffs, so that retries do not slow the tests.
fn client_with(sim: &SimHandle, tune: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut config = ClientConfig::new(sim.platform(), sim.base_url(), ApiKey::new(KEY));
    config.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(40),
        ..RetryPolicy::default()
    };
    tune(&mut config);
    Client::new(config).unwrap()
}

fn client(sim: &SimHandle) -> Client {
    client_with(sim, |_| {})
}

fn seed(json: Value) -> SeedState {
    SeedState::from_json(&json.to_string()).expect("a valid seed")
}

fn body(json: Value) -> Map<String, Value> {
    json.as_object().unwrap().clone()
}

fn new_ticket(platform: SimPlatform, email: &str, subject: &str) -> Map<String, Value> {
    let mut ticket = json!({"email": email, "subject": subject, "description": "<div>details</div>",
                            "status": 2, "priority": 1});
    if platform == SimPlatform::Freshdesk {
        ticket["source"] = json!(2);
    }
    body(ticket)
}

#[tokio::test]
async fn tickets_notes_and_users_on_both_platforms() {
    for platform in [SimPlatform::Freshdesk, SimPlatform::Freshservice] {
        let sim = sim(platform, |c| {
            c.seed =
                Some(seed(json!({"agents": [{"id": 1, "name": "Ana Lima", "email": "ana@example.com"}]})))
        })
        .await;
        let client = client(&sim);

        let created =
            client.create_ticket(&new_ticket(platform, "tom@example.com", "Printer")).await.unwrap();
        assert_eq!(created.json["subject"], "Printer", "{platform:?}");
        let id = created.id;

        let updated = client.update_ticket(id, &body(json!({"priority": 3}))).await.unwrap();
        assert_eq!(updated.json["priority"], 3);
        assert!(updated.updated_at >= created.updated_at);

        let note =
            client.add_note(id, &NewNote { body: "<div>first</div>".into(), private: true }).await.unwrap();
        assert_eq!(note.json["private"], true);
        let edited = client.update_note(note.id, "<div>first, edited</div>").await.unwrap();
        assert_eq!(edited.id, note.id);
        client.add_note(id, &NewNote { body: "second".into(), private: false }).await.unwrap();

        // The full ticket: requester embedded, every conversation, oldest first.
        let full = client.ticket(id).await.unwrap();
        assert_eq!(full.json["requester"]["email"], "tom@example.com", "{platform:?}: {}", full.json);
        let bodies: Vec<&str> = full.json["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies.len(), 2);
        assert!(bodies[0].contains("first, edited"), "{bodies:?}");

        let plain = client.ticket_plain(id).await.unwrap();
        assert!(plain.json.get("conversations").is_none());

        // Users: the requester created from the email, and the agent.
        let tom = client.user_by_email("TOM@example.com").await.unwrap().expect("the requester");
        assert_eq!(tom.email.as_deref(), Some("tom@example.com"));
        assert_eq!(client.user(tom.id).await.unwrap().map(|u| u.id), Some(tom.id));
        let ana = client.user_by_email("ana@example.com").await.unwrap().expect("the agent");
        assert_eq!(ana.name, "Ana Lima");
        assert_eq!(client.user_by_email("nobody@example.com").await.unwrap(), None);
        assert_eq!(client.user(987_654).await.unwrap(), None);
        assert_eq!(client.agents().await.unwrap().len(), 1);

        let stats = client.stats();
        assert!(stats.requests >= 12 && stats.retries == 0, "{stats:?}");
        assert!(stats.credits >= stats.requests, "includes cost extra credits: {stats:?}");
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn platform_errors_are_typed() {
    let sim = sim(SimPlatform::Freshdesk, |_| {}).await;
    let client = client(&sim);

    let mut bad = new_ticket(SimPlatform::Freshdesk, "a@example.com", "x");
    bad.insert("priorty".into(), json!(2));
    bad.insert("status".into(), json!(42));
    bad.remove("email");
    let error = client.create_ticket(&bad).await.unwrap_err();
    let ApiError::Validation { errors, .. } = &error else { panic!("{error:?}") };
    let codes: Vec<(&str, &str)> =
        errors.iter().map(|e| (e.field.as_deref().unwrap_or(""), e.code.as_str())).collect();
    assert!(codes.contains(&("priorty", "invalid_field")), "{codes:?}");
    assert!(codes.contains(&("status", "invalid_value")), "{codes:?}");
    assert!(codes.iter().any(|(_, code)| *code == "missing_field"), "{codes:?}");
    assert!(error.to_string().contains("`priorty`: Unexpected/invalid field in request"), "{error}");
    assert!(!error.is_temporary());

    assert!(
        matches!(client.ticket(424_242).await, Err(ApiError::NotFound { ref what, .. }) if what == "ticket 424242")
    );

    let wrong_key =
        Client::new(ClientConfig::new(PlatformKind::Freshdesk, sim.base_url(), ApiKey::new("nope"))).unwrap();
    let error = wrong_key.ticket_fields().await.unwrap_err();
    assert!(matches!(error, ApiError::Auth { status: 401, .. }), "{error:?}");
    assert!(!error.to_string().contains("nope"), "the key never shows: {error}");
    sim.shutdown().await;
}

/// Tickets updated one second apart from `base`, for the change feed.
fn seeded_tickets(platform: &str, count: i64) -> SeedState {
    let base = parse_time("2026-01-01T00:00:00Z").unwrap();
    let tickets: Vec<Value> = (1..=count)
        .map(|id| {
            json!({"id": id, "subject": format!("t{id}"), "status": 2, "priority": 1,
                   "created_at": format_time(base), "updated_at": format_time(base + id)})
        })
        .collect();
    seed(json!({"platform": platform, "tickets": tickets}))
}

async fn drain(client: &Client, cursor: &Cursor) -> (Vec<Ticket>, Cursor, u32) {
    let mut feed = client.changes(cursor);
    let mut all = Vec::new();
    while let Some(page) = feed.next_page().await.unwrap() {
        all.extend(page);
    }
    (all, feed.cursor(), feed.restarts())
}

#[tokio::test]
async fn the_change_feed_pages_dedupes_and_resumes_from_its_cursor() {
    for platform in [SimPlatform::Freshdesk, SimPlatform::Freshservice] {
        let sim = sim(platform, |c| c.seed = Some(seeded_tickets(platform.name(), 23))).await;
        let client = client_with(&sim, |c| c.per_page = 5);

        let start = Cursor::since(Utc.with_ymd_and_hms(2025, 12, 31, 0, 0, 0).unwrap());
        let (first, cursor, _) = drain(&client, &start).await;
        let mut ids: Vec<i64> = first.iter().map(|t| t.id).collect();
        ids.sort();
        assert_eq!(ids, (1..=23).collect::<Vec<_>>(), "{platform:?}: every ticket once, across 5 pages");
        let list_calls = sim.stats().by_route.get("GET /api/v2/tickets").map_or(0, |r| r.requests);
        assert_eq!(list_calls, 5, "{platform:?}: Link followed to the last page, not beyond");

        // Nothing changed: the next poll delivers nothing.
        let (again, cursor, _) = drain(&client, &cursor).await;
        assert!(again.is_empty(), "{platform:?}: {:?}", again.iter().map(|t| t.id).collect::<Vec<_>>());

        // Two tickets change: the next poll delivers exactly those.
        sim.advance_clock(Duration::from_secs(5));
        client.update_ticket(7, &body(json!({"priority": 2}))).await.unwrap();
        client.add_note(19, &NewNote { body: "hi".into(), private: true }).await.unwrap();
        let (changed, _, _) = drain(&client, &cursor).await;
        let mut ids: Vec<i64> = changed.iter().map(|t| t.id).collect();
        ids.sort();
        assert_eq!(ids, [7, 19], "{platform:?}");
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn a_scan_stopped_midway_resumes_without_handling_a_ticket_twice() {
    let base = parse_time("2026-01-01T00:00:00Z").unwrap();
    let at = |second: i64| Utc.timestamp_opt(base + second, 0).unwrap();
    for platform in [SimPlatform::Freshdesk, SimPlatform::Freshservice] {
        let sim = sim(platform, |c| c.seed = Some(seeded_tickets(platform.name(), 23))).await;
        let client = client_with(&sim, |c| c.per_page = 5);
        let start = Cursor::since(Utc.with_ymd_and_hms(2025, 12, 31, 0, 0, 0).unwrap());
        // Tickets 1–10 on the first two pages (updated a second apart, created together).
        let two_pages = || async {
            let mut feed = client.changes(&start);
            for _ in 0..2 {
                let page = feed.next_page().await.unwrap().unwrap();
                assert!(
                    page.iter().all(|t| t.id <= 10),
                    "{platform:?}: {:?}",
                    page.iter().map(|t| t.id).collect::<Vec<_>>()
                );
            }
            feed
        };
        let ids_of = |tickets: Vec<Ticket>| {
            let mut ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
            ids.sort();
            ids
        };

        // Stopped after two pages: the next scan delivers exactly the other thirteen.
        let progress = two_pages().await.progress(&[]);
        match platform {
            // Sorted by `updated_at`: resumed from the last one listed.
            SimPlatform::Freshdesk => assert_eq!(progress.since, Some(at(10))),
            // Sorted by creation: read again from the start, the handled versions left out.
            SimPlatform::Freshservice => assert_eq!(progress.since, start.since),
        }
        let (rest, _, _) = drain(&client, &progress).await;
        assert_eq!(ids_of(rest), (11..=23).collect::<Vec<_>>(), "{platform:?}");

        // Ticket 3 could not be handled: it comes again, the other nine do not.
        let progress = two_pages().await.progress(&[(3, at(3))]);
        let (rest, _, _) = drain(&client, &progress).await;
        let mut expected = vec![3];
        expected.extend(11..=23);
        assert_eq!(ids_of(rest), expected, "{platform:?}");
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn the_freshdesk_feed_restarts_before_the_300_page_stop() {
    let sim = sim(SimPlatform::Freshdesk, |c| c.seed = Some(seeded_tickets("freshdesk", 30_150))).await;
    let client = client(&sim);
    let (all, cursor, restarts) = drain(&client, &Cursor::default()).await;
    assert_eq!(restarts, 1);
    let mut ids: Vec<i64> = all.iter().map(|t| t.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30_150, "every ticket, none twice");
    assert_eq!(all.len(), 30_150);
    let statuses = &sim.stats().by_status;
    assert_eq!(statuses.get("400"), None, "page 301 was never asked for: {statuses:?}");
    assert!(cursor.since.is_some());
    sim.shutdown().await;
}

#[tokio::test]
async fn ticket_fields_become_a_schema_lock() {
    for (platform, field) in [(SimPlatform::Freshdesk, "cf_region"), (SimPlatform::Freshservice, "region")] {
        let sim = sim(platform, |c| {
            c.seed = Some(seed(json!({
                "custom_fields": [{"name": field, "label": "Region", "type": "dropdown", "choices": ["EMEA", "US"]}],
                "custom_statuses": [{"id": 8, "name": "In Work"}],
                "ticket_types": ["Question", "Incident"],
                "groups": [{"id": 12, "name": "Partners"}],
                "agents": [{"id": 1, "name": "Ana Lima", "email": "ana@example.com"}]
            })))
        })
        .await;
        let lock = client(&sim).instance_schema().await.unwrap();
        assert_eq!(lock.platform, platform.name());
        let region = lock.custom_fields.iter().find(|f| f.name == field).expect("the custom field");
        assert_eq!(
            (region.kind.as_str(), region.choices.clone()),
            ("dropdown", Some(vec!["EMEA".into(), "US".into()]))
        );
        assert!(lock.statuses.iter().any(|s| s.id == 8 && s.name == "In Work"), "{:?}", lock.statuses);
        assert!(lock.groups.iter().any(|g| g.id == 12 && g.name == "Partners"));
        assert_eq!(lock.agents[0].email, "ana@example.com");
        if platform == SimPlatform::Freshdesk {
            assert_eq!(
                lock.ticket_types.as_deref(),
                Some(&["Question".to_string(), "Incident".to_string()][..])
            );
        }
        sim.shutdown().await;
    }
}

/// Moves the simulator's clock to `second` of a minute, where its rate window is.
fn align_clock(sim: &SimHandle, second: i64) {
    let now = parse_time(&sim.now()).unwrap();
    let ahead = (second - now.rem_euclid(60)).rem_euclid(60);
    sim.advance_clock(Duration::from_secs(ahead as u64));
}

#[tokio::test]
async fn a_429_is_waited_out_and_the_budget_is_shared() {
    let sim = sim(SimPlatform::Freshdesk, |c| c.rate_limit_per_min = Some(30)).await;
    let client = client(&sim);
    client.create_ticket(&new_ticket(SimPlatform::Freshdesk, "a@example.com", "x")).await.unwrap();
    // Another client of the account spends the rest of the minute's budget; the window
    // ends two seconds later.
    align_clock(&sim, 57);
    let other = client_with(&sim, |_| {});
    let raw = replica_runtime::connector::http_client_builder().build().unwrap();
    loop {
        let answer = raw
            .get(format!("{}/api/v2/ticket_fields", sim.base_url()))
            .basic_auth(KEY, Some("X"))
            .send()
            .await
            .unwrap();
        if answer.status() == 429 {
            break;
        }
    }
    let started = Instant::now();
    let fields = other.ticket_fields().await.unwrap();
    assert!(!fields.is_empty());
    assert_eq!(other.stats().rate_limited, 1, "{:?}", other.stats());
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "waited for Retry-After: {:?}",
        started.elapsed()
    );

    // A Retry-After longer than the client waits for is handed to the caller.
    align_clock(&sim, 1);
    let impatient = client_with(&sim, |c| c.retry.max_retry_after = Duration::from_secs(5));
    loop {
        let answer = raw
            .get(format!("{}/api/v2/ticket_fields", sim.base_url()))
            .basic_auth(KEY, Some("X"))
            .send()
            .await
            .unwrap();
        if answer.status() == 429 {
            break;
        }
    }
    let error = impatient.ticket_fields().await.unwrap_err();
    assert!(
        matches!(error, ApiError::RateLimited { retry_after, .. } if retry_after > Duration::from_secs(5)),
        "{error:?}"
    );
    assert!(error.is_temporary());
    sim.shutdown().await;
}

#[tokio::test]
async fn calls_are_spread_when_the_budget_runs_low() {
    let sim = sim(SimPlatform::Freshdesk, |c| c.rate_limit_per_min = Some(120)).await;
    align_clock(&sim, 1);
    let raw = replica_runtime::connector::http_client_builder().build().unwrap();
    for _ in 0..110 {
        raw.get(format!("{}/api/v2/ticket_fields", sim.base_url()))
            .basic_auth(KEY, Some("X"))
            .send()
            .await
            .unwrap();
    }
    let client = client(&sim);
    let started = Instant::now();
    for _ in 0..6 {
        client.ticket_fields().await.unwrap();
    }
    // 10 left of 120 a minute is under the reserve (12): one call per half second.
    assert!(started.elapsed() >= Duration::from_millis(2400), "{:?}", started.elapsed());
    assert_eq!(client.stats().rate_limited, 0, "spreading kept the client under the limit");
    let budget = client.budget();
    assert_eq!(budget.total, Some(120));
    assert!(budget.remaining.is_some_and(|r| r <= 4), "{budget:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn faults_are_retried_or_reported_for_reconciliation() {
    // Latency is added to every call.
    let slow = sim(SimPlatform::Freshservice, |c| c.faults = "latency=120ms".parse().unwrap()).await;
    let started = Instant::now();
    client(&slow).ticket_fields().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(120));
    slow.shutdown().await;

    // 5xx and resets on reads are retried until they pass.
    let flaky =
        sim(SimPlatform::Freshdesk, |c| c.faults = "error_rate=0.4,reset_rate=0.2,seed=7".parse().unwrap())
            .await;
    let reader = client_with(&flaky, |c| c.retry.max_attempts = 12);
    for _ in 0..20 {
        reader.ticket_fields().await.unwrap();
    }
    assert!(reader.stats().retries > 0, "{:?}", reader.stats());
    let faults = &flaky.stats().faults;
    assert!(faults.errors > 0 && faults.resets > 0, "{faults:?}");

    // A read that keeps failing ends as a transient error after the attempts.
    flaky.set_faults("error_rate=1".parse().unwrap());
    let error = reader.ticket_fields().await.unwrap_err();
    assert!(matches!(error, ApiError::Transient { attempts: 12, .. }), "{error:?}");
    flaky.set_faults(FaultSpec::none());

    // A create whose answer is lost is not retried: it may exist (here it does).
    flaky.set_faults("drop_after_commit=1".parse().unwrap());
    let before = flaky.state().tickets.len();
    let error =
        reader.create_ticket(&new_ticket(SimPlatform::Freshdesk, "z@example.com", "lost")).await.unwrap_err();
    assert!(matches!(error, ApiError::OutcomeUnknown { .. }), "{error:?}");
    assert_eq!(flaky.state().tickets.len(), before + 1, "stored once, not sent again");

    // Same for a note.
    flaky.set_faults(FaultSpec::none());
    let ticket =
        reader.create_ticket(&new_ticket(SimPlatform::Freshdesk, "y@example.com", "t")).await.unwrap();
    flaky.set_faults("drop_after_commit=1".parse().unwrap());
    let error = reader.add_note(ticket.id, &NewNote { body: "n".into(), private: true }).await.unwrap_err();
    assert!(matches!(error, ApiError::OutcomeUnknown { .. }), "{error:?}");
    flaky.set_faults(FaultSpec::none());
    assert_eq!(reader.conversations(ticket.id).await.unwrap().len(), 1);

    // A reset before the platform acted is, to the client, the same unknown outcome.
    flaky.set_faults("reset_rate=1".parse().unwrap());
    let error = reader
        .create_ticket(&new_ticket(SimPlatform::Freshdesk, "x@example.com", "reset"))
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::OutcomeUnknown { .. }), "{error:?}");

    // A 5xx answer to a create means it was not stored: retried.
    flaky.set_faults("error_rate=0.5,seed=3".parse().unwrap());
    let count = flaky.state().tickets.len();
    for i in 0..5 {
        reader
            .create_ticket(&new_ticket(SimPlatform::Freshdesk, "w@example.com", &format!("r{i}")))
            .await
            .unwrap();
    }
    assert_eq!(flaky.state().tickets.len(), count + 5, "no duplicates from retried creates");
    flaky.shutdown().await;
}

#[tokio::test]
async fn a_platform_that_is_down_is_a_transient_error() {
    let sim = sim(SimPlatform::Freshdesk, |_| {}).await;
    let url = sim.base_url();
    sim.shutdown().await;
    let client = Client::new(ClientConfig {
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        },
        ..ClientConfig::new(PlatformKind::Freshdesk, url, ApiKey::new(KEY))
    })
    .unwrap();
    // Connecting failed, so even a create is safely retried and reported as transient.
    let error =
        client.create_ticket(&new_ticket(SimPlatform::Freshdesk, "a@example.com", "x")).await.unwrap_err();
    assert!(matches!(error, ApiError::Transient { attempts: 2, .. }), "{error:?}");
}

/// A server that answers every request with the next of `answers` (raw HTTP), round robin.
async fn broken_server(answers: Vec<Vec<u8>>) -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind(local()).await.unwrap();
    let address = listener.local_addr().unwrap();
    let answers = std::sync::Arc::new(answers);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (answers, next) = (answers.clone(), next.clone());
            tokio::spawn(async move {
                // Reads the request head (and whatever body came with it), answers, closes.
                let mut buffer = vec![0u8; 64 * 1024];
                let mut read = 0;
                while !buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                }
                let answer =
                    &answers[next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % answers.len()];
                let _ = stream.write_all(answer).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    address
}

fn raw(status: &str, headers: &[&str], body: &str) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nConnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    if !headers.iter().any(|h| h.to_ascii_lowercase().starts_with("content-length")) {
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text.into_bytes()
}

#[tokio::test]
async fn broken_api_answers_are_typed_errors_never_panics() {
    let nested = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let answers: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", raw("200 OK", &[], "<html>maintenance</html>")),
        ("empty body", raw("200 OK", &[], "")),
        ("null", raw("200 OK", &[], "null")),
        ("a list for an object", raw("200 OK", &[], "[]")),
        (
            "an id that is text",
            raw("200 OK", &[], r#"{"id": "seven", "updated_at": "2026-01-01T00:00:00Z"}"#),
        ),
        ("an id out of range", raw("200 OK", &[], r#"{"id": 1e400, "updated_at": "2026-01-01T00:00:00Z"}"#)),
        ("no updated_at", raw("200 OK", &[], r#"{"id": 1}"#)),
        ("a date that is not one", raw("200 OK", &[], r#"{"id": 1, "updated_at": "yesterday"}"#)),
        ("deep nesting", raw("200 OK", &[], &nested)),
        (
            "wrapped garbage",
            raw("200 OK", &[], r#"{"ticket": 5, "tickets": {"a": 1}, "conversations": "x"}"#),
        ),
        ("a list of odd items", raw("200 OK", &[], r#"[1, "two", null, {"id": -1}]"#)),
        ("a body cut short", raw("200 OK", &["Content-Length: 500"], r#"{"id": 1, "upd"#)),
        ("odd rate headers", raw("200 OK", &["X-RateLimit-Total: -4", "X-RateLimit-Remaining: lots"], "[]")),
        (
            "a next page elsewhere",
            raw("200 OK", &[r#"Link: <http://elsewhere.example/api/v2/tickets?page=2>; rel="next""#], "[]"),
        ),
        ("a next link that is not one", raw("200 OK", &[r#"Link: <::::>; rel="next""#], "[]")),
        ("429 for ages", raw("429 Too Many Requests", &["Retry-After: 99999999999"], "{}")),
        ("429 without a time", raw("429 Too Many Requests", &["Retry-After: soon"], "")),
        (
            "429 past the end of time",
            raw("429 Too Many Requests", &["Retry-After: 18446744073709551615"], ""),
        ),
        ("500 with a page", raw("500 Internal Server Error", &[], "<html>oops</html>")),
        ("404 garbage", raw("404 Not Found", &[], "{{{")),
        ("400 odd errors", raw("400 Bad Request", &[], r#"{"errors": "all of them"}"#)),
        ("not HTTP", b"SSH-2.0-OpenSSH_9.2\r\n\r\n".to_vec()),
        ("a status that is not one", b"HTTP/1.1 999999 What\r\nContent-Length: 0\r\n\r\n".to_vec()),
    ];
    let mut wrong = Vec::new();
    for platform in [PlatformKind::Freshdesk, PlatformKind::Freshservice] {
        for (what, answer) in &answers {
            let address = broken_server(vec![answer.clone()]).await;
            // A client per call: a 429's pause must not hold up the next case.
            let fresh = || {
                let mut config = ClientConfig::new(platform, &format!("http://{address}"), ApiKey::new(KEY));
                config.retry = RetryPolicy {
                    max_attempts: 2,
                    base_delay: Duration::from_millis(1),
                    max_delay: Duration::from_millis(2),
                    max_retry_after: Duration::from_secs(2),
                    max_rate_limited: 1,
                };
                Client::new(config).unwrap()
            };
            let note = NewNote { body: "hi".into(), private: true };
            let fields = body(json!({"subject": "s"}));
            // Each call gets 20 s (retries and pauses are short here): a hang is a failure.
            async fn outcome<T>(
                call: impl std::future::Future<Output = Result<T, ApiError>>,
            ) -> Result<(), String> {
                match tokio::time::timeout(Duration::from_secs(20), call).await {
                    Ok(result) => result.map(drop).map_err(|e| e.to_string()),
                    Err(_) => Err("HUNG".into()),
                }
            }
            let results: Vec<(&str, Result<(), String>)> = vec![
                ("ticket", outcome(fresh().ticket(1)).await),
                ("conversations", outcome(fresh().conversations(1)).await),
                ("changes", outcome(async { fresh().changes(&Cursor::default()).next_page().await }).await),
                ("create", outcome(fresh().create_ticket(&fields)).await),
                ("update", outcome(fresh().update_ticket(1, &fields)).await),
                ("note", outcome(fresh().add_note(1, &note)).await),
                ("agents", outcome(fresh().agents()).await),
            ];
            for (call, result) in results {
                match result {
                    Err(message) => {
                        if message.len() <= 10 || message == "HUNG" {
                            wrong.push(format!("{platform:?} {what} {call}: a bare error: {message:?}"));
                        }
                    }
                    // An empty list is a fine answer to a list call, and an object with an
                    // id a (minimal) note; nothing else here is.
                    Ok(()) if matches!(call, "changes" | "conversations" | "agents") => {}
                    Ok(())
                        if call == "note" && matches!(*what, "no updated_at" | "a date that is not one") => {}
                    Ok(()) => wrong
                        .push(format!("{platform:?} {what} {call}: a broken answer was taken as a good one")),
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
