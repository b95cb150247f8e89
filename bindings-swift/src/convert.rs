//! What Swift and Kotlin pass, as the core takes it, by checked conversions. No unsigned type
//! crosses the boundary (uniffi would make it `UInt`/`ULong`, which neither language uses for
//! counts): counts and sizes are signed, and `Duration` is Swift's `Duration` and Kotlin's
//! `kotlin.time.Duration` (the mapping is in `uniffi.toml`), crossing as whole milliseconds. A
//! value the core cannot take (negative, or too large for the platform) is `InvalidArgument`.

use crate::errors::{invalid_argument, HookwiseError};

/// A span of time, in whole milliseconds.
#[derive(Debug)]
pub struct Duration(i64);

uniffi::custom_newtype!(Duration, i64);

impl Duration {
    /// The span as the core takes it; `InvalidArgument` naming `name` when it is negative.
    pub fn to_std(&self, name: &str) -> Result<std::time::Duration, HookwiseError> {
        Ok(std::time::Duration::from_millis(in_range(name, self.0)?))
    }
}

/// `value` as `T` (an unsigned count or size), or `InvalidArgument` naming `name` when `T` cannot
/// hold it: a negative value, or one too large for this platform (a size on a 32-bit target).
pub fn in_range<T: TryFrom<i64>>(name: &str, value: i64) -> Result<T, HookwiseError> {
    T::try_from(value).map_err(|_| {
        let why = if value < 0 { "must not be negative" } else { "is too large for this platform" };
        invalid_argument(format!("{name} {why}: {value}"))
    })
}
