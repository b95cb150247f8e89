//! `NativeClient`: the jobs and webhooks client; every call returns a Promise and runs on
//! napi's tokio runtime, so the event loop never blocks.

use std::pin::Pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt as _};
use hookwise::client::{
    Client, ClientOptions, CreateJob, Error as ClientError, Job, ListJobs, RegisterWebhook, UpdateWebhook,
};
use napi::bindgen_prelude::Buffer;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use crate::errors::client_error;

/// Options of `new Client(...)`.
#[napi(object)]
pub struct ClientConfig {
    /// The API key.
    pub api_key: String,
    /// The API's base URL (default `http://127.0.0.1:8080`).
    pub base_url: Option<String>,
    /// Per-request timeout in milliseconds (default 30000).
    pub timeout: Option<u32>,
    /// Retries after the first attempt (default 2).
    pub max_retries: Option<u32>,
}

fn json<T: serde::Serialize>(value: &T) -> napi::Result<Json> {
    serde_json::to_value(value).map_err(|e| napi::Error::from_reason(e.to_string()))
}

fn params<T: DeserializeOwned>(value: Json) -> napi::Result<T> {
    serde_json::from_value(value)
        .map_err(|e| napi::Error::new(napi::Status::InvalidArg, format!("invalid parameters: {e}")))
}

/// The client. `index.js` wraps it as `client.jobs` / `client.webhooks`.
#[napi]
pub struct NativeClient {
    inner: Client,
}

type JobStream = Pin<Box<dyn Stream<Item = Result<Job, ClientError>> + Send>>;

/// Every job of a listing, fetched page by page as `next()` is awaited.
#[napi]
pub struct JobIterator {
    stream: tokio::sync::Mutex<JobStream>,
}

#[napi]
impl JobIterator {
    /// The next job, or `null` at the end.
    #[napi]
    pub async fn next(&self) -> napi::Result<Option<Json>> {
        match self.stream.lock().await.next().await {
            Some(Ok(job)) => json(&job).map(Some),
            Some(Err(e)) => Err(client_error(&e)),
            None => Ok(None),
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateParams {
    kind: String,
    #[serde(default)]
    payload: Option<Json>,
    #[serde(default, alias = "callback_url")]
    callback_url: Option<String>,
    #[serde(default, alias = "secrecy_level")]
    secrecy_level: Option<String>,
    #[serde(default, alias = "idempotency_key")]
    idempotency_key: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListParams {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    status: Option<hookwise::client::JobStatus>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    cursor: Option<String>,
}

impl From<ListParams> for ListJobs {
    fn from(p: ListParams) -> ListJobs {
        ListJobs { kind: p.kind, status: p.status, limit: p.limit, cursor: p.cursor }
    }
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(config: ClientConfig) -> napi::Result<Self> {
        let mut options = ClientOptions::default();
        if let Some(ms) = config.timeout {
            options.timeout = Duration::from_millis(u64::from(ms));
        }
        if let Some(r) = config.max_retries {
            options.max_retries = r;
        }
        let base = config.base_url.unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
        let inner = Client::with_options(&config.api_key, &base, options).map_err(|e| client_error(&e))?;
        Ok(NativeClient { inner })
    }

    #[napi]
    pub async fn jobs_create(&self, params: Json) -> napi::Result<Json> {
        let p: CreateParams = self::params(params)?;
        let job = CreateJob {
            kind: p.kind,
            payload: p.payload,
            callback_url: p.callback_url,
            secrecy_level: p.secrecy_level,
            idempotency_key: p.idempotency_key,
        };
        json(&self.inner.jobs.create(job).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn jobs_get(&self, id: String) -> napi::Result<Json> {
        json(&self.inner.jobs.get(&id).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn jobs_result(&self, id: String) -> napi::Result<Json> {
        json(&self.inner.jobs.result(&id).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn jobs_cancel(&self, id: String) -> napi::Result<Json> {
        json(&self.inner.jobs.cancel(&id).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn jobs_download(&self, url: String) -> napi::Result<Buffer> {
        self.inner.jobs.download(&url).await.map(Buffer::from).map_err(|e| client_error(&e))
    }

    #[napi]
    pub async fn jobs_list(&self, params: Option<Json>) -> napi::Result<Json> {
        let p: ListParams = params.map(self::params).transpose()?.unwrap_or_default();
        json(&self.inner.jobs.list(&p.into()).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub fn jobs_list_all(&self, params: Option<Json>) -> napi::Result<JobIterator> {
        let p: ListParams = params.map(self::params).transpose()?.unwrap_or_default();
        let stream: JobStream = Box::pin(self.inner.jobs.list_all(p.into()));
        Ok(JobIterator { stream: tokio::sync::Mutex::new(stream) })
    }

    /// Waits for the job to finish; `on_progress(job)` runs on the event loop at each change.
    #[napi]
    pub async fn jobs_wait(
        &self,
        id: String,
        timeout_ms: u32,
        on_progress: Option<ThreadsafeFunction<Json, (), Json, napi::Status, false>>,
    ) -> napi::Result<Json> {
        let mut report = |job: &Job| {
            if let (Some(callback), Ok(value)) = (&on_progress, json(job)) {
                callback.call(value, ThreadsafeFunctionCallMode::NonBlocking);
            }
        };
        let timeout = Duration::from_millis(u64::from(timeout_ms));
        json(&self.inner.jobs.wait(&id, timeout, Some(&mut report)).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn webhooks_register(&self, params: Json) -> napi::Result<Json> {
        let p: RegisterWebhook = self::params(params)?;
        json(&self.inner.webhooks.register(&p).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn webhooks_list(&self) -> napi::Result<Json> {
        json(&self.inner.webhooks.list().await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn webhooks_get(&self, id: String) -> napi::Result<Json> {
        json(&self.inner.webhooks.get(&id).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn webhooks_update(&self, id: String, params: Json) -> napi::Result<Json> {
        let p: UpdateWebhook = self::params(params)?;
        json(&self.inner.webhooks.update(&id, &p).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn webhooks_delete(&self, id: String) -> napi::Result<Json> {
        json(&self.inner.webhooks.delete(&id).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn webhooks_rotate_secret(&self, id: String) -> napi::Result<Json> {
        json(&self.inner.webhooks.rotate_secret(&id).await.map_err(|e| client_error(&e))?)
    }

    #[napi]
    pub async fn webhooks_deliveries(&self, id: String) -> napi::Result<Json> {
        json(&self.inner.webhooks.deliveries(&id).await.map_err(|e| client_error(&e))?)
    }
}
