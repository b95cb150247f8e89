// Generated from ../dispatch.rs.j2 by generator/tests/rust.rs (`HOOKWISE_BLESS=1` rewrites it); do not edit.
//! Each profile's calls through its generated crate: the case's operation and mode pick the typed
//! method; the JSON arguments become its typed parameters.

use crate::{answer, client, download, items, known, optional, required, timeout, verify, waited};
use crate::{Call, Failure, Mode, Played, Vector};

/// The profiles with a webhook scheme, and the scheme's name (its vectors' file).
pub const SCHEMES: &[(&str, &str)] = &[
    ("hookwise", "standard"),
    ("argus", "argus"),
    ("gabinete360", "gabinete360"),
    ("argyle", "argyle"),
    ("auggie", "auggie"),
    ("asg", "asg"),
];

/// Plays `call` with the crate of its profile.
pub(crate) async fn play(call: &Call) -> Result<Played, Failure> {
    match call.profile.file_stem().and_then(|s| s.to_str()) {
        Some("hookwise") => hookwise_api(call).await,
        Some("argus") => argus(call).await,
        Some("gabinete360") => gabinete360(call).await,
        Some("argyle") => argyle(call).await,
        Some("auggie") => auggie(call).await,
        Some("asg") => asg(call).await,
        other => Err(Failure::Harness(format!("no generated crate for the profile {other:?}"))),
    }
}

/// Verifies `vector` with the generated `Webhook` of `profile`.
pub(crate) fn verify(profile: &str, vector: &Vector) -> Option<Result<hookwise::Event, hookwise::Error>> {
    match profile {
        "hookwise" => Some(verify!(hookwise_api::Webhook, vector)),
        "argus" => Some(verify!(argus::Webhook, vector)),
        "gabinete360" => Some(verify!(gabinete360::Webhook, vector)),
        "argyle" => Some(verify!(argyle::Webhook, vector)),
        "auggie" => Some(verify!(auggie::Webhook, vector)),
        "asg" => Some(verify!(asg::Webhook, vector)),
        _ => None,
    }
}

