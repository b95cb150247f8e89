//! JSON straight into Python objects, in the core's one pass (`hookwise::json::parse_with`), with
//! exactly the values `json.loads` gives: integers of any size, floats as Python reads them,
//! `NaN`/`Infinity`, lone surrogates, duplicate keys last-wins in the first position. Object keys
//! are built once and shared (as orjson and CPython's own scanner do), found again through a
//! direct-mapped cache as orjson's is: a slot per key by its length and a few of its bytes, so a
//! hit costs one short comparison and no hashing of the whole key. Two keys that share a slot
//! each evict the other and are made again, which changes nothing but the time. The parser
//! carries a key as its index in the builder's table, so sharing costs no reference counting.

use std::borrow::Cow;
use std::vec::Drain;

use hookwise::json::{float_value, parse_with, small_int_value, Build, Node};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyList, PyString};
use pyo3::IntoPyObjectExt as _;

/// Keys longer than this are not shared (they rarely repeat).
const MAX_CACHED_KEY: usize = 64;

/// Slots in the key cache (a power of two).
const KEY_SLOTS: usize = 128;

/// `json.loads(input)`, built in one pass. The input is already known to be JSON (verified), but
/// a `SyntaxError` is still reported, as `ValueError`.
pub fn loads<'py>(py: Python<'py>, input: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let text = simdutf8::basic::from_utf8(input).unwrap_or_default();
    let mut builder = Builder { py, text, slots: [None; KEY_SLOTS], keys: Vec::new(), error: None };
    let value = parse_with(input, &mut builder)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("invalid JSON: {e}")))?;
    match builder.error {
        Some(e) => Err(e),
        None => Ok(value),
    }
}

struct Builder<'py, 'i> {
    py: Python<'py>,
    /// The input as text, checked once (empty when it is not strict UTF-8): a string the parser
    /// hands over as it stands in the input is then sliced from it, not checked again.
    text: &'i str,
    /// The key cache: an index in `keys`, by [`slot`].
    slots: [Option<u32>; KEY_SLOTS],
    /// Every key made so far, with its bytes when it is in the cache.
    keys: Vec<(Bound<'py, PyString>, Box<[u8]>)>,
    /// The first failure to make an object (out of memory, …): the parse finishes with `None`s
    /// in its place and this is raised.
    error: Option<PyErr>,
}

impl<'py> Builder<'py, '_> {
    fn keep(&mut self, made: PyResult<Bound<'py, PyAny>>) -> Bound<'py, PyAny> {
        made.unwrap_or_else(|e| {
            self.error.get_or_insert(e);
            self.py.None().into_bound(self.py)
        })
    }

    /// A `str` from generalized UTF-8: valid UTF-8, or with lone surrogates, which Python's
    /// `surrogatepass` decodes as `json.loads` keeps them.
    fn string(&self, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
        let start = bytes.as_ptr().addr().wrapping_sub(self.text.as_ptr().addr());
        let sliced = start.checked_add(bytes.len()).and_then(|end| self.text.get(start..end));
        match sliced.map_or_else(|| std::str::from_utf8(bytes), Ok) {
            Ok(text) => Ok(PyString::new(self.py, text)),
            Err(_) => PyBytes::new(self.py, bytes)
                .call_method1("decode", ("utf-8", "surrogatepass"))?
                .cast_into()
                .map_err(Into::into),
        }
    }

    fn int(&self, digits: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        static INT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        if let Some(n) = small_int_value(digits) {
            return n.into_bound_py_any(self.py);
        }
        let text = std::str::from_utf8(digits).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        INT.import(self.py, "builtins", "int")?.call1((text,))
    }
}

impl<'a, 'py> Build<'a> for Builder<'py, '_> {
    type Value = Bound<'py, PyAny>;
    type Key = usize;

    fn scalar(&mut self, node: Node<'a>) -> Bound<'py, PyAny> {
        let py = self.py;
        let made = match node {
            Node::Null => Ok(py.None().into_bound(py)),
            Node::Bool(b) => b.into_bound_py_any(py),
            Node::NaN => Ok(PyFloat::new(py, f64::NAN).into_any()),
            Node::Infinity => Ok(PyFloat::new(py, f64::INFINITY).into_any()),
            Node::NegInfinity => Ok(PyFloat::new(py, f64::NEG_INFINITY).into_any()),
            Node::Int(digits) => self.int(digits),
            Node::Float(text) => Ok(PyFloat::new(py, float_value(text)).into_any()),
            Node::Str(text) => self.string(&text).map(Bound::into_any),
        };
        self.keep(made)
    }

    fn key(&mut self, key: Cow<'a, [u8]>) -> usize {
        let slot = (key.len() <= MAX_CACHED_KEY).then(|| slot(&key));
        if let Some(index) = slot.and_then(|slot| self.slots[slot]).map(|i| i as usize) {
            if *self.keys[index].1 == *key {
                return index;
            }
        }
        let made = self.string(&key).unwrap_or_else(|e| {
            self.error.get_or_insert(e);
            PyString::new(self.py, "")
        });
        let index = self.keys.len();
        // Only a cached key's bytes are compared again, so only they are kept.
        let bytes = match slot.zip(u32::try_from(index).ok()) {
            Some((slot, cached)) => {
                self.slots[slot] = Some(cached);
                key.into_owned().into_boxed_slice()
            }
            None => Box::default(),
        };
        self.keys.push((made, bytes));
        index
    }

    fn array(&mut self, items: Drain<'_, Bound<'py, PyAny>>) -> Bound<'py, PyAny> {
        let made = PyList::new(self.py, items).map(Bound::into_any);
        self.keep(made)
    }

    fn object(&mut self, members: Drain<'_, (usize, Bound<'py, PyAny>)>) -> Bound<'py, PyAny> {
        let dict = PyDict::new(self.py);
        for (key, value) in members {
            if let Err(e) = dict.set_item(&self.keys[key].0, value) {
                self.error.get_or_insert(e);
            }
        }
        dict.into_any()
    }
}

/// A key's slot in the cache: its length and its first, middle and last bytes, mixed.
fn slot(key: &[u8]) -> usize {
    let byte = |i: usize| key.get(i).map_or(0, |&b| usize::from(b));
    let len = key.len();
    let mixed = len.wrapping_mul(0x9E37) ^ byte(0) ^ byte(len / 2) << 3 ^ byte(len.wrapping_sub(1)) << 5;
    (mixed ^ mixed >> 8) & (KEY_SLOTS - 1)
}
