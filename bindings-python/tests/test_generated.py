"""SDKs made by `hookwise generate --lang python`, installed with pip as a user would, running the
seed vendors' documented Python snippets against a local server that speaks each vendor's
documented request and response shapes (../shared/seeds/003 for Auggie, 004 for ASG)."""

from __future__ import annotations

import importlib
import json
import os
import pathlib
import subprocess
import sys
from typing import Any

import pytest

import hookwise
from conftest import ROOT, SUITE, b64, load

sys.path.insert(0, str(ROOT / "scripts"))
from seed_stub import ASG, AUGGIE, Stub  # noqa: E402 (the stub lives with the demo, which runs it too)

def test_auggies_documented_snippets_run_as_written(generated: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    stub = Stub(AUGGIE)
    monkeypatch.setenv("AUGGIE_BASE_URL", stub.url)
    monkeypatch.setenv("AUGGIE_API_KEY", "aug_your_key")
    try:
        import auggie

        client = auggie.Client()
        # Seed 003, "POST /v1/webhooks/register", verbatim:
        wh = client.register_webhook(
            url="https://yourserver.com/webhook",
            event_types=["research.completed", "bulk.completed"]
        )
        print(wh["secret"])  # Store this securely!
        assert wh.secret == "a1b2c3" and json.loads(json.dumps(wh))["active"] is True
        assert client.get_webhook()["event_types"] == ["research.completed", "bulk.completed"]
        assert client.delete_webhook() is None
        method, path, headers, body = stub.requests[0]
        assert (method, path, body) == ("POST", "/v1/webhooks/register",
                                        {"url": "https://yourserver.com/webhook",
                                         "event_types": ["research.completed", "bulk.completed"]})
        assert headers["authorization"] == "Bearer aug_your_key"
        assert [(m, p, b) for m, p, _, b in stub.requests[1:]] == [("GET", "/v1/webhooks", None),
                                                                 ("DELETE", "/v1/webhooks", None)]
        client.register_webhook(url="https://yourserver.com/webhook")
        assert stub.requests[-1][3] == {"url": "https://yourserver.com/webhook"}, "not passed = left out"
        client.register_webhook(url="https://yourserver.com/webhook", event_types=None)
        assert stub.requests[-1][3] == {"url": "https://yourserver.com/webhook", "event_types": None}
    finally:
        stub.close()

    # Seed 003, "Verifying signatures", verbatim inside a handler; the delivery is signed by the
    # documented reference code (json.dumps(json.loads(payload), separators, sort_keys) + HMAC).
    import hashlib
    import hmac

    class Request:
        body = json.dumps({"id": "evt_a1b2c3d4e5f6", "type": "research.completed",
                           "created_at": "2026-02-16T12:00:00Z", "data": {"job_id": 123}}).encode()
        canonical = json.dumps(json.loads(body), separators=(",", ":"), sort_keys=True).encode()
        headers = {"X-Auggie-Signature": hmac.new(b"your_webhook_secret", canonical, hashlib.sha256).hexdigest()}

    class Response:
        def __init__(self, status_code: int) -> None:
            self.status_code = status_code

    def handler(request: Any) -> Any:
        from auggie import Webhook, WebhookSignatureError
        try:
            event = Webhook.construct_event(
                payload=request.body,
                signature_header=request.headers["X-Auggie-Signature"],
                secret="your_webhook_secret"
            )
            print(f"Event {event['type']}: {event['data']}")
        except WebhookSignatureError:
            return Response(status_code=400)
        return None

    assert handler(Request()) is None
    assert "Event research.completed: {'job_id': 123}" in capsys.readouterr().out
    Request.headers = {"X-Auggie-Signature": "0" * 64}
    assert handler(Request()).status_code == 400


def test_asgs_documented_snippets_run_as_written(generated: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    stub = Stub(ASG)
    monkeypatch.setenv("ASG_BASE_URL", stub.url)
    monkeypatch.setenv("API_KEY", "asg_key")
    try:
        # Seed 004, "Python" and "List", verbatim:
        import os
        from asg_gateway import ASGGatewayClient

        client = ASGGatewayClient(os.environ["API_KEY"])
        wh = client.register_webhook(
            "https://example.com/hooks/asg",
            secret="whsec_...",
            events=["task.settled"],
        )
        print(wh["webhook_id"])
        for w in client.list_webhooks():
            print(w["webhook_id"], w["callback_url"], w["active"])
        client.delete_webhook("whk_xxx")

        assert capsys.readouterr().out.splitlines() == ["whk_1", "whk_1 https://example.com/hooks/asg True"]
        assert [(m, p, b) for m, p, _, b in stub.requests] == [
            ("POST", "/v1/webhooks", {"callback_url": "https://example.com/hooks/asg", "secret": "whsec_...",
                                      "events": ["task.settled"]}),
            ("GET", "/v1/webhooks", None),
            ("DELETE", "/v1/webhooks/whk_xxx", None),
        ]
        assert all(h["authorization"] == "Bearer asg_key" for _, _, h, _ in stub.requests)
        import asg_gateway
        with pytest.raises(asg_gateway.NotFoundError) as caught:
            client.delete_webhook("whk_gone")
        assert (caught.value.status, caught.value.message) == (404, "webhook not found")
    finally:
        stub.close()


def test_every_seed_sdk_has_its_documented_names(generated: pathlib.Path) -> None:
    import argus
    import argyle
    import gabinete360

    assert argus.Webhook.SCHEME == "argus" and callable(argus.Client.wait_for_job)
    assert {"create_job", "get_job", "get_job_result", "list_jobs"} <= set(dir(argus.Client))
    assert callable(gabinete360.Client.create_channel) and gabinete360.Webhook.SCHEME == "gabinete360"
    client = argyle.Client(username="key_id", password="key_secret", base_url="http://127.0.0.1:9")
    assert callable(client.create_webhook) and argyle.Webhook.SCHEME == "argyle"
    with pytest.raises(hookwise.InvalidArgumentError):
        argyle.Client(base_url="http://127.0.0.1:9")  # no credentials given or set: refused at once


def test_a_seed_sdks_clients_close_their_pool_with_with_and_async_with(generated: pathlib.Path) -> None:
    import asyncio

    import auggie

    stub = Stub(AUGGIE)
    try:
        with auggie.Client(api_key="aug_your_key", base_url=stub.url) as client:
            assert client.get_webhook()["event_types"]
        with pytest.raises(hookwise.InvalidArgumentError) as info:
            client.get_webhook()
        assert info.value.code == "client_closed" and len(stub.requests) == 1

        async def main() -> None:
            async with auggie.AsyncClient(api_key="aug_your_key", base_url=stub.url) as aclient:
                assert (await aclient.get_webhook())["event_types"]
            with pytest.raises(hookwise.InvalidArgumentError) as info:
                await aclient.delete_webhook()
            assert info.value.code == "client_closed"

        asyncio.run(main())
        assert [m for m, *_ in stub.requests] == ["GET", "GET"], "nothing sent after closing"
    finally:
        stub.close()


def test_every_generated_webhook_passes_its_schemes_signature_vectors(generated: pathlib.Path) -> None:
    """Each SDK's `Webhook` (its scheme bound, none passed) against the vectors of that scheme."""
    checked = {}
    for init in sorted(generated.glob("*/*/__init__.py")):
        webhook = getattr(importlib.import_module(init.parent.name), "Webhook")
        cases = load(SUITE / "vectors" / "signatures" / f"{webhook.SCHEME}.json")
        assert {case["scheme"] for case in cases} == {webhook.SCHEME}
        for case in cases:
            try:
                event = webhook(case["secrets"], tolerance=case["tolerance"],
                                max_payload_bytes=case["max_payload_bytes"]).verify(
                    b64(case["body_b64"]), case["headers"], now=case["now"])
                got: Any = (True, json.dumps(event.to_dict(), sort_keys=True))
            except hookwise.WebhookSignatureError as e:
                got = (False, e.code)
            expect = case["expect"]
            want = (True, json.dumps(expect["event"], sort_keys=True)) if expect["ok"] else (False, expect["error"])
            assert got == want, f"{init.parent.name}: {case['id']}"
        checked[init.parent.name] = (webhook.SCHEME, len(cases))
    # hookwise's own profile is builtin: its client lives in hookwise, whose Webhook takes any scheme.
    assert set(checked) == {"argus", "gabinete360", "argyle", "auggie", "asg_gateway"}, checked
    assert all(n > 0 for _, n in checked.values()), checked


def test_generated_packages_pass_mypy_strict(generated: pathlib.Path) -> None:
    packages = [str(init.parent) for init in generated.glob("*/*/__init__.py")]
    assert len(packages) == 5, packages
    usage = pathlib.Path(__file__).with_name("generated_usage.py")
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", *packages, str(usage)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_generated_packages_are_formatted(generated: pathlib.Path) -> None:
    """The templates emit what `ruff format` would (the generator also runs it where installed)."""
    # 120 columns, as each generated pyproject.toml says (the builtin hookwise client has none).
    run = subprocess.run([sys.executable, "-m", "ruff", "format", "--check", "--line-length", "120", str(generated)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
