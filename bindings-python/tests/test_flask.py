"""The Flask example app, served for real (werkzeug on loopback), receiving a real delivery from
`hookwise serve`, and refusing a tampered one."""

from __future__ import annotations

import importlib.util
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

import hookwise
from conftest import API_KEY, ROOT, Server

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
