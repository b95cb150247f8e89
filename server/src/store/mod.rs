//! Storage: one SQLite file (WAL) in the data dir. Objects are stored as their JSON with the
//! columns queries need beside them. Every query of the server is in this module, behind typed
//! functions over a [`Connection`]: jobs, webhook endpoints, events, deliveries and idempotency
//! keys each have their own.
//!
//! Writes go through one writer thread that owns the only writing connection ([`Db::write`]):
//! each write is a closure run in a savepoint of the transaction the writer has open, and the
//! writer commits the writes queued meanwhile together (group commit), answering each only once
//! its transaction is committed. So a write's reads and changes are one atomic unit (a failed write
//! is rolled back alone), and many writes share one commit and its page writes. Reads run on a
//! small pool of read-only connections ([`Db::read`]) beside the writer (WAL lets them), and see
//! every write answered before they start.

pub(crate) mod deliveries;
pub(crate) mod endpoints;
pub(crate) mod events;
pub(crate) mod idempotency;
pub(crate) mod jobs;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::types::Type;
use rusqlite::{ffi, params, Connection, OptionalExtension, Row};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::secrets::Caller;

/// Set on the writing connection (the journal mode is the file's, `synchronous` the connection's):
/// a commit is durable once written to the WAL, which is synced at checkpoints.
const PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Jobs, endpoints and events belong to the API key that made them (`owner`: its SHA-256, see
-- `Caller`); every query of the API is scoped by it. '' is no one's yet (see `adopt`).
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    -- The W3C trace id of the request that created the job (its event's deliveries carry it).
    trace_id TEXT,
    owner TEXT NOT NULL DEFAULT ''
);
-- One index per filter of a list (each ends with the rowid, seq: pages come in its order); the
-- status index finds the unfinished jobs at start.
CREATE INDEX IF NOT EXISTS jobs_owner_kind_status ON jobs (owner, kind, status);
CREATE INDEX IF NOT EXISTS jobs_owner_kind ON jobs (owner, kind);
CREATE INDEX IF NOT EXISTS jobs_owner_status ON jobs (owner, status);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs (owner);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status);
-- How many jobs each owner has per kind and status, and per status: a list's total_count without
-- counting rows. Kept by the triggers below, in the transaction that changes the jobs.
CREATE TABLE IF NOT EXISTS job_counts (
    owner TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (owner, kind, status)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS job_status_counts (
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (owner, status)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS jobs_count_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO job_counts VALUES (NEW.owner, NEW.kind, NEW.status, 1) ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO job_status_counts VALUES (NEW.owner, NEW.status, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS jobs_count_update AFTER UPDATE OF owner, kind, status ON jobs
WHEN OLD.owner IS NOT NEW.owner OR OLD.kind IS NOT NEW.kind OR OLD.status IS NOT NEW.status BEGIN
    UPDATE job_counts SET n = n - 1 WHERE owner = OLD.owner AND kind = OLD.kind AND status = OLD.status;
    UPDATE job_status_counts SET n = n - 1 WHERE owner = OLD.owner AND status = OLD.status;
    INSERT INTO job_counts VALUES (NEW.owner, NEW.kind, NEW.status, 1) ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO job_status_counts VALUES (NEW.owner, NEW.status, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS jobs_count_delete AFTER DELETE ON jobs BEGIN
    UPDATE job_counts SET n = n - 1 WHERE owner = OLD.owner AND kind = OLD.kind AND status = OLD.status;
    UPDATE job_status_counts SET n = n - 1 WHERE owner = OLD.owner AND status = OLD.status;
END;
CREATE TABLE IF NOT EXISTS idempotency_keys (
    api_key TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    job_id TEXT NOT NULL,
    created_at REAL DEFAULT (unixepoch('subsec')),
    PRIMARY KEY (api_key, key)
);
CREATE TABLE IF NOT EXISTS endpoints (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS endpoints_owner ON endpoints (owner);
-- Listed newest first by rowid (ids are ULIDs: the rowid follows their order).
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at REAL DEFAULT (unixepoch('subsec')),
    trace_id TEXT,
    owner TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_owner ON events (owner);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    endpoint_id TEXT,
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts TEXT NOT NULL DEFAULT '[]',
    next_attempt_at REAL,
    leased_until REAL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_event ON deliveries (event_id);
CREATE INDEX IF NOT EXISTS deliveries_endpoint ON deliveries (endpoint_id);
CREATE INDEX IF NOT EXISTS events_created ON events (created_at);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at);
";

/// Fills the counts of a database made before `job_counts` had owners (in the transaction that
/// creates it).
const COUNT_JOBS: &str = "
INSERT INTO job_counts (owner, kind, status, n) SELECT owner, kind, status, COUNT(*) FROM jobs GROUP BY 1, 2, 3;
INSERT INTO job_status_counts (owner, status, n) SELECT owner, status, COUNT(*) FROM jobs GROUP BY 1, 2;
";

/// What a database made before jobs had owners loses once `jobs.owner` is added: the counts
/// without owners (made again and counted by `create_schema`), their triggers, and the indexes
/// without the owner.
const UNOWNED_COUNTS: &str = "
DROP TRIGGER IF EXISTS jobs_count_insert;
DROP TRIGGER IF EXISTS jobs_count_update;
DROP TRIGGER IF EXISTS jobs_count_delete;
DROP TABLE IF EXISTS job_counts;
DROP TABLE IF EXISTS job_status_counts;
DROP INDEX IF EXISTS jobs_kind_status;
DROP INDEX IF EXISTS jobs_kind;
";

/// A write queued for the writer: run in a savepoint, it says whether its changes stand (else they
/// are rolled back) and gives what answers its caller once the transaction ends.
type Op = Box<dyn FnOnce(&Connection) -> (bool, Answer) + Send>;
/// Answers a write's caller: `None` once committed, else why its transaction failed.
type Answer = Box<dyn FnOnce(Option<&rusqlite::Error>) + Send>;

/// A transaction commits after this many writes at most…
const MAX_BATCH: usize = 512;
/// …or once it has been open this long, whichever comes first.
const MAX_BATCH_TIME: Duration = Duration::from_millis(5);
/// Idle read connections kept for the next reads.
const MAX_IDLE_READERS: usize = 8;
/// The writer's page cache (KiB); readers keep SQLite's default and read through the memory map.
const WRITER_CACHE_KIB: i64 = 64 * 1024;
/// How much of the file is read through a memory map (SQLite caps it at its build's maximum).
const MMAP_BYTES: i64 = 2 * 1024 * 1024 * 1024;

/// The database: a writer thread that owns the writing connection, and a pool of read-only ones.
pub struct Db {
    path: PathBuf,
    ops: Option<mpsc::Sender<Op>>,
    writer: Option<JoinHandle<()>>,
    readers: Mutex<Vec<Connection>>,
}

impl Db {
    /// Opens (or creates) `<dir>/hookwise.db` and its schema, migrating older data dirs, and
    /// starts its writer. The dir is made private to its owner (0700) and the database file with it
    /// (0600): it holds the endpoints' secrets.
    ///
    /// # Errors
    /// When the dir or the file cannot be made private, or the file opened or migrated.
    pub fn open(dir: &Path) -> Result<Db, String> {
        let path = dir.join("hookwise.db");
        private(dir, 0o700)?;
        if !path.exists() {
            create_private(&path)?;
        }
        for file in ["hookwise.db", "hookwise.db-wal", "hookwise.db-shm"] {
            let file = dir.join(file);
            if file.exists() {
                private(&file, 0o600)?;
            }
        }
        let conn = connect(&path).map_err(|e| e.to_string())?;
        conn.execute_batch(PRAGMAS).map_err(|e| e.to_string())?;
        conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB).map_err(|e| e.to_string())?;
        migrate(&conn).map_err(|e| format!("cannot migrate the database: {e}"))?;
        create_schema(&conn).map_err(|e| format!("cannot create the schema: {e}"))?;
        hash_callers(&conn).map_err(|e| format!("cannot migrate the database: {e}"))?;
        let (ops, queue) = mpsc::channel();
        let writer = std::thread::Builder::new()
            .name("hookwise-db-writer".to_owned())
            .spawn(move || write_loop(&conn, &queue))
            .map_err(|e| format!("cannot start the database writer: {e}"))?;
        Ok(Db { path, ops: Some(ops), writer: Some(writer), readers: Mutex::default() })
    }

    /// Runs `f` on a read-only connection: it sees every write answered before.
    ///
    /// # Errors
    /// `f`'s, and a read connection that cannot be opened.
    pub fn read<T, E: From<rusqlite::Error>>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E> {
        let idle = self.readers.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => connect(&self.path).and_then(|c| c.execute_batch("PRAGMA query_only = ON;").map(|()| c))?,
        };
        let result = f(&conn);
        let mut idle = self.readers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    /// Runs `f` in the writer's transaction and answers once that is committed: `f`'s result, or
    /// the commit's error (then nothing of `f` stands). `f` failing rolls back its changes only.
    ///
    /// # Errors
    /// `f`'s, or the transaction's.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<rusqlite::Error> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(f, move |result| drop(tx.send(result)));
        rx.await.unwrap_or_else(|_| Err(not_written()))
    }

    /// [`Db::write`], waiting in this thread (at start, and outside a runtime).
    ///
    /// # Errors
    /// As [`Db::write`].
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<rusqlite::Error> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit(f, move |result| drop(tx.send(result)));
        rx.recv().unwrap_or_else(|_| Err(not_written()))
    }

    /// Queues `f` for the writer; `reply` gets its outcome. If the writer is gone, `reply` is
    /// dropped unanswered.
    fn submit<T, E, F, R>(&self, f: F, reply: R)
    where
        T: Send + 'static,
        E: From<rusqlite::Error> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        R: FnOnce(Result<T, E>) + Send + 'static,
    {
        let op: Op = Box::new(move |conn| {
            let result = f(conn);
            let keep = result.is_ok();
            let answer: Answer = Box::new(move |failed| {
                reply(match (result, failed) {
                    (Ok(_), Some(e)) => Err(copy(e).into()),
                    (result, _) => result,
                });
            });
            (keep, answer)
        });
        if let Some(ops) = &self.ops {
            let _ = ops.send(op);
        }
    }

    /// A value of the `meta` table, set to `first` on first use.
    ///
    /// # Errors
    /// Storage errors.
    pub fn meta_or_insert(&self, key: &str, first: String) -> rusqlite::Result<String> {
        let key = key.to_owned();
        self.write_blocking(move |conn| {
            let mut select = conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
            if let Some(v) = select.query_row([&key], |r| r.get(0)).optional()? {
                return Ok(v);
            }
            conn.prepare_cached("INSERT INTO meta (key, value) VALUES (?1, ?2)")?.execute(params![key, first])?;
            Ok(first)
        })
    }
}

impl Drop for Db {
    /// Stops the writer once it has committed what was queued, and closes every connection: once
    /// the `Db` is gone, the file is free.
    fn drop(&mut self) {
        drop(self.ops.take());
        if let Some(writer) = self.writer.take() {
            if writer.thread().id() != std::thread::current().id() {
                let _ = writer.join();
            }
        }
    }
}

/// A connection to `path` with what every one of the server's has: a busy timeout, a statement
/// cache for every query of this module, and the file read through a memory map.
fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    Ok(conn)
}

