//! Old records go on a schedule (at start, then hourly): idempotency keys after [`KEY_TTL`] (a
//! retry after that makes a new resource) and events after [`EVENT_TTL`] with their deliveries,
//! once none of those is pending.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;

use crate::{now_secs, AppState};

/// How long an idempotency key is remembered.
const KEY_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long an event and the record of its deliveries are kept.
const EVENT_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How often pruning runs.
const EVERY: Duration = Duration::from_secs(3600);

/// Deletes what is older than its time to live. Rows from before the `created_at` columns get
/// the time of the first pruning that sees them.
pub(crate) fn prune(conn: &Connection) -> rusqlite::Result<()> {
    let now = now_secs();
    let tx = conn.unchecked_transaction()?;
    tx.execute("UPDATE idempotency_keys SET created_at = ?1 WHERE created_at IS NULL", [now])?;
    tx.execute("UPDATE events SET created_at = ?1 WHERE created_at IS NULL", [now])?;
    tx.execute("DELETE FROM idempotency_keys WHERE created_at < ?1", [now - KEY_TTL.as_secs_f64()])?;
    let expired = now - EVENT_TTL.as_secs_f64();
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

/// Prunes every [`EVERY`] (the first pruning runs at start, before the server listens).
pub(crate) async fn every_hour(state: Arc<AppState>) {
    loop {
        tokio::time::sleep(EVERY).await;
        if let Err(e) = prune(&state.db.lock()) {
            eprintln!("hookwise serve: pruning: {e}");
        }
    }
}
