'use strict'
// hookwise for Node.js, the engine's side. The logic is in Rust (native.js loads the addon); this
// file converts arguments (raw bodies, header objects) and errors (native → the classes below).
// index.js exports it with hookwise's own `Client` (client.js, generated from profiles/hookwise.yaml
// with the runtime in sdk.js).

const fs = require('node:fs')
const { inspect } = require('node:util')
const native = require('./native.js')

/** Base class of every hookwise error. `fields` are set on the error; `cause`, given, is the error's `cause`. */
class HookwiseError extends Error {
  constructor(message, { cause, ...fields } = {}) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = new.target.name
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && value !== null) this[key] = value
    }
  }
}
/** A webhook failed verification; `.code` says why. */
class WebhookSignatureError extends HookwiseError {}
/** The API answered with an error: `.status`, `.code`, `.message`, `.traceId`, `.body` (parsed). */
class ApiError extends HookwiseError {}
/** 401: the credentials are missing or wrong. */
class AuthenticationError extends ApiError {}
/** 403: the credentials may not do this. */
class PermissionDeniedError extends ApiError {}
/** 404: no such object. */
class NotFoundError extends ApiError {}
/** 409: a conflict (an idempotency key reused, a state that does not allow it, …). */
class ConflictError extends ApiError {}
/** 422: the request was understood but refused. */
class UnprocessableEntityError extends ApiError {}
/** 429: too many requests. */
class RateLimitError extends ApiError {}
/** 5xx: the server failed. */
class ServerError extends ApiError {}
/** The connection failed or broke. */
class ConnectionError extends HookwiseError {}
/** The request, or a wait, took too long. */
class TimeoutError extends HookwiseError {}
/** Refused before anything was sent: unknown operation or argument, a required one missing, no credentials. */
class InvalidArgumentError extends HookwiseError {}
/** The API answered with something that cannot be read. */
class InvalidResponseError extends HookwiseError {}
/** A profile that cannot be used: `.code` (`invalid_profile`, `unsupported_profile`), `.pointer`. */
class ProfileError extends HookwiseError {}
/** A call stopped by its `AbortSignal`: `name` 'AbortError', code `aborted`, `cause` the signal's reason. */
class AbortError extends HookwiseError {}

const CLASSES = {
  WebhookSignatureError, ApiError, AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError,
  UnprocessableEntityError, RateLimitError, ServerError, ConnectionError, TimeoutError, InvalidArgumentError,
  InvalidResponseError, ProfileError, AbortError,
}

/**
 * Native errors carry `hookwise:{json}`; rethrow them as the matching class. Every error the
 * addon raises itself is encoded so; a plain one with napi's status `GenericFailure` is a Rust
 * panic napi caught (every export is built with `catch_unwind`), or napi failing: an internal
 * error, thrown as `HookwiseError` with code `internal_error`.
 */
function rethrow(err) {
  if (err && typeof err.message === 'string' && err.message.startsWith('hookwise:{')) {
    const { class: name, message, ...fields } = JSON.parse(err.message.slice('hookwise:'.length))
    const Class = CLASSES[name] || HookwiseError
    throw new Class(message, fields)
  }
  if (err instanceof Error && err.code === 'GenericFailure') {
    throw new HookwiseError(`internal error in hookwise (a bug; please report it): ${err.message}`, { code: 'internal_error', cause: err })
  }
  throw err
}

function call(fn) {
  try {
    return fn()
  } catch (err) {
    return rethrow(err)
  }
}

/** `call` for a native async call: what it throws at once and what its Promise rejects with. */
async function callAsync(fn) {
  try {
    return await fn()
  } catch (err) {
    return rethrow(err)
  }
}

/**
 * Runs the native async call `run(cancel)`, stoppable by `signal` (an `AbortSignal`, or nothing).
 * When the signal aborts, the Promise rejects at once with `AbortError` (its `cause` the signal's
 * reason) and the native call is cancelled (`NativeCancel`): the engine drops the request in
 * flight, and whatever it would have answered is ignored.
 */
function abortable(signal, run) {
  if (signal === undefined || signal === null) return callAsync(() => run(undefined))
  if (typeof signal !== 'object' || typeof signal.addEventListener !== 'function' || typeof signal.aborted !== 'boolean') {
    return Promise.reject(new TypeError('hookwise: the signal option must be an AbortSignal'))
  }
  const aborted = () => new AbortError('the call was aborted', { code: 'aborted', cause: signal.reason })
  if (signal.aborted) return Promise.reject(aborted())
  const cancel = new native.NativeCancel()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cancel.cancel()
      reject(aborted())
    }
    signal.addEventListener('abort', onAbort, { once: true })
    callAsync(() => run(cancel))
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort))
  })
}

