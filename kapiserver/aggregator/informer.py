"""A list-watch cache of one resource inside the process (upstream's shared informer and lister).

The aggregator's controllers and its proxy read APIServices, Services, EndpointSlices and
Endpoints from here instead of storage, as upstream's do from informers. The cache lists
through the resource's REST storage, then watches from the list's resourceVersion; when the
watch ends or fails it lists again and reports what changed meanwhile. Handlers run on the
event loop, in event order, and must not block: they enqueue work for a controller.

Objects in the cache are shared: never mutate them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

from kapiserver.apimachinery import meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import ListOptions, RequestContext

from .tasks import Spawn, loop_spawn

log = logging.getLogger(__name__)

_RETRY_SECONDS = 1.0
AddFunc = Callable[[Object], None]
UpdateFunc = Callable[[Object, Object], None]
DeleteFunc = Callable[[Object], None]


class ListWatcher(Protocol):
    async def list(self, ctx: RequestContext, options: ListOptions) -> Object: ...

    def watch(self, ctx: RequestContext, options: ListOptions) -> Any: ...


def object_key(obj: Object) -> str:
    namespace = meta.namespace(obj)
    return f"{namespace}/{meta.name(obj)}" if namespace else meta.name(obj)


class Informer:
    def __init__(self, name: str, source: ListWatcher, ctx: RequestContext | None = None):
        self.name = name
        self._source = source
        self._ctx = ctx or RequestContext()
        self._items: dict[str, Object] = {}
        self._handlers: list[tuple[AddFunc | None, UpdateFunc | None, DeleteFunc | None]] = []
        self._task: asyncio.Task[None] | None = None
        self.synced = asyncio.Event()

    def add_event_handler(self, on_add: AddFunc | None = None, on_update: UpdateFunc | None = None,
                          on_delete: DeleteFunc | None = None) -> None:
        """Handlers added after the first sync are called with the current items as adds."""
        self._handlers.append((on_add, on_update, on_delete))
        if self.synced.is_set() and on_add is not None:
            for obj in list(self._items.values()):
                on_add(obj)

    # -- lister -------------------------------------------------------------------------

    def get(self, name: str, namespace: str = "") -> Object | None:
        return self._items.get(f"{namespace}/{name}" if namespace else name)

    def list(self) -> list[Object]:
        return list(self._items.values())

    # -- running ------------------------------------------------------------------------

    def start(self, spawn: Spawn = loop_spawn) -> None:
        if self._task is None:
            self._task = spawn(self._run(), f"informer-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def wait_synced(self) -> None:
        await self.synced.wait()

    async def _run(self) -> None:
        while True:
            try:
                revision = await self._relist()
                self.synced.set()
                await self._watch(revision)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - an expired resourceVersion, a storage hiccup: list again
                log.debug("informer %s: %s; listing again", self.name, exc)
            await asyncio.sleep(_RETRY_SECONDS)

    async def _relist(self) -> str:
        listed = await self._source.list(self._ctx, ListOptions())
        fresh = {object_key(obj): obj for obj in listed.get("items") or []}
        old = self._items
        self._items = fresh
        for key, obj in fresh.items():
            previous = old.get(key)
            if previous is None:
                self._notify_add(obj)
            elif meta.resource_version(previous) != meta.resource_version(obj):
                self._notify_update(previous, obj)
        for key, obj in old.items():
            if key not in fresh:
                self._notify_delete(obj)
        return str((listed.get("metadata") or {}).get("resourceVersion") or "")

    async def _watch(self, revision: str) -> None:
        options = ListOptions(resource_version=revision, watch=True, allow_watch_bookmarks=True)
        async for event in self._source.watch(self._ctx, options):
            if event.type in ("BOOKMARK", "ERROR"):
                continue
            key = object_key(event.object)
            if event.type == "DELETED":
                gone = self._items.pop(key, event.object)
                self._notify_delete(gone)
                continue
            previous = self._items.get(key)
            self._items[key] = event.object
            if previous is None:
                self._notify_add(event.object)
            else:
                self._notify_update(previous, event.object)

    def _notify_add(self, obj: Object) -> None:
        for on_add, _, _ in self._handlers:
            if on_add is not None:
                self._safely(on_add, obj)

    def _notify_update(self, old: Object, new: Object) -> None:
        for _, on_update, _ in self._handlers:
            if on_update is not None:
                self._safely(on_update, old, new)

    def _notify_delete(self, obj: Object) -> None:
        for _, _, on_delete in self._handlers:
            if on_delete is not None:
                self._safely(on_delete, obj)

    def _safely(self, handler: Callable[..., None], *args: Object) -> None:
        try:
            handler(*args)
        except Exception:
            log.exception("informer %s: event handler failed", self.name)
