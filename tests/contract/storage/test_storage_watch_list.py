"""Watch semantics of sendInitialEvents and bookmarks (the watch-list protocol).

Carried over from upstream RunWatchSemantics, RunWatchSemanticInitialEventsExtended,
RunWatchListMatchSingle, RunSendInitialEventsBackwardCompatibility,
RunTestWatchDispatchBookmarkEvents and RunTestOptionalWatchBookmarksWithCorrectResourceVersion.
The endpoint layer only lets sendInitialEvents through with resourceVersionMatch=NotOlderThan,
so the watches here carry it the same way.
"""

from __future__ import annotations

import asyncio

import pytest
from storage_contract_support import (
    BOOKMARK_INTERVAL,
    INITIAL_EVENTS_END,
    PREFIX,
    field_name_is,
    key,
    pod,
    rv,
    watch,
)

from kapiserver.storage import errors
from kapiserver.storage.interface import ListOptions

# name -> (allow_watch_bookmarks, send_initial_events, resourceVersion: "", "0", "1" or "current")
SEMANTICS = {
    "allowWatchBookmarks=true, sendInitialEvents=true, RV=unset": (True, True, ""),
    "allowWatchBookmarks=true, sendInitialEvents=false, RV=unset": (True, False, ""),
    "allowWatchBookmarks=false, sendInitialEvents=false, RV=unset": (False, False, ""),
    "allowWatchBookmarks=false, sendInitialEvents=true, RV=unset": (False, True, ""),
    "allowWatchBookmarks=true, sendInitialEvents=true, RV=0": (True, True, "0"),
    "allowWatchBookmarks=true, sendInitialEvents=false, RV=0": (True, False, "0"),
    "allowWatchBookmarks=false, sendInitialEvents=false, RV=0": (False, False, "0"),
    "allowWatchBookmarks=false, sendInitialEvents=true, RV=0": (False, True, "0"),
    "allowWatchBookmarks=true, sendInitialEvents=true, RV=1": (True, True, "1"),
    "allowWatchBookmarks=true, sendInitialEvents=false, RV=1": (True, False, "1"),
    "allowWatchBookmarks=false, sendInitialEvents=false, RV=1": (False, False, "1"),
    "allowWatchBookmarks=false, sendInitialEvents=true, RV=1": (False, True, "1"),
    "allowWatchBookmarks=true, sendInitialEvents=true, RV=useCurrentRV": (True, True, "current"),
    "allowWatchBookmarks=true, sendInitialEvents=false, RV=useCurrentRV": (True, False, "current"),
    "allowWatchBookmarks=false, sendInitialEvents=false, RV=useCurrentRV": (False, False, "current"),
    "allowWatchBookmarks=false, sendInitialEvents=true, RV=useCurrentRV": (False, True, "current"),
    "legacy, RV=0": (False, None, "0"),
    "legacy, RV=unset": (False, None, ""),
}


def initial_events_expected(send_initial: bool | None, resource_version: str) -> bool:
    """The created pods come first, as initial ADDED events or as history after resourceVersion 1."""
    if send_initial is None:
        return resource_version in ("", "0")
    return send_initial or resource_version == "1"


def watch_options(allow_bookmarks: bool, send_initial: bool | None, resource_version: str) -> dict:
    options = {"resource_version": resource_version, "allow_watch_bookmarks": allow_bookmarks,
               "send_initial_events": send_initial}
    if send_initial is not None:
        options["resource_version_match"] = "NotOlderThan"
    return options


