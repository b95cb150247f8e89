"""Reference signers and verifiers: the OUTSIDE code that decides every expected verdict.

- argus, auggie, asg, gabinete360, argyle, shopify, slack: each provider's documented Python
  snippet (`hmac` + `hashlib`), written the way the provider's docs show it;
- standard: the `standardwebhooks` package (pinned 1.1.0);
- stripe: the `stripe` package (pinned 16.1.0);
- github: `@octokit/webhooks-methods` (Node, pinned in node/package.json), through node/octokit.mjs.

Every `verify_<preset>(cases)` takes cases (objects with `headers`, `body`, `secrets`, `now`,
`tolerance`) and returns one bool per case: did the reference accept it? Headers are looked up
case-insensitively, as every web framework hands them to such a snippet. Rotation (several
secrets) means "accepted if any secret is accepted", except for github where octokit's own
`verifyWithFallback` does it. A reference that raises one of REFUSALS has refused.
"""

import base64
import binascii
import contextlib
import hashlib
import hmac
import importlib
import importlib.metadata
import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import standardwebhooks
import standardwebhooks.webhooks
import stripe

STRIPE_WEBHOOK = importlib.import_module("stripe._webhook")

PINNED = {"standardwebhooks": "1.1.0", "stripe": "16.1.0"}
OCTOKIT_DIR = Path(__file__).resolve().parent / "node"

REFUSALS = (
    ValueError,  # includes json.JSONDecodeError, UnicodeDecodeError, int()/float() failures
    TypeError,  # hmac.compare_digest on a missing (None) or non-ASCII header
    AttributeError,  # Shopify's snippet calls .encode() on the header: a missing header raises
    KeyError,
    IndexError,
    OverflowError,
    binascii.Error,
    standardwebhooks.webhooks.WebhookVerificationError,
    standardwebhooks.webhooks.EmptyWebhookSecretError,
    stripe.SignatureVerificationError,
)


def check_pins() -> None:
    for package, version in PINNED.items():
        found = importlib.metadata.version(package)
        assert found == version, f"{package} {found} is installed, the generator pins {version}"


def header(headers: dict, name: str):
    """Case-insensitive header lookup, as Flask/Django/Starlette provide it."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def accepted(check) -> bool:
    """Run one reference check; a documented refusal (exception) is a refusal."""
    try:
        return bool(check())
    except REFUSALS:
        return False


def any_secret(case, verify_one) -> bool:
    return any(accepted(lambda secret=secret: verify_one(secret)) for secret in case.secrets)


# ---------------------------------------------------------------------------------------------
# Documented provider snippets (one function per provider, as their docs show it)
# ---------------------------------------------------------------------------------------------


def argus_verify(body: bytes, signature: str, secret: str) -> bool:
    """Argus: HMAC-SHA256 over the canonical JSON of the body, header `sha256=<hex>`."""
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    expected = "sha256=" + hmac.new(secret.encode(), canonical, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def auggie_verify(body: bytes, signature: str, secret: str) -> bool:
    """Auggie: HMAC-SHA256 over the canonical JSON of the body, header = bare hex."""
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    expected = hmac.new(secret.encode(), canonical, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def asg_verify(body: bytes, signature: str, secret: str) -> bool:
    """ASG: HMAC-SHA256 over the raw body, header `sha256=<hex>`."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def gabinete360_verify(body: bytes, signature: str, secret: str) -> bool:
    """Gabinete360 (x-argos-signature): HMAC-SHA256 over the raw body, bare hex."""
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def argyle_verify(body: bytes, signature: str, secret: str) -> bool:
    """Argyle: HMAC-SHA512 over the raw body, bare hex."""
    expected = hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()
    return hmac.compare_digest(expected, signature)


def shopify_verify(data: bytes, hmac_header: str, secret: str) -> bool:
    """Shopify: base64 of HMAC-SHA256 over the raw body, compared as bytes."""
    digest = hmac.new(secret.encode("utf-8"), data, hashlib.sha256).digest()
    computed_hmac = base64.b64encode(digest)
    return hmac.compare_digest(computed_hmac, hmac_header.encode("utf-8"))


