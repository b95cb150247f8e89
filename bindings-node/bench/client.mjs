// Sequential API round trips per second on loopback: hookwise's engine (`Api.call`) and `Client`
// against Node's own `fetch` and `node:http` with a keep-alive agent, in one run against one
// `hookwise serve`. Every contender makes the same authenticated GET of a job and parses the JSON.
//
//   cd bindings-node && npm install && npm run build
//   HOOKWISE_BIN=../target/release/hookwise node bench/client.mjs [--quick]
import http from 'node:http'
import path from 'node:path'
import os from 'node:os'
import fs from 'node:fs'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Api, Client } from 'hookwise'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const KEY = 'hw_test_key'
const budget = process.argv.includes('--quick') ? 500 : 3000

async function rate(fn) {
  for (let i = 0; i < 20; i++) await fn()
  let n = 0
  const start = performance.now()
  while (performance.now() - start < budget) {
    for (let i = 0; i < 50; i++) await fn()
    n += 50
  }
  return (n * 1000) / (performance.now() - start)
}

function startServer() {
  const bin = process.env.HOOKWISE_BIN || path.join(ROOT, 'target', 'release', 'hookwise')
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookwise-bench-'))
  const child = spawn(bin, ['serve', '--port', '0', '--api-key', KEY, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let seen = ''
    child.stdout.on('data', (chunk) => {
      seen += chunk
      const match = /listening on (\S+)/.exec(seen)
      if (match) resolve({ child, base: match[1] })
    })
    child.on('exit', () => reject(new Error('hookwise serve exited')))
  })
}

const { child, base } = await startServer()
try {
  const client = new Client({ apiKey: KEY, baseUrl: base })
  const job = await client.jobs.create({ kind: 'bench', payload: { duration_ms: 0 } })
  const url = `${base}/v1/jobs/${job.id}`
  const headers = { authorization: `Bearer ${KEY}` }
  const api = new Api(path.join(ROOT, 'profiles', 'hookwise.yaml'), { apiKey: KEY, baseUrl: base })
  const agent = new http.Agent({ keepAlive: true })
  const viaHttp = () => new Promise((resolve, reject) => {
    http.get(url, { headers, agent }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks))))
    }).on('error', reject)
  })
  const contenders = {
    'hookwise Api.call(get_job)': async () => (await api.call('get_job', { id: job.id })).status,
    'hookwise Client.jobs.get': async () => (await client.jobs.get({ id: job.id })).status,
    'fetch + res.json()': async () => (await (await fetch(url, { headers })).json()).status,
    'node:http keep-alive + JSON.parse': async () => (await viaHttp()).status,
  }
  const rates = {}
  for (const [name, fn] of Object.entries(contenders)) rates[name] = await rate(fn)
  const ours = rates['hookwise Api.call(get_job)']
  console.log(`sequential GET /v1/jobs/{id} round trips on loopback (${budget} ms each), Node ${process.version}`)
  for (const [name, r] of Object.entries(rates)) {
    console.log(`${name.padEnd(36)} ${r.toFixed(0).padStart(7)}/s ${(1e6 / r).toFixed(1).padStart(8)} µs   hookwise Api ÷ it: ${(ours / r).toFixed(2)}×`)
  }
  agent.destroy()
} finally {
  child.kill()
}
