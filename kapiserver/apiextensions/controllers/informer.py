"""One list+watch of CustomResourceDefinitions for the whole apiextensions server (upstream's
shared CRD informer, its lister and event handlers).

The cache maps CRD names to their last seen state (shared objects: never mutate them).
Handlers are called synchronously on the event loop, in registration order, and must only
note the change (enqueue a key); `mutation()` lets a controller record the object its own
write returned before the watch delivers it (upstream's mutation cache).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import ListOptions, RequestContext

log = logging.getLogger(__name__)

_RETRY_SECONDS = 1.0


class Handler(Protocol):
    def on_add(self, crd: Object) -> None: ...

    def on_update(self, old: Object, new: Object) -> None: ...

    def on_delete(self, crd: Object) -> None: ...


def _rv(obj: Object | None) -> int:
    try:
        return int(meta.resource_version(obj or {}) or 0)
    except ValueError:
        return 0


class CRDInformer:
    def __init__(self, store: Any, ctx: RequestContext):
        self._store = store
        self._ctx = ctx
        self.cache: dict[str, Object] = {}
        self.handlers: list[Handler] = []
        self.synced = asyncio.Event()

    def get(self, name: str) -> Object | None:
        return self.cache.get(name)

    def list(self) -> list[Object]:
        return list(self.cache.values())

    def mutation(self, crd: Object) -> None:
        """Record an object a controller just wrote, unless the cache already has it or newer."""
        name = meta.name(crd)
        if _rv(crd) > _rv(self.cache.get(name)):
            self._apply(name, crd)

    def _apply(self, name: str, crd: Object | None) -> None:
        old = self.cache.get(name)
        if crd is None:
            if old is not None:
                del self.cache[name]
                for handler in self.handlers:
                    handler.on_delete(old)
            return
        self.cache[name] = crd
        for handler in self.handlers:
            if old is None:
                handler.on_add(crd)
            else:
                handler.on_update(old, crd)

    async def run(self) -> None:
        while True:
            try:
                revision = await self._relist()
                self.synced.set()
                await self._watch(revision)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("CRD informer: list/watch failed")
            await asyncio.sleep(_RETRY_SECONDS)

    async def _relist(self) -> str:
        listed = await self._store.list(self._ctx, ListOptions())
        seen = set()
        for crd in listed.get("items") or []:
            name = meta.name(crd)
            seen.add(name)
            if _rv(crd) != _rv(self.cache.get(name)):
                self._apply(name, crd)
        for name in [n for n in self.cache if n not in seen]:
            self._apply(name, None)
        return str((listed.get("metadata") or {}).get("resourceVersion", ""))

    async def _watch(self, revision: str) -> None:
        events = self._store.watch(self._ctx, ListOptions(resource_version=revision, watch=True))
        try:
            async for event in events:
                if event.type == "ERROR":
                    return
                if event.type == "BOOKMARK":
                    continue
                name = meta.name(event.object)
                if event.type == "DELETED":
                    self._apply(name, None)
                elif _rv(event.object) > _rv(self.cache.get(name)) or name not in self.cache:
                    self._apply(name, event.object)
        except errors.StatusError as err:
            log.info("CRD informer: watch ended: %s", err.message)
        finally:
            await events.aclose()
