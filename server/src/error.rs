//! The one error shape of the API: `{"error": {"code", "message", "trace_id"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

tokio::task_local! {
    /// The trace id of the request being handled (set by the trace middleware).
    pub static TRACE_ID: String;
}

/// An API error: a status, a stable code and a message.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }

    /// 400 `invalid_request`.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str, id: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no {what} with id {id:?}"))
    }

    /// 409 with `code`.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }

    /// The message, for logs.
    pub fn into_message(self) -> String {
        format!("{}: {}", self.code, self.message)
    }

    /// 500 `internal_error` (storage failures: never caused by input).
    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", format!("internal error: {message}"))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let trace_id = TRACE_ID.try_with(Clone::clone).ok();
        let body = serde_json::json!({"error": {"code": self.code, "message": self.message, "trace_id": trace_id}});
        (self.status, axum::Json(body)).into_response()
    }
}

/// Handler results.
pub type ApiResult<T> = Result<T, ApiError>;
