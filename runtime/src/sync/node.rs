//! One node at work: poll the ticket list, run the outgoing script on changed tickets in
//! scope and queue their replicas, deliver the outbox to the peers, and apply what the peers
//! sent, in order per twin.
//!
//! A node runs on one thread (the VM's values are not `Send`): a current-thread tokio
//! runtime in which tickets are handled a few at a time. Every step that must not be lost
//! or repeated is a transaction in the [`Store`]; see [`super`] for how a crash at any
//! moment is survived.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use futures::StreamExt;
use serde_json::{Map, Value};
use tokio::sync::{watch, Notify};

use super::config::{NodeConfig, StartFrom};
use super::envelope::Envelope;
use super::events::{EventKind, EventSink};
use super::peer::Peer;
use super::rules::ConnectionRules;
use super::store::{Direction, InboxItem, Intent, NewFailure, OpenIntent, Store, StoreError};
use crate::connector::{ApiError, Client, Cursor, NewNote, Ticket};
use crate::engine::IncomingInput;
use crate::host::{DirectoryUser, Host};
use crate::{entity, json};

/// Tickets (or twins) handled at the same time.
const CONCURRENCY: usize = 8;
/// Envelopes per delivery and inbox items per round.
const BATCH: usize = 200;

/// One connection as this node runs it.
pub struct Link {
    pub name: String,
    pub peer: Peer,
    pub rules: ConnectionRules,
    /// The base host of this connection's runs (platform facts, names); cloned per run.
    host: Host,
    /// Tags `replica:<connection>:<remote id>` mark tickets this node created for the peer.
    marker_prefix: String,
}

impl Link {
    pub fn new(name: &str, peer: Peer, rules: ConnectionRules) -> Link {
        let mut host = Host::for_platform(rules.platform.clone());
        host.connection = Some((name.to_string(), peer.name().to_string()));
        Link { name: name.to_string(), peer, rules, host, marker_prefix: format!("replica:{name}:") }
    }

    fn marker(&self, remote: i64) -> String {
        format!("{}{remote}", self.marker_prefix)
    }

