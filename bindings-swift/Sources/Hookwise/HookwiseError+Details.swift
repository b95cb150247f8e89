// What every hookwise error carries, readable whatever the case:
// `catch let error as HookwiseError { error.code; error.status }`. The values come from the core's
// error through `details()` (Hookwise.swift, which uniffi-bindgen generates; this file is not generated).

extension HookwiseError {
    /// The stable code (`signature_mismatch`, `not_found`, `http_418`, `timeout`, …).
    public var code: String { details().code }

    /// What went wrong (the API's message for API errors).
    public var reason: String { details().reason }

    /// The HTTP status of an API error; nil for every other error.
    public var status: Int? { details().status.map(Int.init) }

    /// The server's trace id of an API error, when it sent one.
    public var traceId: String? { details().traceId }
}
