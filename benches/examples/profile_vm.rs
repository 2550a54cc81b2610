//! A profiling harness for the VM benchmark's workloads, for callgrind and perf (instruction
//! counts stay repeatable on a loaded machine, unlike wall-clock time):
//!
//! `cargo build --release -p replica-benches --example profile_vm`, then e.g.
//! `valgrind --tool=callgrind target/release/examples/profile_vm m20 2000`.
//!
//! Modes: `m20` (the 20-field mapping on a decoded ticket), `m20json` (JSON text to JSON
//! text), `sp` (the status-priority incoming run with decoding its inputs), `spdec` (only
//! decoding those inputs), `sponly` (only the incoming runs, timed), `spjson` (JSON to JSON); `rust`, `rustjson`: the hand-written Rust peer's mapping; `rule FILE`: the outgoing
//! script of FILE on the decoded ticket; `dec`, `decv`: decoding the ticket from its text,
//! and from a `serde_json::Value`.
use replica_benches::fixtures;
use replica_benches::replica::Replica;
fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let n: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let ticket = fixtures::fixture(fixtures::FRESHDESK_TICKET).unwrap();
    let remote = fixtures::fixture(fixtures::REMOTE_REPLICA).unwrap();
    let t0 = std::time::Instant::now();
    match which.as_str() {
        "sp" => {
            let rule =
                fixtures::corpus_rules().into_iter().find(|r| r.name == "status-priority-maps").unwrap();
            let mut r = Replica::new("x", &rule.source).unwrap();
            let dec = r.ticket_decoder();
            for _ in 0..n {
                let rp = Replica::decode_replica(&remote);
                let t = dec(&ticket);
                std::hint::black_box(r.incoming(rp, t));
            }
        }
        "sponly" => {
            let rule =
                fixtures::corpus_rules().into_iter().find(|r| r.name == "status-priority-maps").unwrap();
            let mut r = Replica::new("x", &rule.source).unwrap();
            let dec = r.ticket_decoder();
            let mut total = std::time::Duration::ZERO;
            for _ in 0..n / 1000 {
                let inputs: Vec<_> =
                    (0..1000).map(|_| (Replica::decode_replica(&remote), dec(&ticket))).collect();
                let t = std::time::Instant::now();
                let mut outs = Vec::with_capacity(1000);
                for (rp, tk) in inputs {
                    outs.push(r.incoming(rp, tk));
                }
                total += t.elapsed();
                std::mem::forget(outs);
            }
            eprintln!("incoming only {:.2} us", total.as_secs_f64() * 1e6 / n as f64);
        }
        "spdec" => {
            let rule =
                fixtures::corpus_rules().into_iter().find(|r| r.name == "status-priority-maps").unwrap();
            let r = Replica::new("x", &rule.source).unwrap();
            let dec = r.ticket_decoder();
            for _ in 0..n {
                let rp = Replica::decode_replica(&remote);
                let t = dec(&ticket);
                std::hint::black_box((rp, t));
            }
        }
        "spjson" => {
            let rule =
                fixtures::corpus_rules().into_iter().find(|r| r.name == "status-priority-maps").unwrap();
            let mut r = Replica::new("x", &rule.source).unwrap();
            for _ in 0..n {
                std::hint::black_box(r.incoming_json(&remote, &ticket));
            }
        }
        "rust" => {
            let t: serde_json::Value = serde_json::from_str(&ticket).unwrap();
            for _ in 0..n {
                std::hint::black_box(replica_benches::peers::native::mapping20(std::hint::black_box(&t)));
            }
        }
        "rustjson" => {
            for _ in 0..n {
                std::hint::black_box(replica_benches::peers::native::mapping20_json(&ticket));
            }
        }
        // The outgoing script of any rule file (argument 3) on the Freshdesk ticket.
        "rule" => {
            let path = std::env::args().nth(3).expect("a rule file");
            let source = std::fs::read_to_string(&path).unwrap();
            let mut r = Replica::new(&path, &source).unwrap();
            let t = r.decode_ticket(&ticket);
            for _ in 0..n {
                std::hint::black_box(r.outgoing(&t));
            }
        }
        // The ticket's text to the ticket record; the same from a parsed `serde_json::Value`.
        "dec" => {
            let r = Replica::mapping20();
            for _ in 0..n {
                std::hint::black_box(r.decode_ticket(std::hint::black_box(&ticket)));
            }
        }
        "decv" => {
            let r = Replica::mapping20();
            let json: serde_json::Value = serde_json::from_str(&ticket).unwrap();
            for _ in 0..n {
                std::hint::black_box(
                    replica_runtime::entity::decode(&r.host, std::hint::black_box(&json)).unwrap(),
                );
            }
        }
        "m20" => {
            let mut r = Replica::mapping20();
            let t = r.decode_ticket(&ticket);
            for _ in 0..n {
                std::hint::black_box(r.outgoing(&t));
            }
        }
        "m20json" => {
            let mut r = Replica::mapping20();
            for _ in 0..n {
                std::hint::black_box(r.outgoing_json(&ticket));
            }
        }
        _ => panic!("sp|sponly|spdec|spjson|m20|m20json|rust|rustjson"),
    }
    eprintln!("{:.2} us/iter", t0.elapsed().as_secs_f64() * 1e6 / n as f64);
}
