//! `replica sim` as a person runs it: the binary starts, prints where the API is and with
//! which key, answers a request, and on Ctrl-C (SIGINT) writes its state when asked to.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Kills the child if a test fails half-way.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plain HTTP/1.1 GET, as curl would send it; returns the status line, headers and body.
fn http_get(addr: &str, path: &str, auth: Option<&str>) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to the simulator");
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let auth = auth.map(|a| format!("Authorization: Basic {a}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    answer
}

#[test]
fn sim_starts_answers_and_saves_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        r#"{"contacts": [{"id": 100, "name": "Ada", "email": "ada@example.com"}],
            "tickets": [{"id": 41, "description": "<p>seeded</p>", "requester_id": 100}]}"#,
    )
    .unwrap();
    let saved = dir.path().join("saved.json");
    let child = Command::new(env!("CARGO_BIN_EXE_replica"))
        .args(["sim", "--platform", "freshservice", "--port", "0", "--api-key", "k3y", "--rate-limit", "100"])
        .arg("--seed")
        .arg(&seed)
        .arg("--save-on-exit")
        .arg(&saved)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("replica sim starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").unwrap();
    assert!(first.starts_with("Freshservice API v2 simulator listening on http://127.0.0.1:"), "{first}");
    let addr = first.rsplit("http://").next().unwrap().trim().to_string();
    let second = lines.next().unwrap().unwrap();
    assert!(second.contains("k3y"), "{second}");

    // base64("k3y:X")
    let answer = http_get(&addr, "/api/v2/tickets/41", Some("azN5Olg="));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("x-ratelimit-total: 100"), "{answer}");
    assert!(answer.contains("\"ticket\":{"), "{answer}");
    assert!(answer.contains("\"description_text\":\"seeded\""), "{answer}");
    let denied = http_get(&addr, "/api/v2/tickets", None);
    assert!(denied.starts_with("HTTP/1.1 401"), "{denied}");

    let status = Command::new("kill").args(["-INT", &server.0.id().to_string()]).status().expect("kill -INT");
    assert!(status.success());
    let exit = server.0.wait().expect("the simulator stops");
    assert!(exit.success(), "{exit:?}");
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).expect("state saved")).unwrap();
    assert_eq!(state["platform"], "freshservice");
    assert_eq!(state["tickets"][0]["id"], 41);
}

#[test]
fn sim_refuses_bad_flags_with_the_reason() {
    let output = Command::new(env!("CARGO_BIN_EXE_replica"))
        .args(["sim", "--platform", "freshdesk", "--faults", "error_rate=2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`error_rate` must be a number from 0 to 1"), "{stderr}");
    let output =
        Command::new(env!("CARGO_BIN_EXE_replica")).args(["sim", "--platform", "jira"]).output().unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown platform `jira`"));
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, r#"{"tickets": [{"id": "one"}]}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_replica"))
        .args(["sim", "--platform", "freshdesk", "--seed"])
        .arg(&seed)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`id` must be a positive integer"), "{stderr}");
}
