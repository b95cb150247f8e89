//! Bad input: a clear 4xx in the error shape, never a 500; secrets shown only when made; slow
//! clients cut off.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

mod common;

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
