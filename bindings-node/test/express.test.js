'use strict'
// The Express example app, served for real on loopback, receiving a real delivery from
// `hookwise serve`, and refusing a tampered one. The app resolves `hookwise` as a package, the
// way a user's app does (the test links this package into the example's node_modules).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const hookwise = require('..')
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
