"""Sequential API round trips per second on loopback: hookwise's client (and its engine, `Api`)
against `httpx` and `requests`, measured in one run against one `hookwise serve`. Every
contender makes the same authenticated GET of a job and reads the JSON answer into Python objects.

    pip install ./bindings-python httpx requests
    HOOKWISE_BIN=target/release/hookwise python bindings-python/bench/bench_client.py [--quick]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import hookwise

try:
    import httpx
    import requests
except ImportError:  # pragma: no cover - the bench says what it needs
    sys.exit("pip install httpx requests  (the peers are measured in the same run)")

ROOT = Path(__file__).resolve().parents[2]
KEY = "hw_test_key"


def rate(fn: Callable[[], Any], budget: float) -> float:
    """Calls per second, measured for about `budget` seconds (after a warm-up)."""
    for _ in range(20):
        fn()
    n, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < budget:
        for _ in range(50):
            fn()
        n += 50
    return n / elapsed


def start_server(data_dir: str) -> tuple[subprocess.Popen[str], str]:
    binary = os.environ.get("HOOKWISE_BIN", str(ROOT / "target/release/hookwise"))
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0", "--api-key", KEY, "--data-dir", data_dir],
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if match := re.search(r"listening on (\S+)", line):
            return proc, match.group(1)
    sys.exit("hookwise serve did not start")


def main() -> None:
    budget = 0.5 if "--quick" in sys.argv else 3.0
    with tempfile.TemporaryDirectory() as data_dir:
        proc, base = start_server(data_dir)
        try:
            client = hookwise.Client(KEY, base)
            job = client.jobs.create("bench", payload={"duration_ms": 0})
            url = f"{base}/v1/jobs/{job.id}"
            auth = {"Authorization": f"Bearer {KEY}"}
            hx = httpx.Client(headers=auth)
            rq = requests.Session()
            rq.headers.update(auth)
            contenders: dict[str, Callable[[], Any]] = {
                "hookwise Client.jobs.get": lambda: client.jobs.get(job.id).status,
                "httpx.Client.get + .json()": lambda: hx.get(url).json()["status"],
                "requests.Session.get + .json()": lambda: rq.get(url).json()["status"],
            }
            if hasattr(hookwise, "Api"):
                api = hookwise.Api(str(ROOT / "profiles/hookwise.yaml"), api_key=KEY, base_url=base)
                contenders["hookwise Api.call('get_job')"] = lambda: api.call("get_job", {"id": job.id})["status"]
            for name, fn in contenders.items():
                assert fn() in ("queued", "running", "succeeded"), name
            rates = {name: rate(fn, budget) for name, fn in contenders.items()}
        finally:
            proc.terminate()
            proc.wait()
    ours = rates["hookwise Client.jobs.get"]
    print(f"sequential GET /v1/jobs/{{id}} round trips on loopback ({budget:.1f} s each)")
    print(f"{'contender':34} {'calls/s':>9} {'µs/call':>8} {'hookwise ÷ it':>14}")
    for name, r in rates.items():
        print(f"{name:34} {r:9.0f} {1e6 / r:8.1f} {ours / r:13.2f}×")
    for peer in ("httpx.Client.get + .json()", "requests.Session.get + .json()"):
        verdict = "met" if ours / rates[peer] >= 2.0 else "NOT met"
        print(f"target ≥ 2× {peer.split('.')[0]}: {ours / rates[peer]:.2f}× ({verdict})")


if __name__ == "__main__":
    main()
