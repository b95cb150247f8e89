//! The Rust adapter: the engine itself, in-process.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt as _;
use hookwise::api::{Api, ApiOptions, Error, Profile};
use serde_json::{json, Map, Value};

use crate::contract::{Answer, Call, Mode};
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
    let defaults = ApiOptions::default();
    ApiOptions {
        api_key: text(given, "api_key"),
        username: text(given, "username"),
        password: text(given, "password"),
        base_url: text(given, "base_url"),
        timeout: millis(given, "timeout_ms").unwrap_or(defaults.timeout),
        max_retries: given
            .get("max_retries")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(defaults.max_retries),
        initial_retry_delay: millis(given, "initial_retry_delay_ms").unwrap_or(defaults.initial_retry_delay),
        max_retry_delay: millis(given, "max_retry_delay_ms").unwrap_or(defaults.max_retry_delay),
        user_agent: None,
    }
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
}
