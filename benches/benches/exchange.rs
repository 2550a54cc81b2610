//! The node-to-node exchange: replicas delivered to a node in another process, over HTTP,
//! signed (HMAC-SHA256) and stored durably by the receiver before it answers — side by side
//! with delivery to a node of the same process (straight into its SQLite store).
//!
//! The receiving node runs in a child process (this benchmark started again with
//! `REPLICA_EXCHANGE_CHILD` set): a real `Daemon` with a listener, a simulated platform and
//! rules without an incoming script, so that what is measured is the exchange: signing,
//! HTTP, verification, the replay check and the durable insert. That node is live, as in
//! production: it wakes on every delivery and marks each received replica applied in a
//! durable transaction of its own, sharing the disk and the store with the next delivery.
//! The in-process side stores into a node's store with no node applying, so it shows the
//! insert alone; the difference between the two is the HTTP exchange plus the receiver's
//! own work.
//!
//! Groups: `exchange_one` (one envelope per delivery: the latency a ticket pays) and
//! `exchange_batch_100` (100 envelopes per delivery: throughput, in replicas per second).
//!
//! Run: `cargo bench -p replica-benches --bench exchange`

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use replica_runtime::sync::envelope::Envelope;
use replica_runtime::sync::peer::{HttpPeer, InProcessPeer, Peer};
use replica_runtime::sync::signing::Secret;
use serde_json::{json, Value};

const SECRET: &str = "exchange-benchmark-shared-secret";

const RULES: &str = "platform freshservice\n\noutgoing {\n    replica.summary = entity.summary\n}\n";

/// A replica of a realistic size (about 2 KB): the corpus ticket's outgoing replica shape.
fn replica() -> Value {
    json!({
        "key": "141", "summary": "Printer on fire in the third-floor copy room",
        "description": "The printer started smoking after the toner change. ".repeat(12),
        "status": {"id": 2, "name": "Open"}, "priority": {"id": 4, "name": "Urgent"},
        "labels": ["hardware", "facilities", "urgent"],
        "reporter": {"id": 5, "email": "ana@customer.example", "displayName": "Ana Lima"},
        "comments": (1..=4).map(|i| json!({"id": i, "body": format!("<p>Update {i}: still burning.</p>"),
            "author": {"id": 1, "displayName": "Agent One"}, "internal": false, "created": "2026-11-20T10:00:00Z"}))
            .collect::<Vec<_>>(),
        "customKeys": {"region": "emea", "escalation": "urgent"}
    })
}

fn child(dir: &str) {
    let dir = Path::new(dir);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mut config =
        replica_runtime::sim::SimConfig::new(replica_runtime::sim::SimPlatform::Freshservice, "fs-key");
    config.faults = replica_runtime::sim::FaultSpec::none();
    let sim = runtime
        .block_on(replica_runtime::sim::SimHandle::start(config, "127.0.0.1:0".parse().unwrap()))
        .unwrap();
    let port = std::fs::read_to_string(dir.join("port")).unwrap();
    std::fs::write(dir.join("fs.key"), "fs-key").unwrap();
    std::fs::write(dir.join("secret"), SECRET).unwrap();
    std::fs::write(dir.join("fs.sync"), RULES).unwrap();
    std::fs::write(
        dir.join("fs.toml"),
        format!(
            "[[node]]\nname = \"fs\"\nplatform = \"freshservice\"\nurl = \"{}\"\napi_key_file = \"fs.key\"\nstate = \"fs.db\"\n\
             poll_interval = \"60s\"\nlisten = \"127.0.0.1:{}\"\n\n[[node.connection]]\nname = \"bench\"\nrules = \"fs.sync\"\n\
             peer = \"fd\"\npeer_url = \"http://127.0.0.1:1\"\nsecret_file = \"secret\"\n",
            sim.base_url(),
            port.trim()
        ),
    )
    .unwrap();
    let config = replica_runtime::sync::config::Config::read(&dir.join("fs.toml")).unwrap();
    let daemon = replica_runtime::sync::daemon::Daemon::start(
        &config,
        replica_runtime::sync::events::EventSink::none(),
        None,
    )
    .unwrap();
    std::fs::write(dir.join("ready"), "").unwrap();
    // Until the parent closes our stdin.
    let _ = std::io::Read::read(&mut std::io::stdin(), &mut [0u8; 1]);
    daemon.stop();
}

struct Receiver {
    child: Child,
    port: u16,
}

fn start_receiver(dir: &Path) -> Receiver {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    std::fs::write(dir.join("port"), port.to_string()).unwrap();
    let child = Command::new(std::env::current_exe().unwrap())
        .env("REPLICA_EXCHANGE_CHILD", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dir.join("ready").exists() {
        assert!(Instant::now() < deadline, "the receiving node did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    Receiver { child, port }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut receiver = start_receiver(dir.path());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let http = Peer::Http(
        HttpPeer::new(
            "fs",
            "fd",
            &format!("http://127.0.0.1:{}", receiver.port),
            "bench",
            Secret::new(SECRET),
            None,
        )
        .unwrap(),
    );
    let local =
        Peer::InProcess(InProcessPeer::new("fs", dir.path().join("local.db"), Arc::new(Default::default())));
    let seq = AtomicI64::new(1);
    let replica = replica();
    let envelopes = |count: usize| -> Vec<Envelope> {
        (0..count)
            .map(|i| {
                let n = seq.fetch_add(1, Ordering::Relaxed);
                Envelope {
                    connection: "bench".into(),
                    from: "fd".into(),
                    seq: n,
                    ticket: 1 + (i as i64 % 500),
                    twin: None,
                    replica: Some(replica.clone()),
                    sent_at: chrono::Utc::now(),
                }
            })
            .collect()
    };
    // Both paths work before anything is timed.
    runtime.block_on(http.deliver(&envelopes(1))).expect("delivery to the other process");
    runtime.block_on(local.deliver(&envelopes(1))).expect("delivery in process");

    for (group, count) in [("exchange_one", 1usize), ("exchange_batch_100", 100)] {
        let mut group = c.benchmark_group(group);
        group.throughput(Throughput::Elements(count as u64));
        group.sample_size(30);
        for (name, peer) in [("in_process", &local), ("signed_http_two_processes", &http)] {
            group.bench_function(name, |b| {
                b.iter_batched(
                    || envelopes(count),
                    |batch| runtime.block_on(peer.deliver(&batch)).unwrap(),
                    criterion::BatchSize::SmallInput,
                )
            });
        }
        group.finish();
    }
    drop(receiver.child.stdin.take());
    let _ = receiver.child.wait();
}

fn main() {
    if let Ok(dir) = std::env::var("REPLICA_EXCHANGE_CHILD") {
        child(&dir);
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
