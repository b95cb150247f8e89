//! `hookwise jobs create|get|list|wait`: drive the jobs API from a terminal or a script.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use futures_util::TryStreamExt as _;
use hookwise::client::{Client, CreateJob, Job, JobStatus, ListJobs};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where the API is and how to print: shared by `jobs` and `webhooks`.
#[derive(Args)]
pub struct ApiArgs {
    /// The API key, or `@PATH` to read it from a file (default: the local server's test key).
    #[arg(
        long,
        env = "HOOKWISE_API_KEY",
        hide_env_values = true,
        default_value = "hw_test_key",
        hide_default_value = true,
        value_parser = crate::secret::value
    )]
    api_key: String,
    /// The API's base URL (default: `HOOKWISE_BASE_URL`, else the profile's server, `http://127.0.0.1:8080`).
    #[arg(long)]
    base_url: Option<String>,
    /// Print JSON (one object; for scripts) instead of text.
    #[arg(long, global = true)]
    json: bool,
}

impl ApiArgs {
    /// Runs `call` with a client on a fresh runtime; API errors become `CODE: message` and exit 1.
    pub fn run<F, Fut>(&self, call: F) -> std::io::Result<ExitCode>
    where
        F: FnOnce(Client, bool) -> Fut,
        Fut: std::future::Future<Output = std::io::Result<Result<ExitCode, hookwise::client::Error>>>,
    {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let outcome =
            Client::connect(Some(&self.api_key), self.base_url.as_deref(), hookwise::client::ClientOptions::default())
                .map(|client| runtime.block_on(call(client, self.json)));
        match outcome {
            Ok(Ok(Ok(code))) => Ok(code),
            Ok(Err(io)) => Err(io),
            Ok(Ok(Err(e))) | Err(e) => {
                eprintln!("{}: {e}", e.code());
                Ok(ExitCode::from(1))
            }
        }
    }
}

/// Prints `value` as JSON, or `text()` for a human.
pub fn print<T: serde::Serialize>(json: bool, value: &T, text: impl FnOnce() -> String) -> std::io::Result<()> {
    let out = if json { serde_json::to_string(value).map_err(std::io::Error::other)? } else { text() };
    writeln!(std::io::stdout().lock(), "{out}")
}

/// `hookwise jobs`
#[derive(Args)]
pub struct JobsArgs {
    #[command(flatten)]
    api: ApiArgs,
    #[command(subcommand)]
    command: JobsCommand,
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Enqueue a job.
    Create {
        /// What kind of work.
        kind: String,
        /// The payload as JSON.
        #[arg(long)]
        payload: Option<String>,
        /// Where to deliver the finishing event too.
        #[arg(long)]
        callback_url: Option<String>,
        /// `public`, `internal`, `confidential` or `restricted`.
        #[arg(long)]
        secrecy_level: Option<String>,
        /// The idempotency key (default: generated).
        #[arg(long)]
        idempotency_key: Option<String>,
        /// Wait for the job to finish, showing progress.
        #[arg(long)]
        wait: bool,
    },
    /// Show a job.
    Get {
        /// The job id.
        id: String,
    },
    /// List jobs (every page with --all).
    List {
        /// Only this kind.
        #[arg(long)]
        kind: Option<String>,
        /// Only this status.
        #[arg(long, value_parser = parse_status)]
        status: Option<JobStatus>,
        /// Page size.
        #[arg(long)]
        limit: Option<u32>,
        /// Continue from a cursor.
        #[arg(long)]
        cursor: Option<String>,
        /// Follow every page.
        #[arg(long)]
        all: bool,
    },
    /// Wait for a job to finish, with a progress bar.
    Wait {
        /// The job id.
        id: String,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 300.0)]
        timeout: f64,
    },
}

fn parse_status(s: &str) -> Result<JobStatus, String> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| format!("unknown status {s:?} (queued, running, succeeded, failed, canceled)"))
}

fn line(job: &Job) -> String {
    format!("{}  {:<10} {:>3}%  {}  {}", job.id, job.status.as_str(), job.progress_pct, job.kind, job.created_at)
}

