//! Jobs: the job's JSON, with its kind and status beside it for filtering and conditional updates.

use hookwise::client::{Job, JobStatus};
use rusqlite::{params, Connection, OptionalExtension as _};

use super::{json, to_json};

/// Stores a new job.
pub(crate) fn insert(conn: &Connection, job: &Job) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO jobs (id, kind, status, body) VALUES (?1, ?2, ?3, ?4)",
        params![job.id, job.kind, job.status.as_str(), to_json(job)?],
    )
    .map(drop)
}

/// The job `id`, if there is one.
pub(crate) fn load(conn: &Connection, id: &str) -> rusqlite::Result<Option<Job>> {
    conn.query_row("SELECT body FROM jobs WHERE id = ?1", [id], |r| json(r, 0)).optional()
}

/// Saves `job` if it is still `was` in the database; whether it was (a job canceled meanwhile is
/// not overwritten).
pub(crate) fn save(conn: &Connection, job: &Job, was: JobStatus) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE jobs SET status = ?2, body = ?3 WHERE id = ?1 AND status = ?4",
        params![job.id, job.status.as_str(), to_json(job)?, was.as_str()],
    )?;
    Ok(changed == 1)
}

/// The ids of the jobs queued or running, oldest first.
pub(crate) fn unfinished(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM jobs WHERE status IN ('queued', 'running') ORDER BY seq")?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect();
    ids
}

/// Which jobs a page lists.
pub(crate) struct Filter<'a> {
    pub(crate) kind: Option<&'a str>,
    pub(crate) status: Option<&'a str>,
}

/// How many jobs match `filter`.
pub(crate) fn count(conn: &Connection, filter: &Filter<'_>) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM jobs WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2)",
        params![filter.kind, filter.status],
        |r| r.get(0),
    )
}

/// Up to `limit` jobs matching `filter` created after position `after` (0: from the first), in
/// creation order, each with its position.
pub(crate) fn page(
    conn: &Connection,
    filter: &Filter<'_>,
    after: i64,
    limit: u32,
) -> rusqlite::Result<Vec<(i64, Job)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, body FROM jobs WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2) AND seq > ?3
         ORDER BY seq LIMIT ?4",
    )?;
    let rows =
        stmt.query_map(params![filter.kind, filter.status, after, limit], |r| Ok((r.get(0)?, json(r, 1)?)))?.collect();
    rows
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

    use super::*;

    #[test]
    fn a_stale_job_does_not_overwrite_a_cancel() {
        let dir = std::env::temp_dir().join(format!("hookwise-save-job-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = crate::store::Db::open(&dir).unwrap();
        let conn = db.lock();
        let mut job: Job = serde_json::from_value(serde_json::json!({
            "id": "job_1", "kind": "k", "status": "queued", "progress_pct": 0, "payload": {},
            "created_at": "2026-12-02T00:00:00Z"
        }))
        .unwrap();
        insert(&conn, &job).unwrap();
        // The runner read the job while queued; a cancel lands before the runner saves.
        let mut canceled = job.clone();
        canceled.status = JobStatus::Canceled;
        assert!(save(&conn, &canceled, JobStatus::Queued).unwrap());
        job.status = JobStatus::Running;
        assert!(!save(&conn, &job, JobStatus::Queued).unwrap(), "the stale write is refused");
        assert_eq!(load(&conn, "job_1").unwrap().unwrap().status, JobStatus::Canceled);
        drop(conn);
        let _ = std::fs::remove_dir_all(dir);
    }
}
