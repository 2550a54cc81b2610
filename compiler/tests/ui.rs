//! File-based UI tests of the checker: one case per file under `tests/ui/check/`, found
//! with `insta::glob!`.
//!
//! - `errors/`: each case reports diagnostics; together they cover every code of the checker
//!   and of trigger queries. A `// expect: E0101, W0003` line in its header lists the codes,
//!   in the order of their positions in the file (syntax and checker diagnostics together,
//!   as `replica check` reports them); the rendered output (as on a terminal, without
//!   colour) is snapshotted.
//! - `errors-with-lock/`: the same, checked with the schema lock `replica.schema.json` of
//!   that folder (custom fields, custom statuses, ticket types of one instance).
//! - `clean/` and `clean-with-lock/`: realistic scripts that must produce no diagnostic at
//!   all, not even a warning. A diagnostic there is a false positive.
//!
//! Every case starts with `//` comment lines saying what it tests. `.sync` files are rule
//! files; `.groovy` files are bare scripts whose name says the direction and the platform
//! (`…-incoming-freshdesk.groovy`), as Exalate exports do.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use replica_testkit::{display_name, read_case};

use replica_compiler::codes::CHECK_CODES;
use replica_compiler::grammar::ast::Direction;
use replica_compiler::grammar::{parse, render::render, Diagnostic, Mode};
use replica_compiler::lock::{SchemaLock, LOCK_FILE_NAME};
use replica_compiler::query::QUERY_CODES;
use replica_compiler::{file, SourceKind};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/check");

/// How to read a case: a rule file, or a bare script for the direction and platform its
/// name gives.
fn kind_of(path: &Path) -> (Mode, SourceKind) {
    let name = path.file_name().expect("case file").to_string_lossy().to_lowercase();
    if name.ends_with(".sync") {
        return (Mode::Rules, SourceKind::Rules);
    }
    let direction = if name.contains("-outgoing-") {
        Direction::Outgoing
    } else if name.contains("-incoming-") {
        Direction::Incoming
    } else {
        panic!("{}: a .groovy case needs `-outgoing-` or `-incoming-` in its name", display_name(path))
    };
    let platform = if name.ends_with("-freshdesk.groovy") {
        "freshdesk"
    } else if name.ends_with("-freshservice.groovy") {
        "freshservice"
    } else {
        panic!(
            "{}: a .groovy case name ends in `-freshdesk.groovy` or `-freshservice.groovy`",
            display_name(path)
        )
    };
    (Mode::Script, SourceKind::Script { direction, platform: platform.to_string() })
}

/// The lock of a case's folder, read as `replica check` reads it.
fn folder_lock(path: &Path) -> SchemaLock {
    let lock = path.parent().expect("case folder").join(LOCK_FILE_NAME);
    SchemaLock::read(&lock).unwrap_or_else(|e| panic!("{e}"))
}

/// What `replica check` reports for a case (its pipeline, `file::check_parsed`).
fn diagnose(path: &Path, source: &str, lock: Option<&SchemaLock>) -> Vec<Diagnostic> {
    let (mode, kind) = kind_of(path);
    let parsed = parse(source, mode);
    let lock = lock.map(std::borrow::Cow::Borrowed);
    let checked = file::check_parsed(&parsed, || Ok::<_, std::convert::Infallible>((kind, lock)));
    checked.unwrap_or_else(|never| match never {}).diagnostics
}

fn rendered(diagnostics: &[Diagnostic], name: &str, source: &str) -> String {
    render(diagnostics, name, source, false)
}

/// The codes listed on `// expect: …` lines of a case header.
fn expected_codes(source: &str) -> Vec<String> {
    source
        .lines()
        .take_while(|line| line.starts_with("//"))
        .filter_map(|line| line.strip_prefix("// expect:"))
        .flat_map(|codes| codes.split(',').map(|code| code.trim().to_string()))
        .filter(|code| !code.is_empty())
        .collect()
}

