'use strict'
// What only JavaScript has: Buffer/Uint8Array/string bodies, IncomingHttpHeaders, error classes,
// the TypeError for parsed bodies, Promises that do not block the event loop.
const test = require('node:test')
const assert = require('node:assert/strict')
const hookwise = require('..')

const BODY = Buffer.from('{"id":"evt_1","type":"job.succeeded","created_at":"2026-11-22T10:00:00Z","data":{"job":{"id":"job_1"}}}')

test('verify returns an Event with createdAt; bodies may be Buffer, Uint8Array or string', () => {
  const hook = new hookwise.Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
  const headers = hook.sign(BODY, { id: 'msg_1', timestamp: 1700000000 })
  for (const body of [BODY, new Uint8Array(BODY), BODY.toString()]) {
    const event = hook.verify(body, headers, { now: 1700000000 })
    assert.ok(event instanceof hookwise.Event)
    assert.deepEqual(event.toJSON(), {
      id: 'msg_1', type: 'job.succeeded', createdAt: '2026-11-22T10:00:00Z',
      data: { job: { id: 'job_1' } }, payload: JSON.parse(BODY), scheme: 'standard', unsignedFields: [],
    })
    assert.deepEqual(JSON.parse(JSON.stringify(event)), event.toJSON())
  }
})

