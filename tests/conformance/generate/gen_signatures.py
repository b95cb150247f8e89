#!/usr/bin/env python3
"""Writes vectors/signatures/<preset>.json (one per preset) and vectors/signatures/custom.json.

Every case is designed here; its verdict is then put to the provider's reference code
(references.py) with the clock pinned to the case's `now`, and generation fails unless the
reference accepts exactly the ok:true cases and refuses the ok:false ones. Where the reference
cannot see what the case is about (a payload-size limit; a body that is not JSON but correctly
signed), the case says so in `ref_accepts`/`why`: the reference must then accept the signature,
and the generator checks the rest itself (the size; that `json.loads` raises).

`expect.event.unsigned_fields` names the event's fields read from a header the signature does not
cover, as the reference decides it: for an accepted case whose envelope reads a field from a
header, the case is put to the reference again with that header's value changed (keeping its form:
a digit stays a digit); if the reference still accepts it, the field is unsigned (mark_unsigned).

`expect.error` follows the README's ordered rules: configuration (unknown_scheme, invalid_secret,
payload_too_large), header presence and form (missing_signature, malformed_signature), timestamp
(timestamp_missing, timestamp_outside_tolerance), signature (signature_mismatch), body
(invalid_json). `expect.event` follows the preset's envelope (the table in the generator brief,
mirrored in ENVELOPES below).
"""

import base64
import dataclasses
import hashlib
import hmac
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timezone

from common import NOW, VECTORS, Ids, assert_unique_ids, b64, canonical_json, require_cpython_311, write_json

import references as ref

MISSING = object()  # header value meaning "leave the header out"


# =============================================================================================
# The spec: envelopes per preset (sources tried in order, the first present wins)
# =============================================================================================


def F(key):
    return {"field": key}


def H(name):
    return {"header": name}


ENVELOPES = {
    "argus": {"id": [F("id"), H("X-Argus-Trace-ID")], "type": [F("type"), F("event")],
              "created_at": [F("created_at"), F("timestamp")], "data": [F("data")]},
    "auggie": {"id": [F("id")], "type": [F("type")], "created_at": [F("created_at")], "data": [F("data")]},
    "asg": {"id": [F("id")], "type": [F("event"), F("type")], "created_at": [F("timestamp"), F("created_at")],
            "data": [F("data")]},
    "gabinete360": {"id": [F("id")], "type": [F("eventType"), F("type")],
                    "created_at": [F("createdAt"), F("created_at")], "data": [F("data")]},
    "argyle": {"id": [F("id")], "type": [F("event"), F("type")], "created_at": [F("created_at")], "data": [F("data")]},
    "standard": {"id": [H("webhook-id"), F("id")], "type": [F("type")],
                 "created_at": [F("timestamp"), F("created_at")], "data": [F("data")]},
    "stripe": {"id": [F("id")], "type": [F("type")], "created_at": [F("created"), F("created_at")],
               "data": [F("data")]},
    "github": {"id": [H("X-GitHub-Delivery")], "type": [H("X-GitHub-Event")], "created_at": [], "data": []},
    "shopify": {"id": [H("X-Shopify-Webhook-Id"), H("X-Shopify-Event-Id")], "type": [H("X-Shopify-Topic")],
                "created_at": [H("X-Shopify-Triggered-At")], "data": []},
    "slack": {"id": [F("event_id")], "type": [F("type")], "created_at": [F("event_time")], "data": [F("event")]},
}


def rfc3339(value):
    """created_at: a number or an all-digit string is unix seconds; any other string is kept."""
    if value is None:
        return None
    assert not isinstance(value, bool), "the cases never put a boolean in created_at"
    if isinstance(value, (int, float)):
        seconds = int(value)  # truncates toward zero
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        seconds = int(value)
    elif isinstance(value, str):
        return value
    else:
        raise AssertionError(f"created_at must be a number or a string, not {value!r}")
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


#: The event's fields read through the envelope, in the order `unsigned_fields` lists them.
EVENT_FIELDS = ("id", "type", "created_at", "data")


def expected_event(envelope, headers, body, scheme_name):
    """The event, and {event field: the header it was read from} for the fields read from a
    header (whether the signature covers that header is mark_unsigned's to find out)."""
    payload = json.loads(body)
    from_header = {}

    def first(field):
        for source in envelope.get(field, []):
            if "header" in source:
                value = ref.header(headers, source["header"])
                assert value != "", "the cases never send an empty envelope header"
            else:
                value = payload.get(source["field"]) if isinstance(payload, dict) else None
            if value is not None:  # JSON null counts as absent
                if "header" in source:
                    from_header[field] = source["header"]
                return value
        return None

    def text(field):
        value = first(field)
        assert value is None or isinstance(value, str), f"the cases only use string ids/types, not {value!r}"
        return value

    data = first("data")
    event = {
        "id": text("id"),
        "type": text("type"),
        "created_at": rfc3339(first("created_at")),
        "data": payload if data is None else data,
        "payload": payload,
        "scheme": scheme_name,
        "unsigned_fields": [],  # filled in by mark_unsigned
    }
    return event, from_header


# =============================================================================================
# The case builder
# =============================================================================================


def parses_as_json(body: bytes) -> bool:
    try:
        json.loads(body)
        return True
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        return False


@dataclass
class Case:
    id: str
    name: str
    scheme: object
    secrets: list
    headers: dict
    body: bytes
    now: int
    tolerance: object
    max_payload_bytes: object
    error: object
    event: object
    ref_accepts: object  # what the reference must answer; None: not asked (see `why`)
    why: str
    from_header: dict  # {event field: header name} for the fields read from a header

    @property
    def ok(self):
        return self.error is None

    def to_json(self):
        expect = {"ok": True, "event": self.event} if self.ok else {"ok": False, "error": self.error}
        return {
            "id": self.id, "name": self.name, "scheme": self.scheme, "secrets": self.secrets,
            "headers": self.headers, "body_b64": b64(self.body), "now": self.now, "tolerance": self.tolerance,
            "max_payload_bytes": self.max_payload_bytes, "expect": expect,
        }


ERRORS = {"unknown_scheme", "invalid_secret", "payload_too_large", "missing_signature", "malformed_signature",
          "timestamp_missing", "timestamp_outside_tolerance", "signature_mismatch", "invalid_json"}


class CaseSet:
    """Collects the cases of one file; ids are `<prefix>-<slug>-NNN`."""

    def __init__(self, prefix, scheme=None, envelope=None, secrets=None):
        self.ids = Ids(prefix)
        self.scheme, self.envelope, self.secrets = scheme, envelope, secrets
        self.cases = []

    def add(self, slug, name, body, headers, *, error=None, secrets=None, now=NOW, tolerance=None,
            max_payload_bytes=None, scheme=None, envelope=None, ref_accepts=MISSING, why=""):
        assert error is None or error in ERRORS, error
        assert isinstance(body, bytes)
        scheme = self.scheme if scheme is None else scheme
        envelope = self.envelope if envelope is None else envelope
        secrets = list(self.secrets if secrets is None else secrets)
        headers = {k: v for k, v in headers.items() if v is not MISSING}
        scheme_name = scheme if isinstance(scheme, str) else scheme["name"]
        event, from_header = expected_event(envelope, headers, body, scheme_name) if error is None else (None, {})
        if ref_accepts is MISSING:
            ref_accepts = error is None
        case = Case(self.ids.next(slug), name, scheme, secrets, headers, body, now, tolerance, max_payload_bytes,
                    error, event, ref_accepts, why, from_header)
        self_check(case)
        self.cases.append(case)
        return case


def self_check(case):
    """What the generator can check without a reference."""
    limit = case.max_payload_bytes
    if case.error == "payload_too_large":
        assert limit is not None and len(case.body) > limit, case.id
    elif limit is not None:
        assert len(case.body) <= limit, case.id
    if case.error == "invalid_json":
        assert not parses_as_json(case.body), case.id
    if case.ok:
        assert parses_as_json(case.body), case.id
    if case.error == "invalid_secret":
        assert not case.secrets or any(s in ("", "whsec_") or s.startswith("whsec_!") for s in case.secrets), case.id
    if case.ref_accepts is True and not case.ok:
        # The reference only sees the signature; what fails is something it cannot be asked.
        assert case.error in ("payload_too_large", "invalid_json"), case.id
        assert case.why, case.id
    if case.ref_accepts is None:
        assert case.why, case.id


def assert_no_repeats(cases):
    """Two cases with the same inputs would test the same thing twice."""
    seen = {}
    for c in cases:
        key = json.dumps([c.scheme, c.secrets, c.headers, b64(c.body), c.now, c.tolerance, c.max_payload_bytes])
        assert key not in seen, f"{c.id} repeats {seen[key]}"
        seen[key] = c.id


def check_with_reference(cases, verify):
    asked = [c for c in cases if c.ref_accepts is not None]
    answers = verify(asked)
    wrong = [(c, a) for c, a in zip(asked, answers) if a != c.ref_accepts]
    for c, answer in wrong:
        print(f"REFERENCE DISAGREES: {c.id} ({c.name}): reference accepted={answer}, "
              f"case expects ok={c.ok} error={c.error} ref_accepts={c.ref_accepts}", file=sys.stderr)
    if wrong:
        sys.exit(1)
    return len(asked)


