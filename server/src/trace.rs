//! W3C Trace Context (`traceparent`) and the request span. A request that carries a valid
//! `traceparent` joins that trace; any other starts one. The trace id is a field of the request's
//! span (so of every log line inside it), is kept with a job its request creates, and goes on in
//! the `traceparent` of every attempt to deliver that job's event (a new parent id per attempt).

use axum::http::Request;
pub(crate) use hookwise::api::trace::{TraceId, TRACEPARENT};
use tracing::Span;

/// The span of one request: method, path and the `x-request-id` (set or kept by the request-id
/// layer); `trace_id` (the W3C one, see [`TraceId`]) and `trace` (the answer's `X-Trace-Id`) are
/// filled in by the routes' trace middleware.
pub(crate) fn span<B>(request: &Request<B>) -> Span {
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
        request_id,
        trace_id = tracing::field::Empty,
        trace = tracing::field::Empty,
    )
}
