//! JSON straight into Python objects, in the core's one pass (`hookwise::json::parse_with`), with
//! exactly the values `json.loads` gives: integers of any size, floats as Python reads them,
//! `NaN`/`Infinity`, lone surrogates, duplicate keys last-wins in the first position. Object keys
//! are built once per distinct key and shared (as orjson and CPython's own scanner do): the
//! parser carries a key as its index in the builder's table, so sharing costs no reference
//! counting.

use std::borrow::Cow;
use std::vec::Drain;

use hookwise::json::{parse_with, Build, Node};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyList, PyString};
use pyo3::IntoPyObjectExt as _;
use rustc_hash::FxHashMap;

/// Keys longer than this are not shared (they rarely repeat).
const MAX_CACHED_KEY: usize = 64;

/// `json.loads(input)`, built in one pass. The input is already known to be JSON (verified), but
/// a `SyntaxError` is still reported, as `ValueError`.
pub fn loads<'py>(py: Python<'py>, input: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let mut builder = Builder { py, cached: FxHashMap::default(), keys: Vec::new(), error: None };
    let value = parse_with(input, &mut builder)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("invalid JSON: {e}")))?;
    match builder.error {
        Some(e) => Err(e),
        None => Ok(value),
    }
}

struct Builder<'py> {
    py: Python<'py>,
    /// Each key's index in `keys`, by its bytes (short keys only).
    cached: FxHashMap<Box<[u8]>, usize>,
    /// Every key made so far.
    keys: Vec<Bound<'py, PyString>>,
    /// The first failure to make an object (out of memory, …): the parse finishes with `None`s
    /// in its place and this is raised.
    error: Option<PyErr>,
}

impl<'py> Builder<'py> {
    fn keep(&mut self, made: PyResult<Bound<'py, PyAny>>) -> Bound<'py, PyAny> {
        made.unwrap_or_else(|e| {
            self.error.get_or_insert(e);
            self.py.None().into_bound(self.py)
        })
    }

    /// A `str` from generalized UTF-8: valid UTF-8, or with lone surrogates, which Python's
    /// `surrogatepass` decodes as `json.loads` keeps them.
    fn string(&self, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(PyString::new(self.py, text)),
            Err(_) => PyBytes::new(self.py, bytes)
                .call_method1("decode", ("utf-8", "surrogatepass"))?
                .cast_into()
                .map_err(Into::into),
        }
    }

    fn int(&self, digits: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        static INT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        // Up to 18 digits always fit an i64.
        if digits.len() <= 18 {
            if let Some(n) = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<i64>().ok()) {
                return n.into_bound_py_any(self.py);
            }
        }
        let text = std::str::from_utf8(digits).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        INT.import(self.py, "builtins", "int")?.call1((text,))
    }
}

impl<'a, 'py> Build<'a> for Builder<'py> {
    type Value = Bound<'py, PyAny>;
    type Key = usize;

    fn scalar(&mut self, node: Node<'a>) -> Bound<'py, PyAny> {
        let py = self.py;
        let made = match node {
            // The parser hands containers to `array` and `object`, never here.
            Node::Null | Node::Array(_) | Node::Object(_) => Ok(py.None().into_bound(py)),
            Node::Bool(b) => b.into_bound_py_any(py),
            Node::NaN => Ok(PyFloat::new(py, f64::NAN).into_any()),
            Node::Infinity => Ok(PyFloat::new(py, f64::INFINITY).into_any()),
            Node::NegInfinity => Ok(PyFloat::new(py, f64::NEG_INFINITY).into_any()),
            Node::Int(digits) => self.int(digits),
            Node::Float(value, _) => Ok(PyFloat::new(py, value).into_any()),
            Node::Str(text) => self.string(&text).map(Bound::into_any),
        };
        self.keep(made)
    }

    fn key(&mut self, key: Cow<'a, [u8]>) -> usize {
        if let Some(&shared) = self.cached.get(key.as_ref()) {
            return shared;
        }
        let made = self.string(&key).unwrap_or_else(|e| {
            self.error.get_or_insert(e);
            PyString::new(self.py, "")
        });
        let index = self.keys.len();
        self.keys.push(made);
        if key.len() <= MAX_CACHED_KEY {
            self.cached.insert(key.into_owned().into_boxed_slice(), index);
        }
        index
    }

    fn array(&mut self, items: Drain<'_, Bound<'py, PyAny>>) -> Bound<'py, PyAny> {
        let made = PyList::new(self.py, items).map(Bound::into_any);
        self.keep(made)
    }

    fn object(&mut self, members: Drain<'_, (usize, Bound<'py, PyAny>)>) -> Bound<'py, PyAny> {
        let dict = PyDict::new(self.py);
        for (key, value) in members {
            if let Err(e) = dict.set_item(&self.keys[key], value) {
                self.error.get_or_insert(e);
            }
        }
        dict.into_any()
    }
}
