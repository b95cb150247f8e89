'use strict'
// A Rust panic inside an export becomes a thrown JavaScript error (`HookwiseError`, code
// `internal_error`) and the process lives on; without napi's `catch_unwind` on the export, the
// panic unwinds into Node's C frames and aborts the process.
//
// The panic is asked for with HOOKWISE_NODE_TEST_PANIC=<export>, which only a debug build of the
// addon reads (src/lib.rs, `panic_if_asked`): the release addon that the other tests load has no
// way to panic on purpose. So this test builds the debug addon with cargo (a no-op when it is
// fresh) and runs each case in a child process that loads it in place of the release one.
const test = require('node:test')
const assert = require('node:assert/strict')
const { execFile, execFileSync } = require('node:child_process')
const path = require('node:path')
const { ROOT } = require('./support.js')

const PACKAGE = path.resolve(__dirname, '..')

/** Builds the debug addon; returns the path of the library cargo made. */
function debugAddon() {
  const cargo = process.env.CARGO || 'cargo'
  const out = execFileSync(cargo, ['build', '--quiet', '-p', 'hookwise-node', '--message-format=json'], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'],
  })
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue
    const message = JSON.parse(line)
    if (message.reason === 'compiler-artifact' && message.target.name === 'hookwise_node' && message.target.kind.includes('cdylib')) {
      return message.filenames[0]
    }
  }
  throw new Error('cargo built no hookwise-node library')
}

// The child: loads the debug addon as native.js, runs one case, prints what it threw, then shows
// that the addon still works.
const CHILD = `
const Module = require('node:module')
const file = require.resolve('./native.js')
const native = new Module(file, module)
native.filename = file
process.dlopen(native, process.env.ADDON)
native.loaded = true
require.cache[file] = native
const hookwise = require('./index.js')
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const cases = {
  Webhook: () => new hookwise.Webhook(SECRET),
  verify: () => new hookwise.Webhook(SECRET).verify('{}', {}),
  scheme: () => new hookwise.Webhook(SECRET).scheme,
  canonicalize: () => hookwise.canonicalize('{}'),
  'Profile.fromText': () => hookwise.Profile.fromText('{}'),
  'Profile.name': () => hookwise.Profile.hookwise().name,
  Api: () => new hookwise.Api(hookwise.Profile.hookwise(), { apiKey: 'k', baseUrl: 'http://127.0.0.1:9' }),
  paginate: () => new hookwise.Api(hookwise.Profile.hookwise(), { apiKey: 'k', baseUrl: 'http://127.0.0.1:9' }).paginate('listJobs').next(),
  call: () => new hookwise.Api(hookwise.Profile.hookwise(), { apiKey: 'k', baseUrl: 'http://127.0.0.1:9' }).call('listJobs'),
}
;(async () => {
  let thrown = null
  try {
    await cases[process.env.HOOKWISE_NODE_TEST_PANIC]()
  } catch (err) {
    thrown = { hookwiseError: err instanceof hookwise.HookwiseError, name: err.name, code: err.code, message: err.message, cause: err.cause instanceof Error && err.cause.code }
  }
  delete process.env.HOOKWISE_NODE_TEST_PANIC
  const hook = new hookwise.Webhook(SECRET, { scheme: 'github' })
  const after = hook.verify('{}', hook.sign('{}')).scheme
  console.log(JSON.stringify({ thrown, after }))
})()
`

test('a panic in any kind of export is thrown as HookwiseError with code internal_error, and the process lives on', async (t) => {
  const addon = debugAddon()
  const exports = ['Webhook', 'verify', 'scheme', 'canonicalize', 'Profile.fromText', 'Profile.name', 'Api', 'paginate', 'call']
  await Promise.all(exports.map((name) => t.test(name, () => new Promise((resolve, reject) => {
    const env = { ...process.env, ADDON: addon, HOOKWISE_NODE_TEST_PANIC: name, RUST_BACKTRACE: '0' }
    execFile(process.execPath, ['-e', CHILD], { cwd: PACKAGE, env }, (error, stdout, stderr) => {
      try {
        assert.equal(error, null, `the process died (${error?.signal || error?.code}):\n${stderr}`)
        assert.match(stderr, new RegExp(`panicked at [^]*HOOKWISE_NODE_TEST_PANIC=${name}`), 'the panic happened')
        const { thrown, after } = JSON.parse(stdout)
        const { message, ...rest } = thrown
        // The error wraps napi's: \`cause\` is the error the addon threw.
        assert.deepEqual(rest, { hookwiseError: true, name: 'HookwiseError', code: 'internal_error', cause: 'GenericFailure' })
        // napi passes a sync export's panic message on; an async one's is "Panic in async function".
        assert.match(message, /^internal error in hookwise \(a bug; please report it\): /)
        assert.equal(after, 'github', 'the addon works after the panic')
        resolve()
      } catch (err) {
        reject(err)
      }
    })
  }))))
})
