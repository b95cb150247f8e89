//! `hookwise` for Node.js (napi-rs): converts types and errors, holds no logic. Every export is
//! built with napi's panic catching (`#[napi(catch_unwind)]`; napi also catches a panic in an
//! async export's future), so a Rust panic becomes a JavaScript error (`HookwiseError`, code
//! `internal_error`, see `core.js`), not an abort of the host process.
// napi passes arguments by value, and its errors are documented on the JavaScript side.
#![allow(clippy::needless_pass_by_value, clippy::missing_errors_doc)]
// In `cargo test` builds napi registers no exports, so the exported functions look unused.
#![cfg_attr(test, allow(dead_code))]

mod api;
mod errors;
mod webhook;

/// Panics when the environment variable `HOOKWISE_NODE_TEST_PANIC` names `export`: how
/// `test/panic.test.js` proves that a panic in each kind of export (constructor, factory,
/// method, getter, function, async method) becomes a JavaScript error. Debug builds only; the
/// release addon reads no such variable.
#[cfg(debug_assertions)]
fn panic_if_asked(export: &str) {
    let asked = std::env::var("HOOKWISE_NODE_TEST_PANIC").is_ok_and(|asked| asked == export);
    assert!(!asked, "HOOKWISE_NODE_TEST_PANIC={export}");
}

#[cfg(not(debug_assertions))]
fn panic_if_asked(_export: &str) {}

#[cfg(test)]
mod tests {
    /// Every exported function and method opts into napi's panic catching: without it, a panic
    /// unwinds into Node's C frames and the process aborts.
    #[test]
    fn every_export_catches_panics() {
        let mut exports = 0;
        for (file, text) in [("api.rs", include_str!("api.rs")), ("webhook.rs", include_str!("webhook.rs"))] {
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            for (i, line) in lines.iter().enumerate() {
                let is_fn = lines
                    .get(i + 1)
                    .is_some_and(|next| next.starts_with("pub fn ") || next.starts_with("pub async fn "));
                if line.starts_with("#[napi") && is_fn {
                    exports += 1;
                    assert!(line.contains("catch_unwind"), "{file}:{}: `{line}` has no catch_unwind", i + 1);
                }
            }
        }
        assert!(exports >= 20, "found only {exports} exports: has the layout of src/ changed?");
    }
}
