"""LogStructuredStore: the Storage contract over a Log (see package docstring)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

import orjson

from kapiserver.apimachinery.types import Object

from .. import errors, keys
from ..interface import ListOptions, ListResult, Preconditions, UpdateFunc, ValidateDeletionFunc, WatchEvent
from ..watch_filter import bookmark, filter_event, with_revision
from .log import Change, Log, WriteOp
from .watchers import Broadcaster

log = logging.getLogger(__name__)

_MAX_FETCH = 10_000


def _encode(obj: Object) -> bytes:
    meta = obj.get("metadata")
    if isinstance(meta, dict) and "resourceVersion" in meta:
        obj = {**obj, "metadata": {k: v for k, v in meta.items() if k != "resourceVersion"}}
    return orjson.dumps(obj)


def _decode(key: str, data: bytes, revision: int) -> Object:
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise errors.corrupt_obj(key, str(exc)) from exc
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    meta["resourceVersion"] = str(revision)
    return obj


def _key_range(key: str, recursive: bool) -> tuple[str, str, str]:
    """(prefix used for continue tokens, range start, range end)."""
    if not recursive:
        return key, key, key + "\x00"
    prefix = key if key.endswith("/") else key + "/"
    return prefix, prefix, keys.prefix_end(prefix)


class LogStructuredStore:
    """Implements storage.interface.Storage over any Log."""

    def __init__(self, log_backend: Log, compaction_interval: float = 300.0, ttl_sweep_interval: float = 1.0):
        self._log = log_backend
        self._compaction_interval = compaction_interval
        self._ttl_sweep_interval = ttl_sweep_interval
        self._broadcaster = Broadcaster(self._to_event)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await self._log.open(self._broadcaster.publish)
        self._tasks.append(asyncio.create_task(self._sweep_expired(), name="storage-ttl"))
        if self._compaction_interval > 0:
            self._tasks.append(asyncio.create_task(self._compact_periodically(), name="storage-compaction"))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self._broadcaster.close_all()
        await self._log.close()

    # -- reads -------------------------------------------------------------------------

    async def get(self, key: str, resource_version: str = "", ignore_not_found: bool = False) -> Object | None:
        minimum = keys.parse_resource_version(resource_version)
        row = await self._log.get(key)
        if minimum:
            current = await self._log.current_revision()
            if minimum > current:
                raise errors.ResourceVersionTooLarge(minimum, current)
        if row is None:
            if ignore_not_found:
                return None
            raise errors.key_not_found(key)
        return _decode(key, row.value, row.mod_revision)

    async def get_list(self, key: str, opts: ListOptions) -> ListResult:
        prefix, start, end = _key_range(key, opts.recursive)
        predicate = opts.predicate
        revision, start = await self._list_revision(prefix, start, opts)
        limit = predicate.limit if opts.recursive else 0
        items: list[Object] = []
        fetch = limit if predicate.empty else max(limit, 1) * 2 if limit else 0
        last_key = ""
        has_more = False
        total = 0
        while True:
            rows, total = await self._log.list(start, end, revision, fetch)
            has_more = len(rows) < total
            for row in rows:
                if limit and len(items) >= limit:
                    has_more = True
                    break
                last_key = row.key
                obj = _decode(row.key, row.value, row.mod_revision)
                if predicate.matches(obj):
                    items.append(obj)
            if not limit or not has_more or len(items) >= limit:
                break
            start = last_key + "\x00"
            fetch = min(fetch * 2, _MAX_FETCH)
        token = ""
        remaining: int | None = None
        if limit and has_more:
            token = keys.encode_continue(last_key + "\x00", prefix, revision)
            if predicate.empty:
                remaining = total - limit
        return ListResult(items, revision, token, remaining)

    async def _list_revision(self, prefix: str, start: str, opts: ListOptions) -> tuple[int, str]:
        """The revision a list reads at and where it starts, per upstream ValidateListOptions."""
        current = await self._log.current_revision()
        paging = opts.predicate.limit > 0
        if opts.recursive and opts.predicate.continue_token:
            start, continue_rev = keys.decode_continue(opts.predicate.continue_token, prefix)
            if opts.resource_version not in ("", "0"):
                raise errors.InvalidContinue("specifying resource version is not allowed when using continue")
            revision = continue_rev if continue_rev > 0 else current
            if revision > current:  # never handed out: reading "there" would claim a future revision
                raise errors.ResourceVersionTooLarge(revision, current)
            if revision < await self._log.compacted_revision():
                raise errors.ContinueExpired(keys.encode_continue(start, prefix, -1))
            return revision, start
        requested = keys.parse_resource_version(opts.resource_version)
        exact = opts.resource_version_match == "Exact" or (
            opts.resource_version_match == "" and opts.recursive and paging and requested > 0)
        if exact and requested:
            if requested > current:
                raise errors.ResourceVersionTooLarge(requested, current)
            if requested < await self._log.compacted_revision():
                raise errors.ResourceVersionTooOld(requested, await self._log.compacted_revision())
            return requested, start
        if opts.resource_version and requested > current:
            raise errors.ResourceVersionTooLarge(requested, current)
        return current, start

    async def count(self, key: str) -> int:
        _, start, end = _key_range(key, True)
        return await self._log.count(start, end)

    async def current_revision(self) -> int:
        return await self._log.current_revision()

    # -- writes ------------------------------------------------------------------------

    async def create(self, key: str, obj: Object, ttl: int = 0) -> Object:
        if obj.get("metadata", {}).get("resourceVersion"):
            raise ValueError("resourceVersion should not be set on objects to be created")
        expires = time.time() + ttl if ttl > 0 else 0.0
        result = await self._log.write(WriteOp(key, 0, _encode(obj), expires))
        if result.change is None:
            raise errors.key_exists(key, result.current.mod_revision if result.current else 0)
        return with_revision(obj, result.change.revision)

    async def guaranteed_update(
        self,
        key: str,
        preconditions: Preconditions | None,
        try_update: UpdateFunc,
        ignore_not_found: bool = False,
        ttl: int = 0,
    ) -> Object:
        row = await self._log.get(key)
        while True:
            current = _decode(key, row.value, row.mod_revision) if row is not None else None
            if current is None and not ignore_not_found:
                raise errors.key_not_found(key)
            if current is not None and preconditions is not None:
                preconditions.check(key, current)
            updated = await try_update(current)
            data = _encode(updated)
            if row is not None and current is not None and data == row.value:
                return current
            expires = time.time() + ttl if ttl > 0 else (row.expires if row is not None else 0.0)
            result = await self._log.write(WriteOp(key, row.mod_revision if row else 0, data, expires))
            if result.change is not None:
                return with_revision(updated, result.change.revision)
            row = result.current

    async def delete(
        self,
        key: str,
        preconditions: Preconditions | None = None,
        validate_deletion: ValidateDeletionFunc | None = None,
    ) -> Object:
        row = await self._log.get(key)
        while True:
            if row is None:
                raise errors.key_not_found(key)
            current = _decode(key, row.value, row.mod_revision)
            if preconditions is not None:
                preconditions.check(key, current)
            if validate_deletion is not None:
                await validate_deletion(current)
            result = await self._log.write(WriteOp(key, row.mod_revision, None))
            if result.change is not None:
                return with_revision(current, result.change.revision)
            row = result.current

    async def compact(self, revision: int) -> None:
        current = await self._log.current_revision()
        if revision > current:  # as etcd: compacting past the newest revision breaks every watch
            raise errors.ResourceVersionTooLarge(revision, current)
        await self._log.compact(revision)

    # -- watch -------------------------------------------------------------------------

    async def watch(self, key: str, opts: ListOptions) -> AsyncIterator[WatchEvent]:
        """From `since` on; or, when initial events are sent (always for resourceVersion "" and
        "0" unless sendInitialEvents=false), the current state as ADDED events first, then the
        initial-events-end bookmark if sendInitialEvents and bookmarks were asked for (as
        upstream's etcd3 watcher)."""
        _, start, end = _key_range(key, opts.recursive)
        since = keys.parse_resource_version(opts.resource_version)
        send_initial = since == 0 if opts.send_initial_events is None else opts.send_initial_events
        watcher = self._broadcaster.add(start, end, opts.progress_notify)
        try:
            last = since
            if since == 0 or send_initial:
                last = await self._log.current_revision()
                if since > last:
                    raise errors.ResourceVersionTooLarge(since, last)
                rows, _ = await self._log.list(start, end, last, 0) if send_initial else ([], 0)
                for row in rows:
                    obj = _decode(row.key, row.value, row.mod_revision)
                    if opts.predicate.matches(obj):
                        yield WatchEvent("ADDED", obj, row.mod_revision, None, row.key)
                if opts.send_initial_events and opts.allow_watch_bookmarks:
                    yield bookmark(last, initial_end=True)
            else:
                compacted = await self._log.compacted_revision()
                if since < compacted:
                    raise errors.ResourceVersionTooOld(since, compacted)
                current = await self._log.current_revision()  # before the history, which covers it
                for change in await self._log.history(start, end, since):
                    last = change.revision
                    event = filter_event(self._to_event(change), opts.predicate)
                    if event is not None:
                        yield event
                if opts.progress_notify and current > last:
                    # Commits elsewhere between the caller's list and this watch were published
                    # before the watcher existed: say how far the range is known to be current,
                    # or a watch cache waiting for that revision would wait for the next commit.
                    last = current
                    yield bookmark(current)
            while True:
                next_event = await watcher.next()
                if next_event is None:
                    return
                if next_event.revision <= last:
                    continue
                last = next_event.revision
                event = filter_event(next_event, opts.predicate)
                if event is not None:
                    yield event
        finally:
            self._broadcaster.remove(watcher)

    def _to_event(self, change: Change) -> WatchEvent:
        obj = _decode(change.key, change.value, change.revision)
        if change.deleted:
            return WatchEvent("DELETED", obj, change.revision, obj, change.key)
        prev = _decode(change.key, change.prev_value, change.revision) if change.prev_value is not None else None
        kind = "ADDED" if change.create_revision == change.revision else "MODIFIED"
        return WatchEvent(kind, obj, change.revision, prev, change.key)

    # -- background --------------------------------------------------------------------

    async def _sweep_expired(self) -> None:
        while True:
            await asyncio.sleep(self._ttl_sweep_interval)
            try:
                for row in await self._log.expired(time.time()):
                    await self._log.write(WriteOp(row.key, row.mod_revision, None))
            except Exception:  # keep sweeping; a failed pass is retried next time
                log.exception("expiring objects failed")

    async def _compact_periodically(self) -> None:
        """Compact to the revision seen one interval ago, as upstream's compactor does."""
        previous = 0
        while True:
            await asyncio.sleep(self._compaction_interval)
            try:
                if previous:
                    await self._log.compact(previous)
                previous = await self._log.current_revision()
            except Exception:
                log.exception("compaction failed")

