//! Events: the body every delivery of the event sends (read with the deliveries due, see
//! `deliveries::due`).

use rusqlite::{params, Connection};

use crate::trace::TraceId;

/// Stores event `id` of `event_type` with its `body`, in trace `trace_id`.
pub(crate) fn insert(
    conn: &Connection,
    id: &str,
    event_type: &str,
    body: &str,
    trace_id: &TraceId,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO events (id, type, body, trace_id) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, event_type, body, trace_id.as_str()])
        .map(drop)
}
