"""What only the watch cache does (upstream cacher_test.go / cacher_whitebox_test.go, in spirit).

Consistent reads wait for the cache to catch up with the backend; a resourceVersion the store
has not reached is refused after the freshness wait; watchers asking for bookmarks get them
periodically; a watch older than the cache's window is served from the backend's history.
Runs over both backends.
"""

from __future__ import annotations

import asyncio
import math

import pytest
from storage_contract_support import BOOKMARK_INTERVAL, FRESHNESS_TIMEOUT, PREFIX, key, pod, rv, watch

from kapiserver.storage import errors
from kapiserver.storage.cacher import cacher as cacher_module
from kapiserver.storage.interface import ListOptions

pytestmark = pytest.mark.parametrize("storage_case", ("cached-memory", "cached-sqlite"), indirect=True)


async def test_consistent_list_waits_for_freshness(storage, env):
    await storage.get_list(PREFIX, ListOptions())  # warm: from now on the cache follows the backend
    created = [await storage.create(key("ns", f"p{i}"), pod("ns", f"p{i}")) for i in range(10)]
    # No other task ran since the writes: the cache may not have applied them, the list must wait.
    listed = await storage.get_list(PREFIX, ListOptions())
    assert listed.items == created
    assert listed.resource_version == rv(created[-1])

    bumped = await env.increase_rv()
    again = await storage.get_list(PREFIX, ListOptions())
    assert again.resource_version == bumped, "progress from other resources moves a consistent list's revision"


async def test_get_at_a_resource_version_waits_for_freshness(storage):
    await storage.get_list(PREFIX, ListOptions())
    created = await storage.create(key("ns", "a"), pod("ns", "a"))
    assert await storage.get(key("ns", "a"), str(rv(created))) == created
    updated = await storage.guaranteed_update(key("ns", "a"), None, lambda o: _labelled(o))
    got = await storage.get(key("ns", "a"), str(rv(updated)))
    assert got == updated


async def _labelled(obj):
    return {**obj, "metadata": {**obj["metadata"], "labels": {"x": "y"}}}


async def test_not_older_than_a_revision_reached_during_the_wait(storage, env):
    await storage.get_list(PREFIX, ListOptions())
    target = await storage.current_revision() + 1
    waiting = asyncio.create_task(storage.get_list(PREFIX, ListOptions(str(target), "NotOlderThan")))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await env.increase_rv()
    result = await waiting
    assert result.resource_version >= target


@pytest.mark.parametrize("call", ("list", "get", "watch"))
async def test_too_large_resource_version_after_the_freshness_wait(storage, call):
    await storage.get_list(PREFIX, ListOptions())
    future = str(await storage.current_revision() + 10)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(errors.ResourceVersionTooLarge) as exc:
        if call == "list":
            await storage.get_list(PREFIX, ListOptions(future, "NotOlderThan"))
        elif call == "get":
            await storage.get(key("ns", "a"), future)
        else:
            await storage.watch(PREFIX, ListOptions(future)).__anext__()
    assert exc.value.requested == int(future)
    assert FRESHNESS_TIMEOUT * 0.9 <= loop.time() - started < FRESHNESS_TIMEOUT + 1


async def test_freshness_waits_leave_nothing_behind(storage, monkeypatch):
    """Requests that gave up waiting (too large, or cancelled by the client) are forgotten.

    White-box: the cache's list of waiters is the only place they could linger, and each one
    left there would be kept, and scanned on every event, for as long as the process lives.
    """
    monkeypatch.setattr(cacher_module, "_FRESHNESS_TIMEOUT", 0.01)
    await storage.get_list(PREFIX, ListOptions())
    huge = str(2**63 - 1)
    for _ in range(20):
        with pytest.raises(errors.ResourceVersionTooLarge):
            await storage.get_list(PREFIX, ListOptions(huge, "NotOlderThan"))
    cancelled = asyncio.create_task(storage.get(key("ns", "a"), huge))
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert storage._waiters == []