/// The error of a write whose outcome is unknown to its caller: the writer stopped, or the write
/// panicked (rolled back).
fn not_written<E: From<rusqlite::Error>>() -> E {
    rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_ABORT), Some("the write was not done".to_owned())).into()
}

/// `e` again, for each write of a transaction that failed.
fn copy(e: &rusqlite::Error) -> rusqlite::Error {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => rusqlite::Error::SqliteFailure(*code, message.clone()),
        other => rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_ERROR), Some(other.to_string())),
    }
}

/// Runs `sql` (one statement without parameters) through the statement cache.
fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

/// The writer: takes the first write queued, opens a transaction, runs every write queued
/// meanwhile (up to [`MAX_BATCH`] or [`MAX_BATCH_TIME`]), commits, then answers them all.
fn write_loop(conn: &Connection, queue: &mpsc::Receiver<Op>) {
    while let Ok(first) = queue.recv() {
        let started = Instant::now();
        let mut answers = Vec::new();
        let mut failed = exec(conn, "BEGIN IMMEDIATE").err();
        let mut next = Some(first);
        while let Some(op) = next.take() {
            if failed.is_none() {
                match run(conn, op) {
                    Ok(Some(answer)) => answers.push(answer),
                    Ok(None) => {}
                    Err(e) => failed = Some(e),
                }
            }
            if answers.len() < MAX_BATCH && started.elapsed() < MAX_BATCH_TIME {
                next = queue.try_recv().ok();
            }
        }
        if failed.is_none() && conn.is_autocommit() {
            // SQLite ended the transaction itself (some I/O and memory errors do).
            failed = Some(rusqlite::Error::SqliteFailure(
                ffi::Error::new(ffi::SQLITE_ABORT),
                Some("the transaction was rolled back".to_owned()),
            ));
        }
        if failed.is_none() {
            failed = exec(conn, "COMMIT").err();
        }
        if failed.is_some() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for answer in answers {
            answer(failed.as_ref());
        }
    }
}

