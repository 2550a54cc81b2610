//! One node at work: poll the ticket list, run the outgoing script on changed tickets in
//! scope and queue their replicas, deliver the outbox to the peers, and apply what the peers
//! sent, in order per twin.
//!
//! A node runs on one thread (the VM's values are not `Send`): a current-thread tokio
//! runtime in which tickets are handled a few at a time. Every step that must not be lost
//! or repeated is a transaction in the [`Store`]; see [`super`] for how a crash at any
//! moment is survived. The work is split by direction: [`super::outgoing`] (polling, the
//! outgoing script, resync), [`super::delivery`], [`super::incoming`] (applying replicas,
//! intents), and [`super::control`] (commands, rule reloads, status).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use super::config::NodeConfig;
use super::events::{EventKind, EventSink};
use super::peer::Peer;
use super::rules::ConnectionRules;
use super::shared::{Command, Shared};
use super::store::{Direction, NewFailure, Store, StoreError};
use crate::connector::{ApiError, Client};
use crate::host::{DirectoryUser, Host};

/// Tickets (or twins) handled at the same time.
pub(super) const CONCURRENCY: usize = 8;
/// Envelopes per delivery and inbox items per round.
pub(super) const BATCH: usize = 200;

/// One connection as this node runs it.
pub struct Link {
    /// The connection as configured.
    pub config: super::config::ConnectionConfig,
    pub name: String,
    pub peer: Rc<Peer>,
    pub rules: ConnectionRules,
    /// The base host of this connection's runs (platform facts, names); cloned per run.
    pub(super) host: Host,
    /// Tags `replica:<connection>:<remote id>` mark tickets this node created for the peer.
    pub(super) marker_prefix: String,
    /// When the rules file (or its schema lock) last changed, as last loaded.
    pub(super) modified: std::cell::Cell<Option<std::time::SystemTime>>,
}

impl Link {
    pub fn new(config: super::config::ConnectionConfig, peer: Rc<Peer>, rules: ConnectionRules) -> Link {
        let mut host = Host::for_platform(rules.platform.clone());
        let name = config.name.clone();
        host.connection = Some((name.clone(), peer.name().to_string()));
        let modified = std::cell::Cell::new(super::control::rules_modified(&config.rules));
        Link { marker_prefix: format!("replica:{name}:"), name, config, peer, rules, host, modified }
    }

    pub(super) fn marker(&self, remote: i64) -> String {
        format!("{}{remote}", self.marker_prefix)
    }

    /// The marker on a ticket, if this node created it for the peer.
    pub(super) fn marker_on(&self, ticket: &Value) -> Option<String> {
        ticket
            .get("tags")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .find(|t| t.starts_with(&self.marker_prefix))
            .map(str::to_string)
    }
}

/// Why a step did not complete. Temporary ones are retried on the next round; the item
/// stays where it is.
#[derive(Debug)]
pub(super) enum StepError {
    Api(ApiError),
    Store(StoreError),
}

impl From<ApiError> for StepError {
    fn from(e: ApiError) -> Self {
        StepError::Api(e)
    }
}

impl From<StoreError> for StepError {
    fn from(e: StoreError) -> Self {
        StepError::Store(e)
    }
}

impl std::fmt::Display for StepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StepError::Api(e) => e.fmt(f),
            StepError::Store(e) => e.fmt(f),
        }
    }
}

/// What became of one item.
pub(super) enum Outcome {
    Done,
    /// Parked, or failed for now: later items of the same twin wait.
    Blocked,
}

/// Users looked up through the API, kept for the node's lifetime (negative answers too).
#[derive(Default)]
pub(super) struct Directory {
    agents: Option<Vec<DirectoryUser>>,
    by_email: HashMap<String, Option<DirectoryUser>>,
}

pub struct Node {
    pub name: String,
    pub config: NodeConfig,
    pub(super) client: Client,
    pub(super) store: Box<dyn Store>,
    /// Replaced as a whole when rules are reloaded (between rounds, never during one).
    pub(super) links: RefCell<Vec<Rc<Link>>>,
    pub(super) directory: RefCell<Directory>,
    pub(super) events: EventSink,
    pub(super) shared: Arc<Shared>,
    pub(super) commands: RefCell<mpsc::UnboundedReceiver<Command>>,
    pub(super) resync: RefCell<Option<super::outgoing::Resync>>,
    /// Per connection: when delivery may be tried again after the peer failed.
    pub(super) backoff: RefCell<HashMap<String, super::delivery::Backoff>>,
}

