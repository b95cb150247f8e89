//! The contract suite's Rust adapter over the generated crates (`tests/conformance/sdks/rust/`,
//! one per profile): every case's call goes through the generated client's typed method, with
//! the JSON arguments read into its typed parameters. `src/dispatch.rs` (rendered from the SDK
//! model through `dispatch.rs.j2` by hookwise-generate's `tests/rust.rs`) holds one function per
//! profile; this file holds what they share. A download stays on the engine (the client's
//! `api()`): it is not an operation. Scenarios stay on hookwise's own client (`hookwise-conformance`).
//!
//! A case that leaves out a required argument, or passes an argument the operation does not
//! have, cannot be written against a typed method (the compiler refuses it): the adapter makes
//! no call and says so, and `tests/conformance/xfail/rust-sdk.txt` lists those cases.

mod dispatch;

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use futures_util::{Stream, TryStreamExt as _};
use hookwise_conformance::{Adapter, Answer, Call, Mode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub use dispatch::SCHEMES;

/// What a call gave: its result and what the progress callback received.
type Played = (Value, Vec<Value>);

/// Why a call gave no result.
#[derive(Debug)]
enum Failure {
    /// The error of a generated crate: the engine's (`hookwise::api::Error`), its own
    /// `invalid_response` included.
    Api(hookwise::api::Error),
    /// Not the SDK's answer: the case or the harness is wrong.
    Harness(String),
}

impl Failure {
    fn answer(&self) -> Value {
        match self {
            Failure::Api(e) => json!({
                "kind": e.kind().name(), "status": e.status(), "code": e.code(), "message": e.message(),
                "trace_id": e.trace_id(),
            }),
            Failure::Harness(message) => json!({ "message": message }),
        }
    }
}

impl From<hookwise::api::Error> for Failure {
    fn from(e: hookwise::api::Error) -> Failure {
        Failure::Api(e)
    }
}

/// Refuses an argument the operation does not have.
fn known(args: &Map<String, Value>, names: &[&str]) -> Result<(), Failure> {
    match args.keys().find(|k| !names.contains(&k.as_str())) {
        Some(unknown) => {
            Err(Failure::Harness(format!("a typed call cannot pass {unknown:?}: the method has no such parameter")))
        }
        None => Ok(()),
    }
}

/// A required argument, as the method's parameter type (`&str` borrows from the case).
fn required<'a, T: Deserialize<'a>>(args: &'a Map<String, Value>, name: &str) -> Result<T, Failure> {
    let value = args
        .get(name)
        .ok_or_else(|| Failure::Harness(format!("a typed call cannot leave out the required argument {name}")))?;
    T::deserialize(value).map_err(|e| Failure::Harness(format!("{name}: {e}")))
}

/// An optional argument: `None` when the case does not pass it. `null` is passed as such only
/// where the parameter takes `null` (`nullable`); elsewhere it is a Rust `None`, not sent.
fn optional<T: DeserializeOwned>(args: &Map<String, Value>, name: &str, nullable: bool) -> Result<Option<T>, Failure> {
    match args.get(name) {
        None => Ok(None),
        Some(Value::Null) if !nullable => Ok(None),
        Some(value) => T::deserialize(value).map(Some).map_err(|e| Failure::Harness(format!("{name}: {e}"))),
    }
}

fn to_json(value: impl Serialize) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::Harness(format!("the result does not serialize: {e}")))
}

/// A call's typed result, as JSON.
fn answer<T: Serialize, E: Into<Failure>>(result: Result<T, E>) -> Result<Played, Failure> {
    Ok((to_json(result.map_err(Into::into)?)?, Vec::new()))
}

/// Every item of a typed stream, as a JSON array.
async fn items<T: Serialize, E: Into<Failure>>(stream: impl Stream<Item = Result<T, E>>) -> Result<Played, Failure> {
    let all: Vec<T> = stream.map_err(Into::into).try_collect().await?;
    Ok((to_json(all)?, Vec::new()))
}

/// A wait's typed result and the objects its progress callback received.
fn waited<T: Serialize, E: Into<Failure>>(result: Result<T, E>, progress: Vec<Value>) -> Result<Played, Failure> {
    Ok((to_json(result.map_err(Into::into)?)?, progress))
}

/// The `wait` timeout of a case.
fn timeout(call: &Call) -> Duration {
    Duration::from_millis(call.timeout_ms.unwrap_or(5000))
}

/// A download stays on the engine (the generated client's `api()`): it is not an operation.
async fn download(api: &hookwise::api::Api, args: &Map<String, Value>) -> Result<Played, Failure> {
    let bytes = api.download(&required::<String>(args, "url")?).await?;
    let result =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    Ok((result, Vec::new()))
}

