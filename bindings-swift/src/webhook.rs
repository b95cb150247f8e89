//! `Webhook`, `Event`, `canonicalize`, `constructEvent`.

use std::collections::HashMap;

use hookwise::webhook::Scheme;

use crate::convert::{in_range, Duration};
use crate::errors::HookwiseError;

/// A verified webhook, normalized across providers. `dataJson` / `payloadJson` are JSON text.
#[derive(uniffi::Record)]
pub struct Event {
    /// The event (or delivery) id.
    pub id: Option<String>,
    /// The event type.
    pub event_type: Option<String>,
    /// RFC 3339.
    pub created_at: Option<String>,
    /// The event's data, as JSON text.
    pub data_json: String,
    /// The whole parsed body, as JSON text.
    pub payload_json: String,
    /// The scheme that verified it.
    pub scheme: String,
    /// The fields (`id`, `type`, `created_at`, `data`: the event's JSON names, the same in every
    /// language) read from headers the signature does not cover, such as GitHub's and Shopify's
    /// id and type: whoever replays a signed body can set them. Empty when every field is signed.
    pub unsigned_fields: Vec<String>,
}

impl From<hookwise::Event> for Event {
    fn from(e: hookwise::Event) -> Self {
        Event {
            data_json: e.data().to_json(),
            payload_json: e.payload().to_json(),
            unsigned_fields: e.unsigned_fields().iter().map(|name| (*name).to_owned()).collect(),
            id: e.id,
            event_type: e.event_type,
            created_at: e.created_at,
            scheme: e.scheme,
        }
    }
}

/// A preset name, or a custom scheme as JSON text (starting with `{`): resolved by core.
fn scheme(name_or_json: &str) -> Result<Scheme, HookwiseError> {
    Ok(Scheme::resolve(Some(&serde_json::Value::String(name_or_json.to_owned())))?)
}

/// Verifies (and signs) webhooks for one scheme and one or more secrets (rotation).
#[derive(uniffi::Object)]
pub struct Webhook {
    inner: hookwise::Webhook,
}

#[uniffi::export]
impl Webhook {
    /// `scheme`: a preset name (`standard`, `stripe`, `github`, …) or a custom scheme's JSON;
    /// `tolerance`, the replay window, counts in whole seconds (a fraction is dropped).
    #[uniffi::constructor(default(tolerance = None, max_payload_bytes = None))]
    pub fn new(
        secrets: Vec<String>,
        scheme: String,
        tolerance: Option<Duration>,
        max_payload_bytes: Option<i64>,
    ) -> Result<Self, HookwiseError> {
        let mut inner = hookwise::Webhook::new(self::scheme(&scheme)?, secrets)?;
        if let Some(t) = tolerance {
            inner = inner.with_tolerance(t.to_std("tolerance")?.as_secs());
        }
        if let Some(m) = max_payload_bytes {
            inner = inner.with_max_payload_bytes(in_range("maxPayloadBytes", m)?);
        }
        Ok(Webhook { inner })
    }

    /// Verifies the raw body against the request headers; `now` pins the clock (unix seconds).
    #[uniffi::method(default(now = None))]
    pub fn verify(
        &self,
        payload: Vec<u8>,
        headers: HashMap<String, String>,
        now: Option<i64>,
    ) -> Result<Event, HookwiseError> {
        Ok(self.inner.verify_at(&payload, &headers, now)?.into())
    }

    /// Stripe-style: verifies with the signature header's value alone.
    #[uniffi::method(default(now = None))]
    pub fn construct_event(
        &self,
        payload: Vec<u8>,
        signature_header: String,
        now: Option<i64>,
    ) -> Result<Event, HookwiseError> {
        Ok(self.inner.construct_event_at(&payload, &signature_header, now)?.into())
    }

    /// The headers a sender attaches to `payload`.
    #[uniffi::method(default(id = None, timestamp = None))]
    pub fn sign(
        &self,
        payload: Vec<u8>,
        id: Option<String>,
        timestamp: Option<i64>,
    ) -> Result<HashMap<String, String>, HookwiseError> {
        Ok(self.inner.sign(&payload, id.as_deref(), timestamp)?.into_iter().collect())
    }
}

/// Stripe-style in one call: verify `payload` with the signature header's value and a secret.
#[uniffi::export(default(tolerance = None, now = None))]
pub fn construct_event(
    payload: Vec<u8>,
    signature_header: String,
    secret: String,
    scheme: String,
    tolerance: Option<Duration>,
    now: Option<i64>,
) -> Result<Event, HookwiseError> {
    Webhook::new(vec![secret], scheme, tolerance, None)?.construct_event(payload, signature_header, now)
}

/// CPython's `json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"))`, byte for byte.
#[uniffi::export]
pub fn canonicalize(data: Vec<u8>) -> Result<Vec<u8>, HookwiseError> {
    hookwise::canonicalize(&data).map_err(|e| hookwise::Error::from(e).into())
}

/// The shipped presets.
#[uniffi::export]
pub fn presets() -> Vec<String> {
    hookwise::webhook::presets().iter().map(|s| s.name.clone()).collect()
}
