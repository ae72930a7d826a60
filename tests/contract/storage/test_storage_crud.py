"""Create, get, delete (with preconditions and deletion validation), count, current_revision.

Carried over from upstream RunTestCreate, RunTestCreateWithKeyExist, RunTestGet,
RunTestUnconditionalDelete, RunTestConditionalDelete, RunTestDelete*.
"""

from __future__ import annotations

import asyncio

import pytest
from storage_contract_support import (
    OTHER_PREFIX,
    PREFIX,
    copy,
    is_storage_error,
    key,
    pod,
    rv,
    simple_update,
    with_rv,
)

from kapiserver.storage import errors
from kapiserver.storage.interface import ListOptions, Preconditions


async def test_create(storage, env):
    obj = pod("test-ns", "foo")
    with pytest.raises(errors.StorageError) as missing:
        await storage.get(key("test-ns", "foo"))
    assert missing.value.code == errors.KEY_NOT_FOUND

    before = await storage.current_revision()
    out = await storage.create(key("test-ns", "foo"), obj)

    assert out["metadata"]["name"] == "foo"
    assert rv(out) == before + 1 == await storage.current_revision()
    assert "resourceVersion" not in obj["metadata"], "create must not change its argument"
    assert out == with_rv(obj, rv(out))
    assert await storage.get(key("test-ns", "foo")) == out


async def test_create_with_resource_version_set(storage):
    obj = pod("test-ns", "bar")
    obj["metadata"]["resourceVersion"] = "1"
    with pytest.raises(ValueError, match="^resourceVersion should not be set on objects to be created$"):
        await storage.create(key("test-ns", "bar"), obj)
    assert await storage.get(key("test-ns", "bar"), ignore_not_found=True) is None


async def test_create_with_key_exist(storage):
    first = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo", node="a"))
    before = await storage.current_revision()
    with pytest.raises(errors.StorageError) as exc:
        await storage.create(key("test-ns", "foo"), pod("test-ns", "foo", node="b"))
    assert exc.value.code == errors.KEY_EXISTS
    assert await storage.current_revision() == before, "a refused create must not consume a revision"
    assert await storage.get(key("test-ns", "foo")) == first


async def test_stored_resource_version_is_the_revision_of_the_write(storage):
    """Backends never store resourceVersion: whatever the object carries, reads show the write's revision."""
    created = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))

    async def stale_rv(current):
        updated = copy(current)
        updated["metadata"]["resourceVersion"] = "999999"
        updated["metadata"]["labels"] = {"a": "b"}
        return updated

    updated = await storage.guaranteed_update(key("test-ns", "foo"), None, stale_rv)
    assert rv(updated) == rv(created) + 1
    got = await storage.get(key("test-ns", "foo"))
    assert rv(got) == rv(updated)
    assert got["metadata"]["labels"] == {"a": "b"}


# -- get ------------------------------------------------------------------------------------

GET_CASES = (
    # name, key, rv, ignore_not_found, expectation
    ("get existing", "foo", "", False, "stored"),
    ("resource version 0", "foo", "0", True, ("absent", "created", "stored")),
    ("object created resource version", "foo", "created", False, ("created", "stored")),
    ("current object resource version", "foo", "stored", False, "stored"),
    ("latest resource version", "foo", "last", False, "stored"),
    ("too high resource version", "foo", str(2**63 - 1), False, errors.ResourceVersionTooLarge),
    ("invalid resource version", "foo", "abc", False, errors.InvalidResourceVersion),
    ("get non-existing", "non-existing", "", False, errors.KEY_NOT_FOUND),
    ("get non-existing, ignore not found", "non-existing", "", True, "absent"),
    ("get non-existing at resource version 0, ignore not found", "non-existing", "0", True, "absent"),
    ("get non-existing at the latest resource version", "non-existing", "last", False, errors.KEY_NOT_FOUND),
)


@pytest.mark.parametrize("case", GET_CASES, ids=[c[0] for c in GET_CASES])
async def test_get(storage, case):
    _, name, requested, ignore_not_found, expectation = case
    created = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))
    stored = await storage.guaranteed_update(
        key("test-ns", "foo"), None, simple_update(lambda o: o["metadata"].update(annotations={"test": "1"})))
    last = await storage.create(key("test-ns", "bar"), pod("test-ns", "bar"))
    states = {"absent": None, "created": created, "stored": stored}
    requested = {"created": str(rv(created)), "stored": str(rv(stored)), "last": str(rv(last))}.get(
        requested, requested)

    if isinstance(expectation, int):
        with pytest.raises(errors.StorageError) as exc:
            await storage.get(key("test-ns", name), requested, ignore_not_found)
        assert exc.value.code == expectation
        return
    if isinstance(expectation, type):
        with pytest.raises(expectation):
            await storage.get(key("test-ns", name), requested, ignore_not_found)
        return
    got = await storage.get(key("test-ns", name), requested, ignore_not_found)
    allowed = [states[e] for e in ((expectation,) if isinstance(expectation, str) else expectation)]
    assert got in allowed


