// ESM entry: the same classes as the CommonJS entry, so `instanceof` works across both.
import { createRequire } from 'node:module'

const hookwise = createRequire(import.meta.url)('./index.js')

export const {
  Webhook, Event, Client, canonicalize, presets,
  HookwiseError, WebhookSignatureError, ApiError, AuthenticationError, NotFoundError, ConflictError,
  RateLimitError, ServerError, ConnectionError, TimeoutError,
} = hookwise
export default hookwise
