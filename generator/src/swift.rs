//! Swift: not generated yet.

use crate::{Error, File, Input};

/// The package files.
///
/// # Errors
/// Not generated yet.
pub(crate) fn files(input: &Input<'_>) -> Result<Vec<File>, Error> {
    let _ = input.sdk;
    Err(Error::Language("swift".to_owned()))
}
