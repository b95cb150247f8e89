//! # hookwise
//!
//! Verify and sign webhooks from every provider with one API: each provider's signing scheme is
//! a [`Scheme`] (plain data), ten presets ship built in (`argus`, `auggie`, `asg`, `gabinete360`,
//! `argyle`, `standard`, `stripe`, `github`, `shopify`, `slack`), and a custom scheme is JSON.
//!
//! [`canonicalize`] reproduces CPython's
//! `json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))` byte for byte.

#[cfg(feature = "client")]
/// Builder-style setters for a `#[non_exhaustive]` options struct, which other crates cannot
/// write as a literal: `Type::default().field(value)`. An `Option` field's setter takes the value
/// (`some`: anything `Into` it; `opt`: exactly it, so integer literals infer).
macro_rules! setters {
    ($ty:ident { $($(#[$doc:meta])* $kind:ident $field:ident: $t:ty;)* }) => {
        impl $ty {
            $(setters!(@one $ty, $(#[$doc])* $kind $field: $t);)*
        }
    };
    (@one $ty:ident, $(#[$doc:meta])* some $field:ident: $t:ty) => {
        $(#[$doc])*
        #[must_use]
        pub fn $field(mut self, value: impl Into<$t>) -> $ty {
            self.$field = Some(value.into());
            self
        }
    };
    (@one $ty:ident, $(#[$doc:meta])* opt $field:ident: $t:ty) => {
        $(#[$doc])*
        #[must_use]
        pub fn $field(mut self, value: $t) -> $ty {
            self.$field = Some(value);
            self
        }
    };
    (@one $ty:ident, $(#[$doc:meta])* value $field:ident: $t:ty) => {
        $(#[$doc])*
        #[must_use]
        pub fn $field(mut self, value: $t) -> $ty {
            self.$field = value;
            self
        }
    };
}
#[cfg(feature = "client")]
pub(crate) use setters;

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
