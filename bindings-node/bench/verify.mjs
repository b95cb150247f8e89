// Verifications per second: hookwise against hand-written crypto.createHmac + timingSafeEqual +
// JSON.parse, standardwebhooks, stripe and a sorted-keys canonical JSON in JS, measured in one run
// (rounds that take turns, best of each) and printed as ratios. Every one of those peers verifies
// and yields the parsed event from the Buffer an Express app has (express.raw), so the headline
// rows are hookwise's verify with `.data` read; under each, the lazy figure (the verdict with the
// envelope, `.type`; the payload is parsed on first use), never a target met by itself. Last, the
// verdict alone against @octokit/webhooks-methods' verify, both awaited, and against the HMAC
// alone (createHmac + timingSafeEqual, no parse). The ratios go to
// docs/bench/node-verify.json and their chart to docs/bench/node-verify.svg.
//
//   cd bindings-node && npm install && npm run build && node bench/verify.mjs [--quick]
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Webhook } from 'hookwise'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { verify as octokitVerify } from '@octokit/webhooks-methods'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const NOW = Math.floor(Date.now() / 1000)
const budget = process.argv.includes('--quick') ? 200 : 1000

function body(size) {
  const items = []
  let text = ''
  while (text.length < size) {
    items.push({ sku: `item-${items.length}`, qty: items.length, price: items.length * 3 + 0.5, note: 'café' })
    text = JSON.stringify({ id: 'evt_1', type: 'order.created', created_at: '2026-11-22T00:00:00Z', data: { items } })
  }
  return Buffer.from(text)
}

async function rate(fn, ms) {
  await fn()
  let n = 0
  const start = performance.now()
  let batch = 1
  while (performance.now() - start < ms) {
    for (let i = 0; i < batch; i++) await fn()
    n += batch
    batch = Math.min(batch * 2, 1000)
  }
  return (n * 1000) / (performance.now() - start)
}

/** Each contender's best rate over rounds that take turns (a slow spell of the machine then hits
 * every contender alike instead of the one that was running). */
async function rates(fns, rounds = 5) {
  const best = Object.fromEntries(Object.keys(fns).map((name) => [name, 0]))
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(fns)) best[name] = Math.max(best[name], await rate(fn, budget / rounds))
  }
  return best
}

/** A sorted-keys canonical JSON in JavaScript (what a JS receiver of a canonical-JSON provider
 * writes), with Python's ensure_ascii escaping. It still differs from Python on floats such as 1.0
 * and 1e16; the bench body avoids those. */
const ascii = (s) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
function sortedJson(value) {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${ascii(k)}:${sortedJson(value[k])}`).join(',')}}`
  }
  return typeof value === 'string' ? ascii(value) : JSON.stringify(value)
}

const stripe = new Stripe('sk_test_unused')
// Verify-and-read rows first (every peer parses the body), then the lazy figures under them.
const pairs = [
  ['hookwise github', 'createHmac+timingSafeEqual', 'target ≥ 1.0×'],
  ['hookwise standard', 'standardwebhooks', 'target ≥ 2×'],
  ['hookwise stripe', 'stripe.webhooks.constructEvent', 'target ≥ 2×'],
  ['hookwise auggie (canonical)', 'sorted-keys canonical JSON in JS', ''],
].flatMap(([ours, peer, target]) => [[`${ours} +data`, peer, target], [`${ours} (lazy)`, peer, '(lazy: .data not read)']])
  .concat([
    ['hookwise github verdict', '@octokit/webhooks-methods', 'target ≥ 2× at 1 KiB (awaited, both)'],
    ['hookwise github verdict (sync)', 'createHmac+timingSafeEqual alone', 'target ≥ 0.77× at 256 KiB (≤ 1.3× the time)'],
  ])

