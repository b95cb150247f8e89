"""Typed wrappers over the native client: attribute access and ``to_dict()`` on every answer.

No logic here: every call goes to ``hookwise._native.NativeClient`` (Rust), which releases the
GIL while it waits. ``AsyncClient`` runs the same calls on a worker thread for asyncio.
"""

from __future__ import annotations

import asyncio
import functools
import builtins
from typing import Any, AsyncIterator, Callable, Iterator, Mapping, Optional, Sequence

from hookwise._native import JobIterator, NativeClient

DEFAULT_BASE_URL = "http://127.0.0.1:8080"

class _Record:
    """An API object: its fields as attributes, ``to_dict()`` for the raw data."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}") from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Record) and type(self) is type(other) and self._data == other._data

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """The object as plain data (a copy)."""
        return dict(self._data)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={self._data[k]!r}" for k in ("id", "kind", "status", "url") if k in self._data)
        return f"{type(self).__name__}({shown})"


class Job(_Record):
    """A job: ``id``, ``kind``, ``status``, ``progress_pct``, ``payload``, ``result_ref``, ``error``, …"""


class JobResult(_Record):
    """A finished job's ``result_ref`` and expiring ``signed_url``."""


class WebhookEndpoint(_Record):
    """A webhook endpoint: ``id``, ``url``, ``events``, ``name``, ``status`` (``secret`` on create/rotate)."""


class Delivery(_Record):
    """One event's delivery to one endpoint, with its ``attempts``."""


class Deleted(_Record):
    """The answer to a delete: ``id`` and ``deleted``."""


class JobList(_Record):
    """One page of jobs: ``jobs`` (a list of ``Job``), ``next_cursor``, ``total_count``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__({**data, "jobs": [Job(j) for j in data["jobs"]]})

    def to_dict(self) -> dict[str, Any]:
        return {**self._data, "jobs": [j.to_dict() for j in self._data["jobs"]]}


class Jobs:
    """``client.jobs``: create, get, result, download, list, list_all, cancel, wait."""

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def create(
        self,
        kind: str,
        payload: Optional[Mapping[str, Any]] = None,
        *,
        callback_url: Optional[str] = None,
        secrecy_level: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> Job:
        """Enqueue a job. An Idempotency-Key is generated when none is given and reused on retries."""
        return Job(self._native.jobs_create(kind, payload, callback_url, secrecy_level, idempotency_key))

    def get(self, id: str) -> Job:
        return Job(self._native.jobs_get(id))

    def result(self, id: str) -> JobResult:
        return JobResult(self._native.jobs_result(id))

    def download(self, signed_url: str) -> bytes:
        """Download a result's signed URL."""
        return self._native.jobs_download(signed_url)

    def list(
        self,
        *,
        kind: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> JobList:
        return JobList(self._native.jobs_list(kind, status, limit, cursor))

    def list_all(self, *, kind: Optional[str] = None, status: Optional[str] = None, limit: Optional[int] = None) -> Iterator[Job]:
        """Every matching job, fetching pages lazily as the iterator is consumed."""
        pages: JobIterator = self._native.jobs_list_all(kind, status, limit)
        return (Job(j) for j in pages)

    def cancel(self, id: str) -> Job:
        return Job(self._native.jobs_cancel(id))

    def wait(self, id: str, timeout: float = 300.0, on_progress: Optional[Callable[[Job], None]] = None) -> Job:
        """Poll until the job finishes; ``on_progress(job)`` is called when status or progress changes."""
        callback = None if on_progress is None else (lambda data: on_progress(Job(data)))
        return Job(self._native.jobs_wait(id, timeout, callback))


class Webhooks:
    """``client.webhooks``: register, list, get, update, delete, rotate_secret, deliveries."""

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def register(
        self,
        url: str,
        *,
        events: Optional[Sequence[str]] = None,
        secret: Optional[str] = None,
        name: Optional[str] = None,
    ) -> WebhookEndpoint:
        """Register an endpoint; the answer carries its ``secret`` (only here and on rotation)."""
        return WebhookEndpoint(self._native.webhooks_register(url, None if events is None else list(events), secret, name))

    def list(self) -> builtins.list[WebhookEndpoint]:
        return [WebhookEndpoint(e) for e in self._native.webhooks_list()]

    def get(self, id: str) -> WebhookEndpoint:
        return WebhookEndpoint(self._native.webhooks_get(id))

    def update(
        self,
        id: str,
        *,
        url: Optional[str] = None,
        events: Optional[Sequence[str]] = None,
        name: Optional[str] = None,
        status: Optional[str] = None,
    ) -> WebhookEndpoint:
        return WebhookEndpoint(self._native.webhooks_update(id, url, None if events is None else list(events), name, status))

    def delete(self, id: str) -> Deleted:
        return Deleted(self._native.webhooks_delete(id))

    def rotate_secret(self, id: str) -> WebhookEndpoint:
        return WebhookEndpoint(self._native.webhooks_rotate_secret(id))

    def deliveries(self, id: str) -> builtins.list[Delivery]:
        return [Delivery(d) for d in self._native.webhooks_deliveries(id)]


class Client:
    """The blocking client: ``client.jobs`` and ``client.webhooks``. Calls release the GIL, and
    the client keeps working in a child process after ``fork()`` (gunicorn, celery)."""

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
        user_agent: Optional[str] = None,
    ) -> None:
        self._native = NativeClient(api_key, base_url, timeout, max_retries, user_agent)
        self.jobs = Jobs(self._native)
        self.webhooks = Webhooks(self._native)

    @property
    def base_url(self) -> str:
        return self._native.base_url

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"


class _AsyncNamespace:
    """Every method of the wrapped namespace, run on a worker thread (the native call releases
    the GIL, so the event loop keeps running)."""

    def __init__(self, sync: Any) -> None:
        self._sync = sync

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._sync, name)

        @functools.wraps(method)
        async def call(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(method, *args, **kwargs)

        return call


class _AsyncJobs(_AsyncNamespace):
    def list_all(self, **filters: Any) -> AsyncIterator[Job]:
        """Every matching job as an async iterator (``async for job in client.jobs.list_all()``)."""
        pages = self._sync.list_all(**filters)

        async def iterate() -> AsyncIterator[Job]:
            while True:
                job: Optional[Job] = await asyncio.to_thread(next, pages, None)
                if job is None:
                    return
                yield job

        return iterate()


class AsyncClient:
    """The asyncio client: the same surface as ``Client``, every call awaitable."""

    def __init__(self, api_key: str, base_url: str = DEFAULT_BASE_URL, **options: Any) -> None:
        self._sync = Client(api_key, base_url, **options)
        self.jobs: Any = _AsyncJobs(self._sync.jobs)
        self.webhooks: Any = _AsyncNamespace(self._sync.webhooks)

    @property
    def base_url(self) -> str:
        return self._sync.base_url
