"""The in-memory state of one resource: objects by key, in key order, plus recent events."""

from __future__ import annotations

import bisect
from collections import deque

from kapiserver.apimachinery.types import Object

from ..interface import WatchEvent


class WatchCache:
    def __init__(self, capacity: int):
        self._objects: dict[str, Object] = {}
        self._keys: list[str] = []
        self._events: deque[tuple[str, WatchEvent]] = deque(maxlen=capacity)
        self.revision = 0
        # The oldest revision a watch may start after and still see every event.
        self.window_start = 0

    def replace(self, items: list[tuple[str, Object]], revision: int) -> None:
        self._objects = dict(items)
        self._keys = sorted(self._objects)
        self._events.clear()
        self.revision = revision
        self.window_start = revision

    def apply(self, key: str, event: WatchEvent) -> None:
        if event.type == "BOOKMARK":
            self.revision = max(self.revision, event.revision)
            return
        if event.type == "DELETED":
            if self._objects.pop(key, None) is not None:
                del self._keys[bisect.bisect_left(self._keys, key)]
        else:
            if key not in self._objects:
                bisect.insort(self._keys, key)
            self._objects[key] = event.object
        if len(self._events) == self._events.maxlen and self._events:
            self.window_start = self._events[0][1].revision
        self._events.append((key, event))
        self.revision = max(self.revision, event.revision)

    def get(self, key: str) -> Object | None:
        return self._objects.get(key)

    def list(self, start: str, end: str) -> list[tuple[str, Object]]:
        lo = bisect.bisect_left(self._keys, start)
        hi = bisect.bisect_left(self._keys, end)
        return [(key, self._objects[key]) for key in self._keys[lo:hi]]

    def events_after(self, revision: int, start: str, end: str) -> list[WatchEvent]:
        """Events in range newer than revision; the caller checked revision >= window_start."""
        return [event for key, event in self._events if event.revision > revision and start <= key < end]

    def __len__(self) -> int:
        return len(self._objects)
