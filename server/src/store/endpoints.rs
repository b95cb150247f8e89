//! Webhook endpoints: the endpoint's JSON (never with its secret), the secret in a column of its
//! own, the count of consecutive failed deliveries, and a deleted flag.

use hookwise::client::WebhookEndpoint;
use rusqlite::{params, Connection, OptionalExtension as _};

use super::{json, to_json};

/// The endpoint as stored: without its secret.
fn stored(endpoint: &WebhookEndpoint) -> rusqlite::Result<String> {
    to_json(&WebhookEndpoint { secret: None, ..endpoint.clone() })
}

/// The endpoint in the JSON column `i` of `row`, with the secret in the column after it.
pub(crate) fn with_secret(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<WebhookEndpoint> {
    Ok(WebhookEndpoint { secret: Some(row.get(i + 1)?), ..json(row, i)? })
}

/// Stores a new endpoint with its `secret`.
pub(crate) fn insert(conn: &Connection, endpoint: &WebhookEndpoint, secret: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO endpoints (id, secret, body) VALUES (?1, ?2, ?3)")?
        .execute(params![endpoint.id, secret, stored(endpoint)?])
        .map(drop)
}

/// The endpoint `id` (without its secret), unless there is none or it was deleted.
pub(crate) fn load(conn: &Connection, id: &str) -> rusqlite::Result<Option<WebhookEndpoint>> {
    conn.prepare_cached("SELECT body FROM endpoints WHERE id = ?1 AND deleted = 0")?
        .query_row([id], |r| json(r, 0))
        .optional()
}

/// The endpoint `id` with its secret, unless there is none or it was deleted.
pub(crate) fn load_with_secret(conn: &Connection, id: &str) -> rusqlite::Result<Option<WebhookEndpoint>> {
    conn.prepare_cached("SELECT body, secret FROM endpoints WHERE id = ?1 AND deleted = 0")?
        .query_row([id], |r| with_secret(r, 0))
        .optional()
}

/// Saves `endpoint`'s fields (its secret stays as it is).
pub(crate) fn save(conn: &Connection, endpoint: &WebhookEndpoint) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE endpoints SET body = ?2 WHERE id = ?1")?
        .execute(params![endpoint.id, stored(endpoint)?])
        .map(drop)
}

/// Replaces the secret of endpoint `id`.
pub(crate) fn set_secret(conn: &Connection, id: &str, secret: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE endpoints SET secret = ?2 WHERE id = ?1")?.execute(params![id, secret]).map(drop)
}

/// Marks endpoint `id` deleted.
pub(crate) fn delete(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE endpoints SET deleted = 1 WHERE id = ?1")?.execute([id]).map(drop)
}

/// Forgets endpoint `id`'s failed deliveries (it delivered, or was enabled again); writes nothing
/// when there are none to forget.
pub(crate) fn reset_failures(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE endpoints SET failures = 0 WHERE id = ?1 AND failures != 0")?.execute([id]).map(drop)
}

/// Counts one more failed delivery of endpoint `id`; how many in a row it has failed now.
pub(crate) fn record_failure(conn: &Connection, id: &str) -> rusqlite::Result<u32> {
    conn.prepare_cached("UPDATE endpoints SET failures = failures + 1 WHERE id = ?1 RETURNING failures")?
        .query_row([id], |r| r.get(0))
}

/// Up to `limit` endpoints not deleted, registered after position `after` (0: from the first), in
/// registration order, each with its position.
pub(crate) fn page(conn: &Connection, after: i64, limit: u32) -> rusqlite::Result<Vec<(i64, WebhookEndpoint)>> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, body FROM endpoints WHERE deleted = 0 AND seq > ?1 ORDER BY seq LIMIT ?2")?;
    let rows = stmt.query_map(params![after, limit], |r| Ok((r.get(0)?, json(r, 1)?)))?.collect();
    rows
}

/// Every endpoint not deleted, in registration order.
pub(crate) fn all(conn: &Connection) -> rusqlite::Result<Vec<WebhookEndpoint>> {
    let mut stmt = conn.prepare_cached("SELECT body FROM endpoints WHERE deleted = 0 ORDER BY seq")?;
    let rows = stmt.query_map([], |r| json(r, 0))?.collect();
    rows
}
