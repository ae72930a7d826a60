"""A de-duplicating work queue with per-key exponential backoff (upstream client-go workqueue).

A key added while it is queued is queued once; a key added while a worker holds it is
queued again when the worker is done, so one key is never processed twice at once.
`Controller` runs a sync function over the queue with a few workers and a resync timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable

from .tasks import Spawn, loop_spawn

log = logging.getLogger(__name__)


class WorkQueue:
    def __init__(self, base_delay: float = 0.005, max_delay: float = 30.0):
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()
        self._processing: set[str] = set()
        self._dirty_while_processing: set[str] = set()
        self._failures: dict[str, int] = {}
        self._timers: set[asyncio.TimerHandle] = set()
        self._base = base_delay
        self._max = max_delay

    def add(self, key: str) -> None:
        if key in self._processing:
            self._dirty_while_processing.add(key)
            return
        if key not in self._queued:
            self._queued.add(key)
            self._queue.put_nowait(key)

    def add_after(self, key: str, delay: float) -> None:
        loop = asyncio.get_running_loop()
        handle: asyncio.TimerHandle

        def fire() -> None:
            self._timers.discard(handle)
            self.add(key)

        handle = loop.call_later(delay, fire)
        self._timers.add(handle)

    def add_rate_limited(self, key: str) -> None:
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        self.add_after(key, min(self._base * (2 ** failures), self._max))

    def forget(self, key: str) -> None:
        self._failures.pop(key, None)

    async def get(self) -> str:
        key = await self._queue.get()
        self._queued.discard(key)
        self._processing.add(key)
        return key

    def done(self, key: str) -> None:
        self._processing.discard(key)
        if key in self._dirty_while_processing:
            self._dirty_while_processing.discard(key)
            self.add(key)

    def shut_down(self) -> None:
        for handle in self._timers:
            handle.cancel()
        self._timers.clear()


SyncFunc = Callable[[str], Awaitable[None]]


class Controller:
    """Workers calling `sync(key)`; a failed key is retried with backoff (upstream processNextWorkItem)."""

    def __init__(self, name: str, sync: SyncFunc, workers: int = 2, queue: WorkQueue | None = None):
        self.name = name
        self.queue = queue or WorkQueue()
        self._sync = sync
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, resync: Callable[[], Iterable[str]] | None = None, period: float = 30.0,
              spawn: Spawn = loop_spawn) -> None:
        """Start the workers; with `resync`, every key it lists is queued again each `period` seconds
        (upstream's informer resync period)."""
        self._tasks = [spawn(self._worker(), f"{self.name}-{i}") for i in range(self._workers)]
        if resync is not None:
            self._tasks.append(spawn(self._resync(resync, period), f"{self.name}-resync"))

    async def _resync(self, keys: Callable[[], Iterable[str]], period: float) -> None:
        while True:
            await asyncio.sleep(period)
            for key in keys():
                self.queue.add(key)

    async def stop(self) -> None:
        self.queue.shut_down()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _worker(self) -> None:
        while True:
            key = await self.queue.get()
            try:
                await self._sync(key)
                self.queue.forget(key)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - one key's failure is retried, never ends the workers
                log.info("%s: %s failed with: %s", self.name, key, exc)
                self.queue.add_rate_limited(key)
            finally:
                self.queue.done(key)
