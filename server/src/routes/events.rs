//! `/v1/events`: the caller's events, newest first (paged), one event, its deliveries (paged), and
//! resend: a new delivery of the event, as first sent and signed anew, to one endpoint or to every
//! active endpoint subscribed to its type.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use super::webhooks::{delivery_page, existing};
use super::{query, Id, OptionalBody, Paging, St};
use crate::delivery::{queue, wants};
use crate::error::{ApiError, ApiResult};
use crate::secrets::Caller;
use crate::store::deliveries::Of;
use crate::store::{endpoints, events};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct ResendEvent {
    #[serde(default)]
    endpoint_id: Option<String>,
}

/// `caller`'s event `id` (its type and what the API shows), or 404.
fn event(conn: &rusqlite::Connection, caller: &Caller, id: &str) -> ApiResult<(String, Value)> {
    events::load(conn, caller, id)?.ok_or_else(|| ApiError::not_found("event", id))
}

pub(super) async fn list(
    State(state): St,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let paging = Paging::from_query(&query(raw.as_deref(), &["limit", "cursor"])?, 100)?;
    let rows = state.db.read(|conn| events::page(conn, &caller, paging.before(), paging.fetch()))?;
    let (events, next) = paging.page(rows);
    Ok(Json(json!({"object": "list", "events": events, "next_cursor": next})))
}

pub(super) async fn get(State(state): St, Extension(caller): Extension<Caller>, Id(id): Id) -> ApiResult<Json<Value>> {
    state.db.read(|conn| event(conn, &caller, &id)).map(|(_, shown)| Json(shown))
}

pub(super) async fn deliveries(
    State(state): St,
    Extension(caller): Extension<Caller>,
    Id(id): Id,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    delivery_page(&state, raw.as_deref(), |conn| event(conn, &caller, &id).map(drop), Of::Event(&id))
}

/// `POST /v1/events/{id}/resend`: 202 with the deliveries queued. To one endpoint, it must be
/// active and subscribed to the event's type (409 `endpoint_disabled` / `endpoint_not_subscribed`):
/// a delivery it does not take would be canceled at its first attempt.
pub(super) async fn resend(
    State(state): St,
    Extension(caller): Extension<Caller>,
    Id(id): Id,
    OptionalBody(body): OptionalBody<ResendEvent>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let queued = state
        .db
        .write(move |conn| {
            let (event_type, _) = event(conn, &caller, &id)?;
            let targets = match body.endpoint_id {
                Some(endpoint_id) => {
                    let endpoint = existing(conn, &caller, &endpoint_id)?;
                    if endpoint.status != "active" {
                        return Err(ApiError::conflict(
                            "endpoint_disabled",
                            format!("webhook endpoint {endpoint_id} is disabled: enable it first"),
                        ));
                    }
                    if !wants(&endpoint, &event_type) {
                        return Err(ApiError::conflict(
                            "endpoint_not_subscribed",
                            format!("webhook endpoint {endpoint_id} does not take {event_type} events"),
                        ));
                    }
                    vec![endpoint]
                }
                None => endpoints::all(conn, &caller)?.into_iter().filter(|e| wants(e, &event_type)).collect(),
            };
            let targets: Vec<_> = targets.into_iter().map(|e| (Some(e.id), e.url)).collect();
            Ok::<_, ApiError>(queue(conn, &id, &event_type, &targets)?)
        })
        .await?;
    state.deliveries.notify_one();
    Ok((StatusCode::ACCEPTED, Json(json!({"object": "list", "deliveries": queued, "next_cursor": null}))))
}
