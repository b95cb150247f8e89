//! hookwise's own jobs and webhook-subscription client (cargo feature `client`): typed calls
//! through the engine ([`crate::api::Api`]) with the embedded `profiles/hookwise.yaml`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hookwise::client::Error> {
//! use hookwise::client::{Client, CreateJob};
//! use std::time::Duration;
//!
//! let client = Client::new("hw_test_key", "http://127.0.0.1:8080")?;
//! let job = client.jobs.create(CreateJob::new("transcode").payload(serde_json::json!({"duration_ms": 500}))).await?;
//! let done = client.jobs.wait(&job.id, Duration::from_secs(30), Some(&mut |j| println!("{}%", j.progress_pct))).await?;
//! println!("{:?}", done.status);
//! # Ok(()) }
//! ```

mod jobs;
mod types;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::api::{Api, ApiOptions, Profile};
pub use crate::api::{Error, ErrorKind};
pub use jobs::Jobs;
pub use types::{
    CreateJob, Deleted, Delivery, DeliveryAttempt, Job, JobError, JobList, JobResult, JobStatus, ListJobs,
    RegisterWebhook, UpdateWebhook, WebhookEndpoint,
};
pub use webhooks::Webhooks;

/// Client settings. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ClientOptions {
    /// Per-request timeout (default 30 s).
    pub timeout: Duration,
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// The first backoff ceiling; it doubles each retry, with full jitter (default 500 ms).
    pub initial_retry_delay: Duration,
    /// The longest wait between tries, `Retry-After` included (default 8 s).
    pub max_retry_delay: Duration,
    /// The `User-Agent` header (default `hookwise/<version>`).
    pub user_agent: Option<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        let engine = ApiOptions::default();
        ClientOptions {
            timeout: engine.timeout,
            max_retries: engine.max_retries,
            initial_retry_delay: engine.initial_retry_delay,
            max_retry_delay: engine.max_retry_delay,
            user_agent: engine.user_agent,
        }
    }
}

crate::setters!(ClientOptions {
    /// Per-request timeout.
    value timeout: Duration;
    /// Retries after the first attempt.
    value max_retries: u32;
    /// The first backoff ceiling.
    value initial_retry_delay: Duration;
    /// The longest wait between tries.
    value max_retry_delay: Duration;
    /// The `User-Agent` header.
    some user_agent: String;
});

/// The API client: `client.jobs` and `client.webhooks`. Cheap to clone (shared connection pool).
#[derive(Clone, Debug)]
pub struct Client {
    /// Jobs: create, get, result, list, `list_all`, cancel, wait, download.
    pub jobs: Jobs,
    /// Webhook endpoints: register, list, get, update, delete, `rotate_secret`, deliveries.
    pub webhooks: Webhooks,
}

impl Client {
    /// A client for the API at `base_url` with the default options.
    ///
    /// # Errors
    /// `invalid_argument` if the API key is empty or cannot be a header, or `base_url` is not a
    /// URL; `connection_error` if the HTTP stack cannot start.
    pub fn new(api_key: &str, base_url: &str) -> Result<Client, Error> {
        Client::with_options(api_key, base_url, ClientOptions::default())
    }

    /// A client with explicit options.
    ///
    /// # Errors
    /// As [`Client::new`].
    pub fn with_options(api_key: &str, base_url: &str, options: ClientOptions) -> Result<Client, Error> {
        Client::connect(Some(api_key), Some(base_url), options)
    }

    /// A client whose key and base URL may be left to the engine's rules: when not given, the
    /// environment (`HOOKWISE_API_KEY`, `HOOKWISE_BASE_URL`), then the profile's server.
    ///
    /// # Errors
    /// As [`Client::new`]; `invalid_argument` when no API key is given or set.
    pub fn connect(api_key: Option<&str>, base_url: Option<&str>, options: ClientOptions) -> Result<Client, Error> {
        let api = Api::new(
            Arc::new(Profile::hookwise().clone()),
            ApiOptions {
                api_key: api_key.map(str::to_owned),
                base_url: base_url.map(str::to_owned),
                timeout: options.timeout,
                max_retries: options.max_retries,
                initial_retry_delay: options.initial_retry_delay,
                max_retry_delay: options.max_retry_delay,
                user_agent: options.user_agent,
                ..ApiOptions::default()
            },
        )?;
        Ok(Client { jobs: Jobs { api: Typed(api.clone()) }, webhooks: Webhooks { api: Typed(api) } })
    }

    /// The API's base URL.
    pub fn base_url(&self) -> &str {
        self.jobs.api.0.base_url()
    }
}

/// The engine with typed arguments and answers (serde on both sides).
#[derive(Clone, Debug)]
pub(crate) struct Typed(pub(crate) Api);

/// Arguments as the engine takes them: a serializable struct's fields plus extra pairs.
pub(crate) fn args<P: Serialize>(params: &P, extra: &[(&str, &str)]) -> Map<String, Value> {
    let mut map = match serde_json::to_value(params) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for (name, value) in extra {
        map.insert((*name).to_owned(), Value::String((*value).to_owned()));
    }
    map
}

/// Reads an answer as `T`.
pub(crate) fn typed<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_json::from_value(value)
        .map_err(|e| Error::new(ErrorKind::InvalidResponse, format!("unexpected response from the API: {e}")))
}

impl Typed {
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        operation: &str,
        args: &Map<String, Value>,
    ) -> Result<T, Error> {
        typed(self.0.call(operation, args).await?)
    }
}
