"""Flask integration: verify ``request.get_data()`` and hand the view a verified ``Event``.

```python
from hookwise.flask import webhook

@app.post("/webhooks/stripe")
@webhook("whsec_…", scheme="stripe")
def stripe_hook(event: hookwise.Event) -> str:
    ...
```

A request that fails verification never reaches the view: it gets ``400`` and
``{"error": {"code": …, "message": …}}``. A body over the ``Webhook``'s ``max_payload_bytes``
(the argument, else the core's default) gets ``413`` with code ``payload_too_large`` as soon as
that is known, before it is read whole.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, Sequence, TypeVar, Union

from flask import jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from hookwise._native import Event, Webhook, WebhookSignatureError

F = TypeVar("F", bound=Callable[..., Any])


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


def webhook(
    secret: Union[str, Sequence[str]],
    *,
    scheme: Union[str, dict[str, Any]] = "standard",
    tolerance: Optional[int] = None,
    max_payload_bytes: Optional[int] = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view: it is called with the verified ``Event`` as its first argument."""
    hook = Webhook(list(secret) if not isinstance(secret, str) else secret, scheme, tolerance, max_payload_bytes)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                event = verify_request(hook)
            except WebhookSignatureError as e:
                status = 413 if e.code == "payload_too_large" else 400
                return jsonify(error={"code": e.code, "message": e.message}), status
            return view(event, *args, **kwargs)

        return wrapper

    return decorate


__all__ = ["verify_request", "webhook"]
