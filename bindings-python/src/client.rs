//! `NativeClient`: the jobs and webhooks client, blocking with the GIL released. The Python
//! package wraps its plain-data answers in typed objects (`hookwise.Client`, `AsyncClient`).

use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::{Stream, StreamExt as _};
use hookwise::client::{
    Client, ClientOptions, CreateJob, Error as ClientError, Job, JobStatus, ListJobs, RegisterWebhook, UpdateWebhook,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::call::{block_on, guard};
use crate::convert::{py_to_json, to_py};
use crate::errors::client_error;

type JobStream = Pin<Box<dyn Stream<Item = Result<Job, ClientError>> + Send>>;

/// The blocking client. Its connection pool belongs to one process: after `fork()` the child
/// builds its own on first use.
#[pyclass(module = "hookwise._native", frozen)]
pub struct NativeClient {
    api_key: String,
    base_url: String,
    options: ClientOptions,
    core: Mutex<Option<(u32, Client)>>,
}

fn status(s: Option<&str>) -> PyResult<Option<JobStatus>> {
    s.map(|s| {
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|_| PyValueError::new_err(format!("unknown job status {s:?}")))
    })
    .transpose()
}

impl NativeClient {
    fn core(&self, py: Python<'_>) -> PyResult<Client> {
        let pid = std::process::id();
        let mut slot = self.core.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match slot.as_ref() {
            Some((owner, client)) if *owner == pid => Ok(client.clone()),
            _ => {
                let client = Client::with_options(&self.api_key, &self.base_url, self.options.clone())
                    .map_err(|e| client_error(py, &e))?;
                *slot = Some((pid, client.clone()));
                Ok(client)
            }
        }
    }

