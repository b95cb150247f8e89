//! `Client`: jobs and webhook endpoints, every call `async` in Swift and `suspend` in Kotlin (run
//! on uniffi's tokio runtime). Answers are records; JSON values (payloads) are JSON text.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt as _};
use hookwise::client as core;

use crate::errors::HookwiseError;

/// A job.
#[derive(uniffi::Record)]
pub struct JobInfo {
    pub id: String,
    pub kind: String,
    /// `queued`, `running`, `succeeded`, `failed` or `canceled`.
    pub status: String,
    pub progress_pct: u8,
    /// The payload, as JSON text.
    pub payload_json: String,
    pub callback_url: Option<String>,
    pub secrecy_level: Option<String>,
    pub result_ref: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: String,
    pub updated_at: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

impl From<core::Job> for JobInfo {
    fn from(j: core::Job) -> Self {
        JobInfo {
            status: j.status.as_str().to_owned(),
            payload_json: j.payload.to_string(),
            error_code: j.error.as_ref().map(|e| e.code.clone()),
            error_message: j.error.map(|e| e.message),
            id: j.id,
            kind: j.kind,
            progress_pct: j.progress_pct,
            callback_url: j.callback_url,
            secrecy_level: j.secrecy_level,
            result_ref: j.result_ref,
            created_at: j.created_at,
            updated_at: j.updated_at,
            started_at: j.started_at,
            finished_at: j.finished_at,
        }
    }
}

/// A finished job's result and its expiring signed URL.
#[derive(uniffi::Record)]
pub struct JobResult {
    pub id: String,
    pub result_ref: String,
    pub signed_url: String,
    pub expires_at: Option<String>,
}

/// One page of jobs.
#[derive(uniffi::Record)]
pub struct JobList {
    pub jobs: Vec<JobInfo>,
    pub next_cursor: Option<String>,
    pub total_count: u64,
}

/// A webhook endpoint; `secret` only in the answers of register and rotateSecret.
#[derive(uniffi::Record)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub name: Option<String>,
    pub status: String,
    pub secret: Option<String>,
    pub created_at: String,
    pub updated_at: Option<String>,
}

impl From<core::WebhookEndpoint> for WebhookEndpoint {
    fn from(e: core::WebhookEndpoint) -> Self {
        WebhookEndpoint {
            id: e.id,
            url: e.url,
            events: e.events,
            name: e.name,
            status: e.status,
            secret: e.secret,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// One attempt at a delivery.
#[derive(uniffi::Record)]
pub struct DeliveryAttempt {
    pub attempt: u32,
    pub at: String,
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// One event's delivery to one endpoint.
#[derive(uniffi::Record)]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    pub event_type: String,
    pub endpoint_id: String,
    pub url: String,
    pub status: String,
    pub attempts: Vec<DeliveryAttempt>,
    pub next_attempt_at: Option<String>,
}

impl From<core::Delivery> for Delivery {
    fn from(d: core::Delivery) -> Self {
        Delivery {
            attempts: d
                .attempts
                .into_iter()
                .map(|a| DeliveryAttempt {
                    attempt: a.attempt,
                    at: a.at,
                    status_code: a.status_code,
                    error: a.error,
                    duration_ms: a.duration_ms,
                })
                .collect(),
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            endpoint_id: d.endpoint_id,
            url: d.url,
            status: d.status,
            next_attempt_at: d.next_attempt_at,
        }
    }
}

/// Receives a job at each change of status or progress during `jobsWait`.
#[uniffi::export(with_foreign)]
pub trait ProgressListener: Send + Sync {
    /// Called with the job as it is now.
    fn on_progress(&self, job: JobInfo);
}

fn status(s: Option<String>) -> Result<Option<core::JobStatus>, HookwiseError> {
    s.map(|s| {
        serde_json::from_value(serde_json::Value::String(s.clone())).map_err(|_| HookwiseError::Api {
            code: "invalid_request".into(),
            reason: format!("unknown job status {s:?}"),
            status: 0,
            trace_id: None,
        })
    })
    .transpose()
}

fn json_arg(text: Option<String>) -> Result<Option<serde_json::Value>, HookwiseError> {
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| HookwiseError::InvalidJson {
            code: "invalid_json".into(),
            reason: format!("payloadJson is not JSON: {e}"),
        })
    })
    .transpose()
}

type JobStream = std::pin::Pin<Box<dyn Stream<Item = Result<core::Job, core::Error>> + Send>>;

/// Every job of a listing, page by page as `next()` is awaited.
#[derive(uniffi::Object)]
pub struct JobIterator {
    stream: tokio::sync::Mutex<JobStream>,
}

#[uniffi::export(async_runtime = "tokio")]
impl JobIterator {
    /// The next job, or null at the end.
    pub async fn next(&self) -> Result<Option<JobInfo>, HookwiseError> {
        match self.stream.lock().await.next().await {
            Some(job) => Ok(Some(job?.into())),
            None => Ok(None),
        }
    }
}

