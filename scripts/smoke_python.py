"""An installed hookwise imports and verifies one Standard Webhooks signature made here with the
standard library (not with hookwise), and refuses the same body tampered with.

    python scripts/smoke_python.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import hookwise

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"id":"evt_smoke","type":"job.succeeded","data":{"job":{"id":"job_1"}}}'
TIMESTAMP = 1_700_000_000

key = base64.b64decode(SECRET.removeprefix("whsec_"))
mac = hmac.new(key, b"evt_smoke.%d.%s" % (TIMESTAMP, BODY), hashlib.sha256).digest()
headers = {
    "webhook-id": "evt_smoke",
    "webhook-timestamp": str(TIMESTAMP),
    "webhook-signature": "v1," + base64.b64encode(mac).decode(),
}
event = hookwise.Webhook(SECRET).verify(BODY, headers, now=TIMESTAMP)
assert (event.id, event.type) == ("evt_smoke", "job.succeeded"), (event.id, event.type)
try:
    hookwise.Webhook(SECRET).verify(BODY.replace(b"job_1", b"job_2"), headers, now=TIMESTAMP)
except hookwise.WebhookSignatureError as e:
    assert e.code == "signature_mismatch", e.code
else:
    raise AssertionError("a tampered body was accepted")
print(f"hookwise {hookwise.__version__} from {hookwise.__file__}: verified {event.id}, refused a tampered body")
