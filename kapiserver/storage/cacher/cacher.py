"""Cacher: a Storage that answers reads and watches of one resource from a WatchCache."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator

from kapiserver.apimachinery.types import Object

from .. import errors, keys
from ..interface import (
    ListOptions,
    ListResult,
    Preconditions,
    Predicate,
    Storage,
    UpdateFunc,
    ValidateDeletionFunc,
    WatchEvent,
)
from ..watch_filter import bookmark, filter_event
from .watch_cache import WatchCache

log = logging.getLogger(__name__)

_FRESHNESS_TIMEOUT = 3.0
# A watcher that allows bookmarks gets one this long before its deadline.
_PRE_TIMEOUT_BOOKMARK = 2.0
_MAX_PENDING = 100_000


class _CacheWatcher:
    __slots__ = ("closed", "end", "predicate", "queue", "ready", "start")

    def __init__(self, start: str, end: str, predicate: Predicate):
        self.start = start
        self.end = end
        self.predicate = predicate
        self.queue: deque[WatchEvent] = deque()
        self.ready = asyncio.Event()
        self.closed = False

    def offer(self, key: str, event: WatchEvent) -> None:
        if self.closed or not self.start <= key < self.end:
            return
        filtered = filter_event(event, self.predicate)
        if filtered is None:
            return
        if len(self.queue) >= _MAX_PENDING:
            self.close()
            return
        self.queue.append(filtered)
        self.ready.set()

    def close(self) -> None:
        self.closed = True
        self.queue.clear()
        self.ready.set()


class Cacher:
    def __init__(self, backend: Storage, prefix: str, capacity: int = 10_000, bookmark_interval: float = 60.0):
        self._backend = backend
        self._prefix = prefix if prefix.endswith("/") else prefix + "/"
        self._cache = WatchCache(capacity)
        self._bookmark_interval = bookmark_interval
        self._watchers: set[_CacheWatcher] = set()
        self._reflector: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    # -- lifecycle ----------------------------------------------------------------------

    async def _ensure_ready(self) -> None:
        if self._reflector is None:
            self._reflector = asyncio.create_task(self._reflect(), name=f"cacher {self._prefix}")
        await self._ready.wait()

    async def _reflect(self) -> None:
        """List, then watch from the list's revision; start over if the watch breaks."""
        while True:
            try:
                listed = await self._backend.get_list(self._prefix, ListOptions())
                items = [(f"{self._prefix}{_relative_key(obj)}", obj) for obj in listed.items]
                self._cache.replace(items, listed.resource_version)
                self._ready.set()
                self._wake(listed.resource_version)
                opts = ListOptions(resource_version=str(listed.resource_version), progress_notify=True)
                async for event in self._backend.watch(self._prefix, opts):
                    self._apply(event)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("watch cache for %s failed; relisting", self._prefix)
            self._ready.clear()
            for watcher in list(self._watchers):
                watcher.close()
            await asyncio.sleep(1.0)

    def _apply(self, event: WatchEvent) -> None:
        key = event.key
        self._cache.apply(key, event)
        if event.type != "BOOKMARK":
            for watcher in self._watchers:
                watcher.offer(key, event)
        self._wake(self._cache.revision)

    def _wake(self, revision: int) -> None:
        if not self._waiters:
            return
        pending = []
        for target, future in self._waiters:
            if target <= revision:
                if not future.done():
                    future.set_result(None)
            else:
                pending.append((target, future))
        self._waiters = pending

    async def _wait_until_fresh(self, revision: int) -> None:
        if self._cache.revision >= revision:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = (revision, future)
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(_FRESHNESS_TIMEOUT):
                await future
        except TimeoutError:
            raise errors.ResourceVersionTooLarge(revision, self._cache.revision) from None
        finally:
            # Gone on time-out or cancellation too: nothing waits for a revision forever.
            if not future.done() or future.cancelled():
                self._waiters = [w for w in self._waiters if w is not waiter]

    async def close(self) -> None:
        if self._reflector is not None:
            self._reflector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reflector
            self._reflector = None
        for watcher in list(self._watchers):
            watcher.close()

    # -- writes and other pass-throughs --------------------------------------------------

    async def create(self, key: str, obj: Object, ttl: int = 0) -> Object:
        return await self._backend.create(key, obj, ttl)

    async def guaranteed_update(self, key: str, preconditions: Preconditions | None, try_update: UpdateFunc,
                                ignore_not_found: bool = False, ttl: int = 0) -> Object:
        return await self._backend.guaranteed_update(key, preconditions, try_update, ignore_not_found, ttl)

    async def delete(self, key: str, preconditions: Preconditions | None = None,
                     validate_deletion: ValidateDeletionFunc | None = None) -> Object:
        return await self._backend.delete(key, preconditions, validate_deletion)

    async def count(self, key: str) -> int:
        return await self._backend.count(key)

    async def current_revision(self) -> int:
        return await self._backend.current_revision()

    async def compact(self, revision: int) -> None:
        await self._backend.compact(revision)

    # -- reads ---------------------------------------------------------------------------

    async def get(self, key: str, resource_version: str = "", ignore_not_found: bool = False) -> Object | None:
        if resource_version == "":
            return await self._backend.get(key, resource_version, ignore_not_found)
        await self._ensure_ready()
        await self._wait_until_fresh(keys.parse_resource_version(resource_version))
        obj = self._cache.get(key)
        if obj is None and not ignore_not_found:
            raise errors.key_not_found(key)
        return obj

    def _serves_list(self, opts: ListOptions) -> bool:
        # A continue token names a revision and a start key the cache cannot serve (upstream
        # delegates it whatever the resourceVersion); a limit with resourceVersion "0" is the
        # one paged list it answers, whole, as upstream's cache does.
        if opts.resource_version_match == "Exact" or (opts.recursive and opts.predicate.continue_token):
            return False
        return not (opts.predicate.limit > 0 and opts.resource_version != "0")

    async def get_list(self, key: str, opts: ListOptions) -> ListResult:
        if not self._serves_list(opts):
            return await self._backend.get_list(key, opts)
        await self._ensure_ready()
        if opts.resource_version == "":
            await self._wait_until_fresh(await self._backend.current_revision())
        else:
            await self._wait_until_fresh(keys.parse_resource_version(opts.resource_version))
        start, end = _key_range(key, opts.recursive)
        predicate = opts.predicate
        items = [obj for _, obj in self._cache.list(start, end) if predicate.matches(obj)]
        return ListResult(items, self._cache.revision)

    # -- watch ---------------------------------------------------------------------------

    async def watch(self, key: str, opts: ListOptions) -> AsyncIterator[WatchEvent]:
        await self._ensure_ready()
        start, end = _key_range(key, opts.recursive)
        since = keys.parse_resource_version(opts.resource_version)
        send_initial = opts.send_initial_events
        if send_initial is None:
            send_initial = since == 0
        elif opts.resource_version == "":
            # A watch-list without resourceVersion starts at the backend's current revision, as a
            # consistent read does (upstream getWatchCacheResourceVersion), not wherever the
            # cache happens to be: its state, or its events, must include every acknowledged write.
            since = await self._backend.current_revision()
        if since:
            await self._wait_until_fresh(since)
        if not send_initial and since and since < self._cache.window_start:
            # Older than the cache's window: the backend still has that history unless compacted
            # (upstream's cache refuses at once; it starts with the server, ours on first use).
            window_start = self._cache.window_start
            try:
                async for event in self._backend.watch(key, ListOptions(opts.resource_version, "", opts.predicate,
                                                                         opts.recursive)):
                    yield event
            except errors.ResourceVersionTooOld as exc:
                raise errors.CacheResourceVersionTooOld(since, window_start) from exc
            return
        watcher = _CacheWatcher(start, end, opts.predicate)
        # No await between reading the cache and registering: no event can fall in between.
        revision = self._cache.revision
        if send_initial:
            initial = [WatchEvent("ADDED", obj, int(obj["metadata"]["resourceVersion"]), None, k)
                       for k, obj in self._cache.list(start, end) if opts.predicate.matches(obj)]
        elif since:
            initial = [e for e in (filter_event(ev, opts.predicate)
                                   for ev in self._cache.events_after(since, start, end)) if e is not None]
        else:
            initial = []
        self._watchers.add(watcher)
        try:
            for event in initial:
                yield event
            if opts.send_initial_events and opts.allow_watch_bookmarks:
                yield bookmark(revision, initial_end=True)
            deadline = asyncio.get_running_loop().time() + opts.timeout_seconds if opts.timeout_seconds else None
            async for event in self._follow(watcher, opts.allow_watch_bookmarks, deadline):
                yield event
        finally:
            self._watchers.discard(watcher)

    def _next_bookmark(self, now: float, deadline: float | None) -> float | None:
        """Every interval, and once about 2s before the watch's deadline (upstream
        cacheWatcher.nextBookmarkTime); None once that last one is due. Strictly after `now`:
        on a coarse clock the due time can equal the current time for many iterations."""
        when = now + self._bookmark_interval
        if deadline is None:
            return when
        when = min(when, deadline - _PRE_TIMEOUT_BOOKMARK)
        return when if when > now else None

    async def _follow(self, watcher: _CacheWatcher, bookmarks: bool,
                      deadline: float | None = None) -> AsyncIterator[WatchEvent]:
        loop = asyncio.get_running_loop()
        next_bookmark = self._next_bookmark(loop.time(), deadline)
        while True:
            while not watcher.queue:
                if watcher.closed:
                    return
                watcher.ready.clear()
                if not bookmarks or next_bookmark is None:
                    await watcher.ready.wait()
                    continue
                timeout = next_bookmark - loop.time()
                if timeout <= 0:
                    next_bookmark = self._next_bookmark(loop.time(), deadline)
                    yield bookmark(self._cache.revision)
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await watcher.ready.wait()
            yield watcher.queue.popleft()


def _key_range(key: str, recursive: bool) -> tuple[str, str]:
    if not recursive:
        return key, key + "\x00"
    prefix = key if key.endswith("/") else key + "/"
    return prefix, keys.prefix_end(prefix)


def _relative_key(obj: Object) -> str:
    meta = obj.get("metadata", {})
    namespace = meta.get("namespace")
    name = meta.get("name", "")
    return f"{namespace}/{name}" if namespace else name
