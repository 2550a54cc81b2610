//! What can go wrong talking to a platform, typed so that the daemon can decide what to do:
//! park the item (validation), stop the connection (auth), wait (rate limited), retry later
//! (transient), or reconcile (a create whose answer was lost).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One entry of the platform's validation error body
/// (`{"description": "Validation failed", "errors": [{"field", "message", "code"}]}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 400: the platform refused the request body or query, field by field.
    #[error("{} refused the request: {description}{}", .platform, fields(.errors))]
    Validation { platform: &'static str, description: String, errors: Vec<FieldError> },

    /// 401 or 403: the API key is wrong, or its agent may not do this.
    #[error("{platform} refused the API key ({status}): {message}")]
    Auth { platform: &'static str, status: u16, message: String },

    /// 404: no such ticket, conversation or user (or a wrong URL).
    #[error("{platform} has no {what}")]
    NotFound { platform: &'static str, what: String },

    /// 429 that outlasted the client's patience (`Retry-After` longer than it waits).
    #[error("{platform} rate limit reached; retry after {} s", .retry_after.as_secs())]
    RateLimited { platform: &'static str, retry_after: Duration },

    /// 5xx, a timeout or a network error, still failing after the retries.
    #[error("{platform} is unavailable after {attempts} attempts: {reason}")]
    Transient { platform: &'static str, attempts: u32, reason: String },

    /// A create (ticket or note) was sent but no answer came back: it may or may not exist.
    /// Not retried blindly, because that could create it twice; the caller reconciles.
    #[error("{platform} did not answer a {what}; it may or may not have been created: {reason}")]
    OutcomeUnknown { platform: &'static str, what: String, reason: String },

    /// Another 4xx (405 on a deleted ticket, 409 conflict, 415, …).
    #[error("{platform} refused the request ({status}): {message}")]
    Rejected { platform: &'static str, status: u16, message: String },

    /// The answer was not what the API documents.
    #[error("{platform} sent an answer Replica does not understand: {reason}")]
    InvalidResponse { platform: &'static str, reason: String },

    /// The client is configured wrongly (a base URL that is not a URL, …).
    #[error("{0}")]
    Config(String),
}

fn fields(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| match &e.field {
            Some(field) => format!("; `{field}`: {} ({})", e.message, e.code),
            None => format!("; {} ({})", e.message, e.code),
        })
        .collect()
}

impl ApiError {
    /// Whether trying the same request later may succeed without anything changing (the
    /// daemon retries these with backoff; the others need a fix or a reconciliation).
    pub fn is_temporary(&self) -> bool {
        matches!(self, ApiError::RateLimited { .. } | ApiError::Transient { .. })
    }

    /// The field errors of a validation failure (empty otherwise).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Validation { errors, .. } => errors,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_name_each_field() {
        let error = ApiError::Validation {
            platform: "Freshdesk",
            description: "Validation failed".into(),
            errors: vec![
                FieldError {
                    field: Some("priorty".into()),
                    message: "Unexpected/invalid field in request".into(),
                    code: "invalid_field".into(),
                },
                FieldError {
                    field: Some("status".into()),
                    message: "It should be one of these values: '2,3,4,5'".into(),
                    code: "invalid_value".into(),
                },
            ],
        };
        assert_eq!(
            error.to_string(),
            "Freshdesk refused the request: Validation failed; `priorty`: Unexpected/invalid field in \
request (invalid_field); `status`: It should be one of these values: '2,3,4,5' (invalid_value)"
        );
        assert!(!error.is_temporary());
        assert_eq!(error.field_errors().len(), 2);
    }
}
