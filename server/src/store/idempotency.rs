//! Idempotency keys, per caller: which request (by the hash of its body) a key went with, and the
//! id of what that request created.

use rusqlite::{params, Connection, OptionalExtension as _};

/// A key as it was first used.
pub(crate) struct Claimed {
    /// The hash of the request body.
    pub(crate) request_hash: String,
    /// What the request created.
    pub(crate) resource_id: String,
}

/// The earlier use of `key` by `caller`, if any.
pub(crate) fn find(conn: &Connection, caller: &str, key: &str) -> rusqlite::Result<Option<Claimed>> {
    conn.prepare_cached("SELECT request_hash, job_id FROM idempotency_keys WHERE api_key = ?1 AND key = ?2")?
        .query_row(params![caller, key], |r| Ok(Claimed { request_hash: r.get(0)?, resource_id: r.get(1)? }))
        .optional()
}

/// Records that `caller` used `key` for the request hashed `claimed.request_hash`, which created
/// `claimed.resource_id`. (The columns say `api_key` and `job_id` for history: they hold the
/// caller's key identity and the id of whatever the key created.)
pub(crate) fn insert(conn: &Connection, caller: &str, key: &str, claimed: &Claimed) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO idempotency_keys (api_key, key, request_hash, job_id) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![caller, key, claimed.request_hash, claimed.resource_id])
        .map(drop)
}
