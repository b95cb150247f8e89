//! `NativeProfile` and `NativeApi`: the engine (`hookwise::api`) for any profile. Calls return
//! Promises and run on napi's tokio runtime; arguments and results cross as JavaScript values,
//! with numbers as `JSON.stringify` and `JSON.parse` treat them.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::{Stream, StreamExt as _};
use hookwise::api::{Api, ApiOptions, Error as ApiError, Profile};
use napi::bindgen_prelude::Buffer;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue};
use napi_derive::napi;
use serde_json::{Map, Number, Value};
use tokio_util::sync::CancellationToken;

use crate::errors::{aborted, client_error, invalid_argument, profile_error};
use crate::panic_if_asked;

/// The largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// The cancel switch of one call: `core.js` makes one for a call given an `AbortSignal` and
/// throws it when the signal aborts. The call's future is then dropped, and with it the request
/// in flight (its connection is closed) and any wait between tries or polls.
#[napi]
pub struct NativeCancel {
    token: CancellationToken,
}

#[napi]
impl NativeCancel {
    /// A switch not yet thrown.
    // Made from JavaScript only (`new NativeCancel()`): a `Default` would go unused.
    #[allow(clippy::new_without_default)]
    #[napi(constructor, catch_unwind)]
    pub fn new() -> Self {
        NativeCancel { token: CancellationToken::new() }
    }

    /// Cancels the call (again: nothing more happens).
    #[napi(catch_unwind)]
    pub fn cancel(&self) {
        self.token.cancel();
    }
}

/// Runs `work` until it is done or `cancel` is thrown; a cancelled call rejects with code
/// `aborted` (which `core.js` has already answered with its `AbortError`).
async fn cancellable<T>(cancel: Option<&NativeCancel>, work: impl Future<Output = napi::Result<T>>) -> napi::Result<T> {
    match cancel {
        None => work.await,
        Some(cancel) => cancel.token.run_until_cancelled(work).await.unwrap_or_else(|| Err(aborted())),
    }
}

/// A profile: an OpenAPI 3.1 document with `x-hookwise` extensions, validated.
#[napi]
pub struct NativeProfile {
    inner: Arc<Profile>,
}

#[napi]
impl NativeProfile {
    /// Reads and validates a profile from YAML or JSON text.
    #[napi(factory, catch_unwind)]
    pub fn from_text(text: String) -> napi::Result<Self> {
        panic_if_asked("Profile.fromText");
        Profile::from_text(&text).map(|p| NativeProfile { inner: Arc::new(p) }).map_err(|e| profile_error(&e))
    }

    /// The profile of hookwise's own API (`profiles/hookwise.yaml`), embedded in the core.
    #[napi(factory, catch_unwind)]
    pub fn hookwise() -> Self {
        static HOOKWISE: OnceLock<Arc<Profile>> = OnceLock::new();
        NativeProfile { inner: HOOKWISE.get_or_init(|| Arc::new(Profile::hookwise().clone())).clone() }
    }

    /// The profile's `x-hookwise.name`.
    #[napi(getter, catch_unwind)]
    pub fn name(&self) -> String {
        panic_if_asked("Profile.name");
        self.inner.name.clone()
    }

    /// The operation ids, in the document's order.
    #[napi(getter, catch_unwind)]
    pub fn operations(&self) -> Vec<String> {
        self.inner.operations.iter().map(|o| o.id.clone()).collect()
    }

    /// `servers[0].url`, or `null`.
    #[napi(getter, catch_unwind)]
    pub fn base_url(&self) -> Option<String> {
        self.inner.server.clone()
    }
}

