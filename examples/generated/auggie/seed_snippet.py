"""Auggie's documented Python (../shared/seeds/003), run as written against the generated `auggie`
package: register a webhook, then verify a delivery signed the way Auggie's docs sign it.

    pip install examples/generated/auggie/python   # after `pip install hookwise`
    AUGGIE_BASE_URL=http://127.0.0.1:PORT AUGGIE_API_KEY=aug_your_key python seed_snippet.py

The demo (scripts/demo.sh) runs it against scripts/seed_stub.py, which answers as the docs show.
"""

import hashlib
import hmac
import json

from auggie import Client

client = Client()  # AUGGIE_API_KEY, AUGGIE_BASE_URL

# Seed 003, "POST /v1/webhooks/register", verbatim:
wh = client.register_webhook(
    url="https://yourserver.com/webhook",
    event_types=["research.completed", "bulk.completed"]
)
print(wh["secret"])  # Store this securely!


class Request:
    """A delivery as Auggie sends it: signed by the docs' reference code (canonical JSON + HMAC)."""

    body = json.dumps({"id": "evt_a1b2c3d4e5f6", "type": "research.completed",
                       "created_at": "2026-02-16T12:00:00Z", "data": {"job_id": 123, "document_id": 456}}).encode()
    canonical = json.dumps(json.loads(body), separators=(",", ":"), sort_keys=True).encode()
    headers = {"X-Auggie-Signature": hmac.new(b"your_webhook_secret", canonical, hashlib.sha256).hexdigest()}


request = Request()

# Seed 003, "Verifying signatures", verbatim:
from auggie import Webhook, WebhookSignatureError
try:
    event = Webhook.construct_event(
        payload=request.body,
        signature_header=request.headers["X-Auggie-Signature"],
        secret="your_webhook_secret"
    )
    print(f"Event {event['type']}: {event['data']}")
except WebhookSignatureError:
    raise SystemExit("the documented signature did not verify")
