//! How envelopes reach the other node of a connection. A peer in the same process gets them
//! straight into its store (its own SQLite connection to the peer's database) and is woken;
//! a peer in another process gets them over HTTP(S), in a request signed with the
//! connection's shared secret ([`super::signing`]), at `POST <peer_url>/v1/peer/<connection>/envelopes`.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Notify;

use super::envelope::Envelope;
use super::signing::{sign, Secret, NODE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use super::store::{SqliteStore, Store, StoreError};

/// The other side of a connection.
pub enum Peer {
    InProcess(InProcessPeer),
    Http(HttpPeer),
}

impl Peer {
    /// Hands envelopes to the peer; `Ok` means the peer stored them durably.
    pub async fn deliver(&self, envelopes: &[Envelope]) -> Result<(), DeliveryError> {
        match self {
            Peer::InProcess(peer) => peer.deliver(envelopes),
            Peer::Http(peer) => peer.deliver(envelopes).await,
        }
    }

    /// The peer's name, for messages.
    pub fn name(&self) -> &str {
        match self {
            Peer::InProcess(peer) => &peer.name,
            Peer::Http(peer) => &peer.name,
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

/// A node in another process, reached over HTTP(S).
pub struct HttpPeer {
    pub name: String,
    /// This node's name, sent as the sender.
    from: String,
    url: reqwest::Url,
    secret: Secret,
    http: reqwest::Client,
}

impl HttpPeer {
    /// A peer at `base` (`https://globex.example:7402`) for `connection`.
    /// `ca`: the PEM file of a private certificate authority that signed the peer's
    /// certificate (the peer is then trusted through it only).
    pub fn new(
        name: &str,
        from: &str,
        base: &str,
        connection: &str,
        secret: Secret,
        ca: Option<&std::path::Path>,
    ) -> Result<HttpPeer, String> {
        let mut url = reqwest::Url::parse(base.trim_end_matches('/'))
            .map_err(|e| format!("the peer URL `{base}` is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("the peer URL `{base}` must start with http:// or https://"));
        }
        url.path_segments_mut()
            .map_err(|_| format!("the peer URL `{base}` cannot take a path"))?
            .pop_if_empty()
            .extend(["v1", "peer", connection, "envelopes"]);
        let mut builder = crate::connector::http_client_builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(30));
        if let Some(ca) = ca {
            let pem =
                std::fs::read(ca).map_err(|e| format!("cannot read the peer CA `{}`: {e}", ca.display()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| format!("the peer CA `{}` is not PEM certificates: {e}", ca.display()))?;
            builder = builder.tls_certs_only(certs);
        }
        let http = builder.build().map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(HttpPeer { name: name.to_string(), from: from.to_string(), url, secret, http })
    }

    async fn deliver(&self, envelopes: &[Envelope]) -> Result<(), DeliveryError> {
        let failed = |reason: String| DeliveryError { peer: self.name.clone(), reason };
        let body =
            serde_json::to_vec(envelopes).map_err(|e| failed(format!("cannot encode the envelopes: {e}")))?;
        let timestamp = chrono::Utc::now().timestamp();
        let response = self
            .http
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(NODE_HEADER, &self.from)
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, sign(&self.secret, timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| {
                failed(format!(
                    "{} is unreachable: {}",
                    self.url.origin().ascii_serialization(),
                    e.without_url()
                ))
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text = response.text().await.unwrap_or_default();
        let text: String = text.chars().take(300).collect();
        Err(failed(format!("HTTP {status}: {}", text.trim())))
    }
}
