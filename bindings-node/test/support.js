'use strict'
// Shared by the tests: the conformance suite's location and a real `hookwise serve` on loopback.
const { spawn } = require('node:child_process')
const fs = require('node:fs')
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
    '--retry-schedule', '0.05,0.1,0.2', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] })
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

module.exports = { ROOT, SUITE, API_KEY, load, xfail, startServer }
