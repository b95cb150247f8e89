'use strict'
// An Express app that receives hookwise deliveries. The middleware reads the raw body itself
// (refusing a body over the scheme's limit with 413 while reading) and verifies it; the route sees
// only verified events (req.webhookEvent). A failure goes to the app's error handling: here
// hookwise's `errorHandler` answers it with 400 (413 for a body too large) and
// `{ error: { code, message } }`.
//
//   HOOKWISE_WEBHOOK_SECRET=whsec_… PORT=3000 node examples/express-receiver/app.js

const express = require('express')
const { webhook, errorHandler } = require('hookwise/express')

function createApp(secret = process.env.HOOKWISE_WEBHOOK_SECRET || 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') {
  const app = express()
  const received = []
  app.post('/webhooks', webhook(secret, { scheme: process.env.HOOKWISE_SCHEME || 'standard' }), (req, res) => {
    const event = req.webhookEvent
    received.push({ id: event.id, type: event.type, job: event.data.job })
    res.json({ received: event.id })
  })
  app.get('/received', (req, res) => res.json({ events: received }))
  app.use(errorHandler)
  return { app, received }
}

module.exports = { createApp }

if (require.main === module) {
  const { app } = createApp()
  const port = Number(process.env.PORT || 3000)
  app.listen(port, '127.0.0.1', () => console.log(`express receiver on http://127.0.0.1:${port}/webhooks`))
}
