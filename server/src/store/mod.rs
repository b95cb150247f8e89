//! Storage: one SQLite file (WAL) in the data dir. Objects are stored as their JSON with the
//! columns queries need beside them. Every query of the server is in this module, behind typed
//! functions over a [`Connection`] (the caller holds the lock, and a transaction when it needs
//! one): jobs, webhook endpoints, events, deliveries and idempotency keys each have their own.

pub(crate) mod deliveries;
pub(crate) mod endpoints;
pub(crate) mod events;
pub(crate) mod idempotency;
pub(crate) mod jobs;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::secrets::Caller;

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
    created_at REAL DEFAULT (unixepoch('subsec')),
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
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at REAL DEFAULT (unixepoch('subsec'))
);
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
CREATE INDEX IF NOT EXISTS events_created ON events (created_at);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at);
";

/// The database: one connection behind a mutex (SQLite serializes writers anyway).
pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens (or creates) `<dir>/hookwise.db` and its schema, migrating older data dirs. The dir
    /// is made private to its owner (0700) and the database file with it (0600): it holds the
    /// endpoints' secrets.
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
        let conn = Connection::open(&path).map_err(|e| e.to_string())?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| e.to_string())?;
        migrate(&conn).map_err(|e| format!("cannot migrate the database: {e}"))?;
        conn.execute_batch(SCHEMA).map_err(|e| e.to_string())?;
        hash_callers(&conn).map_err(|e| format!("cannot migrate the database: {e}"))?;
        Ok(Db { conn: Mutex::new(conn) })
    }

    /// The connection, for one short unit of work.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A value of the `meta` table, set to `first` on first use.
    ///
    /// # Errors
    /// Storage errors.
    pub fn meta_or_insert(&self, key: &str, first: String) -> rusqlite::Result<String> {
        let conn = self.lock();
        if let Some(v) = conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()? {
            return Ok(v);
        }
        conn.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", params![key, first])?;
        Ok(first)
    }
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
/// time `now` (unix seconds), and go at a later pruning.
pub(crate) fn prune(conn: &Connection, now: f64, key_ttl: Duration, event_ttl: Duration) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute("UPDATE idempotency_keys SET created_at = ?1 WHERE created_at IS NULL", [now])?;
    tx.execute("UPDATE events SET created_at = ?1 WHERE created_at IS NULL", [now])?;
    tx.execute("DELETE FROM idempotency_keys WHERE created_at < ?1", [now - key_ttl.as_secs_f64()])?;
    let expired = now - event_ttl.as_secs_f64();
    // An event with a pending delivery keeps all its rows (and is pruned once none is pending).
    tx.execute(
        "DELETE FROM deliveries WHERE event_id IN (SELECT id FROM events WHERE created_at < ?1
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.status = 'pending'))",
        [expired],
    )?;
    tx.execute(
        "DELETE FROM events WHERE created_at < ?1 AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = events.id)",
        [expired],
    )?;
    tx.commit()
}

/// Brings a database made by an older version up to `SCHEMA` (which only creates what is
/// missing): deliveries once kept a copy of their endpoint's secret; they read it at attempt time
/// now, so the copies go. They once kept their lease in `next_attempt_at` (losing the due time);
/// the lease has its own column now. Idempotency keys and events had no time to be pruned by
/// (their rows get one at the next pruning, see `prune`).
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    for (table, column) in
        [("deliveries", "leased_until"), ("idempotency_keys", "created_at"), ("events", "created_at")]
    {
        let missing: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1))
                 AND NOT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
            [table, column],
            |r| r.get(0),
        )?;
        if missing {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} REAL;"))?;
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

    #[test]
    fn a_data_dir_whose_deliveries_copied_secrets_opens_and_loses_the_copies() {
        let dir = std::env::temp_dir().join(format!("hookwise-migrate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        {
            // The deliveries table as earlier versions made it, with a pending delivery.
            let old = Connection::open(dir.join("hookwise.db")).unwrap();
            old.execute_batch(
                "CREATE TABLE deliveries (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, event_id TEXT NOT NULL,
                    event_type TEXT NOT NULL, endpoint_id TEXT, url TEXT NOT NULL, secret TEXT NOT NULL,
                    status TEXT NOT NULL, attempts TEXT NOT NULL DEFAULT '[]', next_attempt_at REAL);
                 INSERT INTO deliveries (id, event_id, event_type, endpoint_id, url, secret, status, next_attempt_at)
                 VALUES ('dlv_1', 'evt_1', 'job.succeeded', 'we_1', 'https://x.test', 'whsec_old_copy', 'pending', 0);",
            )
            .unwrap();
        }
        let db = Db::open(&dir).unwrap();
        let conn = db.lock();
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
        drop(db);
        let file = std::fs::read(dir.join("hookwise.db")).unwrap();
        assert!(!file.windows(14).any(|w| w == b"whsec_old_copy"), "the copied secret is gone from the file");
        Db::open(&dir).unwrap(); // and opening again is a no-op
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn idempotency_keys_scoped_by_a_raw_api_key_are_scoped_by_its_hash_after_opening() {
        let dir = std::env::temp_dir().join(format!("hookwise-migrate-callers-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        {
            let old = Connection::open(dir.join("hookwise.db")).unwrap();
            old.execute_batch(
                "CREATE TABLE idempotency_keys (api_key TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
                     job_id TEXT NOT NULL, PRIMARY KEY (api_key, key));
                 INSERT INTO idempotency_keys VALUES ('hw_test_key', 'k1', 'h', 'job_1');",
            )
            .unwrap();
        }
        for _ in 0..2 {
            // Opening twice hashes once.
            let db = Db::open(&dir).unwrap();
            let caller: String =
                db.lock().query_row("SELECT api_key FROM idempotency_keys WHERE key = 'k1'", [], |r| r.get(0)).unwrap();
            // Python: hashlib.sha256(b"hw_test_key").hexdigest()
            assert_eq!(caller, "d284f755c0236153d4b6f635bcee574e80bc1bfe3a46525f7e7d1be06bfc3248");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
