'use strict'
// Shared by the tests: the conformance suite's location, a real `hookwise serve` on loopback, and
// a scripted local server that keeps every request.
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')

const ROOT = path.resolve(__dirname, '..', '..')
const SUITE = path.join(ROOT, 'tests', 'conformance')
const API_KEY = 'hw_test_key'

function load(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

function xfail() {
  const file = path.join(SUITE, 'xfail', 'node.txt')
  if (!fs.existsSync(file)) return new Set()
  return new Set(fs.readFileSync(file, 'utf8').split('\n').map((l) => l.split('#')[0].trim()).filter(Boolean))
}

function hookwiseBinary() {
  const bin = process.env.HOOKWISE_BIN || path.join(ROOT, 'target', 'release', 'hookwise')
  if (!fs.existsSync(bin)) throw new Error(`${bin} does not exist: cargo build --release -p hookwise-cli`)
  return bin
}

/** Starts `hookwise serve --port 0` with its own data dir; resolves once it listens. */
function startServer(...flags) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookwise-node-'))
  const child = spawn(hookwiseBinary(), ['serve', '--port', '0', '--api-key', API_KEY, '--data-dir', dataDir,
    '--retry-schedule', '0.05,0.1,0.2', '--allow-private-targets', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      const at = line.indexOf('listening on ')
      if (at >= 0) {
        resolve({
          baseUrl: line.slice(at + 'listening on '.length).trim(),
          stop() {
            child.kill('SIGKILL')
            fs.rmSync(dataDir, { recursive: true, force: true })
          },
        })
      }
    })
    child.on('exit', (code) => reject(new Error(`hookwise serve exited with ${code}`)))
  })
}

/** A local server answering with `route(request)` ({status, body, text, headers}), keeping every request. */
async function serve(t, route) {
  const requests = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url, 'http://localhost')
      const request = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers,
        text: Buffer.concat(chunks).toString('utf8') }
      requests.push(request)
      const { status = 200, body, text, headers = {} } = route(request, requests.length)
      res.writeHead(status, { 'content-type': text === undefined ? 'application/json' : 'text/plain', ...headers })
      res.end(text ?? (body === undefined ? '' : JSON.stringify(body)))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  return { baseUrl: `http://127.0.0.1:${server.address().port}`, requests }
}

module.exports = { ROOT, SUITE, API_KEY, load, xfail, startServer, serve }
