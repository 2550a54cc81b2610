//! What a running node shares with its admin API and its peers' requests (threads other
//! than the node's own): its status, its counters, a second connection to its store, its
//! API client (for the rate budget), and a channel for commands (reload, resync).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot, Notify};

use super::events::EventKind;
use super::signing::{ReplayGuard, Secret};
use super::store::SqliteStore;
use crate::connector::Client;
use crate::platform::PlatformKind;

/// A command for the node's thread.
#[derive(Debug)]
pub enum Command {
    /// Reload every connection's rules now; the answer says what happened to each.
    Reload(oneshot::Sender<Vec<ReloadReport>>),
    /// Run the outgoing script again for the tickets under sync of a connection (those a
    /// trigger-style query matches, when given).
    Resync { connection: String, query: Option<String>, reply: oneshot::Sender<Result<usize, String>> },
}

/// The outcome of reloading one connection's rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReloadReport {
    pub connection: String,
    /// `loaded`, `unchanged` or `refused`.
    pub outcome: String,
    pub version: String,
    /// For a refusal: why, rendered as `replica check` renders it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<String>,
}

/// A rules file that was refused; the previous rules stay active.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub at: DateTime<Utc>,
    pub message: String,
    pub diagnostics: String,
}

/// The rules of one connection as the node runs them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RulesState {
    pub path: PathBuf,
    /// The first 12 hex digits of the SHA-256 of the active source.
    pub version: String,
    pub loaded_at: DateTime<Utc>,
    /// The last refused version of the file, if the file changed since into something that
    /// does not check.
    pub refused: Option<Refusal>,
}

/// The last poll of the ticket list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PollReport {
    pub at: Option<DateTime<Utc>>,
    pub tickets: usize,
    pub error: Option<String>,
}

/// A resync's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ResyncProgress {
    pub connection: String,
    pub total: usize,
    pub done: usize,
    pub sent: usize,
    pub finished: bool,
}

/// What changes while the node runs.
#[derive(Clone, Debug, Default)]
pub struct NodeState {
    pub last_poll: PollReport,
    pub rules: BTreeMap<String, RulesState>,
    pub resync: Option<ResyncProgress>,
}

/// Counters since start, per connection where it matters.
#[derive(Debug, Default)]
pub struct Counters {
    pub polls: AtomicU64,
    pub by_event: Mutex<BTreeMap<(String, &'static str), u64>>,
    pub peer_rejected: Mutex<BTreeMap<&'static str, u64>>,
    pub reload_refused: AtomicU64,
}

impl Counters {
    pub fn event(&self, connection: &str, kind: &EventKind) {
        let name = match kind {
            EventKind::Sent { .. } => "sent",
            EventKind::Created { .. } => "created",
            EventKind::Updated { .. } => "updated",
            EventKind::NoteAdded { .. } => "note_added",
            EventKind::Unchanged { .. } => "unchanged",
            EventKind::Parked { .. } => "parked",
            EventKind::Reconciled { .. } => "reconciled",
        };
        let mut counts = self.by_event.lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry((connection.to_string(), name)).or_default() += 1;
    }

    pub fn rejected(&self, reason: &'static str) {
        let mut counts = self.peer_rejected.lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry(reason).or_default() += 1;
    }

    pub fn polled(&self) {
        self.polls.fetch_add(1, Ordering::Relaxed);
    }
}

/// How a peer's requests for one connection are checked.
#[derive(Clone, Debug)]
pub struct PeerAuth {
    /// The peer node's name (`X-Replica-Node`).
    pub node: String,
    pub secret: Secret,
}

/// Shared between the node's thread and the threads that serve its HTTP listener.
pub struct Shared {
    pub node: String,
    pub platform: PlatformKind,
    pub started_at: DateTime<Utc>,
    pub wake: Arc<Notify>,
    pub commands: mpsc::UnboundedSender<Command>,
    pub client: Client,
    /// A connection of its own to the node's database (reads, retries, received envelopes).
    pub store: SqliteStore,
    pub state: Mutex<NodeState>,
    pub counters: Counters,
    /// Per connection with a remote peer: how its requests are verified.
    pub peers: HashMap<String, PeerAuth>,
    pub replays: ReplayGuard,
    /// Admin requests from other machines must carry this bearer token.
    pub admin_token: Option<Secret>,
}

impl Shared {
    pub fn state(&self) -> std::sync::MutexGuard<'_, NodeState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("node", &self.node).finish_non_exhaustive()
    }
}
