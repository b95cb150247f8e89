//! The nine verification errors, each with a stable code shared by every language.

/// What went wrong, as a stable code. A new kind may come in a minor version, so a `match` on it
/// needs a wildcard arm; the codes ([`ErrorKind::code`]) never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The signature header (or the id header the signed content needs) is absent or empty.
    MissingSignature,
    /// The signature header is present but not in the scheme's format.
    MalformedSignature,
    /// The signature is well formed but no secret produces it.
    SignatureMismatch,
    /// The timestamp is absent, empty or not an integer.
    TimestampMissing,
    /// The timestamp is outside the replay window.
    TimestampOutsideTolerance,
    /// The body is not JSON (as CPython's `json.loads` defines it).
    InvalidJson,
    /// No secret, an empty secret, or a secret not in the scheme's encoding.
    InvalidSecret,
    /// The body is larger than the configured limit.
    PayloadTooLarge,
    /// No such preset, or an invalid scheme description.
    UnknownScheme,
}

impl ErrorKind {
    /// Every kind, in the order checks run.
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::UnknownScheme,
        ErrorKind::InvalidSecret,
        ErrorKind::PayloadTooLarge,
        ErrorKind::MissingSignature,
        ErrorKind::MalformedSignature,
        ErrorKind::TimestampMissing,
        ErrorKind::TimestampOutsideTolerance,
        ErrorKind::SignatureMismatch,
        ErrorKind::InvalidJson,
    ];

    /// The stable code, identical in every language (`signature_mismatch`, …).
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::MissingSignature => "missing_signature",
            ErrorKind::MalformedSignature => "malformed_signature",
            ErrorKind::SignatureMismatch => "signature_mismatch",
            ErrorKind::TimestampMissing => "timestamp_missing",
            ErrorKind::TimestampOutsideTolerance => "timestamp_outside_tolerance",
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::InvalidSecret => "invalid_secret",
            ErrorKind::PayloadTooLarge => "payload_too_large",
            ErrorKind::UnknownScheme => "unknown_scheme",
        }
    }
}

/// A verification or configuration error: a stable [`ErrorKind`] and a message that says what
/// was wrong. Messages never contain a secret or an expected signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// An error of `kind` saying `message` (which must not contain a secret).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into() }
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable code (`signature_mismatch`, …).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// What was wrong, for a human.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<crate::json::SyntaxError> for Error {
    /// `canonicalize` refused the input: `invalid_json`, saying where.
    fn from(e: crate::json::SyntaxError) -> Self {
        Error::new(ErrorKind::InvalidJson, format!("the input is not valid JSON: {e}"))
    }
}
