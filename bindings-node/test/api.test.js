'use strict'
// What only Node has of the engine binding: Promises, `for await` pagination (lazy), onProgress on
// the event loop, error classes from CommonJS and ESM, Profile errors. The HTTP behaviour itself
// (routing, retries, errors by status) is the contract cases' (contracts.test.js).
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const hookwise = require('..')
const { ROOT, serve } = require('./support.js')

const ARGUS = path.join(ROOT, 'profiles', 'argus.yaml')
const FAST = { apiKey: 'test_key', maxRetries: 0 }

test('Profile: fromFile and fromText, with its name, operations and base URL', () => {
  const argus = hookwise.Profile.fromFile(ARGUS)
  assert.equal(argus.name, 'argus')
  assert.ok(argus.operations.includes('list_jobs') && argus.operations.includes('get_job'), argus.operations.join())
  assert.equal(argus.baseUrl, 'https://api.knogin.com')
  const tiny = hookwise.Profile.fromText('{"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "x-hookwise": {"name": "tiny"}, "paths": {}}')
  assert.equal(tiny.name, 'tiny')
  assert.deepEqual(tiny.operations, [])
  assert.equal(tiny.baseUrl, null)
  assert.throws(() => new hookwise.Profile({}), TypeError)
})

test('Profile errors: ProfileError with .code and .pointer; file errors are Node\'s', async () => {
  const esm = await import('../index.mjs')
  assert.throws(() => hookwise.Profile.fromText('{"openapi": "3.1.0"'), (err) => {
    assert.ok(err instanceof hookwise.ProfileError && err instanceof hookwise.HookwiseError && err instanceof esm.ProfileError)
    assert.equal(err.name, 'ProfileError')
    assert.equal(err.code, 'invalid_profile')
    assert.equal(err.pointer, '#')
    return true
  })
  const v30 = '{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "x-hookwise": {"name": "t"}, "paths": {}}'
  assert.throws(() => hookwise.Profile.fromText(v30), { name: 'ProfileError', code: 'unsupported_profile' })
  assert.throws(() => hookwise.Profile.fromFile(path.join(ROOT, 'no-such-profile.yaml')), { code: 'ENOENT' })
  assert.throws(() => new hookwise.Api(path.join(ROOT, 'no-such-profile.yaml')), { code: 'ENOENT' })
})

test('call returns a Promise of native values; arguments cross as JSON.stringify writes them', async (t) => {
  const { baseUrl, requests } = await serve(t, (r) => r.method === 'POST'
    ? { status: 201, body: { id: 'job_1', status: 'queued' } }
    : { text: '{"id": "job_1", "status": "running", "progress_pct": 40.5, "big": 12345678901234567890, "tags": ["a"], "result": null}' })
  const api = new hookwise.Api(ARGUS, { ...FAST, baseUrl })
  assert.equal(api.profile.name, 'argus')
  const pending = api.call('get_job', { id: 'job 1/x' })
  assert.ok(pending instanceof Promise)
  const job = await pending
  assert.deepEqual(job, { id: 'job_1', status: 'running', progress_pct: 40.5, big: 12345678901234567890, tags: ['a'], result: null })
  assert.equal(typeof job.big, 'number') // as JSON.parse reads it, not a BigInt
  assert.equal(requests[0].path, '/v1/jobs/job%201%2Fx')
  assert.equal(requests[0].headers.authorization, 'Bearer test_key')

  const payload = { at: 1700000000000, ratio: 0.5, negative: -3000000000, skipped: undefined, none: null }
  await api.call('create_job', { kind: 'k', payload, idempotency_key: 'key_1', callback_url: undefined })
  assert.deepEqual(JSON.parse(requests[1].text), { kind: 'k', payload: { at: 1700000000000, ratio: 0.5, negative: -3000000000, none: null } })
  assert.match(requests[1].text, /"at":1700000000000[,}]/) // not 1700000000000.0
  assert.match(requests[1].text, /"negative":-3000000000[,}]/)
  assert.equal(requests[1].headers['idempotency-key'], 'key_1')
})

