//! `replica lsp` as an editor runs it: the real binary as a child process, JSON-RPC over its
//! stdin and stdout with `Content-Length` framing. What it publishes must be what `replica
//! check --format json` reports for the same file.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use replica_lsp::client::Client;
use serde_json::{json, Value};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

type Stdio_ = Client<ChildStdout, ChildStdin>;

fn start() -> (Child, Stdio_) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_replica"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("replica lsp starts");
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    (child, Client::new(stdout, stdin))
}

async fn exit_status(mut child: Child) -> Option<i32> {
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait()).await.expect("the server exits");
    status.expect("an exit status").code()
}

/// `replica check --format json FILE`: (code, message, 1-based line) of each diagnostic.
fn check_json(path: &Path) -> Vec<(String, String, u64)> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_replica"))
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .expect("replica check runs");
    let diagnostics: Vec<Value> = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

const BROKEN: &str = "platform freshdesk\r\n\r\nincoming {\r\n    def note = \"😀\"; entity.sumary = note\r\n    entity.status = nodeHelper.getStatus(\"Opne\")\r\n    entity.priority = [1, 2]\r\n}\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_check_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.sync");
    std::fs::write(&path, BROKEN).unwrap();
    let uri = format!("file://{}", path.display());

    let (child, mut client) = start();
    let initialized = client.initialize().await;
    assert_eq!(initialized["serverInfo"]["name"], "replica");
    let item = json!({ "uri": uri, "languageId": "replica-sync", "version": 1, "text": BROKEN });
    client.notify("textDocument/didOpen", json!({ "textDocument": item })).await;
    let published = client.diagnostics(&uri, 1).await;

    let expected = check_json(&path);
    assert_eq!(
        expected.iter().map(|(code, ..)| code.as_str()).collect::<Vec<_>>(),
        ["E0101", "E0104", "E0103"]
    );
    let got: Vec<(String, String, u64)> = published
        .iter()
        .map(|d| {
            let message = d["message"].as_str().unwrap().lines().next().unwrap().to_string();
            (
                d["code"].as_str().unwrap().to_string(),
                message,
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
            )
        })
        .collect();
    assert_eq!(got, expected);
    // The column is in UTF-16 units: the emoji before `sumary` counts two.
    assert_eq!(published[0]["range"]["start"]["character"], 28);

    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 4, "character": 34 } }),
        )
        .await
        .unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("nodeHelper.getStatus"), "{hover}");

    client.shut_down().await;
    assert_eq!(exit_status(child).await, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_examples_are_clean_in_the_editor_too() {
    let (child, mut client) = start();
    client.initialize().await;
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for name in ["acme-freshdesk.sync", "globex-freshservice.sync"] {
        let path = examples.join(name);
        assert!(check_json(&path).is_empty());
        let uri = format!("file://{}", path.display());
        let text = std::fs::read_to_string(&path).unwrap();
        let item = json!({ "uri": uri, "languageId": "replica-sync", "version": 1, "text": text });
        client.notify("textDocument/didOpen", json!({ "textDocument": item })).await;
        assert_eq!(client.diagnostics(&uri, 1).await, Vec::<Value>::new(), "{name}");
    }
    client.shut_down().await;
    assert_eq!(exit_status(child).await, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_without_shutdown_is_status_1() {
    let (child, mut client) = start();
    client.initialize().await;
    client.notify("exit", Value::Null).await;
    assert_eq!(exit_status(child).await, Some(1));
}
