//! `page` and `per_page`, and the `Link: <url>; rel="next"` header.
//!
//! Pages start at 1; `per_page` defaults to 30 and may not exceed 100 ("invalid values and
//! values greater than 100 will result in an error"). `Link` is sent only when a next page
//! exists; its URL is the request's own, absolute, with `page` moved on.

use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;

use super::errors::{FieldError, INVALID_VALUE};
use super::http::{Call, Params};

pub const DEFAULT_PER_PAGE: usize = 30;
pub const MAX_PER_PAGE: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub page: usize,
    pub per_page: usize,
}

impl Page {
    /// The items of this page, and whether more follow.
    pub fn slice<T>(&self, items: Vec<T>) -> (Vec<T>, bool) {
        let start = self.page.saturating_sub(1).saturating_mul(self.per_page);
        let more = items.len() > start.saturating_add(self.per_page);
        (items.into_iter().skip(start).take(self.per_page).collect(), more)
    }
}

fn positive(params: &Params, key: &str, max: Option<usize>, errors: &mut Vec<FieldError>) -> Option<usize> {
    let text = params.get(key)?;
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 && max.is_none_or(|m| n <= m) => Some(n),
        _ => {
            let message = match max {
                Some(max) => format!("It should be a/an Positive Integer less than or equal to {max}"),
                None => "It should be a/an Positive Integer".to_string(),
            };
            errors.push(FieldError::new(key, INVALID_VALUE, message));
            None
        }
    }
}

/// Reads `page` (at most `max_page` when given) and `per_page` (when `per_page_allowed`).
pub fn page(params: &Params, max_page: Option<usize>, errors: &mut Vec<FieldError>) -> Page {
    let page = positive(params, "page", max_page, errors).unwrap_or(1);
    let per_page = positive(params, "per_page", Some(MAX_PER_PAGE), errors).unwrap_or(DEFAULT_PER_PAGE);
    Page { page, per_page }
}

/// Adds `Link` to the next page when there is one.
pub fn link_next(response: &mut Response, call: &Call, params: &Params, page: Page) {
    let mut pairs: Vec<(String, String)> =
        params.pairs().iter().filter(|(k, _)| k != "page").cloned().collect();
    pairs.push(("page".into(), (page.page + 1).to_string()));
    let link = format!("<{}>; rel=\"next\"", call.url_with(&pairs));
    if let Ok(value) = HeaderValue::from_str(&link) {
        response.headers_mut().insert(HeaderName::from_static("link"), value);
    }
}

/// A page of a list as the platform answers it (wrapped under `key` on Freshservice), with
/// `Link` when `more` follow.
pub fn respond(
    call: &Call,
    params: &Params,
    page: Page,
    key: &str,
    items: Vec<serde_json::Value>,
    more: bool,
) -> Response {
    let mut response = super::http::ok(&call.wrap(key, serde_json::Value::Array(items)));
    if more {
        link_next(&mut response, call, params, page);
    }
    response
}
