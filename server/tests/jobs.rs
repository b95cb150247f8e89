//! Jobs, with the server as a real process on loopback: exactly-once creation under chaos, no
//! webhook lost to a crash as a job finishes, signed result URLs, state across restarts, paging
//! while jobs arrive, bounded concurrency.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use futures_util::TryStreamExt as _;
use hookwise::client::{CreateJob, JobStatus, ListJobs, RegisterWebhook};
use hookwise::Webhook;
use serde_json::{json, Value};

mod common;

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
        .list_all(ListJobs::default().kind("chaos").limit(100))
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
async fn a_crash_between_finishing_a_job_and_queuing_its_deliveries_loses_no_webhook() {
    let dir = temp_dir("crash-finish");
    let (url, seen) = receiver(|_| (200, Duration::ZERO)).await;
    let bin = &bin();
    // This (test) build aborts at the named point, as a SIGKILL there would.
    let env = [("HOOKWISE_CRASH_AT", "job_finished_before_deliveries")];
    let mut server = ServerProcess::start_with_env(bin, &dir, &flags(&[ALLOW_PRIVATE]), &env).expect("hookwise serve");
    let client = patient(&server.base_url);
    let hook = client.webhooks.register(&RegisterWebhook::new(url)).await.unwrap();
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
async fn state_survives_a_restart_and_unfinished_jobs_resume() {
    let dir = temp_dir("restart");
    let mut server = start(&dir, &[]);
    let client = patient(&server.base_url);
    let hook = client.webhooks.register(&RegisterWebhook::new("https://example.test/h")).await.unwrap();
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
    let seen: Vec<String> =
        client.jobs.list_all(ListJobs::default().kind("walk").limit(4)).map_ok(|j| j.id).try_collect().await.unwrap();
    arriving.await.unwrap();
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a job was seen twice");
    assert!(before.iter().all(|id| unique.contains(id)), "a job that existed before the walk was missed");
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
        let list = ListJobs::default().kind("slots").status(status).limit(100);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn total_count_is_right_for_every_filter_across_creates_finishes_cancels_and_a_restart() {
    let dir = temp_dir("counts");
    let mut server = start(&dir, &[]);
    let client = patient(&server.base_url);
    // Per kind: jobs that succeed, fail, are canceled, and run on.
    let mut expected: Vec<(String, JobStatus)> = Vec::new();
    for i in 0..16 {
        let kind = ["count-a", "count-b"][i % 2];
        let (payload, status) = match i % 4 {
            0 => (json!({"duration_ms": 0}), JobStatus::Succeeded),
            1 => (json!({"duration_ms": 0, "simulate": "fail"}), JobStatus::Failed),
            2 => (json!({"duration_ms": 60_000}), JobStatus::Canceled),
            _ => (json!({"duration_ms": 60_000}), JobStatus::Running),
        };
        let job = client.jobs.create(CreateJob::new(kind).payload(payload)).await.unwrap();
        if status == JobStatus::Canceled {
            client.jobs.cancel(&job.id).await.unwrap();
        }
        expected.push((kind.to_owned(), status));
    }
    let check = async |client: &hookwise::client::Client| {
        for kind in [None, Some("count-a"), Some("count-b"), Some("count-c")] {
            let statuses = [JobStatus::Queued, JobStatus::Running, JobStatus::Succeeded, JobStatus::Failed];
            for status in [None].into_iter().chain(statuses.into_iter().chain([JobStatus::Canceled]).map(Some)) {
                let list = {
                    let mut list = ListJobs::default().limit(100);
                    list.kind = kind.map(Into::into);
                    list.status = status;
                    list
                };
                let page = client.jobs.list(&list).await.unwrap();
                let want = expected
                    .iter()
                    .filter(|(k, s)| kind.is_none_or(|kind| k == kind) && status.is_none_or(|status| *s == status))
                    .count();
                assert_eq!((page.total_count, page.jobs.len()), (want as u64, want), "{kind:?} {status:?}");
            }
        }
    };
    eventually("every job to reach its status", Duration::from_secs(10), async || {
        for status in [JobStatus::Running, JobStatus::Succeeded, JobStatus::Failed] {
            let list = ListJobs::default().status(status).limit(1);
            let want = expected.iter().filter(|(_, s)| *s == status).count() as u64;
            (client.jobs.list(&list).await.ok()?.total_count == want).then_some(())?;
        }
        Some(())
    })
    .await;
    check(&client).await;
    server.kill();
    let server = start(&dir, &[]);
    check(&patient(&server.base_url)).await;
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
