'use strict'
// hookwise's own `Client` (client.js, generated from profiles/hookwise.yaml): typed calls into
// `Api` with `Profile.hookwise()`, one resource per group of operations (`client.jobs.create`).
// What it sends (the operation, the arguments given and only those, under their names on the
// wire), where it sends it (options, then HOOKWISE_BASE_URL / HOOKWISE_API_KEY, then the profile's
// server), and that answers and errors are the engine's. The scenarios (contracts.test.js) run it
// against a real `hookwise serve`.
const test = require('node:test')
const assert = require('node:assert/strict')
const hookwise = require('..')
const { serve } = require('./support.js')

const FAST = { apiKey: 'hw_test_key', maxRetries: 0 }
const OPERATIONS = ['create_job', 'list_jobs', 'get_job', 'get_job_result', 'cancel_job', 'download_result', 'register_webhook',
  'list_webhooks', 'get_webhook', 'update_webhook', 'delete_webhook', 'rotate_webhook_secret', 'enable_webhook', 'list_deliveries',
  'list_events', 'get_event', 'list_event_deliveries', 'resend_event']

const job = (id, status = 'queued', pct = 0) => ({ id, kind: 'k', status, progress_pct: pct, payload: {}, created_at: '2026-01-01T00:00:00Z' })
const endpoint = (id) => ({ id, url: 'https://example.com/hook', events: ['*'], name: null, status: 'active', created_at: '2026-01-01T00:00:00Z' })

/** Sets (or, for undefined, removes) environment variables for the length of a test. */
function env(t, vars) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  const apply = (values) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
  apply(vars)
  t.after(() => apply(saved))
}

test('Profile.hookwise(): the embedded profile of our own API', () => {
  const profile = hookwise.Profile.hookwise()
  assert.ok(profile instanceof hookwise.Profile)
  assert.equal(profile.name, 'hookwise')
  assert.deepEqual([...profile.operations].sort(), [...OPERATIONS].sort())
  assert.equal(profile.baseUrl, 'http://127.0.0.1:8080')
  const api = new hookwise.Api(profile, { apiKey: 'k' })
  assert.equal(api.profile.name, 'hookwise')
  assert.equal(api.baseUrl, 'http://127.0.0.1:8080')
})

test('OPERATIONS and WAITS name the method of every operation of the profile', () => {
  assert.deepEqual(Object.keys(hookwise.OPERATIONS).sort(), [...OPERATIONS].sort())
  assert.equal(hookwise.OPERATIONS.create_job, 'jobs.create')
  assert.equal(hookwise.OPERATIONS.rotate_webhook_secret, 'webhooks.rotateSecret')
  assert.deepEqual(hookwise.WAITS, { get_job: 'jobs.wait' })
  const client = new hookwise.Client({ apiKey: 'k' })
  for (const path of [...Object.values(hookwise.OPERATIONS), ...Object.values(hookwise.WAITS)]) {
    const [resource, name] = path.split('.')
    assert.equal(typeof client[resource][name], 'function', path)
  }
})

