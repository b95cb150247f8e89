//! The HTTP API: the routes by resource (jobs, signed results, webhook endpoints, events), and what they
//! share: authentication, the JSON body and path extractors, query strings, list paging and
//! idempotency keys. Every answer that is not a success is the JSON error shape (see `error`).

mod events;
mod jobs;
mod results;
mod webhooks;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, TraceLayer};

use crate::error::{ApiError, ApiResult, TRACE_ID};
use crate::secrets;
use crate::store::idempotency::{self, Claimed};
use crate::trace::{self, TraceId};
use crate::{chaos, new_id, AppState};

type St = State<Arc<AppState>>;

/// Largest request body accepted.
const MAX_BODY: usize = 1024 * 1024;
/// How much of a body over [`MAX_BODY`] is read (and dropped) before answering 413.
const DRAIN_LIMIT: usize = 16 * MAX_BODY;
/// The most items a page of a list holds.
const MAX_PAGE: u32 = 100;

/// Every route of the API.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    let v1 = Router::new()
        .route("/v1/jobs", post(jobs::create).get(jobs::list))
        .route("/v1/jobs/{id}", get(jobs::get))
        .route("/v1/jobs/{id}/result", get(results::signed_url))
        .route("/v1/jobs/{id}/cancel", post(jobs::cancel))
        .route("/v1/webhooks", post(webhooks::register).get(webhooks::list))
        .route("/v1/webhooks/{id}", get(webhooks::get).patch(webhooks::update).delete(webhooks::delete))
        .route("/v1/webhooks/{id}/rotate-secret", post(webhooks::rotate_secret))
        .route("/v1/webhooks/{id}/enable", post(webhooks::enable))
        .route("/v1/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route("/v1/events", get(events::list))
        .route("/v1/events/{id}", get(events::get))
        .route("/v1/events/{id}/deliveries", get(events::deliveries))
        .route("/v1/events/{id}/resend", post(events::resend))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), chaos::inject))
        .layer(middleware::from_fn_with_state(state.clone(), auth));
    Router::new()
        // The dashboard, outside the API's auth: a client of the `/v1` routes, with each session's key.
        .merge(crate::dashboard::router(v1.clone().with_state(state.clone())))
        .merge(v1)
        .route("/v1/results/{id}", get(results::download))
        .route("/openapi.json", get(openapi))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(middleware::from_fn(trace))
        // The last layer added runs first: the request gets an `x-request-id` (the client's, else
        // a new UUID), then its span and log lines (requests and answers at debug, server errors
        // at warn; the path only, never the query, which may carry a signed URL's signature), and
        // the answer gets the `x-request-id` back.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(trace::span)
                .on_failure(DefaultOnFailure::new().level(tracing::Level::WARN)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Gives the request its `X-Trace-Id` (`trc_…`, also in its error bodies) and its W3C trace (the
/// caller's `traceparent`'s, else a new one: a [`TraceId`] request extension), both recorded in
/// the request's span.
async fn trace(mut request: Request, next: Next) -> Response {
    let trace_id = new_id("trc");
    let w3c = request
        .headers()
        .get(trace::TRACEPARENT)
        .and_then(|v| v.to_str().ok())
        .and_then(TraceId::from_traceparent)
        .unwrap_or_else(TraceId::new);
    let span = tracing::Span::current();
    span.record("trace_id", w3c.as_str());
    span.record("trace", trace_id.as_str());
    request.extensions_mut().insert(w3c);
    let mut response = TRACE_ID.scope(trace_id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&trace_id) {
        response.headers_mut().insert("x-trace-id", value);
    }
    response
}

/// Lets in requests with a known API key, as their [`secrets::Caller`] (a request extension).
async fn auth(State(state): St, mut request: Request, next: Next) -> Response {
    let key = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(key) = key else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing API key: send Authorization: Bearer <key>",
        )
        .into_response();
    };
    match secrets::authenticate(&state.config.api_keys, key) {
        Some(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        None => ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "the API key is not valid").into_response(),
    }
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not accept that method")
}

/// The OpenAPI document (`profiles/hookwise.yaml`) is written in YAML's JSON form, so it is served as is.
async fn openapi() -> Response {
    ([("content-type", "application/json")], hookwise::api::HOOKWISE_PROFILE_TEXT).into_response()
}

/// A JSON body with this API's errors: 415 unless sent as JSON, 413 over 1 MiB, 408 when it does
/// not arrive within the read timeout, 400 naming what is wrong otherwise. The body is read before
/// any answer (see [`read_body`]).
struct Body<T>(T, Bytes);

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let (json, bytes) = read_request(req, state).await;
        if !json {
            return Err(unsupported_media_type());
        }
        let bytes = bytes?;
        Ok(Body(parse(&bytes)?, bytes))
    }
}

/// A JSON body that may be left out: no body at all is `T::default()`; one sent is as [`Body`].
struct OptionalBody<T>(T);

impl<T: DeserializeOwned + Default> FromRequest<Arc<AppState>> for OptionalBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let (json, bytes) = read_request(req, state).await;
        let bytes = bytes?;
        match (bytes.is_empty(), json) {
            (true, _) => Ok(OptionalBody(T::default())),
            (false, true) => parse(&bytes).map(OptionalBody),
            (false, false) => Err(unsupported_media_type()),
        }
    }
}

/// Whether the request says its body is JSON, and the body (read within the read timeout).
async fn read_request(req: Request, state: &AppState) -> (bool, ApiResult<Bytes>) {
    let json = is_json(req.headers());
    let bytes =
        tokio::time::timeout(state.config.read_timeout, read_body(req.into_body())).await.unwrap_or_else(|_| {
            Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "the request body did not arrive in time",
            ))
        });
    (json, bytes)
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "the request body must be JSON, sent with Content-Type: application/json",
    )
}

