//! The language server over the protocol, in process (an in-memory pipe): initialize,
//! diagnostics on open and change, hover, completion, definition, document symbols, code
//! actions, schema locks and bare scripts.

use std::path::Path;

use replica_compiler::ide::{Analysis, FileInput};
use replica_lsp::client::{in_process, InProcess};
use serde_json::{json, Value};

const URI: &str = "file:///rules/acme.sync";

async fn started() -> InProcess {
    let mut client = in_process();
    client.initialize().await;
    client
}

async fn open(client: &mut InProcess, uri: &str, text: &str) -> Vec<Value> {
    let item = json!({ "uri": uri, "languageId": "replica-sync", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": item })).await;
    client.diagnostics(uri, 1).await
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// The position of the `nth` occurrence of `needle` in `text`, in UTF-16 units, plus `shift`.
fn position_of(text: &str, needle: &str, shift: usize) -> (u32, u32) {
    let offset = text.find(needle).expect("needle") + shift;
    let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
    let line = text[..line_start].matches('\n').count();
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    (line as u32, character as u32)
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().filter_map(|d| d["code"].as_str()).collect()
}

fn labels(completions: &Value) -> Vec<&str> {
    completions.as_array().expect("a list").iter().filter_map(|c| c["label"].as_str()).collect()
}

async fn complete(client: &mut InProcess, text: &str, needle: &str, shift: usize) -> Value {
    let (line, character) = position_of(text, needle, shift);
    client.request("textDocument/completion", at(URI, line, character)).await.expect("completion")
}

const BROKEN: &str = "platform freshdesk\n\nincoming {\n    // 😀 an emoji before the typo on the line below counts two UTF-16 units\n    def note = \"😀\"; entity.sumary = note\n    entity.status = nodeHelper.getStatus(\"Opne\")\n}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_advertises_what_the_server_does() {
    let mut client = in_process();
    let result = client.initialize().await;
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(capabilities["textDocumentSync"]["openClose"], true);
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(capabilities["definitionProvider"], true);
    assert_eq!(capabilities["documentSymbolProvider"], true);
    assert_eq!(capabilities["codeActionProvider"]["codeActionKinds"], json!(["quickfix"]));
    assert_eq!(capabilities["completionProvider"]["triggerCharacters"], json!([".", "\"", "'", ":"]));
    assert!(capabilities.get("documentFormattingProvider").is_none(), "there is no formatter yet");
    assert_eq!(result["serverInfo"]["name"], "replica");
    client.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_on_open_and_change_are_those_of_check() {
    let mut client = started().await;
    let published = open(&mut client, URI, BROKEN).await;
    // The same codes and messages as `replica check` (the analysis runs its pipeline).
    let analysis =
        Analysis::new(FileInput { path: "/rules/acme.sync".into(), text: BROKEN.into(), lock: None });
    let expected: Vec<(&str, &str)> =
        analysis.diagnostics().iter().map(|d| (d.code.as_str(), d.message.as_str())).collect();
    let got: Vec<(&str, &str)> = published
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["message"].as_str().unwrap().lines().next().unwrap()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(codes(&published), ["E0101", "E0104"]);
    let typo = &published[0];
    assert_eq!(typo["severity"], 1);
    assert_eq!(typo["source"], "replica");
    assert!(typo["message"].as_str().unwrap().ends_with("\nhelp: did you mean `summary`?"), "{typo}");
    // `sumary` starts after `def note = "😀"; entity.`: the emoji counts two units.
    let (line, character) = position_of(BROKEN, "sumary", 0);
    assert_eq!(
        typo["range"],
        json!({ "start": { "line": line, "character": character }, "end": { "line": line, "character": character + 6 } })
    );
    assert_eq!((line, character), (4, 28));

    // Fix both typos with ranged edits; version 2 is clean.
    let (status_line, status_character) = position_of(BROKEN, "Opne", 0);
    let changes = json!([
        { "range": { "start": { "line": line, "character": character }, "end": { "line": line, "character": character + 6 } }, "text": "summary" },
        { "range": { "start": { "line": status_line, "character": status_character }, "end": { "line": status_line, "character": status_character + 4 } }, "text": "Open" }
    ]);
    client
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": changes }),
        )
        .await;
    assert_eq!(client.diagnostics(URI, 2).await, Vec::<Value>::new());

    // Closing clears them.
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": URI } })).await;
    let cleared = client
        .notification("textDocument/publishDiagnostics", |p| p["uri"] == URI && p["version"].is_null())
        .await;
    assert_eq!(cleared["diagnostics"], json!([]));
    client.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unused_and_unreachable_code_is_marked_unnecessary() {
    let mut client = started().await;
    let text = "platform freshdesk\nincoming {\n    def unused = 1\n}\n";
    let published = open(&mut client, URI, text).await;
    assert_eq!(codes(&published), ["W0003"]);
    assert_eq!(published[0]["severity"], 2);
    assert_eq!(published[0]["tags"], json!([1]));
    client.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_shows_documentation_and_explanations() {
    let mut client = started().await;
    open(&mut client, URI, BROKEN).await;
    let (line, character) = position_of(BROKEN, "getStatus", 3);
    let hover = client.request("textDocument/hover", at(URI, line, character)).await.unwrap();
    assert_eq!(hover["contents"]["kind"], "markdown");
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("nodeHelper.getStatus(name: String?): Status?"), "{text}");
    assert_eq!(hover["range"]["start"], json!({ "line": line, "character": character - 3 }));
    // On the typo: the explanation of its code.
    let (line, character) = position_of(BROKEN, "sumary", 2);
    let hover = client.request("textDocument/hover", at(URI, line, character)).await.unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("**E0101**"), "{hover}");
    // On a blank: nothing.
    let nothing = client.request("textDocument/hover", at(URI, 1, 0)).await.unwrap();
    assert_eq!(nothing, Value::Null);
    client.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_offers_each_kind() {
    let mut client = started().await;
    // Each request is at the start of a name or string already there, as when a name is
    // retyped: the rest of the file stays valid.
    let text = "platform freshdesk\ntrigger ticket \"status:2 AND \"\n\nincoming {\n    def remote = replica.summary\n    entity.summary = remote\n    def p = previous?.key\n    def s = replica.status.name\n    def user = nodeHelper.getUser(p)\n    entity.status = nodeHelper.getStatus(\"\")\n    entity.priority = nodeHelper.getPriority(\"\")\n    def last = remote + s + user\n}\n";
    open(&mut client, URI, text).await;

    let entity = complete(&mut client, text, "entity.summary", 7).await;
    let item = entity.as_array().unwrap().iter().find(|c| c["label"] == "summary").expect("summary");
    assert_eq!(item["kind"], 5, "a field");
    assert_eq!(item["detail"], "String?");
    assert_eq!(item["documentation"]["kind"], "markdown");
    assert_eq!(item["textEdit"]["newText"], "summary");
    assert!(labels(&entity).contains(&"group_id"));

    let previous = complete(&mut client, text, "previous?.", 10).await;
    assert!(labels(&previous).contains(&"customKeys"));
    let status = complete(&mut client, text, "replica.status.", 15).await;
    assert_eq!(&labels(&status)[..2], ["id", "name"]);
    let helper = complete(&mut client, text, "nodeHelper.getUser", 11).await;
    assert!(labels(&helper).contains(&"getUserByEmail"));

    let statuses = complete(&mut client, text, "getStatus(\"", 11).await;
    assert!(labels(&statuses).contains(&"Waiting on Customer"));
    let priorities = complete(&mut client, text, "getPriority(\"", 13).await;
    assert_eq!(labels(&priorities), ["Low", "Medium", "High", "Urgent"]);

    let query = complete(&mut client, text, "AND \"", 4).await;
    assert!(labels(&query).contains(&"priority"));

    let names = complete(&mut client, text, "last = remote", 7).await;
    let names = labels(&names);
    assert!(names.contains(&"remote") && names.contains(&"nodeHelper") && names.contains(&"if"), "{names:?}");

    let top = complete(&mut client, text, "\nincoming", 1).await;
    assert!(labels(&top).contains(&"outgoing"), "{top}");
    client.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_and_symbols() {
    let mut client = started().await;
    let text = "platform freshdesk\noutgoing {\n    replica.summary = clean(entity.summary)\n}\ndef clean(String s) {\n    return s?.trim()\n}\n";
    open(&mut client, URI, text).await;
    let (line, character) = position_of(text, "clean(entity", 2);
    let location = client.request("textDocument/definition", at(URI, line, character)).await.unwrap();
    assert_eq!(location["uri"], URI);
    assert_eq!(
        location["range"],
        json!({ "start": { "line": 4, "character": 4 }, "end": { "line": 4, "character": 9 } })
    );

    let symbols = client
        .request("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }))
        .await
        .unwrap();
    let names: Vec<&str> = symbols.as_array().unwrap().iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["platform freshdesk", "outgoing", "clean"]);
    assert_eq!(symbols[2]["kind"], 12, "a function");
    assert_eq!(symbols[2]["detail"], "(String s)");
    client.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_fix_did_you_mean() {
    let mut client = started().await;
    open(&mut client, URI, BROKEN).await;
    let (line, character) = position_of(BROKEN, "sumary", 1);
    let range = json!({ "start": { "line": line, "character": character }, "end": { "line": line, "character": character } });
    let params = json!({ "textDocument": { "uri": URI }, "range": range, "context": { "diagnostics": [] } });
    let actions = client.request("textDocument/codeAction", params).await.unwrap();
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1);
    let action = &actions[0];
    assert_eq!(action["title"], "Replace with `summary`");
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["diagnostics"][0]["code"], "E0101");
    let edit = &action["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], "summary");
    assert_eq!(edit["range"]["start"], json!({ "line": 4, "character": 28 }));
    // Nowhere near a fix: none.
    let params = json!({ "textDocument": { "uri": URI }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 1 } }, "context": { "diagnostics": [] } });
    assert_eq!(client.request("textDocument/codeAction", params).await.unwrap(), Value::Null);
    client.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schema_lock_next_to_the_file_is_used_and_read_again() {
    let dir = std::env::temp_dir().join(format!("replica-lsp-protocol-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lock = dir.join("replica.schema.json");
    std::fs::write(&lock, r#"{"platform": "freshdesk", "statuses": [{"id": 8, "name": "In Work"}]}"#)
        .unwrap();
    let path = dir.join("acme.sync");
    let uri = format!("file://{}", path.display());
    let text = "platform freshdesk\nincoming {\n    entity.status = nodeHelper.getStatus(\"In Work\")\n}\n";
    let mut client = started().await;
    assert_eq!(open(&mut client, &uri, text).await, Vec::<Value>::new(), "a custom status of the lock");
    let (line, character) = position_of(text, "In Work", 0);
    let names = client.request("textDocument/completion", at(&uri, line, character)).await.unwrap();
    assert!(labels(&names).contains(&"In Work"));

    // The lock changes: the open file is checked again with the new one.
    std::fs::write(&lock, r#"{"platform": "freshdesk"}"#).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": format!("file://{}", lock.display()), "type": 2 }] }),
        )
        .await;
    let again = client
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && !p["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    assert_eq!(again["diagnostics"][0]["code"], "E0104");

    // A lock that cannot be read is reported, and the file checked without it.
    std::fs::write(&lock, r#"{"platform": "jira"}"#).unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": [] })).await;
    let broken = client
        .notification("textDocument/publishDiagnostics", |p| {
            p["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["message"].as_str().unwrap().contains("jira"))
        })
        .await;
    let notice = broken["diagnostics"].as_array().unwrap().iter().find(|d| d["code"].is_null()).unwrap();
    assert_eq!(notice["severity"], 2);
    assert!(notice["message"].as_str().unwrap().ends_with("(checked without it)"), "{notice}");
    client.shut_down().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bare_scripts_are_read_from_their_names() {
    let mut client = started().await;
    let text = "entity.sumary = replica.summary\n";
    let named = open(&mut client, "file:///rules/exalate-incoming-freshdesk.groovy", text).await;
    assert_eq!(codes(&named), ["E0101"]);
    let unnamed = open(&mut client, "file:///rules/pasted.groovy", text).await;
    assert_eq!(unnamed.len(), 1);
    assert_eq!(unnamed[0]["severity"], 3, "information");
    assert!(unnamed[0]["message"].as_str().unwrap().contains("exalate-incoming-freshdesk.groovy"));
    client.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fast_typing_ends_with_the_diagnostics_of_the_last_text() {
    let mut client = started().await;
    let target = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/acme-freshdesk.sync"),
    )
    .unwrap();
    open(&mut client, URI, "").await;
    // Typed line by line without waiting: the server coalesces and must end current.
    let mut version = 1;
    for (line, text) in target.split_inclusive('\n').enumerate() {
        version += 1;
        let position = json!({ "line": line, "character": 0 });
        let change = json!({ "range": { "start": position, "end": position }, "text": text });
        client
            .notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [change] }),
            )
            .await;
    }
    let last = client.diagnostics(URI, version).await;
    let analysis =
        Analysis::new(FileInput { path: "/rules/acme.sync".into(), text: target.clone(), lock: None });
    assert_eq!(codes(&last), analysis.diagnostics().iter().map(|d| d.code.as_str()).collect::<Vec<_>>());
    let symbols = client
        .request("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }))
        .await
        .unwrap();
    assert_eq!(symbols.as_array().unwrap().len(), 5, "the server's text is the whole file: {symbols}");
    client.shut_down().await;
}
