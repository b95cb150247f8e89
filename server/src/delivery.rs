//! Events and their deliveries: one event per finished job, one delivery per subscribed active
//! endpoint (and the job's `callback_url`), POSTed signed with the configured scheme, retried on
//! the schedule (each delay ± 20 % at random), every attempt recorded, a bounded number at once. Pending deliveries survive restarts (at-least-once).
//! A delivery row holds no secret: each attempt reads its endpoint's URL, status and secret then
//! (or the server's callback secret), so a deleted, disabled or unsubscribed endpoint's pending
//! deliveries are canceled and updates and rotations apply to the next attempt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hookwise::client::{Job, WebhookEndpoint};
use rusqlite::{params, Connection, OptionalExtension as _};
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::{new_id, now_rfc3339, now_secs, targets, AppState};

/// How long an attempt holds its delivery before another worker may pick it up again.
const LEASE: f64 = 30.0;
/// At most this many attempts run at once…
const MAX_IN_FLIGHT: usize = 64;
/// …and at most this many to one target (an endpoint, or a callback URL), so a slow receiver
/// holds back only its own deliveries.
const MAX_PER_TARGET: usize = 4;

/// Creates the event of a finished job and its deliveries (same connection, so same lock).
pub(crate) fn emit(state: &AppState, conn: &Connection, job: &Job) -> ApiResult<()> {
    let event_type = format!("job.{}", job.status.as_str());
    let event = json!({"id": new_id("evt"), "type": event_type, "created_at": now_rfc3339(), "data": {"job": job}});
    let event_id = event["id"].as_str().unwrap_or_default().to_owned();
    conn.execute(
        "INSERT INTO events (id, type, body) VALUES (?1, ?2, ?3)",
        params![event_id, event_type, event.to_string()],
    )?;
    let mut targets: Vec<(Option<String>, String)> = Vec::new();
    {
        let mut stmt = conn.prepare("SELECT body FROM endpoints WHERE deleted = 0 ORDER BY seq")?;
        for body in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let endpoint: WebhookEndpoint = serde_json::from_str(&body?).map_err(ApiError::internal)?;
            if wants(&endpoint, &event_type) {
                targets.push((Some(endpoint.id), endpoint.url));
            }
        }
    }
    if let Some(url) = &job.callback_url {
        targets.push((None, url.clone()));
    }
    for (endpoint_id, url) in targets {
        conn.execute(
            "INSERT INTO deliveries (id, event_id, event_type, endpoint_id, url, status, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
            params![new_id("dlv"), event_id, event_type, endpoint_id, url, now_secs()],
        )?;
    }
    state.deliveries.notify_one();
    Ok(())
}

/// Whether `endpoint` takes events of `event_type` now.
fn wants(endpoint: &WebhookEndpoint, event_type: &str) -> bool {
    endpoint.status == "active" && endpoint.events.iter().any(|e| e == "*" || e == event_type)
}

/// Cancels the pending deliveries of an endpoint that was deleted or disabled.
pub(crate) fn cancel_pending(conn: &Connection, endpoint_id: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE deliveries SET status = 'canceled', next_attempt_at = NULL WHERE endpoint_id = ?1 AND status = 'pending'",
        [endpoint_id],
    )
}

