//! `client.webhooks`: register, list, get, update, delete, `rotate_secret`, deliveries.

use std::sync::Arc;

use reqwest::Method;
use serde::Serialize;

use super::jobs::path_id;
use super::types::{Deleted, Delivery, DeliveryList, EndpointList, RegisterWebhook, UpdateWebhook, WebhookEndpoint};
use super::{Call, Error, Inner};

/// The webhook-endpoint (subscription) API.
#[derive(Clone)]
pub struct Webhooks {
    pub(crate) inner: Arc<Inner>,
}

impl Webhooks {
    async fn call<B: Serialize, T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: String,
        body: Option<&B>,
    ) -> Result<T, Error> {
        self.inner.send(Call { method, path, query: None, body, idempotency_key: None }).await
    }

    /// Registers an endpoint; the answer carries its `secret` (the only time besides rotation).
    ///
    /// # Errors
    /// `invalid_request`, connection errors, timeouts.
    pub async fn register(&self, params: &RegisterWebhook) -> Result<WebhookEndpoint, Error> {
        self.call(Method::POST, "/v1/webhooks".into(), Some(params)).await
    }

    /// Every endpoint (without secrets).
    ///
    /// # Errors
    /// Connection errors, timeouts, `unauthorized`.
    pub async fn list(&self) -> Result<Vec<WebhookEndpoint>, Error> {
        let list: EndpointList = self.call(Method::GET, "/v1/webhooks".into(), None::<&()>).await?;
        Ok(list.webhooks)
    }

    /// One endpoint.
    ///
    /// # Errors
    /// `not_found`, …
    pub async fn get(&self, id: &str) -> Result<WebhookEndpoint, Error> {
        self.call(Method::GET, format!("/v1/webhooks/{}", path_id(id)), None::<&()>).await
    }

    /// Changes the fields set in `params`.
    ///
    /// # Errors
    /// `not_found`, `invalid_request`, …
    pub async fn update(&self, id: &str, params: &UpdateWebhook) -> Result<WebhookEndpoint, Error> {
        self.call(Method::PATCH, format!("/v1/webhooks/{}", path_id(id)), Some(params)).await
    }

    /// Deletes an endpoint (a soft delete: it is gone from the API, its history kept).
    ///
    /// # Errors
    /// `not_found`, …
    pub async fn delete(&self, id: &str) -> Result<Deleted, Error> {
        self.call(Method::DELETE, format!("/v1/webhooks/{}", path_id(id)), None::<&()>).await
    }

    /// Replaces the endpoint's secret; the answer carries the new one.
    ///
    /// # Errors
    /// `not_found`, …
    pub async fn rotate_secret(&self, id: &str) -> Result<WebhookEndpoint, Error> {
        self.call(Method::POST, format!("/v1/webhooks/{}/rotate-secret", path_id(id)), None::<&()>).await
    }

    /// The endpoint's deliveries and their attempts.
    ///
    /// # Errors
    /// `not_found`, …
    pub async fn deliveries(&self, id: &str) -> Result<Vec<Delivery>, Error> {
        let list: DeliveryList =
            self.call(Method::GET, format!("/v1/webhooks/{}/deliveries", path_id(id)), None::<&()>).await?;
        Ok(list.deliveries)
    }
}
