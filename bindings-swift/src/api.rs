//! `Profile` and `Api`: the engine (`hookwise::api`) for any profile, every call `async` in Swift
//! and `suspend` in Kotlin (run on uniffi's tokio runtime). Arguments and results cross as JSON
//! text; routing, retries, cursors and polling stay in the core.

use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt as _};
use hookwise::api as core;
use serde_json::{Map, Value};

use crate::convert::{in_range, Duration};
use crate::errors::{invalid_argument, HookwiseError};

/// A profile: an OpenAPI 3.1 document with `x-hookwise` extensions, validated.
#[derive(uniffi::Object)]
pub struct Profile {
    inner: Arc<core::Profile>,
}

#[uniffi::export]
impl Profile {
    /// Reads and validates a profile from YAML or JSON text; `InvalidProfile` says where it is
    /// wrong (`invalid_profile`) or what it uses that hookwise does not support
    /// (`unsupported_profile`).
    #[uniffi::constructor]
    pub fn from_text(text: String) -> Result<Self, HookwiseError> {
        Ok(Profile { inner: Arc::new(core::Profile::from_text(&text)?) })
    }

    /// The profile's `x-hookwise.name`.
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The operation ids, in the document's order.
    pub fn operations(&self) -> Vec<String> {
        self.inner.operations.iter().map(|o| o.id.clone()).collect()
    }

    /// `servers[0].url`, or null.
    pub fn base_url(&self) -> Option<String> {
        self.inner.server.clone()
    }
}

/// Options of `Api(profile, options, apiKey, password)`. A field left null takes the engine's
/// default; credentials and the base URL not given come from the environment (`<NAME>_API_KEY`,
/// `<NAME>_USERNAME`, `<NAME>_PASSWORD`, `<NAME>_BASE_URL`), then from the profile.
///
/// The secrets (API key, password) are not fields here but arguments of `Api`'s constructor:
/// uniffi makes a record a Kotlin data class and a Swift struct, whose `toString()` and
/// `description` print every field, so a logged options value would print them.
#[derive(uniffi::Record, Debug)]
pub struct ApiOptions {
    /// The user name (HTTP basic auth; its password is `Api`'s `password`).
    #[uniffi(default = None)]
    pub username: Option<String>,
    /// Where the API is.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// The per-request timeout (whole milliseconds).
    #[uniffi(default = None)]
    pub timeout: Option<Duration>,
    /// Retries after the first attempt (0 or more).
    #[uniffi(default = None)]
    pub max_retries: Option<i32>,
    /// The first backoff ceiling (whole milliseconds).
    #[uniffi(default = None)]
    pub initial_retry_delay: Option<Duration>,
    /// The longest wait between tries, `Retry-After` included (whole milliseconds).
    #[uniffi(default = None)]
    pub max_retry_delay: Option<Duration>,
    /// The `User-Agent` header.
    #[uniffi(default = None)]
    pub user_agent: Option<String>,
}

impl ApiOptions {
    /// The engine's options, with the secrets given to `Api`'s constructor; `InvalidArgument`
    /// for a negative duration or count.
    fn into_core(self, api_key: Option<String>, password: Option<String>) -> Result<core::ApiOptions, HookwiseError> {
        let mut options = core::ApiOptions::default();
        let duration = |value: Option<Duration>, name: &str, default| value.map_or(Ok(default), |d| d.to_std(name));
        options.timeout = duration(self.timeout, "timeout", options.timeout)?;
        options.max_retries =
            self.max_retries.map_or(Ok(options.max_retries), |n| in_range("maxRetries", i64::from(n)))?;
        options.initial_retry_delay =
            duration(self.initial_retry_delay, "initialRetryDelay", options.initial_retry_delay)?;
        options.max_retry_delay = duration(self.max_retry_delay, "maxRetryDelay", options.max_retry_delay)?;
        options.api_key = api_key;
        options.username = self.username;
        options.password = password;
        options.base_url = self.base_url;
        options.user_agent = self.user_agent;
        Ok(options)
    }
}

