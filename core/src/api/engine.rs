//! The engine: one profile-driven client for any API. `call` routes named arguments to path,
//! query, header and body, applies credentials, idempotency keys, timeouts and the retry policy,
//! and decodes answers and errors; `paginate` follows cursors; `wait` polls to a terminal status.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use futures_core::Stream;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde_json::{Map, Value};

use super::error::{Error, ErrorKind};
use super::profile::{Auth, Location, Method, Operation, Profile};
use super::retry::{self, Failure};
use super::trace::{TraceId, TRACEPARENT};

/// The engine's settings. `Default` gives the documented defaults; credentials and the base URL
/// not given here come from the environment (`<NAME>_API_KEY`, `<NAME>_USERNAME`,
/// `<NAME>_PASSWORD`, `<NAME>_BASE_URL`), then from the profile's `servers`.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiOptions {
    /// The API key (bearer and API-key-header auth).
    pub api_key: Option<String>,
    /// The user name (HTTP basic auth).
    pub username: Option<String>,
    /// The password (HTTP basic auth).
    pub password: Option<String>,
    /// Where the API is.
    pub base_url: Option<String>,
    /// Per-request timeout (default 30 s).
    pub timeout: Duration,
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// The first backoff ceiling; it doubles each retry, with full jitter (default 500 ms).
    pub initial_retry_delay: Duration,
    /// The longest wait between tries, `Retry-After` included (default 8 s).
    pub max_retry_delay: Duration,
    /// The `User-Agent` header (default `hookwise/<version>`).
    pub user_agent: Option<String>,
}

impl Default for ApiOptions {
    fn default() -> Self {
        ApiOptions {
            api_key: None,
            username: None,
            password: None,
            base_url: None,
            timeout: Duration::from_secs(30),
            max_retries: 2,
            initial_retry_delay: Duration::from_millis(500),
            max_retry_delay: Duration::from_secs(8),
            user_agent: None,
        }
    }
}

crate::setters!(ApiOptions {
    /// The API key.
    some api_key: String;
    /// The user name.
    some username: String;
    /// The password.
    some password: String;
    /// Where the API is.
    some base_url: String;
    /// Per-request timeout.
    value timeout: Duration;
    /// Retries after the first attempt.
    value max_retries: u32;
    /// The first backoff ceiling.
    value initial_retry_delay: Duration;
    /// The longest wait between tries.
    value max_retry_delay: Duration;
    /// The `User-Agent` header.
    some user_agent: String;
});

impl std::fmt::Debug for ApiOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the API key or the password.
        f.debug_struct("ApiOptions")
            .field("api_key", &crate::redacted(self.api_key.as_ref()))
            .field("username", &self.username)
            .field("password", &crate::redacted(self.password.as_ref()))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("initial_retry_delay", &self.initial_retry_delay)
            .field("max_retry_delay", &self.max_retry_delay)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// A client for the API a profile describes. Cheap to clone (one shared connection pool, which
/// [`Api::close`] closes for every clone).
#[derive(Clone)]
pub struct Api {
    inner: Arc<Inner>,
}