@pytest.mark.parametrize("scenario", list(SEMANTICS))
async def test_watch_semantics(storage, env, scenario):
    allow_bookmarks, send_initial, requested = SEMANTICS[scenario]
    ns = f"ns-{list(SEMANTICS).index(scenario)}"
    await env.increase_rv()  # revision 1 is taken before the pods, as in etcd
    created = [await storage.create(key(ns, f"pod-{i}"), pod(ns, f"pod-{i}")) for i in (1, 2, 3)]
    # Make sure the cache has seen the pods, so the watch below is deterministic (as upstream does).
    listed = await storage.get_list(f"{PREFIX}/{ns}", ListOptions(str(rv(created[-1])), "NotOlderThan"))
    assert len(listed.items) == 3
    if requested == "current":
        requested = str(await storage.current_revision())

    w = await watch(storage, f"{PREFIX}/{ns}", settle=0.02, **watch_options(allow_bookmarks, send_initial, requested))
    try:
        if initial_events_expected(send_initial, requested):
            for obj in created:
                await w.expect("ADDED", obj, skip_bookmarks=False)
        if send_initial and allow_bookmarks:
            end = await w.next()
            assert end.type == "BOOKMARK"
            assert end.revision >= rv(created[-1])
            assert end.object == {"metadata": {"resourceVersion": str(end.revision),
                                               "annotations": {INITIAL_EVENTS_END: "true"}}}
        later = [await storage.create(key(ns, f"pod-{i}"), pod(ns, f"pod-{i}")) for i in (4, 5)]
        for obj in later:
            await w.expect("ADDED", obj)
        await w.expect_nothing()
    finally:
        await w.close()


async def test_watch_semantic_initial_events_extended(storage):
    """RunWatchSemanticInitialEventsExtended: the end bookmark carries the global revision."""
    created = [await storage.create(key("ns-foo", f"pod-{i}"), pod("ns-foo", f"pod-{i}")) for i in range(1, 6)]
    other = await storage.create(key("other-ns-foo", "pod-1"), pod("other-ns-foo", "pod-1"))
    w = await watch(storage, f"{PREFIX}/ns-foo", **watch_options(True, True, ""))
    try:
        for obj in created:
            await w.expect("ADDED", obj, skip_bookmarks=False)
        end = await w.next()
        assert end.type == "BOOKMARK"
        assert end.object["metadata"] == {"resourceVersion": str(rv(other)),
                                          "annotations": {INITIAL_EVENTS_END: "true"}}
        await w.expect_nothing()
    finally:
        await w.close()


async def test_watch_list_match_single(storage):
    """RunWatchListMatchSingle: only the selected object, then the end bookmark at the newest revision."""
    expected = await storage.create(key("ns-foo", "pod-1"), pod("ns-foo", "pod-1"))
    for i in range(2, 6):
        last = await storage.create(key("ns-foo", f"pod-{i}"), pod("ns-foo", f"pod-{i}"))
    w = await watch(storage, PREFIX, predicate=field_name_is("pod-1"), **watch_options(True, True, ""))
    try:
        await w.expect("ADDED", expected, skip_bookmarks=False)
        end = await w.next()
        assert end.type == "BOOKMARK"
        assert end.object["metadata"] == {"resourceVersion": str(rv(last)),
                                          "annotations": {INITIAL_EVENTS_END: "true"}}
        await w.expect_nothing()
    finally:
        await w.close()


async def test_initial_events_are_a_consistent_read(storage):
    """A watch-list started right after acknowledged writes sends them all before its end bookmark.

    The watch is started in the writer's own task, before anything else runs: a watch cache that
    has not applied the writes yet must catch up first (upstream waits for the current revision).
    """
    await storage.get_list(PREFIX, ListOptions())  # a warm watch cache, lagging the writes below
    created = [await storage.create(key("fresh", f"pod-{i:02}"), pod("fresh", f"pod-{i:02}")) for i in range(20)]
    stream = storage.watch(f"{PREFIX}/fresh", ListOptions(**watch_options(True, True, "")))
    try:
        for obj in created:
            event = await stream.__anext__()  # in this task: no chance for the cache to catch up first
            assert (event.type, event.object) == ("ADDED", obj)
        end = await stream.__anext__()
        assert end.type == "BOOKMARK"
        assert end.object["metadata"]["annotations"] == {INITIAL_EVENTS_END: "true"}
        assert end.revision >= rv(created[-1])
    finally:
        await stream.aclose()


