//! The sync engine end to end, in process: a simulated Freshdesk and a simulated
//! Freshservice, and the two nodes of a connection between them (`Daemon`), driven through
//! the platforms' APIs as their users would, and checked on the simulators' state.
//!
//! Waiting is for convergence (with a generous deadline), never a timed assertion.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use replica_runtime::connector::{ApiKey, Client, ClientConfig, NewNote, PlatformKind, RetryPolicy};
use replica_runtime::sim::{parse_time, SimConfig, SimHandle, SimPlatform};
use replica_runtime::sync::config::Config;
use replica_runtime::sync::daemon::{ClientTuning, Daemon};
use replica_runtime::sync::events::EventSink;
use replica_runtime::sync::store::{Direction, SqliteStore, Store};
use serde_json::{json, Map, Value};

const FD_KEY: &str = "fd-key";
const FS_KEY: &str = "fs-key";

/// Both sides send what they have and apply what they get; a summary containing `BOOM`
/// fails the incoming script on Freshservice (`debug.error`).
const FD_RULES: &str = r#"platform freshdesk
trigger ticket "tag:'sync'"

outgoing {
    replica.key         = entity.key
    replica.summary     = entity.summary
    replica.description = entity.description_text
    replica.priority    = entity.priority
    replica.status      = entity.status
    replica.comments    = entity.comments
}

incoming {
    entity.summary     = replica.summary
    entity.description = replica.description ?: "-"
    entity.priority    = nodeHelper.getPriority(replica.priority?.name ?: "Low")
    entity.status      = nodeHelper.getStatus(replica.status?.name ?: "Open")
    entity.comments    = commentHelper.mergeComments(entity, replica)
}
"#;

const FS_RULES: &str = r#"platform freshservice
trigger ticket "tag:'sync'"

outgoing {
    replica.key         = entity.key
    replica.summary     = entity.summary
    replica.description = entity.description_text
    replica.priority    = entity.priority
    replica.status      = entity.status
    replica.comments    = entity.comments
}

incoming {
    if (replica.summary?.contains("BOOM")) {
        debug.error("refusing " + replica.summary)
    }
    entity.summary     = replica.summary
    entity.description = replica.description ?: "-"
    entity.priority    = nodeHelper.getPriority(replica.priority?.name ?: "Low")
    entity.status      = nodeHelper.getStatus(replica.status?.name ?: "Open")
    entity.comments    = commentHelper.mergeComments(entity, replica)
}
"#;

struct Pair {
    fd: SimHandle,
    fs: SimHandle,
    fd_user: Client,
    fs_user: Client,
    dir: tempfile::TempDir,
    config: Config,
    daemon: Option<Daemon>,
}

