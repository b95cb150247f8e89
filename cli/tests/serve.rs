//! The reference server as a real process on loopback: exactly-once creation under chaos,
//! at-least-once delivery across a SIGKILL, retries and disabling, signed URLs, bad input, state
//! across restarts, and pagination while jobs arrive.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt as _;
use hookwise::client::{Client, ClientOptions, CreateJob, JobStatus, ListJobs, RegisterWebhook};
use hookwise::Webhook;
use hookwise_conformance::server::{ServerProcess, API_KEY};
use serde_json::{json, Value};

fn temp_dir(tag: &str) -> std::path::PathBuf {
    hookwise_conformance::server::temp_dir(tag).expect("temp dir")
}

/// The tests' receivers are on loopback: a server that may deliver there.
fn start(dir: &std::path::Path, flags: &[String]) -> ServerProcess {
    start_guarded(dir, &[&[ALLOW_PRIVATE.to_owned()], flags].concat())
}

/// A server as deployed: deliveries to public addresses only.
fn start_guarded(dir: &std::path::Path, flags: &[String]) -> ServerProcess {
    ServerProcess::start(std::path::Path::new(env!("CARGO_BIN_EXE_hookwise")), dir, flags).expect("hookwise serve")
}

const ALLOW_PRIVATE: &str = "--allow-private-targets";

type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// A receiver whose answer is decided per request by `answer(n)` (n = 0, 1, …); it records
/// every request it answers 2xx to.
async fn receiver(answer: impl Fn(usize) -> (u16, Duration) + Send + Sync + 'static) -> (String, Seen) {
    let (url, seen, _) = judging_receiver(move |n, _, _| answer(n)).await;
    (url, seen)
}

/// As [`receiver`], deciding on the request itself (`answer(n, headers, body)`); also counts every
/// request, whatever the answer.
async fn judging_receiver(
    answer: impl Fn(usize, &[(String, String)], &[u8]) -> (u16, Duration) + Send + Sync + 'static,
) -> (String, Seen, Arc<AtomicUsize>) {
    let seen: Seen = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let (store, answer, counter) = (seen.clone(), Arc::new(answer), count.clone());
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
        let (store, answer, count) = (store.clone(), answer.clone(), counter.clone());
        async move {
            let headers: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect();
            let (status, delay) = answer(count.fetch_add(1, Ordering::SeqCst), &headers, &body);
            tokio::time::sleep(delay).await;
            if (200..300).contains(&status) {
                store.lock().unwrap().push((headers, body.to_vec()));
            }
            axum::http::StatusCode::from_u16(status).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen, count)
}

/// A retry schedule long enough that no delivery runs out of attempts during a test.
fn quick_retries() -> Vec<String> {
    flags(&["--retry-schedule", &["0.05"; 400].join(",")])
}

