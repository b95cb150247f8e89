//! The runtime of the generated Rust SDKs (`hookwise generate PROFILE --lang rust`): what every
//! generated crate would otherwise repeat. A generated crate is its client struct, one line per
//! method calling [`call`], [`paginate`] or [`wait`] with its [`Args`], its types, and a
//! [`Webhook`] bound to its scheme:
//!
//! ```no_run
//! use hookwise::api::sdk::{self, Args, ShippedProfile};
//! use hookwise::api::{Api, Error};
//!
//! static PROFILE: ShippedProfile = ShippedProfile::new(hookwise::api::HOOKWISE_PROFILE_TEXT);
//!
//! #[derive(Clone, Debug)]
//! pub struct Client {
//!     api: Api,
//! }
//!
//! impl sdk::ApiClient for Client {
//!     fn profile() -> &'static ShippedProfile {
//!         &PROFILE
//!     }
//!
//!     fn from_api(api: Api) -> Client {
//!         Client { api }
//!     }
//! }
//!
//! impl Client {
//!     pub async fn get_job(&self, id: &str) -> Result<serde_json::Value, Error> {
//!         sdk::call(&self.api, "get_job", Args::new().with("id", id)).await
//!     }
//! }
//!
//! # async fn demo() -> Result<(), Error> {
//! let client: Client = sdk::Builder::default().api_key("hw_key").build()?;
//! let job = client.get_job("job_1").await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use futures_core::Stream;
use futures_util::StreamExt as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Api, ApiOptions, Error, Profile, ProfileError};

/// An operation's named arguments, as the engine takes them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args(Map<String, Value>);

impl Args {
    /// No arguments.
    pub fn new() -> Args {
        Args::default()
    }

    /// The fields of `params` that are set (a field serialized as absent is not sent): a
    /// generated method's optional arguments.
    pub fn of(params: impl Serialize) -> Args {
        match serde_json::to_value(params) {
            Ok(Value::Object(map)) => Args(map),
            _ => Args::default(),
        }
    }

    /// Adds a required argument. A value serde cannot write is left out, and the engine then
    /// refuses the call (`invalid_argument`) before sending anything.
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Serialize) -> Args {
        if let Ok(value) = serde_json::to_value(value) {
            self.0.insert(name.to_owned(), value);
        }
        self
    }

    /// The arguments, by name.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The arguments, by name.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

/// Reads an answer as `T`.
///
/// # Errors
/// `invalid_response` when the answer does not have `T`'s shape.
pub fn decode<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| Error::invalid_response(format!("unexpected response from the API: {e}")))
}

/// Calls operation `id` and reads its answer as `T`.
///
/// # Errors
/// The errors of [`Api::call`]; `invalid_response` when the answer does not have `T`'s shape.
pub async fn call<T: DeserializeOwned>(api: &Api, id: &str, args: Args) -> Result<T, Error> {
    decode(api.call(id, &args.0).await?)
}

/// Calls operation `id`, whose answer is nothing (or of no interest).
///
/// # Errors
/// The errors of [`Api::call`].
pub async fn execute(api: &Api, id: &str, args: Args) -> Result<(), Error> {
    api.call(id, &args.0).await.map(drop)
}

/// Every item of every page of list operation `id`, each read as `T`, fetched as the stream
/// is read (see [`Api::paginate`]).
pub fn paginate<T: DeserializeOwned>(
    api: &Api,
    id: &str,
    args: Args,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
    api.paginate(id, args.0).map(|item| decode(item?))
}

/// Polls operation `id` until its status is terminal (see [`Api::wait`]), calling `on_progress`
/// with each changed object that reads as `T`, and returns the final object as `T`.
///
/// # Errors
/// The errors of [`Api::wait`]; `invalid_response` when the final object does not have `T`'s
/// shape.
pub async fn wait<T: DeserializeOwned>(
    api: &Api,
    id: &str,
    args: Args,
    timeout: Duration,
    mut on_progress: Option<&mut (dyn FnMut(&T) + Send)>,
) -> Result<T, Error> {
    let mut forward = |value: &Value| {
        if let (Some(callback), Ok(object)) = (on_progress.as_mut(), decode(value.clone())) {
            callback(&object);
        }
    };
    decode(api.wait(id, &args.0, timeout, Some(&mut forward)).await?)
}

/// A profile shipped as text (`include_str!`) and parsed on first use, once: a generated
/// crate's `static PROFILE`.
pub struct ShippedProfile {
    text: &'static str,
    parsed: OnceLock<Result<Arc<Profile>, ProfileError>>,
}

impl ShippedProfile {
    /// The profile whose text is `text` (not parsed yet).
    pub const fn new(text: &'static str) -> ShippedProfile {
        ShippedProfile { text, parsed: OnceLock::new() }
    }

