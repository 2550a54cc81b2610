//! `replica demo` as a newcomer runs it, and `replica daemon` refusing what it cannot run.

mod common;

use common::{replica, text};

#[test]
fn the_demo_syncs_the_example_connection_and_says_so() {
    let output = replica().args(["demo", "--timeout", "90"]).output().unwrap();
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{}", text(&output.stderr));
    assert!(stdout.contains("✓ everything arrived"), "{stdout}");
    // Tickets are handled side by side, so their numbers may pair up either way.
    for step in [
        "as the twin of acme #",
        "as the twin of globex #",
        "added a note to ticket #",
        ": status",
        "→ sent ticket #",
    ] {
        assert!(stdout.contains(step), "the demo shows `{step}`:\n{stdout}");
    }
    assert!(!stdout.contains("PARKED"), "{stdout}");
}

#[test]
fn the_daemon_refuses_a_bad_configuration_naming_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("node.toml");
    std::fs::write(
        &config,
        "[[node]]\nname = \"a\"\nplatform = \"freshdesk\"\nurl = \"http://127.0.0.1:1\"\napi_key_env = \"K\"\nstate = \"a.db\"\npoll_interval = \"soon\"\n",
    )
    .unwrap();
    let output = replica().args(["daemon", "-c"]).arg(&config).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("node.toml") && stderr.contains("poll_interval"), "{stderr}");

    // Rules that do not check are refused with their diagnostics.
    std::fs::write(
        dir.path().join("bad.sync"),
        "platform freshdesk\noutgoing {\n    replica.sumary = entity.summary\n}\n",
    )
    .unwrap();
    std::fs::write(
        &config,
        "[[node]]\nname = \"a\"\nplatform = \"freshdesk\"\nurl = \"http://127.0.0.1:1\"\napi_key_env = \"K\"\nstate = \"a.db\"\n\
         [[node.connection]]\nname = \"c\"\nrules = \"bad.sync\"\npeer = \"b\"\n\
         [[node]]\nname = \"b\"\nplatform = \"freshdesk\"\nurl = \"http://127.0.0.1:1\"\napi_key_env = \"K\"\nstate = \"b.db\"\n\
         [[node.connection]]\nname = \"c\"\nrules = \"bad.sync\"\npeer = \"a\"\n",
    )
    .unwrap();
    let output = replica().args(["daemon", "-c"]).arg(&config).env("K", "key").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("bad.sync") && stderr.contains("E0101") && stderr.contains("sumary"), "{stderr}");
}
