//! Events: the body every delivery of the event sends (read with the deliveries due, see
//! `deliveries::due`), and the owner of the job it is about. Listed newest first.

use rusqlite::{params, Connection, OptionalExtension as _};
use serde_json::Value;

use crate::secrets::Caller;
use crate::trace::TraceId;

/// Stores event `id` of `event_type` with its `body`, in trace `trace_id`, for `owner`.
pub(crate) fn insert(
    conn: &Connection,
    owner: &Caller,
    id: &str,
    event_type: &str,
    body: &str,
    trace_id: &TraceId,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO events (id, type, body, trace_id, owner) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, event_type, body, trace_id.as_str(), owner.0])
        .map(drop)
}

/// An event as the API shows it: its body as delivered, with `"object": "event"`.
fn shown(body: &str) -> rusqlite::Result<Value> {
    let mut value: Value = serde_json::from_str(body)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
    if let Some(fields) = value.as_object_mut() {
        fields.insert("object".to_owned(), Value::from("event"));
    }
    Ok(value)
}

/// `owner`'s event `id`: its type and what the API shows.
pub(crate) fn load(conn: &Connection, owner: &Caller, id: &str) -> rusqlite::Result<Option<(String, Value)>> {
    conn.prepare_cached("SELECT type, body FROM events WHERE id = ?1 AND owner = ?2")?
        .query_row(params![id, owner.0], |r| Ok((r.get(0)?, shown(&r.get::<_, String>(1)?)?)))
        .optional()
}

/// Up to `limit` of `owner`'s events stored before position `before` (`None`: from the newest),
/// newest first, each with its position.
pub(crate) fn page(
    conn: &Connection,
    owner: &Caller,
    before: Option<i64>,
    limit: u32,
) -> rusqlite::Result<Vec<(i64, Value)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT rowid, body FROM events WHERE owner = ?1 AND rowid < ?2 ORDER BY rowid DESC LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(params![owner.0, before.unwrap_or(i64::MAX), limit], |r| {
            Ok((r.get(0)?, shown(&r.get::<_, String>(1)?)?))
        })?
        .collect();
    rows
}