    /// The profile, parsed (the first time only).
    ///
    /// # Errors
    /// `invalid_argument` when the text is not a valid profile (every time).
    pub fn get(&self) -> Result<Arc<Profile>, Error> {
        self.parsed.get_or_init(|| Profile::from_text(self.text).map(Arc::new)).clone().map_err(Error::from)
    }
}

impl fmt::Debug for ShippedProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShippedProfile").field("parsed", &self.parsed.get().is_some()).finish_non_exhaustive()
    }
}

/// A generated SDK's client: made by a [`Builder`] from an [`Api`] on its shipped profile.
pub trait ApiClient: Sized {
    /// The API's profile.
    fn profile() -> &'static ShippedProfile;

    /// The client calling `api`.
    fn from_api(api: Api) -> Self;
}

/// How a client `C` is made. Every setting left out is the engine's: the credentials from
/// `<ENV_PREFIX>_API_KEY` (or `_USERNAME` and `_PASSWORD` for an API with HTTP basic auth),
/// the base URL from `<ENV_PREFIX>_BASE_URL` (else the API's server), a 30 s timeout, 2 retries,
/// a 500 ms first backoff and an 8 s cap between tries.
pub struct Builder<C> {
    options: ApiOptions,
    client: PhantomData<fn() -> C>,
}

impl<C> Default for Builder<C> {
    fn default() -> Self {
        Builder { options: ApiOptions::default(), client: PhantomData }
    }
}

impl<C> Clone for Builder<C> {
    fn clone(&self) -> Self {
        Builder { options: self.options.clone(), client: PhantomData }
    }
}

impl<C> fmt::Debug for Builder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder").field("options", &self.options).finish()
    }
}

impl<C: ApiClient> Builder<C> {
    /// The API key (bearer or API-key-header auth).
    #[must_use]
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.options.api_key = Some(api_key.into());
        self
    }

    /// The user name (HTTP basic auth).
    #[must_use]
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.options.username = Some(username.into());
        self
    }

    /// The password (HTTP basic auth).
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.options.password = Some(password.into());
        self
    }

    /// Where the API is.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.options.base_url = Some(base_url.into());
        self
    }

    /// The timeout of each request.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// How many times a failed request is retried (where the profile's policy allows it).
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = max_retries;
        self
    }

    /// The first backoff ceiling; it doubles each retry, with full jitter.
    #[must_use]
    pub fn initial_retry_delay(mut self, delay: Duration) -> Self {
        self.options.initial_retry_delay = delay;
        self
    }

    /// The longest wait between tries, `Retry-After` included.
    #[must_use]
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.options.max_retry_delay = delay;
        self
    }

    /// The `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.options.user_agent = Some(user_agent.into());
        self
    }

    /// The client.
    ///
    /// # Errors
    /// `invalid_argument` when the profile is not valid, the credentials are neither given nor
    /// set, or the base URL is not a URL; `connection_error` when the HTTP stack cannot start.
    pub fn build(self) -> Result<C, Error> {
        Ok(C::from_api(Api::new(C::profile().get()?, self.options)?))
    }
}

/// The webhook scheme a generated [`Webhook`] is bound to.
pub trait BoundScheme {
    /// The name of a preset (`auggie`, `stripe`, …), or a scheme as JSON (starting with `{`).
    const SCHEME: &'static str;
}

/// A [`crate::Webhook`] bound to scheme `S`: `Webhook::new([secret])?.verify(body, &headers)`.
/// Every method of [`crate::Webhook`] (`verify`, `verify_at`, `construct_event_at`, `sign`, …)
/// is available through `Deref`.
pub struct Webhook<S> {
    inner: crate::Webhook,
    scheme: PhantomData<fn() -> S>,
}

impl<S: BoundScheme> Webhook<S> {
    /// A verifier with `secrets` (one, or several during a rotation: any one verifies).
    ///
    /// # Errors
    /// `invalid_secret` when there is no secret, one is empty, or one is not in the scheme's
    /// encoding; the errors of [`crate::Scheme::from_json`] or [`crate::Webhook::from_preset`]
    /// when `S::SCHEME` is not a scheme.
    pub fn new<I, T>(secrets: I) -> Result<Webhook<S>, crate::Error>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let inner = if S::SCHEME.starts_with('{') {
            crate::Webhook::new(crate::Scheme::from_json(S::SCHEME)?, secrets)?
        } else {
            crate::Webhook::from_preset(S::SCHEME, secrets)?
        };
        Ok(Webhook { inner, scheme: PhantomData })
    }
}

impl<S> Webhook<S> {
    /// Sets the replay window in seconds (default: the scheme's).
    #[must_use]
    pub fn with_tolerance(self, seconds: u64) -> Webhook<S> {
        Webhook { inner: self.inner.with_tolerance(seconds), scheme: PhantomData }
    }

