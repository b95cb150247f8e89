//! What a sender posts: an event's JSON body and the headers that go with it. `hookwise serve`'s
//! deliveries and `hookwise trigger` build their requests here, so both send the same thing.

use super::{Error, ErrorKind, Webhook};
use crate::json::Value;

/// An event to send: its id, its type and when it was created (RFC 3339).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Outgoing<'a> {
    /// `evt_…`
    pub id: &'a str,
    /// `job.succeeded`, …
    pub event_type: &'a str,
    /// RFC 3339.
    pub created_at: &'a str,
}

impl<'a> Outgoing<'a> {
    /// The event `id` of type `event_type`, created at `created_at` (RFC 3339).
    #[must_use]
    pub fn new(id: &'a str, event_type: &'a str, created_at: &'a str) -> Outgoing<'a> {
        Outgoing { id, event_type, created_at }
    }

    /// The body: `{"id":…,"type":…,"created_at":…,"data":…}`, `data` being JSON text (kept as
    /// it is).
    ///
    /// # Errors
    /// `invalid_json` when `data` is not JSON.
    pub fn body(&self, data: &str) -> Result<String, Error> {
        Value::parse(data.as_bytes())
            .map_err(|e| Error::new(ErrorKind::InvalidJson, format!("the event's data is not valid JSON: {e}")))?;
        let text = |s: &str| serde_json::Value::from(s).to_string();
        Ok(format!(
            r#"{{"id":{},"type":{},"created_at":{},"data":{}}}"#,
            text(self.id),
            text(self.event_type),
            text(self.created_at),
            data
        ))
    }

    /// The headers to POST `body` (made by [`Outgoing::body`]) with: `Content-Type`, the
    /// signature with the scheme's id and timestamp headers (signed at `timestamp`, default now),
    /// and the envelope headers through which the scheme reads the id, type and creation time.
    ///
    /// # Errors
    /// As [`Webhook::sign`].
    pub fn headers(&self, hook: &Webhook, body: &[u8], timestamp: Option<i64>) -> Result<Vec<(String, String)>, Error> {
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        headers.extend(hook.sign(body, Some(self.id), timestamp)?);
        headers.extend(hook.envelope_headers(Some(self.id), Some(self.event_type), Some(self.created_at)));
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

    use super::*;

    const EVENT: Outgoing<'static> =
        Outgoing { id: "evt_1", event_type: "job.succeeded", created_at: "2026-12-03T00:00:00Z" };

    #[test]
    fn the_body_carries_the_envelope_then_the_data_as_given() {
        let body = EVENT.body(r#"{"job": {"id": "job_\"1\""}}"#).unwrap();
        assert_eq!(
            body,
            r#"{"id":"evt_1","type":"job.succeeded","created_at":"2026-12-03T00:00:00Z","data":{"job": {"id": "job_\"1\""}}}"#
        );
        assert_eq!(EVENT.body("{").unwrap_err().kind(), ErrorKind::InvalidJson);
    }

    #[test]
    fn the_headers_verify_and_carry_what_the_scheme_reads_from_headers() {
        let hook = Webhook::from_preset("github", ["It's a Secret to Everybody"]).unwrap();
        let body = EVENT.body("{}").unwrap();
        let headers = EVENT.headers(&hook, body.as_bytes(), None).unwrap();
        let event = hook.verify(body.as_bytes(), &headers).unwrap();
        assert_eq!((event.id.as_deref(), event.event_type.as_deref()), (Some("evt_1"), Some("job.succeeded")));
        assert!(headers.iter().any(|(k, v)| k == "Content-Type" && v == "application/json"));
    }
}
