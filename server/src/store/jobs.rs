//! Jobs: the job's JSON, with its kind and status beside it for filtering and conditional updates.

use hookwise::client::{Job, JobStatus};
use rusqlite::{params, Connection, OptionalExtension as _, ToSql};

use super::{json, to_json};
use crate::secrets::Caller;
use crate::trace::TraceId;

/// Stores a new job of `owner`.
pub(crate) fn insert(conn: &Connection, owner: &Caller, job: &Job, trace_id: &TraceId) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO jobs (id, kind, status, body, trace_id, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![job.id, job.kind, job.status.as_str(), to_json(job)?, trace_id.as_str(), owner.0])
        .map(drop)
}

/// Whose job `id` is, and the trace it was created in (`None` for a job stored before traces
/// were kept); `None` when there is no such job.
pub(crate) fn origin(conn: &Connection, id: &str) -> rusqlite::Result<Option<(Caller, Option<TraceId>)>> {
    conn.prepare_cached("SELECT owner, trace_id FROM jobs WHERE id = ?1")?
        .query_row([id], |r| {
            Ok((Caller(r.get(0)?), r.get::<_, Option<String>>(1)?.as_deref().and_then(TraceId::from_hex)))
        })
        .optional()
}

/// The job `id`, if there is one (and it is `owner`'s, when given).
pub(crate) fn load(conn: &Connection, owner: Option<&Caller>, id: &str) -> rusqlite::Result<Option<Job>> {
    conn.prepare_cached("SELECT body FROM jobs WHERE id = ?1 AND (?2 IS NULL OR owner = ?2)")?
        .query_row(params![id, owner.map(|o| &o.0)], |r| json(r, 0))
        .optional()
}

/// Saves `job` if it is still `was` in the database; whether it was (a job canceled meanwhile is
/// not overwritten).
pub(crate) fn save(conn: &Connection, job: &Job, was: JobStatus) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached("UPDATE jobs SET status = ?2, body = ?3 WHERE id = ?1 AND status = ?4")?
        .execute(params![job.id, job.status.as_str(), to_json(job)?, was.as_str()])?;
    Ok(changed == 1)
}

/// The ids of the jobs queued or running, oldest first.
pub(crate) fn unfinished(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM jobs WHERE status IN ('queued', 'running') ORDER BY seq")?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect();
    ids
}

/// Which jobs a page lists: `owner`'s, of `kind` and in `status` when given.
pub(crate) struct Filter<'a> {
    pub(crate) owner: &'a str,
    pub(crate) kind: Option<&'a str>,
    pub(crate) status: Option<&'a str>,
}

impl Filter<'_> {
    /// The conditions of the filter (` AND owner = ? AND kind = ? AND status = ?`, kind and status
    /// only when given), and their values: only those, so that SQLite picks the index of that filter.
    fn conditions(&self) -> (String, Vec<&&str>) {
        let given: Vec<(&str, &&str)> =
            [("owner", Some(&self.owner)), ("kind", self.kind.as_ref()), ("status", self.status.as_ref())]
                .into_iter()
                .filter_map(|(column, value)| Some((column, value?)))
                .collect();
        let sql = given.iter().flat_map(|(column, _)| [" AND ", column, " = ?"]).collect();
        (sql, given.into_iter().map(|(_, value)| value).collect())
    }
}

/// How many jobs match `filter`, from the counts the triggers keep (a few rows, whatever the
/// number of jobs).
pub(crate) fn count(conn: &Connection, filter: &Filter<'_>) -> rusqlite::Result<i64> {
    let table = if filter.kind.is_some() { "job_counts" } else { "job_status_counts" };
    let (conditions, values) = filter.conditions();
    conn.prepare_cached(&format!("SELECT COALESCE(SUM(n), 0) FROM {table} WHERE 1{conditions}"))?
        .query_row(rusqlite::params_from_iter(values), |r| r.get(0))
}

/// The query of [`page`] and its arguments (by the index of its filter, in `seq` order).
fn page_query<'a>(filter: &'a Filter<'_>, after: &'a i64, limit: &'a u32) -> (String, Vec<&'a dyn ToSql>) {
    let (conditions, values) = filter.conditions();
    let mut args: Vec<&dyn ToSql> = vec![after];
    args.extend(values.into_iter().map(|v| v as &dyn ToSql));
    args.push(limit);
    (format!("SELECT seq, body FROM jobs WHERE seq > ?{conditions} ORDER BY seq LIMIT ?"), args)
}

