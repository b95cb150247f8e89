//! Request ids, W3C trace context and the server's log lines, through a real `hookwise serve` on
//! loopback: a job's `traceparent` reaches every attempt to deliver its event (one trace id, a new
//! parent id per attempt), answers carry an `x-request-id` (the caller's, else a new UUID), and
//! `--log-json` writes one JSON object a line with the request's ids.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

mod common;

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use hookwise::client::RegisterWebhook;
use serde_json::{json, Value};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

/// The trace id and parent id of a `traceparent` of the shape `00-<32 hex>-<16 hex>-01`.
fn parts(traceparent: &str) -> (String, String) {
    let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let fields: Vec<&str> = traceparent.split('-').collect();
    assert!(fields.len() == 4 && fields[0] == "00" && fields[3] == "01", "{traceparent}");
    assert!(hex(fields[1], 32) && hex(fields[2], 16), "{traceparent}");
    (fields[1].to_owned(), fields[2].to_owned())
}

async fn create_job(base_url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request = reqwest::Client::new()
        .post(format!("{base_url}/v1/jobs"))
        .bearer_auth(API_KEY)
        .json(&json!({"kind": "traced", "payload": {"duration_ms": 0}}));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_jobs_traceparent_reaches_every_attempt_of_its_delivery_and_answers_carry_a_request_id() {
    let dir = temp_dir("trace");
    let server = start(&dir, &quick_retries());
    let traceparents = Arc::new(Mutex::new(Vec::new()));
    let recorded = traceparents.clone();
    let (url, _, _) = judging_receiver(move |n, headers, _| {
        let value = headers.iter().find(|(k, _)| k == "traceparent").map(|(_, v)| v.clone());
        recorded.lock().unwrap().push(value.unwrap_or_default());
        (if n < 2 { 500 } else { 200 }, Duration::ZERO)
    })
    .await;
    let client = patient(&server.base_url);
    client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();

    let given = create_job(
        &server.base_url,
        &[("traceparent", &format!("00-{TRACE}-00f067aa0ba902b7-01")), ("x-request-id", "req-mine-1")],
    )
    .await;
    assert_eq!(given.status(), 201);
    assert_eq!(given.headers()["x-request-id"], "req-mine-1", "the caller's request id comes back");
    assert!(given.headers()["x-trace-id"].to_str().unwrap().starts_with("trc_"));

    let attempts = eventually("three attempts (two failed, one delivered)", Duration::from_secs(20), async || {
        let seen = traceparents.lock().unwrap().clone();
        (seen.len() >= 3).then_some(seen)
    })
    .await;
    let ids: Vec<(String, String)> = attempts.iter().map(|t| parts(t)).collect();
    assert!(ids.iter().all(|(trace, _)| trace == TRACE), "every attempt in the job's trace: {attempts:?}");
    assert!(ids[0].1 != ids[1].1 && ids[1].1 != ids[2].1, "a parent id per attempt: {attempts:?}");

    // No request id given: a new UUID. An invalid traceparent is not joined: the job's deliveries
    // are in a trace of their own.
    let fresh = create_job(&server.base_url, &[("traceparent", "00-not-a-trace-01")]).await;
    assert_eq!(fresh.status(), 201);
    let request_id = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(request_id.len() == 36 && request_id.matches('-').count() == 4, "{request_id}");
    let next = eventually("the second job's delivery", Duration::from_secs(20), async || {
        traceparents.lock().unwrap().get(3).cloned()
    })
    .await;
    assert_ne!(parts(&next).0, TRACE);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn log_lines_are_json_with_the_request_and_trace_ids_and_go_to_stderr() {
    let dir = temp_dir("logs");
    let mut child = Command::new(bin())
        .args(["serve", "--port", "0", "--api-key", API_KEY, "--log-json", "--data-dir"])
        .arg(&dir)
        .env("HOOKWISE_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = stdout.next().unwrap().unwrap();
    let base_url = first.split("listening on ").nth(1).expect("the startup line stays on stdout").trim().to_owned();
    let answer = create_job(
        &base_url,
        &[("traceparent", &format!("00-{TRACE}-00f067aa0ba902b7-01")), ("x-request-id", "req-log-1")],
    )
    .await;
    assert_eq!(answer.status(), 201);
    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let lines: Vec<Value> =
        stderr.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}"))).collect();
    assert!(lines.iter().any(|l| l["fields"]["message"] == "hookwise serve started"), "{stderr}");
    let request = lines
        .iter()
        .find(|l| l["span"]["request_id"] == "req-log-1" && l["span"]["trace_id"].is_string())
        .unwrap_or_else(|| panic!("a line of the request's span: {stderr}"));
    assert_eq!(request["span"]["trace_id"], TRACE, "{request}");
    assert!(request["span"]["trace"].as_str().is_some_and(|t| t.starts_with("trc_")), "{request}");
    let _ = std::fs::remove_dir_all(&dir);
}
