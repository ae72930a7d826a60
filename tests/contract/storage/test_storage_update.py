"""guaranteed_update: preconditions, no-op writes, retries on conflict, ignore_not_found, TTL.

Carried over from upstream RunTestGuaranteedUpdate, RunTestGuaranteedUpdateWithConflict,
RunTestGuaranteedUpdateWithSuggestionAndConflict, RunTestGuaranteedUpdateChecksStoredData,
RunTestGuaranteedUpdateWithTTL.
"""

from __future__ import annotations

import asyncio

import pytest
from storage_contract_support import copy, key, pod, replace_with, rv, simple_update, watch, with_rv

from kapiserver.storage import errors
from kapiserver.storage.interface import Preconditions

UPDATE_CASES = (
    # name, key name, ignore_not_found, preconditions, expectation
    ("non-existing key, ignoreNotFound=false", "non-existing", False, None, errors.KEY_NOT_FOUND),
    ("non-existing key, ignoreNotFound=true", "non-existing", True, None, "created"),
    ("existing key", "foo", False, None, "updated"),
    ("same data", "foo", False, None, "unchanged"),
    ("UID match", "foo", False, Preconditions(uid="A"), "unchanged"),
    ("UID match, changed data", "foo", False, Preconditions(uid="A"), "updated"),
    ("UID mismatch", "foo", False, Preconditions(uid="B"), errors.INVALID_OBJ),
    ("resourceVersion match", "foo", False, "stored", "updated"),
    ("resourceVersion mismatch", "foo", False, Preconditions(resource_version="1000"), errors.INVALID_OBJ),
)


@pytest.mark.parametrize("case", UPDATE_CASES, ids=[c[0] for c in UPDATE_CASES])
async def test_guaranteed_update(storage, case):
    name, target, ignore_not_found, preconditions, expectation = case
    stored = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo", uid="A"))
    if preconditions == "stored":
        preconditions = Preconditions(resource_version=str(rv(stored)))
    change = expectation in ("updated", "created")
    seen = []

    async def try_update(current):
        seen.append(current)
        obj = copy(current) if current is not None else pod("test-ns", target)
        if change:
            obj["metadata"]["annotations"] = {"version": name}
        return obj

    before = await storage.current_revision()
    if isinstance(expectation, int):
        with pytest.raises(errors.StorageError) as exc:
            await storage.guaranteed_update(key("test-ns", target), preconditions, try_update, ignore_not_found)
        assert exc.value.code == expectation
        assert seen == [], "try_update must not run when the object is missing or a precondition fails"
        assert await storage.current_revision() == before
        return

    out = await storage.guaranteed_update(key("test-ns", target), preconditions, try_update, ignore_not_found)
    assert await storage.get(key("test-ns", target)) == out
    if expectation == "unchanged":
        assert out == stored, "a no-op update keeps the resourceVersion"
        assert await storage.current_revision() == before
    else:
        assert rv(out) == before + 1 == await storage.current_revision()
        assert out["metadata"]["annotations"] == {"version": name}
    if expectation == "created":
        assert seen == [None], "try_update sees None for a missing object with ignore_not_found"
    else:
        assert seen == [stored]


async def test_no_op_update_writes_no_event(storage):
    stored = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))
    w = await watch(storage, key("test-ns", "foo"), resource_version=str(rv(stored)), recursive=False)
    try:
        same = await storage.guaranteed_update(key("test-ns", "foo"), None, replace_with(stored))
        assert same == stored
        changed = await storage.guaranteed_update(
            key("test-ns", "foo"), None, simple_update(lambda o: o["metadata"].update(labels={"x": "y"})))
        await w.expect("MODIFIED", changed)
    finally:
        await w.close()


async def test_update_rewrites_data_that_differs_from_canonical(storage):
    """RunTestGuaranteedUpdateChecksStoredData: only an identical serialization is a no-op."""
    stored = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo", labels={"b": "2", "a": "1"}))
    reordered = copy(stored)
    reordered["metadata"]["labels"] = {"a": "1", "b": "2"}
    out = await storage.guaranteed_update(key("test-ns", "foo"), None, replace_with(reordered))
    assert rv(out) == rv(stored) + 1
    again = await storage.guaranteed_update(key("test-ns", "foo"), None, replace_with(out))
    assert again == out


async def test_guaranteed_update_with_conflict(storage):
    """The second writer's try_update ran on data the first writer then replaced: it runs again, on fresh data."""
    await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))
    second_entered = asyncio.Event()
    first_done = asyncio.Event()

    async def first_update(current):
        obj = copy(current)
        obj["metadata"]["annotations"] = {"first": "1"}
        await second_entered.wait()
        return obj

    async def run_first():
        try:
            return await storage.guaranteed_update(key("test-ns", "foo"), None, first_update)
        finally:
            first_done.set()

    first = asyncio.create_task(run_first())
    seen = []

    async def second_update(current):
        seen.append(copy(current))
        if len(seen) == 1:
            second_entered.set()
            await first_done.wait()
        obj = copy(current)
        obj["metadata"].setdefault("annotations", {})["second"] = "2"
        return obj

    second = await storage.guaranteed_update(key("test-ns", "foo"), None, second_update)
    first_out = await first
    assert len(seen) == 2, "a conflict must call try_update again"
    assert seen[1] == first_out, "the retry sees what the winning write stored"
    assert second["metadata"]["annotations"] == {"first": "1", "second": "2"}
    assert rv(second) == rv(first_out) + 1


