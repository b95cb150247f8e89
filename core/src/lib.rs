//! # hookwise
//!
//! Verify and sign webhooks from every provider with one API: each provider's signing scheme is
//! a [`Scheme`] (plain data), ten presets ship built in (`argus`, `auggie`, `asg`, `gabinete360`,
//! `argyle`, `standard`, `stripe`, `github`, `shopify`, `slack`), and a custom scheme is JSON.
//!
//! [`canonicalize`] reproduces CPython's
//! `json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))` byte for byte.

pub mod api;
#[cfg(feature = "client")]
pub mod client;
pub mod json;
pub mod webhook;

pub use json::canonicalize;
pub use webhook::{Error, ErrorKind, Event, Headers, Scheme, Webhook};

/// What a `Debug` impl shows for an optional secret: whether it is set, never its value.
#[cfg(feature = "client")]
pub(crate) fn redacted<T>(secret: Option<&T>) -> Option<&'static str> {
    secret.map(|_| "<redacted>")
}