struct Inner {
    profile: Arc<Profile>,
    /// The connection pool; `None` once closed.
    http: Mutex<Option<reqwest::Client>>,
    base_url: String,
    credentials: Option<(HeaderName, HeaderValue)>,
    options: ApiOptions,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("profile", &self.inner.profile.name)
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

/// A request ready to send (and to send again on a retry).
struct Request {
    method: reqwest::Method,
    url: String,
    query: Vec<(String, String)>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Vec<u8>>,
    idempotent: bool,
    authenticated: bool,
}

/// An HTTP answer.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Api {
    /// A client for `profile` with `options`.
    ///
    /// # Errors
    /// `invalid_argument` when the profile needs credentials that neither the options nor the
    /// environment give, or when the base URL is missing or not a URL; `connection_error` when the
    /// HTTP stack cannot start.
    pub fn new(profile: Arc<Profile>, options: ApiOptions) -> Result<Api, Error> {
        // reqwest is built without a bundled crypto provider; ring is ours. Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let prefix = profile.env_prefix();
        let base_url = options
            .base_url
            .clone()
            .filter(|u| !u.is_empty())
            .or_else(|| env(&format!("{prefix}_BASE_URL")))
            .or_else(|| profile.server.clone())
            .ok_or_else(|| invalid(format!("no base URL: pass base_url or set {prefix}_BASE_URL")))?;
        let base_url = base_url.trim_end_matches('/').to_owned();
        reqwest::Url::parse(&base_url).map_err(|e| invalid(format!("base URL {base_url:?} is not a URL: {e}")))?;
        let credentials = credentials(&profile, &options, &prefix)?;
        let user_agent =
            options.user_agent.clone().unwrap_or_else(|| format!("hookwise/{}", env!("CARGO_PKG_VERSION")));
        let mut defaults = HeaderMap::new();
        defaults.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .user_agent(user_agent)
            .default_headers(defaults)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::new(ErrorKind::Connection, format!("cannot build the HTTP client: {e}")))?;
        let http = Mutex::new(Some(http));
        Ok(Api { inner: Arc::new(Inner { profile, http, base_url, credentials, options }) })
    }

    /// The profile this client speaks.
    pub fn profile(&self) -> &Profile {
        &self.inner.profile
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Closes the connection pool, for this client and every clone of it: a call after it fails
    /// with `client_closed` (kind `InvalidArgument`: nothing is sent); a call in flight finishes,
    /// and the pool's connections close when the last of those ends. Closing twice is harmless.
    pub fn close(&self) {
        self.inner.http.lock().unwrap_or_else(PoisonError::into_inner).take();
    }

    /// Whether [`Api::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.http.lock().unwrap_or_else(PoisonError::into_inner).is_none()
    }

    /// The connection pool, or `client_closed`.
    fn http(&self) -> Result<reqwest::Client, Error> {
        let http = self.inner.http.lock().unwrap_or_else(PoisonError::into_inner).clone();
        http.ok_or_else(|| Error::closed("the client is closed; create a new one"))
    }

    fn operation(&self, id: &str) -> Result<&Operation, Error> {
        self.inner.profile.operation(id).ok_or_else(|| {
            let known: Vec<&str> = self.inner.profile.operations.iter().map(|o| o.id.as_str()).collect();
            invalid(format!("{} has no operation {id:?}; it has: {}", self.inner.profile.name, known.join(", ")))
        })
    }

    /// Calls operation `id` with named arguments and returns the decoded answer (`null` for no
    /// content).
    ///
    /// # Errors
    /// `invalid_argument` (unknown operation or argument, a required one missing: nothing is
    /// sent), API errors by status, `connection_error`, `timeout`, `invalid_response`.
    pub async fn call(&self, id: &str, args: &Map<String, Value>) -> Result<Value, Error> {
        let operation = self.operation(id)?;
        let request = self.prepare(operation, args)?;
        let answer = self.send(&request).await?;
        decode(&answer)
    }

    /// Every item of every page of list operation `id`, fetching pages as the stream is read.
    pub fn paginate(
        &self,
        id: &str,
        args: Map<String, Value>,
    ) -> impl Stream<Item = Result<Value, Error>> + Send + 'static {
        self.paginate_from(id, args, None)
    }

    /// As [`Api::paginate`], starting from `first`, the page `args` already fetched (a
    /// generated SDK's list method returns that page; iterating it then goes on from there
    /// without asking for it again).
    pub fn paginate_from(
        &self,
        id: &str,
        args: Map<String, Value>,
        first: Option<Value>,
    ) -> impl Stream<Item = Result<Value, Error>> + Send + 'static {
        let api = self.clone();
        let id = id.to_owned();
        // The cursor argument is looked up once; an operation that does not paginate fails on
        // the first item, as any other error of the walk does.
        let cursor_param = self.cursor_param(&id).map(str::to_owned);
        let start = (args, VecDeque::new(), false, first);
        futures_util::stream::try_unfold(
            start,
            move |(mut args, mut page, mut done, mut first): (
                Map<String, Value>,
                VecDeque<Value>,
                bool,
                Option<Value>,
            )| {
                let api = api.clone();
                let id = id.clone();
                let cursor_param = cursor_param.clone();
                async move {
                    let cursor_param = cursor_param?;
                    loop {
                        if let Some(item) = page.pop_front() {
                            return Ok(Some((item, (args, page, done, first))));
                        }
                        if done {
                            return Ok(None);
                        }
                        let body = match first.take() {
                            Some(body) => body,
                            None => api.call(&id, &args).await?,
                        };
                        let (items, next) = api.page(&id, &body, args.get(&cursor_param))?;
                        done = items.is_empty() || next.is_none();
                        if let Some(cursor) = next {
                            args.insert(cursor_param.clone(), cursor);
                        }
                        page = items.into();
                    }
                }
            },
        )
    }

    fn cursor_param(&self, id: &str) -> Result<&str, Error> {
        let operation = self.operation(id)?;
        operation
            .pagination
            .as_ref()
            .map(|p| p.cursor_param.as_str())
            .ok_or_else(|| invalid(format!("{id} does not paginate")))
    }

    /// A page's items and the cursor of the next page (`None` at the end).
    ///
    /// # Errors
    /// `invalid_argument` when `id` does not paginate; `invalid_response` when the page has no
    /// item list, or repeats the cursor that fetched it.
    pub fn page(
        &self,
        id: &str,
        page: &Value,
        sent_cursor: Option<&Value>,
    ) -> Result<(Vec<Value>, Option<Value>), Error> {
        let operation = self.operation(id)?;
        let pagination = operation.pagination.as_ref().ok_or_else(|| invalid(format!("{id} does not paginate")))?;
        let items = page.pointer(&pagination.items).and_then(Value::as_array).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidResponse,
                format!("the page of {id} has no item list at {:?}", pagination.items),
            )
        })?;
        let next = page.pointer(&pagination.next_cursor).filter(|c| !c.is_null() && c.as_str() != Some("")).cloned();
        if next.is_some() && next.as_ref() == sent_cursor {
            return Err(Error::new(
                ErrorKind::InvalidResponse,
                format!("{id} answered with the cursor it was given: the walk would never end"),
            ));
        }
        Ok((items.clone(), next))
    }

    /// Polls operation `id` (which has `x-hookwise-wait`) until its status is terminal, calling
    /// `on_progress` whenever the status or progress changes, and returns the final object.
    ///
    /// # Errors
    /// `timeout` when `timeout` passes first; `invalid_response` when an answer has no status;
    /// the errors of [`Api::call`].
    pub async fn wait(
        &self,
        id: &str,
        args: &Map<String, Value>,
        timeout: Duration,
        mut on_progress: Option<&mut (dyn FnMut(&Value) + Send)>,
    ) -> Result<Value, Error> {
        let operation = self.operation(id)?;
        let rule =
            operation.wait.clone().ok_or_else(|| invalid(format!("{id} cannot be waited on (no x-hookwise-wait)")))?;
        let deadline = Instant::now().checked_add(timeout);
        let mut last = None;
        let mut interval = Duration::from_millis(50);
        loop {
            let object = self.call(id, args).await?;
            let status = object.pointer(&rule.status).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| {
                Error::new(ErrorKind::InvalidResponse, format!("the answer of {id} has no status at {:?}", rule.status))
            })?;
            let progress = rule.progress.as_deref().and_then(|p| object.pointer(p)).cloned().unwrap_or(Value::Null);
            let seen = (status.clone(), progress.clone());
            if last.as_ref() != Some(&seen) {
                if let Some(callback) = on_progress.as_mut() {
                    callback(&object);
                }
                last = Some(seen);
            }
            if rule.terminal.contains(&status) {
                return Ok(object);
            }
            let now = Instant::now();
            let remaining = deadline.map_or(interval, |d| d.saturating_duration_since(now));
            if remaining.is_zero() {
                let progress = if progress.is_null() { String::new() } else { format!(" ({progress}%)") };
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!("still {status}{progress} after {:.1} s", timeout.as_secs_f64()),
                ));
            }
            tokio::time::sleep(interval.min(remaining)).await;
            interval = (interval * 2).min(Duration::from_millis(500));
        }
    }

    /// Downloads `url` (absolute, such as a signed result link, or a path of the API). The
    /// credentials go only to the API's own origin, never to another host.
    ///
    /// # Errors
    /// API errors by status, `connection_error`, `timeout`, `invalid_argument` for a bad URL.
    pub async fn download(&self, url: &str) -> Result<Vec<u8>, Error> {
        let absolute = if url.starts_with('/') { format!("{}{url}", self.inner.base_url) } else { url.to_owned() };
        let target = reqwest::Url::parse(&absolute).map_err(|e| invalid(format!("not a URL: {e}")))?;
        let same_origin = reqwest::Url::parse(&self.inner.base_url).is_ok_and(|base| base.origin() == target.origin());
        let request = Request {
            method: reqwest::Method::GET,
            url: absolute,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            idempotent: true,
            authenticated: same_origin,
        };
        Ok(self.send(&request).await?.body)
    }

    /// Routes the arguments; refuses unknown and missing ones before anything is sent.
    fn prepare(&self, operation: &Operation, args: &Map<String, Value>) -> Result<Request, Error> {
        let id = &operation.id;
        if let Some(unknown) = args.keys().find(|name| operation.arg(name).is_none()) {
            let known: Vec<&str> = operation.args.iter().map(|a| a.name.as_str()).collect();
            return Err(invalid(format!("{id} takes no argument {unknown:?}; it takes: {}", known.join(", "))));
        }
        if let Some(missing) = operation.args.iter().find(|a| a.required && !args.contains_key(&a.name)) {
            return Err(invalid(format!("{id} needs the argument {:?}", missing.name)));
        }
        let mut path = operation.path.clone();
        let mut query = Vec::new();
        let mut headers = Vec::new();
        let mut body = Map::new();
        for arg in &operation.args {
            let Some(value) = args.get(&arg.name) else { continue };
            match arg.location {
                Location::Path => {
                    let text = scalar(value)
                        .ok_or_else(|| invalid(format!("{id}: {:?} must be a string or a number", arg.name)))?;
                    path = path.replace(&format!("{{{}}}", arg.wire), &encode_segment(&text));
                }
                Location::Query => match value {
                    Value::Null => {}
                    Value::Array(items) => {
                        for item in items {
                            let text = scalar(item)
                                .ok_or_else(|| invalid(format!("{id}: the items of {:?} must be scalars", arg.name)))?;
                            query.push((arg.wire.clone(), text));
                        }
                    }
                    other => {
                        let text = scalar(other)
                            .ok_or_else(|| invalid(format!("{id}: {:?} must be a scalar or a list", arg.name)))?;
                        query.push((arg.wire.clone(), text));
                    }
                },
                Location::Header => {
                    if value.is_null() {
                        continue;
                    }
                    let text =
                        scalar(value).ok_or_else(|| invalid(format!("{id}: {:?} must be a string", arg.name)))?;
                    headers.push(header(&arg.wire, &text)?);
                }
                Location::Body => {
                    body.insert(arg.wire.clone(), value.clone());
                }
            }
        }
        if let Some(name) = &operation.idempotency_header {
            if !headers.iter().any(|(h, _)| h.as_str().eq_ignore_ascii_case(name)) {
                headers.push(header(name, &new_idempotency_key())?);
            }
        }
        let body = match &operation.body {
            Some(shape) if !body.is_empty() || shape.required => {
                Some(serde_json::to_vec(&Value::Object(body)).map_err(|e| invalid(e.to_string()))?)
            }
            _ => None,
        };
        if body.is_some() {
            headers.push((CONTENT_TYPE, HeaderValue::from_static("application/json")));
        }
        let method = match operation.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        Ok(Request {
            method,
            url: format!("{}{path}", self.inner.base_url),
            query,
            headers,
            body,
            idempotent: operation.is_idempotent(),
            authenticated: operation.authenticated,
        })
    }

    /// Sends `request`, retrying as the policy allows; returns a 2xx answer or the error. Every
    /// attempt carries a W3C `traceparent` (see [`Trace`]).
    async fn send(&self, request: &Request) -> Result<Answer, Error> {
        let options = &self.inner.options;
        let http = self.http()?;
        let trace = Trace::of(request);
        let mut attempt = 0;
        loop {
            let (failure, error, retry_after) = match self.attempt(&http, request, trace.traceparent()).await {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer),
                Ok(answer) => {
                    let wait = answer
                        .headers
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                    (Failure::Status(answer.status), self.api_error(&answer), wait)
                }
                Err((failure, error)) => (failure, error, None),
            };
            if attempt >= options.max_retries || !retry::retryable(request.idempotent, failure) {
                return Err(error);
            }
            tokio::time::sleep(retry::delay(
                attempt,
                retry_after,
                options.initial_retry_delay,
                options.max_retry_delay,
            ))
            .await;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        http: &reqwest::Client,
        request: &Request,
        traceparent: Option<HeaderValue>,
    ) -> Result<Answer, (Failure, Error)> {
        let mut builder = http.request(request.method.clone(), &request.url);
        if let Some(value) = traceparent {
            builder = builder.header(TRACEPARENT, value);
        }
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if request.authenticated {
            if let Some((name, value)) = &self.inner.credentials {
                builder = builder.header(name, value);
            }
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let response = builder.send().await.map_err(|e| transport_error(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| transport_error(&e))?.to_vec();
        Ok(Answer { status, headers, body })
    }

    /// The error an answer means, read through the profile's pointers.
    fn api_error(&self, answer: &Answer) -> Error {
        let profile = &self.inner.profile;
        let json: Option<Value> = serde_json::from_slice(&answer.body).ok();
        let found = |pointer: &Option<String>| -> Option<String> {
            let value = json.as_ref()?.pointer(pointer.as_deref()?)?;
            match value {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let code = found(&profile.errors.code).unwrap_or_else(|| format!("http_{}", answer.status));
        let text = String::from_utf8_lossy(&answer.body);
        let message = found(&profile.errors.message).unwrap_or_else(|| {
            let text = text.trim();
            if text.is_empty() {
                let reason =
                    reqwest::StatusCode::from_u16(answer.status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
                format!("the API answered {} {reason}", answer.status).trim_end().to_owned()
            } else {
                text.chars().take(2000).collect()
            }
        });
        let header_trace = || {
            let name = profile.trace_header.as_deref()?;
            answer.headers.get(name)?.to_str().ok().map(str::to_owned)
        };
        let trace_id = found(&profile.errors.trace_id).or_else(header_trace);
        Error::api(answer.status, code, message, trace_id, json)
    }
}

fn credentials(
    profile: &Profile,
    options: &ApiOptions,
    prefix: &str,
) -> Result<Option<(HeaderName, HeaderValue)>, Error> {
    let given = |value: &Option<String>, var: &str| {
        value.clone().filter(|v| !v.is_empty()).or_else(|| env(&format!("{prefix}_{var}")))
    };
    let (name, value) = match &profile.auth {
        None => return Ok(None),
        Some(Auth::Basic) => {
            let (Some(user), Some(password)) =
                (given(&options.username, "USERNAME"), given(&options.password, "PASSWORD"))
            else {
                return Err(invalid(format!(
                    "no credentials: pass username and password, or set {prefix}_USERNAME and {prefix}_PASSWORD"
                )));
            };
            (
                AUTHORIZATION,
                format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))),
            )
        }
        Some(auth) => {
            let key = given(&options.api_key, "API_KEY")
                .ok_or_else(|| invalid(format!("no API key: pass api_key or set {prefix}_API_KEY")))?;
            match auth {
                Auth::Header(header) => (
                    HeaderName::try_from(header.as_str())
                        .map_err(|_| invalid(format!("{header:?} is not a header name")))?,
                    key,
                ),
                _ => (AUTHORIZATION, format!("Bearer {key}")),
            }
        }
    };
    let mut value = HeaderValue::from_str(&value)
        .map_err(|_| invalid("the credentials contain characters not allowed in a header"))?;
    value.set_sensitive(true);
    Ok(Some((name, value)))
}

fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let name = HeaderName::try_from(name).map_err(|_| invalid(format!("{name:?} is not a header name")))?;
    let value =
        HeaderValue::from_str(value).map_err(|_| invalid(format!("the value of {name} is not allowed in a header")))?;
    Ok((name, value))
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// What a path segment keeps as is: RFC 3986's unreserved characters; the rest is encoded.
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes a path segment: everything but RFC 3986's unreserved characters.
fn encode_segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

/// A 2xx body as JSON; an empty body is `null`.
fn decode(answer: &Answer) -> Result<Value, Error> {
    if answer.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&answer.body).map_err(|e| {
        let start: String = String::from_utf8_lossy(&answer.body).chars().take(200).collect();
        Error::new(
            ErrorKind::InvalidResponse,
            format!("the API answered {} with a body that is not JSON ({e}): {start}", answer.status),
        )
    })
}