async def test_watch_without_initial_events_starts_now(storage):
    """resourceVersion "" with sendInitialEvents=false: writes acknowledged before the watch are not events."""
    await storage.get_list(PREFIX, ListOptions())  # a warm watch cache, lagging the writes below
    for i in range(5):
        await storage.create(key("now", f"pod-{i}"), pod("now", f"pod-{i}"))
    stream = storage.watch(f"{PREFIX}/now", ListOptions(**watch_options(False, False, "")))
    first = asyncio.ensure_future(stream.__anext__())
    try:
        await asyncio.sleep(0.05)
        later = await storage.create(key("now", "later"), pod("now", "later"))
        event = await asyncio.wait_for(first, 2)
        assert (event.type, event.object) == ("ADDED", later)
    finally:
        first.cancel()
        await stream.aclose()


async def test_send_initial_events_at_a_future_revision(storage, env):
    """sendInitialEvents with a resourceVersion the store has not reached: too large."""
    current = await storage.current_revision()
    w = await watch(storage, PREFIX, **watch_options(True, True, str(current + 100)))
    try:
        assert isinstance(await w.error(timeout=3), errors.ResourceVersionTooLarge)
    finally:
        await w.close()


async def test_send_initial_events_backward_compatibility(storage):
    """RunSendInitialEventsBackwardCompatibility: sendInitialEvents without bookmarks still opens a watch."""
    w = await watch(storage, PREFIX, send_initial_events=True)
    try:
        await w.expect_nothing()
    finally:
        await w.close()


@pytest.mark.parametrize("allow_bookmarks", (False, True))
async def test_watch_dispatch_bookmark_events(storage, env, allow_bookmarks):
    """RunTestWatchDispatchBookmarkEvents: bookmarks only when asked for; the watch cache sends them."""
    stored = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))
    await env.sync()  # a warm cache: a watch older than a cache's start is served by the backend
    w = await watch(storage, key("test-ns", "foo"), resource_version=str(rv(stored)), recursive=False,
                    allow_watch_bookmarks=allow_bookmarks)
    try:
        await storage.create(key("other-ns", "foo"), pod("other-ns", "foo"))
        if allow_bookmarks and env.cached:
            event = await w.next()
            assert event.type == "BOOKMARK"
            assert set(event.object) == {"metadata"} and set(event.object["metadata"]) == {"resourceVersion"}
            assert event.revision >= rv(stored)
        else:
            await w.expect_nothing(period=BOOKMARK_INTERVAL * 3, skip_bookmarks=False)
    finally:
        await w.close()


async def test_watch_bookmarks_with_correct_resource_version(storage, env):
    """RunTestOptionalWatchBookmarksWithCorrectResourceVersion, while a writer keeps creating pods."""
    listed = await storage.get_list(PREFIX, ListOptions())
    w = await watch(storage, f"{PREFIX}/test-ns", resource_version=str(listed.resource_version),
                    allow_watch_bookmarks=True)
    done = asyncio.Event()
    WRITES = 30

    async def writer():
        for i in range(WRITES):
            await storage.create(key("test-ns", f"foo-{i}"), pod("test-ns", f"foo-{i}"))
            await asyncio.sleep(BOOKMARK_INTERVAL / 5)
        done.set()

    task = asyncio.create_task(writer())
    bookmarks = events = 0
    last = 0
    try:
        while events < WRITES:
            event = await w.next()
            if event.type == "BOOKMARK":
                bookmarks += 1
                assert event.revision >= last, "a bookmark never goes back"
            else:
                events += 1
                assert event.revision > last, "an event is newer than anything before it"
            last = event.revision
        await task
    finally:
        task.cancel()
        await w.close()
    if env.cached:
        assert bookmarks > 0
    else:
        assert bookmarks == 0