/// hookwise API through `hookwise_api::Client`.
#[allow(clippy::too_many_lines)] // One arm per operation and mode.
async fn hookwise_api(call: &Call) -> Result<Played, Failure> {
    let client = client!(hookwise_api::Client, &call.options, api_key)?;
    let args = &call.args;
    match (call.op.as_str(), call.mode) {
        ("list_jobs", Mode::Call) => {
            known(args, &["kind", "status", "limit", "cursor"])?;
            let params = hookwise_api::params::ListJobs {
                kind: optional(args, "kind", false)?,
                status: optional(args, "status", false)?,
                limit: optional(args, "limit", false)?,
                cursor: optional(args, "cursor", false)?,
            };
            answer(client.jobs().list_page(params).await)
        }
        ("list_jobs", Mode::Paginate) => {
            known(args, &["kind", "status", "limit", "cursor"])?;
            let params = hookwise_api::params::ListJobs {
                kind: optional(args, "kind", false)?,
                status: optional(args, "status", false)?,
                limit: optional(args, "limit", false)?,
                cursor: optional(args, "cursor", false)?,
            };
            items(client.jobs().list(params)).await
        }
        ("create_job", Mode::Call) => {
            known(args, &["kind", "idempotency_key", "payload", "callback_url", "secrecy_level"])?;
            let params = hookwise_api::params::CreateJob {
                idempotency_key: optional(args, "idempotency_key", false)?,
                payload: optional(args, "payload", false)?,
                callback_url: optional(args, "callback_url", true)?,
                secrecy_level: optional(args, "secrecy_level", false)?,
            };
            answer(client.jobs().create(required(args, "kind")?, params).await)
        }
        ("get_job", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.jobs().get(required(args, "id")?).await)
        }
        ("get_job", Mode::Wait) => {
            known(args, &["id"])?;
            let mut progress = Vec::new();
            let result = client
                .jobs()
                .wait(required(args, "id")?, timeout(call), Some(&mut |o| progress.push(serde_json::json!(o))))
                .await;
            waited(result, progress)
        }
        ("get_job_result", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.jobs().result(required(args, "id")?).await)
        }
        ("cancel_job", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.jobs().cancel(required(args, "id")?).await)
        }
        ("download_result", Mode::Call) => {
            known(args, &["id", "expires", "signature"])?;
            answer(
                client
                    .jobs()
                    .download_result(required(args, "id")?, required(args, "expires")?, required(args, "signature")?)
                    .await,
            )
        }
        ("list_webhooks", Mode::Call) => {
            known(args, &["limit", "cursor"])?;
            let params = hookwise_api::params::ListWebhooks {
                limit: optional(args, "limit", false)?,
                cursor: optional(args, "cursor", false)?,
            };
            answer(client.webhooks().list(params).await)
        }
        ("register_webhook", Mode::Call) => {
            known(args, &["url", "idempotency_key", "events", "secret", "name"])?;
            let params = hookwise_api::params::RegisterWebhook {
                idempotency_key: optional(args, "idempotency_key", false)?,
                events: optional(args, "events", false)?,
                secret: optional(args, "secret", false)?,
                name: optional(args, "name", true)?,
            };
            answer(client.webhooks().register(required(args, "url")?, params).await)
        }
        ("get_webhook", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.webhooks().get(required(args, "id")?).await)
        }
        ("update_webhook", Mode::Call) => {
            known(args, &["id", "url", "events", "name", "status"])?;
            let params = hookwise_api::params::UpdateWebhook {
                url: optional(args, "url", false)?,
                events: optional(args, "events", false)?,
                name: optional(args, "name", false)?,
                status: optional(args, "status", false)?,
            };
            answer(client.webhooks().update(required(args, "id")?, params).await)
        }
        ("delete_webhook", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.webhooks().delete(required(args, "id")?).await)
        }
        ("rotate_webhook_secret", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.webhooks().rotate_secret(required(args, "id")?).await)
        }
        ("enable_webhook", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.webhooks().enable(required(args, "id")?).await)
        }
        ("list_deliveries", Mode::Call) => {
            known(args, &["id", "limit", "cursor"])?;
            let params = hookwise_api::params::ListDeliveries {
                limit: optional(args, "limit", false)?,
                cursor: optional(args, "cursor", false)?,
            };
            answer(client.webhooks().deliveries(required(args, "id")?, params).await)
        }
        ("list_events", Mode::Call) => {
            known(args, &["limit", "cursor"])?;
            let params = hookwise_api::params::ListEvents {
                limit: optional(args, "limit", false)?,
                cursor: optional(args, "cursor", false)?,
            };
            answer(client.events().list_page(params).await)
        }
        ("list_events", Mode::Paginate) => {
            known(args, &["limit", "cursor"])?;
            let params = hookwise_api::params::ListEvents {
                limit: optional(args, "limit", false)?,
                cursor: optional(args, "cursor", false)?,
            };
            items(client.events().list(params)).await
        }
        ("get_event", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.events().get(required(args, "id")?).await)
        }
        ("list_event_deliveries", Mode::Call) => {
            known(args, &["id", "limit", "cursor"])?;
            let params = hookwise_api::params::ListEventDeliveries {
                limit: optional(args, "limit", false)?,
                cursor: optional(args, "cursor", false)?,
            };
            answer(client.events().deliveries(required(args, "id")?, params).await)
        }
        ("resend_event", Mode::Call) => {
            known(args, &["id", "endpoint_id"])?;
            let params = hookwise_api::params::ResendEvent { endpoint_id: optional(args, "endpoint_id", false)? };
            answer(client.events().resend(required(args, "id")?, params).await)
        }
        (_, Mode::Download) => download(client.api(), args).await,
        (op, mode) => Err(Failure::Harness(format!("{op} cannot be played in {mode:?} mode"))),
    }
}

/// Argus API through `argus::Client`.
#[allow(clippy::too_many_lines)] // One arm per operation and mode.
async fn argus(call: &Call) -> Result<Played, Failure> {
    let client = client!(argus::Client, &call.options, api_key)?;
    let args = &call.args;
    match (call.op.as_str(), call.mode) {
        ("list_jobs", Mode::Call) => {
            known(args, &["kind", "status", "limit", "cursor"])?;
            let params = argus::params::ListJobs {
                kind: optional(args, "kind", false)?,
                status: optional(args, "status", false)?,
                limit: optional(args, "limit", false)?,
                cursor: optional(args, "cursor", false)?,
            };
            answer(client.list_jobs_page(params).await)
        }
        ("list_jobs", Mode::Paginate) => {
            known(args, &["kind", "status", "limit", "cursor"])?;
            let params = argus::params::ListJobs {
                kind: optional(args, "kind", false)?,
                status: optional(args, "status", false)?,
                limit: optional(args, "limit", false)?,
                cursor: optional(args, "cursor", false)?,
            };
            items(client.list_jobs(params)).await
        }
        ("create_job", Mode::Call) => {
            known(args, &["kind", "payload", "idempotency_key", "callback_url", "secrecy_level"])?;
            let params = argus::params::CreateJob {
                idempotency_key: optional(args, "idempotency_key", false)?,
                callback_url: optional(args, "callback_url", false)?,
                secrecy_level: optional(args, "secrecy_level", false)?,
            };
            answer(client.create_job(required(args, "kind")?, required(args, "payload")?, params).await)
        }
        ("get_job", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.get_job(required(args, "id")?).await)
        }
        ("get_job", Mode::Wait) => {
            known(args, &["id"])?;
            let mut progress = Vec::new();
            let result = client
                .wait_for_job(required(args, "id")?, timeout(call), Some(&mut |o| progress.push(serde_json::json!(o))))
                .await;
            waited(result, progress)
        }
        ("get_job_result", Mode::Call) => {
            known(args, &["id"])?;
            answer(client.get_job_result(required(args, "id")?).await)
        }
        (_, Mode::Download) => download(client.api(), args).await,
        (op, mode) => Err(Failure::Harness(format!("{op} cannot be played in {mode:?} mode"))),
    }
}

