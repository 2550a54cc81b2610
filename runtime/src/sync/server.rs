//! A node's HTTP listener: its admin API, its Prometheus metrics, and the endpoint where a
//! peer in another process delivers envelopes.
//!
//! | route | what |
//! | --- | --- |
//! | `GET /v1/status` | the node, its last poll, API budget and counters, and per connection: queue depths, twins, parked items, the active rules version (and a refused reload) |
//! | `GET /v1/errors` | parked items with their rendered diagnostics |
//! | `POST /v1/errors/{id}/retry`, `POST /v1/errors/retry-all` | unpark items; they are tried again at once |
//! | `GET /v1/twins?connection=NAME` | twin links as `[local, remote]` |
//! | `POST /v1/reload` | reload every connection's rules now; the outcome of each |
//! | `POST /v1/resync` `{"connection", "query"?}`, `GET /v1/resync` | run the outgoing script again for tickets under sync; progress |
//! | `GET /metrics` | Prometheus text format |
//! | `POST /v1/peer/{connection}/envelopes` | envelopes from the peer, signed ([`super::signing`]) |
//!
//! Admin routes and metrics answer requests from this machine (loopback); from elsewhere
//! only with `Authorization: Bearer <admin token>` when a token is configured, 403
//! otherwise. The peer route is open to the network but accepts only signed requests.
//! Nothing here ever shows an API key, a secret or the token.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::oneshot;

use super::envelope::Envelope;
use super::shared::{Command, Shared};
use super::signing::{verify, Rejection, NODE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use super::store::Store;

/// The largest body a peer may send (a batch of envelopes).
const MAX_BODY: usize = 32 * 1024 * 1024;

type Answer = Result<Response, (StatusCode, Json<serde_json::Value>)>;

fn refuse(status: StatusCode, message: impl Into<String>) -> (StatusCode, Json<serde_json::Value>) {
    (status, Json(json!({ "error": message.into() })))
}

/// The router of a node's listener.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/status", get(status))
        .route("/v1/errors", get(errors))
        .route("/v1/errors/{id}/retry", post(retry_one))
        .route("/v1/errors/retry-all", post(retry_all))
        .route("/v1/twins", get(twins))
        .route("/v1/reload", post(reload))
        .route("/v1/resync", post(resync).get(resync_progress))
        .route("/metrics", get(metrics))
        .route("/v1/peer/{connection}/envelopes", post(receive))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

/// Serves the router on `listener` until the future is dropped.
pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(no_delay);
    axum::serve(listener, router(shared).into_make_service_with_connect_info::<SocketAddr>()).await
}

/// Answers leave at once: with Nagle's algorithm on, a reply written in two pieces waits for
/// the peer's delayed acknowledgement (40 ms on Linux) — a batch of replicas took 40 ms.
fn no_delay(stream: &mut tokio::net::TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "cannot set TCP_NODELAY");
    }
}

/// The TLS settings of an HTTPS listener, from PEM files.
pub fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<Arc<rustls::ServerConfig>, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read the TLS certificate `{}`: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("the TLS certificate `{}` holds no certificate", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read the TLS key `{}`: {e}", key.display()))?;
    // Installs the process's TLS provider, as every HTTP client of Replica does.
    let _ = crate::connector::http_client_builder();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("the TLS certificate and key do not go together: {e}"))?;
    Ok(Arc::new(config))
}

/// Serves the router over HTTPS on `listener`.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    tls: Arc<rustls::ServerConfig>,
) -> std::io::Result<()> {
    use tower_service::Service;
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let router = router(shared);
    loop {
        let (mut stream, from) = listener.accept().await?;
        no_delay(&mut stream);
        let (acceptor, router) = (acceptor.clone(), router.clone());
        tokio::spawn(async move {
            let stream = match acceptor.accept(stream).await {
                Ok(stream) => stream,
                Err(e) => {
                    tracing::debug!(%from, error = %e, "TLS handshake failed");
                    return;
                }
            };
            // What `into_make_service_with_connect_info` does for plain connections.
            let service =
                hyper::service::service_fn(move |mut request: axum::http::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(from));
                    router.clone().call(request)
                });
            let io = hyper_util::rt::TokioIo::new(stream);
            if let Err(e) = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await {
                tracing::debug!(%from, error = %e, "connection ended with an error");
            }
        });
    }
}

