"""Flask integration: verify ``request.get_data()`` and hand the view a verified ``Event``.

As an extension, configured from ``app.config`` (``HOOKWISE_SECRET``, a secret or a list of them
while rotating; ``HOOKWISE_SCHEME``, default ``"standard"``; ``HOOKWISE_TOLERANCE`` in seconds;
``HOOKWISE_MAX_PAYLOAD_BYTES``):

```python
from hookwise.flask import Hookwise

hw = Hookwise()          # or Hookwise(app)

def create_app() -> Flask:
    app = Flask(__name__)
    app.config["HOOKWISE_SECRET"] = os.environ["WEBHOOK_SECRET"]
    app.config["HOOKWISE_SCHEME"] = "stripe"
    hw.init_app(app)
    return app

@bp.post("/webhooks/stripe")
@hw.webhook
def stripe_hook(event: hookwise.Event) -> str:   # or `async def` (Flask[async])
    ...
```

or with the secret in the decorator: ``@webhook("whsec_…", scheme="stripe")``.

A request that fails verification never reaches the view: ``InvalidWebhook`` (a ``BadRequest``)
is raised, or ``WebhookTooLarge`` (a ``RequestEntityTooLarge``) for a body over the
``Webhook``'s ``max_payload_bytes`` (the setting, else the core's default), known before the body
is read whole. Both are ``WebhookRejected``, carrying the hookwise ``error_code`` and the
``WebhookSignatureError``; unless the app's ``@app.errorhandler(...)`` (for ``WebhookRejected``,
``400``, ``413``, …) answers otherwise, the answer is ``400`` / ``413`` with
``{"error": {"code": …, "message": …}}``.
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Concatenate, Optional, ParamSpec, Sequence, TypeVar, Union, cast

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from hookwise._native import Event, Webhook, WebhookSignatureError

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

P = ParamSpec("P")
R = TypeVar("R")
View = Callable[Concatenate[Event, P], R]
"""A webhook view: the verified ``Event`` first, then the route's arguments."""

Secret = Union[str, Sequence[str]]


class WebhookRejected(HTTPException):
    """A request that failed verification, raised through Flask's error handling.

    ``error_code`` is the hookwise code (``signature_mismatch``, ``payload_too_large``, …),
    ``error`` the ``WebhookSignatureError``; ``code`` is the HTTP status (werkzeug's meaning)."""

    def __init__(self, error: WebhookSignatureError) -> None:
        super().__init__(description=error.message)
        self.error = error
        self.error_code: str = error.code

    def get_body(self, environ: Optional[WSGIEnvironment] = None, scope: Optional[dict[str, Any]] = None) -> str:
        return json.dumps({"error": {"code": self.error_code, "message": self.description}})

    def get_headers(
        self, environ: Optional[WSGIEnvironment] = None, scope: Optional[dict[str, Any]] = None
    ) -> list[tuple[str, str]]:
        return [("Content-Type", "application/json")]


class InvalidWebhook(WebhookRejected, BadRequest):
    """``400``: a missing or wrong signature, a stale timestamp, a body that is not the event."""

    code = 400


class WebhookTooLarge(WebhookRejected, RequestEntityTooLarge):
    """``413``: the body is over the limit (``error_code`` ``payload_too_large``)."""

    code = 413


def rejected(error: WebhookSignatureError) -> WebhookRejected:
    """The HTTP exception for ``error``: ``WebhookTooLarge`` or ``InvalidWebhook``."""
    return WebhookTooLarge(error) if error.code == "payload_too_large" else InvalidWebhook(error)


def _too_large(limit: int) -> WebhookSignatureError:
    message = f"the body is over the limit of {limit} bytes"
    error = WebhookSignatureError(message)
    error.code = "payload_too_large"
    error.message = message
    return error


