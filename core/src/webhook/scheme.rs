//! The scheme model: how a provider signs, as plain data (serde), so a user can describe a
//! provider hookwise does not ship in JSON, TOML, a dict or an object.

use std::borrow::Cow;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::error::{Error, ErrorKind};

/// The HMAC algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA256 (the default).
    #[default]
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
    /// HMAC-SHA512.
    #[serde(rename = "hmac-sha512")]
    HmacSha512,
    /// HMAC-SHA1.
    #[serde(rename = "hmac-sha1")]
    HmacSha1,
}

impl Algorithm {
    /// Length of the MAC in bytes.
    pub fn mac_len(self) -> usize {
        match self {
            Algorithm::HmacSha256 => 32,
            Algorithm::HmacSha512 => 64,
            Algorithm::HmacSha1 => 20,
        }
    }
}

/// How the signature header's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SignatureFormat {
    /// Lower-case hex.
    Hex,
    /// Standard base64, padded.
    Base64,
    /// `signature_prefix` then lower-case hex (`sha256=…`, `v0=…`).
    Prefixed,
    /// Stripe's `t=<unix>,v1=<hex>[,v1=<hex>…]`; other schemes in the list are ignored.
    Stripe,
    /// Standard Webhooks: space-separated `v1,<base64>` entries.
    Standard,
}

/// How the secret string becomes the HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SecretEncoding {
    /// The UTF-8 bytes of the secret, whole (Stripe's `whsec_…` included).
    #[default]
    Utf8,
    /// Standard Webhooks: strip `whsec_`, then base64-decode.
    WhsecBase64,
}

/// Base64 that accepts a secret with or without its padding.
const SECRET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

impl SecretEncoding {
    /// The HMAC key a secret gives: its bytes, or for `whsec_…` base64 the decoded bytes.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSecret`] when the secret does not decode or decodes to nothing (the
    /// message never includes the secret).
    pub fn key(self, secret: &str) -> Result<Cow<'_, [u8]>, Error> {
        match self {
            SecretEncoding::Utf8 => Ok(Cow::Borrowed(secret.as_bytes())),
            SecretEncoding::WhsecBase64 => {
                let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
                let decoded = SECRET_BASE64.decode(b64).map_err(|_| {
                    Error::new(ErrorKind::InvalidSecret, "the secret is not base64 after its \"whsec_\" prefix")
                })?;
                if decoded.is_empty() {
                    return Err(Error::new(ErrorKind::InvalidSecret, "the secret decodes to no bytes"));
                }
                Ok(Cow::Owned(decoded))
            }
        }
    }
}

/// One piece of a signed-content template.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// Literal text.
    Literal(String),
    /// The id (from `id_header`).
    Id,
    /// The timestamp, as written in its header.
    Timestamp,
    /// The raw body bytes.
    Body,
}

/// What the HMAC is computed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[non_exhaustive]
pub enum SignedContent {
    /// The exact body bytes.
    Raw,
    /// `json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))`.
    CanonicalJson,
    /// A template over `{id}`, `{timestamp}` and `{body}`, such as `{id}.{timestamp}.{body}`.
    Template(Vec<Part>),
}

impl SignedContent {
    /// Whether the content needs `{id}` / `{timestamp}`.
    pub(crate) fn uses(&self, wanted: &Part) -> bool {
        matches!(self, SignedContent::Template(parts) if parts.contains(wanted))
    }
}

impl TryFrom<String> for SignedContent {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "raw" => return Ok(SignedContent::Raw),
            "canonical_json" => return Ok(SignedContent::CanonicalJson),
            _ => {}
        }
        let mut parts = Vec::new();
        let mut rest = s.as_str();
        while !rest.is_empty() {
            let Some(open) = rest.find('{') else {
                parts.push(Part::Literal(rest.to_owned()));
                break;
            };
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let close = rest[open..].find('}').ok_or_else(|| format!("unclosed '{{' in signed_content {s:?}"))?;
            parts.push(match &rest[open + 1..open + close] {
                "id" => Part::Id,
                "timestamp" => Part::Timestamp,
                "body" => Part::Body,
                other => {
                    return Err(format!(
                        "unknown placeholder {{{other}}} in signed_content (use {{id}}, {{timestamp}}, {{body}})"
                    ))
                }
            });
            rest = &rest[open + close + 1..];
        }
        if !parts.contains(&Part::Body) {
            return Err(format!("signed_content {s:?} does not include {{body}}"));
        }
        Ok(SignedContent::Template(parts))
    }
}

