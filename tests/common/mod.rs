//! What the end-to-end tests share: the `replica` binary with a fixed environment, and the
//! repository root. Each test binary uses some of it.
#![allow(dead_code)]

use std::path::PathBuf;

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
