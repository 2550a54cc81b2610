//! The registry of diagnostic codes against the source: every `Code("…")` written anywhere
//! in the grammar and compiler crates is registered in `codes::all()` (so `replica explain`
//! and the language server know it), and every registered code has a complete page.
//!
//! `replica explain` reads the same registry through `codes::lookup`; the binary itself is
//! tested in the workspace's `tests/cli.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use replica_compiler::codes;

/// The `.rs` files under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every `Code("…")` literal in a source text, with its line number.
fn code_literals(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("Code(\"") {
            let after = &rest[at + "Code(\"".len()..];
            let Some(end) = after.find('"') else { break };
            found.push((after[..end].to_string(), n + 1));
            rest = &after[end..];
        }
    }
    found
}

/// The codes defined in the sources of the grammar and compiler crates, with where.
fn codes_in_source() -> Vec<(String, String)> {
    let compiler = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for dir in [compiler.join("src"), compiler.join("../grammar/src")] {
        for file in rust_files(&dir) {
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
            for (code, line) in code_literals(&text) {
                found.push((code, format!("{}:{line}", file.display())));
            }
        }
    }
    found
}

#[test]
fn every_code_in_the_source_is_registered() {
    let found = codes_in_source();
    // The scan itself works: the crates define dozens of codes.
    assert!(found.len() >= 40, "only {} `Code(\"…\")` literals found: is the scan broken?", found.len());
    let registered: BTreeSet<&str> = codes::all().map(|doc| doc.code.as_str()).collect();
    let missing: Vec<String> = found
        .iter()
        .filter(|(code, _)| !registered.contains(code.as_str()))
        .map(|(code, at)| format!("{code} ({at})"))
        .collect();
    assert!(
        missing.is_empty(),
        "codes defined but not in `codes::all()` (so `replica explain` cannot show them): {missing:#?}"
    );
}

#[test]
fn every_registered_code_is_defined_in_the_source() {
    // The converse: no page for a code nothing can emit (or a typo in a page's code).
    let defined: BTreeSet<String> = codes_in_source().into_iter().map(|(code, _)| code).collect();
    for doc in codes::all() {
        assert!(
            defined.contains(doc.code.as_str()),
            "{} has a page but no `Code(\"{}\")` in the source",
            doc.code,
            doc.code
        );
    }
}

#[test]
fn every_registered_code_has_a_complete_page() {
    let mut seen = BTreeSet::new();
    for doc in codes::all() {
        let code = doc.code.as_str();
        assert!(seen.insert(code), "{code} is registered twice");
        assert!(
            code.len() == 5
                && (code.starts_with('E') || code.starts_with('W') || code.starts_with('R'))
                && code[1..].chars().all(|c| c.is_ascii_digit()),
            "{code} is not E0000/W0000/R0000"
        );
        for (field, value) in [
            ("title", doc.title),
            ("explanation", doc.explanation),
            ("wrong", doc.wrong),
            ("fixed", doc.fixed),
        ] {
            assert!(!value.trim().is_empty(), "{code} has an empty `{field}`");
        }
        assert!(!doc.title.ends_with('.'), "{code}: a title is a phrase, without a final period");
        assert_ne!(doc.wrong, doc.fixed, "{code}: the example and its fix are the same");
    }
}

#[test]
fn lookup_finds_every_code_in_any_case() {
    for doc in codes::all() {
        let code = doc.code.as_str();
        for spelling in [code.to_string(), code.to_lowercase()] {
            let page = codes::lookup(&spelling).unwrap_or_else(|| panic!("lookup({spelling}) found nothing"));
            assert_eq!(page.code, doc.code);
        }
    }
    assert!(codes::lookup("E9999").is_none());
    assert!(codes::lookup("").is_none());
    assert!(codes::lookup("E010").is_none(), "no prefix matching");
}

#[test]
fn explain_pages_say_what_they_are_about() {
    // What `replica explain E0104` prints comes from this page.
    let status = codes::lookup("E0104").expect("E0104");
    assert!(status.explanation.contains("getStatus"), "{}", status.explanation);
    assert!(status.wrong.contains("Opne") && status.fixed.contains("\"Open\""));
    let query = codes::lookup("E0201").expect("trigger-query codes are registered");
    assert!(!query.title.is_empty());
    let syntax = codes::lookup("E0003").expect("syntax codes are registered");
    assert!(syntax.title.contains("string"), "{}", syntax.title);
}

#[test]
fn the_scan_reads_code_literals() {
    let text = "pub const A: Code = Code(\"E0101\");\nlet b = (Code(\"W0001\"), Code(\"E0201\"));";
    assert_eq!(
        code_literals(text),
        [("E0101".to_string(), 1), ("W0001".to_string(), 2), ("E0201".to_string(), 2)]
    );
}