/// Named arguments from JSON text: an object (`{}` for none).
fn arguments(args_json: &str) -> Result<Map<String, Value>, HookwiseError> {
    match serde_json::from_str(args_json) {
        Ok(Value::Object(args)) => Ok(args),
        Ok(other) => Err(invalid_argument(format!("argsJson must be a JSON object, not {other}"))),
        Err(e) => Err(invalid_argument(format!("argsJson is not JSON: {e}"))),
    }
}

/// Receives the polled object, as JSON text, at each change of status or progress during
/// `Api.wait`.
#[uniffi::export(with_foreign)]
pub trait ApiProgressListener: Send + Sync {
    /// Called with the object as it is now, as JSON text.
    fn on_progress(&self, object_json: String);
}

type Items = Pin<Box<dyn Stream<Item = Result<Value, core::Error>> + Send>>;

/// Every item of a listing, as JSON text; the engine fetches a page when `next()` needs one.
#[derive(uniffi::Object)]
pub struct ApiPages {
    items: tokio::sync::Mutex<Items>,
}

#[uniffi::export(async_runtime = "tokio")]
impl ApiPages {
    /// The next item as JSON text, or null at the end.
    pub async fn next(&self) -> Result<Option<String>, HookwiseError> {
        match self.items.lock().await.next().await {
            Some(item) => Ok(Some(item?.to_string())),
            None => Ok(None),
        }
    }
}

/// A client for the API a profile describes.
#[derive(uniffi::Object)]
pub struct Api {
    inner: core::Api,
}

#[uniffi::export(async_runtime = "tokio")]
impl Api {
    /// A client for `profile` with `options` and the API key (bearer and API-key-header auth)
    /// or the basic-auth password, if given; `InvalidArgument` when the profile needs
    /// credentials or a base URL that neither these nor the environment give.
    #[uniffi::constructor(default(api_key = None, password = None))]
    pub fn new(
        profile: Arc<Profile>,
        options: ApiOptions,
        api_key: Option<String>,
        password: Option<String>,
    ) -> Result<Self, HookwiseError> {
        Ok(Api { inner: core::Api::new(profile.inner.clone(), options.into_core(api_key, password)?)? })
    }

    /// Calls operation `op` with named arguments (a JSON object as text); the decoded answer as
    /// JSON text (`null` for no content).
    pub async fn call(&self, op: String, args_json: String) -> Result<String, HookwiseError> {
        Ok(self.inner.call(&op, &arguments(&args_json)?).await?.to_string())
    }

    /// Every item of every page of list operation `op`, fetched page by page as `next()` is
    /// awaited.
    pub fn paginate(&self, op: String, args_json: String) -> Result<Arc<ApiPages>, HookwiseError> {
        let items: Items = Box::pin(self.inner.paginate(&op, arguments(&args_json)?));
        Ok(Arc::new(ApiPages { items: tokio::sync::Mutex::new(items) }))
    }

    /// Polls operation `op` until its status is terminal, telling `on_progress` of each change;
    /// the final object as JSON text. `Timeout` when `timeout` passes first.
    #[uniffi::method(default(on_progress = None))]
    pub async fn wait(
        &self,
        op: String,
        args_json: String,
        timeout: Duration,
        on_progress: Option<Arc<dyn ApiProgressListener>>,
    ) -> Result<String, HookwiseError> {
        let args = arguments(&args_json)?;
        let timeout = timeout.to_std("timeout")?;
        let mut report = |object: &Value| {
            if let Some(listener) = &on_progress {
                listener.on_progress(object.to_string());
            }
        };
        Ok(self.inner.wait(&op, &args, timeout, Some(&mut report)).await?.to_string())
    }

    /// Downloads `url` (absolute, such as a signed result link, or a path of the API); the
    /// credentials go only to the API's own origin.
    pub async fn download(&self, url: String) -> Result<Vec<u8>, HookwiseError> {
        Ok(self.inner.download(&url).await?)
    }
}
