//! `hookwise._native`: the Python binding of the hookwise core. It converts types and errors and
//! holds no logic of its own; the pure-Python package `hookwise` re-exports it.

mod api;
mod call;
mod convert;
mod errors;
mod pyjson;
mod webhook;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<webhook::Webhook>()?;
    m.add_class::<webhook::Event>()?;
    m.add_function(wrap_pyfunction!(webhook::canonicalize, m)?)?;
    m.add_function(wrap_pyfunction!(webhook::presets, m)?)?;
    m.add_class::<api::Profile>()?;
    m.add_class::<api::Api>()?;
    m.add_class::<api::Items>()?;
    m.add_class::<api::NativeAsyncApi>()?;
    m.add_class::<api::AsyncItems>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
