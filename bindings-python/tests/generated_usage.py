"""Type-checked (mypy --strict), not run: what users of generated SDKs write, with the types the
generated annotations give. test_generated.py checks it once the seed SDKs are installed."""

from __future__ import annotations

import json

import argus
import asg_gateway
import auggie
from argus import types as argus_types


def argus_jobs(client: argus.Client) -> int:
    job: argus_types.Job = client.create_job("intelligence.enrich.bulk", {"profile_ids": ["p1"]}, callback_url="https://x")
    status: str = job.status
    pct: int | None = job.progress_pct
    page = client.list_jobs(status="running", limit=50)
    total: int = sum(1 for j in page.auto_paging_iter() if j.kind == job.kind)
    done = client.wait_for_job(job.id, timeout=60, on_progress=lambda j: print(j.progress_pct))
    result = client.get_job_result(done.id)
    return total + len(status) + (pct or 0) + len(result.signed_url)


async def argus_async(client: argus.AsyncClient) -> list[str]:
    page = await client.list_jobs(kind="k")
    return [j.id async for j in page.auto_paging_iter()]


def asg_webhooks(client: asg_gateway.ASGGatewayClient) -> list[bool]:
    wh = client.register_webhook("https://example.com/hooks/asg", secret="whsec_...", events=["task.settled"])
    print(wh.webhook_id, json.dumps(wh))
    return [w.active for w in client.list_webhooks()]


def auggie_verify(body: bytes, signature: str) -> object:
    event = auggie.Webhook.construct_event(payload=body, signature_header=signature, secret="s")
    return event["data"]
