//! The exception hierarchy and the one place core errors become Python exceptions.
//!
//! ```text
//! HookwiseError(Exception)
//! ├── WebhookSignatureError          .code: one of the nine verification codes
//! ├── ApiError                       .status .code .message .trace_id .body
//! │   ├── AuthenticationError (401)  PermissionDeniedError (403)  NotFoundError (404)
//! │   ├── ConflictError (409)  UnprocessableEntityError (422)  RateLimitError (429)
//! │   └── ServerError (5xx)
//! ├── InvalidArgumentError           refused before sending (unknown argument, no credentials)
//! ├── InvalidResponseError           an answer that cannot be read
//! ├── ProfileError(HookwiseError, ValueError)   .code: invalid_profile | unsupported_profile
//! ├── ConnectionError(HookwiseError, builtins.ConnectionError)
//! └── TimeoutError(HookwiseError, builtins.TimeoutError)
//! ```

use hookwise::api::{Error as ClientError, ErrorKind as ClientErrorKind, ProfileError};
use hookwise::webhook::Error as WebhookError;
use pyo3::exceptions::{PyConnectionError, PyException, PyTimeoutError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::convert::json_to_py;

pyo3::create_exception!(hookwise, HookwiseError, PyException, "Base class of every hookwise error.");
pyo3::create_exception!(
    hookwise,
    WebhookSignatureError,
    HookwiseError,
    "A webhook failed verification; `.code` says why (`signature_mismatch`, …)."
);
pyo3::create_exception!(
    hookwise,
    ApiError,
    HookwiseError,
    "The API answered with an error: `.status`, `.code`, `.message`, `.trace_id`."
);
pyo3::create_exception!(hookwise, AuthenticationError, ApiError, "401: the API key is missing or wrong.");
pyo3::create_exception!(hookwise, PermissionDeniedError, ApiError, "403: the credentials may not do this.");
pyo3::create_exception!(hookwise, NotFoundError, ApiError, "404: no such object.");
pyo3::create_exception!(hookwise, UnprocessableEntityError, ApiError, "422: understood but refused.");
pyo3::create_exception!(
    hookwise,
    InvalidArgumentError,
    HookwiseError,
    "A call refused before anything was sent: unknown operation or argument, missing argument or credentials."
);
pyo3::create_exception!(hookwise, InvalidResponseError, HookwiseError, "The API's answer could not be read.");
pyo3::create_exception!(hookwise, ConflictError, ApiError, "409: idempotency key reused, job not finished, …");
pyo3::create_exception!(hookwise, RateLimitError, ApiError, "429: too many requests.");
pyo3::create_exception!(hookwise, ServerError, ApiError, "5xx: the server failed.");

/// `ConnectionError`, `TimeoutError` and `ProfileError` also subclass the builtins, so `except
/// ConnectionError` (or `ValueError`) written for the standard library catches ours too. Made
/// once, at module initialisation.
static CONNECTION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEOUT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static PROFILE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn subclass<'py>(py: Python<'py>, name: &str, builtin: Bound<'py, PyType>, doc: &str) -> PyResult<Bound<'py, PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__doc__", doc)?;
    namespace.set_item("__module__", "hookwise")?;
    let bases = PyTuple::new(py, [py.get_type::<HookwiseError>(), builtin])?;
    Ok(py.get_type::<PyType>().call1((name, bases, namespace))?.cast_into::<PyType>()?)
}

/// Adds every exception class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("HookwiseError", py.get_type::<HookwiseError>())?;
    m.add("WebhookSignatureError", py.get_type::<WebhookSignatureError>())?;
    m.add("ApiError", py.get_type::<ApiError>())?;
    m.add("AuthenticationError", py.get_type::<AuthenticationError>())?;
    m.add("PermissionDeniedError", py.get_type::<PermissionDeniedError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("UnprocessableEntityError", py.get_type::<UnprocessableEntityError>())?;
    m.add("InvalidArgumentError", py.get_type::<InvalidArgumentError>())?;
    m.add("InvalidResponseError", py.get_type::<InvalidResponseError>())?;
    m.add("ConflictError", py.get_type::<ConflictError>())?;
    m.add("RateLimitError", py.get_type::<RateLimitError>())?;
    m.add("ServerError", py.get_type::<ServerError>())?;
    let connection = CONNECTION_ERROR.get_or_try_init(py, || {
        subclass(py, "ConnectionError", py.get_type::<PyConnectionError>(), "The connection to the API failed.")
            .map(Bound::unbind)
    })?;
    let timeout = TIMEOUT_ERROR.get_or_try_init(py, || {
        subclass(py, "TimeoutError", py.get_type::<PyTimeoutError>(), "A request, or a wait, took too long.")
            .map(Bound::unbind)
    })?;
    let profile = PROFILE_ERROR.get_or_try_init(py, || {
        subclass(
            py,
            "ProfileError",
            py.get_type::<PyValueError>(),
            "A profile that cannot be used: `.code` (`invalid_profile`, `unsupported_profile`) and `.pointer`.",
        )
        .map(Bound::unbind)
    })?;
    m.add("ConnectionError", connection.bind(py))?;
    m.add("TimeoutError", timeout.bind(py))?;
    m.add("ProfileError", profile.bind(py))?;
    Ok(())
}

