//! `replica sim`: local, faithful copies of the Freshdesk API v2 and the Freshservice API v2,
//! served for real over HTTP/1.1.
//!
//! The tests, the benchmarks and `replica demo` need a helpdesk account that behaves like a
//! real one — the same URLs, bodies, headers, validation errors, paging, rate limits and
//! failures — without a real account. This module is that account: one [`SimHandle`] serves
//! one instance of one platform from memory, preloaded from a [`SeedState`] and saved back in
//! the same format. `docs/simulator.md` is the user's guide; the reference it follows is
//! `shared/reference/freshdesk-freshservice-api.md` (parts A, B and E).
//!
//! What is served (both platforms unless marked; Freshservice wraps every body):
//!
//! | route | |
//! |---|---|
//! | `GET/POST /api/v2/tickets` | list (30-day window, `updated_since`, filters, order, paging, `Link`, includes), create |
//! | `GET/PUT/DELETE /api/v2/tickets/{id}`, `PUT …/restore` | view with `include=`, partial update, soft delete, restore |
//! | `GET …/{id}/conversations`, `POST …/notes`, `POST …/reply` | conversations |
//! | `PUT/DELETE /api/v2/conversations/{id}` | edit a note, delete a conversation |
//! | `GET /api/v2/search/tickets` (FD), `GET /api/v2/tickets/filter` (FS) | the filter-query search |
//! | `GET /api/v2/ticket_fields` (FD), `GET /api/v2/ticket_form_fields` (FS) | field metadata |
//! | `/api/v2/contacts` (FD), `/api/v2/requesters` (FS), `/agents`, `/groups` | users and groups |
//! | `/_sim/…` | the control API: state, save, faults, clock, stats (no auth, no limits, no faults) |
//!
//! Decisions where the reference leaves a choice (all listed in `docs/simulator.md`):
//!
//! - **Page 301.** The Freshdesk ticket list serves at most 300 pages: page 300 has no `Link`
//!   even when more tickets match, and `page=301` or more is a 400 (`invalid_value` on
//!   `page`). An empty page would look like the end of the data to a client that forgot the
//!   limit; an error cannot be mistaken for it. A client goes further the documented way:
//!   `updated_since` = the last `updated_at` seen, `order_by=updated_at&order_type=asc`.
//! - **Unknown query parameters** are a 400 `invalid_field` ("Unexpected/invalid field in
//!   request"), as reported for Freshservice's `created_since`; so is `order_by` on the
//!   Freshservice ticket list, which has no ordering but creation (`order_type` only).
//! - **Read-only attributes** in a request body (`id`, `created_at`, `description_text`, …)
//!   are `invalid_field` like unknown ones: the API never accepts them.
//! - **Rate limits** count every request to `/api/v2` (401s and 4xx included) in a fixed
//!   window of one minute of the simulated clock; per-endpoint sub-limits are not simulated.

mod clock;
mod control;
mod conversations;
mod errors;
mod facts;
mod faults;
mod fields;
mod gate;
mod http;
mod paging;
mod rate_limit;
mod routes;
mod search;
pub mod seed;
mod state;
mod stats;
mod tickets;
mod users;
mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use clock::{format_time, parse_time};
pub use faults::{FaultSpec, FaultSpecError};
pub use seed::{NextIds, SeedCustomField, SeedError, SeedGroup, SeedState, SeedStatus, SeedUser};
pub use stats::{FaultCounts, RouteStats, SimStats};

/// Which platform an instance simulates (the platforms are one type across Replica).
pub use crate::platform::PlatformKind as SimPlatform;

/// How to start an instance.
#[derive(Clone, Debug)]
pub struct SimConfig {
    pub platform: SimPlatform,
    /// The key clients send as the Basic-auth user name (any password).
    pub api_key: String,
    /// Credits per minute; `None` = unlimited (the headers still say 1,000,000).
    pub rate_limit_per_min: Option<u32>,
    pub faults: FaultSpec,
    pub seed: Option<SeedState>,
    /// Where `POST /_sim/save` (and the CLI's `--save-on-exit`) writes the state.
    pub save_path: Option<PathBuf>,
    /// Largest request body accepted, in bytes (larger: 413).
    pub max_body_bytes: usize,
}

