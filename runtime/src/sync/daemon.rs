//! Nodes running in one process, one thread each (a node's script runs hold values that
//! stay on their thread), started from a configuration and stopped together.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;

use tokio::sync::{watch, Notify};

use super::config::{Config, NodeConfig};
use super::events::EventSink;
use super::node::{Link, Node};
use super::peer::{HttpPeer, InProcessPeer, Peer};
use super::rules::ConnectionRules;
use super::shared::{PeerAuth, Shared};
use super::store::SqliteStore;
use crate::connector::{Client, ClientConfig};

/// Running nodes.
pub struct Daemon {
    shutdown: watch::Sender<bool>,
    threads: Vec<(String, JoinHandle<()>)>,
}

/// How a node's client is set up (tests and the demo shorten timeouts and retries).
pub type ClientTuning = Arc<dyn Fn(&mut ClientConfig) + Send + Sync>;

/// A node that could not start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartError {
    pub node: String,
    pub message: String,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node `{}` cannot start: {}", self.node, self.message)
    }
}

impl std::error::Error for StartError {}

impl Daemon {
    /// Starts every node of the configuration; returns when all are running, or the first
    /// that could not start (the others are stopped again).
    pub fn start(
        config: &Config,
        events: EventSink,
        tuning: Option<ClientTuning>,
    ) -> Result<Daemon, StartError> {
        let wakes: HashMap<String, (PathBuf, Arc<Notify>)> = config
            .nodes
            .iter()
            .map(|n| (n.name.clone(), (n.state.clone(), Arc::new(Notify::new()))))
            .collect();
        let (shutdown, _) = watch::channel(false);
        let (ready_tx, ready_rx) = mpsc::channel::<Result<String, StartError>>();
        let mut threads = Vec::new();
        for node in &config.nodes {
            let node = node.clone();
            let wakes = wakes.clone();
            let events = events.clone();
            let ready = ready_tx.clone();
            let shutdown = shutdown.subscribe();
            let tuning = tuning.clone();
            let name = node.name.clone();
            let thread = std::thread::Builder::new()
                .name(format!("node-{name}"))
                .spawn(move || run_node(node, wakes, events, tuning, ready, shutdown))
                .map_err(|e| StartError {
                    node: name.clone(),
                    message: format!("cannot start its thread: {e}"),
                })?;
            threads.push((name, thread));
        }
        drop(ready_tx);
        let daemon = Daemon { shutdown, threads };
        for _ in 0..config.nodes.len() {
            match ready_rx.recv() {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => {
                    daemon.stop();
                    return Err(error);
                }
                Err(_) => {
                    daemon.stop();
                    return Err(StartError {
                        node: "?".into(),
                        message: "a node thread ended while starting".into(),
                    });
                }
            }
        }
        Ok(daemon)
    }

    /// Asks every node to stop after its current step, and waits for them.
    pub fn stop(self) {
        let _ = self.shutdown.send(true);
        for (name, thread) in self.threads {
            if thread.join().is_err() {
                tracing::error!(node = %name, "the node thread panicked");
            }
        }
    }
}

fn run_node(
    config: NodeConfig,
    wakes: HashMap<String, (PathBuf, Arc<Notify>)>,
    events: EventSink,
    tuning: Option<ClientTuning>,
    ready: mpsc::Sender<Result<String, StartError>>,
    shutdown: watch::Receiver<bool>,
) {
    let name = config.name.clone();
    let fail = |message: String| StartError { node: name.clone(), message };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = ready.send(Err(fail(format!("cannot start its runtime: {e}"))));
            return;
        }
    };
    let node = match build(&config, &wakes, events, tuning) {
        Ok(node) => node,
        Err(message) => {
            let _ = ready.send(Err(fail(message)));
            return;
        }
    };
    if let Some(addr) = config.listen {
        let listener = match runtime.block_on(tokio::net::TcpListener::bind(addr)) {
            Ok(listener) => listener,
            Err(e) => {
                let _ = ready.send(Err(fail(format!("cannot listen on {addr}: {e}"))));
                return;
            }
        };
        let shared = node.shared().clone();
        let tls = match (&config.tls_cert_file, &config.tls_key_file) {
            (Some(cert), Some(key)) => match super::server::tls_config(cert, key) {
                Ok(tls) => Some(tls),
                Err(message) => {
                    let _ = ready.send(Err(fail(message)));
                    return;
                }
            },
            _ => None,
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        runtime.spawn(async move {
            let served = match tls {
                Some(tls) => super::server::serve_tls(listener, shared, tls).await,
                None => super::server::serve(listener, shared).await,
            };
            if let Err(e) = served {
                tracing::error!(error = %e, "the node's listener stopped");
            }
        });
        tracing::info!(node = %name, %addr, scheme, "admin API and peer endpoint listening");
    }
    let _ = ready.send(Ok(name.clone()));
    tracing::info!(node = %name, platform = %config.platform, connections = config.connections.len(), "node started");
    runtime.block_on(node.run(shutdown));
    tracing::info!(node = %name, "node stopped");
}

fn build(
    config: &NodeConfig,
    wakes: &HashMap<String, (PathBuf, Arc<Notify>)>,
    events: EventSink,
    tuning: Option<ClientTuning>,
) -> Result<Node, String> {
    let key = config.api_key()?;
    let mut client_config = ClientConfig::new(config.platform, config.url.clone(), key);
    if let Some(tune) = &tuning {
        tune(&mut client_config);
    }
    let client = Client::new(client_config).map_err(|e| e.to_string())?;
    let store = SqliteStore::open(&config.state).map_err(|e| e.to_string())?;
    let mut links = Vec::new();
    let mut peers = HashMap::new();
    for connection in &config.connections {
        let rules = ConnectionRules::load(&connection.rules, config.platform).map_err(|e| e.to_string())?;
        let peer = match &connection.peer_url {
            Some(url) => {
                let secret = connection.secret()?;
                peers.insert(
                    connection.name.clone(),
                    PeerAuth { node: connection.peer.clone(), secret: secret.clone() },
                );
                let ca = connection.peer_ca_file.as_deref();
                Peer::Http(HttpPeer::new(&connection.peer, &config.name, url, &connection.name, secret, ca)?)
            }
            None => {
                let (state, wake) = wakes
                    .get(&connection.peer)
                    .ok_or_else(|| format!("the peer `{}` is not running here", connection.peer))?;
                Peer::InProcess(InProcessPeer::new(connection.peer.clone(), state.clone(), wake.clone()))
            }
        };
        links.push(Link::new(connection.clone(), Rc::new(peer), rules));
    }
    let wake = wakes.get(&config.name).map(|(_, wake)| wake.clone()).unwrap_or_default();
    let (commands, received) = tokio::sync::mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        node: config.name.clone(),
        platform: config.platform,
        started_at: chrono::Utc::now(),
        wake,
        commands,
        client: client.clone(),
        store: SqliteStore::open(&config.state).map_err(|e| e.to_string())?,
        state: Default::default(),
        counters: Default::default(),
        peers,
        replays: Default::default(),
        admin_token: config.admin_token()?,
    });
    Ok(Node::new(config.clone(), client, Box::new(store), links, events, shared, received))
}
