//! `hookwise` for Node.js (napi-rs): converts types and errors, holds no logic. Every export is
//! built with napi's panic catching, so a Rust panic becomes a JavaScript error, not a crash.
// napi passes arguments by value, and its errors are documented on the JavaScript side.
#![allow(clippy::needless_pass_by_value, clippy::missing_errors_doc)]
// In `cargo test` builds napi registers no exports, so the exported functions look unused.
#![cfg_attr(test, allow(dead_code))]

mod api;
mod errors;
mod webhook;
