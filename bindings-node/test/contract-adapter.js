'use strict'
// The Node adapter of the conformance driver (tests/conformance/contracts/README.md, "Adapters"):
// one JSON request per stdin line, answered by one JSON line on stdout, in order. Contract cases go
// through the SDK `hookwise generate --lang node` made from the case's profile (for hookwise's own
// profile, the client generated into this package): the typed method its `OPERATIONS` table names
// (`register_webhook` → `client.registerWebhook(args)`, `create_job` → `client.jobs.create(args)`),
// `for await` over a list method, the waiting method its `WAITS` table names, and `download` (not
// an operation) through the client's `download(url)`. Scenario steps (`"suite": "scenario"`, as the driver's Rust
// adapter plays them) go through hookwise's `Client`, and `webhook.verify` through `Webhook`.
//   hookwise-conformance --lang node -- node test/contract-adapter.js
// The SDKs are read from $HOOKWISE_NODE_SDKS (a folder per profile, as contracts.test.js makes
// them), else generated into target/node-sdks with the CLI ($HOOKWISE_BIN) on first use.
const path = require('node:path')
const readline = require('node:readline')
const hookwise = require('..')
const { generateAll } = require('./generated-sdks.js')
const { ROOT } = require('./support.js')

/** The protocol's option keys, as `new Api(profile, options)` names them. */
const OPTIONS = {
  api_key: 'apiKey',
  username: 'username',
  password: 'password',
  base_url: 'baseUrl',
  max_retries: 'maxRetries',
  timeout_ms: 'timeout',
  initial_retry_delay_ms: 'initialRetryDelay',
  max_retry_delay_ms: 'maxRetryDelay',
}

/** Error classes and their kinds; subclasses before `ApiError`. */
const KINDS = [
  [hookwise.AuthenticationError, 'authentication'],
  [hookwise.PermissionDeniedError, 'permission_denied'],
  [hookwise.NotFoundError, 'not_found'],
  [hookwise.ConflictError, 'conflict'],
  [hookwise.UnprocessableEntityError, 'unprocessable_entity'],
  [hookwise.RateLimitError, 'rate_limit'],
  [hookwise.ServerError, 'server'],
  [hookwise.ApiError, 'api'],
  [hookwise.ConnectionError, 'connection'],
  [hookwise.TimeoutError, 'timeout'],
  [hookwise.InvalidArgumentError, 'invalid_argument'],
  [hookwise.InvalidResponseError, 'invalid_response'],
]

function options(given) {
  const out = {}
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!(key in OPTIONS)) throw new Error(`adapter: unknown option ${key}`)
    if (value !== null && value !== undefined) out[OPTIONS[key]] = value
  }
  return out
}

let sdks

/** The generated SDK of a profile file (`…/argus.yaml` → the package generated from it). */
function sdk(profileFile) {
  sdks ??= process.env.HOOKWISE_NODE_SDKS || generateAll(path.join(ROOT, 'target', 'node-sdks'))
  return require(path.join(sdks, path.basename(profileFile, path.extname(profileFile))))
}

/** The client class a generated package exports (`Client`, or the profile's `x-hookwise.npm.client`). */
function clientClass(pkg) {
  const name = Object.keys(pkg).find((key) => key.endsWith('Client'))
  if (!name) throw new Error('adapter: the generated package exports no client')
  return pkg[name]
}

/** The method at `path` of the client (`jobs.create`, `registerWebhook`), as a table of the package names it. */
function method(client, table, op) {
  const path = table[op]
  if (path === undefined) throw new Error(`adapter: the generated package names no method for ${op}`)
  const names = path.split('.')
  const owner = names.slice(0, -1).reduce((object, name) => object[name], client)
  const name = names[names.length - 1]
  if (typeof owner?.[name] !== 'function') throw new Error(`adapter: the generated client has no method ${path}`)
  return (...args) => owner[name](...args)
}

