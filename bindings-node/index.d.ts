/// <reference types="node" />
// hookwise for Node.js: hand-written types, checked by `tsc --noEmit` on test/typed-usage.ts.

/** Raw request bodies: the exact bytes received. */
export type RawBody = Buffer | Uint8Array | string

/** Request headers: Node's IncomingHttpHeaders, fetch `Headers`, a Map or a plain object. */
export type HeadersLike =
  | Record<string, string | string[] | undefined>
  | Headers
  | Map<string, string>
  | Iterable<[string, string]>

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
  /** Stripe-style: verify with the signature header's value alone. */
  static constructEvent<Data = any>(
    rawBody: RawBody,
    signatureHeader: string | string[] | undefined,
    secret: string | string[],
    options?: WebhookOptions & VerifyOptions,
  ): Event<Data>
  readonly scheme: string
}

/** CPython's `json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"))`, byte for byte. */
export declare function canonicalize(data: RawBody): Buffer
/** The shipped presets. */
export declare function presets(): string[]

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled'

export interface Job {
  id: string
  kind: string
  status: JobStatus
  progress_pct: number
  payload: Record<string, unknown>
  callback_url: string | null
  secrecy_level: string | null
  result_ref: string | null
  error: { code: string; message: string } | null
  created_at: string
  updated_at: string | null
  started_at: string | null
  finished_at: string | null
}

export interface JobResult {
  id: string
  result_ref: string
  signed_url: string
  expires_at: string | null
}

export interface JobList {
  jobs: Job[]
  next_cursor: string | null
  total_count: number
}

export interface WebhookEndpoint {
  id: string
  url: string
  events: string[]
  name: string | null
  status: 'active' | 'disabled'
  /** Only in the answers of `register` and `rotateSecret`. */
  secret?: string | null
  created_at: string
  updated_at: string | null
}

export interface Delivery {
  id: string
  event_id: string
  event_type: string
  endpoint_id: string
  url: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: Array<{ attempt: number; at: string; status_code: number | null; error: string | null; duration_ms: number }>
  next_attempt_at: string | null
}

export interface CreateJobParams {
  kind: string
  payload?: Record<string, unknown>
  callbackUrl?: string
  secrecyLevel?: 'public' | 'internal' | 'confidential' | 'restricted'
  /** Generated when absent, and reused on every retry of the call. */
  idempotencyKey?: string
}

export interface ListJobsParams {
  kind?: string
  status?: JobStatus
  limit?: number
  cursor?: string
}

export interface ClientOptions {
  apiKey: string
  /** Default `http://127.0.0.1:8080`. */
  baseUrl?: string
  /** Per-request timeout in milliseconds (default 30000). */
  timeout?: number
  /** Retries after the first attempt (default 2). */
  maxRetries?: number
}

/** The jobs and webhook-subscription client; every call returns a Promise. */
export declare class Client {
  constructor(options: ClientOptions)
  readonly jobs: {
    create(params: CreateJobParams): Promise<Job>
    get(id: string): Promise<Job>
    result(id: string): Promise<JobResult>
    cancel(id: string): Promise<Job>
    download(signedUrl: string): Promise<Buffer>
    list(params?: ListJobsParams): Promise<JobList>
    listAll(params?: Omit<ListJobsParams, 'cursor'>): AsyncIterableIterator<Job>
    wait(id: string, options?: { timeout?: number; onProgress?: (job: Job) => void }): Promise<Job>
  }
  readonly webhooks: {
    register(params: { url: string; events?: string[]; secret?: string; name?: string }): Promise<WebhookEndpoint>
    list(): Promise<WebhookEndpoint[]>
    get(id: string): Promise<WebhookEndpoint>
    update(id: string, params: { url?: string; events?: string[]; name?: string; status?: 'active' | 'disabled' }): Promise<WebhookEndpoint>
    delete(id: string): Promise<{ id: string; deleted: true }>
    rotateSecret(id: string): Promise<WebhookEndpoint>
    deliveries(id: string): Promise<Delivery[]>
  }
}

/** Base class of every hookwise error. */
export declare class HookwiseError extends Error {
  code?: string
}
/** A webhook failed verification. */
export declare class WebhookSignatureError extends HookwiseError {
  code:
    | 'missing_signature' | 'malformed_signature' | 'signature_mismatch' | 'timestamp_missing'
    | 'timestamp_outside_tolerance' | 'invalid_json' | 'invalid_secret' | 'payload_too_large' | 'unknown_scheme'
}
/** The API answered with an error. */
export declare class ApiError extends HookwiseError {
  code: string
  status?: number
  traceId?: string
}
export declare class AuthenticationError extends ApiError {}
export declare class NotFoundError extends ApiError {}
export declare class ConflictError extends ApiError {}
export declare class RateLimitError extends ApiError {}
export declare class ServerError extends ApiError {}
export declare class ConnectionError extends HookwiseError {}
export declare class TimeoutError extends HookwiseError {}
