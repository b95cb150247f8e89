//! `Profile`, `Api` and `NativeAsyncApi`: the engine of `hookwise::api` for any profile.
//! Arguments and answers cross as Python data; the waiting happens in the core, with the GIL
//! released (`Api`) or on the runtime asyncio awaits (`NativeAsyncApi`, wrapped in coroutines
//! by `hookwise.AsyncApi`).

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures_util::{Stream, StreamExt as _};
use hookwise::api::{Api as CoreApi, ApiOptions, Error as CoreError, Profile as CoreProfile};
use pyo3::exceptions::{PyOSError, PyStopAsyncIteration, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde_json::{Map, Value};

use crate::call::{awaitable, block_on, guard};
use crate::convert::{json_from_py, json_to_py};
use crate::errors::{client_error, profile_error};

type ItemStream = Pin<Box<dyn Stream<Item = Result<Value, CoreError>> + Send>>;
/// The stream behind an iterator; an async lock, so a waiting thread or task holds no GIL.
type Pages = Arc<tokio::sync::Mutex<Option<ItemStream>>>;

/// An API profile: an OpenAPI 3.1 document with `x-hookwise` extensions, validated.
#[pyclass(module = "hookwise", name = "Profile", frozen)]
pub struct Profile {
    inner: Arc<CoreProfile>,
}

fn read_profile(py: Python<'_>, path: PathBuf) -> PyResult<CoreProfile> {
    let text = std::fs::read_to_string(&path).map_err(|e| match e.raw_os_error() {
        // OSError(errno, text, filename) becomes FileNotFoundError, PermissionError, …
        Some(errno) => PyOSError::new_err((errno, e.to_string(), path)),
        None => PyErr::from(e),
    })?;
    CoreProfile::from_text(&text).map_err(|e| profile_error(py, &e))
}

#[pymethods]
impl Profile {
    /// Reads a profile from YAML or JSON text; raises `ProfileError` with `.code` and `.pointer`.
    #[staticmethod]
    fn from_text(py: Python<'_>, text: &str) -> PyResult<Profile> {
        guard(|| {
            let inner = CoreProfile::from_text(text).map_err(|e| profile_error(py, &e))?;
            Ok(Profile { inner: Arc::new(inner) })
        })
    }

    /// The profile of hookwise's own API (`profiles/hookwise.yaml`), embedded in the core.
    #[staticmethod]
    fn hookwise() -> Profile {
        static HOOKWISE: OnceLock<Arc<CoreProfile>> = OnceLock::new();
        Profile { inner: HOOKWISE.get_or_init(|| Arc::new(CoreProfile::hookwise().clone())).clone() }
    }

    /// Reads a profile file (`str` or `os.PathLike`).
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Profile> {
        guard(|| Ok(Profile { inner: Arc::new(read_profile(py, path)?) }))
    }

    /// The profile's name (`x-hookwise.name`).
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The operation ids, in document order.
    #[getter]
    fn operations(&self) -> Vec<String> {
        self.inner.operations.iter().map(|o| o.id.clone()).collect()
    }

    /// `servers[0].url`, or `None`.
    #[getter]
    fn base_url(&self) -> Option<&str> {
        self.inner.server.as_deref()
    }

    fn __repr__(&self) -> String {
        format!("Profile(name={:?}, operations={})", self.inner.name, self.inner.operations.len())
    }
}

/// A duration in seconds from Python; `name` says which argument was wrong.
fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be a number of seconds >= 0")))
}

/// The named arguments of a call: a `dict` with `str` keys, or `None` for none.
fn arguments(args: Option<&Bound<'_, PyDict>>) -> PyResult<Map<String, Value>> {
    match args.map(|a| json_from_py(a.as_any())).transpose()? {
        Some(Value::Object(members)) => Ok(members),
        _ => Ok(Map::new()),
    }
}

/// What `Api` and `NativeAsyncApi` share: the profile, the options and the core client. The
/// client's connection pool belongs to one process: after `fork()` the child builds its own.
struct Engine {
    profile: Arc<CoreProfile>,
    options: ApiOptions,
    core: Mutex<(u32, CoreApi)>,
}

impl Engine {
    fn api(&self, py: Python<'_>) -> PyResult<CoreApi> {
        let pid = std::process::id();
        let mut slot = self.core.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.0 != pid {
            let api = CoreApi::new(self.profile.clone(), self.options.clone()).map_err(|e| client_error(py, &e))?;
            *slot = (pid, api);
        }
        Ok(slot.1.clone())
    }

