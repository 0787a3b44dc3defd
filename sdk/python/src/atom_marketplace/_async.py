"""``AsyncMarketplaceClient``: every method of :class:`MarketplaceClient` as a coroutine. Each call
runs the standard-library transport in a worker thread (``asyncio.to_thread``), so calls gathered
together run concurrently."""
from __future__ import annotations

import asyncio
import inspect
from typing import Any, Callable

from .client import MarketplaceClient, SkillsResource


def _coroutine(name: str, doc: str | None) -> Callable[..., Any]:
    async def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(getattr(self._sync, name), *args, **kwargs)
    method.__name__ = name
    method.__doc__ = doc
    return method


def _public(cls: type) -> list[str]:
    return [n for n, v in inspect.getmembers(cls, inspect.isfunction) if not n.startswith("_")]


class AsyncSkillsResource:
    def __init__(self, sync: SkillsResource) -> None:
        self._sync = sync


class AsyncMarketplaceClient:
    """Same arguments as :class:`MarketplaceClient`; ``await client.list_agents(…)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._sync = MarketplaceClient(*args, **kwargs)
        self.transport = self._sync.transport
        self.skills = AsyncSkillsResource(self._sync.skills)


for _name in _public(MarketplaceClient):
    setattr(AsyncMarketplaceClient, _name, _coroutine(_name, getattr(MarketplaceClient, _name).__doc__))
for _name in _public(SkillsResource):
    setattr(AsyncSkillsResource, _name, _coroutine(_name, getattr(SkillsResource, _name).__doc__))