def slack_verify(body: bytes, timestamp: str, slack_signature: str, secret: str, now: int,
                 tolerance: int = 60 * 5) -> bool:
    """Slack: `v0:{timestamp}:{body}`, header `v0=<hex>`; replays older or newer than 5 min fail.

    The docs read `time.time()`; the clock is a parameter here so that it can be pinned.
    """
    if abs(now - int(timestamp)) > tolerance:
        return False
    sig_basestring = "v0:" + timestamp + ":" + body.decode("utf-8")
    my_signature = "v0=" + hmac.new(secret.encode(), sig_basestring.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(my_signature, slack_signature)


def argus_sign(body: bytes, secret: str) -> str:
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    return "sha256=" + hmac.new(secret.encode(), canonical, hashlib.sha256).hexdigest()


def auggie_sign(body: bytes, secret: str) -> str:
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(secret.encode(), canonical, hashlib.sha256).hexdigest()


def asg_sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def gabinete360_sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def argyle_sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


def shopify_sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode()


def slack_sign(body: bytes, secret: str, timestamp: str) -> str:
    basestring = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), basestring, hashlib.sha256).hexdigest()


def _snippet_verifier(header_name, snippet):
    def verify(cases):
        return [any_secret(c, lambda s, c=c: snippet(c.body, header(c.headers, header_name), s))
                for c in cases]
    return verify


verify_argus = _snippet_verifier("X-Argus-Signature", argus_verify)
verify_auggie = _snippet_verifier("X-Auggie-Signature", auggie_verify)
verify_asg = _snippet_verifier("X-ASG-Signature", asg_verify)
verify_gabinete360 = _snippet_verifier("x-argos-signature", gabinete360_verify)
verify_argyle = _snippet_verifier("X-Argyle-Signature", argyle_verify)
verify_shopify = _snippet_verifier("X-Shopify-Hmac-Sha256", shopify_verify)


def verify_slack(cases):
    def one(c):
        return any_secret(c, lambda s: slack_verify(
            c.body, header(c.headers, "X-Slack-Request-Timestamp"), header(c.headers, "X-Slack-Signature"),
            s, c.now, 300 if c.tolerance is None else c.tolerance))
    return [one(c) for c in cases]


# ---------------------------------------------------------------------------------------------
# Standard Webhooks: the standardwebhooks package
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def standardwebhooks_clock(now: int, tolerance: int):
    """Pin `datetime.now()` inside standardwebhooks.webhooks and set its (hard-coded 5 min) window."""
    module = standardwebhooks.webhooks

    class PinnedDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.fromtimestamp(now, tz)

    def window(minutes):
        assert minutes == 5, "standardwebhooks changed its replay window"
        return timedelta(seconds=tolerance)

    saved = module.datetime, module.timedelta
    module.datetime, module.timedelta = PinnedDatetime, window
    try:
        yield
    finally:
        module.datetime, module.timedelta = saved


def standard_sign(body: bytes, secret: str, msg_id: str, timestamp: int) -> str:
    """`Webhook.sign` of the reference library (it takes the body as a str)."""
    when = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return standardwebhooks.Webhook(secret).sign(msg_id, when, body.decode("utf-8"))


def standard_sign_verbatim(body: bytes, secret: str, msg_id: str, timestamp_text: str) -> str:
    """The HMAC of `Webhook.sign` (the library's own secret decoding and `hmac_data`) over a
    timestamp text exactly as sent: `Webhook.sign` only takes datetimes, which cannot express
    texts such as "abc" or a year past 9999."""
    key = standardwebhooks.Webhook(secret)._whsecret
    digest = standardwebhooks.webhooks.hmac_data(key, f"{msg_id}.{timestamp_text}.".encode() + body)
    return "v1," + base64.b64encode(digest).decode()


def verify_standard(cases):
    """`Webhook(secret).verify(body, headers)`; json_parse=False: only the verdict on the
    signature and headers is asked here, the body's JSON is checked by the generator itself."""
    results = []
    for c in cases:
        with standardwebhooks_clock(c.now, 300 if c.tolerance is None else c.tolerance):
            results.append(any_secret(
                c, lambda s, c=c: standardwebhooks.Webhook(s).verify(c.body, c.headers, json_parse=False) is None))
    return results


# ---------------------------------------------------------------------------------------------
# Stripe: the stripe package
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def stripe_clock(now: int):
    saved = STRIPE_WEBHOOK.time
    STRIPE_WEBHOOK.time = SimpleNamespace(time=lambda: now)
    try:
        yield
    finally:
        STRIPE_WEBHOOK.time = saved


def stripe_sign(body: bytes, secret: str, timestamp) -> str:
    """`WebhookSignature.generate_signature_header` (body as str, as the library takes it)."""
    return stripe.WebhookSignature.generate_signature_header(body.decode("utf-8"), secret, timestamp=timestamp)