/// Runs one write in a savepoint, kept if it succeeded and rolled back if it failed or panicked
/// (its caller then learns it was not done). `Err` when the savepoint could not be ended: the
/// transaction as a whole is lost.
fn run(conn: &Connection, op: Op) -> rusqlite::Result<Option<Answer>> {
    if exec(conn, "SAVEPOINT op").is_err() {
        return Ok(None);
    }
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| op(conn))).ok();
    if outcome.as_ref().is_some_and(|(keep, _)| *keep) {
        exec(conn, "RELEASE op")?;
    } else {
        exec(conn, "ROLLBACK TO op")?;
        exec(conn, "RELEASE op")?;
    }
    Ok(outcome.map(|(_, answer)| answer))
}

/// Column `i` of `row`, a JSON text, as a `T`.
fn json<T: DeserializeOwned>(row: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let text: String = row.get(i)?;
    serde_json::from_str(&text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

/// `value` as the JSON text a column keeps.
fn to_json<T: Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Deletes idempotency keys older than `key_ttl`, and events older than `event_ttl` with their
/// deliveries once none of those is pending. Rows from before the `created_at` columns get the
/// time `now` (unix seconds), and go at a later pruning. (A write: atomic as one.)
pub(crate) fn prune(conn: &Connection, now: f64, key_ttl: Duration, event_ttl: Duration) -> rusqlite::Result<()> {
    conn.execute("UPDATE idempotency_keys SET created_at = ?1 WHERE created_at IS NULL", [now])?;
    conn.execute("UPDATE events SET created_at = ?1 WHERE created_at IS NULL", [now])?;
    conn.execute("DELETE FROM idempotency_keys WHERE created_at < ?1", [now - key_ttl.as_secs_f64()])?;
    let expired = now - event_ttl.as_secs_f64();
    // An event with a pending delivery keeps all its rows (and is pruned once none is pending).
    conn.execute(
        "DELETE FROM deliveries WHERE event_id IN (SELECT id FROM events WHERE created_at < ?1
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.status = 'pending'))",
        [expired],
    )?;
    conn.execute(
        "DELETE FROM events WHERE created_at < ?1 AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = events.id)",
        [expired],
    )
    .map(drop)
}

