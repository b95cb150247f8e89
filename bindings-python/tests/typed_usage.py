"""Typed usage of the public API: `mypy --strict` must accept it (the stubs are tested, not only written)."""

from __future__ import annotations

import asyncio

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
    job: hookwise.Job = client.jobs.create("transcode", {"input": "a.mp4"}, idempotency_key="k1")
    done = client.jobs.wait(job.id, timeout=30, on_progress=lambda j: print(j.progress_pct))
    ids = [j.id for j in client.jobs.list_all(kind="transcode")]
    page: hookwise.JobList = client.jobs.list(limit=10)
    endpoint: hookwise.WebhookEndpoint = client.webhooks.register("https://example.com/hooks", events=["job.succeeded"])
    try:
        client.jobs.get("job_nope")
    except hookwise.NotFoundError as e:
        ids.append(f"{e.status} {e.code} {e.trace_id}")
    return [done.status, page.total_count, endpoint.id, *ids]


async def async_jobs() -> str:
    client = hookwise.AsyncClient("hw_test_key", "http://127.0.0.1:8080")
    job = await client.jobs.create("transcode")
    async for j in client.jobs.list_all():
        print(j)
    return str(job)


if __name__ == "__main__":
    asyncio.run(async_jobs())
