"""What one job create costs SQLite (its idempotency row and its job row, on the server's schema)
when each create commits alone, as the server does, and when creates share a transaction (group
commit). CPU and wall time per create, three runs per batch size. Run from the repository root:

    taskset -c 1 python3 scripts/load/commit_cost.py
"""

import json
import pathlib
import sqlite3
import tempfile
import time
import uuid

SOURCE = pathlib.Path("server/src/store/mod.rs").read_text()
SCHEMA = "".join(SOURCE.split(f'const {name}: &str = "', 1)[1].split('";', 1)[0] for name in ("PRAGMAS", "SCHEMA"))
BODY = json.dumps({
    "id": "job_01KF0000000000000000000000", "kind": "transcode", "status": "queued", "progress_pct": 0,
    "payload": {"input": "s3://media/in/movie.mp4", "preset": "1080p", "duration_ms": 600000},
    "callback_url": None, "secrecy_level": "internal", "result_ref": None, "error": None,
    "created_at": "2026-12-03T05:00:00Z", "updated_at": "2026-12-03T05:00:00Z",
    "started_at": None, "finished_at": None,
})


def per_create(batch: int, creates: int = 20_000) -> tuple[float, float]:
    """CPU and wall microseconds per create, committing every `batch` creates."""
    with tempfile.TemporaryDirectory() as data:
        db = sqlite3.connect(pathlib.Path(data, "hookwise.db"), isolation_level=None)
        db.executescript(SCHEMA)
        cpu, wall = time.process_time(), time.perf_counter()
        for first in range(0, creates, batch):
            db.execute("BEGIN")
            for n in range(first, first + batch):
                job = f"job_{uuid.uuid4().hex}"
                db.execute(
                    "INSERT INTO idempotency_keys (api_key, key, request_hash, job_id) VALUES (?1, ?2, ?3, ?4)",
                    ("a" * 64, f"load-{n}", "b" * 64, job),
                )
                db.execute(
                    "INSERT INTO jobs (id, kind, status, body) VALUES (?1, ?2, ?3, ?4)",
                    (job, "transcode", "queued", BODY),
                )
            db.execute("COMMIT")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        db.close()
    return cpu / creates * 1e6, wall / creates * 1e6


for size in (1, 8, 32, 128):
    runs = sorted(per_create(size) for _ in range(3))
    print(f"{size:4} per commit: CPU {' '.join(f'{c:.0f}' for c, _ in runs)} µs/create, "
          f"wall {' '.join(f'{w:.0f}' for _, w in runs)} µs/create")
