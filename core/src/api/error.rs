//! The engine's errors (one code set in every language) and the profile's refusals.

use serde_json::Value;

/// A profile that cannot be used: where (a JSON pointer) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    unsupported: bool,
    pointer: String,
    message: String,
}

impl ProfileError {
    pub(crate) fn invalid(pointer: &str, message: impl std::fmt::Display) -> ProfileError {
        ProfileError { unsupported: false, pointer: pointer.to_owned(), message: message.to_string() }
    }

    pub(crate) fn unsupported(pointer: &str, construct: impl std::fmt::Display) -> ProfileError {
        ProfileError { unsupported: true, pointer: pointer.to_owned(), message: construct.to_string() }
    }

    /// `unsupported_profile` (a construct hookwise does not support yet) or `invalid_profile`.
    pub fn code(&self) -> &'static str {
        if self.unsupported {
            "unsupported_profile"
        } else {
            "invalid_profile"
        }
    }

    /// Where, as a JSON pointer (`#/paths/~1v1~1jobs/post`).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.unsupported { "unsupported" } else { "invalid" };
        write!(f, "{what}: {}: {}", self.pointer, self.message)
    }
}

impl std::error::Error for ProfileError {}

/// What kind of failure, for bindings to map to exception classes. A new kind may come in a minor
/// version, so a `match` on it needs a wildcard arm (the bindings send one to their base class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401: the credentials are missing or wrong.
    Authentication,
    /// 403: the credentials may not do this.
    PermissionDenied,
    /// 404: no such object.
    NotFound,
    /// 409: a conflict (an idempotency key reused, a state that does not allow it, …).
    Conflict,
    /// 422: the request was understood but refused.
    UnprocessableEntity,
    /// 429: too many requests.
    RateLimit,
    /// 5xx: the server failed.
    Server,
    /// Any other API error (400, 405, 410, 413, …).
    Api,
    /// The connection failed or broke.
    Connection,
    /// The request, or a wait, took too long.
    Timeout,
    /// The call was refused before anything was sent (unknown operation or argument, a required
    /// argument missing, no credentials, the client closed: code `client_closed`).
    InvalidArgument,
    /// The API answered with something that cannot be read (not JSON, not the expected shape).
    InvalidResponse,
}

impl ErrorKind {
    /// The kind's name as the conformance suite writes it (`not_found`, `rate_limit`, …).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Authentication => "authentication",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::UnprocessableEntity => "unprocessable_entity",
            ErrorKind::RateLimit => "rate_limit",
            ErrorKind::Server => "server",
            ErrorKind::Api => "api",
            ErrorKind::Connection => "connection",
            ErrorKind::Timeout => "timeout",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::InvalidResponse => "invalid_response",
        }
    }

    /// The kind of an API error with this HTTP status.
    pub fn of_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::UnprocessableEntity,
            429 => ErrorKind::RateLimit,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Api,
        }
    }
}

/// An error of an API call.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    kind: ErrorKind,
    status: Option<u16>,
    code: String,
    message: String,
    trace_id: Option<String>,
    body: Option<Value>,
}

impl Error {
    /// An error the API returned: its status, and what the profile's pointers found in the body.
    #[cfg(feature = "client")]
    pub(crate) fn api(
        status: u16,
        code: String,
        message: String,
        trace_id: Option<String>,
        body: Option<Value>,
    ) -> Error {
        Error { kind: ErrorKind::of_status(status), status: Some(status), code, message, trace_id, body }
    }

    /// An error that is not an API answer; its code is fixed by its kind.
    #[cfg(feature = "client")]
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        let code = match kind {
            ErrorKind::Connection => "connection_error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::InvalidArgument => "invalid_argument",
            _ => "invalid_response",
        };
        Error { kind, status: None, code: code.into(), message: message.into(), trace_id: None, body: None }
    }

    /// A call on a closed client (`client_closed`, kind `InvalidArgument`: nothing was sent).
    #[cfg(feature = "client")]
    pub(crate) fn closed(message: impl Into<String>) -> Error {
        Error { code: "client_closed".into(), ..Error::new(ErrorKind::InvalidArgument, message) }
    }

    /// A successful answer that does not have the documented shape (`invalid_response`): what a
    /// generated SDK reports when it cannot read an answer as the operation's type.
    pub fn invalid_response(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::InvalidResponse,
            status: None,
            code: "invalid_response".into(),
            message: message.into(),
            trace_id: None,
            body: None,
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status, for API errors.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The stable code: the API's own (`not_found`, `idempotency_key_reused`, …), `http_<status>`
    /// when its error body has none, or `connection_error`, `timeout`, `invalid_argument`,
    /// `client_closed`, `invalid_response`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// What went wrong: the API's message, or the body's text when it has none.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The server's trace id for this request, when it sent one.
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// The error body as JSON, when the API sent one that parses.
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.status, &self.trace_id) {
            (Some(status), Some(trace)) => write!(f, "{} ({status} {}, trace {trace})", self.message, self.code),
            (Some(status), None) => write!(f, "{} ({status} {})", self.message, self.code),
            _ => write!(f, "{} ({})", self.message, self.code),
        }
    }
}

impl std::error::Error for Error {}

/// A profile the engine cannot use (a generated SDK whose shipped profile this hookwise cannot
/// read): `invalid_argument`, with the profile's code (`invalid_profile`, `unsupported_profile`).
impl From<ProfileError> for Error {
    fn from(e: ProfileError) -> Error {
        Error {
            kind: ErrorKind::InvalidArgument,
            status: None,
            code: e.code().into(),
            message: e.to_string(),
            trace_id: None,
            body: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_response_has_its_kind_and_code_and_no_status() {
        let e = Error::invalid_response("expected a Job");
        assert_eq!(
            (e.kind(), e.code(), e.message(), e.status()),
            (ErrorKind::InvalidResponse, "invalid_response", "expected a Job", None)
        );
        assert_eq!(e.to_string(), "expected a Job (invalid_response)");
    }

    #[test]
    fn a_profile_error_is_an_invalid_argument_with_the_profiles_code() {
        let e = Error::from(ProfileError::unsupported("#/paths", "callbacks"));
        assert_eq!((e.kind(), e.code(), e.status()), (ErrorKind::InvalidArgument, "unsupported_profile", None));
        assert_eq!(e.message(), "unsupported: #/paths: callbacks");
        assert_eq!(Error::from(ProfileError::invalid("#/info", "no title")).code(), "invalid_profile");
    }
}
