//! Node: not generated yet.

use crate::{Error, File, Input};

/// The package files.
///
/// # Errors
/// Not generated yet.
pub(crate) fn files(input: &Input<'_>) -> Result<Vec<File>, Error> {
    let _ = input.sdk;
    Err(Error::Language("node".to_owned()))
}

/// Runs the formatter.
pub(crate) fn format(out: &std::path::Path) {
    let _ = out;
}
