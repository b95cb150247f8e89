//! Any short sequence of HTTP requests to the reference server's routes, served in process
//! (`hookwise_server::in_process`, no listener): every answer is a status below 500, every
//! 4xx/5xx is the API's JSON error shape (`{"error": {"code", "message", "trace_id"}}`, sent as
//! `application/json`), and no answer ever contains the API key.
//!
//! The server is built once per [`GENERATION`] inputs over a fresh data dir (its state carries
//! over between the inputs of one generation, as a live server's does), on a current-thread
//! runtime with a paused clock: after each request the clock moves on, so the jobs that creates
//! start run to their end at once, and their results, events and deliveries exist for later
//! requests. A new generation drops the old runtime (and its job tasks) and data dir, so the
//! process and the disk stay bounded over any number of runs.
#![no_main]
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, Request, StatusCode};
use axum::Router;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use percent_encoding::{AsciiSet, CONTROLS};
use serde_json::{json, Map, Value};
use tower::ServiceExt as _;

const API_KEY: &str = "hw_fuzz_key";
/// Inputs served by one server before it is rebuilt over a fresh data dir.
const GENERATION: u32 = 20_000;
/// Requests of one input that are sent (the rest are ignored).
const MAX_REQUESTS: usize = 4;
/// How far the paused clock moves after each request.
const TICK: Duration = Duration::from_millis(250);
/// What must be escaped for a fuzzed id to stay one path segment (`%` is kept, so raw and
/// malformed escapes reach the id decoding too).
const SEGMENT: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'/').add(b'<').add(b'>').add(b'?').add(b'`').add(b'{').add(b'}');
/// As [`SEGMENT`], for a query string: `&`, `=` and `/` stay as they are.
const QUERY: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>').add(b'`');

struct Server {
    // Fields drop in this order: the runtime (cancelling the job tasks that hold the state), the
    // routes (closing the database), then the data dir.
    runtime: tokio::runtime::Runtime,
    app: Router,
    _dir: tempfile::TempDir,
    served: u32,
}

impl Server {
    fn new() -> Server {
        let dir = tempfile::tempdir().expect("a temporary data dir");
        let config = hookwise_server::Config {
            data_dir: dir.path().to_owned(),
            api_keys: vec![API_KEY.into()],
            ..Default::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a tokio runtime");
        let app = hookwise_server::in_process(config).expect("the server starts");
        Server { runtime, app, _dir: dir, served: 0 }
    }
}

static SERVER: Mutex<Option<Server>> = Mutex::new(None);

#[derive(Arbitrary, Debug)]
enum Method {
    Get,
    Post,
    Patch,
    Delete,
    Put,
    Head,
    Options,
    Trace,
    Connect,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Route {
    Jobs,
    Job(Id),
    JobResult(Id),
    JobCancel(Id),
    Webhooks,
    Webhook(Id),
    RotateSecret(Id),
    Deliveries(Id),
    Result(Id),
    OpenApi,
    Raw(String),
}

/// A path's `{id}`: one created earlier in the same input (or a made-up one of that kind), or any text.
#[derive(Arbitrary, Debug)]
enum Id {
    Job,
    Webhook,
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum Auth {
    Valid,
    Missing,
    Padded,
    Other(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum ContentType {
    Json,
    JsonCharset,
    VendorJson,
    Missing,
    Other(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Text {
    Valid,
    Missing,
    Null,
    Number(i64),
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Payload {
    Missing,
    Work { duration_ms: Option<u64>, fail: bool, extra: Option<(String, String)> },
    NotAnObject(String),
}

#[derive(Arbitrary, Debug)]
enum Event {
    All,
    Succeeded,
    Failed,
    Canceled,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum RequestBody {
    Raw(Vec<u8>),
    CreateJob { kind: Text, payload: Payload, callback_url: Text, secrecy_level: Text, unknown: bool },
    Webhook { url: Text, events: Option<Vec<Event>>, secret: Text, name: Text, status: Text, unknown: bool },
}

#[derive(Arbitrary, Debug)]
struct Call {
    method: Method,
    route: Route,
    query: Option<String>,
    auth: Auth,
    content_type: ContentType,
    idempotency_key: Option<Vec<u8>>,
    headers: Vec<(String, Vec<u8>)>,
    body: RequestBody,
}

/// Ids the server gave out during the current input.
#[derive(Default)]
struct Seen {
    job: Option<String>,
    webhook: Option<String>,
}

impl Id {
    fn segment(&self, seen: &Seen) -> String {
        let text = match self {
            Id::Job => seen.job.as_deref().unwrap_or("job_01JFUZZ00000000000000000000"),
            Id::Webhook => seen.webhook.as_deref().unwrap_or("we_01JFUZZ00000000000000000000"),
            Id::Text(text) => text,
        };
        percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
    }
}

impl Text {
    /// Sets `field` of `object` (`valid` for [`Text::Valid`]; left out for [`Text::Missing`]).
    fn set(&self, object: &mut Map<String, Value>, field: &str, valid: &str) {
        let value = match self {
            Text::Valid => json!(valid),
            Text::Missing => return,
            Text::Null => Value::Null,
            Text::Number(n) => json!(n),
            Text::Other(s) => json!(s),
        };
        object.insert(field.to_owned(), value);
    }
}

impl Event {
    fn name(&self) -> &str {
        match self {
            Event::All => "*",
            Event::Succeeded => "job.succeeded",
            Event::Failed => "job.failed",
            Event::Canceled => "job.canceled",
            Event::Other(s) => s,
        }
    }
}

impl RequestBody {
    fn bytes(&self) -> Vec<u8> {
        let mut object = Map::new();
        match self {
            RequestBody::Raw(bytes) => return bytes.clone(),
            RequestBody::CreateJob { kind, payload, callback_url, secrecy_level, unknown } => {
                kind.set(&mut object, "kind", "transcode");
                match payload {
                    Payload::Missing => {}
                    Payload::Work { duration_ms, fail, extra } => {
                        let mut work = Map::new();
                        if let Some(ms) = duration_ms {
                            work.insert("duration_ms".into(), json!(ms));
                        }
                        if *fail {
                            work.insert("simulate".into(), json!("fail"));
                        }
                        if let Some((k, v)) = extra {
                            work.insert(k.clone(), json!(v));
                        }
                        object.insert("payload".into(), Value::Object(work));
                    }
                    Payload::NotAnObject(s) => {
                        object.insert("payload".into(), json!(s));
                    }
                }
                callback_url.set(&mut object, "callback_url", "https://example.com/callback");
                secrecy_level.set(&mut object, "secrecy_level", "confidential");
                if *unknown {
                    object.insert("unknown".into(), json!(1));
                }
            }
            RequestBody::Webhook { url, events, secret, name, status, unknown } => {
                url.set(&mut object, "url", "https://example.com/hook");
                if let Some(events) = events {
                    object.insert("events".into(), events.iter().map(Event::name).collect());
                }
                secret.set(&mut object, "secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
                name.set(&mut object, "name", "fuzz");
                status.set(&mut object, "status", "disabled");
                if *unknown {
                    object.insert("unknown".into(), json!(1));
                }
            }
        }
        Value::Object(object).to_string().into_bytes()
    }
}

impl Call {
    /// The request, or `None` when the fuzzed method, path or query cannot be one.
    fn request(&self, seen: &Seen) -> Option<Request<Body>> {
        let method = match &self.method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Put => "PUT",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
            Method::Connect => "CONNECT",
            Method::Other(m) => m,
        };
        let mut uri = match &self.route {
            Route::Jobs => "/v1/jobs".to_owned(),
            Route::Job(id) => format!("/v1/jobs/{}", id.segment(seen)),
            Route::JobResult(id) => format!("/v1/jobs/{}/result", id.segment(seen)),
            Route::JobCancel(id) => format!("/v1/jobs/{}/cancel", id.segment(seen)),
            Route::Webhooks => "/v1/webhooks".to_owned(),
            Route::Webhook(id) => format!("/v1/webhooks/{}", id.segment(seen)),
            Route::RotateSecret(id) => format!("/v1/webhooks/{}/rotate-secret", id.segment(seen)),
            Route::Deliveries(id) => format!("/v1/webhooks/{}/deliveries", id.segment(seen)),
            Route::Result(id) => format!("/v1/results/{}", id.segment(seen)),
            Route::OpenApi => "/openapi.json".to_owned(),
            Route::Raw(path) => format!("/{}", percent_encoding::utf8_percent_encode(path, QUERY)),
        };
        if let Some(query) = &self.query {
            uri = format!("{uri}?{}", percent_encoding::utf8_percent_encode(query, QUERY));
        }
        let mut request = Request::builder().method(method).uri(uri);
        let auth = match &self.auth {
            Auth::Valid => Some(format!("Bearer {API_KEY}").into_bytes()),
            Auth::Missing => None,
            Auth::Padded => Some(format!("Bearer  {API_KEY} ").into_bytes()),
            Auth::Other(bytes) => Some(bytes.clone()),
        };
        let content_type = match &self.content_type {
            ContentType::Json => Some(b"application/json".to_vec()),
            ContentType::JsonCharset => Some(b"Application/JSON; charset=utf-8".to_vec()),
            ContentType::VendorJson => Some(b"application/merge-patch+json".to_vec()),
            ContentType::Missing => None,
            ContentType::Other(bytes) => Some(bytes.clone()),
        };
        let fixed = [
            (header::AUTHORIZATION.as_str(), auth.as_deref()),
            (header::CONTENT_TYPE.as_str(), content_type.as_deref()),
            ("idempotency-key", self.idempotency_key.as_deref()),
        ];
        let fuzzed = self.headers.iter().map(|(name, value)| (name.as_str(), Some(value.as_slice())));
        for (name, value) in fixed.into_iter().chain(fuzzed) {
            if let Some(value) = value {
                // Names and values no client could send are skipped, not sent.
                if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(value))
                {
                    request = request.header(name, value);
                }
            }
        }
        request.body(Body::from(self.body.bytes())).ok()
    }
}

/// Sends `request`, checks the answer, and returns its status and body.
async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let head = request.method() == axum::http::Method::HEAD;
    let response = app.clone().oneshot(request).await.expect("the router is infallible");
    let status = response.status();
    let json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v == "application/json");
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("an in-memory body");
    assert!(!status.is_server_error(), "{status}: {}", String::from_utf8_lossy(&bytes));
    assert!(!bytes.windows(API_KEY.len()).any(|w| w == API_KEY.as_bytes()), "the API key is in an answer");
    if !status.is_client_error() {
        return (status, serde_json::from_slice(&bytes).unwrap_or_default());
    }
    assert!(json, "{status} is not sent as application/json: {}", String::from_utf8_lossy(&bytes));
    if head {
        return (status, Value::Null);
    }
    let body: Value = serde_json::from_slice(&bytes).expect("an error body is JSON");
    let error = body.get("error").and_then(Value::as_object).expect("an error body is {\"error\": {…}}");
    assert_eq!(body.as_object().map(Map::len), Some(1), "{body}");
    assert!(error.get("code").is_some_and(Value::is_string), "{body}");
    assert!(error.get("message").is_some_and(Value::is_string), "{body}");
    assert!(error.get("trace_id").is_some_and(Value::is_string), "{body}");
    (status, body)
}

fuzz_target!(|calls: Vec<Call>| {
    let mut server = SERVER.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if server.as_ref().is_some_and(|s| s.served >= GENERATION) {
        *server = None; // The old one goes before the new one is built.
    }
    let server = server.get_or_insert_with(Server::new);
    server.served += 1;
    let mut seen = Seen::default();
    for call in calls.iter().take(MAX_REQUESTS) {
        let Some(request) = call.request(&seen) else { continue };
        let (status, body) = server.runtime.block_on(async {
            let answer = send(&server.app, request).await;
            // Let the jobs that this and earlier requests started move on.
            tokio::time::sleep(TICK).await;
            answer
        });
        // Ids carry their kind: `job_…`, `we_…`.
        match body.get("id").and_then(Value::as_str) {
            Some(id) if status.is_success() && id.starts_with("job_") => seen.job = Some(id.to_owned()),
            Some(id) if status.is_success() && id.starts_with("we_") => seen.webhook = Some(id.to_owned()),
            _ => {}
        }
    }
});
