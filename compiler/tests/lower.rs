//! Every rule the corpus and the examples hold lowers to bytecode that the verifier accepts.

use replica_compiler::lower::{lower, LowerKind, LowerOptions};
use replica_grammar::ast::Direction;
use replica_grammar::{parse, Mode};

fn lower_file(path: &std::path::Path) -> replica_compiler::bytecode::Program {
    try_lower(path).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()))
}

fn try_lower(
    path: &std::path::Path,
) -> Result<replica_compiler::bytecode::Program, Vec<replica_grammar::Diagnostic>> {
    let source = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let script = name.ends_with(".groovy");
    let parsed = parse(&source, if script { Mode::Script } else { Mode::Rules });
    assert!(!parsed.has_errors(), "{name}: {:?}", parsed.diagnostics);
    let kind = if script {
        let direction = if name.contains("incoming") { Direction::Incoming } else { Direction::Outgoing };
        let platform = if name.contains("freshservice") { "freshservice" } else { "freshdesk" };
        LowerKind::Script { direction, platform: platform.to_string() }
    } else {
        LowerKind::Rules
    };
    let path_text = path.display().to_string();
    let options = LowerOptions { path: &path_text, source: &source, kind };
    lower(&parsed.file, &options)
}

#[test]
fn the_examples_lower_and_verify() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    for path in replica_testkit::files(&examples, "sync") {
        let program = lower_file(&path);
        println!("{}: {} functions", path.display(), program.functions.len());
    }
}

#[test]
fn the_corpus_lowers_and_verifies() {
    let Some(corpus) = replica_testkit::corpus("the_corpus_lowers_and_verifies") else { return };
    for (dir, ext) in [("rules", "sync"), ("scripts", "groovy")] {
        for path in replica_testkit::files(&corpus.join(dir), ext) {
            let program = lower_file(&path);
            println!("{}: {:#?}", path.display(), program.functions.len());
        }
    }
}

#[test]
#[ignore = "prints a listing, for a look by hand"]
fn print_example_listing() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let program = lower_file(&examples.join("acme-freshdesk.sync"));
    println!("{}", replica_compiler::bytecode::disasm::disassemble(&program));
}

#[test]
fn the_clean_ui_cases_lower() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/check/clean");
    let mut failures = Vec::new();
    for ext in ["sync", "groovy"] {
        for path in replica_testkit::files(&root, ext) {
            if let Err(diagnostics) = try_lower(&path) {
                let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
                failures.push(format!("{}: {}", path.display(), messages.join("; ")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
