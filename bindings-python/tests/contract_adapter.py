"""The Python adapter of the conformance driver (tests/conformance/contracts/README.md, *Adapters*).

It reads one JSON request per line on stdin, makes that one call and writes one JSON answer per
line on stdout. Contract cases go through the typed methods of the SDK that ``hookwise generate``
made for the case's profile (``$HOOKWISE_GENERATED/<profile>/``, pip-installed; ``download``,
which is not an operation, through ``hookwise.Api``); scenario steps (``"suite": "scenario"``, as
the driver's Rust adapter plays them) through ``hookwise.Client``, and ``webhook.verify`` through
``hookwise.Webhook``. It translates and decides nothing: the options are passed as given
(milliseconds become seconds, a key absent is not passed), each argument goes to the method's
parameter of that name, and an error is reported by its exception class. A call the method's
signature refuses (a required argument missing, an unknown one) is the SDK refusing it before
anything is sent: ``invalid_argument``.

    HOOKWISE_GENERATED=DIR hookwise-conformance --lang python -- python3 bindings-python/tests/contract_adapter.py
"""

from __future__ import annotations

import base64
import importlib
import inspect
import json
import os
import pathlib
import sys
from typing import Any, Callable, Optional

import hookwise

class Refused(Exception):
    """The method's signature refuses the arguments: nothing was sent."""

    code = "invalid_argument"


# Exception classes, most specific first: the first that matches names the kind.
KINDS: list[tuple[type[BaseException], str]] = [
    (hookwise.AuthenticationError, "authentication"),
    (hookwise.PermissionDeniedError, "permission_denied"),
    (hookwise.NotFoundError, "not_found"),
    (hookwise.ConflictError, "conflict"),
    (hookwise.UnprocessableEntityError, "unprocessable_entity"),
    (hookwise.RateLimitError, "rate_limit"),
    (hookwise.ServerError, "server"),
    (hookwise.ApiError, "api"),
    (hookwise.ConnectionError, "connection"),
    (hookwise.TimeoutError, "timeout"),
    (hookwise.InvalidArgumentError, "invalid_argument"),
    (Refused, "invalid_argument"),
    (hookwise.InvalidResponseError, "invalid_response"),
]

# Option keys as the driver writes them, and as `hookwise.Api` takes them.
PLAIN = ("api_key", "username", "password", "base_url", "max_retries")
MILLISECONDS = {"timeout_ms": "timeout", "initial_retry_delay_ms": "initial_retry_delay", "max_retry_delay_ms": "max_retry_delay"}


def options(given: dict[str, Any]) -> dict[str, Any]:
    """The driver's options as keywords of ``hookwise.Api``; unknown keys are refused."""
    out: dict[str, Any] = {}
    for key, value in given.items():
        if key in PLAIN:
            out[key] = value
        elif key in MILLISECONDS:
            out[MILLISECONDS[key]] = value / 1000
        else:
            raise ValueError(f"unknown option {key!r}")
    return out


def error(e: BaseException) -> dict[str, Any]:
    """The error line's fields; an exception no kind names is reported by its class, so the
    driver shows it as a mismatch and the next case still runs."""
    kind = next((name for cls, name in KINDS if isinstance(e, cls)), f"unexpected {type(e).__name__}")
    return {
        "kind": kind,
        "status": getattr(e, "status", None),
        "code": getattr(e, "code", None),
        "message": getattr(e, "message", str(e)),
        "trace_id": getattr(e, "trace_id", None),
    }


def sdk(profile: str, given: dict[str, Any]) -> tuple[Any, Any]:
    """The generated SDK for ``profile`` (the package generated into ``$HOOKWISE_GENERATED/<stem>/``;
    for hookwise's own profile, the hookwise package's client): its client (the exported
    ``…Client`` that is not async) and its ``_client`` module, whose tables name each
    operation's method."""
    folder = pathlib.Path(os.environ["HOOKWISE_GENERATED"]) / pathlib.Path(profile).stem
    package = next(p.name for p in folder.iterdir() if (p / "_client.py").exists())
    module = importlib.import_module(package)
    name = next(n for n in module.__all__ if n.endswith("Client") and not n.startswith("Async"))
    return getattr(module, name)(**options(given)), importlib.import_module(f"{package}._client")


def method(client: Any, path: str) -> Callable[..., Any]:
    """The client's method at ``path`` (``jobs.create``, ``register_webhook``)."""
    for name in path.split("."):
        client = getattr(client, name)
    return client


