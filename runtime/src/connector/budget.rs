//! The rate budget of one account, kept from the `X-RateLimit-*` headers.
//!
//! Freshdesk and Freshservice allow a number of calls per minute per account (all clients of
//! the account share it) and report, on every response, the minute's total and what is left.
//! The client keeps a token bucket: it holds at most the minute's total, refills at
//! total ÷ 60 per second, and is set to the server's `Remaining` whenever a response
//! reports it (the server is the authority; other clients spend the same budget). A call
//! takes a token; below a reserve of a tenth of the total, calls are spread one per
//! refill interval instead of bursting the rest of the minute away; with no token left a
//! call waits for the next one. A 429 pauses every call until its `Retry-After` has passed.
//! Before the first response reports a total, calls are not held back.

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct RateBudget {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Calls per minute (`X-RateLimit-Total`), once a response said.
    total: Option<u32>,
    /// Calls that may still be made; negative while callers queue for refills.
    tokens: f64,
    refilled_at: Option<Instant>,
    /// The last `X-RateLimit-Remaining` the server reported.
    reported_remaining: Option<u32>,
    /// After a 429: no call before this.
    paused_until: Option<Instant>,
}

/// What the budget looks like now (for status pages and metrics).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BudgetSnapshot {
    pub total: Option<u32>,
    pub remaining: Option<u32>,
    /// How long calls are paused by a 429, if they are.
    pub paused_for: Option<Duration>,
}

impl State {
    fn paused_for(&self, now: Instant) -> Option<Duration> {
        self.paused_until.map(|until| until.saturating_duration_since(now)).filter(|d| !d.is_zero())
    }

    fn refill(&mut self, now: Instant) {
        let (Some(total), Some(at)) = (self.total, self.refilled_at) else {
            self.refilled_at = Some(now);
            return;
        };
        let elapsed = now.saturating_duration_since(at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * f64::from(total) / 60.0).min(f64::from(total));
        self.refilled_at = Some(now);
    }
}

impl RateBudget {
    pub fn new() -> RateBudget {
        RateBudget::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the numbers inconsistent; go on.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes a token for one call and says how long to wait before making it.
    pub fn acquire(&self, now: Instant) -> Duration {
        let mut state = self.state();
        let paused = state.paused_until.map_or(Duration::ZERO, |until| until.saturating_duration_since(now));
        let Some(total) = state.total.filter(|&t| t > 0) else { return paused };
        state.refill(now);
        let interval = 60.0 / f64::from(total);
        let reserve = (f64::from(total) / 10.0).max(1.0);
        let wait = if state.tokens >= reserve + 1.0 {
            0.0
        } else if state.tokens >= 1.0 {
            interval
        } else {
            (1.0 - state.tokens) * interval
        };
        state.tokens -= 1.0;
        paused.max(Duration::from_secs_f64(wait))
    }

    /// Takes in what a response reported.
    pub fn observe(&self, now: Instant, total: Option<u32>, remaining: Option<u32>) {
        let mut state = self.state();
        state.refill(now);
        if let Some(total) = total {
            if state.total.is_none() {
                state.tokens = f64::from(total);
            }
            state.total = Some(total);
        }
        if let Some(remaining) = remaining {
            state.reported_remaining = Some(remaining);
            // Calls already queued for refills stay queued.
            state.tokens = if state.tokens < 0.0 { state.tokens } else { f64::from(remaining) };
        }
    }

    /// A 429: nobody calls for `retry_after`.
    pub fn pause(&self, now: Instant, retry_after: Duration) {
        let mut state = self.state();
        let until = now.checked_add(retry_after).unwrap_or(now + super::http::LONGEST_RETRY_AFTER);
        state.paused_until = Some(state.paused_until.map_or(until, |at| at.max(until)));
        state.tokens = state.tokens.min(0.0);
    }

    /// How long a 429 still holds calls back. A call that took its token before the 429
    /// arrived asks again before it goes out, so that it does not run into the same wall.
    pub fn paused_for(&self, now: Instant) -> Option<Duration> {
        self.state().paused_for(now)
    }

    pub fn snapshot(&self, now: Instant) -> BudgetSnapshot {
        let state = self.state();
        BudgetSnapshot {
            total: state.total,
            remaining: state.reported_remaining,
            paused_for: state.paused_for(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_budgets_do_not_hold_calls_back() {
        let budget = RateBudget::new();
        let now = Instant::now();
        for _ in 0..1000 {
            assert_eq!(budget.acquire(now), Duration::ZERO);
        }
    }

    #[test]
    fn plenty_left_means_no_wait_and_the_reserve_is_spread() {
        let budget = RateBudget::new();
        let now = Instant::now();
        budget.observe(now, Some(600), Some(500));
        // 600 a minute: one token per 100 ms; the reserve is 60 tokens.
        for _ in 0..440 {
            assert_eq!(budget.acquire(now), Duration::ZERO);
        }
        // From here on calls are spread one interval apart.
        assert_eq!(budget.acquire(now), Duration::from_millis(100));
    }

    #[test]
    fn an_empty_budget_queues_calls_one_refill_apart() {
        let budget = RateBudget::new();
        let now = Instant::now();
        budget.observe(now, Some(60), Some(0));
        assert_eq!(budget.acquire(now), Duration::from_secs(1));
        assert_eq!(budget.acquire(now), Duration::from_secs(2));
        // Time passing refills the bucket: a second later the queue is one shorter.
        let later = now + Duration::from_secs(1);
        assert_eq!(budget.acquire(later), Duration::from_secs(2));
    }

    #[test]
    fn the_server_is_the_authority_on_what_is_left() {
        let budget = RateBudget::new();
        let now = Instant::now();
        budget.observe(now, Some(100), Some(100));
        budget.observe(now, Some(100), Some(3));
        let snapshot = budget.snapshot(now);
        assert_eq!((snapshot.total, snapshot.remaining), (Some(100), Some(3)));
        // 3 tokens, below the reserve of 10: spread (600 ms apart at 100 a minute).
        assert_eq!(budget.acquire(now), Duration::from_millis(600));
    }

    #[test]
    fn a_429_pauses_every_call_until_retry_after() {
        let budget = RateBudget::new();
        let now = Instant::now();
        budget.pause(now, Duration::from_secs(30));
        assert_eq!(budget.acquire(now), Duration::from_secs(30));
        assert_eq!(budget.acquire(now + Duration::from_secs(10)), Duration::from_secs(20));
        assert_eq!(budget.snapshot(now + Duration::from_secs(29)).paused_for, Some(Duration::from_secs(1)));
        assert_eq!(budget.paused_for(now + Duration::from_secs(29)), Some(Duration::from_secs(1)));
        assert_eq!(budget.paused_for(now + Duration::from_secs(30)), None);
        assert_eq!(budget.acquire(now + Duration::from_secs(31)), Duration::ZERO);
    }
}
