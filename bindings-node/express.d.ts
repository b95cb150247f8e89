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

/** Verifies the raw body and sets `req.webhookEvent`; failures get 400 `{ error: { code, message } }`. */
export declare function webhook(secret: string | string[], options?: WebhookOptions): RequestHandler