/// Creates what `SCHEMA` has and the file lacks, in one transaction; a database made before the
/// job counts gets them counted in it.
fn create_schema(conn: &Connection) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    let counted: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'job_counts')", [], |r| r.get(0))?;
    tx.execute_batch(SCHEMA)?;
    if !counted {
        tx.execute_batch(COUNT_JOBS)?;
    }
    tx.commit()
}

/// Brings a database made by an older version up to `SCHEMA` (which only creates what is
/// missing): deliveries once kept a copy of their endpoint's secret; they read it at attempt time
/// now, so the copies go. They once kept their lease in `next_attempt_at` (losing the due time);
/// the lease has its own column now. Idempotency keys and events had no time to be pruned by
/// (their rows get one at the next pruning, see `prune`). Jobs, endpoints and events had no owner
/// (they get one at start, see `adopt`), and the job counts none either.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let owner = "TEXT NOT NULL DEFAULT ''";
    for (table, column, kind) in [
        ("deliveries", "leased_until", "REAL"),
        ("idempotency_keys", "created_at", "REAL"),
        ("events", "created_at", "REAL"),
        ("jobs", "trace_id", "TEXT"),
        ("events", "trace_id", "TEXT"),
        ("jobs", "owner", owner),
        ("endpoints", "owner", owner),
        ("events", "owner", owner),
    ] {
        let missing: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1))
                 AND NOT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
            [table, column],
            |r| r.get(0),
        )?;
        if missing {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind};"))?;
            if (table, column) == ("jobs", "owner") {
                conn.execute_batch(UNOWNED_COUNTS)?;
            }
        }
    }
    let copies_secrets: bool =
        conn.query_row("SELECT COUNT(*) > 0 FROM pragma_table_info('deliveries') WHERE name = 'secret'", [], |r| {
            r.get(0)
        })?;
    if copies_secrets {
        conn.execute_batch("ALTER TABLE deliveries DROP COLUMN secret; VACUUM;")?;
    }
    Ok(())
}