impl Node {
    pub fn new(
        config: NodeConfig,
        client: Client,
        store: Box<dyn Store>,
        links: Vec<Link>,
        events: EventSink,
        shared: Arc<Shared>,
        commands: mpsc::UnboundedReceiver<Command>,
    ) -> Node {
        let node = Node {
            name: config.name.clone(),
            config,
            client,
            store,
            links: RefCell::new(links.into_iter().map(Rc::new).collect()),
            directory: RefCell::default(),
            events,
            shared,
            commands: RefCell::new(commands),
            resync: RefCell::new(None),
            backoff: RefCell::default(),
        };
        node.publish_rules();
        node
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    pub(super) fn links(&self) -> Vec<Rc<Link>> {
        self.links.borrow().clone()
    }

    pub(super) fn link(&self, connection: &str) -> Option<Rc<Link>> {
        self.links.borrow().iter().find(|l| l.name == connection).cloned()
    }

    pub(super) fn emit(&self, link: &Link, kind: EventKind) {
        self.shared.counters.event(&link.name, &kind);
        self.events.emit(&self.name, &link.name, kind);
    }

    /// Runs until `shutdown` turns true: rounds of inbox, outbox, polling and commands.
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let mut next_poll = tokio::time::Instant::now();
        while !*shutdown.borrow() {
            self.reload_changed_rules();
            self.round().await;
            if tokio::time::Instant::now() >= next_poll {
                self.poll(&shutdown).await;
                next_poll = tokio::time::Instant::now() + self.config.poll_interval;
                self.deliver().await;
            }
            let busy = self.resync_step().await;
            if busy {
                // More resync to do: only look for commands and shutdown, then go on.
                tokio::task::yield_now().await;
                self.take_commands();
                continue;
            }
            let wake = self.shared.wake.clone();
            let until = self.next_delivery_retry().map_or(next_poll, |retry| retry.min(next_poll));
            let command = {
                let mut commands = self.commands.borrow_mut();
                tokio::select! {
                    _ = tokio::time::sleep_until(until) => None,
                    _ = wake.notified() => None,
                    _ = shutdown.changed() => None,
                    command = commands.recv() => command,
                }
            };
            if let Some(command) = command {
                self.handle(command);
            }
        }
    }

    /// Applies what the peers sent and delivers what is queued.
    pub async fn round(&self) {
        self.apply_inbox().await;
        self.deliver().await;
    }

    /// The host of one run: the connection's facts, the comment twins of the local ticket,
    /// and the directory users the script may ask for.
    pub(super) fn host(
        &self,
        link: &Link,
        local: Option<i64>,
        users: Vec<DirectoryUser>,
    ) -> Result<Host, StoreError> {
        let mut host = link.host.clone();
        if let Some(local) = local {
            for twin in self.store.comment_twins(&link.name, local)? {
                if twin.imported {
                    host.imported_comments.insert(twin.local_note);
                }
                host.comment_twins.insert(twin.remote_comment, twin.local_note);
            }
        }
        host.users = users;
        Ok(host)
    }

    pub(super) fn park(
        &self,
        link: &Link,
        direction: Direction,
        ticket: i64,
        summary: String,
        rendered: String,
    ) -> Result<(), StoreError> {
        tracing::warn!(node = %self.name, connection = %link.name, ticket, %summary, "item parked");
        self.store.park(&NewFailure {
            connection: link.name.clone(),
            direction,
            ticket,
            summary: summary.clone(),
            rendered,
        })?;
        self.emit(link, EventKind::Parked { direction: direction.as_str().into(), ticket, summary });
        Ok(())
    }

    pub(super) fn script_failure(&self, link: &Link, error: &crate::vm::RunError) -> (String, String) {
        let path = link.rules.path.display().to_string();
        (error.to_string(), error.render(&path, &link.rules.source, false))
    }

    /// The directory of a run: the agents (read once; they name comment authors), and for
    /// a replica whose rules look users up, the people it names (reporter, assignee, comment
    /// authors), looked up by email through the API once per node lifetime.
    pub(super) async fn users_for(&self, replica: Option<&Value>) -> Result<Vec<DirectoryUser>, StepError> {
        if self.directory.borrow().agents.is_none() {
            let agents = self.client.agents().await?;
            self.directory.borrow_mut().agents = Some(agents);
        }
        let Some(replica) = replica else {
            return Ok(self.directory.borrow().agents.clone().unwrap_or_default());
        };
        let mut emails = Vec::new();
        let mut push = |user: Option<&Value>| {
            if let Some(email) = user.and_then(|u| u.get("email")).and_then(Value::as_str) {
                emails.push(email.trim().to_ascii_lowercase());
            }
        };
        push(replica.get("reporter"));
        push(replica.get("assignee"));
        for comment in replica.get("comments").and_then(Value::as_array).into_iter().flatten() {
            push(comment.get("author"));
        }
        for email in emails {
            let known = {
                let directory = self.directory.borrow();
                directory.by_email.contains_key(&email)
                    || directory
                        .agents
                        .iter()
                        .flatten()
                        .any(|a| a.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&email)))
            };
            if !known {
                let found = self.client.user_by_email(&email).await?;
                self.directory.borrow_mut().by_email.insert(email, found);
            }
        }
        let directory = self.directory.borrow();
        Ok(directory
            .agents
            .iter()
            .flatten()
            .cloned()
            .chain(directory.by_email.values().flatten().cloned())
            .collect())
    }
}
