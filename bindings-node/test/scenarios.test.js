'use strict'
// Every scenario in tests/conformance/scenarios/ through the JavaScript client, against a real
// `hookwise serve` process per scenario (the same files the Rust and Python runners play).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const hookwise = require('..')
const { SUITE, API_KEY, load, startServer } = require('./support.js')

/** A local receiver answering 200 and keeping every request. */
function startReceiver() {
  const requests = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) })
      res.end('ok')
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/hook`, requests, used: new Set(), server })
    })
  })
}

async function expectEvent(receiver, { scheme, secret, type, timeout_ms: timeoutMs = 15000 }) {
  const hook = new hookwise.Webhook(secret, { scheme })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    for (const [i, r] of receiver.requests.entries()) {
      if (receiver.used.has(i)) continue
      let event
      try {
        event = hook.verify(r.body, r.headers)
      } catch {
        continue
      }
      if (type === undefined || event.type === type) {
        receiver.used.add(i)
        const { createdAt, ...rest } = event.toJSON()
        return { ...rest, created_at: createdAt }
      }
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`harness: no matching delivery reached the receiver (${receiver.requests.length} requests)`)
}

function subst(value, saved) {
  if (typeof value === 'string' && value.startsWith('${') && value.endsWith('}')) {
    const [root, ...rest] = value.slice(2, -1).split('.')
    return rest.reduce((v, k) => v[k], saved[root])
  }
  if (Array.isArray(value)) return value.map((v) => subst(v, saved))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, subst(v, saved)]))
  return value
}

const TYPES = { string: 'string', boolean: 'boolean', number: 'number' }

/** The matcher of tests/conformance/README.md. */
function matches(pattern, actual, at) {
  if (pattern && typeof pattern === 'object' && !Array.isArray(pattern) && Object.keys(pattern).length &&
      Object.keys(pattern).every((k) => k.startsWith('$'))) {
    for (const [op, arg] of Object.entries(pattern)) {
      let ok
      switch (op) {
        case '$in': ok = arg.some((a) => JSON.stringify(a) === JSON.stringify(actual)); break
        case '$ne': ok = JSON.stringify(arg) !== JSON.stringify(actual); break
        case '$type': ok = arg === 'null' ? actual === null : arg === 'array' ? Array.isArray(actual)
          : arg === 'object' ? actual !== null && typeof actual === 'object' && !Array.isArray(actual) : typeof actual === TYPES[arg]; break
        case '$len': ok = actual != null && actual.length === arg; break
        case '$startswith': ok = typeof actual === 'string' && actual.startsWith(arg); break
        case '$last': ok = Array.isArray(actual) && JSON.stringify(actual[actual.length - 1]) === JSON.stringify(arg); break
        case '$absent': ok = (actual === null || actual === undefined) === arg; break
        default: throw new Error(`${at}: unknown operator ${op}`)
      }
      assert.ok(ok, `${at}: ${JSON.stringify(actual)} does not satisfy ${op} ${JSON.stringify(arg)}`)
    }
    return
  }
  if (Array.isArray(pattern)) {
    assert.ok(Array.isArray(actual) && actual.length === pattern.length, `${at}: expected ${pattern.length} items, got ${JSON.stringify(actual)}`)
    pattern.forEach((p, i) => matches(p, actual[i], `${at}[${i}]`))
  } else if (pattern && typeof pattern === 'object') {
    assert.ok(actual && typeof actual === 'object', `${at}: expected an object, got ${JSON.stringify(actual)}`)
    for (const [k, v] of Object.entries(pattern)) matches(v, actual[k] ?? null, `${at}.${k}`)
  } else {
    assert.deepStrictEqual(actual ?? null, pattern, at)
  }
}

const KINDS = [
  [hookwise.AuthenticationError, 'authentication'], [hookwise.NotFoundError, 'not_found'],
  [hookwise.ConflictError, 'conflict'], [hookwise.RateLimitError, 'rate_limit'], [hookwise.ServerError, 'server'],
  [hookwise.ApiError, 'api'], [hookwise.ConnectionError, 'connection'], [hookwise.TimeoutError, 'timeout'],
]

function errorJson(err) {
  const kind = KINDS.find(([cls]) => err instanceof cls)[1]
  return { status: err.status ?? null, code: err.code ?? null, kind, message: err.message, trace_id: err.traceId ?? null }
}

async function runOp(client, receivers, op, args) {
  const { jobs, webhooks } = client
  switch (op) {
    case 'jobs.create': return jobs.create(args)
    case 'jobs.get': return jobs.get(args.id)
    case 'jobs.cancel': return jobs.cancel(args.id)
    case 'jobs.result': return jobs.result(args.id)
    case 'jobs.list': return jobs.list(args)
    case 'jobs.list_all': {
      const found = []
      for await (const job of jobs.listAll(args)) found.push(job)
      return { count: found.length, jobs: found }
    }
    case 'jobs.wait': {
      const progress = []
      const job = await jobs.wait(args.id, { timeout: args.timeout_ms, onProgress: (j) => progress.push(j.progress_pct) })
      await new Promise((r) => setImmediate(r)) // let queued progress callbacks run
      return { job, progress }
    }
    case 'jobs.download': {
      let url = args.url
      if (args.tamper) url = url.slice(0, -1) + (url.endsWith('0') ? '1' : '0')
      return JSON.parse((await jobs.download(url)).toString('utf8'))
    }
    case 'webhooks.register': return webhooks.register(args)
    case 'webhooks.list': return { webhooks: await webhooks.list() }
    case 'webhooks.get': return webhooks.get(args.id)
    case 'webhooks.update': {
      const { id, ...params } = args
      return webhooks.update(id, params)
    }
    case 'webhooks.delete': return webhooks.delete(args.id)
    case 'webhooks.rotate_secret': return webhooks.rotateSecret(args.id)
    case 'webhooks.deliveries': return { deliveries: await webhooks.deliveries(args.id) }
    case 'receiver.start': {
      const receiver = await startReceiver()
      receivers.set(receiver.url, receiver)
      return { url: receiver.url }
    }
    case 'receiver.expect_event': return expectEvent(receivers.get(args.receiver), args)
    default: throw new Error(`unknown op ${op}`)
  }
}

const files = fs.readdirSync(path.join(SUITE, 'scenarios')).filter((f) => f.endsWith('.json')).sort()

for (const file of files) {
  test(`scenario ${file}`, async () => {
    const scenario = load(path.join(SUITE, 'scenarios', file))
    const flags = []
    if (scenario.server.scheme) flags.push('--scheme', scenario.server.scheme)
    if (scenario.server.callback_secret) flags.push('--callback-secret', scenario.server.callback_secret)
    const server = await startServer(...flags)
    const receivers = new Map()
    const saved = {}
    try {
      const client = new hookwise.Client({ apiKey: API_KEY, baseUrl: server.baseUrl })
      for (const [i, step] of scenario.steps.entries()) {
        const at = `step ${i} (${step.op})`
        const args = subst(step.args ?? {}, saved)
        const expect = subst(step.expect ?? {}, saved)
        const actor = step.api_key ? new hookwise.Client({ apiKey: step.api_key, baseUrl: server.baseUrl }) : client
        let result
        try {
          result = await runOp(actor, receivers, step.op, args)
        } catch (err) {
          if (!(err instanceof hookwise.HookwiseError)) throw err
          assert.ok(expect.error, `${at}: failed: ${err.name}: ${err.message}`)
          matches(expect.error, errorJson(err), `${at}: error`)
          continue
        }
        assert.ok(!expect.error, `${at}: succeeded with ${JSON.stringify(result)}, expected an error`)
        if (expect.match) matches(expect.match, result, `${at}: result`)
        if (step.save) saved[step.save] = result
      }
    } finally {
      for (const r of receivers.values()) r.server.close()
      server.stop()
    }
  })
}
