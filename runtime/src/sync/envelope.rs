//! What travels between the two nodes of a connection: a replica of one ticket, or a notice
//! that links a ticket to its twin.
//!
//! Delivery is at least once: the sender keeps an envelope in its outbox until the peer has
//! stored it, and may send it again after a crash or a lost answer. The receiver stores
//! each `key` once and drops repeats.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The connection's name (the same on both sides).
    pub connection: String,
    /// The sending node.
    pub from: String,
    /// The sender's outbox number: envelopes of one sender are applied in this order.
    pub seq: i64,
    /// The sender's ticket.
    pub ticket: i64,
    /// The receiver's ticket, when the sender knows the twin.
    pub twin: Option<i64>,
    /// The replica; `None` for a link notice (the sender created `ticket` as the twin of
    /// the receiver's `twin`).
    pub replica: Option<serde_json::Value>,
    pub sent_at: DateTime<Utc>,
}

impl Envelope {
    /// The idempotency key: unique per sender, connection and outbox number.
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.from, self.connection, self.seq)
    }
}
