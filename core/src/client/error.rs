//! Client errors: API errors by status, plus connection and timeout errors.

/// What kind of failure, for bindings to map to exception classes with one exhaustive `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// 401: the API key is missing or wrong.
    Authentication,
    /// 404: no such object.
    NotFound,
    /// 409: idempotency key reused, job not finished, …
    Conflict,
    /// 429: too many requests.
    RateLimit,
    /// 5xx: the server failed.
    Server,
    /// Any other API error (400, 403, 405, 410, 413, …).
    Api,
    /// The connection failed or broke.
    Connection,
    /// The request, or a `wait`, took too long.
    Timeout,
}

/// An error from the jobs/webhooks client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    status: Option<u16>,
    code: String,
    message: String,
    trace_id: Option<String>,
}

impl Error {
    /// An error the API returned: `status` and the body's `{"error": {code, message, trace_id}}`.
    pub(crate) fn api(status: u16, code: String, message: String, trace_id: Option<String>) -> Error {
        let kind = match status {
            401 => ErrorKind::Authentication,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimit,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Api,
        };
        Error { kind, status: Some(status), code, message, trace_id }
    }

    pub(crate) fn connection(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Connection,
            status: None,
            code: "connection_error".into(),
            message: message.into(),
            trace_id: None,
        }
    }

    pub(crate) fn timeout(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Timeout,
            status: None,
            code: "timeout".into(),
            message: message.into(),
            trace_id: None,
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

    /// The stable code: the API's (`not_found`, `idempotency_key_reused`, …), or
    /// `connection_error` / `timeout`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The server's trace id for this request, when it sent one.
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// Whether a retry may succeed (connection errors, timeouts, 408, 429, 5xx).
    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::Connection | ErrorKind::Timeout | ErrorKind::RateLimit | ErrorKind::Server)
            || self.status == Some(408)
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