    /// The marker on a ticket, if this node created it for the peer.
    fn marker_on(&self, ticket: &Value) -> Option<String> {
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
enum StepError {
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
enum Outcome {
    Done,
    /// Parked, or failed for now: later items of the same twin wait.
    Blocked,
}

/// Users looked up through the API, kept for the node's lifetime (negative answers too).
#[derive(Default)]
struct Directory {
    agents: Option<Vec<DirectoryUser>>,
    by_email: HashMap<String, Option<DirectoryUser>>,
}

pub struct Node {
    pub name: String,
    pub config: NodeConfig,
    client: Client,
    store: Box<dyn Store>,
    links: Vec<Link>,
    directory: RefCell<Directory>,
    events: EventSink,
    wake: Arc<Notify>,
}

impl Node {
    pub fn new(
        config: NodeConfig,
        client: Client,
        store: Box<dyn Store>,
        links: Vec<Link>,
        events: EventSink,
        wake: Arc<Notify>,
    ) -> Node {
        Node {
            name: config.name.clone(),
            config,
            client,
            store,
            links,
            directory: RefCell::default(),
            events,
            wake,
        }
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn link(&self, connection: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.name == connection)
    }

    fn emit(&self, link: &Link, kind: EventKind) {
        self.events.emit(&self.name, &link.name, kind);
    }

    /// Runs until `shutdown` turns true: rounds of inbox, outbox and polling.
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let mut next_poll = tokio::time::Instant::now();
        while !*shutdown.borrow() {
            self.round().await;
            if tokio::time::Instant::now() >= next_poll {
                self.poll().await;
                next_poll = tokio::time::Instant::now() + self.config.poll_interval;
                self.deliver().await;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(next_poll) => {}
                _ = self.wake.notified() => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Applies what the peers sent and delivers what is queued.
    pub async fn round(&self) {
        self.apply_inbox().await;
        self.deliver().await;
    }

    // ---- polling and outgoing ---------------------------------------------------------

    fn start_cursor(&self) -> Cursor {
        match self.config.start_from {
            StartFrom::Now => Cursor::since(Utc::now() - TimeDelta::seconds(1)),
            StartFrom::Beginning => Cursor::default(),
            StartFrom::At(at) => Cursor::since(at),
        }
    }

    /// One poll of the change feed: every changed ticket in scope gets its outgoing run.
    /// Returns how many tickets the feed delivered.
    pub async fn poll(&self) -> usize {
        let cursor = match self.store.cursor() {
            Ok(Some(cursor)) => cursor,
            Ok(None) => self.start_cursor(),
            Err(e) => {
                tracing::error!(node = %self.name, error = %e, "cannot read the cursor; polling later");
                return 0;
            }
        };
        let mut feed = self.client.changes(&cursor);
        let mut delivered = 0;
        let failed = RefCell::new(Vec::new());
        loop {
            let page = match feed.next_page().await {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(e) => {
                    // The cursor stays: the next poll reads this range again.
                    tracing::warn!(node = %self.name, error = %e, "polling the ticket list failed; trying again later");
                    return delivered;
                }
            };
            delivered += page.len();
            futures::stream::iter(page)
                .for_each_concurrent(CONCURRENCY, |ticket| {
                    let failed = &failed;
                    async move {
                    if let Err(e) = self.outgoing(&ticket).await {
                        tracing::warn!(node = %self.name, ticket = ticket.id, error = %e, "outgoing failed for now; retried at the next poll");
                        failed.borrow_mut().push((ticket.id, ticket.updated_at));
                    }
                    }
                })
                .await;
        }
        let cursor = feed.cursor_with_retries(&failed.into_inner());
        if let Err(e) = self.store.set_cursor(&cursor) {
            tracing::error!(node = %self.name, error = %e, "cannot store the cursor");
        }
        delivered
    }

    /// The outgoing side for one changed ticket (as the list returned it), for every
    /// connection it is in scope of.
    async fn outgoing(&self, summary: &Ticket) -> Result<(), StepError> {
        let mut full: Option<Ticket> = None;
        for link in &self.links {
            if !link.rules.rules.entries().outgoing.is_some() {
                continue;
            }
            if self.store.parked(&link.name, Direction::Outgoing, summary.id)? {
                continue;
            }
            let mut twin = self.store.remote_twin(&link.name, summary.id)?;
            if twin.is_none() {
                if let Some(marker) = link.marker_on(&summary.json) {
                    // A ticket this node created for the peer, whose create answer was lost.
                    twin = self.adopt_marked(link, summary.id, &marker)?;
                    if twin.is_none() {
                        continue;
                    }
                } else if !link.rules.triggered(&summary.json) {
                    continue;
                }
            }
            let ticket = match &full {
                Some(ticket) => ticket,
                None => match self.client.ticket(summary.id).await {
                    Ok(ticket) => full.insert(ticket),
                    // Deleted since it was listed: nothing to send.
                    Err(ApiError::NotFound { .. }) => return Ok(()),
                    Err(e) => return Err(e.into()),
                },
            };
            let users = self.users_for(None).await?;
            let host = self.host(link, Some(summary.id), users)?;
            let replica = match self.run_outgoing(link, host, &ticket.json) {
                Ok(replica) => replica,
                Err((summary_line, rendered)) => {
                    self.park(link, Direction::Outgoing, summary.id, summary_line, rendered)?;
                    continue;
                }
            };
            if self.store.last_sent(&link.name, summary.id)?.as_ref() == Some(&replica) {
                continue;
            }
            self.store.queue(&link.name, &self.name, summary.id, twin, Some(&replica))?;
            self.emit(link, EventKind::Sent { ticket: summary.id, twin });
        }
        Ok(())
    }

    /// Decodes the ticket and runs the outgoing script; the replica as JSON, or the failure
    /// (one line, rendered).
    fn run_outgoing(&self, link: &Link, mut host: Host, ticket: &Value) -> Result<Value, (String, String)> {
        let entity = entity::decode(&host, ticket).map_err(|e| {
            (format!("the ticket does not decode: {e}"), format!("error: the ticket does not decode: {e}\n"))
        })?;
        let replica =
            link.rules.rules.outgoing(&entity, &mut host).map_err(|e| self.script_failure(link, &e))?;
        Ok(json::replica_to_json(&replica))
    }

    fn script_failure(&self, link: &Link, error: &crate::vm::RunError) -> (String, String) {
        let path = link.rules.path.display().to_string();
        (error.to_string(), error.render(&path, &link.rules.source, false))
    }

    /// A ticket carrying this node's create marker for `link`: the twin of the marked remote
    /// ticket when a create intent is open for it (its answer was lost); otherwise nothing
    /// is sent for it (sending could create a second twin on the other side).
    fn adopt_marked(&self, link: &Link, local: i64, marker: &str) -> Result<Option<i64>, StepError> {
        let Some(remote) = marker.strip_prefix(&link.marker_prefix).and_then(|r| r.parse::<i64>().ok())
        else {
            return Ok(None);
        };
        if let Some(known) = self.store.local_twin(&link.name, remote)? {
            return Ok((known == local).then_some(remote));
        }
        for open in self.store.intents(&link.name, remote)? {
            if matches!(&open.intent, Intent::CreateTicket { marker: m } if m == marker) {
                self.store.created(open.id, &link.name, &self.name, local, remote)?;
                self.emit(link, EventKind::Reconciled { ticket: local, what: "create".into() });
                return Ok(Some(remote));
            }
        }
        tracing::warn!(node = %self.name, ticket = local, marker, "a ticket marked as created by Replica has no record here; not sending it");
        Ok(None)
    }

    /// The host of one run: the connection's facts, the comment twins of the local ticket,
    /// and the directory users the script may ask for.
    fn host(&self, link: &Link, local: Option<i64>, users: Vec<DirectoryUser>) -> Result<Host, StoreError> {
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

    fn park(
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

    // ---- delivery ---------------------------------------------------------------------

    /// Hands the outbox to the peers, oldest first; what a peer did not take stays.
    pub async fn deliver(&self) {
        loop {
            let batch = match self.store.outbox(BATCH) {
                Ok(batch) if batch.is_empty() => return,
                Ok(batch) => batch,
                Err(e) => {
                    tracing::error!(node = %self.name, error = %e, "cannot read the outbox");
                    return;
                }
            };
            let mut by_connection: Vec<(String, Vec<Envelope>)> = Vec::new();
            for envelope in batch {
                match by_connection.iter_mut().find(|(c, _)| *c == envelope.connection) {
                    Some((_, group)) => group.push(envelope),
                    None => by_connection.push((envelope.connection.clone(), vec![envelope])),
                }
            }
            let mut progress = false;
            for (connection, envelopes) in by_connection {
                let Some(link) = self.link(&connection) else {
                    tracing::error!(node = %self.name, connection, "queued envelopes for a connection that is no longer configured");
                    continue;
                };
                match link.peer.deliver(&envelopes).await {
                    Ok(()) => {
                        let seqs: Vec<i64> = envelopes.iter().map(|e| e.seq).collect();
                        if let Err(e) = self.store.delivered(&connection, &seqs) {
                            tracing::error!(node = %self.name, error = %e, "cannot mark envelopes delivered");
                            return;
                        }
                        progress = true;
                    }
                    Err(e) => tracing::warn!(node = %self.name, error = %e, "delivery failed; retried later"),
                }
            }
            if !progress {
                return;
            }
        }
    }

    // ---- incoming ---------------------------------------------------------------------

    /// Applies received envelopes: in order per twin, twins side by side. Returns whether
    /// anything is still waiting.
    pub async fn apply_inbox(&self) -> bool {
        let items = match self.store.inbox(BATCH) {
            Ok(items) => items,
            Err(e) => {
                tracing::error!(node = %self.name, error = %e, "cannot read the inbox");
                return true;
            }
        };
        let full = items.len() == BATCH;
        let mut groups: Vec<Vec<InboxItem>> = Vec::new();
        let mut index: HashMap<(String, i64), usize> = HashMap::new();
        for item in items {
            let key = (item.envelope.connection.clone(), item.envelope.ticket);
            match index.get(&key) {
                Some(&at) => groups[at].push(item),
                None => {
                    index.insert(key, groups.len());
                    groups.push(vec![item]);
                }
            }
        }
        let blocked = RefCell::new(false);
        futures::stream::iter(groups)
            .for_each_concurrent(CONCURRENCY, |group| {
                let blocked = &blocked;
                async move {
                for item in group {
                    match self.apply(&item).await {
                        Ok(Outcome::Done) => {}
                        Ok(Outcome::Blocked) => {
                            *blocked.borrow_mut() = true;
                            break;
                        }
                        Err(e) => {
                            tracing::warn!(node = %self.name, remote = item.envelope.ticket, error = %e, "applying a replica failed for now; retried later");
                            *blocked.borrow_mut() = true;
                            break;
                        }
                    }
                }
                }
            })
            .await;
        full || blocked.into_inner()
    }

    /// Applies one envelope.
    async fn apply(&self, item: &InboxItem) -> Result<Outcome, StepError> {
        let envelope = &item.envelope;
        let Some(link) = self.link(&envelope.connection) else {
            tracing::error!(node = %self.name, connection = %envelope.connection, "a replica for an unknown connection; dropped");
            self.store.finish(item)?;
            return Ok(Outcome::Done);
        };
        let remote = envelope.ticket;
        let Some(replica_json) = &envelope.replica else {
            // A link notice: the peer created `remote` as the twin of our `twin`.
            if let Some(local) = envelope.twin {
                self.store.link(&link.name, local, remote)?;
            }
            self.store.finish(item)?;
            return Ok(Outcome::Done);
        };
        if self.store.parked(&link.name, Direction::Incoming, remote)? {
            return Ok(Outcome::Blocked);
        }
        let mut local = self.store.local_twin(&link.name, remote)?;
        if local.is_none() {
            if let Some(named) = envelope.twin {
                self.store.link(&link.name, named, remote)?;
                local = Some(named);
            }
        }
        for open in self.store.intents(&link.name, remote)? {
            if let Some(found) = self.reconcile(link, &open).await? {
                local = local.or(Some(found));
            }
        }
        if link.rules.rules.entries().incoming.is_none() {
            self.store.finish(item)?;
            return Ok(Outcome::Done);
        }
        let replica = match json::replica_from_json(replica_json) {
            Ok(replica) => replica,
            Err(e) => {
                let summary = format!("the replica does not decode: {e}");
                self.park(link, Direction::Incoming, remote, summary.clone(), format!("error: {summary}\n"))?;
                return Ok(Outcome::Blocked);
            }
        };
        let previous = match self.store.previous(&link.name, remote)? {
            Some(previous) => json::replica_from_json(&previous).unwrap_or(crate::Value::Null),
            None => crate::Value::Null,
        };
        let ticket = match local {
            Some(id) => match self.client.ticket(id).await {
                Ok(ticket) => Some(ticket),
                Err(ApiError::NotFound { .. }) => {
                    let summary = format!(
                        "the twin of the peer's ticket {remote}, local ticket {id}, no longer exists"
                    );
                    let rendered = format!(
                        "error: {summary}\n  = help: restore ticket {id}, or retry to leave it be (the twin link stays)\n"
                    );
                    self.park(link, Direction::Incoming, remote, summary, rendered)?;
                    return Ok(Outcome::Blocked);
                }
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let users = self.users_for(link.rules.uses_directory.then_some(replica_json)).await?;
        let mut host = self.host(link, local, users)?;
        let entity = match &ticket {
            Some(ticket) => match entity::decode(&host, &ticket.json) {
                Ok(entity) => Some(entity),
                Err(e) => {
                    let summary = format!("local ticket {} does not decode: {e}", ticket.id);
                    self.park(
                        link,
                        Direction::Incoming,
                        remote,
                        summary.clone(),
                        format!("error: {summary}\n"),
                    )?;
                    return Ok(Outcome::Blocked);
                }
            },
            None => None,
        };
        let input = IncomingInput { replica, entity, previous };
        let incoming = match link.rules.rules.incoming(input, &mut host) {
            Ok(incoming) => incoming,
            Err(error) => {
                let (summary, rendered) = self.script_failure(link, &error);
                self.park(link, Direction::Incoming, remote, summary, rendered)?;
                return Ok(Outcome::Blocked);
            }
        };
        let changes = incoming.changes;
        let local = match local {
            Some(local) => {
                if !changes.update.is_empty() {
                    match self.client.update_ticket(local, &changes.update).await {
                        Ok(_) => {
                            let fields = changes.update.keys().cloned().collect();
                            self.emit(link, EventKind::Updated { ticket: local, remote, fields });
                        }
                        Err(error) => return self.refused(link, remote, error, "update", local),
                    }
                }
                local
            }
            None => match self.create(link, remote, changes.update.clone()).await {
                Ok(Some(local)) => local,
                Ok(None) => return Ok(Outcome::Blocked),
                Err(StepError::Api(error)) if !error.is_temporary() => {
                    return self.refused(link, remote, error, "create", 0)
                }
                Err(e) => return Err(e),
            },
        };
        let twins: HashSet<String> =
            self.store.comment_twins(&link.name, local)?.into_iter().map(|t| t.remote_comment).collect();
        for note in &changes.notes {
            let new = NewNote { body: note.body.clone(), private: note.private };
            let Some(remote_comment) = &note.remote_id else {
                if let Err(error) = self.client.add_note(local, &new).await {
                    return self.refused(link, remote, error, "note", local);
                }
                continue;
            };
            if twins.contains(remote_comment) {
                continue;
            }
            let intent = Intent::AddNote {
                local_ticket: local,
                remote_comment: remote_comment.clone(),
                body: note.body.clone(),
            };
            let id = self.store.begin(&link.name, remote, &intent)?;
            match self.client.add_note(local, &new).await {
                Ok(conversation) => {
                    self.store.noted(id, &link.name, local, remote_comment, conversation.id)?;
                    self.emit(link, EventKind::NoteAdded { ticket: local, note: conversation.id });
                }
                Err(ApiError::OutcomeUnknown { .. }) => {
                    let open = OpenIntent {
                        id,
                        connection: link.name.clone(),
                        remote,
                        intent,
                        started_at: Utc::now(),
                    };
                    if self.reconcile(link, &open).await?.is_none() {
                        // Not there: it was not added; the next round adds it.
                        return Ok(Outcome::Blocked);
                    }
                }
                Err(error) => {
                    self.store.abandon(id)?;
                    return self.refused(link, remote, error, "note", local);
                }
            }
        }
        for update in &changes.note_updates {
            if let Err(error) = self.client.update_note(update.id, &update.body).await {
                return self.refused(link, remote, error, "note update", local);
            }
        }
        if !changes.attachments.is_empty() {
            tracing::warn!(node = %self.name, ticket = local, count = changes.attachments.len(), "attachments are not copied yet; skipped");
        }
        if changes.is_empty() {
            self.emit(link, EventKind::Unchanged { ticket: local, remote });
        }
        self.store.finish(item)?;
        Ok(Outcome::Done)
    }

    /// A platform error while applying: temporary ones leave the item for later; the others
    /// park it with the platform's field errors.
    fn refused(
        &self,
        link: &Link,
        remote: i64,
        error: ApiError,
        what: &str,
        local: i64,
    ) -> Result<Outcome, StepError> {
        if error.is_temporary() || matches!(error, ApiError::Auth { .. }) {
            return Err(error.into());
        }
        let target = if local == 0 { "the new ticket".to_string() } else { format!("ticket {local}") };
        let summary = format!("the {what} of {target} failed: {error}");
        let mut rendered =
            format!("error: the {what} of {target} (from the peer's ticket {remote}) failed\n  = {error}\n");
        for field in error.field_errors() {
            rendered.push_str(&format!(
                "  = field `{}`: {} ({})\n",
                field.field.as_deref().unwrap_or("-"),
                field.message,
                field.code
            ));
        }
        rendered.push_str("  = help: fix the incoming script or the ticket, then `replica retry`\n");
        self.park(link, Direction::Incoming, remote, summary, rendered)?;
        Ok(Outcome::Blocked)
    }

    /// Creates the twin of the peer's ticket `remote` (first sync). `Ok(None)`: the answer
    /// was lost and the ticket was not found; the item is tried again later.
    async fn create(
        &self,
        link: &Link,
        remote: i64,
        mut body: Map<String, Value>,
    ) -> Result<Option<i64>, StepError> {
        let marker = link.marker(remote);
        let tags = body.entry("tags").or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(tags) = tags {
            tags.push(Value::String(marker.clone()));
        }
        let has_requester =
            ["requester_id", "email", "phone", "unique_external_id"].iter().any(|k| body.contains_key(*k));
        if !has_requester {
            if let Some(email) = &self.config.requester_email {
                body.insert("email".into(), Value::String(email.clone()));
            }
        }
        let intent = Intent::CreateTicket { marker };
        let id = self.store.begin(&link.name, remote, &intent)?;
        match self.client.create_ticket(&body).await {
            Ok(ticket) => {
                self.store.created(id, &link.name, &self.name, ticket.id, remote)?;
                self.emit(link, EventKind::Created { ticket: ticket.id, remote });
                Ok(Some(ticket.id))
            }
            Err(ApiError::OutcomeUnknown { .. }) => {
                let open =
                    OpenIntent { id, connection: link.name.clone(), remote, intent, started_at: Utc::now() };
                self.reconcile(link, &open).await
            }
            Err(error) => {
                self.store.abandon(id)?;
                Err(error.into())
            }
        }
    }

    /// Settles an intent whose call may or may not have happened: looks for its result on
    /// the platform and records it, or drops the intent. Returns the local ticket found.
    async fn reconcile(&self, link: &Link, open: &OpenIntent) -> Result<Option<i64>, StepError> {
        match &open.intent {
            Intent::CreateTicket { marker } => {
                let since = open.started_at - TimeDelta::minutes(5);
                let mut feed = self.client.changes(&Cursor::since(since));
                while let Some(page) = feed.next_page().await? {
                    if let Some(ticket) =
                        page.iter().find(|t| link.marker_on(&t.json).as_deref() == Some(marker.as_str()))
                    {
                        self.store.created(open.id, &link.name, &self.name, ticket.id, open.remote)?;
                        self.emit(link, EventKind::Reconciled { ticket: ticket.id, what: "create".into() });
                        return Ok(Some(ticket.id));
                    }
                }
                self.store.abandon(open.id)?;
                Ok(None)
            }
            Intent::AddNote { local_ticket, remote_comment, body } => {
                let wanted = comparable(body);
                let known: HashSet<i64> = self
                    .store
                    .comment_twins(&link.name, *local_ticket)?
                    .into_iter()
                    .map(|t| t.local_note)
                    .collect();
                let conversations = self.client.conversations(*local_ticket).await?;
                let found = conversations.iter().find(|c| {
                    !known.contains(&c.id)
                        && c.json.get("body").and_then(Value::as_str).is_some_and(|b| comparable(b) == wanted)
                });
                match found {
                    Some(conversation) => {
                        self.store.noted(
                            open.id,
                            &link.name,
                            *local_ticket,
                            remote_comment,
                            conversation.id,
                        )?;
                        self.emit(link, EventKind::Reconciled { ticket: *local_ticket, what: "note".into() });
                        Ok(Some(*local_ticket))
                    }
                    None => {
                        self.store.abandon(open.id)?;
                        Ok(None)
                    }
                }
            }
        }
    }

    /// The directory of a run: the agents (read once; they name comment authors), and for
    /// a replica whose rules look users up, the people it names (reporter, assignee, comment
    /// authors), looked up by email through the API once per node lifetime.
    async fn users_for(&self, replica: Option<&Value>) -> Result<Vec<DirectoryUser>, StepError> {
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

/// Text of a note body for comparison: tags stripped, blanks collapsed (the platform may
/// wrap what it was sent in `<div>`).
fn comparable(body: &str) -> String {
    crate::helpers::html::strip_html(body).split_whitespace().collect::<Vec<_>>().join(" ")
}
