//! Deliveries, with the server as a real process on loopback: at-least-once across a SIGKILL,
//! retries and disabling, every attempt reading its endpoint as it is then, due times across
//! restarts, jitter, per-target concurrency, pruning.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use hookwise::client::{Client, CreateJob, RegisterWebhook};
use hookwise::Webhook;
use serde_json::json;

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_delivery_delivers_every_pending_event_after_restart() {
    let dir = temp_dir("sigkill");
    // First the receiver hangs (the server is killed while attempts are in flight), then it answers 200.
    let healthy = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = healthy.clone();
    let (url, seen) =
        receiver(
            move |_| {
                if flag.load(Ordering::SeqCst) {
                    (200, Duration::ZERO)
                } else {
                    (503, Duration::from_secs(3))
                }
            },
        )
        .await;
    let schedule = flags(&["--retry-schedule", "0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1"]);
    let mut server = start(&dir, &schedule);
    let client = patient(&server.base_url);
    let hook = client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();
    let mut jobs = HashSet::new();
    for i in 0..5 {
        jobs.insert(
            client.jobs.create(CreateJob::new("kill").payload(json!({"n": i, "duration_ms": 0}))).await.unwrap().id,
        );
    }
    let pending = hook.id.clone();
    eventually("deliveries in flight", Duration::from_secs(10), async || {
        let d = client.webhooks.deliveries(&pending).await.ok()?;
        (d.len() == 5).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await; // attempts are hanging in the receiver now
    server.kill();
    assert!(seen.lock().unwrap().is_empty());
    healthy.store(true, Ordering::SeqCst);
    let server = start(&dir, &schedule);
    let verifier = Webhook::from_preset("standard", [hook.secret.as_deref().unwrap()]).unwrap();
    let delivered = eventually("every event delivered after restart", Duration::from_secs(20), async || {
        let got: HashSet<String> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|(headers, body)| {
                let event = verifier.verify(body, headers).expect("a delivery that verifies");
                event.data().get("job").and_then(|j| j.get("id")).and_then(|v| v.as_str()).unwrap().to_owned()
            })
            .collect();
        (got == jobs).then_some(got)
    })
    .await;
    assert_eq!(delivered.len(), 5);
    let after = patient(&server.base_url);
    let records = eventually("deliveries recorded as delivered", Duration::from_secs(10), async || {
        let d = after.webhooks.deliveries(&hook.id).await.ok()?;
        d.iter().all(|d| d.status == "delivered").then_some(d)
    })
    .await;
    assert_eq!(records.len(), 5, "one delivery per event, none lost or duplicated in the record");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_attempts_are_retried_and_recorded_and_a_failing_endpoint_is_disabled() {
    let dir = temp_dir("retries");
    let server = start(&dir, &flags(&["--retry-schedule", "0.05,0.05", "--disable-after", "2"]));
    let client = patient(&server.base_url);
    let (flaky, _) = receiver(|n| if n < 2 { (500, Duration::ZERO) } else { (200, Duration::ZERO) }).await;
    let (broken, _) = receiver(|_| (500, Duration::ZERO)).await;
    let flaky = client.webhooks.register(&RegisterWebhook::new(flaky)).await.unwrap();
    let broken = client.webhooks.register(&RegisterWebhook::new(broken)).await.unwrap();
    for i in 0..2 {
        client.jobs.create(CreateJob::new("r").payload(json!({"n": i, "duration_ms": 0}))).await.unwrap();
    }
    let flaky_deliveries = eventually("flaky endpoint delivered", Duration::from_secs(10), async || {
        let d = client.webhooks.deliveries(&flaky.id).await.ok()?;
        (d.len() == 2 && d.iter().all(|d| d.status == "delivered")).then_some(d)
    })
    .await;
    let attempts: Vec<Option<u16>> =
        flaky_deliveries.iter().flat_map(|d| d.attempts.iter().map(|a| a.status_code)).collect();
    assert_eq!(attempts.iter().filter(|s| **s == Some(500)).count(), 2, "{attempts:?}");
    assert_eq!(attempts.iter().filter(|s| **s == Some(200)).count(), 2, "{attempts:?}");
    let disabled = eventually("broken endpoint disabled", Duration::from_secs(10), async || {
        let e = client.webhooks.get(&broken.id).await.ok()?;
        (e.status == "disabled").then_some(e)
    })
    .await;
    assert_eq!(disabled.status, "disabled");
    let d = client.webhooks.deliveries(&broken.id).await.unwrap();
    assert!(d.iter().all(|d| d.status == "failed" && d.attempts.len() == 3), "{d:?}");
    // Disabled endpoints get nothing new; re-enabling resumes deliveries.
    client.jobs.create(CreateJob::new("r").payload(json!({"duration_ms": 0}))).await.unwrap();
    eventually("flaky got the third", Duration::from_secs(10), async || {
        (client.webhooks.deliveries(&flaky.id).await.ok()?.len() == 3).then_some(())
    })
    .await;
    assert_eq!(client.webhooks.deliveries(&broken.id).await.unwrap().len(), 2);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// A server whose one endpoint (at `url`) has a pending delivery that failed once: the job's.
struct PendingDelivery {
    server: ServerProcess,
    dir: std::path::PathBuf,
    client: Client,
    hook: hookwise::client::WebhookEndpoint,
    job_id: String,
}

async fn pending_delivery(tag: &str, url: String) -> PendingDelivery {
    let dir = temp_dir(tag);
    let server = start(&dir, &quick_retries());
    let client = patient(&server.base_url);
    let hook = client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();
    let job = client.jobs.create(CreateJob::new(tag).payload(json!({"duration_ms": 0}))).await.unwrap();
    eventually("a failed first attempt", Duration::from_secs(10), async || {
        let d = client.webhooks.deliveries(&hook.id).await.ok()?;
        (d.first()?.status == "pending" && !d[0].attempts.is_empty()).then_some(())
    })
    .await;
    PendingDelivery { server, dir, client, hook, job_id: job.id }
}

impl Drop for PendingDelivery {
    fn drop(&mut self) {
        self.server.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_secret_signs_the_next_attempt_of_a_pending_delivery() {
    // Accepts only what verifies with the secret it is given (none at first).
    let accepted: Arc<Mutex<Option<Webhook>>> = Arc::default();
    let gate = accepted.clone();
    let (url, seen, _) = judging_receiver(move |_, headers, body| {
        let verifies = gate.lock().unwrap().as_ref().is_some_and(|hook| hook.verify(body, headers).is_ok());
        (if verifies { 200 } else { 500 }, Duration::ZERO)
    })
    .await;
    let p = pending_delivery("rotate", url).await;
    let rotated = p.client.webhooks.rotate_secret(&p.hook.id).await.unwrap();
    *accepted.lock().unwrap() = Some(Webhook::from_preset("standard", [rotated.secret.unwrap()]).unwrap());
    eventually("the delivery signed with the rotated secret", Duration::from_secs(10), async || {
        (deliveries_of(&p.client, &p.hook.id).await[0].status == "delivered").then_some(())
    })
    .await;
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_updated_url_gets_the_next_attempt_of_a_pending_delivery() {
    let (old_url, _, _) = judging_receiver(|_, _, _| (500, Duration::ZERO)).await;
    let (new_url, seen) = receiver(|_| (200, Duration::ZERO)).await;
    let p = pending_delivery("move", old_url).await;
    let update = hookwise::client::UpdateWebhook::default().url(new_url.clone());
    p.client.webhooks.update(&p.hook.id, &update).await.unwrap();
    let moved = eventually("the delivery at the new URL", Duration::from_secs(10), async || {
        let d = deliveries_of(&p.client, &p.hook.id).await.remove(0);
        (d.status == "delivered").then_some(d)
    })
    .await;
    assert_eq!(moved.url, new_url);
    let (headers, body) = seen.lock().unwrap()[0].clone();
    let verifier = Webhook::from_preset("standard", [p.hook.secret.as_deref().unwrap()]).unwrap();
    let event = verifier.verify(&body, &headers).unwrap();
    assert_eq!(event.data().get("job").and_then(|j| j.get("id")).and_then(|v| v.as_str()), Some(p.job_id.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_an_endpoint_cancels_its_pending_deliveries() {
    let (url, _, count) = judging_receiver(|_, _, _| (500, Duration::ZERO)).await;
    let p = pending_delivery("disable", url).await;
    let disable = hookwise::client::UpdateWebhook::default().status("disabled");
    p.client.webhooks.update(&p.hook.id, &disable).await.unwrap();
    let record = deliveries_of(&p.client, &p.hook.id).await;
    assert!(record.iter().all(|d| d.status == "canceled" && d.next_attempt_at.is_none()), "{record:?}");
    let before = count.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(600)).await; // a dozen retry periods
    assert!(count.load(Ordering::SeqCst) <= before + 1, "retries went on after disabling"); // +1: one in flight
    let record = deliveries_of(&p.client, &p.hook.id).await;
    assert!(record.iter().all(|d| d.status == "canceled"), "{record:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_endpoint_stops_its_pending_deliveries() {
    let (url, _, count) = judging_receiver(|_, _, _| (500, Duration::ZERO)).await;
    let p = pending_delivery("delete", url).await;
    p.client.webhooks.delete(&p.hook.id).await.unwrap();
    let before = count.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(600)).await; // a dozen retry periods
    assert!(count.load(Ordering::SeqCst) <= before + 1, "retries went on after deleting");
    // +1: one in flight
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_callback_is_signed_with_the_callback_secret_the_server_has_now() {
    let dir = temp_dir("callback-secret");
    let (before, after) = ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_cGVuZGluZy1jYWxsYmFjay1zZWNyZXQ=");
    let verifier = Webhook::from_preset("standard", [after]).unwrap();
    let (url, seen, count) = judging_receiver(move |_, headers, body| {
        (if verifier.verify(body, headers).is_ok() { 200 } else { 500 }, Duration::ZERO)
    })
    .await;
    let with_secret = |secret: &str| [quick_retries(), flags(&["--callback-secret", secret])].concat();
    let mut server = start(&dir, &with_secret(before));
    let client = patient(&server.base_url);
    let job = CreateJob::new("cb").payload(json!({"duration_ms": 0})).callback_url(url);
    client.jobs.create(job).await.unwrap();
    eventually("an attempt signed with the old secret", Duration::from_secs(10), async || {
        (count.load(Ordering::SeqCst) > 0).then_some(())
    })
    .await;
    server.kill();
    let server = start(&dir, &with_secret(after));
    eventually("the callback signed with the new secret", Duration::from_secs(10), async || {
        (!seen.lock().unwrap().is_empty()).then_some(())
    })
    .await;
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_attempt_is_recorded_without_the_urls_credentials() {
    let dir = temp_dir("url-secret");
    let server = start(&dir, &quick_retries());
    let client = patient(&server.base_url);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap(); // nobody listens now
    let url = format!("http://user:pa55word@{closed}/hook?token=tok_s3cr3t");
    let hook = client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();
    client.jobs.create(CreateJob::new("u").payload(json!({"duration_ms": 0}))).await.unwrap();
    let error = eventually("a failed attempt", Duration::from_secs(10), async || {
        deliveries_of(&client, &hook.id).await.first()?.attempts.first()?.error.clone()
    })
    .await;
    assert!(error.starts_with("connection failed"), "{error}");
    assert!(!error.contains("s3cr3t") && !error.contains("pa55word"), "{error}");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_each_pending_retrys_due_time() {
    let dir = temp_dir("due-time");
    let (url, _, tries) = judging_receiver(|_, _, _| (500, Duration::ZERO)).await;
    let schedule = flags(&["--retry-schedule", "30"]);
    let mut server = start(&dir, &schedule);
    let client = patient(&server.base_url);
    let hook = client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();
    client.jobs.create(CreateJob::new("due").payload(json!({"duration_ms": 0}))).await.unwrap();
    let due = eventually("a failed first attempt", Duration::from_secs(10), async || {
        let d = deliveries_of(&client, &hook.id).await.into_iter().next()?;
        d.attempts.first()?;
        d.next_attempt_at
    })
    .await;
    server.kill();
    let server = start(&dir, &schedule);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(tries.load(Ordering::SeqCst), 1, "the retry due in ~30 s ran at the restart");
    let after = deliveries_of(&patient(&server.base_url), &hook.id).await;
    assert_eq!(after[0].next_attempt_at.as_deref(), Some(due.as_str()), "{after:?}");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_of_deliveries_that_failed_together_are_spread_out() {
    let dir = temp_dir("jitter");
    // Each delivery (by its webhook-id) fails once, then succeeds; the gap between is its delay.
    let first_tries: Arc<Mutex<std::collections::HashMap<String, Instant>>> = Arc::default();
    let gaps: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let (tries, found) = (first_tries.clone(), gaps.clone());
    let (url, _, _) = judging_receiver(move |_, headers, _| {
        let id = headers.iter().find(|(k, _)| k == "webhook-id").map(|(_, v)| v.clone()).unwrap();
        match tries.lock().unwrap().entry(id) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Instant::now());
                (500, Duration::ZERO)
            }
            std::collections::hash_map::Entry::Occupied(e) => {
                found.lock().unwrap().push(e.get().elapsed());
                (200, Duration::ZERO)
            }
        }
    })
    .await;
    let server = start(&dir, &flags(&["--retry-schedule", "2"]));
    let client = patient(&server.base_url);
    client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();
    for i in 0..8 {
        client.jobs.create(CreateJob::new("jitter").payload(json!({"n": i, "duration_ms": 0}))).await.unwrap();
    }
    let gaps = eventually("every retry", Duration::from_secs(15), async || {
        let gaps = gaps.lock().unwrap();
        (gaps.len() == 8).then(|| gaps.clone())
    })
    .await;
    let (min, max) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
    assert!(*min >= Duration::from_millis(1500) && *max <= Duration::from_millis(2600), "2 s ± 20 %: {gaps:?}");
    assert!(max.saturating_sub(*min) >= Duration::from_millis(150), "the retries went out together: {gaps:?}");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_endpoint_gets_at_most_four_attempts_at_once_and_holds_back_no_other() {
    let dir = temp_dir("concurrency");
    let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (count, peak) = (now.clone(), most.clone());
    let app = axum::Router::new().fallback(move || {
        let (count, peak) = (count.clone(), peak.clone());
        async move {
            peak.fetch_max(count.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(700)).await;
            count.fetch_sub(1, Ordering::SeqCst);
            axum::http::StatusCode::OK
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let slow_url = format!("http://{}/slow", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (fast_url, fast_seen) = receiver(|_| (200, Duration::ZERO)).await;
    let server = start(&dir, &[]);
    let client = patient(&server.base_url);
    let slow = client.webhooks.register(&RegisterWebhook::new(slow_url)).await.unwrap();
    client.webhooks.register(&RegisterWebhook::new(fast_url)).await.unwrap();
    for i in 0..12 {
        client.jobs.create(CreateJob::new("slow").payload(json!({"n": i, "duration_ms": 200}))).await.unwrap();
    }
    // The fast endpoint gets all twelve while the slow one is still on its first batches.
    eventually("the fast endpoint's deliveries", Duration::from_secs(5), async || {
        (fast_seen.lock().unwrap().len() == 12).then_some(())
    })
    .await;
    eventually("the slow endpoint's deliveries", Duration::from_secs(20), async || {
        deliveries_of(&client, &slow.id).await.iter().all(|d| d.status == "delivered").then_some(())
    })
    .await;
    let peak = most.load(Ordering::SeqCst);
    assert!((2..=4).contains(&peak), "{peak} attempts at once to one endpoint");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_after_24_h_and_events_after_30_days_are_pruned() {
    let dir = temp_dir("prune");
    let (url, seen) = receiver(|_| (200, Duration::ZERO)).await;
    let mut server = start(&dir, &[]);
    let client = patient(&server.base_url);
    let hook = client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();
    let create = async |client: &Client, key: &str, n: u32| {
        let job = CreateJob::new("prune").payload(json!({"n": n, "duration_ms": 0})).idempotency_key(key);
        client.jobs.create(job).await
    };
    let old = create(&client, "old-key", 1).await.unwrap();
    let young = create(&client, "young-key", 1).await.unwrap();
    eventually("both deliveries", Duration::from_secs(10), async || {
        let d = deliveries_of(&client, &hook.id).await;
        (d.len() == 2 && d.iter().all(|d| d.status == "delivered")).then_some(())
    })
    .await;
    server.kill();
    {
        // Age one key past 24 h and the first job's event past 30 days.
        let db = rusqlite::Connection::open(dir.join("hookwise.db")).unwrap();
        db.execute("UPDATE idempotency_keys SET created_at = created_at - 86401 WHERE key = 'old-key'", []).unwrap();
        let aged = "UPDATE events SET created_at = created_at - 30 * 86400 - 1 WHERE body LIKE '%' || ?1 || '%'";
        assert_eq!(db.execute(aged, [&old.id]).unwrap(), 1);
    }
    let server = start(&dir, &[]);
    let client = patient(&server.base_url);
    let left = deliveries_of(&client, &hook.id).await;
    assert_eq!(left.len(), 1, "the old event's delivery record is gone, the young one's stays: {left:?}");
    let again = create(&client, "old-key", 2).await.expect("a forgotten key makes a new job");
    assert_ne!(again.id, old.id);
    let reused = create(&client, "young-key", 2).await.expect_err("a remembered key with another body");
    assert!(format!("{reused:?}").contains("idempotency_key_reused"), "{reused:?}");
    // The new job's event may have been delivered by now; the first two were each sent once.
    let sent = |job: &str| {
        let seen = seen.lock().unwrap();
        seen.iter().filter(|(_, body)| String::from_utf8_lossy(body).contains(job)).count()
    };
    assert_eq!((sent(&old.id), sent(&young.id)), (1, 1), "pruning never re-sends");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