/// `bytes` as a `T`; 400 naming what is wrong.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::invalid(format!("invalid request body: {e}")))
}

/// The body, up to [`MAX_BODY`]. A longer one is read on (up to [`DRAIN_LIMIT`]) and dropped
/// before the 413 goes out: a server that closes with unread bytes resets the connection, and
/// the client loses the answer.
async fn read_body(body: axum::body::Body) -> ApiResult<Bytes> {
    use futures_util::StreamExt as _;
    let mut stream = body.into_data_stream();
    let (mut kept, mut read) = (Vec::new(), 0usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::invalid("the request body could not be read"))?;
        read = read.saturating_add(chunk.len());
        if read <= MAX_BODY {
            kept.extend_from_slice(&chunk);
        } else if read > DRAIN_LIMIT {
            break;
        }
    }
    if read > MAX_BODY {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is over 1 MiB",
        ));
    }
    Ok(Bytes::from(kept))
}

/// Whether the request says its body is JSON (`application/json` or `application/…+json`).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The `{id}` of a route; 404 when it cannot be one (not UTF-8 once percent-decoded).
struct Id(String);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Id(id)),
            Err(_) => Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "the id in the path is not valid UTF-8")),
        }
    }
}

/// The query string's parameters; 400 for one not in `allowed`.
fn query(raw: Option<&str>, allowed: &[&str]) -> ApiResult<HashMap<String, String>> {
    let url = reqwest::Url::parse(&format!("http://q/?{}", raw.unwrap_or_default()))
        .map_err(|_| ApiError::invalid("the query string is not valid"))?;
    let mut out = HashMap::new();
    for (k, v) in url.query_pairs() {
        if !allowed.contains(&k.as_ref()) {
            return Err(ApiError::invalid(format!("unknown query parameter {k:?} (allowed: {})", allowed.join(", "))));
        }
        out.insert(k.into_owned(), v.into_owned());
    }
    Ok(out)
}

/// 400 unless `url` is an absolute http(s) URL with a host.
fn http_url(field: &str, url: &str) -> ApiResult<()> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(ApiError::invalid(format!("{field} must be an http(s) URL, got {url:?}"))),
    }
}

/// Where a page of a list starts and how long it is: the query's `cursor` (one this API returned)
/// and `limit` (1 to 100, default `default_limit`).
struct Paging {
    after: i64,
    limit: u32,
}

impl Paging {
    fn from_query(q: &HashMap<String, String>, default_limit: u32) -> ApiResult<Paging> {
        let limit = match q.get("limit") {
            None => default_limit,
            Some(l) => l
                .parse()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| ApiError::invalid(format!("limit must be 1 to {MAX_PAGE}")))?,
        };
        let after = match q.get("cursor") {
            None => 0,
            Some(c) => c.strip_prefix("c_").and_then(|n| n.parse().ok()).ok_or_else(|| {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_cursor", "cursor is not one this API returned")
            })?,
        };
        Ok(Paging { after, limit })
    }

    /// For a list newest first: the position the page starts before (`None`: from the newest).
    fn before(&self) -> Option<i64> {
        (self.after != 0).then_some(self.after)
    }

    /// How many rows to fetch: one more than the page holds, to know whether another follows.
    fn fetch(&self) -> u32 {
        self.limit + 1
    }

    /// The page out of the `rows` fetched (each with its position), and the cursor of the next
    /// page if there is one.
    fn page<T>(&self, mut rows: Vec<(i64, T)>) -> (Vec<T>, Option<String>) {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next = rows.last().filter(|_| more).map(|(seq, _)| format!("c_{seq}"));
        (rows.into_iter().map(|(_, item)| item).collect(), next)
    }
}

/// The request's `Idempotency-Key`, if it sent one.
fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => Ok(None),
        Some(Ok(k)) if !k.is_empty() && k.len() <= 255 => Ok(Some(k.to_owned())),
        Some(_) => Err(ApiError::invalid("Idempotency-Key must be 1 to 255 visible ASCII characters")),
    }
}

/// The hash an idempotency key remembers its request by: the SHA-256 of the canonical JSON body
/// (of the bytes as sent when they are not JSON).
fn request_hash(raw: &[u8]) -> String {
    hex::encode(Sha256::digest(hookwise::canonicalize(raw).unwrap_or_else(|_| raw.to_vec())))
}

/// Claims the idempotency `key` of `caller` (keys are per API key) for a request whose body hashes
/// to `request_hash` (see [`request_hash`]) and that creates the resource `id`, in the write that
/// creates it. `None`: the key is new and now the request's. `Some(earlier)`: the same request was
/// made with this key before and created `earlier`. 409 `idempotency_key_reused` when the key went
/// with another body, or with another operation (resource ids carry their kind: `job_…`, `we_…`).
fn claim_idempotency_key(
    conn: &Connection,
    caller: &str,
    key: &str,
    request_hash: String,
    id: &str,
) -> ApiResult<Option<String>> {
    let kind = |id: &str| id.split('_').next().unwrap_or_default().to_owned();
    match idempotency::find(conn, caller, key)? {
        Some(seen) if seen.request_hash == request_hash && kind(&seen.resource_id) == kind(id) => {
            Ok(Some(seen.resource_id))
        }
        Some(_) => Err(ApiError::conflict(
            "idempotency_key_reused",
            format!("Idempotency-Key {key:?} was used with a different request body"),
        )),
        None => {
            idempotency::insert(conn, caller, key, &Claimed { request_hash, resource_id: id.to_owned() })?;
            Ok(None)
        }
    }
}