impl SimConfig {
    pub fn new(platform: SimPlatform, api_key: impl Into<String>) -> SimConfig {
        SimConfig {
            platform,
            api_key: api_key.into(),
            rate_limit_per_min: None,
            faults: FaultSpec::default(),
            seed: None,
            save_path: None,
            max_body_bytes: 2 * 1024 * 1024,
        }
    }
}

/// Everything the handlers share. Locks are held only for in-memory work, never across an
/// await.
pub(crate) struct Shared {
    pub platform: SimPlatform,
    pub api_key: String,
    pub addr: SocketAddr,
    pub clock: clock::SimClock,
    pub store: Mutex<state::Store>,
    pub faults: Mutex<faults::FaultState>,
    pub limiter: Mutex<rate_limit::RateLimiter>,
    pub stats: Mutex<stats::StatsRecorder>,
    pub save_path: Option<PathBuf>,
    pub max_body_bytes: usize,
}

/// Locks a mutex; a panic elsewhere while it was held does not take the simulator down.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn store(&self) -> MutexGuard<'_, state::Store> {
        lock(&self.store)
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// A running instance.
pub struct SimHandle {
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// Binds `addr` (port 0 picks a free port) and serves until [`SimHandle::shutdown`] or
    /// until the handle is dropped. A seed that does not fit the platform is an
    /// `InvalidData` error.
    pub async fn start(config: SimConfig, addr: SocketAddr) -> std::io::Result<SimHandle> {
        let clock = clock::SimClock::default();
        let seed = config.seed.clone().unwrap_or_default();
        let store = state::Store::from_seed(config.platform, &seed, clock.now()).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("simulator seed: {e}"))
        })?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            platform: config.platform,
            api_key: config.api_key,
            addr,
            clock,
            store: Mutex::new(store),
            faults: Mutex::new(faults::FaultState::new(config.faults)),
            limiter: Mutex::new(rate_limit::RateLimiter::new(config.rate_limit_per_min)),
            stats: Mutex::new(stats::StatsRecorder::default()),
            save_path: config.save_path,
            max_body_bytes: config.max_body_bytes,
        });
        let (stop, stopped) = watch::channel(false);
        let router = routes::router(shared.clone());
        let task = tokio::spawn(routes::serve(listener, router, stopped));
        Ok(SimHandle { shared, stop, task: Some(task) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// `http://127.0.0.1:PORT`; the API is under `/api/v2/…`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    pub fn platform(&self) -> SimPlatform {
        self.shared.platform
    }

    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// Replaces the fault spec (and restarts its random sequence from the spec's seed).
    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).set(faults);
    }

    pub fn faults(&self) -> FaultSpec {
        lock(&self.shared.faults).spec().clone()
    }

    /// The whole state, in the seed format.
    pub fn state(&self) -> SeedState {
        self.shared.store().snapshot()
    }

    /// Replaces the whole state (what `PUT /_sim/state` does).
    pub fn load_state(&self, seed: &SeedState) -> Result<(), SeedError> {
        let store =
            state::Store::from_seed(self.shared.platform, seed, self.shared.now()).map_err(SeedError)?;
        *self.shared.store() = store;
        Ok(())
    }

    /// Writes the state to the configured `save_path`; returns the path written.
    pub fn save(&self) -> std::io::Result<PathBuf> {
        control::save(&self.shared)
    }

    /// Requests per route and status, 429s, injected faults, credits used.
    pub fn stats(&self) -> SimStats {
        lock(&self.shared.stats).snapshot()
    }

    /// Zeroes the counters (what `DELETE /_sim/stats` does), e.g. after a warm-up.
    pub fn reset_stats(&self) {
        *lock(&self.shared.stats) = Default::default();
    }

    /// Moves the simulated clock forward (whole seconds).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(i64::try_from(by.as_secs()).unwrap_or(i64::MAX));
    }

    /// Now on the simulated clock, as the API writes it.
    pub fn now(&self) -> String {
        format_time(self.shared.now())
    }

    /// Stops accepting, closes every connection and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