/// The jobs and webhook-subscription client.
#[derive(uniffi::Object)]
pub struct Client {
    inner: core::Client,
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// `timeoutMs` per request (default 30000); `maxRetries` (default 2).
    #[uniffi::constructor(default(timeout_ms = None, max_retries = None))]
    pub fn new(
        api_key: String,
        base_url: String,
        timeout_ms: Option<u64>,
        max_retries: Option<u32>,
    ) -> Result<Self, HookwiseError> {
        let mut options = core::ClientOptions::default();
        if let Some(ms) = timeout_ms {
            options.timeout = Duration::from_millis(ms);
        }
        if let Some(r) = max_retries {
            options.max_retries = r;
        }
        Ok(Client { inner: core::Client::with_options(&api_key, &base_url, options)? })
    }

    #[uniffi::method(default(payload_json = None, callback_url = None, secrecy_level = None, idempotency_key = None))]
    pub async fn jobs_create(
        &self,
        kind: String,
        payload_json: Option<String>,
        callback_url: Option<String>,
        secrecy_level: Option<String>,
        idempotency_key: Option<String>,
    ) -> Result<JobInfo, HookwiseError> {
        let params =
            core::CreateJob { kind, payload: json_arg(payload_json)?, callback_url, secrecy_level, idempotency_key };
        Ok(self.inner.jobs.create(params).await?.into())
    }

    pub async fn jobs_get(&self, id: String) -> Result<JobInfo, HookwiseError> {
        Ok(self.inner.jobs.get(&id).await?.into())
    }

    pub async fn jobs_result(&self, id: String) -> Result<JobResult, HookwiseError> {
        let r = self.inner.jobs.result(&id).await?;
        Ok(JobResult { id: r.id, result_ref: r.result_ref, signed_url: r.signed_url, expires_at: r.expires_at })
    }

    pub async fn jobs_download(&self, signed_url: String) -> Result<Vec<u8>, HookwiseError> {
        Ok(self.inner.jobs.download(&signed_url).await?)
    }

    pub async fn jobs_cancel(&self, id: String) -> Result<JobInfo, HookwiseError> {
        Ok(self.inner.jobs.cancel(&id).await?.into())
    }

    #[uniffi::method(default(kind = None, status = None, limit = None, cursor = None))]
    pub async fn jobs_list(
        &self,
        kind: Option<String>,
        status: Option<String>,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<JobList, HookwiseError> {
        let params = core::ListJobs { kind, status: self::status(status)?, limit, cursor };
        let page = self.inner.jobs.list(&params).await?;
        Ok(JobList {
            jobs: page.jobs.into_iter().map(JobInfo::from).collect(),
            next_cursor: page.next_cursor,
            total_count: page.total_count,
        })
    }

    #[uniffi::method(default(kind = None, status = None, limit = None))]
    pub fn jobs_list_all(
        &self,
        kind: Option<String>,
        status: Option<String>,
        limit: Option<u32>,
    ) -> Result<Arc<JobIterator>, HookwiseError> {
        let params = core::ListJobs { kind, status: self::status(status)?, limit, cursor: None };
        let stream: JobStream = Box::pin(self.inner.jobs.list_all(params));
        Ok(Arc::new(JobIterator { stream: tokio::sync::Mutex::new(stream) }))
    }

    #[uniffi::method(default(listener = None))]
    pub async fn jobs_wait(
        &self,
        id: String,
        timeout_ms: u64,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<JobInfo, HookwiseError> {
        let mut report = |job: &core::Job| {
            if let Some(l) = &listener {
                l.on_progress(job.clone().into());
            }
        };
        Ok(self.inner.jobs.wait(&id, Duration::from_millis(timeout_ms), Some(&mut report)).await?.into())
    }

    #[uniffi::method(default(events = None, secret = None, name = None))]
    pub async fn webhooks_register(
        &self,
        url: String,
        events: Option<Vec<String>>,
        secret: Option<String>,
        name: Option<String>,
    ) -> Result<WebhookEndpoint, HookwiseError> {
        Ok(self.inner.webhooks.register(&core::RegisterWebhook { url, events, secret, name }).await?.into())
    }

    pub async fn webhooks_list(&self) -> Result<Vec<WebhookEndpoint>, HookwiseError> {
        Ok(self.inner.webhooks.list().await?.into_iter().map(WebhookEndpoint::from).collect())
    }

    pub async fn webhooks_get(&self, id: String) -> Result<WebhookEndpoint, HookwiseError> {
        Ok(self.inner.webhooks.get(&id).await?.into())
    }

    #[uniffi::method(default(url = None, events = None, name = None, status = None))]
    pub async fn webhooks_update(
        &self,
        id: String,
        url: Option<String>,
        events: Option<Vec<String>>,
        name: Option<String>,
        status: Option<String>,
    ) -> Result<WebhookEndpoint, HookwiseError> {
        Ok(self.inner.webhooks.update(&id, &core::UpdateWebhook { url, events, name, status }).await?.into())
    }

    /// Deletes (soft) an endpoint; returns its id.
    pub async fn webhooks_delete(&self, id: String) -> Result<String, HookwiseError> {
        Ok(self.inner.webhooks.delete(&id).await?.id)
    }

    pub async fn webhooks_rotate_secret(&self, id: String) -> Result<WebhookEndpoint, HookwiseError> {
        Ok(self.inner.webhooks.rotate_secret(&id).await?.into())
    }

    pub async fn webhooks_deliveries(&self, id: String) -> Result<Vec<Delivery>, HookwiseError> {
        Ok(self.inner.webhooks.deliveries(&id).await?.into_iter().map(Delivery::from).collect())
    }
}
