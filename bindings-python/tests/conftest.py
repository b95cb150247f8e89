"""Shared fixtures: the conformance suite's location and a real `hookwise serve` on loopback."""

from __future__ import annotations

import base64
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
from typing import Any, Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SUITE = ROOT / "tests" / "conformance"
API_KEY = "hw_test_key"


def load(path: pathlib.Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def xfail_ids() -> set[str]:
    path = SUITE / "xfail" / "python.txt"
    if not path.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


def hookwise_binary() -> str:
    """The CLI built by the test command (`target/release/hookwise`), or HOOKWISE_BIN."""
    found = os.environ.get("HOOKWISE_BIN") or str(ROOT / "target" / "release" / "hookwise")
    if not os.path.exists(found):
        raise RuntimeError(f"{found} does not exist: build it with `cargo build --release -p hookwise-cli`")
    return found


PROFILES = ["hookwise", "argus", "gabinete360", "argyle", "auggie", "asg"]


@pytest.fixture(scope="session")
def generated() -> Iterator[pathlib.Path]:
    """The six profiles' SDKs, made by `hookwise generate --lang python` into `<dir>/<profile>`
    and pip-installed into this interpreter's environment, as a user installs them."""
    import importlib
    import sys

    with tempfile.TemporaryDirectory() as out:
        targets = [pathlib.Path(out) / name for name in PROFILES]
        for target in targets:
            profile = ROOT / "profiles" / f"{target.name}.yaml"
            subprocess.run([hookwise_binary(), "generate", str(profile), "--lang", "python", "--out", str(target)],
                           check=True, capture_output=True)
        # hookwise's own profile is `builtin`: its client is the installed hookwise package's.
        packages = [str(t) for t in targets if (t / "pyproject.toml").exists()]
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "--no-build-isolation", *packages], check=True)
        importlib.invalidate_caches()
        yield pathlib.Path(out)


class Server:
    """A `hookwise serve` process with its own data dir."""

    def __init__(self, *flags: str) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="hookwise-py-")
        self.process = subprocess.Popen(
            [hookwise_binary(), "serve", "--port", "0", "--api-key", API_KEY, "--data-dir", self.data_dir,
             "--retry-schedule", "0.05,0.1,0.2", "--allow-private-targets", *flags],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if "listening on " in line:
                self.base_url = line.split("listening on ", 1)[1].strip()
                break
        else:
            raise RuntimeError("hookwise serve exited before listening")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.stop()
