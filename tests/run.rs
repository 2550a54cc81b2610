//! `replica run`, `eval`, `compile` and `disasm` end to end: the examples and every corpus
//! rule run on the fixtures (the replica and the planned changes are snapshots), runtime
//! errors render like compile errors (one case per file in `tests/ui/run-errors/`), and the
//! limits stop runaway scripts.

use std::path::Path;

mod common;

use common::{replica, root};

/// Runs `replica` with `args` in the repository root; (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let output = replica().current_dir(root()).args(args).output().expect("replica runs");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).to_string();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

#[test]
fn the_acme_example_runs_both_ways() {
    let (code, replica_json, stderr) = run(&[
        "run",
        "examples/acme-freshdesk.sync",
        "--outgoing",
        "--entity",
        "examples/data/acme-ticket.json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("acme_outgoing", replica_json);
    let (code, changes, stderr) = run(&[
        "run",
        "examples/acme-freshdesk.sync",
        "--incoming",
        "--replica",
        "examples/data/globex-replica.json",
        "--entity",
        "examples/data/acme-ticket.json",
        "--users",
        "examples/data/acme-users.json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("acme_incoming", changes);
}

#[test]
fn a_first_sync_creates_the_ticket_from_the_replica() {
    let (code, changes, stderr) = run(&[
        "run",
        "examples/acme-freshdesk.sync",
        "--incoming",
        "--first-sync",
        "--replica",
        "examples/data/globex-replica.json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&changes).expect("JSON");
    assert_eq!(json["update"]["status"], 7, "Pending maps to Waiting on Third Party: {changes}");
}

/// Every rule file of the corpus on the fixtures of its platform.
#[test]
fn every_corpus_rule_runs_on_the_fixtures() {
    let Some(corpus) = replica_testkit::corpus("every_corpus_rule_runs_on_the_fixtures") else { return };
    let fixtures = corpus.join("fixtures");
    let replica_fixture = fixtures.join("replica-from-jira-like.json");
    let users = root().join("tests/data/corpus-users.json");
    for rules in replica_testkit::files(&corpus.join("rules"), "sync") {
        let text = replica_testkit::read(&rules);
        let platform = if text.contains("platform freshservice") { "freshservice" } else { "freshdesk" };
        let ticket = fixtures.join(format!("{platform}-ticket.json"));
        let paths = [&rules, &ticket, &replica_fixture, &users].map(|p| p.display().to_string());
        let [rules_path, ticket_path, replica_path, users_path] = paths;
        let name = replica_testkit::stem(&rules);
        let (code, out, err) =
            run(&["run", &rules_path, "--outgoing", "--entity", &ticket_path, "--users", &users_path]);
        assert_eq!(code, 0, "{name} outgoing: {err}");
        insta::assert_snapshot!(format!("corpus_{name}_outgoing"), out);
        let (code, out, err) = run(&[
            "run",
            &rules_path,
            "--incoming",
            "--replica",
            &replica_path,
            "--entity",
            &ticket_path,
            "--users",
            &users_path,
        ]);
        assert_eq!(code, 0, "{name} incoming: {err}");
        insta::assert_snapshot!(format!("corpus_{name}_incoming"), out);
    }
}

/// The bare scripts of the corpus, each in the direction its name says.
#[test]
fn every_corpus_script_runs_on_the_fixtures() {
    let Some(corpus) = replica_testkit::corpus("every_corpus_script_runs_on_the_fixtures") else { return };
    let fixtures = corpus.join("fixtures");
    for script in replica_testkit::files(&corpus.join("scripts"), "groovy") {
        let name = replica_testkit::stem(&script);
        let platform = if name.contains("freshservice") { "freshservice" } else { "freshdesk" };
        let ticket = fixtures.join(format!("{platform}-ticket.json")).display().to_string();
        let replica_path = fixtures.join("replica-from-jira-like.json").display().to_string();
        let script_path = script.display().to_string();
        let mut args = vec!["run", &script_path, "--entity", &ticket];
        if name.contains("incoming") {
            args.extend(["--incoming", "--replica", &replica_path]);
        } else {
            args.push("--outgoing");
        }
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{name}: {err}");
        insta::assert_snapshot!(format!("corpus_{name}"), out);
    }
}

/// Each file in `tests/ui/run-errors/` fails at run time (outgoing, on the example ticket);
/// the snapshot is what the user sees.
#[test]
fn runtime_errors_render_like_compile_errors() {
    insta::glob!("ui/run-errors/*.sync", |path| {
        let relative = path.strip_prefix(root()).expect("inside the repository").display().to_string();
        let (code, out, err) = run(&[
            "--color",
            "never",
            "run",
            &relative,
            "--outgoing",
            "--entity",
            "examples/data/acme-ticket.json",
        ]);
        assert_eq!(code, 1, "{relative} should fail at run time; printed {out}");
        insta::assert_snapshot!(err);
    });
}

#[test]
fn eval_prints_like_groovy_and_fails_with_a_rendered_error() {
    let (code, out, _) = run(&["eval", "def xs = [3, 1, 2]; xs.sort(); xs.collect { it * 1.5 }"]);
    assert_eq!((code, out.trim()), (0, "[1.5, 3.0, 4.5]"));
    let (code, _, err) = run(&["--color", "never", "eval", "def m = [:]\nm.a.b"]);
    assert_eq!(code, 1);
    assert!(err.contains("error[R0003]: Cannot get property 'b' on null object"), "{err}");
    assert!(err.contains("<eval>:2:1"), "{err}");
}

#[test]
fn compiled_bytecode_runs_like_the_source_and_disassembles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rbc = dir.path().join("acme.rbc").display().to_string();
    let (code, _, err) = run(&["compile", "examples/acme-freshdesk.sync", "-o", &rbc]);
    assert_eq!(code, 0, "{err}");
    let from_source = run(&[
        "run",
        "examples/acme-freshdesk.sync",
        "--outgoing",
        "--entity",
        "examples/data/acme-ticket.json",
    ]);
    let from_bytecode = run(&["run", &rbc, "--outgoing", "--entity", "examples/data/acme-ticket.json"]);
    assert_eq!(from_source.1, from_bytecode.1);
    let (code, listing, _) = run(&["disasm", &rbc]);
    assert_eq!(code, 0);
    assert!(listing.contains("GetSlot Ticket(freshdesk).summary"), "{listing}");
    // A damaged file is refused with a reason, never run.
    let mut bytes = std::fs::read(&rbc).expect("written");
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&rbc, bytes).expect("rewrite");
    let (code, _, err) = run(&["run", &rbc, "--outgoing", "--entity", "examples/data/acme-ticket.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot load"), "{err}");
}

#[test]
fn the_disassembly_of_the_examples_is_stable() {
    for example in ["examples/acme-freshdesk.sync", "examples/globex-freshservice.sync"] {
        let (code, listing, err) = run(&["disasm", example]);
        assert_eq!(code, 0, "{err}");
        // The layout hash changes with the schema data; the listing's shape should not.
        let listing: String = listing
            .lines()
            .map(|line| if line.starts_with("; layout:") { "; layout:   (hash)" } else { line })
            .collect::<Vec<_>>()
            .join("\n");
        let name = Path::new(example).file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("disasm_{name}"), listing);
    }
}
