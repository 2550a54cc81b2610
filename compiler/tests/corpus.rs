//! The checker over the shared corpus (`../shared/corpus`, next to the repository).
//!
//! The corpus lives outside this repository: CI has it, a fresh clone may not. Every test
//! here first checks that the folder exists and, if not, says it is skipped and returns.
//!
//! - `invalid/*.sync`: each file opens with `// expect E: …` / `// expect W: …` lines, one
//!   per diagnostic it must produce. The file must report exactly as many errors as `expect E`
//!   lines (syntax and checker diagnostics together; as in `replica check`, the checker runs
//!   only when the file has no syntax error) and at least as many warnings as `expect W`
//!   lines, and each expectation must be met by its own diagnostic whose text (message,
//!   labels, notes, help) contains the expectation's key words. The rendered diagnostics are
//!   snapshotted (`snapshots/corpus/<stem>.snap`).
//!   A header `// expect E (several, …)` means "several syntax errors": the file must report
//!   at least two errors, and their codes are E0012, E0003, E0013.
//! - `rules/*.sync` (rule files) and `scripts/*.groovy` (bare scripts, direction and platform
//!   from the name `exalate-<direction>-<platform>.groovy`) check without any error, and
//!   without any warning either.

use std::path::{Path, PathBuf};

use replica_testkit::{corpus, display_name, files, read, stem};

use replica_compiler::grammar::ast::Direction;
use replica_compiler::grammar::{parse, render::render, Diagnostic, Mode, Severity};
use replica_compiler::{file, SourceKind};

/// What `replica check` reports for a file (its pipeline, `file::check_parsed`).
fn diagnose(source: &str, mode: Mode, kind: SourceKind) -> Vec<Diagnostic> {
    let parsed = parse(source, mode);
    let checked = file::check_parsed(&parsed, || Ok::<_, std::convert::Infallible>((kind, None)));
    checked.unwrap_or_else(|never| match never {}).diagnostics
}

fn rendered(diagnostics: &[Diagnostic], name: &str, source: &str) -> String {
    render(diagnostics, name, source, false)
}

/// Everything a person reads in a diagnostic, for matching key words.
fn full_text(diagnostic: &Diagnostic) -> String {
    let mut text = diagnostic.message.clone();
    for label in &diagnostic.labels {
        text.push('\n');
        text.push_str(&label.message);
    }
    for note in &diagnostic.notes {
        text.push('\n');
        text.push_str(note);
    }
    if let Some(help) = &diagnostic.help {
        text.push('\n');
        text.push_str(help);
    }
    text
}

/// One `// expect E: …` or `// expect W: …` line.
#[derive(Debug)]
struct Expectation {
    severity: Severity,
    /// The line as written, for messages.
    text: String,
    /// Names in backticks or double quotes: each must appear in the matching diagnostic.
    quoted: Vec<String>,
    /// Without quoted names: the line's longer words, at least half of which must appear.
    words: Vec<String>,
}

/// The header of an invalid file: its expectations, or the "several syntax errors" form.
enum Header {
    Each(Vec<Expectation>),
    SeveralSyntaxErrors,
}

fn header(source: &str, name: &str) -> Header {
    let mut expectations = Vec::new();
    for line in source.lines().take_while(|line| line.starts_with("//")) {
        let Some(rest) = line.strip_prefix("// expect ") else { continue };
        if rest.starts_with("E (several") {
            return Header::SeveralSyntaxErrors;
        }
        let (severity, description) = if let Some(d) = rest.strip_prefix("E:") {
            (Severity::Error, d.trim())
        } else if let Some(d) = rest.strip_prefix("W:") {
            (Severity::Warning, d.trim())
        } else {
            panic!("{name}: cannot read the expectation `{line}`");
        };
        let quoted = quoted_names(description);
        let words = if quoted.is_empty() { significant_words(description) } else { Vec::new() };
        assert!(
            !quoted.is_empty() || !words.is_empty(),
            "{name}: the expectation `{line}` has no key word to look for"
        );
        expectations.push(Expectation { severity, text: description.to_string(), quoted, words });
    }
    assert!(!expectations.is_empty(), "{name} has no `// expect E:` / `// expect W:` line");
    Header::Each(expectations)
}

/// The names between backticks or double quotes: `` `sumary` ``, `"Opne"`.
fn quoted_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for quote in ['`', '"'] {
        let parts: Vec<&str> = text.split(quote).collect();
        // Odd-numbered parts are inside the quotes (a trailing unmatched quote is ignored).
        for (i, part) in parts.iter().enumerate() {
            if i % 2 == 1 && i + 1 < parts.len() && !part.is_empty() {
                names.push(part.to_string());
            }
        }
    }
    names
}

/// Words of five letters or more, and numbers: "status 9 is out of range" → status, 9, range.
fn significant_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|word| word.len() >= 5 || (!word.is_empty() && word.chars().all(|c| c.is_ascii_digit())))
        .map(str::to_lowercase)
        .collect()
}

fn meets(expectation: &Expectation, diagnostic: &Diagnostic) -> bool {
    if diagnostic.severity != expectation.severity {
        return false;
    }
    let text = full_text(diagnostic);
    if !expectation.quoted.is_empty() {
        return expectation.quoted.iter().all(|name| text.contains(name.as_str()));
    }
    let lower = text.to_lowercase();
    let found = expectation.words.iter().filter(|word| lower.contains(word.as_str())).count();
    found * 2 >= expectation.words.len()
}