    /// The item stream of `Api.paginate` and `AsyncApi.paginate`.
    fn pages(
        &self,
        py: Python<'_>,
        op: &str,
        args: Option<&Bound<'_, PyDict>>,
        first_page: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Arc<tokio::sync::Mutex<Option<ItemStream>>>> {
        let first = first_page.map(json_from_py).transpose()?;
        let stream: ItemStream = Box::pin(self.api(py)?.paginate_from(op, arguments(args)?, first));
        Ok(Arc::new(tokio::sync::Mutex::new(Some(stream))))
    }
}

/// The engine for one profile, blocking with the GIL released.
///
/// `Api(profile, *, api_key=None, username=None, password=None, base_url=None, timeout=None,
/// max_retries=None, initial_retry_delay=None, max_retry_delay=None, user_agent=None)`: `profile`
/// is a `Profile` or the path of a profile file; durations are in seconds; an option left `None`
/// comes from the environment or the engine's defaults.
#[pyclass(module = "hookwise", name = "Api", frozen)]
pub struct Api {
    engine: Arc<Engine>,
}

#[pymethods]
impl Api {
    #[new]
    #[pyo3(signature = (profile, *, api_key = None, username = None, password = None, base_url = None, timeout = None,
        max_retries = None, initial_retry_delay = None, max_retry_delay = None, user_agent = None))]
    #[allow(clippy::too_many_arguments)] // the Python signature: keyword-only options
    fn new(
        py: Python<'_>,
        profile: &Bound<'_, PyAny>,
        api_key: Option<String>,
        username: Option<String>,
        password: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        initial_retry_delay: Option<f64>,
        max_retry_delay: Option<f64>,
        user_agent: Option<String>,
    ) -> PyResult<Self> {
        guard(|| {
            let profile = if let Ok(given) = profile.cast::<Profile>() {
                given.get().inner.clone()
            } else if let Ok(path) = profile.extract::<PathBuf>() {
                Arc::new(read_profile(py, path)?)
            } else {
                return Err(PyTypeError::new_err("profile must be a hookwise.Profile or the path of a profile file"));
            };
            let mut options = ApiOptions::default();
            options.api_key = api_key;
            options.username = username;
            options.password = password;
            options.base_url = base_url;
            options.user_agent = user_agent;
            if let Some(t) = timeout {
                options.timeout = seconds("timeout", t)?;
            }
            if let Some(n) = max_retries {
                options.max_retries = n;
            }
            if let Some(t) = initial_retry_delay {
                options.initial_retry_delay = seconds("initial_retry_delay", t)?;
            }
            if let Some(t) = max_retry_delay {
                options.max_retry_delay = seconds("max_retry_delay", t)?;
            }
            let api = CoreApi::new(profile.clone(), options.clone()).map_err(|e| client_error(py, &e))?;
            let core = Mutex::new((std::process::id(), api));
            Ok(Api { engine: Arc::new(Engine { profile, options, core }) })
        })
    }

    /// Calls operation `op` with named arguments and returns the decoded answer (`None` for no
    /// content).
    #[pyo3(signature = (op, args = None))]
    fn call<'py>(&self, py: Python<'py>, op: String, args: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let (api, args) = (self.engine.api(py)?, arguments(args)?);
            let value = block_on(py, async move { api.call(&op, &args).await }, client_error)?;
            json_to_py(py, &value)
        })
    }

    /// Every item of every page of list operation `op`; a page is fetched when the iterator
    /// reaches it. `first_page`, the page these `args` already fetched, is not fetched again.
    #[pyo3(signature = (op, args = None, *, first_page = None))]
    fn paginate(
        &self,
        py: Python<'_>,
        op: &str,
        args: Option<&Bound<'_, PyDict>>,
        first_page: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Items> {
        guard(|| Ok(Items { pages: self.engine.pages(py, op, args, first_page)? }))
    }

    /// Polls operation `op` until its status is terminal and returns the final object;
    /// `on_progress(object)` is called (with the GIL, from the waiting thread) when the status
    /// or progress changes. An exception it raises is re-raised once the wait is over.
    #[pyo3(signature = (op, args = None, *, timeout, on_progress = None))]
    fn wait<'py>(
        &self,
        py: Python<'py>,
        op: String,
        args: Option<&Bound<'py, PyDict>>,
        timeout: f64,
        on_progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let (api, args, timeout) = (self.engine.api(py)?, arguments(args)?, seconds("timeout", timeout)?);
            let value = block_on(py, wait(api, op, args, timeout, on_progress), client_error)??;
            json_to_py(py, &value)
        })
    }

    /// Downloads `url` (absolute, or a path of the API); credentials go only to the API's origin.
    fn download<'py>(&self, py: Python<'py>, url: String) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let api = self.engine.api(py)?;
            let bytes = block_on(py, async move { api.download(&url).await }, client_error)?;
            Ok(PyBytes::new(py, &bytes))
        })
    }

    /// The profile this client speaks.
    #[getter]
    fn profile(&self) -> Profile {
        Profile { inner: self.engine.profile.clone() }
    }

    /// The base URL in use (the option, `<NAME>_BASE_URL`, or the profile's server).
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.engine.api(py)?.base_url().to_owned())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Api(profile={:?}, base_url={:?})", self.engine.profile.name, self.base_url(py)?))
    }
}

