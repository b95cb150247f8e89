//! JSON exactly as CPython's `json` module reads and writes it.
//!
//! Two providers sign `json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))`;
//! [`canonicalize`] reproduces those bytes, and [`Value::parse`] reads a body the way a Python
//! receiver would.

mod canonical;
mod decode;
mod value;

pub use canonical::canonicalize;
pub(crate) use canonical::canonicalize_and_parse;
pub use decode::{SyntaxError, MAX_DEPTH};
pub use value::{Number, Value};
