//! JSON straight into Python objects, in the core's one pass (`hookwise::json::parse_with`), with
//! exactly the values `json.loads` gives: integers of any size, floats as Python reads them,
//! `NaN`/`Infinity`, lone surrogates, duplicate keys last-wins in the first position. Keys and
//! short string values are made once and shared, as pydantic's `jiter` does by default (CPython's
//! own scanner shares keys), found again through a direct-mapped cache that, like orjson's key
//! cache, lives as long as the process (the next event's keys are this one's, already made and
//! hashed): a slot per string by its [`Fingerprint`] (its length and its first and last eight
//! bytes, which are the whole of a string of up to 16 bytes), so a hit costs two compares and no
//! hashing of the whole string, and a miss next to nothing. Two strings that share a slot each
//! evict the other and are made again, which changes nothing but the time.

use std::borrow::Cow;
use std::sync::{Mutex, TryLockError};
use std::vec::Drain;

use hookwise::json::{float_value, parse_with, small_int_value, Build, Node};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyList, PyString};
use pyo3::IntoPyObjectExt as _;

/// Strings longer than this are not shared (they rarely repeat).
const MAX_SHARED: usize = 64;

/// Slots in the string cache (a power of two).
const SLOTS: usize = 256;

/// The string cache: keys and short values (valid UTF-8 only), by [`Fingerprint::slot`].
type Shared = [Option<(Fingerprint, Py<PyString>)>; SLOTS];

/// The process's string cache. A parse that finds it in use (another thread's, which can only
/// be running while that one waits for the GIL) makes a cache of its own rather than wait.
static SHARED: Mutex<Shared> = Mutex::new([const { None }; SLOTS]);

/// `json.loads(input)`, built in one pass. The input is already known to be JSON (verified), but
/// a `SyntaxError` is still reported, as `ValueError`.
pub fn loads<'py>(py: Python<'py>, input: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    // A poisoned cache is still whole (a slot is only ever replaced whole).
    let mut held = match SHARED.try_lock() {
        Ok(cache) => Some(cache),
        Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    };
    let mut own = None;
    let shared = match held.as_deref_mut() {
        Some(shared) => shared,
        None => own.insert([const { None }; SLOTS]),
    };
    let text = simdutf8::basic::from_utf8(input).unwrap_or_default();
    let mut builder = Builder { py, text, shared, error: None };
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
    /// The string cache.
    shared: &'i mut Shared,
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

    /// A `str` from generalized UTF-8: valid UTF-8 (shared through the cache when it is short),
    /// or with lone surrogates, which Python's `surrogatepass` decodes as `json.loads` keeps them.
    fn string(&mut self, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
        let start = bytes.as_ptr().addr().wrapping_sub(self.text.as_ptr().addr());
        let sliced = start.checked_add(bytes.len()).and_then(|end| self.text.get(start..end));
        let Ok(text) = sliced.map_or_else(|| std::str::from_utf8(bytes), Ok) else {
            return PyBytes::new(self.py, bytes)
                .call_method1("decode", ("utf-8", "surrogatepass"))?
                .cast_into()
                .map_err(Into::into);
        };
        if text.len() > MAX_SHARED {
            return Ok(PyString::new(self.py, text));
        }
        let print = Fingerprint::of(text.as_bytes());
        let slot = &mut self.shared[print.slot()];
        let py = self.py;
        let hit = |(held, made): &(Fingerprint, Py<PyString>)| {
            *held == print && (text.len() <= 16 || made.bind(py).to_str().is_ok_and(|s| s == text))
        };
        if let Some((_, made)) = slot.as_ref().filter(|held| hit(held)) {
            return Ok(made.bind(py).clone());
        }
        let made = PyString::new(py, text);
        *slot = Some((print, made.clone().unbind()));
        Ok(made)
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
    type Key = Bound<'py, PyString>;

    fn scalar(&mut self, node: Node<'_>) -> Bound<'py, PyAny> {
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

    fn key(&mut self, key: Cow<'a, [u8]>) -> Bound<'py, PyString> {
        self.string(&key).unwrap_or_else(|e| {
            self.error.get_or_insert(e);
            PyString::new(self.py, "")
        })
    }

    fn array(&mut self, items: Drain<'_, Bound<'py, PyAny>>) -> Bound<'py, PyAny> {
        let made = PyList::new(self.py, items).map(Bound::into_any);
        self.keep(made)
    }

    fn object(&mut self, members: Drain<'_, (Bound<'py, PyString>, Bound<'py, PyAny>)>) -> Bound<'py, PyAny> {
        let dict = PyDict::new(self.py);
        for (key, value) in members {
            if let Err(e) = dict.set_item(key, value) {
                self.error.get_or_insert(e);
            }
        }
        dict.into_any()
    }
}

/// A string's length and its first and last eight bytes (overlapping; a string under eight bytes
/// is read whole into both): equal fingerprints are equal strings up to 16 bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    len: usize,
    head: u64,
    tail: u64,
}

impl Fingerprint {
    fn of(bytes: &[u8]) -> Fingerprint {
        let len = bytes.len();
        let word = |at: usize| bytes.get(at..).and_then(<[u8]>::first_chunk::<8>).map(|w| u64::from_le_bytes(*w));
        let (head, tail) = if let (Some(head), Some(tail)) = (word(0), len.checked_sub(8).and_then(word)) {
            (head, tail)
        } else {
            let word = bytes.iter().rev().fold(0, |word, &b| word << 8 | u64::from(b));
            (word, word)
        };
        Fingerprint { len, head, tail }
    }

    /// Its slot in the cache: the words mixed by a multiplication, the top bits taken.
    fn slot(self) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(29) ^ self.len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        usize::try_from(mixed >> (64 - SLOTS.trailing_zeros())).unwrap_or_default()
    }
}
