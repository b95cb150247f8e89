//! The objects the API returns, and the parameters of its calls.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum JobStatus {
    /// Waiting to run.
    Queued,
    /// Running; `progress_pct` rises.
    Running,
    /// Finished with a result.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Canceled before it finished.
    Canceled,
}

impl JobStatus {
    /// Whether the job has finished (succeeded, failed or canceled).
    pub fn is_terminal(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed | JobStatus::Canceled)
    }

    /// The wire name (`queued`, `running`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Canceled => "canceled",
        }
    }
}

/// Why a job failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobError {
    /// A stable code (`simulated_failure`, …).
    pub code: String,
    /// What went wrong.
    pub message: String,
}

/// A job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// `job_…`
    pub id: String,
    /// What kind of work.
    pub kind: String,
    /// Where it is in its life.
    pub status: JobStatus,
    /// 0 to 100.
    pub progress_pct: u8,
    /// The input given at creation.
    #[serde(default)]
    pub payload: Value,
    /// Where the finishing event is also delivered.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// How sensitive the job's data is.
    #[serde(default)]
    pub secrecy_level: Option<String>,
    /// Where the result is stored, once succeeded.
    #[serde(default)]
    pub result_ref: Option<String>,
    /// Why it failed, if it did.
    #[serde(default)]
    pub error: Option<JobError>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// RFC 3339, once running.
    #[serde(default)]
    pub started_at: Option<String>,
    /// RFC 3339, once finished.
    #[serde(default)]
    pub finished_at: Option<String>,
}

/// A finished job's result: where it is and a link to download it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobResult {
    /// The job id.
    pub id: String,
    /// Where the result is stored.
    pub result_ref: String,
    /// An expiring, HMAC-signed download link.
    pub signed_url: String,
    /// When the link expires (RFC 3339).
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// One page of jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    /// The jobs on this page, in creation order.
    pub jobs: Vec<Job>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
    /// How many jobs match the filters in all.
    pub total_count: u64,
}

/// Parameters of `jobs.create`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateJob {
    /// What kind of work (required).
    pub kind: String,
    /// The input (a JSON object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
    /// Where to deliver the finishing event too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// `public`, `internal` (default), `confidential` or `restricted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrecy_level: Option<String>,
    /// Sent as the `Idempotency-Key` header; generated when absent and reused on every retry.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

impl CreateJob {
    /// A job of `kind` with no payload.
    pub fn new(kind: impl Into<String>) -> CreateJob {
        CreateJob { kind: kind.into(), ..CreateJob::default() }
    }
}

crate::setters!(CreateJob {
    /// Sets the payload.
    some payload: Value;
    /// Sets the callback URL.
    some callback_url: String;
    /// Sets the secrecy level.
    some secrecy_level: String;
    /// Sets the idempotency key.
    some idempotency_key: String;
});

/// Filters and paging of `jobs.list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ListJobs {
    /// Only jobs of this kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Only jobs in this status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<JobStatus>,
    /// Page size, 1 to 100 (server default 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Where to continue (a `next_cursor`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

crate::setters!(ListJobs {
    /// Only jobs of this kind.
    some kind: String;
    /// Only jobs in this status.
    opt status: JobStatus;
    /// Page size, 1 to 100.
    opt limit: u32;
    /// Where to continue (a `next_cursor`).
    some cursor: String;
});

/// A webhook endpoint (subscription).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    /// `we_…`
    pub id: String,
    /// Where events are delivered.
    pub url: String,
    /// The event types it receives (`*` = all).
    pub events: Vec<String>,
    /// A label.
    #[serde(default)]
    pub name: Option<String>,
    /// `active` or `disabled`.
    pub status: String,
    /// Deliveries failed in a row (a delivered one resets it).
    #[serde(default)]
    pub failure_count: u32,
    /// Why the server disabled the endpoint (`None` when active, or disabled by an update).
    #[serde(default)]
    pub disabled_reason: Option<String>,
    /// The signing secret: only in the responses of `register` and `rotate_secret`.
    #[serde(default)]
    pub secret: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    #[serde(default)]
    pub updated_at: Option<String>,
}

