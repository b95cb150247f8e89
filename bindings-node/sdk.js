'use strict'
// The runtime of the SDKs `hookwise generate --lang node` makes (`require('hookwise/sdk')`;
// hookwise's own client.js is one of them): what their methods share, so the generated code is
// thin typed calls. Every request is the engine's (`Api`): routing, retries, pages, waits, errors.

const { Api, Profile, Webhook } = require('./core.js')

/** The arguments to send: every field of `params` but those left undefined (`null` is sent). */
function args(params) {
  return Object.fromEntries(Object.entries(params ?? {}).filter(([, value]) => value !== undefined))
}

/**
 * Calls operation `op` of `api` with `params`; resolves to the decoded answer. `options`: the
 * request options (`{ signal }`, an `AbortSignal` that stops the call).
 */
function call(api, op, params, options) {
  return api.call(op, args(params), options)
}

/** Calls operation `op`, which answers nothing; resolves to undefined. */
async function send(api, op, params, options) {
  await api.call(op, args(params), options)
}

/**
 * A list operation's answer: awaiting it fetches the first page; `for await` walks every item
 * of every page instead, each page fetched when the items before it run out.
 */
class PagePromise {
  #api
  #op
  #args
  #options
  #first

  constructor(api, op, args, options) {
    this.#api = api
    this.#op = op
    this.#args = args
    this.#options = options
  }

  then(onFulfilled, onRejected) {
    this.#first ??= this.#api.call(this.#op, this.#args, this.#options)
    return this.#first.then(onFulfilled, onRejected)
  }

  catch(onRejected) {
    return this.then(undefined, onRejected)
  }

  finally(onFinally) {
    return this.then().finally(onFinally)
  }

  [Symbol.asyncIterator]() {
    return this.#api.paginate(this.#op, this.#args, this.#options)
  }

  get [Symbol.toStringTag]() {
    return 'PagePromise'
  }
}

/** List operation `op` with `params`: a `PagePromise` (nothing is sent before it is awaited or walked). */
function page(api, op, params, options) {
  return new PagePromise(api, op, args(params), options)
}

/** Polls operation `op` until a terminal status; resolves to the final object. */
function wait(api, op, params, { timeout, onProgress, signal } = {}) {
  return api.wait(op, args(params), { timeout, onProgress, signal })
}

/** A `Webhook` bound to the scheme of the subclass's `static SCHEME`: no scheme is passed. */
class BoundWebhook extends Webhook {
  constructor(secret, options = {}) {
    super(secret, { ...options, scheme: new.target.SCHEME })
  }

  /** Stripe-style: verify with the signature header's value alone. */
  static constructEvent(payload, signatureHeader, secret, options = {}) {
    return Webhook.constructEvent(payload, signatureHeader, secret, { ...options, scheme: this.SCHEME })
  }
}

module.exports = { Api, Profile, call, send, page, wait, PagePromise, BoundWebhook }
