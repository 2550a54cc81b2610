//! VM speed, side by side with peers: the same work in Replica, Rhai (AST walker), Lua 5.4
//! (mlua, vendored) and hand-written Rust over `serde_json`.
//!
//! Workloads, one criterion group each so that the engines sit side by side:
//! - `mapping20_decoded`, `mapping20_json`: the 20-field outgoing mapping of
//!   `benches/rules/mapping20.sync` on the corpus's Freshdesk ticket, (a) on an
//!   already-decoded ticket in each engine's own form, output left in that form, and (b) from
//!   the ticket's JSON text to the replica's JSON text, decoding and encoding included.
//! - `mapping20_replica_steps`: Replica's JSON-to-JSON path step by step (decode the text,
//!   run, encode to text; and decoding from a `serde_json::Value` for comparison), to show
//!   where its time goes.
//! - `status_priority_decoded`, `status_priority_json`: the incoming script of the corpus rule
//!   `status-priority-maps.sync` with the Jira-like replica fixture, likewise.
//! - `corpus_<rule>`: Replica alone, the outgoing and incoming scripts of every file of
//!   `../shared/corpus/rules` on the fixtures (`decoded` and `json` for each direction).
//!
//! Before anything is timed, each peer's JSON output must equal Replica's (fields written as
//! `null` by one side and left out by the other aside), so that all do the same work.
//! Replica's incoming runs change the ticket in place, so each of them gets freshly decoded
//! inputs, prepared outside the timing (`iter_batched`).
//!
//! At the end the bench prints the medians of this run side by side, the ratios to Replica,
//! and the targets of DESIGN §4 (≤ 2 µs decoded, ≤ 8 µs JSON to JSON, ≥ 5× faster than Rhai).
//!
//! Run: `cargo bench -p replica-benches --bench vm` (a filter after `--` runs a subset).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion};
use replica_benches::fixtures::{self, without_nulls};
use replica_benches::peers::{lua::LuaPeer, native, rhai::Rhai};
use replica_benches::replica::Replica;
use replica_runtime::{entity, json};

const ENGINES: [&str; 4] = ["replica", "rhai", "lua", "rust"];

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sample_size(30);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(2));
}

