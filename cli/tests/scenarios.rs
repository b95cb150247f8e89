//! Plays every scenario in `tests/conformance/scenarios/` with the Rust client against a real
//! `hookwise serve` process on loopback (a fresh one per scenario).
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt as _;
use hookwise::client::{Client, CreateJob, Error as ClientError, ListJobs, RegisterWebhook, UpdateWebhook};
use hookwise::Webhook;
use serde_json::{json, Value};
use support::{temp_dir, ServerProcess, API_KEY};

type Requests = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// Local receivers by URL: every request they got, and how many were matched already.
#[derive(Default)]
struct Receivers {
    by_url: HashMap<String, (Requests, Vec<bool>)>,
}

async fn start_receiver() -> (String, Requests) {
    let requests: Requests = Arc::default();
    let store = requests.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let store = store.clone();
            async move {
                let headers = headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect();
                store.lock().unwrap().push((headers, body.to_vec()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, requests)
}

fn subst(value: &Value, saved: &HashMap<String, Value>) -> Value {
    match value {
        Value::String(s) if s.starts_with("${") && s.ends_with('}') => {
            let path = &s[2..s.len() - 1];
            let mut parts = path.split('.');
            let root = parts.next().unwrap_or_default();
            let mut current = saved.get(root).unwrap_or_else(|| panic!("nothing saved as {root:?}"));
            for part in parts {
                current = &current[part];
            }
            current.clone()
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| subst(v, saved)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), subst(v, saved))).collect()),
        other => other.clone(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The matcher of `tests/conformance/README.md`.
fn matches(pattern: &Value, actual: &Value, at: &str) -> Result<(), String> {
    if let Value::Object(ops) = pattern {
        if !ops.is_empty() && ops.keys().all(|k| k.starts_with('$')) {
            for (op, arg) in ops {
                let ok = match op.as_str() {
                    "$in" => arg.as_array().is_some_and(|opts| opts.contains(actual)),
                    "$ne" => arg != actual,
                    "$type" => arg.as_str() == Some(type_name(actual)),
                    "$len" => {
                        actual.as_array().map(Vec::len).or(actual.as_str().map(str::len))
                            == arg.as_u64().and_then(|n| usize::try_from(n).ok())
                    }
                    "$startswith" => actual.as_str().zip(arg.as_str()).is_some_and(|(a, p)| a.starts_with(p)),
                    "$last" => actual.as_array().and_then(|a| a.last()) == Some(arg),
                    "$absent" => actual.is_null() == arg.as_bool().unwrap_or(true),
                    other => return Err(format!("{at}: unknown operator {other}")),
                };
                if !ok {
                    return Err(format!("{at}: {actual} does not satisfy {op} {arg}"));
                }
            }
            return Ok(());
        }
    }
    match (pattern, actual) {
        (Value::Object(p), Value::Object(a)) => {
            for (k, pv) in p {
                matches(pv, a.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(p), Value::Array(a)) => {
            if p.len() != a.len() {
                return Err(format!("{at}: expected {} items, got {}: {actual}", p.len(), a.len()));
            }
            p.iter().zip(a).enumerate().try_for_each(|(i, (pv, av))| matches(pv, av, &format!("{at}[{i}]")))
        }
        (p, a) if p == a => Ok(()),
        (p, a) => Err(format!("{at}: expected {p}, got {a}")),
    }
}

fn error_json(e: &ClientError) -> Value {
    let kind = e.kind().name();
    json!({"status": e.status(), "code": e.code(), "kind": kind, "message": e.message(), "trace_id": e.trace_id()})
}

fn s(args: &Value, key: &str) -> Option<String> {
    args[key].as_str().map(str::to_owned)
}

fn to_json<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).expect("serialize result")
}

/// A step fails through the client (which `expect.error` may expect) or through the harness.
enum Failure {
    Client(ClientError),
    Harness(String),
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Failure {
        Failure::Client(e)
    }
}

#[allow(clippy::too_many_lines)] // One arm per op of the scenario format.
async fn run_op(client: &Client, receivers: &mut Receivers, op: &str, args: &Value) -> Result<Value, Failure> {
    let id = s(args, "id").unwrap_or_default();
    Ok(match op {
        "jobs.create" => {
            let mut params = CreateJob::new(s(args, "kind").unwrap_or_default());
            params.payload = args.get("payload").cloned();
            params.callback_url = s(args, "callback_url");
            params.secrecy_level = s(args, "secrecy_level");
            params.idempotency_key = s(args, "idempotency_key");
            to_json(client.jobs.create(params).await?)
        }
        "jobs.get" => to_json(client.jobs.get(&id).await?),
        "jobs.cancel" => to_json(client.jobs.cancel(&id).await?),
        "jobs.result" => to_json(client.jobs.result(&id).await?),
        "jobs.download" => {
            let mut url = s(args, "url").expect("url");
            if args["tamper"] == true {
                let last = url.pop().expect("non-empty url");
                url.push(if last == '0' { '1' } else { '0' });
            }
            let bytes = client.jobs.download(&url).await?;
            serde_json::from_slice(&bytes).expect("downloaded JSON")
        }
        "jobs.list" | "jobs.list_all" => {
            let params = ListJobs {
                kind: s(args, "kind"),
                status: args.get("status").map(|v| serde_json::from_value(v.clone()).expect("status")),
                limit: args["limit"].as_u64().map(|n| u32::try_from(n).expect("limit")),
                cursor: s(args, "cursor"),
            };
            if op == "jobs.list" {
                to_json(client.jobs.list(&params).await?)
            } else {
                let jobs: Vec<_> = client.jobs.list_all(params).try_collect().await?;
                json!({"count": jobs.len(), "jobs": jobs})
            }
        }
        "jobs.wait" => {
            let mut progress = Vec::new();
            let timeout = Duration::from_millis(args["timeout_ms"].as_u64().expect("timeout_ms"));
            let job = client.jobs.wait(&id, timeout, Some(&mut |j| progress.push(j.progress_pct))).await?;
            json!({"job": job, "progress": progress})
        }
        "webhooks.register" => to_json(
            client
                .webhooks
                .register(&RegisterWebhook {
                    url: s(args, "url").unwrap_or_default(),
                    events: args.get("events").map(|e| serde_json::from_value(e.clone()).expect("events")),
                    secret: s(args, "secret"),
                    name: s(args, "name"),
                })
                .await?,
        ),
        "webhooks.list" => json!({"webhooks": client.webhooks.list().await?}),
        "webhooks.get" => to_json(client.webhooks.get(&id).await?),
        "webhooks.update" => to_json(
            client
                .webhooks
                .update(
                    &id,
                    &UpdateWebhook {
                        url: s(args, "url"),
                        events: args.get("events").map(|e| serde_json::from_value(e.clone()).expect("events")),
                        name: s(args, "name"),
                        status: s(args, "status"),
                    },
                )
                .await?,
        ),
        "webhooks.delete" => to_json(client.webhooks.delete(&id).await?),
        "webhooks.rotate_secret" => to_json(client.webhooks.rotate_secret(&id).await?),
        "webhooks.deliveries" => json!({"deliveries": client.webhooks.deliveries(&id).await?}),
        "receiver.start" => {
            let (url, requests) = start_receiver().await;
            receivers.by_url.insert(url.clone(), (requests, Vec::new()));
            json!({"url": url})
        }
        "receiver.expect_event" => {
            let (requests, used) =
                receivers.by_url.get_mut(args["receiver"].as_str().expect("receiver")).expect("known receiver");
            let hook = Webhook::from_preset(
                args["scheme"].as_str().expect("scheme"),
                [args["secret"].as_str().expect("secret")],
            )
            .expect("webhook");
            let deadline = Instant::now() + Duration::from_millis(args["timeout_ms"].as_u64().unwrap_or(15_000));
            loop {
                let got = requests.lock().unwrap().clone();
                used.resize(got.len(), false);
                let found = got.iter().enumerate().find_map(|(i, (headers, body))| {
                    let event = hook.verify(body, headers).ok()?;
                    let wanted = args.get("type").and_then(Value::as_str);
                    (!used[i] && wanted.is_none_or(|t| event.event_type.as_deref() == Some(t))).then_some((i, event))
                });
                if let Some((i, event)) = found {
                    used[i] = true;
                    break to_json(event);
                }
                if Instant::now() > deadline {
                    return Err(Failure::Harness(format!(
                        "no matching delivery reached the receiver ({} requests)",
                        got.len()
                    )));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        other => panic!("unknown op {other}"),
    })
}

async fn run_scenario(path: &Path) -> Result<(), String> {
    let scenario: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("scenario JSON");
    let data_dir = temp_dir("scenario");
    let mut flags = vec!["--retry-schedule".to_owned(), "0.05,0.1,0.2".to_owned()];
    if let Some(scheme) = scenario["server"]["scheme"].as_str() {
        flags.extend(["--scheme".to_owned(), scheme.to_owned()]);
    }
    if let Some(secret) = scenario["server"]["callback_secret"].as_str() {
        flags.extend(["--callback-secret".to_owned(), secret.to_owned()]);
    }
    let server = ServerProcess::start(&data_dir, &flags);
    let client = Client::new(API_KEY, &server.base_url).expect("client");
    let mut receivers = Receivers::default();
    let mut saved: HashMap<String, Value> = HashMap::new();
    let result = async {
        for (i, step) in scenario["steps"].as_array().expect("steps").iter().enumerate() {
            let op = step["op"].as_str().expect("op");
            let args = subst(&step["args"], &saved);
            let other;
            let client = match step["api_key"].as_str() {
                Some(key) => {
                    other = Client::new(key, &server.base_url).expect("client");
                    &other
                }
                None => &client,
            };
            let outcome = run_op(client, &mut receivers, op, &args).await;
            let expect = subst(&step["expect"], &saved);
            let at = format!("step {i} ({op})");
            match (outcome, expect.get("error")) {
                (Ok(result), None) => {
                    if let Some(pattern) = expect.get("match") {
                        matches(pattern, &result, "result").map_err(|e| format!("{at}: {e}"))?;
                    }
                    if let Some(name) = step["save"].as_str() {
                        saved.insert(name.to_owned(), result);
                    }
                }
                (Ok(result), Some(_)) => return Err(format!("{at}: succeeded with {result}, expected an error")),
                (Err(Failure::Client(e)), Some(pattern)) => {
                    matches(pattern, &error_json(&e), "error").map_err(|m| format!("{at}: {m}"))?;
                }
                (Err(Failure::Client(e)), None) => return Err(format!("{at}: failed: {e}")),
                (Err(Failure::Harness(why)), _) => return Err(format!("{at}: {why}")),
            }
        }
        Ok(())
    }
    .await;
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
    result
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/scenarios");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("scenarios").map(|e| e.expect("entry").path()).collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_passes_against_a_real_server() {
    let mut failures = Vec::new();
    let files = scenario_files();
    assert!(files.len() >= 8, "scenarios missing");
    for file in &files {
        if let Err(why) = run_scenario(file).await {
            failures.push(format!("{}: {why}", file.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "{} of {} scenarios failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}
