//! One HTTP exchange with a platform, with everything around it: Basic auth with the API
//! key, the rate budget (wait before, learn from the headers after), retries of transient
//! failures with exponential backoff and jitter, waiting out 429s, and turning error
//! answers into [`ApiError`]s.
//!
//! Retrying is safe for reads and updates (sending the same `PUT` twice leaves the same
//! ticket). A create is retried only when the platform certainly did not act on it: the
//! connection could not be made, the answer was a 429, or the platform answered with an
//! error status. When the request went out and no answer came back, it may have been
//! stored, and the create fails with [`ApiError::OutcomeUnknown`] for the caller to
//! reconcile rather than risk a duplicate.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, DATE, LINK, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;

use super::error::{ApiError, FieldError};
use super::Client;

/// Whether a request may be sent twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// GET, PUT: the same request twice has the effect of one.
    Safe,
    /// POST: a second one creates a second ticket or note. Names what it creates.
    Once(&'static str),
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub body: serde_json::Value,
    /// The `Link: <…>; rel="next"` target, when the platform sent one.
    pub next: Option<String>,
    /// The server's clock when it answered (`Date`), for change-feed cursors.
    pub date: Option<chrono::DateTime<chrono::Utc>>,
}

/// How hard to try.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts for transient failures (5xx, timeouts, network errors), the first included.
    pub max_attempts: u32,
    /// The first backoff; it doubles on every retry, up to `max_delay`, with jitter.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits out by itself; a longer one is returned
    /// as [`ApiError::RateLimited`] so that the caller can do other work meanwhile.
    pub max_retry_after: Duration,
    /// How many 429s in a row one request waits out.
    pub max_rate_limited: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            max_rate_limited: 10,
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `retry` (1 for the first): exponential, with "equal
    /// jitter" (half fixed, half random) so that clients that failed together do not retry
    /// together, yet every retry waits at least half its step.
    pub fn backoff(&self, retry: u32) -> Duration {
        let step =
            self.base_delay.saturating_mul(1u32 << retry.saturating_sub(1).min(20)).min(self.max_delay);
        let half = step / 2;
        half + half.mul_f64(rand::random_range(0.0..=1.0))
    }
}

/// The error body of the platforms' 4xx answers.
#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    errors: Vec<FieldError>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

/// Why one attempt did not give an answer.
enum Setback {
    /// Worth trying again after a backoff.
    Transient(String),
    /// A 429: wait this long, then try again.
    RateLimited(Duration),
    /// Final: no retry helps.
    Final(ApiError),
}