    /// Sets the largest body accepted, in bytes (default 5 MiB).
    #[must_use]
    pub fn with_max_payload_bytes(self, bytes: usize) -> Webhook<S> {
        Webhook { inner: self.inner.with_max_payload_bytes(bytes), scheme: PhantomData }
    }
}

impl<S> Clone for Webhook<S> {
    fn clone(&self) -> Self {
        Webhook { inner: self.inner.clone(), scheme: PhantomData }
    }
}

impl<S> fmt::Debug for Webhook<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<S> Deref for Webhook<S> {
    type Target = crate::Webhook;

    fn deref(&self) -> &crate::Webhook {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::{ErrorKind, HOOKWISE_PROFILE_TEXT};

    #[derive(Serialize)]
    struct Params {
        #[serde(skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<Value>,
    }

    #[test]
    fn args_are_the_set_params_and_the_required_arguments() {
        let args = Args::of(Params { limit: None, status: Some(Value::Null) }).with("id", "job_1");
        assert_eq!(Value::Object(args.into_map()), json!({"status": null, "id": "job_1"}));
        assert_eq!(Args::of(7).as_map(), &Map::new());
        assert_eq!(Args::new(), Args::default());
    }

    #[test]
    fn decode_reads_the_type_or_says_invalid_response() {
        assert_eq!(decode::<Vec<u8>>(json!([1, 2])).ok(), Some(vec![1, 2]));
        let error = decode::<Vec<u8>>(json!({"a": 1})).err().map(|e| (e.kind(), e.code().to_owned()));
        assert_eq!(error, Some((ErrorKind::InvalidResponse, "invalid_response".to_owned())));
    }

    static PROFILE: ShippedProfile = ShippedProfile::new(HOOKWISE_PROFILE_TEXT);
    static BROKEN: ShippedProfile = ShippedProfile::new("openapi: [");

    #[derive(Debug)]
    struct Client(Api);

    impl ApiClient for Client {
        fn profile() -> &'static ShippedProfile {
            &PROFILE
        }

        fn from_api(api: Api) -> Client {
            Client(api)
        }
    }

    struct Broken;

    impl ApiClient for Broken {
        fn profile() -> &'static ShippedProfile {
            &BROKEN
        }

        fn from_api(_: Api) -> Broken {
            Broken
        }
    }

    #[test]
    fn a_shipped_profile_is_parsed_once() {
        let first = PROFILE.get().ok();
        let second = PROFILE.get().ok();
        assert!(matches!((first, second), (Some(a), Some(b)) if Arc::ptr_eq(&a, &b)));
        assert!(BROKEN.get().is_err());
    }

    #[test]
    fn the_builder_hands_its_options_to_the_engine() {
        let client = Builder::<Client>::default()
            .api_key("hw_key")
            .base_url("http://127.0.0.1:9")
            .timeout(Duration::from_secs(1))
            .max_retries(0)
            .initial_retry_delay(Duration::from_millis(1))
            .max_retry_delay(Duration::from_millis(2))
            .user_agent("test")
            .build();
        assert!(client.is_ok_and(|Client(api)| api.profile().name == "hookwise"));
        let bad_url = Builder::<Client>::default().api_key("hw_key").base_url("not a url").build();
        assert_eq!(bad_url.err().map(|e| e.kind()), Some(ErrorKind::InvalidArgument));
        let no_profile = Builder::<Broken>::default().username("u").password("p").build();
        assert!(no_profile.is_err());
    }

    #[test]
    fn debug_output_never_shows_credentials() {
        let builder = Builder::<Client>::default().api_key("hw_top_secret_key").username("u").password("top_secret_pw");
        for shown in [format!("{builder:?}"), format!("{:?}", builder.options)] {
            assert!(!shown.contains("top_secret"), "{shown}");
            assert!(shown.contains("<redacted>") && shown.contains("username: Some(\"u\")"), "{shown}");
        }
        assert!(format!("{:?}", ApiOptions::default()).contains("api_key: None"));
    }

    struct Auggie;

    impl BoundScheme for Auggie {
        const SCHEME: &'static str = "auggie";
    }

    struct Custom;

    impl BoundScheme for Custom {
        const SCHEME: &'static str = "{ not json";
    }

    #[test]
    fn a_bound_webhook_uses_its_scheme() {
        let webhook = Webhook::<Auggie>::new(["whsec"]).map(|w| w.with_tolerance(60).with_max_payload_bytes(10));
        assert!(webhook.as_ref().is_ok_and(|w| w.clone().max_payload_bytes() == 10));
        assert!(Webhook::<Auggie>::new(Vec::<String>::new()).is_err());
        assert!(Webhook::<Custom>::new(["whsec"]).is_err());
    }
}
