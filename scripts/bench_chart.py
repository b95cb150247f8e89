#!/usr/bin/env python3
"""Draws a benchmark's ratios as an SVG chart with matplotlib (in target/bench-venv if need be).

    python3 scripts/bench_chart.py RESULTS.json OUT.svg

RESULTS.json is what a bench script writes: {"title": ..., "rows": [{"size": bytes, "ours": name,
"peer": name, "ratio": hookwise ÷ peer (speed), "lazy": bool, "bound": bool (optional)}, ...]}. The
chart has one group of bars per body size and one bar per comparison (verify-and-read rows only: a
lazy figure is never shown as the headline, and a bound, other projects' code, is not hookwise's),
on a log scale with the line of parity at 1×.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

VENV = Path(__file__).resolve().parents[1] / "target" / "bench-venv"


def pyplot() -> Any:
    """matplotlib's pyplot (headless backend). Without matplotlib, the script runs again in the venv
    target/bench-venv (a system Python may refuse pip installs, PEP 668), which gets it on first use."""
    try:
        import matplotlib
    except ImportError:
        python = VENV / "bin" / "python"
        if Path(sys.prefix).resolve() != VENV.resolve():
            if not python.exists():
                subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            os.execv(python, [str(python), *sys.argv])
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "matplotlib>=3.9,<4"], check=True)
        import matplotlib
    matplotlib.use("svg")
    matplotlib.rcParams["svg.hashsalt"] = "hookwise"  # the same ids on every run: diffs show data
    import matplotlib.pyplot as plt

    return plt


def size_label(size: int) -> str:
    return f"{size // 1024} KiB" if size >= 1024 else f"{size} B"


def draw(results: dict[str, Any], out: Path) -> None:
    plt = pyplot()
    rows = [r for r in results["rows"] if not r["lazy"] and not r.get("bound")]
    sizes = sorted({r["size"] for r in rows})
    pairs = list(dict.fromkeys((r["ours"], r["peer"]) for r in rows))
    ratio = {(r["size"], r["ours"], r["peer"]): r["ratio"] for r in rows}
    width = 0.8 / len(pairs)
    fig, ax = plt.subplots(figsize=(10, 4.8))
    for i, (ours, peer) in enumerate(pairs):
        xs = [s + (i - (len(pairs) - 1) / 2) * width for s in range(len(sizes))]
        ys = [ratio.get((size, ours, peer), float("nan")) for size in sizes]
        bars = ax.bar(xs, ys, width, label=f"{ours.removesuffix(' +data')} vs {peer}")
        ax.bar_label(bars, labels=[f"{y:.2f}×" for y in ys], fontsize=7, padding=2)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(sizes)), [size_label(s) for s in sizes])
    ax.set_xlabel("body size")
    ax.set_ylabel("hookwise ÷ peer, speed (> 1: hookwise faster)")
    ax.set_title(results["title"], fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    draw(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))


if __name__ == "__main__":
    main()
