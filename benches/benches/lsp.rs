//! Language-server latency on a 10,000-line rule file (DESIGN §9): the time from a
//! `didChange` to the `publishDiagnostics` of that version, through the real server over an
//! in-process pipe (JSON-RPC framing, incremental sync, the check on a blocking thread, the
//! conversion to UTF-16 ranges); and the analysis alone — what the server runs per change —
//! with hover and completion on the same file.
//!
//! Each change types one character into a comment in the middle of the file, or deletes it
//! again, so that every version checks cleanly and the figures are for the normal path.
//!
//! Run: `cargo bench -p replica-benches --bench lsp`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use replica_benches::generated::{file_of_lines, Platform};
use replica_compiler::ide::{Analysis, FileInput};
use replica_lsp::client::in_process;
use serde_json::json;

const LINES: usize = 10_000;
const URI: &str = "file:///bench/partners.sync";

fn input(text: &str) -> FileInput {
    FileInput { path: "/bench/partners.sync".into(), text: text.to_string(), lock: None }
}

fn latency(c: &mut Criterion) {
    let text = file_of_lines(Platform::Freshdesk, LINES);
    assert_eq!(text.lines().count(), LINES);
    let analysis = Analysis::new(input(&text));
    assert!(
        analysis.diagnostics().is_empty(),
        "the file must check cleanly: {:?}",
        &analysis.diagnostics()[..1]
    );

    // Where to type: the end of a comment line near the middle.
    let (line, comment) = text
        .lines()
        .enumerate()
        .skip(LINES / 2)
        .find(|(_, l)| l.trim_start().starts_with("// Partner"))
        .expect("a partner comment");
    let column = comment.encode_utf16().count();
    let at = json!({ "line": line, "character": column });
    let after = json!({ "line": line, "character": column + 1 });

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut client = runtime.block_on(async {
        let mut client = in_process();
        client.initialize().await;
        let item = json!({ "uri": URI, "languageId": "replica-sync", "version": 1, "text": text });
        client.notify("textDocument/didOpen", json!({ "textDocument": item })).await;
        assert!(client.diagnostics(URI, 1).await.is_empty());
        client
    });

    let mut group = c.benchmark_group("lsp_10k_lines");
    group.sample_size(20);
    let mut version = 1;
    group.bench_function("didChange_to_publishDiagnostics", |b| {
        b.iter(|| {
            version += 1;
            // Type `x`, then delete it: the text alternates between two clean versions.
            let change = if version % 2 == 0 {
                json!({ "range": { "start": at, "end": at }, "text": "x" })
            } else {
                json!({ "range": { "start": at, "end": after }, "text": "" })
            };
            let params =
                json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [change] });
            runtime.block_on(async {
                client.notify("textDocument/didChange", params).await;
                let published = client.diagnostics(URI, version).await;
                assert!(published.is_empty());
            })
        })
    });
    group.bench_function("analysis_diagnostics", |b| {
        b.iter(|| Analysis::new(input(black_box(&text))).diagnostics().len())
    });
    let offset = text.find("nodeHelper.getStatus").expect("a helper call") + "nodeHelper.getSt".len();
    group.bench_function("analysis_then_hover", |b| {
        b.iter(|| Analysis::new(input(black_box(&text))).hover(offset).is_some())
    });
    let member = text[text.len() / 2..].find("entity.").expect("entity.") + text.len() / 2 + "entity.".len();
    group.bench_function("completion_after_entity_dot", |b| {
        b.iter(|| analysis.completions(black_box(member)).len())
    });
    group.finish();

    runtime.block_on(client.shut_down());
}

criterion_group!(benches, latency);
criterion_main!(benches);
