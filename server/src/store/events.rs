//! Events: the body every delivery of the event sends.

use rusqlite::{params, Connection};

/// Stores event `id` of `event_type` with its `body`.
pub(crate) fn insert(conn: &Connection, id: &str, event_type: &str, body: &str) -> rusqlite::Result<()> {
    conn.execute("INSERT INTO events (id, type, body) VALUES (?1, ?2, ?3)", params![id, event_type, body]).map(drop)
}

/// The body of event `id`.
pub(crate) fn body(conn: &Connection, id: &str) -> rusqlite::Result<String> {
    conn.query_row("SELECT body FROM events WHERE id = ?1", [id], |r| r.get(0))
}
