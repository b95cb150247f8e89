'use strict'
// The Express example app, served for real on loopback, receiving a real delivery from
// `hookwise serve`, and refusing a tampered one. The app resolves `hookwise` as a package, the
// way a user's app does (the test links this package into the example's node_modules).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const path = require('node:path')
const express = require('express')
const hookwise = require('..')
const { webhook, errorHandler } = require('../express.js')
const { ROOT, API_KEY, startServer } = require('./support.js')

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const example = path.join(ROOT, 'examples', 'express-receiver')

function linkPackage() {
  const modules = path.join(example, 'node_modules')
  fs.mkdirSync(modules, { recursive: true })
  const link = path.join(modules, 'hookwise')
  if (!fs.existsSync(link)) fs.symlinkSync(path.resolve(__dirname, '..'), link, 'dir')
  const express = path.join(modules, 'express')
  if (!fs.existsSync(express)) fs.symlinkSync(path.resolve(__dirname, '..', 'node_modules', 'express'), express, 'dir')
}

test('the Express app accepts a real delivery and refuses a tampered one', async () => {
  linkPackage()
  const { createApp } = require(path.join(example, 'app.js'))
  const { app, received } = createApp(SECRET)
  const listener = await new Promise((resolve) => { const l = app.listen(0, '127.0.0.1', () => resolve(l)) })
  const base = `http://127.0.0.1:${listener.address().port}`
  const server = await startServer()
  try {
    const client = new hookwise.Client({ apiKey: API_KEY, baseUrl: server.baseUrl })
    await client.webhooks.register({ url: `${base}/webhooks`, secret: SECRET, events: ['job.succeeded'] })
    const job = await client.jobs.create({ kind: 'thumbnail', payload: { duration_ms: 50 } })
    await client.jobs.wait({ id: job.id }, { timeout: 15000 })
    const deadline = Date.now() + 15000
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    assert.equal(received.length, 1, 'the delivery did not reach the route')
    assert.equal(received[0].type, 'job.succeeded')
    assert.equal(received[0].job.id, job.id)
    assert.ok(received[0].id.startsWith('evt_'))

    const body = Buffer.from(JSON.stringify({ id: 'evt_forged', type: 'job.succeeded', data: { job: { id: 'job_x' } } }))
    const headers = new hookwise.Webhook(SECRET).sign(body, { id: 'evt_forged' })
    const post = (payload, extra) => fetch(`${base}/webhooks`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', ...extra } })
    const tampered = await post(Buffer.from(body.toString().replace('job_x', 'job_y')), headers)
    assert.equal(tampered.status, 400)
    assert.equal((await tampered.json()).error.code, 'signature_mismatch')
    const unsigned = await post(body, {})
    assert.equal((await unsigned.json()).error.code, 'missing_signature')
    const genuine = await post(body, headers)
    assert.deepEqual(await genuine.json(), { received: 'evt_forged' })
    assert.deepEqual(received.map((e) => e.id).slice(1), ['evt_forged'])
  } finally {
    server.stop()
    listener.close()
  }
})

/** POSTs `body` with `headers` (a string[] value: the header sent once per value, in order). */
function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

test('a repeated signature header: the first value wins, as in Python and Rust (the middleware reads req.rawHeaders)', async () => {
  linkPackage()
  const { createApp } = require(path.join(example, 'app.js'))
  const { app, received } = createApp(SECRET)
  const listener = await new Promise((resolve) => { const l = app.listen(0, '127.0.0.1', () => resolve(l)) })
  const url = `http://127.0.0.1:${listener.address().port}/webhooks`
  try {
    const body = Buffer.from(JSON.stringify({ id: 'evt_dup', type: 'job.succeeded', data: { job: { id: 'job_x' } } }))
    const signed = new hookwise.Webhook(SECRET).sign(body, { id: 'evt_dup' })
    const valid = signed['webhook-signature']
    const invalid = new hookwise.Webhook('whsec_b3RoZXI=').sign(body, { id: 'evt_dup' })['webhook-signature']
    const first = await post(url, body, { ...signed, 'webhook-signature': [valid, invalid] })
    assert.deepEqual([first.status, first.body], [200, { received: 'evt_dup' }])
    const second = await post(url, body, { ...signed, 'webhook-signature': [invalid, valid] })
    assert.equal(second.status, 400)
    assert.equal(second.body.error.code, 'signature_mismatch')
    assert.deepEqual(received.map((e) => e.id), ['evt_dup'])
  } finally {
    listener.close()
  }
})

/**
 * Sends a POST by hand: `head` (header lines), then, unless `total` is 0, a chunked body of `total`
 * bytes, 64 KiB a chunk, stopping as soon as an answer comes. Resolves to the answer (status,
 * parsed JSON body) and how many body bytes were sent by then.
 */
function flood(port, head, total) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunk = Buffer.alloc(64 * 1024, '[')
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
    let received = Buffer.alloc(0)
    let sent = 0
    let answer = null
    const settle = () => {
      const end = received.indexOf('\r\n\r\n')
      if (answer || end < 0) return
      const lines = received.subarray(0, end).toString('latin1').split('\r\n')
      const length = Number(/^content-length: *(\d+)$/im.exec(lines.join('\n'))?.[1] ?? NaN)
      const body = received.subarray(end + 4)
      if (body.length < length) return
      answer = { status: Number(lines[0].split(' ')[1]), head: lines.slice(1).join('\n').toLowerCase(), body: JSON.parse(body.toString('utf8')), sent }
      socket.destroy()
      resolve(answer)
    }
    socket.on('data', (d) => { received = Buffer.concat([received, d]); settle() })
    socket.on('error', () => {}) // the server closing on an unread body: EPIPE or ECONNRESET here
    socket.on('close', () => { settle(); if (!answer) reject(new Error(`closed without an answer: ${received}`)) })
    socket.on('connect', async () => {
      socket.write(`POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${head}\r\n`)
      while (total > 0 && !answer && !socket.destroyed && sent < total) {
        sent += chunk.length
        if (!socket.write(frame)) await new Promise((r) => { socket.once('drain', r); socket.once('close', r) })
      }
      if (total > 0 && !answer && !socket.destroyed) socket.end('0\r\n\r\n')
    })
  })
}

