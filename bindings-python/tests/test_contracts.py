"""The conformance driver plays every contract case (and scenario) through the Python adapter.

The driver is `HOOKWISE_CONFORMANCE_BIN`, else `target/debug/hookwise-conformance` (build it with
`cargo build -p hookwise-conformance`).
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from conftest import ROOT

ADAPTER = pathlib.Path(__file__).resolve().parent / "contract_adapter.py"


def driver() -> str:
    found = os.environ.get("HOOKWISE_CONFORMANCE_BIN") or str(ROOT / "target" / "debug" / "hookwise-conformance")
    if not os.path.exists(found):
        pytest.fail(f"{found} does not exist: build it with `cargo build -p hookwise-conformance`")
    return found


def test_the_driver_passes_every_case_through_the_adapter(generated: pathlib.Path) -> None:
    """Contract cases through the generated SDKs' typed methods, scenarios through `Client`."""
    run = subprocess.run(
        [driver(), "--lang", "python", "--", sys.executable, str(ADAPTER)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HOOKWISE_GENERATED": str(generated)},
    )
    assert run.returncode == 0, f"the driver exited {run.returncode}:\n{run.stdout}\n{run.stderr}"
