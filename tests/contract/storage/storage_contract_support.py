"""Shared pieces of the storage contract suite: keys, objects, predicates and a watch reader.

Kept out of conftest.py so test modules can import them by name (pytest puts this directory
on sys.path). The objects are small Pods stored under `/registry/pods/<ns>/<name>`, the
layout the watch cache expects (it derives keys of listed objects from their metadata).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

from kapiserver.storage import errors
from kapiserver.storage.interface import ListOptions, Predicate, Storage, WatchEvent

Object = dict[str, Any]

PREFIX = "/registry/pods"
OTHER_PREFIX = "/registry/configmaps"
INITIAL_EVENTS_END = "k8s.io/initial-events-end"

# How long a watch may take to deliver an expected event, and how long "nothing arrives" is watched.
EVENT_TIMEOUT = 2.0
QUIET_PERIOD = 0.05

# Short intervals keep the suite at seconds: a whole test, the TTL sweep, the watch cache's
# periodic bookmarks and its wait for freshness (3s upstream).
TEST_DEADLINE = 30.0
TTL_SWEEP_INTERVAL = 0.02
BOOKMARK_INTERVAL = 0.05
FRESHNESS_TIMEOUT = 0.2


def key(namespace: str, name: str) -> str:
    return f"{PREFIX}/{namespace}/{name}"


def pod(namespace: str, name: str, *, node: str = "", labels: dict[str, str] | None = None,
        uid: str | None = None, annotations: dict[str, str] | None = None) -> Object:
    """A Pod as the registry would hand it to storage (no resourceVersion)."""
    metadata: Object = {"name": name, "namespace": namespace}
    if uid is not None:
        metadata["uid"] = uid
    if labels is not None:
        metadata["labels"] = dict(labels)
    if annotations is not None:
        metadata["annotations"] = dict(annotations)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": {"nodeName": node}}


def copy(obj: Object) -> Object:
    return orjson.loads(orjson.dumps(obj))


def rv(obj: Object) -> int:
    return int(obj["metadata"]["resourceVersion"])


def with_rv(obj: Object, revision: int | str) -> Object:
    result = copy(obj)
    result["metadata"]["resourceVersion"] = str(revision)
    return result


def names(items: list[Object]) -> list[str]:
    return [f"{o['metadata'].get('namespace', '')}/{o['metadata']['name']}" for o in items]


# -- predicates (the registry builds these from selectors; here they are written out) --------

def field_name_is(name: str, **paging: Any) -> Predicate:
    return Predicate(matcher=lambda o: o["metadata"]["name"] == name, **paging)


def field_name_is_not(name: str, **paging: Any) -> Predicate:
    return Predicate(matcher=lambda o: o["metadata"]["name"] != name, **paging)


def node_is(node: str) -> Predicate:
    return Predicate(matcher=lambda o: o.get("spec", {}).get("nodeName", "") == node)


def node_is_not(node: str) -> Predicate:
    return Predicate(matcher=lambda o: o.get("spec", {}).get("nodeName", "") != node)


def label_is(label: str, value: str, **paging: Any) -> Predicate:
    return Predicate(matcher=lambda o: o["metadata"].get("labels", {}).get(label) == value, **paging)


def everything(**paging: Any) -> Predicate:
    return Predicate(**paging)


# -- continue tokens, written the way upstream's Go code encodes them -------------------------

def go_continue(start: str, revision: int) -> str:
    """base64url (no padding) of Go's json.Marshal of {v, rv, start}: keys in that order, \\u0000 escapes."""
    start_json = orjson.dumps(start).decode()
    text = f'{{"v":"meta.k8s.io/v1","rv":{revision},"start":{start_json}}}'
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def decode_token(token: str) -> Object:
    return orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


# -- error checks -----------------------------------------------------------------------------

def is_storage_error(exc: BaseException, code: int) -> bool:
    return isinstance(exc, errors.StorageError) and exc.code == code


# -- watching ---------------------------------------------------------------------------------

_END = object()


class WatchReader:
    """Reads a storage watch on a task of its own, so a test can write and then expect events.

    `next()` fails the test when nothing arrives in time; the stream's own exception (for
    example ResourceVersionTooOld) is raised from `next()` at the point it happened.
    """

    def __init__(self, stream: AsyncIterator[WatchEvent]):
        self._stream = stream
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task = asyncio.create_task(self._pump())
        self.ended = False

    async def _pump(self) -> None:
        try:
            async for event in self._stream:
                self._queue.put_nowait(event)
        except Exception as exc:  # noqa: BLE001  (handed to the test by next())
            self._queue.put_nowait(exc)
        self._queue.put_nowait(_END)

    async def next(self, timeout: float = EVENT_TIMEOUT, skip_bookmarks: bool = False) -> WatchEvent:
        while True:
            try:
                async with asyncio.timeout(timeout):
                    item = await self._queue.get()
            except TimeoutError:
                raise AssertionError(f"no watch event within {timeout}s") from None
            if item is _END:
                self.ended = True
                raise AssertionError("the watch ended")
            if isinstance(item, BaseException):
                raise item
            if skip_bookmarks and item.type == "BOOKMARK":
                continue
            return item

    async def error(self, timeout: float = EVENT_TIMEOUT) -> BaseException:
        """The exception the stream ends with (events before it are skipped)."""
        while True:
            async with asyncio.timeout(timeout):
                item = await self._queue.get()
            if item is _END:
                raise AssertionError("the watch ended without an error")
            if isinstance(item, BaseException):
                return item

    async def expect(self, type_: str, obj: Object | None = None, skip_bookmarks: bool = True) -> WatchEvent:
        event = await self.next(skip_bookmarks=skip_bookmarks)
        assert event.type == type_, f"expected {type_}, got {event.type} {event.object}"
        if obj is not None:
            assert event.object == obj
        return event

    async def expect_nothing(self, period: float = QUIET_PERIOD, skip_bookmarks: bool = True) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + period
        while (left := deadline - loop.time()) > 0:
            try:
                async with asyncio.timeout(left):
                    item = await self._queue.get()
            except TimeoutError:
                return
            if item is _END:
                self.ended = True
                return
            if isinstance(item, BaseException):
                raise item
            if skip_bookmarks and item.type == "BOOKMARK":
                continue
            raise AssertionError(f"unexpected watch event {item.type} {item.object}")

    async def wait_end(self, timeout: float = EVENT_TIMEOUT) -> list[WatchEvent]:
        """Events delivered until the stream ended (it must end in time)."""
        seen: list[WatchEvent] = []
        async with asyncio.timeout(timeout):
            while True:
                item = await self._queue.get()
                if item is _END:
                    self.ended = True
                    return seen
                if isinstance(item, BaseException):
                    raise item
                seen.append(item)

    async def close(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass


async def watch(storage: Storage, watch_key: str, settle: float = 0.0, **options: Any) -> WatchReader:
    """Start reading a watch. `settle` gives a watch without a resourceVersion time to register."""
    reader = WatchReader(storage.watch(watch_key, ListOptions(**options)))
    await asyncio.sleep(settle)
    return reader


def simple_update(change: Callable[[Object], None]) -> Callable[[Object | None], Any]:
    """An update function that changes a copy of the current object (upstream storage.SimpleUpdate)."""
    async def try_update(current: Object | None) -> Object:
        assert current is not None
        updated = copy(current)
        change(updated)
        return updated
    return try_update


def replace_with(obj: Object) -> Callable[[Object | None], Any]:
    async def try_update(current: Object | None) -> Object:
        return copy(obj)
    return try_update
