"""Every conformance vector through the Python API, exactly as the Rust core runs them."""

from __future__ import annotations

import json
from typing import Any

import pytest

import hookwise
from conftest import SUITE, b64, load, xfail_ids

SIGNATURE_CASES = [case for path in sorted((SUITE / "vectors" / "signatures").glob("*.json")) for case in load(path)]
CANONICAL_CASES = load(SUITE / "vectors" / "canonical.json")
XFAIL = xfail_ids()


def outcome(case: dict[str, Any]) -> tuple[bool, Any]:
    try:
        hook = hookwise.Webhook(case["secrets"], case["scheme"], case["tolerance"], case["max_payload_bytes"])
        event = hook.verify(b64(case["body_b64"]), case["headers"], now=case["now"])
    except hookwise.WebhookSignatureError as e:
        return False, e.code
    return True, event.to_dict()


def same_json(a: Any, b: Any) -> bool:
    """JSON equality as the vectors mean it (1 == 1.0 is not enough: compare as JSON text)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize("case", SIGNATURE_CASES, ids=[c["id"] for c in SIGNATURE_CASES])
def test_signature_vector(case: dict[str, Any]) -> None:
    ok, got = outcome(case)
    expect = case["expect"]
    passed = ok == expect["ok"] and (same_json(got, expect["event"]) if ok else got == expect["error"])
    if case["id"] in XFAIL:
        assert not passed, f"{case['id']} is listed in xfail/python.txt but passes; remove it"
        return
    assert ok == expect["ok"], f"{case['name']}: got {got!r}"
    if ok:
        assert same_json(got, expect["event"]), f"{case['name']}: event differs"
    else:
        assert got == expect["error"], case["name"]


@pytest.mark.parametrize("case", CANONICAL_CASES, ids=[c["id"] for c in CANONICAL_CASES])
def test_canonical_vector(case: dict[str, Any]) -> None:
    data = b64(case["input_b64"])
    if case["expect"]["ok"]:
        assert hookwise.canonicalize(data) == b64(case["expect"]["canonical_b64"])
    else:
        with pytest.raises(hookwise.WebhookSignatureError) as info:
            hookwise.canonicalize(data)
        assert info.value.code == "invalid_json"
