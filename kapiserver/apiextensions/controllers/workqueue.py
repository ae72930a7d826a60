"""A work queue of keys (client-go workqueue, rate limited).

A key added several times before a worker takes it is synced once; a key added while it is
being synced is synced again afterwards; a failed sync is retried after an exponential
backoff (5ms doubling, capped), and a successful one forgets the failures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

_BASE_DELAY = 0.005
_MAX_DELAY = 30.0


class WorkQueue:
    def __init__(self, name: str, sync: Callable[[str], Awaitable[None]]):
        self.name = name
        self._sync = sync
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()
        self._processing: set[str] = set()
        self._dirty: set[str] = set()
        self._failures: dict[str, int] = {}
        self._timers: set[asyncio.TimerHandle] = set()

    def add(self, key: str) -> None:
        if key in self._processing:
            self._dirty.add(key)
            return
        if key not in self._queued:
            self._queued.add(key)
            self._queue.put_nowait(key)

    def add_after(self, key: str, delay: float) -> None:
        if delay <= 0:
            self.add(key)
            return
        loop = asyncio.get_running_loop()
        handle: asyncio.TimerHandle | None = None

        def fire() -> None:
            if handle is not None:
                self._timers.discard(handle)
            self.add(key)

        handle = loop.call_later(delay, fire)
        self._timers.add(handle)

    async def run(self) -> None:
        """Sync keys until cancelled (one worker, as upstream runs these controllers)."""
        try:
            while True:
                key = await self._queue.get()
                self._queued.discard(key)
                self._processing.add(key)
                try:
                    await self._sync(key)
                    self._failures.pop(key, None)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    failures = self._failures[key] = self._failures.get(key, 0) + 1
                    log.exception("%s: syncing %s failed", self.name, key)
                    self.add_after(key, min(_BASE_DELAY * 2 ** failures, _MAX_DELAY))
                finally:
                    self._processing.discard(key)
                    if key in self._dirty:
                        self._dirty.discard(key)
                        self.add(key)
        finally:
            for handle in self._timers:
                handle.cancel()
            self._timers.clear()

    async def wait_idle(self) -> None:
        """For tests: until nothing is queued or being synced."""
        while self._queued or self._processing:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.sleep(0.01)
