//! Webhook endpoints with the server in-process on loopback: `POST /v1/webhooks` with an
//! `Idempotency-Key` (a retry after a lost response registers nothing new, and the database keeps
//! the caller's key hash, never the key), and lists that page.
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

/// `GET {base}{path}` with the default key: the status and the JSON body.
async fn get(base: &str, path: &str) -> (u16, Value) {
    let response =
        reqwest::Client::new().get(format!("{base}{path}")).bearer_auth(DEFAULT_API_KEY).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn endpoints(base: &str) -> usize {
    get(base, "/v1/webhooks").await.1["webhooks"].as_array().unwrap().len()
}

async fn start(tag: &str) -> (hookwise_server::Server, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("hookwise-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = Config { data_dir: dir.clone(), bind: SocketAddr::from(([127, 0, 0, 1], 0)), ..Config::default() };
    (serve(config).await.unwrap(), dir)
}

#[tokio::test]
async fn a_retried_register_with_its_key_returns_the_first_endpoint() {
    let (server, dir) = start("idempotent-register").await;
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
    // Keys are scoped by the caller's key identity, its SHA-256 (Python:
    // hashlib.sha256(b"hw_test_key").hexdigest()); the key itself is nowhere in the database.
    let db = rusqlite::Connection::open(dir.join("hookwise.db")).unwrap();
    let callers: Vec<String> = db
        .prepare("SELECT DISTINCT api_key FROM idempotency_keys")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(callers, ["d284f755c0236153d4b6f635bcee574e80bc1bfe3a46525f7e7d1be06bfc3248"]);
    drop(db);
    for file in ["hookwise.db", "hookwise.db-wal"] {
        let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(!bytes.windows(DEFAULT_API_KEY.len()).any(|w| w == DEFAULT_API_KEY.as_bytes()), "{file}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn endpoints_and_deliveries_list_in_pages_that_a_cursor_walks() {
    let (server, dir) = start("webhook-pages").await;
    let base = server.base_url();
    let mut registered = Vec::new();
    for n in 0..5 {
        let (status, _, hook) = register(&base, None, &json!({"url": format!("https://example.com/{n}")})).await;
        assert_eq!(status, 201, "{hook}");
        registered.push(hook["id"].as_str().unwrap().to_owned());
    }
    let (mut seen, mut path, mut pages) = (Vec::new(), "/v1/webhooks?limit=2".to_owned(), 0);
    loop {
        let (status, page) = get(&base, &path).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        let hooks = page["webhooks"].as_array().unwrap();
        assert!(hooks.len() <= 2 && hooks.iter().all(|h| h.get("secret").is_none()), "{page}");
        seen.extend(hooks.iter().map(|h| h["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/webhooks?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!((seen, pages), (registered.clone(), 3), "every endpoint once, in registration order");
    let (_, all) = get(&base, "/v1/webhooks").await;
    assert_eq!((all["webhooks"].as_array().unwrap().len(), &all["next_cursor"]), (5, &Value::Null));

    let (status, page) = get(&base, &format!("/v1/webhooks/{}/deliveries?limit=1", registered[0])).await;
    assert_eq!((status, &page["deliveries"], &page["next_cursor"]), (200, &json!([]), &Value::Null), "{page}");
    for bad in ["limit=0", "limit=101", "limit=x", "cursor=nope", "page=2"] {
        for list in ["/v1/webhooks".to_owned(), format!("/v1/webhooks/{}/deliveries", registered[0])] {
            let (status, error) = get(&base, &format!("{list}?{bad}")).await;
            assert_eq!(status, 400, "{list}?{bad}: {error}");
            assert!(error["error"]["code"].is_string(), "{error}");
        }
    }
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}