console.log(`hookwise on Node ${process.version}; verifications/s (higher is better)\n`)
const rows = []
for (const size of [256, 1024, 16 * 1024, 256 * 1024]) {
  const payload = body(size)
  const github = new Webhook(SECRET, { scheme: 'github' })
  const gh = github.sign(payload)
  const sig = Buffer.from(gh['X-Hub-Signature-256'])
  const standard = new Webhook(SECRET, { scheme: 'standard' })
  const std = standard.sign(payload, { id: 'msg_1', timestamp: NOW })
  const peerStandard = new StandardWebhook(SECRET)
  const stripeHook = new Webhook(SECRET, { scheme: 'stripe' })
  const stripeHeader = stripeHook.sign(payload, { timestamp: NOW })['Stripe-Signature']
  const auggie = new Webhook(SECRET, { scheme: 'auggie' })
  const aug = auggie.sign(payload)
  const augSig = Buffer.from(aug['X-Auggie-Signature'])
  const ours = {
    'hookwise github': () => github.verify(payload, gh),
    'hookwise standard': () => standard.verify(payload, std),
    'hookwise stripe': () => stripeHook.verify(payload, { 'Stripe-Signature': stripeHeader }),
    'hookwise auggie (canonical)': () => auggie.verify(payload, aug),
  }
  const fns = {
    ...Object.fromEntries(Object.entries(ours).flatMap(([name, fn]) => [
      [`${name} +data`, () => fn().data],
      [`${name} (lazy)`, () => fn().type],
    ])),
    'hookwise github verdict': async () => ours['hookwise github']().type,
    'hookwise github verdict (sync)': () => ours['hookwise github']().type,
    'createHmac+timingSafeEqual': () => {
      const expected = Buffer.from(`sha256=${crypto.createHmac('sha256', SECRET).update(payload).digest('hex')}`)
      if (expected.length !== sig.length || !crypto.timingSafeEqual(expected, sig)) throw new Error('bad')
      return JSON.parse(payload)
    },
    // The language's own HMAC alone, the verdict's yardstick: no parse.
    'createHmac+timingSafeEqual alone': () => {
      const expected = Buffer.from(`sha256=${crypto.createHmac('sha256', SECRET).update(payload).digest('hex')}`)
      return expected.length === sig.length && crypto.timingSafeEqual(expected, sig)
    },
    // The verdict alone, as the issue's ratio is stated: octokit's verify of the text, awaited.
    '@octokit/webhooks-methods': async () => {
      if (!(await octokitVerify(SECRET, payload.toString(), gh['X-Hub-Signature-256']))) throw new Error('bad')
    },
    standardwebhooks: () => peerStandard.verify(payload, std),
    'stripe.webhooks.constructEvent': () => stripe.webhooks.constructEvent(payload, stripeHeader, SECRET),
    'sorted-keys canonical JSON in JS': () => {
      const event = JSON.parse(payload)
      const expected = Buffer.from(crypto.createHmac('sha256', SECRET).update(sortedJson(event)).digest('hex'))
      if (expected.length !== augSig.length || !crypto.timingSafeEqual(expected, augSig)) throw new Error('bad')
      return event
    },
  }
  const measured = await rates(fns)
  for (const [ours, peer, target] of pairs) {
    const r = measured[ours] / measured[peer]
    rows.push({ size, ours, peer, ratio: r, lazy: ours.endsWith('(lazy)') })
    console.log(`${String(payload.length).padStart(8)}  ${ours.padEnd(34)} ${measured[ours].toFixed(0).padStart(9)}  ${peer.padEnd(34)} ${measured[peer].toFixed(0).padStart(9)}  ${r.toFixed(2)}×  ${target}`)
  }
  console.log()
}

// The ratios, and their chart drawn by scripts/bench_chart.py (matplotlib, in a venv of its own
// under target/ made on first use).
const repo = fileURLToPath(new URL('../../', import.meta.url))
const results = path.join(repo, 'docs/bench/node-verify.json')
fs.mkdirSync(path.dirname(results), { recursive: true })
fs.writeFileSync(results, JSON.stringify({ title: `Node ${process.version}: verify (and read .data) vs each peer, one run`, rows }, null, 1) + '\n')
const venv = path.join(repo, 'target/bench-venv')
if (!fs.existsSync(path.join(venv, 'bin/python'))) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' })
execFileSync(path.join(venv, 'bin/python'), [path.join(repo, 'scripts/bench_chart.py'), results, results.replace(/\.json$/, '.svg')], { stdio: 'inherit' })
console.log(`chart: ${results.replace(/\.json$/, '.svg')}`)
