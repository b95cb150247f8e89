//! The client's retry policy against a real HTTP server on loopback that fails on purpose:
//! which failures are retried, that one `Idempotency-Key` is reused across a create's retries,
//! that `Retry-After` is honoured, and how errors are typed.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use hookwise::client::{Client, ClientOptions, CreateJob, ErrorKind, RegisterWebhook};

/// What the fake API answers, in order; the last answer repeats.
#[derive(Clone)]
struct Script {
    /// The body of a 2xx answer.
    body: &'static str,
    answers: Vec<(u16, Option<&'static str>)>,
    seen: Arc<Mutex<Vec<HeaderMap>>>,
}

const JOB: &str = r#"{"id":"job_1","object":"job","kind":"k","status":"queued","progress_pct":0,"payload":{},
"callback_url":null,"secrecy_level":"internal","result_ref":null,"error":null,
"created_at":"2026-11-22T00:00:00Z","updated_at":"2026-11-22T00:00:00Z","started_at":null,"finished_at":null}"#;

async fn serve(script: Script) -> String {
    let app = axum::Router::new().fallback(move |headers: HeaderMap| {
        let script = script.clone();
        async move {
            let n = {
                let mut seen = script.seen.lock().unwrap();
                seen.push(headers);
                seen.len() - 1
            };
            let (status, retry_after) = script.answers[n.min(script.answers.len() - 1)];
            let body = if status < 300 {
                script.body.to_owned()
            } else {
                format!(r#"{{"error":{{"code":"e{status}","message":"failed on purpose","trace_id":"trc_{n}"}}}}"#)
            };
            let mut response = (StatusCode::from_u16(status).unwrap(), body).into_response();
            if let Some(wait) = retry_after {
                response.headers_mut().insert("retry-after", wait.parse().unwrap());
            }
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn fast(max_retries: u32) -> ClientOptions {
    ClientOptions::default().max_retries(max_retries).initial_retry_delay(Duration::from_millis(5))
}

async fn run(
    answers: Vec<(u16, Option<&'static str>)>,
    max_retries: u32,
) -> (Result<String, hookwise::client::Error>, Vec<HeaderMap>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let url = serve(Script { body: JOB, answers, seen: seen.clone() }).await;
    let client = Client::with_options("key_1", &url, fast(max_retries)).unwrap();
    let result = client.jobs.create(CreateJob::new("k")).await.map(|job| job.id);
    let seen = seen.lock().unwrap().clone();
    (result, seen)
}

#[tokio::test]
async fn server_errors_and_429_are_retried_with_one_idempotency_key() {
    let (result, seen) = run(vec![(500, None), (503, None), (429, None), (408, None), (201, None)], 4).await;
    assert_eq!(result.unwrap(), "job_1");
    assert_eq!(seen.len(), 5);
    let keys: Vec<_> = seen.iter().map(|h| h["idempotency-key"].to_str().unwrap().to_owned()).collect();
    assert!(keys[0].starts_with("idk_"), "{keys:?}");
    assert!(keys.iter().all(|k| *k == keys[0]), "one key for every retry: {keys:?}");
    assert_eq!(seen[0]["authorization"], "Bearer key_1");
}

#[tokio::test]
async fn each_create_call_gets_its_own_key_and_a_given_key_is_sent_as_is() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let url = serve(Script { body: JOB, answers: vec![(201, None)], seen: seen.clone() }).await;
    let client = Client::with_options("k", &url, fast(0)).unwrap();
    client.jobs.create(CreateJob::new("a")).await.unwrap();
    client.jobs.create(CreateJob::new("a")).await.unwrap();
    client.jobs.create(CreateJob::new("a").idempotency_key("mine-1")).await.unwrap();
    let keys: Vec<String> =
        seen.lock().unwrap().iter().map(|h| h["idempotency-key"].to_str().unwrap().to_owned()).collect();
    assert_ne!(keys[0], keys[1]);
    assert_eq!(keys[2], "mine-1");
}

#[tokio::test]
async fn register_is_retried_with_one_idempotency_key_and_the_other_unkeyed_writes_are_not() {
    const ENDPOINT: &str = r#"{"id":"we_1","url":"https://example.com/h","events":["*"],"name":null,
"status":"active","secret":"whsec_x","created_at":"2026-11-22T00:00:00Z","updated_at":null}"#;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let url =
        serve(Script { body: ENDPOINT, answers: vec![(500, None), (502, None), (201, None)], seen: seen.clone() })
            .await;
    let client = Client::with_options("k", &url, fast(2)).unwrap();
    let params = RegisterWebhook::new("https://example.com/h");
    assert_eq!(client.webhooks.register(&params).await.unwrap().id, "we_1");
    let keys: Vec<String> =
        seen.lock().unwrap().iter().map(|h| h["idempotency-key"].to_str().unwrap().to_owned()).collect();
    assert_eq!(keys.len(), 3, "retried after a 500 and a 502");
    assert!(keys[0].starts_with("idk_") && keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    let given = RegisterWebhook::new("https://example.com/h").idempotency_key("mine");
    client.webhooks.register(&given).await.unwrap();
    assert_eq!(seen.lock().unwrap().last().unwrap()["idempotency-key"], "mine");

    // delete, rotate and cancel carry no key: a 500 after sending is not retried (the write may
    // have been done), a 503 is (the server says it did nothing).
    for (answers, tries) in [(vec![(500, None)], 1), (vec![(503, Some("0")), (201, None)], 2)] {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let url = serve(Script { body: ENDPOINT, answers, seen: seen.clone() }).await;
        let client = Client::with_options("k", &url, fast(2)).unwrap();
        let _ = client.webhooks.rotate_secret("we_1").await;
        let _ = client.webhooks.delete("we_1").await;
        let _ = client.jobs.cancel("job_1").await;
        let seen = seen.lock().unwrap();
        assert!(seen.iter().all(|h| !h.contains_key("idempotency-key")));
        assert_eq!(seen.len(), if tries == 1 { 3 } else { 4 }, "{tries}");
    }
}

#[tokio::test]
async fn client_errors_are_not_retried_and_are_typed() {
    for (status, kind) in [
        (400, ErrorKind::Api),
        (401, ErrorKind::Authentication),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::Conflict),
    ] {
        let (result, seen) = run(vec![(status, None)], 3).await;
        let err = result.unwrap_err();
        assert_eq!(seen.len(), 1, "{status} must not be retried");
        assert_eq!(err.kind(), kind);
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.code(), format!("e{status}"));
        assert_eq!(err.message(), "failed on purpose");
        assert_eq!(err.trace_id(), Some("trc_0"));
    }
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_the_last_error() {
    let (result, seen) = run(vec![(502, None)], 2).await;
    let err = result.unwrap_err();
    assert_eq!(seen.len(), 3, "one attempt and two retries");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.trace_id(), Some("trc_2"));
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let started = Instant::now();
    let (result, seen) = run(vec![(429, Some("1")), (201, None)], 1).await;
    assert!(result.is_ok());
    assert_eq!(seen.len(), 2);
    assert!(started.elapsed() >= Duration::from_millis(950), "waited only {:?}", started.elapsed());
}

#[tokio::test]
async fn connection_errors_are_typed_and_retried() {
    // A port with nothing listening: bind, learn the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::with_options("k", &format!("http://127.0.0.1:{port}"), fast(1)).unwrap();
    let err = client.jobs.get("job_1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(err.code(), "connection_error");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let app = axum::Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        "late"
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let options = fast(0).timeout(Duration::from_millis(100));
    let client = Client::with_options("k", &url, options).unwrap();
    let err = client.jobs.get("job_1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
}