test('the payload is parsed once, from the bytes that were verified', () => {
  const hook = new hookwise.Webhook('k', { scheme: 'github' })
  const body = Buffer.from(BODY)
  const event = hook.verify(body, hook.sign(body))
  body.fill(0x20) // the caller reuses its buffer: the event keeps what was verified
  assert.equal(event.payload.id, 'evt_1')
  assert.equal(event.payload, event.payload, 'the same object on every access')
  assert.equal(event.data, event.payload, 'github events carry the whole body as data')
  assert.match(require('node:util').inspect(event), /^Event \{\s+id: null,\s+type: null,[^]*scheme: 'github'/)
})

test('the payload is what JSON.parse reads from the text, whatever its characters and length', () => {
  // Small bodies come back with the event as Latin-1 or UTF-16 text; those of 128 KiB or more
  // are copied and read when the payload is asked for.
  const hook = new hookwise.Webhook('k', { scheme: 'github' })
  for (const note of ['plain', 'café', 'Ωμέγα ✓', 'emoji 😀 and a lone \ud800 escape']) {
    for (const count of [1, 3000]) {
      const text = JSON.stringify({ items: Array.from({ length: count }, (_, i) => ({ i, note, [note]: i / 3 })) })
      const body = Buffer.from(text)
      const expected = JSON.parse(text)
      const event = hook.verify(body, hook.sign(body))
      body.fill(0x20)
      assert.deepStrictEqual(event.payload, expected, `${note} × ${count} (${text.length} bytes)`)
    }
  }
})

test('a body JSON.parse would read differently comes as the core read it (NaN, which JSON text cannot carry, as null)', () => {
  const hook = new hookwise.Webhook('k', { scheme: 'github' })
  for (const [text, payload] of [
    ['{"n": NaN, "z": -0}', { n: null, z: 0 }],
    ['\ufeff{"a": [1]}', { a: [1] }],
  ]) {
    const body = Buffer.from(text)
    assert.deepStrictEqual(hook.verify(body, hook.sign(body)).payload, payload, text)
  }
})

test("the envelope's fields come through whatever their text: a NUL, '=', ',', empty", () => {
  const hook = new hookwise.Webhook('whsec_test', { scheme: 'stripe' })
  for (const [id, type] of [['evt\u00001', 'a=b,c'], ['', 'a=b,c'], ['=x,y', 't\u0000'], ['evt_1', '']]) {
    const payload = { id, type, created: 1700000000, data: { object: { n: 1 } } }
    const body = Buffer.from(JSON.stringify(payload))
    const event = hook.verify(body, hook.sign(body, { timestamp: 1700000000 }), { now: 1700000000 })
    assert.deepEqual(
      [event.id, event.type, event.createdAt, event.data, event.payload, event.unsignedFields],
      [id, payload.type, '2023-11-14T22:13:20Z', payload.data, payload, []],
      JSON.stringify(id),
    )
  }
  const github = new hookwise.Webhook('k', { scheme: 'github' })
  for (const type of ['a,b', 'a,b\u0000']) {
    const event = github.verify(BODY, { ...github.sign(BODY), 'X-GitHub-Event': type, 'X-GitHub-Delivery': '' })
    assert.deepEqual([event.id, event.type, event.unsignedFields], ['', type, ['id', 'type']])
  }
})

test("Node's IncomingHttpHeaders (lower-case keys, string[] values) and fetch Headers work", () => {
  const hook = new hookwise.Webhook('k', { scheme: 'github' })
  const signed = hook.sign(BODY)
  const incoming = { 'x-hub-signature-256': signed['X-Hub-Signature-256'], 'x-github-event': 'push', 'set-cookie': ['a=1', 'b=2'] }
  assert.equal(hook.verify(BODY, incoming).type, 'push')
  assert.equal(hook.verify(BODY, new Headers(incoming)).type, 'push')
  assert.equal(hook.verify(BODY, new Map(Object.entries(incoming))).type, 'push')
  const handMade = { 'X-Hub-Signature-256': signed['X-Hub-Signature-256'], 'X-GitHub-Event': 'push', Host: 'a' }
  assert.equal(hook.verify(BODY, handMade).type, 'push', 'keys in any case')
})

test('a repeated signature header: the first value wins, in every form the headers come in', () => {
  const hook = new hookwise.Webhook('k', { scheme: 'github' })
  const valid = hook.sign(BODY)['X-Hub-Signature-256']
  const invalid = `sha256=${'0'.repeat(64)}`
  const name = 'x-hub-signature-256'
  const forms = (first, second) => ({
    'object with a string[] (IncomingHttpHeaders)': { [name]: [first, second], 'x-github-event': 'push' },
    'an array of pairs': [[name, first], ['X-GitHub-Event', 'push'], ['X-Hub-Signature-256', second]],
    'a Map with a string[]': new Map([[name, [first, second]], ['x-github-event', 'push']]),
    'a Map with the name in two cases': new Map([['X-Hub-Signature-256', first], [name, second], ['x-github-event', 'push']]),
    'an object with the name in two cases': { 'X-Hub-Signature-256': first, [name]: second, 'x-github-event': 'push' },
  })
  for (const [form, headers] of Object.entries(forms(valid, invalid))) {
    assert.equal(hook.verify(BODY, headers).type, 'push', `first valid, ${form}`)
  }
  for (const [form, headers] of Object.entries(forms(invalid, valid))) {
    assert.throws(() => hook.verify(BODY, headers), { name: 'WebhookSignatureError', code: 'signature_mismatch' }, `first invalid, ${form}`)
  }
  // Stripe-style: of a string[], the first value too.
  const stripe = new hookwise.Webhook('whsec_test', { scheme: 'stripe' })
  const header = stripe.sign(BODY, { timestamp: 1700000000 })['Stripe-Signature']
  const forged = header.replace(/v1=[0-9a-f]+/, `v1=${'0'.repeat(64)}`)
  const options = { scheme: 'stripe', now: 1700000000 }
  assert.equal(hookwise.Webhook.constructEvent(BODY, [header, forged], 'whsec_test', options).type, 'job.succeeded')
  assert.throws(() => hookwise.Webhook.constructEvent(BODY, [forged, header], 'whsec_test', options), { code: 'signature_mismatch' })
})

test('headers as any iterable of [name, value] pairs', () => {
  const hook = new hookwise.Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
  const signed = hook.sign(BODY, { id: 'msg_1', timestamp: 1700000000 })
  const pairs = Object.entries(signed)
  function* generated() { yield ['Host', 'example.com']; yield* pairs }
  for (const [form, headers] of Object.entries({
    'an array of pairs': pairs,
    'Object.entries(…)': Object.entries({ ...signed, 'content-type': 'application/json' }),
    'a generator': generated(),
    'a Map iterator': new Map(pairs).entries(),
    'a Set of pairs': new Set(pairs),
    'fetch Headers': new Headers(pairs),
    'upper-case names': pairs.map(([k, v]) => [k.toUpperCase(), v]),
  })) {
    assert.equal(hook.verify(BODY, headers, { now: 1700000000 }).id, 'msg_1', form)
  }
  assert.throws(() => hook.verify(BODY, [], { now: 1700000000 }), { code: 'missing_signature' })
  assert.throws(() => hook.verify(BODY, pairs.flat(), { now: 1700000000 }), TypeError, 'a flat [name, value, …] list is not pairs')
})

test('a parsed body throws a TypeError that says to use express.raw()', () => {
  const hook = new hookwise.Webhook('k', { scheme: 'github' })
  assert.throws(() => hook.verify(JSON.parse(BODY), {}), (err) => err instanceof TypeError && /express\.raw\(/.test(err.message))
})

test('errors are instances of their classes with stable codes and never show the secret', () => {
  const hook = new hookwise.Webhook('super-secret-value', { scheme: 'github' })
  assert.throws(() => hook.verify(BODY, { 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` }), (err) => {
    assert.ok(err instanceof hookwise.WebhookSignatureError && err instanceof hookwise.HookwiseError && err instanceof Error)
    assert.equal(err.code, 'signature_mismatch')
    assert.equal(err.name, 'WebhookSignatureError')
    assert.ok(!err.message.includes('super-secret-value'))
    return true
  })
  assert.throws(() => new hookwise.Webhook('k', { scheme: 'nosuch' }), { code: 'unknown_scheme' })
  assert.throws(() => new hookwise.Webhook([], { scheme: 'github' }), { code: 'invalid_secret' })
  for (const cls of [hookwise.AuthenticationError, hookwise.NotFoundError, hookwise.ConflictError, hookwise.RateLimitError, hookwise.ServerError]) {
    assert.ok(cls.prototype instanceof hookwise.ApiError)
  }
})

test('Stripe-style constructEvent, tolerance and rotation', () => {
  const secret = 'whsec_test'
  const header = new hookwise.Webhook(secret, { scheme: 'stripe' }).sign(BODY, { timestamp: 1700000000 })['Stripe-Signature']
  assert.equal(hookwise.Webhook.constructEvent(BODY, header, secret, { scheme: 'stripe', now: 1700000100 }).type, 'job.succeeded')
  assert.throws(() => hookwise.Webhook.constructEvent(BODY, header, secret, { scheme: 'stripe', tolerance: 10, now: 1700000100 }), { code: 'timestamp_outside_tolerance' })
  const old = new hookwise.Webhook('old', { scheme: 'shopify' }).sign(BODY)
  assert.equal(new hookwise.Webhook(['new', 'old'], { scheme: 'shopify' }).verify(BODY, old).payload.id, 'evt_1')
})

test('canonicalize returns a Buffer with the canonical bytes', () => {
  assert.equal(hookwise.canonicalize(Buffer.from('{"b":1,"a":[1.0,1e16,1e-5]}')).toString(), '{"a":[1.0,1e+16,1e-05],"b":1}')
  assert.throws(() => hookwise.canonicalize(Buffer.from('{nope')), { code: 'invalid_json' })
})

test('client calls return Promises and connection failures are typed', async () => {
  const client = new hookwise.Client({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 })
  const pending = client.jobs.get({ id: 'job_1' })
  assert.ok(pending instanceof Promise)
  await assert.rejects(pending, (err) => err instanceof hookwise.ConnectionError && err.code === 'connection_error')
})

test('the ESM entry exports the same classes (instanceof works across CJS and ESM)', async () => {
  const esm = await import('hookwise')
  assert.equal(esm.WebhookSignatureError, hookwise.WebhookSignatureError)
  assert.equal(esm.default.Webhook, hookwise.Webhook)
  const express = await import('hookwise/express')
  assert.equal(typeof express.webhook, 'function')
})
