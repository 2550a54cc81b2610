//! The control API under `/_sim/`: for tests, benchmarks and people poking at a running
//! simulator. It needs no key, is never rate-limited and never faulted, and is not counted
//! in the stats.
//!
//! | route | |
//! |---|---|
//! | `GET /_sim` | what this is: platform, base URL, clock, faults, routes |
//! | `GET /_sim/state` | the whole state in the seed format |
//! | `PUT /_sim/state` | replace the state with the body (a seed) |
//! | `POST /_sim/save` | write the state to the `--save`/`--save-on-exit` path |
//! | `GET /_sim/faults`, `PUT /_sim/faults` | the fault spec; `PUT` takes the spec as the body text |
//! | `GET /_sim/clock`, `POST /_sim/clock/advance` | the simulated clock; advance by `{"seconds": N}` |
//! | `GET /_sim/stats`, `DELETE /_sim/stats` | request counters; `DELETE` zeroes them |

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::clock::format_time;
use super::errors::json_response;
use super::faults::FaultSpec;
use super::seed::SeedState;
use super::state::Store;
use super::{lock, Shared};

type Shr = State<Arc<Shared>>;

fn problem(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    json_response(status, &json!({"code": code, "message": message.into()}))
}

fn faults_body(spec: &FaultSpec) -> Value {
    json!({"faults": spec.to_string()})
}

fn clock_body(shared: &Shared) -> Value {
    json!({"now": format_time(shared.now()), "offset_seconds": shared.clock.offset()})
}

pub async fn index(State(shared): Shr) -> Response {
    let faults = lock(&shared.faults).spec().to_string();
    let body = json!({
        "simulator": "replica sim",
        "platform": shared.platform.name(),
        "base_url": format!("http://{}", shared.addr),
        "clock": clock_body(&shared),
        "faults": faults,
        "save_path": shared.save_path.as_ref().map(|p| p.display().to_string()),
        "control": ["GET /_sim/state", "PUT /_sim/state", "POST /_sim/save", "GET /_sim/faults",
                    "PUT /_sim/faults", "GET /_sim/clock", "POST /_sim/clock/advance",
                    "GET /_sim/stats", "DELETE /_sim/stats"]
    });
    json_response(StatusCode::OK, &body)
}

pub async fn get_state(State(shared): Shr) -> Response {
    let state = shared.store().snapshot();
    let body = serde_json::to_value(&state).unwrap_or(Value::Null);
    json_response(StatusCode::OK, &body)
}

pub async fn put_state(State(shared): Shr, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    let seed = match SeedState::from_json(&text) {
        Ok(seed) => seed,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "invalid_seed", e.0),
    };
    match Store::from_seed(shared.platform, &seed, shared.now()) {
        Ok(store) => {
            *shared.store() = store;
            json_response(StatusCode::OK, &json!({"loaded": true}))
        }
        Err(e) => problem(StatusCode::BAD_REQUEST, "invalid_seed", e),
    }
}

/// Writes the state to the configured path.
pub fn save(shared: &Shared) -> std::io::Result<PathBuf> {
    let Some(path) = shared.save_path.clone() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no save path was configured (start with --save-on-exit FILE or SimConfig::save_path)",
        ));
    };
    let state = shared.store().snapshot();
    state
        .write(&path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot write `{}`: {e}", path.display())))?;
    Ok(path)
}

pub async fn post_save(State(shared): Shr) -> Response {
    match save(&shared) {
        Ok(path) => json_response(StatusCode::OK, &json!({"saved": path.display().to_string()})),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && shared.save_path.is_none() => {
            problem(StatusCode::CONFLICT, "no_save_path", e.to_string())
        }
        Err(e) => problem(StatusCode::INTERNAL_SERVER_ERROR, "save_failed", e.to_string()),
    }
}

pub async fn get_faults(State(shared): Shr) -> Response {
    let body = faults_body(lock(&shared.faults).spec());
    json_response(StatusCode::OK, &body)
}

pub async fn put_faults(State(shared): Shr, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    // The spec as plain text, or as a JSON string or `{"faults": "…"}`.
    let spec_text = match serde_json::from_str::<Value>(&text) {
        Ok(Value::String(s)) => s,
        Ok(Value::Object(map)) => map.get("faults").and_then(Value::as_str).unwrap_or_default().to_string(),
        _ => text.into_owned(),
    };
    match spec_text.parse::<FaultSpec>() {
        Ok(spec) => {
            let body = faults_body(&spec);
            lock(&shared.faults).set(spec);
            json_response(StatusCode::OK, &body)
        }
        Err(e) => problem(StatusCode::BAD_REQUEST, "invalid_fault_spec", e.to_string()),
    }
}

pub async fn get_clock(State(shared): Shr) -> Response {
    json_response(StatusCode::OK, &clock_body(&shared))
}

pub async fn advance_clock(State(shared): Shr, body: Bytes) -> Response {
    let seconds = serde_json::from_slice::<Value>(&body).ok().and_then(|v| match v {
        Value::Number(n) => n.as_i64(),
        Value::Object(map) => map.get("seconds").and_then(Value::as_i64),
        _ => None,
    });
    match seconds {
        Some(s) if s >= 0 => {
            shared.clock.advance(s);
            json_response(StatusCode::OK, &clock_body(&shared))
        }
        _ => problem(
            StatusCode::BAD_REQUEST,
            "invalid_clock_advance",
            "send {\"seconds\": N} with N a whole number of seconds, 0 or more",
        ),
    }
}

pub async fn get_stats(State(shared): Shr) -> Response {
    let stats = lock(&shared.stats).snapshot();
    json_response(StatusCode::OK, &serde_json::to_value(&stats).unwrap_or(Value::Null))
}

pub async fn reset_stats(State(shared): Shr) -> Response {
    *lock(&shared.stats) = super::stats::StatsRecorder::default();
    json_response(StatusCode::OK, &json!({"reset": true}))
}
