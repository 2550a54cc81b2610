//! Reading a request the way the platforms do: the query string (unknown parameters are
//! errors), the JSON body (JSON only, 415 otherwise, `invalid_json` when malformed, 413 when
//! too large), the id in the path (an id that is not a positive 64-bit integer names
//! nothing: 404), and the absolute URLs of `Location` and `Link`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, MatchedPath, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::errors::{json_response, ApiError, FieldError};
use super::{Shared, SimPlatform};

/// One API request, read.
pub struct Call {
    pub shared: Arc<Shared>,
    pub path: String,
    pub route: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl FromRequest<Arc<Shared>> for Call {
    type Rejection = ApiError;

    async fn from_request(req: Request, shared: &Arc<Shared>) -> Result<Call, ApiError> {
        let (parts, body) = req.into_parts();
        let route = parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_default();
        let limit = shared.max_body_bytes;
        let body = axum::body::to_bytes(body, limit).await.map_err(|_| ApiError::too_large(limit))?;
        Ok(Call {
            shared: shared.clone(),
            path: parts.uri.path().to_string(),
            route,
            query: parts.uri.query().map(str::to_string),
            headers: parts.headers,
            body,
        })
    }
}

/// The query parameters of a request.
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// A positive integer parameter (`requester_id=…`); `Ok(None)` when absent.
    pub fn id(&self, key: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
        let text = self.get(key)?;
        match text.trim().parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(FieldError::not_positive(key));
                None
            }
        }
    }

    /// The `include=a,b` list, each checked against `allowed`.
    pub fn includes(&self, allowed: &[&str], errors: &mut Vec<FieldError>) -> Vec<String> {
        let Some(text) = self.get("include") else { return Vec::new() };
        let mut out: Vec<String> = Vec::new();
        for item in text.split(',').map(str::trim) {
            if allowed.contains(&item) {
                if !out.iter().any(|i| i == item) {
                    out.push(item.to_string());
                }
            } else {
                let choices: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
                errors.push(FieldError::not_one_of("include", &choices));
                break;
            }
        }
        out
    }
}

/// Parses a query string; every key not in `allowed` is an `invalid_field` error.
pub fn parse_params(query: Option<&str>, allowed: &[&str]) -> (Params, Vec<FieldError>) {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut errors = Vec::new();
    for (key, _) in &pairs {
        if !allowed.contains(&key.as_str()) && !errors.iter().any(|e: &FieldError| &e.field == key) {
            errors.push(FieldError::unexpected(key.clone()));
        }
    }
    (Params { pairs }, errors)
}

/// How many `include`s a query asks for (for the rate-limit cost), whatever their names.
pub fn include_count(query: Option<&str>) -> u64 {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .filter(|(k, _)| k == "include")
        .last()
        .map_or(0, |(_, v)| v.split(',').filter(|s| !s.trim().is_empty()).count() as u64)
}

impl Call {
    pub fn platform(&self) -> SimPlatform {
        self.shared.platform
    }

    pub fn params(&self, allowed: &[&str]) -> (Params, Vec<FieldError>) {
        parse_params(self.query.as_deref(), allowed)
    }

    /// The request body as a JSON object. No body at all reads as `{}`.
    pub fn object(&self) -> Result<Map<String, Value>, ApiError> {
        if self.body.is_empty() {
            return Ok(Map::new());
        }
        let content_type = self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let mime = content_type.split(';').next().unwrap_or("").trim();
        if !mime.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::unsupported_media_type());
        }
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(ApiError::invalid_json("the body must be a JSON object")),
            Err(e) => Err(ApiError::invalid_json(e)),
        }
    }

    /// The id in the path at the place of `{id}` in the route; 404 unless a positive i64.
    pub fn id(&self) -> Result<i64, ApiError> {
        let at = self.route.split('/').position(|s| s == "{id}").ok_or_else(ApiError::not_found)?;
        self.path
            .split('/')
            .nth(at)
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|id| *id > 0)
            .ok_or_else(ApiError::not_found)
    }

    /// `http://host:port`, from the `Host` header when it is a plain authority.
    pub fn origin(&self) -> String {
        let host =
            self.headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| {
                !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            });
        match host {
            Some(host) => format!("http://{host}"),
            None => format!("http://{}", self.shared.addr),
        }
    }

    /// The absolute URL of this request's path with the query replaced by `pairs`.
    pub fn url_with(&self, pairs: &[(String, String)]) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            serializer.append_pair(k, v);
        }
        format!("{}{}?{}", self.origin(), self.path, serializer.finish())
    }

    /// The platform's body: Freshdesk bare, Freshservice wrapped in `{key: …}`.
    pub fn wrap(&self, key: &str, value: Value) -> Value {
        match self.platform() {
            SimPlatform::Freshdesk => value,
            SimPlatform::Freshservice => {
                let mut map = Map::new();
                map.insert(key.to_string(), value);
                Value::Object(map)
            }
        }
    }
}

/// 200 with a JSON body.
pub fn ok(body: &Value) -> Response {
    json_response(StatusCode::OK, body)
}

/// 201 with the body and `Location`.
pub fn created(body: &Value, location: &str) -> Response {
    let mut response = json_response(StatusCode::CREATED, body);
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// 204 without a body.
pub fn no_content() -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

/// Fails with all `errors` collected, if any.
pub fn check(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}
