import type { RequestHandler } from 'express'
import type { Event, WebhookOptions } from './index'

declare global {
  namespace Express {
    interface Request {
      /** Set by hookwise's `webhook()` middleware once the request is verified. */
      webhookEvent?: Event
    }
  }
}

/**
 * Verifies the raw body and sets `req.webhookEvent`; failures get 400 `{ error: { code, message } }`.
 * The body is read up to the Webhook's `maxPayloadBytes` (the option, else the core's default): a
 * body over it gets 413 with code `payload_too_large` as soon as that is known (a declared
 * Content-Length, or the chunk that passes it), and the rest is not read.
 */
export declare function webhook(secret: string | string[], options?: WebhookOptions): RequestHandler