async fn sim(platform: SimPlatform, key: &str, configure: impl FnOnce(&mut SimConfig)) -> SimHandle {
    let mut config = SimConfig::new(platform, key);
    config.seed = Some(
        replica_runtime::sim::SeedState::from_json(
            &json!({"agents": [{"id": 1, "name": "Agent One", "email": "one@example.com"}]}).to_string(),
        )
        .unwrap(),
    );
    configure(&mut config);
    SimHandle::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

fn user(platform: PlatformKind, sim: &SimHandle, key: &str) -> Client {
    Client::new(ClientConfig::new(platform, sim.base_url(), ApiKey::new(key))).unwrap()
}

fn write_config(dir: &Path, fd_url: &str, fs_url: &str) -> PathBuf {
    std::fs::write(dir.join("fd.sync"), FD_RULES).unwrap();
    std::fs::write(dir.join("fs.sync"), FS_RULES).unwrap();
    std::fs::write(dir.join("fd.key"), FD_KEY).unwrap();
    std::fs::write(dir.join("fs.key"), FS_KEY).unwrap();
    let text = format!(
        r#"
[[node]]
name = "fd"
platform = "freshdesk"
url = "{fd_url}"
api_key_file = "fd.key"
state = "fd.db"
poll_interval = "200ms"
start_from = "beginning"
requester_email = "sync@fd.example"

[[node.connection]]
name = "pair"
rules = "fd.sync"
peer = "fs"

[[node]]
name = "fs"
platform = "freshservice"
url = "{fs_url}"
api_key_file = "fs.key"
state = "fs.db"
poll_interval = "200ms"
start_from = "beginning"
requester_email = "sync@fs.example"

[[node.connection]]
name = "pair"
rules = "fs.sync"
peer = "fd"
"#
    );
    let path = dir.join("node.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn tuning() -> ClientTuning {
    std::sync::Arc::new(|client: &mut ClientConfig| {
        client.retry = RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(200),
            ..RetryPolicy::default()
        };
    })
}

impl Pair {
    async fn start(fd_faults: &str, fs_faults: &str) -> Pair {
        Pair::start_with(
            |fd| fd.faults = fd_faults.parse().unwrap(),
            |fs| fs.faults = fs_faults.parse().unwrap(),
        )
        .await
    }

    async fn start_with(fd: impl FnOnce(&mut SimConfig), fs: impl FnOnce(&mut SimConfig)) -> Pair {
        let fd = sim(SimPlatform::Freshdesk, FD_KEY, fd).await;
        let fs = sim(SimPlatform::Freshservice, FS_KEY, fs).await;
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), &fd.base_url(), &fs.base_url());
        let config = Config::read(&path).unwrap();
        let fd_user = user(PlatformKind::Freshdesk, &fd, FD_KEY);
        let fs_user = user(PlatformKind::Freshservice, &fs, FS_KEY);
        let mut pair = Pair { fd, fs, fd_user, fs_user, dir, config, daemon: None };
        pair.run().await;
        pair
    }

    async fn run(&mut self) {
        let config = self.config.clone();
        let daemon =
            tokio::task::spawn_blocking(move || Daemon::start(&config, EventSink::none(), Some(tuning())))
                .await
                .unwrap();
        self.daemon = Some(daemon.expect("the nodes start"));
    }

    async fn stop(&mut self) {
        if let Some(daemon) = self.daemon.take() {
            tokio::task::spawn_blocking(move || daemon.stop()).await.unwrap();
        }
    }

    fn store(&self, node: &str) -> SqliteStore {
        SqliteStore::open(&self.dir.path().join(format!("{node}.db"))).unwrap()
    }

    async fn finish(mut self) {
        self.stop().await;
        self.fd.shutdown().await;
        self.fs.shutdown().await;
    }
}

fn tickets(sim: &SimHandle) -> Vec<Map<String, Value>> {
    sim.state().tickets
}

fn ticket(sim: &SimHandle, id: i64) -> Map<String, Value> {
    tickets(sim).into_iter().find(|t| t["id"] == id).unwrap_or_else(|| panic!("no ticket {id}"))
}

fn with_subject(sim: &SimHandle, subject: &str) -> Vec<Map<String, Value>> {
    tickets(sim).into_iter().filter(|t| t.get("subject").and_then(Value::as_str) == Some(subject)).collect()
}

