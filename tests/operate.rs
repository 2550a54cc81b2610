//! Operating nodes as an administrator does, with the real binary: `replica errors`,
//! `retry`, `status`, `reload` and `resync` against a running daemon's admin API, its
//! Prometheus metrics, and two daemons in two processes exchanging signed replicas over
//! HTTP (forged, stale and replayed requests refused; the peer killed and restarted with
//! nothing lost). The platforms are simulators in this test process.

#![cfg(unix)]

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use replica_runtime::connector::{ApiKey, Client, ClientConfig, NewNote, PlatformKind};
use replica_runtime::sim::{SeedState, SimConfig, SimHandle, SimPlatform};
use replica_runtime::sync::signing::{sign, Secret};
use serde_json::{json, Map, Value};

const FD_RULES: &str = r#"platform freshdesk
trigger ticket "tag:'sync'"

outgoing {
    replica.key      = entity.key
    replica.summary  = entity.summary
    replica.priority = entity.priority
    replica.status   = entity.status
    replica.comments = entity.comments
}

incoming {
    entity.priority = nodeHelper.getPriority(replica.priority?.name ?: "Low")
    entity.comments = commentHelper.mergeComments(entity, replica)
}
"#;

const FS_RULES: &str = r#"platform freshservice

outgoing {
    replica.key      = entity.key
    replica.summary  = entity.summary
    replica.priority = entity.priority
    replica.comments = entity.comments
}

incoming {
    if (replica.summary?.contains("BOOM")) {
        debug.error("refusing " + replica.summary)
    }
    entity.summary     = replica.summary
    entity.description = "copied"
    entity.priority    = nodeHelper.getPriority(replica.priority?.name ?: "Low")
    entity.status      = nodeHelper.getStatus(replica.status?.name ?: "Open")
    entity.comments    = commentHelper.mergeComments(entity, replica)
}
"#;