/// Gives the jobs, endpoints and events that belong to no one (made before they had owners) to
/// `owner`: the server's first API key. (A write: atomic as one; a no-op once done.)
pub(crate) fn adopt(conn: &Connection, owner: &Caller) -> rusqlite::Result<()> {
    for table in ["jobs", "endpoints", "events"] {
        conn.execute(&format!("UPDATE {table} SET owner = ?1 WHERE owner = ''"), [&owner.0])?;
    }
    Ok(())
}

/// Idempotency keys were once scoped by the caller's API key itself; they are scoped by its hash
/// now (see [`Caller`]), so the keys in a database made before are replaced by theirs, once.
fn hash_callers(conn: &Connection) -> rusqlite::Result<()> {
    const DONE: &str = "idempotency_callers_hashed";
    let tx = conn.unchecked_transaction()?;
    if tx.query_row("SELECT 1 FROM meta WHERE key = ?1", [DONE], |_| Ok(())).optional()?.is_some() {
        return Ok(());
    }
    let keys: Vec<String> = {
        let mut stmt = tx.prepare("SELECT DISTINCT api_key FROM idempotency_keys")?;
        let keys = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        keys
    };
    for key in keys {
        tx.execute("UPDATE idempotency_keys SET api_key = ?2 WHERE api_key = ?1", params![key, Caller::of(&key).0])?;
    }
    tx.execute("INSERT INTO meta (key, value) VALUES (?1, 'sha256')", [DONE])?;
    tx.commit()
}

