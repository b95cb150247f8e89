"""The native module (Rust, pyo3). Hand-written stubs, checked by mypy.stubtest."""

import builtins
from typing import Any, Callable, Mapping, Optional, Sequence, Union, final

__all__ = ["ApiError", "AuthenticationError", "ConflictError", "ConnectionError", "Event", "HookwiseError", "JobIterator", "NativeClient", "NotFoundError", "RateLimitError", "ServerError", "TimeoutError", "Webhook", "WebhookSignatureError", "__version__", "canonicalize", "presets"]

__version__: str

class HookwiseError(Exception): ...

class WebhookSignatureError(HookwiseError):
    code: str
    message: str

class ApiError(HookwiseError):
    status: Optional[int]
    code: str
    message: str
    trace_id: Optional[str]

class AuthenticationError(ApiError): ...
class NotFoundError(ApiError): ...
class ConflictError(ApiError): ...
class RateLimitError(ApiError): ...
class ServerError(ApiError): ...

class ConnectionError(HookwiseError, builtins.ConnectionError):  # noqa: A001
    status: Optional[int]
    code: str
    message: str
    trace_id: Optional[str]

class TimeoutError(HookwiseError, builtins.TimeoutError):  # noqa: A001
    status: Optional[int]
    code: str
    message: str
    trace_id: Optional[str]

_Headers = Union[Mapping[str, str], Sequence[tuple[str, str]]]
_Payload = Union[bytes, bytearray, memoryview, str]

@final
class Event:
    """A verified webhook, normalized across providers."""

    @property
    def id(self) -> Optional[str]: ...
    @property
    def type(self) -> Optional[str]: ...
    @property
    def created_at(self) -> Optional[str]: ...
    @property
    def data(self) -> Any: ...
    @property
    def payload(self) -> Any: ...
    @property
    def scheme(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Webhook:
    """Verifies (and signs) webhooks for one scheme and one or more secrets."""

    def __new__(
        cls,
        secret: Union[str, Sequence[str]],
        scheme: Optional[Union[str, Mapping[str, Any]]] = None,
        tolerance: Optional[int] = None,
        max_payload_bytes: Optional[int] = None,
    ) -> Webhook: ...
    def verify(self, payload: _Payload, headers: _Headers, *, now: Optional[int] = None) -> Event: ...
    def sign(self, payload: _Payload, *, id: Optional[str] = None, timestamp: Optional[int] = None) -> dict[str, str]: ...
    @staticmethod
    def construct_event(
        payload: _Payload,
        signature_header: str,
        secret: Union[str, Sequence[str]],
        *,
        scheme: Optional[Union[str, Mapping[str, Any]]] = None,
        tolerance: Optional[int] = None,
        now: Optional[int] = None,
    ) -> Event: ...
    @property
    def scheme(self) -> str: ...

def canonicalize(data: _Payload) -> bytes: ...
def presets() -> list[str]: ...

@final
class JobIterator:
    def __iter__(self) -> JobIterator: ...
    def __next__(self) -> dict[str, Any]: ...

@final
class NativeClient:
    def __new__(
        cls,
        api_key: str,
        base_url: str,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        user_agent: Optional[str] = None,
    ) -> NativeClient: ...
    @property
    def base_url(self) -> str: ...
    def jobs_create(
        self,
        kind: str,
        payload: Optional[Mapping[str, Any]] = None,
        callback_url: Optional[str] = None,
        secrecy_level: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> dict[str, Any]: ...
    def jobs_get(self, id: str) -> dict[str, Any]: ...
    def jobs_result(self, id: str) -> dict[str, Any]: ...
    def jobs_cancel(self, id: str) -> dict[str, Any]: ...
    def jobs_download(self, url: str) -> bytes: ...
    def jobs_list(
        self,
        kind: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> dict[str, Any]: ...
    def jobs_list_all(self, kind: Optional[str] = None, status: Optional[str] = None, limit: Optional[int] = None) -> JobIterator: ...
    def jobs_wait(self, id: str, timeout: float, on_progress: Optional[Callable[[dict[str, Any]], object]] = None) -> dict[str, Any]: ...
    def webhooks_register(
        self, url: str, events: Optional[list[str]] = None, secret: Optional[str] = None, name: Optional[str] = None
    ) -> dict[str, Any]: ...
    def webhooks_list(self) -> list[dict[str, Any]]: ...
    def webhooks_get(self, id: str) -> dict[str, Any]: ...
    def webhooks_update(
        self,
        id: str,
        url: Optional[str] = None,
        events: Optional[list[str]] = None,
        name: Optional[str] = None,
        status: Optional[str] = None,
    ) -> dict[str, Any]: ...
    def webhooks_delete(self, id: str) -> dict[str, Any]: ...
    def webhooks_rotate_secret(self, id: str) -> dict[str, Any]: ...
    def webhooks_deliveries(self, id: str) -> list[dict[str, Any]]: ...
