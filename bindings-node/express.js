'use strict'
// Express middleware: verifies the raw body and puts the Event on `req.webhookEvent`; a request
// that fails verification gets 400 and `{ error: { code, message } }` and never reaches the route,
// a body over the Webhook's `maxPayloadBytes` gets 413 (code `payload_too_large`). The headers are
// read from `req.rawHeaders`, the pairs as received: `req.headers` joins a repeated header's values
// with ", ", while the core lets the first value win.

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

/** `app.post('/webhooks', webhook(secret, { scheme: 'stripe' }), (req, res) => { req.webhookEvent … })` */
function webhook(secret, options = {}) {
  const hook = new Webhook(secret, options)
  const limit = hook.maxPayloadBytes
  return async function hookwiseWebhook(req, res, next) {
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
      req.webhookEvent = hook.verify(body, headerPairs(req, hook._headerNames))
      next()
    } catch (err) {
      if (!(err instanceof WebhookSignatureError)) {
        next(err)
      } else if (err.code === 'payload_too_large') {
        // What is left of the body is not read: the connection cannot carry another request.
        res.status(413).set('Connection', 'close').json({ error: { code: err.code, message: err.message } })
      } else {
        res.status(400).json({ error: { code: err.code, message: err.message } })
      }
    }
  }
}

module.exports = { webhook }
