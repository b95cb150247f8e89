//! `hookwise webhooks register|list|get|delete|rotate-secret|deliveries`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use hookwise::client::{RegisterWebhook, WebhookEndpoint};

use crate::jobs::{print, ApiArgs};

/// `hookwise webhooks`
#[derive(Args)]
pub struct WebhooksArgs {
    #[command(flatten)]
    api: ApiArgs,
    #[command(subcommand)]
    command: WebhooksCommand,
}

#[derive(Subcommand)]
enum WebhooksCommand {
    /// Register an endpoint; prints its secret (shown only now and on rotation).
    Register {
        /// Where to deliver.
        #[arg(long)]
        url: String,
        /// An event type to receive (repeatable; default all).
        #[arg(long = "event")]
        events: Vec<String>,
        /// The signing secret (default: generated).
        #[arg(long)]
        secret: Option<String>,
        /// A label.
        #[arg(long)]
        name: Option<String>,
    },
    /// List endpoints.
    List,
    /// Show an endpoint.
    Get {
        /// The endpoint id.
        id: String,
    },
    /// Delete an endpoint.
    Delete {
        /// The endpoint id.
        id: String,
    },
    /// Replace an endpoint's secret; prints the new one.
    RotateSecret {
        /// The endpoint id.
        id: String,
    },
    /// Show an endpoint's deliveries and their attempts.
    Deliveries {
        /// The endpoint id.
        id: String,
    },
}

fn line(e: &WebhookEndpoint) -> String {
    let secret = e.secret.as_deref().map(|s| format!("  secret {s}")).unwrap_or_default();
    format!("{}  {:<8} {}  events {}{secret}", e.id, e.status, e.url, e.events.join(","))
}

/// `hookwise webhooks …`
pub fn run(args: WebhooksArgs) -> std::io::Result<ExitCode> {
    args.api.run(|client, json| async move {
        let hooks = &client.webhooks;
        let ok = |()| Ok(ExitCode::SUCCESS);
        Ok(match args.command {
            WebhooksCommand::Register { url, events, secret, name } => {
                let events = (!events.is_empty()).then_some(events);
                let mut params = RegisterWebhook::new(url);
                params.events = events;
                params.secret = secret;
                params.name = name;
                match hooks.register(&params).await {
                    Ok(e) => print(json, &e, || line(&e)).map(ok)?,
                    Err(e) => Err(e),
                }
            }
            WebhooksCommand::List => match hooks.list().await {
                Ok(list) => print(json, &list, || list.iter().map(line).collect::<Vec<_>>().join("\n")).map(ok)?,
                Err(e) => Err(e),
            },
            WebhooksCommand::Get { id } => match hooks.get(&id).await {
                Ok(e) => print(json, &e, || line(&e)).map(ok)?,
                Err(e) => Err(e),
            },
            WebhooksCommand::Delete { id } => match hooks.delete(&id).await {
                Ok(d) => print(json, &d, || format!("{} deleted", d.id)).map(ok)?,
                Err(e) => Err(e),
            },
            WebhooksCommand::RotateSecret { id } => match hooks.rotate_secret(&id).await {
                Ok(e) => print(json, &e, || line(&e)).map(ok)?,
                Err(e) => Err(e),
            },
            WebhooksCommand::Deliveries { id } => match hooks.deliveries(&id).await {
                Ok(list) => print(json, &list, || {
                    list.iter()
                        .map(|d| format!("{}  {:<9} {}  {} attempt(s)", d.id, d.status, d.event_type, d.attempts.len()))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .map(ok)?,
                Err(e) => Err(e),
            },
        })
    })
}
