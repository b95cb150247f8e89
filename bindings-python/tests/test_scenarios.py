"""Every scenario in tests/conformance/scenarios/ through the Python client, against a real
`hookwise serve` process per scenario (the same files the Rust, Node and Kotlin runners play)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import pytest

import hookwise
from conftest import API_KEY, SUITE, Server, load

SCENARIOS = sorted((SUITE / "scenarios").glob("*.json"))


class Receiver:
    """A local HTTP receiver answering 200 and keeping every request."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.used: set[int] = set()
        store = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                store.append((dict(self.headers.items()), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def expect_event(self, scheme: str, secret: str, event_type: str | None, timeout: float) -> dict[str, Any]:
        hook = hookwise.Webhook(secret, scheme)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, (headers, body) in enumerate(list(self.requests)):
                if i in self.used:
                    continue
                try:
                    event = hook.verify(body, headers)
                except hookwise.WebhookSignatureError:
                    continue
                if event_type is None or event.type == event_type:
                    self.used.add(i)
                    return event.to_dict()
            time.sleep(0.02)
        raise AssertionError(f"no matching delivery reached the receiver ({len(self.requests)} requests)")


def subst(value: Any, saved: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        root, *path = value[2:-1].split(".")
        current = saved[root]
        for part in path:
            current = current[part]
        return current
    if isinstance(value, list):
        return [subst(v, saved) for v in value]
    if isinstance(value, dict):
        return {k: subst(v, saved) for k, v in value.items()}
    return value


TYPES = {"string": str, "boolean": bool, "null": type(None), "array": list, "object": dict}


def matches(pattern: Any, actual: Any, at: str) -> None:
    """The matcher of tests/conformance/README.md."""
    if isinstance(pattern, dict) and pattern and all(k.startswith("$") for k in pattern):
        for op, arg in pattern.items():
            if op == "$in":
                ok = actual in arg
            elif op == "$ne":
                ok = actual != arg
            elif op == "$type":
                ok = (isinstance(actual, (int, float)) and not isinstance(actual, bool)) if arg == "number" else isinstance(actual, TYPES[arg])
            elif op == "$len":
                ok = len(actual) == arg
            elif op == "$startswith":
                ok = isinstance(actual, str) and actual.startswith(arg)
            elif op == "$last":
                ok = bool(actual) and actual[-1] == arg
            elif op == "$absent":
                ok = (actual is None) == arg
            else:
                raise AssertionError(f"{at}: unknown operator {op}")
            assert ok, f"{at}: {actual!r} does not satisfy {op} {arg!r}"
        return
    if isinstance(pattern, dict):
        assert isinstance(actual, dict), f"{at}: expected an object, got {actual!r}"
        for k, v in pattern.items():
            matches(v, actual.get(k), f"{at}.{k}")
    elif isinstance(pattern, list):
        assert isinstance(actual, list) and len(actual) == len(pattern), f"{at}: expected {len(pattern)} items, got {actual!r}"
        for i, (p, a) in enumerate(zip(pattern, actual)):
            matches(p, a, f"{at}[{i}]")
    else:
        assert pattern == actual, f"{at}: expected {pattern!r}, got {actual!r}"


KINDS: list[tuple[type[BaseException], str]] = [
    (hookwise.AuthenticationError, "authentication"), (hookwise.NotFoundError, "not_found"),
    (hookwise.ConflictError, "conflict"), (hookwise.RateLimitError, "rate_limit"), (hookwise.ServerError, "server"),
    (hookwise.ApiError, "api"), (hookwise.ConnectionError, "connection"), (hookwise.TimeoutError, "timeout"),
]


def error_json(e: hookwise.HookwiseError) -> dict[str, Any]:
    kind = next(name for cls, name in KINDS if isinstance(e, cls))
    return {"status": getattr(e, "status", None), "code": getattr(e, "code", None), "kind": kind,
            "message": getattr(e, "message", None), "trace_id": getattr(e, "trace_id", None)}


def run_op(client: hookwise.Client, receivers: dict[str, Receiver], op: str, args: dict[str, Any]) -> Any:
    jobs, hooks = client.jobs, client.webhooks
    ops: dict[str, Callable[[], Any]] = {
        "jobs.create": lambda: jobs.create(args["kind"], args.get("payload"), callback_url=args.get("callback_url"),
                                           secrecy_level=args.get("secrecy_level"), idempotency_key=args.get("idempotency_key")).to_dict(),
        "jobs.get": lambda: jobs.get(args["id"]).to_dict(),
        "jobs.cancel": lambda: jobs.cancel(args["id"]).to_dict(),
        "jobs.result": lambda: jobs.result(args["id"]).to_dict(),
        "jobs.list": lambda: jobs.list(kind=args.get("kind"), status=args.get("status"), limit=args.get("limit"), cursor=args.get("cursor")).to_dict(),
        "webhooks.register": lambda: hooks.register(args["url"], events=args.get("events"), secret=args.get("secret"), name=args.get("name")).to_dict(),
        "webhooks.list": lambda: {"webhooks": [h.to_dict() for h in hooks.list()]},
        "webhooks.get": lambda: hooks.get(args["id"]).to_dict(),
        "webhooks.update": lambda: hooks.update(args["id"], url=args.get("url"), events=args.get("events"), name=args.get("name"), status=args.get("status")).to_dict(),
        "webhooks.delete": lambda: hooks.delete(args["id"]).to_dict(),
        "webhooks.rotate_secret": lambda: hooks.rotate_secret(args["id"]).to_dict(),
        "webhooks.deliveries": lambda: {"deliveries": [d.to_dict() for d in hooks.deliveries(args["id"])]},
    }
    if op in ops:
        return ops[op]()
    if op == "jobs.list_all":
        found = [j.to_dict() for j in jobs.list_all(kind=args.get("kind"), status=args.get("status"), limit=args.get("limit"))]
        return {"count": len(found), "jobs": found}
    if op == "jobs.wait":
        progress: list[int] = []
        job = jobs.wait(args["id"], args["timeout_ms"] / 1000, on_progress=lambda j: progress.append(j.progress_pct))
        return {"job": job.to_dict(), "progress": progress}
    if op == "jobs.download":
        url = args["url"]
        if args.get("tamper"):
            url = url[:-1] + ("1" if url[-1] == "0" else "0")
        return json.loads(jobs.download(url))
    if op == "receiver.start":
        receiver = Receiver()
        receivers[receiver.url] = receiver
        return {"url": receiver.url}
    if op == "receiver.expect_event":
        return receivers[args["receiver"]].expect_event(args["scheme"], args["secret"], args.get("type"), args.get("timeout_ms", 15000) / 1000)
    raise AssertionError(f"unknown op {op}")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path: Any) -> None:
    scenario = json.loads(path.read_text())
    flags: list[str] = []
    if "scheme" in scenario["server"]:
        flags += ["--scheme", scenario["server"]["scheme"]]
    if "callback_secret" in scenario["server"]:
        flags += ["--callback-secret", scenario["server"]["callback_secret"]]
    server = Server(*flags)
    receivers: dict[str, Receiver] = {}
    saved: dict[str, Any] = {}
    try:
        client = hookwise.Client(API_KEY, server.base_url)
        for i, step in enumerate(scenario["steps"]):
            at = f"step {i} ({step['op']})"
            args = subst(step.get("args", {}), saved)
            expect = subst(step.get("expect", {}), saved)
            actor = hookwise.Client(step["api_key"], server.base_url) if "api_key" in step else client
            try:
                result = run_op(actor, receivers, step["op"], args)
            except hookwise.HookwiseError as e:
                assert "error" in expect, f"{at}: failed: {e!r}"
                matches(expect["error"], error_json(e), f"{at}: error")
                continue
            assert "error" not in expect, f"{at}: succeeded with {result!r}, expected an error"
            if "match" in expect:
                matches(expect["match"], result, f"{at}: result")
            if "save" in step:
                saved[step["save"]] = result
    finally:
        for r in receivers.values():
            r.httpd.shutdown()
        server.stop()
