// ESM entry: the same classes as the CommonJS entry, so `instanceof` works across both.
import { createRequire } from 'node:module'

const hookwise = createRequire(import.meta.url)('./index.js')

export const {
  Webhook, Event, Client, OPERATIONS, WAITS, Profile, Api, canonicalize, presets,
  HookwiseError, WebhookSignatureError, ApiError, AuthenticationError, PermissionDeniedError, NotFoundError,
  ConflictError, UnprocessableEntityError, RateLimitError, ServerError, ConnectionError, TimeoutError,
  InvalidArgumentError, InvalidResponseError, ProfileError, AbortError,
} = hookwise
export default hookwise