/// An `errors…/` case: the codes are the expected ones. Returns the rendered output, for
/// the caller to snapshot (so that each folder has its own snapshot names).
fn error_case(path: &Path, lock: Option<&SchemaLock>) -> String {
    let name = display_name(path);
    let source = read_case(path);
    let diagnostics = diagnose(path, &source, lock);
    let text = rendered(&diagnostics, &name, &source);

    let expected = expected_codes(&source);
    assert!(!expected.is_empty(), "{name} needs a `// expect: E01xx, …` line in its header");
    let found: Vec<String> = diagnostics.iter().map(|d| d.code.to_string()).collect();
    assert_eq!(found, expected, "codes reported for {name}:\n{text}");
    text
}

/// A `clean…/` case: nothing at all is reported.
fn clean_case(path: &Path, lock: Option<&SchemaLock>) {
    let name = display_name(path);
    let source = read_case(path);
    let diagnostics = diagnose(path, &source, lock);
    assert!(
        diagnostics.is_empty(),
        "{name} should check without any diagnostic (a false positive?), got:\n{}",
        rendered(&diagnostics, &name, &source)
    );
}

#[test]
fn error_cases() {
    insta::glob!("ui/check/errors/*.{sync,groovy}", |path| {
        insta::assert_snapshot!(error_case(path, None));
    });
}

#[test]
fn error_cases_with_lock() {
    insta::glob!("ui/check/errors-with-lock/*.{sync,groovy}", |path| {
        let lock = folder_lock(path);
        insta::assert_snapshot!(error_case(path, Some(&lock)));
    });
}

#[test]
fn clean_cases() {
    insta::glob!("ui/check/clean/*.{sync,groovy}", |path| clean_case(path, None));
}

#[test]
fn clean_cases_with_lock() {
    insta::glob!("ui/check/clean-with-lock/*.{sync,groovy}", |path| {
        let lock = folder_lock(path);
        clean_case(path, Some(&lock));
    });
}

// ---------------------------------------------------------------- coverage of the cases

/// The case files of one folder.
fn cases(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(CASES).join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sync" || ext == "groovy"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_check_code_has_an_error_case() {
    let mut covered = BTreeSet::new();
    for folder in ["errors", "errors-with-lock"] {
        for path in cases(folder) {
            covered.extend(expected_codes(&read_case(&path)));
        }
    }
    // The checker's codes and those of trigger queries (the syntax codes have their own UI
    // tests in the grammar crate).
    let missing: Vec<&str> = CHECK_CODES
        .iter()
        .chain(QUERY_CODES)
        .map(|doc| doc.code.as_str())
        .filter(|code| !covered.contains(*code))
        .collect();
    assert!(missing.is_empty(), "codes without a case in ui/check/errors*/: {missing:?}");
    // The lock-dependent codes need the lock to be reported at all.
    let with_lock: BTreeSet<String> =
        cases("errors-with-lock").iter().flat_map(|path| expected_codes(&read_case(path))).collect();
    for code in ["E0117", "E0118", "E0119"] {
        assert!(with_lock.contains(code), "{code} needs a case in ui/check/errors-with-lock/");
    }
}

#[test]
fn there_are_enough_clean_cases() {
    let clean = cases("clean");
    assert!(
        clean.len() >= 12,
        "ui/check/clean/ has {} cases; keep at least 12 realistic scripts",
        clean.len()
    );
    assert!(
        clean.iter().any(|p| p.extension().is_some_and(|e| e == "sync")),
        "no rule file among the clean cases"
    );
    assert!(
        clean.iter().any(|p| p.extension().is_some_and(|e| e == "groovy")),
        "no bare script among the clean cases"
    );
}

#[test]
fn case_names_say_how_to_read_them() {
    for folder in ["errors", "errors-with-lock", "clean", "clean-with-lock"] {
        for path in cases(folder) {
            // Panics with the reason when a `.groovy` name lacks the direction or platform.
            let _ = kind_of(&path);
        }
    }
}
