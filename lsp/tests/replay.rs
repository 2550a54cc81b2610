//! Half-typed code: every corpus file (`../shared/corpus/rules`, `scripts`, `invalid`) and
//! every example of the repository is typed from the first character to the last, and at
//! each step the editor's questions must be answered without a panic.
//!
//! - Through the analysis layer, one keystroke (one character) at a time for every file:
//!   diagnostics each time (with spans inside the text), and every few keystrokes hover,
//!   completion, definition, symbols and fixes at random offsets.
//! - Through the server's incremental sync (the protocol, in process): the scripts and the
//!   `invalid` files one keystroke at a time, waiting for each version's diagnostics; the
//!   larger files several characters at a time without waiting (the server coalesces), with
//!   completion and hover requests at random positions — some past the end of a line or of
//!   the file — along the way. At the end the server's diagnostics are those of the whole
//!   file.

use std::path::{Path, PathBuf};

use replica_compiler::ide::{Analysis, FileInput};
use replica_grammar::Span;
use replica_lsp::client::{in_process, InProcess};
use serde_json::{json, Value};

/// A deterministic xorshift, so that a failure replays.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// The files to type: the corpus (when present) and the repository's examples.
fn files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(corpus) = replica_testkit::corpus("replay") {
        for (dir, ext) in [("rules", "sync"), ("scripts", "groovy"), ("invalid", "sync")] {
            files.extend(replica_testkit::files(&corpus.join(dir), ext));
        }
    }
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    files.extend(replica_testkit::files(&examples, "sync"));
    files
}

fn analyse(path: &Path, text: &str) -> Analysis {
    // The file's own name: it says how a bare script is read.
    let path = PathBuf::from("/replay").join(path.file_name().expect("a file name"));
    Analysis::new(FileInput { path, text: text.to_string(), lock: None })
}

fn assert_inside(text: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {start}..{end} is not inside the text ({} bytes)",
        text.len()
    );
}

#[test]
fn every_keystroke_through_the_analysis() {
    let mut random = Random(0x5eed_cafe);
    let mut steps = 0;
    for path in files() {
        let text = replica_testkit::read(&path);
        let name = replica_testkit::display_name(&path);
        let ends: Vec<usize> = text.char_indices().map(|(at, c)| at + c.len_utf8()).collect();
        for (keystroke, &end) in ends.iter().enumerate() {
            let typed = &text[..end];
            let analysis = analyse(&path, typed);
            let what = format!("{name} after {end} bytes");
            for diagnostic in analysis.diagnostics() {
                for label in &diagnostic.labels {
                    assert_inside(typed, label.span, &what);
                }
            }
            steps += 1;
            if keystroke % 5 != 0 {
                continue;
            }
            let offset = random.below(typed.len() + 1);
            for completion in analysis.completions(offset) {
                assert_inside(typed, completion.replace, &what);
            }
            if let Some(hover) = analysis.hover(random.below(typed.len() + 1)) {
                assert_inside(typed, hover.span, &what);
            }
            if let Some(declared) = analysis.definition(random.below(typed.len() + 1)) {
                assert_inside(typed, declared, &what);
            }
            for symbol in analysis.symbols() {
                assert_inside(typed, symbol.span, &what);
            }
            for fix in analysis.fixes(Span::new(0, typed.len())) {
                assert_inside(typed, fix.span, &what);
            }
        }
        // The whole file: what `check` reports for it.
        let whole = analyse(&path, &text);
        assert!(whole.notice().is_none(), "{name}: {:?}", whole.notice());
    }
    assert!(steps > 1_000, "typed only {steps} keystrokes");
}

/// The position after `text`, in the protocol's terms.
fn end_position(text: &str) -> Value {
    let line = text.matches('\n').count();
    let last = &text[text.rfind('\n').map_or(0, |at| at + 1)..];
    json!({ "line": line, "character": last.encode_utf16().count() })
}

async fn type_through_the_server(
    client: &mut InProcess,
    random: &mut Random,
    path: &Path,
    chunk: usize,
    wait_each: bool,
) {
    let uri = format!("file:///replay/{}", path.file_name().unwrap().to_string_lossy());
    let text = replica_testkit::read(path);
    let item = json!({ "uri": uri, "languageId": "replica-sync", "version": 1, "text": "" });
    client.notify("textDocument/didOpen", json!({ "textDocument": item })).await;
    client.diagnostics(&uri, 1).await;
    let chars: Vec<char> = text.chars().collect();
    let mut typed = String::new();
    let mut version = 1;
    let mut last = None;
    for piece in chars.chunks(chunk) {
        let piece: String = piece.iter().collect();
        let at = end_position(&typed);
        typed.push_str(&piece);
        version += 1;
        let change = json!({ "range": { "start": at, "end": at }, "text": piece });
        let params =
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] });
        client.notify("textDocument/didChange", params).await;
        if wait_each {
            last = Some(client.diagnostics(&uri, version).await);
        }
        if version % 7 == 0 {
            // Anywhere, including past the end of a line or of the file.
            let lines = typed.matches('\n').count() + 2;
            let position = json!({ "line": random.below(lines), "character": random.below(90) });
            let at = json!({ "textDocument": { "uri": uri }, "position": position });
            let completion = client.request("textDocument/completion", at.clone()).await;
            assert!(completion.is_ok(), "{uri} v{version}: {completion:?}");
            let hover = client.request("textDocument/hover", at).await;
            assert!(hover.is_ok(), "{uri} v{version}: {hover:?}");
        }
    }
    let last = match last {
        Some(last) => last,
        None => client.diagnostics(&uri, version).await,
    };
    let codes: Vec<&str> = last.iter().filter_map(|d| d["code"].as_str()).collect();
    let expected = analyse(path, &text);
    let expected: Vec<&str> = expected.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, expected, "{uri}: the server's text is not the file's");
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } })).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_file_through_the_servers_incremental_sync() {
    let mut client = in_process();
    client.initialize().await;
    let mut random = Random(0xdead_beef);
    for path in files() {
        let small = path.extension().is_some_and(|e| e == "groovy")
            || path.parent().is_some_and(|dir| dir.ends_with("invalid"));
        if small {
            // One keystroke at a time, each version's diagnostics awaited.
            type_through_the_server(&mut client, &mut random, &path, 1, true).await;
        } else {
            type_through_the_server(&mut client, &mut random, &path, 7, false).await;
        }
    }
    client.shut_down().await;
}
