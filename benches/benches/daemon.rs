//! The sync engine at scale: tickets first-synced from a simulated Freshdesk to a simulated
//! Freshservice by two nodes in this process (the daemon as `replica daemon` runs it).
//!
//! - `unlimited`: 10,000 tickets (`REPLICA_BENCH_TICKETS` to change), no rate limit: the
//!   time until all have arrived and the echo has settled, tickets per second, and API calls
//!   per ticket on each side (by route).
//! - `budget`: the same tickets with both accounts at 700 credits a minute (Freshdesk
//!   Enterprise), for `REPLICA_BENCH_BUDGET_SECS` seconds (default 120): tickets synced, 429
//!   answers, and the share of the budget used.
//!
//! This is a single timed run per scenario, not a criterion sample: one run takes minutes.
//! Run: `cargo bench -p replica-benches --bench daemon` (`-- unlimited` or `-- budget` runs one).

use std::time::{Duration, Instant};

use replica_runtime::connector::{ClientConfig, RetryPolicy};
use replica_runtime::sim::{format_time, SeedState, SimConfig, SimHandle, SimPlatform, SimStats};
use replica_runtime::sync::config::Config;
use replica_runtime::sync::daemon::{ClientTuning, Daemon};
use replica_runtime::sync::events::EventSink;
use serde_json::{json, Value};

const FD_RULES: &str = r#"platform freshdesk
trigger ticket "tag:'sync'"

outgoing {
    replica.key         = entity.key
    replica.summary     = entity.summary
    replica.description = entity.description_text
    replica.priority    = entity.priority
    replica.status      = entity.status
    replica.labels      = entity.labels
    replica.comments    = entity.comments
}

incoming {
    entity.comments = commentHelper.mergeComments(entity, replica)
}
"#;

const FS_RULES: &str = r#"platform freshservice

outgoing {
    replica.key      = entity.key
    replica.summary  = entity.summary
    replica.status   = entity.status
    replica.comments = entity.comments
}

incoming {
    entity.summary     = replica.summary
    entity.description = replica.description ?: "-"
    entity.priority    = nodeHelper.getPriority(replica.priority?.name ?: "Low")
    entity.status      = nodeHelper.getStatus(replica.status?.name ?: "Open")
    entity.comments    = commentHelper.mergeComments(entity, replica)
}
"#;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn seed(count: u64) -> SeedState {
    let now = chrono::Utc::now().timestamp() - 3_600;
    let tickets: Vec<Value> = (1..=count as i64)
        .map(|id| {
            json!({"id": id, "subject": format!("Ticket {id}"), "description": format!("<p>Details of {id}</p>"),
                   "status": 2, "priority": 1 + id % 4, "tags": ["sync"], "requester_id": 100,
                   "created_at": format_time(now - 10_000 + id / 2), "updated_at": format_time(now - 10_000 + id / 2)})
        })
        .collect();
    SeedState::from_json(
        &json!({"agents": [{"id": 1, "name": "Agent", "email": "agent@example.com"}],
                "contacts": [{"id": 100, "name": "Customer", "email": "customer@example.com"}],
                "tickets": tickets})
        .to_string(),
    )
    .expect("a valid seed")
}

struct Run {
    fd: SimHandle,
    fs: SimHandle,
    _dir: tempfile::TempDir,
    daemon: Option<Daemon>,
}