function toBuffer(body) {
  if (Buffer.isBuffer(body)) return body
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  const what = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body
  throw new TypeError(
    `hookwise: the payload must be the raw request body (Buffer, Uint8Array or string), not ${what}: ` +
      'the signature covers the exact bytes received. In Express, use express.raw({ type: "application/json" }) ' +
      'on the webhook route instead of express.json().',
  )
}

/** Appends header `name` to `out` once per value (a string[] is a header that was repeated). */
function put(out, name, value) {
  if (value === undefined || value === null) return
  if (Array.isArray(value)) {
    for (const one of value) if (one !== undefined && one !== null) out.push(name, String(one))
  } else {
    out.push(name, typeof value === 'string' ? value : String(value))
  }
}

/**
 * The request's headers as the core takes them: name/value pairs, flattened
 * (`[name, value, name, value, …]`) in the order received. The core matches names in any case and
 * lets the first of a repeated name win; this only converts. Only the headers named in `wanted`
 * (lower-case: the ones the scheme reads, as the core lists them) cross into Rust: a request
 * carries many more.
 *
 * `headers` may be a plain object such as Node's IncomingHttpHeaders (keys in any case; a string[]
 * value is a header that was repeated, each value a pair of its own, in order), a fetch `Headers`
 * (which joins a repeated header's values with ", ", as fetch does), a `Map`, or any iterable of
 * [name, value] pairs.
 */
function toHeaders(headers, wanted) {
  const out = []
  if (headers == null) return out
  if (typeof Headers === 'function' && headers instanceof Headers) {
    for (const name of wanted) put(out, name, headers.get(name))
    return out
  }
  if (typeof headers[Symbol.iterator] === 'function') {
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError('hookwise: headers given as an iterable must yield [name, value] pairs')
      }
      if (wanted.includes(String(pair[0]).toLowerCase())) put(out, String(pair[0]), pair[1])
    }
    return out
  }
  if (typeof headers !== 'object') throw new TypeError('hookwise: headers must be an object, a Headers, a Map or an iterable of [name, value] pairs')
  // Every key, in order (a hand-made object may hold one name in two cases); a key is lower-cased
  // only when its length is a wanted name's, which keeps this cheap on a request's dozen headers.
  const keys = Object.keys(headers)
  for (let i = 0; i < keys.length; i++) {
    const name = keys[i]
    for (let j = 0; j < wanted.length; j++) {
      const want = wanted[j]
      if (want.length === name.length && (want === name || want === name.toLowerCase())) {
        put(out, name, headers[name])
        break
      }
    }
  }
  return out
}

/**
 * The pairs `toHeaders` found as the native verify takes them: one string, each name and value
 * followed by a NUL but the last, or the array itself when a name or value holds a NUL. One string
 * crosses into Rust for a fraction of what an array of strings costs (0.1 µs against 0.24 µs for
 * a signature header), and concatenating costs less than `Array.prototype.join`, which took
 * as much as the crossing saved (README).
 */
function joined(pairs) {
  let text = ''
  for (let i = 0; i < pairs.length; i++) {
    const piece = pairs[i]
    if (piece.includes('\0')) return pairs
    text = i === 0 ? piece : text + '\0' + piece
  }
  return text
}

/**
 * A verified webhook. `id`, `type`, `createdAt`, `scheme` and `unsignedFields` are read by the core during
 * verification; `payload` and `data` are parsed on first use (then kept), so a handler that only
 * needs the verdict or the type never pays for them. A plain JSON body (the core says so) is
 * parsed by `JSON.parse` from the verified text, which reads it as the core does; any other body
 * arrives as the core's value.
 */
class Event {
  #record
  #source
  #payload
  #parsed = false

  constructor(record, source) {
    this.id = record.id
    this.type = record.type
    this.createdAt = record.createdAt
    this.scheme = record.scheme
    this.unsignedFields = record.unsignedFields
    this.#record = record
    this.#source = source
  }

  /** The whole parsed body. */
  get payload() {
    if (!this.#parsed) {
      const source = this.#source
      this.#payload = source === undefined
        ? this.#record.payload
        : JSON.parse(typeof source === 'string' ? source : native.utf8Text(source))
      this.#parsed = true
      this.#source = undefined
    }
    return this.#payload
  }

