//! Simulator throughput: requests per second that `replica sim` serves over loopback to one
//! reqwest client with keep-alive, one request at a time (the daemon's pattern against one
//! instance). Workloads: view one ticket, view one with `include=conversations,requester`,
//! list a page of 100 out of 1,000 recent tickets, search with a filter query, and create a
//! ticket (validation, requester look-up, storage). The criterion throughput is one element
//! per request, so `thrpt` reads as requests per second. Then the connector's overhead: the
//! same ticket view through `connector::Client` and as a bare reqwest call.
//!
//! Run: `cargo bench -p replica-benches --bench sim`

use std::net::SocketAddr;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use replica_runtime::connector::{ApiKey, Client, ClientConfig, PlatformKind};
use replica_runtime::sim::{SeedState, SimConfig, SimHandle, SimPlatform};
use serde_json::{json, Value};

const KEY: &str = "bench-key";

fn seed(now: &str) -> SeedState {
    let tickets: Vec<Value> = (1..=1_000)
        .map(|id| {
            json!({"id": id, "subject": format!("Ticket {id}"), "description": "<div>Printer <b>on fire</b></div>",
                   "requester_id": 100, "priority": 1 + id % 4, "status": 2 + id % 4,
                   "tags": ["bench"], "created_at": now, "updated_at": now})
        })
        .collect();
    let conversations: Vec<Value> = (1..=5)
        .map(|id| json!({"id": id, "ticket_id": 1, "body": format!("<p>note {id}</p>"), "private": true, "source": 2}))
        .collect();
    let text = json!({
        "contacts": [{"id": 100, "name": "Tom", "email": "tom@example.com"}],
        "tickets": tickets,
        "conversations": conversations
    });
    SeedState::from_json(&text.to_string()).expect("the bench seed is valid")
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let now = replica_runtime::sim::format_time(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64,
    );
    let mut config = SimConfig::new(SimPlatform::Freshdesk, KEY);
    config.seed = Some(seed(&now));
    let sim = runtime.block_on(SimHandle::start(config, addr)).expect("the simulator starts");
    let client = replica_runtime::connector::http_client_builder().pool_max_idle_per_host(1).build().unwrap();
    let base = sim.base_url();

    let get = |path: String| {
        let request = client.get(format!("{base}{path}")).basic_auth(KEY, Some("X"));
        async move {
            let response = request.send().await.expect("an answer");
            assert!(response.status().is_success(), "{}", response.status());
            response.bytes().await.expect("a body").len()
        }
    };
    let create = || {
        let request = client.post(format!("{base}/api/v2/tickets")).basic_auth(KEY, Some("X")).json(&json!({
            "subject": "Bench", "description": "<p>created by the benchmark</p>", "email": "tom@example.com",
            "priority": 2, "status": 2, "tags": ["bench"]
        }));
        async move {
            let response = request.send().await.expect("an answer");
            assert_eq!(response.status().as_u16(), 201);
            response.bytes().await.expect("a body").len()
        }
    };
    // Every workload answers correctly before it is timed (the asserts above run in each call).
    let page = runtime.block_on(async {
        let response = client
            .get(format!("{base}/api/v2/tickets?per_page=100"))
            .basic_auth(KEY, Some("X"))
            .send()
            .await
            .unwrap();
        response.json::<Vec<Value>>().await.unwrap().len()
    });
    assert_eq!(page, 100, "a list page holds 100 tickets");

    let mut group = c.benchmark_group("sim_freshdesk");
    group.throughput(Throughput::Elements(1));
    group.bench_function("view_ticket", |b| b.iter(|| runtime.block_on(get("/api/v2/tickets/1".into()))));
    group.bench_function("view_ticket_with_includes", |b| {
        b.iter(|| runtime.block_on(get("/api/v2/tickets/1?include=conversations,requester".into())))
    });
    group.bench_function("list_page_of_100", |b| {
        b.iter(|| runtime.block_on(get("/api/v2/tickets?per_page=100&page=3".into())))
    });
    group.bench_function("search_30_results", |b| {
        b.iter(|| {
            runtime.block_on(get("/api/v2/search/tickets?query=%22priority:4%20AND%20status:2%22".into()))
        })
    });
    group.bench_function("create_ticket", |b| b.iter(|| runtime.block_on(create())));
    group.finish();

    // The connector's cost per call, side by side with a bare request for the same ticket:
    // the rate budget, the retry loop, header parsing, JSON decoding and the typed ticket.
    let connector =
        Client::new(ClientConfig::new(PlatformKind::Freshdesk, base.clone(), ApiKey::new(KEY))).unwrap();
    let bare = || {
        let request = client.get(format!("{base}/api/v2/tickets/1")).basic_auth(KEY, Some("X"));
        async move {
            let response = request.send().await.expect("an answer");
            assert!(response.status().is_success());
            let ticket: Value =
                serde_json::from_slice(&response.bytes().await.expect("a body")).expect("JSON");
            ticket["id"].as_i64()
        }
    };
    assert_eq!(runtime.block_on(bare()), runtime.block_on(connector.ticket_plain(1)).ok().map(|t| t.id));
    let mut group = c.benchmark_group("connector_overhead");
    group.throughput(Throughput::Elements(1));
    group.bench_function("bare_reqwest_view", |b| b.iter(|| runtime.block_on(bare())));
    group.bench_function("connector_view", |b| {
        b.iter(|| runtime.block_on(connector.ticket_plain(1)).unwrap().id)
    });
    group.finish();
    let stats = sim.stats();
    println!(
        "simulator served {} requests ({} answered 2xx)",
        stats.requests,
        stats.by_status.iter().filter(|(s, _)| s.starts_with('2')).map(|(_, n)| n).sum::<u64>()
    );
    runtime.block_on(sim.shutdown());
}

criterion_group!(benches, bench);
criterion_main!(benches);
