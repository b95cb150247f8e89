//! The hookwise reference API server: jobs that run inside it, webhook endpoints, and signed
//! deliveries with retries, all stored in SQLite so state survives restarts. The contract is
//! `profiles/hookwise.yaml`, served at `/openapi.json`.

mod api;
mod chaos;
mod db;
mod delivery;
mod error;
mod prune;
mod runner;
mod secrets;
mod targets;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::db::Db;
use crate::error::{ApiError, TRACE_ID};

/// How the server runs. `Default` gives the documented defaults. `Debug` never shows the keys or
/// the secret.
#[derive(Clone)]
pub struct Config {
    /// Where the SQLite file and results live.
    pub data_dir: PathBuf,
    /// Where to listen (default `127.0.0.1:8080`; port 0 picks one).
    pub bind: SocketAddr,
    /// Accepted API keys (`Authorization: Bearer …`).
    pub api_keys: Vec<String>,
    /// The preset deliveries are signed with (default `standard`).
    pub scheme: String,
    /// Delays before each retry of a failed delivery (default 1 s, 4 s, 16 s).
    pub retry_schedule: Vec<Duration>,
    /// Consecutive failed deliveries after which an endpoint is disabled (default 5).
    pub disable_after: u32,
    /// Probability of an injected fault per API request (default 0).
    pub chaos: f64,
    /// Lifetime of signed result URLs (default 900 s).
    pub signed_url_ttl: Duration,
    /// The secret deliveries to a job's `callback_url` are signed with (default: generated once).
    pub callback_secret: Option<String>,
    /// How long a client may take to send a request's headers, and then its body (default 30 s):
    /// a slow client cannot hold a connection and its task open for long.
    pub read_timeout: Duration,
    /// Whether deliveries may go to loopback, private, link-local and other non-public addresses
    /// (default no: the server would otherwise let API callers reach its own network).
    pub allow_private_targets: bool,
}

/// The API key a server accepts when given none; refused on any address but loopback.
pub const DEFAULT_API_KEY: &str = "hw_test_key";

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("bind", &self.bind)
            .field("api_keys", &self.api_keys.iter().map(|_| secrets::Redacted).collect::<Vec<_>>())
            .field("scheme", &self.scheme)
            .field("retry_schedule", &self.retry_schedule)
            .field("disable_after", &self.disable_after)
            .field("chaos", &self.chaos)
            .field("signed_url_ttl", &self.signed_url_ttl)
            .field("callback_secret", &self.callback_secret.as_ref().map(|_| secrets::Redacted))
            .field("read_timeout", &self.read_timeout)
            .field("allow_private_targets", &self.allow_private_targets)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("hookwise-data"),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            api_keys: vec![DEFAULT_API_KEY.to_owned()],
            scheme: "standard".to_owned(),
            retry_schedule: [1, 4, 16].map(Duration::from_secs).to_vec(),
            disable_after: 5,
            chaos: 0.0,
            signed_url_ttl: Duration::from_secs(900),
            callback_secret: None,
            read_timeout: Duration::from_secs(30),
            allow_private_targets: false,
        }
    }
}

/// Shared by every handler and worker.
pub(crate) struct AppState {
    pub(crate) config: Config,
    pub(crate) db: Db,
    pub(crate) base_url: String,
    pub(crate) url_key: Vec<u8>,
    pub(crate) callback_secret: String,
    pub(crate) deliveries: tokio::sync::Notify,
    pub(crate) http: reqwest::Client,
    /// One permit per running job.
    pub(crate) job_slots: tokio::sync::Semaphore,
}

/// Why the server could not start.
#[derive(Debug)]
pub struct StartError(String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    shutdown: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests and waits for the server to finish.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// A new prefixed ULID: `job_01J…`.
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", ulid::Ulid::new())
}

/// Now, as unix seconds (fractional).
pub(crate) fn now_secs() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// Now, as RFC 3339.
pub(crate) fn now_rfc3339() -> String {
    hookwise::webhook::format_rfc3339(hookwise::webhook::unix_now()).unwrap_or_default()
}

async fn trace(request: Request, next: Next) -> Response {
    let trace_id = new_id("trc");
    let mut response = TRACE_ID.scope(trace_id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&trace_id) {
        response.headers_mut().insert("x-trace-id", value);
    }
    response
}

async fn auth(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let key = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match key {
        Some(k) if secrets::key_matches(&state.config.api_keys, k) => next.run(request).await,
        Some(_) => ApiError::new(axum::http::StatusCode::UNAUTHORIZED, "unauthorized", "the API key is not valid")
            .into_response(),
        None => ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing API key: send Authorization: Bearer <key>",
        )
        .into_response(),
    }
}

async fn fallback() -> ApiError {
    ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "no such route")
}