  /** The event's data: the envelope's data field, or the whole payload. */
  get data() {
    const field = this.#record.dataField
    return field === undefined ? this.#record.data : field === '' ? this.payload : this.payload[field]
  }

  /** The event as a plain object (what `JSON.stringify` and `console.log` show). */
  toJSON() {
    return { id: this.id, type: this.type, createdAt: this.createdAt, data: this.data, payload: this.payload, scheme: this.scheme, unsignedFields: this.unsignedFields }
  }

  [inspect.custom](depth, options) {
    return `Event ${inspect(this.toJSON(), { ...options, depth: options.depth === null ? null : options.depth - 1 })}`
  }
}

/** A field of the native event's text: empty when absent, else `=` and the field. */
const present = (text) => (text === '' ? null : text.slice(1))

/** The record of a native verification, from the text `event_text` (src/webhook.rs) makes: the
 * envelope's fields, each ended by a NUL, then the payload or data as JSON text when the body's
 * bytes do not serve, then (after one more NUL) the body's text when it came along; or, when a
 * field held a NUL, the whole record as one JSON object. The NULs are found one by one: `split`
 * would search the whole body for them first. */
function toRecord(text) {
  if (text.charCodeAt(0) === 0x7b) return JSON.parse(text)
  let at = 0
  const next = () => {
    const end = text.indexOf('\0', at)
    const field = end < 0 ? text.slice(at) : text.slice(at, end)
    at = end < 0 ? text.length : end + 1
    return field
  }
  const id = next()
  const type = next()
  const createdAt = next()
  const dataField = next()
  const scheme = next()
  const unsigned = next()
  const json = next()
  const extras = json === '' ? {} : JSON.parse(json)
  return {
    body: at < text.length ? text.slice(at) : undefined,
    id: present(id),
    type: present(type),
    createdAt: present(createdAt),
    dataField: dataField === '' ? undefined : dataField.slice(1),
    scheme,
    unsignedFields: unsigned === '' ? [] : unsigned.split(','),
    data: extras.data,
    payload: extras.payload,
  }
}

/** The event of a native verification of `body`. The native record carries the payload unless
 * the body is plain JSON; then it carries the body's text too, unless that is long, and else a
 * copy of the bytes is taken now (the caller may reuse its Buffer, and the payload must be parsed
 * from the bytes that were verified). */
function toEvent(text, rawBody, body) {
  const record = toRecord(text)
  if (record.payload !== undefined) return new Event(record, undefined)
  return new Event(record, record.body ?? (typeof rawBody === 'string' ? rawBody : Buffer.from(body)))
}

/** Verifies (and signs) webhooks for one scheme and one or more secrets. */
class Webhook {
  constructor(secret, options = {}) {
    const secrets = Array.isArray(secret) ? secret : [secret]
    if (!secrets.every((s) => typeof s === 'string')) throw new TypeError('hookwise: secret must be a string or an array of strings')
    const { scheme, tolerance, maxPayloadBytes } = options
    this._native = call(() => native.webhookNew(secrets, { scheme, tolerance, maxPayloadBytes }))
    this._headerNames = call(() => native.webhookHeaderNames(this._native))
  }

  /** Verifies the raw body against the request headers; returns the Event or throws WebhookSignatureError. */
  verify(rawBody, headers, options = {}) {
    const body = toBuffer(rawBody)
    const pairs = joined(toHeaders(headers, this._headerNames))
    return toEvent(call(() => native.webhookVerify(this._native, body, pairs, options.now)), rawBody, body)
  }

  /** The headers a sender attaches to `payload`. */
  sign(payload, options = {}) {
    const body = toBuffer(payload)
    return call(() => native.webhookSign(this._native, body, options.id, options.timestamp))
  }

  /** Stripe-style: verify with the signature header's value alone. */
  static constructEvent(rawBody, signatureHeader, secret, options = {}) {
    const hook = new Webhook(secret, options)
    const body = toBuffer(rawBody)
    // A repeated header (string[]): the first value, as for `verify`.
    const header = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader
    return toEvent(call(() => native.webhookConstructEvent(hook._native, body, String(header ?? ''), options.now)), rawBody, body)
  }

  get scheme() {
    return call(() => native.webhookScheme(this._native))
  }

