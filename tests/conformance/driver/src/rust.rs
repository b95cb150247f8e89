//! The Rust adapter: the engine itself, in-process.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use futures_util::TryStreamExt as _;
use hookwise::api::{Api, ApiOptions, Error, Profile};
use hookwise::client::{Client, CreateJob, ListJobs, RegisterWebhook, UpdateWebhook};
use hookwise::Webhook;
use serde_json::{json, Map, Value};

use crate::contract::{Answer, Call, Mode};
use crate::scenario::StepCall;
use crate::Adapter;

/// Calls `hookwise::api::Api` directly. Environment variables are set around each call, so
/// cases run one at a time.
#[derive(Debug, Default)]
pub struct RustAdapter;

fn millis(options: &Map<String, Value>, key: &str) -> Option<Duration> {
    options.get(key).and_then(Value::as_u64).map(Duration::from_millis)
}

fn text(options: &Map<String, Value>, key: &str) -> Option<String> {
    options.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The options a case asks for, over the engine's defaults.
fn options(given: &Map<String, Value>) -> ApiOptions {
    let mut options = ApiOptions::default();
    options.api_key = text(given, "api_key");
    options.username = text(given, "username");
    options.password = text(given, "password");
    options.base_url = text(given, "base_url");
    if let Some(timeout) = millis(given, "timeout_ms") {
        options.timeout = timeout;
    }
    if let Some(n) = given.get("max_retries").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()) {
        options.max_retries = n;
    }
    if let Some(delay) = millis(given, "initial_retry_delay_ms") {
        options.initial_retry_delay = delay;
    }
    if let Some(delay) = millis(given, "max_retry_delay_ms") {
        options.max_retry_delay = delay;
    }
    options
}

fn failure(e: &Error) -> Answer {
    let error = json!({"kind": e.kind().name(), "status": e.status(), "code": e.code(), "message": e.message(), "trace_id": e.trace_id()});
    Answer { ok: false, result: None, progress: None, error: Some(error) }
}

async fn play(api: &Api, call: &Call) -> Result<(Value, Vec<Value>), Error> {
    let mut progress = Vec::new();
    let result = match call.mode {
        Mode::Call => api.call(&call.op, &call.args).await?,
        Mode::Paginate => Value::Array(api.paginate(&call.op, call.args.clone()).try_collect().await?),
        Mode::Wait => {
            let timeout = Duration::from_millis(call.timeout_ms.unwrap_or(5000));
            let mut record = |v: &Value| progress.push(v.clone());
            api.wait(&call.op, &call.args, timeout, Some(&mut record)).await?
        }
        Mode::Download => {
            let url = call.args.get("url").and_then(Value::as_str).unwrap_or_default();
            let bytes = api.download(url).await?;
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        }
    };
    Ok((result, progress))
}

impl Adapter for RustAdapter {
    async fn call(&mut self, call: &Call, env: &BTreeMap<String, String>) -> Result<Answer, String> {
        let text = std::fs::read_to_string(&call.profile).map_err(|e| format!("{}: {e}", call.profile.display()))?;
        let profile = Profile::from_text(&text).map_err(|e| e.to_string())?;
        for (name, value) in env {
            std::env::set_var(name, value);
        }
        let outcome = match Api::new(Arc::new(profile), options(&call.options)) {
            Ok(api) => play(&api, call).await,
            Err(e) => Err(e),
        };
        for name in env.keys() {
            std::env::remove_var(name);
        }
        Ok(match outcome {
            Ok((result, progress)) => Answer { ok: true, result: Some(result), progress: Some(progress), error: None },
            Err(e) => failure(&e),
        })
    }

    async fn step(&mut self, call: &StepCall) -> Result<Answer, String> {
        match step(call).await {
            Ok(result) => Ok(Answer { ok: true, result: Some(result), progress: None, error: None }),
            Err(StepError::Client(e)) => Ok(failure(&e)),
            Err(StepError::Harness(why)) if call.op == "webhook.verify" => {
                Ok(Answer { ok: false, result: None, progress: None, error: Some(json!({ "message": why })) })
            }
            Err(StepError::Harness(why)) => Err(why),
        }
    }
}

/// A step fails through the client (which `expect.error` may expect) or the harness.
enum StepError {
    Client(Error),
    Harness(String),
}

