"""`hookwise.Client` and `AsyncClient`: typed calls into `Api` / `AsyncApi` with the profile the
core embeds. What they send is checked on a recording stub (arguments not given are left out);
what they do end to end against a real `hookwise serve`. The scenarios (test_contracts.py) prove
the Client behaves as in the other languages.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest

import hookwise
from conftest import API_KEY, ROOT, Server
from test_api import Stub, job, stub  # noqa: F401 (the fixture)

ENDPOINT = {"id": "wh_1", "url": "https://example.com/hooks", "events": ["*"], "name": None, "status": "active"}


def test_the_embedded_profile_is_profiles_hookwise_yaml() -> None:
    embedded = hookwise.Profile.hookwise()
    on_disk = hookwise.Profile.from_file(ROOT / "profiles" / "hookwise.yaml")
    assert embedded.name == on_disk.name == "hookwise"
    assert embedded.operations == on_disk.operations
    assert embedded.base_url == on_disk.base_url


def test_key_and_base_url_follow_the_engine_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOOKWISE_BASE_URL", raising=False)
    monkeypatch.delenv("HOOKWISE_API_KEY", raising=False)
    assert hookwise.Client("k").base_url == hookwise.Profile.hookwise().base_url
    monkeypatch.setenv("HOOKWISE_BASE_URL", "http://127.0.0.1:9")
    assert hookwise.Client("k").base_url == "http://127.0.0.1:9"
    assert hookwise.AsyncClient("k").base_url == "http://127.0.0.1:9"
    assert hookwise.Client("k", "http://127.0.0.1:10").base_url == "http://127.0.0.1:10"
    with pytest.raises(hookwise.InvalidArgumentError) as info:
        hookwise.Client()
    assert "HOOKWISE_API_KEY" in str(info.value)
    monkeypatch.setenv("HOOKWISE_API_KEY", "env_key")
    assert repr(hookwise.Client()) == "Client(base_url='http://127.0.0.1:9')"


def test_arguments_not_given_are_left_out(stub: Stub) -> None:
    stub.routes["POST /v1/jobs"] = lambda r: (201, job("job_1", "queued"))
    stub.routes["GET /v1/jobs"] = lambda r: (200, {"jobs": [job("job_1")], "next_cursor": None, "total_count": 1})
    stub.routes["POST /v1/webhooks"] = lambda r: (201, {**ENDPOINT, **r["body"]})
    stub.routes["PATCH /v1/webhooks/wh_1"] = lambda r: (200, {**ENDPOINT, **r["body"]})
    client = hookwise.Client("k", stub.url, user_agent="ua/1")

    assert client.jobs.create("k").id == "job_1"
    client.jobs.create("k", payload={"n": 1}, callback_url=None, secrecy_level="public", idempotency_key="key_1")
    page = client.jobs.list()
    client.jobs.list(kind="k", limit=5)
    client.webhooks.register("https://example.com/hooks")
    endpoint = client.webhooks.register("https://example.com/hooks", events=("job.failed",), name=None)
    client.webhooks.update("wh_1", status="disabled")

    sent = stub.requests
    assert sent[0]["body"] == {"kind": "k"} and sent[0]["headers"]["idempotency-key"]
    assert sent[1]["body"] == {"kind": "k", "payload": {"n": 1}, "callback_url": None, "secrecy_level": "public"}
    assert sent[1]["headers"]["idempotency-key"] == "key_1"
    assert sent[2]["query"] == {} and sent[3]["query"] == {"kind": ["k"], "limit": ["5"]}
    assert sent[4]["body"] == {"url": "https://example.com/hooks"}
    assert sent[5]["body"] == {"url": "https://example.com/hooks", "events": ["job.failed"], "name": None}
    assert sent[6]["method"] == "PATCH" and sent[6]["body"] == {"status": "disabled"}
    assert {r["headers"]["user-agent"] for r in sent} == {"ua/1"}
    assert isinstance(page, hookwise.sdk.Page) and isinstance(page.jobs[0], hookwise.Job)
    assert isinstance(endpoint, hookwise.WebhookEndpoint) and endpoint.events == ["job.failed"]


def test_the_blocking_client_end_to_end(server: Server) -> None:
    client = hookwise.Client(API_KEY, server.base_url)
    created = client.jobs.create("thumbnail", payload={"duration_ms": 300})
    progress: list[hookwise.Job] = []
    done = client.jobs.wait(created.id, timeout=15, on_progress=progress.append)
    assert done.status == "succeeded" and progress and all(isinstance(j, hookwise.Job) for j in progress)
    result = client.jobs.result(done.id)
    assert isinstance(result, hookwise.JobResult)
    assert json.loads(client.download(result.signed_url))
    assert [j.id for j in client.jobs.list(kind="thumbnail", limit=1).auto_paging_iter()] == [created.id]
    with pytest.raises(hookwise.ConflictError):
        client.jobs.cancel(done.id)

    endpoint = client.webhooks.register("https://example.com/hooks", events=["job.failed"], name="n")
    assert endpoint.secret.startswith("whsec_")
    assert [e.id for e in client.webhooks.list().webhooks] == [endpoint.id]
    assert client.webhooks.update(endpoint.id, name="m").name == "m"
    assert client.webhooks.rotate_secret(endpoint.id).secret != endpoint.secret
    assert client.webhooks.deliveries(endpoint.id).deliveries == []
    deleted = client.webhooks.delete(endpoint.id)
    assert isinstance(deleted, hookwise.Deleted) and deleted.deleted is True
    with pytest.raises(hookwise.NotFoundError):
        client.webhooks.get(endpoint.id)


def test_the_async_client_awaits_the_engine_without_a_thread_pool(server: Server) -> None:
    async def main() -> None:
        client = hookwise.AsyncClient(API_KEY, server.base_url)
        created = await client.jobs.create("async", payload={"duration_ms": 300})
        progress: list[hookwise.Job] = []
        done = await client.jobs.wait(created.id, timeout=15, on_progress=progress.append)
        assert done.status == "succeeded" and all(isinstance(j, hookwise.Job) for j in progress)
        result = await client.jobs.result(done.id)
        assert json.loads(await client.download(result.signed_url))
        page = await client.jobs.list(kind="async")
        assert [j.id for j in page.jobs] == [created.id]
        assert (await client.jobs.get(created.id)) == done
        endpoint = await client.webhooks.register("https://example.com/hooks")
        assert [e.id for e in (await client.webhooks.list()).webhooks] == [endpoint.id]
        assert (await client.webhooks.update(endpoint.id, status="disabled")).status == "disabled"
        assert (await client.webhooks.get(endpoint.id)).status == "disabled"
        assert (await client.webhooks.rotate_secret(endpoint.id)).secret != endpoint.secret
        assert (await client.webhooks.deliveries(endpoint.id)).deliveries == []
        assert (await client.webhooks.delete(endpoint.id)).deleted is True
        with pytest.raises(hookwise.ConflictError):
            await client.jobs.cancel(done.id)
        # asyncio.to_thread would have started the loop's default executor ("asyncio_0", …).
        assert not [t.name for t in threading.enumerate() if t.name.startswith("asyncio_")]

    asyncio.run(main())


def test_an_exception_in_on_progress_is_raised_after_the_wait(stub: Stub) -> None:
    stub.routes["GET /v1/jobs/job_1"] = lambda r: (200, job("job_1", "succeeded", 100))

    def fail(j: Any) -> None:
        raise RuntimeError(f"seen {j.status}")

    with pytest.raises(RuntimeError, match="seen succeeded"):
        hookwise.Client("k", stub.url).jobs.wait("job_1", timeout=5, on_progress=fail)


def test_the_clients_are_context_managers_that_close_the_pool(server: Server) -> None:
    with hookwise.Client(API_KEY, server.base_url) as client:
        job = client.jobs.create("thumbnail")
    with pytest.raises(hookwise.InvalidArgumentError) as info:
        client.jobs.get(job.id)
    assert info.value.code == "client_closed"
    client.close()  # twice is harmless

    async def main() -> None:
        async with hookwise.AsyncClient(API_KEY, server.base_url) as client:
            assert (await client.jobs.get(job.id)).id == job.id
        with pytest.raises(hookwise.InvalidArgumentError) as info:
            await client.jobs.list()
        assert info.value.code == "client_closed"
        await client.aclose()

    asyncio.run(main())
    # Another client is not affected: closing is per client (and its pool).
    assert hookwise.Client(API_KEY, server.base_url).jobs.get(job.id).id == job.id