fn notes(sim: &SimHandle, ticket: i64) -> Vec<String> {
    sim.state()
        .conversations
        .iter()
        .filter(|c| c["ticket_id"] == ticket)
        .map(|c| c["body"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn until<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(Instant::now() < deadline, "{what} did not happen within a minute");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn new_ticket(platform: PlatformKind, subject: &str, tags: &[&str], priority: i64) -> Map<String, Value> {
    let mut body = json!({"email": "customer@example.com", "subject": subject, "description": format!("<p>{subject}</p>"),
                          "status": 2, "priority": priority, "tags": tags});
    if platform == PlatformKind::Freshdesk {
        body["source"] = json!(2);
    }
    body.as_object().unwrap().clone()
}

/// Lets a few poll rounds pass.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_fields_and_comments_sync_both_ways_once() {
    let pair = Pair::start("", "").await;

    // First sync, Freshdesk → Freshservice; an untagged ticket stays.
    let a = pair
        .fd_user
        .create_ticket(&new_ticket(PlatformKind::Freshdesk, "Alpha", &["sync"], 2))
        .await
        .unwrap();
    pair.fd_user.create_ticket(&new_ticket(PlatformKind::Freshdesk, "Local only", &[], 2)).await.unwrap();
    let a_twin = until("Alpha on Freshservice", || with_subject(&pair.fs, "Alpha").pop()).await;
    let a_twin_id = a_twin["id"].as_i64().unwrap();
    assert_eq!(a_twin["priority"], 2);

    // First sync, Freshservice → Freshdesk.
    let b = pair
        .fs_user
        .create_ticket(&new_ticket(PlatformKind::Freshservice, "Bravo", &["sync"], 3))
        .await
        .unwrap();
    let b_twin = until("Bravo on Freshdesk", || with_subject(&pair.fd, "Bravo").pop()).await;
    assert_eq!(b_twin["priority"], 3);

    // The twins are recorded on both sides; the created key went back.
    until("the twin link on the Freshdesk side", || pair.store("fd").remote_twin("pair", a.id).unwrap())
        .await;
    assert_eq!(pair.store("fd").remote_twin("pair", a.id).unwrap(), Some(a_twin_id));
    assert_eq!(pair.store("fs").local_twin("pair", a.id).unwrap(), Some(a_twin_id));

    // A field update travels.
    pair.fd_user.update_ticket(a.id, &json!({"priority": 4}).as_object().unwrap().clone()).await.unwrap();
    until("the priority on Freshservice", || (ticket(&pair.fs, a_twin_id)["priority"] == 4).then_some(()))
        .await;
    pair.fs_user
        .update_ticket(b.id, &json!({"subject": "Bravo 2"}).as_object().unwrap().clone())
        .await
        .unwrap();
    until("the new subject on Freshdesk", || with_subject(&pair.fd, "Bravo 2").pop()).await;

    // Comments both ways, each once.
    pair.fd_user.add_note(a.id, &NewNote { body: "from freshdesk".into(), private: false }).await.unwrap();
    pair.fs_user
        .add_note(a_twin_id, &NewNote { body: "from freshservice".into(), private: false })
        .await
        .unwrap();
    until("the Freshdesk comment on Freshservice", || {
        notes(&pair.fs, a_twin_id).iter().any(|n| n.contains("from freshdesk")).then_some(())
    })
    .await;
    until("the Freshservice comment on Freshdesk", || {
        notes(&pair.fd, a.id).iter().any(|n| n.contains("from freshservice")).then_some(())
    })
    .await;
    settle().await;
    assert_eq!(notes(&pair.fs, a_twin_id).len(), 2, "{:?}", notes(&pair.fs, a_twin_id));
    assert_eq!(notes(&pair.fd, a.id).len(), 2, "{:?}", notes(&pair.fd, a.id));
    assert_eq!(tickets(&pair.fs).len(), 2, "Alpha and Bravo, once each");
    assert_eq!(tickets(&pair.fd).len(), 3, "Alpha, Local only, Bravo's twin");

    // Quiet: with nobody working, only the ticket list is polled.
    let (fd_before, fs_before) = (pair.fd.stats(), pair.fs.stats());
    settle().await;
    let (fd_after, fs_after) = (pair.fd.stats(), pair.fs.stats());
    for (before, after, side) in
        [(&fd_before, &fd_after, "freshdesk"), (&fs_before, &fs_after, "freshservice")]
    {
        let list = "GET /api/v2/tickets";
        let others = |s: &replica_runtime::sim::SimStats| s.requests - s.route(list);
        assert_eq!(
            others(after),
            others(before),
            "{side}: calls other than polling while quiet: {:#?}",
            after.by_route
        );
        assert!(after.route(list) > before.route(list), "{side} is still polled");
    }
    pair.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_item_is_parked_and_blocks_only_its_twin() {
    let pair = Pair::start("", "").await;
    let boom = pair
        .fd_user
        .create_ticket(&new_ticket(PlatformKind::Freshdesk, "BOOM one", &["sync"], 1))
        .await
        .unwrap();
    pair.fd_user.create_ticket(&new_ticket(PlatformKind::Freshdesk, "Fine one", &["sync"], 1)).await.unwrap();
    until("the fine ticket on Freshservice", || with_subject(&pair.fs, "Fine one").pop()).await;
    let failure = until("the parked failure", || pair.store("fs").failures().unwrap().pop()).await;
    assert_eq!((failure.direction, failure.ticket), (Direction::Incoming, boom.id));
    assert!(failure.summary.contains("refusing BOOM one"), "{}", failure.summary);
    assert!(
        failure.rendered.contains("fs.sync:"),
        "rendered with the rule file's position:\n{}",
        failure.rendered
    );
    assert!(failure.rendered.contains("debug.error"), "{}", failure.rendered);

    // Later changes of that twin wait; others keep flowing.
    pair.fd_user.update_ticket(boom.id, &json!({"priority": 3}).as_object().unwrap().clone()).await.unwrap();
    pair.fd_user.create_ticket(&new_ticket(PlatformKind::Freshdesk, "Fine two", &["sync"], 1)).await.unwrap();
    until("the second fine ticket", || with_subject(&pair.fs, "Fine two").pop()).await;
    assert!(with_subject(&pair.fs, "BOOM one").is_empty());
    assert_eq!(pair.store("fs").failures().unwrap().len(), 1);

    // Fixed at the source (the subject no longer triggers the error), then retried: the
    // twin catches up with the latest replica in one step.
    pair.fd_user
        .update_ticket(boom.id, &json!({"subject": "Calm one"}).as_object().unwrap().clone())
        .await
        .unwrap();
    settle().await;
    assert!(with_subject(&pair.fs, "Calm one").is_empty(), "still blocked before the retry");
    assert!(pair.store("fs").release(failure.id).unwrap());
    let calm = until("the retried ticket", || with_subject(&pair.fs, "Calm one").pop()).await;
    assert_eq!(calm["priority"], 3, "the change made while parked arrived too");
    assert!(pair.store("fs").failures().unwrap().is_empty());
    assert!(with_subject(&pair.fs, "BOOM one").is_empty());
    pair.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answers_and_server_errors_converge_without_duplicates() {
    let pair =
        Pair::start("error_rate=0.1,seed=5", "drop_after_commit=0.4,error_rate=0.15,reset_rate=0.05,seed=11")
            .await;
    let mut ids = Vec::new();
    for i in 0..12 {
        let body = new_ticket(PlatformKind::Freshdesk, &format!("Bulk {i}"), &["sync"], 1);
        ids.push(retry(|| pair.fd_user.create_ticket(&body)).await);
    }
    for i in 0..12 {
        until("every ticket on Freshservice", || {
            (with_subject(&pair.fs, &format!("Bulk {i}")).len() == 1).then_some(())
        })
        .await;
    }
    // Comments whose note answers may be lost, too.
    for &id in &ids[..4] {
        retry_note(&pair.fd_user, id, "a comment").await;
    }
    for &id in &ids[..4] {
        let twin = until("the twin", || pair.store("fd").remote_twin("pair", id).unwrap()).await;
        until("the comment on the twin", || {
            notes(&pair.fs, twin).iter().any(|n| n.contains("a comment")).then_some(())
        })
        .await;
    }
    settle().await;
    assert_eq!(tickets(&pair.fs).len(), 12, "no duplicate creates");
    for &id in &ids[..4] {
        let twin = pair.store("fd").remote_twin("pair", id).unwrap().unwrap();
        let copies = notes(&pair.fs, twin).iter().filter(|n| n.contains("a comment")).count();
        assert_eq!(copies, 1, "ticket {twin}: {:?}", notes(&pair.fs, twin));
    }
    let faults = pair.fs.stats().faults;
    assert!(faults.dropped_after_commit > 0 && faults.errors > 0, "the faults happened: {faults:?}");
    assert!(pair.store("fs").failures().unwrap().is_empty(), "{:?}", pair.store("fs").failures().unwrap());
    pair.finish().await;
}

/// The test's own calls meet the faults too: try again until one goes through.
async fn retry<F, Fut>(call: F) -> i64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<
        Output = Result<replica_runtime::connector::Ticket, replica_runtime::connector::ApiError>,
    >,
{
    for _ in 0..20 {
        if let Ok(ticket) = call().await {
            return ticket.id;
        }
    }
    panic!("the simulator never accepted the call");
}

async fn retry_note(client: &Client, ticket: i64, body: &str) {
    for _ in 0..20 {
        if client.add_note(ticket, &NewNote { body: body.into(), private: false }).await.is_ok() {
            return;
        }
    }
    panic!("the note never went through");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_429s_is_waited_out() {
    let pair = Pair::start_with(|_| {}, |fs| fs.rate_limit_per_min = Some(400)).await;
    let a = pair
        .fd_user
        .create_ticket(&new_ticket(PlatformKind::Freshdesk, "Before", &["sync"], 1))
        .await
        .unwrap();
    until("the first ticket", || with_subject(&pair.fs, "Before").pop()).await;
    // Another application spends Freshservice's minute three seconds before it ends.
    let now = parse_time(&pair.fs.now()).unwrap();
    pair.fs.advance_clock(Duration::from_secs(((57 - now.rem_euclid(60)).rem_euclid(60)) as u64));
    let raw = replica_runtime::connector::http_client_builder().build().unwrap();
    loop {
        let answer = raw
            .get(format!("{}/api/v2/ticket_form_fields", pair.fs.base_url()))
            .basic_auth(FS_KEY, Some("X"))
            .send()
            .await
            .unwrap();
        if answer.status() == 429 {
            break;
        }
    }
    pair.fd_user
        .update_ticket(a.id, &json!({"subject": "After"}).as_object().unwrap().clone())
        .await
        .unwrap();
    until("the update through the 429s", || with_subject(&pair.fs, "After").pop()).await;
    assert!(pair.fs.stats().rate_limited > 0);
    assert!(pair.store("fs").failures().unwrap().is_empty());
    pair.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_picks_up_where_it_stopped() {
    let mut pair = Pair::start("", "").await;
    let a =
        pair.fd_user.create_ticket(&new_ticket(PlatformKind::Freshdesk, "Kept", &["sync"], 1)).await.unwrap();
    until("the ticket", || with_subject(&pair.fs, "Kept").pop()).await;
    pair.stop().await;
    // While both nodes are down, the ticket changes and a new one is made.
    pair.fd_user.update_ticket(a.id, &json!({"priority": 4}).as_object().unwrap().clone()).await.unwrap();
    pair.fd_user
        .create_ticket(&new_ticket(PlatformKind::Freshdesk, "Made while down", &["sync"], 1))
        .await
        .unwrap();
    pair.run().await;
    until("the ticket made while down", || with_subject(&pair.fs, "Made while down").pop()).await;
    until("the change made while down", || {
        with_subject(&pair.fs, "Kept").pop().filter(|t| t["priority"] == 4)
    })
    .await;
    settle().await;
    assert_eq!(tickets(&pair.fs).len(), 2);
    pair.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_under_a_rate_budget_travels_page_by_page_and_a_stop_keeps_its_progress() {
    // 1,000 tagged tickets and 600 credits a minute: the whole backlog takes minutes (two
    // calls a ticket), the first page of 100 a few seconds.
    let backlog: Vec<Value> = (1..=1000)
        .map(|id| {
            json!({"id": id, "subject": format!("Backlog {id}"), "description": "<p>old</p>", "status": 2,
                   "priority": 1, "tags": ["sync"], "requester_id": 100,
                   "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-02T00:00:00Z"})
        })
        .collect();
    let seed = json!({"agents": [{"id": 1, "name": "Agent One", "email": "one@example.com"}],
                      "contacts": [{"id": 100, "name": "Customer", "email": "customer@example.com"}],
                      "tickets": backlog});
    let mut pair = Pair::start_with(
        |fd| {
            fd.rate_limit_per_min = Some(600);
            fd.seed = Some(replica_runtime::sim::SeedState::from_json(&seed.to_string()).unwrap());
        },
        |_| {},
    )
    .await;

    // Tickets arrive long before the scan of the backlog could have ended.
    until("the first tickets of the backlog on Freshservice", || {
        Some(tickets(&pair.fs).len()).filter(|&n| n >= 100)
    })
    .await;
    pair.stop().await;
    let arrived: Vec<i64> = tickets(&pair.fs)
        .iter()
        .map(|t| t["subject"].as_str().unwrap().trim_start_matches("Backlog ").parse().unwrap())
        .collect();
    assert!(arrived.len() < 1000, "the stop waited for the whole backlog");

    // The stopped node kept its place: every ticket that travelled is marked handled, so a
    // restart does not fetch it again.
    let cursor = pair.store("fd").cursor().unwrap().expect("a cursor was stored");
    let backlog_second = parse_time("2026-01-02T00:00:00Z").unwrap();
    assert!(
        cursor.since.is_none_or(|since| since.timestamp() <= backlog_second),
        "the rest of the backlog is resumed, not skipped: {:?}",
        cursor.since
    );
    for id in &arrived {
        assert!(
            cursor.seen.iter().any(|(seen, _)| seen == id),
            "ticket {id} travelled but is not marked handled"
        );
    }
    let mut unique = arrived.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), arrived.len(), "a ticket arrived twice");
    pair.finish().await;
}
