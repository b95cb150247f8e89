"""The native module (Rust, pyo3). Hand-written stubs, checked by mypy.stubtest."""

import asyncio
import builtins
import os
from types import TracebackType
from typing import Any, Callable, Mapping, Optional, Sequence, Union, final

__all__ = ["Api", "ApiError", "AsyncItems", "AuthenticationError", "ConflictError", "ConnectionError", "Event", "HookwiseError", "InvalidArgumentError", "InvalidResponseError", "Items", "NativeAsyncApi", "NotFoundError", "PermissionDeniedError", "Profile", "ProfileError", "RateLimitError", "ServerError", "TimeoutError", "UnprocessableEntityError", "Webhook", "WebhookSignatureError", "__version__", "canonicalize", "presets"]

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
    body: Any

class AuthenticationError(ApiError): ...
class PermissionDeniedError(ApiError): ...
class NotFoundError(ApiError): ...
class ConflictError(ApiError): ...
class UnprocessableEntityError(ApiError): ...
class RateLimitError(ApiError): ...
class ServerError(ApiError): ...

class InvalidArgumentError(HookwiseError):
    status: Optional[int]
    code: str
    message: str
    trace_id: Optional[str]
    body: Any

class InvalidResponseError(HookwiseError):
    status: Optional[int]
    code: str
    message: str
    trace_id: Optional[str]
    body: Any

class ConnectionError(HookwiseError, builtins.ConnectionError):  # noqa: A001
    status: Optional[int]
    code: str
    message: str
    trace_id: Optional[str]
    body: Any

class TimeoutError(HookwiseError, builtins.TimeoutError):  # noqa: A001
    status: Optional[int]
    code: str
    message: str
    trace_id: Optional[str]
    body: Any

class ProfileError(HookwiseError, ValueError):
    code: str
    pointer: str

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
    @property
    def unsigned_fields(self) -> list[str]: ...
    def __getitem__(self, key: str, /) -> Any: ...
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
    @property
    def max_payload_bytes(self) -> int: ...

def canonicalize(data: _Payload) -> bytes: ...
def presets() -> list[str]: ...

@final
class Profile:
    """An API profile: an OpenAPI 3.1 document with `x-hookwise` extensions, validated."""

    @staticmethod
    def from_text(text: str) -> Profile: ...
    @staticmethod
    def hookwise() -> Profile: ...
    @staticmethod
    def from_file(path: Union[str, os.PathLike[str]]) -> Profile: ...
    @property
    def name(self) -> str: ...
    @property
    def operations(self) -> list[str]: ...
    @property
    def base_url(self) -> Optional[str]: ...

@final
class Items:
    def __iter__(self) -> Items: ...
    def __next__(self) -> Any: ...

@final
class Api:
    """The engine for one profile, blocking with the GIL released."""

    def __new__(
        cls,
        profile: Union[Profile, str, os.PathLike[str]],
        *,
        api_key: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        initial_retry_delay: Optional[float] = None,
        max_retry_delay: Optional[float] = None,
        user_agent: Optional[str] = None,
    ) -> Api: ...
    def call(self, op: str, args: Optional[dict[str, Any]] = None) -> Any: ...
    def paginate(self, op: str, args: Optional[dict[str, Any]] = None, *, first_page: Any = None) -> Items: ...
    def wait(
        self,
        op: str,
        args: Optional[dict[str, Any]] = None,
        *,
        timeout: float,
        on_progress: Optional[Callable[[Any], object]] = None,
    ) -> Any: ...
    def download(self, url: str) -> bytes: ...
    def close(self) -> None:
        """Closes the connection pool: later calls raise `InvalidArgumentError` (code `client_closed`)."""
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Api: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None: ...
    @property
    def profile(self) -> Profile: ...
    @property
    def base_url(self) -> str: ...

@final
class AsyncItems:
    def __aiter__(self) -> AsyncItems: ...
    def __anext__(self) -> asyncio.Future[Any]: ...

@final
class NativeAsyncApi:
    """The engine for asyncio, sharing an `Api`'s client; `hookwise.AsyncApi` wraps it."""

    def __new__(cls, api: Api) -> NativeAsyncApi: ...
    def call(self, op: str, args: Optional[dict[str, Any]] = None) -> asyncio.Future[Any]: ...
    def paginate(self, op: str, args: Optional[dict[str, Any]] = None, *, first_page: Any = None) -> AsyncItems: ...
    def wait(
        self,
        op: str,
        args: Optional[dict[str, Any]] = None,
        *,
        timeout: float,
        on_progress: Optional[Callable[[Any], object]] = None,
    ) -> asyncio.Future[Any]: ...
    def download(self, url: str) -> asyncio.Future[bytes]: ...
