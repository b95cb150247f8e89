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
            eprintln!("hookwise serve: job {id}: {}", e.into_message());
        }
    });
}

/// Restarts every job that was queued or running when the server stopped.
pub(crate) fn resume(state: &Arc<AppState>) -> rusqlite::Result<()> {
    let ids = jobs::unfinished(&state.db.lock())?;
    for id in ids {
        start(state, id);
    }
    Ok(())
}

/// Ends `job` with `status` and queues its event's deliveries in one transaction, so a crash
/// leaves either both or neither (an unfinished job runs again on restart). `false` when the job
/// was no longer in the status it was read in (finished or canceled meanwhile): nothing changes.
pub(crate) fn finish(
    state: &AppState,
    conn: &Connection,
    job: &mut Job,
    status: JobStatus,
    error: Option<JobError>,
) -> ApiResult<bool> {
    let was = job.status;
    let now = now_rfc3339();
    job.status = status;
    job.error = error;
    job.finished_at = Some(now.clone());
    job.updated_at = Some(now);
    if status == JobStatus::Succeeded {
        job.progress_pct = 100;
    }
    let tx = conn.unchecked_transaction()?;
    if !jobs::save(&tx, job, was)? {
        return Ok(false);
    }
    crash_point("job_finished_before_deliveries");
    delivery::emit(state, &tx, job)?;
    tx.commit()?;
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

async fn run(state: &Arc<AppState>, id: &str) -> ApiResult<()> {
    let Ok(_slot) = state.job_slots.acquire().await else { return Ok(()) };
    let Some(mut job) = jobs::load(&state.db.lock(), id)? else { return Ok(()) };
    if job.status.is_terminal() {
        return Ok(());
    }
    let duration = job.payload.get("duration_ms").and_then(serde_json::Value::as_u64).unwrap_or(1000);
    let step = Duration::from_millis(duration / u64::from(STEPS));
    if job.status == JobStatus::Queued {
        job.status = JobStatus::Running;
        job.started_at = Some(now_rfc3339());
        job.updated_at = job.started_at.clone();
        if !jobs::save(&state.db.lock(), &job, JobStatus::Queued)? {
            return Ok(()); // canceled before it started
        }
    }
    for i in (job.progress_pct / (100 / STEPS) + 1)..=STEPS {
        tokio::time::sleep(step).await;
        let conn = state.db.lock();
        let Some(mut current) = jobs::load(&conn, id)? else { return Ok(()) };
        if current.status.is_terminal() {
            return Ok(()); // canceled meanwhile
        }
        if i < STEPS {
            current.progress_pct = i * (100 / STEPS);
            current.updated_at = Some(now_rfc3339());
            jobs::save(&conn, &current, JobStatus::Running)?;
            continue;
        }
        if current.payload.get("simulate").and_then(serde_json::Value::as_str) == Some("fail") {
            let error =
                JobError { code: "simulated_failure".into(), message: "the job failed as its payload asked".into() };
            return finish(state, &conn, &mut current, JobStatus::Failed, Some(error)).map(drop);
        }
        let result_ref = format!("results/{id}.json");
        let result = serde_json::json!({
            "job_id": id,
            "kind": current.kind,
            "output": {"echo": current.payload, "completed_at": now_rfc3339()},
        });
        std::fs::write(state.config.data_dir.join(&result_ref), result.to_string()).map_err(ApiError::internal)?;
        current.result_ref = Some(result_ref);
        return finish(state, &conn, &mut current, JobStatus::Succeeded, None).map(drop);
    }
    Ok(())
}
