import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express'
import type { Event, WebhookOptions, WebhookSignatureError } from './index'

declare global {
  namespace Express {
    interface Request {
      /** Set by hookwise's `webhook()` middleware once the request is verified. */
      webhookEvent?: Event
    }
  }
}

/** A verification failure as the middleware passes it on: its HTTP status is set. */
export type WebhookRequestError = WebhookSignatureError & {
  /** 413 for `payload_too_large`, else 400. */
  status: 400 | 413
  /** The same as `status` (Express's final handler reads either). */
  statusCode: 400 | 413
  /** The message is safe to show the sender (it never holds a secret). */
  expose: true
  /** `{ Connection: 'close' }` for a 413: the rest of the body is not read. */
  headers?: Record<string, string>
}

export interface WebhookMiddlewareOptions extends WebhookOptions {
  /**
   * Gets every failure (a `WebhookRequestError`, or what reading the body threw) instead of
   * `next(err)`; it answers, or calls `next`.
   */
  onError?: (err: unknown, req: Request, res: Response, next: NextFunction) => void
}

/**
 * Verifies the raw body and sets `req.webhookEvent`. A failure never reaches the route: it goes to
 * `next(err)` (the app's error handler; Express's own answers with `err.status`) or to `onError`.
 * The body is read up to the Webhook's `maxPayloadBytes` (the option, else the core's default): a
 * body over it fails with status 413 and code `payload_too_large` as soon as that is known (a
 * declared Content-Length, or the chunk that passes it), and the rest is not read by the middleware.
 */
export declare function webhook(secret: string | string[], options?: WebhookMiddlewareOptions): RequestHandler

/**
 * Answers a `WebhookSignatureError` with its status and `{ error: { code, message } }`; passes any
 * other error on. `app.use(errorHandler)` or `webhook(secret, { onError: errorHandler })`.
 */
export declare const errorHandler: ErrorRequestHandler
