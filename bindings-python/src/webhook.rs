//! `Webhook`, `Event` and `canonicalize`: verification, signing and canonical JSON.

use std::borrow::Cow;

use hookwise::webhook::{Scheme, Webhook as CoreWebhook};
use hookwise::Event as CoreEvent;
use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyMapping, PyString};
use pyo3::IntoPyObjectExt as _;

use crate::call::guard;
use crate::convert::{py_to_json, value_to_py};
use crate::errors::webhook_error;

/// A webhook body as bytes: `bytes` and `str` (as UTF-8) borrowed where they are, a
/// `bytearray` or `memoryview` copied (its owner may change it meanwhile). A parsed object is
/// refused: signatures cover the exact bytes received.
fn payload_bytes<'a>(payload: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(bytes) = payload.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(bytes.as_bytes()));
    }
    if let Ok(text) = payload.cast::<PyString>() {
        return Ok(Cow::Borrowed(text.to_str()?.as_bytes()));
    }
    if let Ok(bytes) = payload.extract::<Vec<u8>>() {
        if !payload.is_instance_of::<pyo3::types::PyList>() {
            return Ok(Cow::Owned(bytes));
        }
    }
    Err(PyTypeError::new_err(format!(
        "payload must be the raw request body as bytes (or str), not {}: the signature covers the exact bytes \
         received, so pass request.get_data() in Flask or request.body in Django, before any JSON parsing",
        payload.get_type().name()?
    )))
}

/// The headers named in `wanted` (lower-case: the ones the scheme reads) from any mapping
/// (`dict`, Flask's `request.headers`, …) or list of pairs. Only these are converted: a request
/// carries many more.
fn header_pairs(headers: &Bound<'_, PyAny>, wanted: &[String]) -> PyResult<Vec<(String, String)>> {
    let items = if let Ok(mapping) = headers.cast::<PyMapping>() {
        mapping.items()?.into_any()
    } else if headers.hasattr("items")? {
        headers.call_method0("items")?
    } else {
        headers.clone()
    };
    let mut pairs = Vec::with_capacity(wanted.len());
    for item in items.try_iter()? {
        let (name, value) = item?.extract::<(Bound<'_, PyString>, Bound<'_, PyAny>)>()?;
        let name = name.to_str()?;
        if wanted.iter().any(|w| w.eq_ignore_ascii_case(name)) {
            pairs.push((name.to_owned(), value.extract::<String>()?));
        }
    }
    Ok(pairs)
}

fn secrets(secret: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(one) = secret.extract::<String>() {
        return Ok(vec![one]);
    }
    secret.extract::<Vec<String>>().map_err(|_| PyTypeError::new_err("secret must be a str or a list of str"))
}

/// A preset name (`str`), a custom scheme (`dict`), or `None`: resolved by core.
fn scheme(py: Python<'_>, scheme: Option<&Bound<'_, PyAny>>) -> PyResult<Scheme> {
    let spec = match scheme {
        None => None,
        Some(s) if s.is_none() || s.is_instance_of::<PyString>() || s.is_instance_of::<PyDict>() => {
            Some(py_to_json(s)?)
        }
        Some(_) => {
            return Err(PyTypeError::new_err("scheme must be a preset name (str) or a scheme description (dict)"))
        }
    };
    Scheme::resolve(spec.as_ref()).map_err(|e| webhook_error(py, &e))
}

/// Verifies (and signs) webhooks for one scheme and one or more secrets.
///
/// `Webhook(secret, scheme="standard", tolerance=None, max_payload_bytes=None)`: `secret` is a
/// str or a list of str (rotation: any one verifies); `scheme` a preset name or a dict describing
/// a custom scheme.
#[pyclass(module = "hookwise", name = "Webhook", frozen)]
pub struct Webhook {
    inner: CoreWebhook,
    /// The headers the scheme reads, lower-cased.
    header_names: Vec<String>,
}

#[pymethods]
impl Webhook {
    #[new]
    #[pyo3(signature = (secret, scheme = None, tolerance = None, max_payload_bytes = None))]
    fn new(
        py: Python<'_>,
        secret: &Bound<'_, PyAny>,
        scheme: Option<&Bound<'_, PyAny>>,
        tolerance: Option<u64>,
        max_payload_bytes: Option<usize>,
    ) -> PyResult<Self> {
        guard(|| {
            let mut inner =
                CoreWebhook::new(self::scheme(py, scheme)?, secrets(secret)?).map_err(|e| webhook_error(py, &e))?;
            if let Some(t) = tolerance {
                inner = inner.with_tolerance(t);
            }
            if let Some(m) = max_payload_bytes {
                inner = inner.with_max_payload_bytes(m);
            }
            Ok(Webhook { header_names: inner.scheme().header_names(), inner })
        })
    }

    /// Verifies `payload` (the raw body) against `headers`; returns the `Event` or raises
    /// `WebhookSignatureError` with `.code`. `now` pins the clock (unix seconds).
    #[pyo3(signature = (payload, headers, *, now = None))]
    fn verify(
        &self,
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<i64>,
    ) -> PyResult<Event> {
        guard(|| {
            let body = payload_bytes(payload)?;
            let pairs = header_pairs(headers, &self.header_names)?;
            self.inner.verify_at(&body, &pairs, now).map(Event::new).map_err(|e| webhook_error(py, &e))
        })
    }