test('jobs: each method calls its operation with the arguments given, named as on the wire', async (t) => {
  const { baseUrl, requests } = await serve(t, (r) => {
    if (r.method === 'POST' && r.path === '/v1/jobs') return { status: 201, body: job('job_1') }
    if (r.path === '/v1/jobs') return { body: { jobs: [job('job_1')], next_cursor: null, total_count: 1 } }
    if (r.path.endsWith('/result')) return { body: { id: 'job_1', result_ref: 'r', signed_url: `${baseUrl}/v1/results/job_1?expires=1&signature=s`, expires_at: null } }
    if (r.path.startsWith('/v1/results/')) return { body: { the: 'result' } }
    return { body: job(decodeURIComponent(r.path.split('/')[3]), r.path.endsWith('/cancel') ? 'canceled' : 'queued') }
  })
  const client = new hookwise.Client({ ...FAST, baseUrl })
  const { jobs } = client
  const body = (i) => JSON.parse(requests[i].text)

  const created = await jobs.create({ kind: 'k', payload: { a: 1 }, callback_url: 'https://example.com/cb', secrecy_level: 'internal', idempotency_key: 'key_1' })
  assert.deepEqual(created, job('job_1'))
  assert.deepEqual([requests[0].method, requests[0].path], ['POST', '/v1/jobs'])
  assert.deepEqual(body(0), { kind: 'k', payload: { a: 1 }, callback_url: 'https://example.com/cb', secrecy_level: 'internal' })
  assert.equal(requests[0].headers['idempotency-key'], 'key_1')
  assert.equal(requests[0].headers.authorization, 'Bearer hw_test_key')

  await jobs.create({ kind: 'k', payload: undefined, callback_url: undefined })
  assert.deepEqual(body(1), { kind: 'k' }, 'arguments not given are left out')
  assert.ok(requests[1].headers['idempotency-key'], 'the engine generates the key when none is given')
  await jobs.create({ kind: 'k', callback_url: null })
  assert.deepEqual(body(2), { kind: 'k', callback_url: null }, 'null is sent when passed')

  assert.equal((await jobs.get({ id: 'job 1/x' })).id, 'job 1/x')
  assert.equal(requests[3].path, '/v1/jobs/job%201%2Fx')
  assert.equal((await jobs.cancel({ id: 'job_1' })).status, 'canceled')
  assert.deepEqual([requests[4].method, requests[4].path], ['POST', '/v1/jobs/job_1/cancel'])
  const result = await jobs.result({ id: 'job_1' })
  assert.equal(requests[5].path, '/v1/jobs/job_1/result')
  const signed = new URL(result.signed_url)
  const download = { id: 'job_1', expires: Number(signed.searchParams.get('expires')), signature: signed.searchParams.get('signature') }
  assert.deepEqual(await jobs.downloadResult(download), { the: 'result' })
  assert.deepEqual([requests[6].path, requests[6].query], ['/v1/results/job_1', { expires: '1', signature: 's' }])
  assert.equal(requests[6].headers.authorization, undefined, 'a signed URL needs no API key')
  const bytes = await client.download(result.signed_url)
  assert.ok(Buffer.isBuffer(bytes))
  assert.deepEqual(JSON.parse(bytes.toString()), { the: 'result' })
  assert.deepEqual([requests[7].path, requests[7].query], ['/v1/results/job_1', { expires: '1', signature: 's' }])

  assert.deepEqual(await jobs.list(), { jobs: [job('job_1')], next_cursor: null, total_count: 1 })
  assert.deepEqual(requests[8].query, {})
  await jobs.list({ status: 'running', limit: 2, kind: undefined, cursor: null })
  assert.deepEqual(requests[9].query, { status: 'running', limit: '2' })
})

test('for await over jobs.list is lazy and follows cursors; jobs.wait reports every change before it settles', async (t) => {
  const pages = { '': { jobs: [job('a'), job('b')], next_cursor: 'c2', total_count: 3 }, c2: { jobs: [job('c')], next_cursor: null, total_count: 3 } }
  const states = [['queued', 0], ['running', 50], ['running', 50], ['succeeded', 100]]
  const { baseUrl, requests } = await serve(t, (r, n) => {
    if (r.path === '/v1/jobs') return { body: pages[r.query.cursor ?? ''] }
    const [status, pct] = states[Math.min(n - 3, states.length - 1)]
    return { body: job('job_1', status, pct) }
  })
  const { jobs } = new hookwise.Client({ ...FAST, baseUrl })

  const all = jobs.list({ kind: 'k', limit: 2 })
  assert.equal(typeof all[Symbol.asyncIterator], 'function')
  assert.equal(requests.length, 0, 'nothing is fetched before the first job is asked for')
  const ids = []
  for await (const j of all) ids.push(j.id)
  assert.deepEqual(ids, ['a', 'b', 'c'])
  assert.deepEqual(requests.map((r) => r.query), [{ kind: 'k', limit: '2' }, { kind: 'k', limit: '2', cursor: 'c2' }])

  const progress = []
  const done = await jobs.wait({ id: 'job_1' }, { timeout: 10000, onProgress: (j) => progress.push([j.status, j.progress_pct]) })
  assert.deepEqual(progress, [['queued', 0], ['running', 50], ['succeeded', 100]])
  assert.equal(done.status, 'succeeded')

  const thrown = new RangeError('stop')
  await assert.rejects(jobs.wait({ id: 'job_1' }, { timeout: 10000, onProgress: () => { throw thrown } }), (err) => err === thrown)
})

