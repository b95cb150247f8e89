"""``AsyncApi``: the engine for asyncio. No logic here: ``hookwise._native.NativeAsyncApi`` (Rust)
returns awaitables of the core's futures on the binding's runtime; these methods only make them
coroutines, so ``asyncio.run(api.call(...))`` and ``asyncio.create_task`` work as with any
``async def``.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any, AsyncIterator, Callable, Optional, Union

from hookwise._native import Api, NativeAsyncApi, Profile


class AsyncApi:
    """The engine for one profile, for asyncio: the constructor of ``Api``, and ``call``,
    ``wait`` and ``download`` as coroutines, ``paginate`` as an async iterator; ``async with``
    closes it (``aclose()``)."""

    def __init__(
        self,
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
    ) -> None:
        self._api = Api(
            profile,
            api_key=api_key,
            username=username,
            password=password,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            initial_retry_delay=initial_retry_delay,
            max_retry_delay=max_retry_delay,
            user_agent=user_agent,
        )
        self._native = NativeAsyncApi(self._api)

    async def call(self, op: str, args: Optional[dict[str, Any]] = None) -> Any:
        """Calls operation ``op`` with named arguments; the decoded answer (``None`` for no content)."""
        return await self._native.call(op, args)

    def paginate(self, op: str, args: Optional[dict[str, Any]] = None, *, first_page: Any = None) -> AsyncIterator[Any]:
        """Every item of every page of list operation ``op``, fetching a page when the iteration reaches it;
        ``first_page``, the page these ``args`` already fetched, is not fetched again."""
        return self._native.paginate(op, args, first_page=first_page)

    async def wait(
        self,
        op: str,
        args: Optional[dict[str, Any]] = None,
        *,
        timeout: float,
        on_progress: Optional[Callable[[Any], object]] = None,
    ) -> Any:
        """Polls ``op`` until its status is terminal; ``on_progress(object)`` is called (from a
        runtime thread, with the GIL) when the status or progress changes."""
        return await self._native.wait(op, args, timeout=timeout, on_progress=on_progress)

    async def download(self, url: str) -> bytes:
        """Downloads ``url`` (absolute, or a path of the API)."""
        data: bytes = await self._native.download(url)
        return data

    async def aclose(self) -> None:
        """Closes the connection pool (``Api.close``): a call after it raises ``InvalidArgumentError``
        with code ``client_closed``; calls in flight finish."""
        self._api.close()

    @property
    def closed(self) -> bool:
        """Whether ``aclose()`` was called."""
        return self._api.closed

    async def __aenter__(self) -> AsyncApi:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        await self.aclose()

    @property
    def profile(self) -> Profile:
        """The profile this client speaks."""
        return self._api.profile

    @property
    def base_url(self) -> str:
        """The base URL in use."""
        return self._api.base_url

    def __repr__(self) -> str:
        return f"AsyncApi(profile={self.profile.name!r}, base_url={self.base_url!r})"