impl From<SignedContent> for String {
    fn from(content: SignedContent) -> String {
        match content {
            SignedContent::Raw => "raw".into(),
            SignedContent::CanonicalJson => "canonical_json".into(),
            SignedContent::Template(parts) => parts
                .iter()
                .map(|p| match p {
                    Part::Literal(s) => s.as_str(),
                    Part::Id => "{id}",
                    Part::Timestamp => "{timestamp}",
                    Part::Body => "{body}",
                })
                .collect(),
        }
    }
}

/// Where an envelope field is found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Source {
    /// A top-level key of the JSON body.
    Field(String),
    /// A request header.
    Header(String),
}

/// Where an [`Event`](crate::Event)'s fields come from: each a list of sources tried in order,
/// the first present one wins. With no `data` source present, `data` is the whole payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Envelope {
    /// Sources of the event id.
    #[serde(default)]
    pub id: Vec<Source>,
    /// Sources of the event type.
    #[serde(default, rename = "type")]
    pub event_type: Vec<Source>,
    /// Sources of the creation time (unix seconds or RFC 3339).
    #[serde(default)]
    pub created_at: Vec<Source>,
    /// Sources of the event data.
    #[serde(default)]
    pub data: Vec<Source>,
}

impl Envelope {
    /// Every source of every field, in order.
    fn sources(&self) -> impl Iterator<Item = &Source> {
        [&self.id, &self.event_type, &self.created_at, &self.data].into_iter().flatten()
    }

    /// The body fields any of its sources read, each once.
    pub fn field_names(&self) -> Vec<String> {
        unique(self.sources().filter_map(|source| match source {
            Source::Field(name) => Some(name.clone()),
            Source::Header(_) => None,
        }))
    }
}

/// `names` in order, each once.
fn unique(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

impl Default for Envelope {
    fn default() -> Self {
        let field = |name: &str| vec![Source::Field(name.to_owned())];
        Envelope { id: field("id"), event_type: field("type"), created_at: field("created_at"), data: field("data") }
    }
}

/// The scheme used when none is named: Standard Webhooks.
pub const DEFAULT_SCHEME: &str = "standard";

/// A signing scheme: everything needed to verify and sign one provider's webhooks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Scheme {
    /// The scheme's name (a preset's name, or the user's).
    pub name: String,
    /// The HMAC algorithm.
    #[serde(default)]
    pub algorithm: Algorithm,
    /// The header carrying the signature (matched case-insensitively).
    pub signature_header: String,
    /// How the signature is written.
    pub signature_format: SignatureFormat,
    /// With [`SignatureFormat::Prefixed`], the prefix (`sha256=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_prefix: Option<String>,
    /// What is signed.
    #[serde(default = "raw")]
    pub signed_content: SignedContent,
    /// The header carrying `{timestamp}` (the Stripe format carries it in `t=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_header: Option<String>,
    /// The header carrying `{id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_header: Option<String>,
    /// Replay window in seconds, used when the scheme has a timestamp.
    #[serde(default = "default_tolerance")]
    pub tolerance_seconds: u64,
    /// Whether timestamps too far in the future fail too (`false`: only too-old ones, as Stripe).
    #[serde(default = "yes")]
    pub reject_future: bool,
    /// How the secret becomes the key.
    #[serde(default)]
    pub secret_encoding: SecretEncoding,
    /// Where the event's fields are found.
    #[serde(default)]
    pub envelope: Envelope,
}

fn raw() -> SignedContent {
    SignedContent::Raw
}
fn default_tolerance() -> u64 {
    300
}
fn yes() -> bool {
    true
}

impl Scheme {
    /// Every header verification and the envelope may read, lower-cased, each once: a binding
    /// whose runtime holds many headers converts only these.
    pub fn header_names(&self) -> Vec<String> {
        let from_envelope = self.envelope.sources().filter_map(|source| match source {
            Source::Header(name) => Some(name),
            Source::Field(_) => None,
        });
        unique(
            std::iter::once(&self.signature_header)
                .chain(&self.id_header)
                .chain(&self.timestamp_header)
                .chain(from_envelope)
                .map(|name| name.to_ascii_lowercase()),
        )
    }

