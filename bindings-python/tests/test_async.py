"""AsyncClient: the same calls, awaitable, against a real server; the event loop keeps running."""

from __future__ import annotations

import asyncio

import pytest

import hookwise
from conftest import API_KEY, Server


def test_async_client_creates_waits_and_lists(server: Server) -> None:
    async def main() -> None:
        client = hookwise.AsyncClient(API_KEY, server.base_url)
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        ticker = asyncio.create_task(tick())
        jobs = await asyncio.gather(*(client.jobs.create("async", payload={"n": i, "duration_ms": 200}) for i in range(3)))
        done = await asyncio.gather(*(client.jobs.wait(j.id, timeout=15) for j in jobs))
        ticker.cancel()
        assert [d.status for d in done] == ["succeeded"] * 3
        assert ticks > 5, "the event loop was blocked while waiting"
        seen = [j.id async for j in (await client.jobs.list(kind="async", limit=2)).auto_paging_iter()]
        assert sorted(seen) == sorted(j.id for j in jobs)
        with pytest.raises(hookwise.NotFoundError):
            await client.jobs.get("job_nope")

    asyncio.run(main())
