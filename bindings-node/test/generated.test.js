'use strict'
// The SDKs `hookwise generate --lang node` makes from the profiles, installed as a user would:
// `npm install` (offline) of the generated package folders into a new app, with `hookwise` from
// this package's `npm pack` tarball (hookwise's own profile is builtin: its client is in there). Then: `tsc --strict` on a typed usage file, CommonJS and ESM
// entries, each bound `Webhook` against its scheme's signature vectors, and calls to a local
// server. (The contract cases run through the same SDKs in contracts.test.js.)
const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { createRequire } = require('node:module')
const { SUITE, load, serve, xfail } = require('./support.js')
const { PROFILES, generate } = require('./generated-sdks.js')

const NODE_MODULES = path.resolve(__dirname, '..', 'node_modules')

/** The profiles that make a package: all but the builtin one (hookwise's own, whose client is this package's). */
const PACKAGED = PROFILES.filter((name) => name !== 'hookwise')

/** The app: a temporary folder with the SDKs and hookwise installed; `names` maps a profile to its package name. */
function install() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hookwise-node-app-'))
  const sdks = PACKAGED.map((name) => generate(path.join(root, 'sdks'), name))
  execFileSync('npm', ['pack', '--silent', '--pack-destination', root], { cwd: path.resolve(__dirname, '..'), stdio: ['ignore', 'ignore', 'inherit'] })
  const app = path.join(root, 'app')
  fs.mkdirSync(app)
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
  execFileSync('npm', ['install', '--offline', '--install-links', '--no-audit', '--no-fund', '--loglevel=error',
    path.join(root, `hookwise-${require('../package.json').version}.tgz`), ...sdks], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] })
  const names = Object.fromEntries(PACKAGED.map((name, i) => [name, load(path.join(sdks[i], 'package.json')).name]))
  return { root, app, names, require: createRequire(path.join(app, 'package.json')) }
}

const installed = install()
test.after(() => fs.rmSync(installed.root, { recursive: true, force: true }))

