//! The jobs and webhook-subscription client (cargo feature `client`).
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

mod error;
mod jobs;
mod types;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use error::{Error, ErrorKind};
pub use jobs::Jobs;
pub use types::{
    CreateJob, Deleted, Delivery, DeliveryAttempt, Job, JobError, JobList, JobResult, JobStatus, ListJobs,
    RegisterWebhook, UpdateWebhook, WebhookEndpoint,
};
pub use webhooks::Webhooks;

/// Client settings. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// Per-request timeout (default 30 s).
    pub timeout: Duration,
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// The first backoff delay; it doubles each retry, with jitter (default 500 ms).
    pub initial_retry_delay: Duration,
    /// The longest backoff delay, `Retry-After` included (default 8 s).
    pub max_retry_delay: Duration,
    /// The `User-Agent` header (default `hookwise/<version>`).
    pub user_agent: String,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            max_retries: 2,
            initial_retry_delay: Duration::from_millis(500),
            max_retry_delay: Duration::from_secs(8),
            user_agent: format!("hookwise/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

pub(crate) struct Inner {
    http: reqwest::Client,
    base_url: String,
    options: ClientOptions,
}

/// The API client: `client.jobs` and `client.webhooks`. Cheap to clone (shared connection pool).
#[derive(Clone)]
pub struct Client {
    /// Jobs: create, get, result, list, `list_all`, cancel, wait, download.
    pub jobs: Jobs,
    /// Webhook endpoints: register, list, get, update, delete, `rotate_secret`, deliveries.
    pub webhooks: Webhooks,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", &self.jobs.inner.base_url).finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the API at `base_url` with the default options.
    ///
    /// # Errors
    /// `connection_error` if the HTTP stack cannot start, or the API key cannot be a header.
    pub fn new(api_key: &str, base_url: &str) -> Result<Client, Error> {
        Client::with_options(api_key, base_url, ClientOptions::default())
    }

    /// A client with explicit options.
    ///
    /// # Errors
    /// As [`Client::new`].
    pub fn with_options(api_key: &str, base_url: &str, options: ClientOptions) -> Result<Client, Error> {
        // reqwest is built without a bundled crypto provider; ring is ours. Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut auth = HeaderValue::from_str(&format!("Bearer {api_key}"))
            .map_err(|_| Error::connection("the API key contains characters not allowed in a header"))?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .user_agent(options.user_agent.clone())
            .default_headers(headers)
            .build()
            .map_err(|e| Error::connection(format!("cannot build the HTTP client: {e}")))?;
        let inner = Arc::new(Inner { http, base_url: base_url.trim_end_matches('/').to_owned(), options });
        Ok(Client { jobs: Jobs { inner: inner.clone() }, webhooks: Webhooks { inner } })
    }

    /// The API's base URL.
    pub fn base_url(&self) -> &str {
        &self.jobs.inner.base_url
    }
}

/// One API call: what to send, and whether it may be retried safely.
pub(crate) struct Call<'a, B: Serialize> {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<&'a ListJobs>,
    pub(crate) body: Option<&'a B>,
    pub(crate) idempotency_key: Option<&'a str>,
}

impl Inner {
    /// Sends `call`, retrying connection errors, timeouts, 408, 429 and 5xx with exponential
    /// backoff and jitter (honouring `Retry-After`), and decodes the JSON answer.
    pub(crate) async fn send<B: Serialize, T: DeserializeOwned>(&self, call: Call<'_, B>) -> Result<T, Error> {
        let bytes = self.send_raw(&call).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::api(200, "invalid_response".into(), format!("unexpected response from the API: {e}"), None)
        })
    }

    pub(crate) async fn send_raw<B: Serialize>(&self, call: &Call<'_, B>) -> Result<Vec<u8>, Error> {
        let url = if call.path.starts_with("http://") || call.path.starts_with("https://") {
            call.path.clone()
        } else {
            format!("{}{}", self.base_url, call.path)
        };
        let mut attempt = 0;
        loop {
            let (result, retry_after) = self.attempt(&url, call).await;
            match result {
                Err(e) if e.is_retryable() && attempt < self.options.max_retries => {
                    tokio::time::sleep(self.backoff(attempt, retry_after)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let max = self.options.max_retry_delay;
        if let Some(wait) = retry_after {
            return wait.min(max);
        }
        let base = self.options.initial_retry_delay.saturating_mul(1 << attempt.min(16)).min(max);
        // Jitter: a random point in [base/2, base].
        base / 2 + base.mul_f64(fastrand::f64() / 2.0)
    }

    async fn attempt<B: Serialize>(&self, url: &str, call: &Call<'_, B>) -> (Result<Vec<u8>, Error>, Option<Duration>) {
        let mut request = self.http.request(call.method.clone(), url);
        if let Some(query) = call.query {
            request = request.query(query);
        }
        if let Some(body) = call.body {
            request = request.json(body);
        }
        if let Some(key) = call.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return (Err(transport_error(&e)), None),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64);
        let trace_id = response.headers().get("x-trace-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = match response.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) => return (Err(transport_error(&e)), retry_after),
        };
        if status.is_success() {
            return (Ok(bytes), None);
        }
        (Err(api_error(status, &bytes, trace_id)), retry_after)
    }
}

fn transport_error(e: &reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::timeout(format!("the request timed out: {e}"))
    } else {
        Error::connection(format!("the connection failed: {e}"))
    }
}

fn api_error(status: StatusCode, body: &[u8], trace_id: Option<String>) -> Error {
    #[derive(serde::Deserialize)]
    struct Body {
        error: Detail,
    }
    #[derive(serde::Deserialize)]
    struct Detail {
        code: String,
        message: String,
        #[serde(default)]
        trace_id: Option<String>,
    }
    match serde_json::from_slice::<Body>(body) {
        Ok(Body { error }) => Error::api(status.as_u16(), error.code, error.message, error.trace_id.or(trace_id)),
        Err(_) => Error::api(
            status.as_u16(),
            format!("http_{}", status.as_u16()),
            format!("the API answered {status} without an error body"),
            trace_id,
        ),
    }
}
