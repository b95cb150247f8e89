//! Storage: one SQLite file (WAL) in the data dir. Objects are stored as their JSON with the
//! columns queries need beside them.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_kind_status ON jobs (kind, status);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    api_key TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    job_id TEXT NOT NULL,
    PRIMARY KEY (api_key, key)
);
CREATE TABLE IF NOT EXISTS endpoints (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    endpoint_id TEXT,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts TEXT NOT NULL DEFAULT '[]',
    next_attempt_at REAL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
";

/// The database: one connection behind a mutex (SQLite serializes writers anyway).
pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens (or creates) `<dir>/hookwise.db` and its schema.
    ///
    /// # Errors
    /// When the file cannot be opened or the schema applied.
    pub fn open(dir: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open(dir.join("hookwise.db"))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Db { conn: Mutex::new(conn) })
    }

    /// The connection, for one short unit of work.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A value of the `meta` table, created by `make` on first use.
    ///
    /// # Errors
    /// Storage errors.
    pub fn meta_or_insert(&self, key: &str, make: impl FnOnce() -> String) -> rusqlite::Result<String> {
        let conn = self.lock();
        if let Some(v) = conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()? {
            return Ok(v);
        }
        let value = make();
        conn.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", params![key, value])?;
        Ok(value)
    }
}
