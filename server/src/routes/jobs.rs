//! `/v1/jobs`: create (idempotent with a key), get, list (filtered, paged), cancel.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use hookwise::client::{Job, JobStatus};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{claim_idempotency_key, http_url, idempotency_key, query, request_hash, Body, Id, Paging, St};
use crate::error::{ApiError, ApiResult};
use crate::secrets::Caller;
use crate::store::jobs::{self, Filter};
use crate::trace::TraceId;
use crate::{new_id, now_rfc3339, runner};

const SECRECY_LEVELS: [&str; 4] = ["public", "internal", "confidential", "restricted"];
const STATUSES: [&str; 5] = ["queued", "running", "succeeded", "failed", "canceled"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateJob {
    kind: String,
    #[serde(default)]
    payload: Option<Value>,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    secrecy_level: Option<String>,
}

fn validate(body: &CreateJob) -> ApiResult<()> {
    if body.kind.is_empty() || body.kind.chars().count() > 100 {
        return Err(ApiError::invalid("kind must be 1 to 100 characters"));
    }
    match &body.payload {
        None | Some(Value::Object(_)) => {}
        Some(_) => return Err(ApiError::invalid("payload must be a JSON object")),
    }
    if let Some(d) = body.payload.as_ref().and_then(|p| p.get("duration_ms")) {
        if d.as_u64().is_none_or(|ms| ms > 600_000) {
            return Err(ApiError::invalid("payload.duration_ms must be an integer from 0 to 600000"));
        }
    }
    if let Some(url) = &body.callback_url {
        http_url("callback_url", url)?;
    }
    if let Some(level) = &body.secrecy_level {
        if !SECRECY_LEVELS.contains(&level.as_str()) {
            return Err(ApiError::invalid(format!("secrecy_level must be one of {}", SECRECY_LEVELS.join(", "))));
        }
    }
    Ok(())
}

pub(super) async fn create(
    State(state): St,
    Extension(caller): Extension<Caller>,
    Extension(trace_id): Extension<TraceId>,
    headers: HeaderMap,
    Body(body, raw): Body<CreateJob>,
) -> ApiResult<Response> {
    validate(&body)?;
    let key = idempotency_key(&headers)?;
    let now = now_rfc3339();
    let job = Job {
        id: new_id("job"),
        kind: body.kind,
        status: JobStatus::Queued,
        progress_pct: 0,
        payload: body.payload.unwrap_or_else(|| json!({})),
        callback_url: body.callback_url,
        secrecy_level: Some(body.secrecy_level.unwrap_or_else(|| "internal".to_owned())),
        result_ref: None,
        error: None,
        created_at: now.clone(),
        updated_at: Some(now),
        started_at: None,
        finished_at: None,
    };
    let hash = key.is_some().then(|| request_hash(&raw));
    let created = job.clone();
    let replayed = state
        .db
        .write(move |conn| {
            if let (Some(key), Some(hash)) = (&key, hash) {
                if let Some(job_id) = claim_idempotency_key(conn, &caller.0, key, hash, &created.id)? {
                    let existing = jobs::load(conn, Some(&caller), &job_id)?
                        .ok_or_else(|| ApiError::internal("idempotent job vanished"))?;
                    return Ok(Some(existing));
                }
            }
            jobs::insert(conn, &caller, &created, &trace_id)?;
            Ok::<_, ApiError>(None)
        })
        .await?;
    if let Some(existing) = replayed {
        return Ok((StatusCode::OK, [("idempotent-replayed", "true")], Json(existing)).into_response());
    }
    runner::start(&state, job.id.clone());
    Ok((StatusCode::CREATED, Json(job)).into_response())
}

pub(super) async fn get(State(state): St, Extension(caller): Extension<Caller>, Id(id): Id) -> ApiResult<Json<Job>> {
    state.db.read(|conn| jobs::load(conn, Some(&caller), &id))?.map(Json).ok_or_else(|| ApiError::not_found("job", &id))
}

pub(super) async fn list(
    State(state): St,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = query(raw.as_deref(), &["kind", "status", "limit", "cursor"])?;
    let paging = Paging::from_query(&q, 20)?;
    if let Some(s) = q.get("status") {
        if !STATUSES.contains(&s.as_str()) {
            return Err(ApiError::invalid(format!("unknown status {s:?}")));
        }
    }
    let filter = Filter {
        owner: &caller.0,
        kind: q.get("kind").map(String::as_str),
        status: q.get("status").map(String::as_str),
    };
    // One read transaction: the count and the page are of the same moment.
    let (total, rows) = state.db.read(|conn| {
        let tx = conn.unchecked_transaction()?;
        let total = jobs::count(&tx, &filter)?;
        Ok::<_, rusqlite::Error>((total, jobs::page(&tx, &filter, paging.after, paging.fetch())?))
    })?;
    let (jobs, next) = paging.page(rows);
    Ok(Json(json!({"object": "list", "jobs": jobs, "next_cursor": next, "total_count": total})))
}

pub(super) async fn cancel(State(state): St, Extension(caller): Extension<Caller>, Id(id): Id) -> ApiResult<Json<Job>> {
    let job = state
        .db
        .write(move |conn| {
            let mut job = jobs::load(conn, Some(&caller), &id)?.ok_or_else(|| ApiError::not_found("job", &id))?;
            if job.status.is_terminal() {
                let status = job.status.as_str();
                return Err(ApiError::conflict("job_already_finished", format!("job {id} is already {status}")));
            }
            if !runner::finish(conn, &mut job, JobStatus::Canceled, None)? {
                return Err(ApiError::conflict("job_already_finished", format!("job {id} has just finished")));
            }
            Ok(job)
        })
        .await?;
    state.deliveries.notify_one();
    Ok(Json(job))
}
