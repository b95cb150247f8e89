//! Events and their deliveries: one event per finished job, one delivery per subscribed active
//! endpoint (and the job's `callback_url`), POSTed signed with the configured scheme, retried on
//! the schedule (each delay ± 20 % at random), every attempt recorded, a bounded number at once. Pending deliveries survive restarts (at-least-once).
//! A delivery row holds no secret: each attempt reads its endpoint's URL, status and secret as it
//! is claimed, when it starts (or the server's callback secret), so a deleted, disabled or
//! unsubscribed endpoint's pending deliveries are canceled and updates and rotations apply to the
//! next attempt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hookwise::client::{Delivery, DeliveryAttempt, Job, WebhookEndpoint};
use hookwise::webhook::Outgoing;
use rusqlite::Connection;

use crate::error::{ApiError, ApiResult};
use crate::store::deliveries::{self, Due, Outcome};
use crate::store::{endpoints, events, jobs};
use crate::trace::{TraceId, TRACEPARENT};
use crate::{new_id, now_rfc3339, now_secs, targets, AppState};

/// How long an attempt holds its delivery before another worker may pick it up again.
const LEASE: f64 = 30.0;
/// At most this many attempts run at once…
const MAX_IN_FLIGHT: usize = 64;
/// …and at most this many to one target (an endpoint, or a callback URL), so a slow receiver
/// holds back only its own deliveries.
const MAX_PER_TARGET: usize = 4;

/// Creates the event of a finished job and its deliveries, in the write that finishes the job
/// (the caller wakes the worker once it is committed: [`AppState::deliveries`]). The event is in
/// the trace of the request that created the job (a new one for a job stored without).
pub(crate) fn emit(conn: &Connection, job: &Job) -> ApiResult<()> {
    let (id, event_type, created_at) = (new_id("evt"), format!("job.{}", job.status.as_str()), now_rfc3339());
    let event = Outgoing::new(&id, &event_type, &created_at);
    let data = serde_json::json!({ "job": job }).to_string();
    let body = event.body(&data).map_err(|e| ApiError::internal(e.message()))?;
    let (owner, trace_id) =
        jobs::origin(conn, &job.id)?.ok_or_else(|| ApiError::internal("the finished job is not stored"))?;
    events::insert(conn, &owner, &id, &event_type, &body, &trace_id.unwrap_or_else(TraceId::new))?;
    let subscribed = endpoints::all(conn, &owner)?.into_iter().filter(|e| wants(e, &event_type));
    let mut targets: Vec<(Option<String>, String)> = subscribed.map(|e| (Some(e.id), e.url)).collect();
    targets.extend(job.callback_url.iter().map(|url| (None, url.clone())));
    queue(conn, &id, &event_type, &targets)?;
    Ok(())
}

/// Queues a delivery of event `event_id` to each of `targets` (an endpoint and its URL, or a
/// callback URL), due now; the deliveries to endpoints as the API shows them.
pub(crate) fn queue(
    conn: &Connection,
    event_id: &str,
    event_type: &str,
    targets: &[(Option<String>, String)],
) -> rusqlite::Result<Vec<Delivery>> {
    let due = now_secs();
    let mut queued = Vec::new();
    for (endpoint_id, url) in targets {
        let delivery_id = new_id("dlv");
        let new =
            deliveries::New { id: &delivery_id, event_id, event_type, endpoint_id: endpoint_id.as_deref(), url, due };
        deliveries::insert(conn, &new)?;
        if let Some(endpoint_id) = endpoint_id {
            queued.push(Delivery {
                id: delivery_id,
                event_id: event_id.to_owned(),
                event_type: event_type.to_owned(),
                endpoint_id: endpoint_id.clone(),
                url: url.clone(),
                status: "pending".to_owned(),
                attempts: Vec::new(),
                next_attempt_at: deliveries::rfc3339(due),
            });
        }
    }
    Ok(queued)
}