async function play(request) {
  const args = request.args ?? {}
  const pkg = sdk(request.profile)
  const client = new (clientClass(pkg))(options(request.options))
  switch (request.mode) {
    case 'download': {
      const text = (await client.download(args.url)).toString('utf8')
      try {
        return { result: JSON.parse(text) }
      } catch {
        return { result: text }
      }
    }
    case 'call':
      return { result: await method(client, pkg.OPERATIONS, request.op)(args) }
    case 'paginate': {
      const items = []
      for await (const item of method(client, pkg.OPERATIONS, request.op)(args)) items.push(item)
      return { result: items }
    }
    case 'wait': {
      const wait = method(client, pkg.WAITS, request.op)
      const progress = []
      const result = await wait(args, { timeout: request.timeout_ms, onProgress: (o) => progress.push(o) })
      return { result, progress }
    }
    default:
      throw new Error(`adapter: unknown mode ${request.mode}`)
  }
}

/** A verification of a delivery: the event, or `{message}` when it does not verify. */
function verify({ scheme, secret, headers, body_b64: body }) {
  const hook = new hookwise.Webhook(secret, { scheme })
  try {
    // The pairs as the delivery carried them (a repeated name stays repeated: the first wins).
    const { createdAt, unsignedFields, ...event } = hook.verify(Buffer.from(body, 'base64'), headers).toJSON()
    return { ok: true, result: { ...event, created_at: createdAt, unsigned_fields: unsignedFields } }
  } catch (err) {
    if (err instanceof hookwise.WebhookSignatureError) return { ok: false, error: { message: `${err.code}: ${err.message}` } }
    throw err
  }
}

/** One scenario step through `Client`: `jobs.create` → `client.jobs.create(args)`, the API's own field names. */
async function step({ op, args: stepArgs, api_key: apiKey, base_url: baseUrl }) {
  const args = stepArgs ?? {}
  const client = new hookwise.Client({ apiKey, baseUrl })
  const { jobs, webhooks } = client
  switch (op) {
    case 'jobs.create': return jobs.create(args)
    case 'jobs.get': return jobs.get(args)
    case 'jobs.cancel': return jobs.cancel(args)
    case 'jobs.result': return jobs.result(args)
    case 'jobs.download': return JSON.parse((await client.download(args.url)).toString('utf8'))
    case 'jobs.list': return jobs.list(args)
    case 'jobs.list_all': {
      const found = []
      for await (const job of jobs.list(args)) found.push(job)
      return { count: found.length, jobs: found }
    }
    case 'jobs.wait': {
      const progress = []
      const job = await jobs.wait({ id: args.id }, { timeout: args.timeout_ms ?? 15000, onProgress: (j) => progress.push(j.progress_pct) })
      return { job, progress }
    }
    case 'webhooks.register': return webhooks.register(args)
    case 'webhooks.list': return webhooks.list()
    case 'webhooks.get': return webhooks.get(args)
    case 'webhooks.update': return webhooks.update(args)
    case 'webhooks.delete': return webhooks.delete(args)
    case 'webhooks.rotate_secret': return webhooks.rotateSecret(args)
    case 'webhooks.deliveries': return webhooks.deliveries(args)
    default: throw new Error(`adapter: unknown op ${op}`)
  }
}

function errorJson(err) {
  const found = KINDS.find(([Class]) => err instanceof Class)
  if (!found) return { kind: `unexpected ${err && err.name}`, message: String(err && err.stack ? err.stack : err) }
  return { kind: found[1], status: err.status ?? null, code: err.code ?? null, message: err.message, trace_id: err.traceId ?? null }
}

async function answer(line) {
  try {
    const request = JSON.parse(line)
    if (request.suite === 'scenario') {
      if (request.op === 'webhook.verify') return verify(request.args)
      return { ok: true, result: (await step(request)) ?? null }
    }
    const { result, progress = [] } = await play(request)
    return { ok: true, result: result === undefined ? null : result, progress }
  } catch (err) {
    return { ok: false, error: errorJson(err) }
  }
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.trim() === '') continue
    process.stdout.write(`${JSON.stringify(await answer(line))}\n`)
  }
}

main().catch((err) => {
  process.stderr.write(`adapter: ${err && err.stack ? err.stack : err}\n`)
  process.exitCode = 1
})
