//! Error answers in the platforms' shapes.
//!
//! Validation errors are collected into one body, as both platforms do:
//! `{"description":"Validation failed","errors":[{"field","message","code"}…]}` with 400.
//! Other errors carry `{"code","message"}` (the shape of the documented 401 body).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

pub const MISSING_FIELD: &str = "missing_field";
pub const INVALID_VALUE: &str = "invalid_value";
pub const INVALID_FIELD: &str = "invalid_field";
pub const DATATYPE_MISMATCH: &str = "datatype_mismatch";
pub const DUPLICATE_VALUE: &str = "duplicate_value";
pub const INVALID_JSON: &str = "invalid_json";

pub const MANDATORY_MESSAGE: &str = "Mandatory attribute missing";
pub const UNEXPECTED_FIELD_MESSAGE: &str = "Unexpected/invalid field in request";

/// One entry of a validation body.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), message: message.into(), code }
    }

    pub fn missing(field: impl Into<String>) -> FieldError {
        FieldError::new(field, MISSING_FIELD, MANDATORY_MESSAGE)
    }

    pub fn unexpected(field: impl Into<String>) -> FieldError {
        FieldError::new(field, INVALID_FIELD, UNEXPECTED_FIELD_MESSAGE)
    }

    /// `It should be one of these values: '2,3,4,5'`.
    pub fn not_one_of(field: impl Into<String>, choices: &[String]) -> FieldError {
        FieldError::new(
            field,
            INVALID_VALUE,
            format!("It should be one of these values: '{}'", choices.join(",")),
        )
    }

    /// An address that is not an email address.
    pub fn bad_email(field: impl Into<String>) -> FieldError {
        FieldError::new(field, INVALID_VALUE, "It should be in the 'valid email address' format")
    }

    /// A list with an element that is not an email address.
    pub fn bad_email_list(field: impl Into<String>) -> FieldError {
        FieldError::new(
            field,
            INVALID_VALUE,
            "It should contain elements that are in the 'valid email address' format",
        )
    }

    /// A string that is not a date or time in a documented form.
    pub fn bad_time(field: impl Into<String>) -> FieldError {
        FieldError::new(field, INVALID_VALUE, "It should be in the 'valid date time' format")
    }

    /// Not a positive whole number (ids, pages).
    pub fn not_positive(field: impl Into<String>) -> FieldError {
        FieldError::new(field, INVALID_VALUE, "It should be a/an Positive Integer")
    }

    /// `It should be a/an Integer`.
    pub fn mismatch(field: impl Into<String>, what: &str) -> FieldError {
        FieldError::new(field, DATATYPE_MISMATCH, format!("It should be a/an {what}"))
    }
}

/// An answer other than success.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<u64>,
    pub allow: Option<String>,
}

impl ApiError {
    fn coded(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({"code": code, "message": message.into()}),
            retry_after: None,
            allow: None,
        }
    }

    /// 400 with every error found.
    pub fn validation(errors: Vec<FieldError>) -> ApiError {
        let errors: Vec<Value> = errors
            .into_iter()
            .map(|e| {
                if e.field.is_empty() {
                    json!({"message": e.message, "code": e.code})
                } else {
                    json!({"field": e.field, "message": e.message, "code": e.code})
                }
            })
            .collect();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: json!({"description": "Validation failed", "errors": errors}),
            retry_after: None,
            allow: None,
        }
    }

    /// 400: the body is not JSON.
    pub fn invalid_json(detail: impl std::fmt::Display) -> ApiError {
        ApiError::validation(vec![FieldError::new(
            "",
            INVALID_JSON,
            format!("Request body has invalid json format ({detail})"),
        )])
    }

    pub fn unauthorized() -> ApiError {
        ApiError::coded(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "You have to be logged in to perform this action.",
        )
    }

    pub fn not_found() -> ApiError {
        ApiError::coded(StatusCode::NOT_FOUND, "not_found", "The requested resource could not be found.")
    }

    pub fn method_not_allowed(message: impl Into<String>) -> ApiError {
        ApiError::coded(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message)
    }

    pub fn unsupported_media_type() -> ApiError {
        ApiError::coded(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_content_type",
            "Content-Type header should have application/json",
        )
    }

    pub fn not_acceptable() -> ApiError {
        ApiError::coded(
            StatusCode::NOT_ACCEPTABLE,
            "invalid_accept_header",
            "Only application/json and */* are supported in the Accept header",
        )
    }

    pub fn too_large(limit: usize) -> ApiError {
        ApiError::coded(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
            format!("The request body is larger than {limit} bytes"),
        )
    }

    pub fn conflict(errors: Vec<FieldError>) -> ApiError {
        ApiError { status: StatusCode::CONFLICT, ..ApiError::validation(errors) }
    }

    pub fn rate_limited(retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::coded(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_exceeded",
                format!(
                    "You have exceeded the limit of requests per minute; retry after {retry_after} seconds"
                ),
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = json_response(self.status, &self.body);
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(allow) = self.allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    }
}

/// A JSON answer, `application/json; charset=utf-8` as the platforms send it.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let text = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (status, text).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    response
}

/// What the handlers return.
pub type ApiResult = Result<Response, ApiError>;