/// Options of `new Api(profile, options)`; what is not given comes from the environment, then
/// from the engine's defaults.
#[napi(object)]
pub struct ApiConfig {
    /// The API key (bearer and API-key-header auth).
    pub api_key: Option<String>,
    /// The user name (HTTP basic auth).
    pub username: Option<String>,
    /// The password (HTTP basic auth).
    pub password: Option<String>,
    /// Where the API is.
    pub base_url: Option<String>,
    /// Per-request timeout in milliseconds.
    pub timeout: Option<f64>,
    /// Retries after the first attempt.
    pub max_retries: Option<f64>,
    /// The first backoff ceiling in milliseconds.
    pub initial_retry_delay: Option<f64>,
    /// The longest wait between tries in milliseconds.
    pub max_retry_delay: Option<f64>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

fn millis(name: &str, ms: f64) -> napi::Result<Duration> {
    Duration::try_from_secs_f64(ms / 1000.0)
        .map_err(|_| invalid_argument(&format!("{name} must be a number of milliseconds (>= 0), not {ms}")))
}

fn count(name: &str, n: f64) -> napi::Result<u32> {
    if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
        // Whole and within u32's range: the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(n as u32)
    } else {
        Err(invalid_argument(&format!("{name} must be a whole number >= 0, not {n}")))
    }
}

impl ApiConfig {
    fn options(self) -> napi::Result<ApiOptions> {
        let mut options = ApiOptions::default();
        options.api_key = self.api_key;
        options.username = self.username;
        options.password = self.password;
        options.base_url = self.base_url;
        options.user_agent = self.user_agent;
        if let Some(ms) = self.timeout {
            options.timeout = millis("timeout", ms)?;
        }
        if let Some(n) = self.max_retries {
            options.max_retries = count("maxRetries", n)?;
        }
        if let Some(ms) = self.initial_retry_delay {
            options.initial_retry_delay = millis("initialRetryDelay", ms)?;
        }
        if let Some(ms) = self.max_retry_delay {
            options.max_retry_delay = millis("maxRetryDelay", ms)?;
        }
        Ok(options)
    }
}

/// Numbers as `JSON.stringify` writes them: napi reads a whole number beyond 32 bits as a double
/// (sent as `1700000000000.0`), so whole doubles within 2^53 become integers again.
fn stringify_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER) {
                // Whole and within 2^53: the cast is exact.
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *n = Number::from(whole);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(stringify_numbers),
        Value::Object(map) => map.values_mut().for_each(stringify_numbers),
        _ => {}
    }
}

