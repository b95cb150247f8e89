"""`hookwise.Profile`, `Api` and `AsyncApi`: what only Python has (the GIL, iterators, callbacks,
exception classes, asyncio). What the engine sends and decodes is the contract suite's job
(test_contracts.py); here a tiny `http.server` on loopback plays the API of `profiles/argus.yaml`.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import pathlib
import queue
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator, Optional
from urllib.parse import parse_qs, urlsplit

import pytest

import hookwise
from conftest import ROOT

ARGUS = ROOT / "profiles" / "argus.yaml"

# A route answers (status, body); a body that is `bytes` is sent as is, anything else as JSON.
Route = Callable[[dict[str, Any]], tuple[int, Any]]


class Stub:
    """A threaded HTTP server on 127.0.0.1 that records every request and answers from `routes`
    (`"GET /v1/jobs"` → a function of the request), after `delay` seconds."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[dict[str, Any]] = []
        self.delay = 0.0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else b""
                request = {
                    "method": self.command, "path": url.path, "query": parse_qs(url.query),
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": json.loads(body) if body else None,
                }
                stub.requests.append(request)
                time.sleep(stub.delay)
                route = stub.routes.get(f"{self.command} {url.path}")
                status, payload = route(request) if route else (404, {"error": {"code": "no_route", "message": url.path}})
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except BrokenPipeError:
                    pass

            do_GET = do_POST = do_PATCH = do_DELETE = answer  # noqa: N815 (http.server's naming)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()


@pytest.fixture
def stub() -> Iterator[Stub]:
    s = Stub()
    yield s
    s.httpd.shutdown()


def api(stub: Stub, **options: Any) -> hookwise.Api:
    return hookwise.Api(ARGUS, api_key="k", base_url=stub.url, initial_retry_delay=0.001, **options)


def job(id: str, status: str = "running", progress: int = 0) -> dict[str, Any]:
    return {"id": id, "kind": "k", "status": status, "progress_pct": progress}


UNSUPPORTED = """
openapi: 3.1.0
info: {title: T, version: "1"}
x-hookwise: {name: t}
paths:
  /v1/things:
    post:
      operationId: create_thing
      requestBody:
        content:
          application/json:
            schema:
              allOf: [{type: object}]
      responses:
        "200": {description: ok}
"""


# Profiles


def test_a_profile_from_text_or_file_names_its_operations() -> None:
    from_file = hookwise.Profile.from_file(ARGUS)
    from_text = hookwise.Profile.from_text(ARGUS.read_text())
    for profile in (from_file, from_text, hookwise.Profile.from_file(str(ARGUS))):
        assert profile.name == "argus"
        assert profile.operations == ["list_jobs", "create_job", "get_job", "get_job_result"]
        assert profile.base_url == "https://api.knogin.com"


def test_an_unsupported_profile_raises_profile_error_with_the_pointer() -> None:
    with pytest.raises(hookwise.ProfileError) as info:
        hookwise.Profile.from_text(UNSUPPORTED)
    e = info.value
    assert isinstance(e, hookwise.HookwiseError) and isinstance(e, ValueError)
    assert e.code == "unsupported_profile"
    assert e.pointer.startswith("#/paths/~1v1~1things/post/requestBody")
    assert "allOf" in str(e)
    with pytest.raises(hookwise.ProfileError) as invalid:
        hookwise.Profile.from_text("openapi: 3.1.0\n")
    assert invalid.value.code == "invalid_profile"
    assert invalid.value.pointer.startswith("#")


def test_a_missing_profile_file_is_an_os_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError):
        hookwise.Profile.from_file(tmp_path / "nope.yaml")
    with pytest.raises(FileNotFoundError):
        hookwise.Api(tmp_path / "nope.yaml", api_key="k")


