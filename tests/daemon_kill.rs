//! `replica daemon` killed with SIGKILL again and again during a bulk sync, then left to
//! finish: no ticket or note may be missing or duplicated. The two platforms are simulators
//! in this test process; the daemon is the real binary, so every kill is a real crash at
//! whatever step it was in (mid-transaction, between a create and its record, …).

#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use replica_runtime::connector::{ApiKey, Client, ClientConfig, NewNote, PlatformKind};
use replica_runtime::sim::{SeedState, SimConfig, SimHandle, SimPlatform};
use serde_json::{json, Map, Value};

const FD_RULES: &str = r#"platform freshdesk
trigger ticket "tag:'bulk'"

outgoing {
    replica.key      = entity.key
    replica.summary  = entity.summary
    replica.priority = entity.priority
    replica.status   = entity.status
    replica.comments = entity.comments
}

incoming {
    entity.comments = commentHelper.mergeComments(entity, replica)
}
"#;

const FS_RULES: &str = r#"platform freshservice

outgoing {
    replica.key      = entity.key
    replica.summary  = entity.summary
    replica.comments = entity.comments
}

incoming {
    entity.summary     = replica.summary
    entity.description = "copied"
    entity.priority    = nodeHelper.getPriority(replica.priority?.name ?: "Low")
    entity.status      = nodeHelper.getStatus(replica.status?.name ?: "Open")
    entity.comments    = commentHelper.mergeComments(entity, replica)
}
"#;

fn config(fd: &str, fs: &str) -> String {
    format!(
        r#"
[[node]]
name = "fd"
platform = "freshdesk"
url = "{fd}"
api_key_file = "fd.key"
state = "fd.db"
poll_interval = "150ms"
start_from = "beginning"

[[node.connection]]
name = "bulk"
rules = "fd.sync"
peer = "fs"

[[node]]
name = "fs"
platform = "freshservice"
url = "{fs}"
api_key_file = "fs.key"
state = "fs.db"
poll_interval = "150ms"
start_from = "beginning"
requester_email = "sync@fs.example"

[[node.connection]]
name = "bulk"
rules = "fs.sync"
peer = "fd"
"#
    )
}

fn spawn(dir: &Path) -> Child {
    common::spawn_daemon(&dir.join("node.toml"), None)
}

fn state(sim: &SimHandle) -> (Vec<Map<String, Value>>, Vec<Map<String, Value>>) {
    let state = sim.state();
    (state.tickets, state.conversations)
}

fn notes_on(conversations: &[Map<String, Value>], ticket: &Value) -> Vec<String> {
    conversations
        .iter()
        .filter(|c| &c["ticket_id"] == ticket)
        .map(|c| c["body"].as_str().unwrap_or("").to_string())
        .collect()
}

fn kill_during_bulk_sync(count: usize, fs_faults: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let start = |platform, key: &str, faults: &str| {
        let mut config = SimConfig::new(platform, key);
        config.faults = faults.parse().unwrap();
        config.seed = Some(
            SeedState::from_json(
                &json!({"agents": [{"id": 1, "name": "A", "email": "a@example.com"}]}).to_string(),
            )
            .unwrap(),
        );
        runtime.block_on(SimHandle::start(config, "127.0.0.1:0".parse().unwrap())).unwrap()
    };
    let fd = start(SimPlatform::Freshdesk, "fd-key", "");
    let fs = start(SimPlatform::Freshservice, "fs-key", fs_faults);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fd.sync"), FD_RULES).unwrap();
    std::fs::write(dir.path().join("fs.sync"), FS_RULES).unwrap();
    std::fs::write(dir.path().join("fd.key"), "fd-key").unwrap();
    std::fs::write(dir.path().join("fs.key"), "fs-key").unwrap();
    std::fs::write(dir.path().join("node.toml"), config(&fd.base_url(), &fs.base_url())).unwrap();

    // The bulk: tickets with a comment each, all made before the first start.
    let user = Client::new(ClientConfig::new(PlatformKind::Freshdesk, fd.base_url(), ApiKey::new("fd-key")))
        .unwrap();
    runtime.block_on(async {
        for i in 0..count {
            let ticket = user
                .create_ticket(
                    json!({"email": "c@example.com", "subject": format!("Bulk {i}"), "description": "d",
                           "status": 2, "priority": 1, "source": 2, "tags": ["bulk"]})
                    .as_object()
                    .unwrap(),
                )
                .await
                .unwrap();
            user.add_note(ticket.id, &NewNote { body: format!("comment {i}"), private: false })
                .await
                .unwrap();
        }
    });

    // Kill it at several points of the sync: right after start, mid-way, late.
    for delay in [150, 320, 400, 480, 560, 640, 720, 850, 1000, 1300] {
        let mut daemon = spawn(dir.path());
        std::thread::sleep(Duration::from_millis(delay));
        daemon.kill().unwrap(); // SIGKILL: no chance to finish anything
        daemon.wait().unwrap();
        let (tickets, notes) = state(&fs);
        eprintln!(
            "killed after {delay} ms: {} tickets and {} notes on Freshservice",
            tickets.len(),
            notes.len()
        );
    }

    let mut daemon = spawn(dir.path());
    let deadline = Instant::now() + Duration::from_secs(90);
    let converged = loop {
        let (tickets, conversations) = state(&fs);
        let done = tickets.len() >= count
            && tickets
                .iter()
                .all(|t| notes_on(&conversations, &t["id"]).iter().any(|n| n.contains("comment")));
        if done {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    // A little longer, for anything that would come twice.
    std::thread::sleep(Duration::from_millis(1500));
    daemon.kill().unwrap();
    daemon.wait().unwrap();

    let (fs_tickets, fs_notes) = state(&fs);
    let (fd_tickets, fd_notes) = state(&fd);
    assert!(converged, "the sync did not finish: {} of {count} tickets on Freshservice", fs_tickets.len());
    let mut subjects: Vec<&str> = fs_tickets.iter().map(|t| t["subject"].as_str().unwrap_or("")).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(
        (fs_tickets.len(), subjects.len()),
        (count, count),
        "every ticket exactly once on Freshservice"
    );
    for ticket in &fs_tickets {
        let notes = notes_on(&fs_notes, &ticket["id"]);
        assert_eq!(notes.len(), 1, "one note on Freshservice ticket {}: {notes:?}", ticket["id"]);
    }
    assert_eq!(fd_tickets.len(), count, "nothing came back to Freshdesk as a new ticket");
    for ticket in &fd_tickets {
        let notes = notes_on(&fd_notes, &ticket["id"]);
        assert_eq!(notes.len(), 1, "no echo of the comment on Freshdesk ticket {}: {notes:?}", ticket["id"]);
    }
    runtime.block_on(async {
        fd.shutdown().await;
        fs.shutdown().await;
    });
}

#[test]
fn killed_mid_sync_it_loses_nothing_and_duplicates_nothing() {
    kill_during_bulk_sync(80, "");
}

#[test]
fn killed_mid_sync_with_lost_answers_it_still_converges_exactly() {
    kill_during_bulk_sync(40, "drop_after_commit=0.3,error_rate=0.1,seed=99");
}
