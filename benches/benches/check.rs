//! Checker speed: parsing, checking (on an already parsed file) and both, of a large rule
//! file, in bytes per second; and the time to parse and check a 10,000-line rule file.
//!
//! The files come from `replica_benches::generated`. Before anything is timed, both must
//! parse and check with no diagnostics at all, so that the figures are for the checker's
//! normal path.
//!
//! Run: `cargo bench -p replica-benches --bench check`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use replica_benches::generated::{file_of_bytes, file_of_lines, Platform};
use replica_compiler::{check, CheckOptions, SourceKind};
use replica_grammar::{parse, Diagnostic, Mode, Parsed};

fn options() -> CheckOptions<'static> {
    CheckOptions { source: SourceKind::Rules, lock: None }
}

fn parse_and_check(text: &str) -> (Parsed, Vec<Diagnostic>) {
    let parsed = parse(text, Mode::Rules);
    let diagnostics = check(&parsed.file, &options());
    (parsed, diagnostics)
}

/// The inputs must be what they claim: valid rules that parse and check cleanly.
fn assert_clean(name: &str, text: &str) {
    let (parsed, diagnostics) = parse_and_check(text);
    assert!(
        parsed.diagnostics.is_empty(),
        "the {name} file does not parse cleanly: {:#?}",
        &parsed.diagnostics[..1]
    );
    assert!(
        diagnostics.is_empty(),
        "the {name} file does not check cleanly: {:#?}",
        &diagnostics[..diagnostics.len().min(3)]
    );
}

/// At least this many bytes.
const LARGE_SIZE: usize = 4 * 1024 * 1024 + 1;
const LINES: usize = 10_000;

fn checker(c: &mut Criterion) {
    let large = file_of_bytes(Platform::Freshdesk, LARGE_SIZE);
    let ten_k = file_of_lines(Platform::Freshservice, LINES);
    assert_eq!(ten_k.lines().count(), LINES);
    assert_clean("large", &large);
    assert_clean("10,000-line", &ten_k);
    // And the checker does look at all of it: a typo in the last partner's status map is found.
    let last = large.rfind(": \"Closed\"").unwrap();
    let typo = format!("{}: \"Closd\"{}", &large[..last], &large[last + ": \"Closed\"".len()..]);
    let (_, diagnostics) = parse_and_check(&typo);
    assert!(
        diagnostics.iter().any(|d| d.code.as_str() == "E0104"),
        "a status typo at the end of the large file is not reported: {diagnostics:#?}"
    );
    eprintln!(
        "check: large file {} bytes, {} lines; 10k file {} bytes, {} lines",
        large.len(),
        large.lines().count(),
        ten_k.len(),
        ten_k.lines().count()
    );

    let parsed = parse(&large, Mode::Rules);
    let mut group = c.benchmark_group("check_4mb");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function("parse", |b| b.iter(|| parse(black_box(&large), Mode::Rules)));
    group.bench_function("check", |b| b.iter(|| check(black_box(&parsed.file), &options())));
    group.bench_function("parse+check", |b| b.iter(|| parse_and_check(black_box(&large))));
    group.finish();

    let mut group = c.benchmark_group("check_10k_lines");
    group.throughput(Throughput::Bytes(ten_k.len() as u64));
    group.bench_function("parse+check", |b| b.iter(|| parse_and_check(black_box(&ten_k))));
    group.finish();
}

criterion_group!(benches, checker);
criterion_main!(benches);
