'use strict'
// Express middleware: verifies the raw body and puts the Event on `req.webhookEvent`. A request
// that fails never reaches the route: the middleware passes a `WebhookSignatureError` (`code`,
// and `status`/`statusCode` 400, or 413 for a body over the Webhook's `maxPayloadBytes`, code
// `payload_too_large`) to `next(err)`, where the app's error handler answers it (Express's own
// answers with the status), or to the `onError(err, req, res, next)` option. `errorHandler`
// answers `{ error: { code, message } }` with that status. The headers are read from
// `req.rawHeaders`, the pairs as received: `req.headers` joins a repeated header's values with
// ", ", while the core lets the first value win.

const { Webhook, WebhookSignatureError } = require('./index.js')

function tooLarge(limit) {
  return new WebhookSignatureError(`the body is over the limit of ${limit} bytes`, { code: 'payload_too_large' })
}

/**
 * Reads the body, refusing it as soon as it is known to be over `limit` bytes: a declared
 * Content-Length over the limit before a byte is read, a longer stream (chunked) at the chunk that
 * passes it. The rest is never read: the request is paused, and the 413 closes the connection.
 */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > limit) {
      reject(tooLarge(limit))
      return
    }
    const chunks = []
    let size = 0
    const stop = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    function onData(chunk) {
      size += chunk.length
      if (size > limit) {
        stop()
        req.pause()
        reject(tooLarge(limit))
      } else {
        chunks.push(chunk)
      }
    }
    function onEnd() {
      stop()
      resolve(Buffer.concat(chunks, size))
    }
    function onError(err) {
      stop()
      reject(err)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
}

/** The request's headers as [name, value] pairs, in the order received. */
function headerPairs(req, wanted) {
  const raw = req.rawHeaders
  if (!Array.isArray(raw)) return req.headers
  const pairs = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (wanted.includes(raw[i].toLowerCase())) pairs.push([raw[i], raw[i + 1]])
  }
  return pairs
}

/** The HTTP status of a verification failure: 413 for a body over the limit, else 400. */
function statusOf(err) {
  return err.code === 'payload_too_large' ? 413 : 400
}

/**
 * `app.post('/webhooks', webhook(secret, { scheme: 'stripe' }), (req, res) => { req.webhookEvent … })`.
 * `options`: the Webhook's (`scheme`, `tolerance`, `maxPayloadBytes`) and `onError(err, req, res,
 * next)`, which then gets every failure instead of `next(err)`.
 */
function webhook(secret, options = {}) {
  const { onError, ...webhookOptions } = options
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError('hookwise: onError must be a function (err, req, res, next)')
  }
  const hook = new Webhook(secret, webhookOptions)
  const limit = hook.maxPayloadBytes
  const fail = onError ?? ((err, req, res, next) => next(err))
  return async function hookwiseWebhook(req, res, next) {
    let event
    try {
      let body = req.body
      if (!Buffer.isBuffer(body) && typeof body !== 'string') {
        if (req.readable && !req.readableEnded) {
          body = await readBody(req, limit)
        } else {
          throw new TypeError(
            'hookwise: the request body was already parsed; mount express.raw({ type: "application/json" }) ' +
              '(or nothing) before this middleware instead of express.json()',
          )
        }
      }
      event = hook.verify(body, headerPairs(req, hook._headerNames))
    } catch (err) {
      if (err instanceof WebhookSignatureError) {
        err.status = err.statusCode = statusOf(err)
        err.expose = true
        if (err.status === 413) {
          // What is left of the body is not read: the connection cannot carry another request.
          err.headers = { Connection: 'close' }
          res.set(err.headers)
        }
      }
      fail(err, req, res, next)
      return
    }
    req.webhookEvent = event
    next()
  }
}

/**
 * An Express error handler answering a `WebhookSignatureError` with its status and
 * `{ error: { code, message } }`; any other error goes on to `next(err)`.
 * `app.use(errorHandler)`, or `webhook(secret, { onError: errorHandler })`.
 */
function errorHandler(err, req, res, next) {
  if (!(err instanceof WebhookSignatureError) || res.headersSent) {
    next(err)
    return
  }
  res.status(err.status ?? statusOf(err)).json({ error: { code: err.code, message: err.message } })
}

module.exports = { webhook, errorHandler }
