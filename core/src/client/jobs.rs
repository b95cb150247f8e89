//! `client.jobs`: create, get, result, list, `list_all`, cancel, wait, download.

use std::time::Duration;

use futures_core::Stream;
use futures_util::StreamExt as _;
use serde_json::Value;

use super::types::{CreateJob, Job, JobList, JobResult, ListJobs};
use super::{args, typed, Error, Typed};

/// The jobs API.
#[derive(Clone, Debug)]
pub struct Jobs {
    pub(crate) api: Typed,
}

impl Jobs {
    /// Enqueues a job. An `Idempotency-Key` is generated when none is given and reused on every
    /// retry of this call, so a retried create never makes two jobs.
    ///
    /// # Errors
    /// API errors (`invalid_request`, `idempotency_key_reused`, …), connection errors, timeouts.
    pub async fn create(&self, params: CreateJob) -> Result<Job, Error> {
        let key = params.idempotency_key.as_deref().map(|k| ("idempotency_key", k));
        self.api.call("create_job", &args(&params, key.as_slice())).await
    }

    /// Fetches a job.
    ///
    /// # Errors
    /// `not_found`, connection errors, timeouts.
    pub async fn get(&self, id: &str) -> Result<Job, Error> {
        self.api.call("get_job", &args(&(), &[("id", id)])).await
    }

    /// A succeeded job's result reference and signed download URL.
    ///
    /// # Errors
    /// `job_not_finished` / `job_not_succeeded` (409), `not_found`, …
    pub async fn result(&self, id: &str) -> Result<JobResult, Error> {
        self.api.call("get_job_result", &args(&(), &[("id", id)])).await
    }

    /// Downloads a signed URL (from [`Jobs::result`]) and returns the bytes. The API key is sent
    /// only when the URL is on the API's own origin.
    ///
    /// # Errors
    /// `invalid_signature` (403), `signed_url_expired` (410), connection errors, timeouts.
    pub async fn download(&self, signed_url: &str) -> Result<Vec<u8>, Error> {
        self.api.0.download(signed_url).await
    }

    /// One page of jobs.
    ///
    /// # Errors
    /// `invalid_request`, `invalid_cursor`, connection errors, timeouts.
    pub async fn list(&self, params: &ListJobs) -> Result<JobList, Error> {
        self.api.call("list_jobs", &args(params, &[])).await
    }

    /// Every job matching `params`, fetching pages as the stream is read.
    #[allow(clippy::needless_pass_by_value)] // The stream outlives the call; taking the filters by value is the API.
    pub fn list_all(&self, params: ListJobs) -> impl Stream<Item = Result<Job, Error>> + Send + 'static {
        self.api.0.paginate("list_jobs", args(&params, &[])).map(|item| item.and_then(typed))
    }

    /// Cancels a queued or running job.
    ///
    /// # Errors
    /// `job_already_finished` (409), `not_found`, …
    pub async fn cancel(&self, id: &str) -> Result<Job, Error> {
        self.api.call("cancel_job", &args(&(), &[("id", id)])).await
    }

    /// Polls until the job has finished, calling `on_progress` whenever its status or progress
    /// changes, and returns the finished job.
    ///
    /// # Errors
    /// `timeout` when `timeout` passes first; the errors of [`Jobs::get`].
    pub async fn wait(
        &self,
        id: &str,
        timeout: Duration,
        mut on_progress: Option<&mut (dyn FnMut(&Job) + Send)>,
    ) -> Result<Job, Error> {
        let mut forward = |value: &Value| {
            if let (Some(callback), Ok(job)) = (on_progress.as_mut(), serde_json::from_value::<Job>(value.clone())) {
                callback(&job);
            }
        };
        typed(self.api.0.wait("get_job", &args(&(), &[("id", id)]), timeout, Some(&mut forward)).await?)
    }
}
