//! What every API request passes through before and after its handler, in order: the
//! faults (latency, reset, 5xx — before anything is charged or stored), the rate limit,
//! Basic auth, the `Accept` header; then, on the way out, the rate-limit and version headers,
//! "commit then drop" for writes, and the request counters.

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use super::errors::{json_response, ApiError};
use super::http::include_count;
use super::rate_limit::Usage;
use super::routes::ConnectionKill;
use super::{lock, Shared, SimPlatform};

/// Routes answering a list: an `include` costs 2 credits there, 1 elsewhere.
fn is_list(method: &Method, route: &str) -> bool {
    method == Method::GET
        && matches!(
            route,
            "/api/v2/tickets"
                | "/api/v2/tickets/{id}/conversations"
                | "/api/v2/search/tickets"
                | "/api/v2/tickets/filter"
                | "/api/v2/contacts"
                | "/api/v2/requesters"
                | "/api/v2/agents"
                | "/api/v2/groups"
        )
}

/// Requests that store something new: where "commit then drop the response" applies.
fn commits(method: &Method, route: &str) -> bool {
    method == Method::POST
        && matches!(
            route,
            "/api/v2/tickets"
                | "/api/v2/tickets/{id}/notes"
                | "/api/v2/tickets/{id}/reply"
                | "/api/v2/contacts"
                | "/api/v2/requesters"
        )
}

/// Basic auth with the API key as the user name; any password.
fn authorized(headers: &HeaderMap, key: &str) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return false };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else { return false };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else { return false };
    let user = decoded.split(|b| *b == b':').next().unwrap_or_default();
    !key.is_empty() && user == key.as_bytes()
}

/// Only JSON answers exist: `Accept` must allow `application/json`.
fn accepts_json(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT) else { return true };
    let Ok(accept) = accept.to_str() else { return false };
    accept.split(',').any(|item| {
        let mime = item.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        mime.is_empty() || mime == "*/*" || mime == "application/*" || mime == "application/json"
    })
}

fn fault_response(status: u16) -> Response {
    match status {
        500 => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &serde_json::json!({"code": "internal_error", "message": "We're sorry, but something went wrong."}),
        ),
        code => {
            // A load balancer's answer: HTML, not JSON.
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let reason = status.canonical_reason().unwrap_or("Error");
            let page = format!("<html><body><h1>{code} {reason}</h1></body></html>");
            let mut response = (status, page).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            response
        }
    }
}

fn usage_headers(response: &mut Response, usage: Usage, platform: SimPlatform) {
    let headers = response.headers_mut();
    headers.insert(HeaderName::from_static("x-ratelimit-total"), HeaderValue::from(usage.total));
    headers.insert(HeaderName::from_static("x-ratelimit-remaining"), HeaderValue::from(usage.remaining));
    headers.insert(HeaderName::from_static("x-ratelimit-used-currentrequest"), HeaderValue::from(usage.cost));
    let version = match platform {
        SimPlatform::Freshdesk => "x-freshdesk-api-version",
        SimPlatform::Freshservice => "x-freshservice-api-version",
    };
    headers.insert(HeaderName::from_static(version), HeaderValue::from_static("latest=v2; requested=v2"));
}

/// Closes the connection without an answer; the request's future is dropped with it.
async fn hang_up(kill: Option<ConnectionKill>) -> Response {
    if let Some(kill) = kill {
        kill.fire();
    }
    std::future::pending::<Response>().await
}

pub async fn gate(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    let route_name = format!("{method} {}", route.as_deref().unwrap_or("(unknown)"));
    let route = route.unwrap_or_default();
    let kill = req.extensions().get::<ConnectionKill>().cloned();

    let decision = lock(&shared.faults).decide(commits(&method, &route));
    if !decision.latency.is_zero() {
        lock(&shared.stats).faults().delayed += 1;
        tokio::time::sleep(decision.latency).await;
    }
    if decision.reset {
        {
            let mut stats = lock(&shared.stats);
            stats.faults().resets += 1;
            stats.record(&route_name, "reset", 0);
        }
        return hang_up(kill).await;
    }
    if let Some(status) = decision.error {
        {
            let mut stats = lock(&shared.stats);
            stats.faults().errors += 1;
            stats.record(&route_name, &status.to_string(), 0);
        }
        return fault_response(status);
    }

    let includes = include_count(req.uri().query());
    let cost = 1 + includes * if is_list(&method, &route) { 2 } else { 1 };
    let charged = lock(&shared.limiter).charge(shared.now(), cost);
    let (mut response, usage) = match charged {
        Err((retry, usage)) => (ApiError::rate_limited(retry).into_response(), Usage { cost: 0, ..usage }),
        Ok(usage) if !authorized(req.headers(), &shared.api_key) => {
            (ApiError::unauthorized().into_response(), usage)
        }
        Ok(usage) if !accepts_json(req.headers()) => (ApiError::not_acceptable().into_response(), usage),
        Ok(usage) => (next.run(req).await, usage),
    };
    usage_headers(&mut response, usage, shared.platform);
    let status = response.status();
    if decision.drop_after_commit && status.is_success() {
        {
            let mut stats = lock(&shared.stats);
            stats.faults().dropped_after_commit += 1;
            stats.record(&route_name, "dropped", usage.cost);
        }
        return hang_up(kill).await;
    }
    lock(&shared.stats).record(&route_name, status.as_str(), usage.cost);
    response
}
