//! Webhook verification and signing for every provider's scheme.
//!
//! ```
//! use hookwise::Webhook;
//!
//! let secret = "It's a Secret to Everybody";
//! let hook = Webhook::from_preset("github", [secret]).unwrap();
//! let body = br#"{"action":"opened"}"#;
//! let headers = hook.sign(body, None, None).unwrap();
//! let event = hook.verify(body, &headers).unwrap();
//! assert_eq!(event.payload().get("action").and_then(|v| v.as_str()), Some("opened"));
//! ```

mod alongside;
mod error;
mod event;
mod headers;
mod mac;
mod outgoing;
mod presets;
mod scheme;
mod signature;

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

pub use error::{Error, ErrorKind};
pub use event::{format_rfc3339, Event};
pub use headers::Headers;
pub use outgoing::Outgoing;
pub use presets::{preset, presets};
pub use scheme::{
    Algorithm, Envelope, Part, Scheme, SecretEncoding, SignatureFormat, SignedContent, Source, DEFAULT_SCHEME,
};

use crate::json::{canonicalize, canonicalize_bounded, Fields, TOO_MANY_NODES};
use mac::Keyed;

/// Default payload limit: 5 MiB.
pub const DEFAULT_MAX_PAYLOAD_BYTES: usize = 5 * 1024 * 1024;

/// A canonical-JSON scheme parses and prints the whole body before it can check the MAC, so a
/// body within the byte limit may hold at most one node (a value or a key) per this many bytes of
/// the limit: 655,360 at 5 MiB. That bounds the work an unsigned `[[],[],…]` body costs.
const BYTES_PER_CANONICAL_NODE: usize = 8;

/// The node limit of a canonical-JSON scheme never goes below this, whatever the byte limit.
const MIN_CANONICAL_NODES: usize = 4096;

/// From this size on, a raw body is validated on this thread while its MAC is computed on the
/// helper thread ([`alongside`]), when the machine has a second core. Handing the MAC over costs
/// about a microsecond when the helper is awake (it stays awake 100 µs after a task), and on a
/// small VM a sleeping helper is woken on the caller's core more often than not, so the caller
/// ends up doing both halves; the threshold keeps the helper's 100 µs of waiting short against
/// the task (65 µs of MAC at 128 KiB). At 128 KiB a verify takes 69–71 µs back to back (67 µs of
/// MAC) and 132–145 µs with 2 ms between calls; at 256 KiB 130–134 µs and 255–271 µs.
///
/// A canonical-JSON body from this size on has the MAC of its bytes as they stand computed on the
/// helper while this thread reads it ([`alongside::beside`]), kept when the body turns out to be
/// its own canonical form (what a sender that signs the canonical form sends). Otherwise the
/// canonical form is printed and its MAC computed after, and the helper's work is wasted.
const READ_ALONGSIDE_FROM: usize = 128 * 1024;

/// A verifier (and signer) for one scheme and one or more secrets.
///
/// Several secrets support rotation: a payload is valid if any secret verifies it.
#[derive(Clone)]
pub struct Webhook {
    scheme: Scheme,
    keys: Vec<Keyed>,
    /// The body fields the scheme's envelope reads.
    fields: Vec<String>,
    tolerance: u64,
    max_payload_bytes: usize,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets.
        f.debug_struct("Webhook")
            .field("scheme", &self.scheme.name)
            .field("secrets", &self.keys.len())
            .field("tolerance", &self.tolerance)
            .field("max_payload_bytes", &self.max_payload_bytes)
            .field("fields", &self.fields)
            .finish()
    }
}

