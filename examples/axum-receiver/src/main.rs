//! `HOOKWISE_SECRET=whsec_… cargo run -p axum-receiver` (optional: `HOOKWISE_SCHEME`, default
//! `standard`; `PORT`, default 3000).

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let Ok(secret) = std::env::var("HOOKWISE_SECRET") else {
        eprintln!("set HOOKWISE_SECRET to the endpoint's signing secret");
        return ExitCode::FAILURE;
    };
    let scheme = std::env::var("HOOKWISE_SCHEME").unwrap_or_else(|_| "standard".to_owned());
    let webhook = match hookwise::Webhook::from_preset(&scheme, [secret]) {
        Ok(webhook) => webhook,
        Err(e) => {
            eprintln!("{}: {}", e.code(), e.message());
            return ExitCode::FAILURE;
        }
    };
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let listener = match tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on http://127.0.0.1:{port}/webhooks");
    match axum::serve(listener, axum_receiver::app(webhook)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
