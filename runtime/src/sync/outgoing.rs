//! The outgoing side: polling the ticket list, running the outgoing script on changed
//! tickets in scope, queuing replicas that changed; and resync, which runs the outgoing
//! script again for the tickets under sync (after a rule change).

use std::cell::RefCell;
use std::collections::VecDeque;

use chrono::{TimeDelta, Utc};
use futures::StreamExt;
use serde_json::Value;
use tokio::sync::watch;

use super::config::StartFrom;
use super::events::EventKind;
use super::node::{Link, Node, StepError, CONCURRENCY};
use super::store::{Direction, Intent};
use crate::connector::{ApiError, Cursor, Ticket};
use crate::host::Host;
use crate::{entity, json};

/// A resync under way: the local tickets still to do.
pub struct Resync {
    pub connection: String,
    pub query: Option<replica_compiler::query::Query>,
    pub pending: VecDeque<i64>,
}

impl Node {
    fn start_cursor(&self) -> Cursor {
        match self.config.start_from {
            StartFrom::Now => Cursor::since(Utc::now() - TimeDelta::seconds(1)),
            StartFrom::Beginning => Cursor::default(),
            StartFrom::At(at) => Cursor::since(at),
        }
    }

    /// One poll of the change feed: every changed ticket in scope gets its outgoing run.
    /// Returns how many tickets the feed delivered. Between pages it applies and delivers
    /// what waits, handles commands, and stops early when `shutdown` turns true.
    pub async fn poll(&self, shutdown: &watch::Receiver<bool>) -> usize {
        let cursor = match self.store.cursor() {
            Ok(Some(cursor)) => cursor,
            Ok(None) => self.start_cursor(),
            Err(e) => {
                tracing::error!(node = %self.name, error = %e, "cannot read the cursor; polling later");
                self.polled(0, Some(e.to_string()));
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
                    self.polled(delivered, Some(e.to_string()));
                    return delivered;
                }
            };
            delivered += page.len();
            futures::stream::iter(page)
                .for_each_concurrent(CONCURRENCY, |ticket| {
                    let failed = &failed;
                    async move {
                        if *shutdown.borrow() {
                            // Stopping: left for the next start.
                            failed.borrow_mut().push((ticket.id, ticket.updated_at));
                            return;
                        }
                        if let Err(e) = self.outgoing(&ticket).await {
                            tracing::warn!(node = %self.name, ticket = ticket.id, error = %e,
                                "outgoing failed for now; retried at the next poll");
                            failed.borrow_mut().push((ticket.id, ticket.updated_at));
                        }
                    }
                })
                .await;
            if !feed.has_more() {
                // The last page (in a quiet poll, the only one): the cursor below covers it.
                continue;
            }
            // A backlog can take many minutes under a rate budget: what is handled is kept,
            // travels and can be answered page by page, and a stop does not wait for the end.
            let progress = feed.progress(&failed.borrow());
            if let Err(e) = self.store.set_cursor(&progress) {
                tracing::error!(node = %self.name, error = %e, "cannot store the cursor");
            }
            if *shutdown.borrow() {
                self.polled(delivered, None);
                return delivered;
            }
            self.round().await;
            self.take_commands();
        }
        let cursor = feed.cursor_with_retries(&failed.into_inner());
        if let Err(e) = self.store.set_cursor(&cursor) {
            tracing::error!(node = %self.name, error = %e, "cannot store the cursor");
        }
        self.polled(delivered, None);
        delivered
    }

    fn polled(&self, tickets: usize, error: Option<String>) {
        self.shared.counters.polled();
        self.shared.state().last_poll = super::shared::PollReport { at: Some(Utc::now()), tickets, error };
    }

    /// The outgoing side for one changed ticket (as the list returned it), for every
    /// connection it is in scope of.
    async fn outgoing(&self, summary: &Ticket) -> Result<(), StepError> {
        let mut full: Option<Ticket> = None;
        for link in self.links() {
            let link = &*link;
            if link.rules.rules.entries().outgoing.is_none()
                || self.store.parked(&link.name, Direction::Outgoing, summary.id)?
            {
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
            self.send_replica(link, ticket, twin).await?;
        }
        Ok(())
    }

    /// Runs the outgoing script on a fetched ticket and queues the replica unless it equals
    /// the last one queued. Returns whether a replica was queued.
    async fn send_replica(&self, link: &Link, ticket: &Ticket, twin: Option<i64>) -> Result<bool, StepError> {
        let users = self.users_for(None).await?;
        let host = self.host(link, Some(ticket.id), users)?;
        let replica = match self.run_outgoing(link, host, &ticket.json) {
            Ok(replica) => replica,
            Err((summary, rendered)) => {
                self.park(link, Direction::Outgoing, ticket.id, summary, rendered)?;
                return Ok(false);
            }
        };
        if self.store.last_sent(&link.name, ticket.id)?.as_ref() == Some(&replica) {
            return Ok(false);
        }
        self.store.queue(&link.name, &self.name, ticket.id, twin, Some(&replica))?;
        self.emit(link, EventKind::Sent { ticket: ticket.id, twin });
        Ok(true)
    }

    /// Does a share of a resync under way; returns whether more is left.
    pub(super) async fn resync_step(&self) -> bool {
        let (connection, batch, query) = {
            let mut resync = self.resync.borrow_mut();
            let Some(job) = resync.as_mut() else { return false };
            let count = job.pending.len().min(CONCURRENCY * 4);
            (job.connection.clone(), job.pending.drain(..count).collect::<Vec<i64>>(), job.query.clone())
        };
        let Some(link) = self.link(&connection) else {
            *self.resync.borrow_mut() = None;
            return false;
        };
        let sent = RefCell::new(0usize);
        let retry = RefCell::new(Vec::new());
        futures::stream::iter(batch.iter().copied())
            .for_each_concurrent(CONCURRENCY, |local| {
                let (link, sent, retry, query) = (&link, &sent, &retry, &query);
                async move {
                    let outcome = async {
                        let twin = self.store.remote_twin(&link.name, local)?;
                        let ticket = match self.client.ticket(local).await {
                            Ok(ticket) => ticket,
                            Err(ApiError::NotFound { .. }) => return Ok(false),
                            Err(e) => return Err(StepError::from(e)),
                        };
                        if query.as_ref().is_some_and(|q| !replica_compiler::query::matches(q, &ticket.json)) {
                            return Ok(false);
                        }
                        self.send_replica(link, &ticket, twin).await
                    }
                    .await;
                    match outcome {
                        Ok(true) => *sent.borrow_mut() += 1,
                        Ok(false) => {}
                        Err(e) => {
                            tracing::warn!(node = %self.name, ticket = local, error = %e, "resync of a ticket failed for now; tried again");
                            retry.borrow_mut().push(local);
                        }
                    }
                }
            })
            .await;
        let retry = retry.into_inner();
        let more = {
            let mut resync = self.resync.borrow_mut();
            let job = resync.as_mut().expect("a resync is under way");
            job.pending.extend(retry.iter().copied());
            !job.pending.is_empty()
        };
        {
            let mut state = self.shared.state();
            if let Some(progress) = state.resync.as_mut() {
                progress.done += batch.len() - retry.len();
                progress.sent += sent.into_inner();
                progress.finished = !more;
            }
        }
        if !more {
            *self.resync.borrow_mut() = None;
            tracing::info!(node = %self.name, connection, "resync finished");
        }
        // Only failures this time: wait for the next round rather than spin.
        more && retry.len() < batch.len()
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
}