def tampered(value: str) -> str:
    """`value` with its last character changed to another of the same kind (a digit stays a
    digit, so a timestamp stays a timestamp one second away), so that a reference that refuses it
    does so because the value is signed, not because it no longer parses."""
    last = value[-1]
    for alphabet in ("0123456789", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        if last in alphabet:
            i = alphabet.index(last)
            return value[:-1] + alphabet[i + 1 if i + 1 < len(alphabet) else i - 1]
    return value[:-1] + "x"


def probe(case, name):
    """`case` with its header `name` tampered with."""
    value = tampered(ref.header(case.headers, name))
    return dataclasses.replace(case, headers=with_header(case.headers, name, value))


def mark_unsigned(cases, verify):
    """Fills `expect.event.unsigned_fields` of the accepted cases: a field read from a header is
    unsigned when the reference still accepts the case with that header changed. The answer must
    be the same for a header in every case of one scheme."""
    probes = [(c, field, probe(c, name))
              for c in cases for field, name in c.from_header.items()]
    for c, _, _ in probes:
        assert c.ok and c.ref_accepts is True, f"{c.id}: the reference must accept a case before it is probed"
    answers = verify([probe for _, _, probe in probes])
    verdicts = {}
    for (c, field, _), still_accepted in zip(probes, answers):
        key = (json.dumps(c.scheme, sort_keys=True), c.from_header[field].lower())
        assert verdicts.setdefault(key, still_accepted) == still_accepted, f"{c.id}: {key} is signed only sometimes"
        if still_accepted:
            c.event["unsigned_fields"].append(field)
    for c in cases:
        if c.ok:
            c.event["unsigned_fields"].sort(key=EVENT_FIELDS.index)
    return len(probes)


# =============================================================================================
# Header helpers
# =============================================================================================


def with_header(headers, name, value):
    """A copy with the header `name` (matched case-insensitively) set to `value`, or removed if
    `value` is MISSING."""
    out, done = {}, False
    for key, old in headers.items():
        if key.lower() == name.lower():
            if value is not MISSING:
                out[key] = value
            done = True
        else:
            out[key] = old
    if not done and value is not MISSING:
        out[name] = value
    return out


def renamed(headers, transform):
    return {transform(k): v for k, v in headers.items()}


def mixed_case(name):
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(name))


HEXDIGITS = "0123456789abcdefABCDEF"


def strict_base64(value: str):
    """Padded, standard-alphabet base64 as CPython's `b64decode(validate=True)` reads it, or None.
    (CPython does not check that the unused padding bits are zero.)"""
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return None


def hex_hmac(secret: str, content: bytes, algorithm=hashlib.sha256) -> str:
    return hmac.new(secret.encode(), content, algorithm).hexdigest()


# =============================================================================================
# Presets
# =============================================================================================


class Preset:
    name = ""
    sig_header = ""
    ts_header = None          # where {timestamp} comes from (header-based schemes)
    id_header = None          # where {id} comes from
    secret = ""
    rotation = ("", "")       # two more secrets for the rotation cases
    context = {}              # the other headers of a realistic delivery
    canonical = False         # signs canonical JSON instead of the raw body
    bytes_reference = True    # the reference takes any body bytes (not only UTF-8 text)
    timestamped = False
    reject_future = True
    sent_at = NOW             # the timestamp of an ordinary delivery
    msg_id = None
    non_json = b"status=completed&task=tsk_4f9e"

    # --- to override ---
    def signature(self, body, secret, ts, msg_id):
        raise NotImplementedError

    def sample(self, note):
        raise NotImplementedError

    def bodies(self):
        return [("a typical delivery", self.encode(self.sample("all good")))]

    def encode(self, obj, ascii=True):
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=ascii).encode("utf-8")

    # --- shared ---
    @property
    def envelope(self):
        return ENVELOPES[self.name]

    @property
    def near_miss_secret(self):
        return self.secret[:-1] + ("0" if self.secret[-1] != "0" else "1")

    @property
    def main_body(self):
        return self.bodies()[0][1]

    def headers(self, body, secret=None, *, ts=None, msg_id=None, sig=None):
        secret = self.secret if secret is None else secret
        ts = self.sent_at if ts is None else ts
        msg_id = self.msg_id if msg_id is None else msg_id
        out = {}
        if self.id_header:
            out[self.id_header] = msg_id
        if self.ts_header:
            out[self.ts_header] = str(ts)
        out[self.sig_header] = self.signature(body, secret, ts, msg_id) if sig is None else sig
        out.update(self.context)
        return out

    def case_set(self):
        return CaseSet(self.name, self.name, self.envelope, [self.secret])

    def well_formed(self, value: str) -> bool:
        """Is the signature header in the scheme's format (README rule 2)? Used to check that
        the cases' malformed_signature / signature_mismatch split is consistent."""
        raise NotImplementedError


class HexPreset(Preset):
    """`<prefix><hex>` of an HMAC over the raw body (or canonical JSON)."""
    prefix = ""
    algorithm = hashlib.sha256

    def content(self, body):
        return canonical_json(body) if self.canonical else body

    def well_formed(self, value):
        digits = self.algorithm().digest_size * 2
        rest = value[len(self.prefix):]
        return value.startswith(self.prefix) and len(rest) == digits and all(c in HEXDIGITS for c in rest)


class Argus(HexPreset):
    name, sig_header, prefix, canonical = "argus", "X-Argus-Signature", "sha256=", True
    secret = "argus_whsec_3f9a1c2e7b6d4f80"
    rotation = ("argus_whsec_old_91b2", "argus_whsec_new_0c7d")
    context = {"Content-Type": "application/json", "X-Argus-Trace-ID": "trc_7f3e21a9", "X-Argus-Job-ID": "job_8f3a2c"}

    def signature(self, body, secret, ts, msg_id):
        return ref.argus_sign(body, secret)

    def sample(self, note):
        return {"id": "evt_01HF3Z9K7Q", "type": "job.completed", "created_at": 1699999997,
                "data": {"job_id": "job_8f3a2c", "status": "completed", "progress": 1.0, "note": note}}

    def bodies(self):
        return [
            ("a job.completed event, pretty-printed as sent",
             json.dumps(self.sample("all good"), indent=2).encode()),
            ("a job.progress event with a float progress",
             self.encode({"id": "evt_01HF3Z9K7R", "type": "job.progress", "created_at": 1699999990,
                          "data": {"job_id": "job_8f3a2c", "progress": 0.35, "eta_seconds": 42}})),
            ("a job.failed event with a nested error object",
             self.encode({"id": "evt_01HF3Z9K7S", "type": "job.failed", "created_at": 1699999995,
                          "data": {"job_id": "job_1d2e", "error": {"code": "timeout", "retryable": True,
                                                                   "attempts": [1, 2, 3]}}})),
        ]


class Auggie(HexPreset):
    name, sig_header, canonical = "auggie", "X-Auggie-Signature", True
    secret = "auggie-signing-secret-2f8e"
    rotation = ("auggie-signing-secret-old", "auggie-signing-secret-next")
    context = {"Content-Type": "application/json", "User-Agent": "Auggie-Webhooks/1.4"}

    def signature(self, body, secret, ts, msg_id):
        return ref.auggie_sign(body, secret)

    def sample(self, note):
        return {"id": "aug_evt_5521", "type": "review.completed", "created_at": "2023-11-14T22:13:17Z",
                "data": {"review_id": "rev_88", "repository": "acme/api", "findings": 3, "summary": note}}

    def bodies(self):
        return [
            ("a review.completed event", self.encode(self.sample("3 findings, 1 blocking"))),
            ("a review.started event with unix created_at",
             self.encode({"type": "review.started", "id": "aug_evt_5520", "created_at": 1699999000,
                          "data": {"review_id": "rev_88", "files": ["src/a.rs", "src/b.rs"]}})),
            ("an event without data (data is the whole payload)",
             self.encode({"id": "aug_evt_5522", "type": "ping", "created_at": "1699999999"})),
        ]


class Asg(HexPreset):
    name, sig_header, prefix = "asg", "X-ASG-Signature", "sha256="
    secret = "asg_sk_live_7d2c91"
    rotation = ("asg_sk_live_old_13", "asg_sk_live_new_57")
    context = {"Content-Type": "application/json"}

    def signature(self, body, secret, ts, msg_id):
        return ref.asg_sign(body, secret)

    def sample(self, note):
        return {"event": "task.completed", "task_id": "tsk_4f9e", "status": "completed",
                "result": {"pages": 12, "summary": note}, "timestamp": "2023-11-14T22:13:17Z"}

    def bodies(self):
        return [
            ("a task.completed event", self.encode(self.sample("12 pages extracted"))),
            ("a task.failed event with unix timestamp",
             self.encode({"event": "task.failed", "task_id": "tsk_77aa", "status": "failed",
                          "error": "upstream timeout", "timestamp": 1699999980})),
            ("a task.progress event with spaces after separators",
             json.dumps({"event": "task.progress", "task_id": "tsk_4f9e", "status": "running", "progress": 0.5,
                         "timestamp": 1699999990}).encode()),
        ]


class Gabinete360(HexPreset):
    name, sig_header = "gabinete360", "x-argos-signature"
    secret = "g360-webhook-secret"
    rotation = ("g360-webhook-secret-2022", "g360-webhook-secret-2024")
    context = {"content-type": "application/json"}

    def signature(self, body, secret, ts, msg_id):
        return ref.gabinete360_sign(body, secret)

    def sample(self, note):
        return {"id": "alrt_20231114_0042", "eventType": "alert.created", "severity": "high", "title": note,
                "summary": "New publication matching your monitored terms",
                "sourceUrl": "https://www.in.gov.br/web/dou/-/portaria-n-123"}

    def bodies(self):
        return [
            ("an alert.created event", self.encode(self.sample("Portaria n. 123 published"))),
            ("an alert.updated event with createdAt",
             self.encode({"id": "alrt_20231114_0043", "eventType": "alert.updated", "severity": "low",
                          "title": "Hearing rescheduled", "summary": "Moved to 2023-12-01",
                          "sourceUrl": "https://example.org/hearing/9", "createdAt": "2023-11-14T19:13:17-03:00"})),
        ]


class Argyle(HexPreset):
    name, sig_header, algorithm = "argyle", "X-Argyle-Signature", hashlib.sha512
    secret = "argyle_webhook_secret_1f2e3d"
    rotation = ("argyle_webhook_secret_old", "argyle_webhook_secret_new")
    context = {"Content-Type": "application/json"}

    def signature(self, body, secret, ts, msg_id):
        return ref.argyle_sign(body, secret)

    def sample(self, note):
        return {"event": "accounts.connected", "name": note,
                "data": {"account": "0187c66e-e7e5-811c-b006-2232f00f426a",
                         "user": "018051aa-f7a9-a0db-2f38-6cfa325e9d69"}}

    def bodies(self):
        return [
            ("an accounts.connected event", self.encode(self.sample("payroll-connections"))),
            ("a paystubs.added event with a count",
             self.encode({"event": "paystubs.added", "name": "paystubs", "data": {
                 "account": "0187c66e-e7e5-811c-b006-2232f00f426a", "available_from": "2023-01-01T00:00:00Z",
                 "count": 24}})),
        ]


