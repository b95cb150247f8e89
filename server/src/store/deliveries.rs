//! Deliveries: one per event and target (an endpoint, or a job's `callback_url`), with every
//! attempt, the due time of the next one and the lease of the one running. No secret: an attempt
//! reads its endpoint's when it starts.

use hookwise::client::{Delivery, DeliveryAttempt, WebhookEndpoint};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection};

use super::{endpoints, json, to_json};
use crate::trace::TraceId;

/// A delivery to queue.
pub(crate) struct New<'a> {
    pub(crate) id: &'a str,
    pub(crate) event_id: &'a str,
    pub(crate) event_type: &'a str,
    /// `None` for a job's `callback_url`.
    pub(crate) endpoint_id: Option<&'a str>,
    pub(crate) url: &'a str,
    /// When the first attempt is due (unix seconds).
    pub(crate) due: f64,
}

/// Queues a delivery.
pub(crate) fn insert(conn: &Connection, new: &New<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO deliveries (id, event_id, event_type, endpoint_id, url, status, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
    )?
    .execute(params![new.id, new.event_id, new.event_type, new.endpoint_id, new.url, new.due])
    .map(drop)
}

/// Cancels the pending deliveries of endpoint `endpoint_id` (deleted or disabled).
pub(crate) fn cancel_pending_of(conn: &Connection, endpoint_id: &str) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "UPDATE deliveries SET status = 'canceled', next_attempt_at = NULL WHERE endpoint_id = ?1 AND status = 'pending'",
    )?
    .execute([endpoint_id])
}

/// Cancels delivery `id` if it is pending.
pub(crate) fn cancel(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE deliveries SET status = 'canceled', next_attempt_at = NULL WHERE id = ?1 AND status = 'pending'",
    )?
    .execute([id])
    .map(drop)
}

/// Whose deliveries a page lists.
#[derive(Clone, Copy)]
pub(crate) enum Of<'a> {
    /// An endpoint's.
    Endpoint(&'a str),
    /// An event's, to endpoints (a job's `callback_url` has no endpoint and is not listed).
    Event(&'a str),
}

/// Up to `limit` deliveries of `of` queued after position `after` (0: from the first), oldest
/// first, each with its position.
pub(crate) fn page(conn: &Connection, of: Of<'_>, after: i64, limit: u32) -> rusqlite::Result<Vec<(i64, Delivery)>> {
    let (column, id) = match of {
        Of::Endpoint(id) => ("endpoint_id", id),
        Of::Event(id) => ("event_id", id),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT seq, id, event_id, event_type, url, status, attempts, next_attempt_at, endpoint_id
         FROM deliveries WHERE {column} = ?1 AND endpoint_id IS NOT NULL AND seq > ?2 ORDER BY seq LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![id, after, limit], |r| {
            let status: String = r.get(5)?;
            let next: Option<f64> = r.get(7)?;
            let delivery = Delivery {
                id: r.get(1)?,
                event_id: r.get(2)?,
                event_type: r.get(3)?,
                endpoint_id: r.get(8)?,
                url: r.get(4)?,
                attempts: json(r, 6)?,
                next_attempt_at: next.filter(|_| status == "pending").and_then(rfc3339),
                status,
            };
            Ok((r.get(0)?, delivery))
        })?
        .collect();
    rows
}

/// Unix seconds `t` as RFC 3339 (whole seconds are what that form carries here).
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn rfc3339(t: f64) -> Option<String> {
    hookwise::webhook::format_rfc3339(t as i64)
}

/// A pending delivery whose attempt is due, with what the attempt needs as it is now.
pub(crate) struct Due {
    pub(crate) id: String,
    pub(crate) event_id: String,
    pub(crate) event_type: String,
    pub(crate) endpoint_id: Option<String>,
    /// The URL of the last attempt (a callback's for good; an endpoint's may have changed since).
    pub(crate) url: String,
    pub(crate) attempts: Vec<DeliveryAttempt>,
    /// The event's body (`None` if the event is gone).
    pub(crate) body: Option<String>,
    /// The event's trace (`None` for an event stored before traces were kept, or gone).
    pub(crate) trace_id: Option<TraceId>,
    /// The endpoint as it is now, with its secret: `None` for a callback, or an endpoint deleted.
    pub(crate) endpoint: Option<WebhookEndpoint>,
}

/// Voids every lease (those of a process that died: their deliveries are due now).
pub(crate) fn release_leases(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE deliveries SET leased_until = NULL WHERE status = 'pending'")?.execute([]).map(drop)
}

/// Up to `limit` deliveries due at `now` and not leased, earliest due first, leaving out those
/// whose target key (the endpoint, or the callback URL) is in `full`; each with its event's body
/// and its endpoint as they are now (one query for all an attempt reads).
pub(crate) fn due(conn: &Connection, now: f64, full: &[&str], limit: usize) -> rusqlite::Result<Vec<Due>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.event_id, d.event_type, d.endpoint_id, d.url, d.attempts, v.body, e.body, e.failures, e.secret,
                v.trace_id
         FROM deliveries d
         LEFT JOIN events v ON v.id = d.event_id
         LEFT JOIN endpoints e ON e.id = d.endpoint_id AND e.deleted = 0
         WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 AND (d.leased_until IS NULL OR d.leased_until <= ?1)
           AND COALESCE(d.endpoint_id, d.url) NOT IN (SELECT value FROM json_each(?2))
         ORDER BY d.next_attempt_at LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(params![now, to_json(&full)?, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            let endpoint = match r.get_ref(7)? {
                ValueRef::Null => None,
                _ => Some(endpoints::with_secret(r, 7)?),
            };
            Ok(Due {
                id: r.get(0)?,
                event_id: r.get(1)?,
                event_type: r.get(2)?,
                endpoint_id: r.get(3)?,
                url: r.get(4)?,
                attempts: json(r, 5)?,
                body: r.get(6)?,
                trace_id: r.get::<_, Option<String>>(10)?.as_deref().and_then(TraceId::from_hex),
                endpoint,
            })
        })?
        .collect();
    rows
}

/// Leases the deliveries `ids` until `until` (unix seconds): no other attempt picks them up before.
pub(crate) fn lease(conn: &Connection, ids: &[&str], until: f64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE deliveries SET leased_until = ?2 WHERE id IN (SELECT value FROM json_each(?1))")?
        .execute(params![to_json(&ids)?, until])
        .map(drop)
}

/// The outcome of one attempt.
pub(crate) struct Outcome<'a> {
    /// Every attempt, this one last.
    pub(crate) attempts: &'a [DeliveryAttempt],
    /// `delivered`, `pending` (to retry at `next`) or `failed`.
    pub(crate) status: &'a str,
    pub(crate) next: Option<f64>,
    /// Where the attempt went.
    pub(crate) url: &'a str,
}

/// Records an attempt of delivery `id` and releases its lease; the delivery's status now. A
/// delivery canceled while the attempt ran keeps the attempt in its record, and its status.
pub(crate) fn record_attempt(conn: &Connection, id: &str, outcome: &Outcome<'_>) -> rusqlite::Result<String> {
    conn.prepare_cached(
        "UPDATE deliveries SET url = ?5, attempts = ?3, leased_until = NULL,
             status = CASE WHEN status = 'pending' THEN ?2 ELSE status END,
             next_attempt_at = CASE WHEN status = 'pending' THEN ?4 END
         WHERE id = ?1 RETURNING status",
    )?
    .query_row(params![id, outcome.status, to_json(&outcome.attempts)?, outcome.next, outcome.url], |r| r.get(0))
}
