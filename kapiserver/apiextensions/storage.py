"""The storage a served version of a custom resource reads and writes through (upstream's
crdConversionRESTOptionsGetter codec: decode, default, convert, prune).

Every version of a CRD shares one storage (one key root, one watch cache) holding objects
at the storage version. Objects are converted to the storage version before they are
written and, whenever they are read (get, list, watch events, the current object of a
guaranteed update, deletes), defaulted with the storage version's schema, as upstream
defaults what it decodes from etcd, then converted to the served version and pruned with
its schema. Conversion is async (a webhook may answer it); objects read from the inner
storage are shared and are copied before anything changes them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable

from kapiserver.apimachinery import meta
from kapiserver.apimachinery.types import Object
from kapiserver.storage.interface import (
    ListOptions,
    ListResult,
    Preconditions,
    Storage,
    UpdateFunc,
    ValidateDeletionFunc,
    WatchEvent,
)

from .conversion import Converter

Mutator = Callable[[Object], object]


class VersionedStorage:
    """Storage for one served version over the CRD's shared storage."""

    def __init__(self, inner: Storage, converter: Converter, served_api_version: str, storage_api_version: str,
                 default_stored: Mutator | None = None, prune_served: Mutator | None = None,
                 prune_stored: Mutator | None = None):
        """`default_stored` defaults an object of the storage version (None when its schema has
        no defaults); `prune_served` / `prune_stored` drop unknown fields after a conversion
        into that version (None when the two versions share a schema)."""
        self._inner = inner
        self._converter = converter
        self._served = served_api_version
        self._stored = storage_api_version
        self._default_stored = default_stored
        self._prune_served = prune_served
        self._prune_stored = prune_stored

    async def from_storage(self, objects: list[Object]) -> list[Object]:
        if self._default_stored is not None:
            defaulted = []
            for obj in objects:
                copy = meta.deep_copy(obj)
                self._default_stored(copy)
                defaulted.append(copy)
            objects = defaulted
        if all(obj.get("apiVersion") == self._served for obj in objects):
            return objects
        converted = await self._converter.convert(objects, self._served)
        if self._prune_served is not None:
            converted = [meta.deep_copy(obj) for obj in converted]
            for obj in converted:
                self._prune_served(obj)
        return converted

    async def to_storage(self, obj: Object) -> Object:
        if obj.get("apiVersion") == self._stored:
            return obj
        (converted,) = await self._converter.convert([obj], self._stored)
        if self._prune_stored is not None:
            converted = meta.deep_copy(converted)
            self._prune_stored(converted)
        return converted

    async def _one(self, obj: Object) -> Object:
        return (await self.from_storage([obj]))[0]

    # -- Storage ---------------------------------------------------------------------------

    async def create(self, key: str, obj: Object, ttl: int = 0) -> Object:
        return await self._one(await self._inner.create(key, await self.to_storage(obj), ttl))

    async def get(self, key: str, resource_version: str = "", ignore_not_found: bool = False) -> Object | None:
        obj = await self._inner.get(key, resource_version, ignore_not_found)
        return None if obj is None else await self._one(obj)

    async def get_list(self, key: str, opts: ListOptions) -> ListResult:
        result = await self._inner.get_list(key, opts)
        return dataclasses.replace(result, items=await self.from_storage(list(result.items)))

    async def guaranteed_update(self, key: str, preconditions: Preconditions | None, try_update: UpdateFunc,
                                ignore_not_found: bool = False, ttl: int = 0) -> Object:
        async def converted(current: Object | None) -> Object:
            served = None if current is None else await self._one(current)
            return await self.to_storage(await try_update(served))

        return await self._one(await self._inner.guaranteed_update(key, preconditions, converted, ignore_not_found,
                                                                   ttl))

    async def delete(self, key: str, preconditions: Preconditions | None = None,
                     validate_deletion: ValidateDeletionFunc | None = None) -> Object:
        check = None
        if validate_deletion is not None:
            validate = validate_deletion

            async def check(current: Object) -> None:
                await validate(await self._one(current))

        return await self._one(await self._inner.delete(key, preconditions, check))

    async def watch(self, key: str, opts: ListOptions) -> AsyncIterator[WatchEvent]:
        async for event in self._inner.watch(key, opts):
            if event.type in ("ERROR", "BOOKMARK"):
                yield event
                continue
            obj = await self._one(event.object)
            prev = None if event.prev_object is None else await self._one(event.prev_object)
            if obj is event.object and prev is event.prev_object:
                yield event
            else:
                yield WatchEvent(event.type, obj, event.revision, prev, event.key)

    async def count(self, key: str) -> int:
        return await self._inner.count(key)

    async def current_revision(self) -> int:
        return await self._inner.current_revision()

    async def compact(self, revision: int) -> None:
        await self._inner.compact(revision)

    async def close(self) -> None:
        """The shared storage outlives every version's view of it."""
