"""A watch-driven resync loop for in-process controllers started by post-start hooks.

Each event on any watched store re-runs `sync` (which must be idempotent and cheap when
nothing changed); a broken watch is restarted after a second. `stop()` cancels the loops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from kapiserver.apimachinery import tasks

from .loopback import SYSTEM_USER
from .rest import ListOptions, RequestContext
from .store import Store

log = logging.getLogger(__name__)


class ResyncLoop:
    def __init__(self, name: str, stores: list[Store], sync: Callable[[], Awaitable[object]]):
        self.name = name
        self.stores = stores
        self.sync = sync
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._watch(store), name=f"{self.name}/{store.spec.plural}")
                       for store in self.stores]

    async def stop(self) -> None:
        await tasks.cancel(self._tasks)
        self._tasks = []

    async def _watch(self, store: Store) -> None:
        ctx = RequestContext(user=SYSTEM_USER)
        while True:
            try:
                listed = await store.list(ctx, ListOptions(limit=1))
                rv = listed["metadata"]["resourceVersion"]
                async for _ in store.watch(ctx, ListOptions(resource_version=rv, watch=True)):
                    await self.sync()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.debug("%s: watch of %s ended; restarting", self.name, store.spec.plural, exc_info=True)
                await asyncio.sleep(1)
