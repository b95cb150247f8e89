//! Jobs run inside the server: `queued → running` (progress rising in five steps over
//! `payload.duration_ms`, default 1000) `→ succeeded | failed | canceled`, at most
//! [`MAX_RUNNING`] at once.

use std::sync::Arc;
use std::time::Duration;

use hookwise::client::{Job, JobError, JobStatus};
use rusqlite::Connection;

use crate::error::{ApiError, ApiResult};
use crate::store::jobs;
use crate::{delivery, now_rfc3339, AppState};

const STEPS: u8 = 5;
/// At most this many jobs run at once; the others wait, queued, in creation order.
pub(crate) const MAX_RUNNING: usize = 64;

/// Runs job `id` in the background.
pub(crate) fn start(state: &Arc<AppState>, id: String) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = run(&state, &id).await {
            tracing::error!(job = %id, error = %e.into_message(), "the job could not run");
        }
    });
}

/// Restarts every job that was queued or running when the server stopped.
pub(crate) fn resume(state: &Arc<AppState>) -> rusqlite::Result<()> {
    let ids = state.db.read(jobs::unfinished)?;
    for id in ids {
        start(state, id);
    }
    Ok(())
}

/// Ends `job` with `status` and queues its event's deliveries, in the caller's write: one
/// transaction, so a crash leaves either both or neither (an unfinished job runs again on
/// restart). `false` when the job was no longer in the status it was read in (finished or
/// canceled meanwhile): nothing changes. Once the write is committed, the caller wakes the
/// delivery worker.
pub(crate) fn finish(conn: &Connection, job: &mut Job, status: JobStatus, error: Option<JobError>) -> ApiResult<bool> {
    let was = job.status;
    let now = now_rfc3339();
    job.status = status;
    job.error = error;
    job.finished_at = Some(now.clone());
    job.updated_at = Some(now);
    if status == JobStatus::Succeeded {
        job.progress_pct = 100;
    }
    if !jobs::save(conn, job, was)? {
        return Ok(false);
    }
    crash_point("job_finished_before_deliveries");
    delivery::emit(conn, job)?;
    Ok(true)
}

/// Test builds only: `HOOKWISE_CRASH_AT=NAME` aborts the process at the point of that name, as a
/// SIGKILL would (the crash tests restart the server and check nothing was lost).
fn crash_point(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("HOOKWISE_CRASH_AT").is_ok_and(|at| at == name) {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}

/// Saves `job`, which the runner holds as it is stored (only the runner changes a running job,
/// and a cancel ends it), if it is still running; whether it was.
async fn save_running(state: &AppState, job: &Job) -> ApiResult<bool> {
    let job = job.clone();
    state.db.write(move |conn| jobs::save(conn, &job, JobStatus::Running)).await.map_err(ApiError::from)
}

async fn run(state: &Arc<AppState>, id: &str) -> ApiResult<()> {
    let Ok(_slot) = state.job_slots.acquire().await else { return Ok(()) };
    let Some(mut job) = state.db.read(|conn| jobs::load(conn, None, id))? else { return Ok(()) };
    if job.status.is_terminal() {
        return Ok(());
    }
    let duration = job.payload.get("duration_ms").and_then(serde_json::Value::as_u64).unwrap_or(1000);
    let step = Duration::from_millis(duration / u64::from(STEPS));
    if job.status == JobStatus::Queued {
        job.status = JobStatus::Running;
        job.started_at = Some(now_rfc3339());
        job.updated_at = job.started_at.clone();
        let running = job.clone();
        if !state.db.write(move |conn| jobs::save(conn, &running, JobStatus::Queued)).await? {
            return Ok(()); // canceled before it started
        }
    }
    // Progress rises in steps; a job of no duration has none to show.
    if !step.is_zero() {
        for i in (job.progress_pct / (100 / STEPS) + 1)..STEPS {
            tokio::time::sleep(step).await;
            job.progress_pct = i * (100 / STEPS);
            job.updated_at = Some(now_rfc3339());
            if !save_running(state, &job).await? {
                return Ok(()); // canceled meanwhile
            }
        }
        tokio::time::sleep(step).await;
    }
    let (status, error) = if job.payload.get("simulate").and_then(serde_json::Value::as_str) == Some("fail") {
        let error =
            JobError { code: "simulated_failure".into(), message: "the job failed as its payload asked".into() };
        (JobStatus::Failed, Some(error))
    } else {
        let result_ref = format!("results/{id}.json");
        let result = serde_json::json!({
            "job_id": id,
            "kind": job.kind,
            "output": {"echo": job.payload, "completed_at": now_rfc3339()},
        });
        std::fs::write(state.config.data_dir.join(&result_ref), result.to_string()).map_err(ApiError::internal)?;
        job.result_ref = Some(result_ref);
        (JobStatus::Succeeded, None)
    };
    if state.db.write(move |conn| finish(conn, &mut job, status, error)).await? {
        state.deliveries.notify_one();
    }
    Ok(())
}
