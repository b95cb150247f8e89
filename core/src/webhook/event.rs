//! The normalized [`Event`] every verification returns.

use std::sync::OnceLock;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::headers::Headers;
use super::scheme::{Scheme, Source};
use crate::json::{Field, Fields, Number, Value};

/// Where an event's data is: no copy is made of the payload.
#[derive(Debug, Clone, PartialEq)]
enum Data {
    /// The whole payload.
    Payload,
    /// A top-level field of the payload.
    Field(String),
    /// A value from elsewhere (a header).
    Owned(Value),
}

/// A verified webhook, normalized across providers.
///
/// Verification validates the whole body and reads the envelope (`id`, `type`, `created_at`)
/// without building the body's tree; [`Event::payload`] and [`Event::data`] parse it on first
/// use, so a caller that needs only the verdict and the envelope never pays for the tree.
///
/// The event keeps its own copy of the body (`B` = `Vec<u8>`), or borrows the caller's
/// ([`Webhook::verify_borrowed_at`](super::Webhook::verify_borrowed_at), `B` = `&[u8]`).
#[derive(Debug, Clone)]
pub struct Event<B = Vec<u8>> {
    /// The event (or delivery) id, from the body or a header per the scheme's envelope.
    pub id: Option<String>,
    /// The event type (`job.succeeded`, `push`, `orders/create`, …).
    pub event_type: Option<String>,
    /// When the event was created, as RFC 3339 (unix times become `YYYY-MM-DDTHH:MM:SSZ`).
    pub created_at: Option<String>,
    /// The name of the scheme that verified it.
    pub scheme: String,
    unsigned: Vec<&'static str>,
    body: B,
    plain: bool,
    data: Data,
    payload: OnceLock<Value>,
}

impl<B: AsRef<[u8]>> PartialEq for Event<B> {
    fn eq(&self, other: &Event<B>) -> bool {
        (&self.id, &self.event_type, &self.created_at, &self.scheme, &self.unsigned, self.body(), &self.data)
            == (
                &other.id,
                &other.event_type,
                &other.created_at,
                &other.scheme,
                &other.unsigned,
                other.body(),
                &other.data,
            )
    }
}

impl<B: AsRef<[u8]>> Event<B> {
    /// The fields of the event read from input the signature does not cover, by their JSON names
    /// (`id`, `type`, `created_at`, `data`, in that order; the same names in every language).
    /// Such a field is whatever the request said: GitHub's `X-GitHub-Delivery` and
    /// `X-GitHub-Event`, Shopify's `X-Shopify-*` headers, Argus' `X-Argus-Trace-ID` (when the
    /// body has no `id`) are not signed, so whoever replays a signed body may set them freely.
    /// Empty when every field comes from the body or from a header the signature covers
    /// (see [`Scheme::signs_header`]).
    pub fn unsigned_fields(&self) -> &[&'static str] {
        &self.unsigned
    }

    /// The whole parsed body (parsed on first use, then kept).
    pub fn payload(&self) -> &Value {
        // The body was validated by the same parser when the event was made, so this parse
        // cannot fail; `Null` is only the type's fallback.
        self.payload.get_or_init(|| Value::parse(self.body()).unwrap_or(Value::Null))
    }

    /// The event's data: the envelope's data field, or the whole payload.
    pub fn data(&self) -> &Value {
        match &self.data {
            Data::Payload => self.payload(),
            Data::Field(name) => self.payload().get(name).unwrap_or(self.payload()),
            Data::Owned(value) => value,
        }
    }

    /// The body exactly as received (and verified).
    pub fn body(&self) -> &[u8] {
        self.body.as_ref()
    }

    /// Whether the body is *plain* JSON: UTF-8 without a BOM, with no `NaN`/`Infinity` literal,
    /// no raw surrogate and no `-0` integer. Any RFC 8259 parser (`JSON.parse`, Foundation,
    /// kotlinx) then reads the body as [`Event::payload`] does, up to number precision, so a
    /// binding may hand the body itself to its runtime's parser.
    pub fn is_plain_json(&self) -> bool {
        self.plain
    }

    /// Where [`Event::data`] is inside the payload: `Some("")` for the whole payload,
    /// `Some(field)` for a top-level field, `None` when it came from elsewhere (a header). Lets a
    /// binding hand over the payload once and point at the data.
    pub fn data_field(&self) -> Option<&str> {
        match &self.data {
            Data::Payload => Some(""),
            Data::Field(name) => Some(name),
            Data::Owned(_) => None,
        }
    }

    /// The event as compact JSON
    /// (`{"id":…,"type":…,"created_at":…,"data":…,"payload":…,"scheme":…,"unsigned_fields":[…]}`).
    pub fn to_json(&self) -> String {
        let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
        Value::Object(vec![
            ("id".into(), text(&self.id)),
            ("type".into(), text(&self.event_type)),
            ("created_at".into(), text(&self.created_at)),
            ("data".into(), self.data().clone()),
            ("payload".into(), self.payload().clone()),
            ("scheme".into(), Value::String(self.scheme.clone())),
            (
                "unsigned_fields".into(),
                Value::Array(self.unsigned.iter().map(|name| Value::String((*name).to_owned())).collect()),
            ),
        ])
        .to_json()
    }

