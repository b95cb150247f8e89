//! What the server's tests share: the server as a real process on loopback (the `hookwise`
//! binary of this workspace, or `HOOKWISE_BIN`; the test command builds it first), receivers that
//! record what they are sent, and waiting for what happens in the background.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)] // Each test file uses some; a panic is how a failure is reported.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hookwise::client::{Client, ClientOptions};
pub use hookwise_conformance::server::{ServerProcess, API_KEY};

/// The `hookwise` binary the servers run as.
pub fn bin() -> std::path::PathBuf {
    hookwise_conformance::server::hookwise_bin(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")))
        .expect("hookwise binary")
}

pub fn temp_dir(tag: &str) -> std::path::PathBuf {
    hookwise_conformance::server::temp_dir(tag).expect("temp dir")
}

/// The tests' receivers are on loopback: a server that may deliver there.
pub fn start(dir: &std::path::Path, flags: &[String]) -> ServerProcess {
    start_guarded(dir, &[&[ALLOW_PRIVATE.to_owned()], flags].concat())
}

/// A server as deployed: deliveries to public addresses only.
pub fn start_guarded(dir: &std::path::Path, flags: &[String]) -> ServerProcess {
    ServerProcess::start(&bin(), dir, flags).expect("hookwise serve")
}

pub const ALLOW_PRIVATE: &str = "--allow-private-targets";

pub type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// A receiver whose answer is decided per request by `answer(n)` (n = 0, 1, …); it records
/// every request it answers 2xx to.
pub async fn receiver(answer: impl Fn(usize) -> (u16, Duration) + Send + Sync + 'static) -> (String, Seen) {
    let (url, seen, _) = judging_receiver(move |n, _, _| answer(n)).await;
    (url, seen)
}

/// As [`receiver`], deciding on the request itself (`answer(n, headers, body)`); also counts every
/// request, whatever the answer.
pub async fn judging_receiver(
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
pub fn quick_retries() -> Vec<String> {
    flags(&["--retry-schedule", &["0.05"; 400].join(",")])
}

pub async fn eventually<T>(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

pub fn patient(base_url: &str) -> Client {
    let options = ClientOptions::default().max_retries(30).initial_retry_delay(Duration::from_millis(5));
    Client::with_options(API_KEY, base_url, options).unwrap()
}

pub fn flags(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The deliveries (and their attempts) of endpoint `id`, as the API shows them.
pub async fn deliveries_of(client: &Client, id: &str) -> Vec<hookwise::client::Delivery> {
    client.webhooks.deliveries(id).await.unwrap()
}