def stripe_v1(body: bytes, secret: str, timestamp) -> str:
    """One more v1 value, computed by the library's own `_compute_signature`."""
    return stripe.WebhookSignature._compute_signature(f"{timestamp}.{body.decode('utf-8')}", secret)


def verify_stripe(cases):
    results = []
    for c in cases:
        tolerance = 300 if c.tolerance is None else c.tolerance
        with stripe_clock(c.now):
            results.append(any_secret(c, lambda s, c=c: stripe.WebhookSignature.verify_header(
                c.body, header(c.headers, "Stripe-Signature"), s, tolerance)))
    return results


# ---------------------------------------------------------------------------------------------
# GitHub: @octokit/webhooks-methods through node/octokit.mjs (one process per batch)
# ---------------------------------------------------------------------------------------------


def _octokit(op: str, items: list) -> list:
    request = json.dumps({"op": op, "items": items}, ensure_ascii=False).encode("utf-8")
    done = subprocess.run(["node", str(OCTOKIT_DIR / "octokit.mjs")], input=request, cwd=OCTOKIT_DIR,
                          capture_output=True, check=True)
    answer = json.loads(done.stdout)
    return answer["results"]


def octokit_sign(pairs) -> list:
    """[(secret, body bytes)] -> ["sha256=<hex>"] via octokit's `sign` (body as a UTF-8 string)."""
    return _octokit("sign", [{"secret": s, "payload": b.decode("utf-8")} for s, b in pairs])


def verify_github(cases):
    items = [{"secrets": list(c.secrets), "payload": c.body.decode("utf-8"),
              "signature": header(c.headers, "X-Hub-Signature-256")} for c in cases]
    return [r["accepted"] for r in _octokit("verify", items)]


# ---------------------------------------------------------------------------------------------
# Custom scheme objects: Python's hmac, following the scheme object field by field
# ---------------------------------------------------------------------------------------------

CUSTOM_ALGORITHMS = {"hmac-sha256": hashlib.sha256, "hmac-sha512": hashlib.sha512, "hmac-sha1": hashlib.sha1}


def custom_sign(scheme: dict, body: bytes, secret: str, timestamp=None, msg_id=None) -> str:
    """The signature a sender of this (hex/prefixed/base64) scheme puts in its header."""
    if scheme.get("secret_encoding", "utf8") == "whsec_base64":
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    else:
        key = secret.encode()
    content = scheme.get("signed_content", "raw")
    if content == "raw":
        message = body
    elif content == "canonical_json":
        message = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    else:
        before, after = content.split("{body}")

        def fill(text):
            if "{id}" in text:
                text = text.replace("{id}", msg_id)  # TypeError (a refusal) when the id is absent
            if "{timestamp}" in text:
                text = text.replace("{timestamp}", timestamp)
            return text.encode()

        message = fill(before) + body + fill(after)
    digest = hmac.new(key, message, CUSTOM_ALGORITHMS[scheme.get("algorithm", "hmac-sha256")]).digest()
    form = scheme["signature_format"]
    if form == "hex":
        return digest.hex()
    if form == "prefixed":
        return scheme["signature_prefix"] + digest.hex()
    if form == "base64":
        return base64.b64encode(digest).decode()
    raise AssertionError(f"the custom cases do not use {form}")


def verify_custom(cases):
    def one(c, secret):
        scheme = c.scheme
        timestamp = header(c.headers, scheme["timestamp_header"]) if scheme.get("timestamp_header") else None
        msg_id = header(c.headers, scheme["id_header"]) if scheme.get("id_header") else None
        if "{timestamp}" in scheme.get("signed_content", "raw"):
            age = c.now - int(timestamp)
            tolerance = c.tolerance if c.tolerance is not None else scheme.get("tolerance_seconds", 300)
            if age > tolerance or (scheme.get("reject_future", True) and -age > tolerance):
                return False
        expected = custom_sign(scheme, c.body, secret, timestamp, msg_id)
        return hmac.compare_digest(expected, header(c.headers, scheme["signature_header"]))

    return [any_secret(c, lambda s, c=c: one(c, s)) for c in cases]


VERIFIERS = {
    "argus": verify_argus,
    "auggie": verify_auggie,
    "asg": verify_asg,
    "gabinete360": verify_gabinete360,
    "argyle": verify_argyle,
    "standard": verify_standard,
    "stripe": verify_stripe,
    "github": verify_github,
    "shopify": verify_shopify,
    "slack": verify_slack,
}
