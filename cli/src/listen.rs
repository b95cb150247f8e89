//! `listen` (a local receiver that verifies and pretty-prints each delivery) and `trigger`
//! (send a signed test event).

use std::process::ExitCode;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use clap::Args;
use hookwise::webhook::{format_rfc3339, unix_now, Outgoing};
use hookwise::Webhook;

use crate::secret;
use crate::webhook::{fail, load_scheme};

/// `hookwise listen`
#[derive(Args)]
pub struct ListenArgs {
    /// The port to listen on (127.0.0.1).
    #[arg(long, default_value_t = 4242)]
    port: u16,
    /// A preset name, or a scheme JSON file.
    #[arg(long, default_value = "standard")]
    scheme: String,
    /// The signing secret, or `@PATH` to read it from a file (repeatable).
    #[arg(long = "secret", env = "HOOKWISE_SECRET", hide_env_values = true, required = true, value_parser = secret::value)]
    secrets: Vec<String>,
}

/// `hookwise trigger`
#[derive(Args)]
pub struct TriggerArgs {
    /// The event type, e.g. `job.succeeded`.
    event_type: String,
    /// Where to send it.
    #[arg(long)]
    to: String,
    /// A preset name, or a scheme JSON file.
    #[arg(long, default_value = "standard")]
    scheme: String,
    /// The signing secret, or `@PATH` to read it from a file.
    #[arg(long, env = "HOOKWISE_SECRET", hide_env_values = true, value_parser = secret::value)]
    secret: String,
    /// The event's `data` as JSON (default: a sample job).
    #[arg(long)]
    data: Option<String>,
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()
}

/// `hookwise listen`: answers 200 to verified deliveries and 400 with the error code otherwise.
pub fn listen(args: ListenArgs) -> std::io::Result<ExitCode> {
    let hook = match load_scheme(&args.scheme).and_then(|s| Webhook::new(s, &args.secrets)) {
        Ok(hook) => Arc::new(hook),
        Err(e) => return Ok(fail(&e)),
    };
    runtime()?.block_on(async move {
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let hook = hook.clone();
            async move {
                let pairs: Vec<(String, String)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect();
                match hook.verify(&body, &pairs) {
                    Ok(event) => {
                        let pretty = serde_json::to_string_pretty(&event).unwrap_or_else(|_| event.to_json());
                        println!("✔ verified {}\n{pretty}", event.event_type.as_deref().unwrap_or("event"));
                        (StatusCode::OK, "ok\n".to_owned())
                    }
                    Err(e) => {
                        println!("✘ refused: {}: {}", e.code(), e.message());
                        (StatusCode::BAD_REQUEST, format!("{}\n", e.code()))
                    }
                }
            }
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
        println!("hookwise listen on http://{} (scheme {})", listener.local_addr()?, args.scheme);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// `hookwise trigger`: sends one signed event; exit 0 if the receiver answered 2xx.
pub fn trigger(args: TriggerArgs) -> std::io::Result<ExitCode> {
    let hook = match load_scheme(&args.scheme).and_then(|s| Webhook::new(s, [&args.secret])) {
        Ok(hook) => hook,
        Err(e) => return Ok(fail(&e)),
    };
    let data = args
        .data
        .as_deref()
        .unwrap_or(r#"{"job":{"id":"job_test","kind":"test","status":"succeeded","progress_pct":100}}"#);
    let now = unix_now();
    let (id, created) = (format!("evt_test_{now}"), format_rfc3339(now).unwrap_or_default());
    let event = Outgoing::new(&id, &args.event_type, &created);
    let built = event.body(data).and_then(|body| Ok((event.headers(&hook, body.as_bytes(), Some(now))?, body)));
    let (headers, body) = match built {
        Ok(built) => built,
        Err(e) => return Ok(fail(&e)),
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    runtime()?.block_on(async move {
        let client = reqwest::Client::new();
        let mut request = client.post(&args.to).body(body);
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                println!("{} → {status}", args.to);
                Ok(if status.is_success() { ExitCode::SUCCESS } else { ExitCode::from(1) })
            }
            Err(e) => {
                eprintln!("connection_error: {e}");
                Ok(ExitCode::from(1))
            }
        }
    })
}