async fn eventually<T>(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn patient(base_url: &str) -> Client {
    let options =
        ClientOptions { max_retries: 30, initial_retry_delay: Duration::from_millis(5), ..ClientOptions::default() };
    Client::with_options(API_KEY, base_url, options).unwrap()
}

fn flags(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_create_under_chaos_makes_exactly_one_job() {
    let dir = temp_dir("chaos");
    let server = start(&dir, &flags(&["--chaos", "0.3"]));
    let client = patient(&server.base_url);
    let created: Vec<String> = futures_util::stream::iter(0..500)
        .map(|i| {
            let client = client.clone();
            async move {
                let job = CreateJob::new("chaos").payload(json!({"n": i, "duration_ms": 0}));
                client.jobs.create(job).await.map(|j| j.id)
            }
        })
        .buffer_unordered(16)
        .try_collect()
        .await
        .expect("every create succeeds at the client");
    let unique: HashSet<&String> = created.iter().collect();
    assert_eq!(unique.len(), 500, "500 creates returned {} distinct jobs", unique.len());
    let listed: Vec<String> = client
        .jobs
        .list_all(ListJobs { kind: Some("chaos".into()), limit: Some(100), ..ListJobs::default() })
        .map_ok(|j| j.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 500, "the server holds {} jobs, expected exactly 500", listed.len());
    assert_eq!(listed.iter().collect::<HashSet<_>>(), unique);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

use futures_util::StreamExt as _;

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
    let hook = client.webhooks.register(&RegisterWebhook { url, ..RegisterWebhook::default() }).await.unwrap();
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
async fn a_crash_between_finishing_a_job_and_queuing_its_deliveries_loses_no_webhook() {
    let dir = temp_dir("crash-finish");
    let (url, seen) = receiver(|_| (200, Duration::ZERO)).await;
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_hookwise"));
    // This (test) build aborts at the named point, as a SIGKILL there would.
    let env = [("HOOKWISE_CRASH_AT", "job_finished_before_deliveries")];
    let mut server = ServerProcess::start_with_env(bin, &dir, &flags(&[ALLOW_PRIVATE]), &env).expect("hookwise serve");
    let client = patient(&server.base_url);
    let hook = client.webhooks.register(&RegisterWebhook { url, ..RegisterWebhook::default() }).await.unwrap();
    let job = client.jobs.create(CreateJob::new("crash").payload(json!({"duration_ms": 0}))).await.unwrap();
    let exited = eventually("the server to crash at the point", Duration::from_secs(10), async || {
        server.child.try_wait().ok().flatten()
    })
    .await;
    assert!(!exited.success());
    let server = start(&dir, &[]);
    let verifier = Webhook::from_preset("standard", [hook.secret.as_deref().unwrap()]).unwrap();
    eventually("the job's webhook after the restart", Duration::from_secs(20), async || {
        let seen = seen.lock().unwrap();
        let (headers, body) = seen.first()?;
        let event = verifier.verify(body, headers).expect("a delivery that verifies");
        let id = event.data().get("job").and_then(|j| j.get("id")).and_then(|v| v.as_str()).unwrap().to_owned();
        (id == job.id).then_some(())
    })
    .await;
    assert_eq!(patient(&server.base_url).jobs.get(&job.id).await.unwrap().status, JobStatus::Succeeded);
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
    let flaky = client.webhooks.register(&RegisterWebhook { url: flaky, ..Default::default() }).await.unwrap();
    let broken = client.webhooks.register(&RegisterWebhook { url: broken, ..Default::default() }).await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_urls_work_then_expire_and_refuse_tampering() {
    let dir = temp_dir("signed");
    let server = start(&dir, &flags(&["--signed-url-ttl", "2"]));
    let client = patient(&server.base_url);
    let job = client.jobs.create(CreateJob::new("s").payload(json!({"duration_ms": 0}))).await.unwrap();
    client.jobs.wait(&job.id, Duration::from_secs(10), None).await.unwrap();
    let result = client.jobs.result(&job.id).await.unwrap();
    let body: Value = serde_json::from_slice(&client.jobs.download(&result.signed_url).await.unwrap()).unwrap();
    assert_eq!(body["job_id"], job.id.as_str());
    for tampered in [
        result.signed_url.replace("signature=", "signature=0"),
        result.signed_url.replace("expires=", "expires=9"),
        result.signed_url.replace(&job.id, "job_01JZZZZZZZZZZZZZZZZZZZZZZZ"),
    ] {
        let err = client.jobs.download(&tampered).await.unwrap_err();
        assert_eq!((err.status(), err.code()), (Some(403), "invalid_signature"), "{tampered}");
    }
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let err = client.jobs.download(&result.signed_url).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(410), "signed_url_expired"));
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_4xx_never_a_500() {
    let dir = temp_dir("badinput");
    let server = start(&dir, &[]);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let base = &server.base_url;
    let huge = format!(r#"{{"kind":"x","payload":{{"blob":"{}"}}}}"#, "a".repeat(2 * 1024 * 1024));
    let cases: Vec<(&str, String, Option<String>, u16, &str)> = vec![
        ("POST", "/v1/jobs".into(), Some("{not json".into()), 400, "invalid_request"),
        ("POST", "/v1/jobs".into(), Some(r#"{"kind": 5}"#.into()), 400, "invalid_request"),
        ("POST", "/v1/jobs".into(), Some(r#"{"kind": "x", "surprise": 1}"#.into()), 400, "invalid_request"),
        ("POST", "/v1/jobs".into(), Some(r#"{"payload": {}}"#.into()), 400, "invalid_request"),
        ("POST", "/v1/jobs".into(), Some(r#"{"kind": "x", "payload": [1]}"#.into()), 400, "invalid_request"),
        ("POST", "/v1/jobs".into(), Some(r#"{"kind": "x", "callback_url": "ftp://x"}"#.into()), 400, "invalid_request"),
        (
            "POST",
            "/v1/jobs".into(),
            Some(r#"{"kind": "x", "payload": {"duration_ms": -1}}"#.into()),
            400,
            "invalid_request",
        ),
        ("POST", "/v1/jobs".into(), Some(huge), 413, "payload_too_large"),
        ("POST", "/v1/jobs".into(), Some("[]".into()), 400, "invalid_request"),
        ("GET", "/v1/jobs?limit=abc".into(), None, 400, "invalid_request"),
        ("GET", "/v1/jobs?limit=1000".into(), None, 400, "invalid_request"),
        ("GET", "/v1/jobs?status=done".into(), None, 400, "invalid_request"),
        ("GET", "/v1/jobs?cursor=%00%ff".into(), None, 400, "invalid_cursor"),
        ("GET", "/v1/jobs?cursor=c_x".into(), None, 400, "invalid_cursor"),
        ("GET", "/v1/jobs?nosuch=1".into(), None, 400, "invalid_request"),
        ("GET", "/v1/jobs/job_nope".into(), None, 404, "not_found"),
        ("GET", "/v1/jobs/job_nope/result".into(), None, 404, "not_found"),
        ("POST", "/v1/jobs/job_nope/cancel".into(), None, 404, "not_found"),
        ("DELETE", "/v1/jobs".into(), None, 405, "method_not_allowed"),
        ("GET", "/v2/anything".into(), None, 404, "not_found"),
        ("POST", "/v1/webhooks".into(), Some(r#"{"url": "not a url"}"#.into()), 400, "invalid_request"),
        (
            "POST",
            "/v1/webhooks".into(),
            Some(r#"{"url": "https://x.test", "events": ["job.exploded"]}"#.into()),
            400,
            "invalid_request",
        ),
        (
            "POST",
            "/v1/webhooks".into(),
            Some(r#"{"url": "https://x.test", "events": []}"#.into()),
            400,
            "invalid_request",
        ),
        (
            "POST",
            "/v1/webhooks".into(),
            Some(r#"{"url": "https://x.test", "secret": "whsec_!!!"}"#.into()),
            400,
            "invalid_request",
        ),
        ("PATCH", "/v1/webhooks/we_nope".into(), Some("{}".into()), 404, "not_found"),
        ("DELETE", "/v1/webhooks/we_nope".into(), None, 404, "not_found"),
        ("GET", "/v1/results/job_nope?expires=1&signature=00".into(), None, 403, "invalid_signature"),
        ("GET", "/v1/results/job_nope?expires=1&signature=00&x=1".into(), None, 400, "invalid_request"),
        // Rejections before any handler runs: routing, methods, path decoding.
        ("POST", "/openapi.json".into(), None, 405, "method_not_allowed"),
        ("PUT", "/v1/results/job_nope".into(), None, 405, "method_not_allowed"),
        ("PUT", "/v1/webhooks/we_nope".into(), None, 405, "method_not_allowed"),
        ("GET", "/v1/jobs/%ff%fe".into(), None, 404, "not_found"),
        ("GET", "/".into(), None, 404, "not_found"),
        // A secret must give at least 16 key bytes ("short-secret" gives 12).
        (
            "POST",
            "/v1/webhooks".into(),
            Some(r#"{"url": "https://x.test", "secret": "whsec_c2hvcnQtc2VjcmV0"}"#.into()),
            422,
            "secret_too_short",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let mut request = http.request(method.parse().unwrap(), format!("{base}{path}")).bearer_auth(API_KEY);
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body);
        }
        assert_api_error(request.send().await.unwrap(), status, code, &format!("{method} {path}")).await;
    }
    let unauthorized = http.get(format!("{base}/v1/jobs")).send().await.unwrap();
    assert_eq!(unauthorized.status().as_u16(), 401);
    let openapi: Value = http.get(format!("{base}/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(openapi["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_not_declared_json_gets_415_in_the_error_shape() {
    let dir = temp_dir("media-type");
    let server = start(&dir, &[]);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let base = &server.base_url;
    // Whatever the body holds.
    for (method, path, content_type) in [
        ("POST", "/v1/jobs", None),
        ("POST", "/v1/jobs", Some("text/plain")),
        ("POST", "/v1/webhooks", Some("application/x-www-form-urlencoded")),
        ("PATCH", "/v1/webhooks/we_nope", Some("multipart/form-data")),
    ] {
        let mut request = http
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .bearer_auth(API_KEY)
            .body(r#"{"kind": "x", "url": "https://x.test"}"#);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let what = format!("{method} {path} as {content_type:?}");
        assert_api_error(request.send().await.unwrap(), 415, "unsupported_media_type", &what).await;
    }
    let json_with_charset = http
        .post(format!("{base}/v1/jobs"))
        .bearer_auth(API_KEY)
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"kind": "x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(json_with_charset.status().as_u16(), 201);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// `response` is the API's error shape with this status and code (and the trace id of its header).
async fn assert_api_error(response: reqwest::Response, status: u16, code: &str, what: &str) {
    let got = response.status().as_u16();
    let trace = response.headers().get("x-trace-id").map(|v| v.to_str().unwrap().to_owned());
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let json: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!((got, json["error"]["code"].as_str()), (status, Some(code)), "{what}: {json}");
    assert_eq!(content_type.as_deref(), Some("application/json"), "{what}");
    assert!(json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}");
    assert_eq!(json["error"]["trace_id"].as_str(), trace.as_deref(), "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_shows_a_secret_only_on_creation_and_rotation_never_a_null_one() {
    let dir = temp_dir("secret-shown");
    let server = start(&dir, &[]);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let base = &server.base_url;
    let call = async |method: &str, path: &str, body: Option<Value>| -> Value {
        let mut request = http.request(method.parse().unwrap(), format!("{base}{path}")).bearer_auth(API_KEY);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "{method} {path}: {}", response.status());
        response.json().await.unwrap()
    };
    let created = call("POST", "/v1/webhooks", Some(json!({"url": "https://example.test/h"}))).await;
    assert!(created["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")), "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let rotated = call("POST", &format!("/v1/webhooks/{id}/rotate-secret"), None).await;
    assert!(rotated["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")), "{rotated}");
    let listed = call("GET", "/v1/webhooks", None).await;
    for shown in [
        call("GET", &format!("/v1/webhooks/{id}"), None).await,
        call("PATCH", &format!("/v1/webhooks/{id}"), Some(json!({"name": "renamed"}))).await,
        listed["webhooks"][0].clone(),
    ] {
        assert_eq!(shown["id"], id.as_str(), "{shown}");
        assert!(shown.get("secret").is_none(), "no secret field, not even null: {shown}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// The deliveries (and their attempts) of endpoint `id`, as the API shows them.
async fn deliveries_of(client: &Client, id: &str) -> Vec<hookwise::client::Delivery> {
    client.webhooks.deliveries(id).await.unwrap()
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
    let hook = client.webhooks.register(&RegisterWebhook { url, ..Default::default() }).await.unwrap();
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
    let update = hookwise::client::UpdateWebhook { url: Some(new_url.clone()), ..Default::default() };
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
    let disable = hookwise::client::UpdateWebhook { status: Some("disabled".into()), ..Default::default() };
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
    let hook = client.webhooks.register(&RegisterWebhook { url, ..Default::default() }).await.unwrap();
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

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_dir_and_database_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let set = |path: &std::path::Path, mode: u32| std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    let dir = temp_dir("private");
    set(&dir, 0o755).unwrap();
    let mut server = start(&dir, &[]);
    patient(&server.base_url).jobs.create(CreateJob::new("p").payload(json!({"duration_ms": 0}))).await.unwrap();
    let check = |when: &str| {
        assert_eq!(mode(&dir), 0o700, "data dir {when}");
        for file in ["hookwise.db", "hookwise.db-wal", "hookwise.db-shm"] {
            let path = dir.join(file);
            if path.exists() {
                assert_eq!(mode(&path), 0o600, "{file} {when}");
            }
        }
    };
    check("when created");
    server.kill();
    // A data dir left open by an older version is closed when the server opens it.
    set(&dir, 0o755).unwrap();
    set(&dir.join("hookwise.db"), 0o644).unwrap();
    let server = start(&dir, &[]);
    check("after a restart");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_survives_a_restart_and_unfinished_jobs_resume() {
    let dir = temp_dir("restart");
    let mut server = start(&dir, &[]);
    let client = patient(&server.base_url);
    let hook = client
        .webhooks
        .register(&RegisterWebhook { url: "https://example.test/h".into(), ..Default::default() })
        .await
        .unwrap();
    let job = client.jobs.create(CreateJob::new("long").payload(json!({"duration_ms": 1500}))).await.unwrap();
    server.kill();
    let server = start(&dir, &[]);
    let client = patient(&server.base_url);
    assert_eq!(client.webhooks.get(&hook.id).await.unwrap().url, "https://example.test/h");
    let done = client.jobs.wait(&job.id, Duration::from_secs(15), None).await.unwrap();
    assert_eq!(done.status, JobStatus::Succeeded, "the interrupted job ran to completion after the restart");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_over_all_pages_sees_every_job_once_while_jobs_arrive() {
    let dir = temp_dir("walk");
    let server = start(&dir, &[]);
    let client = patient(&server.base_url);
    let mut before = HashSet::new();
    for i in 0..30 {
        before.insert(
            client.jobs.create(CreateJob::new("walk").payload(json!({"i": i, "duration_ms": 0}))).await.unwrap().id,
        );
    }
    let writer = client.clone();
    let arriving = tokio::spawn(async move {
        for i in 0..15 {
            writer.jobs.create(CreateJob::new("walk").payload(json!({"late": i, "duration_ms": 0}))).await.unwrap();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    let seen: Vec<String> = client
        .jobs
        .list_all(ListJobs { kind: Some("walk".into()), limit: Some(4), ..ListJobs::default() })
        .map_ok(|j| j.id)
        .try_collect()
        .await
        .unwrap();
    arriving.await.unwrap();
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a job was seen twice");
    assert!(before.iter().all(|id| unique.contains(id)), "a job that existed before the walk was missed");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guarded_server_delivers_nothing_to_loopback_and_records_only_the_refusal() {
    let dir = temp_dir("ssrf");
    let server = start_guarded(&dir, &flags(&["--retry-schedule", "60"]));
    let client = patient(&server.base_url);
    let (open_url, _, count) = judging_receiver(|_, _, _| (200, Duration::ZERO)).await;
    let open = open_url.trim_start_matches("http://").trim_end_matches("/hook").to_owned();
    let port = open.rsplit(':').next().unwrap().to_owned();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap(); // nobody listens now
    let urls = [
        open_url.clone(),                                  // a receiver that would answer 200
        format!("http://{closed}/hook"),                   // a port nobody listens on
        format!("http://localhost:{port}/hook"),           // a name that resolves to loopback
        format!("http://[::ffff:127.0.0.1]:{port}/hook"),  // loopback in IPv6 form
        "http://169.254.169.254/latest/meta-data/".into(), // cloud metadata
    ];
    let mut hooks = Vec::new();
    for url in urls {
        hooks.push(client.webhooks.register(&RegisterWebhook { url, ..Default::default() }).await.unwrap());
    }
    let job = CreateJob::new("ssrf").payload(json!({"duration_ms": 0})).callback_url(format!("{open_url}/callback"));
    client.jobs.create(job).await.unwrap();
    let mut errors = HashSet::new();
    for hook in &hooks {
        let attempt = eventually("a refused attempt", Duration::from_secs(10), async || {
            deliveries_of(&client, &hook.id).await.first()?.attempts.first().cloned()
        })
        .await;
        assert_eq!((attempt.status_code, attempt.duration_ms), (None, 0), "{}: {attempt:?}", hook.url);
        errors.insert(attempt.error.unwrap());
    }
    // One answer for all: open or closed port, literal or name, nothing tells them apart.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors.iter().all(|e| e.starts_with("refused:") && e.contains("--allow-private-targets")), "{errors:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count.load(Ordering::SeqCst), 0, "the loopback receiver got a request (endpoint or callback)");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_a_failed_attempt_and_its_target_gets_nothing() {
    let dir = temp_dir("redirect");
    let server = start(&dir, &flags(&["--retry-schedule", "60"]));
    let client = patient(&server.base_url);
    let (target, _, reached) = judging_receiver(|_, _, _| (200, Duration::ZERO)).await;
    let app = axum::Router::new().fallback(move || {
        let target = target.clone();
        async move { (axum::http::StatusCode::TEMPORARY_REDIRECT, [(axum::http::header::LOCATION, target)]) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let hook = client.webhooks.register(&RegisterWebhook { url, ..Default::default() }).await.unwrap();
    client.jobs.create(CreateJob::new("redirect").payload(json!({"duration_ms": 0}))).await.unwrap();
    let attempt = eventually("the attempt", Duration::from_secs(10), async || {
        deliveries_of(&client, &hook.id).await.first()?.attempts.first().cloned()
    })
    .await;
    assert_eq!(attempt.status_code, Some(307), "{attempt:?}");
    assert!(attempt.error.as_deref().is_some_and(|e| e.contains("redirects are not followed")), "{attempt:?}");
    assert_eq!(deliveries_of(&client, &hook.id).await[0].status, "pending", "a failed attempt, retried later");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(reached.load(Ordering::SeqCst), 0, "the redirect's target was POSTed to");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_allow_private_targets_a_name_for_loopback_gets_its_delivery() {
    let dir = temp_dir("allow-private");
    let server = start(&dir, &[]);
    let client = patient(&server.base_url);
    let (url, seen) = receiver(|_| (200, Duration::ZERO)).await;
    let url = url.replace("127.0.0.1", "localhost");
    let hook = client.webhooks.register(&RegisterWebhook { url, ..Default::default() }).await.unwrap();
    client.jobs.create(CreateJob::new("allowed").payload(json!({"duration_ms": 0}))).await.unwrap();
    eventually("the delivery", Duration::from_secs(10), async || (!seen.lock().unwrap().is_empty()).then_some(()))
        .await;
    assert_eq!(deliveries_of(&client, &hook.id).await[0].status, "delivered");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_default_api_key_is_refused_on_an_address_other_than_loopback() {
    let dir = temp_dir("bind");
    let serve = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hookwise"))
            .args(["serve", "--bind", "0.0.0.0", "--port", "0", "--data-dir"])
            .arg(&dir)
            .args(extra)
            .output()
            .unwrap()
    };
    for extra in [&[][..], &["--api-key", "hw_test_key"], &["--api-key", "mine", "--api-key", "hw_test_key"]] {
        let out = serve(extra);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("default API key") && stderr.contains("--api-key"), "{stderr}");
    }
    // A key of one's own starts it.
    let mut own = std::process::Command::new(env!("CARGO_BIN_EXE_hookwise"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "0", "--api-key", "own_key", "--data-dir"])
        .arg(&dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(own.stdout.take().unwrap()), &mut line).unwrap();
    let _ = own.kill();
    let _ = own.wait();
    assert!(line.contains("listening on"), "{line}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_each_pending_retrys_due_time() {
    let dir = temp_dir("due-time");
    let (url, _, tries) = judging_receiver(|_, _, _| (500, Duration::ZERO)).await;
    let schedule = flags(&["--retry-schedule", "30"]);
    let mut server = start(&dir, &schedule);
    let client = patient(&server.base_url);
    let hook = client.webhooks.register(&RegisterWebhook { url, ..Default::default() }).await.unwrap();
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
    client.webhooks.register(&RegisterWebhook { url, ..Default::default() }).await.unwrap();
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
    let slow = client.webhooks.register(&RegisterWebhook { url: slow_url, ..Default::default() }).await.unwrap();
    client.webhooks.register(&RegisterWebhook { url: fast_url, ..Default::default() }).await.unwrap();
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
async fn at_most_64_jobs_run_at_once_and_the_rest_wait_queued() {
    let dir = temp_dir("job-slots");
    let server = start(&dir, &[]);
    let client = patient(&server.base_url);
    for i in 0..70 {
        client.jobs.create(CreateJob::new("slots").payload(json!({"n": i, "duration_ms": 2500}))).await.unwrap();
    }
    let count = async |status: JobStatus| {
        let list =
            ListJobs { kind: Some("slots".into()), status: Some(status), limit: Some(100), ..ListJobs::default() };
        client.jobs.list(&list).await.unwrap().total_count
    };
    let (running, queued) = eventually("every job that may start to start", Duration::from_secs(2), async || {
        let queued = count(JobStatus::Queued).await;
        (queued <= 6).then_some((count(JobStatus::Running).await, queued))
    })
    .await;
    assert_eq!((running, queued), (64, 6), "running and queued jobs");
    eventually("every job to succeed", Duration::from_secs(30), async || {
        (count(JobStatus::Succeeded).await == 70).then_some(())
    })
    .await;
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// Sends `request` (incomplete on purpose) to `base_url` and reads what comes back until the
/// server closes the connection; `None` if it is still open after `patience`.
async fn send_slowly(base_url: &str, request: &str, patience: Duration) -> Option<String> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(base_url.trim_start_matches("http://")).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(patience, stream.read_to_end(&mut answer)).await.ok()?;
    read.ok()?; // a reset is a close too
    Some(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_slow_to_send_its_headers_or_body_is_cut_off() {
    let dir = temp_dir("slow-client");
    let server = start(&dir, &flags(&["--read-timeout", "1"]));
    let started = Instant::now();
    let headers = send_slowly(&server.base_url, "GET /v1/jobs HTTP/1.1\r\nHost: x\r\n", Duration::from_secs(5)).await;
    assert!(headers.is_some(), "a connection with half its headers is still open after 5 s");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    let body = format!(
        "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {API_KEY}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"kind\":"
    );
    let answer = send_slowly(&server.base_url, &body, Duration::from_secs(5))
        .await
        .expect("a request with a tenth of its body is still open after 5 s");
    assert!(answer.starts_with("HTTP/1.1 408") && answer.contains("\"request_timeout\""), "{answer}");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_after_24_h_and_events_after_30_days_are_pruned() {
    let dir = temp_dir("prune");
    let (url, seen) = receiver(|_| (200, Duration::ZERO)).await;
    let mut server = start(&dir, &[]);
    let client = patient(&server.base_url);
    let hook = client.webhooks.register(&RegisterWebhook { url, ..Default::default() }).await.unwrap();
    let create = async |client: &Client, key: &str, n: u32| {
        let job = CreateJob::new("prune").payload(json!({"n": n, "duration_ms": 0})).idempotency_key(key);
        client.jobs.create(job).await
    };
    let old = create(&client, "old-key", 1).await.unwrap();
    create(&client, "young-key", 1).await.unwrap();
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
    assert_eq!(seen.lock().unwrap().len(), 2, "pruning never re-sends");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