#[test]
fn invalid_files_report_what_they_expect() {
    let Some(corpus) = corpus("invalid_files_report_what_they_expect") else { return };
    for path in files(&corpus.join("invalid"), "sync") {
        let name = display_name(&path);
        let source = read(&path);
        let diagnostics = diagnose(&source, Mode::Rules, SourceKind::Rules);
        let text = rendered(&diagnostics, &name, &source);
        let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
        let warnings = diagnostics.len() - errors.len();

        match header(&source, &name) {
            Header::SeveralSyntaxErrors => {
                assert!(errors.len() >= 2, "{name} should report several errors:\n{text}");
                let codes: Vec<&str> = errors.iter().map(|d| d.code.as_str()).collect();
                assert_eq!(codes, ["E0012", "E0003", "E0013"], "codes reported for {name}:\n{text}");
            }
            Header::Each(expectations) => {
                let expected_errors = expectations.iter().filter(|e| e.severity == Severity::Error).count();
                let expected_warnings = expectations.len() - expected_errors;
                assert_eq!(
                    errors.len(),
                    expected_errors,
                    "{name} should report exactly {expected_errors} error(s):\n{text}"
                );
                assert!(
                    warnings >= expected_warnings,
                    "{name} should report at least {expected_warnings} warning(s), found {warnings}:\n{text}"
                );
                // Each expectation takes its own diagnostic, the first one (by position)
                // that has its key words.
                let mut taken = vec![false; diagnostics.len()];
                for expectation in &expectations {
                    let found = diagnostics
                        .iter()
                        .enumerate()
                        .find(|(i, d)| !taken[*i] && meets(expectation, d))
                        .map(|(i, _)| i);
                    match found {
                        Some(i) => taken[i] = true,
                        None => panic!(
                            "{name}: no {:?} matches the expectation \"{}\" (looking for {:?}):\n{text}",
                            expectation.severity,
                            expectation.text,
                            if expectation.quoted.is_empty() {
                                &expectation.words
                            } else {
                                &expectation.quoted
                            },
                        ),
                    }
                }
            }
        }

        insta::with_settings!({
            snapshot_path => "snapshots/corpus",
            prepend_module_to_snapshot => false,
            description => name.clone(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stem(&path), text);
        });
    }
}

/// Checks each file and returns `(name, diagnostics rendered)` for those with any.
fn check_all(
    files: &[PathBuf],
    mode: Mode,
    kind_of: impl Fn(&Path) -> SourceKind,
) -> Vec<(String, Vec<Diagnostic>, String)> {
    let mut reports = Vec::new();
    for path in files {
        let name = display_name(path);
        let source = read(path);
        let diagnostics = diagnose(&source, mode, kind_of(path));
        if !diagnostics.is_empty() {
            let text = rendered(&diagnostics, &name, &source);
            reports.push((name, diagnostics, text));
        }
    }
    reports
}

/// `exalate-incoming-freshdesk.groovy` → incoming, freshdesk.
fn script_kind(path: &Path) -> SourceKind {
    let stem = stem(path);
    let parts: Vec<&str> = stem.split('-').collect();
    let [_, direction, platform] = parts.as_slice() else {
        panic!("{}: expected a name like exalate-<direction>-<platform>.groovy", path.display())
    };
    let direction = match *direction {
        "outgoing" => Direction::Outgoing,
        "incoming" => Direction::Incoming,
        other => panic!("{}: unknown direction `{other}`", path.display()),
    };
    assert!(matches!(*platform, "freshdesk" | "freshservice"), "{}: unknown platform", path.display());
    SourceKind::Script { direction, platform: platform.to_string() }
}

fn corpus_files(corpus: &Path) -> [(Vec<PathBuf>, Mode); 2] {
    [
        (files(&corpus.join("rules"), "sync"), Mode::Rules),
        (files(&corpus.join("scripts"), "groovy"), Mode::Script),
    ]
}

fn kind_for(mode: Mode) -> impl Fn(&Path) -> SourceKind {
    move |path| match mode {
        Mode::Rules => SourceKind::Rules,
        Mode::Script => script_kind(path),
    }
}

#[test]
fn rules_and_scripts_have_no_errors() {
    let Some(corpus) = corpus("rules_and_scripts_have_no_errors") else { return };
    let mut failures = Vec::new();
    for (files, mode) in corpus_files(&corpus) {
        for (name, diagnostics, text) in check_all(&files, mode, kind_for(mode)) {
            if diagnostics.iter().any(Diagnostic::is_error) {
                failures.push(format!("{name}:\n{text}"));
            }
        }
    }
    assert!(failures.is_empty(), "corpus files with errors:\n{}", failures.join("\n"));
}

/// Stricter than the corpus README asks ("no error"): the corpus is realistic, clean code,
/// so a warning on it is most likely a false positive.
#[test]
fn rules_and_scripts_have_no_warnings() {
    let Some(corpus) = corpus("rules_and_scripts_have_no_warnings") else { return };
    let mut failures = Vec::new();
    for (files, mode) in corpus_files(&corpus) {
        for (name, diagnostics, text) in check_all(&files, mode, kind_for(mode)) {
            if diagnostics.iter().any(|d| !d.is_error()) {
                failures.push(format!("{name}:\n{text}"));
            }
        }
    }
    assert!(failures.is_empty(), "corpus files with warnings:\n{}", failures.join("\n"));
}

#[test]
fn expectation_headers_are_read_as_intended() {
    assert_eq!(
        quoted_names("unknown field `sumary` on the ticket; did you mean `summary`?"),
        ["sumary", "summary"]
    );
    assert_eq!(quoted_names("duplicate key \"Done\" in map literal"), ["Done"]);
    assert_eq!(significant_words("status 9 is out of range (2..7)"), ["status", "9", "range", "2", "7"]);
}
