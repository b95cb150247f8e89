"""Helpers shared by the conformance generators (no hookwise code is used anywhere here)."""

import base64
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFORMANCE = HERE.parent
VECTORS = CONFORMANCE / "vectors"

#: The clock every case uses unless it is about time (2023-11-14T22:13:20Z).
NOW = 1700000000


def require_cpython_311():
    """The oracle is CPython's json module as of 3.11 (int digit limit, float repr)."""
    if sys.implementation.name != "cpython" or sys.version_info < (3, 11):
        sys.exit(f"the generators need CPython >= 3.11, not {sys.implementation.name} {sys.version}")
    # CPython's default; pinned so that PYTHONINTMAXSTRDIGITS cannot change the vectors.
    sys.set_int_max_str_digits(4300)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def canonical_json(body: bytes) -> bytes:
    """The providers' canonical form, exactly as their Python reference computes it."""
    return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode("utf-8")


class Ids:
    """Stable ids `<prefix>-<slug>-NNN`, numbered per slug in the order cases are defined."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.counts = Counter()

    def next(self, slug: str) -> str:
        self.counts[slug] += 1
        return f"{self.prefix}-{slug}-{self.counts[slug]:03d}"


def write_json(path: Path, value) -> None:
    """Deterministic, pretty-printed output with a trailing newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    path.write_text(text, encoding="utf-8")


def assert_unique_ids(cases) -> None:
    seen = Counter(case["id"] for case in cases)
    dupes = sorted(i for i, n in seen.items() if n > 1)
    assert not dupes, f"duplicate ids: {dupes}"