/// Waits on `op`, calling `on_progress` with the GIL held; the engine's error comes first, then
/// the first exception the callback raised.
async fn wait(
    api: CoreApi,
    op: String,
    args: Map<String, Value>,
    timeout: Duration,
    on_progress: Option<Py<PyAny>>,
) -> Result<PyResult<Value>, CoreError> {
    let mut raised: Option<PyErr> = None;
    let mut report = |object: &Value| {
        if let Some(callback) = &on_progress {
            Python::attach(|py| {
                if let Err(e) = json_to_py(py, object).and_then(|o| callback.call1(py, (o,))) {
                    raised.get_or_insert(e);
                }
            });
        }
    };
    let value = api.wait(&op, &args, timeout, Some(&mut report)).await?;
    Ok(raised.map_or(Ok(value), Err))
}

/// The next item of `pages`, or `None` at the end (the stream is dropped after its end or an error).
async fn next_item(pages: &tokio::sync::Mutex<Option<ItemStream>>) -> Result<Option<Value>, CoreError> {
    let mut slot = pages.lock().await;
    let Some(stream) = slot.as_mut() else { return Ok(None) };
    let next = stream.next().await.transpose();
    if !matches!(next, Ok(Some(_))) {
        *slot = None;
    }
    next
}

/// The items of a paginated listing (`for item in api.paginate(...)`).
#[pyclass(module = "hookwise._native", frozen)]
pub struct Items {
    pages: Pages,
}

#[pymethods]
impl Items {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(|| match block_on(py, next_item(&self.pages), client_error)? {
            Some(item) => Ok(Some(json_to_py(py, &item)?)),
            None => Ok(None),
        })
    }
}

/// An engine answer on its way to asyncio: it becomes Python data, or is raised, when the
/// awaitable resolves (with the GIL held).
enum Answer {
    Json(Value),
    Bytes(Vec<u8>),
    Failed(CoreError),
    End,
}

impl<'py> IntoPyObject<'py> for Answer {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Answer::Json(value) => json_to_py(py, &value),
            Answer::Bytes(bytes) => Ok(PyBytes::new(py, &bytes).into_any()),
            Answer::Failed(e) => Err(client_error(py, &e)),
            Answer::End => Err(PyStopAsyncIteration::new_err(())),
        }
    }
}

/// The engine for asyncio, sharing an `Api`'s client: each method returns an awaitable of the
/// core's future on the binding's runtime (no thread pool). `hookwise.AsyncApi` wraps it.
#[pyclass(module = "hookwise._native", frozen)]
pub struct NativeAsyncApi {
    engine: Arc<Engine>,
}

#[pymethods]
impl NativeAsyncApi {
    #[new]
    fn new(api: &Api) -> Self {
        NativeAsyncApi { engine: api.engine.clone() }
    }

    /// An awaitable of `Api.call`.
    #[pyo3(signature = (op, args = None))]
    fn call<'py>(&self, py: Python<'py>, op: String, args: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let (api, args) = (self.engine.api(py)?, arguments(args)?);
            awaitable(py, async move { Ok(api.call(&op, &args).await.map_or_else(Answer::Failed, Answer::Json)) })
        })
    }

    /// An async iterator over every item of every page of list operation `op` (`first_page`
    /// as for `Api.paginate`).
    #[pyo3(signature = (op, args = None, *, first_page = None))]
    fn paginate(
        &self,
        py: Python<'_>,
        op: &str,
        args: Option<&Bound<'_, PyDict>>,
        first_page: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<AsyncItems> {
        guard(|| Ok(AsyncItems { pages: self.engine.pages(py, op, args, first_page)? }))
    }

    /// An awaitable of `Api.wait`; `on_progress` is called with the GIL held, from a runtime thread.
    #[pyo3(signature = (op, args = None, *, timeout, on_progress = None))]
    fn wait<'py>(
        &self,
        py: Python<'py>,
        op: String,
        args: Option<&Bound<'py, PyDict>>,
        timeout: f64,
        on_progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let (api, args, timeout) = (self.engine.api(py)?, arguments(args)?, seconds("timeout", timeout)?);
            awaitable(py, async move {
                match wait(api, op, args, timeout, on_progress).await {
                    Ok(outcome) => outcome.map(Answer::Json),
                    Err(e) => Ok(Answer::Failed(e)),
                }
            })
        })
    }

    /// An awaitable of `Api.download`.
    fn download<'py>(&self, py: Python<'py>, url: String) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let api = self.engine.api(py)?;
            awaitable(py, async move { Ok(api.download(&url).await.map_or_else(Answer::Failed, Answer::Bytes)) })
        })
    }
}

/// The items of a paginated listing for asyncio (`async for item in api.paginate(...)`).
#[pyclass(module = "hookwise._native", frozen)]
pub struct AsyncItems {
    pages: Pages,
}

#[pymethods]
impl AsyncItems {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pages = self.pages.clone();
        guard(|| {
            awaitable(py, async move {
                Ok(match next_item(&pages).await {
                    Ok(Some(item)) => Answer::Json(item),
                    Ok(None) => Answer::End,
                    Err(e) => Answer::Failed(e),
                })
            })
        })
    }
}
