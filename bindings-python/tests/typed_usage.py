"""Typed usage of the public API: `mypy --strict` must accept it (the stubs are tested, not only written)."""

from __future__ import annotations

import asyncio
import pathlib
from typing import Any, Optional

import hookwise


def verify(body: bytes, headers: dict[str, str]) -> str:
    wh = hookwise.Webhook(["whsec_new", "whsec_old"], scheme="standard", tolerance=300)
    try:
        event: hookwise.Event = wh.verify(body, headers, now=1_700_000_000)
    except hookwise.WebhookSignatureError as e:
        return e.code
    signed: dict[str, str] = wh.sign(body, id="msg_1", timestamp=1_700_000_000)
    canonical: bytes = hookwise.canonicalize(body)
    stripe = hookwise.Webhook.construct_event(body, signed["webhook-signature"], "whsec_x", scheme="stripe")
    return f"{event.type} {event.id} {event.created_at} {event.data} {len(canonical)} {stripe.scheme}"


def jobs(client: hookwise.Client) -> list[str]:
    job: hookwise.Job = client.jobs.create("transcode", payload={"input": "a.mp4"}, idempotency_key="k1")
    done = client.jobs.wait(job.id, timeout=30, on_progress=lambda j: print(j.progress_pct))
    ids = [j.id for j in client.jobs.list(kind="transcode").auto_paging_iter()]
    page: hookwise.sdk.Page[hookwise.Job] = client.jobs.list(limit=10)
    endpoint: hookwise.WebhookEndpoint = client.webhooks.register("https://example.com/hooks", events=["job.succeeded"])
    try:
        client.jobs.get("job_nope")
    except hookwise.NotFoundError as e:
        ids.append(f"{e.status} {e.code} {e.trace_id}")
    return [done.status, page.total_count, endpoint.id, *ids]


def engine(path: str) -> list[str]:
    profile: hookwise.Profile = hookwise.Profile.from_file(path)
    api = hookwise.Api(profile, api_key="k", timeout=5.0, max_retries=1, initial_retry_delay=0.1, max_retry_delay=2)
    hookwise.Api(pathlib.Path(path), username="u", password="p", base_url="http://127.0.0.1:8080", user_agent="ua")
    job: Any = api.call("create_job", {"kind": "k", "payload": {"n": [1, 2.5, None]}})
    ids = [str(item["id"]) for item in api.paginate("list_jobs", {"limit": 10})]
    done = api.wait("get_job", {"id": job["id"]}, timeout=30, on_progress=lambda o: print(o["progress_pct"]))
    data: bytes = api.download("/v1/results/1")
    try:
        hookwise.Profile.from_text("openapi: 3.1.0")
    except hookwise.ProfileError as e:
        ids.append(f"{e.code} {e.pointer}")
    try:
        api.call("get_job", {"id": "nope"})
    except hookwise.PermissionDeniedError as e:
        ids.append(f"{e.status} {e.code} {e.body}")
    except (hookwise.UnprocessableEntityError, hookwise.InvalidArgumentError, hookwise.InvalidResponseError) as e:
        ids.append(e.code)
    names: list[str] = profile.operations
    base: Optional[str] = profile.base_url
    return [profile.name, api.base_url, str(done), str(len(data)), str(base), *names, *ids]


async def async_engine(path: str) -> list[Any]:
    api = hookwise.AsyncApi(path, api_key="k", timeout=5.0)
    job = await api.call("get_job", {"id": "j1"})
    items = [item async for item in api.paginate("list_jobs")]
    task: asyncio.Task[Any] = asyncio.create_task(api.wait("get_job", {"id": "j1"}, timeout=30, on_progress=print))
    data: bytes = await api.download("/v1/results/1")
    return [job, items, await task, data, api.profile.name]


async def async_jobs() -> str:
    client = hookwise.AsyncClient("hw_test_key", "http://127.0.0.1:8080")
    job: hookwise.Job = await client.jobs.create("transcode", callback_url=None)
    async for j in (await client.jobs.list()).auto_paging_iter():
        print(j)
    done = await client.jobs.wait(job.id, timeout=30, on_progress=lambda j: print(j.progress_pct))
    data: bytes = await client.download((await client.jobs.result(done.id)).signed_url)
    hooks: list[hookwise.WebhookEndpoint] = (await client.webhooks.list()).webhooks
    deliveries: list[hookwise.Delivery] = (await client.webhooks.deliveries(hooks[0].id)).deliveries
    deleted: hookwise.Deleted = await client.webhooks.delete(hooks[0].id)
    return f"{job} {len(data)} {deliveries} {deleted.deleted}"


def defaults() -> list[str]:
    profile: hookwise.Profile = hookwise.Profile.hookwise()
    client = hookwise.Client(timeout=5.0, max_retries=0, initial_retry_delay=0.1, max_retry_delay=1, user_agent="ua")
    endpoint = client.webhooks.register("https://example.com/hooks", name=None, events=["job.failed"])
    return [profile.name, client.base_url, hookwise.AsyncClient(max_retries=1).base_url, endpoint.id]


def closing(path: str) -> list[str]:
    with hookwise.Client("hw_test_key", "http://127.0.0.1:8080") as client:
        job: hookwise.Job = client.jobs.get("job_1")
    client.close()  # twice is harmless
    with hookwise.Api(path, api_key="k") as api:
        closed: bool = api.closed
    api.close()
    return [job.id, str(closed)]


async def async_closing(path: str) -> list[str]:
    async with hookwise.AsyncClient("hw_test_key", "http://127.0.0.1:8080") as client:
        job: hookwise.Job = await client.jobs.get("job_1")
    await client.aclose()
    async with hookwise.AsyncApi(path, api_key="k") as api:
        closed: bool = api.closed
    return [job.id, str(closed)]


def flask_views() -> None:
    """The decorators keep the view's type: the ``Event`` argument is taken, the rest (the
    route's arguments) and the return type stay; a wrong call is a type error."""
    from collections.abc import Callable, Coroutine

    from flask import Flask

    from hookwise.flask import Hookwise, InvalidWebhook, WebhookRejected, webhook

    app = Flask(__name__)
    app.config["HOOKWISE_SECRET"] = "whsec_x"
    hw = Hookwise(app)

    @app.post("/hooks/<int:n>")
    @hw.webhook
    def view(event: hookwise.Event, n: int) -> dict[str, Any]:
        return {"id": event.id, "n": n}

    @app.post("/async")
    @webhook("whsec_x", scheme="stripe")
    async def async_view(event: hookwise.Event) -> str:
        return str(event.id)

    @app.errorhandler(WebhookRejected)
    def rejected(e: WebhookRejected) -> tuple[dict[str, str], int]:
        return {"why": e.error_code, "what": e.error.message}, 401

    kept: Callable[[int], dict[str, Any]] = view
    kept_async: Callable[[], Coroutine[Any, Any, str]] = async_view
    view("1")  # type: ignore[arg-type]  # (unused, hence an error, if the type were lost)
    print(kept, kept_async, InvalidWebhook.code)


if __name__ == "__main__":
    asyncio.run(async_jobs())
