//! What the end-to-end tests share: the `replica` binary with a fixed environment, and the
//! repository root. Each test binary uses some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use assert_cmd::Command;

pub fn replica() -> Command {
    let mut command = Command::cargo_bin("replica").expect("the replica binary is built");
    // Deterministic output whatever the caller's environment.
    command.env_remove("NO_COLOR").env("COLUMNS", "100");
    command
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A command's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The real `replica daemon -c CONFIG`, started in the background: with `log`, it logs at
/// info level into that file; without, warnings and errors are dropped.
pub fn spawn_daemon(config: &Path, log: Option<&Path>) -> Child {
    let (level, stderr) = match log {
        Some(log) => ("info", Stdio::from(std::fs::File::create(log).expect("the log file"))),
        None => ("warn", Stdio::null()),
    };
    std::process::Command::new(env!("CARGO_BIN_EXE_replica"))
        .args(["daemon", "-c"])
        .arg(config)
        .env("RUST_LOG", level)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the daemon starts")
}