/**
 * An app with only the middleware (no express.raw): the route counts what reaches it, and the
 * bytes each connection read are kept. `handle`: the app's error handler, mounted after the route
 * (none: Express's own final handler answers).
 */
async function limitedApp(t, options, handle) {
  const reached = []
  const bytesRead = []
  const app = express()
  app.use((req, res, next) => {
    req.socket.once('close', () => bytesRead.push(req.socket.bytesRead))
    next()
  })
  app.post('/webhooks', webhook(SECRET, options), (req, res) => {
    reached.push(req.webhookEvent)
    res.json({ ok: true })
  })
  if (handle) app.use(handle)
  else app.set('env', 'test') // Express's own handler: no stack traces on stderr
  const listener = await new Promise((resolve) => { const l = app.listen(0, '127.0.0.1', () => resolve(l)) })
  t.after(() => listener.close())
  return { port: listener.address().port, reached, bytesRead }
}

/** An app's own error handler, reshaping what the middleware passes on (and keeping it for the test). */
function reshaping(seen) {
  return (err, req, res, next) => {
    seen.push(err)
    res.status(err.status).json({ failed: err.code, why: err.message })
  }
}

test('a chunked body far over maxPayloadBytes fails with 413 payload_too_large as soon as it passes the limit, unread beyond it; the app\'s error handler shapes the answer', { timeout: 20000 }, async (t) => {
  const limit = 1024
  const seen = []
  const { port, reached, bytesRead } = await limitedApp(t, { maxPayloadBytes: limit }, reshaping(seen))
  const total = 64 * 1024 * 1024
  const answer = await flood(port, 'Transfer-Encoding: chunked\r\n', total)
  assert.equal(answer.status, 413)
  assert.deepEqual(answer.body, { failed: 'payload_too_large', why: `the body is over the limit of ${limit} bytes` })
  assert.match(answer.head, /^connection: close$/m)
  assert.ok(answer.sent < total, 'the answer came before the whole body was sent')
  while (bytesRead.length === 0) await new Promise((r) => setTimeout(r, 10))
  assert.ok(bytesRead[0] < 512 * 1024, `the server read ${bytesRead[0]} bytes of a ${total}-byte body`)
  assert.equal(reached.length, 0, 'the route never ran')
  assert.equal(seen.length, 1)
  assert.ok(seen[0] instanceof hookwise.WebhookSignatureError)
  assert.deepEqual([seen[0].code, seen[0].status, seen[0].statusCode, seen[0].expose], ['payload_too_large', 413, 413, true])
})