async def test_concurrent_updates_lose_nothing(storage):
    """Many read-modify-write loops on one key: every increment lands, each at its own revision."""
    await storage.create(key("test-ns", "counter"), pod("test-ns", "counter", annotations={"n": "0"}))

    async def increment(current):
        obj = copy(current)
        await asyncio.sleep(0)  # let the others read the same revision
        obj["metadata"]["annotations"]["n"] = str(int(current["metadata"]["annotations"]["n"]) + 1)
        return obj

    results = await asyncio.gather(*(storage.guaranteed_update(key("test-ns", "counter"), None, increment)
                                     for _ in range(25)))
    assert sorted(int(o["metadata"]["annotations"]["n"]) for o in results) == list(range(1, 26))
    assert len({rv(o) for o in results}) == 25
    final = await storage.get(key("test-ns", "counter"))
    assert final["metadata"]["annotations"]["n"] == "25"


async def test_try_update_error_aborts(storage):
    """RunTestGuaranteedUpdateWithSuggestionAndConflict: an error from try_update is returned, nothing written."""
    stored = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))
    before = await storage.current_revision()
    attempts = []

    async def refuse(current):
        attempts.append(current)
        raise RuntimeError("validation or admission error")

    with pytest.raises(RuntimeError, match="validation or admission error"):
        await storage.guaranteed_update(key("test-ns", "foo"), None, refuse)
    assert attempts == [stored]
    assert await storage.current_revision() == before


async def test_ignore_not_found_races_a_create(storage):
    """Two creators through guaranteed_update: the loser retries against the object the winner created."""
    entered = asyncio.Event()
    release = asyncio.Event()
    seen = []

    async def slow_create(current):
        seen.append(current)
        if len(seen) == 1:
            entered.set()
            await release.wait()
        obj = copy(current) if current is not None else pod("test-ns", "foo")
        obj["metadata"].setdefault("labels", {})["slow"] = "1"
        return obj

    slow = asyncio.create_task(storage.guaranteed_update(key("test-ns", "foo"), None, slow_create, True))
    await entered.wait()
    winner = await storage.guaranteed_update(key("test-ns", "foo"), None, replace_with(pod("test-ns", "foo")), True)
    release.set()
    out = await slow
    assert seen == [None, winner]
    assert out["metadata"]["labels"] == {"slow": "1"}
    assert rv(out) == rv(winner) + 1


async def test_preconditions_rechecked_on_retry(storage):
    await storage.create(key("test-ns", "foo"), pod("test-ns", "foo", uid="A"))
    calls = []

    async def racing(current):
        calls.append(current)
        if len(calls) == 1:
            await storage.guaranteed_update(key("test-ns", "foo"), None,
                                            simple_update(lambda o: o["metadata"].update(uid="B")))
        obj = copy(current)
        obj["metadata"]["labels"] = {"x": "y"}
        return obj

    with pytest.raises(errors.StorageError) as exc:
        await storage.guaranteed_update(key("test-ns", "foo"), Preconditions(uid="A"), racing)
    assert exc.value.code == errors.INVALID_OBJ
    assert len(calls) == 1


async def test_create_with_ttl(storage, env):
    """RunTestCreateWithTTL: the object expires and watchers see it DELETED."""
    out = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"), ttl=1)
    w = await watch(storage, key("test-ns", "foo"), resource_version=str(rv(out)), recursive=False)
    try:
        await w.expect_nothing()
        env.clock.advance(2)
        event = await w.expect("DELETED")
        assert event.object == with_rv(out, event.revision)
        assert event.revision > rv(out)
        assert await storage.get(key("test-ns", "foo"), ignore_not_found=True) is None
    finally:
        await w.close()


async def test_guaranteed_update_with_ttl(storage, env):
    """RunTestGuaranteedUpdateWithTTL: a TTL given to an update (here creating) expires the object."""
    out = await storage.guaranteed_update(key("test-ns", "foo"), None, replace_with(pod("test-ns", "foo")), True, 1)
    w = await watch(storage, key("test-ns", "foo"), resource_version=str(rv(out)), recursive=False)
    try:
        env.clock.advance(2)
        await w.expect("DELETED")
    finally:
        await w.close()


async def test_ttl_given_to_an_update_replaces_the_expiry(storage, env):
    out = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"), ttl=1)
    w = await watch(storage, key("test-ns", "foo"), resource_version=str(rv(out)), recursive=False)
    try:
        updated = await storage.guaranteed_update(
            key("test-ns", "foo"), None, simple_update(lambda o: o["metadata"].update(labels={"a": "b"})), ttl=100)
        await w.expect("MODIFIED", updated)
        env.clock.advance(2)
        await w.expect_nothing()
        env.clock.advance(200)
        await w.expect("DELETED")
    finally:
        await w.close()


async def test_objects_without_ttl_never_expire(storage, env):
    out = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))
    env.clock.advance(10**6)
    await asyncio.sleep(0.1)
    assert await storage.get(key("test-ns", "foo")) == out
