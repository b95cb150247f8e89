"""The shared runtime of generated SDKs: what `hookwise generate` emits is typed calls into
`hookwise.Api` plus these few pieces (records, the not-given marker, pages, a bound `Webhook`)."""

from __future__ import annotations

import sys
from typing import Any, AsyncIterator, Callable, ClassVar, Generic, Iterator, Mapping, Optional, Sequence, TypeVar, Union, cast

from hookwise._native import Event
from hookwise._native import Webhook as _Webhook


class NotGiven:
    """The default of an optional argument: left out of the request (``None`` sends ``null``)."""

    _instance: ClassVar[Optional["NotGiven"]] = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


def args(given: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments to send: everything but what was not given."""
    return {k: v for k, v in given.items() if v is not NOT_GIVEN}


class Record(dict[str, Any]):
    """An API object: a ``dict`` (``wh["secret"]``, ``json.dumps(wh)``) whose fields are also
    attributes (``wh.secret``). Unknown fields are kept.

    A generated model names, in ``NESTED``, its fields that hold other models (by class name in
    the model's module); those objects, and the objects of those lists, become that model."""

    NESTED: ClassVar[Mapping[str, str]] = {}

    def __init__(self, data: Mapping[str, Any] = {}) -> None:  # noqa: B006 (never mutated)
        super().__init__(data)
        if self.NESTED:
            module = sys.modules[type(self).__module__]
            for field, name in self.NESTED.items():
                if field in self:
                    self[field] = record(self[field], getattr(module, name))

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            if any(name in getattr(c, "__annotations__", {}) for c in type(self).__mro__):
                return None  # a declared field this object does not have
            raise AttributeError(f"{type(self).__name__} has no field {name!r}") from None

    def to_dict(self) -> dict[str, Any]:
        """A plain ``dict`` copy (nested records stay ``dict`` subclasses)."""
        return dict(self)


R = TypeVar("R", bound=Record)


def record(value: Any, model: type[Record] = Record) -> Any:
    """An answer as records: objects become ``model``, lists are converted item by item, other
    values are kept."""
    if isinstance(value, dict):
        return model(value)
    if isinstance(value, list):
        return [record(v, model) for v in value]
    return value


def as_model(cls: type[R], value: Any) -> R:
    """An answer that is one object, as ``cls``."""
    return cast(R, record(value, cls))


def as_models(cls: type[R], value: Any) -> list[R]:
    """An answer that is a list of objects, as ``cls`` each."""
    return cast("list[R]", record(value, cls))


class Page(Record, Generic[R]):
    """One page of a list operation; ``auto_paging_iter()`` yields every item across pages."""

    def __init__(self, data: Mapping[str, Any], pages: Callable[[], Iterator[Any]], item: type[R]) -> None:
        super().__init__(data)
        self._pages = pages
        self._item = item

    def auto_paging_iter(self) -> Iterator[R]:
        """Every item of this page, then of the pages after it (fetched as the iterator reaches them)."""
        return (record(item, self._item) for item in self._pages())


class AsyncPage(Record, Generic[R]):
    """One page of a list operation; ``auto_paging_iter()`` is an async iterator over every item."""

    def __init__(self, data: Mapping[str, Any], pages: Callable[[], AsyncIterator[Any]], item: type[R]) -> None:
        super().__init__(data)
        self._pages = pages
        self._item = item

    async def auto_paging_iter(self) -> AsyncIterator[R]:
        """Every item of this page, then of the pages after it (fetched as the iterator reaches them)."""
        async for item in self._pages():
            yield record(item, self._item)


Secret = Union[str, Sequence[str]]


class BoundWebhook:
    """A `hookwise.Webhook` bound to one vendor's scheme (a generated SDK sets `SCHEME`)."""

    SCHEME: ClassVar[str]

    def __init__(self, secret: Secret, *, tolerance: Optional[int] = None, max_payload_bytes: Optional[int] = None) -> None:
        keys = secret if isinstance(secret, str) else list(secret)
        self._inner = _Webhook(keys, scheme=self.SCHEME, tolerance=tolerance, max_payload_bytes=max_payload_bytes)

    def verify(self, payload: bytes, headers: Any, *, now: Optional[int] = None) -> Event:
        """Verifies the raw body against the request headers; returns the event or raises
        `WebhookSignatureError`."""
        return self._inner.verify(payload, headers, now=now)

    @classmethod
    def construct_event(
        cls, payload: bytes, signature_header: str, secret: Secret, *, tolerance: Optional[int] = None, now: Optional[int] = None
    ) -> Event:
        """Stripe-style: verifies with the signature header's value alone."""
        keys = secret if isinstance(secret, str) else list(secret)
        return _Webhook.construct_event(payload, signature_header, keys, scheme=cls.SCHEME, tolerance=tolerance, now=now)
