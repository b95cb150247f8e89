"""Flask integration: verify ``request.get_data()`` and hand the view a verified ``Event``.

```python
from hookwise.flask import webhook

@app.post("/webhooks/stripe")
@webhook("whsec_…", scheme="stripe")
def stripe_hook(event: hookwise.Event) -> str:
    ...
```

A request that fails verification never reaches the view: it gets ``400`` and
``{"error": {"code": …, "message": …}}``.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, Sequence, TypeVar, Union

from flask import jsonify, request

from hookwise._native import Event, Webhook, WebhookSignatureError

F = TypeVar("F", bound=Callable[..., Any])


def verify_request(hook: Webhook) -> Event:
    """Verify the current Flask request with ``hook``; raises ``WebhookSignatureError``."""
    return hook.verify(request.get_data(cache=True), list(request.headers.items()))


def webhook(
    secret: Union[str, Sequence[str]],
    *,
    scheme: Union[str, dict[str, Any]] = "standard",
    tolerance: Optional[int] = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view: it is called with the verified ``Event`` as its first argument."""
    hook = Webhook(list(secret) if not isinstance(secret, str) else secret, scheme, tolerance)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                event = verify_request(hook)
            except WebhookSignatureError as e:
                return jsonify(error={"code": e.code, "message": e.message}), 400
            return view(event, *args, **kwargs)

        return wrapper

    return decorate


__all__ = ["verify_request", "webhook"]
