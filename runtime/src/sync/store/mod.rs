//! A node's durable state, behind the [`Store`] interface (SQLite by default:
//! [`SqliteStore`]; another database can serve by implementing the trait).
//!
//! What is kept, per connection: twin links (local ticket ↔ the peer's ticket), comment
//! twins, the last replica sent for each local ticket and the last one received for each
//! remote ticket, the outbox (envelopes not yet stored by the peer), the inbox (envelopes
//! received, applied in order), intents (a create about to be sent, whose answer may be
//! lost), and parked failures; per node, the change-feed cursor.
//!
//! Every method is one transaction: it happens entirely or not at all, so a node killed at
//! any moment restarts from a consistent state (see the crate README's "Nothing lost,
//! nothing twice").

mod sqlite;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use self::sqlite::SqliteStore;
use super::envelope::Envelope;
use crate::connector::Cursor;

/// A store failure (the database is unreadable, full, locked for too long, …).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("state store: {0}")]
pub struct StoreError(pub String);

pub type StoreResult<T> = Result<T, StoreError>;

/// Which way an item was going when it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Reading a local ticket and sending its replica; `ticket` is the local ticket.
    Outgoing,
    /// Applying a received replica; `ticket` is the peer's ticket.
    Incoming,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outgoing => "outgoing",
            Direction::Incoming => "incoming",
        }
    }
}

/// A received envelope waiting to be applied.
#[derive(Clone, Debug, PartialEq)]
pub struct InboxItem {
    pub id: i64,
    pub envelope: Envelope,
    pub received_at: DateTime<Utc>,
}

/// A comment twin: a remote comment and the local note it corresponds to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentTwin {
    pub remote_comment: String,
    pub local_note: i64,
    /// The note was created here from the remote comment (not an original of this side).
    pub imported: bool,
}

/// A call with an effect that a lost answer leaves in doubt, recorded before it is made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Intent {
    /// Creating the twin of remote ticket `remote`, tagged with `marker`.
    CreateTicket { marker: String },
    /// Adding the note for remote comment `remote_comment` to local ticket `local_ticket`.
    AddNote { local_ticket: i64, remote_comment: String, body: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenIntent {
    pub id: i64,
    pub connection: String,
    /// The remote ticket the intent serves.
    pub remote: i64,
    pub intent: Intent,
    pub started_at: DateTime<Utc>,
}

/// A parked failure: the item stays where it is (blocking only its twin) until retried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub id: i64,
    pub connection: String,
    pub direction: Direction,
    /// The local ticket (outgoing) or the peer's ticket (incoming).
    pub ticket: i64,
    /// One line.
    pub summary: String,
    /// The full diagnostic, rendered as `replica check` renders.
    pub rendered: String,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub attempts: u32,
}

/// A failure to park.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFailure {
    pub connection: String,
    pub direction: Direction,
    pub ticket: i64,
    pub summary: String,
    pub rendered: String,
}

/// How much of each kind a connection has in the store (status and metrics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConnectionCounts {
    /// Envelopes not yet delivered to the peer.
    pub outbox: u64,
    /// Envelopes received and not yet applied.
    pub inbox: u64,
    pub twins: u64,
    pub parked: u64,
}

/// A node's durable state. Each method is atomic.
pub trait Store {
    /// The change feed's position, once the node has polled.
    fn cursor(&self) -> StoreResult<Option<Cursor>>;
    fn set_cursor(&self, cursor: &Cursor) -> StoreResult<()>;

    /// The local ticket twinned with the peer's `remote` ticket.
    fn local_twin(&self, connection: &str, remote: i64) -> StoreResult<Option<i64>>;
    /// The peer's ticket twinned with local ticket `local`.
    fn remote_twin(&self, connection: &str, local: i64) -> StoreResult<Option<i64>>;
    /// Records a twin link (no change when it is known).
    fn link(&self, connection: &str, local: i64, remote: i64) -> StoreResult<()>;
    /// Every twin link of a connection, as (local, remote).
    fn twins(&self, connection: &str) -> StoreResult<Vec<(i64, i64)>>;

    fn comment_twins(&self, connection: &str, local_ticket: i64) -> StoreResult<Vec<CommentTwin>>;

    /// The replica last queued for local ticket `local`.
    fn last_sent(&self, connection: &str, local: i64) -> StoreResult<Option<serde_json::Value>>;
    /// Queues an envelope for the peer (and, for a replica, records it as the last sent),
    /// giving it the next outbox number.
    fn queue(
        &self,
        connection: &str,
        from: &str,
        local: i64,
        twin: Option<i64>,
        replica: Option<&serde_json::Value>,
    ) -> StoreResult<Envelope>;
    /// Envelopes for a connection's peer not yet delivered, oldest first.
    fn outbox(&self, connection: &str, limit: usize) -> StoreResult<Vec<Envelope>>;
    /// The peer stored these: drop them from the outbox.
    fn delivered(&self, connection: &str, seqs: &[i64]) -> StoreResult<()>;

    /// Stores received envelopes; returns how many were new (repeats are dropped).
    fn receive(&self, envelopes: &[Envelope]) -> StoreResult<usize>;
    /// Received envelopes not yet applied, in the order they came.
    fn inbox(&self, limit: usize) -> StoreResult<Vec<InboxItem>>;
    /// The replica last applied for the peer's ticket (`previous` in scripts).
    fn previous(&self, connection: &str, remote: i64) -> StoreResult<Option<serde_json::Value>>;
    /// An inbox item is done: remember its replica as the last received, and drop it.
    fn finish(&self, item: &InboxItem) -> StoreResult<()>;
    /// An inbox item is superseded by a later replica of the same ticket: drop it unapplied.
    fn skip(&self, item: &InboxItem) -> StoreResult<()>;

    /// Records an intent before the call it announces.
    fn begin(&self, connection: &str, remote: i64, intent: &Intent) -> StoreResult<i64>;
    fn intents(&self, connection: &str, remote: i64) -> StoreResult<Vec<OpenIntent>>;
    fn all_intents(&self) -> StoreResult<Vec<OpenIntent>>;
    /// A create succeeded (or was found): link the twin, drop the intent, and queue the link
    /// notice for the peer.
    fn created(
        &self,
        intent: i64,
        connection: &str,
        from: &str,
        local: i64,
        remote: i64,
    ) -> StoreResult<Envelope>;
    /// A note was added (or found): record the comment twin and drop the intent.
    fn noted(
        &self,
        intent: i64,
        connection: &str,
        local_ticket: i64,
        remote_comment: &str,
        note: i64,
    ) -> StoreResult<()>;
    /// The call did not happen: drop the intent.
    fn abandon(&self, intent: i64) -> StoreResult<()>;

    /// Parks a failure (or counts another attempt of one parked already).
    fn park(&self, failure: &NewFailure) -> StoreResult<i64>;
    fn parked(&self, connection: &str, direction: Direction, ticket: i64) -> StoreResult<bool>;
    fn failures(&self) -> StoreResult<Vec<Failure>>;
    /// Unparks a failure so that its item is tried again; false when there is no such id.
    fn release(&self, id: i64) -> StoreResult<bool>;

    /// Per connection: queue depths, twins and parked items.
    fn counts(&self) -> StoreResult<std::collections::BTreeMap<String, ConnectionCounts>>;
}