# -- delete ---------------------------------------------------------------------------------

async def test_unconditional_delete(storage):
    stored = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))
    out = await storage.delete(key("test-ns", "foo"))
    assert rv(out) > rv(stored), "the returned object carries the deletion revision"
    assert rv(out) == await storage.current_revision()
    assert out == with_rv(stored, rv(out))
    assert await storage.get(key("test-ns", "foo"), ignore_not_found=True) is None

    with pytest.raises(errors.StorageError) as exc:
        await storage.delete(key("test-ns", "non-existing"))
    assert exc.value.code == errors.KEY_NOT_FOUND


async def test_conditional_delete_uid(storage):
    stored = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo", uid="A"))
    before = await storage.current_revision()

    with pytest.raises(errors.StorageError) as exc:
        await storage.delete(key("test-ns", "foo"), Preconditions(uid="B"))
    assert exc.value.code == errors.INVALID_OBJ
    assert exc.value.detail == "Precondition failed: UID in precondition: B, UID in object meta: A"
    assert await storage.current_revision() == before
    assert await storage.get(key("test-ns", "foo")) == stored

    out = await storage.delete(key("test-ns", "foo"), Preconditions(uid="A"))
    assert out == with_rv(stored, rv(out))
    assert await storage.get(key("test-ns", "foo"), ignore_not_found=True) is None


async def test_conditional_delete_resource_version(storage):
    stored = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))
    with pytest.raises(errors.StorageError) as exc:
        await storage.delete(key("test-ns", "foo"), Preconditions(resource_version="1000"))
    assert exc.value.code == errors.INVALID_OBJ
    assert exc.value.detail == (f"Precondition failed: ResourceVersion in precondition: 1000, "
                                f"ResourceVersion in object meta: {rv(stored)}")
    out = await storage.delete(key("test-ns", "foo"), Preconditions(resource_version=str(rv(stored))))
    assert rv(out) == rv(stored) + 1


async def test_delete_with_empty_preconditions(storage):
    """RunTestWatchDeleteEventObjectHaveLatestRV deletes with &Preconditions{}: nothing to check."""
    await storage.create(key("test-ns", "foo"), pod("test-ns", "foo", uid="A"))
    await storage.delete(key("test-ns", "foo"), Preconditions())
    assert await storage.get(key("test-ns", "foo"), ignore_not_found=True) is None


async def test_delete_of_deleted_object(storage):
    await storage.create(key("test-ns", "name"), pod("test-ns", "name"))
    await storage.delete(key("test-ns", "name"))
    with pytest.raises(errors.StorageError) as exc:
        await storage.delete(key("test-ns", "name"))
    assert exc.value.code == errors.KEY_NOT_FOUND


async def test_delete_with_conflict(storage):
    """A write racing the delete: validation runs again on the fresh object, which is what gets deleted."""
    await storage.create(key("test-ns", "name"), pod("test-ns", "name"))
    seen = []
    updated = {}

    async def validate_with_update(obj):
        seen.append(copy(obj))
        if len(seen) == 1:
            updated["obj"] = await storage.guaranteed_update(
                key("test-ns", "name"), None, simple_update(lambda o: o["metadata"].update(labels={"foo": "bar"})))

    out = await storage.delete(key("test-ns", "name"), None, validate_with_update)
    assert len(seen) == 2
    assert seen[1] == updated["obj"], "the second validation sees the object the racing write stored"
    assert out == with_rv(updated["obj"], rv(out))
    assert await storage.get(key("test-ns", "name"), ignore_not_found=True) is None


async def test_validate_deletion_refuses(storage):
    stored = await storage.create(key("test-ns", "name"), pod("test-ns", "name"))
    calls = []

    class Refused(Exception):
        pass

    async def refuse(obj):
        calls.append(obj)
        raise Refused("validation error")

    before = await storage.current_revision()
    with pytest.raises(Refused):
        await storage.delete(key("test-ns", "name"), None, refuse)
    assert len(calls) == 1
    assert calls[0] == stored
    assert await storage.current_revision() == before
    assert await storage.get(key("test-ns", "name")) == stored


