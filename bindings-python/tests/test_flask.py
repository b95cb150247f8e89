"""The Flask example app, served for real (werkzeug on loopback), receiving a real delivery from
`hookwise serve`, and refusing a tampered one; the decorator refusing a body over its limit while
reading it; the extension (`Hookwise`, `init_app` and `app.config`), `async def` views, and
refusals going through the app's error handlers (Flask's test client)."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import io
import json
import select
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

import hookwise
from conftest import API_KEY, ROOT, Server
from hookwise.flask import Hookwise, InvalidWebhook, WebhookRejected, WebhookTooLarge, webhook

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.fixture
def flask_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    monkeypatch.setenv("HOOKWISE_WEBHOOK_SECRET", SECRET)
    spec = importlib.util.spec_from_file_location("flask_receiver", ROOT / "examples" / "flask-receiver" / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    httpd = make_server("127.0.0.1", 0, module.app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}", module
    httpd.shutdown()


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, headers={**headers, "Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_the_flask_app_accepts_a_real_delivery_and_refuses_a_tampered_one(flask_app: tuple[str, Any]) -> None:
    base, module = flask_app
    server = Server()
    try:
        client = hookwise.Client(API_KEY, server.base_url)
        client.webhooks.register(f"{base}/webhooks", secret=SECRET, events=["job.succeeded"])
        job = client.jobs.create("thumbnail", payload={"duration_ms": 50})
        client.jobs.wait(job.id, timeout=15)
        deadline = time.monotonic() + 15
        while not module.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(module.received) == 1, "the delivery did not reach the view"
        event = module.received[0]
        assert event["type"] == "job.succeeded" and event["job"]["id"] == job.id and event["id"].startswith("evt_")
    finally:
        server.stop()

    # A delivery signed for another body is refused before the view runs.
    body = json.dumps({"id": "evt_forged", "type": "job.succeeded", "data": {"job": {"id": "job_x"}}}).encode()
    headers = hookwise.Webhook(SECRET).sign(body, id="evt_forged")
    status, answer = post(f"{base}/webhooks", body.replace(b"job_x", b"job_y"), headers)
    assert (status, answer["error"]["code"]) == (400, "signature_mismatch")
    status, answer = post(f"{base}/webhooks", body, {})
    assert (status, answer["error"]["code"]) == (400, "missing_signature")
    status, answer = post(f"{base}/webhooks", body, headers)  # the genuine one passes
    assert status == 200 and answer == {"received": "evt_forged"}
    assert [e["id"] for e in module.received][1:] == ["evt_forged"]


class CountingInput(io.RawIOBase):
    """A request's WSGI input, counting the bytes the app reads from it."""

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self.inner = inner
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


LIMIT = 1024