class Github(HexPreset):
    name, sig_header, prefix = "github", "X-Hub-Signature-256", "sha256="
    secret = "It's a Secret to Everybody"  # the example secret of GitHub's docs
    rotation = ("previous-github-secret", "next-github-secret")
    context = {"Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/6f3b1a2",
               "X-GitHub-Event": "push", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
               "X-GitHub-Hook-ID": "292430182"}
    non_json = b"payload=%7B%22zen%22%3A%22Keep+it+logically+awesome.%22%7D"  # form-encoded delivery
    bytes_reference = False  # octokit takes the body as a string

    def __init__(self):
        self.signed = {}  # (secret, body) -> value, confirmed against octokit's sign() at the end

    def signature(self, body, secret, ts, msg_id):
        value = "sha256=" + hex_hmac(secret, body)
        self.signed[(secret, body)] = value
        return value

    def confirm_with_octokit(self):
        pairs = sorted(self.signed)
        assert ref.octokit_sign(pairs) == [self.signed[p] for p in pairs], "octokit sign() disagrees"
        return len(pairs)

    def sample(self, note):
        return {"ref": "refs/heads/main", "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                "after": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "created": False, "deleted": False,
                "repository": {"id": 1296269, "name": "Hello-World", "full_name": "octocat/Hello-World",
                               "private": False},
                "pusher": {"name": "octocat", "email": "octocat@github.com"},
                "head_commit": {"id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "message": note}}

    def bodies(self):
        return [
            ("a push event", self.encode(self.sample("Update README.md"))),
            ("a ping event (GitHub's hook test)",
             self.encode({"zen": "Keep it logically awesome.", "hook_id": 292430182})),
        ]


class Shopify(Preset):
    name, sig_header = "shopify", "X-Shopify-Hmac-Sha256"
    secret = "shpss_8b9e2f4c1d7a6e5b"
    rotation = ("shpss_old_0a1b2c3d", "shpss_new_4e5f6a7b")
    context = {"Content-Type": "application/json", "X-Shopify-Topic": "orders/create",
               "X-Shopify-Shop-Domain": "example-shop.myshopify.com", "X-Shopify-API-Version": "2023-10",
               "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
               "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
               "X-Shopify-Triggered-At": "2023-11-14T22:13:17.182Z"}

    def signature(self, body, secret, ts, msg_id):
        return ref.shopify_sign(body, secret)

    def well_formed(self, value):
        raw = strict_base64(value)
        return raw is not None and len(raw) == 32

    def sample(self, note):
        return {"id": 820982911946154508, "email": "jon@example.com", "created_at": "2023-11-14T17:13:17-05:00",
                "total_price": "199.00", "currency": "USD", "note": note,
                "line_items": [{"id": 866550311766439020, "title": "IPod Nano - 8GB", "quantity": 1,
                                "price": "199.00"}]}

    def bodies(self):
        return [
            ("an orders/create event", self.encode(self.sample("Leave at the door"))),
            ("a customers/update event",
             self.encode({"id": 706405506930370084, "email": "bob@example.com", "accepts_marketing": True,
                          "tags": "vip,loyal", "addresses": []})),
        ]


class Slack(HexPreset):
    name, sig_header, prefix = "slack", "X-Slack-Signature", "v0="
    ts_header = "X-Slack-Request-Timestamp"
    secret = "8f742231b10e8888abcd99yyyzzz85a5"  # the example signing secret of Slack's docs
    rotation = ("1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f", "f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1")
    context = {"Content-Type": "application/json", "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
    timestamped = True
    sent_at = NOW - 3
    bytes_reference = False  # the snippet decodes the body as UTF-8
    non_json = b"token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&command=%2Fweather&text=94070"

    def signature(self, body, secret, ts, msg_id):
        return ref.slack_sign(body, secret, str(ts))

    def sample(self, note):
        return {"token": "XXYYZZ", "team_id": "T061EG9R6", "api_app_id": "A0PNCHHK2",
                "event": {"type": "app_mention", "user": "U061F7AUR", "text": note, "ts": "1699999997.000200",
                          "channel": "C0LAN2Q65", "event_ts": "1699999997.000200"},
                "type": "event_callback", "event_id": "Ev0PV52K25", "event_time": 1699999997,
                "authed_users": ["U061F7AUR"]}

    def bodies(self):
        return [
            ("an event_callback (app_mention)", self.encode(self.sample("<@U0LAN0Z89> is it everything?"))),
            ("a url_verification challenge (no event_id, no event)",
             self.encode({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge":
                          "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"})),
        ]


class Standard(Preset):
    name = "standard"
    sig_header, ts_header, id_header = "webhook-signature", "webhook-timestamp", "webhook-id"
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the example secret of the specification
    rotation = ("whsec_" + b64(hashlib.sha256(b"old").digest()[:24]),
                "whsec_" + b64(hashlib.sha256(b"new").digest()[:24]))
    context = {"content-type": "application/json"}
    timestamped = True
    sent_at = NOW - 3
    msg_id = "msg_2b9eSmHqAZwTqg0ltZmYkW5Cg7j"
    bytes_reference = False  # the library decodes the body as UTF-8

    def well_formed(self, value):
        # At least one `<version>,<signature>` entry: the specification (and the library) ignores
        # entries of another version than v1, and a v1 signature of another length than 32 bytes
        # cannot match; both are well formed (a mismatch). A v1 signature must be strict base64.
        # (With a good entry present, a bad one cannot make the header malformed: the library
        # accepts if any entry matches.)
        for entry in value.split(" "):
            version, comma, signature = entry.partition(",")
            if comma and version and (version != "v1" or strict_base64(signature) is not None):
                return True
        return False

    def signature(self, body, secret, ts, msg_id):
        if isinstance(ts, int) and 0 <= ts < 253402300800:  # what the library's datetime can express
            return ref.standard_sign(body, secret, msg_id, ts)
        return ref.standard_sign_verbatim(body, secret, msg_id, str(ts))

    def sample(self, note):
        return {"type": "invoice.paid", "timestamp": "2023-11-14T22:13:17.000000Z",
                "data": {"invoice_id": "inv_7Hq2", "amount": 4200, "currency": "EUR", "memo": note}}

    def bodies(self):
        return [
            ("an invoice.paid event", self.encode(self.sample("thanks"))),
            ("a user.created event with an id field (the webhook-id header wins)",
             self.encode({"id": "usr_body_id", "type": "user.created", "timestamp": "2023-11-14T22:13:10Z",
                          "data": {"id": "usr_1", "email": "ana@example.com"}})),
        ]


class Stripe(Preset):
    name, sig_header = "stripe", "Stripe-Signature"
    secret = "whsec_test_5f2b9c0e7d1a4b3c8e6f"
    rotation = ("whsec_test_old_01a2b3", "whsec_test_new_c4d5e6")
    context = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"}
    timestamped = True
    reject_future = False
    sent_at = NOW - 3
    bytes_reference = False  # the library decodes the body as UTF-8

    def signature(self, body, secret, ts, msg_id):
        return ref.stripe_sign(body, secret, ts)

    def well_formed(self, value):
        # Only a header without any v1 item is malformed; v1 values are compared as text.
        return any(item.split("=", 1)[0] == "v1" for item in value.split(","))

    def encode(self, obj, ascii=True):
        return json.dumps(obj, indent=2, ensure_ascii=ascii).encode("utf-8")  # Stripe pretty-prints

    def sample(self, note):
        return {"id": "evt_3OD0xJ2eZvKYlo2C1bV4Qm1c", "object": "event", "api_version": "2023-10-16",
                "created": 1699999997,
                "data": {"object": {"id": "pi_3OD0xJ2eZvKYlo2C1Zs0Ab1", "object": "payment_intent", "amount": 2000,
                                    "currency": "usd", "status": "succeeded", "description": note}},
                "livemode": False, "pending_webhooks": 1,
                "request": {"id": "req_8nJ3tWc0aQx", "idempotency_key": "b5d9a1e2-7c3f-4e8a-9d0b-1f2e3a4b5c6d"},
                "type": "payment_intent.succeeded"}

    def bodies(self):
        return [
            ("a payment_intent.succeeded event", self.encode(self.sample("Order #1001"))),
            ("a customer.created event",
             self.encode({"id": "evt_1OD0yK2eZvKYlo2CkQ", "object": "event", "api_version": "2023-10-16",
                          "created": 1699999000, "data": {"object": {"id": "cus_P1", "object": "customer",
                                                                     "email": None, "metadata": {}}},
                          "livemode": True, "pending_webhooks": 2, "request": {"id": None, "idempotency_key": None},
                          "type": "customer.created"})),
        ]


# =============================================================================================
# Case families shared by presets
# =============================================================================================

NON_ASCII_NOTES = [("é", "café crème brûlée à la carte"), ("cjk", "日本語のテキスト"), ("emoji", "deploy 🚀 done 🎉 👍🏽")]


def common_cases(p: Preset, cs: CaseSet):
    body = p.main_body
    h = p.headers(body)

    for name, b in p.bodies():
        cs.add("valid", name, b, p.headers(b))
    for label, note in NON_ASCII_NOTES:
        b = p.encode(p.sample(note), ascii=False)
        cs.add("nonascii", f"raw UTF-8 non-ASCII body ({label})", b, p.headers(b))
    b = p.encode(p.sample("café 日本 🎉"))
    cs.add("nonascii", "non-ASCII text written as \\u escapes", b, p.headers(b))
    cs.add("empty-object", "body is an empty JSON object", b"{}", p.headers(b"{}"))
    nested = b'[[1,[2,[3,[]]]],{"a":[[]]},"x"]'
    cs.add("nested-arrays", "body is a nested array (no envelope fields)", nested, p.headers(nested))

    for label, transform in (("all lower-case", str.lower), ("all upper-case", str.upper), ("mixed case", mixed_case)):
        variant = renamed(h, transform)
        if list(variant) != list(h):  # (some presets already send lower-case names)
            cs.add("header-case", f"header names {label}", body, variant)

    tampered = p.encode(p.sample("all good, amount changed"))
    cs.add("tampered", "body changed after signing", tampered, h, error="signature_mismatch")
    cs.add("tampered", "signature of another body", body, p.headers(p.encode(p.sample("another"))),
           error="signature_mismatch")
    cs.add("wrong-secret", "signed with another secret", body, p.headers(body, p.rotation[0]),
           error="signature_mismatch")
    cs.add("wrong-secret", "signed with a secret one character off", body, p.headers(body, p.near_miss_secret),
           error="signature_mismatch")
    cs.add("missing-header", "signature header absent", body, with_header(h, p.sig_header, MISSING),
           error="missing_signature")
    cs.add("empty-header", "signature header empty", body, with_header(h, p.sig_header, ""),
           error="missing_signature")

    a, b2 = p.rotation
    cs.add("rotation", "three secrets, the first matches", body, h, secrets=[p.secret, a, b2])
    cs.add("rotation", "three secrets, the middle one matches", body, h, secrets=[a, p.secret, b2])
    cs.add("rotation", "three secrets, the last matches", body, h, secrets=[a, b2, p.secret])
    cs.add("rotation", "two secrets, signed with the second", body, p.headers(body, b2), secrets=[a, b2])
    cs.add("rotation", "two secrets, none matches", body, h, secrets=[a, b2], error="signature_mismatch")

    cs.add("invalid-secret", "no secret configured", body, h, secrets=[], error="invalid_secret")
    cs.add("invalid-secret", "the only secret is empty", body, h, secrets=[""], error="invalid_secret")
    cs.add("invalid-secret", "no secret and no signature header (configuration is checked first)", body,
           with_header(h, p.sig_header, MISSING), secrets=[], error="invalid_secret")

    n = len(body)
    cs.add("too-large", "limit one byte under the body size", body, h, max_payload_bytes=n - 1,
           error="payload_too_large", ref_accepts=True,
           why="the reference has no size limit: it accepts the signature, the size is checked here")
    cs.add("size-limit", "limit exactly the body size", body, h, max_payload_bytes=n)
    cs.add("too-large", "too large and unsigned (configuration is checked first)", body,
           with_header(h, p.sig_header, MISSING), max_payload_bytes=16, error="payload_too_large")

    if p.canonical:
        return
    bad = p.non_json
    cs.add("invalid-json", "correctly signed body that is not JSON", bad, p.headers(bad), error="invalid_json",
           ref_accepts=True, why="the reference checks the signature only: it accepts; json.loads raises")
    truncated = body[:-1]
    cs.add("invalid-json", "correctly signed truncated JSON", truncated, p.headers(truncated), error="invalid_json",
           ref_accepts=True, why="the reference checks the signature only: it accepts; json.loads raises")
    cs.add("order", "body not JSON and signature wrong: signature is checked first", bad,
           p.headers(bad, p.rotation[0]), error="signature_mismatch")
    if p.name != "github":  # octokit refuses an empty payload outright (it cannot be asked)
        cs.add("invalid-json", "correctly signed empty body", b"", p.headers(b""), error="invalid_json",
               ref_accepts=True, why="the reference checks the signature only: it accepts; json.loads raises")
    if p.bytes_reference:
        latin1 = '{"note":"caf\xe9"}'.encode("latin-1")
        cs.add("invalid-json", "correctly signed body that is not UTF-8 (latin-1 é)", latin1, p.headers(latin1),
               error="invalid_json", ref_accepts=True,
               why="the reference hashes bytes: it accepts; json.loads raises UnicodeDecodeError")


# From this size on the core validates a raw body on one core while another computes its MAC
# (core/src/webhook/mod.rs, READ_ALONGSIDE_FROM: 128 KiB), and the Node addon hands the body to
# JavaScript as a copy instead of inside the event's text (V8's regular strings end at 128 KiB).
# A body a little past it must get the same verdicts, in the same order, as a short one.
LARGE_BODY_BYTES = 130 * 1024


def large_body(p: Preset) -> bytes:
    """A delivery of LARGE_BODY_BYTES or a little more: the preset's sample with a long list of
    line items (numbers, floats, and raw UTF-8 notes in the three scripts of NON_ASCII_NOTES)."""
    sample = p.sample("a large delivery")
    sample["items"] = items = []
    while True:
        i = len(items)
        items.extend({"sku": f"item-{i + k}", "qty": i + k, "price": (i + k) * 3 + 0.5, "note": note}
                     for k, (_, note) in enumerate(NON_ASCII_NOTES))
        body = p.encode(sample, ascii=False)
        if len(body) >= LARGE_BODY_BYTES:
            return body


def large_cases(p: Preset, cs: CaseSet):
    """The verdicts on a body past the 128 KiB marks, for a raw-body scheme."""
    body = large_body(p)
    cs.add("large", "a 130 KiB body of raw UTF-8 items", body, p.headers(body))
    cut = body[:-1]
    cs.add("large", "a correctly signed 130 KiB body cut short by its last byte", cut, p.headers(cut),
           error="invalid_json", ref_accepts=True,
           why="the reference checks the signature only: it accepts; json.loads raises")
    cs.add("large", "a 130 KiB body cut short and signed with another secret: the signature is checked first",
           cut, p.headers(cut, p.rotation[0]), error="signature_mismatch")


def large_canonical_cases(p: HexPreset, cs: CaseSet):
    """Past the 128 KiB mark the core computes the MAC of a canonical-JSON body's bytes as they
    stand while it reads them, and keeps it only when the body is its own canonical form (one
    preset holds these: the path is the same for every canonical-JSON scheme, and the bodies are
    large)."""
    sent = canonical_json(large_body(p))
    cs.add("large", "a 130 KiB body as the sender signs it (its canonical form)", sent, p.headers(sent))
    spaced = json.dumps(json.loads(sent)).encode()
    cs.add("large", "a 130 KiB body with spaces, signed over its canonical form", spaced, p.headers(spaced))
    cs.add("large", "a 130 KiB body with spaces, signed over its bytes as they stand", spaced,
           p.headers(spaced, sig=p.prefix + hex_hmac(p.secret, spaced)), error="signature_mismatch")
    cs.add("large", "a 130 KiB canonical body signed with another secret", sent, p.headers(sent, p.rotation[0]),
           error="signature_mismatch")


def hex_cases(p: HexPreset, cs: CaseSet):
    """Form of a `<prefix><lower hex>` signature."""
    body = p.main_body
    h = p.headers(body)
    good = h[p.sig_header]
    digest = good[len(p.prefix):]
    length = len(digest)
    assert digest.upper() != digest

    def sig(value, slug, name, error):
        cs.add(slug, name, body, with_header(h, p.sig_header, value), error=error)

    sig("not-a-signature", "garbage", "garbage value", "malformed_signature")
    sig(good[:-1], "truncated", "last hex digit cut (odd length)", "malformed_signature")
    sig(p.prefix + digest[: length // 2], "truncated", "only the first half of the digest", "malformed_signature")
    sig(good + "00", "length", "one extra byte of hex", "malformed_signature")
    short = p.prefix + hex_hmac(p.secret, p.content(body), hashlib.sha1)
    sig(short, "length", "HMAC-SHA1 hex (40 digits) instead", "malformed_signature")
    if length == 128:
        sig(p.prefix + hex_hmac(p.secret, body), "length", "HMAC-SHA256 hex (64 digits) for a SHA-512 scheme",
            "malformed_signature")
    else:
        sig(p.prefix + hex_hmac(p.secret, p.content(body), hashlib.sha512), "length",
            "HMAC-SHA512 hex (128 digits) for a SHA-256 scheme", "malformed_signature")
    sig(p.prefix + "z" + digest[1:], "not-hex", "a non-hex character", "malformed_signature")
    sig(p.prefix + digest.upper(), "upper-hex", "the right digest in upper-case hex", "signature_mismatch")
    sig(p.prefix + "0" * length, "zero-hex", "well-formed hex of zeros", "signature_mismatch")
    sig(" " + good, "whitespace", "leading space in the value", "malformed_signature")
    sig(good + " ", "whitespace", "trailing space in the value", "malformed_signature")
    sig(good + "\t", "whitespace", "trailing tab in the value", "malformed_signature")
    if p.prefix:
        sig(digest, "prefix", "prefix missing", "malformed_signature")
        sig(p.prefix.upper() + digest, "prefix", "prefix in upper case", "malformed_signature")
        sig("sha1=" + digest, "prefix", "another algorithm's prefix", "malformed_signature")
        sig(p.prefix + " " + digest, "whitespace", "space after the prefix", "malformed_signature")
    else:
        sig("sha256=" + digest, "prefix", "a sha256= prefix on a bare-hex scheme", "malformed_signature")


def base64_cases(p: Preset, cs: CaseSet):
    """Form of a standard, padded base64 signature (32 bytes for HMAC-SHA256)."""
    body = p.main_body
    h = p.headers(body)
    good = h[p.sig_header]
    raw = base64.b64decode(good)

    def sig(value, slug, name, error):
        cs.add(slug, name, body, with_header(h, p.sig_header, value), error=error)

    sig("not-a-signature", "garbage", "garbage value", "malformed_signature")
    sig(good.rstrip("="), "padding", "padding removed", "malformed_signature")
    sig(good + "=", "padding", "one '=' too many", "malformed_signature")
    sig(good[:-4], "truncated", "last 4 characters cut (30 bytes)", "malformed_signature")
    sig(raw.hex(), "hex-instead", "hex digest instead of base64 (decodes to 48 bytes)", "malformed_signature")
    sig(b64(hmac.new(p.secret.encode(), body, hashlib.sha1).digest()), "length", "base64 of an HMAC-SHA1 (20 bytes)",
        "malformed_signature")
    sig(" " + good, "whitespace", "leading space in the value", "malformed_signature")
    sig(good + " ", "whitespace", "trailing space in the value", "malformed_signature")
    sig(good[:20] + "\n" + good[20:], "whitespace", "a line break inside the value", "malformed_signature")
    # Non-zero padding bits: the last character before '=' carries 4 data bits and 2 bits that
    # should be zero. CPython's strict b64decode reads it as the same 32 bytes; the reference
    # compares the base64 text and refuses. Well-formed (as CPython decodes it), so a mismatch:
    # hookwise must not accept it because its decoder ignores those bits.
    last = good[-2]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    odd_bits = good[:-2] + alphabet[alphabet.index(last) + 1] + "="
    assert base64.b64decode(odd_bits, validate=True) == raw
    sig(odd_bits, "padding", "non-zero padding bits (decodes to the right bytes, text differs)",
        "signature_mismatch")
    sig(b64(bytes(32)), "zero", "well-formed base64 of 32 zero bytes", "signature_mismatch")
    # Swap case in the first 40 characters only: the last data character must stay canonical.
    swapped = good[:40].swapcase() + good[40:]
    assert swapped != good and len(base64.b64decode(swapped, validate=True)) == 32
    sig(swapped, "swapcase", "letters of the right value with their case swapped", "signature_mismatch")

    # URL-safe alphabet: pick the first sample whose signature has a '+' or '/'.
    for i in range(100):
        b = p.encode(p.sample(f"url-safe {i}"))
        value = p.signature(b, p.secret, None, None)
        if "+" in value or "/" in value:
            urlsafe = value.replace("+", "-").replace("/", "_")
            cs.add("urlsafe", "URL-safe base64 alphabet instead of the standard one", b,
                   with_header(p.headers(b), p.sig_header, urlsafe), error="malformed_signature")
            break


def timestamp_cases(p: Preset, cs: CaseSet):
    """Replay window: header- or t=-based timestamps, default and overridden tolerances."""
    body = p.main_body
    future_ok = not p.reject_future

    def at(ts, slug, name, error=None, tolerance=None):
        cs.add(slug, name, body, p.headers(body, ts=ts), error=error, tolerance=tolerance)

    too_new = None if future_ok else "timestamp_outside_tolerance"
    at(NOW, "timestamp", "timestamp equal to now")
    at(NOW - 300, "tolerance", "exactly 300 s old (boundary, accepted)")
    at(NOW - 301, "tolerance", "301 s old", "timestamp_outside_tolerance")
    at(NOW - 86400, "tolerance", "a day old", "timestamp_outside_tolerance")
    at(NOW + 300, "tolerance", "exactly 300 s in the future (boundary, accepted)")
    at(NOW + 301, "tolerance", "301 s in the future", too_new)
    at(NOW + 86400 * 365, "tolerance", "a year in the future", too_new)
    at(999999999999999999, "tolerance", "18-digit timestamp, far in the future", too_new)
    at(NOW - 10, "tolerance-override", "tolerance 10: exactly 10 s old", tolerance=10)
    at(NOW - 11, "tolerance-override", "tolerance 10: 11 s old", "timestamp_outside_tolerance", tolerance=10)
    at(NOW + 11, "tolerance-override", "tolerance 10: 11 s in the future", too_new, tolerance=10)
    at(NOW - 500, "tolerance-override", "tolerance 600: 500 s old (outside the default)", tolerance=600)
    at(NOW - 600, "tolerance-override", "tolerance 600: exactly 600 s old", tolerance=600)
    at(NOW - 601, "tolerance-override", "tolerance 600: 601 s old", "timestamp_outside_tolerance", tolerance=600)
    at(NOW + 600, "tolerance-override", "tolerance 600: 600 s in the future", tolerance=600)

    # The timestamp is part of the signed content: signed 60 s ago, sent with a fresh timestamp.
    earlier = p.signature(body, p.secret, NOW - 60, p.msg_id)
    if p.name == "stripe":
        earlier = earlier.replace(f"t={NOW - 60},", f"t={NOW},")
    cs.add("timestamp-replay", "timestamp changed after signing", body, p.headers(body, ts=NOW, sig=earlier),
           error="signature_mismatch")
    cs.add("order", "too old and signed with another secret: the timestamp is checked first", body,
           p.headers(body, p.rotation[0], ts=NOW - 301), error="timestamp_outside_tolerance")


def header_timestamp_cases(p: Preset, cs: CaseSet, odd_texts):
    """Presence and form of a timestamp header (standard, slack); stripe's t= has its own."""
    body = p.main_body
    h = p.headers(body)
    cs.add("timestamp-missing", "timestamp header absent", body, with_header(h, p.ts_header, MISSING),
           error="timestamp_missing")
    cs.add("timestamp-missing", "timestamp header empty", body, p.headers(body, ts=""), error="timestamp_missing")
    for text, why in odd_texts:
        # Signed over the text verbatim; every reference refuses these, hookwise says the
        # timestamp is not an integer.
        cs.add("timestamp-missing", f"timestamp {why}", body, p.headers(body, ts=text), error="timestamp_missing")
    cs.add("order", "timestamp absent and signed with another secret: the timestamp is checked first", body,
           with_header(p.headers(body, p.rotation[0]), p.ts_header, MISSING), error="timestamp_missing")
    cs.add("order", "timestamp and signature both absent: the signature header is checked first", body,
           with_header(with_header(h, p.ts_header, MISSING), p.sig_header, MISSING), error="missing_signature")
    if p.ts_header != p.ts_header.lower():
        cs.add("header-case", "timestamp header name in lower case only", body,
               renamed(h, lambda k: k.lower() if k == p.ts_header else k))


# =============================================================================================
# Preset-specific cases
# =============================================================================================


def canonical_cases(p: HexPreset, cs: CaseSet):
    """Presets that sign canonical JSON: any spelling of the same JSON verifies."""
    obj = {"id": "evt_canon_1", "type": "job.completed", "created_at": 1699999997,
           "data": {"z": 1, "a": [1.0, 1e16, 0.1, 1e-7, -0.0], "é": "café", "nested": {"b": None, "a": True},
                    "url": "https://example.com/r/1"}}
    compact = p.encode(obj)
    spellings = [
        ("pretty-printed with indent 4", json.dumps(obj, indent=4).encode()),
        ("keys in reverse order", json.dumps(dict(reversed(list(obj.items())))).encode()),
        ("raw UTF-8 instead of \\u escapes", json.dumps(obj, ensure_ascii=False).encode()),
        ("floats spelled differently (1E16, 1.00, 0.0000001)",
         compact.replace(b"1e+16", b"1E16").replace(b"1.0,", b"1.00,").replace(b"1e-07", b"0.0000001")),
        ("whitespace (space, tab, CR, LF) around every token",
         b"\r\n " + json.dumps(obj, indent=" \t", separators=("\r ,", "\t: ")).encode() + b"\r\n"),
        ("escaped solidus and \\u escapes of ASCII letters",
         compact.replace(b'"job.completed"', b'"job\\u002ecomplet\\u0065d"')
         .replace(b"https://example.com/r/1", b"https:\\/\\/example.com\\/r\\/1")),
    ]
    assert all(canonical_json(s) == canonical_json(compact) != s for _, s in spellings)
    for name, spelled in spellings:
        cs.add("canonical", f"{name}; signed over the canonical form", spelled, p.headers(spelled))

    pretty = spellings[0][1]
    raw_sig = p.prefix + hex_hmac(p.secret, pretty)
    cs.add("canonical", "signed over the raw (non-canonical) bytes instead", pretty,
           p.headers(pretty, sig=raw_sig), error="signature_mismatch")
    already = canonical_json(compact)
    cs.add("canonical", "signed over the raw bytes, which are already canonical", already,
           p.headers(already, sig=p.prefix + hex_hmac(p.secret, already)))
    cs.add("canonical", "trailing newline added after signing (same canonical form)", compact + b"\n",
           p.headers(compact))
    cs.add("canonical", "value changed after signing", compact.replace(b"1699999997", b"1699999998"),
           p.headers(compact), error="signature_mismatch")
    dup = b'{"id":"evt_first","type":"job.completed","id":"evt_last","data":{}}'
    cs.add("canonical", "duplicate keys: the last one wins", dup, p.headers(dup))
    keys = '{"\\uffff":1,"\\ud83d\\ude00":2,"z":3,"é":4,"A":5,"_":6,"a":7}'.encode()
    cs.add("canonical", "keys sorted by code point, not UTF-16 (U+FFFF before U+1F600)", keys, p.headers(keys))
    big = b'{"id":"evt_big","type":"ledger.entry","data":{"amount":123456789012345678901234567890,"ratio":2.50}}'
    cs.add("canonical", "big integer kept exactly", big, p.headers(big))
    deep = b'{"data":' + b"[" * 100 + b"{}" + b"]" * 100 + b',"id":"evt_deep","type":"deep"}'
    cs.add("canonical", "100 nested arrays", deep, p.headers(deep))

    # Bodies that are not JSON: the canonical form (the signed content) cannot be computed, so
    # no signature can be checked; after the header checks, hookwise reports invalid_json.
    # The documented snippet refuses them (its json.loads raises).
    not_json = b'{"id":"evt_1","type":"job.completed",}'
    any_sig = p.prefix + hex_hmac(p.secret, not_json)
    cs.add("invalid-json", "not JSON (trailing comma), well-formed signature: canonical form cannot be computed",
           not_json, p.headers(not_json, sig=any_sig), error="invalid_json")
    cs.add("invalid-json", "empty body, well-formed signature", b"", p.headers(b"", sig=any_sig), error="invalid_json")
    cs.add("invalid-json", "an unquoted key, well-formed signature", b"{id: 1}",
           p.headers(b"{id: 1}", sig=any_sig), error="invalid_json")
    cs.add("invalid-json", "not UTF-8, well-formed signature", b'{"note":"caf\xe9"}',
           p.headers(b'{"note":"caf\xe9"}', sig=any_sig), error="invalid_json")
    cs.add("order", "not JSON and no signature header: the header is checked first", not_json,
           with_header(p.headers(not_json, sig=any_sig), p.sig_header, MISSING), error="missing_signature")
    cs.add("order", "not JSON and a malformed signature: the header form is checked first", not_json,
           p.headers(not_json, sig="not-a-signature"), error="malformed_signature")
    cs.add("order", "not JSON and no secret: configuration is checked first", not_json,
           p.headers(not_json, sig=any_sig), secrets=[], error="invalid_secret")


def argus_cases(p, cs):
    canonical_cases(p, cs)
    large_canonical_cases(p, cs)
    env = [
        ("id is null: falls back to the X-Argus-Trace-ID header",
         {"id": None, "type": "job.completed", "created_at": 1699999997, "data": {"ok": True}}, {}),
        ("no id field: the X-Argus-Trace-ID header",
         {"type": "job.completed", "data": {"ok": True}}, {}),
        ("no id field and no trace header: id is null",
         {"type": "job.completed", "data": {"ok": True}}, {"X-Argus-Trace-ID": MISSING}),
        ("trace header in lower case", {"type": "job.completed"}, "lower"),
        ("type from the event field when there is no type",
         {"id": "evt_e1", "event": "job.queued", "timestamp": 1699999000, "data": {}}, {}),
        ("created_at as a float is truncated", {"id": "evt_f1", "type": "t", "created_at": 1699999997.9}, {}),
        ("created_at as a digit string is unix seconds", {"id": "evt_f2", "type": "t", "created_at": "1699999997"}, {}),
        ("created_at as an RFC 3339 string is kept", {"id": "evt_f3", "type": "t",
                                                      "created_at": "2023-11-14T22:13:17.123+00:00"}, {}),
        ("created_at from the timestamp field", {"id": "evt_f4", "type": "t", "timestamp": "2023-11-14T22:00:00Z"}, {}),
        ("data is null: data is the whole payload", {"id": "evt_d1", "type": "t", "data": None}, {}),
        ("data is false: present, kept", {"id": "evt_d2", "type": "t", "data": False}, {}),
        ("data is an empty array", {"id": "evt_d3", "type": "t", "data": []}, {}),
    ]
    for name, obj, headers in env:
        b = p.encode(obj)
        h = p.headers(b)
        if headers == "lower":
            h = renamed(h, str.lower)
        else:
            for k, v in headers.items():
                h = with_header(h, k, v)
        cs.add("envelope", name, b, h)
    bom = b"\xef\xbb\xbf" + p.main_body
    cs.add("canonical", "UTF-8 byte order mark before the JSON (CPython's json.loads accepts it on bytes)", bom,
           p.headers(bom))


def auggie_cases(p, cs):
    canonical_cases(p, cs)
    utf16 = json.dumps(p.sample("UTF-16")).encode("utf-16-le")
    cs.add("canonical", "body in UTF-16-LE without BOM (CPython's json.loads detects it)", utf16, p.headers(utf16))
    for name, obj in [
        ("created_at as integer seconds", {"id": "a1", "type": "t", "created_at": 0, "data": 1}),
        ("no envelope fields at all", {"hello": "world"}),
        ("data is a string", {"id": "a2", "type": "t", "data": "plain"}),
        ("id is null and type absent", {"id": None, "data": {"k": "v"}}),
    ]:
        b = p.encode(obj)
        cs.add("envelope", name, b, p.headers(b))


def raw_envelope_cases(p, cs, objs):
    for name, obj in objs:
        b = p.encode(obj)
        cs.add("envelope", name, b, p.headers(b))
    pretty = json.dumps(p.sample("pretty"), indent=2).encode()
    cs.add("raw", "pretty-printed body signed as sent", pretty, p.headers(pretty))
    cs.add("raw", "body re-serialized compactly after signing (raw bytes differ)",
           json.dumps(json.loads(pretty), separators=(",", ":")).encode(), p.headers(pretty),
           error="signature_mismatch")
    cs.add("raw", "trailing newline added after signing", p.main_body + b"\n", p.headers(p.main_body),
           error="signature_mismatch")


def asg_cases(p, cs):
    raw_envelope_cases(p, cs, [
        ("event and type both present: event wins", {"event": "task.completed", "type": "other", "task_id": "t1"}),
        ("only a type field", {"type": "task.created", "task_id": "t2", "created_at": 1699999000}),
        ("timestamp wins over created_at", {"event": "e", "timestamp": 1699999001, "created_at": 1}),
        ("timestamp null: created_at is used", {"event": "e", "timestamp": None, "created_at": "1699999002"}),
        ("data field present", {"event": "e", "id": "asg_1", "data": {"rows": [[1, 2], [3, 4]]}}),
    ])


def gabinete360_cases(p, cs):
    raw_envelope_cases(p, cs, [
        ("eventType wins over type", {"id": "g1", "eventType": "alert.created", "type": "x"}),
        ("only a type field and created_at", {"id": "g2", "type": "alert.closed", "created_at": 1699999999}),
        ("createdAt wins over created_at", {"id": "g3", "createdAt": "2023-11-14", "created_at": 1}),
        ("Portuguese text", {"id": "g4", "eventType": "alert.created", "title": "Publicação no Diário Oficial",
                             "summary": "Decisão: ação civil pública nº 0001"}),
    ])
    h = p.headers(p.main_body)
    cs.add("header-case", "header name in Title-Case", p.main_body,
           renamed(h, lambda k: "X-Argos-Signature" if k == p.sig_header else k))


def argyle_cases(p, cs):
    raw_envelope_cases(p, cs, [
        ("type field when there is no event", {"type": "users.fully_synced", "data": {"user": "u1"}}),
        ("id and created_at fields", {"id": "arg_1", "event": "accounts.updated", "created_at": 1699990000,
                                      "data": {"account": "a1"}}),
    ])


def github_cases(p, cs):
    large_cases(p, cs)
    body = p.main_body
    h = p.headers(body)
    cs.add("envelope", "no X-GitHub-Event / X-GitHub-Delivery headers: id and type are null", body,
           with_header(with_header(h, "X-GitHub-Event", MISSING), "X-GitHub-Delivery", MISSING))
    issue = p.encode({"action": "opened", "issue": {"number": 1347, "title": "Found a bug", "body": "It's broken"},
                      "repository": {"full_name": "octocat/Hello-World"}, "sender": {"login": "octocat"}})
    cs.add("envelope", "an issues event", issue,
           with_header(with_header(p.headers(issue), "X-GitHub-Event", "issues"), "X-GitHub-Delivery",
                       "d5a8c3e0-cc78-11e3-8d2b-2a1c5b9d0e11"))
    legacy = "sha1=" + hex_hmac(p.secret, body, hashlib.sha1)
    cs.add("legacy", "only the legacy X-Hub-Signature (SHA-1) header", body,
           with_header(with_header(h, p.sig_header, MISSING), "X-Hub-Signature", legacy), error="missing_signature")
    cs.add("legacy", "legacy X-Hub-Signature next to a valid X-Hub-Signature-256", body,
           with_header(h, "X-Hub-Signature", legacy))
    hello = b"Hello, World!"
    value = p.signature(hello, p.secret, None, None)
    assert value == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"  # GitHub's docs
    cs.add("docs-example", "GitHub docs example (Hello, World!): signature valid, body not JSON", hello,
           p.headers(hello), error="invalid_json", ref_accepts=True,
           why="octokit accepts the signature (the docs' value); json.loads raises")
    raw_envelope_cases(p, cs, [])


def shopify_cases(p, cs):
    body = p.main_body
    h = p.headers(body)
    cs.add("envelope", "no X-Shopify-Webhook-Id: id from X-Shopify-Event-Id", body,
           with_header(h, "X-Shopify-Webhook-Id", MISSING))
    cs.add("envelope", "no Shopify id/topic/time headers: id, type, created_at are null", body,
           {k: v for k, v in h.items() if k in (p.sig_header, "Content-Type")})
    cs.add("envelope", "X-Shopify-Triggered-At as a digit string is unix seconds", body,
           with_header(h, "X-Shopify-Triggered-At", "1699999997"))
    raw_envelope_cases(p, cs, [])


def slack_cases(p, cs):
    # Slack's docs example (a slash command, form-encoded): the signature is valid at its time.
    docs_body = (b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                 b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                 b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F"
                 b"96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
    docs_headers = p.headers(docs_body, ts=1531420618)
    assert docs_headers[p.sig_header] == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    cs.add("docs-example", "Slack docs example (slash command): signature valid, body is form data", docs_body,
           docs_headers, now=1531420618, error="invalid_json", ref_accepts=True,
           why="the snippet accepts the signature (the docs' value); json.loads raises")
    cs.add("docs-example", "Slack docs example replayed now: too old", docs_body, docs_headers,
           error="timestamp_outside_tolerance")
    timestamp_cases(p, cs)
    header_timestamp_cases(p, cs, [("abc", "not a number"), ("-1", "negative"),
                                   ("1700000000" + "0" * 9, "with 19 digits")])
    body = p.main_body
    cs.add("prefix", "v1= instead of v0=", body,
           p.headers(body, sig=p.signature(body, p.secret, p.sent_at, None).replace("v0=", "v1=")),
           error="malformed_signature")
    raw_envelope_cases(p, cs, [
        ("event_time missing, event present", {"type": "event_callback", "event_id": "Ev1", "event": {"type": "x"}}),
        ("app_rate_limited (no event)", {"token": "t", "type": "app_rate_limited", "team_id": "T1",
                                         "minute_rate_limited": 1518467820, "api_app_id": "A1"}),
    ])


def standard_cases(p, cs):
    large_cases(p, cs)
    body = p.main_body
    h = p.headers(body)
    good = h[p.sig_header]
    other = p.signature(body, p.rotation[0], p.sent_at, p.msg_id)

    # The specification's own example vector.
    example = b'{"test": 2432232314}'
    ex_headers = p.headers(example, ts=1614265330, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek")
    assert ex_headers[p.sig_header] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    cs.add("spec-example", "the Standard Webhooks specification example", example, ex_headers, now=1614265330)

    def sig(value, slug, name, error=None):
        cs.add(slug, name, body, with_header(h, p.sig_header, value), error=error)

    sig(f"{other} {good}", "multi", "two v1 entries, the second matches")
    sig(f"{good} {other}", "multi", "two v1 entries, the first matches")
    sig(f"v2,{good[3:]} {good}", "multi", "a v2 entry is ignored, the v1 entry matches")
    sig(f"v1a,{good[3:]} {good}", "multi", "a v1a entry is ignored, the v1 entry matches")
    sig(f"v1,!!! {good}", "multi", "a v1 entry that is not base64, then the matching v1 entry")
    sig(f"{other} {other}", "multi", "two v1 entries, none matches", "signature_mismatch")
    # Well-formed entries the specification says to ignore (another version), or a v1 signature
    # that cannot match (another length): no signature matches, the header is not malformed.
    sig(f"v2,{good[3:]}", "no-v1", "only a v2 entry (the right signature): ignored, no match", "signature_mismatch")
    sig(f"V1,{good[3:]}", "no-v1", "V1 in upper case is not v1: ignored, no match", "signature_mismatch")
    sig(f"v2,{good[3:]} v1a,{good[3:]}", "no-v1", "a v2 and a v1a entry, both ignored", "signature_mismatch")
    sig("v1,", "length", "v1 with an empty signature (0 bytes)", "signature_mismatch")
    sig("v1," + b64(bytes(31)), "length", "v1 signature of 31 bytes", "signature_mismatch")
    sig("v1," + b64(bytes(64)), "length", "v1 signature of 64 bytes", "signature_mismatch")
    sig(f"v1,{good[3:-4]} v2,{good[3:]}", "length", "a truncated v1 and a v2 entry", "signature_mismatch")
    sig("v1,!!!", "bad-base64", "v1 with a signature that is not base64", "malformed_signature")
    sig(good.rstrip("="), "bad-base64", "v1 signature without its padding", "malformed_signature")
    sig(f",{good[3:]}", "bad-base64", "an entry without a version", "malformed_signature")
    sig("v1," + b64(bytes(32)), "zero", "v1 signature of 32 zero bytes", "signature_mismatch")
    sig("garbage", "garbage", "garbage value", "malformed_signature")
    for i in range(100):  # a signature with a '+' or '/', sent in the URL-safe alphabet
        b = p.encode(p.sample(f"url-safe {i}"))
        value = p.signature(b, p.secret, p.sent_at, p.msg_id)
        if "+" in value[3:] or "/" in value[3:]:
            cs.add("urlsafe", "URL-safe base64 alphabet instead of the standard one", b,
                   with_header(p.headers(b), p.sig_header, value.replace("+", "-").replace("/", "_")),
                   error="malformed_signature")
            break

    cs.add("missing-header", "webhook-id absent", body, with_header(h, "webhook-id", MISSING),
           error="missing_signature")
    cs.add("empty-header", "webhook-id empty", body, with_header(h, "webhook-id", ""), error="missing_signature")
    cs.add("id", "webhook-id changed after signing", body, with_header(h, "webhook-id", "msg_other"),
           error="signature_mismatch")
    spaced = " msg_2b9eSmHqAZwTqg0ltZmYkW5Cg7j "
    cs.add("id", "webhook-id with surrounding spaces, signed verbatim", body, p.headers(body, msg_id=spaced))
    cs.add("id", "webhook-id with non-ASCII characters, signed as UTF-8 verbatim", body,
           p.headers(body, msg_id="msg_ümlaut_✓"))

    plain = p.secret[len("whsec_"):]
    cs.add("secret", "secret without the whsec_ prefix (plain base64)", body, h, secrets=[plain])
    cs.add("secret", "whsec_ secret that is not base64", body, h, secrets=["whsec_!!!"], error="invalid_secret")
    cs.add("secret", "whsec_ alone (empty key)", body, h, secrets=["whsec_"], error="invalid_secret")
    utf8_key = "v1," + b64(hmac.new(p.secret.encode(), f"{p.msg_id}.{p.sent_at}.".encode() + body,
                                    hashlib.sha256).digest())
    sig(utf8_key, "secret", "signed with the whsec_ string itself as the key (Stripe style)", "signature_mismatch")

    timestamp_cases(p, cs)
    header_timestamp_cases(p, cs, [("abc", "not a number"), ("-1700000000", "negative"),
                                   ("+1700000000", "with a plus sign"), (" 1700000000", "with a leading space"),
                                   ("1700000000" + "0" * 9, "with 19 digits")])
    raw_envelope_cases(p, cs, [
        ("created_at when there is no timestamp field", {"type": "t", "created_at": 1699999990, "data": [1]}),
        ("no type and no data", {"hello": "world"}),
    ])


def stripe_cases(p, cs):
    body = p.main_body
    ts = p.sent_at
    v1 = ref.stripe_v1(body, p.secret, ts)
    v1_other = ref.stripe_v1(body, p.rotation[0], ts)
    h = p.headers(body)
    assert h[p.sig_header] == f"t={ts},v1={v1}"

    def sig(value, slug, name, error=None, **kw):
        cs.add(slug, name, body, with_header(h, p.sig_header, value), error=error, **kw)

    sig(f"t={ts},v1={v1_other},v1={v1}", "multi", "two v1 values, the second matches")
    sig(f"t={ts},v1={v1},v1={v1_other}", "multi", "two v1 values, the first matches")
    sig(f"t={ts},v1={v1},v0={'0' * 64}", "multi", "a v0 item is ignored")
    sig(f"t={ts},v1={v1},v2=anything,x", "multi", "unknown items are ignored")
    sig(f"v1={v1},t={ts}", "multi", "v1 before t")
    sig(f"t={ts},v1={v1_other},v1={'0' * 64}", "multi", "two v1 values, none matches", "signature_mismatch")
    sig("garbage", "garbage", "garbage value (no t, no v1)", "malformed_signature")
    sig(f"t={ts}", "no-v1", "t only, no v1", "malformed_signature")
    sig(f"t={ts},v0={v1}", "no-v1", "only a v0 item (the right value)", "malformed_signature")
    sig(f"t={ts}, v1={v1}", "no-v1", "a space after the comma makes the key ' v1'", "malformed_signature")
    sig(f"t={ts},V1={v1}", "no-v1", "V1 in upper case is not v1", "malformed_signature")
    sig(f"v1={v1}", "timestamp-missing", "no t item", "timestamp_missing")
    sig(f"t=,v1={v1}", "timestamp-missing", "t is empty", "timestamp_missing")
    sig(p.signature(body, p.secret, "abc", None), "timestamp-missing", "t is not a number (signed verbatim)",
        "timestamp_missing")
    sig(f" t={ts},v1={v1}", "timestamp-missing", "a leading space makes the key ' t'", "timestamp_missing")
    sig(f"t={ts},v1={v1.upper()}", "upper-hex", "v1 in upper-case hex", "signature_mismatch")
    # A v1 item is present in all of these: its value is compared as text, so any value that is
    # not the expected lower-case hex is a mismatch (only a header without v1 is malformed).
    sig(f"t={ts},v1={v1[:-1]}", "truncated", "v1 value truncated (compared as text)", "signature_mismatch")
    sig(f"t={ts},v1=nothex", "not-hex", "v1 value not hex (compared as text)", "signature_mismatch")
    sig(f"t={ts},v1={v1} ", "whitespace", "trailing space after the v1 value", "signature_mismatch")
    sig(f"t={ts},v1=", "not-hex", "v1 value empty", "signature_mismatch")
    sig(f"t={ts},v1={v1}00", "length", "v1 value with 66 hex digits (compared as text)", "signature_mismatch")
    sig(f"t={ts},v1=nothex,v1={v1}", "multi", "a v1 that is not hex, then the matching v1")

    whsec_key = base64.b64decode(p.secret[len("whsec_"):] + "==")
    decoded = hmac.new(whsec_key, f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    sig(f"t={ts},v1={decoded}", "secret", "signed with the base64-decoded secret (the whole string is the key)",
        "signature_mismatch")
    plain = p.secret[len("whsec_"):]
    sig(f"t={ts},v1={v1}", "secret", "secret configured without its whsec_ prefix", "signature_mismatch",
        secrets=[plain])

    timestamp_cases(p, cs)
    # stripe-python and stripe-node check the window only when the tolerance is positive.
    day_old = NOW - 86400
    cs.add("tolerance-zero", "tolerance 0: a day old, not checked", body, p.headers(body, ts=day_old), tolerance=0)
    cs.add("tolerance-zero", "tolerance 0: a year in the future, not checked", body,
           p.headers(body, ts=NOW + 86400 * 365), tolerance=0)
    cs.add("tolerance-zero", "tolerance 0: a day old, signed with another secret", body,
           p.headers(body, p.rotation[0], ts=day_old), tolerance=0, error="signature_mismatch")
    cs.add("tolerance-zero", "tolerance 0: no t item", body, with_header(h, p.sig_header, f"v1={v1}"),
           tolerance=0, error="timestamp_missing")
    cs.add("timestamp-missing", "no t and signed with another secret: the timestamp is checked first", body,
           with_header(h, p.sig_header, f"v1={v1_other}"), error="timestamp_missing")
    raw_envelope_cases(p, cs, [
        ("created_at when there is no created field", {"id": "evt_x", "type": "t", "created_at": 1699999990}),
        ("thin event without data", {"id": "evt_thin", "object": "v2.core.event",
                                     "type": "v1.billing.meter.no_meter_found",
                                     "created": "2023-11-14T22:13:17.000Z"}),
    ])


PRESETS = [Argus(), Auggie(), Asg(), Gabinete360(), Argyle(), Standard(), Stripe(), Github(), Shopify(), Slack()]
SPECIFIC = {"argus": argus_cases, "auggie": auggie_cases, "asg": asg_cases, "gabinete360": gabinete360_cases,
            "argyle": argyle_cases, "standard": standard_cases, "stripe": stripe_cases, "github": github_cases,
            "shopify": shopify_cases, "slack": slack_cases}


def preset_cases(p: Preset):
    cs = p.case_set()
    common_cases(p, cs)
    if isinstance(p, HexPreset):
        hex_cases(p, cs)
    elif isinstance(p, Shopify):
        base64_cases(p, cs)
    SPECIFIC[p.name](p, cs)
    for c in cs.cases:
        value = ref.header(c.headers, p.sig_header)
        if value and c.error not in ("unknown_scheme", "invalid_secret", "payload_too_large", "missing_signature"):
            assert p.well_formed(value) == (c.error != "malformed_signature"), f"{c.id}: {value!r} vs {c.error}"
    return cs.cases


# =============================================================================================
# Custom scheme objects (reference: Python's hmac, references.verify_custom)
# =============================================================================================


def custom_cases():
    cs = CaseSet("custom")
    secret = "custom-secret-42"
    sha1_b64 = {"name": "acme-sha1", "algorithm": "hmac-sha1", "signature_header": "X-Acme-Signature",
                "signature_format": "base64", "signed_content": "raw",
                "envelope": {"id": [F("id")], "type": [F("type")], "created_at": [F("created_at")], "data": [F("data")]}}
    body = b'{"id":"acme_1","type":"order.paid","created_at":1699999990,"data":{"order":42}}'

    def sign(scheme, b, ts=None, msg_id=None):
        return ref.custom_sign(scheme, b, secret, ts, msg_id)

    def add(slug, name, scheme, b, headers, **kw):
        cs.add(slug, name, b, headers, scheme=scheme, secrets=kw.pop("secrets", [secret]),
               envelope=scheme.get("envelope", {}) if isinstance(scheme, dict) else {}, **kw)

    add("sha1-base64", "HMAC-SHA1, base64, raw body", sha1_b64, body, {"X-Acme-Signature": sign(sha1_b64, body)})
    add("sha1-base64", "HMAC-SHA1, base64: body changed", sha1_b64, body + b" ",
        {"X-Acme-Signature": sign(sha1_b64, body)}, error="signature_mismatch")
    add("sha1-base64", "HMAC-SHA1, base64: a 32-byte (SHA-256 sized) value", sha1_b64, body,
        {"X-Acme-Signature": b64(hmac.new(secret.encode(), body, hashlib.sha256).digest())},
        error="malformed_signature")

    sha1_hex = dict(sha1_b64, name="acme-sha1-hex", signature_format="hex")
    add("sha1-hex", "HMAC-SHA1, hex (40 digits)", sha1_hex, body, {"X-Acme-Signature": sign(sha1_hex, body)})
    add("sha1-hex", "HMAC-SHA1, hex: 64 hex digits", sha1_hex, body,
        {"X-Acme-Signature": hex_hmac(secret, body)}, error="malformed_signature")

    ts_scheme = {"name": "acme-ts", "algorithm": "hmac-sha512", "signature_header": "X-Acme-Signature",
                 "signature_format": "prefixed", "signature_prefix": "sha512=", "signed_content": "{timestamp}.{body}",
                 "timestamp_header": "X-Acme-Timestamp", "id_header": None, "tolerance_seconds": 300,
                 "reject_future": False, "secret_encoding": "utf8",
                 "envelope": {"id": [F("id")], "type": [F("type")], "created_at": [H("X-Acme-Timestamp")],
                              "data": [F("data")]}}

    def ts_headers(ts):
        return {"X-Acme-Timestamp": str(ts), "X-Acme-Signature": sign(ts_scheme, body, ts=str(ts))}

    add("timestamp", "sha512= + {timestamp}.{body}, 30 s old", ts_scheme, body, ts_headers(NOW - 30))
    add("timestamp", "reject_future false: a day in the future is fine", ts_scheme, body, ts_headers(NOW + 86400))
    add("timestamp", "301 s old", ts_scheme, body, ts_headers(NOW - 301), error="timestamp_outside_tolerance")
    add("timestamp", "tolerance 10: 11 s old", ts_scheme, body, ts_headers(NOW - 11), tolerance=10,
        error="timestamp_outside_tolerance")
    add("timestamp", "timestamp header absent", ts_scheme, body,
        {"X-Acme-Signature": ts_headers(NOW)["X-Acme-Signature"]}, error="timestamp_missing")
    add("timestamp", "hex without the sha512= prefix", ts_scheme, body,
        {"X-Acme-Timestamp": str(NOW), "X-Acme-Signature": ts_headers(NOW)["X-Acme-Signature"][len("sha512="):]},
        error="malformed_signature")

    id_scheme = {"name": "acme-id", "signature_header": "X-Acme-Signature", "signature_format": "hex",
                 "signed_content": "{id}:{timestamp}:{body}", "timestamp_header": "X-Acme-Timestamp",
                 "id_header": "X-Acme-Delivery", "tolerance_seconds": 120, "reject_future": True,
                 "envelope": {"id": [H("X-Acme-Delivery")], "type": [H("X-Acme-Event")],
                              "created_at": [H("X-Acme-Timestamp")], "data": []}}

    def id_headers(ts=NOW - 5, msg_id="dlv_0001"):
        return {"X-Acme-Delivery": msg_id, "X-Acme-Event": "order.paid", "X-Acme-Timestamp": str(ts),
                "X-Acme-Signature": sign(id_scheme, body, ts=str(ts), msg_id=msg_id)}

    add("id-template", "{id}:{timestamp}:{body}, envelope from headers", id_scheme, body, id_headers())
    add("id-template", "id header absent", id_scheme, body, with_header(id_headers(), "X-Acme-Delivery", MISSING),
        error="missing_signature")
    add("id-template", "id header changed after signing", id_scheme, body,
        with_header(id_headers(), "X-Acme-Delivery", "dlv_0002"), error="signature_mismatch")
    add("id-template", "tolerance_seconds 120: 121 s in the future", id_scheme, body, id_headers(ts=NOW + 121),
        error="timestamp_outside_tolerance")
    add("id-template", "tolerance_seconds 120: exactly 120 s old", id_scheme, body, id_headers(ts=NOW - 120))

    canon = {"name": "acme-canonical", "algorithm": "hmac-sha512", "signature_header": "X-Acme-Signature",
             "signature_format": "hex", "signed_content": "canonical_json",
             "envelope": {"id": [F("id")], "type": [F("type")], "created_at": [F("created_at")], "data": [F("data")]}}
    pretty = json.dumps(json.loads(body), indent=2, sort_keys=False).encode()
    add("canonical", "HMAC-SHA512 over canonical JSON, pretty-printed body", canon, pretty,
        {"X-Acme-Signature": sign(canon, pretty)})

    whsec = {"name": "acme-whsec", "signature_header": "X-Acme-Signature", "signature_format": "base64",
             "secret_encoding": "whsec_base64",
             "envelope": {"id": [F("id")], "type": [F("type")], "created_at": [], "data": [F("data")]}}
    key = "whsec_" + b64(b"0123456789abcdef0123")
    cs.add("whsec", "whsec_base64 secret with a base64 signature", body,
           {"X-Acme-Signature": ref.custom_sign(whsec, body, key)}, scheme=whsec, secrets=[key],
           envelope=whsec["envelope"])
    cs.add("whsec", "whsec_base64 secret that is not base64", body,
           {"X-Acme-Signature": ref.custom_sign(whsec, body, key)}, scheme=whsec, secrets=["whsec_!!!"],
           envelope=whsec["envelope"], error="invalid_secret")

    minimal = {"name": "acme-minimal", "signature_header": "X-Acme-Signature", "signature_format": "hex"}
    plain = b'{"hello":"world"}'
    add("defaults", "only name, signature_header and signature_format (HMAC-SHA256 over the raw body)", minimal,
        plain, {"X-Acme-Signature": sign(minimal, plain)})

    no_ref = "the scheme is invalid: there is nothing a reference could check"
    for name, scheme in [
        ("unknown algorithm md5", dict(sha1_b64, name="acme-md5", algorithm="md5")),
        ("template with an unknown placeholder {nope}", dict(id_scheme, name="acme-nope",
                                                            signed_content="{nope}.{body}")),
        ("unknown signature_format rot13", dict(sha1_b64, name="acme-rot13", signature_format="rot13")),
        ("signature_header missing", {k: v for k, v in sha1_b64.items() if k != "signature_header"}),
        ("unknown secret_encoding", dict(sha1_b64, name="acme-enc", secret_encoding="hex")),
        # A timestamp that would be checked but not signed: whoever replays could change it.
        ("stripe format over the raw body (t= checked, not signed)",
         dict(sha1_b64, name="acme-stripe-raw", algorithm="hmac-sha256", signature_format="stripe")),
        ("timestamp_header set, the template does not use {timestamp}",
         dict(sha1_b64, name="acme-unsigned-ts", signed_content="{id}.{body}", id_header="X-Acme-Id",
              timestamp_header="X-Acme-Timestamp")),
        ("timestamp_header set with the stripe format (which reads t=)",
         dict(sha1_b64, name="acme-stripe-ts-header", algorithm="hmac-sha256", signature_format="stripe",
              signed_content="{timestamp}.{body}", timestamp_header="X-Acme-Timestamp")),
    ]:
        add("invalid-scheme", name, scheme, body, {"X-Acme-Signature": sign(sha1_b64, body)},
            error="unknown_scheme", ref_accepts=None, why=no_ref)
    for secrets, name in (([secret], "a preset name that does not exist"),
                          ([], "unknown preset and no secret: the scheme is checked first")):
        cs.add("unknown-preset", name, body, {"X-Acme-Signature": sign(sha1_b64, body)}, scheme="nosuch",
               secrets=secrets, envelope={}, error="unknown_scheme", ref_accepts=None, why=no_ref)
    return cs.cases


# =============================================================================================


def main():
    require_cpython_311()
    ref.check_pins()
    out = VECTORS / "signatures"
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.json"):
        stale.unlink()
    everything = []
    for p in PRESETS:
        cases = preset_cases(p)
        assert_no_repeats(cases)
        asked = check_with_reference(cases, ref.VERIFIERS[p.name])
        asked += mark_unsigned(cases, ref.VERIFIERS[p.name])
        everything += cases
        write_json(out / f"{p.name}.json", [c.to_json() for c in sorted(cases, key=lambda c: c.id)])
        print(f"signatures/{p.name}.json: {len(cases)} cases ({sum(c.ok for c in cases)} ok), "
              f"{asked} judged by the reference")
        if isinstance(p, Github):
            print(f"  github: {p.confirm_with_octokit()} signatures confirmed identical to octokit sign()")
    cases = custom_cases()
    assert_no_repeats(cases)
    asked = check_with_reference(cases, ref.verify_custom)
    asked += mark_unsigned(cases, ref.verify_custom)
    everything += cases
    write_json(out / "custom.json", [c.to_json() for c in sorted(cases, key=lambda c: c.id)])
    print(f"signatures/custom.json: {len(cases)} cases ({sum(c.ok for c in cases)} ok), "
          f"{asked} judged by the reference")
    assert_unique_ids([c.to_json() for c in everything])


if __name__ == "__main__":
    main()
