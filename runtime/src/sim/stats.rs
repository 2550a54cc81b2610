//! Request counts, for tests and for the daemon benchmark ("API calls per synced ticket",
//! "429 count"): per route (method and route template), per status, and the faults injected.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A snapshot of the counters (`GET /_sim/stats`, [`SimHandle::stats`](super::SimHandle::stats)).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SimStats {
    /// API requests received (the control API is not counted).
    pub requests: u64,
    /// Credits charged to the rate limit.
    pub credits: u64,
    /// Answers with 429.
    pub rate_limited: u64,
    /// Per status code; `reset` and `dropped` count connections closed without an answer.
    pub by_status: BTreeMap<String, u64>,
    /// Per route, e.g. `GET /api/v2/tickets/{id}`.
    pub by_route: BTreeMap<String, RouteStats>,
    pub faults: FaultCounts,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RouteStats {
    pub requests: u64,
    pub by_status: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultCounts {
    pub delayed: u64,
    pub errors: u64,
    pub resets: u64,
    pub dropped_after_commit: u64,
}

impl SimStats {
    /// Requests to one route (`"POST /api/v2/tickets"`), 0 when none.
    pub fn route(&self, route: &str) -> u64 {
        self.by_route.get(route).map_or(0, |r| r.requests)
    }

    pub fn status(&self, status: &str) -> u64 {
        self.by_status.get(status).copied().unwrap_or(0)
    }
}

#[derive(Default)]
pub struct StatsRecorder {
    stats: SimStats,
}

impl StatsRecorder {
    pub fn record(&mut self, route: &str, status: &str, credits: u64) {
        let stats = &mut self.stats;
        stats.requests += 1;
        stats.credits += credits;
        if status == "429" {
            stats.rate_limited += 1;
        }
        *stats.by_status.entry(status.to_string()).or_default() += 1;
        let entry = stats.by_route.entry(route.to_string()).or_default();
        entry.requests += 1;
        *entry.by_status.entry(status.to_string()).or_default() += 1;
    }

    pub fn faults(&mut self) -> &mut FaultCounts {
        &mut self.stats.faults
    }

    pub fn snapshot(&self) -> SimStats {
        self.stats.clone()
    }
}