/// Whether `endpoint` takes events of `event_type` now.
pub(crate) fn wants(endpoint: &WebhookEndpoint, event_type: &str) -> bool {
    endpoint.status == "active" && endpoint.events.iter().any(|e| e == "*" || e == event_type)
}

/// Where one attempt goes and the secret it is signed with, as they are when it starts.
struct Target {
    url: String,
    secret: String,
}

/// The target of `d` as claimed: its endpoint's URL and secret (read with the claim, when the
/// attempt starts), or the job's `callback_url` and the server's callback secret. `None` when the
/// endpoint no longer takes the event (deleted, disabled or unsubscribed).
fn target(state: &AppState, d: &mut Due) -> Option<Target> {
    if d.endpoint_id.is_none() {
        return Some(Target { url: d.url.clone(), secret: state.callback_secret.clone() });
    }
    d.endpoint
        .take()
        .filter(|e| wants(e, &d.event_type))
        .map(|e| Target { url: e.url, secret: e.secret.unwrap_or_default() })
}

/// What [`MAX_PER_TARGET`] counts per: the endpoint, or the callback URL.
fn target_key(d: &Due) -> &str {
    d.endpoint_id.as_deref().unwrap_or(&d.url)
}

/// The attempts running now, per target key.
#[derive(Default)]
struct InFlight(Mutex<HashMap<String, usize>>);

impl InFlight {
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
/// own column: the due time stays, so a restart keeps every retry's schedule. Only the worker
/// claims, one claim at a time; attempts only end meanwhile, so the counts it starts from leave
/// room for at least what it claims.
async fn claim(state: &Arc<AppState>, in_flight: &Arc<InFlight>) -> rusqlite::Result<Vec<(Due, Slot)>> {
    let running = in_flight.lock().clone();
    let room = MAX_IN_FLIGHT.saturating_sub(running.values().sum());
    if room == 0 {
        return Ok(Vec::new());
    }
    let claimed = state
        .db
        .write(move |conn| {
            let now = now_secs();
            let mut running = running;
            let full: Vec<&str> =
                running.iter().filter(|(_, n)| **n >= MAX_PER_TARGET).map(|(k, _)| k.as_str()).collect();
            let due = deliveries::due(conn, now, &full, room)?;
            let claimed: Vec<Due> = due
                .into_iter()
                .filter(|d| {
                    let n = running.entry(target_key(d).to_owned()).or_default();
                    *n += 1; // past the limit: its turn comes when one of that target's attempts ends
                    *n <= MAX_PER_TARGET
                })
                .collect();
            deliveries::lease(conn, &claimed.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), now + LEASE)?;
            Ok::<_, rusqlite::Error>(claimed)
        })
        .await?;
    let mut running = in_flight.lock();
    Ok(claimed
        .into_iter()
        .map(|d| {
            let key = target_key(&d).to_owned();
            *running.entry(key.clone()).or_default() += 1;
            (d, Slot { state: state.clone(), in_flight: in_flight.clone(), key })
        })
        .collect())
}