fn router(state: Arc<AppState>) -> Router {
    let v1 = Router::new()
        .route("/v1/jobs", post(api::create_job).get(api::list_jobs))
        .route("/v1/jobs/{id}", get(api::get_job))
        .route("/v1/jobs/{id}/result", get(api::job_result))
        .route("/v1/jobs/{id}/cancel", post(api::cancel_job))
        .route("/v1/webhooks", post(api::register_webhook).get(api::list_webhooks))
        .route("/v1/webhooks/{id}", get(api::get_webhook).patch(api::update_webhook).delete(api::delete_webhook))
        .route("/v1/webhooks/{id}/rotate-secret", post(api::rotate_secret))
        .route("/v1/webhooks/{id}/deliveries", get(api::deliveries))
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), chaos::inject))
        .layer(middleware::from_fn_with_state(state.clone(), auth));
    Router::new()
        .merge(v1)
        .route("/v1/results/{id}", get(api::download_result))
        .route("/openapi.json", get(api::openapi))
        .method_not_allowed_fallback(api::method_not_allowed)
        .fallback(fallback)
        .layer(middleware::from_fn(trace))
        .with_state(state)
}

/// Starts the server: opens the data dir, resumes unfinished jobs and pending deliveries, and
/// listens.
///
/// # Errors
/// When the data dir, the database, the scheme or the address cannot be used, or the default API
/// key would be accepted on an address other than loopback.
pub async fn serve(config: Config) -> Result<Server, StartError> {
    if !config.bind.ip().is_loopback() && config.api_keys.iter().any(|k| k == DEFAULT_API_KEY) {
        return Err(StartError(format!(
            "the default API key {DEFAULT_API_KEY} is accepted only on loopback; to listen on {}, pass --api-key \
             with a key of your own",
            config.bind.ip()
        )));
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    hookwise::webhook::preset(&config.scheme).map_err(|e| StartError(e.message().to_owned()))?;
    std::fs::create_dir_all(config.data_dir.join("results"))
        .map_err(|e| StartError(format!("cannot create data dir {}: {e}", config.data_dir.display())))?;
    let db = Db::open(&config.data_dir).map_err(|e| StartError(format!("cannot open the database: {e}")))?;
    prune::prune(&db.lock()).map_err(|e| StartError(format!("cannot prune old records: {e}")))?;
    let fresh = || secrets::new_secret().map_err(|e| StartError(format!("no randomness for a secret: {e}")));
    let url_key = db
        .meta_or_insert("signed_url_key", fresh()?)
        .map_err(|e| StartError(format!("cannot read the database: {e}")))?;
    let callback_secret = match &config.callback_secret {
        Some(s) => {
            secrets::check(&config.scheme, s)
                .map_err(|e| StartError(format!("--callback-secret: {}", e.into_message())))?;
            s.clone()
        }
        None => db.meta_or_insert("callback_secret", fresh()?).map_err(|e| StartError(e.to_string()))?,
    };
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| StartError(format!("cannot listen on {}: {e}", config.bind)))?;
    let addr = listener.local_addr().map_err(|e| StartError(e.to_string()))?;
    let http = targets::client(config.allow_private_targets)
        .map_err(|e| StartError(format!("cannot build the HTTP client: {e}")))?;
    let state = Arc::new(AppState {
        config,
        db,
        base_url: format!("http://{addr}"),
        url_key: url_key.into_bytes(),
        callback_secret,
        deliveries: tokio::sync::Notify::new(),
        http,
        job_slots: tokio::sync::Semaphore::new(runner::MAX_RUNNING),
    });
    runner::resume(&state).map_err(|e| StartError(format!("cannot resume jobs: {e}")))?;
    let (shutdown, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(delivery::work(state.clone(), shutdown.subscribe()));
    let pruner = tokio::spawn(prune::every_hour(state.clone()));
    let read_timeout = state.config.read_timeout;
    let app = router(state);
    let task = tokio::spawn(async move {
        accept(listener, app, read_timeout, stopped).await;
        worker.abort();
        pruner.abort();
    });
    Ok(Server { addr, shutdown, task })
}

/// Serves connections from `listener` until `stopped` turns true, then lets the open ones finish.
/// (`axum::serve` sets no timer, so hyper's header read timeout would not apply.)
async fn accept(
    listener: tokio::net::TcpListener,
    app: Router,
    read_timeout: Duration,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(async move {
        let _ = stopped.wait_for(|s| *s).await;
    });
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    eprintln!("hookwise serve: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        tokio::spawn(graceful.watch(connection));
    }
    graceful.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_debug_never_shows_keys_or_secrets() {
        let config = Config {
            api_keys: vec!["hw_live_do_not_print".to_owned()],
            callback_secret: Some("whsec_ZG8tbm90LXByaW50LWVpdGhlcg==".to_owned()),
            ..Config::default()
        };
        let shown = format!("{config:?} {config:#?}");
        assert!(!shown.contains("do_not_print") && !shown.contains("ZG8tbm90"), "{shown}");
        assert!(shown.contains("<redacted>") && shown.contains("retry_schedule"), "{shown}");
    }
}
