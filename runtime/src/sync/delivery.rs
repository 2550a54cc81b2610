//! Delivery: the outbox of each connection goes to its peer, oldest first. What the peer did
//! not take stays queued; a peer that fails is tried again after a backoff (doubling, with
//! jitter, up to a minute), while the other connections go on.

use std::time::Duration;

use tokio::time::Instant;

use super::node::{Node, BATCH};

/// When a failing peer may be tried again.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    failures: u32,
    until: Instant,
}

const FIRST_PAUSE: Duration = Duration::from_millis(500);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);

impl Backoff {
    fn after(failures: u32, now: Instant) -> Backoff {
        let step = FIRST_PAUSE.saturating_mul(1 << failures.saturating_sub(1).min(10)).min(LONGEST_PAUSE);
        let pause = step / 2 + (step / 2).mul_f64(rand::random_range(0.0..=1.0));
        Backoff { failures, until: now + pause }
    }
}

impl Node {
    /// Hands each connection's outbox to its peer.
    pub async fn deliver(&self) {
        for link in self.links() {
            let now = Instant::now();
            let waiting = self.backoff.borrow().get(&link.name).copied();
            if waiting.is_some_and(|b| b.until > now) {
                continue;
            }
            loop {
                let batch = match self.store.outbox(&link.name, BATCH) {
                    Ok(batch) if batch.is_empty() => break,
                    Ok(batch) => batch,
                    Err(e) => {
                        tracing::error!(node = %self.name, error = %e, "cannot read the outbox");
                        return;
                    }
                };
                match link.peer.deliver(&batch).await {
                    Ok(()) => {
                        self.backoff.borrow_mut().remove(&link.name);
                        let seqs: Vec<i64> = batch.iter().map(|e| e.seq).collect();
                        if let Err(e) = self.store.delivered(&link.name, &seqs) {
                            tracing::error!(node = %self.name, error = %e, "cannot mark envelopes delivered");
                            return;
                        }
                    }
                    Err(e) => {
                        let failures = waiting.map_or(1, |b| b.failures + 1);
                        let backoff = Backoff::after(failures, Instant::now());
                        tracing::warn!(node = %self.name, connection = %link.name, error = %e, failures,
                            retry_in_ms = backoff.until.saturating_duration_since(Instant::now()).as_millis() as u64,
                            "delivery failed; the envelopes stay queued");
                        self.backoff.borrow_mut().insert(link.name.clone(), backoff);
                        break;
                    }
                }
            }
        }
    }

    /// When the next delivery retry is due, if one waits.
    pub(super) fn next_delivery_retry(&self) -> Option<Instant> {
        self.backoff.borrow().values().map(|b| b.until).min()
    }
}