/// The deliveries of one endpoint, newest last.
pub(crate) fn list(conn: &Connection, endpoint_id: &str) -> ApiResult<Vec<Value>> {
    let mut stmt = conn.prepare(
        "SELECT id, event_id, event_type, endpoint_id, url, status, attempts, next_attempt_at
         FROM deliveries WHERE endpoint_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([endpoint_id], |r| {
        let attempts: String = r.get(6)?;
        let status: String = r.get(5)?;
        let next: Option<f64> = r.get(7)?;
        // Whole seconds are what the RFC 3339 form here carries.
        #[allow(clippy::cast_possible_truncation)]
        let next = next.filter(|_| status == "pending").and_then(|t| hookwise::webhook::format_rfc3339(t as i64));
        Ok(json!({
            "id": r.get::<_, String>(0)?,
            "event_id": r.get::<_, String>(1)?,
            "event_type": r.get::<_, String>(2)?,
            "endpoint_id": r.get::<_, Option<String>>(3)?,
            "url": r.get::<_, String>(4)?,
            "attempts": serde_json::from_str::<Value>(&attempts).unwrap_or_else(|_| json!([])),
            "next_attempt_at": next,
            "status": status,
        }))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

struct Due {
    id: String,
    event_id: String,
    event_type: String,
    endpoint_id: Option<String>,
    url: String,
    attempts: Vec<Value>,
}

/// Where one attempt goes and the secret it is signed with, as they are when it starts.
struct Target {
    url: String,
    secret: String,
}

/// The target of `d` now: its endpoint's current URL and secret, or the job's `callback_url` and
/// the server's callback secret. `None` when the endpoint no longer takes the event (deleted,
/// disabled or unsubscribed).
fn target(state: &AppState, d: &Due) -> ApiResult<Option<Target>> {
    let Some(endpoint_id) = &d.endpoint_id else {
        return Ok(Some(Target { url: d.url.clone(), secret: state.callback_secret.clone() }));
    };
    let row: Option<(String, String)> = state
        .db
        .lock()
        .query_row("SELECT secret, body FROM endpoints WHERE id = ?1 AND deleted = 0", [endpoint_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((secret, body)) = row else { return Ok(None) };
    let endpoint: WebhookEndpoint = serde_json::from_str(&body).map_err(ApiError::internal)?;
    Ok(wants(&endpoint, &d.event_type).then_some(Target { url: endpoint.url, secret }))
}

impl Due {
    /// What [`MAX_PER_TARGET`] counts per: the endpoint, or the callback URL.
    fn target_key(&self) -> &str {
        self.endpoint_id.as_deref().unwrap_or(&self.url)
    }
}

/// The attempts running now, per target key.
#[derive(Default)]
struct InFlight(Mutex<HashMap<String, usize>>);

impl InFlight {
    /// Locked after the database when both are (see [`claim`]).
    fn lock(&self) -> MutexGuard<'_, HashMap<String, usize>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One running attempt's place in [`InFlight`], given back (and the worker woken) when dropped.
struct Slot {
    state: Arc<AppState>,
    in_flight: Arc<InFlight>,
    key: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut running = self.in_flight.lock();
        if let Some(n) = running.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                running.remove(&self.key);
            }
        }
        drop(running);
        self.state.deliveries.notify_one();
    }
}

/// Claims the deliveries that are due and have room (at most [`MAX_IN_FLIGHT`] attempts in all
/// and [`MAX_PER_TARGET`] per target), leasing them so each attempt runs once. The lease has its
/// own column: the due time stays, so a restart keeps every retry's schedule.
fn claim(state: &Arc<AppState>, in_flight: &Arc<InFlight>) -> rusqlite::Result<Vec<(Due, Slot)>> {
    let now = now_secs();
    let conn = state.db.lock();
    let mut running = in_flight.lock();
    let room = MAX_IN_FLIGHT.saturating_sub(running.values().sum());
    if room == 0 {
        return Ok(Vec::new());
    }
    let full: Vec<&String> = running.iter().filter(|(_, n)| **n >= MAX_PER_TARGET).map(|(k, _)| k).collect();
    let full = Value::from(full.into_iter().map(|k| Value::from(k.as_str())).collect::<Vec<_>>()).to_string();
    let mut stmt = conn.prepare(
        "SELECT id, event_id, event_type, endpoint_id, url, attempts FROM deliveries
         WHERE status = 'pending' AND next_attempt_at <= ?1 AND (leased_until IS NULL OR leased_until <= ?1)
           AND COALESCE(endpoint_id, url) NOT IN (SELECT value FROM json_each(?2))
         ORDER BY next_attempt_at LIMIT ?3",
    )?;
    let due: Vec<Due> = stmt
        .query_map(params![now, full, i64::try_from(room).unwrap_or(i64::MAX)], |r| {
            Ok(Due {
                id: r.get(0)?,
                event_id: r.get(1)?,
                event_type: r.get(2)?,
                endpoint_id: r.get(3)?,
                url: r.get(4)?,
                attempts: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut claimed = Vec::new();
    for d in due {
        let n = running.entry(d.target_key().to_owned()).or_default();
        if *n >= MAX_PER_TARGET {
            continue; // its turn comes when one of that target's attempts ends
        }
        *n += 1;
        conn.execute("UPDATE deliveries SET leased_until = ?2 WHERE id = ?1", params![d.id, now + LEASE])?;
        let key = d.target_key().to_owned();
        claimed.push((d, Slot { state: state.clone(), in_flight: in_flight.clone(), key }));
    }
    Ok(claimed)
}

/// The delivery worker: runs until `stop` turns true.
pub(crate) async fn work(state: Arc<AppState>, mut stop: tokio::sync::watch::Receiver<bool>) {
    // Leases of a process that died are void: those deliveries were due, so they are due now.
    let _ = state.db.lock().execute("UPDATE deliveries SET leased_until = NULL WHERE status = 'pending'", []);
    let in_flight = Arc::new(InFlight::default());
    loop {
        match claim(&state, &in_flight) {
            Ok(due) => {
                for (d, slot) in due {
                    tokio::spawn(attempt(state.clone(), d, slot));
                }
            }
            Err(e) => eprintln!("hookwise serve: delivery queue: {e}"),
        }
        tokio::select! {
            () = state.deliveries.notified() => {}
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// One attempt of `d`; `_slot` holds its place among the attempts running until it ends.
async fn attempt(state: Arc<AppState>, mut d: Due, _slot: Slot) {
    let target = match target(&state, &d) {
        Ok(Some(target)) => target,
        Ok(None) => {
            let canceled = state.db.lock().execute(
                "UPDATE deliveries SET status = 'canceled', next_attempt_at = NULL WHERE id = ?1 AND status = 'pending'",
                [&d.id],
            );
            if let Err(e) = canceled {
                eprintln!("hookwise serve: delivery {}: {e}", d.id);
            }
            return;
        }
        Err(e) => {
            eprintln!("hookwise serve: delivery {}: {}", d.id, e.into_message());
            return;
        }
    };
    let outcome = send(&state, &d, &target).await;
    let number = d.attempts.len() + 1;
    let (status_code, error, duration_ms) = match &outcome {
        Ok((code, ms)) => (Some(*code), attempt_error(*code), *ms),
        Err((e, ms)) => (None, Some(e.clone()), *ms),
    };
    let delivered = error.is_none();
    d.attempts.push(json!({
        "attempt": number, "at": now_rfc3339(), "status_code": status_code, "error": error, "duration_ms": duration_ms,
    }));
    let schedule = &state.config.retry_schedule;
    let (status, next) = if delivered {
        ("delivered", None)
    } else if let Some(delay) = schedule.get(number - 1) {
        ("pending", Some(now_secs() + jittered(*delay)))
    } else {
        ("failed", None)
    };
    let conn = state.db.lock();
    // A delivery canceled while this attempt ran keeps the attempt in its record, and its status.
    let saved: rusqlite::Result<String> = conn.query_row(
        "UPDATE deliveries SET url = ?5, attempts = ?3, leased_until = NULL,
             status = CASE WHEN status = 'pending' THEN ?2 ELSE status END,
             next_attempt_at = CASE WHEN status = 'pending' THEN ?4 END
         WHERE id = ?1 RETURNING status",
        params![d.id, status, Value::Array(d.attempts).to_string(), next, target.url],
        |r| r.get(0),
    );
    let saved = match saved {
        Ok(saved) => saved,
        Err(e) => {
            eprintln!("hookwise serve: delivery {}: {e}", d.id);
            return;
        }
    };
    if let Some(endpoint) = d.endpoint_id.as_deref().filter(|_| saved == status) {
        let _ = match status {
            "delivered" => conn.execute("UPDATE endpoints SET failures = 0 WHERE id = ?1", [endpoint]),
            "failed" => disable_if_failing(&state, &conn, endpoint),
            _ => Ok(0),
        };
    }
}

/// `delay` ± 20 %, at random: receivers that failed together are not retried together.
fn jittered(delay: Duration) -> f64 {
    delay.as_secs_f64() * fastrand::f64().mul_add(0.4, 0.8)
}

/// Why an answer with status `code` is a failed attempt, `None` for 2xx. Redirects are not
/// followed: the body and its signature go to the registered URL only.
fn attempt_error(code: u16) -> Option<String> {
    match code {
        200..=299 => None,
        300..=399 => Some(format!("HTTP {code}: redirects are not followed")),
        _ => Some(format!("HTTP {code}")),
    }
}

fn disable_if_failing(state: &AppState, conn: &Connection, endpoint: &str) -> rusqlite::Result<usize> {
    conn.execute("UPDATE endpoints SET failures = failures + 1 WHERE id = ?1", [endpoint])?;
    let failures: u32 = conn.query_row("SELECT failures FROM endpoints WHERE id = ?1", [endpoint], |r| r.get(0))?;
    if failures < state.config.disable_after {
        return Ok(0);
    }
    let body: String = conn.query_row("SELECT body FROM endpoints WHERE id = ?1", [endpoint], |r| r.get(0))?;
    let mut value: Value = serde_json::from_str(&body).unwrap_or_default();
    value["status"] = json!("disabled");
    value["updated_at"] = json!(now_rfc3339());
    conn.execute("UPDATE endpoints SET body = ?2 WHERE id = ?1", params![endpoint, value.to_string()])?;
    cancel_pending(conn, endpoint)
}

/// Why a request failed, without its URL (which may carry credentials or tokens) but with the
/// causes (`connection refused`, …).
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// One POST: `Ok((status, ms))` when the receiver answered, `Err((why, ms))` otherwise.
async fn send(state: &AppState, d: &Due, target: &Target) -> Result<(u16, u64), (String, u64)> {
    let url = reqwest::Url::parse(&target.url).map_err(|e| (format!("invalid URL: {e}"), 0))?;
    targets::check_url(&url, state.config.allow_private_targets).map_err(|refused| (refused.to_string(), 0))?;
    let started = Instant::now();
    let ms = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let body: String = {
        let conn = state.db.lock();
        conn.query_row("SELECT body FROM events WHERE id = ?1", [&d.event_id], |r| r.get(0))
            .map_err(|e| (e.to_string(), 0))?
    };
    let scheme = hookwise::webhook::preset(&state.config.scheme).map_err(|e| (e.message().to_owned(), 0))?;
    let hook = hookwise::Webhook::new(scheme.clone(), [&target.secret]).map_err(|e| (e.message().to_owned(), 0))?;
    let now = hookwise::webhook::unix_now();
    let mut headers =
        hook.sign(body.as_bytes(), Some(&d.event_id), Some(now)).map_err(|e| (e.message().to_owned(), 0))?;
    let created = serde_json::from_str::<Value>(&body).ok().and_then(|v| v["created_at"].as_str().map(str::to_owned));
    headers.extend(hook.envelope_headers(Some(&d.event_id), Some(&d.event_type), created.as_deref()));
    let mut request = state
        .http
        .post(url)
        .header("content-type", "application/json")
        .header("x-hookwise-event-type", &d.event_type)
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(response) => Ok((response.status().as_u16(), ms())),
        // Nothing about the attempt but the refusal: no timing, whatever listens there.
        Err(e) if targets::is_refusal(&e) => Err((targets::REFUSED.to_owned(), 0)),
        Err(e) if e.is_timeout() => Err(("timed out after 10 s".to_owned(), ms())),
        Err(e) => Err((format!("connection failed: {}", describe(e)), ms())),
    }
}
