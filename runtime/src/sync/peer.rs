//! How envelopes reach the other node of a connection. A peer in the same process gets them
//! straight into its store (its own SQLite connection to the peer's database) and is woken;
//! a peer in another process will get them over HTTP.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Notify;

use super::envelope::Envelope;
use super::store::{SqliteStore, Store, StoreError};

/// The other side of a connection.
pub enum Peer {
    InProcess(InProcessPeer),
}

impl Peer {
    /// Hands envelopes to the peer; `Ok` means the peer stored them durably.
    pub async fn deliver(&self, envelopes: &[Envelope]) -> Result<(), DeliveryError> {
        match self {
            Peer::InProcess(peer) => peer.deliver(envelopes),
        }
    }

    /// The peer's name, for messages.
    pub fn name(&self) -> &str {
        match self {
            Peer::InProcess(peer) => &peer.name,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot deliver to `{peer}`: {reason}")]
pub struct DeliveryError {
    pub peer: String,
    pub reason: String,
}

/// A node of the same process.
pub struct InProcessPeer {
    pub name: String,
    state: PathBuf,
    /// Opened on first use, so that the peer's thread creates the database first.
    store: std::cell::OnceCell<SqliteStore>,
    wake: Arc<Notify>,
}

impl InProcessPeer {
    pub fn new(name: impl Into<String>, state: PathBuf, wake: Arc<Notify>) -> InProcessPeer {
        InProcessPeer { name: name.into(), state, store: std::cell::OnceCell::new(), wake }
    }

    fn deliver(&self, envelopes: &[Envelope]) -> Result<(), DeliveryError> {
        let failed = |e: StoreError| DeliveryError { peer: self.name.clone(), reason: e.to_string() };
        let store = match self.store.get() {
            Some(store) => store,
            None => {
                let opened = SqliteStore::open(&self.state).map_err(failed)?;
                self.store.get_or_init(|| opened)
            }
        };
        store.receive(envelopes).map_err(failed)?;
        self.wake.notify_one();
        Ok(())
    }
}
