//! End-to-end tests of the `replica` binary: exit codes, where output goes, the JSON shape,
//! and (as insta snapshots) what a person sees for a syntax error.
//!
//! Inputs are `examples/`, the files in `tests/ui/check/` and temporary files; nothing here
//! needs `../shared`.

use std::path::{Path, PathBuf};

mod common;

use common::{replica, root};

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sync"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "expected the example rule files in examples/");
    files
}

/// A temporary directory holding one file with the given name and content.
fn temp_file(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write temp file");
    (dir, path)
}

const UNTERMINATED: &str = "platform freshdesk\n\noutgoing {\n    replica.summary = \"open\n}\n";

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

// ------------------------------------------------------------------------------ check

#[test]
fn check_examples_is_clean_and_quiet() {
    let output = replica().arg("check").args(examples()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "");
    assert_eq!(text(&output.stderr), "", "a clean check prints nothing");
}

#[test]
fn check_verbose_says_ok_per_file() {
    let output = replica().args(["-v", "check"]).args(examples()).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = text(&output.stderr);
    for file in examples() {
        assert!(stderr.contains(&format!("{}: ok", file.display())), "{stderr}");
    }
}

#[test]
fn check_syntax_error_exits_1_with_position() {
    let (_dir, path) = temp_file("broken.sync", UNTERMINATED.as_bytes());
    let output = replica().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "", "human diagnostics go to stderr");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error[E0"), "{stderr}");
    assert!(stderr.contains(&format!("{}:4:", path.display())), "{stderr}");
    assert!(stderr.contains("error: found 1 error"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no colour when stderr is not a terminal");
}

#[test]
fn check_missing_file_exits_2() {
    let output = replica().args(["check", "no-such-file.sync"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error: cannot read `no-such-file.sync`: No such file or directory"), "{stderr}");
}

#[test]
fn check_goes_on_after_a_missing_file() {
    let (_dir, path) = temp_file("broken.sync", UNTERMINATED.as_bytes());
    let output = replica().args(["check", "missing.sync"]).arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "could not run on every file");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("cannot read `missing.sync`"), "{stderr}");
    assert!(stderr.contains("error[E0"), "the readable file is still checked:\n{stderr}");
}

#[test]
fn check_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = replica().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("error: cannot read"));
}

