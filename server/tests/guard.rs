//! What the server refuses to do: deliver to its own network (the SSRF guard), follow redirects,
//! accept the default key off loopback, leave its data readable by others.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::*;
use hookwise::client::{CreateJob, RegisterWebhook};
use serde_json::json;

mod common;

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
        hooks.push(client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap());
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
    let hook = client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();
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
    let hook = client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();
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
        std::process::Command::new(bin())
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
    let mut own = std::process::Command::new(bin())
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