/// Numbers as `JSON.parse` reads them: an integer beyond 2^53 becomes the nearest double (napi
/// would make it a `BigInt`, which `JSON.stringify` refuses).
fn parse_numbers(mut value: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Number(n) if !n.is_f64() && n.as_i64().is_none_or(|i| i.unsigned_abs() >= 1 << 53) => {
                if let Some(f) = n.as_f64().and_then(Number::from_f64) {
                    *n = f;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            Value::Object(map) => map.values_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

/// The named arguments of a call (none when not given).
fn arguments(args: Option<Map<String, Value>>) -> Map<String, Value> {
    let mut args = args.unwrap_or_default();
    args.values_mut().for_each(stringify_numbers);
    args
}

/// A client for the API a profile describes.
#[napi]
pub struct NativeApi {
    inner: Api,
}

type Items = Pin<Box<dyn Stream<Item = Result<Value, ApiError>> + Send>>;

/// Every item of a listing; the engine fetches a page when `next()` needs one.
#[napi]
pub struct NativePages {
    items: tokio::sync::Mutex<Items>,
}

/// One step of a listing, shaped as JavaScript's iterator results.
#[napi(object)]
pub struct PageStep {
    /// No item is left.
    pub done: bool,
    /// The item (`null` when done).
    pub value: Value,
}

#[napi]
impl NativePages {
    /// The next item. Cancelled, the listing is over: the page request in flight, which the
    /// stream holds, is dropped with it.
    #[napi(catch_unwind)]
    pub async fn next(&self, cancel: Option<&NativeCancel>) -> napi::Result<PageStep> {
        let mut items = self.items.lock().await;
        let step = cancellable(cancel, async {
            match items.next().await {
                Some(Ok(item)) => Ok(PageStep { done: false, value: parse_numbers(item) }),
                Some(Err(e)) => Err(client_error(&e)),
                None => Ok(PageStep { done: true, value: Value::Null }),
            }
        })
        .await;
        if cancel.is_some_and(|cancel| cancel.token.is_cancelled()) {
            *items = Box::pin(futures_util::stream::empty());
        }
        step
    }
}

/// `onProgress(object)`, run on the event loop; what it returns is ignored.
type Progress = ThreadsafeFunction<Value, UnknownReturnValue, Value, napi::Status, false>;

#[napi]
impl NativeApi {
    /// A client for `profile`.
    #[napi(constructor, catch_unwind)]
    pub fn new(profile: &NativeProfile, config: ApiConfig) -> napi::Result<Self> {
        panic_if_asked("Api");
        let inner = Api::new(profile.inner.clone(), config.options()?).map_err(|e| client_error(&e))?;
        Ok(NativeApi { inner })
    }

    /// The base URL in use (the option, else `<NAME>_BASE_URL`, else the profile's server).
    #[napi(getter, catch_unwind)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Calls operation `op` with named arguments; resolves to the decoded answer.
    #[napi(catch_unwind)]
    pub async fn call(
        &self,
        op: String,
        args: Option<Map<String, Value>>,
        cancel: Option<&NativeCancel>,
    ) -> napi::Result<Value> {
        panic_if_asked("call");
        let args = arguments(args);
        cancellable(cancel, async {
            self.inner.call(&op, &args).await.map(parse_numbers).map_err(|e| client_error(&e))
        })
        .await
    }

    /// Every item of every page of list operation `op`.
    #[napi(catch_unwind)]
    pub fn paginate(&self, op: String, args: Option<Map<String, Value>>) -> NativePages {
        panic_if_asked("paginate");
        NativePages { items: tokio::sync::Mutex::new(Box::pin(self.inner.paginate(&op, arguments(args)))) }
    }

    /// Polls operation `op` until its status is terminal. Every `on_progress` call has run before
    /// the Promise settles; when one throws, the wait stops and rejects with what it threw.
    #[napi(catch_unwind)]
    pub async fn wait(
        &self,
        op: String,
        args: Option<Map<String, Value>>,
        timeout: Option<f64>,
        on_progress: Option<Progress>,
        cancel: Option<&NativeCancel>,
    ) -> napi::Result<Value> {
        cancellable(cancel, self.wait_for(op, args, timeout, on_progress)).await
    }

    /// Downloads `url` (absolute, or a path of the API); credentials go only to the API's origin.
    #[napi(catch_unwind)]
    pub async fn download(&self, url: String, cancel: Option<&NativeCancel>) -> napi::Result<Buffer> {
        cancellable(cancel, async { self.inner.download(&url).await.map(Buffer::from).map_err(|e| client_error(&e)) })
            .await
    }
}

impl NativeApi {
    /// `wait`, uncancelled.
    async fn wait_for(
        &self,
        op: String,
        args: Option<Map<String, Value>>,
        timeout: Option<f64>,
        on_progress: Option<Progress>,
    ) -> napi::Result<Value> {
        let timeout =
            millis("timeout", timeout.ok_or_else(|| invalid_argument("wait needs a timeout in milliseconds"))?)?;
        let args = arguments(args);
        // Each callback reports here once JavaScript has run it; the channel closes when every
        // callback queued has run (or the environment is shutting down).
        let (ran, mut reports) = tokio::sync::mpsc::unbounded_channel::<napi::Result<()>>();
        let waited = {
            let mut report = |object: &Value| {
                if let Some(callback) = &on_progress {
                    let ran = ran.clone();
                    callback.call_with_return_value(
                        parse_numbers(object.clone()),
                        ThreadsafeFunctionCallMode::NonBlocking,
                        move |result, _| {
                            // The receiver is gone only when the wait is over.
                            let _ = ran.send(result.map(drop));
                            Ok(())
                        },
                    );
                }
            };
            let waiting = self.inner.wait(&op, &args, timeout, Some(&mut report));
            let thrown = async {
                while let Some(report) = reports.recv().await {
                    if let Err(e) = report {
                        return e;
                    }
                }
                std::future::pending().await
            };
            tokio::select! {
                waited = waiting => waited,
                e = thrown => return Err(e),
            }
        };
        drop(ran);
        while let Some(report) = reports.recv().await {
            report?;
        }
        waited.map(parse_numbers).map_err(|e| client_error(&e))
    }
}