    /// The scheme a binding was given, in any of the forms every language accepts: nothing or
    /// `null` (the default, [`DEFAULT_SCHEME`]), a preset name, a custom scheme as JSON text
    /// (starting with `{`), or a custom scheme as a JSON object.
    ///
    /// # Errors
    /// `unknown_scheme`: no such preset, an invalid description, or another kind of value.
    pub fn resolve(spec: Option<&serde_json::Value>) -> Result<Scheme, Error> {
        use serde_json::Value;
        match spec {
            None | Some(Value::Null) => super::preset(DEFAULT_SCHEME).cloned(),
            Some(Value::String(text)) if text.trim_start().starts_with('{') => Scheme::from_json(text),
            Some(Value::String(name)) => super::preset(name).cloned(),
            Some(object @ Value::Object(_)) => {
                let scheme: Scheme = serde_json::from_value(object.clone())
                    .map_err(|e| Error::new(ErrorKind::UnknownScheme, format!("invalid scheme description: {e}")))?;
                scheme.validate()?;
                Ok(scheme)
            }
            Some(_) => Err(Error::new(ErrorKind::UnknownScheme, "a scheme is a preset name or a scheme description")),
        }
    }

    /// Reads a scheme from JSON (the format in `tests/conformance/README.md`) and checks it.
    ///
    /// # Errors
    /// `unknown_scheme` when the JSON is not a valid scheme.
    pub fn from_json(text: &str) -> Result<Scheme, Error> {
        let scheme: Scheme = serde_json::from_str(text)
            .map_err(|e| Error::new(ErrorKind::UnknownScheme, format!("invalid scheme description: {e}")))?;
        scheme.validate()?;
        Ok(scheme)
    }

    /// Whether the signature covers the header `name` (matched case-insensitively): the id and
    /// timestamp headers the signed content's template uses. Any other header, such as GitHub's
    /// `X-GitHub-Event` or Shopify's `X-Shopify-Webhook-Id`, can be changed by whoever relays or
    /// replays a delivery without the signature noticing; an [`Event`](crate::Event) field read
    /// from one is listed in [`Event::unsigned_fields`](crate::Event::unsigned_fields).
    pub fn signs_header(&self, name: &str) -> bool {
        let signed = |header: &Option<String>, part: &Part| {
            header.as_ref().is_some_and(|h| h.eq_ignore_ascii_case(name)) && self.signed_content.uses(part)
        };
        signed(&self.id_header, &Part::Id)
            || (self.signature_format != SignatureFormat::Stripe && signed(&self.timestamp_header, &Part::Timestamp))
    }

    /// Whether the scheme carries a timestamp (and so has a replay window).
    pub fn has_timestamp(&self) -> bool {
        self.signature_format == SignatureFormat::Stripe || self.signed_content.uses(&Part::Timestamp)
    }

