//! The incoming side: applying what the peer sent, in order per twin (only the latest
//! replica of a twin), with intents for the calls whose answers may be lost, and their
//! reconciliation.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use chrono::{TimeDelta, Utc};
use futures::StreamExt;
use serde_json::{Map, Value};

use super::events::EventKind;
use super::node::{Link, Node, Outcome, StepError, BATCH, CONCURRENCY};
use super::store::{Direction, InboxItem, Intent, OpenIntent};
use crate::connector::{ApiError, Cursor, NewNote};
use crate::engine::IncomingInput;
use crate::{entity, json};

impl Node {
    /// Applies received envelopes, twins side by side. Per twin, link notices are recorded
    /// and only the latest replica is applied: a replica is the whole ticket as the peer
    /// has it, so the ones before it are superseded (a twin that waited behind a parked
    /// failure catches up in one step). Returns whether anything is still waiting.
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
                for item in self.coalesce(group) {
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

    /// The items of one twin worth applying: link notices, then the latest replica; the
    /// replicas before it are dropped unapplied. A parked twin keeps all its items.
    fn coalesce(&self, group: Vec<InboxItem>) -> Vec<InboxItem> {
        let Some(first) = group.first() else { return group };
        let (connection, remote) = (first.envelope.connection.clone(), first.envelope.ticket);
        if self.store.parked(&connection, Direction::Incoming, remote).unwrap_or(true) {
            return group;
        }
        let (mut keep, replicas): (Vec<InboxItem>, Vec<InboxItem>) =
            group.into_iter().partition(|item| item.envelope.replica.is_none());
        let mut replicas = replicas.into_iter().rev();
        if let Some(latest) = replicas.next() {
            for superseded in replicas {
                if let Err(e) = self.store.skip(&superseded) {
                    tracing::error!(node = %self.name, error = %e, "cannot drop a superseded replica");
                }
            }
            keep.push(latest);
        }
        keep
    }

    /// Applies one envelope.
    async fn apply(&self, item: &InboxItem) -> Result<Outcome, StepError> {
        let envelope = &item.envelope;
        let Some(link) = self.link(&envelope.connection) else {
            tracing::error!(node = %self.name, connection = %envelope.connection, "a replica for an unknown connection; dropped");
            self.store.finish(item)?;
            return Ok(Outcome::Done);
        };
        let link = &*link;
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
}

/// Text of a note body for comparison: tags stripped, blanks collapsed (the platform may
/// wrap what it was sent in `<div>`).
fn comparable(body: &str) -> String {
    crate::helpers::html::strip_html(body).split_whitespace().collect::<Vec<_>>().join(" ")
}