def test_api_from_a_path_or_a_profile(stub: Stub) -> None:
    stub.routes["GET /v1/jobs/j1"] = lambda r: (200, job("j1"))
    profile = hookwise.Profile.from_file(ARGUS)
    for given in (ARGUS, str(ARGUS), profile):
        client = hookwise.Api(given, api_key="k", base_url=stub.url)
        assert client.call("get_job", {"id": "j1"})["id"] == "j1"
        assert client.profile.name == "argus" and client.base_url == stub.url
    assert [r["headers"]["authorization"] for r in stub.requests] == ["Bearer k"] * 3
    with pytest.raises(TypeError):
        hookwise.Api(42)  # type: ignore[arg-type]


def test_options_left_none_come_from_the_environment_or_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGUS_API_KEY", "env_key")
    assert hookwise.Api(ARGUS).base_url == "https://api.knogin.com"
    monkeypatch.delenv("ARGUS_API_KEY")
    with pytest.raises(hookwise.InvalidArgumentError) as info:
        hookwise.Api(ARGUS)
    assert "ARGUS_API_KEY" in str(info.value)
    with pytest.raises(ValueError):
        hookwise.Api(ARGUS, api_key="k", timeout=-1)


# Calls: data in and out


def test_arguments_and_answers_cross_as_python_data(stub: Stub) -> None:
    stub.routes["POST /v1/jobs"] = lambda r: (201, {**job("j1"), "payload": r["body"]["payload"], "big": 2**64 - 1, "x": 0.5})
    payload = {"nested": {"list": [1, 2.5, True, None, "s"], "tuple": (1, 2)}, "big": 2**63, "neg": -(2**63)}
    answer = api(stub).call("create_job", {"kind": "k", "payload": payload})
    sent = stub.requests[0]["body"]
    assert sent == {"kind": "k", "payload": {**payload, "nested": {"list": [1, 2.5, True, None, "s"], "tuple": [1, 2]}}}
    assert answer["payload"] == sent["payload"] and answer["big"] == 2**64 - 1 and answer["x"] == 0.5
    assert type(answer["payload"]["nested"]["list"][2]) is bool


def test_data_json_cannot_hold_is_refused_before_sending(stub: Stub) -> None:
    client = api(stub)
    circular: list[Any] = []
    circular.append(circular)
    for payload, error in [({"n": 2**64}, ValueError), ({"x": float("nan")}, ValueError), ({1: "a"}, TypeError),
                           ({"s": {1, 2}}, TypeError), ({"c": circular}, ValueError)]:
        with pytest.raises(error):
            client.call("create_job", {"kind": "k", "payload": payload})
    with pytest.raises(TypeError):
        client.call("create_job", [("kind", "k")])  # type: ignore[arg-type]
    assert stub.requests == []


def test_download_returns_bytes(stub: Stub) -> None:
    stub.routes["GET /files/r.bin"] = lambda r: (200, b"\x00\x01raw")
    assert api(stub).download(f"{stub.url}/files/r.bin") == b"\x00\x01raw"
    assert api(stub).download("/files/r.bin") == b"\x00\x01raw"


# The GIL


def test_a_call_releases_the_gil_while_it_waits(stub: Stub) -> None:
    stub.routes["GET /v1/jobs/j1"] = lambda r: (200, job("j1"))
    client = api(stub)
    client.call("get_job", {"id": "j1"})  # the runtime and the pool exist now
    stub.delay = 0.5
    results: list[Any] = []
    caller = threading.Thread(target=lambda: results.append(client.call("get_job", {"id": "j1"})))
    ticks = 0
    caller.start()
    while caller.is_alive():  # Python runs in this thread meanwhile
        ticks += 1
        time.sleep(0.01)
    assert results[0]["id"] == "j1"
    assert ticks > 10, "the main thread was blocked while the call waited"


FORKED: hookwise.Api


def _in_child(queue: "multiprocessing.Queue[str]") -> None:
    try:
        queue.put(FORKED.call("get_job", {"id": "j1"})["id"])
    except Exception as e:  # report, do not hang
        queue.put(f"error: {e!r}")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX-only")
