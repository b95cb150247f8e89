//! The one helper every entry point goes through: no panic crosses into Python, blocking work
//! releases the GIL, and async work runs on a per-process tokio runtime rebuilt after `fork()`.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;

use crate::errors::{panic_error, HookwiseError};

/// Runs `f`, turning a panic into `HookwiseError`.
pub fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(panic_error(payload.as_ref())))
}

/// The runtime of this process. A child made by `fork()` inherits the parent's runtime object
/// but not its threads, so the runtime is keyed by process id and rebuilt in the child.
fn runtime() -> PyResult<Arc<tokio::runtime::Runtime>> {
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
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("hookwise")
            .enable_all()
            .build()
            .map_err(|e| HookwiseError::new_err(format!("cannot start the I/O runtime: {e}")))?,
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