fn transport_error(e: &reqwest::Error) -> (Failure, Error) {
    let failure = if e.is_connect() { Failure::Connect } else { Failure::AfterSend };
    let error = if e.is_timeout() {
        Error::new(ErrorKind::Timeout, format!("the request timed out: {e}"))
    } else {
        Error::new(ErrorKind::Connection, format!("the connection failed: {e}"))
    };
    (failure, error)
}

/// `idk_` and 32 random hex digits (a v4 UUID's, without its dashes).
pub(crate) fn new_idempotency_key() -> String {
    format!("idk_{}", uuid::Uuid::new_v4().simple())
}

/// The trace a logical call (one [`Api::call`], with all its retries) belongs to. The caller's own
/// `traceparent` (an operation's header argument) is sent as given on every attempt; otherwise the
/// call starts a trace of its own: one trace id for all its attempts, a new parent (span) id for
/// each, sampled.
enum Trace {
    /// The caller set the header: the engine adds none.
    Given,
    /// The trace of this call.
    Own(TraceId),
}

impl Trace {
    fn of(request: &Request) -> Trace {
        if request.headers.iter().any(|(name, _)| name.as_str().eq_ignore_ascii_case(TRACEPARENT)) {
            Trace::Given
        } else {
            Trace::Own(TraceId::new())
        }
    }

    /// The header of the next attempt: the call's trace id and a fresh parent id.
    fn traceparent(&self) -> Option<HeaderValue> {
        let Trace::Own(trace_id) = self else { return None };
        HeaderValue::try_from(trace_id.traceparent()).ok()
    }
}