    /// The event of a verified `body` whose top-level `fields` (named by `keys`, the
    /// envelope's field names) were read by the verifying parse.
    pub(crate) fn build<H: Headers + ?Sized>(
        scheme: &Scheme,
        keys: &[String],
        body: B,
        fields: &Fields,
        headers: &H,
    ) -> Event<B> {
        let envelope = &scheme.envelope;
        let find = |sources| lookup(keys, fields, headers, sources);
        let (id, event_type, created_at, data) =
            (find(&envelope.id), find(&envelope.event_type), find(&envelope.created_at), find(&envelope.data));
        let unsigned = [("id", &id), ("type", &event_type), ("created_at", &created_at), ("data", &data)]
            .into_iter()
            .filter(|(_, found)| matches!(found, Some(Found::Header(name, _)) if !scheme.signs_header(name)))
            .map(|(field, _)| field)
            .collect();
        let text = |found: Option<Found<'_>>| match found? {
            Found::Field(_, Field::Scalar(v)) => as_text(v),
            Found::Field(..) => None,
            Found::Header(_, v) => Some(v.to_owned()),
        };
        Event {
            id: text(id),
            event_type: text(event_type),
            created_at: match created_at {
                Some(Found::Field(_, Field::Scalar(v))) => rfc3339(v),
                Some(Found::Header(_, v)) => rfc3339(&Value::String(v.to_owned())),
                _ => None,
            },
            data: match data {
                None => Data::Payload,
                Some(Found::Field(name, _)) => Data::Field(name.to_owned()),
                Some(Found::Header(_, v)) => Data::Owned(Value::String(v.to_owned())),
            },
            scheme: scheme.name.clone(),
            unsigned,
            body,
            plain: fields.plain(),
            payload: OnceLock::new(),
        }
    }
}

/// Where an envelope value was found.
enum Found<'a> {
    /// A non-null top-level field of the body, by name.
    Field(&'a str, &'a Field),
    /// A header: its name (as the scheme spells it) and value.
    Header(&'a str, &'a str),
}

/// The first source present: a non-null top-level field, or a header.
fn lookup<'a, H: Headers + ?Sized>(
    keys: &[String],
    fields: &'a Fields,
    headers: &'a H,
    sources: &'a [Source],
) -> Option<Found<'a>> {
    sources.iter().find_map(|source| match source {
        Source::Field(name) => match fields.get(keys.iter().position(|k| k == name)?)? {
            Field::Null => None,
            field => Some(Found::Field(name, field)),
        },
        Source::Header(name) => headers.header(name).map(|value| Found::Header(name, value)),
    })
}

impl<B: AsRef<[u8]>> Serialize for Event<B> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Event", 7)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("type", &self.event_type)?;
        s.serialize_field("created_at", &self.created_at)?;
        s.serialize_field("data", self.data())?;
        s.serialize_field("payload", self.payload())?;
        s.serialize_field("scheme", &self.scheme)?;
        s.serialize_field("unsigned_fields", &self.unsigned)?;
        s.end()
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(Number::Int(digits)) => Some(digits.clone()),
        _ => None,
    }
}

/// Unix seconds (a number or a string of digits) become RFC 3339 in UTC; other strings stay.
fn rfc3339(v: &Value) -> Option<String> {
    let seconds = match v {
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse::<i64>().ok(),
        Value::String(s) => return Some(s.clone()),
        Value::Number(Number::Int(digits)) => digits.parse::<i64>().ok(),
        // Truncation toward zero is the documented rule for fractional unix times.
        #[allow(clippy::cast_possible_truncation)]
        Value::Number(Number::Float(x)) if x.is_finite() && x.abs() < 1e15 => Some(x.trunc() as i64),
        _ => None,
    }?;
    format_rfc3339(seconds)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 in UTC, whole seconds) for years 1..=9999.
pub fn format_rfc3339(seconds: i64) -> Option<String> {
    let at = time::OffsetDateTime::from_unix_timestamp(seconds).ok().filter(|at| at.year() >= 1)?;
    at.format(&time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::format_rfc3339;

    #[test]
    fn unix_times_format_as_rfc3339() {
        assert_eq!(format_rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(format_rfc3339(1_700_000_000).as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(format_rfc3339(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(format_rfc3339(951_782_400).as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(format_rfc3339(253_402_300_799).as_deref(), Some("9999-12-31T23:59:59Z"));
        assert_eq!(format_rfc3339(253_402_300_800), None);
        assert_eq!(format_rfc3339(-62_135_596_800).as_deref(), Some("0001-01-01T00:00:00Z"));
        assert_eq!(format_rfc3339(-62_135_596_801), None);
        assert_eq!(format_rfc3339(i64::MIN), None);
    }
}