def verify_request(hook: Webhook) -> Event:
    """Verify the current Flask request with ``hook``; raises ``WebhookSignatureError``.

    The body is read with this request's limit (Flask's per-request ``max_content_length``)
    lowered to ``hook.max_payload_bytes`` (or the app's, if lower): a declared ``Content-Length``
    over it is refused before a byte is read, a chunked body once one byte past it is read, with
    code ``payload_too_large``.
    """
    app_limit = request.max_content_length
    limit = hook.max_payload_bytes if app_limit is None else min(app_limit, hook.max_payload_bytes)
    declared = request.content_length
    if declared is not None and declared > limit:
        raise _too_large(limit)
    # One byte more: werkzeug (3.1) ends a chunked body at its limit without saying there was
    # more, though it documents a RequestEntityTooLarge there; either way, no more is read.
    request.max_content_length = limit + 1
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large(limit) from None
    if len(body) > limit:
        raise _too_large(limit)
    return hook.verify(body, list(request.headers.items()))


def _verified(hook: Webhook) -> Event:
    try:
        return verify_request(hook)
    except WebhookSignatureError as e:
        raise rejected(e) from e


def _decorate(hook: Callable[[], Webhook], view: View[P, R]) -> Callable[P, R]:
    """``view`` behind verification with the ``Webhook`` ``hook()`` gives; an ``async def`` view
    stays a coroutine function (Flask runs it with ``asgiref``)."""
    if inspect.iscoroutinefunction(view):
        async_view = cast("View[P, Awaitable[Any]]", view)

        @functools.wraps(view)
        async def verify_then_await(*args: P.args, **kwargs: P.kwargs) -> Any:
            return await async_view(_verified(hook()), *args, **kwargs)

        return cast("Callable[P, R]", verify_then_await)

    @functools.wraps(view)
    def verify_then_call(*args: P.args, **kwargs: P.kwargs) -> R:
        return view(_verified(hook()), *args, **kwargs)

    return verify_then_call


def _webhook(secret: Secret, scheme: Union[str, dict[str, Any]], tolerance: Optional[int], max_payload_bytes: Optional[int]) -> Webhook:
    return Webhook(secret if isinstance(secret, str) else list(secret), scheme, tolerance, max_payload_bytes)


def webhook(
    secret: Secret,
    *,
    scheme: Union[str, dict[str, Any]] = "standard",
    tolerance: Optional[int] = None,
    max_payload_bytes: Optional[int] = None,
) -> Callable[[View[P, R]], Callable[P, R]]:
    """Decorate a view (``def`` or ``async def``): it is called with the verified ``Event`` as its
    first argument, then the route's arguments."""
    hook = _webhook(secret, scheme, tolerance, max_payload_bytes)
    return lambda view: _decorate(lambda: hook, view)


class Hookwise:
    """The Flask extension: ``Hookwise(app)``, or ``Hookwise()`` then ``init_app(app)`` for each
    app of a factory. ``@hw.webhook`` verifies with the ``Webhook`` of the app serving the request."""

    def __init__(self, app: Optional[Flask] = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Builds ``app``'s ``Webhook`` from its config (a bad scheme or secret fails here, at
        start-up); raises ``RuntimeError`` without ``HOOKWISE_SECRET``."""
        app.config.setdefault("HOOKWISE_SCHEME", "standard")
        app.config.setdefault("HOOKWISE_TOLERANCE", None)
        app.config.setdefault("HOOKWISE_MAX_PAYLOAD_BYTES", None)
        if not app.config.get("HOOKWISE_SECRET"):
            raise RuntimeError("hookwise: set app.config['HOOKWISE_SECRET'] before init_app")
        app.extensions["hookwise"] = _webhook(
            app.config["HOOKWISE_SECRET"],
            app.config["HOOKWISE_SCHEME"],
            app.config["HOOKWISE_TOLERANCE"],
            app.config["HOOKWISE_MAX_PAYLOAD_BYTES"],
        )

    @staticmethod
    def hook() -> Webhook:
        """The current app's ``Webhook``; ``RuntimeError`` if ``init_app`` was not called for it."""
        hook = current_app.extensions.get("hookwise")
        if not isinstance(hook, Webhook):
            raise RuntimeError("hookwise: call Hookwise.init_app(app) for this app first")
        return hook

    def webhook(self, view: View[P, R]) -> Callable[P, R]:
        """Decorate a view (``def`` or ``async def``): it is called with the verified ``Event``
        as its first argument, then the route's arguments."""
        return _decorate(self.hook, view)


__all__ = ["Hookwise", "InvalidWebhook", "WebhookRejected", "WebhookTooLarge", "rejected", "verify_request", "webhook"]
