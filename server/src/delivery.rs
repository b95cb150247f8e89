//! Events and their deliveries: one event per finished job, one delivery per subscribed active
//! endpoint (and the job's `callback_url`), POSTed signed with the configured scheme, retried on
//! the schedule (each delay ± 20 % at random), every attempt recorded, a bounded number at once. Pending deliveries survive restarts (at-least-once).
//! A delivery row holds no secret: each attempt reads its endpoint's URL, status and secret then
//! (or the server's callback secret), so a deleted, disabled or unsubscribed endpoint's pending
//! deliveries are canceled and updates and rotations apply to the next attempt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hookwise::client::{DeliveryAttempt, Job, WebhookEndpoint};
use hookwise::webhook::Outgoing;
use rusqlite::Connection;

use crate::error::{ApiError, ApiResult};
use crate::store::deliveries::{self, Due, Outcome};
use crate::store::{endpoints, events};
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
    let (id, event_type, created_at) = (new_id("evt"), format!("job.{}", job.status.as_str()), now_rfc3339());
    let event = Outgoing { id: &id, event_type: &event_type, created_at: &created_at };
    let data = serde_json::json!({ "job": job }).to_string();
    events::insert(conn, &id, &event_type, &event.body(&data).map_err(|e| ApiError::internal(e.message()))?)?;
    let subscribed = endpoints::all(conn)?.into_iter().filter(|e| wants(e, &event_type));
    let mut targets: Vec<(Option<String>, String)> = subscribed.map(|e| (Some(e.id), e.url)).collect();
    targets.extend(job.callback_url.iter().map(|url| (None, url.clone())));
    let due = now_secs();
    for (endpoint_id, url) in &targets {
        let delivery_id = new_id("dlv");
        let new = deliveries::New {
            id: &delivery_id,
            event_id: &id,
            event_type: &event_type,
            endpoint_id: endpoint_id.as_deref(),
            url,
            due,
        };
        deliveries::insert(conn, &new)?;
    }
    state.deliveries.notify_one();
    Ok(())
}

/// Whether `endpoint` takes events of `event_type` now.
fn wants(endpoint: &WebhookEndpoint, event_type: &str) -> bool {
    endpoint.status == "active" && endpoint.events.iter().any(|e| e == "*" || e == event_type)
}

/// Where one attempt goes and the secret it is signed with, as they are when it starts.
struct Target {
    url: String,
    secret: String,
}

/// The target of `d` now: its endpoint's current URL and secret, or the job's `callback_url` and
/// the server's callback secret. `None` when the endpoint no longer takes the event (deleted,
/// disabled or unsubscribed).
fn target(state: &AppState, d: &Due) -> rusqlite::Result<Option<Target>> {
    let Some(endpoint_id) = &d.endpoint_id else {
        return Ok(Some(Target { url: d.url.clone(), secret: state.callback_secret.clone() }));
    };
    let endpoint = endpoints::load_with_secret(&state.db.lock(), endpoint_id)?;
    Ok(endpoint
        .filter(|e| wants(e, &d.event_type))
        .map(|e| Target { url: e.url, secret: e.secret.unwrap_or_default() }))
}

/// What [`MAX_PER_TARGET`] counts per: the endpoint, or the callback URL.
fn target_key(d: &Due) -> &str {
    d.endpoint_id.as_deref().unwrap_or(&d.url)
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
    let full: Vec<&str> = running.iter().filter(|(_, n)| **n >= MAX_PER_TARGET).map(|(k, _)| k.as_str()).collect();
    let due = deliveries::due(&conn, now, &full, room)?;
    let mut claimed = Vec::new();
    for d in due {
        let key = target_key(&d).to_owned();
        let n = running.entry(key.clone()).or_default();
        if *n >= MAX_PER_TARGET {
            continue; // its turn comes when one of that target's attempts ends
        }
        *n += 1;
        deliveries::lease(&conn, &d.id, now + LEASE)?;
        claimed.push((d, Slot { state: state.clone(), in_flight: in_flight.clone(), key }));
    }
    Ok(claimed)
}

/// The delivery worker: runs until `stop` turns true.
pub(crate) async fn work(state: Arc<AppState>, mut stop: tokio::sync::watch::Receiver<bool>) {
    // Leases of a process that died are void: those deliveries were due, so they are due now.
    if let Err(e) = deliveries::release_leases(&state.db.lock()) {
        eprintln!("hookwise serve: delivery queue: {e}");
    }
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
    if let Err(e) = try_attempt(&state, &mut d).await {
        eprintln!("hookwise serve: delivery {}: {e}", d.id);
    }
}

async fn try_attempt(state: &AppState, d: &mut Due) -> rusqlite::Result<()> {
    let Some(target) = target(state, d)? else {
        return deliveries::cancel(&state.db.lock(), &d.id);
    };
    let outcome = send(state, d, &target).await;
    let number = d.attempts.len() + 1;
    let (status_code, error, duration_ms) = match outcome {
        Ok((code, ms)) => (Some(code), attempt_error(code), ms),
        Err((e, ms)) => (None, Some(e), ms),
    };
    let delivered = error.is_none();
    d.attempts.push(DeliveryAttempt {
        attempt: u32::try_from(number).unwrap_or(u32::MAX),
        at: now_rfc3339(),
        status_code,
        error,
        duration_ms,
    });
    let (status, next) = if delivered {
        ("delivered", None)
    } else if let Some(delay) = state.config.retry_schedule.get(number - 1) {
        ("pending", Some(now_secs() + jittered(*delay)))
    } else {
        ("failed", None)
    };
    let conn = state.db.lock();
    let saved =
        deliveries::record_attempt(&conn, &d.id, &Outcome { attempts: &d.attempts, status, next, url: &target.url })?;
    match d.endpoint_id.as_deref().filter(|_| saved == status) {
        Some(endpoint) if status == "delivered" => endpoints::reset_failures(&conn, endpoint),
        Some(endpoint) if status == "failed" => disable_if_failing(state, &conn, endpoint),
        _ => Ok(()),
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

fn disable_if_failing(state: &AppState, conn: &Connection, endpoint_id: &str) -> rusqlite::Result<()> {
    if endpoints::record_failure(conn, endpoint_id)? < state.config.disable_after {
        return Ok(());
    }
    if let Some(mut endpoint) = endpoints::load(conn, endpoint_id)? {
        "disabled".clone_into(&mut endpoint.status);
        endpoint.updated_at = Some(now_rfc3339());
        endpoints::save(conn, &endpoint)?;
    }
    deliveries::cancel_pending_of(conn, endpoint_id).map(drop)
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
    let body = events::body(&state.db.lock(), &d.event_id).map_err(|e| (e.to_string(), 0))?;
    let created = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["created_at"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let event = Outgoing { id: &d.event_id, event_type: &d.event_type, created_at: &created };
    let headers = hookwise::webhook::preset(&state.config.scheme)
        .and_then(|scheme| hookwise::Webhook::new(scheme.clone(), [&target.secret]))
        .and_then(|hook| event.headers(&hook, body.as_bytes(), None))
        .map_err(|e| (e.message().to_owned(), 0))?;
    let started = Instant::now();
    let ms = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut request = state.http.post(url).body(body);
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
