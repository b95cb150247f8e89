//! The example app on a real loopback socket, fed GitHub's documented deliveries (the signature
//! vectors of `tests/conformance`, made with GitHub's own verification code).
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use base64::Engine as _;
use serde_json::Value;

fn github_case(id: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/conformance/vectors/signatures/github.json");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).expect("vectors")).expect("json");
    cases.into_iter().find(|c| c["id"] == id).expect("case")
}

async fn serve(secret: &str, max_payload_bytes: usize) -> String {
    let webhook =
        hookwise::Webhook::from_preset("github", [secret]).expect("preset").with_max_payload_bytes(max_payload_bytes);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/webhooks", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, axum_receiver::app(webhook)).await.expect("serve") });
    url
}

async fn post(url: &str, case: &Value, body: Vec<u8>) -> (u16, Value) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request = reqwest::Client::new().post(url).body(body);
    for (name, value) in case["headers"].as_object().expect("headers") {
        request = request.header(name, value.as_str().expect("value"));
    }
    let response = request.send().await.expect("send");
    (response.status().as_u16(), response.json().await.expect("json answer"))
}

#[tokio::test]
async fn verified_event_reaches_the_handler_and_a_tampered_one_does_not() {
    // Upper-case header names, as some proxies send them: axum's HeaderMap goes in as it is.
    let case = github_case("github-header-case-002");
    let secret = case["secrets"][0].as_str().expect("secret");
    let body = base64::engine::general_purpose::STANDARD.decode(case["body_b64"].as_str().expect("body")).expect("b64");
    let url = serve(secret, 1 << 20).await;

    let (status, answer) = post(&url, &case, body.clone()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["received"], case["expect"]["event"]["id"]);
    assert_eq!(answer["type"], "push");
    assert_eq!(answer["data"], serde_json::from_slice::<Value>(&body).expect("body json"));

    let mut tampered = body.clone();
    tampered[body.len() / 2] ^= 1;
    assert_eq!(post(&url, &case, tampered).await, (400, serde_json::json!({ "error": "signature_mismatch" })));

    let small = serve(secret, body.len() - 1).await;
    assert_eq!(post(&small, &case, body).await, (413, serde_json::json!({ "error": "payload_too_large" })));
}