    /// The headers a sender attaches to `payload` (`dict[str, str]`).
    #[pyo3(signature = (payload, *, id = None, timestamp = None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        payload: &Bound<'py, PyAny>,
        id: Option<&str>,
        timestamp: Option<i64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(|| {
            let headers =
                self.inner.sign(&payload_bytes(payload)?, id, timestamp).map_err(|e| webhook_error(py, &e))?;
            let dict = PyDict::new(py);
            for (k, v) in headers {
                dict.set_item(k, v)?;
            }
            Ok(dict)
        })
    }

    /// Stripe-style: verifies with the signature header's value alone.
    #[staticmethod]
    #[pyo3(signature = (payload, signature_header, secret, *, scheme = None, tolerance = None, now = None))]
    fn construct_event(
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        signature_header: &str,
        secret: &Bound<'_, PyAny>,
        scheme: Option<&Bound<'_, PyAny>>,
        tolerance: Option<u64>,
        now: Option<i64>,
    ) -> PyResult<Event> {
        let hook = Webhook::new(py, secret, scheme, tolerance, None)?;
        guard(|| {
            let body = payload_bytes(payload)?;
            hook.inner
                .construct_event_at(&body, signature_header, now)
                .map(Event::new)
                .map_err(|e| webhook_error(py, &e))
        })
    }

    /// The scheme's name.
    #[getter]
    fn scheme(&self) -> &str {
        &self.inner.scheme().name
    }

    /// The largest body accepted, in bytes: where a receiver reading a request may stop.
    #[getter]
    fn max_payload_bytes(&self) -> usize {
        self.inner.max_payload_bytes()
    }

    fn __repr__(&self) -> String {
        format!("Webhook(scheme={:?})", self.inner.scheme().name)
    }
}

/// A verified webhook, normalized across providers. `data` and `payload` are parsed on first
/// use (then kept): a view that needs only the verdict, `type` or `id` never pays for them.
#[pyclass(module = "hookwise", name = "Event", frozen)]
pub struct Event {
    inner: CoreEvent,
    payload: PyOnceLock<Py<PyAny>>,
}

impl Event {
    fn new(inner: CoreEvent) -> Event {
        Event { inner, payload: PyOnceLock::new() }
    }

    /// The payload as Python objects, built in one pass over the verified body with exactly the
    /// values `json.loads` gives (see `pyjson`), then kept.
    fn payload_object<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyAny>> {
        self.payload
            .get_or_try_init(py, || crate::pyjson::loads(py, self.inner.body()).map(Bound::unbind))
            .map(|p| p.bind(py))
    }
}

#[pymethods]
impl Event {
    /// The event (or delivery) id.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id.as_deref()
    }

    /// The event type.
    #[getter]
    fn r#type(&self) -> Option<&str> {
        self.inner.event_type.as_deref()
    }

    /// When the event was created (RFC 3339).
    #[getter]
    fn created_at(&self) -> Option<&str> {
        self.inner.created_at.as_deref()
    }

    /// The event's data (parsed JSON): the envelope's data field, or the whole payload.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.inner.data_field() {
            Some("") => self.payload_object(py).cloned(),
            Some(field) => self.payload_object(py)?.get_item(field),
            None => value_to_py(py, self.inner.data()),
        }
    }

    /// The whole parsed body.
    #[getter]
    fn payload<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.payload_object(py).cloned()
    }

    /// The scheme that verified it.
    #[getter]
    fn scheme(&self) -> &str {
        &self.inner.scheme
    }

    /// The fields (`"id"`, `"type"`, `"created_at"`, `"data"`) read from headers the signature
    /// does not cover (GitHub's and Shopify's id and type, …): whoever replays a signed body can
    /// set them. Empty when every field is signed.
    #[getter]
    fn unsigned_fields(&self) -> Vec<&'static str> {
        self.inner.unsigned_fields().to_vec()
    }

    /// `event["type"]`, `event["data"]`, …: the same fields as the attributes, for code written
    /// against providers whose SDKs return dicts (Stripe's, Auggie's documented snippets).
    fn __getitem__<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        match key {
            "id" => self.id().into_bound_py_any(py),
            "type" => self.r#type().into_bound_py_any(py),
            "created_at" => self.created_at().into_bound_py_any(py),
            "data" => self.data(py),
            "payload" => self.payload(py),
            "scheme" => self.scheme().into_bound_py_any(py),
            other => Err(PyKeyError::new_err(other.to_owned())),
        }
    }

    /// The event as a dict (`id`, `type`, `created_at`, `data`, `payload`, `scheme`,
    /// `unsigned_fields`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("id", self.id())?;
        dict.set_item("type", self.r#type())?;
        dict.set_item("created_at", self.created_at())?;
        dict.set_item("data", self.data(py)?)?;
        dict.set_item("payload", self.payload(py)?)?;
        dict.set_item("scheme", self.scheme())?;
        dict.set_item("unsigned_fields", self.unsigned_fields())?;
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        let show = |v: &Option<String>| v.as_ref().map_or_else(|| "None".to_owned(), |s| format!("{s:?}"));
        format!(
            "Event(id={}, type={}, created_at={}, scheme={:?})",
            show(&self.inner.id),
            show(&self.inner.event_type),
            show(&self.inner.created_at),
            self.inner.scheme
        )
    }
}

/// The canonical JSON of `data`: exactly CPython's
/// `json.dumps(json.loads(data), sort_keys=True, separators=(",", ":")).encode()`.
#[pyfunction]
pub fn canonicalize<'py>(py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let body = payload_bytes(data)?;
        hookwise::canonicalize(&body).map(|out| PyBytes::new(py, &out)).map_err(|e| webhook_error(py, &e.into()))
    })
}

/// The names of the shipped presets.
#[pyfunction]
pub fn presets() -> Vec<String> {
    hookwise::webhook::presets().iter().map(|s| s.name.clone()).collect()
}