test('paginate: for await over every item, a page fetched only when the items run out', async (t) => {
  const pages = { '': { jobs: [{ id: 'a' }, { id: 'b' }], next_cursor: 'c2' }, c2: { jobs: [{ id: 'c' }], next_cursor: null } }
  const { baseUrl, requests } = await serve(t, (r) => ({ body: pages[r.query.cursor ?? ''] }))
  const api = new hookwise.Api(ARGUS, { ...FAST, baseUrl })

  const items = api.paginate('list_jobs', { limit: 2 })
  assert.equal(typeof items[Symbol.asyncIterator], 'function')
  assert.equal(requests.length, 0, 'nothing is fetched before the first item is asked for')
  assert.deepEqual(await items.next(), { done: false, value: { id: 'a' } })
  assert.deepEqual(await items.next(), { done: false, value: { id: 'b' } })
  assert.equal(requests.length, 1)
  assert.deepEqual(await items.next(), { done: false, value: { id: 'c' } })
  assert.equal(requests.length, 2)
  assert.deepEqual(requests.map((r) => r.query), [{ limit: '2' }, { limit: '2', cursor: 'c2' }])
  assert.deepEqual(await items.next(), { done: true, value: undefined })

  const seen = []
  for await (const job of api.paginate('list_jobs', { limit: 2 })) {
    seen.push(job.id)
    break
  }
  assert.deepEqual(seen, ['a'])
  assert.equal(requests.length, 3, 'breaking out of the first page fetches no second page')

  const all = []
  for await (const job of api.paginate('list_jobs')) all.push(job.id)
  assert.deepEqual(all, ['a', 'b', 'c'])
})

test('paginate: errors reject the iteration with the error class', async (t) => {
  const { baseUrl } = await serve(t, (r) => r.path === '/v1/jobs'
    ? { status: 404, body: { error: { code: 'gone', message: 'no list' } } }
    : { body: { id: 'x', status: 'queued' } })
  const api = new hookwise.Api(ARGUS, { ...FAST, baseUrl })
  await assert.rejects(async () => {
    for await (const item of api.paginate('list_jobs')) assert.fail(`unexpected ${item}`)
  }, { name: 'NotFoundError', code: 'gone', status: 404 })
  await assert.rejects(async () => {
    for await (const item of api.paginate('get_job', { id: 'x' })) assert.fail(`unexpected ${item}`)
  }, hookwise.InvalidArgumentError)
})

test('wait: onProgress runs on the event loop for each change, all before the Promise settles', async (t) => {
  const states = [['queued', 0], ['running', 50], ['running', 50], ['succeeded', 100]]
  const { baseUrl, requests } = await serve(t, (r, n) => {
    const [status, pct] = states[Math.min(n, states.length) - 1]
    return { body: { id: 'job_1', status, progress_pct: pct } }
  })
  const api = new hookwise.Api(ARGUS, { ...FAST, baseUrl })
  const progress = []
  const done = await api.wait('get_job', { id: 'job_1' }, { timeout: 10000, onProgress: (job) => progress.push([job.status, job.progress_pct]) })
  assert.deepEqual(progress, [['queued', 0], ['running', 50], ['succeeded', 100]])
  assert.deepEqual(done, { id: 'job_1', status: 'succeeded', progress_pct: 100 })
  assert.equal(requests.length, 4)
  assert.deepEqual(await api.wait('get_job', { id: 'job_1' }, { timeout: 10000 }), done)
})

test('wait: a throwing onProgress rejects the wait with what it threw; a missing timeout is refused', async (t) => {
  const { baseUrl } = await serve(t, () => ({ body: { id: 'job_1', status: 'running', progress_pct: 10 } }))
  const api = new hookwise.Api(ARGUS, { ...FAST, baseUrl })
  const thrown = new RangeError('stop')
  await assert.rejects(api.wait('get_job', { id: 'job_1' }, { timeout: 10000, onProgress: () => { throw thrown } }),
    (err) => err === thrown)
  await assert.rejects(api.wait('get_job', { id: 'job_1' }, {}), { name: 'InvalidArgumentError', code: 'invalid_argument' })
  await assert.rejects(api.wait('get_job', { id: 'job_1' }, { timeout: 120 }), { name: 'TimeoutError', code: 'timeout' })
})

test('download resolves to a Buffer', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ text: 'raw \u00e9 bytes' }))
  const api = new hookwise.Api(ARGUS, { ...FAST, baseUrl })
  const bytes = await api.download(`${baseUrl}/files/result.txt`)
  assert.ok(Buffer.isBuffer(bytes))
  assert.equal(bytes.toString('utf8'), 'raw \u00e9 bytes')
  await api.download('/files/other.txt')
  assert.deepEqual(requests.map((r) => r.path), ['/files/result.txt', '/files/other.txt'])
})

