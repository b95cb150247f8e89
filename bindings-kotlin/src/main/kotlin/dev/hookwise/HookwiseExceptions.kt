// What every hookwise error carries, readable on the base type whatever the subclass:
// `catch (e: HookwiseException) { e.code; e.status }`. The values come from the core's error through
// `details()` (uniffi generates the subclasses, each with its own fields; these read the same ones
// from the base).
package dev.hookwise

/** The stable code (`signature_mismatch`, `not_found`, `http_418`, `timeout`, …). */
val HookwiseException.code: String get() = details().code

/** What went wrong (the API's message for API errors). */
val HookwiseException.reason: String get() = details().reason

/** The HTTP status of an API error; null for every other error. */
val HookwiseException.status: Int? get() = details().status

/** The server's trace id of an API error, when it sent one. */
val HookwiseException.traceId: String? get() = details().traceId