/// Admin requests: from this machine, or with the admin token.
fn admin(
    shared: &Shared,
    from: SocketAddr,
    headers: &HeaderMap,
) -> Result<(), (StatusCode, Json<serde_json::Value>)> {
    if from.ip().is_loopback() || from.ip().to_canonical().is_loopback() {
        return Ok(());
    }
    let Some(token) = &shared.admin_token else {
        tracing::warn!(node = %shared.node, %from, "admin request from another machine refused (no admin token is configured)");
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "the admin API answers this machine only; configure an admin token to allow others",
        ));
    };
    let given =
        headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let matches = given.is_some_and(|given| constant_time_eq(given.trim().as_bytes(), token.expose_secret()));
    if matches {
        Ok(())
    } else {
        tracing::warn!(node = %shared.node, %from, "admin request with a missing or wrong token refused");
        Err(refuse(StatusCode::FORBIDDEN, "a valid `Authorization: Bearer` admin token is required"))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn store_error(e: super::store::StoreError) -> (StatusCode, Json<serde_json::Value>) {
    refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

#[derive(Serialize)]
struct ConnectionStatus {
    name: String,
    outbox: u64,
    inbox: u64,
    twins: u64,
    parked: u64,
    rules: Option<super::shared::RulesState>,
}

async fn status(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Answer {
    admin(&shared, from, &headers)?;
    let counts = shared.store.counts().map_err(store_error)?;
    let state = shared.state().clone();
    let mut names: Vec<String> = state.rules.keys().cloned().collect();
    names.extend(counts.keys().filter(|c| !state.rules.contains_key(*c)).cloned());
    let connections: Vec<ConnectionStatus> = names
        .into_iter()
        .map(|name| {
            let c = counts.get(&name).copied().unwrap_or_default();
            ConnectionStatus {
                rules: state.rules.get(&name).cloned(),
                name,
                outbox: c.outbox,
                inbox: c.inbox,
                twins: c.twins,
                parked: c.parked,
            }
        })
        .collect();
    let budget = shared.client.budget();
    let api = shared.client.stats();
    Ok(Json(json!({
        "node": shared.node,
        "platform": shared.platform,
        "started_at": shared.started_at,
        "last_poll": state.last_poll,
        "api": api,
        "rate_budget": {
            "total": budget.total,
            "remaining": budget.remaining,
            "paused_for_s": budget.paused_for.map(|d| d.as_secs_f64()),
        },
        "connections": connections,
        "resync": state.resync,
    }))
    .into_response())
}

async fn errors(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Answer {
    admin(&shared, from, &headers)?;
    let failures = shared.store.failures().map_err(store_error)?;
    Ok(Json(failures).into_response())
}

async fn retry_one(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Answer {
    admin(&shared, from, &headers)?;
    if !shared.store.release(id).map_err(store_error)? {
        return Err(refuse(StatusCode::NOT_FOUND, format!("there is no parked item {id}")));
    }
    tracing::info!(node = %shared.node, id, "parked item released for a retry");
    shared.wake.notify_one();
    Ok(Json(json!({ "released": 1 })).into_response())
}

async fn retry_all(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Answer {
    admin(&shared, from, &headers)?;
    let mut released = 0;
    for failure in shared.store.failures().map_err(store_error)? {
        released += usize::from(shared.store.release(failure.id).map_err(store_error)?);
    }
    tracing::info!(node = %shared.node, released, "parked items released for a retry");
    shared.wake.notify_one();
    Ok(Json(json!({ "released": released })).into_response())
}

#[derive(Deserialize)]
struct TwinsQuery {
    connection: String,
}

async fn twins(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<TwinsQuery>,
) -> Answer {
    admin(&shared, from, &headers)?;
    {
        let state = shared.state();
        if !state.rules.contains_key(&query.connection) {
            let known: Vec<&str> = state.rules.keys().map(String::as_str).collect();
            return Err(refuse(
                StatusCode::NOT_FOUND,
                format!(
                    "node `{}` has no connection `{}`; it has: {}",
                    shared.node,
                    query.connection,
                    known.join(", ")
                ),
            ));
        }
    }
    let twins = shared.store.twins(&query.connection).map_err(store_error)?;
    Ok(Json(twins).into_response())
}

async fn reload(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Answer {
    admin(&shared, from, &headers)?;
    let (reply, answer) = oneshot::channel();
    shared
        .commands
        .send(Command::Reload(reply))
        .map_err(|_| refuse(StatusCode::SERVICE_UNAVAILABLE, "the node is stopping"))?;
    let reports =
        answer.await.map_err(|_| refuse(StatusCode::SERVICE_UNAVAILABLE, "the node is stopping"))?;
    Ok(Json(reports).into_response())
}

#[derive(Deserialize)]
struct ResyncRequest {
    connection: String,
    #[serde(default)]
    query: Option<String>,
}

async fn resync(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    admin(&shared, from, &headers)?;
    let request: ResyncRequest = serde_json::from_slice(&body).map_err(|e| {
        refuse(StatusCode::BAD_REQUEST, format!("expected {{\"connection\": …, \"query\"?: …}}: {e}"))
    })?;
    let (reply, answer) = oneshot::channel();
    let command = Command::Resync { connection: request.connection, query: request.query, reply };
    shared
        .commands
        .send(command)
        .map_err(|_| refuse(StatusCode::SERVICE_UNAVAILABLE, "the node is stopping"))?;
    shared.wake.notify_one();
    match answer.await {
        Ok(Ok(total)) => Ok(Json(json!({ "total": total })).into_response()),
        Ok(Err(message)) => Err(refuse(StatusCode::BAD_REQUEST, message)),
        Err(_) => Err(refuse(StatusCode::SERVICE_UNAVAILABLE, "the node is stopping")),
    }
}

async fn resync_progress(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Answer {
    admin(&shared, from, &headers)?;
    let progress = shared.state().resync.clone();
    Ok(Json(progress).into_response())
}

/// The Prometheus exposition of the node.
pub fn metrics_text(shared: &Shared) -> Result<String, String> {
    let mut registry = Registry::with_prefix("replica");
    let labels = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    let node = shared.node.as_str();

    let gauges = |registry: &mut Registry, name: &str, help: &str| {
        let family = Family::<Vec<(String, String)>, Gauge>::default();
        registry.register(name, help, family.clone());
        family
    };
    let counters = |registry: &mut Registry, name: &str, help: &str| {
        let family = Family::<Vec<(String, String)>, Counter>::default();
        registry.register(name, help, family.clone());
        family
    };

    let up = gauges(&mut registry, "node_up", "1 while the node runs");
    up.get_or_create(&labels(&[("node", node)])).set(1);
    let started = gauges(&mut registry, "node_start_time_seconds", "When the node started (Unix time)");
    started.get_or_create(&labels(&[("node", node)])).set(shared.started_at.timestamp());

    let counts = shared.store.counts().map_err(|e| e.to_string())?;
    let outbox = gauges(&mut registry, "outbox_envelopes", "Envelopes waiting for the peer");
    let inbox = gauges(&mut registry, "inbox_envelopes", "Envelopes received and not yet applied");
    let twins = gauges(&mut registry, "twins", "Twin links");
    let parked = gauges(&mut registry, "parked_items", "Items parked after a failure");
    for (connection, c) in &counts {
        let l = labels(&[("node", node), ("connection", connection)]);
        outbox.get_or_create(&l).set(c.outbox as i64);
        inbox.get_or_create(&l).set(c.inbox as i64);
        twins.get_or_create(&l).set(c.twins as i64);
        parked.get_or_create(&l).set(c.parked as i64);
    }

    let events = counters(
        &mut registry,
        "sync_events",
        "What the node did, by kind (sent, created, updated, note_added, unchanged, parked, reconciled)",
    );
    for ((connection, kind), n) in shared.counters.by_event.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        events
            .get_or_create(&labels(&[("node", node), ("connection", connection), ("kind", kind)]))
            .inc_by(*n);
    }
    let polls = counters(&mut registry, "polls", "Polls of the ticket list");
    polls.get_or_create(&labels(&[("node", node)])).inc_by(shared.counters.polls.load(Ordering::Relaxed));
    let refused = counters(
        &mut registry,
        "rules_reload_refused",
        "Changed rule files refused because they do not check",
    );
    refused
        .get_or_create(&labels(&[("node", node)]))
        .inc_by(shared.counters.reload_refused.load(Ordering::Relaxed));
    let rejected = counters(&mut registry, "peer_requests_rejected", "Peer requests refused, by reason");
    for (reason, n) in shared.counters.peer_rejected.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        rejected.get_or_create(&labels(&[("node", node), ("reason", reason)])).inc_by(*n);
    }

    let api = shared.client.stats();
    let calls = counters(&mut registry, "api_requests", "HTTP requests to the platform (retries included)");
    calls.get_or_create(&labels(&[("node", node)])).inc_by(api.requests);
    let retries = counters(&mut registry, "api_retries", "Retried platform requests");
    retries.get_or_create(&labels(&[("node", node)])).inc_by(api.retries);
    let limited = counters(&mut registry, "api_rate_limited", "429 answers from the platform");
    limited.get_or_create(&labels(&[("node", node)])).inc_by(api.rate_limited);
    let credits = counters(&mut registry, "api_credits", "Rate-limit credits the platform reported as spent");
    credits.get_or_create(&labels(&[("node", node)])).inc_by(api.credits);
    let budget = shared.client.budget();
    let total = gauges(&mut registry, "rate_budget_total", "Calls per minute the account allows");
    let remaining =
        gauges(&mut registry, "rate_budget_remaining", "Calls left in the current minute, as last reported");
    if let Some(t) = budget.total {
        total.get_or_create(&labels(&[("node", node)])).set(i64::from(t));
    }
    if let Some(r) = budget.remaining {
        remaining.get_or_create(&labels(&[("node", node)])).set(i64::from(r));
    }

    let state = shared.state().clone();
    let rules =
        gauges(&mut registry, "rules_info", "The active rules of a connection (the version label); 1");
    for (connection, r) in &state.rules {
        rules
            .get_or_create(&labels(&[("node", node), ("connection", connection), ("version", &r.version)]))
            .set(1);
    }
    let last_poll =
        gauges(&mut registry, "last_poll_time_seconds", "When the ticket list was last polled (Unix time)");
    if let Some(at) = state.last_poll.at {
        last_poll.get_or_create(&labels(&[("node", node)])).set(at.timestamp());
    }

    let mut text = String::new();
    encode(&mut text, &registry).map_err(|e| e.to_string())?;
    Ok(text)
}

async fn metrics(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Answer {
    admin(&shared, from, &headers)?;
    let text = metrics_text(&shared).map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    Ok(([("content-type", "text/plain; version=0.0.4; charset=utf-8")], text).into_response())
}

/// Envelopes from the peer of `connection`, in a signed request.
async fn receive(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(connection): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let reject = |rejection: Rejection| {
        shared.counters.rejected(rejection.reason());
        tracing::warn!(node = %shared.node, %from, connection, reason = rejection.reason(), %rejection, "peer request rejected");
        let status = match rejection {
            Rejection::Replayed => StatusCode::CONFLICT,
            _ => StatusCode::UNAUTHORIZED,
        };
        refuse(status, rejection.to_string())
    };
    let Some(auth) = shared.peers.get(&connection) else {
        return Err(reject(Rejection::UnknownSender(format!(
            "(no remote peer for connection `{connection}`)"
        ))));
    };
    let header =
        |name: &'static str| headers.get(name).and_then(|v| v.to_str().ok()).ok_or(Rejection::Unsigned(name));
    let sender = header(NODE_HEADER).map_err(reject)?;
    if sender != auth.node {
        return Err(reject(Rejection::UnknownSender(sender.to_string())));
    }
    let timestamp = header(TIMESTAMP_HEADER).map_err(reject)?;
    let signature = header(SIGNATURE_HEADER).map_err(reject)?;
    let now = chrono::Utc::now().timestamp();
    let timestamp = verify(&auth.secret, timestamp, signature, &body, now).map_err(reject)?;
    shared.replays.admit(signature, timestamp, now).map_err(reject)?;
    let envelopes: Vec<Envelope> = serde_json::from_slice(&body)
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, format!("the body is not a list of envelopes: {e}")))?;
    if let Some(stray) = envelopes.iter().find(|e| e.connection != connection || e.from != auth.node) {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "an envelope of `{}` for `{}` was sent to connection `{connection}`",
                stray.from, stray.connection
            ),
        ));
    }
    let stored = shared.store.receive(&envelopes).map_err(store_error)?;
    shared.wake.notify_one();
    Ok(Json(json!({ "received": envelopes.len(), "stored": stored })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::shared::PeerAuth;
    use crate::sync::signing::{sign, Secret};

    fn shared(token: Option<&str>) -> Shared {
        let (commands, _) = tokio::sync::mpsc::unbounded_channel();
        let client = crate::connector::Client::new(crate::connector::ClientConfig::new(
            crate::platform::PlatformKind::Freshdesk,
            "http://127.0.0.1:1",
            crate::connector::ApiKey::new("k"),
        ))
        .unwrap();
        Shared {
            node: "n".into(),
            platform: crate::platform::PlatformKind::Freshdesk,
            started_at: chrono::Utc::now(),
            wake: Default::default(),
            commands,
            client,
            store: super::super::store::SqliteStore::in_memory().unwrap(),
            state: Default::default(),
            counters: Default::default(),
            peers: Default::default(),
            replays: Default::default(),
            admin_token: token.map(|t| Secret::new(t.as_bytes().to_vec())),
        }
    }

    /// Every route, sent what a confused client or a hostile peer might send: malformed HTTP,
    /// bodies that are not what the route takes, numbers out of range, signatures that are
    /// right over wrong bodies. Each answer is a clear client error (a JSON `error` from our
    /// handlers), none is a server error, and the node goes on serving.
    #[tokio::test]
    async fn malformed_requests_get_client_errors_and_the_node_goes_on() {
        use rand::{Rng, SeedableRng};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let secret = "a-shared-secret-of-the-test";
        let mut shared = shared(None);
        shared.peers.insert("pair".into(), PeerAuth { node: "fs".into(), secret: Secret::new(secret) });
        // A node thread that answers its commands.
        let (commands, mut inbox) = tokio::sync::mpsc::unbounded_channel();
        shared.commands = commands;
        tokio::spawn(async move {
            while let Some(command) = inbox.recv().await {
                match command {
                    Command::Reload(reply) => drop(reply.send(Vec::new())),
                    Command::Resync { connection, reply, .. } => {
                        drop(reply.send(Err(format!("there is no connection `{connection}`"))))
                    }
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, Arc::new(shared)));
        let base = format!("http://{address}");
        let http = reqwest::Client::new();

        let now = chrono::Utc::now().timestamp();
        let signed = |body: &[u8], node: &str| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(NODE_HEADER, node.parse().unwrap());
            headers.insert(TIMESTAMP_HEADER, now.to_string().parse().unwrap());
            headers.insert(SIGNATURE_HEADER, sign(&Secret::new(secret), now, body).parse().unwrap());
            headers
        };
        let envelope = |connection: &str, from: &str, seq: &str| {
            format!(
                r#"[{{"connection":"{connection}","from":"{from}","seq":{seq},"ticket":1,"twin":null,"replica":{{"summary":"x"}},"sent_at":"2026-01-01T00:00:00Z"}}]"#
            )
        };
        let huge = vec![b'['; MAX_BODY + 10];
        let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let mut cases: Vec<(&str, String, Vec<u8>, reqwest::header::HeaderMap)> = vec![
            ("GET", "/v1/errors/abc/retry".into(), vec![], Default::default()),
            ("POST", "/v1/errors/abc/retry".into(), vec![], Default::default()),
            ("POST", "/v1/errors/99999999999999999999999/retry".into(), vec![], Default::default()),
            ("POST", "/v1/errors/-1/retry".into(), vec![], Default::default()),
            ("GET", "/v1/twins".into(), vec![], Default::default()),
            ("GET", "/v1/twins?connection=%FF%FE".into(), vec![], Default::default()),
            ("POST", "/v1/resync".into(), b"{".to_vec(), Default::default()),
            ("POST", "/v1/resync".into(), b"null".to_vec(), Default::default()),
            ("POST", "/v1/resync".into(), br#"{"connection": 7}"#.to_vec(), Default::default()),
            (
                "POST",
                "/v1/resync".into(),
                br#"{"connection": "nope", "query": "status:"}"#.to_vec(),
                Default::default(),
            ),
            ("POST", "/v1/resync".into(), nested.clone().into_bytes(), Default::default()),
            ("DELETE", "/v1/status".into(), vec![], Default::default()),
            ("GET", format!("/{}", "a".repeat(60_000)), vec![], Default::default()),
            ("POST", "/v1/peer/pair/envelopes".into(), b"[]".to_vec(), Default::default()),
            ("POST", "/v1/peer/nope/envelopes".into(), b"[]".to_vec(), signed(b"[]", "fs")),
            ("POST", "/v1/peer/pair/envelopes".into(), b"[]".to_vec(), signed(b"[]", "someone")),
            ("POST", "/v1/peer/pair/envelopes".into(), huge, Default::default()),
        ];
        for body in [
            "{".to_string(),
            "null".into(),
            "[1, 2]".into(),
            nested,
            envelope("other", "fs", "1"),
            envelope("pair", "intruder", "1"),
            envelope("pair", "fs", "1e999"),
            envelope("pair", "fs", "99999999999999999999999"),
        ] {
            let headers = signed(body.as_bytes(), "fs");
            cases.push(("POST", "/v1/peer/pair/envelopes".into(), body.into_bytes(), headers));
        }
        for (method, path, body, headers) in cases {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let answer = http
                .request(method.clone(), format!("{base}{path}"))
                .headers(headers)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = answer.status();
            let text = answer.text().await.unwrap();
            let shown = &path[..path.len().min(60)];
            assert!(status.is_client_error(), "{method} {shown}: {status} {text}");
            if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
                assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()), "{method} {shown}: {text}");
            }
        }

        // Bytes that are not HTTP, or HTTP cut short: the connection is closed or refused
        // with a 400, and nothing else is disturbed.
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for round in 0..200 {
            let mut bytes: Vec<u8> = (0..rng.random_range(1..400)).map(|_| rng.random()).collect();
            if round % 2 == 0 {
                let mut start = b"POST /v1/peer/pair/envelopes HTTP/1.1\r\nContent-Length: 9\r\n".to_vec();
                start.append(&mut bytes);
                bytes = start;
            }
            let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
            let mut answer = Vec::new();
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read_to_end(&mut answer))
                .await;
            let head = String::from_utf8_lossy(&answer[..answer.len().min(12)]).to_string();
            assert!(answer.is_empty() || head.starts_with("HTTP/1.1 4"), "round {round}: {head}");
        }

        let status = http.get(format!("{base}/v1/status")).send().await.unwrap();
        assert_eq!(status.status(), StatusCode::OK, "the node still answers");
    }

    #[test]
    fn the_admin_api_answers_this_machine_and_token_holders_only() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let local6: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        let remote: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        let none = HeaderMap::new();
        let mut bearer = HeaderMap::new();
        bearer.insert("authorization", "Bearer tok-123".parse().unwrap());
        let mut wrong = HeaderMap::new();
        wrong.insert("authorization", "Bearer tok-124".parse().unwrap());

        let open = shared(None);
        assert!(admin(&open, local, &none).is_ok());
        assert!(admin(&open, local6, &none).is_ok());
        assert_eq!(
            admin(&open, remote, &bearer).unwrap_err().0,
            StatusCode::FORBIDDEN,
            "no token configured: local only"
        );

        let guarded = shared(Some("tok-123"));
        assert!(admin(&guarded, remote, &bearer).is_ok());
        assert_eq!(admin(&guarded, remote, &wrong).unwrap_err().0, StatusCode::FORBIDDEN);
        assert_eq!(admin(&guarded, remote, &none).unwrap_err().0, StatusCode::FORBIDDEN);
    }

    #[test]
    fn metrics_are_prometheus_text() {
        let shared = shared(None);
        shared.store.link("pair", 1, 2).unwrap();
        shared.counters.event("pair", &crate::sync::events::EventKind::Created { ticket: 1, remote: 2 });
        shared.counters.rejected("stale");
        let text = metrics_text(&shared).unwrap();
        assert!(text.contains("# TYPE replica_twins gauge"), "{text}");
        assert!(text.contains("replica_twins{node=\"n\",connection=\"pair\"} 1"), "{text}");
        assert!(
            text.contains("replica_sync_events_total{node=\"n\",connection=\"pair\",kind=\"created\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("replica_peer_requests_rejected_total{node=\"n\",reason=\"stale\"} 1"),
            "{text}"
        );
        assert!(text.trim_end().ends_with("# EOF"), "{text}");
    }
}