fn text(options: &Map<String, Value>, key: &str) -> Option<String> {
    options.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn millis(options: &Map<String, Value>, key: &str) -> Option<Duration> {
    options.get(key).and_then(Value::as_u64).map(Duration::from_millis)
}

/// A generated client, built with the case's options through its builder: the credentials the
/// profile takes, then the settings every client has.
macro_rules! client {
    ($client:path, $options:expr, $($credential:ident),+) => {{
        let options: &serde_json::Map<String, serde_json::Value> = $options;
        let mut builder = <$client>::builder();
        $(
            if let Some(value) = $crate::text(options, stringify!($credential)) {
                builder = builder.$credential(value);
            }
        )+
        if let Some(url) = $crate::text(options, "base_url") {
            builder = builder.base_url(url);
        }
        if let Some(timeout) = $crate::millis(options, "timeout_ms") {
            builder = builder.timeout(timeout);
        }
        if let Some(n) = options.get("max_retries").and_then(serde_json::Value::as_u64) {
            builder = builder.max_retries(u32::try_from(n).unwrap_or(u32::MAX));
        }
        if let Some(delay) = $crate::millis(options, "initial_retry_delay_ms") {
            builder = builder.initial_retry_delay(delay);
        }
        if let Some(delay) = $crate::millis(options, "max_retry_delay_ms") {
            builder = builder.max_retry_delay(delay);
        }
        builder.build()
    }};
}
use client;

/// One vector of `tests/conformance/vectors/signatures/<scheme>.json`.
#[derive(Debug, Deserialize)]
pub struct Vector {
    /// Its id.
    pub id: String,
    /// The secrets to verify with.
    pub secrets: Vec<String>,
    /// The request headers.
    pub headers: BTreeMap<String, String>,
    /// The raw body, base64.
    pub body_b64: String,
    /// The clock.
    pub now: i64,
    /// A replay window other than the scheme's.
    pub tolerance: Option<u64>,
    /// A body limit other than the default.
    pub max_payload_bytes: Option<usize>,
    /// `{ok, event}` or `{ok: false, error: CODE}`.
    pub expect: Value,
}

impl Vector {
    fn body(&self) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(&self.body_b64).unwrap_or_default()
    }

    fn headers(&self) -> Vec<(String, String)> {
        self.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Whether the outcome of a verification is what the vector expects.
    ///
    /// # Errors
    /// How it differs.
    pub fn check(&self, outcome: Result<hookwise::Event, hookwise::Error>) -> Result<(), String> {
        match (outcome, self.expect["ok"].as_bool() == Some(true)) {
            (Ok(event), true) => {
                let got = serde_json::to_value(&event).map_err(|e| e.to_string())?;
                if got == self.expect["event"] {
                    Ok(())
                } else {
                    Err(format!("{}: event {got}, expected {}", self.id, self.expect["event"]))
                }
            }
            (Ok(_), false) => Err(format!("{}: accepted, expected {}", self.id, self.expect["error"])),
            (Err(e), false) if self.expect["error"] == e.code() => Ok(()),
            (Err(e), _) => {
                Err(format!("{}: refused with {} ({}), expected {}", self.id, e.code(), e.message(), self.expect))
            }
        }
    }
}

/// Verifies a vector through a generated `Webhook` type (`new`, the setters, then `verify_at`
/// through its `Deref` to `hookwise::Webhook`).
macro_rules! verify {
    ($webhook:path, $vector:expr) => {{
        let vector: &$crate::Vector = $vector;
        <$webhook>::new(&vector.secrets).and_then(|hook| {
            let hook = match vector.tolerance {
                Some(seconds) => hook.with_tolerance(seconds),
                None => hook,
            };
            let hook = match vector.max_payload_bytes {
                Some(bytes) => hook.with_max_payload_bytes(bytes),
                None => hook,
            };
            hook.verify_at(&vector.body(), &vector.headers(), vector.now)
        })
    }};
}
use verify;

/// Verifies `vector` with the generated `Webhook` of `profile`; `None` for a profile without a
/// scheme.
pub fn verify_vector(profile: &str, vector: &Vector) -> Option<Result<hookwise::Event, hookwise::Error>> {
    dispatch::verify(profile, vector)
}

/// Plays contract cases through the generated crates. Environment variables are set around
/// each call, so cases run one at a time.
#[derive(Debug, Default)]
pub struct SdkAdapter;

impl Adapter for SdkAdapter {
    async fn call(&mut self, call: &Call, env: &BTreeMap<String, String>) -> Result<Answer, String> {
        for (name, value) in env {
            std::env::set_var(name, value);
        }
        let outcome = dispatch::play(call).await;
        for name in env.keys() {
            std::env::remove_var(name);
        }
        match outcome {
            Ok((result, progress)) => {
                Ok(Answer { ok: true, result: Some(result), progress: Some(progress), error: None })
            }
            Err(Failure::Harness(why)) => Err(why),
            Err(failure) => Ok(Answer { ok: false, result: None, progress: None, error: Some(failure.answer()) }),
        }
    }

    async fn step(&mut self, _call: &hookwise_conformance::scenario::StepCall) -> Result<Answer, String> {
        Err("scenarios run on hookwise's own client (hookwise-conformance's Rust adapter)".to_owned())
    }
}
