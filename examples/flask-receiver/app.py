"""A Flask app that receives hookwise deliveries: the verified event reaches the view; anything
else gets 400 with the error code and never reaches it.

    HOOKWISE_WEBHOOK_SECRET=whsec_… flask --app app run --port 5000
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

import hookwise
from hookwise.flask import Hookwise

app = Flask(__name__)
app.config["HOOKWISE_SECRET"] = os.environ.get("HOOKWISE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
app.config["HOOKWISE_SCHEME"] = os.environ.get("HOOKWISE_SCHEME", "standard")
hw = Hookwise(app)
received: list[dict[str, Any]] = []


@app.post("/webhooks")
@hw.webhook
def receive(event: hookwise.Event) -> dict[str, Any]:
    received.append({"id": event.id, "type": event.type, "job": event.data["job"]})
    return {"received": event.id}


@app.get("/received")
def list_received() -> dict[str, Any]:
    return {"events": received}


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
