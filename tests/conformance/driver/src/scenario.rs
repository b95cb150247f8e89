//! Scenarios (`tests/conformance/scenarios/*.json`): client flows against a real `hookwise serve`
//! on loopback. The driver starts the server and the receivers, substitutes saved values, asks the
//! adapter to run each client step with its language's `Client` and to verify each delivery with
//! its language's `Webhook`, and judges every result with the shared matcher.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::matcher::Matcher;
use crate::server::{temp_dir, ServerProcess, API_KEY};
use crate::{Adapter, Answer, Report};

/// One scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable id.
    pub id: String,
    /// What it is about.
    pub name: String,
    /// `hookwise serve` options: `scheme`, `callback_secret`.
    #[serde(default)]
    pub server: HashMap<String, String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// `jobs.create`, `receiver.start`, …
    pub op: String,
    /// The arguments (`${name.path}` substituted).
    #[serde(default)]
    pub args: Value,
    /// Keep the result under this name.
    #[serde(default)]
    pub save: Option<String>,
    /// Another API key for this step.
    #[serde(default)]
    pub api_key: Option<String>,
    /// `{match}` or `{error}`.
    #[serde(default)]
    pub expect: Value,
}

/// A client step or a verification, as an adapter receives it (one JSON line).
#[derive(Debug, Clone, Serialize)]
pub struct StepCall {
    /// Always `scenario` (contract calls carry `profile` instead).
    pub suite: &'static str,
    /// `jobs.create`, …, or `webhook.verify`.
    pub op: String,
    /// The arguments.
    pub args: Value,
    /// The API key to use.
    pub api_key: String,
    /// The server.
    pub base_url: String,
}

type Deliveries = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// A fresh server for one scenario, with the scenario's options.
fn start_server(bin: &Path, options: &HashMap<String, String>) -> Result<ServerProcess, String> {
    let data_dir = temp_dir("scenario").map_err(|e| e.to_string())?;
    let mut flags = vec!["--retry-schedule".into(), "0.05,0.1,0.2".into(), "--allow-private-targets".into()];
    for (key, flag) in [("scheme", "--scheme"), ("callback_secret", "--callback-secret")] {
        if let Some(value) = options.get(key) {
            flags.extend([flag.to_owned(), value.clone()]);
        }
    }
    ServerProcess::start(bin, &data_dir, &flags)
}

async fn start_receiver() -> Result<(String, Deliveries), String> {
    let deliveries: Deliveries = Arc::default();
    let store = deliveries.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let store = store.clone();
            async move {
                let headers = headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect();
                store.lock().unwrap_or_else(PoisonError::into_inner).push((headers, body.to_vec()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let url = format!("http://{}/hook", listener.local_addr().map_err(|e| e.to_string())?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, deliveries))
}

/// `"${name.path}"` (a whole string) → the saved value.
fn substitute(value: &Value, saved: &HashMap<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) if s.starts_with("${") && s.ends_with('}') => {
            let mut parts = s[2..s.len() - 1].split('.');
            let root = parts.next().unwrap_or_default();
            let mut current = saved.get(root).ok_or_else(|| format!("nothing saved as {root:?}"))?;
            for part in parts {
                current = current.get(part).unwrap_or(&Value::Null);
            }
            current.clone()
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, saved)).collect::<Result<_, _>>()?),
        Value::Object(map) => Value::Object(
            map.iter().map(|(k, v)| Ok((k.clone(), substitute(v, saved)?))).collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

struct Run<'a, A: Adapter> {
    adapter: &'a mut A,
    server: ServerProcess,
    receivers: HashMap<String, (Deliveries, Vec<bool>)>,
    saved: HashMap<String, Value>,
}