/// The current unix time in seconds.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Webhook {
    /// A verifier for `scheme` with `secrets` (one, or several during a rotation).
    ///
    /// # Errors
    /// `unknown_scheme` if the scheme does not validate; `invalid_secret` if there is no secret,
    /// one is empty, or one is not in the scheme's secret encoding.
    pub fn new<I, S>(scheme: Scheme, secrets: I) -> Result<Webhook, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        scheme.validate()?;
        let keys = secrets
            .into_iter()
            .map(|s| Keyed::new(scheme.algorithm, scheme.secret_encoding, s.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(Error::new(ErrorKind::InvalidSecret, "no secret was given"));
        }
        Ok(Webhook {
            tolerance: scheme.tolerance_seconds,
            fields: scheme.envelope.field_names(),
            scheme,
            keys,
            max_payload_bytes: DEFAULT_MAX_PAYLOAD_BYTES,
        })
    }

    /// A verifier for the preset called `name` (`github`, `stripe`, `standard`, …).
    ///
    /// # Errors
    /// As [`Webhook::new`], and `unknown_scheme` for a name that is not a preset.
    pub fn from_preset<I, S>(name: &str, secrets: I) -> Result<Webhook, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Webhook::new(preset(name)?.clone(), secrets)
    }

    /// Sets the replay window in seconds (default: the scheme's, usually 300). With the `stripe`
    /// signature format, 0 turns the window off (the timestamp is still required and signed), as
    /// Stripe's own libraries do; elsewhere 0 accepts only the current second.
    #[must_use]
    pub fn with_tolerance(mut self, seconds: u64) -> Webhook {
        self.tolerance = seconds;
        self
    }

    /// Sets the largest body accepted, in bytes (default 5 MiB). A canonical-JSON scheme also
    /// refuses, with `payload_too_large`, a body of more than one JSON value or key per 8 bytes of
    /// this limit (at least 4096): it parses the body before it can check the signature.
    #[must_use]
    pub fn with_max_payload_bytes(mut self, bytes: usize) -> Webhook {
        self.max_payload_bytes = bytes;
        self
    }

    /// The largest body verified (bytes): what a receiver may read before refusing a request
    /// with `payload_too_large`.
    pub fn max_payload_bytes(&self) -> usize {
        self.max_payload_bytes
    }

    /// The scheme this verifier uses.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// Verifies `payload` against `headers` now, and returns the normalized event.
    ///
    /// # Errors
    /// One of the nine [`ErrorKind`]s, checked in order: configuration, header presence and
    /// form, timestamp, signature, then body parse.
    pub fn verify<H: Headers + ?Sized>(&self, payload: &[u8], headers: &H) -> Result<Event, Error> {
        self.verify_at(payload, headers, None)
    }

    /// [`Webhook::verify`] with the clock pinned to `now` (unix seconds); `None` reads the clock,
    /// and only when the scheme has a timestamp to check.
    ///
    /// # Errors
    /// As [`Webhook::verify`].
    pub fn verify_at<H: Headers + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        now: impl Into<Option<i64>>,
    ) -> Result<Event, Error> {
        self.verified(payload, headers, now.into(), |payload, spare| {
            // The event's copy of the body goes in the canonical form's buffer when there is
            // one: it was sized for the body, so a canonical scheme allocates one body's worth,
            // not two.
            let mut body = spare.unwrap_or_default();
            body.clear();
            body.extend_from_slice(payload);
            body.shrink_to_fit();
            body
        })
    }

    /// [`Webhook::verify_at`] for a caller that keeps the body itself: the event borrows
    /// `payload` instead of copying it (a binding that hands the text on to its runtime, which
    /// copies it anyway).
    ///
    /// # Errors
    /// As [`Webhook::verify`].
    pub fn verify_borrowed_at<'p, H: Headers + ?Sized>(
        &self,
        payload: &'p [u8],
        headers: &H,
        now: impl Into<Option<i64>>,
    ) -> Result<Event<&'p [u8]>, Error> {
        self.verified(payload, headers, now.into(), |payload, _| payload)
    }

    /// The event of a verification, whose body `keep` makes from the payload and the canonical
    /// form's buffer (when the scheme made one).
    fn verified<'p, H: Headers + ?Sized, B: AsRef<[u8]>>(
        &self,
        payload: &'p [u8],
        headers: &H,
        now: Option<i64>,
        keep: impl FnOnce(&'p [u8], Option<Vec<u8>>) -> B,
    ) -> Result<Event<B>, Error> {
        let Checked { fields, spare } = self.check(payload, headers, now, true)?;
        let fields = match fields {
            Some(fields) => fields,
            None => self.read(payload)?,
        };
        Ok(Event::build(&self.scheme, &self.fields, keep(payload, spare), &fields, headers))
    }

    /// Validates a raw body and reads the envelope's members.
    fn read(&self, payload: &[u8]) -> Result<Fields, Error> {
        Fields::scan(payload, &self.fields)
            .map_err(|e| Error::new(ErrorKind::InvalidJson, format!("the body is not valid JSON: {e}")))
    }

    /// Stripe-style: verifies with only the signature header's value (for schemes whose
    /// signature header carries everything: stripe, github, shopify, argus, …).
    ///
    /// # Errors
    /// As [`Webhook::verify`].
    pub fn construct_event_at(
        &self,
        payload: &[u8],
        signature_header: &str,
        now: impl Into<Option<i64>>,
    ) -> Result<Event, Error> {
        self.verify_at(payload, &[(self.scheme.signature_header.as_str(), signature_header)], now)
    }

    /// Checks the signature only (no body parse): the cheapest verdict.
    ///
    /// # Errors
    /// As [`Webhook::verify`], except `invalid_json` for raw-body schemes.
    pub fn verify_signature_at<H: Headers + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        now: impl Into<Option<i64>>,
    ) -> Result<(), Error> {
        self.check(payload, headers, now.into(), false).map(drop)
    }

    /// Every check but the body parse, in the documented order, and the envelope's members when
    /// they were read on the way (with `want_fields`): a canonical-JSON scheme parses the body to
    /// canonicalize it, and a large raw body is read while its MAC is computed. Either way a
    /// body whose signature does not match is refused as such, whatever its JSON.
    fn check<H: Headers + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        now: Option<i64>,
        want_fields: bool,
    ) -> Result<Checked, Error> {
        let scheme = &self.scheme;
        if payload.len() > self.max_payload_bytes {
            return Err(Error::new(
                ErrorKind::PayloadTooLarge,
                format!("the body is {} bytes; the limit is {} bytes", payload.len(), self.max_payload_bytes),
            ));
        }
        let present = |name: &str| {
            headers.header(name).filter(|v| !v.trim().is_empty()).ok_or_else(|| {
                Error::new(ErrorKind::MissingSignature, format!("header {name} is missing (scheme {})", scheme.name))
            })
        };
        let value = present(&scheme.signature_header)?;
        let id = match &scheme.id_header {
            Some(name) if scheme.signed_content.uses(&Part::Id) => Some(present(name)?),
            _ => None,
        };
        let candidates = signature::parse(scheme, value)?;
        let timestamp = if scheme.has_timestamp() {
            let (text, origin) = match &scheme.timestamp_header {
                Some(name) if scheme.signature_format != SignatureFormat::Stripe => {
                    (headers.header(name), name.as_str())
                }
                _ => (candidates.timestamp, "t="),
            };
            Some(self.check_timestamp(text, origin, now)?)
        } else {
            None
        };
        let (canonical, parsed, speculated) = if scheme.signed_content == SignedContent::CanonicalJson {
            let max_nodes = (self.max_payload_bytes / BYTES_PER_CANONICAL_NODE).max(MIN_CANONICAL_NODES);
            let refused = |e: crate::json::SyntaxError| {
                if e.message == TOO_MANY_NODES {
                    Error::new(
                        ErrorKind::PayloadTooLarge,
                        format!(
                            "the body holds more than {max_nodes} JSON values and keys; scheme {} parses the body \
                             before checking its signature, so it accepts one per {BYTES_PER_CANONICAL_NODE} bytes \
                             of the {}-byte limit",
                            scheme.name, self.max_payload_bytes
                        ),
                    )
                } else {
                    Error::new(
                        ErrorKind::InvalidJson,
                        format!("the body is not valid JSON, so its canonical form cannot be signed: {e}"),
                    )
                }
            };
            let canonicalize = || {
                if want_fields {
                    let (bytes, fields) = Fields::canonicalize(payload, &self.fields, max_nodes)?;
                    Ok((bytes, Some(fields)))
                } else {
                    Ok((canonicalize_bounded(payload, max_nodes)?, None))
                }
            };
            // A large body as its sender signed it is usually its own canonical form: its MAC is
            // computed on the helper thread while it is read, and kept when it is.
            let (mac, made) = if payload.len() >= READ_ALONGSIDE_FROM {
                let parts = signed_parts(&scheme.signed_content, id, timestamp, payload);
                alongside::beside(&|| self.signs(&candidates, &parts), canonicalize)
            } else {
                (None, canonicalize())
            };
            let (bytes, fields) = made.map_err(refused)?;
            let as_sent = matches!(bytes, Cow::Borrowed(_));
            (Some(bytes), fields, mac.filter(|_| as_sent))
        } else {
            (None, None, None)
        };
        let body = canonical.as_deref().unwrap_or(payload);
        let parts = signed_parts(&scheme.signed_content, id, timestamp, body);
        let signed = || self.signs(&candidates, &parts);
        let (matched, read) = if want_fields && parsed.is_none() && payload.len() >= READ_ALONGSIDE_FROM {
            let (matched, read) = alongside::alongside(&signed, || self.read(payload));
            (matched, Some(read))
        } else {
            (speculated.unwrap_or_else(signed), None)
        };
        if matched {
            let spare = match canonical {
                Some(Cow::Owned(printed)) => Some(printed),
                _ => None,
            };
            let fields = read.map_or(Ok(parsed), |read| read.map(Some))?;
            Ok(Checked { fields, spare })
        } else {
            let n = self.keys.len();
            Err(Error::new(
                ErrorKind::SignatureMismatch,
                format!(
                    "no signature in header {} matches the payload with the {n} secret{} given (scheme {})",
                    scheme.signature_header,
                    if n == 1 { "" } else { "s" },
                    scheme.name
                ),
            ))
        }
    }

    /// Whether one of the keys signs `parts` as one of the header's `candidates`.
    fn signs(&self, candidates: &signature::Candidates<'_>, parts: &[&[u8]]) -> bool {
        self.keys.iter().any(|key| candidates.matches(&key.tag(parts)))
    }

    fn check_timestamp<'h>(&self, text: Option<&'h str>, origin: &str, now: Option<i64>) -> Result<&'h str, Error> {
        let missing = |what: &str| Error::new(ErrorKind::TimestampMissing, format!("timestamp {origin} {what}"));
        let text = text.filter(|t| !t.is_empty()).ok_or_else(|| missing("is missing"))?;
        if text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(missing("is not a unix time in seconds (digits only)"));
        }
        let ts: i64 = text.parse().map_err(|_| missing("is not a unix time in seconds"))?;
        if self.tolerance == 0 && self.scheme.signature_format == SignatureFormat::Stripe {
            // Stripe's libraries check the window only for a positive tolerance.
            return Ok(text);
        }
        let age = now.unwrap_or_else(unix_now).saturating_sub(ts);
        let tolerance = i64::try_from(self.tolerance).unwrap_or(i64::MAX);
        if age > tolerance {
            return Err(Error::new(
                ErrorKind::TimestampOutsideTolerance,
                format!("timestamp is {age} s old; the tolerance is {tolerance} s"),
            ));
        }
        if self.scheme.reject_future && -age > tolerance {
            return Err(Error::new(
                ErrorKind::TimestampOutsideTolerance,
                format!("timestamp is {} s in the future; the tolerance is {tolerance} s", -age),
            ));
        }
        Ok(text)
    }

    /// The headers through which the scheme's envelope reads an event's id, type and creation
    /// time, for a sender whose provider carries them in headers (GitHub's `X-GitHub-Event`,
    /// Shopify's `X-Shopify-Topic`, …). Fields the envelope reads from the body add nothing.
    pub fn envelope_headers(
        &self,
        id: Option<&str>,
        event_type: Option<&str>,
        created_at: Option<&str>,
    ) -> Vec<(String, String)> {
        let envelope = &self.scheme.envelope;
        [(&envelope.id, id), (&envelope.event_type, event_type), (&envelope.created_at, created_at)]
            .into_iter()
            .filter_map(|(sources, value)| {
                let header = sources.iter().find_map(|s| match s {
                    Source::Header(name) => Some(name),
                    Source::Field(_) => None,
                })?;
                Some((header.clone(), value?.to_owned()))
            })
            .filter(|(name, _)| !self.scheme.id_header.as_ref().is_some_and(|id| id.eq_ignore_ascii_case(name)))
            .collect()
    }

    /// The headers a sender attaches to `payload`: the signature, and the id and timestamp
    /// headers where the scheme has them. `id` defaults to a random `msg_…`, `timestamp` to now.
    /// Multi-signature formats (stripe, standard) carry one signature per secret; the others are
    /// signed with the first secret.
    ///
    /// # Errors
    /// `invalid_json` for a canonical-JSON scheme whose payload is not JSON.
    pub fn sign(
        &self,
        payload: &[u8],
        id: Option<&str>,
        timestamp: Option<i64>,
    ) -> Result<Vec<(String, String)>, Error> {
        let scheme = &self.scheme;
        let id = scheme.id_header.as_ref().map(|_| id.map_or_else(random_id, str::to_owned));
        let timestamp = scheme.has_timestamp().then(|| timestamp.unwrap_or_else(unix_now).to_string());
        let canonical;
        let body: &[u8] = if scheme.signed_content == SignedContent::CanonicalJson {
            canonical = canonicalize(payload)
                .map_err(|e| Error::new(ErrorKind::InvalidJson, format!("the body is not valid JSON: {e}")))?;
            &canonical
        } else {
            payload
        };
        let parts = signed_parts(&scheme.signed_content, id.as_deref(), timestamp.as_deref(), body);
        let multi = matches!(scheme.signature_format, SignatureFormat::Stripe | SignatureFormat::Standard);
        let tags: Vec<_> = self.keys.iter().take(if multi { usize::MAX } else { 1 }).map(|k| k.tag(&parts)).collect();
        let hex = mac::Tag::to_hex;
        let b64 = |t: &mac::Tag| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(t.as_bytes())
        };
        let value = match scheme.signature_format {
            SignatureFormat::Hex => hex(&tags[0]),
            SignatureFormat::Base64 => b64(&tags[0]),
            SignatureFormat::Prefixed => {
                format!("{}{}", scheme.signature_prefix.as_deref().unwrap_or_default(), hex(&tags[0]))
            }
            SignatureFormat::Stripe => {
                let sigs: Vec<String> = tags.iter().map(|t| format!("v1={}", hex(t))).collect();
                format!("t={},{}", timestamp.as_deref().unwrap_or_default(), sigs.join(","))
            }
            SignatureFormat::Standard => tags.iter().map(|t| format!("v1,{}", b64(t))).collect::<Vec<_>>().join(" "),
        };
        let mut headers = Vec::with_capacity(3);
        if let (Some(name), Some(id)) = (&scheme.id_header, id) {
            headers.push((name.clone(), id));
        }
        if let (Some(name), Some(ts), false) =
            (&scheme.timestamp_header, timestamp, scheme.signature_format == SignatureFormat::Stripe)
        {
            headers.push((name.clone(), ts));
        }
        headers.push((scheme.signature_header.clone(), value));
        Ok(headers)
    }
}

