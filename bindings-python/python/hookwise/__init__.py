"""hookwise: verify any provider's webhook signature, drive async jobs, manage webhook subscriptions.

The logic lives in Rust (``hookwise._native``); this package re-exports it and adds typed
wrappers for the client's answers.
"""

from hookwise._native import (
    ApiError,
    AuthenticationError,
    ConflictError,
    ConnectionError,
    Event,
    HookwiseError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TimeoutError,
    Webhook,
    WebhookSignatureError,
    __version__,
    canonicalize,
    presets,
)
from hookwise._client import (
    AsyncClient,
    Client,
    Deleted,
    Delivery,
    Job,
    JobList,
    JobResult,
    WebhookEndpoint,
)

__all__ = [
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "ConflictError",
    "ConnectionError",
    "Deleted",
    "Delivery",
    "Event",
    "HookwiseError",
    "Job",
    "JobList",
    "JobResult",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "TimeoutError",
    "Webhook",
    "WebhookEndpoint",
    "WebhookSignatureError",
    "__version__",
    "canonicalize",
    "presets",
]
