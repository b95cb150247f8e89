//! `/v1/webhooks`: register (idempotent with a key), list (paged), get, update, delete, rotate the
//! secret, enable, and list an endpoint's deliveries (paged). An endpoint's secret is shown on
//! register and rotate only. Every route sees the caller's endpoints only.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use hookwise::client::WebhookEndpoint;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{claim_idempotency_key, http_url, idempotency_key, query, request_hash, Body, Id, Paging, St};
use crate::error::{ApiError, ApiResult};
use crate::secrets::{self, Caller};
use crate::store::deliveries::Of;
use crate::store::{deliveries, endpoints};
use crate::{new_id, now_rfc3339, AppState};

const EVENT_TYPES: [&str; 4] = ["*", "job.succeeded", "job.failed", "job.canceled"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RegisterWebhook {
    url: String,
    #[serde(default)]
    events: Option<Vec<String>>,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UpdateWebhook {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    events: Option<Vec<String>>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

fn validate_events(events: &[String]) -> ApiResult<()> {
    if events.is_empty() {
        return Err(ApiError::invalid("events must not be empty (use [\"*\"] for all)"));
    }
    match events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
        Some(e) => Err(ApiError::invalid(format!("unknown event type {e:?} (known: {})", EVENT_TYPES.join(", ")))),
        None => Ok(()),
    }
}

/// `caller`'s endpoint `id`, or 404.
pub(super) fn existing(conn: &rusqlite::Connection, caller: &Caller, id: &str) -> ApiResult<WebhookEndpoint> {
    endpoints::load(conn, Some(caller), id)?.ok_or_else(|| ApiError::not_found("webhook endpoint", id))
}

/// An endpoint as the API shows it: with `secret` only when there is one to show (the answers of
/// register and rotate-secret), never `"secret": null`.
fn shown(endpoint: &WebhookEndpoint) -> ApiResult<Value> {
    let mut value = serde_json::to_value(endpoint).map_err(ApiError::internal)?;
    if let Some(fields) = value.as_object_mut() {
        if fields.get("secret").is_some_and(Value::is_null) {
            fields.remove("secret");
        }
    }
    Ok(value)
}

/// Registers an endpoint. With an `Idempotency-Key`, a retry of the same request (a response
/// lost after the commit) answers 200 with the endpoint created the first time, its secret
/// included, instead of registering a second one; once that endpoint is deleted, 404.
pub(super) async fn register(
    State(state): St,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Body(body, raw): Body<RegisterWebhook>,
) -> ApiResult<Response> {
    http_url("url", &body.url)?;
    let events = body.events.unwrap_or_else(|| vec!["*".to_owned()]);
    validate_events(&events)?;
    let secret = match body.secret {
        Some(secret) => {
            secrets::check(&state.config.scheme, &secret)?;
            secret
        }
        None => secrets::new_secret().map_err(ApiError::internal)?,
    };
    let now = now_rfc3339();
    let endpoint = WebhookEndpoint {
        id: new_id("we"),
        url: body.url,
        events,
        name: body.name,
        status: "active".to_owned(),
        failure_count: 0,
        disabled_reason: None,
        secret: Some(secret.clone()),
        created_at: now.clone(),
        updated_at: Some(now),
    };
    let key = idempotency_key(&headers)?;
    let hash = key.is_some().then(|| request_hash(&raw));
    let registered = endpoint.clone();
    let replayed = state
        .db
        .write(move |conn| {
            if let (Some(key), Some(hash)) = (&key, hash) {
                if let Some(id) = claim_idempotency_key(conn, &caller.0, key, hash, &registered.id)? {
                    let earlier = endpoints::load_with_secret(conn, &caller, &id)?
                        .ok_or_else(|| ApiError::not_found("webhook endpoint", &id))?;
                    return Ok(Some(earlier));
                }
            }
            endpoints::insert(conn, &caller, &registered, &secret)?;
            Ok::<_, ApiError>(None)
        })
        .await?;
    if let Some(earlier) = replayed {
        return Ok((StatusCode::OK, [("idempotent-replayed", "true")], Json(shown(&earlier)?)).into_response());
    }
    Ok((StatusCode::CREATED, Json(shown(&endpoint)?)).into_response())
}

pub(super) async fn list(
    State(state): St,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let paging = Paging::from_query(&query(raw.as_deref(), &["limit", "cursor"])?, 100)?;
    let (hooks, next) =
        paging.page(state.db.read(|conn| endpoints::page(conn, &caller, paging.after, paging.fetch()))?);
    let hooks = hooks.iter().map(shown).collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(json!({"object": "list", "webhooks": hooks, "next_cursor": next})))
}

pub(super) async fn get(State(state): St, Extension(caller): Extension<Caller>, Id(id): Id) -> ApiResult<Json<Value>> {
    shown(&state.db.read(|conn| existing(conn, &caller, &id))?).map(Json)
}

pub(super) async fn update(
    State(state): St,
    Extension(caller): Extension<Caller>,
    Id(id): Id,
    Body(body, _): Body<UpdateWebhook>,
) -> ApiResult<Json<Value>> {
    let endpoint = state
        .db
        .write(move |conn| {
            let mut endpoint = existing(conn, &caller, &id)?;
            if let Some(url) = body.url {
                http_url("url", &url)?;
                endpoint.url = url;
            }
            if let Some(events) = body.events {
                validate_events(&events)?;
                endpoint.events = events;
            }
            if let Some(name) = body.name {
                endpoint.name = Some(name);
            }
            if let Some(status) = body.status {
                match status.as_str() {
                    "active" => activate(conn, &mut endpoint)?,
                    "disabled" => {
                        deliveries::cancel_pending_of(conn, &id)?;
                        endpoint.disabled_reason = None;
                    }
                    other => {
                        return Err(ApiError::invalid(format!(
                            "status must be \"active\" or \"disabled\", got {other:?}"
                        )))
                    }
                }
                endpoint.status = status;
            }
            endpoint.updated_at = Some(now_rfc3339());
            endpoints::save(conn, &endpoint)?;
            Ok(endpoint)
        })
        .await?;
    shown(&endpoint).map(Json)
}

/// Makes `endpoint` active, forgetting its failed deliveries and why it was disabled (saved by
/// the caller).
fn activate(conn: &rusqlite::Connection, endpoint: &mut WebhookEndpoint) -> rusqlite::Result<()> {
    endpoints::reset_failures(conn, &endpoint.id)?;
    "active".clone_into(&mut endpoint.status);
    endpoint.failure_count = 0;
    endpoint.disabled_reason = None;
    Ok(())
}

/// `POST /v1/webhooks/{id}/enable`: the endpoint active again, its failures forgotten.
pub(super) async fn enable(
    State(state): St,
    Extension(caller): Extension<Caller>,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let endpoint = state
        .db
        .write(move |conn| {
            let mut endpoint = existing(conn, &caller, &id)?;
            activate(conn, &mut endpoint)?;
            endpoint.updated_at = Some(now_rfc3339());
            endpoints::save(conn, &endpoint)?;
            Ok::<_, ApiError>(endpoint)
        })
        .await?;
    shown(&endpoint).map(Json)
}

pub(super) async fn delete(
    State(state): St,
    Extension(caller): Extension<Caller>,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let deleted = id.clone();
    state
        .db
        .write(move |conn| {
            existing(conn, &caller, &deleted)?;
            endpoints::delete(conn, &deleted)?;
            deliveries::cancel_pending_of(conn, &deleted)?;
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(Json(json!({"id": id, "object": "webhook_endpoint", "deleted": true})))
}

pub(super) async fn rotate_secret(
    State(state): St,
    Extension(caller): Extension<Caller>,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let secret = secrets::new_secret().map_err(ApiError::internal)?;
    let mut endpoint = state
        .db
        .write({
            let secret = secret.clone();
            move |conn| {
                let mut endpoint = existing(conn, &caller, &id)?;
                endpoint.updated_at = Some(now_rfc3339());
                endpoints::set_secret(conn, &id, &secret)?;
                endpoints::save(conn, &endpoint)?;
                Ok::<_, ApiError>(endpoint)
            }
        })
        .await?;
    endpoint.secret = Some(secret);
    shown(&endpoint).map(Json)
}

pub(super) async fn deliveries(
    State(state): St,
    Extension(caller): Extension<Caller>,
    Id(id): Id,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    delivery_page(&state, raw.as_deref(), |conn| existing(conn, &caller, &id).map(drop), Of::Endpoint(&id))
}

/// A page of the deliveries of `of` (the query's `limit` and `cursor`), once `check` (in the same
/// read) found what they belong to.
pub(super) fn delivery_page(
    state: &AppState,
    raw_query: Option<&str>,
    check: impl FnOnce(&rusqlite::Connection) -> ApiResult<()>,
    of: Of<'_>,
) -> ApiResult<Json<Value>> {
    let paging = Paging::from_query(&query(raw_query, &["limit", "cursor"])?, 100)?;
    let rows = state.db.read(|conn| {
        let tx = conn.unchecked_transaction()?;
        check(&tx)?;
        Ok::<_, ApiError>(deliveries::page(&tx, of, paging.after, paging.fetch())?)
    })?;
    let (deliveries, next) = paging.page(rows);
    Ok(Json(json!({"object": "list", "deliveries": deliveries, "next_cursor": next})))
}
