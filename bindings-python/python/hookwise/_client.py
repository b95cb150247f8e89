"""hookwise's own client: typed calls into ``Api`` (and ``AsyncApi``) built from the profile the core
embeds (``Profile.hookwise()``), with attribute access and ``to_dict()`` on every answer.

No logic here: the engine routes the arguments, retries, paginates, waits and raises the errors;
the base URL and the API key follow its rules when not given (``HOOKWISE_BASE_URL`` /
``HOOKWISE_API_KEY``, then the profile's server). These classes only name the operations, leave
out the arguments not given, and wrap the answers. ``AsyncClient`` awaits ``AsyncApi``, whose
calls run on the binding's runtime (no thread pool).
"""

from __future__ import annotations

import builtins
import enum
from typing import Any, AsyncIterator, Callable, Iterator, Mapping, Optional, Sequence, Union

from hookwise._api import AsyncApi
from hookwise._native import Api, Profile


class _NotGiven(enum.Enum):
    """The default of an argument the API lets be ``null``: not given is left out of the request,
    while ``None`` passed explicitly is sent as ``null``."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = _NotGiven.NOT_GIVEN


def _given(**args: Any) -> dict[str, Any]:
    """The arguments given: ``NOT_GIVEN`` and (for arguments the API does not let be ``null``)
    ``None`` are left out."""
    return {name: value for name, value in args.items() if value is not None and value is not NOT_GIVEN}


def _nullable(args: dict[str, Any], **nullable: Any) -> dict[str, Any]:
    """``args`` plus the nullable arguments given (``None`` included, sent as ``null``)."""
    args.update((name, value) for name, value in nullable.items() if value is not NOT_GIVEN)
    return args


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


# The arguments of each operation, shared by the blocking and the asyncio namespaces.


def _create_job_args(
    kind: str,
    payload: Optional[Mapping[str, Any]],
    callback_url: Union[str, None, _NotGiven],
    secrecy_level: Optional[str],
    idempotency_key: Optional[str],
) -> dict[str, Any]:
    args = _given(
        kind=kind,
        payload=None if payload is None else dict(payload),
        secrecy_level=secrecy_level,
        idempotency_key=idempotency_key,
    )
    return _nullable(args, callback_url=callback_url)


def _list_jobs_args(kind: Optional[str], status: Optional[str], limit: Optional[int], cursor: Optional[str]) -> dict[str, Any]:
    return _given(kind=kind, status=status, limit=limit, cursor=cursor)


def _register_webhook_args(
    url: str, events: Optional[Sequence[str]], secret: Optional[str], name: Union[str, None, _NotGiven]
) -> dict[str, Any]:
    args = _given(url=url, events=None if events is None else list(events), secret=secret)
    return _nullable(args, name=name)


def _update_webhook_args(
    id: str, url: Optional[str], events: Optional[Sequence[str]], name: Optional[str], status: Optional[str]
) -> dict[str, Any]:
    return _given(id=id, url=url, events=None if events is None else list(events), name=name, status=status)


def _job_progress(on_progress: Optional[Callable[[Job], object]]) -> Optional[Callable[[Any], object]]:
    return None if on_progress is None else (lambda data: on_progress(Job(data)))


class Jobs:
    """``client.jobs``: create, get, result, download, list, list_all, cancel, wait."""

    def __init__(self, api: Api) -> None:
        self._api = api

    def create(
        self,
        kind: str,
        payload: Optional[Mapping[str, Any]] = None,
        *,
        callback_url: Union[str, None, _NotGiven] = NOT_GIVEN,
        secrecy_level: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> Job:
        """Enqueue a job. An Idempotency-Key is generated when none is given and reused on retries."""
        args = _create_job_args(kind, payload, callback_url, secrecy_level, idempotency_key)
        return Job(self._api.call("create_job", args))

    def get(self, id: str) -> Job:
        return Job(self._api.call("get_job", {"id": id}))

    def result(self, id: str) -> JobResult:
        return JobResult(self._api.call("get_job_result", {"id": id}))

    def download(self, signed_url: str) -> bytes:
        """Download a result's signed URL."""
        return self._api.download(signed_url)

    def list(
        self,
        *,
        kind: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> JobList:
        return JobList(self._api.call("list_jobs", _list_jobs_args(kind, status, limit, cursor)))

    def list_all(self, *, kind: Optional[str] = None, status: Optional[str] = None, limit: Optional[int] = None) -> Iterator[Job]:
        """Every matching job, fetching pages lazily as the iterator is consumed."""
        items = self._api.paginate("list_jobs", _list_jobs_args(kind, status, limit, None))
        return (Job(j) for j in items)

    def cancel(self, id: str) -> Job:
        return Job(self._api.call("cancel_job", {"id": id}))

    def wait(self, id: str, timeout: float = 300.0, on_progress: Optional[Callable[[Job], object]] = None) -> Job:
        """Poll until the job finishes; ``on_progress(job)`` is called when status or progress changes."""
        return Job(self._api.wait("get_job", {"id": id}, timeout=timeout, on_progress=_job_progress(on_progress)))


class Webhooks:
    """``client.webhooks``: register, list, get, update, delete, rotate_secret, deliveries."""

    def __init__(self, api: Api) -> None:
        self._api = api

    def register(
        self,
        url: str,
        *,
        events: Optional[Sequence[str]] = None,
        secret: Optional[str] = None,
        name: Union[str, None, _NotGiven] = NOT_GIVEN,
    ) -> WebhookEndpoint:
        """Register an endpoint; the answer carries its ``secret`` (only here and on rotation)."""
        return WebhookEndpoint(self._api.call("register_webhook", _register_webhook_args(url, events, secret, name)))

    def list(self) -> builtins.list[WebhookEndpoint]:
        return [WebhookEndpoint(e) for e in self._api.call("list_webhooks")["webhooks"]]

    def get(self, id: str) -> WebhookEndpoint:
        return WebhookEndpoint(self._api.call("get_webhook", {"id": id}))

    def update(
        self,
        id: str,
        *,
        url: Optional[str] = None,
        events: Optional[Sequence[str]] = None,
        name: Optional[str] = None,
        status: Optional[str] = None,
    ) -> WebhookEndpoint:
        return WebhookEndpoint(self._api.call("update_webhook", _update_webhook_args(id, url, events, name, status)))

    def delete(self, id: str) -> Deleted:
        return Deleted(self._api.call("delete_webhook", {"id": id}))

    def rotate_secret(self, id: str) -> WebhookEndpoint:
        return WebhookEndpoint(self._api.call("rotate_webhook_secret", {"id": id}))

    def deliveries(self, id: str) -> builtins.list[Delivery]:
        return [Delivery(d) for d in self._api.call("list_deliveries", {"id": id})["deliveries"]]


class Client:
    """The blocking client: ``client.jobs`` and ``client.webhooks``. Calls release the GIL, and
    the client keeps working in a child process after ``fork()`` (gunicorn, celery).

    ``api_key`` and ``base_url`` left ``None`` come from ``HOOKWISE_API_KEY`` and
    ``HOOKWISE_BASE_URL``, then the profile's server; an option left ``None`` is the engine's
    default (durations are in seconds)."""

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        initial_retry_delay: Optional[float] = None,
        max_retry_delay: Optional[float] = None,
        user_agent: Optional[str] = None,
    ) -> None:
        self._api = Api(
            Profile.hookwise(),
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            initial_retry_delay=initial_retry_delay,
            max_retry_delay=max_retry_delay,
            user_agent=user_agent,
        )
        self.jobs = Jobs(self._api)
        self.webhooks = Webhooks(self._api)

    @property
    def base_url(self) -> str:
        """The base URL in use."""
        return self._api.base_url

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"


