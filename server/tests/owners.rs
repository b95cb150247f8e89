//! Two API keys on one server (a real `hookwise serve` on loopback): each sees only its own jobs,
//! endpoints, events and deliveries, and one key's events go only to its own endpoints. The events
//! API (`/v1/events`, newest first; an event's deliveries; resend) and enabling an endpoint the
//! server disabled, as `profiles/hookwise.yaml` documents them.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

mod common;

use std::time::Duration;

use common::{eventually, flags, receiver, start, temp_dir, API_KEY};
use serde_json::{json, Value};

const OTHER_KEY: &str = "hw_other_key_for_owner_tests";

/// One API key's view of the server.
struct As {
    base: String,
    key: &'static str,
    http: reqwest::Client,
}

impl As {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(self.key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// Registers an endpoint at `url` for `events`; its id.
    async fn register(&self, url: &str, events: &[&str]) -> String {
        let (status, endpoint) = self.post("/v1/webhooks", Some(&json!({"url": url, "events": events}))).await;
        assert_eq!(status, 201, "{endpoint}");
        endpoint["id"].as_str().unwrap().to_owned()
    }

    /// Creates a job that succeeds at once; its id.
    async fn job(&self) -> String {
        let (status, job) =
            self.post("/v1/jobs", Some(&json!({"kind": "owners", "payload": {"duration_ms": 0}}))).await;
        assert_eq!(status, 201, "{job}");
        job["id"].as_str().unwrap().to_owned()
    }

    /// The ids of the caller's events, as listed (newest first).
    async fn event_ids(&self) -> Vec<String> {
        let (status, list) = self.get("/v1/events").await;
        assert_eq!(status, 200, "{list}");
        list["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
    }
}

fn ids_received(seen: &common::Seen) -> Vec<String> {
    let seen = seen.lock().unwrap();
    seen.iter()
        .map(|(_, body)| serde_json::from_slice::<Value>(body).unwrap()["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `who` sees nothing and can touch nothing of another key's: job `job`, event `event_id` and
/// endpoint `endpoint` are 404 to it, and its lists are empty.
async fn sees_none_of(who: &As, job: &str, event_id: &str, endpoint: &str) {
    assert!(who.event_ids().await.is_empty());
    let (_, jobs) = who.get("/v1/jobs").await;
    assert_eq!((jobs["total_count"].as_i64(), jobs["jobs"].as_array().map(Vec::len)), (Some(0), Some(0)), "{jobs}");
    let (_, hooks) = who.get("/v1/webhooks").await;
    assert_eq!(hooks["webhooks"], json!([]));
    for path in [
        format!("/v1/jobs/{job}"),
        format!("/v1/jobs/{job}/result"),
        format!("/v1/events/{event_id}"),
        format!("/v1/events/{event_id}/deliveries"),
        format!("/v1/webhooks/{endpoint}"),
        format!("/v1/webhooks/{endpoint}/deliveries"),
    ] {
        let (status, error) = who.get(&path).await;
        assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")), "{path}: {error}");
    }
    for path in [
        format!("/v1/events/{event_id}/resend"),
        format!("/v1/webhooks/{endpoint}/enable"),
        format!("/v1/webhooks/{endpoint}/rotate-secret"),
        format!("/v1/jobs/{job}/cancel"),
    ] {
        let (status, _) = who.post(&path, None).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = who.post(&format!("/v1/events/{event_id}/resend"), Some(&json!({"endpoint_id": endpoint}))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn each_key_sees_and_is_delivered_only_its_own_and_events_can_be_listed_and_resent() {
    let dir = temp_dir("owners");
    let server = start(&dir, &flags(&["--api-key", OTHER_KEY, "--retry-schedule", "0.05", "--disable-after", "1"]));
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let a = As { base: server.base_url.clone(), key: API_KEY, http: http.clone() };
    let b = As { base: server.base_url.clone(), key: OTHER_KEY, http };
    let (failing, _) = receiver(|_| (500, Duration::ZERO)).await;
    let (good, good_seen) = receiver(|_| (200, Duration::ZERO)).await;

    // A's endpoint fails every attempt: its first failed delivery (two attempts) disables it.
    let bad = a.register(&failing, &["*"]).await;
    let job = a.job().await;
    let disabled = eventually("the failing endpoint disabled", Duration::from_secs(10), async || {
        let (_, e) = a.get(&format!("/v1/webhooks/{bad}")).await;
        (e["status"] == "disabled").then_some(e)
    })
    .await;
    assert_eq!(disabled["failure_count"], 1, "{disabled}");
    assert_eq!(disabled["disabled_reason"], "its last delivery failed", "{disabled}");

    // A's event, as delivered plus "object": "event"; its delivery with both failed attempts.
    let events = a.event_ids().await;
    assert_eq!(events.len(), 1);
    let event_id = &events[0];
    let (status, event) = a.get(&format!("/v1/events/{event_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&event["object"], &event["type"], &event["data"]["job"]["id"]),
        (&json!("event"), &json!("job.succeeded"), &json!(job))
    );
    let (_, deliveries) = a.get(&format!("/v1/events/{event_id}/deliveries")).await;
    let deliveries = deliveries["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    assert_eq!((&deliveries[0]["endpoint_id"], &deliveries[0]["status"]), (&json!(bad), &json!("failed")));
    let codes: Vec<&Value> = deliveries[0]["attempts"].as_array().unwrap().iter().map(|t| &t["status_code"]).collect();
    assert_eq!(codes, [&json!(500), &json!(500)]);

    // B sees none of it, and can touch none of it.
    sees_none_of(&b, &job, event_id, &bad).await;

    // Resend to a disabled endpoint: 409; to a good one: 202, and it gets the event as first sent.
    let (status, error) = a.post(&format!("/v1/events/{event_id}/resend"), Some(&json!({"endpoint_id": bad}))).await;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("endpoint_disabled")), "{error}");
    let fine = a.register(&good, &["job.succeeded"]).await;
    let (status, queued) = a.post(&format!("/v1/events/{event_id}/resend"), Some(&json!({"endpoint_id": fine}))).await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(queued["deliveries"].as_array().unwrap().len(), 1);
    assert_eq!(
        (&queued["deliveries"][0]["endpoint_id"], &queued["deliveries"][0]["status"]),
        (&json!(fine), &json!("pending"))
    );
    eventually("the resent event delivered", Duration::from_secs(10), async || {
        (ids_received(&good_seen) == [event_id.clone()]).then_some(())
    })
    .await;
    let wrong_type = a.register(&good, &["job.failed"]).await;
    let (status, error) =
        a.post(&format!("/v1/events/{event_id}/resend"), Some(&json!({"endpoint_id": wrong_type}))).await;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("endpoint_not_subscribed")), "{error}");

    // Enabled again: active, failures forgotten; a resend with no body goes to every endpoint
    // subscribed to the type (the failing one and the good one).
    let (status, enabled) = a.post(&format!("/v1/webhooks/{bad}/enable"), None).await;
    assert_eq!(status, 200, "{enabled}");
    assert_eq!(
        (&enabled["status"], &enabled["failure_count"], &enabled["disabled_reason"]),
        (&json!("active"), &json!(0), &Value::Null)
    );
    let (status, queued) = a.post(&format!("/v1/events/{event_id}/resend"), None).await;
    assert_eq!(status, 202, "{queued}");
    let mut to: Vec<&str> =
        queued["deliveries"].as_array().unwrap().iter().map(|d| d["endpoint_id"].as_str().unwrap()).collect();
    to.sort_unstable();
    let mut expected = [bad.as_str(), fine.as_str()];
    expected.sort_unstable();
    assert_eq!(to, expected);

    // B's own endpoint and job: its event goes to B's endpoint only.
    let (b_url, b_seen) = receiver(|_| (200, Duration::ZERO)).await;
    b.register(&b_url, &["*"]).await;
    b.job().await;
    let b_events = eventually("B's event delivered", Duration::from_secs(10), async || {
        let ids = ids_received(&b_seen);
        (!ids.is_empty()).then_some(ids)
    })
    .await;
    assert_eq!(b.event_ids().await, b_events);
    eventually("A's good endpoint got the second resend", Duration::from_secs(10), async || {
        (ids_received(&good_seen).len() == 2).then_some(())
    })
    .await;
    assert!(!ids_received(&good_seen).contains(&b_events[0]), "A's endpoint never gets B's event");

    // A's events page newest first, a cursor walking to the older.
    a.job().await;
    let newest = eventually("A's second event", Duration::from_secs(10), async || {
        let ids = a.event_ids().await;
        (ids.len() == 2).then_some(ids)
    })
    .await;
    assert_eq!(&newest[1], event_id, "newest first");
    let (_, first) = a.get("/v1/events?limit=1").await;
    assert_eq!(first["events"][0]["id"].as_str(), Some(newest[0].as_str()));
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = a.get(&format!("/v1/events?limit=1&cursor={cursor}")).await;
    assert_eq!((second["events"][0]["id"].as_str(), &second["next_cursor"]), (Some(event_id.as_str()), &Value::Null));
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
