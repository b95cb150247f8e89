//! The shipped presets. They are data (`presets.json`, the same format a user writes for a custom
//! scheme), read once.

use std::sync::OnceLock;

use super::error::{Error, ErrorKind};
use super::scheme::Scheme;

const PRESETS_JSON: &str = include_str!("presets.json");

/// Every shipped preset, in the design's order.
pub fn presets() -> &'static [Scheme] {
    static PRESETS: OnceLock<Vec<Scheme>> = OnceLock::new();
    // The file is part of the crate and a unit test proves it parses; an empty list would make
    // every preset lookup fail loudly with `unknown_scheme`.
    PRESETS.get_or_init(|| serde_json::from_str(PRESETS_JSON).unwrap_or_default())
}

/// The preset called `name` (case-insensitive).
///
/// # Errors
/// `unknown_scheme`, listing the presets that exist.
pub fn preset(name: &str) -> Result<&'static Scheme, Error> {
    presets().iter().find(|s| s.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
        let names: Vec<&str> = presets().iter().map(|s| s.name.as_str()).collect();
        Error::new(ErrorKind::UnknownScheme, format!("unknown scheme {name:?}; presets are: {}", names.join(", ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_ten_presets_parse_and_validate() {
        let names: Vec<&str> = presets().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["argus", "auggie", "asg", "gabinete360", "argyle", "standard", "stripe", "github", "shopify", "slack"]
        );
        for scheme in presets() {
            assert_eq!(scheme.validate(), Ok(()), "{}", scheme.name);
        }
    }

    #[test]
    fn lookup_is_case_insensitive_and_unknown_names_fail() {
        assert_eq!(preset("GitHub").map(|s| s.name.as_str()), Ok("github"));
        let err = preset("nosuch").unwrap_err();
        assert_eq!(err.code(), "unknown_scheme");
        assert!(err.message().contains("stripe"));
    }
}
