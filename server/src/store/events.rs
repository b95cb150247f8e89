//! Events: the body every delivery of the event sends (read with the deliveries due, see
//! `deliveries::due`).

use rusqlite::{params, Connection};

/// Stores event `id` of `event_type` with its `body`.
pub(crate) fn insert(conn: &Connection, id: &str, event_type: &str, body: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO events (id, type, body) VALUES (?1, ?2, ?3)")?
        .execute(params![id, event_type, body])
        .map(drop)
}