fn raise(py: Python<'_>, class: Bound<'_, PyType>, message: &str, attrs: &[(&str, Py<PyAny>)]) -> PyErr {
    let err = PyErr::from_type(class, message.to_owned());
    let value = err.value(py);
    for (name, attr) in attrs {
        // Setting an attribute on a fresh exception instance cannot fail.
        let _ = value.setattr(*name, attr);
    }
    err
}

/// A verification error as `WebhookSignatureError` with `.code`.
pub fn webhook_error(py: Python<'_>, e: &WebhookError) -> PyErr {
    // Every kind, and any a later core adds, is a signature error to Python, told apart by `.code`.
    let class = py.get_type::<WebhookSignatureError>();
    let code = e.code().into_pyobject(py).map(|c| c.into_any().unbind());
    let message = e.message().into_pyobject(py).map(|c| c.into_any().unbind());
    match (code, message) {
        (Ok(code), Ok(message)) => raise(py, class, e.message(), &[("code", code), ("message", message)]),
        _ => raise(py, class, e.message(), &[]),
    }
}

/// A client or engine error as the matching `ApiError` subclass, `InvalidArgumentError`,
/// `InvalidResponseError`, `ConnectionError` or `TimeoutError`, with `.status`, `.code`,
/// `.message`, `.trace_id` and `.body` (the error body as Python data, or `None`).
pub fn client_error(py: Python<'_>, e: &ClientError) -> PyErr {
    let class = match e.kind() {
        ClientErrorKind::Authentication => py.get_type::<AuthenticationError>(),
        ClientErrorKind::PermissionDenied => py.get_type::<PermissionDeniedError>(),
        ClientErrorKind::NotFound => py.get_type::<NotFoundError>(),
        ClientErrorKind::UnprocessableEntity => py.get_type::<UnprocessableEntityError>(),
        ClientErrorKind::InvalidArgument => py.get_type::<InvalidArgumentError>(),
        ClientErrorKind::InvalidResponse => py.get_type::<InvalidResponseError>(),
        ClientErrorKind::Conflict => py.get_type::<ConflictError>(),
        ClientErrorKind::RateLimit => py.get_type::<RateLimitError>(),
        ClientErrorKind::Server => py.get_type::<ServerError>(),
        ClientErrorKind::Api => py.get_type::<ApiError>(),
        ClientErrorKind::Connection => {
            CONNECTION_ERROR.get(py).map_or_else(|| py.get_type::<HookwiseError>(), |t| t.bind(py).clone())
        }
        ClientErrorKind::Timeout => {
            TIMEOUT_ERROR.get(py).map_or_else(|| py.get_type::<HookwiseError>(), |t| t.bind(py).clone())
        }
        // A kind a later core adds: the base class, with its own `.code`.
        _ => py.get_type::<HookwiseError>(),
    };
    let attrs = [
        ("status", e.status().into_pyobject(py).map(|v| v.into_any().unbind())),
        ("code", e.code().into_pyobject(py).map(|v| v.into_any().unbind())),
        ("message", e.message().into_pyobject(py).map(|v| v.into_any().unbind())),
        ("trace_id", e.trace_id().into_pyobject(py).map(|v| v.into_any().unbind())),
    ];
    let mut attrs: Vec<(&str, Py<PyAny>)> = attrs.into_iter().filter_map(|(k, v)| v.ok().map(|v| (k, v))).collect();
    // The error body as Python data (`None` when the API sent none that parses).
    let body = e.body().and_then(|b| json_to_py(py, b).ok()).map_or_else(|| py.None(), Bound::unbind);
    attrs.push(("body", body));
    raise(py, class, &e.to_string(), &attrs)
}

/// A profile refusal as `ProfileError` with `.code` and `.pointer`.
pub fn profile_error(py: Python<'_>, e: &ProfileError) -> PyErr {
    let class = PROFILE_ERROR.get(py).map_or_else(|| py.get_type::<HookwiseError>(), |t| t.bind(py).clone());
    let attrs = [
        ("code", e.code().into_pyobject(py).map(|v| v.into_any().unbind())),
        ("pointer", e.pointer().into_pyobject(py).map(|v| v.into_any().unbind())),
    ];
    let attrs: Vec<(&str, Py<PyAny>)> = attrs.into_iter().filter_map(|(k, v)| v.ok().map(|v| (k, v))).collect();
    raise(py, class, &e.to_string(), &attrs)
}

/// A Rust panic, as a `HookwiseError` (pyo3's own `PanicException` escapes `except Exception`).
pub fn panic_error(payload: &(dyn std::any::Any + Send)) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    HookwiseError::new_err(format!("internal error in hookwise (a bug; please report it): {what}"))
}
