/// <reference types="node" />
// hookwise for Node.js: the engine's hand-written types, checked by `tsc --noEmit` on
// test/typed-usage.ts, and hookwise's own `Client` with the API's objects (`types.Job`, …),
// generated from profiles/hookwise.yaml (client.d.ts).
export * from './client.js'

/** Raw request bodies: the exact bytes received. */
export type RawBody = Buffer | Uint8Array | string

/**
 * Request headers: a plain object such as Node's IncomingHttpHeaders (keys in any case; a
 * `string[]` value is a header that was repeated, each value in order), fetch `Headers` (which joins
 * a repeated header's values with ", "), a Map, or any iterable of [name, value] pairs in the order
 * received (an array of pairs, `Object.entries(…)`, a generator). Names match in any case, and when
 * a name repeats the first value wins, as in every hookwise language.
 */
export type HeadersLike =
  | Record<string, string | string[] | undefined>
  | Headers
  | Map<string, string | string[]>
  | Iterable<readonly [string, string]>

/** A custom scheme: the format of tests/conformance/README.md ("Scheme objects"). */
export interface SchemeDescription {
  name: string
  algorithm?: 'hmac-sha256' | 'hmac-sha512' | 'hmac-sha1'
  signature_header: string
  signature_format: 'hex' | 'base64' | 'prefixed' | 'stripe' | 'standard'
  signature_prefix?: string
  signed_content?: string
  timestamp_header?: string
  id_header?: string
  tolerance_seconds?: number
  reject_future?: boolean
  secret_encoding?: 'utf8' | 'whsec_base64'
  envelope?: Record<'id' | 'type' | 'created_at' | 'data', Array<{ field: string } | { header: string }>>
}

export type PresetName =
  | 'argus' | 'auggie' | 'asg' | 'gabinete360' | 'argyle' | 'standard' | 'stripe' | 'github' | 'shopify' | 'slack'

export interface WebhookOptions {
  /** A preset name (default `standard`) or a custom scheme. */
  scheme?: PresetName | (string & {}) | SchemeDescription
  /** The replay window in seconds (default: the scheme's, usually 300). */
  tolerance?: number
  /** The largest body accepted, in bytes (default 5 MiB). */
  maxPayloadBytes?: number
}

export interface VerifyOptions {
  /** Pin the clock (unix seconds). */
  now?: number
}

/** An event as a plain object (`event.toJSON()`, what `JSON.stringify` writes). */
export interface EventObject<Data = any> {
  id: string | null
  type: string | null
  /** RFC 3339. */
  createdAt: string | null
  data: Data
  payload: any
  scheme: string
  /** The fields read from headers the signature does not cover (`'id'`, `'type'`, `'created_at'`, `'data'`). */
  unsignedFields: string[]
}

/**
 * A verified webhook, normalized across providers. `id`, `type`, `createdAt` and `scheme` are
 * read during verification; `data` and `payload` are parsed on first use, then kept.
 */
export declare class Event<Data = any> implements EventObject<Data> {
  private constructor()
  readonly id: string | null
  readonly type: string | null
  /** RFC 3339. */
  readonly createdAt: string | null
  /** The envelope's data field, or the whole payload. */
  readonly data: Data
  /** The whole parsed body. */
  readonly payload: any
  /** The scheme that verified it. */
  readonly scheme: string
  /**
   * The fields (`'id'`, `'type'`, `'created_at'`, `'data'`: the names of the event's JSON in
   * every language) read from headers the signature does not cover, such as GitHub's and
   * Shopify's id and type: whoever replays a signed body can set them. Empty when all are signed.
   */
  readonly unsignedFields: string[]
  /** The event as a plain object. */
  toJSON(): EventObject<Data>
}

/** Verifies (and signs) webhooks for one scheme and one or more secrets (rotation). */
export declare class Webhook {
  constructor(secret: string | string[], options?: WebhookOptions)
  /** Verifies the raw body; throws `WebhookSignatureError` with `.code`. */
  verify<Data = any>(rawBody: RawBody, headers: HeadersLike, options?: VerifyOptions): Event<Data>
  /** The headers a sender attaches to `payload`. */
  sign(payload: RawBody, options?: { id?: string; timestamp?: number }): Record<string, string>
  /** Stripe-style: verify with the signature header's value alone (of a `string[]`, the first). */
  static constructEvent<Data = any>(
    rawBody: RawBody,
    signatureHeader: string | string[] | undefined,
    secret: string | string[],
    options?: WebhookOptions & VerifyOptions,
  ): Event<Data>
  readonly scheme: string
  /** The largest body accepted, in bytes: the `maxPayloadBytes` option, else the core's default. */
  readonly maxPayloadBytes: number
}

/** CPython's `json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"))`, byte for byte. */
export declare function canonicalize(data: RawBody): Buffer
/** The shipped presets. */
export declare function presets(): string[]

/** A profile (profiles/README.md): an OpenAPI 3.1 document with `x-hookwise` extensions, validated. */
export declare class Profile {
  private constructor()
  /** Reads a profile from YAML or JSON text; throws `ProfileError`. */
  static fromText(text: string): Profile
  /** Reads a profile file (YAML or JSON); throws Node's file errors (`ENOENT`, …) or `ProfileError`. */
  static fromFile(path: string): Profile
  /** The profile of hookwise's own API (`profiles/hookwise.yaml`), embedded in the core. */
  static hookwise(): Profile
  /** `x-hookwise.name`. */
  readonly name: string
  /** The operation ids (`operationId`s), in the document's order. */
  readonly operations: string[]
  /** `servers[0].url`, or null. */
  readonly baseUrl: string | null
}