/// What [`Webhook::check`] leaves for the event.
struct Checked {
    /// The envelope's members, when they were read on the way.
    fields: Option<Fields>,
    /// The buffer the canonical form was printed in, when it was printed.
    spare: Option<Vec<u8>>,
}

/// The byte slices whose concatenation is signed.
fn signed_parts<'a>(
    content: &'a SignedContent,
    id: Option<&'a str>,
    ts: Option<&'a str>,
    body: &'a [u8],
) -> Vec<&'a [u8]> {
    match content {
        SignedContent::Raw | SignedContent::CanonicalJson => vec![body],
        SignedContent::Template(parts) => parts
            .iter()
            .map(|p| match p {
                Part::Literal(s) => s.as_bytes(),
                Part::Id => id.unwrap_or_default().as_bytes(),
                Part::Timestamp => ts.unwrap_or_default().as_bytes(),
                Part::Body => body,
            })
            .collect(),
    }
}

/// `msg_` and a random (v4) UUID's 32 hex digits.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: fall back to the clock, still unique enough for a message id.
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes = nanos.to_le_bytes();
    }
    format!("msg_{}", uuid::Builder::from_random_bytes(bytes).into_uuid().simple())
}

#[cfg(test)]
mod tests {
    use super::{ErrorKind, Webhook};

