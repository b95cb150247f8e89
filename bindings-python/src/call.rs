//! The one helper every entry point goes through: no panic crosses into Python, blocking work
//! releases the GIL, and async work runs on a per-process tokio runtime rebuilt after `fork()`.
//! asyncio awaits futures on that same runtime (through `pyo3-async-runtimes`), no thread pool.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures_util::FutureExt as _;
use pyo3::prelude::*;
use pyo3_async_runtimes::generic::{self, ContextExt};
use pyo3_async_runtimes::TaskLocals;

use crate::errors::{panic_error, HookwiseError};

/// Runs `f`, turning a panic into `HookwiseError`.
pub fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(panic_error(payload.as_ref())))
}

/// The runtime of this process. A child made by `fork()` inherits the parent's runtime object
/// but not its threads, so the runtime is keyed by process id and rebuilt in the child.
fn runtime() -> PyResult<Arc<tokio::runtime::Runtime>> {
    tokio_runtime().map_err(|e| HookwiseError::new_err(format!("cannot start the I/O runtime: {e}")))
}

fn tokio_runtime() -> std::io::Result<Arc<tokio::runtime::Runtime>> {
    static RUNTIME: Mutex<Option<(u32, Arc<tokio::runtime::Runtime>)>> = Mutex::new(None);
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(rt.clone());
        }
        // The parent's runtime: its worker threads do not exist here. Leak it rather than run
        // its destructor, which would wait for threads that will never answer.
        if let Some((_, stale)) = slot.take() {
            std::mem::forget(stale);
        }
    }
    let rt = Arc::new(
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name("hookwise").enable_all().build()?,
    );
    *slot = Some((pid, rt.clone()));
    Ok(rt)
}

/// Runs `future` to completion with the GIL released; `map_err` turns its error into a Python
/// exception (with the GIL held again).
pub fn block_on<T, E, F>(py: Python<'_>, future: F, map_err: impl FnOnce(Python<'_>, &E) -> PyErr) -> PyResult<T>
where
    F: Future<Output = Result<T, E>> + Send,
    T: Send,
    E: Send,
{
    let rt = runtime()?;
    let outcome = py.detach(|| catch_unwind(AssertUnwindSafe(|| rt.block_on(future))));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(map_err(py, &e)),
        Err(payload) => Err(panic_error(payload.as_ref())),
    }
}

/// Starts `future` on the runtime and returns the asyncio awaitable of its output (`T` becomes
/// Python data when the awaitable resolves, with the GIL held); a panic becomes `HookwiseError`.
/// Cancelling the awaitable drops the future.
pub fn awaitable<'py, F, T>(py: Python<'py>, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    // Built (or rebuilt after fork) here, where its failure can be raised; `Runtime::spawn` reuses it.
    runtime()?;
    let guarded =
        async move { AssertUnwindSafe(future).catch_unwind().await.unwrap_or_else(|p| Err(panic_error(p.as_ref()))) };
    generic::future_into_py::<Runtime, _, T>(py, guarded)
}

tokio::task_local! {
    /// The event loop and context of the coroutine that started the task.
    static TASK_LOCALS: TaskLocals;
}

/// `pyo3-async-runtimes`' handle on this module's runtime.
struct Runtime;

/// Why a spawned task did not finish.
enum SpawnError {
    Join(tokio::task::JoinError),
    NoRuntime(std::io::Error),
}

impl generic::JoinError for SpawnError {
    fn is_panic(&self) -> bool {
        // A task that could not start counts as a panic, so the awaitable fails instead of hanging.
        match self {
            SpawnError::Join(e) => e.is_panic(),
            SpawnError::NoRuntime(_) => true,
        }
    }

    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        match self {
            SpawnError::Join(e) => e.into_panic(),
            SpawnError::NoRuntime(e) => Box::new(format!("cannot start the I/O runtime: {e}")),
        }
    }
}

type Task = Pin<Box<dyn Future<Output = Result<(), SpawnError>> + Send>>;

fn joined(handle: tokio::task::JoinHandle<()>) -> Task {
    Box::pin(handle.map(|outcome| outcome.map_err(SpawnError::Join)))
}

impl generic::Runtime for Runtime {
    type JoinError = SpawnError;
    type JoinHandle = Task;

    fn spawn<F>(fut: F) -> Task
    where
        F: Future<Output = ()> + Send + 'static,
    {
        match tokio_runtime() {
            Ok(rt) => joined(rt.spawn(fut)),
            Err(e) => Box::pin(std::future::ready(Err(SpawnError::NoRuntime(e)))),
        }
    }

    fn spawn_blocking<F>(f: F) -> Task
    where
        F: FnOnce() + Send + 'static,
    {
        match tokio_runtime() {
            Ok(rt) => joined(rt.spawn_blocking(f)),
            Err(e) => Box::pin(std::future::ready(Err(SpawnError::NoRuntime(e)))),
        }
    }
}

impl ContextExt for Runtime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        Box::pin(TASK_LOCALS.scope(locals, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(TaskLocals::clone).ok()
    }
}
