"""`import hookwise` stays light: verifying webhooks needs neither the clients nor `asyncio` and
`typing`, so they load on first use (issue 13's 10 ms import target)."""

import subprocess
import sys

HEAVY = ("asyncio", "typing", "hookwise._client", "hookwise._api", "hookwise.types", "hookwise.sdk", "json")


def loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_import_loads_no_client_and_no_asyncio_or_typing() -> None:
    loaded = loaded_after("import hookwise")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_verifying_a_webhook_loads_no_client_either() -> None:
    loaded = loaded_after(
        "import hookwise\n"
        "hook = hookwise.Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', scheme='standard')\n"
        "hook.verify(b'{}', hook.sign(b'{}'))"
    )
    assert not loaded & {"asyncio", "hookwise._client", "hookwise._api"}, sorted(loaded)


def test_the_clients_and_models_load_on_first_use() -> None:
    import hookwise

    assert hookwise.Client.__module__ == "hookwise._client"
    assert hookwise.AsyncApi.__module__ == "hookwise._api"
    assert hookwise.Job.__module__ == "hookwise.types"
    assert {"Client", "AsyncClient", "WebhookList"} <= set(dir(hookwise))
    try:
        hookwise.NoSuchThing  # noqa: B018
    except AttributeError as e:
        assert "NoSuchThing" in str(e)
    else:
        raise AssertionError("an unknown name must raise AttributeError")
