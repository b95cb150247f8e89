//! One error enum for Swift and Kotlin, every variant with its stable `code` and a `message`;
//! core errors are mapped by one match each, whose wildcard arm takes a kind a later core adds.

use hookwise::api::{Error as ClientError, ErrorKind as ClientErrorKind, ProfileError};
use hookwise::webhook::{Error as WebhookError, ErrorKind};

/// Every hookwise error. Verification failures carry one of the nine codes; API errors also carry
/// the HTTP status and the server's trace id.
#[derive(Debug, uniffi::Error)]
pub enum HookwiseError {
    /// The signature header (or the id header it needs) is absent or empty.
    MissingSignature { code: String, reason: String },
    /// The signature header is not in the scheme's format.
    MalformedSignature { code: String, reason: String },
    /// No secret produces the signature.
    SignatureMismatch { code: String, reason: String },
    /// The timestamp is absent or not an integer.
    TimestampMissing { code: String, reason: String },
    /// The timestamp is outside the replay window.
    TimestampOutsideTolerance { code: String, reason: String },
    /// The body is not JSON.
    InvalidJson { code: String, reason: String },
    /// No secret, an empty one, or one not in the scheme's encoding.
    InvalidSecret { code: String, reason: String },
    /// The body is over the limit.
    PayloadTooLarge { code: String, reason: String },
    /// No such preset, or an invalid scheme description.
    UnknownScheme { code: String, reason: String },
    /// A verification failure of a kind newer than this binding, told apart by `code`.
    Webhook { code: String, reason: String },
    /// 401.
    Authentication { code: String, reason: String, status: i32, trace_id: Option<String> },
    /// 403.
    PermissionDenied { code: String, reason: String, status: i32, trace_id: Option<String> },
    /// 404.
    NotFound { code: String, reason: String, status: i32, trace_id: Option<String> },
    /// 409.
    Conflict { code: String, reason: String, status: i32, trace_id: Option<String> },
    /// 422.
    UnprocessableEntity { code: String, reason: String, status: i32, trace_id: Option<String> },
    /// 429.
    RateLimit { code: String, reason: String, status: i32, trace_id: Option<String> },
    /// 5xx.
    Server { code: String, reason: String, status: i32, trace_id: Option<String> },
    /// Any other API error.
    Api { code: String, reason: String, status: i32, trace_id: Option<String> },
    /// The connection failed.
    Connection { code: String, reason: String },
    /// A request or a wait took too long.
    Timeout { code: String, reason: String },
    /// The call was refused before anything was sent (unknown operation or argument, missing credentials).
    InvalidArgument { code: String, reason: String },
    /// The API's answer could not be read.
    InvalidResponse { code: String, reason: String },
    /// A profile that cannot be used (`invalid_profile`, `unsupported_profile`).
    InvalidProfile { code: String, reason: String },
}

/// What every error carries, whatever its variant: Swift's `error.code`, `error.status`, … and
/// Kotlin's `e.code`, `e.status`, … on the base type read it (`Sources/Hookwise/HookwiseError+Details.swift`,
/// `dev/hookwise/HookwiseExceptions.kt`).
#[derive(uniffi::Record)]
pub struct ErrorDetails {
    /// The stable code (`signature_mismatch`, `not_found`, `http_418`, `timeout`, …).
    pub code: String,
    /// What went wrong (the API's message for API errors).
    pub reason: String,
    /// The HTTP status of an API error; null for every other error.
    pub status: Option<i32>,
    /// The server's trace id of an API error, when it sent one.
    pub trace_id: Option<String>,
}

