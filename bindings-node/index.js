'use strict'
// hookwise for Node.js. The logic is in Rust (native.js loads the addon); this file converts
// arguments (raw bodies, Node's header objects) and errors (native → the classes below).

const { inspect } = require('node:util')
const native = require('./native.js')

/** Base class of every hookwise error. */
class HookwiseError extends Error {
  constructor(message, fields = {}) {
    super(message)
    this.name = new.target.name
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && value !== null) this[key] = value
    }
  }
}
/** A webhook failed verification; `.code` says why. */
class WebhookSignatureError extends HookwiseError {}
/** The API answered with an error: `.status`, `.code`, `.message`, `.traceId`. */
class ApiError extends HookwiseError {}
class AuthenticationError extends ApiError {}
class NotFoundError extends ApiError {}
class ConflictError extends ApiError {}
class RateLimitError extends ApiError {}
class ServerError extends ApiError {}
class ConnectionError extends HookwiseError {}
class TimeoutError extends HookwiseError {}

const CLASSES = {
  WebhookSignatureError, ApiError, AuthenticationError, NotFoundError, ConflictError, RateLimitError,
  ServerError, ConnectionError, TimeoutError,
}

/** Native errors carry `hookwise:{json}`; rethrow them as the matching class. */
function rethrow(err) {
  if (err && typeof err.message === 'string' && err.message.startsWith('hookwise:')) {
    const record = JSON.parse(err.message.slice('hookwise:'.length))
    const Class = CLASSES[record.class] || HookwiseError
    throw new Class(record.message, { code: record.code, status: record.status, traceId: record.traceId })
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

async function callAsync(promise) {
  try {
    return await promise
  } catch (err) {
    return rethrow(err)
  }
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

/**
 * The headers named in `wanted` (lower-case: the ones the scheme reads, as the core lists them)
 * from Node's IncomingHttpHeaders (string or string[] values), fetch Headers, a Map, or a plain
 * object with keys in any case. Only these cross into Rust: a request carries many more.
 */
function toHeaders(headers, wanted) {
  const out = {}
  if (headers == null) return out
  const put = (name, value) => {
    if (value !== undefined && value !== null) out[name] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  if (typeof headers.entries === 'function' && Object.getPrototypeOf(headers) !== Object.prototype) {
    for (const [name, value] of headers.entries()) if (wanted.includes(name.toLowerCase())) put(name, value)
    return out
  }
  let missing = false
  for (const name of wanted) {
    if (headers[name] === undefined) missing = true
    else put(name, headers[name])
  }
  // Keys not in lower case (a hand-made object): one pass over them.
  if (missing) for (const name of Object.keys(headers)) if (name !== name.toLowerCase() && wanted.includes(name.toLowerCase())) put(name, headers[name])
  return out
}

/**
 * A verified webhook. `id`, `type`, `createdAt` and `scheme` are read by the core during
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
    this.#record = record
    this.#source = source
  }

  /** The whole parsed body. */
  get payload() {
    if (!this.#parsed) {
      const source = this.#source
      this.#payload = source === undefined
        ? this.#record.payload
        : JSON.parse(typeof source === 'string' ? source : source.toString('utf8'))
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
    return { id: this.id, type: this.type, createdAt: this.createdAt, data: this.data, payload: this.payload, scheme: this.scheme }
  }

  [inspect.custom](depth, options) {
    return `Event ${inspect(this.toJSON(), { ...options, depth: options.depth === null ? null : options.depth - 1 })}`
  }
}

/** The event of a native verification of `body`. The native record carries the payload unless
 * the body is plain JSON; then a copy of the bytes is taken now (the caller may reuse its Buffer,
 * and the payload must be parsed from the bytes that were verified). */
function toEvent(text, rawBody, body) {
  const record = JSON.parse(text)
  return new Event(record, 'payload' in record ? undefined : typeof rawBody === 'string' ? rawBody : Buffer.from(body))
}

/** Verifies (and signs) webhooks for one scheme and one or more secrets. */
class Webhook {
  constructor(secret, options = {}) {
    const secrets = Array.isArray(secret) ? secret : [secret]
    if (!secrets.every((s) => typeof s === 'string')) throw new TypeError('hookwise: secret must be a string or an array of strings')
    const { scheme, tolerance, maxPayloadBytes } = options
    this._native = call(() => new native.NativeWebhook(secrets, { scheme, tolerance, maxPayloadBytes }))
    this._headerNames = this._native.headerNames
  }

  /** Verifies the raw body against the request headers; returns the Event or throws WebhookSignatureError. */
  verify(rawBody, headers, options = {}) {
    const body = toBuffer(rawBody)
    return toEvent(call(() => this._native.verify(body, toHeaders(headers, this._headerNames), options.now)), rawBody, body)
  }

  /** The headers a sender attaches to `payload`. */
  sign(payload, options = {}) {
    const body = toBuffer(payload)
    return call(() => this._native.sign(body, options.id, options.timestamp))
  }

  /** Stripe-style: verify with the signature header's value alone. */
  static constructEvent(rawBody, signatureHeader, secret, options = {}) {
    const hook = new Webhook(secret, options)
    const body = toBuffer(rawBody)
    return toEvent(call(() => hook._native.constructEvent(body, String(signatureHeader ?? ''), options.now)), rawBody, body)
  }

  get scheme() {
    return this._native.scheme
  }
}

/** CPython's `json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"))`, byte for byte. */
function canonicalize(data) {
  const body = toBuffer(data)
  return call(() => native.canonicalize(body))
}

function presets() {
  return native.presets()
}

/** The jobs and webhook-subscription client; every call returns a Promise. */
class Client {
  constructor({ apiKey, baseUrl, timeout, maxRetries } = {}) {
    if (typeof apiKey !== 'string') throw new TypeError('hookwise: new Client({ apiKey, baseUrl }) needs an apiKey string')
    const n = call(() => new native.NativeClient({ apiKey, baseUrl, timeout, maxRetries }))
    this._native = n
    this.jobs = {
      create: (params) => callAsync(n.jobsCreate(params)),
      get: (id) => callAsync(n.jobsGet(id)),
      result: (id) => callAsync(n.jobsResult(id)),
      cancel: (id) => callAsync(n.jobsCancel(id)),
      download: (signedUrl) => callAsync(n.jobsDownload(signedUrl)),
      list: (params) => callAsync(n.jobsList(params ?? null)),
      listAll: (params) => {
        const pages = call(() => n.jobsListAll(params ?? null))
        return (async function* iterate() {
          for (;;) {
            const job = await callAsync(pages.next())
            if (job === null) return
            yield job
          }
        })()
      },
      wait: (id, { timeout = 300000, onProgress } = {}) => callAsync(n.jobsWait(id, timeout, onProgress ?? null)),
    }
    this.webhooks = {
      register: (params) => callAsync(n.webhooksRegister(params)),
      list: () => callAsync(n.webhooksList()),
      get: (id) => callAsync(n.webhooksGet(id)),
      update: (id, params) => callAsync(n.webhooksUpdate(id, params)),
      delete: (id) => callAsync(n.webhooksDelete(id)),
      rotateSecret: (id) => callAsync(n.webhooksRotateSecret(id)),
      deliveries: (id) => callAsync(n.webhooksDeliveries(id)),
    }
  }
}

module.exports = {
  Webhook, Event, Client, canonicalize, presets,
  HookwiseError, WebhookSignatureError, ApiError, AuthenticationError, NotFoundError, ConflictError,
  RateLimitError, ServerError, ConnectionError, TimeoutError,
}
