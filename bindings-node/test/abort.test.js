'use strict'
// `{ signal }` on client calls: an aborted call rejects at once with `AbortError` (its `cause` the
// signal's reason) and the native call is cancelled: the request in flight is dropped (the server
// sees its connection close), a wait stops polling. Against a real HTTP server on loopback that
// never answers (or answers "still queued" forever). And errors keep their `cause`.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const hookwise = require('..')

const queued = { id: 'job_1', kind: 'k', status: 'queued', progress_pct: 0, payload: {}, created_at: '2026-01-01T00:00:00Z' }

/**
 * A server that holds every request unanswered (or, for `GET /v1/jobs/job_1` when `answerJobs`,
 * answers the job still queued). Keeps each request's arrival and the moment its connection
 * closed.
 */
async function stallingServer(t, { answerJobs = false } = {}) {
  const requests = []
  const server = http.createServer((req, res) => {
    const request = { method: req.method, path: req.url, at: Date.now(), closedAt: null }
    requests.push(request)
    req.socket.once('close', () => { request.closedAt = Date.now() })
    if (answerJobs && req.url === '/v1/jobs/job_1') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(queued))
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  const client = new hookwise.Client({ apiKey: 'hw_test_key', baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 0, timeout: 60000 })
  return { client, requests }
}

async function until(check, what, ms = 5000) {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Asserts `promise` rejects with an `AbortError` whose cause is `reason`; resolves to when it did. */
async function rejectsAborted(promise, reason) {
  const err = await promise.then(() => assert.fail('the call resolved'), (e) => e)
  const at = Date.now()
  assert.ok(err instanceof hookwise.AbortError && err instanceof hookwise.HookwiseError, `${err}`)
  assert.equal(err.name, 'AbortError')
  assert.equal(err.code, 'aborted')
  assert.equal(err.cause, reason)
  return at
}

test('aborting a call in flight rejects at once with AbortError (cause: the reason) and closes its request', async (t) => {
  const { client, requests } = await stallingServer(t)
  const controller = new AbortController()
  const pending = client.jobs.get({ id: 'job_1' }, { signal: controller.signal })
  await until(() => requests.length === 1, 'the request')
  const reason = new Error('the user went away')
  const abortedAt = Date.now()
  controller.abort(reason)
  const rejectedAt = await rejectsAborted(pending, reason)
  assert.ok(rejectedAt - abortedAt < 500, `rejected ${rejectedAt - abortedAt} ms after the abort`)
  // The native call was cancelled, not just ignored: its connection closes now, not at the 60 s timeout.
  await until(() => requests[0].closedAt !== null, 'the request\'s connection to close', 3000)
  assert.equal(requests[0].path, '/v1/jobs/job_1')
})

test('an already-aborted signal rejects without sending; AbortSignal.timeout\'s reason is the cause', async (t) => {
  const { client, requests } = await stallingServer(t)
  const reason = { why: 'not needed' }
  await rejectsAborted(client.jobs.create({ kind: 'k' }, { signal: AbortSignal.abort(reason) }), reason)
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(requests.length, 0, 'nothing was sent')

  const signal = AbortSignal.timeout(100)
  const err = await client.webhooks.list({}, { signal }).catch((e) => e)
  assert.equal(err.name, 'AbortError')
  assert.equal(err.cause.name, 'TimeoutError')
  assert.equal(err.cause, signal.reason)
  await until(() => requests.length === 1 && requests[0].closedAt !== null, 'the request\'s connection to close', 3000)
})

test('a wait stops polling when aborted; a page walk and a download stop too', async (t) => {
  const { client, requests } = await stallingServer(t, { answerJobs: true })
  const controller = new AbortController()
  const progress = []
  const waiting = client.jobs.wait({ id: 'job_1' }, { timeout: 60000, signal: controller.signal, onProgress: (j) => progress.push(j.status) })
  await until(() => requests.length >= 2, 'two polls')
  controller.abort()
  const err = await waiting.catch((e) => e)
  assert.equal(err.name, 'AbortError')
  assert.equal(err.cause.name, 'AbortError', 'the default reason, a DOMException')
  const polls = requests.length
  await new Promise((r) => setTimeout(r, 1500))
  assert.equal(requests.length, polls, 'no poll after the abort')
  assert.deepEqual(progress, ['queued'])

  const walking = new AbortController()
  const walk = (async () => {
    for await (const job of client.jobs.list({}, { signal: walking.signal })) assert.fail(`an item: ${job}`)
  })()
  await until(() => requests.some((r) => r.path.startsWith('/v1/jobs?') || r.path === '/v1/jobs'), 'the page request')
  walking.abort('stop')
  await rejectsAborted(walk, 'stop')

  const downloading = new AbortController()
  const download = client.download('/v1/results/job_1?expires=1&signature=s', { signal: downloading.signal })
  await until(() => requests.some((r) => r.path.startsWith('/v1/results/')), 'the download request')
  downloading.abort('enough')
  await rejectsAborted(download, 'enough')
  const fetches = requests.filter((r) => !r.path.startsWith('/v1/jobs/job_1'))
  await until(() => fetches.every((r) => r.closedAt !== null), 'the page and download connections to close', 3000)
})

test('a signal that is not an AbortSignal is refused; a call not aborted resolves as usual', async (t) => {
  const { client } = await stallingServer(t, { answerJobs: true })
  await assert.rejects(client.jobs.get({ id: 'job_1' }, { signal: 'soon' }), { name: 'TypeError', message: /AbortSignal/ })
  const controller = new AbortController()
  assert.deepEqual(await client.jobs.get({ id: 'job_1' }, { signal: controller.signal }), queued)
  controller.abort() // after the call: nothing happens
})

test('errors keep their cause: the option is passed through, and an error that wraps another sets err.cause', () => {
  const inner = new TypeError('inner')
  const err = new hookwise.ConnectionError('outer', { code: 'connection_error', cause: inner })
  assert.equal(err.cause, inner)
  assert.equal(err.code, 'connection_error')
  assert.ok(!Object.keys(err).includes('cause'), 'cause is the standard (non-enumerable) property')
  assert.equal(Object.hasOwn(new hookwise.HookwiseError('no cause'), 'cause'), false)
  const wrapped = new hookwise.HookwiseError('wrapped', { cause: err })
  assert.equal(wrapped.cause.cause, inner)
})