def test_an_api_used_before_fork_works_in_the_child(stub: Stub) -> None:
    global FORKED
    stub.routes["GET /v1/jobs/j1"] = lambda r: (200, job("j1"))
    FORKED = api(stub)
    assert FORKED.call("get_job", {"id": "j1"})["id"] == "j1"  # the parent's runtime and pool exist now
    ctx = multiprocessing.get_context("fork")
    queue: "multiprocessing.Queue[str]" = ctx.Queue()
    child = ctx.Process(target=_in_child, args=(queue,))
    child.start()
    child.join(timeout=20)
    assert child.exitcode == 0 and queue.get(timeout=1) == "j1"
    assert FORKED.call("get_job", {"id": "j1"})["id"] == "j1"


# Closing


class KeepAlive:
    """An HTTP/1.1 server on 127.0.0.1 that keeps each connection open and answers every GET
    with a job; `events` gets "connected", "request" and "closed" as they happen."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.events: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            conn, _ = self.listener.accept()
            self.events.put("connected")
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn: socket.socket) -> None:
        body = json.dumps(job("j1")).encode()
        answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        buffer = b""
        with conn:
            while data := conn.recv(65536):
                buffer += data
                while b"\r\n\r\n" in buffer:  # GET requests: no body
                    _, buffer = buffer.split(b"\r\n\r\n", 1)
                    self.events.put("request")
                    conn.sendall(answer)
            self.events.put("closed")

    def seen(self, wait: float = 0.0) -> list[str]:
        time.sleep(wait)
        found = []
        while not self.events.empty():
            found.append(self.events.get())
        return found


def test_close_shuts_the_pool_and_a_call_after_it_raises_client_closed() -> None:
    server = KeepAlive()
    with hookwise.Api(ARGUS, api_key="k", base_url=server.url) as engine:
        assert engine.call("get_job", {"id": "j1"})["id"] == "j1"
        # The connection goes back to the pool once the client's connection task has seen the
        # answer end, a moment after the call returns: a call at once may open a second one.
        time.sleep(0.05)
        assert engine.call("get_job", {"id": "j1"})["id"] == "j1"
        assert not engine.closed
        assert server.seen(wait=0.3) == ["connected", "request", "request"], "one pooled connection, kept open"
    assert engine.closed
    assert server.events.get(timeout=10) == "closed", "leaving `with` closes the pooled connection"
    with pytest.raises(hookwise.InvalidArgumentError) as info:
        engine.call("get_job", {"id": "j1"})
    assert (info.value.code, info.value.status) == ("client_closed", None)
    with pytest.raises(hookwise.InvalidArgumentError, match="closed"):
        list(engine.paginate("list_jobs"))
    engine.close()  # twice is harmless
    assert server.seen(wait=0.2) == [], "nothing is sent after close"


def test_an_exception_in_the_with_block_propagates_and_the_pool_still_closes(stub: Stub) -> None:
    engine = api(stub)
    with pytest.raises(KeyError), engine:
        raise KeyError("from the block")
    assert engine.closed


def test_async_api_closes_with_async_with_and_shares_the_closed_state() -> None:
    server = KeepAlive()

    async def main() -> hookwise.AsyncApi:
        async with hookwise.AsyncApi(ARGUS, api_key="k", base_url=server.url) as engine:
            assert (await engine.call("get_job", {"id": "j1"}))["id"] == "j1"
            assert not engine.closed
        assert engine.closed
        with pytest.raises(hookwise.InvalidArgumentError) as info:
            await engine.download("/files/r.json")
        assert info.value.code == "client_closed"
        return engine

    asyncio.run(main())
    assert server.seen(wait=0.5) == ["connected", "request", "closed"]


# Pagination


def pages(stub: Stub, count: int) -> None:
    """`count` pages of two jobs each, chained by cursors `c1`, `c2`, …"""

    def page(request: dict[str, Any]) -> tuple[int, Any]:
        n = int(request["query"].get("cursor", ["c0"])[0][1:])
        cursor = f"c{n + 1}" if n + 1 < count else None
        return 200, {"jobs": [job(f"j{2 * n}"), job(f"j{2 * n + 1}")], "next_cursor": cursor, "total_count": 2 * count}

    stub.routes["GET /v1/jobs"] = page


def test_paginate_fetches_a_page_only_when_the_iteration_reaches_it(stub: Stub) -> None:
    pages(stub, 3)
    items = api(stub).paginate("list_jobs", {"limit": 2})
    assert stub.requests == [], "nothing is fetched before iterating"
    assert next(items)["id"] == "j0" and len(stub.requests) == 1
    assert next(items)["id"] == "j1" and len(stub.requests) == 1
    assert next(items)["id"] == "j2" and len(stub.requests) == 2
    assert [j["id"] for j in items] == ["j3", "j4", "j5"]
    assert [r["query"] for r in stub.requests] == [{"limit": ["2"]}, {"limit": ["2"], "cursor": ["c1"]}, {"limit": ["2"], "cursor": ["c2"]}]
    assert next(items, None) is None


def test_paginate_raises_the_error_of_a_page(stub: Stub) -> None:
    stub.routes["GET /v1/jobs"] = lambda r: (401, {"error": {"code": "unauthorized", "message": "no", "trace_id": "t"}})
    items = iter(api(stub).paginate("list_jobs"))
    with pytest.raises(hookwise.AuthenticationError):
        next(items)
    assert next(items, None) is None


# Waiting


def progression(stub: Stub, *states: tuple[str, int]) -> None:
    answers = iter(states)
    last: list[tuple[str, int]] = []

    def get(request: dict[str, Any]) -> tuple[int, Any]:
        last[:] = [next(answers, last[0] if last else states[-1])]
        return 200, job("j1", *last[0])

    stub.routes["GET /v1/jobs/j1"] = get


def test_wait_calls_on_progress_with_dicts_and_returns_the_final_object(stub: Stub) -> None:
    progression(stub, ("queued", 0), ("running", 42), ("running", 42), ("succeeded", 100))
    seen: list[Any] = []
    done = api(stub).wait("get_job", {"id": "j1"}, timeout=10, on_progress=seen.append)
    assert done == job("j1", "succeeded", 100)
    assert all(type(s) is dict for s in seen)
    assert [(s["status"], s["progress_pct"]) for s in seen] == [("queued", 0), ("running", 42), ("succeeded", 100)]


def test_an_exception_in_on_progress_is_raised_after_the_wait(stub: Stub) -> None:
    progression(stub, ("running", 1), ("succeeded", 100))

    def boom(obj: Any) -> None:
        raise KeyError(obj["status"])

    with pytest.raises(KeyError, match="running"):
        api(stub).wait("get_job", {"id": "j1"}, timeout=10, on_progress=boom)


def test_wait_times_out_with_timeout_error(stub: Stub) -> None:
    progression(stub, ("running", 5))
    with pytest.raises(hookwise.TimeoutError) as info:
        api(stub).wait("get_job", {"id": "j1"}, timeout=0.2)
    assert isinstance(info.value, TimeoutError) and info.value.code == "timeout" and info.value.status is None


# Errors


@pytest.mark.parametrize(
    ("status", "cls"),
    [(401, hookwise.AuthenticationError), (403, hookwise.PermissionDeniedError), (404, hookwise.NotFoundError),
     (409, hookwise.ConflictError), (422, hookwise.UnprocessableEntityError), (429, hookwise.RateLimitError),
     (500, hookwise.ServerError), (410, hookwise.ApiError)],
)
def test_api_errors_have_their_class_and_attributes(stub: Stub, status: int, cls: type[hookwise.ApiError]) -> None:
    body = {"error": {"code": "some_code", "message": "it failed", "trace_id": "trc_9", "extra": [1]}}
    stub.routes["GET /v1/jobs/j1"] = lambda r: (status, body)
    with pytest.raises(cls) as info:
        api(stub, max_retries=0).call("get_job", {"id": "j1"})
    e = info.value
    assert type(e) is cls and isinstance(e, hookwise.ApiError) and isinstance(e, hookwise.HookwiseError)
    assert (e.status, e.code, e.message, e.trace_id, e.body) == (status, "some_code", "it failed", "trc_9", body)


def test_errors_before_sending_and_unreadable_answers(stub: Stub) -> None:
    client = api(stub)
    with pytest.raises(hookwise.InvalidArgumentError) as unknown:
        client.call("get_job", {"id": "j1", "nope": 1})
    assert unknown.value.code == "invalid_argument" and unknown.value.status is None and unknown.value.body is None
    with pytest.raises(hookwise.InvalidArgumentError):
        client.call("no_such_operation")
    with pytest.raises(hookwise.InvalidArgumentError):
        client.call("get_job")  # `id` is required
    assert stub.requests == []
    stub.routes["GET /v1/jobs/j1"] = lambda r: (200, b"<html>")
    with pytest.raises(hookwise.InvalidResponseError) as unreadable:
        client.call("get_job", {"id": "j1"})
    assert unreadable.value.code == "invalid_response"
    with pytest.raises(hookwise.ConnectionError) as refused:
        hookwise.Api(ARGUS, api_key="k", base_url="http://127.0.0.1:9", max_retries=0).call("get_job", {"id": "j1"})
    assert isinstance(refused.value, ConnectionError) and refused.value.code == "connection_error"


# asyncio


def test_async_api_awaits_without_blocking_the_loop(stub: Stub) -> None:
    pages(stub, 2)
    stub.routes["GET /v1/jobs/j1"] = lambda r: (200, job("j1"))
    stub.routes["GET /files/r.json"] = lambda r: (200, b'{"ok": true}')

    async def main() -> None:
        client = hookwise.AsyncApi(ARGUS, api_key="k", base_url=stub.url)
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        ticker = asyncio.create_task(tick())
        stub.delay = 0.3
        first, second = await asyncio.gather(client.call("get_job", {"id": "j1"}), asyncio.create_task(client.call("get_job", {"id": "j1"})))
        stub.delay = 0
        assert ticks > 10, "the event loop was blocked while the calls waited"
        ticker.cancel()
        assert first["id"] == second["id"] == "j1"
        assert [j["id"] async for j in client.paginate("list_jobs")] == ["j0", "j1", "j2", "j3"]
        progression(stub, ("queued", 0), ("succeeded", 100))
        seen: list[Any] = []
        done = await client.wait("get_job", {"id": "j1"}, timeout=10, on_progress=seen.append)
        assert done["status"] == "succeeded" and [s["progress_pct"] for s in seen] == [0, 100]
        assert json.loads(await client.download("/files/r.json")) == {"ok": True}
        with pytest.raises(hookwise.NotFoundError) as info:
            await client.call("get_job", {"id": "missing"})
        assert info.value.body == {"error": {"code": "no_route", "message": "/v1/jobs/missing"}}
        with pytest.raises(hookwise.InvalidArgumentError):
            await client.call("get_job")

    asyncio.run(main())


def test_async_api_calls_are_coroutines(stub: Stub) -> None:
    stub.routes["GET /v1/jobs/j1"] = lambda r: (200, job("j1"))
    client = hookwise.AsyncApi(hookwise.Profile.from_file(ARGUS), api_key="k", base_url=stub.url)
    assert asyncio.run(client.call("get_job", {"id": "j1"}))["id"] == "j1"
    items = client.paginate("list_jobs")
    assert stub.requests[1:] == [], "nothing is fetched before iterating"
    pages(stub, 1)

    async def first() -> Optional[Any]:
        async for item in items:
            return item
        return None

    assert asyncio.run(first()) == job("j0")
