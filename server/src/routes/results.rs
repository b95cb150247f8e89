//! Results of succeeded jobs, downloaded through signed URLs that expire: the URL carries its
//! expiry and an HMAC of the job id and that expiry under a key only the server knows.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use hmac::{Hmac, Mac as _};
use hookwise::client::JobStatus;
use serde_json::{json, Value};
use sha2::Sha256;

use super::{query, Id, St};
use crate::error::{ApiError, ApiResult};
use crate::secrets::{self, Caller};
use crate::store::jobs;
use crate::AppState;

fn url_signature(state: &AppState, id: &str, expires: u64) -> String {
    // HMAC takes keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(&state.url_key).unwrap_or_else(|_| unreachable!());
    mac.update(format!("{id}.{expires}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `GET /v1/jobs/{id}/result`: a signed URL to the result of a succeeded job.
pub(super) async fn signed_url(
    State(state): St,
    Extension(caller): Extension<Caller>,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let job =
        state.db.read(|conn| jobs::load(conn, Some(&caller), &id))?.ok_or_else(|| ApiError::not_found("job", &id))?;
    if !job.status.is_terminal() {
        return Err(ApiError::conflict("job_not_finished", format!("job {id} is {}", job.status.as_str())));
    }
    if job.status != JobStatus::Succeeded {
        return Err(ApiError::conflict(
            "job_not_succeeded",
            format!("job {id} is {}: it has no result", job.status.as_str()),
        ));
    }
    let ttl = state.config.signed_url_ttl.as_secs();
    let expires = u64::try_from(hookwise::webhook::unix_now()).unwrap_or(0).saturating_add(ttl);
    let signature = url_signature(&state, &id, expires);
    Ok(Json(json!({
        "id": id,
        "result_ref": job.result_ref,
        "signed_url": format!("{}/v1/results/{id}?expires={expires}&signature={signature}", state.base_url),
        "expires_at": hookwise::webhook::format_rfc3339(i64::try_from(expires).unwrap_or(i64::MAX)),
    })))
}

/// `GET /v1/results/{id}?expires=…&signature=…` (no API key: the signature is the credential).
pub(super) async fn download(State(state): St, Id(id): Id, RawQuery(raw): RawQuery) -> ApiResult<Response> {
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