/// Creates the empty file `path`, readable and writable by its owner only.
fn create_private(path: &Path) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// Sets the permissions of `path` to `mode` (Unix; elsewhere the OS's defaults stand).
fn private(path: &Path, mode: u32) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("cannot restrict {} to mode {mode:o}: {e}", path.display()))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

    use super::*;

    /// A data dir named `name` (under the temp dir) whose database an earlier version made:
    /// `schema` (tables and rows) run in it.
    fn old_data_dir(name: &str, schema: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Connection::open(dir.join("hookwise.db")).unwrap().execute_batch(schema).unwrap();
        dir
    }

    #[test]
    fn a_data_dir_whose_deliveries_copied_secrets_opens_and_loses_the_copies() {
        // The deliveries table as earlier versions made it, with a pending delivery.
        let dir = old_data_dir(
            "hookwise-migrate",
            "CREATE TABLE deliveries (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, event_id TEXT NOT NULL,
                event_type TEXT NOT NULL, endpoint_id TEXT, url TEXT NOT NULL, secret TEXT NOT NULL,
                status TEXT NOT NULL, attempts TEXT NOT NULL DEFAULT '[]', next_attempt_at REAL);
             INSERT INTO deliveries (id, event_id, event_type, endpoint_id, url, secret, status, next_attempt_at)
             VALUES ('dlv_1', 'evt_1', 'job.succeeded', 'we_1', 'https://x.test', 'whsec_old_copy', 'pending', 0);",
        );
        let db = Db::open(&dir).unwrap();
        drop(db); // the migration is done by opening
        let conn = Connection::open(dir.join("hookwise.db")).unwrap();
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('deliveries')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!columns.contains(&"secret".to_owned()), "{columns:?}");
        let kept: (String, String) =
            conn.query_row("SELECT id, status FROM deliveries", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!(kept, ("dlv_1".to_owned(), "pending".to_owned()));
        // New deliveries insert without a secret.
        conn.execute(
            "INSERT INTO deliveries (id, event_id, event_type, endpoint_id, url, status) \
             VALUES ('dlv_2', 'evt_1', 'job.succeeded', 'we_1', 'https://x.test', 'pending')",
            [],
        )
        .unwrap();
        drop(conn);
        let file = std::fs::read(dir.join("hookwise.db")).unwrap();
        assert!(!file.windows(14).any(|w| w == b"whsec_old_copy"), "the copied secret is gone from the file");
        Db::open(&dir).unwrap(); // and opening again is a no-op
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn idempotency_keys_scoped_by_a_raw_api_key_are_scoped_by_its_hash_after_opening() {
        let dir = old_data_dir(
            "hookwise-migrate-callers",
            "CREATE TABLE idempotency_keys (api_key TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
                 job_id TEXT NOT NULL, PRIMARY KEY (api_key, key));
             INSERT INTO idempotency_keys VALUES ('hw_test_key', 'k1', 'h', 'job_1');",
        );
        for _ in 0..2 {
            // Opening twice hashes once.
            let db = Db::open(&dir).unwrap();
            let caller: String = db
                .read(|conn| conn.query_row("SELECT api_key FROM idempotency_keys WHERE key = 'k1'", [], |r| r.get(0)))
                .unwrap();
            // Python: hashlib.sha256(b"hw_test_key").hexdigest()
            assert_eq!(caller, "d284f755c0236153d4b6f635bcee574e80bc1bfe3a46525f7e7d1be06bfc3248");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_data_dir_made_before_the_job_counts_gets_them_counted_once() {
        // The jobs table as earlier versions made it (no counts, one index), with jobs in it.
        let dir = old_data_dir(
            "hookwise-migrate-counts",
            "CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
                 status TEXT NOT NULL, body TEXT NOT NULL);
             CREATE INDEX jobs_kind_status ON jobs (kind, status);
             INSERT INTO jobs (id, kind, status, body) VALUES ('job_1', 'a', 'queued', '{}'),
                 ('job_2', 'a', 'succeeded', '{}'), ('job_3', 'b', 'succeeded', '{}');",
        );
        let counts = |db: &Db| -> Vec<(String, String, i64)> {
            db.read(|conn| {
                let mut stmt = conn.prepare(
                    "SELECT kind, status, n FROM job_counts
                     UNION ALL SELECT '*', status, n FROM job_status_counts ORDER BY 1, 2",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect();
                rows
            })
            .unwrap()
        };
        let expected = |rows: &[(&str, &str, i64)]| -> Vec<(String, String, i64)> {
            rows.iter().map(|(k, s, n)| ((*k).to_owned(), (*s).to_owned(), *n)).collect()
        };
        let db = Db::open(&dir).unwrap();
        assert_eq!(
            counts(&db),
            expected(&[
                ("*", "queued", 1),
                ("*", "succeeded", 2),
                ("a", "queued", 1),
                ("a", "succeeded", 1),
                ("b", "succeeded", 1)
            ])
        );
        db.write_blocking(|conn| conn.execute("UPDATE jobs SET status = 'canceled' WHERE id = 'job_1'", [])).unwrap();
        drop(db);
        // Opening again counts nothing twice; the triggers kept the counts meanwhile.
        let db = Db::open(&dir).unwrap();
        assert_eq!(
            counts(&db),
            expected(&[
                ("*", "canceled", 1),
                ("*", "queued", 0),
                ("*", "succeeded", 2),
                ("a", "canceled", 1),
                ("a", "queued", 0),
                ("a", "succeeded", 1),
                ("b", "succeeded", 1)
            ])
        );
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn data_from_before_owners_is_the_first_keys_after_start_and_counted_as_its() {
        let dir = old_data_dir(
            "hookwise-migrate-owners",
            "CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
                 status TEXT NOT NULL, body TEXT NOT NULL);
             CREATE TABLE endpoints (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                 secret TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,
                 body TEXT NOT NULL);
             CREATE TABLE events (id TEXT PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL);
             INSERT INTO jobs (id, kind, status, body) VALUES ('job_1', 'a', 'queued', '{}'), ('job_2', 'a', 'succeeded', '{}');
             INSERT INTO endpoints (id, secret, body) VALUES ('we_1', 'whsec_x', '{}');
             INSERT INTO events (id, type, body) VALUES ('evt_1', 'job.succeeded', '{}');",
        );
        let db = Db::open(&dir).unwrap();
        let owner = Caller::of("hw_first_key");
        let expected = owner.0.clone();
        db.write_blocking(move |conn| adopt(conn, &owner)).unwrap();
        let (owners, counts): (Vec<String>, Vec<(String, String, i64)>) = db
            .read(|conn| {
                let mut stmt = conn.prepare(
                    "SELECT owner FROM jobs UNION ALL SELECT owner FROM endpoints UNION ALL SELECT owner FROM events",
                )?;
                let owners = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
                let mut stmt =
                    conn.prepare("SELECT owner, status, n FROM job_status_counts WHERE n > 0 ORDER BY status")?;
                let counts =
                    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
                Ok::<_, rusqlite::Error>((owners, counts))
            })
            .unwrap();
        assert_eq!(owners, vec![expected.clone(); 4]);
        assert_eq!(counts, [(expected.clone(), "queued".to_owned(), 1), (expected, "succeeded".to_owned(), 1)]);
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn writes_answer_after_their_commit_and_a_failed_write_is_rolled_back_alone() {
        let dir = std::env::temp_dir().join(format!("hookwise-writer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = std::sync::Arc::new(Db::open(&dir).unwrap());
        // Many writers at once: the writer commits them in a few transactions, each answered once
        // its own is committed; the odd ones fail after writing, and only their rows go.
        let threads: Vec<_> = (0..200)
            .map(|i| {
                let db = db.clone();
                std::thread::spawn(move || {
                    let result = db.write_blocking(move |conn| {
                        conn.execute("INSERT INTO meta (key, value) VALUES (?1, 'v')", [format!("k{i}")])?;
                        if i % 2 == 1 {
                            return Err(rusqlite::Error::QueryReturnedNoRows);
                        }
                        Ok(i)
                    });
                    // Answered: a new reader sees the row (if it stands).
                    let seen: bool = db
                        .read(|conn| {
                            conn.query_row(
                                "SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?1)",
                                [format!("k{i}")],
                                |r| r.get(0),
                            )
                        })
                        .unwrap();
                    (result.is_ok(), seen)
                })
            })
            .collect();
        for (i, thread) in threads.into_iter().enumerate() {
            assert_eq!(thread.join().unwrap(), (i % 2 == 0, i % 2 == 0), "write {i}");
        }
        // A write that panics is rolled back and answered with an error; the writer goes on.
        let panicked = db.write_blocking(|conn| -> rusqlite::Result<()> {
            conn.execute("INSERT INTO meta (key, value) VALUES ('panic', 'v')", [])?;
            panic!("a bug in a write");
        });
        assert!(panicked.is_err());
        let rows: i64 = db
            .read(|conn| {
                conn.query_row("SELECT COUNT(*) FROM meta WHERE key LIKE 'k%' OR key = 'panic'", [], |r| r.get(0))
            })
            .unwrap();
        assert_eq!(rows, 100);
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
}
