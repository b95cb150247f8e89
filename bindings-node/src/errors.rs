//! The one place core errors become JavaScript errors. The native error's message is a small
//! JSON record (`class`, `code`, `message`, and `status`, `traceId`, `body` or `pointer` when
//! there are); `index.js` turns it into an instance of the matching class
//! (`WebhookSignatureError`, `NotFoundError`, `ProfileError`, …).

use hookwise::api::{Error as ClientError, ErrorKind as ClientErrorKind, ProfileError};
use hookwise::webhook::Error as WebhookError;
use serde_json::json;

fn encoded(record: &serde_json::Value) -> napi::Error {
    napi::Error::new(napi::Status::GenericFailure, format!("hookwise:{record}"))
}

/// A verification error: `WebhookSignatureError` with `.code`.
pub fn webhook_error(e: &WebhookError) -> napi::Error {
    // Every kind, and any a later core adds, is a signature error to JavaScript, told apart by `.code`.
    encoded(&json!({"class": "WebhookSignatureError", "code": e.code(), "message": e.message()}))
}

/// A client error: the matching `ApiError` subclass (with the error body, parsed, as `.body`),
/// `ConnectionError`, `TimeoutError`, `InvalidArgumentError` or `InvalidResponseError`.
pub fn client_error(e: &ClientError) -> napi::Error {
    let class = match e.kind() {
        ClientErrorKind::Authentication => "AuthenticationError",
        ClientErrorKind::PermissionDenied => "PermissionDeniedError",
        ClientErrorKind::NotFound => "NotFoundError",
        ClientErrorKind::UnprocessableEntity => "UnprocessableEntityError",
        ClientErrorKind::Conflict => "ConflictError",
        ClientErrorKind::RateLimit => "RateLimitError",
        ClientErrorKind::Server => "ServerError",
        ClientErrorKind::Api => "ApiError",
        ClientErrorKind::Connection => "ConnectionError",
        ClientErrorKind::Timeout => "TimeoutError",
        ClientErrorKind::InvalidArgument => "InvalidArgumentError",
        ClientErrorKind::InvalidResponse => "InvalidResponseError",
        // A kind a later core adds: the base class, with its own `code`.
        _ => "HookwiseError",
    };
    encoded(&json!({
        "class": class, "code": e.code(), "message": e.message(), "status": e.status(), "traceId": e.trace_id(),
        "body": e.body(),
    }))
}

/// A profile that cannot be used: `ProfileError` with `.code` (`invalid_profile`,
/// `unsupported_profile`) and `.pointer` (where, as a JSON pointer).
pub fn profile_error(e: &ProfileError) -> napi::Error {
    encoded(&json!({"class": "ProfileError", "code": e.code(), "message": e.to_string(), "pointer": e.pointer()}))
}

/// An option the binding cannot convert (a negative timeout, …): refused before anything is
/// sent, as the engine refuses what it cannot send.
pub fn invalid_argument(message: &str) -> napi::Error {
    let kind = ClientErrorKind::InvalidArgument;
    encoded(&json!({"class": "InvalidArgumentError", "code": kind.name(), "message": message}))
}

/// A call cancelled through its `AbortSignal` (`NativeCancel`): code `aborted`. `core.js` has
/// already rejected the call with its own `AbortError`, so this one is never seen.
pub fn aborted() -> napi::Error {
    encoded(&json!({"class": "AbortError", "code": "aborted", "message": "the call was aborted"}))
}

/// A failure that is a bug in hookwise (a native value that cannot be converted): `HookwiseError`
/// with code `internal_error`, as a caught panic becomes in `core.js`.
pub fn internal_error(message: &str) -> napi::Error {
    encoded(&json!({"class": "HookwiseError", "code": "internal_error", "message": message}))
}