async fn start(count: u64, per_min: Option<u32>) -> Run {
    let sim = |platform, key: &str, seed: Option<SeedState>| {
        let mut config = SimConfig::new(platform, key);
        config.rate_limit_per_min = per_min;
        config.seed = seed;
        SimHandle::start(config, "127.0.0.1:0".parse().unwrap())
    };
    let fd = sim(SimPlatform::Freshdesk, "fd-key", Some(seed(count))).await.unwrap();
    let fs = sim(
        SimPlatform::Freshservice,
        "fs-key",
        Some(
            SeedState::from_json(r#"{"agents": [{"id": 1, "name": "Agent", "email": "agent@example.com"}]}"#)
                .unwrap(),
        ),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::write(path.join("fd.sync"), FD_RULES).unwrap();
    std::fs::write(path.join("fs.sync"), FS_RULES).unwrap();
    std::fs::write(path.join("fd.key"), "fd-key").unwrap();
    std::fs::write(path.join("fs.key"), "fs-key").unwrap();
    let config = format!(
        "[[node]]\nname = \"fd\"\nplatform = \"freshdesk\"\nurl = \"{}\"\napi_key_file = \"fd.key\"\nstate = \"fd.db\"\n\
         poll_interval = \"1s\"\nstart_from = \"beginning\"\n\
         [[node.connection]]\nname = \"bench\"\nrules = \"fd.sync\"\npeer = \"fs\"\n\
         [[node]]\nname = \"fs\"\nplatform = \"freshservice\"\nurl = \"{}\"\napi_key_file = \"fs.key\"\nstate = \"fs.db\"\n\
         poll_interval = \"1s\"\nstart_from = \"beginning\"\nrequester_email = \"sync@example.com\"\n\
         [[node.connection]]\nname = \"bench\"\nrules = \"fs.sync\"\npeer = \"fd\"\n",
        fd.base_url(),
        fs.base_url()
    );
    std::fs::write(path.join("node.toml"), config).unwrap();
    let config = Config::read(&path.join("node.toml")).unwrap();
    let tuning: ClientTuning = std::sync::Arc::new(|client: &mut ClientConfig| {
        client.retry = RetryPolicy { max_retry_after: Duration::from_secs(70), ..RetryPolicy::default() };
    });
    let daemon = tokio::task::spawn_blocking(move || Daemon::start(&config, EventSink::none(), Some(tuning)))
        .await
        .unwrap()
        .unwrap();
    Run { fd, fs, _dir: dir, daemon: Some(daemon) }
}

impl Run {
    async fn stop(mut self) {
        if let Some(daemon) = self.daemon.take() {
            tokio::task::spawn_blocking(move || daemon.stop()).await.unwrap();
        }
        self.fd.shutdown().await;
        self.fs.shutdown().await;
    }
}

fn routes(stats: &SimStats) -> String {
    let mut routes: Vec<(&String, u64)> = stats.by_route.iter().map(|(r, s)| (r, s.requests)).collect();
    routes.sort_by(|a, b| b.1.cmp(&a.1));
    routes.iter().map(|(route, n)| format!("{route} {n}")).collect::<Vec<_>>().join(", ")
}

async fn unlimited(count: u64) {
    let run = start(count, None).await;
    let started = Instant::now();
    let mut arrived_at = None;
    let mut last_requests = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let arrived = run.fs.state().tickets.len() as u64;
        if arrived >= count && arrived_at.is_none() {
            arrived_at = Some(started.elapsed());
        }
        // Settled: every ticket arrived and the two accounts see only polling.
        let requests = run.fd.stats().requests + run.fs.stats().requests;
        let polls_only = requests - last_requests <= 4;
        last_requests = requests;
        if arrived_at.is_some() && polls_only {
            break;
        }
        if started.elapsed() > Duration::from_secs(1800) {
            eprintln!("daemon bench: gave up after 30 minutes with {arrived} of {count} tickets");
            break;
        }
    }
    let arrived = arrived_at.unwrap_or_else(|| started.elapsed());
    let settled = started.elapsed();
    let (fd, fs) = (run.fd.stats(), run.fs.stats());
    println!("\n## unlimited: {count} tickets first-synced Freshdesk → Freshservice, no rate limit\n");
    println!("| measure | value |");
    println!("| --- | ---: |");
    println!("| all arrived after | {:.1} s |", arrived.as_secs_f64());
    println!("| tickets per second | {:.0} |", count as f64 / arrived.as_secs_f64());
    println!("| quiet after (echo settled) | {:.1} s |", settled.as_secs_f64());
    println!("| Freshdesk API calls per ticket | {:.2} |", fd.requests as f64 / count as f64);
    println!("| Freshservice API calls per ticket | {:.2} |", fs.requests as f64 / count as f64);
    println!(
        "| API calls per ticket, both sides | {:.2} |",
        (fd.requests + fs.requests) as f64 / count as f64
    );
    println!("\nFreshdesk calls by route: {}", routes(&fd));
    println!("Freshservice calls by route: {}", routes(&fs));
    run.stop().await;
}

async fn budget(count: u64, seconds: u64) {
    let per_min = 700;
    let run = start(count, Some(per_min)).await;
    let started = Instant::now();
    let first_minute = chrono::Utc::now().timestamp().div_euclid(60);
    let mut first_arrival = None;
    while started.elapsed() < Duration::from_secs(seconds) {
        if first_arrival.is_none() && !run.fs.state().tickets.is_empty() {
            first_arrival = Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let arrived = run.fs.state().tickets.len();
    let (fd, fs) = (run.fd.stats(), run.fs.stats());
    // The simulators count credits per minute of the clock (from second 0), as the platforms
    // do: the budget of the run is that of every minute it touched.
    let minutes = chrono::Utc::now().timestamp().div_euclid(60) - first_minute + 1;
    let allowed = (per_min as i64 * minutes) as f64;
    println!(
        "\n## budget: {count} tickets waiting, both accounts at {per_min} credits a minute, {seconds} s\n"
    );
    println!("| measure | Freshdesk | Freshservice |");
    println!("| --- | ---: | ---: |");
    println!("| requests | {} | {} |", fd.requests, fs.requests);
    println!("| credits charged | {} | {} |", fd.credits, fs.credits);
    println!(
        "| share of the budget used ({minutes} clock minutes × {per_min}) | {:.0} % | {:.0} % |",
        100.0 * fd.credits as f64 / allowed,
        100.0 * fs.credits as f64 / allowed
    );
    println!("| 429 answers | {} | {} |", fd.rate_limited, fs.rate_limited);
    println!(
        "\nTickets synced: {arrived} in {elapsed:.0} s ({:.1} per minute)",
        arrived as f64 * 60.0 / elapsed
    );
    match first_arrival {
        Some(at) => println!("First ticket arrived after {:.1} s", at.as_secs_f64()),
        None => println!("No ticket arrived"),
    }
    println!("Freshdesk calls by route: {}", routes(&fd));
    println!("Freshservice calls by route: {}", routes(&fs));
    run.stop().await;
}

fn main() {
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let count = env_number("REPLICA_BENCH_TICKETS", 10_000);
    if wanted("unlimited") {
        runtime.block_on(unlimited(count));
    }
    if wanted("budget") {
        runtime.block_on(budget(count, env_number("REPLICA_BENCH_BUDGET_SECS", 120)));
    }
}