async def test_validate_deletion_sees_current_object(storage):
    """RunTestValidateDeletionWithOnlySuggestionValid: the check runs on the stored object, not an old copy."""
    await storage.create(key("test-ns", "name"), pod("test-ns", "name", labels={"foo": "bar"}))
    updated = await storage.guaranteed_update(
        key("test-ns", "name"), None, simple_update(lambda o: o["metadata"].update(labels={"foo": "barbar"})))

    async def only_bar(obj):
        if obj["metadata"].get("labels", {}).get("foo") != "bar":
            raise ValueError("stale object")

    with pytest.raises(ValueError, match="stale object"):
        await storage.delete(key("test-ns", "name"), None, only_bar)
    assert await storage.get(key("test-ns", "name")) == updated


async def test_preconditional_delete_checks_current_object(storage):
    """RunTestPreconditionalDeleteWithOnlySuggestionPass: the UID changed since, so the delete is refused."""
    await storage.create(key("test-ns", "name"), pod("test-ns", "name", uid="myUID"))
    updated = await storage.guaranteed_update(
        key("test-ns", "name"), None, simple_update(lambda o: o["metadata"].update(uid="otherUID")))
    with pytest.raises(errors.StorageError) as exc:
        await storage.delete(key("test-ns", "name"), Preconditions(uid="myUID"))
    assert is_storage_error(exc.value, errors.INVALID_OBJ)
    assert await storage.get(key("test-ns", "name")) == updated

    await storage.delete(key("test-ns", "name"), Preconditions(uid="otherUID"))


async def test_preconditions_rechecked_after_a_racing_write(storage):
    """The precondition held when the delete first read the object; a racing write changed the UID."""
    await storage.create(key("test-ns", "name"), pod("test-ns", "name", uid="A"))
    calls = []

    async def race(obj):
        calls.append(obj)
        if len(calls) == 1:
            await storage.guaranteed_update(key("test-ns", "name"), None,
                                            simple_update(lambda o: o["metadata"].update(uid="B")))

    with pytest.raises(errors.StorageError) as exc:
        await storage.delete(key("test-ns", "name"), Preconditions(uid="A"), race)
    assert exc.value.code == errors.INVALID_OBJ
    assert len(calls) == 1
    assert (await storage.get(key("test-ns", "name")))["metadata"]["uid"] == "B"


# -- count and current_revision -------------------------------------------------------------

async def test_count(storage, env):
    assert await storage.count(PREFIX) == 0
    for ns, name in (("a", "1"), ("a", "2"), ("ab", "3"), ("b", "4")):
        await storage.create(key(ns, name), pod(ns, name))
    await env.increase_rv()  # another resource: not counted

    assert await storage.count(PREFIX) == 4
    assert await storage.count(PREFIX + "/") == 4
    assert await storage.count(f"{PREFIX}/a") == 2, "a namespace prefix must not count its neighbour 'ab'"
    assert await storage.count(f"{PREFIX}/zz") == 0
    assert await storage.count(OTHER_PREFIX) == 1

    await storage.delete(key("a", "1"))
    assert await storage.count(PREFIX) == 3
    assert await storage.count(f"{PREFIX}/a") == 1


async def test_reads_never_run_ahead_of_current_revision(storage):
    """Whatever resourceVersion a read returns, current_revision has reached it: a client may
    list or get with it at once (NotOlderThan) and must not be told it is too large."""
    await storage.create(key("ns", "a"), pod("ns", "a"))
    done = False

    async def writer(n):
        i = 0
        while not done:
            await storage.guaranteed_update(key("ns", "a"), None, simple_update(
                lambda o, i=i: o["spec"].update(nodeName=f"w{n}-{i}")))
            i += 1
            await asyncio.sleep(0)

    async def reader():
        for _ in range(300):
            got = await storage.get(key("ns", "a"))
            assert rv(got) <= await storage.current_revision()
            await storage.get(key("ns", "a"), str(rv(got)))
            await storage.get_list(PREFIX, ListOptions(str(rv(got)), "NotOlderThan"))

    writers = [asyncio.create_task(writer(n)) for n in range(4)]
    try:
        await asyncio.gather(*(reader() for _ in range(4)))
    finally:
        done = True
        await asyncio.gather(*writers)


async def test_current_revision(storage, env):
    start = await storage.current_revision()
    created = await storage.create(key("ns", "a"), pod("ns", "a"))
    assert await storage.current_revision() == rv(created) == start + 1

    bumped = await env.increase_rv()
    assert await storage.current_revision() == bumped == start + 2, "one global revision for every resource"

    same = await storage.guaranteed_update(key("ns", "a"), None, simple_update(lambda o: None))
    assert rv(same) == rv(created), "a no-op update keeps the resourceVersion"
    assert await storage.current_revision() == bumped, "and writes nothing"

    with pytest.raises(errors.StorageError):
        await storage.delete(key("ns", "a"), Preconditions(uid="nope"))
    assert await storage.current_revision() == bumped

    deleted = await storage.delete(key("ns", "a"))
    assert await storage.current_revision() == rv(deleted) == bumped + 1