/// A progress bar on stderr (hidden when stderr is not a terminal, and with `--json`).
fn progress_bar(quiet: bool) -> ProgressBar {
    let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
    let bar = ProgressBar::with_draw_target(Some(100), target);
    if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:20}] {pos:>3}% {msg:<10}") {
        bar.set_style(style.progress_chars("#>-"));
    }
    bar
}

async fn wait(client: &Client, id: &str, timeout: Duration, quiet: bool) -> Result<Job, hookwise::client::Error> {
    let bar = progress_bar(quiet);
    bar.set_prefix(id.to_owned());
    let mut show = |job: &Job| {
        bar.set_position(u64::from(job.progress_pct.min(100)));
        bar.set_message(job.status.as_str());
    };
    let job = client.jobs.wait(id, timeout, Some(&mut show)).await;
    // Left as it ends: `finish` would show 100 % for a job that failed on the way.
    bar.abandon();
    job
}

/// `hookwise jobs …`: exit 0 on success, 1 with `CODE: message` on stderr otherwise (and 1 when
/// a waited job did not succeed).
pub fn run(args: JobsArgs) -> std::io::Result<ExitCode> {
    let finished = |done: &Job| if done.status == JobStatus::Succeeded { ExitCode::SUCCESS } else { ExitCode::from(1) };
    args.api.run(|client, json| async move {
        Ok(match args.command {
            JobsCommand::Create { kind, payload, callback_url, secrecy_level, idempotency_key, wait: then_wait } => {
                let payload = match payload.map(|p| serde_json::from_str(&p)).transpose() {
                    Ok(p) => p,
                    Err(e) => {
                        eprintln!("invalid_request: --payload is not JSON: {e}");
                        return Ok(Ok(ExitCode::from(1)));
                    }
                };
                let mut params = CreateJob::new(kind);
                params.payload = payload;
                params.callback_url = callback_url;
                params.secrecy_level = secrecy_level;
                params.idempotency_key = idempotency_key;
                match client.jobs.create(params).await {
                    Ok(job) if then_wait => match wait(&client, &job.id, Duration::from_secs(3600), json).await {
                        Ok(done) => print(json, &done, || line(&done)).map(|()| Ok(finished(&done)))?,
                        Err(e) => Err(e),
                    },
                    Ok(job) => print(json, &job, || line(&job)).map(|()| Ok(ExitCode::SUCCESS))?,
                    Err(e) => Err(e),
                }
            }
            JobsCommand::Get { id } => match client.jobs.get(&id).await {
                Ok(job) => print(json, &job, || serde_json::to_string_pretty(&job).unwrap_or_default())
                    .map(|()| Ok(ExitCode::SUCCESS))?,
                Err(e) => Err(e),
            },
            JobsCommand::List { kind, status, limit, cursor, all } => {
                let mut params = ListJobs::default();
                params.kind = kind;
                params.status = status;
                params.limit = limit;
                params.cursor = cursor;
                if all {
                    match client.jobs.list_all(params).try_collect::<Vec<Job>>().await {
                        Ok(jobs) => print(json, &jobs, || jobs.iter().map(line).collect::<Vec<_>>().join("\n"))
                            .map(|()| Ok(ExitCode::SUCCESS))?,
                        Err(e) => Err(e),
                    }
                } else {
                    match client.jobs.list(&params).await {
                        Ok(page) => print(json, &page, || {
                            let mut text: Vec<String> = page.jobs.iter().map(line).collect();
                            text.push(format!("{} of {} jobs", page.jobs.len(), page.total_count));
                            if let Some(next) = &page.next_cursor {
                                text.push(format!("next page: --cursor {next}"));
                            }
                            text.join("\n")
                        })
                        .map(|()| Ok(ExitCode::SUCCESS))?,
                        Err(e) => Err(e),
                    }
                }
            }
            JobsCommand::Wait { id, timeout } => {
                let timeout = Duration::try_from_secs_f64(timeout.max(0.0)).unwrap_or(Duration::MAX);
                match wait(&client, &id, timeout, json).await {
                    Ok(done) => print(json, &done, || line(&done)).map(|()| Ok(finished(&done)))?,
                    Err(e) => Err(e),
                }
            }
        })
    })
}
