//! A minimal Language Server Protocol client, for the tests and the benchmark: it frames
//! JSON-RPC messages with `Content-Length` headers as an editor does, over any pair of byte
//! streams — an in-process pipe to [`crate::serve`] or a `replica lsp` child's stdio.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// How long to wait for one message before giving up (a test must fail, not hang).
const PATIENCE: Duration = Duration::from_secs(120);

/// How many unclaimed notifications are kept.
const KEPT: usize = 1_000;

pub struct Client<R, W> {
    reader: BufReader<R>,
    writer: W,
    next_id: i64,
    /// Notifications read while waiting for something else.
    notifications: VecDeque<Value>,
}

/// A client connected to a server running in this process (on the current tokio runtime).
pub type InProcess =
    Client<tokio::io::ReadHalf<tokio::io::DuplexStream>, tokio::io::WriteHalf<tokio::io::DuplexStream>>;

/// Starts a server in this process and returns a client connected to it.
pub fn in_process() -> InProcess {
    let (client_end, server_end) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_end);
    tokio::spawn(crate::serve(server_read, server_write));
    let (read, write) = tokio::io::split(client_end);
    Client::new(read, write)
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> Client<R, W> {
    pub fn new(reader: R, writer: W) -> Self {
        Client { reader: BufReader::new(reader), writer, next_id: 1, notifications: VecDeque::new() }
    }

    /// `initialize` (answered with the server's capabilities), then `initialized`.
    pub async fn initialize(&mut self) -> Value {
        let params = json!({
            "processId": null,
            "rootUri": null,
            "capabilities": { "general": { "positionEncodings": ["utf-16"] } }
        });
        let result = self.request("initialize", params).await.expect("initialize succeeds");
        self.notify("initialized", json!({})).await;
        result
    }

    /// `shutdown`, then `exit`.
    pub async fn shut_down(&mut self) {
        self.request("shutdown", Value::Null).await.expect("shutdown succeeds");
        self.notify("exit", Value::Null).await;
    }

    /// Sends a request and waits for its response: its result, or its error object.
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })).await;
        loop {
            let message = self.receive().await;
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return match message.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
            self.keep(message).await;
        }
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params })).await;
    }

    /// The first notification of `method` whose params satisfy `wanted`, kept or to come.
    pub async fn notification(&mut self, method: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let kept = self.notifications.iter().position(|m| m["method"] == method && wanted(&m["params"]));
        if let Some(message) = kept.and_then(|at| self.notifications.remove(at)) {
            return message["params"].clone();
        }
        loop {
            let message = self.receive().await;
            if message["method"] == method && message.get("id").is_none() && wanted(&message["params"]) {
                return message["params"].clone();
            }
            self.keep(message).await;
        }
    }

    /// The diagnostics published for `uri` at `version`.
    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self
            .notification("textDocument/publishDiagnostics", |p| p["uri"] == uri && p["version"] == version)
            .await;
        params["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// Keeps a notification for later; answers a request from the server (none is expected,
    /// but a client must not leave one unanswered).
    async fn keep(&mut self, message: Value) {
        match (message.get("id"), message.get("method")) {
            (Some(id), Some(_)) => {
                let id = id.clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null })).await;
            }
            (None, Some(_)) => {
                // Nobody waits for old diagnostics of a document typed into thousands of times.
                if self.notifications.len() == KEPT {
                    self.notifications.pop_front();
                }
                self.notifications.push_back(message);
            }
            _ => {}
        }
    }

    async fn send(&mut self, message: Value) {
        let body = message.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(framed.as_bytes()).await.expect("the server reads its input");
        self.writer.flush().await.expect("the server reads its input");
    }

    async fn receive(&mut self) -> Value {
        tokio::time::timeout(PATIENCE, self.read_message())
            .await
            .unwrap_or_else(|_| panic!("no message from the server in {PATIENCE:?}"))
    }

    /// One message: headers up to an empty line, then `Content-Length` bytes of JSON.
    async fn read_message(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            let read = self.reader.read_line(&mut line).await.expect("the server's output is readable");
            assert!(read > 0, "the server closed its output");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length:") {
                length = Some(value.trim().parse::<usize>().expect("a numeric Content-Length"));
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        self.reader.read_exact(&mut body).await.expect("a whole message body");
        serde_json::from_slice(&body).expect("a JSON message")
    }
}
