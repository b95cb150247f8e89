//! `POST /v1/webhooks` with an `Idempotency-Key`: a retry after a lost response registers nothing
//! new. The server runs in-process on loopback.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::net::SocketAddr;

use hookwise_server::{serve, Config, DEFAULT_API_KEY};
use serde_json::{json, Value};

async fn register(base: &str, key: Option<&str>, body: &Value) -> (u16, Option<String>, Value) {
    let mut request =
        reqwest::Client::new().post(format!("{base}/v1/webhooks")).bearer_auth(DEFAULT_API_KEY).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let replayed = response.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap().to_owned());
    (status, replayed, response.json().await.unwrap())
}

async fn endpoints(base: &str) -> usize {
    let list: Value = reqwest::Client::new()
        .get(format!("{base}/v1/webhooks"))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["webhooks"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_retried_register_with_its_key_returns_the_first_endpoint() {
    let dir = std::env::temp_dir().join(format!("hookwise-idempotent-register-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = Config { data_dir: dir.clone(), bind: SocketAddr::from(([127, 0, 0, 1], 0)), ..Config::default() };
    let server = serve(config).await.unwrap();
    let base = server.base_url();
    let body = json!({"url": "https://example.com/hook", "events": ["job.succeeded"]});

    let (status, replayed, first) = register(&base, Some("reg-1"), &body).await;
    assert_eq!((status, replayed), (201, None), "{first}");
    let secret = first["secret"].as_str().unwrap().to_owned();

    // The same request again (a retry after a lost response): the same endpoint, secret included.
    let (status, replayed, again) = register(&base, Some("reg-1"), &body).await;
    assert_eq!((status, replayed.as_deref()), (200, Some("true")), "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["secret"].as_str(), Some(secret.as_str()));
    assert_eq!(endpoints(&base).await, 1, "a retry registers nothing new");

    // The same key with another body, or for another operation: 409, nothing registered.
    let (status, _, error) = register(&base, Some("reg-1"), &json!({"url": "https://example.com/other"})).await;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("idempotency_key_reused")), "{error}");
    let job = reqwest::Client::new()
        .post(format!("{base}/v1/jobs"))
        .bearer_auth(DEFAULT_API_KEY)
        .header("Idempotency-Key", "reg-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(job.status().as_u16(), 400, "the body is not a job: refused before the key is looked at");
    let (status, _, _) = register(&base, Some("job-1"), &body).await;
    assert_eq!(status, 201, "another key is another endpoint");
    let job = reqwest::Client::new()
        .post(format!("{base}/v1/jobs"))
        .bearer_auth(DEFAULT_API_KEY)
        .header("Idempotency-Key", "job-1")
        .json(&json!({"kind": "noop"}))
        .send()
        .await
        .unwrap();
    assert_eq!(job.status().as_u16(), 409, "a key that registered an endpoint does not create a job");
    assert_eq!(endpoints(&base).await, 2);

    // Without a key, each request is a new endpoint (as before).
    register(&base, None, &body).await;
    register(&base, None, &body).await;
    assert_eq!(endpoints(&base).await, 4);

    // Once the endpoint is deleted, a replay does not bring it back.
    let id = first["id"].as_str().unwrap();
    let deleted = reqwest::Client::new()
        .delete(format!("{base}/v1/webhooks/{id}"))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
    let (status, _, error) = register(&base, Some("reg-1"), &body).await;
    assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")), "{error}");
    assert_eq!(endpoints(&base).await, 3);

    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}