    /// Runs one client call with the GIL released and converts its answer to Python data.
    fn call<'py, T, F>(&self, py: Python<'py>, f: impl FnOnce(Client) -> F) -> PyResult<Bound<'py, PyAny>>
    where
        T: serde::Serialize + Send,
        F: std::future::Future<Output = Result<T, ClientError>> + Send,
    {
        guard(|| {
            let value = block_on(py, f(self.core(py)?), client_error)?;
            to_py(py, &value)
        })
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (api_key, base_url, timeout = None, max_retries = None, user_agent = None))]
    fn new(
        api_key: String,
        base_url: String,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        user_agent: Option<String>,
    ) -> PyResult<Self> {
        let mut options = ClientOptions::default();
        if let Some(t) = timeout {
            options.timeout = Duration::try_from_secs_f64(t)
                .map_err(|_| PyValueError::new_err("timeout must be a positive number"))?;
        }
        if let Some(r) = max_retries {
            options.max_retries = r;
        }
        if let Some(ua) = user_agent {
            options.user_agent = Some(ua);
        }
        Ok(NativeClient { api_key, base_url, options, core: Mutex::new(None) })
    }

    #[pyo3(signature = (kind, payload = None, callback_url = None, secrecy_level = None, idempotency_key = None))]
    fn jobs_create<'py>(
        &self,
        py: Python<'py>,
        kind: String,
        payload: Option<&Bound<'py, PyAny>>,
        callback_url: Option<String>,
        secrecy_level: Option<String>,
        idempotency_key: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let payload = payload.map(py_to_json).transpose()?;
        let params = CreateJob { kind, payload, callback_url, secrecy_level, idempotency_key };
        self.call(py, |c| async move { c.jobs.create(params).await })
    }

    fn jobs_get<'py>(&self, py: Python<'py>, id: String) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |c| async move { c.jobs.get(&id).await })
    }

    fn jobs_result<'py>(&self, py: Python<'py>, id: String) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |c| async move { c.jobs.result(&id).await })
    }

    fn jobs_cancel<'py>(&self, py: Python<'py>, id: String) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |c| async move { c.jobs.cancel(&id).await })
    }

    fn jobs_download<'py>(&self, py: Python<'py>, url: String) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let client = self.core(py)?;
            let bytes = block_on(py, async move { client.jobs.download(&url).await }, client_error)?;
            Ok(PyBytes::new(py, &bytes))
        })
    }

    #[pyo3(signature = (kind = None, status = None, limit = None, cursor = None))]
    fn jobs_list<'py>(
        &self,
        py: Python<'py>,
        kind: Option<String>,
        status: Option<&str>,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = ListJobs { kind, status: self::status(status)?, limit, cursor };
        self.call(py, |c| async move { c.jobs.list(&params).await })
    }

    #[pyo3(signature = (kind = None, status = None, limit = None))]
    fn jobs_list_all(
        &self,
        py: Python<'_>,
        kind: Option<String>,
        status: Option<&str>,
        limit: Option<u32>,
    ) -> PyResult<JobIterator> {
        let params = ListJobs { kind, status: self::status(status)?, limit, cursor: None };
        let stream: JobStream = Box::pin(self.core(py)?.jobs.list_all(params));
        Ok(JobIterator { stream: Mutex::new(Some(stream)) })
    }

    #[pyo3(signature = (id, timeout, on_progress = None))]
    fn jobs_wait<'py>(
        &self,
        py: Python<'py>,
        id: String,
        timeout: f64,
        on_progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let timeout = Duration::try_from_secs_f64(timeout)
            .map_err(|_| PyValueError::new_err("timeout must be a positive number"))?;
        // The first exception raised by the callback is re-raised once the wait is over.
        let failure: Mutex<Option<PyErr>> = Mutex::new(None);
        let job = {
            let failure = &failure;
            self.call(py, move |c| async move {
                let mut report = |job: &Job| {
                    if let Some(callback) = &on_progress {
                        Python::attach(|py| {
                            let outcome = to_py(py, job).and_then(|j| callback.call1(py, (j,)));
                            if let Err(e) = outcome {
                                failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(e);
                            }
                        });
                    }
                };
                c.jobs.wait(&id, timeout, Some(&mut report)).await
            })?
        };
        match failure.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
            Some(e) => Err(e),
            None => Ok(job),
        }
    }

    #[pyo3(signature = (url, events = None, secret = None, name = None))]
    fn webhooks_register<'py>(
        &self,
        py: Python<'py>,
        url: String,
        events: Option<Vec<String>>,
        secret: Option<String>,
        name: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = RegisterWebhook { url, events, secret, name };
        self.call(py, |c| async move { c.webhooks.register(&params).await })
    }

    fn webhooks_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |c| async move { c.webhooks.list().await })
    }

    fn webhooks_get<'py>(&self, py: Python<'py>, id: String) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |c| async move { c.webhooks.get(&id).await })
    }

    #[pyo3(signature = (id, url = None, events = None, name = None, status = None))]
    fn webhooks_update<'py>(
        &self,
        py: Python<'py>,
        id: String,
        url: Option<String>,
        events: Option<Vec<String>>,
        name: Option<String>,
        status: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = UpdateWebhook { url, events, name, status };
        self.call(py, |c| async move { c.webhooks.update(&id, &params).await })
    }

    fn webhooks_delete<'py>(&self, py: Python<'py>, id: String) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |c| async move { c.webhooks.delete(&id).await })
    }

    fn webhooks_rotate_secret<'py>(&self, py: Python<'py>, id: String) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |c| async move { c.webhooks.rotate_secret(&id).await })
    }

    fn webhooks_deliveries<'py>(&self, py: Python<'py>, id: String) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |c| async move { c.webhooks.deliveries(&id).await })
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// Every job of a listing, fetching pages as it is iterated (`for job in client.jobs.list_all()`).
#[pyclass(module = "hookwise._native", frozen)]
pub struct JobIterator {
    stream: Mutex<Option<JobStream>>,
}

#[pymethods]
impl JobIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(|| {
            let mut slot = self.stream.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let Some(stream) = slot.as_mut() else { return Ok(None) };
            let next = block_on(py, async { Ok::<_, ClientError>(stream.next().await) }, client_error)?;
            match next {
                Some(Ok(job)) => Ok(Some(to_py(py, &job)?)),
                Some(Err(e)) => {
                    *slot = None;
                    Err(client_error(py, &e))
                }
                None => {
                    *slot = None;
                    Ok(None)
                }
            }
        })
    }
}
