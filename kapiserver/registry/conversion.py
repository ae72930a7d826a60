"""One storage, several served versions (upstream's codec conversion at the storage boundary).

When a group serves a resource at more than one version (networking.k8s.io v1 and v1beta1
IPAddress, resource.k8s.io v1, v1beta2 and v1beta1 ResourceClaim), upstream keeps one copy of
each object, encoded at the storage version, and converts on the way in and out. Here the
storage version's spec is declared as usual; `alternate_version()` derives the spec of another
version from it: the same key root (so one watch cache), the storage version named for
discovery's storageVersionHash, and a Store over a `ConvertingStorage` that turns objects into
the storage version before they are written and back into the served version whenever they
are read: get, list, watch events (object and previous object), guaranteed updates (the
current object handed to the update function, and its answer) and deletes.

Conversion functions take an object and return a new one (never mutate their argument: it
may be shared with the watch cache). The default conversion only rewrites `apiVersion`, which
is all most beta/GA pairs need. Selectors run inside the storage, on the stored form: field
paths that differ between versions must be declared on the storage version's terms.

When the shapes differ, the served version's strategy is wrapped in `ConvertingStrategy`,
which runs the storage version's strategy on a converted copy, as upstream runs one
strategy over the internal version (so error paths name the storage version's fields, as
upstream's name the internal ones).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from kapiserver.apimachinery import field
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

from .rest import DeleteOptions, RequestContext
from .strategy import Strategy

if TYPE_CHECKING:
    from .spec import ResourceSpec

Convert = Callable[[Object], Object]


def set_api_version(api_version: str) -> Convert:
    """The conversion of two versions with the same shape: a shallow copy with another apiVersion."""

    def convert(obj: Object) -> Object:
        if obj.get("apiVersion") == api_version:
            return obj
        return {**obj, "apiVersion": api_version}

    return convert


def chain(*steps: Convert) -> Convert:
    def convert(obj: Object) -> Object:
        for step in steps:
            obj = step(obj)
        return obj

    return convert


class ConvertingStorage:
    """A Storage whose objects are served at one version and stored at another."""

    def __init__(self, inner: Storage, to_storage: Convert, from_storage: Convert):
        self._inner = inner
        self._to = to_storage
        self._from = from_storage

    def _out(self, obj: Object | None) -> Object | None:
        return None if obj is None else self._from(obj)

    async def create(self, key: str, obj: Object, ttl: int = 0) -> Object:
        return self._from(await self._inner.create(key, self._to(obj), ttl))

    async def get(self, key: str, resource_version: str = "", ignore_not_found: bool = False) -> Object | None:
        return self._out(await self._inner.get(key, resource_version, ignore_not_found))

    async def get_list(self, key: str, opts: ListOptions) -> ListResult:
        result = await self._inner.get_list(key, opts)
        return dataclasses.replace(result, items=[self._from(item) for item in result.items])

    async def guaranteed_update(self, key: str, preconditions: Preconditions | None, try_update: UpdateFunc,
                                ignore_not_found: bool = False, ttl: int = 0) -> Object:
        async def converted(current: Object | None) -> Object:
            return self._to(await try_update(self._out(current)))

        return self._from(await self._inner.guaranteed_update(key, preconditions, converted, ignore_not_found, ttl))

    async def delete(self, key: str, preconditions: Preconditions | None = None,
                     validate_deletion: ValidateDeletionFunc | None = None) -> Object:
        check = None
        if validate_deletion is not None:
            validate = validate_deletion

            async def check(current: Object) -> None:
                await validate(self._from(current))

        return self._from(await self._inner.delete(key, preconditions, check))

    async def watch(self, key: str, opts: ListOptions) -> AsyncIterator[WatchEvent]:
        async for event in self._inner.watch(key, opts):
            if event.type == "ERROR":
                yield event
                continue
            yield WatchEvent(event.type, self._from(event.object), event.revision, self._out(event.prev_object),
                             event.key)

    async def count(self, key: str) -> int:
        return await self._inner.count(key)

    async def current_revision(self) -> int:
        return await self._inner.current_revision()

    async def compact(self, revision: int) -> None:
        await self._inner.compact(revision)

    async def close(self) -> None:
        """The inner storage belongs to the storage version's resource; it closes it."""


class ConvertingStrategy(Strategy):
    """The storage version's strategy, run on a copy converted to the storage version.

    Mutating steps (default, prepare_for_*, canonicalize) write the converted result back
    into the served object, so the caller sees its own version change in place.
    """

    def __init__(self, inner: Strategy, to_storage: Convert, from_storage: Convert):
        self.inner = inner
        self._to = to_storage
        self._from = from_storage
        for name in ("allow_create_on_update", "allow_unconditional_update", "default_garbage_collection_policy",
                     "supports_graceful_delete"):
            setattr(self, name, getattr(inner, name))

    def _mutate(self, obj: Object, step: Callable[[Object], None]) -> None:
        converted = self._to(obj)
        if converted is obj:
            step(obj)
            return
        step(converted)
        back = self._from(converted)
        obj.clear()
        obj.update(back)

    def default(self, obj: Object) -> None:
        self._mutate(obj, self.inner.default)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        self._mutate(obj, lambda o: self.inner.prepare_for_create(ctx, o))

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        old_converted = self._to(old)
        self._mutate(obj, lambda o: self.inner.prepare_for_update(ctx, o, old_converted))

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return self.inner.validate(ctx, self._to(obj))

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return self.inner.validate_update(ctx, self._to(obj), self._to(old))

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return self.inner.warnings_on_create(ctx, self._to(obj))

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return self.inner.warnings_on_update(ctx, self._to(obj), self._to(old))

    def canonicalize(self, obj: Object) -> None:
        self._mutate(obj, self.inner.canonicalize)

    def check_graceful_delete(self, ctx: RequestContext, obj: Object, options: DeleteOptions) -> int | None:
        return self.inner.check_graceful_delete(ctx, self._to(obj), options)


def _converted_store(to_storage: Convert, from_storage: Convert) -> Callable[[ResourceSpec, Storage], Any]:
    def factory(spec: ResourceSpec, storage: Storage) -> Any:
        from .store import Store

        return Store(spec, ConvertingStorage(storage, to_storage, from_storage))

    return factory


def alternate_version(stored: ResourceSpec, version: str, to_storage: Convert | None = None,
                      from_storage: Convert | None = None, **changes: Any) -> ResourceSpec:
    """The spec of `stored`'s resource served at `version`, sharing its storage.

    `to_storage` / `from_storage` convert the object's body (apiVersion is set afterwards
    either way); `changes` replace other fields of the spec (a strategy, a printer, ...).
    """
    served_api_version = f"{stored.group}/{version}" if stored.group else version
    to_api = chain(*(s for s in (to_storage,) if s), set_api_version(stored.api_version))
    from_api = chain(*(s for s in (from_storage,) if s), set_api_version(served_api_version))
    return dataclasses.replace(stored, version=version, storage_version=stored.version,
                               rest_factory=_converted_store(to_api, from_api), **changes)