async def _jobs(items: AsyncIterator[Any]) -> AsyncIterator[Job]:
    async for item in items:
        yield Job(item)


class AsyncJobs:
    """``client.jobs`` of ``AsyncClient``: the calls of ``Jobs``, awaitable; ``list_all`` an async iterator."""

    def __init__(self, api: AsyncApi) -> None:
        self._api = api

    async def create(
        self,
        kind: str,
        payload: Optional[Mapping[str, Any]] = None,
        *,
        callback_url: Union[str, None, _NotGiven] = NOT_GIVEN,
        secrecy_level: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> Job:
        """Enqueue a job. An Idempotency-Key is generated when none is given and reused on retries."""
        args = _create_job_args(kind, payload, callback_url, secrecy_level, idempotency_key)
        return Job(await self._api.call("create_job", args))

    async def get(self, id: str) -> Job:
        return Job(await self._api.call("get_job", {"id": id}))

    async def result(self, id: str) -> JobResult:
        return JobResult(await self._api.call("get_job_result", {"id": id}))

    async def download(self, signed_url: str) -> bytes:
        """Download a result's signed URL."""
        return await self._api.download(signed_url)

    async def list(
        self,
        *,
        kind: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> JobList:
        return JobList(await self._api.call("list_jobs", _list_jobs_args(kind, status, limit, cursor)))

    def list_all(
        self, *, kind: Optional[str] = None, status: Optional[str] = None, limit: Optional[int] = None
    ) -> AsyncIterator[Job]:
        """Every matching job as an async iterator (``async for job in client.jobs.list_all()``)."""
        return _jobs(self._api.paginate("list_jobs", _list_jobs_args(kind, status, limit, None)))

    async def cancel(self, id: str) -> Job:
        return Job(await self._api.call("cancel_job", {"id": id}))

    async def wait(self, id: str, timeout: float = 300.0, on_progress: Optional[Callable[[Job], object]] = None) -> Job:
        """Poll until the job finishes; ``on_progress(job)`` is called (from a runtime thread, with
        the GIL) when status or progress changes."""
        return Job(await self._api.wait("get_job", {"id": id}, timeout=timeout, on_progress=_job_progress(on_progress)))


class AsyncWebhooks:
    """``client.webhooks`` of ``AsyncClient``: the calls of ``Webhooks``, awaitable."""

    def __init__(self, api: AsyncApi) -> None:
        self._api = api

    async def register(
        self,
        url: str,
        *,
        events: Optional[Sequence[str]] = None,
        secret: Optional[str] = None,
        name: Union[str, None, _NotGiven] = NOT_GIVEN,
    ) -> WebhookEndpoint:
        """Register an endpoint; the answer carries its ``secret`` (only here and on rotation)."""
        return WebhookEndpoint(await self._api.call("register_webhook", _register_webhook_args(url, events, secret, name)))

    async def list(self) -> builtins.list[WebhookEndpoint]:
        return [WebhookEndpoint(e) for e in (await self._api.call("list_webhooks"))["webhooks"]]

    async def get(self, id: str) -> WebhookEndpoint:
        return WebhookEndpoint(await self._api.call("get_webhook", {"id": id}))

    async def update(
        self,
        id: str,
        *,
        url: Optional[str] = None,
        events: Optional[Sequence[str]] = None,
        name: Optional[str] = None,
        status: Optional[str] = None,
    ) -> WebhookEndpoint:
        return WebhookEndpoint(await self._api.call("update_webhook", _update_webhook_args(id, url, events, name, status)))

    async def delete(self, id: str) -> Deleted:
        return Deleted(await self._api.call("delete_webhook", {"id": id}))

    async def rotate_secret(self, id: str) -> WebhookEndpoint:
        return WebhookEndpoint(await self._api.call("rotate_webhook_secret", {"id": id}))

    async def deliveries(self, id: str) -> builtins.list[Delivery]:
        return [Delivery(d) for d in (await self._api.call("list_deliveries", {"id": id}))["deliveries"]]


class AsyncClient:
    """The asyncio client: the same surface as ``Client``, every call awaitable. Calls run on the
    binding's runtime, so the event loop keeps running while they wait."""

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        initial_retry_delay: Optional[float] = None,
        max_retry_delay: Optional[float] = None,
        user_agent: Optional[str] = None,
    ) -> None:
        self._api = AsyncApi(
            Profile.hookwise(),
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            initial_retry_delay=initial_retry_delay,
            max_retry_delay=max_retry_delay,
            user_agent=user_agent,
        )
        self.jobs = AsyncJobs(self._api)
        self.webhooks = AsyncWebhooks(self._api)

    @property
    def base_url(self) -> str:
        """The base URL in use."""
        return self._api.base_url

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self.base_url!r})"
