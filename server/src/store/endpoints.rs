//! Webhook endpoints: the endpoint's JSON (never with its secret), the secret in a column of its
//! own, the count of consecutive failed deliveries, a deleted flag, and the owner (the API key
//! that registered it). Reads given an owner see only that owner's endpoints.

use hookwise::client::WebhookEndpoint;
use rusqlite::{params, Connection, OptionalExtension as _};

use super::{json, to_json};
use crate::secrets::Caller;

/// The endpoint as stored: without its secret and its failure count (a column of its own).
fn stored(endpoint: &WebhookEndpoint) -> rusqlite::Result<String> {
    to_json(&WebhookEndpoint { secret: None, failure_count: 0, ..endpoint.clone() })
}

/// The endpoint in the JSON column `i` of `row`, with its failure count in the column after it.
pub(crate) fn endpoint(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<WebhookEndpoint> {
    Ok(WebhookEndpoint { failure_count: row.get(i + 1)?, ..json(row, i)? })
}

/// [`endpoint`], with the secret in the column after the failure count.
pub(crate) fn with_secret(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<WebhookEndpoint> {
    Ok(WebhookEndpoint { secret: Some(row.get(i + 2)?), ..endpoint(row, i)? })
}

/// Stores a new endpoint of `owner` with its `secret`.
pub(crate) fn insert(
    conn: &Connection,
    owner: &Caller,
    endpoint: &WebhookEndpoint,
    secret: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO endpoints (id, secret, body, owner) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![endpoint.id, secret, stored(endpoint)?, owner.0])
        .map(drop)
}

/// The endpoint `id` (without its secret), unless there is none, it was deleted, or it is not
/// `owner`'s (when given).
pub(crate) fn load(conn: &Connection, owner: Option<&Caller>, id: &str) -> rusqlite::Result<Option<WebhookEndpoint>> {
    conn.prepare_cached(
        "SELECT body, failures FROM endpoints WHERE id = ?1 AND deleted = 0 AND (?2 IS NULL OR owner = ?2)",
    )?
    .query_row(params![id, owner.map(|o| &o.0)], |r| endpoint(r, 0))
    .optional()
}

/// `owner`'s endpoint `id` with its secret, unless there is none or it was deleted.
pub(crate) fn load_with_secret(
    conn: &Connection,
    owner: &Caller,
    id: &str,
) -> rusqlite::Result<Option<WebhookEndpoint>> {
    conn.prepare_cached("SELECT body, failures, secret FROM endpoints WHERE id = ?1 AND deleted = 0 AND owner = ?2")?
        .query_row(params![id, owner.0], |r| with_secret(r, 0))
        .optional()
}

/// Saves `endpoint`'s fields (its secret and failure count stay as they are).
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

/// Up to `limit` of `owner`'s endpoints not deleted, registered after position `after` (0: from
/// the first), in registration order, each with its position.
pub(crate) fn page(
    conn: &Connection,
    owner: &Caller,
    after: i64,
    limit: u32,
) -> rusqlite::Result<Vec<(i64, WebhookEndpoint)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, body, failures FROM endpoints WHERE owner = ?1 AND deleted = 0 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![owner.0, after, limit], |r| Ok((r.get(0)?, endpoint(r, 1)?)))?.collect();
    rows
}

/// Every endpoint of `owner` not deleted, in registration order.
pub(crate) fn all(conn: &Connection, owner: &Caller) -> rusqlite::Result<Vec<WebhookEndpoint>> {
    let mut stmt =
        conn.prepare_cached("SELECT body, failures FROM endpoints WHERE owner = ?1 AND deleted = 0 ORDER BY seq")?;
    let rows = stmt.query_map([&owner.0], |r| endpoint(r, 0))?.collect();
    rows
}