#[test]
fn bad_flags_exit_2() {
    let output = replica().args(["check", "--format", "xml", "x.sync"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = replica().args(["check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "FILE is required");
    let output = replica().args(["frobnicate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn every_command_has_help() {
    for command in [&["--help"][..], &["check", "--help"], &["parse", "--help"], &["explain", "--help"]] {
        let output = replica().args(command).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{command:?}");
        assert!(text(&output.stdout).contains("Usage: replica"), "{command:?}");
    }
}

#[test]
fn check_json_has_the_documented_fields() {
    let (_dir, path) = temp_file("broken.sync", UNTERMINATED.as_bytes());
    let output = replica().args(["check", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    let list = json.as_array().expect("an array of diagnostics");
    assert!(!list.is_empty());
    let first = &list[0];
    for field in ["code", "severity", "message", "file", "span", "line", "column", "labels", "notes", "help"]
    {
        assert!(first.get(field).is_some(), "missing `{field}` in {first:#}");
    }
    assert!(first["code"].as_str().unwrap().starts_with("E0"));
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], path.display().to_string());
    assert_eq!(first["line"], 4);
    assert!(first["column"].as_u64().unwrap() >= 1);
    assert!(first["span"]["start"].is_u64() && first["span"]["end"].is_u64());
    let label = &first["labels"][0];
    for field in ["span", "line", "column", "message", "primary"] {
        assert!(label.get(field).is_some(), "missing label `{field}` in {label:#}");
    }
    assert!(first["notes"].is_array());
}

#[test]
fn check_json_of_clean_files_is_an_empty_array() {
    let output = replica().args(["check", "--format", "json"]).args(examples()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json, serde_json::json!([]));
}

#[test]
fn invalid_utf8_is_a_diagnostic() {
    let (_dir, path) = temp_file("latin1.sync", b"platform freshdesk\n// caf\xE9\n");
    let output = replica().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error[E0001]"), "{stderr}");
    assert!(stderr.contains(&format!("{}:2:", path.display())), "{stderr}");
}

#[test]
fn groovy_files_are_bare_scripts() {
    let script = b"replica.summary = entity.summary\nreplica.status = entity.status\n";
    let (_dir, path) = temp_file("outgoing.groovy", script);
    // The name says the direction but not the platform: the tool asks for it.
    let output = replica().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "stderr:\n{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("--platform freshdesk|freshservice"), "{}", text(&output.stderr));
    // A name that says both, as Exalate exports do, is enough.
    let (_dir2, named) = temp_file("exalate-outgoing-freshdesk.groovy", script);
    let output = replica().arg("check").arg(&named).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
    let output = replica()
        .args(["check", "--script", "outgoing", "--platform", "freshdesk"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));

    // The same text as a `.sync` file has statements outside `outgoing { … }`.
    let (_dir2, sync) = temp_file("outgoing.sync", script);
    let output = replica().arg("check").arg(&sync).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let output = replica()
        .args(["check", "--script", "outgoing", "--platform", "freshdesk"])
        .arg(&sync)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let (_dir, path) = temp_file("broken.sync", UNTERMINATED.as_bytes());
    let always = replica().args(["--color", "always", "check"]).arg(&path).output().unwrap();
    assert!(text(&always.stderr).contains('\u{1b}'));
    let never = replica().args(["check", "--color", "never"]).arg(&path).output().unwrap();
    assert!(!text(&never.stderr).contains('\u{1b}'));
}

#[test]
fn quiet_drops_the_summary_but_not_the_error() {
    let (_dir, path) = temp_file("broken.sync", UNTERMINATED.as_bytes());
    let output = replica().args(["-q", "check"]).arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error[E0"), "{stderr}");
    assert!(!stderr.contains("error: found"), "{stderr}");
}

/// One snapshot per file in `tests/ui/check/`: the exit status and everything on stderr,
/// exactly as a person sees it. Add a `.sync` file there to add a case.
#[test]
fn check_ui() {
    insta::glob!("ui/check/*.sync", |path| {
        let dir = path.parent().unwrap();
        let name = path.file_name().unwrap();
        let output = replica().current_dir(dir).arg("check").arg(name).output().unwrap();
        let status = output.status.code().unwrap_or(-1);
        let snapshot = format!("exit status: {status}\n\n{}", text(&output.stderr));
        insta::assert_snapshot!(snapshot);
    });
}

// ------------------------------------------------------------------------------ parse

#[test]
fn parse_example_prints_an_sexp() {
    let example = &examples()[0];
    let output = replica().arg("parse").arg(example).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.trim_start().starts_with('('), "{stdout}");
    assert!(stdout.contains("freshdesk") || stdout.contains("freshservice"), "{stdout}");
    assert_eq!(text(&output.stderr), "");
}

#[test]
fn parse_json_is_json() {
    let example = &examples()[0];
    let output = replica().args(["parse", "--format", "json"]).arg(example).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(json.is_object(), "{json:#}");
}

#[test]
fn parse_with_errors_prints_nothing_on_stdout() {
    let (_dir, path) = temp_file("broken.sync", UNTERMINATED.as_bytes());
    let output = replica().arg("parse").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "");
    assert!(text(&output.stderr).contains("error[E0"));
}

#[test]
fn parse_script_flag_reads_a_bare_script() {
    let (_dir, path) = temp_file("body.txt", b"entity.summary = replica.summary\n");
    let output = replica().args(["parse", "--script"]).arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
    assert!(!output.stdout.is_empty());
}

#[test]
fn parse_missing_file_exits_2() {
    let output = replica().args(["parse", "nowhere.sync"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot read `nowhere.sync`"));
}

// ------------------------------------------------------------------------------ explain

#[test]
fn explain_a_known_code() {
    let output = replica().args(["explain", "E0003"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("E0003: "), "{stdout}");
    assert!(stdout.contains("Wrong:") && stdout.contains("Fixed:"), "{stdout}");
    // Codes are accepted in any case.
    let lower = replica().args(["explain", "e0003"]).output().unwrap();
    assert_eq!(lower.stdout, output.stdout);
}

#[test]
fn explain_an_unknown_code_exits_2() {
    let output = replica().args(["explain", "E9999"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(text(&output.stdout), "");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("unknown diagnostic code `E9999`"), "{stderr}");
    assert!(stderr.contains("E0003"), "says how codes look: {stderr}");
}

#[test]
fn explain_list_lists_every_code() {
    let output = replica().args(["explain", "--list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    for code in ["E0001", "E0003", "E0012"] {
        assert!(stdout.lines().any(|line| line.starts_with(code)), "{code} missing:\n{stdout}");
    }
}

#[test]
fn ui_fixtures_exist() {
    // Guards against the glob above silently matching nothing.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/check");
    let count = std::fs::read_dir(dir).map(|entries| entries.count()).unwrap_or(0);
    assert!(count > 0, "tests/ui/check/ has no cases");
}

// ------------------------------------------------------------------------------ semantic checks

/// A rule file whose only problem is a typo in a field name (line 4, column 30).
const FIELD_TYPO: &str = "platform freshdesk\n\noutgoing {\n    replica.summary = entity.sumary\n}\n";

/// A rule file writing a custom field with a typo: fine without a lock (custom fields are
/// not known), an error with one.
const CUSTOM_FIELD_TYPO: &str =
    "platform freshdesk\n\nincoming {\n    entity.custom_fields.cf_regoin = \"EMEA\"\n}\n";

const LOCK: &str = r#"{
  "version": 1,
  "platform": "freshdesk",
  "custom_fields": [
    { "name": "cf_region", "label": "Region", "type": "dropdown", "choices": ["EMEA", "US"] }
  ]
}"#;

/// The codes of a `check --format json` run.
fn json_codes(stdout: &[u8]) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(stdout).expect("stdout is one JSON document");
    json.as_array()
        .expect("an array of diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("a code").to_string())
        .collect()
}

#[test]
fn check_json_reports_a_semantic_error_with_its_position() {
    let (_dir, path) = temp_file("typo.sync", FIELD_TYPO.as_bytes());
    let output = replica().args(["check", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "stderr:\n{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let list = json.as_array().expect("an array");
    assert_eq!(list.len(), 1, "{json:#}");
    let error = &list[0];
    assert_eq!(error["code"], "E0101");
    assert_eq!(error["severity"], "error");
    assert_eq!(error["file"], path.display().to_string());
    assert_eq!(error["line"], 4);
    assert_eq!(error["column"], 30, "the column of `sumary`: {error:#}");
    let start = error["span"]["start"].as_u64().unwrap() as usize;
    let end = error["span"]["end"].as_u64().unwrap() as usize;
    assert_eq!(&FIELD_TYPO[start..end], "sumary");
    assert!(error["message"].as_str().unwrap().contains("`sumary`"), "{error:#}");
    assert!(error["help"].as_str().unwrap().contains("`summary`"), "did you mean: {error:#}");
}

#[test]
fn check_schema_flag_makes_a_custom_field_typo_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.sync");
    std::fs::write(&rules, CUSTOM_FIELD_TYPO).unwrap();
    // The lock lives elsewhere, so it is used only when given.
    let lock_dir = tempfile::tempdir().unwrap();
    let lock = lock_dir.path().join("acme.json");
    std::fs::write(&lock, LOCK).unwrap();

    let without = replica().args(["check", "--format", "json"]).arg(&rules).output().unwrap();
    assert_eq!(without.status.code(), Some(0), "stderr:\n{}", text(&without.stderr));
    assert_eq!(json_codes(&without.stdout), Vec::<String>::new());

    let with =
        replica().args(["check", "--format", "json", "--schema"]).arg(&lock).arg(&rules).output().unwrap();
    assert_eq!(with.status.code(), Some(1), "stderr:\n{}", text(&with.stderr));
    assert_eq!(json_codes(&with.stdout), ["E0117"]);

    let human = replica().args(["check", "--schema"]).arg(&lock).arg(&rules).output().unwrap();
    let stderr = text(&human.stderr);
    assert!(stderr.contains("error[E0117]"), "{stderr}");
    assert!(stderr.contains("did you mean `cf_region`?"), "{stderr}");
}

#[test]
fn check_finds_the_lock_next_to_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.sync");
    std::fs::write(&rules, CUSTOM_FIELD_TYPO).unwrap();
    std::fs::write(dir.path().join("replica.schema.json"), LOCK).unwrap();
    let output = replica().args(["check", "--format", "json"]).arg(&rules).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "stderr:\n{}", text(&output.stderr));
    assert_eq!(json_codes(&output.stdout), ["E0117"]);
    // Also when the file is named relative to the current directory.
    let output = replica().current_dir(dir.path()).args(["check", "rules.sync"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("error[E0117]"), "{}", text(&output.stderr));
}

#[test]
fn check_with_a_broken_lock_exits_2_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.sync");
    std::fs::write(&rules, CUSTOM_FIELD_TYPO).unwrap();
    let broken = dir.path().join("broken-lock.json");
    std::fs::write(&broken, "{ \"platform\": \"freshdesk\", \"custom_feilds\": [] }").unwrap();

    // Given with --schema.
    let output = replica().args(["check", "--schema"]).arg(&broken).arg(&rules).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "stderr:\n{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("broken-lock.json"), "the message names the lock: {stderr}");
    assert!(stderr.contains("custom_feilds"), "and says what is wrong: {stderr}");

    // Found next to the rules.
    std::fs::write(dir.path().join("replica.schema.json"), "{ not json").unwrap();
    let output = replica().arg("check").arg(&rules).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "stderr:\n{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("replica.schema.json"), "the message names the lock: {stderr}");
}

#[test]
fn explain_a_check_code() {
    let output = replica().args(["explain", "E0104"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("E0104: "), "{stdout}");
    assert!(stdout.contains("getStatus"), "{stdout}");
    assert!(stdout.contains("Wrong:") && stdout.contains("Fixed:"), "{stdout}");
}

#[test]
fn explain_list_includes_check_and_query_codes() {
    let output = replica().args(["explain", "--list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    for code in ["E0101", "E0201", "W0001"] {
        assert!(stdout.lines().any(|line| line.starts_with(code)), "{code} missing:\n{stdout}");
    }
}