@pytest.fixture
def limited_app() -> Iterator[tuple[int, list[str], list[CountingInput]]]:
    """An app with two views: one limited to LIMIT bytes, one with the default limit. Yields the
    port, the ids of the events that reached a view, and each request's counted input."""
    app = Flask("limited")
    reached: list[str] = []
    inputs: list[CountingInput] = []

    @app.post("/limited")
    @webhook(SECRET, max_payload_bytes=LIMIT)
    def limited(event: hookwise.Event) -> dict[str, Any]:
        reached.append(str(event.id))
        return {"received": event.id}

    @app.post("/default")
    @webhook(SECRET)
    def default(event: hookwise.Event) -> dict[str, Any]:
        reached.append(str(event.id))
        return {"received": event.id}

    def counting(environ: dict[str, Any], start_response: Any) -> Any:
        environ["wsgi.input"] = counted = CountingInput(environ["wsgi.input"])
        inputs.append(counted)
        return app(environ, start_response)

    httpd = make_server("127.0.0.1", 0, counting, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_port, reached, inputs
    httpd.shutdown()


def flood(port: int, path: str, head: str, total: int) -> tuple[int, Any, int]:
    """POSTs by hand: `head` (header lines), then, unless `total` is 0, a chunked body of `total`
    bytes, 64 KiB a chunk, stopping as soon as an answer comes. Returns the answer's status and
    JSON body, and how many body bytes were sent by then."""
    chunk = b"[" * 65536
    frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{head}\r\n".encode())
    sock.setblocking(False)
    sent, pending, received = 0, b"", b""
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            end = received.find(b"\r\n\r\n")
            if end >= 0:
                head_lines = received[:end].decode("latin-1").split("\r\n")
                length = next(int(v) for k, _, v in (h.partition(": ") for h in head_lines[1:]) if k.lower() == "content-length")
                if len(received) - end - 4 >= length:
                    return int(head_lines[0].split()[1]), json.loads(received[end + 4 : end + 4 + length]), sent
            writing = total > 0 and (pending or sent < total)
            readable, writable, _ = select.select([sock], [sock] if writing else [], [], 0.5)
            if readable:
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    data = b""
                if not data:
                    break
                received += data
            elif writable:
                if not pending:
                    pending = frame if sent < total else b"0\r\n\r\n"
                try:
                    n = sock.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    total = 0  # the server closed: read what it answered
                    continue
                pending = pending[n:]
                if not pending:
                    sent += len(chunk)
    finally:
        sock.close()
    raise AssertionError(f"no complete answer: {received!r}")


def test_a_chunked_body_far_over_the_limit_gets_413_as_soon_as_it_passes_it(
    limited_app: tuple[int, list[str], list[CountingInput]],
) -> None:
    port, reached, inputs = limited_app
    total = 64 * 1024 * 1024
    status, answer, sent = flood(port, "/limited", "Transfer-Encoding: chunked\r\n", total)
    assert (status, answer) == (
        413,
        {"error": {"code": "payload_too_large", "message": f"the body is over the limit of {LIMIT} bytes"}},
    )
    assert sent < total, "the answer came before the whole body was sent"
    assert inputs[0].count == LIMIT + 1, "the app read one byte past the limit, no more"
    assert reached == [], "the view never ran"


def test_a_declared_content_length_over_the_default_limit_gets_413_before_the_body_is_sent(
    limited_app: tuple[int, list[str], list[CountingInput]],
) -> None:
    port, reached, inputs = limited_app
    limit = hookwise.Webhook(SECRET).max_payload_bytes  # the core's default
    assert hookwise.Webhook(SECRET, max_payload_bytes=10).max_payload_bytes == 10
    status, answer, _ = flood(port, "/default", f"Content-Length: {limit + 1}\r\n", 0)
    assert (status, answer["error"]) == (
        413,
        {"code": "payload_too_large", "message": f"the body is over the limit of {limit} bytes"},
    )
    assert inputs[0].count == 0 and reached == []


def test_a_body_at_the_limit_is_verified(limited_app: tuple[int, list[str], list[CountingInput]]) -> None:
    port, reached, _ = limited_app
    body = json.dumps({"id": "evt_at_limit", "type": "job.succeeded", "data": {}}).encode()
    body += b" " * (LIMIT - len(body))
    headers = hookwise.Webhook(SECRET).sign(body, id="evt_at_limit")
    assert post(f"http://127.0.0.1:{port}/limited", body, headers) == (200, {"received": "evt_at_limit"})
    status, answer = post(f"http://127.0.0.1:{port}/limited", body + b" ", headers)
    assert (status, answer["error"]["code"]) == (413, "payload_too_large")
    assert reached == ["evt_at_limit"]


# The extension, async views and error handlers (Flask's test client)

EVENT = json.dumps({"id": "evt_1", "type": "job.succeeded", "data": {"job": {"id": "job_1"}}}).encode()


def receiver(hw: Hookwise, name: str) -> Flask:
    """An app with a sync and an async webhook view (route argument `n`), both behind ``hw``."""
    app = Flask(name)

    @app.post("/sync/<int:n>")
    @hw.webhook
    def sync_view(event: hookwise.Event, n: int) -> dict[str, Any]:
        return {"id": event.id, "n": n, "scheme": event.scheme}

    @app.post("/async/<int:n>")
    @hw.webhook
    async def async_view(event: hookwise.Event, n: int) -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"id": event.id, "n": n, "async": True}

    return app


def test_init_app_reads_the_secret_and_scheme_from_each_apps_config() -> None:
    hw = Hookwise()
    stripe_app, standard_app = receiver(hw, "stripe_app"), receiver(hw, "standard_app")
    stripe_app.config.update(HOOKWISE_SECRET="whsec_stripe_secret", HOOKWISE_SCHEME="stripe", HOOKWISE_TOLERANCE=600)
    standard_app.config["HOOKWISE_SECRET"] = [SECRET, "whsec_dGhlIG9sZCBvbmU="]  # rotating: a list
    hw.init_app(stripe_app)
    Hookwise(standard_app)
    assert standard_app.config["HOOKWISE_SCHEME"] == "standard", "the default is set in the config"

    stripe_headers = hookwise.Webhook("whsec_stripe_secret", scheme="stripe").sign(EVENT)
    answer = stripe_app.test_client().post("/sync/7", data=EVENT, headers=stripe_headers)
    assert (answer.status_code, answer.get_json()) == (200, {"id": "evt_1", "n": 7, "scheme": "stripe"})
    # Each app verifies with its own config: the standard app refuses Stripe's signature …
    answer = standard_app.test_client().post("/sync/7", data=EVENT, headers=stripe_headers)
    assert (answer.status_code, answer.get_json()["error"]["code"]) == (400, "missing_signature")
    # … and takes a delivery signed with either of its secrets.
    for secret in standard_app.config["HOOKWISE_SECRET"]:
        answer = standard_app.test_client().post("/sync/1", data=EVENT, headers=hookwise.Webhook(secret).sign(EVENT))
        assert answer.status_code == 200 and answer.get_json()["scheme"] == "standard"


