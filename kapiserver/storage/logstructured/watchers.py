"""Fan-out of committed changes to live watchers.

Each change is decoded once, however many watchers see it. A watcher's queue is bounded:
a client that stops reading is cut off (it re-lists and watches again, as upstream's
cacher forces slow watchers to) rather than holding memory without limit.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from ..interface import WatchEvent
from .log import Change

MAX_PENDING_EVENTS = 100_000


class Watcher:
    __slots__ = ("_queue", "_ready", "closed", "end", "progress", "start")

    def __init__(self, start: str, end: str, progress: bool = False):
        self.start = start
        self.end = end
        # Wants a BOOKMARK after each commit that brought it nothing (etcd's progress notify),
        # so a watch cache knows how far it is up to date.
        self.progress = progress
        self._queue: deque[WatchEvent] = deque()
        self._ready = asyncio.Event()
        self.closed = False

    def offer(self, event: WatchEvent) -> None:
        if len(self._queue) >= MAX_PENDING_EVENTS:
            self.close()
        elif not self.closed:
            self._queue.append(event)
            self._ready.set()

    def close(self) -> None:
        """No more events: the watcher fell too far behind, or the store is closing."""
        self.closed = True
        self._queue.clear()
        self._ready.set()

    async def next(self) -> WatchEvent | None:
        """The next event; None once the watcher is closed."""
        while not self._queue:
            if self.closed:
                return None
            self._ready.clear()
            await self._ready.wait()
        return self._queue.popleft()


class Broadcaster:
    def __init__(self, to_event: Callable[[Change], WatchEvent]):
        self._to_event = to_event
        self._watchers: set[Watcher] = set()

    def add(self, start: str, end: str, progress: bool = False) -> Watcher:
        watcher = Watcher(start, end, progress)
        self._watchers.add(watcher)
        return watcher

    def remove(self, watcher: Watcher) -> None:
        self._watchers.discard(watcher)

    def publish(self, changes: list[Change]) -> None:
        if not self._watchers:
            return
        served: set[Watcher] = set()
        for change in changes:
            event: WatchEvent | None = None
            for watcher in self._watchers:
                if watcher.start <= change.key < watcher.end:
                    if event is None:
                        event = self._to_event(change)
                    watcher.offer(event)
                    served.add(watcher)
        progress: WatchEvent | None = None
        for watcher in self._watchers:
            if watcher.progress and watcher not in served:
                if progress is None:
                    progress = WatchEvent("BOOKMARK", {"metadata": {"resourceVersion": str(changes[-1].revision)}},
                                          changes[-1].revision)
                watcher.offer(progress)

    def close_all(self) -> None:
        for watcher in self._watchers:
            watcher.close()
        self._watchers.clear()