test('a declared Content-Length over the limit (by default the core\'s) goes to onError before any of the body is sent', { timeout: 20000 }, async (t) => {
  const limit = new hookwise.Webhook(SECRET).maxPayloadBytes
  assert.equal(new hookwise.Webhook(SECRET, { maxPayloadBytes: 10 }).maxPayloadBytes, 10)
  const calls = []
  const onError = (err, req, res, next) => {
    calls.push({ err, next: typeof next, url: req.url })
    res.status(err.statusCode).json({ error: { code: err.code, message: err.message } })
  }
  const { port, reached } = await limitedApp(t, { onError }, () => assert.fail('onError handles it: next is not called'))
  const answer = await flood(port, `Content-Length: ${limit + 1}\r\n`, 0)
  assert.equal(answer.status, 413)
  assert.deepEqual(answer.body.error, { code: 'payload_too_large', message: `the body is over the limit of ${limit} bytes` })
  assert.equal(reached.length, 0)
  assert.deepEqual(calls.map((c) => [c.err.code, c.err.status, c.next, c.url]), [['payload_too_large', 413, 'function', '/webhooks']])
})

test('with no error handler of the app\'s, Express\'s own answers with the error\'s status (400, 413)', async (t) => {
  const body = Buffer.from(JSON.stringify({ id: 'evt_small', type: 'job.succeeded', data: {} }))
  const headers = new hookwise.Webhook(SECRET).sign(body, { id: 'evt_small' })
  const { port, reached } = await limitedApp(t, { maxPayloadBytes: body.length })
  const url = `http://127.0.0.1:${port}/webhooks`
  const send = (payload, extra) => fetch(url, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', ...extra } })
  const tampered = await send(Buffer.from(body.toString().replace('evt_small', 'evt_smalx')), headers)
  assert.equal(tampered.status, 400)
  assert.match(tampered.headers.get('content-type'), /^text\/html/)
  assert.match(await tampered.text(), /WebhookSignatureError/)
  const big = await send(Buffer.concat([body, Buffer.alloc(64 * 1024, ' ')]), headers)
  assert.equal(big.status, 413)
  assert.match(await big.text(), /over the limit/)
  assert.equal(reached.length, 0)
  assert.equal((await send(body, headers)).status, 200)
  assert.equal(reached[0].id, 'evt_small')
})

test('onError gets a failed verification and can pass it on to the app; errorHandler answers JSON; a bad onError is refused', async (t) => {
  const body = Buffer.from(JSON.stringify({ id: 'evt_on', type: 'job.succeeded', data: {} }))
  const headers = new hookwise.Webhook(SECRET).sign(body, { id: 'evt_on' })
  const seen = []
  const onError = (err, req, res, next) => {
    seen.push(err.code)
    next(err)
  }
  const { port } = await limitedApp(t, { onError }, errorHandler)
  const url = `http://127.0.0.1:${port}/webhooks`
  const unsigned = await post(url, body, {})
  assert.deepEqual(unsigned, { status: 400, body: { error: { code: 'missing_signature', message: unsigned.body.error.message } } })
  assert.deepEqual(seen, ['missing_signature'])
  assert.deepEqual(await post(url, body, headers), { status: 200, body: { ok: true } })
  assert.throws(() => webhook(SECRET, { onError: 'json' }), { name: 'TypeError', message: /onError must be a function/ })
})

test('a body under the limit is read whole and verified; one already read (express.raw) over it fails with 413 too', async (t) => {
  const body = Buffer.from(JSON.stringify({ id: 'evt_small', type: 'job.succeeded', data: {} }))
  const headers = new hookwise.Webhook(SECRET).sign(body, { id: 'evt_small' })
  const { port, reached } = await limitedApp(t, { maxPayloadBytes: body.length })
  const url = `http://127.0.0.1:${port}/webhooks`
  assert.deepEqual(await post(url, body, headers), { status: 200, body: { ok: true } })
  assert.equal(reached[0].id, 'evt_small')

  const app = express()
  app.post('/webhooks', express.raw({ type: 'application/json' }), webhook(SECRET, { maxPayloadBytes: body.length - 1 }), (req, res) => res.json({ ok: true }))
  app.use(errorHandler)
  const listener = await new Promise((resolve) => { const l = app.listen(0, '127.0.0.1', () => resolve(l)) })
  t.after(() => listener.close())
  const refused = await post(`http://127.0.0.1:${listener.address().port}/webhooks`, body, headers)
  assert.equal(refused.status, 413)
  assert.equal(refused.body.error.code, 'payload_too_large')
})
