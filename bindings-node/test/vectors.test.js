'use strict'
// Every conformance vector through the JavaScript API, exactly as the Rust core runs them.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const hookwise = require('..')
const { SUITE, load, xfail } = require('./support.js')

const XFAIL = xfail()
const dir = path.join(SUITE, 'vectors', 'signatures')
const signatureCases = fs.readdirSync(dir).sort().flatMap((f) => load(path.join(dir, f)))
const canonicalCases = load(path.join(SUITE, 'vectors', 'canonical.json'))

function outcome(c) {
  try {
    const hook = new hookwise.Webhook(c.secrets, { scheme: c.scheme, tolerance: c.tolerance ?? undefined, maxPayloadBytes: c.max_payload_bytes ?? undefined })
    const event = hook.verify(Buffer.from(c.body_b64, 'base64'), c.headers, { now: c.now })
    return { ok: true, event }
  } catch (err) {
    if (!(err instanceof hookwise.WebhookSignatureError)) throw err
    return { ok: false, error: err.code }
  }
}

// The vectors' events use the wire names; the JavaScript event uses createdAt and unsignedFields.
function wire(event) {
  const { createdAt, unsignedFields, ...rest } = event.toJSON()
  return { ...rest, created_at: createdAt, unsigned_fields: unsignedFields }
}

test('every signature vector', () => {
  const problems = []
  for (const c of signatureCases) {
    const got = outcome(c)
    let passed = got.ok === c.expect.ok
    if (passed && got.ok) {
      try {
        assert.deepStrictEqual(wire(got.event), c.expect.event)
      } catch {
        passed = false
      }
    } else if (passed) {
      passed = got.error === c.expect.error
    }
    if (XFAIL.has(c.id)) {
      if (passed) problems.push(`${c.id}: listed in xfail/node.txt but passes`)
    } else if (!passed) {
      problems.push(`${c.id} (${c.name}): got ${JSON.stringify(got).slice(0, 300)}`)
    }
  }
  assert.deepEqual(problems, [])
  assert.ok(signatureCases.length > 600)
})

test('every canonical-JSON vector', () => {
  const problems = []
  for (const c of canonicalCases) {
    const input = Buffer.from(c.input_b64, 'base64')
    try {
      const out = hookwise.canonicalize(input)
      if (!c.expect.ok) problems.push(`${c.id}: accepted, CPython refuses it`)
      else if (!out.equals(Buffer.from(c.expect.canonical_b64, 'base64'))) problems.push(`${c.id}: different bytes`)
    } catch (err) {
      if (!(err instanceof hookwise.WebhookSignatureError) || err.code !== 'invalid_json') throw err
      if (c.expect.ok) problems.push(`${c.id}: refused, CPython accepts it`)
    }
  }
  assert.deepEqual(problems, [])
  assert.ok(canonicalCases.length >= 300)
})
