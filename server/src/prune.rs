//! Old records go on a schedule (at start, then hourly): idempotency keys after [`KEY_TTL`] (a
//! retry after that makes a new resource) and events after [`EVENT_TTL`] with their deliveries,
//! once none of those is pending.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;

use crate::{now_secs, store, AppState};

/// How long an idempotency key is remembered.
const KEY_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long an event and the record of its deliveries are kept.
const EVENT_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How often pruning runs.
const EVERY: Duration = Duration::from_secs(3600);

/// Deletes what is older than its time to live.
pub(crate) fn prune(conn: &Connection) -> rusqlite::Result<()> {
    store::prune(conn, now_secs(), KEY_TTL, EVENT_TTL)
}

/// Prunes every [`EVERY`] (the first pruning runs at start, before the server listens).
pub(crate) async fn every_hour(state: Arc<AppState>) {
    loop {
        tokio::time::sleep(EVERY).await;
        if let Err(e) = state.db.write(prune).await {
            tracing::error!(error = %e, "pruning failed");
        }
    }
}
