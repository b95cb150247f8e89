'use strict'
// Every contract case (tests/conformance/contracts/) through `Api`: the one driver plays them
// against a replay server and talks to test/contract-adapter.js (README there, "Adapters").
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { ROOT } = require('./support.js')

function driverBinary() {
  const bin = process.env.HOOKWISE_CONFORMANCE_BIN || path.join(ROOT, 'target', 'debug', 'hookwise-conformance')
  if (!fs.existsSync(bin)) throw new Error(`${bin} does not exist: cargo build -p hookwise-conformance`)
  return bin
}

test('contract cases through the Node adapter', { timeout: 300000 }, async () => {
  const adapter = path.join(__dirname, 'contract-adapter.js')
  const child = spawn(driverBinary(), ['--lang', 'node', '--', process.execPath, adapter], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  child.stderr.on('data', (chunk) => { output += chunk })
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  assert.equal(code, 0, `hookwise-conformance --lang node exited with ${code}:\n${output}`)
})