impl Client {
    /// Sends one request (with retries) and returns the decoded JSON answer.
    pub(crate) async fn exchange(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        repeat: Repeat,
    ) -> Result<Answer, ApiError> {
        let platform = self.platform().display_name();
        let policy = &self.inner.config.retry;
        let (mut attempts, mut rate_limited) = (0u32, 0u32);
        loop {
            let wait = self.inner.budget.acquire(Instant::now());
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            // A 429 that came in while this call waited for its turn holds it back too.
            while let Some(paused) = self.inner.budget.paused_for(Instant::now()) {
                tokio::time::sleep(paused).await;
            }
            attempts += 1;
            self.inner.stats.record_request();
            let reason = match self.attempt(&method, &url, body, repeat).await {
                Ok(answer) => return Ok(answer),
                Err(Setback::Final(error)) => return Err(error),
                Err(Setback::RateLimited(retry_after)) => {
                    self.inner.budget.pause(Instant::now(), retry_after);
                    self.inner.stats.record_rate_limited();
                    rate_limited += 1;
                    attempts -= 1; // a 429 is the budget's doing, not a failure of the request
                    if retry_after > policy.max_retry_after || rate_limited > policy.max_rate_limited {
                        return Err(ApiError::RateLimited { platform, retry_after });
                    }
                    tracing::info!(platform, retry_after_s = retry_after.as_secs(), "rate limited; waiting");
                    continue;
                }
                Err(Setback::Transient(reason)) => reason,
            };
            if attempts >= policy.max_attempts {
                return Err(ApiError::Transient { platform, attempts, reason });
            }
            self.inner.stats.record_retry();
            let pause = policy.backoff(attempts);
            tracing::info!(platform, %method, path = url.path(), attempts, pause_ms = pause.as_millis() as u64, %reason, "retrying");
            tokio::time::sleep(pause).await;
        }
    }

    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&serde_json::Value>,
        repeat: Repeat,
    ) -> Result<Answer, Setback> {
        let platform = self.platform().display_name();
        // For a create, a failure after the request went out leaves its fate unknown.
        let lost = |reason: String| match repeat {
            Repeat::Once(what) => {
                Setback::Final(ApiError::OutcomeUnknown { platform, what: what.into(), reason })
            }
            Repeat::Safe => Setback::Transient(reason),
        };
        let config = &self.inner.config;
        let mut request = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .basic_auth(config.api_key.expose(), Some("X"))
            .header(ACCEPT, "application/json")
            .timeout(config.timeout);
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body.to_string());
        }
        let response = match request.send().await {
            Ok(response) => response,
            // Nothing reached the platform: always safe to try again.
            Err(error) if error.is_connect() => return Err(Setback::Transient(describe(&error))),
            Err(error) => return Err(lost(describe(&error))),
        };
        let status = response.status();
        let headers = response.headers().clone();
        self.observe_budget(&headers);
        tracing::debug!(platform, %method, path = url.path(), status = status.as_u16(), "api call");
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(Setback::RateLimited(retry_after(&headers)));
        }
        let bytes = response.bytes().await.map_err(|error| lost(describe(&error)))?;
        if status == StatusCode::GATEWAY_TIMEOUT {
            // A proxy gave up waiting; the platform may still have acted.
            return Err(lost(format!("HTTP {status}")));
        }
        if status.is_server_error() {
            return Err(Setback::Transient(format!("HTTP {status}")));
        }
        if !status.is_success() {
            return Err(Setback::Final(self.client_error(status, &bytes, url)));
        }
        let body = if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes).map_err(|e| {
                Setback::Final(ApiError::InvalidResponse {
                    platform,
                    reason: format!("the answer to {method} {} is not JSON: {e}", url.path()),
                })
            })?
        };
        Ok(Answer {
            body,
            next: next_link(&headers),
            date: header_text(&headers, DATE)
                .and_then(|d| chrono::DateTime::parse_from_rfc2822(&d).ok())
                .map(|d| d.with_timezone(&chrono::Utc)),
        })
    }

    fn observe_budget(&self, headers: &HeaderMap) {
        let number = |name: &str| header_text(headers, name).and_then(|v| v.trim().parse::<u32>().ok());
        let (total, remaining) = (number("x-ratelimit-total"), number("x-ratelimit-remaining"));
        self.inner.budget.observe(Instant::now(), total, remaining);
        if let Some(used) = number("x-ratelimit-used-currentrequest") {
            self.inner.stats.record_credits(used);
        }
    }

    /// A 4xx answer as an error: the platform's error body where it sent one.
    fn client_error(&self, status: StatusCode, bytes: &[u8], url: &Url) -> ApiError {
        let platform = self.platform().display_name();
        let body: ErrorBody = serde_json::from_slice(bytes).unwrap_or_default();
        let message = body
            .message
            .clone()
            .or_else(|| body.description.clone())
            .or_else(|| body.code.clone())
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
        match status {
            StatusCode::BAD_REQUEST => ApiError::Validation {
                platform,
                description: body.description.unwrap_or(message),
                errors: body.errors,
            },
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                ApiError::Auth { platform, status: status.as_u16(), message }
            }
            StatusCode::NOT_FOUND => ApiError::NotFound { platform, what: describe_path(url.path()) },
            _ => ApiError::Rejected { platform, status: status.as_u16(), message },
        }
    }
}

