//! hookwise for Swift and Kotlin (uniffi, proc-macro interface). Converts types and errors and
//! holds no logic: verification, signing, canonical JSON and the profile engine are the core's.
//! The typed hookwise client in each language is generated (`hookwise generate
//! profiles/hookwise.yaml --lang swift|kotlin`) over `Api`.
//! uniffi catches panics at the boundary, so none reaches Swift or Kotlin.

// uniffi passes arguments by value; `Event::event_type` is the record field Swift and Kotlin see.
#![allow(clippy::needless_pass_by_value, clippy::struct_field_names, clippy::missing_errors_doc)]

mod api;
mod convert;
mod errors;
mod webhook;

uniffi::setup_scaffolding!();