/// Up to `limit` jobs matching `filter` created after position `after` (0: from the first), in
/// creation order, each with its position.
pub(crate) fn page(
    conn: &Connection,
    filter: &Filter<'_>,
    after: i64,
    limit: u32,
) -> rusqlite::Result<Vec<(i64, Job)>> {
    let (sql, args) = page_query(filter, &after, &limit);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(&*args, |r| Ok((r.get(0)?, json(r, 1)?)))?.collect();
    rows
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

    use super::*;

    fn job(id: &str, kind: &str) -> Job {
        serde_json::from_value(serde_json::json!({
            "id": id, "kind": kind, "status": "queued", "progress_pct": 0, "payload": {},
            "created_at": "2026-12-02T00:00:00Z"
        }))
        .unwrap()
    }

    /// Runs `f` on a fresh database (as a write), then removes it.
    fn with_db(tag: &str, f: impl FnOnce(&Connection) + Send + 'static) {
        let dir = std::env::temp_dir().join(format!("hookwise-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = crate::store::Db::open(&dir).unwrap();
        db.write_blocking(move |conn| {
            f(conn);
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_stale_job_does_not_overwrite_a_cancel() {
        with_db("save-job", |conn| {
            let mut job = job("job_1", "k");
            insert(conn, &Caller("o".into()), &job, &TraceId::new()).unwrap();
            // The runner read the job while queued; a cancel lands before the runner saves.
            let mut canceled = job.clone();
            canceled.status = JobStatus::Canceled;
            assert!(save(conn, &canceled, JobStatus::Queued).unwrap());
            job.status = JobStatus::Running;
            assert!(!save(conn, &job, JobStatus::Queued).unwrap(), "the stale write is refused");
            assert_eq!(load(conn, None, "job_1").unwrap().unwrap().status, JobStatus::Canceled);
            assert!(load(conn, Some(&Caller("o".into())), "job_1").unwrap().is_some());
            assert!(load(conn, Some(&Caller("other".into())), "job_1").unwrap().is_none(), "another owner's");
        });
    }

    #[test]
    fn counts_follow_every_insert_status_change_and_delete_and_pages_follow_the_filters() {
        with_db("job-counts", |conn| {
            let statuses = [JobStatus::Running, JobStatus::Succeeded, JobStatus::Canceled];
            for i in 0..30 {
                let mut job = job(&format!("job_{i}"), ["a", "b"][i % 2]);
                insert(conn, &Caller(["o1", "o2", "o3"][i % 3].into()), &job, &TraceId::new()).unwrap();
                for status in statuses.iter().take(i % 4) {
                    let was = job.status;
                    job.status = *status;
                    save(conn, &job, was).unwrap();
                }
                job.progress_pct = 50; // a save that keeps the status
                save(conn, &job, job.status).unwrap();
            }
            conn.execute("DELETE FROM jobs WHERE id IN ('job_3', 'job_4')", []).unwrap();
            conn.execute("UPDATE jobs SET owner = 'o2' WHERE id = 'job_6'", []).unwrap(); // o1's before
            for (owner, kind, status) in ["o1", "o2", "o3", "o4"].into_iter().flat_map(|owner| {
                [None, Some("a"), Some("b"), Some("c")].into_iter().flat_map(move |kind| {
                    [None, Some("queued"), Some("running"), Some("succeeded"), Some("canceled")]
                        .map(|status| (owner, kind, status))
                })
            }) {
                {
                    let filter = Filter { owner, kind, status };
                    let counted: i64 = conn
                        .query_row(
                            "SELECT COUNT(*) FROM jobs WHERE owner = ?3
                             AND (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2)",
                            params![kind, status, owner],
                            |r| r.get(0),
                        )
                        .unwrap();
                    assert_eq!(count(conn, &filter).unwrap(), counted, "{owner} {kind:?} {status:?}");
                    let listed = page(conn, &filter, 0, 100).unwrap();
                    assert_eq!(i64::try_from(listed.len()).unwrap(), counted, "{owner} {kind:?} {status:?}");
                    assert!(listed.windows(2).all(|w| w[0].0 < w[1].0), "in creation order");
                    assert!(listed.iter().all(
                        |(_, j)| kind.is_none_or(|k| j.kind == k) && status.is_none_or(|s| j.status.as_str() == s)
                    ));
                    let after = listed.first().map_or(0, |(seq, _)| *seq);
                    assert_eq!(page(conn, &filter, after, 100).unwrap().len(), listed.len().saturating_sub(1));
                }
            }
        });
    }

    #[test]
    fn every_list_and_the_resume_read_an_index() {
        with_db("job-plans", |conn| {
            let plan = |sql: &str, args: &[&dyn ToSql]| -> String {
                let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
                let rows = stmt.query_map(args, |r| r.get::<_, String>(3)).unwrap();
                rows.collect::<Result<Vec<_>, _>>().unwrap().join("; ")
            };
            for (kind, status, index) in [
                (None, None, "jobs_owner "),
                (Some("k"), None, "jobs_owner_kind "),
                (None, Some("queued"), "jobs_owner_status "),
                (Some("k"), Some("queued"), "jobs_owner_kind_status "),
            ] {
                let filter = Filter { owner: "o", kind, status };
                let (sql, args) = page_query(&filter, &0, &20);
                let plan = plan(&sql, &args);
                assert!(plan.contains(index) && !plan.contains("TEMP B-TREE"), "{kind:?} {status:?}: {plan}");
            }
            let plan = plan("SELECT id FROM jobs WHERE status IN ('queued', 'running') ORDER BY seq", &[]);
            assert!(plan.contains("jobs_status"), "{plan}");
        });
    }
}