fn header_text(headers: &HeaderMap, name: impl reqwest::header::AsHeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// `Retry-After` in seconds (the platforms send seconds); a missing or unreadable one is
/// taken as a minute, the length of the platforms' rate windows, and one longer than
/// [`LONGEST_RETRY_AFTER`] as that: a wrong header must not silence a node for years.
fn retry_after(headers: &HeaderMap) -> Duration {
    header_text(headers, RETRY_AFTER)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(Duration::from_secs(60), Duration::from_secs)
        .min(LONGEST_RETRY_AFTER)
}

/// The longest pause a 429 can impose (Freshservice documents waits of 25 minutes).
pub const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(3_600);

/// The `rel="next"` target of a `Link` header. Accepts the standard form
/// `<url>; rel="next"` and the documentation's `< url>;rel="next"`.
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    headers.get_all(LINK).iter().filter_map(|v| v.to_str().ok()).find_map(|value| {
        value.split(',').find_map(|part| {
            let (target, params) = part.split_once('>')?;
            let target = target.trim().strip_prefix('<')?.trim();
            let next = params.split(';').any(|param| {
                let param = param.trim().to_ascii_lowercase();
                param
                    .strip_prefix("rel=")
                    .is_some_and(|rel| rel.trim_matches('"').split_whitespace().any(|r| r == "next"))
            });
            (next && !target.is_empty()).then(|| target.to_string())
        })
    })
}

/// "ticket 42", "conversation 7", or the path.
fn describe_path(path: &str) -> String {
    let parts: Vec<&str> = path.trim_start_matches("/api/v2/").split('/').collect();
    match parts.as_slice() {
        ["tickets", id] => format!("ticket {id}"),
        ["tickets", id, "conversations" | "notes" | "reply"] => format!("ticket {id}"),
        ["conversations", id] => format!("conversation {id}"),
        ["contacts" | "requesters", id] => format!("user {id}"),
        ["agents", id] => format!("agent {id}"),
        _ => format!("resource at {path}"),
    }
}

/// A reqwest error in words, without the URL's query (the key is never in a URL, but a
/// message need not carry the whole address either).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else if error.is_request() {
        "the connection failed"
    } else {
        "HTTP error"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn link(value: &str) -> Option<String> {
        let mut headers = HeaderMap::new();
        headers.insert(LINK, HeaderValue::from_str(value).unwrap());
        next_link(&headers)
    }

    #[test]
    fn next_links_in_both_documented_forms() {
        assert_eq!(
            link(r#"<https://x.freshdesk.com/api/v2/tickets?per_page=1&page=2>; rel="next""#).as_deref(),
            Some("https://x.freshdesk.com/api/v2/tickets?per_page=1&page=2")
        );
        assert_eq!(
            link(r#"< https://domain.freshdesk.com/api/v2/tickets?filter=all_tickets&page=2>;rel="next""#)
                .as_deref(),
            Some("https://domain.freshdesk.com/api/v2/tickets?filter=all_tickets&page=2")
        );
        assert_eq!(
            link(r#"<https://a/p?page=1>; rel="prev", <https://a/p?page=3>; rel=next"#).as_deref(),
            Some("https://a/p?page=3")
        );
        assert_eq!(link(r#"<https://a/p?page=1>; rel="prev""#), None);
        assert_eq!(link("garbage"), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            ..RetryPolicy::default()
        };
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400), "{third:?}");
            let late = policy.backoff(40);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_millis(1000), "{late:?}");
        }
    }

    #[test]
    fn paths_are_named_for_humans() {
        assert_eq!(describe_path("/api/v2/tickets/42"), "ticket 42");
        assert_eq!(describe_path("/api/v2/conversations/7"), "conversation 7");
        assert_eq!(describe_path("/api/v2/other"), "resource at /api/v2/other");
    }
}
