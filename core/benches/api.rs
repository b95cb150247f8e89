//! The engine's per-call overhead: `Api::call` against the same request made with raw reqwest
//! (build, send, read, parse the JSON), both against one axum server on loopback.
//! `cargo bench -p hookwise --features client --bench api`; overhead = engine − raw (target < 50 µs).
#![allow(missing_docs)] // criterion_group! generates undocumented functions.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Bench code: a panic is how a failure is reported.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use hookwise::api::{Api, ApiOptions, Profile};
use serde_json::{json, Value};

const JOB: &str = r#"{"id":"job_01JD2Y6Z3Q9W1V8X0T5R4P7M2N","object":"job","kind":"transcode","status":"running","progress_pct":40,"payload":{"input":"movie.mp4"},"callback_url":null,"secrecy_level":"internal","result_ref":null,"error":null,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:01Z","started_at":"2026-11-22T10:00:00Z","finished_at":null}"#;

/// The server runs on a runtime of its own (one worker thread); the clients are driven from the
/// bench thread by a current-thread runtime, so both sides pay the same wake-ups.
fn serve(rt: &tokio::runtime::Runtime) -> String {
    rt.block_on(async {
        let app = axum::Router::new()
            .route("/v1/jobs/{id}", axum::routing::get(|| async { ([("content-type", "application/json")], JOB) }))
            .route(
                "/v1/jobs",
                axum::routing::post(|| async {
                    (axum::http::StatusCode::CREATED, [("content-type", "application/json")], JOB)
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    })
}

fn calls(c: &mut Criterion) {
    let server = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let url = serve(&server);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let options = ApiOptions::default().api_key("hw_test_key").base_url(url.clone());
    let api = Api::new(Arc::new(Profile::hookwise().clone()), options).unwrap();
    // After Api::new, which installs the TLS crypto provider reqwest is built without.
    let raw = reqwest::Client::new();
    let get_args = json!({"id": "job_01JD2Y6Z3Q9W1V8X0T5R4P7M2N"});
    let create_args = json!({"kind": "transcode", "payload": {"input": "movie.mp4"}});

    let mut group = c.benchmark_group("round trip (loopback)");
    group.bench_function("GET job: raw reqwest + serde_json", |b| {
        b.iter(|| {
            rt.block_on(async {
                let response = raw
                    .get(format!("{url}/v1/jobs/job_01JD2Y6Z3Q9W1V8X0T5R4P7M2N"))
                    .bearer_auth("hw_test_key")
                    .send()
                    .await
                    .unwrap();
                serde_json::from_slice::<Value>(&response.bytes().await.unwrap()).unwrap()
            })
        });
    });
    group.bench_function("GET job: Api::call(get_job)", |b| {
        b.iter(|| rt.block_on(api.call("get_job", get_args.as_object().unwrap())).unwrap());
    });
    group.bench_function("POST job: raw reqwest + serde_json", |b| {
        b.iter(|| {
            rt.block_on(async {
                let response = raw
                    .post(format!("{url}/v1/jobs"))
                    .bearer_auth("hw_test_key")
                    .header("idempotency-key", "idk_0123456789abcdef0123456789abcdef")
                    .json(&create_args)
                    .send()
                    .await
                    .unwrap();
                serde_json::from_slice::<Value>(&response.bytes().await.unwrap()).unwrap()
            })
        });
    });
    group.bench_function("POST job: Api::call(create_job)", |b| {
        b.iter(|| rt.block_on(api.call("create_job", create_args.as_object().unwrap())).unwrap());
    });
    group.finish();
}

criterion_group!(benches, calls);
criterion_main!(benches);
