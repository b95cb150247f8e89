//! The normalized [`Event`] every verification returns.

use std::borrow::Cow;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::headers::Headers;
use super::scheme::{Envelope, Source};
use crate::json::{Number, Value};

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
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event (or delivery) id, from the body or a header per the scheme's envelope.
    pub id: Option<String>,
    /// The event type (`job.succeeded`, `push`, `orders/create`, …).
    pub event_type: Option<String>,
    /// When the event was created, as RFC 3339 (unix times become `YYYY-MM-DDTHH:MM:SSZ`).
    pub created_at: Option<String>,
    /// The whole parsed body.
    pub payload: Value,
    /// The name of the scheme that verified it.
    pub scheme: String,
    data: Data,
}

impl Event {
    /// The event's data: the envelope's data field, or the whole payload.
    pub fn data(&self) -> &Value {
        match &self.data {
            Data::Payload => &self.payload,
            Data::Field(name) => self.payload.get(name).unwrap_or(&self.payload),
            Data::Owned(value) => value,
        }
    }

    /// Where [`Event::data`] is inside the payload: `Some("")` for the whole payload,
    /// `Some(field)` for a top-level field, `None` when it came from elsewhere (a header). Lets a
    /// binding hand over the payload once and point at the data.
    pub fn data_field(&self) -> Option<&str> {
        match &self.data {
            Data::Payload => Some(""),
            Data::Field(name) if self.payload.get(name).is_some() => Some(name),
            Data::Field(_) | Data::Owned(_) => None,
        }
    }

    /// The event as compact JSON (`{"id":…,"type":…,"created_at":…,"data":…,"payload":…,"scheme":…}`).
    pub fn to_json(&self) -> String {
        let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
        Value::Object(vec![
            ("id".into(), text(&self.id)),
            ("type".into(), text(&self.event_type)),
            ("created_at".into(), text(&self.created_at)),
            ("data".into(), self.data().clone()),
            ("payload".into(), self.payload.clone()),
            ("scheme".into(), Value::String(self.scheme.clone())),
        ])
        .to_json()
    }

    pub(crate) fn build<H: Headers + ?Sized>(scheme: &str, envelope: &Envelope, payload: Value, headers: &H) -> Event {
        let text = |sources| lookup(&payload, headers, sources).and_then(|(v, _)| as_text(&v));
        let data = match lookup(&payload, headers, &envelope.data) {
            None => Data::Payload,
            Some((_, Source::Field(name))) => Data::Field(name.clone()),
            Some((value, Source::Header(_))) => Data::Owned(value.into_owned()),
        };
        Event {
            id: text(&envelope.id),
            event_type: text(&envelope.event_type),
            created_at: lookup(&payload, headers, &envelope.created_at).and_then(|(v, _)| rfc3339(&v)),
            scheme: scheme.to_owned(),
            data,
            payload,
        }
    }
}

/// The first source present: a non-null top-level field, or a header.
fn lookup<'a, H: Headers + ?Sized>(
    payload: &'a Value,
    headers: &H,
    sources: &'a [Source],
) -> Option<(Cow<'a, Value>, &'a Source)> {
    sources.iter().find_map(|source| match source {
        Source::Field(name) => payload.get(name).filter(|v| **v != Value::Null).map(|v| (Cow::Borrowed(v), source)),
        Source::Header(name) => headers.header(name).map(|v| (Cow::Owned(Value::String(v.to_owned())), source)),
    })
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Event", 6)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("type", &self.event_type)?;
        s.serialize_field("created_at", &self.created_at)?;
        s.serialize_field("data", self.data())?;
        s.serialize_field("payload", &self.payload)?;
        s.serialize_field("scheme", &self.scheme)?;
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

/// `YYYY-MM-DDTHH:MM:SSZ` for years 1..=9999 (Howard Hinnant's civil-from-days).
pub fn format_rfc3339(seconds: i64) -> Option<String> {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(1..=9999).contains(&year) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60))
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
        assert_eq!(format_rfc3339(253_402_300_800), None);
    }
}