async def test_periodic_bookmarks(storage, env):
    first = await storage.create(key("ns", "a"), pod("ns", "a"))
    await env.sync()
    w = await watch(storage, PREFIX, resource_version=str(rv(first)), allow_watch_bookmarks=True)
    plain = await watch(storage, PREFIX, resource_version=str(rv(first)))
    try:
        marks = [await w.next(timeout=BOOKMARK_INTERVAL * 5) for _ in range(2)]
        assert [m.type for m in marks] == ["BOOKMARK", "BOOKMARK"]
        assert all(m.revision >= rv(first) for m in marks)
        bumped = await env.increase_rv()
        mark = await w.next(timeout=BOOKMARK_INTERVAL * 5)
        while mark.revision < bumped:  # an idle watcher learns of progress made elsewhere
            mark = await w.next(timeout=BOOKMARK_INTERVAL * 5)
        assert mark.type == "BOOKMARK"
        second = await storage.create(key("ns", "b"), pod("ns", "b"))
        await w.expect("ADDED", second)
        after = await w.next(timeout=BOOKMARK_INTERVAL * 5)
        assert after.type == "BOOKMARK" and after.revision >= rv(second)
        await plain.expect("ADDED", second, skip_bookmarks=False)
        await plain.expect_nothing(period=BOOKMARK_INTERVAL * 3, skip_bookmarks=False)
    finally:
        await w.close()
        await plain.close()


async def test_one_bookmark_before_the_deadline_on_a_coarse_clock(storage, env, monkeypatch):
    """A clock that ticks in quarter seconds reads exactly the pre-timeout bookmark's due time
    for a while: the watcher still gets that bookmark once."""
    first = await storage.create(key("ns", "a"), pod("ns", "a"))
    await env.sync()
    cacher = env.new_cacher(bookmark_interval=3600)
    loop = asyncio.get_running_loop()
    real_time = loop.time
    monkeypatch.setattr(loop, "time", lambda: math.floor(real_time() * 4) / 4)
    w = await watch(cacher, PREFIX, resource_version=str(rv(first)), allow_watch_bookmarks=True,
                    timeout_seconds=cacher_module._PRE_TIMEOUT_BOOKMARK + 0.5)
    try:
        mark = await w.next(timeout=5)
        assert mark.type == "BOOKMARK"
        await w.expect_nothing(period=1.0, skip_bookmarks=False)
    finally:
        monkeypatch.undo()
        await w.close()


async def test_watch_older_than_the_window_uses_backend_history(storage, env):
    small = env.new_cacher(capacity=3)
    start = await env.backend.current_revision()
    await small.get_list(PREFIX, ListOptions())  # the window starts here
    written = [await small.create(key("ns", f"p{i}"), pod("ns", f"p{i}")) for i in range(10)]
    await small.get_list(PREFIX, ListOptions(str(rv(written[-1])), "NotOlderThan"))

    w = await watch(small, PREFIX, resource_version=str(start))
    try:
        for obj in written:
            await w.expect("ADDED", obj)
        later = await small.create(key("ns", "later"), pod("ns", "later"))
        await w.expect("ADDED", later)
    finally:
        await w.close()

    recent = await watch(small, PREFIX, resource_version=str(rv(written[-2])))  # inside the window
    try:
        await recent.expect("ADDED", written[-1])
        await recent.expect("ADDED", later)
        await recent.expect_nothing()
    finally:
        await recent.close()

    await env.compact(rv(written[5]))
    too_old = await watch(small, PREFIX, resource_version=str(rv(written[1])))
    try:
        error = await too_old.error()
        # The cache's own error (its wording names where its window starts, as upstream's does).
        assert isinstance(error, errors.CacheResourceVersionTooOld)
        assert error.requested == rv(written[1])
    finally:
        await too_old.close()


async def test_cache_serves_reads_at_resource_version_zero_without_the_backend(storage, env):
    """resourceVersion=0 reads come from memory: still the stored objects, never a newer or foreign one."""
    created = await storage.create(key("ns", "a"), pod("ns", "a"))
    await env.sync()
    assert await storage.get(key("ns", "a"), "0") == created
    listed = await storage.get_list(PREFIX, ListOptions("0"))
    assert listed.items == [created]
    assert listed.resource_version >= rv(created)