test('errors: one class per kind, the same from CommonJS and ESM, with the parsed body', async (t) => {
  const esm = await import('../index.mjs')
  for (const name of ['HookwiseError', 'ApiError', 'PermissionDeniedError', 'UnprocessableEntityError', 'InvalidArgumentError',
    'InvalidResponseError', 'ProfileError', 'NotFoundError', 'ConnectionError', 'TimeoutError', 'Api', 'Profile']) {
    assert.equal(esm[name], hookwise[name], name)
    assert.equal(typeof esm.default[name], 'function', name)
  }
  const answers = {
    '/v1/jobs/missing': { status: 404, body: { error: { code: 'not_found', message: 'job not found', trace_id: 'trc_1' } } },
    '/v1/jobs/forbidden': { status: 403, body: { error: { code: 'forbidden', message: 'not yours' } } },
    '/v1/jobs/refused': { status: 422, body: { error: { message: 'bad id' } } },
    '/v1/jobs/teapot': { status: 418, text: 'short and stout' },
    '/v1/jobs/garbled': { status: 200, text: 'not json' },
  }
  const { baseUrl } = await serve(t, (r) => answers[r.path])
  const api = new hookwise.Api(ARGUS, { ...FAST, baseUrl })

  await assert.rejects(api.call('get_job', { id: 'missing' }), (err) => {
    for (const Class of [esm.NotFoundError, hookwise.ApiError, esm.ApiError, hookwise.HookwiseError, Error]) assert.ok(err instanceof Class, Class.name)
    assert.equal(err.name, 'NotFoundError')
    assert.deepEqual({ status: err.status, code: err.code, message: err.message, traceId: err.traceId },
      { status: 404, code: 'not_found', message: 'job not found', traceId: 'trc_1' })
    assert.deepEqual(err.body, answers['/v1/jobs/missing'].body)
    return true
  })
  await assert.rejects(api.call('get_job', { id: 'forbidden' }), (err) => err instanceof esm.PermissionDeniedError && err.code === 'forbidden')
  await assert.rejects(api.call('get_job', { id: 'refused' }), (err) => err instanceof hookwise.UnprocessableEntityError &&
    err instanceof hookwise.ApiError && err.code === 'http_422' && err.message === 'bad id')
  await assert.rejects(api.call('get_job', { id: 'teapot' }), (err) => err.constructor === hookwise.ApiError &&
    err.status === 418 && err.message === 'short and stout' && err.body === undefined)
  await assert.rejects(api.call('get_job', { id: 'garbled' }), (err) => err instanceof esm.InvalidResponseError && err.code === 'invalid_response')
  const refused = api.call('no_such_op', {})
  assert.ok(refused instanceof Promise, 'an invalid call rejects; it does not throw')
  await assert.rejects(refused, (err) => err instanceof hookwise.InvalidArgumentError && !(err instanceof hookwise.ApiError))
  await assert.rejects(api.call('get_job', { id: 'x', extra: 1 }), { name: 'InvalidArgumentError', code: 'invalid_argument' })
  await assert.rejects(api.call('get_job'), { name: 'InvalidArgumentError' })

  const closed = new hookwise.Api(ARGUS, { ...FAST, baseUrl: 'http://127.0.0.1:9' })
  await assert.rejects(closed.call('get_job', { id: 'x' }), (err) => err instanceof esm.ConnectionError && err.code === 'connection_error')
})

test('options: converted, never defaulted here; bad values and missing credentials are InvalidArgumentError', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ status: 503, body: { error: { code: 'unavailable', message: 'later' } } }))
  const api = new hookwise.Api(ARGUS, { apiKey: 'k', baseUrl, maxRetries: 1, initialRetryDelay: 1, maxRetryDelay: 5, timeout: 2000, userAgent: 'ua/1' })
  await assert.rejects(api.call('get_job', { id: 'x' }), { name: 'ServerError', status: 503, code: 'unavailable' })
  assert.equal(requests.length, 2)
  assert.equal(requests[0].headers['user-agent'], 'ua/1')

  for (const bad of [{ timeout: -1 }, { maxRetries: 1.5 }, { maxRetries: -1 }, { initialRetryDelay: Number.NaN }, { maxRetryDelay: Infinity }]) {
    assert.throws(() => new hookwise.Api(ARGUS, { apiKey: 'k', baseUrl, ...bad }), { name: 'InvalidArgumentError', code: 'invalid_argument' }, JSON.stringify(bad))
  }
  assert.throws(() => new hookwise.Api(ARGUS, { baseUrl }), (err) => err instanceof hookwise.InvalidArgumentError && /ARGUS_API_KEY/.test(err.message))
  assert.throws(() => new hookwise.Api({ name: 'argus' }, { apiKey: 'k' }), TypeError)
  assert.doesNotThrow(() => new hookwise.Api(ARGUS, { apiKey: 'k', baseUrl, timeout: undefined, maxRetries: null }))
})
