//! The HTTP handlers: jobs, webhook endpoints, signed result downloads, the OpenAPI document.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, RawQuery, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{Hmac, Mac as _};
use hookwise::client::{Job, JobStatus, WebhookEndpoint};
use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::{delivery, new_id, now_rfc3339, runner, secrets, AppState};

type St = State<Arc<AppState>>;

/// Largest request body accepted.
const MAX_BODY: usize = 1024 * 1024;
/// How much of a body over [`MAX_BODY`] is read (and dropped) before answering 413.
const DRAIN_LIMIT: usize = 16 * MAX_BODY;
const SECRECY_LEVELS: [&str; 4] = ["public", "internal", "confidential", "restricted"];
const EVENT_TYPES: [&str; 4] = ["*", "job.succeeded", "job.failed", "job.canceled"];

/// A JSON body with this API's errors: 415 unless sent as JSON, 413 over 1 MiB, 408 when it does
/// not arrive within the read timeout, 400 naming what is wrong otherwise. The body is read before
/// any answer (see [`read_body`]).
pub struct Body<T>(pub T, pub Bytes);

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let json = is_json(req.headers());
        let bytes =
            tokio::time::timeout(state.config.read_timeout, read_body(req.into_body())).await.unwrap_or_else(|_| {
                Err(ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    "the request body did not arrive in time",
                ))
            });
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the request body must be JSON, sent with Content-Type: application/json",
            ));
        }
        let bytes = bytes?;
        let value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::invalid(format!("invalid request body: {e}")))?;
        Ok(Body(value, bytes))
    }
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
pub struct Id(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Id(id)),
            Err(_) => Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "the id in the path is not valid UTF-8")),
        }
    }
}

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

fn http_url(field: &str, url: &str) -> ApiResult<()> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(ApiError::invalid(format!("{field} must be an http(s) URL, got {url:?}"))),
    }
}

