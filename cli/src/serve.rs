//! `hookwise serve`: the reference API server.

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use hookwise_server::Config;

/// `hookwise serve`
#[derive(Args)]
pub struct ServeArgs {
    /// Where the SQLite database and results live (default: a per-user data dir).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// The address to bind (loopback by default).
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// The port (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// An accepted API key, or `@PATH` to read it from a file (repeatable, or comma-separated in
    /// `HOOKWISE_API_KEY`; default `hw_test_key`, which only a loopback bind accepts).
    #[arg(long = "api-key", env = "HOOKWISE_API_KEY", hide_env_values = true, value_delimiter = ',', value_parser = crate::secret::value)]
    api_keys: Vec<String>,
    /// The preset deliveries are signed with.
    #[arg(long, default_value = "standard")]
    scheme: String,
    /// Seconds before each delivery retry, comma-separated (each ± 20 % at random).
    #[arg(long, default_value = "1,4,16", value_parser = parse_schedule)]
    retry_schedule: Schedule,
    /// Consecutive failed deliveries that disable an endpoint.
    #[arg(long, default_value_t = 5)]
    disable_after: u32,
    /// Probability (0 to 1) of an injected fault per API request.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    chaos: f64,
    /// Lifetime of signed result URLs, in seconds.
    #[arg(long, default_value_t = 900)]
    signed_url_ttl: u64,
    /// The secret deliveries to a job's `callback_url` are signed with, or `@PATH` to read it
    /// from a file (default: generated once).
    #[arg(long, env = "HOOKWISE_CALLBACK_SECRET", hide_env_values = true, value_parser = crate::secret::value)]
    callback_secret: Option<String>,
    /// Seconds a client may take to send a request's headers, and then its body.
    #[arg(long, default_value = "30", value_parser = parse_timeout)]
    read_timeout: Duration,
    /// Let deliveries go to loopback, private, link-local and other non-public addresses (off by
    /// default: the server would otherwise reach into its own network for API callers).
    #[arg(long)]
    allow_private_targets: bool,
    /// Log as JSON lines (default: text lines). Logs go to stderr; `HOOKWISE_LOG` filters them
    /// (default `info`; `debug` adds a line per request, with its request id and trace id).
    #[arg(long)]
    log_json: bool,
}

#[derive(Clone)]
struct Schedule(Vec<Duration>);

fn parse_seconds(s: &str) -> Result<Duration, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| format!("{s:?} is not a number of seconds"))
}

fn parse_schedule(s: &str) -> Result<Schedule, String> {
    s.split(',').map(parse_seconds).collect::<Result<_, _>>().map(Schedule)
}

fn parse_probability(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("{s:?} is not a probability from 0 to 1"))
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    parse_seconds(s).and_then(|d| if d.is_zero() { Err("a timeout must be over 0 seconds".to_owned()) } else { Ok(d) })
}

/// The platform's per-user data dir for hookwise (`$XDG_DATA_HOME/hookwise` or
/// `~/.local/share/hookwise` on Linux, `~/Library/Application Support/hookwise` on macOS,
/// `%APPDATA%\hookwise\data` on Windows); `./hookwise` when there is no home directory.
fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "hookwise")
        .map_or_else(|| PathBuf::from(".").join("hookwise"), |dirs| dirs.data_dir().to_path_buf())
}

/// Structured log lines on stderr (stdout keeps the startup lines scripts read).
fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOOKWISE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    // Only the first subscriber of a process counts: a second `run` keeps it.
    let _ = if json { logs.json().try_init() } else { logs.try_init() };
}

async fn stopped() {
    #[cfg(unix)]
    {
        if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs the server until SIGINT or SIGTERM; prints `hookwise serve listening on <url>` first.
pub fn run(args: ServeArgs) -> std::io::Result<ExitCode> {
    let config = Config {
        data_dir: args.data_dir.unwrap_or_else(default_data_dir),
        bind: SocketAddr::new(args.bind, args.port),
        api_keys: if args.api_keys.is_empty() {
            vec![hookwise_server::DEFAULT_API_KEY.to_owned()]
        } else {
            args.api_keys
        },
        scheme: args.scheme,
        retry_schedule: args.retry_schedule.0,
        disable_after: args.disable_after,
        chaos: args.chaos,
        signed_url_ttl: Duration::from_secs(args.signed_url_ttl),
        callback_secret: args.callback_secret,
        read_timeout: args.read_timeout,
        allow_private_targets: args.allow_private_targets,
    };
    init_logging(args.log_json);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let data_dir = config.data_dir.clone();
        let server = match hookwise_server::serve(config).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "serve_error");
                return Ok(ExitCode::from(1));
            }
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "hookwise serve listening on {}", server.base_url())?;
        writeln!(out, "data in {}", data_dir.display())?;
        out.flush()?;
        drop(out);
        stopped().await;
        server.shutdown().await;
        Ok(ExitCode::SUCCESS)
    })
}