/// Gabinete360 API through `gabinete360::Client`.
#[allow(clippy::too_many_lines)] // One arm per operation and mode.
async fn gabinete360(call: &Call) -> Result<Played, Failure> {
    let client = client!(gabinete360::Client, &call.options, api_key)?;
    let args = &call.args;
    match (call.op.as_str(), call.mode) {
        ("create_channel", Mode::Call) => {
            known(args, &["type", "name", "config"])?;
            answer(
                client
                    .create_channel(required(args, "type")?, required(args, "name")?, required(args, "config")?)
                    .await,
            )
        }
        (_, Mode::Download) => download(client.api(), args).await,
        (op, mode) => Err(Failure::Harness(format!("{op} cannot be played in {mode:?} mode"))),
    }
}

/// Argyle API through `argyle::Client`.
#[allow(clippy::too_many_lines)] // One arm per operation and mode.
async fn argyle(call: &Call) -> Result<Played, Failure> {
    let client = client!(argyle::Client, &call.options, username, password)?;
    let args = &call.args;
    match (call.op.as_str(), call.mode) {
        ("create_webhook", Mode::Call) => {
            known(args, &["events", "name", "url", "secret"])?;
            let params = argyle::params::CreateWebhook { secret: optional(args, "secret", false)? };
            answer(
                client
                    .create_webhook(required(args, "events")?, required(args, "name")?, required(args, "url")?, params)
                    .await,
            )
        }
        (_, Mode::Download) => download(client.api(), args).await,
        (op, mode) => Err(Failure::Harness(format!("{op} cannot be played in {mode:?} mode"))),
    }
}

/// Auggie API through `auggie::Client`.
#[allow(clippy::too_many_lines)] // One arm per operation and mode.
async fn auggie(call: &Call) -> Result<Played, Failure> {
    let client = client!(auggie::Client, &call.options, api_key)?;
    let args = &call.args;
    match (call.op.as_str(), call.mode) {
        ("register_webhook", Mode::Call) => {
            known(args, &["url", "event_types"])?;
            let params = auggie::params::RegisterWebhook { event_types: optional(args, "event_types", true)? };
            answer(client.register_webhook(required(args, "url")?, params).await)
        }
        ("get_webhook", Mode::Call) => {
            known(args, &[])?;
            answer(client.get_webhook().await)
        }
        ("delete_webhook", Mode::Call) => {
            known(args, &[])?;
            answer(client.delete_webhook().await)
        }
        (_, Mode::Download) => download(client.api(), args).await,
        (op, mode) => Err(Failure::Harness(format!("{op} cannot be played in {mode:?} mode"))),
    }
}

/// ASG Gateway API through `asg::Client`.
#[allow(clippy::too_many_lines)] // One arm per operation and mode.
async fn asg(call: &Call) -> Result<Played, Failure> {
    let client = client!(asg::Client, &call.options, api_key)?;
    let args = &call.args;
    match (call.op.as_str(), call.mode) {
        ("list_webhooks", Mode::Call) => {
            known(args, &[])?;
            answer(client.list_webhooks().await)
        }
        ("register_webhook", Mode::Call) => {
            known(args, &["callback_url", "secret", "events"])?;
            let params = asg::params::RegisterWebhook {
                secret: optional(args, "secret", false)?,
                events: optional(args, "events", false)?,
            };
            answer(client.register_webhook(required(args, "callback_url")?, params).await)
        }
        ("delete_webhook", Mode::Call) => {
            known(args, &["webhook_id"])?;
            answer(client.delete_webhook(required(args, "webhook_id")?).await)
        }
        (_, Mode::Download) => download(client.api(), args).await,
        (op, mode) => Err(Failure::Harness(format!("{op} cannot be played in {mode:?} mode"))),
    }
}