def test_init_app_fails_at_start_up_on_a_missing_secret_or_a_bad_scheme_and_a_view_needs_it() -> None:
    with pytest.raises(RuntimeError, match="HOOKWISE_SECRET"):
        Hookwise(Flask("no_secret"))
    bad = Flask("bad_scheme")
    bad.config.update(HOOKWISE_SECRET=SECRET, HOOKWISE_SCHEME="no-such-scheme")
    with pytest.raises(Exception, match="no-such-scheme"):
        Hookwise(bad)
    app = receiver(Hookwise(), "not_initialised")
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(RuntimeError, match="init_app"):
        app.test_client().post("/sync/1", data=EVENT, headers=hookwise.Webhook(SECRET).sign(EVENT))


def test_an_async_view_gets_the_verified_event_and_a_refusal_never_reaches_it() -> None:
    app = Flask("async_app")
    app.config["HOOKWISE_SECRET"] = SECRET
    reached: list[str] = []

    @app.post("/hooks")
    @Hookwise(app).webhook
    async def hooks(event: hookwise.Event) -> dict[str, Any]:
        await asyncio.sleep(0)
        reached.append(str(event.id))
        return {"id": event.id}

    @app.post("/decorated")
    @webhook(SECRET)
    async def decorated(event: hookwise.Event) -> dict[str, Any]:
        reached.append(str(event.id))
        return {"id": event.id}

    assert inspect.iscoroutinefunction(hooks) and inspect.iscoroutinefunction(decorated)
    client = app.test_client()
    headers = hookwise.Webhook(SECRET).sign(EVENT, id="evt_1")
    for path in ["/hooks", "/decorated"]:
        answer = client.post(path, data=EVENT, headers=headers)
        assert (answer.status_code, answer.get_json()) == (200, {"id": "evt_1"})
        answer = client.post(path, data=EVENT.replace(b"job_1", b"job_2"), headers=headers)
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (400, "signature_mismatch")
    assert reached == ["evt_1", "evt_1"]
    hw = Hookwise()
    hw_app = receiver(hw, "async_routes")
    hw_app.config["HOOKWISE_SECRET"] = SECRET
    hw.init_app(hw_app)
    answer = hw_app.test_client().post("/async/3", data=EVENT, headers=headers)
    assert (answer.status_code, answer.get_json()) == (200, {"id": "evt_1", "n": 3, "async": True})


def limited(name: str, handlers: Callable[[Flask], None] = lambda app: None) -> FlaskClient:
    """A test client of an app behind the extension (limit 128 bytes), with ``handlers`` registered."""
    app = Flask(name)
    app.config.update(HOOKWISE_SECRET=SECRET, HOOKWISE_MAX_PAYLOAD_BYTES=128)
    hw = Hookwise(app)
    handlers(app)

    @app.post("/hooks")
    @hw.webhook
    def hooks(event: hookwise.Event) -> str:
        return str(event.id)

    return app.test_client()


def test_a_refusal_is_an_http_exception_the_apps_error_handlers_can_reshape() -> None:
    # Without a handler: Flask's own answer for the exception, 400 / 413 with the hookwise code.
    client = limited("plain")
    answer = client.post("/hooks", data=EVENT)
    message = answer.get_json()["error"]["message"]
    assert (answer.status_code, answer.mimetype, answer.get_json()) == (
        400, "application/json", {"error": {"code": "missing_signature", "message": message}}
    )
    answer = client.post("/hooks", data=EVENT + b" " * 128)
    assert (answer.status_code, answer.get_json()["error"]["code"]) == (413, "payload_too_large")
    assert client.post("/hooks", data=EVENT, headers=hookwise.Webhook(SECRET).sign(EVENT, id="evt_1")).data == b"evt_1"

    # A handler for the hookwise class sees the code and the error and answers its own way.
    seen: list[WebhookRejected] = []

    def reshape(e: WebhookRejected) -> tuple[dict[str, Any], int]:
        seen.append(e)
        return {"rejected": e.error_code, "status": e.code, "why": e.error.message}, 401

    client = limited("reshaped", lambda app: app.register_error_handler(WebhookRejected, reshape))
    answer = client.post("/hooks", data=EVENT)
    assert (answer.status_code, answer.get_json()["rejected"], answer.get_json()["status"]) == (401, "missing_signature", 400)
    assert answer.get_json()["why"] == message
    answer = client.post("/hooks", data=EVENT + b" " * 128)
    assert (answer.status_code, answer.get_json()["rejected"], answer.get_json()["status"]) == (401, "payload_too_large", 413)
    assert [type(e) for e in seen] == [InvalidWebhook, WebhookTooLarge]
    assert isinstance(seen[0].error, hookwise.WebhookSignatureError)

    # Handlers registered by status catch them too (they are BadRequest / RequestEntityTooLarge).
    def by_status(app: Flask) -> None:
        app.register_error_handler(400, lambda e: ({"bad": getattr(e, "error_code", None)}, 422))
        app.register_error_handler(413, lambda e: ({"big": getattr(e, "error_code", None)}, 422))

    client = limited("by_status", by_status)
    assert client.post("/hooks", data=EVENT).get_json() == {"bad": "missing_signature"}
    assert client.post("/hooks", data=EVENT + b" " * 128).get_json() == {"big": "payload_too_large"}
