'use strict'
// The npm packaging napi-rs's way: one package per platform (npm/<platform>/, made by
// `napi create-npm-dirs`) matching `napi.targets`, pulled in by the root package's
// optionalDependencies, which `napi pre-publish` (the release workflow) writes; the loader
// native.js (`napi build --platform --js native.js`) finds the local build or the platform package.
const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const PACKAGE = path.resolve(__dirname, '..')
const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8'))
const PLATFORMS = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'darwin-arm64', 'darwin-x64', 'win32-x64-msvc']

test('napi.targets and npm/<platform>/ name the six platforms; each package carries its binary and the licences', () => {
  assert.deepEqual(pkg.napi.targets, [
    'x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-musl', 'aarch64-apple-darwin',
    'x86_64-apple-darwin', 'x86_64-pc-windows-msvc',
  ])
  assert.deepEqual(fs.readdirSync(path.join(PACKAGE, 'npm')).sort(), [...PLATFORMS].sort())
  for (const platform of PLATFORMS) {
    const sub = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'npm', platform, 'package.json'), 'utf8'))
    assert.equal(sub.name, `hookwise-${platform}`)
    assert.equal(sub.version, pkg.version, `${platform}: one version`)
    assert.equal(sub.license, pkg.license)
    assert.deepEqual(sub.files, [`hookwise.${platform}.node`, 'LICENSE-MIT', 'LICENSE-APACHE'])
    const [osName, cpu, abi] = platform.split('-')
    assert.deepEqual([sub.os, sub.cpu], [[osName], [cpu]])
    if (osName === 'linux') assert.deepEqual(sub.libc, [abi === 'musl' ? 'musl' : 'glibc'])
  }
  // Not in the committed package.json: they are not published before the first release, and
  // `npm ci` must install from the lockfile; `napi pre-publish` adds them (next test).
  assert.equal(pkg.optionalDependencies, undefined)
  assert.deepEqual(pkg.engines, { node: '>=20' })
  assert.deepEqual(pkg.peerDependenciesMeta, { express: { optional: true } })
  for (const file of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE']) assert.ok(pkg.files.includes(file), file)
})

test('napi pre-publish (as the release workflow runs it) declares every platform package as an optional dependency', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookwise-prepublish-'))
  try {
    fs.copyFileSync(path.join(PACKAGE, 'package.json'), path.join(dir, 'package.json'))
    fs.cpSync(path.join(PACKAGE, 'npm'), path.join(dir, 'npm'), { recursive: true })
    for (const platform of PLATFORMS) {
      // What `napi artifacts` and the workflow's licence step put there (a stand-in binary).
      for (const file of [`hookwise.${platform}.node`, 'LICENSE-MIT', 'LICENSE-APACHE']) fs.writeFileSync(path.join(dir, 'npm', platform, file), 'x')
    }
    execFileSync(path.join(PACKAGE, 'node_modules', '.bin', 'napi'), ['pre-publish', '-t', 'npm', '--skip-optional-publish', '--no-gh-release'], {
      cwd: dir, stdio: ['ignore', 'ignore', 'pipe'],
    })
    const published = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
    assert.deepEqual(published.optionalDependencies, Object.fromEntries(PLATFORMS.map((p) => [`hookwise-${p}`, pkg.version])))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the loader napi generated loads the local build first, then the platform package', () => {
  const loader = fs.readFileSync(path.join(PACKAGE, 'native.js'), 'utf8')
  for (const platform of PLATFORMS) {
    assert.ok(loader.includes(`require('./hookwise.${platform}.node')`), `${platform}: the local build`)
    assert.ok(loader.includes(`require('hookwise-${platform}')`), `${platform}: the platform package`)
  }
  const local = fs.readdirSync(PACKAGE).filter((f) => f.endsWith('.node'))
  assert.equal(local.length, 1, `one local build: ${local}`)
  assert.ok(require('../native.js').webhookVerify, 'this machine\'s build loads')
})
