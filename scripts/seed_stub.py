"""A loopback HTTP server that answers as a seed vendor's documentation shows (../shared/seeds/:
003 for Auggie, 004 for ASG), recording every request. The demo runs it (`python3
scripts/seed_stub.py auggie` prints "listening on http://…"); the Python tests import it."""

from __future__ import annotations

import http.server
import json
import sys
import threading
from typing import Any

# What each stub answers, keyed by (method, path): status and JSON body, from the seeds.
AUGGIE = {
    ("POST", "/v1/webhooks/register"): (200, {"object": "webhook", "url": "https://yourserver.com/webhook",
                                              "secret": "a1b2c3", "active": True,
                                              "event_types": ["research.completed", "bulk.completed"]}),
    ("GET", "/v1/webhooks"): (200, {"object": "webhook", "url": "https://yourserver.com/webhook", "active": True,
                                    "event_types": ["research.completed", "bulk.completed"]}),
    ("DELETE", "/v1/webhooks"): (204, None),
}
ASG = {
    ("POST", "/v1/webhooks"): (201, {"webhook_id": "whk_1", "callback_url": "https://example.com/hooks/asg",
                                     "events": ["task.settled"], "active": True}),
    ("GET", "/v1/webhooks"): (200, [{"webhook_id": "whk_1", "callback_url": "https://example.com/hooks/asg",
                                     "events": ["task.settled"], "active": True}]),
    ("DELETE", "/v1/webhooks/whk_xxx"): (204, None),
    ("DELETE", "/v1/webhooks/whk_gone"): (404, {"error": "webhook not found"}),
}


class Stub:
    """A loopback HTTP server answering from a table and recording every request."""

    def __init__(self, table: dict[tuple[str, str], tuple[int, Any]]) -> None:
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                stub.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status, payload = table.get((self.command, self.path), (404, {"error": "no route"}))
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


if __name__ == "__main__":
    stub = Stub({"auggie": AUGGIE, "asg": ASG}[sys.argv[1]])
    print(f"{sys.argv[1]} stub listening on {stub.url}", flush=True)
    threading.Event().wait()