test('webhooks: each method calls its operation and resolves to its answer', async (t) => {
  const { baseUrl, requests } = await serve(t, (r) => {
    if (r.path === '/v1/webhooks') return r.method === 'POST' ? { status: 201, body: { ...endpoint('wh_1'), secret: 'whsec_x' } } : { body: { webhooks: [endpoint('wh_1')] } }
    if (r.path.endsWith('/deliveries')) return { body: { deliveries: [{ id: 'dlv_1' }] } }
    if (r.method === 'DELETE') return { body: { id: 'wh_1', deleted: true } }
    return { body: endpoint('wh_1') }
  })
  const { webhooks } = new hookwise.Client({ ...FAST, baseUrl })
  const sent = (i) => [requests[i].method, requests[i].path, requests[i].text === '' ? undefined : JSON.parse(requests[i].text)]

  assert.equal((await webhooks.register({ url: 'https://example.com/hook', events: ['job.succeeded'], secret: undefined, name: null })).secret, 'whsec_x')
  assert.deepEqual(sent(0), ['POST', '/v1/webhooks', { url: 'https://example.com/hook', events: ['job.succeeded'], name: null }])
  assert.deepEqual(await webhooks.list(), { webhooks: [endpoint('wh_1')] })
  assert.deepEqual(sent(1), ['GET', '/v1/webhooks', undefined])
  assert.deepEqual(await webhooks.get({ id: 'wh_1' }), endpoint('wh_1'))
  assert.deepEqual(sent(2), ['GET', '/v1/webhooks/wh_1', undefined])
  await webhooks.update({ id: 'wh_1', name: 'n', status: undefined })
  assert.deepEqual(sent(3), ['PATCH', '/v1/webhooks/wh_1', { name: 'n' }])
  assert.deepEqual(await webhooks.delete({ id: 'wh_1' }), { id: 'wh_1', deleted: true })
  assert.deepEqual(sent(4), ['DELETE', '/v1/webhooks/wh_1', undefined])
  await webhooks.rotateSecret({ id: 'wh_1' })
  assert.deepEqual(sent(5).slice(0, 2), ['POST', '/v1/webhooks/wh_1/rotate-secret'])
  assert.deepEqual(await webhooks.deliveries({ id: 'wh_1' }), { deliveries: [{ id: 'dlv_1' }] })
  assert.deepEqual(sent(6), ['GET', '/v1/webhooks/wh_1/deliveries', undefined])
})

test('the base URL and API key: options, then HOOKWISE_BASE_URL / HOOKWISE_API_KEY, then the profile', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ body: job('job_1') }))
  env(t, { HOOKWISE_BASE_URL: baseUrl, HOOKWISE_API_KEY: 'hw_env_key' })
  const fromEnv = new hookwise.Client({ maxRetries: 0 })
  assert.equal(fromEnv.baseUrl, baseUrl)
  await fromEnv.jobs.get({ id: 'job_1' })
  assert.equal(requests[0].headers.authorization, 'Bearer hw_env_key')
  const given = new hookwise.Client({ apiKey: 'hw_given', baseUrl: 'http://127.0.0.1:9' })
  assert.equal(given.baseUrl, 'http://127.0.0.1:9')
  assert.equal(new hookwise.Client().baseUrl, baseUrl, 'no options at all')

  env(t, { HOOKWISE_BASE_URL: undefined, HOOKWISE_API_KEY: undefined })
  assert.equal(new hookwise.Client({ apiKey: 'k' }).baseUrl, 'http://127.0.0.1:8080')
  assert.throws(() => new hookwise.Client({ baseUrl }), (err) => err instanceof hookwise.InvalidArgumentError && /HOOKWISE_API_KEY/.test(err.message))
  assert.throws(() => new hookwise.Client({ apiKey: 'k', timeout: -1 }), { name: 'InvalidArgumentError' })
})

test('errors are the engine\'s: API errors by class, bad arguments rejected before sending', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ status: 404, body: { error: { code: 'not_found', message: 'job not found' } } }))
  const { jobs, webhooks } = new hookwise.Client({ ...FAST, baseUrl })
  await assert.rejects(jobs.get({ id: 'job_nope' }), (err) => err instanceof hookwise.NotFoundError && err.status === 404 && err.code === 'not_found')
  await assert.rejects(webhooks.deliveries({ id: 'wh_nope' }), hookwise.NotFoundError)
  const sent = requests.length
  const refused = jobs.create({ kind: 'k', nope: 1 })
  assert.ok(refused instanceof Promise, 'a refused call rejects; it does not throw')
  await assert.rejects(refused, { name: 'InvalidArgumentError', code: 'invalid_argument' })
  await assert.rejects(jobs.create({ payload: {} }), { name: 'InvalidArgumentError' }, 'kind is required')
  await assert.rejects(webhooks.register({ events: ['*'] }), { name: 'InvalidArgumentError' }, 'url is required')
  assert.equal(requests.length, sent, 'nothing was sent')
})
