'use strict'
// Express middleware: verifies the raw body and puts the Event on `req.webhookEvent`; a request
// that fails verification gets 400 and `{ error: { code, message } }` and never reaches the route.
// The headers are read from `req.rawHeaders`, the pairs as received: `req.headers` joins a
// repeated header's values with ", ", while the core lets the first value win.

const { Webhook, WebhookSignatureError } = require('./index.js')

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
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
  return async function hookwiseWebhook(req, res, next) {
    try {
      let body = req.body
      if (!Buffer.isBuffer(body) && typeof body !== 'string') {
        if (req.readable && !req.readableEnded) {
          body = await readBody(req)
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
      if (err instanceof WebhookSignatureError) {
        res.status(400).json({ error: { code: err.code, message: err.message } })
      } else {
        next(err)
      }
    }
  }
}

module.exports = { webhook }
