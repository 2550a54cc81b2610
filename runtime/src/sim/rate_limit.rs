//! The per-minute credit budget and the `X-RateLimit-*` headers.
//!
//! Both platforms count credits per account per minute: a call costs 1, plus 1 per `include`
//! on a single-object GET, plus 2 per `include` on a list. Every response, errors included,
//! says the budget (`X-RateLimit-Total`), what is left (`X-RateLimit-Remaining`) and what this
//! call cost (`X-RateLimit-Used-CurrentRequest`). A call that costs more than is left gets
//! 429 with `Retry-After` (seconds to the next window) and is not charged.
//!
//! The window is a fixed minute of the simulated clock (it starts at second 0), so advancing
//! the clock by a minute gives a fresh budget. Without a limit the headers say 1,000,000.

/// What the headers report when no limit is set.
pub const UNLIMITED_TOTAL: u64 = 1_000_000;

pub struct RateLimiter {
    per_min: Option<u32>,
    window: i64,
    used: u64,
}

/// The headers of one answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub total: u64,
    pub remaining: u64,
    pub cost: u64,
}

impl RateLimiter {
    pub fn new(per_min: Option<u32>) -> RateLimiter {
        RateLimiter { per_min, window: i64::MIN, used: 0 }
    }

    fn total(&self) -> u64 {
        self.per_min.map_or(UNLIMITED_TOTAL, u64::from)
    }

    /// Charges `cost` at `now` (Unix seconds). `Err(retry_after_secs, usage)` when over budget.
    pub fn charge(&mut self, now: i64, cost: u64) -> Result<Usage, (u64, Usage)> {
        let window = now - now.rem_euclid(60);
        if window != self.window {
            self.window = window;
            self.used = 0;
        }
        let total = self.total();
        let left = total.saturating_sub(self.used);
        if cost > left && self.per_min.is_some() {
            let retry = u64::try_from(window + 60 - now).unwrap_or(1).max(1);
            return Err((retry, Usage { total, remaining: left, cost }));
        }
        self.used = self.used.saturating_add(cost);
        Ok(Usage { total, remaining: total.saturating_sub(self.used), cost })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_runs_out_and_comes_back_next_minute() {
        let mut limiter = RateLimiter::new(Some(3));
        let t = 6_000_000; // a whole minute
        assert_eq!(limiter.charge(t, 1).unwrap().remaining, 2);
        assert_eq!(limiter.charge(t + 1, 2).unwrap().remaining, 0);
        let (retry, usage) = limiter.charge(t + 20, 1).unwrap_err();
        assert_eq!((retry, usage.remaining), (40, 0));
        assert_eq!(limiter.charge(t + 60, 1).unwrap().remaining, 2);
        let mut unlimited = RateLimiter::new(None);
        assert_eq!(unlimited.charge(t, 3).unwrap().remaining, UNLIMITED_TOTAL - 3);
    }
}