impl From<Error> for StepError {
    fn from(e: Error) -> StepError {
        StepError::Client(e)
    }
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, StepError> {
    serde_json::to_value(value).map_err(|e| StepError::Harness(e.to_string()))
}

fn field<T: serde::de::DeserializeOwned>(args: &Value, key: &str) -> Result<Option<T>, StepError> {
    args.get(key)
        .filter(|v| !v.is_null())
        .map(|v| serde_json::from_value(v.clone()))
        .transpose()
        .map_err(|e| StepError::Harness(format!("{key}: {e}")))
}

fn string(args: &Value, key: &str) -> String {
    args[key].as_str().unwrap_or_default().to_owned()
}

/// One scenario op through `hookwise::client::Client` (or `Webhook` for `webhook.verify`).
async fn step(call: &StepCall) -> Result<Value, StepError> {
    let args = &call.args;
    if call.op == "webhook.verify" {
        let hook = Webhook::from_preset(&string(args, "scheme"), [string(args, "secret")])
            .map_err(|e| StepError::Harness(e.to_string()))?;
        let headers: Vec<(String, String)> = field(args, "headers")?.unwrap_or_default();
        let body = base64::engine::general_purpose::STANDARD
            .decode(string(args, "body_b64"))
            .map_err(|e| StepError::Harness(e.to_string()))?;
        return match hook.verify(&body, &headers) {
            Ok(event) => to_json(event),
            Err(e) => Err(StepError::Harness(format!("{}: {}", e.code(), e.message()))),
        };
    }
    let client = Client::new(&call.api_key, &call.base_url)?;
    let id = string(args, "id");
    Ok(match call.op.as_str() {
        "jobs.create" => {
            let mut params = CreateJob::new(string(args, "kind"));
            params.payload = field(args, "payload")?;
            params.callback_url = field(args, "callback_url")?;
            params.secrecy_level = field(args, "secrecy_level")?;
            params.idempotency_key = field(args, "idempotency_key")?;
            to_json(client.jobs.create(params).await?)?
        }
        "jobs.get" => to_json(client.jobs.get(&id).await?)?,
        "jobs.cancel" => to_json(client.jobs.cancel(&id).await?)?,
        "jobs.result" => to_json(client.jobs.result(&id).await?)?,
        "jobs.download" => {
            let bytes = client.jobs.download(&string(args, "url")).await?;
            serde_json::from_slice(&bytes).map_err(|e| StepError::Harness(format!("downloaded JSON: {e}")))?
        }
        "jobs.list" | "jobs.list_all" => {
            let mut params = ListJobs::default();
            params.kind = field(args, "kind")?;
            params.status = field(args, "status")?;
            params.limit = field(args, "limit")?;
            params.cursor = field(args, "cursor")?;
            if call.op == "jobs.list" {
                to_json(client.jobs.list(&params).await?)?
            } else {
                let jobs: Vec<_> = client.jobs.list_all(params).try_collect().await?;
                json!({"count": jobs.len(), "jobs": jobs})
            }
        }
        "jobs.wait" => {
            let mut progress = Vec::new();
            let timeout = Duration::from_millis(args["timeout_ms"].as_u64().unwrap_or(15_000));
            let job = client.jobs.wait(&id, timeout, Some(&mut |j| progress.push(j.progress_pct))).await?;
            json!({"job": job, "progress": progress})
        }
        "webhooks.register" => {
            let mut params = RegisterWebhook::new(string(args, "url"));
            params.events = field(args, "events")?;
            params.secret = field(args, "secret")?;
            params.name = field(args, "name")?;
            params.idempotency_key = field(args, "idempotency_key")?;
            to_json(client.webhooks.register(&params).await?)?
        }
        "webhooks.list" => json!({"webhooks": client.webhooks.list().await?}),
        "webhooks.get" => to_json(client.webhooks.get(&id).await?)?,
        "webhooks.update" => {
            let mut params = UpdateWebhook::default();
            params.url = field(args, "url")?;
            params.events = field(args, "events")?;
            params.name = field(args, "name")?;
            params.status = field(args, "status")?;
            to_json(client.webhooks.update(&id, &params).await?)?
        }
        "webhooks.delete" => to_json(client.webhooks.delete(&id).await?)?,
        "webhooks.rotate_secret" => to_json(client.webhooks.rotate_secret(&id).await?)?,
        "webhooks.deliveries" => json!({"deliveries": client.webhooks.deliveries(&id).await?}),
        other => return Err(StepError::Harness(format!("unknown op {other}"))),
    })
}
