"""What only Python has: argument types, exceptions, reprs, the stripe-style entry point."""

from __future__ import annotations

import json

import pytest

import hookwise

BODY = b'{"id":"evt_1","type":"job.succeeded","created_at":"2026-11-22T10:00:00Z","data":{"job":{"id":"job_1"}}}'
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_verify_returns_an_event_with_python_values() -> None:
    hook = hookwise.Webhook(STANDARD_SECRET)  # scheme defaults to "standard"
    headers = hook.sign(BODY, id="msg_1", timestamp=1_700_000_000)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    event = hook.verify(BODY, headers, now=1_700_000_000)
    assert (event.id, event.type, event.created_at, event.scheme) == ("msg_1", "job.succeeded", "2026-11-22T10:00:00Z", "standard")
    assert event.data == {"job": {"id": "job_1"}}
    assert event.payload == json.loads(BODY)
    assert repr(event) == 'Event(id="msg_1", type="job.succeeded", created_at="2026-11-22T10:00:00Z", scheme="standard")'
    assert event.to_dict()["data"] == event.data


def test_the_payload_is_parsed_once_on_first_use_from_the_verified_bytes() -> None:
    hook = hookwise.Webhook("k", scheme="github")
    body = bytearray(BODY)
    event = hook.verify(body, hook.sign(bytes(body)))
    body[:] = b" " * len(body)  # the caller reuses its buffer: the event keeps what was verified
    assert event.payload is event.payload, "the same dict on every access"
    assert event.data is event.payload, "github events carry the whole body as data"
    assert event.payload["id"] == "evt_1"
    standard = hookwise.Webhook(STANDARD_SECRET)
    event = standard.verify(BODY, standard.sign(BODY))
    assert event.data is event.payload["data"]


def test_payload_values_are_what_json_loads_gives_even_where_rust_strings_cannot_hold_them() -> None:
    hook = hookwise.Webhook("k", scheme="github")
    for body in (b'{"s": "\\ud800", "n": NaN, "big": 123456789012345678901234567890, "z": -0}', b"\xef\xbb\xbf[1.5e400]"):
        event = hook.verify(body, hook.sign(body))
        assert repr(event.payload) == repr(json.loads(body))


def test_shared_strings_are_told_apart_by_their_whole_text() -> None:
    """Keys and short values are shared through a cache keyed by length, first and last eight
    bytes: strings equal there but not in the middle, just past 16 and 64 bytes, escaped and raw
    spellings of one text, and lone surrogates (never shared) must all read as json.loads reads
    them, in every order."""
    hook = hookwise.Webhook("k", scheme="github")
    texts = [
        "aaaaaaaaXbbbbbbbb", "aaaaaaaaYbbbbbbbb", "aaaaaaaaXYbbbbbbbb", "aaaaaaaabbbbbbbb", "a" * 64, "a" * 65,
        "é" * 8, "é" * 9, "éé", "café", "caf\\u00e9", "\\ud800", "\\udc00x", "", "x", "k",
    ]
    items = [[t, {t: t, "k": t}] for t in texts + texts[::-1]]
    body = json.dumps(items, ensure_ascii=False).replace("\\\\", "\\").encode()
    expected = json.loads(body)
    assert repr(hook.verify(body, hook.sign(body)).payload) == repr(expected)


def test_the_string_cache_outlives_an_event_and_still_tells_strings_apart() -> None:
    """The cache lives as long as the process (as orjson's key cache does): the next event's keys
    are the same `str` objects, and a string cached by one event is never handed to another event
    whose string only looks alike (same length, same first and last eight bytes)."""
    hook = hookwise.Webhook("k", scheme="github")
    first, second = (hook.verify(b, hook.sign(b)).data for b in (b'{"customer": 1}', b'{"customer": 2}'))
    assert next(iter(first)) is next(iter(second))
    for middle in "XYZXY":
        text = f"aaaaaaaa{middle}{middle}bbbbbbbb"
        body = json.dumps({text: text, "v": [text]}).encode()
        assert hook.verify(body, hook.sign(body)).data == {text: text, "v": [text]}


def test_a_payload_nested_deeper_than_the_recursion_budget_still_converts() -> None:
    import sys

    hook = hookwise.Webhook("k", scheme="github")
    body = b"[" * 990 + b"]" * 990
    event = hook.verify(body, hook.sign(body))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # json.loads now raises RecursionError for this body
    try:
        payload = event.payload
    finally:
        sys.setrecursionlimit(limit)
    depth = 0
    while payload:
        payload, depth = payload[0], depth + 1
    assert depth == 989


def test_payload_may_be_str_bytearray_or_memoryview_and_headers_any_mapping_or_pairs() -> None:
    hook = hookwise.Webhook("k", scheme="github")
    headers = hook.sign(BODY)
    for payload in (BODY, BODY.decode(), bytearray(BODY), memoryview(BODY)):
        assert hook.verify(payload, headers).payload["id"] == "evt_1"
    assert hook.verify(BODY, list(headers.items())).payload["id"] == "evt_1"
    assert hook.verify(BODY, {k.upper(): v for k, v in headers.items()}).payload["id"] == "evt_1"


def test_a_parsed_body_is_refused_with_a_type_error_that_explains_why() -> None:
    hook = hookwise.Webhook("k", scheme="github")
    with pytest.raises(TypeError, match="raw request body"):
        hook.verify(json.loads(BODY), {})
    with pytest.raises(TypeError, match="raw request body"):
        hookwise.canonicalize([1, 2])  # type: ignore[arg-type]