/// The delivery worker: runs until `stop` turns true.
pub(crate) async fn work(state: Arc<AppState>, mut stop: tokio::sync::watch::Receiver<bool>) {
    // Leases of a process that died are void: those deliveries were due, so they are due now.
    if let Err(e) = state.db.write(deliveries::release_leases).await {
        tracing::error!(error = %e, "cannot release the delivery leases");
    }
    let in_flight = Arc::new(InFlight::default());
    loop {
        match claim(&state, &in_flight).await {
            Ok(due) => {
                for (d, slot) in due {
                    tokio::spawn(attempt(state.clone(), d, slot));
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot claim the deliveries due"),
        }
        tokio::select! {
            () = state.deliveries.notified() => {}
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// One attempt of `d`, in a span of its own in the event's trace; `_slot` holds its place among
/// the attempts running until it ends.
async fn attempt(state: Arc<AppState>, mut d: Due, _slot: Slot) {
    let trace_id = d.trace_id.get_or_insert_with(TraceId::new);
    let span = tracing::info_span!("delivery", delivery = %d.id, event = %d.event_id, trace_id = trace_id.as_str());
    if let Err(e) = tracing::Instrument::instrument(try_attempt(&state, &mut d), span.clone()).await {
        span.in_scope(|| tracing::error!(error = %e, "cannot record the delivery attempt"));
    }
}

async fn try_attempt(state: &AppState, d: &mut Due) -> rusqlite::Result<()> {
    let Some(target) = target(state, d) else {
        let id = d.id.clone();
        return state.db.write(move |conn| deliveries::cancel(conn, &id)).await;
    };
    let outcome = send(state, d, &target).await;
    let number = d.attempts.len() + 1;
    let (status_code, error, duration_ms) = match outcome {
        Ok((code, ms)) => (Some(code), attempt_error(code), ms),
        Err((e, ms)) => (None, Some(e), ms),
    };
    let delivered = error.is_none();
    match &error {
        None => tracing::debug!(attempt = number, status = status_code, "delivered"),
        Some(why) => tracing::info!(attempt = number, status = status_code, error = %why, "delivery attempt failed"),
    }
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
    let (id, endpoint_id, attempts) = (d.id.clone(), d.endpoint_id.clone(), std::mem::take(&mut d.attempts));
    let disable_after = state.config.disable_after;
    state
        .db
        .write(move |conn| {
            let outcome = Outcome { attempts: &attempts, status, next, url: &target.url };
            let saved = deliveries::record_attempt(conn, &id, &outcome)?;
            match endpoint_id.as_deref().filter(|_| saved == status) {
                Some(endpoint) if status == "delivered" => endpoints::reset_failures(conn, endpoint),
                Some(endpoint) if status == "failed" => disable_if_failing(conn, endpoint, disable_after),
                _ => Ok(()),
            }
        })
        .await
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

/// Counts a failed delivery of `endpoint_id`, and disables the endpoint (canceling its pending
/// deliveries) once `disable_after` have failed in a row.
fn disable_if_failing(conn: &Connection, endpoint_id: &str, disable_after: u32) -> rusqlite::Result<()> {
    let failures = endpoints::record_failure(conn, endpoint_id)?;
    if failures < disable_after {
        return Ok(());
    }
    if let Some(mut endpoint) = endpoints::load(conn, None, endpoint_id)? {
        "disabled".clone_into(&mut endpoint.status);
        endpoint.disabled_reason = Some(match failures {
            1 => "its last delivery failed".to_owned(),
            n => format!("its last {n} deliveries failed"),
        });
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

/// The envelope field the headers repeat; the rest of the body is skipped, not built.
#[derive(serde::Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    created_at: std::borrow::Cow<'a, str>,
}

/// One POST: `Ok((status, ms))` when the receiver answered, `Err((why, ms))` otherwise.
async fn send(state: &AppState, d: &mut Due, target: &Target) -> Result<(u16, u64), (String, u64)> {
    let url = reqwest::Url::parse(&target.url).map_err(|e| (format!("invalid URL: {e}"), 0))?;
    targets::check_url(&url, state.config.allow_private_targets).map_err(|refused| (refused.to_string(), 0))?;
    let body = d.body.take().ok_or_else(|| (format!("event {} is gone", d.event_id), 0))?;
    let created = serde_json::from_str::<Envelope<'_>>(&body).map(|e| e.created_at.into_owned()).unwrap_or_default();
    let event = Outgoing::new(&d.event_id, &d.event_type, &created);
    let headers = hookwise::webhook::preset(&state.config.scheme)
        .and_then(|scheme| hookwise::Webhook::new(scheme.clone(), [&target.secret]))
        .and_then(|hook| event.headers(&hook, body.as_bytes(), None))
        .map_err(|e| (e.message().to_owned(), 0))?;
    let started = Instant::now();
    let ms = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut request = state.http.post(url).body(body);
    if let Some(trace_id) = &d.trace_id {
        request = request.header(TRACEPARENT, trace_id.traceparent());
    }
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
