//! Differential test: random snippets in the supported Groovy subset (DESIGN.md §2.1) run
//! through real Groovy 2.4 and through `replica_runtime::engine::eval`; their printed
//! results must agree (both failing counts as agreement).
//!
//! * `cargo test --test differential` runs 400 snippets from a fixed seed in one Groovy JVM.
//! * `REPLICA_DIFF_CASES=5000 REPLICA_DIFF_SEED=7 cargo test --test differential` for long runs
//!   by hand. Case `i` of seed `s` is reproducible alone: its generator is seeded with
//!   `case_seed(s, i)`.
//! * Skipped (with a message) when `groovy` is not installed.
//!
//! The generator (`differential/generator.rs`) steers clear of Replica's documented
//! divergences (32-bit Integer wrapping, Double, negative BigDecimal scales, map entries,
//! GString identity, `=~` matchers); any other difference is a bug. Every mismatch is listed,
//! and written to `differential-mismatches.tsv` in Cargo's test temporary directory.

#[path = "differential/generator.rs"]
mod generator;
#[path = "differential/groovy.rs"]
mod groovy;

use std::sync::mpsc;
use std::time::Duration;

use groovy::Outcome;

const DEFAULT_CASES: usize = 400;
const DEFAULT_SEED: u64 = 0x5EED_2024;
/// A snippet Replica takes longer than this on is reported as a hang.
const EVAL_TIMEOUT: Duration = Duration::from_secs(10);

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name} must be a number, not {text:?}")))
}

fn case_seed(seed: u64, index: usize) -> u64 {
    let mut rng = generator::Rng::new(seed ^ (index as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    rng.next_u64()
}

/// Replica's outcome, on a thread of its own so that a panic or a hang is reported, not fatal.
fn replica(source: &str) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let source_owned = source.to_string();
    let spawned = std::thread::Builder::new().stack_size(64 << 20).spawn(move || {
        let result = std::panic::catch_unwind(|| match replica_runtime::engine::eval(&source_owned) {
            Ok(value) => Outcome::Value(groovy::escape(&value.to_string())),
            Err(error) => Outcome::Error(groovy::escape(&error.to_string())),
        });
        let outcome = result.unwrap_or_else(|payload| {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Outcome::Error(format!("PANIC: {}", groovy::escape(&message)))
        });
        let _ = tx.send(outcome);
    });
    if let Err(e) = spawned {
        return Outcome::Error(format!("PANIC: cannot start a thread: {e}"));
    }
    rx.recv_timeout(EVAL_TIMEOUT).unwrap_or_else(|_| Outcome::Error("HANG: no result in 10 s".to_string()))
}

/// Whether the two outcomes agree. A Replica panic or hang never agrees.
fn agree(groovy: &Outcome, replica: &Outcome) -> bool {
    match (groovy, replica) {
        (Outcome::Value(a), Outcome::Value(b)) => a == b,
        (Outcome::Error(_), Outcome::Error(b)) => !b.starts_with("PANIC") && !b.starts_with("HANG"),
        _ => false,
    }
}

fn show(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Value(v) => v.clone(),
        Outcome::Error(e) => format!("ERROR {e}"),
    }
}

#[test]
fn replica_eval_agrees_with_groovy() {
    let Some(groovy_bin) = groovy::find() else {
        println!("skipped: groovy is not installed");
        return;
    };
    let cases = env_number("REPLICA_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let seed = env_number("REPLICA_DIFF_SEED").unwrap_or(DEFAULT_SEED);

    let snippets: Vec<String> =
        (0..cases).map(|i| generator::Gen::new(case_seed(seed, i)).snippet()).collect();
    let timeout = Duration::from_secs(120 + cases as u64 / 5);
    let expected = groovy::run(&groovy_bin, &snippets, timeout).unwrap_or_else(|e| panic!("{e}"));

    let mut mismatches = Vec::new();
    let mut groovy_errors = 0;
    for (i, (snippet, want)) in snippets.iter().zip(&expected).enumerate() {
        if matches!(want, Outcome::Error(_)) {
            groovy_errors += 1;
        }
        let got = replica(snippet);
        if !agree(want, &got) {
            mismatches.push((i, snippet, want, got));
        }
    }

    println!(
        "{cases} snippets (seed {seed:#x}): Groovy failed on {groovy_errors}, {} mismatches",
        mismatches.len()
    );
    let mut report = String::from("case\tsnippet\tgroovy\treplica\n");
    for (i, snippet, want, got) in &mismatches {
        report.push_str(&format!("{i}\t{snippet}\t{}\t{}\n", show(want), show(got)));
    }
    let report_path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("differential-mismatches.tsv");
    let _ = std::fs::write(&report_path, &report);

    // The generator must mostly produce code Groovy runs, or the test proves little.
    assert!(
        groovy_errors * 3 <= cases,
        "Groovy failed on {groovy_errors} of {cases} snippets: the generator is off"
    );
    if !mismatches.is_empty() {
        let mut message = format!(
            "{} of {cases} snippets differ between Groovy and Replica (seed {seed:#x}; also in {}):\n",
            mismatches.len(),
            report_path.display()
        );
        for (i, snippet, want, got) in &mismatches {
            message.push_str(&format!(
                "\n#{i}  {snippet}\n    groovy:  {}\n    replica: {}\n",
                show(want),
                show(got)
            ));
        }
        panic!("{message}");
    }
}

/// The generator alone: deterministic and single-line (runs without Groovy).
#[test]
fn snippets_are_deterministic_single_lines() {
    let make = |seed| -> Vec<String> {
        (0..200).map(|i| generator::Gen::new(case_seed(seed, i)).snippet()).collect()
    };
    let a = make(DEFAULT_SEED);
    assert_eq!(a, make(DEFAULT_SEED));
    assert_ne!(a, make(DEFAULT_SEED + 1));
    assert!(a.iter().all(|s| !s.contains('\n') && !s.is_empty()));
}
