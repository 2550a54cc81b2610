//! Every rule file Replica ships or is tested with (the examples, the clean UI cases, the
//! corpus) lowers to bytecode that the verifier accepts, survives the file format and
//! disassembles.

use std::path::{Path, PathBuf};

use replica_compiler::bytecode::{disasm, file, verify::verify, Program};
use replica_compiler::lower::{lower, LowerKind, LowerOptions};
use replica_grammar::ast::Direction;
use replica_grammar::{parse, Diagnostic, Mode};

/// Lowers a `.sync` rules file or a `<name>-<direction>-<platform>.groovy` script.
fn try_lower(path: &Path) -> Result<Program, Vec<Diagnostic>> {
    let source = replica_testkit::read(path);
    let name = replica_testkit::display_name(path);
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
    lower(&parsed.file, &LowerOptions { path: &name, source: &source, kind })
}

fn files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = replica_testkit::files(&root.join("../examples"), "sync");
    for ext in ["sync", "groovy"] {
        paths.extend(replica_testkit::files(&root.join("tests/ui/check/clean"), ext));
    }
    if let Some(corpus) = replica_testkit::corpus("every_rule_file_lowers_verifies_and_round_trips") {
        paths.extend(replica_testkit::files(&corpus.join("rules"), "sync"));
        paths.extend(replica_testkit::files(&corpus.join("scripts"), "groovy"));
    }
    paths
}

#[test]
fn every_rule_file_lowers_verifies_and_round_trips() {
    let mut failures = Vec::new();
    for path in files() {
        let name = replica_testkit::display_name(&path);
        let program = match try_lower(&path) {
            Ok(program) => program,
            Err(diagnostics) => {
                let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
                failures.push(format!("{name}: does not lower: {}", messages.join("; ")));
                continue;
            }
        };
        if let Err(error) = verify(&program) {
            failures.push(format!("{name}: does not verify: {error}"));
            continue;
        }
        assert_eq!(file::read(&file::write(&program)).as_ref(), Ok(&program), "{name}");
        assert!(!disasm::disassemble(&program).contains("DOES NOT VERIFY"), "{name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
