'use strict'
// SDKs made by `hookwise generate --lang node` for every profile, for the tests and the contract
// adapter: generated with the CLI into a folder whose node_modules/hookwise is this package, so a
// generated package's `require("hookwise")` loads the same module (and error classes) as `..`. A
// builtin profile (`x-hookwise.npm.builtin`: hookwise's own) makes no package but the client
// inside this one (client.js, checked fresh by generator/tests/node.rs): its folder is this package.
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ROOT } = require('./support.js')

const PROFILES = ['hookwise', 'argus', 'gabinete360', 'argyle', 'auggie', 'asg']

function hookwiseBinary() {
  const bin = process.env.HOOKWISE_BIN || path.join(ROOT, 'target', 'release', 'hookwise')
  if (!fs.existsSync(bin)) throw new Error(`${bin} does not exist: cargo build --release -p hookwise-cli`)
  return bin
}

/** Generates the Node SDK of `profiles/<name>.yaml` into `out/<name>`; returns that folder (for a builtin profile, a link to this package). */
function generate(out, name) {
  const target = path.join(out, name)
  execFileSync(hookwiseBinary(), ['generate', path.join(ROOT, 'profiles', `${name}.yaml`), '--lang', 'node', '--out', target], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (!fs.existsSync(path.join(target, 'package.json'))) {
    fs.rmSync(target, { recursive: true })
    fs.symlinkSync(path.resolve(__dirname, '..'), target, 'junction')
  }
  return target
}

/** The six generated SDKs, with `hookwise` linked to this package, in `out` (made anew), else in a new temporary folder. */
function generateAll(out = fs.mkdtempSync(path.join(os.tmpdir(), 'hookwise-node-sdks-'))) {
  fs.rmSync(out, { recursive: true, force: true })
  for (const name of PROFILES) generate(out, name)
  fs.mkdirSync(path.join(out, 'node_modules'))
  fs.symlinkSync(path.resolve(__dirname, '..'), path.join(out, 'node_modules', 'hookwise'), 'junction')
  return out
}

module.exports = { PROFILES, hookwiseBinary, generate, generateAll }