  /** The largest body accepted, in bytes (the `maxPayloadBytes` option, else the core's default). */
  get maxPayloadBytes() {
    return call(() => native.webhookMaxPayloadBytes(this._native))
  }
}

/** CPython's `json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"))`, byte for byte. */
function canonicalize(data) {
  const body = toBuffer(data)
  return call(() => native.canonicalize(body))
}

function presets() {
  return call(() => native.presets())
}

/** A profile (profiles/README.md): an OpenAPI 3.1 document with `x-hookwise` extensions, validated. */
class Profile {
  constructor(nativeProfile) {
    if (!(nativeProfile instanceof native.NativeProfile)) {
      throw new TypeError('hookwise: use Profile.fromText(text), Profile.fromFile(path) or Profile.hookwise()')
    }
    this._native = nativeProfile
  }

  /** Reads a profile from YAML or JSON text; throws `ProfileError`. */
  static fromText(text) {
    return new Profile(call(() => native.NativeProfile.fromText(text)))
  }

  /** Reads a profile file (YAML or JSON); throws Node's file errors, or `ProfileError`. */
  static fromFile(path) {
    return Profile.fromText(fs.readFileSync(path, 'utf8'))
  }

  /** The profile of hookwise's own API (`profiles/hookwise.yaml`), embedded in the core. */
  static hookwise() {
    return new Profile(call(() => native.NativeProfile.hookwise()))
  }

  /** `x-hookwise.name`. */
  get name() {
    return call(() => this._native.name)
  }

  /** The operation ids. */
  get operations() {
    return call(() => this._native.operations)
  }

  /** `servers[0].url`, or null. */
  get baseUrl() {
    return call(() => this._native.baseUrl) ?? null
  }
}

/** The options of `new Api`; one that is undefined or null is not passed. */
const API_OPTIONS = ['apiKey', 'username', 'password', 'baseUrl', 'timeout', 'maxRetries', 'initialRetryDelay', 'maxRetryDelay', 'userAgent']

/**
 * A client for the API a profile describes: `call`, `paginate`, `wait`, `download`. Options not
 * given come from the environment (`<NAME>_API_KEY`, …), then from the engine's defaults.
 */
class Api {
  constructor(profile, options = {}) {
    const p = typeof profile === 'string' ? Profile.fromFile(profile) : profile
    if (!(p instanceof Profile)) throw new TypeError('hookwise: new Api(profile) needs a Profile or the path of a profile file')
    const given = {}
    for (const key of API_OPTIONS) if (options[key] !== undefined && options[key] !== null) given[key] = options[key]
    this.profile = p
    this._native = call(() => new native.NativeApi(p._native, given))
  }

  /** The base URL in use: the option, else `<NAME>_BASE_URL`, else the profile's server. */
  get baseUrl() {
    return call(() => this._native.baseUrl)
  }

  /**
   * Calls operation `op` with named arguments; resolves to the decoded answer (null for no
   * content). `signal` (an `AbortSignal`) stops the call: it rejects with `AbortError`.
   */
  async call(op, args, { signal } = {}) {
    return abortable(signal, (cancel) => this._native.call(op, args, cancel))
  }

  /** Every item of every page of list operation `op`, a page fetched only when the items run out; `signal` stops the walk. */
  async *paginate(op, args, { signal } = {}) {
    const pages = call(() => this._native.paginate(op, args))
    for (;;) {
      const { done, value } = await abortable(signal, (cancel) => pages.next(cancel))
      if (done) return
      yield value
    }
  }

  /** Polls operation `op` until its status is terminal; `onProgress(object)` runs at each change, before the Promise settles. */
  async wait(op, args, { timeout, onProgress, signal } = {}) {
    return abortable(signal, (cancel) => this._native.wait(op, args, timeout, onProgress, cancel))
  }

  /** Downloads `url` (absolute, or a path of the API) into a Buffer; credentials go only to the API's origin. */
  async download(url, { signal } = {}) {
    return abortable(signal, (cancel) => this._native.download(url, cancel))
  }
}

module.exports = {
  Webhook, Event, Profile, Api, canonicalize, presets,
  HookwiseError, WebhookSignatureError, ApiError, AuthenticationError, PermissionDeniedError, NotFoundError,
  ConflictError, UnprocessableEntityError, RateLimitError, ServerError, ConnectionError, TimeoutError,
  InvalidArgumentError, InvalidResponseError, ProfileError, AbortError,
}
