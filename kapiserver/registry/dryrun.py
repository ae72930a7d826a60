"""A Storage view that runs every check of a write and stores nothing (upstream DryRunnableStorage)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from kapiserver.apimachinery.types import Object
from kapiserver.storage import errors as storage_errors
from kapiserver.storage.interface import (
    ListOptions,
    ListResult,
    Preconditions,
    Storage,
    UpdateFunc,
    ValidateDeletionFunc,
    WatchEvent,
)


class DryRunStorage:
    def __init__(self, real: Storage):
        self._real = real

    async def create(self, key: str, obj: Object, ttl: int = 0) -> Object:
        existing = await self._real.get(key, ignore_not_found=True)
        if existing is not None:
            raise storage_errors.key_exists(key, 0)
        return obj

    async def get(self, key: str, resource_version: str = "", ignore_not_found: bool = False) -> Object | None:
        return await self._real.get(key, resource_version, ignore_not_found)

    async def get_list(self, key: str, opts: ListOptions) -> ListResult:
        return await self._real.get_list(key, opts)

    async def guaranteed_update(self, key: str, preconditions: Preconditions | None, try_update: UpdateFunc,
                                ignore_not_found: bool = False, ttl: int = 0) -> Object:
        current = await self._real.get(key, ignore_not_found=True)
        if current is None and not ignore_not_found:
            raise storage_errors.key_not_found(key)
        if current is not None and preconditions is not None:
            preconditions.check(key, current)
        return await try_update(current)

    async def delete(self, key: str, preconditions: Preconditions | None = None,
                     validate_deletion: ValidateDeletionFunc | None = None) -> Object:
        current = await self._real.get(key)
        assert current is not None
        if preconditions is not None:
            preconditions.check(key, current)
        if validate_deletion is not None:
            await validate_deletion(current)
        return current

    def watch(self, key: str, opts: ListOptions) -> AsyncIterator[WatchEvent]:
        return self._real.watch(key, opts)

    async def count(self, key: str) -> int:
        return await self._real.count(key)

    async def current_revision(self) -> int:
        return await self._real.current_revision()

    async def compact(self, revision: int) -> None:
        raise RuntimeError("compaction is never dry-run")

    async def close(self) -> None:
        return None

