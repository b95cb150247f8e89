//! JSON exactly as CPython's `json` module reads and writes it.
//!
//! Two providers sign `json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))`;
//! [`canonicalize`] reproduces those bytes, and [`Value::parse`] reads a body the way a Python
//! receiver would.

mod canonical;
mod decode;
mod fields;
mod value;

pub use canonical::canonicalize;
pub(crate) use canonical::canonicalize_bounded;
pub(crate) use decode::TOO_MANY_NODES;
pub use decode::{float_value, parse_with, small_int_value, Build, Node, SyntaxError, MAX_DEPTH};
pub(crate) use fields::{Field, Fields};
pub use value::{Number, Value};
