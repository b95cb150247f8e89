//! The hookwise reference API server: jobs that run inside it, webhook endpoints, and signed
//! deliveries with retries, all stored in SQLite so state survives restarts. The contract is
//! `profiles/hookwise.yaml`, served at `/openapi.json`.

mod chaos;
mod dashboard;
mod delivery;
mod error;
mod prune;
mod routes;
mod runner;
mod secrets;
mod store;
mod targets;
mod trace;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;

use crate::routes::router;
use crate::store::Db;

/// How the server runs. `Default` gives the documented defaults. `Debug` never shows the keys or
/// the secret.
#[derive(Clone)]
pub struct Config {
    /// Where the SQLite file and results live.
    pub data_dir: PathBuf,
    /// Where to listen (default `127.0.0.1:8080`; port 0 picks one).
    pub bind: SocketAddr,
    /// Accepted API keys (`Authorization: Bearer …`). Each sees only its own jobs, endpoints, events
    /// and deliveries; data from before they had owners is the first key's.
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
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| StartError(format!("cannot listen on {}: {e}", config.bind)))?;
    let addr = listener.local_addr().map_err(|e| StartError(e.to_string()))?;
    let state = open(config, format!("http://{addr}"))?;
    runner::resume(&state).map_err(|e| StartError(format!("cannot resume jobs: {e}")))?;
    let (shutdown, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(delivery::work(state.clone(), shutdown.subscribe()));
    let pruner = tokio::spawn(prune::every_hour(state.clone()));
    let read_timeout = state.config.read_timeout;
    let state_dir = state.config.data_dir.clone();
    let app = router(state);
    tracing::info!(address = %addr, data_dir = %state_dir.display(), "hookwise serve started");
    let task = tokio::spawn(async move {
        accept(listener, app, read_timeout, stopped).await;
        worker.abort();
        pruner.abort();
    });
    Ok(Server { addr, shutdown, task })
}

/// The server's routes over its data dir, without a listener and without the delivery and pruning
/// workers: requests are served in process (`tower::ServiceExt::oneshot`). For fuzzing the request
/// decoding; `serve` is the way to run a server.
///
/// # Errors
/// As `serve`, for the data dir, the database and the scheme.
#[doc(hidden)]
pub fn in_process(config: Config) -> Result<Router, StartError> {
    open(config, "http://127.0.0.1".to_owned()).map(router)
}

/// Opens the data dir and the database and builds the state the routes and workers share.
fn open(config: Config, base_url: String) -> Result<Arc<AppState>, StartError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    hookwise::webhook::preset(&config.scheme).map_err(|e| StartError(e.message().to_owned()))?;
    std::fs::create_dir_all(config.data_dir.join("results"))
        .map_err(|e| StartError(format!("cannot create data dir {}: {e}", config.data_dir.display())))?;
    let db = Db::open(&config.data_dir).map_err(|e| StartError(format!("cannot open the database: {e}")))?;
    db.write_blocking(prune::prune).map_err(|e| StartError(format!("cannot prune old records: {e}")))?;
    if let Some(first) = config.api_keys.first() {
        // Jobs, endpoints and events from before they had owners are the first key's.
        let owner = secrets::Caller::of(first);
        db.write_blocking(move |conn| store::adopt(conn, &owner))
            .map_err(|e| StartError(format!("cannot migrate the database: {e}")))?;
    }
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
    let http = targets::client(config.allow_private_targets)
        .map_err(|e| StartError(format!("cannot build the HTTP client: {e}")))?;
    Ok(Arc::new(AppState {
        config,
        db,
        base_url,
        url_key: url_key.into_bytes(),
        callback_secret,
        deliveries: tokio::sync::Notify::new(),
        http,
        job_slots: tokio::sync::Semaphore::new(runner::MAX_RUNNING),
    }))
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
                    tracing::error!(error = %e, "cannot accept a connection");
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