const SECRET: &str = "a-shared-secret-for-the-test";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct World {
    runtime: tokio::runtime::Runtime,
    fd: SimHandle,
    fs: SimHandle,
    fd_user: Client,
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let start = |platform, key: &str| {
            let mut config = SimConfig::new(platform, key);
            config.seed = Some(
                SeedState::from_json(
                    &json!({"agents": [{"id": 1, "name": "A", "email": "a@example.com"}]}).to_string(),
                )
                .unwrap(),
            );
            runtime.block_on(SimHandle::start(config, "127.0.0.1:0".parse().unwrap())).unwrap()
        };
        let fd = start(SimPlatform::Freshdesk, "fd-key");
        let fs = start(SimPlatform::Freshservice, "fs-key");
        let fd_user =
            Client::new(ClientConfig::new(PlatformKind::Freshdesk, fd.base_url(), ApiKey::new("fd-key")))
                .unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("fd.sync", FD_RULES),
            ("fs.sync", FS_RULES),
            ("fd.key", "fd-key"),
            ("fs.key", "fs-key"),
            ("secret", SECRET),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        World { runtime, fd, fs, fd_user, dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn create(&self, subject: &str) -> i64 {
        let body = json!({"email": "c@example.com", "subject": subject, "description": "d", "status": 2, "priority": 1,
                          "source": 2, "tags": ["sync"]});
        self.runtime.block_on(self.fd_user.create_ticket(body.as_object().unwrap())).unwrap().id
    }

    fn fs_tickets(&self) -> Vec<Map<String, Value>> {
        self.fs.state().tickets
    }

    fn fs_with(&self, subject: &str) -> Vec<Map<String, Value>> {
        self.fs_tickets().into_iter().filter(|t| t["subject"] == subject).collect()
    }

    fn until<T>(&self, what: &str, mut found: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(value) = found() {
                return value;
            }
            assert!(Instant::now() < deadline, "{what} did not happen within a minute");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn node_block(name: &str, platform: &str, url: &str, port: u16, connection: &str) -> String {
    format!(
        "[[node]]\nname = \"{name}\"\nplatform = \"{platform}\"\nurl = \"{url}\"\napi_key_file = \"{name}.key\"\n\
         state = \"{name}.db\"\npoll_interval = \"200ms\"\nstart_from = \"beginning\"\nrequester_email = \"sync@example.com\"\n\
         listen = \"127.0.0.1:{port}\"\n\n[[node.connection]]\n{connection}\n"
    )
}

fn daemon(config: &Path, log: &Path) -> Child {
    common::spawn_daemon(config, Some(log))
}

/// `replica <args>` with the node configuration; (exit code, stdout, stderr).
fn replica(args: &[&str], config: &Path) -> (i32, String, String) {
    let output = common::replica().args(args).arg("-c").arg(config).output().unwrap();
    (output.status.code().unwrap_or(-1), common::text(&output.stdout), common::text(&output.stderr))
}

fn get(url: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = replica_runtime::connector::http_client_builder().build().unwrap();
    runtime.block_on(async { client.get(url).send().await.unwrap().text().await.unwrap() })
}

#[test]
fn errors_retry_status_reload_resync_and_metrics() {
    let world = World::new();
    let (fd_port, fs_port) = (free_port(), free_port());
    let config = world.path("node.toml");
    std::fs::write(
        &config,
        node_block(
            "fd",
            "freshdesk",
            &world.fd.base_url(),
            fd_port,
            "name = \"pair\"\nrules = \"fd.sync\"\npeer = \"fs\"",
        ) + &node_block(
            "fs",
            "freshservice",
            &world.fs.base_url(),
            fs_port,
            "name = \"pair\"\nrules = \"fs.sync\"\npeer = \"fd\"",
        ),
    )
    .unwrap();
    let mut process = daemon(&config, &world.path("daemon.log"));

    // A failing item is parked with its diagnostic; others go on.
    let boom = world.create("BOOM one");
    world.create("Fine one");
    world.until("the fine ticket", || world.fs_with("Fine one").pop());
    let (code, errors) = world.until("the parked item", || {
        let (code, out, _) = replica(&["errors", "--node", "fs"], &config);
        out.contains("refusing BOOM one").then_some((code, out))
    });
    assert_eq!(code, 1, "parked items make `errors` exit 1");
    assert!(errors.contains("#1  pair  incoming  the peer's ticket"), "{errors}");
    assert!(errors.contains("fs.sync:"), "the diagnostic points into the rules:\n{errors}");
    let (_, status, _) = replica(&["status", "--node", "fs"], &config);
    assert!(status.contains("connection pair: rules") && status.contains("parked 1"), "{status}");

    // Fix the rules: the node picks the file up by itself; then retry the parked item.
    let version_before = status.split("rules ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    std::fs::write(world.path("fs.sync"), FS_RULES.replace("BOOM", "NEVER")).unwrap();
    world.until("the new rules", || {
        let (_, status, _) = replica(&["status", "--node", "fs"], &config);
        (!status.contains(&format!("rules {version_before}"))).then_some(())
    });
    let (code, out, err) = replica(&["retry", "--all", "--node", "fs"], &config);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("released 1 parked item"), "{out}");
    world.until("the retried ticket", || world.fs_with("BOOM one").pop());

    // A broken rules file is refused; the previous rules stay active and keep syncing.
    std::fs::write(
        world.path("fs.sync"),
        FS_RULES.replace("entity.summary     = replica.summary", "entity.sumary = replica.summary"),
    )
    .unwrap();
    let (code, out, _) = replica(&["reload", "--node", "fs"], &config);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("pair: refused") && out.contains("sumary"), "{out}");
    let (code, status, _) = replica(&["status", "--node", "fs"], &config);
    assert_eq!(code, 1, "a refused reload shows in the status:\n{status}");
    assert!(status.contains("refused a changed") && status.contains("E0101"), "{status}");
    world.create("After the refusal");
    world.until("a ticket synced with the previous rules", || world.fs_with("After the refusal").pop());
    let log = std::fs::read_to_string(world.path("daemon.log")).unwrap();
    assert!(log.contains("the changed rules are refused"), "{log}");

    // Resync runs the outgoing rules again for every ticket under sync.
    let (code, out, err) = replica(&["resync", "pair", "--node", "fd", "-q"], &config);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("resync of pair: 3 tickets looked at"), "{out}");

    // Metrics in Prometheus' text format.
    let metrics = get(&format!("http://127.0.0.1:{fs_port}/metrics"));
    for expected in [
        "# TYPE replica_twins gauge",
        "replica_twins{node=\"fs\",connection=\"pair\"} 3",
        "replica_parked_items{node=\"fs\",connection=\"pair\"} 0",
        "replica_sync_events_total{node=\"fs\",connection=\"pair\",kind=\"created\"} 3",
        "replica_rules_info{node=\"fs\",connection=\"pair\",version=",
        "replica_api_requests_total{node=\"fs\"}",
    ] {
        assert!(metrics.contains(expected), "`{expected}` in:\n{metrics}");
    }
    // Refused once or twice: by the automatic reload, and by `replica reload` if it came first.
    let refused = metrics
        .lines()
        .find_map(|l| l.strip_prefix("replica_rules_reload_refused_total{node=\"fs\"} "))
        .and_then(|n| n.parse::<u64>().ok());
    assert!(refused.is_some_and(|n| n >= 1), "{metrics}");
    assert!(
        !metrics.contains("fs-key") && !log.contains("fs-key") && !log.contains("fd-key"),
        "no key anywhere"
    );
    let _ = boom;
    process.kill().unwrap();
    process.wait().unwrap();
}

#[test]
fn two_processes_exchange_signed_replicas_and_refuse_forgeries() {
    let world = World::new();
    let (fd_port, fs_port) = (free_port(), free_port());
    let connection = |rules: &str, peer: &str, port: u16| {
        format!(
            "name = \"pair\"\nrules = \"{rules}\"\npeer = \"{peer}\"\npeer_url = \"http://127.0.0.1:{port}\"\nsecret_file = \"secret\""
        )
    };
    let fd_config = world.path("fd.toml");
    let fs_config = world.path("fs.toml");
    std::fs::write(
        &fd_config,
        node_block("fd", "freshdesk", &world.fd.base_url(), fd_port, &connection("fd.sync", "fs", fs_port)),
    )
    .unwrap();
    std::fs::write(
        &fs_config,
        node_block(
            "fs",
            "freshservice",
            &world.fs.base_url(),
            fs_port,
            &connection("fs.sync", "fd", fd_port),
        ),
    )
    .unwrap();
    let mut fd = daemon(&fd_config, &world.path("fd.log"));
    let mut fs = daemon(&fs_config, &world.path("fs.log"));

    // Both ways, over HTTP.
    let first = world.create("Over the wire");
    let twin = world.until("the ticket in the other process", || world.fs_with("Over the wire").pop());
    let twin_id = twin["id"].as_i64().unwrap();
    world
        .runtime
        .block_on(world.fd_user.add_note(first, &NewNote { body: "a comment".into(), private: false }))
        .unwrap();
    world.until("the comment", || {
        world
            .fs
            .state()
            .conversations
            .iter()
            .any(|c| c["ticket_id"] == twin_id && c["body"].as_str().unwrap_or("").contains("a comment"))
            .then_some(())
    });

    // The peer dies with work under way: the sender keeps its envelopes, retries with a
    // backoff, and delivers them when the peer is back; nothing is lost or doubled.
    let bulk: Vec<i64> = (0..25).map(|i| world.create(&format!("Bulk {i}"))).collect();
    std::thread::sleep(Duration::from_millis(100));
    fs.kill().unwrap(); // SIGKILL
    fs.wait().unwrap();
    let bulk_late: Vec<i64> = (25..40).map(|i| world.create(&format!("Bulk {i}"))).collect();
    world.until("the sender noticing the peer is down", || {
        std::fs::read_to_string(world.path("fd.log"))
            .unwrap()
            .contains("delivery failed; the envelopes stay queued")
            .then_some(())
    });
    let fs_log = world.path("fs-again.log");
    fs = daemon(&fs_config, &fs_log);
    for i in 0..bulk.len() + bulk_late.len() {
        world.until("every bulk ticket", || (world.fs_with(&format!("Bulk {i}")).len() == 1).then_some(()));
    }
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(world.fs_tickets().len(), 41, "each ticket exactly once");
    let fd_log = std::fs::read_to_string(world.path("fd.log")).unwrap();

    // Forged, stale and replayed requests are refused, and say why.
    let url = format!("http://127.0.0.1:{fs_port}/v1/peer/pair/envelopes");
    let body = br#"[]"#.to_vec();
    let now = chrono::Utc::now().timestamp();
    let send = |timestamp: i64, signature: String| {
        let client = replica_runtime::connector::http_client_builder().build().unwrap();
        let request = client
            .post(&url)
            .header("content-type", "application/json")
            .header("x-replica-node", "fd")
            .header("x-replica-timestamp", timestamp.to_string())
            .header("x-replica-signature", signature)
            .body(body.clone());
        world.runtime.block_on(async { request.send().await.unwrap().status().as_u16() })
    };
    let forged = send(now, sign(&Secret::new("not-the-secret-at-all"), now, &body));
    assert_eq!(forged, 401);
    let stale = send(now - 1_000, sign(&Secret::new(SECRET), now - 1_000, &body));
    assert_eq!(stale, 401);
    let signature = sign(&Secret::new(SECRET), now, &body);
    assert_eq!(send(now, signature.clone()), 200, "a good request passes");
    assert_eq!(send(now, signature), 409, "the same request again is a replay");
    let metrics = get(&format!("http://127.0.0.1:{fs_port}/metrics"));
    for reason in ["bad_signature", "stale", "replayed"] {
        assert!(metrics.contains(&format!("reason=\"{reason}\"}} 1")), "{reason} counted:\n{metrics}");
    }
    let log = std::fs::read_to_string(&fs_log).unwrap();
    assert!(log.contains("peer request rejected") && log.contains("replayed"), "{log}");
    assert!(!log.contains(SECRET) && !fd_log.contains(SECRET), "the secret never shows");

    fd.kill().unwrap();
    fs.kill().unwrap();
    fd.wait().unwrap();
    fs.wait().unwrap();
}

#[test]
fn two_processes_over_https_with_a_private_ca() {
    let world = World::new();
    let (fd_port, fs_port) = (free_port(), free_port());
    // A private CA and a certificate for this machine, as two companies might set up.
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let node_key = rcgen::KeyPair::generate().unwrap();
    let node_cert = rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
        .unwrap()
        .signed_by(&node_key, &issuer)
        .unwrap();
    std::fs::write(world.path("ca.pem"), ca.pem()).unwrap();
    std::fs::write(world.path("node.pem"), node_cert.pem()).unwrap();
    std::fs::write(world.path("node.key"), node_key.serialize_pem()).unwrap();

    let connection = |rules: &str, peer: &str, port: u16| {
        format!(
            "name = \"pair\"\nrules = \"{rules}\"\npeer = \"{peer}\"\npeer_url = \"https://localhost:{port}\"\n\
             secret_file = \"secret\"\npeer_ca_file = \"ca.pem\""
        )
    };
    let tls = "tls_cert_file = \"node.pem\"\ntls_key_file = \"node.key\"\n";
    let with_tls = |block: String| block.replacen("listen = ", &format!("{tls}listen = "), 1);
    let fd_config = world.path("fd.toml");
    let fs_config = world.path("fs.toml");
    let fd_block =
        node_block("fd", "freshdesk", &world.fd.base_url(), fd_port, &connection("fd.sync", "fs", fs_port));
    let fs_block = node_block(
        "fs",
        "freshservice",
        &world.fs.base_url(),
        fs_port,
        &connection("fs.sync", "fd", fd_port),
    );
    std::fs::write(&fd_config, with_tls(fd_block)).unwrap();
    std::fs::write(&fs_config, with_tls(fs_block)).unwrap();
    let mut fd = daemon(&fd_config, &world.path("fd.log"));
    let mut fs = daemon(&fs_config, &world.path("fs.log"));

    world.create("Over TLS");
    world.until("the ticket over HTTPS", || world.fs_with("Over TLS").pop());
    let (code, status, err) = replica(&["status"], &fs_config);
    assert_eq!(code, 0, "the admin API over HTTPS: {status}{err}");
    assert!(status.contains("twins 1"), "{status}");
    // Plain HTTP to the HTTPS listener gets nowhere.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = replica_runtime::connector::http_client_builder().build().unwrap();
    let plain = runtime.block_on(client.get(format!("http://127.0.0.1:{fs_port}/v1/status")).send());
    assert!(plain.is_err() || !plain.unwrap().status().is_success());

    fd.kill().unwrap();
    fs.kill().unwrap();
    fd.wait().unwrap();
    fs.wait().unwrap();
}