#[uniffi::export]
impl HookwiseError {
    /// The code, reason, HTTP status and trace id, read by one exhaustive match.
    pub fn details(&self) -> ErrorDetails {
        let (code, reason, status, trace_id) = match self {
            HookwiseError::MissingSignature { code, reason }
            | HookwiseError::MalformedSignature { code, reason }
            | HookwiseError::SignatureMismatch { code, reason }
            | HookwiseError::TimestampMissing { code, reason }
            | HookwiseError::TimestampOutsideTolerance { code, reason }
            | HookwiseError::InvalidJson { code, reason }
            | HookwiseError::InvalidSecret { code, reason }
            | HookwiseError::PayloadTooLarge { code, reason }
            | HookwiseError::UnknownScheme { code, reason }
            | HookwiseError::Webhook { code, reason }
            | HookwiseError::Connection { code, reason }
            | HookwiseError::Timeout { code, reason }
            | HookwiseError::InvalidArgument { code, reason }
            | HookwiseError::InvalidResponse { code, reason }
            | HookwiseError::InvalidProfile { code, reason } => (code, reason, None, None),
            HookwiseError::Authentication { code, reason, status, trace_id }
            | HookwiseError::PermissionDenied { code, reason, status, trace_id }
            | HookwiseError::NotFound { code, reason, status, trace_id }
            | HookwiseError::Conflict { code, reason, status, trace_id }
            | HookwiseError::UnprocessableEntity { code, reason, status, trace_id }
            | HookwiseError::RateLimit { code, reason, status, trace_id }
            | HookwiseError::Server { code, reason, status, trace_id }
            | HookwiseError::Api { code, reason, status, trace_id } => (code, reason, Some(*status), trace_id.clone()),
        };
        ErrorDetails { code: code.clone(), reason: reason.clone(), status, trace_id }
    }
}

impl std::fmt::Display for HookwiseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ErrorDetails { code, reason, .. } = self.details();
        write!(f, "{code}: {reason}")
    }
}

impl std::error::Error for HookwiseError {}

impl From<WebhookError> for HookwiseError {
    fn from(e: WebhookError) -> Self {
        let (code, message) = (e.code().to_owned(), e.message().to_owned());
        match e.kind() {
            ErrorKind::MissingSignature => HookwiseError::MissingSignature { code, reason: message },
            ErrorKind::MalformedSignature => HookwiseError::MalformedSignature { code, reason: message },
            ErrorKind::SignatureMismatch => HookwiseError::SignatureMismatch { code, reason: message },
            ErrorKind::TimestampMissing => HookwiseError::TimestampMissing { code, reason: message },
            ErrorKind::TimestampOutsideTolerance => HookwiseError::TimestampOutsideTolerance { code, reason: message },
            ErrorKind::InvalidJson => HookwiseError::InvalidJson { code, reason: message },
            ErrorKind::InvalidSecret => HookwiseError::InvalidSecret { code, reason: message },
            ErrorKind::PayloadTooLarge => HookwiseError::PayloadTooLarge { code, reason: message },
            ErrorKind::UnknownScheme => HookwiseError::UnknownScheme { code, reason: message },
            _ => HookwiseError::Webhook { code, reason: message },
        }
    }
}

impl From<ClientError> for HookwiseError {
    fn from(e: ClientError) -> Self {
        let (code, message) = (e.code().to_owned(), e.message().to_owned());
        let (status, trace_id) = (e.status().map_or(0, i32::from), e.trace_id().map(str::to_owned));
        match e.kind() {
            ClientErrorKind::Authentication => {
                HookwiseError::Authentication { code, reason: message, status, trace_id }
            }
            ClientErrorKind::PermissionDenied => {
                HookwiseError::PermissionDenied { code, reason: message, status, trace_id }
            }
            ClientErrorKind::NotFound => HookwiseError::NotFound { code, reason: message, status, trace_id },
            ClientErrorKind::UnprocessableEntity => {
                HookwiseError::UnprocessableEntity { code, reason: message, status, trace_id }
            }
            ClientErrorKind::Conflict => HookwiseError::Conflict { code, reason: message, status, trace_id },
            ClientErrorKind::RateLimit => HookwiseError::RateLimit { code, reason: message, status, trace_id },
            ClientErrorKind::Server => HookwiseError::Server { code, reason: message, status, trace_id },
            ClientErrorKind::Connection => HookwiseError::Connection { code, reason: message },
            ClientErrorKind::Timeout => HookwiseError::Timeout { code, reason: message },
            ClientErrorKind::InvalidArgument => HookwiseError::InvalidArgument { code, reason: message },
            ClientErrorKind::InvalidResponse => HookwiseError::InvalidResponse { code, reason: message },
            // `Api`, and a kind a later core adds: the generic API error, with its own `code`.
            _ => HookwiseError::Api { code, reason: message, status, trace_id },
        }
    }
}

/// Input a binding could not convert (JSON text that is not JSON, arguments that are not an
/// object): refused before anything is sent, as the engine refuses a bad argument.
pub fn invalid_argument(reason: String) -> HookwiseError {
    HookwiseError::InvalidArgument { code: "invalid_argument".into(), reason }
}

impl From<ProfileError> for HookwiseError {
    fn from(e: ProfileError) -> Self {
        HookwiseError::InvalidProfile { code: e.code().to_owned(), reason: e.to_string() }
    }
}
