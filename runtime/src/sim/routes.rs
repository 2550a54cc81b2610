//! The routes of each platform and the accept loop.
//!
//! The loop is ours rather than `axum::serve` so that a fault can close one connection
//! without answering: every connection gets a [`ConnectionKill`] in its requests'
//! extensions; firing it ends the connection with a TCP reset (zero linger), which a client
//! sees as a connection error, exactly what a dropped load balancer connection looks like.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower_service::Service;

use super::errors::ApiError;
use super::{control, conversations, fields, gate, search, tickets, users, Shared, SimPlatform};

/// Closes the connection a request came on.
#[derive(Clone)]
pub struct ConnectionKill(Arc<Notify>);

impl ConnectionKill {
    pub fn fire(&self) {
        self.0.notify_one();
    }
}

async fn not_found() -> Response {
    ApiError::not_found().into_response()
}

async fn wrong_method(method: Method) -> Response {
    ApiError::method_not_allowed(format!("{method} is not allowed on this resource")).into_response()
}

pub fn router(shared: Arc<Shared>) -> Router {
    let platform = shared.platform;
    let mut api = Router::new()
        .route("/api/v2/tickets", get(tickets::list).post(tickets::create))
        .route("/api/v2/tickets/{id}", get(tickets::view).put(tickets::update).delete(tickets::delete))
        .route("/api/v2/tickets/{id}/restore", put(tickets::restore))
        .route("/api/v2/tickets/{id}/conversations", get(conversations::list))
        .route("/api/v2/tickets/{id}/notes", post(conversations::note))
        .route("/api/v2/tickets/{id}/reply", post(conversations::reply))
        .route("/api/v2/conversations/{id}", put(conversations::update).delete(conversations::delete))
        .route("/api/v2/agents", get(users::list_agents))
        .route("/api/v2/agents/{id}", get(users::view_agent))
        .route("/api/v2/groups", get(users::list_groups))
        .route("/api/v2/groups/{id}", get(users::view_group));
    api = match platform {
        SimPlatform::Freshdesk => api
            .route("/api/v2/search/tickets", get(search::search))
            .route("/api/v2/ticket_fields", get(fields::list))
            .route("/api/v2/contacts", get(users::list_contacts).post(users::create_contact))
            .route("/api/v2/contacts/{id}", get(users::view_contact))
            .route("/api/v2/agents/me", get(users::view_agent)),
        SimPlatform::Freshservice => api
            .route("/api/v2/tickets/filter", get(search::search))
            .route("/api/v2/ticket_form_fields", get(fields::list))
            .route("/api/v2/requesters", get(users::list_contacts).post(users::create_contact))
            .route("/api/v2/requesters/{id}", get(users::view_contact)),
    };
    // `layer` (not `route_layer`): unknown paths under the API pass the gate too, so that
    // their 404 carries the rate-limit headers like every other answer.
    let api = api
        .method_not_allowed_fallback(wrong_method)
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), gate::gate))
        .with_state(shared.clone());
    let control = Router::new()
        .route("/_sim", get(control::index))
        .route("/_sim/state", get(control::get_state).put(control::put_state))
        .route("/_sim/save", post(control::post_save))
        .route("/_sim/faults", get(control::get_faults).put(control::put_faults))
        .route("/_sim/clock", get(control::get_clock))
        .route("/_sim/clock/advance", post(control::advance_clock))
        .route("/_sim/stats", get(control::get_stats).delete(control::reset_stats))
        .method_not_allowed_fallback(wrong_method)
        .with_state(shared);
    api.merge(control)
}

/// Accepts connections until `stop` turns true.
pub async fn serve(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let stop = stop.clone();
        tokio::spawn(connection(stream, router, stop));
    }
}

async fn connection(stream: tokio::net::TcpStream, router: Router, mut stop: watch::Receiver<bool>) {
    let kill = Arc::new(Notify::new());
    let handle = ConnectionKill(kill.clone());
    let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(handle.clone());
        let mut router = router.clone();
        async move { Ok::<_, Infallible>(router.call(req.map(axum::body::Body::new)).await.into_response()) }
    });
    let mut conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let killed = tokio::select! {
        _ = &mut conn => false,
        _ = kill.notified() => true,
        _ = stop.changed() => false,
    };
    if killed {
        let parts = conn.into_parts();
        let stream = parts.io.into_inner();
        let _ = stream.set_zero_linger();
        drop(stream);
    }
}