/**
 * Options of `new Api(profile, options)`; one that is undefined or null is not passed. What is
 * not given comes from the environment (`<NAME>_API_KEY`, `<NAME>_USERNAME`, `<NAME>_PASSWORD`,
 * `<NAME>_BASE_URL`), then from the profile (`servers`) and the engine's defaults
 * (profiles/README.md, "Retries").
 */
export interface ApiOptions {
  /** The API key (bearer and API-key-header auth). */
  apiKey?: string
  /** The user name (HTTP basic auth). */
  username?: string
  /** The password (HTTP basic auth). */
  password?: string
  /** Where the API is. */
  baseUrl?: string
  /** Per-request timeout in milliseconds. */
  timeout?: number
  /** Retries after the first attempt. */
  maxRetries?: number
  /** The first backoff ceiling in milliseconds (it doubles each retry, with full jitter). */
  initialRetryDelay?: number
  /** The longest wait between tries in milliseconds, `Retry-After` included. */
  maxRetryDelay?: number
  /** The `User-Agent` header. */
  userAgent?: string
}

/** Named arguments of an operation: path, query, header (snake_case) and body arguments, as the profile names them. */
export type ApiArgs = Record<string, unknown>

/** Options of one call. */
export interface RequestOptions {
  /**
   * Stops the call: the Promise rejects at once with `AbortError` (its `cause` the signal's
   * reason) and the request in flight is cancelled.
   */
  signal?: AbortSignal
}

export interface WaitOptions<T = any> extends RequestOptions {
  /** How long to wait, in milliseconds, before failing with `TimeoutError`. */
  timeout: number
  /** Called with the object whenever its status or progress changes; every call has run before the Promise settles. */
  onProgress?: (object: T) => void
}

/** A client for the API a profile describes; every call returns a Promise. */
export declare class Api {
  /** `profile`: a Profile, or the path of a profile file. */
  constructor(profile: Profile | string, options?: ApiOptions)
  /** The profile this client speaks. */
  readonly profile: Profile
  /** The base URL in use: the option, else `<NAME>_BASE_URL`, else the profile's server. */
  readonly baseUrl: string
  /** Calls operation `op`; resolves to the decoded answer (null for no content). */
  call<T = any>(op: string, args?: ApiArgs, options?: RequestOptions): Promise<T>
  /** Every item of every page of list operation `op`; a page is fetched only when the items run out. */
  paginate<T = any>(op: string, args?: ApiArgs, options?: RequestOptions): AsyncIterableIterator<T>
  /** Polls operation `op` until its status is terminal; resolves to the final object. */
  wait<T = any>(op: string, args: ApiArgs, options: WaitOptions<T>): Promise<T>
  /** Downloads `url` (absolute, or a path of the API); credentials go only to the API's own origin. */
  download(url: string, options?: RequestOptions): Promise<Buffer>
}

/**
 * Base class of every hookwise error. Thrown as itself, with code `internal_error`, for a bug in
 * hookwise (a Rust panic, caught at the addon's boundary: the process lives on).
 */
export declare class HookwiseError extends Error {
  code?: string
  /** The error this one wraps, when there is one (an `AbortError`'s: the signal's reason). */
  cause?: unknown
}
/** A webhook failed verification. */
export declare class WebhookSignatureError extends HookwiseError {
  code:
    | 'missing_signature' | 'malformed_signature' | 'signature_mismatch' | 'timestamp_missing'
    | 'timestamp_outside_tolerance' | 'invalid_json' | 'invalid_secret' | 'payload_too_large' | 'unknown_scheme'
}
/** The API answered with an error. */
export declare class ApiError extends HookwiseError {
  /** The API's own code, or `http_<status>` when its error body has none. */
  code: string
  status?: number
  traceId?: string
  /** The error body, parsed, when it is JSON. */
  body?: unknown
}
/** 401: the credentials are missing or wrong. */
export declare class AuthenticationError extends ApiError {}
/** 403: the credentials may not do this. */
export declare class PermissionDeniedError extends ApiError {}
/** 404: no such object. */
export declare class NotFoundError extends ApiError {}
/** 409: a conflict. */
export declare class ConflictError extends ApiError {}
/** 422: the request was understood but refused. */
export declare class UnprocessableEntityError extends ApiError {}
/** 429: too many requests. */
export declare class RateLimitError extends ApiError {}
/** 5xx: the server failed. */
export declare class ServerError extends ApiError {}
/** The connection failed or broke (`code: 'connection_error'`). */
export declare class ConnectionError extends HookwiseError {
  code: 'connection_error'
}
/** The request, or a wait, took too long (`code: 'timeout'`). */
export declare class TimeoutError extends HookwiseError {
  code: 'timeout'
}
/** Refused before anything was sent: unknown operation or argument, a required one missing, no credentials, a bad option. */
export declare class InvalidArgumentError extends HookwiseError {
  code: 'invalid_argument'
}
/** The API answered with something that cannot be read. */
export declare class InvalidResponseError extends HookwiseError {
  code: 'invalid_response'
}
/** A profile that cannot be used. */
export declare class ProfileError extends HookwiseError {
  code: 'invalid_profile' | 'unsupported_profile'
  /** Where, as a JSON pointer (`#/paths/~1v1~1jobs/post`). */
  pointer: string
}
/** A call stopped by its `AbortSignal` (`signal` in the request options); `cause` is the signal's reason. */
export declare class AbortError extends HookwiseError {
  name: 'AbortError'
  code: 'aborted'
}