    #[test]
    fn a_generated_message_id_is_msg_and_a_v4_uuids_hex() {
        let (one, two) = (super::random_id(), super::random_id());
        assert_ne!(one, two);
        let hex = one.strip_prefix("msg_").unwrap();
        let uuid = uuid::Uuid::try_parse(hex).unwrap();
        assert_eq!((hex.len(), uuid.get_version_num()), (32, 4), "{one}");
        assert_eq!(uuid.simple().to_string(), hex);
    }

    #[test]
    fn without_a_pinned_clock_the_timestamp_is_checked_against_now() {
        let standard = Webhook::from_preset("standard", ["whsec_c2VjcmV0"]).unwrap();
        let body = br#"{"a":1}"#;
        let fresh = standard.sign(body, Some("msg_1"), None).unwrap();
        assert!(standard.verify_at(body, &fresh, None).is_ok());
        let old = standard.sign(body, Some("msg_1"), Some(1_000_000_000)).unwrap();
        let refused = standard.verify_at(body, &old, None).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::TimestampOutsideTolerance, "{refused}");
        assert!(standard.verify_at(body, &old, 1_000_000_100).is_ok());
        assert!(standard.verify_signature_at(body, &old, None).is_err());
    }

    /// For every preset, on a body whose signature it accepts and on one it refuses: the borrowed
    /// event is the owned one, over the caller's own bytes.
    #[test]
    fn a_borrowed_event_is_the_owned_event_over_the_callers_bytes() {
        let body = br#"{"id":"evt_1","type":"order.created","created_at":1700000000,"data":{"note":"caf\u00e9"}}"#;
        for scheme in super::presets() {
            let hook = Webhook::new(scheme.clone(), ["whsec_c2VjcmV0"]).unwrap();
            let headers = hook.sign(body, Some("msg_1"), Some(1_700_000_000)).unwrap();
            let (owned, borrowed) =
                (hook.verify_at(body, &headers, 1_700_000_000), hook.verify_borrowed_at(body, &headers, 1_700_000_000));
            let (owned, borrowed) = (owned.unwrap(), borrowed.unwrap());
            assert!(std::ptr::eq(borrowed.body(), body.as_slice()), "{}: the body was copied", scheme.name);
            assert_eq!(owned.body(), borrowed.body(), "{}", scheme.name);
            assert_eq!(
                serde_json::to_value(&owned).unwrap(),
                serde_json::to_value(&borrowed).unwrap(),
                "{}",
                scheme.name
            );
            let tampered = br#"{"id":"evt_2"}"#;
            let (owned, borrowed) = (
                hook.verify_at(tampered, &headers, 1_700_000_000),
                hook.verify_borrowed_at(tampered, &headers, 1_700_000_000),
            );
            assert_eq!(owned.unwrap_err().kind(), borrowed.unwrap_err().kind(), "{}", scheme.name);
        }
    }

    #[test]
    fn envelope_headers_carry_what_the_receiver_reads_from_headers() {
        let github = Webhook::from_preset("github", ["s"]).unwrap();
        let headers = github.envelope_headers(Some("evt_1"), Some("job.succeeded"), Some("2026-11-22T00:00:00Z"));
        assert_eq!(
            headers,
            [
                ("X-GitHub-Delivery".to_owned(), "evt_1".to_owned()),
                ("X-GitHub-Event".to_owned(), "job.succeeded".to_owned())
            ]
        );
        let body = br#"{"a":1}"#;
        let mut all = github.sign(body, None, None).unwrap();
        all.extend(headers);
        let event = github.verify(body, &all).unwrap();
        assert_eq!((event.id.as_deref(), event.event_type.as_deref()), (Some("evt_1"), Some("job.succeeded")));
        // Body-envelope schemes and the id header the signature already carries add nothing.
        let standard = Webhook::from_preset("standard", ["whsec_c2VjcmV0"]).unwrap();
        assert!(standard.envelope_headers(Some("evt_1"), Some("t"), None).is_empty());
        assert!(Webhook::from_preset("stripe", ["k"])
            .unwrap()
            .envelope_headers(Some("a"), Some("b"), Some("c"))
            .is_empty());
    }

    #[test]
    fn events_name_the_fields_the_signature_does_not_cover() {
        let unsigned = |preset: &str, secret: &str, body: &[u8], extra: &[(&str, &str)]| {
            let hook = Webhook::from_preset(preset, [secret]).unwrap();
            let mut headers = hook.sign(body, Some("msg_1"), None).unwrap();
            headers.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
            let event = hook.verify(body, &headers).unwrap();
            assert!(event.to_json().contains("\"unsigned_fields\":["), "{}", event.to_json());
            event.unsigned_fields().to_vec()
        };
        let github = [("X-GitHub-Delivery", "d1"), ("X-GitHub-Event", "push")];
        assert_eq!(unsigned("github", "s", b"{}", &github), ["id", "type"]);
        assert_eq!(unsigned("github", "s", b"{}", &[]), Vec::<&str>::new(), "absent headers set nothing");
        let shopify =
            [("X-Shopify-Webhook-Id", "w"), ("X-Shopify-Topic", "orders/create"), ("X-Shopify-Triggered-At", "1")];
        assert_eq!(unsigned("shopify", "s", b"{}", &shopify), ["id", "type", "created_at"]);
        // Argus reads the trace id only when the body has no id.
        let trace = [("X-Argus-Trace-ID", "trc_1")];
        assert_eq!(unsigned("argus", "s", br#"{"type":"t"}"#, &trace), ["id"]);
        assert_eq!(unsigned("argus", "s", br#"{"id":"evt_1"}"#, &trace), Vec::<&str>::new());
        // Standard Webhooks signs webhook-id.
        assert_eq!(unsigned("standard", "whsec_c2VjcmV0", br#"{"type":"t"}"#, &[]), Vec::<&str>::new());
    }

    /// A body of `n` empty arrays in an array: 3 bytes and one node each.
    fn empty_arrays(n: usize) -> Vec<u8> {
        let mut body = b"[".to_vec();
        body.extend(b"[],".repeat(n));
        body.push(b']');
        if n > 0 {
            body.remove(body.len() - 2);
        }
        body
    }

    #[test]
    fn canonical_schemes_refuse_bodies_of_too_many_nodes_before_building_them() {
        let n = (super::DEFAULT_MAX_PAYLOAD_BYTES - 2) / 3;
        let body = empty_arrays(n);
        assert!(body.len() <= super::DEFAULT_MAX_PAYLOAD_BYTES);
        for (preset, signature) in [("auggie", "0".repeat(64)), ("argus", format!("sha256={}", "0".repeat(64)))] {
            let hook = Webhook::from_preset(preset, ["s"]).unwrap();
            let headers = [(hook.scheme().signature_header.clone(), signature)];
            let verdicts = [
                hook.verify_at(&body, &headers, 0).unwrap_err(),
                hook.verify_signature_at(&body, &headers, 0).unwrap_err(),
            ];
            for error in verdicts {
                assert_eq!(error.kind(), ErrorKind::PayloadTooLarge, "{preset}: {error}");
                assert!(error.message().contains("655360 JSON values and keys"), "{error}");
            }
        }
        // Raw-body schemes have no node limit: the same body is just a mismatch there.
        let github = Webhook::from_preset("github", ["s"]).unwrap();
        let headers = [("X-Hub-Signature-256", format!("sha256={}", "0".repeat(64)))];
        assert_eq!(github.verify_at(&body, &headers, 0).unwrap_err().kind(), ErrorKind::SignatureMismatch);
    }

    #[test]
    fn the_node_limit_follows_the_byte_limit_and_counts_values_and_keys() {
        // 64 KiB: 8192 nodes. `[[],…]` of n arrays is n + 1 nodes.
        let hook = Webhook::from_preset("auggie", ["s"]).unwrap().with_max_payload_bytes(64 * 1024);
        for (n, ok) in [(8191, true), (8192, false)] {
            let body = empty_arrays(n);
            let headers = hook.sign(&body, None, None).unwrap();
            let verdict = hook.verify(&body, &headers).map(|_| ()).map_err(|e| e.kind());
            assert_eq!(verdict.is_ok(), ok, "{n}: {verdict:?}");
            if !ok {
                assert_eq!(verdict, Err(ErrorKind::PayloadTooLarge));
            }
        }
        // An object of 4095 members is 1 + 2 × 4095 = 8191 nodes; one more member is too many.
        for (members, ok) in [(4095, true), (4096, false)] {
            let body = format!("{{{}}}", (0..members).map(|i| format!("\"k{i}\":0")).collect::<Vec<_>>().join(","));
            let headers = hook.sign(body.as_bytes(), None, None).unwrap();
            assert_eq!(hook.verify(body.as_bytes(), &headers).is_ok(), ok, "{members} members");
        }
        // Tiny byte limits keep a floor of 4096 nodes.
        let tiny = Webhook::from_preset("auggie", ["s"]).unwrap().with_max_payload_bytes(16 * 1024);
        let body = empty_arrays(4095);
        assert!(tiny.verify(&body, &tiny.sign(&body, None, None).unwrap()).is_ok());
    }

    /// A large canonical-JSON body's MAC, computed over its bytes while they are read, counts only
    /// when the body is its own canonical form.
    #[test]
    fn a_large_canonical_body_is_checked_against_its_canonical_form_only() {
        let items = vec![r#"{"note":"caf\u00e9","price":2.5,"qty":1}"#; 5_000].join(",");
        let sent = format!(r#"{{"data":{{"items":[{items}]}},"id":"evt_big","type":"order.created"}}"#);
        assert!(sent.len() > super::READ_ALONGSIDE_FROM, "{}", sent.len());
        assert_eq!(crate::json::canonicalize(sent.as_bytes()).unwrap(), sent.as_bytes());
        let spaced = sent.replace(',', ", ");
        let hook = Webhook::from_preset("argus", ["s_old", "s_new"]).unwrap();
        // Signed as Argus's documentation signs: HMAC-SHA256 of the bytes, `sha256=` and hex.
        let mac = |body: &str, secret: &str| {
            use hmac::Mac as _;
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(body.as_bytes());
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        };
        let verify = |body: &str, signature: String| {
            // Several times: the helper may be busy with another test's task for one of them.
            let verdicts: Vec<_> = (0..5)
                .map(|_| hook.verify(body.as_bytes(), &[("X-Argus-Signature", signature.as_str())]).map(|_| ()))
                .collect();
            assert!(verdicts.windows(2).all(|w| w[0] == w[1]), "{verdicts:?}");
            verdicts[0].clone().map_err(|e| e.kind())
        };
        assert_eq!(verify(&sent, mac(&sent, "s_new")), Ok(()));
        assert_eq!(verify(&spaced, mac(&sent, "s_old")), Ok(()));
        assert_eq!(verify(&spaced, mac(&spaced, "s_new")), Err(ErrorKind::SignatureMismatch));
        assert_eq!(verify(&sent, mac(&sent, "s_other")), Err(ErrorKind::SignatureMismatch));
        assert_eq!(verify(&sent[1..], mac(&sent[1..], "s_new")), Err(ErrorKind::InvalidJson));
    }

    #[test]
    fn a_large_raw_body_read_alongside_its_mac_keeps_the_order_of_the_checks() {
        let items = vec![r#"{"sku": "caf\u00e9", "qty": 1, "price": 2.5}"#; 8_000].join(", ");
        let body = format!(r#"{{"id": "evt_big", "type": "order.created", "data": {{"items": [{items}]}}}}"#);
        assert!(body.len() > 2 * super::READ_ALONGSIDE_FROM, "{}", body.len());
        let broken = format!("{body},");
        let hook = Webhook::from_preset("stripe", ["whsec_old", "whsec_new"]).unwrap();
        let sender = Webhook::from_preset("stripe", ["whsec_new"]).unwrap();
        let signed = |body: &str| sender.sign(body.as_bytes(), None, None).unwrap();
        let kind = |body: &str, headers: &[(String, String)]| {
            hook.verify(body.as_bytes(), headers).map(|_| ()).unwrap_err().kind()
        };

        let event = hook.verify(body.as_bytes(), &signed(&body)).unwrap();
        assert_eq!((event.id.as_deref(), event.event_type.as_deref()), (Some("evt_big"), Some("order.created")));
        let Some(crate::json::Value::Array(items)) = event.data().get("items") else { panic!("no items") };
        assert_eq!((items.len(), items[7_999].get("sku").and_then(|s| s.as_str())), (8_000, Some("café")));
        assert!(event.is_plain_json());
        // Signed but not JSON: refused for its JSON.
        assert_eq!(kind(&broken, &signed(&broken)), ErrorKind::InvalidJson);
        // Not signed, JSON or not: refused for the signature, as when the body is read after it.
        assert_eq!(kind(&broken, &signed(&body)), ErrorKind::SignatureMismatch);
        assert_eq!(kind(&body, &signed(&broken)), ErrorKind::SignatureMismatch);
    }

    #[test]
    fn a_normal_large_body_still_verifies_with_a_canonical_scheme() {
        let item = r#"{"id": "evt_000001", "type": "job.completed", "amount": 12345, "tags": ["a", "b"], "ok": true}"#;
        let body = format!("[{}]", vec![item; 45_000].join(", "));
        assert!(body.len() > 4 * 1024 * 1024 && body.len() < super::DEFAULT_MAX_PAYLOAD_BYTES, "{}", body.len());
        for preset in ["auggie", "argus"] {
            let hook = Webhook::from_preset(preset, ["s"]).unwrap();
            let headers = hook.sign(body.as_bytes(), None, None).unwrap();
            assert!(hook.verify(body.as_bytes(), &headers).is_ok(), "{preset}");
        }
    }

    #[test]
    fn a_header_carries_at_most_32_signatures() {
        let body = br#"{"type":"t"}"#;
        let stripe = Webhook::from_preset("stripe", ["whsec_k"]).unwrap();
        let standard = Webhook::from_preset("standard", ["whsec_c2VjcmV0"]).unwrap();
        for (hook, wrong) in
            [(&stripe, format!("v1={}", "0".repeat(64))), (&standard, format!("v1,{}=", "A".repeat(43)))]
        {
            let separator = if hook.scheme().name == "stripe" { "," } else { " " };
            let mut headers = hook.sign(body, Some("msg_1"), Some(1_700_000_000)).unwrap();
            let right = headers.pop().unwrap();
            // 31 wrong ones and the right one: verified; one wrong one more: malformed.
            let value = format!("{}{separator}{}", vec![wrong.as_str(); 31].join(separator), right.1);
            headers.push((right.0.clone(), value.clone()));
            assert!(hook.verify_at(body, &headers, 1_700_000_000).is_ok(), "{value}");
            headers.pop();
            headers.push((right.0, format!("{wrong}{separator}{value}")));
            let error = hook.verify_at(body, &headers, 1_700_000_000).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::MalformedSignature, "{error}");
            assert!(error.message().contains("more than 32 signatures"), "{error}");
        }
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let hook = Webhook::from_preset("stripe", ["whsec_top_secret"]).unwrap();
        let shown = format!("{hook:?}");
        assert!(!shown.contains("top_secret"), "{shown}");
        assert!(shown.contains("stripe"));
    }
}
