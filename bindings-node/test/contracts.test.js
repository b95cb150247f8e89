'use strict'
// Every contract case (tests/conformance/contracts/) through the SDKs `hookwise generate --lang
// node` makes from the six profiles (generated here once, with $HOOKWISE_BIN): the one driver
// plays them against a replay server and talks to test/contract-adapter.js (README there,
// "Adapters"), which calls each SDK's typed methods.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { ROOT } = require('./support.js')
const { generateAll } = require('./generated-sdks.js')

function driverBinary() {
  const bin = process.env.HOOKWISE_CONFORMANCE_BIN || path.join(ROOT, 'target', 'debug', 'hookwise-conformance')
  if (!fs.existsSync(bin)) throw new Error(`${bin} does not exist: cargo build -p hookwise-conformance`)
  return bin
}

test('contract cases through the generated SDKs (and scenarios through Client)', { timeout: 300000 }, async (t) => {
  const sdks = generateAll()
  t.after(() => fs.rmSync(sdks, { recursive: true, force: true }))
  const adapter = path.join(__dirname, 'contract-adapter.js')
  const child = spawn(driverBinary(), ['--lang', 'node', '--', process.execPath, adapter], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOOKWISE_NODE_SDKS: sdks },
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
