//! What a node did, as events: the daemon logs them, `replica demo` prints them, tests wait
//! for them.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub node: String,
    pub connection: String,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// A replica of local ticket `ticket` was queued for the peer.
    Sent { ticket: i64, twin: Option<i64> },
    /// The peer's ticket `remote` was created here as `ticket`.
    Created { ticket: i64, remote: i64 },
    /// Local ticket `ticket` was updated from the peer's `remote` (these REST attributes).
    Updated { ticket: i64, remote: i64, fields: Vec<String> },
    /// A note was added to local ticket `ticket` for the peer's comment.
    NoteAdded { ticket: i64, note: i64 },
    /// A received replica changed nothing here.
    Unchanged { ticket: i64, remote: i64 },
    /// An item failed and is parked (blocking only its twin).
    Parked { direction: String, ticket: i64, summary: String },
    /// A create or note whose answer was lost was found on the platform.
    Reconciled { ticket: i64, what: String },
}

/// Where a node's events go.
#[derive(Clone, Debug)]
pub struct EventSink {
    sender: Option<tokio::sync::mpsc::UnboundedSender<Event>>,
}

impl EventSink {
    /// Events are only logged.
    pub fn none() -> EventSink {
        EventSink { sender: None }
    }

    pub fn channel() -> (EventSink, tokio::sync::mpsc::UnboundedReceiver<Event>) {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        (EventSink { sender: Some(sender) }, receiver)
    }

    pub fn emit(&self, node: &str, connection: &str, kind: EventKind) {
        tracing::info!(node, connection, event = ?kind, "sync");
        if let Some(sender) = &self.sender {
            // A receiver that went away just stops listening.
            let _ =
                sender.send(Event { at: Utc::now(), node: node.into(), connection: connection.into(), kind });
        }
    }
}
