"""The blocking client releases the GIL while it waits, and keeps working after fork(); so does a
webhook whose large bodies' HMAC runs on the core's helper thread.

These run against a small real HTTP server on loopback (a threaded `http.server`) that answers
every request with a job after a delay, so concurrency is observable.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

import hookwise

DELAY = 0.5
JOB = {
    "id": "job_1", "object": "job", "kind": "k", "status": "queued", "progress_pct": 0, "payload": {},
    "callback_url": None, "secrecy_level": "internal", "result_ref": None, "error": None,
    "created_at": "2026-11-22T00:00:00Z", "updated_at": "2026-11-22T00:00:00Z", "started_at": None, "finished_at": None,
}


class SlowJobs(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        time.sleep(DELAY)
        body = json.dumps({**JOB, "id": self.path.rsplit("/", 1)[-1]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except BrokenPipeError:  # the timeout test's client has gone
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_api() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SlowJobs)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_two_threads_requests_overlap_because_the_gil_is_released(slow_api: str) -> None:
    client = hookwise.Client("k", slow_api)
    client.jobs.get("job_warm")  # first use builds the runtime and the connection pool
    results: list[str] = []
    ticks = 0

    def fetch(i: int) -> None:
        results.append(client.jobs.get(f"job_{i}").id)

    started = time.monotonic()
    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):  # the main thread runs Python meanwhile
        ticks += 1
        time.sleep(0.01)
    elapsed = time.monotonic() - started
    assert sorted(results) == ["job_0", "job_1"]
    assert elapsed < 2 * DELAY * 0.9, f"two {DELAY}s requests took {elapsed:.2f}s: they did not overlap"
    assert ticks > 10, "the main thread was blocked while the requests waited"


def _child(base_url: str, queue: "multiprocessing.Queue[str]") -> None:
    try:
        queue.put(CLIENT.jobs.get("job_child").id)
    except Exception as e:  # report, do not hang
        queue.put(f"error: {e!r}")


CLIENT: hookwise.Client


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX-only")
def test_a_client_used_before_fork_works_in_the_child(slow_api: str) -> None:
    global CLIENT
    CLIENT = hookwise.Client("k", slow_api)
    assert CLIENT.jobs.get("job_parent").id == "job_parent"  # the parent's runtime and pool exist now
    ctx = multiprocessing.get_context("fork")
    queue: "multiprocessing.Queue[str]" = ctx.Queue()
    child = ctx.Process(target=_child, args=(slow_api, queue))
    child.start()
    child.join(timeout=20)
    assert child.exitcode == 0
    assert queue.get(timeout=1) == "job_child"
    assert CLIENT.jobs.get("job_parent_again").id == "job_parent_again"  # the parent is unaffected


def test_connection_errors_are_typed(slow_api: str) -> None:
    client = hookwise.Client("k", "http://127.0.0.1:9", max_retries=0)
    with pytest.raises(hookwise.ConnectionError) as info:
        client.jobs.get("job_1")
    assert isinstance(info.value, ConnectionError) and info.value.code == "connection_error"
    slow = hookwise.Client("k", slow_api, timeout=0.05, max_retries=0)
    with pytest.raises(hookwise.TimeoutError) as late:
        slow.jobs.get("job_1")
    assert isinstance(late.value, TimeoutError)


# A raw body of 128 KiB or more gets its HMAC from the core's helper thread, started on first use.
LARGE = json.dumps({"id": "evt_big", "type": "order.created",
                    "data": {"items": [{"sku": f"item-{i}", "note": "caf\u00e9"} for i in range(6000)]}}).encode()
HOOK = hookwise.Webhook("whsec_fork", scheme="stripe")


def _large_child(queue: "multiprocessing.Queue[str]") -> None:
    try:
        event = HOOK.verify(LARGE, HOOK.sign(LARGE))
        forged = LARGE.replace(b"item-1", b"item-X", 1)
        try:
            HOOK.verify(forged, HOOK.sign(LARGE))
            queue.put("error: a forged body was accepted")
        except hookwise.WebhookSignatureError as refused:
            queue.put(f"{event.data['items'][5999]['sku']} {refused.code}")
    except Exception as e:  # report, do not hang
        queue.put(f"error: {e!r}")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX-only")
def test_a_large_body_verified_before_fork_is_verified_in_the_child_too() -> None:
    assert len(LARGE) > 128 * 1024
    assert HOOK.verify(LARGE, HOOK.sign(LARGE)).id == "evt_big"  # the parent's helper thread exists now
    ctx = multiprocessing.get_context("fork")
    queue: "multiprocessing.Queue[str]" = ctx.Queue()
    child = ctx.Process(target=_large_child, args=(queue,))
    child.start()
    child.join(timeout=20)
    assert child.exitcode == 0
    assert queue.get(timeout=1) == "item-5999 signature_mismatch"
    assert HOOK.verify(LARGE, HOOK.sign(LARGE)).type == "order.created"  # the parent is unaffected