fn parse(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A peer's output must be Replica's.
fn assert_same(workload: &str, peer: &str, replica: &serde_json::Value, theirs: &serde_json::Value) {
    let (ours, theirs) = (without_nulls(replica), without_nulls(theirs));
    assert!(
        ours == theirs,
        "{workload}: {peer} computes another result than Replica\nReplica: {}\n{peer}: {}",
        serde_json::to_string_pretty(&ours).unwrap_or_default(),
        serde_json::to_string_pretty(&theirs).unwrap_or_default()
    );
}

fn mapping20(c: &mut Criterion) {
    let Some(ticket) = fixtures::fixture(fixtures::FRESHDESK_TICKET) else {
        eprintln!("vm: skipping mapping20: {} is absent", fixtures::corpus_dir().display());
        return;
    };
    let ticket = ticket.as_str();
    let mut replica = Replica::mapping20();
    let rhai = Rhai::mapping20();
    let lua = LuaPeer::mapping20();

    let expected = parse(&replica.outgoing_json(ticket));
    assert_same("mapping20", "rhai", &expected, &parse(&rhai.run_json(&[("entity", ticket)]).unwrap()));
    assert_same("mapping20", "lua", &expected, &parse(&lua.run_json(ticket).unwrap()));
    assert_same("mapping20", "rust", &expected, &parse(&native::mapping20_json(ticket)));
    eprintln!("vm: mapping20: all peers agree with Replica");

    let entity = replica.decode_ticket(ticket);
    let mut rhai_scope = rhai.scope(&[("entity", ticket)]);
    let lua_ticket = lua.decode(ticket);
    let rust_ticket = parse(ticket);
    let mut group = c.benchmark_group("mapping20_decoded");
    configure(&mut group);
    group.bench_function("replica", |b| b.iter(|| replica.outgoing(black_box(&entity))));
    group.bench_function("rhai", |b| b.iter(|| rhai.run(black_box(&mut rhai_scope)).unwrap()));
    group.bench_function("lua", |b| b.iter(|| lua.run(black_box(&lua_ticket)).unwrap()));
    group.bench_function("rust", |b| b.iter(|| native::mapping20(black_box(&rust_ticket))));
    group.finish();

    let mut group = c.benchmark_group("mapping20_json");
    configure(&mut group);
    group.bench_function("replica", |b| b.iter(|| replica.outgoing_json(black_box(ticket))));
    group.bench_function("rhai", |b| b.iter(|| rhai.run_json(&[("entity", black_box(ticket))]).unwrap()));
    group.bench_function("lua", |b| b.iter(|| lua.run_json(black_box(ticket)).unwrap()));
    group.bench_function("rust", |b| b.iter(|| native::mapping20_json(black_box(ticket))));
    group.finish();

    // Where Replica's JSON-to-JSON time goes, step by step: the ticket's text to the ticket
    // record, the run, the replica record to text; and, for comparison, decoding the ticket
    // from a `serde_json::Value` (what a caller that already parsed the JSON does).
    let replica_out = replica.outgoing(&entity);
    let mut group = c.benchmark_group("mapping20_replica_steps");
    configure(&mut group);
    group.bench_function("decode", |b| {
        b.iter(|| entity::decode_str(&replica.host, black_box(ticket)).map_err(|e| e.to_string()).unwrap())
    });
    group.bench_function("run", |b| b.iter(|| replica.outgoing(black_box(&entity))));
    group.bench_function("encode", |b| b.iter(|| json::replica_to_string(black_box(&replica_out))));
    group.bench_function("decode_value", |b| {
        b.iter(|| entity::decode(&replica.host, black_box(&rust_ticket)).map_err(|e| e.to_string()).unwrap())
    });
    group.finish();
}

/// The REST update inside Replica's planned changes (the part the peers compute).
fn update_of(changes: &serde_json::Value) -> serde_json::Value {
    changes.get("update").cloned().unwrap_or_else(|| changes.clone())
}

fn status_priority(c: &mut Criterion) {
    let rule = fixtures::corpus_rules().into_iter().find(|r| r.name == "status-priority-maps");
    let (Some(rule), Some(ticket), Some(remote)) =
        (rule, fixtures::fixture(fixtures::FRESHDESK_TICKET), fixtures::fixture(fixtures::REMOTE_REPLICA))
    else {
        eprintln!("vm: skipping status_priority: the corpus rule or its fixtures are absent");
        return;
    };
    let (ticket, remote) = (ticket.as_str(), remote.as_str());
    let mut replica =
        Replica::new(&rule.path.display().to_string(), &rule.source).unwrap_or_else(|e| panic!("{e}"));
    let rhai = Rhai::status_priority();
    let lua = LuaPeer::status_priority();

    let expected = update_of(&parse(&replica.incoming_json(remote, ticket)));
    let inputs = [("replica", remote), ("entity", ticket)];
    assert_same("status_priority", "rhai", &expected, &parse(&rhai.run_json(&inputs).unwrap()));
    assert_same("status_priority", "lua", &expected, &parse(&lua.run_json2(remote, ticket).unwrap()));
    assert_same(
        "status_priority",
        "rust",
        &expected,
        &parse(&native::status_priority_incoming_json(remote, ticket).unwrap()),
    );
    eprintln!("vm: status_priority plans {expected}; all peers agree with Replica");

    let mut rhai_scope = rhai.scope(&inputs);
    let lua_inputs = (lua.decode(remote), lua.decode(ticket));
    let rust_inputs = (parse(remote), parse(ticket));
    let mut group = c.benchmark_group("status_priority_decoded");
    configure(&mut group);
    let decode_ticket = replica.ticket_decoder();
    group.bench_function("replica", |b| {
        b.iter_batched(
            || (Replica::decode_replica(remote), decode_ticket(ticket)),
            |(r, t)| replica.incoming(r, t),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("rhai", |b| b.iter(|| rhai.run(black_box(&mut rhai_scope)).unwrap()));
    group.bench_function("lua", |b| b.iter(|| lua.run(black_box((&lua_inputs.0, &lua_inputs.1))).unwrap()));
    group.bench_function("rust", |b| {
        b.iter(|| {
            native::status_priority_incoming(black_box(&rust_inputs.0), black_box(&rust_inputs.1)).unwrap()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("status_priority_json");
    configure(&mut group);
    group.bench_function("replica", |b| {
        b.iter(|| replica.incoming_json(black_box(remote), black_box(ticket)))
    });
    group.bench_function("rhai", |b| b.iter(|| rhai.run_json(black_box(&inputs)).unwrap()));
    group.bench_function("lua", |b| b.iter(|| lua.run_json2(black_box(remote), black_box(ticket)).unwrap()));
    group.bench_function("rust", |b| {
        b.iter(|| native::status_priority_incoming_json(black_box(remote), black_box(ticket)).unwrap())
    });
    group.finish();
}

/// Replica alone on every corpus rule: outgoing on the platform's ticket, incoming with the
/// Jira-like replica on it.
fn corpus(c: &mut Criterion) {
    let rules = fixtures::corpus_rules();
    if rules.is_empty() {
        eprintln!("vm: skipping the corpus rules: {} is absent", fixtures::corpus_dir().display());
        return;
    }
    let remote = fixtures::fixture(fixtures::REMOTE_REPLICA);
    for rule in rules {
        let name = &rule.name;
        let path = rule.path.display().to_string();
        let ticket = fixtures::platform_of(&rule.source)
            .and_then(fixtures::ticket_fixture)
            .and_then(fixtures::fixture);
        let Some(ticket) = ticket else {
            eprintln!("vm: skipping {name}: no ticket fixture for its platform");
            continue;
        };
        let ticket = ticket.as_str();
        let mut replica = match Replica::new(&path, &rule.source) {
            Ok(replica) => replica,
            Err(e) => {
                eprintln!("vm: skipping {name}: {e}");
                continue;
            }
        };
        let mut group = c.benchmark_group(format!("corpus_{}", name.replace('-', "_")));
        configure(&mut group);
        if replica.has_outgoing() {
            match replica.try_outgoing_json(ticket) {
                Ok(_) => {
                    let entity = replica.decode_ticket(ticket);
                    group.bench_function("outgoing_decoded", |b| {
                        b.iter(|| replica.outgoing(black_box(&entity)))
                    });
                    group.bench_function("outgoing_json", |b| {
                        b.iter(|| replica.outgoing_json(black_box(ticket)))
                    });
                }
                Err(e) => eprintln!("vm: skipping {name} outgoing: {e}"),
            }
        }
        if let (true, Some(remote)) = (replica.has_incoming(), remote.as_deref()) {
            match replica.try_incoming_json(remote, ticket) {
                Ok(_) => {
                    let decode_ticket = replica.ticket_decoder();
                    group.bench_function("incoming_decoded", |b| {
                        b.iter_batched(
                            || (Replica::decode_replica(remote), decode_ticket(ticket)),
                            |(r, t)| replica.incoming(r, t),
                            BatchSize::SmallInput,
                        )
                    });
                    group.bench_function("incoming_json", |b| {
                        b.iter(|| replica.incoming_json(black_box(remote), black_box(ticket)))
                    });
                }
                Err(e) => eprintln!("vm: skipping {name} incoming: {e}"),
            }
        }
        group.finish();
    }
}

/// Where criterion writes its estimates: `$CRITERION_HOME`, `$CARGO_TARGET_DIR/criterion`, or
/// the `criterion` folder of the target directory this bench runs from.
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    // target/release/deps/vm-…
    let exe = std::env::current_exe().unwrap_or_default();
    exe.ancestors().nth(3).map_or_else(|| "target".into(), PathBuf::from).join("criterion")
}

/// The median of `group/function` in nanoseconds, when this run measured it.
fn median(group: &str, function: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir().join(group).join(function).join("new/estimates.json");
    let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
    if modified < since {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

fn micros(ns: Option<f64>) -> String {
    ns.map_or_else(|| "—".to_string(), |ns| format!("{:.2}", ns / 1000.0))
}

/// Prints this run's medians side by side, the ratios to Replica and the targets.
fn summary(since: SystemTime) {
    let mut lines = vec![
        "| workload | Replica µs | Rhai µs | Lua µs | Rust µs | Rhai/Replica | Lua/Replica | Rust/Replica |"
            .to_string(),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |".to_string(),
    ];
    let mut targets = Vec::new();
    for group in ["mapping20_decoded", "mapping20_json", "status_priority_decoded", "status_priority_json"] {
        let m: Vec<Option<f64>> = ENGINES.iter().map(|e| median(group, e, since)).collect();
        if m.iter().all(Option::is_none) {
            continue;
        }
        let ratio = |peer: Option<f64>| match (peer, m[0]) {
            (Some(p), Some(r)) if r > 0.0 => format!("{:.2}×", p / r),
            _ => "—".to_string(),
        };
        lines.push(format!(
            "| {group} | {} | {} | {} | {} | {} | {} | {} |",
            micros(m[0]),
            micros(m[1]),
            micros(m[2]),
            micros(m[3]),
            ratio(m[1]),
            ratio(m[2]),
            ratio(m[3])
        ));
        let limit = match group {
            "mapping20_decoded" => Some(2_000.0),
            "mapping20_json" => Some(8_000.0),
            _ => None,
        };
        if let (Some(limit), Some(ours)) = (limit, m[0]) {
            let verdict = if ours <= limit { "met" } else { "MISSED" };
            targets.push(format!(
                "{group}: Replica {} µs, target ≤ {} µs: {verdict}",
                micros(Some(ours)),
                limit / 1000.0
            ));
            if let Some(rhai) = m[1] {
                let verdict = if rhai / ours >= 5.0 { "met" } else { "MISSED" };
                targets.push(format!("{group}: Rhai/Replica {:.2}×, target ≥ 5×: {verdict}", rhai / ours));
            }
        }
    }
    let steps = ["decode", "run", "encode", "decode_value"];
    let steps: Vec<(&str, f64)> =
        steps.iter().filter_map(|s| Some((*s, median("mapping20_replica_steps", s, since)?))).collect();
    if !steps.is_empty() {
        let line: Vec<String> = steps.iter().map(|(s, ns)| format!("{s} {}", micros(Some(*ns)))).collect();
        targets.push(format!("mapping20, Replica's JSON-to-JSON steps (µs): {}", line.join(", ")));
    }
    for rule in fixtures::corpus_rules() {
        let group = format!("corpus_{}", rule.name.replace('-', "_"));
        for function in ["outgoing_decoded", "outgoing_json", "incoming_decoded", "incoming_json"] {
            if let Some(ns) = median(&group, function, since) {
                lines.push(format!("| {group}/{function} | {} | | | | | | |", micros(Some(ns))));
            }
        }
    }
    if lines.len() > 2 {
        eprintln!("\nMedians of this run (µs), and the peers' time as a multiple of Replica's:\n");
        for line in &lines {
            eprintln!("{line}");
        }
    }
    if !targets.is_empty() {
        eprintln!("\nTargets (DESIGN §4), and Replica's steps:");
        for target in &targets {
            eprintln!("  {target}");
        }
    }
}

fn main() {
    let since = SystemTime::now();
    let mut c = Criterion::default().configure_from_args();
    mapping20(&mut c);
    status_priority(&mut c);
    corpus(&mut c);
    c.final_summary();
    summary(since);
}