pub(crate) fn load_job(conn: &Connection, id: &str) -> ApiResult<Option<Job>> {
    let body: Option<String> = conn.query_row("SELECT body FROM jobs WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    body.map(|b| serde_json::from_str(&b).map_err(ApiError::internal)).transpose()
}

/// Saves `job` if it is still `was` in the database; whether it was (a job canceled meanwhile is
/// not overwritten).
pub(crate) fn save_job(conn: &Connection, job: &Job, was: JobStatus) -> ApiResult<bool> {
    let body = serde_json::to_string(job).map_err(ApiError::internal)?;
    let changed = conn.execute(
        "UPDATE jobs SET status = ?2, body = ?3 WHERE id = ?1 AND status = ?4",
        params![job.id, job.status.as_str(), body, was.as_str()],
    )?;
    Ok(changed == 1)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateJob {
    kind: String,
    #[serde(default)]
    payload: Option<Value>,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    secrecy_level: Option<String>,
}

fn validate_job(body: &CreateJob) -> ApiResult<()> {
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

/// The request's `Idempotency-Key`, if it sent one.
fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => Ok(None),
        Some(Ok(k)) if !k.is_empty() && k.len() <= 255 => Ok(Some(k.to_owned())),
        Some(_) => Err(ApiError::invalid("Idempotency-Key must be 1 to 255 visible ASCII characters")),
    }
}

/// Claims the idempotency `key` of the caller (`headers`' API key: keys are per API key) for a
/// request with body `raw` that creates the resource `id`. `None`: the key is new and now the
/// request's (commit `tx` with the resource). `Some(earlier)`: the same request was made with this
/// key before and created `earlier`. 409 `idempotency_key_reused` when the key went with another
/// body, or with another operation (resource ids carry their kind: `job_…`, `we_…`).
fn claim_idempotency_key(
    tx: &Connection,
    headers: &HeaderMap,
    key: &str,
    raw: &[u8],
    id: &str,
) -> ApiResult<Option<String>> {
    let api_key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim_start_matches("Bearer ")
        .to_owned();
    let hash = hex(&Sha256::digest(hookwise::canonicalize(raw).unwrap_or_else(|_| raw.to_vec())));
    let seen: Option<(String, String)> = tx
        .query_row(
            "SELECT request_hash, job_id FROM idempotency_keys WHERE api_key = ?1 AND key = ?2",
            params![api_key, key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let kind = |id: &str| id.split('_').next().unwrap_or_default().to_owned();
    match seen {
        Some((seen_hash, earlier)) if seen_hash == hash && kind(&earlier) == kind(id) => Ok(Some(earlier)),
        Some(_) => Err(ApiError::conflict(
            "idempotency_key_reused",
            format!("Idempotency-Key {key:?} was used with a different request body"),
        )),
        None => {
            // The column says job_id for history: it holds the id of whatever the key created.
            tx.execute(
                "INSERT INTO idempotency_keys (api_key, key, request_hash, job_id) VALUES (?1, ?2, ?3, ?4)",
                params![api_key, key, hash, id],
            )?;
            Ok(None)
        }
    }
}

pub async fn create_job(State(state): St, headers: HeaderMap, Body(body, raw): Body<CreateJob>) -> ApiResult<Response> {
    validate_job(&body)?;
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
    {
        let mut conn = state.db.lock();
        let tx = conn.transaction()?;
        if let Some(key) = &key {
            if let Some(job_id) = claim_idempotency_key(&tx, &headers, key, &raw, &job.id)? {
                let existing = load_job(&tx, &job_id)?.ok_or_else(|| ApiError::internal("idempotent job vanished"))?;
                return Ok((StatusCode::OK, [("idempotent-replayed", "true")], Json(existing)).into_response());
            }
        }
        let body = serde_json::to_string(&job).map_err(ApiError::internal)?;
        tx.execute(
            "INSERT INTO jobs (id, kind, status, body) VALUES (?1, ?2, ?3, ?4)",
            params![job.id, job.kind, job.status.as_str(), body],
        )?;
        tx.commit()?;
    }
    runner::start(&state, job.id.clone());
    Ok((StatusCode::CREATED, Json(job)).into_response())
}

pub async fn get_job(State(state): St, Id(id): Id) -> ApiResult<Json<Job>> {
    load_job(&state.db.lock(), &id)?.map(Json).ok_or_else(|| ApiError::not_found("job", &id))
}

pub async fn list_jobs(State(state): St, RawQuery(raw): RawQuery) -> ApiResult<Json<Value>> {
    let q = query(raw.as_deref(), &["kind", "status", "limit", "cursor"])?;
    let limit: u32 = match q.get("limit") {
        None => 20,
        Some(l) => l
            .parse()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::invalid("limit must be 1 to 100"))?,
    };
    if let Some(s) = q.get("status") {
        if !["queued", "running", "succeeded", "failed", "canceled"].contains(&s.as_str()) {
            return Err(ApiError::invalid(format!("unknown status {s:?}")));
        }
    }
    let after: i64 = match q.get("cursor") {
        None => 0,
        Some(c) => c.strip_prefix("c_").and_then(|n| n.parse().ok()).ok_or_else(|| {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_cursor", "cursor is not one this API returned")
        })?,
    };
    let (kind, status) = (q.get("kind"), q.get("status"));
    let filter = "(?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2)";
    let conn = state.db.lock();
    let total: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM jobs WHERE {filter}"), params![kind, status], |r| r.get(0))?;
    let mut stmt =
        conn.prepare(&format!("SELECT seq, body FROM jobs WHERE {filter} AND seq > ?3 ORDER BY seq LIMIT ?4"))?;
    let rows: Vec<(i64, String)> = stmt
        .query_map(params![kind, status, after, i64::from(limit) + 1], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let more = rows.len() > limit as usize;
    let page = &rows[..rows.len().min(limit as usize)];
    let jobs: Vec<Value> =
        page.iter().map(|(_, b)| serde_json::from_str(b).map_err(ApiError::internal)).collect::<Result<_, _>>()?;
    let next = if more { page.last().map(|(seq, _)| format!("c_{seq}")) } else { None };
    Ok(Json(json!({"object": "list", "jobs": jobs, "next_cursor": next, "total_count": total})))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn url_signature(state: &AppState, id: &str, expires: u64) -> String {
    // HMAC takes keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(&state.url_key).unwrap_or_else(|_| unreachable!());
    mac.update(format!("{id}.{expires}").as_bytes());
    hex(&mac.finalize().into_bytes())
}

pub async fn job_result(State(state): St, Id(id): Id) -> ApiResult<Json<Value>> {
    let job = load_job(&state.db.lock(), &id)?.ok_or_else(|| ApiError::not_found("job", &id))?;
    match job.status {
        JobStatus::Succeeded => {}
        JobStatus::Queued | JobStatus::Running => {
            return Err(ApiError::conflict("job_not_finished", format!("job {id} is {}", job.status.as_str())))
        }
        JobStatus::Failed | JobStatus::Canceled => {
            return Err(ApiError::conflict(
                "job_not_succeeded",
                format!("job {id} is {}: it has no result", job.status.as_str()),
            ))
        }
    }
    let ttl = state.config.signed_url_ttl.as_secs();
    let expires = u64::try_from(hookwise::webhook::unix_now()).unwrap_or(0) + ttl;
    let signature = url_signature(&state, &id, expires);
    Ok(Json(json!({
        "id": id,
        "result_ref": job.result_ref,
        "signed_url": format!("{}/v1/results/{id}?expires={expires}&signature={signature}", state.base_url),
        "expires_at": hookwise::webhook::format_rfc3339(i64::try_from(expires).unwrap_or(i64::MAX)),
    })))
}

pub async fn download_result(State(state): St, Id(id): Id, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let q = query(raw.as_deref(), &["expires", "signature"])?;
    let forbidden = || ApiError::new(StatusCode::FORBIDDEN, "invalid_signature", "the signed URL is not valid");
    let expires: u64 = q.get("expires").and_then(|e| e.parse().ok()).ok_or_else(forbidden)?;
    let given = q.get("signature").ok_or_else(forbidden)?;
    let expected = url_signature(&state, &id, expires);
    if !secrets::equal(given.as_bytes(), expected.as_bytes()) {
        return Err(forbidden());
    }
    if expires < u64::try_from(hookwise::webhook::unix_now()).unwrap_or(u64::MAX) {
        return Err(ApiError::new(StatusCode::GONE, "signed_url_expired", "the signed URL has expired"));
    }
    let path = state.config.data_dir.join("results").join(format!("{id}.json"));
    let bytes = tokio::fs::read(&path).await.map_err(|_| ApiError::not_found("result", &id))?;
    Ok(([("content-type", "application/json")], bytes).into_response())
}

pub async fn cancel_job(State(state): St, Id(id): Id) -> ApiResult<Json<Job>> {
    let conn = state.db.lock();
    let mut job = load_job(&conn, &id)?.ok_or_else(|| ApiError::not_found("job", &id))?;
    if job.status.is_terminal() {
        return Err(ApiError::conflict("job_already_finished", format!("job {id} is already {}", job.status.as_str())));
    }
    if !runner::finish(&state, &conn, &mut job, JobStatus::Canceled, None)? {
        return Err(ApiError::conflict("job_already_finished", format!("job {id} has just finished")));
    }
    Ok(Json(job))
}

// ---- webhook endpoints -------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterWebhook {
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
pub struct UpdateWebhook {
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

fn load_endpoint(conn: &Connection, id: &str) -> ApiResult<WebhookEndpoint> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM endpoints WHERE id = ?1 AND deleted = 0", [id], |r| r.get(0)).optional()?;
    let body = body.ok_or_else(|| ApiError::not_found("webhook endpoint", id))?;
    serde_json::from_str(&body).map_err(ApiError::internal)
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

fn save_endpoint(conn: &Connection, endpoint: &WebhookEndpoint) -> ApiResult<()> {
    let body =
        serde_json::to_string(&WebhookEndpoint { secret: None, ..endpoint.clone() }).map_err(ApiError::internal)?;
    conn.execute("UPDATE endpoints SET body = ?2 WHERE id = ?1", params![endpoint.id, body])?;
    Ok(())
}

/// Registers an endpoint. With an `Idempotency-Key`, a retry of the same request (a response
/// lost after the commit) answers 200 with the endpoint created the first time, its secret
/// included, instead of registering a second one; once that endpoint is deleted, 404.
pub async fn register_webhook(
    State(state): St,
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
        secret: Some(secret.clone()),
        created_at: now.clone(),
        updated_at: Some(now),
    };
    let stored =
        serde_json::to_string(&WebhookEndpoint { secret: None, ..endpoint.clone() }).map_err(ApiError::internal)?;
    let key = idempotency_key(&headers)?;
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    if let Some(key) = &key {
        if let Some(id) = claim_idempotency_key(&tx, &headers, key, &raw, &endpoint.id)? {
            let mut existing = load_endpoint(&tx, &id)?;
            existing.secret = Some(tx.query_row("SELECT secret FROM endpoints WHERE id = ?1", [&id], |r| r.get(0))?);
            return Ok((StatusCode::OK, [("idempotent-replayed", "true")], Json(shown(&existing)?)).into_response());
        }
    }
    tx.execute("INSERT INTO endpoints (id, secret, body) VALUES (?1, ?2, ?3)", params![endpoint.id, secret, stored])?;
    tx.commit()?;
    Ok((StatusCode::CREATED, Json(shown(&endpoint)?)).into_response())
}

pub async fn list_webhooks(State(state): St) -> ApiResult<Json<Value>> {
    let conn = state.db.lock();
    let mut stmt = conn.prepare("SELECT body FROM endpoints WHERE deleted = 0 ORDER BY seq")?;
    let hooks: Vec<Value> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .map(|b| {
            let endpoint: WebhookEndpoint = serde_json::from_str(&b?).map_err(ApiError::internal)?;
            shown(&endpoint)
        })
        .collect::<Result<_, _>>()?;
    Ok(Json(json!({"object": "list", "webhooks": hooks})))
}

pub async fn get_webhook(State(state): St, Id(id): Id) -> ApiResult<Json<Value>> {
    shown(&load_endpoint(&state.db.lock(), &id)?).map(Json)
}

pub async fn update_webhook(
    State(state): St,
    Id(id): Id,
    Body(body, _): Body<UpdateWebhook>,
) -> ApiResult<Json<Value>> {
    let conn = state.db.lock();
    let mut endpoint = load_endpoint(&conn, &id)?;
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
            "active" => {
                conn.execute("UPDATE endpoints SET failures = 0 WHERE id = ?1", [&id])?;
            }
            "disabled" => {
                delivery::cancel_pending(&conn, &id)?;
            }
            other => {
                return Err(ApiError::invalid(format!("status must be \"active\" or \"disabled\", got {other:?}")))
            }
        }
        endpoint.status = status;
    }
    endpoint.updated_at = Some(now_rfc3339());
    save_endpoint(&conn, &endpoint)?;
    shown(&endpoint).map(Json)
}

pub async fn delete_webhook(State(state): St, Id(id): Id) -> ApiResult<Json<Value>> {
    let conn = state.db.lock();
    load_endpoint(&conn, &id)?;
    conn.execute("UPDATE endpoints SET deleted = 1 WHERE id = ?1", [&id])?;
    delivery::cancel_pending(&conn, &id)?;
    Ok(Json(json!({"id": id, "object": "webhook_endpoint", "deleted": true})))
}

pub async fn rotate_secret(State(state): St, Id(id): Id) -> ApiResult<Json<Value>> {
    let conn = state.db.lock();
    let mut endpoint = load_endpoint(&conn, &id)?;
    let secret = secrets::new_secret().map_err(ApiError::internal)?;
    endpoint.updated_at = Some(now_rfc3339());
    conn.execute("UPDATE endpoints SET secret = ?2 WHERE id = ?1", params![id, secret])?;
    save_endpoint(&conn, &endpoint)?;
    endpoint.secret = Some(secret);
    shown(&endpoint).map(Json)
}

pub async fn deliveries(State(state): St, Id(id): Id) -> ApiResult<Json<Value>> {
    let conn = state.db.lock();
    load_endpoint(&conn, &id)?;
    Ok(Json(json!({"object": "list", "deliveries": delivery::list(&conn, &id)?})))
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not accept that method")
}

/// The OpenAPI document (`profiles/hookwise.yaml`) is written in YAML's JSON form, so it is served as is.
pub async fn openapi() -> Response {
    ([("content-type", "application/json")], include_str!("../../profiles/hookwise.yaml")).into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

    use super::*;

    #[test]
    fn a_stale_job_does_not_overwrite_a_cancel() {
        let dir = std::env::temp_dir().join(format!("hookwise-save-job-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = crate::db::Db::open(&dir).unwrap();
        let conn = db.lock();
        let mut job: Job = serde_json::from_value(json!({
            "id": "job_1", "kind": "k", "status": "queued", "progress_pct": 0, "payload": {},
            "created_at": "2026-12-02T00:00:00Z"
        }))
        .unwrap();
        conn.execute(
            "INSERT INTO jobs (id, kind, status, body) VALUES ('job_1', 'k', 'queued', ?1)",
            [serde_json::to_string(&job).unwrap()],
        )
        .unwrap();
        // The runner read the job while queued; a cancel lands before the runner saves.
        let mut canceled = job.clone();
        canceled.status = JobStatus::Canceled;
        assert!(save_job(&conn, &canceled, JobStatus::Queued).unwrap());
        job.status = JobStatus::Running;
        assert!(!save_job(&conn, &job, JobStatus::Queued).unwrap(), "the stale write is refused");
        assert_eq!(load_job(&conn, "job_1").unwrap().unwrap().status, JobStatus::Canceled);
        drop(conn);
        let _ = std::fs::remove_dir_all(dir);
    }
}