impl std::fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("WebhookEndpoint")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("name", &self.name)
            .field("status", &self.status)
            .field("failure_count", &self.failure_count)
            .field("disabled_reason", &self.disabled_reason)
            .field("secret", &crate::redacted(self.secret.as_ref()))
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// Parameters of `webhooks.register`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RegisterWebhook {
    /// Where to deliver (required).
    pub url: String,
    /// Event types (default: all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// The signing secret (default: generated `whsec_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// A label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Sent as the `Idempotency-Key` header; generated when absent and reused on every retry, so
    /// a retry after a lost response answers the endpoint registered the first time.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

impl RegisterWebhook {
    /// An endpoint at `url` for every event, with a generated secret.
    pub fn new(url: impl Into<String>) -> RegisterWebhook {
        RegisterWebhook { url: url.into(), ..RegisterWebhook::default() }
    }
}

crate::setters!(RegisterWebhook {
    /// The event types it receives.
    some events: Vec<String>;
    /// The signing secret.
    some secret: String;
    /// A label.
    some name: String;
    /// The idempotency key.
    some idempotency_key: String;
});

impl std::fmt::Debug for RegisterWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("RegisterWebhook")
            .field("url", &self.url)
            .field("events", &self.events)
            .field("secret", &crate::redacted(self.secret.as_ref()))
            .field("name", &self.name)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

/// Parameters of `webhooks.update`: only the fields set are changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UpdateWebhook {
    /// A new URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// New event types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// A new label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `active` (re-enables) or `disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

crate::setters!(UpdateWebhook {
    /// A new URL.
    some url: String;
    /// New event types.
    some events: Vec<String>;
    /// A new label.
    some name: String;
    /// `active` (re-enables) or `disabled`.
    some status: String;
});

/// The answer to `webhooks.delete`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    /// The deleted endpoint's id.
    pub id: String,
    /// Always true.
    pub deleted: bool,
}

/// One attempt at a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    /// 1, 2, …
    pub attempt: u32,
    /// RFC 3339.
    pub at: String,
    /// The receiver's HTTP status, if it answered.
    #[serde(default)]
    pub status_code: Option<u16>,
    /// The failure, if any.
    #[serde(default)]
    pub error: Option<String>,
    /// How long it took.
    #[serde(default)]
    pub duration_ms: u64,
}

/// The delivery of one event to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// `dlv_…`
    pub id: String,
    /// `evt_…`
    pub event_id: String,
    /// `job.succeeded`, …
    pub event_type: String,
    /// The endpoint.
    pub endpoint_id: String,
    /// Where it goes.
    pub url: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Every attempt so far.
    #[serde(default)]
    pub attempts: Vec<DeliveryAttempt>,
    /// When the next attempt is due, if pending.
    #[serde(default)]
    pub next_attempt_at: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct EndpointList {
    pub(crate) webhooks: Vec<WebhookEndpoint>,
}

#[derive(Deserialize)]
pub(crate) struct DeliveryList {
    pub(crate) deliveries: Vec<Delivery>,
}

#[cfg(test)]
mod tests {
    use super::{RegisterWebhook, WebhookEndpoint};

    #[test]
    fn debug_output_never_shows_secrets() {
        let endpoint = WebhookEndpoint {
            id: "we_1".into(),
            url: "https://example.com/hook".into(),
            events: vec!["*".into()],
            name: None,
            status: "active".into(),
            failure_count: 0,
            disabled_reason: None,
            secret: Some("whsec_top_secret".into()),
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: None,
        };
        let register = RegisterWebhook {
            url: "https://example.com/hook".into(),
            secret: Some("whsec_top_secret".into()),
            ..RegisterWebhook::default()
        };
        for shown in [format!("{endpoint:?}"), format!("{register:?}")] {
            assert!(!shown.contains("top_secret"), "{shown}");
            assert!(shown.contains("secret: Some(\"<redacted>\")") && shown.contains("example.com/hook"), "{shown}");
        }
        let unset = RegisterWebhook::default();
        assert!(format!("{unset:?}").contains("secret: None"));
    }
}
