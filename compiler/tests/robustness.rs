//! Robustness of the checker: whatever the parser hands it — trees full of error nodes from
//! half-typed code, odd but valid Groovy, deep nesting — `check` must not panic and every
//! diagnostic must point inside the source. The language server checks every keystroke,
//! so the checker runs here on trees with syntax errors too (the CLI skips those).
//!
//! Inputs: the example rules and the checker's own UI cases, cut at every line, with random
//! byte-level mutations (deterministic xorshift), checked as `.sync` files and as bare
//! scripts of both directions on both platforms.

use std::path::Path;

use replica_compiler::grammar::ast::Direction;
use replica_compiler::lock::SchemaLock;
use replica_compiler::{check, CheckOptions, SourceKind};
use replica_grammar::{parse, Diagnostic, Mode};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Rule and script texts shipped in the repository (they exist without `../shared`).
fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut texts = Vec::new();
    for dir in [
        root.join("examples"),
        root.join("compiler/tests/ui/check/clean"),
        root.join("compiler/tests/ui/check/errors"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if matches!(path.extension().and_then(|e| e.to_str()), Some("sync" | "groovy")) {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
    }
    assert!(!texts.is_empty(), "no seed files found under examples/");
    texts
}

fn sources() -> Vec<SourceKind> {
    let mut kinds = vec![SourceKind::Rules];
    for platform in ["freshdesk", "freshservice"] {
        for direction in [Direction::Outgoing, Direction::Incoming] {
            kinds.push(SourceKind::Script { direction, platform: platform.to_string() });
        }
    }
    kinds
}

fn assert_spans_inside(source: &str, diagnostics: &[Diagnostic], what: &str) {
    for diagnostic in diagnostics {
        for label in &diagnostic.labels {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(
                start <= end
                    && end <= source.len()
                    && source.is_char_boundary(start)
                    && source.is_char_boundary(end),
                "{what}: label {start}..{end} outside the source ({} bytes): {}",
                source.len(),
                diagnostic.message
            );
        }
    }
}

fn check_everywhere(text: &str, lock: Option<&SchemaLock>, what: &str) -> usize {
    let mut runs = 0;
    for source in sources() {
        let mode = if matches!(source, SourceKind::Rules) { Mode::Rules } else { Mode::Script };
        let parsed = parse(text, mode);
        let diagnostics = check(&parsed.file, &CheckOptions { source, lock });
        assert_spans_inside(&parsed.source, &diagnostics, what);
        runs += 1;
    }
    runs
}

#[test]
fn the_checker_never_panics_on_cut_or_mutated_rules() {
    let lock = SchemaLock::from_json(
        r#"{"platform": "freshdesk",
            "custom_fields": [{"name": "cf_region", "type": "dropdown", "choices": ["EMEA", "US"]}],
            "statuses": [{"id": 8, "name": "In Work"}]}"#,
    )
    .unwrap();
    let mut rng = XorShift(0x5eed_cafe_f00d_1234);
    let mut runs = 0;
    for (n, seed) in seeds().iter().enumerate() {
        // Every prefix by line: what an editor sees while the file is typed top to bottom.
        let lines: Vec<&str> = seed.split_inclusive('\n').collect();
        for cut in 0..=lines.len() {
            let text: String = lines[..cut].concat();
            runs += check_everywhere(&text, None, &format!("seed {n} cut at line {cut}"));
        }
        // Byte mutations, kept valid UTF-8 by working on chars.
        let chars: Vec<char> = seed.chars().collect();
        for m in 0..40 {
            let mut mutated = chars.clone();
            for _ in 0..1 + rng.below(4) {
                if mutated.is_empty() {
                    break;
                }
                let at = rng.below(mutated.len());
                match rng.below(4) {
                    0 => {
                        mutated.remove(at);
                    }
                    1 => {
                        let c = mutated[rng.below(mutated.len())];
                        mutated.insert(at, c);
                    }
                    2 => {
                        let other = rng.below(mutated.len());
                        mutated.swap(at, other);
                    }
                    _ => {
                        const NOISE: &[char] =
                            &['{', '}', '(', ')', '"', '\'', '.', '?', ':', '=', '\n', '$', '/', '['];
                        mutated.insert(at, NOISE[rng.below(NOISE.len())]);
                    }
                }
            }
            let text: String = mutated.into_iter().collect();
            let lock = (m % 2 == 0).then_some(&lock);
            runs += check_everywhere(&text, lock, &format!("seed {n} mutation {m}"));
        }
    }
    println!("{runs} checker runs");
    assert!(runs > 500, "too few runs ({runs}): seeds missing?");
}

#[test]
fn the_checker_handles_deep_and_odd_but_valid_code() {
    let deep_closures = format!("outgoing {{\n  def x = {}1{}\n}}\n", "{ ".repeat(200), " }".repeat(200));
    let long_chain =
        format!("outgoing {{\n  replica.summary = entity.summary{}\n}}\n", ".trim()".repeat(2_000));
    let else_ifs = format!(
        "incoming {{\n  if (firstSync) {{ entity.type = \"Question\" }}\n{}  else {{ entity.summary = replica.summary }}\n}}\n",
        "  else if (replica.summary) { entity.summary = replica.summary }\n".repeat(500)
    );
    let odd = r#"platform freshdesk
incoming {
    def (a, b) = [1, 2]
    label: for (x in [a, b]) { if (x) continue label }
    switch (replica.status?.name) { case ~/Do.*/: case { it?.size() > 3 }: break; default: return }
    entity.summary = ({ -> replica.summary })()
    entity.labels = replica.labels*.label.collect { nodeHelper.getLabel(it) }
    def cls = new Object() as String
    entity.tags = ["${cls}", /x/, $/y/$, '''z''']
    do { a-- } while (a > 0)
    synchronized (this) { b++ }
}
class Holder { static int count; Holder() { count++ } def get() { count } }
"#;
    let mut runs = 0;
    for (what, text) in [
        ("deep closures", deep_closures.as_str()),
        ("long chain", &long_chain),
        ("else ifs", &else_ifs),
        ("odd", odd),
    ] {
        let text = if text.starts_with("platform") {
            text.to_string()
        } else {
            format!("platform freshdesk\n{text}")
        };
        runs += check_everywhere(&text, None, what);
    }
    assert_eq!(runs, 20);
}