test('the generated .d.ts files pass tsc --strict on a typed usage file', () => {
  const { app } = installed
  fs.copyFileSync(path.join(__dirname, 'generated-usage.ts'), path.join(app, 'usage.ts'))
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext',
      skipLibCheck: false, types: ['node'], typeRoots: [path.join(NODE_MODULES, '@types')],
    },
    files: ['usage.ts'],
  }))
  try {
    execFileSync(process.execPath, [path.join(NODE_MODULES, 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' })
  } catch (err) {
    assert.fail(`tsc --strict failed:\n${err.stdout}${err.stderr}`)
  }
})

test('every package loads from CommonJS and ESM, with one set of classes shared with hookwise', () => {
  const { app, names } = installed
  const script = `
    import { createRequire } from 'node:module'
    const require = createRequire(import.meta.url)
    const hookwise = require('hookwise')
    const out = {}
    for (const name of ${JSON.stringify(Object.values(names))}) {
      const esm = await import(name)
      const cjs = require(name)
      const client = Object.keys(cjs).find((k) => k.endsWith('Client'))
      out[name] = {
        client,
        same: esm[client] === cjs[client] && esm.Webhook === cjs.Webhook && esm.default === cjs,
        errors: esm.NotFoundError === hookwise.NotFoundError && cjs.ApiError === hookwise.ApiError,
        scheme: cjs.Webhook.SCHEME,
        bound: new cjs.Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') instanceof hookwise.Webhook,
      }
    }
    console.log(JSON.stringify(out))`
  fs.writeFileSync(path.join(app, 'check.mjs'), script)
  const out = JSON.parse(execFileSync(process.execPath, ['check.mjs'], { cwd: app, encoding: 'utf8' }))
  assert.deepEqual(out, {
    argus: { client: 'Client', same: true, errors: true, scheme: 'argus', bound: true },
    gabinete360: { client: 'Client', same: true, errors: true, scheme: 'gabinete360', bound: true },
    argyle: { client: 'Client', same: true, errors: true, scheme: 'argyle', bound: true },
    auggie: { client: 'Client', same: true, errors: true, scheme: 'auggie', bound: true },
    'asg-gateway': { client: 'ASGGatewayClient', same: true, errors: true, scheme: 'asg', bound: true },
  })
})

test("each generated Webhook verifies its scheme's signature vectors", () => {
  const XFAIL = xfail()
  const problems = []
  for (const name of PACKAGED) {
    const { Webhook, WebhookSignatureError } = installed.require(installed.names[name])
    const cases = load(path.join(SUITE, 'vectors', 'signatures', `${Webhook.SCHEME}.json`)).filter((c) => c.scheme === Webhook.SCHEME)
    assert.ok(cases.length > 10, `${name}: ${cases.length} vectors of ${Webhook.SCHEME}`)
    for (const c of cases) {
      let got
      try {
        const hook = new Webhook(c.secrets, { tolerance: c.tolerance ?? undefined, maxPayloadBytes: c.max_payload_bytes ?? undefined })
        const { createdAt, unsignedFields, ...event } = hook.verify(Buffer.from(c.body_b64, 'base64'), c.headers, { now: c.now }).toJSON()
        got = { ok: true, event: { ...event, created_at: createdAt, unsigned_fields: unsignedFields } }
      } catch (err) {
        if (!(err instanceof WebhookSignatureError)) throw err
        got = { ok: false, error: err.code }
      }
      let passed = got.ok === c.expect.ok && (got.ok ? true : got.error === c.expect.error)
      if (passed && got.ok) {
        try {
          assert.deepStrictEqual(got.event, c.expect.event)
        } catch {
          passed = false
        }
      }
      if (XFAIL.has(c.id) ? passed : !passed) problems.push(`${name} ${c.id}: ${JSON.stringify(got).slice(0, 200)}`)
    }
  }
  assert.deepEqual(problems, [])
})

test("Auggie's calls and constructEvent, and Argus's pages, through the installed packages", async (t) => {
  const auggie = installed.require('auggie')
  const stub = await serve(t, (req) => {
    if (req.method === 'POST') return { body: { object: 'webhook', url: 'https://yourserver.com/webhook', secret: 'a1b2c3', active: true, event_types: null } }
    if (req.method === 'GET') return { body: { object: 'webhook', url: 'https://yourserver.com/webhook', active: true, event_types: null } }
    return { status: 204 }
  })
  const client = new auggie.Client({ apiKey: 'aug_your_key', baseUrl: stub.baseUrl })
  const wh = await client.registerWebhook({ url: 'https://yourserver.com/webhook', event_types: undefined })
  assert.equal(wh.secret, 'a1b2c3')
  await client.registerWebhook({ url: 'https://yourserver.com/webhook', event_types: null })
  assert.equal((await client.getWebhook()).active, true)
  assert.equal(await client.deleteWebhook(), undefined)
  assert.deepEqual(stub.requests.map((r) => [r.method, r.path, r.text && JSON.parse(r.text)]), [
    ['POST', '/v1/webhooks/register', { url: 'https://yourserver.com/webhook' }],
    ['POST', '/v1/webhooks/register', { url: 'https://yourserver.com/webhook', event_types: null }],
    ['GET', '/v1/webhooks', ''],
    ['DELETE', '/v1/webhooks', ''],
  ])
  assert.equal(stub.requests[0].headers.authorization, 'Bearer aug_your_key')
  await assert.rejects(client.registerWebhook({}), auggie.InvalidArgumentError)

  // Auggie signs the canonical JSON of the body (seed 003: sorted keys, no spaces), hex
  // HMAC-SHA256 keyed with the secret; the body as sent may be laid out otherwise.
  const { createHmac } = require('node:crypto')
  const body = JSON.stringify({ id: 'evt_1', type: 'research.completed', created_at: '2026-02-16T12:00:00Z', data: { job_id: 123 } }, null, 2)
  const canonical = '{"created_at":"2026-02-16T12:00:00Z","data":{"job_id":123},"id":"evt_1","type":"research.completed"}'
  const signature = createHmac('sha256', 'your_webhook_secret').update(canonical).digest('hex')
  const event = auggie.Webhook.constructEvent(body, signature, 'your_webhook_secret')
  assert.deepEqual([event.type, event.data], ['research.completed', { job_id: 123 }])
  assert.throws(() => auggie.Webhook.constructEvent(body, '0'.repeat(64), 'your_webhook_secret'), auggie.WebhookSignatureError)

  const argus = installed.require('argus')
  const pages = await serve(t, (req) => {
    const cursor = req.query.cursor ?? ''
    const jobs = cursor === '' ? [{ id: 'j1' }, { id: 'j2' }] : [{ id: 'j3' }]
    return { body: { jobs, next_cursor: cursor === '' ? 'c2' : null, total_count: 3 } }
  })
  const jobs = new argus.Client({ apiKey: 'k', baseUrl: pages.baseUrl })
  const listing = jobs.listJobs({ limit: 2 })
  assert.equal(pages.requests.length, 0, 'nothing is sent before the list is awaited or walked')
  assert.deepEqual((await listing).jobs.map((j) => j.id), ['j1', 'j2'])
  const ids = []
  for await (const job of jobs.listJobs({ limit: 2 })) ids.push(job.id)
  assert.deepEqual(ids, ['j1', 'j2', 'j3'])
  assert.deepEqual(pages.requests.map((r) => r.query), [{ limit: '2' }, { limit: '2' }, { limit: '2', cursor: 'c2' }])
})

test('the generated code is what prettier writes (where prettier is installed)', (t) => {
  // This package's dev dependency when it has one, else one on PATH.
  const local = path.join(NODE_MODULES, '.bin', 'prettier')
  const prettier = fs.existsSync(local) ? local : 'prettier'
  try {
    execFileSync(prettier, ['--version'], { stdio: 'ignore' })
  } catch {
    t.skip('prettier is not installed')
    return
  }
  try {
    const builtin = ['client.js', 'client.d.ts'].map((file) => path.resolve(__dirname, '..', file))
    execFileSync(prettier, ['--check', `${installed.root}/sdks/**/*.{js,mjs,ts,json}`, ...builtin], { encoding: 'utf8' })
  } catch (err) {
    assert.fail(`prettier --check:\n${err.stdout}${err.stderr}`)
  }
})

test('credentials: a basic-auth SDK without them is refused at once', () => {
  const { Client, InvalidArgumentError } = installed.require('argyle')
  assert.throws(() => new Client({ baseUrl: 'http://127.0.0.1:9' }), InvalidArgumentError)
  assert.equal(new Client({ username: 'key_id', password: 'key_secret', baseUrl: 'http://127.0.0.1:9' }).baseUrl, 'http://127.0.0.1:9')
})
