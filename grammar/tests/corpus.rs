//! Tests over the shared corpus (`../shared/corpus`, next to the repository).
//!
//! The corpus lives outside this repository: CI has it, a fresh clone may not. Every test
//! here first checks that the folder exists and, if not, says it is skipped and returns.
//!
//! - `rules/*.sync` and `scripts/*.groovy` parse without any diagnostic; the tree of each is
//!   snapshotted (`snapshots/corpus/corpus_<name>.snap`).
//! - `invalid/syntax-errors.sync` reports exactly its three syntax errors, rendered as a
//!   snapshot; the other `invalid/*.sync` files have only semantic problems, so they parse
//!   cleanly.
//! - every snippet of `groovy/expected.tsv` parses as a script.

use std::path::PathBuf;

use replica_testkit::{corpus, display_name, files, read, stem};

use replica_grammar::{codes, parse, render::render, sexp::to_sexp, Diagnostic, Mode, Parsed};

fn rendered(parsed: &Parsed, name: &str) -> String {
    render(&parsed.diagnostics, name, &parsed.source, false)
}

fn assert_clean(parsed: &Parsed, name: &str) {
    assert!(
        parsed.diagnostics.is_empty(),
        "{name} should parse without diagnostics, got:\n{}",
        rendered(parsed, name)
    );
}

/// Parses each file cleanly and snapshots its tree as `corpus_<stem>`.
fn parse_and_snapshot(files: &[PathBuf], mode: Mode) {
    for path in files {
        let name = display_name(path);
        let source = read(path);
        let parsed = parse(&source, mode);
        assert_clean(&parsed, &name);
        let sexp = to_sexp(&parsed.file);
        insta::with_settings!({
            snapshot_path => "snapshots/corpus",
            prepend_module_to_snapshot => false,
            description => name.clone(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("corpus_{}", stem(path)), sexp);
        });
    }
}

#[test]
fn rules_parse_cleanly() {
    let Some(corpus) = corpus("rules_parse_cleanly") else { return };
    parse_and_snapshot(&files(&corpus.join("rules"), "sync"), Mode::Rules);
}

#[test]
fn scripts_parse_cleanly() {
    let Some(corpus) = corpus("scripts_parse_cleanly") else { return };
    parse_and_snapshot(&files(&corpus.join("scripts"), "groovy"), Mode::Script);
}

/// 1-based line of the primary label of a diagnostic.
fn primary_line(diagnostic: &Diagnostic, source: &str) -> usize {
    let span = diagnostic.primary_span().expect("a primary label");
    source[..span.start as usize].matches('\n').count() + 1
}

#[test]
fn syntax_errors_are_all_reported() {
    let Some(corpus) = corpus("syntax_errors_are_all_reported") else { return };
    let path = corpus.join("invalid/syntax-errors.sync");
    let source = read(&path);
    let parsed = parse(&source, Mode::Rules);
    let name = display_name(&path);
    let text = rendered(&parsed, &name);

    let found: Vec<(&str, usize)> =
        parsed.diagnostics.iter().map(|d| (d.code.as_str(), primary_line(d, &parsed.source))).collect();
    assert_eq!(
        found,
        vec![
            // the `{` of `if (firstSync) {` is never closed
            (codes::UNCLOSED_DELIMITER.as_str(), 5),
            // `"unterminated` runs to the end of the line
            (codes::UNTERMINATED_STRING.as_str(), 6),
            // `replica.description)` has a `)` that closes nothing
            (codes::UNMATCHED_CLOSING.as_str(), 7),
        ],
        "diagnostics of {name}:\n{text}"
    );
    assert!(parsed.diagnostics.iter().all(Diagnostic::is_error), "{text}");
    // The unclosed brace is the `{` itself, not the whole line.
    let brace = parsed.diagnostics[0].primary_span().expect("primary label");
    assert_eq!(&parsed.source[brace.range()], "{");

    insta::with_settings!({
        snapshot_path => "snapshots/corpus",
        prepend_module_to_snapshot => false,
        description => name.clone(),
        omit_expression => true,
    }, {
        insta::assert_snapshot!("corpus_invalid_syntax-errors", text);
    });
}

#[test]
fn other_invalid_files_have_no_syntax_errors() {
    let Some(corpus) = corpus("other_invalid_files_have_no_syntax_errors") else { return };
    let files: Vec<PathBuf> = files(&corpus.join("invalid"), "sync")
        .into_iter()
        .filter(|path| stem(path) != "syntax-errors")
        .collect();
    assert!(!files.is_empty());
    for path in &files {
        let name = display_name(path);
        let parsed = parse(&read(path), Mode::Rules);
        assert_clean(&parsed, &name);
    }
}

#[test]
fn groovy_snippets_parse_as_scripts() {
    let Some(corpus) = corpus("groovy_snippets_parse_as_scripts") else { return };
    let table = read(&corpus.join("groovy/expected.tsv"));
    let mut count = 0;
    let mut failures = Vec::new();
    for (n, line) in table.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let snippet = line.split('\t').next().expect("split yields at least one part");
        count += 1;
        let parsed = parse(snippet, Mode::Script);
        if !parsed.diagnostics.is_empty() {
            failures.push(format!("line {}: {snippet}\n{}", n + 1, rendered(&parsed, "snippet")));
        }
    }
    assert!(count > 0, "groovy/expected.tsv has no snippets");
    assert!(
        failures.is_empty(),
        "{} of {count} snippets do not parse:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
