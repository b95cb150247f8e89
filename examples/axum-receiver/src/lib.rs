//! A webhook receiver in axum: the raw body and `req.headers()` go to [`Webhook::verify`] as they
//! are, a failure answers 400 (413 when too large) with the stable error code, and the handler
//! sees only verified events.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use hookwise::{ErrorKind, Webhook};
use serde_json::{json, Value};

/// The app: `POST /webhooks` verifies with `webhook` and answers the event's id and type.
pub fn app(webhook: Webhook) -> Router {
    // axum's own body limit sits above the webhook's, so the webhook's 413 and code answer.
    let limit = webhook.max_payload_bytes().saturating_add(1);
    Router::new().route("/webhooks", post(receive)).layer(DefaultBodyLimit::max(limit)).with_state(Arc::new(webhook))
}

async fn receive(
    State(webhook): State<Arc<Webhook>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let event = webhook.verify(&body, &headers).map_err(|e| {
        let status = if e.kind() == ErrorKind::PayloadTooLarge {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::BAD_REQUEST
        };
        (status, Json(json!({ "error": e.code() })))
    })?;
    Ok(Json(json!({ "received": event.id, "type": event.event_type, "data": event.data() })))
}
