//! `client.jobs`: create, get, result, list, `list_all`, cancel, wait, download.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_core::Stream;
use reqwest::Method;

use super::types::{CreateJob, Job, JobList, JobResult, ListJobs};
use super::{Call, Error, Inner};

/// The jobs API.
#[derive(Clone)]
pub struct Jobs {
    pub(crate) inner: Arc<Inner>,
}

const NO_BODY: Option<&()> = None;

pub(crate) fn path_id(id: &str) -> String {
    // Ids are ULID-based; anything else is escaped so it cannot change the path.
    id.bytes().fold(String::new(), |mut s, b| {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "%{b:02X}");
        }
        s
    })
}

impl Jobs {
    fn call<'a>(method: Method, path: String) -> Call<'a, ()> {
        Call { method, path, query: None, body: NO_BODY, idempotency_key: None }
    }

    /// Enqueues a job. An `Idempotency-Key` is generated when none is given and reused on every
    /// retry of this call, so a retried create never makes two jobs.
    ///
    /// # Errors
    /// API errors (`invalid_request`, `idempotency_key_reused`, …), connection errors, timeouts.
    pub async fn create(&self, params: CreateJob) -> Result<Job, Error> {
        let key = params.idempotency_key.clone().unwrap_or_else(new_idempotency_key);
        self.inner
            .send(Call {
                method: Method::POST,
                path: "/v1/jobs".into(),
                query: None,
                body: Some(&params),
                idempotency_key: Some(&key),
            })
            .await
    }

    /// Fetches a job.
    ///
    /// # Errors
    /// `not_found`, connection errors, timeouts.
    pub async fn get(&self, id: &str) -> Result<Job, Error> {
        self.inner.send(Self::call(Method::GET, format!("/v1/jobs/{}", path_id(id)))).await
    }

    /// A succeeded job's result reference and signed download URL.
    ///
    /// # Errors
    /// `job_not_finished` / `job_not_succeeded` (409), `not_found`, …
    pub async fn result(&self, id: &str) -> Result<JobResult, Error> {
        self.inner.send(Self::call(Method::GET, format!("/v1/jobs/{}/result", path_id(id)))).await
    }

    /// Downloads a signed URL (from [`Jobs::result`]) and returns the bytes.
    ///
    /// # Errors
    /// `invalid_signature` (403), `signed_url_expired` (410), connection errors, timeouts.
    pub async fn download(&self, signed_url: &str) -> Result<Vec<u8>, Error> {
        self.inner.send_raw(&Self::call(Method::GET, signed_url.to_owned())).await
    }

    /// One page of jobs.
    ///
    /// # Errors
    /// `invalid_request`, `invalid_cursor`, connection errors, timeouts.
    pub async fn list(&self, params: &ListJobs) -> Result<JobList, Error> {
        self.inner
            .send(Call {
                method: Method::GET,
                path: "/v1/jobs".into(),
                query: Some(params),
                body: NO_BODY,
                idempotency_key: None,
            })
            .await
    }

    /// Every job matching `params`, fetching pages as the stream is read.
    pub fn list_all(&self, params: ListJobs) -> impl Stream<Item = Result<Job, Error>> + Send + 'static {
        let jobs = self.clone();
        let start = (params, Vec::new().into_iter(), false);
        futures_util::stream::try_unfold(start, move |(mut params, mut page, mut done)| {
            let jobs = jobs.clone();
            async move {
                loop {
                    if let Some(job) = page.next() {
                        return Ok(Some((job, (params, page, done))));
                    }
                    if done {
                        return Ok(None);
                    }
                    let list = jobs.list(&params).await?;
                    done = list.next_cursor.is_none() || list.jobs.is_empty();
                    params.cursor = list.next_cursor;
                    page = list.jobs.into_iter();
                }
            }
        })
    }

    /// Cancels a queued or running job.
    ///
    /// # Errors
    /// `job_already_finished` (409), `not_found`, …
    pub async fn cancel(&self, id: &str) -> Result<Job, Error> {
        self.inner.send(Self::call(Method::POST, format!("/v1/jobs/{}/cancel", path_id(id)))).await
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
        let deadline = Instant::now() + timeout;
        let mut last = None;
        let mut interval = Duration::from_millis(50);
        loop {
            let job = self.get(id).await?;
            let seen = (job.status, job.progress_pct);
            if last != Some(seen) {
                if let Some(callback) = on_progress.as_mut() {
                    callback(&job);
                }
                last = Some(seen);
            }
            if job.status.is_terminal() {
                return Ok(job);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::timeout(format!(
                    "job {id} is still {} ({}%) after {:.1} s",
                    job.status.as_str(),
                    job.progress_pct,
                    timeout.as_secs_f64()
                )));
            }
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval = (interval * 2).min(Duration::from_millis(500));
        }
    }
}

/// `idk_` and 32 random hex digits.
fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        bytes = fastrand::u128(..).to_le_bytes();
    }
    bytes.iter().fold(String::from("idk_"), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