    /// Checks that the parts fit together.
    ///
    /// # Errors
    /// `unknown_scheme`, saying which part does not fit.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |msg: String| Err(Error::new(ErrorKind::UnknownScheme, format!("scheme {:?}: {msg}", self.name)));
        if self.signature_header.trim().is_empty() {
            return bad("signature_header is empty".into());
        }
        match (self.signature_format, &self.signature_prefix) {
            (SignatureFormat::Prefixed, None) => {
                return bad("signature_format \"prefixed\" needs signature_prefix".into())
            }
            (SignatureFormat::Prefixed, Some(_)) | (_, None) => {}
            (_, Some(_)) => return bad("signature_prefix is only used with signature_format \"prefixed\"".into()),
        }
        if self.signed_content.uses(&Part::Id) && self.id_header.is_none() {
            return bad("signed_content uses {id} but id_header is not set".into());
        }
        // A timestamp is checked against the replay window only where the signature covers it:
        // one that is checked but not signed could be changed freely by whoever replays.
        let signs_timestamp = self.signed_content.uses(&Part::Timestamp);
        let stripe = self.signature_format == SignatureFormat::Stripe;
        match (&self.timestamp_header, stripe) {
            (None, false) if signs_timestamp => {
                return bad("signed_content uses {timestamp} but timestamp_header is not set".into())
            }
            (None, true) if !signs_timestamp => {
                return bad(format!(
                    "signature_format \"stripe\" checks the t= timestamp, but signed_content {:?} does not sign it \
                     (sign it with a template such as \"{{timestamp}}.{{body}}\")",
                    String::from(self.signed_content.clone())
                ))
            }
            (Some(header), true) => {
                return bad(format!(
                    "timestamp_header {header:?} is not used: signature_format \"stripe\" reads the timestamp from t="
                ))
            }
            (Some(header), false) if !signs_timestamp => {
                return bad(format!(
                    "timestamp_header {header:?} is set but signed_content does not use {{timestamp}}: \
                     the timestamp would be checked without being signed"
                ))
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolve_takes_every_form_a_binding_is_given() {
        assert_eq!(Scheme::resolve(None).map(|s| s.name), Ok(DEFAULT_SCHEME.to_owned()));
        assert_eq!(Scheme::resolve(Some(&json!(null))).map(|s| s.name), Ok("standard".to_owned()));
        assert_eq!(Scheme::resolve(Some(&json!("GitHub"))).map(|s| s.name), Ok("github".to_owned()));
        let custom = json!({"name": "acme", "signature_header": "X-Acme", "signature_format": "hex"});
        assert_eq!(Scheme::resolve(Some(&custom)).map(|s| s.name), Ok("acme".to_owned()));
        assert_eq!(Scheme::resolve(Some(&json!(custom.to_string()))).map(|s| s.name), Ok("acme".to_owned()));
        for bad in [
            json!("nosuch"),
            json!(7),
            json!({"name": "x"}),
            json!({"name": "x", "signature_header": "H", "signature_format": "prefixed"}),
        ] {
            assert_eq!(Scheme::resolve(Some(&bad)).map_err(|e| e.code()), Err("unknown_scheme"), "{bad}");
        }
    }

    /// What a scheme description refuses, by its message (the code is `unknown_scheme`).
    fn refusal(scheme: &serde_json::Value) -> String {
        match Scheme::resolve(Some(scheme)) {
            Ok(_) => "accepted".to_owned(),
            Err(e) => format!("{} {}", e.code(), e.message()),
        }
    }

    #[test]
    fn a_timestamp_that_is_checked_must_be_signed() {
        let stripe = json!({"name": "s", "signature_header": "S", "signature_format": "stripe"});
        let refused = refusal(&stripe);
        assert!(refused.starts_with("unknown_scheme") && refused.contains("does not sign it"), "{refused}");
        let mut signed = stripe;
        signed["signed_content"] = json!("{timestamp}.{body}");
        assert_eq!(refusal(&signed), "accepted");
        signed["timestamp_header"] = json!("X-Ts");
        let refused = refusal(&signed);
        assert!(refused.starts_with("unknown_scheme") && refused.contains("reads the timestamp from t="), "{refused}");

        let unsigned =
            json!({"name": "u", "signature_header": "S", "signature_format": "hex", "timestamp_header": "X-Ts"});
        let refused = refusal(&unsigned);
        assert!(refused.starts_with("unknown_scheme") && refused.contains("without being signed"), "{refused}");
        let mut signed = unsigned;
        signed["signed_content"] = json!("{timestamp}.{body}");
        assert_eq!(refusal(&signed), "accepted");
    }

    #[test]
    fn only_the_headers_the_template_uses_are_signed() {
        let standard = crate::webhook::preset("standard").unwrap();
        assert!(standard.signs_header("Webhook-Id") && standard.signs_header("webhook-timestamp"));
        assert!(!standard.signs_header("webhook-signature"));
        let github = crate::webhook::preset("github").unwrap();
        assert!(!github.signs_header("X-GitHub-Delivery") && !github.signs_header("X-GitHub-Event"));
        // An id header the template does not use is not covered.
        let custom = json!({"name": "c", "signature_header": "S", "signature_format": "hex", "id_header": "X-Id"});
        assert!(!Scheme::resolve(Some(&custom)).unwrap().signs_header("X-Id"));
    }

    #[test]
    fn every_preset_signs_the_timestamp_it_checks() {
        for preset in crate::webhook::presets() {
            assert_eq!(preset.validate(), Ok(()), "{}", preset.name);
        }
    }
}
