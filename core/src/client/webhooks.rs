//! `client.webhooks`: register, list, get, update, delete, `rotate_secret`, deliveries.

use super::types::{Deleted, Delivery, DeliveryList, EndpointList, RegisterWebhook, UpdateWebhook, WebhookEndpoint};
use super::{args, Error, Typed};

/// The webhook-endpoint (subscription) API.
#[derive(Clone, Debug)]
pub struct Webhooks {
    pub(crate) api: Typed,
}

impl Webhooks {
    /// Registers an endpoint; the answer carries its `secret` (the only time besides rotation).
    /// Retried like `jobs.create`: one `Idempotency-Key` (`params.idempotency_key`, else
    /// generated) for every retry, so a lost response never registers a second endpoint.
    ///
    /// # Errors
    /// `invalid_request`, `idempotency_key_reused`, connection errors, timeouts.
    pub async fn register(&self, params: &RegisterWebhook) -> Result<WebhookEndpoint, Error> {
        let key = params.idempotency_key.as_deref().map(|k| ("idempotency_key", k));
        self.api.call("register_webhook", &args(params, key.as_slice())).await
    }

    /// Every endpoint (without secrets).
    ///
    /// # Errors
    /// Connection errors, timeouts, `unauthorized`.
    pub async fn list(&self) -> Result<Vec<WebhookEndpoint>, Error> {
        let list: EndpointList = self.api.call("list_webhooks", &args(&(), &[])).await?;
        Ok(list.webhooks)
    }

    /// One endpoint.
    ///
    /// # Errors
    /// `not_found`, …
    pub async fn get(&self, id: &str) -> Result<WebhookEndpoint, Error> {
        self.api.call("get_webhook", &args(&(), &[("id", id)])).await
    }

    /// Changes the fields set in `params`.
    ///
    /// # Errors
    /// `not_found`, `invalid_request`, …
    pub async fn update(&self, id: &str, params: &UpdateWebhook) -> Result<WebhookEndpoint, Error> {
        self.api.call("update_webhook", &args(params, &[("id", id)])).await
    }

    /// Deletes an endpoint (a soft delete: it is gone from the API, its history kept).
    ///
    /// # Errors
    /// `not_found`, …
    pub async fn delete(&self, id: &str) -> Result<Deleted, Error> {
        self.api.call("delete_webhook", &args(&(), &[("id", id)])).await
    }

    /// Replaces the endpoint's secret; the answer carries the new one.
    ///
    /// # Errors
    /// `not_found`, …
    pub async fn rotate_secret(&self, id: &str) -> Result<WebhookEndpoint, Error> {
        self.api.call("rotate_webhook_secret", &args(&(), &[("id", id)])).await
    }

    /// The endpoint's deliveries and their attempts.
    ///
    /// # Errors
    /// `not_found`, …
    pub async fn deliveries(&self, id: &str) -> Result<Vec<Delivery>, Error> {
        let list: DeliveryList = self.api.call("list_deliveries", &args(&(), &[("id", id)])).await?;
        Ok(list.deliveries)
    }
}
