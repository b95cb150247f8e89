//! Values between Rust and Python: JSON trees both ways.

use hookwise::json::{Number, Value};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// A parsed JSON value (exact: big integers stay exact, `NaN`/`Infinity` are floats) as the
/// Python object `json.loads` would give.
pub fn value_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(Number::Float(x)) => PyFloat::new(py, *x).into_any(),
        Value::Number(Number::Int(digits)) => match digits.parse::<i64>() {
            Ok(i) => i.into_pyobject(py)?.into_any(),
            Err(_) => py.get_type::<PyInt>().call1((digits.as_str(),))?,
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(members) => {
            let dict = PyDict::new(py);
            for (k, v) in members {
                dict.set_item(k, value_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// An API object (`serde_json::Value`) as plain Python dicts, lists and scalars.
pub fn json_to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        serde_json::Value::Null => py.None().into_bound(py),
        serde_json::Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u), _) => u.into_pyobject(py)?.into_any(),
            (None, None, f) => PyFloat::new(py, f.unwrap_or(f64::NAN)).into_any(),
        },
        serde_json::Value::String(s) => s.into_pyobject(py)?.into_any(),
        serde_json::Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        serde_json::Value::Object(members) => {
            let dict = PyDict::new(py);
            for (k, v) in members {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// A Python object (dict, list, …) as JSON, through the standard library's `json.dumps`.
pub fn py_to_json(obj: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    let text: String = obj.py().import("json")?.call_method1("dumps", (obj,))?.extract()?;
    serde_json::from_str(&text).map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("not JSON data: {e}")))
}

/// Deeper nesting is refused: `serde_json` parses no deeper, so no JSON text (and no API answer)
/// holds more, and the recursion here and in the core's serializer stays bounded (a list that
/// contains itself ends here too).
const MAX_DEPTH: usize = 128;

/// Python data (`dict` with `str` keys, `list`, `tuple`, `str`, `int`, `float`, `bool`,
/// `None`) as JSON, converted object by object. Integers must fit in 64 bits and floats must be
/// finite: JSON data the core can send exactly.
pub fn json_from_py(obj: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    json_from_py_at(obj, 0)
}

fn json_from_py_at(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<serde_json::Value> {
    use serde_json::Value as Json;
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "the data is nested deeper than {MAX_DEPTH} levels (or contains itself)"
        )));
    }
    if obj.is_none() {
        return Ok(Json::Null);
    }
    // `bool` before `int`: it is one.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Json::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Json::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Json::from(u));
        }
        return Err(PyValueError::new_err(format!("the integer {obj} does not fit in 64 bits")));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Json::Number)
            .ok_or_else(|| PyValueError::new_err(format!("{obj} is not a JSON number")));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Json::String(s.to_str()?.to_owned()));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut members = serde_json::Map::new();
        for (key, value) in dict.iter() {
            let key = key
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err(format!("object keys must be str, not {}", type_name(&key))))?;
            members.insert(key.to_str()?.to_owned(), json_from_py_at(&value, depth + 1)?);
        }
        return Ok(Json::Object(members));
    }
    let items = if let Ok(list) = obj.cast::<PyList>() {
        list.iter().map(|item| json_from_py_at(&item, depth + 1)).collect::<PyResult<Vec<_>>>()?
    } else if let Ok(tuple) = obj.cast::<PyTuple>() {
        tuple.iter().map(|item| json_from_py_at(&item, depth + 1)).collect::<PyResult<Vec<_>>>()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "{} is not JSON data (dict, list, tuple, str, int, float, bool or None)",
            type_name(obj)
        )));
    };
    Ok(Json::Array(items))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map_or_else(|_| "this object".to_owned(), |n| n.to_string())
}