impl<A: Adapter> Run<'_, A> {
    async fn ask(&mut self, op: &str, args: Value, api_key: Option<&str>) -> Result<Answer, String> {
        let call = StepCall {
            suite: "scenario",
            op: op.to_owned(),
            args,
            api_key: api_key.unwrap_or(API_KEY).to_owned(),
            base_url: self.server.base_url.clone(),
        };
        self.adapter.step(&call).await
    }

    /// The next delivery to `receiver` that the language's `Webhook` verifies (of `type`).
    async fn expect_event(&mut self, args: &Value) -> Result<Answer, String> {
        let url = args["receiver"].as_str().unwrap_or_default().to_owned();
        let deadline = Instant::now() + Duration::from_millis(args["timeout_ms"].as_u64().unwrap_or(15_000));
        let wanted = args.get("type").and_then(Value::as_str);
        loop {
            let (deliveries, used) = self.receivers.get(&url).ok_or_else(|| format!("no receiver {url}"))?;
            let got = deliveries.lock().unwrap_or_else(PoisonError::into_inner).clone();
            let used = used.clone();
            for (i, (headers, body)) in got.iter().enumerate() {
                if used.get(i).copied().unwrap_or(false) {
                    continue;
                }
                let verify = json!({
                    "scheme": args["scheme"], "secret": args["secret"], "headers": headers,
                    "body_b64": base64::engine::general_purpose::STANDARD.encode(body),
                });
                let answer = self.ask("webhook.verify", verify, None).await?;
                let event_type = answer.result.as_ref().and_then(|e| e.get("type")).and_then(Value::as_str);
                if answer.ok && wanted.is_none_or(|t| event_type == Some(t)) {
                    if let Some((_, used)) = self.receivers.get_mut(&url) {
                        used.resize(got.len(), false);
                        used[i] = true;
                    }
                    return Ok(answer);
                }
            }
            if Instant::now() > deadline {
                return Err(format!("no matching delivery reached the receiver ({} requests)", got.len()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn step(&mut self, i: usize, step: &Step) -> Result<(), String> {
        let at = format!("step {i} ({})", step.op);
        let mut args = substitute(&step.args, &self.saved).map_err(|e| format!("{at}: {e}"))?;
        let answer = match step.op.as_str() {
            "receiver.start" => {
                let (url, deliveries) = start_receiver().await?;
                self.receivers.insert(url.clone(), (deliveries, Vec::new()));
                Answer { ok: true, result: Some(json!({ "url": url })), progress: None, error: None }
            }
            "receiver.expect_event" => self.expect_event(&args).await.map_err(|e| format!("{at}: {e}"))?,
            op => {
                if op == "jobs.download" && args["tamper"] == true {
                    let url = args["url"].as_str().unwrap_or_default();
                    let mut tampered = url.to_owned();
                    let last = tampered.pop().unwrap_or('0');
                    tampered.push(if last == '0' { '1' } else { '0' });
                    args = json!({ "url": tampered });
                }
                self.ask(op, args, step.api_key.as_deref()).await.map_err(|e| format!("{at}: {e}"))?
            }
        };
        let expect = substitute(&step.expect, &self.saved).map_err(|e| format!("{at}: {e}"))?;
        let mut matcher = Matcher::new();
        match (answer.ok, expect.get("error")) {
            (true, None) => {
                let result = answer.result.unwrap_or(Value::Null);
                if let Some(pattern) = expect.get("match") {
                    matcher.matches(pattern, Some(&result), "result").map_err(|e| format!("{at}: {e}"))?;
                }
                if let Some(name) = &step.save {
                    self.saved.insert(name.clone(), result);
                }
                Ok(())
            }
            (true, Some(_)) => {
                Err(format!("{at}: succeeded with {}, expected an error", answer.result.unwrap_or_default()))
            }
            (false, Some(pattern)) => {
                matcher.matches(pattern, answer.error.as_ref(), "error").map_err(|e| format!("{at}: {e}"))
            }
            (false, None) => Err(format!("{at}: failed: {}", answer.error.unwrap_or_default())),
        }
    }
}

/// Plays every scenario through `adapter`, a fresh server each.
///
/// # Errors
/// When the scenarios cannot be read or the `hookwise` binary is missing.
pub async fn run_all<A: Adapter>(
    adapter: &mut A,
    root: &Path,
    lang: &str,
    only: Option<&str>,
) -> Result<Report, String> {
    let bin = crate::server::hookwise_bin(root)?;
    let dir = root.join("tests/conformance/scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let xfail = crate::contract::xfail(root, lang);
    let mut report = Report::default();
    for path in &paths {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let scenario: Scenario = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if only.is_some_and(|o| o != scenario.id) {
            continue;
        }
        let outcome = async {
            let server = start_server(&bin, &scenario.server)?;
            let mut run = Run { adapter: &mut *adapter, server, receivers: HashMap::new(), saved: HashMap::new() };
            for (i, step) in scenario.steps.iter().enumerate() {
                run.step(i, step).await?;
            }
            let _ = std::fs::remove_dir_all(&run.server.data_dir);
            Ok::<(), String>(())
        }
        .await;
        report.record(&scenario.id, &scenario.name, outcome, xfail.contains(&scenario.id), lang);
    }
    Ok(report)
}