def test_errors_carry_stable_codes_and_never_the_secret() -> None:
    hook = hookwise.Webhook("super-secret-value", scheme="github")
    with pytest.raises(hookwise.WebhookSignatureError) as info:
        hook.verify(BODY, {"X-Hub-Signature-256": "sha256=" + "0" * 64})
    assert info.value.code == "signature_mismatch"
    assert "super-secret-value" not in str(info.value)
    assert isinstance(info.value, hookwise.HookwiseError) and isinstance(info.value, Exception)
    with pytest.raises(hookwise.WebhookSignatureError) as missing:
        hook.verify(BODY, {})
    assert missing.value.code == "missing_signature"
    assert "X-Hub-Signature-256" in missing.value.message


def test_configuration_errors() -> None:
    with pytest.raises(hookwise.WebhookSignatureError) as unknown:
        hookwise.Webhook("k", scheme="nosuch")
    assert unknown.value.code == "unknown_scheme"
    with pytest.raises(hookwise.WebhookSignatureError) as empty:
        hookwise.Webhook([], scheme="github")
    assert empty.value.code == "invalid_secret"
    with pytest.raises(TypeError):
        hookwise.Webhook(42, scheme="github")  # type: ignore[arg-type]


def test_rotation_accepts_any_of_several_secrets() -> None:
    old = hookwise.Webhook("old", scheme="shopify")
    both = hookwise.Webhook(["new", "old"], scheme="shopify")
    assert both.verify(BODY, old.sign(BODY)).payload["type"] == "job.succeeded"


def test_stripe_style_construct_event_and_tolerance() -> None:
    secret = "whsec_test"
    header = hookwise.Webhook(secret, scheme="stripe").sign(BODY, timestamp=1_700_000_000)["Stripe-Signature"]
    event = hookwise.Webhook.construct_event(BODY, header, secret, scheme="stripe", now=1_700_000_100)
    assert event.type == "job.succeeded"
    with pytest.raises(hookwise.WebhookSignatureError) as old:
        hookwise.Webhook.construct_event(BODY, header, secret, scheme="stripe", tolerance=10, now=1_700_000_100)
    assert old.value.code == "timestamp_outside_tolerance"


def test_a_custom_scheme_is_a_dict() -> None:
    scheme = {
        "name": "acme",
        "algorithm": "hmac-sha512",
        "signature_header": "X-Acme-Signature",
        "signature_format": "prefixed",
        "signature_prefix": "sha512=",
        "signed_content": "{timestamp}.{body}",
        "timestamp_header": "X-Acme-Timestamp",
    }
    hook = hookwise.Webhook("k", scheme)
    headers = hook.sign(BODY, timestamp=1_700_000_000)
    assert headers["X-Acme-Signature"].startswith("sha512=")
    assert hook.verify(BODY, headers, now=1_700_000_000).scheme == "acme"
    with pytest.raises(hookwise.WebhookSignatureError) as bad:
        hookwise.Webhook("k", {**scheme, "signed_content": "{nope}.{body}"})
    assert bad.value.code == "unknown_scheme"


def test_canonicalize_matches_python_json() -> None:
    data = '{"é":1, "a":[1.0, 1e16, -0.0, 1e-5, "\\ud83d\\ude00"], "b":{"z":null,"y":true}}'.encode()
    expected = json.dumps(json.loads(data), sort_keys=True, separators=(",", ":")).encode()
    assert hookwise.canonicalize(data) == expected
    with pytest.raises(hookwise.WebhookSignatureError) as bad:
        hookwise.canonicalize(b"{nope}")
    assert bad.value.code == "invalid_json"


def test_exception_hierarchy() -> None:
    assert issubclass(hookwise.WebhookSignatureError, hookwise.HookwiseError)
    for cls in (hookwise.AuthenticationError, hookwise.NotFoundError, hookwise.ConflictError,
                hookwise.RateLimitError, hookwise.ServerError):
        assert issubclass(cls, hookwise.ApiError) and issubclass(cls, hookwise.HookwiseError)
    assert issubclass(hookwise.ConnectionError, ConnectionError)
    assert issubclass(hookwise.TimeoutError, TimeoutError)
    assert issubclass(hookwise.ConnectionError, hookwise.HookwiseError)
    assert hookwise.presets()[:2] == ["argus", "auggie"]


def test_every_body_json_loads_accepts_in_jsontestsuite_gives_json_loads_values() -> None:
    """The payload is built in the core's one pass, not by `json.loads`: JSONTestSuite's bodies
    (every one CPython accepts) and duplicate keys prove the values are the same, key order and
    types included."""
    import math
    from pathlib import Path

    suite = Path(__file__).resolve().parents[3] / "shared" / "data" / "JSONTestSuite" / "test_parsing"
    if not suite.is_dir():
        pytest.skip(f"no JSONTestSuite at {suite}")
    hook = hookwise.Webhook("k", scheme="github", max_payload_bytes=100_000_000)
    extra = [b'{"a": 1, "b": 2, "a": 3}', b'[{"k": 1}, {"k": 2.5, "k": "\\u00e9"}]', b'[1e400, -1e400, 0.1, -0.0]']
    compared = 0
    for body in [p.read_bytes() for p in sorted(suite.glob("*.json"))] + extra:
        try:
            expected = json.loads(body)
        except (ValueError, RecursionError):
            continue
        got = hook.verify(body, hook.sign(body)).payload
        same = repr(got) == repr(expected) or (
            isinstance(expected, list) and any(isinstance(x, float) and math.isnan(x) for x in expected)
        )
        assert same and type(got) is type(expected), body[:80]
        compared += 1
    assert compared > 100
