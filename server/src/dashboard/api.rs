//! The dashboard's client of the API: each request goes to the server's own `/v1` routes, in
//! process (`tower::ServiceExt::oneshot`), with the session's key as its bearer token, so
//! authentication, isolation between keys, validation and paging are the API's alone.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use tower::ServiceExt as _;

/// Items per page when a whole list is read (the most the API gives at a time).
const PAGE: &str = "100";
/// The largest API answer the dashboard reads (a page of 100 deliveries with their attempts fits
/// many times over).
const MAX_ANSWER: usize = 16 * 1024 * 1024;

/// The `/v1` routes, behind their authentication.
pub(super) struct Api(Router);

/// An answer of the API that is not a success: its status and its error's message (API messages
/// never include a secret or a key).
pub(super) struct Failure {
    pub(super) status: StatusCode,
    pub(super) message: String,
}

impl Failure {
    fn new(status: StatusCode, message: impl Into<String>) -> Failure {
        Failure { status, message: message.into() }
    }
}

impl Api {
    /// A client of `v1`: the `/v1` routes that `routes::router` serves, behind their auth, with their state.
    pub(super) fn new(v1: Router) -> Api {
        Api(v1)
    }

    /// `GET path` as the holder of `key`.
    pub(super) async fn get(&self, key: &str, path: &str) -> Result<Value, Failure> {
        self.call(key, Method::GET, path, None).await
    }

    /// `POST path` with the JSON `body` as the holder of `key`.
    pub(super) async fn post(&self, key: &str, path: &str, body: &Value) -> Result<Value, Failure> {
        self.call(key, Method::POST, path, Some(body)).await
    }

    /// Every item of the list at `segments` (the array `field` of each page), page after page.
    pub(super) async fn all(&self, key: &str, segments: &[&str], field: &str) -> Result<Vec<Value>, Failure> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("limit", PAGE)];
            if let Some(cursor) = &cursor {
                query.push(("cursor", cursor));
            }
            let mut page = self.get(key, &path(segments, &query)).await?;
            if let Some(list) = page[field].as_array_mut() {
                items.append(list);
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return Ok(items),
            }
        }
    }

    async fn call(&self, key: &str, method: Method, path: &str, body: Option<&Value>) -> Result<Value, Failure> {
        let mut request =
            Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {key}"));
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        // A key that cannot be a header value is no key the API knows.
        let request =
            request.body(body).map_err(|_| Failure::new(StatusCode::UNAUTHORIZED, "the API key is not valid"))?;
        let response = match self.0.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), MAX_ANSWER)
            .await
            .map_err(|e| Failure::new(StatusCode::BAD_GATEWAY, format!("the API's answer could not be read: {e}")))?;
        let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(json);
        }
        let message = json
            .pointer("/error/message")
            .and_then(Value::as_str)
            .map_or_else(|| format!("the API answered {status}"), str::to_owned);
        Err(Failure::new(status, message))
    }
}

/// What [`path`] leaves as it is: letters, digits, `-` and `_` (ids are made of those). Every
/// other byte is percent-encoded, `.` and `/` included: an id from a URL cannot step out of its
/// segment (`..` goes as `%2E%2E`, which a router does not resolve).
const KEPT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

/// The path (and query) of `segments`, each percent-encoded as one segment, with `query`.
pub(super) fn path(segments: &[&str], query: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        out.extend(utf8_percent_encode(segment, KEPT));
    }
    for (i, (name, value)) in query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.extend(utf8_percent_encode(name, KEPT));
        out.push('=');
        out.extend(utf8_percent_encode(value, KEPT));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::path;

    #[test]
    fn ids_stay_inside_their_segment() {
        assert_eq!(path(&["v1", "events"], &[]), "/v1/events");
        assert_eq!(path(&["v1", "events", "../webhooks"], &[]), "/v1/events/%2E%2E%2Fwebhooks");
        assert_eq!(path(&["v1", "events", ".."], &[]), "/v1/events/%2E%2E");
        assert_eq!(
            path(&["v1", "events"], &[("limit", "20"), ("cursor", "c_1&x=y")]),
            "/v1/events?limit=20&cursor=c_1%26x%3Dy"
        );
    }
}
