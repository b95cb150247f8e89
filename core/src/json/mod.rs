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

/// The `JSONTestSuite` parsing cases (`../shared/data`, MIT), each as its file name and bytes;
/// `None`, after saying so, where the data is not there.
#[cfg(test)]
fn json_test_suite() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/JSONTestSuite/test_parsing");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: no JSONTestSuite at {}", dir.display());
        return None;
    };
    let read = |path: std::path::PathBuf| {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        std::fs::read(&path).map(|bytes| (name, bytes))
    };
    entries.map(|entry| entry.and_then(|entry| read(entry.path()))).collect::<Result<_, _>>().ok()
}