def bind(method: Callable[..., Any], args: dict[str, Any]) -> Callable[[], Any]:
    """``method`` called with each argument as the parameter of its name (``from`` → ``from_``)."""
    params = inspect.signature(method).parameters
    keywords = {(name if name in params else f"{name}_"): value for name, value in args.items()}
    try:
        inspect.signature(method).bind(**keywords)
    except TypeError as e:
        raise Refused(str(e)) from None
    return lambda: method(**keywords)


def play(request: dict[str, Any]) -> dict[str, Any]:
    mode = request["mode"]
    args: dict[str, Any] = request.get("args") or {}
    progress: list[Any] = []
    try:
        if mode == "download":
            api = hookwise.Api(request["profile"], **options(request.get("options") or {}))
            result = json.loads(api.download(args["url"]))
        else:
            client, tables = sdk(request["profile"], request.get("options") or {})
            if mode == "call":
                result = bind(method(client, tables.OPERATIONS[request["op"]]), args)()
            elif mode == "paginate":
                result = list(bind(method(client, tables.OPERATIONS[request["op"]]), args)().auto_paging_iter())
            elif mode == "wait":
                waits = method(client, tables.WAITS[request["op"]])
                result = bind(waits, {**args, "timeout": request["timeout_ms"] / 1000, "on_progress": progress.append})()
            else:
                raise ValueError(f"unknown mode {mode!r}")
    except Exception as e:  # noqa: BLE001 (every failure is an answer line)
        return {"ok": False, "error": error(e)}
    return {"ok": True, "result": result, "progress": progress}


def verify(args: dict[str, Any]) -> dict[str, Any]:
    """A delivery's verification: the event, or ``{message}`` when it does not verify."""
    try:
        hook = hookwise.Webhook(args["secret"], args["scheme"])
        event = hook.verify(base64.b64decode(args["body_b64"]), [tuple(h) for h in args["headers"]])
    except hookwise.WebhookSignatureError as e:
        return {"ok": False, "error": {"message": f"{e.code}: {e.message}"}}
    except Exception as e:  # noqa: BLE001 (every failure is an answer line)
        return {"ok": False, "error": {"message": repr(e)}}
    return {"ok": True, "result": event.to_dict()}


def given(args: dict[str, Any], *names: str) -> dict[str, Any]:
    """The keywords among ``names`` that the step gives (a key absent is not passed)."""
    return {name: args[name] for name in names if name in args}


def step(request: dict[str, Any]) -> Any:
    """One scenario step through ``hookwise.Client``."""
    op, args = request["op"], request.get("args") or {}
    client = hookwise.Client(request["api_key"], request["base_url"])
    jobs, hooks = client.jobs, client.webhooks
    if op == "jobs.create":
        return jobs.create(args["kind"], **given(args, "payload", "callback_url", "secrecy_level", "idempotency_key")).to_dict()
    if op in ("jobs.get", "jobs.cancel", "jobs.result", "webhooks.get", "webhooks.delete", "webhooks.rotate_secret"):
        namespace, method = op.split(".")
        return getattr(jobs if namespace == "jobs" else hooks, method)(args["id"]).to_dict()
    if op == "jobs.download":
        return json.loads(client.download(args["url"]))
    if op == "jobs.list":
        return jobs.list(**given(args, "kind", "status", "limit", "cursor")).to_dict()
    if op == "jobs.list_all":
        found = [j.to_dict() for j in jobs.list(**given(args, "kind", "status", "limit")).auto_paging_iter()]
        return {"count": len(found), "jobs": found}
    if op == "jobs.wait":
        progress: list[Any] = []
        job = jobs.wait(args["id"], timeout=args.get("timeout_ms", 15000) / 1000, on_progress=lambda j: progress.append(j.progress_pct))
        return {"job": job.to_dict(), "progress": progress}
    if op == "webhooks.register":
        return hooks.register(args["url"], **given(args, "events", "secret", "name")).to_dict()
    if op == "webhooks.list":
        return {"webhooks": [h.to_dict() for h in hooks.list().webhooks]}
    if op == "webhooks.update":
        return hooks.update(args["id"], **given(args, "url", "events", "name", "status")).to_dict()
    if op == "webhooks.deliveries":
        return {"deliveries": [d.to_dict() for d in hooks.deliveries(args["id"]).deliveries]}
    raise ValueError(f"unknown op {op!r}")


def answer(request: dict[str, Any]) -> dict[str, Any]:
    if request.get("suite") != "scenario":
        return play(request)
    if request["op"] == "webhook.verify":
        return verify(request["args"])
    try:
        return {"ok": True, "result": step(request)}
    except Exception as e:  # noqa: BLE001 (every failure is an answer line)
        return {"ok": False, "error": error(e)}


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        answer_line = answer(json.loads(line))
        sys.stdout.write(json.dumps(answer_line) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
