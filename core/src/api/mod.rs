//! API profiles and the one engine that speaks any of them.
//!
//! A [`Profile`] is an OpenAPI 3.1 document plus `x-hookwise` extensions (`profiles/README.md`).
//! With the cargo feature `client`, [`Api`] calls the API it describes: `call` routes named
//! arguments, `paginate` follows cursors, `wait` polls to a terminal status, with one retry
//! policy and one error model in every language. [`sdk`] is the runtime of the generated Rust
//! SDKs (typed calls over an [`Api`]).
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use hookwise::api::{Api, ApiOptions, Profile};
//!
//! let profile = Arc::new(Profile::from_text(&std::fs::read_to_string("profiles/auggie.yaml")?)?);
//! let api = Api::new(profile, ApiOptions::default().api_key("aug_key"))?;
//! let args = serde_json::json!({"url": "https://example.com/hook", "event_types": ["research.completed"]});
//! let webhook = api.call("register_webhook", args.as_object().unwrap()).await?;
//! println!("{}", webhook["secret"]);
//! # Ok(()) }
//! ```

mod doc;
#[cfg(feature = "client")]
mod engine;
mod error;
mod profile;
#[cfg(feature = "client")]
mod retry;
mod schema;
#[cfg(feature = "client")]
pub mod sdk;
#[cfg(feature = "client")]
pub mod trace;

#[cfg(feature = "client")]
pub use engine::{Api, ApiOptions};
pub use error::{Error, ErrorKind, ProfileError};
pub use profile::{
    Arg, Auth, BodyShape, ErrorPointers, EventType, Location, Method, Operation, Pagination, Profile, Wait,
    HOOKWISE_PROFILE_TEXT,
};
pub use schema::{Object, Property, Schema, Type};
